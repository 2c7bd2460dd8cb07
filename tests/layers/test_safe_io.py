"""Tests for atomic writing and safe file names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.layers.errors import ExportError, OutputExistsError
from slimmeregio.layers.safe_io import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    check_overwrite,
    safe_filename,
)


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "plan.toml"
    target.write_text("oud")
    atomic_write_text(target, "nieuw ✓")
    assert target.read_text(encoding="utf-8") == "nieuw ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.toml"]


def test_atomic_write_bytes_new_file(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"


def test_failure_keeps_old_file_and_removes_temp(tmp_path: Path) -> None:
    target = tmp_path / "kaart.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        assert tmp.parent == tmp_path
        assert tmp.suffix == ".png"  # writers that pick the format by extension
        raise RuntimeError("writer crashed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["kaart.png"]


def test_temp_path_does_not_exist_yet(tmp_path: Path) -> None:
    # GDAL refuses to create a GeoPackage over an existing (empty) file.
    with atomic_path(tmp_path / "x.gpkg") as tmp:
        assert not tmp.exists()
        tmp.write_bytes(b"x")


def test_nothing_written_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError), atomic_path(tmp_path / "x.txt"):
        pass
    assert not (tmp_path / "x.txt").exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        atomic_write_text(tmp_path / "nope" / "x.txt", "a")
    assert "nope" in info.value.message("nl")


def test_check_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    assert check_overwrite(target) == target
    target.write_bytes(b"")
    with pytest.raises(OutputExistsError) as info:
        check_overwrite(target)
    assert isinstance(info.value, FileExistsError)
    assert "--force" in info.value.hint_text("nl")
    assert check_overwrite(target, force=True) == target
    with pytest.raises(ExportError):
        check_overwrite(tmp_path, force=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sint-Pieters-Leeuw", "Sint-Pieters-Leeuw"),
        ("Halle/Vilvoorde", "Halle_Vilvoorde"),
        ("..\\..\\windows", "_._windows"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.pdf", "_Com1.pdf"),
        ("LPT9", "_LPT9"),
        ("console", "console"),
        ("a:b*c?d", "a_b_c_d"),
        ("  . verborgen . ", "verborgen"),
        ("", "bestand"),
        ("...", "bestand"),
        ("tab\there\nnewline", "tab_here_newline"),
    ],
)
def test_safe_filename_examples(text: str, expected: str) -> None:
    assert safe_filename(text) == expected


_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300), st.integers(1, 200))
def test_safe_filename_properties(text: str, max_length: int) -> None:
    name = safe_filename(text, max_length=max_length)
    assert name
    assert len(name) <= max(max_length, len("bestand"))
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert ".." not in name
    assert name not in {".", ".."}
    assert not name.endswith((" ", "."))
    assert name.split(".")[0].upper() not in _RESERVED
    assert not any(ch in name for ch in '<>:"|?*')
    name.encode("utf-8")  # no lone surrogates
    # The result is one plain file inside the folder.
    assert Path(name).name == name
    assert os.path.basename(name) == name


def test_truncation_cannot_produce_reserved_name() -> None:
    assert safe_filename("CONSOLE", max_length=3) == "_CON"
    assert safe_filename("nul.txt", max_length=5) == "_nul.t"
