"""Counting a GTFS feed's day: the active services, trips expanded from frequencies, and the departures per stop and station in each time window."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from slimmeregio.layers.gtfs_model import (
    MODES,
    SECONDS_PER_DAY,
    SKIP_LABELS,
    GtfsImportReport,
    TimeWindow,
    mode_of_route_type,
)
from slimmeregio.layers.gtfs_read import board_time
from slimmeregio.layers.gtfs_trips import arrival_seconds
from slimmeregio.layers.model import ANALYSIS_CRS, LayerReport
from slimmeregio.layers.progress import Task

#: Service days before the chosen date looked at for times past 24:00 (a
#: time up to 71:59:59 is counted; GTFS feeds rarely pass 30:00:00).
_MAX_DAYS_BACK = 2


def drop_trips_of_unknown_routes(feed: Any) -> set[str]:
    """Leave out the trips whose route is not in routes.txt; return their ids."""
    trips = feed.trips
    bad = ~trips["route_id"].isin(feed.routes["route_id"])
    if not bad.any():
        return set()
    feed.trips = trips.loc[~bad]
    if feed.frequencies is not None:
        feed.frequencies = feed.frequencies.loc[
            feed.frequencies["trip_id"].isin(feed.trips["trip_id"])
        ]
    return set(trips.loc[bad, "trip_id"].astype(str))


def report_broken(
    counts: dict[str, int], report: GtfsImportReport, layer_report: LayerReport
) -> None:
    for key, n in counts.items():
        if n:
            report.skipped[key] = n
            nl, en = SKIP_LABELS[key]
            layer_report.add(
                f"gtfs_{key}",
                f"{n} {nl} overgeslagen (verwijzing naar iets dat niet in de feed staat).",
                f"{n} {en} skipped (reference to something not in the feed).",
                count=n,
            )


def _departure_rows(st: pd.DataFrame) -> pd.DataFrame:
    """stop_id, trip_id, time (s) and whether one can board, per stop_times row."""
    seconds = st["_t"].to_numpy(dtype="float64")
    sequence = pd.to_numeric(st["stop_sequence"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    frame = st[["trip_id", "stop_id"]].reset_index(drop=True)
    frame["seq"] = sequence
    frame["time"] = seconds
    last = frame.groupby("trip_id")["seq"].transform("max").to_numpy()
    boardable = frame["seq"].to_numpy() != last
    if "pickup_type" in st.columns:
        pickup = pd.to_numeric(st["pickup_type"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        boardable &= pickup != 1
    frame["boardable"] = boardable
    return frame


def active_services(feed: Any, date: dt.date) -> dict[int, set[str]]:
    """Service ids active on service day ``date - k`` for k = 0.._MAX_DAYS_BACK
    (gtfs-kit: calendar weekday pattern and range, calendar_dates exceptions)."""
    import gtfs_kit as gk

    return {
        k: {
            str(s)
            for s in gk.get_active_services(feed, (date - dt.timedelta(days=k)).strftime("%Y%m%d"))
        }
        for k in range(_MAX_DAYS_BACK + 1)
    }


def _expand(feed: Any, active: set[str], path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trips and stop times of the ``active`` trips, frequencies expanded.

    gtfs-kit's ``expand_frequencies`` gets a feed of the frequency-based
    trips only (it scans every stop time it is given); the other trips are
    added back unchanged. It skips rows without a whole, positive headway.
    """
    import gtfs_kit as gk

    trips = feed.trips.loc[feed.trips["trip_id"].isin(active)]
    stop_times = feed.stop_times.loc[feed.stop_times["trip_id"].isin(active)]
    freq = None
    if feed.frequencies is not None:
        freq = feed.frequencies.loc[feed.frequencies["trip_id"].isin(active)]
    if freq is None or freq.empty:
        return trips, stop_times
    templates = set(freq["trip_id"])
    is_template = trips["trip_id"].isin(templates)
    st_template = stop_times["trip_id"].isin(templates)
    sub = gk.Feed(
        dist_units="km",
        agency=feed.agency,
        routes=feed.routes,
        stops=feed.stops,
        trips=trips.loc[is_template].copy(),
        stop_times=stop_times.loc[st_template].copy(),
        frequencies=freq.copy(),
    )
    expanded = gk.expand_frequencies(sub)
    generated = expanded.stop_times.copy()
    # The generated trips' times are shifted strings: parse them again.
    generated["_t"] = board_time(generated, path)
    return (
        pd.concat([trips.loc[~is_template], expanded.trips], ignore_index=True),
        pd.concat([stop_times.loc[~st_template], generated], ignore_index=True),
    )


def stop_roots(stops: pd.DataFrame) -> pd.Series:
    """stop_id -> the id of the row it counts for (its station, or itself)."""
    ids = stops["stop_id"].astype(str)
    kind = (
        pd.to_numeric(stops.get("location_type"), errors="coerce")
        if "location_type" in stops
        else None
    )
    kinds = (
        pd.Series(kind.fillna(0).astype(int).to_numpy(), index=ids.to_numpy())
        if kind is not None
        else pd.Series(0, index=ids.to_numpy())
    )
    stations = set(kinds.index[kinds.to_numpy() == 1])
    if "parent_station" in stops.columns:
        parent = stops["parent_station"].astype("string").fillna("").str.strip().to_numpy()
    else:
        parent = np.array([""] * len(stops), dtype=object)
    root = pd.Series(ids.to_numpy(), index=ids.to_numpy())
    has_station = np.array([p in stations for p in parent], dtype=bool)
    platform = has_station & (kinds.to_numpy() != 1)
    root[platform] = parent[platform]
    return root


def _join_sorted(values: set[str]) -> str:
    def key(text: str) -> tuple[int, int, str]:
        digits = re.match(r"\d+", text)
        return (0 if digits else 1, int(digits.group()) if digits else 0, text)

    return ", ".join(sorted(values, key=key))


def route_labels(routes: pd.DataFrame) -> pd.DataFrame:
    """route_id -> label (short name, else long name, else id) and mode."""
    ids = routes["route_id"].astype(str)
    label = ids.copy()
    for column in ("route_long_name", "route_short_name"):
        if column in routes.columns:
            text = routes[column].astype("string").fillna("").str.strip()
            label = label.where(text == "", text)
    return pd.DataFrame(
        {
            "route_id": ids.to_numpy(),
            "label": label.astype(str).to_numpy(),
            "mode": [mode_of_route_type(t) for t in routes["route_type"]],
        }
    )


def _note(
    report: GtfsImportReport,
    layer_report: LayerReport,
    key: str,
    count: int,
    nl: str,
    en: str,
    *,
    level: str = "warning",
) -> None:
    """Record ``count`` skipped items under ``key`` (nothing when zero)."""
    if count:
        report.skipped[key] = count
        layer_report.add(f"gtfs_{key}", nl, en, count=count, level=level)


def day_departures(
    feed: Any,
    active: dict[int, set[str]],
    union: set[str],
    path: Path,
    report: GtfsImportReport,
    layer_report: LayerReport,
    task: Task,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """stop_id, trip_id, route_id and time (s after 00:00) of every departure on the day.

    ``active[k]`` are the services of service day *day - k*; their trips
    count at ``time - k * 24h`` when that falls within the day. ``union``
    are all those trips; frequency-based ones are expanded first.

    Also returns every stop time of those trips on the day's clock
    (``trip_id``, ``day`` = k, ``stop_id``, ``route_id``, ``seq``, ``time``,
    ``arrive``, ``boardable``) for the rides to Brussels (:mod:`gtfs_trips`).
    """
    task.report(0.2, "frequencies")
    expanded_trips, expanded_stop_times = _expand(feed, union, path)
    task.report(0.6, "counting")
    rows = _departure_rows(expanded_stop_times)
    untimed = int((rows["boardable"] & np.isnan(rows["time"])).sum())
    _note(
        report,
        layer_report,
        "stop_times_untimed",
        untimed,
        f"{untimed} doortochten zonder uur (niet geteld).",
        f"{untimed} stop times without a time (not counted).",
    )
    # The service of each (expanded) trip: generated trips keep their template's.
    service = expanded_trips.set_index(expanded_trips["trip_id"].astype(str))["service_id"]
    service = service[~service.index.duplicated()]
    rows["service"] = rows["trip_id"].map(service.astype(str))
    route = expanded_trips.set_index(expanded_trips["trip_id"].astype(str))["route_id"]
    rows["route_id"] = rows["trip_id"].astype(str).map(route[~route.index.duplicated()].astype(str))
    rows["arrive"] = arrival_seconds(expanded_stop_times, rows["time"].to_numpy(), path)
    parts = []
    timed = []
    for k, services in active.items():
        running = rows.loc[rows["service"].isin(services)]
        timed.append(
            running.assign(
                time=running["time"] - k * SECONDS_PER_DAY,
                arrive=running["arrive"] - k * SECONDS_PER_DAY,
                day=k,
            )
        )
        on_day = running.loc[running["boardable"]]
        t = on_day["time"].to_numpy() - k * SECONDS_PER_DAY
        keep = (t >= 0) & (t < SECONDS_PER_DAY)
        parts.append(
            pd.DataFrame(
                {
                    "stop_id": on_day["stop_id"].to_numpy()[keep],
                    "trip_id": on_day["trip_id"].to_numpy()[keep],
                    "route_id": on_day["route_id"].to_numpy()[keep],
                    "time": t[keep],
                }
            )
        )
    return pd.concat(parts, ignore_index=True), pd.concat(timed, ignore_index=True)


def stop_frame(
    feed: Any,
    deps: pd.DataFrame,
    root: pd.Series,
    served: pd.DataFrame,
    windows: Sequence[TimeWindow],
    report: GtfsImportReport,
    layer_report: LayerReport,
) -> gpd.GeoDataFrame:
    """One row per served stop or station: modes, routes, departures per window, point.

    ``deps`` are the day's departures with the ``root`` (stop or station)
    each counts for; ``root`` maps every stop_id to its row's id; ``served``
    are the (stop_id, route_id) pairs of the whole feed.
    """
    stops = feed.stops
    # Modes and routes: every route serving the stop anywhere in the feed.
    routes = route_labels(feed.routes)
    served = served.astype(str).merge(routes, on="route_id")
    served["root"] = served["stop_id"].map(root)
    route_sets = served.groupby("root")["label"].agg(lambda s: _join_sorted(set(s)))
    order = {m: i for i, m in enumerate(MODES)}
    mode_sets = served.groupby("root")["mode"].agg(
        lambda s: ", ".join(sorted(set(s), key=order.__getitem__))
    )
    platforms = served.groupby("root")["stop_id"].nunique()

    info = stops.assign(stop_id=stops["stop_id"].astype(str)).set_index("stop_id")
    ids = route_sets.index.astype(str)
    # Stops and stations (location_type 0 or 1); entrances, nodes, boarding areas are no rows.
    kind = (
        pd.to_numeric(info["location_type"], errors="coerce").fillna(0).to_numpy()
        if "location_type" in info.columns
        else np.zeros(len(info))
    )
    boarding = pd.Series(kind == 0, index=info.index)
    all_roots = set(root[info.index[kind <= 1]].to_numpy())
    unserved = len(all_roots - set(ids))
    table = pd.DataFrame({"stop_id": ids})
    names = info["stop_name"].astype("string") if "stop_name" in info.columns else None
    table["naam"] = (
        names.reindex(ids).fillna("").astype(str).to_numpy() if names is not None else ""
    )
    table["modi"] = mode_sets.reindex(ids).to_numpy()
    table["hoofdmodus"] = table["modi"].str.split(", ").str[0]
    table["lijnen"] = route_sets.reindex(ids).to_numpy()
    table["perrons"] = platforms.reindex(ids).fillna(0).astype(int).to_numpy()
    per_root = deps.groupby("root")
    table["vertrekken_dag"] = per_root.size().reindex(ids).fillna(0).astype(int).to_numpy()
    for window in windows:
        inside = deps.loc[(deps["time"] >= window.start) & (deps["time"] < window.end)]
        counts = inside.groupby("root").size().reindex(ids).fillna(0).to_numpy()
        table[window.column] = np.round(counts / window.hours, 3)

    # Position: the row's own coordinates, else the mean of its platforms'.
    lat = pd.to_numeric(info["stop_lat"], errors="coerce").astype("float64")
    lon = pd.to_numeric(info["stop_lon"], errors="coerce").astype("float64")
    valid = lat.between(-90, 90) & lon.between(-180, 180) & ~((lat == 0) & (lon == 0))
    own = pd.DataFrame({"lat": lat.where(valid), "lon": lon.where(valid)})
    child = (
        own.loc[boarding.to_numpy()]
        .assign(root=root.reindex(own.index[boarding.to_numpy()]).to_numpy())
        .groupby("root")[["lat", "lon"]]
        .mean()
    )
    pos = own.reindex(ids).fillna(child.reindex(ids))
    located = pos["lat"].notna().to_numpy()
    missing_xy = int((~located).sum())
    _note(
        report,
        layer_report,
        "stops_without_coordinates",
        missing_xy,
        f"{missing_xy} haltes zonder bruikbare coördinaten weggelaten.",
        f"{missing_xy} stops without usable coordinates left out.",
    )
    _note(
        report,
        layer_report,
        "stops_unserved",
        unserved,
        f"{unserved} haltes zonder enige rit weggelaten.",
        f"{unserved} stops no trip serves left out.",
        level="info",
    )
    table = table.loc[located].reset_index(drop=True)
    pos = pos.loc[located]
    tf = Transformer.from_crs("EPSG:4326", ANALYSIS_CRS, always_xy=True)
    x, y = tf.transform(pos["lon"].to_numpy(), pos["lat"].to_numpy())
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(x, y), crs=ANALYSIS_CRS)
