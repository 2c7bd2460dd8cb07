"""Replacing a council pack as one unit: which files were the old pack, and the
check of the new pack before it is swapped in.

:func:`replace_pack` wraps :func:`slimmeregio.layers.safe_io.replace_folder`:
the new pack is written into a hidden staging folder next to the output
folder, its ``manifest.json`` is verified there (every listed file present
with its size and SHA-256, no unlisted file), and the folder is swapped in.
The files of the previous pack (those its manifest lists, its manifest and
read-me) are not carried over, so the folder never mixes two packs; the
user's own files in the folder are kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.safe_io import replace_folder

__all__ = ["file_sha256", "pack_members", "replace_pack", "verify_pack"]

#: Files every pack has besides those its manifest lists.
_FIXED = frozenset({"manifest.json", "LEESMIJ.txt", "README.txt"})


def pack_members(folder: str | Path) -> frozenset[str]:
    """Relative paths of the pack in ``folder`` (from its manifest), plus the
    manifest and read-me names; only those when there is no readable manifest."""
    try:
        data = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
        listed = {str(f["path"]) for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        listed = set()
    return _FIXED | frozenset(listed)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_pack(folder: str | Path, *, others: Iterable[str] = ()) -> None:
    """Check that ``folder`` holds exactly the pack its manifest describes
    (plus the files ``others``, relative paths of the user's own files).

    Raises
    ------
    ExportError
        A listed file is missing or differs in size or SHA-256, or a file is
        not listed.
    """
    root = Path(folder)

    def bad(nl: str, en: str) -> ExportError:
        return ExportError(path=root, reason={"nl": nl, "en": en})

    try:
        files = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise bad(
            "manifest.json ontbreekt of is onleesbaar", "manifest.json is missing or unreadable"
        ) from exc
    listed = set()
    for entry in files:
        rel = str(entry["path"])
        listed.add(rel)
        path = root / rel
        if not path.is_file() or path.is_symlink():
            raise bad(f"{rel} ontbreekt", f"{rel} is missing")
        if path.stat().st_size != entry["bytes"] or file_sha256(path) != entry["sha256"]:
            raise bad(f"{rel} verschilt van manifest.json", f"{rel} differs from manifest.json")
    extra = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if not p.is_dir() and p.relative_to(root).as_posix() not in listed | _FIXED | set(others)
    )
    if extra:
        raise bad(f"{extra[0]} staat niet in manifest.json", f"{extra[0]} is not in manifest.json")


@contextmanager
def replace_pack(out: str | Path) -> Iterator[Path]:
    """Yield the staging folder for a new pack; on success verify it and swap
    it in for ``out`` (the previous pack's files go, the user's own stay)."""
    old = pack_members(out)
    with replace_folder(out, keep=lambda rel: rel not in old) as staging:
        yield staging
        verify_pack(staging)
