"""Access to opportunities and commuting against independent computations.

Costs come from plain networkx on the network split at every point
(tests/scenarios/_reference.py); cumulative counts, decay sums and k-th
nearest are then taken by hand from those costs.
"""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.commuting import (
    PRESETS,
    UptakeModel,
    assign_routes,
    distance_network,
    gravity_model,
    potential_cyclists,
    uptake,
)
from slimmeregio.scenarios.network import network_from_frame
from slimmeregio.scenarios.opportunities import cost_chunks, opportunity_access

from ._reference import nearest_flows, split_digraph
from .test_kernel import random_network

X0, Y0 = 150_000.0, 170_000.0


def grid_network(oneway_first: bool = False):
    """A hand-built 4 x 3 grid of 500 m blocks, plus one diagonal."""
    lines = []
    for r in range(3):
        for c in range(3):
            lines.append(
                shapely.LineString(
                    [(X0 + 500 * c, Y0 + 500 * r), (X0 + 500 * (c + 1), Y0 + 500 * r)]
                )
            )
    for r in range(2):
        for c in range(4):
            lines.append(
                shapely.LineString(
                    [(X0 + 500 * c, Y0 + 500 * r), (X0 + 500 * c, Y0 + 500 * (r + 1))]
                )
            )
    lines.append(shapely.LineString([(X0, Y0), (X0 + 500, Y0 + 500)]))
    frame = gpd.GeoDataFrame(geometry=lines, crs=ANALYSIS_CRS)
    oneway = np.zeros(len(lines), bool)
    oneway[0] = oneway_first
    classes = np.array(["lokaal"] * (len(lines) - 1) + ["fietssnelweg"], dtype=object)
    return network_from_frame(
        frame, link_class=classes, oneway=oneway, speeds_kmh={"fietssnelweg": 24.0, "lokaal": 15.0}
    )


SOURCES = np.array(
    [[X0 + 120, Y0 + 20], [X0 + 1480, Y0 + 980], [X0 + 760, Y0 + 510], [X0 + 30, Y0 + 800]]
)
OPPS = np.array(
    [[X0 + 260, Y0 - 15], [X0 + 1000, Y0 + 1000], [X0 + 1300, Y0 + 260], [X0 + 700, Y0 + 480]]
)
WEIGHTS = np.array([120.0, 40.0, 7.0, 300.0])


def reference_costs(net, src, dst, mode):
    """Cost source k -> opportunity j with networkx on the split graph."""
    g = split_digraph(net, {"s": src, "d": dst}, mode)
    out = np.full((len(src.ids), len(dst.ids)), np.inf)
    for k in range(len(src.ids)):
        if ("x", "s", k) not in g:
            continue
        dist = nx.single_source_dijkstra_path_length(g, ("x", "s", k), weight="w")
        for j in range(len(dst.ids)):
            out[k, j] = dist.get(("y", "d", j), np.inf)
    return out


@pytest.mark.parametrize("mode", ["walk", "bike"])
@pytest.mark.parametrize("oneway", [False, True])
def test_access_equals_networkx(mode: str, oneway: bool) -> None:
    net = grid_network(oneway)
    src = attach_points(net, SOURCES, max_snap_m=200)
    dst = attach_points(net, OPPS, max_snap_m=200)
    ref = reference_costs(net, src, dst, mode)
    thresholds = (300.0, 900.0, 1500.0) if mode == "walk" else (60.0, 200.0, 400.0)
    half = 600.0 if mode == "walk" else 180.0
    got = opportunity_access(
        net, src, dst, WEIGHTS, mode=mode, thresholds=thresholds, half_life=half, k=2, limit=1e9
    )
    beta = math.log(2) / half
    for k in range(len(SOURCES)):
        for t, thr in enumerate(thresholds):
            expected = sum(WEIGHTS[j] for j in range(len(OPPS)) if ref[k, j] <= thr)
            assert got.cumulative[k, t] == pytest.approx(expected)
        expected_pot = sum(
            WEIGHTS[j] * math.exp(-beta * ref[k, j])
            for j in range(len(OPPS))
            if np.isfinite(ref[k, j])
        )
        assert got.potential[k] == pytest.approx(expected_pot, rel=1e-9)
        assert got.kth[k] == pytest.approx(sorted(ref[k])[1], rel=1e-9)


def test_cost_chunks_respect_limit_and_same_edge() -> None:
    net = grid_network()
    # Source and opportunity on the same edge, 100 m apart: directly along it.
    src = attach_points(net, np.array([[X0 + 100, Y0 + 5]]), max_snap_m=50)
    dst = attach_points(net, np.array([[X0 + 200, Y0 + 5], [X0 + 1500, Y0 + 1000]]), max_snap_m=50)
    rows = {
        int(j): c
        for idx, costs in cost_chunks(net, src, dst, mode="walk", limit=1000.0)
        for j, c in zip(idx, costs, strict=True)
    }
    assert rows[0][0] == pytest.approx(110.0)  # 5 + 100 + 5
    assert not np.isfinite(rows[1][0])  # 2.5 km away, beyond the limit


def test_kth_is_inf_when_too_few_and_nan_when_detached() -> None:
    net = grid_network()
    src = attach_points(net, np.array([[X0 + 100, Y0 + 5], [X0 + 9000, Y0]]), max_snap_m=50)
    dst = attach_points(net, OPPS[:1], max_snap_m=200)
    got = opportunity_access(
        net, src, dst, WEIGHTS[:1], mode="walk", thresholds=(1000.0,), half_life=500.0, k=2
    )
    assert np.isinf(got.kth[0])
    assert np.isnan(got.kth[1])
    assert got.cumulative[1, 0] == 0.0


# --- commuting -------------------------------------------------------------------


def test_uptake_equals_published_pct_examples() -> None:
    """The worked examples of the PCT documentation (Lovelace et al. 2017)."""
    gov_2017 = UptakeModel(-3.959, -0.5963, 1.866, 0.008050, -0.2710, 0.009394, -0.05135)
    dutch_2017 = UptakeModel(
        -3.959 + 2.523, -0.5963 - 0.07626, 1.866, 0.008050, -0.2710, 0.009394, -0.05135
    )
    assert uptake(np.array([15.0]), 2.0, model=gov_2017)[0] == pytest.approx(0.0107377, abs=1e-7)
    assert uptake(np.array([15.0]), 2.0, model=dutch_2017)[0] == pytest.approx(0.04132445, abs=1e-8)


@pytest.mark.parametrize("distance", [0.5, 2.0, 5.0, 10.0, 20.0])
@pytest.mark.parametrize("gradient", [0.0, 1.5])
def test_uptake_presets_equal_the_2020_manual_equation(distance: float, gradient: float) -> None:
    g = gradient - 0.78
    base = (
        -4.018
        - 0.6369 * distance
        + 1.988 * math.sqrt(distance)
        + 0.008775 * distance**2
        - 0.2555 * g
        + 0.02006 * distance * g
        - 0.1234 * math.sqrt(distance) * g
    )
    dutch = base + 2.550 - 0.08036 * distance
    ebike = dutch + 0.05509 * distance - 0.0002950 * distance**2 + 0.1812 * g

    def inv(x: float) -> float:
        return math.exp(x) / (1 + math.exp(x))

    for preset, logit in (("government_target", base), ("go_dutch", dutch), ("ebike", ebike)):
        assert uptake(np.array([distance]), gradient, model=PRESETS[preset])[0] == pytest.approx(
            inv(logit)
        )


def test_uptake_zero_beyond_cut_off_and_presets_ordered() -> None:
    assert uptake(np.array([31.0, np.inf, np.nan]))[:].tolist() == [0.0, 0.0, 0.0]
    d = np.array([3.0, 8.0])
    n = np.array([100.0, 100.0])
    current = np.array([5.0, 1.0])
    gov = potential_cyclists(n, d, preset="government_target", current_cyclists=current)
    dutch = potential_cyclists(n, d, preset="go_dutch")
    assert np.all(gov > current) and np.all(dutch > gov)
    assert potential_cyclists(n, d, preset="current", current_cyclists=current).tolist() == [
        5.0,
        1.0,
    ]


def test_gravity_marginals_equal_row_and_column_totals() -> None:
    rng = np.random.default_rng(3)
    origins = rng.uniform(10, 500, 7)
    jobs = rng.uniform(5, 900, 5)
    cost = rng.uniform(0.5, 25, (7, 5))
    trips = gravity_model(origins, jobs, cost, beta=0.1)
    np.testing.assert_allclose(trips.sum(axis=1), origins, rtol=1e-7)
    np.testing.assert_allclose(trips.sum(axis=0), jobs * origins.sum() / jobs.sum(), rtol=1e-7)
    # Nearer destinations get more of an origin's trips than the same job count farther away.
    same = gravity_model(
        np.array([10.0, 10.0]), np.array([50.0, 50.0]), np.array([[1.0, 9.0], [9.0, 1.0]]), beta=0.2
    )
    assert same[0, 0] > same[0, 1] and same[1, 1] > same[1, 0]


def test_gravity_leaves_unreachable_rows_empty() -> None:
    cost = np.array([[1.0, 2.0], [np.inf, np.inf], [3.0, 1.0]])
    trips = gravity_model(np.array([10.0, 99.0, 20.0]), np.array([15.0, 15.0]), cost, beta=0.1)
    assert trips[1].sum() == 0.0
    np.testing.assert_allclose(trips.sum(axis=1), [10.0, 0.0, 20.0], rtol=1e-7)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_assignment_equals_networkx_paths(seed: int) -> None:
    """A random network without ties (the grid has equally long routes)."""
    net, rng = random_network(seed, oneway_share=0.2)
    src = attach_points(net, rng.uniform(0, 2000, (12, 2)) + [X0, Y0], max_snap_m=300)
    dst = attach_points(net, rng.uniform(0, 2000, (2, 2)) + [X0, Y0], max_snap_m=300)
    flows = {0: rng.integers(0, 6, 12).astype(float), 1: rng.integers(0, 6, 12).astype(float)}
    got = assign_routes(net, src, dst, flows.items())
    dnet = distance_network(net)
    ref = np.zeros(net.n_edges)
    for j, w in flows.items():
        ref += nearest_flows(dnet, src, dst.subset(np.array([j])), w, "bike")
    np.testing.assert_allclose(got, ref, atol=1e-9)
    assert got.sum() > 0


@pytest.mark.parametrize("seed", [1, 7])
def test_trees_dropped_as_they_are_assigned_give_the_same_flows(seed: int) -> None:
    """A scenario's trees (``keep=False``) go once assigned: the same flows
    (networkx paths), nothing left behind, and a second use refused."""
    from slimmeregio.scenarios.commuting import RouteTrees

    net, rng = random_network(seed, oneway_share=0.2)
    src = attach_points(net, rng.uniform(0, 2000, (12, 2)) + [X0, Y0], max_snap_m=300)
    dst = attach_points(net, rng.uniform(0, 2000, (2, 2)) + [X0, Y0], max_snap_m=300)
    w = {0: rng.integers(1, 6, 12).astype(float), 1: rng.integers(1, 6, 12).astype(float)}
    dnet = distance_network(net)
    kept = RouteTrees(net, src, dst)
    dropped = RouteTrees(net, src, dst, keep=False)
    assert np.array_equal(kept.distances_m(), dropped.distances_m())
    for j in (0, 1):
        ref = nearest_flows(dnet, src, dst.subset(np.array([j])), w[j], "bike")
        np.testing.assert_allclose(dropped.assign([(j, w[j])]), ref, atol=1e-9)
        assert np.array_equal(dropped.assign([]), np.zeros(net.n_edges))
    assert kept.assign(w.items()).sum() > 0 and len(kept.trees) == 2 and len(kept.arcs) == 2
    assert not dropped.trees and not dropped.results and not dropped.arcs
    with pytest.raises(RuntimeError, match="already assigned"):
        dropped.assign([(0, w[0])])
    with pytest.raises(RuntimeError, match="already assigned"):
        dropped.distances_m()


def test_preset_definitions_by_hand() -> None:
    """current = observed (else the baseline share); government target = current + baseline share."""
    from slimmeregio.scenarios.commuting import all_presets

    n = np.array([[10.0, 4.0], [7.0, 3.0]])
    d = np.array([[2.0, 9.0], [35.0, 1.0]])

    def p(dist: float, logit_extra: float = 0.0, d1_extra: float = 0.0) -> float:
        g = -0.78
        x = (
            -4.018
            + logit_extra
            + (-0.6369 + d1_extra) * dist
            + 1.988 * math.sqrt(dist)
            + 0.008775 * dist**2
            - 0.2555 * g
            + 0.02006 * dist * g
            - 0.1234 * math.sqrt(dist) * g
        )
        return 0.0 if dist > 30 else math.exp(x) / (1 + math.exp(x))

    base = np.array([[n[i, j] * p(d[i, j]) for j in range(2)] for i in range(2)])
    dutch = np.array([[n[i, j] * p(d[i, j], 2.550, -0.08036) for j in range(2)] for i in range(2)])
    now = np.array([[1.0, 0.0], [0.0, 3.0]])
    unknown = all_presets(n, d)
    np.testing.assert_allclose(unknown["current"], base)
    np.testing.assert_allclose(unknown["government_target"], 2 * base)
    np.testing.assert_allclose(unknown["go_dutch"], dutch)
    observed = all_presets(n, d, current_cyclists=now)
    np.testing.assert_allclose(observed["current"], now)
    np.testing.assert_allclose(observed["government_target"], np.minimum(n, now + base))
    assert observed["government_target"][1, 1] == 3.0  # never more cyclists than commuters
    np.testing.assert_allclose(potential_cyclists(n, d, preset="ebike"), unknown["ebike"])


@pytest.mark.parametrize(
    ("key", "nl", "en", "unit"),
    [
        (
            "opp_jobs_bike_15min",
            "Gemiddeld aantal banen binnen 15 min fietsen",
            "Mean jobs within 15 min by bike",
            "count",
        ),
        (
            "opp_schools_walk_800m",
            "Gemiddeld aantal leerlingen/scholen binnen 800 m wandelen",
            "Mean pupils/schools within 800 m walk",
            "count",
        ),
        (
            "opp_jobs_k3_bike_min",
            "Mediaan fietstijd tot de 3e dichtste werkplaats (min)",
            "Median cycling time to the 3rd nearest workplace (min)",
            "min",
        ),
        (
            "share_bike_commuters_go_dutch",
            "Aandeel potentiële fietspendelaars (Go Dutch)",
            "Share of potential bike commuters (Go Dutch)",
            "%",
        ),
        (
            "bike_commuters_ebike",
            "Potentiële fietspendelaars (e-fiets)",
            "Potential bike commuters (e-bike)",
            "count",
        ),
    ],
)
def test_indicator_labels_of_the_new_keys(key: str, nl: str, en: str, unit: str) -> None:
    from slimmeregio.scenarios.results import indicator_label, indicator_unit

    assert indicator_label(key, "nl") == nl
    assert indicator_label(key, "en") == en
    assert indicator_unit(key) == unit


def test_route_trees_distances_equal_networkx() -> None:
    from slimmeregio.scenarios.commuting import RouteTrees

    from ._reference import nearest_costs

    net, rng = random_network(5, oneway_share=0.3)
    src = attach_points(net, rng.uniform(0, 2000, (15, 2)) + [X0, Y0], max_snap_m=300)
    dst = attach_points(net, rng.uniform(0, 2000, (3, 2)) + [X0, Y0], max_snap_m=300)
    got = RouteTrees(net, src, dst).distances_m()
    dnet = distance_network(net)
    for j in range(3):
        ref = nearest_costs(dnet, src, dst.subset(np.array([j])), "bike")
        np.testing.assert_allclose(got[:, j], ref, rtol=1e-9, atol=1e-6)


def test_batches_of_nearby_opportunities_yield_the_same_in_ascending_order() -> None:
    """Searches run in batches of nearby opportunities (not index order); what
    comes out is each opportunity's own result, in ascending order."""
    from slimmeregio.scenarios.opportunities import nearby_first, sparse_costs

    net = grid_network()
    rng = np.random.default_rng(5)
    # Opportunities whose index order jumps across the grid.
    opp_xy = np.column_stack([X0 + rng.uniform(0, 1500, 12), Y0 + rng.uniform(0, 1000, 12)])
    src = attach_points(net, SOURCES, max_snap_m=200)
    dst = attach_points(net, opp_xy, max_snap_m=200)
    order = nearby_first(opp_xy)
    assert sorted(order.tolist()) == list(range(12))
    assert order.tolist() != list(range(12))  # the batches do come in another order
    assert np.all(np.diff(opp_xy[order, 0]) >= 0)  # one cell: west to east
    one_by_one = {
        j: (o, c) for j, o, c in sparse_costs(net, src, dst, mode="bike", limit=400.0, batch=1)
    }
    got = list(sparse_costs(net, src, dst, mode="bike", limit=400.0, batch=5))
    assert [j for j, _, _ in got] == sorted(one_by_one)
    for j, owners, costs in got:
        assert np.array_equal(owners, one_by_one[j][0])
        assert np.array_equal(costs, one_by_one[j][1])
    ref = reference_costs(net, src, dst, "bike")
    for j, owners, costs in got:
        np.testing.assert_allclose(costs, ref[owners, j], rtol=1e-9)


@pytest.mark.parametrize("where", ["grid", "random"])
def test_route_trees_are_the_trees_scipy_gives(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Route trees come from compiled searches checked for ties; a tree with a
    tie (the grid's equal blocks) is scipy's search. Either way every tree is
    scipy's, costs and predecessors."""
    from scipy.sparse import csgraph

    from slimmeregio.scenarios import commuting
    from slimmeregio.scenarios.commuting import MAX_UPTAKE_KM, RouteTrees

    if where == "random":  # no tie there: scipy is never asked

        class NoScipy:
            def dijkstra(self, *args: object, **kwargs: object) -> None:
                raise AssertionError("a tree without a tie was searched again by scipy")

        monkeypatch.setattr(commuting, "csgraph", NoScipy())
    if where == "grid":
        net, xy_src, xy_dst = grid_network(), SOURCES, OPPS
    else:
        net, rng = random_network(11, oneway_share=0.3)
        xy_src = rng.uniform(0, 2000, (15, 2)) + [X0, Y0]
        xy_dst = rng.uniform(0, 2000, (6, 2)) + [X0, Y0]
    trees = RouteTrees(
        net,
        attach_points(net, xy_src, max_snap_m=300),
        attach_points(net, xy_dst, max_snap_m=300),
    )
    assert trees.graph is not None
    n = trees.network.n_nodes
    for p, (_, (dist, pred)) in enumerate(trees.trees.items()):
        ref_dist, ref_pred = csgraph.dijkstra(
            trees.graph.matrix,
            directed=True,
            indices=n + p,
            return_predecessors=True,
            limit=MAX_UPTAKE_KM * 1000.0,
        )
        assert np.array_equal(dist, ref_dist)
        assert np.array_equal(pred, ref_pred)
    if where == "random":
        assert trees.untied() == frozenset(trees.trees)
