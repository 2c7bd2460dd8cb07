"""Loading a project file: schema version checked and migrated, every table and value checked before the project is built."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from slimmeregio.layers.errors import (
    HalfWrittenError,
    NotAFileError,
    ProjectVersionError,
    SlimmeRegioError,
    SourceNotFoundError,
)
from slimmeregio.layers.gdal_safety import (
    MAX_VIEW_ROWS,
    check_sqlite,
    gpkg_open_options,
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
from slimmeregio.layers.project_codec import (
    PROJECT_TABLE,
    RASTER_TABLE,
    SCHEMA_VERSION,
    decode_frame,
    project_error,
    quiet_gdal,
)
from slimmeregio.layers.project_rasters import restore_raster
from slimmeregio.layers.roles import Role
from slimmeregio.layers.service_source import ServiceSource

__all__ = [
    "is_project_file",
    "load_project",
    "read_document",
]


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
            raise project_error(
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


def read_document(path: Path) -> tuple[int, dict[str, Any]]:
    """Schema version and JSON document, read with SQLite only (no layers yet)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise project_error(
            path, "het bestand kan niet geopend worden", "the file cannot be opened", str(exc)
        ) from None
    if header != b"SQLite format 3\x00":
        if not header:
            raise project_error(path, "het bestand is leeg", "the file is empty")
        raise project_error(path, "dit is geen GeoPackage", "this is not a GeoPackage")
    try:
        with _sqlite(path) as db:
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if PROJECT_TABLE not in tables:
                raise project_error(
                    path,
                    "dit is een GeoPackage maar geen Slimme Regio-project (open het als laag)",
                    "this is a GeoPackage but not a Slimme Regio project (open it as a layer)",
                )
            rows = db.execute(f"SELECT schema_version, project FROM {PROJECT_TABLE}").fetchall()  # noqa: S608 - a constant table name
    except sqlite3.Error as exc:
        raise project_error(
            path, "het bestand is beschadigd", "the file is damaged", str(exc)
        ) from None
    if len(rows) != 1:
        raise project_error(path, "de projecttabel is beschadigd", "the project table is damaged")
    version, text = rows[0]
    if not isinstance(version, int) or not isinstance(text, str):
        raise project_error(path, "de projecttabel is beschadigd", "the project table is damaged")
    if version > SCHEMA_VERSION:
        raise ProjectVersionError(path=path, found=version, supported=SCHEMA_VERSION)
    if version < 0:
        raise project_error(path, f"schema {version} is onbekend", f"schema {version} is unknown")
    try:
        # 1e400 or NaN would become an infinite number and fail much later.
        doc = json.loads(text, parse_float=_finite, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise project_error(
            path, "de projectgegevens zijn beschadigd", "the project data are damaged", str(exc)
        ) from None
    if not isinstance(doc, dict):
        raise project_error(
            path, "de projectgegevens zijn beschadigd", "the project data are damaged"
        )
    return version, doc


def _read_rasters(path: Path) -> dict[str, bytes]:
    try:
        with _sqlite(path) as db:
            exists = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (RASTER_TABLE,)
            ).fetchone()
            if not exists:
                return {}
            rows = db.execute(f"SELECT table_name, data FROM {RASTER_TABLE}").fetchall()  # noqa: S608 - a constant table name
    except sqlite3.Error as exc:
        raise project_error(
            path, "de rasters zijn beschadigd", "the rasters are damaged", str(exc)
        ) from None
    if not all(isinstance(data, bytes) for _, data in rows):
        # bytes(10**12) would allocate a terabyte: only a BLOB is a raster.
        raise project_error(path, "de rasters zijn beschadigd", "the rasters are damaged")
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
        raise project_error(
            path,
            f"de laagtabel '{table}' is beschadigd",
            f"the layer table '{table}' is damaged",
            str(exc),
        ) from None
    if rows is not None:
        raise project_error(
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
        with quiet_gdal(), vector_env():
            # Through Arrow: about three times faster on large layers (300,000
            # addresses), the same values (decode_frame restores each column's type).
            raw = pyogrio.read_dataframe(
                path, layer=table, use_arrow=True, **gpkg_open_options(path)
            )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise project_error(
            path,
            f"de laagtabel '{table}' ontbreekt of is beschadigd",
            f"the layer table '{table}' is missing or damaged",
            str(exc),
        ) from None
    if not isinstance(raw, gpd.GeoDataFrame):
        raw = gpd.GeoDataFrame(raw, geometry=[None] * len(raw), crs=ANALYSIS_CRS)
    if raw.crs is None:
        raw = raw.set_crs(ANALYSIS_CRS)
    return decode_frame(raw, layout)


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
    "min_scale": _NUMBER,
    "max_scale": _NUMBER,
    "label_field": _OPT_TEXT,
    "label_size": _NUMBER,
    "label_halo": _NUMBER,
    "label_color": _TEXT,
    "label_priority": (int,),
    "label_min_scale": _NUMBER,
    "label_max_scale": _NUMBER,
}


def _bad_types(data: Mapping[str, Any], types: Mapping[str, tuple[type, ...]]) -> list[str]:
    bad = []
    for key, allowed in types.items():
        if key not in data:
            continue
        value = data[key]
        ok = isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed)
        if not ok:
            bad.append(key)
    return bad


def _check_layer_document(doc: Mapping[str, Any], path: Path) -> None:
    """Refuse a layer document whose values have the wrong types."""
    bad = _bad_types(doc, _LAYER_TYPES)
    style = doc.get("style")
    if isinstance(style, Mapping):
        bad += [f"style.{k}" for k in _bad_types(style, _STYLE_TYPES)]
        if not all(
            isinstance(k, str) and isinstance(v, str)
            for k, v in (style.get("categories") or {}).items()
        ):
            bad.append("style.categories")
        if not all(
            isinstance(v, _NUMBER) and not isinstance(v, bool) for v in style.get("breaks") or []
        ):
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
        raise project_error(
            path,
            f"laag '{name}' is beschadigd ({', '.join(bad)})",
            f"layer '{name}' is damaged ({', '.join(bad)})",
        )


def _build_layer(doc: Mapping[str, Any], path: Path, rasters: Mapping[str, bytes]) -> Layer:
    _check_layer_document(doc, path)
    name = str(doc.get("name") or doc.get("table") or "laag")
    table = str(doc.get("table", ""))
    data: gpd.GeoDataFrame | RasterData
    if doc.get("type") == "raster":
        if table not in rasters:
            raise project_error(
                path,
                f"het raster van laag '{name}' ontbreekt",
                f"the raster of layer '{name}' is missing",
            )
        data = restore_raster(rasters[table], path, name)
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
            raise project_error(
                path,
                f"meerdere lagen verwijzen naar dezelfde tabel '{table}'",
                f"several layers point at the same table '{table}'",
            )
        seen.add(key)


def is_project_file(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a GeoPackage with a Slimme Regio project table."""
    try:
        read_document(Path(path))
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
    version, doc = read_document(target)
    doc = _migrate(doc, version, target)
    layer_docs = doc.get("layers")
    if not isinstance(layer_docs, list) or not all(isinstance(d, Mapping) for d in layer_docs):
        raise project_error(target, "de lagenlijst is beschadigd", "the layer list is damaged")
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
            raise project_error(
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
        raise project_error(
            target, "de projectinstellingen zijn beschadigd", "the project settings are damaged"
        )
    scenarios = doc.get("scenarios") or []
    if not isinstance(scenarios, list):
        raise project_error(target, "de scenario's zijn beschadigd", "the scenarios are damaged")
    task.report(1.0, "Project read")
    return Project(
        layers=LayerList(layers),
        settings=ProjectSettings.from_dict(dict(settings) if isinstance(settings, Mapping) else {}),
        scenarios=[dict(s) for s in scenarios if isinstance(s, Mapping)],
        path=target,
    )
