"""Geometry repair for freshly read layers: invalid geometries made valid, empty and degenerate ones dropped, 3D flattened, each repair reported."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.layers.model import LayerReport

__all__ = [
    "geometry_family",
    "repair_geometries",
]


def geometry_family(geom_type: str) -> str:
    """``point``, ``line``, ``polygon`` or ``other`` for a geometry type name (multi-parts included)."""
    if "Point" in geom_type:
        return "point"
    if "Line" in geom_type:
        return "line"
    if "Polygon" in geom_type:
        return "polygon"
    return "other"


def _degenerate_candidates(geoms: np.ndarray) -> np.ndarray:
    """Indices of lines with a zero-length line or part (fewer than two
    distinct points), found without a Python loop over every feature."""
    types = shapely.get_type_id(geoms)
    single = np.flatnonzero(types == 1)  # LineString
    multi = np.flatnonzero(types == 5)  # MultiLineString
    found = single[shapely.length(geoms[single]) == 0] if single.size else single
    if multi.size:
        parts, index = shapely.get_parts(geoms[multi], return_index=True)
        zero = shapely.length(parts) == 0
        found = np.concatenate([found, multi[np.unique(index[zero])]])
    return np.sort(found)


def _drop_degenerate_lines(geoms: np.ndarray) -> tuple[np.ndarray, int]:
    """Remove line parts with fewer than two distinct points."""
    count = 0
    out = geoms.copy()
    for i in _degenerate_candidates(geoms):
        geom = geoms[i]
        parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
        good = [p for p in parts if p.length > 0]
        count += len(parts) - len(good)
        if not good:
            out[i] = None
        elif geom.geom_type == "MultiLineString":
            out[i] = shapely.MultiLineString(good)
        else:
            out[i] = good[0]
    return out, count


def repair_geometries(
    frame: gpd.GeoDataFrame, report: LayerReport, *, one_point_lines: int = 0
) -> gpd.GeoDataFrame:
    """Drop empty geometries, flatten 3D/M, make geometries valid; report all."""
    geoms = np.asarray(frame.geometry.array, dtype=object)
    has_z = shapely.has_z(geoms)
    has_m = shapely.has_m(geoms) if hasattr(shapely, "has_m") else np.zeros(len(geoms), bool)
    flat = int((has_z | has_m).sum())
    if flat:
        geoms = shapely.force_2d(geoms)
        report.add(
            "z_dropped",
            f"{flat} objecten hadden een hoogte (Z) of maat (M); die is weggelaten (2D).",
            f"{flat} features had a height (Z) or measure (M); it was dropped (2D).",
            count=flat,
            level="info",
        )
    # The unreadable one-point lines were read as missing: counted apart.
    empty = int((shapely.is_missing(geoms) | shapely.is_empty(geoms)).sum()) - one_point_lines
    geoms, degenerate = _drop_degenerate_lines(geoms)
    single = degenerate + one_point_lines
    if single:
        report.add(
            "single_point_line_dropped",
            f"{single} lijnen (of lijndelen) met maar één punt zijn weggelaten.",
            f"{single} lines (or line parts) with a single point were dropped.",
            count=single,
        )
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    invalid = ~missing & ~shapely.is_valid(geoms)
    n_invalid = int(invalid.sum())
    if n_invalid:
        fixed = geoms.copy()
        for i in np.flatnonzero(invalid):
            geom = geoms[i]
            polygonal = "Polygon" in geom.geom_type
            fixed[i] = (
                shapely.make_valid(geom, method="structure", keep_collapsed=False)
                if polygonal
                else shapely.make_valid(geom)
            )
        geoms = fixed
        report.add(
            "invalid_repaired",
            f"{n_invalid} ongeldige geometrieën (bv. zichzelf snijdende vlakken) zijn hersteld.",
            f"{n_invalid} invalid geometries (e.g. self-intersecting polygons) were repaired.",
            count=n_invalid,
        )
        collapsed = invalid & (shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if collapsed.any():
            n = int(collapsed.sum())
            report.add(
                "invalid_dropped",
                f"{n} ongeldige geometrieën hielden na herstel niets over en zijn weggelaten.",
                f"{n} invalid geometries were empty after repair and were dropped.",
                count=n,
            )
            missing = missing | collapsed
    if empty > 0:
        report.add(
            "empty_dropped",
            f"{empty} objecten zonder geometrie zijn weggelaten.",
            f"{empty} features without geometry were dropped.",
            count=empty,
        )
    frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    frame = frame.loc[~missing].reset_index(drop=True)
    families = sorted({geometry_family(t) for t in frame.geometry.geom_type.dropna().unique()})
    if len(families) > 1:
        types = ", ".join(sorted(frame.geometry.geom_type.dropna().unique()))
        report.add(
            "mixed_geometry",
            f"De laag mengt geometrietypes ({types}).",
            f"The layer mixes geometry types ({types}).",
            count=len(families),
        )
    return frame
