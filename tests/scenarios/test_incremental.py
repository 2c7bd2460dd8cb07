"""Repaired scenario evaluation = full recomputation (scenarios/incremental.py).

Random scenarios on the embedded region (add, remove, upgrade and slow down
links; add, move and remove mobipunten; add and remove housing; change a
stop's or a route's departures per hour) are
evaluated twice: with the per-dwelling results repaired from the base's, and
in full (``SLIMMEREGIO_FULL_EVALUATION=1``). Every dwelling's costs and
destinations, every indicator of the region and of every municipality, and
the bike flows on every link must be equal, number for number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios import incremental, transit_reuse
from slimmeregio.scenarios.engine import evaluate
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    MoveMobipunt,
    RemoveHousing,
    RemoveLink,
    RemoveMobipunt,
    Scenario,
    SetFrequency,
    UpgradeLink,
)

WHO = {"author": "test", "reason": "test"}
BUDGET = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _quick(base, scenario=None):  # type: ignore[no-untyped-def]
    return evaluate(base, scenario, service_areas=False, network_detail=False)


def _assert_same(a, b) -> None:  # type: ignore[no-untyped-def]
    pd.testing.assert_frame_equal(
        a.dwellings.drop(columns="geometry"), b.dwellings.drop(columns="geometry"), check_exact=True
    )
    assert a.region.keys() == b.region.keys()
    for key, value in a.region.items():
        other = b.region[key]
        assert value == other or (np.isnan(value) and np.isnan(other)), key
    pd.testing.assert_frame_equal(a.municipalities, b.municipalities, check_exact=True)
    pd.testing.assert_frame_equal(
        a.links.drop(columns="geometry"), b.links.drop(columns="geometry"), check_exact=True
    )
    pd.testing.assert_frame_equal(
        a.mobipunten.drop(columns="geometry"),
        b.mobipunten.drop(columns="geometry"),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(a.coverage_curve, b.coverage_curve, check_exact=True)


def _modifications(base, data) -> list:  # type: ignore[no-untyped-def]
    net = base.network
    links = np.unique(net.link_id)
    housing = base.inputs.housing
    h_xy = housing.geometry.values
    mobi_ids = base.inputs.mobipunten["mobipunt_id"].astype(str).tolist()
    stops = base.pt_stops
    mods: list = []
    for i in range(data.draw(st.integers(1, 4), label="edits")):
        kind = data.draw(
            st.sampled_from(["add_link", "remove_link", "upgrade", "slow", "add_mobi", "move_mobi",
                             "remove_mobi", "add_housing", "remove_housing", "frequency"]),
            label="kind",
        )  # fmt: skip
        if kind == "add_link":
            a = int(data.draw(st.integers(0, net.n_nodes - 1), label="from node"))
            x, y = net.node_xy[a]
            dx = data.draw(st.floats(-500, 500), label="dx")
            dy = data.draw(st.floats(-500, 500), label="dy")
            cls = data.draw(
                st.sampled_from(["lokaal", "bovenlokaal", "fietssnelweg"]), label="class"
            )
            mods.append(AddLink(coords=((x, y), (x + dx + 60, y + dy)), link_class=cls, **WHO))
        elif kind in ("remove_link", "upgrade", "slow"):
            picked = data.draw(
                st.lists(st.sampled_from(links.tolist()), min_size=1, max_size=3, unique=True)
            )
            ids = tuple(int(x) for x in picked)
            if kind == "remove_link":
                mods.append(RemoveLink(link_ids=ids, **WHO))
            elif kind == "upgrade":
                mods.append(UpgradeLink(link_ids=ids, link_class="fietssnelweg", **WHO))
            else:
                mods.append(
                    UpgradeLink(
                        link_ids=ids, speed_kmh=data.draw(st.floats(4, 12), label="slow"), **WHO
                    )
                )
        elif kind in ("add_mobi", "add_housing"):
            k = int(data.draw(st.integers(0, len(h_xy) - 1), label="near housing"))
            x = float(h_xy[k].x) + data.draw(st.floats(-200, 200), label="px")
            y = float(h_xy[k].y) + data.draw(st.floats(-200, 200), label="py")
            if kind == "add_mobi":
                mods.append(AddMobipunt(x=x, y=y, name="test", hoppin_type="buurt", **WHO))
            else:
                mods.append(
                    AddHousing(
                        x=x, y=y, dwellings=data.draw(st.integers(1, 300)), id=f"t{i}", **WHO
                    )
                )
        elif kind in ("move_mobi", "remove_mobi") and mobi_ids:
            mid = data.draw(st.sampled_from(mobi_ids), label="mobipunt")
            mobi_ids.remove(mid)  # one edit per mobipunt
            if kind == "remove_mobi":
                mods.append(RemoveMobipunt(mobipunt_id=mid, **WHO))
            else:
                k = int(data.draw(st.integers(0, len(h_xy) - 1), label="to housing"))
                mods.append(
                    MoveMobipunt(
                        mobipunt_id=mid, x=float(h_xy[k].x) + 20, y=float(h_xy[k].y), **WHO
                    )
                )
        elif kind == "frequency" and stops is not None and len(stops):
            k = int(data.draw(st.integers(0, len(stops) - 1), label="stop"))
            mods.append(
                SetFrequency(
                    stop_id=str(stops["stop_id"].iloc[k]),
                    window=data.draw(st.sampled_from(["ochtendspits", "dag"]), label="window"),
                    departures_per_hour=data.draw(st.sampled_from([0.0, 1.0, 6.0, 12.0])),
                    **WHO,
                )
            )
        elif kind == "remove_housing":
            k = int(data.draw(st.integers(0, len(housing) - 2), label="housing"))
            ids_h = housing["housing_id"].astype(str).to_numpy()
            mods.append(RemoveHousing(housing_ids=(str(ids_h[k]), str(ids_h[k + 1])), **WHO))
    return mods


@BUDGET
@given(data=st.data())
def test_repaired_evaluation_equals_full_recomputation(region_base, data, monkeypatch) -> None:
    _quick(region_base)  # the base evaluation keeps what repairs need
    assert region_base._kept, "the base evaluation must keep its nearest-destination results"
    assert set(region_base._stats.orders) >= {"bike_min_mobipunt", "walk_m_station"}
    mods = _modifications(region_base, data)
    if not mods:
        return
    scenario = Scenario(name="willekeurig", modifications=tuple(mods))
    repaired = _quick(region_base, scenario)
    with monkeypatch.context() as m:
        m.setenv("SLIMMEREGIO_FULL_EVALUATION", "1")
        full = _quick(region_base, scenario)
    _assert_same(repaired, full)


def test_repaired_nearest_searches_equal_scipys_searched_again(region_base, monkeypatch) -> None:
    """Every nearest-destination search a scenario repairs from the base's
    (scenarios/nearest_repair.py) equals scipy's search of the scenario's
    network: costs, predecessors and nearest destinations, node for node."""
    from slimmeregio.scenarios import kernel, nearest_repair

    _quick(region_base)
    real = nearest_repair.repaired_search
    outcomes: list[bool] = []

    def checked(network, dests, *, mode, kept, edge_map):  # type: ignore[no-untyped-def]
        got = real(network, dests, mode=mode, kept=kept, edge_map=edge_map)
        outcomes.append(got is not None)
        if got is not None:
            want = kernel.search_nearest(network, dests, mode=mode)
            assert np.array_equal(got.d_ok, want.d_ok)
            assert np.array_equal(got.dist, want.dist)
            assert np.array_equal(got.pred, want.pred)
            assert np.array_equal(got.node_dest, want.node_dest)
        return got

    monkeypatch.setattr(nearest_repair, "repaired_search", checked)

    @BUDGET
    @given(data=st.data())
    def check(data) -> None:  # type: ignore[no-untyped-def]
        mods = _modifications(region_base, data)
        if mods:
            _quick(region_base, Scenario(name="willekeurig", modifications=tuple(mods)))

    check()
    # The repair ran (declining only at ties), on searches of every kind.
    assert len(outcomes) > 30 and sum(outcomes) > 0.8 * len(outcomes), outcomes


def test_repair_takes_over_most_dwellings(region_base, monkeypatch) -> None:
    """A local edit recomputes few dwellings (the repair is used, not bypassed)."""
    _quick(region_base)
    net = region_base.network
    x, y = net.node_xy[net.u[len(net.u) // 3]]
    scenario = Scenario(
        name="lokaal",
        modifications=(
            AddLink(coords=((x, y), (x + 300.0, y + 200.0)), link_class="bovenlokaal", **WHO),
        ),
    )
    sizes: list[int] = []
    real = incremental.finish_nearest

    def counted(network, sources, dests, search):  # type: ignore[no-untyped-def]
        sizes.append(len(sources))
        return real(network, sources, dests, search)

    monkeypatch.setattr(incremental, "finish_nearest", counted)
    transit: list[int] = []
    real_columns = transit_reuse.transit_columns

    def counted_columns(network, housing_att, *args, **kwargs):  # type: ignore[no-untyped-def]
        transit.append(len(housing_att))
        return real_columns(network, housing_att, *args, **kwargs)

    monkeypatch.setattr(transit_reuse, "transit_columns", counted_columns)
    searched: list[int] = []
    real_reach = transit_reuse.iter_reach

    def counted_reach(network, dests, **kwargs):  # type: ignore[no-untyped-def]
        searched.append(int(dests.reachable.sum()))
        return real_reach(network, dests, **kwargs)

    monkeypatch.setattr(transit_reuse, "iter_reach", counted_reach)
    repaired = _quick(region_base, scenario)
    n = len(repaired.dwellings)
    assert sizes and max(sizes) < n / 2, (sizes, n)
    # the stops' and mobipunten's searches the edit cannot reach are not run again
    n_dests = len(region_base.inputs.mobipunten) + len(region_base.pt_stops)
    assert searched and sum(searched) < n_dests / 2, (searched, n_dests)
    # public transport: the base's columns taken over, a few dwellings recomputed
    assert region_base.pt_stops is not None and transit and max(transit) < n / 2, (transit, n)
    monkeypatch.setenv("SLIMMEREGIO_FULL_EVALUATION", "1")
    _assert_same(repaired, _quick(region_base, scenario))


@pytest.mark.parametrize("force", ["1", "yes"])
def test_full_evaluation_switch(monkeypatch, force) -> None:
    monkeypatch.setenv("SLIMMEREGIO_FULL_EVALUATION", force)
    assert incremental.full_evaluation_forced()
    monkeypatch.setenv("SLIMMEREGIO_FULL_EVALUATION", "0")
    assert not incremental.full_evaluation_forced()


def test_transit_repair_without_base_dwellings_computes_in_full(region_base) -> None:
    """A base with no dwellings (every housing feature planned, say) has nothing to
    hand over: the scenario's public transport columns are computed in full."""
    from slimmeregio.scenarios.transit import transit_columns, transit_destinations
    from slimmeregio.scenarios.transit_reuse import TransitReuse, columns_with_reuse

    net, params = region_base.network, region_base.parameters
    att = region_base.housing_att.subset(np.arange(40))
    dests = transit_destinations(net, region_base.pt_stops, region_base.inputs.mobipunten, params)
    full = transit_columns(net, att, dests, params)
    empty = TransitReuse(
        net, region_base.housing_att.subset(np.zeros(0, np.int64)), params, dests, {}, full.iloc[:0]
    )
    got = columns_with_reuse(net, att, dests, params, (empty, np.full(40, -1), None), None)
    pd.testing.assert_frame_equal(got, full, check_exact=True)


def test_rows_of_detached_sources_equal_their_own_comparison(region_base, monkeypatch) -> None:
    """The Brussels routes' sources (the dwellings outside Brussels, detached
    from the housing attachment) take the housing comparison over
    (incremental._detached_rows): the same verdicts and rows as comparing
    them afresh."""
    from dataclasses import replace

    import shapely

    _quick(region_base)
    net = region_base.network
    x, y = net.node_xy[net.u[len(net.u) // 4]]
    assert region_base.brussels is not None
    inside = shapely.point_on_surface(shapely.union_all(region_base.brussels))
    scenario = Scenario(
        name="lokaal",
        modifications=(
            AddLink(coords=((x, y), (x + 250.0, y - 150.0)), link_class="bovenlokaal", **WHO),
            AddHousing(x=x + 40.0, y=y + 30.0, dwellings=20, id="nieuw", **WHO),
            # Dwellings in Brussels have no route to its border: detached.
            AddHousing(x=inside.x, y=inside.y, dwellings=30, id="in-brussel", **WHO),
        ),
    )
    checked: list[int] = []
    real = incremental.static_rows

    def spied(network, sources, base_network, base_sources, source_rows, edge_map, remember=True):  # type: ignore[no-untyped-def]
        out = real(network, sources, base_network, base_sources, source_rows, edge_map, remember)
        made = sources.__dict__.get("_detached_from")
        if made is not None and made[1].any():
            fresh = replace(sources)  # the same points, nothing derived kept
            assert "_detached_from" not in fresh.__dict__
            want = real(network, fresh, base_network, base_sources, source_rows, edge_map, False)
            for got, expected in zip(out, want, strict=True):
                assert np.array_equal(got, expected)
            checked.append(int(made[1].sum()))
        return out

    monkeypatch.setattr(incremental, "static_rows", spied)
    _quick(region_base, scenario)
    assert checked, "the Brussels sources must be compared (dwellings inside Brussels detached)"


@pytest.mark.parametrize("share", [0.0, 0.1, 1.0])
def test_detached_rows_by_rule_equal_a_fresh_comparison(region_base, share) -> None:
    """static_rows of ``parent.without(mask)`` taken over from the parent's
    equals comparing the detached attachment afresh, for carried points (a
    detached point that had candidates in the base differs; one that had
    none does not) and for new ones."""
    from dataclasses import replace

    net, base_att = region_base.network, region_base.housing_att
    n = len(base_att)
    rng = np.random.default_rng(3)
    rows = np.arange(n)
    rows[rng.random(n) < 0.05] = -1  # some points new
    parent = replace(base_att)  # nothing derived kept yet
    incremental.static_rows(net, parent, net, base_att, rows, None, True)
    mask = rng.random(n) < share
    child = parent.without(mask)
    got = incremental.static_rows(net, child, net, base_att, rows, None, False)
    if mask.any():
        assert child.__dict__["_detached_from"][0] is parent
    want = incremental.static_rows(net, replace(child), net, base_att, rows, None, False)
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a, b)
    assert got[0][mask & (rows >= 0)].all() and not got[0][~mask & (rows >= 0)].any()
