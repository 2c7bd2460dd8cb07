"""Components on their own: canvas maths, table model, worker, i18n, dialogs."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PyQt6.QtCore import QPoint, QPointF, Qt
from PyQt6.QtWidgets import QDialog, QStyle
from shapely.geometry import Point

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop import i18n
from slimmeregio.desktop.attributetable import AttributeTableModel
from slimmeregio.desktop.mapcanvas import MapCanvas, View, build_path, classify
from slimmeregio.desktop.worker import WorkerRunner
from slimmeregio.layers.errors import OperationCancelled
from slimmeregio.layers.model import Layer, LayerList, Style
from slimmeregio.layers.roles import Role

from .conftest import STEP, X0, Y0
from .helpers import fill_modification, press_ok, when_modal

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"


# ---------------------------------------------------------------- canvas
def test_view_round_trips_and_scale():
    v = View(150_000.0, 170_000.0, 2.0)
    px = v.to_pixel(150_100.0, 169_900.0, 800, 600)
    assert px == (450.0, 350.0)
    assert v.to_map(*px, 800, 600) == (150_100.0, 169_900.0)
    t = v.transform(800, 600)
    p = t.map(QPointF(150_100.0, 169_900.0))
    assert (p.x(), p.y()) == pytest.approx(px)
    assert v.scale_denominator == pytest.approx(2.0 * 96 / 0.0254)


def test_wheel_zoom_keeps_the_point_under_the_cursor(qtbot, project):
    canvas = MapCanvas(project.layers)
    qtbot.addWidget(canvas)
    canvas.resize(800, 600)
    canvas.set_view(View(X0 + 4000, Y0 + 4000, 10.0))
    anchor = QPointF(200, 150)
    before = canvas.pixel_to_map(anchor.x(), anchor.y())
    canvas.zoom_by(2.0, anchor)
    assert canvas.view.res == pytest.approx(5.0)
    assert canvas.pixel_to_map(anchor.x(), anchor.y()) == pytest.approx(before)


def test_drag_pans_by_the_mouse_delta(qtbot, project):
    canvas = MapCanvas(project.layers)
    qtbot.addWidget(canvas)
    canvas.resize(800, 600)
    canvas.show()
    canvas.set_view(View(X0 + 4000, Y0 + 4000, 10.0))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    qtbot.mouseMove(canvas, QPoint(450, 280))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(450, 280))
    assert canvas.view.cx == pytest.approx(X0 + 4000 - 50 * 10.0)
    assert canvas.view.cy == pytest.approx(Y0 + 4000 - 20 * 10.0)


def test_render_draws_layer_colours_where_the_features_are(qtbot, project):
    canvas = MapCanvas(project.layers)
    qtbot.addWidget(canvas)
    canvas.resize(400, 400)
    canvas.set_view(View(X0 + 2 * STEP, Y0 + 5 * STEP, 5.0))
    canvas.show_labels = False  # the name 'Westdorp' would be written over the sampled pixel
    image = canvas.render_image()
    # the fietssnelweg runs north-south at x = X0 + 2 km: the centre pixel column
    centre = image.pixelColor(200, 300)
    assert centre.name() == "#c2185b"
    # off the network, inside a municipality: the municipality fill
    assert image.pixelColor(120, 120).name() == "#f5f3ee"


def test_a_layer_the_render_loop_skips_is_logged_once(qtbot, project, monkeypatch, caplog):
    import logging

    from slimmeregio.desktop import maprender

    def broken(self, p, view, extent):
        raise AttributeError("no such attribute")

    monkeypatch.setattr(maprender.LayerGraphics, "draw", broken)
    monkeypatch.setattr(maprender, "_not_drawn", set())
    canvas = MapCanvas(project.layers)
    qtbot.addWidget(canvas)
    canvas.resize(200, 200)
    with caplog.at_level(logging.WARNING, logger="slimmeregio"):
        canvas.render_image()
        canvas.render_image()  # a repaint does not log again
    skipped = [r for r in caplog.records if "is not drawn" in r.getMessage()]
    assert len(skipped) == len(project.layers) and all(r.exc_info for r in skipped)


def test_build_path_matches_the_geometry():
    coords = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 5.0], [20.0, 20.0], [30.0, 20.0]])
    starts = np.array([True, False, False, True, False])
    path = build_path(coords, starts)
    assert path.elementCount() == 5
    kinds = [path.elementAt(i).type.value for i in range(5)]
    assert kinds == [0, 1, 1, 0, 1]
    assert (path.elementAt(3).x, path.elementAt(3).y) == (20.0, 20.0)


def test_classify_graduated_and_categories():
    frame = gpd.GeoDataFrame(
        {
            "v": [1.0, 5.0, 12.0, np.nan],
            "c": ["a", "b", "a", "z"],
            "geometry": [Point(i, i) for i in range(4)],
        },
        crs="EPSG:31370",
    )
    layer = Layer(
        "t",
        frame,
        style=Style(
            kind="graduated",
            column="v",
            breaks=[4, 10, 20],
            colors=["#111111", "#222222", "#333333"],
        ),
    )
    labels, classes = classify(layer)
    assert list(labels) == [1, 2, 3, 0]
    assert classes[1][1] == "#111111"
    layer = Layer(
        "t",
        frame,
        style=Style(kind="categories", column="c", categories={"a": "#aa0000", "b": "#00bb00"}),
    )
    labels, classes = classify(layer)
    assert list(labels) == [1, 2, 1, 0]


def test_snap_to_nearest_node_within_pixels(qtbot, project):
    canvas = MapCanvas(project.layers)
    qtbot.addWidget(canvas)
    canvas.set_view(View(X0, Y0, 2.0))
    canvas.set_snap_points(np.array([[X0, Y0], [X0 + 100, Y0]]))
    assert canvas.snap(X0 + 15, Y0 + 5) == (X0, Y0)  # 16 m = 8 px
    assert canvas.snap(X0 + 50, Y0 + 30) == (X0 + 50, Y0 + 30)  # 29 px: too far


# ---------------------------------------------------------------- table
def _big_layer(n=100_000):
    rng = np.random.default_rng(1)
    frame = gpd.GeoDataFrame(
        {
            "value": rng.normal(size=n),
            "name": rng.choice(["Asse", "Halle", "Dilbeek", "Zemst"], n),
            "geometry": gpd.points_from_xy(rng.uniform(0, 1, n), rng.uniform(0, 1, n)),
        },
        crs="EPSG:31370",
    )
    return Layer("groot", frame)


def test_table_model_sorts_and_filters_100k_rows():
    layer = _big_layer()
    model = AttributeTableModel(layer)
    assert model.rowCount() == 100_000 and model.columns == ["value", "name"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    values = layer.frame["value"].to_numpy()
    assert model.position(0) == int(np.argmax(values))
    assert model.position(99_999) == int(np.argmin(values))
    model.set_filter("dilb", column=1)
    assert model.rowCount() == int((layer.frame["name"] == "Dilbeek").sum())
    shown = [model.position(r) for r in range(model.rowCount())]
    assert np.all(np.diff(values[shown]) <= 0)  # still sorted
    rows = model.row_of(
        np.array(shown[:3] + [int(np.flatnonzero(layer.frame["name"] == "Asse")[0])])
    )
    assert list(rows) == [0, 1, 2]  # the Asse row is filtered out


# ---------------------------------------------------------------- worker
def test_worker_reports_progress_result_and_cancels(qtbot):
    runner = WorkerRunner()
    seen = []

    def work(progress=None, cancel=None):
        for i in range(5):
            progress(i / 4, f"step {i}")
        return threading.get_ident()

    job = runner.start("ok", work, on_progress=lambda f, m: seen.append((f, m)))
    with qtbot.waitSignal(job.result, timeout=30_000) as blocker:
        pass
    assert blocker.args[0] != threading.get_ident()  # ran in another thread
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert seen[-1] == (1.0, "step 4")

    started = threading.Event()

    def slow(progress=None, cancel=None):
        started.set()
        while not cancel():
            time.sleep(0.005)
        raise OperationCancelled()

    job = runner.start("slow", slow)
    started.wait(5)
    with qtbot.waitSignal(job.cancelled, timeout=30_000):
        job.cancel()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert runner.jobs == []


def test_freed_memory_is_returned_when_the_runner_is_idle(qtbot, monkeypatch):
    from slimmeregio.desktop import worker

    released: list[int] = []
    monkeypatch.setattr(worker, "IDLE_RELEASE_MS", 300)
    monkeypatch.setattr(worker, "release_free_memory", lambda: released.append(len(runner.jobs)))
    runner = WorkerRunner()
    gates = [threading.Event() for _ in range(4)]

    def blocked(i):
        def work(progress=None, cancel=None):
            gates[i].wait(10)
            return i

        return work

    first = runner.start("a", blocked(0))
    qtbot.wait(700)
    assert released == []  # never while a job runs
    gates[0].set()
    qtbot.waitUntil(lambda: not first.running, timeout=10_000)
    qtbot.waitUntil(lambda: released == [0], timeout=10_000)  # idle: released once, no job running

    second = runner.start("b", blocked(1))
    gates[1].set()
    qtbot.waitUntil(lambda: not second.running, timeout=10_000)
    third = runner.start("c", blocked(2))  # a new run right after: no release in between
    qtbot.wait(700)
    assert released == [0]
    gates[2].set()
    qtbot.waitUntil(lambda: not third.running, timeout=10_000)
    qtbot.waitUntil(lambda: len(released) == 2, timeout=10_000)
    qtbot.wait(200)
    assert released == [0, 0]  # once per idle spell

    # Another runner's job (the map's tiles have their own runner) holds it too.
    other = WorkerRunner()
    busy = other.start("tiles", blocked(3))
    fourth = runner.start("d", lambda progress=None, cancel=None: None)
    qtbot.waitUntil(lambda: not fourth.running, timeout=10_000)
    qtbot.wait(700)
    assert released == [0, 0]
    gates[3].set()
    qtbot.waitUntil(lambda: not busy.running, timeout=10_000)
    qtbot.waitUntil(lambda: len(released) == 3, timeout=10_000)


def test_a_failure_after_cancel_shows_as_cancelled_and_is_logged(qtbot, caplog):
    import logging

    runner = WorkerRunner()
    started = threading.Event()

    def fails_when_cancelled(progress=None, cancel=None):
        started.set()
        while not cancel():
            time.sleep(0.005)
        raise KeyError("a defect on the way out")

    job = runner.start("fails", fails_when_cancelled)
    started.wait(5)
    with caplog.at_level(logging.WARNING, logger="slimmeregio"):
        with qtbot.waitSignal(job.cancelled, timeout=30_000):
            job.cancel()
        qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    failed = [r for r in caplog.records if "failed after it was cancelled" in r.getMessage()]
    assert len(failed) == 1 and "KeyError" in failed[0].getMessage() and failed[0].exc_info


def test_help_menu_opens_the_log_folder(window, monkeypatch):
    from PyQt6.QtGui import QDesktopServices

    from slimmeregio.layers.applog import log_dir

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    action = window.actions_by_id["error_log"]
    assert action.text() == "&Logboek openen"
    action.trigger()
    assert [Path(p) for p in opened] == [log_dir()]


def test_worker_error_reaches_the_gui_thread(qtbot):
    runner = WorkerRunner()

    def boom(progress=None, cancel=None):
        raise ValueError("kapot")

    job = runner.start("boom", boom)
    with qtbot.waitSignal(job.error, timeout=30_000) as blocker:
        pass
    assert isinstance(blocker.args[0], ValueError)
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)


# ---------------------------------------------------------------- i18n
def test_english_catalogue_covers_the_desktop_tables_and_placeholders_match():
    """The texts the app keeps in tables (actions, menus, exports, ramps, file
    filters) and translates later; literal ``tr`` texts are checked package-wide
    by tests/test_i18n_catalogue.py."""
    from string import Formatter

    from slimmeregio.desktop.actions import ACTIONS, MENUS
    from slimmeregio.desktop.exportdialog import EXPORTS
    from slimmeregio.desktop.mainwindow import LAYER_FILE_FILTER, PROJECT_FILE_FILTER
    from slimmeregio.desktop.mapextras import MAP_ACTIONS
    from slimmeregio.desktop.osmdialog import OSM_FILE_FILTER
    from slimmeregio.desktop.styledialog import RAMPS

    catalogue = json.loads(
        (DESKTOP.parent / "resources" / "translations" / "en.json").read_text(encoding="utf-8")
    )
    needed = {a.text for a in (*ACTIONS, *MAP_ACTIONS)} | {
        a.tip for a in (*ACTIONS, *MAP_ACTIONS) if a.tip
    }
    needed |= (
        set(MENUS.values())
        | {e.label for e in EXPORTS}
        | set(RAMPS)
        | {LAYER_FILE_FILTER, PROJECT_FILE_FILTER, OSM_FILE_FILTER}
    )
    missing = sorted(needed - set(catalogue))
    assert not missing, missing
    assert len(needed) > 80  # 90 in December 2026

    def fields(text):
        return {f for _, f, _, _ in Formatter().parse(text) if f}

    bad = [k for k in needed if fields(k) != fields(catalogue[k])]
    assert not bad, bad


def test_language_switch_translates_the_window(qtbot, project):
    from slimmeregio.desktop.mainwindow import MainWindow

    i18n.set_language("en")
    try:
        win = MainWindow(project)
        qtbot.addWidget(win)
        assert win.action("run").text() == "&Compute scenario"
        assert win.dock_layers.windowTitle() == "Layers"
        assert win.menus["file"].title() == "&File"
    finally:
        i18n.set_language("nl")
        win.store.dirty = False
        win._layers_dirty = False


def test_language_switch_in_settings_applies_at_once_and_keeps_state(qtbot, window):
    from slimmeregio.desktop.scenariopanel import Scenario

    window.append_modification(
        "add_mobipunt",
        x=X0 + 8 * STEP,
        y=Y0 + 8 * STEP,
        name="Oost",
        hoppin_type="lokaal",
        author="An",
        reason="test",
    )
    window.store.add(Scenario(name="Variant B"))
    window.store.set_current(window.store.names[0])
    job = window.run_scenario()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    run = window.last_run
    assert run is not None, dialogs.HEADLESS_SINK
    before = {
        "names": window.store.names,
        "current": window.store.current,
        "layers": [layer.name for layer in window.project.layers],
        "project": window.project,
        "dwellings": window.results_panel.card_value("dwellings"),
    }
    old_panel = window.scenario_panel
    assert window.menus["file"].title() == "&Bestand"

    def choose_english(dialog):
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        press_ok(dialog)

    when_modal(choose_english)
    try:
        window.open_settings()
        assert i18n.language() == "en" and window.settings.language == "en"
        # menus, actions, docks and panels speak English without a restart
        assert window.menus["file"].title() == "&File"
        assert window.menuBar().actions()[0].text() == "&File"
        assert window.action("run").text() == "&Compute scenario"
        assert window.dock_layers.windowTitle() == "Layers"
        assert window.toolbars["edit"].windowTitle() != "Scenario bewerken"
        assert window.scenario_panel is not old_panel
        assert window.scenario_panel.run_btn.text() == i18n.catalogue("en")["Doorrekenen"]
        assert window.dock_scenario.widget() is window.scenario_panel
        # the state survives: project, scenarios, undo history, the last run
        assert window.project is before["project"]
        assert [layer.name for layer in window.project.layers] == before["layers"]
        assert window.store.names == before["names"]
        assert window.store.current == before["current"]
        assert [
            window.scenario_panel.combo.itemText(i)
            for i in range(window.scenario_panel.combo.count())
        ] == before["names"]
        assert window.scenario_panel.ledger.count() == 1
        assert window.last_run is run
        assert window.results_panel.card_value("dwellings") in (
            before["dwellings"],
            before["dwellings"].replace(".", ","),
        )
        assert window.layer_panel.model.rowCount() == len(before["layers"])
        # the new panels are wired: undo from the rebuilt panel, the layer list still observed
        qtbot.mouseClick(window.scenario_panel.undo_btn, Qt.MouseButton.LeftButton)
        assert window.store.current.modifications == ()
        ledger = window.scenario_panel.ledger
        assert ledger.count() == 1 and ledger.item(0).text().startswith("No modifications yet")
        window.project.layers.remove("stations")
        assert window.layer_panel.model.rowCount() == len(before["layers"]) - 1
    finally:
        i18n.set_language("nl")
        window.store.dirty = False
        window._layers_dirty = False


# ---------------------------------------------------------------- dialogs
def test_style_dialog_categories_use_the_shared_palette(qtbot, project):
    from slimmeregio.desktop.styledialog import StyleDialog
    from slimmeregio.layers.symbology import LINK_CLASS_COLORS

    layer = project.layers["fietsnetwerk"]
    dialog = StyleDialog(layer)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("categories"))
    dialog.column.setCurrentText("klasse")
    assert dialog.chosen_style().categories == layer.style.categories  # the current style is kept
    # the dialog's size and style are Qt's (spin boxes named width/size used to shadow
    # QWidget.width()/size(), the chosen style QWidget.style())
    assert isinstance(dialog.style(), QStyle)
    assert dialog.size().width() == dialog.width() > 0
    assert dialog.line_width.value() == pytest.approx(layer.style.line_width)
    dialog._rebuild()  # "Klassen opnieuw berekenen": from the values present
    style = dialog.chosen_style()
    assert style.kind == "categories" and style.column == "klasse"
    assert style.categories == {
        k: LINK_CLASS_COLORS[k] for k in ("bovenlokaal", "fietssnelweg", "lokaal")
    }
    dialog.kind.setCurrentIndex(dialog.kind.findData("graduated"))
    dialog.column.setCurrentText("link_id")
    dialog.classes.setValue(4)
    dialog._rebuild()
    style = dialog.chosen_style()
    ids = layer.frame["link_id"]
    assert style.breaks == pytest.approx(list(np.quantile(ids, [0.25, 0.5, 0.75, 1.0])))
    assert len(style.colors) == 4


def test_add_layer_dialog_shows_report_and_requires_fields(qtbot, tmp_path, window):
    from slimmeregio.layers.io import load_layers

    path = tmp_path / "punten.csv"
    path.write_text("naam,x,y,aantal\nA,150000,170000,10\nB,151000,171000,x\n", encoding="utf-8")
    layers = load_layers(path)

    def choose(dialog):
        page = dialog.pages[0]
        page.role.setCurrentIndex(page.role.findData(Role.HOUSING))
        # no dwellings column chosen yet -> refused with a message
        page.combos["dwellings"].setCurrentIndex(0)
        press_ok(dialog)
        assert "verplichte velden" in dialog.error.text()
        page.combos["dwellings"].setCurrentIndex(page.combos["dwellings"].findData("aantal"))
        press_ok(dialog)

    when_modal(choose)
    added = window.confirm_layers(layers)
    assert len(added) == 1 and added[0].role == Role.HOUSING
    assert added[0].fields["dwellings"] == "aantal"
    assert added[0].name in window.project.layers


def test_role_confirmed_by_hand_gives_canonical_link_classes(qtbot, tmp_path, window):
    from shapely.geometry import LineString

    from slimmeregio.layers.io import load_layers

    path = tmp_path / "lijnen.geojson"
    gpd.GeoDataFrame(
        {
            "FUNCTIE": ["hoofdroute", "Functionele fietsroute", "hoofdroute"],
            "geometry": [
                LineString([(150_000, 170_000), (151_000, 170_000)]),
                LineString([(151_000, 170_000), (151_000, 171_000)]),
                LineString([(151_000, 171_000), (152_000, 171_000)]),
            ],
        },
        crs="EPSG:31370",
    ).to_file(path, driver="GeoJSON")
    # loaded as 'other': the loader did not translate anything
    layers = load_layers(path, role=Role.OTHER)
    assert "link_class" not in layers[0].fields

    def confirm(dialog):
        page = dialog.pages[0]
        page.role.setCurrentIndex(page.role.findData(Role.BIKE_NETWORK))
        page.combos["link_class"].setCurrentIndex(page.combos["link_class"].findData("FUNCTIE"))
        press_ok(dialog)

    when_modal(confirm)
    added = window.confirm_layers(layers)
    assert len(added) == 1 and added[0].role == Role.BIKE_NETWORK
    layer = window.project.layers[added[0].name]
    assert list(layer.column("link_class")) == ["fietssnelweg", "bovenlokaal", "fietssnelweg"]
    # the planner's own column is untouched
    assert list(layer.frame["FUNCTIE"]) == ["hoofdroute", "Functionele fietsroute", "hoofdroute"]


def test_compare_dialog_fills_table_and_difference_map(qtbot, window):
    from slimmeregio.desktop.comparepanel import CompareDialog

    window.append_modification(
        "add_mobipunt",
        x=X0 + 8 * STEP,
        y=Y0 + 8 * STEP,
        name="Oost",
        hoppin_type="lokaal",
        author="An",
        reason="test",
    )
    dialog = CompareDialog(window)
    qtbot.addWidget(dialog)
    job = dialog.start()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert dialog.outcome is not None, dialogs.HEADLESS_SINK
    # QDialog.result() is the dialog's own (a stored comparison used to shadow it)
    assert dialog.result() in (QDialog.DialogCode.Accepted.value, QDialog.DialogCode.Rejected.value)
    assert dialog.model.rowCount() > 10
    assert "winnen" in dialog.summary.text()
    qtbot.mouseClick(dialog.map_btn, Qt.MouseButton.LeftButton)
    names = [layer.name for layer in window.canvas.theme_layers]
    assert any("gewonnen" in n for n in names)
    dialog.close()


def test_siting_dialog_suggests_and_accepts_a_site(qtbot, window):
    from slimmeregio.desktop.sitingdialog import SitingDialog

    dialog = SitingDialog(window)
    qtbot.addWidget(dialog)
    dialog.k.setValue(2)
    job = dialog.start()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert dialog.siting is not None, dialogs.HEADLESS_SINK
    sites = dialog.siting.sites
    assert 1 <= len(sites) <= 2 and dialog.model.rowCount() == len(sites)
    shown = dialog.model.data(dialog.model.index(0, 0), Qt.ItemDataRole.DisplayRole)
    assert shown == "1"  # the rank is a count (it read "1,0")
    assert (
        list(sites["gain_dwellings"]) == sorted(sites["gain_dwellings"], reverse=True)
        or len(sites) == 1
    )
    when_modal(fill_modification())
    assert dialog.accept_selected()
    mod = window.store.current.modifications[-1]
    assert mod.kind == "add_mobipunt"
    assert (mod.x, mod.y) == pytest.approx((sites.geometry.iloc[0].x, sites.geometry.iloc[0].y))
    dialog.close()


def test_settings_dialog_validates_and_stores(qtbot):
    from slimmeregio.desktop.settings import AppSettings
    from slimmeregio.desktop.settingsdialog import SettingsDialog

    settings = AppSettings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.bike.setText("15, 5")
    dialog._accept()
    assert dialog.error.text()  # unsorted thresholds refused
    assert settings.default_parameters == {}
    dialog.bike.setText("5, 10, 20")
    dialog.organisation.setText("Toekomstforum")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog._accept()
    fresh = AppSettings()
    assert fresh.default_parameters["bike_thresholds_min"] == [5.0, 10.0, 20.0]
    assert fresh.organisation == "Toekomstforum" and fresh.language == "en"


def test_unexpected_error_is_logged_with_a_way_to_report(tmp_path):
    try:
        raise RuntimeError("onverwacht")
    except RuntimeError as exc:
        dialogs.show_error(None, exc)
    message, hint = dialogs.HEADLESS_SINK[-1]
    assert "RuntimeError" in message
    log = Path(hint.split("foutenlogboek: ")[1].split(". Stuur")[0])
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_layer_list_model_follows_the_layer_list(qtbot):
    from slimmeregio.desktop.layerpanel import LayerListModel

    frame = gpd.GeoDataFrame({"geometry": [Point(0, 0)]}, crs="EPSG:31370")
    layers = LayerList([Layer("a", frame), Layer("b", frame)])
    model = LayerListModel(layers)
    with qtbot.waitSignal(model.rowsInserted):
        layers.append(Layer("c", frame))
    assert [model.data(model.index(r)) for r in range(3)] == ["c", "b", "a"]
    layers.remove("b")
    assert [model.data(model.index(r)) for r in range(2)] == ["c", "a"]
    model.setData(model.index(1), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert layers["a"].visible is False


def test_layer_tooltip_groups_the_count_the_interface_languages_way(qtbot):
    from slimmeregio.desktop.layerpanel import LayerListModel

    n = 1234
    frame = gpd.GeoDataFrame({"geometry": [Point(i, 0) for i in range(n)]}, crs="EPSG:31370")
    model = LayerListModel(LayerList([Layer("punten", frame)]))
    tooltip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "1.234 objecten" in tooltip
    i18n.set_language("en")
    try:
        # English groups thousands with a comma (the old tooltip showed "1.234" in both languages)
        tooltip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
        assert "1,234" in tooltip and "1.234" not in tooltip
    finally:
        i18n.set_language("nl")


def test_numbers_are_formatted_the_planners_way():
    from slimmeregio.desktop.resultspanel import fmt, higher_is_better

    assert fmt(1234.56, "%") == "1.234,6 %"
    assert fmt(270815, "count") == "270.815"
    assert fmt(0.003, "%", signed=True) == "+0,003 pp"
    assert fmt(-0.5, "min", signed=True) == "\u22120,5 min"  # the minus sign, as in every export
    assert fmt(0.0, "%", signed=True) == "±0 pp"
    # a small change shows as many decimals as it needs, never as "+0,0"
    assert fmt(0.0004, "%", signed=True) == "+0,0004 pp"
    assert fmt(-0.0004, "min", signed=True) == "\u22120,0004 min"
    assert fmt(float("nan"), "%") == "–"
    i18n.set_language("en")
    try:
        assert fmt(1234.56, "%") == "1,234.6 %"
    finally:
        i18n.set_language("nl")
    assert higher_is_better("share_bike_mobipunt_10min")
    assert not higher_is_better("median_bike_min_mobipunt")
    assert not higher_is_better("unreachable_dwellings")


def test_feature_ids_are_the_engines_rule():
    from slimmeregio.desktop import analysis
    from slimmeregio.scenarios import inputs  # the engine reads its layers through this module

    assert analysis.feature_ids is inputs.feature_ids
    pts = [Point(0, 0), Point(1, 1), Point(2, 2)]

    def layer(values, fields):
        return Layer(
            name="p",
            data=gpd.GeoDataFrame({"code": values, "geometry": pts}, crs="EPSG:31370"),
            role=Role.MOBIPUNTEN,
            fields=fields,
        )

    assert list(inputs.feature_ids(layer([3.0, 4.0, 5.0], {"id": "code"}))) == ["3", "4", "5"]
    assert list(inputs.feature_ids(layer(["a", "b", "c"], {}), "code")) == ["a", "b", "c"]
    # not unique, or incomplete: row numbers
    assert list(inputs.feature_ids(layer(["a", "a", "c"], {"id": "code"}))) == ["0", "1", "2"]
    assert list(inputs.feature_ids(layer(["a", None, "c"], {"id": "code"}))) == ["0", "1", "2"]


def test_qt_standard_buttons_follow_the_interface_language(qapp):
    from PyQt6.QtWidgets import QDialogButtonBox

    from slimmeregio.desktop.app import install_qt_translations

    try:
        assert install_qt_translations(qapp, "nl")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuleren"
    finally:
        install_qt_translations(qapp, "en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"


def test_about_dialog_names_version_licence_and_data_attributions(window, qtbot):
    from slimmeregio import __version__

    first = window.project.layers[0]
    first.attribution = "© OpenStreetMap contributors, ODbL 1.0"
    first.note = "Illustratieve <gegevens>"
    texts: list[str] = []

    def read_and_close(dialog):
        texts.append(dialog.text())
        dialog.accept()

    when_modal(read_and_close)
    window.show_about()
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    text = texts[0]
    assert __version__ in text and "GPL-3.0-or-later" in text
    assert "© OpenStreetMap contributors, ODbL 1.0" in text
    assert "Illustratieve &lt;gegevens&gt;" in text  # data is escaped, not rendered as markup
    assert "NOTICE" in text


def test_a_key_figure_card_shows_a_change_its_values_hide(qtbot):
    """23,1 % against 23,1 %: the card shows the true change (coloured), not "no change";
    only equal values read "= geen verandering"."""
    from slimmeregio.desktop.resultspanel import KeyFigureCard

    card = KeyFigureCard()
    qtbot.addWidget(card)
    key = "share_bike_mobipunt_5min"
    before, after = 23.1240, 23.1234  # both read 23,1 %
    card.show_value(key, after, after - before, better_when_higher=True)
    assert card.value.text() == "23,1 %"
    assert card.delta.text() == "▼ \u22120,001 pp t.o.v. basis"
    assert "#b23c17" in card.delta.styleSheet()  # worse: orange
    card.show_value(key, after, 0.0, better_when_higher=True)
    assert card.delta.text() == "= geen verandering t.o.v. basis"


def test_long_notes_scroll_instead_of_being_cut_off(qtbot):
    """Six long remarks (the scale project's) in a narrow panel: the area stops
    at its maximum height and scrolls, the text keeps the height it needs
    (nothing clipped); a short remark takes just its own height."""
    from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from slimmeregio.desktop.resultspanel import NotesArea

    holder = QWidget()
    qtbot.addWidget(holder)
    label = QLabel()
    label.setWordWrap(True)
    area = NotesArea(label, holder)
    QVBoxLayout(holder).addWidget(area)
    holder.resize(420, 700)
    holder.show()
    long = "ℹ " + "Geen route: 85 woningen hebben geen fietsroute naar een mobipunt. " * 4
    label.setText("\n".join([long] * 6))
    area.refit()
    qtbot.wait(50)
    assert area.height() == NotesArea.MAX_HEIGHT
    assert area.verticalScrollBar().maximum() > 0  # the rest is a scroll away
    assert label.height() >= label.heightForWidth(label.width())  # never squeezed
    label.setText("ℹ Eén korte opmerking.")
    area.refit()
    qtbot.wait(50)
    assert area.height() < NotesArea.MAX_HEIGHT and area.verticalScrollBar().maximum() == 0
    assert label.height() >= label.heightForWidth(label.width())
