"""Per-municipality statistics from one shared sort = each group sorted on its own.

scenarios/dwelling_stats.py sorts every statistic column once for the region
and derives each municipality's order from it. Random dwelling frames with
ties, missing values, zero weights and Brussels routes are checked against
(a) each municipality's rows evaluated alone (:func:`group_indicators`, one
sort per group), number for number, and (b) a plain weighted median / p90 /
mean written here.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.dwelling_stats import (
    StatsMemo,
    group_indicators,
    hint_from_base,
    region_and_municipalities,
    sorted_from_hint,
)
from slimmeregio.scenarios.model import Parameters

PARAMS = Parameters()


def _frame(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def minutes() -> np.ndarray:
        # Few distinct values: many ties across municipalities.
        v = rng.integers(0, 12, n).astype(float) / 2
        v[rng.random(n) < 0.1] = np.nan
        return v

    return pd.DataFrame(
        {
            "nis": rng.choice(np.array(["23001", "23002", "23003", "99999"]), n),
            "municipality": "m",
            "status": rng.choice(np.array(["bestaand", "gepland"]), n),
            "dwellings": rng.integers(0, 4, n),
            "inhabitants": rng.integers(0, 9, n).astype(float),
            "walk_m_mobipunt": minutes() * 100,
            "bike_min_mobipunt": minutes(),
            "walk_m_station": minutes() * 100,
            "bike_min_station": minutes(),
            "bike_min_brussels": minutes(),
            "in_brussels": rng.random(n) < 0.1,
            "reachable": rng.random(n) < 0.95,
        }
    )


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _plain(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value whose cumulative weight reaches ``q`` of the total (no route: inf)."""
    pairs = sorted(
        (v if np.isfinite(v) else math.inf, w)
        for v, w in zip(values, weights, strict=True)
        if w > 0
    )
    total = sum(w for _, w in pairs)
    if not pairs:
        return math.nan
    seen = 0.0
    for v, w in pairs:
        seen += w
        if seen >= q * total - 1e-9 * total:
            return v
    return pairs[-1][0]


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 300))
def test_municipalities_from_one_sort_equal_each_group_alone(seed: int, n: int) -> None:
    dw = _frame(seed, n)
    region, table = region_and_municipalities(dw, None, PARAMS, brussels=True)
    alone = group_indicators(dw, PARAMS, brussels=True)
    assert region.keys() == alone.keys()
    assert all(_same(region[k], alone[k]) for k in region), "region"
    assert sorted(table.get("nis", [])) == sorted(set(dw["nis"]))
    for row in table.to_dict("records"):
        part = dw.loc[dw["nis"] == row["nis"]]
        expected = group_indicators(part, PARAMS, brussels=True)
        for key, value in expected.items():
            assert _same(row[key], value), (row["nis"], key, row[key], value)
        w = part["dwellings"].to_numpy(float)
        for target in ("mobipunt", "station"):
            bike = part[f"bike_min_{target}"].to_numpy(float)
            assert _same(row[f"median_bike_min_{target}"], _plain(bike, w, 0.5))
            assert _same(row[f"p90_bike_min_{target}"], _plain(bike, w, 0.9))
            fin = np.isfinite(bike) & (w > 0)
            if fin.any():
                mean = float((bike[fin] * w[fin]).sum() / w[fin].sum())
                assert math.isclose(row[f"mean_bike_min_{target}"], mean, rel_tol=1e-12)
        routed = ~part["in_brussels"].to_numpy(bool)
        bx = part["bike_min_brussels"].to_numpy(float)
        assert _same(row["median_bike_min_brussels"], _plain(bx[routed], w[routed], 0.5))


def test_a_municipality_without_dwellings_has_no_statistics() -> None:
    import geopandas as gpd
    import shapely

    dw = _frame(1, 50).assign(nis="23001")
    munis = gpd.GeoDataFrame(
        {"nis": ["23001", "23002"], "name": ["A", "B"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
    )
    _, table = region_and_municipalities(dw, munis, PARAMS)
    empty = table.set_index("nis").loc["23002"]
    assert empty["dwellings"] == 0 and math.isnan(empty["median_bike_min_mobipunt"])
    full = table.set_index("nis").loc["23001"]
    assert (
        full["median_bike_min_mobipunt"] == group_indicators(dw, PARAMS)["median_bike_min_mobipunt"]
    )


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 400),
    distinct=st.integers(1, 50),
    shuffled=st.floats(0, 1),
)
def test_a_sort_from_a_hint_is_the_stable_sort(
    seed: int, n: int, distinct: int, shuffled: float
) -> None:
    """Whatever the hint (sorted, nearly sorted, random), the permutation is
    numpy's stable argsort: by value, ties by row."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, distinct, n).astype(float)
    values[rng.random(n) < 0.1] = np.inf
    hint = np.argsort(values + rng.normal(0, 0.5, n) * (rng.random(n) < shuffled), kind="stable")
    assert np.array_equal(sorted_from_hint(values, hint), np.argsort(values, kind="stable"))
    reverse = np.arange(n)[::-1].copy()
    assert np.array_equal(sorted_from_hint(values, reverse), np.argsort(values, kind="stable"))


def test_the_hint_carries_the_base_order_to_the_scenario_rows() -> None:
    base_order = np.array([3, 0, 2, 1])
    # Scenario rows: base rows 0, 2, 3 kept (row 1 removed), one new row.
    rows = np.array([0, 2, 3, -1])
    assert hint_from_base(base_order, rows).tolist() == [2, 0, 1, 3]
    assert hint_from_base(base_order, np.array([0, 0, 1, 2])) is None  # not one to one
    assert hint_from_base(base_order, np.array([0, 7])) is None  # not a base row


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 200), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_grouped_order_equals_sorting_each_group_alone(n: int, groups: int, seed: int) -> None:
    from slimmeregio.scenarios.dwelling_stats import GroupedOrder

    rng = np.random.default_rng(seed)
    # Few distinct values (ties), missing and infinite ones, rows in no group.
    values = rng.integers(0, 5, n).astype(float)
    values[rng.random(n) < 0.1] = np.nan
    values[rng.random(n) < 0.1] = np.inf
    weights = rng.integers(0, 3, n).astype(float)
    codes = rng.integers(-1, groups, n)
    counted = ~np.isnan(values) & (weights > 0)
    order = GroupedOrder(values, counted, codes, groups)
    whole = np.flatnonzero(counted)
    assert np.array_equal(order.rows, whole[np.argsort(values[whole], kind="stable")])
    for g in range(-1, groups):
        rows = np.flatnonzero(counted & (codes == g))
        want = rows[np.argsort(values[rows], kind="stable")] if g >= 0 else rows[:0]
        assert np.array_equal(order.group(g), want)


def _munis() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"nis": ["23001", "23002", "23003", "23004"], "name": ["A", "B", "C", "D"]},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(4)],
    )


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 300),
    edits=st.lists(
        st.sampled_from(["value", "nan", "add", "remove", "move", "reach", "status"]),
        min_size=1,
        max_size=4,
    ),
)
@example(seed=3, n=50, edits=["add"])
@example(seed=5, n=40, edits=["remove"])
@example(seed=8, n=40, edits=["move"])
def test_municipality_rows_taken_from_the_base_equal_a_fresh_table(
    seed: int, n: int, edits: list[str]
) -> None:
    """A scenario's table with the base's memo (rows of unchanged municipalities
    taken over) is the table computed from scratch, value for value; and the
    rows taken over are exactly those of municipalities none of whose
    dwellings changed (a hand-kept list here)."""
    rng = np.random.default_rng(seed + 1)
    base = _frame(seed, n)
    munis = _munis()
    kept: list[StatsMemo] = []
    region_and_municipalities(base, munis, PARAMS, brussels=True, keep=kept)
    scen = base.copy()
    rows = np.arange(n, dtype=np.int64)  # the base row of each scenario row
    touched: set[str] = set()
    for edit in edits:
        if len(scen) == 0 and edit != "add":
            continue
        i = int(rng.integers(0, max(len(scen), 1)))
        nis = str(scen["nis"].iloc[i]) if len(scen) else ""
        column, value = {
            "value": ("bike_min_mobipunt", 99.0),
            "nan": ("walk_m_station", np.nan),
            "reach": ("reachable", not bool(scen["reachable"].iloc[i]) if len(scen) else True),
            "status": ("status", "gepland"),
            "move": ("nis", "23004"),
        }.get(edit, ("", None))
        if column:
            old = scen[column].iloc[i]
            if not _same_value(old, value):  # the edit changes something
                touched |= {nis, str(value)} if column == "nis" else {nis}
            scen.iloc[i, scen.columns.get_loc(column)] = value
        elif edit == "remove":
            scen = scen.drop(scen.index[i])
            rows = np.delete(rows, i)
            touched.add(nis)
        elif edit == "add":
            new = _frame(seed + 7, 1).assign(nis="23003", dwellings=2)
            scen = pd.concat([scen, new], ignore_index=True)
            rows = np.r_[rows, -1]
            touched.add("23003")
    scen = scen.reset_index(drop=True)
    memo = kept[0]
    hints = {k: hint_from_base(o, rows) for k, o in memo.orders.items()}
    hints_ok = None if any(h is None for h in hints.values()) else hints
    again: list[StatsMemo] = []
    region, table = region_and_municipalities(
        scen,
        munis,
        PARAMS,
        brussels=True,
        hints=hints_ok,
        previous=memo,
        base_rows=rows,
        keep=again,
    )
    fresh_region, fresh = region_and_municipalities(scen, munis, PARAMS, brussels=True)
    assert all(_same(region[k], fresh_region[k]) for k in fresh_region)
    assert list(table.columns) == list(fresh.columns) and len(table) == len(fresh)
    for got, want in zip(table.to_dict("records"), fresh.to_dict("records"), strict=True):
        assert got.keys() == want.keys()
        for key, value in want.items():
            assert _same_value(got[key], value), (got["nis"], key)
    # The rows taken over (the same objects) are exactly those of the
    # project's municipalities none of whose dwellings an edit changed.
    taken = {nis for nis, row in again[0].rows.items() if row is memo.rows.get(nis)}
    assert taken == set(munis["nis"]) - touched


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return _same(a, b)
    return bool(a == b)
