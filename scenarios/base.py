"""The prepared base situation of a project: its network, attached points and base parameters.

:func:`prepare_base` does the slow work once (noding the bike network,
attaching every housing point, mobipunt, station and locality centre); the
engine (:mod:`engine`) evaluates scenarios on the :class:`Base` it returns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.apply import Inputs
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.brussels import brussels_area
from slimmeregio.scenarios.indicators import Grid, planned_mask
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
from slimmeregio.scenarios.opportunity_eval import prepare_opportunities
from slimmeregio.scenarios.prepared_cache import attach_points_cached, build_network_cached
from slimmeregio.scenarios.results import Evaluation
from slimmeregio.scenarios.transit import pt_stop_frame

__all__ = [
    "PLANNED_SCENARIO_NAME",
    "Base",
    "base_parameters",
    "parameter_differences",
    "planned_projects_scenario",
    "prepare_base",
    "prepare_base_from_inputs",
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
    #: The base evaluation's statistics memo (sorted columns, municipality
    #: rows), for a scenario's (:class:`~scenarios.dwelling_stats.StatsMemo`).
    _stats: Any = field(default=None, repr=False)
    #: The base evaluation's public transport searches and columns (:mod:`transit_reuse`).
    _transit: Any = field(default=None, repr=False)
    #: First passes of the base (:meth:`keep_first_pass`), completed by its whole evaluation.
    _first_passes: dict[Any, Any] = field(default_factory=dict, repr=False)

    def cached(self, key: tuple[Any, ...]) -> Evaluation | None:
        """The evaluation cached under ``key`` (its last item: ``families``),
        the whole one when known: it holds every figure of a first pass."""
        return self._cache.get(key[:-1] + (True,)) or self._cache.get(key)

    def keep(self, key: tuple[Any, ...], result: Evaluation) -> None:
        """Cache ``result`` under ``key``; a whole one replaces its first pass."""
        self._cache[key] = result
        if key[-1]:
            self._cache.pop(key[:-1] + (False,), None)
            self._first_passes.pop(key[:-1], None)

    def keep_first_pass(self, key: tuple[Any, ...], first: Any) -> None:
        """Keep the first pass (:class:`~engine.FirstPass`) of the evaluation
        cached under ``key`` until the whole one replaces it."""
        self._first_passes[key[:-1]] = first

    def first_pass_of(self, key: tuple[Any, ...]) -> Any:
        """The kept first pass of the evaluation under ``key``, or None."""
        return self._first_passes.get(key[:-1])

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
    if base.opportunities is not None:
        base.opportunities = replace(base.opportunities, base_points=len(housing))
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
