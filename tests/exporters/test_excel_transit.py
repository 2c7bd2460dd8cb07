"""Public transport in the workbook and in `run`'s summary: the indicator rows with
their change, the Hoppin check and the stops a scenario changed (the street of
tests/scenarios/test_transit.py, whose docstring has the hand numbers)."""

from __future__ import annotations

import openpyxl
import pytest

from slimmeregio.exporters.excel import export_excel
from slimmeregio.scenarios.comparison import compare
from slimmeregio.scenarios.engine import evaluate, prepare_base
from slimmeregio.scenarios.model import Scenario, SetFrequency
from slimmeregio.scenarios.summary import summary_lines
from tests.scenarios.test_transit import PARAMS, _project


@pytest.fixture(scope="module")
def comparison():
    base = prepare_base(_project(), PARAMS)
    mod = SetFrequency(
        stop_id="A", window="ochtendspits", departures_per_hour=1.0, author="t", reason="r"
    )
    return compare(
        evaluate(base),
        evaluate(base, Scenario(name="minder", parameters=PARAMS, modifications=(mod,))),
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_workbook_has_the_transit_rows_and_sheet(comparison, tmp_path, lang: str) -> None:
    path = export_excel([comparison], tmp_path / "r.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path)
    summary = wb.worksheets[0]
    rows = {r[1]: r for r in summary.iter_rows(values_only=True) if r[1]}
    # Base 40 of 60 dwellings, scenario 30 of 60 (A at 1/h loses H1).
    key = rows["share_pt_ochtendspits_2ph"]
    assert key[3] == pytest.approx(100 * 40 / 60, abs=0.05)
    assert key[4] == pytest.approx(100 * 30 / 60, abs=0.05)
    sheet = wb["Openbaar vervoer" if lang == "nl" else "Public transport"]
    values = [r for r in sheet.iter_rows(values_only=True)]
    no = "nee" if lang == "nl" else "no"
    failing = sorted({(r[0], r[1]) for r in values[1:] if len(r) > 4 and r[4] == no})
    base_name = "Basis" if lang == "nl" else "Base"
    # Base: M2 (no train) and M4 (buurt at A, 4/h). Scenario: A at 1/h, so M1 fails and M4 fits.
    assert failing == sorted(
        [(base_name, "M2"), (base_name, "M4"), ("minder", "M1"), ("minder", "M2")]
    )
    changed = [r for r in values if r[0] == "minder" and r[1] == "A" and r[3] == "bus"]
    assert changed and changed[0][4] == 1.0


def test_run_summary_lists_the_failing_hubs(comparison) -> None:
    lines = summary_lines(comparison, "nl")
    hub_lines = [line for line in lines if line.startswith("Hoppin-toets")]
    assert [line.split(":")[1].split()[0] for line in hub_lines] == ["M1", "M2"]
    assert any(line.startswith("Aandeel woningen bij een halte") for line in lines)
