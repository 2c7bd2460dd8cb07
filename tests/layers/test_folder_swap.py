"""Replacing a whole folder as one unit (safe_io.replace_folder): kills at every
rename leave the old or the new content, never a mix; symlinks are not followed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.safe_io import output_folder, recover_folder, replace_folder

ROOT = Path(__file__).resolve().parents[3]


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_replace_keeps_own_files_drops_unkept_and_leaves_no_hidden(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    (out / "sub").mkdir(parents=True)
    (out / "a.txt").write_text("old a")
    (out / "gone.txt").write_text("old pack file")
    (out / "sub" / "mine.txt").write_text("user")
    with replace_folder(out, keep=lambda rel: rel != "gone.txt") as staging:
        assert staging.parent == tmp_path and staging.name.startswith(".") and staging.is_dir()
        (staging / "a.txt").write_text("new a")
        (staging / "b.txt").write_text("new b")
    assert _tree(out) == {"a.txt": "new a", "b.txt": "new b", "sub/mine.txt": "user"}
    assert [p.name for p in tmp_path.iterdir()] == ["pack"]


def test_failure_leaves_target_untouched(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "a.txt").write_text("old")
    with pytest.raises(RuntimeError), replace_folder(out) as staging:
        (staging / "a.txt").write_text("half")
        raise RuntimeError("boom")
    assert _tree(out) == {"a.txt": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["pack"]


def test_symlinked_folder_inside_output_is_replaced_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("precious")
    out = tmp_path / "pack"
    out.mkdir()
    (out / "kaarten").symlink_to(elsewhere, target_is_directory=True)
    (out / "link_mine").symlink_to(elsewhere, target_is_directory=True)
    with replace_folder(out) as staging:
        (staging / "kaarten").mkdir()
        (staging / "kaarten" / "map.svg").write_text("<svg/>")
    assert _tree(elsewhere) == {"keep.txt": "precious"}  # nothing written through the link
    assert (out / "kaarten").is_dir() and not (out / "kaarten").is_symlink()
    assert (out / "link_mine").is_symlink()  # the user's own link is kept as a link


def test_output_folder_refusals(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    for bad in (afile, afile / "sub", afile / "sub" / "deeper"):
        with pytest.raises(ExportError):
            output_folder(bad)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ExportError):
        output_folder(link)
    # a/../b/./c/..//out is b/out: no stray a or c folders are made
    assert output_folder(str(tmp_path) + "/a/../b/./c/..//out") == tmp_path / "b" / "out"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_immutable_folder_is_refused_before_work(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        with pytest.raises(ExportError) as info:
            output_folder(out)
        assert "writable" in info.value.message("en")
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)


_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from slimmeregio.layers import safe_io

    point, out = int(sys.argv[1]), Path(sys.argv[2])
    calls = [0]
    real_rename, real_remove = safe_io._rename, safe_io._remove_tree

    def step() -> None:
        calls[0] += 1
        if calls[0] == point:
            os.kill(os.getpid(), signal.SIGKILL)

    def rename(src, dst):
        step()
        real_rename(src, dst)

    def remove(path):
        step()
        # kill half-way through deleting the backup
        files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        if calls[0] + 1 == point and files:
            files[0].unlink()
            os.kill(os.getpid(), signal.SIGKILL)
        real_remove(path)

    safe_io._rename, safe_io._remove_tree = rename, remove
    with safe_io.replace_folder(out) as staging:
        for name in ("a", "b", "c"):
            (staging / name).write_text("new")
    """
)


@pytest.mark.parametrize("point", [1, 2, 3, 4, 5, 99])
def test_kill_at_every_step_of_the_swap(tmp_path: Path, point: int) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    for name in ("a", "b", "c"):
        (out / name).write_text("old")
    (out / "mine.txt").write_text("user")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(point), str(out)],
        env=env,
        capture_output=True,
        timeout=60,
    )
    killed = proc.returncode == -signal.SIGKILL
    assert killed == (point < 99), proc.stderr
    recover_folder(out)
    tree = _tree(out)
    versions = {tree[n] for n in ("a", "b", "c")}
    assert len(versions) == 1, tree  # never a mix
    assert tree["mine.txt"] == "user"
    # before rename 1 or 2 the old content stays; from the third on the new one wins
    assert versions == ({"old"} if point <= 2 else {"new"})
    assert [p.name for p in tmp_path.iterdir()] == ["pack"], json.dumps(os.listdir(tmp_path))


def test_leftovers_of_killed_runs_are_cleaned(tmp_path: Path) -> None:
    from slimmeregio.layers.safe_io import _swap_prefix

    out = tmp_path / "pack"
    (out / ".slimmeregio-pack-abc123" / "kaarten").mkdir(parents=True)  # old in-folder staging
    (out / ".slimmeregio-pack-abc123" / "kaarten" / "x.pdf").write_bytes(b"0" * 1000)
    (out / ".resultaten.xlsx.ab_cd123.tmp.xlsx").write_bytes(b"half")  # a killed atomic write
    (out / "mine.txt").write_text("user")
    dead = tmp_path / f"{_swap_prefix(out)}staging-999999999-0badf00d"  # no such process
    dead.mkdir()
    (dead / "a").write_text("half")
    with replace_folder(out) as staging:
        (staging / "a").write_text("new")
    assert _tree(out) == {"a": "new", "mine.txt": "user"}
    assert [p.name for p in tmp_path.iterdir()] == ["pack"]


def test_error_names_the_target_not_the_staging_copy(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    with pytest.raises(ExportError) as info, replace_folder(out) as staging:
        raise ExportError(path=staging / "kaart.pdf", reason={"nl": "x", "en": "x"})
    assert info.value.path == str(out / "kaart.pdf")


def test_failure_removes_the_parents_it_made_and_old_pack_folders_go(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), replace_folder(tmp_path / "new" / "deep" / "out") as staging:
        (staging / "a").write_text("half")
        raise RuntimeError("cancel")
    assert list(tmp_path.iterdir()) == []
    out = tmp_path / "pack"
    (out / "kaarten").mkdir(parents=True)
    (out / "kaarten" / "old.pdf").write_text("old pack")
    (out / "leeg").mkdir()  # the user's own empty folder stays
    with replace_folder(out, keep=lambda rel: rel != "kaarten/old.pdf") as staging:
        (staging / "a").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["a", "leeg"]
