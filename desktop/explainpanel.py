"""The route explanation: a table of the routes from a clicked point (time
and distance per link class) and their drawing on the map; also the drawing
of the network reached from a point (isochrone)."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from PyQt6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.mapdecorations import OverlayItem
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.symbology import ACCESS_COLORS

__all__ = ["ROUTE_COLORS", "ExplainPanel", "reach_overlay", "route_overlay"]

#: Route colour per destination kind.
ROUTE_COLORS = {"mobipunt": "#1565c0", "station": "#c62828", "brussels": "#2e7d32"}


def _kind_text(kind: str) -> str:
    return {
        "mobipunt": tr("Dichtste mobipunt"),
        "station": tr("Dichtste station"),
        "brussels": tr("Brusselse grens"),
    }.get(kind, kind)


def _class_text(link_class: str) -> str:
    return (
        tr("aansluiting (rechte lijn naar het netwerk)")
        if link_class == "aansluiting"
        else link_class
    )


def _title(route: Any) -> str:
    """'Dichtste mobipunt: <name>'; a border point has no name worth showing."""
    if route.kind == "brussels":
        return _kind_text(route.kind)
    return f"{_kind_text(route.kind)}: {route.target_name or route.target_id}"


def route_overlay(routes: list[Any], origin: tuple[float, float]) -> list[OverlayItem]:
    """The routes as map overlay lines (one colour per kind) with the origin point."""
    lang = language()
    items: list[OverlayItem] = []
    # the farthest kinds first and widest, so a shared stretch shows every colour
    order = {"brussels": 0, "station": 1, "mobipunt": 2}
    ranked = sorted(routes, key=lambda r: order.get(r.kind, 3))
    for i, route in enumerate(ranked):
        xy = route.coords()
        if len(xy) < 2:
            continue
        color = ROUTE_COLORS.get(route.kind, "#6a1b9a")
        items.append(OverlayItem(xy, "line", color, 7.0 - 2.0 * i if len(ranked) > 1 else 4.0))
    for route in ranked:
        color = ROUTE_COLORS.get(route.kind, "#6a1b9a")
        label = f"{_title(route)} ({fmt_number(route.minutes, 'min', lang)})"
        items.append(OverlayItem(np.array([route.target_xy]), "point", color, 6.0, label=label))
    items.append(OverlayItem(np.array([origin]), "point", "#212121", 6.0, label=tr("vertrek")))
    return items


def reach_overlay(
    network: Any, reach: Any, minutes: tuple[float, ...], origin: tuple[float, float]
) -> list[OverlayItem]:
    """The network reached from a point, one colour per time band (best band on top)."""
    items: list[OverlayItem] = []
    bands = sorted(minutes)
    lang = language()
    for i in range(len(bands) - 1, -1, -1):
        low = bands[i - 1] * 60 if i else -1.0
        edges = np.flatnonzero((reach.edge_seconds > low) & (reach.edge_seconds <= bands[i] * 60))
        if not len(edges):
            continue
        color = ACCESS_COLORS[min(i, len(ACCESS_COLORS) - 1)]
        lines = shapely.line_merge(shapely.multilinestrings(network.geometry[edges]))
        for part in shapely.get_parts(lines):
            items.append(OverlayItem(shapely.get_coordinates(part), "line", color, 3.0))
    label = tr("bereik {t}", t=" / ".join(fmt_number(b, "min", lang) for b in bands))
    items.append(OverlayItem(np.array([origin]), "point", "#212121", 6.0, label=label))
    return items


class ExplainPanel(QWidget):
    """Routes from the clicked point: per destination the time and distance,
    below it the stretches per link class."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ExplainPanel")
        self.caption = QLabel(
            tr("Klik met 'Route uitleggen' op een woning of een punt op de kaart."), self
        )
        self.caption.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("explainTree")
        self.tree.setColumnCount(3)
        self.retranslate()
        header = self.tree.header()
        if header is not None:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.tree, 1)
        self.routes: list[Any] = []

    def retranslate(self) -> None:
        """Headers (and the empty panel's hint) in the current language."""
        self.tree.setHeaderLabels([tr("Route"), tr("Tijd"), tr("Afstand")])
        if not getattr(self, "routes", None):
            self.caption.setText(
                tr("Klik met 'Route uitleggen' op een woning of een punt op de kaart.")
            )

    def show_routes(self, routes: list[Any], origin: tuple[float, float]) -> None:
        lang = language()
        self.routes = list(routes)
        self.tree.clear()
        x, y = origin
        if not routes:
            self.caption.setText(
                tr(
                    "Geen route: het punt ({x}, {y}) ligt te ver van het fietsnetwerk "
                    "of er is geen bestemming bereikbaar.",
                    x=f"{x:,.0f}",
                    y=f"{y:,.0f}",
                )
            )
            return
        self.caption.setText(
            tr(
                "Fietsroutes vanaf ({x}, {y}), zoals de indicatoren ze rekenen.",
                x=f"{x:,.0f}".replace(",", " "),
                y=f"{y:,.0f}".replace(",", " "),
            )
        )
        for route in routes:
            top = QTreeWidgetItem(
                [
                    _title(route),
                    fmt_number(route.minutes, "min", lang),
                    fmt_number(route.metres / 1000, "km", lang),
                ]
            )
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for link_class, (metres, seconds) in route.by_class().items():
                top.addChild(
                    QTreeWidgetItem(
                        [
                            _class_text(link_class),
                            fmt_number(seconds / 60, "min", lang),
                            fmt_number(metres / 1000, "km", lang),
                        ]
                    )
                )
            top.setToolTip(0, top.text(0))
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as text, top level and children in order (for tests and screen readers)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            assert top is not None
            out.append((top.text(0), top.text(1), top.text(2)))
            for j in range(top.childCount()):
                child = top.child(j)
                assert child is not None
                out.append(("  " + child.text(0), child.text(1), child.text(2)))
        return out
