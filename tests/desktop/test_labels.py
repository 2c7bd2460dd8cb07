"""Labels from a layer's label settings: where they go and how often a
street's name repeats."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
from PyQt6.QtCore import QSize
from shapely.geometry import LineString, MultiLineString, Point

from slimmeregio.desktop.mapcanvas import MapCanvas, View
from slimmeregio.desktop.maplabels import field_anchors
from slimmeregio.layers.model import Layer, LayerList
from slimmeregio.layers.roles import Role

from .conftest import X0, Y0


def test_anchors_at_the_middle_of_a_line_and_of_the_longest_part_of_a_multiline():
    frame = gpd.GeoDataFrame(
        {"naam": ["a", "b", None, "d"]},
        geometry=[
            LineString([(0, 0), (100, 0)]),
            MultiLineString(
                [[(0, 10), (10, 10)], [(0, 20), (0, 80)]]
            ),  # longest part: x = 0, y 20..80
            LineString([(5, 5), (6, 6)]),
            Point(7, 7),
        ],
        crs="EPSG:31370",
    )
    layer = Layer("l", frame, Role.OTHER, {})
    assert field_anchors(layer, "naam") == [("a", 50.0, 0.0), ("b", 0.0, 50.0), ("d", 7.0, 7.0)]
    assert field_anchors(layer, "nope") == []


def test_a_street_of_many_pieces_is_named_once_per_300_pixels(qapp):
    pieces = [LineString([(X0 + 100 * i, Y0), (X0 + 100 * (i + 1), Y0)]) for i in range(10)]
    frame = gpd.GeoDataFrame({"naam": ["Kerkstraat"] * 10}, geometry=pieces, crs="EPSG:31370")
    layer = Layer("straten", frame, Role.OTHER, {})
    layer.style = dataclasses.replace(layer.style, label_field="naam", label_size=9.0)
    canvas = MapCanvas(LayerList([layer]))
    # 1 m per pixel: the pieces' middles at 50, 150, ... 950 px from the street's start
    canvas.render_image(size=QSize(1200, 300), view=View(X0 + 500, Y0, 1.0))
    # by hand: 50 px, then the first middle at least 300 px further: 350, 650, 950
    assert canvas.drawn_labels == ["Kerkstraat"] * 4
    xs = sorted(r.center().x() for r in canvas.drawn_label_rects)
    assert xs == pytest.approx([100 + 50, 100 + 350, 100 + 650, 100 + 950], abs=1.0)


def test_labels_respect_their_scale_range(qapp):
    frame = gpd.GeoDataFrame({"naam": ["Halle"]}, geometry=[Point(X0, Y0)], crs="EPSG:31370")
    layer = Layer("plaatsen", frame, Role.HOUSING, {})
    layer.style = dataclasses.replace(layer.style, label_field="naam", label_max_scale=20_000.0)
    canvas = MapCanvas(LayerList([layer]))
    canvas.render_image(size=QSize(400, 300), view=View(X0, Y0, 2.0))  # about 1:7,600
    assert canvas.drawn_labels == ["Halle"]
    canvas.render_image(size=QSize(400, 300), view=View(X0, Y0, 10.0))  # about 1:38,000
    assert canvas.drawn_labels == []
