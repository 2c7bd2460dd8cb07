"""Building the OpenStreetMap layers: lines in Lambert 72 clipped to the area, the bike network and the POI layers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerReport
from slimmeregio.layers.osm_clip import (
    transformer,
)
from slimmeregio.layers.osm_model import (
    NETWORK_LAYER,
    OSM_ATTRIBUTION,
    WGS84,
    OsmImportReport,
    skip_label,
)
from slimmeregio.layers.osm_passes import Geometry, Selection
from slimmeregio.layers.osm_rules import AREA_WEIGHT_LAYERS
from slimmeregio.layers.roles import Role

__all__ = [
    "network_frame",
    "network_layer",
    "poi_frames",
    "skipped_in_area",
]


def _to_lambert(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = transformer(WGS84, ANALYSIS_CRS).transform(lons, lats)
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


def network_frame(geo: Geometry, area: BaseGeometry | None) -> gpd.GeoDataFrame:
    """The bike-network frame in Lambert 72: one row per kept way, drawn in its permitted direction, clipped to ``area``."""
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
    return gpd.GeoDataFrame(
        frame[[*_NETWORK_COLUMNS, "geometry"]], geometry="geometry", crs=ANALYSIS_CRS
    )


def _poi_point(row: dict[str, Any], geo: Geometry) -> BaseGeometry | None:
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


def _poi_area(row: dict[str, Any], geo: Geometry) -> float:
    """Surface (m², Lambert 72) of a closed POI way; 0 for nodes and open ways."""
    if row["osm_type"] != "way":
        return 0.0
    line = geo.poi_ways.get(row["osm_id"])
    if line is None:
        return 0.0
    coords = shapely.get_coordinates(line)
    if len(coords) < 4 or not (coords[0] == coords[-1]).all():
        return 0.0
    polygon = _lambert(np.asarray([shapely.make_valid(shapely.Polygon(coords))], dtype=object))[0]
    return round(float(shapely.area(polygon)), 1)


def poi_frames(
    sel: Selection, geo: Geometry, area: BaseGeometry | None
) -> dict[str, gpd.GeoDataFrame]:
    """One point frame per POI layer, inside ``area``."""
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
        if layer in AREA_WEIGHT_LAYERS:
            frame["oppervlakte_m2"] = [_poi_area(row, geo) for row in frame.to_dict("records")]
        frame["source"] = OSM_ATTRIBUTION
        frames[layer] = frame.drop_duplicates(subset=["osm_type", "osm_id"]).reset_index(drop=True)
    return frames


def skipped_in_area(geo: Geometry, area: BaseGeometry | None) -> dict[str, int]:
    """How many skipped ways per reason touch ``area``."""
    if not geo.skipped_reasons:
        return {}
    if area is None:
        return dict(Counter(geo.skipped_reasons))
    lines = _lambert(np.concatenate(geo.skipped_lines))
    shapely.prepare(area)
    hit = shapely.intersects(area, lines)
    return dict(Counter(r for r, h in zip(geo.skipped_reasons, hit, strict=True) if h))


def network_layer(frame: gpd.GeoDataFrame, path: Path, report: OsmImportReport) -> Layer:
    """The bike-network :class:`Layer`, its report listing the skipped ways."""
    from slimmeregio.layers.symbology import default_style

    layer_report = LayerReport()
    for reason, n in sorted(report.skipped.items()):
        nl, en = skip_label(reason, "nl"), skip_label(reason, "en")
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
        original_crs=WGS84,
        report=layer_report,
        attribution=OSM_ATTRIBUTION,
    )
    layer.style = default_style(layer)
    return layer
