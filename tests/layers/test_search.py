"""Searching names in the loaded layers."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import LineString, Point

from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.roles import Role
from slimmeregio.layers.search import search_names


def _layers() -> list[Layer]:
    streets = gpd.GeoDataFrame(
        {"naam": ["Kerkstraat", "Kerkstraat", "Stationsstraat", None, "Grote Markt"]},
        geometry=[
            LineString([(0, 0), (100, 0)]),
            LineString([(100, 0), (100, 250)]),
            LineString([(500, 500), (600, 500)]),
            LineString([(0, 0), (1, 1)]),
            LineString([(900, 900), (950, 950)]),
        ],
        crs=ANALYSIS_CRS,
    )
    places = gpd.GeoDataFrame(
        {"name": ["Sint-Genesius-Rode", "Rhode-Saint-Genèse"], "other": ["x", "kerk"]},
        geometry=[Point(10, 10), Point(20, 20)],
        crs=ANALYSIS_CRS,
    )
    return [
        Layer("straten", streets, Role.BIKE_NETWORK, {"name": "naam"}),
        Layer("plaatsen", places, Role.OTHER, {}),
    ]


def test_pieces_of_one_street_are_one_hit_covering_them_all():
    hits = search_names(_layers(), "kerk")
    assert [h.text for h in hits] == ["Kerkstraat"]  # the 'other' column is not a name column
    assert hits[0].positions == (0, 1)
    assert hits[0].bounds == (0.0, 0.0, 100.0, 250.0)


def test_prefix_first_case_and_accents_ignored():
    assert [h.text for h in search_names(_layers(), "STRAAT")] == ["Kerkstraat", "Stationsstraat"]
    assert [h.text for h in search_names(_layers(), "stat")] == ["Stationsstraat"]
    assert [h.text for h in search_names(_layers(), "genese")] == ["Rhode-Saint-Genèse"]
    assert [h.text for h in search_names(_layers(), "rode")] == ["Sint-Genesius-Rode"]


def test_too_short_or_unknown_text_finds_nothing():
    assert search_names(_layers(), "k") == []
    assert search_names(_layers(), "Brussel") == []
