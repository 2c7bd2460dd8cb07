"""The region's other illustrative layers: housing, the 100 m population grid and mobipunten, placed deterministically around the real anchors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import Point

from slimmeregio.resources.build_config import (
    BUURT_MIN_INHABITANTS,
    CELL,
    CRS,
    ILLUSTRATIVE,
    LOKAAL_MIN_INHABITANTS,
    MEAN_BLOCK,
    PROJECT_WORDS,
    RIBBON_SHARE,
)

# --------------------------------------------------------------------------
# Illustrative housing, population grid, mobipunten
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """The 100 m population grid: its affine transform and size in cells."""

    transform: Any
    width: int
    height: int


def make_grid(bounds: Sequence[float]) -> Grid:
    """A grid of CELL-metre cells covering ``bounds`` with one cell of margin."""
    from rasterio.transform import from_origin

    x0 = math.floor(bounds[0] / CELL) * CELL - CELL
    y1 = math.ceil(bounds[3] / CELL) * CELL + CELL
    x1 = math.ceil(bounds[2] / CELL) * CELL + CELL
    y0 = math.floor(bounds[1] / CELL) * CELL - CELL
    return Grid(from_origin(x0, y1, CELL, CELL), int((x1 - x0) / CELL), int((y1 - y0) / CELL))


def make_municipality_grid(gemeenten: gpd.GeoDataFrame, grid: Grid) -> np.ndarray:
    """Index+1 of the municipality whose polygon holds each cell centre (0 = none)."""
    from rasterio.features import rasterize

    shapes = [(g, i + 1) for i, g in enumerate(gemeenten.geometry)]
    return rasterize(
        shapes, out_shape=(grid.height, grid.width), transform=grid.transform, fill=0, dtype="int32"
    )


def _cells(grid: Grid, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def make_housing(
    network: gpd.GeoDataFrame,
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    gemeenten: gpd.GeoDataFrame,
    cells: np.ndarray,
    grid: Grid,
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
        pts = shapely.get_coordinates(
            shapely.line_interpolate_point(geoms[pick], t, normalized=True)
        )
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
            shapely.line_interpolate_point(
                r_geoms[pick], np.minimum(t + 0.02, 1.0), normalized=True
            )
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
    grid: Grid,
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
        size = int(
            rng.choice(
                (20, 35, 50, 80, 120, 180, 250, 300),
                p=(0.18, 0.2, 0.2, 0.16, 0.12, 0.07, 0.04, 0.03),
            )
        )
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


def make_population_grid(housing: gpd.GeoDataFrame, grid: Grid, household: float) -> np.ndarray:
    """Inhabitants per cell: existing dwellings times the household size."""
    existing = housing[housing["status"] == "bestaand"]
    row, col = _cells(grid, existing.geometry.x.to_numpy(), existing.geometry.y.to_numpy())
    out = np.zeros((grid.height, grid.width), dtype=np.float64)
    np.add.at(out, (row, col), existing["woningen"].to_numpy() * household)
    return out.astype(np.float32)


def make_mobipunten(
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
