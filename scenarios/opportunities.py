"""Access to opportunities: cumulative counts, decay-weighted potential, k-th nearest.

For every source point (a dwelling) and a set of weighted opportunity points
(jobs, schools ...), over the walking or cycling network:

* **cumulative opportunities** within each threshold: the summed weight of
  the opportunities whose network cost is at most the threshold (Conveyal's
  "cumulative opportunities" measure);
* **potential**: ``sum_j w_j * exp(-beta * c_ij)``, a negative-exponential
  decay-weighted sum (the form Iacono, Krizek & El-Geneidy 2010 fitted for
  walking and cycling); ``beta = ln 2 / half_life``, so an opportunity at
  the half-life counts for half;
* **k-th nearest**: the cost to the k-th nearest opportunity (counted as
  features, not by weight), ``inf`` when fewer than ``k`` are within reach.

Costs are those of :mod:`kernel`: metres walking, seconds cycling, from the
point over its attachment to the network and on to the opportunity's
attachment; a source and an opportunity on the same edge also go directly
along it. Searches start at the opportunities (reversed graph), are bounded
by ``limit`` and run in chunks, so memory stays ``chunk x sources``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from slimmeregio.scenarios.attach import Attachment, connector_cost, entry_costs, part_cost
from slimmeregio.scenarios.kernel import _same_edge_pairs, iter_reach
from slimmeregio.scenarios.network import Network

__all__ = [
    "Access",
    "cost_chunks",
    "decay_beta",
    "opportunity_access",
]

#: Most matrix cells (chunk x source candidates) held at once.
_MAX_CELLS = 4_000_000


def decay_beta(half_life: float) -> float:
    """The negative-exponential ``beta`` for which the weight halves at ``half_life``."""
    if not half_life > 0:
        raise ValueError("half_life must be positive")
    return math.log(2.0) / half_life


@dataclass(frozen=True, eq=False)
class Access:
    """Access of every source point to a set of opportunities.

    Attributes
    ----------
    thresholds
        The cumulative thresholds (cost units: m walking, s cycling).
    cumulative
        ``(sources, thresholds)``: summed opportunity weight within each.
    potential
        Per source: ``sum_j w_j exp(-beta c_ij)`` over the opportunities
        within ``limit``.
    kth
        Per source: cost to the ``k``-th nearest opportunity (``inf`` if
        fewer within ``limit``; NaN for sources not attached).
    """

    thresholds: tuple[float, ...]
    cumulative: np.ndarray
    potential: np.ndarray
    kth: np.ndarray


def cost_chunks(
    network: Network,
    sources: Attachment,
    opportunities: Attachment,
    *,
    mode: str,
    limit: float,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(opportunity indices, costs)`` chunk by chunk.

    ``costs`` is ``(len(indices), len(sources))``: the network cost from each
    source to each opportunity of the chunk, ``inf`` beyond ``limit`` or
    without a route. Unreachable opportunities are never yielded.
    """
    ns = len(sources)
    if ns == 0 or not opportunities.reachable.any():
        return
    s_owner, flat = sources.expand()
    if len(s_owner) == 0:
        return
    se = flat.edge
    s_conn = connector_cost(network, flat, mode)
    to_u, to_v = entry_costs(network, flat, mode)
    nu, nv = network.u[se], network.v[se]
    # Opportunities on a source's candidate edge: directly along the edge.
    fwd, bwd = network.weights(mode)
    d_owner, d_flat = opportunities.expand()
    d_conn = connector_cost(network, d_flat, mode)
    s_rows, d_rows = _same_edge_pairs(se, d_flat.edge)
    direct = np.zeros(0)
    if len(s_rows):
        e = se[s_rows]
        f = d_flat.frac[d_rows]
        g = flat.frac[s_rows]
        along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
        direct = s_conn[s_rows] + along + d_conn[d_rows]
    pair_src = s_owner[s_rows]
    pair_opp = d_owner[d_rows]
    batch = max(1, min(64, _MAX_CELLS // max(len(se), 1)))
    pending: list[tuple[int, np.ndarray]] = []

    def flush() -> tuple[np.ndarray, np.ndarray]:
        idx = np.array([j for j, _ in pending], dtype=np.int64)
        dist = np.vstack([row for _, row in pending])
        pending.clear()
        out = np.full((len(idx), ns), np.inf)
        # Only the candidate rows some search of the chunk reached (a bounded
        # walking search reaches a few % of the dwellings).
        du, dv = dist[:, nu], dist[:, nv]
        live = np.flatnonzero(np.isfinite(du).any(axis=0) | np.isfinite(dv).any(axis=0))
        if len(live):
            cu = (s_conn + to_u)[live][None, :] + du[:, live]
            cv = (s_conn + to_v)[live][None, :] + dv[:, live]
            lo = s_owner[live]
            first = np.r_[0, np.flatnonzero(lo[1:] != lo[:-1]) + 1]
            out[:, lo[first]] = np.minimum.reduceat(np.minimum(cu, cv), first, axis=1)
        if len(direct):
            local = np.full(len(opportunities), -1, dtype=np.int64)
            local[idx] = np.arange(len(idx))
            hit = local[pair_opp] >= 0
            np.minimum.at(out, (local[pair_opp[hit]], pair_src[hit]), direct[hit])
        out[out > limit] = np.inf
        return idx, out

    for j, row in iter_reach(network, opportunities, mode=mode, limit=limit, batch=batch):
        pending.append((j, row))
        if len(pending) == batch:
            yield flush()
    if pending:
        yield flush()


def opportunity_access(
    network: Network,
    sources: Attachment,
    opportunities: Attachment,
    weights: np.ndarray,
    *,
    mode: str,
    thresholds: Sequence[float],
    half_life: float,
    k: int = 1,
    limit: float | None = None,
) -> Access:
    """Cumulative opportunities, potential and k-th nearest cost per source.

    Parameters
    ----------
    network
        The network (costs: ``walk`` metres, ``bike`` seconds).
    sources, opportunities
        Attached points; ``weights`` one per opportunity (jobs, pupils ...).
    mode
        ``"walk"`` or ``"bike"``.
    thresholds
        Cumulative thresholds in cost units (m or s).
    half_life
        Cost at which the potential's decay weight is one half.
    k
        Rank of the nearest opportunity whose cost is returned.
    limit
        Search bound (cost units); default the largest of the thresholds
        and eight half-lives (where the decay weight is below 0.4 %).
    """
    thr = tuple(float(t) for t in thresholds)
    ns = len(sources)
    weights = np.asarray(weights, dtype=float)
    bound = float(limit) if limit is not None else max([*thr, 8.0 * half_life])
    beta = decay_beta(half_life)
    cumulative = np.zeros((ns, len(thr)))
    potential = np.zeros(ns)
    k = max(1, int(k))
    best = np.full((ns, k), np.inf)
    for idx, costs in cost_chunks(network, sources, opportunities, mode=mode, limit=bound):
        w = weights[idx]
        for t, value in enumerate(thr):
            cumulative[:, t] += (costs <= value).T.astype(float) @ w
        with np.errstate(over="ignore", invalid="ignore"):
            decay = np.where(np.isfinite(costs), np.exp(-beta * costs), 0.0)
        potential += decay.T @ w
        merged = np.concatenate([best, costs.T], axis=1)
        best = np.partition(merged, k - 1, axis=1)[:, :k]
    kth = np.sort(best, axis=1)[:, k - 1] if ns else np.zeros(0)
    kth = np.where(sources.reachable, kth, np.nan)
    return Access(thr, cumulative, potential, kth)
