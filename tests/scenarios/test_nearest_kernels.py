"""The compiled passes of finish_nearest against the numpy formulation they replace (on the package's own cost functions), bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.attach import Attachment, connector_cost, entry_costs
from slimmeregio.scenarios.kernel import TIE_EPS
from slimmeregio.scenarios.nearest_kernels import best_row_per_owner, row_costs, source_terms

# Costs with exact ties, near-ties within and beyond TIE_EPS, infinities and NaN.
COSTS = st.sampled_from(
    [0.0, 1.0, 1.0 + 4e-10, 1.0 + 1e-9, 1.0 + 2.5e-9, 2.0, 123.456, np.inf, np.nan]
)


class Links:
    """The few network fields the row costs read (a hand-built network of ``n_edges`` links)."""

    def __init__(self, u, v, length, time_s, oneway, speed_kmh):
        self.u, self.v, self.length, self.time_s = u, v, length, time_s
        self.oneway, self.speed_kmh = oneway, speed_kmh

    def weights(self, mode):
        if mode == "walk":
            return self.length, self.length
        return self.time_s, np.where(self.oneway, np.inf, self.time_s)


def numpy_row_costs(network, rows, mode, dist, node_dest):
    """The numpy formulation finish_nearest used, on the package's own cost functions."""
    conn = connector_cost(network, rows, mode)
    to_u, to_v = entry_costs(network, rows, mode)
    pre_u, pre_v = conn + to_u, conn + to_v
    nu, nv = network.u[rows.edge], network.v[rows.edge]
    cu = pre_u + dist[nu]
    cv = pre_v + dist[nv]
    via_u = cu <= cv
    c_cost = np.where(via_u, cu, cv)
    c_entry = np.where(via_u, nu, nv)
    c_ridden = np.where(via_u, rows.frac > 0, rows.frac < 1)
    c_dest = np.full(len(rows.edge), -1, dtype=np.int64)
    fin = np.isfinite(c_cost)
    c_dest[fin] = node_dest[c_entry[fin]]
    return c_cost, c_entry, c_ridden, c_dest, conn


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
def searches(draw):
    n_nodes = draw(st.integers(1, 6))
    n_edges = draw(st.integers(1, 5))
    k = draw(st.integers(0, 30))
    node = st.integers(0, n_nodes - 1)
    lengths = st.sampled_from([0.0, 1.0, 12.5, 100.0])
    network = Links(
        np.array(draw(st.lists(node, min_size=n_edges, max_size=n_edges)), dtype=np.int64),
        np.array(draw(st.lists(node, min_size=n_edges, max_size=n_edges)), dtype=np.int64),
        np.array(draw(st.lists(lengths, min_size=n_edges, max_size=n_edges))),
        np.array(draw(st.lists(lengths, min_size=n_edges, max_size=n_edges))),
        np.array(draw(st.lists(st.booleans(), min_size=n_edges, max_size=n_edges))),
        np.array(
            draw(st.lists(st.sampled_from([0.0, 5.0, 18.0]), min_size=n_edges, max_size=n_edges))
        ),
    )
    rows = Attachment(
        np.full(k, None, dtype=object),
        np.zeros((k, 2)),
        np.array(
            draw(st.lists(st.integers(-1, n_edges - 1), min_size=k, max_size=k)), dtype=np.int64
        ),
        np.array(draw(st.lists(st.sampled_from([0.0, 0.25, 1.0]), min_size=k, max_size=k))),
        np.array(draw(st.lists(st.sampled_from([0.0, 3.0, 40.0]), min_size=k, max_size=k))),
    )
    dist = np.array(
        draw(st.lists(COSTS.filter(lambda c: c == c), min_size=n_nodes, max_size=n_nodes))
    )
    node_dest = np.array(
        draw(st.lists(st.integers(-1, 5), min_size=n_nodes, max_size=n_nodes)), dtype=np.int64
    )
    return network, rows, draw(st.sampled_from(["walk", "bike"])), dist, node_dest


@settings(max_examples=400, deadline=None)
@given(searches())
def test_row_costs_are_the_numpy_choices(args):
    with np.errstate(divide="ignore", invalid="ignore"):
        want = numpy_row_costs(*args)
    got = row_costs(*args)
    for g, w in zip(got, want, strict=True):
        assert g.tobytes() == w.astype(g.dtype).tobytes(), (g, w)


@settings(max_examples=300, deadline=None)
@given(searches())
def test_source_terms_are_the_package_cost_functions(args):
    network, rows, mode, _dist, _dest = args
    with np.errstate(divide="ignore", invalid="ignore"):
        conn = connector_cost(network, rows, mode)
        to_u, to_v = entry_costs(network, rows, mode)
        want = (conn, conn + to_u, conn + to_v, network.u[rows.edge], network.v[rows.edge])
    got = source_terms(network, rows, mode)
    for g, w in zip(got, want, strict=True):
        assert g.tobytes() == w.astype(g.dtype).tobytes(), (g, w)


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
