"""The csgraph kernel against plain networkx (property-based and by hand)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.kernel import (
    csr_min,
    flows_to_nearest,
    nearest_destination,
    point_distances,
)
from slimmeregio.scenarios.network import network_from_frame

from ._reference import nearest_costs, nearest_flows, pair_costs


def random_network(seed: int, n_points: int = 25, extra: int = 15, oneway_share: float = 0.3):
    """A random planar-ish network: a spanning tree of random points plus chords."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 2000, (n_points, 2)) + [150_000, 170_000]
    lines = []
    for i in range(1, n_points):
        j = int(rng.integers(0, i))
        mid = (pts[i] + pts[j]) / 2 + rng.normal(0, 40, 2)
        lines.append(shapely.LineString([pts[i], mid, pts[j]]))
    for _ in range(extra):
        i, j = rng.choice(n_points, 2, replace=False)
        lines.append(shapely.LineString([pts[i], pts[j]]))
    frame = gpd.GeoDataFrame(geometry=lines, crs=ANALYSIS_CRS)
    classes = rng.choice(
        np.array(["fietssnelweg", "bovenlokaal", "lokaal"], dtype=object), len(lines)
    )
    oneway = rng.random(len(lines)) < oneway_share
    net = network_from_frame(
        frame,
        link_class=classes,
        oneway=oneway,
        speeds_kmh={"fietssnelweg": 25.0, "bovenlokaal": 20.0, "lokaal": 16.0},
    )
    return net, rng


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000), n_dest=st.integers(1, 4), mode=st.sampled_from(["walk", "bike"])
)
def test_nearest_destination_equals_networkx(seed: int, n_dest: int, mode: str) -> None:
    net, rng = random_network(seed)
    src = attach_points(net, rng.uniform(0, 2000, (30, 2)) + [150_000, 170_000], max_snap_m=300)
    dst = attach_points(net, rng.uniform(0, 2000, (n_dest, 2)) + [150_000, 170_000], max_snap_m=300)
    res = nearest_destination(net, src, dst, mode=mode)
    ref = nearest_costs(net, src, dst, mode)
    assert np.array_equal(np.isfinite(res.cost), np.isfinite(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(res.cost[fin], ref[fin], rtol=1e-9, atol=1e-6)
    # The destination named is one at that cost.
    for k in np.flatnonzero(fin):
        assert res.dest[k] >= 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
@example(seed=5036)  # two parallel edges of equal cost
def test_flows_equal_networkx_paths(seed: int) -> None:
    """Summed route weights per edge equal those of networkx's own shortest paths."""
    net, rng = random_network(seed, oneway_share=0.0)
    src = attach_points(net, rng.uniform(0, 2000, (20, 2)) + [150_000, 170_000], max_snap_m=300)
    dst = attach_points(net, rng.uniform(0, 2000, (2, 2)) + [150_000, 170_000], max_snap_m=300)
    w = rng.integers(1, 10, len(src.ids)).astype(float)
    res = nearest_destination(net, src, dst, mode="bike")
    flow = flows_to_nearest(net, src, res, w)
    # Reference: networkx path from each source point to the nearest destination,
    # mapping every traversed sub-edge back to its network edge.
    ref = nearest_flows(net, src, dst, w, "bike")
    # Parallel edges between the same two nodes with the same cost (the random
    # network draws some) are equally short: which one a route rides is a
    # tie, so they are compared as one.
    pair = np.c_[np.minimum(net.u, net.v), np.maximum(net.u, net.v), np.round(net.time_s, 6)]
    _, group = np.unique(pair, axis=0, return_inverse=True)
    group = group.ravel()
    np.testing.assert_allclose(
        np.bincount(group, weights=flow), np.bincount(group, weights=ref), atol=1e-6
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_point_distances_equal_networkx(seed: int) -> None:
    net, rng = random_network(seed, oneway_share=0.0)
    pts = attach_points(net, rng.uniform(0, 2000, (8, 2)) + [150_000, 170_000], max_snap_m=500)
    pairs = np.array([(i, j) for i in range(8) for j in range(8) if i < j])
    got = point_distances(net, pts, pairs, mode="walk")
    ref = pair_costs(net, pts, pairs, "walk")
    assert np.array_equal(np.isfinite(got), np.isfinite(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(got[fin], ref[fin], rtol=1e-9, atol=1e-6)


def test_csr_keeps_cheapest_parallel_arc_and_drops_loops() -> None:
    g = csr_min(
        3,
        np.array([0, 0, 1, 2]),
        np.array([1, 1, 1, 0]),
        np.array([5.0, 2.0, 1.0, 0.0]),
        np.array([10, 11, 12, 13]),
    )
    m = g.matrix.toarray()
    assert m[0, 1] == 2.0
    assert m[1, 1] == 0.0  # self-loop dropped
    assert m[2, 0] > 0  # zero weight kept as a tiny positive arc
    assert list(g.edge_of(np.array([0, 2]), np.array([1, 0]))) == [11, 13]


@pytest.mark.parametrize("seed", range(4))
def test_csr_of_many_arcs_keeps_the_cheapest_of_each_parallel_run(seed, monkeypatch) -> None:
    """Large graphs take the compiled counting sort: per (tail, head) the
    cheapest arc, equal weights to the lowest edge, as a plain dict says."""
    import slimmeregio.scenarios.arcs as arcs

    rng = np.random.default_rng(seed)
    n, m = 400, 3_000
    tail = rng.integers(0, n, m)
    head = np.where(rng.random(m) < 0.5, (tail + 1) % n, rng.integers(0, n, m))
    w = rng.integers(0, 4, m).astype(float)  # many equal weights
    w[rng.random(m) < 0.05] = np.inf
    edge = rng.permutation(m)
    monkeypatch.setattr(arcs, "_COUNTING_SORT_FROM", 1)
    g = csr_min(n, tail, head, w, edge)
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for t, h, ww, e in zip(tail, head, w, edge, strict=True):
        if t != h and np.isfinite(ww):
            k = (int(t), int(h))
            best[k] = min(best.get(k, (np.inf, m)), (float(ww), int(e)))
    keys = sorted(best)
    assert g.keys.tolist() == [t * n + h for t, h in keys]
    assert g.edge.tolist() == [best[k][1] for k in keys]
    coo = g.matrix.tocoo()
    assert [(int(r), int(c)) for r, c in zip(coo.row, coo.col, strict=True)] == keys
    assert np.array_equal(coo.data, np.maximum([best[k][0] for k in keys], arcs.EPS))
    # The general sort gives the same graph.
    monkeypatch.setattr(arcs, "_COUNTING_SORT_FROM", 10**9)
    other = csr_min(n, tail, head, w, edge)
    assert np.array_equal(other.edge, g.edge) and np.array_equal(other.keys, g.keys)


def test_one_way_respected_for_cycling_not_walking() -> None:
    """A one-way link forces cyclists round; pedestrians walk it both ways."""
    a, b, c = (150_000.0, 170_000.0), (150_100.0, 170_000.0), (150_100.0, 170_300.0)
    frame = gpd.GeoDataFrame(
        geometry=[
            shapely.LineString([a, b]),  # one-way a -> b
            shapely.LineString([b, c]),
            shapely.LineString([c, (150_000.0, 170_300.0), a]),
        ],
        crs=ANALYSIS_CRS,
    )
    net = network_from_frame(
        frame, oneway=np.array([True, False, False]), speeds_kmh={"lokaal": 18.0}
    )
    src = attach_points(net, np.array([[150_100.0, 170_000.0]]), max_snap_m=10)  # at b
    dst = attach_points(net, np.array([[150_000.0, 170_000.0]]), max_snap_m=10)  # at a
    walk = nearest_destination(net, src, dst, mode="walk")
    assert walk.cost[0] == pytest.approx(100.0)
    bike = nearest_destination(net, src, dst, mode="bike")
    # b -> c -> corner -> a = 300 + 100 + 300 m at 5 m/s.
    assert bike.cost[0] == pytest.approx(700.0 / 5.0)
