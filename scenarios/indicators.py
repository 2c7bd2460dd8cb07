"""Indicators of one evaluated situation (base or scenario).

Per dwelling: network walking distance and cycling time to the nearest
mobipunt and station. From those: coverage shares per threshold (region and
municipality), dwelling-weighted mean / median / p90, the coverage curve,
catchments, service areas, potential bike flows, inhabitants of the
population grid covered, and the network's quality (km per class, islands,
directness between neighbouring locality centres). This module gathers them
into an :class:`Evaluation`; the statistics live in :mod:`dwelling_stats`,
the service areas in :mod:`service_areas`, the network's quality in
:mod:`network_quality`.

Shares are percentages (0..100) of *all* dwellings, unreachable ones
included (they count as not covered).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.layers.progress import Task
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.dwelling_stats import (
    StatsMemo,
    coverage_curve,
    group_indicators,
    hint_from_base,
    planned_mask,
    region_and_municipalities,
    weighted_quantile,
)
from slimmeregio.scenarios.incremental import (
    KeptNearest,
    full_evaluation_forced,
)
from slimmeregio.scenarios.kernel import flows_to_nearest
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.nearest_costs import brussels_routes, dwelling_costs, ids_of
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.network_quality import delaunay_pairs, network_summary
from slimmeregio.scenarios.notes import warning_notes
from slimmeregio.scenarios.opportunity_eval import (
    OpportunityOutcome,
    evaluate_opportunities,
    merge_outcome,
)
from slimmeregio.scenarios.results import Evaluation, read_only_columns
from slimmeregio.scenarios.service_areas import Grid, known_areas, service_area_polygons
from slimmeregio.scenarios.side_by_side import alongside, side_by_side, started

__all__ = [
    "Grid",
    "Reuse",
    "Situation",
    "complete_situation",
    "coverage_curve",
    "delaunay_pairs",
    "evaluate_situation",
    "group_indicators",
    "network_summary",
    "planned_mask",
    "service_area_polygons",
    "weighted_quantile",
]


@dataclass(frozen=True, eq=False)
class Situation:
    """Everything an evaluation reads, already applied and attached."""

    scenario: Scenario | None
    parameters: Parameters
    network: Network
    housing: gpd.GeoDataFrame
    housing_att: Attachment
    mobipunten: gpd.GeoDataFrame
    mobipunt_att: Attachment
    stations: gpd.GeoDataFrame
    station_att: Attachment
    municipalities: gpd.GeoDataFrame | None
    centres: gpd.GeoDataFrame | None
    centre_att: Attachment | None
    grid: Grid | None
    removed_links: gpd.GeoDataFrame
    #: Geometries where cycling costs may differ from the base (added,
    #: upgraded, removed links); None when unknown (everything may differ).
    changed_bike: np.ndarray | None = None
    #: Geometries where walking costs may differ (added and removed links).
    changed_walk: np.ndarray | None = None
    #: The Brussels area (one polygon geometry), None when the project has none.
    brussels: Any | None = None
    #: Entry points on the Brussels border (see :mod:`scenarios.brussels`).
    border_att: Attachment | None = None
    #: Base edge -> edge of ``network`` (-1 gone); None: the base's edges.
    edge_map: np.ndarray | None = None
    #: Per housing row: its row in the base housing (-1 new); None: unknown.
    housing_rows: np.ndarray | None = None
    #: Opportunity layers and OD table (:mod:`scenarios.opportunity_eval`), or None.
    opportunities: Any | None = None


@dataclass(frozen=True, eq=False)
class Reuse:
    """Results of the base evaluation a scenario evaluation may take over.

    Only valid when the parameters that shape them (speeds, walking speed,
    service-area time, snapping distance) are the base's.
    """

    service_areas: dict[str, Any]
    directness: pd.DataFrame | None
    #: The base's :class:`~scenarios.opportunity_eval.OpportunityOutcome` (its kept searches).
    opportunities: Any | None = None
    #: The base's nearest-destination computations per (target, mode), for repairs
    #: (see :mod:`scenarios.incremental`).
    nearest: dict[tuple[str, str], KeptNearest] | None = None
    #: The base's sorted statistic columns and municipality rows
    #: (:func:`~scenarios.dwelling_stats.region_and_municipalities`).
    stats: StatsMemo | None = None


def evaluate_situation(
    sit: Situation,
    *,
    service_areas: bool = True,
    network_detail: bool = True,
    reuse: Reuse | None = None,
    task: Task | None = None,
    keep: dict[tuple[str, str], KeptNearest] | None = None,
    keep_stats: list[StatsMemo] | None = None,
    with_opportunities: bool = True,
    core: dict[str, Any] | None = None,
    beside: Callable[[gpd.GeoDataFrame], object] | None = None,
) -> Evaluation:
    """All indicators of one situation as an :class:`Evaluation`; ``beside``
    runs beside its opportunity families, given the mobipunten frame.

    ``with_opportunities=False`` leaves opportunity access and commuting out
    (a first, quick pass; see :func:`engine.evaluate`'s ``families``);
    ``core`` is then filled with what :func:`complete_situation` needs to add
    them to it.

    ``reuse``: base results to take over where the situation's changes
    cannot reach them (see :class:`Reuse`). ``keep``: filled with what later
    evaluations may repair from (:attr:`Reuse.nearest`); ``keep_stats``:
    given what the statistics take over (:attr:`Reuse.stats`).
    """
    task = task or Task()
    params = sit.parameters
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    net = sit.network

    mobi_ok = sit.mobipunten["hoppin_type"].isin(list(params.mobipunt_types)).to_numpy()
    mobi = sit.mobipunten.loc[mobi_ok].reset_index(drop=True)
    mobi_att = sit.mobipunt_att.subset(mobi_ok)
    st_ok = (
        pd.to_numeric(sit.stations["trains_per_day"], errors="coerce").fillna(0).to_numpy()
        >= params.min_trains_per_day
    )
    stations = sit.stations.loc[st_ok].reset_index(drop=True)
    st_att = sit.station_att.subset(st_ok)
    h_att = sit.housing_att
    task.report(0.05, "walking and cycling costs")

    def cycling() -> tuple[Any, ...]:
        bike_s, bike_dest, _ = dwelling_costs(
            sit, h_att, mobi_att, "bike", ("mobipunt", "bike"), reuse, keep
        )
        task.report(0.3, "Brussels")
        return bike_s, bike_dest, brussels_routes(sit, net, h_att, reuse, keep)

    def walking_and_stations() -> tuple[Any, ...]:
        walk_m = dwelling_costs(sit, h_att, mobi_att, "walk", ("mobipunt", "walk"), reuse, keep)
        walk_st = dwelling_costs(sit, h_att, st_att, "walk", ("station", "walk"), reuse, keep)
        bike_st = dwelling_costs(sit, h_att, st_att, "bike", ("station", "bike"), reuse, keep)
        return walk_m[0], walk_st[0], *bike_st

    # Two halves of about the same work side by side (each search keeps its
    # own key): cycling to mobipunten and to Brussels here, walking and
    # cycling to stations beside (a third of the base's first pass, on the
    # 300,000-address project, was cycling waiting for Brussels).
    (bike_s, bike_dest, bx), (walk_m, walk_st, bike_st_s, st_dest, st_res) = side_by_side(
        cycling, walking_and_stations, "walking"
    )
    timings["access"] = time.perf_counter() - t0
    # The service areas need only the network and the mobipunten. Without
    # the base's to take over (the base itself, or a scenario whose
    # parameters differ from the base's) every one is drawn: beside the
    # statistics, catchments and flows (without progress reports of their
    # own, which would interleave with these; cancelling still stops them).
    # A scenario that repairs from the base redraws the few its edits
    # reach, in place: on a thread beside its statistics they saved nothing,
    # and the 300,000-address benchmark's scenarios peaked 160-270 MB higher
    # in resident memory (the traced allocations the same: the allocator
    # kept more pages).
    mobi_ids = mobi["mobipunt_id"].astype(str).to_numpy(dtype=object)

    def draw_areas() -> tuple[gpd.GeoDataFrame, float | None, float] | None:
        if not service_areas:
            return None
        return _service_areas(sit, mobi, mobi_att, mobi_ids, reuse, Task(cancel=task.cancel))

    drawn_areas = started(draw_areas, "service areas") if reuse is None else draw_areas

    housing = sit.housing
    dwellings_n = pd.to_numeric(housing["dwellings"], errors="coerce").fillna(0).to_numpy(float)
    st_ids = stations["station_id"].astype(str).to_numpy(dtype=object)
    dw = _frame_of(
        {
            "housing_id": _text(housing["housing_id"]),
            "name": _text(housing["name"].fillna("")),
            "status": _text(housing["status"].fillna("")),
            "dwellings": dwellings_n.astype(np.int64),
            "inhabitants": dwellings_n * params.household_size,
            "nis": _text(housing["nis"].fillna("")),
            "municipality": _text(housing["municipality"].fillna("")),
            "walk_m_mobipunt": walk_m,
            "bike_min_mobipunt": bike_s / 60.0,
            "mobipunt_id": _id_column(bike_dest, mobi_ids),
            "walk_m_station": walk_st,
            "bike_min_station": bike_st_s / 60.0,
            "station_id": _id_column(st_dest, st_ids),
            "bike_min_brussels": bx.minutes,
            "brussels_entry_id": bx.entry_id,
            "in_brussels": bx.inside if bx.inside is not None else np.zeros(len(housing), bool),
            "snap_m": h_att.snap_m,
            "reachable": h_att.reachable,
            "added": housing["added"].fillna(False).astype(bool).to_numpy(),
        },
        housing.geometry.values,
    )
    task.report(0.45, "indicators")

    t1 = time.perf_counter()
    memo: list[StatsMemo] = []
    hints = _order_hints(reuse, sit.housing_rows)
    region, municipalities = region_and_municipalities(
        dw,
        sit.municipalities,
        params,
        brussels=bx.active,
        hints=hints,
        previous=reuse.stats if reuse is not None and hints is not None else None,
        base_rows=sit.housing_rows,
        keep=memo,
    )
    if keep_stats is not None:
        keep_stats.extend(memo)
    curve = coverage_curve(dw, params.curve_max_min, orders=memo[0].orders)
    timings["indicators"] = time.perf_counter() - t1

    # Catchments.
    catch = dw.groupby("mobipunt_id")["dwellings"].sum() if len(dw) else pd.Series(dtype=float)
    mobi_out = gpd.GeoDataFrame(
        {
            "mobipunt_id": mobi_ids.astype(str),
            "name": mobi["name"].fillna("").astype(str).to_numpy(),
            "hoppin_type": mobi["hoppin_type"].astype(str).to_numpy(),
            "offer": mobi["offer"].fillna("").astype(str).to_numpy(),
            "catchment_dwellings": pd.Series(mobi_ids)
            .map(catch)
            .fillna(0)
            .astype(np.int64)
            .to_numpy(),
            "snap_m": mobi_att.snap_m,
            "reachable": mobi_att.reachable,
            "change": mobi["change"].fillna("").astype(str).to_numpy(),
        },
        geometry=gpd.GeoSeries(mobi.geometry.values, crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    mobi_out.insert(
        5, "catchment_inhabitants", mobi_out["catchment_dwellings"] * params.household_size
    )
    st_catch = dw.groupby("station_id")["dwellings"].sum() if len(dw) else pd.Series(dtype=float)
    st_out = gpd.GeoDataFrame(
        {
            "station_id": st_ids.astype(str),
            "name": stations["name"].fillna("").astype(str).to_numpy(),
            "trains_per_day": pd.to_numeric(stations["trains_per_day"], errors="coerce").to_numpy(),
            "catchment_dwellings": pd.Series(st_ids)
            .map(st_catch)
            .fillna(0)
            .astype(np.int64)
            .to_numpy(),
            "snap_m": st_att.snap_m,
            "reachable": st_att.reachable,
        },
        geometry=gpd.GeoSeries(stations.geometry.values, crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    task.report(0.55, "bike flows")

    t2 = time.perf_counter()
    flow = flows_to_nearest(net, h_att, st_res, dwellings_n)
    links = net.to_frame().drop(columns=["u", "v"])
    links.insert(links.columns.get_loc("change"), "flow_dwellings", flow)
    links.insert(links.columns.get_loc("change"), "flow_brussels_dwellings", bx.flow(dwellings_n))
    timings["flows"] = time.perf_counter() - t2
    # The service areas are in before the opportunity families start their
    # own threads.
    drawn = drawn_areas()
    t_opp = time.perf_counter()
    # Quick previews (network_detail=False) leave opportunity access and commuting out.
    opportunities = alongside(
        lambda: evaluate_opportunities(
            sit,
            dw,
            sit.opportunities if network_detail and with_opportunities else None,
            task=task.sub(0.55, 0.65),
            previous=reuse.opportunities if reuse is not None else None,
        ),
        (lambda: beside(mobi_out)) if beside is not None else None,
        "transit",
    )
    dw, municipalities, links = merge_outcome(opportunities, dw, region, municipalities, links)
    timings["opportunities"] = time.perf_counter() - t_opp
    task.report(0.65, "service areas")

    population_covered: float | None = None
    if drawn is not None:
        areas, population_covered, timings["service_areas"] = drawn
    else:
        areas = gpd.GeoDataFrame(
            {"mobipunt_id": [], "name": [], "minutes": []},
            geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )
        timings["service_areas"] = 0.0
    if sit.grid is not None and population_covered is not None:
        region["grid_inhabitants_covered"] = population_covered
        total = sit.grid.total
        region["share_grid_covered"] = (
            100.0 * population_covered / total if total > 0 else float("nan")
        )
    task.report(0.85, "network")

    t4 = time.perf_counter()
    summary = network_summary(
        net,
        centres=sit.centres if network_detail else None,
        centre_att=sit.centre_att if network_detail else None,
        previous=reuse.directness if reuse is not None else None,
        changed=sit.changed_walk,
    )
    timings["network"] = time.perf_counter() - t4

    unreachable = _unreachable(
        [
            ("housing", h_att, None),
            ("mobipunten", mobi_att, mobi["name"]),
            ("stations", st_att, stations["name"]),
            ("localities", sit.centre_att, None),
        ]
    )
    timings["total"] = time.perf_counter() - t0
    task.report(1.0, "done")
    if core is not None:
        core["brussels_notes"] = bx.notes
    return Evaluation(
        scenario=sit.scenario,
        parameters=params,
        name=sit.scenario.name if sit.scenario is not None else "basis",
        dwellings=dw,
        municipalities=municipalities,
        region=region,
        coverage_curve=curve,
        mobipunten=mobi_out,
        stations=st_out,
        service_areas=areas,
        links=links,
        removed_links=sit.removed_links,
        network=summary,
        population_covered=population_covered,
        unreachable=unreachable,
        timings=timings,
        brussels_entries=bx.entries(dw),
        notes=_notes(bx.notes, region, municipalities, unreachable, opportunities),
        opportunities=opportunities,
    )


def _notes(
    brussels: dict[str, dict[str, str]],
    region: dict[str, float],
    municipalities: pd.DataFrame,
    unreachable: pd.DataFrame,
    opportunities: OpportunityOutcome | None,
) -> dict[str, dict[str, str]]:
    """An evaluation's notes, in their order."""
    return {
        **brussels,
        **warning_notes(region, municipalities, unreachable),
        **(opportunities.notes if opportunities is not None else {}),
    }


#: Region figures the service areas add after the opportunity families' (grid coverage).
_AFTER_FAMILIES = ("grid_inhabitants_covered", "share_grid_covered")


def complete_situation(
    sit: Situation,
    first: Evaluation,
    brussels_notes: dict[str, dict[str, str]],
    *,
    network_detail: bool = True,
    previous: OpportunityOutcome | None = None,
    task: Task | None = None,
) -> Evaluation:
    """``first`` (:func:`evaluate_situation` of ``sit`` without the
    opportunity families; ``brussels_notes``: the notes of its Brussels
    routes, as it filled ``core``) with opportunity access
    and commuting added: the same evaluation as :func:`evaluate_situation`
    with them, without computing the rest again. ``previous``: the base's
    opportunity outcome to reuse (:attr:`Reuse.opportunities`)."""
    task = task or Task()
    t_opp = time.perf_counter()
    outcome = evaluate_opportunities(
        sit,
        first.dwellings,
        sit.opportunities if network_detail else None,
        task=task,
        previous=previous,
    )
    region = {k: v for k, v in first.region.items() if k not in _AFTER_FAMILIES}
    dw, municipalities, links = merge_outcome(
        outcome, first.dwellings, region, first.municipalities, first.links
    )
    region.update({k: first.region[k] for k in _AFTER_FAMILIES if k in first.region})
    timings = dict(first.timings)
    timings["opportunities"] = timings.get("opportunities", 0.0) + time.perf_counter() - t_opp
    return replace(
        first,
        dwellings=dw,
        municipalities=municipalities,
        region=region,
        links=links,
        notes=_notes(brussels_notes, region, municipalities, first.unreachable, outcome),
        opportunities=outcome,
        timings=timings,
    )


def _order_hints(
    reuse: Reuse | None, housing_rows: np.ndarray | None
) -> dict[str, np.ndarray] | None:
    """The base's sorted statistic columns carried to the situation's rows."""
    if reuse is None or reuse.stats is None or housing_rows is None or full_evaluation_forced():
        return None
    hints = {}
    for name, order in reuse.stats.orders.items():
        hint = hint_from_base(order, housing_rows)
        if hint is None:
            return None
        hints[name] = hint
    return hints


def _id_column(index: np.ndarray, ids: np.ndarray) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """:func:`~nearest_costs.ids_of` as the column the frame would infer from it (strings,
    missing where -1), taken from the few ids instead of one object per row."""
    index = np.asarray(index, dtype=np.int64)
    if not (index >= 0).any():
        return ids_of(index, ids)  # all missing: the frame keeps an object column
    small = pd.array([*np.asarray(ids, dtype=object).tolist(), None], dtype="str")
    return small.take(np.where(index >= 0, index, len(ids)))


def _service_areas(
    sit: Situation,
    mobi: pd.DataFrame,
    mobi_att: Attachment,
    mobi_ids: np.ndarray,
    reuse: Reuse | None,
    task: Task,
) -> tuple[gpd.GeoDataFrame, float | None, float]:
    """The service areas of the mobipunten in ``mobi`` (the base's taken over
    where the situation's bike changes cannot reach them; none on a new
    link): ``(frame, inhabitants of the grid covered, seconds)``."""
    t = time.perf_counter()
    net = sit.network
    known = None
    if reuse is not None and sit.changed_bike is not None:
        known = known_areas(reuse.service_areas, mobi, sit.changed_bike)
        owner, flat = mobi_att.expand()
        on_new = np.zeros(len(mobi_att), bool)
        on_new[owner[net.change[flat.edge] == "added"]] = True
        known = [None if new else k for k, new in zip(known, on_new, strict=True)]
    minutes = sit.parameters.service_area_min
    polys = service_area_polygons(net, mobi_att, minutes=minutes, known=known, task=task)
    drawn = [i for i, p in enumerate(polys) if p is not None]
    names = mobi["name"].fillna("").astype(str).to_numpy()
    areas = gpd.GeoDataFrame(
        {
            "mobipunt_id": mobi_ids[drawn].astype(str) if drawn else np.zeros(0, str),
            "name": names[drawn] if drawn else np.zeros(0, str),
            "minutes": np.full(len(drawn), float(minutes)),
        },
        geometry=gpd.GeoSeries([polys[i] for i in drawn], crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    covered = None
    if sit.grid is not None:
        covered = sit.grid.sum_within_any(list(areas.geometry.values))
    return areas, covered, time.perf_counter() - t


def _frame_of(columns: dict[str, Any], geometry: Any) -> gpd.GeoDataFrame:
    """The dwellings frame over ``columns`` without a copy of each (30 ms and
    one array per column less on 300,000 dwellings; see :func:`read_only_columns`)."""
    return gpd.GeoDataFrame(
        read_only_columns(columns),
        geometry=gpd.GeoSeries(geometry, crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
        copy=False,
    )


def _text(values: pd.Series) -> pd.api.extensions.ExtensionArray:
    """A column as a string array, positionally (no round trip through objects)."""
    return values.astype("str").array


def _unreachable(
    parts: Iterable[tuple[str, Attachment | None, pd.Series | None]],
) -> pd.DataFrame:
    """The points beyond ``max_snap_m`` of the network: ``layer``, ``id``,
    ``name`` (empty when the layer has none) and ``snap_m``."""
    frames = []
    for layer, att, names in parts:
        if att is None:
            continue
        bad = ~att.reachable
        if bad.any():
            name = (
                names.fillna("").astype(str).to_numpy()[bad]
                if names is not None and len(names) == len(att)
                else np.full(int(bad.sum()), "", dtype=object)
            )
            frames.append(
                pd.DataFrame(
                    {
                        "layer": layer,
                        "id": att.ids[bad].astype(str),
                        "name": name,
                        "snap_m": att.snap_m[bad],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(
            {
                "layer": pd.Series(dtype=str),
                "id": pd.Series(dtype=str),
                "name": pd.Series(dtype=str),
                "snap_m": pd.Series(dtype=float),
            }
        )
    return pd.concat(frames, ignore_index=True)
