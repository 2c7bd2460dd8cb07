"""Issue 13, smaller defects seen on screen: housing off the network (8),
messages in one language with advice (11), "Niet opslaan" removes the recovery
copy (12), and ``slimmeregio plan.srp`` opens the project (13)."""

from __future__ import annotations

import os

import pytest
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop import i18n

from .conftest import STEP, X0, Y0
from .helpers import fill_modification, press_ok, when_modal
from .test_flows import _pixel


def test_housing_placed_off_the_network_warns_with_the_distance(window, qtbot):
    # the grid's easternmost line is x = X0 + 9 km; 2 km further east is off the network
    x, y = X0 + 11 * STEP, Y0 + 4 * STEP
    window.canvas.zoom_to_extent((X0, Y0 - 2 * STEP, X0 + 13 * STEP, Y0 + 10 * STEP))
    seen = {}

    def look_then_ok(dialog):
        seen["info"] = dialog.info_label.text() if dialog.info_label.isVisible() else ""
        fill_modification()(dialog)

    window.action("edit_add_housing").trigger()
    when_modal(look_then_ok)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, x, y))
    placed = window.store.current.modifications[-1]
    distance = placed.x - (X0 + 9 * STEP)  # hand computation: straight east of the last grid line
    assert 1900 < distance < 2100
    expected = f"{distance:,.0f}".replace(",", " ")
    assert f"{expected} m van het fietsnetwerk" in seen["info"], seen
    assert "500 m" in seen["info"]
    # on the network: no warning
    seen.clear()
    window.action("edit_add_housing").trigger()
    when_modal(look_then_ok)
    qtbot.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        pos=_pixel(window, X0 + 3 * STEP + 50, Y0 + 3 * STEP),
    )
    assert seen["info"] == ""


@pytest.mark.skipif(os.name == "nt", reason="POSIX file system semantics")
def test_failed_save_is_called_a_save_with_advice_in_one_language(window, qtbot, tmp_path):
    blocker = tmp_path / "geen-map"
    blocker.write_text("a file where a folder should be")
    target = blocker / "plan.srp"
    for lang, says, foreign in (
        ("nl", "Opslaan naar", ("the file", "Errno", ".tmp", "Export")),
        ("en", "Saving to", ("Opslaan", "Errno", ".tmp", "map", "mislukt")),
    ):
        i18n.set_language(lang)
        dialogs.HEADLESS_SINK.clear()
        assert window.save_project_to(target) is False
        message, hint = dialogs.HEADLESS_SINK[-1]
        assert message.startswith(says), message
        assert hint, "no advice"
        text = f"{message} {hint}".replace(str(target), "")
        for word in foreign:
            assert word not in text, (lang, word, text)
    i18n.set_language("nl")


def test_damaged_project_message_has_no_english_in_dutch(window, tmp_path):
    bad = tmp_path / "kapot.srp"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    dialogs.HEADLESS_SINK.clear()
    assert window.open_project(bad) is False
    message, hint = dialogs.HEADLESS_SINK[-1]
    text = f"{message} {hint}".replace(str(bad), "")
    assert "beschadigd" in text or "GeoPackage" in text
    assert "damaged" not in text and "the file" not in text, text


def test_english_interface_after_a_switch_has_english_buttons_and_decimal_points(
    qtbot, qapp, project
):
    from slimmeregio.desktop.app import apply_qt_language
    from slimmeregio.desktop.mainwindow import MainWindow

    apply_qt_language(qapp, "nl")  # as the app starts in Dutch
    window = MainWindow(project)
    window.show()

    def choose_english(dialog):
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        press_ok(dialog)

    try:
        household = window.scenario_panel.params.household
        assert household.text() == "2,4"
        when_modal(choose_english)
        window.open_settings()
        assert i18n.language() == "en"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel"
        household = window.scenario_panel.params.household
        assert household.text() == "2.4", household.text()
    finally:
        apply_qt_language(qapp, "en")
        i18n.set_language("nl")
        window.store.dirty = False
        window._layers_dirty = False
        window.close()
        window.deleteLater()


def test_not_saving_removes_the_recovery_copy(window, qtbot, tmp_path):
    from slimmeregio.layers.project_file import find_recovery

    window.append_modification(
        "add_mobipunt",
        x=X0 + 8 * STEP,
        y=Y0 + 8 * STEP,
        name="Oost",
        hoppin_type="lokaal",
        author="An",
        reason="test",
    )
    job = window.autosave()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert find_recovery(), "no recovery copy was written"

    def discard(box):
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Discard).click()

    when_modal(discard)
    window.close()
    assert not window.isVisible()
    assert find_recovery() == []


def test_opening_a_project_file_by_path_from_the_command_line(
    qtbot, tmp_path, monkeypatch, project
):
    import sys

    from slimmeregio.cli import main as cli_main
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.project_file import save_project

    path = tmp_path / "plan.srp"
    save_project(project, path)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen = {}

    def close_when_loaded(tries=400):
        wins = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if wins and wins[0].project.path is not None:
            win = wins[0]
            seen["path"] = win.project.path
            seen["layers"] = [layer.name for layer in win.project.layers]
            win.store.dirty = False
            win._layers_dirty = False
            win.close()
        elif tries:
            QTimer.singleShot(25, lambda: close_when_loaded(tries - 1))
        else:
            for w in QApplication.topLevelWidgets():
                w.close()

    QTimer.singleShot(0, close_when_loaded)
    with pytest.raises(SystemExit) as info:
        cli_main(["--lang", "nl", str(path)])
    assert info.value.code == 0
    assert seen["path"] == path
    assert sorted(seen["layers"]) == sorted(layer.name for layer in project.layers)
