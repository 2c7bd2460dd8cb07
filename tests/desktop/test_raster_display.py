"""A GeoTIFF a planner adds is drawn in a default ramp and has a legend entry
(issue 13, defect 7)."""

from __future__ import annotations

import numpy as np

from .conftest import STEP, X0, Y0
from .helpers import press_ok, when_modal


def _write_tif(path):
    import rasterio
    from rasterio.transform import from_origin

    data = np.zeros((40, 40), dtype="float32")
    data[:20, :] = 500.0  # the northern half is dense, the south empty
    transform = from_origin(X0, Y0 + 8 * STEP, 200.0, 200.0)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=40,
        width=40,
        count=1,
        dtype="float32",
        crs="EPSG:31370",
        transform=transform,
        nodata=-1,
    ) as dst:
        dst.write(data, 1)


def test_added_geotiff_is_drawn_in_a_ramp_with_a_legend(window, qtbot, tmp_path):
    path = tmp_path / "dichtheid.tif"
    _write_tif(path)
    for layer in list(window.project.layers):  # an empty map, so the raster's pixels are its own
        layer.visible = False
        window.project.layers.changed(layer.name, "visible")
    window.canvas.zoom_to_extent((X0, Y0, X0 + 8 * STEP, Y0 + 8 * STEP))
    empty = window.canvas.grab().toImage()
    seen = when_modal(press_ok, tries=1000)
    window.load_layer_file(path)
    qtbot.waitUntil(lambda: "dichtheid" in window.project.layers, timeout=20_000)
    assert seen
    layer = window.project.layers["dichtheid"]
    assert layer.is_raster and layer.visible
    window.canvas.update()
    qtbot.wait(50)
    image = window.canvas.grab().toImage()
    north = window.canvas.map_to_pixel(X0 + 4 * STEP, Y0 + 6 * STEP).toPoint()
    south = window.canvas.map_to_pixel(X0 + 4 * STEP, Y0 + 1 * STEP).toPoint()
    # dense cells are painted (changed from the empty map), empty cells are not
    assert image.pixelColor(north) != empty.pixelColor(north)
    assert image.pixelColor(south) == empty.pixelColor(south)
    from slimmeregio.desktop.mapcanvas import raster_legend

    title, rows = raster_legend(layer)
    assert title == "dichtheid" and len(rows) == 5
    # the legend is on screen: the lower right corner changed too
    corner = window.canvas.rect().bottomRight()
    probe = corner - type(corner)(40, 30)
    assert image.pixelColor(probe) != empty.pixelColor(probe)
