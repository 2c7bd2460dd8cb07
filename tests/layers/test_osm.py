"""OpenStreetMap import: tag rules, clipping, POIs, errors, GeoPackage and CLI.

Every OSM file is written in the test with pyosmium's writer; expectations
are worked out by hand from the tags (see the comments next to each way).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import osmium.osm.mutable as mut
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Transformer

from slimmeregio.cli import cli
from slimmeregio.layers import osm_source
from slimmeregio.layers.errors import (
    OperationCancelled,
    OsmImportError,
    OutputExistsError,
    SourceNotFoundError,
)
from slimmeregio.layers.osm import (
    NETWORK_LAYER,
    OSM_ATTRIBUTION,
    clip_from_file,
    import_osm,
    region_clip,
    write_osm_gpkg,
)
from slimmeregio.layers.osm_rules import DEFAULT_RULES, OsmRules, RouteInfo
from slimmeregio.layers.roles import Role

TO_LAMBERT = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
LON0, LAT0, STEP = 4.300, 50.850, 0.001


def lam(lon: float, lat: float) -> tuple[float, float]:
    x, y = TO_LAMBERT.transform(lon, lat)
    return float(x), float(y)


def write_osm(
    path: Path,
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[int, list[int], dict[str, str]]],
    relations: list[tuple[int, list[tuple[str, int, str]], dict[str, str]]] = (),
    node_tags: dict[int, dict[str, str]] | None = None,
) -> Path:
    """Write nodes, ways and relations (in OSM order) with pyosmium."""
    node_tags = node_tags or {}
    with osmium.SimpleWriter(str(path)) as writer:
        for nid in sorted(nodes):
            writer.add_node(mut.Node(id=nid, location=nodes[nid], tags=node_tags.get(nid, {})))
        for wid, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(mut.Way(id=wid, nodes=refs, tags=tags))
        for rid, members, tags in sorted(relations, key=lambda r: r[0]):
            writer.add_relation(mut.Relation(id=rid, members=members, tags=tags))
    return path


# ---------------------------------------------------------------------------
# A small town covering every rule
# ---------------------------------------------------------------------------


def _row(first: int, lat_index: int) -> dict[int, tuple[float, float]]:
    return {first + i: (LON0 + i * STEP, LAT0 + lat_index * STEP) for i in range(6)}


TOWN_NODES: dict[int, tuple[float, float]] = {
    **_row(1, 0),  # row A: nodes 1..6
    **_row(11, 1),  # row B: nodes 11..16
    **_row(21, 2),  # row C: nodes 21..26
    31: (LON0 + 0.010, LAT0), 32: (LON0 + 0.011, LAT0), 33: (LON0 + 0.011, LAT0 + STEP),
    51: (LON0 + 0.020, LAT0), 52: (LON0 + 0.022, LAT0), 53: (LON0 + 0.022, LAT0 + 0.002),
    54: (LON0 + 0.020, LAT0 + 0.002),
    41: (LON0 + 0.001, LAT0 + 0.0005), 42: (LON0 + 0.002, LAT0 + 0.0005),
    43: (LON0 + 0.003, LAT0 + 0.0005), 44: (LON0 + 0.004, LAT0 + 0.0005),
    45: (LON0 + 0.0045, LAT0 + 0.0005), 46: (LON0 + 0.005, LAT0 + 0.0005),
    47: (LON0 + 0.0015, LAT0 + 0.0015), 48: (LON0 + 0.0025, LAT0 + 0.0015),
    49: (5.0, 50.5),  # far away
    61: (5.0, 50.5), 62: (5.001, 50.5),  # far away way
}  # fmt: skip

TOWN_NODE_TAGS = {
    41: {"railway": "station", "name": "Vilvoorde", "public_transport": "station", "train": "yes"},
    42: {"railway": "halt", "name": "Eppegem"},
    43: {"public_transport": "station", "bus": "yes", "name": "Busstation Halle"},
    44: {"amenity": "bicycle_rental", "name": "Blue-bike", "network": "Blue-bike"},
    45: {"amenity": "car_sharing", "name": "Cambio", "operator": "Cambio"},
    46: {"amenity": "bicycle_parking", "capacity": "120"},
    47: {"public_transport": "station", "name": "Nothing specific"},
    48: {"railway": "station", "station": "subway", "name": "Kraainem metro"},
    49: {"amenity": "bicycle_rental", "name": "Far away"},
}

TOWN_WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (101, [1, 2, 3], {"highway": "residential", "name": "Dorpstraat", "surface": "asphalt"}),
    (102, [3, 4], {"highway": "cycleway"}),  # in route F3 -> fietssnelweg
    (103, [4, 5], {"highway": "tertiary", "oneway": "-1"}),  # one-way, reversed
    (104, [5, 6], {"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}),
    (106, [2, 12], {"highway": "unclassified", "oneway": "yes"}),
    (107, [3, 13], {"highway": "path", "bicycle": "designated"}),
    (108, [4, 14], {"highway": "track"}),  # member of node-network route -> kept
    (109, [5, 15], {"highway": "footway"}),  # not_for_bicycles
    (110, [11, 12], {"highway": "motorway"}),  # motorway
    (111, [12, 13], {"highway": "trunk", "motorroad": "yes"}),  # motorroad
    (112, [13, 14], {"highway": "residential", "bicycle": "no"}),  # bicycle_no
    (113, [14, 15], {"highway": "primary", "bicycle": "use_sidepath"}),  # use_sidepath
    (114, [15, 16], {"highway": "service", "access": "private"}),  # no_access
    (115, [6, 16], {"highway": "service", "access": "private", "bicycle": "yes"}),
    (116, [1, 11], {"highway": "construction"}),  # not_a_way
    (117, [21, 22], {"highway": "residential", "oneway": "yes", "cycleway": "opposite"}),
    (118, [22, 23], {"highway": "residential", "junction": "roundabout"}),
    (119, [23, 24], {"highway": "cycleway", "cycle_highway": "yes"}),
    (120, [24, 25], {"highway": "residential"}),  # in route L1 (lcn) -> lokaal
    (121, [25, 26], {"highway": "residential"}),  # in child of route F20
    (122, [21, 11], {"highway": "trunk"}),  # in a proposed route -> no refs
    (123, [31, 32, 33, 31], {"highway": "pedestrian", "area": "yes", "bicycle": "yes"}),
    (124, [16, 26], {"highway": "footway", "bicycle": "yes"}),
    (127, [6, 999, 26], {"highway": "residential"}),  # node 999 is missing
    (130, [61, 62], {"highway": "residential"}),  # far away
    (201, [51, 52, 53, 54, 51], {"amenity": "bicycle_parking", "capacity": "veel"}),
]

TOWN_RELATIONS = [
    (1, [("w", 102, "")], {"type": "route", "route": "bicycle", "ref": "F3", "network": "rcn"}),
    (
        2,
        [("w", 108, "")],
        {"type": "route", "route": "bicycle", "network": "rcn", "network:type": "node_network",
         "ref": "23"},
    ),
    (3, [("w", 120, "")], {"type": "route", "route": "bicycle", "network": "lcn", "ref": "L1"}),
    (4, [("w", 121, "")], {"type": "route", "route": "bicycle"}),
    (5, [("r", 4, "")], {"type": "superroute", "route": "bicycle", "ref": "F20"}),
    (6, [("w", 122, "")], {"type": "route", "route": "bicycle", "ref": "F99", "state": "proposed"}),
    (7, [("w", 103, "")], {"type": "route", "route": "hiking", "ref": "F1"}),  # not a bike route
]  # fmt: skip

KEPT = {101, 102, 103, 104, 106, 107, 108, 115, 117, 118, 119, 120, 121, 122, 124, 127}
SKIPPED = {
    "not_for_bicycles": 1,
    "motorway": 1,
    "motorroad": 1,
    "bicycle_no": 1,
    "use_sidepath": 1,
    "no_access": 1,
    "not_a_way": 1,
    "area": 1,
}
#: A bbox around the town, leaving out the far-away objects.
TOWN_BBOX = (4.29, 50.84, 4.34, 50.86)


@pytest.fixture(scope="module", params=["osm.pbf", "osm"])
def town_file(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("osm") / f"town.{request.param}"
    return write_osm(path, TOWN_NODES, TOWN_WAYS, TOWN_RELATIONS, TOWN_NODE_TAGS)


@pytest.fixture(scope="module")
def town(town_file: Path) -> Any:
    return import_osm(town_file, bbox=TOWN_BBOX)


def _by_id(result: Any) -> dict[int, Any]:
    frame = result.network.frame
    return {int(row.osm_id): row for row in frame.itertuples()}


def test_kept_ways_are_exactly_the_cyclable_ones(town: Any) -> None:
    assert set(_by_id(town)) == KEPT
    assert town.network.frame["osm_id"].is_unique


def test_skipped_ways_are_counted_by_reason(town: Any) -> None:
    assert town.report.skipped == SKIPPED
    assert town.report.outside_clip == 1  # way 130, far away
    assert town.report.missing_nodes == 1  # way 127


def test_link_classes_from_tags_and_routes(town: Any) -> None:
    rows = _by_id(town)
    expected = {102: "fietssnelweg", 119: "fietssnelweg", 121: "fietssnelweg", 108: "bovenlokaal"}
    for osm_id, row in rows.items():
        assert row.klasse == expected.get(osm_id, "lokaal"), osm_id
    assert town.report.ways_per_class == {"fietssnelweg": 3, "bovenlokaal": 1, "lokaal": 12}


def test_route_refs_and_attributes(town: Any) -> None:
    rows = _by_id(town)
    assert rows[102].route_refs == "F3"
    assert rows[108].route_refs == "23"
    assert rows[120].route_refs == "L1"
    assert rows[121].route_refs == "F20"  # passed down from the super-route
    assert rows[122].route_refs is None  # proposed route ignored
    assert rows[103].route_refs is None  # hiking route ignored
    assert rows[101].naam == "Dorpstraat"
    assert rows[101].surface == "asphalt"
    assert rows[101].highway == "residential"
    assert set(town.network.frame["source"]) == {OSM_ATTRIBUTION}


def test_oneway_rules_for_bicycles(town: Any) -> None:
    rows = _by_id(town)
    oneway = {osm_id for osm_id, row in rows.items() if row.eenrichting}
    # 103 oneway=-1, 106 oneway=yes, 118 roundabout; 104 oneway:bicycle=no and
    # 117 cycleway=opposite allow contraflow.
    assert oneway == {103, 106, 118}
    assert town.network.frame["eenrichting"].dtype == bool


def test_reversed_oneway_runs_in_the_permitted_direction(town: Any) -> None:
    rows = _by_id(town)
    line = rows[103].geometry  # drawn 4 -> 5 in OSM, oneway=-1: ride 5 -> 4
    assert line.coords[0] == pytest.approx(lam(*TOWN_NODES[5]), abs=0.01)
    assert line.coords[-1] == pytest.approx(lam(*TOWN_NODES[4]), abs=0.01)
    line = rows[106].geometry  # oneway=yes: as drawn, 2 -> 12
    assert line.coords[0] == pytest.approx(lam(*TOWN_NODES[2]), abs=0.01)


def test_geometry_is_lambert_and_follows_the_nodes(town: Any) -> None:
    assert town.network.frame.crs.to_epsg() == 31370
    rows = _by_id(town)
    expected = [lam(*TOWN_NODES[n]) for n in (1, 2, 3)]
    assert np.allclose(np.asarray(rows[101].geometry.coords), expected, atol=0.01)
    # Way 127 lost its missing middle node but keeps its two real ends.
    assert np.allclose(
        np.asarray(rows[127].geometry.coords),
        [lam(*TOWN_NODES[6]), lam(*TOWN_NODES[26])],
        atol=0.01,
    )
    # km per class adds up to the lengths of the kept lines.
    total = sum(town.report.km_per_class.values())
    assert total == pytest.approx(town.network.frame.length.sum() / 1000, abs=0.005)


def test_network_layer_is_a_project_layer(town: Any, town_file: Path) -> None:
    layer = town.network
    assert layer.name == NETWORK_LAYER
    assert layer.role == Role.BIKE_NETWORK
    assert layer.fields == {
        "id": "osm_id",
        "link_class": "klasse",
        "oneway": "eenrichting",
        "name": "naam",
    }
    assert layer.attribution == OSM_ATTRIBUTION
    assert layer.missing_required() == []
    assert layer.source == town_file
    assert layer.report.count("osm_skipped_motorway") == 1
    assert layer.style.kind == "categories" and layer.style.column == "klasse"


def test_poi_layers(town: Any) -> None:
    layers = {layer.name: layer for layer in town.pois}
    assert set(layers) == {
        "stations_osm",
        "bushubs_osm",
        "deelfietsen_osm",
        "deelautos_osm",
        "fietsenstallingen_osm",
    }
    for layer in layers.values():
        assert layer.role == Role.OTHER
        assert layer.attribution == OSM_ATTRIBUTION
        assert layer.fields == {"id": "osm_id", "name": "naam"}
        assert layer.frame.crs.to_epsg() == 31370
        assert set(layer.frame.geometry.geom_type) == {"Point"}
    stations = layers["stations_osm"].frame.set_index("osm_id")
    assert dict(stations["type"]) == {41: "treinstation", 42: "stopplaats", 48: "metrostation"}
    assert stations.loc[41, "naam"] == "Vilvoorde"
    assert stations.loc[41].geometry.coords[0] == pytest.approx(lam(*TOWN_NODES[41]), abs=0.01)
    assert list(layers["bushubs_osm"].frame["naam"]) == ["Busstation Halle"]
    bikes = layers["deelfietsen_osm"].frame
    assert list(bikes["osm_id"]) == [44]  # node 49 lies outside the bbox
    assert list(bikes["network"]) == ["Blue-bike"]
    assert list(layers["deelautos_osm"].frame["operator"]) == ["Cambio"]
    parking = layers["fietsenstallingen_osm"].frame.set_index(["osm_type", "osm_id"])
    assert parking.loc[("node", 46), "capacity"] == 120
    assert parking.loc[("way", 201), "capacity"] is pd_na()
    # The parking polygon becomes its centroid: the middle of the square.
    centre = lam(LON0 + 0.021, LAT0 + 0.001)
    assert parking.loc[("way", 201)].geometry.distance(shapely.Point(centre)) < 1.0
    assert town.report.pois == {
        "stations_osm": 3,
        "bushubs_osm": 1,
        "deelfietsen_osm": 1,
        "deelautos_osm": 1,
        "fietsenstallingen_osm": 2,
        # The town has no schools, health care, shops or work areas.
        "scholen_osm": 0,
        "zorg_osm": 0,
        "winkels_diensten_osm": 0,
        "bestemmingen_werk_osm": 0,
    }


def pd_na() -> Any:
    import pandas as pd

    return pd.NA


def test_whole_extract_without_clip(town_file: Path) -> None:
    result = import_osm(town_file)
    assert set(_by_id(result)) == KEPT | {130}
    assert result.report.outside_clip == 0
    assert len(result.pois[2].frame) == 2  # both bicycle rentals


# ---------------------------------------------------------------------------
# Rules as pure functions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "in_route", "expected"),
    [
        ({"highway": "cycleway"}, False, (True, None)),
        ({"highway": "cycleway", "bicycle": "no"}, False, (False, "bicycle_no")),
        ({"highway": "residential"}, False, (True, None)),
        ({"highway": "trunk"}, False, (True, None)),
        ({"highway": "trunk", "motorroad": "yes"}, False, (False, "motorroad")),
        ({"highway": "motorway"}, False, (False, "motorway")),
        ({"highway": "motorway_link", "bicycle": "yes"}, False, (True, None)),
        ({"highway": "footway"}, False, (False, "not_for_bicycles")),
        ({"highway": "footway"}, True, (True, None)),
        ({"highway": "footway", "bicycle": "yes"}, False, (True, None)),
        ({"highway": "path", "bicycle": "designated"}, False, (True, None)),
        ({"highway": "track", "bicycle": "permissive"}, False, (True, None)),
        ({"highway": "track"}, False, (False, "not_for_bicycles")),
        ({"highway": "steps", "bicycle": "dismount"}, False, (True, None)),
        ({"highway": "residential", "bicycle": "use_sidepath"}, False, (False, "use_sidepath")),
        ({"highway": "service", "access": "private"}, False, (False, "no_access")),
        ({"highway": "service", "access": "no", "bicycle": "yes"}, False, (True, None)),
        ({"highway": "service", "vehicle": "no"}, False, (False, "no_access")),
        ({"highway": "service", "access": "no", "vehicle": "yes"}, False, (True, None)),
        ({"highway": "proposed"}, False, (False, "not_a_way")),
        ({"highway": "pedestrian", "area": "yes"}, False, (False, "area")),
        ({"building": "yes"}, False, (False, "not_a_way")),
    ],
)
def test_access_rules(tags: dict[str, str], in_route: bool, expected: tuple[bool, Any]) -> None:
    assert DEFAULT_RULES.access(tags, in_route=in_route) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({}, (False, False)),
        ({"oneway": "yes"}, (True, False)),
        ({"oneway": "-1"}, (True, True)),
        ({"oneway": "no"}, (False, False)),
        ({"oneway": "yes", "oneway:bicycle": "no"}, (False, False)),
        ({"oneway:bicycle": "yes"}, (True, False)),
        ({"oneway:bicycle": "-1"}, (True, True)),
        ({"oneway": "yes", "cycleway": "opposite_lane"}, (False, False)),
        ({"oneway": "yes", "cycleway:left": "opposite_track"}, (False, False)),
        ({"oneway": "yes", "cycleway:left:oneway": "-1"}, (False, False)),
        ({"junction": "roundabout"}, (True, False)),
        ({"junction": "roundabout", "oneway": "no"}, (False, False)),
    ],
)
def test_oneway_rules(tags: dict[str, str], expected: tuple[bool, bool]) -> None:
    assert DEFAULT_RULES.oneway(tags) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"type": "route", "route": "bicycle", "ref": "F3"}, RouteInfo("fietssnelweg", "F3")),
        ({"type": "route", "route": "bicycle", "ref": "F20"}, RouteInfo("fietssnelweg", "F20")),
        ({"type": "route", "route": "bicycle", "ref": "F 212"}, RouteInfo("fietssnelweg", "F 212")),
        ({"type": "route", "route": "bicycle", "ref": "LF5", "network": "ncn"},
         RouteInfo("bovenlokaal", "LF5")),
        ({"type": "route", "route": "bicycle", "cycle_network": "BE-VLG:cycle_highway",
          "name": "Fietssnelweg Brussel-Mechelen"},
         RouteInfo("fietssnelweg", "Fietssnelweg Brussel-Mechelen")),
        ({"type": "route", "route": "bicycle", "network": "rcn", "ref": "23"},
         RouteInfo("bovenlokaal", "23")),
        ({"type": "route", "route": "bicycle", "network:type": "node_network"},
         RouteInfo("bovenlokaal", None)),
        ({"type": "route", "route": "bicycle", "network": "lcn", "ref": "L1"},
         RouteInfo(None, "L1")),
        ({"type": "route", "route": "bicycle", "ref": "F3", "state": "proposed"}, None),
        ({"type": "route", "route": "hiking", "ref": "F3"}, None),
        ({"type": "multipolygon"}, None),
    ],
)  # fmt: skip
def test_route_classes(tags: dict[str, str], expected: RouteInfo | None) -> None:
    assert DEFAULT_RULES.route_info(tags) == expected


def test_link_class_takes_the_best_route() -> None:
    routes = [RouteInfo(None, "L1"), RouteInfo("bovenlokaal", "23")]
    assert DEFAULT_RULES.link_class({"highway": "residential"}, routes) == "bovenlokaal"
    routes.append(RouteInfo("fietssnelweg", "F3"))
    assert DEFAULT_RULES.link_class({"highway": "residential"}, routes) == "fietssnelweg"
    assert DEFAULT_RULES.link_class({"cycle_highway": "yes"}) == "fietssnelweg"
    assert DEFAULT_RULES.link_class({"highway": "residential"}) == "lokaal"


def test_rules_from_toml_change_the_import(tmp_path: Path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text("use_sidepath_allowed = true\nroute_members_allowed = false\n")
    rules = OsmRules.from_toml(toml)
    assert rules.access({"highway": "primary", "bicycle": "use_sidepath"}) == (True, None)
    assert rules.access({"highway": "track"}, in_route=True) == (False, "not_for_bicycles")
    path = write_osm(tmp_path / "t.osm.pbf", TOWN_NODES, TOWN_WAYS, TOWN_RELATIONS)
    result = import_osm(path, bbox=TOWN_BBOX, rules=rules)
    assert set(_by_id(result)) == (KEPT | {113}) - {108}
    bad = tmp_path / "bad.toml"
    bad.write_text("no_such_rule = 1\n")
    with pytest.raises(ValueError, match="no_such_rule"):
        OsmRules.from_toml(bad)


# ---------------------------------------------------------------------------
# Clipping
# ---------------------------------------------------------------------------


def _line_file(tmp_path: Path, tags: dict[str, str]) -> Path:
    """One straight way from (4.30, 50.85) to (4.32, 50.85) and a U-shaped one."""
    nodes = {
        1: (4.30, 50.85), 2: (4.32, 50.85),
        3: (4.30, 50.86), 4: (4.30, 50.87), 5: (4.32, 50.87), 6: (4.32, 50.86),
    }  # fmt: skip
    ways = [(1, [1, 2], tags), (2, [3, 4, 5, 6], {"highway": "residential"})]
    return write_osm(tmp_path / "line.osm.pbf", nodes, ways)


def test_bbox_in_lambert_clips_exactly(tmp_path: Path) -> None:
    path = _line_file(tmp_path, {"highway": "residential", "oneway": "-1"})
    (ax, ay), (bx, by) = lam(4.30, 50.85), lam(4.32, 50.85)
    cut = ax + 0.25 * (bx - ax)
    box = (ax - 500, ay - 500, cut, ay + 500)  # keeps the west quarter of way 1 only
    result = import_osm(path, bbox=box, bbox_crs="EPSG:31370")
    rows = _by_id(result)
    assert set(rows) == {1}
    line = rows[1].geometry
    assert line.length == pytest.approx(0.25 * math.dist((ax, ay), (bx, by)), rel=1e-6)
    # Still drawn in the permitted direction (east -> west) after clipping.
    assert line.coords[0][0] == pytest.approx(cut, abs=1e-6)
    assert line.coords[-1] == pytest.approx((ax, ay), abs=0.01)


def test_way_leaving_and_reentering_stays_one_row(tmp_path: Path) -> None:
    path = _line_file(tmp_path, {"highway": "residential"})
    # A box covering the U's two legs near 50.86 but not its top at 50.87.
    sw, ne = lam(4.295, 50.855), lam(4.325, 50.865)
    result = import_osm(path, bbox=(*sw, *ne), bbox_crs="EPSG:31370")
    rows = _by_id(result)
    assert set(rows) == {2}
    assert rows[2].geometry.geom_type == "MultiLineString"
    assert len(rows[2].geometry.geoms) == 2


def test_clip_geometry_is_buffered(tmp_path: Path) -> None:
    path = _line_file(tmp_path, {"highway": "residential"})
    # A 20 m square whose top edge lies 1890 m south of way 1: only the 2 km
    # buffer reaches the way, over a chord of 2 * (10 + sqrt(2000² - 1890²)).
    x, y = lam(4.31, 50.85)
    square = shapely.box(x - 10, y - 1910, x + 10, y - 1890)
    result = import_osm(path, clip=square, buffer_m=2000)
    rows = _by_id(result)
    assert set(rows) == {1}
    chord = 2 * (10 + math.sqrt(2000**2 - 1890**2))
    assert rows[1].geometry.length == pytest.approx(chord, rel=0.05)
    with pytest.raises(OsmImportError):
        import_osm(path, clip=square, buffer_m=0)  # nothing left inside


def test_region_clip_unions_municipalities() -> None:
    from slimmeregio.layers.model import Layer

    frame = gpd.GeoDataFrame(
        {"niscode": ["23002", "23003"]},
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
        crs="EPSG:31370",
    )
    other = gpd.GeoDataFrame(geometry=[shapely.box(100, 100, 110, 110)], crs="EPSG:31370")
    layers = [
        Layer("gemeenten", frame, role=Role.MUNICIPALITIES),
        Layer("iets", other, role=Role.OTHER),
    ]
    area = region_clip(layers, buffer_m=0)
    assert area.area == pytest.approx(200.0)
    assert region_clip(layers, buffer_m=5).area > 200 + 2 * (20 + 10) * 5 - 1
    # Without a municipalities layer every polygon layer counts.
    assert region_clip(layers[1:], buffer_m=0).area == pytest.approx(100.0)
    with pytest.raises(OsmImportError):
        region_clip([], buffer_m=0)


# ---------------------------------------------------------------------------
# Reading: slices, progress, cancel, errors
# ---------------------------------------------------------------------------


def _grid_file(path: Path, n: int = 60) -> Path:
    """An n x n grid of residential streets (2n ways)."""
    nodes = {
        i * n + j + 1: (4.30 + j * 0.0005, 50.85 + i * 0.0005) for i in range(n) for j in range(n)
    }
    ways = []
    for i in range(n):
        ways.append((i + 1, [i * n + j + 1 for j in range(n)], {"highway": "residential"}))
        ways.append((n + i + 1, [j * n + i + 1 for j in range(n)], {"highway": "cycleway"}))
    return write_osm(path, nodes, ways)


def test_pbf_read_in_many_slices_gives_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _grid_file(tmp_path / "grid.osm.pbf", n=100)  # 10,000 nodes: several blocks
    whole = import_osm(path)
    seen: list[float] = []
    monkeypatch.setattr(osm_source, "_SLICE_BYTES", 1)  # one block per slice
    sliced = import_osm(path, progress=lambda f, _m: seen.append(f))
    a = whole.network.frame.sort_values("osm_id").reset_index(drop=True)
    b = sliced.network.frame.sort_values("osm_id").reset_index(drop=True)
    assert len(a) == 200
    assert list(a["osm_id"]) == list(b["osm_id"])
    assert all(ga.equals_exact(gb, 1e-9) for ga, gb in zip(a.geometry, b.geometry, strict=True))
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert len({round(f, 6) for f in seen if 0 < f < 0.45}) >= 2  # byte progress in pass 1


def test_cancel_stops_the_import(tmp_path: Path) -> None:
    path = _grid_file(tmp_path / "grid.osm.pbf", n=10)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(OperationCancelled):
        import_osm(path, cancel=cancel)


@pytest.mark.parametrize("compress", ["gz", "bz2"])
def test_compressed_xml_extract(tmp_path: Path, compress: str) -> None:
    import bz2
    import gzip

    plain = write_osm(tmp_path / "town.osm", TOWN_NODES, TOWN_WAYS, TOWN_RELATIONS)
    packed = tmp_path / f"town.osm.{compress}"
    opener = gzip.open if compress == "gz" else bz2.open
    with opener(packed, "wb") as fh:
        fh.write(plain.read_bytes())
    result = import_osm(packed, bbox=TOWN_BBOX)
    assert set(_by_id(result)) == KEPT


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError):
        import_osm(tmp_path / "nope.osm.pbf")


@pytest.mark.parametrize(
    "content",
    [b"hello, this is not OSM", b"", b'{"type": "FeatureCollection"}', b"\x00\x00\x00\x05abcde"],
)
def test_not_an_osm_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.osm.pbf"
    path.write_bytes(content)
    with pytest.raises(OsmImportError) as info:
        import_osm(path)
    assert "OpenStreetMap" in info.value.message("nl")
    assert "not an OpenStreetMap file" in info.value.message("en")


def test_truncated_pbf(tmp_path: Path) -> None:
    path = _grid_file(tmp_path / "grid.osm.pbf", n=10)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 20])
    with pytest.raises(OsmImportError, match="damaged"):
        import_osm(path)


def test_bad_bbox_and_clip(tmp_path: Path) -> None:
    path = _grid_file(tmp_path / "grid.osm.pbf", n=5)
    with pytest.raises(OsmImportError, match="empty"):
        import_osm(path, bbox=(4.4, 50.8, 4.3, 50.9))
    with pytest.raises(OsmImportError, match="four numbers"):
        import_osm(path, bbox=(4.4, 50.8, 4.3))
    with pytest.raises(OsmImportError, match="empty"):
        import_osm(path, clip=shapely.Polygon())
    with pytest.raises(OsmImportError, match="not both"):
        import_osm(path, clip=shapely.box(0, 0, 1, 1), bbox=(4.3, 50.8, 4.4, 50.9))
    with pytest.raises(OsmImportError, match="no cyclable ways"):
        import_osm(path, bbox=(3.0, 51.0, 3.1, 51.1))


def test_extract_header_box_outside_the_area(tmp_path: Path) -> None:
    header = osmium.io.Header()
    header.add_box(osmium.osm.Box(osmium.osm.Location(4.29, 50.84), osmium.osm.Location(4.4, 50.9)))
    path = tmp_path / "boxed.osm.pbf"
    with osmium.SimpleWriter(str(path), header=header) as writer:
        writer.add_node(mut.Node(id=1, location=(4.30, 50.85)))
        writer.add_node(mut.Node(id=2, location=(4.31, 50.85)))
        writer.add_way(mut.Way(id=1, nodes=[1, 2], tags={"highway": "residential"}))
    with pytest.raises(OsmImportError, match="does not cover"):
        import_osm(path, bbox=(3.0, 51.0, 3.1, 51.1))
    assert len(import_osm(path, bbox=(4.29, 50.84, 4.4, 50.9)).network.frame) == 1


# ---------------------------------------------------------------------------
# GeoPackage and command line
# ---------------------------------------------------------------------------


def test_write_gpkg_round_trip(town: Any, tmp_path: Path) -> None:
    out = tmp_path / "osm.gpkg"
    write_osm_gpkg(town, out)
    names = {str(name) for name, _ in pyogrio.list_layers(out)}
    assert names == {layer.name for layer in town.layers}
    back = gpd.read_file(out, layer=NETWORK_LAYER)
    assert back.crs.to_epsg() == 31370
    assert sorted(back["osm_id"]) == sorted(KEPT)
    assert set(back["source"]) == {OSM_ATTRIBUTION}
    info = pyogrio.read_info(out, layer=NETWORK_LAYER)
    assert info["layer_metadata"]["attribution"] == OSM_ATTRIBUTION
    with pytest.raises(OutputExistsError):
        write_osm_gpkg(town, out)
    write_osm_gpkg(town, out, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["osm.gpkg"]  # no temp files left


def test_cli_import_with_bbox(tmp_path: Path) -> None:
    src = write_osm(
        tmp_path / "town.osm.pbf", TOWN_NODES, TOWN_WAYS, TOWN_RELATIONS, TOWN_NODE_TAGS
    )
    out = tmp_path / "out.gpkg"
    bbox = ",".join(str(v) for v in TOWN_BBOX)
    result = CliRunner().invoke(cli, ["import-osm", str(src), "--out", str(out), "--bbox", bbox])
    assert result.exit_code == 0, result.output
    assert "fietssnelweg: 3 wegen" in result.output
    assert sorted(gpd.read_file(out, layer=NETWORK_LAYER)["osm_id"]) == sorted(KEPT)


def test_cli_import_clipped_to_municipalities(tmp_path: Path) -> None:
    src = _grid_file(tmp_path / "grid.osm.pbf", n=20)
    # A municipality over the grid's south-west corner, its edges halfway
    # between grid lines (the grid spacing is 0.0005°).
    sw, ne = lam(4.30025, 50.85025), lam(4.30275, 50.85275)
    gemeenten = gpd.GeoDataFrame(
        {"NISCODE": ["23088"], "NAAM": ["Vilvoorde"]},
        geometry=[shapely.box(*sw, *ne)],
        crs="EPSG:31370",
    )
    clip_file = tmp_path / "gemeenten.gpkg"
    gemeenten.to_file(clip_file, layer="gemeenten")
    area = clip_from_file(clip_file, buffer_m=100)
    assert area.area == pytest.approx(shapely.box(*sw, *ne).buffer(100).area, rel=1e-6)
    out = tmp_path / "out.gpkg"
    args = ["import-osm", str(src), "--out", str(out), "--clip-to", str(clip_file)]
    result = CliRunner().invoke(cli, [*args, "--buffer", "0"])
    assert result.exit_code == 0, result.output
    net = gpd.read_file(out, layer=NETWORK_LAYER)
    # Grid rows and columns 1..5 cross the square (ids row+1 and 20+column+1).
    assert sorted(net["osm_id"]) == [2, 3, 4, 5, 6, 22, 23, 24, 25, 26]
    assert net.geometry.within(shapely.box(*sw, *ne).buffer(0.01)).all()


def test_clip_from_a_project_file(tmp_path: Path) -> None:
    from slimmeregio.layers.model import Layer, LayerList, Project
    from slimmeregio.layers.project_file import save_project

    square = shapely.box(*lam(4.30025, 50.85025), *lam(4.30275, 50.85275))
    gemeenten = gpd.GeoDataFrame(
        {"nis": ["23088"], "naam": ["Vilvoorde"], "inwoners": [45000]},
        geometry=[square],
        crs="EPSG:31370",
    )
    woningen = gpd.GeoDataFrame(
        {"woningen": [10]}, geometry=[shapely.Point(0, 0).buffer(5000)], crs="EPSG:31370"
    )
    project = Project(
        layers=LayerList(
            [
                Layer("gemeenten", gemeenten, role=Role.MUNICIPALITIES),
                Layer("woningen", woningen, role=Role.HOUSING),  # not part of the clip
            ]
        )
    )
    path = tmp_path / "project.srp"
    save_project(project, path)
    area = clip_from_file(path, buffer_m=0)
    assert area.area == pytest.approx(square.area, rel=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bbox", "1,2,3"], "--bbox"),
        (["--bbox", "4.3,50.8,4.4,50.9", "--clip-to", "x.gpkg"], "--clip-to"),
        (["--clip-to", "missing.gpkg"], "missing.gpkg"),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    src = _grid_file(tmp_path / "grid.osm.pbf", n=3)
    out = tmp_path / "out.gpkg"
    result = CliRunner().invoke(cli, ["import-osm", str(src), "--out", str(out), *args])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("slimmeregio: fout:"), result.output
    assert message in lines[0]
    assert not out.exists()


def test_cli_not_osm_and_missing(tmp_path: Path) -> None:
    fake = tmp_path / "fake.osm.pbf"
    fake.write_text("nope")
    out = tmp_path / "out.gpkg"
    for src in (fake, tmp_path / "none.osm.pbf"):
        result = CliRunner().invoke(
            cli, ["--lang", "en", "import-osm", str(src), "--out", str(out)]
        )
        assert result.exit_code == 2
        assert result.output.startswith("slimmeregio: error:")
        assert not out.exists()


# ---------------------------------------------------------------------------
# The imported layer as a routable network
# ---------------------------------------------------------------------------


def test_imported_network_builds_the_expected_graph(tmp_path: Path) -> None:
    network = pytest.importorskip("slimmeregio.scenarios.network")
    d = 0.002
    nodes = {
        1: (4.30, 50.85), 2: (4.30 + d, 50.85), 3: (4.30 + d, 50.85 + d), 4: (4.30, 50.85 + d),
        5: (4.30 + 2 * d, 50.85), 6: (4.31, 50.86), 7: (4.31 + d, 50.86), 8: (4.30 + d, 50.85 - d),
    }  # fmt: skip
    ways = [
        (1, [1, 2, 3], {"highway": "residential"}),  # split at 2 by way 4
        (2, [3, 4], {"highway": "residential", "oneway": "yes"}),  # 3 -> 4 only
        (3, [4, 1], {"highway": "residential", "oneway": "-1"}),  # 1 -> 4 only
        (4, [2, 5], {"highway": "path", "bicycle": "yes"}),
        (5, [6, 7], {"highway": "residential"}),  # an island
        (6, [2, 8], {"highway": "footway"}),  # not for bicycles
    ]
    path = write_osm(tmp_path / "net.osm.pbf", nodes, ways)
    result = import_osm(path)
    net = network.build_network(result.network)
    xy = {nid: np.asarray(lam(*loc)) for nid, loc in nodes.items()}

    def osm_node(i: int) -> int:
        return min(xy, key=lambda nid: float(np.hypot(*(xy[nid] - net.node_xy[i]))))

    edges = {
        (osm_node(int(u)), osm_node(int(v)), bool(one), int(link))
        for u, v, one, link in zip(net.u, net.v, net.oneway, net.link_id, strict=True)
    }
    two_way = {(a, b) for a, b, one, _ in edges if not one}
    assert {frozenset(e) for e in two_way} == {
        frozenset({1, 2}),
        frozenset({2, 3}),
        frozenset({2, 5}),
        frozenset({6, 7}),
    }
    assert {(a, b, link) for a, b, one, link in edges if one} == {(3, 4, 2), (1, 4, 3)}
    assert net.n_nodes == 7
    count, labels = net.components()
    assert count == 2
    assert sorted(np.bincount(labels)) == [2, 5]
    # Stable link ids are the OSM way ids.
    assert set(np.unique(net.link_id)) == {1, 2, 3, 4, 5}


def test_region_clip_keeps_brussels_whatever_its_role() -> None:
    """The embedded region's Brussels layer has role 'other': the clip keeps its area all the same
    (commuting goes there; the engine routes to its border)."""
    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.model import ANALYSIS_CRS
    from slimmeregio.layers.osm import clip_from_file, region_clip
    from slimmeregio.layers.roles import Role

    path = Path(__file__).resolve().parents[2] / "resources" / "region.gpkg"
    layers = load_layers(path)
    brussels = next(la for la in layers if la.name == "brussel")
    assert brussels.role != Role.MUNICIPALITIES  # the case that lost Brussels
    inside = brussels.frame.to_crs(ANALYSIS_CRS).geometry.union_all().representative_point()
    assert region_clip(layers, buffer_m=0).contains(inside)
    assert clip_from_file(path).contains(inside)
    # and a polygon layer with another name (not Brussels) still does not widen the clip
    others = [la for la in layers if la.name != "brussel"]
    assert not region_clip(others, buffer_m=0).contains(inside)


def test_candidate_opportunity_layers(tmp_path: Path) -> None:
    """Schools, health care, shops and work areas become candidate opportunity layers."""
    nodes = {
        1: (4.300, 50.850), 2: (4.320, 50.850),
        10: (4.305, 50.851), 11: (4.306, 50.851), 12: (4.307, 50.851), 13: (4.308, 50.851),
        20: (4.310, 50.852), 21: (4.312, 50.852), 22: (4.312, 50.853), 23: (4.310, 50.853),
    }  # fmt: skip
    node_tags = {
        10: {"amenity": "school", "name": "Sint-Jozef"},
        11: {"amenity": "hospital", "name": "AZ"},
        12: {"shop": "supermarket", "name": "Markt"},
        13: {"shop": "jewelry"},  # not a daily shop: left out
    }
    ways = [
        (1, [1, 2], {"highway": "residential"}),
        (2, [20, 21, 22, 23, 20], {"landuse": "industrial", "name": "Industriezone"}),
    ]
    path = write_osm(tmp_path / "opp.osm.pbf", nodes, ways, node_tags=node_tags)
    result = import_osm(path)
    layers = {layer.name: layer for layer in result.pois}
    assert layers["scholen_osm"].role is Role.SCHOOLS
    assert list(layers["scholen_osm"].frame["naam"]) == ["Sint-Jozef"]
    assert layers["zorg_osm"].role is Role.HEALTH_CARE
    assert list(layers["zorg_osm"].frame["type"]) == ["ziekenhuis"]
    assert list(layers["winkels_diensten_osm"].frame["type"]) == ["supermarkt"]
    work = layers["bestemmingen_werk_osm"]
    assert work.role is Role.DESTINATIONS and work.fields["weight"] == "oppervlakte_m2"
    # The area by hand: the square's corners in Lambert 72, shoelace formula.
    xy = [lam(*nodes[n]) for n in (20, 21, 22, 23)]
    area = 0.5 * abs(
        sum(xy[i][0] * xy[(i + 1) % 4][1] - xy[(i + 1) % 4][0] * xy[i][1] for i in range(4))
    )
    assert float(work.frame["oppervlakte_m2"].iloc[0]) == pytest.approx(area, abs=0.1)
    assert 14_000 < area < 17_000  # 0.002 deg x 0.001 deg at 50.85 N
