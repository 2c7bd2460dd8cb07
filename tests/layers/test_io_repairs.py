"""Geometry repairs and extent checks, counted in the layer report."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely import LineString, MultiLineString, Point, Polygon

from slimmeregio.layers import load_layers

from .conftest import HALLE_LONLAT, to_crs

X, Y = to_crs(*HALLE_LONLAT, "EPSG:31370")


def _write(tmp_path: Path, frame: gpd.GeoDataFrame, name: str = "laag.gpkg") -> Path:
    path = tmp_path / name
    frame.to_file(path)
    return path


def test_invalid_polygon_is_made_valid(tmp_path: Path) -> None:
    # A bow-tie: two triangles of 100 x 50 / 2 m² each, crossing at one point.
    bowtie = Polygon([(X, Y), (X + 100, Y + 100), (X + 100, Y), (X, Y + 100), (X, Y)])
    square = Polygon([(X, Y), (X + 10, Y), (X + 10, Y + 10), (X, Y + 10)])
    path = _write(tmp_path, gpd.GeoDataFrame({"a": [1, 2]}, geometry=[bowtie, square], crs=31370))
    (layer,) = load_layers(path)
    assert layer.report.count("invalid_repaired") == 1
    assert bool(layer.frame.geometry.is_valid.all())
    assert layer.frame.geometry.iloc[0].area == 5000.0  # 2 x (100 x 50 / 2)
    assert layer.frame.geometry.iloc[1].area == 100.0


def test_3d_is_dropped_to_2d(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"a": [1, 2]}, geometry=[Point(X, Y, 30.0), Point(X + 1, Y + 1)], crs=31370
    )
    (layer,) = load_layers(_write(tmp_path, frame))
    assert layer.report.count("z_dropped") == 1
    assert not bool(shapely.has_z(np.asarray(layer.frame.geometry.array)).any())
    assert (layer.frame.geometry.iloc[0].x, layer.frame.geometry.iloc[0].y) == (X, Y)


def test_empty_and_missing_geometries_are_dropped(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"a": [1, 2, 3]}, geometry=[Point(X, Y), None, Point()], crs=31370)
    (layer,) = load_layers(_write(tmp_path, frame))
    assert len(layer) == 1 and layer.frame["a"].tolist() == [1]
    assert layer.report.count("empty_dropped") == 2


def test_single_point_lines_are_dropped(tmp_path: Path) -> None:
    lon, lat = HALLE_LONLAT
    features = [
        {
            "type": "Feature",
            "properties": {"klasse": "lokaal"},
            "geometry": {"type": "LineString", "coordinates": [[lon, lat]]},
        },
        {
            "type": "Feature",
            "properties": {"klasse": "lokaal"},
            "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon, lat]]},
        },
        {
            "type": "Feature",
            "properties": {"klasse": "bovenlokaal"},
            "geometry": {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.01, lat]]},
        },
    ]
    path = tmp_path / "fietsroutes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    (layer,) = load_layers(path)
    assert len(layer) == 1 and layer.frame["klasse"].tolist() == ["bovenlokaal"]
    assert layer.report.count("single_point_line_dropped") == 2
    assert not layer.report.has("empty_dropped")


def test_multi_part_lines_keep_their_good_parts(tmp_path: Path) -> None:
    good = LineString([(X, Y), (X + 100, Y)])
    degenerate = LineString([(X + 5, Y + 5), (X + 5, Y + 5)])
    frame = gpd.GeoDataFrame(
        {"klasse": ["lokaal"]}, geometry=[MultiLineString([good, degenerate])], crs=31370
    )
    (layer,) = load_layers(_write(tmp_path, frame))
    geom = layer.frame.geometry.iloc[0]
    assert geom.length == 100.0
    assert layer.report.count("single_point_line_dropped") == 1


def test_mixed_geometry_types_are_reported(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"woningen": [3, 40]},
        geometry=[Point(X, Y), Polygon([(X, Y), (X + 10, Y), (X + 10, Y + 10)])],
        crs=31370,
    )
    path = tmp_path / "woningen.geojson"
    frame.to_file(path)
    (layer,) = load_layers(path)
    assert layer.report.has("mixed_geometry")
    assert len(layer) == 2


def test_swapped_geojson_is_fixed(tmp_path: Path) -> None:
    lon, lat = HALLE_LONLAT
    path = tmp_path / "fout.geojson"
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [lat, lon]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    (layer,) = load_layers(path)
    assert layer.report.has("lonlat_swapped")
    np.testing.assert_allclose(
        (layer.frame.geometry.iloc[0].x, layer.frame.geometry.iloc[0].y), (X, Y), atol=0.01
    )


def test_few_features_abroad_are_flagged(tmp_path: Path) -> None:
    paris = to_crs(2.3522, 48.8566, "EPSG:31370")
    frame = gpd.GeoDataFrame(
        {"name": ["Halle", "Paris-Nord", "Vilvoorde"]},
        geometry=[Point(X, Y), Point(paris), Point(X + 20_000, Y + 20_000)],
        crs=31370,
    )
    (layer,) = load_layers(_write(tmp_path, frame))
    entry = next(e for e in layer.report if e.kind == "outside_belgium")
    assert entry.count == 1 and "1 van de 3" in entry.nl and "border" in entry.en


def test_unknown_crs_is_assumed_and_reported(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(5_000_000, 9_000_000)])
    path = tmp_path / "vreemd.shp"
    frame.to_file(path)
    (layer,) = load_layers(path)
    assert layer.report.has("crs_unknown") and layer.report.has("outside_belgium")
    assert layer.original_crs is None and not layer.crs_guessed


def test_geojson_with_lambert_coordinates_gets_its_crs_guessed(tmp_path: Path) -> None:
    """GeoJSON always claims WGS84; Lambert numbers cannot be degrees."""
    path = tmp_path / "lambert.geojson"
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [X, Y]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    (layer,) = load_layers(path)
    assert layer.crs_guessed and layer.original_crs == "EPSG:31370"
    entry = next(e for e in layer.report if e.kind == "crs_guessed")
    assert "not degrees" in entry.en
    np.testing.assert_allclose(
        (layer.frame.geometry.iloc[0].x, layer.frame.geometry.iloc[0].y), (X, Y)
    )
