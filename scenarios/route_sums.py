"""Sums of a per-metre edge value along every route of a set of route trees.

The commuting routes (:class:`~slimmeregio.scenarios.commuting.RouteTrees`)
are search trees, one per destination. A quantity that adds up along a route
(its rise for the gradient, its real length when the routes minimise another
cost) is summed here over the same trees, piece by piece: the full edges of
the tree, the part of the destination's edge from its end node to the
destination, the part of the source's edge from the source to the node
where it joins the tree (or, for a source on the destination's own edge,
the part between them), and the two connectors (their length times
``connector``). A quantity is given per edge (its value over the whole
edge) and, for the edge parts, as the value from the edge's ``u`` end to a
position along it (by default in proportion to the position). Nothing is
taken from the search costs, so the sums hold whatever the trees minimise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from slimmeregio.scenarios.attach import Attachment

if TYPE_CHECKING:
    from slimmeregio.scenarios.commuting import RouteTrees

__all__ = ["route_sums", "tree_sums"]


def tree_sums(pred: np.ndarray, arc_value: np.ndarray) -> np.ndarray:
    """Per node of a search tree: the summed ``arc_value`` from it to the root.

    ``arc_value[x]`` is the value of the arc from ``x`` to ``pred[x]``
    (``pred < 0``: a root or a node outside the tree, value 0). Pointer
    jumping: each pass doubles the number of arcs summed, so a tree of depth
    ``d`` takes ``log2 d`` vectorised passes.
    """
    val = np.where(pred >= 0, np.asarray(arc_value, dtype=float), 0.0)
    up = np.where(pred >= 0, pred, -1).astype(np.int64)
    active = np.flatnonzero(up >= 0)
    while len(active):
        parents = up[active]
        add = val[parents]
        grand = up[parents]
        val[active] += add
        up[active] = grand
        active = active[grand >= 0]
    return val


def _row_lookup(att: Attachment, n_edges: int) -> tuple[np.ndarray, np.ndarray, Attachment]:
    """Sorted ``owner * (n_edges + 1) + edge`` keys of ``att``'s candidate rows."""
    owner, flat = att.expand()
    keys = owner.astype(np.int64) * (n_edges + 1) + flat.edge.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], order, flat


def _rows(lookup: tuple[np.ndarray, np.ndarray, Attachment], owner, edge, n_edges) -> np.ndarray:
    keys, order, _ = lookup
    want = np.asarray(owner, dtype=np.int64) * (n_edges + 1) + np.asarray(edge, dtype=np.int64)
    pos = np.clip(np.searchsorted(keys, want), 0, max(len(keys) - 1, 0))
    return order[pos]


#: The value from an edge's ``u`` end to a position (0..1) along it.
PartValue = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _piece(
    full: np.ndarray,
    part: np.ndarray,
    towards_u: np.ndarray,
    loop: np.ndarray,
) -> np.ndarray:
    """Value between a point (``part`` from ``u``) and the end it travels to."""
    value = np.where(towards_u, part, full - part)
    return np.where(loop, np.minimum(part, full - part), value)


def route_sums(
    trees: RouteTrees,
    edge_value: np.ndarray,
    *,
    part: PartValue | None = None,
    connector: float = 0.0,
) -> np.ndarray:
    """``(sources, destinations)``: per route, the summed value of the edges
    and edge parts it rides plus ``connector`` times the metres of its two
    connectors; NaN where there is no route.

    ``edge_value``: per edge, its value over the whole edge; ``part(edges,
    frac)``: the value from each edge's ``u`` end to position ``frac``
    (default ``frac * edge_value``).
    """
    net = trees.network
    ne = net.n_edges
    out = np.full((len(trees.sources), len(trees.destinations)), np.nan)
    if trees.graph is None:
        return out
    edge_value = np.asarray(edge_value, dtype=float)
    if part is None:

        def part(edges: np.ndarray, frac: np.ndarray) -> np.ndarray:
            return edge_value[edges] * frac

    n = net.n_nodes
    d_lookup = _row_lookup(trees.destinations, ne)
    s_lookup = _row_lookup(trees.sources, ne)
    s_flat, d_flat = s_lookup[2], d_lookup[2]
    # The value from each candidate point to its edge's u end, once for all trees.
    s_part = part(s_flat.edge, s_flat.frac) if len(s_flat.edge) else np.zeros(0)
    d_part = part(d_flat.edge, d_flat.frac) if len(d_flat.edge) else np.zeros(0)
    single = not trees.sources.multi
    # Without candidate edges a source's row is its rank among the reachable ones.
    s_row = np.full(len(trees.sources), -1, dtype=np.int64)
    if single:
        s_row[trees.sources.expand()[0]] = np.arange(len(s_flat.edge))
    for j, (_dist, pred64) in trees.trees.items():
        pred = np.asarray(pred64, dtype=np.int64)
        arcs = trees.tree_arcs(j)
        node = arcs.in_tree
        arc = np.zeros(len(pred))
        if len(node):
            e = arcs.edge[node]
            full = pred[node] < n
            arc[node[full]] = edge_value[e[full]]
            partial = ~full
            if partial.any():
                x, ep = node[partial], e[partial]
                r = _rows(d_lookup, np.full(len(x), j), ep, ne)
                piece = _piece(
                    edge_value[ep],
                    d_part[r],
                    net.u[ep] == x,
                    net.u[ep] == net.v[ep],
                )
                arc[x] = piece + connector * d_flat.snap_m[r]
        along = tree_sums(pred, arc)
        res = trees.result(j)
        assert res.src_edge is not None
        hit = np.isfinite(res.cost)
        s = np.flatnonzero(hit)
        e = res.src_edge[s]
        # One candidate edge per source: its row is the source's own.
        r = s_row[s] if single else _rows(s_lookup, s, e, ne)
        entry = res.entry[s]
        via = entry >= 0
        value = np.empty(len(s))
        from_u = s_part[r]
        piece = _piece(edge_value[e], from_u, net.u[e] == entry, net.u[e] == net.v[e])
        value[via] = along[entry[via]] + piece[via]
        direct = ~via
        if direct.any():
            ed = e[direct]
            rd = _rows(d_lookup, np.full(len(ed), j), ed, ne)
            gap = np.abs(d_part[rd] - from_u[direct])
            value[direct] = gap + connector * d_flat.snap_m[rd]
        out[s, j] = value + connector * s_flat.snap_m[r]
    return out
