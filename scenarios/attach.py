"""Attaching points (dwellings, mobipunten, stations, centres) to the network.

A point is attached at the nearest point of the nearest edge (not merely the
nearest node): it enters the network through two *virtual edges*, to the
edge's ``u`` at ``frac * length`` and to its ``v`` at ``(1 - frac) * length``,
plus the straight connector from the point to the edge (walked, or cycled at
the edge's speed). Points farther than ``max_snap_m`` from every edge are
unreachable: they are kept and reported, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from slimmeregio.scenarios.network import Network

__all__ = [
    "Attachment",
    "attach_points",
    "carry_over",
    "concat_attachments",
    "connector_cost",
    "entry_costs",
    "part_cost",
]


@dataclass(frozen=True, eq=False)
class Attachment:
    """Points attached to a network.

    Attributes
    ----------
    ids
        Object array of str ids, one per point.
    xy
        ``(k, 2)`` point coordinates.
    edge
        Edge number each point is attached to, ``-1`` when unreachable.
    frac
        Position of the attachment along the edge from ``u`` (0..1).
    snap_m
        Distance from the point to the edge (m); for unreachable points the
        distance to the nearest edge at all (NaN for an empty network).
    """

    ids: np.ndarray
    xy: np.ndarray
    edge: np.ndarray
    frac: np.ndarray
    snap_m: np.ndarray

    def __len__(self) -> int:
        return int(len(self.ids))

    @property
    def reachable(self) -> np.ndarray:
        return self.edge >= 0

    def subset(self, mask: np.ndarray) -> Attachment:
        """The points selected by a boolean mask or index array."""
        return Attachment(
            self.ids[mask], self.xy[mask], self.edge[mask], self.frac[mask], self.snap_m[mask]
        )


def attach_points(
    network: Network,
    xy: np.ndarray,
    ids: np.ndarray | None = None,
    *,
    max_snap_m: float,
) -> Attachment:
    """Attach points ``xy`` (``(k, 2)``, EPSG:31370) to ``network``."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    k = len(xy)
    ids_arr = (
        np.array([str(i) for i in range(k)], dtype=object)
        if ids is None
        else np.asarray([str(i) for i in ids], dtype=object)
    )
    edge = np.full(k, -1, dtype=np.int64)
    frac = np.zeros(k)
    snap = np.full(k, np.nan)
    if k == 0 or network.n_edges == 0:
        return Attachment(ids_arr, xy, edge, frac, snap)
    finite = np.isfinite(xy).all(axis=1)
    pts = shapely.points(xy[finite])
    idx_finite = np.flatnonzero(finite)
    (pi, ei), dist = network.tree.query_nearest(
        pts, max_distance=max(max_snap_m, 1e-6), return_distance=True, all_matches=False
    )
    rows = idx_finite[pi]
    edge[rows] = ei
    snap[rows] = dist
    frac[rows] = shapely.line_locate_point(network.geometry[ei], pts[pi], normalized=True)
    frac = np.clip(np.nan_to_num(frac), 0.0, 1.0)
    missing = np.flatnonzero(finite & (edge < 0))
    if len(missing):
        mpts = shapely.points(xy[missing])
        (mi, _), mdist = network.tree.query_nearest(mpts, return_distance=True, all_matches=False)
        snap[missing[mi]] = mdist
    return Attachment(ids_arr, xy, edge, frac, snap)


def connector_cost(network: Network, att: Attachment, mode: str) -> np.ndarray:
    """Cost of the straight connector from each point to its edge.

    ``walk``: metres. ``bike``: seconds at the edge's cycling speed.
    Unreachable points get ``inf``.
    """
    ok = att.reachable
    cost = np.full(len(att), np.inf)
    if mode == "walk":
        cost[ok] = att.snap_m[ok]
    else:
        cost[ok] = att.snap_m[ok] / (network.speed_kmh[att.edge[ok]] / 3.6)
    return cost


def entry_costs(
    network: Network, att: Attachment, mode: str
) -> tuple[np.ndarray, np.ndarray]:
    """Cost from each attached point along its edge to ``u`` and to ``v``.

    Excludes the connector; ``inf`` where a one-way edge forbids the
    direction (cycling) or the point is unreachable.
    """
    fwd, bwd = network.weights(mode)
    ok = att.reachable
    e = att.edge[ok]
    to_u = np.full(len(att), np.inf)
    to_v = np.full(len(att), np.inf)
    to_u[ok] = part_cost(att.frac[ok], bwd[e])
    to_v[ok] = part_cost(1.0 - att.frac[ok], fwd[e])
    return to_u, to_v


def part_cost(fraction: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """``fraction * cost`` with a zero fraction costing 0 even on a forbidden direction."""
    fraction = np.asarray(fraction, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(fraction > 0, fraction * cost, 0.0)


def concat_attachments(parts: list[Attachment]) -> Attachment:
    """Several attachments to the same network, one after the other."""
    if not parts:
        empty = np.zeros(0)
        return Attachment(
            np.zeros(0, dtype=object), np.zeros((0, 2)), np.zeros(0, np.int64), empty, empty
        )
    return Attachment(
        np.concatenate([p.ids for p in parts]),
        np.vstack([p.xy for p in parts]),
        np.concatenate([p.edge for p in parts]).astype(np.int64),
        np.concatenate([p.frac for p in parts]),
        np.concatenate([p.snap_m for p in parts]),
    )


def carry_over(
    network: Network,
    base: Attachment,
    base_rows: np.ndarray,
    xy: np.ndarray,
    ids: np.ndarray,
    *,
    edge_map: np.ndarray | None,
    new_edges: np.ndarray,
    max_snap_m: float,
    fresh: np.ndarray | None = None,
) -> Attachment:
    """Attachments on an edited network, reusing the base's where still valid.

    ``base_rows[i]`` is the row of point ``i`` in ``base`` (-1 for a new
    point); ``edge_map`` maps base edges to edges of ``network`` (-1 when
    gone; None when the network is the base's). A carried point moves to a
    new edge (``new_edges``) when that one is nearer; points on gone edges,
    new points and ``fresh`` ones are attached from scratch. The result
    equals :func:`attach_points` on ``network`` (up to ties).
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    k = len(xy)
    base_rows = np.asarray(base_rows, dtype=np.int64)
    carry = base_rows >= 0
    if fresh is not None:
        carry &= ~np.asarray(fresh, bool)
    edge = np.full(k, -1, dtype=np.int64)
    frac = np.zeros(k)
    snap = np.full(k, np.nan)
    rows = base_rows[carry]
    old_edge = base.edge[rows]
    if edge_map is None:
        new_edge = old_edge
    else:
        new_edge = np.where(old_edge >= 0, edge_map[np.maximum(old_edge, 0)], -1)
    edge[carry] = new_edge
    frac[carry] = base.frac[rows]
    snap[carry] = base.snap_m[rows]
    # A base edge that vanished: attach again.
    lost = np.zeros(k, bool)
    lost[np.flatnonzero(carry)[(old_edge >= 0) & (new_edge < 0)]] = True
    redo = ~carry | lost
    if redo.any():
        sub = attach_points(network, xy[redo], ids[redo], max_snap_m=max_snap_m)
        edge[redo] = sub.edge
        frac[redo] = sub.frac
        snap[redo] = sub.snap_m
    check = np.flatnonzero(~redo)
    if len(new_edges) and len(check):
        tree = shapely.STRtree(network.geometry[new_edges])
        pts = shapely.points(xy[check])
        (pi, ei), dist = tree.query_nearest(
            pts, max_distance=max(max_snap_m, 1e-6), return_distance=True, all_matches=False
        )
        rows_c = check[pi]
        current = np.where(edge[rows_c] >= 0, snap[rows_c], np.inf)
        better = dist < current
        r = rows_c[better]
        e = new_edges[ei[better]]
        edge[r] = e
        snap[r] = dist[better]
        frac[r] = shapely.line_locate_point(network.geometry[e], pts[pi[better]], normalized=True)
    return Attachment(np.asarray(ids, dtype=object), xy, edge, np.clip(frac, 0, 1), snap)
