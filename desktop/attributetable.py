"""The attribute table: a Qt table model over a layer's GeoDataFrame.

Fast on 100k rows: cells are read from per-column numpy arrays on demand
(no per-row widgets), and sorting and filtering run vectorised in pandas on
the whole column and only reorder a row-index array. A
``QSortFilterProxyModel`` would call a Python ``lessThan`` n·log n times,
which takes seconds at this size.

Rows are identified by their *position* in the layer's frame, the same
number the map canvas uses for its selection, so selecting a row highlights
the feature on the map and selecting on the map selects the row.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np
import pandas as pd
from PyQt6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    pyqtSignal,
)
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_number

__all__ = ["AttributeTableModel", "AttributeTableWidget", "format_value"]


def format_value(value: Any) -> str:
    """A cell value as text: no 'nan', no scientific notation for counts."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return f"{int(number)}"
        return f"{number:.6g}" if abs(number) < 1e6 else f"{number:.0f}"
    if isinstance(value, bool | np.bool_):
        return tr("ja") if value else tr("nee")
    if value is pd.NaT:
        return ""
    return str(value)


class AttributeTableModel(QAbstractTableModel):
    """Columns of the layer's frame (without geometry); rows in ``order``."""

    def __init__(self, layer: Layer | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._layer: Layer | None = None
        self._columns: list[str] = []
        self._arrays: list[np.ndarray] = []
        self._order = np.empty(0, dtype=np.int64)
        self._all = np.empty(0, dtype=np.int64)
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._filter = ("", -1)
        if layer is not None:
            self.set_layer(layer)

    @property
    def layer(self) -> Layer | None:
        return self._layer

    def set_layer(self, layer: Layer | None) -> None:
        self.beginResetModel()
        self._layer = layer
        if layer is None or layer.is_raster:
            self._columns, self._arrays = [], []
            self._all = np.empty(0, dtype=np.int64)
        else:
            frame = layer.frame
            self._columns = [str(c) for c in frame.columns if c != frame.geometry.name]
            self._arrays = [frame[c].to_numpy() for c in frame.columns if c != frame.geometry.name]
            self._all = np.arange(len(frame), dtype=np.int64)
        self._order = self._all
        self._sort = None
        self._filter = ("", -1)
        self.endResetModel()

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self._arrays[index.column()][self._order[index.row()]]
            return format_value(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            arr = self._arrays[index.column()]
            if arr.dtype.kind in "iuf":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        if 0 <= section < len(self._order):
            return str(int(self._order[section]) + 1)
        return None

    # vectorised sort and filter
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._order = self._sorted(self._order)
        self.layoutChanged.emit()

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        if self._sort is None:
            return np.sort(rows)
        column, order = self._sort
        values = pd.Series(self._arrays[column][rows])
        numeric = pd.to_numeric(values, errors="coerce")
        key = (
            numeric
            if numeric.notna().sum() >= values.notna().sum() and values.notna().any()
            else values.astype(str).str.lower()
        )
        ranks = key.rank(method="first", na_option="bottom").to_numpy()
        idx = np.argsort(ranks, kind="stable")
        if order == Qt.SortOrder.DescendingOrder:
            idx = idx[::-1]
        return rows[idx]

    def set_filter(self, text: str, column: int = -1) -> None:
        """Keep rows whose ``column`` (or any column, -1) contains ``text``."""
        self.beginResetModel()
        self._filter = (text.strip(), column)
        rows = self._all
        needle = text.strip().lower()
        if needle and self._columns:
            cols = range(len(self._columns)) if column < 0 else [column]
            mask = np.zeros(len(rows), dtype=bool)
            for c in cols:
                s = pd.Series(self._arrays[c]).map(format_value).str.lower()
                mask |= s.str.contains(needle, regex=False).to_numpy()
            rows = rows[mask]
        self._order = self._sorted(rows) if self._sort else rows
        self.endResetModel()

    def position(self, row: int) -> int:
        """Frame position (map selection id) of table row ``row``."""
        return int(self._order[row])

    def row_of(self, positions: np.ndarray) -> np.ndarray:
        """Table rows of frame ``positions`` (those that pass the filter)."""
        lookup = np.full(len(self._all), -1, dtype=np.int64)
        lookup[self._order] = np.arange(len(self._order))
        pos = np.asarray(positions, dtype=np.int64)
        pos = pos[(pos >= 0) & (pos < len(lookup))]
        rows = lookup[pos]
        return rows[rows >= 0]


class AttributeTableWidget(QWidget):
    """Layer chooser, filter box and the table; emits the selected positions."""

    selectionChanged = pyqtSignal(str, object)  # layer name, np.ndarray of positions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AttributeTable")
        self.model = AttributeTableModel(parent=self)
        self.table = QTableView(self)
        self.table.setObjectName("attributeTableView")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.layer_box = QComboBox(self)
        self.layer_box.setMinimumWidth(180)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(tr("Filteren op tekst…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_column = QComboBox(self)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(140)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter_column.currentIndexChanged.connect(lambda _i: self._apply_filter())
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(QLabel(tr("Laag:")))
        top.addWidget(self.layer_box)
        top.addSpacing(12)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(QLabel(tr("in")))
        top.addWidget(self.filter_column)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._syncing = False
        self._layers: dict[str, Layer] = {}

    def set_layers(self, layers: list[Layer], current: str | None = None) -> None:
        vector = [layer for layer in layers if not layer.is_raster]
        self._layers = {layer.name: layer for layer in vector}
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        for layer in reversed(vector):
            self.layer_box.addItem(layer.name)
        self.layer_box.blockSignals(False)
        with contextlib.suppress(TypeError):
            self.layer_box.currentTextChanged.disconnect()
        self.layer_box.currentTextChanged.connect(self.show_layer)
        name = current if current in self._layers else self.layer_box.currentText()
        if name:
            self.show_layer(name)

    def show_layer(self, name: str) -> None:
        layer = self._layers.get(name)
        if layer is None:
            return
        if self.layer_box.currentText() != name:
            self.layer_box.blockSignals(True)
            self.layer_box.setCurrentText(name)
            self.layer_box.blockSignals(False)
        if self.model.layer is not layer:
            self.model.set_layer(layer)
            self.filter_column.blockSignals(True)
            self.filter_column.clear()
            self.filter_column.addItem(tr("alle kolommen"))
            self.filter_column.addItems(self.model.columns)
            self.filter_column.blockSignals(False)
            self.filter_edit.blockSignals(True)
            self.filter_edit.clear()
            self.filter_edit.blockSignals(False)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.table.resizeColumnsToContents()
            for c in range(self.model.columnCount()):
                self.table.setColumnWidth(c, min(self.table.columnWidth(c), 260))
        self._update_count()

    @property
    def layer_name(self) -> str:
        return self.model.layer.name if self.model.layer is not None else ""

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter_edit.text(), self.filter_column.currentIndex() - 1)
        self._update_count()

    def _update_count(self) -> None:
        total = len(self.model.layer) if self.model.layer is not None else 0
        shown = self.model.rowCount()
        self.count_label.setText(
            tr(
                "{shown} van {total} rijen",
                shown=fmt_number(shown, lang=language(), digits=0),
                total=fmt_number(total, lang=language(), digits=0),
            )
        )

    def selected_positions(self) -> np.ndarray:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return np.array([self.model.position(r) for r in rows], dtype=np.int64)

    def _on_selection(self, *_: Any) -> None:
        if self._syncing or self.model.layer is None:
            return
        self.selectionChanged.emit(self.layer_name, self.selected_positions())

    def select_positions(self, layer_name: str, positions: np.ndarray) -> None:
        """Select the rows of ``positions`` (from the map) without echoing back."""
        if layer_name not in self._layers:
            return
        self.show_layer(layer_name)
        rows = self.model.row_of(np.asarray(positions))
        self._syncing = True
        try:
            sel = QItemSelection()
            last = self.model.columnCount() - 1
            for r in rows.tolist():
                sel.select(self.model.index(r, 0), self.model.index(r, last))
            self.table.selectionModel().select(
                sel,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            if len(rows):
                self.table.scrollTo(self.model.index(int(rows[0]), 0))
        finally:
            self._syncing = False
