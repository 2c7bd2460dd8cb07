"""Bounded searches from single destinations: node costs per destination and point-to-point costs."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from slimmeregio.scenarios.arcs import with_destinations
from slimmeregio.scenarios.attach import Attachment, connector_cost, part_cost
from slimmeregio.scenarios.bounded_search import bounded_costs, costs_to_targets
from slimmeregio.scenarios.network import Network

__all__ = ["iter_reach", "iter_reach_chunks", "point_distances", "reach_from"]


def iter_reach(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(destination index, node costs)`` for each reachable destination.

    Node costs are the travel costs from every network node to that
    destination (``inf`` beyond ``limit``). Searches run ``batch`` at a time,
    so memory stays bounded however many destinations there are.
    """
    for which, dist in iter_reach_chunks(network, dests, mode=mode, limit=limit, batch=batch):
        for row, j in zip(dist, which, strict=True):
            yield int(j), row


def iter_reach_chunks(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(destination indices, node costs)`` per batch of reachable
    destinations: row ``i`` of the ``(batch, n_nodes)`` cost matrix holds the
    travel costs from every network node to destination ``indices[i]``
    (``inf`` beyond ``limit``). For callers that process a batch at once."""
    n = network.n_nodes
    if not dests.reachable.any():
        return
    graph, d_ok = with_destinations(network, dests, mode)
    for start in range(0, len(d_ok), batch):
        chunk = np.arange(start, min(start + batch, len(d_ok)))
        dist = bounded_costs(graph.matrix, n + chunk, limit)
        yield d_ok[chunk], dist[:, :n]


def reach_from(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
) -> list[np.ndarray | None]:
    """Per destination: cost from every network node to it, up to ``limit``.

    One array of ``n_nodes`` costs (``inf`` beyond ``limit``) per
    destination, None for unreachable destinations.
    """
    out: list[np.ndarray | None] = [None] * len(dests)
    for j, row in iter_reach(network, dests, mode=mode, limit=limit, batch=batch):
        out[j] = row
    return out


def point_distances(
    network: Network,
    points: Attachment,
    pairs: np.ndarray,
    *,
    mode: str,
    limit: float = np.inf,
    limit_factor: float | None = None,
    batch: int = 16,
) -> np.ndarray:
    """Network cost between attached points for each pair ``(i, j)``.

    Exact point-to-point costs through virtual nodes at both ends
    (``inf`` where no path within ``limit`` exists). ``limit_factor`` bounds
    each search to that many times the longest straight distance of the
    target's pairs (walking costs in metres only).
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.full(len(pairs), np.inf)
    if len(pairs) == 0 or not points.reachable.any():
        return out
    graph, d_ok = with_destinations(network, points, mode, both_ways=True)
    vnode_of = np.full(len(points), -1, dtype=np.int64)
    vnode_of[d_ok] = network.n_nodes + np.arange(len(d_ok))
    leave_of = np.where(vnode_of >= 0, vnode_of + len(d_ok), -1)
    # The reversed graph's costs from a target are the travel costs to it.
    # One bounded search per target: pairs carry their own limit.
    straight = np.hypot(*(points.xy[pairs[:, 0]] - points.xy[pairs[:, 1]]).T)
    jobs: list[
        tuple[float, int, np.ndarray, np.ndarray]
    ] = []  # (bound, target node, pair rows, source nodes)
    for t in np.unique(pairs[:, 1]):
        if vnode_of[t] < 0:
            continue
        sel = np.flatnonzero(pairs[:, 1] == t)
        src_v = leave_of[pairs[sel, 0]]
        good = src_v >= 0
        if not good.any():
            continue
        bound = limit if np.isfinite(limit) else np.inf
        if limit_factor is not None:
            bound = min(
                bound,
                limit_factor * float(straight[sel].max())
                + 2 * float(np.nanmax(points.snap_m[pairs[sel].ravel()])),
            )
        jobs.append((float(bound), int(vnode_of[t]), sel[good], src_v[good]))
    # Searches of similar bounds run together (one call per batch); a search
    # bounded higher than a target's own bound gives the same costs up to
    # it, and the costs beyond it are cut as its own search would.
    # Each search stops once its pairs' other ends are settled
    # (:func:`~bounded_search.costs_to_targets`, the same numbers).
    jobs.sort(key=lambda job: job[0])
    for start in range(0, len(jobs), batch):
        chunk = jobs[start : start + batch]
        found = costs_to_targets(
            graph.matrix, [j[1] for j in chunk], [j[3] for j in chunk], chunk[-1][0]
        )
        for values, (bound, _, sel, _src) in zip(found, chunk, strict=True):
            out[sel] = np.where(values <= bound, values, np.inf)
    # Pairs sharing a candidate edge: direct along the edge can be shorter.
    owner, flat = points.expand()
    if len(owner):
        fwd, bwd = network.weights(mode)
        conn = connector_cost(network, flat, mode)
        starts = np.searchsorted(owner, np.arange(len(points)))
        ends = np.searchsorted(owner, np.arange(len(points)), side="right")
        # Every (candidate of i, candidate of j) combination of every pair.
        ni = (ends - starts)[pairs[:, 0]]
        nj = (ends - starts)[pairs[:, 1]]
        count = ni * nj
        r = np.repeat(np.arange(len(pairs)), count)
        k = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        a = starts[pairs[r, 0]] + k // np.maximum(nj[r], 1)
        b = starts[pairs[r, 1]] + k % np.maximum(nj[r], 1)
        same = flat.edge[a] == flat.edge[b]
        r, a, b = r[same], a[same], b[same]
        if len(r):
            e = flat.edge[a]
            fi, fj = flat.frac[a], flat.frac[b]
            along = np.where(fj >= fi, part_cost(fj - fi, fwd[e]), part_cost(fi - fj, bwd[e]))
            np.minimum.at(out, r, conn[a] + along + conn[b])
    return out
