"""Compiled bounded searches (scenarios/bounded_search.py) against scipy's Dijkstra."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.sparse import csgraph

from slimmeregio.scenarios import bounded_search
from slimmeregio.scenarios.bounded_search import bounded_costs, bounded_trees
from slimmeregio.scenarios.search_repair import is_scipy_tree

# Coarse weights (zero arcs, halves, repeated values) make ties common; the
# fine ones give sums whose rounding depends on the path's order.
_WEIGHTS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.25]),
    st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def _graphs(draw: st.DrawFn) -> tuple[sparse.csr_matrix, np.ndarray, float]:
    n = draw(st.integers(1, 30))
    arcs = draw(
        st.dictionaries(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), _WEIGHTS, max_size=4 * n
        )
    )
    keys = sorted(arcs)
    rows = np.array([k[0] for k in keys], dtype=np.int64)
    cols = np.array([k[1] for k in keys], dtype=np.int64)
    data = np.array([arcs[k] for k in keys], dtype=float)
    # Built from the CSR arrays, so zero-weight arcs stay explicit entries.
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    matrix = sparse.csr_matrix((data, cols.astype(np.int32), indptr), shape=(n, n))
    sources = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=6)))
    limit = draw(st.one_of(st.just(np.inf), st.sampled_from([0.0, 1.0, 2.5, 4.0]), _WEIGHTS))
    return matrix, sources, limit


@contextmanager
def _threads(on: bool) -> Iterator[None]:
    """Split a batch over two threads or not (what SLIMMEREGIO_THREADS decides)."""
    saved = bounded_search.threads_allowed
    bounded_search.threads_allowed = lambda: on  # type: ignore[assignment]
    try:
        yield
    finally:
        bounded_search.threads_allowed = saved  # type: ignore[assignment]


@settings(max_examples=300, deadline=None)
@given(_graphs(), st.booleans())
def test_the_costs_are_scipys_to_the_last_bit(
    case: tuple[sparse.csr_matrix, np.ndarray, float], two_threads: bool
) -> None:
    matrix, sources, limit = case
    expected = np.atleast_2d(csgraph.dijkstra(matrix, directed=True, indices=sources, limit=limit))
    with _threads(two_threads):
        got = bounded_costs(matrix, sources, limit)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)  # inf where unreached, the same floats elsewhere


def test_a_chain_is_cut_at_the_limit_as_scipy_cuts_it() -> None:
    # 0 -> 1 -> 2 -> 3, each arc 1.0: with limit 2.0 node 3 stays out of reach.
    n = 4
    matrix = sparse.csr_matrix((np.ones(3), (np.arange(3), np.arange(1, 4))), shape=(n, n))
    got = bounded_costs(matrix, [0], 2.0)
    assert got.tolist() == [[0.0, 1.0, 2.0, np.inf]]
    assert bounded_costs(matrix, [], 2.0).shape == (0, n)


@settings(max_examples=300, deadline=None)
@given(_graphs(), st.booleans())
def test_trees_without_a_tie_are_scipys(
    case: tuple[sparse.csr_matrix, np.ndarray, float], two_threads: bool
) -> None:
    """Costs always, and predecessors wherever the tree has no tie (the check
    the callers make before they keep a tree), are scipy's."""
    matrix, sources, limit = case
    ref_dist, ref_pred = csgraph.dijkstra(
        matrix, directed=True, indices=sources, limit=limit, return_predecessors=True
    )
    with _threads(two_threads):
        dist, pred = bounded_trees(matrix, sources, limit)
    assert pred.dtype == np.int32
    assert np.array_equal(dist, np.atleast_2d(ref_dist))
    for row, s in enumerate(sources):
        if is_scipy_tree(matrix, dist[row], pred[row], np.array([s])):
            assert np.array_equal(pred[row], np.atleast_2d(ref_pred)[row])


def test_a_tie_is_seen_by_the_check() -> None:
    # A diamond: node 3 is reached at cost 2 through node 1 and through node 2.
    matrix = sparse.csr_matrix((np.ones(4), ([0, 0, 1, 2], [1, 2, 3, 3])), shape=(4, 4))
    dist, pred = bounded_trees(matrix, [0])
    assert dist.tolist() == [[0.0, 1.0, 1.0, 2.0]]
    assert pred[0, 3] in (1, 2) and pred[0, 0] == -9999
    assert not is_scipy_tree(matrix, dist[0], pred[0], np.array([0]))
    # Cheaper through node 2: no tie, and scipy's predecessor.
    matrix = sparse.csr_matrix(
        (np.array([1.0, 1.0, 1.0, 0.5]), ([0, 0, 1, 2], [1, 2, 3, 3])), shape=(4, 4)
    )
    dist, pred = bounded_trees(matrix, [0])
    assert pred[0].tolist() == [-9999, 0, 0, 2]
    assert is_scipy_tree(matrix, dist[0], pred[0], np.array([0]))


@st.composite
def _target_cases(
    draw: st.DrawFn,
) -> tuple[sparse.csr_matrix, np.ndarray, list[np.ndarray], float]:
    matrix, sources, limit = draw(_graphs())
    n = matrix.shape[0]
    targets = [
        np.array(draw(st.lists(st.integers(0, n - 1), max_size=5)), dtype=np.int64) for _ in sources
    ]
    return matrix, sources, targets, limit


@settings(max_examples=300, deadline=None)
@given(_target_cases(), st.booleans())
def test_a_search_stopped_at_its_targets_gives_scipys_costs_there(
    case: tuple[sparse.csr_matrix, np.ndarray, list[np.ndarray], float], two_threads: bool
) -> None:
    """Targets repeated, unreachable, beyond the limit or the source itself:
    each gets the cost a whole search gives it, to the last bit."""
    matrix, sources, targets, limit = case
    expected = np.atleast_2d(csgraph.dijkstra(matrix, directed=True, indices=sources, limit=limit))
    with _threads(two_threads):
        got = bounded_search.costs_to_targets(matrix, sources, targets, limit)
    assert len(got) == len(sources)
    for row, t, values in zip(expected, targets, got, strict=True):
        assert np.array_equal(values, row[t])


def test_a_search_stops_once_its_targets_are_settled() -> None:
    # A chain 0 -> 1 -> ... -> 999 of unit arcs: the search from 0 for node 5
    # settles nodes 0 .. 5 and no more; for an unreachable target, all of them.
    n = 1000
    matrix = sparse.csr_matrix((np.ones(n - 1), (np.arange(n - 1), np.arange(1, n))), shape=(n, n))
    settled = np.zeros(3, np.int64)
    got = bounded_search.costs_to_targets(
        matrix, [0, 0, 10], [np.array([5]), np.array([5, 2]), np.array([3])], settled=settled
    )
    assert [g.tolist() for g in got] == [[5.0], [5.0, 2.0], [np.inf]]
    assert settled.tolist() == [6, 6, n - 10]
