"""The scenario panel names the engine's step in the window's language, never in English log text."""

from __future__ import annotations

import ast
from pathlib import Path

from slimmeregio.desktop import i18n
from slimmeregio.desktop.runsteps import RUN_STEPS, step_text

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def reported_steps(source: str) -> set[str]:
    """Literal step names passed as ``<task>.report(fraction, "name")`` in ``source``."""
    steps = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "report"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            steps.add(node.args[1].value)
    return steps


def test_the_scan_finds_the_step_names_of_a_hand_written_source():
    source = 'task.report(0.1, "noding")\nreport(0.2, "x")\nt.report(0.3)\nt.sub(0, 1).report(1.0, "done")\n'
    assert reported_steps(source) == {"noding", "done"}


def test_every_step_the_engine_reports_has_a_text_and_no_text_is_left_over():
    reported = set()
    for path in sorted(SCENARIOS.rglob("*.py")):
        reported |= reported_steps(path.read_text(encoding="utf-8"))
    assert "walking and cycling costs" in reported
    assert reported - RUN_STEPS.keys() == set(), "steps without a Dutch text"
    assert RUN_STEPS.keys() - reported == set(), "texts for steps no longer reported"


def test_a_step_reads_in_the_window_language_and_an_unknown_one_reads_nothing():
    assert step_text("Brussels") == "routes naar Brussel"
    i18n.set_language("en")
    try:
        assert step_text("Brussels") == "routes to Brussels"
    finally:
        i18n.set_language("nl")
    assert step_text("something new") == ""


def test_a_run_in_the_window_shows_each_of_its_steps_in_dutch(window, qtbot):
    job = window.run_scenario()
    seen: list[tuple[str, str]] = []
    job.progress.connect(
        lambda _f, message: seen.append((message, window.scenario_panel.progress.toolTip()))
    )
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    steps = [message for message, _tip in seen if message]
    assert "walking and cycling costs" in steps
    for message in steps:
        assert step_text(message), message
    # the panel's slot ran before the test's: the tooltip it set is the Dutch text
    assert ("indicators", "indicatoren") in seen
