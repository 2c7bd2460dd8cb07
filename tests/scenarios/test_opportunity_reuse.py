"""A scenario's opportunity access and commuting, reusing the base's searches, equal a recomputation.

The engine evaluates a scenario by taking over the base's bounded searches
and route trees its edits cannot reach (:mod:`scenarios.opportunity_reuse`);
here every result is compared with :func:`evaluate_opportunities` run from
scratch on the same situation (no base to reuse), on the embedded region.
The code path of each reused search is the one that produced it, so the
comparison is exact (``np.array_equal``), no tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.engine import evaluate, situation
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    MoveMobipunt,
    RemoveHousing,
    RemoveLink,
    Scenario,
    UpgradeLink,
)
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.opportunity_eval import evaluate_opportunities
from slimmeregio.scenarios.opportunity_reuse import renumber_tree, touched_nodes

WHO = {"author": "test", "reason": "test"}


def _assert_same(incremental, scratch) -> None:
    assert set(incremental.dwelling_columns) == set(scratch.dwelling_columns)
    for key, values in scratch.dwelling_columns.items():
        assert np.array_equal(incremental.dwelling_columns[key], values, equal_nan=True), key
    assert set(incremental.region) == set(scratch.region)
    for key, value in scratch.region.items():
        other = incremental.region[key]
        assert other == value or (math.isnan(other) and math.isnan(value)), key
    assert np.array_equal(incremental.link_flow, scratch.link_flow)
    assert incremental.municipalities.equals(scratch.municipalities)
    if scratch.od is not None:
        assert incremental.od.equals(scratch.od)
        assert incremental.workplaces.drop(columns="geometry").equals(
            scratch.workplaces.drop(columns="geometry")
        )


def _scratch(base, scenario, ev):
    sit = situation(base, scenario)
    return evaluate_opportunities(sit, ev.dwellings, sit.opportunities)


@st.composite
def _edits(draw, base):
    net: Network = base.inputs.network
    ids = np.unique(net.link_id)
    housing = base.inputs.housing
    mobi = base.inputs.mobipunten
    mods = []
    for i in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "add_link",
                    "remove",
                    "slow",
                    "fast",
                    "add_mobi",
                    "move_mobi",
                    "housing",
                    "remove_housing",
                ]
            )
        )
        node = draw(st.integers(0, net.n_nodes - 1))
        x, y = (float(c) for c in net.node_xy[node])
        dx, dy = draw(st.floats(-600, 600)), draw(st.floats(-600, 600))
        if kind == "add_link" and abs(dx) + abs(dy) > 20:
            mods.append(AddLink(coords=((x, y), (x + dx, y + dy)), link_class="bovenlokaal", **WHO))
        elif kind == "remove":
            mods.append(RemoveLink(link_ids=(int(ids[draw(st.integers(0, len(ids) - 1))]),), **WHO))
        elif kind in ("slow", "fast"):
            speed = 6.0 if kind == "slow" else 30.0
            mods.append(
                UpgradeLink(
                    link_ids=(int(ids[draw(st.integers(0, len(ids) - 1))]),), speed_kmh=speed, **WHO
                )
            )
        elif kind == "add_mobi":
            mods.append(AddMobipunt(x=x + dx, y=y + dy, name=f"t{i}", hoppin_type="buurt", **WHO))
        elif kind == "move_mobi":
            row = draw(st.integers(0, len(mobi) - 1))
            mods.append(
                MoveMobipunt(mobipunt_id=str(mobi["mobipunt_id"].iloc[row]), x=x, y=y, **WHO)
            )
        elif kind == "housing":
            mods.append(
                AddHousing(x=x + dx / 4, y=y + dy / 4, dwellings=draw(st.integers(1, 300)), **WHO)
            )
        elif kind == "remove_housing":
            row = draw(st.integers(0, len(housing) - 1))
            mods.append(RemoveHousing(housing_ids=(str(housing["housing_id"].iloc[row]),), **WHO))
    # Only one edit per mobipunt / housing id (the scenario model rejects repeats).
    seen: set[str] = set()
    unique = []
    for m in mods:
        key = getattr(m, "mobipunt_id", None) or str(getattr(m, "housing_ids", "")) or repr(m)
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return Scenario(name="random", modifications=tuple(unique))


@pytest.mark.slow
def test_random_scenarios_reuse_equals_recomputation(region_base) -> None:
    evaluate(region_base)  # the base keeps its searches

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def check(data) -> None:
        scenario = data.draw(_edits(region_base))
        ev = evaluate(region_base, scenario, service_areas=False)
        _assert_same(ev.opportunities, _scratch(region_base, scenario, ev))

    check()


def test_edits_reuse_what_they_cannot_reach(region_base) -> None:
    """A mobipunt move takes over the whole outcome; a new link far from most
    opportunities re-runs only the searches that reach it; both equal a recomputation."""
    evaluate(region_base)
    mobi = region_base.inputs.mobipunten
    move = Scenario(
        name="move",
        modifications=(
            MoveMobipunt(
                mobipunt_id=str(mobi["mobipunt_id"].iloc[3]),
                x=float(mobi.geometry.iloc[3].x) + 300,
                y=float(mobi.geometry.iloc[3].y) + 200,
                **WHO,
            ),
        ),
    )
    ev = evaluate(region_base, move, service_areas=False)
    assert ev.opportunities.work == {"unchanged": 1}
    _assert_same(ev.opportunities, _scratch(region_base, move, ev))
    net = region_base.inputs.network
    x, y = (float(c) for c in net.node_xy[net.u[100]])
    link = Scenario(
        name="link",
        modifications=(
            AddLink(coords=((x, y), (x + 400.0, y + 300.0)), link_class="bovenlokaal", **WHO),
        ),
    )
    ev = evaluate(region_base, link, service_areas=False)
    work = ev.opportunities.work
    # The new link lowers no node's cost in any access search (its far end is
    # a new node with no way on): every search is taken over, the dwellings on
    # it costed from the kept node costs.
    assert work["access_reused"] > 0 and work.get("access_searched", 0) == 0
    _assert_same(ev.opportunities, _scratch(region_base, link, ev))
    # Closing a link that shortest paths use re-runs the searches that used
    # it (node costs only: the opportunities themselves did not move).
    closure = Scenario(
        name="closure", modifications=(RemoveLink(link_ids=(int(net.link_id[100]),), **WHO),)
    )
    ev = evaluate(region_base, closure, service_areas=False)
    work = ev.opportunities.work
    assert work["access_reused"] > 0 and work["access_rerun"] > 0
    assert work.get("access_searched", 0) == 0
    _assert_same(ev.opportunities, _scratch(region_base, closure, ev))


def test_removing_an_opportunitys_links_recomputes_the_dwellings_it_leaves(region_base) -> None:
    """An opportunity whose links are closed attaches elsewhere: its search
    runs anew, and the dwellings it reached in the base but no longer does
    (attached as before, so not costed anew) take the recomputation's values,
    not the base's."""
    evaluate(region_base)
    net = region_base.inputs.network
    base_sit = situation(region_base, None)
    schools = next(s for s in base_sit.opportunities.sets if s.kind == "schools")
    owner, flat = schools.att.expand()
    for j in np.flatnonzero(schools.att.reachable)[:4]:
        edges = flat.edge[owner == j]
        closure = Scenario(
            name="closure",
            modifications=(
                RemoveLink(link_ids=tuple(int(i) for i in np.unique(net.link_id[edges])), **WHO),
            ),
        )
        ev = evaluate(region_base, closure, service_areas=False)
        assert ev.opportunities.work.get("access_searched", 0) > 0, ev.opportunities.work
        _assert_same(ev.opportunities, _scratch(region_base, closure, ev))


def _line_network(n: int) -> Network:
    import geopandas as gpd
    import shapely

    from slimmeregio.layers.model import ANALYSIS_CRS
    from slimmeregio.scenarios.network import network_from_frame

    lines = [
        shapely.LineString(
            [(150000.0 + i * 100.0, 170000.0), (150000.0 + (i + 1) * 100.0, 170000.0)]
        )
        for i in range(n)
    ]
    return network_from_frame(gpd.GeoDataFrame(geometry=lines, crs=ANALYSIS_CRS))


def test_touched_nodes_and_renumbered_trees_by_hand() -> None:
    """Touched nodes: ends of removed and re-costed edges and base ends of new ones (hand count)."""
    from dataclasses import replace

    base = _line_network(4)  # nodes along a line, edges 0..3
    order = np.argsort(base.node_xy[:, 0])
    # Slow down the edge between the 2nd and 3rd node from the left.
    a, b = order[1], order[2]
    e = int(np.flatnonzero(((base.u == a) & (base.v == b)) | ((base.u == b) & (base.v == a)))[0])
    speeds = base.speed_kmh.copy()
    speeds[e] = speeds[e] / 2
    slowed = replace(base, speed_kmh=speeds)
    assert set(touched_nodes(base, slowed, None, "bike").tolist()) == {int(a), int(b)}
    assert len(touched_nodes(base, slowed, None, "walk")) == 0  # walking ignores speeds
    assert len(touched_nodes(base, slowed, None, "bike", distance=True)) == 0  # lengths unchanged
    # Remove that edge: the base has 4 edges, the scenario 3 (edge e gone).
    keep = np.flatnonzero(np.arange(base.n_edges) != e)
    edge_map = np.full(base.n_edges, -1)
    edge_map[keep] = np.arange(len(keep))
    removed = replace(
        base,
        u=base.u[keep],
        v=base.v[keep],
        length=base.length[keep],
        link_id=base.link_id[keep],
        link_class=base.link_class[keep],
        name=base.name[keep],
        oneway=base.oneway[keep],
        layer_speed=base.layer_speed[keep],
        fixed_speed=base.fixed_speed[keep],
        speed_kmh=base.speed_kmh[keep],
        geometry=base.geometry[keep],
        change=base.change[keep],
    )
    assert set(touched_nodes(base, removed, edge_map, "walk").tolist()) == {int(a), int(b)}
    # Renumbering a tree: two new nodes, the root moves from 5 + 0 to 7 + 1.
    dist = np.array([0.0, 1.0, np.inf, 2.0, 3.0, 0.0])
    pred = np.array([5, 0, -9999, 1, 3, -9999])
    d, p = renumber_tree(dist, pred, n_base=5, n_new=7, root_base=5, root_new=8, size=9)
    assert d.tolist() == [0.0, 1.0, np.inf, 2.0, 3.0, np.inf, np.inf, np.inf, 0.0]
    assert p.tolist() == [8, 0, -9999, 1, 3, -9999, -9999, -9999, -9999]


def _tuples(att, edge_map):  # type: ignore[no-untyped-def]
    """Each point's candidates as a tuple of (edge mapped, frac, snap)."""
    owner, flat = att.expand()
    rows: list[list[tuple]] = [[] for _ in range(len(att))]
    for o, e, f, s in zip(owner, flat.edge, flat.frac, flat.snap_m, strict=True):
        mapped = int(e) if edge_map is None or e < 0 else int(edge_map[e])
        rows[int(o)].append((mapped, float(f), float(s)))
    return [tuple(r) for r in rows]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1), st.booleans())
def test_changed_points_equal_comparing_each_points_candidates(
    n: int, seed: int, mapped: bool
) -> None:
    """opportunity_reuse.changed_points against a comparison of each point's
    candidate tuples (edge through the map, position, distance, in order)."""
    from slimmeregio.scenarios.attach import Attachment
    from slimmeregio.scenarios.opportunity_reuse import changed_points

    rng = np.random.default_rng(seed)
    count = rng.integers(0, 4, n)
    owner = np.repeat(np.arange(n), count)
    k = len(owner)
    edge, frac, snap = rng.integers(0, 6, k), rng.random(k).round(1), rng.random(k).round(1)
    edge_map = rng.permutation(8)[:6] if mapped else None

    def make(o, e, f, s):  # type: ignore[no-untyped-def]
        first = np.r_[True, o[1:] != o[:-1]] if len(o) else np.zeros(0, bool)
        p_edge = np.full(n, -1)
        p_edge[o[first]] = e[first]
        return Attachment(
            np.arange(n).astype(str).astype(object), np.zeros((n, 2)), p_edge,
            np.zeros(n), np.zeros(n), o, e, f, s, np.ones(n),
        )  # fmt: skip

    base = make(owner, edge, frac, snap)
    # The scenario: the base's rows renumbered, then some points changed
    # (a row dropped, an edge, position or distance altered, rows swapped).
    e2 = edge if edge_map is None else edge_map[edge]
    o2, f2, s2 = owner.copy(), frac.copy(), snap.copy()
    e2 = e2.copy()
    for r in np.flatnonzero(rng.random(k) < 0.15):
        what = rng.integers(0, 3)
        if what == 0:
            e2[r] = rng.integers(0, 8)
        elif what == 1:
            f2[r] = round(float(rng.random()), 1)
        else:
            s2[r] = round(float(rng.random()), 1)
    drop = rng.random(k) < 0.05
    swap = np.flatnonzero((rng.random(k - 1) < 0.05) & (o2[1:] == o2[:-1])) if k > 1 else []
    for r in swap:
        e2[[r, r + 1]] = e2[[r + 1, r]]
    scen = make(o2[~drop], e2[~drop], f2[~drop], s2[~drop])
    want = np.array(
        [a != b for a, b in zip(_tuples(base, edge_map), _tuples(scen, None), strict=True)]
    )
    assert np.array_equal(changed_points(base, scen, edge_map), want)


def test_expand_rows_gives_the_rows_of_expand_without_copying_points(region_base) -> None:
    """Attachment.expand_rows: the same owners, edges, positions and
    distances as expand(), its points' ids and coordinates as read-only
    zero-stride views (nothing copied per row)."""
    for att in (region_base.housing_att, region_base.station_att):
        owner, flat = att.expand()
        light_owner, light = att.expand_rows()
        assert np.array_equal(owner, light_owner) and len(light) == len(flat)
        for name in ("edge", "frac", "snap_m"):
            assert np.array_equal(getattr(flat, name), getattr(light, name))
        assert np.array_equal(flat.reachable, light.reachable)
        assert not light.ids.flags.writeable and not light.xy.flags.writeable
        assert light.ids.strides == (0,)


def test_searches_reaching_recomputed_dwellings_by_hand(region_base) -> None:
    """opportunity_access._reaching keeps a kept search for the recomputed
    dwellings when it reached an end of one of their edges, when its
    opportunity lies on one of those edges (a route along the edge, even
    with both ends out of reach), or when it reached a base node with an
    arc into a new node at such an end; not otherwise."""
    from types import SimpleNamespace

    from slimmeregio.scenarios.attach import Attachment
    from slimmeregio.scenarios.opportunity_access import _reaching

    net = region_base.network

    def points(edges):  # type: ignore[no-untyped-def]
        k = len(edges)
        edge = np.asarray(edges, dtype=np.int64)
        return Attachment(
            np.arange(k).astype(str).astype(object), np.zeros((k, 2)), edge,
            np.full(k, 0.5), np.ones(k),
        )  # fmt: skip

    dwelling = points([10])  # one recomputed dwelling on edge 10
    u, v = int(net.u[10]), int(net.v[10])
    far = int(np.flatnonzero((net.u != u) & (net.u != v) & (net.v != u) & (net.v != v))[-1])
    # opportunity 0 elsewhere, reached u; 1 on edge 10, reached nothing;
    # 2 elsewhere, reached only a far node; 3 reached a base node feeding a new node at an end.
    opps = points([far, 10, far, far])
    n_base = net.n_nodes
    nodes = lambda *x: (np.asarray(x, np.int32), np.ones(len(x)))  # noqa: E731
    node_costs = {0: nodes(u), 1: nodes(), 2: nodes(int(net.u[far])), 3: nodes(5)}
    arcs = SimpleNamespace(
        n_base=n_base, new_a=np.array([], np.int64), new_b=np.array([], np.int64)
    )
    assert _reaching([0, 1, 2, 3], node_costs, dwelling, opps, arcs, net) == [0, 1]
    # A new node (n_base) at the dwelling's edge end, entered from base node 5.
    grown = SimpleNamespace(
        n_nodes=n_base + 1,
        n_edges=net.n_edges,
        u=np.where(np.arange(net.n_edges) == 10, n_base, net.u),
        v=net.v,
    )
    arcs = SimpleNamespace(n_base=n_base, new_a=np.array([5]), new_b=np.array([n_base]))
    assert _reaching([0, 1, 2, 3], node_costs, dwelling, opps, arcs, grown) == [1, 3]
