"""Mouse and keyboard input of the map: pan, zoom, boxes, sketches, picks.

:class:`MapInputMixin` holds the event handlers of
:class:`~slimmeregio.desktop.mapcanvas.MapCanvas`; it reads and changes the
canvas's view, tool and sketch state and emits its signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, pyqtSignal
from PyQt6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent, QWheelEvent
from PyQt6.QtWidgets import QWidget

from slimmeregio.desktop.maptools import MapTool
from slimmeregio.desktop.mapview import View

__all__ = ["MapInputMixin"]

if TYPE_CHECKING:
    from slimmeregio.layers.model import Layer

    _CanvasBase = QWidget
else:
    _CanvasBase = object


class MapInputMixin(_CanvasBase):
    """Event handlers of the map canvas (mixed in before QWidget; the type
    checker sees the QWidget and the canvas's signals and methods it uses)."""

    _tool: MapTool
    _view: View
    _drag_start: QPoint | None
    _drag_view: View | None
    _dragged: bool
    _box: QRect | None
    _sketch: list[tuple[float, float]]
    _hover: tuple[float, float] | None
    _swallow_release: bool
    _purpose: str
    _pick_layer: str | None
    _layers: Any
    _refine: Any

    if TYPE_CHECKING:
        # The canvas's signals and methods (MapCanvas defines them).
        mouseMoved = pyqtSignal(float, float)
        viewChanged = pyqtSignal()
        clicked = pyqtSignal(float, float, float)
        pointPicked = pyqtSignal(float, float)
        featurePicked = pyqtSignal(str, int)
        sketchChanged = pyqtSignal()
        pointTask = pyqtSignal(str, float, float)
        boxTask = pyqtSignal(str, float, float, float, float)
        contextRequested = pyqtSignal(float, float, QPoint)

        def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None: ...
        def zoom_to_extent(
            self, bounds: tuple[float, float, float, float], margin: float = 0.05
        ) -> None: ...
        def pixel_to_map(self, px: float, py: float) -> tuple[float, float]: ...
        def set_tool(
            self, tool: MapTool, *, pick_layer: str | None = None, purpose: str = ""
        ) -> None: ...
        def snap(self, x: float, y: float, pixels: float = 10.0) -> tuple[float, float]: ...
        def finish_sketch(self) -> None: ...
        def cancel_sketch(self) -> None: ...
        def _sketching(self) -> bool: ...
        def nearest_feature(
            self, layer: Layer, x: float, y: float, pixels: float = 8.0
        ) -> int | None: ...

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
            and self._tool
            in (MapTool.NAVIGATE, MapTool.POINT, MapTool.FEATURE, MapTool.LINE, MapTool.POLYGON)
        ):
            self._drag_start = pos
            self._drag_view = self._view
            self._dragged = False
        elif event.button() == Qt.MouseButton.LeftButton and self._tool in (
            MapTool.ZOOM_BOX,
            MapTool.BOX,
        ):
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
            self._box_released(box, pos)
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
        if event.button() == Qt.MouseButton.LeftButton:
            self._left_click(x, y)

    def _box_released(self, box: QRect, pos: QPointF) -> None:
        """A box drawn with the box tool selects (a click: a few pixels around it);
        with the zoom tool it zooms to the box (a click: zooms in)."""
        if self._tool == MapTool.BOX:
            # a click selects what lies within a few pixels of it
            if box.width() <= 4 or box.height() <= 4:
                box = QRect(pos.toPoint() - QPoint(4, 4), pos.toPoint() + QPoint(4, 4))
            ax, ay = self.pixel_to_map(box.left(), box.bottom())
            bx, by = self.pixel_to_map(box.right(), box.top())
            self.boxTask.emit(self._purpose, ax, ay, bx, by)
            self.update()
            return
        if box.width() > 4 and box.height() > 4:
            ax, ay = self.pixel_to_map(box.left(), box.bottom())
            bx, by = self.pixel_to_map(box.right(), box.top())
            self.zoom_to_extent((ax, ay, bx, by), margin=0.0)
        else:
            self.zoom_by(2.0, pos)

    def _left_click(self, x: float, y: float) -> None:
        """What a left click at map point (x, y) does with the current tool."""
        if self._tool == MapTool.NAVIGATE:
            self.clicked.emit(x, y, 5.0 * self._view.res)
        elif self._tool == MapTool.POINT:
            if self._purpose:
                self.pointTask.emit(self._purpose, x, y)
            else:
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
            and event.key()
            in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace, Qt.Key.Key_Return, Qt.Key.Key_Enter)
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

    def contextMenuEvent(self, event: QContextMenuEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        if self._tool == MapTool.NAVIGATE:
            x, y = self.pixel_to_map(event.pos().x(), event.pos().y())
            self.contextRequested.emit(x, y, event.globalPos())
            event.accept()
