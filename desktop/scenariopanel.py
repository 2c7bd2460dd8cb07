"""Scenarios: the list, the selected scenario's parameters and its ledger.

:class:`ScenarioStore` is the Qt face of
:class:`~slimmeregio.scenarios.session.ScenarioBook` (immutable scenarios
with an undo/redo history per scenario). :class:`ScenarioPanel` is the dock
that shows it.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QObject, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.runsteps import step_text
from slimmeregio.layers.errors import ScenarioError
from slimmeregio.layers.roles import LINK_CLASSES
from slimmeregio.scenarios.model import Scenario
from slimmeregio.scenarios.quiet_routes import ROUTE_LABELS
from slimmeregio.scenarios.session import ScenarioBook

__all__ = ["ScenarioPanel", "ScenarioStore", "parse_thresholds"]


def parse_thresholds(text: str) -> tuple[float, ...]:
    """``"400, 800; 1200"`` -> ``(400.0, 800.0, 1200.0)``; ValueError on junk."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    values = tuple(float(p.replace("'", "")) for p in parts)
    if not values:
        raise ValueError("empty")
    return values


class ScenarioStore(QObject, ScenarioBook):
    """The project's scenarios with per-scenario undo/redo (the logic is
    :class:`~slimmeregio.scenarios.session.ScenarioBook`), as Qt signals.

    Signals: ``changed()`` whenever the list or a scenario changes,
    ``currentChanged(str)`` with the current scenario's name, ``edited()``
    after an undoable edit of the current scenario.
    """

    changed = pyqtSignal()
    currentChanged = pyqtSignal(str)
    edited = pyqtSignal()

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        ScenarioBook.__init__(self)

    def _notify(self, event: str, name: str = "") -> None:
        if event == "changed":
            self.changed.emit()
        elif event == "current":
            self.currentChanged.emit(name)
        elif event == "edited":
            self.edited.emit()
        super()._notify(event, name)

    def duplicate(self, name: str, new_name: str | None = None) -> Scenario:
        return super().duplicate(name, new_name or tr("{name} (kopie)", name=name))


_KIND_ICONS = {
    "add_link": "add-link",
    "remove_link": "close-link",
    "upgrade_link": "upgrade-link",
    "add_mobipunt": "mobipunt",
    "move_mobipunt": "move-mobipunt",
    "remove_mobipunt": "remove-mobipunt",
    "add_housing": "housing",
    "remove_housing": "housing",
}


class _ParametersForm(QGroupBox):
    """The current scenario's parameters; edits become new scenario objects."""

    edited = pyqtSignal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Parameters"), parent)
        self.walk = QLineEdit(self)
        self.walk.setToolTip(tr("Wandelafstanden in meter, gescheiden door komma's"))
        self.bike = QLineEdit(self)
        self.bike.setToolTip(tr("Fietstijden in minuten, gescheiden door komma's"))
        self.walk_speed = self._spin(1.0, 10.0, 0.1, " km/u")
        self.household = self._spin(0.5, 10.0, 0.1, "")
        self.min_trains = self._spin(0.0, 2000.0, 10.0, "")
        self.min_trains.setDecimals(0)
        self.service = self._spin(1.0, 60.0, 1.0, " min")
        # Commuting routes: PCT's fast and quiet (scenarios/quiet_routes.py).
        self.commute_routes = QComboBox(self)
        for value, label in ROUTE_LABELS.items():
            self.commute_routes.addItem(tr(label), value)
        # The panel's width follows its widest field: keep the combo narrow.
        self.commute_routes.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.commute_routes.setMinimumContentsLength(8)
        self.commute_routes.setToolTip(
            tr(
                "Over welke routes de woon-werkpendelaars fietsen: de snelste (kortste route) of "
                "de rustigste (fietspaden en rustige straten wegen lichter); de fietskans blijft "
                "afhangen van de echte routelengte."
            )
        )
        self.speeds: dict[str, QDoubleSpinBox] = {
            c: self._spin(1.0, 59.0, 0.5, " km/u") for c in LINK_CLASSES
        }
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(tr("Wandelafstanden (m):"), self.walk)
        form.addRow(tr("Fietstijden (min):"), self.bike)
        for cls, spin in self.speeds.items():
            form.addRow(tr("Fietssnelheid {cls}:", cls=cls), spin)
        form.addRow(tr("Wandelsnelheid:"), self.walk_speed)
        form.addRow(tr("Personen per woning:"), self.household)
        form.addRow(tr("Stations: min. treinen per dag:"), self.min_trains)
        form.addRow(tr("Bedieningsgebied:"), self.service)
        form.addRow(tr("Woon-werkroutes:"), self.commute_routes)
        self.all_btn = QPushButton(tr("Alle parameters…"), self)
        self.all_btn.setObjectName("allParametersButton")
        self.all_btn.setToolTip(
            tr(
                "Alle parameters van het scenario: openbaar vervoer, Hoppin, jobs en pendel, suggesties"
            )
        )
        form.addRow(self.all_btn)
        self.walk.editingFinished.connect(
            lambda: self._emit("walk_thresholds_m", self.walk.text(), True)
        )
        self.bike.editingFinished.connect(
            lambda: self._emit("bike_thresholds_min", self.bike.text(), True)
        )
        self.walk_speed.editingFinished.connect(
            lambda: self._emit("walking_speed_kmh", self.walk_speed.value())
        )
        self.household.editingFinished.connect(
            lambda: self._emit("household_size", self.household.value())
        )
        self.min_trains.editingFinished.connect(
            lambda: self._emit("min_trains_per_day", self.min_trains.value())
        )
        self.service.editingFinished.connect(
            lambda: self._emit("service_area_min", self.service.value())
        )
        self.commute_routes.currentIndexChanged.connect(
            lambda _i: self._emit("commute_routes", self.commute_routes.currentData())
        )
        for spin in self.speeds.values():
            spin.editingFinished.connect(self._emit_speeds)
        self._loading = False
        self._speeds_other: dict[str, float] = {}

    def _spin(self, lo: float, hi: float, step: float, suffix: str) -> QDoubleSpinBox:
        s = QDoubleSpinBox(self)
        s.setRange(lo, hi)
        s.setSingleStep(step)
        s.setDecimals(1)
        s.setSuffix(" " + tr(suffix.strip()) if suffix.strip() else "")
        return s

    def show_scenario(self, scenario: Scenario | None) -> None:
        self.setEnabled(scenario is not None)
        if scenario is None:
            return
        self._loading = True
        p = scenario.parameters
        self.walk.setText(", ".join(f"{v:g}" for v in p.walk_thresholds_m))
        self.bike.setText(", ".join(f"{v:g}" for v in p.bike_thresholds_min))
        self.walk_speed.setValue(p.walking_speed_kmh)
        self.household.setValue(p.household_size)
        self.min_trains.setValue(p.min_trains_per_day)
        self.service.setValue(p.service_area_min)
        self.commute_routes.setCurrentIndex(self.commute_routes.findData(p.commute_routes))
        for cls, spin in self.speeds.items():
            spin.setValue(p.speed_for(cls))
        self._speeds_other = {k: v for k, v in p.speeds_kmh.items() if k not in self.speeds}
        self._loading = False

    def _emit(self, key: str, value: Any, thresholds: bool = False) -> None:
        if self._loading:
            return
        if thresholds:
            try:
                value = parse_thresholds(str(value))
            except ValueError:
                self.edited.emit({"__error__": key})
                return
        self.edited.emit({key: value})

    def _emit_speeds(self) -> None:
        if self._loading:
            return
        speeds = dict(self._speeds_other)
        speeds.update({cls: float(s.value()) for cls, s in self.speeds.items()})
        self.edited.emit({"speeds_kmh": speeds})


class ScenarioPanel(QWidget):
    """Scenario list with new / duplicate / rename / delete, the parameters,
    the ledger with undo / redo, and the run controls."""

    runRequested = pyqtSignal()
    cancelRequested = pyqtSignal()
    modificationSelected = pyqtSignal(int)
    editModificationRequested = pyqtSignal(int)
    zoomToModificationRequested = pyqtSignal(int)
    errorRaised = pyqtSignal(object)

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ScenarioPanel")
        self.store = store
        self.combo = QComboBox(self)
        self.combo.setObjectName("scenarioCombo")
        self.combo.setMinimumWidth(160)
        bar = QToolBar(self)
        bar.setIconSize(QSize(18, 18))
        self.act_new = bar.addAction(icon("scenario-new"), tr("Nieuw scenario"), self._new)
        self.act_dup = bar.addAction(icon("duplicate"), tr("Scenario dupliceren"), self._duplicate)
        self.act_rename = bar.addAction(icon("rename"), tr("Scenario hernoemen"), self._rename)
        self.act_delete = bar.addAction(icon("delete"), tr("Scenario verwijderen"), self._delete)
        top = QHBoxLayout()
        top.addWidget(self.combo, 1)
        top.addWidget(bar)

        self.description = QLineEdit(self)
        self.description.setPlaceholderText(tr("Beschrijving van het scenario"))
        self.description.editingFinished.connect(self._description_edited)
        self.params = _ParametersForm(self)
        self.params.edited.connect(self._params_edited)
        self.params.all_btn.clicked.connect(self.open_all_parameters)
        self.all_parameters_dialog: QDialog | None = None

        ledger_box = QGroupBox(tr("Wijzigingen (wat, wie, waarom)"), self)
        self.ledger = QListWidget(ledger_box)
        self.ledger.setObjectName("ledgerList")
        self.ledger.setWordWrap(True)
        self.ledger.setIconSize(QSize(18, 18))
        self.ledger.setMinimumHeight(140)
        self.ledger.currentRowChanged.connect(self._ledger_row_changed)
        self.ledger.itemDoubleClicked.connect(lambda _item: self._edit_modification())
        self.edit_mod_btn = self._ledger_button(
            ledger_box,
            "editModificationButton",
            "rename",
            tr("Bewerken…"),
            tr("Auteur, reden of waarden van de gekozen wijziging aanpassen"),
            self._edit_modification,
        )
        self.delete_mod_btn = self._ledger_button(
            ledger_box,
            "deleteModificationButton",
            "delete",
            tr("Verwijderen"),
            tr("De gekozen wijziging verwijderen (ongedaan te maken)"),
            self._delete_modification,
        )
        self.zoom_mod_btn = self._ledger_button(
            ledger_box,
            "zoomModificationButton",
            "zoom-selection",
            tr("Zoomen"),
            tr("Zoomen naar de gekozen wijziging"),
            lambda: self.zoomToModificationRequested.emit(self.ledger.currentRow()),
        )
        self.undo_btn = QToolButton(ledger_box)
        self.undo_btn.setObjectName("undoButton")
        self.undo_btn.setIcon(icon("std:SP_ArrowBack"))
        self.undo_btn.setText(tr("Ongedaan maken"))
        self.undo_btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.undo_btn.clicked.connect(store.undo)
        self.redo_btn = QToolButton(ledger_box)
        self.redo_btn.setIcon(icon("std:SP_ArrowForward"))
        self.redo_btn.setText(tr("Opnieuw"))
        self.redo_btn.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.redo_btn.clicked.connect(store.redo)
        lb = QVBoxLayout(ledger_box)
        lb.addWidget(self.ledger, 1)
        row = QHBoxLayout()
        row.addWidget(self.undo_btn)
        row.addWidget(self.redo_btn)
        row.addStretch(1)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.edit_mod_btn)
        edit_row.addWidget(self.delete_mod_btn)
        edit_row.addWidget(self.zoom_mod_btn)
        edit_row.addStretch(1)
        lb.addLayout(edit_row)
        lb.addLayout(row)

        self.run_btn = QPushButton(icon("run"), tr("Doorrekenen"), self)
        self.run_btn.setObjectName("runButton")
        self.run_btn.setMinimumHeight(34)
        self.run_btn.setStyleSheet("QPushButton#runButton { font-weight: 600; }")
        self.run_btn.clicked.connect(self.runRequested.emit)
        self.cancel_btn = QPushButton(icon("cancel"), tr("Annuleren"), self)
        self.cancel_btn.setObjectName("cancelButton")
        self.cancel_btn.clicked.connect(self.cancelRequested.emit)
        self.cancel_btn.setVisible(False)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("runProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #455a64;")
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_btn, 1)
        run_row.addWidget(self.cancel_btn)

        inner = QWidget(self)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.description)
        layout.addWidget(ledger_box, 1)
        layout.addWidget(self.params)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 6)
        outer.addWidget(scroll, 1)
        runbox = QVBoxLayout()
        runbox.setContentsMargins(6, 0, 6, 0)
        runbox.addLayout(run_row)
        runbox.addWidget(self.progress)
        runbox.addWidget(self.status)
        outer.addLayout(runbox)

        self.combo.currentTextChanged.connect(self._combo_changed)
        store.changed.connect(self.refresh)
        self.refresh()

    # display
    def refresh(self) -> None:
        cur = self.store.current
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(self.store.names)
        if cur is not None:
            self.combo.setCurrentText(cur.name)
        self.combo.blockSignals(False)
        has = cur is not None
        for act in (self.act_dup, self.act_rename, self.act_delete):
            act.setEnabled(has)
        self.description.setEnabled(has)
        self.description.setText(cur.description if cur else "")
        self.params.show_scenario(cur)
        self.ledger.clear()
        lang = language()
        if cur is not None:
            for i, mod in enumerate(cur.modifications, 1):
                who = tr("door {author}", author=mod.author)
                item = QListWidgetItem(
                    icon(_KIND_ICONS.get(mod.kind, "scenario")),
                    f"{i}. {mod.describe(lang)}\n{who} — {mod.reason}",
                )
                item.setToolTip(f"{mod.describe(lang)}\n{who}\n{mod.reason}")
                self.ledger.addItem(item)
            if not cur.modifications:
                empty = QListWidgetItem(
                    tr("Nog geen wijzigingen. Gebruik de bewerkingsknoppen boven de kaart.")
                )
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                empty.setForeground(QColor("#757575"))
                self.ledger.addItem(empty)
        self.undo_btn.setEnabled(self.store.can_undo())
        self.redo_btn.setEnabled(self.store.can_redo())
        self.run_btn.setEnabled(True)
        self._ledger_row_changed(self.ledger.currentRow())

    def _ledger_button(
        self, parent: QWidget, name: str, icon_name: str, text: str, tip: str, slot: Any
    ) -> QToolButton:
        button = QToolButton(parent)
        button.setObjectName(name)
        button.setIcon(icon(icon_name))
        button.setText(text)
        button.setToolTip(tip)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.clicked.connect(slot)
        return button

    def selected_modification(self) -> int:
        """The row of the chosen modification, or -1."""
        cur = self.store.current
        row = self.ledger.currentRow()
        return row if cur is not None and 0 <= row < len(cur.modifications) else -1

    def _ledger_row_changed(self, row: int) -> None:
        chosen = self.selected_modification() >= 0
        for button in (self.edit_mod_btn, self.delete_mod_btn, self.zoom_mod_btn):
            button.setEnabled(chosen)
        self.modificationSelected.emit(row)

    def _edit_modification(self) -> None:
        row = self.selected_modification()
        if row >= 0:
            self.editModificationRequested.emit(row)

    def _delete_modification(self) -> None:
        row = self.selected_modification()
        if row < 0:
            return
        self.store.delete_modification(row)
        if self.ledger.count() and self.selected_modification() < 0 and row > 0:
            self.ledger.setCurrentRow(row - 1)

    def set_running(self, running: bool, message: str = "") -> None:
        self.run_btn.setEnabled(not running)
        self.cancel_btn.setVisible(running)
        self.progress.setVisible(running)
        if running:
            self.progress.setValue(0)
        self.status.setText(message)

    def set_progress(self, fraction: float, message: str) -> None:
        # the core's step names are English log lines: the tooltip shows the step in the window's language
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{fraction * 100:.0f} %")
        if message:
            self.progress.setToolTip(step_text(message))

    # user edits
    def _combo_changed(self, name: str) -> None:
        if name:
            self.store.set_current(name)

    def _new(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            tr("Nieuw scenario"),
            tr("Naam van het scenario:"),
            text=self.store.unique_name(tr("Scenario")),
        )
        if ok and name.strip():
            self.store.add(Scenario(name=name.strip(), parameters=self._default_parameters()))

    def _default_parameters(self) -> Any:
        from slimmeregio.desktop.settings import AppSettings
        from slimmeregio.scenarios.model import Parameters

        overrides = AppSettings().default_parameters
        try:
            return Parameters.model_validate({**Parameters().model_dump(), **overrides})
        except Exception:  # noqa: BLE001 - stale settings never block a new scenario
            return Parameters()

    def _duplicate(self) -> None:
        if self.store.current is not None:
            self.store.duplicate(self.store.current.name)

    def _rename(self) -> None:
        cur = self.store.current
        if cur is None:
            return
        name, ok = QInputDialog.getText(
            self, tr("Scenario hernoemen"), tr("Nieuwe naam:"), text=cur.name
        )
        if ok:
            try:
                self.store.rename(cur.name, name)
            except ValueError:
                QMessageBox.warning(
                    self, tr("Scenario hernoemen"), tr("Er bestaat al een scenario met die naam.")
                )

    def _delete(self) -> None:
        cur = self.store.current
        if cur is None:
            return
        answer = QMessageBox.question(
            self,
            tr("Scenario verwijderen"),
            tr(
                "Scenario '{name}' met {n} wijzigingen verwijderen?",
                name=cur.name,
                n=len(cur.modifications),
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.store.remove(cur.name)

    def _description_edited(self) -> None:
        cur = self.store.current
        if cur is not None and self.description.text() != cur.description:
            try:
                new = Scenario.from_dict({**cur.to_dict(), "description": self.description.text()})
            except ScenarioError as exc:
                self.errorRaised.emit(exc)
                return
            self.store.replace_current(new)

    def open_all_parameters(self) -> None:
        """Open the "Alle parameters…" dialog for the current scenario (window-modal)."""
        if self.store.current is None:
            return
        from slimmeregio.desktop.parametersdialog import ParametersDialog

        dialog = ParametersDialog(self.store, self)
        self.all_parameters_dialog = dialog
        dialog.open()

    def _params_edited(self, change: dict[str, Any]) -> None:
        cur = self.store.current
        if cur is None:
            return
        if "__error__" in change:
            self.errorRaised.emit(
                ScenarioError(
                    location=f"parameters.{change['__error__']}",
                    reason=tr("geef getallen gescheiden door komma's, bv. 400, 800, 1200"),
                )
            )
            self.params.show_scenario(cur)
            return
        try:
            new = cur.with_parameters(**change)
        except ScenarioError as exc:
            self.errorRaised.emit(exc)
            self.params.show_scenario(cur)
            return
        self.store.replace_current(new)
