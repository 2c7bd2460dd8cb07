"""The legend dock: the result theme on the map (with its caption) and the
visible base layers with their symbol classes, top layer first, following
the layer list (visibility, order, style, added or removed layers) and the
scale (a layer outside its scale range is shown greyed)."""

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
        self._layers: list[Layer] = []
        self._themes: list[Layer] = []
        self._caption = ""
        self._scale: float | None = None

    def set_themes(self, themes: list[Layer], caption: str = "") -> None:
        """The result layers drawn over the map (shown first, under ``caption``)."""
        self._themes = [layer for layer in themes if layer.visible]
        self._caption = caption
        self.show_layers(self._layers)

    def set_scale(self, scale: float | None) -> None:
        """The map scale (1:``scale``): layers outside their range show greyed."""
        if scale != self._scale:
            self._scale = scale
            self.show_layers(self._layers)

    def show_layers(self, layers: LayerList | list[Layer]) -> None:
        """Show the legend of ``layers`` (bottom first, as drawn)."""
        self._layers = list(layers)
        self.tree.clear()
        if self._themes:
            head = QTreeWidgetItem([self._caption or tr("Resultaat")])
            font = head.font(0)
            font.setBold(True)
            font.setItalic(True)
            head.setFont(0, font)
            self.tree.addTopLevelItem(head)
            for theme in reversed(self._themes):
                title, rows = raster_legend(theme) if theme.is_raster else legend_entry(theme)
                item = QTreeWidgetItem([title or theme.name])
                head.addChild(item)
                for label, color in rows:
                    child = QTreeWidgetItem([label])
                    child.setIcon(0, _swatch(color))
                    item.addChild(child)
                item.setExpanded(True)
            head.setExpanded(True)
        shown = [layer for layer in reversed(self._layers) if layer.visible]
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
            if self._scale is not None and not layer.style.shown_at(self._scale):
                top.setForeground(0, QColor("#9e9e9e"))
                top.setToolTip(0, tr("Niet getoond op deze schaal."))
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.empty.setVisible(not shown and not self._themes)

    def entries(self) -> list[str]:
        """The layer names shown, top first (for tests and screen readers)."""
        return [
            self.tree.topLevelItem(i).text(0)
            for i in range(self.tree.topLevelItemCount())  # type: ignore[union-attr]
            if not self._themes or i > 0
        ]

    def theme_entries(self) -> list[str]:
        """The theme rows shown (titles and classes, in order)."""
        if not self._themes:
            return []
        head = self.tree.topLevelItem(0)
        out: list[str] = []
        for i in range(head.childCount() if head else 0):
            item = head.child(i)  # type: ignore[union-attr]
            out.append(item.text(0))
            out += [item.child(j).text(0) for j in range(item.childCount())]
        return out
