"""Read and check an untrusted GTFS zip.

The zip is checked as a whole (zip-slip, entry count, sizes, ratio:
:mod:`slimmeregio.layers.archive`) before anything is read; only the tables
in :data:`GTFS_FILES` are extracted, to a temporary folder. The small tables
are read with `gtfs-kit <https://pypi.org/project/gtfs-kit/>`_ (from that
folder, never from a URL); ``stop_times.txt``, by far the largest, is
scanned in blocks (:func:`scan_stop_times`) so that only the trips that
count stay in memory. Required tables and columns, unique ids, times
(``H:MM:SS``, hours may pass 24) and calendar dates are checked; every
problem is a one-line :class:`~slimmeregio.layers.errors.GtfsImportError`.
Also here: the feed's service range, the default service date and the
``feed_info`` record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.layers.errors import GtfsImportError
from slimmeregio.layers.progress import Task

__all__ = [
    "GTFS_FILES",
    "StopTimesScan",
    "board_time",
    "check_frequency_times",
    "check_members",
    "check_tables",
    "feed_info",
    "gtfs_error",
    "opened_feed",
    "parse_times",
    "pick_date",
    "reader_version",
    "scan_stop_times",
    "service_range",
    "sha256_file",
]

#: The GTFS tables the import reads; nothing else is extracted.
GTFS_FILES = (
    "stops.txt",
    "stop_times.txt",
    "trips.txt",
    "routes.txt",
    "calendar.txt",
    "calendar_dates.txt",
    "frequencies.txt",
    "feed_info.txt",
    "agency.txt",
)
_REQUIRED = ("stops.txt", "stop_times.txt", "trips.txt", "routes.txt")
_REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "stops": ("stop_id", "stop_lat", "stop_lon"),
    "stop_times": ("trip_id", "stop_id", "stop_sequence"),
    "trips": ("route_id", "service_id", "trip_id"),
    "routes": ("route_id", "route_type"),
    "calendar": (
        "service_id",
        "start_date",
        "end_date",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ),
    "calendar_dates": ("service_id", "date", "exception_type"),
    "frequencies": ("trip_id", "start_time", "end_time", "headway_secs"),
}

#: Modes in order of importance (the first one served is ``hoofdmodus``),

_TIME = re.compile(r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$")
_GTFS_DATE = re.compile(r"^\d{8}$")
_CHUNK = 1024 * 1024


def gtfs_error(path: str | Path, nl: str, en: str, detail: str | None = None) -> GtfsImportError:
    return GtfsImportError(path=path, reason={"nl": nl, "en": en}, detail=detail)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _feed_folder(names: Sequence[str], path: Path) -> str:
    """The folder inside the zip that holds ``stops.txt`` ('' for the root)."""
    folders = {str(PurePosixPath(n).parent) for n in names if PurePosixPath(n).name == "stops.txt"}
    folders = {"" if f == "." else f for f in folders}
    if len(folders) > 1:
        raise gtfs_error(
            path,
            "het zip-bestand bevat meer dan één GTFS-feed",
            "the zip file holds more than one GTFS feed",
        )
    return folders.pop() if folders else ""


def check_members(path: Path) -> str:
    """Check the zip holds the required tables; return the feed's folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename.replace("\\", "/") for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise gtfs_error(
            path, "geen leesbaar zip-bestand", "not a readable zip file", str(exc)
        ) from exc
    folder = _feed_folder(names, path)
    present = {
        PurePosixPath(n).name for n in names if str(PurePosixPath(n).parent) in (folder or ".",)
    }
    missing = [name for name in _REQUIRED if name not in present]
    if "calendar.txt" not in present and "calendar_dates.txt" not in present:
        missing.append("calendar.txt/calendar_dates.txt")
    if missing:
        listed = ", ".join(missing)
        raise gtfs_error(
            path,
            f"verplichte GTFS-bestanden ontbreken: {listed}",
            f"required GTFS files are missing: {listed}",
        )
    return folder


@contextlib.contextmanager
def opened_feed(path: Path, folder: str, task: Task) -> Iterator[tuple[Any, Path]]:
    """The feed's small tables read with gtfs-kit, and the path of its
    ``stop_times.txt`` for :func:`scan_stop_times`, while the extracted
    tables exist (a temporary folder, removed afterwards).

    ``stop_times.txt``, by far the largest table, is kept out of gtfs-kit's
    reach so it is read in blocks and only the trips that count are kept.
    """
    import gtfs_kit as gk

    from slimmeregio.layers.archive import extracted

    def wanted(name: str) -> bool:
        p = PurePosixPath(name)
        return p.name in GTFS_FILES and str(p.parent) == (folder or ".")

    with extracted(path, only=wanted) as tmp:
        root = tmp / folder if folder else tmp
        aside = tmp.parent / f"{tmp.name}-stop_times.txt"
        (root / "stop_times.txt").replace(aside)
        try:
            task.report(0.1, "reading")
            try:
                # dist_units given: no shapes.txt is read to infer it.
                feed = gk.read_feed(root, dist_units="km")
            except (
                ValueError,
                TypeError,
                KeyError,
                UnicodeDecodeError,
                pd.errors.ParserError,
            ) as exc:
                raise gtfs_error(
                    path,
                    "een GTFS-tabel kan niet gelezen worden (kolommen of waarden)",
                    "a GTFS table cannot be read (columns or values)",
                    str(exc),
                ) from exc
            yield feed, aside
        finally:
            aside.unlink(missing_ok=True)


def _unreadable_stop_times(path: Path, exc: Exception) -> GtfsImportError:
    return gtfs_error(
        path, "stop_times.txt kan niet gelezen worden", "stop_times.txt cannot be read", str(exc)
    )


def _stop_times_header(csv: Path, path: Path) -> list[str]:
    try:
        head = pd.read_csv(csv, nrows=1, dtype=str, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        head = pd.DataFrame()
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise _unreadable_stop_times(path, exc) from exc
    if head.empty:
        raise gtfs_error(path, "stop_times.txt is leeg", "stop_times.txt is empty")
    return [str(c).strip() for c in head.columns]


def check_tables(feed: Any, stop_times: Path, path: Path) -> None:
    """Required tables and columns present and not empty, ids unique."""
    for table in ("stops", "trips", "routes"):
        if getattr(feed, table) is None:
            raise gtfs_error(path, f"{table}.txt is leeg", f"{table}.txt is empty")
    if feed.calendar is None and feed.calendar_dates is None:
        raise gtfs_error(
            path,
            "calendar.txt en calendar_dates.txt zijn leeg",
            "calendar.txt and calendar_dates.txt are empty",
        )
    header = _stop_times_header(stop_times, path)
    for table, columns in _REQUIRED_COLUMNS.items():
        frame = getattr(feed, table) if table != "stop_times" else pd.DataFrame(columns=header)
        if frame is None:
            continue
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            listed = ", ".join(missing)
            raise gtfs_error(
                path,
                f"{table}.txt mist de kolom(men) {listed}",
                f"{table}.txt lacks the column(s) {listed}",
            )
    for table, key in (("stops", "stop_id"), ("trips", "trip_id"), ("routes", "route_id")):
        ids = getattr(feed, table)[key].astype("string")
        doubles = ids[ids.duplicated()]
        if len(doubles):
            n, example = len(doubles), doubles.iloc[0]
            raise gtfs_error(
                path,
                f"{table}.txt heeft {n} dubbele {key}, bv. '{example}'",
                f"{table}.txt has {n} duplicate {key}, e.g. '{example}'",
            )
    if not {"arrival_time", "departure_time"} & set(header):
        raise gtfs_error(
            path,
            "stop_times.txt heeft geen arrival_time of departure_time",
            "stop_times.txt has no arrival_time or departure_time",
        )


#: Rows decoded at a time by :func:`parse_times` (bounds its scratch memory).
_TIME_BLOCK = 250_000


def _decode_times(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of ``HH:MM:SS`` / ``H:MM:SS`` strings, decoded on their code
    points; returns the values and the indices of the other non-empty strings
    (including every string longer than 12 characters, cut to 12 here)."""
    width = 12
    chars = text.astype(f"U{width}")
    v = chars.view(np.uint32).reshape(len(text), width).astype(np.int32) - 48
    lengths = np.char.str_len(chars)
    digit = (v >= 0) & (v <= 9)
    colon = v == 10  # ':' is code point 58
    long_form = (
        (lengths == 8) & colon[:, 2] & colon[:, 5] & digit[:, [0, 1, 3, 4, 6, 7]].all(axis=1)
    )
    short_form = (lengths == 7) & colon[:, 1] & colon[:, 4] & digit[:, [0, 2, 3, 5, 6]].all(axis=1)
    # Minutes or seconds above 59 are wrong in either form: tens digit at most 5.
    long_form &= (v[:, 3] <= 5) & (v[:, 6] <= 5)
    short_form &= (v[:, 2] <= 5) & (v[:, 5] <= 5)
    out = np.full(len(text), np.nan)
    out[long_form] = (
        (v[:, 0] * 10 + v[:, 1]) * 3600 + (v[:, 3] * 10 + v[:, 4]) * 60 + v[:, 6] * 10 + v[:, 7]
    )[long_form]
    out[short_form] = (v[:, 0] * 3600 + (v[:, 2] * 10 + v[:, 3]) * 60 + v[:, 5] * 10 + v[:, 6])[
        short_form
    ]
    return out, np.flatnonzero(~(long_form | short_form) & (lengths > 0))


def parse_times(values: pd.Series, path: Path, what: str) -> np.ndarray:
    """GTFS times (``H:MM:SS``, hours may pass 24) as seconds; NaN when empty.

    The common forms ``HH:MM:SS`` and ``H:MM:SS`` are decoded with numpy,
    :data:`_TIME_BLOCK` rows at a time; anything else goes through a regular
    expression. Raises GtfsImportError naming the first bad value and the count.
    """
    out, bad = _times(values)
    _raise_bad_times(bad, path, what)
    return out


def _raise_bad_times(bad: list[str], path: Path, what: str) -> None:
    if bad:
        n, example = len(bad), bad[0].strip()
        raise gtfs_error(
            path,
            f"{n} onleesbare tijd(en) in {what}, bv. '{example}' (verwacht UU:MM:SS)",
            f"{n} unreadable time(s) in {what}, e.g. '{example}' (expected HH:MM:SS)",
        )


def _times(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Seconds of ``values`` and the values that are no GTFS time."""
    out = np.full(len(values), np.nan)
    bad: list[str] = []
    for start in range(0, len(values), _TIME_BLOCK):
        text = (
            values.iloc[start : start + _TIME_BLOCK]
            .astype("string")
            .fillna("")
            .to_numpy(dtype=object)
        )
        decoded, rest = _decode_times(text)
        for i in rest:
            item = str(text[i])
            if not item.strip():
                continue
            match = _TIME.match(item)
            if match is None:
                bad.append(item)
            else:
                h, m, s = (int(g) for g in match.groups())
                decoded[i] = h * 3600 + m * 60 + s
        out[start : start + len(text)] = decoded
    return out, bad


def board_time(st: pd.DataFrame, path: Path) -> np.ndarray:
    """Seconds of each stop time: ``departure_time``, else ``arrival_time``."""
    seconds, bad = _board_time(st)
    for column, values in bad.items():
        _raise_bad_times(values, path, f"stop_times.txt ({column})")
    return seconds


def _board_time(st: pd.DataFrame) -> tuple[np.ndarray, dict[str, list[str]]]:
    seconds = np.full(len(st), np.nan)
    bad: dict[str, list[str]] = {}
    if "departure_time" in st.columns:
        seconds, bad["departure_time"] = _times(st["departure_time"])
    if "arrival_time" in st.columns:
        arrival, bad["arrival_time"] = _times(st["arrival_time"])
        seconds = np.where(np.isnan(seconds), arrival, seconds)
    return seconds, bad


def check_frequency_times(feed: Any, path: Path) -> None:
    """``frequencies.txt`` start and end times are GTFS times."""
    if feed.frequencies is not None:
        for column in ("start_time", "end_time"):
            seconds = parse_times(feed.frequencies[column], path, f"frequencies.txt ({column})")
            if np.isnan(seconds).any():
                raise gtfs_error(
                    path,
                    f"frequencies.txt heeft lege {column}",
                    f"frequencies.txt has an empty {column}",
                )


#: Columns of stop_times.txt the import reads.
_STOP_TIME_COLUMNS = (
    "trip_id",
    "arrival_time",
    "departure_time",
    "stop_id",
    "stop_sequence",
    "pickup_type",
)
#: Rows of stop_times.txt read at a time.
_SCAN_ROWS = 500_000


@dataclass
class StopTimesScan:
    """What :func:`scan_stop_times` found.

    ``kept`` holds the stop times of the trips asked for, with their time in
    seconds in ``_t`` (departure, else arrival); ``served`` every distinct
    (``stop_id``, ``route_id``) pair of the whole feed; the counts are the
    rows referring to an unknown trip or stop (skipped).
    """

    kept: pd.DataFrame
    served: pd.DataFrame
    rows: int = 0
    unknown_trip: int = 0
    unknown_stop: int = 0


def scan_stop_times(
    csv: Path,
    path: Path,
    *,
    keep: set[str],
    trip_routes: pd.Series,
    skip_trips: set[str],
    stop_ids: set[str],
    task: Task,
) -> StopTimesScan:
    """Read ``stop_times.txt`` in blocks of :data:`_SCAN_ROWS` rows.

    Every time is checked (an unreadable one is an error naming the count
    and the first); rows of unknown trips or stops are counted and skipped,
    rows of ``skip_trips`` (trips already left out) are dropped silently;
    only the trips in ``keep`` are kept. ``trip_routes`` maps trip_id to
    route_id for ``served``.
    """
    size = max(csv.stat().st_size, 1)
    kept: list[pd.DataFrame] = []
    served: list[pd.DataFrame] = []
    bad_count = {"departure_time": 0, "arrival_time": 0}
    bad_first: dict[str, str] = {}
    scan = StopTimesScan(kept=pd.DataFrame(), served=pd.DataFrame())
    known_trips = set(trip_routes.index) | skip_trips
    try:
        with open(csv, "rb") as raw:
            reader = pd.read_csv(
                raw,
                dtype=str,
                encoding="utf-8-sig",
                chunksize=_SCAN_ROWS,
                usecols=lambda c: str(c).strip() in _STOP_TIME_COLUMNS,
                keep_default_na=False,
                na_values=[""],
            )
            for chunk in reader:
                task.report(raw.tell() / size, "stop times")
                chunk.columns = [str(c).strip() for c in chunk.columns]
                seconds, chunk_bad = _board_time(chunk)
                for column, values in chunk_bad.items():
                    bad_count[column] += len(values)
                    if values:
                        bad_first.setdefault(column, values[0].strip())
                chunk["_t"] = seconds
                trip, stop = chunk["trip_id"], chunk["stop_id"]
                unknown_stop = ~stop.isin(stop_ids)
                unknown_trip = ~trip.isin(known_trips)
                scan.rows += len(chunk)
                scan.unknown_stop += int(unknown_stop.sum())
                scan.unknown_trip += int((unknown_trip & ~unknown_stop).sum())
                good = ~(unknown_stop | unknown_trip | trip.isin(skip_trips))
                pairs = pd.DataFrame(
                    {
                        "stop_id": stop[good].to_numpy(),
                        "route_id": trip[good].map(trip_routes).to_numpy(),
                    }
                )
                served.append(pairs.drop_duplicates())
                kept.append(chunk.loc[good & trip.isin(keep)])
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise _unreadable_stop_times(path, exc) from exc
    for column, count in bad_count.items():
        if count:
            what = f"stop_times.txt ({column})"
            example = bad_first[column]
            raise gtfs_error(
                path,
                f"{count} onleesbare tijd(en) in {what}, bv. '{example}' (verwacht UU:MM:SS)",
                f"{count} unreadable time(s) in {what}, e.g. '{example}' (expected HH:MM:SS)",
            )
    scan.kept = (
        pd.concat(kept, ignore_index=True)
        if kept
        else pd.DataFrame(columns=[*_STOP_TIME_COLUMNS, "_t"])
    )
    scan.served = (
        pd.concat(served, ignore_index=True).drop_duplicates()
        if served
        else pd.DataFrame(columns=["stop_id", "route_id"])
    )
    return scan


def _date_text(value: Any) -> str:
    return str(value).strip()


def service_range(feed: Any, path: Path) -> tuple[dt.date, dt.date]:
    """First and last date of the feed's calendar and calendar_dates."""
    dates: list[str] = []
    if feed.calendar is not None:
        dates += [_date_text(v) for v in feed.calendar["start_date"].dropna()]
        dates += [_date_text(v) for v in feed.calendar["end_date"].dropna()]
    if feed.calendar_dates is not None:
        dates += [_date_text(v) for v in feed.calendar_dates["date"].dropna()]
    bad = [d for d in dates if not _GTFS_DATE.match(d)]
    parsed = []
    for d in dates:
        try:
            parsed.append(dt.datetime.strptime(d, "%Y%m%d").date())
        except ValueError:
            bad.append(d)
    if bad:
        raise gtfs_error(
            path,
            f"onleesbare datum in de kalender: '{bad[0]}' (verwacht JJJJMMDD)",
            f"unreadable date in the calendar: '{bad[0]}' (expected YYYYMMDD)",
        )
    if not parsed:
        raise gtfs_error(path, "de kalender bevat geen datums", "the calendar holds no dates")
    return min(parsed), max(parsed)


def pick_date(
    start: dt.date, end: dt.date, date: dt.date | None, today: dt.date, path: Path
) -> dt.date:
    """The chosen date, or the default: the next Tuesday in the feed's range.

    Default: the first Tuesday from ``today`` on within the range; for a
    feed that starts later or has ended, its first Tuesday; without a
    Tuesday, its first weekday; else its first day.
    """
    if date is not None:
        if not start <= date <= end:
            raise gtfs_error(
                path,
                f"{date.isoformat()} valt buiten de dienstregeling van de feed "
                f"({start.isoformat()} tot {end.isoformat()})",
                f"{date.isoformat()} is outside the feed's service range "
                f"({start.isoformat()} to {end.isoformat()})",
            )
        return date
    for first in (max(today, start), start):
        day = first + dt.timedelta(days=(1 - first.weekday()) % 7)
        if day <= end:
            return day
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        if day.weekday() < 5:
            return day
    return start


def feed_info(feed: Any) -> dict[str, str]:
    info: dict[str, str] = {}
    table = getattr(feed, "feed_info", None)
    if table is not None and len(table):
        row = table.iloc[0]
        for key in (
            "feed_publisher_name",
            "feed_publisher_url",
            "feed_version",
            "feed_start_date",
            "feed_end_date",
            "feed_lang",
        ):
            if key in table.columns and pd.notna(row[key]):
                info[key] = str(row[key])
    agency = getattr(feed, "agency", None)
    if "feed_publisher_name" not in info and agency is not None and "agency_name" in agency:
        names = sorted({str(n) for n in agency["agency_name"].dropna()})
        if names:
            info["feed_publisher_name"] = ", ".join(names)
    return info


def reader_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"gtfs-kit {version('gtfs-kit')}"
    except PackageNotFoundError:
        return "gtfs-kit"
