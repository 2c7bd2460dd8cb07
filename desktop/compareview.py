"""Compare views: the base and a scenario side by side in two linked maps,
or in one map with a swipe line (left of it the base, right the scenario)."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.mapcanvas import MapCanvas
from slimmeregio.desktop.mapview import View
from slimmeregio.layers.model import Layer, LayerList

__all__ = ["CompareViewDialog", "SwipeCanvas", "link_views"]


def link_views(canvases: list[MapCanvas]) -> None:
    """Keep the centre and scale of ``canvases`` equal: moving one moves the others."""
    busy = {"on": False}

    def follow(source: MapCanvas) -> None:
        if busy["on"]:
            return
        busy["on"] = True
        try:
            for other in canvases:
                if other is not source and other.view != source.view:
                    other.set_view(source.view)
        finally:
            busy["on"] = False

    for canvas in canvases:
        canvas.viewChanged.connect(lambda c=canvas: follow(c))


class SwipeCanvas(MapCanvas):
    """A map showing the base themes left of a vertical swipe line and the
    scenario's right of it; drag the line (or click) to move it."""

    def __init__(
        self,
        layers: LayerList,
        left: list[Layer],
        right: list[Layer],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(layers, parent)
        self.left_layers = list(left)
        self.right_layers = list(right)
        #: The swipe line, as a fraction of the width.
        self.swipe = 0.5
        self._dragging_swipe = False
        self._left_image: QImage | None = None
        self._left_key: tuple[Any, ...] | None = None
        self.set_theme_layers(self.right_layers)

    def _left(self) -> QImage:
        key = (self._view, self.width(), self.height())
        if self._left_image is None or self._left_key != key:
            right = self.theme_layers
            self._themes = list(self.left_layers)
            try:
                self._left_image = self.render_image()
            finally:
                self._themes = right
            self._left_key = key
        return self._left_image

    def invalidate(self) -> None:
        self._left_image = None
        super().invalidate()

    def swipe_x(self) -> float:
        return self.swipe * self.width()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802
        super().paintEvent(event)
        p = QPainter(self)
        x = self.swipe_x()
        if self._cache_view == self._view:
            p.drawImage(
                QRectF(0, 0, x, self.height()), self._left(), QRectF(0, 0, x, self.height())
            )
            # the base image covers the left part of what the map drew over its layers: draw that again
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self._paint_overlay(p)
            self._paint_decorations(p)
            self._paint_legend(p)
        p.setPen(QPen(QColor("#263238"), 3))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.setBrush(QColor("white"))
        p.drawEllipse(QPointF(x, self.height() / 2), 9, 9)
        p.setPen(QColor("#263238"))
        p.drawText(QRectF(8, 46, max(x - 16, 0), 20), Qt.AlignmentFlag.AlignLeft, tr("Basis"))
        p.drawText(
            QRectF(x + 8, 46, max(self.width() - x - 60, 0), 20),
            Qt.AlignmentFlag.AlignLeft,
            tr("Scenario"),
        )
        p.end()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is not None and abs(event.position().x() - self.swipe_x()) <= 10:
            self._dragging_swipe = True
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is not None and self._dragging_swipe:
            self.swipe = min(max(event.position().x() / max(self.width(), 1), 0.0), 1.0)
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if self._dragging_swipe:
            self._dragging_swipe = False
            return
        super().mouseReleaseEvent(event)


class CompareViewDialog(QDialog):
    """Base and scenario of a run: two linked maps side by side, or a swipe map."""

    def __init__(
        self,
        layers: LayerList,
        base_layers: list[Layer],
        scenario_layers: list[Layer],
        *,
        titles: tuple[str, str],
        view: View | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CompareViewDialog")
        self.setWindowTitle(tr("Basis en scenario vergelijken"))
        self.mode = QComboBox(self)
        self.mode.setObjectName("compareMode")
        self.mode.addItem(tr("Naast elkaar"), "side")
        self.mode.addItem(tr("Schuifregelaar"), "swipe")
        self.left = MapCanvas(layers, self)
        self.right = MapCanvas(layers, self)
        self.left.setObjectName("compareLeft")
        self.right.setObjectName("compareRight")
        self.left.set_theme_layers(base_layers)
        self.right.set_theme_layers(scenario_layers)
        self.left.theme_caption, self.right.theme_caption = titles
        self.swipe = SwipeCanvas(layers, base_layers, scenario_layers, self)
        self.swipe.setObjectName("compareSwipe")
        self.swipe.theme_caption = titles[1]
        link_views([self.left, self.right, self.swipe])
        side = QSplitter(Qt.Orientation.Horizontal, self)
        for title, canvas in ((titles[0], self.left), (titles[1], self.right)):
            box = QWidget(side)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            label = QLabel(f"<b>{title}</b>", box)
            column.addWidget(label)
            column.addWidget(canvas, 1)
            side.addWidget(box)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(side)
        self.stack.addWidget(self.swipe)
        self.mode.currentIndexChanged.connect(self.stack.setCurrentIndex)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Weergave:"), self))
        top.addWidget(self.mode)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.resize(1400, 800)
        if view is not None:
            self.left.set_view(view)
