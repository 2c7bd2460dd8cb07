"""Asking a web service what it offers, in the worker, for the dialogs that add its layers.

The background-map dialog (WMS layers) and the WFS/OGC API dialog both send
one request without blocking the window and list the layers on offer by
title, each item carrying the layer's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QListWidget, QListWidgetItem

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.errors import SlimmeRegioError

__all__ = ["ask_service", "error_text", "list_offered"]


def ask_service(
    runner: WorkerRunner,
    call: Callable[[], Any],
    *,
    on_result: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    on_finished: Callable[[], None],
) -> Job:
    """Run ``call`` (one request to a service) in the worker as 'Dienst bevragen'."""

    def fetch(progress: Any = None, cancel: Any = None) -> Any:
        return call()

    job = runner.start(tr("Dienst bevragen"), fetch, on_result=on_result, on_error=on_error)
    job.finished.connect(on_finished)
    return job


def list_offered(widget: QListWidget, offered: Iterable[tuple[str, str]]) -> None:
    """Add a ``(name, title)`` layer on offer per item: the title, with the
    name in brackets when they differ; the item's user data is the name."""
    for name, title in offered:
        item = QListWidgetItem(name if title == name else f"{title} ({name})")
        item.setData(Qt.ItemDataRole.UserRole, name)
        widget.addItem(item)


def error_text(error: BaseException) -> str:
    """What a failed request says, in the interface language."""
    return error.full_message(language()) if isinstance(error, SlimmeRegioError) else str(error)
