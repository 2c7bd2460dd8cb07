"""Numbers as planners read them, in Dutch and English: values and deltas."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["fmt_number"]


def fmt_number(value: Any, unit: str = "", lang: str = "nl", *, signed: bool = False, digits: int | None = None) -> str:
    """A number as planners read it: ``12.345``, ``78,4 %``, ``6,2 min``.

    Dutch uses a decimal comma and a dot for thousands; ``signed`` adds ``+``.
    ``unit`` ``%`` / ``pp`` / ``min`` / ``m`` / ``count`` / ``km``.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "–"
    if digits is None:
        digits = 0 if unit in ("count", "m", "") and abs(v) >= 10 or unit == "count" else 1
    text = f"{v:{'+' if signed else ''},.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    suffix = {"%": " %", "pp": " pp", "min": " min", "m": " m", "km": " km"}.get(unit, "")
    return text + suffix
