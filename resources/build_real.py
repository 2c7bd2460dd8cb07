"""The region's real layers: municipalities, Brussels, deelgemeenten and stations read from the open-data sources, with documented corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from slimmeregio.layers.errors import CorruptFileError, SourceNotFoundError
from slimmeregio.resources.build_config import (
    ARRONDISSEMENT,
    BRUSSELS,
    CRS,
    FACILITIES_FILE,
    LOCALITIES_FILE,
    LOCALITY_FIXES,
    LOCALITY_NAMES_NL,
    LOCALITY_TOLERANCE_M,
    MUNICIPALITIES_FILE,
    OTHER_LOCALITY_NAMES_NL,
    POSTCODE_NIS,
    REGION_NAMES,
    SOURCE_FILES,
    STATION_BUFFER_M,
    STATION_MUNICIPALITY,
    STATIONS_FILE,
)

# --------------------------------------------------------------------------
# Reading the sources
# --------------------------------------------------------------------------


def require_sources(source_dir: Path) -> None:
    """Raise :class:`SourceNotFoundError` for the first source file missing from ``source_dir``."""
    for name in SOURCE_FILES:
        if not (source_dir / name).is_file():
            raise SourceNotFoundError(path=source_dir / name)


def read_municipalities(source_dir: Path) -> gpd.GeoDataFrame:
    """All Belgian municipalities in Lambert 72, geometries made valid, sorted by NIS code."""
    path = source_dir / MUNICIPALITIES_FILE
    try:
        frame = gpd.read_file(path, layer="municipalities", engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types for a bad file
        raise CorruptFileError(path=path, detail=str(exc)) from exc
    # The file declares no CRS; its coordinates are WGS84 lon/lat.
    frame = frame.set_crs("EPSG:4326", allow_override=True).to_crs(CRS)
    frame["nis"] = frame["nis"].astype(str)
    frame["arr_nis"] = frame["arr_nis"].astype(str)
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce").fillna(0)
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    return frame.sort_values("nis").reset_index(drop=True)


def read_localities(source_dir: Path) -> gpd.GeoDataFrame:
    """The postcode localities as points in Lambert 72."""
    path = source_dir / LOCALITIES_FILE
    frame = pd.read_csv(
        path, header=None, names=["postcode", "naam", "lon", "lat"], dtype={"postcode": str}
    )
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    ).to_crs(CRS)


def read_stations(source_dir: Path) -> gpd.GeoDataFrame:
    """The Belgian rail stations with their facilities, as points in Lambert 72."""
    stations = pd.read_csv(source_dir / STATIONS_FILE, dtype=str)
    facilities = pd.read_csv(source_dir / FACILITIES_FILE, dtype=str)
    facilities = facilities[["URI", "bicycle_spots", "blue-bike", "bus", "tram", "metro"]]
    frame = stations.merge(facilities, on="URI", how="left")
    frame = frame[frame["country-code"] == "be"].copy()
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(
        CRS
    )


# --------------------------------------------------------------------------
# Real layers
# --------------------------------------------------------------------------


def municipal_layer(frame: gpd.GeoDataFrame, arr: str) -> gpd.GeoDataFrame:
    """The municipalities of arrondissement ``arr`` with NIS code, Dutch name and inhabitants."""
    part = frame[frame["arr_nis"] == arr]
    return gpd.GeoDataFrame(
        {
            "nis": part["nis"].to_numpy(str),
            "naam": part["name_nl"].to_numpy(str),
            "inwoners": part["population"].astype("int64").to_numpy(),
        },
        geometry=part.geometry.to_numpy(),
        crs=CRS,
    )


def make_deelgemeenten(
    localities: gpd.GeoDataFrame, gemeenten: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The 104 deelgemeenten: selected and assigned by postcode, names in Dutch."""
    part = localities[localities["postcode"].isin(POSTCODE_NIS)].copy()
    names = dict(zip(gemeenten["nis"], gemeenten["naam"], strict=True))
    polygons = dict(zip(gemeenten["nis"], gemeenten.geometry, strict=True))
    rows = []
    for row in part.itertuples(index=False):
        nis = POSTCODE_NIS[row.postcode]
        geom = row.geometry
        note = "positie: OpenStreetMap-geocodering"
        fix = LOCALITY_FIXES.get((row.postcode, row.naam))
        if geom.distance(polygons[nis]) > LOCALITY_TOLERANCE_M:
            if fix is None:
                raise CorruptFileError(
                    path=LOCALITIES_FILE,
                    detail=f"{row.postcode} {row.naam} lies far outside its municipality",
                )
            geom = gpd.GeoSeries([Point(fix)], crs="EPSG:4326").to_crs(CRS).iloc[0]
            note = "positie benaderd: de geocodering wees een gelijknamige plaats elders aan"
        elif not polygons[nis].contains(geom):
            note = "positie: OpenStreetMap-geocodering (valt door vereenvoudigde grens net buiten de gemeente)"
        rows.append(
            {
                "postcode": row.postcode,
                "naam": LOCALITY_NAMES_NL.get(row.naam, row.naam),
                "gemeente": names[nis],
                "nis": nis,
                "opmerking": note,
                "geometry": geom,
            }
        )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return out.sort_values(["postcode", "naam"]).reset_index(drop=True)


def dutch_names(names: pd.Series, municipalities: gpd.GeoDataFrame) -> pd.Series:
    """Dutch names for localities named in French (Brussels, Wallonia)."""
    table = dict(zip(municipalities["name_fr"], municipalities["name_nl"], strict=False))
    table.update(OTHER_LOCALITY_NAMES_NL)
    return names.map(lambda n: table.get(n, n))


def _flag(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").fillna(0).astype(int).to_numpy() > 0


def make_stations(
    raw: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame, region: Any
) -> gpd.GeoDataFrame:
    """Stations in the region, within 5 km of it, and all of Brussels."""
    joined = gpd.sjoin_nearest(
        raw, municipalities[["nis", "name_nl", "reg_nl", "arr_nis", "geometry"]], how="left"
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    by_name = municipalities.set_index("name_nl")
    for station, municipality in STATION_MUNICIPALITY.items():
        mask = joined["name"] == station
        if mask.any():
            target = by_name.loc[municipality]
            joined.loc[mask, ["nis", "name_nl", "reg_nl", "arr_nis"]] = [
                target["nis"],
                municipality,
                target["reg_nl"],
                target["arr_nis"],
            ]
    distance = joined.distance(region)
    keep = (distance <= STATION_BUFFER_M) | (joined["arr_nis"] == BRUSSELS)
    part = joined[keep]
    naam = part["alternative-nl"].fillna(part["name"])
    out = gpd.GeoDataFrame(
        {
            "station_id": part["URI"].str.rsplit("/", n=1).str[-1].to_numpy(str),
            "naam": naam.to_numpy(str),
            "treinen_per_dag": pd.to_numeric(part["avg_stop_times"], errors="coerce")
            .fillna(0.0)
            .round(2)
            .to_numpy(float),
            "fietsenstalling": pd.to_numeric(part["bicycle_spots"], errors="coerce")
            .fillna(0)
            .astype("int64")
            .to_numpy(),
            "blue_bike": _flag(part["blue-bike"]),
            "bus": _flag(part["bus"]),
            "tram": _flag(part["tram"]),
            "metro": _flag(part["metro"]),
            "gewest": part["reg_nl"].map(REGION_NAMES).to_numpy(str),
            "in_regio": (part["arr_nis"] == ARRONDISSEMENT).to_numpy(bool),
            "gemeente": part["name_nl"].to_numpy(str),
        },
        geometry=part.geometry.to_numpy(),
        crs=CRS,
    )
    return out.sort_values("station_id").reset_index(drop=True)
