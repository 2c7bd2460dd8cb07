"""Level of detail for big layers: a layer drawn once into an image a little
larger than the view, then only placed while the user pans.

A network of 200,000 links or 300,000 address points takes 100-300 ms to
stroke even simplified (every link keeps its two end points), and filling
large areas costs per pixel. Within one
scale, panning does not change what such a layer looks like, so the layer is
rendered at the view's resolution into an image reaching a third of a view
beyond each side, and a frame whose extent lies inside that image is a single
image copy. A new scale, a resize beyond the margin or a change of the
layer's data or style (a new :class:`~slimmeregio.desktop.maprender.LayerGraphics`)
renders the image afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QImage, QPainter

from slimmeregio.desktop.mapview import View

__all__ = ["HEAVY_FEATURES", "LayerImage", "draw_heavy", "is_heavy"]

#: Layers with at least this many features are drawn through a layer image.
HEAVY_FEATURES = 20_000
#: The image reaches this fraction of the view's width / height beyond each side.
MARGIN = 0.35


@dataclass
class LayerImage:
    """A layer rendered at ``res`` over ``extent`` (map units)."""

    image: QImage
    res: float
    extent: tuple[float, float, float, float]
    antialias: bool

    def covers(
        self, view: View, extent: tuple[float, float, float, float], antialias: bool
    ) -> bool:
        x0, y0, x1, y1 = extent
        cx0, cy0, cx1, cy1 = self.extent
        tol = 1e-9 * max(1.0, abs(view.res))
        return (
            abs(self.res - view.res) <= tol
            and antialias == self.antialias
            and cx0 <= x0
            and cy0 <= y0
            and cx1 >= x1
            and cy1 >= y1
        )


def is_heavy(graphics: object) -> bool:
    """Whether a layer's graphics are worth an image: many vector features, or areas."""
    kind = getattr(graphics, "kind", "")
    classes = getattr(graphics, "classes", [])
    if kind not in ("line", "polygon", "point"):
        return False
    if sum(len(c.indices) for c in classes) >= HEAVY_FEATURES:
        return True
    # areas: a fill costs per pixel however few the polygons (municipalities: ~15 ms a frame)
    return kind == "polygon"


def draw_heavy(p: QPainter, graphics: object, view: View, width: int, height: int) -> bool:
    """Draw a heavy layer through its layer image (rendered when missing or
    stale). ``p`` has the view's world transform. Returns whether the image
    was reused."""
    extent = view.extent(width, height)
    antialias = p.testRenderHint(QPainter.RenderHint.Antialiasing)
    cached: LayerImage | None = getattr(graphics, "lod_image", None)
    reused = cached is not None and cached.covers(view, extent, antialias)
    if not reused:
        mw = max(int(round(width * (1 + 2 * MARGIN))), 1)
        mh = max(int(round(height * (1 + 2 * MARGIN))), 1)
        image = QImage(mw, mh, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        q = QPainter(image)
        try:
            q.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
            q.setTransform(view.transform(mw, mh))
            graphics.draw(q, view, view.extent(mw, mh))  # type: ignore[attr-defined]
        finally:
            q.end()  # a layer that fails to draw must not leave an active painter (Qt crashes)
        cached = LayerImage(image, view.res, view.extent(mw, mh), antialias)
        graphics.lod_image = cached  # type: ignore[attr-defined]
    assert cached is not None
    # place the image: its top left corner in this frame's pixels
    dx = (cached.extent[0] - extent[0]) / view.res
    dy = (extent[3] - cached.extent[3]) / view.res
    p.save()
    p.resetTransform()
    p.setOpacity(1.0)
    p.drawImage(QPointF(round(dx), round(dy)), cached.image)
    p.restore()
    return reused
