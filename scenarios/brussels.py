"""Potential bike flows towards Brussels: the border entry points.

Brussels is the main commuting destination of Halle-Vilvoorde, but it lies
outside the analysed region. The engine therefore routes every dwelling to
the nearest place where the bike network crosses the boundary of Brussels
(cycling time, one-way streets honoured) and sums the dwellings per link,
next to the flows towards the nearest station.

Border entry points
-------------------
The Brussels area is the union of the polygons of the project's Brussels
layer (a polygon layer named ``brussel``, ``brussels``, ``bruxelles`` or
``brussel-hoofdstad``, case-insensitive, or the layer named explicitly).
Every point where a network edge meets the area's boundary is an entry
point: a virtual destination on that edge at the exact crossing (not the
nearest node), so the route ends where the cyclist enters Brussels. An edge
that runs along the boundary gives one entry point at the start of the shared
stretch. Housing inside the area is already in Brussels and is not routed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from slimmeregio.layers.i18n import tr_each
from slimmeregio.layers.model import ANALYSIS_CRS, Project
from slimmeregio.layers.roles import BRUSSELS_LAYER_NAMES
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.network import Network

__all__ = [
    "BRUSSELS_LAYER_NAMES",
    "NO_BRUSSELS_NOTE",
    "brussels_area",
    "border_points",
    "inside",
]

#: Layer names (lower case) recognised as the Brussels area.

#: The note an evaluation carries when the project has no Brussels area.
NO_BRUSSELS_NOTE = tr_each(
    "Geen laag 'brussel' met polygonen in het project: de potentiële fietsstromen "
    "naar de Brusselse grens (flow_brussels_dwellings) staan op nul."
)


def brussels_area(project: Project, layer: str | None = None) -> Any | None:
    """The Brussels area of ``project`` as one (multi)polygon, or None.

    ``layer`` names the layer explicitly; otherwise the first vector layer
    whose name is one of :data:`BRUSSELS_LAYER_NAMES`. Only polygons count;
    the result is in EPSG:31370.
    """
    chosen = None
    for lyr in project.layers:
        if lyr.is_raster:
            continue
        if (
            (lyr.name == layer)
            if layer is not None
            else (lyr.name.strip().lower() in BRUSSELS_LAYER_NAMES)
        ):
            chosen = lyr
            break
    if chosen is None or len(chosen.frame) == 0:
        return None
    frame = chosen.frame
    if frame.crs is not None and str(frame.crs) != ANALYSIS_CRS:
        frame = frame.to_crs(ANALYSIS_CRS)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    geoms = geoms[~shapely.is_missing(geoms)]
    polys = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))] if len(geoms) else geoms
    if len(polys) == 0:
        return None
    area = shapely.union_all(shapely.make_valid(polys))
    area = shapely.union_all([p for p in shapely.get_parts(area) if shapely.get_type_id(p) == 3])
    return None if area.is_empty else area


def inside(area: Any | None, xy: np.ndarray) -> np.ndarray:
    """Which points ``xy`` lie inside ``area`` (all False without an area)."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if area is None or len(xy) == 0:
        return np.zeros(len(xy), dtype=bool)
    shapely.prepare(area)
    return np.asarray(shapely.contains_xy(area, xy[:, 0], xy[:, 1]), dtype=bool)


def border_points(network: Network, area: Any | None) -> Attachment:
    """Entry points where the network's edges meet the boundary of ``area``.

    One virtual destination per crossing, on its edge (``snap_m`` 0); ids are
    ``"<link_id>@<k>"``. Cached on the network per area object.
    """
    empty = Attachment(
        np.zeros(0, dtype=object), np.zeros((0, 2)), np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    )
    if area is None or network.n_edges == 0:
        return empty
    key = ("brussels_border", id(area))
    hit = network.cache.get(key)
    if hit is not None and hit[0] is area:
        return hit[1]
    boundary = area.boundary
    edges = network.tree.query(boundary, predicate="intersects")
    edges = np.sort(np.asarray(edges, dtype=np.int64))
    xs: list[tuple[float, float]] = []
    owner: list[int] = []
    for e in edges.tolist():
        geom = network.geometry[e]
        meet = shapely.intersection(geom, boundary)
        for part in shapely.get_parts(meet):
            kind = shapely.get_type_id(part)
            if kind == 0:
                pt = part
            elif kind in (1, 2):  # a stretch along the boundary: where it starts
                first = shapely.line_locate_point(geom, shapely.get_point(part, 0))
                last = shapely.line_locate_point(geom, shapely.get_point(part, -1))
                pt = shapely.line_interpolate_point(geom, min(first, last))
            else:
                continue
            xs.append((float(shapely.get_x(pt)), float(shapely.get_y(pt))))
            owner.append(e)
    if not xs:
        network.cache[key] = (area, empty)
        return empty
    xy = np.asarray(xs, dtype=float)
    edge = np.asarray(owner, dtype=np.int64)
    # Several crossings at one place on one edge (a vertex on the boundary)
    # are one entry point.
    _, first = np.unique(np.c_[edge, np.round(xy, 3)], axis=0, return_index=True)
    first = np.sort(first)
    xy, edge = xy[first], edge[first]
    frac = np.clip(
        shapely.line_locate_point(network.geometry[edge], shapely.points(xy), normalized=True),
        0.0,
        1.0,
    )
    counter: dict[int, int] = {}
    ids = []
    for e in edge.tolist():
        lid = int(network.link_id[e])
        k = counter.get(lid, 0)
        counter[lid] = k + 1
        ids.append(f"{lid}@{k}")
    att = Attachment(
        np.asarray(ids, dtype=object), xy, edge, np.nan_to_num(frac), np.zeros(len(xy))
    )
    network.cache[key] = (area, att)
    return att
