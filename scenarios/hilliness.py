"""Hilliness from a digital elevation model: link gradients and route gradients (PCT's definition).

When the project has a layer with the role ``hoogtemodel`` (a GeoTIFF of
elevations in metres, any CRS the reader supports), every edge of the bike
network is sampled at most :data:`SAMPLE_SPACING_M` apart along its
geometry (bilinear interpolation between pixel centres) and gets its
**summed absolute rise** ``sum |z_(k+1) - z_k|`` (m) and its gradient
``100 * rise / length`` (%). A route's gradient is the Propensity to Cycle
Tool's *mean absolute gradient*: the summed absolute rise of the edges (and
edge parts) it rides divided by its length, accumulated along the same
route trees as its distance (:mod:`.route_sums`). Connectors from a point to
the network count as flat. The cycling uptake
(:func:`~slimmeregio.scenarios.commuting.uptake`) then uses it.

A DEM that cannot be meant as elevations in metres of the region is
refused with an :class:`~slimmeregio.layers.errors.ElevationModelError`:
no coordinate system, nothing but no-data, outside the network, values no
terrain on Earth has, or a network so steep on average that the values
must be in another unit (centimetres, feet) or the CRS wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from slimmeregio.layers.errors import ElevationModelError
from slimmeregio.layers.model import ANALYSIS_CRS, Project, RasterData
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.route_sums import route_sums

if TYPE_CHECKING:
    from slimmeregio.scenarios.commuting import RouteTrees

__all__ = [
    "MAX_MEAN_GRADIENT_PCT",
    "MIN_COVERAGE",
    "SAMPLE_SPACING_M",
    "Elevation",
    "RiseProfile",
    "commute_gradients",
    "edge_gradients",
    "edge_rise",
    "elevation_of",
    "rise_profile",
    "route_gradients",
    "sample_elevation",
]

#: Largest distance (m) between two elevation samples along an edge.
SAMPLE_SPACING_M = 10.0
#: Elevations outside this range (m) exist nowhere on land: another unit.
ELEVATION_RANGE_M = (-450.0, 9000.0)
#: A network steeper than this on average (%) means a wrong unit or CRS
#: (the steepest Belgian cycling streets are 10-20 % over a few hundred metres).
MAX_MEAN_GRADIENT_PCT = 25.0
#: Share of the elevation samples along the network the DEM must cover.
MIN_COVERAGE = 0.5


@dataclass(frozen=True, eq=False)
class Elevation:
    """A DEM read into memory: elevations (m, NaN = no data), its affine
    transform and CRS, and the layer's name for messages."""

    values: np.ndarray
    transform: Any
    crs: str
    name: str


def _refuse(name: str, nl: str, en: str) -> ElevationModelError:
    return ElevationModelError(layer=name, reason={"nl": nl, "en": en})


def elevation_of(project: Project) -> Elevation | None:
    """The project's elevation model (first layer with the role), or None without one."""
    layer = project.layers.first(Role.ELEVATION)
    if layer is None:
        return None
    if not isinstance(layer.data, RasterData):
        raise _refuse(
            layer.name,
            "dit is geen raster; een hoogtemodel is een GeoTIFF met hoogtes in meter",
            "this is not a raster; an elevation model is a GeoTIFF of elevations in metres",
        )
    raster = layer.data
    if not raster.crs:
        raise _refuse(
            layer.name,
            "het raster heeft geen coördinatenstelsel",
            "the raster has no coordinate system",
        )
    band = raster.read(1)
    values = np.ma.filled(np.ma.asarray(band).astype(float), np.nan)
    values = np.where(np.isfinite(values), values, np.nan)
    if raster.nodata is not None and np.isfinite(raster.nodata):
        values = np.where(values == raster.nodata, np.nan, values)
    if not np.isfinite(values).any():
        raise _refuse(
            layer.name,
            "het raster bevat alleen 'geen gegevens'",
            "the raster holds nothing but no-data",
        )
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    if low < ELEVATION_RANGE_M[0] or high > ELEVATION_RANGE_M[1]:
        raise _refuse(
            layer.name,
            f"hoogtes van {low:g} tot {high:g} bestaan niet in meter (centimeter of voet?)",
            f"elevations from {low:g} to {high:g} do not exist in metres (centimetres or feet?)",
        )
    return Elevation(values, raster.transform, str(raster.crs), layer.name)


def sample_elevation(elevation: Elevation, xy: np.ndarray) -> np.ndarray:
    """Elevation (m) at points ``xy`` (EPSG:31370): bilinear between pixel
    centres, the nearest pixel where a neighbour has no data, NaN outside."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    x, y = xy[:, 0], xy[:, 1]
    if elevation.crs != ANALYSIS_CRS:
        from slimmeregio.layers.osm_clip import transformer

        x, y = transformer(ANALYSIS_CRS, elevation.crs).transform(x, y)
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    values = elevation.values
    height, width = values.shape
    inv = ~elevation.transform
    col = inv.a * x + inv.b * y + inv.c
    row = inv.d * x + inv.e * y + inv.f
    inside = (col >= 0) & (col <= width) & (row >= 0) & (row <= height)
    # Pixel-centre coordinates, clamped to the outer centres.
    cx = np.clip(col - 0.5, 0.0, width - 1.0)
    cy = np.clip(row - 0.5, 0.0, height - 1.0)
    c0 = np.clip(np.floor(cx).astype(np.int64), 0, max(width - 2, 0))
    r0 = np.clip(np.floor(cy).astype(np.int64), 0, max(height - 2, 0))
    c1 = np.minimum(c0 + 1, width - 1)
    r1 = np.minimum(r0 + 1, height - 1)
    fx, fy = cx - c0, cy - r0
    z00, z01 = values[r0, c0], values[r0, c1]
    z10, z11 = values[r1, c0], values[r1, c1]
    bilinear = (z00 * (1 - fx) + z01 * fx) * (1 - fy) + (z10 * (1 - fx) + z11 * fx) * fy
    nearest = values[
        np.clip(np.floor(row).astype(np.int64), 0, height - 1),
        np.clip(np.floor(col).astype(np.int64), 0, width - 1),
    ]
    out = np.where(np.isfinite(bilinear), bilinear, nearest)
    return np.where(inside, out, np.nan)


def _samples(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample points along every edge (at most SAMPLE_SPACING_M apart, ends
    included), the edge of each and its position (0..1) along the edge.

    The points are what ``shapely.line_interpolate_point(..., normalized=True)``
    gives, computed for all edges at once from their vertices."""
    length = np.asarray(network.length, dtype=float)
    steps = np.maximum(1, np.ceil(length / SAMPLE_SPACING_M)).astype(np.int64)
    counts = steps + 1
    owner = np.repeat(np.arange(network.n_edges, dtype=np.int64), counts)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    rank = np.arange(len(owner)) - np.repeat(starts, counts)
    fraction = rank / np.repeat(steps, counts)
    coords, vertex_edge = shapely.get_coordinates(
        np.asarray(network.geometry, dtype=object), return_index=True
    )
    n_vertices = np.bincount(vertex_edge, minlength=network.n_edges)
    first = np.r_[0, np.cumsum(n_vertices)[:-1]]
    # Position of every vertex along its edge, all edges laid end to end.
    segment = np.hypot(*np.diff(coords, axis=0).T)
    segment = np.where(vertex_edge[1:] == vertex_edge[:-1], segment, 0.0)
    position = np.r_[0.0, np.cumsum(segment)]
    begin = position[first]
    span = position[first + n_vertices - 1] - begin
    target = begin[owner] + fraction * span[owner]
    low = first[owner]
    seg = np.clip(
        np.searchsorted(position, target, side="right") - 1,
        low,
        low + np.maximum(n_vertices[owner] - 2, 0),
    )
    nxt = np.minimum(seg + 1, len(coords) - 1)
    gap = position[nxt] - position[seg]
    t = np.clip(
        np.divide(target - position[seg], gap, out=np.zeros_like(gap), where=gap > 0), 0.0, 1.0
    )
    xy = coords[seg] + t[:, None] * (coords[nxt] - coords[seg])
    return xy, owner, fraction


@dataclass(frozen=True, eq=False)
class RiseProfile:
    """The summed absolute rise along every edge: ``total`` per edge and,
    per sample, ``key`` (edge number x 2 + position) and the rise from the
    edge's ``u`` end up to it (``cumulative``), for the parts of edges."""

    elevation: Elevation
    total: np.ndarray
    key: np.ndarray
    cumulative: np.ndarray

    def to_frac(self, edges: np.ndarray, frac: np.ndarray) -> np.ndarray:
        """Rise (m) from each edge's ``u`` end to position ``frac`` along it."""
        where = 2.0 * np.asarray(edges, dtype=float) + np.clip(np.asarray(frac, float), 0.0, 1.0)
        # Linear between the samples around each position (np.interp would
        # prepare the whole profile per call).
        right = np.clip(np.searchsorted(self.key, where, side="left"), 1, len(self.key) - 1)
        left = right - 1
        gap = self.key[right] - self.key[left]
        t = np.clip(
            np.divide(where - self.key[left], gap, out=np.zeros_like(gap), where=gap > 0), 0.0, 1.0
        )
        return self.cumulative[left] + t * (self.cumulative[right] - self.cumulative[left])


def rise_profile(network: Network, elevation: Elevation) -> RiseProfile:
    """The :class:`RiseProfile` of ``network`` (kept in its cache); see :func:`edge_rise`."""
    key = ("rise_profile", id(elevation))
    cached = network.cache.get(key)
    if isinstance(cached, RiseProfile) and cached.elevation is elevation:
        return cached
    if network.n_edges == 0:
        empty = np.zeros(0)
        return RiseProfile(elevation, empty, empty, empty)
    xy, owner, fraction = _samples(network)
    z = sample_elevation(elevation, xy)
    ok = np.isfinite(z)
    coverage = float(ok.mean()) if len(ok) else 0.0
    if coverage < MIN_COVERAGE:
        raise _refuse(
            elevation.name,
            f"het raster dekt maar {100 * coverage:.0f} % van het fietsnetwerk "
            "(ligt het buiten de regio, of klopt het coördinatenstelsel niet?)",
            f"the raster covers only {100 * coverage:.0f} % of the bike network "
            "(does it lie outside the region, or is its coordinate system wrong?)",
        )
    # Each valid sample adds |dz| from the previous valid sample of its edge.
    valid = np.flatnonzero(ok)
    inc = np.zeros(len(z))
    same = owner[valid[1:]] == owner[valid[:-1]]
    inc[valid[1:][same]] = np.abs(np.diff(z[valid]))[same]
    running = np.cumsum(inc)
    counts = np.bincount(owner, minlength=network.n_edges)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    cumulative = running - np.repeat(running[starts], counts)
    total = cumulative[starts + counts - 1]
    covered = np.bincount(owner[ok], minlength=network.n_edges) > 0
    total_length = float(network.length[covered].sum())
    mean = 100.0 * float(total.sum()) / total_length if total_length > 0 else 0.0
    if mean > MAX_MEAN_GRADIENT_PCT:
        raise _refuse(
            elevation.name,
            f"het fietsnetwerk zou gemiddeld {mean:.0f} % steil zijn: staan de hoogtes in "
            "meter en klopt het coördinatenstelsel?",
            f"the bike network would be {mean:.0f} % steep on average: are the elevations "
            "in metres and is the coordinate system right?",
        )
    profile = RiseProfile(elevation, total, 2.0 * owner + fraction, cumulative)
    network.cache[key] = profile
    return profile


def edge_rise(network: Network, elevation: Elevation) -> np.ndarray:
    """Per edge: the summed absolute rise (m) along its geometry.

    Samples without data are skipped (the rise is taken between the valid
    samples on either side of a gap); an edge without any sample in the DEM
    gets 0. Raises :class:`ElevationModelError` when the DEM covers less
    than :data:`MIN_COVERAGE` of the samples, or the network's mean gradient
    exceeds :data:`MAX_MEAN_GRADIENT_PCT`.
    """
    return rise_profile(network, elevation).total


def edge_gradients(network: Network, elevation: Elevation) -> np.ndarray:
    """Per edge: the mean absolute gradient (%) = 100 x summed absolute rise / length."""
    rise = edge_rise(network, elevation)
    length = np.asarray(network.length, dtype=float)
    return np.divide(100.0 * rise, length, out=np.zeros_like(rise), where=length > 0)


def route_gradients(
    trees: RouteTrees,
    network: Network,
    elevation: Elevation,
    *,
    length_m: np.ndarray | None = None,
) -> np.ndarray:
    """``(sources, destinations)``: each route's mean absolute gradient (%),
    its summed absolute rise over its length (connectors flat); 0 without a route.

    ``network``: the network the trees were searched on (the same edges);
    ``length_m``: the routes' lengths when known (else summed here).
    """
    profile = rise_profile(network, elevation)
    total = route_sums(trees, profile.total, part=profile.to_frac)
    if length_m is None:
        length_m = route_sums(trees, np.asarray(network.length, dtype=float), connector=1.0)
    ok = np.isfinite(total) & np.isfinite(length_m) & (length_m > 0)
    safe = np.where(ok, length_m, 1.0)
    return np.where(ok, 100.0 * np.nan_to_num(total) / safe, 0.0)


def commute_gradients(
    trees: RouteTrees,
    network: Network,
    elevation: Elevation | None,
    *,
    length_m: np.ndarray | None = None,
) -> tuple[np.ndarray | float, np.ndarray | None]:
    """The commuting routes' gradients (%) and the edges' (None without a DEM:
    the routes then count as flat, gradient 0)."""
    if elevation is None:
        return 0.0, None
    return (
        route_gradients(trees, network, elevation, length_m=length_m),
        edge_gradients(network, elevation),
    )
