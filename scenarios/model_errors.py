"""Scenario errors: the bilingual ScenarioValidationError, and pydantic, TOML and JSON failures translated into it."""

from __future__ import annotations

import re
import reprlib
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.scenarios.modifications import MODIFICATION_KINDS

__all__ = [
    "ScenarioValidationError",
    "file_error",
    "format_location",
    "scenario_error",
    "syntax_error",
    "toml_error_position",
    "translate_validation_error",
    "validation_reasons",
]


class ScenarioValidationError(ScenarioError):
    """A :class:`ScenarioError` with the reason in both languages.

    Data: ``location`` (``modifications[2].dwellings`` or ``line 3, column
    5``), ``reason`` (English), ``reason_nl``, ``reason_en``, and ``errors``:
    every problem found as ``(location, reason_nl, reason_en)`` tuples (the
    message shows the first, and how many more there are).
    """

    messages = {
        "nl": "Fout in scenario{source} bij {location_nl}: {reason_nl}{more_nl}",
        "en": "Error in scenario{source} at {location_en}: {reason_en}{more_en}",
    }

    def _values(self, lang: str = "en") -> dict[str, Any]:
        values = super()._values(lang)
        # the file (or scenario name) may be added after the error was raised
        values["source"] = f" {self.path}" if self.path else ""
        return values


E = TypeVar("E", bound="ScenarioValidationError")


def file_error(
    cls: type[E],
    location: str,
    reason_nl: str,
    reason_en: str,
    *,
    source: str | Path | None,
    location_nl: str,
    location_en: str,
    errors: Sequence[tuple[str, str, str]],
    **data: Any,
) -> E:
    """The ``cls`` error (a scenario or sweep file error) for ``location``
    with both reasons, counting the further ``errors`` in the message."""
    errors = tuple(errors) or ((location, reason_nl, reason_en),)
    more = len(errors) - 1
    return cls(
        path=str(source) if source is not None else None,
        field=location,
        source=f" {source}" if source else "",
        location=location,
        location_nl=location_nl,
        location_en=location_en,
        reason=reason_en,
        reason_nl=reason_nl,
        reason_en=reason_en,
        more_nl=f" (en nog {more} andere fout{'en' if more > 1 else ''})" if more else "",
        more_en=f" (and {more} more error{'s' if more > 1 else ''})" if more else "",
        errors=errors,
        **data,
    )


def scenario_error(
    location: str,
    reason_nl: str,
    reason_en: str,
    *,
    source: str | Path | None = None,
    location_nl: str | None = None,
    location_en: str | None = None,
    errors: Sequence[tuple[str, str, str]] = (),
    detail: str | None = None,
    **data: Any,
) -> ScenarioValidationError:
    """Build the scenario error for ``location`` with a Dutch and English reason.

    ``scenarios.apply`` uses this too, so messages about unknown link ids read
    the same as validation messages.
    """
    return file_error(
        ScenarioValidationError,
        location,
        reason_nl,
        reason_en,
        source=source,
        location_nl=location_nl or _readable_location(location, "nl"),
        location_en=location_en or _readable_location(location, "en"),
        errors=errors,
        detail=detail,
        **data,
    )


_MOD_INDEX = re.compile(r"^modifications\[(\d+)\]")


def _readable_location(location: str, lang: str) -> str:
    """``modifications[2].x`` plus the 1-based number people see in the file."""
    match = _MOD_INDEX.match(location)
    if not match:
        return location
    number = int(match.group(1)) + 1
    return f"{location} ({'wijziging' if lang == 'nl' else 'modification'} {number})"


# ---------------------------------------------------------------------------
# Error translation
# ---------------------------------------------------------------------------

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_NL_TOML = {
    "Invalid value": "ongeldige waarde",
    "Expected '=' after a key in a key/value pair": "'=' verwacht na een sleutel",
    "Cannot overwrite a value": "sleutel staat er twee keer",
    "Unclosed array": "lijst niet afgesloten",
    "Unterminated string": "tekst niet afgesloten",
    "Invalid statement": "ongeldige regel",
}


def toml_error_position(exc: tomllib.TOMLDecodeError) -> tuple[str, int | None, int | None]:
    """A TOML syntax error's message without its position, and the line and column (1-based)."""
    text = str(exc)
    match = _POSITION.search(text)
    msg = _POSITION.sub("", text).strip()
    if match:
        return msg, int(match.group(1)), int(match.group(2))
    if "end of document" in text:
        return msg, None, None
    return msg, None, None


def syntax_error(
    msg: str, line: int | None, col: int | None, *, source: str | Path | None, fmt: str
) -> ScenarioValidationError:
    """The scenario error for a JSON or TOML syntax error at ``line``, ``col`` (None: end of file)."""
    if line is not None:
        location = f"line {line}, column {col}"
        location_nl = f"regel {line}, kolom {col}"
    else:
        location, location_nl = "end of file", "einde van het bestand"
    nl_msg = next((nl for en, nl in _NL_TOML.items() if msg.startswith(en)), msg)
    return scenario_error(
        location,
        f"geen geldige {fmt}: {nl_msg}",
        f"not valid {fmt}: {msg}",
        location_nl=location_nl,
        source=source,
        line=line,
        column=col,
    )


def format_location(loc: Sequence[int | str], prefix: str | None = None) -> str:
    """A pydantic error location as a planner reads it: ``modifications[2].dwellings (wijziging 3)``."""
    parts: list[str] = [prefix] if prefix else []
    items = list(loc)
    # The tagged union adds the tag after the list index: drop it.
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, int):
            out.append(f"[{item}]")
            if i + 1 < len(items) and items[i + 1] in MODIFICATION_KINDS:
                i += 1
        else:
            text = str(item)
            if text.startswith("function-") or text in {"tagged-union[...]"}:
                i += 1
                continue
            out.append(("." if out or parts else "") + text)
        i += 1
    return "".join(parts) + "".join(out) if (parts or out) else "(top)"


#: Short, depth-limited reprs of offending values (a 3000-deep table must not recurse).
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = 60
_SHORT_REPR.maxother = 60
_SHORT_REPR.maxlong = 40


def _describe_input(value: Any) -> str:
    try:
        text = _SHORT_REPR.repr(value)
    except (RecursionError, ValueError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


#: Reasons by pydantic error type, Dutch and English; ``{got}`` is the offending value.
_REASONS: dict[str, tuple[str, str]] = {
    "missing": ("verplicht veld ontbreekt", "required field is missing"),
    "extra_forbidden": (
        "onbekende sleutel (tikfout?); deze sleutel hoort hier niet",
        "unknown key (typo?); this key does not belong here",
    ),
    **dict.fromkeys(
        ("string_type", "string_sub_type"),
        ("verwacht tekst, kreeg {got}", "expected text, got {got}"),
    ),
    **dict.fromkeys(
        ("float_type", "float_parsing"),
        ("verwacht een getal, kreeg {got}", "expected a number, got {got}"),
    ),
    **dict.fromkeys(
        ("int_type", "int_parsing", "int_from_float"),
        ("verwacht een geheel getal, kreeg {got}", "expected a whole number, got {got}"),
    ),
    "bool_type": ("verwacht true of false, kreeg {got}", "expected true or false, got {got}"),
    **dict.fromkeys(
        ("tuple_type", "list_type"),
        ("verwacht een lijst [..], kreeg {got}", "expected a list [..], got {got}"),
    ),
    **dict.fromkeys(
        ("dict_type", "model_type", "model_attributes_type"),
        ("verwacht een tabel, kreeg {got}", "expected a table, got {got}"),
    ),
    "finite_number": (
        "getal moet eindig zijn (geen inf of nan)",
        "number must be finite (no inf or nan)",
    ),
    "frozen_instance": (
        "een scenario kan niet gewijzigd worden",
        "a scenario cannot be changed in place",
    ),
}

#: Reasons for a value outside a bound: pydantic type -> (the bound's key in
#: the error's context, Dutch, English); ``{bound}`` is the bound.
_BOUND_REASONS: dict[str, tuple[str, str, str]] = {
    "greater_than": (
        "gt",
        "moet groter zijn dan {bound} (kreeg {got})",
        "must be greater than {bound} (got {got})",
    ),
    "greater_than_equal": (
        "ge",
        "moet minstens {bound} zijn (kreeg {got})",
        "must be at least {bound} (got {got})",
    ),
    "less_than": (
        "lt",
        "moet kleiner zijn dan {bound} (kreeg {got})",
        "must be less than {bound} (got {got})",
    ),
    "less_than_equal": (
        "le",
        "mag hoogstens {bound} zijn (kreeg {got})",
        "must be at most {bound} (got {got})",
    ),
    "too_short": (
        "min_length",
        "te weinig elementen (minstens {bound})",
        "too few items (at least {bound})",
    ),
    "too_long": (
        "max_length",
        "te veel elementen (hoogstens {bound})",
        "too many items (at most {bound})",
    ),
}


def validation_reasons(error: Mapping[str, Any]) -> tuple[str, str]:
    """Dutch and English reason for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = _describe_input(error.get("input"))
    if kind == "slimmeregio":
        return str(ctx.get("nl", error["msg"])), str(ctx.get("en", error["msg"]))
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        return _kind_reasons(kind, _describe_input(ctx.get("tag", error.get("input"))))
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return (
            f"ongeldige keuze {got}; kies uit: {expected}",
            f"invalid choice {got}; choose from: {expected}",
        )
    if kind in _REASONS:
        nl, en = _REASONS[kind]
        return nl.format(got=got), en.format(got=got)
    if kind in _BOUND_REASONS:
        key, nl, en = _BOUND_REASONS[kind]
        bound = _num(ctx.get(key))
        return nl.format(got=got, bound=bound), en.format(got=got, bound=bound)
    if kind.startswith("datetime") or kind.startswith("date"):
        return (
            f"ongeldige datum/tijd {got} (bv. 2025-03-01T10:00:00)",
            f"invalid date/time {got} (e.g. 2025-03-01T10:00:00)",
        )
    msg = str(error.get("msg", kind))
    return f"ongeldige waarde {got} ({msg})", f"invalid value {got} ({msg})"


def _kind_reasons(kind: str, got: str) -> tuple[str, str]:
    """A modification's ``kind`` missing or unknown: the kinds to choose from."""
    kinds = ", ".join(MODIFICATION_KINDS)
    if kind == "union_tag_not_found":
        return (
            f"'kind' ontbreekt; kies uit: {kinds}",
            f"'kind' is missing; choose from: {kinds}",
        )
    return (
        f"onbekende soort wijziging {got}; kies uit: {kinds}",
        f"unknown kind of modification {got}; choose from: {kinds}",
    )


def translate_validation_error(
    exc: ValidationError, *, source: str | Path | None, prefix: str | None = None
) -> ScenarioValidationError:
    """One scenario error listing every problem pydantic found (the first one leads the message)."""
    found: list[tuple[str, str, str]] = []
    for error in exc.errors(include_url=False):
        location = format_location(error["loc"], prefix)
        nl, en = validation_reasons(error)
        found.append((location, nl, en))
    location, nl, en = found[0]
    return scenario_error(location, nl, en, source=source, errors=found, detail=None)
