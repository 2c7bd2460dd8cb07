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

Reading and checking the untrusted zip is :mod:`slimmeregio.layers.gtfs_read`;
counting the day is :mod:`slimmeregio.layers.gtfs_count`.
docs/gtfs.md has the user's version of these rules.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.errors import GtfsImportError, SourceNotFoundError
from slimmeregio.layers.gtfs_count import (
    active_services,
    day_departures,
    drop_trips_of_unknown_routes,
    report_broken,
    route_labels,
    stop_frame,
    stop_roots,
)
from slimmeregio.layers.gtfs_model import (
    DEFAULT_WINDOWS,
    MODES,
    WINDOW_FIELDS,
    GtfsImport,
    GtfsImportReport,
    TimeWindow,
    mode_of_route_type,
)
from slimmeregio.layers.gtfs_read import (
    GTFS_FILES,
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
)
from slimmeregio.layers.model import Layer, LayerReport
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
        dropped = drop_trips_of_unknown_routes(feed)
        active = active_services(feed, day)
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
    report_broken(
        {
            "trips_unknown_route": len(dropped),
            "stop_times_unknown_trip": scan.unknown_trip,
            "stop_times_unknown_stop": scan.unknown_stop,
        },
        report,
        layer_report,
    )
    feed.stop_times = scan.kept
    deps, timed = day_departures(
        feed, active, union, path, report, layer_report, task.sub(0.5, 0.75)
    )
    task.report(0.75, "stations")
    root = stop_roots(feed.stops)
    deps["root"] = deps["stop_id"].map(root)
    frame = stop_frame(feed, deps, root, scan.served, windows, report, layer_report)
    frame = add_trip_columns(frame, feed, deps, timed, root, windows, route_labels(feed.routes))
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
