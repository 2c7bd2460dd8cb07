"""Access changes of a comparison against a hand count by housing id.

compare.access_changes takes a fast path when the scenario keeps the base's
housing in order and only adds some, and a general one otherwise (housing
removed); both must list exactly the features a plain join by id finds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from slimmeregio.scenarios.engine import compare, evaluate
from slimmeregio.scenarios.model import AddHousing, AddLink, RemoveHousing, Scenario

from .conftest import X0, Y0

WHO = {"author": "test", "reason": "test"}
COLUMNS = {"walk": "walk_m_{}", "bike": "bike_min_{}"}


def expected_rows(base, scen) -> set[tuple]:  # type: ignore[no-untyped-def]
    """(housing_id, target, mode, threshold, change, dwellings) by an outer join on the id."""
    b = base.dwellings.drop(columns="geometry").set_index("housing_id")
    s = scen.dwellings.drop(columns="geometry").set_index("housing_id")
    ids = b.index.union(s.index)
    b, s = b.reindex(ids), s.reindex(ids)
    params = scen.parameters
    rows = set()
    for target in ("mobipunt", "station"):
        for mode, thresholds in (
            ("walk", params.walk_thresholds_m),
            ("bike", params.bike_thresholds_min),
        ):
            col = COLUMNS[mode].format(target)
            vb = b[col].astype(float).fillna(np.inf).to_numpy()
            vs = s[col].astype(float).fillna(np.inf).to_numpy()
            for thr in thresholds:
                for i, hid in enumerate(ids):
                    was, now = vb[i] <= thr, vs[i] <= thr
                    if now and not was:
                        dw = (
                            s["dwellings"].iloc[i]
                            if not pd.isna(s["dwellings"].iloc[i])
                            else b["dwellings"].iloc[i]
                        )
                        rows.add((str(hid), target, mode, float(thr), "gain", int(dw)))
                    if was and not now:
                        rows.add(
                            (
                                str(hid),
                                target,
                                mode,
                                float(thr),
                                "loss",
                                int(b["dwellings"].iloc[i]),
                            )
                        )
    return rows


def listed_rows(cmp) -> set[tuple]:  # type: ignore[no-untyped-def]
    a = cmp.access_changes
    a = a[a["target"] != "brussels"]
    return {
        (str(r.housing_id), r.target, r.mode, float(r.threshold), r.change, int(r.dwellings))
        for r in a.itertuples(index=False)
    }


@pytest.mark.parametrize("remove", [False, True], ids=["added only", "some removed"])
def test_access_changes_equal_a_join_by_id(small_base, remove) -> None:
    base = evaluate(small_base)
    ids = base.dwellings["housing_id"].astype(str).tolist()
    mods = [
        AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO),
        AddHousing(x=X0 + 2500.0, y=Y0 + 650.0, dwellings=40, id="nieuw-1", **WHO),
    ]
    if remove:
        mods.append(RemoveHousing(housing_ids=(ids[3], ids[70]), **WHO))
    scen = evaluate(small_base, Scenario(name="s", modifications=tuple(mods)))
    cmp = compare(base, scen)
    expected = expected_rows(base, scen)
    assert listed_rows(cmp) == expected
    assert any(r[4] == "gain" for r in expected)
    if remove:
        assert {ids[3], ids[70]} & {r[0] for r in expected if r[4] == "loss"}
    # The features' own columns come from the scenario, else the base.
    a = cmp.access_changes.set_index("housing_id")
    both = (
        pd.concat([scen.dwellings, base.dwellings])
        .drop_duplicates("housing_id")
        .set_index("housing_id")
    )
    for hid, row in a.iterrows():
        assert row["name"] == str(both.loc[hid, "name"])
        assert row["municipality"] == str(both.loc[hid, "municipality"])
        assert row.geometry.equals(both.loc[hid].geometry)


def test_one_base_compared_with_several_scenarios(small_base) -> None:
    """What compare derives from the base once (ids, per-link flows) serves every
    scenario: each comparison equals the hand join, and its link flows equal
    those against a copy of the base (nothing derived kept for it)."""
    import dataclasses

    base = evaluate(small_base)
    ids = base.dwellings["housing_id"].astype(str).tolist()
    scenarios = [
        [AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO)],
        [RemoveHousing(housing_ids=(ids[5],), **WHO)],
        [AddHousing(x=X0 + 900.0, y=Y0 + 300.0, dwellings=12, id="nieuw-2", **WHO)],
    ]
    for mods in scenarios:
        scen = evaluate(small_base, Scenario(name="s", modifications=tuple(mods)))
        cmp = compare(base, scen)
        assert listed_rows(cmp) == expected_rows(base, scen)
        fresh = dataclasses.replace(base, links=base.links.copy())
        pd.testing.assert_frame_equal(
            pd.DataFrame(cmp.link_flows.drop(columns="geometry")),
            pd.DataFrame(compare(fresh, scen).link_flows.drop(columns="geometry")),
            check_exact=True,
        )
