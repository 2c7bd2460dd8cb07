"""Public transport columns of a scenario, repaired from the base's.

The columns (:func:`~slimmeregio.scenarios.transit.transit_columns`) come
from bounded searches per stop, per station and per mobipunt and one
nearest-station search; the searches are cheap (a few tenths of a second
on an address-level project), turning them into every dwelling's best stop,
station and mobipunt is not. A scenario therefore runs again the searches an
edit can reach (a search whose point, candidate edges and reached nodes no
edit touched is the base's, as in :mod:`opportunity_reuse`) and compares
them with the base's, node by node; a dwelling takes its base columns over
when nothing they are computed from changed:

* it is a base dwelling whose candidate edges are the base's (mapped to
  the scenario's edge numbers), with the same positions, snapping
  distances, end nodes, lengths, speeds and one-way flags
  (:func:`~slimmeregio.scenarios.incremental.static_rows`);
* at the end nodes of every candidate edge, every search's cost is the
  base's (the same stop, station or mobipunt by id, with the same value:
  departures per hour, wait + ride, type and offer; a search that is new,
  gone or has another value counts as changed at every node it reaches, in
  either situation), and so are the nearest station's cost and id;
* no stop or mobipunt lies on any of its candidate edges, in the base or
  the scenario (no route straight along a shared edge can appear or
  change).

Every other dwelling is computed as in full, on the scenario's network with
all its destinations, so the columns equal a full computation number for
number (tested on random scenarios, ``tests/scenarios/test_incremental.py``);
``SLIMMEREGIO_FULL_EVALUATION=1`` computes everything in full.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.incremental import (
    full_evaluation_forced,
    node_ids,
    same_edges,
    static_rows,
)
from slimmeregio.scenarios.kernel import search_nearest
from slimmeregio.scenarios.model import Parameters
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.reach import iter_reach
from slimmeregio.scenarios.transit import KnownSearches, TransitDestinations, transit_columns
from slimmeregio.scenarios.transit_route import Searches, reached_nodes

__all__ = ["TransitReuse", "columns_with_reuse", "keep_transit"]


@dataclass(frozen=True, eq=False)
class TransitReuse:
    """What a base evaluation keeps for its scenarios' public transport columns."""

    network: Network
    housing_att: Attachment
    parameters: Parameters
    dests: TransitDestinations
    #: family -> destination id -> (nodes reached, their costs); ``stations``:
    #: the nearest-station search's cost and station id per node.
    record: dict[str, Any]
    #: The base's columns, one row per row of ``housing_att``.
    columns: pd.DataFrame

    def time_order(self, key: str) -> np.ndarray:
        """Every base row in stable order of time column ``key`` (missing as
        inf), computed once: the hint for a scenario's sort."""
        cache = self.__dict__.setdefault("_orders", {})
        if key not in cache:
            values = self.columns[key].to_numpy(dtype=float)
            cache[key] = np.argsort(np.where(np.isfinite(values), values, np.inf), kind="stable")
        return cache[key]  # type: ignore[no-any-return]


def keep_transit(
    network: Network,
    housing_att: Attachment,
    parameters: Parameters,
    dests: TransitDestinations,
    record: dict[str, Any],
    columns: pd.DataFrame,
) -> TransitReuse:
    """The base's public transport computation, kept for scenario repairs."""
    return TransitReuse(network, housing_att, parameters, dests, record, columns)


def columns_with_reuse(
    network: Network,
    housing_att: Attachment,
    dests: TransitDestinations,
    params: Parameters,
    reuse: tuple[TransitReuse, np.ndarray | None, np.ndarray | None] | None,
    keep: dict[str, Any] | None,
) -> pd.DataFrame:
    """:func:`transit_columns`, from the base's where nothing changed.

    ``reuse``: ``(base, source_rows, edge_map)`` with ``source_rows[i]`` the
    base row of dwelling ``i`` (-1 new) and ``edge_map`` base edge -> edge
    (-1 gone; None: the same edges); None computes in full. ``keep``: a
    dict that receives ``"transit"``: a :class:`TransitReuse` of this
    computation (for a base evaluation).
    """
    if keep is not None:
        record: dict[str, Any] = {}
        columns = transit_columns(network, housing_att, dests, params, record=record)
        keep["transit"] = keep_transit(network, housing_att, params, dests, record, columns)
        return columns
    if reuse is None or full_evaluation_forced():
        return transit_columns(network, housing_att, dests, params)
    base, source_rows, edge_map = reuse
    if (
        source_rows is None
        or base.parameters != params
        or len(housing_att) == 0
        or len(base.columns) == 0  # nothing to take over (every dwelling planned, say)
    ):
        return transit_columns(network, housing_att, dests, params)
    found = _dirty(network, housing_att, dests, params, base, source_rows, edge_map)
    if found is None:
        return transit_columns(network, housing_att, dests, params)
    dirty, compared = found
    todo = np.flatnonzero(dirty)
    rows = np.where(dirty, 0, source_rows)
    part = None
    if len(todo):
        known = _known(network, dests, params, base, compared)
        part = transit_columns(network, housing_att.subset(todo), dests, params, known=known)
    out: dict[str, Any] = {}
    for name in base.columns.columns:
        column = base.columns[name]
        if isinstance(column.dtype, pd.StringDtype):
            # Text (stop and station ids) stays Arrow text: no Python strings.
            values = column.array.take(rows)
            if part is not None and len(todo):
                values[todo] = part[name].array
        else:
            values = column.to_numpy()[rows]
            if part is not None:
                values[todo] = part[name].to_numpy()
        out[name] = values
    return pd.DataFrame(out)


def _same(now: np.ndarray, then: np.ndarray) -> np.ndarray:
    """Per node: the same cost (both unreached counts as the same)."""
    return (now == then) | (~np.isfinite(now) & ~np.isfinite(then))


def _same_searches(
    base: TransitReuse,
    att: Attachment,
    ids: np.ndarray,
    b_att: Attachment,
    b_ids: np.ndarray,
    kept: dict[str, tuple[np.ndarray, np.ndarray]],
    touched: np.ndarray,
    same_edge: np.ndarray,
    edge_map: np.ndarray | None,
) -> np.ndarray:
    """Per destination of ``att``: whether its bounded search is certainly
    the base's, without running it. It is when the base searched from the
    same point (by id, same candidate edges, positions and distances), those
    edges are unchanged, and no node the base search reached is ``touched``
    (an end of an edge the scenario removed, split, re-costed or added): the
    search then explores the same arcs with the same costs (the rule of
    :mod:`opportunity_reuse`)."""
    from slimmeregio.scenarios.opportunity_reuse import changed_points

    out = np.zeros(len(att), bool)
    b_pos = {k: i for i, k in enumerate(b_ids.tolist())}
    jb = np.asarray([b_pos.get(k, -1) for k in ids.tolist()], dtype=np.int64)
    both = np.flatnonzero((jb >= 0) & np.asarray([k in kept for k in ids.tolist()], bool))
    if len(both) == 0:
        return out
    old, now = b_att.subset(jb[both]), att.subset(both)
    ok = ~changed_points(old, now, edge_map)
    owner, flat = old.expand()
    bad = np.zeros(len(both), bool)
    bad[owner[~same_edge[flat.edge]]] = True
    ok &= ~bad & ((old.edge >= 0) == (now.edge >= 0))
    nb = base.network.n_nodes
    for i in np.flatnonzero(ok):
        at = kept[str(ids[both[i]])][0]
        ok[i] = not touched[at[at < nb]].any()
    out[both[ok]] = True
    return out


@dataclass(frozen=True, eq=False)
class _Compared:
    """The scenario's searches compared with the base's: per node whether
    anything may differ (``changed``), the searches run again (family ->
    id -> reached nodes and costs) and the nearest-station search."""

    changed: np.ndarray
    fresh: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]
    stations: Any


def _changed_nodes(
    network: Network,
    dests: TransitDestinations,
    params: Parameters,
    base: TransitReuse,
    edge_map: np.ndarray | None = None,
) -> _Compared | None:
    """Per scenario node: whether any search's cost there (or the nearest
    station) may differ from the base's; None when the destinations cannot
    be matched by id. Searches that are certainly the base's
    (:func:`_same_searches`) are not run again."""
    from slimmeregio.scenarios.opportunity_reuse import touched_nodes

    n = network.n_nodes
    m = min(n, base.network.n_nodes)
    changed = np.zeros(n, bool)
    changed[m:] = True  # new nodes
    before = base.dests.families(params)
    same_edge = same_edges(network, base.network, edge_map)
    touched_in: dict[str, np.ndarray] = {}
    fresh: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for family, (att, mode, limit, values) in dests.families(params).items():
        ids = np.asarray(att.ids).astype(str)
        b_att, _, _, b_values = before[family]
        b_ids = np.asarray(b_att.ids).astype(str)
        if len(set(ids)) != len(ids) or len(set(b_ids)) != len(b_ids):
            return None
        kept = base.record.get(family, {})
        b_value = {i: tuple(v) for i, v in zip(b_ids.tolist(), b_values.tolist(), strict=True)}
        seen: set[str] = set()
        if mode not in touched_in:
            touched_in[mode] = np.zeros(base.network.n_nodes, bool)
            touched_in[mode][touched_nodes(base.network, network, edge_map, mode)] = True
        skip = _same_searches(
            base, att, ids, b_att, b_ids, kept, touched_in[mode], same_edge, edge_map
        )
        for k in np.flatnonzero(skip).tolist():
            if b_value.get(str(ids[k])) == tuple(values[k].tolist()):
                seen.add(str(ids[k]))  # the base's search, the same value: nothing changed
            else:
                skip[k] = False
        redo = np.flatnonzero(~skip)
        ran = fresh.setdefault(family, {})
        for jj, row in iter_reach(network, att.subset(redo), mode=mode, limit=limit):
            j = int(redo[jj])
            key = str(ids[j])
            ran[key] = reached_nodes(row)
            seen.add(key)
            then = kept.get(key)
            if then is None or b_value.get(key) != tuple(values[j].tolist()):
                changed |= np.isfinite(row)  # new or other value: changed wherever it reaches
                if then is not None:
                    changed[then[0][then[0] < n]] = True
                continue
            at, cost = then
            inside = at < m
            old = np.full(m, np.inf)
            old[at[inside]] = cost[inside]
            changed[:m] |= ~_same(row[:m], old)
            changed[at[~inside & (at < n)]] = True
        for key, (at, _) in kept.items():
            if key not in seen:  # gone, or out of reach now
                changed[at[at < n]] = True
    stations = dests.stops.subset(dests.stations)
    now_dist, now_ids = np.full(n, np.inf), np.full(n, None, dtype=object)
    search = None
    if len(stations) and stations.reachable.any():
        search = search_nearest(network, stations, mode="bike")
        now_dist, now_ids = search.dist[:n], node_ids(search.node_dest, stations.ids, n)
    then_dist, then_ids = base.record.get("stations", (np.full(m, np.inf), np.full(m, None)))
    changed[:m] |= ~(_same(now_dist[:m], then_dist[:m]) & (now_ids[:m] == then_ids[:m]))
    return _Compared(changed, fresh, search)


def _known(
    network: Network, dests: TransitDestinations, params: Parameters, base: TransitReuse,
    compared: _Compared,
) -> KnownSearches:  # fmt: skip
    """The searches of :func:`_changed_nodes` (run again) and the base's
    (certainly unchanged) for :func:`transit_columns` of some dwellings:
    per family only those that reach a node or an edge of theirs (the
    others add nothing to them), ascending, as the search loop yields them."""
    n = network.n_nodes

    def family(name: str, mode: str, limit: float) -> Searches:
        ran, kept = compared.fresh.get(name, {}), base.record.get(name, {})

        def searches(sources: Attachment, att: Attachment) -> Iterator[tuple[int, np.ndarray]]:
            _, flat = sources.expand_rows()
            needed = np.zeros(n, bool)
            needed[network.u[flat.edge]] = True
            needed[network.v[flat.edge]] = True
            on_edge = np.zeros(network.n_edges, bool)
            on_edge[flat.edge] = True
            d_owner, d_flat = att.expand()
            near = np.zeros(len(att), bool)
            near[d_owner[on_edge[d_flat.edge]]] = True
            ids = np.asarray(att.ids).astype(str)
            reachable = np.flatnonzero(att.reachable)
            found = [ran.get(str(ids[j]), kept.get(str(ids[j]))) for j in reachable]
            if any(f is None for f in found):  # not compared (cannot happen): search
                yield from iter_reach(network, att, mode=mode, limit=limit)
                return
            for j, (at, cost) in zip(reachable.tolist(), found, strict=True):  # type: ignore[misc]
                if near[j] or needed[at].any():
                    row = np.full(n, np.inf)
                    row[at] = cost
                    yield j, row

        return searches

    return KnownSearches(
        {
            name: family(name, mode, limit)
            for name, (_, mode, limit, _) in dests.families(params).items()
        },
        compared.stations,
    )


def _dest_edges(att: Attachment) -> np.ndarray:
    _, flat = att.expand()
    return np.unique(flat.edge)


def _dirty(
    network: Network,
    housing_att: Attachment,
    dests: TransitDestinations,
    params: Parameters,
    base: TransitReuse,
    source_rows: np.ndarray,
    edge_map: np.ndarray | None,
) -> tuple[np.ndarray, _Compared] | None:
    """Per dwelling: whether its columns may differ from its base row's (see
    the module docstring), and the comparison of the searches."""
    compared = _changed_nodes(network, dests, params, base, edge_map)
    if compared is None:
        return None
    changed = compared.changed
    edge_dirty = np.zeros(network.n_edges, bool)
    for att in (dests.stops, dests.hubs):
        edge_dirty[_dest_edges(att)] = True
    for att in (base.dests.stops, base.dests.hubs):
        old = _dest_edges(att)
        mapped = old if edge_map is None else np.asarray(edge_map)[old]
        edge_dirty[mapped[mapped >= 0]] = True
    dirty, point, e_s, u_s, v_s = static_rows(
        network, housing_att, base.network, base.housing_att, np.asarray(source_rows), edge_map
    )
    dirty = dirty.copy()
    bad = edge_dirty[e_s] | changed[u_s] | changed[v_s]
    dirty[np.unique(point[bad])] = True
    return dirty, compared
