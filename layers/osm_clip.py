"""The area an OpenStreetMap import keeps: the project's region or a file, buffered, with its longitude/latitude bounds."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.errors import OsmImportError, SourceNotFoundError
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.osm_model import (
    WGS84,
    osm_error,
)
from slimmeregio.layers.progress import CancelCheck, ProgressCallback
from slimmeregio.layers.roles import BRUSSELS_LAYER_NAMES, Role

__all__ = [
    "MAX_BUFFER_M",
    "clip_area",
    "clip_from_file",
    "lonlat_bounds",
    "overlap",
    "region_clip",
    "transformer",
]


@functools.lru_cache(maxsize=8)
def transformer(source: str, target: str) -> Transformer:
    """A cached ``always_xy`` transformer from ``source`` to ``target``."""
    # Building a transformer costs tens of milliseconds: build each once.
    return Transformer.from_crs(source, target, always_xy=True)


def region_clip(layers: Sequence[Layer], *, buffer_m: float = 2000.0) -> BaseGeometry:
    """The union of the municipality polygons of ``layers``, buffered.

    Uses the layers with role ``municipalities`` and the Brussels area layer
    (named as in :data:`~slimmeregio.layers.roles.BRUSSELS_LAYER_NAMES`: the
    main destination of commuting, so its streets stay in the network); when
    there are none, every polygon layer. The buffer (metres, Lambert 72)
    keeps border crossings and the first stretch across the border in the
    network.

    Raises
    ------
    OsmImportError
        When no layer holds polygons.
    """
    chosen = [
        la
        for la in layers
        if not la.is_raster
        and (la.role == Role.MUNICIPALITIES or la.name.strip().lower() in BRUSSELS_LAYER_NAMES)
        and "Polygon" in la.geometry_type
    ]
    if not chosen:
        chosen = [
            la
            for la in layers
            if not la.is_raster and "Polygon" in la.geometry_type and len(la) > 0
        ]
    geoms = [g for la in chosen for g in la.frame.to_crs(ANALYSIS_CRS).geometry if g is not None]
    if not geoms:
        raise OsmImportError(
            reason={
                "nl": "geen gemeenten of vlakken om op te knippen",
                "en": "no municipalities or polygons to clip to",
            }
        )
    area = shapely.union_all(shapely.make_valid(np.asarray(geoms, dtype=object)))
    return area.buffer(buffer_m) if buffer_m > 0 else area


def clip_from_file(
    path: str | Path,
    *,
    buffer_m: float = 0.0,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> BaseGeometry:
    """The clip area from a project file or a layer file with the municipalities.

    A Slimme Regio project (``.srp``/``.gpkg`` with a project table) gives
    its layers; any other file is read with
    :func:`~slimmeregio.layers.io.load_layers` (role and CRS guessed as
    usual). The area is :func:`region_clip` of those layers.

    Raises
    ------
    SourceNotFoundError
        ``path`` does not exist.
    OsmImportError
        The file holds no polygons.
    SlimmeRegioError
        Whatever the loaders raise for an unreadable file.
    """
    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.project_file import is_project_file, load_project

    path = Path(path)
    if not path.exists():
        raise SourceNotFoundError(path=path)
    if is_project_file(path):
        layers = list(load_project(path, progress=progress, cancel=cancel).layers)
    else:
        layers = load_layers(path, progress=progress, cancel=cancel)
    try:
        return region_clip(layers, buffer_m=buffer_m)
    except OsmImportError as exc:
        raise osm_error(
            path,
            "het knipbestand bevat geen vlakken (gemeenten)",
            "the clip file holds no polygons (municipalities)",
        ) from exc


#: Largest buffer around a clip area (metres): beyond the region's neighbours it
#: only costs time. Negative, infinite and NaN buffers are refused.
MAX_BUFFER_M = 50_000.0


def clip_area(
    path: Path,
    clip: BaseGeometry | None,
    bbox: Sequence[float] | None,
    bbox_crs: str,
    buffer_m: float,
) -> BaseGeometry | None:
    """The clip in Lambert 72 from a geometry or a bounding box (not both), buffered; None keeps everything."""
    if clip is not None and bbox is not None:
        raise osm_error(
            path, "geef een knipgebied óf een bbox, niet beide", "give a clip or a bbox, not both"
        )
    if not math.isfinite(buffer_m) or not 0 <= buffer_m <= MAX_BUFFER_M:
        raise osm_error(
            path,
            f"de buffer moet tussen 0 en {MAX_BUFFER_M:.0f} meter liggen (kreeg {buffer_m:g})",
            f"the buffer must lie between 0 and {MAX_BUFFER_M:.0f} metres (got {buffer_m:g})",
        )
    if bbox is not None:
        if len(bbox) != 4 or not all(math.isfinite(float(v)) for v in bbox):
            raise osm_error(path, "bbox moet vier getallen zijn", "bbox must be four numbers")
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        if minx >= maxx or miny >= maxy:
            raise osm_error(
                path,
                "bbox is leeg (min moet kleiner zijn dan max)",
                "bbox is empty (min must be below max)",
            )
        box = shapely.box(minx, miny, maxx, maxy)
        if bbox_crs != ANALYSIS_CRS:
            box = shapely.segmentize(box, (maxx - minx) / 16)
            tf = transformer(bbox_crs, ANALYSIS_CRS)
            box = shapely.transform(
                box, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1]))
            )
        return box
    if clip is None:
        return None
    if clip.is_empty:
        raise osm_error(path, "het knipgebied is leeg", "the clip area is empty")
    area = shapely.make_valid(clip)
    if buffer_m > 0:
        area = area.buffer(buffer_m)
    if area.is_empty or area.area <= 0:
        raise osm_error(path, "het knipgebied heeft geen oppervlakte", "the clip area has no area")
    return area


def overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two ``(minx, miny, maxx, maxy)`` boxes overlap."""
    return not (a[0] > b[2] or a[2] < b[0] or a[1] > b[3] or a[3] < b[1])


def lonlat_bounds(area: BaseGeometry) -> tuple[float, float, float, float]:
    """The area's bounds in longitude/latitude, with a small margin."""
    tf = transformer(ANALYSIS_CRS, WGS84)
    left, bottom, right, top = area.bounds
    minx, miny, maxx, maxy = tf.transform_bounds(left, bottom, right, top, densify_pts=21)
    # A small margin: the check is a prefilter, exact clipping follows.
    return (minx - 1e-4, miny - 1e-4, maxx + 1e-4, maxy + 1e-4)
