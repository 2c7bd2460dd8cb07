"""``slimmeregio export --force`` killed (SIGKILL) at each step of the final
folder swap and at random moments: the output folder always holds one complete
pack that matches its manifest, the old one or the new one, never a mix.
``slimmeregio run --force`` killed in its swap keeps results.gpkg and
summary.json from the same run."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from slimmeregio.exporters.pack_swap import verify_pack
from slimmeregio.layers.safe_io import recover_folder
from slimmeregio.scenarios.model import example_scenario_toml

ROOT = Path(__file__).resolve().parents[3]

# Runs the CLI, SIGKILLing itself right before swap step KILL_AT (1: staging ->
# ready, 2: old -> backup, 3: ready -> target, 4: deleting the backup).
_WRAPPER = textwrap.dedent(
    """
    import os, signal, sys
    from slimmeregio.layers import safe_io

    point = int(os.environ.get("KILL_AT", "0"))
    calls = [0]
    real_rename, real_remove = safe_io._rename, safe_io._remove_tree

    def step():
        calls[0] += 1
        if calls[0] == point:
            os.kill(os.getpid(), signal.SIGKILL)

    def rename(src, dst):
        step()
        real_rename(src, dst)

    def remove(path):
        step()
        real_remove(path)

    safe_io._rename, safe_io._remove_tree = rename, remove
    from slimmeregio.cli import main
    main(sys.argv[1:])
    """
)


def _scenario(folder: Path, name: str) -> Path:
    text = re.sub(
        r'^name = ".*"$', f'name = "{name}"', example_scenario_toml(), count=1, flags=re.M
    )
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _export(scenario: Path, out: Path, kill_at: int = 0, kill_after: float | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KILL_AT": str(kill_at), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _WRAPPER,
            "export",
            str(scenario),
            "--out",
            str(out),
            "--formats",
            "xlsx",
            "--force",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert b"Traceback" not in err and proc.returncode != 2, err.decode()
    return proc.returncode


def _pack_scenario(out: Path) -> str:
    recover_folder(out)  # what the next run does first
    verify_pack(
        out, others=["mine.txt"]
    )  # every listed file present with its hash, nothing unlisted
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (out / "mine.txt").read_text() == "user"
    assert sorted(p.name for p in out.iterdir()) == [
        "LEESMIJ.txt",
        "manifest.json",
        "mine.txt",
        "resultaten.xlsx",
    ]
    assert [
        p.name for p in out.parent.iterdir() if p.name.startswith(".")
    ] == []  # nothing hidden left
    return str(manifest["meta"]["scenario"])


@pytest.mark.slow
@pytest.mark.timeout(1800)  # eight whole-region exports in subprocesses: ~4 min idle, ~12 loaded
def test_killed_export_leaves_old_or_new_pack(tmp_path: Path) -> None:
    scen = {name: _scenario(tmp_path, name) for name in ("Plan A", "Plan B")}
    work = tmp_path / "work"
    work.mkdir()
    out = work / "pack"
    assert _export(scen["Plan A"], out) == 0
    (out / "mine.txt").write_text("user")
    assert _pack_scenario(out) == "Plan A"
    current = "Plan A"
    rng = random.Random(21)
    started = time.perf_counter()
    assert _export(scen["Plan B"], out) == 0  # a full run, also to time the random kills
    duration = time.perf_counter() - started
    current = _pack_scenario(out)
    assert current == "Plan B"
    points: list[tuple[int, float | None]] = [(1, None), (2, None), (3, None), (4, None)]
    points += [(0, rng.uniform(0.5, duration)) for _ in range(2)]
    for kill_at, after in points:
        new = "Plan A" if current == "Plan B" else "Plan B"
        code = _export(scen[new], out, kill_at, after)
        found = _pack_scenario(out)
        assert found in (current, new)
        if kill_at:
            assert code == -signal.SIGKILL
            # killed before the old pack was moved away: old; from the last rename on: new
            assert found == (current if kill_at <= 2 else new), kill_at
        current = found


def _run(scenario: Path, out: Path, kill_at: int = 0) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KILL_AT": str(kill_at), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, "run", str(scenario), "--out", str(out), "--force"],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc.returncode


def _run_scenario(out: Path) -> str:
    """The scenario of summary.json, checked against the one in results.gpkg's metadata."""
    import sqlite3

    recover_folder(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    con = sqlite3.connect(f"file:{out / 'results.gpkg'}?mode=ro", uri=True)
    try:
        (in_gpkg,) = con.execute(
            "SELECT waarde FROM metadata WHERE sleutel = 'Scenario'"
        ).fetchone()
    finally:
        con.close()
    assert in_gpkg == summary["scenario"]  # both files from the same run
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt", "results.gpkg", "summary.json"]
    return str(summary["scenario"])


@pytest.mark.slow
def test_killed_run_replaces_both_files_or_neither(tmp_path: Path) -> None:
    scen = {name: _scenario(tmp_path, name) for name in ("Plan A", "Plan B")}
    out = tmp_path / "work" / "out"
    assert _run(scen["Plan A"], out) == 0
    (out / "mine.txt").write_text("user")
    assert _run_scenario(out) == "Plan A"
    # killed before the old files are moved away: both old; before the last rename: both new
    assert _run(scen["Plan B"], out, kill_at=2) == -signal.SIGKILL
    assert _run_scenario(out) == "Plan A"
    assert _run(scen["Plan B"], out, kill_at=3) == -signal.SIGKILL
    assert _run_scenario(out) == "Plan B"
