"""Missing links: nearby places with a large network detour.

Places are network nodes near housing (one per cell of a quarter of
``detour_max_straight_m``, nearest to the dwelling-weighted centre of the
cell), dead ends, and the nodes next to mobipunten and stations. Pairs of places at most ``detour_max_straight_m`` apart whose walking
network distance exceeds ``detour_ratio`` times the straight distance (or
that are not connected at all) are candidates. Each candidate is scored by
what a straight ``lokaal`` link between the two would do: the dwellings whose
cycling time to the nearest mobipunt (or station) drops, and the
dwelling-minutes saved, within the largest cycling threshold.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.spatial import cKDTree

from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.scenarios.attach import Attachment, connector_cost, entry_costs
from slimmeregio.scenarios.bounded_search import bounded_costs
from slimmeregio.scenarios.indicators import Situation
from slimmeregio.scenarios.kernel import base_arcs, csr_min, nearest_destination
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.results import MissingLinkSuggestion
from slimmeregio.scenarios.siting import candidate_sites

__all__ = ["suggest_missing_links_in"]

#: Pairs closer than this are not worth a link (m).
MIN_STRAIGHT_M = 30.0


def _new_costs(
    old_node: np.ndarray,
    new_node: np.ndarray,
    conn: np.ndarray,
    to_u: np.ndarray,
    to_v: np.ndarray,
    hu: np.ndarray,
    hv: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    old = conn + np.minimum(to_u + old_node[hu], to_v + old_node[hv])
    new = conn + np.minimum(to_u + new_node[hu], to_v + new_node[hv])
    return old, np.minimum(old, new)


def _places(sit: Situation, dwellings: np.ndarray, *, cell_m: float) -> np.ndarray:
    """Network nodes worth joining: near housing, at dead ends, at destinations."""
    net = sit.network
    near_housing = candidate_sites(net, sit.housing_att.xy, dwellings, cell_m=cell_m)
    nodes = [
        np.asarray([int(c.split("-")[1]) for c in near_housing["candidate_id"]], dtype=np.int64)
    ]
    degree = np.bincount(np.concatenate([net.u, net.v]), minlength=net.n_nodes)
    nodes.append(np.flatnonzero(degree == 1))
    for att in (sit.mobipunt_att, sit.station_att):
        ok = att.reachable
        if ok.any():
            e = att.edge[ok]
            nodes.append(np.where(att.frac[ok] <= 0.5, net.u[e], net.v[e]))
    return np.unique(np.concatenate(nodes)).astype(np.int64)


def _walking_metres(
    net: Network, nodes: np.ndarray, pairs: np.ndarray, limit: float, task: Task
) -> np.ndarray:
    """Walking distance over the network between the two places of each pair
    (inf beyond ``limit``), searched from each first place once."""
    tail, head, w, _ = base_arcs(net, "walk")
    walk = csr_min(net.n_nodes, tail, head, w).matrix
    net_m = np.full(len(pairs), np.inf)
    sources = np.unique(pairs[:, 0])
    for start in range(0, len(sources), 64):
        task.check()
        chunk = sources[start : start + 64]
        dist = bounded_costs(walk, nodes[chunk], limit)
        row_of = {int(s): r for r, s in enumerate(chunk)}
        sel = np.flatnonzero(np.isin(pairs[:, 0], chunk))
        rows = np.asarray([row_of[int(s)] for s in pairs[sel, 0]], dtype=np.int64)
        net_m[sel] = dist[rows, nodes[pairs[sel, 1]]]
    return net_m


def _cycling_to(
    net: Network, ends: np.ndarray, horizon: float, task: Task
) -> dict[int, np.ndarray]:
    """Per end node, the cycling cost from every node to it (inf beyond ``horizon``)."""
    tail_b, head_b, w_b, _ = base_arcs(net, "bike")
    rev = csr_min(net.n_nodes, head_b, tail_b, w_b).matrix
    to_end: dict[int, np.ndarray] = {}
    for start in range(0, len(ends), 32):
        task.check()
        chunk = ends[start : start + 32]
        dist = bounded_costs(rev, chunk, horizon)
        for row, node in zip(dist, chunk, strict=True):
            to_end[int(node)] = row
    return to_end


def _destinations(sit: Situation, target: str) -> Attachment:
    """The attached destinations a suggestion brings closer: stations with
    enough trains, or mobipunten of the counted types."""
    params = sit.parameters
    if target == "station":
        ok = sit.stations["trains_per_day"].to_numpy(float) >= params.min_trains_per_day
        return sit.station_att.subset(ok)
    ok = sit.mobipunten["hoppin_type"].isin(list(params.mobipunt_types)).to_numpy()
    return sit.mobipunt_att.subset(ok)


def suggest_missing_links_in(
    sit: Situation,
    *,
    top: int = 20,
    target: str = "mobipunt",
    max_candidates: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> list[MissingLinkSuggestion]:
    """Ranked missing-link suggestions for an applied situation."""
    task = Task(progress, cancel)
    params = sit.parameters
    net = sit.network
    max_straight = params.detour_max_straight_m
    dwellings = np.nan_to_num(np.asarray(sit.housing["dwellings"], dtype=float))
    h_att = sit.housing_att
    nodes = _places(sit, dwellings, cell_m=max(max_straight / 4.0, 50.0))
    if len(nodes) < 2:
        return []
    xy = net.node_xy[nodes]
    pairs = cKDTree(xy).query_pairs(r=max_straight, output_type="ndarray")
    if len(pairs) == 0:
        return []
    straight = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    keep = straight >= MIN_STRAIGHT_M
    pairs, straight = pairs[keep], straight[keep]
    task.report(0.1, "network distances")

    # Walking distances between places, limited to what would count as a detour.
    net_m = _walking_metres(net, nodes, pairs, params.detour_ratio * max_straight, task)
    ratio = net_m / straight
    detour = ratio > params.detour_ratio
    pairs, straight, net_m, ratio = pairs[detour], straight[detour], net_m[detour], ratio[detour]
    if len(pairs) == 0:
        return []
    task.report(0.3, "benefit of each link")

    # Current cost from every node to the nearest destination (cycling).
    res = nearest_destination(net, h_att, _destinations(sit, target), mode="bike")
    node_cost = res.dist[: net.n_nodes]
    speed = params.speed_for("lokaal") / 3.6
    # A link a-b helps nobody unless one end gets closer through the other:
    # any node's new route via the link costs at least its route via that end.
    ca, cb = node_cost[nodes[pairs[:, 0]]], node_cost[nodes[pairs[:, 1]]]
    link_s = straight / speed
    with np.errstate(invalid="ignore"):
        gain = np.nan_to_num(
            np.maximum(ca - (link_s + cb), cb - (link_s + ca)), nan=0.0, posinf=1e9
        )
    useful = gain > 1.0
    pairs, straight, net_m, ratio, gain = (
        pairs[useful],
        straight[useful],
        net_m[useful],
        ratio[useful],
        gain[useful],
    )
    if len(pairs) == 0:
        return []
    # Rank candidates for the exact benefit by gain x dwellings near the ends.
    _, nearest_place = cKDTree(xy).query(h_att.xy[h_att.reachable])
    local = np.bincount(nearest_place, weights=dwellings[h_att.reachable], minlength=len(nodes))
    proxy = np.minimum(gain, 3600.0) * (local[pairs[:, 0]] + local[pairs[:, 1]] + 1.0)
    cap = max_candidates or max(5 * top, 100)
    order = np.argsort(-proxy, kind="stable")[:cap]
    pairs, straight, net_m, ratio = pairs[order], straight[order], net_m[order], ratio[order]

    horizon = max(params.bike_thresholds_min) * 60.0
    speed = params.speed_for("lokaal") / 3.6
    reach = h_att.reachable
    # Every candidate edge of every dwelling; the best one per dwelling.
    owner, flat = h_att.expand()
    conn = connector_cost(net, flat, "bike")
    to_u, to_v = entry_costs(net, flat, "bike")
    hu, hv = net.u[flat.edge], net.v[flat.edge]
    starts = (
        np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
        if len(owner)
        else np.zeros(0, np.int64)
    )
    owners = owner[starts]
    to_end = _cycling_to(net, np.unique(nodes[pairs.reshape(-1)]), horizon, task)
    old_cost = np.where(reach, res.cost, np.inf)
    out = []
    for p, (i, j) in enumerate(pairs):
        a, b = int(nodes[i]), int(nodes[j])
        c = straight[p] / speed
        via = np.minimum(to_end[a] + c + node_cost[b], to_end[b] + c + node_cost[a])
        new_node = np.minimum(node_cost, via)
        _, new_flat = _new_costs(node_cost, new_node, conn, to_u, to_v, hu, hv)
        new = np.full(len(reach), np.inf)
        if len(starts):
            new[owners] = np.minimum.reduceat(new_flat, starts)
        new = np.where(reach, np.minimum(new, old_cost), np.inf)
        better = reach & (new < old_cost - 1.0) & (new <= horizon)
        saved = np.where(np.isfinite(old_cost), old_cost - new, 0.0)
        out.append(
            (
                float(dwellings[better].sum()),
                float((dwellings[better] * saved[better]).sum() / 60.0),
                p,
            )
        )
        if p % 20 == 0:
            task.report(0.3 + 0.7 * p / len(pairs), "benefit of each link")
    out.sort(key=lambda t: (-t[0], -t[1]))
    munis = sit.municipalities
    suggestions = []
    for rank, (improved, minutes, p) in enumerate([o for o in out if o[0] > 0][:top], start=1):
        i, j = pairs[p]
        a, b = int(nodes[i]), int(nodes[j])
        muni = ""
        if munis is not None:
            mid = shapely.Point((xy[i] + xy[j]) / 2)
            hit = munis.sindex.query(mid, predicate="intersects")
            if len(hit):
                muni = str(munis["name"].iloc[int(hit[0])])
        suggestions.append(
            MissingLinkSuggestion(
                rank=rank,
                from_xy=(float(xy[i][0]), float(xy[i][1])),
                to_xy=(float(xy[j][0]), float(xy[j][1])),
                from_node=a,
                to_node=b,
                straight_m=float(straight[p]),
                network_m=float(net_m[p]),
                ratio=float(ratio[p]),
                dwellings_improved=int(round(improved)),
                minutes_saved=float(minutes),
                municipality=muni,
            )
        )
    task.report(1.0, "done")
    return suggestions
