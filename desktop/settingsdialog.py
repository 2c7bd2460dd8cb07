"""Settings: language, organisation, author, autosave and analysis defaults."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.scenariopanel import parse_thresholds
from slimmeregio.desktop.settings import AppSettings
from slimmeregio.layers.errors import ScenarioError
from slimmeregio.layers.roles import LINK_CLASSES
from slimmeregio.scenarios.model import Parameters

__all__ = ["SettingsDialog"]


class SettingsDialog(QDialog):
    """Edit :class:`AppSettings`; analysis defaults apply to new scenarios."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle(tr("Instellingen"))
        self.setMinimumWidth(480)
        self.settings = settings
        self.language = QComboBox(self)
        self.language.addItem("Nederlands", "nl")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(self.language.findData(settings.language))
        self.organisation = QLineEdit(settings.organisation, self)
        self.author = QLineEdit(settings.author, self)
        self.autosave = QSpinBox(self)
        self.autosave.setRange(0, 120)
        self.autosave.setSuffix(" " + tr("min"))
        self.autosave.setSpecialValueText(tr("uit"))
        self.autosave.setValue(settings.autosave_minutes)
        try:
            params = Parameters.model_validate(
                {**Parameters().model_dump(), **settings.default_parameters}
            )
        except Exception:  # noqa: BLE001 - stale stored defaults fall back to the built-in ones
            params = Parameters()
        self.walk = QLineEdit(", ".join(f"{v:g}" for v in params.walk_thresholds_m), self)
        self.bike = QLineEdit(", ".join(f"{v:g}" for v in params.bike_thresholds_min), self)
        self.speeds: dict[str, QDoubleSpinBox] = {}
        for cls in LINK_CLASSES:
            spin = QDoubleSpinBox(self)
            spin.setRange(1.0, 59.0)
            spin.setDecimals(1)
            spin.setSuffix(" " + tr("km/u"))
            spin.setValue(params.speed_for(cls))
            self.speeds[cls] = spin
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b71c1c;")
        general = QGroupBox(tr("Algemeen"), self)
        f1 = QFormLayout(general)
        f1.addRow(tr("Taal:"), self.language)
        f1.addRow(tr("Organisatie:"), self.organisation)
        f1.addRow(tr("Uw naam (auteur van wijzigingen):"), self.author)
        f1.addRow(tr("Herstelkopie elke:"), self.autosave)
        analysis = QGroupBox(tr("Standaardwaarden voor nieuwe scenario's"), self)
        f2 = QFormLayout(analysis)
        f2.addRow(tr("Wandelafstanden (m):"), self.walk)
        f2.addRow(tr("Fietstijden (min):"), self.bike)
        for cls, spin in self.speeds.items():
            f2.addRow(tr("Fietssnelheid {cls}:", cls=cls), spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(analysis)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def analysis_defaults(self) -> dict[str, Any]:
        """The entered defaults, validated by the scenario model."""
        data = {
            "walk_thresholds_m": parse_thresholds(self.walk.text()),
            "bike_thresholds_min": parse_thresholds(self.bike.text()),
            "speeds_kmh": {cls: float(s.value()) for cls, s in self.speeds.items()},
        }
        params = Parameters.model_validate({**Parameters().model_dump(), **data})
        return {k: v for k, v in params.model_dump(mode="json").items() if k in data}

    def _accept(self) -> None:
        try:
            defaults = self.analysis_defaults()
        except ValueError as exc:
            if isinstance(exc, ScenarioError):
                self.error.setText(exc.message(language()))
            else:
                self.error.setText(
                    tr("Drempels: geef oplopende getallen groter dan 0, gescheiden door komma's.")
                )
            return
        s = self.settings
        s.language = self.language.currentData()
        s.organisation = self.organisation.text().strip()
        s.author = self.author.text().strip()
        s.autosave_minutes = self.autosave.value()
        s.default_parameters = defaults
        s.sync()
        self.accept()
