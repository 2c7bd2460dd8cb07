"""The "Alle parameters…" dialog: every field of the current scenario's parameters, grouped in tabs.

The dialog is built from the fields of
:class:`~slimmeregio.scenarios.model.Parameters` (widgets from
:mod:`~slimmeregio.desktop.parametereditors`, labels and tooltips from
:mod:`~slimmeregio.desktop.parametertexts`), so a field added to the model
appears without a change here. OK validates through the model and shows each
problem in the user's language under its field, keeping the dialog open; a
valid result replaces the current scenario like the panel's own form does
(undoable, and the shown results become stale exactly as with any edit).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.parametereditors import (
    Editor,
    EditorError,
    editor_for,
    error_label,
    field_box,
)
from slimmeregio.desktop.parametertexts import GROUPS, OTHER_GROUP, text_for
from slimmeregio.exporters.terms import hoppin_type, link_class
from slimmeregio.layers.errors import ScenarioError
from slimmeregio.scenarios.commute_origins import ORIGIN_LABELS
from slimmeregio.scenarios.model import Parameters, Scenario, validation_reasons
from slimmeregio.scenarios.quiet_routes import ROUTE_LABELS
from slimmeregio.scenarios.session import ScenarioBook
from slimmeregio.scenarios.transit_keys import WINDOWS, window_label

__all__ = ["ParametersDialog", "display_value"]


def display_value(value: str) -> str:
    """A data value (time window, Hoppin type, link class, route choice) as the
    interface reads it; the scenario keeps the value itself."""
    if value in ROUTE_LABELS:
        return tr(ROUTE_LABELS[value])
    if value in ORIGIN_LABELS:
        return tr(ORIGIN_LABELS[value])
    lang = language()
    if value in WINDOWS:
        return window_label(value, lang)
    return link_class(hoppin_type(value, lang), lang)


class ParametersDialog(QDialog):
    """Every parameter of the current scenario of ``store``; OK applies them to it.

    ``editors``, ``labels`` and ``errors`` map each field name to its editor,
    its label and the line that shows its validation message.
    """

    def __init__(self, store: ScenarioBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("parametersDialog")
        self.store = store
        self.scenario: Scenario | None = store.current
        self.setWindowTitle(
            tr("Alle parameters van '{name}'", name=self.scenario.name)
            if self.scenario is not None
            else tr("Alle parameters")
        )
        self.editors: dict[str, Editor] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.tabs = QTabWidget(self)
        self._tab_of: dict[str, int] = {}
        grouped: dict[str, list[str]] = {g: [] for g in (*GROUPS, OTHER_GROUP)}
        for name in Parameters.model_fields:
            group = text_for(name).group
            grouped[group if group in grouped else OTHER_GROUP].append(name)
        for group, names in grouped.items():
            if names:
                form = self._add_tab(group)
                for name in names:
                    self._add_field(form, name)
        self.message = QLabel(self)
        self.message.setObjectName("parametersMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c; font-weight: 600;")
        self.message.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Annuleren"))
        self.defaults_btn = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_btn.setText(tr("Standaardwaarden"))
        self.defaults_btn.setToolTip(
            tr("Alle velden op de standaardwaarden zetten (pas toegepast met OK)")
        )
        self.defaults_btn.clicked.connect(lambda: self.load(Parameters()))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(780, 560)
        self.load(self.scenario.parameters if self.scenario is not None else Parameters())

    def _add_tab(self, group: str) -> QFormLayout:
        page = QWidget(self)
        column = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addLayout(form)
        column.addStretch(1)  # rows keep their height; the space goes below them
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        scroll.setObjectName(f"tab_{group}")
        scroll.setProperty("group", group)
        self.tabs.addTab(scroll, tr(group))
        return form

    def _add_field(self, form: QFormLayout, name: str) -> None:
        text = text_for(name)
        editor = editor_for(
            Parameters.model_fields[name], names=text.items, display=display_value, parent=self
        )
        editor.widget.setObjectName(f"param_{name}")
        label = QLabel(tr(text.label), self)
        tip = tr(text.tip) if text.tip else ""
        for widget in (label, editor.widget):
            widget.setToolTip(f"{tip}\n[{name}]" if tip else name)
        error = error_label(self)
        error.setObjectName(f"error_{name}")
        form.addRow(label, field_box(editor, error, self))
        self.editors[name], self.labels[name], self.errors[name] = editor, label, error
        self._tab_of[name] = self.tabs.count() - 1

    def groups(self) -> list[str]:
        """The tabs' groups (Dutch source names), in order."""
        return [str(self.tabs.widget(i).property("group")) for i in range(self.tabs.count())]  # type: ignore[union-attr]

    # ------------------------------------------------------------------ values
    def load(self, params: Parameters) -> None:
        """Show ``params`` in every field and clear the messages."""
        data = params.model_dump()
        for name, editor in self.editors.items():
            editor.set_value(data[name])
        self._show_errors({})

    def collect(self) -> Parameters | None:
        """The parameters the fields hold, or None after showing what is wrong."""
        data: dict[str, Any] = {}
        problems: dict[str, tuple[str, str]] = {}
        for name, editor in self.editors.items():
            try:
                data[name] = editor.value()
            except EditorError as exc:
                problems[name] = (exc.nl, exc.en)
        if not problems:
            try:
                return Parameters.model_validate(data)
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    loc = error.get("loc") or ("",)
                    name = str(loc[0])
                    problems.setdefault(
                        name if name in self.editors else "", validation_reasons(error)
                    )
        self._show_errors(problems)
        return None

    def _show_errors(self, problems: dict[str, tuple[str, str]]) -> None:
        pick = 1 if language() == "en" else 0
        for name, label in self.errors.items():
            if name in problems:
                label.setText(problems[name][pick])
            label.setVisible(name in problems)
        if problems:
            first = next((n for n in self.editors if n in problems), "")
            if first in self._tab_of:
                self.tabs.setCurrentIndex(self._tab_of[first])
            general = problems.get("")
            summary = tr("Niet toegepast: {n} veld(en) kloppen niet.", n=len(problems))
            self.message.setText(f"{summary} {general[pick]}" if general else summary)
        self.message.setVisible(bool(problems))

    def accept(self) -> None:
        params = self.collect()
        if params is None:
            return  # the messages are shown next to the fields; the dialog stays open
        cur = self.store.current
        if cur is not None and params != cur.parameters:
            try:
                new = cur.with_parameters(**params.model_dump())
            except ScenarioError as exc:  # validated above; a scenario-level check refused it
                self.message.setText(exc.message(language()))
                self.message.setVisible(True)
                return
            self.store.replace_current(new)
        super().accept()
