"""Confirm the role and field mapping of newly loaded layers.

The loader guesses each layer's role and which columns hold the role's
fields; this dialog shows those guesses and everything the loader repaired
or found suspicious (the layer report), so nothing is hidden, and lets the
planner correct them before the layers join the project.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.layers.io import canonicalize_layer
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import ROLE_FIELDS, Role, guess_fields
from slimmeregio.layers.symbology import default_style

__all__ = ["AddLayersDialog", "guess_mapping"]

_NONE = "—"


def guess_mapping(layer: Layer, role: Role) -> dict[str, str]:
    """Field mapping for ``layer`` under ``role``: the loader's own guess when
    the role is unchanged, else the shared guesser in ``layers.roles``."""
    if role == layer.role and layer.fields:
        return dict(layer.fields)
    if layer.is_raster:
        return {}
    guessed = guess_fields(role, [str(c) for c in layer.frame.columns])
    return {k: v for k, v in guessed.items() if v in layer.frame.columns}


class _LayerPage(QWidget):
    def __init__(self, layer: Layer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.name = QLineEdit(layer.name, self)
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem(role.label(language()), role)
        self.role.setCurrentIndex(self.role.findData(layer.role))
        self.mapping_box = QGroupBox(tr("Veldtoewijzing"), self)
        self.mapping_form = QFormLayout(self.mapping_box)
        self.combos: dict[str, QComboBox] = {}
        self.report = QListWidget(self)
        self.report.setObjectName("layerReport")
        self.report.setMaximumHeight(140)
        # a problem is a sentence: wrap it instead of hiding it behind a horizontal scroll bar
        self.report.setWordWrap(True)
        self.report.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.report.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        info = QLabel(self)
        info.setWordWrap(True)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        count = tr("raster") if layer.is_raster else tr("{n} objecten", n=len(layer))
        crs = layer.original_crs or tr("onbekend")
        if layer.crs_guessed:
            crs += " " + tr("(geraden)")
        info.setText(
            tr(
                "Geometrie: {kind} · {count} · coördinatenstelsel van de bron: {crs}",
                kind=layer.geometry_type,
                count=count,
                crs=crs,
            )
        )
        for entry in layer.report:
            item = QListWidgetItem(
                ("⚠ " if entry.level == "warning" else "ℹ ") + entry.message(language())
            )
            if entry.level == "warning":
                item.setForeground(QColor("#8a4b00"))
            self.report.addItem(item)
        if not len(layer.report):
            self.report.addItem(tr("Geen problemen gevonden."))
        form = QFormLayout()
        form.addRow(tr("Naam:"), self.name)
        form.addRow(tr("Rol:"), self.role)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.mapping_box)
        layout.addWidget(QLabel(tr("Wat de lader herstelde of opmerkte:")))
        layout.addWidget(self.report)
        self.missing = QLabel(self)
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b71c1c;")
        layout.addWidget(self.missing)
        self.role.currentIndexChanged.connect(lambda _i: self._fill_mapping())
        self._fill_mapping()

    def _fill_mapping(self) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.combos = {}
        role = self.role.currentData()
        specs = ROLE_FIELDS[role]
        self.mapping_box.setVisible(bool(specs) and not self.layer.is_raster)
        if not specs or self.layer.is_raster:
            self._check()
            return
        mapping = guess_mapping(self.layer, role)
        columns = [str(c) for c in self.layer.frame.columns if c != self.layer.frame.geometry.name]
        lang = language()
        for spec in specs:
            combo = QComboBox(self)
            combo.addItem(_NONE, None)
            for c in columns:
                combo.addItem(c, c)
            if mapping.get(spec.key) in columns:
                combo.setCurrentIndex(combo.findData(mapping[spec.key]))
            combo.currentIndexChanged.connect(lambda _i: self._check())
            label = spec.label_nl if lang == "nl" else spec.label_en
            self.mapping_form.addRow(f"{label}{' *' if spec.required else ''}:", combo)
            self.combos[spec.key] = combo
        self._check()

    def mapping(self) -> dict[str, str]:
        return {k: c.currentData() for k, c in self.combos.items() if c.currentData()}

    def missing_required(self) -> list[str]:
        role = self.role.currentData()
        have = self.mapping()
        lang = language()
        return [
            (s.label_nl if lang == "nl" else s.label_en)
            for s in ROLE_FIELDS[role]
            if s.required and s.key not in have and not self.layer.is_raster
        ]

    def _check(self) -> None:
        missing = self.missing_required()
        self.missing.setText(
            tr(
                "Verplichte velden ontbreken: {fields}. Kies een kolom, of kies de rol 'andere'.",
                fields=", ".join(missing),
            )
            if missing
            else ""
        )

    def result(self) -> Layer:  # type: ignore[override]
        role: Role = self.role.currentData()
        # Role and mapping chosen by hand: translate categorical values (link
        # class, Hoppin type, housing status) to the canonical ones again.
        layer = canonicalize_layer(
            self.layer.replace(
                name=self.name.text().strip() or self.layer.name, role=role, fields=self.mapping()
            )
        )
        return layer.replace(style=default_style(layer))


class AddLayersDialog(QDialog):
    """One page per loaded layer; :meth:`layers` gives the accepted ones."""

    def __init__(self, layers: list[Layer], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Lagen toevoegen"))
        self.setMinimumSize(640, 520)
        self.pages: list[_LayerPage] = []
        self.checks: list[QCheckBox] = []
        self.list = QListWidget(self)
        self.list.setMaximumWidth(220)
        self.stack = QVBoxLayout()
        holder = QWidget(self)
        holder.setLayout(self.stack)
        for layer in layers:
            page = _LayerPage(layer, self)
            page.setVisible(False)
            self.pages.append(page)
            self.stack.addWidget(page)
            item = QListWidgetItem(layer.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            if len(layer.report.warnings):
                item.setToolTip(tr("{n} opmerkingen", n=len(layer.report.warnings)))
                item.setText(f"⚠ {layer.name}")
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._show)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Toevoegen"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b71c1c;")
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addWidget(holder, 1)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Controleer per laag de rol en welke kolom welk gegeven bevat."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if self.pages:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        for i, page in enumerate(self.pages):
            page.setVisible(i == row)

    def _accept(self) -> None:
        for i, page in enumerate(self.pages):
            item = self.list.item(i)
            if (
                item is not None
                and item.checkState() == Qt.CheckState.Checked
                and page.missing_required()
            ):
                self.list.setCurrentRow(i)
                self.error.setText(
                    tr("Laag '{name}': verplichte velden ontbreken.", name=page.name.text())
                )
                return
        self.accept()

    def layers(self) -> list[Layer]:
        out: list[Any] = []
        for i, page in enumerate(self.pages):
            item = self.list.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(page.result())
        return out
