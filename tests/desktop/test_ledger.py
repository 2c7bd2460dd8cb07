"""The ledger records what the planner meant (issue 13, defects 4 and 5): the
reason starts empty and is required every time, the author is remembered, and
one modification can be edited, deleted or zoomed to, each undoable."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLineEdit

from .conftest import STEP, X0, Y0
from .helpers import press_ok, when_modal
from .test_flows import _pixel


def _place_mobipunt(window, qtbot, x, y, fill) -> list:
    window.canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    window.action("edit_add_mobipunt").trigger()
    seen = when_modal(fill)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=_pixel(window, x, y))
    return seen


def test_reason_starts_empty_is_required_and_author_is_remembered(window, qtbot):
    def first(dialog):
        dialog.author.setText("An Peeters")
        dialog.reason.setText("Eerste reden")
        press_ok(dialog)

    _place_mobipunt(window, qtbot, X0 + 8 * STEP, Y0 + 8 * STEP, first)
    assert window.store.current.modifications[0].reason == "Eerste reden"

    state = {}

    def second(dialog):
        state["author"] = dialog.author.text()
        state["reason"] = dialog.reason.text()
        # every line edit is a row of the form (none floats over the first row)
        form = dialog.form
        for edit in dialog.findChildren(QLineEdit):
            if edit.isVisible():
                row, _role = form.getWidgetPosition(edit)
                assert row >= 0, edit.objectName()
        rects = [
            form.itemAt(i).geometry()
            for i in range(form.count())
            if form.itemAt(i).widget() is not None and form.itemAt(i).widget().isVisible()
        ]
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
        labels = [
            form.itemAt(r, form.ItemRole.LabelRole).widget().text() for r in range(form.rowCount())
        ]
        assert labels.count("Auteur:") == 1
        press_ok(dialog)  # empty reason: refused, the form stays open
        state["error"] = dialog.error.text()
        state["open"] = dialog.isVisible()
        dialog.reason.setText("Tweede reden")
        press_ok(dialog)

    _place_mobipunt(window, qtbot, X0 + 0.5 * STEP, Y0 + 0.5 * STEP, second)
    assert state["author"] == "An Peeters"
    assert state["reason"] == ""
    assert state["open"] and "reden" in state["error"]
    mods = window.store.current.modifications
    assert [m.reason for m in mods] == ["Eerste reden", "Tweede reden"]


def _two_mobipunten(window, qtbot):
    def fill(name, reason):
        def action(dialog):
            dialog.author.setText("An Peeters")
            dialog.reason.setText(reason)
            dialog.fields["name"].setText(name)
            press_ok(dialog)

        return action

    _place_mobipunt(window, qtbot, X0 + 8 * STEP, Y0 + 8 * STEP, fill("Hub Oost", "reden een"))
    _place_mobipunt(window, qtbot, X0 + 0.5 * STEP, Y0 + 0.5 * STEP, fill("Hub West", "reden twee"))
    assert [m.name for m in window.store.current.modifications] == ["Hub Oost", "Hub West"]


def _select_row(window, qtbot, row):
    ledger = window.scenario_panel.ledger
    rect = ledger.visualItemRect(ledger.item(row))
    qtbot.mouseClick(ledger.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ledger.currentRow() == row


def test_edit_one_modification_in_the_ledger_and_undo(window, qtbot):
    _two_mobipunten(window, qtbot)
    panel = window.scenario_panel
    _select_row(window, qtbot, 0)
    seen = {}

    def edit(dialog):
        seen["reason"] = dialog.reason.text()
        seen["name"] = dialog.fields["name"].text()
        dialog.author.setText("Bram De Smet")
        dialog.reason.setText("Raadsbesluit 12/3")
        dialog.fields["name"].setText("Hub Oost (station)")
        press_ok(dialog)

    when_modal(edit)
    qtbot.mouseClick(panel.edit_mod_btn, Qt.MouseButton.LeftButton)
    # the form showed the modification's own values
    assert seen == {"reason": "reden een", "name": "Hub Oost"}
    mods = window.store.current.modifications
    assert [m.name for m in mods] == ["Hub Oost (station)", "Hub West"]
    assert (mods[0].author, mods[0].reason) == ("Bram De Smet", "Raadsbesluit 12/3")
    assert (mods[1].author, mods[1].reason) == ("An Peeters", "reden twee")
    assert "Raadsbesluit 12/3" in panel.ledger.item(0).text()
    window.action("undo").trigger()
    assert [m.name for m in window.store.current.modifications] == ["Hub Oost", "Hub West"]


def test_delete_one_modification_then_undo_and_zoom(window, qtbot):
    _two_mobipunten(window, qtbot)
    panel = window.scenario_panel
    assert not panel.delete_mod_btn.isEnabled()  # nothing chosen yet
    _select_row(window, qtbot, 0)
    qtbot.mouseClick(panel.delete_mod_btn, Qt.MouseButton.LeftButton)
    assert [m.name for m in window.store.current.modifications] == ["Hub West"]
    window.action("undo").trigger()
    assert [m.name for m in window.store.current.modifications] == ["Hub Oost", "Hub West"]
    # zoom to the second one: the view centres near it
    window.canvas.zoom_to_extent((X0 - 20 * STEP, Y0 - 20 * STEP, X0 + 30 * STEP, Y0 + 30 * STEP))
    _select_row(window, qtbot, 1)
    qtbot.mouseClick(panel.zoom_mod_btn, Qt.MouseButton.LeftButton)
    mod = window.store.current.modifications[1]
    x0, y0, x1, y1 = window.canvas.view.extent(window.canvas.width(), window.canvas.height())
    assert x0 < mod.x < x1 and y0 < mod.y < y1
    assert (x1 - x0) < 5 * STEP


def test_duplicated_scenario_keeps_its_ledger_and_undo_history(window, qtbot):
    _two_mobipunten(window, qtbot)
    source = window.store.current.name
    window.scenario_panel.act_dup.trigger()
    copy = window.store.current
    assert copy.name != source
    assert [m.name for m in copy.modifications] == ["Hub Oost", "Hub West"]
    window.action("undo").trigger()
    assert window.store.current.name == copy.name  # undo stays in the copy
    assert [m.name for m in window.store.current.modifications] == ["Hub Oost"]
    assert [m.name for m in window.store.get(source).modifications] == ["Hub Oost", "Hub West"]
