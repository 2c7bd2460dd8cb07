"""Commuting inside an evaluation: trips (gravity model or OD table), potential cyclists, link flows and tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.scenarios.commute_origins import Origins, commute_origins, origins_note
from slimmeregio.scenarios.commuting import (
    RouteTrees,
    all_presets,
    gravity_model,
)
from slimmeregio.scenarios.hilliness import commute_gradients
from slimmeregio.scenarios.opportunity_inputs import OpportunityInputs, OpportunitySet
from slimmeregio.scenarios.opportunity_reuse import Scope, TreeMemo, known_trees
from slimmeregio.scenarios.quiet_routes import route_costs_for, route_lengths_m, search_limit_m
from slimmeregio.scenarios.uptake_memo import UptakeMemo, share_source

__all__ = [
    "HEADLINE_PRESET",
    "PARK_PAGES",
    "WORKERS_PER_DWELLING",
    "commute",
    "commute_tables",
]

#: Working residents per dwelling in the gravity model: about 2.3 persons per
#: household x 57 % aged 20-64 x 76 % of them at work (Statbel, Flanders); the
#: default of ``Parameters.workers_per_dwelling``, which the evaluation reads.
WORKERS_PER_DWELLING = 1.0
#: Workplaces (most potential bike commuters first) whose own routes are kept
#: for a one-page map each (:mod:`slimmeregio.exporters.business_parks`).
PARK_PAGES = 10
#: The uptake preset of the headline link flow (``flow_bike_commuters``).
HEADLINE_PRESET = "go_dutch"
#: Mode values of an OD table that mean cycling.
_BIKE_MODES = frozenset({"fiets", "bike", "bicycle", "cycle", "cycling", "velo", "vélo", "fietsen"})


def _trip_matrix(
    origins: Origins,
    jobs: OpportunitySet,
    od: pd.DataFrame | None,
    cost_km: np.ndarray,
    params: Any,
) -> tuple[np.ndarray, np.ndarray | None, dict[str, dict[str, str]]]:
    """Commuters (origins x job points) and today's cyclists (None: unknown)."""
    notes: dict[str, dict[str, str]] = {}
    dwellings = origins.dwellings
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
    origin_nis = origins.nis
    dest_nis = jobs.frame["nis"].astype(str).to_numpy()
    trips = np.zeros((len(origins), len(jobs_w)))
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


def commute(
    sit: Any,
    dw: pd.DataFrame,
    inputs: OpportunityInputs,
    check: Callable[[], None] | None = None,
    scope: Scope | None = None,
) -> dict[str, Any] | None:
    jobs = inputs.get("jobs")
    if jobs is None or not jobs.att.reachable.any():
        return None
    known, known_arcs, seeds = known_trees(sit, jobs, scope)
    route_costs = route_costs_for(sit.parameters, inputs.infrastructure)
    housing = sit.housing_att
    origins = commute_origins(
        getattr(sit.parameters, "commute_origins", "auto"),
        housing.xy,
        dw,
        housing.reachable,
        decide_by=inputs.base_points,
    )
    trees = RouteTrees(
        sit.network,
        housing if not origins.pooled else housing.subset(origins.rows),
        jobs.att,
        check=check,
        known=known,
        known_arcs=known_arcs,
        seeds=seeds,
        costs=route_costs(sit.network) if route_costs is not None else None,
        limit_m=search_limit_m(route_costs),
        # A base keeps its trees for the scenarios; a scenario's go as they are assigned.
        keep=scope is not None and scope.record is not None,
    )
    if scope is not None:
        scope.count("trees_reused", len(known))
        scope.count("trees_repaired", trees.repaired)
        scope.count("trees_searched", len(trees.trees) - len(known) - trees.repaired)
        if scope.record is not None:
            d_ok = np.flatnonzero(jobs.att.reachable)
            vpos = np.full(len(jobs.att), -1, dtype=np.int64)
            vpos[d_ok] = np.arange(len(d_ok))
            # The arcs dict fills as the flows are assigned below.
            scope.record.trees = TreeMemo(
                dict(trees.trees), vpos, jobs.att, trees.arcs, untied=trees.untied()
            )
    # Quiet routes minimise another cost: their real lengths are summed apart.
    length_m = trees.distances_m() if route_costs is None else route_lengths_m(trees)
    cost_km = length_m / 1000.0
    gradient, link_gradient = commute_gradients(
        trees, sit.network, inputs.elevation, length_m=length_m
    )
    trips, bikes, notes = _trip_matrix(origins, jobs, inputs.od, cost_km, sit.parameters)
    notes.update(origins_note(origins, len(dw)))
    trips = np.where(np.isfinite(cost_km), trips, 0.0)
    prev = scope.previous if scope is not None else None
    record = (
        UptakeMemo(cost_km, gradient, keys=origins.keys)
        if scope is not None and scope.record is not None
        else None
    )
    before = prev.uptake if prev is not None else None
    if scope is None or before is None:
        row_map = None
    elif origins.pooled:
        row_map = origins.row_map_from(before.keys)
    else:
        row_map = scope.row_map if before.keys is None else None
    share_of = share_source(cost_km, gradient, previous=before, row_map=row_map, record=record)
    per_preset = all_presets(
        trips, cost_km, gradient_pct=gradient, current_cyclists=bikes, share_of=share_of
    )
    if record is not None and scope is not None and scope.record is not None:
        scope.record.uptake = record
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
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    park_routes = {
        str(ids[j]): (
            own[j].astype(np.float32),
            origins.spread(headline[:, j], dwellings).astype(np.float32),
        )
        for j in busiest
    }
    return {
        "origins": origins,
        "trips": trips,
        "cost_km": cost_km,
        "gradient": gradient,
        "link_gradient": link_gradient,
        "cyclists": per_preset,
        "link_flow": link_flow,
        "jobs": jobs,
        "notes": notes,
        "park_routes": park_routes,
    }


def commute_tables(
    commute: dict[str, Any] | None,
) -> tuple[gpd.GeoDataFrame | None, pd.DataFrame | None, dict[str, dict[str, str]]]:
    """Per workplace and per OD pair tables, and the commuting notes."""
    notes: dict[str, dict[str, str]] = {}
    if commute is None:
        return None, None, notes
    nis = commute["origins"].nis
    jobs = commute["jobs"]
    trips = commute["trips"]
    workplaces = jobs.frame.rename(columns={"weight": "jobs"}).copy()
    workplaces["reachable"] = jobs.att.reachable
    workplaces["commuters"] = trips.sum(axis=0)
    for p, values in commute["cyclists"].items():
        workplaces[f"bike_commuters_{p}"] = values.sum(axis=0)
    od_table = _od_summary(
        nis, jobs, trips, commute["cost_km"], commute["cyclists"], commute["gradient"]
    )
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
    gradient: np.ndarray | float = 0.0,
) -> pd.DataFrame:
    """Trips per origin municipality and job point (pairs with commuters only);
    ``gradient_pct`` (commuter-weighted mean route gradient) with an elevation model."""
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
    if isinstance(gradient, np.ndarray):
        data["gradient_pct"] = (onehot @ (trips * gradient))[oi, dj] / t[oi, dj]
    for p, values in cyclists.items():
        data[f"bike_commuters_{p}"] = (onehot @ values)[oi, dj]
    frame = pd.DataFrame(data)
    return frame.sort_values("commuters", ascending=False, kind="stable").reset_index(drop=True)
