"""Coordinate reference systems: naming, guessing and plausibility checks.

Every layer is analysed in Belgian Lambert 72 (EPSG:31370). Files that
declare no CRS (TopoJSON, a shapefile without ``.prj``, a CSV) get one
guessed from the range of their coordinates; after reprojection, features
that fall outside Belgium are flagged with the most likely cause (swapped
latitude/longitude, a wrong coordinate system).

>>> guess_crs([4.35, 4.40], [50.85, 50.90])
'EPSG:4326'
>>> guess_crs([150_000.0], [170_000.0])
'EPSG:31370'
>>> guess_crs([650_000.0], [670_000.0])
'EPSG:3812'
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from slimmeregio.layers.errors import InvalidCrsError
from slimmeregio.layers.i18n import N_, tr

_log = logging.getLogger(__name__)

__all__ = [
    "BELGIUM_BOUNDS",
    "BELGIUM_MARGIN",
    "CANDIDATES",
    "CrsCandidate",
    "crs_label",
    "crs_to_string",
    "diagnose_outside",
    "guess_crs",
    "inside_belgium",
    "looks_swapped",
    "share_in_belgium",
    "normalize_crs",
]

#: Belgium's bounding box in EPSG:31370 (x min, y min, x max, y max), metres.
BELGIUM_BOUNDS: tuple[float, float, float, float] = (22_900.0, 21_100.0, 295_200.0, 244_000.0)

#: How far outside :data:`BELGIUM_BOUNDS` a feature may lie and still count as
#: plausible (border regions, foreign stations just over the border), metres.
BELGIUM_MARGIN = 30_000.0

#: Share of features that must fit a candidate's range for a guess.
_GUESS_SHARE = 0.5


@dataclass(frozen=True)
class CrsCandidate:
    """A CRS that Belgian data is commonly delivered in, with the range of
    coordinates (generous around Belgium) that identifies it."""

    code: str
    #: Dutch name (``tr`` gives the English).
    label: str
    box: tuple[float, float, float, float]


#: Candidates for guessing, in order of preference when ranges overlap.
CANDIDATES: tuple[CrsCandidate, ...] = (
    CrsCandidate(
        "EPSG:4326",
        N_("WGS84 lengte/breedte"),
        (-180.0, -90.0, 180.0, 90.0),
    ),
    CrsCandidate(
        "EPSG:31370",
        N_("Belgische Lambert 72"),
        (-100_000.0, -100_000.0, 400_000.0, 350_000.0),
    ),
    CrsCandidate(
        "EPSG:3812",
        N_("Belgische Lambert 2008"),
        (400_000.0, 400_000.0, 900_000.0, 850_000.0),
    ),
    CrsCandidate(
        "EPSG:3857",
        N_("Web Mercator"),
        (100_000.0, 6_200_000.0, 900_000.0, 6_900_000.0),
    ),
    CrsCandidate(
        "EPSG:32631",
        N_("UTM zone 31N"),
        (300_000.0, 5_400_000.0, 900_000.0, 5_800_000.0),
    ),
    CrsCandidate(
        "EPSG:3035",
        N_("ETRS89 LAEA Europa"),
        (3_600_000.0, 2_800_000.0, 4_200_000.0, 3_300_000.0),
    ),
)

_ALIASES = {
    "lambert72": "EPSG:31370",
    "lambert_72": "EPSG:31370",
    "l72": "EPSG:31370",
    "bd72": "EPSG:31370",
    "lambert2008": "EPSG:3812",
    "lambert_2008": "EPSG:3812",
    "l08": "EPSG:3812",
    "wgs84": "EPSG:4326",
    "lonlat": "EPSG:4326",
    "webmercator": "EPSG:3857",
}


def _arrays(x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    ok = np.isfinite(xs) & np.isfinite(ys)
    return xs[ok], ys[ok]


def _share_in(xs: NDArray[np.float64], ys: NDArray[np.float64], box: Sequence[float]) -> float:
    if xs.size == 0:
        return 0.0
    inside = (xs >= box[0]) & (xs <= box[2]) & (ys >= box[1]) & (ys <= box[3])
    return float(inside.mean())


def guess_crs(x: ArrayLike, y: ArrayLike) -> str | None:
    """Guess the CRS of coordinates from their range.

    Parameters
    ----------
    x, y
        One coordinate pair per feature (e.g. bounding-box centres).

    Returns
    -------
    str or None
        ``EPSG:...`` of the first candidate in :data:`CANDIDATES` that holds at
        least half of the points, or None when none fits.
    """
    xs, ys = _arrays(x, y)
    if xs.size == 0:
        return None
    for candidate in CANDIDATES:
        if _share_in(xs, ys, candidate.box) >= _GUESS_SHARE:
            return candidate.code
    return None


@functools.lru_cache(maxsize=32)
def _transformer(crs: str) -> Transformer:
    # Building a transformer takes tens of milliseconds: build each once.
    return Transformer.from_crs(crs, "EPSG:31370", always_xy=True)


def _to_lambert(
    xs: NDArray[np.float64], ys: NDArray[np.float64], crs: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    transformer = _transformer(crs)
    with np.errstate(all="ignore"):
        tx, ty = transformer.transform(xs, ys, errcheck=False)
    return np.asarray(tx, dtype=float), np.asarray(ty, dtype=float)


def inside_belgium(
    x: ArrayLike, y: ArrayLike, *, margin: float = BELGIUM_MARGIN
) -> NDArray[np.bool_]:
    """Which points (in EPSG:31370) lie within Belgium's box plus ``margin``.

    Non-finite coordinates count as outside.
    """
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    x0, y0, x1, y1 = BELGIUM_BOUNDS
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(xs)
            & np.isfinite(ys)
            & (xs >= x0 - margin)
            & (xs <= x1 + margin)
            & (ys >= y0 - margin)
            & (ys <= y1 + margin)
        )


def share_in_belgium(x: ArrayLike, y: ArrayLike, crs: str) -> float:
    """Share of the points (in ``crs``) that lie in Belgium; 0 when ``crs``
    cannot be transformed to EPSG:31370."""
    xs, ys = _arrays(x, y)
    if xs.size == 0:
        return 0.0
    try:
        tx, ty = _to_lambert(xs, ys, crs)
    except ProjError as error:  # a transformation pyproj cannot build (CRSError too): not this CRS
        _log.info("no transformation from %s to EPSG:31370: %s", crs, error)
        return 0.0
    return float(inside_belgium(tx, ty).mean())


def looks_swapped(x: ArrayLike, y: ArrayLike) -> bool:
    """True when lon/lat points read as lat/lon would lie in Belgium and as
    given would not (the usual CSV or GeoJSON mistake)."""
    xs, ys = _arrays(x, y)
    if xs.size == 0:
        return False
    as_given = share_in_belgium(xs, ys, "EPSG:4326")
    swapped = share_in_belgium(ys, xs, "EPSG:4326")
    return swapped >= _GUESS_SHARE and swapped > as_given


def diagnose_outside(x: ArrayLike, y: ArrayLike, crs: str) -> tuple[str, str] | tuple[None, None]:
    """The likely cause when points in ``crs`` fall outside Belgium.

    Returns a short Dutch and English explanation (swapped coordinates, or a
    different CRS that would place them in Belgium), or ``(None, None)``
    when neither explains it.
    """
    xs, ys = _arrays(x, y)
    if share_in_belgium(ys, xs, crs) >= _GUESS_SHARE:
        return (
            "x en y (lengte- en breedtegraad) lijken omgewisseld",
            "x and y (longitude and latitude) look swapped",
        )
    # Degrees are never read as metres and the other way round.
    degrees = _share_in(xs, ys, CANDIDATES[0].box) >= _GUESS_SHARE
    for candidate in CANDIDATES:
        if candidate.code == crs or (candidate.code == "EPSG:4326") != degrees:
            continue
        if _share_in(xs, ys, candidate.box) < _GUESS_SHARE:
            continue
        if share_in_belgium(xs, ys, candidate.code) >= _GUESS_SHARE:
            return (
                f"het coördinatenstelsel is wellicht fout; de coördinaten passen bij "
                f"{candidate.code} ({tr('nl', candidate.label)})",
                f"the coordinate system is probably wrong; the coordinates fit "
                f"{candidate.code} ({tr('en', candidate.label)})",
            )
    return None, None


def normalize_crs(crs: object) -> str:
    """A user's CRS (``31370``, ``"EPSG:3812"``, ``"lambert72"``, a pyproj
    CRS, WKT) as a string pyproj and geopandas accept, ``EPSG:n`` if possible.

    Raises
    ------
    InvalidCrsError
        When pyproj does not know it.
    """
    value: object = crs
    if isinstance(crs, str):
        key = crs.strip()
        value = _ALIASES.get(key.lower().replace(" ", "").replace("-", ""), key)
        if key.isdigit():
            value = f"EPSG:{key}"
    try:
        parsed = CRS.from_user_input(value)
    except (CRSError, TypeError, ValueError) as error:
        raise InvalidCrsError(crs=str(crs), detail=str(error)) from error
    return crs_to_string(parsed)


def crs_to_string(crs: object) -> str:
    """``EPSG:n`` when the CRS matches an EPSG code, else its WKT."""
    parsed = crs if isinstance(crs, CRS) else CRS.from_user_input(crs)
    code = parsed.to_epsg(min_confidence=70)
    if code is not None:
        return f"EPSG:{code}"
    authority = parsed.to_authority(min_confidence=70)
    if authority is not None:
        return f"{authority[0]}:{authority[1]}"
    return str(parsed.to_wkt())


def crs_label(crs: str | None, lang: str = "nl") -> str:
    """``EPSG:31370 (Belgische Lambert 72)``, or the CRS's own name."""
    if crs is None:
        return tr(lang, "onbekend")
    for candidate in CANDIDATES:
        if candidate.code == crs:
            return f"{crs} ({tr(lang, candidate.label)})"
    try:
        name = CRS.from_user_input(crs).name
    except CRSError:
        return crs
    return f"{crs} ({name})" if crs.startswith(("EPSG:", "ESRI:", "IGNF:")) else name
