"""The region's illustrative bike network: a mesh between locality anchors, corridors to the centres, islands connected, one-ways kept strongly connected."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, cKDTree
from shapely.geometry import LineString

from slimmeregio.layers.progress import Task
from slimmeregio.resources.build_config import (
    CORE_DENSITY,
    CORRIDORS,
    CRS,
    ILLUSTRATIVE,
    MAIN_CENTRE_WEIGHT,
    POSTCODE_NIS,
    SPEEDS,
    STREET_NAMES,
)

# --------------------------------------------------------------------------
# Illustrative bike network
# --------------------------------------------------------------------------


@dataclass
class _Anchor:
    name: str
    x: float
    y: float
    kind: str  # 'region', 'brussels' or 'outside'


def locality_population(deel: gpd.GeoDataFrame, gemeenten: gpd.GeoDataFrame) -> np.ndarray:
    """Inhabitants per deelgemeente: the main centre weighs more than the rest."""
    population = dict(zip(gemeenten["nis"], gemeenten["inwoners"], strict=True))
    weights = np.where(deel["naam"] == deel["gemeente"], MAIN_CENTRE_WEIGHT, 1.0)
    totals = pd.Series(weights).groupby(deel["nis"].to_numpy()).transform("sum").to_numpy()
    return np.array([population[n] for n in deel["nis"]]) * weights / totals


def _bent_line(
    a: tuple[float, float], b: tuple[float, float], rng: np.random.Generator, *, amp: float
) -> LineString:
    """A gently bent line from a to b (endpoints kept exactly)."""
    ax, ay = a
    bx, by = b
    length = math.hypot(bx - ax, by - ay)
    n = max(2, int(length / 350.0))
    t = np.linspace(0.0, 1.0, n + 1)
    nx, ny = -(by - ay) / length, (bx - ax) / length
    bend = amp * length * rng.uniform(0.4, 1.0) * rng.choice((-1.0, 1.0))
    wiggle = 0.012 * length * rng.uniform(-1, 1)
    offset = bend * np.sin(np.pi * t) + wiggle * np.sin(2 * np.pi * t * rng.integers(2, 4))
    offset[0] = offset[-1] = 0.0
    xs = ax + (bx - ax) * t + nx * offset
    ys = ay + (by - ay) * t + ny * offset
    xs[0], ys[0], xs[-1], ys[-1] = ax, ay, bx, by
    return LineString(np.column_stack([xs, ys]))


def _gabriel_edges(points: np.ndarray) -> list[tuple[int, int]]:
    """Edges of the Gabriel graph (a planar proximity graph) of ``points``."""
    tri = Delaunay(points)
    edges: set[tuple[int, int]] = set()
    for simplex in tri.simplices:
        for i in range(3):
            a, b = sorted((int(simplex[i]), int(simplex[(i + 1) % 3])))
            edges.add((a, b))
    tree = cKDTree(points)
    keep = []
    for a, b in sorted(edges):
        mid = (points[a] + points[b]) / 2
        radius = np.linalg.norm(points[a] - points[b]) / 2
        inside = tree.query_ball_point(mid, radius * 0.999)
        if all(k in (a, b) for k in inside):
            keep.append((a, b))
    return keep


def _mesh(
    center: tuple[float, float],
    *,
    radius: float,
    spacing: float,
    mask: Any,
    rng: np.random.Generator,
    loc: int,
) -> list[tuple[LineString, str, int]]:
    """An irregular local street mesh around a locality centre.

    A jittered, rotated grid inside a wobbly disc, clipped to ``mask``; edges
    are dropped more often towards the edge (dead ends, cul-de-sacs), and only
    the part connected to the centre is kept.
    """
    n = int(math.ceil(1.45 * radius / spacing))
    ii, jj = np.meshgrid(np.arange(-n, n + 1), np.arange(-n, n + 1), indexing="ij")
    local = np.stack([ii * spacing, jj * spacing], axis=-1).astype(float)
    local += rng.uniform(-0.28 * spacing, 0.28 * spacing, size=local.shape)
    local[n, n] = 0.0
    angle = rng.uniform(0, np.pi / 2)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    xy = local @ rot.T + np.asarray(center)
    dist = np.hypot(local[..., 0], local[..., 1])
    theta = np.arctan2(local[..., 1], local[..., 0])
    p1, p2 = rng.uniform(0, 2 * np.pi, 2)
    limit = radius * (1 + 0.22 * np.sin(3 * theta + p1) + 0.12 * np.sin(5 * theta + p2))
    valid = (dist <= limit) & shapely.contains_xy(mask, xy[..., 0], xy[..., 1])
    valid[n, n] = True
    size = 2 * n + 1
    ids = np.arange(size * size).reshape(size, size)
    edges: list[tuple[int, int, str]] = []
    for axis, (di, dj) in enumerate(((1, 0), (0, 1), (1, 1))):
        a = ids[: size - di, : size - dj].ravel()
        b = ids[di:, dj:].ravel()
        ok = valid.ravel()[a] & valid.ravel()[b]
        rel = (dist.ravel()[a] + dist.ravel()[b]) / (2 * radius)
        p_keep = (0.97 - 0.3 * rel) if axis < 2 else np.full(rel.shape, 0.05)
        ok &= rng.random(a.shape) < p_keep
        line_no = (ii.ravel()[a] if axis == 1 else jj.ravel()[a]) if axis < 2 else ii.ravel()[a]
        for k in np.flatnonzero(ok):
            name = STREET_NAMES[(loc * 7919 + int(line_no[k]) * 31 + axis * 17) % len(STREET_NAMES)]
            edges.append((int(a[k]), int(b[k]), name))
    if not edges:
        return []
    ea = np.array([e[0] for e in edges])
    eb = np.array([e[1] for e in edges])
    graph = coo_matrix((np.ones(len(edges)), (ea, eb)), shape=(size * size, size * size))
    _, labels = connected_components(graph, directed=False)
    centre_label = labels[ids[n, n]]
    flat = xy.reshape(-1, 2)
    out = []
    for (ia, ib, name), la in zip(edges, labels[ea], strict=True):
        if la == centre_label:
            out.append((LineString([flat[ia], flat[ib]]), name, loc))
    return out


def _node(lines: list[LineString], attrs: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Node all lines at their crossings; each piece inherits its best parent's attributes."""
    merged = shapely.union_all(np.array(lines, dtype=object))
    pieces = shapely.get_parts(merged)
    pieces = pieces[shapely.length(pieces) > 0.01]
    probe = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
    tree = shapely.STRtree(np.array(lines, dtype=object))
    src, dst = tree.query(probe, predicate="dwithin", distance=0.05)
    rank = attrs["rank"].to_numpy()[dst]
    order = np.lexsort((dst, rank, src))
    src, dst = src[order], dst[order]
    first = np.unique(src, return_index=True)[1]
    parent = np.full(len(pieces), -1)
    parent[src[first]] = dst[first]
    ok = parent >= 0
    return pieces[ok], attrs.iloc[parent[ok]].reset_index(drop=True)


def _endpoint_graph(pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Node ids of each piece's endpoints; coordinates of the nodes; component labels."""
    starts = shapely.get_coordinates(shapely.get_point(pieces, 0))
    ends = shapely.get_coordinates(shapely.get_point(pieces, -1))
    coords = np.round(np.vstack([starts, ends]), 2)
    uniq, inverse = np.unique(coords, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    u, v = inverse[: len(pieces)], inverse[len(pieces) :]
    graph = coo_matrix((np.ones(len(pieces)), (u, v)), shape=(len(uniq), len(uniq)))
    labels: np.ndarray = connected_components(graph, directed=False)[1]
    return u, v, uniq, labels


def _connect_islands(
    pieces: np.ndarray, attrs: pd.DataFrame
) -> tuple[list[LineString], list[dict[str, Any]]]:
    """Short lokaal connectors from each island to the main network (within 500 m)."""
    u, v, nodes, labels = _endpoint_graph(pieces)
    main = np.bincount(labels[u]).argmax()
    main_nodes = np.flatnonzero(labels == main)
    tree = cKDTree(nodes[main_nodes])
    lines: list[LineString] = []
    rows: list[dict[str, Any]] = []
    for comp in np.unique(labels):
        if comp == main:
            continue
        members = np.flatnonzero(labels == comp)
        dist, idx = tree.query(nodes[members])
        best = int(np.argmin(dist))
        if dist[best] <= 500.0:
            a = nodes[members[best]]
            b = nodes[main_nodes[idx[best]]]
            lines.append(LineString([a, b]))
            rows.append({"klasse": "lokaal", "naam": "Verbindingsweg", "loc": -1, "rank": 2})
    return lines, rows


def _anchors(
    deel: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    localities_all: gpd.GeoDataFrame,
    region: Any,
    brussels: Any,
) -> list[_Anchor]:
    """The places the network links: region localities and stations, Brussels
    stations and localities, stations and localities just across the border."""
    near = region.buffer(3000.0)
    anchors: list[_Anchor] = []
    for row in deel.itertuples(index=False):
        anchors.append(_Anchor(row.naam, row.geometry.x, row.geometry.y, "region"))
    for row in stations.itertuples(index=False):
        kind = "region" if row.in_regio else ("brussels" if row.gewest == "Brussel" else "outside")
        anchors.append(_Anchor(f"{row.naam} station", row.geometry.x, row.geometry.y, kind))
    others = localities_all[~localities_all["postcode"].isin(POSTCODE_NIS)]
    others = others[others.geometry.within(near) | others.geometry.within(brussels)]
    for row in others.sort_values(["postcode", "naam"]).itertuples(index=False):
        kind = "brussels" if brussels.contains(row.geometry) else "outside"
        if kind == "outside" and region.contains(row.geometry):
            continue  # geocoding errors inside the region (e.g. Driekapellen)
        anchors.append(_Anchor(row.naam, row.geometry.x, row.geometry.y, kind))
    return anchors


def make_network(
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    stations: gpd.GeoDataFrame,
    localities_all: gpd.GeoDataFrame,
    region: Any,
    brussels: Any,
    rng: np.random.Generator,
    task: Task,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The illustrative bike network, noded and connected."""
    anchors = _anchors(deel, stations, localities_all, region, brussels)
    pts = np.array([(a.x, a.y) for a in anchors])
    is_locality = np.array([not a.name.endswith(" station") for a in anchors])
    # Merge anchors closer than 60 m (a station at its locality centre).
    tree = cKDTree(pts)
    rep = np.arange(len(pts))
    for i, j in sorted(tree.query_pairs(60.0)):
        rep[max(i, j)] = rep[min(i, j)]
    unique = np.unique(rep)
    pts_u = pts[unique]
    kinds = [anchors[i].kind for i in unique]
    names = [anchors[i].name for i in unique]

    lines: list[LineString] = []
    rows: list[dict[str, Any]] = []

    # Fietssnelweg corridors through station waypoints.
    station_xy = {n: (g.x, g.y) for n, g in zip(stations["naam"], stations.geometry, strict=True)}
    corridor_lines = []
    for name, waypoints in CORRIDORS:
        coords: list[tuple[float, float]] = []
        for wa, wb in zip(waypoints[:-1], waypoints[1:], strict=True):
            part = _bent_line(station_xy[wa], station_xy[wb], rng, amp=0.02)
            seg = list(part.coords)
            coords.extend(seg if not coords else seg[1:])
        line = LineString(coords)
        corridor_lines.append(line)
        lines.append(line)
        rows.append({"klasse": "fietssnelweg", "naam": name, "loc": -1, "rank": 0})
    corridors = shapely.union_all(corridor_lines)

    # Bovenlokaal routes: Gabriel graph of the anchors.
    edges_kept: list[tuple[int, int]] = []
    for a, b in _gabriel_edges(pts_u):
        if kinds[a] == "outside" and kinds[b] == "outside":
            continue
        straight = LineString([pts_u[a], pts_u[b]])
        if straight.length > 6000.0 or straight.length < 1.0:
            continue
        if shapely.hausdorff_distance(straight, corridors) < 600.0:
            continue  # the fietssnelweg already serves this pair
        edges_kept.append((a, b))
        line = _bent_line(tuple(pts_u[a]), tuple(pts_u[b]), rng, amp=0.06)
        lines.append(line)
        rows.append(
            {"klasse": "bovenlokaal", "naam": f"{names[a]} - {names[b]}", "loc": -1, "rank": 1}
        )
    # Stations across the border the proximity graph left out get a route to
    # the nearest anchor in the region or in Brussels.
    linked = {a for e in edges_kept for a in e}
    loose = [
        i
        for i in range(len(pts_u))
        if kinds[i] == "outside" and i not in linked and names[i].endswith(" station")
    ]
    # Nearest to the network first, so a farther station can chain onto it.
    loose.sort(key=lambda i: (region.distance(shapely.Point(pts_u[i])), i))
    for i in loose:
        reached = np.array(sorted(linked))
        dist, j = cKDTree(pts_u[reached]).query(pts_u[i])
        b = int(reached[j])
        lines.append(_bent_line(tuple(pts_u[i]), tuple(pts_u[b]), rng, amp=0.05))
        rows.append(
            {"klasse": "bovenlokaal", "naam": f"{names[i]} - {names[b]}", "loc": -1, "rank": 1}
        )
        linked.add(i)
    task.report(0.25, "bovenlokaal routes")

    # Local meshes, each clipped to its locality's Voronoi-like cell.
    # Voronoi seeds: locality centres only (stations get no mesh of their own).
    seeds = pts[is_locality]
    seed_tree = cKDTree(seeds)
    mask_region = region.buffer(250.0)
    deel_xy = np.column_stack([deel.geometry.x, deel.geometry.y])
    for loc, (x, y) in enumerate(deel_xy):
        task.report(0.25 + 0.45 * loc / len(deel_xy), "lokale straten")
        pop = float(loc_pop[loc])
        radius = min(max(math.sqrt(pop / (math.pi * CORE_DENSITY)) * 1000.0 * 1.25, 450.0), 2300.0)
        spacing = 110.0 if pop > 15000 else (130.0 if pop > 6000 else 150.0)
        own = seed_tree.query((x, y))[1]
        cell = _voronoi_cell(seeds, own, (x, y), radius * 1.6, seed_tree)
        mask = shapely.intersection(cell, mask_region)
        for line, street, idx in _mesh(
            (x, y), radius=radius, spacing=spacing, mask=mask, rng=rng, loc=loc
        ):
            lines.append(line)
            rows.append({"klasse": "lokaal", "naam": street, "loc": idx, "rank": 2})
    task.report(0.7, "noding")
    attrs = pd.DataFrame(rows)
    pieces, piece_attrs = _node(lines, attrs)
    extra_lines, extra_rows = _connect_islands(pieces, piece_attrs)
    if extra_lines:
        lines = lines + extra_lines
        attrs = pd.concat([attrs, pd.DataFrame(extra_rows)], ignore_index=True)
        pieces, piece_attrs = _node(lines, attrs)
    task.report(0.9, "connectivity")
    u, _, _, labels = _endpoint_graph(pieces)
    main = np.bincount(labels[u]).argmax()
    keep = labels[u] == main
    pieces, piece_attrs = pieces[keep], piece_attrs[keep].reset_index(drop=True)
    return _network_frame(pieces, piece_attrs, deel_xy, rng), piece_attrs


def _voronoi_cell(
    seeds: np.ndarray, own: int, center: tuple[float, float], reach: float, tree: cKDTree
) -> Any:
    """The Voronoi cell of seed ``own`` within ``reach`` (half-plane clipping)."""
    cx, cy = seeds[own]
    cell = shapely.box(center[0] - reach, center[1] - reach, center[0] + reach, center[1] + reach)
    for k in tree.query_ball_point(seeds[own], 2 * reach):
        if k == own:
            continue
        ox, oy = seeds[k]
        mx, my = (cx + ox) / 2, (cy + oy) / 2
        dx, dy = ox - cx, oy - cy
        norm = math.hypot(dx, dy)
        if norm < 1e-6:
            continue
        dx, dy = dx / norm, dy / norm
        big = 4 * reach
        # Half-plane on the own side of the bisector.
        px, py = -dy, dx
        half = shapely.Polygon(
            [
                (mx + px * big, my + py * big),
                (mx + px * big - dx * big, my + py * big - dy * big),
                (mx - px * big - dx * big, my - py * big - dy * big),
                (mx - px * big, my - py * big),
            ]
        )
        cell = shapely.intersection(cell, half)
    return cell


def _keep_strongly_connected(pieces: np.ndarray, oneway: np.ndarray) -> np.ndarray:
    """Make one-way links two-way where they would trap a cyclist.

    A one-way street into a cul-de-sac leaves its end unreachable or
    inescapable; drop the one-way flag around every node outside the main
    strongly connected component until every node can reach every other.
    """
    u, v, nodes, _ = _endpoint_graph(pieces)
    oneway = oneway.copy()
    while True:
        two = ~oneway
        rows = np.concatenate([u, v[two]])
        cols = np.concatenate([v, u[two]])
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(nodes)))
        _, labels = connected_components(graph, directed=True, connection="strong")
        outside = labels != np.bincount(labels).argmax()
        flip = oneway & (outside[u] | outside[v])
        if not flip.any():
            return oneway
        oneway &= ~flip


def _network_frame(
    pieces: np.ndarray, attrs: pd.DataFrame, deel_xy: np.ndarray, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    klasse = attrs["klasse"].to_numpy(str)
    start = shapely.get_coordinates(shapely.get_point(pieces, 0))
    order = np.lexsort((start[:, 1], start[:, 0], attrs["rank"].to_numpy()))
    pieces = pieces[order]
    attrs = attrs.iloc[order].reset_index(drop=True)
    klasse = klasse[order]
    mid = shapely.get_coordinates(shapely.line_interpolate_point(pieces, 0.5, normalized=True))
    # A few one-way streets in the dense cores (within 350 m of a centre).
    dist_core = cKDTree(deel_xy).query(mid)[0]
    oneway = (klasse == "lokaal") & (dist_core < 350.0) & (rng.random(len(pieces)) < 0.06)
    oneway = _keep_strongly_connected(pieces, oneway)
    return gpd.GeoDataFrame(
        {
            "link_id": np.arange(1, len(pieces) + 1, dtype="int64"),
            "klasse": klasse,
            "snelheid": np.array([SPEEDS[k] for k in klasse], dtype=float),
            "eenrichting": oneway,
            "naam": attrs["naam"].to_numpy(str),
            "source": np.full(len(pieces), ILLUSTRATIVE),
            "_loc": attrs["loc"].to_numpy(int),
        },
        geometry=pieces,
        crs=CRS,
    )
