"""Fixtures for the layer-loading tests: small files built in tmp_path and
the open-data sources shipped in resources/sources (the region's build inputs)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely import LineString, Point, Polygon

REPO = Path(__file__).resolve().parents[2]

#: Halle station and Vilvoorde station, WGS84 lon/lat (approximate).
HALLE_LONLAT = (4.2400, 50.7334)
VILVOORDE_LONLAT = (4.4294, 50.9263)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The open-data files (unchanged copies, see tests/resources/test_build.py); missing files fail."""
    from slimmeregio.resources import SOURCES_DIR

    assert (SOURCES_DIR / "SOURCES.md").is_file(), (
        f"the shipped sources are missing from {SOURCES_DIR}"
    )
    return SOURCES_DIR


def to_crs(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Independent reference: pyproj directly, lon/lat -> crs."""
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    return float(x), float(y)


@pytest.fixture
def lambert_points() -> gpd.GeoDataFrame:
    """Two stations as points in Lambert 72, with Flemish column names."""
    halle = to_crs(*HALLE_LONLAT, "EPSG:31370")
    vilvoorde = to_crs(*VILVOORDE_LONLAT, "EPSG:31370")
    return gpd.GeoDataFrame(
        {"Naam": ["Halle", "Vilvoorde"], "treinen_per_dag": [310, 280]},
        geometry=[Point(halle), Point(vilvoorde)],
        crs="EPSG:31370",
    )


@pytest.fixture
def bike_lines() -> gpd.GeoDataFrame:
    a = to_crs(*HALLE_LONLAT, "EPSG:31370")
    b = to_crs(*VILVOORDE_LONLAT, "EPSG:31370")
    return gpd.GeoDataFrame(
        {"klasse": ["fietssnelweg", "lokaal"], "naam": ["F20", "Kerkstraat"]},
        geometry=[LineString([a, b]), LineString([a, (a[0] + 500, a[1] + 500)])],
        crs="EPSG:31370",
    )


@pytest.fixture
def municipalities() -> gpd.GeoDataFrame:
    x, y = to_crs(*HALLE_LONLAT, "EPSG:31370")
    square = Polygon(
        [(x - 2000, y - 2000), (x + 2000, y - 2000), (x + 2000, y + 2000), (x - 2000, y + 2000)]
    )
    return gpd.GeoDataFrame(
        {"NISCODE": ["23027"], "NAAM": ["Halle"], "inwoners": [40000]},
        geometry=[square],
        crs="EPSG:31370",
    )
