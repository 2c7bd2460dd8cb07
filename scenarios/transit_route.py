"""Routing for the public transport indicators: bounded searches per stop or station, the graph built once.

``kernel.nearest_destination`` answers "how far is the nearest of these
points" with one search, but builds its graph per call, and cannot say
"within 500 m of *which* stops" or add a head start per destination. The
indicators of :mod:`slimmeregio.scenarios.transit` need both:

* :func:`best_rate_within`: per dwelling, the highest departures per hour
  (per window) among the stops within a walking distance: one pass for every
  window and threshold;
* :func:`bike_train_search`: per dwelling, the station with the smallest
  cycling time + head start (wait + ride) among those within a cycling cap,
  the cap holding per station.

Both run on :func:`iter_legs`: one bounded search per destination
(``kernel.iter_reach``: the graph is built once, the searches run in
batches), turned into the cost from every candidate edge of every source
point, exactly as ``nearest_destination`` does (the better of the edge's two
ends, or straight along the edge to a destination on the same edge).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from slimmeregio.scenarios.attach import Attachment, connector_cost, entry_costs, part_cost
from slimmeregio.scenarios.compiled import NO_DIRECT
from slimmeregio.scenarios.compiled_legs import LegRows, legs, lower_total, raise_within
from slimmeregio.scenarios.kernel import iter_reach
from slimmeregio.scenarios.network import Network

__all__ = [
    "Searches",
    "best_rate_within",
    "best_within_each",
    "bike_train_search",
    "iter_legs",
    "reached_nodes",
]

#: Known bounded searches: given the sources and the destinations a search
#: loop would run, ``(destination index, node costs)``, ascending.
Searches = Callable[[Attachment, Attachment], Iterable[tuple[int, np.ndarray]]]

#: Every cost counts (the search already kept those within its limit).
_NO_LIMIT = np.array([np.inf])


def iter_legs(
    network: Network,
    sources: Attachment,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    record: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    searches: Searches | None = None,
) -> Iterator[tuple[np.ndarray, int, np.ndarray, np.ndarray]]:
    """Yield ``(owner, j, rows, cost)`` per reachable destination ``j``: the
    candidate rows of ``sources.expand()`` (row ``r`` belongs to point
    ``owner[r]``; ``owner`` is the same array every time) that reach ``j``
    within ``limit``, and their cost to ``j``.

    ``record``: filled with, per destination id, the nodes its search
    reached and their costs (:func:`reached_nodes`). ``searches``: gives
    ``(j, node costs)`` of known searches instead of running them, ascending
    (it may leave out destinations that reach none of the sources)."""
    s_owner, flat = sources.expand_rows()
    if not len(s_owner):
        return
    fwd, bwd = network.weights(mode)
    se = flat.edge
    s_conn = connector_cost(network, flat, mode)
    to_u, to_v = entry_costs(network, flat, mode)
    rows = LegRows(network.u[se], network.v[se], s_conn, to_u, to_v, network.n_nodes)
    # Destinations on a source's own edge: straight along the edge.
    d_owner, d_flat = dests.expand()
    d_conn = connector_cost(network, d_flat, mode)
    pairs = pd.DataFrame({"edge": se, "s": np.arange(len(se))}).merge(
        pd.DataFrame({"edge": d_flat.edge, "d": np.arange(len(d_flat.edge))}), on="edge"
    )
    s_i = pairs["s"].to_numpy()
    d_i = pairs["d"].to_numpy()
    e = se[s_i]
    f, g = d_flat.frac[d_i], flat.frac[s_i]
    along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
    direct = s_conn[s_i] + along + d_conn[d_i]
    by_dest = pd.Series(np.arange(len(d_i))).groupby(d_owner[d_i]).indices if len(d_i) else {}
    reach = (
        iter_reach(network, dests, mode=mode, limit=limit)
        if searches is None
        else searches(sources, dests)
    )
    for j, node_cost in reach:
        if record is not None:
            record[str(dests.ids[j])] = reached_nodes(node_cost)
        near = by_dest.get(j)
        if near is not None:
            near = near[np.argsort(s_i[near], kind="stable")]
        # One compiled pass over the rows at the nodes the search reached (or
        # with a route along their edge), each costed as nearest_destination does.
        found, cost = legs(
            node_cost, rows, NO_DIRECT if near is None else (s_i[near], direct[near]), limit
        )
        yield s_owner, j, found, cost


def reached_nodes(node_cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(nodes, costs)``: the nodes a search reached (finite cost), ascending, and their costs."""
    at = np.flatnonzero(np.isfinite(node_cost))
    return at.astype(np.int32) if len(node_cost) < 2**31 else at, node_cost[at]


def best_rate_within(
    network: Network,
    sources: Attachment,
    stops: Attachment,
    rates: np.ndarray,
    *,
    limit_m: float,
    mode: str = "walk",
    record: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    searches: Searches | None = None,
) -> np.ndarray:
    """Per source and column of ``rates`` (stops x columns): the highest value
    among the stops within ``limit_m`` (metres walking, or seconds with
    ``mode="bike"``); ``-inf`` when none."""
    rates = np.asarray(rates, dtype=float).reshape(len(stops), -1)
    # Raised per point, not per candidate row (a maximum is the same either way).
    best = np.full((len(sources), 1, rates.shape[1]), -np.inf)
    for owner, j, rows, cost in iter_legs(
        network, sources, stops, mode=mode, limit=limit_m, record=record, searches=searches
    ):
        raise_within(owner[rows], cost, _NO_LIMIT, rates[j], best)
    return best[:, 0]


def best_within_each(
    network: Network,
    sources: Attachment,
    dests: Attachment,
    values: np.ndarray,
    limits: np.ndarray,
    *,
    mode: str,
    record: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    searches: Searches | None = None,
) -> np.ndarray:
    """Per source, limit and column of ``values`` (dests x columns): the highest
    value among the destinations within that limit; ``-inf`` when none. One
    search per destination, bounded by the largest limit."""
    values = np.asarray(values, dtype=float).reshape(len(dests), -1)
    limits = np.asarray(limits, dtype=float)
    # Raised per point, not per candidate row: the same maxima (NaN wins
    # either way) in a fifth of the memory (100 MB less at the base's peak
    # on the 300,000-address project).
    best = np.full((len(sources), len(limits), values.shape[1]), -np.inf)
    for owner, j, rows, cost in iter_legs(
        network, sources, dests, mode=mode, limit=float(limits.max()), record=record,
        searches=searches,
    ):  # fmt: skip
        raise_within(owner[rows], cost, limits, values[j], best)
    return best


def bike_train_search(
    network: Network,
    sources: Attachment,
    stations: Attachment,
    offsets: np.ndarray,
    max_bike_s: float,
    *,
    record: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    searches: Searches | None = None,
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
    c_total: np.ndarray | None = None
    c_dest = np.zeros(0, np.int64)
    owner = np.zeros(0, np.int64)
    for owner, k, rows, leg in iter_legs(
        network, sources, stations.subset(usable), mode="bike", limit=max_bike_s, record=record,
        searches=searches,
    ):  # fmt: skip
        if c_total is None:
            c_total = np.full(len(owner), np.inf)
            c_dest = np.full(len(owner), -1, dtype=np.int64)
        lower_total(rows, leg, offsets[usable[k]], usable[k], c_total, c_dest)
    if c_total is None:
        return total, best
    order = np.lexsort((c_total, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    total[owner[first]] = c_total[first]
    best[owner[first]] = np.where(np.isfinite(c_total[first]), c_dest[first], -1)
    return total, best
