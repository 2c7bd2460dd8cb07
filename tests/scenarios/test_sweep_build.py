"""Sweeps for an open project: built from a scenario, keyed by the project's contents."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.model import AddMobipunt, Parameters, Scenario, UpgradeLink
from slimmeregio.scenarios.sweep_build import (
    plan_for_project,
    project_base_key,
    sweep_from_scenario,
)
from slimmeregio.scenarios.sweep_model import SweepFileError

WHO = {"author": "test", "reason": "test"}


def tiny_project(
    dwellings: int = 3, role: Role = Role.HOUSING, base_parameters: dict | None = None
) -> Project:
    housing = gpd.GeoDataFrame(
        {"woningen": [dwellings, 5]}, geometry=[Point(0, 0), Point(10, 0)], crs="EPSG:31370"
    )
    links = gpd.GeoDataFrame(
        {"klasse": ["lokaal"]}, geometry=[LineString([(0, 0), (10, 0)])], crs="EPSG:31370"
    )
    project = Project()
    project.layers.append(
        Layer(name="woningen", data=housing, role=role, fields={"dwellings": "woningen"})
    )
    project.layers.append(
        Layer(name="net", data=links, role=Role.BIKE_NETWORK, fields={"link_class": "klasse"})
    )
    project.settings.base_parameters = base_parameters or {}
    return project


def test_base_key_follows_the_contents() -> None:
    key = project_base_key(tiny_project())
    assert key == project_base_key(tiny_project())  # equal contents, equal key (another object)
    assert key != project_base_key(tiny_project(dwellings=4))
    assert key != project_base_key(tiny_project(role=Role.OTHER))
    assert key != project_base_key(tiny_project(base_parameters={"walking_speed_kmh": 4.0}))
    moved = tiny_project()
    net = moved.layers["net"].data
    net.loc[0, net.geometry.name] = LineString([(0, 0), (11, 0)])
    assert key != project_base_key(moved)


def test_sweep_from_scenario_counts_by_hand() -> None:
    scenario = Scenario(
        name="plan",
        parameters=Parameters(walking_speed_kmh=4.2),
        modifications=(
            AddMobipunt(x=141000.0, y=158000.0, name="A", hoppin_type="buurt", **WHO),
            AddMobipunt(x=142000.0, y=159000.0, name="B", hoppin_type="buurt", **WHO),
            UpgradeLink(link_ids=(7,), link_class="fietssnelweg", **WHO),
        ),
    )
    text = sweep_from_scenario(
        scenario,
        max_in=2,
        costs=[100.0, None, 300.0],
        parameter="speeds_kmh.lokaal",
        values=[12.0, 16.0],
    )
    plan = plan_for_project(text, "k", parameters=scenario.parameters)
    # C(3,0) + C(3,1) + C(3,2) = 7 choices, x 2 speeds
    assert plan.total == 14
    assert all(v.scenario.parameters.walking_speed_kmh == 4.2 for v in plan.variants)
    everything = [
        v
        for v in plan.variants
        if len(v.candidates) == 2 and "1." in v.candidates[0] and "3." in v.candidates[1]
    ]
    assert {v.cost_eur for v in everything} == {400.0}
    # a variant's modifications are the scenario's own, unchanged
    assert everything[0].scenario.modifications == (
        scenario.modifications[0],
        scenario.modifications[2],
    )
    # no modifications and no range: nothing to vary, a located error
    with pytest.raises(SweepFileError):
        plan_for_project(sweep_from_scenario(Scenario(name="leeg")), "k")
