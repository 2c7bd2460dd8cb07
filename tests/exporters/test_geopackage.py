"""Result layers in a GeoPackage: layers, fields, descriptions, metadata."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyogrio
import pytest

from slimmeregio.exporters.geopackage import export_geopackage, layer_slug

from .conftest import Results


@pytest.fixture(scope="module")
def gpkg(results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gpkg") / "resultaten.gpkg"
    return export_geopackage(results.project, [results.comparison], path, siting=results.siting)


def _whole(gpkg: Path, prefix: str, kind: str, key: str):
    """A scenario layer made whole again: the base's rows, with the scenario's changed and new rows in their place."""
    import pandas as pd

    base = pyogrio.read_dataframe(gpkg, layer=f"basis_{kind}")
    delta = pyogrio.read_dataframe(gpkg, layer=f"{prefix}_{kind}")
    kept = base[~base[key].astype(str).isin(set(delta[key].astype(str)))]
    return pd.concat([kept, delta], ignore_index=True)


def test_scenario_layers_hold_what_changed(gpkg: Path, results: Results) -> None:
    """A scenario's dwellings used to be a full copy; now the changed and new ones, checked row by row by hand."""
    import math

    prefix = "s1_fietsas_oost"
    dwell = pyogrio.read_dataframe(gpkg, layer=f"{prefix}_woningen")
    base = {str(r["housing_id"]): r for _, r in results.base.dwellings.iterrows()}
    expected = set()
    for _, row in results.evaluation.dwellings.iterrows():
        old = base.get(str(row["housing_id"]))
        if old is None:
            expected.add(str(row["housing_id"]))
            continue
        for column in row.index:
            a, b = row[column], old[column]
            if column == "geometry":
                differs = not a.equals_exact(b, 1e-6)
            elif isinstance(a, float) or isinstance(b, float):
                differs = not (
                    (a != a and b != b) or (a == a and b == b and math.isclose(a, b, abs_tol=1e-9))
                )
            else:
                differs = a != b
            if differs:
                expected.add(str(row["housing_id"]))
                break
    assert expected and set(dwell["housing_id"].astype(str)) == expected
    assert len(dwell) < len(results.evaluation.dwellings)
    # made whole with the base layer it is the scenario again
    whole = _whole(gpkg, prefix, "woningen", "housing_id").set_index("housing_id")
    scen = results.evaluation.dwellings.set_index("housing_id")
    assert sorted(whole.index) == sorted(scen.index)
    assert whole["bike_min_mobipunt"].sum() == pytest.approx(scen["bike_min_mobipunt"].sum())
    # the layer says so, and the print style still applies (same columns, style per kind)
    con = sqlite3.connect(gpkg)
    try:
        text = con.execute(
            "SELECT description FROM gpkg_contents WHERE table_name = ?", (f"{prefix}_woningen",)
        ).fetchone()[0]
        styled = {r[0] for r in con.execute("SELECT f_table_name FROM layer_styles")}
    finally:
        con.close()
    assert "alleen wat verandert" in text and f"{prefix}_woningen" in styled


def test_layers_and_fields(gpkg: Path, results: Results) -> None:
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    prefix = "s1_fietsas_oost"
    expected = {
        "basis_woningen",
        "basis_mobipunten",
        "basis_bedieningsgebieden",
        "basis_fietsstromen",
        "basis_gemeenten",
        f"{prefix}_woningen",
        f"{prefix}_mobipunten",
        f"{prefix}_fietsstromen",
        f"{prefix}_afgesloten_links",
        f"{prefix}_toegangswijzigingen",
        "locatievoorstellen",
        "metadata",
    }
    assert expected <= set(layers)
    dwell = pyogrio.read_dataframe(gpkg, layer=f"{prefix}_woningen")
    assert dwell.crs.to_epsg() == 31370
    assert {
        "housing_id",
        "bike_min_mobipunt",
        "walk_m_mobipunt",
        "mobipunt_id",
        "reachable",
    } <= set(dwell.columns)
    dwell = _whole(gpkg, prefix, "woningen", "housing_id")
    assert len(dwell) == len(results.evaluation.dwellings)
    assert dwell["bike_min_mobipunt"].sum() == pytest.approx(
        results.evaluation.dwellings["bike_min_mobipunt"].sum()
    )
    munis = pyogrio.read_dataframe(gpkg, layer="basis_gemeenten")
    assert (
        sorted(munis["nis"]) == ["23001", "23002", "23003"]
        and "share_bike_mobipunt_10min" in munis.columns
    )
    flows = _whole(gpkg, prefix, "fietsstromen", "link_id")
    assert flows["flow_dwellings"].max() == pytest.approx(
        results.evaluation.links["flow_dwellings"].max()
    )


def test_every_column_has_a_description(gpkg: Path) -> None:
    con = sqlite3.connect(gpkg)
    try:
        described = {
            (t, c): (title, d)
            for t, c, title, d in con.execute(
                "SELECT table_name, column_name, title, description FROM gpkg_data_columns"
            )
        }
        ext = con.execute(
            "SELECT extension_name FROM gpkg_extensions WHERE table_name='gpkg_data_columns'"
        ).fetchall()
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
        meta = dict(con.execute("SELECT sleutel, waarde FROM metadata").fetchall())
    finally:
        con.close()
    assert ext == [("gpkg_schema",)]
    for name, _ in pyogrio.list_layers(gpkg):
        if name in ("metadata", "layer_styles"):  # tool tables, not result layers
            continue
        info = pyogrio.read_info(gpkg, layer=name)
        for field in info["fields"]:
            assert (name, field) in described, (name, field)
            title, text = described[(name, field)]
            assert title and text
        assert contents[name]
    assert described[("basis_woningen", "bike_min_mobipunt")][0] == "Fietstijd mobipunt (min)"
    assert described[("basis_gemeenten", "share_bike_mobipunt_10min")][0].startswith(
        "Aandeel woningen binnen 10 min"
    )
    assert meta["Scenario"] == "Fietsas Oost" and "Versie Slimme Regio Planner" in meta


def test_layer_slug() -> None:
    assert layer_slug("../../x") == "x"
    assert layer_slug("Fietsas Oost: fase 1") == "fietsas_oost_fase_1"
    assert layer_slug("<script>") == "script"
    assert layer_slug("---") == "scenario"


def test_brussels_layers_and_flow_changes(gpkg: Path, results: Results) -> None:
    prefix = "s1_fietsas_oost"
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {
        "basis_toegangspunten_brussel",
        f"{prefix}_toegangspunten_brussel",
        f"{prefix}_fietsstromen_verschil",
    } <= layers
    assert "basis_fietsstromen_verschil" not in layers  # the base has nothing to compare with
    entries = _whole(gpkg, prefix, "toegangspunten_brussel", "entry_id")
    assert entries["dwellings"].sum() == results.evaluation.dwellings["dwellings"].sum()
    assert sorted(entries["entry_id"]) == sorted(results.evaluation.brussels_entries["entry_id"])
    dwell = _whole(gpkg, prefix, "woningen", "housing_id")
    assert dwell["bike_min_brussels"].sum() == pytest.approx(
        results.evaluation.dwellings["bike_min_brussels"].sum()
    )
    assert set(dwell["brussels_entry_id"]) <= set(entries["entry_id"])
    flows = _whole(gpkg, prefix, "fietsstromen", "link_id")
    assert flows["flow_brussels_dwellings"].max() == pytest.approx(entries["dwellings"].max())
    changes = pyogrio.read_dataframe(gpkg, layer=f"{prefix}_fietsstromen_verschil")
    expected = results.comparison.link_flows
    assert len(changes) == len(expected) > 0
    assert list(changes["link_id"]) == list(expected["link_id"])
    assert (
        changes["delta_flow_dwellings"]
        == changes["scenario_flow_dwellings"] - changes["base_flow_dwellings"]
    ).all()
    con = sqlite3.connect(gpkg)
    try:
        titles = {
            (t, c): title
            for t, c, title in con.execute(
                "SELECT table_name, column_name, title FROM gpkg_data_columns"
            )
        }
    finally:
        con.close()
    assert titles[(f"{prefix}_woningen", "bike_min_brussels")] == "Fietstijd Brusselse grens (min)"
    assert (
        titles[(f"{prefix}_fietsstromen", "flow_brussels_dwellings")]
        == "Potentiële fietsers naar Brussel (woningen)"
    )
    assert (
        titles[(f"{prefix}_fietsstromen_verschil", "delta_flow_brussels_dwellings")]
        == "Verschil fietsers naar Brussel"
    )
    assert (
        titles[("basis_gemeenten", "median_bike_min_brussels")]
        == "Mediaan fietstijd tot de Brusselse grens (min)"
    )


def test_english_titles_descriptions_and_notes(results: Results, tmp_path: Path) -> None:
    from slimmeregio.exporters.geopackage import field_description

    from .conftest import make_comparison, make_evaluation

    base = make_evaluation(results.project, None, brussels=False)
    scen = make_evaluation(results.project, results.scenario, brussels=False)
    path = export_geopackage(
        results.project, [make_comparison(base, scen)], tmp_path / "en.gpkg", lang="en"
    )
    con = sqlite3.connect(path)
    try:
        described = {
            (t, c): (title, d)
            for t, c, title, d in con.execute(
                "SELECT table_name, column_name, title, description FROM gpkg_data_columns"
            )
        }
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
        meta = dict(con.execute("SELECT sleutel, waarde FROM metadata").fetchall())
    finally:
        con.close()
    assert (
        described[("basis_woningen", "bike_min_mobipunt")]
        == field_description("bike_min_mobipunt", "en")
        == (
            "Cycle to hub (min)",
            "Cycling time over the network to the nearest mobility hub, in minutes; "
            "empty = not reachable",
        )
    )
    assert described[("basis_gemeenten", "share_bike_mobipunt_10min")][0].startswith(
        "Share of dwellings within 10 min"
    )
    assert contents["basis_woningen"].startswith("Dwellings with walking distance")
    assert contents["basis_woningen"].endswith("(base situation)")
    assert "basis_toegangspunten_brussel" not in contents  # no Brussels layer, no entry points
    assert (
        meta["Note on the results"]
        == "No Brussels layer in the project: the bike flows to Brussels are 0."
    )
    assert "Date" in meta and "Datum" not in meta


def test_qgis_layer_styles_use_the_print_symbology(gpkg: Path) -> None:
    import xml.etree.ElementTree as ET

    from slimmeregio.layers.symbology import ACCESS_COLORS, HOPPIN_COLORS

    with sqlite3.connect(gpkg) as con:
        styles = dict(
            con.execute(
                "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"
            ).fetchall()
        )
        geo_tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_geometry_columns")}
    assert {"basis_woningen", "basis_mobipunten", "basis_gemeenten"} <= set(styles) <= geo_tables
    root = ET.fromstring(styles["basis_woningen"].split("'SYSTEM'>", 1)[1])
    renderer = root.find("renderer-v2")
    assert renderer is not None and renderer.get("attr") == "bike_min_mobipunt"
    colours = [o.get("value") for o in root.iter("Option") if o.get("name") == "color"]
    first = ",".join(str(int(ACCESS_COLORS[0][i : i + 2], 16)) for i in (1, 3, 5))
    assert colours[0].startswith(first)
    hubs = ET.fromstring(styles["basis_mobipunten"].split("'SYSTEM'>", 1)[1])
    assert [c.get("value") for c in hubs.iter("category")] == list(HOPPIN_COLORS)
    assert {o.get("value") for o in hubs.iter("Option") if o.get("name") == "name"} == {"hexagon"}


def test_dwelling_counts_are_integers(gpkg: Path) -> None:
    import pyogrio

    for layer in ("s1_Fietsas_Oost_fietsstromen", "s1_Fietsas_Oost_fietsstromen_verschil"):
        info = pyogrio.read_info(gpkg, layer=layer)
        types = dict(zip(info["fields"], info["dtypes"], strict=True))
        # whole dwelling counts (the fixture's Brussels flows are sums of dwellings) are stored as integers
        assert types[
            "flow_brussels_dwellings"
            if "verschil" not in layer
            else "delta_flow_brussels_dwellings"
        ].startswith("int"), types
