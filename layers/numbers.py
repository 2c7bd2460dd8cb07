"""Numbers as planners read them, in Dutch and English: values, deltas and their spreadsheet formats.

The one formatter of the app, the command line and every export (it lives
at the base of the house so every layer can use it): a value shows with its unit's display precision (``78,4 %``,
``6,2 min``, ``12.345``); a delta between two values reads ``±0`` only when
the two values are equal (up to floating-point rounding), and otherwise
shows as many decimals as it takes to be non-zero (``3,1 → 3,0 min`` gives
``−0,04 min``, ``23,1 → 23,1 %`` gives ``−0,001 pp``, never ``+0,0`` or
``±0``). A change too small for four extra decimals reads ``−<0,00001 pp``.
Negative numbers use the minus sign (U+2212).
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
    "excel_delta_format",
    "excel_format",
    "excel_number",
    "fmt_delta",
    "fmt_difference",
    "fmt_metres",
    "fmt_number",
    "fmt_ordinal",
]

#: The minus sign used for negative values and deltas.
MINUS = "\u2212"
#: Extra decimals a delta may take beyond its values' precision; a smaller
#: change reads "<" the last of them (``−<0,00001 pp``).
_MAX_EXTRA = 4
#: Two values closer than this, relative to the larger, are equal: the
#: difference is floating-point rounding, not a change.
_ROUNDING = 1e-12
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
    """The change from ``before`` to ``after`` as shown: its value, the decimals it needs and its direction.

    ``value`` is the difference rounded to ``digits``; it is 0.0 both when
    the values are equal (``direction`` 0) and when the change is smaller
    than ``digits`` can show (``direction`` ±1: it reads ``<``).
    """

    __slots__ = ("digits", "direction", "value")

    def __init__(self, value: float, digits: int, direction: int) -> None:
        self.value = value
        self.digits = digits
        self.direction = direction  #: -1, 0 or +1

    @property
    def below(self) -> bool:
        """A change too small to show at ``digits``: it reads ``<`` the smallest step."""
        return self.direction != 0 and self.value == 0.0

    def __repr__(self) -> str:
        return f"Delta({self.value!r}, digits={self.digits}, direction={self.direction})"


def _difference(diff: float, digits: int, first: int | None = None) -> Delta:
    """``diff`` with the fewest decimals from ``first`` (default ``digits``) on that keep it
    non-zero, at most ``_MAX_EXTRA`` more than the values' ``digits``."""
    direction = (diff > 0) - (diff < 0)
    d = digits if first is None else first
    while round(diff, d) == 0 and d < digits + _MAX_EXTRA:
        d += 1
    return Delta(round(diff, d) + 0.0, d, direction)


def delta(after: Any, before: Any, unit: str = "") -> Delta | None:
    """The change from ``before`` to ``after`` as shown (None when either is missing).

    Direction 0 only when the two values are equal (up to floating-point
    rounding); otherwise the true difference, rounded to the fewest
    decimals (at least the values' own; one more when both values read the
    same) that keep it non-zero.
    """
    a, b = _float(after), _float(before)
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return None
    digits = display_digits(unit, max(abs(a), abs(b)))
    diff = a - b
    if abs(diff) <= _ROUNDING * max(1.0, abs(a), abs(b)):
        return Delta(0.0, digits, 0)
    if round(a, digits) == round(b, digits):
        # both read the same: one decimal more, so "43,7 → 43,7" reads "+0,08", not "+0,1"
        return _difference(diff, digits, digits + 1)
    return _difference(diff, digits)


def _fmt(d: Delta, unit: str, lang: str) -> str:
    du = delta_unit(unit)
    if d.direction == 0:
        return "±0" + _SUFFIX.get(du, "")
    if d.below:
        step = fmt_number(10.0**-d.digits, du, lang, digits=d.digits)
        return ("+" if d.direction > 0 else MINUS) + "<" + step
    return fmt_number(d.value, du, lang, signed=True, digits=d.digits)


def fmt_delta(after: Any, before: Any, unit: str = "", lang: str = "nl") -> str:
    """A delta that never contradicts its values: ``+8,3 pp``, ``−0,04 min``, ``−0,001 pp``, ``±0 pp``.

    ``±0`` only when the values are equal. ``unit`` is the values' unit
    (``%`` values give a ``pp`` delta). Empty text when either value is
    missing.
    """
    d = delta(after, before, unit)
    return "" if d is None else _fmt(d, unit, lang)


def fmt_difference(value: Any, unit: str = "", lang: str = "nl") -> str:
    """A difference shown without its two values (a table's change column):
    ``+0,003 pp``, ``−0,5 min``; as many decimals as it takes to be non-zero,
    ``±0`` only when it is zero. ``unit`` is the values' unit (``%`` gives
    ``pp``). Prefer :func:`fmt_delta` where both values are at hand.
    """
    v = _float(value)
    if v is None or math.isnan(v):
        return "–"
    digits = display_digits(unit, abs(v))
    d = Delta(0.0, digits, 0) if v == 0 else _difference(v, digits)
    return _fmt(d, unit, lang)


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
    """A value a spreadsheet stores as a number: whole numbers as ``int``, no ``-0.0``, NaN as None.

    A count or length with a fraction (a mean number of jobs) keeps it: the
    cell's format shows it whole, a formula on it gets the true number.
    Text and other non-numbers are returned unchanged.
    """
    if isinstance(value, bool):
        return value
    v = _float(value)
    if v is None or isinstance(value, str):
        return value
    if math.isnan(v) or math.isinf(v):
        return None
    if v.is_integer() and (unit in ("count", "m") or isinstance(value, int)):
        return int(v)
    return v + 0.0


def excel_format(unit: str, digits: int | None = None, *, signed: bool = False) -> str:
    """An Excel number format for ``unit`` with ``digits`` decimals (signed: ``+``/``−`` and ``±0`` for zero)."""
    if digits is None:
        digits = display_digits(unit)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    suffix = {"%": '" %"', "pp": '" pp"', "min": '" min"', "m": '" m"', "km": '" km"'}.get(unit, "")
    if not signed:
        return number + suffix
    zero = '"±0' + _SUFFIX.get(unit, "") + '"'  # the same "±0" as every other export
    return f"+{number}{suffix};-{number}{suffix};{zero}"


def excel_delta_format(d: Delta, unit: str) -> str:
    """The Excel number format of a cell holding the exact change ``d`` of two ``unit`` values.

    The sheet shows what every export shows (``+0,001 pp``, ``±0 pp``,
    ``−<0,00001 pp``) while a formula on the cell gets the true number.
    """
    du = delta_unit(unit)
    zero = '"±0' + _SUFFIX.get(du, "") + '"'
    if d.direction == 0:  # equal up to rounding: "±0" whatever residue the cell holds
        return zero
    if not d.below:
        return excel_format(du, d.digits, signed=True)
    # "<0,00001": the value's own zeros (which the sheet writes with the
    # reader's decimal separator; the change rounds to zero there) and a
    # literal final 1. A "below" delta always has four or more decimals.
    step = "0." + "0" * (d.digits - 1) + '"1' + _SUFFIX.get(du, "") + '"'
    return f'+"<"{step};-"<"{step};{zero}'
