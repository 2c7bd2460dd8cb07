"""Reading point tables from CSV files with coordinate columns.

Planners receive CSVs from Excel (``;`` and decimal comma, cp1252), from open
data portals (``,``, UTF-8 with or without BOM) and sometimes without a header
row. :func:`read_csv_points` sniffs all of that, finds the coordinate columns
by name (``x``/``y``, ``lambert_x``, ``lon``/``lat``, ``longitude`` ...), or by
value range in a file without header, or a WKT column, and returns points
*without* a CRS; the caller decides the CRS (see :mod:`.crs`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.crs import CANDIDATES, share_in_belgium
from slimmeregio.layers.errors import (
    BadCoordinatesError,
    CorruptFileError,
    EmptyLayerError,
    MissingCoordinatesError,
)
from slimmeregio.layers.roles import normalize_name

__all__ = [
    "MAX_COLUMNS",
    "CsvInfo",
    "WKT_NAMES",
    "XY_NAME_PAIRS",
    "parse_number",
    "read_csv_points",
    "sniff_delimiter",
]

#: Coordinate column pairs (x, y) by normalized name, with whether the names
#: say the values are geographic (lon/lat, so WGS84). First match wins.
XY_NAME_PAIRS: tuple[tuple[str, str, bool], ...] = (
    ("lambert_x", "lambert_y", False),
    ("x_lambert", "y_lambert", False),
    ("lambert72_x", "lambert72_y", False),
    ("x_lambert72", "y_lambert72", False),
    ("x_l72", "y_l72", False),
    ("lambert2008_x", "lambert2008_y", False),
    ("x_lambert2008", "y_lambert2008", False),
    ("x", "y", False),
    ("x_coord", "y_coord", False),
    ("xcoord", "ycoord", False),
    ("coord_x", "coord_y", False),
    ("x_coordinaat", "y_coordinaat", False),
    ("coordinaat_x", "coordinaat_y", False),
    ("oost", "noord", False),
    ("oostwaarde", "noordwaarde", False),
    ("easting", "northing", False),
    ("east", "north", False),
    ("longitude", "latitude", True),
    ("lon", "lat", True),
    ("lng", "lat", True),
    ("long", "lat", True),
    ("lengtegraad", "breedtegraad", True),
    ("lengte", "breedte", True),
    ("geo_lon", "geo_lat", True),
    ("wgs84_lon", "wgs84_lat", True),
    ("lon_wgs84", "lat_wgs84", True),
    ("x_wgs84", "y_wgs84", True),
    ("geo_point_lon", "geo_point_lat", True),
    ("gps_lon", "gps_lat", True),
    ("point_x", "point_y", False),
)

#: Name parts that mark a coordinate column in longer names
#: ("Longitude (WGS84)", "X-coordinaat Lambert 72").
_LON_TOKENS = frozenset({"lon", "lng", "longitude", "lengtegraad"})
_LAT_TOKENS = frozenset({"lat", "latitude", "breedtegraad"})
_X_TOKENS = frozenset({"x", "xcoord", "oost", "easting"})
_Y_TOKENS = frozenset({"y", "ycoord", "noord", "northing"})

#: Columns holding geometries as WKT.
WKT_NAMES = ("wkt", "wkt_geom", "geometry", "geom", "the_geom", "geometrie")

_DELIMITERS = (";", ",", "\t", "|")
_SNIFF_LINES = 50
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_LEADING_ZERO = r"^[+-]?0\d"
_THOUSANDS_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,\d+$")


@dataclass(frozen=True)
class CsvInfo:
    """What :func:`read_csv_points` found out about a CSV file."""

    encoding: str
    delimiter: str
    header: bool
    x_column: str | None
    y_column: str | None
    #: True when the column names say lon/lat, False when they say projected
    #: x/y, None when unknown (a WKT column, or found by value range).
    geographic: bool | None
    #: CRS whose Belgian range the values fit, when found by value range.
    range_crs: str | None
    #: Rows dropped because their coordinates were empty.
    dropped: int
    decimal_comma: bool


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise CorruptFileError(path=path, detail=str(error)) from error
    if b"\x00" in raw[:4096]:
        raise CorruptFileError(path=path, detail="binary data in a CSV file")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into a constant number (>1)
    of fields; ``;`` first, because decimal-comma files use it."""
    sample = [line for line in lines[:_SNIFF_LINES] if line.strip()]
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
        try:
            counts = {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        except csv.Error:  # e.g. a line longer than csv's field limit when not split
            continue
        if len(counts) == 1:
            fields = counts.pop()
            if fields > 1:
                return delimiter
        elif counts:
            # Not constant: remember the most common split as a fallback.
            fields = max(counts)
            if fields > best_fields and delimiter in (sample[0] if sample else ""):
                best, best_fields = delimiter, fields
    return best


def parse_number(text: str) -> float | None:
    """``text`` as a number (decimal point or comma), None if it is not one."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if not value:
        return None
    if _THOUSANDS_COMMA_DECIMAL.match(value):
        value = value.replace(".", "").replace(",", ".")
    elif not _NUMBER.match(value):
        return None
    else:
        value = value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        return None


def _is_number(text: str) -> bool:
    return parse_number(text) is not None


def _text(values: list[str]) -> pd.Series:
    """Text values; empty cells become missing values."""
    return pd.Series([v if v else None for v in values])


def _fast_numbers(text: np.ndarray, filled: np.ndarray) -> np.ndarray | None:
    """Numbers parsed in C by numpy (decimal point or comma), or None."""
    dotted = np.strings.replace(text, ",", ".")
    try:
        return np.where(filled, dotted, "nan").astype(float)
    except ValueError:
        return None


def _convert(values: list[str]) -> tuple[pd.Series, bool]:
    """A column as numbers when every non-empty value is one (codes with a
    leading zero stay text); returns the series and whether a decimal comma
    was seen. CSVs of 100,000 rows are common: numpy parses in C first."""
    stripped = [v.strip() for v in values]
    text = np.array(stripped, dtype=np.str_)
    filled = text != ""
    if not filled.any() or any(re.match(_LEADING_ZERO, v) for v in text[filled][:1000]):
        return _text(stripped), False
    if any(parse_number(str(v)) is None for v in text[filled][:100]):
        return _text(stripped), False
    array = _fast_numbers(text, filled)
    if array is None or bool(np.isinf(array).any()):
        parsed = [parse_number(v) if v else np.nan for v in stripped]
        if any(n is None for n in parsed):
            return _text(stripped), False
        array = np.array(parsed, dtype=float)
    has = text[filled]
    comma = bool((np.strings.find(has, ",") >= 0).any())
    integral = not any(bool((np.strings.find(has, c) >= 0).any()) for c in ".,eE")
    if integral and not np.isnan(array).any():
        return pd.Series(array.astype(np.int64)), comma
    return pd.Series(array), comma


#: Most columns a CSV may have: SQLite's (so GeoPackage's) default column limit;
#: a wider table could not be saved in a project anyway.
MAX_COLUMNS = 2000


def _unique_names(names: list[str]) -> list[str]:
    """``a, a, a`` -> ``a, a_2, a_3`` in linear time (the next suffix per name is remembered)."""
    seen: set[str] = set()
    next_suffix: dict[str, int] = {}
    result = []
    for i, raw in enumerate(names, start=1):
        name = raw.strip() or f"col{i}"
        base = name
        n = next_suffix.get(base, 2)
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        next_suffix[base] = n
        seen.add(name)
        result.append(name)
    return result


def _rows(text: str, delimiter: str, path: Path) -> list[list[str]]:
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = [row for row in reader if "".join(row).strip()]
    except csv.Error as error:
        raise CorruptFileError(path=path, detail=str(error)) from error
    return rows


def _find_by_name(columns: list[str]) -> tuple[str, str, bool] | None:
    normalized = {normalize_name(c): c for c in reversed(columns)}
    for x_name, y_name, geographic in XY_NAME_PAIRS:
        if x_name in normalized and y_name in normalized:
            return normalized[x_name], normalized[y_name], geographic
    # Fallback: exactly one column with a longitude (x) part and one with a
    # latitude (y) part in its name.
    for x_tokens, y_tokens, geographic in (
        (_LON_TOKENS, _LAT_TOKENS, True),
        (_X_TOKENS, _Y_TOKENS, False),
    ):
        xs = [c for c in columns if x_tokens & set(normalize_name(c).split("_"))]
        ys = [c for c in columns if y_tokens & set(normalize_name(c).split("_"))]
        if len(xs) == 1 and len(ys) == 1 and xs != ys:
            return xs[0], ys[0], geographic
    return None


def _fits_box(xs: np.ndarray, ys: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    inside = (xs >= box[0]) & (xs <= box[2]) & (ys >= box[1]) & (ys <= box[3])
    return bool(inside.size) and float(inside.mean()) >= 0.5


def _find_by_range(frame: pd.DataFrame) -> tuple[str, str, str] | None:
    """(x column, y column, crs) whose values put most rows in Belgium."""
    numeric = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    arrays = {c: frame[c].to_numpy(dtype=float) for c in numeric}
    best: tuple[float, str, str, str] | None = None
    for x_col in numeric:
        for y_col in numeric:
            if x_col == y_col:
                continue
            xs, ys = arrays[x_col], arrays[y_col]
            ok = np.isfinite(xs) & np.isfinite(ys)
            for candidate in CANDIDATES:
                if not _fits_box(xs[ok], ys[ok], candidate.box):
                    continue
                share = share_in_belgium(xs[ok], ys[ok], candidate.code)
                if share >= 0.5 and (best is None or share > best[0]):
                    best = (share, x_col, y_col, candidate.code)
    return None if best is None else (best[1], best[2], best[3])


def _coordinates(
    frame: pd.DataFrame, raw: pd.DataFrame, column: str, path: Path, header: bool
) -> np.ndarray:
    series = frame[column]
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float)
    for i, value in enumerate(raw[column]):
        if value.strip() and not _is_number(value):
            raise BadCoordinatesError(
                path=path, field=column, row=i + (2 if header else 1), value=value.strip()[:40]
            )
    return np.array([parse_number(v) if v.strip() else np.nan for v in raw[column]], dtype=float)


def read_csv_points(path: str | Path) -> tuple[gpd.GeoDataFrame, CsvInfo]:
    """Read a CSV with coordinates as points without a CRS.

    Parameters
    ----------
    path
        The CSV file (``,``, ``;``, tab or ``|`` separated; UTF-8 with or
        without BOM, UTF-16 or cp1252; decimal point or comma; with or
        without a header row).

    Returns
    -------
    (GeoDataFrame, CsvInfo)
        All columns (numbers converted) plus point geometry, CRS unset; and
        what was found out about the file.

    Raises
    ------
    MissingCoordinatesError
        No coordinate columns (or WKT column) found.
    BadCoordinatesError
        A coordinate column holds text.
    EmptyLayerError
        No rows, or no row with coordinates.
    CorruptFileError
        The file is not readable as text CSV.
    """
    path = Path(path)
    text, encoding = _decode(path.read_bytes(), path)
    lines = text.splitlines()
    delimiter = sniff_delimiter(lines)
    rows = _rows(text, delimiter, path)
    name = path.stem
    if not rows:
        raise EmptyLayerError(path=path, layer=name)
    header = not any(_is_number(cell) for cell in rows[0])
    width = max(len(r) for r in rows)
    if width > MAX_COLUMNS:
        raise CorruptFileError(
            path=path,
            detail=f"{width} columns",
            hint={
                "nl": f"Het bestand heeft {width} kolommen; het maximum is {MAX_COLUMNS} (de grens van GeoPackage).",
                "en": f"The file has {width} columns; the limit is {MAX_COLUMNS} (the GeoPackage limit).",
            },
        )
    names = (
        _unique_names(rows[0] + [""] * (width - len(rows[0])))
        if header
        else [f"col{i}" for i in range(1, width + 1)]
    )
    body = [r + [""] * (width - len(r)) for r in (rows[1:] if header else rows)]
    if not body:
        raise EmptyLayerError(path=path, layer=name)
    raw = pd.DataFrame(body, columns=names, dtype=object)
    frame = pd.DataFrame(index=raw.index)
    decimal_comma = False
    for column in names:
        frame[column], comma = _convert(list(raw[column]))
        decimal_comma = decimal_comma or comma

    found = _find_by_name(names)
    range_crs: str | None = None
    geographic: bool | None = None
    geometry: np.ndarray
    x_col: str | None = None
    y_col: str | None = None
    if found is not None:
        x_col, y_col, geographic = found
        xs = _coordinates(frame, raw, x_col, path, header)
        ys = _coordinates(frame, raw, y_col, path, header)
        geometry = shapely.points(xs, ys)
        keep = np.isfinite(xs) & np.isfinite(ys)
    else:
        wkt_col = next((c for c in names if normalize_name(c) in WKT_NAMES), None)
        by_range = None if (header or wkt_col) else _find_by_range(frame)
        if wkt_col is not None:
            values = raw[wkt_col].str.strip()
            geometry = shapely.from_wkt(values.where(values != "", None), on_invalid="ignore")
            bad = [i for i, v in enumerate(values) if v and geometry[i] is None]
            if bad:
                raise BadCoordinatesError(
                    path=path,
                    field=wkt_col,
                    row=bad[0] + (2 if header else 1),
                    value=values.iloc[bad[0]][:40],
                )
            keep = ~shapely.is_missing(geometry) & ~shapely.is_empty(geometry)
            frame = frame.drop(columns=[wkt_col])
        elif by_range is not None:
            x_col, y_col, range_crs = by_range
            geographic = range_crs == "EPSG:4326"
            new_x, new_y = ("lon", "lat") if geographic else ("x", "y")
            frame = frame.rename(columns={x_col: new_x, y_col: new_y})
            x_col, y_col = new_x, new_y
            xs = frame[x_col].to_numpy(dtype=float)
            ys = frame[y_col].to_numpy(dtype=float)
            geometry = shapely.points(xs, ys)
            keep = np.isfinite(xs) & np.isfinite(ys)
        else:
            shown = ", ".join(names[:12]) + (f" … (+{len(names) - 12})" if len(names) > 12 else "")
            raise MissingCoordinatesError(path=path, layer=name, columns=shown)

    dropped = int((~keep).sum())
    if not keep.any():
        raise EmptyLayerError(path=path, layer=name)
    result = gpd.GeoDataFrame(
        frame.loc[keep].reset_index(drop=True),
        geometry=list(np.asarray(geometry)[keep]),
        crs=None,
    )
    info = CsvInfo(
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        x_column=x_col,
        y_column=y_col,
        geographic=geographic,
        range_crs=range_crs,
        dropped=dropped,
        decimal_comma=decimal_comma,
    )
    return result, info
