"""Identify: the attributes of the features under a click."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from slimmeregio.desktop.attributetable import format_value
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.roles import ROLE_FIELDS

__all__ = ["IdentifyPanel"]


class IdentifyPanel(QWidget):
    """A tree: one branch per layer hit, one row per attribute."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IdentifyPanel")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("identifyTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Veld"), tr("Waarde")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setAlternatingRowColors(True)
        self.hint = QLabel(tr("Klik op de kaart op een object om zijn gegevens te zien."), self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #616161; padding: 4px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.tree, 1)

    def show_features(self, hits: list[tuple[Layer, int]]) -> None:
        """Show the features ``[(layer, position), ...]`` (topmost first)."""
        self.tree.clear()
        self.hint.setVisible(not hits)
        lang = language()
        for layer, pos in hits:
            frame = layer.frame
            row = frame.iloc[pos]
            top = QTreeWidgetItem([layer.name, tr("object {n}", n=pos + 1)])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFirstColumnSpanned(False)
            labels = {
                layer.fields.get(spec.key): spec.label_nl if lang == "nl" else spec.label_en
                for spec in ROLE_FIELDS[layer.role]
                if layer.fields.get(spec.key)
            }
            for column in frame.columns:
                if column == frame.geometry.name:
                    continue
                label = str(column)
                if column in labels:
                    label = f"{column}  ({labels[column]})"
                item = QTreeWidgetItem([label, format_value(row[column])])
                item.setToolTip(1, format_value(row[column]))
                top.addChild(item)
            geom = row[frame.geometry.name]
            if geom is not None and not geom.is_empty:
                if geom.geom_type == "Point":
                    text = f"{geom.x:,.1f}; {geom.y:,.1f}".replace(",", " ")
                    top.addChild(QTreeWidgetItem([tr("Lambert 72 (x; y)"), text]))
                elif "Line" in geom.geom_type:
                    top.addChild(
                        QTreeWidgetItem(
                            [
                                tr("Lengte"),
                                fmt_number(geom.length, lang=language(), digits=0) + " m",
                            ]
                        )
                    )
                elif "Polygon" in geom.geom_type:
                    top.addChild(
                        QTreeWidgetItem(
                            [
                                tr("Oppervlakte"),
                                fmt_number(geom.area / 1e6, lang=language(), digits=2) + " km²",
                            ]
                        )
                    )
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        # the field names never take more than 45 % of the width: the values stay readable
        self.tree.resizeColumnToContents(0)
        cap = max(90, int(self.tree.viewport().width() * 0.45))
        if self.tree.columnWidth(0) > cap:
            self.tree.setColumnWidth(0, cap)
        if hits:
            self.tree.scrollToTop()
            self.tree.setCurrentItem(self.tree.topLevelItem(0), 0)
        self.tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
