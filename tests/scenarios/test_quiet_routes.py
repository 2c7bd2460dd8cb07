"""Quiet commuting routes: a short busy road against a longer cycle path, and
random networks against plain networkx."""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.roles import Role, guess_fields
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.commuting import RouteTrees, distance_network
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.network import network_from_frame
from slimmeregio.scenarios.quiet_routes import (
    QUIET_FACTORS,
    infrastructure_of,
    quiet_factors,
    quiet_kind,
    quiet_network,
    route_lengths_m,
)

from ._reference import split_digraph
from .test_kernel import random_network

X0, Y0 = 150_000.0, 170_000.0
APEX = (X0 + 500.0, Y0 + 600.0)
DETOUR = 2 * math.hypot(500.0, 600.0)


def road_and_path() -> tuple[gpd.GeoDataFrame, dict[int, str]]:
    """A 1000 m main road from A to B and a cycle path A - apex - B (1562 m)."""
    frame = gpd.GeoDataFrame(
        {"link_id": [1, 2, 3], "infra": ["primary", "cycleway", "fietspad"]},
        geometry=[
            shapely.LineString([(X0, Y0), (X0 + 1000, Y0)]),
            shapely.LineString([(X0, Y0), APEX]),
            shapely.LineString([APEX, (X0 + 1000, Y0)]),
        ],
        crs=ANALYSIS_CRS,
    )
    layer = Layer("fietsnetwerk", frame, Role.BIKE_NETWORK, {"infrastructure": "infra"})
    infra = infrastructure_of(layer)
    assert infra == {1: "verkeer", 2: "vrijliggend", 3: "vrijliggend"}
    return frame, infra


def test_quiet_routes_take_the_longer_cycle_path_and_keep_its_real_length() -> None:
    frame, infra = road_and_path()
    net = network_from_frame(frame, link_id=frame["link_id"].to_numpy())
    home = attach_points(net, np.array([[X0, Y0]]), max_snap_m=10)
    job = attach_points(net, np.array([[X0 + 1000, Y0]]), max_snap_m=10)
    fastest = RouteTrees(net, home, job)
    quiet = RouteTrees(net, home, job, costs=quiet_network(net, infra))
    assert fastest.distances_m()[0, 0] == pytest.approx(1000.0)
    # The quiet cost: 2 x 1000 on the road against 1 x 1562 on the path.
    assert quiet.distances_m()[0, 0] == pytest.approx(DETOUR)
    assert route_lengths_m(quiet)[0, 0] == pytest.approx(DETOUR)
    flows_fast = fastest.assign([(0, np.array([10.0]))])
    flows_quiet = quiet.assign([(0, np.array([10.0]))])
    road = np.flatnonzero(net.link_id == 1)
    path = np.flatnonzero(net.link_id != 1)
    assert flows_fast[road].tolist() == [10.0] and flows_fast[path].sum() == 0.0
    assert flows_quiet[road].tolist() == [0.0] and flows_quiet[path].tolist() == [10.0, 10.0]


def test_a_much_longer_path_loses_to_the_road() -> None:
    """Only a detour shorter than the road's factor is taken: a road of 700 m
    (cost 1400) beats the 1562 m path."""
    frame, infra = road_and_path()
    frame = frame.copy()
    frame.loc[0, "geometry"] = shapely.LineString([(X0, Y0), (X0 + 300, Y0), (X0 + 1000, Y0)])
    net = network_from_frame(frame, link_id=frame["link_id"].to_numpy())
    home = attach_points(net, np.array([[X0 + 300, Y0]]), max_snap_m=10)
    job = attach_points(net, np.array([[X0 + 1000, Y0]]), max_snap_m=10)
    quiet = RouteTrees(net, home, job, costs=quiet_network(net, infra))
    # From X0 + 300: 700 m of road (cost 1400) against 300 m road back + the path (2162).
    assert route_lengths_m(quiet)[0, 0] == pytest.approx(700.0)


def test_factors_by_kind_class_and_scenario_link() -> None:
    assert quiet_kind("Cycleway") == "vrijliggend"
    assert quiet_kind("fietsstraat") == "rustig"
    assert quiet_kind("secondary") == "verkeer"
    assert quiet_kind(None) == "" and quiet_kind("???") == ""
    frame, infra = road_and_path()
    classes = np.array(["lokaal", "lokaal", "fietssnelweg"], dtype=object)
    net = network_from_frame(frame, link_id=frame["link_id"].to_numpy(), link_class=classes)
    by_link = dict(
        zip(net.link_id.tolist(), quiet_factors(net, {1: "verkeer"}).tolist(), strict=True)
    )
    # Link 2 has no kind (unknown: as a quiet road); link 3 is a cycle highway.
    assert by_link == {1: 2.0, 2: QUIET_FACTORS[""], 3: 1.0}
    assert guess_fields(Role.BIKE_NETWORK, ["klasse", "highway"])["infrastructure"] == "highway"


@pytest.mark.parametrize("seed", [2, 11])
def test_quiet_route_lengths_equal_networkx(seed: int) -> None:
    net, rng = random_network(seed, oneway_share=0.2)
    kinds = rng.choice(["vrijliggend", "rustig", "verkeer", ""], size=len(net.link_ids))
    infra = {int(i): str(k) for i, k in zip(sorted(net.link_ids), kinds, strict=True) if k}
    src = attach_points(net, rng.uniform(0, 2000, (10, 2)) + [X0, Y0], max_snap_m=300)
    dst = attach_points(net, rng.uniform(0, 2000, (2, 2)) + [X0, Y0], max_snap_m=300)
    qnet = quiet_network(net, infra)
    got = route_lengths_m(RouteTrees(net, src, dst, costs=qnet))
    g_cost = split_digraph(qnet, {"s": src, "d": dst}, "bike")
    g_len = split_digraph(distance_network(net), {"s": src, "d": dst}, "bike")
    for k in range(len(src)):
        for j in range(len(dst)):
            a, b = ("x", "s", k), ("y", "d", j)
            try:
                path = nx.dijkstra_path(g_cost, a, b, weight="w")
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                assert not np.isfinite(got[k, j])
                continue
            length = sum(g_len[p][q]["w"] for p, q in zip(path[:-1], path[1:], strict=True))
            assert got[k, j] == pytest.approx(length, rel=1e-9, abs=1e-6)


def test_commute_routes_parameter_is_validated() -> None:
    assert Parameters().commute_routes == "fastest"
    assert Parameters(commute_routes="quiet").commute_routes == "quiet"
    scenario = Scenario.from_toml('name = "A"\n[parameters]\ncommute_routes = "quiet"\n')
    assert scenario.parameters.commute_routes == "quiet"
    with pytest.raises(SlimmeRegioError) as info:
        Scenario.from_dict({"name": "A", "parameters": {"commute_routes": "stil"}})
    assert "commute_routes" in info.value.message("nl")
    assert "commute_routes" in info.value.message("en")


def test_the_engine_moves_commuters_off_busy_roads() -> None:
    """The synthetic villages with their 'bovenlokaal' streets marked as busy
    roads: quiet routes put fewer potential cyclists on them."""
    from slimmeregio.scenarios.engine import evaluate, prepare_base

    from .test_opportunity_scenarios import _project

    def run(routes: str):
        project = _project()
        bike = project.layers.first(Role.BIKE_NETWORK)
        assert bike is not None
        frame = bike.frame.copy()
        frame["infra"] = np.where(frame["klasse"] == "bovenlokaal", "secondary", "residential")
        bike.data = frame
        bike.fields = {**bike.fields, "infrastructure": "infra"}
        return evaluate(
            prepare_base(project, Parameters(commute_routes=routes)), service_areas=False
        )

    fast, quiet = run("fastest"), run("quiet")
    busy = fast.links["link_class"].astype(str).to_numpy() == "bovenlokaal"
    on_busy = lambda ev: float(ev.links.loc[busy, "flow_bike_commuters"].sum())  # noqa: E731
    assert on_busy(quiet) < on_busy(fast)
    # Every worker is still assigned (the gravity model keeps its totals).
    assert quiet.region["commuters"] == pytest.approx(fast.region["commuters"])
