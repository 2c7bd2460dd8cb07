"""Repair a kept shortest-path search for an edited graph, exactly as scipy would redo it.

A scenario's edits change the costs of a few arcs; a search kept from the
base (distance and predecessor per node) changes only where those arcs lead.
:func:`repair_search` brings such a search up to date on the edited graph
without searching it all again (dynamic single-source shortest paths):

1. **Invalidate.** A node keeps its cost only if the arc from its
   predecessor still exists and still gives exactly that cost, and its
   predecessor keeps its cost too: every node below a broken arc (a closed
   link, a slower one, a moved destination) loses its cost.
2. **Search again from the border.** Every arc that now offers a node a
   strictly lower cost than it has (the arcs into the invalidated nodes, an
   added link, a faster one) seeds a heap; Dijkstra runs from there, and
   only through the nodes whose costs fall.
3. **Predecessors as scipy chooses them.** scipy's Dijkstra relaxes an arc
   only when it is strictly cheaper, and finalises nodes by ascending cost,
   so a node's predecessor is, among the in-arcs that give its cost exactly,
   the one from the node of the lowest cost. That rule sets the
   predecessors wherever they can differ from the kept ones: the nodes
   whose costs changed, their out-neighbours and the nodes the edits
   touched (every node when nothing is known of the kept search). Where
   two such nodes have the same cost (a tie whose winner depends on scipy's
   heap), the repair returns False and the caller searches again with
   scipy: the result is then scipy's, as it is everywhere else.

The first two steps look only at the nodes the edits touched (the
*suspects*, the heads of every changed arc) and at the nodes whose costs
change; a kept search whose predecessors follow the rule without a tie
(:func:`is_scipy_tree`, checked once when it is kept) is then repaired in
time bounded by the change, not by the graph.

The costs are the same floating-point numbers as scipy's: both are the one
assignment in which no arc offers a lower cost and every cost is the sum,
added from the root in path order, along a path (``tests/scenarios/
test_search_repair.py`` compares repairs with scipy on random graphs and
edits, and the engine's equivalence tests compare whole evaluations).

The loops are compiled (numba, :func:`~slimmeregio.scenarios.compiled.jit`)
and run without the interpreter lock.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import sparse

from slimmeregio.scenarios.compiled import jit

__all__ = ["is_scipy_tree", "repair_search", "roots_of", "transposed"]

_NONE = -9999  # scipy's predecessor of a root or an unreached node


def _canonical(
    t_indptr: np.ndarray,
    t_indices: np.ndarray,
    t_data: np.ndarray,
    dist: np.ndarray,
    x: int,
) -> int:  # pragma: no cover - compiled
    # scipy's predecessor of reached non-root node x: among the in-arcs giving
    # its cost exactly, the one from the node of the lowest cost; -1 where
    # two such nodes tie (or none does).
    dx = dist[x]
    best = np.inf
    who = -1
    count = 0
    for k in range(t_indptr[x], t_indptr[x + 1]):
        u = t_indices[k]
        du = dist[u]
        if du + t_data[k] != dx:
            continue
        if du < best:
            best = du
            who = u
            count = 1
        elif du == best and u != who:
            count += 1
    return who if count == 1 else -1


def _push(
    keys: np.ndarray, nodes: np.ndarray, size: int, key: float, node: int
) -> int:  # pragma: no cover - compiled
    i = size
    keys[i] = key
    nodes[i] = node
    while i > 0:
        up = (i - 1) >> 1
        if keys[up] <= keys[i]:
            break
        keys[up], keys[i] = keys[i], keys[up]
        nodes[up], nodes[i] = nodes[i], nodes[up]
        i = up
    return size + 1


def _pop(keys: np.ndarray, nodes: np.ndarray, size: int) -> int:  # pragma: no cover - compiled
    # Removes the root (read keys[0], nodes[0] before calling); returns the new size.
    size -= 1
    keys[0] = keys[size]
    nodes[0] = nodes[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        small = left
        if left + 1 < size and keys[left + 1] < keys[left]:
            small = left + 1
        if keys[i] <= keys[small]:
            break
        keys[small], keys[i] = keys[i], keys[small]
        nodes[small], nodes[i] = nodes[i], nodes[small]
        i = small
    return size


def _lose_costs(
    indptr: np.ndarray,
    indices: np.ndarray,
    t_indptr: np.ndarray,
    t_indices: np.ndarray,
    t_data: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    is_root: np.ndarray,
    suspects: np.ndarray,
    moved: np.ndarray,
    is_moved: np.ndarray,
) -> int:  # pragma: no cover - compiled
    # Step 1: the suspects whose tree arc broke, then their subtrees
    # (children found along their parent's out-arcs), lose their costs; they
    # are listed in moved. Returns how many.
    stack = np.empty(dist.shape[0], np.int64)
    top = 0
    for i in range(suspects.shape[0]):
        x = suspects[i]
        if is_root[x] or is_moved[x] or not dist[x] < np.inf:
            continue
        u = pred[x]
        ok = False
        if u >= 0 and dist[u] < np.inf:
            for k in range(t_indptr[x], t_indptr[x + 1]):
                if t_indices[k] == u:
                    ok = dist[u] + t_data[k] == dist[x]
                    break
        if not ok:
            is_moved[x] = True
            stack[top] = x
            top += 1
    n_moved = 0
    while top > 0:
        top -= 1
        x = stack[top]
        moved[n_moved] = x
        n_moved += 1
        for k in range(indptr[x], indptr[x + 1]):
            c = indices[k]
            if not is_moved[c] and pred[c] == x and not is_root[c] and dist[c] < np.inf:
                is_moved[c] = True
                stack[top] = c
                top += 1
    for i in range(n_moved):
        dist[moved[i]] = np.inf
        pred[moved[i]] = _NONE
    return n_moved


def _search_again(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    t_indptr: np.ndarray,
    t_indices: np.ndarray,
    t_data: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    suspects: np.ndarray,
    moved: np.ndarray,
    is_moved: np.ndarray,
    lost: int,
    limit: float,
) -> int:  # pragma: no cover - compiled
    # Step 2: every arc offering a node a strictly lower cost seeds the heap:
    # the arcs into the nodes that lost their costs and into the suspects (an
    # added or cheaper arc leads into one). Then Dijkstra through the nodes
    # whose costs fall; each is added to moved. Returns how many moved.
    n = dist.shape[0]
    cap = indices.shape[0] + 2 * n + 1
    keys = np.empty(cap, np.float64)
    nodes = np.empty(cap, np.int64)
    size = 0
    n_moved = lost
    for i in range(lost + suspects.shape[0]):
        x = moved[i] if i < lost else suspects[i - lost]
        improved = False
        for k in range(t_indptr[x], t_indptr[x + 1]):
            new = dist[t_indices[k]] + t_data[k]
            if new <= limit and new < dist[x]:
                dist[x] = new
                pred[x] = t_indices[k]
                improved = True
        if improved:
            if not is_moved[x]:
                is_moved[x] = True
                moved[n_moved] = x
                n_moved += 1
            size = _push_c(keys, nodes, size, dist[x], x)
    while size > 0:
        key = keys[0]
        x = nodes[0]
        size = _pop_c(keys, nodes, size)
        if key > dist[x]:
            continue  # a stale entry: x got a lower cost after it was pushed
        for k in range(indptr[x], indptr[x + 1]):
            y = indices[k]
            new = key + data[k]
            if new <= limit and new < dist[y]:
                dist[y] = new
                pred[y] = x
                if not is_moved[y]:
                    is_moved[y] = True
                    moved[n_moved] = y
                    n_moved += 1
                size = _push_c(keys, nodes, size, new, y)
    return n_moved


def _settle(
    indptr: np.ndarray,
    indices: np.ndarray,
    t_indptr: np.ndarray,
    t_indices: np.ndarray,
    t_data: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    is_root: np.ndarray,
    nodes: np.ndarray,
    is_listed: np.ndarray,
) -> bool:  # pragma: no cover - compiled
    # Step 3: scipy's predecessors where they can differ from the kept ones:
    # the listed nodes and their out-neighbours. False at a tie.
    count = nodes.shape[0]
    todo = np.empty(dist.shape[0], np.int64)
    todo[:count] = nodes
    for i in range(count):
        x = nodes[i]
        for k in range(indptr[x], indptr[x + 1]):
            y = indices[k]
            if not is_listed[y]:
                is_listed[y] = True
                todo[count] = y
                count += 1
    for i in range(count):
        x = todo[i]
        if is_root[x] or not dist[x] < np.inf:
            pred[x] = _NONE
            continue
        who = _canonical_c(t_indptr, t_indices, t_data, dist, x)
        if who < 0:
            return False
        pred[x] = who
    return True


def _is_scipy_tree(
    t_indptr: np.ndarray,
    t_indices: np.ndarray,
    t_data: np.ndarray,
    dist: np.ndarray,
    pred: np.ndarray,
    is_root: np.ndarray,
) -> bool:  # pragma: no cover - compiled
    # Every reached non-root node's predecessor is the canonical one, without ties.
    for x in range(dist.shape[0]):
        if is_root[x] or not dist[x] < np.inf:
            continue
        if _canonical_c(t_indptr, t_indices, t_data, dist, x) != pred[x]:
            return False
    return True


def _roots_of(
    pred: np.ndarray, is_root: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    # Per node the root its predecessors lead to (-1: none), each path walked once.
    n = pred.shape[0]
    path = np.empty(n, np.int64)
    for start in range(n):
        if out[start] != -2:
            continue
        top = 0
        x = start
        while out[x] == -2 and not is_root[x] and pred[x] >= 0:
            out[x] = -3  # on this path
            path[top] = x
            top += 1
            x = pred[x]
        if is_root[x]:
            found = x
        elif out[x] >= 0:
            found = out[x]
        else:
            found = -1  # unreached, or a cycle
        if out[x] == -2:  # a root or a node without predecessor (not on the path: -3)
            out[x] = found
        while top > 0:
            top -= 1
            out[path[top]] = found


@functools.cache
def _compiled() -> tuple[Callable[..., Any], ...]:
    """The loops compiled on first use (see :func:`compiled._compiled`); the
    helpers they call first, as the module globals numba resolves them by."""
    global _push_c, _pop_c, _canonical_c
    _push_c = jit(_push)
    _pop_c = jit(_pop)
    _canonical_c = jit(_canonical)
    return (
        jit(_lose_costs),
        jit(_search_again),
        jit(_settle),
        jit(_is_scipy_tree),
        jit(_roots_of),
    )


_push_c: Callable[..., int] = _push
_pop_c: Callable[..., int] = _pop
_canonical_c: Callable[..., int] = _canonical


def transposed(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``matrix``'s arcs by head (row ``x``: the arcs into ``x``), as CSR
    arrays: what :func:`repair_search` reads besides the matrix. Compute it
    once per graph when repairing several searches on it."""
    t = sparse.csr_matrix(matrix.T)
    return t.indptr, t.indices, np.asarray(t.data, dtype=np.float64)


def repair_search(
    matrix: sparse.csr_matrix,
    dist: np.ndarray,
    pred: np.ndarray,
    roots: np.ndarray,
    *,
    limit: float = np.inf,
    by_head: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    suspects: np.ndarray | None = None,
) -> bool:
    """Bring a kept search up to date on ``matrix``, in place.

    ``dist`` and ``pred`` (float64, int32 or int64) hold a search's costs
    and predecessors on ``matrix``'s node numbering (nodes it did not reach:
    inf and -9999; the predecessors form a forest, as any search's do),
    ``roots`` the nodes it starts from (cost 0), ``limit``
    the cost beyond which nodes stay unreached, as ``scipy.sparse.csgraph.
    dijkstra(matrix, indices=roots, min_only=True, limit=limit,
    return_predecessors=True)``. Afterwards they equal what that call
    returns: True. False where scipy's answer depends on its heap (a tie);
    the arrays are then unusable. ``by_head``: :func:`transposed` of
    ``matrix``, when already computed.

    ``suspects``: when the kept search is scipy's on a graph that differs
    from ``matrix`` only in arcs into these nodes (every arc added, removed
    or re-costed leads into one), with the same roots, and
    :func:`is_scipy_tree` holds for it, the work is bounded by the nodes
    whose costs change rather than by the graph. None: nothing is assumed
    of the kept search (every node is checked).
    """
    lose, search, settle = _compiled()[:3]
    indptr, indices = matrix.indptr, matrix.indices
    data = np.asarray(matrix.data, dtype=np.float64)
    t_indptr, t_indices, t_data = transposed(matrix) if by_head is None else by_head
    by_tail = indptr, indices
    by_head3 = t_indptr, t_indices, t_data
    n = len(dist)
    is_root = np.zeros(n, bool)
    is_root[roots] = True
    dist[roots] = 0.0
    pred[roots] = _NONE
    suspect = np.arange(n) if suspects is None else np.asarray(suspects, dtype=np.int64)
    moved = np.empty(n, np.int64)  # the nodes whose costs change, as they do
    is_moved = np.zeros(n, bool)
    lost = lose(*by_tail, *by_head3, dist, pred, is_root, suspect, moved, is_moved)
    n_moved = search(
        *by_tail, data, *by_head3, dist, pred, suspect, moved, is_moved, lost, float(limit)
    )
    if suspects is None:  # nothing assumed: every node
        listed = np.arange(n)
        is_listed = np.ones(n, bool)
    else:
        listed = np.unique(np.concatenate([moved[:n_moved], suspect]))
        is_listed = np.zeros(n, bool)
        is_listed[listed] = True
    return bool(settle(*by_tail, *by_head3, dist, pred, is_root, listed, is_listed))


def is_scipy_tree(
    matrix: sparse.csr_matrix,
    dist: np.ndarray,
    pred: np.ndarray,
    roots: np.ndarray,
    *,
    by_head: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> bool:
    """Whether every reached node's predecessor in a search on ``matrix`` is
    the one the rule of :mod:`search_repair` gives, without a tie: then any
    Dijkstra gives these predecessors, and a repair of it may be bounded
    (``suspects`` of :func:`repair_search`)."""
    check = _compiled()[3]
    t_indptr, t_indices, t_data = transposed(matrix) if by_head is None else by_head
    is_root = np.zeros(len(dist), bool)
    is_root[roots] = True
    return bool(check(t_indptr, t_indices, t_data, dist, pred, is_root))


def roots_of(pred: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Per node the root of its search tree (``pred``: predecessors, as scipy
    gives them; ``roots``: the search's roots), -1 where unreached: what
    scipy's ``min_only`` search returns as ``sources``."""
    is_root = np.zeros(len(pred), bool)
    is_root[roots] = True
    out = np.full(len(pred), -2, dtype=np.int64)
    _compiled()[4](pred, is_root, out)
    return out
