"""Name labels on the map: where a layer's labels go and placing them without overlap."""

from __future__ import annotations

import numpy as np
import shapely
from PyQt6.QtCore import QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen

from slimmeregio.desktop.mapview import View
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import Role

__all__ = ["LabelCache", "draw_labels", "label_anchors"]

#: Point layers of places with at most this many features get name labels.
MAX_PLACE_LABELS = 500
#: Place (sub-municipality) names show from this resolution (m per pixel) down.
PLACE_LABEL_MAX_RES = 25.0

#: Anchors per ``(id(layer), len(layer))``.
LabelCache = dict[tuple[int, int], list[tuple[str, float, float]]]


def label_anchors(layer: Layer, cache: LabelCache | None = None) -> list[tuple[str, float, float]]:
    """``(name, x, y)`` of the place names drawn for ``layer`` (cached per layer).

    Municipalities are named at a point inside each polygon; point layers
    of places (role "other" with a ``naam``/``name`` column, at most
    :data:`MAX_PLACE_LABELS` points, like the embedded sub-municipalities)
    at the point. Other layers get no labels.
    """
    key = (id(layer), len(layer))
    if cache is not None:
        cached = cache.get(key)
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
        elif (layer.role == Role.OTHER and len(frame) <= MAX_PLACE_LABELS
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
    if cache is not None:
        cache[key] = anchors
    return anchors


def draw_labels(
    p: QPainter, layers: list[Layer], view: View, size: QSize, base_font: QFont, cache: LabelCache | None = None
) -> list[str]:
    """Place names with a white halo; sub-municipalities only when zoomed in.

    ``p`` draws in pixels. Returns the names drawn, in drawing order.
    """
    w, h = size.width(), size.height()
    transform = view.transform(w, h)
    taken: list[QRectF] = []
    drawn: list[str] = []
    for layer in sorted(layers, key=lambda ly: ly.role != Role.MUNICIPALITIES):
        municipal = layer.role == Role.MUNICIPALITIES
        if not municipal and view.res > PLACE_LABEL_MAX_RES:
            continue
        anchors = label_anchors(layer, cache)
        if not anchors:
            continue
        font = QFont(base_font)
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
            drawn.append(name)
            path = QPainterPath()
            path.addText(rect.left(), rect.top() + metrics.ascent(), font, name)
            p.strokePath(path, QPen(QColor(255, 255, 255, 230), 3.0, Qt.PenStyle.SolidLine,
                                    Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            p.fillPath(path, color)
    return drawn
