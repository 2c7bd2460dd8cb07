"""Independent reference computations with plain networkx (tests only).

The network is split explicitly at every attached point (a real node per
point), connectors become real edges, and networkx's own Dijkstra does the
rest. Nothing here shares code with the kernel beyond reading the arrays.
"""

from __future__ import annotations

import contextlib

import networkx as nx
import numpy as np


def candidates(att):
    """(point, candidate number, edge, frac, snap) of every attachment row."""
    out = []
    if getattr(att, "cand_owner", None) is None:
        for k in range(len(att.ids)):
            if att.edge[k] >= 0:
                out.append((k, 0, int(att.edge[k]), float(att.frac[k]), float(att.snap_m[k])))
        return out
    seen: dict[int, int] = {}
    for k, e, f, d in zip(att.cand_owner, att.cand_edge, att.cand_frac, att.cand_snap, strict=True):
        c_i = seen.get(int(k), 0)
        seen[int(k)] = c_i + 1
        out.append((int(k), c_i, int(e), float(f), float(d)))
    return out


def split_digraph(network, points: dict[str, object], mode: str) -> nx.DiGraph:
    """A DiGraph with nodes ('n', i) and ('p', name, k) for attached points.

    ``points`` maps a name to an Attachment. Each attached point k gets a node
    ('p', name, k, c) on each of its candidate edges c, a node ('x', name, k)
    to leave the point from and one ('y', name, k) to arrive at, linked to
    each candidate by its connector.
    """
    if mode == "walk":
        fwd = bwd = network.length
        conn_speed = None
    else:
        t = network.length / (network.speed_kmh / 3.6)
        fwd = t
        bwd = np.where(network.oneway, np.inf, t)
        conn_speed = network.speed_kmh / 3.6
    g = nx.DiGraph()
    on_edge: dict[int, list[tuple[float, tuple]]] = {}
    for name, att in points.items():
        for k, c_i, e, frac, snap in candidates(att):
            node = ("p", name, k, c_i)
            on_edge.setdefault(e, []).append((frac, node))
            c = snap if conn_speed is None else snap / float(conn_speed[e])
            # Leave the point by ('x', ...), arrive by ('y', ...): no route
            # can pass through a point from one candidate edge to another.
            # Documented tie rule: on equal cost the nearest candidate edge
            # (listed first) carries the route; 1e-9 per rank encodes it.
            g.add_edge(("x", name, k), node, w=c + 1e-9 * c_i)
            g.add_edge(node, ("y", name, k), w=c + 1e-9 * c_i)

    def add(a, b, w, e, ridden):
        if not np.isfinite(w):
            return
        if g.has_edge(a, b) and g[a][b]["w"] <= w:
            return
        g.add_edge(a, b, w=w, edge=e, ridden=ridden)

    for e in range(network.n_edges):
        stops = [(0.0, ("n", int(network.u[e]))), (1.0, ("n", int(network.v[e])))]
        stops += on_edge.get(e, [])
        stops.sort(key=lambda s: s[0])
        for (fa, a), (fb, b) in zip(stops[:-1], stops[1:], strict=True):
            if a == b:
                continue
            if fb == fa:  # same place: no direction to respect, no length ridden
                add(a, b, 0.0, e, False)
                add(b, a, 0.0, e, False)
                continue
            add(a, b, (fb - fa) * fwd[e], e, True)
            if np.isfinite(bwd[e]):
                add(b, a, (fb - fa) * bwd[e], e, True)
    return g


def nearest_costs(network, sources, dests, mode: str) -> np.ndarray:
    """Cost from each source point to its nearest destination point (inf if none)."""
    g = split_digraph(network, {"s": sources, "d": dests}, mode)
    targets = [("y", "d", k) for k in range(len(dests.ids)) if ("y", "d", k) in g]
    out = np.full(len(sources.ids), np.inf)
    if not targets:
        return out
    dist = nx.multi_source_dijkstra_path_length(g.reverse(copy=True), targets, weight="w")
    for k in range(len(sources.ids)):
        out[k] = dist.get(("x", "s", k), np.inf)
    return out


def pair_costs(network, points, pairs, mode: str) -> np.ndarray:
    g = split_digraph(network, {"p": points}, mode)
    out = np.full(len(pairs), np.inf)
    for r, (i, j) in enumerate(pairs):
        a, b = ("x", "p", int(i)), ("y", "p", int(j))
        if a in g and b in g and i != j:
            with contextlib.suppress(nx.NetworkXNoPath):
                out[r] = nx.dijkstra_path_length(g, a, b, weight="w")
    return out


def nearest_flows(network, sources, dests, weights, mode: str = "bike") -> np.ndarray:
    """Per edge: summed ``weights`` of sources whose networkx shortest path to
    the nearest destination rides a positive length of it."""
    g = split_digraph(network, {"s": sources, "d": dests}, mode)
    ref = np.zeros(network.n_edges)
    targets = [("y", "d", k) for k in range(len(dests.ids)) if ("y", "d", k) in g]
    if not targets:
        return ref
    _, paths = nx.multi_source_dijkstra(g.reverse(copy=True), targets, weight="w")
    for k in range(len(sources.ids)):
        node = ("x", "s", k)
        if node not in paths:
            continue
        used = set()
        path = paths[node][::-1]
        for a, b in zip(path[:-1], path[1:], strict=True):
            data = g[a][b]
            if data.get("ridden"):
                used.add(data["edge"])
        for e in used:
            ref[e] += weights[k]
    return ref
