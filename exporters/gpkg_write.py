"""Writing the GeoPackage: layers in column types GDAL can write, then their column titles, layer descriptions and the provenance table."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np

from slimmeregio.exporters._safe import xml_text
from slimmeregio.exporters.gpkg_fields import field_description
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.layers.model import ANALYSIS_CRS


def _prepare(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Plain column types GDAL can write (no tuples/lists/objects)."""
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if series.dtype == object:
            out[col] = series.map(
                lambda v: (
                    None
                    if v is None
                    else (", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v))
                )
            )
        elif str(series.dtype) == "bool":
            out[col] = series.astype(bool)
        elif (
            "dwellings" in str(col) and series.dtype.kind == "f"
        ):  # counts of dwellings are whole numbers
            values = series.to_numpy()
            finite = values[~np.isnan(values)]
            if finite.size == 0 or np.all(finite == np.round(finite)):
                out[col] = series.round().astype("Int64")
    if out.crs is None:
        out = out.set_crs(ANALYSIS_CRS)
    return out


def write_layer(path: Path, name: str, frame: gpd.GeoDataFrame, first: bool) -> None:
    import pyogrio

    frame = _prepare(frame)
    pyogrio.write_dataframe(
        frame, path, layer=name, driver="GPKG", append=not first, promote_to_multi=None
    )


def describe_layers(
    path: Path, layers: dict[str, tuple[str, str, list[str]]], meta: ExportMeta, lang: str
) -> None:
    """Write gpkg_data_columns, layer descriptions and the metadata table."""
    con = sqlite3.connect(path)
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
            "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
            "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
            "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
            "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))"
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', "
            "'http://www.geopackage.org/spec/#extension_schema', 'read-write')"
        )
        for table, (kind, description, columns) in layers.items():
            con.execute(
                "UPDATE gpkg_contents SET description = ?, identifier = ? WHERE table_name = ?",
                (description, table, table),
            )
            for column in columns:
                title, text = field_description(column, lang, kind=kind)
                con.execute(
                    "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (table, column, column, title, text),
                )
        con.execute(
            "CREATE TABLE metadata (id INTEGER PRIMARY KEY AUTOINCREMENT, sleutel TEXT NOT NULL, waarde TEXT)"
        )
        # the provenance texts go to GIS dialogs and XML exports of them: no XML-invalid characters
        rows = [
            (label, xml_text(value) if isinstance(value, str) else value)
            for label, value in meta.rows(lang)
        ]
        rows.append(
            ("parameters (JSON)", json.dumps(meta.to_dict()["parameters"], ensure_ascii=False))
        )
        con.executemany("INSERT INTO metadata (sleutel, waarde) VALUES (?, ?)", rows)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES ('metadata', 'attributes', 'metadata', ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            (
                "Provenance: scenario, parameters, date, version, sources"
                if lang == "en"
                else "Herkomst: scenario, parameters, datum, versie, bronnen",
            ),
        )
        meta_columns = (
            (("sleutel", "Key", "Part of the metadata"), ("waarde", "Value", "Value"))
            if lang == "en"
            else (
                ("sleutel", "Sleutel", "Onderdeel van de metadata"),
                ("waarde", "Waarde", "Waarde"),
            )
        )
        for col, title, text in meta_columns:
            con.execute(
                "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description) "
                "VALUES ('metadata', ?, ?, ?, ?)",
                (col, col, title, text),
            )
        con.commit()
    finally:
        con.close()
