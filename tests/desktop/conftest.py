"""Desktop test configuration: offscreen Qt, isolated settings, no stray threads.

``QT_QPA_PLATFORM=offscreen`` is set before any Qt import (also done by the
suite's root conftest). Settings go to a temporary ini via
``SLIMMEREGIO_SETTINGS_DIR``; every test fails if it leaves a worker thread
running. A small synthetic project (a 9x9 km grid of bike links, housing,
mobipunten, stations and two municipalities) keeps the flows fast; the
embedded region is used where the real thing matters.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from shapely.geometry import LineString, Point, box  # noqa: E402

from slimmeregio.layers.model import Layer, Project  # noqa: E402
from slimmeregio.layers.roles import Role  # noqa: E402
from slimmeregio.layers.symbology import default_style  # noqa: E402

X0, Y0 = 140_000.0, 165_000.0
STEP = 1_000.0
N = 10  # grid lines per direction


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Every test gets fresh settings and recovery folders."""
    monkeypatch.setenv("SLIMMEREGIO_SETTINGS_DIR", str(tmp_path / "settings"))
    monkeypatch.setenv("SLIMMEREGIO_RECOVERY_DIR", str(tmp_path / "recovery"))
    from slimmeregio.desktop import errors, i18n

    i18n.set_language("nl")
    errors.HEADLESS_SINK = []
    yield
    errors.HEADLESS_SINK = None


@pytest.fixture(autouse=True)
def _no_thread_left_running(qapp):
    """Fail a test that leaves a worker running."""
    from PyQt6.QtCore import QThreadPool

    yield
    pool = QThreadPool.globalInstance()
    running = pool.activeThreadCount()
    pool.waitForDone(30_000)
    assert running == 0, f"{running} worker thread(s) still running at the end of the test"


def _layer(name, frame, role, fields, note=None):
    layer = Layer(
        name=name,
        data=gpd.GeoDataFrame(frame, crs="EPSG:31370"),
        role=role,
        fields=fields,
        note=note,
    )
    return layer.replace(style=default_style(layer))


def make_project() -> Project:
    """A small, fully connected synthetic region in Lambert 72."""
    lines, classes, ids = [], [], []
    for i in range(N):
        for j in range(N - 1):
            # horizontal and vertical links between grid nodes
            lines.append(
                LineString([(X0 + j * STEP, Y0 + i * STEP), (X0 + (j + 1) * STEP, Y0 + i * STEP)])
            )
            classes.append("bovenlokaal" if i == 4 else "lokaal")
            lines.append(
                LineString([(X0 + i * STEP, Y0 + j * STEP), (X0 + i * STEP, Y0 + (j + 1) * STEP)])
            )
            classes.append("fietssnelweg" if i == 2 else "lokaal")
    ids = list(range(1, len(lines) + 1))
    network = _layer(
        "fietsnetwerk",
        {"link_id": ids, "klasse": classes, "naam": [f"link {k}" for k in ids], "geometry": lines},
        Role.BIKE_NETWORK,
        {"link_class": "klasse", "name": "naam", "id": "link_id"},
        note="Illustratief fietsnetwerk (testgegevens)",
    )
    rng = np.random.default_rng(7)
    hx = rng.uniform(X0 + 200, X0 + (N - 1) * STEP - 200, 400)
    hy = rng.uniform(Y0 + 200, Y0 + (N - 1) * STEP - 200, 400)
    housing = _layer(
        "woningen",
        {
            "woning_id": [f"W{i}" for i in range(400)],
            "woningen": rng.integers(1, 30, 400),
            "geometry": [Point(x, y) for x, y in zip(hx, hy, strict=True)],
        },
        Role.HOUSING,
        {"dwellings": "woningen", "id": "woning_id"},
    )
    mobi = _layer(
        "mobipunten",
        {
            "mobipunt_id": ["M1", "M2"],
            "naam": ["Mobipunt Noord", "Mobipunt Zuid"],
            "type": ["regionaal", "buurt"],
            "geometry": [Point(X0 + 2 * STEP, Y0 + 6 * STEP), Point(X0 + 7 * STEP, Y0 + 1 * STEP)],
        },
        Role.MOBIPUNTEN,
        {"name": "naam", "hoppin_type": "type", "id": "mobipunt_id"},
    )
    stations = _layer(
        "stations",
        {
            "naam": ["Station A"],
            "treinen": [120.0],
            "geometry": [Point(X0 + 4 * STEP, Y0 + 4 * STEP)],
        },
        Role.STATIONS,
        {"name": "naam", "trains_per_day": "treinen"},
    )
    west = box(X0 - 500, Y0 - 500, X0 + 4.5 * STEP, Y0 + (N - 0.5) * STEP)
    east = box(X0 + 4.5 * STEP, Y0 - 500, X0 + (N - 0.5) * STEP, Y0 + (N - 0.5) * STEP)
    munis = _layer(
        "gemeenten",
        {
            "nis": ["23001", "23002"],
            "naam": ["Westdorp", "Oostdorp"],
            "inwoners": [5000, 7000],
            "geometry": [west, east],
        },
        Role.MUNICIPALITIES,
        {"nis": "nis", "name": "naam", "population": "inwoners"},
    )
    project = Project()
    for layer in (munis, network, housing, stations, mobi):
        project.layers.append(layer)
    return project


@pytest.fixture
def project() -> Project:
    return make_project()


@pytest.fixture
def window(qtbot, project):
    from slimmeregio.desktop.mainwindow import MainWindow

    win = MainWindow(project)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    yield win
    # closed here, not by qtbot (its hook closes widgets before fixtures end,
    # and an unsaved-changes prompt would block the run)
    win.runner.cancel_all()
    win.runner.wait(30_000)
    win.store.dirty = False
    win._layers_dirty = False
    win.close()
    win.deleteLater()
