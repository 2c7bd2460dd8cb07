"""The GTFS import dialog: menu entry, import in the worker with progress, report,
bad input, and the layer handed to the role/field confirmation. The feed is the
one of tests/layers/gtfs_feed.py (hand counts in tests/layers/test_gtfs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimmeregio.desktop.gtfsdialog import GtfsImportDialog
from slimmeregio.layers.roles import Role
from tests.layers.gtfs_feed import write_feed


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_feed(tmp_path / "feed.zip")


def _run(qtbot, dialog: GtfsImportDialog) -> list[float]:
    job = dialog.start()
    assert job is not None
    progress: list[float] = []
    job.progress.connect(lambda f, _m: progress.append(f))
    with qtbot.waitSignal(job.finished, timeout=120_000):
        pass
    return progress


def test_menu_entry_opens_the_dialog(window) -> None:
    action = window.action("import_gtfs")
    assert action in window.menus["layer"].actions()
    action.trigger()
    dialog = window._last_dialog
    assert isinstance(dialog, GtfsImportDialog) and dialog.isVisible()
    assert dialog.clip_munis.isChecked() and dialog.buffer.value() == 3000
    dialog.close()


def test_import_of_the_whole_feed_for_a_day(qtbot, window, feed) -> None:
    dialog = GtfsImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(feed))
    dialog.date.setText("2026-03-10")
    dialog.clip_none.setChecked(True)
    progress = _run(qtbot, dialog)
    assert progress and progress[-1] == pytest.approx(1.0)
    frame = dialog.imported.layer.frame.set_index("stop_id")
    # QDialog.result() stays the dialog's own (a stored import used to shadow it)
    assert callable(dialog.result) and dialog.result() in (0, 1)
    # Hand count (tests/layers/test_gtfs.py): ST has 4 departures 07-09 = 2 an hour.
    assert frame.loc["ST", "per_uur_ochtendspits"] == pytest.approx(2.0)
    assert set(frame.index) == {"ST", "X", "Y", "B1", "B2", "B3", "T1", "T2"}
    assert "dienstdag 2026-03-10" in dialog.report.toPlainText()
    assert dialog.add_btn.isEnabled()


def test_a_bad_date_is_refused_before_the_import(qtbot, window, feed) -> None:
    dialog = GtfsImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(feed))
    dialog.date.setText("10/03/2026")
    assert dialog.start() is None
    assert "10/03/2026" in dialog.status.text()


def test_the_layer_goes_through_the_confirmation(qtbot, window, feed, monkeypatch) -> None:
    dialog = GtfsImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(feed))
    dialog.date.setText("2026-03-10")
    dialog.clip_none.setChecked(True)
    _run(qtbot, dialog)
    seen: list = []
    monkeypatch.setattr(window, "confirm_layers", lambda layers: seen.extend(layers) or layers)
    added = dialog.add_layer()
    assert [la.role for la in added] == [Role.PT_STOPS] and seen == added
