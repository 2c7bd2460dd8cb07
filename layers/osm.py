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
framing, read with :func:`.osm_source.pbf_blocks`), so progress is the fraction of bytes
read and a cancel request is seen within one slice (a few MB).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.model import Layer
from slimmeregio.layers.osm_clip import (
    clip_area,
    clip_from_file,
    lonlat_bounds,
    overlap,
    region_clip,
)
from slimmeregio.layers.osm_layers import network_frame, network_layer, poi_frames, skipped_in_area
from slimmeregio.layers.osm_model import (
    NETWORK_LAYER,
    OSM_ATTRIBUTION,
    WGS84,
    OsmImport,
    OsmImportReport,
    osm_error,
)
from slimmeregio.layers.osm_passes import geometry_pass, selection_pass
from slimmeregio.layers.osm_rules import DEFAULT_RULES, OsmRules
from slimmeregio.layers.osm_source import Source, file_kind
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import LINK_CLASSES, Role

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


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def import_osm(
    path: str | Path,
    *,
    clip: BaseGeometry | None = None,
    bbox: Sequence[float] | None = None,
    bbox_crs: str = WGS84,
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
    kind = file_kind(path)
    area = clip_area(path, clip, bbox, bbox_crs, buffer_m)
    source = Source(path, kind)
    bounds = lonlat_bounds(area) if area is not None else None
    box = source.header_box()
    if bounds is not None and box is not None and not overlap(box, bounds):
        raise osm_error(
            path,
            "het bestand dekt het gekozen gebied niet",
            "the extract does not cover the chosen area",
        )
    sel = selection_pass(source, rules, task.sub(0.0, 0.45))
    geo = geometry_pass(source, sel, rules, bounds, task.sub(0.45, 0.9))
    task.report(0.9, "building")
    frame = network_frame(geo, area)
    if frame.empty:
        raise osm_error(
            path,
            "geen fietsbare wegen in het gebied; dekt het bestand dit gebied?",
            "no cyclable ways in the area; does the extract cover it?",
        )
    report = OsmImportReport(
        skipped=skipped_in_area(geo, area),
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
    pois = poi_frames(sel, geo, area)
    poi_layers = []
    for name in [kind_.layer for kind_ in rules.pois]:
        if name not in pois:
            report.pois[name] = 0
            continue
        report.pois[name] = len(pois[name])
        role, fields = OPPORTUNITY_POI_ROLES.get(name, (Role.OTHER, {}))
        poi_layers.append(
            Layer(
                name=name,
                data=pois[name],
                role=role,
                fields={"id": "osm_id", "name": "naam", **fields},
                source=path,
                original_crs=WGS84,
                attribution=OSM_ATTRIBUTION,
            )
        )
    network = network_layer(frame, path, report)
    report.seconds = time.perf_counter() - started
    task.report(1.0, "done")
    return OsmImport(network=network, pois=poi_layers, report=report)


#: Role and extra field mapping of the candidate opportunity layers.
OPPORTUNITY_POI_ROLES: dict[str, tuple[Role, dict[str, str]]] = {
    "scholen_osm": (Role.SCHOOLS, {"level": "type"}),
    "zorg_osm": (Role.HEALTH_CARE, {"kind": "type"}),
    "winkels_diensten_osm": (Role.SHOPS, {"kind": "type"}),
    "bestemmingen_werk_osm": (Role.DESTINATIONS, {"weight": "oppervlakte_m2", "kind": "type"}),
}


def write_osm_gpkg(result: OsmImport, out: str | Path, *, force: bool = False) -> Path:
    """Write the import's layers to one GeoPackage, atomically.

    Each layer carries the ODbL attribution in its description and
    metadata. Nothing is left behind when writing fails.

    Raises the errors of :func:`~slimmeregio.layers.gpkg_out.write_layers_gpkg`
    (``out`` exists without ``force``, or cannot be written).
    """
    from slimmeregio.layers.gpkg_out import write_layers_gpkg

    return write_layers_gpkg(result.layers, out, force=force, attribution=OSM_ATTRIBUTION)
