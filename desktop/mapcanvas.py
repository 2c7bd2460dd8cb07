"""The live map: QPainter rendering of the project's layers.

Drawing 40k links with matplotlib takes seconds, so the live view is drawn
with QPainter instead:

* each layer's geometry is turned once into one ``QPainterPath`` per style
  class, in map coordinates (Lambert 72), built from numpy arrays through
  QDataStream (no per-feature Python loop), at a few levels of detail
  (simplified with shapely) chosen by the zoom;
* the paths are drawn with a world transform and cosmetic pens, so a zoom
  changes a matrix, not the geometry;
* the rendered layers are cached as a QImage; panning translates that image
  and zooming scales it at once, and the sharp image is re-rendered when the
  user pauses.

Colours come from the layer's :class:`~slimmeregio.layers.model.Style` and
:mod:`slimmeregio.layers.symbology`, the same source the printed maps use.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import (
    QByteArray,
    QDataStream,
    QEvent,
    QIODevice,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    pyqtSignal,
)
from PyQt6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PyQt6.QtWidgets import QSizePolicy, QWidget

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.layers.model import Layer, LayerList, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import HOPPIN_SIZES, LINK_CLASS_WIDTHS

__all__ = [
    "HOUSING_AREA_COLOR",
    "MapCanvas",
    "MapTool",
    "OverlayItem",
    "View",
    "build_path",
    "classify",
    "geometry_kind",
    "points_polygon",
]

#: Metres per pixel at 96 dpi -> scale denominator.
_M_PER_INCH = 0.0254
_DPI = 96.0
#: Simplification tolerances (map metres) of the levels of detail.
_LOD_TOLERANCES = (0.0, 4.0, 20.0, 80.0)
#: More visible points than this are drawn as squares (round caps are slow).
_FAST_POINTS = 4000
#: Features per path for wide lines (see _LayerGraphics.paths).
_CHUNK = 48
#: Point layers of places with at most this many features get name labels.
_MAX_PLACE_LABELS = 500
#: Place (sub-municipality) names show from this resolution (m per pixel) down.
_PLACE_LABEL_MAX_RES = 25.0
BACKGROUND = QColor("#e9edf0")
SELECTION_COLOR = QColor("#ffd600")
#: Outline of housing developments drawn as areas (scenario overlay, sketch).
HOUSING_AREA_COLOR = "#6d4c41"


class MapTool(Enum):
    """What a left click on the map does."""

    NAVIGATE = "navigate"  # drag pans, click identifies / selects
    ZOOM_BOX = "zoom_box"
    POINT = "point"  # click emits pointPicked (place a mobipunt, housing ...)
    FEATURE = "feature"  # click emits featurePicked for the pick layer
    LINE = "line"  # clicks collect vertices (snapped); double click finishes
    POLYGON = "polygon"  # clicks collect the vertices of an area; double click finishes


@dataclass(frozen=True)
class View:
    """Centre (map units) and resolution (map units per pixel)."""

    cx: float
    cy: float
    res: float

    def transform(self, width: int, height: int) -> QTransform:
        r = self.res
        return QTransform(1 / r, 0, 0, -1 / r, width / 2 - self.cx / r, height / 2 + self.cy / r)

    def to_map(self, px: float, py: float, width: int, height: int) -> tuple[float, float]:
        return (self.cx + (px - width / 2) * self.res, self.cy - (py - height / 2) * self.res)

    def to_pixel(self, x: float, y: float, width: int, height: int) -> tuple[float, float]:
        return ((x - self.cx) / self.res + width / 2, height / 2 - (y - self.cy) / self.res)

    def extent(self, width: int, height: int) -> tuple[float, float, float, float]:
        hw, hh = width / 2 * self.res, height / 2 * self.res
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)

    @property
    def scale_denominator(self) -> float:
        return self.res * _DPI / _M_PER_INCH


@dataclass
class OverlayItem:
    """A geometry drawn over the map every frame (scenario edits, sketches)."""

    coords: np.ndarray  # (n, 2) map coordinates; one point for kind "point"
    kind: str = "line"  # "line", "point" or "polygon" (outline of a closed ring)
    color: str = "#7b1fa2"
    width: float = 3.0
    dashed: bool = False
    label: str = ""
    #: Where a polygon's label goes (map coordinates); default: the vertex mean.
    anchor: tuple[float, float] | None = None


# --------------------------------------------------------------------------
# geometry -> QPainterPath


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
    stream >> path
    del stream
    return path


def points_polygon(coords: np.ndarray) -> QPolygonF:
    """A QPolygonF sharing nothing with ``coords``, filled without a loop."""
    poly = QPolygonF()
    poly.resize(len(coords))
    if len(coords):
        ptr = poly.data()
        ptr.setsize(len(coords) * 16)
        np.frombuffer(ptr, dtype=np.float64).reshape(-1, 2)[:] = coords[:, :2]
    return poly


def _line_arrays(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == 1]  # LineString
    coords, index = shapely.get_coordinates(parts, return_index=True)
    starts = np.ones(len(index), dtype=bool)
    if len(index):
        starts[1:] = index[1:] != index[:-1]
    return coords, starts


def _polygon_arrays(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


class _LayerGraphics:
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
        px_per_pt = _DPI / 72.0
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
            tol = _LOD_TOLERANCES[lod]
            if tol > 0:
                geoms = shapely.simplify(geoms, tol, preserve_topology=self.kind == "polygon")
            chunk = _CHUNK if self.kind == "line" and cls.width > 1.2 else max(len(geoms), 1)
            out = []
            for i in range(0, len(geoms), chunk):
                part = geoms[i : i + chunk]
                if self.kind == "line":
                    coords, starts = _line_arrays(part)
                else:
                    coords, starts = _polygon_arrays(part)
                out.append(build_path(coords, starts, close=self.kind == "polygon"))
            cls.paths[lod] = out
        return cls.paths[lod]

    def draw(self, p: QPainter, view: View, extent: tuple[float, float, float, float]) -> None:
        if self.kind == "raster":
            self._draw_raster(p)
            return
        p.setOpacity(self.opacity)
        lod = _lod_for(view.res)
        for cls in self.classes:
            if self.kind == "line":
                pen = QPen(cls.color, cls.width)
                pen.setCosmetic(True)
                # flat caps: round caps on wide antialiased lines cost 4x the time
                pen.setCapStyle(Qt.PenCapStyle.FlatCap if cls.width > 1.2 else Qt.PenCapStyle.RoundCap)
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


def _lod_for(res: float) -> int:
    lod = 0
    for i, tol in enumerate(_LOD_TOLERANCES):
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
    arr = np.ma.filled(np.ma.masked_invalid(np.ma.asarray(band, dtype=float)), np.nan)
    step = max(1, int(math.ceil(max(arr.shape) / 2000)))
    arr = arr[::step, ::step]
    shown = np.isfinite(arr) & (arr > 0)
    if not shown.any():
        return None
    lo, hi = (float(v) for v in np.nanpercentile(arr[shown], [2, 98]))
    hi = hi if hi > lo else lo + 1.0
    edges = np.linspace(lo, hi, len(RASTER_RAMP) + 1)
    _raster_breaks[id(layer.data)] = tuple(float(e) for e in edges)
    index = np.clip(np.searchsorted(edges[1:-1], np.where(shown, arr, lo), side="right"), 0, len(RASTER_RAMP) - 1)
    colors = np.array([[QColor(c).blue(), QColor(c).green(), QColor(c).red()] for c in RASTER_RAMP], dtype=np.uint8)
    rgba = np.zeros(arr.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = colors[index]  # BGRA (little endian ARGB32), opaque or clear
    rgba[..., 3] = np.where(shown, 255, 0)
    rgba[~shown, :3] = 0
    rgba = np.ascontiguousarray(rgba)
    h, w = arr.shape
    image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
    return image.copy()


def raster_legend(layer: Layer) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(value range, colour)]) of a drawn raster, as in its image."""
    edges = _raster_breaks.get(id(layer.data))
    if edges is None:
        return layer.name, []
    rows = []
    for i, color in enumerate(RASTER_RAMP):
        a, b = edges[i], edges[i + 1]
        label = (f"≤ {b:,.0f}" if i == 0 else f"> {a:,.0f}" if i == len(RASTER_RAMP) - 1 else f"{a:,.0f} – {b:,.0f}")
        rows.append((label.replace(",", ".") if language() == "nl" else label, color))
    return layer.name, rows


def _legend_entry(layer: Layer) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(class label, colour)]) of the classes that hold features."""
    labels, classes = classify(layer)
    counts = np.bincount(labels, minlength=len(classes)) if len(labels) else np.zeros(len(classes), int)
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


# --------------------------------------------------------------------------
# the widget


class MapCanvas(QWidget):
    """Pan/zoom map widget over a :class:`LayerList` and optional theme layers.

    Signals
    -------
    mouseMoved(x, y)
        Map coordinates (Lambert 72) under the cursor.
    viewChanged()
        Centre or scale changed.
    clicked(x, y, tolerance)
        A click in the navigate tool (identify / select).
    pointPicked(x, y)
        A click in the point tool.
    featurePicked(layer_name, position)
        A click on a feature of the pick layer in the feature tool.
    lineFinished(coords)
        A line drawn with the line tool (list of (x, y), snapped).
    polygonFinished(coords)
        An area drawn with the polygon tool (list of (x, y) ring vertices,
        not closed, at least three distinct vertices; not snapped).
    rendered(seconds)
        Time the last full render took.
    """

    mouseMoved = pyqtSignal(float, float)
    viewChanged = pyqtSignal()
    clicked = pyqtSignal(float, float, float)
    pointPicked = pyqtSignal(float, float)
    featurePicked = pyqtSignal(str, int)
    lineFinished = pyqtSignal(list)
    polygonFinished = pyqtSignal(list)
    sketchChanged = pyqtSignal()
    rendered = pyqtSignal(float)

    def __init__(self, layers: LayerList | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self._layers: LayerList | None = None
        self._themes: list[Layer] = []
        self._graphics: dict[int, _LayerGraphics] = {}
        self._labels: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
        #: Draw place names (municipalities, sub-municipalities) on the map.
        self.show_labels = True
        self._view = View(150000.0, 170000.0, 50.0)
        self._cache: QImage | None = None
        self._cache_view: View | None = None
        self._cache_size = QSize()
        self._drag_start: QPoint | None = None
        self._drag_view: View | None = None
        self._dragged = False
        self._box: QRect | None = None
        self._tool = MapTool.NAVIGATE
        self._pick_layer: str | None = None
        self._snap_points: np.ndarray | None = None
        self._snap_tree: Any = None
        self._sketch: list[tuple[float, float]] = []
        self._hover: tuple[float, float] | None = None
        self._swallow_release = False
        self._overlay: list[OverlayItem] = []
        self._selection: dict[str, np.ndarray] = {}
        self._selection_graphics: dict[str, tuple[str, Any]] = {}
        self.banner_text = ""
        #: The theme's caption above its legend, and whether it shows stale results.
        self.theme_caption = ""
        self.theme_stale = False
        #: Place names drawn in the last render (for tests and the legend).
        self.drawn_labels: list[str] = []
        self._legend: list[tuple[str, list[tuple[str, str]]]] = []
        self.last_render_seconds = 0.0
        #: Drawn first on every render, under the layers: ``underlay(painter,
        #: view, size)`` (the background maps, desktop/basemap.py).
        self.underlay: Callable[[QPainter, View, QSize], None] | None = None
        #: Drawn last on screen only, over everything: ``decorate(painter)``
        #: (background-map attribution and connection state).
        self.decorate: Callable[[QPainter], None] | None = None
        self._refine = QTimer(self)
        self._refine.setSingleShot(True)
        self._refine.setInterval(120)
        self._refine.timeout.connect(self._rerender)
        if layers is not None:
            self.set_layers(layers)

    # model ----------------------------------------------------------------
    def set_layers(self, layers: LayerList) -> None:
        if self._layers is not None:
            with contextlib.suppress(ValueError):
                self._layers.disconnect(self._on_layers)
        self._layers = layers
        self._graphics.clear()
        self._selection.clear()
        self._selection_graphics.clear()
        layers.connect(self._on_layers)
        self._snap_tree = None
        self.invalidate()

    def _on_layers(self, event: str, info: dict[str, Any]) -> None:
        layer = info.get("layer")
        if event == "removed" and layer is not None:
            self._graphics.pop(id(layer), None)
            self._selection.pop(layer.name, None)
            self._selection_graphics.pop(layer.name, None)
        if event == "changed" and layer is not None and info.get("what") != "visible":
            self._graphics.pop(id(layer), None)
            self._selection_graphics.pop(layer.name, None)
            if info.get("what") == "data":
                self._snap_tree = None
                self._labels.clear()
        self.invalidate()

    def set_theme_layers(self, layers: list[Layer]) -> None:
        """Result layers drawn above the project's layers (access time, flows ...)."""
        for old in self._themes:
            self._graphics.pop(id(old), None)
        self._themes = list(layers)
        self._legend = [_legend_entry(layer) for layer in self._themes if not layer.is_raster]
        self.invalidate()

    @property
    def theme_layers(self) -> list[Layer]:
        return list(self._themes)

    def visible_layers(self) -> list[Layer]:
        """Drawn layers, bottom first."""
        out = [layer for layer in (self._layers or []) if layer.visible]
        return out + [layer for layer in self._themes if layer.visible]

    def _graphics_for(self, layer: Layer) -> _LayerGraphics:
        g = self._graphics.get(id(layer))
        if g is None or g.layer is not layer:
            g = _LayerGraphics(layer)
            self._graphics[id(layer)] = g
        return g

    # view -------------------------------------------------------------------
    @property
    def view(self) -> View:
        return self._view

    def set_view(self, view: View) -> None:
        res = min(max(view.res, 0.02), 5000.0)
        self._view = View(view.cx, view.cy, res)
        self.viewChanged.emit()
        self.update()
        self._refine.start()

    def zoom_to_extent(self, bounds: tuple[float, float, float, float], margin: float = 0.05) -> None:
        x0, y0, x1, y1 = bounds
        if not all(map(math.isfinite, bounds)):
            return
        w = max(x1 - x0, 50.0) * (1 + 2 * margin)
        h = max(y1 - y0, 50.0) * (1 + 2 * margin)
        size = self.size()
        res = max(w / max(size.width(), 1), h / max(size.height(), 1))
        self.set_view(View((x0 + x1) / 2, (y0 + y1) / 2, res))

    def full_extent(self) -> tuple[float, float, float, float] | None:
        boxes = [
            layer.bounds
            for layer in (self._layers or [])
            if (layer.is_raster or len(layer)) and layer.visible
        ] or [layer.bounds for layer in (self._layers or []) if layer.is_raster or len(layer)]
        boxes = [b for b in boxes if all(map(math.isfinite, b))]
        if not boxes:
            return None
        a = np.array(boxes)
        return (a[:, 0].min(), a[:, 1].min(), a[:, 2].max(), a[:, 3].max())

    def zoom_to_full(self) -> None:
        extent = self.full_extent()
        if extent is not None:
            self.zoom_to_extent(extent)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        w, h = self.width(), self.height()
        v = self._view
        if anchor is None:
            anchor = QPointF(w / 2, h / 2)
        mx, my = v.to_map(anchor.x(), anchor.y(), w, h)
        res = v.res / factor
        cx = mx - (anchor.x() - w / 2) * res
        cy = my + (anchor.y() - h / 2) * res
        self.set_view(View(cx, cy, res))

    def pixel_to_map(self, px: float, py: float) -> tuple[float, float]:
        return self._view.to_map(px, py, self.width(), self.height())

    def map_to_pixel(self, x: float, y: float) -> QPointF:
        px, py = self._view.to_pixel(x, y, self.width(), self.height())
        return QPointF(px, py)

    # tools --------------------------------------------------------------------
    @property
    def tool(self) -> MapTool:
        return self._tool

    def set_tool(self, tool: MapTool, *, pick_layer: str | None = None) -> None:
        self._tool = tool
        self._pick_layer = pick_layer
        self._sketch = []
        cursors = {
            MapTool.NAVIGATE: Qt.CursorShape.ArrowCursor,
            MapTool.ZOOM_BOX: Qt.CursorShape.CrossCursor,
            MapTool.POINT: Qt.CursorShape.CrossCursor,
            MapTool.FEATURE: Qt.CursorShape.PointingHandCursor,
            MapTool.LINE: Qt.CursorShape.CrossCursor,
            MapTool.POLYGON: Qt.CursorShape.CrossCursor,
        }
        self.setCursor(cursors[tool])
        self.update()

    def set_snap_points(self, points: np.ndarray | None) -> None:
        """Vertices the line tool snaps to (network nodes)."""
        self._snap_points = points
        self._snap_tree = None

    def snap(self, x: float, y: float, pixels: float = 10.0) -> tuple[float, float]:
        """The nearest snap vertex within ``pixels``, else ``(x, y)``."""
        pts = self._snap_points
        if pts is None or len(pts) == 0:
            return (x, y)
        if self._snap_tree is None:
            from scipy.spatial import cKDTree

            self._snap_tree = cKDTree(pts)
        dist, i = self._snap_tree.query((x, y), distance_upper_bound=pixels * self._view.res)
        if math.isfinite(dist):
            return (float(pts[i][0]), float(pts[i][1]))
        return (x, y)

    @property
    def sketch(self) -> list[tuple[float, float]]:
        return list(self._sketch)

    def finish_sketch(self) -> None:
        """Emit the sketch (line: two or more vertices; polygon: three or more
        distinct vertices) and start a new one; too short a sketch is kept."""
        coords = list(self._sketch)
        if self._tool == MapTool.POLYGON:
            if len(coords) > 1 and coords[-1] == coords[0]:
                coords.pop()
            if len(set(coords)) >= 3:
                self._sketch = []
                self._hover = None
                self.polygonFinished.emit(coords)
        elif len(coords) >= 2:
            self._sketch = []
            self._hover = None
            self.lineFinished.emit(coords)
        self.sketchChanged.emit()
        self.update()

    def _sketching(self) -> bool:
        return self._tool in (MapTool.LINE, MapTool.POLYGON)

    def cancel_sketch(self) -> None:
        self._sketch = []
        self.sketchChanged.emit()
        self.update()

    def set_overlay(self, items: list[OverlayItem]) -> None:
        self._overlay = list(items)
        self.update()

    # selection ------------------------------------------------------------
    def set_selection(self, layer_name: str, positions: np.ndarray | list[int]) -> None:
        pos = np.asarray(positions, dtype=np.int64)
        if len(pos):
            self._selection[layer_name] = pos
        else:
            self._selection.pop(layer_name, None)
        self._selection_graphics.pop(layer_name, None)
        self.update()

    def selection(self, layer_name: str) -> np.ndarray:
        return self._selection.get(layer_name, np.empty(0, dtype=np.int64))

    def clear_selection(self) -> None:
        self._selection.clear()
        self._selection_graphics.clear()
        self.update()

    def features_at(self, x: float, y: float, pixels: float = 5.0) -> list[tuple[Layer, int]]:
        """Features of visible vector layers near (x, y), topmost layer first.

        Points are hit within ``pixels``; lines within ``pixels``; polygons
        when they contain the point.
        """
        tol = pixels * self._view.res
        found: list[tuple[Layer, int]] = []
        pt = shapely.Point(x, y)
        for layer in reversed(self.visible_layers()):
            if layer.is_raster or not len(layer):
                continue
            frame = layer.frame
            hits = frame.sindex.query(pt.buffer(tol), predicate="intersects")
            if len(hits) == 0:
                continue
            geoms = frame.geometry.to_numpy()[hits]
            dist = shapely.distance(geoms, pt)
            best = int(hits[int(np.argmin(dist))])
            found.append((layer, best))
        return found

    def nearest_feature(
        self, layer: Layer, x: float, y: float, pixels: float = 8.0
    ) -> int | None:
        """Position of ``layer``'s feature nearest (x, y) within ``pixels``."""
        if layer.is_raster or not len(layer):
            return None
        frame = layer.frame
        tol = pixels * self._view.res
        pt = shapely.Point(x, y)
        hits = frame.sindex.query(pt.buffer(tol), predicate="intersects")
        if len(hits) == 0:
            return None
        dist = shapely.distance(frame.geometry.to_numpy()[hits], pt)
        return int(hits[int(np.argmin(dist))])

    # rendering ------------------------------------------------------------
    def invalidate(self) -> None:
        """Drop the cached image; the next paint renders afresh."""
        self._cache = None
        self._cache_view = None
        self.update()

    def render_image(self, size: QSize | None = None, view: View | None = None) -> QImage:
        """Render the layers (no overlays) into a new image."""
        import time

        size = size or self.size()
        view = view or self._view
        image = QImage(
            max(size.width(), 1), max(size.height(), 1), QImage.Format.Format_ARGB32_Premultiplied
        )
        image.fill(BACKGROUND)
        start = time.perf_counter()
        p = QPainter(image)
        if self.underlay is not None:
            p.save()
            self.underlay(p, view, size)
            p.restore()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setTransform(view.transform(size.width(), size.height()))
        extent = view.extent(size.width(), size.height())
        for layer in self.visible_layers():
            try:
                self._graphics_for(layer).draw(p, view, extent)
            except (TypeError, ValueError, AttributeError):
                continue  # a layer without drawable geometry is skipped, not fatal
        if self.show_labels:
            p.resetTransform()
            self._draw_labels(p, view, size)
        p.end()
        self.last_render_seconds = time.perf_counter() - start
        self.rendered.emit(self.last_render_seconds)
        return image

    def label_anchors(self, layer: Layer) -> list[tuple[str, float, float]]:
        """``(name, x, y)`` of the place names drawn for ``layer`` (cached per layer).

        Municipalities are named at a point inside each polygon; point layers
        of places (role "other" with a ``naam``/``name`` column, at most
        :data:`_MAX_PLACE_LABELS` points, like the embedded sub-municipalities)
        at the point. Other layers get no labels.
        """
        key = (id(layer), len(layer))
        cached = self._labels.get(key)
        if cached is not None:
            return cached
        anchors: list[tuple[str, float, float]] = []
        frame = layer.frame if not layer.is_raster else None
        if frame is not None and len(frame):
            if layer.role == Role.MUNICIPALITIES and layer.has_field("name"):
                # the smallest first: they have the least room, the large ones can give way
                order = np.argsort(shapely.area(frame.geometry.to_numpy()), kind="stable")
                names = layer.column("name").astype(str).to_numpy()[order]
                pts = shapely.point_on_surface(frame.geometry.to_numpy()[order])
            elif (layer.role == Role.OTHER and len(frame) <= _MAX_PLACE_LABELS
                  and set(frame.geometry.geom_type.unique()) <= {"Point"}):
                col = next((c for c in ("naam", "name") if c in frame.columns), None)
                names = frame[col].astype(str).to_numpy() if col else np.empty(0, dtype=object)
                pts = frame.geometry.to_numpy() if col else np.empty(0, dtype=object)
            else:
                names, pts = np.empty(0, dtype=object), np.empty(0, dtype=object)
            if len(pts):
                xy = shapely.get_coordinates(pts)
                anchors = [(str(n), float(x), float(y)) for n, (x, y) in zip(names, xy, strict=True)
                           if n and n != "nan"]
        self._labels[key] = anchors
        return anchors

    def _draw_labels(self, p: QPainter, view: View, size: QSize) -> None:
        """Place names with a white halo; sub-municipalities only when zoomed in."""
        w, h = size.width(), size.height()
        transform = view.transform(w, h)
        taken: list[QRectF] = []
        self.drawn_labels: list[str] = []
        layers = [ly for ly in self.visible_layers() if ly not in self._themes]
        for layer in sorted(layers, key=lambda ly: ly.role != Role.MUNICIPALITIES):
            municipal = layer.role == Role.MUNICIPALITIES
            if not municipal and view.res > _PLACE_LABEL_MAX_RES:
                continue
            anchors = self.label_anchors(layer)
            if not anchors:
                continue
            font = QFont(self.font())
            font.setPointSizeF(9.5 if municipal else 8.0)
            font.setBold(municipal)
            p.setFont(font)
            metrics = p.fontMetrics()
            color = QColor("#37474f") if municipal else QColor("#5d4037")
            lh = metrics.height()
            for name, x, y in anchors:
                pt = transform.map(QPointF(x, y))
                tw = metrics.horizontalAdvance(name)
                base = QRectF(pt.x() - tw / 2, pt.y() - lh / 2 + (0 if municipal else -10), tw, lh)
                # where the anchor is taken, try just above, below and beside it (municipalities)
                shifts = [(0.0, 0.0)]
                if municipal:
                    shifts = sorted(((dx, dy) for dx in (0.0, -tw / 3, tw / 3) for dy in (0.0, -lh, lh, -1.6 * lh, 1.6 * lh)),
                                    key=lambda d: abs(d[0]) + abs(d[1]))
                rect = None
                for dx, dy in shifts:
                    candidate = base.translated(dx, dy)
                    if QRectF(0, 0, w, h).contains(candidate) and not any(candidate.intersects(r) for r in taken):
                        rect = candidate
                        break
                if rect is None:
                    continue
                taken.append(rect.adjusted(-4, -2, 4, 2))
                self.drawn_labels.append(name)
                path = QPainterPath()
                path.addText(rect.left(), rect.top() + metrics.ascent(), font, name)
                p.strokePath(path, QPen(QColor(255, 255, 255, 230), 3.0, Qt.PenStyle.SolidLine,
                                        Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
                p.fillPath(path, color)

    def _rerender(self) -> None:
        if self._drag_start is not None and self._dragged:
            self._refine.start()
            return
        self._cache = self.render_image()
        self._cache_view = self._view
        self._cache_size = self.size()
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802
        p = QPainter(self)
        w, h = self.width(), self.height()
        if self._cache is None or self._cache_size != self.size():
            self._cache = self.render_image()
            self._cache_view = self._view
            self._cache_size = self.size()
        cv = self._cache_view
        if cv == self._view:
            p.drawImage(0, 0, self._cache)
        elif cv is not None:
            # pan / zoom preview: place the cached image where it now belongs
            p.fillRect(self.rect(), BACKGROUND)
            x0, y0, x1, y1 = cv.extent(w, h)
            tl = self.map_to_pixel(x0, y1)
            br = self.map_to_pixel(x1, y0)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(QRectF(tl, br), self._cache)
            if not self._refine.isActive() and not (self._drag_start and self._dragged):
                self._refine.start()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_selection(p)
        self._paint_overlay(p)
        self._paint_sketch(p)
        self._paint_decorations(p)
        self._paint_legend(p)
        if self.decorate is not None:
            self.decorate(p)
        if self._box is not None:
            p.setPen(QPen(QColor("#1565c0"), 1.5, Qt.PenStyle.DashLine))
            p.setBrush(QColor(21, 101, 192, 40))
            p.drawRect(self._box)
        p.end()

    def _paint_selection(self, p: QPainter) -> None:
        if not self._selection or self._layers is None:
            return
        layers = {layer.name: layer for layer in self.visible_layers()}
        p.save()
        p.setTransform(self._view.transform(self.width(), self.height()))
        for name, pos in self._selection.items():
            layer = layers.get(name)
            if layer is None or layer.is_raster:
                continue
            pos = pos[(pos >= 0) & (pos < len(layer))]
            geoms = layer.frame.geometry.to_numpy()[pos]
            kind = geometry_kind(layer)
            cached = self._selection_graphics.get(name)
            if cached is None:
                if kind == "point":
                    cached = ("point", shapely.get_coordinates(shapely.centroid(geoms)))
                elif kind == "line":
                    cached = ("line", build_path(*_line_arrays(geoms)))
                else:
                    cached = ("polygon", build_path(*_polygon_arrays(geoms), close=True))
                self._selection_graphics[name] = cached
            what, g = cached
            if what == "point":
                pen = QPen(QColor("#212121"), 14.0)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawPoints(points_polygon(g))
                pen = QPen(SELECTION_COLOR, 10.0)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawPoints(points_polygon(g))
            else:
                pen = QPen(SELECTION_COLOR, 4.0)
                pen.setCosmetic(True)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.setBrush(QColor(255, 214, 0, 60) if what == "polygon" else Qt.BrushStyle.NoBrush)
                p.drawPath(g)
        p.restore()

    def _paint_overlay(self, p: QPainter) -> None:
        for item in self._overlay:
            pts = [self.map_to_pixel(float(x), float(y)) for x, y in item.coords]
            if not pts:
                continue
            color = QColor(item.color)
            if item.kind == "point":
                p.setPen(QPen(QColor("white"), 2.0))
                p.setBrush(color)
                r = item.width
                p.drawEllipse(pts[0], r, r)
                if item.label:
                    self._label(p, pts[0] + QPointF(r + 3, -r - 2), item.label)
            elif item.kind == "polygon":
                ring = QPolygonF(pts)
                fill = QColor(color)
                fill.setAlpha(45)
                p.setPen(QPen(QColor("white"), item.width + 2.5))
                p.setBrush(fill)
                p.drawPolygon(ring)
                pen = QPen(color, item.width)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                if item.dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPolygon(ring)
                if item.label:
                    # centred under the area, so the label never hides its outline
                    cx = self.map_to_pixel(*item.anchor).x() if item.anchor is not None else ring.boundingRect().center().x()
                    width = p.fontMetrics().horizontalAdvance(item.label)
                    self._label(p, QPointF(cx - width / 2 - 4, ring.boundingRect().bottom() + 5), item.label)
            else:
                pen = QPen(QColor("white"), item.width + 2.5)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawPolyline(QPolygonF(pts))
                pen = QPen(color, item.width)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                if item.dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawPolyline(QPolygonF(pts))

    def _paint_sketch(self, p: QPainter) -> None:
        if not self._sketching() or not self._sketch:
            return
        pts = [self.map_to_pixel(x, y) for x, y in self._sketch]
        if self._hover is not None:
            pts.append(self.map_to_pixel(*self._hover))
        if self._tool == MapTool.POLYGON:
            # rubber band: the ring closed through the cursor, lightly filled
            color = QColor(HOUSING_AREA_COLOR)
            fill = QColor(color)
            fill.setAlpha(50)
            p.setPen(QPen(color, 2.5, Qt.PenStyle.DashLine))
            p.setBrush(fill if len(pts) >= 3 else Qt.BrushStyle.NoBrush)
            p.drawPolygon(QPolygonF(pts))
            p.setPen(QPen(QColor("white"), 1.5))
            p.setBrush(color)
            for pt in pts[: len(self._sketch)]:
                p.drawEllipse(pt, 4, 4)
            return
        pen = QPen(QColor("#7b1fa2"), 3.0, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawPolyline(QPolygonF(pts))
        p.setPen(QPen(QColor("white"), 1.5))
        p.setBrush(QColor("#7b1fa2"))
        for pt in pts[: len(self._sketch)]:
            p.drawEllipse(pt, 4, 4)

    def _label(self, p: QPainter, at: QPointF, text: str) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() - 0.5))
        p.setFont(font)
        rect = p.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2)
        rect.moveTopLeft(at.toPoint())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 220))
        p.drawRoundedRect(QRectF(rect), 3, 3)
        p.setPen(QColor("#212121"))
        p.drawText(QRectF(rect), Qt.AlignmentFlag.AlignCenter, text)

    def _paint_decorations(self, p: QPainter) -> None:
        w, h = self.width(), self.height()
        # scale bar: a round length near 120 px
        target = 120 * self._view.res
        exp = 10 ** math.floor(math.log10(target)) if target > 0 else 1
        length = max(m * exp for m in (1, 2, 5) if m * exp <= target) if target >= exp else exp
        px = length / self._view.res
        x0, y0 = 16, h - 22
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 215))
        p.drawRoundedRect(QRectF(x0 - 8, y0 - 24, px + 16 + 30, 36), 4, 4)
        p.setBrush(QColor("#333333"))
        p.drawRect(QRectF(x0, y0, px / 2, 5))
        p.setBrush(QColor("#ffffff"))
        p.setPen(QPen(QColor("#333333"), 1))
        p.drawRect(QRectF(x0 + px / 2, y0, px / 2, 5))
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        p.setPen(QColor("#333333"))
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        p.drawText(QRectF(x0, y0 - 20, px + 40, 16), Qt.AlignmentFlag.AlignLeft, label)
        # north arrow
        cx, top = w - 30, 16
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(255, 255, 255, 215))
        p.drawRoundedRect(QRectF(cx - 16, top - 4, 32, 48), 4, 4)
        arrow = QPolygonF([QPointF(cx, top + 2), QPointF(cx + 8, top + 26), QPointF(cx, top + 20)])
        p.setBrush(QColor("#333333"))
        p.drawPolygon(arrow)
        arrow = QPolygonF([QPointF(cx, top + 2), QPointF(cx - 8, top + 26), QPointF(cx, top + 20)])
        p.setBrush(QColor("#9e9e9e"))
        p.drawPolygon(arrow)
        p.setPen(QColor("#333333"))
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(cx - 10, top + 26, 20, 14), Qt.AlignmentFlag.AlignCenter, "N")
        # illustrative-data banner
        if self.banner_text:
            font.setBold(False)
            font.setPointSizeF(9.0)
            p.setFont(font)
            fm = p.fontMetrics()
            text = self.banner_text
            width = min(w - 120, fm.horizontalAdvance(text) + 28)
            rect = QRectF((w - width) / 2, 10, width, fm.height() + 12)
            p.setPen(QPen(QColor("#e0a800"), 1))
            p.setBrush(QColor(255, 248, 225, 235))
            p.drawRoundedRect(rect, 5, 5)
            p.setPen(QColor("#5d4037"))
            elided = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width - 20))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)

    def _paint_legend(self, p: QPainter) -> None:
        rasters = [raster_legend(layer) for layer in (self._layers or []) if layer.visible and layer.is_raster]
        rasters = [entry for entry in rasters if entry[1]]
        if not self._legend and not self.theme_caption and not rasters:
            return
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        fm = p.fontMetrics()
        bold = QFont(font)
        bold.setBold(True)
        bold_fm = QFontMetrics(bold)
        rows: list[tuple[str, str | None]] = []
        if self.theme_caption:
            rows.append((self.theme_caption, None))
        if self.theme_stale and self._themes:
            rows.append((tr("⚠ Verouderd — opnieuw doorrekenen"), None))
        for title, classes in [*self._legend, *rasters]:
            if title:
                rows.append((title, None))
            rows += [(label, color) for label, color in classes]
        if not rows:
            return
        line = fm.height() + 3
        width = min(440, max(bold_fm.horizontalAdvance(t) + 20 if c is None else fm.horizontalAdvance(t) + 40
                             for t, c in rows))
        height = line * len(rows) + 12
        x0, y0 = self.width() - width - 12, self.height() - height - 12
        p.setPen(QPen(QColor("#cfd8dc"), 1))
        p.setBrush(QColor(255, 255, 255, 230))
        p.drawRoundedRect(QRectF(x0, y0, width, height), 5, 5)
        y = y0 + 6
        for text, color in rows:
            if color is None:
                p.setFont(bold)
                p.setPen(QColor("#b71c1c" if text.startswith("⚠") else "#263238"))
                p.drawText(QRectF(x0 + 8, y, width - 14, line), Qt.AlignmentFlag.AlignVCenter,
                           bold_fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width - 14)))
                p.setFont(font)
            else:
                p.setPen(QPen(QColor(color).darker(125), 1))
                p.setBrush(QColor(color))
                p.drawRoundedRect(QRectF(x0 + 10, y + 3, 16, line - 6), 2, 2)
                p.setPen(QColor("#37474f"))
                p.drawText(QRectF(x0 + 32, y, width - 38, line), Qt.AlignmentFlag.AlignVCenter, text)
            y += line

    # events -----------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802
        self._cache = None
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.25**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.MiddleButton or (
            event.button() == Qt.MouseButton.LeftButton
            and self._tool in (MapTool.NAVIGATE, MapTool.POINT, MapTool.FEATURE, MapTool.LINE, MapTool.POLYGON)
        ):
            self._drag_start = pos
            self._drag_view = self._view
            self._dragged = False
        elif event.button() == Qt.MouseButton.LeftButton and self._tool == MapTool.ZOOM_BOX:
            self._drag_start = pos
            self._box = QRect(pos, pos)
        elif event.button() == Qt.MouseButton.RightButton and self._sketching():
            self.finish_sketch()

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        pos = event.position()
        x, y = self.pixel_to_map(pos.x(), pos.y())
        self.mouseMoved.emit(x, y)
        if self._box is not None and self._drag_start is not None:
            self._box = QRect(self._drag_start, pos.toPoint()).normalized()
            self.update()
            return
        if self._drag_start is not None and self._drag_view is not None:
            delta = pos.toPoint() - self._drag_start
            if self._dragged or delta.manhattanLength() > 3:
                self._dragged = True
                v = self._drag_view
                self._view = View(v.cx - delta.x() * v.res, v.cy + delta.y() * v.res, v.res)
                self.viewChanged.emit()
                self.update()
            return
        if self._tool == MapTool.LINE and self._sketch:
            self._hover = self.snap(x, y)
            self.update()
        elif self._tool == MapTool.POLYGON and self._sketch:
            self._hover = (x, y)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        pos = event.position()
        x, y = self.pixel_to_map(pos.x(), pos.y())
        if self._box is not None:
            box = self._box
            self._box = None
            self._drag_start = None
            if box.width() > 4 and box.height() > 4:
                ax, ay = self.pixel_to_map(box.left(), box.bottom())
                bx, by = self.pixel_to_map(box.right(), box.top())
                self.zoom_to_extent((ax, ay, bx, by), margin=0.0)
            else:
                self.zoom_by(2.0, pos)
            return
        was_drag = self._dragged
        self._drag_start = None
        self._drag_view = None
        self._dragged = False
        if self._swallow_release:
            # the release that ends a double click: the sketch is already finished
            self._swallow_release = False
            return
        if was_drag:
            self._refine.start(0)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._tool == MapTool.NAVIGATE:
            self.clicked.emit(x, y, 5.0 * self._view.res)
        elif self._tool == MapTool.POINT:
            self.pointPicked.emit(x, y)
        elif self._tool == MapTool.FEATURE and self._pick_layer and self._layers is not None:
            if self._pick_layer in self._layers:
                layer = self._layers[self._pick_layer]
                pos_ = self.nearest_feature(layer, x, y)
                if pos_ is not None:
                    self.featurePicked.emit(layer.name, pos_)
        elif self._sketching():
            pt = self.snap(x, y) if self._tool == MapTool.LINE else (x, y)
            if not self._sketch or self._sketch[-1] != pt:
                self._sketch.append(pt)
            self.sketchChanged.emit()
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is not None and self._sketching():
            if self._tool == MapTool.POLYGON:
                # the double click's own point ends the ring (the first click of the pair added it)
                pos = event.position()
                pt = self.pixel_to_map(pos.x(), pos.y())
                if not self._sketch or self._sketch[-1] != pt:
                    self._sketch.append(pt)
            self._swallow_release = True
            self.finish_sketch()
        elif event is not None and self._tool == MapTool.NAVIGATE:
            self.zoom_by(2.0, event.position())

    def event(self, event: QEvent | None) -> bool:
        # While a sketch is open, Esc (cancel), Enter and Backspace belong to
        # the sketch, not to a window shortcut such as Esc = navigate tool.
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.ShortcutOverride
            and self._sketching()
            and self._sketch
            and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        key = event.key()
        if self._sketching() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish_sketch()
        elif key == Qt.Key.Key_Escape:
            if self._sketch:
                self.cancel_sketch()
            else:
                self.set_tool(MapTool.NAVIGATE)
        elif self._sketching() and key == Qt.Key.Key_Backspace and self._sketch:
            self._sketch.pop()
            self.sketchChanged.emit()
            self.update()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / 1.5)
        else:
            super().keyPressEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, 700)
