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


# --- the gathering kernels: against the numpy code they replace -----------------


def _numpy_minima(dist_row, rows, direct, limit):
    """The numpy version sparse_costs ran before the kernel (per search)."""
    u, v, base_u, base_v, owner = rows
    du, dv = dist_row[u], dist_row[v]
    live = np.flatnonzero(np.isfinite(du) | np.isfinite(dv))
    with np.errstate(invalid="ignore"):
        c = np.minimum(base_u[live] + du[live], base_v[live] + dv[live])
    lo = owner[live]
    own, dc = direct
    lo = np.concatenate([lo, own])
    c = np.concatenate([c, dc])
    order = np.argsort(lo, kind="stable")
    lo, c = lo[order], c[order]
    if len(lo) == 0:
        return lo, c
    first = np.r_[0, np.flatnonzero(lo[1:] != lo[:-1]) + 1]
    owners, best = lo[first], np.minimum.reduceat(c, first)
    keep = best <= limit
    return owners[keep], best[keep]


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(0, 60),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    st.sampled_from([3.0, 8.0, np.inf]),
)
def test_reach_minima_equal_the_numpy_minima(
    n_nodes: int, n_points: int, searches: int, seed: int, limit: float
) -> None:
    from slimmeregio.scenarios.compiled import CandidateRows, reach_minima

    rng = np.random.default_rng(seed)
    per_point = rng.integers(0, 4, n_points)
    owner = np.repeat(np.arange(n_points), per_point)
    n_rows = len(owner)
    u = rng.integers(0, n_nodes, n_rows)
    v = rng.integers(0, n_nodes, n_rows)
    base_u = rng.random(n_rows) * 4.0
    base_v = rng.random(n_rows) * 4.0
    base_u[rng.random(n_rows) < 0.1] = np.inf  # an end that cannot be left
    base_v[rng.random(n_rows) < 0.03] = np.nan
    dist = rng.random((searches, n_nodes)) * 6.0
    dist[rng.random(dist.shape) < 0.5] = np.inf  # beyond the search
    direct = []
    for _ in range(searches):
        k = int(rng.integers(0, 4))
        own = np.sort(rng.integers(0, max(n_points, 1), k)) if n_points else np.zeros(0, int)
        cost = rng.random(len(own)) * 6.0
        cost[rng.random(len(own)) < 0.1] = np.nan
        direct.append((own.astype(np.int64), cost))
    rows = CandidateRows(u, v, base_u, base_v, owner, n_points, n_nodes)
    got = reach_minima(dist, rows, direct, limit)
    for b in range(searches):
        want = _numpy_minima(dist[b], (u, v, base_u, base_v, owner), direct[b], limit)
        assert np.array_equal(got[b][0], want[0])
        assert np.array_equal(got[b][1], want[1])


def test_reach_minima_by_hand() -> None:
    from slimmeregio.scenarios.compiled import CandidateRows, reach_minima

    # Point 0: rows on edges (0, 1) and (1, 2); point 1: one row on (2, 3);
    # point 2: no row, only a direct route.
    rows = CandidateRows(
        u=np.array([0, 1, 2]),
        v=np.array([1, 2, 3]),
        base_u=np.array([1.0, 0.5, 2.0]),
        base_v=np.array([2.0, 0.5, 1.0]),
        owner=np.array([0, 0, 1]),
        n_points=3,
        n_nodes=4,
    )
    dist = np.array([[5.0, 3.0, np.inf, np.inf]])
    direct = [(np.array([2]), np.array([4.0]))]
    ((owners, costs),) = reach_minima(dist, rows, direct, limit=10.0)
    # point 0: min(1 + 5, 2 + 3, 0.5 + 3, 0.5 + inf) = 3.5; point 1 unreached
    assert owners.tolist() == [0, 2] and costs.tolist() == [3.5, 4.0]
    ((owners, costs),) = reach_minima(dist, rows, direct, limit=3.9)
    assert owners.tolist() == [0] and costs.tolist() == [3.5]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 50), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_add_access_equals_the_numpy_updates_bit_for_bit(n: int, k: int, seed: int) -> None:
    from slimmeregio.scenarios.compiled import add_access

    rng = np.random.default_rng(seed)
    thresholds = np.array([60.0, 300.0, 900.0])
    beta = np.log(2.0) / 600.0
    got = (np.zeros((n, 3)), np.zeros(n), np.full((n, k), np.inf))
    want = (np.zeros((n, 3)), np.zeros(n), np.full((n, k), np.inf))
    for _ in range(int(rng.integers(1, 8))):
        owners = np.sort(rng.choice(n, int(rng.integers(0, n + 1)), replace=False))
        costs = rng.random(len(owners)) * 1200.0
        costs[rng.random(len(owners)) < 0.2] = 300.0  # ties with a threshold
        w = float(rng.random() * 50.0)
        add_access(owners, costs, w, np.exp(-beta * costs), thresholds, got)
        cumulative, potential, best = want
        for t, value in enumerate(thresholds):
            cumulative[owners, t] += w * (costs <= value)
        potential[owners] += w * np.exp(-beta * costs)
        merged = np.column_stack([best[owners], costs])
        best[owners] = np.sort(merged, axis=1)[:, :k]
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a, b)


def test_covered_points_by_hand() -> None:
    from slimmeregio.scenarios.compiled import covered_points

    # Two searches over nodes 10 and 11 (costs 1 and 4; the second search
    # reaches node 10 only). Entries: node 10 reaches points 0 and 1, node 11
    # point 2; search 1 also covers point 3 directly.
    dist = np.array([[1.0, 4.0], [2.0, np.inf]])
    nodes = np.array([10, 11])
    ptr = np.zeros(13, np.int64)
    ptr[11], ptr[12] = 2, 3
    ptr[12:] = 3
    entries = (ptr, np.array([0.5, 3.0, 0.5]), np.array([0.5, 0.0, 0.4]), np.array([1, 0, 2]))
    same = (np.array([0, 0]), np.array([0, 1]), np.array([3]))
    points, bounds = covered_points(dist, nodes, 5.0, entries, same, 4, np.int32)
    # search 0: point 1 (0.5 + 0.5 + 1), point 0 (3 + 0 + 1), point 2 (0.5 + 0.4 + 4)
    # search 1: point 1 (0.5 + 0.5 + 2), not point 0 (3 + 0 + 2 = 5 is within 5: yes)
    assert points[bounds[0] : bounds[1]].tolist() == [0, 1, 2]
    assert points[bounds[1] : bounds[2]].tolist() == [0, 1, 3]
    assert points.dtype == np.int32


def _numpy_legs(node_cost, u, v, conn, to_u, to_v, d_row, d_cost, limit):
    """The numpy formula ``legs`` replaced: every row read, NaN wins in the minima."""
    du, dv = node_cost[u], node_cost[v]
    with np.errstate(invalid="ignore"):
        cost = conn + np.minimum(to_u + du, to_v + dv)
        np.minimum.at(cost, d_row, d_cost)
        counted = np.isfinite(du) | np.isfinite(dv)
        counted[d_row] = True
        counted &= cost <= limit
    return np.flatnonzero(counted), cost[counted]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 40), st.integers(1, 120), st.integers(0, 2**32 - 1), st.booleans())
def test_legs_read_only_reached_rows_and_equal_the_numpy_formula(
    n: int, n_rows: int, seed: int, bounded: bool
) -> None:
    """``legs`` reads the rows at reached nodes (and those with a direct route)
    and gives what the formula over every row gives, row for row."""
    from slimmeregio.scenarios.compiled_legs import LegRows, legs

    rng = np.random.default_rng(seed)
    node_cost = rng.random(n) * 100.0
    node_cost[rng.random(n) < 0.5] = np.inf  # beyond the search
    node_cost[rng.random(n) < 0.05] = np.nan
    u, v = rng.integers(0, n, n_rows), rng.integers(0, n, n_rows)
    conn, to_u, to_v = (rng.random(n_rows) * 20.0 for _ in range(3))
    to_v[rng.random(n_rows) < 0.2] = np.inf  # one-way
    to_u[rng.random(n_rows) < 0.03] = np.nan
    d_row = np.sort(rng.choice(n_rows, size=min(n_rows, 6), replace=True)).astype(np.int64)
    d_cost = rng.random(len(d_row)) * 80.0
    d_cost[rng.random(len(d_row)) < 0.1] = np.nan
    limit = 90.0 if bounded else np.inf
    want_rows, want_cost = _numpy_legs(node_cost, u, v, conn, to_u, to_v, d_row, d_cost, limit)
    got_rows, got_cost = legs(node_cost, LegRows(u, v, conn, to_u, to_v, n), (d_row, d_cost), limit)
    assert np.array_equal(got_rows, want_rows)
    assert np.array_equal(got_cost, want_cost, equal_nan=True)


def test_leg_rows_at_nodes_by_hand() -> None:
    from slimmeregio.scenarios.compiled_legs import LegRows

    #   row: 0 (0-1), 1 (1-2), 2 (2-2, a loop), 3 (3-0)
    rows = LegRows(
        np.array([0, 1, 2, 3]), np.array([1, 2, 2, 0]), *(np.zeros(4) for _ in range(3)), 5
    )
    assert rows.at(np.array([0])).tolist() == [0, 3]
    assert rows.at(np.array([2, 1])).tolist() == [0, 1, 2]
    assert rows.at(np.array([4])).tolist() == []
    assert rows.at(np.zeros(0, np.int64)).tolist() == []


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(0, 40), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_raise_within_equals_the_numpy_maxima(n: int, k: int, cols: int, seed: int) -> None:
    from slimmeregio.scenarios.compiled_legs import raise_within

    rng = np.random.default_rng(seed)
    limits = np.sort(rng.random(3) * 10.0)
    best = np.where(rng.random((n, 3, cols)) < 0.5, -np.inf, rng.random((n, 3, cols)))
    best[rng.random((n, 3, cols)) < 0.05] = np.nan
    want = best.copy()
    for _ in range(4):  # four destinations in turn
        rows = rng.choice(n, size=min(n, k), replace=False).astype(np.int64)
        cost = rng.random(len(rows)) * 12.0
        cost[rng.random(len(rows)) < 0.1] = np.nan
        values = rng.random(cols) * 2.0
        values[rng.random(cols) < 0.1] = np.nan
        raise_within(rows, cost, limits, values, best)
        for i, limit in enumerate(limits):  # the numpy code it replaced
            with np.errstate(invalid="ignore"):
                hit = rows[cost <= limit]
            want[hit, i] = np.maximum(want[hit, i], values)
    assert np.array_equal(best, want, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_lower_total_equals_the_numpy_update(n: int, seed: int) -> None:
    from slimmeregio.scenarios.compiled_legs import lower_total

    rng = np.random.default_rng(seed)
    total, best = np.full(n, np.inf), np.full(n, -1, np.int64)
    want_total, want_best = total.copy(), best.copy()
    for dest in range(5):
        rows = rng.choice(n, size=rng.integers(0, n + 1), replace=False).astype(np.int64)
        leg = np.round(rng.random(len(rows)) * 10.0)  # ties: the earlier destination stays
        leg[rng.random(len(rows)) < 0.1] = np.nan
        offset = float(rng.integers(0, 3))
        lower_total(rows, leg, offset, dest, total, best)
        tot = leg + offset  # the numpy code it replaced
        better = tot < want_total[rows]
        want_total[rows[better]] = tot[better]
        want_best[rows[better]] = dest
    assert np.array_equal(total, want_total) and np.array_equal(best, want_best)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.integers(0, 400), st.integers(0, 2**32 - 1))
def test_arc_positions_equal_a_binary_search_of_the_sorted_keys(n: int, m: int, seed: int) -> None:
    from scipy import sparse

    from slimmeregio.scenarios.arcs import ArcGraph, csr_min
    from slimmeregio.scenarios.compiled import arc_positions

    rng = np.random.default_rng(seed)
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    graph = csr_min(n, tail, head, rng.random(m) * 10.0, np.arange(m), rng.random(m) < 0.8)
    if graph.matrix.nnz == 0:
        return
    # Every stored arc (in random order and with repeats) and, for the
    # binary search, its key row * n + col.
    pick = rng.integers(0, graph.matrix.nnz, 3 * graph.matrix.nnz)
    rows = np.repeat(np.arange(n), np.diff(graph.matrix.indptr))[pick]
    cols = graph.matrix.indices[pick].astype(np.int64)
    want = np.searchsorted(graph.keys, rows * n + cols)
    assert np.array_equal(want, pick)  # the keys locate the arcs
    assert np.array_equal(
        arc_positions(graph.matrix.indptr, graph.matrix.indices, rows, cols), pick
    )
    # ArcGraph takes the compiled lookup for long queries: the same edges.
    long_rows, long_cols = (
        np.tile(rows, 10_000 // len(rows) + 1),
        np.tile(cols, 10_000 // len(rows) + 1),
    )
    big = ArcGraph(sparse.csr_matrix(graph.matrix), graph.edge, graph.keys, graph.ridden)
    edge, ridden = big.arcs_of(long_rows, long_cols)
    assert np.array_equal(edge, graph.edge[np.searchsorted(graph.keys, long_rows * n + long_cols)])
    assert graph.ridden is not None
    assert np.array_equal(
        ridden, graph.ridden[np.searchsorted(graph.keys, long_rows * n + long_cols)]
    )
