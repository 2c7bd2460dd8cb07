"""A shown result knows what it was computed from (issue 13): every change
marks it stale at once, every delta names its reference, a run that lacks a
needed layer is refused, and export never writes stale results."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from slimmeregio.desktop import errors as dialogs

from .conftest import STEP, X0, Y0
from .helpers import fill_modification, press_ok, when_modal
from .test_flows import _pixel, _run

STALE = "Resultaten horen bij een eerdere toestand — opnieuw doorrekenen"


def _assert_stale(window, stale: bool) -> None:
    panel = window.results_panel
    banner = panel.stale_banner
    assert banner.isVisible() is stale
    if stale:
        assert panel.stale_label.text() == STALE
        assert panel.cards_box.graphicsEffect() is not None  # cards dimmed
        assert window.canvas.theme_stale
    else:
        assert panel.cards_box.graphicsEffect() is None
        assert not window.canvas.theme_stale


def _type_bike_thresholds(window, qtbot, text: str) -> None:
    edit = window.scenario_panel.params.bike
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _add_mobipunt(window, qtbot, name="Mobipunt Oost", reason="Test van de raad") -> None:
    window.canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    window.action("edit_add_mobipunt").trigger()
    when_modal(fill_modification(name=name, hoppin_type="lokaal", reason=reason))
    qtbot.mouseClick(
        window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, X0 + 8 * STEP, Y0 + 8 * STEP)
    )


def test_parameter_edit_marks_results_stale_and_rerun_clears_it(window, qtbot):
    _run(window, qtbot)
    _assert_stale(window, False)
    assert window.canvas.theme_caption  # the map theme names what it shows
    _type_bike_thresholds(window, qtbot, "5, 12, 15")
    assert window.store.current.parameters.bike_thresholds_min == (5.0, 12.0, 15.0)
    _assert_stale(window, True)
    # the banner's own button computes again; afterwards the results are current
    with qtbot.waitSignal(window.runner.jobFinished, timeout=60_000):
        qtbot.mouseClick(window.results_panel.rerun_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window._run_job is None, timeout=60_000)
    _assert_stale(window, False)
    assert window.last_run.parameters.bike_thresholds_min == (5.0, 12.0, 15.0)


def test_modification_added_then_undone_goes_stale_and_back(window, qtbot):
    _run(window, qtbot)
    _add_mobipunt(window, qtbot)
    assert len(window.store.current.modifications) == 1
    _assert_stale(window, True)
    window.action("undo").trigger()  # back to exactly what was computed
    assert not window.store.current.modifications
    _assert_stale(window, False)


def test_scenario_switch_marks_results_stale(window, qtbot):
    _run(window, qtbot)
    first = window.store.current.name
    window.scenario_panel.act_dup.trigger()
    assert window.store.current.name != first
    _assert_stale(window, True)
    window.scenario_panel.combo.setCurrentText(first)
    _assert_stale(window, False)


def test_cancelled_run_after_a_change_leaves_results_marked_stale(window, qtbot):
    _run(window, qtbot)
    _type_bike_thresholds(window, qtbot, "5, 12, 15")
    job = window.run_scenario()
    qtbot.mouseClick(window.scenario_panel.cancel_btn, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    _assert_stale(window, True)


def test_removing_a_role_layer_is_undoable_and_the_run_refuses_naming_it(window, qtbot):
    _run(window, qtbot)
    window.layer_panel.select_layer("mobipunten")
    when_modal(press_ok)
    window.action("remove_layer").trigger()
    assert "mobipunten" not in window.project.layers
    _assert_stale(window, True)
    # a run without the mobipunten layer would show 0 % everywhere: refused, naming the layer
    dialogs.HEADLESS_SINK.clear()
    assert window.run_scenario() is None
    assert dialogs.HEADLESS_SINK, "no message shown"
    text = str(dialogs.HEADLESS_SINK[-1])
    assert "mobipunten" in text and "Ctrl+Z" in text, text
    # Ctrl+Z puts the layer back where it was
    assert window.action("undo").isEnabled()
    window.action("undo").trigger()
    assert [la.name for la in window.project.layers] == [
        "gemeenten",
        "fietsnetwerk",
        "woningen",
        "stations",
        "mobipunten",
    ]
    _run(window, qtbot)
    assert window.last_run.evaluation.region["share_bike_mobipunt_10min"] > 0


def test_compare_shown_on_map_names_its_reference_everywhere(window, qtbot):
    from slimmeregio.desktop.comparepanel import CompareDialog

    _add_mobipunt(window, qtbot)
    a_name = window.store.current.name
    window.scenario_panel.act_dup.trigger()  # B = a copy with one more hub
    window.canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    window.action("edit_add_mobipunt").trigger()
    when_modal(fill_modification(name="Mobipunt West", hoppin_type="lokaal"))
    qtbot.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        pos=_pixel(window, X0 + 0.5 * STEP, Y0 + 0.5 * STEP),
    )
    b_name = window.store.current.name
    window.action("compare").trigger()
    dialog = window._last_dialog
    assert isinstance(dialog, CompareDialog)
    dialog.first.setCurrentIndex(dialog.first.findData(a_name))
    dialog.second.setCurrentIndex(dialog.second.findData(b_name))
    with qtbot.waitSignal(window.runner.jobFinished, timeout=60_000):
        qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.map_btn.isEnabled(), timeout=60_000)
    qtbot.mouseClick(dialog.map_btn, Qt.MouseButton.LeftButton)
    panel = window.results_panel
    # the reference is A, and it says so: title, cards, table header
    assert f"t.o.v. {a_name}" in panel.title.text()
    deltas = [c.delta.text() for c in panel.cards if c.isVisible()]
    assert deltas and all(f"t.o.v. {a_name}" in t or t == "–" for t in deltas), deltas
    assert "t.o.v. basis" not in " ".join(deltas)
    headers = [
        panel.table_model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(panel.table_model.columnCount())
    ]
    assert f"Referentie: {a_name}" in headers and "Basis" not in headers
    assert a_name in window.canvas.theme_caption
    _assert_stale(window, False)
    # the values in the reference column are A's, not the base's (independent: A's own evaluation)
    ev_a = dialog.outcome[0]
    key = panel.indicator.currentData()
    frame = panel.table_model.frame
    expected = ev_a.municipalities.set_index("nis")[key]
    for _, row in frame.iterrows():
        assert abs(row["base"] - float(expected[row["nis"]])) < 1e-9
    assert not dialog.stale_label.isVisible()
    # editing A makes this comparison stale at once, in the panel and in the dialog
    window.scenario_panel.combo.setCurrentText(a_name)
    _type_bike_thresholds(window, qtbot, "5, 12, 15")
    _assert_stale(window, True)
    assert dialog.stale_label.isVisible() and not dialog.table.isEnabled()
    dialog.close()


def _excel_texts(path) -> set[str]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {
        str(c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def test_export_lists_scenarios_computes_stale_and_unrun_ones_and_asks_before_overwriting(
    window, qtbot, tmp_path
):
    from PyQt6.QtWidgets import QMessageBox

    from slimmeregio.desktop.exportdialog import ExportDialog

    _run(window, qtbot)
    first = window.store.current.name
    _type_bike_thresholds(window, qtbot, "5, 12, 15")  # the shown results are now stale
    window.scenario_panel.act_dup.trigger()
    _add_mobipunt(window, qtbot)  # a second scenario, never computed
    second = window.store.current.name
    window.action("export").trigger()
    dialog = window._last_dialog
    assert isinstance(dialog, ExportDialog)
    listed = [dialog.scenario_list.item(i) for i in range(dialog.scenario_list.count())]
    assert [it.data(Qt.ItemDataRole.UserRole) for it in listed] == [first, second]
    assert all("wordt eerst doorgerekend" in it.text() for it in listed)
    for item in listed:  # tick both
        item.setCheckState(Qt.CheckState.Checked)
    dialog.kind.setCurrentIndex(dialog.kind.findData("excel"))
    out = tmp_path / "out.xlsx"
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    assert dialog.job is not None
    with qtbot.waitSignal(dialog.job.finished, timeout=120_000):
        pass
    assert dialog.written == out, dialogs.HEADLESS_SINK
    texts = _excel_texts(out)
    assert any(first in t for t in texts) and any(second in t for t in texts)
    # the numbers are for the edited thresholds, not the stale 10-minute run
    assert any("12 min" in t for t in texts)
    assert window.computed_run(first) is not None and window.computed_run(second) is not None
    before = out.read_bytes()

    # the same file again: asked first; "Niet overschrijven" leaves it alone
    def answer(text):
        def action(box):
            assert isinstance(box, QMessageBox)
            button = next(b for b in box.buttons() if b.text() == text)
            button.click()

        return action

    when_modal(answer("Niet overschrijven"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    assert dialog.job is None and out.read_bytes() == before
    assert "blijft zoals het was" in dialog.status.text()
    when_modal(answer("Overschrijven"))
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    assert dialog.job is not None
    with qtbot.waitSignal(dialog.job.finished, timeout=120_000):
        pass
    assert dialog.written == out
    qtbot.waitUntil(lambda: dialog.preview_job is None, timeout=60_000)
    dialog.close()


def test_english_banner_and_reference(window, qtbot):
    from slimmeregio.desktop.i18n import set_language

    set_language("en")
    window.apply_language()
    _run(window, qtbot)
    _add_mobipunt(window, qtbot)
    assert (
        window.results_panel.stale_label.text()
        == "Results belong to an earlier state — compute again"
    )
