"""One editing widget per scenario parameter, chosen from the pydantic field's type and bounds.

:func:`editor_for` reads a field of
:class:`~slimmeregio.scenarios.model.Parameters` and returns an
:class:`Editor`: a spin box with the model's bounds for a number, a combo box
for a choice, a checkable list for a set of choices, comma-separated text for
a list of numbers or words, one spin box per item of a fixed-length list or a
table of named numbers, and JSON text for any other type, so a field added
later always gets a widget. Editors only convert text to values; the model
validates them (``ParametersDialog``).
"""

from __future__ import annotations

import json
import math
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, Literal

import annotated_types
from pydantic.fields import FieldInfo
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "Editor",
    "EditorError",
    "editor_for",
    "error_label",
    "field_box",
    "format_number",
    "parse_list",
]

#: How a choice or an item name (a Dutch data value) reads in the interface.
Display = Callable[[str], str]
#: Upper limit of a spin box for a number the model does not bound.
_UNBOUNDED = 1e9


class EditorError(ValueError):
    """Text in an editor that is not a value of its type (Dutch and English reason)."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl, self.en = nl, en


def format_number(value: float) -> str:
    """Short text for ``value`` that reads back as exactly ``value``."""
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def parse_list(text: str) -> list[str]:
    """``"a, b; c"`` -> ``["a", "b", "c"]`` (commas, semicolons or spaces separate)."""
    for sep in (";", " ", "\t"):
        text = text.replace(sep, ",")
    return [p.strip() for p in text.split(",") if p.strip()]


def _parse_number(text: str) -> float:
    try:
        value = float(text.replace("'", ""))
    except ValueError:
        raise EditorError(
            f"'{text}' is geen getal; geef getallen gescheiden door komma's, bv. 400, 800, 1200",
            f"'{text}' is not a number; give numbers separated by commas, e.g. 400, 800, 1200",
        ) from None
    if not math.isfinite(value):
        raise EditorError(f"'{text}' is geen eindig getal", f"'{text}' is not a finite number")
    return value


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """The bare type of ``tp`` and the constraints of its ``Annotated`` layers."""
    meta: list[Any] = []
    while typing.get_origin(tp) is typing.Annotated:
        args = typing.get_args(tp)
        tp = args[0]
        for extra in args[1:]:
            meta.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
    return tp, meta


def _bounds(meta: Sequence[Any]) -> tuple[float | None, float | None]:
    """Lowest and highest value a spin box may show (exclusive bounds shown
    inclusive: the model refuses them with its own message)."""
    lo = hi = None
    for m in meta:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            lo = float(m.ge if isinstance(m, annotated_types.Ge) else m.gt)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le | annotated_types.Lt):
            hi = float(m.le if isinstance(m, annotated_types.Le) else m.lt)  # type: ignore[arg-type]
    return lo, hi


class Editor(ABC):
    """A widget editing one parameter value.

    ``value()`` raises :class:`EditorError` for text that is no value of the
    type; range and shape are left to the model.
    """

    widget: QWidget

    @abstractmethod
    def set_value(self, value: Any) -> None:
        """Show ``value`` (a value of the field, as the model holds it)."""

    @abstractmethod
    def value(self) -> Any:
        """The value shown, as plain data for the model to validate."""


class _CompactSpinBox(QDoubleSpinBox):
    """A double spin box without trailing zeros (2.4, not 2.400)."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        text = super().textFromValue(value)
        point = self.locale().decimalPoint()
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text


class _NumberEditor(Editor):
    """A spin box bounded by the model; a value shown rounded reads back unchanged."""

    def __init__(self, meta: Sequence[Any], integer: bool, parent: QWidget | None) -> None:
        lo, hi = _bounds(meta)
        self.integer = integer
        self._shown: float | None = None
        spin: QSpinBox | QDoubleSpinBox
        if integer:
            spin = QSpinBox(parent)
            spin.setRange(int(lo if lo is not None else -_UNBOUNDED), int(hi or _UNBOUNDED))
        else:
            spin = _CompactSpinBox(parent)
            spin.setDecimals(3 if hi is not None and hi <= 10 else 2)
            spin.setRange(
                lo if lo is not None else -_UNBOUNDED, hi if hi is not None else _UNBOUNDED
            )
            spin.setSingleStep(0.05 if hi is not None and hi <= 1 else 1.0)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        spin.setKeyboardTracking(False)
        self.spin = spin
        self.widget = spin

    def set_value(self, value: Any) -> None:
        self._shown = value
        if isinstance(self.spin, QSpinBox):
            self.spin.setValue(int(value))
        else:
            self.spin.setValue(float(value))

    def value(self) -> Any:
        current = self.spin.value()
        if self.integer:
            return int(current)
        shown = self._shown
        if shown is not None and current == round(float(shown), self.spin.decimals()):
            return float(shown)  # untouched: keep every digit the spin box cannot show
        return float(current)


class _ChoiceEditor(Editor):
    def __init__(self, choices: Sequence[Any], display: Display, parent: QWidget | None) -> None:
        self.combo = QComboBox(parent)
        self.display = display
        for choice in choices:
            self.combo.addItem(display(str(choice)), choice)
        self.widget = self.combo

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index < 0:
            self.combo.addItem(self.display(str(value)), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def value(self) -> Any:
        return self.combo.currentData()


class _ChoicesEditor(Editor):
    """A checkable list; the value lists the checked choices in the list's order."""

    def __init__(self, choices: Sequence[Any], display: Display, parent: QWidget | None) -> None:
        self.list = QListWidget(parent)
        for choice in choices:
            item = QListWidgetItem(display(str(choice)))
            item.setData(Qt.ItemDataRole.UserRole, choice)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        rows = max(1, len(choices))
        self.list.setFixedHeight(rows * (self.list.fontMetrics().height() + 8) + 6)
        self.widget = self.list

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]  # type: ignore[misc]

    def set_value(self, value: Any) -> None:
        chosen = set(value)
        for item in self.items():
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def value(self) -> Any:
        return tuple(
            item.data(Qt.ItemDataRole.UserRole)
            for item in self.items()
            if item.checkState() == Qt.CheckState.Checked
        )


class _ListEditor(Editor):
    """Comma-separated text: numbers (thresholds) or words (offers)."""

    def __init__(self, numbers: bool, parent: QWidget | None) -> None:
        self.numbers = numbers
        self.edit = QLineEdit(parent)
        self.widget = self.edit

    def set_value(self, value: Any) -> None:
        if self.numbers:
            self.edit.setText(", ".join(format_number(v) for v in value))
        else:
            self.edit.setText(", ".join(str(v) for v in value))

    def value(self) -> Any:
        parts = parse_list(self.edit.text())
        return tuple(_parse_number(p) for p in parts) if self.numbers else tuple(parts)


class _FixedNumbersEditor(Editor):
    """One spin box per item of a fixed-length list, named when the texts give names."""

    def __init__(
        self,
        metas: Sequence[Sequence[Any]],
        names: Sequence[str],
        display: Display,
        parent: QWidget | None,
    ) -> None:
        self.widget = QWidget(parent)
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.parts = [_NumberEditor(meta, False, self.widget) for meta in metas]
        for i, part in enumerate(self.parts):
            if i < len(names):
                row.addWidget(QLabel(display(names[i]), self.widget))
            row.addWidget(part.widget, 1)

    def set_value(self, value: Any) -> None:
        for part, v in zip(self.parts, value, strict=False):
            part.set_value(v)

    def value(self) -> Any:
        return tuple(part.value() for part in self.parts)


class _NumberTableEditor(Editor):
    """Named numbers (cycling speed per link class): one spin box per name."""

    def __init__(
        self, meta: Sequence[Any], first: Sequence[str], display: Display, parent: QWidget | None
    ) -> None:
        self.display = display
        self.meta = list(meta)
        self.first = list(first)
        self.widget = QWidget(parent)
        self.form = QFormLayout(self.widget)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.parts: dict[str, _NumberEditor] = {}

    def set_value(self, value: Any) -> None:
        names = [n for n in self.first if n in value] + [n for n in value if n not in self.first]
        if names != list(self.parts):
            while self.form.rowCount():
                self.form.removeRow(0)
            self.parts = {}
            for name in names:
                part = _NumberEditor(self.meta, False, self.widget)
                part.spin.setObjectName(f"table_{name}")
                self.parts[name] = part
                self.form.addRow(f"{self.display(name)}:", part.widget)
        for name, part in self.parts.items():
            part.set_value(value[name])

    def value(self) -> Any:
        return {name: part.value() for name, part in self.parts.items()}


class _FlagEditor(Editor):
    def __init__(self, parent: QWidget | None) -> None:
        self.box = QCheckBox(parent)
        self.widget = self.box

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def value(self) -> Any:
        return self.box.isChecked()


class _TextEditor(Editor):
    def __init__(self, parent: QWidget | None) -> None:
        self.edit = QLineEdit(parent)
        self.widget = self.edit

    def set_value(self, value: Any) -> None:
        self.edit.setText(str(value))

    def value(self) -> Any:
        return self.edit.text()


class _JsonEditor(Editor):
    """Any other type, as JSON text (the form it has in a scenario's JSON file)."""

    def __init__(self, parent: QWidget | None) -> None:
        self.edit = QLineEdit(parent)
        self.widget = self.edit

    def set_value(self, value: Any) -> None:
        self.edit.setText(json.dumps(value, ensure_ascii=False, default=list))

    def value(self) -> Any:
        try:
            return json.loads(self.edit.text())
        except json.JSONDecodeError as exc:
            raise EditorError(
                f"geen geldige JSON: {exc.msg}", f"not valid JSON: {exc.msg}"
            ) from None


def _is_number(tp: Any) -> bool:
    return tp is float or tp is int


def editor_for(
    field: FieldInfo,
    *,
    names: Sequence[str] = (),
    display: Display = str,
    parent: QWidget | None = None,
) -> Editor:
    """The editor for a pydantic ``field`` (``names``: labels of a fixed-length list's items,
    or the names a table of numbers lists first; ``display``: how a choice or name reads)."""
    tp, meta = _unwrap(field.annotation)
    meta = [*field.metadata, *meta]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is bool:
        return _FlagEditor(parent)
    if _is_number(tp):
        return _NumberEditor(meta, tp is int, parent)
    if tp is str:
        return _TextEditor(parent)
    if origin is Literal:
        return _ChoiceEditor(args, display, parent)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item, _ = _unwrap(args[0])
        if typing.get_origin(item) is Literal:
            return _ChoicesEditor(typing.get_args(item), display, parent)
        if _is_number(item) or item is str:
            return _ListEditor(_is_number(item), parent)
    if origin is tuple and args:
        parts = [_unwrap(a) for a in args]
        if all(p[0] is float for p in parts):
            return _FixedNumbersEditor([p[1] for p in parts], names, display, parent)
    if origin is dict and len(args) == 2:
        key, _ = _unwrap(args[0])
        value, value_meta = _unwrap(args[1])
        if key is str and value is float:
            return _NumberTableEditor(value_meta, names, display, parent)
    return _JsonEditor(parent)  # optional, union and other types


def error_label(parent: QWidget | None) -> QLabel:
    """The red line under a field that holds its validation message."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b71c1c;")
    label.setVisible(False)
    return label


def field_box(editor: Editor, error: QLabel, parent: QWidget | None) -> QWidget:
    """The editor's widget with its error line below."""
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(editor.widget)
    column.addWidget(error)
    return box
