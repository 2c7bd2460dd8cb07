"""Which of the base's opportunity searches and route trees a scenario can take over unchanged.

A bounded search (Dijkstra from one opportunity, on the reversed graph, up
to a cost limit) explores only the nodes it reaches within the limit, and
only the arcs out of them. A scenario's search from the same opportunity is
therefore *identical* to the base's (same costs, same predecessors, same
tie-breaks: the explored rows of the graph are the same) unless

* an edge with an endpoint the base search reached was removed, split,
  added, sped up or slowed down (an added edge whose endpoint was not
  reached cannot be entered before the search leaves known ground, which it
  does only through a reached node; a new node splitting an edge makes both
  old endpoints "touched");
* the opportunity's own attachment to the network changed; or
* for access to points: a source (dwelling) attached anew (added housing)
  sits on an edge with a reached endpoint, or shares an edge with the
  opportunity (the direct route along that edge).

This module finds the touched nodes and the changed attachments; the
searches that none of them can affect are reused, every other one is run
again on the scenario's network, so the result equals a recomputation from
scratch exactly (:mod:`opportunity_eval`). The route trees use this rule.
The access searches keep costs only (no predecessors, so no tie-breaks), and
use a finer one (:class:`ChangedArcs`): a search is run again only when an
edit can change a cost it computed, and then for its node costs only: the
dwellings next to a node whose cost changed are costed anew
(:mod:`opportunity_access`); the dwellings that are new or attached
otherwise (:func:`changed_sources`) are costed from its kept node costs. ``SLIMMEREGIO_FULL_EVALUATION=1``
turns the reuse off (:func:`~slimmeregio.scenarios.incremental.full_evaluation_forced`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.incremental import full_evaluation_forced
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.opportunities import Access
from slimmeregio.scenarios.uptake_memo import same_values

__all__ = [
    "AccessMemo",
    "ChangedArcs",
    "ReuseState",
    "Scope",
    "TreeMemo",
    "changed_arcs",
    "changed_points",
    "changed_sources",
    "known_trees",
    "TreeSeed",
    "renumber_tree",
    "scope_of",
    "touched_nodes",
    "unchanged",
]


@dataclass(eq=False)
class AccessMemo:
    """The base's bounded searches of one opportunity set in one mode.

    ``results[j]``: ``(dwelling rows, costs)`` of opportunity ``j``;
    ``size``: how many opportunities the set has; ``costs[j]``: per
    opportunity searched, the nodes its search reached within its limit
    (ascending) and the search's cost at each (the nodes alone, not a
    dense opportunities x nodes mask: 52 MB less on the 300,000-address
    project).
    """

    results: dict[int, tuple[np.ndarray, np.ndarray]]
    size: int
    costs: dict[int, tuple[np.ndarray, np.ndarray]]
    #: The base's per-dwelling access from these searches, and the
    #: opportunity weights it summed: a scenario recomputes only the
    #: dwellings whose searches' results changed.
    totals: Access | None = None
    weights: np.ndarray | None = None


@dataclass(eq=False)
class TreeMemo:
    """The base's shortest-route trees to the job points (commuting)."""

    trees: dict[int, tuple[np.ndarray, np.ndarray]]
    #: Per job point: its virtual node's position among the reachable ones.
    vpos: np.ndarray
    jobs_att: Attachment
    #: Per tree: its arcs (:class:`~commuting.TreeArcs`), filled as the base assigns flows.
    arcs: dict[int, Any] = field(default_factory=dict)
    #: The trees whose predecessors have no tie (:func:`~search_repair.is_scipy_tree`):
    #: a scenario repairs them around the nodes its edits touch.
    untied: frozenset[int] = frozenset()


@dataclass(eq=False)
class ReuseState:
    """What a base evaluation keeps for its scenarios (see the module docstring)."""

    network: Network
    housing_att: Attachment
    n_housing: int
    #: The parameters that shaped the base's results (scenarios must share them).
    parameters: Any
    #: ``(kind, mode) -> AccessMemo``.
    access: dict[tuple[str, str], AccessMemo] = field(default_factory=dict)
    #: Attachment of each opportunity set in the base (by kind).
    opp_att: dict[str, Attachment] = field(default_factory=dict)
    trees: TreeMemo | None = None
    #: The commuting pairs' distances and uptake shares (:mod:`uptake_memo`).
    uptake: Any = None
    #: The base's dwellings and NIS code per dwelling row.
    dwellings: np.ndarray = field(default_factory=lambda: np.zeros(0))
    nis: np.ndarray = field(default_factory=lambda: np.zeros(0, object))


def _alive_map(base: Network, network: Network, edge_map: np.ndarray | None) -> np.ndarray:
    if edge_map is None:
        return np.arange(base.n_edges, dtype=np.int64)
    return np.asarray(edge_map, dtype=np.int64)


def touched_nodes(
    base: Network,
    network: Network,
    edge_map: np.ndarray | None,
    mode: str,
    *,
    distance: bool = False,
    route_costs: Callable[[Network], Network] | None = None,
) -> np.ndarray:
    """Base node numbers at which the scenario's ``mode`` graph differs from the base's.

    Endpoints of base edges removed, split or with other costs, and the base
    endpoints of edges new in the scenario. ``distance``: compare route
    lengths (the commuting trees' costs) instead of ``mode`` costs, or the
    costs of ``route_costs(network)`` when given (quiet routes).

    Kept on ``network`` (its :attr:`~Network.cache`) for the same base and
    edge map: a scenario's searches of one mode share it.
    """
    key = ("touched_nodes", mode, distance, route_costs)
    hit = network.cache.get(key)
    if hit is not None and hit[0] is base and hit[1] is edge_map:
        return hit[2]  # type: ignore[no-any-return]
    out = _touched_nodes(base, network, edge_map, mode, distance, route_costs)
    out.flags.writeable = False  # shared by every caller
    network.cache[key] = (base, edge_map, out)
    return out


def _touched_nodes(
    base: Network,
    network: Network,
    edge_map: np.ndarray | None,
    mode: str,
    distance: bool,
    route_costs: Callable[[Network], Network] | None,
) -> np.ndarray:
    nb = base.n_nodes
    emap = _alive_map(base, network, edge_map)
    alive = emap >= 0
    if distance:
        from slimmeregio.scenarios.commuting import distance_network

        costs = route_costs or distance_network
        base, network = costs(base), costs(network)
    fb, bb = base.weights(mode)
    fs, bs = network.weights(mode)
    differ = ~alive
    a = np.flatnonzero(alive)
    e = emap[a]
    same_ends = (network.u[e] == base.u[a]) & (network.v[e] == base.v[a])
    differ[a] = ~same_ends | ~same_values(fb[a], fs[e]) | ~same_values(bb[a], bs[e])
    new = np.ones(network.n_edges, bool)
    new[e] = False
    new_ends = np.concatenate([network.u[new], network.v[new]])
    out = np.concatenate([base.u[differ], base.v[differ], new_ends[new_ends < nb]])
    return np.unique(out.astype(np.int64))


@dataclass(frozen=True, eq=False)
class ChangedArcs:
    """The arcs of a ``mode`` search graph (reversed travel direction, weights
    as :func:`~kernel.csr_min` stores them) that a scenario removed or
    re-costed (``old_*``, base numbering and weights) and added or re-costed
    (``new_*``, scenario numbering and weights; a node ``>= n_base`` is new).

    A bounded search from an opportunity computes costs only (no tree is
    kept), so an edit cannot change it unless a removed or re-costed arc was
    *tight* (its tail's cost plus its weight equals its head's cost: it may
    carry a shortest path), or an added or cheaper arc offers its head a
    strictly lower cost, or reaches an unreached node or a new node within
    the limit. A new node entered only from base nodes is costed as the
    search would (the cheapest arc into it) and its arcs out checked the same
    way. Otherwise every node's cost is formed by the same additions as in
    the base, so the search's result is the base's bit for bit.
    """

    n_base: int
    #: Scenario edges that are new or whose ends or costs differ from the base's.
    fresh_edges: np.ndarray
    old_a: np.ndarray
    old_b: np.ndarray
    old_w: np.ndarray
    new_a: np.ndarray
    new_b: np.ndarray
    new_w: np.ndarray

    def extend(self, row: np.ndarray, size: int, limit: float) -> np.ndarray:
        """A base search's node costs (``row``) on the scenario's ``size`` nodes:
        each new node entered only from base nodes gets the cost the search
        gives it (the cheapest arc into it, within ``limit``); other new nodes
        stay unreached (:meth:`affected` re-runs a search that could reach them)."""
        out = np.full(size, np.inf)
        out[: self.n_base] = row[: self.n_base]
        from_base = (self.new_a < self.n_base) & (self.new_b >= self.n_base)
        cost = out[self.new_a[from_base]] + self.new_w[from_base]
        cost = np.where(cost <= limit, cost, np.inf)
        np.minimum.at(out, self.new_b[from_base], cost)
        return out

    def affected(self, memo: AccessMemo, limit: float, size: int) -> np.ndarray:
        """Per opportunity of ``memo``: whether these arcs can change its search
        on the scenario's ``size`` nodes."""
        out = np.zeros(memo.size, bool)
        tails = np.unique(np.concatenate([self.old_a, self.new_a[self.new_a < self.n_base]]))
        if not len(tails):
            return out
        into_new = self.new_b >= self.n_base
        from_new = self.new_a >= self.n_base
        for j, (at, cost) in memo.costs.items():
            if not _any_in(tails, at):
                continue
            row = np.full(self.n_base, np.inf)
            row[at] = cost
            ca = row[self.old_a]
            tight = np.isfinite(ca) & (ca + self.old_w == row[self.old_b])
            full = self.extend(row, size, limit)
            cn = full[self.new_a] + self.new_w
            head = full[self.new_b]
            better = np.isfinite(cn) & (
                # A new node entered from another new node: not costed here.
                (from_new & into_new)
                | (~into_new & np.where(np.isfinite(head), cn < head, cn <= limit))
            )
            out[j] = bool(tight.any() or better.any())
        return out


def _any_in(values: np.ndarray, ascending: np.ndarray) -> bool:
    """Whether any of ``values`` is among ``ascending`` (sorted, distinct)."""
    if not len(ascending):
        return False
    at = np.minimum(np.searchsorted(ascending, values), len(ascending) - 1)
    return bool((ascending[at] == values).any())


def changed_arcs(
    base: Network, network: Network, edge_map: np.ndarray | None, mode: str
) -> ChangedArcs:
    """The ``mode`` search arcs a scenario's network removed, re-costed or added
    relative to the base (see :class:`ChangedArcs`)."""
    from slimmeregio.scenarios.kernel import EPS

    emap = _alive_map(base, network, edge_map)
    alive = emap >= 0
    fb, bb = base.weights(mode)
    fs, bs = network.weights(mode)
    a = np.flatnonzero(alive)
    e = emap[a]
    same = (
        (network.u[e] == base.u[a])
        & (network.v[e] == base.v[a])
        & same_values(fb[a], fs[e])
        & same_values(bb[a], bs[e])
    )
    gone = np.concatenate([np.flatnonzero(~alive), a[~same]])
    new = np.ones(network.n_edges, bool)
    new[e[same]] = False
    fresh = np.flatnonzero(new)

    def search_arcs(
        net: Network, edges: np.ndarray, fwd: np.ndarray, bwd: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Travel u -> v (fwd) is searched v -> u, travel v -> u (bwd) u -> v.
        tail = np.concatenate([net.v[edges], net.u[edges]])
        head = np.concatenate([net.u[edges], net.v[edges]])
        w = np.concatenate([fwd[edges], bwd[edges]])
        keep = np.isfinite(w) & (tail != head)
        return tail[keep], head[keep], np.maximum(w[keep], EPS)

    old_a, old_b, old_w = search_arcs(base, gone, fb, bb)
    new_a, new_b, new_w = search_arcs(network, fresh, fs, bs)
    return ChangedArcs(base.n_nodes, fresh, old_a, old_b, old_w, new_a, new_b, new_w)


def changed_sources(
    base_att: Attachment,
    att: Attachment,
    row_map: np.ndarray,
    base: Network,
    network: Network,
    edge_map: np.ndarray | None,
) -> np.ndarray:
    """Per point of ``att``: new (no base row), or its candidate edges,
    positions, distances, or those edges' ends, lengths, speeds or one-way
    flags differ from its base point's (``row_map``: base row -> row)."""
    n = len(att)
    base_of = np.full(n, -1, dtype=np.int64)
    kept = np.flatnonzero(row_map >= 0)
    base_of[row_map[kept]] = kept
    dirty = base_of < 0
    s_owner, s_flat = att.expand_rows()
    b_owner, b_flat = base_att.expand_rows()
    cnt_s = np.bincount(s_owner, minlength=n)
    cnt_b = np.bincount(b_owner, minlength=len(base_att))
    pts = np.flatnonzero(~dirty)
    rows = base_of[pts]
    same_count = cnt_s[pts] == cnt_b[rows]
    dirty[pts[~same_count]] = True
    pts, rows = pts[same_count], rows[same_count]
    count = cnt_s[pts]
    k = int(count.sum())
    within = np.arange(k) - np.repeat(np.cumsum(count) - count, count)
    i_s = np.repeat((np.cumsum(cnt_s) - cnt_s)[pts], count) + within
    i_b = np.repeat((np.cumsum(cnt_b) - cnt_b)[rows], count) + within
    e_s, e_b = s_flat.edge[i_s], b_flat.edge[i_b]
    ok = (e_b if edge_map is None else np.asarray(edge_map)[e_b]) == e_s
    ok &= _kept_edges(base, network, edge_map)[e_b]
    ok &= same_values(s_flat.frac[i_s], b_flat.frac[i_b]) & same_values(
        s_flat.snap_m[i_s], b_flat.snap_m[i_b]
    )
    dirty[np.repeat(pts, count)[~ok]] = True
    return dirty


def _kept_edges(base: Network, network: Network, edge_map: np.ndarray | None) -> np.ndarray:
    """Per base edge: it maps to an edge of ``network`` with the same ends,
    length, speed and one-way flag (compared once per edge, not per
    candidate row; NaN equals NaN)."""
    emap = np.arange(base.n_edges) if edge_map is None else np.asarray(edge_map)
    alive = np.flatnonzero(emap >= 0)
    e = emap[alive]
    ok = np.ones(len(alive), bool)
    for name in ("u", "v", "length", "speed_kmh", "oneway"):
        ok &= same_values(
            np.asarray(getattr(network, name)[e], dtype=float),
            np.asarray(getattr(base, name)[alive], dtype=float),
        )
    out = np.zeros(base.n_edges, bool)
    out[alive[ok]] = True
    return out


def changed_points(base: Attachment, att: Attachment, edge_map: np.ndarray | None) -> np.ndarray:
    """Per point (same points in both): its attachment differs from the base's
    (candidate edges mapped through ``edge_map``, positions, distances, in
    the same order)."""
    n = len(att)
    if len(base) != n:
        return np.ones(n, bool)
    b_owner, b_flat = base.expand_rows()
    s_owner, s_flat = att.expand_rows()
    b_edge = (
        b_flat.edge
        if edge_map is None
        else np.where(b_flat.edge >= 0, edge_map[np.maximum(b_flat.edge, 0)], -1)
    )
    differ = np.bincount(b_owner, minlength=n) != np.bincount(s_owner, minlength=n)
    # Both list each point's rows together, points ascending: where the counts
    # agree, the rows pair up one to one.
    rb, rs = ~differ[b_owner], ~differ[s_owner]
    same = (
        (b_edge[rb] == s_flat.edge[rs])
        & (b_flat.frac[rb] == s_flat.frac[rs])
        & (b_flat.snap_m[rb] == s_flat.snap_m[rs])
    )
    differ[b_owner[rb][~same]] = True
    return differ


def renumber_tree(
    dist: np.ndarray,
    pred: np.ndarray,
    *,
    n_base: int,
    n_new: int,
    root_base: int,
    root_new: int,
    size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """A base search tree on the scenario graph's node numbering.

    Base nodes keep their numbers; the scenario's new nodes (``n_base ..
    n_new``) and every virtual node but the root are unreached; the root
    (virtual node of the tree's destination) moves from ``root_base`` to
    ``root_new``; ``size`` is the scenario graph's node count.
    """
    d = np.full(size, np.inf)
    p = np.full(size, -9999, dtype=pred.dtype)
    d[:n_base] = dist[:n_base]
    body = pred[:n_base].copy()
    body[body == root_base] = root_new
    p[:n_base] = body
    d[root_new] = dist[root_base]
    p[root_new] = pred[root_base]
    return d, p


@dataclass(eq=False)
class Scope:
    """How one evaluation relates to the base's kept searches.

    ``record``: the base evaluation fills it; ``previous``: a scenario reads
    it (``touched``: per mode, the base nodes where the graphs differ;
    ``row_map``: base dwelling row -> scenario row or -1; ``new_rows``:
    scenario rows of dwellings attached anew).
    """

    record: ReuseState | None = None
    previous: ReuseState | None = None
    edge_map: np.ndarray | None = None
    touched: dict[str, np.ndarray] = field(default_factory=dict)
    #: Per mode: the arcs the edits removed, re-costed or added (:class:`ChangedArcs`).
    arcs: dict[str, ChangedArcs] = field(default_factory=dict)
    row_map: np.ndarray | None = None
    new_rows: np.ndarray | None = None
    #: Counters: searches reused / run, trees reused / run.
    counts: dict[str, int] = field(default_factory=dict)
    #: The situation's network and dwellings (a scenario reusing the base's searches).
    network: Network | None = None
    housing_att: Attachment | None = None
    _dirty: np.ndarray | None = None
    #: Access and commuting run side by side (opportunity_eval) and share the scope.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def dirty_rows(self) -> np.ndarray:
        """Per dwelling of the situation: new, or attached otherwise than in the
        base (:func:`changed_sources`; computed once)."""
        with self._lock:
            return self._dirty_rows()

    def _dirty_rows(self) -> np.ndarray:
        if self._dirty is None:
            assert self.previous is not None and self.row_map is not None
            assert self.network is not None and self.housing_att is not None
            prev = self.previous
            self._dirty = changed_sources(
                prev.housing_att,
                self.housing_att,
                self.row_map,
                prev.network,
                self.network,
                self.edge_map,
            )
        return self._dirty

    def count(self, key: str, n: int) -> None:
        with self._lock:
            self.counts[key] = self.counts.get(key, 0) + int(n)


@dataclass(frozen=True)
class TreeSeed:
    """A base route tree for a scenario to repair
    (:func:`~slimmeregio.scenarios.search_repair.repair_search`): ``tree()``
    gives it on the scenario's numbering; ``suspects``: the nodes where the
    graphs differ, when the repair may be bounded to them (None: check every node)."""

    tree: Callable[[], tuple[np.ndarray, np.ndarray]]
    suspects: np.ndarray | None


def known_trees(
    sit: Any, jobs: Any, scope: Scope | None
) -> tuple[
    dict[int, tuple[np.ndarray, np.ndarray]],
    dict[int, Any],
    dict[int, TreeSeed],
]:
    """The base's route trees (and their arcs) no edit can have changed, on
    the scenario's numbering; and for the other trees of destinations the
    base searched too, how to repair them (:class:`TreeSeed`)."""
    prev = scope.previous if scope is not None else None
    if scope is None or prev is None or prev.trees is None or scope.row_map is None:
        return {}, {}, {}
    memo = prev.trees
    touched = scope.touched["distance"]
    changed = changed_points(memo.jobs_att, jobs.att, scope.edge_map)
    n_base, n_new = prev.network.n_nodes, sit.network.n_nodes
    d_ok = np.flatnonzero(jobs.att.reachable)
    vpos = np.full(len(jobs.att), -1, dtype=np.int64)
    vpos[d_ok] = np.arange(len(d_ok))
    size = n_new + len(d_ok)
    # Where the scenario's graph can differ from the base's: the touched base
    # nodes and the scenario's new nodes.
    suspects = np.concatenate([touched, np.arange(n_base, n_new)]).astype(np.int64)
    known, arcs, seeds = {}, {}, {}
    for j, (dist, pred) in memo.trees.items():
        if vpos[j] < 0:
            continue
        tree = functools.partial(
            renumber_tree,
            dist,
            pred,
            n_base=n_base,
            n_new=n_new,
            root_base=n_base + int(memo.vpos[j]),
            root_new=n_new + int(vpos[j]),
            size=size,
        )
        if changed[j] or (len(touched) and np.isfinite(dist[touched]).any()):
            # A moved destination changes its root's arcs: check every node.
            bounded = j in memo.untied and not changed[j]
            seeds[j] = TreeSeed(tree, suspects if bounded else None)
            continue
        known[j] = tree()
        if j in memo.arcs:
            arcs[j] = memo.arcs[j].renumbered(scope.edge_map)
    return known, arcs, seeds


def scope_of(
    sit: Any,
    dw: pd.DataFrame,
    previous: Any | None,
    *,
    route_costs: Callable[[Network], Network] | None = None,
) -> Scope:
    """Record the searches (a base, no ``previous``) or reuse ``previous``'s where the
    situation's edits cannot reach them (:mod:`opportunity_reuse`).
    ``route_costs``: the network whose costs the commuting routes minimise
    (default: distance)."""
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    nis = dw["nis"].astype(str).to_numpy()
    prev = previous.reuse if previous is not None else None
    if prev is not None and full_evaluation_forced():
        return Scope()
    if prev is None:
        if getattr(sit, "scenario", None) is not None:
            return Scope()
        return Scope(
            record=ReuseState(
                sit.network,
                sit.housing_att,
                len(sit.housing),
                sit.parameters,
                dwellings=dwellings,
                nis=nis,
            )
        )
    if not _same_measure(prev.parameters, sit.parameters):
        return Scope()
    base, net = prev.network, sit.network
    edge_map = getattr(sit, "edge_map", None)
    if edge_map is None and (net.n_edges != base.n_edges or net.n_nodes != base.n_nodes):
        return Scope()
    if edge_map is not None and len(edge_map) != base.n_edges:
        return Scope()
    rows = sit.housing["_row"] if "_row" in sit.housing.columns else None
    if rows is None:
        return Scope()
    base_row = pd.to_numeric(rows, errors="coerce").fillna(-1).to_numpy(dtype=np.int64)
    row_map = np.full(prev.n_housing, -1, dtype=np.int64)
    old = base_row >= 0
    row_map[base_row[old]] = np.flatnonzero(old)
    touched = {
        "bike": touched_nodes(base, net, edge_map, "bike"),
        "walk": touched_nodes(base, net, edge_map, "walk"),
        "distance": touched_nodes(
            base, net, edge_map, "bike", distance=True, route_costs=route_costs
        ),
    }
    return Scope(
        previous=prev,
        edge_map=edge_map,
        touched=touched,
        arcs={mode: changed_arcs(base, net, edge_map, mode) for mode in ("bike", "walk")},
        network=net,
        housing_att=sit.housing_att,
        row_map=row_map,
        new_rows=np.flatnonzero(~old),
    )


def _same_measure(a: Any, b: Any) -> bool:
    """The parameters shaping opportunity access and commuting are equal."""
    return (
        tuple(a.bike_thresholds_min) == tuple(b.bike_thresholds_min)
        and tuple(a.walk_thresholds_m) == tuple(b.walk_thresholds_m)
        and dict(a.speeds_kmh) == dict(b.speeds_kmh)
        and a.walking_speed_kmh == b.walking_speed_kmh
        and a.max_snap_m == b.max_snap_m
        and getattr(a, "commute_routes", "fastest") == getattr(b, "commute_routes", "fastest")
        and a.opportunity_bike_half_life_min == b.opportunity_bike_half_life_min
        and a.opportunity_walk_half_life_m == b.opportunity_walk_half_life_m
        and a.opportunity_nearest_k == b.opportunity_nearest_k
    )


def unchanged(sit: Any, dw: pd.DataFrame, inputs: Any, scope: Scope) -> bool:
    """Nothing the opportunity outcome reads differs from the base (e.g. a mobipunt edit)."""
    prev = scope.previous
    if prev is None or scope.row_map is None or scope.new_rows is None or len(scope.new_rows):
        return False
    if any(len(t) for t in scope.touched.values()):
        return False
    a, b = prev.parameters, sit.parameters
    if (a.workers_per_dwelling, a.commute_beta_per_km, a.commute_origins) != (
        b.workers_per_dwelling,
        b.commute_beta_per_km,
        b.commute_origins,
    ):
        return False  # the searches hold, the commuting model does not
    if len(dw) != prev.n_housing or not np.array_equal(scope.row_map, np.arange(prev.n_housing)):
        return False
    if not np.array_equal(
        dw["dwellings"].to_numpy(dtype=float), prev.dwellings
    ) or not np.array_equal(dw["nis"].astype(str).to_numpy(), prev.nis):
        return False
    if changed_points(prev.housing_att, sit.housing_att, scope.edge_map).any():
        return False
    for s in inputs.sets:
        if (
            s.kind not in prev.opp_att
            or changed_points(prev.opp_att[s.kind], s.att, scope.edge_map).any()
        ):
            return False
    return {s.kind for s in inputs.sets} == set(prev.opp_att)
