"""Compiled passes over every candidate row of a set of points (numba, without the interpreter lock).

A dwelling is attached to the network by its candidate links (1.5 million
rows on an address-level project). Each search that ends at the dwellings
(the nearest mobipunt, station or Brussels border entry: five per first
pass; access to jobs and schools: four per evaluation) needs, per row, the
connector's cost and the costs along the link to either end
(:func:`source_terms`). Finishing a nearest-destination search then picks
each row's cheaper end and each dwelling's best row
(:func:`candidate_costs`, :func:`best_row_per_owner`). As numpy
expressions those were some twenty passes over the rows per search; here
each part is one pass with the same additions and comparisons in the same
order, so the numbers and choices are those of the numpy code bit for bit
(``tests/scenarios/test_nearest_kernels.py`` compares them with the
package's own cost functions and the numpy formulation on random rows,
ties, infinities and one-way links included).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from slimmeregio.scenarios.compiled import jit

__all__ = ["best_row_per_owner", "candidate_costs", "row_costs", "source_terms"]


def _source_terms(
    edge: np.ndarray,
    frac: np.ndarray,
    snap: np.ndarray,
    speed_kmh: np.ndarray,
    walk: bool,
    fwd: np.ndarray,
    bwd: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    conn_out: np.ndarray,
    pre_u: np.ndarray,
    pre_v: np.ndarray,
    nu: np.ndarray,
    nv: np.ndarray,
) -> None:  # pragma: no cover - compiled
    inf = np.inf
    n_edges = u.shape[0]
    for i in range(edge.shape[0]):
        e = edge[i]
        if e >= 0:
            # connector_cost, then entry_costs (part_cost: a zero share costs 0)
            f = frac[i]
            conn = snap[i] if walk else snap[i] / (speed_kmh[e] / 3.6)
            to_u = f * bwd[e] if f > 0 else 0.0
            g = 1.0 - f
            to_v = g * fwd[e] if g > 0 else 0.0
            conn_out[i] = conn
            pre_u[i] = conn + to_u
            pre_v[i] = conn + to_v
            x = e
        else:
            # unreachable: every term infinite; the ends as numpy's u[-1], v[-1]
            conn_out[i] = inf
            pre_u[i] = inf
            pre_v[i] = inf
            x = e + n_edges
        nu[i] = u[x]
        nv[i] = v[x]


def _candidate_costs(
    pre_u: np.ndarray,
    pre_v: np.ndarray,
    nu: np.ndarray,
    nv: np.ndarray,
    frac: np.ndarray,
    dist: np.ndarray,
    node_dest: np.ndarray,
    c_cost: np.ndarray,
    c_entry: np.ndarray,
    c_ridden: np.ndarray,
    c_dest: np.ndarray,
) -> None:  # pragma: no cover - compiled
    for i in range(pre_u.shape[0]):
        cu = pre_u[i] + dist[nu[i]]
        cv = pre_v[i] + dist[nv[i]]
        # Via the link's start where it is not dearer (NaN: via its end).
        if cu <= cv:
            c = cu
            entry = nu[i]
            c_ridden[i] = frac[i] > 0
        else:
            c = cv
            entry = nv[i]
            c_ridden[i] = frac[i] < 1
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
    """The passes compiled, on first use (see :func:`compiled._compiled`);
    numpy's error model: a zero speed gives inf, as in numpy, not an error."""
    return (
        jit(_source_terms, error_model="numpy"),
        jit(_candidate_costs),
        jit(_best_rows),
    )


def _f64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _i64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def source_terms(
    network: Any, rows: Any, mode: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``rows`` (an :class:`~attach.Attachment`, one row per
    candidate link): ``(connector, connector + along the link to u,
    connector + along it to v, u, v)`` as :func:`~attach.connector_cost`
    and :func:`~attach.entry_costs` give them (inf where unreachable, and
    along a one-way link against its direction when cycling)."""
    k = len(rows.edge)
    fwd, bwd = network.weights(mode)
    conn, pre_u, pre_v = np.empty(k), np.empty(k), np.empty(k)
    nu, nv = np.empty(k, np.int64), np.empty(k, np.int64)
    _kernels()[0](
        _i64(rows.edge),
        _f64(rows.frac),
        _f64(rows.snap_m),
        _f64(network.speed_kmh),
        mode == "walk",
        _f64(fwd),
        _f64(bwd),
        _i64(network.u),
        _i64(network.v),
        conn,
        pre_u,
        pre_v,
        nu,
        nv,
    )
    return conn, pre_u, pre_v, nu, nv


def candidate_costs(
    terms: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    frac: np.ndarray,
    dist: np.ndarray,
    node_dest: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row with :func:`source_terms` ``terms`` on a search's ``dist`` and
    ``node_dest``: ``(cost, entry node, ridden, destination)`` of the
    cheaper end (``u`` on a tie), as ``np.where(cu <= cv, ...)`` gives
    them; destination -1 where the cost is not finite."""
    _conn, pre_u, pre_v, nu, nv = terms
    k = len(pre_u)
    out = (np.empty(k), np.empty(k, np.int64), np.empty(k, np.bool_), np.empty(k, np.int64))
    _kernels()[1](pre_u, pre_v, nu, nv, _f64(frac), _f64(dist), _i64(node_dest), *out)
    return out


def row_costs(
    network: Any, rows: Any, mode: str, dist: np.ndarray, node_dest: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`candidate_costs` of ``rows``' :func:`source_terms`, and the
    connectors: ``(cost, entry node, ridden, destination, connector)``."""
    terms = source_terms(network, rows, mode)
    return (*candidate_costs(terms, rows.frac, dist, node_dest), terms[0])


def best_row_per_owner(owner: np.ndarray, cost: np.ndarray, tie_eps: float) -> np.ndarray:
    """Per run of equal ``owner`` (ascending rows), the first row whose
    ``cost + tie_eps * rank`` (rank: position in the run) is the run's
    minimum; a run with a NaN key gives none. Row positions, ascending."""
    first = np.empty(len(owner), np.int64)
    kept = _kernels()[2](_i64(owner), _f64(cost), float(tie_eps), first)
    return first[:kept]
