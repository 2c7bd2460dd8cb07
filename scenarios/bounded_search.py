"""Bounded shortest-path costs from a batch of sources, compiled and without the interpreter lock.

scipy's ``csgraph.dijkstra`` holds the interpreter lock while it searches,
so a family's searches cannot run beside another part of the evaluation
(:mod:`side_by_side`): on the 300,000-address project the opportunity,
public transport and network-summary searches waited for each other. This
is the same search, distances only, as a compiled loop (numba,
:func:`~slimmeregio.scenarios.compiled.jit`, ``nogil``) over the CSR arrays,
with the binary heap of :mod:`search_repair`; a batch's sources are split
over two threads where :func:`~side_by_side.threads_allowed` says so.

The costs are the same floating-point numbers as scipy's (the argument of
:mod:`search_repair`): with non-negative weights both compute the one
assignment in which no arc offers a node a lower cost and every cost is a
sum added from the source in path order; the order in which equal costs are
settled changes no value. ``limit`` cuts as scipy's does: an arc is relaxed
only when the cost it gives is at most ``limit``, every node beyond it
stays ``inf``. ``tests/scenarios/test_bounded_search.py`` compares both on
random graphs with ties, zero-weight arcs and limits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

from slimmeregio.scenarios import search_repair
from slimmeregio.scenarios.compiled import jit
from slimmeregio.scenarios.side_by_side import side_by_side, threads_allowed

__all__ = ["bounded_costs", "bounded_trees", "costs_to_targets"]

#: Below this many sources a batch is not split over two threads.
_SPLIT_FROM = 2


def _searches(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    sources: np.ndarray,
    limit: float,
    out: np.ndarray,
    pred: np.ndarray,
    with_pred: bool,
) -> None:  # pragma: no cover - compiled
    # One Dijkstra per source into out[b] (already inf), lazy deletion: a
    # node is pushed again when its cost falls; stale entries are skipped.
    # With predecessors (pred[b] already -9999): as scipy's, a node's
    # predecessor changes only when an arc offers it a strictly lower cost.
    cap = indices.shape[0] + 1
    keys = np.empty(cap, np.float64)
    nodes = np.empty(cap, np.int64)
    for b in range(sources.shape[0]):
        dist = out[b]
        before = pred[b]
        s = sources[b]
        dist[s] = 0.0
        size = _push_c(keys, nodes, 0, 0.0, s)
        while size > 0:
            key = keys[0]
            x = nodes[0]
            size = _pop_c(keys, nodes, size)
            if key > dist[x]:
                continue
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                new = key + data[k]
                if new <= limit and new < dist[y]:
                    dist[y] = new
                    if with_pred:
                        before[y] = x
                    size = _push_c(keys, nodes, size, new, y)


def _searches_to(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    sources: np.ndarray,
    t_ptr: np.ndarray,
    t_nodes: np.ndarray,
    limit: float,
    out: np.ndarray,
    settled: np.ndarray,
) -> None:  # pragma: no cover - compiled
    # The loop of _searches, stopped once every target of the search is
    # settled (popped at its final cost): out[k] = cost of t_nodes[k] from
    # sources[b] for t_ptr[b] <= k < t_ptr[b + 1]. One cost row is reused:
    # only the nodes a search touched are reset after it. settled[b]: the
    # nodes search b settled.
    n = indptr.shape[0] - 1
    cap = indices.shape[0] + 1
    keys = np.empty(cap, np.float64)
    nodes = np.empty(cap, np.int64)
    dist = np.full(n, np.inf)
    wanted = np.zeros(n, np.bool_)
    touched = np.empty(n, np.int64)
    for b in range(sources.shape[0]):
        # Each search's targets are distinct, and there is at least one.
        for k in range(t_ptr[b], t_ptr[b + 1]):
            wanted[t_nodes[k]] = True
        left = t_ptr[b + 1] - t_ptr[b]
        s = sources[b]
        dist[s] = 0.0
        touched[0] = s
        n_touched = 1
        size = _push_c(keys, nodes, 0, 0.0, s)
        while size > 0:
            key = keys[0]
            x = nodes[0]
            size = _pop_c(keys, nodes, size)
            if key > dist[x]:
                continue
            settled[b] += 1
            if wanted[x]:  # settled: no later arc lowers its cost
                wanted[x] = False
                left -= 1
                if left == 0:
                    break
            for k in range(indptr[x], indptr[x + 1]):
                y = indices[k]
                new = key + data[k]
                if new <= limit and new < dist[y]:
                    if dist[y] == np.inf:
                        touched[n_touched] = y
                        n_touched += 1
                    dist[y] = new
                    size = _push_c(keys, nodes, size, new, y)
        for k in range(t_ptr[b], t_ptr[b + 1]):
            t = t_nodes[k]
            out[k] = dist[t]
            wanted[t] = False
        for k in range(n_touched):
            dist[touched[k]] = np.inf


@functools.cache
def _compiled() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The loops compiled on first use, with :mod:`search_repair`'s heap
    (module globals, as numba resolves them)."""
    global _push_c, _pop_c
    search_repair._compiled()
    _push_c = search_repair._push_c
    _pop_c = search_repair._pop_c
    return jit(_searches), jit(_searches_to)


_push_c: Callable[..., int] = search_repair._push
_pop_c: Callable[..., int] = search_repair._pop


def bounded_costs(
    matrix: sparse.csr_matrix | sparse.csr_array,
    sources: Sequence[int] | np.ndarray,
    limit: float = np.inf,
) -> np.ndarray:
    """``(len(sources), n)`` costs from each source to every node of the
    directed graph ``matrix`` (row: tail, column: head, data: non-negative
    cost; one entry per arc), ``inf`` where no path costs at most ``limit``:
    ``csgraph.dijkstra(matrix, directed=True, indices=sources, limit=limit)``
    as a 2-D array, the same numbers."""
    return _run(matrix, sources, limit, with_pred=False)[0]


def bounded_trees(
    matrix: sparse.csr_matrix | sparse.csr_array,
    sources: Sequence[int] | np.ndarray,
    limit: float = np.inf,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bounded_costs` with each search's predecessors (int32, -9999 at
    the source and unreached nodes), as scipy's ``return_predecessors``
    gives them wherever the tree has no tie: a node's predecessor is the
    first node whose arc gave it its final cost, which is the in-neighbour
    of the lowest cost among those whose arcs give it exactly that cost.
    Where two such in-neighbours have the same cost, the winner depends on
    the heap, so a caller checks the tree with
    :func:`~search_repair.is_scipy_tree` (no tie: it is scipy's) and asks
    scipy otherwise."""
    return _run(matrix, sources, limit, with_pred=True)


def _run(
    matrix: sparse.csr_matrix | sparse.csr_array,
    sources: Sequence[int] | np.ndarray,
    limit: float,
    *,
    with_pred: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The searches, split over two threads where allowed: costs, and the
    predecessors (``(sources, 0)`` when not kept)."""
    src = np.atleast_1d(np.asarray(sources, dtype=np.int64))
    n = matrix.shape[0]
    out = np.full((len(src), n), np.inf)
    pred = np.full((len(src), n if with_pred else 0), -9999, dtype=np.int32)
    if len(src) == 0:
        return out, pred
    arrays = _csr_arrays(matrix)
    search = _compiled()[0]
    bound = float(limit)
    _split(
        len(src),
        lambda lo, hi: search(*arrays, src[lo:hi], bound, out[lo:hi], pred[lo:hi], with_pred),
    )
    return out, pred


def costs_to_targets(
    matrix: sparse.csr_matrix | sparse.csr_array,
    sources: Sequence[int] | np.ndarray,
    targets: Sequence[np.ndarray],
    limit: float = np.inf,
    *,
    settled: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Per source ``b``: the costs of the nodes ``targets[b]``, the numbers
    :func:`bounded_costs` gives at them (``inf`` where no path costs at most
    ``limit``), from a search that stops once every one of them is settled.

    A settled node's cost is final, and up to that point the search ran the
    same relaxations in the same order as a whole one, so the numbers are
    the same to the last bit; what it saves is the area beyond the targets.
    Directness between the centres of neighbouring municipalities, say,
    searches up to four times their straight distance to be safe, but the
    path is found at about 1.3 times it: a tenth of the area.
    ``settled`` (int64, one per source), when given, is filled with the
    number of nodes each search settled.
    """
    src = np.atleast_1d(np.asarray(sources, dtype=np.int64))
    if len(targets) != len(src):
        raise ValueError("one array of targets per source")
    count = settled if settled is not None else np.zeros(len(src), np.int64)
    count[:] = 0
    # Each search for its distinct targets; a search without any is not run.
    distinct = [np.unique(np.asarray(t, dtype=np.int64)) for t in targets]
    run = np.flatnonzero([len(t) > 0 for t in distinct])
    t_ptr = np.zeros(len(run) + 1, np.int64)
    np.cumsum([len(distinct[b]) for b in run], out=t_ptr[1:])
    t_nodes = np.concatenate([distinct[b] for b in run]) if len(run) else np.zeros(0, np.int64)
    out = np.full(len(t_nodes), np.inf)
    ran = np.zeros(len(run), np.int64)
    if len(run):
        _search_to(matrix, src[run], t_ptr, t_nodes, float(limit), out, ran)
        count[run] = ran
    found = [np.zeros(0) for _ in range(len(src))]
    for k, b in enumerate(run.tolist()):
        wanted = np.asarray(targets[b], dtype=np.int64)
        found[b] = out[t_ptr[k] : t_ptr[k + 1]][np.searchsorted(distinct[b], wanted)]
    return found


def _search_to(
    matrix: sparse.csr_matrix | sparse.csr_array,
    src: np.ndarray,
    t_ptr: np.ndarray,
    t_nodes: np.ndarray,
    bound: float,
    out: np.ndarray,
    settled: np.ndarray,
) -> None:
    """:func:`_searches_to` over the sources ``src``, split over two threads where allowed."""
    arrays = _csr_arrays(matrix)
    search = _compiled()[1]
    _split(
        len(src),
        lambda lo, hi: search(
            *arrays,
            src[lo:hi],
            t_ptr[lo : hi + 1] - t_ptr[lo],
            t_nodes[t_ptr[lo] : t_ptr[hi]],
            bound,
            out[t_ptr[lo] : t_ptr[hi]],
            settled[lo:hi],
        ),
    )


def _csr_arrays(
    matrix: sparse.csr_matrix | sparse.csr_array,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR arrays the compiled searches read: row pointers, heads, float64 costs."""
    return (
        np.asarray(matrix.indptr),
        np.asarray(matrix.indices),
        np.asarray(matrix.data, dtype=np.float64),
    )


def _split(count: int, part: Callable[[int, int], None]) -> None:
    """``part(lo, hi)`` over ``0 .. count``: two halves on two threads where allowed."""
    if count >= _SPLIT_FROM and threads_allowed():
        half = count // 2
        side_by_side(lambda: part(0, half), lambda: part(half, count), "bounded-search")
    else:
        part(0, count)
