"""The shortest-path kernel: scipy.sparse.csgraph on arrays, never per-run nx.

Costs are metres (``walk``: both directions of every edge) or seconds
(``bike``: edge length at its speed, one-way edges only ``u -> v``).

Multi-source nearest destination
--------------------------------
Every destination point becomes a virtual node ``D`` reached from its edge's
ends (``u -> D`` costs ``frac * fwd + connector``, ``v -> D`` costs
``(1 - frac) * bwd + connector``). One Dijkstra from all virtual nodes at
once on the *reversed* graph (``min_only=True``) gives, for every node, the
cost to its nearest destination in the travel direction, which destination
that is, and a predecessor tree pointing towards it. A source point then
takes the better of its two virtual edges (to ``u`` or ``v``), or a
destination on its own edge directly. The result equals an exact
point-to-point shortest path on the network split at every point.
The arc graphs live in :mod:`arcs`, the flows along the trees in
:mod:`tree_flows` and the single-destination searches in :mod:`reach`;
their names are importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csgraph

from slimmeregio.scenarios.arcs import EPS, ArcGraph, base_arcs, csr_min, with_destinations
from slimmeregio.scenarios.attach import Attachment, connector_cost, part_cost
from slimmeregio.scenarios.nearest_kernels import best_row_per_owner, row_costs
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.reach import iter_reach, iter_reach_chunks, point_distances, reach_from
from slimmeregio.scenarios.tree_flows import flows_to_nearest

__all__ = [
    "EPS",
    "TIE_EPS",
    "ArcGraph",
    "NearestResult",
    "NearestSearch",
    "base_arcs",
    "csr_min",
    "finish_nearest",
    "flows_to_nearest",
    "iter_reach",
    "iter_reach_chunks",
    "nearest_destination",
    "point_distances",
    "reach_from",
    "same_edge_pairs",
    "search_nearest",
    "with_destinations",
]

#: Costs of a point's candidate edges closer than this (per rank) are a tie.
TIE_EPS = 1e-9


@dataclass(frozen=True, eq=False)
class NearestResult:
    """Costs from source points to their nearest destination point.

    Attributes
    ----------
    cost
        Per source: cost (m or s) to the nearest destination, ``inf`` if none.
    dest
        Per source: index into the destination :class:`Attachment`, -1 if none.
    entry
        Per source: the node where the route enters the network tree (-1 when
        the route stays on the source's edge, or there is none).
    dist, pred
        Per node (network nodes, then one virtual node per reachable
        destination): cost to the nearest destination and the next node
        towards it (-9999 at the destinations and unreached nodes).
    graph
        The reversed :class:`ArcGraph` the search ran on.
    n_nodes
        Number of network nodes (virtual nodes follow).
    src_edge
        Per source: the edge its route starts on (the best of its candidate
        edges), -1 if none.
    src_ridden
        Per source: whether the route travels a positive length of
        ``src_edge``.
    node_dest
        Per node: the index of its nearest destination, -1 where unreached.
    """

    cost: np.ndarray
    dest: np.ndarray
    entry: np.ndarray
    dist: np.ndarray
    pred: np.ndarray
    graph: ArcGraph | None
    n_nodes: int
    src_edge: np.ndarray | None = None
    src_ridden: np.ndarray | None = None
    #: Per node: index of its nearest destination (-1 unreached); None when not searched.
    node_dest: np.ndarray | None = None


def nearest_destination(
    network: Network,
    sources: Attachment,
    dests: Attachment,
    *,
    mode: str,
    limit: float = np.inf,
) -> NearestResult:
    """Cost from every source point to its nearest destination point.

    ``limit`` (same unit as the costs) stops the search early; sources
    farther than it get ``inf``.
    """
    n = network.n_nodes
    if not dests.reachable.any() or len(sources) == 0:
        ns = len(sources)
        return NearestResult(
            np.full(ns, np.inf), np.full(ns, -1, dtype=np.int64), np.full(ns, -1, dtype=np.int64),
            np.full(n, np.inf), np.full(n, -9999), None, n,
        )  # fmt: skip
    return finish_nearest(
        network, sources, dests, search_nearest(network, dests, mode=mode, limit=limit)
    )


@dataclass(frozen=True, eq=False)
class NearestSearch:
    """One multi-source search from every destination (see :func:`search_nearest`).

    ``dist``, ``pred``: per node (network nodes, then the virtual nodes) as
    in :class:`NearestResult`; ``node_dest``: per node the index of its
    nearest destination (-1 unreached).
    """

    graph: ArcGraph
    d_ok: np.ndarray
    dist: np.ndarray
    pred: np.ndarray
    node_dest: np.ndarray
    mode: str
    limit: float


def search_nearest(
    network: Network, dests: Attachment, *, mode: str, limit: float = np.inf
) -> NearestSearch:
    """The search part of :func:`nearest_destination` (some destination must be reachable)."""
    n = network.n_nodes
    graph, d_ok = with_destinations(network, dests, mode)
    k = len(d_ok)
    dist, pred, src = csgraph.dijkstra(
        graph.matrix,
        directed=True,
        indices=np.arange(n, n + k),
        min_only=True,
        return_predecessors=True,
        limit=limit,
    )
    node_dest = np.full(len(dist), -1, dtype=np.int64)
    hit = src >= 0
    node_dest[hit] = d_ok[src[hit] - n]
    return NearestSearch(graph, d_ok, dist, pred, node_dest, mode, limit)


def finish_nearest(
    network: Network, sources: Attachment, dests: Attachment, search: NearestSearch
) -> NearestResult:
    """Per source: the best of its candidate edges on ``search`` (the second
    part of :func:`nearest_destination`; each source on its own)."""
    n = network.n_nodes
    ns = len(sources)
    mode, limit = search.mode, search.limit
    graph, dist, pred = search.graph, search.dist, search.pred
    cost = np.full(ns, np.inf)
    dest = np.full(ns, -1, dtype=np.int64)
    entry = np.full(ns, -1, dtype=np.int64)
    s_owner, flat = sources.expand_rows()
    se = flat.edge
    # Per candidate row: the cheaper end of its link (one compiled pass).
    c_cost, c_entry, c_ridden, c_dest, s_conn = row_costs(
        network, flat, mode, dist, search.node_dest
    )

    # Destinations on a source's candidate edge: direct along the edge.
    fwd, bwd = network.weights(mode)
    d_owner, d_flat = dests.expand()
    d_conn = connector_cost(network, d_flat, mode)
    s_rows, d_rows = same_edge_pairs(se, d_flat.edge)
    if len(s_rows):
        e = se[s_rows]
        f = d_flat.frac[d_rows]
        g = flat.frac[s_rows]
        along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
        direct = s_conn[s_rows] + along + d_conn[d_rows]
        # Per source row the cheapest direct pair (ties: the first destination row).
        order = np.lexsort((d_rows, direct, s_rows))
        first = order[np.r_[True, s_rows[order][1:] != s_rows[order][:-1]]]
        r, best = s_rows[first], direct[first]
        better = (best < c_cost[r]) & (best <= limit)
        r, pick = r[better], first[better]
        c_cost[r] = direct[pick]
        c_dest[r] = d_owner[d_rows[pick]]
        c_entry[r] = -1
        c_ridden[r] = d_flat.frac[d_rows[pick]] != flat.frac[r]
    # The best candidate per source. Ties: the nearest candidate (listed
    # first) wins; costs within TIE_EPS per rank count as equal, so float
    # noise does not decide which edge a route starts on.
    first = best_row_per_owner(s_owner, c_cost, TIE_EPS)
    best_owner = s_owner[first]
    cost[best_owner] = c_cost[first]
    src_edge = np.full(ns, -1, dtype=np.int64)
    src_ridden = np.zeros(ns, bool)
    hit = np.isfinite(cost)
    dest[best_owner] = c_dest[first]
    entry[best_owner] = c_entry[first]
    src_edge[best_owner] = se[first]
    src_ridden[best_owner] = c_ridden[first]
    dest[~hit] = -1
    entry[~hit] = -1
    src_edge[~hit] = -1
    if limit < np.inf:
        over = cost > limit
        cost[over] = np.inf
        dest[over] = -1
        entry[over] = -1
        src_edge[over] = -1
    return NearestResult(
        cost, dest, entry, dist, pred, graph, n, src_edge, src_ridden, search.node_dest
    )


def same_edge_pairs(a_edge: np.ndarray, b_edge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All index pairs ``(i, j)`` with ``a_edge[i] == b_edge[j]``."""
    if len(a_edge) == 0 or len(b_edge) == 0:
        z = np.zeros(0, np.int64)
        return z, z
    # Only rows of ``a`` on an edge of ``b`` (usually few) are searched.
    top = int(max(a_edge.max(), b_edge.max())) + 1
    on_b = np.zeros(top + 1, bool)
    on_b[b_edge] = True
    rows = np.flatnonzero(on_b[a_edge])
    order = np.argsort(b_edge, kind="stable")
    sorted_b = b_edge[order]
    lo = np.searchsorted(sorted_b, a_edge[rows], side="left")
    hi = np.searchsorted(sorted_b, a_edge[rows], side="right")
    count = hi - lo
    i = np.repeat(rows, count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    j = order[np.repeat(lo, count) + offset]
    return i.astype(np.int64), j.astype(np.int64)
