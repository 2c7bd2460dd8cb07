"""The per-dwelling opportunity access columns of an evaluation, reusing the base's searches where no edit reaches them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.opportunities import Access, accumulate_access, node_costs, sparse_costs
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
        recorded: AccessMemo | None = None
        if scope is None or scope.record is None:
            searches = sparse_costs(net, h_att, s.att, mode=mode, limit=limit)
        else:
            reached: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            kept = list(sparse_costs(net, h_att, s.att, mode=mode, limit=limit, reached=reached))
            recorded = scope.record.access[(s.kind, mode)] = AccessMemo(
                {j: (o, c) for j, o, c in kept}, len(s.att), reached
            )
            scope.record.opp_att[s.kind] = s.att
            searches = kept
        if scope is not None:
            scope.count("access_searched", int(s.att.reachable.sum()))
        result = accumulate(searches)
        if recorded is not None:
            recorded.totals, recorded.weights = result, weights
        return result
    # The thresholds, half-life and k are the base's (a scope reuses only
    # then, opportunity_reuse._same_measure); the weights are checked here.
    if memo.totals is None or memo.weights is None or not np.array_equal(memo.weights, weights):
        return accumulate(_reused_searches(sit, s, mode, limit, memo, scope)[1])
    recompute, searches = _reused_searches(sit, s, mode, limit, memo, scope, restrict=True)
    return _combined(memo.totals, accumulate(searches), recompute, scope.row_map)


def _combined(base: Access, part: Access, recompute: np.ndarray, row_map: np.ndarray) -> Access:
    """A scenario's access: ``part``'s at the dwellings ``recompute``
    (accumulated from their searches' results, in the same order as a full
    accumulation), the base's at every other dwelling, whose results are the
    base's (``row_map``: base row -> scenario row or -1)."""
    have = np.flatnonzero(row_map >= 0)
    to = row_map[have]
    out = []
    for mine, theirs in (
        (part.cumulative, base.cumulative),
        (part.potential, base.potential),
        (part.kth, base.kth),
    ):
        column = np.empty_like(mine)
        column[to] = theirs[have]
        column[recompute] = mine[recompute]
        out.append(column)
    return Access(part.thresholds, *out)


def _reused_searches(
    sit: Any,
    s: OpportunitySet,
    mode: str,
    limit: float,
    memo: AccessMemo,
    scope: Scope,
    *,
    restrict: bool = False,
) -> tuple[np.ndarray, Iterator[tuple[int, np.ndarray, np.ndarray]]]:
    """A scenario's ``(opportunity, dwelling rows, costs)``, ascending, from
    the base's searches (``memo``) wherever they stay right; and per dwelling
    whether its results can differ from the base's (new, attached otherwise,
    or reached by a search whose results changed). ``restrict``: yield the
    results of those dwellings only.

    * An opportunity attached otherwise, or on an edge an edit changed, is
      searched again and its dwellings gathered anew.
    * A search an edit can reach (:meth:`~opportunity_reuse.ChangedArcs.affected`)
      is run again for its node costs only; the dwellings with a candidate
      edge ending at a node whose cost changed are costed anew, every other
      dwelling's cost is the base's (the same additions of the same numbers).
      On the 300,000-address project an edit changes about 1 % of the nodes
      such a search reaches, so it gathers a few hundred dwellings, not tens
      of thousands.
    * The other searches are the base's; their dwellings are taken over,
      except those new or attached otherwise (and those above), which are
      costed from the kept node costs.
    """
    net, h_att = sit.network, sit.housing_att
    assert scope.previous is not None
    affected = changed_points(scope.previous.opp_att[s.kind], s.att, scope.edge_map)
    arcs = scope.arcs[mode]
    # An opportunity on an edge an edit changed: its own start costs differ.
    o_owner, o_flat = s.att.expand()
    affected[o_owner[np.isin(o_flat.edge, arcs.fresh_edges)]] = True
    reached_by_edit = arcs.affected(memo, limit, net.n_nodes) & ~affected
    again = np.flatnonzero(affected)
    fresh = {
        j: (o, c) for j, o, c in sparse_costs(net, h_att, s.att, mode=mode, limit=limit, only=again)
    }
    rerun, moved = _run_again(
        sit, s, mode, limit, memo, np.flatnonzero(reached_by_edit), arcs.n_base
    )
    row_map = scope.row_map
    assert row_map is not None
    # Dwellings costed anew: new or attached otherwise, or next to a node
    # whose cost a search run again changed.
    dirty = scope.dirty_rows() | moved
    dirty_rows = np.flatnonzero(dirty)
    kept_js = [j for j in sorted(memo.results) if not affected[j]]
    patch: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if len(dirty_rows) and kept_js:
        sub = h_att.subset(dirty_rows)
        # Only searches that reach an end of a recomputed dwelling's edges (or
        # share an edge with it) can give it a cost; the others give none.
        relevant = _reaching(
            [j for j in kept_js if j not in rerun], memo.costs, sub, s.att, arcs, net
        )
        relevant = sorted({*relevant, *rerun})

        def known() -> Iterator[tuple[int, np.ndarray]]:
            for j in relevant:
                at, cost = rerun[j] if j in rerun else memo.costs[j]
                row = np.full(net.n_nodes if j in rerun else arcs.n_base, np.inf)
                row[at] = cost
                yield j, row if j in rerun else arcs.extend(row, net.n_nodes, limit)

        none = (np.zeros(0, np.int64), np.zeros(0))
        patch = {j: none for j in kept_js}
        patch.update(
            {
                j: (dirty_rows[o], c)
                for j, o, c in sparse_costs(net, sub, s.att, mode=mode, limit=limit, known=known())
            }
        )
    # Dwellings whose results can differ from the base's: those costed anew,
    # those a search searched again reaches now or reached in the base, and
    # any without a base row.
    recompute = dirty.copy()
    covered = np.zeros(len(h_att), bool)
    covered[row_map[row_map >= 0]] = True
    recompute |= ~covered
    for j, (rows, _) in fresh.items():
        recompute[rows] = True
        if j in memo.results:
            was = row_map[memo.results[j][0]]
            recompute[was[was >= 0]] = True
    # Taken over from the base: results of dwellings not costed anew (of
    # those recomputed only, when restricted).
    take = ~dirty & recompute if restrict else ~dirty
    merged: dict[int, tuple[np.ndarray, np.ndarray]] = dict(fresh)
    for j in kept_js:
        owners, costs = memo.results[j]
        rows = row_map[owners]
        keep = rows >= 0
        keep[keep] = take[rows[keep]]
        rows, costs = rows[keep], costs[keep]
        if j in patch:
            rows = np.concatenate([rows, patch[j][0]])
            costs = np.concatenate([costs, patch[j][1]])
            order = np.argsort(rows, kind="stable")
            rows, costs = rows[order], costs[order]
        merged[j] = (rows, costs)
    scope.count("access_reused", len(kept_js) - len(rerun))
    scope.count("access_rerun", len(rerun))
    scope.count("access_searched", len(fresh))
    return recompute, ((j, *merged[j]) for j in sorted(merged))


def _run_again(
    sit: Any,
    s: OpportunitySet,
    mode: str,
    limit: float,
    memo: AccessMemo,
    js: np.ndarray,
    n_base: int,
) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The searches from ``js`` on the scenario's network, node costs only:
    per opportunity the nodes reached and the cost at each; and per dwelling
    of the scenario whether one of its candidate edges ends at a base node
    whose cost differs from the base search's (bit for bit) in any of them
    (``n_base``: the base network's nodes, which keep their numbers)."""
    net, h_att = sit.network, sit.housing_att
    changed = np.zeros(net.n_nodes, bool)
    rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for j, row in node_costs(net, s.att, mode=mode, limit=limit, only=js):
        at, cost = memo.costs[j]
        base = np.full(n_base, np.inf)
        base[at] = cost
        # inf == inf: a node unreached in both is unchanged.
        changed[:n_base] |= base != row[:n_base]
        reached = np.flatnonzero(np.isfinite(row))
        rows[j] = (reached, row[reached])
    moved = np.zeros(len(h_att), bool)
    if rows:
        owner, flat = h_att.expand_rows()
        edge = flat.edge
        moved[owner[changed[net.u[edge]] | changed[net.v[edge]]]] = True
    return rows, moved


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
