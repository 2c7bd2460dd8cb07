"""Small forms for the map edits: what the planner adds, and who and why.

The author is remembered (prefilled from the settings and the session); the
reason always starts empty and is required, so no edit silently records the
previous edit's "why". The same form edits an existing modification of the
ledger, prefilled with its values.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import tr
from slimmeregio.layers.roles import HOPPIN_TYPES, LINK_CLASSES

__all__ = ["EditSession", "ModificationDialog"]


class EditSession:
    """The author for this session (remembered between edits)."""

    def __init__(self, author: str = "") -> None:
        self.author = author


class ModificationDialog(QDialog):
    """A form for one modification kind; :meth:`values` gives the entries."""

    def __init__(
        self,
        kind: str,
        session: EditSession,
        parent: QWidget | None = None,
        *,
        info: str = "",
        defaults: dict[str, Any] | None = None,
        editing: bool = False,
    ) -> None:
        super().__init__(parent)
        titles = {
            "add_link": tr("Nieuwe fietsverbinding"),
            "remove_link": tr("Verbinding afsluiten"),
            "upgrade_link": tr("Verbinding opwaarderen"),
            "add_mobipunt": tr("Nieuw mobipunt"),
            "move_mobipunt": tr("Mobipunt verplaatsen"),
            "remove_mobipunt": tr("Mobipunt schrappen"),
            "add_housing": tr("Nieuw woonproject"),
        }
        title = titles.get(kind, tr("Wijziging"))
        if editing:
            title = tr("Wijziging bewerken: {what}", what=title)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.kind = kind
        self.session = session
        defaults = defaults or {}
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout()
        if kind == "add_link":
            self._combo(
                "link_class",
                tr("Klasse:"),
                LINK_CLASSES,
                defaults.get("link_class", "lokaal"),
                form,
            )
            self._text("name", tr("Naam (optioneel):"), defaults.get("name", ""), form)
            self._speed(
                "speed_kmh", tr("Snelheid (0 = volgens klasse):"), defaults.get("speed_kmh"), form
            )
        elif kind == "upgrade_link":
            self._combo(
                "link_class",
                tr("Nieuwe klasse:"),
                LINK_CLASSES,
                defaults.get("link_class", "fietssnelweg"),
                form,
            )
            self._speed(
                "speed_kmh", tr("Snelheid (0 = volgens klasse):"), defaults.get("speed_kmh"), form
            )
        elif kind == "add_mobipunt":
            self._text("name", tr("Naam:"), defaults.get("name", ""), form)
            self._combo(
                "hoppin_type",
                tr("Hoppin-type:"),
                HOPPIN_TYPES,
                defaults.get("hoppin_type", "buurt"),
                form,
            )
            offer = defaults.get("offer", "deelfiets, fietsenstalling")
            if isinstance(offer, list | tuple):
                offer = ", ".join(map(str, offer))
            self._text("offer", tr("Aanbod (komma's):"), offer, form)
        elif kind == "add_housing":
            self._text("name", tr("Naam (optioneel):"), defaults.get("name", ""), form)
            spin = QSpinBox(self)
            spin.setRange(1, 100_000)
            spin.setValue(int(defaults.get("dwellings", 100)))
            spin.setSuffix(" " + tr("woningen"))
            form.addRow(tr("Aantal woningen:"), spin)
            self.fields["dwellings"] = spin
            self._combo(
                "status",
                tr("Status:"),
                ("gepland", "vergund", "in aanbouw", "bestaand"),
                defaults.get("status", "gepland"),
                form,
            )
        # the author is remembered; the reason is this edit's own and starts empty
        self.author = QLineEdit(str(defaults.get("author") or session.author), self)
        self.author.setObjectName("authorEdit")
        self.author.setPlaceholderText(tr("uw naam"))
        self.reason = QLineEdit(str(defaults.get("reason") or ""), self)
        self.reason.setObjectName("reasonEdit")
        self.reason.setPlaceholderText(tr("waarom deze wijziging? (verplicht)"))
        form.addRow(tr("Auteur:"), self.author)
        form.addRow(tr("Reden:"), self.reason)
        self.form = form
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b71c1c;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.info_label = QLabel(info, self)
        self.info_label.setObjectName("infoLabel")
        self.info_label.setWordWrap(True)
        self.info_label.setStyleSheet(
            "color: #b23c17; font-weight: 600;" if "⚠" in info else "color: #455a64;"
        )
        self.info_label.setVisible(bool(info))
        layout.addWidget(self.info_label)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _text(self, key: str, label: str, value: str, form: QFormLayout) -> None:
        edit = QLineEdit(str(value), self)
        form.addRow(label, edit)
        self.fields[key] = edit

    def _combo(
        self, key: str, label: str, items: tuple[str, ...], value: str, form: QFormLayout
    ) -> None:
        combo = QComboBox(self)
        combo.setEditable(key == "link_class")
        combo.addItems(items)
        combo.setCurrentText(value)
        form.addRow(label, combo)
        self.fields[key] = combo

    def _speed(self, key: str, label: str, value: Any, form: QFormLayout) -> None:
        spin = QDoubleSpinBox(self)
        spin.setRange(0.0, 59.0)
        spin.setDecimals(1)
        spin.setValue(float(value or 0.0))
        spin.setSuffix(" " + tr("km/u"))
        form.addRow(label, spin)
        self.fields[key] = spin

    def _accept(self) -> None:
        if not self.author.text().strip():
            self.error.setText(tr("Vul uw naam in: elke wijziging vermeldt wie ze maakte."))
            return
        if not self.reason.text().strip():
            self.error.setText(tr("Vul een reden in: de raad leest waarom."))
            return
        if self.kind == "add_mobipunt" and not self.fields["name"].text().strip():  # type: ignore[attr-defined]
            self.error.setText(tr("Geef het mobipunt een naam."))
            return
        self.session.author = self.author.text().strip()
        self.accept()

    def values(self) -> dict[str, Any]:
        """The entries, plus ``author`` and ``reason``."""
        out: dict[str, Any] = {
            "author": self.author.text().strip(),
            "reason": self.reason.text().strip(),
        }
        for key, w in self.fields.items():
            if isinstance(w, QLineEdit):
                out[key] = w.text().strip()
            elif isinstance(w, QComboBox):
                out[key] = w.currentText().strip()
            elif isinstance(w, QSpinBox):
                out[key] = int(w.value())
            elif isinstance(w, QDoubleSpinBox):
                out[key] = float(w.value()) or None
        if "offer" in out:
            out["offer"] = tuple(p.strip() for p in str(out["offer"]).split(",") if p.strip())
        return out
