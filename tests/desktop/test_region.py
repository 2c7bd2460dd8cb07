"""The embedded region in the real window, and the application entry point."""

from __future__ import annotations

import sys

import numpy as np
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QApplication

from slimmeregio.desktop import errors as dialogs
from slimmeregio.layers.roles import Role

from .helpers import press_ok, when_modal


def test_region_opens_renders_and_runs(qtbot, region_project):
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.model import Project

    project = Project(
        layers=region_project.layers.__class__(list(region_project.layers)),
        settings=region_project.settings,
    )
    win = MainWindow(project)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    try:
        win.zoom_region()
        image = win.canvas.render_image()
        # the map is drawn: many distinct colours, not an empty background
        arr = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8).reshape(
            -1, 4
        )
        assert len(np.unique(arr[::50], axis=0)) > 20
        assert win.canvas.banner_text  # illustrative layers are labelled on screen
        # the layer list names every illustrative layer, also those hidden at start (they feed the numbers);
        # the map's banner names only what is drawn
        hidden = {layer.name for layer in win.project.layers if layer.note and not layer.visible}
        assert {"banen", "scholen", "ov_haltes"} <= hidden
        note = win.layer_panel.note.text()
        assert all(name in note for name in hidden), note
        assert not any(name in win.canvas.banner_text for name in hidden)
        net = win.project.layers.first(Role.BIKE_NETWORK)
        assert len(net) > 10_000
        job = win.run_scenario()
        with qtbot.waitSignal(job.finished, timeout=120_000):
            pass
        assert win.last_run is not None, dialogs.HEADLESS_SINK
        ev = win.last_run.evaluation
        housing = win.project.layers.first(Role.HOUSING)
        # The base is today's situation: the layer's existing dwellings (hand count
        # by status), not the planned projects.
        existing = housing.column("status").astype(str) == "bestaand"
        assert existing.sum() < len(existing)  # the region does have planned projects
        assert ev.region["dwellings"] == housing.column("dwellings")[existing].sum()
        assert win.results_panel.card_value("dwellings")
        assert win.results_panel.table_model.rowCount() == 35
    finally:
        win.runner.wait(60_000)
        win.store.dirty = False
        win._layers_dirty = False
        win.close()
        win.deleteLater()


def test_main_opens_the_window_on_the_region(qtbot, monkeypatch):
    from slimmeregio.desktop import app as app_module
    from slimmeregio.desktop.mainwindow import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen = {}

    def close_when_loaded(tries=400):
        wins = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if wins and len(wins[0].project.layers):
            win = wins[0]
            seen["layers"] = [layer.name for layer in win.project.layers]
            seen["title"] = win.windowTitle()
            win.store.dirty = False
            win._layers_dirty = False
            win.close()
        elif tries:
            QTimer.singleShot(25, lambda: close_when_loaded(tries - 1))
        else:
            for w in QApplication.topLevelWidgets():
                w.close()

    QTimer.singleShot(0, close_when_loaded)
    assert app_module.main([]) == 0
    assert "fietsnetwerk" in seen["layers"] and "gemeenten" in seen["layers"]
    assert "Slimme Regio Planner" in seen["title"]


def test_all_35_municipalities_are_labelled_at_region_scale(qtbot, region_project):
    """Issue 13, defect 10: Vilvoorde (and three more) had no name at region scale."""
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.model import Project
    from slimmeregio.layers.roles import Role

    project = Project(
        layers=region_project.layers.__class__(list(region_project.layers)),
        settings=region_project.settings,
    )
    win = MainWindow(project)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    try:
        qtbot.mouseClick(
            win.toolbars["map"].widgetForAction(win.action("zoom_region")),
            Qt.MouseButton.LeftButton,
        )
        win.canvas.render_image()
        names = set(project.layers.first(Role.MUNICIPALITIES).column("name").astype(str))
        assert len(names) == 35
        assert names <= set(win.canvas.drawn_labels), sorted(names - set(win.canvas.drawn_labels))
    finally:
        win.store.dirty = False
        win._layers_dirty = False
        win.close()
        win.deleteLater()


def test_readding_an_illustrative_region_layer_keeps_its_marking_and_ids(window, qtbot):
    """Issue 13, defect 14: provenance travels with the data, not only with the embedded region."""
    from slimmeregio.desktop.adddialog import AddLayersDialog
    from slimmeregio.layers.region import REGION_FIELDS
    from slimmeregio.resources import REGION_GPKG

    def accept(dialog):
        assert isinstance(dialog, AddLayersDialog)
        press_ok(dialog)

    seen = when_modal(accept, tries=1000)
    before = {la.name for la in window.project.layers}
    window.load_layer_file(REGION_GPKG)
    qtbot.waitUntil(lambda: len(list(window.project.layers)) > len(before), timeout=30_000)
    assert seen
    added = {la.source_layer: la for la in window.project.layers if la.name not in before}
    mobi = added["mobipunten"]
    assert mobi.note and "llustratie" in mobi.note
    assert mobi.fields.get("id") == REGION_FIELDS["mobipunten"]["id"]
    assert mobi.name in window.canvas.banner_text  # the map says it is illustrative
