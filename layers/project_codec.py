"""The project file's format: its tables and schema version, and the exact round trip of column names and types through GeoPackage."""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.errors import (
    ProjectFileError,
)

__all__ = [
    "PROJECT_SUFFIXES",
    "PROJECT_TABLE",
    "PROJECT_TITLE",
    "RASTER_TABLE",
    "RASTER_TITLE",
    "SCHEMA_VERSION",
    "STALE_TEMP_SECONDS",
    "app_version",
    "decode_frame",
    "encode_frame",
    "project_error",
    "quiet_gdal",
    "table_name",
    "unique_names",
]


#: Version of the layout of ``slimmeregio_project``; raise it with a migration.
SCHEMA_VERSION = 1
#: File suffixes a project may have (both are GeoPackages).
PROJECT_SUFFIXES = (".srp", ".gpkg")
PROJECT_TABLE = "slimmeregio_project"
RASTER_TABLE = "slimmeregio_rasters"
#: Titles (gpkg_contents identifiers) of the two tables, as a GIS shows them.
PROJECT_TITLE = "Slimme Regio Planner: project"
RASTER_TITLE = "Slimme Regio Planner: rasters"
#: Recovery files older than this many seconds are still listed, but stale
#: temporary files of interrupted saves older than this are removed.
STALE_TEMP_SECONDS = 600.0
_RESERVED_PREFIXES = ("gpkg_", "rtree_", "sqlite_", "slimmeregio_")


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def app_version() -> str:
    """The running application version, written into each saved project."""
    from slimmeregio import __version__

    return str(__version__)


def project_error(
    path: Path, reason_nl: str, reason_en: str, detail: str | None = None
) -> ProjectFileError:
    """A :class:`ProjectFileError` for ``path`` with the reason in Dutch and English."""
    return ProjectFileError(path=path, reason={"nl": reason_nl, "en": reason_en}, detail=detail)


@contextlib.contextmanager
def quiet_gdal() -> Iterator[None]:
    """Silence GDAL's warnings while a project file is read or written."""
    # GDAL warns that '.srp' is a GeoPackage with a non-standard extension.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def table_name(name: str, taken: set[str]) -> str:
    """A GeoPackage table name from a layer name: ASCII, lowercase, unique."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = "".join(ch if ch.isalnum() else "_" for ch in ascii_name.lower()).strip("_")
    base = "_".join(part for part in base.split("_") if part)[:50] or "laag"
    if base[0].isdigit() or base.startswith(_RESERVED_PREFIXES):
        base = f"laag_{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


# ---------------------------------------------------------------------------
# Columns: exact round trip of names and types through GeoPackage
# ---------------------------------------------------------------------------


def _plain_text(value: str) -> bool:
    """Text SQLite/GDAL store unchanged: no NUL (C strings end there), valid UTF-8."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_text_column(series: pd.Series) -> bool:
    values = series.dropna()
    return all(isinstance(v, str) and _plain_text(v) for v in values)


def _safe_text(value: str) -> str:
    """``value`` made storable (for names and titles; the original is kept in JSON)."""
    return value.replace("\x00", "").encode("utf-8", "backslashreplace").decode("utf-8")


def _json_value(value: Any) -> str | None:
    if not isinstance(value, list | dict | tuple | np.ndarray) and _missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    # ASCII escapes keep NUL characters and lone surrogates intact.
    return json.dumps(value, ensure_ascii=True, default=str)


def _encode_column(series: pd.Series) -> tuple[pd.Series, dict[str, Any]]:
    """The series as GeoPackage can store it, and how to restore it."""
    dtype = series.dtype
    meta: dict[str, Any] = {"dtype": str(dtype)}
    if isinstance(dtype, gpd.array.GeometryDtype):
        meta["codec"] = "wkb"
        values = [None if g is None else g.wkb_hex for g in series]
        return pd.Series(values, index=series.index, dtype=object), meta
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        meta["codec"] = "category"
        meta["ordered"] = bool(dtype.ordered)
        meta["categories"] = [_json_value(c) for c in cats]
        codes = series.cat.codes.astype("int64")
        return codes.where(codes >= 0, other=-1), meta
    if pd.api.types.is_datetime64_any_dtype(dtype):
        meta["codec"] = "datetime_ns"
        naive = series.dt.tz_convert("UTC").dt.tz_localize(None) if series.dt.tz else series
        ns = naive.astype("datetime64[ns]")
        values = [None if pd.isna(v) else str(pd.Timestamp(v).value) for v in ns]
        return pd.Series(values, index=series.index, dtype=object), meta
    if pd.api.types.is_timedelta64_dtype(dtype):
        meta["codec"] = "timedelta_ns"
        td = series.astype("timedelta64[ns]")
        values = [None if pd.isna(v) else str(pd.Timedelta(v).value) for v in td]
        return pd.Series(values, index=series.index, dtype=object), meta
    if (
        isinstance(dtype, pd.StringDtype) or pd.api.types.is_string_dtype(dtype)
    ) and _is_text_column(series):
        meta["codec"] = "text"
        values = [None if pd.isna(v) else str(v) for v in series]
        return pd.Series(values, index=series.index, dtype=object), meta
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return series.astype(bool), meta
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        if isinstance(dtype, np.dtype) and dtype.kind == "u" and dtype.itemsize >= 8:
            meta["codec"] = "json"
            return pd.Series(
                [_json_value(v) for v in series], index=series.index, dtype=object
            ), meta
        return series.astype("int64"), meta
    if pd.api.types.is_float_dtype(dtype) and isinstance(dtype, np.dtype):
        return series.astype("float64"), meta
    # Nullable extension types, objects of mixed types, lists, dicts ...:
    # JSON text restores them faithfully (numbers, text, booleans, None).
    meta["codec"] = "json"
    return pd.Series([_json_value(v) for v in series], index=series.index, dtype=object), meta


def _missing(value: Any) -> bool:
    """True for None, NaN, NA and NaT as GDAL hands back NULLs."""
    if value is None:
        return True
    if isinstance(value, str | bytes):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _json_load(value: Any) -> Any:
    if _missing(value):
        return None
    return json.loads(value)


def _decode_column(series: pd.Series, meta: Mapping[str, Any]) -> pd.Series:
    codec = meta.get("codec")
    dtype = str(meta.get("dtype", "object"))
    if codec == "wkb":
        import shapely

        values = [None if _missing(v) else v for v in series]
        return gpd.GeoSeries(shapely.from_wkb(values), index=series.index)
    if codec == "category":
        cats = [_json_load(c) for c in meta.get("categories", [])]
        codes = series.fillna(-1).astype("int64").to_numpy()
        return pd.Series(
            pd.Categorical.from_codes(codes, categories=cats, ordered=bool(meta.get("ordered"))),
            index=series.index,
        )
    if codec == "datetime_ns":
        ints = [pd.NaT if _missing(v) else int(v) for v in series]
        out = pd.Series(pd.to_datetime(ints, unit="ns"), index=series.index)
        tz = getattr(pd.api.types.pandas_dtype(dtype), "tz", None) if "," in dtype else None
        if tz is not None:
            out = out.dt.tz_localize("UTC").dt.tz_convert(tz)
        return _astype(out, dtype)
    if codec == "timedelta_ns":
        ints = [pd.NaT if _missing(v) else int(v) for v in series]
        return _astype(pd.Series(pd.to_timedelta(ints, unit="ns"), index=series.index), dtype)
    if codec == "text" and isinstance(series.dtype, pd.StringDtype) and str(series.dtype) == dtype:
        # Read through Arrow as the stored type already: every cell is text or
        # missing, exactly what the conversion below would make of it.
        return series
    if codec == "text":
        # Vectorised: a real network's text columns hold millions of cells, and
        # GDAL hands them back as str already, so the per-cell str() is rare.
        cells = np.empty(len(series), dtype=object)
        present = ~series.isna().to_numpy(dtype=bool)
        text = series.to_numpy(dtype=object)[present]
        if pd.api.types.infer_dtype(text, skipna=False) != "string":
            text = np.array([str(v) for v in text], dtype=object)
        cells[present] = text
        return _astype(pd.Series(cells, index=series.index, dtype=object), dtype)
    if codec == "json":
        values = [_json_load(v) for v in series]
        return _astype(pd.Series(values, index=series.index, dtype=object), dtype)
    return _astype(series, dtype)


def _astype(series: pd.Series, dtype: str) -> pd.Series:
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series


def unique_names(
    names: list[str], *, taken: set[str], limit: int, default: str, numbered: str
) -> list[str]:
    """Safe ``names`` cut to ``limit`` characters, unique ignoring case and not
    in ``taken`` (lower case); a clash gets ``numbered`` (``{base}``, ``{n}``)."""
    taken = set(taken)
    out: list[str] = []
    for name in names:
        base = _safe_text(name)[:limit] or default
        candidate, n = base, 2
        while candidate.lower() in taken:
            candidate = numbered.format(base=base, n=n)
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _store_names(columns: list[Any]) -> list[str]:
    """Column names GeoPackage accepts: unique ignoring case, not fid/geom."""
    return unique_names(
        [str(col) for col in columns],
        taken={"fid", "geom", "geometry", "__index__"},
        limit=200,
        default="kolom",
        numbered="{base}_{n}",
    )


def encode_frame(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The frame as GeoPackage can store it, and the layout (names, types) that restores it exactly."""
    geometry = frame.geometry.name
    columns = [c for c in frame.columns if c != geometry]
    stored = _store_names(columns)
    data: dict[str, Any] = {}
    meta_columns = []
    for col, store in zip(columns, stored, strict=True):
        series, meta = _encode_column(frame[col])
        data[store] = series.to_numpy()
        if not isinstance(col, str):
            meta["name_json"] = _json_value(col)
        meta_columns.append({"name": str(col), "stored": store, **meta})
    index_meta: dict[str, Any] | None = None
    default_index = (
        isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
    )
    if not default_index:
        series, meta = _encode_column(frame.index.to_series())
        data["__index__"] = series.to_numpy()
        index_meta = {"name": frame.index.name, **meta}
    out = gpd.GeoDataFrame(
        data, geometry=frame.geometry.values, crs=frame.crs, index=pd.RangeIndex(len(frame))
    )
    layout = {"geometry": geometry, "columns": meta_columns, "index": index_meta}
    return out, layout


def decode_frame(raw: gpd.GeoDataFrame, layout: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """The frame :func:`encode_frame` stored, with its original column names and types."""
    data: dict[Any, Any] = {}
    for meta in layout.get("columns", []):
        stored = meta["stored"]
        name: Any = meta["name"]
        if meta.get("name_json") is not None:
            name = json.loads(meta["name_json"])
        series = (
            raw[stored] if stored in raw.columns else pd.Series([None] * len(raw), dtype=object)
        )
        data[name] = _decode_column(series.reset_index(drop=True), meta)
    geometry = layout.get("geometry", "geometry")
    frame = gpd.GeoDataFrame(
        data, geometry=gpd.GeoSeries(raw.geometry.values, crs=raw.crs), crs=raw.crs
    )
    if geometry != frame.geometry.name:
        frame = frame.rename_geometry(geometry)
    index_meta = layout.get("index")
    if index_meta and "__index__" in raw.columns:
        index = _decode_column(raw["__index__"].reset_index(drop=True), index_meta)
        frame.index = pd.Index(index, name=index_meta.get("name"))
    return frame
