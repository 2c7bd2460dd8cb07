"""The compiled tree walk (scenarios/compiled.py) against the plain Python loop it replaces."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.compiled import accumulate_up


def _python_loop(order: np.ndarray, pred: np.ndarray, load: np.ndarray) -> np.ndarray:
    pred_list = pred.tolist()
    load_list = load.tolist()
    for x in order.tolist():
        if load_list[x]:
            load_list[pred_list[x]] += load_list[x]
    return np.asarray(load_list)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**32 - 1))
def test_the_compiled_walk_gives_the_python_loops_sums_bit_for_bit(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # A random tree rooted at node 0: each node's parent is an earlier node,
    # so the nodes in decreasing order are children before parents.
    pred = np.r_[-1, [rng.integers(0, i) for i in range(1, n)]].astype(np.int64)
    load = rng.random(n) * (rng.random(n) < 0.4) * 1000.0
    load[rng.random(n) < 0.05] = np.nan  # NaN propagates as in the loop
    order = np.arange(n - 1, 0, -1)
    got = accumulate_up(order, pred, load)
    want = _python_loop(order, pred, load)
    assert np.array_equal(got, want, equal_nan=True)
    assert got is not load  # the input stays as it was


def test_a_subtree_total_by_hand() -> None:
    #      0
    #     / \
    #    1   2
    #   / \
    #  3   4
    pred = np.array([-1, 0, 0, 1, 1])
    load = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    got = accumulate_up(np.array([4, 3, 2, 1]), pred, load)
    assert got.tolist() == [10.0, 8.0, 2.0, 3.0, 4.0]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**32 - 1))
def test_children_come_before_their_parents(n: int, seed: int) -> None:
    from slimmeregio.scenarios.compiled import children_first

    rng = np.random.default_rng(seed)
    # Random labels, so that a parent's number says nothing about its place.
    parent_rank = np.r_[-1, [rng.integers(0, i) for i in range(1, n)]]
    label = rng.permutation(n)
    pred = np.full(n, -1, dtype=np.int64)
    for i in range(1, n):
        pred[label[i]] = label[parent_rank[i]]
    member = pred >= 0
    order = children_first(pred, member)
    assert sorted(order.tolist()) == np.flatnonzero(member).tolist()  # every member once
    place = np.full(n, -1)
    place[order] = np.arange(len(order))
    for x in order.tolist():
        if member[pred[x]]:
            assert place[x] < place[pred[x]]
    # Subtree totals with this order equal a count by hand.
    totals = accumulate_up(order, pred, np.ones(n))
    for x in range(n):
        below, stack = 0, [x]
        while stack:
            y = stack.pop()
            below += 1
            stack.extend(np.flatnonzero(pred == y).tolist())
        assert totals[x] == below


def test_a_zero_cost_arc_keeps_the_child_first() -> None:
    """Sorting by decreasing cost could list a parent before a child at the
    same cost; the walk must not."""
    from slimmeregio.scenarios.compiled import children_first

    # 3 -> 0 -> 1 (root 1; node 0 is as far as node 3: a zero-cost arc 3 -> 0).
    pred = np.array([1, -1, -1, 0])
    member = np.array([True, False, False, True])
    order = children_first(pred, member).tolist()
    assert order.index(3) < order.index(0)
    assert accumulate_up(np.array(order), pred, np.array([1.0, 0.0, 0.0, 2.0]))[0] == 3.0
