"""Opportunity access and bike commuting inside an evaluation (base or scenario).

The engine calls three functions: :func:`prepare_opportunities` once per
base (reads the opportunity layers and the OD table, attaches the points),
:func:`carry_opportunities` per scenario (re-attaches them to the edited
network) and :func:`evaluate_opportunities` per evaluation, which returns
the per-dwelling columns, region and municipality indicators, the link flow
of potential bike commuters and the per-workplace and per-OD-pair tables.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS, Project
from slimmeregio.layers.opportunities import (
    OPPORTUNITY_ROLES,
    od_pairs,
    opportunity_weights,
    zone_code,
)
from slimmeregio.layers.progress import Task
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.attach import Attachment, attach_points, carry_over
from slimmeregio.scenarios.commuting import (
    PRESETS,
    RouteTrees,
    all_presets,
    gravity_model,
)
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.opportunities import accumulate_access, sparse_costs
from slimmeregio.scenarios.opportunity_reuse import (
    AccessMemo,
    ReuseState,
    Scope,
    TreeMemo,
    changed_points,
    known_trees,
    scope_of,
    unchanged,
)

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

#: Short key of each opportunity role in indicator keys and columns.
KINDS: dict[Role, str] = {
    Role.JOBS: "jobs",
    Role.SCHOOLS: "schools",
    Role.HEALTH_CARE: "health",
    Role.SHOPS: "shops",
    Role.DESTINATIONS: "destinations",
}
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
#: Working residents per dwelling in the gravity model: about 2.3 persons per
#: household x 57 % aged 20-64 x 76 % of them at work (Statbel, Flanders); the
#: default of ``Parameters.workers_per_dwelling``.
WORKERS_PER_DWELLING = 1.0
#: Workplaces (most potential bike commuters first) whose own routes are kept
#: for a one-page map each (:mod:`slimmeregio.exporters.business_parks`).
PARK_PAGES = 10
#: The uptake preset of the headline link flow (``flow_bike_commuters``).
HEADLINE_PRESET = "go_dutch"
#: Mode values of an OD table that mean cycling.
_BIKE_MODES = frozenset({"fiets", "bike", "bicycle", "cycle", "cycling", "velo", "vélo", "fietsen"})


@dataclass(frozen=True, eq=False)
class OpportunitySet:
    """One opportunity layer: canonical points (``opp_id``, ``name``,
    ``weight``, ``nis``) and their attachment."""

    kind: str
    role: Role
    frame: gpd.GeoDataFrame
    att: Attachment


@dataclass(frozen=True, eq=False)
class OpportunityInputs:
    """The project's opportunity layers and OD table (None: none loaded)."""

    sets: tuple[OpportunitySet, ...]
    od: pd.DataFrame | None = None

    def get(self, kind: str) -> OpportunitySet | None:
        return next((s for s in self.sets if s.kind == kind), None)


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
    #: Searches and route trees run and reused (``access_searched``,
    #: ``access_reused``, ``trees_searched``, ``trees_reused``; ``unchanged``:
    #: 1 when the base's outcome was taken over whole).
    work: dict[str, int] = field(default_factory=dict)


def _point_of(geoms: np.ndarray) -> np.ndarray:
    pts = np.asarray(geoms, dtype=object).copy()
    not_point = shapely.get_type_id(pts) != 0
    if not_point.any():
        pts[not_point] = shapely.point_on_surface(pts[not_point])
    return pts


def _locate_nis(pts: np.ndarray, municipalities: gpd.GeoDataFrame | None) -> np.ndarray:
    nis = np.full(len(pts), "", dtype=object)
    if municipalities is not None and len(pts):
        pi, mi = municipalities.sindex.query(pts, predicate="intersects")
        nis[pi] = municipalities["nis"].astype(str).to_numpy(dtype=object)[mi]
    return nis


def prepare_opportunities(
    project: Project,
    network: Network,
    *,
    municipalities: gpd.GeoDataFrame | None,
    max_snap_m: float,
) -> OpportunityInputs | None:
    """Read the first layer of each opportunity role and the OD table; None when there are none."""
    sets = []
    for role in OPPORTUNITY_ROLES:
        layer = project.layers.first(role)
        if layer is None or layer.is_raster or len(layer) == 0:
            continue
        frame = (
            layer.frame.to_crs(ANALYSIS_CRS)
            if str(layer.frame.crs) != ANALYSIS_CRS
            else layer.frame
        )
        pts = _point_of(frame.geometry.values)
        ok = ~shapely.is_empty(pts) & ~pd.isna(pts)
        pts = pts[ok]
        weights = opportunity_weights(layer)[ok]
        names = layer.find_column("name")
        name_values = (
            names.fillna("").astype(str).to_numpy(dtype=object)[ok]
            if names is not None
            else np.full(len(pts), "", dtype=object)
        )
        zone = layer.find_column("zone")
        nis = (
            zone.map(zone_code).to_numpy(dtype=object)[ok]
            if zone is not None
            else _locate_nis(pts, municipalities)
        )
        ids = np.array([f"{KINDS[role]}-{i}" for i in range(len(pts))], dtype=object)
        canon = gpd.GeoDataFrame(
            {"opp_id": ids, "name": name_values, "weight": weights, "nis": nis},
            geometry=gpd.GeoSeries(pts, crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )
        xy = shapely.get_coordinates(pts)
        att = attach_points(network, xy, ids, max_snap_m=max_snap_m)
        sets.append(OpportunitySet(KINDS[role], role, canon, att))
    od_layer = project.layers.first(Role.OD_TABLE)
    od = od_pairs(od_layer) if od_layer is not None and not od_layer.is_raster else None
    if not sets and od is None:
        return None
    return OpportunityInputs(tuple(sets), od)


def carry_opportunities(
    inputs: OpportunityInputs | None,
    network: Network,
    *,
    edge_map: np.ndarray | None,
    new_edges: np.ndarray,
    max_snap_m: float,
    same_snap: bool = True,
) -> OpportunityInputs | None:
    """The opportunity points re-attached to a scenario's network."""
    if inputs is None:
        return None
    sets = []
    for s in inputs.sets:
        rows = (
            np.arange(len(s.frame), dtype=np.int64)
            if same_snap
            else np.full(len(s.frame), -1, np.int64)
        )
        att = carry_over(
            network,
            s.att,
            rows,
            shapely.get_coordinates(s.frame.geometry.values),
            s.frame["opp_id"].to_numpy(dtype=object),
            edge_map=edge_map,
            new_edges=new_edges,
            max_snap_m=max_snap_m,
        )
        sets.append(replace(s, att=att))
    return replace(inputs, sets=tuple(sets))


def _fmt(value: float) -> str:
    return f"{value:g}"


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = weights.sum()
    return float((values * weights).sum() / total) if total > 0 else float("nan")


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    ok = ~np.isnan(values) & (weights > 0)
    if not ok.any():
        return float("nan")
    v, w = values[ok], weights[ok]
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    return float(
        v[order][min(int(np.searchsorted(cum, 0.5 * cum[-1] - 1e-9 * cum[-1])), len(v) - 1)]
    )


def _access_columns(
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
    prev = scope.previous if scope is not None else None
    memo = prev.access.get((s.kind, mode)) if prev is not None else None
    if memo is None or prev is None or scope is None or scope.row_map is None:
        reached: dict[int, np.ndarray] | None = None
        searches: Iterable[tuple[int, np.ndarray, np.ndarray]]
        if scope is None or scope.record is None:
            searches = sparse_costs(net, h_att, s.att, mode=mode, limit=limit)
        else:
            reached = {}
            kept = list(sparse_costs(net, h_att, s.att, mode=mode, limit=limit, reached=reached))
            mask = np.zeros((len(s.att), net.n_nodes), bool)
            for j, row in reached.items():
                mask[j] = row
            scope.record.access[(s.kind, mode)] = AccessMemo({j: (o, c) for j, o, c in kept}, mask)
            scope.record.opp_att[s.kind] = s.att
            searches = kept
        if scope is not None:
            scope.count("access_searched", int(s.att.reachable.sum()))
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
    affected = changed_points(prev.opp_att[s.kind], s.att, scope.edge_map)
    touched = scope.touched[mode]
    if len(touched):
        affected |= memo.reached[:, touched].any(axis=1)
    new_rows = scope.new_rows if scope.new_rows is not None else np.zeros(0, np.int64)
    if len(new_rows):
        # Dwellings attached anew: every search reaching one of their edges,
        # or sharing an edge with them, is run again.
        owner, flat = h_att.subset(new_rows).expand()
        edges = flat.edge[flat.edge >= 0]
        ends = np.concatenate([net.u[edges], net.v[edges]])
        ends = ends[ends < memo.reached.shape[1]]
        if len(ends):
            affected |= memo.reached[:, ends].any(axis=1)
        o_owner, o_flat = s.att.expand()
        affected[o_owner[np.isin(o_flat.edge, edges)]] = True
    again = np.flatnonzero(affected)
    fresh = {
        j: (o, c) for j, o, c in sparse_costs(net, h_att, s.att, mode=mode, limit=limit, only=again)
    }
    row_map = scope.row_map
    merged: dict[int, tuple[np.ndarray, np.ndarray]] = dict(fresh)
    reused = 0
    for j, (owners, costs) in memo.results.items():
        if affected[j]:
            continue
        rows = row_map[owners]
        keep = rows >= 0
        merged[j] = (rows[keep], costs[keep]) if not keep.all() else (rows, costs)
        reused += 1
    scope.count("access_reused", reused)
    scope.count("access_searched", len(fresh))
    searches = ((j, *merged[j]) for j in sorted(merged))
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


def _trip_matrix(
    dw: pd.DataFrame,
    jobs: OpportunitySet,
    od: pd.DataFrame | None,
    cost_km: np.ndarray,
    params: Any,
) -> tuple[np.ndarray, np.ndarray | None, dict[str, dict[str, str]]]:
    """Commuters (dwellings x job points) and today's cyclists (None: unknown)."""
    notes: dict[str, dict[str, str]] = {}
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    jobs_w = jobs.frame["weight"].to_numpy(dtype=float)
    if od is None:
        trips = gravity_model(
            dwellings * params.workers_per_dwelling,
            jobs_w,
            cost_km,
            beta=params.commute_beta_per_km,
            tolerance=1e-6,
        )
        return trips, None, notes
    origin_nis = dw["nis"].astype(str).to_numpy()
    dest_nis = jobs.frame["nis"].astype(str).to_numpy()
    trips = np.zeros((len(dw), len(jobs_w)))
    bikes = np.zeros_like(trips)
    unplaced = 0.0
    for (o, d), group in od.groupby(["origin", "destination"], sort=False):
        rows = np.flatnonzero(origin_nis == o)
        cols = np.flatnonzero(dest_nis == d)
        total = float(group["commuters"].sum())
        if not len(rows) or not len(cols) or dwellings[rows].sum() <= 0 or jobs_w[cols].sum() <= 0:
            unplaced += total
            continue
        share = np.outer(dwellings[rows] / dwellings[rows].sum(), jobs_w[cols] / jobs_w[cols].sum())
        trips[np.ix_(rows, cols)] += total * share
        bike = float(group.loc[group["mode"].isin(_BIKE_MODES), "commuters"].sum())
        bikes[np.ix_(rows, cols)] += bike * share
    if unplaced > 0:
        notes["od_unplaced"] = {
            "nl": f"{unplaced:.0f} pendelaars uit de pendeltabel hebben geen woningen in hun herkomst "
            "of geen banen in hun bestemming en zijn niet toegewezen.",
            "en": f"{unplaced:.0f} commuters of the OD table have no dwellings at their origin or no jobs "
            "at their destination and are not assigned.",
        }
    has_modes = bool(od["mode"].astype(str).str.len().gt(0).any())
    return trips, bikes if has_modes else None, notes


def _commuting(
    sit: Any,
    dw: pd.DataFrame,
    inputs: OpportunityInputs,
    check: Callable[[], None] | None = None,
    scope: Scope | None = None,
) -> dict[str, Any] | None:
    jobs = inputs.get("jobs")
    if jobs is None or not jobs.att.reachable.any():
        return None
    known, known_arcs = known_trees(sit, jobs, scope)
    trees = RouteTrees(
        sit.network, sit.housing_att, jobs.att, check=check, known=known, known_arcs=known_arcs
    )
    if scope is not None:
        scope.count("trees_reused", len(known))
        scope.count("trees_searched", len(trees.trees) - len(known))
        if scope.record is not None:
            d_ok = np.flatnonzero(jobs.att.reachable)
            vpos = np.full(len(jobs.att), -1, dtype=np.int64)
            vpos[d_ok] = np.arange(len(d_ok))
            # The arcs dict fills as the flows are assigned below.
            scope.record.trees = TreeMemo(dict(trees.trees), vpos, jobs.att, trees.arcs)
    cost_km = trees.distances_m() / 1000.0
    trips, bikes, notes = _trip_matrix(dw, jobs, inputs.od, cost_km, sit.parameters)
    trips = np.where(np.isfinite(cost_km), trips, 0.0)
    per_preset = all_presets(trips, cost_km, current_cyclists=bikes)
    headline = per_preset[HEADLINE_PRESET]
    ids = jobs.frame["opp_id"].astype(str).to_numpy()
    busiest = [
        int(j)
        for j in np.argsort(-headline.sum(axis=0), kind="stable")[:PARK_PAGES]
        if headline[:, j].sum() > 0
    ]
    # One assignment per workplace: the busiest keep theirs for their pages
    # (summed in workplace order, as trees.assign over all of them would).
    link_flow = np.zeros(sit.network.n_edges)
    own: dict[int, np.ndarray] = {}
    for j in range(len(jobs.frame)):
        flow_j = trees.assign([(j, headline[:, j])])
        link_flow += flow_j
        if j in busiest:
            own[j] = flow_j
    park_routes = {
        str(ids[j]): (own[j].astype(np.float32), headline[:, j].astype(np.float32)) for j in busiest
    }
    return {
        "trips": trips,
        "cost_km": cost_km,
        "cyclists": per_preset,
        "link_flow": link_flow,
        "jobs": jobs,
        "notes": notes,
        "park_routes": park_routes,
    }


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
    scope = scope_of(sit, dw, previous)
    if previous is not None and unchanged(sit, dw, inputs, scope):
        task.report(1.0, "access to opportunities")
        return replace(previous, reuse=None, work={"unchanged": 1})
    task.report(0.0, "access to opportunities")
    columns, how = _access_columns(sit, inputs.sets, task.check, scope=scope)
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    nis = dw["nis"].astype(str).to_numpy()
    task.report(0.5, "commuting")
    commute = _commuting(sit, dw, inputs, task.check, scope)
    per_dwelling: dict[str, np.ndarray] = dict(columns)
    if commute is not None:
        per_dwelling["commuters"] = commute["trips"].sum(axis=1)
        for p, values in commute["cyclists"].items():
            per_dwelling[f"bike_commuters_{p}"] = values.sum(axis=1)

    def indicators(idx: np.ndarray | None) -> dict[str, float]:
        w = dwellings if idx is None else dwellings[idx]
        out: dict[str, float] = {}
        for key, values in columns.items():
            v = values if idx is None else values[idx]
            out[key] = (
                _weighted_median(v, w)
                if how[key] == "median"
                else _weighted_mean(np.nan_to_num(v, nan=0.0), w)
            )
        if commute is not None:
            total = float(
                per_dwelling["commuters"].sum()
                if idx is None
                else per_dwelling["commuters"][idx].sum()
            )
            out["commuters"] = total
            for p in PRESETS:
                col = per_dwelling[f"bike_commuters_{p}"]
                value = float(col.sum() if idx is None else col[idx].sum())
                out[f"bike_commuters_{p}"] = value
                out[f"share_bike_commuters_{p}"] = (
                    100.0 * value / total if total > 0 else float("nan")
                )
        return out

    region = indicators(None)
    rows = []
    for code in pd.unique(nis):
        rows.append({"nis": str(code), **indicators(np.flatnonzero(nis == code))})
    municipalities = pd.DataFrame(rows)
    link_flow = commute["link_flow"] if commute is not None else np.zeros(sit.network.n_edges)
    workplaces, od_table, notes = _commute_tables(commute, nis)
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
        reuse=scope.record,
        work=dict(scope.counts),
    )
    return out


def _commute_tables(
    commute: dict[str, Any] | None, nis: np.ndarray
) -> tuple[gpd.GeoDataFrame | None, pd.DataFrame | None, dict[str, dict[str, str]]]:
    """Per workplace and per OD pair tables, and the commuting notes."""
    notes: dict[str, dict[str, str]] = {}
    if commute is None:
        return None, None, notes
    jobs = commute["jobs"]
    trips = commute["trips"]
    workplaces = jobs.frame.rename(columns={"weight": "jobs"}).copy()
    workplaces["reachable"] = jobs.att.reachable
    workplaces["commuters"] = trips.sum(axis=0)
    for p, values in commute["cyclists"].items():
        workplaces[f"bike_commuters_{p}"] = values.sum(axis=0)
    od_table = _od_summary(nis, jobs, trips, commute["cost_km"], commute["cyclists"])
    notes.update(commute["notes"])
    unreachable = int((~jobs.att.reachable).sum())
    if unreachable:
        notes["workplaces_unreachable"] = {
            "nl": f"{unreachable} werkplaatsen liggen te ver van het fietsnetwerk en krijgen geen pendelaars.",
            "en": f"{unreachable} workplaces lie too far from the bike network and get no commuters.",
        }
    return workplaces, od_table, notes


def _od_summary(
    nis: np.ndarray,
    jobs: OpportunitySet,
    trips: np.ndarray,
    cost_km: np.ndarray,
    cyclists: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Trips per origin municipality and job point (pairs with commuters only)."""
    from scipy import sparse

    codes, inverse = np.unique(nis, return_inverse=True)
    n_codes = len(codes)
    # Summing dwellings per origin municipality: a sparse 0/1 matrix, one entry per dwelling.
    onehot = sparse.csr_matrix(
        (np.ones(len(nis)), (inverse.astype(np.int64), np.arange(len(nis)))),
        shape=(n_codes, len(nis)),
    )
    t = onehot @ trips
    km = onehot @ (trips * np.where(np.isfinite(cost_km), cost_km, 0.0))
    data: dict[str, Any] = {}
    oi, dj = np.nonzero(t > 1e-9)
    data["origin"] = codes[oi].astype(str)
    data["opp_id"] = jobs.frame["opp_id"].to_numpy(dtype=object)[dj].astype(str)
    data["destination_name"] = jobs.frame["name"].to_numpy(dtype=object)[dj].astype(str)
    data["commuters"] = t[oi, dj]
    data["distance_km"] = km[oi, dj] / t[oi, dj]
    for p, values in cyclists.items():
        data[f"bike_commuters_{p}"] = (onehot @ values)[oi, dj]
    frame = pd.DataFrame(data)
    return frame.sort_values("commuters", ascending=False, kind="stable").reset_index(drop=True)


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
    computed.
    """
    if outcome is None:
        return dw, municipalities, links
    dw = dw.assign(**outcome.dwelling_columns)
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
    return dw, municipalities, links
