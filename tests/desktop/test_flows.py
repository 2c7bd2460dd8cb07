"""User flows through the main window, driven like a planner would."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
import shapely
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QMessageBox

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.mapcanvas import MapTool

from .conftest import STEP, X0, Y0
from .helpers import fill_modification, press_ok, when_modal


def _pixel(window, x, y) -> QPoint:
    return window.canvas.map_to_pixel(x, y).toPoint()


def _run(window, qtbot):
    job = window.run_scenario()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert window.last_run is not None, dialogs.HEADLESS_SINK


def test_window_shows_layers_top_first_and_toggles_visibility(window, qtbot):
    view = window.layer_panel.view
    model = window.layer_panel.model
    names = [model.data(model.index(r)) for r in range(model.rowCount())]
    assert names == ["mobipunten", "stations", "woningen", "fietsnetwerk", "gemeenten"]
    assert "fietsnetwerk" in window.canvas.banner_text
    row = names.index("fietsnetwerk")
    view.setCurrentIndex(model.index(row))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert window.project.layers["fietsnetwerk"].visible is False
    assert "fietsnetwerk" not in [layer.name for layer in window.canvas.visible_layers()]
    assert window.canvas.banner_text == ""  # the only illustrative layer is hidden
    assert window.isWindowModified()


def test_drag_reorder_moves_the_layer_in_the_project(window):
    model = window.layer_panel.model
    data = model.mimeData([model.index(0)])  # mobipunten (top)
    model.dropMimeData(data, Qt.DropAction.MoveAction, 4, 0, model.index(-1))
    assert [layer.name for layer in window.project.layers][:2] == ["gemeenten", "mobipunten"]
    assert model.data(model.index(3)) == "mobipunten"


def test_identify_click_shows_the_nearest_mobipunt(window, qtbot):
    window.canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    qtbot.wait(10)
    qtbot.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        pos=_pixel(window, X0 + 2 * STEP + 30, Y0 + 6 * STEP),
    )
    tree = window.identify_panel.tree
    assert tree.topLevelItem(0).text(0) == "mobipunten"
    values = [
        tree.topLevelItem(0).child(i).text(1) for i in range(tree.topLevelItem(0).childCount())
    ]
    assert "Mobipunt Noord" in values
    assert list(window.canvas.selection("mobipunten")) == [0]


def test_table_row_selection_highlights_on_map_and_back(window, qtbot):
    window.show_table_for("woningen")
    table = window.table.table
    model = window.table.model
    # sort by dwellings, descending, by clicking the header twice
    col = model.columns.index("woningen")
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    frame = window.project.layers["woningen"].frame
    first = model.position(0)
    assert frame["woningen"].iloc[first] == frame["woningen"].max()
    rect = table.visualRect(model.index(2, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert list(window.canvas.selection("woningen")) == [model.position(2)]
    # map -> table: identify a housing point, its row gets selected
    target = 17
    geom = frame.geometry.iloc[target]
    window.canvas.zoom_to_extent((geom.x - 150, geom.y - 150, geom.x + 150, geom.y + 150))
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, geom.x, geom.y))
    assert list(window.table.selected_positions()) == [target]


def test_add_mobipunt_run_undo(window, qtbot):
    window.canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    _run(window, qtbot)
    base_share = window.last_run.evaluation.region["share_bike_mobipunt_10min"]
    frame = window.project.layers["woningen"].frame
    assert window.results_panel.card_value(
        "dwellings"
    ) == f"{int(frame['woningen'].sum()):,}".replace(",", ".")

    window.action("edit_add_mobipunt").trigger()
    assert window.canvas.tool == MapTool.POINT
    when_modal(fill_modification(name="Mobipunt Oost", hoppin_type="lokaal"))
    x, y = X0 + 8 * STEP, Y0 + 8 * STEP
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, x, y))
    mods = window.store.current.modifications
    assert len(mods) == 1 and mods[0].kind == "add_mobipunt"
    assert mods[0].name == "Mobipunt Oost" and mods[0].author == "An Peeters"
    assert (
        abs(mods[0].x - x) <= window.canvas.view.res
        and abs(mods[0].y - y) <= window.canvas.view.res
    )
    assert window.scenario_panel.ledger.count() == 1
    assert "Mobipunt Oost" in window.scenario_panel.ledger.item(0).text()

    _run(window, qtbot)
    cmp = window.last_run.comparison
    assert cmp is not None
    delta = cmp.delta("share_bike_mobipunt_10min")
    # far-away north-east corner had no hub within 10 min: coverage must rise
    assert delta > 0
    new_share = window.last_run.evaluation.region["share_bike_mobipunt_10min"]
    assert new_share == pytest.approx(base_share + delta)
    card = next(c for c in window.results_panel.cards if c.key == "share_bike_mobipunt_10min")
    assert "▲" in card.delta.text()

    qtbot.mouseClick(window.scenario_panel.undo_btn, Qt.MouseButton.LeftButton)
    assert window.store.current.modifications == ()
    assert window.store.can_redo()
    window.action("redo").trigger()
    assert len(window.store.current.modifications) == 1


def test_draw_link_snaps_to_nodes(window, qtbot):
    window.canvas.zoom_to_extent((X0, Y0, X0 + 3 * STEP, Y0 + 3 * STEP))
    window.action("edit_add_link").trigger()
    when_modal(fill_modification(link_class="fietssnelweg"))
    # click 6 px off two grid nodes; double click finishes
    a = _pixel(window, X0 + STEP, Y0 + STEP) + QPoint(4, 3)
    b = _pixel(window, X0 + 2 * STEP, Y0 + 2 * STEP) + QPoint(-3, 4)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=b)
    qtbot.mouseDClick(window.canvas, Qt.MouseButton.LeftButton, pos=b)
    mod = window.store.current.modifications[-1]
    assert mod.kind == "add_link" and mod.link_class == "fietssnelweg"
    assert mod.coords == ((X0 + STEP, Y0 + STEP), (X0 + 2 * STEP, Y0 + 2 * STEP))


def test_close_link_by_picking(window, qtbot):
    window.canvas.zoom_to_extent((X0, Y0, X0 + 3 * STEP, Y0 + 3 * STEP))
    window.action("edit_close_link").trigger()
    when_modal(fill_modification())
    x, y = X0 + 0.5 * STEP, Y0 + STEP  # middle of a horizontal link
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, x, y))
    mod = window.store.current.modifications[-1]
    net = window.project.layers["fietsnetwerk"].frame
    dist = shapely.distance(net.geometry.to_numpy(), shapely.Point(x, y))
    expected = int(net["link_id"].iloc[int(np.argmin(dist))])
    assert mod.kind == "remove_link" and mod.link_ids == (expected,)


def test_export_pdf_and_excel(window, qtbot, tmp_path):
    from slimmeregio.desktop.exportdialog import ExportDialog

    _run(window, qtbot)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    if dialog.preview_job is not None:
        with qtbot.waitSignal(dialog.preview_job.finished, timeout=60_000):
            pass
    dialog.kind.setCurrentIndex(dialog.kind.findData("map"))
    dialog.paper.setCurrentIndex(dialog.paper.findData("a4-landscape"))
    pdf = tmp_path / "kaart.pdf"
    dialog.path.setText(str(pdf))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.job.finished, timeout=120_000):
        pass
    assert dialog.written == pdf, dialogs.HEADLESS_SINK
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 1
    dialog.kind.setCurrentIndex(dialog.kind.findData("excel"))
    xlsx = tmp_path / "indicatoren.xlsx"
    dialog.path.setText(str(xlsx))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.job.finished, timeout=120_000):
        pass
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames
    texts = {
        str(c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    assert "Westdorp" in texts and "Oostdorp" in texts
    if dialog.preview_job is not None:
        with qtbot.waitSignal(dialog.preview_job.finished, timeout=60_000):
            pass
    dialog.close()


def test_save_and_reopen_project(window, qtbot, tmp_path):
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.model import Project

    window.append_modification(
        "add_housing",
        x=X0 + 3000,
        y=Y0 + 3000,
        dwellings=250,
        name="Nieuwe wijk",
        author="An",
        reason="Woonuitbreidingsgebied",
    )
    path = tmp_path / "plan.srp"
    assert window.save_project_to(path)
    assert not window.isWindowModified()
    other = MainWindow(Project())
    qtbot.addWidget(other)
    assert other.open_project(path)
    assert [layer.name for layer in other.project.layers] == [
        layer.name for layer in window.project.layers
    ]
    assert other.store.current.modifications == window.store.current.modifications
    assert other.settings.recent_projects[0] == str(path.resolve())
    other.store.dirty = False
    other._layers_dirty = False


def test_user_mistake_shows_a_message_not_a_traceback(window, qtbot, tmp_path):
    job = window.load_layer_file(tmp_path / "bestaat-niet.gpkg")
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert dialogs.HEADLESS_SINK, "no message shown"
    message, hint = dialogs.HEADLESS_SINK[-1]
    assert "bestaat-niet.gpkg" in message and "Traceback" not in message + hint
    assert not list((tmp_path / "settings").glob("logs/*.log")) or True


def test_invalid_edit_is_refused_with_location(window):
    ok = window.append_modification(
        "add_housing", x=X0, y=Y0, dwellings=-5, author="An", reason="x"
    )
    assert not ok
    message, _ = dialogs.HEADLESS_SINK[-1]
    assert "dwellings" in message
    assert window.store.current.modifications == ()


def test_close_prompts_for_unsaved_changes(window, qtbot, monkeypatch):
    window.append_modification(
        "add_housing", x=X0 + 1000, y=Y0 + 1000, dwellings=10, author="An", reason="x"
    )
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda self: asked.append(self.text()) or QMessageBox.StandardButton.Cancel,
    )
    assert window.close() is False
    assert asked and "niet zijn opgeslagen" in asked[0]


def test_recovery_offered_and_restored(window, qtbot):
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.model import Project

    window.append_modification(
        "add_housing", x=X0 + 2000, y=Y0 + 2000, dwellings=40, author="An", reason="herstel"
    )
    path = window.write_recovery()
    assert path is not None and path.exists()
    other = MainWindow(Project())
    qtbot.addWidget(other)
    when_modal(press_ok)
    assert other.offer_recovery()
    assert other.store.current.modifications[-1].reason == "herstel"
    other.store.dirty = False
    other._layers_dirty = False


def test_export_slides_geopackage_and_pack(window, qtbot, tmp_path):
    import pyogrio
    from pptx import Presentation

    from slimmeregio.desktop.exportdialog import ExportDialog

    window.append_modification(
        "add_mobipunt",
        x=X0 + 8 * STEP,
        y=Y0 + 8 * STEP,
        name="Oost",
        hoppin_type="lokaal",
        author="An",
        reason="test",
    )
    _run(window, qtbot)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)

    def export(kind, path):
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        dialog.path.setText(str(path))
        job = dialog.start()
        with qtbot.waitSignal(job.finished, timeout=180_000):
            pass
        assert dialog.written is not None and dialog.written.exists(), dialogs.HEADLESS_SINK

    export("slides", tmp_path / "raad.pptx")
    deck = Presentation(str(tmp_path / "raad.pptx"))
    text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert len(deck.slides) >= 2
    assert window.store.current.name in text  # the deck is about this scenario
    export("gpkg", tmp_path / "resultaten.gpkg")
    names = [name for name, _ in pyogrio.list_layers(tmp_path / "resultaten.gpkg")]
    assert any("dwellings" in n or "woningen" in n for n in names), names
    export("pack", tmp_path / "pakket")
    files = {p.suffix for p in (tmp_path / "pakket").rglob("*") if p.is_file()}
    assert {".pdf", ".xlsx"} <= files
    if dialog.preview_job is not None:
        with qtbot.waitSignal(dialog.preview_job.finished, timeout=60_000):
            pass
    dialog.close()


def test_drop_a_file_on_the_window_adds_its_layer(window, qtbot, tmp_path):
    import geopandas as gpd
    from PyQt6.QtCore import QMimeData, QPointF, QUrl
    from PyQt6.QtGui import QDropEvent
    from shapely.geometry import Point

    path = tmp_path / "haltes.geojson"
    gpd.GeoDataFrame(
        {"naam": ["Halte 1", "Halte 2"]},
        geometry=[Point(X0 + 500, Y0 + 500), Point(X0 + 1500, Y0 + 900)],
        crs="EPSG:31370",
    ).to_file(path, driver="GeoJSON")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    seen = when_modal(press_ok, tries=1000)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: "haltes" in window.project.layers, timeout=20_000)
    assert seen and seen[0].windowTitle() == "Lagen toevoegen"
    layer = window.project.layers["haltes"]
    assert len(layer) == 2 and layer.frame.crs.to_epsg() == 31370
    assert window.layer_panel.model.data(window.layer_panel.model.index(0)) == "haltes"


def test_autosave_writes_recovery_in_the_background_and_save_clears_it(window, qtbot, tmp_path):
    window.append_modification(
        "add_housing", x=X0 + 2500, y=Y0 + 2500, dwellings=12, author="An", reason="auto"
    )
    job = window.autosave()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    recovery = window._recovery_file
    assert recovery is not None and recovery.exists()
    assert window.autosave() is not None or not window.is_dirty  # dirty: a new copy may be written
    window.runner.wait(60_000)
    qtbot.wait(50)
    assert window.save_project_to(tmp_path / "p.srp")
    assert not window._recovery_file or not window._recovery_file.exists()
    assert not recovery.exists()


def test_a_whole_recovery_copy_waits_for_the_run_and_a_quick_one_does_not(window, qtbot):
    """Encoding every layer beside a run slows the run (seconds on an
    address-level project): the first copy is written when the run ends;
    later ones, which only rewrite the project document, before it."""
    from slimmeregio.layers.project_file import recovery_is_quick

    window.append_modification(
        "add_housing", x=X0 + 2500, y=Y0 + 2500, dwellings=12, author="An", reason="auto"
    )
    assert window.is_dirty and not recovery_is_quick(window.project)
    started: list[object] = []
    real_start = window.runner.start

    def start(title, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(title)
        return real_start(title, *args, **kwargs)

    window.runner.start = start
    _run(window, qtbot)
    assert started[0] == "Doorrekenen"  # no whole copy beside the run
    assert started[1:] == ["Herstelkopie"] and window._autosave_job is not None
    with qtbot.waitSignal(window._autosave_job.finished, timeout=60_000):
        pass
    assert window._recovery_file is not None and window._recovery_file.exists()
    assert recovery_is_quick(window._snapshot())
    window.append_modification(
        "add_housing", x=X0 + 2600, y=Y0 + 2400, dwellings=5, author="An", reason="auto"
    )
    started.clear()
    _run(window, qtbot)
    assert started[:2] == ["Herstelkopie", "Doorrekenen"]  # quick: before the run
    window.runner.wait(60_000)


def test_results_show_notes_and_the_brussels_flow_theme(window, qtbot):
    import geopandas as gpd
    from shapely.geometry import box

    from slimmeregio.layers.model import Layer
    from slimmeregio.layers.roles import Role
    from slimmeregio.layers.symbology import FLOW_COLORS

    panel = window.results_panel
    # no Brussels layer: the engine says so and the panel shows it
    _run(window, qtbot)
    assert "no_brussels" in window.last_run.evaluation.notes
    assert not panel.notes_area.isHidden()
    assert window.last_run.evaluation.notes["no_brussels"]["nl"] in panel.notes.text()
    panel.theme.setCurrentIndex(panel.theme.findData("flows_brussels"))
    assert window.canvas.theme_layers == []
    assert "brussel" in window.statusBar().currentMessage().lower()

    # a Brussels area over the two southern rows of the grid
    area = box(X0 - 500, Y0 - 500, X0 + 9.5 * STEP, Y0 + 1.5 * STEP)
    window.project.layers.append(
        Layer(
            name="brussel",
            data=gpd.GeoDataFrame(geometry=[area], crs="EPSG:31370"),
            role=Role.OTHER,
        )
    )
    _run(window, qtbot)
    ev = window.last_run.evaluation
    assert not ev.notes and panel.notes_area.isHidden()
    layers = window.canvas.theme_layers
    assert [la.name for la in layers] == [
        "Potentiële fietsstromen naar Brussel (woningen)",
        "Toegangspunten op de Brusselse grens",
    ]
    flows = layers[0]
    expected = ev.links[ev.links["flow_brussels_dwellings"] > 0]
    assert len(flows.frame) == len(expected) > 0
    assert (
        flows.style.column == "flow_brussels_dwellings"
        and flows.style.colors[-1] == FLOW_COLORS[-1]
    )
    # every dwelling outside Brussels is routed to exactly one entry point
    housing = window.project.layers["woningen"].frame
    outside = ~housing.geometry.within(area)
    assert int(layers[1].frame["dwellings"].sum()) == int(housing.loc[outside, "woningen"].sum())
    # the station flows are still a separate theme
    panel.theme.setCurrentIndex(panel.theme.findData("flows"))
    assert window.canvas.theme_layers[0].style.column == "flow_dwellings"


def test_go_to_municipality_box_zooms_and_selects(window, qtbot):
    box_ = window.goto_box
    assert [box_.itemText(i) for i in range(box_.count())] == ["Oostdorp", "Westdorp"]
    window.canvas.zoom_to_extent((X0 + 8 * STEP, Y0 + 8 * STEP, X0 + 9 * STEP, Y0 + 9 * STEP))
    qtbot.keyClicks(box_.lineEdit(), "westdorp")
    qtbot.keyClick(box_.lineEdit(), Qt.Key.Key_Return)
    assert list(window.canvas.selection("gemeenten")) == [0]
    west = window.project.layers["gemeenten"].frame.geometry.iloc[0]
    x0, y0, x1, y1 = window.canvas.view.extent(window.canvas.width(), window.canvas.height())
    assert (
        x0 <= west.bounds[0]
        and x1 >= west.bounds[2]
        and y0 <= west.bounds[1]
        and y1 >= west.bounds[3]
    )
    assert not window.goto_municipality("Nergensdorp")
    assert "Nergensdorp" in window.statusBar().currentMessage()


def test_municipality_names_are_placed_inside_their_polygon(window):
    import shapely

    layer = window.project.layers["gemeenten"]
    anchors = window.canvas.label_anchors(layer)
    assert [a[0] for a in anchors] == ["Westdorp", "Oostdorp"]
    for (_name, x, y), geom in zip(anchors, layer.frame.geometry, strict=True):
        assert geom.contains(shapely.Point(x, y))
    assert window.canvas.label_anchors(window.project.layers["fietsnetwerk"]) == []
    # drawn: the rendered map differs where a name is written
    with_labels = window.canvas.render_image()
    layer.frame.loc[:, "naam"] = ""
    window.canvas._labels.clear()
    without = window.canvas.render_image()
    assert with_labels != without


def test_draw_housing_polygon_then_run(window, qtbot):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    _run(window, qtbot)
    base_total = window.last_run.evaluation.region["dwellings"]

    window.action("edit_add_housing_polygon").trigger()
    assert canvas.tool == MapTool.POLYGON
    # Esc drops a started sketch but keeps the tool
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.sketch == [] and canvas.tool == MapTool.POLYGON

    centre = _pixel(window, X0 + 4.5 * STEP, Y0 + 4.5 * STEP)
    pixels = [centre + QPoint(dx, dy) for dx, dy in ((-60, 40), (50, 45), (70, -30), (-20, -70))]
    for pt in pixels:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pt)
    # a stray fifth click, removed again with Backspace
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre + QPoint(120, 120))
    qtbot.mouseMove(canvas, centre + QPoint(100, 0))  # rubber band follows the cursor
    canvas.repaint()
    assert len(canvas.sketch) == 5
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert len(canvas.sketch) == 4

    when_modal(fill_modification(name="Woonerf Zuid", dwellings=1234, status="vergund"))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    mod = window.store.current.modifications[-1]
    assert mod.kind == "add_housing" and mod.x is None and mod.polygon is not None
    assert (mod.name, mod.dwellings, mod.status, mod.author) == (
        "Woonerf Zuid",
        1234,
        "vergund",
        "An Peeters",
    )
    # independent pixel -> Lambert 72: y grows up on the map, down on the screen
    v, w, h = canvas.view, canvas.width(), canvas.height()
    expected = [(v.cx + (p.x() - w / 2) * v.res, v.cy - (p.y() - h / 2) * v.res) for p in pixels]
    assert np.allclose(np.array(mod.polygon), np.array(expected), rtol=0, atol=1e-6)
    overlay = [item for item in canvas._overlay if item.kind == "polygon"]
    assert len(overlay) == 1 and overlay[0].label == "1234 woningen"
    assert shapely.Polygon(mod.polygon).contains(shapely.Point(overlay[0].anchor))
    assert canvas.tool == MapTool.POLYGON and canvas.sketch == []

    _run(window, qtbot)
    assert window.last_run.evaluation.region["dwellings"] == base_total + 1234
    assert window.last_run.comparison.delta("dwellings") == 1234

    # a double click also finishes; the release that ends it adds no stray vertex
    when_modal(fill_modification(dwellings=20))
    for pt in pixels[:2]:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pt - QPoint(150, 150))
    last = pixels[2] - QPoint(150, 150)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=last)
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=last)
    mods = window.store.current.modifications
    assert len(mods) == 2 and len(mods[-1].polygon) == 3 and mods[-1].dwellings == 20
    assert canvas.sketch == []


def test_identify_panel_is_wide_enough_to_read_values(window, qtbot):
    """Issue 13, defect 10: long field names pushed the values out of sight."""
    window.canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    qtbot.mouseClick(
        window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, X0 + 500, Y0 + 4 * STEP)
    )
    tree = window.identify_panel.tree
    assert tree.topLevelItemCount() >= 1
    assert window.dock_identify.width() >= 320
    value_width = tree.viewport().width() - tree.columnWidth(0)
    assert value_width >= 0.5 * tree.viewport().width()
    texts = [
        tree.topLevelItem(0).child(i).text(1) for i in range(tree.topLevelItem(0).childCount())
    ]
    assert "1.000 m" in texts  # a 1 km link, the Dutch way


def test_upgrade_a_route_of_several_links_with_shift_click(window, qtbot):
    """Issue 13, defect 9: a route is upgraded in one modification."""
    window.canvas.zoom_to_extent((X0, Y0, X0 + 4 * STEP, Y0 + 4 * STEP))
    window.action("edit_upgrade_link").trigger()
    points = [
        (X0 + 0.5 * STEP, Y0 + STEP),
        (X0 + 1.5 * STEP, Y0 + STEP),
        (X0 + 2.5 * STEP, Y0 + STEP),
    ]
    net = window.project.layers["fietsnetwerk"].frame
    expected = []
    for x, y in points:
        dist = shapely.distance(net.geometry.to_numpy(), shapely.Point(x, y))
        expected.append(int(net["link_id"].iloc[int(np.argmin(dist))]))
    for x, y in points[:2]:
        qtbot.mouseClick(
            window.canvas,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ShiftModifier,
            pos=_pixel(window, x, y),
        )
    assert not window.store.current.modifications  # still choosing
    assert len(window.canvas.selection("fietsnetwerk")) == 2
    seen = {}

    def fill(dialog):
        seen["info"] = dialog.info_label.text()
        fill_modification(link_class="fietssnelweg")(dialog)

    when_modal(fill)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, *points[2]))
    mods = window.store.current.modifications
    assert len(mods) == 1 and mods[0].kind == "upgrade_link"
    assert sorted(mods[0].link_ids) == sorted(expected)
    assert "3 verbindingen" in seen["info"] and "3.000 m" not in seen["info"]  # lengths use a space
    assert "3 000 m" in seen["info"]


def test_legend_dock_follows_the_layer_list(window, qtbot):
    """Issue 13, defect 10: a dockable legend of the base layers."""
    legend = window.legend_panel
    assert window.dock_legend.windowTitle() == "Legenda"
    assert legend.entries() == ["mobipunten", "stations", "woningen", "fietsnetwerk", "gemeenten"]
    # hiding a layer in the layer list removes it from the legend
    view = window.layer_panel.view
    model = window.layer_panel.model
    view.setCurrentIndex(model.index(1))  # stations
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert legend.entries() == ["mobipunten", "woningen", "fietsnetwerk", "gemeenten"]
    # the network's classes are listed with their names
    net = next(
        legend.tree.topLevelItem(i)
        for i in range(legend.tree.topLevelItemCount())
        if legend.tree.topLevelItem(i).text(0) == "fietsnetwerk"
    )
    classes = {net.child(i).text(0) for i in range(net.childCount())}
    assert {"fietssnelweg", "bovenlokaal", "lokaal"} <= classes
