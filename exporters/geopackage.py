"""Result layers as one GeoPackage for GIS colleagues (QGIS, ArcGIS).

Per evaluation (the base and each scenario, prefixed ``basis_`` or
``s1_``, ``s2_`` ...): dwellings with their access times, mobipunten with
their catchments, service areas, links with potential bike flows, closed
links, municipality indicators (with the municipal polygons); per scenario
the dwellings that gain or lose access; the siting suggestions when given.

Every column has a Dutch title and description in the GeoPackage's
``gpkg_data_columns`` table (schema extension, shown by QGIS as field
aliases/comments), every layer a description in ``gpkg_contents``, and a
non-spatial ``metadata`` table holds the provenance block (scenario,
parameters, date, tool version, sources, illustrative note). All layers are
in Belgian Lambert 72 (EPSG:31370).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from slimmeregio.exporters._safe import writing
from slimmeregio.exporters.excel import _runs
from slimmeregio.exporters.meta import ExportMeta, build_meta
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import ANALYSIS_CRS, Project
from slimmeregio.layers.progress import Task
from slimmeregio.layers.roles import Role

__all__ = ["FIELD_DESCRIPTIONS", "LAYER_DESCRIPTIONS", "export_geopackage", "layer_slug"]

#: column -> (title, description), Dutch; written to gpkg_data_columns.
FIELD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "housing_id": ("Woning-id", "Id van het woningobject in de woningenlaag"),
    "name": ("Naam", "Naam van het object"),
    "status": ("Status", "bestaand of gepland"),
    "dwellings": ("Woningen", "Aantal woningen in dit object"),
    "inhabitants": ("Inwoners", "Woningen x gemiddelde gezinsgrootte"),
    "nis": ("NIS-code", "NIS-code van de gemeente"),
    "municipality": ("Gemeente", "Naam van de gemeente"),
    "walk_m_mobipunt": ("Wandelafstand mobipunt (m)", "Wandelafstand over het netwerk tot het dichtstbijzijnde mobipunt, in meter; leeg = niet bereikbaar"),
    "bike_min_mobipunt": ("Fietstijd mobipunt (min)", "Fietstijd over het netwerk tot het dichtstbijzijnde mobipunt, in minuten; leeg = niet bereikbaar"),
    "mobipunt_id": ("Mobipunt-id", "Id van het (dichtstbijzijnde) mobipunt"),
    "walk_m_station": ("Wandelafstand station (m)", "Wandelafstand over het netwerk tot het dichtstbijzijnde station, in meter"),
    "bike_min_station": ("Fietstijd station (min)", "Fietstijd over het netwerk tot het dichtstbijzijnde station, in minuten"),
    "station_id": ("Station-id", "Id van het (dichtstbijzijnde) station"),
    "snap_m": ("Afstand tot netwerk (m)", "Afstand van het punt tot de dichtstbijzijnde netwerklink, in meter"),
    "reachable": ("Bereikbaar", "1 = aangesloten op het netwerk, 0 = te ver van het netwerk"),
    "added": ("Toegevoegd", "1 = toegevoegd door het scenario"),
    "hoppin_type": ("Hoppin-type", "interregionaal, regionaal, lokaal of buurt"),
    "offer": ("Aanbod", "Mobiliteitsaanbod (deelfiets, deelauto, bus, trein ...)"),
    "catchment_dwellings": ("Woningen in verzorgingsgebied", "Woningen waarvoor dit mobipunt het dichtstbijzijnde is (fietstijd)"),
    "catchment_inhabitants": ("Inwoners in verzorgingsgebied", "Inwoners van de woningen in het verzorgingsgebied"),
    "change": ("Wijziging", "Wijziging door het scenario: added (toegevoegd), moved (verplaatst), upgraded (opgewaardeerd), gain (winst), loss (verlies)"),
    "minutes": ("Minuten", "Fietstijd die het bedieningsgebied begrenst"),
    "link_id": ("Link-id", "Id van de oorspronkelijke netwerklink"),
    "link_class": ("Linkklasse", "fietssnelweg, bovenlokaal, lokaal of overig"),
    "speed_kmh": ("Snelheid (km/u)", "Fietssnelheid op de link"),
    "length_m": ("Lengte (m)", "Lengte van de link in meter"),
    "oneway": ("Eenrichting", "1 = enkel te fietsen in de tekenrichting"),
    "flow_dwellings": ("Potentiële fietsers (woningen)", "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde station over deze link loopt"),
    "target": ("Bestemming", "mobipunt of station"),
    "mode": ("Vervoerswijze", "walk (wandelen) of bike (fietsen)"),
    "threshold": ("Drempel", "Drempel in meter (wandelen) of minuten (fietsen)"),
    "rank": ("Volgorde", "Volgorde van de voorgestelde locatie (1 = beste)"),
    "candidate_id": ("Kandidaat-id", "Id van de kandidaatlocatie"),
    "gain_dwellings": ("Extra woningen", "Woningen die door deze locatie nieuw binnen de drempel vallen"),
    "cumulative_dwellings": ("Extra woningen (cumulatief)", "Extra woningen met alle locaties tot en met deze"),
    "gain_inhabitants": ("Extra inwoners", "Inwoners die door deze locatie nieuw binnen de drempel vallen"),
    "share_after": ("Aandeel na (%)", "Aandeel woningen binnen de drempel na deze locatie"),
    "trains_per_day": ("Treinen per dag", "Gemiddeld aantal stoppende treinen per dag"),
}

#: layer kind -> description (Dutch), written to gpkg_contents.
LAYER_DESCRIPTIONS: dict[str, str] = {
    "woningen": "Woningen met wandelafstand en fietstijd tot het dichtstbijzijnde mobipunt en station",
    "mobipunten": "Mobipunten met hun verzorgingsgebied (woningen waarvoor ze het dichtstbijzijnde zijn)",
    "bedieningsgebieden": "Bedieningsgebied van elk mobipunt: gebied binnen de fietstijd over het netwerk",
    "fietsstromen": "Netwerklinks met het potentieel aantal fietsers (woningen) naar het station",
    "afgesloten_links": "Links die het scenario afsluit",
    "gemeenten": "Indicatoren per gemeente",
    "toegangswijzigingen": "Woningen die toegang winnen of verliezen binnen een drempel",
    "locatievoorstellen": "Voorgestelde locaties voor nieuwe mobipunten",
}


def layer_slug(text: str, *, max_length: int = 24) -> str:
    """A GeoPackage table-name part from ``text``: lowercase ASCII, digits, ``_``."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:max_length].strip("_")
    return slug or "scenario"


def _municipality_layer(project: Project | None, table: pd.DataFrame) -> gpd.GeoDataFrame | None:
    if project is None:
        return None
    layer = project.layers.first(Role.MUNICIPALITIES)
    if layer is None or layer.is_raster or not layer.has_field("nis"):
        return None
    geoms = gpd.GeoDataFrame({"nis": layer.column("nis").astype(str).values}, geometry=layer.frame.geometry.values,
                             crs=layer.frame.crs)
    table = table.assign(nis=table["nis"].astype(str))
    return gpd.GeoDataFrame(geoms.merge(table, on="nis", how="inner"), geometry="geometry", crs=layer.frame.crs)


def _prepare(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Plain column types GDAL can write (no tuples/lists/objects)."""
    out = frame.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        series = out[col]
        if series.dtype == object:
            out[col] = series.map(lambda v: None if v is None else (", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v)))
        elif str(series.dtype) == "bool":
            out[col] = series.astype(bool)
    if out.crs is None:
        out = out.set_crs(ANALYSIS_CRS)
    return out


def _write_layer(path: Path, name: str, frame: gpd.GeoDataFrame, first: bool) -> None:
    import pyogrio

    frame = _prepare(frame)
    pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=not first, promote_to_multi=None)


def _field_title(column: str) -> tuple[str, str]:
    if column in FIELD_DESCRIPTIONS:
        return FIELD_DESCRIPTIONS[column]
    from slimmeregio.scenarios.results import indicator_label, indicator_unit

    label = indicator_label(column, "nl")
    if label != column:
        unit = indicator_unit(column)
        return label, f"{label} ({'aantal' if unit == 'count' else unit})"
    return column, column


def _describe(path: Path, layers: dict[str, tuple[str, list[str]]], meta: ExportMeta) -> None:
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
        for table, (description, columns) in layers.items():
            con.execute("UPDATE gpkg_contents SET description = ?, identifier = ? WHERE table_name = ?",
                        (description, table, table))
            for column in columns:
                title, text = _field_title(column)
                con.execute(
                    "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (table, column, column, title, text),
                )
        con.execute("CREATE TABLE metadata (id INTEGER PRIMARY KEY AUTOINCREMENT, sleutel TEXT NOT NULL, waarde TEXT)")
        rows = [(label, value) for label, value in meta.rows("nl")]
        rows.append(("parameters (JSON)", json.dumps(meta.to_dict()["parameters"], ensure_ascii=False)))
        con.executemany("INSERT INTO metadata (sleutel, waarde) VALUES (?, ?)", rows)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES ('metadata', 'attributes', 'metadata', ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            ("Herkomst: scenario, parameters, datum, versie, bronnen",),
        )
        for col, title, text in (("sleutel", "Sleutel", "Onderdeel van de metadata"), ("waarde", "Waarde", "Waarde")):
            con.execute(
                "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, description) "
                "VALUES ('metadata', ?, ?, ?, ?)", (col, col, title, text))
        con.commit()
    finally:
        con.close()


def export_geopackage(
    project: Project | None,
    results: Sequence[Any],
    path: str | Path,
    *,
    siting: Any = None,
    meta: ExportMeta | None = None,
    force: bool = False,
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write the result layers of ``results`` to the GeoPackage ``path``.

    Returns the path. Layer names: ``<prefix>_<kind>`` with prefix ``basis``
    or ``s<n>_<scenario slug>``; see :data:`LAYER_DESCRIPTIONS`. Written
    atomically; replaced only with ``force``.
    """
    task = Task(progress, cancel)
    base, runs = _runs(list(results))
    if base is None and not runs:
        raise ExportError(path=path, reason={"nl": "geen resultaten om te exporteren", "en": "no results to export"})
    first_eval = runs[0][1] if runs else base
    if meta is None:
        meta = build_meta(project or Project(), scenario=first_eval.scenario, parameters=first_eval.parameters,
                          scenarios=[ev.scenario for _, ev, _ in runs])
    plan: list[tuple[str, str, gpd.GeoDataFrame]] = []
    evaluations = ([("basis", "basis", base, None)] if base is not None else []) + [
        (f"s{i}_{layer_slug(name)}", name, ev, comp) for i, (name, ev, comp) in enumerate(runs, start=1)
    ]
    for prefix, name, ev, comp in evaluations:
        label = "basistoestand" if prefix == "basis" else f"scenario {name}"
        plan.append((f"{prefix}_woningen", f"{LAYER_DESCRIPTIONS['woningen']} ({label})", ev.dwellings))
        plan.append((f"{prefix}_mobipunten", f"{LAYER_DESCRIPTIONS['mobipunten']} ({label})", ev.mobipunten))
        if ev.service_areas is not None and not ev.service_areas.empty:
            plan.append((f"{prefix}_bedieningsgebieden", f"{LAYER_DESCRIPTIONS['bedieningsgebieden']} ({label})",
                         ev.service_areas))
        plan.append((f"{prefix}_fietsstromen", f"{LAYER_DESCRIPTIONS['fietsstromen']} ({label})", ev.links))
        if ev.removed_links is not None and not ev.removed_links.empty:
            plan.append((f"{prefix}_afgesloten_links", f"{LAYER_DESCRIPTIONS['afgesloten_links']} ({label})",
                         ev.removed_links))
        munis = _municipality_layer(project, ev.municipalities)
        if munis is not None:
            plan.append((f"{prefix}_gemeenten", f"{LAYER_DESCRIPTIONS['gemeenten']} ({label})", munis))
        if comp is not None and not comp.access_changes.empty:
            plan.append((f"{prefix}_toegangswijzigingen", f"{LAYER_DESCRIPTIONS['toegangswijzigingen']} ({label})",
                         comp.access_changes))
    if siting is not None and len(siting.sites):
        plan.append(("locatievoorstellen",
                     f"{LAYER_DESCRIPTIONS['locatievoorstellen']} (binnen {siting.threshold_min:g} min fietsen)",
                     siting.sites))
    described: dict[str, tuple[str, list[str]]] = {}
    with writing(path, force=force) as tmp:
        for i, (table, description, frame) in enumerate(plan):
            task.report(i / (len(plan) + 1), f"layer {table}")
            _write_layer(tmp, table, frame, first=(i == 0))
            described[table] = (description, [c for c in frame.columns if c != frame.geometry.name])
        _describe(tmp, described, meta)
        task.report(1.0, "geopackage written")
    return Path(path)
