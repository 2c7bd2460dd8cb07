"""Errors shown to the user.

The project's own errors (:class:`SlimmeRegioError`) are user mistakes or
problems with their data: a message and a hint in the user's language, no
traceback. Anything else is a defect: it is written to the error log with its
traceback, and the dialog says where the log is so it can be reported.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PyQt6.QtWidgets import QMessageBox, QWidget

from slimmeregio import __version__
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.settings import log_dir
from slimmeregio.layers.errors import OperationCancelled, SlimmeRegioError

__all__ = ["log_unexpected", "show_error", "install_excepthook", "user_message"]

_log = logging.getLogger("slimmeregio")
#: Set by tests: collect dialogs instead of showing them modally.
HEADLESS_SINK: list[tuple[str, str]] | None = None


def user_message(error: BaseException) -> tuple[str, str]:
    """(message, hint) for a project error in the current language."""
    if isinstance(error, SlimmeRegioError):
        lang = language()
        return error.message(lang), error.hint_text(lang)
    return str(error), ""


def log_unexpected(error: BaseException, tb: TracebackType | None = None) -> Path:
    """Append ``error`` with its traceback to the error log; return the log path."""
    path = log_dir() / "slimmeregio-errors.log"
    text = "".join(traceback.format_exception(type(error), error, tb or error.__traceback__))
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"--- Slimme Regio Planner {__version__}, Python {sys.version.split()[0]}\n")
        fh.write(text + "\n")
    _log.error("unexpected error: %s", error)
    return path


def show_error(parent: QWidget | None, error: BaseException, *, title: str | None = None) -> None:
    """Show ``error`` to the user: a clear message for project errors, a
    logged report for anything unexpected."""
    if isinstance(error, OperationCancelled):
        return
    if isinstance(error, SlimmeRegioError):
        message, hint = user_message(error)
        _present(parent, title or tr("Er is een probleem"), message, hint, QMessageBox.Icon.Warning)
        return
    log = log_unexpected(error)
    message = tr("Er ging onverwacht iets mis: {error}", error=f"{type(error).__name__}: {error}")
    hint = tr(
        "Uw werk is niet verloren. De details staan in het foutenlogboek: {path}. "
        "Stuur dat bestand mee als u het probleem meldt.",
        path=str(log),
    )
    _present(parent, title or tr("Onverwachte fout"), message, hint, QMessageBox.Icon.Critical)


def _present(
    parent: QWidget | None, title: str, message: str, hint: str, icon: QMessageBox.Icon
) -> None:
    if HEADLESS_SINK is not None:
        HEADLESS_SINK.append((message, hint))
        return
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.Ok, parent)
    if hint:
        box.setInformativeText(hint)
    box.exec()


def install_excepthook() -> None:
    """Route uncaught exceptions in Qt slots to :func:`show_error`."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        if value.__traceback__ is None and tb is not None:
            value = value.with_traceback(tb)
        show_error(None, value)

    sys.excepthook = hook
