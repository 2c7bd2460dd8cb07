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


def expected_link_flows(base, scen) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Link flow changes by a plain pandas join: per link the largest flow of
    its edges, outer join on the link id, rows whose flow moves by more than
    1e-9, largest change first; geometry: the link's edges merged."""
    import shapely

    flows = ["flow_dwellings", "flow_brussels_dwellings", "flow_bike_commuters"]
    flows = [c for c in flows if c in base.links.columns and c in scen.links.columns]

    def per_link(links):  # type: ignore[no-untyped-def]
        g = links.groupby("link_id", sort=True)
        out = g[flows].max()
        out["name"] = g["name"].first().astype(str)
        out["link_class"] = g["link_class"].first().astype(str)
        order = {"": 0, "added": 1, "upgraded": 2}
        out["change"] = g["change"].agg(lambda c: max(c, key=lambda v: order[str(v)]))
        out["geometry"] = g["geometry"].agg(
            lambda e: shapely.line_merge(shapely.multilinestrings(list(e)))
        )
        return out

    b, s = per_link(base.links), per_link(scen.links)
    rows = []
    for link in sorted(set(b.index) | set(s.index)):
        in_s = link in s.index
        src = s.loc[link] if in_s else b.loc[link]
        row = {"link_id": link, "name": src["name"], "link_class": src["link_class"]}
        row["change"] = src["change"] if in_s else "removed"
        for c in flows:
            vb = float(b.loc[link, c]) if link in b.index else 0.0
            vs = float(s.loc[link, c]) if in_s else 0.0
            row[f"base_{c}"], row[f"scenario_{c}"], row[f"delta_{c}"] = vb, vs, vs - vb
        row["geometry"] = shapely.to_wkb(src["geometry"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    delta = frame[[f"delta_{c}" for c in flows]].abs()
    frame = frame[(delta > 1e-9).any(axis=1)].assign(_key=delta.max(axis=1))
    return frame.sort_values(["_key", "link_id"], ascending=[False, True]).drop(columns="_key")


def test_link_flow_changes_equal_a_hand_join(small_base) -> None:
    """A new link splits edges (links of several edges) and changes flows:
    the listed links, their values, order and merged geometry equal a plain
    pandas join of the two link tables."""
    import shapely

    base = evaluate(small_base)
    scen = evaluate(
        small_base,
        Scenario(
            name="s",
            modifications=(AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO),),
        ),
    )
    got = compare(base, scen).link_flows
    want = expected_link_flows(base, scen)
    assert len(want) > 0 and (scen.links["link_id"].value_counts() > 1).any()
    assert got["link_id"].tolist() == want["link_id"].tolist()
    for col in [c for c in want.columns if c != "geometry"]:
        assert got[col].tolist() == want[col].tolist(), col
    assert [shapely.to_wkb(g) for g in got.geometry] == want["geometry"].tolist()


def test_a_plain_line_is_what_line_merge_gives_back() -> None:
    """link_flow_changes takes a one-edge link's line as it is when
    comparison._plain_lines says so: line_merge would return it unchanged
    (random zigzags, backtracks and crossings; repeated vertices, rings and
    3D lines are not plain)."""
    import shapely

    from slimmeregio.scenarios.comparison import _plain_lines

    rng = np.random.default_rng(7)
    lines = [
        shapely.linestrings(rng.integers(0, 4, (int(rng.integers(2, 6)), 2)).astype(float))
        for _ in range(2000)
    ]
    lines += [shapely.from_wkt("LINESTRING Z (0 0 1, 1 1 2)")]
    geoms = np.asarray(lines, dtype=object)
    merged = shapely.line_merge(
        np.asarray(shapely.multilinestrings(geoms, indices=np.arange(len(geoms))), dtype=object)
    )
    plain = _plain_lines(geoms)
    assert 1000 < plain.sum() < len(geoms)
    assert (shapely.to_wkb(merged[plain]) == shapely.to_wkb(geoms[plain])).all()
