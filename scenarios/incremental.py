"""Nearest-destination costs of a scenario, repaired from the base's.

An edit changes costs only near it. The scenario's search (one multi-source
Dijkstra from every destination) is repaired from the base's
(:mod:`nearest_repair`; run in full where that declines); what is repaired
here is the per-dwelling part, which on an address-level housing layer
(hundreds of thousands of points with several candidate edges each) is most
of the work. A dwelling takes the base's result over when nothing its result
is computed from changed:

* it is a base dwelling whose candidate edges are the base's (mapped to the
  scenario's edge numbers), with the same positions, snapping distances,
  end nodes, lengths, speeds and one-way flags (so the same costs both ways);
* at the end nodes of every candidate edge the cost to the nearest
  destination, and which destination that is, are the base's;
* no destination lies on any of its candidate edges (in the base or the
  scenario), so no direct route along a shared edge can appear or change.

Every other dwelling is computed as :func:`~slimmeregio.scenarios.kernel.nearest_destination`
does. The result is therefore equal, number for number, to a full
computation (the equivalence is tested on random scenarios); set
``SLIMMEREGIO_FULL_EVALUATION=1`` to compute everything in full.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.compiled import jit
from slimmeregio.scenarios.kernel import (
    NearestResult,
    NearestSearch,
    finish_nearest,
    nearest_destination,
    search_nearest,
)
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.search_repair import is_scipy_tree

__all__ = [
    "KeptNearest",
    "carried_rows",
    "full_evaluation_forced",
    "keep_nearest",
    "nearest_with_reuse",
    "node_ids",
    "same_edges",
    "static_rows",
]


def full_evaluation_forced() -> bool:
    """Whether ``SLIMMEREGIO_FULL_EVALUATION`` asks for full recomputation."""
    return os.environ.get("SLIMMEREGIO_FULL_EVALUATION", "").strip() not in ("", "0")


@dataclass(frozen=True, eq=False)
class KeptNearest:
    """A base nearest-destination computation kept for repairs."""

    network: Network
    sources: Attachment
    dest_ids: np.ndarray
    #: Per network node: cost to the nearest destination, and the next node
    #: towards it (``n + i``: destination ``i``'s virtual node; -9999 none).
    node_dist: np.ndarray
    node_pred: np.ndarray
    #: Per node, the virtual ones too: the row of its nearest destination
    #: (-1: unreached); virtual node ``n + i`` holds destination ``i``'s own row.
    node_dest: np.ndarray
    #: Network edges holding a destination candidate.
    dest_edges: np.ndarray
    cost: np.ndarray
    entry: np.ndarray
    src_edge: np.ndarray
    src_ridden: np.ndarray
    mode: str
    #: The search's predecessors have no tie (:func:`~search_repair.is_scipy_tree`):
    #: a scenario may repair it (:mod:`nearest_repair`) rather than run it again.
    untied: bool = False


def carried_rows(base_ids: np.ndarray, ids: np.ndarray) -> np.ndarray | None:
    """Per base destination row: the row of the destination with the same id
    in ``ids`` (-2: none), then a last entry -1 (so that ``carried[-1]``, an
    unreached node's, stays -1). None when an id repeats on either side:
    destinations are then not matched by id."""
    rows: dict[Any, int] = {}
    for i, v in enumerate(np.asarray(ids, dtype=object).tolist()):
        if v in rows:
            return None
        rows[v] = i
    base = np.asarray(base_ids, dtype=object).tolist()
    if len(set(base)) != len(base):
        return None
    return np.array([rows.get(v, -2) for v in base] + [-1], dtype=np.int64)


def node_ids(node_dest: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """Per network node (of ``n``): the id of its nearest destination (``ids[node_dest]``), None unreached."""
    out = np.full(n, None, dtype=object)
    hit = node_dest[:n] >= 0
    out[hit] = np.asarray(ids, dtype=object)[node_dest[:n][hit]]
    return out


def keep_nearest(
    network: Network, sources: Attachment, dests: Attachment, result: NearestResult, mode: str
) -> KeptNearest | None:
    """What a repair needs of the base ``result`` (None when it cannot serve)."""
    if (
        result.graph is None
        or result.src_edge is None
        or result.src_ridden is None
        or result.node_dest is None
    ):
        return None
    n = network.n_nodes
    _, d_flat = dests.expand()
    roots = np.arange(n, len(result.dist))
    untied = is_scipy_tree(result.graph.matrix, result.dist, result.pred, roots)
    return KeptNearest(
        network=network,
        sources=sources,
        dest_ids=np.asarray(dests.ids, dtype=object),
        node_dist=result.dist[:n].copy(),
        node_pred=result.pred[:n].copy(),
        node_dest=result.node_dest,
        dest_edges=np.unique(d_flat.edge),
        cost=result.cost,
        entry=result.entry.astype(np.int32) if n < 2**31 else result.entry,
        src_edge=result.src_edge.astype(np.int32) if network.n_edges < 2**31 else result.src_edge,
        src_ridden=result.src_ridden,
        mode=mode,
        untied=untied,
    )


def nearest_with_reuse(
    network: Network,
    sources: Attachment,
    dests: Attachment,
    *,
    mode: str,
    kept: KeptNearest | None,
    source_rows: np.ndarray | None,
    edge_map: np.ndarray | None,
    remember: bool = True,
) -> NearestResult:
    """:func:`nearest_destination` (no limit), reusing ``kept`` where nothing changed.

    ``source_rows[i]``: the row of source ``i`` in ``kept.sources`` (-1 for
    a new point); ``edge_map``: base edge -> edge of ``network`` (-1 gone;
    None: the same edges). ``remember``: keep the comparison of the sources
    with the base's on ``sources`` for further searches from them.
    """
    if (
        kept is None
        or source_rows is None
        or kept.mode != mode
        or full_evaluation_forced()
        or not dests.reachable.any()
        or len(sources) == 0
    ):
        return nearest_destination(network, sources, dests, mode=mode)
    from slimmeregio.scenarios.nearest_repair import repaired_search  # (imports this module)

    search = repaired_search(network, dests, mode=mode, kept=kept, edge_map=edge_map)
    if search is None:
        search = search_nearest(network, dests, mode=mode)
    dirty = _dirty_sources(
        network, sources, dests, search, kept, np.asarray(source_rows), edge_map, remember
    )
    ns = len(sources)
    n = network.n_nodes
    cost = np.full(ns, np.inf)
    dest = np.full(ns, -1, dtype=np.int64)
    entry = np.full(ns, -1, dtype=np.int64)
    src_edge = np.full(ns, -1, dtype=np.int64)
    src_ridden = np.zeros(ns, bool)
    # The clean sources take the base's result over (one compiled pass): the
    # ridden flag as the full computation leaves it, reached or not; where
    # reached, the cost, entry node, its nearest destination now and the
    # start edge renumbered.
    _kernels()[1](
        dirty,
        np.ascontiguousarray(source_rows, dtype=np.int64),
        np.ascontiguousarray(kept.cost, dtype=np.float64),
        np.ascontiguousarray(kept.entry, dtype=np.int64),
        np.ascontiguousarray(kept.src_edge, dtype=np.int64),
        np.ascontiguousarray(kept.src_ridden, dtype=np.bool_),
        np.ascontiguousarray(search.node_dest, dtype=np.int64),
        np.zeros(0, np.int64) if edge_map is None else np.ascontiguousarray(edge_map, np.int64),
        edge_map is not None,
        (cost, dest, entry, src_edge, src_ridden),
    )
    todo = np.flatnonzero(dirty)
    if len(todo):
        part = finish_nearest(network, sources.subset(todo), dests, search)
        cost[todo] = part.cost
        dest[todo] = part.dest
        entry[todo] = part.entry
        assert part.src_edge is not None and part.src_ridden is not None
        src_edge[todo] = part.src_edge
        src_ridden[todo] = part.src_ridden
    return NearestResult(
        cost, dest, entry, search.dist, search.pred, search.graph, n, src_edge, src_ridden,
        search.node_dest,
    )  # fmt: skip


def _dirty_sources(
    network: Network,
    sources: Attachment,
    dests: Attachment,
    search: NearestSearch,
    kept: KeptNearest,
    source_rows: np.ndarray,
    edge_map: np.ndarray | None,
    remember: bool = True,
) -> np.ndarray:
    """Per source: whether its result may differ from the base's (see the module docstring)."""
    n = network.n_nodes
    m = min(n, kept.network.n_nodes)
    # Nodes whose nearest destination (cost or which one) changed; new nodes count as changed.
    node_changed = np.ones(n, bool)
    now, then = search.dist[:m], kept.node_dist[:m]
    same_cost = (now == then) | (~np.isfinite(now) & ~np.isfinite(then))
    node_changed[:m] = ~(same_cost & _same_destination(search, dests, kept, m))
    # Edges with a destination on them, in either situation.
    edge_dirty = np.zeros(network.n_edges, bool)
    _, d_flat = dests.expand()
    edge_dirty[d_flat.edge] = True
    mapped = kept.dest_edges if edge_map is None else edge_map[kept.dest_edges]
    edge_dirty[mapped[mapped >= 0]] = True

    dirty, point, e_s, u_s, v_s = static_rows(
        network, sources, kept.network, kept.sources, source_rows, edge_map, remember
    )
    dirty = dirty.copy()
    # A candidate row on an edge with a destination, or at a node whose
    # nearest destination changed, makes its point dirty (compiled).
    _kernels()[2](point, e_s, u_s, v_s, edge_dirty, node_changed, dirty)
    return dirty


def _same_destination(
    search: NearestSearch, dests: Attachment, kept: KeptNearest, m: int
) -> np.ndarray:
    """Per node (the first ``m``): the nearest destination has the base's id
    (both unreached counts as the same)."""
    carried = carried_rows(kept.dest_ids, dests.ids)
    if carried is None:  # ids repeat: compare the ids themselves
        then = node_ids(kept.node_dest, kept.dest_ids, m)
        return np.asarray(node_ids(search.node_dest, dests.ids, m) == then, dtype=bool)
    return np.asarray(search.node_dest[:m] == carried[kept.node_dest[:m]], dtype=bool)


def _rows(att: Attachment) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(owner, edge, frac, snap)`` of every candidate row, without copying the
    per-row ids and coordinates :meth:`Attachment.expand` makes."""
    if att.cand_owner is not None and att.cand_edge is not None:
        assert att.cand_frac is not None and att.cand_snap is not None
        return att.cand_owner, att.cand_edge, att.cand_frac, att.cand_snap
    owner, flat = att.expand()
    return owner, flat.edge, flat.frac, flat.snap_m


def same_edges(network: Network, base: Network, edge_map: np.ndarray | None) -> np.ndarray:
    """Per base edge: whether the edge it maps to in ``network`` has the same
    end nodes, length, speed and one-way flag (False: gone)."""
    emap = np.arange(base.n_edges) if edge_map is None else np.asarray(edge_map)
    alive = np.flatnonzero(emap >= 0)
    e = emap[alive]
    ok = np.ones(len(alive), bool)
    for name in ("u", "v", "length", "speed_kmh", "oneway"):
        ok &= getattr(network, name)[e] == getattr(base, name)[alive]
    out = np.zeros(base.n_edges, bool)
    out[alive[ok]] = True
    return out


def _detached_rows(
    network: Network, sources: Attachment, base_sources: Attachment, source_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`static_rows` of ``parent.without(mask)`` (the Brussels routes'
    sources: the dwellings outside Brussels) from the parent's, when kept:
    the other points keep their rows and verdicts; a detached point has no
    rows, so it differs exactly when it is new or had rows in the base."""
    made = sources.__dict__.get("_detached_from")
    if made is None:
        return None
    parent, mask = made
    hit = parent.__dict__.get("_repair_rows", {}).get(id(base_sources))
    if hit is None or hit[0] is not base_sources or hit[1] is not network:
        return None
    dirty, point, e_s, u_s, v_s = hit[2]
    carried = source_rows >= 0
    if carried.any() and source_rows.max() >= len(base_sources):
        return hit[2]  # type: ignore[no-any-return]  # everything differs
    cnt_b = np.bincount(_rows(base_sources)[0], minlength=len(base_sources))
    dirty = dirty.copy()
    at = np.flatnonzero(mask)
    rows = source_rows[at]
    dirty[at] = (rows < 0) | (cnt_b[np.maximum(rows, 0)] != 0)
    keep = ~mask[point]
    return dirty, point[keep], e_s[keep], u_s[keep], v_s[keep]


def static_rows(
    network: Network,
    sources: Attachment,
    base_network: Network,
    base_sources: Attachment,
    source_rows: np.ndarray,
    edge_map: np.ndarray | None,
    remember: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What does not depend on the destinations (once per scenario attachment):
    per source whether it differs from its base point (``source_rows``: its
    row in ``base_sources``, -1 new) by itself (new, other candidate edges or
    positions, other lengths, speeds, one-way or end nodes), and for the
    candidate rows of the others their point, edge and end nodes."""
    memo = sources.__dict__.get("_repair_rows", {})
    hit = memo.get(id(base_sources))
    if hit is not None and hit[0] is base_sources and hit[1] is network:
        return hit[2]  # type: ignore[no-any-return]
    derived = _detached_rows(network, sources, base_sources, source_rows)
    if derived is not None:
        return derived
    ns = len(sources)
    base_net = base_network
    dirty = source_rows < 0
    s_owner, s_edge, s_frac, s_snap = _rows(sources)
    b_owner, b_edge, b_frac, b_snap = _rows(base_sources)
    cnt_s = np.bincount(s_owner, minlength=ns)
    cnt_b = np.bincount(b_owner, minlength=len(base_sources))
    carried = np.flatnonzero(~dirty)
    rows = source_rows[carried]
    z = np.zeros(0, np.int64)
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    if len(rows) and rows.max() >= len(base_sources):
        out = (np.ones(ns, bool), z, z, z, z)
    else:
        same_count = cnt_s[carried] == cnt_b[rows]
        dirty[carried[~same_count]] = True
        pts_all = carried[same_count]
        rows_all = rows[same_count]
        first_s = np.cumsum(cnt_s) - cnt_s
        first_b = np.cumsum(cnt_b) - cnt_b
        small = (
            np.int32 if max(ns, network.n_edges, network.n_nodes) < 2**31 else np.int64
        )  # memory
        same_edge = same_edges(network, base_net, edge_map)
        point = np.empty(int(cnt_s[pts_all].sum()), small)
        e_s = np.empty(len(point), small)
        kept = _kernels()[0](
            pts_all, rows_all, cnt_s, first_s, first_b, s_edge, b_edge,
            np.zeros(0, np.int64) if edge_map is None else np.asarray(edge_map, np.int64),
            same_edge, s_frac, b_frac, s_snap, b_snap, dirty, point, e_s,
        )  # fmt: skip
        point, e_s = point[:kept], e_s[:kept]
        out = (dirty, point, e_s, network.u[e_s].astype(small), network.v[e_s].astype(small))
    if remember:
        sources.__dict__["_repair_rows"] = memo
        memo[id(base_sources)] = (base_sources, network, out)
    return out


def _compare_rows(
    pts: np.ndarray,
    rows: np.ndarray,
    cnt_s: np.ndarray,
    first_s: np.ndarray,
    first_b: np.ndarray,
    s_edge: np.ndarray,
    b_edge: np.ndarray,
    edge_map: np.ndarray,
    same_edge: np.ndarray,
    s_frac: np.ndarray,
    b_frac: np.ndarray,
    s_snap: np.ndarray,
    b_snap: np.ndarray,
    dirty: np.ndarray,
    point: np.ndarray,
    e_out: np.ndarray,
) -> int:  # pragma: no cover - compiled
    # Per carried point (as many candidate rows as its base point): dirty
    # unless every row has the base row's edge (mapped; unchanged), position
    # and distance; the rows of the others are listed (point, edge).
    mapped = edge_map.shape[0] > 0
    kept = 0
    for j in range(pts.shape[0]):
        p = pts[j]
        a = first_s[p]
        b = first_b[rows[j]]
        same = True
        for k in range(cnt_s[p]):
            es = s_edge[a + k]
            eb = b_edge[b + k]
            target = edge_map[eb] if mapped else eb
            if not (
                target == es
                and same_edge[eb]
                and s_frac[a + k] == b_frac[b + k]
                and s_snap[a + k] == b_snap[b + k]
            ):
                same = False
                break
        if not same:
            dirty[p] = True
            continue
        for k in range(cnt_s[p]):
            point[kept] = p
            e_out[kept] = s_edge[a + k]
            kept += 1
    return kept


def _take_kept(
    dirty: np.ndarray,
    rows: np.ndarray,
    k_cost: np.ndarray,
    k_entry: np.ndarray,
    k_edge: np.ndarray,
    k_ridden: np.ndarray,
    node_dest: np.ndarray,
    edge_map: np.ndarray,
    mapped: bool,
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:  # pragma: no cover - compiled
    cost, dest, entry, src_edge, src_ridden = out
    for i in range(dirty.shape[0]):
        if dirty[i]:
            continue
        r = rows[i]
        src_ridden[i] = k_ridden[r]
        c = k_cost[r]
        if np.isfinite(c):
            cost[i] = c
            x = k_entry[r]
            entry[i] = x
            dest[i] = node_dest[x]
            src_edge[i] = edge_map[k_edge[r]] if mapped else k_edge[r]


def _mark_bad_rows(
    point: np.ndarray,
    e_s: np.ndarray,
    u_s: np.ndarray,
    v_s: np.ndarray,
    edge_dirty: np.ndarray,
    node_changed: np.ndarray,
    dirty: np.ndarray,
) -> None:  # pragma: no cover - compiled
    for r in range(point.shape[0]):
        if edge_dirty[e_s[r]] or node_changed[u_s[r]] or node_changed[v_s[r]]:
            dirty[point[r]] = True


@functools.cache
def _kernels() -> tuple[Any, ...]:
    """:func:`_compare_rows`, :func:`_take_kept` and :func:`_mark_bad_rows`
    compiled on first use (see :func:`compiled._compiled`)."""
    return jit(_compare_rows), jit(_take_kept), jit(_mark_bad_rows)
