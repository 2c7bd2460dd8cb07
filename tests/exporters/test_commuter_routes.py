"""'Fietsroutes naar het werk' as GeoJSON: opened back and checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slimmeregio.exporters.registry import export
from slimmeregio.layers.errors import OutputExistsError
from slimmeregio.scenarios.engine import compare, evaluate, prepare_base
from slimmeregio.scenarios.model import AddLink, Scenario
from tests.scenarios.test_opportunity_scenarios import GAP, SPAN, X0, Y0, _project


@pytest.fixture(scope="module")
def comparison():
    base = prepare_base(_project())
    link = AddLink(
        coords=((X0 + SPAN, Y0 + 600), (X0 + SPAN + GAP, Y0 + 600)), author="t", reason="brug"
    )
    return compare(
        evaluate(base, service_areas=False),
        evaluate(base, Scenario(name="fietsbrug", modifications=(link,)), service_areas=False),
    )


def test_geojson_holds_the_busy_links_of_the_scenario(comparison, tmp_path: Path) -> None:
    path = export("commute", None, [comparison], tmp_path / "fietsroutes.geojson", lang="nl")
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["name"] == "Fietsroutes naar het werk" and "fietsbrug" in data["description"]
    feats = data["features"]
    assert feats, "the scenario has commuters by bike"
    links = comparison.scenario.links
    per_link = links.groupby("link_id")["flow_bike_commuters"].max()
    expected = {int(k): round(v) for k, v in per_link.items() if v >= 5}
    assert {
        f["properties"]["link_id"]: f["properties"]["bike_commuters"] for f in feats
    } == expected
    assert {f["properties"]["klasse"] for f in feats} <= {1, 2, 3, 4, 5}
    lon, lat = feats[0]["geometry"]["coordinates"][0][:2]
    assert 2.5 < lon < 6.5 and 49.4 < lat < 51.6  # WGS84, as RFC 7946 asks
    with pytest.raises(OutputExistsError):
        export("commute", None, [comparison], path, lang="en")
    english = export("commute", None, [comparison], path, lang="en", force=True)
    assert json.loads(Path(english).read_text(encoding="utf-8"))["name"] == "Bike routes to work"


def test_workbook_has_a_commuting_sheet_with_the_workplaces(comparison, tmp_path: Path) -> None:
    import openpyxl

    from slimmeregio.exporters.excel import export_excel

    path = export_excel([comparison], tmp_path / "r.xlsx", lang="nl")
    ws = openpyxl.load_workbook(path)["Woon-werkverkeer"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [c.value for c in ws[1]][:5] == [
        "Situatie",
        "Werkplaats",
        "NIS-zone",
        "Banen",
        "Pendelaars",
    ]
    # Two workplaces per run (base and scenario); commuters as the run's own workplaces table says.
    assert len(rows) == 4
    scen = comparison.scenario.opportunities.workplaces.set_index("name")
    assert sum(row[0] == "fietsbrug" for row in rows) == 2
    for row in rows:
        if row[0] == "fietsbrug":
            assert row[4] == pytest.approx(scen.loc[row[1], "commuters"])
            assert row[7] == pytest.approx(scen.loc[row[1], "bike_commuters_go_dutch"])


def test_bike_commute_map_draws_flows_and_workplaces(comparison) -> None:
    from slimmeregio.exporters.maps import THEMES, masterplan_figure

    fig = masterplan_figure(
        _project(), theme="bike_commute", comparison=comparison, paper="a4-landscape"
    )
    texts = " | ".join(
        " ".join(t.get_text().split())
        for t in fig.findobj(lambda a: hasattr(a, "get_text"))
        if isinstance(t.get_text(), str)
    )
    assert THEMES["bike_commute"] in texts
    assert "Potentiële fietspendelaars per link (Go Dutch)" in texts
    assert "fietspendelaars" in texts and "Werkplaats (grootte: fietspendelaars)" in texts


def test_business_park_pages(comparison, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from slimmeregio.exporters.business_parks import export_business_parks, park_ids

    ev = comparison.scenario
    assert (
        park_ids(ev)[0]
        == ev.opportunities.workplaces.sort_values("bike_commuters_go_dutch", ascending=False)[
            "opp_id"
        ].iloc[0]
    )
    files = export_business_parks(ev, tmp_path / "parks", lang="nl")
    assert [f.name for f in files] == ["Bedrijvenpark Oost.pdf", "Dorpskern West.pdf"]
    text = PdfReader(files[0]).pages[0].extract_text()
    assert "Fietsroutes naar Bedrijvenpark Oost" in text and "Go Dutch" in text
    assert len(PdfReader(files[0]).pages) == 1


def test_council_pack_includes_commuting_files(comparison, tmp_path: Path) -> None:
    from slimmeregio.exporters.pack import export_pack

    manifest = export_pack(
        [comparison],
        tmp_path / "pack",
        project=_project(),
        formats="html,xlsx",
        business_parks=True,
        lang="nl",
    )
    files = {f.path for f in manifest.files}
    assert "fietsroutes_naar_het_werk.geojson" in files
    assert {
        "bedrijventerreinen/Bedrijvenpark Oost.pdf",
        "bedrijventerreinen/Dorpskern West.pdf",
    } <= files
    assert (tmp_path / "pack" / "bedrijventerreinen" / "Bedrijvenpark Oost.pdf").stat().st_size > 0
    html = (tmp_path / "pack" / "webkaart.html").read_text(encoding="utf-8")
    assert "Fietsroutes naar het werk (potenti\\u00eble fietspendelaars) (fietsbrug)" in html


def test_deck_has_a_jobs_and_bike_commuters_slide(comparison, tmp_path: Path) -> None:
    from pptx import Presentation

    from slimmeregio.exporters.slides import export_slides
    from slimmeregio.layers.numbers import fmt_delta, fmt_number

    path = export_slides(_project(), [comparison], tmp_path / "deck.pptx")
    (slide,) = [
        s
        for s in Presentation(str(path)).slides
        if any(
            sh.has_text_frame and sh.text_frame.text == "Banen en fietspendelaars"
            for sh in s.shapes
        )
    ]
    (table,) = [sh.table for sh in slide.shapes if sh.has_table]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["Indicator"][1:] == ["Basis", "fietsbrug"]
    base, scen = comparison.base.region, comparison.scenario.region
    for label, key in (
        ("Gemiddeld aantal banen binnen 10 min fietsen", "opp_jobs_bike_10min"),
        ("Potentiële fietspendelaars (Go Dutch)", "bike_commuters_go_dutch"),
    ):
        change = fmt_delta(scen[key], base[key], "count")
        assert rows[label][1] == fmt_number(base[key], "count")
        assert rows[label][2] == f"{fmt_number(scen[key], 'count')} ({change})"
    # The bridge joins the villages: more potential bike commuters than before.
    assert scen["bike_commuters_go_dutch"] > base["bike_commuters_go_dutch"]


def test_web_map_names_commuter_flows_as_commuters(comparison) -> None:
    """The web map's popup of the commuter layer counts bike commuters, not dwellings."""
    from slimmeregio.exporters.webmap_layers import flow_data

    links = comparison.scenario.links
    commuters, _ = flow_data(links, "nl", "flow_bike_commuters", [1.0, 5.0])
    stations, _ = flow_data(links, "nl", "flow_dwellings", [1.0, 5.0])
    assert commuters["features"] and stations["features"]
    assert commuters["_aliases"][-1] == "Potentiële fietspendelaars (Go Dutch)"
    assert stations["_aliases"][-1] == "Potentiële fietsers (woningen)"
    english, _ = flow_data(links, "en", "flow_bike_commuters", [1.0, 5.0])
    assert english["_aliases"][-1] == "Potential bike commuters (Go Dutch)"
