"""Building the network from line layers, and attaching points to it."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from slimmeregio.layers.errors import EmptyLayerError
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.kernel import nearest_destination
from slimmeregio.scenarios.network import build_network, network_from_frame, parse_bool

X, Y = 150_000.0, 170_000.0


def frame(lines, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=lines, crs=ANALYSIS_CRS)


def test_ends_within_tolerance_merge_and_shared_vertices_split() -> None:
    lines = [
        shapely.LineString([(X, Y), (X + 100, Y), (X + 200, Y)]),
        # ends 0.4 m from the first line's end: merged at 1 m tolerance
        shapely.LineString([(X + 200.4, Y), (X + 300, Y)]),
        # crosses the first line at its interior vertex (X+100, Y): split there
        shapely.LineString([(X + 100, Y - 50), (X + 100, Y), (X + 100, Y + 50)]),
        # crosses the first line WITHOUT a shared vertex: a bridge, not connected
        shapely.LineString([(X + 150, Y - 50), (X + 150, Y + 50)]),
    ]
    net = network_from_frame(frame(lines))
    r = net.report
    assert r.ends_merged == 2  # both ends moved onto their shared mean node
    assert r.split_vertices == 2  # (X+100, Y) on both lines
    # Edges: line 1 split in two, line 2, line 3 split in two, line 4.
    assert net.n_edges == 6
    assert r.components == 2  # the bridge is its own island
    assert sorted(r.component_sizes) == [2, 6]
    assert net.length.sum() == pytest.approx(200 + 99.6 + 100 + 100, abs=0.5)


def test_parallel_links_and_multilines_kept() -> None:
    a, b = (X, Y), (X + 100, Y)
    lines = [
        shapely.LineString([a, b]),
        shapely.LineString([a, (X + 50, Y + 40), b]),
        shapely.MultiLineString([[b, (X + 200, Y)], [(X + 200, Y), (X + 300, Y)]]),
    ]
    net = network_from_frame(frame(lines), link_id=np.array([7, 8, 9]))
    assert net.n_edges == 4
    assert sorted(net.link_id.tolist()) == [7, 8, 9, 9]
    g = net.to_networkx()
    assert isinstance(g, nx.MultiGraph)
    e7 = int(np.flatnonzero(net.link_id == 7)[0])
    assert g.number_of_edges(int(net.u[e7]), int(net.v[e7])) == 2
    # The cheapest of the parallel links is what a path uses.
    src = attach_points(net, np.array([a]), max_snap_m=5)
    dst = attach_points(net, np.array([b]), max_snap_m=5)
    assert nearest_destination(net, src, dst, mode="walk").cost[0] == pytest.approx(100.0)


def test_speed_rules_and_layer_fields() -> None:
    lines = [
        shapely.LineString([(X, Y), (X + 100, Y)]),
        shapely.LineString([(X + 100, Y), (X + 200, Y)]),
    ]
    data = frame(
        lines,
        klasse=["Fietssnelweg", "eigen klasse"],
        snelheid=[30.0, 12.0],
        ow=["ja", "nee"],
        id=[5, 6],
    )
    layer = Layer(
        "net",
        data,
        Role.BIKE_NETWORK,
        {"link_class": "klasse", "speed": "snelheid", "oneway": "ow", "id": "id"},
    )
    net = build_network(layer, speeds_kmh={"fietssnelweg": 25.0, "overig": 14.0})
    by_id = dict(zip(net.link_id.tolist(), net.speed_kmh.tolist(), strict=True))
    # Known class: the parameters' speed; unknown class: the layer's own speed.
    assert by_id == {5: 25.0, 6: 12.0}
    assert net.oneway.tolist() == [True, False]
    faster = net.with_speeds({"fietssnelweg": 20.0})
    assert faster.speed_kmh[0] == 20.0 and net.speed_kmh[0] == 25.0


def test_empty_layer_is_a_clear_error() -> None:
    layer = Layer("leeg", frame([shapely.LineString()]), Role.BIKE_NETWORK, {})
    with pytest.raises(EmptyLayerError):
        build_network(layer)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ja", True),
        ("Nee", False),
        (1, True),
        (0.0, False),
        (None, False),
        (float("nan"), False),
        ("yes", True),
    ],
)
def test_parse_bool(value, expected) -> None:
    assert parse_bool(value) is expected


def test_attach_point_mid_link_by_hand() -> None:
    """A point 30 m beside the middle of a 200 m link: 100 m each way plus 30 m."""
    net = network_from_frame(frame([shapely.LineString([(X, Y), (X + 200, Y)])]))
    att = attach_points(
        net, np.array([[X + 100, Y + 30], [X + 50, Y + 900]]), ["a", "b"], max_snap_m=500
    )
    assert att.edge.tolist() == [0, -1]
    assert att.frac[0] == pytest.approx(0.5)
    assert att.snap_m[0] == pytest.approx(30.0)
    # Unreachable, reported with its real distance, never dropped.
    assert att.snap_m[1] == pytest.approx(900.0)
    assert att.ids.tolist() == ["a", "b"]
    dst = attach_points(net, np.array([[X + 200, Y]]), max_snap_m=10)
    res = nearest_destination(net, att, dst, mode="walk")
    assert res.cost[0] == pytest.approx(30.0 + 100.0)
    assert np.isinf(res.cost[1])


def test_attach_nearest_link_not_nearest_node() -> None:
    """The nearest node is 140 m away, the nearest link 10 m: the link wins."""
    lines = [
        shapely.LineString([(X, Y), (X + 300, Y)]),
        shapely.LineString([(X, Y + 150), (X + 10, Y + 150)]),
    ]
    net = network_from_frame(frame(lines))
    att = attach_points(net, np.array([[X + 150, Y + 10]]), max_snap_m=200)
    assert att.snap_m[0] == pytest.approx(10.0)
    assert net.length[att.edge[0]] == pytest.approx(300.0)


@pytest.mark.parametrize(
    "values",
    [
        ["1", "2", "007"],
        ["-4", "5", "9007199254740993"],
        ["1", "x"],
        ["1.0", "2"],
        [" 3", "4"],
        ["+5", "6"],
        ["1", None],
        ["99999999999999999999"],
        ["1e3"],
        ["3", "3"],
    ],
)
def test_link_ids_read_as_pandas_reads_them(values) -> None:
    """The Arrow shortcut for text ids gives what pd.to_numeric decides, every case."""
    import pandas as pd

    from slimmeregio.scenarios.network import link_ids_of

    frame = gpd.GeoDataFrame(
        {"osm_id": pd.Series(values, dtype="str")},
        geometry=[shapely.LineString([(i, 0), (i, 1)]) for i in range(len(values))],
        crs=ANALYSIS_CRS,
    )
    layer = Layer("net", frame, Role.BIKE_NETWORK, {"id": "osm_id"})
    numbers = pd.to_numeric(frame["osm_id"], errors="coerce")
    usable = (
        numbers.notna().all()
        and numbers.is_unique
        and (numbers == numbers.round()).all()
        and (numbers.abs() < 2.0**63).all()
    )
    expected = numbers.to_numpy(dtype=np.int64) if usable else np.arange(len(values))
    got = link_ids_of(layer)
    assert got.dtype == np.int64 and got.tolist() == expected.tolist()


def test_points_land_in_the_first_municipality_that_holds_them() -> None:
    """Against a plain per-point shapely test: inside, on a shared border (the
    layer's first), outside every municipality (the layer's own value kept)."""
    from slimmeregio.scenarios.inputs import _locate

    munis = gpd.GeoDataFrame(
        {"nis": ["A", "B"], "name": ["Aa", "Bb"]},
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
        crs=ANALYSIS_CRS,
    )
    rng = np.random.default_rng(7)
    xy = np.vstack([rng.uniform(-5, 25, (300, 2)), [[10, 5], [0, 0], [20, 10], [30, 30]]])
    pts = shapely.points(xy)
    pts[3] = None
    own = np.asarray([f"own{i}" for i in range(len(pts))], dtype=object)
    nis, names = _locate(pts, munis, own, own)
    for i, p in enumerate(pts):
        hit = [k for k, g in enumerate(munis.geometry) if p is not None and g.intersects(p)]
        assert nis[i] == (munis["nis"].iloc[hit[0]] if hit else own[i])
        assert names[i] == (munis["name"].iloc[hit[0]] if hit else own[i])
    assert nis[-4] == "A"  # on the border of A and B: the first
