"""Compiled loops (numba) for the walks along search trees that numpy cannot vectorise, and for gathering what bounded searches reach.

Summing each node's load into its parent, children first, is a sequential
scan: every step depends on the ones before it. In Python it costs about
30 ms per tree of 125,000 nodes, which on an address-level project (89
workplace trees per evaluation) is seconds. numba compiles the same loop,
operation for operation and in the same order, so the sums are bit for bit
those of the Python loop (``tests/scenarios/test_compiled.py`` checks it).

The gathering kernels (:func:`reach_minima`, :func:`add_access`,
:func:`covered_points`, and :mod:`compiled_legs` for public transport) replace numpy expressions over every
candidate link of every dwelling (1.5 million on an address-level project)
per search: one pass that skips the links no search reached, with the same
additions, minima and NaN rules as the numpy code, so their results are the
same bit for bit (property tests against the numpy formulas). They run
without the interpreter lock, so threads can share them.

Compiled code is cached on disk, so only the first run after an install or
an update compiles (about 4 s in all, each loop on its first use): next to
this module (``__pycache__``), or where that is not writable, and in the
installer's bundle (keyed by the executable), in numba's user-wide cache
folder. Where no folder can be written, each start compiles again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "NO_DIRECT",
    "accumulate_up",
    "add_access",
    "arc_positions",
    "CandidateRows",
    "NodeRows",
    "children_first",
    "covered_points",
    "jit",
    "node_numbers",
    "reach_minima",
]


def _accumulate(
    order: np.ndarray, pred: np.ndarray, load: np.ndarray
) -> None:  # pragma: no cover - compiled
    for k in range(order.shape[0]):
        x = order[k]
        value = load[x]
        if value != 0.0:
            load[pred[x]] += value


def _children_first(
    pred: np.ndarray, member: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    n = pred.shape[0]
    start = np.zeros(n + 1, np.int64)
    for x in range(n):
        if member[x]:
            start[pred[x] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    child = np.empty(start[n], np.int64)
    fill = start[:n].copy()
    for x in range(n):
        if member[x]:
            p = pred[x]
            child[fill[p]] = x
            fill[p] += 1
    # Breadth first from the tree's roots (the nodes that are not members),
    # each node's children in ascending order; reversed: children first.
    order = np.empty(start[n], np.int64)
    tail = 0
    for r in range(n):
        if not member[r]:
            for k in range(start[r], start[r + 1]):
                order[tail] = child[k]
                tail += 1
    head = 0
    while head < tail:
        x = order[head]
        head += 1
        for k in range(start[x], start[x + 1]):
            order[tail] = child[k]
            tail += 1
    return order[:tail][::-1].copy()


def _covered(
    dist: np.ndarray,
    nodes: np.ndarray,
    limit: float,
    e_ptr: np.ndarray,
    e_conn: np.ndarray,
    e_cost: np.ndarray,
    e_owner: np.ndarray,
    same_lo: np.ndarray,
    same_hi: np.ndarray,
    same_point: np.ndarray,
    seen: np.ndarray,
    out: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    searches = dist.shape[0]
    bounds = np.zeros(searches + 1, np.int64)
    tail = 0
    for i in range(searches):
        start = tail
        for m in range(dist.shape[1]):
            d = dist[i, m]
            if d <= limit:
                x = nodes[m]
                for e in range(e_ptr[x], e_ptr[x + 1]):
                    if e_conn[e] + (e_cost[e] + d) <= limit:
                        p = e_owner[e]
                        if not seen[p]:
                            seen[p] = True
                            out[tail] = p
                            tail += 1
        for k in range(same_lo[i], same_hi[i]):
            p = same_point[k]
            if not seen[p]:
                seen[p] = True
                out[tail] = p
                tail += 1
        for k in range(start, tail):
            seen[out[k]] = False
        bounds[i + 1] = tail
    return bounds


def _row_minima(
    dist: np.ndarray,
    nodes: np.ndarray,
    candidates: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    base_u: np.ndarray,
    base_v: np.ndarray,
    owner: np.ndarray,
    out_owner: np.ndarray,
    out_cost: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    searches = dist.shape[1]
    n_cand = candidates.shape[0]
    counts = np.zeros(searches, np.int64)
    best = np.empty(searches)
    have = np.zeros(searches, np.bool_)
    # Per node some search reached: which of the batch's searches reached it
    # (bit b: search b), read once per node instead of once per row end.
    reached = np.zeros(dist.shape[0], np.uint64)
    for k in range(nodes.shape[0]):
        x = nodes[k]
        bits = np.uint64(0)
        for b in range(searches):
            if np.isfinite(dist[x, b]):
                bits |= np.uint64(1) << np.uint64(b)
        reached[x] = bits
    one = np.uint64(1)
    i = 0
    while i < n_cand:
        o = owner[candidates[i]]
        best[:] = np.inf
        have[:] = False
        # The candidates (rows at a node some search of the batch reached),
        # ascending, so a point's rows come together.
        while i < n_cand and owner[candidates[i]] == o:
            r = candidates[i]
            x = u[r]
            y = v[r]
            bits = reached[x] | reached[y]
            b = 0
            while bits:
                if bits & one:
                    # Search b reached an end of the row (the other may be inf).
                    du = dist[x, b]
                    dv = dist[y, b]
                    a = base_u[r] + du
                    c = base_v[r] + dv
                    m = a if (a != a or a < c) else c  # numpy's minimum: NaN wins
                    m = c if c != c else m
                    best[b] = m if (m != m or m < best[b] or not have[b]) else best[b]
                    have[b] = True
                bits >>= one
                b += 1
            i += 1
        for b in range(searches):
            if have[b]:
                out_owner[b, counts[b]] = o
                out_cost[b, counts[b]] = best[b]
                counts[b] += 1
    return counts


def _add_access(
    owners: np.ndarray,
    costs: np.ndarray,
    decay: np.ndarray,
    w: float,
    thresholds: np.ndarray,
    cumulative: np.ndarray,
    potential: np.ndarray,
    best: np.ndarray,
) -> None:  # pragma: no cover - compiled
    k = best.shape[1]
    for i in range(owners.shape[0]):
        o = owners[i]
        c = costs[i]
        for t in range(thresholds.shape[0]):
            cumulative[o, t] += w * (1.0 if c <= thresholds[t] else 0.0)
        potential[o] += w * decay[i]
        if c < best[o, k - 1]:
            p = k - 1
            while p > 0 and best[o, p - 1] > c:
                best[o, p] = best[o, p - 1]
                p -= 1
            best[o, p] = c


def _mark_rows(
    nodes: np.ndarray, start: np.ndarray, at_node: np.ndarray, mark: np.ndarray
) -> None:  # pragma: no cover - compiled
    for i in range(nodes.shape[0]):
        x = nodes[i]
        for p in range(start[x], start[x + 1]):
            mark[at_node[p]] = True


def _group_by_node(
    u: np.ndarray, v: np.ndarray, start: np.ndarray, at_node: np.ndarray
) -> None:  # pragma: no cover - compiled
    # A counting sort of the rows by each end: start[x] .. start[x + 1] - 1
    # index the rows at node x (ascending), in at_node.
    n_rows = u.shape[0]
    for r in range(n_rows):
        start[u[r] + 1] += 1
        start[v[r] + 1] += 1
    for x in range(1, start.shape[0]):
        start[x] += start[x - 1]
    fill = start[:-1].copy()
    for r in range(n_rows):
        at_node[fill[u[r]]] = r
        fill[u[r]] += 1
        at_node[fill[v[r]]] = r
        fill[v[r]] += 1


def _arc_positions(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, cols: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    # The stored position of arc rows[i] -> cols[i] in a CSR matrix whose
    # columns ascend within each row: a walk along the (few) arcs of the row.
    for i in range(rows.shape[0]):
        r = rows[i]
        c = cols[i]
        p = indptr[r]
        end = indptr[r + 1]
        while p < end and indices[p] < c:
            p += 1
        out[i] = p


def jit(function: Callable[..., Any], **options: Any) -> Callable[..., Any]:
    """``function`` compiled by numba without the interpreter lock, its
    machine code cached on disk (compiled afresh each start where numba
    finds no folder it can write its cache to). ``options``: more of
    numba's (``error_model="numpy"``: a division by zero gives inf or NaN,
    as in numpy, instead of raising)."""
    from numba import njit

    try:
        return njit(cache=True, nogil=True, **options)(function)
    except RuntimeError:
        return njit(nogil=True, **options)(function)


@functools.cache
def _compiled() -> tuple[Callable[..., Any], ...]:
    """The loops compiled, on first use: importing numba (LLVM) costs about
    30 MB, which a command that never walks a tree (``info``, a refused
    file) should not pay."""
    return (
        jit(_accumulate),
        jit(_children_first),
        jit(_covered),
        jit(_row_minima),
        jit(_add_access),
        jit(_mark_rows),
        jit(_group_by_node),
        jit(_arc_positions),
    )


def covered_points(
    dist: np.ndarray,
    nodes: np.ndarray,
    limit: float,
    entries: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    same: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_points: int,
    index_type: type,
) -> tuple[np.ndarray, np.ndarray]:
    """The points within ``limit`` of each search, as sorted runs of one array.

    ``dist[i, m]``: search ``i``'s cost to network node ``nodes[m]``.
    ``entries = (ptr, conn, cost, point)``: per node ``x`` the entries
    ``ptr[x]:ptr[x + 1]``, each a point reached from ``x`` at
    ``conn + (cost + dist)`` (summed in that order). ``same = (lo, hi,
    point)``: search ``i`` also covers ``point[lo[i]:hi[i]]`` (reached
    without a node). Returns ``(points, bounds)``: search ``i`` covers
    ``points[bounds[i]:bounds[i + 1]]``, ascending, each once. Runs
    without the GIL, so threads can share the batches.
    """
    ptr, conn, cost, point = entries
    lo, hi, same_point = same
    searches = dist.shape[0]
    seen = np.zeros(n_points, np.bool_)
    # Room for every point per search; pages never written are never mapped.
    out = np.empty(max(searches * n_points, 1), index_type)
    bounds = _compiled()[2](
        np.ascontiguousarray(dist, dtype=np.float64),
        np.ascontiguousarray(nodes, dtype=np.int64),
        float(limit),
        ptr,
        conn,
        cost,
        point.astype(index_type, copy=False),
        np.ascontiguousarray(lo, dtype=np.int64),
        np.ascontiguousarray(hi, dtype=np.int64),
        same_point.astype(index_type, copy=False),
        seen,
        out,
    )
    points = out[: bounds[-1]].copy()
    # Ascending per search (numpy's sort here: numba's takes seconds to compile).
    for i in range(searches):
        points[bounds[i] : bounds[i + 1]].sort()
    return points, bounds


def children_first(pred: np.ndarray, member: np.ndarray) -> np.ndarray:
    """The ``member`` nodes of a search tree (``pred[x]``: the next node
    towards the root) in an order that lists every node before its parent.

    Unlike sorting by decreasing cost it needs no sort and stays right where
    an arc has zero cost (a parent as far from the root as its child)."""
    return _compiled()[1](
        np.ascontiguousarray(pred, dtype=np.int64), np.ascontiguousarray(member, dtype=np.bool_)
    )


def accumulate_up(order: np.ndarray, pred: np.ndarray, load: np.ndarray) -> np.ndarray:
    """``load`` with, in the sequence ``order`` (children before parents), each
    node's value added to its parent ``pred[node]``: afterwards every node
    holds the total of its subtree. Works in place on a float64 copy; returns it.
    ``order`` and ``pred`` are read as they are when int32 or int64 (a
    commuting tree keeps both as int32: no int64 copy per tree)."""
    out = np.array(load, dtype=np.float64)
    _compiled()[0](node_numbers(order), node_numbers(pred), out)
    return out


def node_numbers(values: np.ndarray) -> np.ndarray:
    """``values`` as a contiguous int32 or int64 array (copied only when it is neither)."""
    values = np.asarray(values)
    dtype = values.dtype if values.dtype in (np.int32, np.int64) else np.int64
    return np.ascontiguousarray(values, dtype=dtype)


def arc_positions(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Per arc ``rows[i] -> cols[i]`` (it must exist): its position among a
    CSR matrix's stored entries (columns ascending within each row), what a
    binary search of the sorted ``row * n + col`` keys finds, without the
    cache misses of searching 500,000 keys at random."""
    out = np.empty(len(rows), np.int64)
    _compiled()[7](
        np.ascontiguousarray(indptr),
        np.ascontiguousarray(indices),
        np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(cols, dtype=np.int64),
        out,
    )
    return out


#: ``direct`` for a destination without routes straight along a shared edge.
NO_DIRECT: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.float64))


class NodeRows:
    """The rows (candidate links of source points) at each network node, so a
    search that reached a few thousand nodes reads only the rows there."""

    def __init__(self, u: np.ndarray, v: np.ndarray, n_nodes: int) -> None:
        self.n_rows = len(u)
        self._start = np.zeros(int(n_nodes) + 1, np.int64)
        self._at_node = np.empty(2 * len(u), np.int64)
        _compiled()[6](
            np.ascontiguousarray(u, dtype=np.int64),
            np.ascontiguousarray(v, dtype=np.int64),
            self._start,
            self._at_node,
        )

    def at(self, nodes: np.ndarray, also: np.ndarray | None = None) -> np.ndarray:
        """The rows with an end at one of ``nodes`` (and the rows ``also``), ascending, each once."""
        mark = np.zeros(self.n_rows, np.bool_)
        _compiled()[5](
            np.ascontiguousarray(nodes, dtype=np.int64), self._start, self._at_node, mark
        )
        if also is not None:
            mark[also] = True
        return np.flatnonzero(mark)


class CandidateRows:
    """The candidate rows of a set of source points, as :func:`reach_minima` reads them.

    ``u, v``: the ends of each row's edge; ``base_u, base_v``: the cost from
    the row's point to each end; ``owner``: its point (of ``n_points``),
    ascending; ``n_nodes``: the network's nodes (``u, v`` below it).
    """

    def __init__(
        self,
        u: np.ndarray,
        v: np.ndarray,
        base_u: np.ndarray,
        base_v: np.ndarray,
        owner: np.ndarray,
        n_points: int,
        n_nodes: int,
    ) -> None:
        self.n_points = int(n_points)
        self.u = np.ascontiguousarray(u, dtype=np.int64)
        self.v = np.ascontiguousarray(v, dtype=np.int64)
        self.base_u = np.ascontiguousarray(base_u, dtype=np.float64)
        self.base_v = np.ascontiguousarray(base_v, dtype=np.float64)
        self.owner = np.ascontiguousarray(owner, dtype=np.int64)
        self.nodes = NodeRows(self.u, self.v, n_nodes)


#: Searches per pass of :func:`reach_minima` (the bits of a node's mask).
_MASK_BITS = 64


def reach_minima(
    dist: np.ndarray,
    rows: CandidateRows,
    direct: list[tuple[np.ndarray, np.ndarray]],
    limit: float,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per search and source point: the point's cheapest cost to the search's
    destination, within ``limit``.

    ``dist[b, x]``: search ``b``'s cost at network node ``x``. A candidate
    row (:class:`CandidateRows`) whose two ends search ``b`` did not reach
    does not count for it; otherwise it costs ``min(base_u + dist[b, u],
    base_v + dist[b, v])``. ``direct[b] = (owner, cost)`` (ascending owner):
    routes straight along a shared edge. Returns per search ``(owners,
    costs)``, ascending: each point's minimum over its counting rows and
    direct routes, those within ``limit``; a point with a NaN among them is
    left out (numpy's ``minimum`` would make its cost NaN). One pass over
    the rows at the nodes some search of the batch reached, for all its
    searches (each row only for the searches that reached one of its ends,
    read from a bit mask per node); the other rows are not read.
    """
    searches = dist.shape[0]
    if searches > _MASK_BITS:  # one bit per search in the node masks
        return [
            found
            for lo in range(0, searches, _MASK_BITS)
            for found in reach_minima(
                dist[lo : lo + _MASK_BITS], rows, direct[lo : lo + _MASK_BITS], limit
            )
        ]
    dist_t = np.ascontiguousarray(dist.T, dtype=np.float64)
    nodes = np.flatnonzero(np.isfinite(dist).any(axis=0))
    candidates = rows.nodes.at(nodes)
    cap = max(min(len(rows.owner), rows.n_points), 1)
    # Room for every point per search; pages never written are never mapped.
    owners = np.empty((searches, cap), np.int64)
    costs = np.empty((searches, cap), np.float64)
    counts = _compiled()[3](
        dist_t,
        nodes,
        candidates,
        rows.u,
        rows.v,
        rows.base_u,
        rows.base_v,
        rows.owner,
        owners,
        costs,
    )
    return [
        _with_direct(owners[b, : counts[b]], costs[b, : counts[b]], direct[b], limit)
        for b in range(searches)
    ]


def _with_direct(
    owners: np.ndarray, costs: np.ndarray, direct: tuple[np.ndarray, np.ndarray], limit: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each point's minimum over its rows (``owners``, ascending) and its direct
    routes (NaN wins, as in numpy's ``minimum``), those within ``limit``."""
    d_owner, d_cost = direct
    costs = costs.copy()
    if len(d_owner):
        at = np.searchsorted(owners, d_owner)
        found = at < len(owners)
        found[found] = owners[at[found]] == d_owner[found]
        with np.errstate(invalid="ignore"):  # a NaN cost stays NaN, as in the rows
            np.minimum.at(costs, at[found], d_cost[found])
        if not found.all():  # points reached only along their own edge
            extra_owner, first = np.unique(d_owner[~found], return_index=True)
            extra_cost = np.minimum.reduceat(d_cost[~found], first)
            at = np.searchsorted(owners, extra_owner)
            owners = np.insert(owners, at, extra_owner)
            costs = np.insert(costs, at, extra_cost)
    keep = costs <= limit
    return owners[keep], costs[keep]


def add_access(
    owners: np.ndarray,
    costs: np.ndarray,
    weight: float,
    decay: np.ndarray,
    thresholds: np.ndarray,
    into: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Add one opportunity of ``weight`` at ``costs`` from the sources ``owners``
    (each once) to ``into = (cumulative, potential, best)`` in place: per
    threshold ``weight`` where the cost is within it, ``weight * decay``
    (its decay factor per source) to the potential, and the cost among each
    source's ``k`` smallest (``best``: ascending, ``inf`` padded). The same
    operations in the same order as the numpy updates they replace, so the
    sums are the same bit for bit."""
    cumulative, potential, best = into
    _compiled()[4](
        np.ascontiguousarray(owners, dtype=np.int64),
        np.ascontiguousarray(costs, dtype=np.float64),
        np.ascontiguousarray(decay, dtype=np.float64),
        float(weight),
        np.ascontiguousarray(thresholds, dtype=np.float64),
        cumulative,
        potential,
        best,
    )
