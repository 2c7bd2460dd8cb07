"""The interface language of the app: the current language and ``tr`` in it.

The catalogue itself is the package's one catalogue (:mod:`slimmeregio.layers.i18n`),
shared with the exports and the command line; this module only holds which
language the window speaks.
"""

from __future__ import annotations

from typing import Any

from slimmeregio.layers.i18n import LANGUAGES, catalogue
from slimmeregio.layers.i18n import tr as _tr

__all__ = ["LANGUAGES", "language", "set_language", "tr", "catalogue"]

_state = {"lang": "nl"}


def set_language(lang: str) -> None:
    """Switch the interface language (``nl`` or ``en``; anything else -> nl)."""
    _state["lang"] = lang if lang in LANGUAGES else "nl"


def language() -> str:
    """The current interface language code."""
    return _state["lang"]


def tr(text: str, /, **values: Any) -> str:
    """``text`` (Dutch source) in the current language, formatted with ``values``."""
    return _tr(_state["lang"], text, **values)
