"""Hostile files, round two (issue 21), measured as a user meets them.

Each hostile case of ``tests/data/bad`` is built into its own folder and fed
to the real CLI (or to ``load_project``) in a child process: the answer must
be one line and exit status 2, never a traceback or a hang; the child's peak
memory (``os.wait4`` rusage) stays within 400 MB of the same command on a
small good file; and no file in the folder changed (SHA-256 and listing).
Files a GDAL VRT points at are FIFOs in some tests: opening one would block,
so a load that finishes proves the file was never opened.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point

from slimmeregio.layers import errors
from slimmeregio.layers.errors import SlimmeRegioError

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
PACKAGE_PARENT = Path(__file__).resolve().parents[3]
#: Most memory a refused file may cost beyond the same command on a good file.
MAX_EXTRA_RSS_MB = 400
#: Longest a refusal may take (generous: the machine is shared).
MAX_SECONDS = 45.0

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and wait4 are POSIX")


def _corpus() -> Any:
    spec = importlib.util.spec_from_file_location("make_corpus_hostile", BAD / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MC = _corpus()


def _build(name: str, root: Path) -> Path:
    folder = root / "case"
    folder.mkdir()
    _MC.CASES[name](folder)
    return folder / name


def _snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (the listing included)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PACKAGE_PARENT) + os.pathsep + env.get("PYTHONPATH", "")
    env["SLIMMEREGIO_LANG"] = "nl"
    return env


def _child(args: list[str], cwd: Path) -> tuple[int, str, str, float]:
    """Run ``python args``; return exit code, stdout, stderr and seconds (a
    child that does not finish in time fails the test as a hang)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=MAX_SECONDS * 2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{args} did not finish within {MAX_SECONDS * 2:.0f} s (a hang)")
    return proc.returncode, out, err, time.perf_counter() - start


_MEASURE = """
import os, resource, subprocess, sys, json
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
out, err = proc.communicate()
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": proc.returncode, "out": out, "err": err, "peak_kb": peak}))
"""


def _measured(args: list[str], cwd: Path) -> dict[str, Any]:
    """Run ``python args`` under a helper that reports the peak RSS of that
    one child (RUSAGE_CHILDREN of a helper with a single child)."""
    import json

    code, out, err, seconds = _child(["-c", _MEASURE, sys.executable, *args], cwd)
    assert code == 0, err
    result = dict(json.loads(out))
    result["seconds"] = seconds
    result["peak_mb"] = result["peak_kb"] / 1024
    return result


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Peak memory of ``slimmeregio info`` on a small good GeoPackage."""
    folder = tmp_path_factory.mktemp("good")
    path = folder / "punten.gpkg"
    gpd.GeoDataFrame({"naam": ["a"]}, geometry=[Point(143600, 158400)], crs=31370).to_file(path)
    result = _measured(["-m", "slimmeregio", "info", str(path)], folder)
    assert result["code"] == 0, result["err"]
    return float(result["peak_mb"])


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------------------
# The CLI: one line, exit 2, bounded time and memory, nothing changed
# ---------------------------------------------------------------------------

CLI_CASES = {
    "vrt_raster_local.tif": "onveilig",
    "vrt_ogr_csv.geojson": "onveilig",
    "vrt_vsicurl.tif": "onveilig",
    "vrt_vsicurl.geojson": "onveilig",
    "raster_huge_dimensions.tif": "te groot",
    "gpkg_hot_journal.gpkg": "half geschreven",
    "gpkg_wal_left_behind.gpkg": "half geschreven",
    "gpkg_huge_view.gpkg": "te groot",
}


@posix_only
@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_cli_info_refuses_in_one_line(name: str, tmp_path: Path, baseline_mb: float) -> None:
    path = _build(name, tmp_path)
    before = _snapshot(path.parent)
    result = _measured(["-m", "slimmeregio", "info", str(path)], tmp_path)
    assert result["code"] == 2, result["err"]
    line = _one_line(result["err"])
    assert line.startswith("slimmeregio: fout: ")
    assert CLI_CASES[name] in line.lower(), line
    assert result["seconds"] < MAX_SECONDS
    assert result["peak_mb"] - baseline_mb < MAX_EXTRA_RSS_MB, (result["peak_mb"], baseline_mb)
    assert _snapshot(path.parent) == before


PROJECT_CASES = {
    "project_hot_journal.srp": "HalfWrittenError",
    "project_huge_raster.srp": "TooLargeError",
    "project_vrt_raster.srp": "ProjectFileError",
    "project_truncated_raster.srp": "ProjectFileError",
    "project_view_layer.srp": "ProjectFileError",
    "project_400_same_table.srp": "ProjectFileError",
    "project_json_1e400.srp": "ProjectFileError",
    "project_codec_mismatch.srp": "ProjectFileError",
}

_LOAD_PROJECT = """
import sys
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.project_file import load_project
try:
    load_project(sys.argv[1])
except SlimmeRegioError as error:
    print(type(error).__name__ + ": " + error.full_message("nl"), file=sys.stderr)
    sys.exit(2)
"""


@posix_only
@pytest.mark.parametrize("name", sorted(PROJECT_CASES))
def test_project_refused_in_one_line(name: str, tmp_path: Path, baseline_mb: float) -> None:
    path = _build(name, tmp_path)
    before = _snapshot(path.parent)
    result = _measured(["-c", _LOAD_PROJECT, str(path)], tmp_path)
    assert result["code"] == 2, result["err"]
    line = _one_line(result["err"])
    expected = getattr(errors, PROJECT_CASES[name])
    got = getattr(errors, line.split(":", 1)[0])
    assert issubclass(got, expected), line
    assert result["seconds"] < MAX_SECONDS
    assert result["peak_mb"] - baseline_mb < MAX_EXTRA_RSS_MB, (result["peak_mb"], baseline_mb)
    assert _snapshot(path.parent) == before


def test_hot_journal_project_message_and_files_untouched(tmp_path: Path) -> None:
    from slimmeregio.layers.project_file import load_project

    path = _build("project_hot_journal.srp", tmp_path)
    journal = path.with_name(path.name + "-journal")
    assert journal.is_file()
    before = _snapshot(path.parent)
    with pytest.raises(errors.HalfWrittenError) as info:
        load_project(path)
    assert "half geschreven door een ander programma" in info.value.message("nl")
    assert "left half-written by another program" in info.value.message("en")
    assert _snapshot(path.parent) == before


# ---------------------------------------------------------------------------
# Files a VRT points at are never opened
# ---------------------------------------------------------------------------

_LOAD = """
import sys
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.io import load_layers
try:
    for layer in load_layers(sys.argv[1]):
        if layer.is_raster:
            layer.data.read()
except SlimmeRegioError as error:
    print(type(error).__name__, file=sys.stderr)
    sys.exit(2)
print("loaded")
"""


@posix_only
@pytest.mark.parametrize(
    ("suffix", "content"),
    [
        (".tif", lambda target: _MC._raster_vrt(target)),
        (".geojson", lambda target: _MC._ogr_vrt("CSV:" + target)),
        (".gpkg", lambda target: _MC._ogr_vrt("CSV:" + target)),
    ],
)
def test_vrt_target_is_never_opened(suffix: str, content: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "geheim.csv"
    os.mkfifo(fifo)  # opening it for reading would block: the child would hang
    path = tmp_path / f"kwaad{suffix}"
    path.write_bytes(content(str(fifo)))
    code, out, err, seconds = _child(["-c", _LOAD, str(path)], tmp_path)
    assert (code, err.strip()) == (2, "UnsafeSourceError"), (out, err)
    assert seconds < MAX_SECONDS


def test_vrt_is_refused_even_when_the_name_hides_it(tmp_path: Path) -> None:
    from slimmeregio.layers.gdal_safety import sniff_bytes
    from slimmeregio.layers.io import load_layers

    vrt = _MC._raster_vrt("/vsicurl/http://127.0.0.1:9/x.tif")
    for suffix in (".tif", ".tiff", ".geotiff", ".geojson", ".json", ".topojson", ".gpkg", ".shp"):
        path = tmp_path / f"kwaad{suffix}"
        path.write_bytes(b"\n\n  " + vrt)
        with pytest.raises(errors.UnsafeSourceError):
            load_layers(path)
    assert sniff_bytes(b"\xef\xbb\xbf<OGRVRTDataSource>") == "xml"


def test_gdal_paths_and_urls_are_refused(tmp_path: Path) -> None:
    from slimmeregio.layers.gdal_safety import check_path

    for text in (
        "/vsicurl/http://127.0.0.1:9/a.tif",
        "https://example.org/a.tif",
        "/vsizip//x.zip/a.shp",
    ):
        with pytest.raises(errors.UnsafeSourceError):
            check_path(text)
    assert check_path(tmp_path / "a.tif") == str(tmp_path / "a.tif")


def test_gdal_network_is_off_during_user_opens() -> None:
    """Even a /vsicurl/ path that reached GDAL would find no file, at once."""
    import pyogrio
    import rasterio

    from slimmeregio.layers.gdal_safety import raster_env, vector_env

    start = time.perf_counter()
    with raster_env(), pytest.raises(rasterio.errors.RasterioIOError):
        rasterio.open("/vsicurl/http://192.0.2.1/bevolking.tif")
    with vector_env(), pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_info("/vsicurl/http://192.0.2.1/punten.geojson")
    # 192.0.2.1 (TEST-NET-1) never answers: a real request would wait for a timeout.
    assert time.perf_counter() - start < 5.0


# ---------------------------------------------------------------------------
# Reading changes nothing; FIFOs and odd paths
# ---------------------------------------------------------------------------


def _project_file(folder: Path) -> Path:
    from slimmeregio.layers.model import Layer, Project
    from slimmeregio.layers.project_file import save_project

    project = Project()
    project.layers.append(
        Layer(
            "punten",
            gpd.GeoDataFrame(
                {"n": [1, 2]}, geometry=[Point(143600, 158400), Point(143700, 158500)], crs=31370
            ),
        )
    )
    path = folder / "plan.srp"
    save_project(project, path)
    return path


def test_normal_loads_leave_hash_mtime_and_folder_unchanged(tmp_path: Path) -> None:
    import sqlite3

    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.project_file import load_project

    project = _project_file(tmp_path)
    layer_file = tmp_path / "punten.gpkg"
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(143600, 158400)], crs=31370).to_file(layer_file)
    wal_file = tmp_path / "wal.gpkg"
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(143600, 158400)], crs=31370).to_file(wal_file)
    with sqlite3.connect(wal_file) as db:  # WAL mode, recorded in the header
        db.execute("PRAGMA journal_mode = WAL")
    for p in tmp_path.iterdir():
        os.utime(p, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = _snapshot(tmp_path)
    times = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    load_project(project)
    load_layers(layer_file)
    load_layers(wal_file)
    assert _snapshot(tmp_path) == before  # no -journal, -wal, -shm or .aux.xml either
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == times


@posix_only
def test_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.project_file import load_project

    for name in ("pijp.gpkg", "pijp.srp"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        loader = load_project if name.endswith(".srp") else load_layers
        with pytest.raises(errors.NotAFileError) as info:
            loader(fifo)
        assert "geen gewoon bestand" in info.value.message("nl")
        assert "not a regular file" in info.value.message("en")


def test_a_newline_in_a_path_cannot_forge_a_line(tmp_path: Path) -> None:
    from slimmeregio.layers.io import load_layers

    path = tmp_path / "a\nslimmeregio: fout: vals\r\x1b[2K.gpkg"
    with pytest.raises(SlimmeRegioError) as info:
        load_layers(path)
    for lang in ("nl", "en"):
        text = info.value.full_message(lang)
        assert "\n" not in text and "\r" not in text and "\x1b" not in text
        assert "a\\nslimmeregio: fout: vals\\r\\x1b[2K.gpkg" in text
    detail = errors.CorruptFileError(path="x", detail="line one\nline two").message("en")
    assert "\n" not in detail


def test_raster_size_limit_is_checked_before_reading() -> None:
    from types import SimpleNamespace

    from slimmeregio.layers.gdal_safety import MAX_RASTER_BYTES, check_raster_size

    fits = SimpleNamespace(width=8192, height=8192, count=1, dtypes=("float64",))
    assert MAX_RASTER_BYTES == 8192 * 8192 * 8  # the documented 512 MiB
    check_raster_size(fits, Path("a.tif"))
    over = SimpleNamespace(width=8192, height=8193, count=1, dtypes=("float64",))
    with pytest.raises(errors.TooLargeError) as info:
        check_raster_size(over, Path("a.tif"))
    assert "8192 x 8193" in info.value.message("en")
    assert "512.0 MiB" in info.value.full_message("en")


def _long_line(path: Path, vertices: int) -> None:
    """A valid GeoJSON of one line with ``vertices`` vertices near Halle."""
    coords = ",".join(
        f"[{143600 + i * 0.001:.3f},{158400 + (i % 100) * 0.01:.3f}]" for i in range(vertices)
    )
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"naam":"lang"},'
        f'"geometry":{{"type":"LineString","coordinates":[{coords}]}}}}]}}'
    )


def test_a_valid_geojson_of_1_2_million_vertices_loads(tmp_path: Path) -> None:
    """GDAL's default object limit (200 MB of its estimate) calls this 29 MB
    file damaged; the raised limit reads it."""
    from slimmeregio.layers.io import load_layers

    path = tmp_path / "lang.geojson"
    _long_line(path, 1_200_000)
    (layer,) = load_layers(path)
    assert len(layer.frame) == 1
    assert len(layer.frame.geometry.iloc[0].coords) == 1_200_000


def test_the_geojson_limit_hit_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from slimmeregio.layers import gdal_safety
    from slimmeregio.layers.io import load_layers

    monkeypatch.setitem(gdal_safety._VECTOR_OPTIONS, "OGR_GEOJSON_MAX_OBJ_SIZE", "1")
    path = tmp_path / "lang.geojson"
    _long_line(path, 200_000)
    with pytest.raises(errors.TooLargeError) as info:
        load_layers(path)
    assert "OGR_GEOJSON_MAX_OBJ_SIZE" in info.value.full_message("en")
    assert "GeoJSON" in info.value.message("nl")


def test_a_half_written_project_is_still_recognised_as_a_project(tmp_path: Path) -> None:
    """Callers that ask first (OSM clipping) then get the half-written message."""
    from slimmeregio.layers.project_file import is_project_file

    path = _build("project_hot_journal.srp", tmp_path)
    before = _snapshot(path.parent)
    assert is_project_file(path)
    assert _snapshot(path.parent) == before


@posix_only
@pytest.mark.parametrize(
    "crs",
    [
        {"type": "name", "properties": {"name": "{fifo}"}},
        {"type": "link", "properties": {"href": "{fifo}", "type": "wkt"}},
        {"type": "link", "properties": {"href": "http://192.0.2.1/lambert.prj", "type": "proj4"}},
    ],
)
def test_a_geojson_crs_cannot_name_another_file_or_url(crs: dict[str, Any], tmp_path: Path) -> None:
    """A CRS given as a file name or URL is not followed: the layer loads
    with a guessed CRS, without opening the FIFO or waiting for the URL."""
    import json

    fifo = tmp_path / "lambert.prj"
    os.mkfifo(fifo)
    doc = {
        "type": "FeatureCollection",
        "crs": json.loads(json.dumps(crs).replace("{fifo}", str(fifo))),
        "features": [
            {
                "type": "Feature",
                "properties": {"n": 1},
                "geometry": {"type": "Point", "coordinates": [143600, 158400]},
            }
        ],
    }
    path = tmp_path / "punten.geojson"
    path.write_text(json.dumps(doc))
    code, out, err, seconds = _child(["-c", _LOAD, str(path)], tmp_path)
    assert (code, out.strip()) == (0, "loaded"), err
    assert seconds < MAX_SECONDS


@posix_only
def test_a_shapefile_sidecar_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    from slimmeregio.layers.io import load_layers

    shp = tmp_path / "punten.shp"
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(143600, 158400)], crs=31370).to_file(shp)
    (tmp_path / "punten.dbf").unlink()
    os.mkfifo(tmp_path / "punten.dbf")  # reading it would block for ever
    with pytest.raises(errors.NotAFileError) as info:
        load_layers(shp)
    assert info.value.path == str(tmp_path / "punten.dbf")


def test_projects_with_uri_characters_in_their_names_load(tmp_path: Path) -> None:
    """The read-only SQLite URI escapes ?, #, % and spaces in names (GDAL's
    IMMUTABLE open would not: such names are opened plain read-only)."""
    from slimmeregio.layers.gdal_safety import _uri
    from slimmeregio.layers.project_file import load_project

    folder = tmp_path / "map #1 ?x=%41"
    folder.mkdir()
    from slimmeregio.layers.io import load_layers

    path = _project_file(folder)
    layer_file = folder / "punten.gpkg"
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(143600, 158400)], crs=31370).to_file(layer_file)
    before = _snapshot(folder)
    assert [layer.name for layer in load_project(path).layers] == ["punten"]
    assert len(load_layers(layer_file)[0].frame) == 1
    assert _snapshot(folder) == before
    assert _uri(Path("/a b/c?d#e%f.srp")) == "file:///a%20b/c%3Fd%23e%25f.srp?mode=ro&immutable=1"


@posix_only
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("project_hot_journal.srp", "half geschreven"),
        ("project_huge_raster.srp", "te groot"),
        ("project_vrt_raster.srp", "geen geotiff"),
    ],
)
def test_cli_run_on_a_hostile_project_exits_2_and_writes_nothing(
    name: str, words: str, tmp_path: Path
) -> None:
    from slimmeregio.scenarios.model import example_scenario_toml

    path = _build(name, tmp_path)
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(example_scenario_toml(), encoding="utf-8")
    before = _snapshot(tmp_path)
    out = tmp_path / "uit"
    code, _out, err, seconds = _child(
        ["-m", "slimmeregio", "run", str(scenario), "--project", str(path), "--out", str(out)],
        tmp_path,
    )
    assert code == 2, err
    assert words in _one_line(err).lower()
    assert seconds < MAX_SECONDS
    assert not out.exists()
    assert _snapshot(tmp_path) == before


@posix_only
def test_vrt_stored_in_a_project_never_opens_its_target(tmp_path: Path) -> None:
    fifo = tmp_path / "geheim.tif"
    os.mkfifo(fifo)
    path = _MC._raster_project(tmp_path, "kwaad.srp", _MC._raster_vrt(str(fifo)))
    before = _snapshot(tmp_path)
    code, out, err, seconds = _child(["-c", _LOAD_PROJECT, str(path)], tmp_path)
    assert code == 2, (out, err)
    line = _one_line(err)
    assert line.startswith("ProjectFileError: ") and "VRT" in line, line
    assert seconds < MAX_SECONDS
    assert _snapshot(tmp_path) == before
