"""The embedded region's public transport layer: derived station frequencies and
illustrative rides and bus stops, against hand computations on small frames."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.region import load_region
from slimmeregio.layers.roles import Role
from slimmeregio.resources.build_transit import TRANSIT_ILLUSTRATIVE, transit_layer

CRS = "EPSG:31370"


def _inputs():
    stations = gpd.GeoDataFrame(
        {
            "station_id": ["1", "2", "3"],
            "naam": ["Brussel-Zuid", "Halle", "Dorp"],
            "treinen_per_dag": [950.0, 190.0, 0.0],
        },
        geometry=[
            shapely.Point(148_000, 168_000),
            shapely.Point(148_000 + 12_000, 168_000),
            shapely.Point(150_000, 160_000),
        ],
        crs=CRS,
    )
    deel = gpd.GeoDataFrame(
        {
            "postcode": ["1500", "1501", "1502"],
            "naam": ["Halle", "Buizingen", "Lembeek"],
            "nis": ["23027", "23027", "23027"],
        },
        geometry=[
            shapely.Point(140_000, 158_000),
            shapely.Point(141_000, 158_000),
            shapely.Point(142_000, 158_000),
        ],
        crs=CRS,
    )
    return stations, deel, np.array([20_000.0, 5_000.0, 2_999.0])


def test_stations_get_derived_frequencies_and_an_illustrative_ride() -> None:
    layer = transit_layer(*_inputs()).set_index("stop_id")
    halle = layer.loc["st-2"]
    # 190 trains a day over 19 service hours = 10 an hour; peaks x 1.4, day x 0.9, evening x 0.6.
    assert (halle["per_uur_ochtendspits"], halle["per_uur_dag"], halle["per_uur_avond"]) == (
        14.0,
        9.0,
        6.0,
    )
    # 12 km straight x 1.25 at 60 km/h = 15 min, + 2 min.
    assert halle["rit_min_brussel"] == pytest.approx(17.0)
    assert layer.loc["st-1", "rit_min_brussel"] == 0.0  # the main station itself
    assert math.isnan(layer.loc["st-3", "rit_min_brussel"])  # no trains stop there
    assert halle["modi"] == "trein" and "iRail" in halle["source"]


def test_bus_stops_by_locality_population() -> None:
    layer = transit_layer(*_inputs())
    bus = layer[layer["modi"] == "bus"].set_index("naam")
    assert bus.loc["Halle centrum", "per_uur_ochtendspits"] == 4.0  # >= 10 000 inhabitants
    assert bus.loc["Buizingen centrum", "per_uur_ochtendspits"] == 2.0  # >= 3 000
    assert bus.loc["Lembeek centrum", "per_uur_ochtendspits"] == 1.0  # fewer
    assert (bus["source"] == TRANSIT_ILLUSTRATIVE).all()
    rates = json.loads(bus.loc["Halle centrum", "per_lijn"])
    assert rates == {
        "lijn 23027": {"ochtendspits": 4.0, "dag": 2.0, "avondspits": 4.0, "avond": 1.0}
    }


def test_the_region_loads_it_as_public_transport_stops_marked_illustrative() -> None:
    project = load_region()
    layer = project.layers.first(Role.PT_STOPS)
    assert layer is not None and layer.name == "ov_haltes"
    assert layer.note  # the illustrative-data note every screen and export shows
    frame = layer.frame
    assert set(frame["modi"]) == {"trein", "bus"}
    assert (frame.loc[frame["modi"] == "bus", "source"] == TRANSIT_ILLUSTRATIVE).all()
    stations = project.layers.first(Role.STATIONS).frame
    assert (frame["modi"] == "trein").sum() == len(stations)
