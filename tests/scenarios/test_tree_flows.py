"""Flows along one route tree (commuting._tree_flows, compiled) against the numpy formulation it replaces, and a case by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.commuting import TreeArcs, _tree_flows
from slimmeregio.scenarios.compiled import accumulate_up, children_first


def _numpy_flows(n_edges, result, weights, arcs):  # type: ignore[no-untyped-def]
    """The array formulation the route assignment used before."""
    flow = np.zeros(n_edges)
    hit = result.dest >= 0
    w = np.where(hit, np.asarray(weights, dtype=float), 0.0)
    via = hit & (result.entry >= 0)
    src_edge = result.src_edge
    own = hit & result.src_ridden
    starts = np.flatnonzero(via & own)
    first = result.pred[result.entry[starts]]
    leaves = first >= 0
    same = np.zeros(len(starts), bool)
    if leaves.any():
        cols = result.entry[starts[leaves]]
        same[leaves] = (arcs.edge[cols] == src_edge[starts[leaves]]) & arcs.ridden[cols]
    own[starts[same]] = False
    np.add.at(flow, src_edge[own], w[own])
    load = np.zeros(len(result.dist))
    np.add.at(load, result.entry[via], w[via])
    load = accumulate_up(arcs.order, result.pred, load)
    in_tree = arcs.in_tree
    carrying = in_tree[load[in_tree] > 0]
    if len(carrying):
        rides = arcs.ridden[carrying]
        np.add.at(flow, arcs.edge[carrying][rides], load[carrying][rides])
    return flow


def _tree(rng: np.random.Generator, n: int, dtype: type):  # type: ignore[no-untyped-def]
    """A random tree rooted at node 0 over ``n`` nodes (some not in it), each
    node's arc to its parent on a random edge (shared by some nodes), some
    arcs not ridden."""
    pred = np.full(n, -9999, dtype=np.int64)
    dist = np.full(n, np.inf)
    dist[0] = 0.0
    for x in range(1, n):
        if rng.random() < 0.85:
            p = int(rng.integers(0, x))
            if np.isfinite(dist[p]):
                pred[x] = p
                dist[x] = dist[p] + float(rng.integers(0, 3))
    member = (pred >= 0) & np.isfinite(dist)
    n_edges = max(2, n // 2)
    arcs = TreeArcs(
        np.flatnonzero(member).astype(dtype),
        children_first(pred, member).astype(dtype),
        np.where(member, rng.integers(0, n_edges, n), -1).astype(dtype),
        member & (rng.random(n) < 0.8),
    )
    return pred.astype(dtype), dist, arcs, n_edges


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 60), st.integers(0, 40), st.integers(0, 2**32 - 1), st.booleans())
def test_compiled_flows_equal_the_numpy_formulation_bit_for_bit(
    n: int, ns: int, seed: int, small: bool
) -> None:
    rng = np.random.default_rng(seed)
    pred, dist, arcs, n_edges = _tree(rng, n, np.int32 if small else np.int64)
    in_tree = np.flatnonzero(np.isfinite(dist))
    entry = np.where(rng.random(ns) < 0.8, rng.choice(in_tree, ns), -1).astype(np.int64)
    dest = np.where(rng.random(ns) < 0.9, 7, -1).astype(np.int64)
    # Some sources start on the edge of their entry node's arc (a point at a node).
    src_edge = rng.integers(0, n_edges, ns).astype(np.int64)
    on_arc = (entry >= 0) & (rng.random(ns) < 0.4)
    src_edge[on_arc] = np.maximum(arcs.edge[entry[on_arc]], 0)
    result = SimpleNamespace(
        dest=dest,
        entry=entry,
        src_edge=src_edge,
        src_ridden=rng.random(ns) < 0.7,
        pred=pred,
        dist=dist,
    )
    weights = rng.random(ns) * 10.0
    weights[rng.random(ns) < 0.1] = 0.0
    got = _tree_flows(n_edges, result, weights, arcs)  # type: ignore[arg-type]
    want = _numpy_flows(n_edges, result, weights, arcs)
    assert np.array_equal(got, want)


def test_a_path_by_hand() -> None:
    """Root 0 <- 1 <- 2 (arcs on edges 0 and 1), node 3 <- 1 (edge 2, not
    ridden). Source A (weight 2) enters at 2 and rides its own edge 3;
    source B (weight 5) sits at node 1 on edge 0, which its route leaves
    by: the tree counts that edge, not the source. Source C (weight 7) has
    no destination."""
    pred = np.array([-9999, 0, 1, 1], np.int64)
    dist = np.array([0.0, 1.0, 2.0, 2.0])
    member = pred >= 0
    arcs = TreeArcs(
        np.flatnonzero(member),
        children_first(pred, member),
        np.array([-1, 0, 1, 2]),
        np.array([False, True, True, False]),
    )
    result = SimpleNamespace(
        dest=np.array([0, 0, -1]),
        entry=np.array([2, 1, 2]),
        src_edge=np.array([3, 0, 3]),
        src_ridden=np.array([True, True, True]),
        pred=pred,
        dist=dist,
    )
    flow = _tree_flows(4, result, np.array([2.0, 5.0, 7.0]), arcs)  # type: ignore[arg-type]
    # Edge 0 (1 -> 0): A and B; edge 1 (2 -> 1): A; edge 2: none; edge 3: A's own.
    assert flow.tolist() == [7.0, 2.0, 0.0, 2.0]
