"""Flows along the nearest-destination trees: per edge, the weight of the routes that ride it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.compiled import accumulate_up, children_first
from slimmeregio.scenarios.network import Network

if TYPE_CHECKING:  # (the kernel imports this module)
    from slimmeregio.scenarios.kernel import NearestResult

__all__ = ["flows_to_nearest"]


def flows_to_nearest(
    network: Network, sources: Attachment, result: NearestResult, weights: np.ndarray
) -> np.ndarray:
    """Per edge: the summed ``weights`` of sources whose route rides it.

    Routes follow the predecessor tree of ``result`` (shortest path to the
    nearest destination). An edge counts a route only where the route
    travels a positive length of it: the source's own (starting) edge and
    the destination's edge count when partly travelled, a zero-length
    attachment at a node does not.
    """
    flow = np.zeros(network.n_edges)
    graph = result.graph
    if graph is None:
        return flow
    hit = result.dest >= 0
    w = np.where(hit, np.asarray(weights, dtype=float), 0.0)
    via = hit & (result.entry >= 0)
    src_edge = result.src_edge if result.src_edge is not None else sources.edge
    ridden = result.src_ridden if result.src_ridden is not None else np.ones(len(hit), bool)
    # The source's own edge carries it where the route rides part of it,
    # unless (a point at a node) the route leaves that node along the same
    # edge, which the tree counts already.
    own = hit & ridden
    starts = np.flatnonzero(via & own)
    first = result.pred[result.entry[starts]]
    leaves = first >= 0
    same = np.zeros(len(starts), bool)
    if leaves.any():
        rows, cols = first[leaves], result.entry[starts[leaves]]
        edge, ridden_arc = graph.arcs_of(rows, cols)
        same[leaves] = (edge == src_edge[starts[leaves]]) & ridden_arc
    own[starts[same]] = False
    np.add.at(flow, src_edge[own], w[own])
    n_all = len(result.dist)
    load = np.zeros(n_all)
    np.add.at(load, result.entry[via], w[via])
    pred = result.pred
    member = (pred >= 0) & np.isfinite(result.dist)
    in_tree = np.flatnonzero(member)
    order = children_first(pred, member)
    load = accumulate_up(order, pred, load)
    carrying = in_tree[load[in_tree] > 0]
    if len(carrying):
        # Travel arc x -> pred[x] is stored reversed: row pred[x], col x.
        edges, rides = graph.arcs_of(pred[carrying], carrying)
        np.add.at(flow, edges[rides], load[carrying][rides])
    return flow
