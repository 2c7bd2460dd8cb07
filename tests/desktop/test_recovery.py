"""Crash recovery, proven by killing the application.

A child process opens the main window on the synthetic project, makes an
unsaved change and lets the autosave timer write the recovery copy in the
background; it is then killed with SIGKILL (no close event, no clean-up).
A new main window in the test process must offer the copy and restore the
change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from slimmeregio.layers.project_file import find_recovery, load_recovery

from .conftest import STEP, X0, Y0
from .helpers import press_ok, when_modal

CONFTEST = Path(__file__).with_name("conftest.py")

CHILD = textwrap.dedent(
    """
    import importlib.util, os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    spec = importlib.util.spec_from_file_location("desktop_conftest", {conftest!r})
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication
    app = QApplication([])
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.project_file import find_recovery
    win = MainWindow(conftest.make_project())
    win.show()
    win.append_modification("add_housing", x={x}, y={y}, dwellings=77,
                            author="Kim", reason="onbewaard werk")
    assert win.is_dirty
    win.autosave_timer.start(200)  # the autosave interval, shortened for the test

    def poll():
        if find_recovery():
            print("READY", flush=True)  # and keep running, autosaving, until killed
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)
    app.exec()
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_app_offers_and_restores_unsaved_work(qtbot, tmp_path):
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.model import Project

    x, y = X0 + 3 * STEP + 150, Y0 + 5 * STEP + 150
    script = CHILD.format(conftest=str(CONFTEST), x=x, y=y)
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 90
        line = ""
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if line.strip() == "READY" or child.poll() is not None:
                break
        assert line.strip() == "READY", (
            child.stderr.read() if child.poll() is not None else "no READY"
        )
        time.sleep(0.5)  # a few more autosaves: the kill may land in the middle of one
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    found = find_recovery()
    assert found, "no recovery copy survived the kill"
    window = MainWindow(Project())
    qtbot.addWidget(window)
    asked = when_modal(press_ok)  # "Herstellen"
    assert window.offer_recovery()
    assert asked and "niet-opgeslagen werk" in asked[0].text()
    mods = window.store.current.modifications
    assert len(mods) == 1
    mod = mods[0]
    assert (mod.kind, mod.dwellings, mod.author, mod.reason) == (
        "add_housing",
        77,
        "Kim",
        "onbewaard werk",
    )
    assert (mod.x, mod.y) == pytest.approx((x, y))
    assert {la.name for la in window.project.layers} == {
        "gemeenten",
        "fietsnetwerk",
        "woningen",
        "stations",
        "mobipunten",
    }
    assert window.is_dirty  # restored work is not saved yet
    window.store.dirty = False
    window._layers_dirty = False
    window.close()


def test_autosave_interval_follows_the_setting(window):
    window.settings.autosave_minutes = 3
    window._restart_autosave()
    assert window.autosave_timer.isActive() and window.autosave_timer.interval() == 3 * 60_000
    window.settings.autosave_minutes = 0
    window._restart_autosave()
    assert not window.autosave_timer.isActive()


def test_autosave_timer_writes_the_recovery_copy(window, qtbot):
    window.append_modification(
        "add_housing", x=X0 + 1500, y=Y0 + 1500, dwellings=9, author="An", reason="timer"
    )
    window.autosave_timer.start(50)
    qtbot.waitUntil(lambda: window._recovery_file is not None, timeout=30_000)
    window.autosave_timer.stop()
    window.runner.wait(30_000)
    project = load_recovery(window._recovery_file)
    assert project.scenarios and "timer" in str(project.scenarios)


def test_a_run_writes_the_recovery_copy_first(window, qtbot):
    window.autosave_timer.stop()
    window.append_modification(
        "add_housing", x=X0 + 4500, y=Y0 + 4500, dwellings=25, author="An", reason="voor de run"
    )
    assert not find_recovery()
    job = window.run_scenario()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    window.runner.wait(30_000)
    qtbot.waitUntil(lambda: window._recovery_file is not None, timeout=30_000)
    found = find_recovery()
    assert found == [window._recovery_file]
    assert "voor de run" in str(load_recovery(found[0]).scenarios)
