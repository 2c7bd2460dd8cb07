"""Siting: the K best new mobipunt sites (maximal coverage, greedy + CELF).

Each candidate site covers the dwellings within
``parameters.siting_threshold_min`` cycling minutes of it (exact network
costs through the candidate's own virtual node). Dwellings already within
that time of an existing mobipunt are covered. Greedy selection adds, K
times, the site that newly covers the most dwellings; lazy evaluation
(CELF: gains only shrink as coverage grows, so a stale gain is an upper
bound) recomputes few gains per round. Greedy maximum coverage is within
``1 - 1/e`` of the optimum.
"""

from __future__ import annotations

import heapq
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.scenarios.attach import (
    Attachment,
    attach_points,
    connector_cost,
    entry_costs,
    part_cost,
)
from slimmeregio.scenarios.compiled import covered_points
from slimmeregio.scenarios.indicators import Situation
from slimmeregio.scenarios.kernel import nearest_destination, same_edge_pairs, with_destinations
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.results import SitingResult

__all__ = ["candidate_sites", "celf", "coverage_sets", "suggest_sites_in"]

#: Default candidates: one network node per cell of this size holding housing.
CANDIDATE_CELL_M = 250.0


def candidate_sites(
    network: Network,
    housing_xy: np.ndarray,
    weights: np.ndarray,
    *,
    cell_m: float = CANDIDATE_CELL_M,
) -> gpd.GeoDataFrame:
    """Candidate sites from network nodes near housing.

    For every ``cell_m`` square holding housing, the network node nearest to
    the dwelling-weighted centre of that housing.
    """
    from scipy.spatial import cKDTree

    xy = np.asarray(housing_xy, float).reshape(-1, 2)
    w = np.asarray(weights, float)
    ok = np.isfinite(xy).all(axis=1) & (w > 0)
    xy, w = xy[ok], w[ok]
    if len(xy) == 0 or network.n_nodes == 0:
        return gpd.GeoDataFrame(
            {"candidate_id": [], "name": []}, geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS)
        )
    cells = np.floor(xy / cell_m).astype(np.int64)
    frame = pd.DataFrame(
        {"cx": cells[:, 0], "cy": cells[:, 1], "w": w, "x": xy[:, 0] * w, "y": xy[:, 1] * w}
    )
    g = frame.groupby(["cx", "cy"], sort=True).sum()
    centres = np.stack([g["x"] / g["w"], g["y"] / g["w"]], axis=1)
    used = np.unique(np.concatenate([network.u, network.v]))
    _, idx = cKDTree(network.node_xy[used]).query(centres)
    nodes = np.unique(used[idx])
    pts = network.node_xy[nodes]
    return gpd.GeoDataFrame(
        {"candidate_id": [f"knoop-{int(n)}" for n in nodes], "name": ["" for _ in nodes]},
        geometry=gpd.GeoSeries(shapely.points(pts), crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )


def coverage_sets(
    network: Network,
    housing: Attachment,
    candidates: Attachment,
    *,
    limit_s: float,
    task: Task | None = None,
    workers: int | None = None,
) -> list[np.ndarray]:
    """Per candidate: indices of the housing points within ``limit_s`` cycling
    (sorted, int32 when the housing layer allows).

    Cost from a housing point to the candidate: connector, along its edge to
    ``u`` or ``v``, the network, and the candidate's own connector; or
    directly along a shared edge. ``workers``: threads searching batches of
    candidates (default: one per core, see :data:`MAX_THREADS`); the sets do
    not depend on it.
    """
    task = task or Task()
    k = len(candidates)
    sets: list[np.ndarray] = [np.zeros(0, np.int64) for _ in range(k)]
    # One row per (housing point, candidate edge); a point is covered when
    # any of its rows is.
    owner, flat = housing.expand()
    if len(owner) == 0 or not candidates.reachable.any():
        return sets
    n_house = len(housing)
    conn = connector_cost(network, flat, "bike")
    to_u, to_v = entry_costs(network, flat, "bike")
    # Entries: (node, housing row, cost from the node along the edge to the
    # row's point). The row's cost through node x is conn + (entry + d[x]);
    # the minimum over its two nodes equals conn + min(...) exactly (rounding
    # is monotone). Entries that exceed the limit on their own never count.
    e_node = np.concatenate([network.u[flat.edge], network.v[flat.edge]])
    e_row = np.concatenate([np.arange(len(owner)), np.arange(len(owner))])
    e_cost = np.concatenate([to_u, to_v])
    useful = conn[e_row] + e_cost <= limit_s
    e_node, e_row, e_cost = e_node[useful], e_row[useful], e_cost[useful]
    # Grouped by node, stably (a counting sort: the CSR build of a matrix
    # whose column of each entry is its position).
    by_node = sparse.csr_matrix(
        (np.ones(len(e_node), bool), (e_node, np.arange(len(e_node)))),
        shape=(network.n_nodes, len(e_node)),
    )
    order = by_node.indices
    e_row, e_cost = e_row[order], e_cost[order]
    e_ptr = by_node.indptr.astype(np.int64)
    e_conn = np.ascontiguousarray(conn[e_row], dtype=np.float64)
    e_cost = np.ascontiguousarray(e_cost, dtype=np.float64)
    # Housing indices as int32 when they fit: thousands of sets of thousands of points.
    index_type = np.int32 if n_house < 2**31 else np.int64
    e_owner = owner[e_row].astype(index_type)
    same_cand, same_house = _same_edge_hits(network, flat, owner, candidates, limit_s)
    same_order = np.argsort(same_cand, kind="stable")
    same_cand, same_house = same_cand[same_order], same_house[same_order].astype(index_type)
    searches = _LocalSearches(network, candidates, limit_s)
    entries = (e_ptr, e_conn, e_cost, e_owner)

    def cover(chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The batch's candidates, their covered points (concatenated) and bounds."""
        which, nodes, dist = searches.run(chunk)
        same = (
            np.searchsorted(same_cand, which, side="left"),
            np.searchsorted(same_cand, which, side="right"),
            same_house,
        )
        points, bounds = covered_points(dist, nodes, limit_s, entries, same, n_house, index_type)
        return which, points, bounds

    # The batches are independent and the compiled gathering runs without
    # the GIL, so one thread gathers while another searches (scipy 1.17's
    # Dijkstra holds the GIL: two searching threads do not overlap), without
    # copying the network into other processes.
    pool = ThreadPoolExecutor(max_workers=_threads(workers))
    try:
        done = 0
        for which, points, bounds in pool.map(cover, searches.batches):
            for i, j in enumerate(which.tolist()):
                sets[j] = points[bounds[i] : bounds[i + 1]]
            done += len(which)
            task.report(done / max(k, 1), "candidate coverage")
    finally:  # a cancel (raised by the report) drops the batches not started
        pool.shutdown(wait=True, cancel_futures=True)
    return sets


#: Candidates searched together (one cost matrix row each).
_BATCH = 32
#: Most threads the coverage searches use (bounded by the machine's cores).
MAX_THREADS = 4


def _threads(workers: int | None) -> int:
    """``workers`` threads, or by default one per core up to :data:`MAX_THREADS`."""
    if workers is not None:
        return max(1, int(workers))
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


class _LocalSearches:
    """Bounded searches from the candidates, each batch on a local graph.

    :attr:`batches` lists groups of nearby candidates (positions among the
    reachable ones); :meth:`run` searches one and returns ``(candidate
    indices, network nodes, costs)``: ``costs[i, m]`` is the travel cost from
    ``nodes[m]`` to candidate ``indices[i]`` (``inf`` beyond ``limit_s``);
    nodes not listed are beyond the limit. A batch's graph holds only the
    nodes within straight distance ``vmax * limit_s`` of its candidates,
    where ``vmax`` is the largest straight distance per unit of cost over all
    arcs: a path costing at most ``limit_s`` cannot leave that disc, so the
    costs equal a search on the whole network exactly, at a fraction of the
    per-search set-up cost. :meth:`run` may be called from several threads.
    """

    def __init__(self, network: Network, candidates: Attachment, limit_s: float) -> None:
        n = self.n = network.n_nodes
        self.limit_s = limit_s
        graph, self.d_ok = with_destinations(network, candidates, "bike")
        m = self.matrix = graph.matrix
        size = m.shape[0]
        xy = np.vstack(
            [np.asarray(network.node_xy, float), np.asarray(candidates.xy, float)[self.d_ok]]
        )
        tails = np.repeat(np.arange(size), np.diff(m.indptr))
        chord = np.hypot(*(xy[tails] - xy[m.indices]).T)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(chord > 0, chord / m.data, 0.0)
        vmax = float(ratio.max()) if len(ratio) else 0.0
        reach_m = vmax * limit_s * (1.0 + 1e-9) + 1.0
        if not (np.isfinite(reach_m) and np.isfinite(xy).all()):
            reach_m = np.inf
        self.reach_m = reach_m
        cxy = self.cxy = xy[n:]
        # Nearby candidates together: tiles of about the reach.
        tile = max(reach_m / 2.0, 500.0) if np.isfinite(reach_m) else np.inf
        if np.isfinite(tile):
            cells = np.floor(cxy / tile).astype(np.int64)
            order = np.lexsort((cells[:, 0], cells[:, 1]))
            keys = cells[order]
            starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)])
            groups = np.split(order, starts[1:])
        else:
            groups = [np.arange(len(self.d_ok))]
        self.batches = [
            group[first : first + _BATCH]
            for group in groups
            for first in range(0, len(group), _BATCH)
        ]
        self.by_x = np.argsort(xy[:n, 0], kind="stable")
        self.sorted_x = xy[:n, 0][self.by_x]
        self.node_y = xy[:n, 1]
        self._lookups = threading.local()

    def run(self, chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, m, reach_m = self.n, self.matrix, self.reach_m
        if np.isfinite(reach_m):
            lo_x, lo_y = self.cxy[chunk].min(axis=0) - reach_m
            hi_x, hi_y = self.cxy[chunk].max(axis=0) + reach_m
            a = int(np.searchsorted(self.sorted_x, lo_x, side="left"))
            b = int(np.searchsorted(self.sorted_x, hi_x, side="right"))
            near = self.by_x[a:b]
            y = self.node_y[near]
            nodes = np.sort(near[(y >= lo_y) & (y <= hi_y)])
        else:
            nodes = np.arange(n)
        local = np.concatenate([nodes, n + chunk])
        lookup = getattr(self._lookups, "lookup", None)
        if lookup is None:  # global node -> local position; one per thread, left all -1
            lookup = self._lookups.lookup = np.full(m.shape[0], -1, np.int64)
        lookup[local] = np.arange(len(local))
        count = m.indptr[local + 1] - m.indptr[local]
        offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        pos = np.repeat(m.indptr[local], count) + offset
        col = lookup[m.indices[pos]]
        keep = col >= 0
        lookup[local] = -1
        row = np.repeat(np.arange(len(local)), count)[keep]
        indptr = np.zeros(len(local) + 1, np.int64)
        np.cumsum(np.bincount(row, minlength=len(local)), out=indptr[1:])
        sub = sparse.csr_matrix(
            (m.data[pos[keep]], col[keep], indptr), shape=(len(local), len(local))
        )
        dist = csgraph.dijkstra(
            sub, directed=True, indices=len(nodes) + np.arange(len(chunk)), limit=self.limit_s
        )
        return self.d_ok[chunk], nodes, np.atleast_2d(dist)[:, : len(nodes)]


def _same_edge_hits(
    network: Network, flat: Attachment, owner: np.ndarray, candidates: Attachment, limit_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(candidate, housing point)`` pairs covered directly along a shared
    edge (without passing a node), for reachable candidates."""
    fwd, bwd = network.weights("bike")
    conn = connector_cost(network, flat, "bike")
    c_owner, c_flat = candidates.expand()
    cand_conn = connector_cost(network, c_flat, "bike")
    ci, hi = same_edge_pairs(c_flat.edge, flat.edge)
    ok = candidates.reachable[c_owner[ci]]
    ci, hi = ci[ok], hi[ok]
    e = c_flat.edge[ci]
    f = c_flat.frac[ci]
    g = flat.frac[hi]
    along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
    direct = conn[hi] + along + cand_conn[ci]
    hit = direct <= limit_s
    return c_owner[ci[hit]].astype(np.int64), owner[hi[hit]].astype(np.int64)


def celf(
    sets: list[np.ndarray], weights: np.ndarray, covered: np.ndarray, k: int
) -> tuple[list[int], list[float], int]:
    """Greedy maximum coverage with lazy evaluation.

    Returns the chosen set indices, the gain of each (given the ones before)
    and the number of gain evaluations. Stops early when no set adds weight.
    """
    covered = np.asarray(covered, bool).copy()
    w = np.asarray(weights, float)

    def gain(i: int) -> float:
        s = sets[i]
        return float(w[s][~covered[s]].sum()) if len(s) else 0.0

    heap = [(-gain(i), i, 0) for i in range(len(sets))]
    evaluations = len(sets)
    heapq.heapify(heap)
    chosen: list[int] = []
    gains: list[float] = []
    while heap and len(chosen) < k:
        neg, i, stamp = heapq.heappop(heap)
        if stamp == len(chosen):
            if -neg <= 0:
                break
            chosen.append(i)
            gains.append(-neg)
            covered[sets[i]] = True
        else:
            g = gain(i)
            evaluations += 1
            heapq.heappush(heap, (-g, i, len(chosen)))
    return chosen, gains, evaluations


def suggest_sites_in(
    sit: Situation,
    k: int,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> SitingResult:
    """The ``k`` best new mobipunt sites in an applied situation."""
    task = Task(progress, cancel)
    params = sit.parameters
    net = sit.network
    limit_s = params.siting_threshold_min * 60.0
    dwellings = pd.to_numeric(sit.housing["dwellings"], errors="coerce").fillna(0).to_numpy(float)
    h_att = sit.housing_att
    if candidates is None:
        candidates = candidate_sites(net, h_att.xy, dwellings)
    cand = (
        candidates.to_crs(ANALYSIS_CRS)
        if candidates.crs and str(candidates.crs) != ANALYSIS_CRS
        else candidates
    )
    cpts = np.asarray(cand.geometry.values, dtype=object)
    cpts = np.where(shapely.get_type_id(cpts) == 0, cpts, shapely.point_on_surface(cpts))
    cxy = shapely.get_coordinates(cpts).reshape(-1, 2)
    id_col = next((c for c in ("candidate_id", "id") if c in cand.columns), None)
    cids = (
        cand[id_col].astype(str).to_numpy(dtype=object)
        if id_col
        else np.asarray([str(i) for i in range(len(cand))], dtype=object)
    )
    name_col = next((c for c in ("name", "naam") if c in cand.columns), None)
    cnames = (
        cand[name_col].fillna("").astype(str).to_numpy() if name_col else np.full(len(cand), "")
    )
    c_att = attach_points(net, cxy, cids, max_snap_m=params.max_snap_m)
    task.report(0.05, "current coverage")

    mobi_ok = sit.mobipunten["hoppin_type"].isin(list(params.mobipunt_types)).to_numpy()
    # Only whether a dwelling is within the limit matters: a bounded search
    # gives the same costs up to it.
    # (Searched before the candidates, not beside them: on 300,000 addresses
    # both at once raised the peak memory by about 0.5 GB for 0.4 s.)
    current = nearest_destination(
        net, h_att, sit.mobipunt_att.subset(mobi_ok), mode="bike", limit=limit_s
    )
    covered = current.cost <= limit_s
    del current
    sets = coverage_sets(net, h_att, c_att, limit_s=limit_s, task=task.sub(0.05, 0.9))
    chosen, gains, evaluations = celf(sets, dwellings, covered, k)
    task.report(0.95, "sites chosen")

    total = float(dwellings.sum())
    before = float(dwellings[covered].sum())
    cum = np.cumsum(gains) if gains else np.zeros(0)
    munis = sit.municipalities
    nis = np.full(len(chosen), "", dtype=object)
    mname = np.full(len(chosen), "", dtype=object)
    if munis is not None and len(chosen):
        pts = shapely.points(cxy[chosen])
        pi, mi = munis.sindex.query(pts, predicate="intersects")
        for p, m in zip(pi, mi, strict=True):
            if not nis[p]:
                nis[p] = str(munis["nis"].iloc[m])
                mname[p] = str(munis["name"].iloc[m])
    sites = gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1),
            "candidate_id": cids[chosen].astype(str) if chosen else np.zeros(0, str),
            "name": cnames[chosen] if chosen else np.zeros(0, str),
            "gain_dwellings": np.asarray(gains, float).round().astype(np.int64),
            "cumulative_dwellings": np.asarray(cum, float).round().astype(np.int64),
            "gain_inhabitants": np.asarray(gains, float) * params.household_size,
            "share_after": 100.0 * (before + cum) / total
            if total > 0
            else np.full(len(chosen), np.nan),
            "nis": nis,
            "municipality": mname,
        },
        geometry=gpd.GeoSeries(shapely.points(cxy[chosen]) if chosen else [], crs=ANALYSIS_CRS),
        crs=ANALYSIS_CRS,
    )
    task.report(1.0, "done")
    return SitingResult(
        sites=sites,
        threshold_min=float(params.siting_threshold_min),
        covered_before=int(round(before)),
        total_dwellings=int(round(total)),
        candidates=len(cand),
        evaluations=evaluations,
    )
