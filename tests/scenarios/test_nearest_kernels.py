"""The compiled passes of finish_nearest against the numpy formulation they replace, bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.kernel import TIE_EPS
from slimmeregio.scenarios.nearest_kernels import best_row_per_owner, candidate_costs

# Costs with exact ties, near-ties within and beyond TIE_EPS, infinities and NaN.
COSTS = st.sampled_from(
    [0.0, 1.0, 1.0 + 4e-10, 1.0 + 1e-9, 1.0 + 2.5e-9, 2.0, 123.456, np.inf, np.nan]
)


def numpy_candidate_costs(pre_u, pre_v, nu, nv, dist, node_dest, frac):
    cu = pre_u + dist[nu]
    cv = pre_v + dist[nv]
    via_u = cu <= cv
    c_cost = np.where(via_u, cu, cv)
    c_entry = np.where(via_u, nu, nv)
    c_ridden = np.where(via_u, frac > 0, frac < 1)
    c_dest = np.full(len(pre_u), -1, dtype=np.int64)
    fin = np.isfinite(c_cost)
    c_dest[fin] = node_dest[c_entry[fin]]
    return c_cost, c_entry, c_ridden, c_dest


def numpy_best_rows(s_owner, c_cost):
    if not len(s_owner):
        return np.zeros(0, np.int64)
    starts = np.r_[0, np.flatnonzero(s_owner[1:] != s_owner[:-1]) + 1]
    counts = np.diff(np.r_[starts, len(s_owner)])
    rank = np.arange(len(s_owner)) - np.repeat(starts, counts)
    key = c_cost + TIE_EPS * rank
    best_key = np.minimum.reduceat(key, starts)
    hits = np.flatnonzero(key == np.repeat(best_key, counts))
    if not len(hits):  # every owner's key NaN (numpy's indexing below would fail)
        return hits
    return hits[np.r_[True, s_owner[hits][1:] != s_owner[hits][:-1]]]


@st.composite
def rows(draw):
    n_nodes = draw(st.integers(1, 8))
    k = draw(st.integers(0, 40))
    dist = np.array(draw(st.lists(COSTS, min_size=n_nodes, max_size=n_nodes)))
    node_dest = np.array(draw(st.lists(st.integers(-1, 5), min_size=n_nodes, max_size=n_nodes)))
    nodes = st.lists(st.integers(0, n_nodes - 1), min_size=k, max_size=k)
    pre = st.lists(COSTS, min_size=k, max_size=k)
    frac = st.lists(st.sampled_from([0.0, 0.25, 1.0]), min_size=k, max_size=k)
    return (
        np.array(draw(pre), dtype=float),
        np.array(draw(pre), dtype=float),
        np.array(draw(nodes), dtype=np.int64),
        np.array(draw(nodes), dtype=np.int64),
        dist,
        node_dest.astype(np.int64),
        np.array(draw(frac), dtype=float),
    )


@settings(max_examples=300, deadline=None)
@given(rows())
def test_candidate_costs_are_the_numpy_choices(args):
    got = candidate_costs(*args)
    want = numpy_candidate_costs(*args)
    np.testing.assert_array_equal(got[0], want[0])  # NaN where numpy has NaN
    assert got[0].tobytes() == want[0].tobytes()
    for g, w in zip(got[1:], want[1:], strict=True):
        assert g.tolist() == w.tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(COSTS, min_size=1, max_size=5), max_size=12))
def test_the_best_row_per_owner_is_the_numpy_row(runs):
    owner = np.repeat(np.arange(len(runs)) * 3, [len(r) for r in runs]).astype(np.int64)
    cost = np.array([c for r in runs for c in r], dtype=float)
    got = best_row_per_owner(owner, cost, TIE_EPS)
    assert got.tolist() == numpy_best_rows(owner, cost).tolist()


def test_ties_go_to_the_first_row_and_nan_leaves_an_owner_without_one():
    owner = np.array([0, 0, 0, 1, 1, 2, 2], dtype=np.int64)
    cost = np.array([1.0 + 1e-9, 1.0, 5.0, 2.0, np.nan, np.inf, np.inf])
    # owner 0: 1+1e-9 (rank 0) against 1+1e-9 (1.0 + rank 1 x 1e-9): a tie, the first
    # row wins; owner 1 has a NaN key; owner 2: all unreachable, its first row
    assert best_row_per_owner(owner, cost, TIE_EPS).tolist() == [0, 5]
