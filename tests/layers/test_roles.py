"""Role and field-mapping guesses from Dutch, English and Flemish open-data names."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely import LineString, Point, Polygon

from slimmeregio.layers.roles import ROLE_FIELDS, Role, guess_fields, guess_role, normalize_name

POINT = [Point(150_000, 170_000)]
LINE = [LineString([(150_000, 170_000), (151_000, 170_000)])]
POLY = [Polygon([(0, 0), (1, 0), (1, 1)])]


def _frame(columns: list[str], geometry: list) -> gpd.GeoDataFrame:  # type: ignore[type-arg]
    return gpd.GeoDataFrame({c: ["1"] for c in columns}, geometry=geometry, crs=31370)


@pytest.mark.parametrize(
    ("role", "columns", "expected"),
    [
        (
            Role.MUNICIPALITIES,
            ["NISCODE", "NAAM", "inwoners"],
            {"nis": "NISCODE", "name": "NAAM", "population": "inwoners"},
        ),
        (
            Role.MUNICIPALITIES,
            ["nis", "name_fr", "name_nl", "population", "arr_nis"],
            {"nis": "nis", "name": "name_nl", "population": "population"},
        ),
        (
            Role.MUNICIPALITIES,
            ["CD_REFNIS", "Gemeente", "Bevolking"],
            {"nis": "CD_REFNIS", "name": "Gemeente", "population": "Bevolking"},
        ),
        (
            Role.MOBIPUNTEN,
            ["Naam", "Categorie BVR", "Gemeente", "Aanbod"],
            {
                "name": "Naam",
                "hoppin_type": "Categorie BVR",
                "municipality": "Gemeente",
                "offer": "Aanbod",
            },
        ),
        (
            Role.HOUSING,
            ["aantal_woningen", "Status"],
            {"dwellings": "aantal_woningen", "status": "Status"},
        ),
        (Role.HOUSING, ["dwellings"], {"dwellings": "dwellings"}),
        (Role.HOUSING, ["Aantal woningen 2024"], {"dwellings": "Aantal woningen 2024"}),
        (Role.HOUSING, ["aantal_won"], {"dwellings": "aantal_won"}),  # shapefile-truncated
        (
            Role.STATIONS,
            ["URI", "name", "avg_stop_times"],
            {"id": "URI", "name": "name", "trains_per_day": "avg_stop_times"},
        ),
        (
            Role.STATIONS,
            ["Station", "treinen_per_dag"],
            {"name": "Station", "trains_per_day": "treinen_per_dag"},
        ),
        (
            Role.BIKE_NETWORK,
            ["klasse", "snelheid", "eenrichting", "naam"],
            {"link_class": "klasse", "speed": "snelheid", "oneway": "eenrichting", "name": "naam"},
        ),
        (Role.BIKE_NETWORK, ["categorie", "WS_OIDN"], {"link_class": "categorie", "id": "WS_OIDN"}),
    ],
)
def test_guess_fields(role: Role, columns: list[str], expected: dict[str, str]) -> None:
    assert guess_fields(role, columns) == expected


def test_each_column_is_used_once() -> None:
    mapping = guess_fields(Role.MOBIPUNTEN, ["Gemeente"])
    assert mapping == {"municipality": "Gemeente"}
    assert guess_fields(Role.MUNICIPALITIES, ["gemeente", "naam"]) == {"name": "naam"}
    # 'name' could serve as name and (by containment) nothing else: one field each.
    mapping = guess_fields(Role.STATIONS, ["name", "station_name", "code"])
    assert mapping == {"name": "name", "id": "code"}
    assert len(set(mapping.values())) == len(mapping)


def test_optional_id_field_exists_for_the_engine() -> None:
    for role in (Role.BIKE_NETWORK, Role.MOBIPUNTEN, Role.HOUSING, Role.STATIONS):
        spec = next(s for s in ROLE_FIELDS[role] if s.key == "id")
        assert not spec.required


@pytest.mark.parametrize(
    ("columns", "geometry", "name", "expected"),
    [
        (["NISCODE", "NAAM", "inwoners"], POLY, "grenzen", Role.MUNICIPALITIES),
        (["nis", "name_nl"], POLY, "arrondissements", Role.OTHER),  # no population
        (["NAAM"], POLY, "Refgem", Role.MUNICIPALITIES),  # the name says so
        (["Naam", "Categorie BVR"], POINT, "punten", Role.MOBIPUNTEN),
        (["Naam", "type"], POINT, "Hoppinpunten Vlaamse Rand", Role.MOBIPUNTEN),
        (["Naam", "type"], POINT, "punten", Role.OTHER),  # 'type' alone tells nothing
        (["woningen"], POLY, "percelen", Role.HOUSING),
        (["woningen"], POINT, "projecten", Role.HOUSING),
        (["name", "avg_stop_times"], POINT, "x", Role.STATIONS),
        (["klasse"], LINE, "bff", Role.BIKE_NETWORK),
        (["type"], LINE, "wegen", Role.OTHER),
        (["klasse"], POINT, "fietsroutes", Role.OTHER),  # points cannot be a network
        (["name", "avg_stop_times"], LINE, "spoor", Role.OTHER),
    ],
)
def test_guess_role(columns: list[str], geometry: list, name: str, expected: Role) -> None:  # type: ignore[type-arg]
    assert guess_role(_frame(columns, geometry), name) is expected


def test_guess_role_municipalities_beat_housing_on_statistics() -> None:
    frame = _frame(["nis", "naam", "inwoners", "woningen"], POLY)
    assert guess_role(frame, "statistiek") is Role.MUNICIPALITIES


def test_guess_role_on_a_plain_table() -> None:
    assert guess_role(pd.DataFrame({"name": ["a"], "avg_stop_times": [1.0]}), "x") is Role.STATIONS


def test_normalize_name() -> None:
    assert normalize_name("Categorie BVR") == "categorie_bvr"
    assert normalize_name("  Aantal-woningen (2024) ") == "aantal_woningen_2024"
    assert normalize_name("Bévölkerung") == "bevolkerung"


def test_file_name_of_a_single_layer_geopackage_counts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from slimmeregio.layers import load_layers

    frame = _frame(["Naam", "type"], POINT)
    frame.to_file(tmp_path / "hoppinpunten_2025.gpkg", layer="punten")
    (layer,) = load_layers(tmp_path / "hoppinpunten_2025.gpkg")
    assert layer.role is Role.MOBIPUNTEN and layer.name == "punten"
    assert layer.fields == {"name": "Naam", "hoppin_type": "type"}
