"""The application log: a rotating file with the session, runs with their timing, and warnings; silent fallbacks now log."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import pytest

from slimmeregio.layers import applog, crs
from slimmeregio.layers.errors import CorruptFileError


@pytest.fixture
def log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SLIMMEREGIO_LOG_DIR", str(tmp_path / "logs"))
    yield tmp_path / "logs"
    logger = logging.getLogger("slimmeregio")
    for handler in list(logger.handlers):
        if getattr(handler, "baseFilename", "").startswith(str(tmp_path)):
            handler.close()
            logger.removeHandler(handler)
            logging.getLogger("py.warnings").removeHandler(handler)
    logging.captureWarnings(False)


def test_a_new_folder_moves_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_folder: Path
) -> None:
    first = applog.configure_logging(program="first")
    monkeypatch.setenv("SLIMMEREGIO_LOG_DIR", str(tmp_path / "elsewhere"))
    second = applog.configure_logging(program="second")
    assert first != second
    ours = [
        h for h in logging.getLogger("slimmeregio").handlers if getattr(h, "slimmeregio_log", False)
    ]
    assert [h.baseFilename for h in ours] == [str(second)]  # type: ignore[attr-defined]
    for handler in ours:
        handler.close()
        logging.getLogger("slimmeregio").removeHandler(handler)


def _flush() -> None:
    for handler in logging.getLogger("slimmeregio").handlers:
        handler.flush()


def test_the_log_holds_the_session_runs_with_timing_and_warnings(log_folder: Path) -> None:
    path = applog.configure_logging(program="test")
    assert path == log_folder / "slimmeregio.log"
    assert (
        applog.configure_logging(program="test again") == path
    )  # idempotent: one handler per file
    ours = [
        h for h in logging.getLogger("slimmeregio").handlers if getattr(h, "slimmeregio_log", False)
    ]
    assert [h.baseFilename for h in ours] == [str(path)]  # type: ignore[attr-defined]
    with applog.timed("sleep"):
        pass
    with pytest.raises(ZeroDivisionError), applog.timed("divide"):
        _ = 1 / 0
    warnings.warn("a library's warning", UserWarning, stacklevel=1)
    _flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    session = f"[{applog.session_id()}]"
    records = [line for line in lines if line[:4].isdigit()]  # a warning's message spans two lines
    assert len(records) >= 5 and all(session in line for line in records)
    assert any("test started: Slimme Regio Planner" in line for line in lines)
    assert any("sleep: done in " in line and line.endswith(" s") for line in lines)
    assert any("divide: failed in " in line for line in lines)
    assert any("a library's warning" in line and "WARNING" in line for line in lines)


def test_a_run_is_logged_with_its_scenario_and_identity(log_folder: Path, region_project) -> None:
    from slimmeregio.scenarios.model import AddMobipunt, Scenario
    from slimmeregio.scenarios.runs import LayerVersions, run_analysis, run_identity

    applog.configure_logging(program="test")
    scenario = Scenario(
        name="Logtest",
        modifications=(
            AddMobipunt(
                x=141150.0, y=158250.0, name="Oost", hoppin_type="buurt", author="A", reason="B"
            ),
        ),
    )
    identity = run_identity(region_project, LayerVersions(), [scenario])
    run_analysis(region_project, scenario, identity=identity)
    _flush()
    text = (log_folder / "slimmeregio.log").read_text(encoding="utf-8")
    key = identity.scenarios[0][1][:12]
    assert f"run 'Logtest', 1 modifications (identity {key}): done in" in text


def test_only_an_unbuildable_transformation_means_not_this_crs(
    monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    xs, ys = np.array([4.3]), np.array([50.8])
    with caplog.at_level(logging.INFO, logger="slimmeregio"):
        assert crs.share_in_belgium(xs, ys, "EPSG:999999") == 0.0
    assert "EPSG:999999" in caplog.text

    def broken(*args: object) -> None:
        raise ValueError("a defect, not a CRS")

    monkeypatch.setattr(crs, "_to_lambert", broken)
    with pytest.raises(ValueError, match="a defect"):  # it used to read as "not this CRS"
        crs.share_in_belgium(xs, ys, "EPSG:4326")


def test_export_metadata_logs_a_provenance_it_cannot_read(
    region_project, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from slimmeregio.exporters import meta
    from slimmeregio.layers import region

    assert meta._region_sources(region_project)  # the embedded layers have source lines

    def damaged(*args: object) -> None:
        raise CorruptFileError(path="region.gpkg", detail="damaged")

    monkeypatch.setattr(region, "region_provenance", damaged)
    with caplog.at_level(logging.WARNING, logger="slimmeregio"):
        assert meta._region_sources(region_project) == {}
    assert "provenance cannot be read" in caplog.text
