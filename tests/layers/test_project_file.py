"""Tests for the project file: round trip, versions, corruption, atomic saves, recovery."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, Polygon

from slimmeregio.layers import project_load
from slimmeregio.layers.errors import (
    ExportError,
    OperationCancelled,
    ProjectFileError,
    ProjectVersionError,
    SlimmeRegioError,
    SourceNotFoundError,
    UnsupportedFormatError,
)
from slimmeregio.layers.model import (
    Layer,
    LayerReport,
    Project,
    ProjectSettings,
    RasterData,
    Style,
)
from slimmeregio.layers.project_file import (
    SCHEMA_VERSION,
    discard_recovery,
    find_recovery,
    is_project_file,
    load_project,
    load_recovery,
    recovery_dir,
    recovery_path,
    save_project,
    write_recovery,
)
from slimmeregio.layers.roles import Role

CRS = "EPSG:31370"


# ---------------------------------------------------------------------------
# Fixtures: a small but real project
# ---------------------------------------------------------------------------


def _raster(folder: Path) -> RasterData:
    path = folder / "bevolking.tif"
    data = np.arange(12 * 10, dtype="float32").reshape(1, 12, 10)
    data[0, 0, 0] = -9999.0
    transform = from_origin(140000.0, 162000.0, 100.0, 100.0)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=10,
        height=12,
        count=1,
        dtype="float32",
        crs=CRS,
        transform=transform,
        nodata=-9999.0,
    ) as dst:
        dst.write(data)
    with rasterio.open(path) as src:
        b = src.bounds
        return RasterData(
            path=path,
            crs=CRS,
            transform=src.transform,
            width=10,
            height=12,
            count=1,
            dtype="float32",
            nodata=-9999.0,
            bounds=(b.left, b.bottom, b.right, b.top),
        )


def _network(n: int = 50) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    xs = 140000 + rng.random(n) * 5000
    ys = 158000 + rng.random(n) * 5000
    return gpd.GeoDataFrame(
        {
            "link_id": np.arange(1, n + 1, dtype="int64"),
            "Categorie BVR": pd.Series(
                rng.choice(["fietssnelweg", "bovenlokaal", "lokaal"], n), dtype="str"
            ),
            "speed": rng.random(n) * 20,
            "oneway": rng.random(n) < 0.2,
            "Naam": ["Zennepad é" if i % 3 else None for i in range(n)],
        },
        geometry=[LineString([(x, y), (x + 100, y + 50)]) for x, y in zip(xs, ys, strict=True)],
        crs=CRS,
    )


def _awkward() -> gpd.GeoDataFrame:
    """Columns GeoPackage cannot hold as they are."""
    frame = gpd.GeoDataFrame(
        {
            "Naam": ["a", "b", None],
            "naam": ["x", "y", "z"],  # same name ignoring case
            "fid": [7, 8, 9],  # GeoPackage's own id column
            "geom": ["g", "h", "i"],  # GeoPackage's geometry column name
            "nullable_int": pd.array([1, None, 3], dtype="Int64"),
            "float": [1.5, np.nan, np.inf],
            "flag": [True, False, True],
            "kleur": pd.Categorical(
                ["rood", "groen", "rood"], categories=["rood", "groen", "blauw"], ordered=True
            ),
            "wanneer": pd.to_datetime(
                ["2020-01-01 10:00:00.123456789", None, "2021-06-01 00:00:00.000000000"]
            ).tz_localize("Europe/Brussels"),
            "naive": pd.to_datetime(["2020-01-01", "2020-01-02", None]),
            "mixed": [1, "a", None],
            "lists": [[1, 2], {"a": 1}, None],
            "big": np.array([2**62, -(2**62), 0], dtype="int64"),
            7: ["zeven", "seven", "sieben"],
        },
        geometry=[
            Point(140000, 160000),
            Polygon([(140000, 160000), (140100, 160000), (140100, 160100)]),
            None,
        ],
        crs=CRS,
    )
    frame.index = pd.Index(["w-1", "w-2", "w-3"], name="woning_id")
    return frame


@pytest.fixture
def project(tmp_path: Path) -> Project:
    report = LayerReport()
    report.add("crs_guessed", "CRS geraden", "CRS guessed", count=50, level="info")
    report.add("invalid_repaired", "2 hersteld", "2 repaired", count=2)
    layers = [
        Layer(
            "Fietsnetwerk",
            _network(),
            role=Role.BIKE_NETWORK,
            fields={
                "link_class": "Categorie BVR",
                "speed": "speed",
                "oneway": "oneway",
                "name": "Naam",
            },
            source=Path("/data/fiets.gpkg"),
            source_layer="netwerk",
            original_crs="EPSG:4326",
            crs_guessed=True,
            report=report,
            style=Style(
                kind="categories", column="Categorie BVR", categories={"lokaal": "#00ff00"}
            ),
            visible=False,
            note="illustratief",
            attribution="© OpenStreetMap contributors, ODbL 1.0",
        ),
        Layer("Rare kolommen", _awkward(), role=Role.OTHER),
        Layer("Bevolking", _raster(tmp_path), role=Role.POPULATION_GRID),
        Layer("Leeg", _network().iloc[:0], role=Role.OTHER),
    ]
    p = Project(
        settings=ProjectSettings(title="Test Halle", organisation="Toekomstforum", language="en")
    )
    for layer in layers:
        p.layers.append(layer)
    p.scenarios = [
        {
            "name": "Fietsbrug",
            "modifications": [
                {"kind": "remove_link", "link_ids": [1], "author": "a", "reason": "r"}
            ],
        },
        {"name": "Leeg"},
    ]
    return p


def _assert_same(a: Project, b: Project) -> None:
    assert [layer.name for layer in a.layers] == [layer.name for layer in b.layers]
    assert a.settings == b.settings
    assert a.scenarios == b.scenarios
    for la, lb in zip(a.layers, b.layers, strict=True):
        assert (la.role, la.fields, la.visible, la.note, la.attribution) == (
            lb.role,
            lb.fields,
            lb.visible,
            lb.note,
            lb.attribution,
        )
        assert (la.original_crs, la.crs_guessed, la.source, la.source_layer) == (
            lb.original_crs,
            lb.crs_guessed,
            lb.source,
            lb.source_layer,
        )
        assert la.style == lb.style
        assert la.report.entries == lb.report.entries
        if isinstance(la.data, RasterData):
            assert isinstance(lb.data, RasterData)
            assert (lb.data.width, lb.data.height, lb.data.count, lb.data.dtype) == (
                la.data.width,
                la.data.height,
                la.data.count,
                la.data.dtype,
            )
            assert lb.data.nodata == la.data.nodata
            assert lb.data.transform == la.data.transform
            assert lb.data.bounds == pytest.approx(la.data.bounds)
            with rasterio.open(la.data.path) as src:
                expected = src.read()
            with rasterio.open(lb.data.path) as src:
                assert src.crs.to_epsg() == 31370
                np.testing.assert_array_equal(src.read(), expected)
        else:
            fa, fb = la.frame, lb.frame
            assert fa.geometry.name == fb.geometry.name
            assert fb.crs is not None and fb.crs.to_epsg() == 31370
            pd.testing.assert_frame_equal(
                pd.DataFrame(fa.drop(columns=fa.geometry.name)),
                pd.DataFrame(fb.drop(columns=fb.geometry.name)),
            )
            assert list(fa.geometry.is_empty.fillna(True)) == list(
                fb.geometry.is_empty.fillna(True)
            )
            for ga, gb in zip(fa.geometry, fb.geometry, strict=True):
                assert (ga is None and gb is None) or ga.equals_exact(gb, 0.0)


# ---------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".srp", ".gpkg"])
def test_round_trip(project: Project, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    fractions: list[float] = []
    save_project(project, path, progress=lambda f, m: fractions.append(f))
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    loaded = load_project(path)
    assert loaded.path == path
    _assert_same(project, loaded)
    # Saving the loaded project again gives the same project (raster from cache).
    again = tmp_path / f"again{suffix}"
    save_project(loaded, again)
    _assert_same(project, load_project(again))


def test_qgis_sees_vector_layers_in_lambert72(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    save_project(project, path)
    layers = {name: geom for name, geom in pyogrio.list_layers(path)}
    assert {"fietsnetwerk", "rare_kolommen", "leeg", "slimmeregio_project"} <= set(layers)
    assert "bevolking" not in layers  # rasters live in slimmeregio_rasters
    info = pyogrio.read_info(path, layer="fietsnetwerk")
    assert info["crs"] == "EPSG:31370"
    assert info["features"] == 50
    # A GIS user sees the original column names and the layer's title.
    assert "Categorie BVR" in list(info["fields"])
    with sqlite3.connect(path) as db:
        rows = dict(db.execute("SELECT table_name, identifier FROM gpkg_contents").fetchall())
        (app_id,) = db.execute("PRAGMA application_id").fetchone()
    assert rows["fietsnetwerk"] == "Fietsnetwerk"
    assert rows["slimmeregio_rasters"] == "Slimme Regio Planner: rasters"
    assert rows["slimmeregio_project"] == "Slimme Regio Planner: project"
    assert app_id == 0x47504B47  # 'GPKG'


def test_project_table_holds_the_documented_json(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plan.srp"
    save_project(project, path)
    with sqlite3.connect(path) as db:
        version, app, text = db.execute(
            "SELECT schema_version, app_version, project FROM slimmeregio_project"
        ).fetchone()
    doc = json.loads(text)
    assert version == doc["schema_version"] == SCHEMA_VERSION
    from slimmeregio import __version__

    assert app == doc["app_version"] == __version__
    assert [d["name"] for d in doc["layers"]] == [
        "Fietsnetwerk",
        "Rare kolommen",
        "Bevolking",
        "Leeg",
    ]
    first = doc["layers"][0]
    assert first["table"] == "fietsnetwerk"
    assert first["role"] == "bike_network"
    assert first["style"]["categories"] == {"lokaal": "#00ff00"}
    assert first["report"][1] == {
        "kind": "invalid_repaired",
        "nl": "2 hersteld",
        "en": "2 repaired",
        "count": 2,
        "level": "warning",
    }
    assert doc["scenarios"][0]["name"] == "Fietsbrug"


def test_layer_names_become_unique_safe_tables(tmp_path: Path) -> None:
    frame = _network(3)
    p = Project()
    for name in [
        "gpkg_contents",
        "Wegen",
        "wegen (2)",
        "Wégen",
        "123",
        "rtree_x",
        "slimmeregio_project",
    ]:
        p.layers.append(Layer(name, frame))
    path = tmp_path / "p.srp"
    save_project(p, path)
    loaded = load_project(path)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in p.layers]
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
    assert len(tables) == len(set(tables)) == 8
    assert "laag_gpkg_contents" in tables and "laag_123" in tables


def test_empty_project(tmp_path: Path) -> None:
    path = tmp_path / "leeg.srp"
    save_project(Project(), path)
    loaded = load_project(path)
    assert len(loaded.layers) == 0
    assert loaded.settings == ProjectSettings()


def test_overwrite_keeps_only_new_content(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plan.srp"
    save_project(project, path)
    project.layers.remove("Rare kolommen")
    save_project(project, path)
    assert [layer.name for layer in load_project(path).layers] == [
        "Fietsnetwerk",
        "Bevolking",
        "Leeg",
    ]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------------------
# Refusals: version, corruption, wrong input
# ---------------------------------------------------------------------------


def _set_version(path: Path, version: int) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE slimmeregio_project SET schema_version = ?", (version,))


def test_newer_version_refused_before_reading_layers(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "toekomst.srp"
    save_project(project, path)
    _set_version(path, SCHEMA_VERSION + 1)
    with sqlite3.connect(path) as db:  # a newer layout: our layer tables are gone
        db.execute("DROP TABLE fietsnetwerk")
    before = path.read_bytes()
    with pytest.raises(ProjectVersionError) as info:
        load_project(path)
    err = info.value
    assert isinstance(err, ProjectFileError)
    assert f"schema {SCHEMA_VERSION + 1}" in err.message("nl")
    assert "Werk Slimme Regio Planner bij" in err.hint_text("nl")
    assert path.read_bytes() == before
    assert is_project_file(path)


def test_corrupt_files(tmp_path: Path, project: Project) -> None:
    good = tmp_path / "goed.srp"
    save_project(project, good)
    raw = good.read_bytes()
    cases = {
        "leeg.srp": b"",
        "tekst.srp": b"dit is geen project\n",
        "half.srp": raw[: len(raw) // 2],
        "kop.srp": raw[:100],
        "random.srp": bytes(random.Random(1).randrange(256) for _ in range(5000)),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ProjectFileError) as info:
            load_project(path)
        assert not isinstance(info.value, ProjectVersionError), name
        assert info.value.message("nl") and info.value.message("en")
        assert not is_project_file(path)


def test_plain_geopackage_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "wegen.gpkg"
    pyogrio.write_dataframe(_network(3), path, layer="wegen")
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    assert "open het als laag" in info.value.message("nl")  # the reason is in the message, in Dutch
    assert "open it as a layer" not in info.value.full_message("nl")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE slimmeregio_project SET project = 'niet json'",
        "UPDATE slimmeregio_project SET project = '[1, 2]'",
        "UPDATE slimmeregio_project SET project = '{\"layers\": 5}'",
        "DELETE FROM slimmeregio_project",
        "DROP TABLE fietsnetwerk",
        "DELETE FROM slimmeregio_rasters",
        "UPDATE slimmeregio_rasters SET data = X'00010203'",
        "UPDATE slimmeregio_project SET schema_version = 'een'",
        "UPDATE slimmeregio_project SET schema_version = -1",
    ],
)
def test_damaged_project_table(project: Project, tmp_path: Path, sql: str) -> None:
    path = tmp_path / "plan.srp"
    save_project(project, path)
    with sqlite3.connect(path) as db:
        db.execute(sql)
    with pytest.raises(ProjectFileError):
        load_project(path)


def test_missing_file_and_wrong_suffix(tmp_path: Path, project: Project) -> None:
    with pytest.raises(SourceNotFoundError):
        load_project(tmp_path / "nergens.srp")
    with pytest.raises(UnsupportedFormatError):
        save_project(project, tmp_path / "plan.zip")
    assert list(tmp_path.glob("plan*")) == []


def test_missing_raster_source_aborts_before_writing(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plan.srp"
    save_project(project, path)
    before = path.read_bytes()
    raster = project.layers["Bevolking"].data
    assert isinstance(raster, RasterData)
    raster.path.unlink()
    with pytest.raises(SourceNotFoundError) as info:
        save_project(project, path)
    assert "Bevolking" in info.value.hint_text("nl")
    assert path.read_bytes() == before


def test_cancel_leaves_old_file(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plan.srp"
    save_project(project, path)
    before = path.read_bytes()
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 6  # somewhere in the middle of writing

    with pytest.raises(OperationCancelled):
        save_project(project, path, cancel=cancel)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".tif") == ["plan.srp"]


def test_write_failure_is_export_error_and_keeps_old_file(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.srp"
    save_project(project, path)
    before = path.read_bytes()
    calls = {"n": 0}
    real = pyogrio.write_dataframe

    def failing(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the disk fills up halfway
            raise OSError(28, "No space left on device")
        real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(ExportError) as info:
        save_project(project, path)
    assert info.value.message("en").startswith(
        "Saving to"
    ) and "the disk is full" in info.value.message("en")
    assert "schijf is vol" in info.value.message("nl") and "Errno" not in info.value.full_message(
        "nl"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".tif") == ["plan.srp"]
    with pytest.raises(ExportError):
        save_project(project, tmp_path / "bestaat-niet" / "plan.srp")


# ---------------------------------------------------------------------------
# Migrations
# ---------------------------------------------------------------------------


def test_every_schema_below_current_has_a_migration() -> None:
    assert sorted(project_load._MIGRATIONS) == list(range(SCHEMA_VERSION))


def _schema0_file(path: Path) -> None:
    """A project as the schema-0 development builds wrote it."""
    pyogrio.write_dataframe(_network(4), path, layer="wegen", driver="GPKG")
    doc = {
        "version": 0,
        "settings": {"title": "Oud project", "organisation": "Halle"},
        "layer_order": ["wegen"],
        "layers": {
            "wegen": {
                "name": "Wegen",
                "role": "bike_network",
                "mapping": {"link_class": "Categorie BVR"},
                "color": "#ff0000",
                "visible": False,
                "crs": "EPSG:31370",
                "source": "/oud/wegen.shp",
            },
            "verdwenen": "geen tabel",
        },
        "scenarios": {"Basis+": {"modifications": []}},
    }
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE slimmeregio_project (id INTEGER PRIMARY KEY, schema_version INTEGER, "
            "app_version TEXT, project TEXT)"
        )
        db.execute(
            "INSERT INTO slimmeregio_project (schema_version, app_version, project) VALUES (0, '0.0.1', ?)",
            (json.dumps(doc),),
        )


def test_migrate_0_to_1_document() -> None:
    new = project_load._migrate_0_to_1(
        {
            "version": 0,
            "layers": {"a": {"name": "A", "mapping": {"x": "y"}, "color": "#123456"}},
            "scenarios": {"S": {}},
        }
    )
    assert new["schema_version"] == 1
    assert new["layers"][0]["fields"] == {"x": "y"}
    assert new["layers"][0]["style"]["color"] == "#123456"
    assert new["layers"][0]["table"] == "a"
    assert new["scenarios"] == [{"name": "S"}]


def test_schema0_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "oud.srp"
    _schema0_file(path)
    project = load_project(path)
    assert project.settings.title == "Oud project"
    (layer,) = list(project.layers)
    assert layer.name == "Wegen"
    assert layer.role == Role.BIKE_NETWORK
    assert layer.fields == {"link_class": "Categorie BVR"}
    assert layer.style.color == "#ff0000"
    assert layer.visible is False
    assert layer.original_crs == "EPSG:31370"
    assert len(layer) == 4
    assert project.scenarios == [{"name": "Basis+", "modifications": []}]
    # Saving writes the current schema.
    save_project(project, tmp_path / "nieuw.srp")
    with sqlite3.connect(tmp_path / "nieuw.srp") as db:
        assert db.execute("SELECT schema_version FROM slimmeregio_project").fetchone() == (
            SCHEMA_VERSION,
        )


# ---------------------------------------------------------------------------
# Killing a saving process never damages the previous project
# ---------------------------------------------------------------------------


def _save_forever(project_path: str, loaded: Any) -> None:
    """Child process: save the project over and over, each time a new title."""
    project = load_project(project_path)
    loaded.set()
    i = 0
    while True:
        i += 1
        project.settings.title = f"versie {i}"
        save_project(project, project_path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_kill_during_save_never_damages_project(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "plan.srp"
    project.settings.title = "versie 0"
    # A regional-size network, so that a save takes long enough to be hit.
    project.layers.append(Layer("Groot netwerk", _network(3000), role=Role.BIKE_NETWORK))
    save_project(project, path)
    reference = load_project(path)
    start = time.perf_counter()
    save_project(reference, tmp_path / "timing.srp")
    one_save = time.perf_counter() - start
    (tmp_path / "timing.srp").unlink()

    # forkserver: children fork from a clean single-threaded server that has
    # the package loaded (fast, and no locks inherited from this process's
    # threads, e.g. Qt's); spawn where fork is unavailable.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__, "slimmeregio.layers.project_file"])
    else:
        ctx = multiprocessing.get_context("spawn")
    rng = random.Random(20231)
    titles: set[str] = set()
    runs = 0

    def leftovers_exist() -> bool:
        return any(p.name.startswith(".plan.srp.") for p in tmp_path.iterdir())

    # At least 20 kills; more (with a wider window) only while the kills have
    # not yet hit both a finished and an unfinished save: the child's save
    # time under load may be longer than the one measured here.
    while runs < 20 or (runs < 60 and (len(titles) < 2 or not leftovers_exist())):
        window = 3 * one_save * (1 + runs // 20)
        runs += 1
        loaded_event = ctx.Event()
        child = ctx.Process(target=_save_forever, args=(str(path), loaded_event), daemon=True)
        child.start()
        # Once the child has loaded the project it saves again and again:
        # kill it at a random moment within its first three saves.
        assert loaded_event.wait(60), "the saving process did not start"
        delay = rng.uniform(0.0, window)
        time.sleep(delay)
        assert child.pid is not None
        assert child.exitcode is None, f"the saving process died on its own ({child.exitcode})"
        os.kill(child.pid, signal.SIGKILL)
        child.join(5)
        loaded = load_project(path)  # always complete and readable
        titles.add(loaded.settings.title)
        _assert_same_layers(reference, loaded)
    # The kills landed at different moments: several versions were seen.
    assert len(titles) >= 2
    # Killed saves leave temp files; they are hidden, never listed as projects,
    # and removed by a later save once stale.
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".plan.srp.")]
    assert leftovers, "no kill landed in the middle of a save"
    assert find_recovery() == [] or all(p not in find_recovery() for p in leftovers)
    old = time.time() - 3600
    for p in leftovers:
        os.utime(p, (old, old))
    save_project(reference, path)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".plan.srp.")] == []


def _assert_same_layers(a: Project, b: Project) -> None:
    assert [layer.name for layer in a.layers] == [layer.name for layer in b.layers]
    for la, lb in zip(a.layers, b.layers, strict=True):
        assert len(la) == len(lb)


# ---------------------------------------------------------------------------
# Recovery
# ---------------------------------------------------------------------------


def test_recovery_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_RECOVERY_DIR", str(tmp_path / "herstel"))
    assert recovery_dir() == tmp_path / "herstel"
    monkeypatch.delenv("SLIMMEREGIO_RECOVERY_DIR")
    if sys.platform.startswith("linux"):
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
        assert recovery_dir() == Path.home() / ".local/share/slimmeregio/recovery"


def test_recovery_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_RECOVERY_DIR", str(tmp_path / "herstel"))
    unsaved = recovery_path(None)
    assert unsaved.parent == tmp_path / "herstel"
    assert str(os.getpid()) in unsaved.name
    a = recovery_path(tmp_path / "a" / "plan.srp")
    b = recovery_path(tmp_path / "b" / "plan.srp")
    assert a != b and a.name.startswith("plan-") and a.suffix == ".srp"
    assert recovery_path(tmp_path / "a" / "plan.srp") == a
    assert recovery_path(tmp_path / "a" / "../a/plan.srp") == a
    evil = recovery_path(tmp_path / "CON.srp")
    assert evil.parent == tmp_path / "herstel"


def test_write_find_load_discard_recovery(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLIMMEREGIO_RECOVERY_DIR", str(tmp_path / "herstel"))
    assert find_recovery() == []
    project.path = tmp_path / "werk" / "plan.srp"
    first = write_recovery(project)
    assert first == recovery_path(project.path)
    unsaved = Project()
    unsaved.layers.append(Layer("Wegen", _network(3)))
    second = write_recovery(unsaved)
    os.utime(first, (time.time() - 100, time.time() - 100))
    (tmp_path / "herstel" / ".plan.srp.abc.tmp.gpkg").write_bytes(b"half")
    assert find_recovery() == [second, first]
    restored = load_recovery(first)
    assert restored.path == project.path
    assert [layer.name for layer in restored.layers] == [layer.name for layer in project.layers]
    assert load_recovery(second).path is None
    discard_recovery(first)
    discard_recovery(first)  # twice is fine
    assert find_recovery() == [second]


def test_a_second_recovery_copy_with_the_same_layer_data_rewrites_only_the_document(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The autosave before every run must not re-encode every layer: with the
    same frames only the document changes (scenarios, a style, a visibility),
    and the copy loads as a whole save of the same project would."""
    import slimmeregio.layers.project_save as project_save

    monkeypatch.setenv("SLIMMEREGIO_RECOVERY_DIR", str(tmp_path / "herstel"))
    project.path = tmp_path / "werk" / "plan.srp"
    first = write_recovery(project)
    encoded: list[str] = []
    real = project_save.encode_frame
    monkeypatch.setattr(
        project_save, "encode_frame", lambda frame: encoded.append("x") or real(frame)
    )
    project.scenarios = [{"name": "Fietsbrug", "modifications": []}]
    project.layers[0].visible = not project.layers[0].visible
    project.layers[0].style = project.layers[0].style.__class__.from_dict(
        {**project.layers[0].style.to_dict(), "color": "#123456"}
    )
    second = write_recovery(project)
    assert second == first and encoded == []  # no layer encoded again
    quick = load_recovery(second)
    whole = tmp_path / "whole.srp"
    save_project(project, whole)
    full = load_project(whole)
    assert quick.scenarios == full.scenarios == project.scenarios
    for a, b in zip(quick.layers, full.layers, strict=True):
        assert (a.name, a.visible, a.style, a.role) == (b.name, b.visible, b.style, b.role)
        if not a.is_raster:
            pd.testing.assert_frame_equal(a.frame, b.frame)
    # A layer with new data: the whole copy again.
    project.layers[0].data = project.layers[0].frame.iloc[:1].copy()
    write_recovery(project)
    assert encoded  # encoded again
    assert len(load_recovery(second).layers[0].frame) == 1


# ---------------------------------------------------------------------------
# Property: any attribute table survives save and load unchanged
# ---------------------------------------------------------------------------

_N = 4
_column = st.one_of(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=_N, max_size=_N).map(
        lambda v: pd.Series(v, dtype="int64")
    ),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=_N, max_size=_N).map(
        lambda v: pd.Series(v, dtype="float64")
    ),
    st.lists(st.booleans(), min_size=_N, max_size=_N).map(lambda v: pd.Series(v, dtype="bool")),
    st.lists(st.none() | st.text(max_size=8), min_size=_N, max_size=_N).map(
        lambda v: pd.Series(v, dtype="str")
    ),
    st.lists(st.none() | st.text(max_size=8), min_size=_N, max_size=_N).map(
        lambda v: pd.Series(v, dtype=object)
    ),
    st.lists(st.none() | st.integers(-(2**40), 2**40), min_size=_N, max_size=_N).map(
        lambda v: pd.Series(v, dtype="Int64")
    ),
    st.lists(
        st.none() | st.integers(-5, 5) | st.text(max_size=3) | st.booleans(),
        min_size=_N,
        max_size=_N,
    ).map(lambda v: pd.Series(v, dtype=object)),
    st.lists(
        st.none() | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
        min_size=_N,
        max_size=_N,
    ).map(lambda v: pd.Series(pd.to_datetime(v), dtype="datetime64[ns]")),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    columns=st.dictionaries(
        st.text(min_size=0, max_size=10).filter(lambda s: s != "geometry"), _column, max_size=5
    )
)
def test_any_attribute_table_round_trips(tmp_path: Path, columns: dict[str, pd.Series]) -> None:
    frame = gpd.GeoDataFrame(
        dict(columns),
        geometry=[Point(140000 + i, 160000) for i in range(_N)],
        crs=CRS,
    )
    project = Project()
    project.layers.append(Layer("eigen", frame))
    path = tmp_path / "p.srp"
    save_project(project, path)
    loaded = load_project(path).layers["eigen"].frame
    pd.testing.assert_frame_equal(
        pd.DataFrame(frame.drop(columns="geometry")), pd.DataFrame(loaded.drop(columns="geometry"))
    )


# ---------------------------------------------------------------------------
# Property: a tampered project document loads or gives a project error
# ---------------------------------------------------------------------------

_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += _paths(value, (*prefix, i))
    return found


@pytest.fixture(scope="module")
def saved_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("tamper")
    project = Project()
    project.layers.append(
        Layer("Wegen", _network(5), role=Role.BIKE_NETWORK, fields={"link_class": "Categorie BVR"})
    )
    project.layers.append(Layer("Raster", _raster(folder), role=Role.POPULATION_GRID))
    project.scenarios = [{"name": "A"}]
    path = folder / "p.srp"
    save_project(project, path)
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT project FROM slimmeregio_project").fetchone()
    return path.read_bytes(), json.loads(text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_tampered_document_loads_or_project_error(
    tmp_path: Path, saved_project: tuple[bytes, dict[str, Any]], data: st.DataObject
) -> None:
    raw, doc = saved_project
    doc = json.loads(json.dumps(doc))
    where = data.draw(st.sampled_from(_paths(doc)[1:]))
    value = data.draw(_json_value)
    target: Any = doc
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    path = tmp_path / "p.srp"
    path.write_bytes(raw)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE slimmeregio_project SET project = ?", (json.dumps(doc),))
    try:
        project = load_project(path)
    except SlimmeRegioError as error:
        assert error.message("nl") and error.message("en")
    else:
        assert isinstance(project, Project)
        for layer in project.layers:  # what the GUI and the exporters rely on
            assert isinstance(layer.name, str) and isinstance(layer.visible, bool)
            assert isinstance(layer.style.line_width, int | float)
            assert all(isinstance(v, str) for v in layer.fields.values())
            assert all(isinstance(c, str) for c in layer.style.colors)
            assert layer.note is None or isinstance(layer.note, str)
        assert all(isinstance(s, dict) for s in project.scenarios)
        assert isinstance(project.settings.title, str) and isinstance(
            project.settings.language, str
        )
