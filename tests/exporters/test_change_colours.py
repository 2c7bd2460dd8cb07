"""Workbook change colours follow each indicator's direction (issue 14: planned dwellings rising was orange)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from slimmeregio.exporters.excel import export_excel
from slimmeregio.scenarios.indicator_direction import indicator_direction
from slimmeregio.scenarios.results import indicator_keys

from .conftest import Results

GREEN, ORANGE = "D8F0E4", "FBE1CF"

#: The direction of every indicator, written out by hand: +1 a rise is better, -1 a fall is, 0 neither.
HAND = {
    "dwellings": 0,
    "inhabitants": 0,
    "existing_dwellings": 0,
    "planned_dwellings": 0,
    "unreachable_dwellings": -1,
    "no_route_dwellings_mobipunt": -1,
    "no_route_dwellings_station": -1,
    "no_route_dwellings_brussels": -1,
    "share_walk_mobipunt_400m": 1,
    "share_walk_mobipunt_800m": 1,
    "share_walk_mobipunt_1200m": 1,
    "share_bike_mobipunt_5min": 1,
    "share_bike_mobipunt_10min": 1,
    "share_bike_mobipunt_15min": 1,
    "share_walk_station_400m": 1,
    "share_walk_station_800m": 1,
    "share_walk_station_1200m": 1,
    "share_bike_station_5min": 1,
    "share_bike_station_10min": 1,
    "share_bike_station_15min": 1,
    "mean_bike_min_mobipunt": -1,
    "median_bike_min_mobipunt": -1,
    "p90_bike_min_mobipunt": -1,
    "mean_walk_m_mobipunt": -1,
    "median_walk_m_mobipunt": -1,
    "p90_walk_m_mobipunt": -1,
    "mean_bike_min_station": -1,
    "median_bike_min_station": -1,
    "p90_bike_min_station": -1,
    "mean_walk_m_station": -1,
    "median_walk_m_station": -1,
    "p90_walk_m_station": -1,
    "mean_bike_min_brussels": -1,
    "median_bike_min_brussels": -1,
    "p90_bike_min_brussels": -1,
    "grid_inhabitants_covered": 1,
    "share_grid_covered": 1,
}

#: The opportunity, commuting and public transport families (their keys depend on the layers and
#: parameters of a run), written out by hand the same way.
HAND_FAMILIES = {
    "opp_jobs_bike_15min": 1,
    "opp_schools_walk_800m": 1,
    "opp_jobs_potential_bike": 1,
    "opp_jobs_potential_walk": 1,
    "opp_jobs_k3_bike_min": -1,
    "opp_schools_k3_walk_m": -1,
    "bike_commuters_current": 1,
    "bike_commuters_go_dutch": 1,
    "share_bike_commuters_ebike": 1,
    "share_pt_ochtendspits_2ph": 1,
    "share_bike_train_10min": 1,
    "median_bike_min_train": -1,
    "median_door_min_brussels": -1,
    "p90_door_min_brussels": -1,
    "hub_score_10min": 1,
    "share_bike_hub_deelauto_10min": 1,
    "hubs_type_mismatch": -1,
}


def test_every_indicator_has_its_direction() -> None:
    keys = indicator_keys()
    assert set(keys) == set(
        HAND
    )  # a new indicator makes this fail until its direction is written down
    assert {k: indicator_direction(k) for k in keys} == HAND
    assert indicator_direction("share_inh_bike_mobipunt_7.5min") == 1
    assert {k: indicator_direction(k) for k in HAND_FAMILIES} == HAND_FAMILIES
    assert (
        indicator_direction("some_future_count") == 0
    )  # unknown: uncoloured, never coloured wrongly


def _fill(ws, cell) -> str | None:
    """The fill Excel shows on ``cell``: the first conditional rule whose comparison with 0 holds."""
    for cf in ws.conditional_formatting:
        if cell.coordinate not in cf.sqref:
            continue
        for rule in cf.rules:
            v = float(cell.value)
            if (rule.operator == "greaterThan" and v > 0) or (
                rule.operator == "lessThan" and v < 0
            ):
                return str(rule.dxf.fill.fgColor.rgb)[-6:]
    return None


def test_summary_colours_follow_direction(results: Results, tmp_path: Path) -> None:
    base, scen = results.comparison.base, results.comparison.scenario
    # every indicator rises by one in the scenario, planned dwellings from none to 120
    region_base = {
        **base.region,
        "planned_dwellings": 0.0,
        **{k: 1.0 for k in ("no_route_dwellings_mobipunt", "existing_dwellings")},
    }
    region_scen = {k: (float(v) + 1.0) for k, v in region_base.items()}
    region_scen["planned_dwellings"] = 120.0
    comp = dataclasses.replace(
        results.comparison,
        base=dataclasses.replace(base, region=region_base),
        scenario=dataclasses.replace(scen, region=region_scen),
    )
    path = tmp_path / "r.xlsx"
    export_excel([comp], path, project=results.project)
    ws = openpyxl.load_workbook(path)["Samenvatting"]
    header = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "Indicator")
    heads = [c.value for c in ws[header]]
    delta_col = next(i for i, h in enumerate(heads, start=1) if str(h).startswith("Δ "))
    seen = {}
    for r in range(header + 1, ws.max_row + 1):
        key = ws.cell(row=r, column=2).value
        cell = ws.cell(row=r, column=delta_col)
        if key in HAND and cell.value is not None and float(cell.value) > 0:
            seen[key] = _fill(ws, cell)
    expected = {k: {1: GREEN, -1: ORANGE, 0: None}[HAND[k]] for k in seen}
    assert seen == expected
    assert seen["planned_dwellings"] is None and seen["no_route_dwellings_mobipunt"] == ORANGE
    assert {"share_bike_mobipunt_10min", "median_bike_min_mobipunt", "dwellings"} <= set(seen)


@pytest.mark.parametrize(
    ("key", "rising_better"),
    [
        ("share_bike_mobipunt_5min", True),
        ("no_route_dwellings_station", False),
        ("p90_walk_m_mobipunt", False),
    ],
)
def test_sweep_ranking_and_desktop_share_the_rule(key: str, rising_better: bool) -> None:
    from slimmeregio.exporters.sweep_report import higher_is_better

    assert higher_is_better(key) is rising_better
