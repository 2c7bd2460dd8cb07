"""The kernel's arc graphs: CSR matrices of a network's arcs, with virtual destination nodes.

Parallel arcs keep the cheapest one; weights are clamped to at least
``EPS`` because csgraph treats absent entries as "no arc". The reversed
graph of a network is cached on the network; :func:`with_destinations`
adds one virtual node per destination point (see :mod:`kernel`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from slimmeregio.scenarios.attach import Attachment, connector_cost, part_cost
from slimmeregio.scenarios.compiled import arc_positions, jit
from slimmeregio.scenarios.network import Network

__all__ = ["EPS", "ArcGraph", "base_arcs", "base_reversed", "csr_min", "with_destinations"]

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
    #: Per stored arc: it travels a positive length of its edge (None: all do).
    ridden: np.ndarray | None = None

    def edge_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Edge numbers of arcs ``rows[i] -> cols[i]`` (must exist)."""
        return self.edge[self.positions(rows, cols)]

    def ridden_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Whether arcs ``rows[i] -> cols[i]`` travel a positive length."""
        if self.ridden is None:
            return np.ones(len(rows), bool)
        return self.ridden[self.positions(rows, cols)]

    def arcs_of(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`edge_of` and :meth:`ridden_of` with one lookup of the arcs."""
        pos = self.positions(rows, cols)
        ridden = np.ones(len(rows), bool) if self.ridden is None else self.ridden[pos]
        return self.edge[pos], ridden

    def positions(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Where arcs ``rows[i] -> cols[i]`` (they must exist) are stored."""
        if len(rows) < 10_000:  # not worth loading the compiled loops
            n = self.matrix.shape[0]
            return np.searchsorted(self.keys, rows.astype(np.int64) * n + cols.astype(np.int64))
        return arc_positions(self.matrix.indptr, self.matrix.indices, rows, cols)


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
    keep = _cheapest_arcs(n, tail, head, w, edge, key)
    key, t, h, ww, ee, rr = key[keep], tail[keep], head[keep], w[keep], edge[keep], ridden[keep]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(t, minlength=n), out=indptr[1:])
    m = sparse.csr_matrix((np.maximum(ww, EPS), h.astype(np.int32), indptr), shape=(n, n))
    return ArcGraph(m, ee, key, rr)


def _cheapest_arcs(
    n: int, tail: np.ndarray, head: np.ndarray, w: np.ndarray, edge: np.ndarray, key: np.ndarray
) -> np.ndarray:
    """Per arc ``tail -> head`` in ascending (tail, head) order, the position
    of the cheapest of its parallel arcs (equal weights: the lowest edge)."""
    if len(tail) >= _COUNTING_SORT_FROM and n > 0:
        # A counting sort by tail, each node's few arcs then in order
        # (linear; the general sort of 400,000 keys takes 50 ms).
        degree = np.bincount(tail, minlength=n)
        if int(degree.max()) <= _MAX_DEGREE:
            start = np.zeros(n + 1, np.int64)
            np.cumsum(degree, out=start[1:])
            out = np.empty(len(tail), np.int64)
            kept = _compiled_cheapest()(tail, head, w, edge, start, out)
            return out[:kept]
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
    return order[first]


#: Arc counts from which :func:`_cheapest_arcs` sorts by counting (below, not
#: worth loading the compiled loop), and the largest out-degree it sorts so.
_COUNTING_SORT_FROM = 50_000
_MAX_DEGREE = 64


def _cheapest(
    tail: np.ndarray,
    head: np.ndarray,
    w: np.ndarray,
    edge: np.ndarray,
    start: np.ndarray,
    out: np.ndarray,
) -> int:  # pragma: no cover - compiled
    # start[r] .. start[r + 1] - 1: the slots of node r's arcs (by tail).
    n = start.shape[0] - 1
    fill = start[:n].copy()
    order = np.empty(tail.shape[0], np.int64)
    for i in range(tail.shape[0]):
        order[fill[tail[i]]] = i
        fill[tail[i]] += 1
    kept = 0
    for r in range(n):
        a = start[r]
        b = start[r + 1]
        # Insertion sort of the node's arcs by (head, weight, edge).
        for p in range(a + 1, b):
            x = order[p]
            q = p - 1
            while q >= a:
                y = order[q]
                if head[y] < head[x] or (
                    head[y] == head[x] and (w[y] < w[x] or (w[y] == w[x] and edge[y] <= edge[x]))
                ):
                    break
                order[q + 1] = y
                q -= 1
            order[q + 1] = x
        for p in range(a, b):
            if p == a or head[order[p]] != head[order[p - 1]]:
                out[kept] = order[p]
                kept += 1
    return kept


@functools.cache
def _compiled_cheapest() -> Callable[..., int]:
    """:func:`_cheapest` compiled on first use (see :func:`compiled._compiled`)."""
    return jit(_cheapest)


def base_reversed(network: Network, mode: str) -> ArcGraph:
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
    base = base_reversed(network, mode)
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
