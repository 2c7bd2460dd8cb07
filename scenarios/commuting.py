"""Commuting by bike: gravity model, PCT cycling uptake and route assignment.

Three steps, each usable on its own:

1. **Distribution** (:func:`gravity_model`): where no origin-destination
   table is loaded, a doubly-constrained gravity model spreads the region's
   workers (from the dwellings) over the jobs:
   ``T_ij = A_i O_i B_j D_j exp(-beta c_ij)`` with balancing factors found
   by Furness iteration, so every origin sends its ``O_i`` and every
   destination receives its ``D_j`` (jobs scaled to the workers' total).
2. **Uptake** (:func:`uptake`): the share of commuters on an OD pair who
   could cycle, a logistic function of route distance ``d`` (km) and
   gradient ``g`` (%), the Propensity to Cycle Tool's model (Lovelace et al.
   2017, doi:10.5198/jtlu.2016.862; coefficients of the 2020 PCT release,
   PCT user manual C1)::

       logit p = a + b1 d + b2 sqrt(d) + b3 d^2 + h g' + i1 d g' + i2 sqrt(d) g'
       g' = g - 0.78   (gradient centred on Dutch hilliness)

   ``go_dutch`` adds 2.550 to ``a`` and -0.08036 to ``b1``; ``ebike`` adds on
   top of that 0.05509 to ``b1``, -0.000295 to ``b3`` and 0.1812 to ``h``.
   ``government_target`` adds the baseline model's share to today's cyclists
   (PCT's definition); ``current`` is today's cyclists (the OD table's bike
   mode) or, without observed modes, the baseline model's share (so the
   government target then doubles it). Beyond
   :data:`MAX_UPTAKE_KM` the share is zero (PCT's cut-off).
3. **Assignment** (:func:`assign_routes`): each OD pair's potential cyclists
   ride the shortest route on the bike network (one-way streets honoured);
   per link the summed potential cyclists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.bounded_search import bounded_trees
from slimmeregio.scenarios.compiled import children_first
from slimmeregio.scenarios.kernel import (
    ArcGraph,
    NearestResult,
    with_destinations,
)
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.route_starts import SourceStarts
from slimmeregio.scenarios.search_repair import is_scipy_tree, repair_search, transposed
from slimmeregio.scenarios.tree_kernels import flows_on_tree, tree_arcs

__all__ = [
    "COMMUTE_BETA_PER_KM",
    "MAX_UPTAKE_KM",
    "PRESETS",
    "RouteTrees",
    "TreeArcs",
    "UptakeModel",
    "all_presets",
    "assign_routes",
    "distance_network",
    "gravity_model",
    "potential_cyclists",
    "uptake",
]

#: Beyond this route distance (km) nobody is counted as a potential cyclist (PCT).
MAX_UPTAKE_KM = 30.0
#: Distance decay of all commuting (per km of route) in the gravity model: a
#: documented assumption (about half of the commuters within 7 km), to be
#: replaced by an OD table where one exists. The default of
#: ``Parameters.commute_beta_per_km``, which the evaluation reads.
COMMUTE_BETA_PER_KM = 0.1


@dataclass(frozen=True)
class UptakeModel:
    """Coefficients of the PCT logistic uptake model (distance in km, gradient in %)."""

    alpha: float
    d1: float
    d2: float
    d3: float
    h1: float
    i1: float
    i2: float
    #: Subtracted from the gradient before use (0.78: Dutch hilliness, 2020 release).
    centre: float = 0.0


#: The 2020 PCT release's baseline model (PCT user manual C1).
_BASE_2020 = UptakeModel(-4.018, -0.6369, 1.988, 0.008775, -0.2555, 0.02006, -0.1234, 0.78)
_DUTCH_2020 = replace(_BASE_2020, alpha=_BASE_2020.alpha + 2.550, d1=_BASE_2020.d1 - 0.08036)
_EBIKE_2020 = replace(
    _DUTCH_2020,
    d1=_DUTCH_2020.d1 + 0.05509,
    d3=_DUTCH_2020.d3 - 0.000295,
    h1=_DUTCH_2020.h1 + 0.1812,
)

#: The scenario presets: their uptake model (``current`` and
#: ``government_target`` use the baseline model, see the module docstring).
PRESETS: dict[str, UptakeModel] = {
    "current": _BASE_2020,
    "government_target": _BASE_2020,
    "go_dutch": _DUTCH_2020,
    "ebike": _EBIKE_2020,
}


def uptake(
    distance_km: np.ndarray,
    gradient_pct: np.ndarray | float = 0.0,
    *,
    model: UptakeModel = _DUTCH_2020,
) -> np.ndarray:
    """Share (0..1) of commuters who could cycle a route of ``distance_km``.

    ``gradient_pct``: the route's average gradient in % (0 without a
    terrain model). NaN or infinite distances and those beyond
    :data:`MAX_UPTAKE_KM` give 0.
    """
    d = np.asarray(distance_km, dtype=float)
    g = np.asarray(gradient_pct, dtype=float) - model.centre
    ok = np.isfinite(d) & (d >= 0) & (d <= MAX_UPTAKE_KM)
    dd = np.where(ok, d, 0.0)
    root = np.sqrt(dd)
    logit = (
        model.alpha
        + model.d1 * dd
        + model.d2 * root
        + model.d3 * dd**2
        + model.h1 * g
        + model.i1 * dd * g
        + model.i2 * root * g
    )
    p = 1.0 / (1.0 + np.exp(-logit))
    return np.where(ok, p, 0.0)


def potential_cyclists(
    commuters: np.ndarray,
    distance_km: np.ndarray,
    *,
    preset: str,
    gradient_pct: np.ndarray | float = 0.0,
    current_cyclists: np.ndarray | None = None,
) -> np.ndarray:
    """Potential cyclists per OD pair under ``preset`` (see :data:`PRESETS`).

    ``current_cyclists``: today's bike commuters per pair (from an OD table's
    mode column), or None when unknown.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown uptake preset {preset!r}")
    return all_presets(
        commuters, distance_km, gradient_pct=gradient_pct, current_cyclists=current_cyclists
    )[preset]


def all_presets(
    commuters: np.ndarray,
    distance_km: np.ndarray,
    *,
    gradient_pct: np.ndarray | float = 0.0,
    current_cyclists: np.ndarray | None = None,
    share_of: Callable[[UptakeModel], np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """:func:`potential_cyclists` for every preset, each uptake model evaluated once.

    ``share_of``: gives :func:`uptake` of ``distance_km`` and
    ``gradient_pct`` for a model (e.g. taken over from a base evaluation
    where the distances are the same, :mod:`uptake_memo`); default: computed.
    """
    n = np.asarray(commuters, dtype=float)
    shares: dict[int, np.ndarray] = {}
    out: dict[str, np.ndarray] = {}
    for preset, model in PRESETS.items():
        share = shares.get(id(model))
        if share is None:
            share = shares[id(model)] = (
                share_of(model)
                if share_of is not None
                else uptake(distance_km, gradient_pct, model=model)
            )
        base = n * share
        now = np.asarray(current_cyclists, dtype=float) if current_cyclists is not None else None
        if preset == "current":
            out[preset] = now if now is not None else base
        elif preset == "government_target":
            # Today's cyclists plus the baseline propensity (PCT): without
            # observed cyclists today's are the baseline model's, so the
            # target doubles them.
            out[preset] = np.minimum(n, (now if now is not None else base) + base)
        else:
            out[preset] = base
    return out


def gravity_model(
    origins: np.ndarray,
    destinations: np.ndarray,
    cost: np.ndarray,
    *,
    beta: float,
    tolerance: float = 1e-8,
    max_iterations: int = 500,
) -> np.ndarray:
    """Doubly-constrained gravity model: the trip matrix ``(origins, destinations)``.

    ``origins`` (workers per origin) and ``destinations`` (jobs per
    destination) are scaled to the same total (the workers'); ``cost`` is
    the ``(origins, destinations)`` matrix of travel costs (``inf``: no
    route). Rows and columns without any finite cost stay empty, and the
    remaining totals are balanced among the others. Where the network splits
    the region into parts, each part balances its own origins over its own
    destinations (the destinations scaled to that part's origin total).
    """
    o = np.asarray(origins, dtype=float)
    d = np.asarray(destinations, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        f = np.where(np.isfinite(cost), np.exp(-beta * np.where(np.isfinite(cost), cost, 0.0)), 0.0)
    row_ok = f.sum(axis=1) > 0
    col_ok = f.sum(axis=0) > 0
    o = np.where(row_ok, o, 0.0)
    d = np.where(col_ok, d, 0.0)
    if o.sum() <= 0 or d.sum() <= 0:
        return np.zeros_like(f)
    # Each part of the network (origins and destinations linked by a route)
    # balances its own workers over its own jobs.
    n_o, n_d = len(o), len(d)
    link = sparse.coo_matrix(f > 0)
    graph = sparse.coo_matrix(
        (np.ones(link.nnz), (link.row, n_o + link.col)), shape=(n_o + n_d, n_o + n_d)
    )
    _, labels = csgraph.connected_components(graph, directed=False)
    trips = np.zeros_like(f)
    for part in np.unique(labels):
        rows = np.flatnonzero(labels[:n_o] == part)
        cols = np.flatnonzero(labels[n_o:] == part)
        if not len(rows) or not len(cols) or o[rows].sum() <= 0 or d[cols].sum() <= 0:
            continue
        block = _furness(
            o[rows],
            d[cols] * (o[rows].sum() / d[cols].sum()),
            f[np.ix_(rows, cols)],
            tolerance=tolerance,
            max_iterations=max_iterations,
        )
        trips[np.ix_(rows, cols)] = block
    return trips


def _furness(
    o: np.ndarray, d: np.ndarray, f: np.ndarray, *, tolerance: float, max_iterations: int
) -> np.ndarray:
    """Balancing factors by Furness iteration on one connected block (equal totals).

    The products are numpy's own loops (einsum), not BLAS: a multi-threaded
    BLAS sums in an order that depends on its thread count, so a Dask worker
    (one thread) and the app (all cores) would differ in the last digit.
    """
    b = np.ones(len(d))
    for _ in range(max_iterations):
        fb = np.einsum("ij,j->i", f, b * d)
        a = np.divide(1.0, fb, out=np.zeros_like(fb), where=fb > 0)
        fa = np.einsum("i,ij->j", a * o, f)
        b = np.divide(1.0, fa, out=np.zeros_like(fa), where=fa > 0)
        b = b / max(float(b.max()), 1e-300)
        fb = np.einsum("ij,j->i", f, b * d)
        a = np.divide(1.0, fb, out=np.zeros_like(fb), where=fb > 0)
        columns = np.einsum("i,ij->j", a * o, f) * b * d
        if np.abs(columns - d).max() <= tolerance * max(o.sum(), 1.0):
            break
    return (a * o)[:, None] * f * (b * d)[None, :]


def distance_network(network: Network) -> Network:
    """The network whose ``bike`` costs are metres: shortest routes by distance
    that honour one-way streets (the cost of :func:`assign_routes`)."""
    key = ("distance_network",)
    cached = network.cache.get(key)
    if cached is None:
        cached = replace(network, speed_kmh=np.full(network.n_edges, 3.6))
        network.cache[key] = cached
    return cached


class RouteTrees:
    """Shortest-route trees (by distance, one-way streets honoured) from every
    reachable destination, searched once: the source x destination distance
    matrix and the assignment of flows share them."""

    def __init__(
        self,
        network: Network,
        sources: Attachment,
        destinations: Attachment,
        *,
        limit_m: float = MAX_UPTAKE_KM * 1000.0,
        batch: int = 8,
        check: Callable[[], None] | None = None,
        known: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
        known_arcs: dict[int, TreeArcs] | None = None,
        seeds: dict[int, Any] | None = None,
        costs: Network | None = None,
        keep: bool = True,
    ) -> None:
        """``known``: trees of destinations an edit cannot have changed
        (``(dist, pred)`` on this network's numbering, see
        :mod:`opportunity_reuse`), ``known_arcs`` their :class:`TreeArcs`;
        only the others are searched. ``seeds``: for some of those, a
        :class:`~opportunity_reuse.TreeSeed` (the base's tree on this
        numbering), which is repaired rather than searched again
        (:func:`~slimmeregio.scenarios.search_repair.repair_search`; scipy
        searches where the repair meets a tie). ``costs``: the network
        (same edges) whose ``bike`` costs the routes minimise; default
        :func:`distance_network` (then :meth:`distances_m` are lengths).
        ``keep=False``: a destination's tree, route starts and arcs are
        dropped once :meth:`assign` has used them (a scenario's trees are
        not kept for later; 85 trees and their arcs are about 240 MB on an
        address-level project), and each destination is assigned once."""
        self.check = check
        self.keep = keep
        #: Destinations whose tree was dropped after its assignment (``keep=False``).
        self._spent: set[int] = set()
        self.arcs: dict[int, TreeArcs] = dict(known_arcs or {})
        self.network = distance_network(network) if costs is None else costs
        self.sources = sources
        self.destinations = destinations
        self.trees: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.results: dict[int, NearestResult] = {}
        self.graph: ArcGraph | None = None
        #: How many trees were repaired rather than searched again.
        self.repaired = 0
        #: Destinations whose searched trees were checked to have no tie.
        self._untied: set[int] = set()
        self._arcs_by_head: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if len(sources) == 0 or not destinations.reachable.any():
            return
        graph, d_ok = with_destinations(self.network, destinations, "bike")
        self.graph = graph
        self.starts = SourceStarts(self.network, sources, destinations)
        known = known or {}
        todo = np.array([p for p, j in enumerate(d_ok) if int(j) not in known], dtype=np.int64)
        todo = self._repair(todo, d_ok, seeds or {}, limit_m)
        for first in range(0, len(todo), batch):
            if check is not None:
                check()
            self._search(todo[first : first + batch], d_ok, limit_m)
        for j in d_ok:
            if int(j) in known:
                self.trees[int(j)] = known[int(j)]
        self.trees = {int(j): self.trees[int(j)] for j in d_ok}

    def _repair(
        self,
        todo: np.ndarray,
        d_ok: np.ndarray,
        seeds: dict[int, Any],
        limit_m: float,
    ) -> np.ndarray:
        """Repair the seeded trees among ``todo``; returns the positions left to search."""
        assert self.graph is not None
        n = self.network.n_nodes
        left = []
        by_head = self._by_head() if any(int(d_ok[p]) in seeds for p in todo) else None
        for p in todo:
            seed = seeds.get(int(d_ok[p]))
            if seed is not None:
                if self.check is not None:
                    self.check()
                dist, pred = seed.tree()
                root = np.array([n + p], dtype=np.int64)
                if repair_search(
                    self.graph.matrix,
                    dist,
                    pred,
                    root,
                    limit=limit_m,
                    by_head=by_head,
                    suspects=seed.suspects,
                ):
                    self.trees[int(d_ok[p])] = (dist, pred.astype(np.int32, copy=False))
                    self.repaired += 1
                    continue
            left.append(p)
        return np.array(left, dtype=np.int64)

    def _search(self, pos: np.ndarray, d_ok: np.ndarray, limit_m: float) -> None:
        """Search the trees of the destinations at ``pos`` (compiled, without
        the interpreter lock, :func:`~bounded_search.bounded_trees`); a tree
        with a tie, whose predecessors depend on the heap, is searched again
        by scipy, so every tree is the one scipy gives."""
        assert self.graph is not None
        n = self.network.n_nodes
        matrix = self.graph.matrix
        dist, pred = bounded_trees(matrix, n + pos, limit_m)
        by_head = self._by_head()
        for row, p in enumerate(pos):
            j = int(d_ok[p])
            if is_scipy_tree(matrix, dist[row], pred[row], np.array([n + p]), by_head=by_head):
                self.trees[j] = (dist[row], pred[row])
                self._untied.add(j)
                continue
            d, pr = csgraph.dijkstra(
                matrix, directed=True, indices=n + p, return_predecessors=True, limit=limit_m
            )
            self.trees[j] = (d, pr.astype(np.int32))

    def _by_head(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The graph's arcs by head (:func:`~search_repair.transposed`), once."""
        assert self.graph is not None
        if self._arcs_by_head is None:
            self._arcs_by_head = transposed(self.graph.matrix)
        return self._arcs_by_head

    def untied(self) -> frozenset[int]:
        """The destinations whose trees have no tie (:func:`~search_repair.is_scipy_tree`)."""
        if self.graph is None:
            return frozenset()
        by_head = self._by_head()
        n = self.network.n_nodes
        d_ok = list(self.trees)
        out = []
        for p, j in enumerate(d_ok):
            dist, pred = self.trees[j]
            if j in self._untied or is_scipy_tree(
                self.graph.matrix, dist, pred, np.array([n + p]), by_head=by_head
            ):
                out.append(j)
        return frozenset(out)

    def result(self, j: int) -> NearestResult:
        """Every source's route start towards ``j`` (cost, entry node, own edge)."""
        return self._result(j)

    def _result(self, j: int) -> NearestResult:
        """Every source's route start towards ``j`` (kept after the first call)."""
        assert self.graph is not None
        res = self.results.get(j)
        if res is None:
            dist, pred = self.trees[j]
            # The tree's int32 predecessors as they are: 85 trees of 150,000
            # nodes kept as int64 copies would cost 100 MB on an address-level project.
            res = self.results[j] = self.starts.result(j, self.graph, dist, pred)
        return res

    def distances_m(self) -> np.ndarray:
        """``(sources, destinations)`` route distance in metres (``inf``: none within the limit)."""
        out = np.full((len(self.sources), len(self.destinations)), np.inf)
        if self.graph is None:
            return out
        self._not_spent(self._spent)  # any dropped tree would read as unreachable
        for j in self.trees:
            out[:, j] = self._result(j).cost
        return out

    def assign(self, flows: Iterable[tuple[int, np.ndarray]]) -> np.ndarray:
        """Per edge: the summed flow; ``flows`` yields ``(destination, weight per source)``."""
        total = np.zeros(self.network.n_edges)
        if self.graph is None:
            return total
        for j, weights in flows:
            if self.check is not None:
                self.check()
            j = int(j)
            self._not_spent({j})
            w = np.asarray(weights, dtype=float)
            tree = self.trees.get(j)
            if tree is not None and (w > 0).any():
                total += _tree_flows(self.network.n_edges, self._result(j), w, self.tree_arcs(j))
            if not self.keep:
                self._spent.add(j)
                self.trees.pop(j, None)
                self.results.pop(j, None)
                self.arcs.pop(j, None)
        return total

    def _not_spent(self, wanted: set[int]) -> None:
        """Refuse to use dropped trees (``keep=False``): they would read as unreachable."""
        spent = wanted & self._spent
        if spent:
            raise RuntimeError(f"route trees already assigned and dropped: {sorted(spent)[:5]}")

    def tree_arcs(self, j: int) -> TreeArcs:
        """The arcs of ``j``'s tree (kept after the first call)."""
        arcs = self.arcs.get(j)
        if arcs is None:
            assert self.graph is not None
            dist, pred = self.trees[j]
            arcs = self.arcs[j] = TreeArcs.of(self.graph, dist, pred)
        return arcs


@dataclass(frozen=True, eq=False)
class TreeArcs:
    """One search tree's nodes, children before parents, and per node the
    edge of its arc towards the root and whether that arc rides a positive
    length (what :func:`~kernel.flows_to_nearest` looks up per call)."""

    in_tree: np.ndarray
    order: np.ndarray
    edge: np.ndarray
    ridden: np.ndarray

    @classmethod
    def of(cls, graph: ArcGraph, dist: np.ndarray, pred: np.ndarray) -> TreeArcs:
        # Node and edge numbers as int32 where they fit: a base keeps one of
        # these per workplace tree (85 on an address-level project).
        small = np.int32 if max(len(pred), len(graph.edge)) < 2**31 else np.int64
        # Travel x -> pred[x] is stored reversed: row pred[x], col x.
        member, in_tree, edge, ridden = tree_arcs(
            pred, dist, graph.matrix, graph.edge, graph.ridden, small
        )
        order = children_first(pred, member).astype(small)
        return cls(in_tree, order, edge, ridden)

    def renumbered(self, edge_map: np.ndarray | None) -> TreeArcs:
        """The same tree on a scenario network whose edges ``edge_map`` renumbers."""
        if edge_map is None:
            return self
        edge = np.where(self.edge >= 0, edge_map[np.maximum(self.edge, 0)], -1)
        return TreeArcs(self.in_tree, self.order, edge.astype(self.edge.dtype), self.ridden)


def _tree_flows(
    n_edges: int, result: NearestResult, weights: np.ndarray, arcs: TreeArcs
) -> np.ndarray:
    """:func:`~kernel.flows_to_nearest` with the tree's arcs looked up once
    (:class:`TreeArcs`), in one compiled pass without the interpreter lock:
    the same additions in the same order as the numpy formulation it
    replaced, so the same flows bit for bit (``tests/scenarios/test_tree_flows.py``)."""
    assert result.src_edge is not None and result.src_ridden is not None
    return flows_on_tree(
        n_edges,
        (result.dest, result.entry, result.src_edge, result.src_ridden),
        weights,
        result.pred,
        (arcs.order, arcs.in_tree, arcs.edge, arcs.ridden),
    )


def assign_routes(
    network: Network,
    sources: Attachment,
    destinations: Attachment,
    flows: Iterable[tuple[int, np.ndarray]],
    *,
    limit_m: float = MAX_UPTAKE_KM * 1000.0,
    batch: int = 8,
) -> np.ndarray:
    """Per edge of ``network``: the summed flow on the shortest routes.

    ``flows`` yields ``(destination index, weight per source)``: the
    weights ride each source's shortest route (by distance, one-way streets
    honoured) to that destination. A route counts on every edge it travels a
    positive length of (see :class:`RouteTrees`).
    """
    return RouteTrees(network, sources, destinations, limit_m=limit_m, batch=batch).assign(flows)
