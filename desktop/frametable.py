"""Tables of pandas frames in the app: a read-only, sortable Qt model over a frame, its table view, and numbers formatted as every export formats them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PyQt6.QtWidgets import QTableView, QWidget

from slimmeregio.desktop.i18n import language
from slimmeregio.layers.numbers import fmt_difference, fmt_number

__all__ = ["FrameModel", "fmt", "frame_table"]


def fmt(value: Any, unit: str = "", *, signed: bool = False) -> str:
    """A number in the interface language through the one formatter
    (:mod:`slimmeregio.layers.numbers`), so the app reads as every export;
    ``signed``: a difference shown on its own, with as many decimals as it
    takes to be non-zero (``±0`` only when it is zero). '–' for missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    lang = language()
    return fmt_difference(value, unit, lang) if signed else fmt_number(value, unit, lang)


def frame_table(parent: QWidget, name: str) -> tuple[FrameModel, QTableView]:
    """An empty :class:`FrameModel` and a table view (no row numbers) showing it."""
    model = FrameModel(parent=parent)
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().setVisible(False)
    return model, table


class FrameModel(QAbstractTableModel):
    """A read-only table over a small DataFrame (tens to thousands of rows)."""

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        parent: Any = None,
        *,
        headers: dict[str, str] | None = None,
        units: dict[str, str] | None = None,
        signed: set[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.row_units: list[str] | None = None
        #: Rows (or, with ``lower_is_better``, all rows) where a decrease is good.
        self.lower_better_rows: set[int] = set()
        self.lower_is_better = False
        self._frame = pd.DataFrame()
        self._headers: dict[str, str] = {}
        self._units: dict[str, str] = {}
        self._signed: set[str] = set()
        self.set_frame(
            frame if frame is not None else pd.DataFrame(),
            headers=headers,
            units=units,
            signed=signed,
        )

    def set_frame(
        self,
        frame: pd.DataFrame,
        *,
        headers: dict[str, str] | None = None,
        units: dict[str, str] | None = None,
        signed: set[str] | None = None,
    ) -> None:
        self.beginResetModel()
        self._frame = frame.reset_index(drop=True)
        self._headers = headers or {}
        self._units = units or {}
        self._signed = signed or set()
        self.endResetModel()

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._frame.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self._frame.columns[index.column()]
        value = self._frame.iat[index.row(), index.column()]
        numeric = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool
        )
        if role == Qt.ItemDataRole.DisplayRole:
            if numeric:
                unit = self._units.get(col, "")
                if (
                    self.row_units is not None
                    and col in self._units
                    and index.row() < len(self.row_units)
                ):
                    unit = self.row_units[index.row()]
                return fmt(value, unit, signed=col in self._signed)
            return (
                ""
                if value is None or (isinstance(value, float) and math.isnan(value))
                else str(value)
            )
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole and not numeric:
            return None if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col in self._signed
            and numeric
            and math.isfinite(float(value))
        ):
            from PyQt6.QtGui import QColor

            good = float(value) > 1e-12
            if self.lower_is_better or index.row() in self.lower_better_rows:
                good = float(value) < -1e-12
            if abs(float(value)) > 1e-12:
                return QColor("#1b7a4a") if good else QColor("#b23c17")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and section < len(self._frame.columns):
            col = str(self._frame.columns[section])
            return self._headers.get(col, col)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._frame.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._frame = self._frame.sort_values(
            self._frame.columns[column],
            ascending=order == Qt.SortOrder.AscendingOrder,
            kind="stable",
            na_position="last",
        ).reset_index(drop=True)
        self.layoutChanged.emit()
