"""The dependency direction desktop -> exporters -> scenarios -> layers, and
Qt only in desktop/, checked with import-linter's contracts in pyproject."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.split("Contracts:")[-1].split("kept")[0]


def _package_copy(tmp_path: Path) -> Path:
    """The package's code (no tests, docs or data) copied to a folder named
    ``slimmeregio`` under ``tmp_path``, for checks that must not write into the
    source tree or need the package under its own name."""
    import shutil

    copy = tmp_path / "slimmeregio"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*",
            "__pycache__",
            "tests",
            "docs",
            "benchmarks",
            "installer",
            "build",
            "dist",
            "*.gpkg",
            "*.tif",
            "*.png",
            "*.svg",
            "vendor",
            "sources",
        ),
    )
    return copy


def test_contract_catches_a_violation(tmp_path: Path) -> None:
    """The check is not vacuous: an upward import must break it. The probe goes
    into a copy of the package (the source tree is never written)."""
    import os

    copy = _package_copy(tmp_path)
    (copy / "layers" / "_contract_probe.py").write_text(
        "import slimmeregio.scenarios  # noqa: F401\nimport PyQt6  # noqa: F401\n"
    )
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode != 0
    assert "_contract_probe" in result.stdout
    assert not (ROOT / "layers" / "_contract_probe.py").exists()


def test_ruff_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_formatted() -> None:
    """One way to format: the code is exactly what `ruff format` writes."""
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean(tmp_path: Path) -> None:
    """mypy passes with the package under its own name. The repository root is
    the package, so in a checkout named anything but ``slimmeregio`` mypy could
    not resolve ``slimmeregio.*`` imports and would check them as ``Any``
    (silently weaker): it runs on a copy in a folder named ``slimmeregio``."""
    copy = _package_copy(tmp_path)
    cache = tmp_path / "mypy_cache"  # the source tree is never written
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache)],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "source files" in result.stdout


def test_every_module_has_a_job_and_a_line_in_docs_architecture() -> None:
    """Each module opens with one sentence on its job, and docs/architecture.md names it."""
    import ast

    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing_doc, missing_line = [], []
    for folder in ("", "layers", "scenarios", "exporters", "desktop", "resources"):
        for path in sorted((ROOT / folder).glob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))):
                missing_doc.append(rel)
            if f"| `{rel}` |" not in page:
                missing_line.append(rel)
    assert not missing_doc, f"modules without a docstring: {missing_doc}"
    assert not missing_line, f"add a line for these modules to docs/architecture.md: {missing_line}"
