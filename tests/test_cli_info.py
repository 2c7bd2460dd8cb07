"""``slimmeregio info``: per layer geometry, count, CRS, bounds, role, fields
and report; bad input gives one line and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely import Point

from slimmeregio.cli import cli
from slimmeregio.resources import SOURCES_DIR

#: The open-data sources shipped with the package (the region's build inputs).
SHARED = SOURCES_DIR

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def stations_gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "stations.gpkg"
    gpd.GeoDataFrame(
        {"Naam": ["Halle", "Vilvoorde"], "treinen_per_dag": [310, 280]},
        geometry=[Point(140_000, 160_000), Point(158_000, 184_000)],
        crs=31370,
    ).to_file(path)
    return path


def test_info_on_a_good_file_dutch_and_english(stations_gpkg: Path) -> None:
    code, out, err = _run("info", str(stations_gpkg))
    assert code == 0 and err == ""
    assert "Laag 'stations'" in out
    assert "Point, 2 objecten" in out
    assert "EPSG:31370 (Belgische Lambert 72)" in out and "geraden" not in out
    assert "140000 160000 158000 184000" in out
    assert "rol: stations" in out
    assert "naam = Naam" in out and "treinen per dag = treinen_per_dag" in out

    code, out, _err = _run("--lang", "en", "info", str(stations_gpkg))
    assert code == 0 and "Layer 'stations'" in out and "2 features" in out


def test_info_on_an_od_table_says_table_and_rows_not_nan_bounds(tmp_path: Path) -> None:
    path = tmp_path / "pendelstromen.csv"
    path.write_text(
        "NIS woonplaats;NIS werkplaats;Aantal pendelaars\n23027;21004;12\n23002;21004;7\n"
        "23002;23027;5\n",
        encoding="utf-8",
    )
    code, out, err = _run("info", str(path))
    assert code == 0 and err == ""
    assert "geometrie: geen (een tabel), 3 rijen" in out
    assert "pendelstromen (HB-tabel)" in out
    assert "nan" not in out and "grenzen" not in out and "coördinatenstelsel" not in out
    code, out, _err = _run("--lang", "en", "info", str(path))
    assert "geometry: none (a table), 3 rows" in out and "commuting flows (OD table)" in out


def test_info_with_role_field_and_crs_options(stations_gpkg: Path) -> None:
    code, out, _ = _run(
        "info",
        str(stations_gpkg),
        "--role",
        "housing",
        "--field",
        "dwellings=treinen_per_dag",
        "--crs",
        "31370",
    )
    assert code == 0 and "rol: woningen" in out and "woningen = treinen_per_dag" in out


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "needle_nl"),
    [
        (lambda p: p / "weg.gpkg", "Bestand niet gevonden"),
        (lambda p: _write(p / "leeg.gpkg", b""), "beschadigd"),
        (lambda p: _write(p / "x.docx", b"x"), "niet ondersteund"),
        (lambda p: _write(p / "f.csv", b"a,b\n1,2\n"), "Geen co\u00f6rdinaatkolommen"),
    ],
)
def test_info_on_bad_input_is_one_line_exit_2(tmp_path: Path, make, needle_nl: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    code, out, err = _run("info", str(path))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("slimmeregio: fout: ")
    assert needle_nl in err and "Traceback" not in err + out


def test_info_missing_field_for_explicit_role(stations_gpkg: Path) -> None:
    code, _out, err = _run("--lang", "en", "info", str(stations_gpkg), "--role", "municipalities")
    assert code == 2 and err.startswith("slimmeregio: error: ") and "'nis'" in err


def test_info_bad_field_option_is_a_usage_error(stations_gpkg: Path) -> None:
    code, _out, err = _run("info", str(stations_gpkg), "--field", "zonder-gelijkteken")
    assert code == 2 and "KEY=COLUMN" in err


def test_info_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x01" * 500)
    result = subprocess.run(
        [sys.executable, "-m", "slimmeregio", "info", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "beschadigd" in result.stderr


def test_info_municipalities_topojson() -> None:
    code, out, err = _run("info", str(SHARED / "belgium-municipalities.topojson"))
    assert code == 0, err
    assert "3 lagen" in out
    for name in ("'municipalities'", "'arrondissements'", "'provinces'"):
        assert f"Laag {name}" in out
    municipalities = out.split("Laag 'arrondissements'")[0]
    assert "581 objecten" in municipalities
    assert "EPSG:4326 (WGS84 lengte/breedte) (geraden)" in municipalities
    assert "geen coördinatenstelsel" in municipalities
    assert "rol: gemeenten" in municipalities and "inwoners = population" in municipalities


def test_info_rail_stations_csv() -> None:
    code, out, _ = _run("--lang", "en", "info", str(SHARED / "belgium-rail-stations.csv"))
    assert code == 0
    assert "role: stations" in out and "trains per day = avg_stop_times" in out
    assert "outside Belgium" in out  # Paris, Amsterdam ... are in the file


def test_info_headerless_postcodes_csv() -> None:
    code, out, _ = _run("info", str(SHARED / "belgium-postcode-localities.csv"))
    assert code == 0 and "2757 objecten" in out and "geen kopregel" in out


def test_info_station_facilities_csv_has_no_coordinates() -> None:
    code, out, err = _run("info", str(SHARED / "belgium-rail-station-facilities.csv"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Geen coördinaatkolommen" in err and "bicycle_spots" in err
