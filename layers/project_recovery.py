"""Recovery files, the desktop's autosave: where they live, writing, finding, loading and discarding them."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

from slimmeregio.layers.model import (
    Project,
)
from slimmeregio.layers.progress import CancelCheck, ProgressCallback
from slimmeregio.layers.project_load import load_project, read_document
from slimmeregio.layers.project_save import save_project
from slimmeregio.layers.safe_io import (
    safe_filename,
)

__all__ = [
    "discard_recovery",
    "find_recovery",
    "load_recovery",
    "recovery_dir",
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
    """Save a recovery copy of ``project`` (atomically); return its path."""
    target = recovery_path(project.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_project(project, target, progress=progress, cancel=cancel, origin=project.path)
    return target


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
