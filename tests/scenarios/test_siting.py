"""Siting (greedy + CELF) against brute force, and missing-link suggestions."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.attach import attach_points, connector_cost, entry_costs
from slimmeregio.scenarios.engine import (
    evaluate,
    prepare_base,
    situation,
    suggest_missing_links,
    suggest_sites,
)
from slimmeregio.scenarios.model import AddMobipunt, Parameters, Scenario
from slimmeregio.scenarios.siting import candidate_sites, celf, coverage_sets

from ._reference import nearest_costs
from .conftest import X0, Y0, synthetic_project


def plain_greedy(sets, weights, covered, k):
    covered = covered.copy()
    chosen, gains = [], []
    for _ in range(k):
        best, best_gain = None, 0.0
        for i, s in enumerate(sets):
            g = weights[s][~covered[s]].sum()
            if g > best_gain:
                best, best_gain = i, g
        if best is None:
            break
        chosen.append(best)
        gains.append(best_gain)
        covered[sets[best]] = True
    return chosen, gains


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4))
def test_celf_equals_plain_greedy(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    weights = rng.integers(1, 20, n).astype(float)
    sets = [np.unique(rng.choice(n, rng.integers(0, 12))) for _ in range(12)]
    covered = rng.random(n) < 0.2
    chosen, gains, _ = celf(sets, weights, covered, k)
    ref_chosen, ref_gains = plain_greedy(sets, weights, covered, k)
    # Same gains (ties may pick different but equally good sets).
    np.testing.assert_allclose(gains, ref_gains)
    assert len(chosen) == len(ref_chosen)


def test_coverage_sets_equal_networkx(small_base) -> None:
    sit = situation(small_base, None)
    cands = attach_points(
        sit.network, np.array([[X0 + 700, Y0 + 700], [X0 + 2900, Y0 + 150]]), max_snap_m=300
    )
    limit = 180.0
    sets = coverage_sets(sit.network, sit.housing_att, cands, limit_s=limit)
    for j in range(2):
        one = attach_points(sit.network, cands.xy[j : j + 1], max_snap_m=300)
        ref = nearest_costs(sit.network, sit.housing_att, one, "bike")
        assert set(sets[j].tolist()) == set(np.flatnonzero(ref <= limit).tolist())


@pytest.mark.parametrize("workers", [1, 3])
def test_coverage_sets_equal_whole_network_searches(region_base, workers: int) -> None:
    """On the embedded region, the local per-batch searches give the same sets
    as a bounded search over the whole network per candidate, written out
    plainly here (the formula the sets are defined by), in one thread or
    shared by several."""
    sit = situation(region_base, None)
    net, h = sit.network, sit.housing_att
    w = sit.housing["dwellings"].to_numpy(float)
    cand = candidate_sites(net, h.xy, w)
    pick = np.linspace(0, len(cand) - 1, 60).round().astype(int)
    cxy = shapely.get_coordinates(cand.geometry.values)[pick]
    c_att = attach_points(net, cxy, cand["candidate_id"].to_numpy(object)[pick], max_snap_m=300)
    limit = 300.0
    sets = coverage_sets(net, h, c_att, limit_s=limit, workers=workers)
    owner, flat = h.expand()
    conn = connector_cost(net, flat, "bike")
    to_u, to_v = entry_costs(net, flat, "bike")
    fwd, bwd = net.weights("bike")
    c_owner, c_flat = c_att.expand()
    c_conn = connector_cost(net, c_flat, "bike")
    checked = 0
    for j, dist in reach_from_all(net, c_att, limit):
        cost = conn + np.minimum(to_u + dist[net.u[flat.edge]], to_v + dist[net.v[flat.edge]])
        for r in np.flatnonzero(c_owner == j):
            e = c_flat.edge[r]
            same = flat.edge == e
            f, g = c_flat.frac[r], flat.frac[same]
            with np.errstate(invalid="ignore"):  # a zero fraction costs 0, even one way
                along = np.where(f > g, (f - g) * fwd[e], np.where(g > f, (g - f) * bwd[e], 0.0))
            cost[same] = np.minimum(cost[same], conn[same] + along + c_conn[r])
        expected = np.unique(owner[cost <= limit])
        np.testing.assert_array_equal(sets[j], expected)
        checked += len(expected) > 0
    assert checked > 30


def reach_from_all(net, c_att, limit):
    """Per reachable candidate: bounded costs from every node, one whole-network search each."""
    from scipy.sparse.csgraph import dijkstra

    from slimmeregio.scenarios.kernel import with_destinations

    graph, d_ok = with_destinations(net, c_att, "bike")
    for i, j in enumerate(d_ok):
        dist = dijkstra(graph.matrix, directed=True, indices=net.n_nodes + i, limit=limit)
        yield int(j), dist[: net.n_nodes]


def test_siting_finds_the_brute_force_optimum(small_base) -> None:
    """Few candidates, K=2: greedy's pick equals the best pair by brute force."""
    params = Parameters(siting_threshold_min=2.0)
    s = Scenario(name="siting", parameters=params)
    xy = np.array(
        [
            [X0 + 1200, Y0 + 1200],
            [X0 + 2200, Y0 + 200],
            [X0 + 3200, Y0 + 1200],
            [X0 + 600, Y0 + 1200],
            [X0 + 2700, Y0 + 700],
        ]
    )
    cands = gpd.GeoDataFrame(
        {
            "candidate_id": [f"c{i}" for i in range(len(xy))],
            "name": [f"Plek {i}" for i in range(len(xy))],
        },
        geometry=shapely.points(xy),
        crs=ANALYSIS_CRS,
    )
    result = suggest_sites(small_base, s, 2, candidates=cands)
    sit = situation(small_base, s)
    w = sit.housing["dwellings"].to_numpy(float)
    base_cost = nearest_costs(sit.network, sit.housing_att, sit.mobipunt_att, "bike")
    covered = base_cost <= 120.0
    reach = []
    for j in range(len(xy)):
        one = attach_points(sit.network, xy[j : j + 1], max_snap_m=500)
        reach.append(nearest_costs(sit.network, sit.housing_att, one, "bike") <= 120.0)
    best = max(
        w[~covered & (reach[a] | reach[b])].sum()
        for a, b in itertools.combinations(range(len(xy)), 2)
    )
    assert result.sites["cumulative_dwellings"].iloc[-1] == pytest.approx(best)
    assert result.covered_before == int(w[covered].sum())
    assert list(result.sites["rank"]) == [1, 2]
    assert (np.diff(result.sites["gain_dwellings"]) <= 0).all()
    # Accepting the suggestions as modifications realises exactly that gain.
    mods = result.as_modifications(author="test", reason="siting")
    after = evaluate(small_base, Scenario(name="na", parameters=params, modifications=tuple(mods)))
    d = after.dwellings
    newly = d.loc[(d["bike_min_mobipunt"] <= 2.0), "dwellings"].sum() - result.covered_before
    assert newly == result.sites["cumulative_dwellings"].iloc[-1]


def test_siting_default_candidates_on_top_of_a_scenario(small_base) -> None:
    params = Parameters(siting_threshold_min=2.0)
    s = Scenario(
        name="met mobipunt",
        parameters=params,
        modifications=(
            AddMobipunt(
                x=X0 + 2900, y=Y0 + 900, name="x", hoppin_type="buurt", author="a", reason="b"
            ),
        ),
    )
    plain = suggest_sites(small_base, Scenario(name="p", parameters=params), 3)
    on_top = suggest_sites(small_base, s, 3)
    assert plain.candidates > 10
    assert len(plain.sites) == 3
    # With a generous threshold, sites stop once nothing more is gained.
    generous = suggest_sites(small_base, None, 10)
    assert len(generous.sites) < 10
    assert generous.sites["share_after"].iloc[-1] == pytest.approx(100.0)
    assert on_top.covered_before > plain.covered_before
    assert plain.sites.crs == ANALYSIS_CRS


def test_missing_link_between_two_streets() -> None:
    """Two parallel dead-end streets 120 m apart, joined only far away: the
    suggested link joins their ends and helps the dwellings on the far street."""
    lines = [
        shapely.LineString([(X0, Y0), (X0 + 1500, Y0)]),
        shapely.LineString([(X0, Y0), (X0, Y0 + 120)]),
        shapely.LineString([(X0, Y0 + 120), (X0 + 1500, Y0 + 120)]),
    ]
    project = synthetic_project()
    net_layer = project.layers["fietsnetwerk"]
    frame = gpd.GeoDataFrame(
        {
            "link_id": [1, 2, 3],
            "klasse": ["lokaal"] * 3,
            "snelheid": [16.0] * 3,
            "eenrichting": [False] * 3,
            "naam": ["a", "b", "c"],
        },
        geometry=lines,
        crs=ANALYSIS_CRS,
    )
    project.layers._layers[project.layers.index("fietsnetwerk")] = net_layer.replace(data=frame)
    houses = project.layers["woningen"]
    hx = np.linspace(X0 + 1300, X0 + 1500, 10)
    hframe = gpd.GeoDataFrame(
        {"woning_id": np.arange(10), "woningen": np.full(10, 5), "status": "bestaand", "naam": ""},
        geometry=shapely.points(hx, np.full(10, Y0 + 130)),
        crs=ANALYSIS_CRS,
    )
    project.layers._layers[project.layers.index("woningen")] = houses.replace(data=hframe)
    mobi = project.layers["mobipunten"]
    project.layers._layers[project.layers.index("mobipunten")] = mobi.replace(
        data=mobi.frame.iloc[:1].set_geometry([shapely.Point(X0 + 1500, Y0 - 5)], crs=ANALYSIS_CRS)
    )
    base = prepare_base(project, Parameters(detour_max_straight_m=400.0))
    found = suggest_missing_links(
        base, Scenario(name="m", parameters=Parameters(detour_max_straight_m=400.0)), top=3
    )
    assert found
    best = found[0]
    assert best.ratio > 2.0
    assert best.straight_m <= 400.0
    assert best.dwellings_improved == 50
    ys = sorted([best.from_xy[1], best.to_xy[1]])
    assert ys[0] == pytest.approx(Y0, abs=1) and ys[1] == pytest.approx(Y0 + 120, abs=1)
