"""Every colour ramp of the maps stays readable with deuteranopia and protanopia.

Colours are run through colorspacious's colour-vision-deficiency simulation
(Machado et al. 2009, full severity) and compared in CAM02-UCS: neighbouring
classes must stay at least ``MIN_DELTA_E`` apart. The old red-green access
ramp failed this (≤ 5 min and > 20 min nearly merged for deuteranopes).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from slimmeregio.layers import symbology

colorspacious = pytest.importorskip("colorspacious")

#: Smallest CAM02-UCS distance between neighbouring classes (about 3 "just noticeable" steps of 5).
MIN_DELTA_E = 15.0

RAMPS = {
    "access": (*symbology.ACCESS_COLORS, symbology.UNREACHABLE_COLOR),
    "flows": symbology.FLOW_COLORS,
    "density": symbology.DENSITY_COLORS,
    "hubs": tuple(symbology.HOPPIN_COLORS.values()),
    "gain/loss": (symbology.CHANGE_COLORS["gain"], symbology.CHANGE_COLORS["loss"]),
    "pt stops": symbology.PT_RATE_COLORS,
    "pt walking access": symbology.PT_ACCESS_COLORS,
}


def _seen(color: str, cvd: str) -> np.ndarray:
    space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
    rgb = np.clip(colorspacious.cspace_convert(np.array(to_rgb(color)), space, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def delta_e(a: str, b: str, cvd: str) -> float:
    return float(np.linalg.norm(_seen(a, cvd) - _seen(b, cvd)))


@pytest.mark.parametrize("cvd", ["deuteranomaly", "protanomaly"])
@pytest.mark.parametrize("ramp", list(RAMPS))
def test_neighbouring_classes_stay_apart(ramp: str, cvd: str) -> None:
    colors = RAMPS[ramp]
    for a, b in itertools.pairwise(colors):
        assert delta_e(a, b, cvd) >= MIN_DELTA_E, (ramp, cvd, a, b)


@pytest.mark.parametrize("cvd", ["deuteranomaly", "protanomaly"])
def test_access_extremes_and_hub_symbols_are_distinct(cvd: str) -> None:
    access = symbology.ACCESS_COLORS
    assert delta_e(access[0], access[-1], cvd) >= 3 * MIN_DELTA_E
    # the small buurt-mobipunt used to equal the 5-10 min dwelling dot; now it is far from every access class,
    # and every hub is a hexagon, never a dot like a dwelling
    assert min(delta_e(symbology.HOPPIN_COLORS["buurt"], c, cvd) for c in access) >= 2 * MIN_DELTA_E
    assert symbology.HUB_MARKER not in ("o", ".") and symbology.HUB_MARKER != symbology.SITE_MARKER


def test_the_old_red_green_ramp_would_fail() -> None:
    """The check can fail: the ramp this replaced does."""
    old = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")
    assert min(delta_e(a, b, "deuteranomaly") for a, b in itertools.pairwise(old)) < MIN_DELTA_E


def test_hubs_and_sites_have_different_shapes(results) -> None:
    from slimmeregio.exporters.maps import masterplan_figure

    fig = masterplan_figure(
        results.project,
        theme="siting",
        evaluation=results.evaluation,
        siting=results.siting,
        paper="a4-landscape",
    )
    legend = [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().legend_handles]
    shapes = {h.get_label(): h.get_marker() for h in legend if hasattr(h, "get_marker")}
    site = next(m for label, m in shapes.items() if label.startswith("Voorgestelde locatie"))
    hubs = {m for label, m in shapes.items() if label.startswith("Mobipunt ")}
    assert hubs and site not in hubs


@pytest.mark.parametrize("cvd", ["deuteranomaly", "protanomaly"])
def test_pt_dwellings_stand_apart_from_the_stop_classes(cvd: str) -> None:
    """On the public transport map a dwelling dot is never mistaken for a stop class, nor a failing hub's cross."""
    served, unserved = symbology.PT_ACCESS_COLORS
    for stop in symbology.PT_RATE_COLORS:
        assert delta_e(served, stop, cvd) >= MIN_DELTA_E, (cvd, served, stop)
    cross = symbology.CHANGE_COLORS["loss"]
    assert min(delta_e(cross, h, cvd) for h in symbology.HOPPIN_COLORS.values()) >= MIN_DELTA_E
