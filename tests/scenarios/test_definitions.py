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
from .conftest import X0

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


def test_cut_off_dwellings_are_counted_named_and_never_improve_the_median(small_project, small_base) -> None:
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
    ref = nearest_costs(small_base.network, small_base.housing_att, small_base.station_att, "bike") / 60
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
    owner, edges = att.candidate_pairs() if hasattr(att, "candidate_pairs") else (
        np.arange(len(att)), att.edge
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
