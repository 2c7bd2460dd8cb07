"""The embedded Halle-Vilvoorde region as a ready-made project.

:func:`load_region` reads every layer of ``resources/region.gpkg`` and the
population grid ``resources/bevolking_100m.tif`` into :class:`Layer` objects
with their role, field mapping, style, provenance note and attribution, in a
sensible drawing order (municipalities at the bottom, locality names on top).

Real layers (``gemeenten``, ``brussel``, ``deelgemeenten``, ``stations``)
come from open data; illustrative layers (``fietsnetwerk``, ``woningen``,
``mobipunten``, ``ov_haltes``, ``bevolking_100m``) are generated (``ov_haltes``
from the real stations) and carry a note saying so,
which every screen and export shows. The ``provenance`` table of the
GeoPackage (:func:`region_provenance`, also ``REGION_PROVENANCE``) holds the
source, licence, date and Dutch and English notes of every layer.

Reading is cached per file (path and modification time); every call returns
fresh :class:`Layer` objects and copies of the frames, so a caller may change
them freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from slimmeregio.layers.errors import CorruptFileError, SourceNotFoundError
from slimmeregio.layers.gdal_safety import open_raster
from slimmeregio.layers.model import (
    ANALYSIS_CRS,
    Layer,
    LayerList,
    Project,
    ProjectSettings,
    RasterData,
    Style,
)
from slimmeregio.layers.roles import Role

__all__ = [
    "POPULATION_LAYER",
    "REGION_FIELDS",
    "REGION_LAYERS",
    "REGION_ROLES",
    "Provenance",
    "load_region",
    "region_notes",
    "region_provenance",
]

#: Name of the population-grid layer (the GeoTIFF).
POPULATION_LAYER = "bevolking_100m"

#: Layers in drawing order, bottom first.
REGION_LAYERS: tuple[str, ...] = (
    "gemeenten",
    "brussel",
    POPULATION_LAYER,
    "fietsnetwerk",
    "woningen",
    "stations",
    "ov_haltes",
    "mobipunten",
    "banen",
    "scholen",
    "deelgemeenten",
)

#: Role of each layer.
REGION_ROLES: dict[str, Role] = {
    "gemeenten": Role.MUNICIPALITIES,
    "brussel": Role.OTHER,
    POPULATION_LAYER: Role.POPULATION_GRID,
    "fietsnetwerk": Role.BIKE_NETWORK,
    "woningen": Role.HOUSING,
    "stations": Role.STATIONS,
    "ov_haltes": Role.PT_STOPS,
    "mobipunten": Role.MOBIPUNTEN,
    "banen": Role.JOBS,
    "scholen": Role.SCHOOLS,
    "deelgemeenten": Role.OTHER,
}

#: Canonical field -> column, per layer.
REGION_FIELDS: dict[str, dict[str, str]] = {
    "gemeenten": {"nis": "nis", "name": "naam", "population": "inwoners"},
    "brussel": {},
    POPULATION_LAYER: {},
    "fietsnetwerk": {
        "id": "link_id",
        "link_class": "klasse",
        "speed": "snelheid",
        "oneway": "eenrichting",
        "name": "naam",
    },
    "woningen": {"id": "woning_id", "dwellings": "woningen", "status": "status", "name": "naam"},
    "stations": {"id": "station_id", "name": "naam", "trains_per_day": "treinen_per_dag"},
    "ov_haltes": {
        "id": "stop_id",
        "name": "naam",
        "mode": "modi",
        "routes": "lijnen",
        "departures_morning_peak": "per_uur_ochtendspits",
        "departures_daytime": "per_uur_dag",
        "departures_evening_peak": "per_uur_avondspits",
        "departures_evening": "per_uur_avond",
        "ride_min_brussels": "rit_min_brussel",
        "route_rates": "per_lijn",
    },
    "mobipunten": {
        "id": "mobipunt_id",
        "name": "naam",
        "hoppin_type": "type",
        "offer": "aanbod",
        "municipality": "gemeente",
    },
    "banen": {"id": "banen_id", "jobs": "banen", "name": "naam", "sector": "soort", "zone": "zone"},
    "scholen": {"id": "school_id", "pupils": "leerlingen", "name": "naam", "level": "niveau"},
    "deelgemeenten": {},
}

#: Layers shown when the region opens (the grid is off: it duplicates housing).
# Shown on demand: the population grid, and the destination and stop layers
# (they feed the indicators, but drawn all at once they bury the network).
_HIDDEN = frozenset({POPULATION_LAYER, "banen", "scholen", "ov_haltes"})

_STYLE_OVERRIDES: dict[str, Style] = {
    "brussel": Style(kind="single", color="#ece9f3", edge_color="#9575cd", line_width=0.5),
    "deelgemeenten": Style(kind="single", color="#37474f", edge_color="#ffffff", marker_size=3.5),
}


@dataclass(frozen=True)
class Provenance:
    """Where a layer of the embedded region comes from.

    ``kind`` is ``echt`` (real open data) or ``illustratief`` (generated).
    """

    layer: str
    title_nl: str
    source: str
    licence: str
    date: str
    kind: str
    note_nl: str
    note_en: str
    attribution: str

    @property
    def illustrative(self) -> bool:
        return self.kind == "illustratief"

    def note(self, lang: str = "nl") -> str:
        """The note in ``lang`` (``nl`` or ``en``)."""
        return self.note_nl if lang == "nl" else self.note_en


def _paths(gpkg: Path | None, raster: Path | None) -> tuple[Path, Path]:
    from slimmeregio.resources import POPULATION_TIF, REGION_GPKG

    return (gpkg or REGION_GPKG), (raster or POPULATION_TIF)


def _missing(path: Path) -> SourceNotFoundError:
    return SourceNotFoundError(
        path=path,
        hint={
            "nl": "De ingebedde regio ontbreekt; bouw ze opnieuw met 'make region'.",
            "en": "The embedded region is missing; rebuild it with 'make region'.",
        },
    )


def _stamp(path: Path) -> tuple[str, int, int]:
    if not path.is_file():
        raise _missing(path)
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _read_vectors(stamp: tuple[str, int, int]) -> dict[str, gpd.GeoDataFrame]:
    import pyogrio

    path = stamp[0]
    frames: dict[str, gpd.GeoDataFrame] = {}
    try:
        for name in REGION_LAYERS:
            if name == POPULATION_LAYER:
                continue
            frame = pyogrio.read_dataframe(path, layer=name)
            if frame.crs is None or frame.crs.to_epsg() != 31370:
                frame = frame.to_crs(ANALYSIS_CRS)
            frames[name] = frame
    except pyogrio.errors.DataLayerError as exc:
        raise CorruptFileError(path=path, detail=str(exc)) from exc
    except pyogrio.errors.DataSourceError as exc:
        raise CorruptFileError(path=path, detail=str(exc)) from exc
    return frames


@lru_cache(maxsize=4)
def _read_provenance(stamp: tuple[str, int, int]) -> tuple[Provenance, ...]:
    import pyogrio

    try:
        table = pyogrio.read_dataframe(stamp[0], layer="provenance", read_geometry=False)
    except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError) as exc:
        raise CorruptFileError(path=stamp[0], detail=str(exc)) from exc
    table = pd.DataFrame(table).fillna("")
    fields = Provenance.__dataclass_fields__
    return tuple(
        Provenance(**{k: str(v) for k, v in row.items() if k in fields})
        for row in table.to_dict("records")
    )


def region_provenance(gpkg: str | Path | None = None) -> dict[str, Provenance]:
    """The provenance table of the embedded region, by layer name."""
    path, _ = _paths(Path(gpkg) if gpkg is not None else None, None)
    return {p.layer: p for p in _read_provenance(_stamp(path))}


def region_notes(lang: str = "nl", gpkg: str | Path | None = None) -> dict[str, str]:
    """The illustrative-data notes, by layer name, in ``lang`` (``nl`` or ``en``)."""
    return {name: p.note(lang) for name, p in region_provenance(gpkg).items() if p.illustrative}


def _raster(path: Path) -> RasterData:
    from rasterio.errors import RasterioIOError

    if not path.is_file():
        raise _missing(path)
    try:
        with open_raster(path) as src:
            return RasterData.from_dataset(path, src)
    except RasterioIOError as exc:
        raise CorruptFileError(path=path, detail=str(exc)) from exc


def _style(layer: Layer) -> Style:
    override = _STYLE_OVERRIDES.get(layer.name)
    if override is not None:
        return Style.from_dict(override.to_dict())
    from slimmeregio.layers.symbology import default_style

    return default_style(layer)


def load_region(*, gpkg: str | Path | None = None, raster: str | Path | None = None) -> Project:
    """The embedded Halle-Vilvoorde region as a new project.

    Parameters
    ----------
    gpkg, raster
        Other copies of ``region.gpkg`` and ``bevolking_100m.tif`` (default:
        the embedded ones).

    Raises
    ------
    SourceNotFoundError
        A region file is missing.
    CorruptFileError
        A region file cannot be read.
    """
    gpkg_path, raster_path = _paths(
        Path(gpkg) if gpkg is not None else None, Path(raster) if raster is not None else None
    )
    stamp = _stamp(gpkg_path)
    frames = _read_vectors(stamp)
    provenance = {p.layer: p for p in _read_provenance(stamp)}
    layers = LayerList()
    for name in REGION_LAYERS:
        data: gpd.GeoDataFrame | RasterData
        if name == POPULATION_LAYER:
            data = _raster(raster_path)
            source = raster_path
        else:
            data = frames[name].copy()
            source = gpkg_path
        prov = provenance.get(name)
        layer = Layer(
            name=name,
            data=data,
            role=REGION_ROLES[name],
            fields=dict(REGION_FIELDS[name]),
            source=source,
            source_layer=None if name == POPULATION_LAYER else name,
            original_crs=ANALYSIS_CRS,
            visible=name not in _HIDDEN,
            note=prov.note_nl if prov is not None and prov.illustrative else None,
            attribution=(prov.attribution or None) if prov is not None else None,
        )
        layer.style = _style(layer)
        layers.append(layer)
    return Project(layers=layers, settings=ProjectSettings())


def __getattr__(name: str) -> Any:
    # REGION_PROVENANCE is read lazily so importing this module stays cheap.
    if name == "REGION_PROVENANCE":
        return region_provenance()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
