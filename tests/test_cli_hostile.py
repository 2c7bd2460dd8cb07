"""Hostile inputs to the CLI (issue 21, CLI half): every case ends in one
line on stderr and exit status 2 (no traceback, no hang), within a time and
memory bound measured on the child process, without changing any file
outside the output folder or the input itself."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from slimmeregio.scenarios.model import example_scenario_toml

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    max_rss_mb: float


#: Runs the CLI as its own child and reports that child's peak memory: a child
#: forked straight from the (large) test process would inherit its peak.
_LAUNCHER = """
import resource, subprocess, sys
report, timeout, args = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
try:
    code = subprocess.run(args, timeout=timeout).returncode
except subprocess.TimeoutExpired:
    code = 124
open(report, "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code if code >= 0 else 128 - code)
"""


def run_cli(args: list[str], cwd: Path, *, timeout: float = 120) -> Outcome:
    """Run ``python -m slimmeregio ARGS`` and measure its own time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "SLIMMEREGIO_LANG": "nl"}
    report = cwd.parent / f".rss-{cwd.name}.txt"
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _LAUNCHER,
            str(report),
            str(timeout),
            sys.executable,
            "-m",
            "slimmeregio",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout + 30,
    )
    seconds = time.perf_counter() - started
    max_rss_kb = int(report.read_text())
    report.unlink()
    return Outcome(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        seconds,
        max_rss_kb / 1024,
    )


def _digest(path: Path) -> str:
    if (
        path.stat().st_size > 50_000_000
    ):  # the sparse 'huge' inputs: size and time, not 3 GB of reading
        info = path.stat()
        return f"{info.st_size}:{info.st_mtime_ns}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path, skip: Path | None = None) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(folder).as_posix()] = _digest(path)
        elif path.is_dir():
            found[path.relative_to(folder).as_posix() + "/"] = ""
    return found


def assert_refused(
    tmp_path: Path,
    args: list[str],
    pattern: str,
    *,
    out: Path | None = None,
    seconds: float = 30,
    max_rss_mb: float = 600,
) -> Outcome:
    """``args`` ends in exit 2 with one line matching ``pattern``; nothing else changed."""
    before = _snapshot(tmp_path, out)
    result = run_cli(args, tmp_path, timeout=seconds * 4)
    assert result.code == 2, (result.code, result.err[-2000:])
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(("slimmeregio: fout: ", "slimmeregio: error: ")), lines[0]
    assert re.search(pattern, lines[0]), lines[0]
    assert result.seconds < seconds, result.seconds
    assert result.max_rss_mb < max_rss_mb, result.max_rss_mb
    assert _snapshot(tmp_path, out) == before  # inputs unchanged, nothing written beside them
    return result


@pytest.fixture()
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(example_scenario_toml(), encoding="utf-8")
    return path


# -- scenarios -------------------------------------------------------------------


def test_deep_dotted_key(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text(
        'name = "x"\n' + ".".join(["a"] * 3000) + " = 1\n", encoding="utf-8"
    )
    assert_refused(
        tmp_path, ["run", "deep.toml", "--out", "o"], r"deep\.toml bij a: onbekende sleutel"
    )


def test_duplicate_json_key_is_located(tmp_path: Path) -> None:
    (tmp_path / "dup.json").write_text(
        '{"name": "x", "modifications": [{"kind": "add_housing", "x": 150000, "y": 160000, "dwellings": 5,'
        ' "author": "a", "author": "b", "reason": "r"}]}',
        encoding="utf-8",
    )
    assert_refused(
        tmp_path,
        ["--lang", "en", "run", "dup.json", "--out", "o"],
        r"at modifications\[0\]\.author \(modification 1\): the key 'author' appears twice",
    )


def test_huge_scenario_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as fh:  # sparse: 3 GB declared, nothing on disk
        fh.truncate(3_000_000_000)
    result = assert_refused(
        tmp_path,
        ["run", "huge.toml", "--out", "o"],
        r"te groot.*3000 MB",
        seconds=15,
        max_rss_mb=300,
    )
    assert result.max_rss_mb < 300


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_fifo_scenario_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    assert_refused(tmp_path, ["run", "pipe.toml", "--out", "o"], r"geen gewoon bestand", seconds=15)


# -- output folders ----------------------------------------------------------------


def test_out_below_a_file(tmp_path: Path, scenario: Path) -> None:
    (tmp_path / "afile").write_text("x")
    assert_refused(tmp_path, ["run", "s.toml", "--out", "afile/sub"], r"is een bestand, geen map")
    assert_refused(tmp_path, ["selftest", "--out", "afile/sub"], r"is een bestand, geen map")
    assert_refused(
        tmp_path,
        ["export", "s.toml", "--out", "afile/sub", "--formats", "xlsx"],
        r"is een bestand, geen map",
    )


def test_immutable_out_refused_before_computation(tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    (out / "old.txt").write_text("keep")
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        # refused before the project is even loaded (a missing project would be the error otherwise)
        assert_refused(
            tmp_path,
            [
                "export",
                "s.toml",
                "--out",
                "ro",
                "--formats",
                "xlsx",
                "--force",
                "--project",
                "missing.srp",
            ],
            r"niet schrijfbaar",
        )
        assert_refused(
            tmp_path,
            ["run", "s.toml", "--out", "ro", "--force", "--project", "missing.srp"],
            r"niet schrijfbaar",
        )
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)
    assert (out / "old.txt").read_text() == "keep"


def test_messy_out_path_makes_no_stray_folders(tmp_path: Path, scenario: Path) -> None:
    result = run_cli(["run", "s.toml", "--out", "a/../b/./c/..//out"], tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "s.toml"]
    assert sorted(p.name for p in (tmp_path / "b" / "out").iterdir()) == [
        "results.gpkg",
        "summary.json",
    ]


# -- XML-invalid characters: what run accepts, export writes ----------------------------


@pytest.mark.slow
def test_xml_invalid_characters_export(tmp_path: Path) -> None:
    text = example_scenario_toml()
    text = re.sub(
        r'^name = ".*"$', lambda m: 'name = "Plan\\u0007 \\uFFFF B"', text, count=1, flags=re.M
    )
    text = re.sub(
        r'^author = "(.*)"$',
        lambda m: f'author = "{m.group(1)}\\uFFFF\\uFFFE\\u0001"',
        text,
        count=1,
        flags=re.M,
    )
    assert "\\uFFFF\\uFFFE" in text
    (tmp_path / "x.toml").write_text(text, encoding="utf-8")
    ran = run_cli(["run", "x.toml", "--out", "r"], tmp_path, timeout=600)
    assert ran.code == 0, ran.err
    import sqlite3

    con = sqlite3.connect(f"file:{tmp_path / 'r' / 'results.gpkg'}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT waarde FROM metadata WHERE sleutel = 'Scenario'").fetchone() == (
            "Plan  B",
        )
    finally:
        con.close()
    done = run_cli(
        ["export", "x.toml", "--out", "p", "--formats", "svg,xlsx,pptx,html"], tmp_path, timeout=600
    )  # a whole-region export: minutes on a loaded 2-core machine
    assert done.code == 0, done.err
    assert "Traceback" not in done.err and "Glyph" not in done.err  # reported once, not per glyph
    assert len([line for line in done.err.splitlines() if "no glyph" in line]) <= 1
    import openpyxl
    from lxml import etree
    from pptx import Presentation

    # the invalid characters are dropped, the rest of the text is kept
    wb = openpyxl.load_workbook(tmp_path / "p" / "resultaten.xlsx")
    assert "Plan  B" in wb.properties.title
    cells = {
        str(c.value) for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    }
    assert not any(ch in text for text in cells for ch in "\uffff\ufffe\x01\x07")
    deck = Presentation(str(tmp_path / "p" / "presentatie.pptx"))
    texts = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any("Plan  B" in text for text in texts)
    page = (tmp_path / "p" / "webkaart.html").read_text(encoding="utf-8")
    assert "Plan  B" in page and "\x07" not in page and "\uffff" not in page
    for svg in (tmp_path / "p").rglob("*.svg"):
        etree.parse(str(svg))  # well-formed XML


# -- OSM import ---------------------------------------------------------------------

_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="50.73" lon="4.23"/>
  <node id="2" lat="50.74" lon="4.24"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="cycleway"/></way>
</osm>
"""


@pytest.mark.parametrize(
    ("rules", "pattern"),
    [
        ("route_values = 3\n", r"route_values.*list of texts"),
        ('use_sidepath_allowed = "no"\n', r"true or false"),
        ("fietssnelweg_ref = 5\n", r"fietssnelweg_ref.*must be a text"),
        ('fietssnelweg_ref = "F("\n', r"not a valid regular expression"),
        ('fietssnelweg_ref = "^(a+)+$"\n', r"repetition inside a repetition"),
        ('bovenlokaal_cycle_network = "(a|aa)*$"\n', r"repeated alternation"),
        ('fietssnelweg_network = "(a)\\\\1"\n', r"back-references"),
    ],
)
def test_osm_rules_refused(tmp_path: Path, rules: str, pattern: str) -> None:
    (tmp_path / "x.osm").write_text(_OSM, encoding="utf-8")
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    assert_refused(
        tmp_path,
        ["import-osm", "x.osm", "--out", "o.gpkg", "--rules", "rules.toml"],
        pattern,
        seconds=20,
    )


@pytest.mark.parametrize("buffer", ["inf", "nan", "-5", "1e9"])
def test_osm_buffer_refused(tmp_path: Path, buffer: str) -> None:
    (tmp_path / "x.osm").write_text(_OSM, encoding="utf-8")
    assert_refused(
        tmp_path,
        ["import-osm", "x.osm", "--out", "o.gpkg", f"--buffer={buffer}"],
        r"buffer moet tussen 0 en 50000 meter",
        seconds=20,
    )


# -- click usage errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["export"], r"Missing argument .*slimmeregio export --help"),
        (["run", "s.toml", "--bogus"], r"No such option"),
        (["--lang", "en", "run", "s.toml"], r"^slimmeregio: error: Missing option '--out'"),
        (["info", "x.gpkg", "--role", "nope"], r"Invalid value for '--role'"),
        (["export", "s.toml", "--out", "o", "--sites", "99"], r"--sites"),
        (["nosuchcommand"], r"No such command"),
    ],
)
def test_usage_errors_are_one_line(
    tmp_path: Path, scenario: Path, args: list[str], pattern: str
) -> None:
    assert_refused(tmp_path, args, pattern, seconds=20)
