"""The project file: one GeoPackage holding everything a project needs.

A project (``.srp``, or ``.gpkg``) is a standard GeoPackage, so QGIS or
ArcGIS open it and see the vector layers. Inside:

* every vector layer as a GeoPackage feature table in EPSG:31370, with its
  own columns (names and types restored exactly on load);
* every raster as a compressed GeoTIFF stored byte for byte in the
  attributes table ``slimmeregio_rasters`` (a BLOB per raster). GeoTIFF
  bytes round-trip exactly (values, nodata, CRS, transform, data type);
  GeoPackage raster tiles would resample to a tile matrix and only support a
  few data types, so they are not used;
* the attributes table ``slimmeregio_project`` with one row: the schema
  version, the application version and the project as JSON text (settings,
  layer order, per layer its table, role, field mapping, style, visibility,
  note, attribution, original CRS, source, load report; the scenarios as
  plain data).

Saving is atomic (see :mod:`.safe_io`): the old file stays intact until the
complete new file replaces it in one step. Loading checks the schema version
before reading any layer: a project from a newer version is refused with
:class:`ProjectVersionError`, an older one is migrated step by step through
``_MIGRATIONS``.

Recovery files (the desktop's autosave) live in :func:`recovery_dir`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.errors import (
    HalfWrittenError,
    NotAFileError,
    ProjectFileError,
    ProjectVersionError,
    SlimmeRegioError,
    SourceNotFoundError,
    UnsupportedFormatError,
)
from slimmeregio.layers.gdal_safety import (
    MAX_VIEW_ROWS,
    check_sqlite,
    gpkg_open_options,
    open_raster,
    read_edges,
    sqlite_readonly,
    vector_env,
    view_rows,
)
from slimmeregio.layers.model import (
    ANALYSIS_CRS,
    Layer,
    LayerList,
    LayerReport,
    Project,
    ProjectSettings,
    RasterData,
    Style,
)
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import Role
from slimmeregio.layers.safe_io import (
    atomic_path,
    atomic_write_bytes,
    remove_stale_temps,
    safe_filename,
)
from slimmeregio.layers.service_source import ServiceSource

__all__ = [
    "PROJECT_SUFFIXES",
    "PROJECT_TABLE",
    "RASTER_TABLE",
    "SCHEMA_VERSION",
    "discard_recovery",
    "find_recovery",
    "is_project_file",
    "load_project",
    "load_recovery",
    "recovery_dir",
    "recovery_path",
    "save_project",
    "write_recovery",
]

#: Version of the layout of ``slimmeregio_project``; raise it with a migration.
SCHEMA_VERSION = 1
#: File suffixes a project may have (both are GeoPackages).
PROJECT_SUFFIXES = (".srp", ".gpkg")
PROJECT_TABLE = "slimmeregio_project"
RASTER_TABLE = "slimmeregio_rasters"
#: Titles (gpkg_contents identifiers) of the two tables, as a GIS shows them.
_PROJECT_TITLE = "Slimme Regio Planner: project"
_RASTER_TITLE = "Slimme Regio Planner: rasters"
#: Recovery files older than this many seconds are still listed, but stale
#: temporary files of interrupted saves older than this are removed.
_STALE_TEMP_SECONDS = 600.0
_RESERVED_PREFIXES = ("gpkg_", "rtree_", "sqlite_", "slimmeregio_")


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _app_version() -> str:
    from slimmeregio import __version__

    return str(__version__)


def _error(path: Path, reason_nl: str, reason_en: str, detail: str | None = None) -> ProjectFileError:
    return ProjectFileError(path=path, reason={"nl": reason_nl, "en": reason_en}, detail=detail)


@contextlib.contextmanager
def _quiet_gdal() -> Iterator[None]:
    # GDAL warns that '.srp' is a GeoPackage with a non-standard extension.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def _table_name(name: str, taken: set[str]) -> str:
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
    if (isinstance(dtype, pd.StringDtype) or pd.api.types.is_string_dtype(dtype)) and _is_text_column(series):
        meta["codec"] = "text"
        values = [None if pd.isna(v) else str(v) for v in series]
        return pd.Series(values, index=series.index, dtype=object), meta
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return series.astype(bool), meta
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        if isinstance(dtype, np.dtype) and dtype.kind == "u" and dtype.itemsize >= 8:
            meta["codec"] = "json"
            return pd.Series([_json_value(v) for v in series], index=series.index, dtype=object), meta
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


def _unique_names(
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
    return _unique_names(
        [str(col) for col in columns],
        taken={"fid", "geom", "geometry", "__index__"},
        limit=200,
        default="kolom",
        numbered="{base}_{n}",
    )


def _encode_frame(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
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
    default_index = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
    if not default_index:
        series, meta = _encode_column(frame.index.to_series())
        data["__index__"] = series.to_numpy()
        index_meta = {"name": frame.index.name, **meta}
    out = gpd.GeoDataFrame(
        data, geometry=frame.geometry.values, crs=frame.crs, index=pd.RangeIndex(len(frame))
    )
    layout = {"geometry": geometry, "columns": meta_columns, "index": index_meta}
    return out, layout


def _decode_frame(raw: gpd.GeoDataFrame, layout: Mapping[str, Any]) -> gpd.GeoDataFrame:
    data: dict[Any, Any] = {}
    for meta in layout.get("columns", []):
        stored = meta["stored"]
        name: Any = meta["name"]
        if meta.get("name_json") is not None:
            name = json.loads(meta["name_json"])
        series = raw[stored] if stored in raw.columns else pd.Series([None] * len(raw), dtype=object)
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


# ---------------------------------------------------------------------------
# Rasters
# ---------------------------------------------------------------------------


def _raster_bytes(raster: RasterData, layer: str) -> bytes:
    """The raster as one compressed GeoTIFF in memory (all bands, exact values)."""
    from rasterio.io import MemoryFile

    if not Path(raster.path).is_file():
        raise SourceNotFoundError(
            path=raster.path,
            layer=layer,
            hint={
                "nl": f"Het rasterbestand van laag '{layer}' is verdwenen; het project is niet bewaard.",
                "en": f"The raster file of layer '{layer}' is gone; the project was not saved.",
            },
        )
    with open_raster(Path(raster.path), layer=layer) as src:
        profile = {
            "driver": "GTiff",
            "width": src.width,
            "height": src.height,
            "count": src.count,
            "dtype": src.dtypes[0],
            "crs": src.crs,
            "transform": src.transform,
            "nodata": src.nodata,
            "compress": "deflate",
            "tiled": src.width >= 256 and src.height >= 256,
        }
        with MemoryFile() as memory:
            with memory.open(**profile) as dst:
                dst.write(src.read())
                for band in range(1, src.count + 1):
                    description = src.descriptions[band - 1]
                    if description:
                        dst.set_band_description(band, description)
            return bytes(memory.read())


def _raster_cache_dir() -> Path:
    """A private (per user) folder for rasters taken out of project files."""
    import getpass

    try:
        user = safe_filename(getpass.getuser(), max_length=40, default="user")
    except (KeyError, OSError, ImportError):
        user = "user"
    folder = Path(tempfile.gettempdir()) / f"slimmeregio-rasters-{user}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _restore_raster(blob: bytes, path: Path, layer: str) -> RasterData:
    """Write the stored GeoTIFF to a content-addressed cache file; read its
    metadata and its first and last pixel rows (a truncated raster fails here).

    Only a GeoTIFF within the size limit is accepted (see :mod:`.gdal_safety`):
    a stored VRT could read other files or URLs.
    """
    if not blob.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        reason_nl = f"het raster van laag '{layer}' is geen GeoTIFF"
        reason_en = f"the raster of layer '{layer}' is not a GeoTIFF"
        if blob.lstrip()[:1] == b"<":
            reason_nl += " maar XML (bv. een GDAL VRT die andere bestanden leest); geweigerd"
            reason_en += " but XML (e.g. a GDAL VRT reading other files); refused"
        raise _error(path, reason_nl, reason_en)
    digest = hashlib.sha256(blob).hexdigest()
    target = _raster_cache_dir() / f"{digest[:32]}.tif"
    # Content-addressed: an existing file is reused only if its bytes match.
    if not target.is_file() or _file_digest(target) != digest:
        atomic_write_bytes(target, blob)
    try:
        with open_raster(target, layer=layer, source=path) as src:
            read_edges(src)
            return RasterData.from_dataset(target, src)
    except SlimmeRegioError:
        raise
    except Exception as exc:  # rasterio/GDAL: a damaged GeoTIFF
        raise _error(
            path,
            f"het raster van laag '{layer}' is beschadigd",
            f"the raster of layer '{layer}' is damaged",
            str(exc),
        ) from None


# ---------------------------------------------------------------------------
# The project document (JSON)
# ---------------------------------------------------------------------------


def _report_entries(report: LayerReport) -> list[dict[str, Any]]:
    return [
        {"kind": e.kind, "nl": e.nl, "en": e.en, "count": e.count, "level": e.level}
        for e in report.entries
    ]


def _layer_document(layer: Layer, table: str, layout: dict[str, Any] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": layer.name,
        "table": table,
        "type": "raster" if layer.is_raster else "vector",
        "role": str(layer.role.value),
        "fields": dict(layer.fields),
        "style": layer.style.to_dict(),
        "visible": bool(layer.visible),
        "note": layer.note,
        "attribution": layer.attribution,
        "original_crs": layer.original_crs,
        "crs_guessed": bool(layer.crs_guessed),
        "source": str(layer.source) if layer.source is not None else None,
        "source_layer": layer.source_layer,
        "report": _report_entries(layer.report),
    }
    if layer.service is not None:
        doc["service"] = layer.service.to_dict()
    if layout is not None:
        doc["layout"] = layout
    return doc


def _document(project: Project, layers: list[dict[str, Any]], origin: Path | None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "app_version": _app_version(),
        "saved": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "origin_path": str(origin) if origin is not None else None,
        "settings": project.settings.to_dict(),
        "layers": layers,
        "scenarios": [dict(s) for s in project.scenarios],
    }


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------


def _identifiers(names: list[str]) -> list[str]:
    """Unique gpkg_contents titles (ignoring case, as GDAL compares them)."""
    return _unique_names(
        names,
        taken={_PROJECT_TITLE.lower(), _RASTER_TITLE.lower()},
        limit=240,
        default="laag",
        numbered="{base} ({n})",
    )


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in PROJECT_SUFFIXES:
        raise UnsupportedFormatError(
            path=path,
            hint={
                "nl": "Een project is een .srp- of .gpkg-bestand.",
                "en": "A project is an .srp or .gpkg file.",
            },
        )


def _write_project_table(target: Path, document: dict[str, Any]) -> None:
    # ASCII escapes: any text (lone surrogates, NUL) survives SQLite and GDAL.
    text = json.dumps(document, ensure_ascii=True, default=str)
    frame = pd.DataFrame(
        {
            "schema_version": np.array([SCHEMA_VERSION], dtype="int64"),
            "app_version": np.array([_app_version()], dtype=object),
            "project": np.array([text], dtype=object),
        }
    )
    import pyogrio

    with _quiet_gdal():
        pyogrio.write_dataframe(
            frame,
            target,
            layer=PROJECT_TABLE,
            driver="GPKG",
            layer_options={"IDENTIFIER": _PROJECT_TITLE},
        )


def _write_rasters(target: Path, rasters: list[tuple[str, bytes]]) -> None:
    """Store GeoTIFF bytes in an attributes table registered in gpkg_contents."""
    with contextlib.closing(sqlite3.connect(target)) as db:
        db.execute(
            f"CREATE TABLE {RASTER_TABLE} ("
            "id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "table_name TEXT NOT NULL UNIQUE, format TEXT NOT NULL, data BLOB NOT NULL)"
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (RASTER_TABLE, _RASTER_TITLE, "GeoTIFF per raster layer, stored byte for byte"),
        )
        db.executemany(
            f"INSERT INTO {RASTER_TABLE} (table_name, format, data) VALUES (?, 'GTiff', ?)",
            [(name, sqlite3.Binary(blob)) for name, blob in rasters],
        )
        db.commit()


def _save(project: Project, target: Path, task: Task, origin: Path | None) -> None:
    import pyogrio

    task.report(0.0, "Preparing project")
    layers = list(project.layers)
    taken: set[str] = set()
    tables = [_table_name(layer.name, taken) for layer in layers]
    titles = dict(zip(tables, _identifiers([layer.name for layer in layers]), strict=True))
    # Encode everything (and read rasters) before touching the disk.
    encoded: list[tuple[str, gpd.GeoDataFrame]] = []
    rasters: list[tuple[str, bytes]] = []
    docs: list[dict[str, Any]] = []
    for i, (layer, table) in enumerate(zip(layers, tables, strict=True)):
        task.report(0.4 * i / max(len(layers), 1), f"Preparing {layer.name}")
        if isinstance(layer.data, RasterData):
            rasters.append((table, _raster_bytes(layer.data, layer.name)))
            docs.append(_layer_document(layer, table, None))
        else:
            frame, layout = _encode_frame(layer.data)
            encoded.append((table, frame))
            docs.append(_layer_document(layer, table, layout))
    document = _document(project, docs, origin)
    with contextlib.suppress(OSError):
        remove_stale_temps(target, older_than=_STALE_TEMP_SECONDS)
    with atomic_path(target, suffix=".gpkg") as tmp:
        _write_project_table(tmp, document)
        for i, (table, frame) in enumerate(encoded):
            task.report(0.4 + 0.5 * i / max(len(encoded), 1), f"Writing {table}")
            with _quiet_gdal():
                pyogrio.write_dataframe(
                    frame,
                    tmp,
                    layer=table,
                    driver="GPKG",
                    promote_to_multi=False,
                    layer_options={"IDENTIFIER": titles[table]},
                )
        task.report(0.92, "Writing rasters")
        if rasters:
            _write_rasters(tmp, rasters)
        task.check()


def save_project(
    project: Project,
    path: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    origin: Path | None = None,
) -> None:
    """Save ``project`` as one GeoPackage file at ``path``, atomically.

    Parameters
    ----------
    project
        The project; it is not changed (the caller sets ``project.path``).
    path
        Target file, ``.srp`` or ``.gpkg``. An existing file is replaced only
        once the new one is complete.
    progress, cancel
        See :mod:`.progress`. Cancelling leaves the old file untouched.
    origin
        For recovery files: the project file this is a copy of.

    Raises
    ------
    UnsupportedFormatError
        Wrong extension.
    SourceNotFoundError
        A raster layer's file disappeared.
    SaveError
        The file could not be written (folder missing, no space, locked).
    """
    target = Path(path)
    _check_suffix(target)
    task = Task(progress, cancel)
    from slimmeregio.layers.errors import ExportError, SaveError, os_reason

    try:
        _save(project, target, task, origin)
    except SaveError:
        raise
    except ExportError as exc:  # from safe_io: a save is called a save
        raise SaveError(path=target, reason=exc.data.get("reason") or os_reason(exc), detail=exc.detail) from exc
    except SlimmeRegioError:
        raise
    except Exception as exc:  # GDAL, SQLite, rasterio, a full disk: the old file is intact

        raise SaveError(
            path=target,
            reason=os_reason(exc),
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    task.report(1.0, "Saved")


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Schema 0 (the 0.0 development builds) to schema 1.

    Schema 0 kept ``version`` instead of ``schema_version``; ``layer_order``
    (a list of table names) with ``layers`` as a dict keyed by table name,
    each with ``mapping`` instead of ``fields``, a flat ``color`` instead of
    a style, ``crs`` instead of ``original_crs``, and no report; and
    ``scenarios`` as a dict name -> scenario data.
    """
    old_layers: Mapping[str, Any] = doc.get("layers") or {}
    order = doc.get("layer_order") or list(old_layers)
    layers = []
    for table in order:
        old = old_layers.get(table)
        if not isinstance(old, Mapping):
            continue
        style = Style(color=str(old.get("color", Style().color))).to_dict()
        layers.append(
            {
                "name": old.get("name", table),
                "table": table,
                "type": old.get("type", "vector"),
                "role": old.get("role", "other"),
                "fields": dict(old.get("mapping") or {}),
                "style": style,
                "visible": bool(old.get("visible", True)),
                "note": old.get("note"),
                "attribution": None,
                "original_crs": old.get("crs"),
                "crs_guessed": False,
                "source": old.get("source"),
                "source_layer": None,
                "report": [],
            }
        )
    scenarios = doc.get("scenarios") or {}
    if isinstance(scenarios, Mapping):
        scenario_list = [
            {"name": name, **dict(data)} if "name" not in data else dict(data)
            for name, data in scenarios.items()
            if isinstance(data, Mapping)
        ]
    else:
        scenario_list = list(scenarios)
    return {
        "schema_version": 1,
        "app_version": doc.get("app_version", "0.0"),
        "saved": doc.get("saved"),
        "origin_path": None,
        "settings": dict(doc.get("settings") or {}),
        "layers": layers,
        "scenarios": scenario_list,
    }


#: ``_MIGRATIONS[n]`` turns a schema-``n`` document into schema ``n + 1``.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


def _migrate(doc: dict[str, Any], version: int, path: Path) -> dict[str, Any]:
    while version < SCHEMA_VERSION:
        step = _MIGRATIONS.get(version)
        if step is None:
            raise _error(
                path,
                f"schema {version} is onbekend",
                f"schema {version} is unknown",
            )
        doc = step(doc)
        version += 1
    return doc


@contextlib.contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only, immutable SQLite connection to a project that no other
    program left half-written (see :func:`.gdal_safety.check_sqlite`)."""
    check_sqlite(path, is_project=True)
    with sqlite_readonly(path) as db:
        yield db


def _finite(text: str) -> float:
    value = float(text)
    if not np.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"not a JSON number: {name}")


def _read_document(path: Path) -> tuple[int, dict[str, Any]]:
    """Schema version and JSON document, read with SQLite only (no layers yet)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise _error(path, "het bestand kan niet geopend worden", "the file cannot be opened", str(exc)) from None
    if header != b"SQLite format 3\x00":
        if not header:
            raise _error(path, "het bestand is leeg", "the file is empty")
        raise _error(path, "dit is geen GeoPackage", "this is not a GeoPackage")
    try:
        with _sqlite(path) as db:
            tables = {
                row[0]
                for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if PROJECT_TABLE not in tables:
                raise _error(
                    path,
                    "dit is een GeoPackage maar geen Slimme Regio-project (open het als laag)",
                    "this is a GeoPackage but not a Slimme Regio project (open it as a layer)",
                )
            rows = db.execute(f"SELECT schema_version, project FROM {PROJECT_TABLE}").fetchall()
    except sqlite3.Error as exc:
        raise _error(path, "het bestand is beschadigd", "the file is damaged", str(exc)) from None
    if len(rows) != 1:
        raise _error(path, "de projecttabel is beschadigd", "the project table is damaged")
    version, text = rows[0]
    if not isinstance(version, int) or not isinstance(text, str):
        raise _error(path, "de projecttabel is beschadigd", "the project table is damaged")
    if version > SCHEMA_VERSION:
        raise ProjectVersionError(path=path, found=version, supported=SCHEMA_VERSION)
    if version < 0:
        raise _error(path, f"schema {version} is onbekend", f"schema {version} is unknown")
    try:
        # 1e400 or NaN would become an infinite number and fail much later.
        doc = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise _error(path, "de projectgegevens zijn beschadigd", "the project data are damaged", str(exc)) from None
    if not isinstance(doc, dict):
        raise _error(path, "de projectgegevens zijn beschadigd", "the project data are damaged")
    return version, doc


def _read_rasters(path: Path) -> dict[str, bytes]:
    try:
        with _sqlite(path) as db:
            exists = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (RASTER_TABLE,)
            ).fetchone()
            if not exists:
                return {}
            rows = db.execute(f"SELECT table_name, data FROM {RASTER_TABLE}").fetchall()
    except sqlite3.Error as exc:
        raise _error(path, "de rasters zijn beschadigd", "the rasters are damaged", str(exc)) from None
    if not all(isinstance(data, bytes) for _, data in rows):
        # bytes(10**12) would allocate a terabyte: only a BLOB is a raster.
        raise _error(path, "de rasters zijn beschadigd", "the rasters are damaged")
    return {str(name): data for name, data in rows}


def _role(value: Any) -> Role:
    try:
        return Role(value)
    except ValueError:
        return Role.OTHER


def _report(entries: Any) -> LayerReport:
    report = LayerReport()
    for e in entries or []:
        if isinstance(e, Mapping) and "kind" in e:
            report.add(
                str(e["kind"]),
                str(e.get("nl", "")),
                str(e.get("en", "")),
                count=int(e.get("count", 0) or 0),
                level=str(e.get("level", "warning")),
            )
    return report


def _check_view(path: Path, table: str) -> None:
    """Refuse a layer table that is a view: a project stores tables only,
    and a view (a stored query) can be made to run for ever."""
    try:
        with _sqlite(path) as db:
            rows = view_rows(db, table)
    except sqlite3.Error as exc:
        raise _error(
            path,
            f"de laagtabel '{table}' is beschadigd",
            f"the layer table '{table}' is damaged",
            str(exc),
        ) from None
    if rows is not None:
        raise _error(
            path,
            f"de laagtabel '{table}' is een view (opgeslagen query), geen tabel"
            + (f"; meer dan {MAX_VIEW_ROWS} rijen" if rows < 0 or rows > MAX_VIEW_ROWS else ""),
            f"the layer table '{table}' is a view (stored query), not a table"
            + (f"; over {MAX_VIEW_ROWS} rows" if rows < 0 or rows > MAX_VIEW_ROWS else ""),
        )


def _read_vector(path: Path, table: str, layout: Mapping[str, Any]) -> gpd.GeoDataFrame:
    import pyogrio

    _check_view(path, table)
    try:
        with _quiet_gdal(), vector_env():
            raw = pyogrio.read_dataframe(path, layer=table, **gpkg_open_options(path))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise _error(
            path,
            f"de laagtabel '{table}' ontbreekt of is beschadigd",
            f"the layer table '{table}' is missing or damaged",
            str(exc),
        ) from None
    if not isinstance(raw, gpd.GeoDataFrame):
        raw = gpd.GeoDataFrame(raw, geometry=[None] * len(raw), crs=ANALYSIS_CRS)
    if raw.crs is None:
        raw = raw.set_crs(ANALYSIS_CRS)
    return _decode_frame(raw, layout)


_TEXT = (str,)
_OPT_TEXT = (str, type(None))
_NUMBER = (int, float)
#: Layer document keys and the JSON types they may hold (missing keys are fine).
_LAYER_TYPES: dict[str, tuple[type, ...]] = {
    "name": _TEXT,
    "table": _TEXT,
    "type": _TEXT,
    "role": _TEXT,
    "fields": (dict,),
    "style": (dict,),
    "visible": (bool,),
    "note": _OPT_TEXT,
    "attribution": _OPT_TEXT,
    "original_crs": _OPT_TEXT,
    "crs_guessed": (bool,),
    "source": _OPT_TEXT,
    "source_layer": _OPT_TEXT,
    "report": (list,),
    "layout": (dict, type(None)),
}
_STYLE_TYPES: dict[str, tuple[type, ...]] = {
    "kind": _TEXT,
    "color": _TEXT,
    "edge_color": _OPT_TEXT,
    "line_width": _NUMBER,
    "marker_size": _NUMBER,
    "opacity": _NUMBER,
    "column": _OPT_TEXT,
    "categories": (dict,),
    "breaks": (list,),
    "colors": (list,),
}


def _bad_types(data: Mapping[str, Any], types: Mapping[str, tuple[type, ...]]) -> list[str]:
    bad = []
    for key, allowed in types.items():
        if key not in data:
            continue
        value = data[key]
        ok = isinstance(value, allowed) and not (
            isinstance(value, bool) and bool not in allowed
        )
        if not ok:
            bad.append(key)
    return bad


def _check_layer_document(doc: Mapping[str, Any], path: Path) -> None:
    """Refuse a layer document whose values have the wrong types."""
    bad = _bad_types(doc, _LAYER_TYPES)
    style = doc.get("style")
    if isinstance(style, Mapping):
        bad += [f"style.{k}" for k in _bad_types(style, _STYLE_TYPES)]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in (style.get("categories") or {}).items()):
            bad.append("style.categories")
        if not all(isinstance(v, _NUMBER) and not isinstance(v, bool) for v in style.get("breaks") or []):
            bad.append("style.breaks")
        if not all(isinstance(v, str) for v in style.get("colors") or []):
            bad.append("style.colors")
    fields = doc.get("fields")
    if isinstance(fields, Mapping) and not all(isinstance(v, str) for v in fields.values()):
        bad.append("fields")
    if doc.get("type", "vector") not in ("vector", "raster"):
        bad.append("type")
    if bad:
        name = doc.get("name")
        raise _error(
            path,
            f"laag '{name}' is beschadigd ({', '.join(bad)})",
            f"layer '{name}' is damaged ({', '.join(bad)})",
        )


def _build_layer(
    doc: Mapping[str, Any], path: Path, rasters: Mapping[str, bytes]
) -> Layer:
    _check_layer_document(doc, path)
    name = str(doc.get("name") or doc.get("table") or "laag")
    table = str(doc.get("table", ""))
    data: gpd.GeoDataFrame | RasterData
    if doc.get("type") == "raster":
        if table not in rasters:
            raise _error(
                path,
                f"het raster van laag '{name}' ontbreekt",
                f"the raster of layer '{name}' is missing",
            )
        data = _restore_raster(rasters[table], path, name)
    else:
        data = _read_vector(path, table, doc.get("layout") or {})
    source = doc.get("source")
    return Layer(
        name=name,
        data=data,
        role=_role(doc.get("role")),
        fields=dict(doc.get("fields") or {}),
        source=Path(source) if source else None,
        source_layer=doc.get("source_layer"),
        original_crs=doc.get("original_crs"),
        crs_guessed=bool(doc.get("crs_guessed", False)),
        report=_report(doc.get("report")),
        style=Style.from_dict(dict(doc.get("style") or {})),
        visible=bool(doc.get("visible", True)),
        note=doc.get("note"),
        attribution=doc.get("attribution"),
        service=ServiceSource.from_dict(doc.get("service")),
    )


def _check_tables(layer_docs: list[Any], path: Path) -> None:
    """Refuse layer documents that share a table (a save never writes that;
    400 documents pointing at one big table would read it 400 times)."""
    seen: set[str] = set()
    for doc in layer_docs:
        table = doc.get("table")
        if not isinstance(table, str):
            continue
        key = f"{doc.get('type', 'vector')}:{table.lower()}"
        if key in seen:
            raise _error(
                path,
                f"meerdere lagen verwijzen naar dezelfde tabel '{table}'",
                f"several layers point at the same table '{table}'",
            )
        seen.add(key)


def is_project_file(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a GeoPackage with a Slimme Regio project table."""
    try:
        _read_document(Path(path))
    except (ProjectVersionError, HalfWrittenError):
        return True  # loading it says why it cannot be opened
    except SlimmeRegioError:
        return False
    return True


def load_project(
    path: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Project:
    """Load a project file saved by :func:`save_project` (or an older version).

    Raises
    ------
    SourceNotFoundError
        No such file.
    ProjectVersionError
        Made by a newer version (nothing is read beyond the version).
    ProjectFileError
        Not a project, or damaged.
    """
    target = Path(path)
    if not target.exists():
        raise SourceNotFoundError(path=target)
    if not target.is_file():
        raise NotAFileError(path=target)
    task = Task(progress, cancel)
    task.report(0.0, "Reading project")
    version, doc = _read_document(target)
    doc = _migrate(doc, version, target)
    layer_docs = doc.get("layers")
    if not isinstance(layer_docs, list) or not all(isinstance(d, Mapping) for d in layer_docs):
        raise _error(target, "de lagenlijst is beschadigd", "the layer list is damaged")
    _check_tables(layer_docs, target)
    rasters = _read_rasters(target) if any(d.get("type") == "raster" for d in layer_docs) else {}
    layers = []
    for i, layer_doc in enumerate(layer_docs):
        task.report(0.05 + 0.9 * i / max(len(layer_docs), 1), f"Reading {layer_doc.get('name')}")
        try:
            layers.append(_build_layer(layer_doc, target, rasters))
        except SlimmeRegioError:
            raise
        except Exception as exc:  # noqa: BLE001 - any damage (GEOS, overflow ...) is one message
            raise _error(
                target,
                f"laag '{layer_doc.get('name')}' is beschadigd",
                f"layer '{layer_doc.get('name')}' is damaged",
                f"{type(exc).__name__}: {exc}",
            ) from None
    settings = doc.get("settings")
    if isinstance(settings, Mapping) and not (
        all(isinstance(settings.get(k, ""), str) for k in ("title", "organisation", "language"))
        and isinstance(settings.get("base_parameters", {}), Mapping)
    ):
        raise _error(target, "de projectinstellingen zijn beschadigd", "the project settings are damaged")
    scenarios = doc.get("scenarios") or []
    if not isinstance(scenarios, list):
        raise _error(target, "de scenario's zijn beschadigd", "the scenarios are damaged")
    task.report(1.0, "Project read")
    return Project(
        layers=LayerList(layers),
        settings=ProjectSettings.from_dict(dict(settings) if isinstance(settings, Mapping) else {}),
        scenarios=[dict(s) for s in scenarios if isinstance(s, Mapping)],
        path=target,
    )


# ---------------------------------------------------------------------------
# Recovery (autosave)
# ---------------------------------------------------------------------------


def recovery_dir() -> Path:
    """Where recovery files go.

    ``$SLIMMEREGIO_RECOVERY_DIR`` when set (tests use it); else the user's
    data folder: ``%LOCALAPPDATA%\\SlimmeRegio\\recovery`` on Windows,
    ``~/Library/Application Support/slimmeregio/recovery`` on macOS,
    ``$XDG_DATA_HOME/slimmeregio/recovery`` (default
    ``~/.local/share/slimmeregio/recovery``) elsewhere.
    """
    env = os.environ.get("SLIMMEREGIO_RECOVERY_DIR")
    if env:
        return Path(env)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
        return root / "SlimmeRegio" / "recovery"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "slimmeregio" / "recovery"
    xdg = os.environ.get("XDG_DATA_HOME")
    root = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return root / "slimmeregio" / "recovery"


def recovery_path(project_path: str | os.PathLike[str] | None) -> Path:
    """The recovery file for a project file, or for an unsaved project.

    A saved project gets one recovery file per project path (name plus a
    hash of the full path, so two ``plan.srp`` in different folders do not
    collide); an unsaved project gets one per running process.
    """
    folder = recovery_dir()
    if project_path is None:
        return folder / f"naamloos-{os.getpid()}.srp"
    resolved = Path(project_path).expanduser().resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = safe_filename(resolved.stem, max_length=60, default="project")
    return folder / f"{stem}-{digest}.srp"


def write_recovery(
    project: Project,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Path:
    """Save a recovery copy of ``project`` (atomically); return its path."""
    target = recovery_path(project.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_project(project, target, progress=progress, cancel=cancel, origin=project.path)
    return target


def find_recovery() -> list[Path]:
    """Recovery files present, newest first (interrupted temp files excluded)."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.srp") if p.is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def load_recovery(path: str | os.PathLike[str]) -> Project:
    """Load a recovery file; ``project.path`` is the original project (or None)."""
    project = load_project(path)
    _, doc = _read_document(Path(path))
    origin = doc.get("origin_path")
    project.path = Path(origin) if origin else None
    return project


def discard_recovery(path: str | os.PathLike[str]) -> None:
    """Delete a recovery file (after a normal save, or when the user declines it)."""
    with contextlib.suppress(FileNotFoundError):
        Path(path).unlink()
