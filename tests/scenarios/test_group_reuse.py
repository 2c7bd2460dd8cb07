"""Which municipalities a scenario takes over (scenarios/group_reuse.py), by hand.

Random base frames are edited (values changed, set to NaN, weights changed,
rows moved to another municipality, added, removed); a municipality is
unchanged for a column exactly when, written out in plain Python, its rows
now are its base rows in the same order with the same values of that column
and of the weights.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.group_reuse import unchanged_groups

EDITS = ["value", "nan", "weight", "move", "add", "remove", "none"]


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 60),
    edits=st.lists(st.sampled_from(EDITS), max_size=4),
)
def test_unchanged_groups_equal_a_hand_comparison(seed: int, n: int, edits: list[str]) -> None:
    rng = np.random.default_rng(seed)
    labels = np.array(["A", "B", "C", "D"], dtype=object)
    base = pd.DataFrame(
        {
            "nis": rng.choice(labels, n),
            "a": rng.integers(0, 3, n).astype(float),
            "b": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 3, n)),
            "w": rng.integers(0, 3, n).astype(float),
            "row": np.arange(n),
        }
    )
    now = base.copy()
    for edit in edits:
        if len(now) == 0 and edit != "add":
            continue
        i = int(rng.integers(0, max(len(now), 1)))
        if edit == "value":
            now.iloc[i, now.columns.get_loc("a")] += 1.0
        elif edit == "nan":
            now.iloc[i, now.columns.get_loc("b")] = np.nan
        elif edit == "weight":
            now.iloc[i, now.columns.get_loc("w")] += 1.0
        elif edit == "move":
            now.iloc[i, now.columns.get_loc("nis")] = "D"
        elif edit == "remove":
            now = now.drop(now.index[i])
        elif edit == "add":
            new = {"nis": "C", "a": 1.0, "b": 1.0, "w": 1.0, "row": -1}
            now = pd.concat([now, pd.DataFrame([new])], ignore_index=True)
    now = now.reset_index(drop=True)
    codes, uniq = pd.factorize(now["nis"])
    then_codes, then_uniq = pd.factorize(base["nis"])
    cols = {c: now[c].to_numpy(float) for c in ("a", "b", "w")}
    then = {c: base[c].to_numpy(float) for c in ("a", "b", "w")}
    got = unchanged_groups(
        cols,
        then,
        np.asarray(codes),
        list(uniq),
        np.asarray(then_codes),
        list(then_uniq),
        now["row"].to_numpy(np.int64),
        weights=("w",),
    )
    assert got is not None

    def rows_of(frame: pd.DataFrame, label: str) -> list[tuple]:
        return [r for r in frame.itertuples(index=False) if r.nis == label]

    for column in ("a", "b", "w"):
        expected = set()
        for label in uniq:
            mine, theirs = rows_of(now, label), rows_of(base, label)
            if len(mine) == len(theirs) and all(
                m.row == t.row and _same(getattr(m, column), getattr(t, column)) and _same(m.w, t.w)
                for m, t in zip(mine, theirs, strict=True)
            ):
                expected.add(str(label))
        assert got.groups[column] == expected, column
        everywhere = len(now) == len(base) and all(
            m.row == t.row and m.nis == t.nis and _same(getattr(m, column), getattr(t, column))
            and _same(m.w, t.w)
            for m, t in zip(now.itertuples(index=False), base.itertuples(index=False), strict=True)
        )  # fmt: skip
        assert (column in got.everywhere) == everywhere, column


def test_rows_out_of_the_base_order_take_nothing_over() -> None:
    codes = np.array([0, 0, 1])
    cols = {"a": np.array([1.0, 2.0, 3.0])}
    rows = np.array([1, 0, 2])  # two base rows swapped
    assert unchanged_groups(cols, cols, codes, ["A", "B"], codes, ["A", "B"], rows) is None
