"""The web map: escaped attributes, layers to compare, legend, offline ground."""

from __future__ import annotations

import html
import re

from slimmeregio.exporters.webmap import export_webmap

from ._helpers import json_unescaped
from .conftest import HOSTILE_HTML, HOSTILE_IMG, Results


def test_no_injected_tag_survives(page: str) -> None:
    for text in (page, json_unescaped(page)):
        assert "<script>alert(1)" not in text
        assert "<img src=x" not in text
        assert "onerror=alert(1)>" not in text.replace("&gt;", "")
    decoded = json_unescaped(page)
    assert html.escape(HOSTILE_HTML) in decoded  # shown as text in popups
    assert html.escape(HOSTILE_IMG) in decoded


def test_layers_for_base_and_scenario(page: str) -> None:
    names = set(re.findall(r'"([^"]+)"\s*:\s*feature_group_', page))
    assert "Woningen: fietstijd tot mobipunt (basis)" in names
    assert "Woningen: fietstijd tot mobipunt (Fietsas Oost)" in names
    assert "Mobipunten (basis)" in names and "Mobipunten (Fietsas Oost)" in names
    assert "Wijzigingen: Fietsas Oost" in names
    # site suggestions name the situation they start from; flows for the base and every scenario
    assert "Voorgestelde locaties voor mobipunten (vertrekt van: Fietsas Oost)" in names
    assert {
        "Potenti\\u00eble fietsstromen naar het station (basis)",
        "Potenti\\u00eble fietsstromen naar het station (Fietsas Oost)",
    } <= names
    assert "L.control.layers" in page
    assert "tile.openstreetmap.org" in page  # optional online background
    assert (
        "Geen achtergrond (offline)" in page and ".leaflet-container { background: #eef1f4" in page
    )


def test_popups_legend_and_provenance(page: str, results: Results) -> None:
    assert "GeoJsonPopup" in page or "bindPopup" in page
    assert 'class="srp-legend"' in page and "Legende" in page
    assert "Slimme Regio Testgebied" in page and "Scenario: Fietsas Oost" in page
    assert "Let op: Illustratieve gegevens (fietsnetwerk, woningen)" in page
    assert "<li>Illustratief fietsnetwerk: geen echte routes.</li>" in page  # the full notes
    assert "© OpenStreetMap contributors, ODbL 1.0" in page
    # the added link and the new mobipunt are in the change layer
    decoded = json_unescaped(page)
    assert '"p0": "toegevoegd"' in decoded and '"p0": "afgesloten"' in decoded  # changed links
    assert '"p5": "nieuw"' in decoded  # the new mobipunt (6th popup field: Wijziging)
    assert '"Wijziging"' in decoded and '"Woningen in verzorgingsgebied"' in decoded  # popup labels
    # local links are left out: only the main classes (and changed links) are drawn
    # only the closed local link in the change layer, and the local links in the flow layers
    from slimmeregio.exporters.webmap_layers import flow_data

    in_flows = sum(
        str(f).count("Lokale fietsverbinding")
        for column in ("flow_dwellings", "flow_brussels_dwellings")
        for ev in (results.base, results.evaluation)  # every run's flows
        for f in flow_data(ev.links, "nl", column)[0]["features"]
    )
    assert in_flows > 0  # the flows to Brussels run over local streets
    assert decoded.count('"Lokale fietsverbinding"') == 1 + in_flows
    assert decoded.count('"Bovenlokale fietsroute"') >= 18


def test_size_is_small(page: str) -> None:
    assert len(page.encode()) < 2_000_000


def test_hostile_scenario_name_is_escaped(results: Results, tmp_path) -> None:
    from dataclasses import replace

    scenario = results.scenario.model_copy(update={"name": HOSTILE_HTML})
    evaluation = replace(results.evaluation, scenario=scenario, name=HOSTILE_HTML)
    comparison = replace(results.comparison, scenario=evaluation)
    path = export_webmap(results.project, [comparison], tmp_path / "k.html")
    page = path.read_text(encoding="utf-8")
    for text in (page, json_unescaped(page)):
        assert "<script>alert(1)" not in text
    assert f"Wijzigingen: {html.escape(HOSTILE_HTML)}" in json_unescaped(page)


def test_project_layers_without_results(results: Results, tmp_path) -> None:
    page = export_webmap(results.project, [], tmp_path / "lagen.html").read_text(encoding="utf-8")
    assert '"Mobipunten"' in page and "Fietsnetwerk (bovenlokaal en fietssnelwegen)" in page
    assert "<script>alert(1)" not in json_unescaped(page)
    assert html.escape(HOSTILE_HTML) in json_unescaped(
        page
    )  # the mobipunt's name, from the project layer


def test_page_is_self_contained(page: str) -> None:
    """Leaflet is inlined: no script or stylesheet is fetched from the network."""
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, flags=re.IGNORECASE)
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    assert "Leaflet 1.9.4" in page and "L.control.layers" in page  # the library and the switcher
    assert "url(images/" not in page  # the switcher icon travels as a data URI
    assert "url(data:image/png;base64," in page
    # the Leaflet code comes before the map script that uses it
    assert page.index("Leaflet 1.9.4") < page.index("L.map(")
    # outside the inlined library, the OSM background is the only web address: a tile template
    from slimmeregio.exporters.webmap import leaflet_assets

    js, css = leaflet_assets()
    rest = page.replace(js, "").replace(css, "")
    hosts = set(re.findall(r"https?://([a-z0-9.{}-]+)", rest))
    assert hosts and all(h.endswith("openstreetmap.org") for h in hosts), hosts


def test_vendored_leaflet_has_licence() -> None:
    from slimmeregio.resources import NOTICE, RESOURCES_DIR

    folder = RESOURCES_DIR / "vendor" / "leaflet"
    assert "BSD 2-Clause" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "Leaflet" in NOTICE.read_text(encoding="utf-8")
    assert (folder / "images" / "layers.png").is_file()


def test_english_page(results: Results, tmp_path) -> None:
    path = export_webmap(
        results.project,
        [results.comparison],
        tmp_path / "map.html",
        siting=results.siting,
        lang="en",
    )
    page = path.read_text(encoding="utf-8")
    names = set(re.findall(r'"([^"]+)"\s*:\s*feature_group_', page))
    assert "Dwellings: cycling time to a hub (base)" in names
    assert "Mobility hubs (Fietsas Oost)" in names and "Changes: Fietsas Oost" in names
    assert "Suggested mobility hub sites (starting from: Fietsas Oost)" in names
    assert "No background (offline)" in page and ">Legend<" in page
    decoded = json_unescaped(page)
    assert '"p0": "added"' in decoded and '"p0": "closed"' in decoded
    assert "Note: Illustrative data" in page
    assert "Woningen" not in decoded and "Legende" not in page


def test_flow_layers_towards_station_and_brussels(page: str, results: Results) -> None:
    names = set(re.findall(r'"([^"]+)"\s*:\s*feature_group_', json_unescaped(page)))
    assert "Potentiële fietsstromen naar het station (Fietsas Oost)" in names
    assert "Potentiële fietsstromen naar de Brusselse grens (Fietsas Oost)" in names
    assert "Fietsstromen naar Brussel (woningen per link)" in page
    # the busiest link towards Brussels is in the page with its flow
    top = int(results.evaluation.links["flow_brussels_dwellings"].max())
    assert f'"p2": "{top}"' in json_unescaped(page)


def test_no_brussels_layer_is_said(results: Results, tmp_path) -> None:
    from .conftest import make_comparison, make_evaluation

    base = make_evaluation(results.project, None, brussels=False)
    scen = make_evaluation(results.project, results.scenario, brussels=False)
    path = export_webmap(results.project, [make_comparison(base, scen)], tmp_path / "zonder.html")
    page = path.read_text(encoding="utf-8")
    names = set(re.findall(r'"([^"]+)"\s*:\s*feature_group_', json_unescaped(page)))
    assert "Potentiële fietsstromen naar het station (Fietsas Oost)" in names
    assert not any("Brusselse grens" in n for n in names)
    assert "Let op: Geen Brussel-laag in het project: de fietsstromen naar Brussel zijn 0." in page


def test_metric_scale_only(page: str) -> None:
    assert "L.control.scale({imperial: false, metric: true})" in page
    # added after the page loaded: the map is defined later in the same script (an early call broke the page)
    assert page.index("window.addEventListener('load', function() { L.control.scale(") >= 0
    assert '"imperial": true' not in page and "imperial: true" not in page


def test_one_scenario_at_a_time(page: str) -> None:
    """Every state used to be drawn at once; a selector now shows one run's housing, hubs and changes."""
    assert '<select id="srp-scenario">' in page
    assert (
        '<option value="0">basis</option>' in page
        and '<option value="1" selected>Fietsas Oost</option>' in page
    )
    # the base's groups start hidden: only the selected run is on the map
    shown = re.findall(r"(feature_group_\w+)\.addTo\(map_\w+\)", page)
    names = dict(re.findall(r'"([^"]+)"\s*:\s*(feature_group_\w+)', page))
    assert names["Woningen: fietstijd tot mobipunt (Fietsas Oost)"] in shown
    assert names["Woningen: fietstijd tot mobipunt (basis)"] not in shown
    assert names["Mobipunten (basis)"] not in shown
