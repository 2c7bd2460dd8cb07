"""Applying scenarios: purity, noding of new links, errors with locations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.scenarios.apply import apply_scenario
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.kernel import nearest_destination
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    MoveMobipunt,
    Parameters,
    RemoveHousing,
    RemoveLink,
    RemoveMobipunt,
    Scenario,
    UpgradeLink,
)
from slimmeregio.scenarios.network import effective_speeds
from slimmeregio.scenarios.situation import _changed

from ._reference import nearest_costs
from .conftest import X0, Y0

WHO = {"author": "test", "reason": "test"}


def scenario(*mods) -> Scenario:
    return Scenario(name="t", modifications=tuple(mods))


def snapshot(net) -> dict:
    return {
        k: np.array(getattr(net, k), copy=True)
        for k in (
            "node_xy",
            "u",
            "v",
            "length",
            "link_id",
            "link_class",
            "speed_kmh",
            "oneway",
            "change",
        )
    }


def same(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[k], b[k]) for k in a)


def test_apply_is_pure_and_repeatable(small_base) -> None:
    inputs = small_base.inputs
    before = snapshot(inputs.network)
    housing_before = inputs.housing.copy()
    mobi_before = inputs.mobipunten.copy()
    s = scenario(
        AddLink(coords=((X0 + 1400, Y0 + 300), (X0 + 2400, Y0 + 300)), **WHO),
        RemoveLink(link_ids=(101,), **WHO),
        UpgradeLink(link_ids=(102,), link_class="fietssnelweg", **WHO),
        AddMobipunt(x=X0 + 500, y=Y0 + 500, name="Nieuw", hoppin_type="buurt", **WHO),
        MoveMobipunt(mobipunt_id="MP-002", x=X0 + 2500, y=Y0 + 500, **WHO),
        AddHousing(x=X0 + 100, y=Y0 + 100, dwellings=50, **WHO),
        RemoveHousing(housing_ids=("1",), **WHO),
    )
    first = apply_scenario(inputs, s)
    second = apply_scenario(inputs, s)
    assert same(snapshot(inputs.network), before)
    assert inputs.housing.equals(housing_before)
    assert inputs.mobipunten.equals(mobi_before)
    assert same(snapshot(first.network), snapshot(second.network))
    assert first.housing.equals(second.housing)
    # What the modifications did.
    net = first.network
    assert 101 not in set(net.link_id.tolist())
    assert set(net.link_class[net.link_id == 102]) == {"fietssnelweg"}
    assert set(net.change[net.link_id == 102]) == {"upgraded"}
    assert (net.change == "added").sum() >= 1
    assert first.removed_links["link_id"].tolist() == [101]
    assert "nieuw-4" in set(first.mobipunten["mobipunt_id"])
    moved = first.mobipunten.set_index("mobipunt_id").loc["MP-002"]
    assert (moved.geometry.x, moved.geometry.y) == (X0 + 2500, Y0 + 500)
    assert moved["change"] == "moved"
    assert "1" not in set(first.housing["housing_id"])
    assert first.housing["dwellings"].sum() == inputs.housing["dwellings"].sum() + 50 - int(
        inputs.housing.loc[inputs.housing["housing_id"] == "1", "dwellings"].iloc[0]
    )


def test_new_link_is_noded_at_crossings_and_ends(small_base) -> None:
    """A diagonal link across the west grid: split where it crosses streets."""
    inputs = small_base.inputs
    a = (X0 + 100.0, Y0 + 50.0)  # 50 m from the nearest street: starts a new node
    b = (X0 + 700.0, Y0 + 650.0)
    applied = apply_scenario(
        inputs, scenario(AddLink(coords=(a, b), link_class="bovenlokaal", **WHO))
    )
    net = applied.network
    added = net.change == "added"
    assert added.sum() > 3  # pieces between crossings
    assert net.length[added].sum() == pytest.approx(np.hypot(600, 600), rel=1e-6)
    # The network stays exact: the reference on the applied network agrees.
    src = attach_points(net, np.array([a]), max_snap_m=5)
    dst = attach_points(net, np.array([[X0 + 400.0, Y0 + 600.0]]), max_snap_m=5)
    got = nearest_destination(net, src, dst, mode="walk").cost
    np.testing.assert_allclose(got, nearest_costs(net, src, dst, "walk"))


def test_link_between_villages_changes_exactly_the_right_dwellings(small_base) -> None:
    """Only the east village has no station; a link joining the villages gives
    exactly its dwellings station access, and changes nothing in the west."""
    from slimmeregio.scenarios.engine import evaluate

    base = evaluate(small_base)
    s = scenario(AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO))
    after = evaluate(small_base, s)
    east = base.dwellings.geometry.x.to_numpy() > X0 + 1900
    b = base.dwellings["bike_min_station"].to_numpy()
    a = after.dwellings["bike_min_station"].to_numpy()
    assert np.isnan(b[east]).all() and np.isfinite(a[east]).all()
    np.testing.assert_array_equal(a[~east], b[~east])
    # East costs equal networkx on the applied network.
    from slimmeregio.scenarios.engine import situation

    sit = situation(small_base, s)
    ref = nearest_costs(sit.network, sit.housing_att, sit.station_att, "bike") / 60.0
    np.testing.assert_allclose(a, ref, rtol=1e-9)


@pytest.mark.parametrize(
    ("mod", "location"),
    [
        (RemoveLink(link_ids=(101, 99999), **WHO), "modifications[0].link_ids[1]"),
        (UpgradeLink(link_ids=(5,), speed_kmh=30.0, **WHO), "modifications[0].link_ids[0]"),
        (MoveMobipunt(mobipunt_id="MP-999", x=X0, y=Y0, **WHO), "modifications[0].mobipunt_id"),
        (RemoveMobipunt(mobipunt_id="nope", **WHO), "modifications[0].mobipunt_id"),
        (RemoveHousing(housing_ids=("1", "abc"), **WHO), "modifications[0].housing_ids[1]"),
        (
            AddMobipunt(x=60_000, y=220_000, name="Oostende?", hoppin_type="buurt", **WHO),
            "modifications[0].x",
        ),
        (AddLink(coords=((X0, Y0), (X0 + 90_000, Y0)), **WHO), "modifications[0].coords[1]"),
        (
            AddMobipunt(x=X0, y=Y0, name="dubbel", hoppin_type="buurt", id="MP-001", **WHO),
            "modifications[0].id",
        ),
    ],
)
def test_errors_name_the_modification(small_base, mod, location) -> None:
    with pytest.raises(ScenarioError) as info:
        apply_scenario(small_base.inputs, scenario(mod))
    assert info.value.data["location"] == location
    assert info.value.message("nl") and info.value.message("en")


def test_removing_a_link_removed_earlier_is_an_error(small_base) -> None:
    s = scenario(
        RemoveLink(link_ids=(101,), **WHO), UpgradeLink(link_ids=(101,), link_class="lokaal", **WHO)
    )
    with pytest.raises(ScenarioError) as info:
        apply_scenario(small_base.inputs, s)
    assert info.value.data["location"] == "modifications[1].link_ids[0]"


def test_housing_ids_in_use_follow_the_modifications(small_base) -> None:
    inputs = small_base.inputs
    base_id = str(inputs.housing["housing_id"].iloc[0])

    def add(ident: str) -> AddHousing:
        return AddHousing(x=X0 + 500.0, y=Y0 + 500.0, dwellings=5, id=ident, **WHO)

    # An id the base uses is taken ...
    with pytest.raises(ScenarioError) as info:
        apply_scenario(inputs, scenario(add(base_id)))
    assert info.value.data["location"] == "modifications[0].id"
    # ... until a modification removes that housing.
    applied = apply_scenario(
        inputs, scenario(RemoveHousing(housing_ids=(base_id,), **WHO), add(base_id))
    )
    assert (applied.housing["housing_id"].astype(str) == base_id).sum() == 1
    # A new id is taken once added; removed again, it is free.
    with pytest.raises(ScenarioError) as info:
        apply_scenario(inputs, scenario(add("n1"), add("n1")))
    assert info.value.data["location"] == "modifications[1].id"
    applied = apply_scenario(
        inputs, scenario(add("n1"), RemoveHousing(housing_ids=("n1",), **WHO), add("n1"))
    )
    assert (applied.housing["housing_id"].astype(str) == "n1").sum() == 1
    # The base's own set is shared by every scenario and never changes.
    assert base_id in inputs.housing_ids and "n1" not in inputs.housing_ids


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_edited_speeds_equal_every_edge_computed_afresh(small_base, data) -> None:
    """The edited network's speeds (taken over for the base edges nobody
    touched) equal ``effective_speeds`` of all its edges, under the base's
    speeds and under a scenario's own."""
    net = small_base.network
    links = np.unique(net.link_id).tolist()
    mods: list = []
    for _ in range(data.draw(st.integers(0, 4), label="edits")):
        kind = data.draw(st.sampled_from(["class", "speed", "remove", "add"]), label="kind")
        ids = tuple(
            data.draw(st.lists(st.sampled_from(links), min_size=1, max_size=3, unique=True))
        )
        if kind == "class":
            mods.append(UpgradeLink(link_ids=ids, link_class="fietssnelweg", **WHO))
        elif kind == "speed":
            mods.append(UpgradeLink(link_ids=ids, speed_kmh=data.draw(st.floats(5, 30)), **WHO))
        elif kind == "remove":
            mods.append(RemoveLink(link_ids=ids, **WHO))
        else:
            x, y = (float(c) for c in net.node_xy[data.draw(st.integers(0, net.n_nodes - 1))])
            mods.append(
                AddLink(coords=((x, y), (x + 330.0, y + 170.0)), link_class="lokaal", **WHO)
            )
        links = [lid for lid in links if lid not in ids] if kind == "remove" else links
        if not links:
            break
    speeds = data.draw(st.sampled_from([None, {"lokaal": 11.0, "fietssnelweg": 27.0}]))
    params = Parameters() if speeds is None else Parameters(speeds_kmh=speeds)
    for _ in range(2):  # the second time from what is kept on the base network
        try:
            applied = apply_scenario(
                small_base.inputs, Scenario(name="t", modifications=tuple(mods), parameters=params)
            )
        except ScenarioError:
            return
        edited = applied.network
        expected = effective_speeds(
            edited.link_class, edited.layer_speed, edited.fixed_speed, params.speeds_kmh
        )
        assert np.array_equal(edited.speed_kmh, expected)
        # Text columns from the base's (untouched edges) are every edge's own.
        edited.edited_from(
            net, applied.edge_map, np.concatenate([applied.touched_edges, applied.new_edges])
        )
        frame = edited.to_frame()
        for column in ("link_class", "name", "change"):
            expected_text = pd.array(np.asarray(getattr(edited, column), dtype=object), dtype="str")
            assert list(frame[column]) == list(expected_text), column
            assert frame[column].dtype == expected_text.dtype, column
        # The changed edges, from the base's and the touched ones, are every
        # edge's (the situation's service-area and directness reuse reads them).
        for kinds in (("added", "upgraded"), ("added",)):
            taken = _changed(edited, applied, kinds, net)
            whole = _changed(edited, applied, kinds)
            assert len(taken) == len(whole) and all(
                a is b for a, b in zip(taken, whole, strict=True)
            )
