"""Attaching points (dwellings, mobipunten, stations, centres) to the network.

A point is attached to **every edge within its attachment radius**, at the
nearest point of each (not merely the nearest node). The radius is
``max(2 d, d + ATTACH_EXTRA_M)`` where ``d`` is the distance to the nearest
edge (capped at ``max_snap_m``), and at most :data:`ATTACH_MAX_EDGES` edges
(the nearest) are kept. Through each of them the point enters the network by
two *virtual edges*, to the edge's ``u`` at ``frac * length`` and to its
``v`` at ``(1 - frac) * length``, plus the straight connector from the point
to the edge (walked, or cycled at that edge's speed); every cost is the
minimum over the candidates. Points farther than ``max_snap_m`` from every
edge are unreachable: they are kept and reported, never dropped silently.

The per-point fields ``edge``, ``frac`` and ``snap_m`` describe the
*nearest* candidate (ties: the fastest edge, then the lowest link id); the
``cand_*`` arrays hold all of them, ordered by point, then distance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import shapely

from slimmeregio.scenarios.edge_index import edge_index
from slimmeregio.scenarios.network import Network

#: The attachment radius is ``max(2 d, d + ATTACH_EXTRA_M)`` (m), ``d`` the
#: distance to the nearest edge.
ATTACH_EXTRA_M = 50.0
#: At most this many edges (the nearest) per point.
ATTACH_MAX_EDGES = 8

__all__ = [
    "ATTACH_EXTRA_M",
    "ATTACH_MAX_EDGES",
    "Attachment",
    "attach_points",
    "attachment_radius",
    "carry_over",
    "concat_attachments",
    "connector_cost",
    "entry_costs",
    "part_cost",
    "spatial_order",
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
        Nearest edge of each point, ``-1`` when unreachable.
    frac
        Position of the attachment along that edge from ``u`` (0..1).
    snap_m
        Distance from the point to that edge (m); for unreachable points the
        distance to the nearest edge at all (NaN for an empty network).
    cand_owner, cand_edge, cand_frac, cand_snap
        Every edge the points are attached to (the nearest included), sorted
        by point then distance; None: the nearest edge only.
    radius
        Per point: the attachment radius (m) the candidates were taken
        within, or None.
    """

    ids: np.ndarray
    xy: np.ndarray
    edge: np.ndarray
    frac: np.ndarray
    snap_m: np.ndarray
    cand_owner: np.ndarray | None = None
    cand_edge: np.ndarray | None = None
    cand_frac: np.ndarray | None = None
    cand_snap: np.ndarray | None = None
    radius: np.ndarray | None = None

    def __len__(self) -> int:
        return int(len(self.ids))

    @property
    def reachable(self) -> np.ndarray:
        return self.edge >= 0

    @property
    def multi(self) -> bool:
        """Whether the points carry candidate edges beyond the nearest."""
        return self.cand_owner is not None

    def expand(self) -> tuple[np.ndarray, Attachment]:
        """``(owner, flat)``: one row per (point, candidate edge) of the
        reachable points; ``owner[r]`` is the point of row ``r`` (ascending)."""
        if self.cand_owner is None or self.cand_edge is None:
            ok = np.flatnonzero(self.reachable)
            return ok, Attachment(
                self.ids[ok], self.xy[ok], self.edge[ok], self.frac[ok], self.snap_m[ok]
            )
        assert self.cand_frac is not None and self.cand_snap is not None
        o = self.cand_owner
        return o, Attachment(
            self.ids[o], self.xy[o], self.cand_edge, self.cand_frac, self.cand_snap
        )

    def expand_rows(self) -> tuple[np.ndarray, Attachment]:
        """:meth:`expand` for callers that read only the rows' ``edge``,
        ``frac`` and ``snap_m`` (and ``reachable``). The rows' ``ids`` and
        ``xy`` are read-only zero-stride views of None and (0, 0), not
        copies of their points' (copying takes 30 ms per call on 1.5
        million rows): reach the points through ``owner``."""
        owner, edge = self.cand_owner, self.cand_edge
        frac, snap = self.cand_frac, self.cand_snap
        if owner is None or edge is None or frac is None or snap is None:
            return self.expand()
        k = len(owner)
        return owner, Attachment(
            np.broadcast_to(np.array(None, dtype=object), (k,)),
            np.broadcast_to(np.zeros(2), (k, 2)),
            edge,
            frac,
            snap,
        )

    def subset(self, mask: np.ndarray) -> Attachment:
        """The points selected by a boolean mask or index array."""
        idx = np.arange(len(self))[mask]
        if self.cand_owner is None:
            return Attachment(
                self.ids[idx],
                self.xy[idx],
                self.edge[idx],
                self.frac[idx],
                self.snap_m[idx],
                radius=None if self.radius is None else self.radius[idx],
            )
        assert (
            self.cand_edge is not None and self.cand_frac is not None and self.cand_snap is not None
        )
        if len(idx) * 8 < len(self) and self._owner_sorted() and _increasing(idx):
            # A few points of many (a repair's dirty sources): their
            # candidate rows are ranges of the sorted owners; the same rows
            # in the same order as the mask below gives.
            lo = np.searchsorted(self.cand_owner, idx, side="left")
            counts = np.searchsorted(self.cand_owner, idx, side="right") - lo
            start = np.cumsum(counts) - counts
            cand = np.repeat(lo - start, counts) + np.arange(int(counts.sum()))
            owner = np.repeat(np.arange(len(idx), dtype=np.int64), counts)
        else:
            new_pos = np.full(len(self), -1, dtype=np.int64)
            new_pos[idx] = np.arange(len(idx))
            keep = new_pos[self.cand_owner] >= 0
            owner = new_pos[self.cand_owner[keep]]
            cand = np.flatnonzero(keep)
            if len(owner) > 1 and (owner[1:] < owner[:-1]).any():  # else already by point
                order = np.argsort(owner, kind="stable")
                owner, cand = owner[order], cand[order]
        return Attachment(
            self.ids[idx],
            self.xy[idx],
            self.edge[idx],
            self.frac[idx],
            self.snap_m[idx],
            owner,
            self.cand_edge[cand],
            self.cand_frac[cand],
            self.cand_snap[cand],
            None if self.radius is None else self.radius[idx],
        )

    def _owner_sorted(self) -> bool:
        """Whether the candidate rows are by point (checked once)."""
        hit = self.__dict__.get("_by_point")
        if hit is None:
            owner = self.cand_owner
            hit = owner is not None and bool((owner[1:] >= owner[:-1]).all())
            self.__dict__["_by_point"] = hit
        return bool(hit)

    def without(self, mask: np.ndarray) -> Attachment:
        """The same points with those in ``mask`` detached (unreachable);
        ``self`` when none is (what is derived from it stays valid)."""
        mask = np.asarray(mask, bool)
        if not mask.any():
            return self
        edge = np.where(mask, -1, self.edge)
        if self.cand_owner is None:
            return replace(self, edge=edge)
        assert (
            self.cand_edge is not None and self.cand_frac is not None and self.cand_snap is not None
        )
        keep = ~mask[self.cand_owner]
        out = replace(
            self,
            edge=edge,
            cand_owner=self.cand_owner[keep],
            cand_edge=self.cand_edge[keep],
            cand_frac=self.cand_frac[keep],
            cand_snap=self.cand_snap[keep],
        )
        # What is derived from self can be carried over (incremental.static_rows).
        out.__dict__["_detached_from"] = (self, mask)
        return out


def _from_candidates(
    network: Network,
    ids: np.ndarray,
    xy: np.ndarray,
    owner: np.ndarray,
    edge: np.ndarray,
    frac: np.ndarray,
    snap: np.ndarray,
    radius: np.ndarray,
    far_snap: np.ndarray,
    keep_order: np.ndarray | None = None,
) -> Attachment:
    """An Attachment from unsorted candidate rows (duplicates dropped).

    Rows are sorted by point, distance, then speed (fastest first), then
    link id, then edge; the first row of each point is its nearest edge.
    ``far_snap``: distance to the nearest edge for points without a candidate.
    ``keep_order``: rows of these points (bool per point) are already in
    their final order and free of duplicates (rows carried from the base);
    only the others are sorted.
    """
    if keep_order is not None and len(owner):
        done = keep_order[owner]
        rest = np.flatnonzero(~done)
        sub = np.lexsort(
            (
                edge[rest],
                network.link_id[edge[rest]],
                -network.speed_kmh[edge[rest]],
                np.round(snap[rest], 9),
                owner[rest],
            )
        )
        rest = rest[sub]
        if len(rest):
            key = owner[rest].astype(np.int64) * max(network.n_edges, 1) + edge[rest]
            first_of_key = np.r_[True, key[1:] != key[:-1]]
            rest = rest[first_of_key]
        kept = np.flatnonzero(done)
        kept_owner = owner[kept]
        if len(kept) > 1 and (kept_owner[1:] < kept_owner[:-1]).any():
            rows = np.concatenate([kept, rest])
            rows = rows[np.argsort(owner[rows], kind="stable")]
        else:  # carried rows in point order: merge the others in (a point is one or the other)
            rows = np.insert(kept, np.searchsorted(kept_owner, owner[rest], side="right"), rest)
        owner, edge, frac, snap = owner[rows], edge[rows], frac[rows], snap[rows]
        return _primary(ids, xy, owner, edge, frac, snap, radius, far_snap)
    order = np.lexsort(
        (
            edge,
            network.link_id[edge] if len(edge) else edge,
            -network.speed_kmh[edge] if len(edge) else edge,
            np.round(snap, 9),
            owner,
        )
    )
    owner, edge, frac, snap = owner[order], edge[order], frac[order], snap[order]
    if len(owner):
        key = owner.astype(np.int64) * max(network.n_edges, 1) + edge
        _, first_of_key = np.unique(key, return_index=True)
        keep = np.zeros(len(owner), bool)
        keep[first_of_key] = True
        owner, edge, frac, snap = owner[keep], edge[keep], frac[keep], snap[keep]
    return _primary(ids, xy, owner, edge, frac, snap, radius, far_snap)


def _primary(
    ids: np.ndarray,
    xy: np.ndarray,
    owner: np.ndarray,
    edge: np.ndarray,
    frac: np.ndarray,
    snap: np.ndarray,
    radius: np.ndarray,
    far_snap: np.ndarray,
) -> Attachment:
    """The Attachment of sorted candidate rows: the first row of a point is its nearest edge."""
    k = len(ids)
    p_edge = np.full(k, -1, dtype=np.int64)
    p_frac = np.zeros(k)
    p_snap = np.asarray(far_snap, dtype=float).copy()
    if len(owner):
        first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        points = owner[first]
        p_edge[points] = edge[first]
        p_frac[points] = frac[first]
        p_snap[points] = snap[first]
    # The candidate arrays are _from_candidates' own (fancy-indexed copies):
    # converted and clipped in place, not copied again (1.5 million rows).
    cand_frac = np.nan_to_num(frac, copy=False)
    np.clip(cand_frac, 0.0, 1.0, out=cand_frac)
    return Attachment(
        np.asarray(ids, dtype=object),
        xy,
        p_edge,
        p_frac,
        p_snap,
        owner.astype(np.int64, copy=False),
        edge.astype(np.int64, copy=False),
        cand_frac,
        snap.astype(float, copy=False),
        radius,
    )


def spatial_order(xy: np.ndarray, cell: float = 50.0) -> np.ndarray:
    """A permutation of the points ``xy`` along a Z-order (Morton) curve.

    Spatial queries run several times faster over points in this order (the
    tree's nodes stay in cache from one point to the next); the results are
    the same in any order.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        return np.arange(len(xy))
    ok = np.isfinite(xy).all(axis=1)
    if not ok.any():
        return np.arange(len(xy))
    rel = np.where(ok[:, None], xy - xy[ok].min(axis=0), 0.0)  # points without coordinates first
    cells = np.clip(np.floor(rel / cell), 0, 0xFFFF).astype(np.int64)

    def spread(v: np.ndarray) -> np.ndarray:
        v = (v | (v << 8)) & 0x00FF00FF
        v = (v | (v << 4)) & 0x0F0F0F0F
        v = (v | (v << 2)) & 0x33333333
        return (v | (v << 1)) & 0x55555555

    return np.argsort(spread(cells[:, 0]) | (spread(cells[:, 1]) << 1), kind="stable")


def attachment_radius(nearest_m: np.ndarray, max_snap_m: float) -> np.ndarray:
    """``max(2 d, d + ATTACH_EXTRA_M)``, at most ``max_snap_m`` (NaN stays NaN)."""
    d = np.asarray(nearest_m, dtype=float)
    return np.minimum(np.maximum(2 * d, d + ATTACH_EXTRA_M), max(max_snap_m, 1e-6))


def _candidates_within(
    network: Network,
    query: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    xy: np.ndarray,
    rows: np.ndarray,
    radius: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate rows ``(owner, edge, frac, snap)``: edges within ``radius[i]``
    of point ``rows[i]``, at most :data:`ATTACH_MAX_EDGES` each. ``query(points,
    radius)``: ``(point, edge)`` pairs that may be within reach (a superset)."""
    if len(rows) == 0:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0), np.zeros(0)
    order = spatial_order(xy[rows])
    rows, radius = rows[order], radius[order]
    pts = shapely.points(xy[rows])
    pi, e = query(pts, radius)
    dist = shapely.distance(pts[pi], network.geometry[e])
    ok = dist <= radius[pi] + 1e-9
    pi, e, dist = pi[ok], e[ok], dist[ok]
    # The nearest ATTACH_MAX_EDGES per point.
    order = np.lexsort((e, dist, pi))
    pi, e, dist = pi[order], e[order], dist[order]
    if len(pi):
        start = np.r_[0, np.flatnonzero(pi[1:] != pi[:-1]) + 1]
        rank = np.arange(len(pi)) - np.repeat(start, np.diff(np.r_[start, len(pi)]))
        keep = rank < ATTACH_MAX_EDGES
        pi, e, dist = pi[keep], e[keep], dist[keep]
    frac = shapely.line_locate_point(network.geometry[e], pts[pi], normalized=True)
    return rows[pi], e, np.clip(np.nan_to_num(frac), 0.0, 1.0), dist


def attach_points(
    network: Network,
    xy: np.ndarray,
    ids: np.ndarray | None = None,
    *,
    max_snap_m: float,
    radius: np.ndarray | None = None,
) -> Attachment:
    """Attach points ``xy`` (``(k, 2)``, EPSG:31370) to ``network``.

    ``radius`` (per point, m) overrides the attachment radius, e.g. the
    base's radius when a scenario re-attaches a point.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    k = len(xy)
    ids_arr = (
        np.array([str(i) for i in range(k)], dtype=object)
        if ids is None
        else np.asarray([str(i) for i in ids], dtype=object)
    )
    far = np.full(k, np.nan)
    if k == 0 or network.n_edges == 0:
        z = np.zeros(0, np.int64)
        return _from_candidates(
            network, ids_arr, xy, z, z, np.zeros(0), np.zeros(0), np.full(k, np.nan), far
        )
    finite = np.flatnonzero(np.isfinite(xy).all(axis=1))
    finite = finite[spatial_order(xy[finite])]
    pts = shapely.points(xy[finite])
    index = edge_index(network)
    far[finite] = index.nearest_distance(pts)
    rad = attachment_radius(far, max_snap_m)
    if radius is not None:
        rad = np.where(np.isfinite(radius), np.maximum(np.asarray(radius, float), rad), rad)
        rad = np.minimum(rad, max(max_snap_m, 1e-6))
    within = finite[far[finite] <= max_snap_m]
    owner, edge, frac, snap = _candidates_within(network, index.within, xy, within, rad[within])
    return _from_candidates(network, ids_arr, xy, owner, edge, frac, snap, rad, far)


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


def entry_costs(network: Network, att: Attachment, mode: str) -> tuple[np.ndarray, np.ndarray]:
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
    if not any(p.multi for p in parts):
        return Attachment(
            np.concatenate([p.ids for p in parts]),
            np.vstack([p.xy for p in parts]),
            np.concatenate([p.edge for p in parts]).astype(np.int64),
            np.concatenate([p.frac for p in parts]),
            np.concatenate([p.snap_m for p in parts]),
        )
    offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
    flat = [(o + off, f) for p, off in zip(parts, offsets, strict=True) for o, f in [p.expand()]]
    return Attachment(
        np.concatenate([p.ids for p in parts]),
        np.vstack([p.xy for p in parts]),
        np.concatenate([p.edge for p in parts]).astype(np.int64),
        np.concatenate([p.frac for p in parts]),
        np.concatenate([p.snap_m for p in parts]),
        np.concatenate([o for o, _ in flat]).astype(np.int64),
        np.concatenate([f.edge for _, f in flat]).astype(np.int64),
        np.concatenate([f.frac for _, f in flat]),
        np.concatenate([f.snap_m for _, f in flat]),
        np.concatenate(
            [p.radius if p.radius is not None else np.full(len(p), np.nan) for p in parts]
        ),
    )


def _unchanged(
    base: Attachment,
    base_rows: np.ndarray,
    xy: np.ndarray,
    ids: np.ndarray,
    edge_map: np.ndarray | None,
    new_edges: np.ndarray,
    fresh: np.ndarray | None,
) -> bool:
    """Whether :func:`carry_over` would give ``base`` back: the same points
    in the same order on the same network, every one carried."""
    if edge_map is not None or len(new_edges) or base.radius is None or base.cand_owner is None:
        return False
    if fresh is not None and np.asarray(fresh, bool).any():
        return False
    k = len(base)
    if len(base_rows) != k or not np.array_equal(base_rows, np.arange(k)):
        return False
    if not np.array_equal(xy, base.xy) or not np.array_equal(ids, base.ids):
        return False
    # An attached point without a candidate would be attached again.
    has = np.zeros(k, bool)
    has[base.cand_owner] = True
    return bool(np.all(has | ~base.reachable))


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
    """Attachments on an edited network, built on the base's.

    ``base_rows[i]`` is the row of point ``i`` in ``base`` (-1 for a new
    point); ``edge_map`` maps base edges to edges of ``network`` (-1 when
    removed or split; None when the network is the base's). A carried point
    keeps its base candidates whose edges survive and its base radius, and
    gains every new edge (``new_edges``, which include the pieces of split
    edges) within that radius: adding links can only add candidates, closing
    links only takes them away. A carried point left without any candidate,
    new points and ``fresh`` ones are attached from scratch.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    ids = np.asarray(ids, dtype=object)
    k = len(xy)
    base_rows = np.asarray(base_rows, dtype=np.int64)
    if _unchanged(base, base_rows, xy, ids, edge_map, new_edges, fresh):
        return base  # what the steps below would rebuild, array for array
    carry = base_rows >= 0
    if fresh is not None:
        carry &= ~np.asarray(fresh, bool)
    pos_in_base = np.full(len(base), -1, dtype=np.int64)
    pos_in_base[base_rows[carry]] = np.flatnonzero(carry)
    b_owner, b_flat = base.expand_rows()
    owner = pos_in_base[b_owner]
    # The rows of carried points whose edges survive, selected in one pass.
    keep = owner >= 0
    edge = b_flat.edge
    if edge_map is not None:
        keep &= edge >= 0
        edge = edge_map[np.maximum(edge, 0)]
        keep &= edge >= 0
    rows = np.flatnonzero(keep)
    owner, edge, frac, snap = owner[rows], edge[rows], b_flat.frac[rows], b_flat.snap_m[rows]
    radius = np.full(k, np.nan)
    base_radius = (
        base.radius if base.radius is not None else attachment_radius(base.snap_m, max_snap_m)
    )
    radius[carry] = base_radius[base_rows[carry]]
    far = np.full(k, np.nan)
    far[carry] = base.snap_m[base_rows[carry]]
    parts_o, parts_e, parts_f, parts_s = [owner], [edge], [frac], [snap]
    carried = np.flatnonzero(carry & np.isfinite(radius))
    if len(new_edges) and len(carried):
        new_edges = np.asarray(new_edges, dtype=np.int64)
        # Only points near the new edges' extent can gain one (cheap prefilter).
        x0, y0, x1, y1 = shapely.total_bounds(network.geometry[new_edges])
        r = radius[carried]
        px, py = xy[carried, 0], xy[carried, 1]
        carried = carried[(px >= x0 - r) & (px <= x1 + r) & (py >= y0 - r) & (py <= y1 + r)]
    if len(new_edges) and len(carried):
        tree = shapely.STRtree(network.geometry[new_edges])

        def near_new(pts: np.ndarray, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            pi, ei = tree.query(pts, predicate="dwithin", distance=radius)
            return pi, new_edges[ei]

        o2, e2, f2, s2 = _candidates_within(network, near_new, xy, carried, radius[carried])
        parts_o.append(o2)
        parts_e.append(e2)
        parts_f.append(f2)
        parts_s.append(s2)
    owner = np.concatenate(parts_o)
    has = np.zeros(k, bool)
    has[owner] = True
    # Carried points that were attached in the base but lost every candidate,
    # and points without a base attachment: attach from scratch.
    was_attached = np.zeros(k, bool)
    was_attached[carry] = base.edge[base_rows[carry]] >= 0
    redo = ~carry | (was_attached & ~has)
    if redo.any():
        sub = attach_points(network, xy[redo], ids[redo], max_snap_m=max_snap_m)
        rows = np.flatnonzero(redo)
        so, sf = sub.expand()
        parts_o.append(rows[so])
        parts_e.append(sf.edge)
        parts_f.append(sf.frac)
        parts_s.append(sf.snap_m)
        radius[rows] = sub.radius if sub.radius is not None else np.nan
        far[rows] = sub.snap_m
    # Points that only carry base rows keep their order; the rest is sorted.
    touched = np.zeros(k, bool)
    for o in parts_o[1:]:
        touched[o] = True
    return _from_candidates(
        network,
        ids,
        xy,
        np.concatenate(parts_o).astype(np.int64),
        np.concatenate(parts_e).astype(np.int64),
        np.concatenate(parts_f),
        np.concatenate(parts_s),
        radius,
        far,
        keep_order=carry & ~touched,
    )


def _increasing(idx: np.ndarray) -> bool:
    return len(idx) < 2 or bool((idx[1:] > idx[:-1]).all())
