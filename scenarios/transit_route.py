"""Bike + train routing: per dwelling the station with the smallest cycling time + head start, within cycling reach.

For bike + train (:mod:`slimmeregio.scenarios.transit`) every station has an
*offset* (the wait plus the ride to Brussels) and each dwelling wants the
station with the smallest cycling time + offset among the stations it can
reach within ``max_bike_s`` cycling seconds. One bounded search per station
(``kernel.iter_reach``: the graph is built once, the searches run in
batches) gives the cycling cost from every node to that station; a dwelling
takes the better of its edge's two ends, or a station on its own edge
directly, as ``kernel.nearest_destination`` does. The cap is exact per
station, which a single search from all stations at once could not give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from slimmeregio.scenarios.attach import Attachment, connector_cost, entry_costs, part_cost
from slimmeregio.scenarios.kernel import iter_reach
from slimmeregio.scenarios.network import Network

__all__ = ["bike_train_search"]


def bike_train_search(
    network: Network,
    sources: Attachment,
    stations: Attachment,
    offsets: np.ndarray,
    max_bike_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per source: ``min_j (bike(source -> j) + offsets[j])`` over the stations
    ``j`` with ``bike(source -> j) <= max_bike_s``, and that ``j`` (-1: none).

    ``offsets`` in seconds, one per station; NaN or inf: the station is not
    used. Sources without a usable station get ``inf`` and ``-1``.
    """
    ns = len(sources)
    total = np.full(ns, np.inf)
    best = np.full(ns, -1, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=float)
    usable = np.flatnonzero(np.isfinite(offsets) & stations.reachable)
    if ns == 0 or not len(usable):
        return total, best
    fwd, bwd = network.weights("bike")
    s_owner, flat = sources.expand()
    se = flat.edge
    s_conn = connector_cost(network, flat, "bike")
    to_u, to_v = entry_costs(network, flat, "bike")
    nu, nv = network.u[se], network.v[se]
    c_total = np.full(len(se), np.inf)
    c_dest = np.full(len(se), -1, dtype=np.int64)
    cap = max_bike_s + 1e-6

    def offer(rows: np.ndarray, leg: np.ndarray, j: int) -> None:
        tot = np.where(leg <= cap, leg + offsets[j], np.inf)
        better = tot < c_total[rows]
        c_total[rows[better]] = tot[better]
        c_dest[rows[better]] = j

    everyone = np.arange(len(se))
    subset = stations.subset(usable)
    for k, node_cost in iter_reach(network, subset, mode="bike", limit=max_bike_s):
        leg = s_conn + np.minimum(to_u + node_cost[nu], to_v + node_cost[nv])
        offer(everyone, leg, int(usable[k]))
    # A station on a source's own edge: straight along the edge.
    d_owner, d_flat = subset.expand()
    d_conn = connector_cost(network, d_flat, "bike")
    pairs = pd.DataFrame({"edge": se, "s": everyone}).merge(
        pd.DataFrame({"edge": d_flat.edge, "d": np.arange(len(d_flat.edge))}), on="edge")
    if len(pairs):
        s_i = pairs["s"].to_numpy()
        d_i = pairs["d"].to_numpy()
        e = se[s_i]
        f, g = d_flat.frac[d_i], flat.frac[s_i]
        along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
        leg = s_conn[s_i] + along + d_conn[d_i]
        j = usable[d_owner[d_i]]
        tot = np.where(leg <= cap, leg + offsets[j], np.inf)
        order = np.lexsort((tot, s_i))
        first = order[np.r_[True, s_i[order][1:] != s_i[order][:-1]]]
        better = tot[first] < c_total[s_i[first]]
        c_total[s_i[first][better]] = tot[first][better]
        c_dest[s_i[first][better]] = j[first][better]
    if len(s_owner):
        order = np.lexsort((c_total, s_owner))
        first = order[np.r_[True, s_owner[order][1:] != s_owner[order][:-1]]]
        owner = s_owner[first]
        total[owner] = c_total[first]
        best[owner] = np.where(np.isfinite(c_total[first]), c_dest[first], -1)
    return total, best
