"""View math of the map: centre and resolution, pixel <-> map, zoom and fit."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PyQt6.QtGui import QTransform

__all__ = [
    "DPI",
    "MAX_RES",
    "MIN_RES",
    "View",
    "ViewHistory",
    "fit_extent",
    "scale_bar_length",
    "zoom_about",
]

#: Metres per inch and screen dots per inch -> scale denominator.
M_PER_INCH = 0.0254
DPI = 96.0
#: The finest and the coarsest resolution (map units per pixel) a view may take.
MIN_RES = 0.02
MAX_RES = 5000.0


@dataclass(frozen=True)
class View:
    """Centre (map units) and resolution (map units per pixel)."""

    cx: float
    cy: float
    res: float

    def transform(self, width: int, height: int) -> QTransform:
        r = self.res
        return QTransform(1 / r, 0, 0, -1 / r, width / 2 - self.cx / r, height / 2 + self.cy / r)

    def to_map(self, px: float, py: float, width: int, height: int) -> tuple[float, float]:
        return (self.cx + (px - width / 2) * self.res, self.cy - (py - height / 2) * self.res)

    def to_pixel(self, x: float, y: float, width: int, height: int) -> tuple[float, float]:
        return ((x - self.cx) / self.res + width / 2, height / 2 - (y - self.cy) / self.res)

    def extent(self, width: int, height: int) -> tuple[float, float, float, float]:
        hw, hh = width / 2 * self.res, height / 2 * self.res
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)

    @property
    def scale_denominator(self) -> float:
        return self.res * DPI / M_PER_INCH

    def clamped(self) -> View:
        """The same centre with the resolution kept within [MIN_RES, MAX_RES]."""
        return View(self.cx, self.cy, min(max(self.res, MIN_RES), MAX_RES))


def fit_extent(
    bounds: tuple[float, float, float, float], width: int, height: int, *, margin: float = 0.05
) -> View | None:
    """The view showing ``bounds`` (with ``margin`` of its size on each side)
    on a ``width`` x ``height`` surface; None for non-finite bounds."""
    x0, y0, x1, y1 = bounds
    if not all(map(math.isfinite, bounds)):
        return None
    w = max(x1 - x0, 50.0) * (1 + 2 * margin)
    h = max(y1 - y0, 50.0) * (1 + 2 * margin)
    res = max(w / max(width, 1), h / max(height, 1))
    return View((x0 + x1) / 2, (y0 + y1) / 2, res)


def zoom_about(view: View, factor: float, ax: float, ay: float, width: int, height: int) -> View:
    """``view`` zoomed in by ``factor`` keeping the map point under pixel (ax, ay) in place."""
    mx, my = view.to_map(ax, ay, width, height)
    res = view.res / factor
    return View(mx - (ax - width / 2) * res, my + (ay - height / 2) * res, res)


def scale_bar_length(res: float, target_px: float = 120.0) -> float:
    """A round length (1, 2 or 5 times a power of ten, map units) near ``target_px`` pixels."""
    target = target_px * res
    exp = 10 ** math.floor(math.log10(target)) if target > 0 else 1
    return max(m * exp for m in (1, 2, 5) if m * exp <= target) if target >= exp else exp


class ViewHistory:
    """Previous / next extent: the views the user paused at, newest last."""

    def __init__(self, limit: int = 50) -> None:
        self._views: list[View] = []
        self._at = -1
        self._limit = limit

    def push(self, view: View) -> None:
        """Record ``view`` (dropping the forward views); a repeat is ignored."""
        if 0 <= self._at < len(self._views) and _same(self._views[self._at], view):
            return
        del self._views[self._at + 1 :]
        self._views.append(view)
        if len(self._views) > self._limit:
            del self._views[0]
        self._at = len(self._views) - 1

    def can_back(self) -> bool:
        return self._at > 0

    def can_forward(self) -> bool:
        return self._at < len(self._views) - 1

    def back(self) -> View | None:
        if not self.can_back():
            return None
        self._at -= 1
        return self._views[self._at]

    def forward(self) -> View | None:
        if not self.can_forward():
            return None
        self._at += 1
        return self._views[self._at]

    def current(self) -> View | None:
        return self._views[self._at] if self._at >= 0 else None


def _same(a: View, b: View) -> bool:
    """Views that differ by less than a pixel and 0.1 % of the scale count as one."""
    return (
        abs(a.res - b.res) <= 1e-3 * a.res and abs(a.cx - b.cx) < a.res and abs(a.cy - b.cy) < a.res
    )
