"""Recovery files, the desktop's autosave: where they live, writing, finding, loading and discarding them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

from slimmeregio.layers.model import (
    Project,
)
from slimmeregio.layers.progress import CancelCheck, ProgressCallback
from slimmeregio.layers.project_codec import PROJECT_TABLE, app_version
from slimmeregio.layers.project_load import load_project, read_document
from slimmeregio.layers.project_save import _document, _layer_document, save_project
from slimmeregio.layers.safe_io import (
    atomic_path,
    safe_filename,
)

__all__ = [
    "discard_recovery",
    "find_recovery",
    "load_recovery",
    "recovery_dir",
    "recovery_is_quick",
    "recovery_path",
    "write_recovery",
]


def recovery_dir() -> Path:
    """Where recovery files go.

    ``$SLIMMEREGIO_RECOVERY_DIR`` when set (tests use it); else the user's
    data folder: ``%LOCALAPPDATA%\\SlimmeRegio\\recovery`` on Windows,
    ``~/Library/Application Support/slimmeregio/recovery`` on macOS,
    ``$XDG_DATA_HOME/slimmeregio/recovery`` (default
    ``~/.local/share/slimmeregio/recovery``) elsewhere.
    """
    env = os.environ.get("SLIMMEREGIO_RECOVERY_DIR")
    if env:
        return Path(env)
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
        return root / "SlimmeRegio" / "recovery"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "slimmeregio" / "recovery"
    xdg = os.environ.get("XDG_DATA_HOME")
    root = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return root / "slimmeregio" / "recovery"


def recovery_path(project_path: str | os.PathLike[str] | None) -> Path:
    """The recovery file for a project file, or for an unsaved project.

    A saved project gets one recovery file per project path (name plus a
    hash of the full path, so two ``plan.srp`` in different folders do not
    collide); an unsaved project gets one per running process.
    """
    folder = recovery_dir()
    if project_path is None:
        return folder / f"naamloos-{os.getpid()}.srp"
    resolved = Path(project_path).expanduser().resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = safe_filename(resolved.stem, max_length=60, default="project")
    return folder / f"{stem}-{digest}.srp"


def write_recovery(
    project: Project,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Path:
    """Save a recovery copy of ``project`` (atomically); return its path.

    When this process wrote the copy before and every layer still holds the
    same data (the desktop replaces a layer's frame, it never edits one in
    place), only the project document (scenarios, settings, each layer's
    name, style and other metadata) is rewritten, in a copy of the file moved
    over it: the autosave before a run then takes milliseconds instead of
    re-encoding 300,000 addresses while the run computes.
    """
    target = recovery_path(project.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = tuple(layer.data for layer in project.layers)
    if recovery_is_quick(project):
        try:
            _rewrite_document(project, target)
            with _LOCK:
                _WRITTEN[target] = (data, _stamp(target))
            return target
        except (OSError, sqlite3.Error, ValueError, KeyError, TypeError):
            pass  # the whole copy below
    save_project(project, target, progress=progress, cancel=cancel, origin=project.path)
    with _LOCK:
        _WRITTEN[target] = (data, _stamp(target))
    return target


def recovery_is_quick(project: Project) -> bool:
    """Whether :func:`write_recovery` of ``project`` would only rewrite the
    project document: this process wrote its recovery copy and every layer
    still holds the data it wrote (else it encodes and writes every layer,
    seconds of work on an address-level project)."""
    target = recovery_path(project.path)
    data = tuple(layer.data for layer in project.layers)
    with _LOCK:
        before, stamp = _WRITTEN.get(target, ((), None))
    return (
        stamp is not None
        and len(before) == len(data)
        and all(a is b for a, b in zip(before, data, strict=True))
        and _stamp(target) == stamp  # the file is still the one written here
    )


#: Per recovery file this process wrote: each layer's data object at the
#: time, and the file's size and modification time after writing.
_WRITTEN: dict[Path, tuple[tuple[Any, ...], tuple[int, int] | None]] = {}
_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _rewrite_document(project: Project, target: Path) -> None:
    """The recovery file with a new project document; its layer tables kept."""
    _, old = read_document(target)
    stored = old["layers"]
    docs = [
        _layer_document(layer, str(doc["table"]), doc.get("layout"))
        for layer, doc in zip(project.layers, stored, strict=True)
    ]
    text = json.dumps(_document(project, docs, project.path), ensure_ascii=True, default=str)
    with atomic_path(target) as tmp:
        shutil.copyfile(target, tmp)
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            changed = db.execute(
                f"UPDATE {PROJECT_TABLE} SET project = ?, app_version = ?",  # noqa: S608 - a constant table name
                (text, app_version()),
            ).rowcount
            if changed != 1:
                raise ValueError("the recovery file's project table has no single row")
            db.commit()


def find_recovery() -> list[Path]:
    """Recovery files present, newest first (interrupted temp files excluded)."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob("*.srp") if p.is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def load_recovery(path: str | os.PathLike[str]) -> Project:
    """Load a recovery file; ``project.path`` is the original project (or None)."""
    project = load_project(path)
    _, doc = read_document(Path(path))
    origin = doc.get("origin_path")
    project.path = Path(origin) if origin else None
    return project


def discard_recovery(path: str | os.PathLike[str]) -> None:
    """Delete a recovery file (after a normal save, or when the user declines it)."""
    with contextlib.suppress(FileNotFoundError):
        Path(path).unlink()
