"""Screenshot of a background map under the region (run by hand, offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/desktop/make_basemap_screenshot.py

Nothing leaves the machine: a local tile server (``http.server`` on
127.0.0.1) renders web-mercator tiles from the embedded region's own bike
network and municipality borders, the workbench shows them as a background
map under the region (warped to Lambert 72), and the window is saved as
``docs/screenshots/14-background-map.png``.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = Path(tempfile.mkdtemp(prefix="srp-basemap-"))
os.environ.setdefault("SLIMMEREGIO_SETTINGS_DIR", str(_tmp / "settings"))
os.environ.setdefault("SLIMMEREGIO_RECOVERY_DIR", str(_tmp / "recovery"))
os.environ.setdefault("SLIMMEREGIO_CACHE_DIR", str(_tmp / "cache"))

from slimmeregio.tests.desktop.screenshot_kit import region_window, wait  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
_ORIGIN = 20037508.342789244


class RegionTiles:
    """Web-mercator tiles drawn from the region's network and borders."""

    def __init__(self, project) -> None:
        import shapely
        from shapely import STRtree

        from slimmeregio.layers.roles import Role

        network = project.layers.first(Role.BIKE_NETWORK).frame.to_crs("EPSG:3857")
        munis = project.layers.first(Role.MUNICIPALITIES).frame.to_crs("EPSG:3857")
        self.lines = network.geometry.to_numpy()
        self.major = (
            network[project.layers.first(Role.BIKE_NETWORK).fields["link_class"]]
            .astype(str)
            .isin(["bovenlokaal", "fietssnelweg", "functioneel"])
            .to_numpy()
        )
        self.borders = shapely.boundary(munis.geometry.to_numpy())
        self.areas = munis.geometry.to_numpy()
        self.tree = STRtree(self.lines)
        self.border_tree = STRtree(self.borders)

    def png(self, z: int, x: int, y: int) -> bytes:
        import numpy as np
        import shapely
        from PIL import Image, ImageDraw

        span = 2 * _ORIGIN / 2**z
        x0, y1 = -_ORIGIN + x * span, _ORIGIN - y * span
        box = shapely.box(x0, y1 - span, x0 + span, y1)
        image = Image.new("RGB", (256, 256), (242, 239, 233))
        draw = ImageDraw.Draw(image)

        def pixels(geom) -> list[tuple[float, float]]:
            coords = np.asarray(shapely.get_coordinates(geom))
            return [((cx - x0) / span * 256, (y1 - cy) / span * 256) for cx, cy in coords]

        for i in self.tree.query(box):
            for part in shapely.get_parts(self.lines[i]):
                major = bool(self.major[i])
                draw.line(
                    pixels(part),
                    fill=(255, 255, 255) if not major else (250, 222, 160),
                    width=3 if major else 2,
                )
        for i in self.border_tree.query(box):
            for part in shapely.get_parts(self.borders[i]):
                draw.line(pixels(part), fill=(170, 150, 190), width=2)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()


def serve(tiles: RegionTiles) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            try:
                z, x, y = (int(p) for p in self.path.strip("/").removesuffix(".png").split("/"))
            except ValueError:
                self.send_error(404)
                return
            body = tiles.png(z, x, y)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def main() -> int:
    from slimmeregio.layers.region import load_region
    from slimmeregio.layers.tiles import Background, TileSource

    app, win = region_window()
    server, port = serve(RegionTiles(load_region()))
    for name in ("woningen", "fietsnetwerk", "deelgemeenten"):
        if name in win.project.layers:
            win.project.layers[name].visible = False
            win.project.layers.changed(name, "visible")
    win.basemaps.add(
        Background(
            TileSource(
                key="lokaal",
                title="Achtergrondkaart (lokale tegelserver)",
                kind="xyz",
                url=f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",
                attribution="Tegels lokaal getekend uit het fietsnetwerk van de regio · © OpenStreetMap-bijdragers, ODbL",
            ),
            opacity=1.0,
        )
    )
    # the municipalities see-through, so the background shows under them
    munis = win.project.layers["gemeenten"]
    munis.style.opacity = 0.25
    win.project.layers.changed("gemeenten", "style")
    win.canvas.zoom_to_extent(
        (138_000.0, 160_000.0, 160_000.0, 176_000.0)
    )  # Halle - Dilbeek - Brussels' edge
    win.dock_backgrounds.raise_()
    wait(
        app,
        lambda: (
            win.basemaps.states["lokaal"].status in ("ok", "partial") and not win.basemaps.busy()
        ),
        120,
    )
    win.canvas.invalidate()
    wait(app, lambda: False, 1.0)
    wait(app, lambda: not win.basemaps.busy(), 60)
    OUT.mkdir(parents=True, exist_ok=True)
    win.grab().save(str(OUT / "14-background-map.png"))
    win.basemaps.shutdown()
    win._layers_dirty = False
    win.store.dirty = False
    win.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
