"""Where each commuting origin's route enters a workplace's route tree (compiled, without the interpreter lock).

A route tree (:class:`~commuting.RouteTrees`) gives every network node its
distance to one workplace. An origin (a housing point or a pooled cell's
address, :mod:`commute_origins`) is attached to one or more candidate
edges; its route starts along the cheaper end of the best of them, or runs
straight along the edge where the workplace sits on the same one. That
choice is made once per origin and workplace: 85 workplaces x 35,000
origins on an address-level project, each a dozen numpy expressions over
every candidate row when written as array operations.

:class:`SourceStarts` prepares what does not depend on the tree once and
makes the choice per tree in one compiled pass over the rows. The pass does
the numpy formulation's operations in the same order (the same additions,
the ``<=`` between the two ends, a direct route only where strictly
cheaper, the smallest tie-broken key per origin, first row on a tie, no
result for an origin with a NaN key), so the result is the same bit for
bit (``tests/scenarios/test_route_starts.py`` compares them on random
inputs). It runs without the interpreter lock, so the access family beside
it is not held up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from slimmeregio.scenarios.attach import Attachment, connector_cost, part_cost
from slimmeregio.scenarios.compiled import jit
from slimmeregio.scenarios.kernel import TIE_EPS, ArcGraph, NearestResult, same_edge_pairs
from slimmeregio.scenarios.nearest_kernels import source_terms
from slimmeregio.scenarios.network import Network

__all__ = ["SourceStarts", "choose_starts"]


def _choose(
    base_u: np.ndarray,
    base_v: np.ndarray,
    nu: np.ndarray,
    nv: np.ndarray,
    frac: np.ndarray,
    dist: np.ndarray,
    p_rows: np.ndarray,
    p_cost: np.ndarray,
    p_moves: np.ndarray,
    owner: np.ndarray,
    groups: np.ndarray,
    rank: np.ndarray,
    se: np.ndarray,
    tie_eps: float,
    cost: np.ndarray,
    entry: np.ndarray,
    src_edge: np.ndarray,
    src_ridden: np.ndarray,
) -> None:  # pragma: no cover - compiled
    m = base_u.shape[0]
    c_cost = np.empty(m, np.float64)
    c_entry = np.empty(m, np.int64)
    c_ridden = np.empty(m, np.bool_)
    for r in range(m):
        cu = base_u[r] + dist[nu[r]]
        cv = base_v[r] + dist[nv[r]]
        if cu <= cv:
            c_cost[r] = cu
            c_entry[r] = nu[r]
            c_ridden[r] = frac[r] > 0
        else:
            c_cost[r] = cv
            c_entry[r] = nv[r]
            c_ridden[r] = frac[r] < 1
    # Direct routes: each compared with the row's cost through the tree,
    # then written in order (a later one wins on the same row).
    better = np.empty(p_rows.shape[0], np.bool_)
    for i in range(p_rows.shape[0]):
        better[i] = p_cost[i] < c_cost[p_rows[i]]
    for i in range(p_rows.shape[0]):
        if better[i]:
            r = p_rows[i]
            c_cost[r] = p_cost[i]
            c_entry[r] = -1
            c_ridden[r] = p_moves[i]
    n_groups = groups.shape[0]
    for g in range(n_groups):
        lo = groups[g]
        hi = groups[g + 1] if g + 1 < n_groups else m
        best = -1
        best_key = 0.0
        nan = False
        for r in range(lo, hi):
            key = c_cost[r] + tie_eps * rank[r]
            if key != key:
                nan = True
                break
            if best < 0 or key < best_key:
                best = r
                best_key = key
        if nan:
            continue
        o = owner[best]
        cost[o] = c_cost[best]
        entry[o] = c_entry[best]
        src_edge[o] = se[best]
        src_ridden[o] = c_ridden[best]


@functools.cache
def _compiled() -> Callable[..., Any]:
    return jit(_choose)


class SourceStarts:
    """How every source enters the network (``bike`` costs), computed once,
    turned into a :class:`~kernel.NearestResult` per destination search tree."""

    def __init__(self, network: Network, sources: Attachment, destinations: Attachment) -> None:
        self.n = network.n_nodes
        self.ns = len(sources)
        s_owner, flat = sources.expand_rows()
        self.owner = np.ascontiguousarray(s_owner, dtype=np.int64)
        self.se = np.ascontiguousarray(flat.edge, dtype=np.int64)
        self.frac = np.ascontiguousarray(flat.frac, dtype=np.float64)
        conn, self.base_u, self.base_v, self.nu, self.nv = source_terms(network, flat, "bike")
        fwd, bwd = network.weights("bike")
        d_owner, d_flat = destinations.expand()
        d_conn = connector_cost(network, d_flat, "bike")
        s_rows, d_rows = same_edge_pairs(self.se, d_flat.edge)
        e = self.se[s_rows]
        f = d_flat.frac[d_rows]
        g = self.frac[s_rows]
        along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
        # The direct routes grouped by destination, each group in its original order.
        pair_dest = d_owner[d_rows]
        by_dest = np.argsort(pair_dest, kind="stable")
        self._pair_dest = pair_dest[by_dest]
        self._pair_rows = np.ascontiguousarray(s_rows[by_dest], dtype=np.int64)
        self._pair_cost = np.ascontiguousarray(
            (conn[s_rows] + along + d_conn[d_rows])[by_dest], dtype=np.float64
        )
        self._pair_moves = np.ascontiguousarray((f != g)[by_dest], dtype=np.bool_)
        if len(s_owner):
            self.groups = np.r_[0, np.flatnonzero(s_owner[1:] != s_owner[:-1]) + 1].astype(np.int64)
            counts = np.diff(np.r_[self.groups, len(s_owner)])
            self.rank = np.arange(len(s_owner), dtype=np.int64) - np.repeat(self.groups, counts)
        else:
            self.groups = np.zeros(0, np.int64)
            self.rank = np.zeros(0, np.int64)

    def direct(self, j: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The direct routes to destination ``j``: source rows, costs, and
        whether each moves along the edge (in their original order)."""
        lo, hi = np.searchsorted(self._pair_dest, [j, j + 1])
        return self._pair_rows[lo:hi], self._pair_cost[lo:hi], self._pair_moves[lo:hi]

    def result(self, j: int, graph: ArcGraph, dist: np.ndarray, pred: np.ndarray) -> NearestResult:
        """Every source's route start towards ``j`` on the tree ``(dist, pred)``."""
        cost, entry, src_edge, src_ridden = choose_starts(self, j, dist)
        hit = np.isfinite(cost)
        dest = np.where(hit, j, -1).astype(np.int64)
        return NearestResult(cost, dest, entry, dist, pred, graph, self.n, src_edge, src_ridden)


def choose_starts(
    starts: SourceStarts, j: int, dist: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per source: its cost to ``j`` (``inf``: none), the node where its
    route enters the tree (-1: along its edge, or none), the edge it starts
    on (-1: none) and whether the route rides part of that edge."""
    ns = starts.ns
    cost = np.full(ns, np.inf)
    entry = np.full(ns, -1, dtype=np.int64)
    src_edge = np.full(ns, -1, dtype=np.int64)
    src_ridden = np.zeros(ns, bool)
    if len(starts.owner):
        p_rows, p_cost, p_moves = starts.direct(j)
        _compiled()(
            starts.base_u,
            starts.base_v,
            starts.nu,
            starts.nv,
            starts.frac,
            np.ascontiguousarray(dist, dtype=np.float64),
            p_rows,
            p_cost,
            p_moves,
            starts.owner,
            starts.groups,
            starts.rank,
            starts.se,
            float(TIE_EPS),
            cost,
            entry,
            src_edge,
            src_ridden,
        )
    hit = np.isfinite(cost)
    entry[~hit] = -1
    src_edge[~hit] = -1
    return cost, entry, src_edge, src_ridden
