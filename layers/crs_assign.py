"""Giving a freshly read layer its CRS: declared or guessed, swapped axes fixed, reprojected to Lambert 72 and the extent checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.layers.crs import (
    crs_label,
    crs_to_string,
    diagnose_outside,
    guess_crs,
    inside_belgium,
    looks_swapped,
)
from slimmeregio.layers.csvio import CsvInfo
from slimmeregio.layers.model import ANALYSIS_CRS, LayerReport
from slimmeregio.layers.vector_read import guarded_read

__all__ = [
    "CrsResult",
    "assign_crs",
    "check_extent",
    "reproject",
]


def _midpoints(geoms: Any) -> tuple[np.ndarray, np.ndarray]:
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    with np.errstate(over="ignore", invalid="ignore"):  # absurd coordinates: inf
        return (bounds[:, 0] + bounds[:, 2]) / 2.0, (bounds[:, 1] + bounds[:, 3]) / 2.0


def _swap_xy(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geoms = shapely.transform(np.asarray(frame.geometry.array, dtype=object), lambda c: c[:, ::-1])
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


@dataclass
class CrsResult:
    """The frame in its source CRS, that CRS as text and whether it was guessed."""

    frame: gpd.GeoDataFrame
    original: str | None
    guessed: bool


def _guess_missing_crs(
    frame: gpd.GeoDataFrame, report: LayerReport, csv: CsvInfo | None, *, declared: str | None
) -> str | None:
    """Guess the CRS of a frame whose file declares none (or an impossible one)."""
    xs, ys = _midpoints(frame.geometry.array)
    by_value = guess_crs(xs, ys)
    original: str | None
    if csv is not None and csv.range_crs is not None:
        original, why_nl, why_en = csv.range_crs, "het waardebereik", "value range"
    elif csv is not None and csv.geographic and by_value in (None, "EPSG:4326"):
        original, why_nl, why_en = "EPSG:4326", "de kolomnamen", "column names"
    else:
        original, why_nl, why_en = by_value, "het waardebereik", "value range"
    if declared is None:
        said_nl = "Het bestand geeft geen coördinatenstelsel op"
        said_en = "The file declares no coordinate system"
    else:
        said_nl = f"Het bestand geeft {declared} op, maar de coördinaten zijn geen graden"
        said_en = f"The file declares {declared}, but the coordinates are not degrees"
    if original is None:
        report.add(
            "crs_unknown",
            f"{said_nl} en het juiste is niet te raden; aangenomen: EPSG:31370 "
            "(Belgische Lambert 72). Geef het juiste op.",
            f"{said_en} and the right one cannot be guessed; assumed EPSG:31370 "
            "(Belgian Lambert 72). State the right one.",
        )
        return None
    report.add(
        "crs_guessed",
        f"{said_nl}; geraden uit {why_nl}: {crs_label(original, 'nl')}.",
        f"{said_en}; guessed from the {why_en}: {crs_label(original, 'en')}.",
    )
    return original


def _impossible_degrees(frame: gpd.GeoDataFrame, declared: str | None) -> bool:
    """A geographic CRS declared for coordinates that cannot be degrees
    (GeoJSON always says WGS84, even for Lambert coordinates)."""
    if declared is None or not _is_lonlat(declared) or frame.empty:
        return False
    xs, ys = _midpoints(frame.geometry.array)
    ok = np.isfinite(xs) & np.isfinite(ys)
    degrees = (np.abs(xs[ok]) <= 180) & (np.abs(ys[ok]) <= 90)
    return bool(ok.any()) and float(degrees.mean()) < 0.5


def assign_crs(
    frame: gpd.GeoDataFrame,
    report: LayerReport,
    *,
    crs: str | None,
    csv: CsvInfo | None,
) -> CrsResult:
    """The CRS a frame is in: the one asked for, the one declared, or a guess from its coordinates (reported)."""
    declared = crs_to_string(frame.crs) if frame.crs is not None else None
    guessed = False
    if crs is not None:
        if declared is not None and declared != crs:
            report.add(
                "crs_overridden",
                f"Het bestand geeft {crs_label(declared, 'nl')} op; op uw vraag is "
                f"{crs_label(crs, 'nl')} gebruikt.",
                f"The file declares {crs_label(declared, 'en')}; as asked, "
                f"{crs_label(crs, 'en')} was used.",
                level="info",
            )
        original: str | None = crs
    elif declared is not None and not _impossible_degrees(frame, declared):
        original = declared
    else:
        original = _guess_missing_crs(frame, report, csv, declared=declared)
        guessed = original is not None
    frame = frame.set_crs(original or ANALYSIS_CRS, allow_override=True)
    if original is not None and _is_lonlat(original):
        xs, ys = _midpoints(frame.geometry.array)
        if looks_swapped(xs, ys):
            frame = _swap_xy(frame)
            columns = (
                f" (kolommen '{csv.x_column}' en '{csv.y_column}')"
                if csv is not None and csv.x_column
                else ""
            )
            columns_en = columns.replace("kolommen", "columns").replace(" en ", " and ")
            report.add(
                "lonlat_swapped",
                f"Lengte- en breedtegraad waren omgewisseld{columns}; ze zijn teruggezet.",
                f"Longitude and latitude were swapped{columns_en}; they were put right.",
                count=len(frame),
            )
    return CrsResult(frame, original, guessed)


def _is_lonlat(crs: str) -> bool:
    from pyproj import CRS

    return bool(CRS.from_user_input(crs).is_geographic)


def reproject(frame: gpd.GeoDataFrame, path: Path, name: str) -> gpd.GeoDataFrame:
    """The frame in Lambert 72 (EPSG:31370); library failures become our errors."""
    if frame.crs is not None and crs_to_string(frame.crs) == ANALYSIS_CRS:
        return frame
    with guarded_read(path, name):
        return frame.to_crs(ANALYSIS_CRS)


def check_extent(
    before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, original: str | None, report: LayerReport
) -> None:
    """Report features that lie outside Belgium after reprojection (a wrong CRS, or swapped axes)."""
    xs, ys = _midpoints(after.geometry.array)
    outside = ~inside_belgium(xs, ys)
    n = int(outside.sum())
    if not n:
        return
    ox, oy = _midpoints(before.geometry.array)
    cause_nl, cause_en = diagnose_outside(ox[outside], oy[outside], original or ANALYSIS_CRS)
    if cause_nl is None or cause_en is None:
        if n / max(len(after), 1) < 0.5:
            cause_nl = "bv. objecten over de grens of enkele foute coördinaten"
            cause_en = "e.g. features across the border or a few wrong coordinates"
        else:
            cause_nl = "controleer het coördinatenstelsel en of x en y niet omgewisseld zijn"
            cause_en = "check the coordinate system and whether x and y are swapped"
    report.add(
        "outside_belgium",
        f"{n} van de {len(after)} objecten liggen buiten België: {cause_nl}.",
        f"{n} of {len(after)} features lie outside Belgium: {cause_en}.",
        count=n,
    )
