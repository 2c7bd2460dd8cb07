"""Compiled loops (numba) for the public transport searches: the dwellings' links towards one stop, station or mobipunt, and each destination's share of the best per dwelling.

The same rules as :mod:`slimmeregio.scenarios.compiled` (whose :func:`~compiled.jit`
and :class:`~compiled.NodeRows` they use): the additions, minima and NaN
rules of the numpy code they replaced, so the results are the same bit for
bit (property tests in ``tests/scenarios/test_compiled.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from slimmeregio.scenarios.compiled import NodeRows, jit

__all__ = ["LegRows", "legs", "lower_total", "raise_within"]


def _legs(
    node_cost: np.ndarray,
    candidates: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    conn: np.ndarray,
    to_u: np.ndarray,
    to_v: np.ndarray,
    d_row: np.ndarray,
    d_cost: np.ndarray,
    limit: float,
    out_row: np.ndarray,
    out_cost: np.ndarray,
) -> int:  # pragma: no cover - compiled
    count = 0
    k = 0
    n_direct = d_row.shape[0]
    for i in range(candidates.shape[0]):
        r = candidates[i]
        while k < n_direct and d_row[k] < r:
            k += 1
        du = node_cost[u[r]]
        dv = node_cost[v[r]]
        near = k < n_direct and d_row[k] == r
        if not (near or np.isfinite(du) or np.isfinite(dv)):
            continue
        a = to_u[r] + du
        b = to_v[r] + dv
        m = a if (a != a or a < b) else b  # numpy's minimum: NaN wins
        if b != b:
            m = b
        c = conn[r] + m
        while k < n_direct and d_row[k] == r:
            d = d_cost[k]
            if c == c and (d != d or d < c):
                c = d
            k += 1
        if c <= limit:
            out_row[count] = r
            out_cost[count] = c
            count += 1
    return count


def _raise_within(
    rows: np.ndarray,
    cost: np.ndarray,
    limits: np.ndarray,
    values: np.ndarray,
    best: np.ndarray,
) -> None:  # pragma: no cover - compiled
    # best[r, l, k] = numpy's maximum(best[r, l, k], values[k]) where cost <= limits[l]
    for i in range(rows.shape[0]):
        r = rows[i]
        c = cost[i]
        for li in range(limits.shape[0]):
            if c <= limits[li]:
                for k in range(values.shape[0]):
                    b = best[r, li, k]
                    x = values[k]
                    if b == b and (x != x or x > b):
                        best[r, li, k] = x


def _lower_total(
    rows: np.ndarray,
    leg: np.ndarray,
    offset: float,
    dest: int,
    total: np.ndarray,
    best: np.ndarray,
) -> None:  # pragma: no cover - compiled
    for i in range(rows.shape[0]):
        r = rows[i]
        t = leg[i] + offset
        if t < total[r]:
            total[r] = t
            best[r] = dest


@functools.cache
def _kernels() -> tuple[Callable[..., Any], ...]:
    """The loops compiled, on first use (see :func:`~compiled.jit`)."""
    return (jit(_legs), jit(_raise_within), jit(_lower_total))


class LegRows:
    """The candidate rows of a set of source points, as :func:`legs` reads them.

    Per row: ``u, v`` the ends of its edge, ``conn`` the connector's cost,
    ``to_u, to_v`` the cost along the edge to each end; ``n_nodes``: the
    network's nodes (``u, v`` below it).
    """

    def __init__(
        self,
        u: np.ndarray,
        v: np.ndarray,
        conn: np.ndarray,
        to_u: np.ndarray,
        to_v: np.ndarray,
        n_nodes: int,
    ) -> None:
        self.u = np.ascontiguousarray(u, dtype=np.int64)
        self.v = np.ascontiguousarray(v, dtype=np.int64)
        self.conn = np.ascontiguousarray(conn, dtype=np.float64)
        self.to_u = np.ascontiguousarray(to_u, dtype=np.float64)
        self.to_v = np.ascontiguousarray(to_v, dtype=np.float64)
        self.nodes = NodeRows(self.u, self.v, n_nodes)

    def at(self, nodes: np.ndarray, also: np.ndarray | None = None) -> np.ndarray:
        """The rows with an end at one of ``nodes`` (and the rows ``also``), ascending, each once."""
        return self.nodes.at(nodes, also)


def raise_within(
    rows: np.ndarray, cost: np.ndarray, limits: np.ndarray, values: np.ndarray, best: np.ndarray
) -> None:
    """``best[r, l, k] = max(best[r, l, k], values[k])`` (NaN wins, as in numpy's
    ``maximum``) for each ``r`` of ``rows`` (repeats allowed) whose ``cost``
    is within ``limits[l]``, in place: one destination's share of "the best
    value within each limit". ``best``: ``(points, limits, values)``, float64,
    C order."""
    _kernels()[1](
        np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(cost, dtype=np.float64),
        np.ascontiguousarray(limits, dtype=np.float64),
        np.ascontiguousarray(values, dtype=np.float64).reshape(-1),
        best,
    )


def lower_total(
    rows: np.ndarray,
    leg: np.ndarray,
    offset: float,
    dest: int,
    total: np.ndarray,
    best: np.ndarray,
) -> None:
    """Where ``leg + offset`` is below ``total[r]`` (row ``r`` of ``rows``): it
    becomes ``total[r]`` and ``dest`` becomes ``best[r]``, in place."""
    _kernels()[2](
        np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(leg, dtype=np.float64),
        float(offset),
        int(dest),
        total,
        best,
    )


def legs(
    node_cost: np.ndarray,
    rows: LegRows,
    direct: tuple[np.ndarray, np.ndarray],
    limit: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate rows within ``limit`` of one destination, and their costs.

    ``node_cost``: the destination's search cost at every node. A row of
    ``rows`` (:class:`LegRows`) costs ``conn + min(to_u + node_cost[u], to_v
    + node_cost[v])`` (NaN wins, as in numpy's ``minimum``), or less straight
    along the edge: ``direct = (row, cost)``, ascending rows. Only the rows
    at a reached node (finite cost) and those with a direct route are read.
    Returns ``(rows, costs)``, ascending."""
    d_row, d_cost = direct
    candidates = rows.at(np.flatnonzero(np.isfinite(node_cost)), d_row)
    n = len(candidates)
    out_row = np.empty(max(n, 1), np.int64)
    out_cost = np.empty(max(n, 1), np.float64)
    count = _kernels()[0](
        np.ascontiguousarray(node_cost, dtype=np.float64),
        candidates,
        rows.u,
        rows.v,
        rows.conn,
        rows.to_u,
        rows.to_v,
        np.ascontiguousarray(d_row, dtype=np.int64),
        np.ascontiguousarray(d_cost, dtype=np.float64),
        float(limit),
        out_row,
        out_cost,
    )
    return out_row[:count].copy(), out_cost[:count].copy()
