"""A network's editable working copy for one apply call: nodes and edges added, links split, new links attached at their ends and noded where they cross."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.ops import substring

from slimmeregio.scenarios.model import (
    AddLink,
    scenario_error,
)
from slimmeregio.scenarios.network import Network, effective_speeds

__all__ = [
    "REGION_MARGIN_M",
    "SNAP_M",
    "NetworkEditor",
    "TakenIds",
    "add_link",
    "check_xy",
    "link_edges",
    "new_id",
]

#: A new link's end snaps onto a node or link within this distance (m).
SNAP_M = 25.0
#: Geometry farther than this outside the region's extent is refused (m).
REGION_MARGIN_M = 5_000.0


class NetworkEditor:
    """Mutable working copy of a network's arrays (private to one apply call)."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.nodes: list[tuple[float, float]] = []
        self.n_base_nodes = net.n_nodes
        self.alive = np.ones(net.n_edges, bool)
        self.link_class = net.link_class.copy()
        self.fixed_speed = net.fixed_speed.copy()
        self.change = net.change.copy()
        #: Base edges whose attributes were set (their speeds are computed again).
        self.touched: set[int] = set()
        # Appended edges: dicts of attributes.
        self.extra: list[dict[str, Any]] = []

    # -- nodes -------------------------------------------------------------
    def node_xy(self, i: int) -> tuple[float, float]:
        if i < self.n_base_nodes:
            x, y = self.net.node_xy[i]
            return float(x), float(y)
        return self.nodes[i - self.n_base_nodes]

    def add_node(self, xy: tuple[float, float]) -> int:
        self.nodes.append((float(xy[0]), float(xy[1])))
        return self.n_base_nodes + len(self.nodes) - 1

    def all_nodes(self) -> np.ndarray:
        if not self.nodes:
            return self.net.node_xy
        return np.vstack([self.net.node_xy, np.asarray(self.nodes)])

    # -- edges: base edges 0..m-1, extra edges m.. --------------------------
    def n_edges(self) -> int:
        return self.net.n_edges + len(self.extra)

    def edge(self, e: int) -> dict[str, Any]:
        m = self.net.n_edges
        if e >= m:
            return self.extra[e - m]
        n = self.net
        return {
            "u": int(n.u[e]),
            "v": int(n.v[e]),
            "geometry": n.geometry[e],
            "link_id": int(n.link_id[e]),
            "link_class": self.link_class[e],
            "name": n.name[e],
            "oneway": bool(n.oneway[e]),
            "layer_speed": float(n.layer_speed[e]),
            "fixed_speed": float(self.fixed_speed[e]),
            "change": self.change[e],
            "alive": bool(self.alive[e]),
        }

    def kill(self, e: int) -> None:
        m = self.net.n_edges
        if e < m:
            self.alive[e] = False
        else:
            self.extra[e - m]["alive"] = False

    def add_edge(self, **attrs: Any) -> int:
        attrs.setdefault("alive", True)
        self.extra.append(attrs)
        return self.net.n_edges + len(self.extra) - 1

    def _extra_alive(self) -> list[int]:
        m = self.net.n_edges
        return [m + i for i, a in enumerate(self.extra) if a["alive"]]

    def nearest_edge(self, pt: shapely.Point, max_distance: float) -> tuple[int, float] | None:
        """The alive edge nearest to ``pt`` within ``max_distance``, and its distance."""
        best: tuple[int, float] | None = None
        near = self.net.tree.query(pt.buffer(max_distance), predicate="intersects")
        for e in near.tolist():
            if self.alive[e]:
                d = float(self.net.geometry[e].distance(pt))
                if d <= max_distance and (best is None or d < best[1]):
                    best = (e, d)
        for e in self._extra_alive():
            d = float(self.extra[e - self.net.n_edges]["geometry"].distance(pt))
            if d <= max_distance and (best is None or d < best[1]):
                best = (e, d)
        return best

    def crossing(self, line: shapely.LineString) -> list[int]:
        """Alive edges intersecting ``line``."""
        near = self.net.tree.query(line, predicate="intersects")
        out = [e for e in near.tolist() if self.alive[e]]
        out += [
            e
            for e in self._extra_alive()
            if self.extra[e - self.net.n_edges]["geometry"].intersects(line)
        ]
        return out

    def edges_of_link(self, link_id: int) -> list[int]:
        base = np.flatnonzero(self.alive & (self.net.link_id == link_id)).tolist()
        m = self.net.n_edges
        extra = [m + i for i, a in enumerate(self.extra) if a["alive"] and a["link_id"] == link_id]
        return base + extra

    def set_attr(self, e: int, key: str, value: Any) -> None:
        m = self.net.n_edges
        if e >= m:
            self.extra[e - m][key] = value
            return
        self.touched.add(e)
        if key == "link_class":
            self.link_class[e] = value
        elif key == "fixed_speed":
            self.fixed_speed[e] = value
        elif key == "change":
            self.change[e] = value
        else:
            raise KeyError(key)

    def split(self, e: int, fracs: Sequence[float]) -> list[int]:
        """Split edge ``e`` at normalised positions; return the node at each."""
        attrs = self.edge(e)
        geom = attrs["geometry"]
        length = float(geom.length)
        nodes: list[int] = []
        cuts: list[tuple[float, int]] = []
        for f in fracs:
            d = f * length
            if d <= 0.01:
                nodes.append(attrs["u"])
            elif d >= length - 0.01:
                nodes.append(attrs["v"])
            else:
                existing = [n for c, n in cuts if abs(c - f) * length <= 0.01]
                if existing:
                    nodes.append(existing[0])
                    continue
                p = geom.interpolate(f, normalized=True)
                node = self.add_node((p.x, p.y))
                cuts.append((f, node))
                nodes.append(node)
        if not cuts:
            return nodes
        cuts.sort()
        self.kill(e)
        stops = [(0.0, attrs["u"]), *cuts, (1.0, attrs["v"])]
        for (fa, na), (fb, nb) in zip(stops[:-1], stops[1:], strict=True):
            piece = substring(geom, fa, fb, normalized=True)
            piece = _with_ends(piece, self.node_xy(na), self.node_xy(nb))
            new = {k: v for k, v in attrs.items() if k not in ("u", "v", "geometry", "alive")}
            self.add_edge(u=na, v=nb, geometry=piece, **new)
        return nodes

    def finish(self, speeds_kmh: Any) -> tuple[Network, np.ndarray, np.ndarray]:
        net = self.net
        m = net.n_edges
        base_alive = np.flatnonzero(self.alive)
        extra = [a for a in self.extra if a["alive"]]
        k = len(extra)
        u = np.concatenate([net.u[base_alive], np.asarray([a["u"] for a in extra], np.int64)])
        v = np.concatenate([net.v[base_alive], np.asarray([a["v"] for a in extra], np.int64)])
        geometry = np.concatenate(
            [net.geometry[base_alive], np.asarray([a["geometry"] for a in extra] + [None])[:k]]
        )

        def cat(base: np.ndarray, key: str, dtype: Any) -> np.ndarray:
            return np.concatenate(
                [base[base_alive], np.asarray([a[key] for a in extra], dtype=dtype)]
            ).astype(dtype)

        link_class = cat(self.link_class, "link_class", object)
        layer_speed = cat(net.layer_speed, "layer_speed", float)
        fixed_speed = cat(self.fixed_speed, "fixed_speed", float)
        new_net = replace(
            net,
            node_xy=self.all_nodes(),
            u=u.astype(np.int64),
            v=v.astype(np.int64),
            # Kept edges keep their length (same geometry); only new ones are measured.
            length=np.concatenate(
                [net.length[base_alive], shapely.length(geometry[len(base_alive) :])]
            ).astype(float),
            link_id=cat(net.link_id, "link_id", np.int64),
            link_class=link_class,
            name=cat(net.name, "name", object),
            oneway=cat(net.oneway, "oneway", bool),
            layer_speed=layer_speed,
            fixed_speed=fixed_speed,
            speed_kmh=self._speeds(base_alive, link_class, layer_speed, fixed_speed, speeds_kmh),
            geometry=geometry,
            change=cat(self.change, "change", object),
        )
        edge_map = np.full(m, -1, dtype=np.int64)
        edge_map[base_alive] = np.arange(len(base_alive))
        new_edges = np.arange(len(base_alive), len(base_alive) + k, dtype=np.int64)
        return new_net, edge_map, new_edges

    def touched_edges(self, edge_map: np.ndarray) -> np.ndarray:
        """The surviving base edges whose attributes were set, numbered in
        the edited network (:meth:`finish`'s ``edge_map``), ascending."""
        mapped = edge_map[self._touched()]
        return np.sort(mapped[mapped >= 0])

    def _touched(self) -> np.ndarray:
        return np.fromiter(self.touched, dtype=np.int64, count=len(self.touched))

    def _speeds(
        self,
        base_alive: np.ndarray,
        link_class: np.ndarray,
        layer_speed: np.ndarray,
        fixed_speed: np.ndarray,
        speeds_kmh: Any,
    ) -> np.ndarray:
        """:func:`effective_speeds` of the edited edges: a base edge whose
        attributes were not set keeps its speed under ``speeds_kmh`` (computed
        once per base network and speeds), the others are computed."""
        net = self.net
        key = ("effective_speeds", tuple(sorted((str(k), float(v)) for k, v in speeds_kmh.items())))
        whole = net.cache.get(key)
        if whole is None:
            whole = effective_speeds(net.link_class, net.layer_speed, net.fixed_speed, speeds_kmh)
            net.cache[key] = whole
        speed = np.concatenate([whole[base_alive], np.zeros(len(link_class) - len(base_alive))])
        touched = self._touched()
        touched = touched[self.alive[touched]]
        redo = np.concatenate(
            [
                np.searchsorted(base_alive, np.sort(touched)),
                np.arange(len(base_alive), len(link_class)),
            ]
        ).astype(np.int64)
        if len(redo):
            speed[redo] = effective_speeds(
                link_class[redo], layer_speed[redo], fixed_speed[redo], speeds_kmh
            )
        return speed


def _with_ends(
    line: shapely.LineString, start: tuple[float, float], end: tuple[float, float]
) -> shapely.LineString:
    coords = np.asarray(line.coords, dtype=float)
    if len(coords) < 2:
        coords = np.asarray([start, end])
    coords[0] = start
    coords[-1] = end
    return shapely.LineString(coords)


def check_xy(extent: tuple[float, float, float, float], location: str, x: float, y: float) -> None:
    """Raise ScenarioError at ``location`` when ``(x, y)`` lies more than REGION_MARGIN_M outside ``extent``."""
    xmin, ymin, xmax, ymax = extent
    if not (
        xmin - REGION_MARGIN_M <= x <= xmax + REGION_MARGIN_M
        and ymin - REGION_MARGIN_M <= y <= ymax + REGION_MARGIN_M
    ):
        raise scenario_error(
            location,
            f"de geometrie ligt ver buiten de regio ({x:.0f}, {y:.0f})",
            f"the geometry lies far outside the region ({x:.0f}, {y:.0f})",
        )


class TakenIds:
    """The ids in use while modifications apply: a base set shared by every
    scenario (not copied) with the ids added and removed since on top."""

    def __init__(self, base: frozenset[str]) -> None:
        self._base = base
        self._added: set[str] = set()
        self._removed: set[str] = set()

    def __contains__(self, ident: object) -> bool:
        return ident in self._added or (ident in self._base and ident not in self._removed)

    def add(self, ident: str) -> None:
        self._removed.discard(ident)
        self._added.add(ident)

    def discard(self, ident: str) -> None:
        self._added.discard(ident)
        self._removed.add(ident)


def new_id(given: str | None, i: int, taken: set[str] | TakenIds, what: tuple[str, str]) -> str:
    """Id for the feature added by modification ``i``: ``given`` or ``nieuw-<i+1>``.

    ``taken`` holds the ids of the base features still present and of those
    added so far (a set, so applying many modifications stays linear); the
    new id is added to it. Raises ScenarioError when the id is taken;
    ``what`` names the feature (Dutch, English) in the message.
    """
    ident = given or f"nieuw-{i + 1}"
    if ident in taken:
        raise scenario_error(
            f"modifications[{i}].id",
            f"{what[0]}-id {ident} bestaat al",
            f"{what[1]} id {ident} already exists",
        )
    taken.add(ident)
    return ident


def _attach_end(ed: NetworkEditor, xy: tuple[float, float]) -> int:
    """Node for a new link's end: an existing node, a split link, or a new node."""
    tree = ed.net.cache.get("node_tree")
    if tree is None:
        tree = cKDTree(ed.net.node_xy)
        ed.net.cache["node_tree"] = tree
    dist, idx = tree.query(xy, k=1)
    best = (float(dist), int(idx)) if np.isfinite(dist) else (np.inf, -1)
    if ed.nodes:
        extra = np.asarray(ed.nodes)
        d = np.hypot(extra[:, 0] - xy[0], extra[:, 1] - xy[1])
        j = int(np.argmin(d))
        if d[j] < best[0]:
            best = (float(d[j]), ed.n_base_nodes + j)
    if best[0] <= SNAP_M:
        return best[1]
    pt = shapely.Point(xy)
    hit = ed.nearest_edge(pt, SNAP_M)
    if hit is not None:
        e = hit[0]
        f = float(shapely.line_locate_point(ed.edge(e)["geometry"], pt, normalized=True))
        return ed.split(e, [f])[0]
    return ed.add_node(xy)


def add_link(ed: NetworkEditor, mod: AddLink, link_id: int) -> None:
    """Add ``mod`` as link ``link_id``: ends attached (snapped or split), noded at crossings unless a bridge."""
    coords: list[tuple[float, float]] = [(float(x), float(y)) for x, y in mod.coords]
    start = _attach_end(ed, coords[0])
    end = _attach_end(ed, coords[-1])
    coords[0] = ed.node_xy(start)
    coords[-1] = ed.node_xy(end)
    line = shapely.LineString(coords)
    if line.length <= 0:
        return
    # Crossings with existing links (not at the new link's own ends); a
    # bridge or tunnel joins at its ends only.
    stops: list[tuple[float, int]] = [(0.0, start), (line.length, end)]
    for e in [] if mod.bridge else ed.crossing(line):
        geom = ed.edge(e)["geometry"]
        inter = shapely.intersection(geom, line)
        pts = shapely.get_coordinates(inter)
        positions = [float(line.project(shapely.Point(p))) for p in pts]
        keep = [
            (p, pos) for p, pos in zip(pts, positions, strict=True) if 0.5 < pos < line.length - 0.5
        ]
        if not keep:
            continue
        fracs = [
            float(shapely.line_locate_point(geom, shapely.Point(p), normalized=True))
            for p, _ in keep
        ]
        nodes = ed.split(e, fracs)
        stops += [(pos, node) for (_, pos), node in zip(keep, nodes, strict=True)]
    stops.sort()
    speed = float(mod.speed_kmh) if mod.speed_kmh is not None else np.nan
    for (pa, na), (pb, nb) in zip(stops[:-1], stops[1:], strict=True):
        if pb - pa <= 0.01 or na == nb:
            continue
        piece = substring(line, pa, pb)
        piece = _with_ends(piece, ed.node_xy(na), ed.node_xy(nb))
        ed.add_edge(
            u=na,
            v=nb,
            geometry=piece,
            link_id=link_id,
            link_class=mod.link_class,
            name=mod.name,
            oneway=bool(mod.oneway),
            layer_speed=np.nan,
            fixed_speed=speed,
            change="added",
        )


def link_edges(ed: NetworkEditor, link_ids: Sequence[int], i: int) -> list[list[int]]:
    """The live edges of each link of modification ``i``; an unknown link raises ScenarioError."""
    out = []
    for j, lid in enumerate(link_ids):
        edges = ed.edges_of_link(int(lid))
        if not edges:
            raise scenario_error(
                f"modifications[{i}].link_ids[{j}]",
                f"verbinding {lid} bestaat niet (meer) in het fietsnetwerk",
                f"link {lid} does not exist (any more) in the bike network",
            )
        out.append(edges)
    return out
