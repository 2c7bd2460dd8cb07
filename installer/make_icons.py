"""Render the application icon from its SVG source into PNG and ICO.

``resources/icons/slimmeregio.svg`` is the source. This script writes
``resources/icons/slimmeregio.png`` (256 px, the Linux desktop entry and the
About dialog) and ``resources/icons/slimmeregio.ico`` (16-256 px, the Windows
executable, installer and file association). Every size is rendered from the
vector source with Qt's SVG renderer (offscreen), not scaled down from a
bitmap, so the small sizes stay sharp.

Run after changing the SVG::

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

__all__ = ["ICO_SIZES", "PNG_SIZE", "render_png", "main"]

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "slimmeregio.svg"

#: Sizes inside the Windows .ico (Explorer, taskbar, Start menu, installer).
ICO_SIZES: tuple[int, ...] = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_SIZE = 256


def render_png(svg: Path, size: int) -> bytes:
    """Render ``svg`` to a square PNG of ``size`` pixels with a transparent background."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import QBuffer, QByteArray, QIODevice
    from PyQt6.QtGui import QGuiApplication, QImage, QPainter
    from PyQt6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["make_icons"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"invalid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    """Write the PNG and the ICO next to the SVG."""
    from PIL import Image

    (ICONS / "slimmeregio.png").write_bytes(render_png(SVG, PNG_SIZE))
    images = [Image.open(io.BytesIO(render_png(SVG, size))).convert("RGBA") for size in ICO_SIZES]
    largest = images[-1]
    largest.save(
        ICONS / "slimmeregio.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=images[:-1],
    )
    print(f"wrote {ICONS / 'slimmeregio.png'} and {ICONS / 'slimmeregio.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
