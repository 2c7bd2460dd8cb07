"""The style dialog: single colour, categories by field, graduated classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import tr
from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import (
    ACCESS_COLORS,
    FLOW_COLORS,
    HOPPIN_COLORS,
    LINK_CLASS_COLORS,
)

__all__ = ["StyleDialog", "category_colors", "graduated_breaks"]

#: Qualitative palette for categories without a symbology colour (ColorBrewer Set2/Dark2).
_QUALITATIVE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#66c2a5",
    "#fc8d62",
    "#8da0cb",
    "#e78ac3",
    "#a6d854",
    "#ffd92f",
)
RAMPS: dict[str, tuple[str, ...]] = {
    "Stromen (licht → donker)": FLOW_COLORS,
    "Bereikbaarheid (goed → slecht)": ACCESS_COLORS,
    "Blauw": ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"),
}
_MAX_CATEGORIES = 40


def category_colors(values: list[str], role: Role = Role.OTHER) -> dict[str, str]:
    """A colour per value: the shared symbology colour of the role's
    classes where one exists (link classes, Hoppin types), else a
    qualitative palette."""
    known = {Role.BIKE_NETWORK: LINK_CLASS_COLORS, Role.MOBIPUNTEN: HOPPIN_COLORS}.get(role, {})
    out: dict[str, str] = {}
    i = 0
    for v in values:
        if v in known:
            out[v] = known[v]
        else:
            out[v] = _QUALITATIVE[i % len(_QUALITATIVE)]
            i += 1
    return out


def graduated_breaks(values: pd.Series, classes: int, method: str = "quantile") -> list[float]:
    """Upper class bounds for ``classes`` classes (``quantile`` or ``equal``)."""
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if len(v) == 0:
        return []
    if method == "equal":
        edges = np.linspace(v.min(), v.max(), classes + 1)[1:]
    else:
        edges = np.quantile(v, np.linspace(0, 1, classes + 1)[1:])
    out: list[float] = []
    for e in edges:
        e = float(np.round(e, 6))
        if not out or e > out[-1]:
            out.append(e)
    return out


def _interp_ramp(ramp: tuple[str, ...], n: int) -> list[str]:
    if n <= 0:
        return []
    if n == 1:
        return [ramp[-1]]
    cols = [QColor(c) for c in ramp]
    out = []
    for i in range(n):
        t = i / (n - 1) * (len(cols) - 1)
        a, b = cols[int(np.floor(t))], cols[min(int(np.floor(t)) + 1, len(cols) - 1)]
        f = t - np.floor(t)
        mix = QColor(
            round(a.red() + (b.red() - a.red()) * f),
            round(a.green() + (b.green() - a.green()) * f),
            round(a.blue() + (b.blue() - a.blue()) * f),
        )
        out.append(mix.name())
    return out


class _ColorButton(QPushButton):
    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(64)
        self.set_color(color)
        self.clicked.connect(self._pick)

    def set_color(self, color: str) -> None:
        self.color = QColor(color).name()
        self.setStyleSheet(
            f"background: {self.color}; border: 1px solid #777; border-radius: 3px; min-height: 20px;"
        )

    def _pick(self) -> None:
        c = QColorDialog.getColor(QColor(self.color), self, tr("Kleur kiezen"))
        if c.isValid():
            self.set_color(c.name())


class StyleDialog(QDialog):
    """Edit a layer's :class:`Style`; :meth:`style` gives the result."""

    def __init__(self, layer: Layer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Stijl van de laag: {name}", name=layer.name))
        self.setMinimumWidth(460)
        self._layer = layer
        s = layer.style
        frame = None if layer.is_raster else layer.frame
        self._columns = (
            [] if frame is None else [str(c) for c in frame.columns if c != frame.geometry.name]
        )
        self.kind = QComboBox(self)
        self.kind.addItem(tr("Eén kleur"), "single")
        if self._columns:
            self.kind.addItem(tr("Categorieën volgens een veld"), "categories")
            self.kind.addItem(tr("Klassen volgens een getalveld"), "graduated")
        self.kind.setCurrentIndex(max(0, self.kind.findData(s.kind)))
        self.color = _ColorButton(s.color, self)
        self.column = QComboBox(self)
        self.column.addItems(self._columns)
        if s.column in self._columns:
            self.column.setCurrentText(s.column)
        self.classes = QSpinBox(self)
        self.classes.setRange(2, 9)
        self.classes.setValue(max(2, len(s.breaks) or 5))
        self.method = QComboBox(self)
        self.method.addItem(tr("Kwantielen (even veel objecten per klasse)"), "quantile")
        self.method.addItem(tr("Gelijke intervallen"), "equal")
        self.ramp = QComboBox(self)
        for name in RAMPS:
            self.ramp.addItem(tr(name), name)
        self.line_width = QDoubleSpinBox(self)
        self.line_width.setRange(0.1, 12.0)
        self.line_width.setSingleStep(0.2)
        self.line_width.setValue(s.line_width)
        self.marker_size = QDoubleSpinBox(self)
        self.marker_size.setRange(1.0, 30.0)
        self.marker_size.setValue(s.marker_size)
        self.opacity = QSpinBox(self)
        self.opacity.setRange(5, 100)
        self.opacity.setSuffix(" %")
        self.opacity.setValue(round(s.opacity * 100))
        classify_btn = QPushButton(tr("Klassen opnieuw berekenen"), self)
        classify_btn.clicked.connect(self._rebuild)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([tr("Waarde / klasse"), tr("Kleur")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.cellDoubleClicked.connect(self._edit_cell_color)
        self.table.setMinimumHeight(180)

        form = QFormLayout()
        form.addRow(tr("Soort:"), self.kind)
        form.addRow(tr("Kleur:"), self.color)
        form.addRow(tr("Veld:"), self.column)
        row = QHBoxLayout()
        row.addWidget(self.classes)
        row.addWidget(self.method, 1)
        self._classes_row = QWidget(self)
        self._classes_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Klassen:"), self._classes_row)
        form.addRow(tr("Kleurverloop:"), self.ramp)
        form.addRow(tr("Lijndikte (pt):"), self.line_width)
        form.addRow(tr("Symboolgrootte (px):"), self.marker_size)
        form.addRow(tr("Dekking:"), self.opacity)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(classify_btn, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.table)
        self._hint = QLabel(tr("Dubbelklik op een kleur om ze te wijzigen."), self)
        self._hint.setStyleSheet("color: #616161;")
        layout.addWidget(self._hint)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.column.currentIndexChanged.connect(lambda _i: self._rebuild())
        self._fill_from_style(s)
        self._kind_changed(rebuild=False)

    def _fill_from_style(self, s: Style) -> None:
        if s.kind == "categories":
            self._set_rows(list(s.categories.items()))
        elif s.kind == "graduated":
            labels = [f"≤ {b:g}" for b in s.breaks]
            self._set_rows(
                list(zip(labels, s.colors[: len(labels)], strict=False)), breaks=s.breaks
            )

    def _set_rows(self, rows: list[tuple[str, str]], breaks: list[float] | None = None) -> None:
        self.table.setRowCount(len(rows))
        for i, (label, color) in enumerate(rows):
            item = QTableWidgetItem(str(label))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if breaks is not None:
                item.setData(Qt.ItemDataRole.UserRole, float(breaks[i]))
            self.table.setItem(i, 0, item)
            swatch = QTableWidgetItem(QColor(color).name())
            swatch.setBackground(QColor(color))
            swatch.setFlags(swatch.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, 1, swatch)

    def _kind_changed(self, rebuild: bool = True) -> None:
        kind = self.kind.currentData()
        self.column.setEnabled(kind != "single")
        self._classes_row.setEnabled(kind == "graduated")
        self.ramp.setEnabled(kind == "graduated")
        self.table.setEnabled(kind != "single")
        if rebuild:
            self._rebuild()

    def _rebuild(self) -> None:
        kind = self.kind.currentData()
        column = self.column.currentText()
        if kind == "single" or not column or self._layer.is_raster:
            self.table.setRowCount(0)
            return
        series = self._layer.frame[column]
        if kind == "categories":
            values = [
                str(v) for v in series.dropna().astype(str).value_counts().index[:_MAX_CATEGORIES]
            ]
            self._set_rows(list(category_colors(sorted(values), self._layer.role).items()))
        else:
            breaks = graduated_breaks(series, self.classes.value(), self.method.currentData())
            if not breaks:
                self.table.setRowCount(0)
                self._hint.setText(tr("Het veld '{name}' bevat geen getallen.", name=column))
                return
            self._hint.setText(tr("Dubbelklik op een kleur om ze te wijzigen."))
            colors = _interp_ramp(RAMPS[self.ramp.currentData()], len(breaks))
            lower: float | None = None
            rows = []
            for b in breaks:
                rows.append((f"{lower:g} – {b:g}" if lower is not None else f"≤ {b:g}", ""))
                lower = b
            self._set_rows(
                [(label, c) for (label, _), c in zip(rows, colors, strict=True)], breaks=breaks
            )

    def _edit_cell_color(self, row: int, _col: int) -> None:
        item = self.table.item(row, 1)
        if item is None:
            return
        c = QColorDialog.getColor(QColor(item.text()), self, tr("Kleur kiezen"))
        if c.isValid():
            item.setText(c.name())
            item.setBackground(c)

    def chosen_style(self) -> Style:
        """The edited style."""
        kind = str(self.kind.currentData())
        base: dict[str, Any] = self._layer.style.to_dict()
        base.update(
            kind=kind,
            color=self.color.color,
            line_width=float(self.line_width.value()),
            marker_size=float(self.marker_size.value()),
            opacity=self.opacity.value() / 100.0,
            column=self.column.currentText() if kind != "single" else None,
            categories={},
            breaks=[],
            colors=[],
        )
        rows = [
            (self.table.item(i, 0), self.table.item(i, 1)) for i in range(self.table.rowCount())
        ]
        if kind == "categories":
            base["categories"] = {a.text(): b.text() for a, b in rows if a and b}
        elif kind == "graduated":
            base["breaks"] = [float(a.data(Qt.ItemDataRole.UserRole)) for a, b in rows if a and b]
            base["colors"] = [b.text() for a, b in rows if a and b]
        return Style.from_dict(base)
