"""The legend dock: the visible base layers with their symbol classes, top
layer first, following the layer list (visibility, order, style, added or
removed layers)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QIcon, QPixmap
from PyQt6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.maprender import legend_entry, raster_legend
from slimmeregio.layers.model import Layer, LayerList

__all__ = ["LegendPanel"]


def _swatch(color: str) -> QIcon:
    pix = QPixmap(16, 12)
    pix.fill(QColor(color))
    return QIcon(pix)


class LegendPanel(QWidget):
    """A read-only tree: one entry per visible layer, its classes below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LegendPanel")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("legendTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.empty = QLabel(tr("Geen zichtbare lagen."), self)
        self.empty.setStyleSheet("color: #616161; padding: 4px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)

    def show_layers(self, layers: LayerList | list[Layer]) -> None:
        """Show the legend of ``layers`` (bottom first, as drawn)."""
        self.tree.clear()
        shown = [layer for layer in reversed(list(layers)) if layer.visible]
        for layer in shown:
            if layer.is_raster:
                title, rows = raster_legend(layer)
            else:
                title, rows = legend_entry(layer)
            top = QTreeWidgetItem([layer.name])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            if len(rows) == 1 and not title:
                top.setIcon(0, _swatch(rows[0][1]))
            else:
                if not rows:
                    top.setIcon(0, _swatch(layer.style.color))
                for label, color in rows:
                    child = QTreeWidgetItem([label])
                    child.setIcon(0, _swatch(color))
                    top.addChild(child)
            if layer.note:
                top.setToolTip(0, layer.note)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.empty.setVisible(not shown)

    def entries(self) -> list[str]:
        """The layer names shown, top first (for tests and screen readers)."""
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())]  # type: ignore[union-attr]
