"""The command line takes service URLs: ``info URL`` against a real pygeoapi
on loopback, and ``run --project`` uses a service layer's snapshot (the
server is stopped) unless ``--refresh`` is asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyproj import Transformer

from slimmeregio.cli import cli
from tests.servers import free_port, start_pygeoapi


def _stations_geojson(path: Path, project) -> list[tuple[str, float, float]]:
    """The region's stations as WGS84 GeoJSON; (name, x, y) in Lambert 72."""
    stations = project.layers["stations"]
    to_wgs = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    features, expected = [], []
    name_col, trains_col = stations.fields["name"], stations.fields["trains_per_day"]
    for i, row in enumerate(stations.frame.itertuples(index=False)):
        lon, lat = to_wgs.transform(row.geometry.x, row.geometry.y)
        name = str(getattr(row, name_col))
        features.append(
            {
                "type": "Feature",
                "id": i + 1,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": i + 1,
                    "naam": name,
                    "treinen_per_dag": float(getattr(row, trains_col)),
                },
            }
        )
        expected.append((name, row.geometry.x, row.geometry.y))
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return expected


@pytest.fixture()
def station_server(tmp_path: Path, region_project):
    data = tmp_path / "stations.geojson"
    expected = _stations_geojson(data, region_project)
    server = start_pygeoapi(tmp_path, data, collection="stations", collection_title="NMBS-stations")
    server.expected = expected  # type: ignore[attr-defined]
    yield server
    server.stop()


def test_info_lists_a_service_and_reads_a_layer(station_server) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["info", station_server.url])
    assert listed.exit_code == 0, listed.output
    assert (
        "OGC API - Features, 1 laag" in listed.output
        and "- stations (NMBS-stations)" in listed.output
    )
    read = runner.invoke(
        cli,
        [
            "info",
            station_server.url,
            "--layer",
            "stations",
            "--bbox",
            "140000,150000,160000,170000",
        ],
    )
    assert read.exit_code == 0, read.output
    inside = [
        n for n, x, y in station_server.expected if 140000 <= x <= 160000 and 150000 <= y <= 170000
    ]
    assert 0 < len(inside) < len(station_server.expected)  # the box is a real cut
    assert f"Point, {len(inside)} objecten" in read.output
    assert "rol: Stations" in read.output or "rol: stations" in read.output.lower()
    assert "bron: NMBS-stations uit Testdienst Halle-Vilvoorde" in read.output


def test_info_without_connection_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["info", f"http://127.0.0.1:{free_port()}/ogc"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Geen verbinding met http://127.0.0.1:" in lines[0]


def test_bad_bbox_is_one_line(station_server) -> None:
    result = CliRunner().invoke(
        cli, ["info", station_server.url, "--layer", "stations", "--bbox", "1,2,3"]
    )
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_run_uses_the_snapshot_and_refresh_asks_the_service(
    station_server, region_project, tmp_path: Path
) -> None:
    from slimmeregio.layers.model import LayerList, Project
    from slimmeregio.layers.project_file import save_project
    from slimmeregio.layers.roles import Role
    from slimmeregio.layers.services import read_service_layer
    from slimmeregio.scenarios.model import example_scenario_toml

    snapshot = read_service_layer(station_server.url, "stations", name="stations")
    assert snapshot.role == Role.STATIONS and len(snapshot) == len(station_server.expected)
    got = sorted(
        (str(n), g.x, g.y)
        for n, g in zip(snapshot.column("name"), snapshot.frame.geometry, strict=True)
    )
    want = sorted(station_server.expected)
    assert [g[0] for g in got] == [w[0] for w in want]
    assert all(
        abs(g[1] - w[1]) < 0.01 and abs(g[2] - w[2]) < 0.01 for g, w in zip(got, want, strict=True)
    )
    layers = [snapshot if layer.name == "stations" else layer for layer in region_project.layers]
    project = Project(layers=LayerList(layers), settings=region_project.settings)
    path = tmp_path / "met_dienst.srp"
    save_project(project, path)
    scenario = tmp_path / "s.toml"
    scenario.write_text(example_scenario_toml(), encoding="utf-8")
    station_server.stop()
    runner = CliRunner()
    refreshed = runner.invoke(
        cli,
        ["run", str(scenario), "--project", str(path), "--out", str(tmp_path / "r"), "--refresh"],
    )
    assert refreshed.exit_code == 2 and "Geen verbinding" in refreshed.output
    assert not (tmp_path / "r" / "summary.json").exists()
    result = runner.invoke(
        cli, ["run", str(scenario), "--project", str(path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"]


def test_unknown_background_is_one_line(tmp_path: Path) -> None:
    from slimmeregio.scenarios.model import example_scenario_toml

    scenario = tmp_path / "s.toml"
    scenario.write_text(example_scenario_toml(), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["export", str(scenario), "--out", str(tmp_path / "o"), "--background", "x"]
    )
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "--background" in line and "osm" in line
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
