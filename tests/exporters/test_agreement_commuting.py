"""Jobs access and potential bike commuters agree in every output of one run on the embedded region.

The example scenario (a bridge over the Zenne, an upgraded link, a mobipunt
and a housing project near Halle station) runs twice through the command
line: ``slimmeregio run`` (its printed summary, summary.json, results.gpkg)
and ``slimmeregio export --formats xlsx,pptx,gpkg,html`` (the workbook, the
slides, the GeoPackage, the web map and the commuter-routes GeoJSON). Every
file is read back with its own reader. The reference is the run's
summary.json (the engine's own numbers); each other output must show the
same number, formatted by the one formatter where it is text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
from click.testing import CliRunner
from pptx import Presentation

from slimmeregio.cli import cli
from slimmeregio.layers.numbers import fmt_delta, fmt_number
from slimmeregio.scenarios.model import example_scenario_toml

#: The jobs-access and commuting keys compared (region values).
KEYS = (
    "opp_jobs_bike_10min",
    "commuters",
    "bike_commuters_go_dutch",
    "share_bike_commuters_go_dutch",
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("agree_commute")
    scenario = folder / "voorbeeld.toml"
    scenario.write_text(example_scenario_toml(), encoding="utf-8")
    runner = CliRunner()
    run = runner.invoke(cli, ["run", str(scenario), "--out", str(folder / "run")])
    assert run.exit_code == 0, run.output
    pack = folder / "pack"
    exported = runner.invoke(
        cli, ["export", str(scenario), "--out", str(pack), "--formats", "xlsx,pptx,gpkg,html"]
    )
    assert exported.exit_code == 0, exported.output
    summary = json.loads((folder / "run" / "summary.json").read_text(encoding="utf-8"))
    return {"run": folder / "run", "stdout": run.output, "pack": pack, "summary": summary}


def _region(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["indicator"]: row for row in summary["region"]}


def _layer(path: Path, suffix: str, *, scenario: bool = True) -> gpd.GeoDataFrame:
    names = [n for n, _ in pyogrio.list_layers(path)]
    prefix = "s1_" if scenario else "basis_"
    (name,) = [n for n in names if n.startswith(prefix) and n.endswith(suffix)]
    return gpd.read_file(path, layer=name)


def _per_link(links: gpd.GeoDataFrame) -> dict[int, float]:
    """Largest potential bike commuters over the parts (edges) of each source link."""
    flows = links.groupby("link_id")["flow_bike_commuters"].max()
    return {int(k): float(v) for k, v in flows.items()}


def test_the_summary_has_the_figures(outputs) -> None:
    region = _region(outputs["summary"])
    for key in KEYS:
        assert key in region, key
        assert np.isfinite(region[key]["base"]) and np.isfinite(region[key]["scenario"])
    assert region["bike_commuters_go_dutch"]["scenario"] > 0
    assert region["opp_jobs_bike_10min"]["scenario"] > 0


def test_printed_summary_shows_the_same_numbers(outputs) -> None:
    for key, row in _region(outputs["summary"]).items():
        if key not in KEYS:
            continue
        unit = row["unit"]
        base, scen = float(row["base"]), float(row["scenario"])
        line = (
            f"{row['label_nl']}: {fmt_number(base, unit)} -> {fmt_number(scen, unit)} "
            f"({fmt_delta(scen, base, unit)})"
        )
        assert line in outputs["stdout"], (line, outputs["stdout"])


def test_workbook_holds_the_same_numbers(outputs) -> None:
    wb = openpyxl.load_workbook(outputs["pack"] / "resultaten.xlsx")
    ws = wb["Samenvatting"]
    h = int(ws.freeze_panes[1:]) - 1
    headers = [c.value for c in ws[h]]
    rows = {
        r[1].value: dict(zip(headers, (c.value for c in r), strict=False))
        for r in ws.iter_rows(min_row=h + 1)
    }
    region = _region(outputs["summary"])
    name = outputs["summary"]["scenario"]
    for key in KEYS:
        base, scen = float(region[key]["base"]), float(region[key]["scenario"])
        # Every value is stored exactly (a mean count keeps its fraction), and so is the change.
        assert rows[key][name] == pytest.approx(scen, rel=1e-9), key
        assert rows[key]["Basis"] == pytest.approx(base, rel=1e-9), key
        assert rows[key][f"Δ {name}"] == pytest.approx(scen - base, rel=1e-6, abs=1e-9), key
    # Per workplace: the commuting sheet and the GeoPackage's workplaces agree.
    sheet = wb["Woon-werkverkeer"]
    head = [c.value for c in sheet[1]]
    work = _layer(outputs["pack"] / "resultaten.gpkg", "_werkplaatsen").set_index("name")
    col = head.index("Pendelaars")
    seen = 0
    for r in sheet.iter_rows(min_row=2, values_only=True):
        if r[0] == name:
            assert r[col] == pytest.approx(work.loc[r[1], "commuters"], rel=1e-9)
            seen += 1
    assert seen == len(work)


@pytest.mark.parametrize("which", ["run", "pack"])
def test_geopackages_add_up_to_the_region_figures(outputs, which: str) -> None:
    path = (
        outputs["run"] / "results.gpkg" if which == "run" else outputs["pack"] / "resultaten.gpkg"
    )
    region = _region(outputs["summary"])
    for scenario, side in ((True, "scenario"), (False, "base")):
        work = _layer(path, "_werkplaatsen", scenario=scenario)
        homes = _layer(path, "_woningen", scenario=scenario)
        # Every commuter and potential cyclist belongs to one workplace and one home.
        assert work["commuters"].sum() == pytest.approx(region["commuters"][side], rel=1e-9)
        assert work["bike_commuters_go_dutch"].sum() == pytest.approx(
            region["bike_commuters_go_dutch"][side], rel=1e-9
        )
        assert homes["commuters"].sum() == pytest.approx(region["commuters"][side], rel=1e-9)
        # Jobs within 10 min: the dwelling-weighted mean over the homes.
        weights = homes["dwellings"].to_numpy(dtype=float)
        jobs = np.nan_to_num(homes["opp_jobs_bike_10min"].to_numpy(dtype=float))
        assert float((jobs * weights).sum() / weights.sum()) == pytest.approx(
            region["opp_jobs_bike_10min"][side], rel=1e-9
        )


def test_link_flows_agree_in_geopackages_geojson_web_map_and_summary(outputs) -> None:
    run_links = _per_link(_layer(outputs["run"] / "results.gpkg", "_fietsstromen"))
    pack_links = _per_link(_layer(outputs["pack"] / "resultaten.gpkg", "_fietsstromen"))
    assert run_links == pytest.approx(pack_links, rel=1e-12)
    # summary.json's busiest edges: the same values as the GeoPackage's edges.
    for top in outputs["summary"]["top_links"]["bike_commuters"]:
        assert run_links[top["link_id"]] >= top["cyclists"] - 1e-9
    best = max(run_links.values())
    assert outputs["summary"]["top_links"]["bike_commuters"][0]["cyclists"] == pytest.approx(best)
    # The commuter-routes GeoJSON: every link with >= 5, rounded, none else.
    (routes_file,) = [
        p for p in outputs["pack"].rglob("*.geojson") if "fietsroutes" in p.name.lower()
    ]
    routes = json.loads(routes_file.read_text(encoding="utf-8"))
    got = {
        f["properties"]["link_id"]: f["properties"]["bike_commuters"] for f in routes["features"]
    }
    assert got == {k: round(v) for k, v in run_links.items() if v >= 5}
    # The web map: the scenario's commuter layer shows each edge's flow, rounded
    # and formatted; the largest per link is the link's.
    html = (outputs["pack"] / "webkaart.html").read_text(encoding="utf-8")
    shown = _web_map_commuter_flows(html, outputs["summary"]["scenario"])
    assert shown, "the web map has a layer of potential bike commuters"
    for link_id, texts in shown.items():
        assert max(texts, key=lambda t: int(t.replace(".", ""))) == fmt_number(
            float(round(run_links[link_id])), "count"
        ), link_id


def _web_map_commuter_flows(html: str, scenario: str) -> dict[int, list[str]]:
    """Link id -> the flows (as shown) of the scenario's commuter layer of the web map."""
    title = "Fietsroutes naar het werk (potenti\\u00eble fietspendelaars) ("
    groups = re.findall(r'"([^"]*)" : (feature_group_[0-9a-f]+)', html)
    short = scenario[:20]
    (group,) = [g for name, g in groups if name.startswith(title) and short in name]
    (layer,) = re.findall(rf"(geo_json_[0-9a-f]+)\.addTo\({group}\)", html)
    start = html.index(f"{layer}_add(") + len(f"{layer}_add(")
    data, _ = json.JSONDecoder().raw_decode(html, start)
    out: dict[int, list[str]] = {}
    for feature in data["features"]:
        props = feature["properties"]
        out.setdefault(int(props["p0"]), []).append(str(props["p2"]))
    return out


def test_slides_show_the_same_numbers(outputs) -> None:
    deck = Presentation(str(outputs["pack"] / "presentatie.pptx"))
    tables = [
        [[c.text for c in row.cells] for row in shape.table.rows]
        for slide in deck.slides
        if any(
            sh.has_text_frame and sh.text_frame.text == "Banen en fietspendelaars"
            for sh in slide.shapes
        )
        for shape in slide.shapes
        if shape.has_table
    ]
    assert len(tables) == 1, "one 'Banen en fietspendelaars' slide"
    rows = {row[0]: row[1:] for row in tables[0]}
    assert rows["Indicator"] == ["Basis", outputs["summary"]["scenario"]]
    region = _region(outputs["summary"])
    for key in KEYS:
        row = region[key]
        unit, base, scen = row["unit"], float(row["base"]), float(row["scenario"])
        change = fmt_delta(scen, base, unit)
        assert rows[row["label_nl"]] == [
            fmt_number(base, unit),
            f"{fmt_number(scen, unit)} ({change})",
        ], key
