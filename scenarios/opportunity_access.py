"""The per-dwelling opportunity access columns of an evaluation, reusing the base's searches where no edit reaches them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.opportunities import accumulate_access, sparse_costs
from slimmeregio.scenarios.opportunity_inputs import OpportunitySet
from slimmeregio.scenarios.opportunity_reuse import AccessMemo, Scope, changed_points

__all__ = [
    "BIKE_HALF_LIFE_MIN",
    "HALF_LIVES_SEARCHED",
    "NEAREST_K",
    "WALK_HALF_LIFE_M",
    "access_columns",
]

#: Cycling time (min) at which an opportunity counts for half in the potential:
#: the default of ``Parameters.opportunity_bike_half_life_min``, which the evaluation reads.
BIKE_HALF_LIFE_MIN = 10.0
#: Walking distance (m) at which an opportunity counts for half in the potential
#: (default of ``Parameters.opportunity_walk_half_life_m``).
WALK_HALF_LIFE_M = 800.0
#: The potential sums opportunities up to this many half-lives (weight >= 1/8).
HALF_LIVES_SEARCHED = 3.0
#: Rank of the nearest opportunity whose time is reported (default of
#: ``Parameters.opportunity_nearest_k``).
NEAREST_K = 3


def _fmt(value: float) -> str:
    return f"{value:g}"


def access_columns(
    sit: Any,
    sets: Iterable[OpportunitySet],
    check: Callable[[], None] | None = None,
    *,
    scope: Scope | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Per-dwelling access columns and, per column, how it aggregates (``mean``/``median``)."""
    params = sit.parameters
    columns: dict[str, np.ndarray] = {}
    how: dict[str, str] = {}
    for s in sets:
        w = s.frame["weight"].to_numpy(dtype=float)
        bike = _access(
            sit,
            s,
            "bike",
            w,
            scope=scope,
            check=check,
            thresholds=[60.0 * t for t in params.bike_thresholds_min],
            half_life=60.0 * params.opportunity_bike_half_life_min,
            limit=max(
                60.0 * max(params.bike_thresholds_min),
                60.0 * HALF_LIVES_SEARCHED * params.opportunity_bike_half_life_min,
            ),
        )
        walk = _access(
            sit,
            s,
            "walk",
            w,
            scope=scope,
            check=check,
            thresholds=list(params.walk_thresholds_m),
            half_life=params.opportunity_walk_half_life_m,
            limit=max(
                max(params.walk_thresholds_m),
                HALF_LIVES_SEARCHED * params.opportunity_walk_half_life_m,
            ),
        )
        for t, minutes in enumerate(params.bike_thresholds_min):
            columns[f"opp_{s.kind}_bike_{_fmt(minutes)}min"] = bike.cumulative[:, t]
        for t, metres in enumerate(params.walk_thresholds_m):
            columns[f"opp_{s.kind}_walk_{_fmt(metres)}m"] = walk.cumulative[:, t]
        columns[f"opp_{s.kind}_potential_bike"] = bike.potential
        columns[f"opp_{s.kind}_potential_walk"] = walk.potential
        k = params.opportunity_nearest_k
        columns[f"opp_{s.kind}_k{k}_bike_min"] = bike.kth / 60.0
        columns[f"opp_{s.kind}_k{k}_walk_m"] = walk.kth
    for key in columns:
        how[key] = "median" if f"_k{params.opportunity_nearest_k}_" in key else "mean"
    return columns, how


def _access(
    sit: Any,
    s: OpportunitySet,
    mode: str,
    weights: np.ndarray,
    *,
    scope: Scope | None,
    thresholds: list[float],
    half_life: float,
    limit: float,
    check: Callable[[], None] | None,
) -> Any:
    net, h_att = sit.network, sit.housing_att

    def accumulate(searches: Iterable[tuple[int, np.ndarray, np.ndarray]]) -> Any:
        return accumulate_access(
            len(h_att),
            h_att.reachable,
            searches,
            weights,
            thresholds=thresholds,
            half_life=half_life,
            k=sit.parameters.opportunity_nearest_k,
            check=check,
        )

    prev = scope.previous if scope is not None else None
    memo = prev.access.get((s.kind, mode)) if prev is not None else None
    if memo is None or prev is None or scope is None or scope.row_map is None:
        searches: Iterable[tuple[int, np.ndarray, np.ndarray]]
        if scope is None or scope.record is None:
            searches = sparse_costs(net, h_att, s.att, mode=mode, limit=limit)
        else:
            reached: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            kept = list(sparse_costs(net, h_att, s.att, mode=mode, limit=limit, reached=reached))
            scope.record.access[(s.kind, mode)] = AccessMemo(
                {j: (o, c) for j, o, c in kept}, len(s.att), reached
            )
            scope.record.opp_att[s.kind] = s.att
            searches = kept
        if scope is not None:
            scope.count("access_searched", int(s.att.reachable.sum()))
        return accumulate(searches)
    affected = changed_points(prev.opp_att[s.kind], s.att, scope.edge_map)
    arcs = scope.arcs[mode]
    # An opportunity on an edge an edit changed: its own start costs differ.
    o_owner, o_flat = s.att.expand()
    affected[o_owner[np.isin(o_flat.edge, arcs.fresh_edges)]] = True
    affected |= arcs.affected(memo, limit, net.n_nodes)
    again = np.flatnonzero(affected)
    fresh = {
        j: (o, c) for j, o, c in sparse_costs(net, h_att, s.att, mode=mode, limit=limit, only=again)
    }
    # The other searches reach the same nodes at the same costs as in the
    # base: their dwellings are taken over, except those whose attachment or
    # edges changed (or are new), which are costed from the kept node costs.
    row_map = scope.row_map
    dirty = scope.dirty_rows()
    dirty_rows = np.flatnonzero(dirty)
    kept_js = [j for j in sorted(memo.results) if not affected[j]]
    patch: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    node_costs = memo.costs
    if len(dirty_rows) and kept_js and node_costs is not None:
        sub = h_att.subset(dirty_rows)
        # Only searches that reach an end of a recomputed dwelling's edges (or
        # share an edge with it) can give it a cost; the others give none.
        relevant = _reaching(kept_js, node_costs, sub, s.att, arcs, net)

        def known() -> Iterator[tuple[int, np.ndarray]]:
            for j in relevant:
                at, cost = node_costs[j]
                row = np.full(arcs.n_base, np.inf)
                row[at] = cost
                yield j, arcs.extend(row, net.n_nodes, limit)

        none = (np.zeros(0, np.int64), np.zeros(0))
        patch = {j: none for j in kept_js}
        patch.update(
            {
                j: (dirty_rows[o], c)
                for j, o, c in sparse_costs(net, sub, s.att, mode=mode, limit=limit, known=known())
            }
        )
    merged: dict[int, tuple[np.ndarray, np.ndarray]] = dict(fresh)
    reused = 0
    for j in kept_js:
        owners, costs = memo.results[j]
        rows = row_map[owners]
        keep = rows >= 0
        keep[keep] = ~dirty[rows[keep]]
        rows, costs = rows[keep], costs[keep]
        if j in patch:
            rows = np.concatenate([rows, patch[j][0]])
            costs = np.concatenate([costs, patch[j][1]])
            order = np.argsort(rows, kind="stable")
            rows, costs = rows[order], costs[order]
        merged[j] = (rows, costs)
        reused += 1
    scope.count("access_reused", reused)
    scope.count("access_searched", len(fresh))
    searches = ((j, *merged[j]) for j in sorted(merged))
    return accumulate(searches)


def _reaching(
    kept: list[int],
    node_costs: dict[int, tuple[np.ndarray, np.ndarray]],
    sources: Attachment,
    opportunities: Attachment,
    arcs: Any,
    network: Any,
) -> list[int]:
    """Of the kept searches ``kept`` (ascending), those that can cost a
    point of ``sources``: they reached an end node of one of its candidate
    edges (for a new node, a base node with an arc into it), or the
    opportunity lies on one of those edges (a route along the edge)."""
    _, flat = sources.expand_rows()
    se = flat.edge
    needed = np.zeros(network.n_nodes, bool)
    needed[network.u[se]] = True
    needed[network.v[se]] = True
    nb = arcs.n_base
    base_needed = needed[:nb].copy()
    fresh_nodes = np.flatnonzero(needed[nb:]) + nb
    if len(fresh_nodes):
        into = np.isin(arcs.new_b, fresh_nodes) & (arcs.new_a < nb)
        base_needed[arcs.new_a[into]] = True
    on_edge = np.zeros(network.n_edges, bool)
    on_edge[se] = True
    d_owner, d_flat = opportunities.expand_rows()
    near = np.zeros(len(opportunities), bool)
    near[d_owner[on_edge[d_flat.edge]]] = True
    return [j for j in kept if near[j] or base_needed[node_costs[j][0]].any()]
