"""The labels-and-visibility dialog: a layer's label field, size, halo,
priority and scale range, and the scale range in which the layer is drawn."""

from __future__ import annotations

import dataclasses

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import tr
from slimmeregio.layers.model import Layer, Style

__all__ = ["LabelDialog"]


def _scale_box(value: float) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 10_000_000)
    box.setSingleStep(5000)
    box.setPrefix("1 : ")
    box.setSpecialValueText(tr("geen grens"))
    box.setValue(int(round(value)))
    return box


class LabelDialog(QDialog):
    """Edit the label and scale settings of one layer's style."""

    def __init__(self, layer: Layer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LabelDialog")
        self.setWindowTitle(tr("Labels en zichtbaarheid — {name}", name=layer.name))
        self._layer = layer
        style = layer.style

        self.field_box = QComboBox()
        self.field_box.setObjectName("labelField")
        self.field_box.addItem(tr("(geen labels)"), None)
        columns = (
            []
            if layer.is_raster
            else [c for c in layer.frame.columns if c != layer.frame.geometry.name]
        )
        for column in columns:
            self.field_box.addItem(str(column), str(column))
        index = self.field_box.findData(style.label_field)
        self.field_box.setCurrentIndex(max(index, 0))
        self.size_box = QDoubleSpinBox()
        self.size_box.setRange(4.0, 48.0)
        self.size_box.setSuffix(" pt")
        self.size_box.setValue(float(style.label_size))
        self.halo_box = QDoubleSpinBox()
        self.halo_box.setRange(0.0, 10.0)
        self.halo_box.setSingleStep(0.5)
        self.halo_box.setSuffix(" px")
        self.halo_box.setValue(float(style.label_halo))
        self.priority_box = QSpinBox()
        self.priority_box.setRange(-100, 100)
        self.priority_box.setValue(int(style.label_priority))
        self.priority_box.setToolTip(
            tr("Labels met een hogere prioriteit krijgen eerst een plaats.")
        )
        self.label_min = _scale_box(style.label_min_scale)
        self.label_max = _scale_box(style.label_max_scale)
        self.layer_min = _scale_box(style.min_scale)
        self.layer_max = _scale_box(style.max_scale)

        labels = QGroupBox(tr("Labels"))
        form = QFormLayout(labels)
        form.addRow(tr("Veld"), self.field_box)
        form.addRow(tr("Grootte"), self.size_box)
        form.addRow(tr("Witte rand"), self.halo_box)
        form.addRow(tr("Prioriteit"), self.priority_box)
        form.addRow(tr("Verbergen als meer ingezoomd dan"), self.label_min)
        form.addRow(tr("Verbergen als verder uitgezoomd dan"), self.label_max)
        visibility = QGroupBox(tr("Zichtbaarheid van de laag"))
        form = QFormLayout(visibility)
        form.addRow(tr("Verbergen als meer ingezoomd dan"), self.layer_min)
        form.addRow(tr("Verbergen als verder uitgezoomd dan"), self.layer_max)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(labels)
        layout.addWidget(visibility)
        layout.addWidget(buttons)

    def chosen_style(self) -> Style:
        """The layer's style with the settings of the dialog."""
        return dataclasses.replace(
            self._layer.style,
            label_field=self.field_box.currentData(),
            label_size=self.size_box.value(),
            label_halo=self.halo_box.value(),
            label_priority=self.priority_box.value(),
            label_min_scale=float(self.label_min.value()),
            label_max_scale=float(self.label_max.value()),
            min_scale=float(self.layer_min.value()),
            max_scale=float(self.layer_max.value()),
        )
