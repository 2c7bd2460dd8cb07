"""The project file: one GeoPackage holding everything a project needs (the public entry points).

A project (``.srp``, or ``.gpkg``) is a standard GeoPackage, so QGIS or
ArcGIS open it and see the vector layers. Inside:

* every vector layer as a GeoPackage feature table in EPSG:31370, with its
  own columns (names and types restored exactly on load);
* every raster as a compressed GeoTIFF stored byte for byte in the
  attributes table ``slimmeregio_rasters`` (a BLOB per raster). GeoTIFF
  bytes round-trip exactly (values, nodata, CRS, transform, data type);
  GeoPackage raster tiles would resample to a tile matrix and only support a
  few data types, so they are not used;
* the attributes table ``slimmeregio_project`` with one row: the schema
  version, the application version and the project as JSON text (settings,
  layer order, per layer its table, role, field mapping, style, visibility,
  note, attribution, original CRS, source, load report; the scenarios as
  plain data).

Saving is atomic (see :mod:`.safe_io`): the old file stays intact until the
complete new file replaces it in one step. Loading checks the schema version
before reading any layer: a project from a newer version is refused with
:class:`ProjectVersionError`, an older one is migrated step by step through
``_MIGRATIONS`` (:mod:`.project_load`).

Recovery files (the desktop's autosave) live in :func:`recovery_dir`.
"""

from slimmeregio.layers.project_codec import (
    PROJECT_SUFFIXES,
    PROJECT_TABLE,
    RASTER_TABLE,
    SCHEMA_VERSION,
)
from slimmeregio.layers.project_load import is_project_file, load_project
from slimmeregio.layers.project_recovery import (
    discard_recovery,
    find_recovery,
    load_recovery,
    recovery_dir,
    recovery_is_quick,
    recovery_path,
    write_recovery,
)
from slimmeregio.layers.project_save import save_project

__all__ = [
    "PROJECT_SUFFIXES",
    "PROJECT_TABLE",
    "RASTER_TABLE",
    "SCHEMA_VERSION",
    "discard_recovery",
    "find_recovery",
    "is_project_file",
    "load_project",
    "load_recovery",
    "recovery_dir",
    "recovery_is_quick",
    "recovery_path",
    "save_project",
    "write_recovery",
]
