"""A scenario that measures differently is compared with the base measured its way."""

from __future__ import annotations

import numpy as np

from slimmeregio.scenarios.engine import compare, evaluate
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.reference import reference_evaluation, reference_parameters


def _share_within(ev, minutes: float) -> float:
    """Hand count from the per-dwelling costs: dwellings within ``minutes`` by bike of a mobipunt."""
    d = ev.dwellings
    w = d["dwellings"].to_numpy(dtype=float)
    t = d["bike_min_mobipunt"].to_numpy(dtype=float)
    within = np.isfinite(t) & (t <= minutes)
    return 100.0 * w[within].sum() / w.sum()


def test_new_threshold_is_measured_on_both_sides_and_changes_nothing(small_base) -> None:
    scenario = Scenario(
        name="3 minuten", parameters=Parameters(bike_thresholds_min=(2.0, 3.0, 15.0))
    )
    cmp = compare(reference_evaluation(small_base, scenario), evaluate(small_base, scenario))
    row = cmp.region.set_index("indicator").loc["share_bike_mobipunt_3min"]
    base_eval = evaluate(small_base)  # the situation is the same: only the measure differs
    expected = _share_within(base_eval, 3.0)
    assert 0 < expected < 100  # the threshold separates dwellings, so the check can fail
    assert np.isclose(row["base"], expected) and np.isclose(row["scenario"], expected)
    assert row["delta"] == 0
    # the old 10-minute measure is no longer in the comparison's base
    assert "share_bike_mobipunt_10min" not in set(cmp.region["indicator"])
    assert "measured_as_scenario" in cmp.scenario.notes


def test_speeds_are_situation_and_stay_the_base_s(small_base) -> None:
    slower = dict(small_base.parameters.speeds_kmh) | {"lokaal": 10.0}
    scen = Parameters(speeds_kmh=slower, bike_thresholds_min=(6.0,))
    ref = reference_parameters(small_base.parameters, scen)
    assert dict(ref.speeds_kmh) == dict(small_base.parameters.speeds_kmh)
    assert ref.bike_thresholds_min == (6.0,)
    # a speed-only scenario is compared with the plain base evaluation
    speed_only = Scenario(name="trager", parameters=Parameters(speeds_kmh=slower))
    assert reference_evaluation(small_base, speed_only) is evaluate(small_base)
