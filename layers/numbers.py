"""Numbers as planners read them, in Dutch and English: values, deltas and their spreadsheet formats.

The one formatter of the app, the command line and every export (it lives
at the base of the house so every layer can use it): a value shows with its unit's display precision (``78,4 %``,
``6,2 min``, ``12.345``); a delta between two values reads ``±0`` only when
the two values are equal at that precision, and otherwise shows as many
decimals as it takes to be non-zero (``3,1 → 3,0 min`` gives ``−0,04 min``,
never ``+0,0 min``). Negative numbers use the minus sign (U+2212).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "MINUS",
    "Delta",
    "delta",
    "delta_unit",
    "display_digits",
    "excel_format",
    "excel_zero_format",
    "excel_number",
    "fmt_delta",
    "fmt_difference",
    "fmt_metres",
    "fmt_number",
    "fmt_ordinal",
]

#: The minus sign used for negative values and deltas.
MINUS = "\u2212"
#: Extra decimals a delta may take beyond its values' precision.
_MAX_EXTRA = 4
_SUFFIX = {"%": " %", "pp": " pp", "min": " min", "m": " m", "km": " km"}


def _float(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v


def display_digits(unit: str, value: float | None = None) -> int:
    """Decimals a value of ``unit`` shows: counts and metres none (also unit-less values ≥ 10), the rest one."""
    if unit in ("count", "m"):
        return 0
    if unit == "" and value is not None and abs(value) >= 10:
        return 0
    return 1


def delta_unit(unit: str) -> str:
    """The unit of a difference of two values in ``unit``: percentages differ by percentage points."""
    return "pp" if unit == "%" else unit


def _group(text: str, lang: str) -> str:
    if lang == "nl":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text.replace("-", MINUS)


def fmt_number(
    value: Any, unit: str = "", lang: str = "nl", *, signed: bool = False, digits: int | None = None
) -> str:
    """A value as planners read it: ``12.345``, ``78,4 %``, ``6,2 min`` (``12,345``, ``78.4 %`` in English).

    ``unit`` is ``%`` / ``pp`` / ``min`` / ``m`` / ``km`` / ``count`` or
    empty; ``signed`` adds ``+`` to positive values; ``digits`` overrides
    the unit's precision (:func:`display_digits`). A value that rounds to
    zero never shows a sign (no ``-0,0``).
    """
    v = _float(value)
    if v is None:
        return str(value)
    if math.isnan(v):
        return "–"
    if digits is None:
        digits = display_digits(unit, v)
    v = round(v, digits) + 0.0  # -0.0 -> 0.0
    sign = "+" if signed and v != 0 else ""
    return _group(f"{v:{sign},.{digits}f}", lang) + _SUFFIX.get(unit, "")


class Delta:
    """The change from ``before`` to ``after`` as shown: its value, the decimals it needs and its direction."""

    __slots__ = ("digits", "direction", "value")

    def __init__(self, value: float, digits: int, direction: int) -> None:
        self.value = value  #: rounded to ``digits``; exactly 0.0 when the values are equal as shown
        self.digits = digits
        self.direction = direction  #: -1, 0 or +1

    def __repr__(self) -> str:
        return f"Delta({self.value!r}, digits={self.digits}, direction={self.direction})"


def delta(after: Any, before: Any, unit: str = "") -> Delta | None:
    """The change from ``before`` to ``after`` at display precision (None when either is missing).

    Zero exactly when both values read the same at ``unit``'s precision;
    otherwise the true difference, rounded to the fewest decimals (at least
    the values' own) that keep it non-zero.
    """
    a, b = _float(after), _float(before)
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return None
    digits = display_digits(unit, max(abs(a), abs(b)))
    if round(a, digits) == round(b, digits):
        return Delta(0.0, digits, 0)
    diff = a - b
    d = digits
    while round(diff, d) == 0 and d < digits + _MAX_EXTRA:
        d += 1
    value = round(diff, d) + 0.0
    return Delta(value, d, (value > 0) - (value < 0))


def fmt_delta(after: Any, before: Any, unit: str = "", lang: str = "nl") -> str:
    """A delta that never contradicts its values: ``+8,3 pp``, ``−0,04 min``, ``±0 pp``.

    ``unit`` is the values' unit (``%`` values give a ``pp`` delta). Empty
    text when either value is missing.
    """
    d = delta(after, before, unit)
    if d is None:
        return ""
    du = delta_unit(unit)
    if d.direction == 0:
        return "±0" + _SUFFIX.get(du, "")
    return fmt_number(d.value, du, lang, signed=True, digits=d.digits)


def fmt_difference(value: Any, unit: str = "", lang: str = "nl") -> str:
    """A difference shown without its two values (a table's change column):
    ``+0,003 pp``, ``−0,5 min``; as many decimals as it takes to be non-zero,
    ``±0`` only when it is zero. ``unit`` is the values' unit (``%`` gives
    ``pp``). Prefer :func:`fmt_delta` where both values are at hand.
    """
    v = _float(value)
    if v is None or math.isnan(v):
        return "–"
    du = delta_unit(unit)
    digits = display_digits(unit, abs(v))
    d = digits
    while round(v, d) == 0 and d < digits + _MAX_EXTRA:
        d += 1
    if round(v, d) == 0:
        return "±0" + _SUFFIX.get(du, "")
    return fmt_number(v, du, lang, signed=True, digits=d)


def fmt_metres(value: Any) -> str:
    """Lambert 72 coordinates and lengths in whole metres, thousands grouped by a
    space in both languages (``150 000``), so they never read as decimals."""
    v = _float(value)
    if v is None:
        return str(value)
    if math.isnan(v):
        return "–"
    return f"{round(v) + 0:,d}".replace(",", " ").replace("-", MINUS)


def fmt_ordinal(k: int, lang: str = "nl") -> str:
    """An ordinal number: ``3e`` in Dutch, ``3rd`` in English (``11th``, ``21st``)."""
    if lang == "nl":
        return f"{k}e"
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def excel_number(value: Any, unit: str = "") -> Any:
    """A value a spreadsheet stores as a number: whole counts as ``int``, no ``-0.0``, NaN as None.

    Text and other non-numbers are returned unchanged.
    """
    if isinstance(value, bool):
        return value
    v = _float(value)
    if v is None or isinstance(value, str):
        return value
    if math.isnan(v) or math.isinf(v):
        return None
    if unit in ("count", "m") or (float(v).is_integer() and isinstance(value, int)):
        return int(round(v))
    return v + 0.0


def excel_format(unit: str, digits: int | None = None, *, signed: bool = False) -> str:
    """An Excel number format for ``unit`` with ``digits`` decimals (signed: ``+``/``−`` and a plain zero)."""
    if digits is None:
        digits = display_digits(unit)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    suffix = {"%": '" %"', "pp": '" pp"', "min": '" min"', "m": '" m"', "km": '" km"'}.get(unit, "")
    if not signed:
        return number + suffix
    zero = (
        '"±0' + _SUFFIX.get(unit, "") + '"'
    )  # equal as shown: the same "±0" as every other export
    return f"+{number}{suffix};-{number}{suffix};{zero}"


def excel_zero_format(unit: str) -> str:
    """An Excel number format that shows any number as ``±0`` with the delta unit of ``unit``.

    For a cell that keeps the exact difference of two values that read the
    same as shown: the sheet displays what every export shows, and a formula
    on the cell still gets the true number.
    """
    return '"±0' + _SUFFIX.get(delta_unit(unit), "") + '"'
