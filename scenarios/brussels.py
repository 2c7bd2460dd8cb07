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
from slimmeregio.scenarios.edge_index import edge_index
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


def border_points(
    network: Network,
    area: Any | None,
    *,
    edited_from: tuple[Network, np.ndarray, np.ndarray] | None = None,
) -> Attachment:
    """Entry points where the network's edges meet the boundary of ``area``.

    One virtual destination per crossing, on its edge (``snap_m`` 0); ids are
    ``"<link_id>@<k>"``, the ``k``-th crossing of the link in edge order.
    Cached on the network per area object.

    ``edited_from``: ``(base network, edge_map, new_edges)`` when ``network``
    is an edit of the base (surviving base edges first, in the base's order,
    then the new ones): the base's crossings on surviving edges are kept
    and only the new edges are intersected (the same points).
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
    if edited_from is not None:
        base_net, edge_map, new_edges = edited_from
        was = border_points(base_net, area)
        edge = edge_map[was.edge]
        alive = edge >= 0
        new_edges = np.sort(np.asarray(new_edges, dtype=np.int64))
        kept = edge_map[edge_map >= 0]
        if (len(kept) > 1 and (np.diff(kept) <= 0).any()) or (
            len(new_edges) and len(kept) and new_edges[0] <= kept.max()
        ):
            return border_points(network, area)  # not an edit that keeps the base's order
        hits = new_edges[shapely.intersects(network.geometry[new_edges], boundary)]
        xy, owner = _crossings(network, hits, boundary)
        att = _entries(
            network,
            np.concatenate([was.xy[alive], xy]),
            np.concatenate([edge[alive], owner]).astype(np.int64),
            np.concatenate([was.frac[alive], _fractions(network, xy, owner)]),
        )
        network.cache[key] = (area, att)
        return att
    edges = edge_index(network).intersecting(boundary)
    xy, edge = _crossings(network, edges, boundary)
    att = _entries(network, xy, edge, _fractions(network, xy, edge))
    network.cache[key] = (area, att)
    return att


def _crossings(network: Network, edges: np.ndarray, boundary: Any) -> tuple[np.ndarray, np.ndarray]:
    """Where ``edges`` (ascending) cross ``boundary``: ``(xy, edge)``, one
    point per place on an edge."""
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
        return np.zeros((0, 2)), np.zeros(0, np.int64)
    xy = np.asarray(xs, dtype=float)
    edge = np.asarray(owner, dtype=np.int64)
    # Several crossings at one place on one edge (a vertex on the boundary)
    # are one entry point.
    _, first = np.unique(np.c_[edge, np.round(xy, 3)], axis=0, return_index=True)
    first = np.sort(first)
    return xy[first], edge[first]


def _fractions(network: Network, xy: np.ndarray, edge: np.ndarray) -> np.ndarray:
    if len(edge) == 0:
        return np.zeros(0)
    return np.clip(
        shapely.line_locate_point(network.geometry[edge], shapely.points(xy), normalized=True),
        0.0,
        1.0,
    )


def _entries(network: Network, xy: np.ndarray, edge: np.ndarray, frac: np.ndarray) -> Attachment:
    counter: dict[int, int] = {}
    ids = []
    for e in edge.tolist():
        lid = int(network.link_id[e])
        k = counter.get(lid, 0)
        counter[lid] = k + 1
        ids.append(f"{lid}@{k}")
    return Attachment(
        np.asarray(ids, dtype=object),
        np.asarray(xy, dtype=float).reshape(-1, 2),
        np.asarray(edge, dtype=np.int64),
        np.nan_to_num(frac),
        np.zeros(len(xy)),
    )
