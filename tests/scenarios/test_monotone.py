"""Monotonicity of the engine on the embedded region (issue 12, item 3).

Adding a link or a mobipunt never makes any dwelling's cost to any
destination worse; closing a link or removing a mobipunt never makes it
better. Random modifications (hypothesis, bounded budget); the check is a
plain comparison of the per-dwelling costs, so it needs no reference."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.engine import evaluate
from slimmeregio.scenarios.model import AddLink, AddMobipunt, RemoveLink, RemoveMobipunt, Scenario

WHO = {"author": "test", "reason": "test"}
COSTS = (
    "walk_m_mobipunt",
    "bike_min_mobipunt",
    "walk_m_station",
    "bike_min_station",
    "bike_min_brussels",
)
BUDGET = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _costs(ev, ids) -> dict[str, np.ndarray]:
    frame = ev.dwellings.set_index("housing_id").loc[ids]
    out = {}
    for col in COSTS:
        v = frame[col].to_numpy(dtype=float)
        # No route is infinitely far; dwellings inside Brussels are not routed.
        out[col] = np.where(np.isfinite(v), v, np.inf)
    out["in_brussels"] = frame["in_brussels"].to_numpy(dtype=bool)
    return out


def _quick(base, scenario=None):
    return evaluate(base, scenario, service_areas=False, network_detail=False)


def _assert_not_worse(before, after, *, tol: float = 1e-9) -> None:
    for col in COSTS:
        a, b = before[col], after[col]
        if col == "bike_min_brussels":
            keep = ~before["in_brussels"]
            a, b = a[keep], b[keep]
        worse = b > a + tol * np.maximum(1.0, np.where(np.isfinite(a), a, 1.0))
        assert not worse.any(), (col, int(worse.sum()), np.flatnonzero(worse)[:5])


@BUDGET
@given(data=st.data())
def test_adding_links_or_mobipunten_never_worsens_access(region_base, data) -> None:
    net = region_base.network
    ids = region_base.inputs.housing["housing_id"].astype(str).to_numpy()
    mods = []
    for _ in range(data.draw(st.integers(1, 3), label="additions")):
        if data.draw(st.booleans(), label="link"):
            a = int(data.draw(st.integers(0, net.n_nodes - 1), label="from node"))
            x, y = net.node_xy[a]
            dx = data.draw(st.floats(-400, 400), label="dx")
            dy = data.draw(st.floats(-400, 400), label="dy")
            if abs(dx) + abs(dy) < 5:
                dx += 50
            cls = data.draw(
                st.sampled_from(["lokaal", "bovenlokaal", "fietssnelweg"]), label="class"
            )
            mods.append(AddLink(coords=((x, y), (x + dx, y + dy)), link_class=cls, **WHO))
        else:
            h = region_base.inputs.housing.geometry.values
            k = int(data.draw(st.integers(0, len(h) - 1), label="near housing"))
            mods.append(
                AddMobipunt(
                    x=float(h[k].x) + data.draw(st.floats(-150, 150), label="mx"),
                    y=float(h[k].y) + data.draw(st.floats(-150, 150), label="my"),
                    name="test",
                    hoppin_type="buurt",
                    **WHO,
                )
            )
    before = _costs(_quick(region_base), ids)
    after = _costs(_quick(region_base, Scenario(name="add", modifications=tuple(mods))), ids)
    _assert_not_worse(before, after)


@BUDGET
@given(data=st.data())
def test_closing_links_or_removing_mobipunten_never_improves_access(region_base, data) -> None:
    net = region_base.network
    ids = region_base.inputs.housing["housing_id"].astype(str).to_numpy()
    links = np.unique(net.link_id)
    mobi = region_base.inputs.mobipunten["mobipunt_id"].astype(str).to_numpy()
    li = data.draw(st.lists(st.integers(0, len(links) - 1), max_size=3, unique=True), label="links")
    mi = data.draw(
        st.lists(st.integers(0, len(mobi) - 1), min_size=0 if li else 1, max_size=2, unique=True),
        label="mobipunten",
    )
    mods: list = [RemoveLink(link_ids=tuple(int(links[i]) for i in li), **WHO)] if li else []
    mods += [RemoveMobipunt(mobipunt_id=str(mobi[i]), **WHO) for i in mi]
    before = _costs(_quick(region_base), ids)
    after = _costs(_quick(region_base, Scenario(name="remove", modifications=tuple(mods))), ids)
    _assert_not_worse(after, before)
