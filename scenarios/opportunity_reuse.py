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
scratch exactly (:mod:`opportunity_eval`). ``SLIMMEREGIO_FULL_EVALUATION=1``
turns the reuse off (:func:`~slimmeregio.scenarios.incremental.full_evaluation_forced`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.incremental import full_evaluation_forced
from slimmeregio.scenarios.network import Network

__all__ = [
    "AccessMemo",
    "ReuseState",
    "Scope",
    "TreeMemo",
    "changed_points",
    "known_trees",
    "renumber_tree",
    "scope_of",
    "touched_nodes",
    "unchanged",
]


@dataclass(eq=False)
class AccessMemo:
    """The base's bounded searches of one opportunity set in one mode.

    ``results[j]``: ``(dwelling rows, costs)`` of opportunity ``j``;
    ``reached``: ``(opportunities, base nodes)`` boolean, the nodes each
    search reached within its limit (a row of False for an opportunity not
    searched).
    """

    results: dict[int, tuple[np.ndarray, np.ndarray]]
    reached: np.ndarray


@dataclass(eq=False)
class TreeMemo:
    """The base's shortest-route trees to the job points (commuting)."""

    trees: dict[int, tuple[np.ndarray, np.ndarray]]
    #: Per job point: its virtual node's position among the reachable ones.
    vpos: np.ndarray
    jobs_att: Attachment
    #: Per tree: its arcs (:class:`~commuting.TreeArcs`), filled as the base assigns flows.
    arcs: dict[int, Any] = field(default_factory=dict)


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
) -> np.ndarray:
    """Base node numbers at which the scenario's ``mode`` graph differs from the base's.

    Endpoints of base edges removed, split or with other costs, and the base
    endpoints of edges new in the scenario. ``distance``: compare route
    lengths (the commuting trees' costs) instead of ``mode`` costs.
    """
    nb = base.n_nodes
    emap = _alive_map(base, network, edge_map)
    alive = emap >= 0
    if distance:
        from slimmeregio.scenarios.commuting import distance_network

        base, network = distance_network(base), distance_network(network)
    fb, bb = base.weights(mode)
    fs, bs = network.weights(mode)
    differ = ~alive
    a = np.flatnonzero(alive)
    e = emap[a]
    same_ends = (network.u[e] == base.u[a]) & (network.v[e] == base.v[a])
    differ[a] = ~same_ends | ~_same(fb[a], fs[e]) | ~_same(bb[a], bs[e])
    new = np.ones(network.n_edges, bool)
    new[e] = False
    new_ends = np.concatenate([network.u[new], network.v[new]])
    out = np.concatenate([base.u[differ], base.v[differ], new_ends[new_ends < nb]])
    return np.unique(out.astype(np.int64))


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _candidates(att: Attachment, edge_map: np.ndarray | None) -> list[tuple[Any, ...]]:
    owner, flat = att.expand()
    edge = (
        flat.edge
        if edge_map is None
        else np.where(flat.edge >= 0, edge_map[np.maximum(flat.edge, 0)], -1)
    )
    rows: list[list[tuple[int, float, float]]] = [[] for _ in range(len(att))]
    for o, e, f, s in zip(
        owner.tolist(), edge.tolist(), flat.frac.tolist(), flat.snap_m.tolist(), strict=True
    ):
        rows[o].append((e, f, s))
    return [tuple(r) for r in rows]


def changed_points(base: Attachment, att: Attachment, edge_map: np.ndarray | None) -> np.ndarray:
    """Per point (same points in both): its attachment differs from the base's
    (candidate edges mapped through ``edge_map``, positions, distances)."""
    if len(base) != len(att):
        return np.ones(len(att), bool)
    old = _candidates(base, edge_map)
    new = _candidates(att, None)
    return np.array([a != b for a, b in zip(old, new, strict=True)], dtype=bool)


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
    row_map: np.ndarray | None = None
    new_rows: np.ndarray | None = None
    #: Counters: searches reused / run, trees reused / run.
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + int(n)


def known_trees(
    sit: Any, jobs: Any, scope: Scope | None
) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], dict[int, Any]]:
    """The base's route trees (and their arcs) no edit can have changed, on the scenario's numbering."""
    prev = scope.previous if scope is not None else None
    if scope is None or prev is None or prev.trees is None or scope.row_map is None:
        return {}, {}
    memo = prev.trees
    touched = scope.touched["distance"]
    changed = changed_points(memo.jobs_att, jobs.att, scope.edge_map)
    n_base, n_new = prev.network.n_nodes, sit.network.n_nodes
    d_ok = np.flatnonzero(jobs.att.reachable)
    vpos = np.full(len(jobs.att), -1, dtype=np.int64)
    vpos[d_ok] = np.arange(len(d_ok))
    size = n_new + len(d_ok)
    known, arcs = {}, {}
    for j, (dist, pred) in memo.trees.items():
        if changed[j] or vpos[j] < 0 or (len(touched) and np.isfinite(dist[touched]).any()):
            continue
        known[j] = renumber_tree(
            dist,
            pred,
            n_base=n_base,
            n_new=n_new,
            root_base=n_base + int(memo.vpos[j]),
            root_new=n_new + int(vpos[j]),
            size=size,
        )
        if j in memo.arcs:
            arcs[j] = memo.arcs[j].renumbered(scope.edge_map)
    return known, arcs


def scope_of(sit: Any, dw: pd.DataFrame, previous: Any | None) -> Scope:
    """Record the searches (a base, no ``previous``) or reuse ``previous``'s where the
    situation's edits cannot reach them (:mod:`opportunity_reuse`)."""
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
        "distance": touched_nodes(base, net, edge_map, "bike", distance=True),
    }
    return Scope(
        previous=prev,
        edge_map=edge_map,
        touched=touched,
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
    )


def unchanged(sit: Any, dw: pd.DataFrame, inputs: Any, scope: Scope) -> bool:
    """Nothing the opportunity outcome reads differs from the base (e.g. a mobipunt edit)."""
    prev = scope.previous
    if prev is None or scope.row_map is None or scope.new_rows is None or len(scope.new_rows):
        return False
    if any(len(t) for t in scope.touched.values()):
        return False
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
