"""Import an OpenStreetMap extract as a bike network and candidate POI layers.

Reads a ``.osm.pbf`` (or ``.osm`` XML, optionally ``.gz``/``.bz2``) extract
with pyosmium, keeps the ways a cyclist may use (the rules live in
:mod:`slimmeregio.layers.osm_rules`), clips them to the project's region and
turns them into project layers in Lambert 72:

* ``fietsnetwerk_osm`` (role ``bike_network``): one row per OSM way with
  ``osm_id`` (unique, the way id: a stable link id for scenarios),
  ``klasse``, ``naam``, ``eenrichting``, ``highway``, ``surface``,
  ``route_refs``, ``source``; the line runs in the permitted direction of a
  one-way. Ways are not split at junctions: they share their junction
  vertices, which the network builder turns into nodes (as in OSM, crossing
  lines without a shared vertex are a bridge or tunnel);
* POI layers (role ``other``): ``stations_osm``, ``bushubs_osm``,
  ``deelfietsen_osm``, ``deelautos_osm``, ``fietsenstallingen_osm``.

How a Belgium-size extract fits in memory
-----------------------------------------
The file is read twice and never held whole:

1. *Selection pass* (nodes, ways, relations; C++ filters let through only
   POI-tagged nodes, ways with a ``highway`` or POI key and cycle-route
   relations). The ids of selected ways and of their nodes go into an
   :class:`osmium.IdTracker` (compact C++ id sets); cycle routes are kept
   as small Python records.
2. *Geometry pass* (nodes, ways). A C++ id filter lets only the tracked
   nodes into a sparse location index (16 bytes per node of a selected
   way); nodes of buildings, land use and the like are never stored. The
   tracked ways arrive with their locations; only those whose extent
   touches the clip's bounding box are kept in Python.

A PBF file is fed to osmium in slices of whole blocks (the file's own
framing, read with :func:`_pbf_blocks`), so progress is the fraction of bytes
read and a cancel request is seen within one slice (a few MB).
"""

from __future__ import annotations

import bz2
import functools
import gzip
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.errors import OsmImportError, SourceNotFoundError
from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerReport
from slimmeregio.layers.osm_rules import DEFAULT_RULES, OsmRules, RouteInfo
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import BRUSSELS_LAYER_NAMES, LINK_CLASSES, Role

__all__ = [
    "NETWORK_LAYER",
    "OSM_ATTRIBUTION",
    "OsmImport",
    "OsmImportReport",
    "clip_from_file",
    "import_osm",
    "region_clip",
    "write_osm_gpkg",
]

#: Attribution every OSM-derived layer carries onto maps and exports.
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"

#: Name of the bike-network layer the import produces.
NETWORK_LAYER = "fietsnetwerk_osm"

_WGS84 = "EPSG:4326"
#: Compressed bytes handed to osmium per slice of a PBF file.
_SLICE_BYTES = 8 * 1024 * 1024
#: Python-visible objects between two cancel checks.
_CHECK_EVERY = 20_000
#: PBF limits from the format specification.
_MAX_HEADER = 64 * 1024
_MAX_BLOB = 32 * 1024 * 1024

_SKIP_LABELS: dict[str, tuple[str, str]] = {
    "motorway": ("autosnelweg", "motorway"),
    "motorroad": ("autoweg (motorroad=yes)", "motor road (motorroad=yes)"),
    "bicycle_no": ("fietsverbod", "bicycles banned"),
    "use_sidepath": ("verplicht fietspad ernaast", "must use the cycle path alongside"),
    "no_access": ("geen toegang", "no access"),
    "not_for_bicycles": ("voetpad/pad zonder fietstoelating", "path without bicycle permission"),
    "not_a_way": ("geen berijdbare weg (werf, gepland, perron ...)", "not a usable way"),
    "area": ("plein als vlak", "area (square)"),
    "missing_nodes": ("knopen ontbreken in het bestand", "nodes missing from the extract"),
}


def _err(path: str | Path, nl: str, en: str, detail: str | None = None) -> OsmImportError:
    return OsmImportError(path=path, reason={"nl": nl, "en": en}, detail=detail)


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass
class OsmImportReport:
    """What the import kept, skipped and measured.

    ``ways_per_class`` and ``km_per_class`` count the OSM ways and the
    kilometres of the bike network per link class, inside the clip.
    ``skipped`` counts the highway ways inside the clip that were left out,
    by reason key (see :meth:`OsmRules.access`); ``outside_clip`` the usable
    ways outside it. ``missing_nodes`` counts ways whose nodes were partly
    absent from the extract. ``pois`` counts features per POI layer,
    ``routes`` the cycle-route relations read. ``bytes_read`` is the file
    size times the two passes; ``seconds`` the wall time.
    """

    ways_per_class: dict[str, int] = field(default_factory=dict)
    km_per_class: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    outside_clip: int = 0
    missing_nodes: int = 0
    pois: dict[str, int] = field(default_factory=dict)
    routes: int = 0
    bytes_read: int = 0
    seconds: float = 0.0

    def lines(self, lang: str = "nl") -> list[str]:
        """The report as short lines for the CLI and the import dialog."""
        nl = lang == "nl"
        out = []
        for klasse, n in self.ways_per_class.items():
            km = self.km_per_class.get(klasse, 0.0)
            out.append(f"{klasse}: {n} {'wegen' if nl else 'ways'}, {km:.1f} km")
        for reason, n in sorted(self.skipped.items()):
            label = _SKIP_LABELS.get(reason, (reason, reason))[0 if nl else 1]
            out.append(f"{'overgeslagen' if nl else 'skipped'} ({label}): {n}")
        for layer, n in self.pois.items():
            out.append(f"{layer}: {n}")
        return out


@dataclass
class OsmImport:
    """The layers an import produced, and its report."""

    network: Layer
    pois: list[Layer]
    report: OsmImportReport

    @property
    def layers(self) -> list[Layer]:
        """Network first, then the POI layers."""
        return [self.network, *self.pois]


# ---------------------------------------------------------------------------
# Reading: file checks and PBF slices
# ---------------------------------------------------------------------------


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _blob_header(data: bytes) -> tuple[str, int]:
    """``(type, datasize)`` of a PBF BlobHeader message."""
    pos = 0
    kind, size = "", -1
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
            if number == 3:
                size = value
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            if number == 1:
                kind = data[pos : pos + length].decode("ascii", "replace")
            pos += length
        else:
            raise ValueError("unexpected wire type")
    if not kind or size < 0 or size > _MAX_BLOB:
        raise ValueError("bad blob header")
    return kind, size


def _pbf_blocks(path: Path) -> Iterator[tuple[str, bytes]]:
    """The file's blocks (length + header + blob) with their type, in order.

    Only the framing is read here (two fields of the BlobHeader); osmium
    decodes the blocks.
    """
    with open(path, "rb") as fh:
        while True:
            head = fh.read(4)
            if not head:
                return
            n = int.from_bytes(head, "big")
            if len(head) < 4 or n > _MAX_HEADER:
                raise ValueError("bad block length")
            header = fh.read(n)
            kind, size = _blob_header(header)
            blob = fh.read(size)
            if len(header) < n or len(blob) < size:
                raise ValueError("truncated file")
            yield kind, head + header + blob


def _file_kind(path: Path) -> str:
    """``pbf`` or ``xml`` (by content), else raise OsmImportError."""
    if not path.exists():
        raise SourceNotFoundError(path=path)
    if path.is_dir():
        raise _err(path, "dit is een map", "this is a folder")
    with open(path, "rb") as fh:
        start = fh.read(64 * 1024)
    if start[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                start = gz.read(4096)
        except OSError as exc:
            raise _err(path, "beschadigd gz-bestand", "damaged gz file", str(exc)) from exc
    elif start[:3] == b"BZh":
        try:
            with bz2.open(path, "rb") as bz:
                start = bz.read(4096)
        except OSError as exc:
            raise _err(path, "beschadigd bz2-bestand", "damaged bz2 file", str(exc)) from exc
    else:
        if len(start) >= 4:
            n = int.from_bytes(start[:4], "big")
            if 0 < n <= _MAX_HEADER and len(start) >= 4 + n:
                try:
                    kind, _ = _blob_header(start[4 : 4 + n])
                except ValueError:
                    kind = ""
                if kind == "OSMHeader":
                    return "pbf"
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if (text.startswith(b"<?xml") and b"<osm" in text[:4096]) or text.startswith(b"<osm"):
        return "xml"
    raise _err(
        path,
        "geen OpenStreetMap-bestand (verwacht .osm.pbf of .osm)",
        "not an OpenStreetMap file (expected .osm.pbf or .osm)",
    )


def _xml_format(path: Path) -> str:
    with open(path, "rb") as fh:
        magic = fh.read(3)
    if magic[:2] == b"\x1f\x8b":
        return "osm.gz"
    if magic == b"BZh":
        return "osm.bz2"
    return "osm"


@dataclass
class _Source:
    """An extract, read as a series of osmium readers with byte progress."""

    path: Path
    kind: str
    pool: Any = None

    def header_box(self) -> tuple[float, float, float, float] | None:
        import osmium

        try:
            with osmium.io.Reader(self._file(), osmium.osm.NOTHING) as reader:
                box = reader.header().box()
        except RuntimeError:
            return None
        if not box.valid():
            return None
        return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)

    def _file(self) -> Any:
        import osmium

        if self.kind == "pbf":
            return osmium.io.File(str(self.path), "pbf")
        return osmium.io.File(str(self.path), _xml_format(self.path))

    def read(
        self, entities: Any, handlers: Sequence[Any], task: Task
    ) -> Iterator[Any]:
        """Objects passing ``handlers``; reports byte progress on ``task``.

        ``handlers`` must stay referenced by the caller while iterating
        (osmium's iterator does not keep them alive).
        """
        import osmium

        if self.pool is None:
            self.pool = osmium.io.ThreadPool()
        try:
            if self.kind != "pbf":
                task.report(0.0)
                with osmium.io.Reader(self._file(), entities, thread_pool=self.pool) as rd:
                    for n, obj in enumerate(osmium.OsmFileIterator(rd, *handlers)):
                        if n % _CHECK_EVERY == 0:
                            task.check()
                        yield obj
                task.report(1.0)
                return
            total = max(self.path.stat().st_size, 1)
            done = 0
            task.report(0.0, "reading")
            for chunk, size in self._slices():
                buffer = osmium.io.FileBuffer(chunk, "pbf")
                with osmium.io.Reader(buffer, entities, thread_pool=self.pool) as rd:
                    for n, obj in enumerate(osmium.OsmFileIterator(rd, *handlers)):
                        if n % _CHECK_EVERY == 0:
                            task.check()
                        yield obj
                del buffer, chunk
                done += size
                task.report(done / total, "reading")
        except RuntimeError as exc:
            raise _err(
                self.path,
                "het bestand is beschadigd of geen geldig OpenStreetMap-bestand",
                "the file is damaged or not a valid OpenStreetMap file",
                str(exc),
            ) from exc

    def _slices(self) -> Iterator[tuple[bytes, int]]:
        header: bytes | None = None
        parts: list[bytes] = []
        size = 0
        try:
            for kind, block in _pbf_blocks(self.path):
                if kind == "OSMHeader":
                    header = block
                    size += len(block)
                    continue
                if header is None:
                    raise ValueError("no OSMHeader block")
                parts.append(block)
                size += len(block)
                if size >= _SLICE_BYTES:
                    yield header + b"".join(parts), size
                    parts, size = [], 0
        except ValueError as exc:
            raise _err(
                self.path,
                "het PBF-bestand is beschadigd of afgekapt",
                "the PBF file is damaged or truncated",
                str(exc),
            ) from exc
        if parts and header is not None:
            yield header + b"".join(parts), size


# ---------------------------------------------------------------------------
# The clip area
# ---------------------------------------------------------------------------


def region_clip(layers: Sequence[Layer], *, buffer_m: float = 2000.0) -> BaseGeometry:
    """The union of the municipality polygons of ``layers``, buffered.

    Uses the layers with role ``municipalities`` and the Brussels area layer
    (named as in :data:`~slimmeregio.layers.roles.BRUSSELS_LAYER_NAMES`: the
    main destination of commuting, so its streets stay in the network); when
    there are none, every polygon layer. The buffer (metres, Lambert 72)
    keeps border crossings and the first stretch across the border in the
    network.

    Raises
    ------
    OsmImportError
        When no layer holds polygons.
    """
    chosen = [
        la
        for la in layers
        if not la.is_raster
        and (la.role == Role.MUNICIPALITIES or la.name.strip().lower() in BRUSSELS_LAYER_NAMES)
        and "Polygon" in la.geometry_type
    ]
    if not chosen:
        chosen = [
            la
            for la in layers
            if not la.is_raster and "Polygon" in la.geometry_type and len(la) > 0
        ]
    geoms = [g for la in chosen for g in la.frame.to_crs(ANALYSIS_CRS).geometry if g is not None]
    if not geoms:
        raise OsmImportError(
            reason={
                "nl": "geen gemeenten of vlakken om op te knippen",
                "en": "no municipalities or polygons to clip to",
            }
        )
    area = shapely.union_all(shapely.make_valid(np.asarray(geoms, dtype=object)))
    return area.buffer(buffer_m) if buffer_m > 0 else area


def clip_from_file(
    path: str | Path,
    *,
    buffer_m: float = 0.0,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> BaseGeometry:
    """The clip area from a project file or a layer file with the municipalities.

    A Slimme Regio project (``.srp``/``.gpkg`` with a project table) gives
    its layers; any other file is read with
    :func:`~slimmeregio.layers.io.load_layers` (role and CRS guessed as
    usual). The area is :func:`region_clip` of those layers.

    Raises
    ------
    SourceNotFoundError
        ``path`` does not exist.
    OsmImportError
        The file holds no polygons.
    SlimmeRegioError
        Whatever the loaders raise for an unreadable file.
    """
    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.project_file import is_project_file, load_project

    path = Path(path)
    if not path.exists():
        raise SourceNotFoundError(path=path)
    if is_project_file(path):
        layers = list(load_project(path, progress=progress, cancel=cancel).layers)
    else:
        layers = load_layers(path, progress=progress, cancel=cancel)
    try:
        return region_clip(layers, buffer_m=buffer_m)
    except OsmImportError as exc:
        raise _err(
            path,
            "het knipbestand bevat geen vlakken (gemeenten)",
            "the clip file holds no polygons (municipalities)",
        ) from exc


#: Largest buffer around a clip area (metres): beyond the region's neighbours it
#: only costs time. Negative, infinite and NaN buffers are refused.
MAX_BUFFER_M = 50_000.0


def _clip_area(
    path: Path,
    clip: BaseGeometry | None,
    bbox: Sequence[float] | None,
    bbox_crs: str,
    buffer_m: float,
) -> BaseGeometry | None:
    if clip is not None and bbox is not None:
        raise _err(path, "geef een knipgebied óf een bbox, niet beide", "give a clip or a bbox, not both")
    if not math.isfinite(buffer_m) or not 0 <= buffer_m <= MAX_BUFFER_M:
        raise _err(
            path,
            f"de buffer moet tussen 0 en {MAX_BUFFER_M:.0f} meter liggen (kreeg {buffer_m:g})",
            f"the buffer must lie between 0 and {MAX_BUFFER_M:.0f} metres (got {buffer_m:g})",
        )
    if bbox is not None:
        if len(bbox) != 4 or not all(math.isfinite(float(v)) for v in bbox):
            raise _err(path, "bbox moet vier getallen zijn", "bbox must be four numbers")
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        if minx >= maxx or miny >= maxy:
            raise _err(
                path, "bbox is leeg (min moet kleiner zijn dan max)", "bbox is empty (min must be below max)"
            )
        box = shapely.box(minx, miny, maxx, maxy)
        if bbox_crs != ANALYSIS_CRS:
            box = shapely.segmentize(box, (maxx - minx) / 16)
            tf = _transformer(bbox_crs, ANALYSIS_CRS)
            box = shapely.transform(box, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))
        return box
    if clip is None:
        return None
    if clip.is_empty:
        raise _err(path, "het knipgebied is leeg", "the clip area is empty")
    area = shapely.make_valid(clip)
    if buffer_m > 0:
        area = area.buffer(buffer_m)
    if area.is_empty or area.area <= 0:
        raise _err(path, "het knipgebied heeft geen oppervlakte", "the clip area has no area")
    return area


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return not (a[0] > b[2] or a[2] < b[0] or a[1] > b[3] or a[3] < b[1])


def _lonlat_bounds(area: BaseGeometry) -> tuple[float, float, float, float]:
    tf = _transformer(ANALYSIS_CRS, _WGS84)
    left, bottom, right, top = area.bounds
    minx, miny, maxx, maxy = tf.transform_bounds(left, bottom, right, top, densify_pts=21)
    # A small margin: the check is a prefilter, exact clipping follows.
    return (minx - 1e-4, miny - 1e-4, maxx + 1e-4, maxy + 1e-4)


# ---------------------------------------------------------------------------
# The two passes
# ---------------------------------------------------------------------------


@dataclass
class _Selection:
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


def _selection_pass(source: _Source, rules: OsmRules, task: Task) -> _Selection:
    import osmium
    from osmium.filter import KeyFilter, TagFilter
    from osmium.osm import NODE, RELATION, WAY

    sel = _Selection(tracker=osmium.IdTracker())
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
            tags = _tags(obj)
            if not obj.location.valid():
                continue
            for layer, type_ in rules.poi_kinds(tags):
                sel.poi_rows[layer].append(
                    _poi_row("node", obj.id, tags, type_, obj.location.lon, obj.location.lat)
                )
        elif obj.is_relation():
            info = rules.route_info(_tags(obj))
            if info is None:
                continue
            sel.routes[obj.id] = info
            ways = [m.ref for m in obj.members if m.type == "w"]
            children = [m.ref for m in obj.members if m.type == "r"]
            if ways:
                sel.route_ways[obj.id] = ways
            if children:
                sel.route_children[obj.id] = children
    return sel


#: Attributes of a kept way, in the order of the network layer's columns.
_NETWORK_ATTRS = ("osm_id", "klasse", "naam", "eenrichting", "reverse", "highway", "surface",
                  "route_refs")  # fmt: skip


@dataclass
class _Geometry:
    """What the second pass kept, in WGS84, inside the clip's bounding box."""

    lines: list[np.ndarray] = field(default_factory=list)
    attrs: dict[str, list[Any]] = field(
        default_factory=lambda: {key: [] for key in _NETWORK_ATTRS}
    )
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


def _inside(wkb: list[str], bounds: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    geoms = shapely.from_wkb(np.asarray(wkb, dtype=object))
    box = shapely.bounds(geoms)
    minx, miny, maxx, maxy = bounds
    mask = (box[:, 0] <= maxx) & (box[:, 2] >= minx) & (box[:, 1] <= maxy) & (box[:, 3] >= miny)
    return geoms, mask


def _flush(batch: _Batch, geo: _Geometry, bounds: tuple[float, float, float, float]) -> None:
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


def _geometry_pass(
    source: _Source,
    sel: _Selection,
    rules: OsmRules,
    bounds: tuple[float, float, float, float] | None,
    task: Task,
) -> _Geometry:
    import osmium
    from osmium.filter import EntityFilter
    from osmium.osm import NODE, WAY

    way_routes = sel.way_routes()
    geo = _Geometry()
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


# ---------------------------------------------------------------------------
# Building the layers
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    # Building a transformer costs tens of milliseconds: build each once.
    return Transformer.from_crs(source, target, always_xy=True)


def _to_lambert(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = _transformer(_WGS84, ANALYSIS_CRS).transform(lons, lats)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _lambert(geoms: np.ndarray) -> np.ndarray:
    """WGS84 geometries to Lambert 72, all coordinates in one call."""

    def convert(xy: np.ndarray) -> np.ndarray:
        x, y = _to_lambert(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(geoms, convert))


def _clip_lines(frame: gpd.GeoDataFrame, area: BaseGeometry) -> gpd.GeoDataFrame:
    """Clip lines to ``area``, keeping each line's drawing direction.

    A way that leaves and re-enters the area becomes a MultiLineString, so
    every way stays one row.
    """
    shapely.prepare(area)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    # The prepared area is the first argument so that the predicates use it.
    within = shapely.contains(area, geoms)
    touching = ~within & shapely.intersects(area, geoms)
    keep = within | touching
    result = geoms.copy()
    for i in np.flatnonzero(touching):
        original = geoms[i]
        parts = [
            p
            for p in shapely.get_parts(shapely.intersection(original, area))
            if p.geom_type == "LineString" and p.length > 0
        ]
        if not parts:
            keep[i] = False
            continue
        oriented = []
        for part in parts:
            first = original.line_locate_point(shapely.get_point(part, 0))
            last = original.line_locate_point(shapely.get_point(part, -1))
            oriented.append(shapely.reverse(part) if first > last else part)
        merged = shapely.line_merge(shapely.multilinestrings(oriented), directed=True)
        result[i] = merged
    clipped = frame.copy()
    clipped["geometry"] = result
    return clipped[keep]


_NETWORK_COLUMNS = ["osm_id", "klasse", "naam", "eenrichting", "highway", "surface",
                    "route_refs", "source"]  # fmt: skip


def _network_frame(geo: _Geometry, area: BaseGeometry | None) -> gpd.GeoDataFrame:
    lines = np.concatenate(geo.lines) if geo.lines else np.empty(0, dtype=object)
    if len(lines) == 0:
        return gpd.GeoDataFrame(
            columns=[*_NETWORK_COLUMNS, "geometry"], geometry="geometry", crs=ANALYSIS_CRS
        )
    reverse = np.asarray(geo.attrs["reverse"], dtype=bool)
    lines[reverse] = shapely.reverse(lines[reverse])
    attrs = pd.DataFrame(
        {
            "osm_id": np.asarray(geo.attrs["osm_id"], dtype=np.int64),
            "klasse": geo.attrs["klasse"],
            "naam": pd.Series(geo.attrs["naam"], dtype=object),
            "eenrichting": np.asarray(geo.attrs["eenrichting"], dtype=bool),
            "highway": geo.attrs["highway"],
            "surface": pd.Series(geo.attrs["surface"], dtype=object),
            "route_refs": pd.Series(geo.attrs["route_refs"], dtype=object),
            "source": OSM_ATTRIBUTION,
        }
    )
    frame = gpd.GeoDataFrame(attrs, geometry=_lambert(lines), crs=ANALYSIS_CRS)
    frame = frame[frame.geometry.length > 0]
    if area is not None:
        frame = _clip_lines(frame, area)
    frame = frame.drop_duplicates(subset="osm_id").reset_index(drop=True)
    return gpd.GeoDataFrame(frame[[*_NETWORK_COLUMNS, "geometry"]], geometry="geometry", crs=ANALYSIS_CRS)


def _poi_point(row: dict[str, Any], geo: _Geometry) -> BaseGeometry | None:
    """The WGS84 point of a POI row: the node, or the centre of the way."""
    if row["osm_type"] == "node":
        return shapely.Point(row["lon"], row["lat"])
    line = geo.poi_ways.get(row["osm_id"])
    if line is None:
        return None
    coords = shapely.get_coordinates(line)
    if len(coords) >= 4 and (coords[0] == coords[-1]).all():
        return shapely.centroid(shapely.make_valid(shapely.Polygon(coords)))
    return shapely.centroid(line)


def _poi_frames(
    sel: _Selection, geo: _Geometry, area: BaseGeometry | None
) -> dict[str, gpd.GeoDataFrame]:
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer, rows in sel.poi_rows.items():
        points = [_poi_point(row, geo) for row in rows]
        kept = [row for row, point in zip(rows, points, strict=True) if point is not None]
        if not kept:
            continue
        geoms = _lambert(np.asarray([p for p in points if p is not None], dtype=object))
        frame = gpd.GeoDataFrame(kept, geometry=geoms, crs=ANALYSIS_CRS)
        if area is not None:
            shapely.prepare(area)
            frame = frame[shapely.intersects(area, frame.geometry.values)]
        if frame.empty:
            continue
        frame = frame.drop(columns=["lon", "lat"])
        frame["capacity"] = frame["capacity"].astype("Int64")
        frame["source"] = OSM_ATTRIBUTION
        frames[layer] = frame.drop_duplicates(subset=["osm_type", "osm_id"]).reset_index(drop=True)
    return frames


def _skipped_in_area(geo: _Geometry, area: BaseGeometry | None) -> dict[str, int]:
    if not geo.skipped_reasons:
        return {}
    if area is None:
        return dict(Counter(geo.skipped_reasons))
    lines = _lambert(np.concatenate(geo.skipped_lines))
    shapely.prepare(area)
    hit = shapely.intersects(area, lines)
    return dict(Counter(r for r, h in zip(geo.skipped_reasons, hit, strict=True) if h))


def _network_layer(
    frame: gpd.GeoDataFrame, path: Path, report: OsmImportReport
) -> Layer:
    from slimmeregio.layers.symbology import default_style

    layer_report = LayerReport()
    for reason, n in sorted(report.skipped.items()):
        nl, en = _SKIP_LABELS.get(reason, (reason, reason))
        layer_report.add(
            f"osm_skipped_{reason}",
            f"{n} OSM-wegen weggelaten: {nl}.",
            f"{n} OSM ways left out: {en}.",
            count=n,
            level="info",
        )
    if report.missing_nodes:
        layer_report.add(
            "osm_missing_nodes",
            f"{report.missing_nodes} wegen hebben knopen die niet in het bestand staan.",
            f"{report.missing_nodes} ways have nodes that are not in the extract.",
            count=report.missing_nodes,
        )
    layer = Layer(
        name=NETWORK_LAYER,
        data=frame,
        role=Role.BIKE_NETWORK,
        fields={"id": "osm_id", "link_class": "klasse", "oneway": "eenrichting", "name": "naam"},
        source=path,
        original_crs=_WGS84,
        report=layer_report,
        attribution=OSM_ATTRIBUTION,
    )
    layer.style = default_style(layer)
    return layer


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def import_osm(
    path: str | Path,
    *,
    clip: BaseGeometry | None = None,
    bbox: Sequence[float] | None = None,
    bbox_crs: str = _WGS84,
    buffer_m: float = 2000.0,
    rules: OsmRules | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> OsmImport:
    """Import an OSM extract as a bike network and POI layers.

    Parameters
    ----------
    path
        A ``.osm.pbf`` or ``.osm`` (also ``.osm.gz``/``.osm.bz2``) extract.
    clip
        Area to keep, a shapely geometry in EPSG:31370 (e.g.
        :func:`region_clip` of the loaded municipalities); it is buffered by
        ``buffer_m`` so border crossings survive.
    bbox
        Instead of ``clip``: ``(minx, miny, maxx, maxy)`` in ``bbox_crs``
        (default EPSG:4326, i.e. min lon, min lat, max lon, max lat; give
        ``bbox_crs="EPSG:31370"`` for Lambert 72 metres). Not buffered.
        Without ``clip`` and ``bbox`` the whole extract is imported.
    buffer_m
        Buffer around ``clip`` in metres.
    rules
        Tag rules; default :data:`~slimmeregio.layers.osm_rules.DEFAULT_RULES`.
    progress, cancel
        Progress callback (fraction of the file read) and cancel check.

    Raises
    ------
    SourceNotFoundError
        The file does not exist.
    OsmImportError
        Not an OSM file, damaged, a bad clip or bbox, the extract does not
        cover the area, or no cyclable way lies in the area.
    OperationCancelled
        The user cancelled.
    """
    started = time.perf_counter()
    rules = rules or DEFAULT_RULES
    path = Path(path)
    task = Task(progress, cancel)
    kind = _file_kind(path)
    area = _clip_area(path, clip, bbox, bbox_crs, buffer_m)
    source = _Source(path, kind)
    bounds = _lonlat_bounds(area) if area is not None else None
    box = source.header_box()
    if bounds is not None and box is not None and not _overlap(box, bounds):
        raise _err(
            path,
            "het bestand dekt het gekozen gebied niet",
            "the extract does not cover the chosen area",
        )
    sel = _selection_pass(source, rules, task.sub(0.0, 0.45))
    geo = _geometry_pass(source, sel, rules, bounds, task.sub(0.45, 0.9))
    task.report(0.9, "building")
    frame = _network_frame(geo, area)
    if frame.empty:
        raise _err(
            path,
            "geen fietsbare wegen in het gebied; dekt het bestand dit gebied?",
            "no cyclable ways in the area; does the extract cover it?",
        )
    report = OsmImportReport(
        skipped=_skipped_in_area(geo, area),
        outside_clip=geo.outside,
        missing_nodes=geo.missing_nodes,
        routes=len(sel.routes),
        bytes_read=path.stat().st_size * 2,
    )
    lengths = frame.geometry.length / 1000.0
    for klasse in LINK_CLASSES:
        mask = frame["klasse"] == klasse
        if mask.any():
            report.ways_per_class[klasse] = int(frame.loc[mask, "osm_id"].nunique())
            report.km_per_class[klasse] = round(float(lengths[mask].sum()), 3)
    pois = _poi_frames(sel, geo, area)
    poi_layers = []
    for name in [kind_.layer for kind_ in rules.pois]:
        if name not in pois:
            report.pois[name] = 0
            continue
        report.pois[name] = len(pois[name])
        poi_layers.append(
            Layer(
                name=name,
                data=pois[name],
                role=Role.OTHER,
                fields={"id": "osm_id", "name": "naam"},
                source=path,
                original_crs=_WGS84,
                attribution=OSM_ATTRIBUTION,
            )
        )
    network = _network_layer(frame, path, report)
    report.seconds = time.perf_counter() - started
    task.report(1.0, "done")
    return OsmImport(network=network, pois=poi_layers, report=report)


def write_osm_gpkg(result: OsmImport, out: str | Path, *, force: bool = False) -> Path:
    """Write the import's layers to one GeoPackage, atomically.

    Each layer carries the ODbL attribution in its description and
    metadata. Nothing is left behind when writing fails.

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``force`` is false.
    ExportError
        The file cannot be written.
    """
    from slimmeregio.layers.gpkg_out import write_layers_gpkg

    return write_layers_gpkg(result.layers, out, force=force, attribution=OSM_ATTRIBUTION)

