"""Safe file writing for the exporters.

Every export is written to a temporary name in the target folder and moved
into place only when complete (:func:`slimmeregio.layers.safe_io.atomic_path`),
so a failure never leaves a half file; an existing file is only replaced
when the caller allows it; file names built from data are sanitised.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from slimmeregio.layers.errors import ExportError, SlimmeRegioError
from slimmeregio.layers.safe_io import atomic_path, check_overwrite, safe_filename

__all__ = ["atomic_path", "check_overwrite", "safe_filename", "writing"]


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
        raise ExportError(path=target, reason=error.strerror or str(error), detail=str(error)) from error
    except Exception as error:  # a library failed half-way: report it as an export error
        raise ExportError(path=target, reason=f"{type(error).__name__}: {error}", detail=repr(error)) from error
