"""A first pass without the slow families (opportunities, commuting, public
transport): every figure it has is the whole evaluation's, it lists what it
left out, and a run hands it over before the whole result."""

from __future__ import annotations

import math

import pytest

from slimmeregio.scenarios.engine import compare, evaluate, prepare_base
from slimmeregio.scenarios.model import AddLink, Scenario
from slimmeregio.scenarios.runs import run_analysis

from .conftest import X0, Y0
from .test_opportunity_scenarios import _project

WHO = {"author": "test", "reason": "test"}


def _scenario() -> Scenario:
    link = AddLink(
        coords=((X0 + 50, Y0 + 50), (X0 + 900, Y0 + 700)), link_class="bovenlokaal", **WHO
    )
    return Scenario(name="schakel", modifications=(link,))


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_the_first_pass_has_the_whole_evaluations_figures_and_names_the_rest() -> None:
    base = prepare_base(_project())
    scenario = _scenario()
    first_base = evaluate(base, families=False, service_areas=False)
    first = evaluate(base, scenario, families=False, service_areas=False)
    assert first.pending == ("opportunities",)  # the project has jobs, no stops layer
    whole_base = evaluate(base, service_areas=False)
    whole = evaluate(base, scenario, service_areas=False)
    assert whole.pending == () and whole_base.pending == ()
    assert first.opportunities is None and "commuters" not in first.region
    assert "commuters" in whole.region
    for key, value in first.region.items():
        assert _same(value, whole.region[key]), key
    delta_first, delta_whole = compare(first_base, first), compare(whole_base, whole)
    for key in first.region:
        assert _same(delta_first.delta(key), delta_whole.delta(key)), key
    # Once the whole base evaluation is known, a first pass of the base is it.
    assert evaluate(base, families=False, service_areas=False) is whole_base


def test_a_run_hands_over_the_first_pass_before_the_whole_result() -> None:
    project = _project()
    seen = []
    result = run_analysis(project, _scenario(), on_partial=seen.append)
    assert len(seen) == 1
    first = seen[0]
    assert first.evaluation.pending == ("opportunities",)
    assert first.comparison is not None and first.scenario_name == "schakel"
    assert result.evaluation.pending == ()
    for key, value in first.evaluation.region.items():
        assert _same(value, result.evaluation.region[key]), key
    # Without opportunity or public transport data there is nothing to hand over first.
    from .conftest import synthetic_project

    plain: list = []
    run_analysis(synthetic_project(), _scenario(), on_partial=plain.append)
    assert plain == []


def test_a_first_pass_against_the_whole_base_compares_only_what_both_computed() -> None:
    """In the app the base is usually known whole when a scenario's first pass
    comes: commuter flows it has not computed yet are unknown, not a loss of
    every commuter, and its indicators are left out, not NaN deltas."""
    import numpy as np

    base = prepare_base(_project())
    scenario = _scenario()
    whole_base = evaluate(base, service_areas=False)
    first = evaluate(base, scenario, families=False, service_areas=False)
    mixed = compare(whole_base, first)
    whole = compare(whole_base, evaluate(base, scenario, service_areas=False))
    assert "commuters" in whole.region["indicator"].tolist()
    assert "commuters" not in mixed.region["indicator"].tolist()
    assert set(mixed.region["indicator"]) == set(first.region)
    assert mixed.link_flows["delta_flow_bike_commuters"].isna().all()
    # The flows both computed change exactly as in the whole comparison.
    cols = ["link_id", "delta_flow_dwellings", "delta_flow_brussels_dwellings"]
    a = mixed.link_flows[cols].set_index("link_id").sort_index()
    b = whole.link_flows[cols].set_index("link_id").sort_index()
    moved = (b.abs() > 1e-9).any(axis=1)
    assert a.index.tolist() == b.index[moved].tolist()
    assert np.array_equal(a.to_numpy(), b.loc[moved].to_numpy())


def _same_evaluation(a, b) -> None:  # type: ignore[no-untyped-def]
    """Every frame, figure and note of two evaluations equal (timings aside)."""
    from dataclasses import fields

    import pandas as pd

    from .test_opportunity_equivalence import _assert_same

    _assert_same(a, b)
    assert list(a.region) == list(b.region)  # the same figures in the same order
    assert list(a.notes.items()) == list(b.notes.items())
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        elif f.name not in ("timings", "opportunities", "region", "network"):
            assert x == y or (x != x and y != y), f.name
    for f in fields(a.network):
        x, y = getattr(a.network, f.name), getattr(b.network, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
        else:
            assert x == y, f.name


@pytest.mark.slow
def test_completing_a_first_pass_gives_the_whole_evaluation(region_base) -> None:
    """What the app shows after the first pass (the families added to it) is
    the whole evaluation, frame for frame, for random scenarios."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from slimmeregio.scenarios.engine import complete, first_pass

    from .test_opportunity_reuse import _edits

    evaluate(region_base)
    completed: list[int] = []

    @settings(
        max_examples=4,
        deadline=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
    @given(data=st.data())
    def check(data) -> None:  # type: ignore[no-untyped-def]
        scenario = data.draw(_edits(region_base))
        first = first_pass(region_base, scenario)
        assert first.evaluation.pending == ("opportunities", "transit")
        done = complete(first)
        assert done.pending == ()
        assert first.evaluation.pending == ("opportunities", "transit")  # left as it was
        completed.append(int(bool(first.state)))
        _same_evaluation(done, evaluate(region_base, scenario))

    check()
    assert sum(completed) == len(completed) > 0  # the completion path, not a fallback


def test_completing_a_first_pass_with_other_parameters() -> None:
    """A scenario with another walking speed (nothing of the base reusable) and
    another household size: completed, it is the whole evaluation, its notes
    on the parameters included."""
    from slimmeregio.scenarios.engine import complete, first_pass

    base = prepare_base(_project())
    evaluate(base)
    params = base.parameters.model_copy(update={"walking_speed_kmh": 4.0, "household_size": 2.1})
    scenario = Scenario(name="anders", modifications=_scenario().modifications, parameters=params)
    first = first_pass(base, scenario)
    assert first.state and not first.state["reused"]
    done = complete(first)
    assert {"parameters_differ", "measured_as_scenario"} <= set(done.notes)
    _same_evaluation(done, evaluate(base, scenario))


@pytest.mark.slow
def test_the_base_completed_from_its_first_pass_is_the_whole_base(region_project) -> None:
    """The app shows the base's first pass, then its whole evaluation: that
    completes the first pass instead of evaluating the base again. It is the
    whole base, frame for frame, and keeps what scenarios repair from."""
    from slimmeregio.scenarios.model import AddMobipunt, UpgradeLink

    direct = prepare_base(region_project)
    whole = evaluate(direct)
    app = prepare_base(region_project)
    first = evaluate(app, families=False)
    assert first.pending == ("opportunities", "transit")
    key = ("base", True, True, True)
    kept = app.first_pass_of(key)
    assert kept is not None and kept.evaluation is first and kept.state
    done = evaluate(app)
    assert done.pending == () and app.first_pass_of(key) is None  # handed over
    assert evaluate(app) is done and evaluate(app, families=False) is done
    assert first.pending == ("opportunities", "transit") and first.opportunities is None
    _same_evaluation(done, whole)
    # What the whole base keeps for the scenarios' repairs is kept the same way.
    assert app._transit is not None and set(app._kept) == set(direct._kept)
    assert list(app._stats.orders) == list(direct._stats.orders)
    net = direct.inputs.network
    x, y = (float(c) for c in net.node_xy[net.n_nodes // 2])
    link = int(net.link_id[net.n_edges // 3])
    scenario = Scenario(
        name="twee",
        modifications=(
            AddMobipunt(x=x + 40, y=y - 30, name="t", hoppin_type="buurt", **WHO),
            UpgradeLink(link_ids=(link,), speed_kmh=30.0, **WHO),
        ),
    )
    _same_evaluation(evaluate(app, scenario), evaluate(direct, scenario))
