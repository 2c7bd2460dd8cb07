"""CRS guessing, naming and the Belgian plausibility checks."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely import Point

from slimmeregio.layers import load_layers
from slimmeregio.layers.crs import (
    crs_label,
    diagnose_outside,
    guess_crs,
    inside_belgium,
    looks_swapped,
    normalize_crs,
)
from slimmeregio.layers.errors import InvalidCrsError

from .conftest import HALLE_LONLAT, VILVOORDE_LONLAT, to_crs

PLACES = [HALLE_LONLAT, VILVOORDE_LONLAT, (5.5700, 50.6326), (3.2247, 51.2093)]  # + Liège, Brugge


def _in(crs: str) -> tuple[list[float], list[float]]:
    xy = [to_crs(lon, lat, crs) for lon, lat in PLACES]
    return [p[0] for p in xy], [p[1] for p in xy]


@pytest.mark.parametrize(
    "crs", ["EPSG:4326", "EPSG:31370", "EPSG:3812", "EPSG:3857", "EPSG:32631", "EPSG:3035"]
)
def test_guess_crs_recognises_belgian_data(crs: str) -> None:
    xs, ys = _in(crs)
    assert guess_crs(xs, ys) == crs


def test_guess_crs_none_for_nonsense_and_empty() -> None:
    assert guess_crs([5e7], [5e7]) is None
    assert guess_crs([], []) is None
    assert guess_crs([np.nan], [np.nan]) is None


def test_guess_needs_a_majority() -> None:
    xs, ys = _in("EPSG:31370")
    # One stray point in degrees does not turn a Lambert layer into WGS84.
    assert guess_crs(xs + [4.3], ys + [50.8]) == "EPSG:31370"


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:31370", "EPSG:3812"])
def test_missing_crs_is_guessed_on_load(tmp_path: Path, crs: str) -> None:
    xs, ys = _in(crs)
    frame = gpd.GeoDataFrame(
        {"i": range(len(xs))}, geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)]
    )
    path = tmp_path / "zonder_crs.shp"
    frame.to_file(path)
    (layer,) = load_layers(path)
    assert layer.crs_guessed and layer.original_crs == crs
    entry = next(e for e in layer.report if e.kind == "crs_guessed")
    assert crs in entry.nl and crs in entry.en
    expected = np.array(_in("EPSG:31370")).T
    got = np.column_stack([layer.frame.geometry.x, layer.frame.geometry.y])
    np.testing.assert_allclose(got, expected, atol=1e-3 if crs == "EPSG:31370" else 0.5)


def test_looks_swapped() -> None:
    lon, lat = zip(*PLACES, strict=True)
    assert looks_swapped(lat, lon)
    assert not looks_swapped(lon, lat)
    assert not looks_swapped([], [])


def test_inside_belgium() -> None:
    xs, ys = _in("EPSG:31370")
    paris = to_crs(2.3522, 48.8566, "EPSG:31370")
    lille = to_crs(3.0573, 50.6292, "EPSG:31370")  # 10 km over the border: plausible
    mask = inside_belgium(xs + [paris[0], lille[0], np.nan], ys + [paris[1], lille[1], 0.0])
    assert mask.tolist() == [True] * 4 + [False, True, False]


def test_diagnose_outside_names_the_cause() -> None:
    lon, lat = zip(*PLACES, strict=True)
    nl, en = diagnose_outside(lat, lon, "EPSG:4326")
    assert en is not None and "swapped" in en and nl is not None and "omgewisseld" in nl
    xs, ys = _in("EPSG:3812")
    _nl, en = diagnose_outside(xs, ys, "EPSG:31370")
    assert en is not None and "EPSG:3812" in en
    assert diagnose_outside([2.35], [48.85], "EPSG:4326") == (None, None)  # Paris: just abroad


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("31370", "EPSG:31370"),
        (31370, "EPSG:31370"),
        ("EPSG:3812", "EPSG:3812"),
        ("lambert72", "EPSG:31370"),
        ("Lambert 2008", "EPSG:3812"),
        ("WGS84", "EPSG:4326"),
        ("epsg:4326", "EPSG:4326"),
    ],
)
def test_normalize_crs(given: object, expected: str) -> None:
    assert normalize_crs(given) == expected


@pytest.mark.parametrize("bad", ["EPSG:999999", "lambert99", ""])
def test_normalize_crs_refuses_unknown(bad: str) -> None:
    with pytest.raises(InvalidCrsError):
        normalize_crs(bad)


def test_crs_label() -> None:
    assert crs_label("EPSG:31370", "nl") == "EPSG:31370 (Belgische Lambert 72)"
    assert crs_label("EPSG:4326", "en") == "EPSG:4326 (WGS84 longitude/latitude)"
    assert crs_label(None, "nl") == "onbekend"
    assert "2154" in crs_label("EPSG:2154", "en")
