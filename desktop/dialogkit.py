"""Building blocks of the main window's dialogs: the common frame (object name, title, icon, size, the window it serves) and rows and columns of widgets."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QHBoxLayout,
    QLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.i18n import tr

__all__ = ["BoxItem", "WindowDialog", "close_button", "hbox", "progress_bar", "vbox"]

#: What a row or column holds: a widget, a layout, a widget with its stretch
#: factor, or (a bare number) stretchable empty space of that factor.
BoxItem = QWidget | QLayout | tuple[QWidget, int] | int


class WindowDialog(QDialog):
    """A dialog serving the main window ``window``: named after its class
    (tests and style sheets find it by that name), titled, with an icon and a
    starting size; ``job`` is the worker job it runs (None when idle)."""

    job: Any

    def __init__(
        self,
        window: Any,
        parent: QWidget | None,
        *,
        title: str,
        icon_name: str,
        size: tuple[int, int],
    ) -> None:
        super().__init__(parent or window)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle(title)
        self.setWindowIcon(icon(icon_name))
        self.resize(*size)
        self.window_ = window
        self.job = None


def _fill(layout: QBoxLayout, items: tuple[BoxItem, ...]) -> None:
    for item in items:
        if isinstance(item, int):
            layout.addStretch(item)
        elif isinstance(item, tuple):
            layout.addWidget(item[0], item[1])
        elif isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)


def hbox(*items: BoxItem) -> QHBoxLayout:
    """A row of ``items``, left to right."""
    row = QHBoxLayout()
    _fill(row, items)
    return row


def vbox(owner: QWidget | None, *items: BoxItem) -> QVBoxLayout:
    """A column of ``items``, top to bottom; the layout of ``owner`` when given."""
    column = QVBoxLayout(owner) if owner is not None else QVBoxLayout()
    _fill(column, items)
    return column


def progress_bar(owner: QWidget) -> QProgressBar:
    """A progress bar in thousandths, hidden until a job runs."""
    bar = QProgressBar(owner)
    bar.setRange(0, 1000)
    bar.setVisible(False)
    return bar


def close_button(dialog: QDialog) -> QPushButton:
    """A "Sluiten" button that closes ``dialog``."""
    button = QPushButton(tr("Sluiten"), dialog)
    button.clicked.connect(dialog.close)
    return button
