"""Potential bike flows towards the Brussels border, against plain networkx."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.attach import attach_points
from slimmeregio.scenarios.brussels import border_points, brussels_area, inside
from slimmeregio.scenarios.engine import compare, evaluate, prepare_base
from slimmeregio.scenarios.model import AddLink, RemoveLink, Scenario
from slimmeregio.scenarios.results import indicator_keys, indicator_label

from ._reference import nearest_costs, nearest_flows
from .conftest import X0, Y0, synthetic_project

WHO = {"author": "test", "reason": "test"}
SPAN = 1400.0  # 7 x 200 m: the west village's grid spans X0..X0+1400
#: A hand-made Brussels: a band over the east side of the west village.
BOX = shapely.box(X0 + 1100, Y0 - 500, X0 + 1800, Y0 + SPAN + 500)
#: Where the west village's eight horizontal streets cross x = X0 + 1100
#: (halfway between the grid's columns at 1000 and 1200); nothing else meets
#: the boundary (the box reaches 500 m beyond the grid to the south and north).
HAND_BORDER = np.asarray([(X0 + 1100, Y0 + 200 * i) for i in range(8)], dtype=float)


def with_brussels(project: Project, name: str = "brussel", geometry=BOX) -> Project:
    frame = gpd.GeoDataFrame(
        {"nis": ["21004", "21001"], "naam": ["Brussel", "Anderlecht"]},
        # Two touching pieces: the area is their union.
        geometry=[
            shapely.clip_by_rect(geometry, X0 + 1100, Y0 - 500, X0 + 1500, Y0 + SPAN + 500),
            shapely.clip_by_rect(geometry, X0 + 1500, Y0 - 500, X0 + 1800, Y0 + SPAN + 500),
        ],
        crs=ANALYSIS_CRS,
    )
    layers = list(project.layers) + [Layer(name, frame, Role.OTHER, {"name": "naam"})]
    return Project(layers=LayerList(layers))


@pytest.fixture(scope="module")
def bx_base():
    return prepare_base(with_brussels(synthetic_project()))


def test_border_points_by_hand(bx_base) -> None:
    assert bx_base.brussels is not None
    assert bx_base.brussels.equals(BOX)
    att = border_points(bx_base.network, bx_base.brussels)
    order = np.lexsort((att.xy[:, 0], att.xy[:, 1]))
    np.testing.assert_allclose(att.xy[order], HAND_BORDER, atol=1e-6)
    np.testing.assert_allclose(att.frac, 0.5, atol=1e-9)
    assert np.all(att.snap_m == 0)
    assert len(set(att.ids)) == 8
    # Each lies on a horizontal edge between x = 1000 and x = 1200.
    geoms = bx_base.network.geometry[att.edge]
    assert np.all(shapely.distance(geoms, shapely.points(att.xy)) < 1e-6)
    assert border_points(bx_base.network, bx_base.brussels) is att  # cached


def test_flows_towards_brussels_equal_networkx(bx_base) -> None:
    ev = evaluate(bx_base)
    net = bx_base.network
    h = bx_base.housing_att
    in_bx = (h.xy[:, 0] > X0 + 1100) & (h.xy[:, 0] < X0 + 1800)
    assert in_bx.any()
    np.testing.assert_array_equal(inside(bx_base.brussels, h.xy), in_bx)
    # Reference: the hand border points as destinations, networkx Dijkstra.
    border = attach_points(net, HAND_BORDER, max_snap_m=1.0)
    src = h.without(in_bx)
    ref = nearest_costs(net, src, border, "bike") / 60.0
    got = ev.dwellings["bike_min_brussels"].to_numpy(dtype=float)
    finite = np.isfinite(ref)
    np.testing.assert_array_equal(np.isfinite(got), finite)
    np.testing.assert_allclose(got[finite], ref[finite], rtol=1e-9, atol=1e-9)
    # Inside Brussels and in the unconnected east village: not routed.
    east = h.xy[:, 0] > X0 + 2000
    assert np.isnan(got[in_bx | east]).all()
    assert not np.isnan(got[~in_bx & ~east]).any()
    assert ev.dwellings.loc[in_bx, "brussels_entry_id"].isna().all()
    weights = ev.dwellings["dwellings"].to_numpy(dtype=float)
    ref_flow = nearest_flows(net, src, border, weights)
    np.testing.assert_allclose(ev.links["flow_brussels_dwellings"].to_numpy(), ref_flow, atol=1e-6)
    # Region statistic by hand.
    w = weights[finite]
    assert ev.region["mean_bike_min_brussels"] == pytest.approx(
        float((ref[finite] * w).sum() / w.sum())
    )
    assert ev.has_brussels and not {"no_brussels", "brussels_unreached"} & set(ev.notes)
    # Entry points: dwellings per entry sum to the routed dwellings.
    entries = ev.brussels_entries
    assert len(entries) == 8
    assert entries["dwellings"].sum() == int(w.sum())
    # Top links: largest flow first, only links with flow.
    top = ev.top_links_brussels(5)
    assert list(top["flow_brussels_dwellings"]) == sorted(ref_flow, reverse=True)[:5]
    # Municipality table carries the keys too.
    assert "p90_bike_min_brussels" in ev.municipalities.columns


def test_no_brussels_layer_gives_zero_flows_and_a_note(small_base) -> None:
    ev = evaluate(small_base)
    assert (ev.links["flow_brussels_dwellings"] == 0).all()
    assert ev.dwellings["bike_min_brussels"].isna().all()
    assert not ev.has_brussels
    assert {k for k in ev.notes if "brussels" in k} == {"no_brussels"}
    assert "brussel" in ev.notes["no_brussels"]["nl"]
    assert not any("brussels" in k for k in ev.region)
    assert ev.brussels_entries.empty
    assert ev.top_links_brussels(5).empty


def test_layer_named_explicitly() -> None:
    project = with_brussels(synthetic_project(), name="Hoofdstad")
    assert brussels_area(project) is None
    area = brussels_area(project, "Hoofdstad")
    assert area is not None and area.equals(BOX)
    base = prepare_base(project, brussels_layer="Hoofdstad")
    assert evaluate(base, service_areas=False, network_detail=False).has_brussels


def test_compare_includes_brussels_flow_deltas(bx_base) -> None:
    base_eval = evaluate(bx_base)
    s = Scenario(
        name="brug",
        modifications=(
            AddLink(coords=((X0 + 1400, Y0 + 700), (X0 + 2400, Y0 + 700)), **WHO),
            RemoveLink(link_ids=(101,), **WHO),
        ),
    )
    scen = evaluate(bx_base, s)
    cmp = compare(base_eval, scen)
    # The bridge reaches the east village: it now crosses the border at x = 1800.
    east = scen.dwellings.geometry.x > X0 + 2000
    assert scen.dwellings.loc[east, "bike_min_brussels"].notna().all()
    assert len(scen.brussels_entries) == 9
    row = cmp.region.set_index("indicator").loc["mean_bike_min_brussels"]
    assert row["delta"] == pytest.approx(row["scenario"] - row["base"])
    lf = cmp.link_flows
    # Per link: the largest flow over its edges, scenario minus base.
    for col in ("flow_dwellings", "flow_brussels_dwellings"):
        b = base_eval.links.groupby("link_id")[col].max()
        a = scen.links.groupby("link_id")[col].max()
        delta = a.sub(b, fill_value=0.0)
        delta = delta[delta.abs() > 1e-9]
        got = lf.set_index("link_id")[f"delta_{col}"]
        for lid, value in delta.items():
            assert got[lid] == pytest.approx(value), (col, lid)
    unchanged = (lf["delta_flow_dwellings"] == 0) & (lf["delta_flow_brussels_dwellings"] == 0)
    assert not unchanged.any()
    added = lf.loc[lf["change"] == "added"]
    assert len(added) == 1 and added["delta_flow_brussels_dwellings"].iloc[0] > 0
    removed = lf.loc[lf["link_id"] == 101]
    assert list(removed["change"]) == ["removed"]
    assert lf.geometry.notna().all() and lf.crs == ANALYSIS_CRS


def test_brussels_keys_and_labels() -> None:
    keys = indicator_keys()
    assert keys[-5:-2] == [
        "mean_bike_min_brussels",
        "median_bike_min_brussels",
        "p90_bike_min_brussels",
    ]
    assert "mean_bike_min_brussels" not in indicator_keys(brussels=False)
    assert indicator_label("p90_bike_min_brussels", "en") == (
        "90th percentile cycling time to the Brussels border (min)"
    )
    assert "Brusselse grens" in indicator_label("mean_bike_min_brussels", "nl")
