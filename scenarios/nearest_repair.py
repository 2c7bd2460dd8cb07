"""A scenario's nearest-destination search, repaired from the base's.

:func:`~slimmeregio.scenarios.incremental.nearest_with_reuse` needs, per
node of the scenario's network, the cost to the nearest destination and
which destination that is: one multi-source Dijkstra from every
destination (:func:`~slimmeregio.scenarios.kernel.search_nearest`). The
base keeps its own (:class:`~slimmeregio.scenarios.incremental.KeptNearest`);
a scenario's edits change it only around them, so :func:`repaired_search`
brings the base's up to date instead of searching the whole network again
(:func:`~slimmeregio.scenarios.search_repair.repair_search`):

* the base's search is laid on the scenario's numbering: network nodes keep
  their numbers; each destination's virtual node moves to the scenario's
  virtual node of the destination with the same id;
* the nodes where the graphs can differ (the suspects) are the ends of
  edges the edits removed, split, re-costed or added, the scenario's new
  nodes, and the end nodes of every destination's candidate edges in both
  (a destination moved, added or removed changes the arcs into them);
* the repair gives scipy's costs and predecessors exactly, or declines at
  a tie (then the search runs in full, as before); the nearest destination
  of each node is the root its predecessors lead to, as scipy's sources.

The search then serves exactly as a fresh one: the equivalence tests of
:mod:`incremental` (random scenarios, value for value) cover it.
"""

from __future__ import annotations

import numpy as np

from slimmeregio.scenarios.arcs import with_destinations
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.incremental import KeptNearest, carried_rows
from slimmeregio.scenarios.kernel import NearestSearch
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.opportunity_reuse import touched_nodes
from slimmeregio.scenarios.search_repair import repair_search, roots_of

__all__ = ["repaired_search"]


def repaired_search(
    network: Network,
    dests: Attachment,
    *,
    mode: str,
    kept: KeptNearest,
    edge_map: np.ndarray | None,
) -> NearestSearch | None:
    """:func:`~slimmeregio.scenarios.kernel.search_nearest` of ``dests`` on
    ``network`` (no limit), from ``kept``'s search; None where it cannot be
    repaired (a tie, ids that repeat), and the caller searches."""
    base_net = kept.network
    n_b, n_s = base_net.n_nodes, network.n_nodes
    if not kept.untied or n_s < n_b or not dests.reachable.any():
        return None
    carried = carried_rows(kept.dest_ids, dests.ids)
    if carried is None:
        return None
    graph, d_ok = with_destinations(network, dests, mode)
    k = len(d_ok)
    vpos = np.full(len(dests) + 2, -1, dtype=np.int64)  # (-2, -1: no row)
    vpos[d_ok] = np.arange(k)
    # Base virtual node n_b + i -> the scenario's of the same destination (-1: gone).
    v_new = vpos[carried[kept.node_dest[n_b:]]]
    moved_to = np.where(v_new >= 0, n_s + v_new, -1)
    size = n_s + k
    dist = np.full(size, np.inf)
    dist[:n_b] = kept.node_dist
    body = kept.node_pred.astype(np.int64)
    virtual = body >= n_b
    body[virtual] = moved_to[body[virtual] - n_b]
    body[body < 0] = -9999
    pred = np.full(size, -9999, dtype=np.int32)
    pred[:n_b] = body
    _, now = dests.expand()
    suspects = np.unique(
        np.concatenate(
            [
                touched_nodes(base_net, network, edge_map, mode),
                np.arange(n_b, n_s),
                network.u[now.edge],
                network.v[now.edge],
                base_net.u[kept.dest_edges],
                base_net.v[kept.dest_edges],
            ]
        ).astype(np.int64)
    )
    roots = np.arange(n_s, size)
    if not repair_search(graph.matrix, dist, pred, roots, suspects=suspects):
        return None
    root = roots_of(pred, roots)
    node_dest = np.full(size, -1, dtype=np.int64)
    hit = root >= 0
    node_dest[hit] = d_ok[root[hit] - n_s]
    return NearestSearch(graph, d_ok, dist, pred, node_dest, mode, np.inf)
