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

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.scenarios.attach import (
    Attachment,
    attach_points,
    connector_cost,
    entry_costs,
    part_cost,
)
from slimmeregio.scenarios.indicators import Situation
from slimmeregio.scenarios.kernel import iter_reach, nearest_destination
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.results import SitingResult

__all__ = ["candidate_sites", "celf", "coverage_sets", "suggest_sites_in"]

#: Default candidates: one network node per cell of this size holding housing.
CANDIDATE_CELL_M = 250.0


def candidate_sites(
    network: Network, housing_xy: np.ndarray, weights: np.ndarray, *, cell_m: float = CANDIDATE_CELL_M
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
    frame = pd.DataFrame({"cx": cells[:, 0], "cy": cells[:, 1], "w": w, "x": xy[:, 0] * w, "y": xy[:, 1] * w})
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
) -> list[np.ndarray]:
    """Per candidate: indices of the housing points within ``limit_s`` cycling
    (sorted, int32 when the housing layer allows).

    Cost from a housing point to the candidate: connector, along its edge to
    ``u`` or ``v``, the network, and the candidate's own connector; or
    directly along a shared edge.
    """
    task = task or Task()
    k = len(candidates)
    sets: list[np.ndarray] = [np.zeros(0, np.int64) for _ in range(k)]
    # One row per (housing point, candidate edge); a point is covered when
    # any of its rows is.
    owner, flat = housing.expand()
    if len(owner) == 0:
        return sets
    n = network.n_nodes
    rows_all = np.arange(len(owner))
    conn = connector_cost(network, flat, "bike")
    to_u, to_v = entry_costs(network, flat, "bike")
    hu = network.u[flat.edge]
    hv = network.v[flat.edge]
    # Node -> candidate rows entering there.
    incidence = sparse.csr_matrix(
        (np.ones(2 * len(owner)), (np.concatenate([hu, hv]), np.concatenate([rows_all, rows_all]))),
        shape=(n, len(owner)),
    )
    fwd, bwd = network.weights("bike")
    c_owner, c_flat = candidates.expand()
    cand_conn = connector_cost(network, c_flat, "bike")
    c_start = np.searchsorted(c_owner, np.arange(k))
    c_end = np.searchsorted(c_owner, np.arange(k), side="right")
    order = np.argsort(flat.edge, kind="stable")
    uniq, starts = np.unique(flat.edge[order], return_index=True)
    by_edge = dict(zip(uniq.tolist(), np.split(order, starts[1:]), strict=True))
    mark = np.zeros(len(housing), bool)
    # Housing indices as int32 when they fit: thousands of sets of thousands of points.
    index_type = np.int32 if len(housing) < 2**31 else np.int64
    reaches = iter_reach(network, candidates, mode="bike", limit=limit_s, batch=32)
    for done, (j, dist) in enumerate(reaches, start=1):
        reached = np.flatnonzero(dist <= limit_s)
        if len(reached):
            sub = incidence[reached]
            near = sub.indices  # duplicates are harmless: the sets are made unique below
            cost = conn[near] + np.minimum(to_u[near] + dist[hu[near]], to_v[near] + dist[hv[near]])
            inside = near[cost <= limit_s]
        else:
            inside = np.zeros(0, np.int64)
        found = [inside]
        for r in range(int(c_start[j]), int(c_end[j])):
            e = int(c_flat.edge[r])
            same = by_edge.get(e)
            if same is None:
                continue
            f = c_flat.frac[r]
            g = flat.frac[same]
            along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
            direct = conn[same] + along + cand_conn[r]
            found.append(same[direct <= limit_s])
        rows = np.concatenate(found) if len(found) > 1 else inside
        hit = owner[rows]
        mark[hit] = True
        sets[j] = np.flatnonzero(mark).astype(index_type)
        mark[hit] = False
        if done % 64 == 0:
            task.report(done / max(k, 1), "candidate coverage")
    return sets


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
    cand = candidates.to_crs(ANALYSIS_CRS) if candidates.crs and str(candidates.crs) != ANALYSIS_CRS else candidates
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
    cnames = cand[name_col].fillna("").astype(str).to_numpy() if name_col else np.full(len(cand), "")
    c_att = attach_points(net, cxy, cids, max_snap_m=params.max_snap_m)
    task.report(0.05, "current coverage")

    mobi_ok = sit.mobipunten["hoppin_type"].isin(list(params.mobipunt_types)).to_numpy()
    current = nearest_destination(net, h_att, sit.mobipunt_att.subset(mobi_ok), mode="bike")
    covered = current.cost <= limit_s
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
            "share_after": 100.0 * (before + cum) / total if total > 0 else np.full(len(chosen), np.nan),
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
