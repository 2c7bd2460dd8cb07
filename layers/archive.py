"""Safe extraction of zip archives (zipped shapefiles).

An archive is checked as a whole *before* anything is written: every entry
must stay inside the extraction folder (no absolute paths, no ``..``, no
links: "zip-slip"), and the declared sizes must stay within the limits below
(no "zip bombs"). While extracting, the bytes actually written are counted
too, because declared sizes can lie. A refused archive leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from slimmeregio.layers.errors import CorruptFileError, UnsafeArchiveError

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_ENTRIES",
    "MAX_TOTAL_BYTES",
    "RATIO_CHECK_MIN_BYTES",
    "extracted",
    "safe_extract",
]

#: Most entries an archive may hold.
MAX_ENTRIES = 10_000
#: Most bytes all entries may hold together once extracted (2 GiB).
MAX_TOTAL_BYTES = 2 * 1024**3
#: Highest compression ratio (extracted / compressed) an entry may have ...
MAX_COMPRESSION_RATIO = 200.0
#: ... once it is larger than this (small files compress oddly well).
RATIO_CHECK_MIN_BYTES = 1024**2

_CHUNK = 1024 * 1024


def _unsafe(path: Path, reason: str) -> UnsafeArchiveError:
    return UnsafeArchiveError(path=path, reason=reason)


def _member_target(info: zipfile.ZipInfo, root: Path, path: Path) -> Path | None:
    """Where ``info`` would land under ``root``; None for a folder entry."""
    # Some Windows tools write backslashes as separators: read them as such.
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _unsafe(path, f"zip-slip '{info.filename}'")
    parts = PurePosixPath(name).parts
    if any(part == ".." for part in parts):
        raise _unsafe(path, f"zip-slip '{info.filename}'")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise _unsafe(path, f"link '{name}'")
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()):
        raise _unsafe(path, f"zip-slip '{info.filename}'")
    return None if info.is_dir() or name.endswith("/") else target


def _check(archive: zipfile.ZipFile, root: Path, path: Path) -> list[tuple[zipfile.ZipInfo, Path]]:
    """All checks on the declared contents; returns (entry, target) pairs."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _unsafe(path, f"zip bomb: {len(infos)} entries > {MAX_ENTRIES}")
    total = 0
    plan: list[tuple[zipfile.ZipInfo, Path]] = []
    for info in infos:
        target = _member_target(info, root, path)
        if info.flag_bits & 0x1:
            raise CorruptFileError(path=path, detail=f"encrypted entry '{info.filename}'")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _unsafe(path, f"zip bomb: more than {MAX_TOTAL_BYTES // 1024**2} MB uncompressed")
        if info.file_size > RATIO_CHECK_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise _unsafe(path, f"zip bomb: '{info.filename}' compressed {ratio:.0f}:1")
        if target is not None:
            plan.append((info, target))
    return plan


def _copy_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, path: Path) -> int:
    """Copy one entry, refusing more bytes than it declared."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, open(target, "wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise _unsafe(path, f"zip bomb: '{info.filename}' larger than declared")
            out.write(chunk)
    return written


def safe_extract(
    path: str | Path, dest: str | Path, *, only: Callable[[str], bool] | None = None
) -> list[Path]:
    """Extract the zip archive ``path`` into the folder ``dest``.

    ``only``, when given, picks the entries to write by their name inside the
    archive (e.g. only the GTFS tables an import reads); every entry is still
    checked.

    Returns
    -------
    list of Path
        The extracted files.

    Raises
    ------
    UnsafeArchiveError
        For zip-slip entries, links or sizes beyond :data:`MAX_TOTAL_BYTES`,
        :data:`MAX_ENTRIES` or :data:`MAX_COMPRESSION_RATIO`. Nothing of the
        archive is left in ``dest``.
    CorruptFileError
        When the file is not a readable zip archive.
    """
    path = Path(path)
    root = Path(dest)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        with zipfile.ZipFile(path) as archive:
            plan = _check(archive, root, path)
            for info, target in plan:
                if only is not None and not only(info.filename.replace("\\", "/")):
                    continue
                # Record before writing, so a partly written file is removed too.
                written.append(target)
                _copy_limited(archive, info, target, path)
    except (UnsafeArchiveError, CorruptFileError):
        _remove(written, root)
        raise
    # RuntimeError also covers zipfile's unsupported compression methods.
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        RuntimeError,
    ) as error:
        _remove(written, root)
        raise CorruptFileError(path=path, detail=str(error)) from error
    return written


def _remove(files: list[Path], root: Path) -> None:
    for file in files:
        with contextlib.suppress(OSError):
            file.unlink()
    # Empty folders the archive created, deepest first.
    for folder in sorted({f.parent for f in files}, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_relative_to(root):
            with contextlib.suppress(OSError):
                folder.rmdir()
            folder = folder.parent


@contextlib.contextmanager
def extracted(path: str | Path, *, only: Callable[[str], bool] | None = None) -> Iterator[Path]:
    """Extract ``path`` (the entries ``only`` picks, default all) into a
    temporary folder that is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="slimmeregio-zip-"))
    try:
        safe_extract(path, folder, only=only)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
