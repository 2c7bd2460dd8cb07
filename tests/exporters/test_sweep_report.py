"""The sweep summary: ranking, cost per candidate and Pareto front, checked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from slimmeregio.exporters.sweep_report import pareto_front, write_sweep_report
from slimmeregio.layers.errors import ExportError
from slimmeregio.scenarios.sweep_model import Sweep
from slimmeregio.scenarios.sweep_plan import plan_sweep
from slimmeregio.scenarios.sweep_store import SweepRow, SweepStore

WHO = 'author = "t"\nreason = "t"\n'


def candidate(name: str, cost: float, x: float) -> str:
    return (
        f'\n[[sets.candidates]]\ncandidate = "{name}"\ncost_eur = {cost}\nkind = "add_mobipunt"\n'
        f'x = {x}\ny = 158000.0\nname = "p"\nhoppin_type = "buurt"\n' + WHO
    )


def test_pareto_front_by_hand() -> None:
    cost = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    gain = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    # (3, 2) is beaten by (2, 3); (5, 4) by (4, 5)
    assert pareto_front(cost, gain).tolist() == [True, True, False, True, False]


def _text() -> str:
    return (
        'name = "t"\n[[sets]]\nname = "s"\n'
        + candidate("=a", 1e6, 141000.0)
        + candidate("b", 2e6, 141100.0)
    )


@pytest.fixture
def filled(tmp_path: Path):
    plan = plan_sweep(Sweep.from_toml(_text()), None, "k")
    share = {(): 0.0, ("=a",): 1.0, ("b",): 0.5, ("=a", "b"): 2.0}
    mean = {(): 0.0, ("=a",): -0.3, ("b",): -0.1, ("=a", "b"): 0.2}
    with SweepStore(tmp_path) as store:
        for v in plan.variants:
            store.add(
                SweepRow(
                    variant_id=v.variant_id,
                    index=v.index,
                    label=v.label,
                    candidates=v.candidates,
                    changes=v.changes,
                    cost_eur=v.cost_eur,
                    indicators=[
                        (
                            "share_bike_mobipunt_5min",
                            50.0,
                            50.0 + share[v.candidates],
                            share[v.candidates],
                        ),
                        (
                            "mean_bike_min_mobipunt",
                            4.0,
                            4.0 + mean[v.candidates],
                            mean[v.candidates],
                        ),
                    ],
                )
            )
    return plan, tmp_path


def test_ranking_candidates_and_workbook(filled) -> None:
    plan, folder = filled
    files, ranked = write_sweep_report(plan, folder, lang="en")
    assert ranked["candidates"].tolist() == ['["=a", "b"]', '["=a"]', '["b"]', "[]"]
    assert ranked["gain"].tolist() == [2.0, 1.0, 0.5, 0.0]
    wb = load_workbook(files[0])
    ws = wb["Ranking"]
    assert ws.cell(2, 1).value == 1 and ws.cell(2, 5).value == 3e6 and ws.cell(2, 9).value == 2.0
    assert ws.cell(2, 5).data_type == "n"
    assert ws.cell(2, 10).value == pytest.approx(2.0 / 3.0)  # gain per million euro
    # front: {} (0, 0), {a} (1 M, 1), {a, b} (3 M, 2); {b} (2 M, 0.5) is beaten by {a}
    assert [ws.cell(r, 11).value for r in range(2, 6)] == ["yes", "yes", None, "yes"]
    label = ws.cell(3, 4)
    assert label.value == "=a" and label.data_type == "s" and label.quotePrefix
    cand = {r[0]: r[1:] for r in wb["Candidates"].iter_rows(min_row=2, values_only=True)}
    # by hand: a is in {a} and {a,b}: mean gain (1+2)/2 = 1.5; without: (0+0.5)/2 = 0.25
    assert cand["=a"] == (1e6, 2, 1.5, 0.25, 1.25, 1.25)
    assert cand["b"] == (2e6, 2, 1.25, 0.5, 0.75, 0.375)
    assert [r[0] for r in wb["Pareto"].iter_rows(min_row=2, values_only=True)] == [0, 1, 3]
    assert files[1].read_bytes()[:4] == b"\x89PNG"


def test_ranking_lower_is_better(filled) -> None:
    plan, folder = filled
    _, ranked = write_sweep_report(plan, folder, indicator="mean_bike_min_mobipunt")
    assert ranked["candidates"].tolist() == ['["=a"]', '["b"]', "[]", '["=a", "b"]']
    assert ranked["gain"].tolist() == pytest.approx([0.3, 0.1, 0.0, -0.2])


def test_unknown_indicator(filled) -> None:
    plan, folder = filled
    with pytest.raises(ExportError):
        write_sweep_report(plan, folder, indicator="nope")


def test_costs_come_from_the_current_file(filled) -> None:
    plan, folder = filled
    cheaper = plan_sweep(
        Sweep.from_toml(_text().replace("cost_eur = 2000000.0", "cost_eur = 500000.0")), None, "k"
    )
    assert [v.variant_id for v in cheaper.variants] == [v.variant_id for v in plan.variants]
    _, ranked = write_sweep_report(cheaper, folder)
    assert sorted(ranked["cost_eur"].tolist()) == [0.0, 500000.0, 1e6, 1.5e6]
