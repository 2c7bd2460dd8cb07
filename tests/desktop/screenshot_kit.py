"""Shared steps of the hand-run screenshot scripts: waiting on the event loop and opening the region.

Qt is imported only when a step runs, so a script can point the settings
folders elsewhere (environment variables) before anything reads them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait(app: Any, cond: Callable[[], bool], timeout: float = 120.0) -> None:
    """Process events until ``cond()`` holds or ``timeout`` seconds passed, then a few more."""
    start = time.time()
    while not cond() and time.time() - start < timeout:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        app.processEvents()


def region_window() -> tuple[Any, Any]:
    """The application and a shown 1600x1000 main window with the embedded region open."""
    from slimmeregio.desktop.app import create_application
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.model import Project

    app = create_application()
    win = MainWindow(Project())
    win.resize(1600, 1000)
    win.show()
    win.open_region()
    wait(app, lambda: False, 0.3)
    return app, win
