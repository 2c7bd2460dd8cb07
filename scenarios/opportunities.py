"""Access to opportunities: cumulative counts, decay-weighted potential, k-th nearest.

For every source point (a dwelling) and a set of weighted opportunity points
(jobs, schools ...), over the walking or cycling network:

* **cumulative opportunities** within each threshold: the summed weight of
  the opportunities whose network cost is at most the threshold (Conveyal's
  "cumulative opportunities" measure);
* **potential**: ``sum_j w_j * exp(-beta * c_ij)``, a negative-exponential
  decay-weighted sum (the form Iacono, Krizek & El-Geneidy 2010 fitted for
  walking and cycling); ``beta = ln 2 / half_life``, so an opportunity at
  the half-life counts for half;
* **k-th nearest**: the cost to the k-th nearest opportunity (counted as
  features, not by weight), ``inf`` when fewer than ``k`` are within reach.

Costs are those of :mod:`kernel`: metres walking, seconds cycling, from the
point over its attachment to the network and on to the opportunity's
attachment; a source and an opportunity on the same edge also go directly
along it. Searches start at the opportunities (reversed graph), are bounded
by ``limit``, and per opportunity only the sources its search reached are
touched, so the work follows the searched area and memory stays one row
per source.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from slimmeregio.scenarios.attach import Attachment, connector_cost, part_cost
from slimmeregio.scenarios.bounded_search import bounded_costs
from slimmeregio.scenarios.compiled import NO_DIRECT, CandidateRows, add_access, reach_minima
from slimmeregio.scenarios.kernel import same_edge_pairs, with_destinations
from slimmeregio.scenarios.nearest_kernels import source_terms
from slimmeregio.scenarios.network import Network

__all__ = [
    "Access",
    "accumulate_access",
    "cost_chunks",
    "node_costs",
    "sparse_costs",
    "decay_beta",
    "opportunity_access",
]


def decay_beta(half_life: float) -> float:
    """The negative-exponential ``beta`` for which the weight halves at ``half_life``."""
    if not half_life > 0:
        raise ValueError("half_life must be positive")
    return math.log(2.0) / half_life


@dataclass(frozen=True, eq=False)
class Access:
    """Access of every source point to a set of opportunities.

    Attributes
    ----------
    thresholds
        The cumulative thresholds (cost units: m walking, s cycling).
    cumulative
        ``(sources, thresholds)``: summed opportunity weight within each.
    potential
        Per source: ``sum_j w_j exp(-beta c_ij)`` over the opportunities
        within ``limit``.
    kth
        Per source: cost to the ``k``-th nearest opportunity (``inf`` if
        fewer within ``limit``; NaN for sources not attached).
    """

    thresholds: tuple[float, ...]
    cumulative: np.ndarray
    potential: np.ndarray
    kth: np.ndarray


def sparse_costs(
    network: Network,
    sources: Attachment,
    opportunities: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int = 16,
    only: np.ndarray | None = None,
    reached: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
    known: Iterable[tuple[int, np.ndarray]] | None = None,
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield ``(opportunity, sources, costs)`` per reachable opportunity.

    ``sources`` (ascending indices) are the source points within ``limit``
    of that opportunity and ``costs`` their network costs; the others are
    out of reach. Work per opportunity follows the area its bounded search
    reached, not the whole region. Opportunities come in ascending order.

    ``only``: indices of the opportunities to search (default all);
    ``reached``: filled with, per opportunity searched, the nodes its
    bounded search reached (ascending, int32) and its cost at each, which is
    what a scenario needs to know whether an edit can change that search
    (:mod:`opportunity_reuse`; kept compact as each batch is searched, not
    as a row per node); ``known``: ``(opportunity, node costs)``
    of searches whose result is known (ascending), used instead of
    searching (``only`` is then ignored).
    """
    if len(sources) == 0 or not opportunities.reachable.any():
        return
    if known is None and only is not None and len(only) == 0:
        return  # nothing to search: skip preparing every source's rows
    s_owner, flat = sources.expand_rows()
    if len(s_owner) == 0:
        return
    se = flat.edge
    s_conn, base_u, base_v, nu, nv = source_terms(network, flat, mode)
    # Opportunities on a source's candidate edge: directly along the edge.
    fwd, bwd = network.weights(mode)
    d_owner, d_flat = opportunities.expand()
    d_conn = connector_cost(network, d_flat, mode)
    s_rows, d_rows = same_edge_pairs(se, d_flat.edge)
    direct: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if len(s_rows):
        e = se[s_rows]
        f = d_flat.frac[d_rows]
        g = flat.frac[s_rows]
        along = np.where(f >= g, part_cost(f - g, fwd[e]), part_cost(g - f, bwd[e]))
        cost = s_conn[s_rows] + along + d_conn[d_rows]
        opp = d_owner[d_rows]
        for j in np.unique(opp):
            sel = np.flatnonzero(opp == j)
            sel = sel[np.argsort(s_owner[s_rows[sel]], kind="stable")]
            direct[int(j)] = (s_owner[s_rows[sel]].astype(np.int64), cost[sel].astype(np.float64))
    if known is not None:
        batches = _batched(known, batch)
        ascending: list[int] | None = None  # the known ones come in order
    else:
        ascending, batches = _reach_rows(
            network, opportunities, mode=mode, limit=limit, batch=batch, only=only
        )
    # Per row: the ends of its edge and the cost from its point to each end;
    # each batch of searches then takes, per point, its cheapest row (compiled).
    candidate_rows = CandidateRows(nu, nv, base_u, base_v, s_owner, len(sources), network.n_nodes)

    def gathered() -> Iterator[tuple[list[int], list[tuple[np.ndarray, np.ndarray]]]]:
        for js, dist in batches:
            if reached is not None:
                for j, row in zip(js, dist, strict=True):
                    at = np.flatnonzero(np.isfinite(row))
                    reached[j] = (at.astype(np.int32), row[at])
            yield (
                js,
                reach_minima(dist, candidate_rows, [direct.get(j, NO_DIRECT) for j in js], limit),
            )

    yield from _in_order(gathered(), ascending)


def _in_order(
    batches: Iterable[tuple[list[int], list[tuple[np.ndarray, np.ndarray]]]],
    ascending: list[int] | None,
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """``(opportunity, sources, costs)`` of each batch's results, in
    ``ascending`` order (the batches hold nearby opportunities, so a result
    waits for its turn); None: the batches come in order already."""
    ready: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    next_at = 0
    for js, found in batches:
        if ascending is None:
            for j, (owners, best) in zip(js, found, strict=True):
                yield j, owners, best
            continue
        ready.update(zip(js, found, strict=True))
        while next_at < len(ascending) and ascending[next_at] in ready:
            j = ascending[next_at]
            owners, best = ready.pop(j)
            next_at += 1
            yield j, owners, best


def _batched(
    known: Iterable[tuple[int, np.ndarray]], size: int
) -> Iterator[tuple[list[int], np.ndarray]]:
    """Known ``(opportunity, node costs)`` in batches: ``(opportunities, costs matrix)``."""
    js: list[int] = []
    rows: list[np.ndarray] = []
    for j, row in known:
        js.append(int(j))
        rows.append(row)
        if len(js) == size:
            yield js, np.vstack(rows)
            js, rows = [], []
    if js:
        yield js, np.vstack(rows)


def _reach_rows(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    batch: int,
    only: np.ndarray | None,
) -> tuple[list[int], Iterator[tuple[list[int], np.ndarray]]]:
    """The reachable destinations (in ``only``), ascending, and their
    searches in batches: ``(destinations, node costs)``, one row of costs per
    destination. A batch holds nearby destinations (:func:`nearby_first`):
    the nodes its searches reach overlap, so gathering what they reached
    (:func:`~compiled.reach_minima`, one pass over the rows at any of them)
    reads fewer rows than for destinations spread over the region."""
    n = network.n_nodes
    graph, d_ok = with_destinations(network, dests, mode)
    pos = np.arange(len(d_ok))
    if only is not None:
        pos = pos[np.isin(d_ok, np.asarray(only, dtype=np.int64))]
    ascending = [int(j) for j in d_ok[pos]]
    pos = pos[nearby_first(dests.xy[d_ok[pos]])]

    def searches() -> Iterator[tuple[list[int], np.ndarray]]:
        for start in range(0, len(pos), batch):
            chunk = pos[start : start + batch]
            dist = bounded_costs(graph.matrix, n + chunk, limit)
            yield [int(d_ok[p]) for p in chunk], dist[:, :n]

    return ascending, searches()


def node_costs(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    limit: float,
    only: np.ndarray,
    batch: int = 16,
) -> Iterator[tuple[int, np.ndarray]]:
    """``(destination, cost at every network node)`` of the bounded searches
    from the destinations ``only`` (reachable ones, in :func:`nearby_first`
    order), without gathering the sources they reach: what a scenario
    compares with the base's node costs to find where a search changed."""
    _, batches = _reach_rows(network, dests, mode=mode, limit=limit, batch=batch, only=only)
    for js, dist in batches:
        yield from zip(js, dist, strict=True)


#: Cell size (m) of :func:`nearby_first`: about the reach of a cycling search.
NEARBY_CELL_M = 10_000.0


def nearby_first(xy: np.ndarray) -> np.ndarray:
    """An order of the points ``xy`` that keeps nearby points together:
    rows of :data:`NEARBY_CELL_M` cells from south to north, the cells of a
    row west to east and east to west in turn (no jump back across the
    region), the points of a cell west to east. Deterministic."""
    if len(xy) == 0:
        return np.zeros(0, np.int64)
    x, y = xy[:, 0], xy[:, 1]
    gx = np.floor((x - x.min()) / NEARBY_CELL_M).astype(np.int64)
    gy = np.floor((y - y.min()) / NEARBY_CELL_M).astype(np.int64)
    serpentine = np.where(gy % 2 == 0, gx, gx.max() - gx)
    return np.lexsort((np.arange(len(xy)), x, serpentine, gy))


def cost_chunks(
    network: Network,
    sources: Attachment,
    opportunities: Attachment,
    *,
    mode: str,
    limit: float,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(opportunity indices, costs)``, one opportunity at a time.

    ``costs`` is ``(1, len(sources))``: the network cost from each source,
    ``inf`` beyond ``limit`` or without a route (dense form of
    :func:`sparse_costs`). Unreachable opportunities are never yielded.
    """
    for j, owners, costs in sparse_costs(network, sources, opportunities, mode=mode, limit=limit):
        out = np.full((1, len(sources)), np.inf)
        out[0, owners] = costs
        yield np.array([j], dtype=np.int64), out


def opportunity_access(
    network: Network,
    sources: Attachment,
    opportunities: Attachment,
    weights: np.ndarray,
    *,
    mode: str,
    thresholds: Sequence[float],
    half_life: float,
    k: int = 1,
    limit: float | None = None,
    check: Callable[[], None] | None = None,
) -> Access:
    """Cumulative opportunities, potential and k-th nearest cost per source.

    Parameters
    ----------
    network
        The network (costs: ``walk`` metres, ``bike`` seconds).
    sources, opportunities
        Attached points; ``weights`` one per opportunity (jobs, pupils ...).
    mode
        ``"walk"`` or ``"bike"``.
    thresholds
        Cumulative thresholds in cost units (m or s).
    half_life
        Cost at which the potential's decay weight is one half.
    k
        Rank of the nearest opportunity whose cost is returned.
    limit
        Search bound (cost units); default the largest of the thresholds
        and eight half-lives (where the decay weight is below 0.4 %).
    check
        Called once per opportunity; raises to cancel (``Task.check``).
    """
    thr = tuple(float(t) for t in thresholds)
    bound = float(limit) if limit is not None else max([*thr, 8.0 * half_life])
    searches = sparse_costs(network, sources, opportunities, mode=mode, limit=bound)
    return accumulate_access(
        len(sources),
        sources.reachable,
        searches,
        weights,
        thresholds=thr,
        half_life=half_life,
        k=k,
        check=check,
    )


def accumulate_access(
    ns: int,
    reachable: np.ndarray,
    searches: Iterable[tuple[int, np.ndarray, np.ndarray]],
    weights: np.ndarray,
    *,
    thresholds: Sequence[float],
    half_life: float,
    k: int = 1,
    check: Callable[[], None] | None = None,
) -> Access:
    """:class:`Access` of ``ns`` sources from per-opportunity search results.

    ``searches`` yields ``(opportunity, sources, costs)`` as
    :func:`sparse_costs` does, in ascending opportunity order (the order
    fixes the floating-point sums, so equal inputs give equal results);
    ``reachable``: per source, attached to the network.
    """
    thr = tuple(float(t) for t in thresholds)
    weights = np.asarray(weights, dtype=float)
    beta = decay_beta(half_life)
    cumulative = np.zeros((ns, len(thr)))
    potential = np.zeros(ns)
    k = max(1, int(k))
    best = np.full((ns, k), np.inf)
    thresholds_arr = np.asarray(thr, dtype=np.float64)
    for j, owners, costs in searches:
        if check is not None:
            check()
        if len(owners) == 0:
            continue
        # Per source (each once): the weight within each threshold, the
        # decayed weight, and the cost among its k smallest (compiled).
        add_access(
            owners,
            costs,
            float(weights[j]),
            np.exp(-beta * costs),
            thresholds_arr,
            (cumulative, potential, best),
        )
    kth = np.sort(best, axis=1)[:, k - 1] if ns else np.zeros(0)
    kth = np.where(reachable, kth, np.nan)
    return Access(thr, cumulative, potential, kth)
