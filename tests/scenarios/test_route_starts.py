"""Route starts per origin (scenarios/route_starts.py, compiled) against the numpy formulation it replaces, and a case by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.kernel import TIE_EPS
from slimmeregio.scenarios.route_starts import choose_starts


def _numpy_starts(s, j, dist, pair_src, pair_dest, pair_cost, pair_moves, ns):  # type: ignore[no-untyped-def]
    """The array formulation the commuting trees used before (one
    expression over every candidate row, the minimum per origin by
    ``reduceat``)."""
    cu = s.base_u + dist[s.nu]
    cv = s.base_v + dist[s.nv]
    via_u = cu <= cv
    c_cost = np.where(via_u, cu, cv)
    c_entry = np.where(via_u, s.nu, s.nv)
    c_ridden = np.where(via_u, s.frac > 0, s.frac < 1)
    mine = pair_dest == j
    if mine.any():
        rows, direct = pair_src[mine], pair_cost[mine]
        better = direct < c_cost[rows]
        r = rows[better]
        c_cost[r] = direct[better]
        c_entry[r] = -1
        c_ridden[r] = pair_moves[mine][better]
    cost = np.full(ns, np.inf)
    entry = np.full(ns, -1, dtype=np.int64)
    src_edge = np.full(ns, -1, dtype=np.int64)
    src_ridden = np.zeros(ns, bool)
    counts = np.diff(np.r_[s.groups, len(s.owner)])
    key = c_cost + TIE_EPS * s.rank
    best_key = np.minimum.reduceat(key, s.groups)
    hits = np.flatnonzero(key == np.repeat(best_key, counts))
    # (No hit at all: every key NaN. The old code raised there; no origin gets a result.)
    first = hits[np.r_[True, s.owner[hits][1:] != s.owner[hits][:-1]]] if len(hits) else hits
    owner = s.owner[first]
    cost[owner] = c_cost[first]
    entry[owner] = c_entry[first]
    src_edge[owner] = s.se[first]
    src_ridden[owner] = c_ridden[first]
    hit = np.isfinite(cost)
    entry[~hit] = -1
    src_edge[~hit] = -1
    return cost, entry, src_edge, src_ridden


def _starts(rng: np.random.Generator, ns: int, n_nodes: int, j: int):  # type: ignore[no-untyped-def]
    """Random origins (some without rows) with 1-3 candidate rows each,
    costs drawn from a few values so that ties are common, some inf and NaN;
    direct routes to ``j`` and another destination, some on the same row."""
    per = rng.integers(0, 4, ns)
    owner = np.repeat(np.arange(ns), per).astype(np.int64)
    m = len(owner)
    values = np.array([0.0, 1.0, 2.5, 2.5 + TIE_EPS, 4.0, np.inf])

    def costs() -> np.ndarray:
        c = values[rng.integers(0, len(values), m)]
        c[rng.random(m) < 0.02] = np.nan
        return c

    groups = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1].astype(np.int64)
    counts = np.diff(np.r_[groups, m])
    n_pairs = int(rng.integers(0, max(m, 1) + 1))
    pair_src = rng.integers(0, max(m, 1), n_pairs).astype(np.int64)
    pair_dest = rng.choice([j, j + 1], n_pairs).astype(np.int64)
    pair_cost = values[rng.integers(0, len(values), n_pairs)]
    pair_moves = rng.random(n_pairs) < 0.5
    by_dest = np.argsort(pair_dest, kind="stable")
    s = SimpleNamespace(
        ns=ns,
        owner=owner,
        se=rng.integers(0, 50, m).astype(np.int64),
        frac=rng.choice([0.0, 0.3, 1.0], m),
        base_u=costs(),
        base_v=costs(),
        nu=rng.integers(0, n_nodes, m).astype(np.int64),
        nv=rng.integers(0, n_nodes, m).astype(np.int64),
        groups=groups if m else np.zeros(0, np.int64),
        rank=(np.arange(m) - np.repeat(groups, counts)).astype(np.int64)
        if m
        else np.zeros(0, np.int64),
    )
    lo, hi = np.searchsorted(pair_dest[by_dest], [j, j + 1])
    sel = by_dest[lo:hi]
    s.direct = lambda _j: (pair_src[sel], pair_cost[sel], pair_moves[sel])
    return s, (pair_src, pair_dest, pair_cost, pair_moves)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_compiled_starts_equal_the_numpy_formulation_bit_for_bit(ns: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_nodes = 12
    j = 3
    s, pairs = _starts(rng, ns, n_nodes, j)
    dist = np.array([0.0, 1.0, 2.5, np.inf, 3.0, 0.5, 1.0, np.inf, 7.0, 2.5, 1.5, 0.0])
    got = choose_starts(s, j, dist)
    if len(s.owner):
        want = _numpy_starts(s, j, dist, *pairs, ns)
    else:
        want = (
            np.full(ns, np.inf),
            np.full(ns, -1, np.int64),
            np.full(ns, -1, np.int64),
            np.zeros(ns, bool),
        )
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype
        assert np.array_equal(a, b, equal_nan=True)


def test_two_origins_by_hand() -> None:
    """Origin 0 has two candidate rows: row 0 (ends 0 and 1) and row 1 (ends
    2 and 3); origin 1 one row (ends 1 and 2) with the destination on its
    edge. Node distances to the destination: 5, 2, 4, 9."""
    s = SimpleNamespace(
        ns=2,
        owner=np.array([0, 0, 1], np.int64),
        se=np.array([10, 11, 12], np.int64),
        frac=np.array([0.5, 0.0, 0.25]),
        base_u=np.array([1.0, 0.0, 3.0]),
        base_v=np.array([2.0, 0.5, 1.0]),
        nu=np.array([0, 2, 1], np.int64),
        nv=np.array([1, 3, 2], np.int64),
        groups=np.array([0, 2], np.int64),
        rank=np.array([0, 1, 0], np.int64),
    )
    # The direct route costs 4.5: cheaper than via node 1 (3 + 2 = 5) or 2 (1 + 4 = 5).
    s.direct = lambda j: (np.array([2], np.int64), np.array([4.5]), np.array([True]))
    dist = np.array([5.0, 2.0, 4.0, 9.0])
    cost, entry, src_edge, ridden = choose_starts(s, 7, dist)
    # Origin 0: row 0 via u = 1 + 5 = 6, via v = 2 + 2 = 4 -> 4 at node 1;
    # row 1 via u = 0 + 4 = 4 (ties row 0, loses on rank), via v = 9.5.
    assert cost.tolist() == [4.0, 4.5]
    assert entry.tolist() == [1, -1]
    assert src_edge.tolist() == [10, 12]
    # Row 0 enters at its v end from frac 0.5 (< 1: rides part of the edge).
    assert ridden.tolist() == [True, True]
