"""The two passes over an OpenStreetMap extract: selecting ways, nodes and cycle routes, then fetching the geometries that touch the clip."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.osm_rules import OsmRules, RouteInfo
from slimmeregio.layers.osm_source import Source
from slimmeregio.layers.progress import Task

__all__ = [
    "Geometry",
    "Selection",
    "geometry_pass",
    "selection_pass",
]


@dataclass
class Selection:
    """What the first pass found."""

    tracker: Any
    highway_ways: int = 0
    routes: dict[int, RouteInfo] = field(default_factory=dict)
    route_ways: dict[int, list[int]] = field(default_factory=dict)
    route_children: dict[int, list[int]] = field(default_factory=dict)
    poi_ways: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    poi_rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def way_routes(self) -> dict[int, list[RouteInfo]]:
        """Route infos per way id, super-routes passed down to their members."""
        result: dict[int, list[RouteInfo]] = defaultdict(list)
        for rel_id, info in self.routes.items():
            seen: set[int] = set()
            stack = [rel_id]
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                for way_id in self.route_ways.get(current, ()):
                    result[way_id].append(info)
                stack.extend(self.route_children.get(current, ()))
        return result


def _tags(obj: Any) -> dict[str, str]:
    return {t.k: t.v for t in obj.tags}


def _poi_row(
    osm_type: str, osm_id: int, tags: dict[str, str], type_: str, lon: float, lat: float
) -> dict[str, Any]:
    capacity = tags.get("capacity", "").strip()
    return {
        "osm_id": osm_id,
        "osm_type": osm_type,
        "naam": tags.get("name"),
        "type": type_,
        "operator": tags.get("operator"),
        "network": tags.get("network"),
        "capacity": int(capacity) if capacity.isdigit() else None,
        "lon": lon,
        "lat": lat,
    }


def selection_pass(source: Source, rules: OsmRules, task: Task) -> Selection:
    """First pass: track the ways a cyclist may use and their nodes, POI rows and cycle routes."""
    import osmium
    from osmium.filter import KeyFilter, TagFilter
    from osmium.osm import NODE, RELATION, WAY

    sel = Selection(tracker=osmium.IdTracker())
    node_filter = TagFilter(*rules.poi_filter_tags())
    node_filter.enable_for(NODE)
    way_keys = sorted({"highway", *(k for k, _ in rules.poi_filter_tags())})
    way_filter = KeyFilter(*way_keys)
    way_filter.enable_for(WAY)
    rel_filter = TagFilter(*[("route", v) for v in sorted(rules.route_values)])
    rel_filter.enable_for(RELATION)
    handlers = (node_filter, way_filter, rel_filter)
    poi_pairs = rules.poi_filter_tags()
    poi_keys = sorted({key for key, _ in poi_pairs})
    for obj in source.read(NODE | WAY | RELATION, handlers, task):
        if obj.is_way():
            # Look tags up in osmium's own list: most ways are plain highways
            # and building a dict for each would cost more than the check.
            own = obj.tags
            tracked = "highway" in own
            if tracked:
                sel.highway_ways += 1
            if any(key in own for key in poi_keys) and any(
                own.get(key) == value for key, value in poi_pairs
            ):
                tags = _tags(obj)
                kinds = rules.poi_kinds(tags)
                if kinds:
                    sel.poi_ways[obj.id] = kinds
                    tracked = True
                for layer, type_ in kinds:
                    sel.poi_rows[layer].append(_poi_row("way", obj.id, tags, type_, 0.0, 0.0))
            if tracked:
                sel.tracker.add_way(obj.id)
                sel.tracker.add_references(obj)
        elif obj.is_node():
            _select_node(sel, obj, rules)
        elif obj.is_relation():
            _select_route(sel, obj, rules)
    return sel


def _select_node(sel: Selection, obj: Any, rules: OsmRules) -> None:
    """Keep a node's POI rows (the filter lets only POI-tagged nodes through)."""
    tags = _tags(obj)
    if not obj.location.valid():
        return
    for layer, type_ in rules.poi_kinds(tags):
        sel.poi_rows[layer].append(
            _poi_row("node", obj.id, tags, type_, obj.location.lon, obj.location.lat)
        )


def _select_route(sel: Selection, obj: Any, rules: OsmRules) -> None:
    """Keep a cycle route relation: its info, member ways and child relations."""
    info = rules.route_info(_tags(obj))
    if info is None:
        return
    sel.routes[obj.id] = info
    ways = [m.ref for m in obj.members if m.type == "w"]
    children = [m.ref for m in obj.members if m.type == "r"]
    if ways:
        sel.route_ways[obj.id] = ways
    if children:
        sel.route_children[obj.id] = children


#: Attributes of a kept way, in the order of the network layer's columns.
_NETWORK_ATTRS = ("osm_id", "klasse", "naam", "eenrichting", "reverse", "highway", "surface",
                  "route_refs")  # fmt: skip


@dataclass
class Geometry:
    """What the second pass kept, in WGS84, inside the clip's bounding box."""

    lines: list[np.ndarray] = field(default_factory=list)
    attrs: dict[str, list[Any]] = field(default_factory=lambda: {key: [] for key in _NETWORK_ATTRS})
    skipped_lines: list[np.ndarray] = field(default_factory=list)
    skipped_reasons: list[str] = field(default_factory=list)
    poi_ways: dict[int, BaseGeometry] = field(default_factory=dict)
    outside: int = 0
    missing_nodes: int = 0


@dataclass
class _Batch:
    """Ways waiting for a vectorised bounding-box check (WKB in WGS84)."""

    wkb: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    skipped_wkb: list[str] = field(default_factory=list)
    skipped_reasons: list[str] = field(default_factory=list)


_BATCH = 20_000


def _inside(
    wkb: list[str], bounds: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    geoms = shapely.from_wkb(np.asarray(wkb, dtype=object))
    box = shapely.bounds(geoms)
    minx, miny, maxx, maxy = bounds
    mask = (box[:, 0] <= maxx) & (box[:, 2] >= minx) & (box[:, 1] <= maxy) & (box[:, 3] >= miny)
    return geoms, mask


def _flush(batch: _Batch, geo: Geometry, bounds: tuple[float, float, float, float]) -> None:
    if batch.wkb:
        geoms, mask = _inside(batch.wkb, bounds)
        geo.lines.append(geoms[mask])
        geo.outside += int((~mask).sum())
        for row, keep in zip(batch.rows, mask, strict=True):
            if keep:
                for key, value in zip(_NETWORK_ATTRS, row, strict=True):
                    geo.attrs[key].append(value)
    if batch.skipped_wkb:
        geoms, mask = _inside(batch.skipped_wkb, bounds)
        geo.skipped_lines.append(geoms[mask])
        geo.skipped_reasons.extend(r for r, k in zip(batch.skipped_reasons, mask, strict=True) if k)
    batch.wkb.clear()
    batch.rows.clear()
    batch.skipped_wkb.clear()
    batch.skipped_reasons.clear()


def _way_wkb(way: Any, factory: Any) -> tuple[str | None, bool]:
    """``(wkb_hex, nodes_missing)``: the way as a WGS84 line (None if < 2 points)."""
    import osmium

    try:
        return factory.create_linestring(way), False
    except osmium.InvalidLocationError:
        points = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
        missing = True
    except RuntimeError:  # fewer than two distinct locations
        points = []
        missing = False
    if len(set(points)) < 2:
        return None, missing
    return shapely.to_wkb(shapely.linestrings(points), hex=True), missing


def _route_refs(routes: Sequence[RouteInfo]) -> str | None:
    refs = sorted({r.ref for r in routes if r.ref})
    return ";".join(refs) if refs else None


def geometry_pass(
    source: Source,
    sel: Selection,
    rules: OsmRules,
    bounds: tuple[float, float, float, float] | None,
    task: Task,
) -> Geometry:
    """Second pass: the geometries of the selected ways inside ``bounds``, in batches."""
    import osmium
    from osmium.filter import EntityFilter
    from osmium.osm import NODE, WAY

    way_routes = sel.way_routes()
    geo = Geometry()
    batch = _Batch()
    box = bounds if bounds else (-180.0, -90.0, 180.0, 90.0)
    index = osmium.index.create_map("sparse_mem_array")
    locations = osmium.NodeLocationsForWays(index)
    locations.ignore_errors()
    handlers = (sel.tracker.id_filter(), locations, EntityFilter(WAY))
    factory = osmium.geom.WKBFactory()
    no_routes: list[RouteInfo] = []
    for way in source.read(NODE | WAY, handlers, task):
        # osmium's tag list answers look-ups without building a dict.
        tags = way.tags
        wkb, missing = _way_wkb(way, factory)
        if way.id in sel.poi_ways and wkb is not None:
            line = shapely.from_wkb(wkb)
            if shapely.intersects(shapely.box(*box), line):
                geo.poi_ways[way.id] = line
        highway = tags.get("highway")
        if highway is None:
            continue
        routes = way_routes.get(way.id, no_routes)
        verdict = rules.classify(tags, routes)
        if not verdict.usable:
            if wkb is not None and verdict.reason:
                batch.skipped_wkb.append(wkb)
                batch.skipped_reasons.append(verdict.reason)
            continue
        if missing:
            geo.missing_nodes += 1
        if wkb is None:
            continue
        batch.wkb.append(wkb)
        batch.rows.append(
            (
                way.id,
                verdict.klasse,
                tags.get("name"),
                verdict.oneway,
                verdict.reverse,
                highway,
                tags.get("surface"),
                _route_refs(routes),
            )
        )
        if len(batch.wkb) >= _BATCH:
            _flush(batch, geo, box)
    _flush(batch, geo, box)
    return geo
