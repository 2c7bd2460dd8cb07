"""Commuting origins pooled per 100 m cell (scenarios/commute_origins.py).

The pooled model must be exactly the per-point model run on a housing layer
that has one point per cell and municipality (the cell's address nearest the
dwelling-weighted centre, carrying the cell's dwellings): that layer is built
here by hand, with plain Python, and evaluated per point. A scenario reusing
the base's pooled uptake shares equals a full recomputation, and ``auto``
pools only large layers.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.base import prepare_base, prepare_base_from_inputs
from slimmeregio.scenarios.commute_origins import (
    AUTO_MAX_POINTS,
    commute_origins,
    uses_cells,
)
from slimmeregio.scenarios.engine import evaluate
from slimmeregio.scenarios.model import Parameters

from .test_opportunity_equivalence import _assert_same, _reused
from .test_opportunity_reuse import _edits

CELLS = Parameters(commute_origins="cells")


def _frame(dwellings: list[float], nis: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"dwellings": dwellings, "nis": nis})


def test_points_pool_per_cell_and_municipality_at_the_address_nearest_the_centre() -> None:
    # Cell (0, 0): three points of 23000 (dwellings 1, 1, 8), one of 24000;
    # cell (1, 0): one point; one point off the network in cell (0, 0).
    xy = np.array(
        [
            [10.0, 10.0],  # 0: 23000, 1 dwelling
            [90.0, 90.0],  # 1: 23000, 8 dwellings: the centre is near it
            [50.0, 50.0],  # 2: 24000 (the border runs through the cell)
            [150.0, 20.0],  # 3: cell (1, 0)
            [60.0, 70.0],  # 4: 23000, 1 dwelling
            [20.0, 80.0],  # 5: 23000, off the network
        ]
    )
    dw = _frame([1, 8, 5, 3, 1, 4], ["23000", "23000", "24000", "23000", "23000", "23000"])
    reachable = np.array([True, True, True, True, True, False])
    origins = commute_origins("cells", xy, dw, reachable)
    assert origins.pooled
    # Weighted centre of rows 0, 1, 4: ((10 + 720 + 60) / 10, (10 + 720 + 70) / 10) = (79, 80):
    # row 1 is nearest.  Origins are listed in the order of their addresses.
    assert origins.rows.tolist() == [1, 2, 3, 5]
    assert origins.member is not None
    assert origins.member.tolist() == [0, 0, 1, 2, 0, 3]
    assert origins.dwellings.tolist() == [10.0, 5.0, 3.0, 4.0]
    assert origins.nis.tolist() == ["23000", "24000", "23000", "23000"]
    # A dwelling's commuters are its origin's in proportion to its dwellings.
    spread = origins.spread(np.array([20.0, 7.0, 3.0, 0.0]), dw["dwellings"].to_numpy())
    assert spread.tolist() == pytest.approx([2.0, 16.0, 7.0, 3.0, 2.0, 0.0])


def test_per_point_and_auto_below_the_limit_leave_every_point_an_origin() -> None:
    xy = np.array([[10.0, 10.0], [20.0, 20.0]])
    dw = _frame([1, 2], ["1", "1"])
    for mode in ("points", "auto"):
        origins = commute_origins(mode, xy, dw, np.array([True, True]))
        assert not origins.pooled and origins.rows.tolist() == [0, 1]
        assert origins.spread(np.array([3.0, 4.0]), np.array([1.0, 2.0])).tolist() == [3.0, 4.0]
    assert not uses_cells("auto", AUTO_MAX_POINTS)
    assert uses_cells("auto", AUTO_MAX_POINTS + 1)
    assert uses_cells("cells", 1) and not uses_cells("points", 10**6)


def _pooled_by_hand(housing: pd.DataFrame, xy: np.ndarray, reachable: np.ndarray) -> pd.DataFrame:
    """One row per cell, municipality and on/off network: the cell's address
    nearest the dwelling-weighted centre, with the cell's dwellings."""
    groups: dict[tuple[int, int, str, bool], list[int]] = defaultdict(list)
    for i in range(len(housing)):
        key = (
            math.floor(xy[i, 0] / 100.0),
            math.floor(xy[i, 1] / 100.0),
            str(housing["nis"].iloc[i]),
            bool(reachable[i]),
        )
        groups[key].append(i)
    reps, totals = [], []
    dwellings = housing["dwellings"].to_numpy(dtype=float)
    for rows in groups.values():
        w = [dwellings[i] for i in rows]
        if sum(w) <= 0:
            w = [1.0] * len(rows)
        cx = sum(wi * xy[i, 0] for wi, i in zip(w, rows, strict=True)) / sum(w)
        cy = sum(wi * xy[i, 1] for wi, i in zip(w, rows, strict=True)) / sum(w)
        best = min(rows, key=lambda i: ((xy[i, 0] - cx) ** 2 + (xy[i, 1] - cy) ** 2, i))
        reps.append(best)
        totals.append(sum(dwellings[i] for i in rows))
    order = np.argsort(reps)
    pooled = housing.iloc[np.asarray(reps)[order]].copy()
    pooled["dwellings"] = np.asarray(totals)[order]
    return pooled.drop(columns="_row", errors="ignore").reset_index(drop=True)


@pytest.mark.slow
def test_pooled_origins_equal_the_per_point_model_on_the_pooled_layer(region_project) -> None:
    base = prepare_base(region_project, CELLS)
    pooled = evaluate(base, service_areas=False)
    housing = base.inputs.housing
    xy = base.housing_att.xy
    by_hand = _pooled_by_hand(housing, xy, base.housing_att.reachable)
    assert len(by_hand) < len(housing)  # the embedded region has cells with several points
    one_each = prepare_base_from_inputs(
        base.inputs.network,
        by_hand,
        base.inputs.mobipunten,
        base.inputs.stations,
        municipalities=base.inputs.municipalities,
        centres=base.centres,
        grid=base.grid,
        brussels=base.brussels,
        parameters=Parameters(commute_origins="points"),
    )
    one_each.opportunities = base.opportunities
    per_point = evaluate(one_each, service_areas=False)
    a, b = pooled.opportunities, per_point.opportunities
    assert a is not None and b is not None
    assert "commute_origins_pooled" in a.notes and "commute_origins_pooled" not in b.notes
    cols = [
        "commuters",
        "bike_commuters_go_dutch",
        "bike_commuters_ebike",
        "bike_commuters_current",
    ]
    wa = a.workplaces.set_index("opp_id")[cols]
    wb = b.workplaces.set_index("opp_id")[cols]
    pd.testing.assert_frame_equal(wa, wb, check_exact=False, rtol=1e-9)
    np.testing.assert_allclose(a.link_flow, b.link_flow, rtol=1e-9, atol=1e-9)
    for key in ("commuters", "bike_commuters_go_dutch", "share_bike_commuters_go_dutch"):
        assert a.region[key] == pytest.approx(b.region[key], rel=1e-9), key
    ma = pooled.municipalities.set_index("nis")["bike_commuters_go_dutch"]
    mb = per_point.municipalities.set_index("nis")["bike_commuters_go_dutch"]
    pd.testing.assert_series_equal(ma, mb.reindex(ma.index), check_exact=False, rtol=1e-9)
    # Each dwelling carries its cell's figure in proportion to its dwellings:
    # the per-dwelling column sums to the region total.
    per_dwelling = pooled.dwellings["bike_commuters_go_dutch"].to_numpy()
    assert per_dwelling.sum() == pytest.approx(a.region["bike_commuters_go_dutch"], rel=1e-12)


@pytest.mark.slow
def test_pooled_scenarios_reusing_the_base_equal_a_full_evaluation(
    region_project, monkeypatch
) -> None:
    base = prepare_base(region_project, CELLS)
    evaluate(base, service_areas=False)

    @settings(
        max_examples=3,
        deadline=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(data=st.data())
    def check(data) -> None:  # type: ignore[no-untyped-def]
        scenario = data.draw(_edits(base)).model_copy(update={"parameters": CELLS})
        inc = evaluate(base, scenario, service_areas=False)
        assert _reused(inc.opportunities.work), inc.opportunities.work
        with monkeypatch.context() as m:
            m.setenv("SLIMMEREGIO_FULL_EVALUATION", "1")
            full = evaluate(base, scenario, service_areas=False)
        _assert_same(inc, full)

    check()


def test_the_region_is_per_point_by_default(region_base) -> None:
    """The embedded region (under the auto limit) keeps one origin per point."""
    assert len(region_base.inputs.housing) <= AUTO_MAX_POINTS
    outcome = evaluate(region_base).opportunities
    assert outcome is not None and "commute_origins_pooled" not in outcome.notes


def test_auto_decides_by_the_base_so_a_scenario_is_measured_as_its_base(monkeypatch) -> None:
    """A base exactly at the limit is per point; a scenario adding a point
    crosses it, but must not switch to cells: its commuting deltas would show
    the change of definition, not the edit."""
    import slimmeregio.scenarios.commute_origins as co
    from slimmeregio.scenarios.model import AddHousing

    from .test_opportunity_scenarios import _project

    base = prepare_base(_project())
    assert base.opportunities is not None
    n = len(base.inputs.housing)
    assert base.opportunities.base_points == n
    monkeypatch.setattr(co, "AUTO_MAX_POINTS", n)
    x, y = (float(v) for v in base.housing_att.xy[0])
    scenario_ = AddHousing(x=x + 30.0, y=y + 30.0, dwellings=10, author="test", reason="test")
    from slimmeregio.scenarios.model import Scenario

    ev = evaluate(base, Scenario(name="plus", modifications=(scenario_,)), service_areas=False)
    assert len(ev.dwellings) == n + 1  # over the limit now
    assert "commute_origins_pooled" not in ev.opportunities.notes  # still per point
    # A base over the limit pools, and so do its scenarios.
    monkeypatch.setattr(co, "AUTO_MAX_POINTS", n - 1)
    base2 = prepare_base(_project())
    ev2 = evaluate(base2, Scenario(name="plus", modifications=(scenario_,)), service_areas=False)
    assert "commute_origins_pooled" in ev2.opportunities.notes


def _grouped_by_pandas(xy: np.ndarray, dw: pd.DataFrame, reachable: np.ndarray) -> tuple:
    """The pooling written plainly: pandas groups by (cell, nis, on the
    network) in sorted order, a lexsort picks each group's nearest address."""
    x, y = xy[:, 0], xy[:, 1]
    frame = pd.DataFrame(
        {
            "cx": np.floor(x / 100.0).astype(np.int64),
            "cy": np.floor(y / 100.0).astype(np.int64),
            "nis": dw["nis"].astype(str).to_numpy(),
            "on": reachable,
        }
    )
    member = frame.groupby(["cx", "cy", "nis", "on"], sort=True).ngroup().to_numpy()
    k = int(member.max()) + 1
    d = dw["dwellings"].to_numpy(dtype=float)
    total = np.bincount(member, weights=d, minlength=k)
    weight = np.where(total[member] > 0, d, 1.0)
    w_sum = np.bincount(member, weights=weight, minlength=k)
    cx = np.bincount(member, weights=weight * x, minlength=k) / w_sum
    cy = np.bincount(member, weights=weight * y, minlength=k) / w_sum
    d2 = (x - cx[member]) ** 2 + (y - cy[member]) ** 2
    order = np.lexsort((np.arange(len(x)), d2, member))
    first = np.r_[True, member[order][1:] != member[order][:-1]]
    rep = np.empty(k, dtype=np.int64)
    rep[member[order][first]] = order[first]
    return rep, member, total


@settings(max_examples=80, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300), shift=st.sampled_from([0.0, -2e5]))
def test_pooling_equals_pandas_grouping_and_a_lexsort(seed: int, n: int, shift: float) -> None:
    rng = np.random.default_rng(seed)
    # Coarse coordinates: many points at equal distance from their centre.
    xy = rng.integers(0, 6, (n, 2)) * 50.0 + rng.integers(0, 3, (n, 2)) * 7.0 + shift
    dw = _frame(
        rng.integers(0, 3, n).astype(float).tolist(),
        rng.choice(["23001", "23002", "9", "10"], n).tolist(),
    )
    on = rng.random(n) < 0.8
    if seed % 5 == 0:  # points without coordinates: one cell, no nearest address
        xy[rng.random(n) < 0.1] = np.nan
    with np.errstate(invalid="ignore"):
        expected = _grouped_by_pandas(xy, dw, on)
    origins = commute_origins("cells", xy, dw, on)
    rep, member, total = expected
    by_row = np.argsort(rep, kind="stable")
    assert origins.rows.tolist() == rep[by_row].tolist()
    assert origins.dwellings.tolist() == total[by_row].tolist()
    renumber = np.empty(len(rep), dtype=np.int64)
    renumber[by_row] = np.arange(len(rep))
    assert origins.member is not None
    assert origins.member.tolist() == renumber[member].tolist()
    assert origins.nis.tolist() == dw["nis"].to_numpy()[rep[by_row]].tolist()
    assert origins.keys is not None and len(origins.keys) == len(rep)
