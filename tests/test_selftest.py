"""The self-test (``slimmeregio selftest``, the bundle's ``--selftest``).

Unit tests drive :func:`run_selftest` with replaced checks (ordering,
skipping, error capture, temporary files); one test runs the real checks on
the embedded region, as IT and CI do after installing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from slimmeregio import resources
from slimmeregio.cli import cli
from slimmeregio.exporters import selftest
from slimmeregio.exporters.selftest import CHECKS, Check, SelftestReport, run_selftest
from slimmeregio.layers.errors import OperationCancelled

NAMES = [name for name, _title in CHECKS]


@pytest.fixture
def fake_checks(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Replace every check by one that records its call and writes a file."""
    calls: dict[str, list[str]] = {"order": []}

    def make(name: str):
        def step(state: dict, folder: Path) -> str:
            calls["order"].append(name)
            path = folder / f"{name}.txt"
            path.write_text(name)
            state.setdefault("files", []).append(path)
            calls.setdefault("folders", []).append(str(folder))
            return f"{name} fine"

        return step

    for name in NAMES:
        monkeypatch.setattr(selftest, f"_check_{name}", make(name))
    return calls


def test_all_checks_run_in_order(fake_checks: dict[str, list[str]]) -> None:
    seen: list[str] = []
    report = run_selftest(on_check=lambda check: seen.append(check.name))
    assert fake_checks["order"] == NAMES == seen
    assert report.ok and [c.status for c in report.checks] == ["ok"] * len(NAMES)
    # Without out_dir the files go to a temporary folder that is removed.
    folder = Path(fake_checks["folders"][0])
    assert not folder.exists()
    assert report.out_dir is None and report.files == ()


def test_out_dir_keeps_the_files(fake_checks: dict[str, list[str]], tmp_path: Path) -> None:
    report = run_selftest(out_dir=tmp_path / "kept")
    assert report.out_dir == tmp_path / "kept"
    assert {p.name for p in report.files} == {f"{n}.txt" for n in NAMES}
    assert all(p.is_file() for p in report.files)


def test_a_failing_check_skips_what_depends_on_it(
    fake_checks: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(state: dict, folder: Path) -> str:
        raise KeyError("gemeenten")

    monkeypatch.setattr(selftest, "_check_region", broken)
    report = run_selftest()
    status = {c.name: c.status for c in report.checks}
    assert status == {
        "resources": "ok",
        "crs": "ok",
        "region": "failed",
        "scenario": "skipped",
        "pdf": "skipped",
        "excel": "skipped",
        "webmap": "skipped",
        "slides": "skipped",
    }
    region = next(c for c in report.checks if c.name == "region")
    assert "KeyError" in region.detail and "gemeenten" in region.detail
    assert not report.ok
    assert "scenario" not in fake_checks["order"]


def test_a_wrong_result_is_a_failure_with_its_reason(
    fake_checks: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(state: dict, folder: Path) -> str:
        selftest._expect(1 + 1 == 3, "PDF has no pages")
        return "unreachable"

    monkeypatch.setattr(selftest, "_check_pdf", wrong)
    report = run_selftest()
    pdf = next(c for c in report.checks if c.name == "pdf")
    assert pdf.status == "failed" and pdf.detail == "PDF has no pages"
    assert [c.status for c in report.checks if c.name in ("excel", "webmap", "slides")] == [
        "ok"
    ] * 3


def test_cancel_propagates(fake_checks: dict[str, list[str]]) -> None:
    with pytest.raises(OperationCancelled):
        run_selftest(cancel=lambda: True)


def test_report_lines_in_both_languages() -> None:
    checks = tuple(Check(name, "ok", "fine", 0.25) for name in NAMES)
    passed = SelftestReport(checks)
    assert passed.ok
    assert passed.lines("nl")[-1].startswith("Zelftest geslaagd (8 controles")
    assert passed.lines("en")[-1].startswith("Self-test passed (8 checks")
    assert passed.lines("nl")[0] == "OK   resources  ingebouwde regiobestanden: fine (0.2 s)"
    failed = SelftestReport(checks[:5] + (Check("excel", "failed", "boom"),) + checks[6:])
    assert not failed.ok
    assert failed.lines("en")[-1] == "Self-test FAILED: 1 of 8 checks did not pass."
    assert failed.lines("nl")[5].startswith("FOUT excel      Excel-werkboek: boom")
    # A report missing a check is never a pass.
    assert not SelftestReport(checks[:-1]).ok


def test_cli_exit_status_follows_the_report(
    fake_checks: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--lang", "en", "selftest"])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK  ") == len(NAMES)
    assert "Self-test passed" in result.output

    def broken(state: dict, folder: Path) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(selftest, "_check_excel", broken)
    result = runner.invoke(cli, ["selftest"])
    assert result.exit_code == 1
    assert "FOUT excel" in result.output and "OSError: disk full" in result.output
    assert "Zelftest MISLUKT" in result.output


def test_crs_check_detects_a_wrong_transformation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PROJ check compares with Lambert 72's central meridian, not with itself."""
    import pyproj

    class Shifted:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        @classmethod
        def from_crs(cls, *args: object, **kwargs: object) -> Shifted:
            return cls()

        def transform(self, x: float, y: float) -> tuple[float, float]:
            return 4.41, 50.84  # ~3 km east: a wrong datum shift

    monkeypatch.setattr(pyproj, "Transformer", Shifted)
    with pytest.raises(selftest._Failed, match="Lambert 72 -> WGS84"):
        selftest._check_crs({}, Path("."))


@pytest.mark.slow
def test_selftest_passes_on_this_installation(tmp_path: Path) -> None:
    assert resources.REGION_GPKG.exists(), "the committed region is missing (make region)"
    report = run_selftest(out_dir=tmp_path)
    assert report.ok, "\n".join(report.lines("en"))
    assert {p.suffix for p in report.files} == {".pdf", ".xlsx", ".html", ".pptx"}
    pdf = next(p for p in report.files if p.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
