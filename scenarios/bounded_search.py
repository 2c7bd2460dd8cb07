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

__all__ = ["bounded_costs", "bounded_trees"]

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


@functools.cache
def _compiled() -> Callable[..., Any]:
    """The loop compiled on first use, with :mod:`search_repair`'s heap
    (module globals, as numba resolves them)."""
    global _push_c, _pop_c
    search_repair._compiled()
    _push_c = search_repair._push_c
    _pop_c = search_repair._pop_c
    return jit(_searches)


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
    arrays = (
        np.asarray(matrix.indptr),
        np.asarray(matrix.indices),
        np.asarray(matrix.data, dtype=np.float64),
    )
    search = _compiled()
    bound = float(limit)
    _split(
        len(src),
        lambda lo, hi: search(*arrays, src[lo:hi], bound, out[lo:hi], pred[lo:hi], with_pred),
    )
    return out, pred


def _split(count: int, part: Callable[[int, int], None]) -> None:
    """``part(lo, hi)`` over ``0 .. count``: two halves on two threads where allowed."""
    if count >= _SPLIT_FROM and threads_allowed():
        half = count // 2
        side_by_side(lambda: part(0, half), lambda: part(half, count), "bounded-search")
    else:
        part(0, count)
