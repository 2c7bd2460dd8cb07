"""Writing files so that a crash never leaves half a file behind.

Every file the application writes (project, scenario, export) goes through
:func:`atomic_path`: the data are written to a temporary file in the *same*
folder, flushed and fsync'd, and only then moved over the target with
:func:`os.replace`, which is atomic on POSIX and on Windows (same volume).
A reader therefore sees either the complete old file or the complete new one.
A whole output folder (an export pack, ``run``'s two result files) is
replaced the same way by :func:`replace_folder`: written complete into a
hidden folder next to it and swapped in with folder renames;
:func:`recover_folder` finishes or undoes a swap a killed process left, and
:func:`output_folder` checks an output folder before any work.

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
import errno
import glob
import hashlib
import os
import re
import secrets
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from slimmeregio.layers.errors import ExportError, OutputExistsError

__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_overwrite",
    "fsync_directory",
    "output_folder",
    "recover_folder",
    "replace_folder",
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
            raise ExportError(
                path=target, reason={"nl": "er werd niets geschreven", "en": "nothing was written"}
            )
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


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
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


# -- replacing a whole folder as one unit ----------------------------------------
#
# A pack (or the two result files of ``run``) must never be seen half old,
# half new. The new content is written into a hidden staging folder *next to*
# the target, completed and checked there, and then swapped in with folder
# renames:
#
#   1. ``.NAME.<h>.staging-<pid>-<tok>``  -> ``.NAME.<h>.new-<tok>``   (complete)
#   2. ``NAME``                          -> ``.NAME.<h>.old-<tok>``   (backup)
#   3. ``.NAME.<h>.new-<tok>``            -> ``NAME``
#   4. the backup is deleted.
#
# Each rename is atomic. Between 2 and 3 the target is briefly missing; a
# process killed exactly there leaves a complete ``.new`` (and ``.old``) folder,
# and :func:`recover_folder` (run before every write) completes the swap. A
# ``.new`` folder next to an existing target is an unfinished swap that never
# started: it is deleted and the target (the old content) stays.

#: Most entries of foreign files carried over into a replaced folder; a
#: larger folder is not a pack folder (e.g. a home folder) and is refused.
MAX_CARRIED_ENTRIES = 10_000
#: Temporary files of :func:`atomic_path` and staging folders of older
#: versions (inside the output folder) that a killed run left behind.
_LEFTOVER = re.compile(r"(^|/)(\.slimmeregio-pack-[^/]*|\.[^/]*\.[a-z0-9_]{8}\.tmp[^/]*)$")


def _swap_prefix(target: Path) -> str:
    digest = hashlib.sha256(target.name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f".{target.name[:40]}.{digest}."


def _rename(src: Path, dst: Path) -> None:
    """One rename of the folder swap (a separate function so tests can kill at each)."""
    os.rename(src, dst)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # no cheap check; the name's age decides instead
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _folder_error(path: Path, nl: str, en: str, detail: str | None = None) -> ExportError:
    return ExportError(path=path, reason={"nl": nl, "en": en}, detail=detail)


def recover_folder(path: str | os.PathLike[str]) -> None:
    """Finish or undo a folder swap that a killed process left behind, and
    delete its hidden staging folders (see :func:`replace_folder`).

    When the target is missing, a complete ``.new`` folder becomes the target
    (the swap is completed) or else the ``.old`` backup is put back. Staging
    folders of a process that is still running are left alone.
    """
    target = Path(path)
    parent = target.parent
    prefix = _swap_prefix(target)
    try:
        entries = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    news = sorted(
        (p for p in entries if p.name[len(prefix) :].startswith("new-")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    olds = [p for p in entries if p.name[len(prefix) :].startswith("old-")]
    if not os.path.lexists(target):
        for candidate in [*news, *olds]:
            try:
                _rename(candidate, target)
            except OSError:
                continue
            fsync_directory(parent)
            break
    for entry in entries:
        rest = entry.name[len(prefix) :]
        if not entry.exists() or entry == target:
            continue
        if rest.startswith("staging-"):
            pid_text = rest[len("staging-") :].split("-", 1)[0]
            if pid_text.isdigit() and _pid_alive(int(pid_text)):
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat().st_mtime < 24 * 3600:
                        continue
        _remove_tree(entry)


def _first_existing(path: Path) -> Path:
    probe = path
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    return probe


def output_folder(path: str | os.PathLike[str]) -> Path:
    """Check an output folder *before* any work and return it normalised.

    ``a/../b/./c/..//out`` becomes the absolute ``b/out`` (so no stray empty
    folders are made); a swap left unfinished by a killed run is recovered.

    Raises
    ------
    ExportError
        The path is a file, lies below a file, is a symbolic link to
        somewhere else's folder (refused, never followed), or the folder (or
        the folder it would be made in) is not writable.
    """
    given = Path(path)
    target = Path(os.path.normpath(os.path.abspath(given)))
    # resolve symlinked parents (not the target itself) so '..' means what the system means
    target = Path(os.path.realpath(target.parent)) / target.name if target.name else target
    if target.is_symlink():
        raise _folder_error(
            given,
            "dit is een symbolische koppeling; geef de map zelf op",
            "this is a symbolic link; give the folder itself",
        )
    if os.path.lexists(target) and not target.is_dir():
        raise _folder_error(given, "dit is geen map", "this is not a folder")
    if os.path.ismount(target):
        raise _folder_error(
            given,
            "dit is een koppelpunt van een schijf; kies een map erin",
            "this is a mount point; choose a folder inside it",
        )
    existing = _first_existing(target.parent)
    if not existing.is_dir():
        raise _folder_error(
            given, f"'{existing}' is een bestand, geen map", f"'{existing}' is a file, not a folder"
        )
    for folder in ([target] if target.is_dir() else []) + [existing]:
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _folder_error(
                given,
                f"de map '{folder}' is niet schrijfbaar",
                f"the folder '{folder}' is not writable",
            )
    recover_folder(target)
    return target


def _carry_over(old: Path, new: Path, keep: Callable[[str], bool]) -> None:
    """Hard-link (or copy) the files of ``old`` that ``keep`` accepts and that
    ``new`` lacks into ``new``; symbolic links are copied as links."""
    count = 0
    emptied: list[Path] = []
    for root, dirs, files in os.walk(old):
        rel_root = os.path.relpath(root, old)
        for name in sorted(dirs + files):
            rel = name if rel_root == "." else f"{rel_root}/{name}"
            rel = rel.replace(os.sep, "/")
            src = Path(root) / name
            dst = new / rel
            if os.path.lexists(dst) or _LEFTOVER.search(rel) or not keep(rel):
                if name in dirs:
                    dirs.remove(name)  # a pack folder or one the new content replaces
                continue
            count += 1
            if count > MAX_CARRIED_ENTRIES:
                raise _folder_error(
                    old,
                    f"de map bevat meer dan {MAX_CARRIED_ENTRIES} andere bestanden; "
                    "kies een lege map of een exportmap",
                    f"the folder holds more than {MAX_CARRIED_ENTRIES} other files; "
                    "choose an empty folder or an export folder",
                )
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
                if name in dirs:
                    dirs.remove(name)
            elif name in dirs:
                dst.mkdir()
                shutil.copymode(src, dst)
                if any(os.scandir(src)):
                    emptied.append(dst)  # removed below if only the old pack's files were in it
            else:
                try:
                    os.link(src, dst)
                except OSError:
                    shutil.copy2(src, dst)
    for folder in reversed(emptied):
        with contextlib.suppress(OSError):
            folder.rmdir()  # fails (and stays) unless empty


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                with contextlib.suppress(OSError):
                    _fsync_file(path)
        fsync_directory(root)


def _swap_in(staging: Path, target: Path, ready: Path, backup: Path) -> None:
    """The swap of :func:`replace_folder`: ``staging`` renamed to ``ready``,
    the old ``target`` (if any) to ``backup``, ``ready`` to ``target``, then
    ``backup`` removed; a failed rename puts the old folder back."""
    parent = target.parent
    _rename(staging, ready)
    fsync_directory(parent)
    had_old = os.path.lexists(target)
    try:
        if had_old:
            _rename(target, backup)
        _rename(ready, target)
    except OSError as exc:
        if had_old and not os.path.lexists(target) and backup.exists():
            _rename(backup, target)
        _remove_tree(ready)
        reason_nl = "de map kon niet vervangen worden (open in een ander programma?)"
        reason_en = "the folder could not be replaced (open in another program?)"
        if exc.errno in (errno.EXDEV, errno.EBUSY):
            reason_nl, reason_en = (
                "de map is in gebruik of een koppelpunt",
                "the folder is busy or a mount point",
            )
        raise _folder_error(target, reason_nl, reason_en, detail=str(exc)) from exc
    fsync_directory(parent)
    _remove_tree(backup)


@contextlib.contextmanager
def replace_folder(
    path: str | os.PathLike[str], *, keep: Callable[[str], bool] = lambda rel: True
) -> Iterator[Path]:
    """Yield an empty hidden staging folder next to ``path``; on success it
    becomes ``path`` in one swap (see the comment above :func:`recover_folder`).

    The caller writes the complete new content into the staging folder (and
    checks it there). When the ``with`` block ends without an exception, the
    files of the old folder that the new content does not hold and that
    ``keep(relative_path)`` accepts (the user's own files) are hard-linked
    into it, and the staging folder is swapped in; the old folder is deleted
    only after the new one is in place. When the block raises, the staging
    folder is deleted and ``path`` is untouched.
    """
    target = output_folder(path)
    parent = target.parent
    made: list[Path] = []  # parent folders this call makes: removed again on failure
    probe = parent
    while not os.path.lexists(probe) and probe != probe.parent:
        made.append(probe)
        probe = probe.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = _swap_prefix(target)
    token = secrets.token_hex(4)
    staging = parent / f"{prefix}staging-{os.getpid()}-{token}"
    try:
        staging.mkdir(mode=0o777)
    except OSError as exc:
        raise _folder_error(
            target,
            "de tijdelijke map kan niet gemaakt worden",
            "the temporary folder cannot be made",
            detail=str(exc),
        ) from exc
    try:
        try:
            yield staging
        except ExportError as exc:
            # name the file the user asked for, not its hidden staging copy
            if exc.path and exc.path.startswith(str(staging)):
                exc.path = str(target) + exc.path[len(str(staging)) :]
            raise
        if target.is_dir():
            if target.is_symlink():
                raise _folder_error(
                    target,
                    "de map werd een symbolische koppeling",
                    "the folder became a symbolic link",
                )
            _carry_over(target, staging, keep)
            shutil.copymode(target, staging)
        _fsync_tree(staging)
        _swap_in(staging, target, parent / f"{prefix}new-{token}", parent / f"{prefix}old-{token}")
    finally:
        if staging.exists():
            _remove_tree(staging)
        if not target.exists():
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()
