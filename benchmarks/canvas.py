"""Map canvas redraw times: QPainter live view against a matplotlib baseline.

    QT_QPA_PLATFORM=offscreen python benchmarks/canvas.py

Draws the embedded region's visible layers into a 1600x1000 image at region
zoom and at street zoom (2 m per pixel, centre of the region):

* ``qpainter first``: first render, building the paths (once per layer);
* ``qpainter redraw``: a full re-render with the paths built (what a zoom
  costs once the user pauses);
* ``pan frame``: one paint while dragging (the cached image translated);
* ``matplotlib``: the naive baseline, ``GeoDataFrame.plot`` of the same
  layers with the same colours on an Agg figure of the same size.

Prints the table and replaces the ``<!-- canvas -->`` section of
benchmarks/RESULTS.md.

``--big DIR`` measures the big network instead (issue 15): the network and
address layers that ``benchmarks/scale.py --keep DIR`` generates (about
200,000 links and 300,000 address points) in place of the embedded ones,
and writes the ``<!-- canvas-big -->`` section::

    python benchmarks/scale.py --keep /tmp/scale --no-results
    QT_QPA_PLATFORM=offscreen python benchmarks/canvas.py --big /tmp/scale
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

from _results import write_section  # benchmarks/_results.py

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
W, H = 1600, 1000
REPEAT = 5


def _median(fn, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _matplotlib(layers, extent):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from slimmeregio.desktop.mapcanvas import classify, geometry_kind

    fig = Figure(figsize=(W / 100, H / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    for layer in layers:
        if layer.is_raster:
            continue
        labels, classes = classify(layer)
        kind = geometry_kind(layer)
        frame = layer.frame
        for i, (_, color) in enumerate(classes):
            part = frame[labels == i]
            if not len(part):
                continue
            if kind == "polygon":
                part.plot(
                    ax=ax,
                    facecolor=color,
                    edgecolor=layer.style.edge_color or "#6b6b6b",
                    linewidth=0.6,
                )
            elif kind == "line":
                part.plot(ax=ax, color=color, linewidth=layer.style.line_width)
            else:
                part.plot(ax=ax, color=color, markersize=layer.style.marker_size)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    FigureCanvasAgg(fig).draw()


def _first_render(canvas, view) -> float:
    """Seconds of a first render of ``view``, building every layer's paths."""
    canvas._graphics.clear()
    t = time.perf_counter()
    canvas.render_image(view=view)
    return time.perf_counter() - t


def _drag_frame(app, canvas, view) -> float:
    """Median seconds of one paint while dragging from ``view`` (the cached image translated)."""
    from PyQt6.QtCore import QPoint
    from PyQt6.QtGui import QImage

    from slimmeregio.desktop.mapcanvas import View

    canvas.show()
    canvas.set_view(view)
    app.processEvents()
    canvas.grab()
    image = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)

    def pan_frame():
        canvas._drag_start = QPoint(0, 0)
        canvas._dragged = True
        canvas._view = View(
            canvas._view.cx + 3 * canvas._view.res, canvas._view.cy, canvas._view.res
        )
        canvas.render(image)

    frame = _median(pan_frame, repeat=20)
    canvas._drag_start = None
    canvas._dragged = False
    return frame


def _big_project(folder: Path):
    """The embedded region with the generated network and addresses in place of its own."""
    import geopandas as gpd

    from slimmeregio.layers.model import Layer
    from slimmeregio.layers.region import load_region
    from slimmeregio.layers.roles import Role
    from slimmeregio.layers.symbology import default_style

    network = sorted(folder.glob("network-*.gpkg"))[-1]
    addresses = sorted(folder.glob("addresses-*.gpkg"))[-1]
    project = load_region()
    for role, path, layer_name, fields in (
        (Role.BIKE_NETWORK, network, "fietsnetwerk_osm", {"link_class": "klasse", "name": "naam"}),
        (Role.HOUSING, addresses, None, {"dwellings": "woningen", "id": "adres_id"}),
    ):
        old = project.layers.first(role)
        frame = gpd.read_file(path, layer=layer_name, engine="pyogrio")
        layer = Layer(path.stem, frame, role, fields)
        layer = layer.replace(style=default_style(layer))
        index = list(project.layers).index(old)
        project.layers.remove(old.name)
        project.layers.insert(index, layer)
    return project


def big_main(folder: Path) -> int:
    """Redraw times on the big network (issue 15: <= 0.1 s per frame when panning)."""
    from PyQt6.QtWidgets import QApplication

    from slimmeregio.desktop.mapcanvas import MapCanvas, View
    from slimmeregio.layers.roles import Role

    app = QApplication.instance() or QApplication(sys.argv[:1])
    t = time.perf_counter()
    project = _big_project(folder)
    load_s = time.perf_counter() - t
    canvas = MapCanvas(project.layers)
    canvas.resize(W, H)
    canvas.zoom_to_extent(project.layers.first(Role.MUNICIPALITIES).bounds)
    region = canvas.view
    net = project.layers.first(Role.BIKE_NETWORK)
    housing = project.layers.first(Role.HOUSING)
    rows = []
    for label, res in (("region", region.res), ("town (10 m/px)", 10.0), ("street (2 m/px)", 2.0)):
        view = View(region.cx, region.cy, res)
        first = _first_render(canvas, view)
        step = [0]

        def rescale(v=view, step=step):
            step[0] += 1
            canvas.render_image(view=View(v.cx, v.cy, v.res * (1 + 0.01 * step[0])))

        zoom = _median(rescale, repeat=3)
        step[0] = 0

        def pan(v=view, step=step):
            step[0] += 1
            canvas.render_image(
                view=View(v.cx + 40 * step[0] * v.res, v.cy - 25 * step[0] * v.res, v.res)
            )

        panned = _median(pan, repeat=REPEAT)
        rows.append((label, first, zoom, panned))

    frame = _drag_frame(app, canvas, region)
    lines = [
        "## Map canvas on the big network (benchmarks/canvas.py --big)",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}. "
        f"The embedded region with the network and addresses of benchmarks/scale.py: {len(net):,} links, "
        f"{len(housing):,} address points, {len(canvas.visible_layers())} visible layers (read in {load_s:.1f} s); "
        f"image {W}x{H}. Median of {REPEAT} runs.",
        "",
        "Layers of 20,000 features or more, and area layers, are drawn once per scale into an image a third "
        "of a view larger on each side (desktop/maplod.py); more than 20,000 points in view are thinned to one "
        "per pixel; labels are drawn from cached sprites.",
        "",
        "| zoom | first render (builds paths) | new scale (paths built) | re-render after a pan | target |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, first, zoom, panned in rows:
        lines.append(
            f"| {label} | {first * 1000:.0f} ms | {zoom * 1000:.0f} ms | {panned * 1000:.0f} ms | ≤ 100 ms |"
        )
    lines += [
        "",
        f"While dragging, a frame translates the cached image: {frame * 1000:.1f} ms per paint; the sharp image "
        "is re-rendered when the user pauses (the 're-render after a pan' column).",
    ]
    section = "\n".join(lines)
    print(section)
    write_section("canvas-big", section)
    return 0


def main() -> int:
    if "--big" in sys.argv:
        return big_main(Path(sys.argv[sys.argv.index("--big") + 1]))
    from PyQt6.QtWidgets import QApplication

    from slimmeregio.desktop.mapcanvas import MapCanvas, View
    from slimmeregio.layers.region import load_region
    from slimmeregio.layers.roles import Role

    app = QApplication.instance() or QApplication(sys.argv[:1])
    project = load_region()
    canvas = MapCanvas(project.layers)
    canvas.resize(W, H)
    munis = project.layers.first(Role.MUNICIPALITIES)
    canvas.zoom_to_extent(munis.bounds)
    region_view = canvas.view
    street_view = View(region_view.cx, region_view.cy, 2.0)
    layers = canvas.visible_layers()
    net = project.layers.first(Role.BIKE_NETWORK)
    housing = project.layers.first(Role.HOUSING)
    rows = []
    for label, view in (("region", region_view), ("street (2 m/px)", street_view)):
        first = _first_render(canvas, view)
        redraw = _median(lambda v=view: canvas.render_image(view=v))
        extent = view.extent(W, H)
        mpl = _median(lambda e=extent: _matplotlib(layers, e), repeat=2)
        rows.append((label, first, redraw, mpl))

    # one paint while dragging: the cached image translated
    pan = _drag_frame(app, canvas, region_view)

    lines = [
        "## Map canvas (benchmarks/canvas.py)",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}. "
        f"Embedded region: {len(net):,} links, {len(housing):,} housing points, {len(layers)} visible layers; "
        f"image {W}x{H}. Median of {REPEAT} runs (matplotlib: 2).",
        "",
        "| zoom | QPainter first render (builds paths) | QPainter redraw | matplotlib Agg redraw | matplotlib / QPainter |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, first, redraw, mpl in rows:
        lines.append(
            f"| {label} | {first * 1000:.0f} ms | {redraw * 1000:.0f} ms | {mpl * 1000:.0f} ms | {mpl / redraw:.0f}× |"
        )
    lines += [
        "",
        f"While dragging, a frame translates the cached image: {pan * 1000:.1f} ms per paint "
        "(overlays, scale bar and banner included); the sharp image is re-rendered when the user pauses.",
    ]
    section = "\n".join(lines)
    print(section)
    write_section("canvas", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
