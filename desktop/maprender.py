"""Pure rendering of layers with QPainter: geometry to paths, classes, levels of detail.

Drawing 40k links with matplotlib takes seconds, so the live view is drawn
with QPainter instead:

* each layer's geometry is turned once into one ``QPainterPath`` per style
  class, in map coordinates (Lambert 72), built from numpy arrays through
  QDataStream (no per-feature Python loop), at a few levels of detail
  (simplified with shapely) chosen by the zoom;
* the paths are drawn with a world transform and cosmetic pens, so a zoom
  changes a matrix, not the geometry.

Nothing here holds widget state: :func:`render_layers` draws a list of
layers for a :class:`~slimmeregio.desktop.mapview.View` into any QPainter.
Colours come from the layer's :class:`~slimmeregio.layers.model.Style` and
:mod:`slimmeregio.layers.symbology`, the same source the printed maps use.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import shapely
from PyQt6.QtCore import QByteArray, QDataStream, QIODevice, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.maplod import draw_heavy, is_heavy
from slimmeregio.desktop.mapview import DPI, View
from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import HOPPIN_SIZES, LINK_CLASS_WIDTHS

__all__ = [
    "BACKGROUND",
    "RASTER_RAMP",
    "LayerGraphics",
    "build_path",
    "classify",
    "geometry_kind",
    "legend_entry",
    "line_arrays",
    "lod_for",
    "point_symbols",
    "points_polygon",
    "polygon_arrays",
    "raster_legend",
    "render_layers",
]

#: Simplification tolerances (map metres) of the levels of detail.
LOD_TOLERANCES = (0.0, 4.0, 20.0, 80.0)
#: More visible points than this are drawn as squares (round caps are slow).
_FAST_POINTS = 4000
#: More visible points than this are thinned to one per pixel.
_THIN_POINTS = 20000
#: Features per path for wide lines (see LayerGraphics.paths).
_CHUNK = 48
BACKGROUND = QColor("#e9edf0")


def build_path(coords: np.ndarray, starts: np.ndarray, *, close: bool = False) -> QPainterPath:  # noqa: ARG001
    """A QPainterPath from vertices ``coords`` (n, 2) where ``starts`` flags
    the first vertex of each part; built in one go via QDataStream."""
    n = len(coords)
    path = QPainterPath()
    if n == 0:
        return path
    rec = np.empty(n, dtype=[("c", ">i4"), ("x", ">f8"), ("y", ">f8")])
    rec["x"] = coords[:, 0]
    rec["y"] = coords[:, 1]
    rec["c"] = np.where(starts, 0, 1)  # 0 MoveTo, 1 LineTo
    data = (
        np.array([n], ">i4").tobytes()
        + rec.tobytes()
        + np.array([0], ">i4").tobytes()  # fill rule: OddEven (holes stay holes)
    )
    buffer = QByteArray(data)  # must outlive the stream, which does not copy it
    stream = QDataStream(buffer, QIODevice.OpenModeFlag.ReadOnly)
    stream >> path  # type: ignore[operator]  # PyQt6 reads a QPainterPath; the stubs omit it
    del stream
    return path


def points_polygon(coords: np.ndarray) -> QPolygonF:
    """A QPolygonF sharing nothing with ``coords``, filled without a loop."""
    poly = QPolygonF()
    poly.resize(len(coords))
    if len(coords):
        ptr = poly.data()
        ptr.setsize(len(coords) * 16)
        np.frombuffer(cast(bytes, ptr), dtype=np.float64).reshape(-1, 2)[:] = coords[:, :2]
    return poly


def line_arrays(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == 1]  # LineString
    coords, index = shapely.get_coordinates(parts, return_index=True)
    starts = np.ones(len(index), dtype=bool)
    if len(index):
        starts[1:] = index[1:] != index[:-1]
    return coords, starts


def polygon_arrays(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == 3]  # Polygon
    rings = shapely.get_rings(parts)
    coords, index = shapely.get_coordinates(rings, return_index=True)
    starts = np.ones(len(index), dtype=bool)
    if len(index):
        starts[1:] = index[1:] != index[:-1]
    return coords, starts


def _hex(color: str | None, fallback: str = "#757575") -> QColor:
    c = QColor(color or fallback)
    return c if c.isValid() else QColor(fallback)


def classify(layer: Layer, style: Style | None = None) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Class index per feature and the classes ``[(label, colour), ...]``.

    Class 0 is the style's own colour (single style, or values without a
    category / outside the breaks). Shared by the canvas and the legend.
    """
    style = style or layer.style
    frame = layer.frame
    n = len(frame)
    classes: list[tuple[str, str]] = [("", style.color)]
    labels = np.zeros(n, dtype=np.int32)
    if style.kind == "categories" and style.column in frame.columns:
        values = frame[style.column].astype(str).to_numpy()
        for value, color in style.categories.items():
            classes.append((str(value), color))
            labels[values == str(value)] = len(classes) - 1
        classes[0] = (tr("overige"), style.color)
    elif style.kind == "graduated" and style.column in frame.columns and style.breaks:
        import pandas as pd

        values = pd.to_numeric(frame[style.column], errors="coerce").to_numpy(dtype=float)
        colors = list(style.colors) or [style.color] * len(style.breaks)
        lower = -math.inf
        for i, upper in enumerate(style.breaks):
            color = colors[min(i, len(colors) - 1)]
            low_txt = "" if lower == -math.inf else f"{lower:g}"
            if math.isinf(upper) and low_txt:
                text = f"> {low_txt}"
            else:
                text = f"{low_txt} – {upper:g}" if low_txt else f"≤ {upper:g}"
            classes.append((text, color))
            labels[(values > lower) & (values <= upper)] = len(classes) - 1
            lower = upper
        if len(colors) > len(style.breaks):
            classes.append((f"> {lower:g}", colors[len(style.breaks)]))
            labels[values > lower] = len(classes) - 1
        classes[0] = (tr("geen waarde"), style.color)
    return labels, classes


def geometry_kind(layer: Layer) -> str:
    if layer.is_raster:
        return "raster"
    types = set(layer.frame.geometry.geom_type.dropna().unique())
    if types & {"Polygon", "MultiPolygon"}:
        return "polygon"
    if types & {"LineString", "MultiLineString", "LinearRing"}:
        return "line"
    return "point"


@dataclass
class _Class:
    color: QColor
    width: float  # pixels (lines, point markers)
    indices: np.ndarray
    paths: dict[int, list[QPainterPath]] = field(default_factory=dict)
    points: np.ndarray | None = None


class LayerGraphics:
    """Everything needed to draw one layer, built once per data and style."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer
        self.kind = geometry_kind(layer)
        self.opacity = float(layer.style.opacity)
        self.edge = _hex(layer.style.edge_color, "#ffffff") if layer.style.edge_color else None
        self.classes: list[_Class] = []
        self.image: QImage | None = None
        if self.kind == "raster":
            self.image = _raster_image(layer)
            return
        frame = layer.frame
        geoms = frame.geometry.to_numpy()
        labels, classes = classify(layer)
        order = [0] + list(range(len(classes) - 1, 0, -1))  # best classes drawn last
        for ci in order:
            label, color = classes[ci]
            idx = np.flatnonzero(labels == ci)
            if len(idx) == 0:
                continue
            width = self._width(label)
            cls = _Class(_hex(color), width, idx)
            if self.kind == "point":
                pts = shapely.get_coordinates(shapely.centroid(geoms[idx]))
                cls.points = pts
            self.classes.append(cls)
        self._geoms = geoms

    def _width(self, label: str) -> float:
        style = self.layer.style
        px_per_pt = DPI / 72.0
        if self.kind == "line":
            if self.layer.role == Role.BIKE_NETWORK and label in LINK_CLASS_WIDTHS:
                return max(0.9, LINK_CLASS_WIDTHS[label] * px_per_pt)
            return max(0.9, style.line_width * px_per_pt)
        if self.kind == "point":
            if self.layer.role == Role.MOBIPUNTEN and label in HOPPIN_SIZES:
                return HOPPIN_SIZES[label] * px_per_pt
            return max(2.0, style.marker_size)
        return max(0.6, style.line_width)

    def paths(self, cls: _Class, lod: int) -> list[QPainterPath]:
        """The class's paths at level of detail ``lod`` (built on first use).

        Wide antialiased lines are split into chunks of features: Qt strokes
        a path as one polygon, and one huge self-overlapping polygon costs
        ten times more than many small ones.
        """
        if lod not in cls.paths:
            geoms = self._geoms[cls.indices]
            tol = LOD_TOLERANCES[lod]
            if tol > 0:
                geoms = shapely.simplify(geoms, tol, preserve_topology=self.kind == "polygon")
            chunk = _CHUNK if self.kind == "line" and cls.width > 1.2 else max(len(geoms), 1)
            out = []
            for i in range(0, len(geoms), chunk):
                part = geoms[i : i + chunk]
                if self.kind == "line":
                    coords, starts = line_arrays(part)
                else:
                    coords, starts = polygon_arrays(part)
                out.append(build_path(coords, starts, close=self.kind == "polygon"))
            cls.paths[lod] = out
        return cls.paths[lod]

    def draw(self, p: QPainter, view: View, extent: tuple[float, float, float, float]) -> None:
        if self.kind == "raster":
            self._draw_raster(p)
            return
        p.setOpacity(self.opacity)
        lod = lod_for(view.res)
        for cls in self.classes:
            if self.kind == "line":
                pen = QPen(cls.color, cls.width)
                pen.setCosmetic(True)
                # flat caps: round caps on wide antialiased lines cost 4x the time
                pen.setCapStyle(
                    Qt.PenCapStyle.FlatCap if cls.width > 1.2 else Qt.PenCapStyle.RoundCap
                )
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                for path in self.paths(cls, lod):
                    p.drawPath(path)
            elif self.kind == "polygon":
                pen = QPen(self.edge or cls.color.darker(130), max(0.6, cls.width))
                pen.setCosmetic(True)
                p.setPen(pen)
                p.setBrush(QBrush(cls.color))
                for path in self.paths(cls, lod):
                    p.drawPath(path)
            else:
                _draw_points(p, cls.points, cls.color, cls.width, self.edge, extent)
        p.setOpacity(1.0)

    def _draw_raster(self, p: QPainter) -> None:
        if self.image is None or not self.layer.is_raster:
            return
        x0, y0, x1, y1 = self.layer.bounds
        w, h = self.image.width(), self.image.height()
        p.save()
        p.setOpacity(self.opacity)
        # row 0 is the north edge: map y runs down the image (a negative-height
        # target rectangle is not drawn at all, so the flip goes in the transform)
        p.translate(x0, y1)
        p.scale((x1 - x0) / w, -(y1 - y0) / h)
        p.drawImage(QRectF(0, 0, w, h), self.image)
        p.restore()


def lod_for(res: float) -> int:
    lod = 0
    for i, tol in enumerate(LOD_TOLERANCES):
        if tol <= res * 0.75:
            lod = i
    return lod


def _draw_points(
    p: QPainter,
    pts: np.ndarray | None,
    color: QColor,
    size: float,
    edge: QColor | None,
    extent: tuple[float, float, float, float],
) -> None:
    if pts is None or len(pts) == 0:
        return
    x0, y0, x1, y1 = extent
    m = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    visible = pts[m]
    if len(visible) == 0:
        return
    if len(visible) > _THIN_POINTS:
        # more points than pixels can show apart: one per pixel cell (the first)
        res = 1.0 / max(abs(p.transform().m11()), 1e-12)
        cells = np.floor((visible - (x0, y0)) / res).astype(np.int64)
        key = cells[:, 0] * (int((y1 - y0) / res) + 2) + cells[:, 1]
        _, first = np.unique(key, return_index=True)
        visible = visible[np.sort(first)]
    poly = points_polygon(visible)
    fast = len(visible) > _FAST_POINTS
    cap = Qt.PenCapStyle.SquareCap if fast else Qt.PenCapStyle.RoundCap
    hint = p.testRenderHint(QPainter.RenderHint.Antialiasing)
    if fast:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    if edge is not None and not fast:
        pen = QPen(edge, size + 2.0)
        pen.setCosmetic(True)
        pen.setCapStyle(cap)
        p.setPen(pen)
        p.drawPoints(poly)
    pen = QPen(color, size if not fast else max(2.0, size * 0.8))
    pen.setCosmetic(True)
    pen.setCapStyle(cap)
    p.setPen(pen)
    p.drawPoints(poly)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, hint)


#: The default ramp of a raster (light to dark, yellow-orange-red); cells <= 0 stay clear.
RASTER_RAMP = ("#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026")
_raster_breaks: dict[int, tuple[float, ...]] = {}


def _raster_image(layer: Layer) -> QImage | None:
    """The raster in the default ramp: five classes between the 2nd and 98th
    percentile of its positive cells (see :func:`raster_legend`)."""
    try:
        band = layer.data.read(1)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - an unreadable raster is simply not drawn
        return None
    arr: np.ndarray = np.ma.filled(np.ma.masked_invalid(np.ma.asarray(band, dtype=float)), np.nan)
    step = max(1, int(math.ceil(max(arr.shape) / 2000)))
    arr = arr[::step, ::step]
    shown = np.isfinite(arr) & (arr > 0)
    if not shown.any():
        return None
    lo, hi = (float(v) for v in np.nanpercentile(arr[shown], [2, 98]))
    hi = hi if hi > lo else lo + 1.0
    edges = np.linspace(lo, hi, len(RASTER_RAMP) + 1)
    _raster_breaks[id(layer.data)] = tuple(float(e) for e in edges)
    index = np.clip(
        np.searchsorted(edges[1:-1], np.where(shown, arr, lo), side="right"),
        0,
        len(RASTER_RAMP) - 1,
    )
    colors = np.array(
        [[QColor(c).blue(), QColor(c).green(), QColor(c).red()] for c in RASTER_RAMP],
        dtype=np.uint8,
    )
    rgba = np.zeros(arr.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = colors[index]  # BGRA (little endian ARGB32), opaque or clear
    rgba[..., 3] = np.where(shown, 255, 0)
    rgba[~shown, :3] = 0
    rgba = np.ascontiguousarray(rgba)
    h, w = arr.shape
    image = QImage(cast(bytes, rgba.data), w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
    return image.copy()


def raster_legend(layer: Layer) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(value range, colour)]) of a drawn raster, as in its image."""
    edges = _raster_breaks.get(id(layer.data))
    if edges is None:
        return layer.name, []
    rows = []
    for i, color in enumerate(RASTER_RAMP):
        a, b = edges[i], edges[i + 1]
        label = (
            f"≤ {b:,.0f}"
            if i == 0
            else f"> {a:,.0f}"
            if i == len(RASTER_RAMP) - 1
            else f"{a:,.0f} – {b:,.0f}"
        )
        rows.append((label.replace(",", ".") if language() == "nl" else label, color))
    return layer.name, rows


def legend_entry(layer: Layer) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(class label, colour)]) of the classes that hold features."""
    labels, classes = classify(layer)
    counts = (
        np.bincount(labels, minlength=len(classes)) if len(labels) else np.zeros(len(classes), int)
    )
    order = list(range(1, len(classes))) + [0]
    names = {
        "gain": tr("gewonnen"),
        "loss": tr("verloren"),
        "added": tr("nieuw"),
        "upgraded": tr("opgewaardeerd"),
    }
    items = [
        (names.get(classes[i][0], classes[i][0]), classes[i][1])
        for i in order
        if counts[i] > 0 and (i > 0 or classes[0][0])
    ]
    if not items and classes and counts.sum() > 0:
        # a single symbol: one row, the swatch with the layer's name, no title
        return "", [(layer.name, classes[0][1])]
    return layer.name, items


_log = logging.getLogger(__name__)
#: (layer id, error type) already logged: a layer that cannot be drawn is logged once, not at every repaint.
_not_drawn: set[tuple[int, type]] = set()


def _log_not_drawn(layer: Layer, error: Exception) -> None:
    key = (id(layer), type(error))
    if key in _not_drawn:
        return
    _not_drawn.add(key)
    # an AttributeError is a defect, not a property of the data: keep its traceback
    _log.warning(
        "layer %r is not drawn: %s: %s",
        layer.name,
        type(error).__name__,
        error,
        exc_info=isinstance(error, AttributeError),
    )


def render_layers(
    p: QPainter,
    layers: list[Layer],
    graphics: dict[int, LayerGraphics],
    view: View,
    width: int,
    height: int,
) -> None:
    """Draw ``layers`` (bottom first) for ``view`` on a ``width`` x ``height``
    surface; ``graphics`` caches each layer's paths by ``id(layer)``."""
    p.setTransform(view.transform(width, height))
    extent = view.extent(width, height)
    for layer in layers:
        g = graphics.get(id(layer))
        if g is None or g.layer is not layer:
            g = LayerGraphics(layer)
            graphics[id(layer)] = g
        try:
            if is_heavy(g):
                draw_heavy(p, g, view, width, height)
            else:
                g.draw(p, view, extent)
        except (TypeError, ValueError, AttributeError) as error:
            _log_not_drawn(layer, error)
            continue  # a layer without drawable geometry is skipped, not fatal
    p.resetTransform()


def point_symbols(
    graphics: list[LayerGraphics], view: View, width: int, height: int, *, limit: int = 200
) -> list[tuple[np.ndarray, float]]:
    """The point symbols drawn in view that labels keep clear of, as (pixel
    positions (n, 2), radius): those of labelled layers, mobipunten and
    stations, and of any layer with at most ``limit`` points in view (a
    dense cloud such as the dwellings would leave no room for any label)."""
    x0, y0, x1, y1 = view.extent(width, height)
    out: list[tuple[np.ndarray, float]] = []
    for g in graphics:
        if g.kind != "point":
            continue
        key = g.layer.style.label_field or g.layer.role in (Role.MOBIPUNTEN, Role.STATIONS)
        if not key and sum(len(c.indices) for c in g.classes) > 50 * limit:
            continue  # a dense cloud: not worth counting what is in view
        parts = []
        for cls in g.classes:
            pts = cls.points
            if pts is None or len(pts) == 0:
                continue
            m = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
            parts.append((pts[m], cls.width / 2 + 1.0))
        if not key and sum(len(pts) for pts, _ in parts) > limit:
            continue
        for pts, radius in parts:
            px = np.column_stack(
                (
                    (pts[:, 0] - view.cx) / view.res + width / 2,
                    height / 2 - (pts[:, 1] - view.cy) / view.res,
                )
            )
            out.append((px, radius))
    return out
