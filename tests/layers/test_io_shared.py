"""load_layers on the real open data (the copies shipped in resources/sources), checked against
figures from SOURCES.md and plain pandas/json reads of the same files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from slimmeregio.layers import Role, load_layers
from slimmeregio.layers.crs import inside_belgium
from slimmeregio.layers.errors import MissingCoordinatesError


@pytest.fixture(scope="module")
def topo_layers(shared_data: Path) -> list:  # type: ignore[type-arg]
    return load_layers(shared_data / "belgium-municipalities.topojson")


def test_municipalities(topo_layers: list, shared_data: Path) -> None:  # type: ignore[type-arg]
    assert [layer.name for layer in topo_layers] == [
        "municipalities",
        "arrondissements",
        "provinces",
    ]
    mun = topo_layers[0]
    assert len(mun) == 581 and mun.role is Role.MUNICIPALITIES
    assert mun.crs_guessed and mun.original_crs == "EPSG:4326"
    assert bool(mun.frame.geometry.is_valid.all())
    # Halle-Vilvoorde: 35 municipalities, 643,766 inhabitants (SOURCES.md),
    # and the same sum straight from the JSON.
    hv = mun.frame[mun.frame["arr_nis"] == "23000"]
    assert len(hv) == 35 and int(hv[mun.fields["population"]].sum()) == 643_766
    raw = json.loads((shared_data / "belgium-municipalities.topojson").read_text())
    props = [g["properties"] for g in raw["objects"]["municipalities"]["geometries"]]
    assert int(mun.column("population").sum()) == sum(int(p["population"]) for p in props)
    x0, y0, x1, y1 = mun.bounds
    assert 20_000 < x0 < 30_000 and 235_000 < y1 < 250_000 and x1 < 300_000


def test_rail_stations(shared_data: Path) -> None:
    (layer,) = load_layers(shared_data / "belgium-rail-stations.csv")
    assert layer.role is Role.STATIONS and layer.fields["trains_per_day"] == "avg_stop_times"
    plain = pd.read_csv(shared_data / "belgium-rail-stations.csv")
    assert len(layer) == len(plain)
    xs, ys = layer.frame.geometry.x.to_numpy(), layer.frame.geometry.y.to_numpy()
    belgian = (plain["country-code"] == "be").to_numpy()
    assert inside_belgium(xs, ys)[belgian].all()
    assert layer.report.count("outside_belgium") == int((~inside_belgium(xs, ys)).sum()) > 0
    np.testing.assert_allclose(
        layer.column("trains_per_day").to_numpy(), plain["avg_stop_times"].fillna(np.nan)
    )


def test_postcodes_without_header(shared_data: Path) -> None:
    (layer,) = load_layers(shared_data / "belgium-postcode-localities.csv")
    assert len(layer) == 2757
    assert list(layer.frame.columns[:4]) == ["col1", "col2", "lon", "lat"]
    assert not layer.report.has("outside_belgium")


def test_facilities_have_no_coordinates(shared_data: Path) -> None:
    with pytest.raises(MissingCoordinatesError):
        load_layers(shared_data / "belgium-rail-station-facilities.csv")
