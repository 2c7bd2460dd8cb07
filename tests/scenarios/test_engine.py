"""The engine API on a small synthetic region: indicators, comparison, reuse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from slimmeregio.layers.errors import EmptyLayerError, OperationCancelled
from slimmeregio.layers.model import LayerList, Project
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.engine import compare, evaluate, prepare_base, situation
from slimmeregio.scenarios.indicators import Grid, evaluate_situation, weighted_quantile
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    Parameters,
    RemoveLink,
    Scenario,
)
from slimmeregio.scenarios.results import INDICATOR_LABELS, indicator_keys, indicator_label

from ._reference import nearest_costs
from .conftest import X0, Y0, synthetic_project

WHO = {"author": "test", "reason": "test"}


def test_base_indicators_by_hand(small_base) -> None:
    ev = evaluate(small_base)
    dw = ev.dwellings
    w = dw["dwellings"].to_numpy(float)
    # Independent: networkx costs from every dwelling to the nearest mobipunt.
    ref_walk = nearest_costs(
        small_base.network, small_base.housing_att, small_base.mobipunt_att, "walk"
    )
    np.testing.assert_allclose(dw["walk_m_mobipunt"].to_numpy(), ref_walk, rtol=1e-9)
    ref_bike = nearest_costs(
        small_base.network, small_base.housing_att, small_base.mobipunt_att, "bike"
    )
    np.testing.assert_allclose(dw["bike_min_mobipunt"].to_numpy(), ref_bike / 60, rtol=1e-9)
    for thr in (400, 800, 1200):
        expected = 100 * w[ref_walk <= thr].sum() / w.sum()
        assert ev.region[f"share_walk_mobipunt_{thr}m"] == pytest.approx(expected)
    for t in (5, 10, 15):
        expected = 100 * w[ref_bike / 60 <= t].sum() / w.sum()
        assert ev.region[f"share_bike_mobipunt_{t}min"] == pytest.approx(expected)
    assert ev.region["mean_bike_min_mobipunt"] == pytest.approx(
        np.average(ref_bike / 60, weights=w)
    )
    # Municipality rows add up to the region.
    m = ev.municipalities
    assert list(m["name"]) == ["Westdorp", "Oostdorp"]
    assert m["dwellings"].sum() == ev.region["dwellings"]
    shares = (m["share_bike_mobipunt_5min"] * m["dwellings"]).sum() / m["dwellings"].sum()
    assert shares == pytest.approx(ev.region["share_bike_mobipunt_5min"])
    # Catchments: every dwelling counted once, at the mobipunt named nearest.
    assert ev.mobipunten["catchment_dwellings"].sum() == int(w.sum())
    # Coverage curve: monotone, and equal to the threshold shares.
    curve = ev.coverage_curve
    assert list(curve["minutes"]) == list(range(31))
    assert (np.diff(curve["share_mobipunt"]) >= 0).all()
    assert curve.loc[curve["minutes"] == 5, "share_mobipunt"].iloc[0] == pytest.approx(
        ev.region["share_bike_mobipunt_5min"]
    )
    # Flows: every dwelling that reaches the station loads its own link.
    reach = dw["bike_min_station"].notna()
    assert ev.links["flow_dwellings"].max() <= dw.loc[reach, "dwellings"].sum() + 1e-9
    assert ev.links["flow_dwellings"].max() > 0
    # Network: two villages, 2 components; directness only within the west.
    assert ev.network.components == 2
    d = ev.network.directness
    within = d[(d["from_name"] == "West") & (d["to_name"] == "Noord")]
    assert within["network_m"].iloc[0] == pytest.approx(400 + 800, abs=1e-6)
    assert ev.unreachable.empty


def test_service_areas_cover_what_is_reached(small_base) -> None:
    ev = evaluate(small_base)
    areas = ev.service_areas.set_index("mobipunt_id")
    assert set(areas.index) == {"MP-001", "MP-002"}
    # Dwellings within 10 minutes of MP-001 (it is the nearest) lie in its area.
    dw = ev.dwellings
    near = dw[(dw["mobipunt_id"] == "MP-001") & (dw["bike_min_mobipunt"] <= 9.0)]
    poly = areas.loc["MP-001"].geometry
    assert poly.is_valid
    # Each lies within its snapping distance of the area (the area follows the network).
    assert (near.geometry.distance(poly) <= near["snap_m"] + 1e-6).all()
    assert not poly.interiors if poly.geom_type == "Polygon" else True


def test_weighted_quantile() -> None:
    v = np.array([1.0, 2.0, 3.0, 4.0])
    assert weighted_quantile(v, np.array([1.0, 1.0, 1.0, 1.0]), 0.5) == 2.0
    assert weighted_quantile(v, np.array([0.0, 0.0, 1.0, 9.0]), 0.5) == 4.0
    assert weighted_quantile(v, np.array([5.0, 1.0, 1.0, 1.0]), 0.5) == 1.0
    assert np.isnan(weighted_quantile(v, np.zeros(4), 0.5))


def test_scenario_evaluation_equals_a_fresh_base() -> None:
    """Reused attachments and service areas give what a fresh preparation gives."""
    project = synthetic_project(seed=3)
    base = prepare_base(project)
    s = Scenario(
        name="s",
        modifications=(
            AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO),
            RemoveLink(link_ids=(101,), **WHO),
            AddMobipunt(x=X0 + 2000, y=Y0 + 200, name="N", hoppin_type="lokaal", **WHO),
            AddHousing(x=X0 + 2100, y=Y0 + 300, dwellings=40, **WHO),
        ),
    )
    evaluate(base)  # fills the cache that the scenario run reuses
    got = evaluate(base, s)
    sit = situation(base, s)
    fresh = attach_points(sit.network, sit.housing_att.xy, max_snap_m=500)
    np.testing.assert_array_equal(sit.housing_att.edge, fresh.edge)
    np.testing.assert_allclose(sit.housing_att.frac, fresh.frac)
    # Same run without any reuse.
    from slimmeregio.scenarios.indicators import evaluate_situation

    plain = evaluate_situation(sit)
    for key, value in plain.region.items():
        assert got.region[key] == pytest.approx(value, nan_ok=True), key
    pd.testing.assert_frame_equal(
        got.network.directness.reset_index(drop=True),
        plain.network.directness.reset_index(drop=True),
    )
    a = got.service_areas.set_index("mobipunt_id").geometry
    b = plain.service_areas.set_index("mobipunt_id").geometry
    for mid in b.index:
        assert a[mid].symmetric_difference(b[mid]).area < 1e-6 * b[mid].area


def test_compare_deltas_and_access_changes(small_base) -> None:
    base = evaluate(small_base)
    s = Scenario(
        name="brug",
        modifications=(AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO),),
    )
    scen = evaluate(small_base, s)
    cmp = compare(base, scen)
    row = cmp.region.set_index("indicator").loc["share_bike_station_10min"]
    assert row["delta"] == pytest.approx(row["scenario"] - row["base"])
    assert row["delta"] > 0
    gains = cmp.access_changes
    east = scen.dwellings.geometry.x > X0 + 1900
    b = base.dwellings["bike_min_station"].fillna(np.inf).to_numpy()
    a = scen.dwellings["bike_min_station"].fillna(np.inf).to_numpy()
    expected = scen.dwellings.loc[(a <= 10) & ~(b <= 10), "dwellings"].sum()
    assert cmp.gains(10.0, target="station") == expected > 0
    assert cmp.losses(10.0, target="station") == 0
    assert set(gains["housing_id"]) <= set(scen.dwellings.loc[east, "housing_id"])
    m = cmp.municipalities
    assert set(m.columns) == {"nis", "name", "indicator", "base", "scenario", "delta"}
    west = m[(m["nis"] == "23001") & (m["indicator"] == "share_bike_station_10min")]
    assert west["delta"].iloc[0] == pytest.approx(0.0)
    assert list(cmp.curve.columns) == [
        "minutes",
        "base_mobipunt",
        "scenario_mobipunt",
        "base_station",
        "scenario_station",
    ]


def test_parameters_change_speeds_and_thresholds(small_base) -> None:
    fast = Scenario(
        name="snel",
        parameters=Parameters(
            speeds_kmh={"lokaal": 32.0, "bovenlokaal": 40.0}, bike_thresholds_min=(2.0, 4.0)
        ),
    )
    base = evaluate(small_base)
    ev = evaluate(small_base, fast)
    assert "share_bike_mobipunt_2min" in ev.region
    ratio = base.dwellings["bike_min_mobipunt"] / ev.dwellings["bike_min_mobipunt"]
    assert ratio.min() > 1.5  # roughly twice as fast everywhere


def test_grid_sum_within() -> None:
    from rasterio.transform import Affine

    values = np.array([[1.0, 2.0], [3.0, 4.0]])
    grid = Grid(values, Affine(100.0, 0.0, 0.0, 0.0, -100.0, 200.0))
    assert grid.total == 10.0
    assert grid.sum_within(shapely.box(0, 100, 100, 200)) == 1.0  # top-left cell
    assert grid.sum_within(shapely.box(60, 0, 200, 160)) == 2.0 + 4.0  # right-hand cells


def test_progress_and_cancel(small_base) -> None:
    seen: list[float] = []
    evaluate(small_base, Scenario(name="p"), progress=lambda f, m: seen.append(f))
    assert seen and seen[-1] == pytest.approx(1.0)
    assert all(b >= a - 1e-9 for a, b in zip(seen, seen[1:], strict=False))
    with pytest.raises(OperationCancelled):
        evaluate(small_base, Scenario(name="c"), cancel=lambda: True)


def test_missing_layers_are_clear_errors() -> None:
    with pytest.raises(EmptyLayerError) as info:
        prepare_base(Project(layers=LayerList()))
    assert "fietsnetwerk" in info.value.full_message("nl")


def test_indicator_labels() -> None:
    keys = indicator_keys()
    assert set(keys) == set(INDICATOR_LABELS)
    assert INDICATOR_LABELS["share_bike_mobipunt_10min"]["unit"] == "%"
    assert INDICATOR_LABELS["p90_walk_m_station"]["unit"] == "m"
    assert "10 min" in indicator_label("share_bike_mobipunt_10min", "nl")
    assert indicator_label("share_inh_walk_station_7.5m", "en").startswith("Share of inhabitants")


def test_minimal_project_network_and_housing_polygons_only() -> None:
    """No mobipunten, stations, municipalities or centres; housing as polygons."""
    full = synthetic_project()
    keep = [full.layers["fietsnetwerk"], full.layers["woningen"]]
    housing = keep[1]
    polys = housing.frame.copy()
    polys["geometry"] = polys.geometry.buffer(10.0)
    project = Project(layers=LayerList([keep[0], housing.replace(data=polys)]))
    base = prepare_base(project)
    ev = evaluate(base)
    assert ev.region["dwellings"] == polys["woningen"].sum()
    assert ev.region["share_bike_mobipunt_10min"] == 0.0
    assert ev.dwellings["bike_min_mobipunt"].isna().all()
    assert ev.mobipunten.empty and ev.service_areas.empty
    assert ev.network.directness.empty
    assert list(ev.municipalities["nis"]) == [""]
    assert ev.links["flow_dwellings"].sum() == 0
    # A mobipunt added by a scenario makes the indicators move.
    s = Scenario(
        name="eerste mobipunt",
        modifications=(
            AddMobipunt(x=X0 + 700, y=Y0 + 700, name="Eerste", hoppin_type="lokaal", **WHO),
        ),
    )
    after = evaluate(base, s)
    assert after.region["share_bike_mobipunt_10min"] > 0
    assert len(after.service_areas) == 1
    cmp = compare(ev, after)
    assert cmp.gains(10.0) > 0


def test_grid_in_another_crs_counts_cells_at_their_lambert_position() -> None:
    """A Lambert-2008 grid gives the same sums as the same cells in Lambert 72."""
    from pyproj import Transformer
    from rasterio.transform import Affine

    values = np.array([[5.0, 7.0], [0.0, 11.0]])
    # Cell centres in Lambert 72 of a 100 m grid at (150000, 170000) ...
    lambert72 = Grid(values, Affine(100.0, 0.0, 150_000.0, 0.0, -100.0, 170_200.0), "EPSG:31370")
    # ... and the same grid placed in Lambert 2008 (EPSG:3812).
    x08, y08 = Transformer.from_crs("EPSG:31370", "EPSG:3812", always_xy=True).transform(
        150_000.0, 170_200.0
    )
    lambert08 = Grid(values, Affine(100.0, 0.0, x08, 0.0, -100.0, y08), "EPSG:3812")
    right_column = shapely.box(150_100.0, 170_000.0, 150_200.0, 170_200.0)
    assert lambert72.sum_within(right_column) == 7.0 + 11.0
    assert lambert08.sum_within(right_column) == 7.0 + 11.0
    assert lambert08.sum_within(shapely.box(150_000.0, 170_100.0, 150_100.0, 170_200.0)) == 5.0


def test_evaluation_value_for_region_and_municipality(small_base) -> None:
    ev = evaluate(small_base)
    key = "share_bike_mobipunt_10min"
    assert ev.value(key) == ev.region[key]
    row = ev.municipalities.iloc[0]
    assert ev.value(key, str(row["nis"])) == float(row[key])
    assert np.isnan(ev.value(key, "99999")) and np.isnan(ev.value("no_such_key"))


def test_compare_scenarios_names_the_scenario_that_fails(small_project) -> None:
    from slimmeregio.layers.errors import ScenarioError
    from slimmeregio.scenarios.engine import compare_scenarios

    good = Scenario(name="Goed")
    bad = Scenario(
        name="Kapotte schakel",
        modifications=(RemoveLink(link_ids=(987654,), author="An", reason="test"),),
    )
    base, (comparison,) = compare_scenarios(small_project, [good])
    assert comparison.scenario.scenario.name == "Goed"
    with pytest.raises(ScenarioError) as info:
        compare_scenarios(small_project, [good, bad])
    message = info.value.message("nl")
    assert "'Kapotte schakel'" in message and "modifications[0].link_ids[0]" in message


def test_result_frames_hold_their_arrays_once_and_read_only(small_base) -> None:
    # The dwellings frame is built over the arrays the engine computed (no
    # copy per column); they are read-only, so a later write through the
    # frame cannot change a kept search's costs or the attachment, and a
    # cached base result cannot be changed by whoever reads it.
    s = Scenario(
        name="brug",
        modifications=(AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO),),
    )
    for sc in (None, s):
        sit = situation(small_base, sc)
        dw = evaluate_situation(sit).dwellings
        assert np.shares_memory(dw["snap_m"].to_numpy(), sit.housing_att.snap_m)
        for name in ("walk_m_mobipunt", "bike_min_station", "snap_m", "reachable"):
            column = dw[name]
            with pytest.raises(ValueError, match="read-only"):
                column.array._ndarray[0] = column.iloc[0]
        fresh = dw.copy()  # a copy is the reader's own
        fresh.loc[fresh.index[0], "walk_m_mobipunt"] = -1.0
        assert dw["walk_m_mobipunt"].iloc[0] != -1.0
