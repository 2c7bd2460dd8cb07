"""Build the embedded Halle-Vilvoorde region from open-data sources.

Usage::

    python -m slimmeregio.resources.build SOURCE_DIR [--out DIR]

``SOURCE_DIR`` holds the four open-data files described in ``SOURCES.md``
(municipalities TopoJSON, rail stations, station facilities, postcode
localities). The build writes ``region.gpkg`` (all vector layers in
EPSG:31370 plus a non-spatial ``provenance`` table), ``bevolking_100m.tif``
(inhabitants per 100 m cell) and ``NOTICE`` into ``--out`` (default: this
package folder) and copies the source files, unchanged, into
``<out>/sources`` so that the build can be rerun from there.

Real layers (municipalities, Brussels, deelgemeenten, stations) are taken
from the sources with documented corrections. Illustrative layers (bike
network, housing, mobipunten, population grid) are generated from the real
anchors with fixed random seeds: the same inputs give the same features.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, cKDTree
from shapely.geometry import LineString, Point

from slimmeregio.layers.errors import CorruptFileError, SourceNotFoundError
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.resources.build_opportunities import (
    NOTICE_PARAGRAPH,
    opportunity_layers,
    opportunity_provenance,
)

__all__ = [
    "DEFAULT_HOUSEHOLD_SIZE",
    "DEFAULT_SEED",
    "SOURCE_FILES",
    "BuildResult",
    "build_region",
    "main",
]

CRS = "EPSG:31370"
DEFAULT_SEED = 20231
DEFAULT_HOUSEHOLD_SIZE = 2.4
ARRONDISSEMENT = "23000"
BRUSSELS = "21000"
CELL = 100.0
#: Timestamp written into the GeoPackage metadata (reproducible builds).
GPKG_TIMESTAMP = "2024-01-01T00:00:00.000Z"

MUNICIPALITIES_FILE = "belgium-municipalities.topojson"
STATIONS_FILE = "belgium-rail-stations.csv"
FACILITIES_FILE = "belgium-rail-station-facilities.csv"
LOCALITIES_FILE = "belgium-postcode-localities.csv"
#: The files the build reads (plus ``SOURCES.md``, copied along when present).
SOURCE_FILES = (MUNICIPALITIES_FILE, STATIONS_FILE, FACILITIES_FILE, LOCALITIES_FILE)

ILLUSTRATIVE = "illustratief"
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
CC0_ATTRIBUTION = "Statbel / Belgium-Map project (CC0 1.0)"
IRAIL_ATTRIBUTION = "iRail stations (CC0 1.0)"

# --------------------------------------------------------------------------
# Corrections of the real sources (documented in docs/region.md)
# --------------------------------------------------------------------------

#: bpost postcode -> NIS code of the Halle-Vilvoorde municipality it serves.
#: The simplified boundaries put a few locality points in the neighbouring
#: municipality; the postcode decides.
POSTCODE_NIS: dict[str, str] = {
    **dict.fromkeys(("1500", "1501", "1502"), "23027"),  # Halle
    **dict.fromkeys(("1540", "1541"), "23032"),  # Herne
    "1547": "23009",  # Bever
    "1560": "23033",  # Hoeilaart
    "1570": "23023",  # Galmaarden
    **dict.fromkeys(("1600", "1601", "1602"), "23077"),  # Sint-Pieters-Leeuw
    "1620": "23098",  # Drogenbos
    "1630": "23100",  # Linkebeek
    "1640": "23101",  # Sint-Genesius-Rode
    **dict.fromkeys(("1650", "1651", "1652", "1653", "1654"), "23003"),  # Beersel
    **dict.fromkeys(("1670", "1671", "1673", "1674"), "23064"),  # Pepingen
    **dict.fromkeys(("1700", "1701", "1702", "1703"), "23016"),  # Dilbeek
    **dict.fromkeys(("1730", "1731"), "23002"),  # Asse
    **dict.fromkeys(("1740", "1741", "1742"), "23086"),  # Ternat
    "1745": "23060",  # Opwijk
    "1750": "23104",  # Lennik
    "1755": "23024",  # Gooik
    **dict.fromkeys(("1760", "1761"), "23097"),  # Roosdaal
    "1770": "23044",  # Liedekerke
    "1780": "23102",  # Wemmel
    "1785": "23052",  # Merchtem
    "1790": "23105",  # Affligem
    "1800": "23088",  # Vilvoorde
    "1820": "23081",  # Steenokkerzeel
    **dict.fromkeys(("1830", "1831"), "23047"),  # Machelen
    "1840": "23045",  # Londerzeel
    **dict.fromkeys(("1850", "1851", "1852", "1853"), "23025"),  # Grimbergen
    **dict.fromkeys(("1860", "1861"), "23050"),  # Meise
    "1880": "23039",  # Kapelle-op-den-Bos
    "1910": "23038",  # Kampenhout
    **dict.fromkeys(("1930", "1932", "1933"), "23094"),  # Zaventem
    "1950": "23099",  # Kraainem
    "1970": "23103",  # Wezembeek-Oppem
    **dict.fromkeys(("1980", "1981", "1982"), "23096"),  # Zemst
    "3090": "23062",  # Overijse
}

#: Locality names in French only (or misspelt) in the postcode list -> Dutch.
LOCALITY_NAMES_NL: dict[str, str] = {
    "Biévène": "Bever",
    "Rhode-Saint-Genèse": "Sint-Genesius-Rode",
    "Kapelle-Op-Den-Bos": "Kapelle-op-den-Bos",
}

#: Brussels postcode localities that are not a municipality of their own.
OTHER_LOCALITY_NAMES_NL: dict[str, str] = {
    "Bruxelles": "Brussel",
    "Laeken": "Laken",
    "Saint-Josse-Ten-Noode": "Sint-Joost-ten-Node",
}

#: Localities whose geocoded point lies far outside their municipality (the
#: geocoder matched a namesake elsewhere in Belgium): approximate position of
#: the village centre (lon, lat), taken from the topographic map.
LOCALITY_FIXES: dict[tuple[str, str], tuple[float, float]] = {
    ("1785", "Hamme"): (4.2135, 50.9475),  # Hamme (Merchtem), not Hamme (Oost-Vlaanderen)
    ("1910", "Berg"): (4.5445, 50.9285),  # Berg (Kampenhout), not Berg (Limburg)
}
#: A locality further than this from its municipality polygon is a geocoding
#: error (the simplified boundaries account for a few hundred metres).
LOCALITY_TOLERANCE_M = 1500.0

#: Stations the simplified boundaries put in the wrong municipality: Dutch name
#: of the municipality the station really lies in.
STATION_MUNICIPALITY: dict[str, str] = {
    "Buizingen": "Halle",
    "Ruisbroek": "Sint-Pieters-Leeuw",
    "Huizingen": "Beersel",
    "Liedekerke": "Liedekerke",
    "Diegem": "Machelen",
    "Enghien": "Edingen",
    "La Hulpe": "Terhulpen",
    "Muizen": "Mechelen",
    "Sint-Agatha-Berchem/Berchem-Sainte-Agathe": "Sint-Agatha-Berchem",
}
#: Stations outside the region considered: within this distance of the border
#: (all stations of the Brussels-Capital Region are always included).
STATION_BUFFER_M = 5000.0

REGION_NAMES = {
    "Vlaams Gewest": "Vlaanderen",
    "Brussels Hoofdstedelijk Gewest": "Brussel",
    "Waals Gewest": "Wallonië",
}

# --------------------------------------------------------------------------
# Illustrative generation parameters
# --------------------------------------------------------------------------

#: Design speed (km/h) per link class.
SPEEDS = {"fietssnelweg": 25, "bovenlokaal": 20, "lokaal": 16}

#: Fietssnelweg corridors along the main rail axes towards Brussels, as
#: station waypoints (station names as in the stations layer).
CORRIDORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Fietssnelweg Halle-Brussel", ("Halle", "Lot", "Ruisbroek", "Vorst-Zuid", "Brussel-Zuid")),
    (
        "Fietssnelweg Mechelen-Vilvoorde-Brussel",
        ("Weerde", "Eppegem", "Vilvoorde", "Buda", "Schaarbeek", "Brussel-Noord"),
    ),
    (
        "Fietssnelweg Leuven-Zaventem-Brussel",
        ("Nossegem", "Zaventem", "Diegem", "Haren-Zuid", "Schaarbeek"),
    ),
    (
        "Fietssnelweg Ternat-Dilbeek-Brussel",
        ("Ternat", "Sint-Martens-Bodegem", "Dilbeek", "Sint-Agatha-Berchem", "Brussel-West"),
    ),
    ("Fietssnelweg Asse-Brussel", ("Mollem", "Asse", "Zellik", "Jette")),
)

#: Share of a municipality's inhabitants living around its main centre versus
#: each other deelgemeente (weights).
MAIN_CENTRE_WEIGHT = 2.5
#: Inhabitants per km2 in a locality's built-up core (sets the mesh radius).
CORE_DENSITY = 3000.0
#: Mean dwellings per housing point (a point is a small block).
MEAN_BLOCK = 12.0
STREET_NAMES = (
    "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Schoolstraat",
    "Nieuwstraat", "Kapelstraat", "Brusselsesteenweg", "Nijverheidsstraat", "Veldstraat",
    "Beekstraat", "Bergstraat", "Hoogstraat", "Kasteelstraat", "Lindenlaan",
    "Processieweg", "Kouterstraat", "Meersstraat", "Bosstraat", "Pastorijstraat",
    "Heidestraat", "Hof ter Beke", "Gemeenteplein", "Populierenlaan", "Weverijstraat",
    "Broekstraat", "Zavelstraat", "Smisstraat", "Klaprozenlaan", "Ringlaan",
    "Koning Albertstraat", "Jozef Van Elewijckstraat", "Vlasstraat", "Ijzerweg",
    "Neerstraat", "Opperstraat", "Spoorweglaan", "Tiendenschuurstraat", "Vijverstraat",
    "Wolfsputstraat",
)  # fmt: skip
#: Inhabitants of a deelgemeente without a station (within 900 m) from which
#: it gets a lokaal, resp. buurt mobipunt.
LOKAAL_MIN_INHABITANTS = 5000.0
BUURT_MIN_INHABITANTS = 3800.0
#: Share of the housing candidates placed as ribbon development along the
#: bovenlokaal routes between the centres.
RIBBON_SHARE = 0.08
PROJECT_WORDS = ("Hof", "Site", "Woonerf", "Residentie", "Tuinwijk", "Kouter")


@dataclass(frozen=True)
class BuildResult:
    """Where the build wrote its files, and a few totals for the log."""

    gpkg: Path
    raster: Path
    notice: Path
    counts: dict[str, int]


# --------------------------------------------------------------------------
# Reading the sources
# --------------------------------------------------------------------------


def _require(source_dir: Path) -> None:
    for name in SOURCE_FILES:
        if not (source_dir / name).is_file():
            raise SourceNotFoundError(path=source_dir / name)


def _read_municipalities(source_dir: Path) -> gpd.GeoDataFrame:
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


def _read_localities(source_dir: Path) -> gpd.GeoDataFrame:
    path = source_dir / LOCALITIES_FILE
    frame = pd.read_csv(
        path, header=None, names=["postcode", "naam", "lon", "lat"], dtype={"postcode": str}
    )
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    ).to_crs(CRS)


def _read_stations(source_dir: Path) -> gpd.GeoDataFrame:
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


def _municipal_layer(frame: gpd.GeoDataFrame, arr: str) -> gpd.GeoDataFrame:
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


def _deelgemeenten(localities: gpd.GeoDataFrame, gemeenten: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def _dutch_names(names: pd.Series, municipalities: gpd.GeoDataFrame) -> pd.Series:
    """Dutch names for localities named in French (Brussels, Wallonia)."""
    table = dict(zip(municipalities["name_fr"], municipalities["name_nl"], strict=False))
    table.update(OTHER_LOCALITY_NAMES_NL)
    return names.map(lambda n: table.get(n, n))


def _flag(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").fillna(0).astype(int).to_numpy() > 0


def _stations(
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


# --------------------------------------------------------------------------
# Illustrative bike network
# --------------------------------------------------------------------------


@dataclass
class _Anchor:
    name: str
    x: float
    y: float
    kind: str  # 'region', 'brussels' or 'outside'


def _locality_population(deel: gpd.GeoDataFrame, gemeenten: gpd.GeoDataFrame) -> np.ndarray:
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


def _node(
    lines: list[LineString], attrs: pd.DataFrame
) -> tuple[np.ndarray, pd.DataFrame]:
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


def _network(
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
    near = region.buffer(3000.0)
    # Anchors: region localities and stations, Brussels stations and
    # localities, stations and localities just across the border.
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
    station_xy = {
        n: (g.x, g.y) for n, g in zip(stations["naam"], stations.geometry, strict=True)
    }
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


# --------------------------------------------------------------------------
# Illustrative housing, population grid, mobipunten
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    transform: Any
    width: int
    height: int


def _grid(bounds: Sequence[float]) -> _Grid:
    from rasterio.transform import from_origin

    x0 = math.floor(bounds[0] / CELL) * CELL - CELL
    y1 = math.ceil(bounds[3] / CELL) * CELL + CELL
    x1 = math.ceil(bounds[2] / CELL) * CELL + CELL
    y0 = math.floor(bounds[1] / CELL) * CELL - CELL
    return _Grid(from_origin(x0, y1, CELL, CELL), int((x1 - x0) / CELL), int((y1 - y0) / CELL))


def _municipality_grid(gemeenten: gpd.GeoDataFrame, grid: _Grid) -> np.ndarray:
    """Index+1 of the municipality whose polygon holds each cell centre (0 = none)."""
    from rasterio.features import rasterize

    shapes = [(g, i + 1) for i, g in enumerate(gemeenten.geometry)]
    return rasterize(
        shapes, out_shape=(grid.height, grid.width), transform=grid.transform, fill=0, dtype="int32"
    )


def _cells(grid: _Grid, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = grid.transform
    col = np.floor((x - t.c) / t.a).astype(int)
    row = np.floor((y - t.f) / t.e).astype(int)
    return row, col


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers >= 1 proportional to ``weights`` summing to ``total`` (largest remainder)."""
    base = np.ones(len(weights), dtype=np.int64)
    rest = total - len(weights)
    share = weights / weights.sum() * rest
    floor = np.floor(share).astype(np.int64)
    left = rest - int(floor.sum())
    order = np.argsort(-(share - floor), kind="stable")
    floor[order[:left]] += 1
    return base + floor


def _housing(
    network: gpd.GeoDataFrame,
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    gemeenten: gpd.GeoDataFrame,
    cells: np.ndarray,
    grid: _Grid,
    household: float,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """Existing dwellings along the local streets plus a few planned projects."""
    local = network[(network["klasse"] == "lokaal") & (network["_loc"] >= 0)]
    geoms = local.geometry.to_numpy()
    loc_ids = local["_loc"].to_numpy()
    lengths = shapely.length(geoms)
    deel_xy = np.column_stack([deel.geometry.x, deel.geometry.y])
    mids = shapely.get_coordinates(shapely.line_interpolate_point(geoms, 0.5, normalized=True))
    rel = np.hypot(*(mids - deel_xy[loc_ids]).T)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    names: list[np.ndarray] = []
    for loc in range(len(deel)):
        idx = np.flatnonzero(loc_ids == loc)
        if len(idx) == 0:
            continue
        scale = max(float(rel[idx].max()), 1.0)
        weight = lengths[idx] * np.exp(-1.6 * (rel[idx] / scale) ** 2)
        count = max(3, int(round(loc_pop[loc] / household / MEAN_BLOCK)))
        pick = rng.choice(idx, size=count, p=weight / weight.sum())
        t = rng.uniform(0.1, 0.9, count)
        pts = shapely.get_coordinates(shapely.line_interpolate_point(geoms[pick], t, normalized=True))
        ends = shapely.get_coordinates(shapely.get_point(geoms[pick], -1))
        starts = shapely.get_coordinates(shapely.get_point(geoms[pick], 0))
        d = ends - starts
        d /= np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
        side = rng.choice((-1.0, 1.0), count) * rng.uniform(12.0, 35.0, count)
        xs.append(pts[:, 0] - d[:, 1] * side)
        ys.append(pts[:, 1] + d[:, 0] * side)
        names.append(local["naam"].to_numpy(str)[pick])
    # Ribbon development (lintbebouwing) along the routes between centres.
    routes = network[(network["klasse"] == "bovenlokaal") & (network["_loc"] < 0)]
    r_geoms = routes.geometry.to_numpy()
    r_mid = shapely.get_coordinates(shapely.line_interpolate_point(r_geoms, 0.5, normalized=True))
    far = cKDTree(deel_xy).query(r_mid)[0] > 500.0
    r_idx = np.flatnonzero(far & shapely.contains_xy(gemeenten.union_all(), *r_mid.T))
    if len(r_idx):
        count = int(RIBBON_SHARE * sum(len(v) for v in xs))
        r_len = shapely.length(r_geoms[r_idx])
        pick = rng.choice(r_idx, size=count, p=r_len / r_len.sum())
        t = rng.uniform(0.05, 0.95, count)
        pts = shapely.get_coordinates(
            shapely.line_interpolate_point(r_geoms[pick], t, normalized=True)
        )
        ahead = shapely.get_coordinates(
            shapely.line_interpolate_point(r_geoms[pick], np.minimum(t + 0.02, 1.0), normalized=True)
        )
        d = ahead - pts
        d /= np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
        side = rng.choice((-1.0, 1.0), count) * rng.uniform(15.0, 30.0, count)
        xs.append(pts[:, 0] - d[:, 1] * side)
        ys.append(pts[:, 1] + d[:, 0] * side)
        names.append(np.full(count, "Steenweg"))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    naam = np.concatenate(names)
    # Keep a point only where its polygon and its grid cell agree on the
    # municipality, so that point sums and raster sums coincide.
    row, col = _cells(grid, x, y)
    inside = (row >= 0) & (row < grid.height) & (col >= 0) & (col < grid.width)
    label = np.zeros(len(x), dtype=int)
    label[inside] = cells[row[inside], col[inside]]
    poly = np.zeros(len(x), dtype=int)
    for i, geom in enumerate(gemeenten.geometry):
        poly[shapely.contains_xy(geom, x, y)] = i + 1
    ok = (label > 0) & (label == poly)
    x, y, naam, label = x[ok], y[ok], naam[ok], label[ok]
    block = rng.lognormal(mean=0.0, sigma=0.6, size=len(x))
    dwellings = np.zeros(len(x), dtype=np.int64)
    keep = np.ones(len(x), dtype=bool)
    for i, pop in enumerate(gemeenten["inwoners"]):
        members = np.flatnonzero(label == i + 1)
        total = int(round(pop / household))
        if len(members) > total:
            keep[members[total:]] = False
            members = members[:total]
        if len(members) == 0:
            raise RuntimeError(f"no housing generated for {gemeenten['naam'].iloc[i]}")
        dwellings[members] = _allocate(total, block[members])
    x, y, naam, label, dwellings = x[keep], y[keep], naam[keep], label[keep], dwellings[keep]
    status = np.full(len(x), "bestaand", dtype=object)
    planned = _planned(network, deel, loc_pop, gemeenten, cells, grid, rng)
    nis = gemeenten["nis"].to_numpy(str)
    gem = gemeenten["naam"].to_numpy(str)
    frame = pd.DataFrame(
        {
            "woningen": dwellings,
            "status": status,
            "naam": naam,
            "gemeente": gem[label - 1],
            "nis": nis[label - 1],
            "x": x,
            "y": y,
        }
    )
    frame = pd.concat([frame, planned], ignore_index=True)
    frame = frame.sort_values(["nis", "status", "x", "y"], kind="stable").reset_index(drop=True)
    frame.insert(0, "woning_id", np.arange(1, len(frame) + 1, dtype="int64"))
    frame["source"] = ILLUSTRATIVE
    geometry = gpd.points_from_xy(frame.pop("x").round(2), frame.pop("y").round(2))
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def _planned(
    network: gpd.GeoDataFrame,
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    gemeenten: gpd.GeoDataFrame,
    cells: np.ndarray,
    grid: _Grid,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """About 40 planned developments at the edge of the larger localities."""
    order = np.argsort(-loc_pop, kind="stable")[:40]
    local = network[network["klasse"] == "lokaal"]
    rows = []
    for n, loc in enumerate(sorted(order.tolist())):
        links = local[local["_loc"] == loc]
        if links.empty:
            continue
        centre = deel.geometry.iloc[loc]
        dist = links.distance(centre).to_numpy()
        ring = np.flatnonzero((dist > 0.45 * dist.max()) & (dist < 0.85 * dist.max()))
        if len(ring) == 0:
            continue
        pick = int(rng.choice(ring))
        pt = links.geometry.iloc[pick].interpolate(0.5, normalized=True)
        x, y = pt.x + rng.uniform(-20, 20), pt.y + rng.uniform(-20, 20)
        row, col = _cells(grid, np.array([x]), np.array([y]))
        label = int(cells[row[0], col[0]])
        if label == 0 or not gemeenten.geometry.iloc[label - 1].contains(Point(x, y)):
            continue
        size = int(rng.choice((20, 35, 50, 80, 120, 180, 250, 300), p=(
            0.18, 0.2, 0.2, 0.16, 0.12, 0.07, 0.04, 0.03)))
        word = PROJECT_WORDS[n % len(PROJECT_WORDS)]
        rows.append(
            {
                "woningen": size,
                "status": "gepland",
                "naam": f"Project {word} {deel['naam'].iloc[loc]}",
                "gemeente": gemeenten["naam"].iloc[label - 1],
                "nis": gemeenten["nis"].iloc[label - 1],
                "x": x,
                "y": y,
            }
        )
    return pd.DataFrame(rows)


def _population_grid(
    housing: gpd.GeoDataFrame, grid: _Grid, household: float
) -> np.ndarray:
    """Inhabitants per cell: existing dwellings times the household size."""
    existing = housing[housing["status"] == "bestaand"]
    row, col = _cells(grid, existing.geometry.x.to_numpy(), existing.geometry.y.to_numpy())
    out = np.zeros((grid.height, grid.width), dtype=np.float64)
    np.add.at(out, (row, col), existing["woningen"].to_numpy() * household)
    return out.astype(np.float32)


def _mobipunten(
    stations: gpd.GeoDataFrame,
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    *,
    interregional_trains: float = 200.0,
) -> gpd.GeoDataFrame:
    """Hoppinpunten at the region's stations and main centres (illustrative)."""
    rows: list[dict[str, Any]] = []
    nis_of = dict(zip(deel["gemeente"], deel["nis"], strict=False))
    in_region = stations[stations["in_regio"]].sort_values("treinen_per_dag", ascending=False)
    for st in in_region.itertuples(index=False):
        big = st.treinen_per_dag >= interregional_trains
        items = ["trein"]
        if st.bus:
            items.append("bus")
        items += ["deelfiets", "fietsenstalling"]
        if big:
            items += ["deelauto", "taxi"]
        rows.append(
            {
                "naam": f"Hoppinpunt {st.naam} station",
                "type": "interregionaal" if big else "regionaal",
                "aanbod": ", ".join(items),
                "gemeente": st.gemeente,
                "nis": nis_of.get(st.gemeente, ""),
                "geometry": st.geometry,
            }
        )
    station_tree = cKDTree(np.column_stack([in_region.geometry.x, in_region.geometry.y]))
    order = np.argsort(-loc_pop, kind="stable")
    for loc in order:
        item = deel.iloc[loc]
        dist = station_tree.query((item.geometry.x, item.geometry.y))[0]
        if dist < 900.0:
            continue  # served by the station hub
        main = item["naam"] == item["gemeente"]
        if main:
            kind, offer = "regionaal", "bus, deelfiets, deelauto, fietsenstalling"
        elif loc_pop[loc] >= LOKAAL_MIN_INHABITANTS:
            kind, offer = "lokaal", "bus, deelfiets, deelauto, fietsenstalling"
        elif loc_pop[loc] >= BUURT_MIN_INHABITANTS:
            kind, offer = "buurt", "deelfiets, fietsenstalling"
        else:
            continue
        suffix = "centrum" if main else "dorpskern"
        rows.append(
            {
                "naam": f"Hoppinpunt {item['naam']} {suffix}",
                "type": kind,
                "aanbod": offer,
                "gemeente": item["gemeente"],
                "nis": item["nis"],
                "geometry": item.geometry,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    rank = frame["type"].map({"interregionaal": 0, "regionaal": 1, "lokaal": 2, "buurt": 3})
    frame = frame.assign(_r=rank).sort_values(["_r", "naam"], kind="stable").drop(columns="_r")
    frame.insert(0, "mobipunt_id", [f"MP-{i:03d}" for i in range(1, len(frame) + 1)])
    frame["source"] = ILLUSTRATIVE
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------
# Provenance, NOTICE, writing
# --------------------------------------------------------------------------


def _provenance(household: float, seed: int) -> pd.DataFrame:
    gen = f"gegenereerd door slimmeregio.resources.build (seed {seed})"
    rows = [
        ("gemeenten", "Gemeenten Halle-Vilvoorde", "Statbel REFNIS / Belgium-Map (belgium-municipalities.topojson)", "CC0 1.0", "2020-01-01", "echt",
         "Grenzen vereenvoudigd (fouten van enkele honderden meter langs grenzen); inwoners op 1 januari 2020.",
         "Boundaries simplified (errors of a few hundred metres along borders); population on 1 January 2020.", CC0_ATTRIBUTION),
        ("brussel", "Gemeenten Brussels Hoofdstedelijk Gewest", "Statbel REFNIS / Belgium-Map (belgium-municipalities.topojson)", "CC0 1.0", "2020-01-01", "echt",
         "Alleen ter oriëntatie en als bestemming; Brussel wordt niet geanalyseerd.",
         "For orientation and as a destination only; Brussels is not analysed.", CC0_ATTRIBUTION),
        ("deelgemeenten", "Deelgemeenten (postcodes)", "bpost postcodelijst, coördinaten OpenStreetMap (belgium-postcode-localities.csv)", "ODbL 1.0", "2020", "echt",
         "Geocodeerde kern van de deelgemeente, geen grens. Gemeente bepaald via de postcode; Franse namen vertaald; twee foutief gegeocodeerde punten (Hamme, Berg) benaderd.",
         "Geocoded centre of the locality, not a boundary. Municipality taken from the postcode; French names translated; two mis-geocoded points (Hamme, Berg) approximated.", OSM_ATTRIBUTION),
        ("stations", "Treinstations", "iRail stations en faciliteiten (belgium-rail-stations.csv, belgium-rail-station-facilities.csv)", "CC0 1.0", "2020", "echt",
         "Stations in de regio, tot 5 km buiten de grens en alle Brusselse stations. treinen_per_dag is het gemiddelde aantal stoppende treinen; fietsenstalling is 1 als er een stalling is.",
         "Stations in the region, up to 5 km beyond its border and all Brussels stations. treinen_per_dag is the average number of stopping trains; fietsenstalling is 1 if there is bicycle parking.", IRAIL_ATTRIBUTION),
        ("fietsnetwerk", "Fietsnetwerk (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         "Illustratief fietsnetwerk, gegenereerd uit echte kernen en stations; geen echt routenetwerk. Laad een echt netwerk (OpenStreetMap, Vlaamse open data) voor beslissingen.",
         "Illustrative bike network generated from real centres and stations; not a real route network. Load a real network (OpenStreetMap, Flemish open data) for decisions.", OSM_ATTRIBUTION),
        ("woningen", "Woningen (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         f"Illustratieve woningspreiding: per gemeente inwoners / {household:g} personen per woning, verdeeld langs de lokale straten; geplande projecten zijn fictief en tellen niet mee in de bevolking.",
         f"Illustrative housing distribution: per municipality inhabitants / {household:g} persons per dwelling, spread along local streets; planned projects are fictitious and not counted in the population.", OSM_ATTRIBUTION),
        ("mobipunten", "Mobipunten (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         "Illustratieve set Hoppinpunten aan stations en kernen; geen officiële inventaris.",
         "Illustrative set of Hoppinpunten at stations and centres; not an official inventory.", OSM_ATTRIBUTION),
        ("bevolking_100m", "Bevolking per 100 m (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         f"Illustratief bevolkingsraster: bestaande woningen x {household:g} personen, per cel van 100 m.",
         f"Illustrative population grid: existing dwellings x {household:g} persons, per 100 m cell.", OSM_ATTRIBUTION),
    ]  # fmt: skip
    columns = ["layer", "title_nl", "source", "licence", "date", "kind", "note_nl", "note_en", "attribution"]
    return pd.DataFrame(rows, columns=columns)


NOTICE_TEXT = """\
Slimme Regio Planner - embedded Halle-Vilvoorde region
=======================================================

region.gpkg and bevolking_100m.tif are built by slimmeregio.resources.build
from the open-data files in sources/ (see sources/SOURCES.md).

Real data
---------
* Municipal boundaries, names, NIS codes and population (1 January 2020):
  Statbel (REFNIS, population statistics) and the Belgium-Map project.
  Licence: CC0 1.0 (public domain dedication).
* Rail stations, average number of stopping trains and station facilities:
  iRail stations project (https://github.com/iRail/stations).
  Licence: CC0 1.0 (public domain dedication).
* Postcode localities (deelgemeenten): bpost postcode list; coordinates
  geocoded from OpenStreetMap.
  Attribution: © OpenStreetMap contributors, ODbL 1.0
  (https://www.openstreetmap.org/copyright). The deelgemeenten layer is a
  derived database made available under the ODbL 1.0.

Illustrative data (NOT real)
----------------------------
The layers fietsnetwerk, woningen, mobipunten and the raster
bevolking_100m are generated deterministically from the real anchors above.
They illustrate the method and must not be read as the real bike network,
housing stock or Hoppinpunt inventory. Each feature carries a `source`
attribute saying so; the provenance table in region.gpkg lists every layer.
Because they are placed around the OpenStreetMap-geocoded locality centres,
they are derived from the deelgemeenten layer and carry the same attribution:
© OpenStreetMap contributors, ODbL 1.0.

Third-party software
--------------------
* Leaflet 1.9.4 (https://leafletjs.com), in vendor/leaflet/: the JavaScript
  map library inlined into exported web maps so they open offline.
  Copyright (c) 2010-2023, Volodymyr Agafonkin; (c) 2010-2011, CloudMade.
  Licence: BSD 2-Clause (full text in vendor/leaflet/LICENSE).
  Unchanged copies of dist/leaflet.js, dist/leaflet.css and dist/images/
  from the npm package leaflet@1.9.4.
"""


def _notice() -> str:
    """NOTICE_TEXT with the opportunity layers' paragraph after the illustrative section."""
    head, sep, tail = NOTICE_TEXT.partition("Third-party software")
    return f"{head}{NOTICE_PARAGRAPH}\n{sep}{tail}"


def _write_gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame], provenance: pd.DataFrame) -> None:
    import pyogrio

    # A fixed timestamp in gpkg_contents makes the file byte-reproducible.
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
        pyogrio.write_dataframe(provenance, path, layer="provenance", driver="GPKG", append=True)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    # Compact the pages the layer-by-layer writing left half-empty.
    connection = sqlite3.connect(path)
    try:
        connection.execute("VACUUM")
    finally:
        connection.close()


def _write_tif(path: Path, data: np.ndarray, grid: _Grid) -> None:
    import rasterio

    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": CRS,
        "transform": grid.transform,
        "compress": "deflate",
        "predictor": 3,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "zlevel": 9,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, units="inwoners per cel van 100 m", note="illustratief")


def _copy_sources(source_dir: Path, out_dir: Path) -> None:
    target = out_dir / "sources"
    if target.resolve() == source_dir.resolve():
        return
    target.mkdir(parents=True, exist_ok=True)
    for name in (*SOURCE_FILES, "SOURCES.md"):
        if (source_dir / name).is_file():
            shutil.copyfile(source_dir / name, target / name)


def build_region(
    source_dir: str | Path,
    out_dir: str | Path | None = None,
    *,
    household_size: float = DEFAULT_HOUSEHOLD_SIZE,
    seed: int = DEFAULT_SEED,
    copy_sources: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> BuildResult:
    """Build the embedded region files from the open-data sources.

    Parameters
    ----------
    source_dir
        Folder with the files of :data:`SOURCE_FILES`.
    out_dir
        Where ``region.gpkg``, ``bevolking_100m.tif`` and ``NOTICE`` go
        (default: the resources package folder). Existing files are replaced
        atomically, only after the whole build succeeded.
    household_size
        Persons per dwelling, to turn population into dwellings.
    seed
        Seed of the illustrative generators; the same seed and sources give
        the same features.
    copy_sources
        Copy the source files, unchanged, into ``<out_dir>/sources``.
    progress, cancel
        See :class:`slimmeregio.layers.progress.Task`.
    """
    task = Task(progress, cancel)
    source = Path(source_dir)
    out = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent
    _require(source)
    if household_size <= 0:
        raise ValueError("household_size must be positive")
    rng = np.random.default_rng(seed)

    task.report(0.0, "reading sources")
    municipalities = _read_municipalities(source)
    gemeenten = _municipal_layer(municipalities, ARRONDISSEMENT)
    brussel = _municipal_layer(municipalities, BRUSSELS)
    region = shapely.union_all(gemeenten.geometry.to_numpy())
    brussels = shapely.union_all(brussel.geometry.to_numpy())
    localities = _read_localities(source)
    deel = _deelgemeenten(localities, gemeenten)
    stations = _stations(_read_stations(source), municipalities, region)
    localities["naam"] = _dutch_names(localities["naam"], municipalities)
    loc_pop = _locality_population(deel, gemeenten)

    network, _ = _network(
        deel, loc_pop, stations, localities, region, brussels, rng, task.sub(0.05, 0.7)
    )
    task.report(0.75, "housing")
    grid = _grid(gemeenten.total_bounds)
    cells = _municipality_grid(gemeenten, grid)
    woningen = _housing(network, deel, loc_pop, gemeenten, cells, grid, household_size, rng)
    raster = _population_grid(woningen, grid, household_size)
    mobipunten = _mobipunten(stations, deel, loc_pop)
    task.report(0.9, "writing")

    layers = {
        "gemeenten": gemeenten,
        "brussel": brussel,
        "deelgemeenten": deel,
        "stations": stations,
        "fietsnetwerk": network.drop(columns="_loc"),
        "woningen": woningen,
        "mobipunten": mobipunten,
        **opportunity_layers(gemeenten, brussel, deel, loc_pop, stations, network),
    }
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        tmp_dir = Path(tmp)
        provenance = pd.concat([_provenance(household_size, seed), opportunity_provenance(seed)], ignore_index=True)
        _write_gpkg(tmp_dir / "region.gpkg", layers, provenance)
        _write_tif(tmp_dir / "bevolking_100m.tif", raster, grid)
        (tmp_dir / "NOTICE").write_text(_notice(), encoding="utf-8")
        task.check()
        for name in ("region.gpkg", "bevolking_100m.tif", "NOTICE"):
            os.replace(tmp_dir / name, out / name)
    if copy_sources:
        _copy_sources(source, out)
    task.report(1.0, "done")
    counts = {name: len(frame) for name, frame in layers.items()}
    return BuildResult(out / "region.gpkg", out / "bevolking_100m.tif", out / "NOTICE", counts)


def render_preview(
    gpkg: str | Path,
    png: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    title: str = "Halle-Vilvoorde: ingebedde regio",
    size: tuple[float, float] = (12.0, 10.0),
    dpi: int = 110,
) -> Path:
    """Draw every vector layer of ``gpkg`` to ``png`` (matplotlib Figure, no pyplot).

    ``bbox`` (xmin, ymin, xmax, ymax in EPSG:31370) zooms in on a part.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    colours = {"fietssnelweg": "#c2185b", "bovenlokaal": "#ef6c00", "lokaal": "#9e9e9e"}
    widths = {"fietssnelweg": 2.2, "bovenlokaal": 1.1, "lokaal": 0.3}
    hubs = {"interregionaal": "#0d47a1", "regionaal": "#1976d2", "lokaal": "#26a69a", "buurt": "#9ccc65"}
    read = {name: gpd.read_file(gpkg, layer=name) for name in (
        "gemeenten", "brussel", "fietsnetwerk", "woningen", "stations", "mobipunten", "deelgemeenten")}  # fmt: skip
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    read["brussel"].plot(ax=ax, color="#e8e4f0", edgecolor="#9575cd", linewidth=0.5)
    read["gemeenten"].plot(ax=ax, color="#f5f3ee", edgecolor="#6b6b6b", linewidth=0.7)
    net = read["fietsnetwerk"]
    for klasse in ("lokaal", "bovenlokaal", "fietssnelweg"):
        part = net[net["klasse"] == klasse]
        part.plot(ax=ax, color=colours[klasse], linewidth=widths[klasse], zorder=2)
    woning = read["woningen"]
    existing = woning[woning["status"] == "bestaand"]
    existing.plot(ax=ax, color="#8d6e63", markersize=existing["woningen"] * 0.15, alpha=0.5, zorder=3)
    woning[woning["status"] == "gepland"].plot(ax=ax, color="#7b1fa2", marker="s", markersize=18, zorder=4)
    read["stations"].plot(ax=ax, color="#212121", marker="s", markersize=14, zorder=5)
    mobi = read["mobipunten"]
    for kind, colour in hubs.items():
        part = mobi[mobi["type"] == kind]
        if len(part):
            part.plot(ax=ax, color=colour, edgecolor="white", markersize=60, zorder=6)
    if bbox is not None:
        ax.set_xlim(bbox[0], bbox[2])
        ax.set_ylim(bbox[1], bbox[3])
        deel = read["deelgemeenten"].cx[bbox[0] : bbox[2], bbox[1] : bbox[3]]
        for row in deel.itertuples(index=False):
            ax.annotate(row.naam, (row.geometry.x, row.geometry.y), fontsize=8, zorder=7,
                        xytext=(4, 4), textcoords="offset points")  # fmt: skip
        st = read["stations"].cx[bbox[0] : bbox[2], bbox[1] : bbox[3]]
        for row in st.itertuples(index=False):
            ax.annotate(row.naam, (row.geometry.x, row.geometry.y), fontsize=7, color="#212121",
                        xytext=(4, -9), textcoords="offset points", zorder=7)  # fmt: skip
    else:
        gem = read["gemeenten"]
        for row in gem.itertuples(index=False):
            pt = row.geometry.representative_point()
            ax.annotate(row.naam, (pt.x, pt.y), fontsize=7, color="#37474f", ha="center", zorder=7)
    handles = [Line2D([], [], color=c, lw=widths[k] + 0.5, label=k) for k, c in colours.items()]
    handles += [Line2D([], [], color=c, marker="o", lw=0, label=f"mobipunt {k}") for k, c in hubs.items()]
    handles += [Line2D([], [], color="#212121", marker="s", lw=0, label="station"),
                Line2D([], [], color="#8d6e63", marker="o", lw=0, label="woningen (bestaand)"),
                Line2D([], [], color="#7b1fa2", marker="s", lw=0, label="woningen (gepland)")]  # fmt: skip
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.9)
    ax.set_title(f"{title}\nfietsnetwerk, woningen en mobipunten zijn illustratief", fontsize=10)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(png)
    return Path(png)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m slimmeregio.resources.build SOURCE_DIR [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m slimmeregio.resources.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("source_dir", help="folder with the open-data source files")
    parser.add_argument("--out", default=None, help="output folder (default: the package)")
    parser.add_argument("--household-size", type=float, default=DEFAULT_HOUSEHOLD_SIZE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if not args.household_size > 0:
        parser.error("--household-size must be a positive number of persons per dwelling")
    from slimmeregio.layers.errors import SlimmeRegioError

    try:
        result = build_region(
            args.source_dir, args.out, household_size=args.household_size, seed=args.seed
        )
    except SlimmeRegioError as error:
        print(f"build: {error.full_message('en')}", file=sys.stderr)
        return 2
    for name, count in result.counts.items():
        print(f"{name}: {count}")
    print(f"written: {result.gpkg}, {result.raster}, {result.notice}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
