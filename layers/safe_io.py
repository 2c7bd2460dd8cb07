"""Writing files so that a crash never leaves half a file behind.

Every file the application writes (project, scenario, export) goes through
:func:`atomic_path`: the data are written to a temporary file in the *same*
folder, flushed and fsync'd, and only then moved over the target with
:func:`os.replace`, which is atomic on POSIX and on Windows (same volume).
A reader therefore sees either the complete old file or the complete new one.

>>> from pathlib import Path
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> atomic_write_text(folder / "a.txt", "hallo")
>>> (folder / "a.txt").read_text()
'hallo'
>>> safe_filename("Halle / Vilvoorde: CON")
'Halle _ Vilvoorde_ CON'
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from slimmeregio.layers.errors import ExportError, OutputExistsError

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_overwrite",
    "fsync_directory",
    "remove_stale_temps",
    "safe_filename",
]

#: File names Windows refuses whatever the extension (case-insensitive).
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
    | {"COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
)
#: Characters not allowed in a file name on Windows, plus both separators.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def fsync_directory(folder: str | os.PathLike[str]) -> None:
    """Flush the directory entry of ``folder`` to disk (no-op where unsupported).

    After :func:`os.replace` the rename itself lives in the directory; on
    POSIX it survives a power cut only once the directory is fsync'd.
    Windows cannot open a directory for fsync; NTFS journals the rename.
    """
    if os.name == "nt":
        return
    try:
        fd = os.open(os.fspath(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    # Opening read-write works on both POSIX and Windows for fsync.
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_prefix(target: Path) -> str:
    """Start of the name of :func:`atomic_path`'s temporary files for ``target``."""
    return f".{target.name[:40]}."


def remove_stale_temps(path: str | os.PathLike[str], *, older_than: float) -> None:
    """Remove temporary files that :func:`atomic_path` left for ``path`` when
    a write was killed, once they are ``older_than`` seconds (never a live one)."""
    target = Path(path)
    now = time.time()
    pattern = f"{glob.escape(_temp_prefix(target))}*.tmp*"
    for tmp in target.parent.glob(pattern):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; replace ``path`` with it on success.

    The caller writes the complete file to the yielded path (with any library:
    GDAL, openpyxl, matplotlib ...). When the ``with`` block ends without an
    exception the temporary file is fsync'd and moved over ``path`` in one
    atomic step; when it raises, the temporary file is deleted and ``path`` is
    left exactly as it was.

    Parameters
    ----------
    path
        The final file.
    suffix
        Extension of the temporary file; default: that of ``path`` (some
        writers pick the format from the extension).

    Raises
    ------
    ExportError
        When the folder does not exist or the result cannot be moved in
        place (e.g. the target is open in another program on Windows).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(
            path=target,
            reason={"nl": "de map bestaat niet", "en": "the folder does not exist"},
        )
    fd, tmp_name = tempfile.mkstemp(
        prefix=_temp_prefix(target),
        suffix=f".tmp{suffix if suffix is not None else target.suffix}",
        dir=folder,
    )
    os.close(fd)
    tmp = Path(tmp_name)
    # Some writers (GDAL) refuse to create a file that already exists.
    tmp.unlink()
    try:
        yield tmp
        if not tmp.exists():
            raise ExportError(path=target, reason={"nl": "er werd niets geschreven", "en": "nothing was written"})
        _fsync_file(tmp)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise ExportError(
                path=target,
                reason={
                    "nl": "het bestand kon niet vervangen worden (open in een ander programma?)",
                    "en": "the file could not be replaced (open in another program?)",
                },
                detail=str(exc),
            ) from exc
        fsync_directory(folder)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        # GDAL may leave journal files (-journal, -wal, -shm) next to the temp.
        for extra in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{tmp}{extra}").unlink(missing_ok=True)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8"
) -> None:
    """Write ``text`` to ``path`` atomically, UTF-8 by default, ``\\n`` line ends."""
    atomic_write_bytes(path, text.encode(encoding))


def check_overwrite(path: str | os.PathLike[str], force: bool = False) -> Path:
    """Refuse to overwrite an existing ``path`` unless ``force``.

    Returns the path as :class:`~pathlib.Path`.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false.
    ExportError
        ``path`` is an existing directory (never overwritten).
    """
    target = Path(path)
    if target.is_dir():
        raise ExportError(path=target, reason={"nl": "dit is een map", "en": "this is a folder"})
    if target.exists() and not force:
        raise OutputExistsError(path=target)
    return target


def safe_filename(text: str, *, max_length: int = 120, default: str = "bestand") -> str:
    """Turn ``text`` (a municipality name, a scenario name ...) into a safe file name.

    No path separators, no ``..``, no characters Windows forbids, no control
    characters, no reserved Windows device names (``CON``, ``NUL``, ``COM1``
    ...), no leading/trailing dots or spaces, at most ``max_length``
    characters (UTF-8 bytes are capped at ``4 * max_length`` by construction).
    Letters with accents are kept (``Sint-Pieters-Leeuw``, ``Zemst``,
    ``Kraainem`` are fine as they are).

    >>> safe_filename("../../etc/passwd")
    '_._etc_passwd'
    >>> safe_filename("nul.txt")
    '_nul.txt'
    >>> safe_filename("   ")
    'bestand'
    """
    name = unicodedata.normalize("NFC", str(text))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cs", "Co", "Cn"})
    name = _FORBIDDEN.sub("_", name)
    # Collapse runs of dots so that '..' can never survive as a component.
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"_{2,}", "_", name)
    name = name.strip(" .")
    if not name:
        name = default
    if len(name) > max_length:
        name = name[:max_length].rstrip(" .") or default
    stem = name.split(".", 1)[0].strip(" ").upper()
    if stem in _WINDOWS_RESERVED:
        name = ("_" + name)[: max(max_length, len(default))].rstrip(" .")
    return name
