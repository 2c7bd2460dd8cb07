"""The live map widget: pan, zoom, tools and events over the project's layers.

Input (mouse, wheel, keys) lives in :mod:`~slimmeregio.desktop.mapinput`;
rendering in :mod:`~slimmeregio.desktop.maprender` (paths, classes,
levels of detail) and :mod:`~slimmeregio.desktop.maplabels`; view math in
:mod:`~slimmeregio.desktop.mapview`; tools and hit-testing in
:mod:`~slimmeregio.desktop.maptools`; what is drawn over the layers in
:mod:`~slimmeregio.desktop.mapdecorations`. The widget keeps the rendered
layers as a QImage: panning translates that image and zooming scales it at
once, and the sharp image is re-rendered when the user pauses.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PyQt6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PyQt6.QtWidgets import QSizePolicy, QWidget

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.mapdecorations import (
    HOUSING_AREA_COLOR,
    SELECTION_COLOR,
    OverlayItem,
    SelectionCache,
    paint_decorations,
    paint_legend,
    paint_overlay,
    paint_selection,
    paint_sketch,
)
from slimmeregio.desktop.mapinput import MapInputMixin
from slimmeregio.desktop.maplabels import LabelCache, draw_labels, label_anchors
from slimmeregio.desktop.maprender import (
    BACKGROUND,
    LayerGraphics,
    build_path,
    classify,
    geometry_kind,
    legend_entry,
    point_symbols,
    points_polygon,
    raster_legend,
    render_layers,
)
from slimmeregio.desktop.maptools import CURSORS, MapTool, SnapIndex, features_at, nearest_feature
from slimmeregio.desktop.mapview import View, fit_extent, zoom_about
from slimmeregio.layers.model import Layer, LayerList

__all__ = [
    "BACKGROUND",
    "HOUSING_AREA_COLOR",
    "SELECTION_COLOR",
    "MapCanvas",
    "MapTool",
    "OverlayItem",
    "View",
    "build_path",
    "classify",
    "geometry_kind",
    "points_polygon",
    "raster_legend",
]


class MapCanvas(MapInputMixin, QWidget):
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
    pointTask(purpose, x, y), sketchTask(purpose, coords), boxTask(purpose, x0, y0, x1, y1)
        Instead of pointPicked / lineFinished / polygonFinished, when the tool
        was set with a ``purpose`` (measuring, selecting, explaining: tasks
        that are not scenario edits); the box tool always has one.
    contextRequested(x, y, global position)
        A right click in the navigate tool.
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
    themesChanged = pyqtSignal()
    pointTask = pyqtSignal(str, float, float)
    sketchTask = pyqtSignal(str, list)
    boxTask = pyqtSignal(str, float, float, float, float)
    contextRequested = pyqtSignal(float, float, QPoint)

    def __init__(self, layers: LayerList | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self._layers: LayerList | None = None
        self._themes: list[Layer] = []
        self._graphics: dict[int, LayerGraphics] = {}
        self._labels: LabelCache = {}
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
        self._purpose = ""
        self._snap = SnapIndex()
        self._sketch: list[tuple[float, float]] = []
        self._hover: tuple[float, float] | None = None
        self._swallow_release = False
        self._overlay: list[OverlayItem] = []
        self._extra_overlay: list[OverlayItem] = []
        self._selection: dict[str, np.ndarray] = {}
        self._selection_graphics: SelectionCache = {}
        self.banner_text = ""
        #: The theme's caption above its legend, and whether it shows stale results.
        self.theme_caption = ""
        self.theme_stale = False
        #: Place names drawn in the last render (for tests and the legend).
        self.drawn_labels: list[str] = []
        self.drawn_label_rects: list[QRectF] = []
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
        self._snap.reset()
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
                self._snap.reset()
                self._labels.clear()
        self.invalidate()

    def set_theme_layers(self, layers: list[Layer]) -> None:
        """Result layers drawn above the project's layers (access time, flows ...)."""
        for old in self._themes:
            self._graphics.pop(id(old), None)
        self._themes = list(layers)
        self._legend = [legend_entry(layer) for layer in self._themes if not layer.is_raster]
        self.invalidate()
        self.themesChanged.emit()

    @property
    def theme_layers(self) -> list[Layer]:
        return list(self._themes)

    def visible_layers(self, view: View | None = None) -> list[Layer]:
        """Drawn layers, bottom first: switched on and within their scale range."""
        scale = (view or self._view).scale_denominator
        out = [layer for layer in (self._layers or []) if layer.visible]
        out += [layer for layer in self._themes if layer.visible]
        return [layer for layer in out if layer.style.shown_at(scale)]

    def _graphics_for(self, layer: Layer) -> LayerGraphics:
        g = self._graphics.get(id(layer))
        if g is None or g.layer is not layer:
            g = LayerGraphics(layer)
            self._graphics[id(layer)] = g
        return g

    # view -------------------------------------------------------------------
    @property
    def view(self) -> View:
        return self._view

    def set_view(self, view: View) -> None:
        self._view = view.clamped()
        self.viewChanged.emit()
        self.update()
        self._refine.start()

    def zoom_to_extent(
        self, bounds: tuple[float, float, float, float], margin: float = 0.05
    ) -> None:
        view = fit_extent(bounds, self.width(), self.height(), margin=margin)
        if view is not None:
            self.set_view(view)

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
        if anchor is None:
            anchor = QPointF(w / 2, h / 2)
        self.set_view(zoom_about(self._view, factor, anchor.x(), anchor.y(), w, h))

    def pixel_to_map(self, px: float, py: float) -> tuple[float, float]:
        return self._view.to_map(px, py, self.width(), self.height())

    def map_to_pixel(self, x: float, y: float) -> QPointF:
        px, py = self._view.to_pixel(x, y, self.width(), self.height())
        return QPointF(px, py)

    # tools --------------------------------------------------------------------
    @property
    def tool(self) -> MapTool:
        return self._tool

    @property
    def purpose(self) -> str:
        return self._purpose

    def set_tool(self, tool: MapTool, *, pick_layer: str | None = None, purpose: str = "") -> None:
        self._tool = tool
        self._pick_layer = pick_layer
        self._purpose = purpose
        self._sketch = []
        self.setCursor(CURSORS[tool])
        self.update()

    def set_snap_points(self, points: np.ndarray | None) -> None:
        """Vertices the line tool snaps to (network nodes)."""
        self._snap.set_points(points)

    @property
    def _snap_points(self) -> np.ndarray | None:
        return self._snap.points

    def snap(self, x: float, y: float, pixels: float = 10.0) -> tuple[float, float]:
        """The nearest snap vertex within ``pixels``, else ``(x, y)``."""
        return self._snap.snap(x, y, pixels * self._view.res)

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
                if self._purpose:
                    self.sketchTask.emit(self._purpose, coords)
                else:
                    self.polygonFinished.emit(coords)
        elif len(coords) >= 2:
            self._sketch = []
            self._hover = None
            if self._purpose:
                self.sketchTask.emit(self._purpose, coords)
            else:
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

    def set_extra_overlay(self, items: list[OverlayItem]) -> None:
        """Items drawn above the overlay (route explanations, reach), kept
        when the scenario's overlay changes."""
        self._extra_overlay = list(items)
        self.update()

    @property
    def extra_overlay(self) -> list[OverlayItem]:
        return list(self._extra_overlay)

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
        return features_at(self.visible_layers(), x, y, pixels * self._view.res)

    def nearest_feature(self, layer: Layer, x: float, y: float, pixels: float = 8.0) -> int | None:
        """Position of ``layer``'s feature nearest (x, y) within ``pixels``."""
        return nearest_feature(layer, x, y, pixels * self._view.res)

    # rendering ------------------------------------------------------------
    def invalidate(self) -> None:
        """Drop the cached image; the next paint renders afresh."""
        self._cache = None
        self._cache_view = None
        self.update()

    def render_image(self, size: QSize | None = None, view: View | None = None) -> QImage:
        """Render the layers (no overlays) into a new image."""
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
        layers = self.visible_layers(view)
        render_layers(p, layers, self._graphics, view, size.width(), size.height())
        if self.show_labels:
            base = [ly for ly in layers if ly not in self._themes]
            symbols = point_symbols(
                [self._graphics_for(ly) for ly in layers if not ly.is_raster],
                view,
                size.width(),
                size.height(),
            )
            placed = draw_labels(p, base, view, size, self.font(), self._labels, symbols)
            self.drawn_labels = [text for text, _ in placed]
            self.drawn_label_rects = [rect for _, rect in placed]
        p.end()
        self.last_render_seconds = time.perf_counter() - start
        self.rendered.emit(self.last_render_seconds)
        return image

    def label_anchors(self, layer: Layer) -> list[tuple[str, float, float]]:
        """``(name, x, y)`` of the place names drawn for ``layer`` (see
        :func:`~slimmeregio.desktop.maplabels.label_anchors`)."""
        return label_anchors(layer, self._labels)

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
        paint_selection(
            p,
            layers,
            self._selection,
            self._selection_graphics,
            self._view.transform(self.width(), self.height()),
        )

    def _paint_overlay(self, p: QPainter) -> None:
        paint_overlay(p, self._overlay + self._extra_overlay, self.map_to_pixel, self.font())

    def _paint_sketch(self, p: QPainter) -> None:
        if self._sketching():
            paint_sketch(
                p,
                self._sketch,
                self._hover,
                self.map_to_pixel,
                polygon=self._tool == MapTool.POLYGON,
            )

    def _paint_decorations(self, p: QPainter) -> None:
        paint_decorations(
            p, self.width(), self.height(), self._view.res, self.banner_text, self.font()
        )

    def legend_rows(self) -> list[tuple[str, str | None]]:
        """The on-map legend: (text, colour) rows, colour None for a title."""
        rasters = [
            raster_legend(layer)
            for layer in (self._layers or [])
            if layer.visible and layer.is_raster
        ]
        rasters = [entry for entry in rasters if entry[1]]
        if not self._legend and not self.theme_caption and not rasters:
            return []
        rows: list[tuple[str, str | None]] = []
        if self.theme_caption:
            rows.append((self.theme_caption, None))
        if self.theme_stale and self._themes:
            rows.append((tr("⚠ Verouderd — opnieuw doorrekenen"), None))
        for title, classes in [*self._legend, *rasters]:
            if title:
                rows.append((title, None))
            rows += [(label, color) for label, color in classes]
        return rows

    def _paint_legend(self, p: QPainter) -> None:
        paint_legend(p, self.width(), self.height(), self.legend_rows(), self.font())

    # events -----------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802
        self._cache = None
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, 700)
