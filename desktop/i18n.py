"""User-visible text in Dutch (the default) or English.

Every string the user sees is written in Dutch in the source and passes
through :func:`tr`. The English catalogue maps each
Dutch source string to its English text (``resources/translations/en.json``,
shipped as package data); a test checks that the catalogue is
complete, so switching the language never leaves a Dutch word behind.

A plain JSON catalogue is used instead of Qt's ``.ts``/``.qm`` files because
compiling ``.qm`` needs Qt's ``lrelease``, which is not part of the PyQt6
wheels; the catalogue is human-editable and reviewed like code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["LANGUAGES", "language", "set_language", "tr", "catalogue"]

#: Supported interface languages, default first.
LANGUAGES: tuple[str, ...] = ("nl", "en")

_TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
_state = {"lang": "nl"}


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue mapping Dutch source text to ``lang`` (empty for nl)."""
    if lang == "nl":
        return {}
    path = _TRANSLATIONS / f"{lang}.json"
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def set_language(lang: str) -> None:
    """Switch the interface language (``nl`` or ``en``; anything else -> nl)."""
    _state["lang"] = lang if lang in LANGUAGES else "nl"


def language() -> str:
    """The current interface language code."""
    return _state["lang"]


def tr(text: str, /, **values: Any) -> str:
    """``text`` (Dutch source) in the current language, formatted with ``values``."""
    translated = catalogue(_state["lang"]).get(text, text) if _state["lang"] != "nl" else text
    return translated.format(**values) if values else translated
