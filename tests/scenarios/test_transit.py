"""Public transport indicators, set_frequency and the Hoppin policy check against a
hand computation on one straight street.

The street runs from x = 0 to x = 3000 m (y = 0, relative to X0, Y0), class
lokaal at 18 km/h = 300 m/min. Every point lies on it, so walking distances
are differences of x and cycling minutes are those distances / 300.

Housing (x, dwellings): H1 (100, 10), H2 (950, 20), H3 (2600, 30).
Municipalities: West (x < 1200: H1, H2), Oost (H3).
Stops (x, modes, per hour 07-09 / 09-16, ride to Brussels, routes 07-09):
  A (400, bus, 4 / 2, -, 155: 3 and 7: 1)
  B (2300, bus, 1 / 1, -, 7: 1)
  S (1500, trein, 2 / 1, 20 min)
  T (3000, trein, 3 / 3, 30 min)
Parameters: walk 500 m; 2 and 4 departures per hour; windows ochtendspits and dag;
a station needs 2 trains per hour 07-09.
"""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.comparison import compare
from slimmeregio.scenarios.engine import evaluate, prepare_base
from slimmeregio.scenarios.hoppin import check_hubs, hub_rules
from slimmeregio.scenarios.model import DEFAULT_SPEEDS_KMH, Parameters, Scenario, SetFrequency

X0, Y0 = 150_000.0, 170_000.0
SPEED_M_PER_MIN = 300.0


def _points(xs: list[float], dy: list[float] | None = None) -> list[shapely.Point]:
    dy = dy or [0.0] * len(xs)
    return [shapely.Point(X0 + x, Y0 + d) for x, d in zip(xs, dy, strict=True)]


def _project() -> Project:
    net = gpd.GeoDataFrame(
        {"link_id": [1], "klasse": ["lokaal"]},
        geometry=[shapely.LineString([(X0, Y0), (X0 + 1000, Y0), (X0 + 3000, Y0)])],
        crs=ANALYSIS_CRS,
    )
    housing = gpd.GeoDataFrame(
        {"woning_id": ["H1", "H2", "H3"], "woningen": [10, 20, 30], "status": "bestaand"},
        geometry=_points([100, 950, 2600]),
        crs=ANALYSIS_CRS,
    )
    stops = gpd.GeoDataFrame(
        {
            "stop_id": ["A", "B", "S", "T"],
            "naam": ["Markt", "Kerk", "Station West", "Station Oost"],
            "modi": ["bus", "bus", "trein", "trein"],
            "per_uur_ochtendspits": [4.0, 1.0, 2.0, 3.0],
            "per_uur_dag": [2.0, 1.0, 1.0, 3.0],
            "rit_min_brussel": [np.nan, np.nan, 20.0, 30.0],
            "per_lijn": [
                json.dumps(
                    {
                        "155": {"ochtendspits": 3.0, "dag": 2.0},
                        "7": {"ochtendspits": 1.0, "dag": 0.0},
                    }
                ),
                json.dumps({"7": {"ochtendspits": 1.0, "dag": 1.0}}),
                "{}",
                "{}",
            ],
        },
        geometry=_points([400, 2300, 1500, 3000]),
        crs=ANALYSIS_CRS,
    )
    mobi = gpd.GeoDataFrame(
        {
            "mobipunt_id": ["M1", "M2", "M3", "M4"],
            "naam": ["Markt", "Veld", "Station Oost", "Kerkplein"],
            "type": ["regionaal", "interregionaal", "buurt", "buurt"],
        },
        geometry=_points([420, 2000, 3050, 380], [50, 0, 0, 0]),
        crs=ANALYSIS_CRS,
    )
    munis = gpd.GeoDataFrame(
        {"nis": ["1", "2"], "naam": ["West", "Oost"]},
        geometry=[
            shapely.box(X0 - 100, Y0 - 100, X0 + 1200, Y0 + 100),
            shapely.box(X0 + 1200, Y0 - 100, X0 + 3100, Y0 + 100),
        ],
        crs=ANALYSIS_CRS,
    )
    return Project(
        layers=LayerList(
            [
                Layer("gemeenten", munis, Role.MUNICIPALITIES, {"nis": "nis", "name": "naam"}),
                Layer(
                    "fietsnetwerk",
                    net,
                    Role.BIKE_NETWORK,
                    {"id": "link_id", "link_class": "klasse"},
                ),
                Layer(
                    "woningen",
                    housing,
                    Role.HOUSING,
                    {"id": "woning_id", "dwellings": "woningen", "status": "status"},
                ),
                Layer(
                    "mobipunten",
                    mobi,
                    Role.MOBIPUNTEN,
                    {"id": "mobipunt_id", "name": "naam", "hoppin_type": "type"},
                ),
                Layer(
                    "ov_haltes",
                    stops,
                    Role.PT_STOPS,
                    {
                        "id": "stop_id",
                        "name": "naam",
                        "mode": "modi",
                        "departures_morning_peak": "per_uur_ochtendspits",
                        "departures_daytime": "per_uur_dag",
                        "ride_min_brussels": "rit_min_brussel",
                        "route_rates": "per_lijn",
                    },
                ),
            ]
        )
    )


PARAMS = Parameters(
    speeds_kmh={**DEFAULT_SPEEDS_KMH, "lokaal": 18.0},
    pt_walk_m=500.0,
    pt_departures_per_hour=(2.0, 4.0),
    pt_windows=("ochtendspits", "dag"),
    pt_trains_per_hour=2.0,
)


@pytest.fixture(scope="module")
def base():
    return prepare_base(_project(), PARAMS)


def _share(*dwellings: float) -> float:
    return 100.0 * sum(dwellings) / 60.0


def test_stop_shares_per_window_and_threshold(base) -> None:
    ev = evaluate(base)
    # Walking: H1 -> A 300 m; H2 -> A 550, S 550 (none within 500); H3 -> T 400, B 300.
    # 07-09 >= 2: A, S, T -> H1, H3.  >= 4: A -> H1.  09-16 >= 2: A, T -> H1, H3.  >= 4: none.
    assert ev.region["share_pt_ochtendspits_2ph"] == pytest.approx(_share(10, 30))
    assert ev.region["share_pt_ochtendspits_4ph"] == pytest.approx(_share(10))
    assert ev.region["share_pt_dag_2ph"] == pytest.approx(_share(10, 30))
    assert ev.region["share_pt_dag_4ph"] == 0.0
    west = ev.municipalities.set_index("nis").loc["1"]
    assert west["share_pt_ochtendspits_2ph"] == pytest.approx(100.0 * 10 / 30)
    assert ev.dwellings["pt_ochtendspits_4ph"].tolist() == [True, False, False]


def test_cycling_to_a_station_with_enough_trains(base) -> None:
    ev = evaluate(base)
    # H1 -> S 1400 m, H2 -> S 550 m, H3 -> T 400 m.
    expected = np.array([1400, 550, 400]) / SPEED_M_PER_MIN
    np.testing.assert_allclose(ev.dwellings["bike_min_train"].to_numpy(float), expected, atol=1e-6)
    assert ev.dwellings["train_station_id"].tolist() == ["S", "S", "T"]
    mean = (10 * expected[0] + 20 * expected[1] + 30 * expected[2]) / 60
    assert ev.region["mean_bike_min_train"] == pytest.approx(mean)
    # Sorted: H3 (30) 1.33, H2 (20) 1.83, H1 (10) 4.67: the median dwelling is H3's.
    assert ev.region["median_bike_min_train"] == pytest.approx(expected[2])
    assert ev.region["share_bike_train_5min"] == pytest.approx(100.0)


def test_bike_and_train_to_brussels(base) -> None:
    ev = evaluate(base)
    # Via S: wait 60 / 2 / 2 = 15, ride 20; via T: wait 60 / 3 / 2 = 10, ride 30.
    via_s = np.array([1400, 550, 1100]) / SPEED_M_PER_MIN + 15 + 20
    via_t = np.array([2900, 2050, 400]) / SPEED_M_PER_MIN + 10 + 30
    door = np.minimum(via_s, via_t)
    np.testing.assert_allclose(ev.dwellings["door_min_brussels"].to_numpy(float), door, atol=1e-6)
    # H3 is nearer T by bike but faster to Brussels through S.
    assert ev.dwellings["door_station_id"].tolist() == ["S", "S", "S"]
    assert ev.region["mean_door_min_brussels"] == pytest.approx(
        (10 * door[0] + 20 * door[1] + 30 * door[2]) / 60
    )


def test_stations_beyond_the_cycling_limit_are_not_used() -> None:
    base = prepare_base(_project(), PARAMS.model_copy(update={"bike_train_max_bike_min": 4.0}))
    ev = evaluate(base)
    # Within 4 min (1200 m): H1 none (S 1400), H2 S (550), H3 T (400; S 1100 too).
    door = ev.dwellings["door_min_brussels"].to_numpy(float)
    assert math.isnan(door[0])
    assert door[1] == pytest.approx(550 / 300 + 35)
    assert door[2] == pytest.approx(1100 / 300 + 35)
    assert ev.region["no_route_dwellings_door_brussels"] == 10.0


def test_set_frequency_of_a_stop(base) -> None:
    mod = SetFrequency(
        stop_id="A", window="ochtendspits", departures_per_hour=1.0, author="t", reason="test"
    )
    scen = Scenario(name="minder", parameters=PARAMS, modifications=(mod,))
    cmp = compare(evaluate(base), evaluate(base, scen))
    row = cmp.region.set_index("indicator").loc["share_pt_ochtendspits_2ph"]
    # A at 1/h: H1 has no stop with >= 2 within 500 m any more.
    assert row["base"] == pytest.approx(_share(10, 30))
    assert row["scenario"] == pytest.approx(_share(30))
    assert row["delta"] == pytest.approx(-_share(10))


def test_set_frequency_of_a_route(base) -> None:
    mod = SetFrequency(
        route="7", window="ochtendspits", departures_per_hour=4.0, author="t", reason="elk kwartier"
    )
    ev = evaluate(base, Scenario(name="lijn 7", parameters=PARAMS, modifications=(mod,)))
    stops = ev.pt_stops.set_index("stop_id")
    # A: 4 - 1 + 4 = 7; B: 1 - 1 + 4 = 4; the other window is untouched.
    assert stops.loc["A", "per_uur_ochtendspits"] == 7.0
    assert stops.loc["B", "per_uur_ochtendspits"] == 4.0
    assert stops.loc["B", "per_uur_dag"] == 1.0
    assert stops["changed"].tolist() == [True, True, False, False]
    # >= 4 at 07-09: A (H1) and now B (H3, 300 m).
    assert ev.region["share_pt_ochtendspits_4ph"] == pytest.approx(_share(10, 30))


def test_set_frequency_of_an_unknown_stop_or_route(base) -> None:
    for kwargs, field in (({"stop_id": "Q"}, "stop_id"), ({"route": "99"}, "route")):
        mod = SetFrequency(window="dag", departures_per_hour=2.0, author="t", reason="r", **kwargs)
        with pytest.raises(ScenarioError) as info:
            evaluate(base, Scenario(name="x", parameters=PARAMS, modifications=(mod,)))
        assert f"modifications[0].{field}" in str(info.value.data.get("location"))


def test_set_frequency_needs_exactly_one_target_and_round_trips() -> None:
    with pytest.raises(ScenarioError):
        Scenario.from_toml(
            'name = "x"\n[[modifications]]\nkind = "set_frequency"\nwindow = "dag"\n'
            'departures_per_hour = 4.0\nauthor = "a"\nreason = "r"\n'
        )
    mod = SetFrequency(route="7", window="avond", departures_per_hour=4.0, author="a", reason="r")
    scen = Scenario(name="x", modifications=(mod,))
    assert Scenario.from_toml(scen.to_toml()) == scen


def test_hub_policy_check(base) -> None:
    ev = evaluate(base)
    checks = ev.hub_checks.set_index("mobipunt_id")
    # M1 regionaal 54 m from A (bus, 4/h): ok. M2 interregionaal: no train within 100 m.
    # M3 buurt 50 m from T (3/h < 4): ok. M4 buurt 20 m from A (4/h): a higher type fits.
    assert checks["ok"].to_dict() == {"M1": True, "M2": False, "M3": True, "M4": False}
    assert checks.loc["M4", "best_stop"] == "A"
    assert "hoger type" in checks.loc["M4", "reason_nl"]
    assert ev.region["hubs_type_mismatch"] == 2.0


def test_hub_rules_file_is_user_editable(tmp_path, monkeypatch) -> None:
    path = tmp_path / "regels.toml"
    path.write_text(
        '[interregionaal]\nradius_m = 600\nmodes = ["trein"]\nmin_departures_per_hour = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SLIMMEREGIO_HOPPIN_RULES", str(path))
    rules = hub_rules()
    assert [r.hoppin_type for r in rules] == ["interregionaal"]
    base = prepare_base(_project(), PARAMS)
    ev = evaluate(base)
    # Only M2 has a rule now, and S (2/h) lies 500 m away.
    assert ev.hub_checks["mobipunt_id"].tolist() == ["M2"]
    assert ev.hub_checks["ok"].tolist() == [True]
    path.write_text("[interregionaal]\nradius = 600\n", encoding="utf-8")
    with pytest.raises(ScenarioError):
        hub_rules()


def test_no_stops_layer_no_transit_keys() -> None:
    project = _project()
    project.layers.remove("ov_haltes")
    ev = evaluate(prepare_base(project, PARAMS))
    assert not any(k.startswith(("share_pt_", "hubs_")) for k in ev.region)
    assert ev.pt_stops is None


def test_check_hubs_without_stops() -> None:
    mobi = gpd.GeoDataFrame(
        {"mobipunt_id": ["M"], "name": ["m"], "hoppin_type": ["lokaal"]},
        geometry=_points([0]),
        crs=ANALYSIS_CRS,
    )
    stops = gpd.GeoDataFrame(
        {"stop_id": [], "modes": [], "per_uur_ochtendspits": []},
        geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    checks = check_hubs(mobi, stops, hub_rules())
    assert checks["ok"].tolist() == [False]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bike_train_search_equals_one_search_per_station(seed: int) -> None:
    """bike_train_search against, per station, its own nearest_destination search
    (kept when within the cycling cap) plus its offset, then the minimum; on the
    two-village grid with one-way streets and several candidate edges per point."""
    from slimmeregio.scenarios.attach import attach_points
    from slimmeregio.scenarios.inputs import point_xy
    from slimmeregio.scenarios.kernel import nearest_destination
    from slimmeregio.scenarios.network import build_network
    from slimmeregio.scenarios.transit_route import bike_train_search
    from tests.scenarios.conftest import synthetic_project

    project = synthetic_project(seed)
    layer = project.layers["fietsnetwerk"]
    frame = layer.frame.copy()
    rng = np.random.default_rng(seed)
    frame["eenrichting"] = rng.random(len(frame)) < 0.3
    net = build_network(layer.replace(data=frame))
    housing = project.layers["woningen"].frame
    h_att = attach_points(net, point_xy(housing), max_snap_m=500.0)
    xy = np.column_stack([rng.uniform(X0 - 50, X0 + 3400, 9), rng.uniform(Y0, Y0 + 1400, 9)])
    xy[0] = point_xy(housing)[0]  # a station on a dwelling's own edge
    d_att = attach_points(net, xy, max_snap_m=500.0)
    offsets = rng.uniform(0, 600, 9)
    offsets[3] = np.nan  # not used
    cap = 240.0
    total, best = bike_train_search(net, h_att, d_att, offsets, cap)
    each = np.full((len(housing), 9), np.inf)
    for j in range(9):
        if np.isnan(offsets[j]):
            continue
        one = np.zeros(9, dtype=bool)
        one[j] = True
        leg = nearest_destination(net, h_att, d_att.subset(one), mode="bike").cost
        each[:, j] = np.where(leg <= cap, leg + offsets[j], np.inf)
    expected = each.min(axis=1)
    np.testing.assert_allclose(total, expected, rtol=1e-9, atol=1e-6)
    finite = np.isfinite(expected)
    assert 0 < finite.sum() < len(finite)  # the cap leaves some dwellings out
    picked = each[np.flatnonzero(finite), best[finite]]
    np.testing.assert_allclose(picked, expected[finite], rtol=1e-9, atol=1e-6)
    assert (best[~finite] == -1).all()


@pytest.mark.parametrize("seed", [0, 3])
def test_best_rate_within_equals_one_search_per_stop(seed: int) -> None:
    """best_rate_within against, per stop, its own nearest_destination walking
    search: the highest rate per window among the stops within 300 m."""
    from slimmeregio.scenarios.attach import attach_points
    from slimmeregio.scenarios.inputs import point_xy
    from slimmeregio.scenarios.kernel import nearest_destination
    from slimmeregio.scenarios.network import build_network
    from slimmeregio.scenarios.transit_route import best_rate_within
    from tests.scenarios.conftest import synthetic_project

    project = synthetic_project(seed)
    net = build_network(project.layers["fietsnetwerk"])
    housing = project.layers["woningen"].frame
    h_att = attach_points(net, point_xy(housing), max_snap_m=500.0)
    rng = np.random.default_rng(seed)
    xy = np.column_stack([rng.uniform(X0, X0 + 3400, 25), rng.uniform(Y0, Y0 + 1400, 25)])
    xy[0] = point_xy(housing)[0]  # a stop on a dwelling's own edge
    s_att = attach_points(net, xy, max_snap_m=500.0)
    rates = rng.integers(0, 8, (25, 2)).astype(float)
    got = best_rate_within(net, h_att, s_att, rates, limit_m=300.0)
    dist = np.full((len(housing), 25), np.inf)
    for j in range(25):
        one = np.zeros(25, dtype=bool)
        one[j] = True
        dist[:, j] = nearest_destination(net, h_att, s_att.subset(one), mode="walk").cost
    for w in range(2):
        expected = np.where(dist <= 300.0, rates[:, w][None, :], -np.inf).max(axis=1)
        np.testing.assert_array_equal(got[:, w], expected)
    assert np.isfinite(got[:, 0]).any() and not np.isfinite(got[:, 0]).all()


def test_hub_score_and_offer_shares() -> None:
    """Hubs (tests' street): M1 regionaal (0.75) at x 420 (50 m off the street), M2
    interregionaal (1.0) at 2000, M3 buurt (0.25) at 3050, M4 buurt (0.25) at 380;
    offers: M2 deelauto, M1 and M4 deelfiets. At 300 m/min, 5 min = 1500 m.
    H1 (100): M4 280 m, M1 320 + 50, M2 1900 -> best 0.75; deelfiets yes, deelauto no.
    H2 (950): M1 530 + 50, M4 570, M2 1050 -> best 1.0; both offers.
    H3 (2600): M3 450, M2 600 -> best 1.0; deelauto yes, deelfiets no (M1 2180 + 50)."""
    project = _project()
    mobi = project.layers["mobipunten"].frame
    mobi["aanbod"] = ["deelfiets, fietsenstalling", "deelauto", "", "Deelfiets"]
    layer = project.layers["mobipunten"]
    project.layers.remove("mobipunten")
    project.layers.append(layer.replace(data=mobi, fields={**layer.fields, "offer": "aanbod"}))
    ev = evaluate(prepare_base(project, PARAMS))
    assert ev.dwellings["hub_score_5min"].tolist() == [0.75, 1.0, 1.0]
    assert ev.region["hub_score_5min"] == pytest.approx(100 * (10 * 0.75 + 20 + 30) / 60)
    assert ev.region["share_bike_hub_deelfiets_5min"] == pytest.approx(_share(10, 20))
    assert ev.region["share_bike_hub_deelauto_5min"] == pytest.approx(_share(20, 30))
    # 10 min = 3000 m: H1 reaches M2 (1900 m) and H3 reaches M1 (2230 m).
    assert ev.dwellings["hub_score_10min"].tolist() == [1.0, 1.0, 1.0]
    assert ev.region["share_bike_hub_deelfiets_10min"] == pytest.approx(100.0)
    assert ev.region["share_bike_hub_deelauto_10min"] == pytest.approx(100.0)


def test_hub_check_reasons_use_each_languages_decimal_mark() -> None:
    from slimmeregio.scenarios.hoppin import HubRule

    mobi = gpd.GeoDataFrame(
        {"mobipunt_id": ["M"], "name": ["m"], "hoppin_type": ["regionaal"]},
        geometry=_points([0]),
        crs=ANALYSIS_CRS,
    )
    stops = gpd.GeoDataFrame(
        {"stop_id": ["A"], "modes": ["bus"], "per_uur_ochtendspits": [3.5]},
        geometry=_points([10]),
        crs=ANALYSIS_CRS,
    )
    rule = HubRule("regionaal", radius_m=100.0, modes=("bus",), min_departures_per_hour=4.0)
    row = check_hubs(mobi, stops, [rule]).iloc[0]
    assert not row["ok"] and row["best_stop"] == "A"
    assert "hoogste: 3,5" in row["reason_nl"] and "highest: 3.5" in row["reason_en"]
    # the English reason names the type and the modes in English
    rule = HubRule(
        "regionaal", radius_m=100.0, modes=("trein", "metro"), min_departures_per_hour=4.0
    )
    row = check_hubs(mobi, stops, [rule]).iloc[0]
    assert row["reason_en"].startswith("regional: no stop (train or metro)"), row["reason_en"]
    assert row["reason_nl"].startswith("regionaal: geen halte (trein of metro)"), row["reason_nl"]
