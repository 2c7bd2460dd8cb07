"""Opportunity roles, their Flemish field names, and reading commuting (OD) tables."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.errors import MissingFieldError, OdTableError
from slimmeregio.layers.io import load_layers
from slimmeregio.layers.model import Layer
from slimmeregio.layers.opportunities import od_pairs, opportunity_weights, read_od_table
from slimmeregio.layers.roles import Role, guess_fields, guess_role


def _points(columns: dict[str, list[object]]) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    return gpd.GeoDataFrame(
        columns, geometry=[shapely.Point(150_000 + i, 170_000) for i in range(n)], crs="EPSG:31370"
    )


def test_jobs_layer_guessed_from_a_flemish_job_column() -> None:
    frame = _points({"Naam": ["Industriezone Zuid"], "Aantal werknemers": [850]})
    assert guess_role(frame, "bedrijven") is Role.JOBS
    assert guess_fields(Role.JOBS, frame.columns) == {"jobs": "Aantal werknemers", "name": "Naam"}


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("scholen_vlaanderen", Role.SCHOOLS),
        ("huisartsen_zorg", Role.HEALTH_CARE),
        ("winkels", Role.SHOPS),
        ("bestemmingen", Role.DESTINATIONS),
    ],
)
def test_opportunity_roles_guessed_from_layer_names(name: str, role: Role) -> None:
    assert guess_role(_points({"naam": ["a"]}), name) is role


def test_a_kind_or_capacity_column_alone_does_not_make_an_opportunity_layer() -> None:
    assert (
        guess_role(_points({"naam": ["a"], "soort": ["x"], "capaciteit": [3]}), "punten")
        is Role.OTHER
    )


def test_school_weights_default_to_one_per_school() -> None:
    frame = _points({"naam": ["a", "b"], "leerlingen": [420, None]})
    with_pupils = Layer("scholen", frame, Role.SCHOOLS, {"name": "naam", "pupils": "leerlingen"})
    without = Layer("scholen", frame, Role.SCHOOLS, {"name": "naam"})
    assert opportunity_weights(with_pupils).tolist() == [420.0, 0.0]
    assert opportunity_weights(without).tolist() == [1.0, 1.0]


def test_od_table_reads_census_style_columns(tmp_path: Path) -> None:
    path = tmp_path / "pendelstromen.csv"
    path.write_text(
        "NIS woonplaats;NIS werkplaats;Aantal pendelaars;Vervoerswijze\n"
        "23027;21004;1.250;trein\n23027;21004;310;fiets\n23027;23027;2 400;fiets\n23088;23027;0;auto\n",
        encoding="cp1252",
    )
    layers = load_layers(path)
    assert len(layers) == 1 and layers[0].role is Role.OD_TABLE
    pairs = od_pairs(layers[0])
    assert pairs.to_dict("records") == [
        {"origin": "23027", "destination": "21004", "commuters": 1250.0, "mode": "trein"},
        {"origin": "23027", "destination": "21004", "commuters": 310.0, "mode": "fiets"},
        {"origin": "23027", "destination": "23027", "commuters": 2400.0, "mode": "fiets"},
    ]


def test_od_table_asked_by_role_with_english_columns(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text(
        "origin,destination,commuters\n23027.0,21004,12\n23027,21004,3\n", encoding="utf-8"
    )
    pairs = od_pairs(load_layers(path, role="pendelstromen")[0])
    assert pairs["commuters"].tolist() == [15.0]
    assert pairs["mode"].tolist() == [""]


def test_od_table_without_commuters_column_is_a_bilingual_field_error(tmp_path: Path) -> None:
    path = tmp_path / "pendel.csv"
    path.write_text("van;naar;opmerking\n23027;21004;x\n", encoding="utf-8")
    with pytest.raises(MissingFieldError) as info:
        read_od_table(path)
    assert "commuters" in info.value.message("nl") and "opmerking" in info.value.full_message("en")


@pytest.mark.parametrize(("cell", "row"), [("veel", 3), ("-4", 3)])
def test_od_table_bad_count_names_the_row(tmp_path: Path, cell: str, row: int) -> None:
    path = tmp_path / "pendel.csv"
    path.write_text(
        f"herkomst;bestemming;pendelaars\n23027;21004;5\n23027;23088;{cell}\n", encoding="utf-8"
    )
    with pytest.raises(OdTableError) as info:
        read_od_table(path)
    assert f"rij {row}" in info.value.message("nl") and f"row {row}" in info.value.message("en")
    assert cell in info.value.message("nl")


def test_od_table_empty_zone_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "pendel.csv"
    path.write_text("herkomst;bestemming;pendelaars\n;21004;5\n", encoding="utf-8")
    with pytest.raises(OdTableError, match="origin is empty"):
        read_od_table(path)
    assert np.isfinite(1.0)


def test_od_table_survives_a_project_save_and_load(tmp_path: Path) -> None:
    from slimmeregio.layers import project_file
    from slimmeregio.layers.model import LayerList, Project

    path = tmp_path / "pendelstromen.csv"
    path.write_text(
        "herkomst;bestemming;pendelaars\n23027;21004;12\n23002;21004;7\n", encoding="utf-8"
    )
    project = Project(layers=LayerList(load_layers(path)))
    project_file.save_project(project, tmp_path / "p.srp")
    loaded = project_file.load_project(tmp_path / "p.srp").layers["pendelstromen"]
    assert loaded.role is Role.OD_TABLE
    assert od_pairs(loaded)[["origin", "commuters"]].to_dict("records") == [
        {"origin": "23027", "commuters": 12.0},
        {"origin": "23002", "commuters": 7.0},
    ]
