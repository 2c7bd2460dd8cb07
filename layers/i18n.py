"""The one translation catalogue: Dutch source text to the user's language, for the app, the exports and the command line.

Every user-visible text outside the error classes is written in Dutch in the
source and passes through :func:`tr` with the language it is for. The English
catalogue (``resources/translations/en.json``, package data) maps each Dutch
source text to its English text; tests check it is complete for every literal
passed to ``tr`` in the package, with the same ``{fields}`` on both sides.

A Dutch word with two English meanings gets a *context*, written into the key
as gettext does (``"context\\x04text"``): ``tr(lang, "Wijziging",
context="delta")`` is "Change", plain ``"Wijziging"`` is "Modification".

Error messages keep their own bilingual templates (``layers/errors.py``): an
error carries its message in both languages as data, so a log line and the
screen can each show the language they need.

A plain JSON catalogue is used instead of gettext ``.po``/``.mo`` or Qt's
``.ts``/``.qm`` because it needs no compile step (Qt's ``lrelease`` is not in
the PyQt6 wheels) and is reviewed like code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CONTEXT_SEPARATOR", "LANGUAGES", "catalogue", "catalogue_path", "tr"]

#: Supported languages, default first.
LANGUAGES: tuple[str, ...] = ("nl", "en")

#: Separates a context from the Dutch text in a catalogue key (gettext's EOT).
CONTEXT_SEPARATOR = "\x04"

_TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"


def catalogue_path(lang: str) -> Path:
    """Where the catalogue for ``lang`` lives (package data)."""
    return _TRANSLATIONS / f"{lang}.json"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue mapping Dutch source text to ``lang`` (empty for nl)."""
    if lang == "nl":
        return {}
    path = catalogue_path(lang)
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def tr(lang: str, text: str, /, *, context: str | None = None, **values: Any) -> str:
    """``text`` (Dutch source) in ``lang``, formatted with ``values`` when given.

    Anything but a supported language other than Dutch returns the Dutch text.
    """
    translated = text
    if lang != "nl":
        key = f"{context}{CONTEXT_SEPARATOR}{text}" if context else text
        translated = catalogue(lang).get(key, text)
    return translated.format(**values) if values else translated
