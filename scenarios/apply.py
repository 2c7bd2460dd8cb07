"""Applying a scenario's modifications to the base: a pure function.

:func:`apply_scenario` takes the base :class:`Inputs` (network + point
layers in canonical columns) and a scenario, and returns new
:class:`Applied` inputs. Nothing of the base is changed; applying the same
scenario twice gives identical results.

Network edits
-------------
* ``add_link``: each end is attached to the nearest node within
  :data:`SNAP_M`, else to the nearest link within :data:`SNAP_M` (which is
  split there), else it starts a new node. The link is noded where it
  crosses existing links (both are split at the crossing), unless it is a
  bridge or tunnel (``bridge = true``): then it joins at its ends only. New
  links get ids above every existing id, in modification order.
* ``remove_link``: every edge of the link is removed.
* ``upgrade_link``: new class and/or a fixed speed on every edge of the link.

Ids that do not exist, and geometry outside the region (its extent plus
:data:`REGION_MARGIN_M`), raise :class:`ScenarioError` with a location such
as ``modifications[3].link_ids[1]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.ops import substring

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    MoveMobipunt,
    Parameters,
    RemoveHousing,
    RemoveLink,
    RemoveMobipunt,
    Scenario,
    UpgradeLink,
    scenario_error,
)
from slimmeregio.scenarios.network import Network, effective_speeds

__all__ = [
    "HOUSING_COLUMNS",
    "MOBIPUNT_COLUMNS",
    "REGION_MARGIN_M",
    "SNAP_M",
    "STATION_COLUMNS",
    "Applied",
    "Inputs",
    "apply_scenario",
    "removed_links_frame",
]

#: A new link's end snaps onto a node or link within this distance (m).
SNAP_M = 25.0
#: Geometry farther than this outside the region's extent is refused (m).
REGION_MARGIN_M = 5_000.0

HOUSING_COLUMNS = ["housing_id", "name", "status", "dwellings", "nis", "municipality", "added"]
MOBIPUNT_COLUMNS = ["mobipunt_id", "name", "hoppin_type", "offer", "municipality", "change"]
STATION_COLUMNS = ["station_id", "name", "trains_per_day"]


@dataclass(frozen=True, eq=False)
class Inputs:
    """What an evaluation runs on, in canonical columns (EPSG:31370 points).

    ``housing``: :data:`HOUSING_COLUMNS`; ``mobipunten``:
    :data:`MOBIPUNT_COLUMNS`; ``stations``: :data:`STATION_COLUMNS`;
    ``municipalities``: ``nis, name, population`` polygons (or None);
    ``extent``: region bounds used to refuse far-away geometry.
    """

    network: Network
    housing: gpd.GeoDataFrame
    mobipunten: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame | None
    extent: tuple[float, float, float, float]


@dataclass(frozen=True, eq=False)
class Applied(Inputs):
    """Inputs after a scenario, plus what changed.

    ``removed_links``: GeoDataFrame of closed links (``link_id, link_class,
    speed_kmh, length_m, oneway, name``). ``edge_map``: for every base edge
    its number in the new network, -1 when it was removed or split.
    ``new_edges``: numbers of edges that did not exist in the base.
    """

    removed_links: gpd.GeoDataFrame = field(default_factory=gpd.GeoDataFrame)
    edge_map: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    new_edges: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


class _Editor:
    """Mutable working copy of a network's arrays (private to one apply call)."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.nodes: list[tuple[float, float]] = []
        self.n_base_nodes = net.n_nodes
        self.alive = np.ones(net.n_edges, bool)
        self.link_class = net.link_class.copy()
        self.fixed_speed = net.fixed_speed.copy()
        self.change = net.change.copy()
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
        elif key == "link_class":
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
            length=shapely.length(geometry).astype(float),
            link_id=cat(net.link_id, "link_id", np.int64),
            link_class=link_class,
            name=cat(net.name, "name", object),
            oneway=cat(net.oneway, "oneway", bool),
            layer_speed=layer_speed,
            fixed_speed=fixed_speed,
            speed_kmh=effective_speeds(link_class, layer_speed, fixed_speed, speeds_kmh),
            geometry=geometry,
            change=cat(self.change, "change", object),
        )
        edge_map = np.full(m, -1, dtype=np.int64)
        edge_map[base_alive] = np.arange(len(base_alive))
        new_edges = np.arange(len(base_alive), len(base_alive) + k, dtype=np.int64)
        return new_net, edge_map, new_edges


def _with_ends(
    line: shapely.LineString, start: tuple[float, float], end: tuple[float, float]
) -> shapely.LineString:
    coords = np.asarray(line.coords, dtype=float)
    if len(coords) < 2:
        coords = np.asarray([start, end])
    coords[0] = start
    coords[-1] = end
    return shapely.LineString(coords)


def _check_xy(extent: tuple[float, float, float, float], location: str, x: float, y: float) -> None:
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


def _new_id(given: str | None, i: int, taken: set[str], what: tuple[str, str]) -> str:
    """Id for the feature added by modification ``i``: ``given`` or ``nieuw-<i+1>``.

    ``taken`` holds the ids of the base features still present and of those
    added so far (a set, so applying many modifications stays linear); the
    new id is added to it. Raises ScenarioError when the id is taken;
    ``what`` names the feature (Dutch, English) in the message.
    """
    new_id = given or f"nieuw-{i + 1}"
    if new_id in taken:
        raise scenario_error(
            f"modifications[{i}].id",
            f"{what[0]}-id {new_id} bestaat al",
            f"{what[1]} id {new_id} already exists",
        )
    taken.add(new_id)
    return new_id


def _attach_end(ed: _Editor, xy: tuple[float, float]) -> int:
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


def _add_link(ed: _Editor, mod: AddLink, link_id: int) -> None:
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
            (p, pos)
            for p, pos in zip(pts, positions, strict=True)
            if 0.5 < pos < line.length - 0.5
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


def _link_edges(ed: _Editor, link_ids: Sequence[int], i: int) -> list[list[int]]:
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


def removed_links_frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The ``removed_links`` GeoDataFrame from row dicts (empty with its columns if none)."""
    cols = ["link_id", "link_class", "speed_kmh", "length_m", "oneway", "name"]
    if not rows:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in cols}, geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS)
        )
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame[cols], geometry=list(frame["geometry"]), crs=ANALYSIS_CRS)


class _MunicipalityOf:
    """``(nis, name)`` of the municipality at a point; the index and columns are
    taken once per scenario, so thousands of added features stay cheap."""

    def __init__(self, municipalities: gpd.GeoDataFrame | None) -> None:
        self.empty = municipalities is None or municipalities.empty
        if municipalities is not None and not self.empty:
            self.index = municipalities.sindex
            self.nis = municipalities["nis"].astype(str).to_numpy()
            self.name = municipalities["name"].astype(str).to_numpy()

    def __call__(self, x: float, y: float) -> tuple[str, str]:
        if self.empty:
            return "", ""
        hit = self.index.query(shapely.Point(x, y), predicate="intersects")
        if len(hit) == 0:
            return "", ""
        i = int(hit[0])
        return str(self.nis[i]), str(self.name[i])


def apply_scenario(inputs: Inputs, scenario: Scenario | None) -> Applied:
    """Apply ``scenario`` to the base ``inputs``; the base is not changed.

    Raises
    ------
    ScenarioError
        Unknown link / mobipunt / housing ids, duplicate new ids, or geometry
        far outside the region, located as ``modifications[i]...``.
    """
    params = scenario.parameters if scenario is not None else Parameters()
    mods = scenario.modifications if scenario is not None else ()
    ed = _Editor(inputs.network)
    next_link = (int(inputs.network.link_id.max()) + 1) if inputs.network.n_edges else 1
    mobi = inputs.mobipunten.copy()
    housing = inputs.housing.copy()
    removed: list[dict[str, Any]] = []
    extent = inputs.extent
    new_mobi: list[dict[str, Any]] = []
    new_housing: list[dict[str, Any]] = []
    municipality_of = _MunicipalityOf(inputs.municipalities)
    mobi_ids = set(mobi["mobipunt_id"].astype(str).to_numpy(dtype=object).tolist())
    housing_ids = set(housing["housing_id"].astype(str).to_numpy(dtype=object).tolist())  # fast on 300k
    for i, mod in enumerate(mods):
        if isinstance(mod, AddLink):
            for k, (x, y) in enumerate(mod.coords):
                _check_xy(extent, f"modifications[{i}].coords[{k}]", x, y)
            _add_link(ed, mod, next_link)
            next_link += 1
        elif isinstance(mod, RemoveLink):
            for lid, edges in zip(mod.link_ids, _link_edges(ed, mod.link_ids, i), strict=True):
                parts = [ed.edge(e) for e in edges]
                if not any(p["change"] == "added" for p in parts):
                    geom = shapely.line_merge(shapely.union_all([p["geometry"] for p in parts]))
                    first = parts[0]
                    removed.append(
                        {
                            "link_id": int(lid),
                            "link_class": str(first["link_class"]),
                            "speed_kmh": float(
                                effective_speeds(
                                    np.asarray([first["link_class"]], dtype=object),
                                    np.asarray([first["layer_speed"]]),
                                    np.asarray([first["fixed_speed"]]),
                                    params.speeds_kmh,
                                )[0]
                            ),
                            "length_m": float(sum(p["geometry"].length for p in parts)),
                            "oneway": bool(first["oneway"]),
                            "name": str(first["name"]),
                            "geometry": geom,
                        }
                    )
                for e in edges:
                    ed.kill(e)
        elif isinstance(mod, UpgradeLink):
            for edges in _link_edges(ed, mod.link_ids, i):
                for e in edges:
                    if mod.link_class is not None:
                        ed.set_attr(e, "link_class", mod.link_class)
                    if mod.speed_kmh is not None:
                        ed.set_attr(e, "fixed_speed", float(mod.speed_kmh))
                    if ed.edge(e)["change"] != "added":
                        ed.set_attr(e, "change", "upgraded")
        elif isinstance(mod, AddMobipunt):
            _check_xy(extent, f"modifications[{i}].x", mod.x, mod.y)
            mid = _new_id(mod.id, i, mobi_ids, ("mobipunt", "mobipunt"))
            _, muni = municipality_of(mod.x, mod.y)
            new_mobi.append(
                {
                    "mobipunt_id": mid,
                    "name": mod.name,
                    "hoppin_type": mod.hoppin_type,
                    "offer": ", ".join(mod.offer),
                    "municipality": muni,
                    "change": "added",
                    "geometry": shapely.Point(mod.x, mod.y),
                }
            )
        elif isinstance(mod, MoveMobipunt | RemoveMobipunt):
            if isinstance(mod, MoveMobipunt):
                _check_xy(extent, f"modifications[{i}].x", mod.x, mod.y)
            mid = str(mod.mobipunt_id)
            in_new = [r for r in new_mobi if r["mobipunt_id"] == mid]
            sel = mobi["mobipunt_id"].astype(str) == mid
            if not sel.any() and not in_new:
                raise scenario_error(
                    f"modifications[{i}].mobipunt_id",
                    f"mobipunt {mid} bestaat niet (meer)",
                    f"mobipunt {mid} does not exist (any more)",
                )
            if isinstance(mod, RemoveMobipunt):
                mobi = mobi.loc[~sel]
                new_mobi = [r for r in new_mobi if r["mobipunt_id"] != mid]
                mobi_ids.discard(mid)
            else:
                pt = shapely.Point(mod.x, mod.y)
                for r in in_new:
                    r["geometry"] = pt
                if sel.any():
                    mobi = mobi.copy()
                    mobi.loc[sel, "geometry"] = pt
                    mobi.loc[sel, "change"] = "moved"
        elif isinstance(mod, AddHousing):
            if mod.polygon is not None:
                for k, (x, y) in enumerate(mod.polygon):
                    _check_xy(extent, f"modifications[{i}].polygon[{k}]", x, y)
                pt = shapely.Polygon(mod.polygon).representative_point()
            else:
                assert mod.x is not None and mod.y is not None
                _check_xy(extent, f"modifications[{i}].x", mod.x, mod.y)
                pt = shapely.Point(mod.x, mod.y)
            hid = _new_id(mod.id, i, housing_ids, ("woning", "housing"))
            nis, muni = municipality_of(pt.x, pt.y)
            new_housing.append(
                {
                    "housing_id": hid,
                    "name": mod.name,
                    "status": mod.status,
                    "dwellings": int(mod.dwellings),
                    "nis": nis,
                    "municipality": muni,
                    "added": True,
                    "geometry": pt,
                }
            )
        elif isinstance(mod, RemoveHousing):
            ids = housing["housing_id"].astype(str)
            for j, hid in enumerate(mod.housing_ids):
                new_match = any(r["housing_id"] == hid for r in new_housing)
                if not (ids == hid).any() and not new_match:
                    raise scenario_error(
                        f"modifications[{i}].housing_ids[{j}]",
                        f"woning {hid} bestaat niet (meer)",
                        f"housing {hid} does not exist (any more)",
                    )
                new_housing = [r for r in new_housing if r["housing_id"] != hid]
                housing_ids.discard(hid)
            housing = housing.loc[~ids.isin(list(mod.housing_ids))]
    network, edge_map, new_edges = ed.finish(params.speeds_kmh)
    network = replace(network, walking_speed_kmh=params.walking_speed_kmh)
    if new_mobi:
        mobi = pd.concat(
            [mobi, gpd.GeoDataFrame(new_mobi, geometry="geometry", crs=ANALYSIS_CRS)],
            ignore_index=True,
        )
    if new_housing:
        housing = pd.concat(
            [housing, gpd.GeoDataFrame(new_housing, geometry="geometry", crs=ANALYSIS_CRS)],
            ignore_index=True,
        )
    return Applied(
        network=network,
        housing=gpd.GeoDataFrame(housing, geometry="geometry", crs=ANALYSIS_CRS).reset_index(drop=True),
        mobipunten=gpd.GeoDataFrame(mobi, geometry="geometry", crs=ANALYSIS_CRS).reset_index(drop=True),
        stations=inputs.stations,
        municipalities=inputs.municipalities,
        extent=inputs.extent,
        removed_links=removed_links_frame(removed),
        edge_map=edge_map,
        new_edges=new_edges,
    )
