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


def test_layers_and_fields(gpkg: Path, results: Results) -> None:
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    prefix = "s1_fietsas_oost"
    expected = {"basis_woningen", "basis_mobipunten", "basis_bedieningsgebieden", "basis_fietsstromen",
                "basis_gemeenten", f"{prefix}_woningen", f"{prefix}_mobipunten", f"{prefix}_fietsstromen",
                f"{prefix}_afgesloten_links", f"{prefix}_toegangswijzigingen", "locatievoorstellen", "metadata"}
    assert expected <= set(layers)
    dwell = pyogrio.read_dataframe(gpkg, layer=f"{prefix}_woningen")
    assert dwell.crs.to_epsg() == 31370
    assert {"housing_id", "bike_min_mobipunt", "walk_m_mobipunt", "mobipunt_id", "reachable"} <= set(dwell.columns)
    assert len(dwell) == len(results.evaluation.dwellings)
    assert dwell["bike_min_mobipunt"].sum() == pytest.approx(results.evaluation.dwellings["bike_min_mobipunt"].sum())
    munis = pyogrio.read_dataframe(gpkg, layer="basis_gemeenten")
    assert sorted(munis["nis"]) == ["23001", "23002", "23003"] and "share_bike_mobipunt_10min" in munis.columns
    flows = pyogrio.read_dataframe(gpkg, layer=f"{prefix}_fietsstromen")
    assert flows["flow_dwellings"].max() == pytest.approx(results.evaluation.links["flow_dwellings"].max())


def test_every_column_has_a_description(gpkg: Path) -> None:
    con = sqlite3.connect(gpkg)
    try:
        described = {(t, c): (title, d) for t, c, title, d in con.execute(
            "SELECT table_name, column_name, title, description FROM gpkg_data_columns")}
        ext = con.execute("SELECT extension_name FROM gpkg_extensions WHERE table_name='gpkg_data_columns'").fetchall()
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
        meta = dict(con.execute("SELECT sleutel, waarde FROM metadata").fetchall())
    finally:
        con.close()
    assert ext == [("gpkg_schema",)]
    for name, _ in pyogrio.list_layers(gpkg):
        if name == "metadata":
            continue
        info = pyogrio.read_info(gpkg, layer=name)
        for field in info["fields"]:
            assert (name, field) in described, (name, field)
            title, text = described[(name, field)]
            assert title and text
        assert contents[name]
    assert described[("basis_woningen", "bike_min_mobipunt")][0] == "Fietstijd mobipunt (min)"
    assert described[("basis_gemeenten", "share_bike_mobipunt_10min")][0].startswith("Aandeel woningen binnen 10 min")
    assert meta["Scenario"] == "Fietsas Oost" and "Versie Slimme Regio Planner" in meta


def test_layer_slug() -> None:
    assert layer_slug("../../x") == "x"
    assert layer_slug("Fietsas Oost: fase 1") == "fietsas_oost_fase_1"
    assert layer_slug("<script>") == "script"
    assert layer_slug("---") == "scenario"
