"""Loading layers from the files planners receive.

:func:`load_layers` reads GeoPackage, GeoJSON, TopoJSON, Shapefile (``.shp``,
a folder of them, or a ``.zip``), CSV with coordinates and GeoTIFF. Every
vector layer comes back in Belgian Lambert 72 (EPSG:31370), repaired (invalid
geometries made valid, empty ones dropped, 3D flattened), with a guessed role
and field mapping, and with a report of everything that was repaired or
guessed. Whatever goes wrong becomes one of the project's own errors (see
:mod:`.errors`); no library traceback reaches the user.
"""

from __future__ import annotations

import codecs
import contextlib
import struct
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.archive import extracted
from slimmeregio.layers.crs import (
    crs_label,
    crs_to_string,
    diagnose_outside,
    guess_crs,
    inside_belgium,
    looks_swapped,
    normalize_crs,
)
from slimmeregio.layers.csvio import CsvInfo, parse_number, read_csv_points
from slimmeregio.layers.errors import (
    CorruptFileError,
    EmptyLayerError,
    LayerNotFoundError,
    MissingFieldError,
    NoGeoreferenceError,
    NotAFileError,
    SlimmeRegioError,
    SourceNotFoundError,
    TooLargeError,
    UnsupportedFormatError,
    ZipWithoutShapefileError,
)
from slimmeregio.layers.gdal_safety import (
    GEOJSON_MAX_OBJ_MB,
    MAX_VIEW_ROWS,
    check_sqlite,
    gpkg_open_options,
    open_raster,
    read_edges,
    sniff,
    sqlite_readonly,
    vector_env,
    view_rows,
)
from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerReport, RasterData
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import (
    CANONICAL_VALUES,
    HOPPIN_TYPES,
    LINK_CLASSES,
    ROLE_FIELDS,
    ROLE_GEOMETRIES,
    ROLE_NAME_WORDS,
    Role,
    ValueTable,
    guess_fields,
    guess_role,
    normalize_name,
)

__all__ = [
    "CSV_SUFFIXES",
    "RASTER_SUFFIXES",
    "VECTOR_SUFFIXES",
    "canonicalize_layer",
    "canonicalize_values",
    "list_source_layers",
    "load_layers",
    "prepare_frame",
]

#: File suffixes read with GDAL/OGR through pyogrio.
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".topojson", ".shp")
#: Point tables.
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
#: Rasters read with rasterio.
RASTER_SUFFIXES = (".tif", ".tiff", ".geotiff")

#: Bytes of a ``.dbf`` read to tell UTF-8 from cp1252.
_DBF_SNIFF_BYTES = 4 * 1024**2
#: Largest magnitude stored as an exact integer (float64 mantissa).
_EXACT_INT = 2**53

_WKB_LINESTRING_TYPES = {2, 1002, 2002, 3002, 5, 1005, 2005, 3005}
_TRUE = {"1", "true", "yes", "ja", "j", "y", "t", "waar", "oui", "-1", "eenrichting"}
_FALSE = {"0", "false", "no", "nee", "n", "f", "onwaar", "non", "", "tweerichting"}


# --- reading -----------------------------------------------------------------


@contextlib.contextmanager
def _reading(path: Path, layer: str | None = None) -> Iterator[None]:
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


def _vector_kind(path: Path) -> str:
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
        with _reading(path), sqlite_readonly(path) as db:
            found = db.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'gpkg_contents' AND type = 'table'"
            ).fetchone()
        if not found:
            raise CorruptFileError(path=path, detail="SQLite without GeoPackage tables")
    return kind


def _open_options(path: Path, kind: str) -> dict[str, str]:
    return gpkg_open_options(path) if kind == "sqlite" else {}


def _check_view(path: Path, layer: str) -> None:
    """Refuse a GeoPackage layer that is a view of more than
    :data:`~.gdal_safety.MAX_VIEW_ROWS` rows (or too costly to count)."""
    with _reading(path, layer), sqlite_readonly(path) as db:
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
    _vector_kind(path)
    with _reading(path), vector_env():
        listed = pyogrio.list_layers(path)
    return [str(name) for name, geometry_type in listed if geometry_type is not None]


def _wkb_type(wkb: bytes) -> int | None:
    if len(wkb) < 5:
        return None
    order = "<" if wkb[0] == 1 else ">"
    (code,) = struct.unpack(f"{order}I", wkb[1:5])
    return int(code) & 0x0FFFFFFF


def _unreadable_lines(
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


def _sidecar(path: Path, suffix: str) -> Path | None:
    """The shapefile's ``.dbf``/``.cpg``/... next to it, any letter case."""
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def _dbf_encoding(path: Path) -> str | None:
    """The encoding of a shapefile without ``.cpg``: UTF-8 when its attribute
    bytes are valid UTF-8, else cp1252 (what Flemish Windows tools write;
    GDAL's default ISO-8859-1 turns '€' into a control character)."""
    if path.suffix.lower() != ".shp" or _sidecar(path, ".cpg") is not None:
        return None
    dbf = _sidecar(path, ".dbf")
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
    shx, dbf = _sidecar(path, ".shx"), _sidecar(path, ".dbf")
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


def _report_dbf_mismatch(path: Path, report: LayerReport) -> None:
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


def _read_vector(path: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, int]:
    import pyogrio

    kind = _vector_kind(path)
    if kind == "sqlite" and layer is not None:
        _check_view(path, layer)
    options = _open_options(path, kind)
    with _reading(path, layer), vector_env():
        encoding = _dbf_encoding(path)
        frame = pyogrio.read_dataframe(
            path, layer=layer, on_invalid="ignore", encoding=encoding, **options
        )
        if not isinstance(frame, gpd.GeoDataFrame):
            raise CorruptFileError(path=path, layer=layer, detail="no geometry column")
        one_point = _unreadable_lines(path, layer, frame, options)
    return frame, one_point


# --- repairs -----------------------------------------------------------------


def _family(geom_type: str) -> str:
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


def _repair(
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
    families = sorted({_family(t) for t in frame.geometry.geom_type.dropna().unique()})
    if len(families) > 1:
        types = ", ".join(sorted(frame.geometry.geom_type.dropna().unique()))
        report.add(
            "mixed_geometry",
            f"De laag mengt geometrietypes ({types}).",
            f"The layer mixes geometry types ({types}).",
            count=len(families),
        )
    return frame


# --- CRS -----------------------------------------------------------------------


def _midpoints(geoms: Any) -> tuple[np.ndarray, np.ndarray]:
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    with np.errstate(over="ignore", invalid="ignore"):  # absurd coordinates: inf
        return (bounds[:, 0] + bounds[:, 2]) / 2.0, (bounds[:, 1] + bounds[:, 3]) / 2.0


def _swap_xy(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    geoms = shapely.transform(np.asarray(frame.geometry.array, dtype=object), lambda c: c[:, ::-1])
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


@dataclass
class _CrsResult:
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


def _assign_crs(
    frame: gpd.GeoDataFrame,
    report: LayerReport,
    *,
    crs: str | None,
    csv: CsvInfo | None,
) -> _CrsResult:
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
    return _CrsResult(frame, original, guessed)


def _is_lonlat(crs: str) -> bool:
    from pyproj import CRS

    return bool(CRS.from_user_input(crs).is_geographic)


def _reproject(frame: gpd.GeoDataFrame, path: Path, name: str) -> gpd.GeoDataFrame:
    if frame.crs is not None and crs_to_string(frame.crs) == ANALYSIS_CRS:
        return frame
    with _reading(path, name):
        return frame.to_crs(ANALYSIS_CRS)


def _check_extent(
    before: gpd.GeoDataFrame, after: gpd.GeoDataFrame, original: str | None, report: LayerReport
) -> None:
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


# --- roles and fields ------------------------------------------------------------


def _columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric values of ``series`` (decimal comma accepted) and a mask of
    the non-empty values that are not numbers."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index)
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index)
    text = series.astype(object).where(series.notna(), None)
    values = [None if v is None else parse_number(str(v)) for v in text]
    numeric = pd.Series([np.nan if v is None else v for v in values], index=series.index, dtype=float)
    bad = pd.Series(
        [v is not None and str(v).strip() != "" and n is None for v, n in zip(text, values, strict=True)],
        index=series.index,
    )
    return numeric, bad


def _as_int(numeric: pd.Series) -> pd.Series:
    """Integers when every value is a whole number that fits exactly; else
    the floats unchanged (fractional estimates, absurdly large values)."""
    filled = numeric.fillna(0.0)
    whole = bool((filled == np.round(filled)).all())
    if whole and bool((filled.abs() < _EXACT_INT).all()):
        return filled.astype(np.int64)
    return filled


def _as_str(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if bool((whole == np.round(whole)).all()):
            return series.map(lambda v: "" if pd.isna(v) else str(int(v)))
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())


def _as_bool(series: pd.Series) -> tuple[pd.Series, int]:
    words = series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower())
    unknown = int((~words.isin(_TRUE | _FALSE)).sum())
    return words.isin(_TRUE), unknown


def _coerce(
    frame: gpd.GeoDataFrame, role: Role, fields: Mapping[str, str], report: LayerReport
) -> gpd.GeoDataFrame:
    """Make each mapped column usable as its canonical type; report problems."""
    frame = frame.copy()
    kinds = {spec.key: spec for spec in ROLE_FIELDS[role]}
    for key, column in fields.items():
        spec = kinds.get(key)
        if spec is None:
            continue
        series = frame[column]
        if spec.kind in ("int", "float"):
            numeric, bad = _numbers(series)
            n_bad = int(bad.sum())
            if n_bad:
                example = str(series[bad].iloc[0])[:30]
                filler_nl = "als 0 geteld" if spec.kind == "int" else "als onbekend behandeld"
                filler_en = "counted as 0" if spec.kind == "int" else "treated as unknown"
                report.add(
                    "non_numeric",
                    f"Kolom '{column}' ({spec.label_nl}): {n_bad} waarden zijn geen getal "
                    f"(bv. '{example}'); {filler_nl}.",
                    f"Column '{column}' ({spec.label_en}): {n_bad} values are not numbers "
                    f"(e.g. '{example}'); {filler_en}.",
                    count=n_bad,
                )
            negative = int((numeric < 0).sum())
            if negative and spec.kind == "int":
                report.add(
                    "negative_values",
                    f"Kolom '{column}' ({spec.label_nl}): {negative} negatieve waarden.",
                    f"Column '{column}' ({spec.label_en}): {negative} negative values.",
                    count=negative,
                )
            frame[column] = _as_int(numeric) if spec.kind == "int" else numeric
        elif spec.kind == "bool":
            values, unknown = _as_bool(series)
            if unknown:
                report.add(
                    "non_boolean",
                    f"Kolom '{column}' ({spec.label_nl}): {unknown} waarden zijn geen ja/nee; als nee behandeld.",
                    f"Column '{column}' ({spec.label_en}): {unknown} values are not yes/no; treated as no.",
                    count=unknown,
                )
            frame[column] = values
        else:
            frame[column] = _as_str(series)
    return frame


# --- canonical values -------------------------------------------------------------

#: Most distinct values named in one report entry.
_VALUES_SHOWN = 5

#: Report kind for unrecognised values, per canonical field.
_UNKNOWN_KINDS = {
    "link_class": "unknown_link_class",
    "hoppin_type": "unknown_hoppin_type",
    "status": "unknown_housing_status",
}


def _derived_column(frame: pd.DataFrame, key: str, values: pd.Series) -> str:
    """Name for the column holding the canonical values of ``key``: ``key``
    itself when free, else ``key_norm``, ``key_norm_2`` ...; a column that
    already holds exactly these values (an earlier translation) is reused.
    Names are compared case-insensitively, as GeoPackage and Shapefile do
    (``Status`` and ``status`` cannot live side by side there)."""
    taken = {str(c).lower() for c in frame.columns}
    n = 1
    while True:
        name = key if n == 1 else f"{key}_norm" if n == 2 else f"{key}_norm_{n - 1}"
        if name.lower() not in taken:
            return name
        if name in frame.columns and list(frame[name]) == list(values):
            return name
        n += 1


def _listing(counts: pd.Series, empty: str) -> str:
    """``'a' (3), 'b' (1)``: the most frequent values, at most five."""
    shown = [
        f"'{value}' ({int(n)})" if value != "" else f"{empty} ({int(n)})"
        for value, n in counts.head(_VALUES_SHOWN).items()
    ]
    more = len(counts) - _VALUES_SHOWN
    return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")


def _translated(pairs: pd.DataFrame) -> str:
    counts = pairs.value_counts(sort=True)
    shown = [f"'{raw}' → {canon} ({int(n)})" for (raw, canon), n in counts.head(_VALUES_SHOWN).items()]
    more = len(counts) - _VALUES_SHOWN
    return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")


def _report_unknown(
    report: LayerReport, key: str, column: str, label: tuple[str, str], counts: pd.Series
) -> None:
    n = int(counts.sum())
    nl_values, en_values = _listing(counts, "(leeg)"), _listing(counts, "(empty)")
    head_nl, head_en = f"Kolom '{column}' ({label[0]})", f"Column '{column}' ({label[1]})"
    if key == "link_class":
        classes = ", ".join(LINK_CLASSES)
        nl = (
            f"{head_nl}: {n} links hebben een klasse die de toepassing niet kent: {nl_values}. "
            f"De waarden zijn behouden; geef zo'n klasse een eigen snelheid in de parameters, "
            f"anders geldt de snelheid van 'overig' (gekende klassen: {classes})."
        )
        en = (
            f"{head_en}: {n} links have a class the application does not know: {en_values}. "
            f"The values were kept; give such a class its own speed in the parameters, "
            f"otherwise the 'overig' (other) speed applies (known classes: {classes})."
        )
        level = "info"
    elif key == "hoppin_type":
        types = ", ".join(HOPPIN_TYPES)
        nl = (
            f"{head_nl}: {n} mobipunten hebben geen gekend Hoppin-type ({types}): {nl_values}. "
            "De waarden zijn behouden, maar deze mobipunten tellen niet mee als bestemming "
            "tot hun type is aangepast."
        )
        en = (
            f"{head_en}: {n} mobility hubs have no known Hoppin type ({types}): {en_values}. "
            "The values were kept, but these hubs do not count as destinations until their "
            "type is corrected."
        )
        level = "warning"
    else:
        nl = (
            f"{head_nl}: {n} objecten hebben een status die niet als 'bestaand' of 'gepland' "
            f"herkend is: {nl_values}. De waarden zijn behouden."
        )
        en = (
            f"{head_en}: {n} objects have a status not recognised as 'bestaand' (existing) or "
            f"'gepland' (planned): {en_values}. The values were kept."
        )
        level = "info"
    _add_once(report, _UNKNOWN_KINDS.get(key, f"unknown_{key}"), nl, en, count=n, level=level)


def _add_once(report: LayerReport, kind: str, nl: str, en: str, *, count: int, level: str) -> None:
    """Add an entry, replacing an earlier one of the same kind (a layer
    translated again after a new mapping keeps one entry per kind)."""
    report.entries[:] = [e for e in report.entries if e.kind != kind]
    report.add(kind, nl, en, count=count, level=level)


def _canonicalize_field(
    frame: gpd.GeoDataFrame,
    key: str,
    column: str,
    table: ValueTable,
    label: tuple[str, str],
    report: LayerReport,
) -> tuple[gpd.GeoDataFrame, str]:
    """Translate one mapped column. Returns ``frame`` and ``column`` when no
    value changes, else a copy with the derived column (see
    :func:`_derived_column`) and that column's name."""
    text = _as_str(frame[column])
    lookup = {value: table.lookup(value) for value in text.unique()}
    canonical = text.map(lookup)
    unknown = canonical.isna()
    if not table.report_empty:
        unknown &= text != ""
    if bool(unknown.any()):
        _report_unknown(report, key, column, label, text[unknown].value_counts())
    changed = canonical.notna() & (canonical != frame[column].astype(object))
    if not bool(changed.any()):
        return frame, column
    values = canonical.where(canonical.notna(), text).astype(object)
    target = _derived_column(frame, key, values)
    frame = frame.copy()
    frame[target] = values
    pairs = pd.DataFrame({"raw": text[changed], "canonical": canonical[changed]})
    n = int(changed.sum())
    _add_once(
        report,
        "values_normalized",
        f"Kolom '{column}' ({label[0]}): {n} waarden vertaald naar de waarden van de "
        f"toepassing: {_translated(pairs)}. De vertaalde waarden staan in de kolom "
        f"'{target}'; kolom '{column}' is ongewijzigd.",
        f"Column '{column}' ({label[1]}): {n} values translated to the application's "
        f"values: {_translated(pairs)}. The translated values are in column '{target}'; "
        f"column '{column}' is unchanged.",
        count=n,
        level="info",
    )
    return frame, target


def canonicalize_values(
    frame: gpd.GeoDataFrame,
    role: Role | str,
    fields: Mapping[str, str],
    report: LayerReport | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Translate categorical values to the application's canonical values.

    The link class of a bike network, the Hoppin type of a mobipunt and the
    status of a housing object are looked up in
    :data:`slimmeregio.layers.roles.CANONICAL_VALUES` (case, accents, spaces
    and punctuation do not matter: ``Functionele fietsroute`` and
    ``Hoppinpunt - lokaal`` are recognised). The user's column is never
    changed: when a value is translated, the canonical values go into a new
    column named after the field (``link_class``, ``hoppin_type``,
    ``status``; ``<field>_norm`` when that name is taken) and the mapping
    points at it, so ``layer.column("link_class")`` gives canonical values.
    When every value is already canonical, nothing changes.

    Unrecognised values are kept as they are and reported once per field
    (``unknown_link_class``, ``unknown_housing_status``: info;
    ``unknown_hoppin_type``: warning, such hubs do not count as
    destinations), naming up to five values with their counts. A translation
    is reported as ``values_normalized`` (info).

    Parameters
    ----------
    frame
        The layer's data; not modified.
    role
        The layer's role.
    fields
        Canonical field -> column.
    report
        Where the entries go (default: a new report, discarded).

    Returns
    -------
    (GeoDataFrame, dict)
        The data, with derived columns added when needed, and the mapping.
    """
    role = Role(role)
    report = report if report is not None else LayerReport()
    mapping = dict(fields)
    specs = {spec.key: spec for spec in ROLE_FIELDS[role]}
    out = frame
    for key, column in fields.items():
        table = CANONICAL_VALUES.get((role, key))
        if table is None or column not in frame.columns:
            continue
        spec = specs[key]
        out, mapping[key] = _canonicalize_field(
            out, key, column, table, (spec.label_nl, spec.label_en), report
        )
    return out, mapping


def canonicalize_layer(layer: Layer) -> Layer:
    """:func:`canonicalize_values` for a layer, e.g. after its role or field
    mapping was changed by hand. Returns a new layer (the report is shared and
    gets the new entries); a raster layer is returned unchanged."""
    if layer.is_raster:
        return layer
    frame, mapping = canonicalize_values(layer.frame, layer.role, layer.fields, layer.report)
    if mapping == layer.fields and frame is layer.frame:
        return layer
    return layer.replace(data=frame, fields=mapping)


def _raise_missing(layer: str, path: Path | None, role: Role, key: str, columns: list[str]) -> None:
    raise MissingFieldError(
        layer=layer,
        field=key,
        path=path,
        role=role.label("nl"),
        columns=", ".join(columns) or "-",
    )


def _map_fields(
    frame: gpd.GeoDataFrame,
    name: str,
    path: Path | None,
    report: LayerReport,
    *,
    role: Role | None,
    fields: Mapping[str, str] | None,
    role_hint: str | None = None,
) -> tuple[Role, dict[str, str]]:
    columns = _columns(frame)
    explicit = role is not None
    chosen = role if role is not None else guess_role(frame, role_hint or name)
    given = dict(fields or {})
    for key, column in given.items():
        if column not in columns:
            _raise_missing(name, path, chosen, f"{key} = {column}", columns)
    mapping = {k: v for k, v in guess_fields(chosen, columns).items() if v not in given.values()}
    mapping.update(given)
    missing = [s.key for s in ROLE_FIELDS[chosen] if s.required and s.key not in mapping]
    if missing and explicit:
        _raise_missing(name, path, chosen, missing[0], columns)
    if missing:
        labels_nl = ", ".join(s.label_nl for s in ROLE_FIELDS[chosen] if s.key in missing)
        labels_en = ", ".join(s.label_en for s in ROLE_FIELDS[chosen] if s.key in missing)
        report.add(
            "role_incomplete",
            f"De laag lijkt op {chosen.label('nl')}, maar mist: {labels_nl}; geladen als 'andere'.",
            f"The layer looks like {chosen.label('en')} but lacks: {labels_en}; loaded as 'other'.",
            level="info",
        )
        return Role.OTHER, given
    allowed = ROLE_GEOMETRIES.get(chosen)
    if explicit and allowed is not None and len(frame):
        families = {_family(t) for t in frame.geometry.geom_type.dropna().unique()}
        if not families <= allowed:
            report.add(
                "role_geometry",
                f"De rol {chosen.label('nl')} verwacht {'/'.join(sorted(allowed))}, "
                f"de laag heeft {'/'.join(sorted(families))}.",
                f"The role {chosen.label('en')} expects {'/'.join(sorted(allowed))}, "
                f"the layer has {'/'.join(sorted(families))}.",
            )
    return chosen, mapping


# --- one layer -------------------------------------------------------------------


def prepare_frame(
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    path: Path | None = None,
    source_layer: str | None = None,
    crs: str | None = None,
    role: Role | None = None,
    fields: Mapping[str, str] | None = None,
    report: LayerReport | None = None,
    csv: CsvInfo | None = None,
    one_point_lines: int = 0,
    role_hint: str | None = None,
) -> Layer:
    """Turn a freshly read GeoDataFrame into a :class:`Layer`.

    Repairs geometries, assigns or guesses the CRS, reprojects to
    EPSG:31370, checks the extent, guesses role and fields (unless given),
    makes the mapped columns usable and translates categorical values to
    canonical ones (:func:`canonicalize_values`). Other readers (OpenStreetMap, the
    embedded region) can use it for the same treatment.

    ``role_hint`` is the name used to guess the role when it differs from
    ``name`` (e.g. file and layer name of a single-layer GeoPackage).

    Raises
    ------
    EmptyLayerError
        No usable feature is left.
    MissingFieldError
        ``role`` was given and a required field cannot be mapped, or
        ``fields`` names a column the layer does not have.
    """
    report = report if report is not None else LayerReport()
    normalized_crs = normalize_crs(crs) if crs is not None else None
    frame = _repair(frame, report, one_point_lines=one_point_lines)
    if frame.empty:
        raise EmptyLayerError(path=path, layer=name)
    result = _assign_crs(frame, report, crs=normalized_crs, csv=csv)
    projected = _reproject(result.frame, path or Path(name), name)
    _check_extent(result.frame, projected, result.original, report)
    chosen, mapping = _map_fields(
        projected, name, path, report, role=role, fields=fields, role_hint=role_hint
    )
    projected = _coerce(projected, chosen, mapping, report)
    projected, mapping = canonicalize_values(projected, chosen, mapping, report)
    return Layer(
        name=name,
        data=projected,
        role=chosen,
        fields=mapping,
        source=path,
        source_layer=source_layer,
        original_crs=result.original,
        crs_guessed=result.guessed,
        report=report,
    )


def _csv_report(info: CsvInfo, report: LayerReport) -> None:
    if not info.header:
        report.add(
            "no_header",
            f"Het bestand heeft geen kopregel; kolommen genoemd col1, col2 ...; coördinaten "
            f"herkend aan hun waarden ({info.x_column}, {info.y_column}).",
            f"The file has no header row; columns named col1, col2 ...; coordinates "
            f"recognised by their values ({info.x_column}, {info.y_column}).",
            level="info",
        )
    if info.dropped:
        report.add(
            "empty_dropped",
            f"{info.dropped} rijen zonder coördinaten zijn weggelaten.",
            f"{info.dropped} rows without coordinates were dropped.",
            count=info.dropped,
        )


def _load_csv(path: Path, **options: Any) -> list[Layer]:
    with _reading(path):
        frame, info = read_csv_points(path)
    report = LayerReport()
    _csv_report(info, report)
    return [prepare_frame(frame, name=path.stem, path=path, report=report, csv=info, **options)]


def _raster_role(role: Role | None, name: str, report: LayerReport) -> Role:
    if role in (Role.POPULATION_GRID, Role.OTHER):
        return role
    if role is not None:
        report.add(
            "role_geometry",
            f"Een raster kan geen rol {role.label('nl')} krijgen; geladen als 'andere'.",
            f"A raster cannot take the role {role.label('en')}; loaded as 'other'.",
        )
        return Role.OTHER
    normalized = normalize_name(name)
    words = ROLE_NAME_WORDS[Role.POPULATION_GRID]
    return Role.POPULATION_GRID if any(w in normalized for w in words) else Role.OTHER


def _load_raster(path: Path, *, crs: str | None, role: Role | None, **_: Any) -> list[Layer]:
    report = LayerReport()
    normalized_crs = normalize_crs(crs) if crs is not None else None
    with _reading(path), open_raster(path) as src:
        transform, bounds = src.transform, tuple(float(b) for b in src.bounds)
        declared = crs_to_string(src.crs) if src.crs else None
        meta = (src.width, src.height, src.count, str(src.dtypes[0]), src.nodata)
        read_edges(src)
    if transform.is_identity:
        raise NoGeoreferenceError(path=path)
    cx, cy = (bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0
    guessed = False
    if normalized_crs is not None:
        original: str | None = normalized_crs
    elif declared is not None:
        original = declared
    else:
        original = guess_crs([cx], [cy])
        if original is None:
            raise NoGeoreferenceError(path=path)
        guessed = True
        report.add(
            "crs_guessed",
            f"Het raster geeft geen coördinatenstelsel op; geraden uit het waardebereik: "
            f"{crs_label(original, 'nl')}.",
            f"The raster declares no coordinate system; guessed from the value range: "
            f"{crs_label(original, 'en')}.",
        )
    if original != ANALYSIS_CRS:
        report.add(
            "raster_not_lambert72",
            f"Het raster staat in {crs_label(original, 'nl')}, niet in EPSG:31370; "
            "de pixels zijn niet herprojecteerd.",
            f"The raster is in {crs_label(original, 'en')}, not EPSG:31370; "
            "its pixels were not reprojected.",
            level="info",
        )
    with _reading(path):
        from pyproj import Transformer

        tx, ty = Transformer.from_crs(original, ANALYSIS_CRS, always_xy=True).transform(cx, cy)
    if not bool(inside_belgium([tx], [ty])[0]):
        cause_nl, cause_en = diagnose_outside([cx], [cy], str(original))
        cause_nl = cause_nl or "controleer het coördinatenstelsel"
        cause_en = cause_en or "check the coordinate system"
        report.add(
            "outside_belgium",
            f"Het raster ligt buiten België: {cause_nl}.",
            f"The raster lies outside Belgium: {cause_en}.",
            count=1,
        )
    width, height, count, dtype, nodata = meta
    data = RasterData(
        path=path,
        crs=original,
        transform=transform,
        width=width,
        height=height,
        count=count,
        dtype=dtype,
        nodata=None if nodata is None else float(nodata),
        bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
    )
    return [
        Layer(
            name=path.stem,
            data=data,
            role=_raster_role(role, path.stem, report),
            source=path,
            original_crs=original,
            crs_guessed=guessed,
            report=report,
        )
    ]


def _load_ogr(
    path: Path,
    *,
    layer: str | None,
    source: Path,
    task: Task,
    name_prefix: str | None = None,
    **options: Any,
) -> list[Layer]:
    names = list_source_layers(path)
    if not names:
        raise EmptyLayerError(path=source, layer=layer or path.stem)
    only_layer = len(names) == 1  # then the file name speaks for the layer too
    if layer is not None:
        if layer not in names:
            raise LayerNotFoundError(path=source, layer=layer, available=", ".join(names))
        names = [layer]
    multi = len(names) > 1 or path.suffix.lower() in (".gpkg", ".topojson")
    layers: list[Layer] = []
    empty: EmptyLayerError | None = None
    for i, source_layer in enumerate(names):
        task.report(i / len(names), f"Reading {source_layer}")
        frame, one_point = _read_vector(path, source_layer)
        name = source_layer if multi else (name_prefix or path.stem)
        report = LayerReport()
        if path.suffix.lower() == ".shp" and _sidecar(path, ".dbf") is None:
            report.add(
                "dbf_missing",
                "De shapefile mist haar .dbf-bestand: de geometrie is geladen, alle attributen ontbreken.",
                "The shapefile lacks its .dbf file: the geometry was loaded, every attribute is missing.",
            )
        _report_dbf_mismatch(path, report)
        try:
            layers.append(
                prepare_frame(
                    frame,
                    name=name,
                    path=source,
                    source_layer=source_layer if multi else name_prefix,
                    one_point_lines=one_point,
                    report=report,
                    role_hint=f"{source.stem} {name}" if only_layer else None,
                    **options,
                )
            )
        except EmptyLayerError as error:
            if layer is not None or len(names) == 1:
                raise
            empty = error  # an empty layer among others (a template) is skipped
    if not layers and empty is not None:
        raise empty
    return layers


def _shapefiles(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() == ".shp" and "__MACOSX" not in p.parts
    )


def _load_shapefiles(
    shapefiles: Sequence[Path], root: Path, *, source: Path, layer: str | None, task: Task, **options: Any
) -> list[Layer]:
    if layer is not None:
        chosen = [p for p in shapefiles if p.stem == layer or p.relative_to(root).as_posix() == layer]
        if not chosen:
            available = ", ".join(p.stem for p in shapefiles)
            raise LayerNotFoundError(path=source, layer=layer, available=available)
        shapefiles = chosen
    layers: list[Layer] = []
    for i, shp in enumerate(shapefiles):
        sub = task.sub(i / len(shapefiles), (i + 1) / len(shapefiles))
        layers += _load_ogr(shp, layer=None, source=source, task=sub, name_prefix=shp.stem, **options)
    return layers


def _is_od_table(path: Path, role: Role | None) -> bool:
    """A commuting (OD) table: asked for, or named so (``pendelstromen.csv``)."""
    from slimmeregio.layers.opportunities import looks_like_od_table

    return role is Role.OD_TABLE or (role is None and looks_like_od_table(path))


def _role(role: Role | str | None) -> Role | None:
    return None if role is None else Role(role)


def load_layers(
    path: str | Path,
    *,
    layer: str | None = None,
    crs: Any = None,
    role: Role | str | None = None,
    fields: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> list[Layer]:
    """Load the layers of a file (or a folder of shapefiles).

    Parameters
    ----------
    path
        GeoPackage, GeoJSON, TopoJSON, Shapefile (``.shp``, a folder of
        shapefiles or a ``.zip``), CSV with coordinates, or GeoTIFF.
    layer
        Only this layer (GeoPackage/TopoJSON layer name, or the shapefile's
        name in a folder or zip). Default: every spatial layer; empty layers
        among several are skipped.
    crs
        The CRS of the data (``31370``, ``"EPSG:3812"``, ``"lambert72"`` ...);
        overrides what the file declares. Default: declared, else guessed.
    role
        The layer's role. Default: guessed from name, columns and geometry.
        When given, a required field that cannot be mapped is an error.
    fields
        Canonical field -> column, overriding the guessed mapping.
    progress, cancel
        Progress callback and cancel check (see :mod:`.progress`).

    Returns
    -------
    list of Layer
        Vector layers in EPSG:31370 (``original_crs`` keeps the source's),
        rasters with their metadata; each with its repair report.

    Raises
    ------
    SourceNotFoundError, UnsupportedFormatError, CorruptFileError,
    ZipWithoutShapefileError, UnsafeArchiveError, MissingCoordinatesError,
    BadCoordinatesError, NoGeoreferenceError, EmptyLayerError,
    MissingFieldError, LayerNotFoundError, InvalidCrsError, OperationCancelled
    """
    task = Task(progress, cancel)
    path = Path(path)
    task.report(0.0, f"Opening {path.name}")
    if not path.exists():
        raise SourceNotFoundError(path=path)
    if not path.is_dir() and not path.is_file():
        raise NotAFileError(path=path)
    options: dict[str, Any] = {
        "crs": normalize_crs(crs) if crs is not None else None,
        "role": _role(role),
        "fields": fields,
    }
    if path.is_dir():
        shapefiles = _shapefiles(path)
        if not shapefiles:
            raise UnsupportedFormatError(
                path=path,
                hint={
                    "nl": "De map bevat geen shapefiles (.shp).",
                    "en": "The folder holds no shapefiles (.shp).",
                },
            )
        layers = _load_shapefiles(shapefiles, path, source=path, layer=layer, task=task, **options)
        task.report(1.0, "Done")
        return layers
    suffix = path.suffix.lower()
    known = VECTOR_SUFFIXES + CSV_SUFFIXES + RASTER_SUFFIXES + (".zip",)
    if suffix not in known:
        raise UnsupportedFormatError(path=path)
    with _reading(path):
        size = path.stat().st_size
    if size == 0:
        raise CorruptFileError(path=path, detail="empty file (0 bytes)")
    if suffix == ".zip":
        with extracted(path) as folder:
            shapefiles = _shapefiles(folder)
            if not shapefiles:
                raise ZipWithoutShapefileError(path=path)
            layers = _load_shapefiles(shapefiles, folder, source=path, layer=layer, task=task, **options)
    elif suffix in CSV_SUFFIXES and _is_od_table(path, options["role"]):
        from slimmeregio.layers.opportunities import read_od_table

        layers = [read_od_table(path, fields=dict(fields or {}))]
    elif suffix in CSV_SUFFIXES:
        layers = _load_csv(path, **options)
    elif suffix in RASTER_SUFFIXES:
        layers = _load_raster(path, **options)
    else:
        layers = _load_ogr(path, layer=layer, source=path, task=task, **options)
        if suffix == ".gpkg":
            layers = _apply_provenance(path, layers, keep_mapping=role is not None or fields is not None)
    task.report(1.0, "Done")
    return layers


def _apply_provenance(path: Path, layers: list[Layer], *, keep_mapping: bool) -> list[Layer]:
    """Provenance travels with the data: a GeoPackage with a ``provenance``
    table (the embedded region, or a copy of it) marks its illustrative layers
    with their note and attribution, and a layer the region knows gets the
    region's role and field mapping (unless the caller gave its own)."""
    import pyogrio

    try:
        if "provenance" not in {str(row[0]) for row in pyogrio.list_layers(path)}:
            return layers
        table = pyogrio.read_dataframe(path, layer="provenance", read_geometry=False)
    except Exception:  # noqa: BLE001 - no readable provenance: the layers as read
        return layers
    from slimmeregio.layers.region import REGION_FIELDS, REGION_ROLES

    rows = {str(r.get("layer", "")): r for r in table.fillna("").to_dict("records")}
    out = []
    for la in layers:
        key = la.source_layer or la.name
        row = rows.get(key)
        if row is None:
            out.append(la)
            continue
        changes: dict[str, Any] = {}
        if str(row.get("kind", "")) == "illustratief" and row.get("note_nl"):
            changes["note"] = str(row["note_nl"])
        if row.get("attribution"):
            changes["attribution"] = str(row["attribution"])
        mapping = REGION_FIELDS.get(key)
        if (not keep_mapping and mapping is not None and not la.is_raster
                and all(column in la.frame.columns for column in mapping.values())):
            changes["role"] = REGION_ROLES[key]
            changes["fields"] = dict(mapping)
        out.append(la.replace(**changes) if changes else la)
    return out

