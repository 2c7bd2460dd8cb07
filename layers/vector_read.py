"""Reading vector files safely: library failures turned into our errors, views and DBF encodings checked, unreadable lines counted."""

from __future__ import annotations

import codecs
import contextlib
import struct
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np

from slimmeregio.layers.errors import (
    CorruptFileError,
    NotAFileError,
    SlimmeRegioError,
    TooLargeError,
)
from slimmeregio.layers.gdal_safety import (
    GEOJSON_MAX_OBJ_MB,
    MAX_VIEW_ROWS,
    check_sqlite,
    gpkg_open_options,
    sniff,
    sqlite_readonly,
    vector_env,
    view_rows,
)
from slimmeregio.layers.model import LayerReport

__all__ = [
    "sidecar",
    "guarded_read",
    "list_source_layers",
    "open_options",
    "read_vector",
    "report_dbf_mismatch",
    "unreadable_lines",
    "vector_kind",
]


#: Bytes of a ``.dbf`` read to tell UTF-8 from cp1252.
_DBF_SNIFF_BYTES = 4 * 1024**2

_WKB_LINESTRING_TYPES = {2, 1002, 2002, 3002, 5, 1005, 2005, 3005}


@contextlib.contextmanager
def guarded_read(path: Path, layer: str | None = None) -> Iterator[None]:
    """Turn any library exception into :class:`CorruptFileError`; keep the
    libraries' warnings (GDAL's notes on odd files) off the user's screen."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except SlimmeRegioError:
        raise
    except MemoryError as error:
        raise CorruptFileError(path=path, layer=layer, detail="out of memory") from error
    except Exception as error:  # pyogrio, GDAL, rasterio, sqlite: all unreadable input
        if "OGR_GEOJSON_MAX_OBJ_SIZE" in str(error):
            raise TooLargeError(
                path=path,
                layer=layer,
                reason={
                    "nl": "één GeoJSON-object is groter dan GDAL toelaat",
                    "en": "one GeoJSON object is larger than GDAL allows",
                },
                limit=f"{GEOJSON_MAX_OBJ_MB} MB (OGR_GEOJSON_MAX_OBJ_SIZE)",
                hint={
                    "nl": f"De grens is {GEOJSON_MAX_OBJ_MB} MB (OGR_GEOJSON_MAX_OBJ_SIZE). "
                    "Lever het als GeoPackage of Shapefile aan.",
                    "en": f"The limit is {GEOJSON_MAX_OBJ_MB} MB (OGR_GEOJSON_MAX_OBJ_SIZE). "
                    "Supply it as GeoPackage or Shapefile.",
                },
            ) from error
        raise CorruptFileError(
            path=path, layer=layer, detail=f"{type(error).__name__}: {error}"
        ) from error


def vector_kind(path: Path) -> str:
    """Check a vector file before GDAL opens it (see :mod:`.gdal_safety`):
    its content must be the format its name says, a GeoPackage must be one
    and must not be half-written. Returns the content kind."""
    kind = sniff(path)
    if kind == "shape":
        # GDAL (and the encoding sniffer) open the .dbf/.shx/.prj ...: a FIFO
        # among them would block the load for ever.
        for sibling in path.parent.iterdir():
            if sibling.stem == path.stem and not sibling.is_file() and not sibling.is_dir():
                raise NotAFileError(path=sibling)
    if kind == "sqlite":
        check_sqlite(path)
        with guarded_read(path), sqlite_readonly(path) as db:
            found = db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents' AND type = 'table'"
            ).fetchone()
        if not found:
            raise CorruptFileError(path=path, detail="SQLite without GeoPackage tables")
    return kind


def open_options(path: Path, kind: str) -> dict[str, str]:
    """GDAL open options for a file of content ``kind`` (safe GeoPackage options)."""
    return gpkg_open_options(path) if kind == "sqlite" else {}


def _check_view(path: Path, layer: str) -> None:
    """Refuse a GeoPackage layer that is a view of more than
    :data:`~.gdal_safety.MAX_VIEW_ROWS` rows (or too costly to count)."""
    with guarded_read(path, layer), sqlite_readonly(path) as db:
        rows = view_rows(db, layer)
    if rows is not None and (rows < 0 or rows > MAX_VIEW_ROWS):
        raise TooLargeError(
            path=path,
            layer=layer,
            reason={
                "nl": f"laag '{layer}' is een view (opgeslagen query) met te veel rijen "
                "of te veel rekenwerk",
                "en": f"layer '{layer}' is a view (stored query) with too many rows "
                "or too much work",
            },
            limit=f"{MAX_VIEW_ROWS:,} rows",
        )


def list_source_layers(path: str | Path) -> list[str]:
    """The spatial layers of a GeoPackage, GeoJSON or TopoJSON file.

    Non-spatial tables of a GeoPackage are left out.
    """
    import pyogrio

    path = Path(path)
    vector_kind(path)
    with guarded_read(path), vector_env():
        listed = pyogrio.list_layers(path)
    return [str(name) for name, geometry_type in listed if geometry_type is not None]


def _wkb_type(wkb: bytes) -> int | None:
    if len(wkb) < 5:
        return None
    order = "<" if wkb[0] == 1 else ">"
    (code,) = struct.unpack(f"{order}I", wkb[1:5])
    return int(code) & 0x0FFFFFFF


def unreadable_lines(
    path: Path, layer: str | None, frame: gpd.GeoDataFrame, options: Mapping[str, str]
) -> int:
    """How many of the missing geometries are lines GEOS could not read
    (a line with a single point)."""
    import pyogrio.raw

    missing = frame.geometry.isna().to_numpy()
    if not missing.any():
        return 0
    result = pyogrio.raw.read(path, layer=layer, columns=[], **options)
    wkbs = result[2]
    if wkbs is None or len(wkbs) != len(frame):
        return 0
    return sum(
        1
        for i in np.flatnonzero(missing)
        if wkbs[i] is not None and _wkb_type(bytes(wkbs[i])) in _WKB_LINESTRING_TYPES
    )


def sidecar(path: Path, suffix: str) -> Path | None:
    """The shapefile's ``.dbf``/``.cpg``/... next to it, any letter case."""
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _dbf_encoding(path: Path) -> str | None:
    """The encoding of a shapefile without ``.cpg``: UTF-8 when its attribute
    bytes are valid UTF-8, else cp1252 (what Flemish Windows tools write;
    GDAL's default ISO-8859-1 turns '€' into a control character)."""
    if path.suffix.lower() != ".shp" or sidecar(path, ".cpg") is not None:
        return None
    dbf = sidecar(path, ".dbf")
    if dbf is None:
        return None
    with open(dbf, "rb") as handle:
        head = handle.read(_DBF_SNIFF_BYTES)
    if head.isascii():
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _shape_counts(path: Path) -> tuple[int, int] | None:
    """Shapes (from the ``.shx`` index) and attribute records (from the
    ``.dbf`` header) of a shapefile, or None when either is missing or unreadable."""
    shx, dbf = sidecar(path, ".shx"), sidecar(path, ".dbf")
    if shx is None or dbf is None:
        return None
    try:
        with open(shx, "rb") as handle:
            shx_head = handle.read(28)
        with open(dbf, "rb") as handle:
            dbf_head = handle.read(8)
    except OSError:
        return None
    if len(shx_head) < 28 or len(dbf_head) < 8:
        return None
    (words,) = struct.unpack(">i", shx_head[24:28])
    (records,) = struct.unpack("<I", dbf_head[4:8])
    return max((words * 2 - 100) // 8, 0), int(records)


def report_dbf_mismatch(path: Path, report: LayerReport) -> None:
    """Report a ``.dbf`` with another number of records than the ``.shp`` has
    shapes. GDAL (and so QGIS) loads the shapes that have a record, and with
    too many records attaches the first ones: both are said, never silent."""
    counts = _shape_counts(path) if path.suffix.lower() == ".shp" else None
    if counts is None or counts[0] == counts[1]:
        return
    shapes, records = counts
    if records < shapes:
        report.add(
            "dbf_record_mismatch",
            f"De shapefile telt {shapes} vormen maar het .dbf-bestand maar {records} rijen: "
            f"{shapes - records} vormen zonder attributen zijn niet geladen (zoals in QGIS). "
            "Controleer of de bestanden bij elkaar horen.",
            f"The shapefile has {shapes} shapes but its .dbf only {records} records: "
            f"{shapes - records} shapes without attributes were not loaded (as in QGIS). "
            "Check that the files belong together.",
            count=shapes - records,
        )
    else:
        report.add(
            "dbf_record_mismatch",
            f"Het .dbf-bestand telt {records} rijen voor {shapes} vormen: de eerste {shapes} "
            f"rijen zijn aan de vormen gekoppeld, {records - shapes} genegeerd (zoals in QGIS). "
            "Het .dbf-bestand hoort misschien bij een andere shapefile.",
            f"The .dbf has {records} records for {shapes} shapes: the first {shapes} records "
            f"were attached to the shapes, {records - shapes} ignored (as in QGIS). "
            "The .dbf may belong to another shapefile.",
            count=records - shapes,
        )


def read_vector(path: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, int]:
    """Read one vector layer; returns the frame and how many one-point lines were dropped while reading."""
    import pyogrio

    kind = vector_kind(path)
    if kind == "sqlite" and layer is not None:
        _check_view(path, layer)
    options = open_options(path, kind)
    with guarded_read(path, layer), vector_env():
        encoding = _dbf_encoding(path)
        frame = pyogrio.read_dataframe(
            path, layer=layer, on_invalid="ignore", encoding=encoding, **options
        )
        if not isinstance(frame, gpd.GeoDataFrame):
            raise CorruptFileError(path=path, layer=layer, detail="no geometry column")
        one_point = unreadable_lines(path, layer, frame, options)
    return frame, one_point
