"""Compiled walks along one route tree (numba, without the interpreter lock): its arcs, and the flows its sources put on them.

Commuting assigns each workplace's potential bike commuters along that
workplace's route tree (:class:`~commuting.RouteTrees`): 85 trees of up to
150,000 nodes per evaluation on an address-level project. Finding each
member's arc in the graph and summing the loads up the tree were numpy
expressions (fancy indexing, ``np.add.at``) that hold the interpreter
lock; here each is one pass with the same additions in the same order, so
the flows are the same bit for bit (``tests/scenarios/test_tree_flows.py``
compares them with the numpy formulation on random trees), and the
commuting family no longer takes turns with the access family beside it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from slimmeregio.scenarios.compiled import accumulate_up, jit, node_numbers

__all__ = ["flows_on_tree", "tree_arcs"]


def _tree_arcs(
    pred: np.ndarray,
    dist: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    arc_edge: np.ndarray,
    arc_ridden: np.ndarray,
    has_ridden: bool,
    member: np.ndarray,
    in_tree: np.ndarray,
    edge: np.ndarray,
    ridden: np.ndarray,
) -> int:  # pragma: no cover - compiled
    found = 0
    for x in range(pred.shape[0]):
        p = pred[x]
        if p < 0 or not np.isfinite(dist[x]):
            continue
        member[x] = True
        in_tree[found] = x
        found += 1
        q = indptr[p]
        end = indptr[p + 1]
        while q < end and indices[q] < x:
            q += 1
        edge[x] = arc_edge[q]
        ridden[x] = arc_ridden[q] if has_ridden else True
    return found


def _source_loads(
    dest: np.ndarray,
    entry: np.ndarray,
    src_edge: np.ndarray,
    src_ridden: np.ndarray,
    weights: np.ndarray,
    pred: np.ndarray,
    edge: np.ndarray,
    ridden: np.ndarray,
    load: np.ndarray,
    flow: np.ndarray,
) -> None:  # pragma: no cover - compiled
    ns = dest.shape[0]
    # The source's own edge carries it where the route rides part of it,
    # unless (a point at a node) the route leaves that node along the same
    # edge, which the tree counts already.
    for s in range(ns):
        if dest[s] < 0 or not src_ridden[s]:
            continue
        x = entry[s]
        if x >= 0 and pred[x] >= 0 and edge[x] == src_edge[s] and ridden[x]:
            continue
        flow[src_edge[s]] += weights[s]
    # Each source's weight enters the tree at its entry node.
    for s in range(ns):
        if dest[s] >= 0 and entry[s] >= 0:
            load[entry[s]] += weights[s]


def _arc_flows(
    load: np.ndarray,
    in_tree: np.ndarray,
    edge: np.ndarray,
    ridden: np.ndarray,
    flow: np.ndarray,
) -> None:  # pragma: no cover - compiled
    # Each node's subtree load rides the arc towards its parent.
    for i in range(in_tree.shape[0]):
        x = in_tree[i]
        if load[x] > 0 and ridden[x]:
            flow[edge[x]] += load[x]


def tree_arcs(
    pred: np.ndarray,
    dist: np.ndarray,
    matrix: Any,
    arc_edge: np.ndarray,
    arc_ridden: np.ndarray | None,
    index_type: type,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A search tree's members (a predecessor and a finite cost) and, per
    node, the edge and the ridden flag of the arc ``pred[x] -> x`` of
    ``matrix`` (a CSR matrix whose stored arcs carry ``arc_edge`` and
    ``arc_ridden``; None: every arc is ridden), in one pass: ``(member,
    in_tree, edge, ridden)``, ``in_tree`` ascending, ``edge`` -1 off the
    tree, numbers as ``index_type``. The arc is found as
    :func:`arc_positions` finds it."""
    n = len(pred)
    member = np.zeros(n, np.bool_)
    in_tree: np.ndarray = np.empty(n, dtype=index_type)
    edge: np.ndarray = np.full(n, -1, dtype=index_type)
    ridden = np.zeros(n, np.bool_)
    found = _kernels()[0](
        node_numbers(pred),
        np.ascontiguousarray(dist, dtype=np.float64),
        matrix.indptr,
        matrix.indices,
        arc_edge,
        arc_ridden if arc_ridden is not None else np.zeros(0, np.bool_),
        arc_ridden is not None,
        member,
        in_tree,
        edge,
        ridden,
    )
    return member, in_tree[:found].copy(), edge, ridden


def flows_on_tree(
    n_edges: int,
    starts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    weights: np.ndarray,
    pred: np.ndarray,
    arcs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Per edge: the weights of the sources riding one search tree to its root.

    ``starts = (dest, entry, src_edge, src_ridden)`` per source (no
    destination: -1); ``arcs = (order, in_tree, edge, ridden)`` of the tree
    (children before parents; its members; per node the edge of its arc and
    whether that arc rides a positive length). A source's weight counts on
    its own edge where its route rides part of it (unless it leaves its
    node along that same edge, which the tree counts), enters the tree at
    its entry node, is summed up children first (:func:`~compiled.accumulate_up`),
    and counts on each ridden arc that carries a positive load. One pass per
    step, the additions in source and then node order.
    """
    dest, entry, src_edge, src_ridden = starts
    order, in_tree, edge, ridden = arcs
    pred = node_numbers(pred)
    edge = node_numbers(edge)
    ridden = np.ascontiguousarray(ridden, dtype=np.bool_)
    flow = np.zeros(n_edges)
    load = np.zeros(len(pred))
    _kernels()[1](
        np.ascontiguousarray(dest, dtype=np.int64),
        np.ascontiguousarray(entry, dtype=np.int64),
        np.ascontiguousarray(src_edge, dtype=np.int64),
        np.ascontiguousarray(src_ridden, dtype=np.bool_),
        np.ascontiguousarray(weights, dtype=np.float64),
        pred,
        edge,
        ridden,
        load,
        flow,
    )
    load = accumulate_up(order, pred, load)
    _kernels()[2](load, node_numbers(in_tree), edge, ridden, flow)
    return flow


@functools.cache
def _kernels() -> tuple[Callable[..., Any], ...]:
    return jit(_tree_arcs), jit(_source_loads), jit(_arc_flows)
