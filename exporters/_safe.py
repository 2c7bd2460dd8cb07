"""Safe file writing for the exporters.

Every export is written to a temporary name in the target folder and moved
into place only when complete (:func:`slimmeregio.layers.safe_io.atomic_path`),
so a failure never leaves a half file; an existing file is only replaced
when the caller allows it; file names built from data are sanitised.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from slimmeregio.layers.errors import ExportError, SlimmeRegioError
from slimmeregio.layers.safe_io import atomic_path, check_overwrite, safe_filename

__all__ = ["atomic_path", "check_overwrite", "html_text", "safe_filename", "writing", "xml_text"]

#: Characters XML 1.0 does not allow (C0 controls but tab/newline/return,
#: lone surrogates, U+FFFE, U+FFFF); every XML-based writer (xlsx, pptx, svg)
#: drops them instead of failing on a name a scenario accepted.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """``value`` as text that any XML document can hold (invalid characters removed).

    >>> xml_text("Jan\\uffff Peeters\\x07")
    'Jan Peeters'
    """
    return _XML_INVALID.sub("", "" if value is None else str(value))


def html_text(value: object, *, quote: bool = True) -> str:
    """``value`` as HTML text: escaped, without the characters XML forbids
    (the one rule for every text the web map writes)."""
    return html.escape(xml_text(value), quote=quote)


@contextmanager
def writing(path: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Check overwrite, then yield a temporary path that becomes ``path``.

    Raises :class:`~slimmeregio.layers.errors.OutputExistsError` when the
    file exists and ``force`` is False, and
    :class:`~slimmeregio.layers.errors.ExportError` (with the library's
    message as detail) when writing fails; the project's own errors and
    cancellation pass through unchanged. Either way no partial file remains.
    """
    target = Path(path)
    check_overwrite(target, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            yield tmp
    except SlimmeRegioError:
        raise
    except OSError as error:
        raise ExportError(
            path=target, reason=error.strerror or str(error), detail=str(error)
        ) from error
    except Exception as error:  # a library failed half-way: report it as an export error
        raise ExportError(
            path=target, reason=f"{type(error).__name__}: {error}", detail=repr(error)
        ) from error
