"""The engine's high-level API: what the GUI, the CLI and the exporters call.

>>> base = prepare_base(project)                      # doctest: +SKIP
>>> base_eval = evaluate(base)                        # doctest: +SKIP
>>> scen_eval = evaluate(base, scenario)              # doctest: +SKIP
>>> comparison = compare(base_eval, scen_eval)        # doctest: +SKIP
>>> sites = suggest_sites(base, scenario, k=5)        # doctest: +SKIP

:func:`prepare_base` does the slow work once (noding the bike network,
attaching every housing point, mobipunt, station and locality centre);
:func:`evaluate` then applies a scenario as a patch and reuses the base's
attachments wherever the network did not change around a point.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.apply import Applied, Inputs, apply_scenario, removed_links_frame
from slimmeregio.scenarios.attach import Attachment, carry_over
from slimmeregio.scenarios.brussels import border_points, brussels_area
from slimmeregio.scenarios.comparison import compare
from slimmeregio.scenarios.indicators import (
    Grid,
    Reuse,
    Situation,
    evaluate_situation,
    planned_mask,
)
from slimmeregio.scenarios.inputs import (
    centre_frame,
    housing_frame,
    missing_layer_error,
    mobipunt_frame,
    municipality_frame,
    point_xy,
    population_grid,
    station_frame,
)
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.opportunity_eval import carry_opportunities, prepare_opportunities
from slimmeregio.scenarios.prepared_cache import attach_points_cached, build_network_cached
from slimmeregio.scenarios.results import (
    Comparison,
    Evaluation,
    MissingLinkSuggestion,
    SitingResult,
)
from slimmeregio.scenarios.transit import add_transit, pt_stop_frame

__all__ = [
    "PLANNED_SCENARIO_NAME",
    "Base",
    "base_parameters",
    "compare",
    "compare_scenarios",
    "evaluate",
    "parameter_differences",
    "planned_projects_scenario",
    "prepare_base",
    "prepare_base_from_inputs",
    "situation",
    "suggest_missing_links",
    "suggest_sites",
]


@dataclass(eq=False)
class Base:
    """The prepared base situation of a project.

    Attributes
    ----------
    project
        The project it was prepared from (None when built from inputs).
    parameters
        The parameters the attachments and speeds were prepared with.
    inputs
        Network and canonical point layers (:class:`Inputs`).
    housing_att, mobipunt_att, station_att
        Attachments of ``inputs.housing`` / ``mobipunten`` / ``stations``.
    centres, centre_att
        Locality centres (``name`` + point) and their attachment, or None.
    grid
        The population grid, or None.
    brussels
        The Brussels area (one polygon geometry) for the flows towards the
        Brussels border, or None.
    planned
        The planned housing of the housing layer (status ``gepland`` or a
        synonym), in the canonical housing columns: not part of the base;
        :func:`planned_projects_scenario` adds it.
    timings
        Seconds per preparation step.
    """

    project: Project | None
    parameters: Parameters
    inputs: Inputs
    housing_att: Attachment
    mobipunt_att: Attachment
    station_att: Attachment
    centres: gpd.GeoDataFrame | None
    centre_att: Attachment | None
    grid: Grid | None
    brussels: Any | None = None
    planned: gpd.GeoDataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: Opportunity layers and OD table (scenarios/opportunity_eval.py), or None.
    opportunities: Any | None = None
    #: The public transport stops (scenarios/transit.py), None without a stops layer.
    pt_stops: gpd.GeoDataFrame | None = None
    _cache: dict[Any, Evaluation] = field(default_factory=dict, repr=False)
    #: The base evaluation's nearest-destination computations, for repairs.
    _kept: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def network(self) -> Network:
        return self.inputs.network


def base_parameters(project: Project | None) -> Parameters:
    """The parameters of the project's base situation.

    Saved with the project (``project.settings.base_parameters``); the
    defaults when the project stores none (the embedded region).

    Raises
    ------
    ScenarioError
        The stored base parameters are not valid (located at
        ``settings.base_parameters``).
    """
    stored = getattr(getattr(project, "settings", None), "base_parameters", None) or {}
    if not stored:
        return Parameters()
    from pydantic import ValidationError

    from slimmeregio.scenarios.model import scenario_error

    try:
        return Parameters.model_validate(dict(stored))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = str(first.get("msg", ""))
        raise scenario_error(
            f"settings.base_parameters.{where}" if where else "settings.base_parameters",
            f"ongeldige basisparameter van het project: {msg}",
            f"invalid base parameter of the project: {msg}",
        ) from None


def parameter_differences(base: Parameters, other: Parameters) -> list[str]:
    """Names of the parameters in which ``other`` differs from ``base``."""
    a, b = base.model_dump(mode="json"), other.model_dump(mode="json")
    return [k for k in a if a[k] != b.get(k)]


def prepare_base(
    project: Project,
    parameters: Parameters | None = None,
    *,
    brussels_layer: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Base:
    """Prepare the base situation of ``project`` (first layer of each role).

    ``parameters``: by default the project's base parameters
    (:func:`base_parameters`). ``brussels_layer`` names the polygon layer of the Brussels area used for
    the flows towards the Brussels border; by default a layer named
    ``brussel`` / ``brussels`` / ``bruxelles`` (see
    :mod:`slimmeregio.scenarios.brussels`). Without one those flows are zero
    and every evaluation carries the note ``"no_brussels"``.

    Raises
    ------
    EmptyLayerError
        The project has no bike network or no housing layer.
    """
    params = parameters or base_parameters(project)
    task = Task(progress, cancel)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    net_layer = project.layers.first(Role.BIKE_NETWORK)
    if net_layer is None or net_layer.is_raster:
        raise missing_layer_error(Role.BIKE_NETWORK)
    housing_layer = project.layers.first(Role.HOUSING)
    if housing_layer is None or housing_layer.is_raster:
        raise missing_layer_error(Role.HOUSING)
    network, network_key = build_network_cached(
        net_layer,
        speeds_kmh=params.speeds_kmh,
        walking_speed_kmh=params.walking_speed_kmh,
        progress=task.sub(0.0, 0.5).progress,
        cancel=cancel,
    )
    timings["network"] = time.perf_counter() - t0
    task.report(0.5, "layers")
    municipalities = municipality_frame(project)
    housing = housing_frame(housing_layer, municipalities)
    # The base is today's situation: planned housing is a scenario.
    is_planned = planned_mask(housing["status"])
    planned = housing.loc[is_planned].reset_index(drop=True)
    housing = housing.loc[~is_planned].reset_index(drop=True)
    housing["_row"] = np.arange(len(housing), dtype=np.int64)
    mobipunten = mobipunt_frame(project.layers.first(Role.MOBIPUNTEN), municipalities)
    stations = station_frame(project.layers.first(Role.STATIONS))
    centres = centre_frame(project)
    base = prepare_base_from_inputs(
        network,
        housing,
        mobipunten,
        stations,
        municipalities=municipalities,
        centres=centres,
        grid=population_grid(project),
        brussels=brussels_area(project, brussels_layer),
        parameters=params,
        project=project,
        timings=timings,
        task=task.sub(0.5, 1.0),
        planned=planned,
        pt_stops=pt_stop_frame(project.layers.first(Role.PT_STOPS)),
        network_key=network_key,
    )
    t_opp = time.perf_counter()
    base.opportunities = prepare_opportunities(
        project, network, municipalities=municipalities, max_snap_m=params.max_snap_m
    )
    base.timings["opportunities"] = time.perf_counter() - t_opp
    return base


def prepare_base_from_inputs(
    network: Network,
    housing: gpd.GeoDataFrame,
    mobipunten: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    *,
    municipalities: gpd.GeoDataFrame | None = None,
    centres: gpd.GeoDataFrame | None = None,
    grid: Grid | None = None,
    brussels: Any | None = None,
    parameters: Parameters | None = None,
    project: Project | None = None,
    timings: dict[str, float] | None = None,
    task: Task | None = None,
    planned: gpd.GeoDataFrame | None = None,
    pt_stops: gpd.GeoDataFrame | None = None,
    network_key: str | None = None,
) -> Base:
    """Prepare a base from canonical frames (see :mod:`scenarios.apply`).

    ``planned``: planned housing kept aside for :func:`planned_projects_scenario`;
    ``pt_stops``: the public transport stops (:func:`scenarios.transit.pt_stop_frame`).
    ``network_key``: the network's content key from
    :func:`~slimmeregio.scenarios.prepared_cache.build_network_cached`; with
    it the attachments are read from (and written to) the disk cache.
    """
    params = parameters or Parameters()
    task = task or Task()
    timings = dict(timings or {})
    t0 = time.perf_counter()
    if "_row" not in housing.columns:
        housing = housing.assign(_row=np.arange(len(housing), dtype=np.int64))
    if "_row" not in mobipunten.columns:
        mobipunten = mobipunten.assign(_row=np.arange(len(mobipunten), dtype=np.int64))
    bounds = [network.node_xy.min(axis=0), network.node_xy.max(axis=0)]
    xmin, ymin = bounds[0]
    xmax, ymax = bounds[1]
    if municipalities is not None and len(municipalities):
        mb = municipalities.total_bounds
        xmin, ymin = min(xmin, mb[0]), min(ymin, mb[1])
        xmax, ymax = max(xmax, mb[2]), max(ymax, mb[3])
    inputs = Inputs(
        network=network,
        housing=housing,
        mobipunten=mobipunten,
        stations=stations,
        municipalities=municipalities,
        extent=(float(xmin), float(ymin), float(xmax), float(ymax)),
    )
    snap = params.max_snap_m
    task.report(0.1, "attaching housing")

    def attach(xy: np.ndarray, ids: np.ndarray) -> Attachment:
        return attach_points_cached(network, network_key, xy, ids, max_snap_m=snap)

    h_att = attach(point_xy(housing), housing["housing_id"].to_numpy())
    task.report(0.7, "attaching mobipunten and stations")
    m_att = attach(point_xy(mobipunten), mobipunten["mobipunt_id"].to_numpy())
    s_att = attach(point_xy(stations), stations["station_id"].to_numpy())
    c_att = attach(point_xy(centres), centres["name"].to_numpy()) if centres is not None else None
    timings["attach"] = time.perf_counter() - t0
    task.report(1.0, "base ready")
    return Base(
        project=project,
        parameters=params,
        inputs=inputs,
        housing_att=h_att,
        mobipunt_att=m_att,
        station_att=s_att,
        centres=centres,
        centre_att=c_att,
        grid=grid,
        brussels=brussels,
        planned=planned,
        timings=timings,
        pt_stops=pt_stops,
    )


#: Name of the built-in scenario with the planned housing of the housing layer.
PLANNED_SCENARIO_NAME = "geplande projecten"


def planned_projects_scenario(base: Base, parameters: Parameters | None = None) -> Scenario | None:
    """The built-in scenario "geplande projecten" (planned projects).

    Adds every planned housing feature of the project's housing layer (kept
    out of the base, see :attr:`Base.planned`) with its id, dwellings, name
    and status; None when the layer has no planned housing. ``parameters``:
    the scenario's parameters (default: the base's).
    """
    from slimmeregio.scenarios.model import AddHousing

    planned = base.planned
    if planned is None or len(planned) == 0:
        return None
    pts = np.asarray(planned.geometry.values, dtype=object)
    mods = [
        AddHousing(
            x=float(shapely.get_x(pt)),
            y=float(shapely.get_y(pt)),
            dwellings=int(row.dwellings),
            name=str(row.name) if str(row.name) else f"gepland {row.housing_id}",
            status=str(row.status) or "gepland",
            id=str(row.housing_id),
            author="Slimme Regio Planner",
            reason="geplande woningen uit de woningenlaag / planned housing from the housing layer",
        )
        for pt, row in zip(pts, planned.itertuples(index=False), strict=True)
    ]
    return Scenario(
        name=PLANNED_SCENARIO_NAME,
        description=(
            "De geplande woningen van de woningenlaag bovenop de huidige toestand. / "
            "The planned housing of the housing layer on top of today's situation."
        ),
        parameters=parameters or base.parameters,
        modifications=tuple(mods),
    )


# ---------------------------------------------------------------------------
# Evaluating
# ---------------------------------------------------------------------------


def situation(base: Base, scenario: Scenario | None = None) -> Situation:
    """The scenario applied to the base, with every point attached."""
    params = scenario.parameters if scenario is not None else base.parameters
    same_snap = params.max_snap_m == base.parameters.max_snap_m
    speeds_same = dict(params.speeds_kmh) == dict(base.parameters.speeds_kmh) and (
        params.walking_speed_kmh == base.parameters.walking_speed_kmh
    )
    inputs = base.inputs
    if scenario is None or not scenario.modifications:
        network = inputs.network
        if not speeds_same:
            network = network.with_speeds(
                params.speeds_kmh, walking_speed_kmh=params.walking_speed_kmh
            )
        applied = Applied(
            network=network,
            housing=inputs.housing,
            mobipunten=inputs.mobipunten,
            stations=inputs.stations,
            municipalities=inputs.municipalities,
            extent=inputs.extent,
            removed_links=removed_links_frame([]),
            edge_map=np.arange(inputs.network.n_edges, dtype=np.int64),
            new_edges=np.zeros(0, np.int64),
        )
    else:
        applied = apply_scenario(inputs, scenario)
    network = applied.network
    unchanged = (
        applied.edge_map is not None
        and len(applied.new_edges) == 0
        and bool(np.all(applied.edge_map == np.arange(len(applied.edge_map))))
    )
    edge_map = None if unchanged else applied.edge_map

    def carry(
        att: Attachment, frame: gpd.GeoDataFrame, id_col: str, fresh: Any = None
    ) -> Attachment:
        rows = (
            frame["_row"].fillna(-1).to_numpy(dtype=np.int64)
            if "_row" in frame
            else np.arange(len(frame))
        )
        if not same_snap:
            rows = np.full(len(frame), -1, dtype=np.int64)
        return carry_over(
            network,
            att,
            rows,
            point_xy(frame),
            frame[id_col].astype(str).to_numpy(dtype=object),
            edge_map=edge_map,
            new_edges=applied.new_edges,
            max_snap_m=params.max_snap_m,
            fresh=fresh,
        )

    h_att = carry(base.housing_att, applied.housing, "housing_id")
    moved = (applied.mobipunten["change"] == "moved").to_numpy()
    m_att = carry(base.mobipunt_att, applied.mobipunten, "mobipunt_id", fresh=moved)
    stations = applied.stations
    s_frame = stations.assign(_row=np.arange(len(stations), dtype=np.int64))
    s_att = carry(base.station_att, s_frame, "station_id")
    c_att = None
    if base.centres is not None and base.centre_att is not None:
        c_frame = base.centres.assign(_row=np.arange(len(base.centres), dtype=np.int64))
        c_att = carry(base.centre_att, c_frame, "name")
    return Situation(
        scenario=scenario,
        parameters=params,
        network=network,
        housing=applied.housing,
        housing_att=h_att,
        mobipunten=applied.mobipunten,
        mobipunt_att=m_att,
        stations=stations,
        station_att=s_att,
        municipalities=applied.municipalities,
        centres=base.centres,
        centre_att=c_att,
        grid=base.grid,
        removed_links=applied.removed_links,
        changed_bike=None if not speeds_same else _changed(network, applied, ("added", "upgraded")),
        changed_walk=_changed(network, applied, ("added",)),
        brussels=base.brussels,
        border_att=border_points(network, base.brussels) if base.brussels is not None else None,
        edge_map=edge_map,
        housing_rows=(
            applied.housing["_row"].fillna(-1).to_numpy(dtype=np.int64)
            if "_row" in applied.housing.columns
            else None
        ),
        opportunities=carry_opportunities(
            base.opportunities,
            network,
            edge_map=edge_map,
            new_edges=applied.new_edges,
            max_snap_m=params.max_snap_m,
            same_snap=same_snap,
        ),
    )


def _changed(network: Network, applied: Applied, kinds: tuple[str, ...]) -> np.ndarray:
    """Geometries of edges whose costs differ from the base (plus removed links)."""
    sel = np.isin(network.change.astype(str), kinds)
    removed = np.asarray(applied.removed_links.geometry.values, dtype=object)
    return np.concatenate([network.geometry[sel], removed]).astype(object)


def _reusable(a: Parameters, b: Parameters) -> bool:
    """Whether base results computed under ``a`` hold under ``b``."""
    return (
        dict(a.speeds_kmh) == dict(b.speeds_kmh)
        and a.walking_speed_kmh == b.walking_speed_kmh
        and a.service_area_min == b.service_area_min
        and a.max_snap_m == b.max_snap_m
    )


def evaluate(
    base: Base,
    scenario: Scenario | None = None,
    *,
    service_areas: bool = True,
    network_detail: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Evaluation:
    """Evaluate ``scenario`` (None: the base situation) on ``base``.

    ``service_areas=False`` skips the service-area polygons and grid
    coverage; ``network_detail=False`` skips the directness table (both for
    quick interactive previews).

    The base's evaluation is computed once and then returned from a cache
    (scenario runs reuse its service areas and directness where no change
    can reach them): treat every returned Evaluation as read-only.

    Raises
    ------
    ScenarioError
        A modification refers to something that does not exist, or lies far
        outside the region.
    OperationCancelled
        ``cancel()`` returned True.
    """
    task = Task(progress, cancel)
    key = None
    if scenario is None:
        key = ("base", service_areas, network_detail)
        cached = base._cache.get(key)
        if cached is not None:
            task.report(1.0, "done")
            return cached
    reuse = None
    if scenario is not None and _reusable(base.parameters, scenario.parameters):
        base_eval = evaluate(base, None, service_areas=service_areas, network_detail=network_detail)
        areas = base_eval.service_areas
        reuse = Reuse(
            service_areas=dict(
                zip(areas["mobipunt_id"].astype(str), areas.geometry.values, strict=True)
            ),
            directness=base_eval.network.directness if network_detail else None,
            opportunities=base_eval.opportunities,
            nearest=dict(base._kept) or None,
        )
    t0 = time.perf_counter()
    task.report(0.0, "applying scenario")
    sit = situation(base, scenario)
    t_apply = time.perf_counter() - t0
    keep: dict[Any, Any] | None = (
        {} if scenario is None and sit.parameters == base.parameters else None
    )
    result = evaluate_situation(
        sit,
        service_areas=service_areas,
        network_detail=network_detail,
        reuse=reuse,
        task=task.sub(0.1, 1.0),
        keep=keep,
    )
    if keep:
        base._kept = keep
    t_pt = time.perf_counter()
    result = add_transit(result, sit.network, sit.housing_att, base.pt_stops)
    result.timings["transit"] = time.perf_counter() - t_pt
    result.timings["apply_attach"] = t_apply
    result.timings["total"] = time.perf_counter() - t0
    if scenario is not None:
        from slimmeregio.scenarios.reference import SITUATION_PARAMETERS  # (imports this module)

        differ = parameter_differences(base.parameters, scenario.parameters)
        situation_differ = [n for n in differ if n in SITUATION_PARAMETERS]
        measuring_differ = [n for n in differ if n not in SITUATION_PARAMETERS]
        if situation_differ:
            names = ", ".join(situation_differ)
            result.notes["parameters_differ"] = {
                "nl": f"Dit scenario gebruikt andere parameters dan de basis ({names}); "
                "de verschillen tonen ook hun effect.",
                "en": f"This scenario uses other parameters than the base ({names}); "
                "the differences include their effect.",
            }
        if measuring_differ:
            names = ", ".join(measuring_differ)
            result.notes["measured_as_scenario"] = {
                "nl": f"Dit scenario meet anders dan de basis ({names}); de basis is voor de vergelijking "
                "op dezelfde manier gemeten.",
                "en": f"This scenario measures differently from the base ({names}); for the comparison "
                "the base is measured the same way.",
            }
    if key is not None:
        base._cache[key] = result
    return result


def suggest_sites(
    base: Base,
    scenario: Scenario | None,
    k: int,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> SitingResult:
    """The ``k`` best new mobipunt sites on top of ``scenario`` (see :mod:`siting`)."""
    from slimmeregio.scenarios.siting import suggest_sites_in

    sit = situation(base, scenario)
    return suggest_sites_in(sit, k, candidates=candidates, progress=progress, cancel=cancel)


def suggest_missing_links(
    base: Base,
    scenario: Scenario | None = None,
    *,
    top: int = 20,
    target: str = "mobipunt",
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> list[MissingLinkSuggestion]:
    """Missing-link suggestions on top of ``scenario`` (see :mod:`missing_links`)."""
    from slimmeregio.scenarios.missing_links import suggest_missing_links_in

    sit = situation(base, scenario)
    return suggest_missing_links_in(sit, top=top, target=target, progress=progress, cancel=cancel)


def compare_scenarios(
    project: Project,
    scenarios: Sequence[Scenario],
    *,
    planned: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[Base, list[Comparison]]:
    """Prepare the base of ``project`` and compare every scenario with it.

    ``planned=True`` compares the built-in scenario "geplande projecten"
    (:func:`planned_projects_scenario`) first, when the housing layer has
    planned housing.

    The one call behind ``slimmeregio run`` and ``slimmeregio export``. The
    base is the project's layers evaluated with the project's base
    parameters (:func:`base_parameters`), whatever the scenarios and their
    order; each scenario's own parameters apply to its evaluation, so a
    scenario that only changes parameters shows their effect as deltas.
    """
    from slimmeregio.scenarios.reference import reference_evaluation  # (imports this module)

    task = Task(progress, cancel)
    base = prepare_base(
        project, base_parameters(project), progress=task.sub(0.0, 0.4).report, cancel=cancel
    )
    evaluate(
        base, progress=task.sub(0.4, 0.6).report, cancel=cancel
    )  # the shared base evaluation, cached
    if planned:
        built_in = planned_projects_scenario(base)
        if built_in is not None:
            scenarios = [built_in, *scenarios]
    comparisons: list[Comparison] = []
    step = 0.4 / max(len(scenarios), 1)
    for i, scenario in enumerate(scenarios):
        sub = task.sub(0.6 + i * step, 0.6 + (i + 1) * step)
        try:
            evaluation = evaluate(base, scenario, progress=sub.report)
        except ScenarioError as error:
            if error.path is None:  # say which scenario, when several are compared
                error.path = f"'{scenario.name}'"
            raise
        comparisons.append(compare(reference_evaluation(base, scenario), evaluation))
    task.report(1.0, "done")
    return base, comparisons
