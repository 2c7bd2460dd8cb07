"""Jobs and commuting settings are scenario parameters (issue 16): defaults keep today's numbers,
changes act as a hand computation on a straight road says, and they count like any parameter."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios import commuting, opportunity_eval
from slimmeregio.scenarios.engine import evaluate, parameter_differences, prepare_base
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.runs import scenario_key

X0, Y0 = 150_000.0, 170_000.0
#: One straight 4 km road; everything lies on it, so every cost is a difference of x.
HOMES = {"A": (500.0, 10, "23001"), "B": (3500.0, 20, "23002")}  # x offset, dwellings, NIS
JOBS = {"J1": (1000.0, 100), "J2": (3000.0, 50)}  # x offset, jobs
BIKE_MPS = 16.0 / 3.6  # lokaal


def _road_project() -> Project:
    road = gpd.GeoDataFrame(
        {"link_id": [1], "klasse": ["lokaal"], "naam": ["weg"]},
        geometry=[shapely.LineString([(X0, Y0), (X0 + 4000, Y0)])],
        crs=ANALYSIS_CRS,
    )
    homes = gpd.GeoDataFrame(
        {"woning_id": list(HOMES), "woningen": [h[1] for h in HOMES.values()]},
        geometry=[shapely.Point(X0 + h[0], Y0) for h in HOMES.values()],
        crs=ANALYSIS_CRS,
    )
    jobs = gpd.GeoDataFrame(
        {"naam": list(JOBS), "werknemers": [j[1] for j in JOBS.values()]},
        geometry=[shapely.Point(X0 + j[0], Y0) for j in JOBS.values()],
        crs=ANALYSIS_CRS,
    )
    munis = gpd.GeoDataFrame(
        {"nis": ["23001", "23002"], "naam": ["West", "Oost"]},
        geometry=[
            shapely.box(X0 - 500, Y0 - 500, X0 + 2000, Y0 + 500),
            shapely.box(X0 + 2000, Y0 - 500, X0 + 4500, Y0 + 500),
        ],
        crs=ANALYSIS_CRS,
    )
    return Project(
        layers=LayerList(
            [
                Layer("gemeenten", munis, Role.MUNICIPALITIES, {"nis": "nis", "name": "naam"}),
                Layer(
                    "fietsnetwerk",
                    road,
                    Role.BIKE_NETWORK,
                    {"id": "link_id", "link_class": "klasse", "name": "naam"},
                ),
                Layer(
                    "woningen", homes, Role.HOUSING, {"id": "woning_id", "dwellings": "woningen"}
                ),
                Layer("banen", jobs, Role.JOBS, {"jobs": "werknemers", "name": "naam"}),
            ]
        )
    )


@pytest.fixture(scope="module")
def road_base():
    return prepare_base(_road_project())


def _run(base, **params):
    scen = Scenario(name="variant").with_parameters(**params) if params else None
    return evaluate(base, scen, service_areas=False)


def _home_rows(ev) -> dict[str, int]:
    x = ev.dwellings.geometry.x.to_numpy() - X0
    return {name: int(np.argmin(np.abs(x - h[0]))) for name, h in HOMES.items()}


def _metres(home: str, job: str) -> float:
    return abs(HOMES[home][0] - JOBS[job][0])


def _potential(home: str, half_life: float, limit: float, cost) -> float:
    """sum_j w_j 2^(-c/h) over the jobs within the search bound, by hand."""
    return sum(
        w * 2.0 ** (-cost(home, j) / half_life)
        for j, (_, w) in JOBS.items()
        if cost(home, j) <= limit
    )


def test_defaults_are_the_former_constants() -> None:
    p = Parameters()
    assert p.opportunity_bike_half_life_min == opportunity_eval.BIKE_HALF_LIFE_MIN == 10.0
    assert p.opportunity_walk_half_life_m == opportunity_eval.WALK_HALF_LIFE_M == 800.0
    assert p.opportunity_nearest_k == opportunity_eval.NEAREST_K == 3
    assert p.workers_per_dwelling == opportunity_eval.WORKERS_PER_DWELLING == 1.0
    assert p.commute_beta_per_km == commuting.COMMUTE_BETA_PER_KM == 0.1


def test_defaults_reproduce_the_hand_computation(road_base) -> None:
    ev = _run(road_base)
    rows = _home_rows(ev)
    d = ev.dwellings
    for home, row in rows.items():
        walk = _potential(home, 800.0, max(1200.0, 3 * 800.0), _metres)  # the far job is cut
        bike = _potential(home, 10.0, 30.0, lambda h, j: _metres(h, j) / BIKE_MPS / 60.0)
        assert d["opp_jobs_potential_walk"].iloc[row] == pytest.approx(walk, rel=1e-9)
        assert d["opp_jobs_potential_bike"].iloc[row] == pytest.approx(bike, rel=1e-9)
        assert np.isinf(d["opp_jobs_k3_walk_m"].iloc[row])  # only two jobs
    assert ev.region["commuters"] == pytest.approx(30.0)


def test_half_lives_change_the_potential_as_computed_by_hand(road_base) -> None:
    ev = _run(road_base, opportunity_walk_half_life_m=1000.0, opportunity_bike_half_life_min=5.0)
    d = ev.dwellings
    for home, row in _home_rows(ev).items():
        # 3 half-lives = 3000 m now reach the far job (2500 m)
        walk = _potential(home, 1000.0, 3000.0, _metres)
        bike = _potential(home, 5.0, 15.0, lambda h, j: _metres(h, j) / BIKE_MPS / 60.0)
        assert d["opp_jobs_potential_walk"].iloc[row] == pytest.approx(walk, rel=1e-9)
        assert d["opp_jobs_potential_bike"].iloc[row] == pytest.approx(bike, rel=1e-9)
        near, far = (100, 50) if home == "A" else (50, 100)
        assert walk == pytest.approx(near * 2**-0.5 + far * 2**-2.5)


def test_nearest_k_names_and_fills_its_columns(road_base) -> None:
    ev = _run(road_base, opportunity_nearest_k=1)
    assert not any("_k3_" in c for c in ev.dwellings.columns)
    for _, row in _home_rows(ev).items():
        assert ev.dwellings["opp_jobs_k1_walk_m"].iloc[row] == pytest.approx(500.0)
        assert ev.dwellings["opp_jobs_k1_bike_min"].iloc[row] == pytest.approx(
            500.0 / BIKE_MPS / 60.0
        )
    assert ev.region["opp_jobs_k1_walk_m"] == pytest.approx(500.0)
    second = _run(road_base, opportunity_nearest_k=2, opportunity_walk_half_life_m=1000.0)
    assert second.region["opp_jobs_k2_walk_m"] == pytest.approx(2500.0)


def _od(ev) -> dict[tuple[str, str], float]:
    work = ev.opportunities.workplaces
    names = dict(zip(work["opp_id"], work["name"], strict=True))
    od = ev.opportunities.od
    return {
        (o, names[j]): float(c)
        for o, j, c in zip(od["origin"], od["opp_id"], od["commuters"], strict=True)
    }


def _gravity_by_hand(workers: float, beta: float) -> dict[tuple[str, str], float]:
    """The 2 x 2 doubly-constrained model: margins fix three cells given one; the
    cross ratio T11 T22 / (T12 T21) = exp(-beta (c11 + c22 - c12 - c21)) fixes it."""
    o1, o2 = workers * HOMES["A"][1], workers * HOMES["B"][1]
    scale = (o1 + o2) / (JOBS["J1"][1] + JOBS["J2"][1])
    d1 = JOBS["J1"][1] * scale
    km = {(h, j): _metres(h, j) / 1000.0 for h in HOMES for j in JOBS}
    ratio = math.exp(-beta * (km["A", "J1"] + km["B", "J2"] - km["A", "J2"] - km["B", "J1"]))
    # a (o2 - d1 + a) = ratio (o1 - a)(d1 - a)
    roots = np.roots([1 - ratio, (o2 - d1) + ratio * (o1 + d1), -ratio * o1 * d1])
    a = next(r.real for r in roots if 0 < r.real < min(o1, d1))
    return {
        ("23001", "J1"): a,
        ("23001", "J2"): o1 - a,
        ("23002", "J1"): d1 - a,
        ("23002", "J2"): o2 - d1 + a,
    }


@pytest.mark.parametrize(("workers", "beta"), [(1.0, 0.1), (2.0, 0.1), (1.0, 0.5), (1.3, 0.0)])
def test_gravity_model_follows_workers_and_beta(road_base, workers: float, beta: float) -> None:
    ev = _run(road_base, workers_per_dwelling=workers, commute_beta_per_km=beta)
    got = _od(ev)
    want = _gravity_by_hand(workers, beta)
    assert set(got) == set(want)
    for pair, value in want.items():
        assert got[pair] == pytest.approx(value, rel=1e-4), pair
    assert ev.region["commuters"] == pytest.approx(30.0 * workers)


def test_new_parameters_count_like_any_other() -> None:
    base = Parameters()
    for name, value in [
        ("opportunity_bike_half_life_min", 12.0),
        ("opportunity_walk_half_life_m", 600.0),
        ("opportunity_nearest_k", 5),
        ("workers_per_dwelling", 0.9),
        ("commute_beta_per_km", 0.2),
    ]:
        scen = Scenario(name="s").with_parameters(**{name: value})
        assert parameter_differences(base, scen.parameters) == [name]
        assert scenario_key(scen, base) != scenario_key(Scenario(name="s"), base)
        again = Scenario.from_toml(scen.to_toml())
        assert getattr(again.parameters, name) == value
        assert f"{name} = " in scen.to_toml()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("opportunity_bike_half_life_min", 0.0),
        ("opportunity_walk_half_life_m", 6000.0),
        ("opportunity_nearest_k", 0),
        ("workers_per_dwelling", -1.0),
        ("commute_beta_per_km", 6.0),
    ],
)
def test_out_of_bounds_values_are_refused_with_their_location(name: str, value: float) -> None:
    from slimmeregio.layers.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        Scenario(name="s").with_parameters(**{name: value})
    assert f"parameters.{name}" in caught.value.message("en")


def test_exports_label_every_parameter_in_both_languages() -> None:
    """The metadata table of every export (exporters/meta.py) names each parameter, not its key."""
    from slimmeregio.exporters.meta import parameter_rows

    for lang in ("nl", "en"):
        rows = parameter_rows(Parameters(), lang)
        assert [k for k, _, _ in rows] and {k for k, _, _ in rows} == set(Parameters.model_fields)
        unlabelled = [key for key, label, _ in rows if label == key]
        assert not unlabelled, (lang, unlabelled)
    nl = {
        k: (label, value) for k, label, value in parameter_rows(Parameters(commute_beta_per_km=0.2))
    }
    assert nl["commute_beta_per_km"] == ("Pendel: afstandsverval (per km)", "0.2")


def test_example_scenario_and_sweep_ranges_carry_the_new_parameters() -> None:
    """The CLI takes parameters from the scenario file (no overrides): the example lists them,
    and a sweep may range over them."""
    from slimmeregio.scenarios.model import example_scenario_toml
    from slimmeregio.scenarios.sweep_model import ParameterRange

    text = example_scenario_toml()
    example = Scenario.from_toml(text)
    for name in (
        "opportunity_bike_half_life_min",
        "opportunity_walk_half_life_m",
        "opportunity_nearest_k",
        "workers_per_dwelling",
        "commute_beta_per_km",
    ):
        assert f"\n{name} = " in text
        assert getattr(example.parameters, name) == getattr(Parameters(), name)
    spanned = ParameterRange.model_validate(
        {"parameter": "commute_beta_per_km", "from": 0.05, "to": 0.15, "step": 0.05}
    ).spanned()
    assert spanned == (0.05, 0.1, 0.15)


def test_a_scenario_changing_only_commuting_parameters_is_measured_its_way() -> None:
    """Like thresholds they measure: the base is computed with them too, so the delta is 0
    and both sides equal the hand computation (not the base's default trips)."""
    from slimmeregio.scenarios.engine import compare_scenarios

    scen = Scenario(name="beta").with_parameters(
        commute_beta_per_km=0.5, opportunity_walk_half_life_m=1000.0
    )
    _, [cmp] = compare_scenarios(_road_project(), [scen])
    want = _gravity_by_hand(1.0, 0.5)
    for ev in (cmp.base, cmp.scenario):
        got = _od(ev)
        for pair, value in want.items():
            assert got[pair] == pytest.approx(value, rel=1e-4), pair
    note = cmp.scenario.notes["measured_as_scenario"]["en"]
    assert "commute_beta_per_km" in note and "opportunity_walk_half_life_m" in note
    assert cmp.delta("opp_jobs_potential_walk") == pytest.approx(0.0, abs=1e-9)
    assert cmp.base.region["opp_jobs_potential_walk"] == pytest.approx(
        np.average(
            [_potential(h, 1000.0, 3000.0, _metres) for h in HOMES],
            weights=[HOMES[h][1] for h in HOMES],
        )
    )
