"""The sweep dialog: build a sweep from the current scenario, run it on a real
LocalCluster of 2 worker processes, follow the live ranking, cancel and
resume, open the results.

The project is the small synthetic grid of the desktop tests, so a variant
takes a fraction of a second; the cluster test is bounded by the cluster's
start (a few seconds) and 12 variants.
"""

from __future__ import annotations

import math
import os
import sqlite3
from pathlib import Path

import pytest

from slimmeregio.desktop import errors as dialogs

MOBI = {
    "x": 143_500.0,
    "y": 172_500.0,
    "name": "Mobipunt Test",
    "hoppin_type": "buurt",
    "author": "An Peeters",
    "reason": "test",
}
UPGRADE = {
    "link_ids": [5, 6, 7],
    "link_class": "fietssnelweg",
    "author": "An Peeters",
    "reason": "test",
}


def _scenario_with_two_modifications(window) -> None:
    assert window.append_modification("add_mobipunt", **MOBI), dialogs.HEADLESS_SINK
    assert window.append_modification("upgrade_link", **UPGRADE), dialogs.HEADLESS_SINK
    assert len(window.store.current.modifications) == 2


def _dialog(
    qtbot,
    window,
    out: Path,
    *,
    workers: int,
    parameter: str | None,
    start: float = 14.0,
    stop: float = 16.0,
    step: float = 2.0,
    max_in: int = 0,
):
    from slimmeregio.desktop.sweepdialog import SweepDialog

    dialog = SweepDialog(window)
    qtbot.addWidget(dialog)
    dialog.out.setText(str(out))
    dialog.workers.setValue(workers)
    dialog.max_in.setValue(max_in)
    dialog.parameter.setCurrentIndex(dialog.parameter.findData(parameter))
    dialog.range_from.setValue(start)
    dialog.range_to.setValue(stop)
    dialog.range_step.setValue(step)
    dialog.show()
    return dialog


def _stored(out: Path) -> tuple[list[tuple], dict[tuple[str, str], float]]:
    with sqlite3.connect(out / "sweep.sqlite") as db:
        variants = db.execute(
            "SELECT variant_id, idx, label, status, worker FROM variants"
        ).fetchall()
        deltas = {
            (v, k): d
            for v, k, d in db.execute("SELECT variant_id, indicator, delta FROM indicators")
        }
    return variants, deltas


def test_build_from_scenario_counts_variants_by_hand(qtbot, window, tmp_path):
    from slimmeregio.scenarios.sweep_build import plan_for_project

    _scenario_with_two_modifications(window)
    dialog = _dialog(
        qtbot,
        window,
        tmp_path / "uit",
        workers=0,
        parameter="speeds_kmh.lokaal",
        start=12.0,
        stop=18.0,
        step=2.0,
        max_in=1,
    )
    text = dialog.build_from_scenario()
    plan = plan_for_project(text, "k", parameters=window.store.current.parameters)
    # by hand: none or one of 2 candidates (1 + 2 choices) x 4 speeds (12, 14, 16, 18)
    assert plan.total == 12 and len(plan.variants) == 12
    assert {dict(v.scenario.parameters.speeds_kmh)["lokaal"] for v in plan.variants} == {
        12.0,
        14.0,
        16.0,
        18.0,
    }
    assert max(len(v.candidates) for v in plan.variants) == 1
    # the scenario's other parameters come along
    assert all(
        v.scenario.parameters.walking_speed_kmh == window.store.current.parameters.walking_speed_kmh
        for v in plan.variants
    )


def test_sweep_on_local_cluster_follows_live_and_opens_results(
    qtbot, window, tmp_path, monkeypatch
):
    """Cluster path: LocalCluster(2 processes) through the window's worker, no frozen UI."""
    from PyQt6.QtGui import QDesktopServices

    from slimmeregio.exporters.sweep_report import higher_is_better
    from slimmeregio.scenarios.runs import run_analysis

    _scenario_with_two_modifications(window)
    out = tmp_path / "uit"
    dialog = _dialog(qtbot, window, out, workers=2, parameter="speeds_kmh.lokaal", stop=18.0)
    dialog.build_from_scenario()
    shown_counts: list[int] = []
    dialog.model.modelReset.connect(lambda: shown_counts.append(dialog.model.rowCount()))
    ticks: list[int] = []
    from PyQt6.QtCore import QTimer

    timer = QTimer(dialog)
    timer.timeout.connect(
        lambda: ticks.append(1)
    )  # the event loop keeps turning while the sweep runs
    timer.start(50)
    job = dialog.start()
    assert job is not None and not dialog.go.isEnabled() and dialog.stop.isEnabled()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=180_000)
    timer.stop()
    assert dialog.outcome is not None, dialogs.HEADLESS_SINK
    assert len(ticks) > 20
    # 2 x 2 candidate choices x 3 speeds = 12 variants, all evaluated once
    assert (dialog.outcome.planned, dialog.outcome.evaluated, dialog.outcome.skipped) == (12, 12, 0)
    variants, deltas = _stored(out)
    assert len(variants) == 12 and len({v[0] for v in variants}) == 12
    assert all(v[3] == "ok" for v in variants)
    # evaluated in worker processes, not in this one
    assert all(not v[4].endswith(f":{os.getpid()}") for v in variants)
    # the table grew while rows arrived, and ends with every variant
    assert shown_counts[-1] == dialog.model.rowCount() == 12
    assert len({c for c in shown_counts if 0 < c < 12}) >= 1, shown_counts
    # the ranking's first row has the largest gain, computed from the stored deltas by hand
    key = dialog.indicator_key()
    sign = 1 if higher_is_better(key) else -1
    best = max(sign * deltas[(v[0], key)] for v in variants)
    assert math.isclose(dialog.model.frame["gain"].iloc[0], best, abs_tol=1e-12)
    # one variant against a serial run of the same scenario in this process
    full = next(
        p for p in dialog.plan.variants if len(p.candidates) == 2 and p.changes[0][1] == 16.0
    )
    serial = run_analysis(window.project, full.scenario, None)
    region = serial.comparison.region.set_index("indicator")
    for indicator, delta in region["delta"].items():
        got = deltas[(full.variant_id, indicator)]
        assert (got is None and not math.isfinite(delta)) or math.isclose(
            got, delta, rel_tol=1e-9, abs_tol=1e-9
        )
    # results: the Excel file and the figure, opened with the system viewer
    assert (out / "sweep.xlsx").is_file() and (out / "sweep.png").is_file()
    assert dialog.open_xlsx.isEnabled() and dialog.open_png.isEnabled()
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    dialog.open_xlsx.click()
    dialog.open_png.click()
    assert opened == [str(out / "sweep.xlsx"), str(out / "sweep.png")]
    assert "Klaar" in dialog.status.text()


def test_cancel_keeps_finished_rows_and_rerun_continues(qtbot, window, tmp_path):
    """In-process path (0 workers): cancel mid-sweep, then start again."""
    _scenario_with_two_modifications(window)
    out = tmp_path / "uit"
    dialog = _dialog(
        qtbot, window, out, workers=0, parameter="walking_speed_kmh", start=3.0, stop=5.5, step=0.5
    )
    dialog.build_from_scenario()  # 4 choices x 6 speeds = 24 variants
    dialog.start()
    qtbot.waitUntil(lambda: len(dialog._variants) >= 2 or dialog.job is None, timeout=120_000)
    dialog.stop.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=120_000)
    assert dialog.outcome is None and "Geannuleerd" in dialog.status.text(), dialogs.HEADLESS_SINK
    kept, _ = _stored(out)
    assert 2 <= len(kept) < 24
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=120_000)
    assert dialog.outcome is not None, dialogs.HEADLESS_SINK
    assert (dialog.outcome.skipped, dialog.outcome.evaluated) == (len(kept), 24 - len(kept))
    variants, _ = _stored(out)
    assert len(variants) == 24 and len({v[0] for v in variants}) == 24
    # the earlier rows are in the ranking too
    assert dialog.model.rowCount() == 24


def test_bad_sweep_text_is_one_message_not_a_crash(qtbot, window, tmp_path):
    dialog = _dialog(qtbot, window, tmp_path / "uit", workers=0, parameter=None)
    dialog.editor.setPlainText(
        'name = "x"\n[[ranges]]\nparameter = "walking_speed_kmh"\nvalues = [-1.0]\n'
    )
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    assert dialog.outcome is None
    assert len(dialogs.HEADLESS_SINK) == 1 and "ranges[0].values[0]" in dialogs.HEADLESS_SINK[0][0]
    assert not (tmp_path / "uit" / "sweep.sqlite").exists()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_dialog_texts_in_both_languages(qtbot, window, lang):
    from slimmeregio.desktop import i18n
    from slimmeregio.desktop.sweepdialog import SweepDialog

    i18n.set_language(lang)
    dialog = SweepDialog(window)
    qtbot.addWidget(dialog)
    expected = (
        "Sweep: vele varianten doorrekenen"
        if lang == "nl"
        else i18n.catalogue("en")["Sweep: vele varianten doorrekenen"]
    )
    assert dialog.windowTitle() == expected


def test_opened_file_uses_its_base_scenario_and_the_open_project(qtbot, window, tmp_path):
    """A sweep file opened in the dialog: its base_scenario is read next to it; the
    base is the open project even when the file names another one."""
    (tmp_path / "basis.toml").write_text(
        'name = "basis"\n[parameters]\nwalking_speed_kmh = 4.0\n', encoding="utf-8"
    )
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text(
        'name = "uit bestand"\nproject = "elders.srp"\nbase_scenario = "basis.toml"\n'
        '[[ranges]]\nparameter = "speeds_kmh.lokaal"\nvalues = [14.0, 18.0]\n',
        encoding="utf-8",
    )
    out = tmp_path / "uit"
    dialog = _dialog(qtbot, window, out, workers=0, parameter=None)
    dialog.open_file(str(sweep_file))
    assert "uit bestand" in dialog.editor.toPlainText()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=120_000)
    assert dialog.outcome is not None, dialogs.HEADLESS_SINK
    assert [v.scenario.parameters.walking_speed_kmh for v in dialog.plan.variants] == [4.0, 4.0]
    assert [dict(v.scenario.parameters.speeds_kmh)["lokaal"] for v in dialog.plan.variants] == [
        14.0,
        18.0,
    ]
    variants, _ = _stored(out)
    assert len(variants) == 2
    # saved again elsewhere: the same text
    dialog.save_file(str(tmp_path / "kopie.toml"))
    assert (tmp_path / "kopie.toml").read_text(encoding="utf-8") == sweep_file.read_text(
        encoding="utf-8"
    )
