"""Map tools and hit-testing: what a click does, which feature is under it, snapping."""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import Qt

from slimmeregio.layers.model import Layer

__all__ = ["CURSORS", "MapTool", "SnapIndex", "features_at", "nearest_feature"]


class MapTool(Enum):
    """What a left click on the map does."""

    NAVIGATE = "navigate"  # drag pans, click identifies / selects
    ZOOM_BOX = "zoom_box"
    POINT = "point"  # click emits pointPicked (place a mobipunt, housing ...)
    FEATURE = "feature"  # click emits featurePicked for the pick layer
    LINE = "line"  # clicks collect vertices (snapped); double click finishes
    POLYGON = "polygon"  # clicks collect the vertices of an area; double click finishes
    BOX = "box"  # drag a rectangle: emits boxTask (select by rectangle)


CURSORS = {
    MapTool.NAVIGATE: Qt.CursorShape.ArrowCursor,
    MapTool.ZOOM_BOX: Qt.CursorShape.CrossCursor,
    MapTool.POINT: Qt.CursorShape.CrossCursor,
    MapTool.FEATURE: Qt.CursorShape.PointingHandCursor,
    MapTool.LINE: Qt.CursorShape.CrossCursor,
    MapTool.POLYGON: Qt.CursorShape.CrossCursor,
    MapTool.BOX: Qt.CursorShape.CrossCursor,
}


class SnapIndex:
    """Vertices (network nodes) the line tool snaps to, with a lazy KD-tree."""

    def __init__(self) -> None:
        self.points: np.ndarray | None = None
        self._tree: Any = None

    def set_points(self, points: np.ndarray | None) -> None:
        self.points = points
        self._tree = None

    def reset(self) -> None:
        """Rebuild the tree on next use (the data changed)."""
        self._tree = None

    def snap(self, x: float, y: float, tolerance: float) -> tuple[float, float]:
        """The nearest vertex within ``tolerance`` map units, else ``(x, y)``."""
        pts = self.points
        if pts is None or len(pts) == 0:
            return (x, y)
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(pts)
        dist, i = self._tree.query((x, y), distance_upper_bound=tolerance)
        if math.isfinite(dist):
            return (float(pts[i][0]), float(pts[i][1]))
        return (x, y)


def nearest_feature(layer: Layer, x: float, y: float, tolerance: float) -> int | None:
    """Position of ``layer``'s feature nearest (x, y) within ``tolerance`` map units."""
    if layer.is_raster or not len(layer):
        return None
    frame = layer.frame
    pt = shapely.Point(x, y)
    hits = frame.sindex.query(pt.buffer(tolerance), predicate="intersects")
    if len(hits) == 0:
        return None
    dist = shapely.distance(frame.geometry.to_numpy()[hits], pt)
    return int(hits[int(np.argmin(dist))])


def features_at(
    layers: list[Layer], x: float, y: float, tolerance: float
) -> list[tuple[Layer, int]]:
    """Features of ``layers`` (bottom first) near (x, y), topmost layer first.

    Points and lines are hit within ``tolerance`` map units; polygons when
    they contain the point.
    """
    found: list[tuple[Layer, int]] = []
    for layer in reversed(layers):
        best = nearest_feature(layer, x, y, tolerance)
        if best is not None:
            found.append((layer, best))
    return found
