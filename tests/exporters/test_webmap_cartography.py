"""The web map reads like the print maps: municipality names, named site suggestions, the same
classes and colours, and popups that are never left under the page's boxes."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from slimmeregio.exporters.map_access import _access_items
from slimmeregio.exporters.map_flows import draw_flows, shared_flow_breaks
from slimmeregio.exporters.maps import parse_paper
from slimmeregio.layers.symbology import ACCESS_CLASSES_MIN, ACCESS_COLORS, UNREACHABLE_COLOR

from ._helpers import json_unescaped
from .conftest import HOSTILE_PATH, Results


def test_municipality_names_on_the_map(page: str) -> None:
    labels = re.findall(r'class="srp-muni">([^<]*)</div>', json_unescaped(page).replace('\\"', '"'))
    assert sorted(html.unescape(t) for t in labels) == sorted(["Halle", "Beersel", HOSTILE_PATH])
    names = set(re.findall(r'"([^"]+)"\s*:\s*feature_group_', page))
    assert "Gemeentenamen" in names


def test_site_suggestions_carry_names(page: str, results: Results) -> None:
    decoded = json_unescaped(page)
    sites = results.siting.sites
    for rank, place in zip(sites["rank"], sites["municipality"], strict=True):
        own = (
            str(sites.loc[sites["rank"] == rank, "name"].iloc[0]).strip()
            if "name" in sites.columns
            else ""
        )
        expected = own or f"Voorstel {int(rank)}: {place}"
        assert f'class="srp-site-name">{html.escape(expected)}</div>' in decoded.replace(
            '\\"', '"'
        ), expected


def _legend_section(page: str, heading_start: str) -> list[tuple[str, str]]:
    """``(label, colour)`` rows of the legend section whose heading starts with ``heading_start``."""
    legend = page[page.index('<details open class="srp-legend">') :]
    legend = legend[: legend.index("</details>")]
    sections = re.split(r'<div class="srp-legend-head">', legend)[1:]
    section = next(s for s in sections if html.unescape(s).startswith(heading_start))
    rows = re.findall(
        r'<div class="srp-legend-row"><span[^>]*?(?:background|border(?:-top)?):\s*(?:3px dashed |'
        r"2px solid )?(#[0-9a-fA-F]{6})[^>]*></span>([^<]*)</div>",
        section,
    )
    return [(html.unescape(label), colour.lower()) for colour, label in rows]


def test_access_classes_and_colours_as_on_the_print_maps(page: str) -> None:
    web = _legend_section(page, "Woningen (vakken")
    printed = [(i.label, i.color.lower()) for i in _access_items("nl")]
    assert web == printed


def test_access_cells_classed_like_the_print_maps(results: Results, page: str) -> None:
    """Each 500 m square's colour is the print class of its dwellings' mean cycling time (by hand)."""
    ev = results.evaluation
    d = ev.dwellings
    xy = np.column_stack([d.geometry.x, d.geometry.y])
    ix, iy = np.floor(xy[:, 0] / 500).astype(int), np.floor(xy[:, 1] / 500).astype(int)
    minutes, w = d["bike_min_mobipunt"].to_numpy(float), d["dwellings"].to_numpy(float)
    expected = {}
    for key in set(zip(ix, iy, strict=True)):
        sel = (ix == key[0]) & (iy == key[1]) & (w > 0)
        if not sel.any():
            continue
        ok = sel & ~np.isnan(minutes)
        if not ok.any():
            expected[key] = UNREACHABLE_COLOR
            continue
        mean = (minutes[ok] * w[ok]).sum() / w[ok].sum()
        cls = next(
            (i for i, b in enumerate(ACCESS_CLASSES_MIN) if mean <= b), len(ACCESS_CLASSES_MIN)
        )
        expected[key] = ACCESS_COLORS[cls]
    want = sorted(f"{c}|none|0.75" for c in expected.values())
    # the scenario's housing layer is the one shown first; its styles are in the page's GeoJSON
    got = sorted(re.findall(r'"_style": "(#[0-9a-f]{6}\|none\|0\.75)"', page))
    base = results.base
    db = base.dwellings
    assert len(got) == len(want) + len(
        {
            (a, b)
            for a, b in zip(
                np.floor(db.geometry.x / 500).astype(int),
                np.floor(db.geometry.y / 500).astype(int),
                strict=True,
            )
        }
    )
    assert all(style in got for style in want)


def test_flow_classes_as_on_the_print_maps(page: str, results: Results) -> None:
    from matplotlib.figure import Figure

    breaks = shared_flow_breaks([results.base, results.evaluation], "flow_dwellings")
    ax = Figure().add_axes((0, 0, 1, 1))
    printed = {
        i.label.replace(" woningen", ""): i.color.lower()
        for i in draw_flows(
            ax, results.evaluation, (0, 0, 1, 1), parse_paper("a4-portrait"), "nl", breaks=breaks
        )
    }
    web = dict(_legend_section(page, "Fietsstromen (woningen"))
    assert web and all(printed[label] == colour for label, colour in web.items())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium (headless)")
def test_popup_is_moved_clear_of_the_boxes(page: str, tmp_path: Path) -> None:
    """A popup opened under the title box ends beside it (checked in a headless browser)."""
    name = re.search(r"var (map_[0-9a-f]{32}) = L\.map", page)
    assert name
    probe = (
        "<script>window.addEventListener('load', function() { setTimeout(function() {"
        f" var m = {name.group(1)}; var ll = m.containerPointToLatLng([250, 120]);"
        " L.popup({autoPan: false}).setLatLng(ll).setContent('<div style=\"width:200px;height:120px\">x</div>')"
        ".openOn(m); setTimeout(function() {"
        " var p = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        " var boxes = Array.prototype.map.call(document.querySelectorAll('.srp-box, .srp-legend'),"
        " function(el) { return el.getBoundingClientRect(); });"
        " var hits = boxes.filter(function(r) { return p.left < r.right && p.right > r.left && p.top < r.bottom"
        " && p.bottom > r.top; }).length;"
        " document.body.setAttribute('data-probe', JSON.stringify({hits: hits, top: p.top}));"
        " }, 1500); }, 500); });</script>"
    )
    path = tmp_path / "probe.html"
    path.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
    out = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--window-size=1400,900",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    found = re.search(r"data-probe=\"([^\"]*)\"", out)
    assert found, "the probe did not run"
    result = json.loads(html.unescape(found.group(1)))
    assert result["hits"] == 0
