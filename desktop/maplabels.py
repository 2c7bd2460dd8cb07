"""Name labels on the map: where a layer's labels go and placing them without
overlapping each other or the point symbols.

Two kinds of labels are drawn:

* place names, automatically: municipalities at a point inside each polygon
  and small point layers of places (the embedded sub-municipalities);
* the labels a planner sets per layer in its style (``label_field``,
  size, halo, colour, priority and scale range, stored in the project):
  a point's label goes right, left, above or below its symbol, a line's at
  its middle and an area's at a point inside it.

Higher priority is placed first; a label that finds no free place is left
out. User labels never cover a point symbol; place names prefer a place
free of symbols but keep their name when there is none (a municipality
must stay named at region scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QPointF, QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from slimmeregio.desktop.maprender import geometry_kind
from slimmeregio.desktop.mapview import View
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import Role

__all__ = ["LabelCache", "Occupancy", "draw_labels", "field_anchors", "label_anchors"]

#: Point layers of places with at most this many features get name labels.
MAX_PLACE_LABELS = 500
#: Place (sub-municipality) names show from this resolution (m per pixel) down.
PLACE_LABEL_MAX_RES = 25.0
#: At most this many labels of one layer are tried per frame (spread evenly over those in view).
MAX_LABELS_PER_LAYER = 1500

#: Anchors per ``(id(layer), len(layer), field)`` (field "" for place names).
LabelCache = dict[tuple[int, int, str], Any]


def label_anchors(layer: Layer, cache: LabelCache | None = None) -> list[tuple[str, float, float]]:
    """``(name, x, y)`` of the place names drawn for ``layer`` (cached per layer).

    Municipalities are named at a point inside each polygon; point layers
    of places (role "other" with a ``naam``/``name`` column, at most
    :data:`MAX_PLACE_LABELS` points, like the embedded sub-municipalities)
    at the point. Other layers get no place names.
    """
    key = (id(layer), len(layer), "")
    if cache is not None and key in cache:
        return cache[key]
    anchors: list[tuple[str, float, float]] = []
    frame = layer.frame if not layer.is_raster else None
    if frame is not None and len(frame):
        if layer.role == Role.MUNICIPALITIES and layer.has_field("name"):
            # the smallest first: they have the least room, the large ones can give way
            order = np.argsort(shapely.area(frame.geometry.to_numpy()), kind="stable")
            names = layer.column("name").astype(str).to_numpy()[order]
            pts = shapely.point_on_surface(frame.geometry.to_numpy()[order])
        elif (
            layer.role == Role.OTHER
            and len(frame) <= MAX_PLACE_LABELS
            and set(frame.geometry.geom_type.unique()) <= {"Point"}
        ):
            col = next((c for c in ("naam", "name") if c in frame.columns), None)
            names = frame[col].astype(str).to_numpy() if col else np.empty(0, dtype=object)
            pts = frame.geometry.to_numpy() if col else np.empty(0, dtype=object)
        else:
            names, pts = np.empty(0, dtype=object), np.empty(0, dtype=object)
        if len(pts):
            xy = shapely.get_coordinates(pts)
            anchors = [
                (str(n), float(x), float(y))
                for n, (x, y) in zip(names, xy, strict=True)
                if n and n != "nan"
            ]
    if cache is not None:
        cache[key] = anchors
    return anchors


def field_anchors(
    layer: Layer, column: str, cache: LabelCache | None = None
) -> list[tuple[str, float, float]]:
    """``(text, x, y)`` of the values of ``column``: at points, the middle of
    lines (of a multi-line: of its longest part) and a point inside areas;
    empty values get no label."""
    return _field_anchors(layer, column, cache)[0]


def _field_anchors(
    layer: Layer, column: str, cache: LabelCache | None = None
) -> tuple[list[tuple[str, float, float]], np.ndarray]:
    """The anchors and their coordinates as one (n, 2) array (for filtering by view)."""
    key = (id(layer), len(layer), column)
    if cache is not None and key in cache:
        return cache[key]
    anchors: list[tuple[str, float, float]] = []
    if not layer.is_raster and column in layer.frame.columns and len(layer):
        geoms = layer.frame.geometry.to_numpy()
        texts = layer.frame[column].to_numpy()
        kinds = shapely.get_type_id(geoms)
        pts = shapely.point_on_surface(geoms)
        lines = np.flatnonzero(np.isin(kinds, (1, 5)))
        if len(lines):
            parts, owner = shapely.get_parts(geoms[lines], return_index=True)
            if len(parts):
                order = np.lexsort((-shapely.length(parts), owner))
                first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
                longest = np.empty(len(lines), dtype=object)
                longest[owner[first]] = parts[first]
                has = np.zeros(len(lines), bool)
                has[owner[first]] = True
                pts[lines[has]] = shapely.line_interpolate_point(longest[has], 0.5, normalized=True)
        xy = shapely.get_coordinates(pts) if len(pts) else np.empty((0, 2))
        if len(xy) == len(texts):
            for value, (x, y) in zip(texts, xy, strict=True):
                text = _text(value)
                if text and math.isfinite(x) and math.isfinite(y):
                    anchors.append((text, float(x), float(y)))
    out = (anchors, np.array([(x, y) for _, x, y in anchors], dtype=float).reshape(-1, 2))
    if cache is not None:
        cache[key] = out
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:g}"
    text = str(value)
    return "" if text in ("nan", "None", "<NA>") else text


class Occupancy:
    """Which pixels of the map are taken: placed labels (exact rectangles,
    bucketed) and point symbols (a coarse bitmap of 2-pixel cells)."""

    CELL = 2.0
    BUCKET = 64.0

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._bitmap = np.zeros(
            (int(height / self.CELL) + 2, int(width / self.CELL) + 2), dtype=bool
        )
        self._buckets: dict[tuple[int, int], list[QRectF]] = {}

    def add_symbols(self, px: np.ndarray, radius: float) -> None:
        """Mark round symbols of ``radius`` pixels at the pixel positions ``px`` (n, 2)."""
        if len(px) == 0:
            return
        cells = np.floor(px / self.CELL).astype(np.int64)
        k = int(math.ceil(radius / self.CELL))
        rows, cols = self._bitmap.shape
        for dy in range(-k, k + 1):
            for dx in range(-k, k + 1):
                r = cells[:, 1] + dy
                c = cells[:, 0] + dx
                ok = (r >= 0) & (r < rows) & (c >= 0) & (c < cols)
                self._bitmap[r[ok], c[ok]] = True

    def hits_symbol(self, rect: QRectF) -> bool:
        c0 = max(int(rect.left() / self.CELL), 0)
        c1 = int(rect.right() / self.CELL) + 1
        r0 = max(int(rect.top() / self.CELL), 0)
        r1 = int(rect.bottom() / self.CELL) + 1
        return bool(self._bitmap[r0:r1, c0:c1].any())

    def _keys(self, rect: QRectF) -> list[tuple[int, int]]:
        b = self.BUCKET
        return [
            (i, j)
            for i in range(int(rect.left() // b), int(rect.right() // b) + 1)
            for j in range(int(rect.top() // b), int(rect.bottom() // b) + 1)
        ]

    def hits_label(self, rect: QRectF) -> bool:
        return any(
            rect.intersects(r) for key in self._keys(rect) for r in self._buckets.get(key, ())
        )

    def inside(self, rect: QRectF) -> bool:
        return QRectF(0, 0, self.width, self.height).contains(rect)

    def take(self, rect: QRectF) -> None:
        for key in self._keys(rect):
            self._buckets.setdefault(key, []).append(rect)


@dataclass
class _Request:
    anchors: list[tuple[str, float, float]]
    font: QFont
    color: QColor
    halo: float
    placement: str  # "municipality", "place", "point", "centre"
    offset: float = 0.0  # pixels from a point anchor to its label
    xy: np.ndarray | None = None  # the anchors' coordinates, to keep those in view
    repeat_px: float = 0.0  # the same text again only this far (pixels) from where it stands
    placed: dict[str, list[QPointF]] = field(default_factory=dict)


def _requests(
    layers: list[Layer], view: View, base_font: QFont, cache: LabelCache | None
) -> list[_Request]:
    scale = view.scale_denominator
    ordered: list[tuple[tuple[int, int, int], _Request]] = []
    for i, layer in enumerate(layers):
        style = layer.style
        if style.label_field and style.labelled_at(scale):
            font = QFont(base_font)
            font.setPointSizeF(max(4.0, float(style.label_size)))
            kind_key = (id(layer), len(layer), "\0kind")
            kind = cache.get(kind_key) if cache is not None else None
            if kind is None:
                kind = geometry_kind(layer)
                if cache is not None:
                    cache[kind_key] = kind
            anchors, xy = _field_anchors(layer, style.label_field, cache)
            req = _Request(
                anchors,
                font,
                QColor(style.label_color),
                max(0.0, float(style.label_halo)),
                "point" if kind == "point" else "centre",
                offset=max(2.0, style.marker_size) / 2 + 3 if kind == "point" else 0.0,
                xy=xy,
                repeat_px=300.0 if kind == "line" else 0.0,
            )
            ordered.append(((1, -int(style.label_priority), i), req))
        elif not style.label_field:
            municipal = layer.role == Role.MUNICIPALITIES
            if not municipal and view.res > PLACE_LABEL_MAX_RES:
                continue
            anchors = label_anchors(layer, cache)
            if not anchors:
                continue
            font = QFont(base_font)
            font.setPointSizeF(9.5 if municipal else 8.0)
            font.setBold(municipal)
            color = QColor("#37474f") if municipal else QColor("#5d4037")
            req = _Request(anchors, font, color, 3.0, "municipality" if municipal else "place")
            ordered.append(((0 if municipal else 2, 0, i), req))
    return [req for _, req in sorted(ordered, key=lambda item: item[0])]


def draw_labels(
    p: QPainter,
    layers: list[Layer],
    view: View,
    size: QSize,
    base_font: QFont,
    cache: LabelCache | None = None,
    symbols: list[tuple[np.ndarray, float]] | None = None,
) -> list[tuple[str, QRectF]]:
    """Draw the labels of ``layers`` with a halo, none overlapping another.

    ``p`` draws in pixels; ``symbols`` are the point symbols on the map as
    (pixel positions (n, 2), radius) to keep clear. Returns the texts drawn
    with their rectangles (pixels), in drawing order.
    """
    w, h = size.width(), size.height()
    transform = view.transform(w, h)
    x0, y0, x1, y1 = view.extent(w, h)
    room = Occupancy(w, h)
    for px, radius in symbols or []:
        room.add_symbols(px, radius)
    drawn: list[tuple[str, QRectF]] = []
    for req in _requests(layers, view, base_font, cache):
        metrics = QFontMetricsF(req.font)
        lh = metrics.height()
        anchors = req.anchors
        if req.xy is not None and len(anchors) > 0:
            # only what is in view, and not more than the frame can afford
            xy = req.xy
            inside = np.flatnonzero(
                (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
            )
            if len(inside) > MAX_LABELS_PER_LAYER:
                inside = inside[:: -(-len(inside) // MAX_LABELS_PER_LAYER)]
            anchors = [anchors[i] for i in inside]
        widths = _WIDTHS.setdefault(req.font.key(), {})
        for text, x, y in anchors:
            pt = transform.map(QPointF(x, y))
            if req.repeat_px and any(
                (pt - q).manhattanLength() < req.repeat_px for q in req.placed.get(text, ())
            ):
                continue  # a street's name once per stretch of the map, not on every piece
            tw = widths.get(text)
            if tw is None:
                tw = widths[text] = metrics.horizontalAdvance(text)
            rect = _place(req, room, pt, tw, lh)
            if rect is None:
                continue
            room.take(rect.adjusted(-4, -2, 4, 2))
            drawn.append((text, rect))
            if req.repeat_px:
                req.placed.setdefault(text, []).append(pt)
            image, margin = _sprite(text, req.font, req.color, req.halo)
            p.drawImage(QPointF(rect.left() - margin, rect.top() - margin), image)
    return drawn


#: Rendered labels (text with its halo) by text, font, colour and halo: a
#: halo is a stroked text outline, ~2 ms each, so a label is drawn once and
#: then copied. Bounded: the oldest half goes when it is full.
_SPRITES: dict[tuple[str, str, int, float], tuple[QImage, float]] = {}
_MAX_SPRITES = 4000
#: Text widths per font key (measuring text is slow in Python loops).
_WIDTHS: dict[str, dict[str, float]] = {}


def _sprite(text: str, font: QFont, color: QColor, halo: float) -> tuple[QImage, float]:
    key = (text, font.key(), color.rgba(), halo)
    hit = _SPRITES.get(key)
    if hit is not None:
        return hit
    metrics = QFontMetricsF(font)
    margin = float(math.ceil(halo * 0.75 + 1.0))
    w = int(math.ceil(metrics.horizontalAdvance(text) + 2 * margin)) + 1
    h = int(math.ceil(metrics.height() + 2 * margin)) + 1
    image = QImage(max(w, 1), max(h, 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    q = QPainter(image)
    q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = QPainterPath()
    path.addText(margin, margin + metrics.ascent(), font, text)
    if halo > 0:
        q.strokePath(
            path,
            QPen(
                QColor(255, 255, 255, 230),
                halo * 1.5,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            ),
        )
    q.fillPath(path, color)
    q.end()
    if len(_SPRITES) >= _MAX_SPRITES:
        for old in list(_SPRITES)[: _MAX_SPRITES // 2]:
            del _SPRITES[old]
    _SPRITES[key] = (image, margin)
    return image, margin


def _place(req: _Request, room: Occupancy, pt: QPointF, tw: float, lh: float) -> QRectF | None:
    """The first free rectangle among the request's candidate positions."""
    if req.placement == "municipality":
        base = QRectF(pt.x() - tw / 2, pt.y() - lh / 2, tw, lh)
        # where the anchor is taken, try just above, below and beside it
        shifts = sorted(
            (
                (dx, dy)
                for dx in (0.0, -tw / 3, tw / 3)
                for dy in (0.0, -lh, lh, -1.6 * lh, 1.6 * lh)
            ),
            key=lambda d: abs(d[0]) + abs(d[1]),
        )
        candidates = [base.translated(dx, dy) for dx, dy in shifts]
    elif req.placement == "place":
        candidates = [QRectF(pt.x() - tw / 2, pt.y() - lh / 2 - 10, tw, lh)]
    elif req.placement == "point":
        # right, left, above, below the symbol; further out when a large symbol is in the way
        candidates = []
        for d in (req.offset, req.offset + 4, req.offset + 9, req.offset + 15):
            candidates += [
                QRectF(pt.x() + d, pt.y() - lh / 2, tw, lh),
                QRectF(pt.x() - d - tw, pt.y() - lh / 2, tw, lh),
                QRectF(pt.x() - tw / 2, pt.y() - d - lh, tw, lh),
                QRectF(pt.x() - tw / 2, pt.y() + d, tw, lh),
            ]
    else:
        base = QRectF(pt.x() - tw / 2, pt.y() - lh / 2, tw, lh)
        candidates = [base, base.translated(0, -lh), base.translated(0, lh)]
    fallback = None
    for c in candidates:
        if not room.inside(c) or room.hits_label(c):
            continue
        if not room.hits_symbol(c):
            return c
        if fallback is None:
            fallback = c
    if req.placement in ("municipality", "place"):
        return fallback  # a place keeps its name, over a symbol if need be
    return None
