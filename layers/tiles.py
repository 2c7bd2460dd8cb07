"""Background maps: rendering a Lambert 72 view from web-mercator tiles or a WMS.

The sources and presets are in :mod:`slimmeregio.layers.tile_sources`, the
disk cache in :mod:`slimmeregio.layers.tile_cache` (both importable from here).

Background maps are view-only: they are drawn under the layers and (when
asked) under a printed map, never read by an analysis. A view is rendered
by :func:`render_view` into an RGBA array for a bounding box in EPSG:31370:

* ``xyz`` sources (OpenStreetMap, and Informatie Vlaanderen's WMTS through
  its GoogleMapsVL tile matrix set, which is the web-mercator XYZ grid) are
  fetched as 256-pixel web-mercator tiles and warped to Lambert 72 with
  pyproj (exact on a coarse grid, bilinear in between: over a view of a
  few tens of km the warp is smooth to far below a pixel);
* ``wms`` sources are asked for the view itself in EPSG:31370 (GetMap 1.3.0).

Every tile goes through a :class:`TileCache` on disk (platformdirs' user
cache folder, or ``$SLIMMEREGIO_CACHE_DIR``) with a size limit; the oldest
tiles go first.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from slimmeregio.layers import web
from slimmeregio.layers.errors import (
    OperationCancelled,
    ServiceResponseError,
    ServiceUnavailableError,
    ServiceUrlError,
)
from slimmeregio.layers.tile_cache import DEFAULT_CACHE_BYTES, TileCache, cache_dir
from slimmeregio.layers.tile_sources import PRESETS, Background, TileSource, preset

__all__ = [
    "DEFAULT_CACHE_BYTES",
    "Background",
    "PRESETS",
    "RenderedMap",
    "TileCache",
    "TileSource",
    "cache_dir",
    "preset",
    "render_view",
    "tile_range",
    "wms_layers",
    "xyz_zoom",
]

#: Half the circumference of the web-mercator sphere (EPSG:3857 metres).
_ORIGIN = 20037508.342789244
_TILE = 256
#: Most tiles fetched for one view; a larger request takes a coarser zoom.
_MAX_TILES = 64
#: Largest WMS image asked for (per side, pixels).
_MAX_WMS_SIDE = 4096
_WORKERS = 4


# ---------------------------------------------------------------------------
# Tile math (web mercator)
# ---------------------------------------------------------------------------


def _transformer(source: str, target: str) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def _ring(bbox: tuple[float, float, float, float], n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = bbox
    t = np.linspace(0.0, 1.0, n + 1)
    xs = np.concatenate(
        [x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t, np.full_like(t, x0)]
    )
    ys = np.concatenate(
        [np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y1 - (y1 - y0) * t]
    )
    return xs, ys


def _mercator_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    xs, ys = _ring(bbox)
    mx, my = _transformer("EPSG:31370", "EPSG:3857").transform(xs, ys)
    return float(np.min(mx)), float(np.min(my)), float(np.max(mx)), float(np.max(my))


def _tile_res(z: int) -> float:
    return 2 * _ORIGIN / (_TILE * 2**z)


def xyz_zoom(
    bbox: tuple[float, float, float, float], width: int, *, min_zoom: int = 0, max_zoom: int = 19
) -> int:
    """The web-mercator zoom whose pixels are closest to (not coarser than
    about 1.4 times) the view's pixels, for a Lambert 72 ``bbox`` drawn
    ``width`` pixels wide."""
    mx0, _, mx1, _ = _mercator_bbox(bbox)
    res = (mx1 - mx0) / max(width, 1)
    z = round(math.log2(2 * _ORIGIN / (_TILE * res))) if res > 0 else max_zoom
    return int(min(max(z, min_zoom), max_zoom))


def tile_range(bbox: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """Columns and rows ``(x0, y0, x1, y1)`` (inclusive) of the zoom-``z``
    tiles covering the Lambert 72 ``bbox``."""
    mx0, my0, mx1, my1 = _mercator_bbox(bbox)
    res = _tile_res(z) * _TILE
    n = 2**z
    tx0 = int(math.floor((mx0 + _ORIGIN) / res))
    tx1 = int(math.floor((mx1 + _ORIGIN) / res))
    ty0 = int(math.floor((_ORIGIN - my1) / res))
    ty1 = int(math.floor((_ORIGIN - my0) / res))
    clamp = lambda v: max(0, min(v, n - 1))  # noqa: E731
    return clamp(tx0), clamp(ty0), clamp(tx1), clamp(ty1)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


@dataclass
class RenderedMap:
    """A background map drawn for one view.

    ``rgba`` is a ``(height, width, 4)`` uint8 array covering ``bbox``
    (Lambert 72) exactly; ``missing`` counts tiles that could not be had
    (drawn transparent); ``error`` holds the error when nothing could be had.
    """

    source: TileSource
    bbox: tuple[float, float, float, float]
    rgba: np.ndarray
    tiles: int = 0
    missing: int = 0
    from_cache: int = 0
    error: Exception | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def offline(self) -> bool:
        """True when no part of the map could be fetched for lack of a connection."""
        return isinstance(self.error, ServiceUnavailableError)


Cancel = Callable[[], bool]


def _decode(data: bytes, url: str) -> np.ndarray:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > 8192 * 8192:
                raise ServiceResponseError(
                    url=url, reason={"nl": "beeld te groot", "en": "image too large"}
                )
            return np.asarray(image.convert("RGBA"))
    except ServiceResponseError:
        raise
    except Exception as error:  # noqa: BLE001 - PIL raises many kinds on a non-image
        raise ServiceResponseError(
            url=url,
            reason={"nl": "geen leesbaar beeld", "en": "not a readable image"},
            detail=str(error),
        ) from None


def _fetch(
    url: str, *, cache: TileCache | None, timeout: float, session: Any
) -> tuple[bytes, bool]:
    if cache is not None:
        hit = cache.get(url)
        if hit is not None:
            return hit, True
    answer = web.get(url, timeout=timeout, session=session, max_bytes=16 * 1024**2)
    if not answer.is_image:
        snippet = answer.text()[:200]
        raise ServiceResponseError(
            url=url,
            reason={
                "nl": f"geen beeld ({answer.content_type or 'onbekend'})",
                "en": f"not an image ({answer.content_type or 'unknown'})",
            },
            detail=snippet,
        )
    if cache is not None:
        cache.put(url, answer.body)
    return answer.body, False


def _render_xyz(
    source: TileSource,
    bbox: tuple[float, float, float, float],
    width: int,
    height: int,
    *,
    cache: TileCache | None,
    timeout: float,
    cancel: Cancel | None,
    session: Any,
) -> RenderedMap:
    from scipy import ndimage

    z = xyz_zoom(bbox, width, min_zoom=source.min_zoom, max_zoom=source.max_zoom)
    tx0, ty0, tx1, ty1 = tile_range(bbox, z)
    while (tx1 - tx0 + 1) * (ty1 - ty0 + 1) > _MAX_TILES and z > source.min_zoom:
        z -= 1
        tx0, ty0, tx1, ty1 = tile_range(bbox, z)
    nx, ny = tx1 - tx0 + 1, ty1 - ty0 + 1
    mosaic = np.zeros((ny * _TILE, nx * _TILE, 4), dtype=np.uint8)
    jobs = [(x, y) for y in range(ty0, ty1 + 1) for x in range(tx0, tx1 + 1)]
    errors: list[Exception] = []
    hits = 0
    # the first tile that finds no connection stops the others from waiting
    # their own timeout (offline is known after one timeout, not 64)
    gone: list[ServiceUnavailableError] = []

    def one(
        xy: tuple[int, int],
    ) -> tuple[tuple[int, int], np.ndarray | None, bool, Exception | None]:
        if cancel is not None and cancel():
            return xy, None, False, OperationCancelled()
        url = source.url.format(z=z, x=xy[0], y=xy[1], s="a")
        if gone and cache is not None:
            hit = cache.get(url)
            if hit is None:
                return xy, None, False, gone[0]
        elif gone:
            return xy, None, False, gone[0]
        try:
            data, cached = _fetch(url, cache=cache, timeout=timeout, session=session)
            return xy, _decode(data, url), cached, None
        except ServiceUnavailableError as error:
            gone.append(error)
            return xy, None, False, error
        except (ServiceResponseError, ServiceUrlError) as error:
            return xy, None, False, error

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for (x, y), tile, cached, error in pool.map(one, jobs):
            if error is not None:
                errors.append(error)
                continue
            assert tile is not None
            hits += int(cached)
            r0, c0 = (y - ty0) * _TILE, (x - tx0) * _TILE
            h, w = min(tile.shape[0], _TILE), min(tile.shape[1], _TILE)
            mosaic[r0 : r0 + h, c0 : c0 + w] = tile[:h, :w]
    if any(isinstance(e, OperationCancelled) for e in errors):
        raise OperationCancelled()
    if errors and len(errors) == len(jobs):  # nothing to warp
        error = next((e for e in errors if isinstance(e, ServiceUnavailableError)), errors[0])
        empty = np.zeros((height, width, 4), dtype=np.uint8)
        return RenderedMap(
            source,
            bbox,
            empty,
            tiles=len(jobs),
            missing=len(errors),
            error=error,
            extra={"zoom": z},
        )
    # warp: Lambert 72 pixel centres -> mercator, exact on a coarse grid
    step = 16
    gx = np.linspace(0, width - 1, max(2, width // step + 1))
    gy = np.linspace(0, height - 1, max(2, height // step + 1))
    cx, cy = np.meshgrid(gx, gy)
    x0, y0, x1, y1 = bbox
    lx = x0 + (cx + 0.5) * (x1 - x0) / width
    ly = y1 - (cy + 0.5) * (y1 - y0) / height
    mx, my = _transformer("EPSG:31370", "EPSG:3857").transform(lx, ly)
    res = _tile_res(z)
    col = (np.asarray(mx) + _ORIGIN) / res - tx0 * _TILE - 0.5
    row = (_ORIGIN - np.asarray(my)) / res - ty0 * _TILE - 0.5
    zoom = (height / col.shape[0], width / col.shape[1])
    cols = ndimage.zoom(col, zoom, order=1, grid_mode=True, mode="nearest")[:height, :width]
    rows = ndimage.zoom(row, zoom, order=1, grid_mode=True, mode="nearest")[:height, :width]
    rgba = np.empty((height, width, 4), dtype=np.uint8)
    for band in range(4):
        rgba[..., band] = ndimage.map_coordinates(
            mosaic[..., band], [rows, cols], order=1, mode="constant", cval=0
        ).astype(np.uint8)
    result = RenderedMap(
        source, bbox, rgba, tiles=len(jobs), missing=len(errors), from_cache=hits, extra={"zoom": z}
    )
    if errors and len(errors) == len(jobs):
        result.error = next(
            (e for e in errors if isinstance(e, ServiceUnavailableError)), errors[0]
        )
    return result


def _render_wms(
    source: TileSource,
    bbox: tuple[float, float, float, float],
    width: int,
    height: int,
    *,
    cache: TileCache | None,
    timeout: float,
    session: Any,
) -> RenderedMap:
    from PIL import Image

    scale = min(1.0, _MAX_WMS_SIDE / max(width, height))
    w, h = max(1, int(width * scale)), max(1, int(height * scale))
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetMap",
        "LAYERS": source.layers,
        "STYLES": "",
        "CRS": "EPSG:31370",
        "FORMAT": source.image_format,
        "TRANSPARENT": "TRUE",
        "BBOX": ",".join(f"{v:.3f}" for v in bbox),
        "WIDTH": str(w),
        "HEIGHT": str(h),
    }
    import urllib.parse

    sep = "&" if "?" in source.url else "?"
    url = source.url + sep + urllib.parse.urlencode(params)
    try:
        data, cached = _fetch(url, cache=cache, timeout=timeout, session=session)
        image = _decode(data, url)
    except (ServiceUnavailableError, ServiceResponseError) as error:
        empty = np.zeros((height, width, 4), dtype=np.uint8)
        return RenderedMap(source, bbox, empty, tiles=1, missing=1, error=error)
    if image.shape[:2] != (height, width):
        image = np.asarray(
            Image.fromarray(image).resize((width, height), Image.Resampling.BILINEAR)
        )
    return RenderedMap(source, bbox, image, tiles=1, from_cache=int(cached))


def render_view(
    source: TileSource,
    bbox: tuple[float, float, float, float],
    width: int,
    height: int,
    *,
    cache: TileCache | None = None,
    timeout: float = 5.0,
    cancel: Cancel | None = None,
    session: Any = None,
) -> RenderedMap:
    """Draw ``source`` for the Lambert 72 ``bbox`` into ``width`` x ``height`` pixels.

    Never raises for a network problem: the result's ``error`` says what
    went wrong (``offline`` when there was no connection) and ``missing``
    how many tiles are absent. Raises :class:`.OperationCancelled` when
    ``cancel`` returns True.
    """
    width, height = max(1, int(width)), max(1, int(height))
    if source.kind == "wms":
        return _render_wms(
            source, bbox, width, height, cache=cache, timeout=timeout, session=session
        )
    return _render_xyz(
        source, bbox, width, height, cache=cache, timeout=timeout, cancel=cancel, session=session
    )


def wms_layers(url: str, *, timeout: float = web.DEFAULT_TIMEOUT) -> list[tuple[str, str]]:
    """``(name, title)`` of the layers a WMS at ``url`` offers in EPSG:31370
    (or in any CRS when it names none), from its GetCapabilities (1.3.0),
    fetched through :mod:`.web` and parsed by OWSLib.

    Raises
    ------
    ServiceUrlError, ServiceUnavailableError, ServiceResponseError
    """

    def read(base: str, document: bytes) -> list[tuple[str, str]]:
        from owslib.wms import WebMapService

        service = WebMapService(base, version="1.3.0", xml=document, timeout=int(timeout))
        found = []
        for name, layer in service.contents.items():
            crs = {str(c).upper() for c in (getattr(layer, "crsOptions", None) or [])}
            if crs and "EPSG:31370" not in crs:
                continue
            found.append((str(name), str(layer.title or name)))
        return found

    return web.ogc_capabilities(url, "WMS", "1.3.0", read, timeout=timeout)
