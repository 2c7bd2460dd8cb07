"""What the map draws over the rendered layers: selection, overlays, sketches,
scale bar, north arrow, banner and the on-map legend (all in pixels, per frame)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPolygonF, QTransform

from slimmeregio.desktop.maprender import (
    build_path,
    geometry_kind,
    line_arrays,
    points_polygon,
    polygon_arrays,
)
from slimmeregio.desktop.mapview import scale_bar_length
from slimmeregio.layers.model import Layer

__all__ = [
    "HOUSING_AREA_COLOR",
    "SELECTION_COLOR",
    "OverlayItem",
    "paint_decorations",
    "paint_label_box",
    "paint_legend",
    "paint_overlay",
    "paint_selection",
    "paint_sketch",
]

SELECTION_COLOR = QColor("#ffd600")
#: Outline of housing developments drawn as areas (scenario overlay, sketch).
HOUSING_AREA_COLOR = "#6d4c41"

ToPixel = Callable[[float, float], QPointF]
#: Selection graphics per layer name: ("point", xy array) or ("line"/"polygon", QPainterPath).
SelectionCache = dict[str, tuple[str, Any]]


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


def paint_selection(
    p: QPainter,
    layers: dict[str, Layer],
    selection: dict[str, np.ndarray],
    cache: SelectionCache,
    transform: QTransform,
) -> None:
    """Highlight the selected ``positions`` of the visible ``layers`` (by name)."""
    if not selection:
        return
    p.save()
    p.setTransform(transform)
    for name, pos in selection.items():
        layer = layers.get(name)
        if layer is None or layer.is_raster:
            continue
        cached = cache.get(name)
        if cached is None:
            pos = pos[(pos >= 0) & (pos < len(layer))]
            geoms = layer.frame.geometry.to_numpy()[pos]
            kind = geometry_kind(layer)
            if kind == "point":
                cached = ("point", shapely.get_coordinates(shapely.centroid(geoms)))
            elif kind == "line":
                cached = ("line", build_path(*line_arrays(geoms)))
            else:
                cached = ("polygon", build_path(*polygon_arrays(geoms), close=True))
            cache[name] = cached
        what, g = cache[name]  # typed by the cache: the geometry is Any
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


def paint_overlay(p: QPainter, items: list[OverlayItem], to_pixel: ToPixel, font: QFont) -> None:
    """Draw the overlay ``items`` (lines with a white casing, points, areas) with their labels."""
    for item in items:
        pts = [to_pixel(float(x), float(y)) for x, y in item.coords]
        if not pts:
            continue
        color = QColor(item.color)
        if item.kind == "point":
            p.setPen(QPen(QColor("white"), 2.0))
            p.setBrush(color)
            r = item.width
            p.drawEllipse(pts[0], r, r)
            if item.label:
                paint_label_box(p, pts[0] + QPointF(r + 3, -r - 2), item.label, font)
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
                cx = (
                    to_pixel(*item.anchor).x()
                    if item.anchor is not None
                    else ring.boundingRect().center().x()
                )
                width = p.fontMetrics().horizontalAdvance(item.label)
                paint_label_box(
                    p,
                    QPointF(cx - width / 2 - 4, ring.boundingRect().bottom() + 5),
                    item.label,
                    font,
                )
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


def paint_sketch(
    p: QPainter,
    sketch: list[tuple[float, float]],
    hover: tuple[float, float] | None,
    to_pixel: ToPixel,
    *,
    polygon: bool,
) -> None:
    """The line or area being drawn, closed through the cursor at ``hover``."""
    if not sketch:
        return
    pts = [to_pixel(x, y) for x, y in sketch]
    if hover is not None:
        pts.append(to_pixel(*hover))
    if polygon:
        # rubber band: the ring closed through the cursor, lightly filled
        color = QColor(HOUSING_AREA_COLOR)
        fill = QColor(color)
        fill.setAlpha(50)
        p.setPen(QPen(color, 2.5, Qt.PenStyle.DashLine))
        p.setBrush(fill if len(pts) >= 3 else Qt.BrushStyle.NoBrush)
        p.drawPolygon(QPolygonF(pts))
        p.setPen(QPen(QColor("white"), 1.5))
        p.setBrush(color)
        for pt in pts[: len(sketch)]:
            p.drawEllipse(pt, 4, 4)
        return
    pen = QPen(QColor("#7b1fa2"), 3.0, Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawPolyline(QPolygonF(pts))
    p.setPen(QPen(QColor("white"), 1.5))
    p.setBrush(QColor("#7b1fa2"))
    for pt in pts[: len(sketch)]:
        p.drawEllipse(pt, 4, 4)


def paint_label_box(p: QPainter, at: QPointF, text: str, base_font: QFont) -> None:
    """``text`` in a white rounded box with its top left at ``at``."""
    font = QFont(base_font)
    font.setPointSizeF(max(8.0, font.pointSizeF() - 0.5))
    p.setFont(font)
    rect = p.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2)
    rect.moveTopLeft(at.toPoint())
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 220))
    p.drawRoundedRect(QRectF(rect), 3, 3)
    p.setPen(QColor("#212121"))
    p.drawText(QRectF(rect), Qt.AlignmentFlag.AlignCenter, text)


def paint_decorations(
    p: QPainter, w: int, h: int, res: float, banner_text: str, base_font: QFont
) -> None:
    """Scale bar (bottom left), north arrow (top right) and the banner (top centre)."""
    # scale bar: a round length near 120 px
    length = scale_bar_length(res)
    px = length / res
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
    font = QFont(base_font)
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
    if banner_text:
        font.setBold(False)
        font.setPointSizeF(9.0)
        p.setFont(font)
        fm = p.fontMetrics()
        width = min(w - 120, fm.horizontalAdvance(banner_text) + 28)
        rect = QRectF((w - width) / 2, 10, width, fm.height() + 12)
        p.setPen(QPen(QColor("#e0a800"), 1))
        p.setBrush(QColor(255, 248, 225, 235))
        p.drawRoundedRect(rect, 5, 5)
        p.setPen(QColor("#5d4037"))
        elided = fm.elidedText(banner_text, Qt.TextElideMode.ElideRight, int(width - 20))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)


def paint_legend(
    p: QPainter, w: int, h: int, rows: list[tuple[str, str | None]], base_font: QFont
) -> None:
    """The on-map legend box (bottom right): ``rows`` of (text, colour);
    a colour of None makes the row a bold title (red when it starts with ⚠)."""
    if not rows:
        return
    font = QFont(base_font)
    font.setPointSizeF(8.5)
    p.setFont(font)
    fm = p.fontMetrics()
    bold = QFont(font)
    bold.setBold(True)
    bold_fm = QFontMetrics(bold)
    line = fm.height() + 3
    width = min(
        440,
        max(
            bold_fm.horizontalAdvance(t) + 20 if c is None else fm.horizontalAdvance(t) + 40
            for t, c in rows
        ),
    )
    height = line * len(rows) + 12
    x0, y0 = w - width - 12, h - height - 12
    p.setPen(QPen(QColor("#cfd8dc"), 1))
    p.setBrush(QColor(255, 255, 255, 230))
    p.drawRoundedRect(QRectF(x0, y0, width, height), 5, 5)
    y = y0 + 6
    for text, color in rows:
        if color is None:
            p.setFont(bold)
            p.setPen(QColor("#b71c1c" if text.startswith("⚠") else "#263238"))
            p.drawText(
                QRectF(x0 + 8, y, width - 14, line),
                Qt.AlignmentFlag.AlignVCenter,
                bold_fm.elidedText(text, Qt.TextElideMode.ElideRight, int(width - 14)),
            )
            p.setFont(font)
        else:
            p.setPen(QPen(QColor(color).darker(125), 1))
            p.setBrush(QColor(color))
            p.drawRoundedRect(QRectF(x0 + 10, y + 3, 16, line - 6), 2, 2)
            p.setPen(QColor("#37474f"))
            p.drawText(QRectF(x0 + 32, y, width - 38, line), Qt.AlignmentFlag.AlignVCenter, text)
        y += line
