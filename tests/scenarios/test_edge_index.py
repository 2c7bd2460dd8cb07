"""An edited network's spatial queries from the base's index = its own STRtree.

scenarios/edge_index.py answers an edited network's queries from the base
network's tree (surviving edges mapped, removed and split ones dropped) plus
a tree over the new edges. Random edits of the embedded region (links added,
which splits edges where they join, and links removed) and random points,
some on the removed links, are checked against a fresh STRtree over the
edited network's edges, pair for pair and distance for distance; the
Brussels border points taken over from the base against those computed
from scratch.
"""

from __future__ import annotations

import gc
import pickle
import weakref

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.apply import apply_scenario
from slimmeregio.scenarios.brussels import border_points
from slimmeregio.scenarios.edge_index import EdgeIndex, derive_index, edge_index
from slimmeregio.scenarios.model import AddLink, RemoveLink, Scenario

WHO = {"author": "test", "reason": "test"}


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_derived_index_answers_as_the_edited_networks_own_tree(region_base, data) -> None:
    net = region_base.inputs.network
    links = np.unique(net.link_id)
    mods: list = []
    for _ in range(data.draw(st.integers(1, 3), label="adds")):
        a = int(data.draw(st.integers(0, net.n_nodes - 1), label="node"))
        x, y = (float(c) for c in net.node_xy[a])
        dx = data.draw(st.floats(-400, 400), label="dx")
        mods.append(AddLink(coords=((x, y), (x + dx + 50, y + 120)), link_class="lokaal", **WHO))
    if region_base.brussels is not None:  # one across the Brussels border
        border = border_points(net, region_base.brussels)
        k = data.draw(st.integers(0, len(border) - 1), label="border point")
        bx, by = (float(c) for c in border.xy[k])
        mods.append(
            AddLink(coords=((bx - 300, by - 40), (bx + 300, by + 40)), link_class="lokaal", **WHO)
        )
    removed = data.draw(st.lists(st.sampled_from(links.tolist()), max_size=4, unique=True))
    if removed:
        mods.append(RemoveLink(link_ids=tuple(int(r) for r in removed), **WHO))
    applied = apply_scenario(region_base.inputs, Scenario(name="t", modifications=tuple(mods)))
    edited = applied.network
    assert applied.edge_map is not None
    derived = EdgeIndex(edited, net.tree, applied.edge_map, applied.new_edges)
    own = shapely.STRtree(edited.geometry)

    rng = np.random.default_rng(data.draw(st.integers(0, 10_000), label="seed"))
    lo, hi = net.node_xy.min(axis=0), net.node_xy.max(axis=0)
    xy = lo + rng.random((60, 2)) * (hi - lo)
    # Points on the removed and split base edges: their nearest base edge is gone.
    gone = np.flatnonzero(applied.edge_map < 0)
    if len(gone):
        on = shapely.line_interpolate_point(net.geometry[gone], 0.5, normalized=True)
        xy = np.vstack([xy, shapely.get_coordinates(on)])
    pts = shapely.points(xy)
    radius = rng.uniform(0.0, 400.0, len(pts))

    pi, ei = derived.within(pts, radius)
    qi, fi = own.query(pts, predicate="dwithin", distance=radius)
    assert sorted(zip(pi.tolist(), ei.tolist(), strict=True)) == sorted(
        zip(qi.tolist(), fi.tolist(), strict=True)
    )
    (ni, _), dist = own.query_nearest(pts, return_distance=True, all_matches=False)
    expected = np.full(len(pts), np.inf)
    expected[ni] = dist
    assert np.array_equal(derived.nearest_distance(pts), expected)
    for geom in (shapely.box(*(lo + 0.4 * (hi - lo)), *(lo + 0.6 * (hi - lo))).boundary, pts[0]):
        want = np.sort(own.query(geom, predicate="intersects"))
        assert np.array_equal(derived.intersecting(geom), want)

    if region_base.brussels is not None:
        taken = border_points(
            edited,
            region_base.brussels,
            edited_from=(net, applied.edge_map, applied.new_edges),
        )
        edited.cache.clear()  # again, from scratch
        fresh = border_points(edited, region_base.brussels)
        crossing_new = np.isin(fresh.edge, applied.new_edges).sum()
        assert crossing_new > 0 and len(fresh) > crossing_new
        assert list(taken.ids) == list(fresh.ids)
        assert np.array_equal(taken.edge, fresh.edge)
        assert np.array_equal(taken.xy, fresh.xy) and np.array_equal(taken.frac, fresh.frac)


def test_a_network_without_a_derived_index_uses_its_own_tree(region_base) -> None:
    net = region_base.inputs.network
    index = edge_index(net)
    assert not index.derived
    pts = shapely.points(net.node_xy[:5])
    assert np.array_equal(index.nearest_distance(pts), np.zeros(5))


def test_a_derived_index_pickles_and_leaves_no_cycle(region_base) -> None:
    """An edited network with its derived index pickles (Dask sweeps send
    networks to workers) and is freed when dropped, without waiting for the
    cycle collector (an index kept in the network's cache that held the
    network kept every scenario's network alive)."""
    net = region_base.inputs.network
    x, y = (float(c) for c in net.node_xy[7])
    applied = apply_scenario(
        region_base.inputs,
        Scenario(
            name="t",
            modifications=(
                AddLink(coords=((x, y), (x + 300.0, y + 90.0)), link_class="lokaal", **WHO),
            ),
        ),
    )
    edited = applied.network
    derive_index(edited, net, applied.edge_map, applied.new_edges)
    assert edge_index(edited).derived
    pts = shapely.points(net.node_xy[:50] + 3.0)
    again = pickle.loads(pickle.dumps(edited))
    assert edge_index(again).derived
    assert np.array_equal(
        edge_index(again).nearest_distance(pts), edge_index(edited).nearest_distance(pts)
    )
    ref = weakref.ref(edited)
    gc.disable()
    try:
        del edited, applied
        assert ref() is None
    finally:
        gc.enable()
