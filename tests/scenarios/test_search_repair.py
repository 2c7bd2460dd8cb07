"""Repaired searches (scenarios/search_repair.py) against scipy's Dijkstra run afresh."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import csgraph

from slimmeregio.scenarios.search_repair import is_scipy_tree, repair_search, roots_of

NONE = -9999


def _graph(
    rng: np.random.Generator, n: int, m: int, *, coarse: bool
) -> dict[tuple[int, int], float]:
    """Random arcs; ``coarse`` weights (0, halves, ones) make ties and zero arcs common."""
    arcs: dict[tuple[int, int], float] = {}
    for _ in range(m):
        u, v = (int(x) for x in rng.integers(0, n, 2))
        arcs[(u, v)] = (
            float(rng.choice([0.0, 0.5, 1.0, 2.0, 3.25])) if coarse else float(rng.random() * 10)
        )
    return arcs


def _matrix(arcs: dict[tuple[int, int], float], n: int) -> sparse.csr_matrix:
    keys = list(arcs)
    rows = np.array([k[0] for k in keys], dtype=np.int64)
    cols = np.array([k[1] for k in keys], dtype=np.int64)
    return sparse.csr_matrix(
        (np.array([arcs[k] for k in keys], dtype=float), (rows, cols)), shape=(n, n)
    )


def _scipy(
    matrix: sparse.csr_matrix, roots: np.ndarray, limit: float
) -> tuple[np.ndarray, np.ndarray]:
    dist, pred, _ = csgraph.dijkstra(
        matrix, indices=roots, min_only=True, limit=limit, return_predecessors=True
    )
    return dist, pred


def _edit(
    rng: np.random.Generator, arcs: dict[tuple[int, int], float], n: int
) -> tuple[dict[tuple[int, int], float], np.ndarray]:
    """Re-cost, add or remove a few arcs; returns the new arcs and their heads."""
    new = dict(arcs)
    heads: list[int] = []
    for _ in range(int(rng.integers(1, 5))):
        u, v = (int(x) for x in rng.integers(0, n, 2))
        if rng.random() < 0.7:
            new[(u, v)] = float(rng.choice([0.0, 0.5, 1.0, float(rng.random() * 5)]))
        else:
            new.pop((u, v), None)
        heads.append(v)
    return new, np.unique(np.array(heads, dtype=np.int64))


@pytest.mark.parametrize("bounded", [True, False])
def test_repairs_equal_scipy_searching_the_edited_graph_again(bounded: bool) -> None:
    """Random graphs, roots and limits; a scipy search; random edits. The
    repair gives scipy's costs and predecessors on the edited graph bit for
    bit, or declines exactly where scipy's own answer has a tie."""
    rng = np.random.default_rng(20261207)
    repaired = declined = 0
    for case in range(1500):
        n = int(rng.integers(2, 40))
        arcs = _graph(rng, n, int(rng.integers(1, 3 * n)), coarse=case % 2 == 0)
        before = _matrix(arcs, n)
        roots = rng.choice(n, int(rng.integers(1, 3)), replace=False)
        limit = float(rng.random() * 8) if case % 3 == 0 else np.inf
        dist, pred = _scipy(before, roots, limit)
        if bounded and not is_scipy_tree(before, dist, pred, roots):
            continue
        after_arcs, heads = _edit(rng, arcs, n)
        after = _matrix(after_arcs, n)
        want_dist, want_pred = _scipy(after, roots, limit)
        d, p = dist.copy(), pred.copy()
        if repair_search(after, d, p, roots, limit=limit, suspects=heads if bounded else None):
            assert np.array_equal(d, want_dist), case
            assert np.array_equal(p, want_pred), case
            repaired += 1
        else:
            # Only where scipy's predecessors depend on its heap.
            assert not is_scipy_tree(after, want_dist, want_pred, roots), case
            declined += 1
    assert repaired > 1000 and declined > 0, (repaired, declined)


def test_any_forest_of_costs_is_brought_to_scipys_answer() -> None:
    """Without suspects nothing is assumed of the kept search: from random
    costs on a random forest the repair still ends at scipy's answer."""
    rng = np.random.default_rng(7)
    repaired = 0
    for case in range(1500):
        n = int(rng.integers(2, 30))
        matrix = _matrix(_graph(rng, n, int(rng.integers(1, 3 * n)), coarse=case % 2 == 0), n)
        roots = rng.choice(n, int(rng.integers(1, 3)), replace=False)
        limit = float(rng.random() * 8) if case % 3 == 0 else np.inf
        want_dist, want_pred = _scipy(matrix, roots, limit)
        d = np.where(rng.random(n) < 0.3, np.inf, rng.random(n) * 5)
        order = rng.permutation(n)
        p = np.full(n, NONE, dtype=np.int32)
        for i in range(1, n):
            if rng.random() < 0.8:
                p[order[i]] = order[rng.integers(0, i)]
        if repair_search(matrix, d, p, roots, limit=limit):
            assert np.array_equal(d, want_dist) and np.array_equal(p, want_pred), case
            repaired += 1
    assert repaired > 1000


def test_by_hand_a_closed_arc_reroutes_and_a_shortcut_lowers_costs_downstream() -> None:
    # 0 -> 1 -> 2 -> 3 (1 each), and 0 -> 2 (5): costs 0, 1, 2, 3.
    arcs = {(0, 1): 1.0, (1, 2): 1.0, (2, 3): 1.0, (0, 2): 5.0}
    dist, pred = _scipy(_matrix(arcs, 4), np.array([0]), np.inf)
    closed = dict(arcs)
    del closed[(1, 2)]
    d, p = dist.copy(), pred.copy()
    assert repair_search(_matrix(closed, 4), d, p, np.array([0]), suspects=np.array([2]))
    assert d.tolist() == [0.0, 1.0, 5.0, 6.0]
    assert p.tolist() == [NONE, 0, 0, 2]
    shortcut = dict(arcs)
    shortcut[(0, 3)] = 0.5
    d, p = dist.copy(), pred.copy()
    assert repair_search(_matrix(shortcut, 4), d, p, np.array([0]), suspects=np.array([3]))
    assert d.tolist() == [0.0, 1.0, 2.0, 0.5]
    assert p.tolist() == [NONE, 0, 1, 0]
    # Beyond the limit a node is unreached, as scipy leaves it.
    d, p = dist.copy(), pred.copy()
    assert repair_search(_matrix(closed, 4), d, p, np.array([0]), limit=5.5, suspects=np.array([2]))
    assert d.tolist() == [0.0, 1.0, 5.0, np.inf]
    assert p.tolist() == [NONE, 0, 0, NONE]


def test_a_tie_between_equally_far_predecessors_is_declined() -> None:
    # 0 -> 1 and 0 -> 2 (1 each), both -> 3 (1): node 3 has two predecessors
    # at cost 1; which one scipy returns depends on its heap.
    arcs = {(0, 1): 1.0, (0, 2): 1.0, (1, 3): 1.0, (2, 3): 1.0}
    matrix = _matrix(arcs, 4)
    dist, pred = _scipy(matrix, np.array([0]), np.inf)
    assert not is_scipy_tree(matrix, dist, pred, np.array([0]))
    assert not repair_search(matrix, dist.copy(), pred.copy(), np.array([0]))
    # Unequal costs of the two predecessors decide: the cheaper comes first.
    arcs[(0, 2)] = 0.5
    arcs[(2, 3)] = 1.5
    matrix = _matrix(arcs, 4)
    dist, pred = _scipy(matrix, np.array([0]), np.inf)
    assert is_scipy_tree(matrix, dist, pred, np.array([0]))
    assert pred[3] == 2


def test_roots_of_gives_scipys_sources() -> None:
    """The root each node's predecessors lead to is the source scipy's
    multi-source search reports for it."""
    rng = np.random.default_rng(11)
    for case in range(300):
        n = int(rng.integers(2, 40))
        matrix = _matrix(_graph(rng, n, int(rng.integers(1, 3 * n)), coarse=case % 2 == 0), n)
        roots = rng.choice(n, int(rng.integers(1, min(n, 3) + 1)), replace=False)
        _, pred, sources = csgraph.dijkstra(
            matrix, indices=roots, min_only=True, return_predecessors=True
        )
        assert np.array_equal(roots_of(pred, roots), np.where(sources >= 0, sources, -1)), case
