"""Incremental scenario evaluation = full recomputation, for opportunities, commuting and transit.

Random scenarios on the embedded region (links added, closed, slowed and sped
up; mobipunten added and moved; housing added and removed) are evaluated by
the engine twice: reusing what the base evaluation kept (opportunity
searches, route trees, uptake shares, nearest-destination results) and in
full (``SLIMMEREGIO_FULL_EVALUATION=1``). Every per-dwelling column, every
region and municipality indicator, the flows on every link, the workplace
and OD tables, the business-park routes and the public transport tables must
be equal, number for number. Each example also checks that the incremental
run did reuse something, so the two runs follow different code paths.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.commuting import PRESETS, uptake
from slimmeregio.scenarios.engine import evaluate
from slimmeregio.scenarios.model import RemoveLink, Scenario, UpgradeLink
from slimmeregio.scenarios.uptake_memo import UptakeMemo, share_source

from .test_opportunity_reuse import _edits


def _frames_equal(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        pd.testing.assert_frame_equal(
            a.drop(columns="geometry", errors="ignore"),
            b.drop(columns="geometry", errors="ignore"),
            check_exact=True,
        )


def _assert_same(inc, full) -> None:  # type: ignore[no-untyped-def]
    _frames_equal(inc.dwellings, full.dwellings)
    _frames_equal(inc.municipalities, full.municipalities)
    _frames_equal(inc.links, full.links)
    assert inc.region.keys() == full.region.keys()
    for key, value in full.region.items():
        other = inc.region[key]
        assert other == value or (math.isnan(other) and math.isnan(value)), key
    _frames_equal(inc.pt_stops, full.pt_stops)
    _frames_equal(inc.hub_checks, full.hub_checks)
    a, b = inc.opportunities, full.opportunities
    assert np.array_equal(a.link_flow, b.link_flow)
    _frames_equal(a.workplaces, b.workplaces)
    _frames_equal(a.od, b.od)
    assert a.park_routes.keys() == b.park_routes.keys()
    for key, (edges, dwellings) in b.park_routes.items():
        assert np.array_equal(a.park_routes[key][0], edges), key
        assert np.array_equal(a.park_routes[key][1], dwellings), key


def _reused(work: dict[str, int]) -> bool:
    return bool(
        work.get("unchanged")
        or work.get("access_reused")
        or work.get("trees_reused")
        or work.get("trees_repaired")
    )


@pytest.mark.slow
def test_random_scenarios_incremental_equals_full(region_base, monkeypatch) -> None:
    evaluate(region_base)  # the base keeps what scenarios reuse
    repaired: list[int] = []
    rerun: list[int] = []

    @settings(
        max_examples=6,
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
        scenario = data.draw(_edits(region_base))
        inc = evaluate(region_base, scenario, service_areas=False)
        assert _reused(inc.opportunities.work), inc.opportunities.work
        repaired.append(inc.opportunities.work.get("trees_repaired", 0))
        rerun.append(inc.opportunities.work.get("access_rerun", 0))
        with monkeypatch.context() as m:
            m.setenv("SLIMMEREGIO_FULL_EVALUATION", "1")
            full = evaluate(region_base, scenario, service_areas=False)
        assert not _reused(full.opportunities.work), full.opportunities.work
        _assert_same(inc, full)

    check()
    # The drawn edits need not reach a route tree or an access search (the
    # draw follows the test's code): a closure and an upgrade of links that
    # shortest paths use always do.
    net = region_base.inputs.network
    ids = np.unique(net.link_id)
    fixed = Scenario(
        name="fixed",
        modifications=(
            RemoveLink(link_ids=(int(net.link_id[100]),), author="test", reason="test"),
            UpgradeLink(
                link_ids=tuple(int(i) for i in ids[200:203]),
                link_class="fietssnelweg",
                author="test",
                reason="test",
            ),
        ),
    )
    inc = evaluate(region_base, fixed, service_areas=False)
    repaired.append(inc.opportunities.work.get("trees_repaired", 0))
    rerun.append(inc.opportunities.work.get("access_rerun", 0))
    with monkeypatch.context() as m:
        m.setenv("SLIMMEREGIO_FULL_EVALUATION", "1")
        _assert_same(inc, evaluate(region_base, fixed, service_areas=False))
    # Route trees the edits reach were repaired, not searched again (and
    # still equal the full computation's).
    assert sum(repaired) > 0, repaired
    # Access searches the edits reach were run again for their node costs
    # and only the dwellings next to a changed cost gathered anew.
    assert sum(rerun) > 0, rerun


def test_full_evaluation_switch_turns_off_opportunity_reuse(region_base, monkeypatch) -> None:
    """With SLIMMEREGIO_FULL_EVALUATION=1 a scenario runs every opportunity search itself."""
    evaluate(region_base)
    mobi = region_base.inputs.mobipunten
    from slimmeregio.scenarios.model import MoveMobipunt

    move = Scenario(
        name="move",
        modifications=(
            MoveMobipunt(
                mobipunt_id=str(mobi["mobipunt_id"].iloc[3]),
                x=float(mobi.geometry.iloc[3].x) + 300,
                y=float(mobi.geometry.iloc[3].y) + 200,
                author="test",
                reason="test",
            ),
        ),
    )
    assert evaluate(region_base, move, service_areas=False).opportunities.work == {"unchanged": 1}
    monkeypatch.setenv("SLIMMEREGIO_FULL_EVALUATION", "1")
    work = evaluate(region_base, move, service_areas=False).opportunities.work
    assert not _reused(work), work
    assert work["access_searched"] > 0 and work["trees_searched"] > 0


def test_uptake_shares_reused_only_where_the_distance_is_the_same(monkeypatch) -> None:
    """Base 3 dwellings x 2 workplaces; the scenario drops dwelling 1, changes
    one distance and adds a dwelling: 3 pairs computed, the shares equal uptake's."""
    base_d = np.array([[1.0, 5.0], [2.0, np.inf], [7.5, 31.0]])
    record = UptakeMemo(base_d)
    for model in PRESETS.values():
        share_source(base_d, record=record)(model)
    # Scenario rows: base 0, base 2, a new dwelling.
    row_map = np.array([0, -1, 1])
    d = np.array([[1.0, 4.0], [7.5, 31.0], [3.0, 0.5]])
    sizes: list[int] = []

    def counted(x, g=0.0, *, model):  # type: ignore[no-untyped-def]
        sizes.append(int(np.size(x)))
        return uptake(x, g, model=model)

    monkeypatch.setattr("slimmeregio.scenarios.uptake_memo.uptake", counted)
    source = share_source(d, previous=record, row_map=row_map)
    for model in set(PRESETS.values()):
        got = source(model)
        want = np.array([[uptake(np.array([v]), model=model)[0] for v in row] for row in d])
        assert np.array_equal(got, want)
    # (0,1) changed 5 -> 4, and the new row's two pairs; the rest taken over.
    assert sizes == [3] * len(set(PRESETS.values()))


def _arcs(old=(), new=(), n_base=4):  # type: ignore[no-untyped-def]
    from slimmeregio.scenarios.opportunity_reuse import ChangedArcs

    def cols(arcs):  # type: ignore[no-untyped-def]
        a = np.array([x[0] for x in arcs], dtype=np.int64)
        b = np.array([x[1] for x in arcs], dtype=np.int64)
        w = np.array([x[2] for x in arcs], dtype=float)
        return a, b, w

    return ChangedArcs(n_base, np.zeros(0, np.int64), *cols(old), *cols(new))


@pytest.mark.parametrize(
    ("old", "new", "affected"),
    [
        ([(1, 2, 10.0)], [], True),  # removed arc on the shortest path (10 + 10 = 20)
        ([(0, 2, 25.0)], [], False),  # removed arc no shortest path uses (25 > 20)
        ([], [(1, 2, 10.0)], False),  # an added arc as good as the path, not better
        ([], [(1, 2, 9.0)], True),  # an added arc strictly better
        ([], [(2, 3, 4.0)], True),  # reaches the unreached node 3 within the limit (24)
        ([], [(2, 3, 6.0)], False),  # ... beyond the limit (26)
        ([], [(2, 4, 3.0), (4, 3, 5.0)], False),  # a new node at 23, node 3 via it at 28
        ([], [(2, 4, 3.0), (4, 3, 1.0)], True),  # ... node 3 via it at 24
        ([], [(2, 4, 3.0), (4, 5, 1.0)], True),  # a new node entered from a new node
    ],
)
def test_changed_arcs_decide_by_hand(old, new, affected) -> None:  # type: ignore[no-untyped-def]
    """A bounded search (limit 25) reached nodes 0, 1, 2 at 0, 10, 20, not node 3."""
    from slimmeregio.scenarios.opportunity_reuse import AccessMemo

    memo = AccessMemo(
        {0: (np.zeros(0, np.int64), np.zeros(0))},
        2,
        {
            0: (np.array([0, 1, 2], np.int32), np.array([0.0, 10.0, 20.0])),
            1: (np.array([3], np.int32), np.array([0.0])),
        },
    )
    arcs = _arcs(old, new)
    got = arcs.affected(memo, 25.0, 6)
    assert got[0] == affected
    # Search 1 reached only node 3, which no changed arc leaves (except 4 -> 3's head).
    assert got[1] == any(a == 3 for a, _, _ in [*old, *new])


def test_changed_arcs_cost_new_nodes_as_the_search_would() -> None:
    arcs = _arcs(new=[(2, 4, 3.0), (1, 4, 14.0), (0, 5, 30.0)])
    row = np.array([0.0, 10.0, 20.0, np.inf])
    # Node 4: min(20 + 3, 10 + 14) = 23; node 5 at 30 is beyond the limit.
    assert np.array_equal(arcs.extend(row, 6, 25.0), [0.0, 10.0, 20.0, np.inf, 23.0, np.inf])
