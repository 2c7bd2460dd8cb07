"""Hilliness from an elevation model: link and route gradients against hand
computations on a synthetic DEM, the PCT curve with gradients, bad DEMs."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.layers.errors import ElevationModelError, SlimmeRegioError
from slimmeregio.layers.io import load_layers
from slimmeregio.layers.model import ANALYSIS_CRS, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.commuting import PRESETS, RouteTrees, all_presets, uptake
from slimmeregio.scenarios.hilliness import (
    edge_gradients,
    edge_rise,
    elevation_of,
    route_gradients,
)
from slimmeregio.scenarios.network import network_from_frame

X0, Y0 = 150_000.0, 170_000.0
#: The synthetic terrain: 5 % up eastwards to a ridge at X0 + 500, then 2 % down.
RIDGE = 500.0


def terrain(x: np.ndarray) -> np.ndarray:
    dx = np.asarray(x, dtype=float) - X0
    return np.where(dx <= RIDGE, 100.0 + 0.05 * dx, 125.0 - 0.02 * (dx - RIDGE))


def write_dem(
    path: Path,
    values: np.ndarray | None = None,
    *,
    crs: str | None = ANALYSIS_CRS,
    nodata: float | None = -9999.0,
    origin: tuple[float, float] = (X0 - 305.0, Y0 + 605.0),
) -> Path:
    """A 10 m GeoTIFF whose pixel centres fall on X0 - 300 + 10 k (the ridge is one)."""
    import rasterio
    from rasterio.transform import from_origin

    width, height = 170, 92
    if values is None:
        xs = origin[0] + 5.0 + 10.0 * np.arange(width)
        values = np.tile(terrain(xs), (height, 1)).astype("float32")
    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": 1,
        "dtype": "float32",
        "transform": from_origin(origin[0], origin[1], 10.0, 10.0),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype("float32"), 1)
    return path


def project_with_dem(path: Path) -> Project:
    project = Project()
    for layer in load_layers(path, role=Role.ELEVATION):
        project.layers.append(layer)
    return project


def network():
    """n0 (X0) - n1 (X0+400) - n2 (X0+800) along y = Y0, and n1 - n3 north (flat)."""
    lines = [
        shapely.LineString([(X0, Y0), (X0 + 400, Y0)]),
        shapely.LineString([(X0 + 400, Y0), (X0 + 800, Y0)]),
        shapely.LineString([(X0 + 400, Y0), (X0 + 400, Y0 + 300)]),
        shapely.LineString([(X0, Y0), (X0 + 300, Y0 + 400)]),
    ]
    frame = gpd.GeoDataFrame(geometry=lines, crs=ANALYSIS_CRS)
    return network_from_frame(frame)


def edge_of(net, a: tuple[float, float], b: tuple[float, float]) -> int:
    for e, geom in enumerate(net.geometry):
        ends = {tuple(geom.coords[0]), tuple(geom.coords[-1])}
        if ends == {a, b}:
            return e
    raise AssertionError("no such edge")


def test_elevation_role_from_the_file_name(tmp_path: Path) -> None:
    path = write_dem(tmp_path / "dhmv_hoogtemodel.tif")
    (layer,) = load_layers(path)
    assert layer.role is Role.ELEVATION
    assert Role.ELEVATION.label("nl") == "hoogtemodel"
    assert Role.ELEVATION.label("en") == "elevation model"


def test_link_gradients_equal_a_hand_computation(tmp_path: Path) -> None:
    elevation = elevation_of(project_with_dem(write_dem(tmp_path / "dem.tif")))
    assert elevation is not None
    net = network()
    rise = edge_rise(net, elevation)
    grad = edge_gradients(net, elevation)
    west = edge_of(net, (X0, Y0), (X0 + 400, Y0))
    east = edge_of(net, (X0 + 400, Y0), (X0 + 800, Y0))
    north = edge_of(net, (X0 + 400, Y0), (X0 + 400, Y0 + 300))
    diagonal = edge_of(net, (X0, Y0), (X0 + 300, Y0 + 400))
    # 400 m at 5 %: 20 m; 100 m up at 5 % and 300 m down at 2 %: 5 + 6 m.
    assert rise[west] == pytest.approx(20.0)
    assert rise[east] == pytest.approx(11.0)
    assert rise[north] == pytest.approx(0.0, abs=1e-9)
    assert rise[diagonal] == pytest.approx(15.0)  # 300 m eastwards at 5 %
    assert grad[west] == pytest.approx(5.0)
    assert grad[east] == pytest.approx(100 * 11.0 / 400.0)
    assert grad[diagonal] == pytest.approx(3.0)  # 15 m over 500 m


def test_route_gradients_equal_a_hand_computation(tmp_path: Path) -> None:
    elevation = elevation_of(project_with_dem(write_dem(tmp_path / "dem.tif")))
    assert elevation is not None
    net = network()
    homes = np.array(
        [
            [X0 + 100, Y0 + 20],  # on the west edge, 20 m off
            [X0 + 400, Y0 + 250],  # on the flat north edge
            [X0 + 600, Y0 + 5],  # on the workplace's own edge
        ]
    )
    src = attach_points(net, homes, max_snap_m=50)
    dst = attach_points(net, np.array([[X0 + 700, Y0 - 10]]), max_snap_m=50)
    trees = RouteTrees(net, src, dst)
    length = trees.distances_m()
    got = route_gradients(trees, net, elevation)
    # Home 0: 20 m connector, 300 m at 5 % up (15 m) to n1, then x 400 -> 700:
    # 5 m up to the ridge and 4 m down, 10 m connector.
    # Home 1: 250 m flat, then the same 9 m; home 2: x 600 -> 700, 2 m down.
    expected_rise = np.array([15.0 + 9.0, 9.0, 2.0])
    expected_length = np.array([20 + 300 + 300 + 10, 250 + 300 + 10, 5 + 100 + 10])
    np.testing.assert_allclose(length[:, 0], expected_length)
    np.testing.assert_allclose(got[:, 0], 100 * expected_rise / expected_length)


def test_without_dem_nothing_changes(tmp_path: Path) -> None:
    assert elevation_of(Project()) is None
    d = np.array([1.0, 4.0, 12.0])
    n = np.array([100.0, 100.0, 100.0])
    flat = all_presets(n, d)
    zero = all_presets(n, d, gradient_pct=np.zeros(3))
    for preset in PRESETS:
        np.testing.assert_array_equal(flat[preset], zero[preset])


@pytest.mark.parametrize(
    ("distance", "gradient"), [(1.0, 0.0), (5.0, 0.78), (5.0, 3.0), (12.0, 1.5), (25.0, 6.0)]
)
def test_uptake_with_gradient_equals_the_published_curve(distance: float, gradient: float) -> None:
    """PCT 2020 (user manual C1): logit with the gradient centred on 0.78 %."""
    g = gradient - 0.78
    base = (
        -4.018
        - 0.6369 * distance
        + 1.988 * math.sqrt(distance)
        + 0.008775 * distance**2
        - 0.2555 * g
        + 0.02006 * distance * g
        - 0.1234 * math.sqrt(distance) * g
    )
    dutch = base + 2.550 - 0.08036 * distance
    ebike = dutch + 0.05509 * distance - 0.000295 * distance**2 + 0.1812 * g
    for preset, logit in (("government_target", base), ("go_dutch", dutch), ("ebike", ebike)):
        got = uptake(np.array([distance]), np.array([gradient]), model=PRESETS[preset])[0]
        assert got == pytest.approx(1.0 / (1.0 + math.exp(-logit)), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    distance=st.floats(0.1, 30.0),
    gradient=st.floats(0.0, 12.0),
    steeper=st.floats(0.01, 8.0),
    commuters=st.floats(1.0, 1000.0),
)
def test_a_hillier_route_lowers_the_potential_cyclists(
    distance: float, gradient: float, steeper: float, commuters: float
) -> None:
    n, d = np.array([commuters]), np.array([distance])
    flat = all_presets(n, d, gradient_pct=np.array([gradient]))
    hilly = all_presets(n, d, gradient_pct=np.array([gradient + steeper]))
    for preset in PRESETS:
        assert hilly[preset][0] < flat[preset][0]


def _bad(tmp_path: Path, **kwargs) -> SlimmeRegioError:
    path = write_dem(tmp_path / "dem.tif", **kwargs)
    project = project_with_dem(path)
    with pytest.raises(ElevationModelError) as info:
        elevation = elevation_of(project)
        assert elevation is not None
        edge_rise(network(), elevation)
    return info.value


def test_all_nodata_is_refused_in_both_languages(tmp_path: Path) -> None:
    err = _bad(tmp_path, values=np.full((92, 170), -9999.0))
    assert "no-data" in err.full_message("en") and "geen gegevens" in err.full_message("nl")
    assert "\n" not in err.full_message("nl")


def test_centimetres_are_refused(tmp_path: Path) -> None:
    xs = X0 - 300.0 + 10.0 * np.arange(170)
    err = _bad(tmp_path, values=np.tile(terrain(xs) * 100.0, (92, 1)))
    assert "centim" in err.full_message("en") and "centimeter" in err.full_message("nl")


def test_a_dem_outside_the_network_is_refused(tmp_path: Path) -> None:
    err = _bad(tmp_path, origin=(X0 + 20_000.0, Y0 + 20_000.0))
    assert "covers only 0 %" in err.message("en") and "dekt maar 0 %" in err.message("nl")


def test_a_dem_without_crs_is_refused(tmp_path: Path) -> None:
    """A raster without CRS is loaded with a guessed CRS (the loader reports it);
    the DEM itself read without one is refused."""
    from dataclasses import replace

    project = project_with_dem(write_dem(tmp_path / "dem.tif"))
    layer = project.layers.first(Role.ELEVATION)
    assert layer is not None
    layer.data = replace(layer.data, crs=None)
    with pytest.raises(ElevationModelError) as info:
        elevation_of(project)
    assert "coordinate system" in info.value.message("en")
    assert "coördinatenstelsel" in info.value.message("nl")


def test_steep_values_in_another_unit_are_refused(tmp_path: Path) -> None:
    # Feet-like exaggeration within the plausible range but 40 % steep.
    xs = X0 - 300.0 + 10.0 * np.arange(170)
    values = np.tile(100.0 + 0.4 * np.abs(xs - X0), (92, 1))
    err = _bad(tmp_path, values=values)
    assert "steep" in err.message("en") and "steil" in err.message("nl")


def _plane_dem(path: Path, slope: float) -> Path:
    """A DEM over the synthetic villages rising ``slope`` (m/m) eastwards."""
    origin = (X0 - 505.0, Y0 + 2005.0)
    xs = origin[0] + 5.0 + 10.0 * np.arange(460)
    values = np.tile(50.0 + slope * (xs - X0), (260, 1))
    return write_dem(path, values, origin=origin)


def test_the_engine_uses_the_dem_and_a_steeper_terrain_lowers_the_potential(
    tmp_path: Path,
) -> None:
    from slimmeregio.scenarios.engine import evaluate, prepare_base

    from .test_opportunity_scenarios import _project

    flat = evaluate(prepare_base(_project()), service_areas=False)
    assert "gradient_pct" not in flat.links.columns
    assert "gradient_pct" not in flat.opportunities.od.columns
    runs = {}
    for slope in (0.01, 0.04):
        project = _project()
        for layer in load_layers(_plane_dem(tmp_path / f"dem{slope}.tif", slope)):
            layer.role = Role.ELEVATION
            project.layers.append(layer)
        runs[slope] = evaluate(prepare_base(project), service_areas=False)
    ev = runs[0.01]
    links = ev.links
    # East-west streets rise 1 %, north-south ones are flat (hand computation).
    dx = links.geometry.bounds["maxx"] - links.geometry.bounds["minx"]
    east_west = dx.to_numpy() > 1.0
    np.testing.assert_allclose(links.loc[east_west, "gradient_pct"], 1.0, rtol=1e-9)
    np.testing.assert_allclose(links.loc[~east_west, "gradient_pct"], 0.0, atol=1e-9)
    od = ev.opportunities.od
    assert ((od["gradient_pct"] >= 0) & (od["gradient_pct"] <= 1.0 + 1e-9)).all()
    for preset in ("go_dutch", "ebike", "government_target"):
        key = f"bike_commuters_{preset}"
        assert runs[0.04].region[key] < runs[0.01].region[key]
    # Commuters are distributed by distance only: the same with either terrain.
    assert runs[0.04].region["commuters"] == pytest.approx(flat.region["commuters"])


def test_the_cli_refuses_a_bad_dem_in_one_line(tmp_path: Path) -> None:
    """A project whose elevation model holds only no-data: exit code 2, one
    line, no traceback, no result files."""
    from click.testing import CliRunner

    from slimmeregio.cli import cli
    from slimmeregio.layers.project_save import save_project

    from .test_opportunity_scenarios import _project

    project = _project()
    bad = write_dem(tmp_path / "dhmv.tif", np.full((92, 170), -9999.0))
    for layer in load_layers(bad, role=Role.ELEVATION):
        project.layers.append(layer)
    path = tmp_path / "project.srp"
    save_project(project, path)
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "leeg"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["run", str(scenario), "--project", str(path), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Hoogtemodel 'dhmv'" in lines[0] and "geen gegevens" in lines[0]
    assert not (out / "summary.json").exists() and not (out / "results.gpkg").exists()


def test_the_geopackage_keeps_each_links_gradient(tmp_path: Path) -> None:
    import sqlite3

    from slimmeregio.exporters.registry import export
    from slimmeregio.scenarios.engine import evaluate, prepare_base

    from .test_opportunity_scenarios import _project

    project = _project()
    for layer in load_layers(_plane_dem(tmp_path / "dem.tif", 0.02)):
        layer.role = Role.ELEVATION
        project.layers.append(layer)
    ev = evaluate(prepare_base(project), service_areas=False)
    path = export("gpkg", project, [ev], tmp_path / "r.gpkg", lang="nl")
    names = [n for n, _ in pyogrio.list_layers(path)]
    (flows,) = [n for n in names if n.endswith("_fietsstromen")]
    links = gpd.read_file(path, layer=flows)
    by_edge = ev.links["gradient_pct"].to_numpy()
    np.testing.assert_allclose(links["gradient_pct"].to_numpy(), by_edge, rtol=1e-9)
    assert set(np.round(by_edge, 9)) == {0.0, 2.0}  # east-west 2 %, north-south flat
    with sqlite3.connect(path) as con:
        (title,) = con.execute(
            "select title from gpkg_data_columns where column_name = 'gradient_pct' limit 1"
        ).fetchone()
    assert title == "Helling (%)"
