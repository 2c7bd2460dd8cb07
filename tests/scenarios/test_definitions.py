"""The engine's definitions at their edges (issue 12): dwellings without a
route, multi-link attachment, one fixed base, planned housing, flow ties,
threshold keys. Expected values come from plain networkx, hand-built graphs
or hand counts, never from the engine's own output."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from slimmeregio.scenarios.engine import compare, evaluate, situation
from slimmeregio.scenarios.model import RemoveLink, Scenario

from ._reference import nearest_costs
from .conftest import X0, Y0

WHO = {"author": "test", "reason": "test"}


def _weighted_percentile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Hand-written: smallest value whose cumulative weight reaches q of the total."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    total = float(sum(weights))
    run = 0.0
    for i in order:
        run += weights[i]
        if run >= q * total - 1e-9 * total:
            return float(values[i])
    return float("inf")


# ---------------------------------------------------------------------------
# Item 1: dwellings without a route
# ---------------------------------------------------------------------------


def test_cut_off_dwellings_are_counted_named_and_never_improve_the_median(
    small_project, small_base
) -> None:
    # The east village has no station and no link to the west: its housing is
    # attached to the network but has no route to a station.
    layer = small_project.layers["woningen"]
    x = layer.frame.geometry.x.to_numpy()
    w_all = layer.frame["woningen"].to_numpy(dtype=float)
    east = x > X0 + 7 * 200.0 + 500.0
    expected = float(w_all[east].sum())
    assert expected > 0
    ev = evaluate(small_base)
    assert ev.region["unreachable_dwellings"] == 0
    assert ev.region["no_route_dwellings_station"] == expected
    assert ev.region["no_route_dwellings_mobipunt"] == 0
    per = ev.municipalities.set_index("name")["no_route_dwellings_station"]
    assert per["Oostdorp"] == expected
    assert per["Westdorp"] == 0
    assert "no_route_station" in ev.notes
    assert "Oostdorp" in ev.notes["no_route_station"]["nl"]
    assert "geen route" in ev.notes["no_route_station"]["nl"].lower()
    # Median and p90 count them as infinitely far (networkx costs, inf = no path).
    ref = (
        nearest_costs(small_base.network, small_base.housing_att, small_base.station_att, "bike")
        / 60
    )
    assert np.isinf(ref[east]).all()
    w = ev.dwellings["dwellings"].to_numpy(dtype=float)
    assert ev.region["median_bike_min_station"] == pytest.approx(_weighted_percentile(ref, w, 0.5))
    # More than 10 % is cut off: the 90th percentile is "no route".
    assert w[east].sum() > 0.1 * w.sum()
    assert ev.region["p90_bike_min_station"] == _weighted_percentile(ref, w, 0.9) == np.inf
    fin = np.isfinite(ref)
    assert ev.region["mean_bike_min_station"] == pytest.approx(np.average(ref[fin], weights=w[fin]))
    # Not served in any share.
    assert ev.region["share_bike_station_15min"] <= 100 * (1 - expected / w.sum()) + 1e-9


def _nx_components_without_border(sit) -> np.ndarray:
    """Per dwelling: True when none of its attached edges is in a connected
    part of the network (plain networkx) that holds a Brussels border entry."""
    g = nx.Graph()
    net = sit.network
    g.add_nodes_from(range(net.n_nodes))
    g.add_edges_from(zip(net.u.tolist(), net.v.tolist(), strict=True))
    comp = {}
    for i, nodes in enumerate(nx.connected_components(g)):
        for n in nodes:
            comp[n] = i
    border = {comp[int(net.u[e])] for e in sit.border_att.edge}
    att = sit.housing_att
    owner, edges = (
        att.candidate_pairs()
        if hasattr(att, "candidate_pairs")
        else (np.arange(len(att)), att.edge)
    )
    ok = np.zeros(len(att), bool)
    for i, e in zip(owner.tolist(), edges.tolist(), strict=True):
        if e >= 0 and comp[int(net.u[e])] in border:
            ok[i] = True
    return ~ok


def test_closing_groenendaal_hoeilaart_cuts_dwellings_off_from_brussels(region_base) -> None:
    base_ev = evaluate(region_base)
    scen = Scenario(name="close 2838", modifications=(RemoveLink(link_ids=(2838,), **WHO),))
    ev = evaluate(region_base, scen)
    sit = situation(region_base, scen)
    cut = _nx_components_without_border(sit)
    inside = ev.dwellings["in_brussels"].to_numpy(dtype=bool)
    w = ev.dwellings["dwellings"].to_numpy(dtype=float)
    expected = float(w[cut & ~inside].sum())
    assert expected > 10_000  # Hoeilaart and Overijse lose their way to the border
    assert ev.region["no_route_dwellings_brussels"] == expected
    assert base_ev.region["no_route_dwellings_brussels"] == 0
    per = ev.municipalities.set_index("name")["no_route_dwellings_brussels"]
    assert per.sum() == expected
    assert per["Hoeilaart"] > 0
    assert "Hoeilaart" in ev.notes["no_route_brussels"]["en"]
    # Cutting dwellings off can never improve the median or p90.
    assert ev.region["median_bike_min_brussels"] >= base_ev.region["median_bike_min_brussels"]
    assert ev.region["p90_bike_min_brussels"] >= base_ev.region["p90_bike_min_brussels"]
    # The access-change layer shows the lost routes to the border.
    a = compare(base_ev, ev).access_changes
    lost = a[(a["target"] == "brussels") & (a["change"] == "loss")]
    assert lost["dwellings"].sum() == expected
    assert np.isinf(lost["threshold"]).all()


# ---------------------------------------------------------------------------
# Item 4: one fixed base
# ---------------------------------------------------------------------------

LOKAAL_12 = {"fietssnelweg": 25.0, "bovenlokaal": 20.0, "lokaal": 12.0, "overig": 14.0}


def _mean_bike_mobipunt(network, base) -> float:
    """Independent: networkx costs to the nearest mobipunt, dwelling-weighted mean (min)."""
    ref = nearest_costs(network, base.housing_att, base.mobipunt_att, "bike") / 60
    w = base.inputs.housing["dwellings"].to_numpy(dtype=float)
    fin = np.isfinite(ref)
    return float(np.average(ref[fin], weights=w[fin]))


def test_the_base_is_fixed_and_parameter_only_scenarios_show_their_effect(
    small_project, small_base
) -> None:
    from slimmeregio.scenarios.engine import base_parameters, compare_scenarios
    from slimmeregio.scenarios.model import AddMobipunt, Parameters

    slow = Scenario(name="lokaal 12 km/u", parameters=Parameters(speeds_kmh=LOKAAL_12))
    extra = Scenario(
        name="extra mobipunt",
        modifications=(
            AddMobipunt(x=X0 + 1000, y=Y0 + 1000, name="N", hoppin_type="buurt", **WHO),
        ),
    )
    assert base_parameters(small_project) == Parameters()
    base_ab, (c_slow, c_extra) = compare_scenarios(small_project, [slow, extra])
    base_ba, (c_extra2, c_slow2) = compare_scenarios(small_project, [extra, slow])
    assert base_ab.parameters == base_ba.parameters == Parameters()
    # The Base column does not depend on the order of the scenario files.
    for a, b in ((c_slow, c_slow2), (c_extra, c_extra2)):
        np.testing.assert_array_equal(a.region["base"].to_numpy(), b.region["base"].to_numpy())
        np.testing.assert_allclose(
            a.region["scenario"].to_numpy(), b.region["scenario"].to_numpy(), rtol=1e-12
        )
    # The parameter-only scenario shows its effect, equal to networkx at both speeds.
    net = small_base.network
    expected_base = _mean_bike_mobipunt(net, small_base)
    expected_slow = _mean_bike_mobipunt(net.with_speeds(LOKAAL_12), small_base)
    row = c_slow.region.set_index("indicator").loc["mean_bike_min_mobipunt"]
    assert row["base"] == pytest.approx(expected_base, rel=1e-9)
    assert row["scenario"] == pytest.approx(expected_slow, rel=1e-9)
    assert row["delta"] == pytest.approx(expected_slow - expected_base, rel=1e-6)
    assert row["delta"] > 0.05
    assert "speeds_kmh" in c_slow.scenario.notes["parameters_differ"]["en"]
    assert "parameters_differ" not in c_extra.scenario.notes


def test_the_projects_stored_base_parameters_define_the_base(small_project, small_base) -> None:
    from slimmeregio.layers.model import Project, ProjectSettings
    from slimmeregio.scenarios.engine import compare_scenarios

    project = Project(
        layers=small_project.layers,
        settings=ProjectSettings(base_parameters={"speeds_kmh": LOKAAL_12}),
    )
    default = Scenario(name="standaard")
    base, (cmp,) = compare_scenarios(project, [default])
    assert base.parameters.speeds_kmh["lokaal"] == 12.0
    row = cmp.region.set_index("indicator").loc["mean_bike_min_mobipunt"]
    net = small_base.network
    assert row["base"] == pytest.approx(
        _mean_bike_mobipunt(net.with_speeds(LOKAAL_12), small_base), rel=1e-9
    )
    assert row["scenario"] == pytest.approx(_mean_bike_mobipunt(net, small_base), rel=1e-9)


def test_invalid_stored_base_parameters_are_a_located_error(small_project) -> None:
    from slimmeregio.layers.errors import ScenarioError
    from slimmeregio.layers.model import Project, ProjectSettings
    from slimmeregio.scenarios.engine import compare_scenarios

    project = Project(
        layers=small_project.layers, settings=ProjectSettings(base_parameters={"max_snap_m": -1})
    )
    with pytest.raises(ScenarioError) as err:
        compare_scenarios(project, [])
    assert "settings.base_parameters.max_snap_m" in str(err.value)


def test_base_parameters_are_saved_with_the_project(tmp_path, small_project) -> None:
    from slimmeregio.layers.model import Project, ProjectSettings
    from slimmeregio.layers.project_file import load_project, save_project

    project = Project(
        layers=small_project.layers,
        settings=ProjectSettings(base_parameters={"household_size": 2.1}),
    )
    path = tmp_path / "p.srp"
    save_project(project, path)
    assert load_project(path).settings.base_parameters == {"household_size": 2.1}


# ---------------------------------------------------------------------------
# Item 5: planned housing is a scenario, not the base
# ---------------------------------------------------------------------------


def test_planned_housing_is_not_in_the_base_of_the_region(region_project, region_base) -> None:
    from slimmeregio.layers.roles import Role
    from slimmeregio.scenarios.engine import planned_projects_scenario

    layer = region_project.layers.first(Role.HOUSING)
    frame = layer.frame
    planned = frame["status"].astype(str).str.strip().str.lower().eq("gepland").to_numpy()
    w = frame["woningen"].to_numpy(dtype=float)
    existing, future = float(w[~planned].sum()), float(w[planned].sum())
    assert future > 0
    ev = evaluate(region_base)
    assert ev.region["dwellings"] == existing
    assert ev.region["existing_dwellings"] == existing
    assert ev.region["planned_dwellings"] == 0
    assert ev.region["inhabitants"] == pytest.approx(existing * 2.4)
    sc = planned_projects_scenario(region_base)
    assert sc is not None and sc.name == "geplande projecten"
    assert len(sc.modifications) == int(planned.sum())
    scen = evaluate(region_base, sc)
    assert scen.region["dwellings"] == existing + future
    assert scen.region["existing_dwellings"] == existing
    assert scen.region["planned_dwellings"] == future
    assert scen.dwellings["added"].sum() == int(planned.sum())


# ---------------------------------------------------------------------------
# Item 2: a link's flow counts only routes that ride it; documented ties
# ---------------------------------------------------------------------------


def _star():
    """Three links meeting at C = (X0, Y0): west (lokaal, id 7), east
    (fietssnelweg, id 9), north (lokaal, id 3). A station sits exactly on C."""
    import geopandas as gpd
    import shapely

    from slimmeregio.layers.model import ANALYSIS_CRS
    from slimmeregio.scenarios.network import network_from_frame

    c = (X0, Y0)
    lines = [
        shapely.LineString([(X0 - 1000, Y0), c]),
        shapely.LineString([c, (X0 + 1000, Y0)]),
        shapely.LineString([c, (X0, Y0 + 1000)]),
    ]
    frame = gpd.GeoDataFrame(geometry=lines, crs=ANALYSIS_CRS)
    return network_from_frame(
        frame,
        link_id=np.array([7, 9, 3]),
        link_class=np.array(["lokaal", "fietssnelweg", "lokaal"], dtype=object),
        speeds_kmh={"fietssnelweg": 25.0, "lokaal": 16.0},
    )


def test_flow_counts_only_links_ridden_and_ties_go_to_the_fastest_link() -> None:
    from slimmeregio.scenarios.attach import attach_points
    from slimmeregio.scenarios.kernel import flows_to_nearest, nearest_destination

    net = _star()
    station = attach_points(net, np.array([[X0, Y0]]), max_snap_m=500)
    # Equally near (0 m) to all three links: the fastest link is the nearest
    # edge named; all three are candidates.
    assert int(net.link_id[station.edge[0]]) == 9
    assert sorted(int(net.link_id[e]) for e in station.cand_edge) == [3, 7, 9]
    # Dwellings along the west link only (10 m off it).
    xs = np.array([-900.0, -600.0, -300.0, -100.0])
    homes = attach_points(net, np.c_[X0 + xs, np.full(4, Y0 + 10.0)], max_snap_m=500)
    w = np.array([5.0, 7.0, 11.0, 13.0])
    res = nearest_destination(net, homes, station, mode="bike")
    flow = flows_to_nearest(net, homes, res, w)
    by_link = {int(net.link_id[e]): flow[e] for e in range(net.n_edges)}
    # Hand count: every route rides the west link; nobody rides east or north.
    assert by_link == {7: 36.0, 9: 0.0, 3: 0.0}


def test_equal_parallel_arcs_keep_the_lowest_edge() -> None:
    from slimmeregio.scenarios.kernel import csr_min

    g = csr_min(
        2, np.array([0, 0, 0]), np.array([1, 1, 1]), np.array([4.0, 4.0, 4.0]), np.array([12, 5, 9])
    )
    assert g.edge_of(np.array([0]), np.array([1]))[0] == 5


# ---------------------------------------------------------------------------
# Item 11: the command line prints key indicators and every warning
# ---------------------------------------------------------------------------


def test_summary_lines_show_key_indicators_with_change_and_every_warning(
    small_project, small_base
) -> None:
    from slimmeregio.scenarios.model import Parameters
    from slimmeregio.scenarios.summary import summary_lines

    base_ev = evaluate(small_base)
    scen = Scenario(name="lokaal 12", parameters=Parameters(speeds_kmh=LOKAAL_12))
    cmp = compare(base_ev, evaluate(small_base, scen))
    layer = small_project.layers["woningen"]
    total = int(layer.frame["woningen"].sum())
    east = int(layer.frame.loc[layer.frame.geometry.x > X0 + 1900, "woningen"].sum())
    nl = summary_lines(cmp, "nl")
    en = summary_lines(cmp, "en")
    # Dwellings in Dutch number format, unchanged.
    assert f"Woningen: {total:,}".replace(",", ".") + " -> " in "\n".join(nl)
    assert any(line.startswith("Dwellings: ") and f"{total:,}" in line for line in en)
    # A cycling share with its change, signed (the one formatter: minus sign, percentage points).
    share = [
        line
        for line in en
        if line.startswith("Share of dwellings within 5 min by bike of a mobipunt")
    ]
    assert len(share) == 1 and "%" in share[0] and "(\u2212" in share[0] and " pp)" in share[0]
    # The east village has no station: the no-route count and its warning.
    no_route = [
        line for line in en if line.startswith("Dwellings without a cycling route to a station")
    ]
    assert no_route and f"{east:,} -> {east:,}" in no_route[0]
    assert any(line.startswith("Warning: No route:") for line in en)
    assert any(line.startswith("Let op: Geen route:") for line in nl)
    assert any("speeds_kmh" in line for line in en[:1])


# ---------------------------------------------------------------------------
# Item 9: a new link can be a bridge or tunnel (joined at its ends only)
# ---------------------------------------------------------------------------


def test_a_bridge_joins_the_network_at_its_ends_only(small_base) -> None:
    from slimmeregio.scenarios.model import AddLink

    # Diagonal across the west village's grid, from one corner node to the
    # opposite one: it crosses the grid's streets many times between nodes.
    coords = ((X0, Y0), (X0 + 1400.0, Y0 + 1200.0))
    plain = situation(
        small_base, Scenario(name="a", modifications=(AddLink(coords=coords, **WHO),))
    )
    bridge = situation(
        small_base, Scenario(name="b", modifications=(AddLink(coords=coords, bridge=True, **WHO),))
    )
    net0 = small_base.network
    added_plain = plain.network.change == "added"
    added_bridge = bridge.network.change == "added"
    assert added_plain.sum() > 5  # noded at every crossing
    # The bridge: one edge, existing streets untouched, its ends the two end nodes.
    assert added_bridge.sum() == 1
    assert bridge.network.n_edges == net0.n_edges + 1
    e = int(np.flatnonzero(added_bridge)[0])
    ends = {
        tuple(np.round(bridge.network.node_xy[bridge.network.u[e]], 6)),
        tuple(np.round(bridge.network.node_xy[bridge.network.v[e]], 6)),
    }
    assert (round(X0, 6), round(Y0, 6)) in ends


def test_the_example_scenario_uses_a_bridge(region_base) -> None:
    from slimmeregio.scenarios.model import AddLink, example_scenario_toml

    sc = Scenario.loads(example_scenario_toml()) if hasattr(Scenario, "loads") else None
    if sc is None:
        import tomllib

        sc = Scenario.model_validate(tomllib.loads(example_scenario_toml()))
    links = [m for m in sc.modifications if isinstance(m, AddLink)]
    assert links and links[0].bridge
    sit = situation(region_base, Scenario(name="brug", modifications=(links[0],)))
    added = np.flatnonzero(sit.network.change == "added")
    assert len(added) == 1  # not joined to the links it passes over


# ---------------------------------------------------------------------------
# Item 6: service areas follow the links' geometry, not their chords
# ---------------------------------------------------------------------------


def test_service_area_follows_a_curved_link() -> None:
    import math

    import geopandas as gpd
    import shapely

    from slimmeregio.layers.model import ANALYSIS_CRS
    from slimmeregio.scenarios.attach import attach_points
    from slimmeregio.scenarios.indicators import service_area_polygons
    from slimmeregio.scenarios.network import network_from_frame

    # One link: a half circle of radius 600 m from A = (X0 - 600, Y0) to
    # B = (X0 + 600, Y0), bulging north; 1,885 m long, ridden in 7 min at 16 km/h.
    r = 600.0
    arc = [(X0 - r * math.cos(t), Y0 + r * math.sin(t)) for t in np.linspace(0, math.pi, 61)]
    net = network_from_frame(gpd.GeoDataFrame(geometry=[shapely.LineString(arc)], crs=ANALYSIS_CRS))
    mobipunt = attach_points(net, np.array([[X0 - r, Y0]]), max_snap_m=50)
    (poly,) = service_area_polygons(net, mobipunt, minutes=10)
    # Ribbon housing along the arc, 20 m outside it: all within 10 minutes.
    homes = [
        shapely.Point(X0 - (r + 20) * math.cos(t), Y0 + (r + 20) * math.sin(t))
        for t in np.linspace(0.1, 3.0, 30)
    ]
    assert all(poly.contains(h) for h in homes)
    # And the area is a ribbon, not the disc: the circle's centre stays out.
    assert not poly.contains(shapely.Point(X0, Y0 + 100))
