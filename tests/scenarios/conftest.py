"""Fixtures for the engine tests: a small synthetic region, and the prepared real one
(``region_project`` comes from tests/conftest.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role

X0, Y0 = 150_000.0, 170_000.0


def grid_lines(n: int = 8, step: float = 200.0) -> list[shapely.LineString]:
    """Horizontal and vertical streets through an n x n grid (shared vertices)."""
    lines = []
    for i in range(n):
        lines.append(shapely.LineString([(X0 + j * step, Y0 + i * step) for j in range(n)]))
        lines.append(shapely.LineString([(X0 + i * step, Y0 + j * step) for j in range(n)]))
    return lines


def synthetic_project(seed: int = 0, *, n: int = 8, step: float = 200.0) -> Project:
    """Two 'villages' (a grid each) 1 km apart, not connected to each other."""
    rng = np.random.default_rng(seed)
    lines = grid_lines(n, step)
    span = (n - 1) * step
    gap = 1000.0
    east = [shapely.affinity.translate(g, xoff=span + gap) for g in lines]
    all_lines = lines + east
    classes = np.where(np.arange(len(all_lines)) % 5 == 0, "bovenlokaal", "lokaal")
    net = gpd.GeoDataFrame(
        {
            "link_id": np.arange(100, 100 + len(all_lines)),
            "klasse": classes,
            "snelheid": np.where(classes == "bovenlokaal", 20.0, 16.0),
            "eenrichting": np.zeros(len(all_lines), bool),
            "naam": [f"straat {i}" for i in range(len(all_lines))],
        },
        geometry=all_lines,
        crs=ANALYSIS_CRS,
    )
    k = 120
    hx = np.r_[
        rng.uniform(X0, X0 + span, k // 2),
        rng.uniform(X0 + span + gap, X0 + 2 * span + gap, k // 2),
    ]
    hy = rng.uniform(Y0, Y0 + span, k)
    housing = gpd.GeoDataFrame(
        {
            "woning_id": np.arange(1, k + 1),
            "woningen": rng.integers(1, 20, k),
            "status": "bestaand",
            "naam": [f"blok {i}" for i in range(k)],
        },
        geometry=shapely.points(hx, hy),
        crs=ANALYSIS_CRS,
    )
    mobi = gpd.GeoDataFrame(
        {
            "mobipunt_id": ["MP-001", "MP-002"],
            "naam": ["Hoppinpunt West", "Hoppinpunt Oost"],
            "type": ["regionaal", "buurt"],
            "aanbod": ["bus, deelfiets", "deelfiets"],
        },
        geometry=[
            shapely.Point(X0 + 300, Y0 + 300),
            shapely.Point(X0 + span + gap + 1000, Y0 + 1000),
        ],
        crs=ANALYSIS_CRS,
    )
    stations = gpd.GeoDataFrame(
        {"station_id": ["S1"], "naam": ["Station West"], "treinen_per_dag": [120.0]},
        geometry=[shapely.Point(X0 + 700, Y0 + 710)],
        crs=ANALYSIS_CRS,
    )
    munis = gpd.GeoDataFrame(
        {"nis": ["23001", "23002"], "naam": ["Westdorp", "Oostdorp"], "inwoners": [1000, 900]},
        geometry=[
            shapely.box(X0 - 500, Y0 - 500, X0 + span + gap / 2, Y0 + span + 500),
            shapely.box(X0 + span + gap / 2, Y0 - 500, X0 + 2 * span + gap + 500, Y0 + span + 500),
        ],
        crs=ANALYSIS_CRS,
    )
    centres = gpd.GeoDataFrame(
        {"naam": ["West", "Oost", "Noord"]},
        geometry=[
            shapely.Point(X0 + 600, Y0 + 600),
            shapely.Point(X0 + span + gap + 600, Y0 + 600),
            shapely.Point(X0 + 200, Y0 + 1400),
        ],
        crs=ANALYSIS_CRS,
    )
    layers = LayerList(
        [
            Layer(
                "gemeenten",
                munis,
                Role.MUNICIPALITIES,
                {"nis": "nis", "name": "naam", "population": "inwoners"},
            ),
            Layer(
                "fietsnetwerk",
                net,
                Role.BIKE_NETWORK,
                {
                    "id": "link_id",
                    "link_class": "klasse",
                    "speed": "snelheid",
                    "oneway": "eenrichting",
                    "name": "naam",
                },
            ),
            Layer(
                "woningen",
                housing,
                Role.HOUSING,
                {"id": "woning_id", "dwellings": "woningen", "status": "status", "name": "naam"},
            ),
            Layer(
                "mobipunten",
                mobi,
                Role.MOBIPUNTEN,
                {"id": "mobipunt_id", "name": "naam", "hoppin_type": "type", "offer": "aanbod"},
            ),
            Layer(
                "stations",
                stations,
                Role.STATIONS,
                {"id": "station_id", "name": "naam", "trains_per_day": "treinen_per_dag"},
            ),
            Layer("deelgemeenten", centres, Role.OTHER, {"name": "naam"}),
        ]
    )
    return Project(layers=layers)


@pytest.fixture(scope="session")
def small_project() -> Project:
    return synthetic_project()


@pytest.fixture(scope="session")
def small_base(small_project: Project):
    from slimmeregio.scenarios.engine import prepare_base

    return prepare_base(small_project)


@pytest.fixture(scope="session")
def region_base(region_project: Project):
    from slimmeregio.scenarios.engine import prepare_base

    return prepare_base(region_project)
