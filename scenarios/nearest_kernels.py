"""Compiled passes of :func:`~kernel.finish_nearest` over every candidate row (numba, without the interpreter lock).

Finishing a nearest-destination search picks, per dwelling, the best of
its candidate links (1.5 million rows on an address-level project). As
numpy expressions that was some twenty passes over those rows per search
(five searches per first pass): the connector's cost, the costs along the
link to either end, the cost via either end, the end, the ridden flag and
the destination, then a rank per row, a minimum per dwelling and the first
row reaching it. Here each part is one pass
with the same additions and comparisons in the same order, so the choices
are those of the numpy code bit for bit (``tests/scenarios/test_nearest_kernels.py``
compares them with the numpy formulation on random rows, ties and
infinities included).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from slimmeregio.scenarios.compiled import jit

__all__ = ["best_row_per_owner", "row_costs"]


def _row_costs(
    edge: np.ndarray,
    frac: np.ndarray,
    snap: np.ndarray,
    speed_kmh: np.ndarray,
    walk: bool,
    fwd: np.ndarray,
    bwd: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    dist: np.ndarray,
    node_dest: np.ndarray,
    conn_out: np.ndarray,
    c_cost: np.ndarray,
    c_entry: np.ndarray,
    c_ridden: np.ndarray,
    c_dest: np.ndarray,
) -> None:  # pragma: no cover - compiled
    inf = np.inf
    n_edges = u.shape[0]
    for i in range(edge.shape[0]):
        e = edge[i]
        f = frac[i]
        if e >= 0:
            # connector_cost, then entry_costs (part_cost: a zero share costs 0)
            conn = snap[i] if walk else snap[i] / (speed_kmh[e] / 3.6)
            to_u = f * bwd[e] if f > 0 else 0.0
            g = 1.0 - f
            to_v = g * fwd[e] if g > 0 else 0.0
            pu = conn + to_u
            pv = conn + to_v
            x = e
        else:
            # unreachable: every term infinite; the ends as numpy's u[-1], v[-1]
            conn = inf
            pu = inf + inf
            pv = inf + inf
            x = e + n_edges
        nu = u[x]
        nv = v[x]
        cu = pu + dist[nu]
        cv = pv + dist[nv]
        # Via the link's start where it is not dearer (NaN: via its end).
        if cu <= cv:
            c = cu
            entry = nu
            c_ridden[i] = f > 0
        else:
            c = cv
            entry = nv
            c_ridden[i] = f < 1
        conn_out[i] = conn
        c_cost[i] = c
        c_entry[i] = entry
        c_dest[i] = node_dest[entry] if np.isfinite(c) else -1


def _best_rows(
    owner: np.ndarray, cost: np.ndarray, tie_eps: float, first: np.ndarray
) -> int:  # pragma: no cover - compiled
    n = owner.shape[0]
    kept = 0
    i = 0
    while i < n:
        j = i + 1
        while j < n and owner[j] == owner[i]:
            j += 1
        # The owner's rows i..j-1 in rank order: the lowest key
        # (cost + tie_eps * rank), a NaN key leaving the owner without one.
        best = np.inf
        nan = False
        for p in range(i, j):
            key = cost[p] + tie_eps * (p - i)
            if key != key:
                nan = True
                break
            if key < best:
                best = key
        if not nan:
            for p in range(i, j):
                if cost[p] + tie_eps * (p - i) == best:
                    first[kept] = p
                    kept += 1
                    break
        i = j
    return kept


@functools.cache
def _kernels() -> tuple[Callable[..., Any], ...]:
    """The passes compiled, on first use (see :func:`compiled._compiled`)."""
    return jit(_row_costs, error_model="numpy"), jit(_best_rows)


def row_costs(
    network: Any, rows: Any, mode: str, dist: np.ndarray, node_dest: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate row of ``rows`` (an :class:`~attach.Attachment`, one row
    per candidate link) on a search's ``dist`` and ``node_dest``: ``(cost,
    entry node, ridden, destination, connector)``. The cost is the cheaper
    of ``connector + along the link to u + dist[u]`` and the same via ``v``
    (``u`` on a tie), as :func:`~attach.connector_cost`,
    :func:`~attach.entry_costs` and ``np.where(cu <= cv, ...)`` give it;
    destination -1 where the cost is not finite."""
    k = len(rows.edge)
    fwd, bwd = network.weights(mode)
    out = (
        np.empty(k, np.float64),
        np.empty(k, np.float64),
        np.empty(k, np.int64),
        np.empty(k, np.bool_),
        np.empty(k, np.int64),
    )
    _kernels()[0](
        np.ascontiguousarray(rows.edge, dtype=np.int64),
        np.ascontiguousarray(rows.frac, dtype=np.float64),
        np.ascontiguousarray(rows.snap_m, dtype=np.float64),
        np.ascontiguousarray(network.speed_kmh, dtype=np.float64),
        mode == "walk",
        np.ascontiguousarray(fwd, dtype=np.float64),
        np.ascontiguousarray(bwd, dtype=np.float64),
        np.ascontiguousarray(network.u, dtype=np.int64),
        np.ascontiguousarray(network.v, dtype=np.int64),
        np.ascontiguousarray(dist, dtype=np.float64),
        np.ascontiguousarray(node_dest, dtype=np.int64),
        *out,
    )
    conn, c_cost, c_entry, c_ridden, c_dest = out
    return c_cost, c_entry, c_ridden, c_dest, conn


def best_row_per_owner(owner: np.ndarray, cost: np.ndarray, tie_eps: float) -> np.ndarray:
    """Per run of equal ``owner`` (ascending rows), the first row whose
    ``cost + tie_eps * rank`` (rank: position in the run) is the run's
    minimum; a run with a NaN key gives none. Row positions, ascending."""
    first = np.empty(len(owner), np.int64)
    kept = _kernels()[1](
        np.ascontiguousarray(owner, dtype=np.int64),
        np.ascontiguousarray(cost, dtype=np.float64),
        float(tie_eps),
        first,
    )
    return first[:kept]
