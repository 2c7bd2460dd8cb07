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

Parallel arcs keep the cheapest one; weights are clamped to at least
``EPS`` because csgraph treats absent entries as "no arc".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from slimmeregio.scenarios.attach import Attachment, connector_cost, entry_costs, part_cost
from slimmeregio.scenarios.network import Network

__all__ = [
    "EPS",
    "ArcGraph",
    "NearestResult",
    "base_arcs",
    "csr_min",
    "flows_to_nearest",
    "iter_reach",
    "nearest_destination",
    "point_distances",
    "reach_from",
]

#: Smallest arc weight (csgraph ignores absent entries; keep every arc positive).
EPS = 1e-9


def base_arcs(network: Network, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Directed arcs ``(tail, head, weight, edge)`` of the network for ``mode``."""
    fwd, bwd = network.weights(mode)
    e = np.arange(network.n_edges, dtype=np.int64)
    tail = np.concatenate([network.u, network.v])
    head = np.concatenate([network.v, network.u])
    w = np.concatenate([fwd, bwd])
    edge = np.concatenate([e, e])
    keep = np.isfinite(w) & (tail != head)
    return tail[keep], head[keep], w[keep], edge[keep]


@dataclass(frozen=True, eq=False)
class ArcGraph:
    """A CSR matrix with the edge number behind each stored arc.

    ``keys`` (``row * n + col``, ascending) locate an arc; ``edge[i]`` is the
    network edge behind ``matrix.data[i]``.
    """

    matrix: sparse.csr_matrix
    edge: np.ndarray
    keys: np.ndarray

    def edge_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Edge numbers of arcs ``rows[i] -> cols[i]`` (must exist)."""
        n = self.matrix.shape[0]
        pos = np.searchsorted(self.keys, rows.astype(np.int64) * n + cols.astype(np.int64))
        return self.edge[pos]


def csr_min(
    n: int, tail: np.ndarray, head: np.ndarray, w: np.ndarray, edge: np.ndarray | None = None
) -> ArcGraph:
    """CSR matrix ``n x n`` keeping the cheapest of parallel arcs, no self-loops."""
    keep = np.isfinite(w) & (tail != head)
    tail, head, w = tail[keep], head[keep], w[keep]
    edge = np.zeros(len(tail), np.int64) if edge is None else edge[keep]
    key = tail.astype(np.int64) * n + head.astype(np.int64)
    # Sort by arc only (3x faster than a lexsort with the weight); parallel
    # arcs are rare, so only their runs are put in weight order afterwards.
    order = np.argsort(key)
    ks = key[order]
    first = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, bool)
    if not first.all():
        group = np.cumsum(first) - 1
        multi = np.flatnonzero(np.bincount(group)[group] > 1)
        order[multi] = order[multi[np.lexsort((w[order[multi]], group[multi]))]]
    keep = order[first]
    key, t, h, ww, ee = key[keep], tail[keep], head[keep], w[keep], edge[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(t, minlength=n), out=indptr[1:])
    m = sparse.csr_matrix((np.maximum(ww, EPS), h.astype(np.int32), indptr), shape=(n, n))
    return ArcGraph(m, ee, key)


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
    """

    cost: np.ndarray
    dest: np.ndarray
    entry: np.ndarray
    dist: np.ndarray
    pred: np.ndarray
    graph: ArcGraph | None
    n_nodes: int


def _base_reversed(network: Network, mode: str) -> ArcGraph:
    """The network's reversed arc graph for ``mode``, cached on the network."""
    key = ("reversed", mode)
    graph = network.cache.get(key)
    if graph is None:
        tail, head, w, edge = base_arcs(network, mode)
        graph = csr_min(network.n_nodes, head, tail, w, edge)
        network.cache[key] = graph
    return graph


def _with_destinations(
    network: Network, dests: Attachment, mode: str, *, both_ways: bool = False
) -> tuple[ArcGraph, np.ndarray]:
    """Reversed arc graph with a virtual node per reachable destination.

    Returns the graph and the destination indices behind the virtual nodes
    ``n, n + 1, ...``. ``both_ways`` also adds arcs out of the virtual nodes
    (for point-to-point searches; the returned graph then has no edge
    lookup). The base part is cached on the network; only the virtual arcs
    are built per call.
    """
    n = network.n_nodes
    fwd, bwd = network.weights(mode)
    base = _base_reversed(network, mode)
    d_ok = np.flatnonzero(dests.reachable)
    k = len(d_ok)
    size = n + k
    de = dests.edge[d_ok]
    df = dests.frac[d_ok]
    dconn = connector_cost(network, dests, mode)[d_ok]
    vnode = n + np.arange(k, dtype=np.int64)
    # Travel arcs u -> D and v -> D, stored reversed as rows D.
    rows = np.concatenate([vnode, vnode])
    cols = np.concatenate([network.u[de], network.v[de]])
    w = np.concatenate([part_cost(df, fwd[de]) + dconn, part_cost(1 - df, bwd[de]) + dconn])
    edges = np.concatenate([de, de])
    bm = base.matrix
    if not both_ways:
        extra = csr_min(size, rows, cols, w, edges)
        xm = extra.matrix
        indptr = np.concatenate([bm.indptr, bm.indptr[-1] + xm.indptr[n + 1 :]])
        matrix = sparse.csr_matrix(
            (np.concatenate([bm.data, xm.data]), np.concatenate([bm.indices, xm.indices]), indptr),
            shape=(size, size),
        )
        return (
            ArcGraph(
                matrix,
                np.concatenate([base.edge, extra.edge]),
                np.concatenate(
                    [(base.keys // n) * size + base.keys % n if n else base.keys, extra.keys]
                ),
            ),
            d_ok,
        )
    # Also D -> u and D -> v, stored reversed in rows u and v.
    rows = np.concatenate([rows, network.u[de], network.v[de]])
    cols = np.concatenate([cols, vnode, vnode])
    w = np.concatenate([w, part_cost(df, bwd[de]) + dconn, part_cost(1 - df, fwd[de]) + dconn])
    extra = csr_min(size, rows, cols, w)
    padded = sparse.csr_matrix((bm.data, bm.indices, np.r_[bm.indptr, np.full(k, bm.indptr[-1])]), shape=(size, size))
    matrix = (padded + extra.matrix).tocsr()
    return ArcGraph(matrix, np.zeros(0, np.int64), np.zeros(0, np.int64)), d_ok


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
    ns = len(sources)
    cost = np.full(ns, np.inf)
    dest = np.full(ns, -1, dtype=np.int64)
    entry = np.full(ns, -1, dtype=np.int64)
    if not dests.reachable.any() or ns == 0:
        return NearestResult(
            cost, dest, entry, np.full(n, np.inf), np.full(n, -9999), None, n
        )
    graph, d_ok = _with_destinations(network, dests, mode)
    k = len(d_ok)
    dist, pred, src = csgraph.dijkstra(
        graph.matrix,
        directed=True,
        indices=np.arange(n, n + k),
        min_only=True,
        return_predecessors=True,
        limit=limit,
    )
    ok = sources.reachable
    se = np.where(ok, sources.edge, 0)
    s_conn = connector_cost(network, sources, mode)
    to_u, to_v = entry_costs(network, sources, mode)
    nu, nv = network.u[se], network.v[se]
    cu = np.where(ok, s_conn + to_u + dist[nu], np.inf)
    cv = np.where(ok, s_conn + to_v + dist[nv], np.inf)
    via_u = cu <= cv
    cost = np.where(via_u, cu, cv)
    entry = np.where(via_u, nu, nv)
    hit = np.isfinite(cost)
    dest = np.full(ns, -1, dtype=np.int64)
    dest[hit] = d_ok[src[entry[hit]] - n]
    entry = np.where(hit, entry, -1)

    # Destinations on the source's own edge: direct along the edge.
    fwd, bwd = network.weights(mode)
    d_edge = dests.edge[d_ok]
    d_conn = connector_cost(network, dests, mode)[d_ok]
    shared = np.flatnonzero(ok & np.isin(sources.edge, d_edge))
    for j in range(len(d_ok)):
        on = shared[sources.edge[shared] == d_edge[j]]
        if len(on) == 0:
            continue
        e = d_edge[j]
        f = dests.frac[d_ok[j]]
        g = sources.frac[on]
        along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
        direct = s_conn[on] + along + d_conn[j]
        better = (direct < cost[on]) & (direct <= limit)
        hit_on = on[better]
        cost[hit_on] = direct[better]
        dest[hit_on] = d_ok[j]
        entry[hit_on] = -1
    if limit < np.inf:
        over = cost > limit
        cost[over] = np.inf
        dest[over] = -1
        entry[over] = -1
    return NearestResult(cost, dest, entry, dist, pred, graph, n)


def flows_to_nearest(
    network: Network, sources: Attachment, result: NearestResult, weights: np.ndarray
) -> np.ndarray:
    """Per edge: the summed ``weights`` of sources whose route uses it.

    Routes follow the predecessor tree of ``result`` (shortest path to the
    nearest destination). The source's own edge and the destination's edge
    count as used.
    """
    flow = np.zeros(network.n_edges)
    graph = result.graph
    if graph is None:
        return flow
    hit = result.dest >= 0
    w = np.where(hit, np.asarray(weights, dtype=float), 0.0)
    via = hit & (result.entry >= 0)
    # The source's own edge carries it, unless (a point at a node) the route
    # leaves that node along the same edge, which the tree counts already.
    own = hit.copy()
    starts = np.flatnonzero(via)
    first = result.pred[result.entry[starts]]
    leaves = first >= 0
    same = np.zeros(len(starts), bool)
    if leaves.any():
        same[leaves] = (
            graph.edge_of(first[leaves], result.entry[starts[leaves]])
            == sources.edge[starts[leaves]]
        )
    own[starts[same]] = False
    np.add.at(flow, sources.edge[own], w[own])
    n_all = len(result.dist)
    load = np.zeros(n_all)
    np.add.at(load, result.entry[via], w[via])
    pred = result.pred
    in_tree = np.flatnonzero((pred >= 0) & np.isfinite(result.dist))
    # Children before parents: decreasing cost to the destination.
    order = in_tree[np.argsort(-result.dist[in_tree], kind="stable")]
    pred_list = pred.tolist()
    load_list = load.tolist()
    for x in order.tolist():
        if load_list[x]:
            load_list[pred_list[x]] += load_list[x]
    load = np.asarray(load_list)
    carrying = in_tree[load[in_tree] > 0]
    if len(carrying):
        # Travel arc x -> pred[x] is stored reversed: row pred[x], col x.
        edges = graph.edge_of(pred[carrying], carrying)
        np.add.at(flow, edges, load[carrying])
    return flow


def iter_reach(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(destination index, node costs)`` for each reachable destination.

    Node costs are the travel costs from every network node to that
    destination (``inf`` beyond ``limit``). Searches run ``batch`` at a time,
    so memory stays bounded however many destinations there are.
    """
    n = network.n_nodes
    if not dests.reachable.any():
        return
    graph, d_ok = _with_destinations(network, dests, mode)
    for start in range(0, len(d_ok), batch):
        chunk = np.arange(start, min(start + batch, len(d_ok)))
        dist = csgraph.dijkstra(graph.matrix, directed=True, indices=n + chunk, limit=limit)
        dist = np.atleast_2d(dist)
        for row, j in zip(dist, chunk, strict=True):
            yield int(d_ok[j]), row[:n]


def reach_from(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
) -> list[np.ndarray | None]:
    """Per destination: cost from every network node to it, up to ``limit``.

    One array of ``n_nodes`` costs (``inf`` beyond ``limit``) per
    destination, None for unreachable destinations.
    """
    out: list[np.ndarray | None] = [None] * len(dests)
    for j, row in iter_reach(network, dests, mode=mode, limit=limit, batch=batch):
        out[j] = row
    return out


def point_distances(
    network: Network,
    points: Attachment,
    pairs: np.ndarray,
    *,
    mode: str,
    limit: float = np.inf,
    limit_factor: float | None = None,
) -> np.ndarray:
    """Network cost between attached points for each pair ``(i, j)``.

    Exact point-to-point costs through virtual nodes at both ends
    (``inf`` where no path within ``limit`` exists). ``limit_factor`` bounds
    each search to that many times the longest straight distance of the
    target's pairs (walking costs in metres only).
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.full(len(pairs), np.inf)
    if len(pairs) == 0 or not points.reachable.any():
        return out
    graph, d_ok = _with_destinations(network, points, mode, both_ways=True)
    vnode_of = np.full(len(points), -1, dtype=np.int64)
    vnode_of[d_ok] = network.n_nodes + np.arange(len(d_ok))
    # The reversed graph's costs from a target are the travel costs to it.
    # One bounded search per target: pairs carry their own limit.
    straight = np.hypot(*(points.xy[pairs[:, 0]] - points.xy[pairs[:, 1]]).T)
    for t in np.unique(pairs[:, 1]):
        if vnode_of[t] < 0:
            continue
        sel = np.flatnonzero(pairs[:, 1] == t)
        src_v = vnode_of[pairs[sel, 0]]
        good = src_v >= 0
        if not good.any():
            continue
        bound = limit if np.isfinite(limit) else np.inf
        if limit_factor is not None:
            bound = min(bound, limit_factor * float(straight[sel].max()) + 2 * float(
                np.nanmax(points.snap_m[pairs[sel].ravel()])
            ))
        row = csgraph.dijkstra(graph.matrix, directed=True, indices=int(vnode_of[t]), limit=bound)
        out[sel[good]] = row[src_v[good]]
    # Same-edge pairs: direct along the edge can be shorter.
    i, j = pairs[:, 0], pairs[:, 1]
    same = points.reachable[i] & points.reachable[j] & (points.edge[i] == points.edge[j])
    if same.any():
        fwd, bwd = network.weights(mode)
        conn = connector_cost(network, points, mode)
        e = points.edge[i[same]]
        fi, fj = points.frac[i[same]], points.frac[j[same]]
        along = np.where(fj >= fi, part_cost(fj - fi, fwd[e]), part_cost(fi - fj, bwd[e]))
        direct = conn[i[same]] + along + conn[j[same]]
        out[same] = np.minimum(out[same], direct)
    return out
