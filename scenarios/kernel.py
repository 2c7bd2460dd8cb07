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
    "search_nearest",
]

#: Smallest arc weight (csgraph ignores absent entries; keep every arc positive).
EPS = 1e-9
#: Costs of a point's candidate edges closer than this (per rank) are a tie.
TIE_EPS = 1e-9


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
    #: Per stored arc: it travels a positive length of its edge (None: all do).
    ridden: np.ndarray | None = None

    def edge_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Edge numbers of arcs ``rows[i] -> cols[i]`` (must exist)."""
        return self.edge[self._pos(rows, cols)]

    def ridden_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Whether arcs ``rows[i] -> cols[i]`` travel a positive length."""
        if self.ridden is None:
            return np.ones(len(rows), bool)
        return self.ridden[self._pos(rows, cols)]

    def _pos(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n = self.matrix.shape[0]
        return np.searchsorted(self.keys, rows.astype(np.int64) * n + cols.astype(np.int64))


def csr_min(
    n: int,
    tail: np.ndarray,
    head: np.ndarray,
    w: np.ndarray,
    edge: np.ndarray | None = None,
    ridden: np.ndarray | None = None,
) -> ArcGraph:
    """CSR matrix ``n x n`` keeping the cheapest of parallel arcs, no self-loops.

    Of parallel arcs with equal weight the one with the lowest edge number is
    kept. ``ridden`` marks arcs that travel a positive length of their edge
    (default: all).
    """
    keep = np.isfinite(w) & (tail != head)
    tail, head, w = tail[keep], head[keep], w[keep]
    edge = np.zeros(len(tail), np.int64) if edge is None else edge[keep]
    ridden = np.ones(len(tail), bool) if ridden is None else ridden[keep]
    key = tail.astype(np.int64) * n + head.astype(np.int64)
    # Sort by arc only (3x faster than a lexsort with the weight); parallel
    # arcs are rare, so only their runs are put in weight order afterwards.
    order = np.argsort(key)
    ks = key[order]
    first = np.r_[True, ks[1:] != ks[:-1]] if len(ks) else np.zeros(0, bool)
    if not first.all():
        group = np.cumsum(first) - 1
        multi = np.flatnonzero(np.bincount(group)[group] > 1)
        # Equal weights: the lowest edge number (lowest link id) wins.
        order[multi] = order[multi[np.lexsort((edge[order[multi]], w[order[multi]], group[multi]))]]
    keep = order[first]
    key, t, h, ww, ee, rr = key[keep], tail[keep], head[keep], w[keep], edge[keep], ridden[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(t, minlength=n), out=indptr[1:])
    m = sparse.csr_matrix((np.maximum(ww, EPS), h.astype(np.int32), indptr), shape=(n, n))
    return ArcGraph(m, ee, key, rr)


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


def _base_reversed(network: Network, mode: str) -> ArcGraph:
    """The network's reversed arc graph for ``mode``, cached on the network."""
    key = ("reversed", mode)
    graph = network.cache.get(key)
    if graph is None:
        tail, head, w, edge = base_arcs(network, mode)
        graph = csr_min(network.n_nodes, head, tail, w, edge)
        network.cache[key] = graph
    return graph


def with_destinations(
    network: Network, dests: Attachment, mode: str, *, both_ways: bool = False
) -> tuple[ArcGraph, np.ndarray]:
    """Reversed arc graph with a virtual node per reachable destination.

    Returns the graph and the destination indices behind the virtual nodes
    ``n, n + 1, ...``. ``both_ways`` also adds a second virtual node per
    destination, ``n + k + j``, with arcs out of it (the point as a start,
    for point-to-point searches; the returned graph then has no edge
    lookup). The base part is cached on the network; only the virtual arcs
    are built per call.
    """
    n = network.n_nodes
    fwd, bwd = network.weights(mode)
    base = _base_reversed(network, mode)
    d_ok = np.flatnonzero(dests.reachable)
    k = len(d_ok)
    size = n + k
    owner, flat = dests.expand()
    vpos = np.full(len(dests), -1, dtype=np.int64)
    vpos[d_ok] = np.arange(k)
    de = flat.edge
    df = flat.frac
    dconn = connector_cost(network, flat, mode)
    vnode = n + vpos[owner]
    # Travel arcs u -> D and v -> D (one pair per candidate edge), stored
    # reversed as rows D.
    rows = np.concatenate([vnode, vnode])
    cols = np.concatenate([network.u[de], network.v[de]])
    w = np.concatenate([part_cost(df, fwd[de]) + dconn, part_cost(1 - df, bwd[de]) + dconn])
    edges = np.concatenate([de, de])
    ridden = np.concatenate([df > 0, df < 1])
    bm = base.matrix
    if not both_ways:
        extra = csr_min(size, rows, cols, w, edges, ridden)
        xm = extra.matrix
        indptr = np.concatenate([bm.indptr, bm.indptr[-1] + xm.indptr[n + 1 :]])
        matrix = sparse.csr_matrix(
            (np.concatenate([bm.data, xm.data]), np.concatenate([bm.indices, xm.indices]), indptr),
            shape=(size, size),
        )
        assert extra.ridden is not None
        return (
            ArcGraph(
                matrix,
                np.concatenate([base.edge, extra.edge]),
                np.concatenate(
                    [(base.keys // n) * size + base.keys % n if n else base.keys, extra.keys]
                ),
                np.concatenate([np.ones(len(base.edge), bool), extra.ridden]),
            ),
            d_ok,
        )
    # Leaving: a second virtual node L = D + k per point with L -> u and
    # L -> v, stored reversed in rows u and v. Separate arrive and leave
    # nodes keep routes from passing through a point between its edges.
    size = n + 2 * k
    lnode = vnode + k
    rows = np.concatenate([rows, network.u[de], network.v[de]])
    cols = np.concatenate([cols, lnode, lnode])
    w = np.concatenate([w, part_cost(df, bwd[de]) + dconn, part_cost(1 - df, fwd[de]) + dconn])
    extra = csr_min(size, rows, cols, w)
    padded = sparse.csr_matrix(
        (bm.data, bm.indices, np.r_[bm.indptr, np.full(2 * k, bm.indptr[-1])]), shape=(size, size)
    )
    matrix = (padded + extra.matrix).tocsr()
    return ArcGraph(matrix, np.zeros(0, np.int64), np.zeros(0, np.int64)), d_ok


def _source_terms(
    network: Network, sources: Attachment, mode: str
) -> tuple[np.ndarray, Attachment, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate row of ``sources``: ``(owner, flat, connector + to u,
    connector + to v, u, v)``: what does not depend on the destinations."""
    owner, flat = sources.expand()
    se = flat.edge
    conn = connector_cost(network, flat, mode)
    to_u, to_v = entry_costs(network, flat, mode)
    conn_u = np.add(conn, to_u, out=to_u)
    conn_v = np.add(conn, to_v, out=to_v)
    return owner, flat, conn_u, conn_v, network.u[se], network.v[se]


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
    s_owner, flat, pre_u, pre_v, nu, nv = _source_terms(network, sources, mode)
    se = flat.edge
    cu = pre_u + dist[nu]
    cv = pre_v + dist[nv]
    via_u = cu <= cv
    c_cost = np.where(via_u, cu, cv)
    c_entry = np.where(via_u, nu, nv)
    c_ridden = np.where(via_u, flat.frac > 0, flat.frac < 1)
    c_dest = np.full(len(se), -1, dtype=np.int64)
    c_fin = np.isfinite(c_cost)
    c_dest[c_fin] = search.node_dest[c_entry[c_fin]]

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
        s_conn = connector_cost(network, flat, mode)
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
    if len(s_owner):
        starts = np.r_[0, np.flatnonzero(s_owner[1:] != s_owner[:-1]) + 1]
        counts = np.diff(np.r_[starts, len(s_owner)])
        rank = np.arange(len(s_owner)) - np.repeat(starts, counts)
        key = c_cost + TIE_EPS * rank
        best_key = np.minimum.reduceat(key, starts)
        hits = np.flatnonzero(key == np.repeat(best_key, counts))
        first = hits[np.r_[True, s_owner[hits][1:] != s_owner[hits][:-1]]]
    else:
        first = np.zeros(0, np.int64)
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
        same[leaves] = (graph.edge_of(rows, cols) == src_edge[starts[leaves]]) & graph.ridden_of(
            rows, cols
        )
    own[starts[same]] = False
    np.add.at(flow, src_edge[own], w[own])
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
        rides = graph.ridden_of(pred[carrying], carrying)
        np.add.at(flow, edges[rides], load[carrying][rides])
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
    for which, dist in iter_reach_chunks(network, dests, mode=mode, limit=limit, batch=batch):
        for row, j in zip(dist, which, strict=True):
            yield int(j), row


def iter_reach_chunks(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(destination indices, node costs)`` per batch of reachable
    destinations: row ``i`` of the ``(batch, n_nodes)`` cost matrix holds the
    travel costs from every network node to destination ``indices[i]``
    (``inf`` beyond ``limit``). For callers that process a batch at once."""
    n = network.n_nodes
    if not dests.reachable.any():
        return
    graph, d_ok = with_destinations(network, dests, mode)
    for start in range(0, len(d_ok), batch):
        chunk = np.arange(start, min(start + batch, len(d_ok)))
        dist = csgraph.dijkstra(graph.matrix, directed=True, indices=n + chunk, limit=limit)
        yield d_ok[chunk], np.atleast_2d(dist)[:, :n]


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
    batch: int = 16,
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
    graph, d_ok = with_destinations(network, points, mode, both_ways=True)
    vnode_of = np.full(len(points), -1, dtype=np.int64)
    vnode_of[d_ok] = network.n_nodes + np.arange(len(d_ok))
    leave_of = np.where(vnode_of >= 0, vnode_of + len(d_ok), -1)
    # The reversed graph's costs from a target are the travel costs to it.
    # One bounded search per target: pairs carry their own limit.
    straight = np.hypot(*(points.xy[pairs[:, 0]] - points.xy[pairs[:, 1]]).T)
    jobs: list[
        tuple[float, int, np.ndarray, np.ndarray]
    ] = []  # (bound, target node, pair rows, source nodes)
    for t in np.unique(pairs[:, 1]):
        if vnode_of[t] < 0:
            continue
        sel = np.flatnonzero(pairs[:, 1] == t)
        src_v = leave_of[pairs[sel, 0]]
        good = src_v >= 0
        if not good.any():
            continue
        bound = limit if np.isfinite(limit) else np.inf
        if limit_factor is not None:
            bound = min(
                bound,
                limit_factor * float(straight[sel].max())
                + 2 * float(np.nanmax(points.snap_m[pairs[sel].ravel()])),
            )
        jobs.append((float(bound), int(vnode_of[t]), sel[good], src_v[good]))
    # Searches of similar bounds run together (one call per batch); a search
    # bounded higher than a target's own bound gives the same costs up to
    # it, and the costs beyond it are cut as its own search would.
    jobs.sort(key=lambda job: job[0])
    for start in range(0, len(jobs), batch):
        chunk = jobs[start : start + batch]
        rows = np.atleast_2d(
            csgraph.dijkstra(
                graph.matrix, directed=True, indices=[j[1] for j in chunk], limit=chunk[-1][0]
            )
        )
        for row, (bound, _, sel, src) in zip(rows, chunk, strict=True):
            values = row[src]
            out[sel] = np.where(values <= bound, values, np.inf)
    # Pairs sharing a candidate edge: direct along the edge can be shorter.
    owner, flat = points.expand()
    if len(owner):
        fwd, bwd = network.weights(mode)
        conn = connector_cost(network, flat, mode)
        starts = np.searchsorted(owner, np.arange(len(points)))
        ends = np.searchsorted(owner, np.arange(len(points)), side="right")
        # Every (candidate of i, candidate of j) combination of every pair.
        ni = (ends - starts)[pairs[:, 0]]
        nj = (ends - starts)[pairs[:, 1]]
        count = ni * nj
        r = np.repeat(np.arange(len(pairs)), count)
        k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        a = starts[pairs[r, 0]] + k // np.maximum(nj[r], 1)
        b = starts[pairs[r, 1]] + k % np.maximum(nj[r], 1)
        same = flat.edge[a] == flat.edge[b]
        r, a, b = r[same], a[same], b[same]
        if len(r):
            e = flat.edge[a]
            fi, fj = flat.frac[a], flat.frac[b]
            along = np.where(fj >= fi, part_cost(fj - fi, fwd[e]), part_cost(fi - fj, bwd[e]))
            np.minimum.at(out, r, conn[a] + along + conn[b])
    return out
