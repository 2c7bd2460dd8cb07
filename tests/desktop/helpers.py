"""Helpers for driving modal dialogs in offscreen GUI tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox


def when_modal(action: Callable[[Any], None], *, tries: int = 200) -> list[Any]:
    """Run ``action(dialog)`` on the next modal dialog that opens."""
    seen: list[Any] = []

    def poll(left: int = tries) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            if left:
                QTimer.singleShot(10, lambda: poll(left - 1))
            return
        seen.append(widget)
        action(widget)

    QTimer.singleShot(0, poll)
    return seen


def press_ok(dialog: Any) -> None:
    if isinstance(dialog, QMessageBox):
        for button in dialog.buttons():
            if dialog.buttonRole(button) in (
                QMessageBox.ButtonRole.YesRole,
                QMessageBox.ButtonRole.AcceptRole,
            ):
                button.click()
                return
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def fill_modification(
    author: str = "An Peeters", reason: str = "Test van de raad", **fields: Any
) -> Callable[[Any], None]:
    """Fill a ModificationDialog like a user and press OK."""

    def action(dialog: Any) -> None:
        dialog.author.setText(author)
        dialog.reason.setText(reason)
        for key, value in fields.items():
            widget = dialog.fields[key]
            if hasattr(widget, "setValue"):
                widget.setValue(value)
            elif hasattr(widget, "setCurrentText"):
                widget.setCurrentText(value)
            else:
                widget.setText(value)
        press_ok(dialog)

    return action
