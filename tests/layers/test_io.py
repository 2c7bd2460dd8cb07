"""load_layers on every supported format, built in tmp_path."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely import Point

from slimmeregio.layers import Layer, Role, load_layers
from slimmeregio.layers.errors import LayerNotFoundError
from slimmeregio.layers.model import RasterData

from .conftest import HALLE_LONLAT, VILVOORDE_LONLAT, to_crs


def _xy(layer: Layer) -> np.ndarray:
    return np.column_stack([layer.frame.geometry.x, layer.frame.geometry.y])


def test_geopackage_every_spatial_layer_and_named_layer(
    tmp_path: Path, lambert_points: gpd.GeoDataFrame, bike_lines: gpd.GeoDataFrame
) -> None:
    path = tmp_path / "regio.gpkg"
    lambert_points.to_file(path, layer="stations")
    bike_lines.to_file(path, layer="fietsroutes")
    pyogrio.write_dataframe(pd.DataFrame({"k": [1, 2]}), path, layer="tabel")

    layers = load_layers(path)
    assert [layer.name for layer in layers] == ["stations", "fietsroutes"]  # table skipped
    stations, bikes = layers
    assert stations.role is Role.STATIONS
    assert stations.fields == {"name": "Naam", "trains_per_day": "treinen_per_dag"}
    assert stations.original_crs == "EPSG:31370" and not stations.crs_guessed
    assert stations.source == path and stations.source_layer == "stations"
    np.testing.assert_allclose(_xy(stations), [p.coords[0] for p in lambert_points.geometry])
    assert bikes.role is Role.BIKE_NETWORK and bikes.fields["link_class"] == "klasse"
    assert len(stations.report) == 0

    only = load_layers(path, layer="fietsroutes")
    assert [layer.name for layer in only] == ["fietsroutes"]
    with pytest.raises(LayerNotFoundError) as info:
        load_layers(path, layer="bestaatniet")
    assert "stations" in info.value.full_message("nl")


def test_geojson_is_reprojected_to_lambert72(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["Halle", "Vilvoorde"]},
        geometry=[Point(HALLE_LONLAT), Point(VILVOORDE_LONLAT)],
        crs="EPSG:4326",
    )
    path = tmp_path / "punten.geojson"
    frame.to_file(path)
    (layer,) = load_layers(path)
    assert layer.frame.crs.to_epsg() == 31370
    assert layer.original_crs == "EPSG:4326" and not layer.crs_guessed
    expected = [to_crs(*HALLE_LONLAT, "EPSG:31370"), to_crs(*VILVOORDE_LONLAT, "EPSG:31370")]
    np.testing.assert_allclose(_xy(layer), expected, atol=0.01)
    assert not layer.report.has("outside_belgium")


def _topojson(path: Path) -> None:
    x, y = HALLE_LONLAT
    ring = [
        [x - 0.02, y - 0.02],
        [x + 0.02, y - 0.02],
        [x + 0.02, y + 0.02],
        [x - 0.02, y + 0.02],
        [x - 0.02, y - 0.02],
    ]
    ring2 = [[c[0] + 0.1, c[1]] for c in ring]
    topo = {
        "type": "Topology",
        "objects": {
            "municipalities": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "properties": {"nis": "23027", "name_nl": "Halle", "population": "40123"},
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[1]],
                        "properties": {
                            "nis": "23003",
                            "name_nl": "Beersel",
                            "population": "onbekend",
                        },
                    },
                ],
            },
            "provinces": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0]],
                        "properties": {"nis": "20001", "name_nl": "Vlaams-Brabant"},
                    }
                ],
            },
        },
        "arcs": [ring, ring2],
    }
    path.write_text(json.dumps(topo))


def test_topojson_all_objects_guessed_crs_and_string_population(tmp_path: Path) -> None:
    path = tmp_path / "gemeenten.topojson"
    _topojson(path)
    layers = load_layers(path)
    assert [layer.name for layer in layers] == ["municipalities", "provinces"]
    mun = layers[0]
    assert mun.crs_guessed and mun.original_crs == "EPSG:4326"
    assert mun.report.has("crs_guessed")
    assert mun.role is Role.MUNICIPALITIES
    assert mun.fields == {"nis": "nis", "name": "name_nl", "population": "population"}
    population = mun.column("population")
    assert population.dtype == np.int64
    assert population.tolist() == [40123, 0]  # "onbekend" is not a number
    assert mun.report.count("non_numeric") == 1
    assert layers[1].role is Role.OTHER  # no population: not a municipality layer
    # Reprojected: the Halle square's centre lands where pyproj puts Halle.
    centre = mun.frame.geometry.iloc[0].centroid
    np.testing.assert_allclose((centre.x, centre.y), to_crs(*HALLE_LONLAT, "EPSG:31370"), atol=5)


def test_shapefile_without_prj_gets_lambert72_guessed(
    tmp_path: Path, lambert_points: gpd.GeoDataFrame
) -> None:
    path = tmp_path / "haltes.shp"
    lambert_points.to_file(path)
    path.with_suffix(".prj").unlink()
    (layer,) = load_layers(path)
    assert layer.crs_guessed and layer.original_crs == "EPSG:31370"
    np.testing.assert_allclose(_xy(layer), [p.coords[0] for p in lambert_points.geometry])
    assert layer.name == "haltes"


def test_shapefile_in_lambert2008_is_reprojected(tmp_path: Path) -> None:
    x, y = to_crs(*HALLE_LONLAT, "EPSG:3812")
    frame = gpd.GeoDataFrame({"woningen": [12]}, geometry=[Point(x, y)], crs="EPSG:3812")
    path = tmp_path / "project.shp"
    frame.to_file(path)
    (layer,) = load_layers(path)
    assert layer.original_crs == "EPSG:3812" and not layer.crs_guessed
    np.testing.assert_allclose(_xy(layer)[0], to_crs(*HALLE_LONLAT, "EPSG:31370"), atol=0.5)
    assert layer.role is Role.HOUSING and layer.fields["dwellings"] == "woningen"


def test_folder_and_zip_of_shapefiles(
    tmp_path: Path, lambert_points: gpd.GeoDataFrame, bike_lines: gpd.GeoDataFrame
) -> None:
    folder = tmp_path / "lagen"
    folder.mkdir()
    lambert_points.to_file(folder / "stations.shp")
    bike_lines.to_file(folder / "fietsnet.shp")
    layers = load_layers(folder)
    assert sorted(layer.name for layer in layers) == ["fietsnet", "stations"]
    assert {layer.name: layer.role for layer in layers} == {
        "fietsnet": Role.BIKE_NETWORK,
        "stations": Role.STATIONS,
    }
    assert [layer.name for layer in load_layers(folder, layer="stations")] == ["stations"]

    archive = tmp_path / "lagen.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in folder.iterdir():
            zf.write(file, f"data/{file.name}")
    zipped = load_layers(archive)
    assert sorted(layer.name for layer in zipped) == ["fietsnet", "stations"]
    assert all(layer.source == archive for layer in zipped)
    stations = next(layer for layer in zipped if layer.name == "stations")
    assert stations.source_layer == "stations"
    np.testing.assert_allclose(_xy(stations), [p.coords[0] for p in lambert_points.geometry])
    assert [layer.name for layer in load_layers(archive, layer="fietsnet")] == ["fietsnet"]


def test_geotiff_metadata_at_once_pixels_lazily(tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "bevolking.tif"
    pixels = np.arange(12, dtype="float32").reshape(3, 4)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=4,
        height=3,
        count=1,
        dtype="float32",
        crs="EPSG:31370",
        transform=from_origin(140_000, 170_000, 100, 100),
        nodata=-1,
    ) as dst:
        dst.write(pixels, 1)
    (layer,) = load_layers(path)
    assert isinstance(layer.data, RasterData)
    assert layer.role is Role.POPULATION_GRID
    assert (layer.data.width, layer.data.height, layer.data.count) == (4, 3, 1)
    assert layer.data.crs == "EPSG:31370" and layer.data.nodata == -1
    assert layer.bounds == (140_000, 169_700, 140_400, 170_000)
    np.testing.assert_array_equal(layer.data.read(1), pixels)
    assert float(layer.data.read(1).sum()) == 66.0


def test_geotiff_without_crs_gets_it_guessed(tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "raster.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=2,
        height=2,
        count=1,
        dtype="uint8",
        transform=from_origin(150_000, 170_000, 10, 10),
    ) as dst:
        dst.write(np.ones((2, 2), dtype="uint8"), 1)
    (layer,) = load_layers(path)
    assert layer.crs_guessed and layer.original_crs == "EPSG:31370"
    assert layer.role is Role.OTHER


def test_role_and_fields_override(tmp_path: Path, lambert_points: gpd.GeoDataFrame) -> None:
    path = tmp_path / "punten.gpkg"
    lambert_points.assign(aantal=["5", "7"]).to_file(path)
    (layer,) = load_layers(path, role="housing", fields={"dwellings": "aantal"})
    assert layer.role is Role.HOUSING
    assert layer.fields["dwellings"] == "aantal"
    assert layer.column("dwellings").tolist() == [5, 7]


def test_explicit_crs_overrides_declared(tmp_path: Path) -> None:
    x, y = to_crs(*HALLE_LONLAT, "EPSG:3812")
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(x, y)], crs="EPSG:31370")  # wrong
    path = tmp_path / "fout.gpkg"
    frame.to_file(path)
    (wrong,) = load_layers(path)
    assert wrong.report.has("outside_belgium")
    assert "EPSG:3812" in next(e for e in wrong.report if e.kind == "outside_belgium").en
    (right,) = load_layers(path, crs="lambert2008")
    assert right.original_crs == "EPSG:3812" and right.report.has("crs_overridden")
    np.testing.assert_allclose(_xy(right)[0], to_crs(*HALLE_LONLAT, "EPSG:31370"), atol=0.5)
    assert not right.report.has("outside_belgium")


def test_progress_is_reported_and_cancel_stops(
    tmp_path: Path, lambert_points: gpd.GeoDataFrame
) -> None:
    from slimmeregio.layers.errors import OperationCancelled

    path = tmp_path / "p.gpkg"
    lambert_points.to_file(path, layer="a")
    lambert_points.to_file(path, layer="b")
    seen: list[float] = []
    load_layers(path, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(OperationCancelled):
        load_layers(path, cancel=lambda: True)


def test_shapefile_cp1252_without_cpg_is_decoded_as_cp1252(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"naam": ["Café Sint-Genesius-Rode", "Zaventem €-zone"]},
        geometry=[Point(150_000, 170_000), Point(150_010, 170_000)],
        crs=31370,
    )
    path = tmp_path / "cafes.shp"
    frame.to_file(path, encoding="cp1252")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    assert "€".encode("cp1252") in path.with_suffix(".dbf").read_bytes()
    (layer,) = load_layers(path)
    assert layer.frame["naam"].tolist() == ["Café Sint-Genesius-Rode", "Zaventem €-zone"]


def test_shapefile_utf8_without_cpg_is_decoded_as_utf8(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"naam": ["Café €"]}, geometry=[Point(150_000, 170_000)], crs=31370)
    path = tmp_path / "utf.shp"
    frame.to_file(path, encoding="utf-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    (layer,) = load_layers(path)
    assert layer.frame["naam"].tolist() == ["Café €"]


def test_shapefile_without_dbf_is_reported(
    tmp_path: Path, lambert_points: gpd.GeoDataFrame
) -> None:
    path = tmp_path / "zonder.shp"
    lambert_points[["geometry"]].to_file(path)
    path.with_suffix(".dbf").unlink()
    (layer,) = load_layers(path)
    assert len(layer) == 2 and layer.report.has("dbf_missing")


def test_huge_counts_are_not_wrapped_into_int64(tmp_path: Path) -> None:
    path = tmp_path / "woningen.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"woningen": 1e30}, "geometry": {"type": "Point", "coordinates": [4.24, 50.73]}},'
        '{"type": "Feature", "properties": {"woningen": -4}, "geometry": {"type": "Point", "coordinates": [4.25, 50.74]}}]}'
    )
    (layer,) = load_layers(path)
    assert layer.column("dwellings").tolist() == [1e30, -4.0]
    assert layer.report.count("negative_values") == 1


def test_truncated_geotiff_fails_at_load(tmp_path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    from slimmeregio.layers.errors import CorruptFileError

    path = tmp_path / "heel.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=200,
        height=200,
        count=1,
        dtype="float32",
        crs="EPSG:31370",
        transform=from_origin(140_000, 170_000, 10, 10),
    ) as dst:
        dst.write(np.random.default_rng(0).random((200, 200), dtype="float32"), 1)
    data = path.read_bytes()
    cut = tmp_path / "afgebroken.tif"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptFileError):
        load_layers(cut)
