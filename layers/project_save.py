"""Saving a project atomically: each layer as a GeoPackage table, rasters as GeoTIFF bytes, the rest as one JSON document."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.errors import (
    SlimmeRegioError,
    UnsupportedFormatError,
)
from slimmeregio.layers.model import (
    Layer,
    LayerReport,
    Project,
    RasterData,
)
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.project_codec import (
    PROJECT_SUFFIXES,
    PROJECT_TABLE,
    PROJECT_TITLE,
    RASTER_TABLE,
    RASTER_TITLE,
    SCHEMA_VERSION,
    STALE_TEMP_SECONDS,
    app_version,
    encode_frame,
    quiet_gdal,
    table_name,
    unique_names,
)
from slimmeregio.layers.project_rasters import raster_bytes
from slimmeregio.layers.safe_io import (
    atomic_path,
    remove_stale_temps,
)

__all__ = [
    "save_project",
]


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


def _document(
    project: Project, layers: list[dict[str, Any]], origin: Path | None
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "app_version": app_version(),
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
    return unique_names(
        names,
        taken={PROJECT_TITLE.lower(), RASTER_TITLE.lower()},
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
            "app_version": np.array([app_version()], dtype=object),
            "project": np.array([text], dtype=object),
        }
    )
    import pyogrio

    with quiet_gdal():
        pyogrio.write_dataframe(
            frame,
            target,
            layer=PROJECT_TABLE,
            driver="GPKG",
            layer_options={"IDENTIFIER": PROJECT_TITLE},
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
            (RASTER_TABLE, RASTER_TITLE, "GeoTIFF per raster layer, stored byte for byte"),
        )
        db.executemany(
            f"INSERT INTO {RASTER_TABLE} (table_name, format, data) VALUES (?, 'GTiff', ?)",  # noqa: S608 - a constant table name
            [(name, sqlite3.Binary(blob)) for name, blob in rasters],
        )
        db.commit()


def _save(project: Project, target: Path, task: Task, origin: Path | None) -> None:
    import pyogrio

    task.report(0.0, "Preparing project")
    layers = list(project.layers)
    taken: set[str] = set()
    tables = [table_name(layer.name, taken) for layer in layers]
    titles = dict(zip(tables, _identifiers([layer.name for layer in layers]), strict=True))
    # Encode everything (and read rasters) before touching the disk.
    encoded: list[tuple[str, gpd.GeoDataFrame]] = []
    rasters: list[tuple[str, bytes]] = []
    docs: list[dict[str, Any]] = []
    for i, (layer, table) in enumerate(zip(layers, tables, strict=True)):
        task.report(0.4 * i / max(len(layers), 1), f"Preparing {layer.name}")
        if isinstance(layer.data, RasterData):
            rasters.append((table, raster_bytes(layer.data, layer.name)))
            docs.append(_layer_document(layer, table, None))
        else:
            frame, layout = encode_frame(layer.data)
            encoded.append((table, frame))
            docs.append(_layer_document(layer, table, layout))
    document = _document(project, docs, origin)
    with contextlib.suppress(OSError):
        remove_stale_temps(target, older_than=STALE_TEMP_SECONDS)
    with atomic_path(target, suffix=".gpkg") as tmp:
        _write_project_table(tmp, document)
        for i, (table, frame) in enumerate(encoded):
            task.report(0.4 + 0.5 * i / max(len(encoded), 1), f"Writing {table}")
            with quiet_gdal():
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
        raise SaveError(
            path=target, reason=exc.data.get("reason") or os_reason(exc), detail=exc.detail
        ) from exc
    except SlimmeRegioError:
        raise
    except Exception as exc:  # GDAL, SQLite, rasterio, a full disk: the old file is intact
        raise SaveError(
            path=target,
            reason=os_reason(exc),
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    task.report(1.0, "Saved")
