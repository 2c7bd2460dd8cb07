"""Categorical values translated to canonical ones on load: link classes,
Hoppin types and housing statuses (role_values.CANONICAL_VALUES, io.canonicalize_values)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from slimmeregio.layers.io import canonicalize_layer, canonicalize_values, load_layers
from slimmeregio.layers.model import Layer, LayerReport
from slimmeregio.layers.role_values import CANONICAL_VALUES, canonical_value, normalize_value
from slimmeregio.layers.roles import HOPPIN_TYPES, HOUSING_STATUSES, LINK_CLASSES, Role

LINE = shapely.LineString([(157_000, 180_000), (157_500, 180_300)])
POINT = shapely.Point(157_000, 180_000)


# --- the value tables --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # BFF (Bovenlokaal functioneel fietsroutenetwerk) categories
        ("hoofdroute", "fietssnelweg"),
        ("Hoofdroute", "fietssnelweg"),
        ("functionele fietsroute", "bovenlokaal"),
        ("Functionele Fietsroute", "bovenlokaal"),
        ("alternatieve functionele fietsroute", "bovenlokaal"),
        ("FUNCTIONELE ROUTE", "bovenlokaal"),
        # the application's own classes, in any case, spacing and accents
        ("fietssnelweg", "fietssnelweg"),
        ("  FIETSSNELWEG ", "fietssnelweg"),
        ("Fietssnelweg (F-route)", "fietssnelweg"),
        ("bovenlokaal", "bovenlokaal"),
        ("Boven-lokaal", "bovenlokaal"),
        ("bovenlokale fietsroute", "bovenlokaal"),
        ("lokaal", "lokaal"),
        ("Lokale route", "lokaal"),
        ("overig", "overig"),
        ("Overige", "overig"),
        # English and OpenStreetMap-style values
        ("cycle_highway", "fietssnelweg"),
        ("Cycle highway", "fietssnelweg"),
        ("regional", "bovenlokaal"),
        ("Régional", "bovenlokaal"),
        ("rcn", "bovenlokaal"),
        ("ncn", "bovenlokaal"),
        ("node_network", "bovenlokaal"),
        ("local", "lokaal"),
        ("lcn", "lokaal"),
        ("Local network", "lokaal"),
        ("other", "overig"),
        # a municipality's local functional network is local, not supra-local
        ("lokale functionele fietsroute", "lokaal"),
    ],
)
def test_link_class_values(value: str, expected: str) -> None:
    assert canonical_value(Role.BIKE_NETWORK, "link_class", value) == expected


@pytest.mark.parametrize(
    "value",
    ["recreatief", "", "   ", None, float("nan"), "3", "niet functioneel", "lokaal bovenlokaal"],
)
def test_link_class_not_recognised(value: object) -> None:
    assert canonical_value(Role.BIKE_NETWORK, "link_class", value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Interregionaal", "interregionaal"),
        ("interregionaal hoppinpunt", "interregionaal"),
        ("Regionaal Hoppinpunt", "regionaal"),
        ("regionaal", "regionaal"),
        ("Hoppinpunt - lokaal", "lokaal"),
        ("Lokaal", "lokaal"),
        ("buurtpunt", "buurt"),
        ("Buurt", "buurt"),
        ("Buurthoppinpunt", "buurt"),
        ("interregional", "interregionaal"),
        ("Interrégional", "interregionaal"),
        ("regional", "regionaal"),
        ("local", "lokaal"),
        ("neighbourhood", "buurt"),
        ("neighborhood hub", "buurt"),
    ],
)
def test_hoppin_type_values(value: str, expected: str) -> None:
    assert canonical_value(Role.MOBIPUNTEN, "hoppin_type", value) == expected


@pytest.mark.parametrize("value", ["stad", "", "hoppinpunt", "regionaal lokaal"])
def test_hoppin_type_not_recognised(value: str) -> None:
    assert canonical_value(Role.MOBIPUNTEN, "hoppin_type", value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bestaand", "bestaand"),
        ("Bestaande", "bestaand"),
        ("existing", "bestaand"),
        ("gerealiseerd", "bestaand"),
        ("gepland", "gepland"),
        ("Planned", "gepland"),
        ("in ontwikkeling", "gepland"),
        ("In Ontwikkeling", "gepland"),
        ("vergund", "gepland"),
        ("in aanbouw", "gepland"),
        ("under construction", "gepland"),
    ],
)
def test_housing_status_values(value: str, expected: str) -> None:
    assert canonical_value(Role.HOUSING, "status", value) == expected


@pytest.mark.parametrize("value", ["niet vergund", "gesloopt", ""])
def test_housing_status_not_recognised(value: str) -> None:
    assert canonical_value(Role.HOUSING, "status", value) is None


def test_tables_use_the_application_values() -> None:
    expected = {
        (Role.BIKE_NETWORK, "link_class"): LINK_CLASSES,
        (Role.MOBIPUNTEN, "hoppin_type"): HOPPIN_TYPES,
        (Role.HOUSING, "status"): HOUSING_STATUSES,
    }
    assert set(CANONICAL_VALUES) == set(expected)
    for where, table in CANONICAL_VALUES.items():
        assert table.canonical == expected[where]
        assert set(table.synonyms.values()) == set(expected[where])
        for value in expected[where]:
            assert table.lookup(value) == value
            assert table.lookup(value.upper()) == value
        # every key is in comparable form, so a look-up can reach it
        assert all(key == normalize_value(key) for key in table.synonyms)


def test_fields_without_fixed_values() -> None:
    assert canonical_value(Role.MOBIPUNTEN, "name", "lokaal") is None
    assert canonical_value(Role.STATIONS, "name", "Halle") is None


# --- translating a frame -----------------------------------------------------------------


def _lines(columns: dict[str, list[object]]) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    return gpd.GeoDataFrame(columns, geometry=[LINE] * n, crs="EPSG:31370")


def _points(columns: dict[str, list[object]]) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    return gpd.GeoDataFrame(columns, geometry=[POINT] * n, crs="EPSG:31370")


def test_translated_values_go_to_a_new_column() -> None:
    raw = [
        "hoofdroute",
        "functionele fietsroute",
        "Lokaal",
        "fietssnelweg",
        "alternatieve functionele fietsroute",
    ]
    frame = _lines({"FUNCTIE": raw})
    report = LayerReport()
    out, mapping = canonicalize_values(frame, Role.BIKE_NETWORK, {"link_class": "FUNCTIE"}, report)
    assert mapping == {"link_class": "link_class"}
    assert list(out["link_class"]) == [
        "fietssnelweg",
        "bovenlokaal",
        "lokaal",
        "fietssnelweg",
        "bovenlokaal",
    ]
    assert list(out["FUNCTIE"]) == raw  # the user's column is untouched
    assert "link_class" not in frame.columns  # and the input frame too
    entry = next(e for e in report if e.kind == "values_normalized")
    # 'fietssnelweg' was canonical already: four values changed
    assert entry.count == 4 and entry.level == "info"
    assert "'hoofdroute' → fietssnelweg (1)" in entry.nl
    assert "'link_class'" in entry.nl and "'FUNCTIE'" in entry.en
    assert not report.has("unknown_link_class")


def test_canonical_values_change_nothing() -> None:
    frame = _lines({"klasse": ["fietssnelweg", "bovenlokaal", "lokaal", "overig"]})
    report = LayerReport()
    out, mapping = canonicalize_values(frame, Role.BIKE_NETWORK, {"link_class": "klasse"}, report)
    assert mapping == {"link_class": "klasse"}
    assert out is frame
    assert len(report) == 0


def test_unknown_link_classes_are_kept_and_reported_once() -> None:
    raw = [
        "lokaal",
        "recreatief",
        "recreatief",
        "jaagpad",
        "",
        "boswegel",
        "a",
        "b",
        "c",
        "hoofdroute",
    ]
    frame = _lines({"FUNCTIE": raw})
    report = LayerReport()
    out, mapping = canonicalize_values(frame, Role.BIKE_NETWORK, {"link_class": "FUNCTIE"}, report)
    # unknown values (user-defined classes) survive as they are
    assert list(out[mapping["link_class"]]) == [
        "lokaal",
        "recreatief",
        "recreatief",
        "jaagpad",
        "",
        "boswegel",
        "a",
        "b",
        "c",
        "fietssnelweg",
    ]
    entries = [e for e in report if e.kind == "unknown_link_class"]
    assert len(entries) == 1
    entry = entries[0]
    unknown = Counter(v for v in raw if v not in ("lokaal", "hoofdroute"))
    assert entry.count == sum(unknown.values()) == 8
    assert entry.level == "info"
    # the most frequent first, with its count; at most five values named
    assert "'recreatief' (2)" in entry.nl
    assert "(leeg) (1)" in entry.nl and "(empty) (1)" in entry.en
    assert len(re.findall(r"\(\d+\)", entry.nl.split(":", 1)[1].split(".")[0])) == 5
    assert "(+2)" in entry.nl


def test_unknown_only_adds_no_column() -> None:
    frame = _lines({"klasse": ["lokaal", "jaagpad"]})
    report = LayerReport()
    out, mapping = canonicalize_values(frame, Role.BIKE_NETWORK, {"link_class": "klasse"}, report)
    assert mapping == {"link_class": "klasse"} and list(out.columns) == list(frame.columns)
    assert report.count("unknown_link_class") == 1
    assert not report.has("values_normalized")


def test_unknown_hoppin_type_is_a_warning() -> None:
    frame = _points({"naam": ["a", "b", "c"], "type": ["Regionaal Hoppinpunt", "stad", "stad"]})
    report = LayerReport()
    out, mapping = canonicalize_values(
        frame, Role.MOBIPUNTEN, {"name": "naam", "hoppin_type": "type"}, report
    )
    assert list(out[mapping["hoppin_type"]]) == ["regionaal", "stad", "stad"]
    entry = next(e for e in report if e.kind == "unknown_hoppin_type")
    assert entry.level == "warning" and entry.count == 2
    assert "'stad' (2)" in entry.nl and "'stad' (2)" in entry.en
    assert entry in report.warnings


def test_housing_status_and_empty_status() -> None:
    raw = [
        "Bestaande",
        "existing",
        "gepland",
        "planned",
        "in ontwikkeling",
        "vergund",
        "",
        "gesloopt",
    ]
    frame = _points({"woningen": [1] * len(raw), "Status": raw})
    report = LayerReport()
    out, mapping = canonicalize_values(
        frame, Role.HOUSING, {"dwellings": "woningen", "status": "Status"}, report
    )
    # 'status' differs from 'Status' only in case: a GeoPackage could not hold both
    assert mapping["status"] == "status_norm"
    assert list(out["status_norm"]) == [
        "bestaand",
        "bestaand",
        "gepland",
        "gepland",
        "gepland",
        "gepland",
        "",
        "gesloopt",
    ]
    assert list(out["Status"]) == raw
    entry = next(e for e in report if e.kind == "unknown_housing_status")
    assert entry.count == 1 and entry.level == "info"  # the empty status is not reported
    assert "'gesloopt' (1)" in entry.nl


def test_source_column_named_like_the_field() -> None:
    frame = _lines({"link_class": ["regional", "local"]})
    out, mapping = canonicalize_values(frame, Role.BIKE_NETWORK, {"link_class": "link_class"})
    assert mapping == {"link_class": "link_class_norm"}
    assert list(out["link_class"]) == ["regional", "local"]
    assert list(out["link_class_norm"]) == ["bovenlokaal", "lokaal"]


def test_canonicalize_layer_is_idempotent() -> None:
    frame = _lines({"FUNCTIE": ["hoofdroute", "jaagpad"]})
    layer = Layer(name="bff", data=frame, role=Role.BIKE_NETWORK, fields={"link_class": "FUNCTIE"})
    once = canonicalize_layer(layer)
    assert list(once.column("link_class")) == ["fietssnelweg", "jaagpad"]
    entries = len(once.report)
    assert entries == 2  # values_normalized, unknown_link_class
    twice = canonicalize_layer(once)
    assert twice.fields == once.fields
    assert len(twice.report) == entries
    # mapped back to the raw column by hand: the earlier translation is reused
    remapped = canonicalize_layer(once.replace(fields={"link_class": "FUNCTIE"}))
    assert remapped.fields == {"link_class": "link_class"}
    assert "link_class_norm" not in remapped.frame.columns


def test_other_roles_are_left_alone() -> None:
    frame = _points({"naam": ["Halle"], "type": ["hoofdroute"]})
    report = LayerReport()
    out, mapping = canonicalize_values(frame, Role.STATIONS, {"name": "naam"}, report)
    assert out is frame and mapping == {"name": "naam"} and len(report) == 0


# --- the embedded region and loading from files -----------------------------------------


def test_embedded_region_values_are_canonical() -> None:
    from slimmeregio.layers.region import load_region

    project = load_region()  # the committed region: missing is a failure, not a skip
    checked = 0
    for layer in project.layers:
        if layer.is_raster:
            continue
        report = LayerReport()
        out, mapping = canonicalize_values(layer.frame, layer.role, layer.fields, report)
        assert mapping == layer.fields, layer.name
        assert out is layer.frame, layer.name
        assert len(report) == 0, [e.en for e in report]
        for (role, key), table in CANONICAL_VALUES.items():
            if layer.role == role and layer.has_field(key):
                assert set(layer.column(key)) <= set(table.canonical)
                checked += 1
    assert checked == 3  # link classes, Hoppin types, housing statuses


def test_bff_geopackage_round_trip(tmp_path: Path) -> None:
    raw = [
        "hoofdroute",
        "functionele fietsroute",
        "alternatieve functionele fietsroute",
        "recreatief",
    ]
    frame = _lines({"OIDN": [1, 2, 3, 4], "FUNCTIE": raw, "NAAM": ["F3", "a", "b", "c"]})
    path = tmp_path / "bff_vlaams_brabant.gpkg"
    frame.to_file(path, layer="bff", driver="GPKG")
    (layer,) = load_layers(path)
    assert layer.role is Role.BIKE_NETWORK
    assert layer.fields["link_class"] == "link_class"
    assert list(layer.column("link_class")) == [
        "fietssnelweg",
        "bovenlokaal",
        "bovenlokaal",
        "recreatief",
    ]
    assert list(layer.frame["FUNCTIE"]) == raw
    assert layer.report.count("values_normalized") == 3
    assert layer.report.count("unknown_link_class") == 1


def test_hoppin_and_housing_files_round_trip(tmp_path: Path) -> None:
    hubs = _points(
        {
            "Naam": ["a", "b", "c", "d"],
            "Categorie BVR": [
                "Interregionaal",
                "Regionaal Hoppinpunt",
                "Hoppinpunt - lokaal",
                "buurtpunt",
            ],
        }
    )
    hubs.to_file(tmp_path / "Hoppinpunten.gpkg", driver="GPKG")
    (layer,) = load_layers(tmp_path / "Hoppinpunten.gpkg")
    assert layer.role is Role.MOBIPUNTEN
    assert list(layer.column("hoppin_type")) == list(HOPPIN_TYPES)
    assert list(layer.frame["Categorie BVR"]) == list(hubs["Categorie BVR"])

    csv = tmp_path / "woningen.csv"
    pd.DataFrame(
        {
            "x": [157_000, 157_100, 157_200],
            "y": [180_000, 180_100, 180_200],
            "aantal_woningen": [10, 20, 30],
            "Status": ["Bestaande", "vergund", "in ontwikkeling"],
        }
    ).to_csv(csv, index=False)
    (housing,) = load_layers(csv)
    assert housing.role is Role.HOUSING
    assert list(housing.column("status")) == ["bestaand", "gepland", "gepland"]
    assert list(housing.frame["Status"]) == ["Bestaande", "vergund", "in ontwikkeling"]


# --- the documented tables ----------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "flemish-open-data.md"


def _variants(value: str) -> list[str]:
    """``existant(e)`` -> ``existant``, ``existante``; ``(in) planning`` ->
    ``planning``, ``in planning``."""
    match = re.search(r"\(([^)]*)\)", value)
    if match is None:
        return [value]
    without = value[: match.start()] + value[match.end() :]
    with_ = value[: match.start()] + match.group(1) + value[match.end() :]
    return _variants(without) + _variants(with_)


def _documented() -> list[tuple[Role, str, str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Values the application recognises", 1)[1]
    text = text.split("\n## ", 1)[0]
    fields = {
        "**Link class**": (Role.BIKE_NETWORK, "link_class"),
        "**Hoppin type**": (Role.MOBIPUNTEN, "hoppin_type"),
        "**Housing status**": (Role.HOUSING, "status"),
    }
    rows: list[tuple[Role, str, str, str]] = []
    current: tuple[Role, str] | None = None
    for line in text.splitlines():
        for marker, where in fields.items():
            if line.startswith(marker):
                current = where
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current is None or len(cells) != 2 or not cells[1].startswith("`"):
            continue
        expected = cells[1].strip("`")
        for value in re.findall(r"`([^`]+)`", cells[0]):
            rows += [(current[0], current[1], v, expected) for v in _variants(value)]
    return rows


@pytest.mark.skipif(not DOC.is_file(), reason="docs/ is not shipped with the package")
def test_documented_values_are_recognised() -> None:
    rows = _documented()
    assert {(r, k) for r, k, _, _ in rows} == set(CANONICAL_VALUES)
    assert len(rows) > 100
    wrong = [
        (v, e, canonical_value(r, k, v)) for r, k, v, e in rows if canonical_value(r, k, v) != e
    ]
    assert wrong == []
