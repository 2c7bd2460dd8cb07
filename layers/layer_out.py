"""Saving one layer (or a selection of it) as GeoPackage, GeoJSON or Shapefile, atomically.

GeoPackage and Shapefile keep Lambert 72; GeoJSON is written in WGS 84 as
RFC 7946 requires. A Shapefile is several files: they are written into a
temporary folder next to the target and moved in place only when all were
written, so a failed save leaves no half set behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from slimmeregio.layers.errors import ExportError, UnsupportedFormatError
from slimmeregio.layers.gpkg_out import write_layers_gpkg
from slimmeregio.layers.model import Layer
from slimmeregio.layers.safe_io import atomic_path, check_overwrite, fsync_directory

__all__ = ["LAYER_FORMATS", "selected_layer", "write_layer_file"]

#: Suffix -> format name, in the order a save dialog offers them.
LAYER_FORMATS = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".shp": "Shapefile"}
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def selected_layer(
    layer: Layer, positions: np.ndarray | list[int], name: str | None = None
) -> Layer:
    """A new layer with the features of ``layer`` at ``positions`` (same role, fields and style)."""
    pos = np.asarray(positions, dtype=np.int64)
    pos = pos[(pos >= 0) & (pos < len(layer))]
    frame = layer.frame.iloc[np.sort(pos)].reset_index(drop=True)
    return Layer(
        name or layer.name,
        frame,
        layer.role,
        dict(layer.fields),
        style=layer.style,
        attribution=layer.attribution,
        source=layer.source,
    )


def write_layer_file(layer: Layer, out: str | Path, *, force: bool = False) -> Path:
    """Write the vector ``layer`` to ``out`` in the format of its suffix.

    Raises
    ------
    UnsupportedFormatError
        The suffix is not .gpkg, .geojson or .shp, or the layer is a raster.
    OutputExistsError
        ``out`` exists and ``force`` is false.
    ExportError
        The file cannot be written (nothing is left behind).
    """
    target = Path(out)
    suffix = target.suffix.lower()
    if suffix not in LAYER_FORMATS or layer.is_raster:
        raise UnsupportedFormatError(path=target)
    if suffix == ".gpkg":
        return write_layers_gpkg([layer], target, force=force)
    check_overwrite(target, force)
    frame = layer.frame
    try:
        if suffix == ".geojson":
            with atomic_path(target) as tmp:
                frame.to_crs(4326).to_file(tmp, driver="GeoJSON", engine="pyogrio")
            return target
        return _write_shapefile(frame, target, force=force)
    except (OSError, RuntimeError, ValueError) as exc:
        if isinstance(exc, ExportError):
            raise
        raise ExportError(path=target, reason=str(exc), detail=repr(exc)) from exc


def _write_shapefile(frame: object, target: Path, *, force: bool) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(
            path=target, reason={"nl": "de map bestaat niet", "en": "the folder does not exist"}
        )
    stem = target.stem
    if not force:
        for part in _SHAPEFILE_PARTS:
            check_overwrite(target.with_suffix(part), False)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{stem}.", suffix=".tmp", dir=folder))
    try:
        frame.to_file(  # type: ignore[attr-defined]
            tmpdir / f"{stem}.shp",
            driver="ESRI Shapefile",
            engine="pyogrio",
            layer_options={"ENCODING": "UTF-8"},
        )
        written = [p for p in tmpdir.iterdir() if p.is_file()]
        if not any(p.suffix == ".shp" for p in written):
            raise ExportError(
                path=target, reason={"nl": "er werd niets geschreven", "en": "nothing was written"}
            )
        for p in written:
            os.replace(p, folder / p.name)
        fsync_directory(folder)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmpdir)
    return target
