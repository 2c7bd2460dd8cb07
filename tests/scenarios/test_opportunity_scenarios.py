"""Jobs access and potential bike commuters through the engine: base, scenario, delta."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.engine import compare, evaluate, prepare_base
from slimmeregio.scenarios.model import AddLink, RemoveLink, Scenario

from .conftest import X0, Y0, synthetic_project

SPAN, GAP = 1400.0, 1000.0
PARK = shapely.Point(X0 + SPAN + GAP + 400, Y0 + 600)  # business park in the east village


def _project() -> Project:
    base = synthetic_project()
    jobs = gpd.GeoDataFrame(
        {"naam": ["Bedrijvenpark Oost", "Dorpskern West"], "werknemers": [900, 60]},
        geometry=[PARK, shapely.Point(X0 + 600, Y0 + 600)],
        crs=ANALYSIS_CRS,
    )
    layers = LayerList(
        [*base.layers, Layer("banen", jobs, Role.JOBS, {"jobs": "werknemers", "name": "naam"})]
    )
    return Project(layers=layers)


@pytest.fixture(scope="module")
def opp_base():
    return prepare_base(_project())


def _near_park(links: gpd.GeoDataFrame) -> float:
    near = links.geometry.distance(PARK) < 450
    return float(links.loc[near, "flow_bike_commuters"].sum())


def test_base_reports_jobs_access_and_bike_commuters(opp_base) -> None:
    ev = evaluate(opp_base, service_areas=False)
    assert "opp_jobs_bike_10min" in ev.region and "bike_commuters_go_dutch" in ev.region
    assert "flow_bike_commuters" in ev.links.columns
    # The villages are not connected: west dwellings reach only the 60 village jobs.
    west = ev.dwellings.geometry.x.to_numpy() < X0 + SPAN + 100
    assert ev.dwellings.loc[west, "opp_jobs_bike_15min"].max() <= 60 + 1e-9
    assert ev.opportunities.workplaces["commuters"].sum() == pytest.approx(ev.region["commuters"])
    assert ev.municipalities.set_index("nis").loc["23001", "opp_jobs_bike_15min"] <= 60 + 1e-9
    # The OD table per origin municipality adds up to the municipality indicator (summed per dwelling).
    od = ev.opportunities.od.groupby("origin")["commuters"].sum()
    munis = ev.municipalities.set_index("nis")["commuters"]
    for nis, total in od.items():
        assert total == pytest.approx(munis.loc[nis])
    assert od.sum() == pytest.approx(ev.region["commuters"])


def test_a_bike_link_to_the_business_park_raises_access_and_cyclists(opp_base) -> None:
    link = AddLink(
        coords=((X0 + SPAN, Y0 + 600), (X0 + SPAN + GAP, Y0 + 600)),
        link_class="bovenlokaal",
        author="test",
        reason="verbinding naar het bedrijvenpark",
    )
    scen = Scenario(name="fietsbrug", modifications=(link,))
    base_ev = evaluate(opp_base, service_areas=False)
    scen_ev = evaluate(opp_base, scen, service_areas=False)
    cmp = compare(base_ev, scen_ev)
    assert cmp.delta("opp_jobs_bike_15min") > 0
    assert cmp.delta("opp_jobs_potential_bike") > 0
    assert scen_ev.region["bike_commuters_go_dutch"] > base_ev.region["bike_commuters_go_dutch"]
    added = scen_ev.links.loc[scen_ev.links["change"] == "added", "flow_bike_commuters"]
    assert added.sum() > 0
    assert cmp.link_flows["delta_flow_bike_commuters"].max() > 0


def test_closing_the_streets_to_the_business_park_lowers_access_and_cyclists(opp_base) -> None:
    base_ev = evaluate(opp_base, service_areas=False)
    links = base_ev.links
    through_park = links.loc[links.geometry.distance(PARK) < 250, "link_id"].unique()
    closure = RemoveLink(
        link_ids=tuple(int(x) for x in through_park), author="test", reason="werken"
    )
    scen_ev = evaluate(
        opp_base, Scenario(name="afsluiting", modifications=(closure,)), service_areas=False
    )
    assert scen_ev.region["opp_jobs_bike_5min"] < base_ev.region["opp_jobs_bike_5min"]
    assert _near_park(scen_ev.links) < _near_park(base_ev.links)
    assert np.isfinite(scen_ev.region["bike_commuters_go_dutch"])


def test_cancel_reaches_the_opportunity_searches(opp_base) -> None:
    """A cancel during opportunity access or commuting stops the run with OperationCancelled."""
    from slimmeregio.layers.errors import OperationCancelled
    from slimmeregio.layers.progress import Task
    from slimmeregio.scenarios.engine import situation
    from slimmeregio.scenarios.opportunity_eval import evaluate_opportunities

    sit = situation(opp_base)
    dw = sit.housing.assign(
        dwellings=sit.housing["dwellings"].astype(float), nis=sit.housing["nis"].astype(str)
    )
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # after the first few checks: inside the searches

    with pytest.raises(OperationCancelled):
        evaluate_opportunities(sit, dw, sit.opportunities, task=Task(None, cancel))
    # Each family stops at its next check: access and commuting run side by side.
    assert calls["n"] in (4, 5)


def test_park_routes_add_up_to_the_headline_flow(opp_base) -> None:
    """With two workplaces both get their own routes; their flows sum to flow_bike_commuters."""
    ev = evaluate(opp_base, service_areas=False)
    routes = ev.opportunities.park_routes
    assert len(routes) == 2
    total = sum(flow.astype(float) for flow, _ in routes.values())
    np.testing.assert_allclose(
        total, ev.links["flow_bike_commuters"].to_numpy(), rtol=1e-5, atol=1e-4
    )
    work = ev.opportunities.workplaces.set_index("opp_id")
    for opp_id, (_, per_dwelling) in routes.items():
        assert per_dwelling.sum() == pytest.approx(
            work.loc[opp_id, "bike_commuters_go_dutch"], rel=1e-5
        )


def test_dwelling_frame_and_outcome_hold_the_same_read_only_columns(opp_base) -> None:
    base = evaluate(opp_base)
    link = AddLink(
        coords=((X0 + SPAN, Y0 + 600), (X0 + SPAN + GAP, Y0 + 600)),
        link_class="bovenlokaal",
        author="test",
        reason="verbinding naar het bedrijvenpark",
    )
    for ev in (base, evaluate(opp_base, Scenario(name="fietsbrug", modifications=(link,)))):
        columns = ev.opportunities.dwelling_columns
        assert columns and list(ev.dwellings.columns[-len(columns) :]) == list(columns)
        for name, values in columns.items():
            held = ev.dwellings[name].to_numpy()
            assert np.shares_memory(held, values), name  # one copy, not two
            np.testing.assert_array_equal(held, values)
            with pytest.raises(ValueError):
                values[0] = -1.0  # neither the frame nor the outcome can change the other
