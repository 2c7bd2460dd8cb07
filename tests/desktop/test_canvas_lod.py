"""Level of detail on the canvas: big layers drawn through a layer image that
panning reuses, looking the same as drawing them directly; points thinned
to one per pixel; labels drawn from sprites."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from PyQt6.QtCore import QSize
from PyQt6.QtGui import QImage
from shapely.geometry import LineString, Point

from slimmeregio.desktop import maplod
from slimmeregio.desktop.mapcanvas import MapCanvas, View
from slimmeregio.layers.model import Layer, LayerList
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import default_style

from .conftest import X0, Y0


def _arr(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    return np.frombuffer(bits, np.uint8).reshape(image.height(), image.width(), 4).copy()


def _big_layers(n: int = 25_000) -> LayerList:
    rng = np.random.default_rng(3)
    x = rng.uniform(X0, X0 + 9000, n)
    y = rng.uniform(Y0, Y0 + 9000, n)
    lines = [LineString([(a, b), (a + 60, b + 35)]) for a, b in zip(x, y, strict=True)]
    net = Layer(
        "netwerk",
        gpd.GeoDataFrame({"k": ["lokaal"] * n}, geometry=lines, crs="EPSG:31370"),
        Role.BIKE_NETWORK,
        {"link_class": "k"},
    )
    pts = Layer(
        "adressen",
        gpd.GeoDataFrame(
            {"w": np.ones(n)},
            geometry=[Point(a, b) for a, b in zip(y, x, strict=True)],
            crs="EPSG:31370",
        ),
        Role.HOUSING,
        {"dwellings": "w"},
    )
    return LayerList([net.replace(style=default_style(net)), pts.replace(style=default_style(pts))])


@pytest.mark.parametrize("res", [12.0, 3.0])
def test_layer_image_looks_like_direct_drawing_and_panning_reuses_it(qapp, monkeypatch, res):
    # lines only: how many points are in view decides their symbol (round or square), and
    # the layer image holds more of them than the view
    layers = LayerList([layer for layer in _big_layers() if layer.name == "netwerk"])
    canvas = MapCanvas(layers)
    canvas.show_labels = False
    size = QSize(400, 300)
    start = View(X0 + 4500, Y0 + 4500, res)
    canvas.render_image(size=size, view=start)
    images = [g.lod_image for g in canvas._graphics.values()]
    assert all(img is not None for img in images)
    # a pan of whole pixels within the margin reuses both images ...
    moved = View(start.cx + 37 * res, start.cy - 21 * res, res)
    cached = canvas.render_image(size=size, view=moved)
    assert [g.lod_image for g in canvas._graphics.values()] == images
    # ... and gives exactly the pixels of a layer image made for the moved view ...
    fresh = MapCanvas(layers)
    fresh.show_labels = False
    assert _arr(fresh.render_image(size=size, view=moved)).tobytes() == _arr(cached).tobytes()
    # ... and, up to the rounding of compositing through an image, those of drawing directly
    monkeypatch.setattr(maplod, "HEAVY_FEATURES", 10**9)
    direct = MapCanvas(layers)
    direct.show_labels = False
    plain = direct.render_image(size=size, view=moved)
    assert all(getattr(g, "lod_image", None) is None for g in direct._graphics.values())
    diff = np.abs(_arr(cached).astype(int) - _arr(plain).astype(int)).max(axis=2)
    assert (diff > 24).mean() < 0.005 and diff.mean() < 2.0
    # a new scale draws the images afresh
    monkeypatch.setattr(maplod, "HEAVY_FEATURES", 20_000)
    canvas.render_image(size=size, view=View(moved.cx, moved.cy, res * 1.5))
    assert all(
        g.lod_image is not old for g, old in zip(canvas._graphics.values(), images, strict=True)
    )


def test_a_pan_beyond_the_margin_renders_the_image_again(qapp):
    canvas = MapCanvas(_big_layers())
    size = QSize(400, 300)
    view = View(X0 + 4500, Y0 + 4500, 5.0)
    canvas.render_image(size=size, view=view)
    first = [g.lod_image for g in canvas._graphics.values()]
    far = View(view.cx + 400 * view.res, view.cy, view.res)  # a whole view to the east
    canvas.render_image(size=size, view=far)
    assert all(
        g.lod_image is not old for g, old in zip(canvas._graphics.values(), first, strict=True)
    )


def test_dense_points_are_thinned_to_one_per_pixel_without_losing_a_pixel(qapp, monkeypatch):
    from slimmeregio.desktop import maprender

    layers = LayerList([layer for layer in _big_layers(40_000) if layer.name == "adressen"])
    canvas = MapCanvas(layers)
    canvas.show_labels = False
    size = QSize(300, 300)
    view = View(X0 + 4500, Y0 + 4500, 40.0)  # every point in view, ~1.2 points per pixel
    monkeypatch.setattr(maplod, "HEAVY_FEATURES", 10**9)
    thinned = _arr(canvas.render_image(size=size, view=view))
    monkeypatch.setattr(maprender, "_THIN_POINTS", 10**9)
    canvas._graphics.clear()
    full = _arr(canvas.render_image(size=size, view=view))
    # the same pixels are covered (a point drawn once per pixel cell)
    assert (thinned != full).any(axis=2).mean() < 0.01
