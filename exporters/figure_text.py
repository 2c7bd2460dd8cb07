"""Text safety for map figures: characters XML forbids dropped, missing glyphs reported once.

SVG is XML and PDF metadata is text, so every text on a figure goes through
:func:`~slimmeregio.exporters._safe.xml_text` before saving. matplotlib warns
once per glyph and per draw when the map font lacks a character; a planner's
export should say that once, in the log, not flood the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Iterator

from matplotlib.figure import Figure

from slimmeregio.exporters._safe import xml_text

__all__ = ["clean_figure_texts", "missing_glyphs_reported_once"]

_log = logging.getLogger(__name__)
#: Characters already reported as missing from the map font (once per process).
_GLYPHS_REPORTED: set[str] = set()
_GLYPH_WARNING = re.compile(r"Glyph (\d+) .*missing from font")


@contextlib.contextmanager
def missing_glyphs_reported_once() -> Iterator[None]:
    """Collect matplotlib's "Glyph missing" warnings and log the characters once;
    other warnings pass on unchanged."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing: set[str] = set()
    for w in caught:
        found = _GLYPH_WARNING.search(str(w.message))
        if found:
            missing.add(chr(int(found.group(1))))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    new = sorted(missing - _GLYPHS_REPORTED)
    if new:
        _GLYPHS_REPORTED.update(new)
        _log.warning(
            "the map font has no glyph for %s; left blank on the maps",
            ", ".join(f"U+{ord(c):04X}" for c in new),
        )


def clean_figure_texts(fig: Figure) -> None:
    """Drop characters XML forbids from every text of ``fig``."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        value = text.get_text()
        clean = xml_text(value)
        if clean != value:
            text.set_text(clean)
