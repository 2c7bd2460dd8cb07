"""Indicators of one evaluated situation (base or scenario).

Per dwelling: network walking distance and cycling time to the nearest
mobipunt and station. From those: coverage shares per threshold (region and
municipality), dwelling-weighted mean / median / p90, the coverage curve,
catchments, service areas, potential bike flows, inhabitants of the
population grid covered, and the network's quality (km per class, islands,
directness between neighbouring locality centres).

Shares are percentages (0..100) of *all* dwellings, unreachable ones
included (they count as not covered).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.layers.progress import Task
from slimmeregio.layers.roles import LINK_CLASSES, Role, canonical_value
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.brussels import NO_BRUSSELS_NOTE, inside
from slimmeregio.scenarios.kernel import (
    flows_to_nearest,
    iter_reach,
    nearest_destination,
    point_distances,
)
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.notes import warning_notes
from slimmeregio.scenarios.opportunity_eval import evaluate_opportunities, merge_outcome
from slimmeregio.scenarios.results import (
    Evaluation,
    NetworkSummary,
    empty_brussels_entries,
    fmt_threshold,
)

__all__ = [
    "Grid",
    "Reuse",
    "Situation",
    "coverage_curve",
    "delaunay_pairs",
    "evaluate_situation",
    "group_indicators",
    "network_summary",
    "planned_mask",
    "service_area_polygons",
    "weighted_quantile",
]

#: Service-area polygons: raster cell (m) and how far around the reached
#: network the area reaches (m; fills the blocks between reached streets).
AREA_CELL_M = 50.0
AREA_GROW_M = 100.0
#: Service areas whose covered grid cells are remembered (per Grid).
_GRID_MEMO_MAX = 4096


@dataclass(frozen=True, eq=False)
class Grid:
    """A population grid in memory: ``values`` (nodata as 0), ``transform``.

    ``crs`` is the grid's own coordinate system. A grid in another system
    than Lambert 72 (e.g. a European 1 km grid in EPSG:3035) is not resampled:
    its cell centres are transformed to Lambert 72, so every inhabitant is
    counted exactly once.
    """

    values: np.ndarray
    transform: Any
    crs: str | None = None

    @property
    def total(self) -> float:
        return float(self.values.sum())

    @cached_property
    def _cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows, cols = np.nonzero(self.values > 0)
        t = self.transform
        x = t.c + (cols + 0.5) * t.a + (rows + 0.5) * t.b
        y = t.f + (cols + 0.5) * t.d + (rows + 0.5) * t.e
        if self.crs is not None and CRS.from_user_input(self.crs) != CRS.from_epsg(31370):
            to_lambert = Transformer.from_crs(self.crs, "EPSG:31370", always_xy=True)
            x, y = to_lambert.transform(x, y)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float), self.values[rows, cols]

    @cached_property
    def _memo(self) -> dict[int, tuple[Any, np.ndarray]]:
        return {}

    def cells_within(self, geometry: Any) -> np.ndarray:
        """Indices of the populated cells whose centre lies within ``geometry``.

        Remembered per geometry object, so a reused service area costs nothing.
        """
        if geometry is None or geometry.is_empty:
            return np.zeros(0, dtype=np.int64)
        hit = self._memo.get(id(geometry))
        if hit is not None and hit[0] is geometry:
            return hit[1]
        x, y, _ = self._cells
        xmin, ymin, xmax, ymax = geometry.bounds
        box = np.flatnonzero((x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax))
        shapely.prepare(geometry)
        inside = box[shapely.contains_xy(geometry, x[box], y[box])]
        if len(self._memo) >= _GRID_MEMO_MAX:  # bounded: a long session evaluates a lot
            self._memo.clear()
        self._memo[id(geometry)] = (geometry, inside)
        return inside

    def sum_within(self, geometry: Any) -> float:
        """Inhabitants of the cells whose centre lies within ``geometry``."""
        return self.sum_within_any([geometry])

    def sum_within_any(self, geometries: list[Any]) -> float:
        """Inhabitants of the cells whose centre lies within any of ``geometries``."""
        parts = [self.cells_within(g) for g in geometries]
        if not parts:
            return 0.0
        cells = np.unique(np.concatenate(parts))
        return float(self._cells[2][cells].sum())


@dataclass(frozen=True, eq=False)
class Situation:
    """Everything an evaluation reads, already applied and attached."""

    scenario: Scenario | None
    parameters: Parameters
    network: Network
    housing: gpd.GeoDataFrame
    housing_att: Attachment
    mobipunten: gpd.GeoDataFrame
    mobipunt_att: Attachment
    stations: gpd.GeoDataFrame
    station_att: Attachment
    municipalities: gpd.GeoDataFrame | None
    centres: gpd.GeoDataFrame | None
    centre_att: Attachment | None
    grid: Grid | None
    removed_links: gpd.GeoDataFrame
    #: Geometries where cycling costs may differ from the base (added,
    #: upgraded, removed links); None when unknown (everything may differ).
    changed_bike: np.ndarray | None = None
    #: Geometries where walking costs may differ (added and removed links).
    changed_walk: np.ndarray | None = None
    #: The Brussels area (one polygon geometry), None when the project has none.
    brussels: Any | None = None
    #: Entry points on the Brussels border (see :mod:`scenarios.brussels`).
    border_att: Attachment | None = None
    #: Opportunity layers and OD table (:mod:`scenarios.opportunity_eval`), or None.
    opportunities: Any | None = None


@dataclass(frozen=True, eq=False)
class Reuse:
    """Results of the base evaluation a scenario evaluation may take over.

    Only valid when the parameters that shape them (speeds, walking speed,
    service-area time, snapping distance) are the base's.
    """

    service_areas: dict[str, Any]
    directness: pd.DataFrame | None


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` weighted by ``weights`` (NaN-free input).

    The smallest value at which the cumulative weight reaches ``q`` of the
    total; NaN when there is no weight.
    """
    ok = np.isfinite(values) & (weights > 0)
    v, w = values[ok], weights[ok]
    if len(v) == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    idx = int(np.searchsorted(cum, q * cum[-1] - 1e-9 * cum[-1]))
    return float(v[min(idx, len(v) - 1)])


def _stats(
    values: np.ndarray, weights: np.ndarray, counted: np.ndarray | None = None
) -> tuple[float, float, float]:
    """Weighted mean, median and 90th percentile (one sort).

    ``counted`` marks the dwellings the statistic is about (default: all
    with a weight). Those without a value (NaN: no route, or not attached)
    are *infinite* for the median and p90 (so cutting dwellings off can never
    improve them) and left out of the mean (whose line states how many,
    ``no_route_dwellings_...``). A percentile that falls among them is
    ``inf``.
    """
    counted = weights > 0 if counted is None else counted & (weights > 0)
    if not counted.any():
        return float("nan"), float("nan"), float("nan")
    v, w = values[counted], weights[counted]
    v = np.where(np.isfinite(v), v, np.inf)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    total = cum[-1]
    fin = np.isfinite(v)
    mean = float((v[fin] * w[fin]).sum() / w[fin].sum()) if fin.any() else float("nan")
    last = len(v) - 1
    median = float(v[min(int(np.searchsorted(cum, 0.5 * total - 1e-9 * total)), last)])
    p90 = float(v[min(int(np.searchsorted(cum, 0.9 * total - 1e-9 * total)), last)])
    return mean, median, p90


_ARRAY_COLUMNS = (
    "walk_m_mobipunt",
    "bike_min_mobipunt",
    "walk_m_station",
    "bike_min_station",
)


def _arrays(frame: pd.DataFrame, brussels: bool) -> dict[str, np.ndarray]:
    out = {c: frame[c].to_numpy(dtype=float) for c in ("dwellings", "inhabitants", *_ARRAY_COLUMNS)}
    out["reachable"] = frame["reachable"].to_numpy(dtype=bool)
    out["planned"] = planned_mask(frame["status"]) if "status" in frame.columns else np.zeros(len(frame), bool)
    if brussels:
        out["bike_min_brussels"] = frame["bike_min_brussels"].to_numpy(dtype=float)
        inside_bx = (
            frame["in_brussels"].to_numpy(dtype=bool)
            if "in_brussels" in frame.columns
            else np.zeros(len(frame), bool)
        )
        out["routed_brussels"] = ~inside_bx
    return out


def planned_mask(status: pd.Series) -> np.ndarray:
    """Which housing rows are planned (status ``gepland`` or a synonym such as
    ``vergund`` or ``in aanbouw``), not lived in today."""
    values = status.fillna("").astype(str)
    lookup = {v: canonical_value(Role.HOUSING, "status", v) == "gepland" for v in values.unique()}
    return values.map(lookup).to_numpy(dtype=bool)


def group_indicators(
    frame: pd.DataFrame, params: Parameters, *, brussels: bool | None = None
) -> dict[str, float]:
    """Indicator values for a set of dwellings (rows of the dwellings frame).

    ``brussels``: include the Brussels-border keys; by default when the frame
    has a ``bike_min_brussels`` column with any value.
    """
    if brussels is None:
        brussels = "bike_min_brussels" in frame.columns and bool(frame["bike_min_brussels"].notna().any())
    return _indicators(_arrays(frame, brussels), params, None)


def _indicators(
    arrays: dict[str, np.ndarray], params: Parameters, idx: np.ndarray | None
) -> dict[str, float]:
    def col(name: str) -> np.ndarray:
        values = arrays[name]
        return values if idx is None else values[idx]

    dw = col("dwellings")
    inh = col("inhabitants")
    reachable = col("reachable")
    total = dw.sum()
    total_inh = inh.sum()
    nan = float("nan")
    out: dict[str, float] = {
        "dwellings": float(total),
        "inhabitants": float(total_inh),
        "unreachable_dwellings": float(dw[~reachable].sum()),
        "existing_dwellings": float(dw[~col("planned")].sum()),
        "planned_dwellings": float(dw[col("planned")].sum()),
    }
    for target in ("mobipunt", "station"):
        walk = col(f"walk_m_{target}")
        bike = col(f"bike_min_{target}")
        # Attached to the network, but no cycling route to any destination.
        out[f"no_route_dwellings_{target}"] = float(dw[reachable & ~np.isfinite(bike)].sum())
        for m in params.walk_thresholds_m:
            key = f"share_walk_{target}_{fmt_threshold(m)}m"
            out[key] = float(100.0 * dw[walk <= m].sum() / total) if total > 0 else nan
        for t in params.bike_thresholds_min:
            key = f"share_bike_{target}_{fmt_threshold(t)}min"
            out[key] = float(100.0 * dw[bike <= t].sum() / total) if total > 0 else nan
        for name, values in (("bike_min", bike), ("walk_m", walk)):
            mean, median, p90 = _stats(values, dw)
            out[f"mean_{name}_{target}"] = mean
            out[f"median_{name}_{target}"] = median
            out[f"p90_{name}_{target}"] = p90
    if "bike_min_brussels" in arrays:
        bx = col("bike_min_brussels")
        routed = col("routed_brussels")
        out["no_route_dwellings_brussels"] = float(dw[routed & reachable & ~np.isfinite(bx)].sum())
        mean, median, p90 = _stats(bx, dw, routed)
        out["mean_bike_min_brussels"] = mean
        out["median_bike_min_brussels"] = median
        out["p90_bike_min_brussels"] = p90
    return out


def coverage_curve(frame: pd.DataFrame, max_min: int) -> pd.DataFrame:
    """% of dwellings within 0..max_min cycling minutes of a mobipunt / station."""
    minutes = np.arange(0, max_min + 1)
    dw = frame["dwellings"].to_numpy(dtype=float)
    total = dw.sum()
    data: dict[str, Any] = {"minutes": minutes}
    for target in ("mobipunt", "station"):
        bike = frame[f"bike_min_{target}"].to_numpy(dtype=float)
        order = np.argsort(np.where(np.isfinite(bike), bike, np.inf), kind="stable")
        sorted_t = np.where(np.isfinite(bike), bike, np.inf)[order]
        cum = np.r_[0.0, np.cumsum(dw[order])]
        counts = np.searchsorted(sorted_t, minutes, side="right")
        data[f"share_{target}"] = 100.0 * cum[counts] / total if total > 0 else np.nan
    return pd.DataFrame(data)


def delaunay_pairs(xy: np.ndarray, *, gabriel: bool = True) -> np.ndarray:
    """Neighbour pairs ``(i, j)``, ``i < j``: Gabriel edges of a Delaunay triangulation.

    ``gabriel=False`` keeps every Delaunay edge.
    """
    xy = np.asarray(xy, dtype=float)
    if len(xy) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if len(xy) < 3:
        return np.asarray([[0, 1]], dtype=np.int64)
    from scipy.spatial import Delaunay, QhullError

    try:
        tri = Delaunay(xy)
    except QhullError:
        order = np.argsort(xy[:, 0] + xy[:, 1])
        return np.sort(np.stack([order[:-1], order[1:]], axis=1), axis=1)
    s = tri.simplices
    pairs = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0).astype(np.int64)
    if not gabriel:
        return pairs
    # Gabriel graph: drop a pair when another centre lies inside the circle
    # on the pair as diameter (removes long hull edges of the triangulation).
    from scipy.spatial import cKDTree

    mid = (xy[pairs[:, 0]] + xy[pairs[:, 1]]) / 2
    radius = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T) / 2
    tree = cKDTree(xy)
    inside = tree.query_ball_point(mid, radius * (1 - 1e-9))
    keep = np.asarray([len(ix) == 0 for ix in inside])
    return pairs[keep]


def network_summary(
    network: Network,
    *,
    centres: gpd.GeoDataFrame | None = None,
    centre_att: Attachment | None = None,
    previous: pd.DataFrame | None = None,
    changed: np.ndarray | None = None,
) -> NetworkSummary:
    """Km per class, components and islands, directness between centres.

    With ``previous`` (the base's directness table for the same centres)
    and ``changed`` (geometries where walking costs changed), only pairs
    whose shortest path could pass a change are searched again: a path of
    length ``d`` between two centres lies inside the ellipse with the
    centres as foci and ``d`` as major axis.
    """
    frame = pd.DataFrame(
        {
            "link_class": network.link_class.astype(str),
            "link_id": network.link_id,
            "km": network.length / 1000.0,
        }
    )
    per_class = (
        frame.groupby("link_class")
        .agg(links=("link_id", "nunique"), km=("km", "sum"))
        .reset_index()
    )
    rank = {c: i for i, c in enumerate(LINK_CLASSES)}
    per_class["_o"] = per_class["link_class"].map(lambda c: rank.get(c, len(rank)))
    per_class = per_class.sort_values(["_o", "link_class"]).drop(columns="_o").reset_index(drop=True)

    _, labels = network.components()
    comp_of_edge = labels[network.u]
    used_nodes = np.unique(np.concatenate([network.u, network.v]))
    comp_ids, node_counts = np.unique(labels[used_nodes], return_counts=True)
    islands = pd.DataFrame({"_label": comp_ids, "nodes": node_counts})
    edge_stats = (
        pd.DataFrame({"_label": comp_of_edge, "km": network.length / 1000.0})
        .groupby("_label")
        .agg(links=("km", "size"), km=("km", "sum"))
        .reset_index()
    )
    islands = islands.merge(edge_stats, on="_label", how="left")
    islands = islands.sort_values(["km", "nodes"], ascending=False).reset_index(drop=True)
    islands.insert(0, "component", np.arange(len(islands)))
    islands = islands.drop(columns="_label")

    directness = pd.DataFrame(
        {
            "from_name": pd.Series(dtype=str),
            "to_name": pd.Series(dtype=str),
            "straight_m": pd.Series(dtype=float),
            "network_m": pd.Series(dtype=float),
            "ratio": pd.Series(dtype=float),
        }
    )
    if centres is not None and centre_att is not None and len(centres) >= 2:
        pairs = delaunay_pairs(centre_att.xy)
        straight = np.hypot(*(centre_att.xy[pairs[:, 0]] - centre_att.xy[pairs[:, 1]]).T)
        if previous is not None and changed is not None and len(previous) == len(pairs):
            net_m = previous["network_m"].to_numpy(dtype=float).copy()
            redo = _pairs_near(centre_att.xy, pairs, net_m, changed)
            if redo.any():
                net_m[redo] = point_distances(
                    network, centre_att, pairs[redo], mode="walk", limit_factor=4.0
                )
        else:
            net_m = point_distances(network, centre_att, pairs, mode="walk", limit_factor=4.0)
        names = centres["name"].astype(str).to_numpy()
        net_m = np.where(np.isfinite(net_m), net_m, np.nan)
        directness = pd.DataFrame(
            {
                "from_name": names[pairs[:, 0]],
                "to_name": names[pairs[:, 1]],
                "straight_m": straight,
                "network_m": net_m,
                "ratio": np.where(straight > 0, net_m / np.maximum(straight, 1e-9), np.nan),
            }
        )
    return NetworkSummary(
        km_per_class=per_class,
        total_km=float(network.length.sum() / 1000.0),
        components=int(len(islands)),
        islands=islands,
        directness=directness,
    )


def _pairs_near(
    xy: np.ndarray, pairs: np.ndarray, dist: np.ndarray, changed: np.ndarray
) -> np.ndarray:
    """Pairs whose ellipse (foci the pair, major axis ``dist``) meets ``changed``."""
    redo = ~np.isfinite(dist)
    if len(changed) == 0:
        return redo
    pts = shapely.get_coordinates(shapely.segmentize(changed, 25.0))
    a = xy[pairs[:, 0]]
    b = xy[pairs[:, 1]]
    for start in range(0, len(pts), 2048):
        p = pts[start : start + 2048]
        da = np.hypot(p[None, :, 0] - a[:, None, 0], p[None, :, 1] - a[:, None, 1])
        db = np.hypot(p[None, :, 0] - b[:, None, 0], p[None, :, 1] - b[:, None, 1])
        redo |= ((da + db) <= (np.nan_to_num(dist, nan=np.inf) + 25.0)[:, None]).any(axis=1)
    return redo


def _area_polygon(points: np.ndarray, *, cell: float, grow: float) -> Any:
    """A smooth polygon around ``points``: raster cells hit, grown by ``grow``, holes filled."""
    from rasterio.features import shapes
    from rasterio.transform import Affine
    from scipy import ndimage

    pad = grow + 2 * cell
    x0, y0 = points.min(axis=0) - pad
    x1, y1 = points.max(axis=0) + pad
    ncol = int(np.ceil((x1 - x0) / cell))
    nrow = int(np.ceil((y1 - y0) / cell))
    grid = np.zeros((nrow, ncol), dtype=bool)
    col = np.clip(((points[:, 0] - x0) / cell).astype(np.int64), 0, ncol - 1)
    row = np.clip(((y1 - points[:, 1]) / cell).astype(np.int64), 0, nrow - 1)
    grid[row, col] = True
    r = max(int(round(grow / cell)), 1)
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    grid = ndimage.binary_dilation(grid, structure=(xx * xx + yy * yy) <= r * r)
    grid = ndimage.binary_fill_holes(grid)
    transform = Affine(cell, 0.0, x0, 0.0, -cell, y1)
    polys = [
        shapely.geometry.shape(geom)
        for geom, value in shapes(grid.astype(np.uint8), mask=grid, transform=transform)
        if value
    ]
    # The raster's polygons are disjoint: no union needed.
    area = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    # Soften the raster steps; the small buffer keeps every covered cell in
    # and makes the simplified ring valid again.
    rough = shapely.simplify(area, cell / 2, preserve_topology=False)
    return shapely.buffer(rough, cell / 2, quad_segs=2)


def _partial_samples(network: Network, edges: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Points along the geometry of ``edges`` between fractions ``start`` and
    ``stop`` (from ``u``), every :data:`AREA_CELL_M` or closer."""
    if len(edges) == 0:
        return np.zeros((0, 2))
    span = np.abs(stop - start) * network.length[edges]
    n = np.maximum(np.ceil(span / AREA_CELL_M).astype(np.int64), 1) + 1
    row = np.repeat(np.arange(len(edges)), n)
    step = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    t = step / (n[row] - 1)
    frac = start[row] + t * (stop[row] - start[row])
    pts = shapely.line_interpolate_point(network.geometry[edges[row]], frac, normalized=True)
    return shapely.get_coordinates(pts).reshape(-1, 2)


def service_area_polygons(
    network: Network,
    att: Attachment,
    *,
    minutes: float,
    known: list[Any] | None = None,
    task: Task | None = None,
) -> list[Any]:
    """Per attached point: the polygon from which it is reached by bike within ``minutes``.

    The network reached within the time (reached edges sampled every
    :data:`AREA_CELL_M` along their geometry, plus the reachable part of each
    rim edge, likewise) marked
    on a raster, grown by :data:`AREA_GROW_M` so the blocks between reached
    streets are in, holes filled, and turned into a polygon. None for
    unreachable points. ``known[i]``, when not None, is taken as the polygon
    of point ``i`` without a search.
    """
    limit = minutes * 60.0
    todo = np.ones(len(att), bool)
    if known is not None:
        todo = np.asarray([k is None for k in known], dtype=bool)
    att_todo = att.without(~todo)
    fwd, bwd = network.weights("bike")
    polys: list[Any] = list(known) if known is not None else [None] * len(att)
    todo_count = max(int((todo & att.reachable).sum()), 1)
    for done, (i, dist) in enumerate(
        iter_reach(network, att_todo, mode="bike", limit=limit, batch=16)
    ):
        if task is not None:
            task.report(done / todo_count, "service areas")
        reached = np.isfinite(dist)
        du, dv = dist[network.u], dist[network.v]
        ru, rv = reached[network.u], reached[network.v]
        full = np.flatnonzero(ru & rv)
        parts = [
            _partial_samples(network, full, np.zeros(len(full)), np.ones(len(full))),
            network.node_xy[reached],
            att.xy[i : i + 1],
        ]
        # Rim edges (one end reached): the reachable stretch from that end,
        # along the link's geometry.
        rim_u = np.flatnonzero(ru & ~rv)
        rim_v = np.flatnonzero(rv & ~ru)
        with np.errstate(invalid="ignore", divide="ignore"):
            fu = np.nan_to_num(np.clip((limit - du[rim_u]) / bwd[rim_u], 0, 1))
            fv = np.nan_to_num(np.clip((limit - dv[rim_v]) / fwd[rim_v], 0, 1))
        parts.append(_partial_samples(network, rim_u, np.zeros(len(rim_u)), fu))
        parts.append(_partial_samples(network, rim_v, np.ones(len(rim_v)), 1.0 - fv))
        polys[i] = _area_polygon(np.vstack(parts), cell=AREA_CELL_M, grow=AREA_GROW_M)
    return polys


def _costs(
    network: Network, src: Attachment, dst: Attachment, mode: str
) -> tuple[np.ndarray, np.ndarray, Any]:
    res = nearest_destination(network, src, dst, mode=mode)
    return np.where(np.isfinite(res.cost), res.cost, np.nan), res.dest, res


def evaluate_situation(
    sit: Situation,
    *,
    service_areas: bool = True,
    network_detail: bool = True,
    reuse: Reuse | None = None,
    task: Task | None = None,
) -> Evaluation:
    """All indicators of one situation as an :class:`Evaluation`.

    ``reuse``: base results to take over where the situation's changes
    cannot reach them (see :class:`Reuse`).
    """
    task = task or Task()
    params = sit.parameters
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    net = sit.network

    mobi_ok = sit.mobipunten["hoppin_type"].isin(list(params.mobipunt_types)).to_numpy()
    mobi = sit.mobipunten.loc[mobi_ok].reset_index(drop=True)
    mobi_att = sit.mobipunt_att.subset(mobi_ok)
    st_ok = (
        pd.to_numeric(sit.stations["trains_per_day"], errors="coerce").fillna(0).to_numpy()
        >= params.min_trains_per_day
    )
    stations = sit.stations.loc[st_ok].reset_index(drop=True)
    st_att = sit.station_att.subset(st_ok)
    h_att = sit.housing_att
    task.report(0.05, "walking and cycling costs")

    walk_m, _, _ = _costs(net, h_att, mobi_att, "walk")
    bike_s, bike_dest, _ = _costs(net, h_att, mobi_att, "bike")
    task.report(0.3, "stations")
    walk_st, _, _ = _costs(net, h_att, st_att, "walk")
    bike_st_s, st_dest, st_res = _costs(net, h_att, st_att, "bike")
    bx = _brussels_routes(sit, net, h_att)
    timings["access"] = time.perf_counter() - t0

    housing = sit.housing
    dwellings_n = pd.to_numeric(housing["dwellings"], errors="coerce").fillna(0).to_numpy(float)
    mobi_ids = mobi["mobipunt_id"].astype(str).to_numpy(dtype=object)
    st_ids = stations["station_id"].astype(str).to_numpy(dtype=object)
    dw = gpd.GeoDataFrame(
        {
            "housing_id": housing["housing_id"].astype(str).to_numpy(),
            "name": housing["name"].fillna("").astype(str).to_numpy(),
            "status": housing["status"].fillna("").astype(str).to_numpy(),
            "dwellings": dwellings_n.astype(np.int64),
            "inhabitants": dwellings_n * params.household_size,
            "nis": housing["nis"].fillna("").astype(str).to_numpy(),
            "municipality": housing["municipality"].fillna("").astype(str).to_numpy(),
            "walk_m_mobipunt": walk_m,
            "bike_min_mobipunt": bike_s / 60.0,
            "mobipunt_id": _ids_of(bike_dest, mobi_ids),
            "walk_m_station": walk_st,
            "bike_min_station": bike_st_s / 60.0,
            "station_id": _ids_of(st_dest, st_ids),
            "bike_min_brussels": bx.minutes,
            "brussels_entry_id": bx.entry_id,
            "in_brussels": bx.inside if bx.inside is not None else np.zeros(len(housing), bool),
            "snap_m": h_att.snap_m,
            "reachable": h_att.reachable,
            "added": housing["added"].fillna(False).astype(bool).to_numpy(),
        },
        geometry=gpd.GeoSeries(housing.geometry.values, crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    task.report(0.45, "indicators")

    t1 = time.perf_counter()
    region = group_indicators(dw, params, brussels=bx.active)
    municipalities = _municipality_table(dw, sit.municipalities, params, brussels=bx.active)
    curve = coverage_curve(dw, params.curve_max_min)
    timings["indicators"] = time.perf_counter() - t1

    # Catchments.
    catch = dw.groupby("mobipunt_id")["dwellings"].sum() if len(dw) else pd.Series(dtype=float)
    mobi_out = gpd.GeoDataFrame(
        {
            "mobipunt_id": mobi_ids.astype(str),
            "name": mobi["name"].fillna("").astype(str).to_numpy(),
            "hoppin_type": mobi["hoppin_type"].astype(str).to_numpy(),
            "offer": mobi["offer"].fillna("").astype(str).to_numpy(),
            "catchment_dwellings": pd.Series(mobi_ids).map(catch).fillna(0).astype(np.int64).to_numpy(),
            "snap_m": mobi_att.snap_m,
            "reachable": mobi_att.reachable,
            "change": mobi["change"].fillna("").astype(str).to_numpy(),
        },
        geometry=gpd.GeoSeries(mobi.geometry.values, crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    mobi_out.insert(
        5, "catchment_inhabitants", mobi_out["catchment_dwellings"] * params.household_size
    )
    st_catch = dw.groupby("station_id")["dwellings"].sum() if len(dw) else pd.Series(dtype=float)
    st_out = gpd.GeoDataFrame(
        {
            "station_id": st_ids.astype(str),
            "name": stations["name"].fillna("").astype(str).to_numpy(),
            "trains_per_day": pd.to_numeric(stations["trains_per_day"], errors="coerce").to_numpy(),
            "catchment_dwellings": pd.Series(st_ids).map(st_catch).fillna(0).astype(np.int64).to_numpy(),
            "snap_m": st_att.snap_m,
            "reachable": st_att.reachable,
        },
        geometry=gpd.GeoSeries(stations.geometry.values, crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    task.report(0.55, "bike flows")

    t2 = time.perf_counter()
    flow = flows_to_nearest(net, h_att, st_res, dwellings_n)
    links = net.to_frame().drop(columns=["u", "v"])
    links.insert(links.columns.get_loc("change"), "flow_dwellings", flow)
    links.insert(links.columns.get_loc("change"), "flow_brussels_dwellings", bx.flow(dwellings_n))
    timings["flows"] = time.perf_counter() - t2
    t_opp = time.perf_counter()
    opportunities = evaluate_opportunities(sit, dw, sit.opportunities)
    dw, municipalities, links = merge_outcome(opportunities, dw, region, municipalities, links)
    timings["opportunities"] = time.perf_counter() - t_opp
    task.report(0.65, "service areas")

    t3 = time.perf_counter()
    population_covered: float | None = None
    if service_areas:
        known = None
        if reuse is not None and sit.changed_bike is not None:
            known = _known_areas(reuse, mobi, sit.changed_bike)
            owner, flat = mobi_att.expand()
            on_new = np.zeros(len(mobi_att), bool)
            on_new[owner[net.change[flat.edge] == "added"]] = True
            known = [None if new else k for k, new in zip(known, on_new, strict=True)]
        polys = service_area_polygons(
            net, mobi_att, minutes=params.service_area_min, known=known, task=task.sub(0.65, 0.85)
        )
        keep = [i for i, p in enumerate(polys) if p is not None]
        areas = gpd.GeoDataFrame(
            {
                "mobipunt_id": mobi_ids[keep].astype(str) if keep else np.zeros(0, str),
                "name": mobi_out["name"].to_numpy()[keep] if keep else np.zeros(0, str),
                "minutes": np.full(len(keep), float(params.service_area_min)),
            },
            geometry=gpd.GeoSeries([polys[i] for i in keep], crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )
        if sit.grid is not None:
            population_covered = sit.grid.sum_within_any(list(areas.geometry.values))
    else:
        areas = gpd.GeoDataFrame(
            {"mobipunt_id": [], "name": [], "minutes": []},
            geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )
    if sit.grid is not None and population_covered is not None:
        region["grid_inhabitants_covered"] = population_covered
        total = sit.grid.total
        region["share_grid_covered"] = 100.0 * population_covered / total if total > 0 else float("nan")
    timings["service_areas"] = time.perf_counter() - t3
    task.report(0.85, "network")

    t4 = time.perf_counter()
    summary = network_summary(
        net,
        centres=sit.centres if network_detail else None,
        centre_att=sit.centre_att if network_detail else None,
        previous=reuse.directness if reuse is not None else None,
        changed=sit.changed_walk,
    )
    timings["network"] = time.perf_counter() - t4

    unreachable = _unreachable(
        [
            ("housing", h_att),
            ("mobipunten", mobi_att),
            ("stations", st_att),
            ("localities", sit.centre_att),
        ]
    )
    timings["total"] = time.perf_counter() - t0
    task.report(1.0, "done")
    return Evaluation(
        scenario=sit.scenario,
        parameters=params,
        name=sit.scenario.name if sit.scenario is not None else "basis",
        dwellings=dw,
        municipalities=municipalities,
        region=region,
        coverage_curve=curve,
        mobipunten=mobi_out,
        stations=st_out,
        service_areas=areas,
        links=links,
        removed_links=sit.removed_links,
        network=summary,
        population_covered=population_covered,
        unreachable=unreachable,
        timings=timings,
        brussels_entries=bx.entries(dw),
        notes={
            **bx.notes,
            **warning_notes(region, municipalities, unreachable),
            **(opportunities.notes if opportunities is not None else {}),
        },
        opportunities=opportunities,
    )


@dataclass(eq=False)
class _BrusselsRoutes:
    """Routes of the housing to the nearest entry point on the Brussels border."""

    network: Network
    sources: Attachment | None
    border: Attachment | None
    result: Any
    minutes: np.ndarray
    entry_id: np.ndarray
    notes: dict[str, dict[str, str]]
    #: Per dwelling: inside the Brussels area (not routed).
    inside: np.ndarray | None = None

    @property
    def active(self) -> bool:
        """Brussels-border indicators apply (there is a Brussels area)."""
        return "no_brussels" not in self.notes

    def flow(self, weights: np.ndarray) -> np.ndarray:
        if self.result is None or self.sources is None:
            return np.zeros(self.network.n_edges)
        return flows_to_nearest(self.network, self.sources, self.result, weights)

    def entries(self, dw: pd.DataFrame) -> gpd.GeoDataFrame:
        border = self.border
        if border is None or len(border) == 0:
            return empty_brussels_entries()
        ids = border.ids.astype(str)
        per = dw.groupby("brussels_entry_id")["dwellings"].sum() if len(dw) else pd.Series(dtype=float)
        net = self.network
        return gpd.GeoDataFrame(
            {
                "entry_id": ids,
                "link_id": net.link_id[border.edge].astype(np.int64),
                "name": net.name[border.edge].astype(str),
                "link_class": net.link_class[border.edge].astype(str),
                "dwellings": pd.Series(ids).map(per).fillna(0).astype(np.int64).to_numpy(),
            },
            geometry=gpd.GeoSeries(shapely.points(border.xy), crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )


def _brussels_routes(sit: Situation, net: Network, h_att: Attachment) -> _BrusselsRoutes:
    """Cycling routes from every dwelling outside Brussels to the nearest border entry."""
    n = len(h_att)
    nan = np.full(n, np.nan)
    none = np.full(n, None, dtype=object)
    if sit.brussels is None:
        return _BrusselsRoutes(net, None, None, None, nan, none, {"no_brussels": dict(NO_BRUSSELS_NOTE)})
    border = sit.border_att
    if border is None or len(border) == 0:
        note = {
            "nl": "Het fietsnetwerk raakt de Brusselse grens nergens: geen stromen naar Brussel.",
            "en": "The bike network nowhere meets the Brussels border: no flows towards Brussels.",
        }
        return _BrusselsRoutes(net, None, border, None, nan, none, {"brussels_unreached": note})
    in_bx = inside(sit.brussels, h_att.xy)
    sources = h_att.without(in_bx)
    res = nearest_destination(net, sources, border, mode="bike")
    minutes = np.where(np.isfinite(res.cost), res.cost / 60.0, np.nan)
    return _BrusselsRoutes(
        net, sources, border, res, minutes, _ids_of(res.dest, border.ids), {}, inside=in_bx
    )


def _known_areas(reuse: Reuse, mobi: pd.DataFrame, changed: np.ndarray) -> list[Any]:
    """Base service areas of unchanged mobipunten away from every change."""
    tree = shapely.STRtree(changed) if len(changed) else None
    known: list[Any] = []
    for mid, change in zip(mobi["mobipunt_id"].astype(str), mobi["change"].fillna(""), strict=True):
        poly = reuse.service_areas.get(mid) if change == "" else None
        if poly is not None and tree is not None and len(tree.query(poly, predicate="intersects")):
            poly = None
        known.append(poly)
    return known


def _ids_of(index: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``ids[index]`` with None where ``index`` is -1."""
    out = np.full(len(index), None, dtype=object)
    hit = index >= 0
    out[hit] = ids[index[hit]]
    return out


def _municipality_table(
    dw: pd.DataFrame,
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
    *,
    brussels: bool = False,
) -> pd.DataFrame:
    arrays = _arrays(dw, brussels)
    nis_values = dw["nis"].astype(str).to_numpy()
    muni_values = dw["municipality"].astype(str).to_numpy()
    names: dict[str, str] = {}
    order: list[str] = []
    if municipalities is not None:
        for nis, name in zip(
            municipalities["nis"].astype(str), municipalities["name"].astype(str), strict=True
        ):
            names[nis] = name
            order.append(nis)
    uniq, inverse = np.unique(nis_values, return_inverse=True)
    groups = {str(u): np.flatnonzero(inverse == i) for i, u in enumerate(uniq)}
    empty = np.zeros(0, dtype=np.int64)
    rows = []
    for nis in [*order, *sorted(k for k in groups if k not in names)]:
        idx = groups.get(nis, empty)
        name = names.get(nis)
        if name is None:
            name = str(muni_values[idx[0]]) if len(idx) else ""
        rows.append({"nis": nis, "name": name, **_indicators(arrays, params, idx)})
    return pd.DataFrame(rows)


def _unreachable(parts: Iterable[tuple[str, Attachment | None]]) -> pd.DataFrame:
    frames = []
    for layer, att in parts:
        if att is None:
            continue
        bad = ~att.reachable
        if bad.any():
            frames.append(
                pd.DataFrame({"layer": layer, "id": att.ids[bad].astype(str), "snap_m": att.snap_m[bad]})
            )
    if not frames:
        return pd.DataFrame(
            {"layer": pd.Series(dtype=str), "id": pd.Series(dtype=str), "snap_m": pd.Series(dtype=float)}
        )
    return pd.concat(frames, ignore_index=True)
