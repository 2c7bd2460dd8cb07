"""Import a GTFS feed as a layer of public transport stops with departures per hour.

Reads a GTFS zip (De Lijn, NMBS/SNCB, STIB/MIVB, TEC ... all publish this
shape) with `gtfs-kit <https://pypi.org/project/gtfs-kit/>`_ and writes one
point layer ``ov_haltes`` (role :attr:`Role.PT_STOPS`) in Lambert 72:

``stop_id``, ``naam``
    the stop, or the station its platforms belong to (see below);
``hoofdmodus``, ``modi``
    the main mode and every mode served (``trein``, ``metro``, ``tram``,
    ``bus``, ``boot``, ``kabelbaan``, ``taxi``, ``ander``) from the routes'
    ``route_type``, basic (0-12) and extended (100-1799) types alike;
``lijnen``, ``perrons``
    the routes served (short name, else long name, else id) and how many
    stops of the feed were merged into the row; modes and routes count every
    trip in the feed, so a stop without service on the day still shows them;
``vertrekken_dag``
    departures on the chosen calendar day, 00:00-24:00;
``per_uur_<window>``
    departures per hour in each time window of that day
    (:data:`DEFAULT_WINDOWS`: ``ochtendspits`` 07-09, ``dag`` 09-16,
    ``avondspits`` 16-19, ``avond`` 19-23);
``rit_min_brussel``, ``per_lijn``
    the scheduled direct train ride to a Brussels main station and the
    departures per hour per route (:mod:`slimmeregio.layers.gtfs_trips`).

Counting rules
--------------
* A *departure* is a ``stop_times`` row where a passenger can board: not the
  last stop of its trip, and not ``pickup_type = 1``. Its time is
  ``departure_time`` (else ``arrival_time``); rows without either (untimed
  stops) are not counted and are reported.
* The *service day* comes from ``calendar.txt`` and ``calendar_dates.txt``
  (gtfs-kit's ``get_active_services``: weekday pattern within the date range,
  plus added, minus removed dates).
* Times may pass 24:00:00 (``25:30:00`` is 01:30 the next morning). A trip of
  service day *D-k* at time *t* runs on calendar day *D* at *t - k·24h*, so
  the counts of day *D* take trips of *D* before 24:00 plus trips of the
  previous service day(s) after 24:00.
* ``frequencies.txt`` trips are expanded with gtfs-kit's
  ``expand_frequencies``: departures at ``start_time + n·headway_secs``
  before ``end_time``, for ``exact_times`` 1 (exact) and 0 (the headway as
  a schedule: the same count per hour, a plausible phase).
* *Stations*: a stop (``location_type`` 0 or empty) whose ``parent_station``
  is a station (``location_type`` 1) is counted at that station; the row
  has the station's id, name and position. Entrances, nodes and boarding
  areas (2-4) are never rows. Stops served by no trip at all are left out.

Reading and checking the untrusted zip is :mod:`slimmeregio.layers.gtfs_read`.
docs/gtfs.md has the user's version of these rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.errors import GtfsImportError, SourceNotFoundError
from slimmeregio.layers.gtfs_model import (
    DEFAULT_WINDOWS,
    MODES,
    SECONDS_PER_DAY,
    SKIP_LABELS,
    WINDOW_FIELDS,
    GtfsImport,
    GtfsImportReport,
    TimeWindow,
    mode_of_route_type,
)
from slimmeregio.layers.gtfs_read import (
    GTFS_FILES,
    board_time,
    check_frequency_times,
    check_members,
    check_tables,
    feed_info,
    gtfs_error,
    opened_feed,
    pick_date,
    reader_version,
    scan_stop_times,
    service_range,
    sha256_file,
)
from slimmeregio.layers.gtfs_trips import (
    RATES_COLUMN,
    RIDE_COLUMN,
    add_trip_columns,
    arrival_seconds,
)
from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerReport
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import Role

__all__ = [
    "DEFAULT_BUFFER_M",
    "DEFAULT_WINDOWS",
    "GTFS_FILES",
    "LAYER_NAME",
    "MODES",
    "GtfsImport",
    "GtfsImportReport",
    "TimeWindow",
    "gtfs_clip",
    "import_gtfs",
    "mode_of_route_type",
    "write_gtfs_gpkg",
]

#: Name of the layer the import writes.
LAYER_NAME = "ov_haltes"

#: Default buffer around the clip area: about 10 minutes by bike, so the
#: Brussels stops and stations just across the region's border stay.
DEFAULT_BUFFER_M = 3000.0

#: Service days before the chosen date looked at for times past 24:00 (a
#: time up to 71:59:59 is counted; GTFS feeds rarely pass 30:00:00).
_MAX_DAYS_BACK = 2
# ---------------------------------------------------------------------------
# Counting
# ---------------------------------------------------------------------------


def _drop_trips_of_unknown_routes(feed: Any) -> set[str]:
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


def _report_broken(
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


def _active_services(feed: Any, date: dt.date) -> dict[int, set[str]]:
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


def _stop_roots(stops: pd.DataFrame) -> pd.Series:
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


def _route_labels(routes: pd.DataFrame) -> pd.DataFrame:
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


# ---------------------------------------------------------------------------
# Clip area
# ---------------------------------------------------------------------------


def gtfs_clip(
    clip_to: str | Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> BaseGeometry:
    """The (unbuffered) clip area: ``"embedded"`` for the embedded region's
    municipalities, else a project or layer file with polygons."""
    from slimmeregio.layers.errors import OsmImportError
    from slimmeregio.layers.osm import clip_from_file, region_clip

    try:
        if str(clip_to) == "embedded":
            from slimmeregio.layers.region import load_region

            return region_clip(list(load_region().layers), buffer_m=0.0)
        return clip_from_file(clip_to, progress=progress, cancel=cancel)
    except OsmImportError as exc:
        reason = exc.data.get("reason") or {"nl": "geen knipgebied", "en": "no clip area"}
        raise GtfsImportError(path=exc.path or str(clip_to), reason=reason) from exc


def _buffered(clip: BaseGeometry, buffer_m: float, path: Path) -> BaseGeometry:
    area = shapely.make_valid(clip)
    if buffer_m > 0:
        area = area.buffer(buffer_m)
    if area.is_empty or area.area <= 0:
        raise gtfs_error(path, "het knipgebied heeft geen oppervlakte", "the clip area has no area")
    return area


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


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


def _day_departures(
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


def _stop_frame(
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
    routes = _route_labels(feed.routes)
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


def import_gtfs(
    path: str | Path,
    *,
    date: dt.date | str | None = None,
    windows: Sequence[TimeWindow] = DEFAULT_WINDOWS,
    clip: BaseGeometry | None = None,
    buffer_m: float = DEFAULT_BUFFER_M,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> GtfsImport:
    """Import a GTFS zip as a layer of stops with departures per hour.

    Parameters
    ----------
    path
        The GTFS feed (``.zip``).
    date
        The calendar day counted (a date or ``YYYY-MM-DD``); default the
        next Tuesday in the feed's range (see :func:`pick_date`).
    windows
        Time windows for the ``per_uur_*`` columns; default
        :data:`DEFAULT_WINDOWS`. Keys must be unique.
    clip
        Area to keep (shapely geometry, EPSG:31370), buffered by
        ``buffer_m``; default: every stop of the feed.
    today
        The day "next Tuesday" counts from (default: today).
    progress, cancel
        Progress callback and cancel check.

    Raises
    ------
    SourceNotFoundError
        The file does not exist.
    UnsafeArchiveError, CorruptFileError
        The zip fails the archive checks or cannot be read.
    GtfsImportError
        Required files or columns missing, unreadable times or dates, a
        date outside the feed's range, nothing left in the clip area.
    OperationCancelled
        The user cancelled.
    """
    started = time.perf_counter()
    path = Path(path)
    task = Task(progress, cancel)
    if not path.is_file():
        raise SourceNotFoundError(path=path)
    keys = [w.key for w in windows]
    if not keys or len(set(keys)) != len(keys):
        raise gtfs_error(
            path,
            "de tijdvensters moeten elk een andere naam hebben",
            "the time windows need distinct names",
        )
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError as exc:
            raise gtfs_error(
                path, f"'{date}' is geen datum JJJJ-MM-DD", f"'{date}' is not a date YYYY-MM-DD"
            ) from exc
    task.report(0.0, "checking")
    folder = check_members(path)
    sha = sha256_file(path)
    report = GtfsImportReport()
    layer_report = LayerReport()
    with opened_feed(path, folder, task.sub(0.0, 0.2)) as (feed, stop_times_csv):
        task.report(0.2, "checking tables")
        check_tables(feed, stop_times_csv, path)
        check_frequency_times(feed, path)
        start, end = service_range(feed, path)
        day = pick_date(start, end, date, today or dt.date.today(), path)
        report.service_date = day.isoformat()
        dropped = _drop_trips_of_unknown_routes(feed)
        active = _active_services(feed, day)
        trips = feed.trips
        services = set().union(*active.values())
        union = set(
            trips.loc[trips["service_id"].astype(str).isin(services), "trip_id"].astype(str)
        )
        scan = scan_stop_times(
            stop_times_csv,
            path,
            keep=union,
            trip_routes=trips.set_index(trips["trip_id"].astype(str))["route_id"].astype(str),
            skip_trips=dropped,
            stop_ids=set(feed.stops["stop_id"].astype(str)),
            task=task.sub(0.2, 0.5),
        )
    _report_broken(
        {
            "trips_unknown_route": len(dropped),
            "stop_times_unknown_trip": scan.unknown_trip,
            "stop_times_unknown_stop": scan.unknown_stop,
        },
        report,
        layer_report,
    )
    feed.stop_times = scan.kept
    deps, timed = _day_departures(
        feed, active, union, path, report, layer_report, task.sub(0.5, 0.75)
    )
    task.report(0.75, "stations")
    root = _stop_roots(feed.stops)
    deps["root"] = deps["stop_id"].map(root)
    frame = _stop_frame(feed, deps, root, scan.served, windows, report, layer_report)
    frame = add_trip_columns(frame, feed, deps, timed, root, windows, _route_labels(feed.routes))
    task.report(0.9, "clipping")
    if clip is not None:
        area = _buffered(clip, buffer_m, path)
        inside_mask = frame.geometry.within(area).to_numpy()
        report.outside_clip = int((~inside_mask).sum())
        frame = frame.loc[inside_mask].reset_index(drop=True)
        if frame.empty:
            raise gtfs_error(
                path,
                "geen enkele halte van de feed ligt in het gebied",
                "no stop of the feed lies in the area",
            )

    report.stops = len(frame)
    report.stations = int((frame["perrons"] > 1).sum())
    report.departures = int(frame["vertrekken_dag"].sum())
    report.trips = int(deps.loc[deps["root"].isin(set(frame["stop_id"])), "trip_id"].nunique())
    info_record = feed_info(feed)
    publisher = info_record.get("feed_publisher_name", "")
    provenance: dict[str, Any] = {
        "feed_file": path.name,
        "sha256": sha,
        "publisher": publisher,
        "publisher_url": info_record.get("feed_publisher_url", ""),
        "feed_version": info_record.get("feed_version", ""),
        "feed_validity": [
            info_record.get("feed_start_date", ""),
            info_record.get("feed_end_date", ""),
        ],
        "service_range": [start.isoformat(), end.isoformat()],
        "service_date": day.isoformat(),
        "windows": {w.key: w.text() for w in windows},
        "clip_buffer_m": buffer_m if clip is not None else None,
        "reader": reader_version(),
    }
    fields = {
        "id": "stop_id",
        "name": "naam",
        "mode": "modi",
        "routes": "lijnen",
        "ride_min_brussels": RIDE_COLUMN,
        "route_rates": RATES_COLUMN,
    }
    for window in windows:
        if window.key in WINDOW_FIELDS:
            fields[WINDOW_FIELDS[window.key]] = window.column
    attribution = f"GTFS: {publisher or path.name}"
    layer = Layer(
        name=LAYER_NAME,
        data=frame,
        role=Role.PT_STOPS,
        fields=fields,
        source=path,
        original_crs="EPSG:4326",
        report=layer_report,
        attribution=attribution,
    )
    report.seconds = time.perf_counter() - started
    task.report(1.0, "done")
    return GtfsImport(layer=layer, report=report, provenance=provenance)


def write_gtfs_gpkg(result: GtfsImport, out: str | Path, *, force: bool = False) -> Path:
    """Write the stops layer to a GeoPackage, atomically, with its provenance.

    The provenance (feed file, SHA-256, publisher, version, validity,
    service date, windows) is stored as JSON in the layer's metadata
    (``provenance``), next to ``attribution``.

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``force`` is false.
    ExportError
        The file cannot be written.
    """
    from slimmeregio.layers.gpkg_out import write_layers_gpkg

    return write_layers_gpkg(
        [result.layer],
        out,
        force=force,
        metadata={"provenance": json.dumps(result.provenance, ensure_ascii=False)},
    )
