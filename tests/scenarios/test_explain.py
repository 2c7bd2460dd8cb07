"""Explain a number: routes from a point to its nearest destinations, checked
against plain networkx on the hand-built grid of the synthetic region."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.engine import situation
from slimmeregio.scenarios.explain import CONNECTOR, explain_point, reach_of_point, route_to_nearest

from .conftest import X0, Y0, grid_lines

STEP = 200.0


def _grid_graph(speeds: dict[str, float]) -> nx.DiGraph:
    """The west village of the synthetic region, one arc per 200 m street piece
    each way, weighted by cycling seconds at its class speed."""
    g = nx.DiGraph()
    for i, line in enumerate(grid_lines()):
        klass = "bovenlokaal" if i % 5 == 0 else "lokaal"
        xy = [tuple(map(float, c)) for c in line.coords]
        for a, b in zip(xy, xy[1:], strict=False):
            t = STEP / (speeds[klass] / 3.6)
            g.add_edge(a, b, weight=t, klass=klass)
            g.add_edge(b, a, weight=t, klass=klass)
    return g


@pytest.fixture(scope="module")
def sit(small_base):
    return situation(small_base)


def test_route_to_nearest_matches_networkx_on_the_grid(sit):
    net = sit.network
    speeds = dict(sit.parameters.speeds_kmh)
    graph = _grid_graph(speeds)
    src_xy = (X0 + 5 * STEP, Y0 + 6 * STEP)
    dest_xy = [
        (X0 + 1 * STEP, Y0 + 2 * STEP),
        (X0 + 6 * STEP, Y0 + 0 * STEP),
        (X0 + 0 * STEP, Y0 + 7 * STEP),
    ]
    source = attach_points(net, np.array([src_xy]), max_snap_m=50.0)
    dests = attach_points(net, np.array(dest_xy), ids=np.array(["a", "b", "c"]), max_snap_m=50.0)
    route = route_to_nearest(net, source, dests, kind="test")
    assert route is not None
    lengths = nx.single_source_dijkstra_path_length(graph, src_xy, weight="weight")
    expected = {name: lengths[xy] for name, xy in zip("abc", dest_xy, strict=True)}
    best = min(expected, key=expected.get)
    assert route.target_id == best
    assert route.seconds == pytest.approx(expected[best], rel=1e-9)
    # the stretches add up to the cost, and to the length of networkx's path
    assert sum(s.seconds for s in route.stretches) == pytest.approx(route.seconds, rel=1e-9)
    path = nx.dijkstra_path(graph, src_xy, dest_xy["abc".index(best)], weight="weight")
    assert route.metres == pytest.approx(STEP * (len(path) - 1), rel=1e-9)
    # per link class: metres of the hand path's pieces of that class
    by_class = route.by_class()
    hand: dict[str, float] = {}
    for a, b in zip(path, path[1:], strict=False):
        k = graph.edges[a, b]["klass"]
        hand[k] = hand.get(k, 0.0) + STEP
    assert {k: round(v[0], 6) for k, v in by_class.items() if v[0] > 0} == {
        k: round(v, 6) for k, v in hand.items()
    }
    # drawn from the point to the destination
    xy = route.coords()
    assert tuple(xy[0]) == pytest.approx(src_xy)
    assert tuple(xy[-1]) == pytest.approx(dest_xy["abc".index(best)])


def test_route_on_the_points_own_edge_and_connectors(sit):
    net = sit.network
    speeds = dict(sit.parameters.speeds_kmh)
    # both 30 m off the same street piece (y = Y0 + 200), 120 m apart along it
    source = attach_points(net, np.array([[X0 + 20.0, Y0 + STEP + 30.0]]), max_snap_m=50.0)
    dests = attach_points(
        net, np.array([[X0 + 140.0, Y0 + STEP + 30.0]]), ids=np.array(["d"]), max_snap_m=50.0
    )
    route = route_to_nearest(net, source, dests, kind="test")
    assert route is not None
    connectors = [s for s in route.stretches if s.link_class == CONNECTOR]
    assert [round(s.metres, 6) for s in connectors] == [30.0, 30.0]
    assert route.metres == pytest.approx(30 + 120 + 30)
    # the street y = Y0 + 200 is grid line 2 (horizontal, row 1): lokaal
    v = speeds["lokaal"] / 3.6
    assert route.seconds == pytest.approx(180.0 / v, rel=1e-9)


def test_explain_point_gives_mobipunt_and_station_routes(sit):
    routes = explain_point(sit, X0 + 5 * STEP, Y0 + 6 * STEP)
    kinds = {r.kind: r for r in routes}
    assert set(kinds) == {"mobipunt", "station"}  # the synthetic region has no Brussels area
    assert (kinds["mobipunt"].target_id, kinds["mobipunt"].target_name) == (
        "MP-001",
        "Hoppinpunt West",
    )
    assert (kinds["station"].target_id, kinds["station"].target_name) == ("S1", "Station West")
    # a point far from any street gets no route
    assert explain_point(sit, X0 - 50_000, Y0 - 50_000) == []


def test_reach_of_point_matches_networkx(sit):
    net = sit.network
    speeds = dict(sit.parameters.speeds_kmh)
    graph = _grid_graph(speeds)
    src = (X0 + 3 * STEP, Y0 + 3 * STEP)
    limit = 60.0
    reach = reach_of_point(sit, *src, limit_s=limit)
    lengths = nx.single_source_dijkstra_path_length(graph, src, weight="weight", cutoff=limit)
    got = {
        tuple(map(float, net.node_xy[i])) for i in np.flatnonzero(np.isfinite(reach.node_seconds))
    }
    assert got == set(lengths)
    for xy, t in lengths.items():
        i = int(np.flatnonzero((net.node_xy == np.array(xy)).all(axis=1))[0])
        assert reach.node_seconds[i] == pytest.approx(t, abs=1e-6)
