"""Independent reference computations with plain networkx (tests only).

The network is split explicitly at every attached point (a real node per
point), connectors become real edges, and networkx's own Dijkstra does the
rest. Nothing here shares code with the kernel beyond reading the arrays.
"""

from __future__ import annotations

import contextlib

import networkx as nx
import numpy as np


def split_digraph(network, points: dict[str, object], mode: str) -> nx.DiGraph:
    """A DiGraph with nodes ('n', i) and ('p', name, k) for attached points.

    ``points`` maps a name to an Attachment. Each attached point k gets a node
    on its edge and a separate ('x', name, k) node for the point itself, linked
    by the connector in both directions.
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
        for k in range(len(att.ids)):
            e = int(att.edge[k])
            if e < 0:
                continue
            on_edge.setdefault(e, []).append((float(att.frac[k]), ("p", name, k)))
            c = float(att.snap_m[k]) if conn_speed is None else float(att.snap_m[k] / conn_speed[e])
            g.add_edge(("x", name, k), ("p", name, k), w=c)
            g.add_edge(("p", name, k), ("x", name, k), w=c)

    def add(a, b, w):
        if not np.isfinite(w):
            return
        if g.has_edge(a, b) and g[a][b]["w"] <= w:
            return
        g.add_edge(a, b, w=w)

    for e in range(network.n_edges):
        stops = [(0.0, ("n", int(network.u[e]))), (1.0, ("n", int(network.v[e])))]
        stops += on_edge.get(e, [])
        stops.sort(key=lambda s: s[0])
        for (fa, a), (fb, b) in zip(stops[:-1], stops[1:], strict=True):
            if a == b:
                continue
            if fb == fa:  # same place: no direction to respect
                add(a, b, 0.0)
                add(b, a, 0.0)
                continue
            add(a, b, (fb - fa) * fwd[e])
            if np.isfinite(bwd[e]):
                add(b, a, (fb - fa) * bwd[e])
    return g


def nearest_costs(network, sources, dests, mode: str) -> np.ndarray:
    """Cost from each source point to its nearest destination point (inf if none)."""
    g = split_digraph(network, {"s": sources, "d": dests}, mode)
    targets = [("x", "d", k) for k in range(len(dests.ids)) if dests.edge[k] >= 0]
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
        a, b = ("x", "p", int(i)), ("x", "p", int(j))
        if a in g and b in g:
            with contextlib.suppress(nx.NetworkXNoPath):
                out[r] = nx.dijkstra_path_length(g, a, b, weight="w")
    return out


def nearest_flows(network, sources, dests, weights, mode: str = "bike") -> np.ndarray:
    """Per edge: summed ``weights`` of sources whose networkx shortest path to
    the nearest destination touches it (the partly used end edges included)."""
    g = split_digraph(network, {"s": sources, "d": dests}, mode)
    fwd = network.length if mode == "walk" else network.length / (network.speed_kmh / 3.6)
    owner: dict = {}
    best: dict = {}
    for e in range(network.n_edges):
        for key in (
            (("n", int(network.u[e])), ("n", int(network.v[e]))),
            (("n", int(network.v[e])), ("n", int(network.u[e]))),
        ):
            if key not in best or fwd[e] < best[key]:  # parallel links: the cheapest carries
                best[key] = fwd[e]
                owner[key] = e
    for name, att in (("s", sources), ("d", dests)):
        for k in range(len(att.ids)):
            e = int(att.edge[k])
            if e >= 0:
                owner[("p", name, k)] = e
    ref = np.zeros(network.n_edges)
    targets = [("x", "d", k) for k in range(len(dests.ids)) if dests.edge[k] >= 0]
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
            if (a, b) in owner:
                used.add(owner[(a, b)])
            for end in (a, b):
                if end[0] == "p":
                    used.add(owner[end])
        for e in used:
            ref[e] += weights[k]
    return ref
