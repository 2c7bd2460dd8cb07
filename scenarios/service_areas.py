"""Service areas of mobipunten (bike reach within a time) and the population grid they cover."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from slimmeregio.layers.progress import Task
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.kernel import iter_reach
from slimmeregio.scenarios.network import Network

__all__ = [
    "AREA_CELL_M",
    "AREA_GROW_M",
    "Grid",
    "known_areas",
    "points_along",
    "service_area_polygons",
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


def _partial_samples(
    network: Network, edges: np.ndarray, start: np.ndarray, stop: np.ndarray
) -> np.ndarray:
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
    return points_along(network.geometry[edges], row, frac)


def points_along(lines: np.ndarray, line: np.ndarray, frac: np.ndarray) -> np.ndarray:
    """The points at fractions ``frac`` (0 .. 1) of the length of
    ``lines[line]``, as ``(k, 2)`` coordinates.

    What ``shapely.line_interpolate_point(..., normalized=True)`` computes
    (the vertex before the point by length along the line, then the point
    on that segment), for all points at once on the lines' vertex arrays:
    a GEOS call per point was half of the service areas' time on an
    address-level project. Points on an empty line are left out, as GEOS
    gives them as empty points.
    """
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    first = np.searchsorted(owner, np.arange(len(lines)))
    last = np.searchsorted(owner, np.arange(len(lines)), side="right") - 1
    keep = last[line] >= first[line]
    line, frac = line[keep], frac[keep]
    if len(line) == 0:
        return np.zeros((0, 2))
    seg = np.hypot(*np.diff(coords, axis=0).T)
    # Length along all the lines, one after the other (monotone: a search
    # key), and along each line from its own first vertex.
    along_all = np.zeros(len(coords))
    np.cumsum(seg, out=along_all[1:])
    along = along_all - along_all[first[owner]]
    lo, hi = first[line], np.maximum(last[line] - 1, first[line])
    target = np.clip(frac, 0.0, 1.0) * along[last[line]]
    # The vertex before each point: the last one at or below it along the
    # line (a point on a vertex, off by a rounding, ends up on it all the same).
    at = np.searchsorted(along_all, along_all[first[line]] + target, side="right") - 1
    at = np.clip(at, lo, hi)
    nxt = np.minimum(at + 1, last[line])
    length = along[nxt] - along[at]
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.where(length > 0, (target - along[at]) / length, 0.0)
    step = np.clip(step, 0.0, 1.0)[:, None]
    a, b = coords[at], coords[nxt]
    return a + step * (b - a)


def _edges_at(network: Network, nodes: np.ndarray) -> np.ndarray:
    """The edges with an end in ``nodes``, ascending (node-edge incidence cached on the network)."""
    incidence = network.cache.get("incidence")
    if incidence is None:
        from scipy import sparse

        e = np.arange(network.n_edges)
        incidence = sparse.csr_matrix(
            (np.ones(2 * len(e), bool), (np.r_[network.u, network.v], np.r_[e, e])),
            shape=(network.n_nodes, network.n_edges),
        )
        network.cache["incidence"] = incidence
    return np.unique(incidence[nodes].indices).astype(np.int64)


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
        # Only edges at a reached node can be reached or on the rim (ascending, as a full scan gives).
        near = _edges_at(network, np.flatnonzero(reached))
        du, dv = dist[network.u[near]], dist[network.v[near]]
        ru, rv = reached[network.u[near]], reached[network.v[near]]
        full = near[ru & rv]
        parts = [
            _partial_samples(network, full, np.zeros(len(full)), np.ones(len(full))),
            network.node_xy[reached],
            att.xy[i : i + 1],
        ]
        # Rim edges (one end reached): the reachable stretch from that end,
        # along the link's geometry.
        on_u, on_v = ru & ~rv, rv & ~ru
        rim_u, rim_v = near[on_u], near[on_v]
        du, dv = du[on_u], dv[on_v]
        with np.errstate(invalid="ignore", divide="ignore"):
            fu = np.nan_to_num(np.clip((limit - du) / bwd[rim_u], 0, 1))
            fv = np.nan_to_num(np.clip((limit - dv) / fwd[rim_v], 0, 1))
        parts.append(_partial_samples(network, rim_u, np.zeros(len(rim_u)), fu))
        parts.append(_partial_samples(network, rim_v, np.ones(len(rim_v)), 1.0 - fv))
        polys[i] = _area_polygon(np.vstack(parts), cell=AREA_CELL_M, grow=AREA_GROW_M)
    return polys


def known_areas(base_areas: dict[str, Any], mobi: pd.DataFrame, changed: np.ndarray) -> list[Any]:
    """Base service areas of unchanged mobipunten away from every change."""
    tree = shapely.STRtree(changed) if len(changed) else None
    known: list[Any] = []
    for mid, change in zip(mobi["mobipunt_id"].astype(str), mobi["change"].fillna(""), strict=True):
        poly = base_areas.get(mid) if change == "" else None
        if poly is not None and tree is not None and len(tree.query(poly, predicate="intersects")):
            poly = None
        known.append(poly)
    return known
