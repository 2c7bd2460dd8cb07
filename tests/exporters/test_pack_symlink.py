"""A pack written over a folder holding symbolic links: nothing is written
through a link out of the output folder (issue 21, item 7)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from slimmeregio.exporters.pack import export_pack
from slimmeregio.exporters.pack_swap import verify_pack

from .conftest import Results


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_symlinked_pack_folder_is_replaced_not_followed(results: Results, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me")
    before = _tree(elsewhere)
    out = tmp_path / "pack"
    out.mkdir()
    # the per-municipality folder of the pack is a link to a folder outside
    (out / "gemeenten").symlink_to(elsewhere, target_is_directory=True)
    manifest = export_pack(
        [results.comparison],
        out,
        project=results.project,
        formats="xlsx",
        municipalities=["Halle"],
        force=True,
    )
    assert _tree(elsewhere) == before  # nothing written through the link
    assert (out / "gemeenten").is_dir() and not (out / "gemeenten").is_symlink()
    assert any(f.path.startswith("gemeenten/") for f in manifest.files)
    verify_pack(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
