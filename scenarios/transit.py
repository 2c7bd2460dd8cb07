"""Public transport indicators of an evaluated situation: stops by frequency, stations by trains per hour, bike + train to Brussels.

Reads the project's stops layer (role ``ov_haltes``, as ``slimmeregio
import-gtfs`` writes it: departures per hour per time window, modes, the
scheduled ride to the Brussels main stations, departures per route) into a
canonical frame (:func:`pt_stop_frame`), applies a scenario's
``set_frequency`` modifications to it (:func:`apply_frequencies`) and adds
to an :class:`Evaluation` (:func:`add_transit`):

* per window ``w`` and threshold ``n`` of ``pt_departures_per_hour``: the
  share of dwellings within ``pt_walk_m`` metres *walking over the network*
  of a stop with at least ``n`` departures per hour in ``w``
  (``share_pt_<w>_<n>ph``);
* the cycling time to the nearest *station* (a stop whose modes include
  ``trein``) with at least ``pt_trains_per_hour`` departures per hour in
  ``pt_train_window`` (``*_bike_min_train``, ``share_bike_train_<t>min``);
* bike + train door to door to a Brussels main station
  (``*_door_min_brussels``), per dwelling the best of the stations within
  ``bike_train_max_bike_min`` cycling minutes (exact per station,
  :mod:`slimmeregio.scenarios.transit_route`)::

      cycling minutes to the station
      + half the headway (60 / trains per hour in pt_train_window, / 2)
      + the scheduled ride (the layer's ``rit_min_brussel``)

  At a Brussels main station itself the ride and the wait are 0. This is an
  approximation: no transfers, no timetable coordination, no delays,
  parking or walking inside the station (docs/engine.md).

Keys and labels: :mod:`slimmeregio.scenarios.transit_keys`. The Hoppin
policy check (:mod:`slimmeregio.scenarios.hoppin`) runs here too, since it
needs the stops.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.gtfs_model import WINDOW_FIELDS
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.scenarios.attach import Attachment, attach_points
from slimmeregio.scenarios.incremental import node_ids
from slimmeregio.scenarios.kernel import finish_nearest, nearest_destination
from slimmeregio.scenarios.model import Parameters, Scenario, SetFrequency, scenario_error
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.results import Evaluation
from slimmeregio.scenarios.transit_figures import (
    order_hints,
    region_and_municipalities,
    transit_indicators,
)
from slimmeregio.scenarios.transit_route import (
    Searches,
    best_rate_within,
    best_within_each,
    bike_train_search,
)

__all__ = [
    "WINDOWS",
    "KnownSearches",
    "add_transit",
    "transit_columns_of",
    "apply_frequencies",
    "TransitDestinations",
    "pt_stop_frame",
    "transit_columns",
    "transit_destinations",
    "transit_indicators",
]

#: The time windows a stops layer can carry (the GTFS import's defaults).
WINDOWS: tuple[str, ...] = tuple(WINDOW_FIELDS)


def _rate_column(window: str) -> str:
    return f"per_uur_{window}"


# ---------------------------------------------------------------------------
# The stops
# ---------------------------------------------------------------------------


def pt_stop_frame(layer: Layer | None) -> gpd.GeoDataFrame | None:
    """The stops layer as the engine reads it, or None without one.

    Columns: ``stop_id``, ``name``, ``modes``, ``station`` (bool: ``trein``
    among the modes), ``per_uur_<window>`` for every window of
    :data:`WINDOWS` (0 when the layer lacks it), ``ride_min_brussels``
    (NaN when unknown), ``route_rates`` (JSON text, ``{}`` when unknown),
    ``changed`` (bool), point geometry in Lambert 72.
    """
    if layer is None or layer.is_raster or len(layer.frame) == 0:
        return None
    frame = layer.frame
    pts = frame.geometry.representative_point() if len(frame) else frame.geometry
    n = len(frame)

    def text(key: str, *fallbacks: str, default: str = "") -> np.ndarray:
        col = layer.find_column(key, *fallbacks)
        if col is None:
            return np.full(n, default, dtype=object)
        return col.astype(object).where(col.notna(), default).astype(str).to_numpy(dtype=object)

    def number(key: str, *fallbacks: str, default: float = 0.0) -> np.ndarray:
        col = layer.find_column(key, *fallbacks)
        if col is None:
            return np.full(n, default)
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        return np.where(np.isnan(values), default, values) if not np.isnan(default) else values

    ids = text("id", "stop_id")
    if len(set(ids)) != n or any(i == "" for i in ids):
        ids = np.asarray([str(i) for i in range(n)], dtype=object)
    modes = text("mode", "modi")
    data: dict[str, Any] = {
        "stop_id": ids,
        "name": text("name", "naam"),
        "modes": modes,
        "station": np.asarray(["trein" in str(m).lower() for m in modes], dtype=bool),
    }
    for window in WINDOWS:
        data[_rate_column(window)] = number(WINDOW_FIELDS[window], _rate_column(window))
    data["ride_min_brussels"] = number("ride_min_brussels", "rit_min_brussel", default=np.nan)
    data["route_rates"] = text("route_rates", "per_lijn", default="{}")
    data["changed"] = np.zeros(n, dtype=bool)
    out = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(pts.values, crs=frame.crs), crs=frame.crs)
    if out.crs is not None and str(out.crs) != ANALYSIS_CRS:
        out = out.to_crs(ANALYSIS_CRS)
    return out.set_crs(ANALYSIS_CRS, allow_override=True)


def apply_frequencies(stops: gpd.GeoDataFrame, scenario: Scenario | None) -> gpd.GeoDataFrame:
    """``stops`` with the scenario's ``set_frequency`` modifications applied, in order.

    A stop: its departures per hour in the window become the given number.
    A route: at every stop it serves (the stop's ``route_rates``), the
    route's departures per hour become the given number and the stop's
    total changes by the difference.

    Raises
    ------
    ScenarioValidationError
        The stop or route is not in the stops layer (located at the
        modification).
    """
    mods = [
        (i, m)
        for i, m in enumerate(scenario.modifications if scenario is not None else ())
        if isinstance(m, SetFrequency)
    ]
    if not mods:
        return stops
    stops = stops.copy()
    ids = stops["stop_id"].astype(str).to_numpy()
    rates = [json.loads(t) if t else {} for t in stops["route_rates"].astype(str)]
    changed = stops["changed"].to_numpy(dtype=bool).copy()
    for i, mod in mods:
        column = _rate_column(mod.window)
        values = stops[column].to_numpy(dtype=float).copy()
        if mod.stop_id is not None:
            hit = np.flatnonzero(ids == mod.stop_id)
            if not len(hit):
                raise scenario_error(
                    f"modifications[{i}].stop_id",
                    f"halte {mod.stop_id} staat niet in de laag met OV-haltes",
                    f"stop {mod.stop_id} is not in the public transport stops layer",
                )
            values[hit] = mod.departures_per_hour
            changed[hit] = True
        else:
            served = [k for k, r in enumerate(rates) if mod.route in r]
            if not served:
                raise scenario_error(
                    f"modifications[{i}].route",
                    f"lijn {mod.route} bedient geen halte van de laag met OV-haltes "
                    "(of de laag heeft geen vertrekken per lijn: importeer de GTFS-feed opnieuw)",
                    f"route {mod.route} serves no stop of the public transport stops layer "
                    "(or the layer has no departures per route: import the GTFS feed again)",
                )
            for k in served:
                old = float(rates[k][mod.route].get(mod.window, 0.0))
                values[k] = max(values[k] + mod.departures_per_hour - old, 0.0)
                rates[k][mod.route][mod.window] = mod.departures_per_hour
                changed[k] = True
        stops[column] = values
    stops["route_rates"] = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rates]
    stops["changed"] = changed
    return stops


# ---------------------------------------------------------------------------
# Indicators
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class KnownSearches:
    """Searches a scenario's repair already ran or took over from the base
    (:mod:`transit_reuse`): per family a :data:`~transit_route.Searches`,
    and the nearest-station search (None: run it)."""

    families: dict[str, Searches]
    stations: Any = None


@dataclass(frozen=True, eq=False)
class TransitDestinations:
    """The points the public transport columns search from, attached to one network.

    ``stops``: every stop, with ``rates`` (stops x ``pt_windows``);
    ``stations``: the stations with enough trains (index into the stops);
    ``usable`` and ``offset_s``: the stations with a ride to Brussels and
    their head start (wait + ride, seconds); ``hubs``: the mobipunten, with
    ``hub_values`` (type weight, then one column per ``hub_offers``) and the
    cycling limits ``hub_limits`` (seconds).
    """

    stops: Attachment
    rates: np.ndarray
    stations: np.ndarray
    usable: np.ndarray
    offset_s: np.ndarray
    hubs: Attachment
    hub_values: np.ndarray
    hub_limits: np.ndarray

    def families(self, params: Parameters) -> dict[str, tuple[Attachment, str, float, np.ndarray]]:
        """The bounded searches per destination: family -> ``(points, mode, limit, values)``."""
        return {
            "stops": (self.stops, "walk", float(params.pt_walk_m), self.rates),
            "bike_train": (
                self.stops.subset(self.usable),
                "bike",
                float(params.bike_train_max_bike_min) * 60.0,
                self.offset_s[self.usable].reshape(-1, 1),
            ),
            "hubs": (self.hubs, "bike", float(self.hub_limits.max()), self.hub_values),
        }


def transit_destinations(
    network: Network, stops: gpd.GeoDataFrame, mobipunten: gpd.GeoDataFrame, params: Parameters
) -> TransitDestinations:
    """The stops, stations and mobipunten of ``stops`` and ``mobipunten`` on ``network``."""
    from slimmeregio.layers.roles import HOPPIN_TYPES

    xy = (
        np.column_stack([stops.geometry.x.to_numpy(), stops.geometry.y.to_numpy()])
        if len(stops)
        else np.zeros((0, 2))
    )
    ids = stops["stop_id"].astype(str).to_numpy(dtype=object)
    att = attach_points(network, xy, ids, max_snap_m=params.max_snap_m)
    rates = stops[[_rate_column(w) for w in params.pt_windows]].to_numpy(dtype=float)
    trains = stops[_rate_column(params.pt_train_window)].to_numpy(dtype=float)
    station = stops["station"].to_numpy(dtype=bool) & (trains >= params.pt_trains_per_hour - 1e-9)
    ride = stops["ride_min_brussels"].to_numpy(dtype=float)
    usable = station & np.isfinite(ride)
    with np.errstate(divide="ignore"):
        wait = np.where(ride == 0, 0.0, 0.5 * 60.0 / trains)
    offset_s = np.where(usable, (wait + ride) * 60.0, np.nan)
    usable = np.flatnonzero(np.isfinite(offset_s) & att.reachable)
    hubs = mobipunten
    weights = dict(zip(HOPPIN_TYPES, params.hub_type_weights, strict=True))
    h_xy = (
        np.column_stack([hubs.geometry.x.to_numpy(), hubs.geometry.y.to_numpy()])
        if len(hubs)
        else np.zeros((0, 2))
    )
    h_att = attach_points(
        network, h_xy, hubs["mobipunt_id"].astype(str).to_numpy(), max_snap_m=params.max_snap_m
    )
    offers = [
        {o.strip().lower() for o in str(text).split(",")} for text in hubs["offer"].fillna("")
    ]
    values = (
        np.column_stack(
            [np.asarray([weights.get(str(t), 0.0) for t in hubs["hoppin_type"]], dtype=float)]
            + [
                np.asarray([1.0 if o.lower() in have else 0.0 for have in offers])
                for o in params.hub_offers
            ]
        )
        if len(hubs)
        else np.zeros((0, 1 + len(params.hub_offers)))
    )
    return TransitDestinations(
        stops=att,
        rates=rates,
        stations=np.flatnonzero(station),
        usable=usable,
        offset_s=offset_s,
        hubs=h_att,
        hub_values=values,
        hub_limits=np.asarray(params.bike_thresholds_min, dtype=float) * 60.0,
    )


def transit_columns(
    network: Network,
    housing_att: Attachment,
    dests: TransitDestinations,
    params: Parameters,
    *,
    record: dict[str, Any] | None = None,
    known: KnownSearches | None = None,
) -> pd.DataFrame:
    """Per dwelling (row of ``housing_att``): the public transport columns.

    ``pt_<window>_<n>ph`` (bool: a stop with at least ``n`` departures per
    hour in the window within ``pt_walk_m`` walking), ``bike_min_train``
    and ``train_station_id`` (nearest station with enough trains, by
    cycling), ``door_min_brussels`` and ``door_station_id`` (bike + train);
    per cycling threshold ``t``: ``hub_score_<t>min`` (the highest type
    weight of the mobipunten within ``t`` minutes, 0 when none) and
    ``hub_<offer>_<t>min`` (bool: a mobipunt offering it within ``t``).

    ``record``: filled with what each search reached (family -> stop or
    mobipunt id -> node costs) and the nearest-station search's node costs
    and stations, for :mod:`transit_reuse`. ``known``: searches already run
    (per family of :meth:`TransitDestinations.families`, and the
    nearest-station search), used instead of running them again.
    """
    n = len(housing_att)
    ids = np.asarray(dests.stops.ids, dtype=object)
    out: dict[str, Any] = {}
    fam = {} if record is None else record

    def rec(name: str) -> dict[str, Any] | None:
        return None if record is None else fam.setdefault(name, {})

    def searches(name: str) -> Searches | None:
        return None if known is None else known.families.get(name)

    best_rate = best_rate_within(
        network, housing_att, dests.stops, dests.rates, limit_m=params.pt_walk_m,
        record=rec("stops"), searches=searches("stops"),
    )  # fmt: skip
    for k, window in enumerate(params.pt_windows):
        for threshold in params.pt_departures_per_hour:
            out[f"pt_{window}_{threshold:g}ph"] = best_rate[:, k] >= threshold - 1e-9
    bike = np.full(n, np.nan)
    station_id = np.full(n, None, dtype=object)
    stations = dests.stops.subset(dests.stations)
    if len(dests.stations):
        if known is not None and known.stations is not None and len(housing_att):
            res = finish_nearest(network, housing_att, stations, known.stations)
        else:
            res = nearest_destination(network, housing_att, stations, mode="bike")
        found = np.isfinite(res.cost)
        bike[found] = res.cost[found] / 60.0
        station_id[found] = ids[dests.stations][res.dest[found]]
        if record is not None:
            record["stations"] = _nearest_nodes(network, res.dist, res.node_dest, stations)
    out["bike_min_train"] = bike
    out["train_station_id"] = station_id
    # Bike + train: per dwelling the best station, each with its wait + ride as a head start.
    door_s, best = bike_train_search(
        network, housing_att, dests.stops, dests.offset_s, params.bike_train_max_bike_min * 60.0,
        record=rec("bike_train"), searches=searches("bike_train"),
    )  # fmt: skip
    ok = best >= 0
    door = np.where(ok, door_s / 60.0, np.inf)
    door_id = np.full(n, None, dtype=object)
    door_id[ok] = ids[best[ok]]
    out["door_min_brussels"] = np.where(np.isfinite(door), door, np.nan)
    out["door_station_id"] = door_id
    limits = dests.hub_limits
    hub_best = np.full((n, len(limits), dests.hub_values.shape[1]), -np.inf)
    if len(dests.hubs):
        hub_best = best_within_each(
            network, housing_att, dests.hubs, dests.hub_values, limits, mode="bike",
            record=rec("hubs"), searches=searches("hubs"),
        )  # fmt: skip
    for i, t in enumerate(params.bike_thresholds_min):
        out[f"hub_score_{t:g}min"] = np.maximum(hub_best[:, i, 0], 0.0)
        for k, offer in enumerate(params.hub_offers, start=1):
            out[f"hub_{offer}_{t:g}min"] = hub_best[:, i, k] >= 1.0
    return pd.DataFrame(out)


def _nearest_nodes(
    network: Network, dist: np.ndarray, node_dest: np.ndarray | None, dests: Attachment
) -> tuple[np.ndarray, np.ndarray]:
    """Per network node: the nearest-destination search's cost and destination id (None: unreached)."""
    n = network.n_nodes
    if node_dest is None:  # no destination was reachable: no search ran
        return np.full(n, np.inf), np.full(n, None, dtype=object)
    return dist[:n].copy(), node_ids(node_dest, dests.ids, n)


def add_transit(
    evaluation: Evaluation,
    network: Network,
    housing_att: Attachment,
    stops: gpd.GeoDataFrame | None,
    *,
    rules: Sequence[Any] | None = None,
    reuse: Any = None,
    keep: Any = None,
    columns: pd.DataFrame | None = None,
    remember: Any = None,
) -> Evaluation:
    """``evaluation`` with the public transport indicators, columns and stops added.

    Region and municipality keys (:mod:`transit_keys`), the dwellings'
    columns of :func:`transit_columns`, ``pt_stops`` (the stops after the
    scenario's ``set_frequency``) and ``hub_checks`` (the Hoppin policy
    check). ``evaluation`` unchanged when there is no stops layer.
    ``reuse``: the base's columns and searches (:class:`~transit_reuse.TransitReuse`)
    to repair from, whose sorted time columns also start the scenario's sorts
    (with ``columns`` given, only that); ``keep``: a dict that receives what
    a scenario's repair needs.
    ``columns``: :func:`transit_columns_of` of the same arguments when already
    computed (beside the opportunity families, say). ``remember``: the base's
    :class:`~transit_reuse.TransitReuse`, which then also keeps the
    municipalities' figures for its scenarios.
    """
    if stops is None:
        return evaluation
    from slimmeregio.scenarios.hoppin import check_hubs, hub_rules

    params = evaluation.parameters
    stops = apply_frequencies(stops, evaluation.scenario)
    if columns is None:
        columns = _columns(params, evaluation.mobipunten, network, housing_att, stops, reuse, keep)
    dw = evaluation.dwellings
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    reachable = dw["reachable"].to_numpy(dtype=bool)
    brussels = bool(np.isfinite(stops["ride_min_brussels"].to_numpy(dtype=float)).any())
    munis = evaluation.municipalities.copy()
    keys, rows = region_and_municipalities(
        columns,
        dw["nis"].astype(str),
        munis["nis"].astype(str).tolist(),
        dwellings,
        reachable,
        params,
        brussels,
        order_hints(reuse),
        previous=reuse[0].__dict__.get("_figures") if reuse is not None else None,
        base_rows=reuse[1] if reuse is not None else None,
        remember=remember.__dict__.setdefault("_figures", {}) if remember is not None else None,
    )
    region = dict(evaluation.region)
    region.update(keys)
    checks = check_hubs(
        evaluation.mobipunten, stops, list(rules) if rules is not None else hub_rules()
    )
    region["hubs_type_mismatch"] = float((~checks["ok"]).sum()) if len(checks) else 0.0
    extra = pd.DataFrame(rows, index=munis.index)
    munis = pd.concat([munis, extra], axis=1)
    # A lazy copy (copy-on-write): the base's columns are not copied, only added to.
    new_dw = dw.copy(deep=False)
    for name in columns.columns:
        column = columns[name]
        new_dw[name] = (
            column.array if isinstance(column.dtype, pd.StringDtype) else column.to_numpy()
        )
    return replace(
        evaluation,
        region=region,
        municipalities=munis,
        dwellings=new_dw,
        pt_stops=stops.reset_index(drop=True),
        hub_checks=checks,
    )


def transit_columns_of(
    scenario: Scenario | None,
    params: Parameters,
    mobipunten: gpd.GeoDataFrame,
    network: Network,
    housing_att: Attachment,
    stops: gpd.GeoDataFrame,
    *,
    reuse: Any = None,
    keep: Any = None,
) -> pd.DataFrame:
    """The dwellings' public transport columns :func:`add_transit` adds (the
    searches: most of its time), from the scenario, its parameters and the
    evaluation's mobipunten frame: what an evaluation has before its
    opportunity families, so the searches can run beside them."""
    applied = apply_frequencies(stops, scenario)
    return _columns(params, mobipunten, network, housing_att, applied, reuse, keep)


def _columns(
    params: Parameters,
    mobipunten: gpd.GeoDataFrame,
    network: Network,
    housing_att: Attachment,
    applied: gpd.GeoDataFrame,
    reuse: Any,
    keep: Any,
) -> pd.DataFrame:
    """:func:`transit_columns_of` with the scenario's frequencies applied to the stops."""
    from slimmeregio.scenarios.transit_reuse import columns_with_reuse

    dests = transit_destinations(network, applied, mobipunten, params)
    return columns_with_reuse(network, housing_att, dests, params, reuse, keep)
