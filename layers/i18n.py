"""The one translation catalogue: Dutch source text to the user's language, for the app, the exports and the command line.

Every user-visible text outside the error classes is written in Dutch in the
source and passes through :func:`tr` with the language it is for. The English
catalogue (``resources/translations/en.json``, package data) maps each Dutch
source text to its English text; tests check it is complete for every literal
passed to ``tr`` in the package, with the same ``{fields}`` on both sides.

A text kept in a table is marked with :func:`N_` where it is written and
translated where it is shown (``tr(lang, TABLE[key])``); data that carries
its text in every language (an evaluation's notes) is built with
:func:`tr_each`. See docs/translating.md.

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

__all__ = ["CONTEXT_SEPARATOR", "LANGUAGES", "N_", "catalogue", "catalogue_path", "tr", "tr_each"]

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


def N_(text: str, /) -> str:
    """Mark Dutch source ``text`` for the catalogue without translating it (gettext's ``N_``).

    For texts kept in a table and translated where they are shown
    (``tr(lang, TABLE[key])``): the catalogue test collects the literal
    argument of every ``N_`` call as it does for ``tr``.
    """
    return text


def tr(lang: str, text: str, /, *, context: str | None = None, **values: Any) -> str:
    """``text`` (Dutch source) in ``lang``, formatted with ``values`` when given.

    Anything but a supported language other than Dutch returns the Dutch text.
    """
    translated = text
    if lang != "nl":
        key = f"{context}{CONTEXT_SEPARATOR}{text}" if context else text
        translated = catalogue(lang).get(key, text)
    return translated.format(**values) if values else translated


def tr_each(text: str, /, *, context: str | None = None, **values: Any) -> dict[str, str]:
    """``{lang: tr(lang, text)}`` for every language, for data that carries its
    text in all of them (an evaluation's notes, shown or exported in either)."""
    return {lang: tr(lang, text, context=context, **values) for lang in LANGUAGES}
