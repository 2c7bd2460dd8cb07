"""Map themes of opportunity access and bike commuting ("Bereikbaarheid van jobs" ...).

The engine's result columns shown with the shared symbology; nothing is
computed beyond class breaks. :mod:`slimmeregio.desktop.themes` offers
these keys after its own.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np

from slimmeregio.desktop.i18n import tr
from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import FLOW_COLORS, UNREACHABLE_COLOR

__all__ = ["OPPORTUNITY_THEME_KEYS", "opportunity_theme_label", "opportunity_theme_layers"]

#: Theme keys, in menu order.
OPPORTUNITY_THEME_KEYS: tuple[str, ...] = ("jobs_access", "schools_access", "bike_commute")

#: Light to dark green: more opportunities within reach is better.
_ACCESS_GREENS = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")


def opportunity_theme_label(key: str) -> str | None:
    """The menu label of ``key``, None for other keys."""
    labels = {
        "jobs_access": tr("Bereikbaarheid van jobs (fiets)"),
        "schools_access": tr("Bereikbaarheid van scholen (fiets)"),
        "bike_commute": tr("Fietsroutes naar het werk (potentiële fietspendelaars)"),
    }
    return labels.get(key)


def _breaks(values: np.ndarray, n: int = 5) -> list[float]:
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return []
    out: list[float] = []
    for v in np.quantile(values, np.linspace(1.0 / n, 1.0, n)):
        v = float(np.ceil(v))
        if not out or v > out[-1]:
            out.append(v)
    return out


def _access(evaluation: Any, kind: str, title: str) -> list[Layer]:
    minutes = evaluation.parameters.bike_thresholds_min
    mid = minutes[len(minutes) // 2]
    column = f"opp_{kind}_bike_{mid:g}min"
    frame = evaluation.dwellings
    if column not in frame.columns:
        return []
    breaks = _breaks(frame[column].to_numpy(dtype=float))
    if not breaks:
        return []
    style = Style(
        kind="graduated",
        column=column,
        breaks=breaks,
        colors=list(_ACCESS_GREENS[-len(breaks) :]),
        color=UNREACHABLE_COLOR,
        marker_size=3.0,
    )
    return [_layer(title.format(m=f"{mid:g}"), frame, style)]


def opportunity_theme_layers(key: str, evaluation: Any) -> list[Layer] | None:
    """Display layers of ``key`` (empty when the run has no such results); None for other keys."""
    if key not in OPPORTUNITY_THEME_KEYS:
        return None
    if evaluation is None:
        return []
    if key == "jobs_access":
        return _access(evaluation, "jobs", tr("Banen binnen {m} min fietsen"))
    if key == "schools_access":
        return _access(evaluation, "schools", tr("Leerlingenplaatsen binnen {m} min fietsen"))
    links = evaluation.links
    if "flow_bike_commuters" not in links.columns:
        return []
    flows = links[links["flow_bike_commuters"] >= 1.0]
    breaks = _breaks(flows["flow_bike_commuters"].to_numpy(dtype=float))
    if not breaks:
        return []
    style = Style(
        kind="graduated",
        column="flow_bike_commuters",
        breaks=breaks,
        colors=list(FLOW_COLORS[-len(breaks) :]),
        color=FLOW_COLORS[0],
        line_width=2.2,
    )
    # The uptake depends on each route's gradient only with an elevation model.
    title = (
        tr("Potentiële fietspendelaars (Go Dutch, hellingen uit het hoogtemodel)")
        if "gradient_pct" in links.columns
        else tr("Potentiële fietspendelaars (Go Dutch, vlak gerekend: geen hoogtemodel)")
    )
    out = [_layer(title, flows, style)]
    outcome = getattr(evaluation, "opportunities", None)
    workplaces = getattr(outcome, "workplaces", None)
    if workplaces is not None and len(workplaces):
        out.append(
            _layer(
                tr("Werkplaatsen"),
                workplaces,
                Style(kind="single", color="#ffffff", edge_color=FLOW_COLORS[-1], marker_size=7.0),
            )
        )
    return out


def _layer(name: str, frame: gpd.GeoDataFrame, style: Style) -> Layer:
    return Layer(name=name, data=frame, role=Role.OTHER, style=style)
