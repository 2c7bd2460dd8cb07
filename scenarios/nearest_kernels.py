"""Compiled passes of :func:`~kernel.finish_nearest` over every candidate row (numba, without the interpreter lock).

Finishing a nearest-destination search picks, per dwelling, the best of
its candidate links (1.5 million rows on an address-level project). As
numpy expressions that was a dozen passes over those rows per search
(five searches per first pass): the cost via either end of the link, the
end, the ridden flag and the destination, then a rank per row, a minimum
per dwelling and the first row reaching it. Here each part is one pass
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

__all__ = ["best_row_per_owner", "candidate_costs"]


def _candidate_costs(
    pre_u: np.ndarray,
    pre_v: np.ndarray,
    nu: np.ndarray,
    nv: np.ndarray,
    dist: np.ndarray,
    node_dest: np.ndarray,
    frac: np.ndarray,
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
            e = nu[i]
            c_ridden[i] = frac[i] > 0
        else:
            c = cv
            e = nv[i]
            c_ridden[i] = frac[i] < 1
        c_cost[i] = c
        c_entry[i] = e
        c_dest[i] = node_dest[e] if np.isfinite(c) else -1


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
    return jit(_candidate_costs), jit(_best_rows)


def candidate_costs(
    pre_u: np.ndarray,
    pre_v: np.ndarray,
    nu: np.ndarray,
    nv: np.ndarray,
    dist: np.ndarray,
    node_dest: np.ndarray,
    frac: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate row: ``(cost, entry node, ridden, destination)`` of the
    cheaper end of its link (``pre_u + dist[nu]`` against ``pre_v +
    dist[nv]``, the start on a tie); destination -1 where the cost is not
    finite. As ``np.where(cu <= cv, ...)`` gives them."""
    k = len(pre_u)
    c_cost = np.empty(k, np.float64)
    c_entry = np.empty(k, np.int64)
    c_ridden = np.empty(k, np.bool_)
    c_dest = np.empty(k, np.int64)
    _kernels()[0](
        np.ascontiguousarray(pre_u, dtype=np.float64),
        np.ascontiguousarray(pre_v, dtype=np.float64),
        np.ascontiguousarray(nu, dtype=np.int64),
        np.ascontiguousarray(nv, dtype=np.int64),
        np.ascontiguousarray(dist, dtype=np.float64),
        np.ascontiguousarray(node_dest, dtype=np.int64),
        np.ascontiguousarray(frac, dtype=np.float64),
        c_cost,
        c_entry,
        c_ridden,
        c_dest,
    )
    return c_cost, c_entry, c_ridden, c_dest


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
