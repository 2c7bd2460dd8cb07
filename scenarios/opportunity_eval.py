"""Opportunity access and bike commuting inside an evaluation (base or scenario).

The engine calls three functions: :func:`prepare_opportunities` once per
base (reads the opportunity layers and the OD table, attaches the points),
:func:`carry_opportunities` per scenario (re-attaches them to the edited
network; both in :mod:`opportunity_inputs`) and
:func:`evaluate_opportunities` per evaluation, which merges the access
columns (:mod:`opportunity_access`) and the commuting (:mod:`commute_eval`)
into the per-dwelling columns, region and municipality indicators, the link
flow of potential bike commuters and the per-workplace and per-OD-pair
tables.

Indicator keys (``<kind>`` is ``jobs``, ``schools``, ``health``, ``shops``
or ``destinations``; thresholds are the run's parameters):

``opp_<kind>_bike_<min>min`` / ``opp_<kind>_walk_<m>m``
    dwelling-weighted mean of the opportunities (jobs, pupils ...) within
    that cycling time / walking distance.
``opp_<kind>_potential_bike`` / ``..._walk``
    dwelling-weighted mean of the decay-weighted potential.
``opp_<kind>_k<k>_bike_min`` / ``opp_<kind>_k<k>_walk_m``
    dwelling-weighted median cycling time (min) / walking distance (m) to
    the k-th nearest opportunity (``inf`` when more than half have fewer).
``commuters``, ``bike_commuters_<preset>``, ``share_bike_commuters_<preset>``
    commuters of the analysed dwellings assigned to the bike network
    (gravity model or OD table), potential cyclists among them per uptake
    preset and their share (%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.progress import Task
from slimmeregio.scenarios.commute_eval import (
    HEADLINE_PRESET,
    PARK_PAGES,
    WORKERS_PER_DWELLING,
    commute_tables,
)
from slimmeregio.scenarios.commute_eval import commute as commute_of
from slimmeregio.scenarios.commuting import PRESETS
from slimmeregio.scenarios.dwelling_stats import GroupedOrder, hint_from_base, stable_order
from slimmeregio.scenarios.group_reuse import Unchanged, unchanged_groups
from slimmeregio.scenarios.incremental import full_evaluation_forced
from slimmeregio.scenarios.opportunity_access import (
    BIKE_HALF_LIFE_MIN,
    NEAREST_K,
    WALK_HALF_LIFE_M,
    access_columns,
)
from slimmeregio.scenarios.opportunity_inputs import (
    KINDS,
    OpportunityInputs,
    OpportunitySet,
    carry_opportunities,
    prepare_opportunities,
)
from slimmeregio.scenarios.opportunity_reuse import ReuseState, scope_of, unchanged
from slimmeregio.scenarios.quiet_routes import route_costs_for
from slimmeregio.scenarios.results import read_only_columns
from slimmeregio.scenarios.side_by_side import side_by_side

__all__ = [
    "BIKE_HALF_LIFE_MIN",
    "HEADLINE_PRESET",
    "KINDS",
    "NEAREST_K",
    "PARK_PAGES",
    "WALK_HALF_LIFE_M",
    "WORKERS_PER_DWELLING",
    "OpportunityInputs",
    "OpportunityOutcome",
    "OpportunitySet",
    "carry_opportunities",
    "evaluate_opportunities",
    "merge_outcome",
    "prepare_opportunities",
]


@dataclass(frozen=True, eq=False)
class OpportunityOutcome:
    """What one evaluation adds for opportunities and commuting.

    Attributes
    ----------
    dwelling_columns
        Per-dwelling columns (see the module docstring for their names).
    region
        Region indicators.
    municipalities
        ``nis`` plus one column per municipality indicator.
    link_flow
        Per network edge: potential bike commuters (:data:`HEADLINE_PRESET`).
    workplaces
        Per job point: ``opp_id``, ``name``, ``jobs``, ``commuters``,
        ``bike_commuters_<preset>`` ...; point geometry.
    od
        Per origin municipality and job point: ``origin``, ``opp_id``,
        ``commuters``, ``distance_km`` (commuter-weighted mean route
        distance), ``bike_commuters_<preset>``.
    notes
        ``{code: {"nl": ..., "en": ...}}``.
    park_routes
        For the :data:`PARK_PAGES` workplaces with the most potential bike
        commuters (Go Dutch): ``opp_id -> (per edge: its potential bike
        commuters, per dwelling: its potential bike commuters to it)``, for
        the one-page business-park maps.
    """

    dwelling_columns: dict[str, np.ndarray]
    region: dict[str, float]
    municipalities: pd.DataFrame
    link_flow: np.ndarray
    workplaces: gpd.GeoDataFrame | None
    od: pd.DataFrame | None
    notes: dict[str, dict[str, str]]
    park_routes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: A base evaluation's searches and trees, for scenarios to reuse
    #: (:mod:`opportunity_reuse`); None for scenario evaluations.
    reuse: ReuseState | None = None
    #: Per network edge: its mean absolute gradient (%), None without an
    #: elevation model (:mod:`.hilliness`).
    link_gradient: np.ndarray | None = None
    #: A base's median columns, every row in stable sorted order (hints for
    #: its scenarios' sorts, :func:`~dwelling_stats.hint_from_base`).
    orders: dict[str, np.ndarray] = field(default_factory=dict)
    #: Searches and route trees run and reused (``access_searched``,
    #: ``access_rerun`` (run again for node costs only), ``access_reused``,
    #: ``trees_searched``, ``trees_repaired``, ``trees_reused``;
    #: ``unchanged``: 1 when the base's outcome was taken over whole).
    work: dict[str, int] = field(default_factory=dict)
    #: A base's dwellings per row and municipality per row (codes, ``nis``
    #: per code), for its scenarios to take figures over (:mod:`group_reuse`).
    weights: np.ndarray | None = None
    groups: tuple[np.ndarray, tuple[str, ...]] | None = None


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else float("nan")


def _sorted_median(v: np.ndarray, w: np.ndarray) -> float:
    """The weighted median of values (no NaN, each with weight) already in
    stable order: the smallest value at which the running weight reaches half."""
    if len(v) == 0:
        return float("nan")
    cum = np.cumsum(w)
    return float(v[min(int(np.searchsorted(cum, 0.5 * cum[-1] - 1e-9 * cum[-1])), len(v) - 1)])


def evaluate_opportunities(
    sit: Any,
    dw: pd.DataFrame,
    inputs: OpportunityInputs | None,
    *,
    task: Task | None = None,
    previous: OpportunityOutcome | None = None,
) -> OpportunityOutcome | None:
    """Access and commuting indicators of one situation (None without opportunity data).

    ``sit``: the :class:`~slimmeregio.scenarios.indicators.Situation`;
    ``dw``: its per-dwelling frame (``dwellings``, ``nis``, ``reachable``).
    ``previous``: the base's outcome, whose searches and route trees a
    scenario takes over where its edits cannot reach them (the result equals
    a recomputation exactly, see :mod:`opportunity_reuse`); a base
    evaluation (``sit.scenario`` None) keeps them in its outcome.
    """
    if inputs is None:
        return None
    task = task or Task()
    scope = scope_of(
        sit, dw, previous, route_costs=route_costs_for(sit.parameters, inputs.infrastructure)
    )
    if previous is not None and unchanged(sit, dw, inputs, scope):
        task.report(1.0, "access to opportunities")
        return replace(previous, reuse=None, work={"unchanged": 1})
    task.report(0.0, "access to opportunities")
    # Commuting runs beside access (the two families share nothing but the
    # scope's counters, which count under a lock).
    (columns, how), commute = side_by_side(
        lambda: access_columns(sit, inputs.sets, task.check, scope=scope),
        lambda: commute_of(sit, dw, inputs, task.check, scope),
        "commuting",
    )
    task.report(0.5, "commuting")
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    nis = dw["nis"].astype(str).to_numpy()
    per_dwelling: dict[str, np.ndarray] = dict(columns)
    if commute is not None:
        origins = commute["origins"]
        per_dwelling["commuters"] = origins.spread(commute["trips"].sum(axis=1), dwellings)
        for p, values in commute["cyclists"].items():
            per_dwelling[f"bike_commuters_{p}"] = origins.spread(values.sum(axis=1), dwellings)

    # Municipalities by code (first appearance order); each median column is
    # sorted once for the region and all municipalities (GroupedOrder).
    codes, uniques = pd.factorize(nis)
    by_code = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[by_code], np.arange(len(uniques) + 1))
    # What the base's figures can stand for: per column, the municipalities
    # whose dwellings and values are the base's (group_reuse).
    same = _unchanged(previous, per_dwelling, dwellings, codes, uniques, sit)
    base_rows = _base_rows(previous) if same is not None else {}
    orders = _median_orders(
        columns,
        how,
        dwellings,
        codes,
        len(uniques),
        previous,
        getattr(sit, "housing_rows", None),
        skip=same.everywhere if same is not None else set(),
    )

    figures = _Figures(
        columns,
        how,
        per_dwelling if commute is not None else None,
        dwellings,
        orders,
        same,
        uniques,
    )
    region = figures.of(
        None, taken=previous.region if same is not None and previous is not None else None
    )
    rows = []
    for c, code in enumerate(uniques):
        idx = by_code[bounds[c] : bounds[c + 1]]
        rows.append({"nis": str(code), **figures.of(idx, c, base_rows.get(str(code)))})
    municipalities = pd.DataFrame(rows)
    link_flow = commute["link_flow"] if commute is not None else np.zeros(sit.network.n_edges)
    workplaces, od_table, notes = commute_tables(commute)
    park_routes = commute["park_routes"] if commute is not None else {}
    out = OpportunityOutcome(
        per_dwelling,
        region,
        municipalities,
        link_flow,
        workplaces,
        od_table,
        notes,
        park_routes,
        link_gradient=commute["link_gradient"] if commute is not None else None,
        reuse=scope.record,
        work=dict(scope.counts),
        orders={key: order.order for key, order in orders.items()} if previous is None else {},
        weights=dwellings if previous is None else None,
        groups=(codes, tuple(str(u) for u in uniques)) if previous is None else None,
    )
    return out


class _Figures:
    """The opportunity figures of a set of dwellings (the region, a
    municipality), taking the base's where ``same`` says they are unchanged."""

    def __init__(
        self,
        columns: dict[str, np.ndarray],
        how: dict[str, str],
        commuting: dict[str, np.ndarray] | None,
        dwellings: np.ndarray,
        orders: dict[str, GroupedOrder],
        same: Unchanged | None,
        uniques: Any,
    ) -> None:
        self.columns, self.how, self.commuting = columns, how, commuting
        self.dwellings, self.orders, self.same, self.uniques = dwellings, orders, same, uniques

    def _kept(self, key: str, label: str | None, taken: dict[str, float] | None) -> bool:
        if self.same is None or taken is None:
            return False
        if label is None:
            return key in self.same.everywhere
        return label in self.same.groups.get(key, ())

    def _sum(self, key: str, idx: np.ndarray | None) -> float:
        assert self.commuting is not None
        col = self.commuting[key]
        return float(col.sum() if idx is None else col[idx].sum())

    def of(
        self, idx: np.ndarray | None, code: int | None = None, taken: dict[str, float] | None = None
    ) -> dict[str, float]:
        """The figures of rows ``idx`` (None: the region) of group ``code``;
        ``taken``: the base's figures there."""
        label = None if code is None else str(self.uniques[code])
        dwellings = self.dwellings
        w = dwellings if idx is None else dwellings[idx]
        out: dict[str, float] = {}
        for key, values in self.columns.items():
            if self._kept(key, label, taken):
                out[key] = taken[key]  # type: ignore[index]
            elif self.how[key] == "median":
                order = self.orders[key]
                rows = order.rows if code is None else order.group(code)
                out[key] = _sorted_median(values[rows], dwellings[rows])
            else:
                v = values if idx is None else values[idx]
                out[key] = _weighted_mean(np.nan_to_num(v, nan=0.0), w)
        if self.commuting is not None:
            total = (
                taken["commuters"]  # type: ignore[index]
                if self._kept("commuters", label, taken)
                else self._sum("commuters", idx)
            )
            out["commuters"] = total
            for p in PRESETS:
                key = f"bike_commuters_{p}"
                value = (
                    taken[key]  # type: ignore[index]
                    if self._kept(key, label, taken)
                    else self._sum(key, idx)
                )
                out[key] = value
                out[f"share_bike_commuters_{p}"] = (
                    100.0 * value / total if total > 0 else float("nan")
                )
        return out


def _unchanged(
    previous: OpportunityOutcome | None,
    per_dwelling: dict[str, np.ndarray],
    dwellings: np.ndarray,
    codes: np.ndarray,
    uniques: Any,
    sit: Any,
) -> Unchanged | None:
    """Per column, the municipalities a scenario can take the base's figure
    of (:func:`~group_reuse.unchanged_groups`); None without a base to
    take from."""
    if (
        previous is None
        or previous.weights is None
        or previous.groups is None
        or full_evaluation_forced()
    ):
        return None
    then = dict(previous.dwelling_columns)
    then["_dwellings"] = previous.weights
    now = {**per_dwelling, "_dwellings": dwellings}
    then_codes, then_uniq = previous.groups
    same = unchanged_groups(
        now,
        then,
        codes,
        list(uniques),
        then_codes,
        then_uniq,
        getattr(sit, "housing_rows", None),
        weights=("_dwellings",),
    )
    return same


def _base_rows(previous: OpportunityOutcome | None) -> dict[str, dict[str, float]]:
    """The base's municipality figures by ``nis``."""
    if previous is None or previous.municipalities.empty:
        return {}
    table = previous.municipalities
    return {
        str(nis): row
        for nis, row in zip(table["nis"], table.drop(columns="nis").to_dict("records"), strict=True)
    }


def _median_orders(
    columns: dict[str, np.ndarray],
    how: dict[str, str],
    dwellings: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    previous: OpportunityOutcome | None,
    housing_rows: np.ndarray | None,
    *,
    skip: set[str] = frozenset(),  # type: ignore[assignment]
) -> dict[str, GroupedOrder]:
    """Per median column, its counted rows (a value and dwellings) sorted once
    for the region and every municipality, from the base's order where a
    scenario has it (:func:`~dwelling_stats.hint_from_base`)."""
    orders: dict[str, GroupedOrder] = {}
    for key, values in columns.items():
        if how[key] != "median" or key in skip:  # skip: taken from the base everywhere
            continue
        # NaN (no value, not counted) as inf: the counted rows keep their order.
        keys = np.where(np.isnan(values), np.inf, values)
        hint = None
        if (
            previous is not None
            and housing_rows is not None
            and key in previous.orders
            and not full_evaluation_forced()
        ):
            hint = hint_from_base(previous.orders[key], housing_rows)
        orders[key] = GroupedOrder(
            keys, ~np.isnan(values) & (dwellings > 0), codes, n_groups,
            order=stable_order(keys, hint),
        )  # fmt: skip
    return orders


def decay_weight(cost: float, half_life: float) -> float:
    """The potential's weight of an opportunity at ``cost`` (1 at 0, 1/2 at the half-life)."""
    return math.exp(-math.log(2.0) * cost / half_life)


def merge_outcome(
    outcome: OpportunityOutcome | None,
    dw: gpd.GeoDataFrame,
    region: dict[str, float],
    municipalities: pd.DataFrame,
    links: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """The evaluation's frames with the outcome's columns added (``region`` in place).

    Links get ``flow_bike_commuters`` (before ``change``) when commuting was
    computed, and ``gradient_pct`` after it with an elevation model.
    """
    if outcome is None:
        return dw, municipalities, links
    dw = _with_columns(dw, outcome.dwelling_columns)
    region.update(outcome.region)
    if len(outcome.municipalities.columns) > 1:
        extra = outcome.municipalities.set_index("nis")
        keys = municipalities["nis"].astype(str)
        municipalities = pd.concat(
            [municipalities.reset_index(drop=True), extra.reindex(keys).reset_index(drop=True)],
            axis=1,
        )
    if outcome.workplaces is not None:
        links = links.copy()
        at = links.columns.get_loc("change") if "change" in links.columns else len(links.columns)
        links.insert(int(at), "flow_bike_commuters", outcome.link_flow)
        if outcome.link_gradient is not None:
            links.insert(int(at) + 1, "gradient_pct", outcome.link_gradient)
    return dw, municipalities, links


def _with_columns(frame: gpd.GeoDataFrame, columns: dict[str, np.ndarray]) -> gpd.GeoDataFrame:
    """``frame.assign(**columns)`` without a copy of each array: the frame and
    the outcome (which a scenario compares with, and takes figures from) hold
    the same ones, 57 MB less per evaluation on the 300,000-address project
    (see :func:`read_only_columns`)."""
    if not columns or any(name in frame.columns for name in columns):
        return frame.assign(**columns)  # replaced in place: assign keeps the column order
    extra = pd.DataFrame(read_only_columns(columns), index=frame.index, copy=False)
    return pd.concat([frame, extra], axis=1)
