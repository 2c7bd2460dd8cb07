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

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from slimmeregio.layers.archive import extracted
from slimmeregio.layers.crs import (
    crs_label,
    crs_to_string,
    diagnose_outside,
    guess_crs,
    inside_belgium,
    normalize_crs,
)
from slimmeregio.layers.crs_assign import assign_crs, check_extent, reproject
from slimmeregio.layers.csvio import CsvInfo, read_csv_points
from slimmeregio.layers.errors import (
    CorruptFileError,
    EmptyLayerError,
    LayerNotFoundError,
    NoGeoreferenceError,
    NotAFileError,
    SourceNotFoundError,
    UnsupportedFormatError,
    ZipWithoutShapefileError,
)
from slimmeregio.layers.gdal_safety import (
    open_raster,
    read_edges,
)
from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerReport, RasterData
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.repair import repair_geometries
from slimmeregio.layers.roles import (
    ROLE_NAME_WORDS,
    Role,
    normalize_name,
)
from slimmeregio.layers.values import (
    canonicalize_layer,
    canonicalize_values,
    coerce_columns,
    map_fields,
)
from slimmeregio.layers.vector_read import (
    guarded_read,
    list_source_layers,
    read_vector,
    report_dbf_mismatch,
    sidecar,
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
    frame = repair_geometries(frame, report, one_point_lines=one_point_lines)
    if frame.empty:
        raise EmptyLayerError(path=path, layer=name)
    result = assign_crs(frame, report, crs=normalized_crs, csv=csv)
    projected = reproject(result.frame, path or Path(name), name)
    check_extent(result.frame, projected, result.original, report)
    chosen, mapping = map_fields(
        projected, name, path, report, role=role, fields=fields, role_hint=role_hint
    )
    projected = coerce_columns(projected, chosen, mapping, report)
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
    with guarded_read(path):
        frame, info = read_csv_points(path)
    report = LayerReport()
    _csv_report(info, report)
    return [prepare_frame(frame, name=path.stem, path=path, report=report, csv=info, **options)]


def _raster_role(role: Role | None, name: str, report: LayerReport) -> Role:
    if role in (Role.POPULATION_GRID, Role.ELEVATION, Role.OTHER):
        return role
    if role is not None:
        report.add(
            "role_geometry",
            f"Een raster kan geen rol {role.label('nl')} krijgen; geladen als 'andere'.",
            f"A raster cannot take the role {role.label('en')}; loaded as 'other'.",
        )
        return Role.OTHER
    normalized = normalize_name(name)
    if set(normalized.split("_")) & set(ROLE_NAME_WORDS[Role.ELEVATION]):
        return Role.ELEVATION
    words = ROLE_NAME_WORDS[Role.POPULATION_GRID]
    return Role.POPULATION_GRID if any(w in normalized for w in words) else Role.OTHER


def _load_raster(path: Path, *, crs: str | None, role: Role | None, **_: Any) -> list[Layer]:
    report = LayerReport()
    normalized_crs = normalize_crs(crs) if crs is not None else None
    with guarded_read(path), open_raster(path) as src:
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
    with guarded_read(path):
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
        frame, one_point = read_vector(path, source_layer)
        name = source_layer if multi else (name_prefix or path.stem)
        report = LayerReport()
        if path.suffix.lower() == ".shp" and sidecar(path, ".dbf") is None:
            report.add(
                "dbf_missing",
                "De shapefile mist haar .dbf-bestand: de geometrie is geladen, alle attributen ontbreken.",
                "The shapefile lacks its .dbf file: the geometry was loaded, every attribute is missing.",
            )
        report_dbf_mismatch(path, report)
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
    shapefiles: Sequence[Path],
    root: Path,
    *,
    source: Path,
    layer: str | None,
    task: Task,
    **options: Any,
) -> list[Layer]:
    if layer is not None:
        chosen = [
            p for p in shapefiles if p.stem == layer or p.relative_to(root).as_posix() == layer
        ]
        if not chosen:
            available = ", ".join(p.stem for p in shapefiles)
            raise LayerNotFoundError(path=source, layer=layer, available=available)
        shapefiles = chosen
    layers: list[Layer] = []
    for i, shp in enumerate(shapefiles):
        sub = task.sub(i / len(shapefiles), (i + 1) / len(shapefiles))
        layers += _load_ogr(
            shp, layer=None, source=source, task=sub, name_prefix=shp.stem, **options
        )
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
        layers = _load_folder(path, layer=layer, task=task, options=options)
        task.report(1.0, "Done")
        return layers
    suffix = path.suffix.lower()
    known = VECTOR_SUFFIXES + CSV_SUFFIXES + RASTER_SUFFIXES + (".zip",)
    if suffix not in known:
        raise UnsupportedFormatError(path=path)
    with guarded_read(path):
        size = path.stat().st_size
    if size == 0:
        raise CorruptFileError(path=path, detail="empty file (0 bytes)")
    if suffix == ".zip":
        with extracted(path) as folder:
            shapefiles = _shapefiles(folder)
            if not shapefiles:
                raise ZipWithoutShapefileError(path=path)
            layers = _load_shapefiles(
                shapefiles, folder, source=path, layer=layer, task=task, **options
            )
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
            layers = _apply_provenance(
                path, layers, keep_mapping=role is not None or fields is not None
            )
    task.report(1.0, "Done")
    return layers


def _load_folder(
    path: Path, *, layer: str | None, task: Task, options: dict[str, Any]
) -> list[Layer]:
    """The shapefiles of a folder (UnsupportedFormatError when it holds none)."""
    shapefiles = _shapefiles(path)
    if not shapefiles:
        raise UnsupportedFormatError(
            path=path,
            hint={
                "nl": "De map bevat geen shapefiles (.shp).",
                "en": "The folder holds no shapefiles (.shp).",
            },
        )
    return _load_shapefiles(shapefiles, path, source=path, layer=layer, task=task, **options)


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
        if (
            not keep_mapping
            and mapping is not None
            and not la.is_raster
            and all(column in la.frame.columns for column in mapping.values())
        ):
            changes["role"] = REGION_ROLES[key]
            changes["fields"] = dict(mapping)
        out.append(la.replace(**changes) if changes else la)
    return out
