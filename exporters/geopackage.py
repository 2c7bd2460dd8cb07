"""Result layers as one GeoPackage for GIS colleagues (QGIS, ArcGIS).

Per evaluation (the base and each scenario, prefixed ``basis_`` or
``s1_``, ``s2_`` ...): dwellings with their access times, mobipunten with
their catchments, service areas, links with potential bike flows (towards
the station and towards the Brussels border), closed links, the entry points
on the Brussels border, municipality indicators (with the municipal
polygons); per scenario the dwellings that gain or lose access and the links
whose potential flow changes; the siting suggestions when given.

Every column has a title and description in the GeoPackage's
``gpkg_data_columns`` table (schema extension, shown by QGIS as field
aliases/comments), every layer a description in ``gpkg_contents``, and a
non-spatial ``metadata`` table holds the provenance block (scenario,
parameters, date, tool version, sources, illustrative note, remarks on the
results). Texts are Dutch, or English with ``lang="en"``; the table and
column names do not change with the language. All layers are in Belgian
Lambert 72 (EPSG:31370).
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
import numpy as np
import pandas as pd

from slimmeregio.exporters._safe import writing, xml_text
from slimmeregio.exporters.gpkg_delta import DELTA_KEYS, changed_rows
from slimmeregio.exporters.gpkg_styles import write_layer_styles
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.result_runs import results_meta, results_to_export
from slimmeregio.layers.model import ANALYSIS_CRS, Project
from slimmeregio.layers.progress import Task
from slimmeregio.layers.roles import Role

__all__ = [
    "FIELD_DESCRIPTIONS",
    "FIELD_DESCRIPTIONS_EN",
    "LAYER_DESCRIPTIONS",
    "LAYER_DESCRIPTIONS_EN",
    "export_geopackage",
    "field_description",
    "layer_slug",
]

#: column -> (title, description), Dutch; written to gpkg_data_columns.
FIELD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "housing_id": ("Woning-id", "Id van het woningobject in de woningenlaag"),
    "name": ("Naam", "Naam van het object"),
    "status": ("Status", "bestaand of gepland"),
    "dwellings": ("Woningen", "Aantal woningen in dit object"),
    "inhabitants": ("Inwoners", "Woningen x gemiddelde gezinsgrootte"),
    "nis": ("NIS-code", "NIS-code van de gemeente"),
    "municipality": ("Gemeente", "Naam van de gemeente"),
    "walk_m_mobipunt": (
        "Wandelafstand mobipunt (m)",
        "Wandelafstand over het netwerk tot het dichtstbijzijnde mobipunt, in meter; leeg = niet bereikbaar",
    ),
    "bike_min_mobipunt": (
        "Fietstijd mobipunt (min)",
        "Fietstijd over het netwerk tot het dichtstbijzijnde mobipunt, in minuten; leeg = niet bereikbaar",
    ),
    "mobipunt_id": ("Mobipunt-id", "Id van het (dichtstbijzijnde) mobipunt"),
    "walk_m_station": (
        "Wandelafstand station (m)",
        "Wandelafstand over het netwerk tot het dichtstbijzijnde station, in meter",
    ),
    "bike_min_station": (
        "Fietstijd station (min)",
        "Fietstijd over het netwerk tot het dichtstbijzijnde station, in minuten",
    ),
    "station_id": ("Station-id", "Id van het (dichtstbijzijnde) station"),
    "snap_m": (
        "Afstand tot netwerk (m)",
        "Afstand van het punt tot de dichtstbijzijnde netwerklink, in meter",
    ),
    "reachable": ("Bereikbaar", "1 = aangesloten op het netwerk, 0 = te ver van het netwerk"),
    "added": ("Toegevoegd", "1 = toegevoegd door het scenario"),
    "hoppin_type": ("Hoppin-type", "interregionaal, regionaal, lokaal of buurt"),
    "offer": ("Aanbod", "Mobiliteitsaanbod (deelfiets, deelauto, bus, trein ...)"),
    "catchment_dwellings": (
        "Woningen in verzorgingsgebied",
        "Woningen waarvoor dit mobipunt het dichtstbijzijnde is (fietstijd)",
    ),
    "catchment_inhabitants": (
        "Inwoners in verzorgingsgebied",
        "Inwoners van de woningen in het verzorgingsgebied",
    ),
    "change": (
        "Wijziging",
        "Wijziging door het scenario: added (toegevoegd), moved (verplaatst), upgraded (opgewaardeerd), gain (winst), loss (verlies)",
    ),
    "minutes": ("Minuten", "Fietstijd die het bedieningsgebied begrenst"),
    "link_id": ("Link-id", "Id van de oorspronkelijke netwerklink"),
    "link_class": ("Linkklasse", "fietssnelweg, bovenlokaal, lokaal of overig"),
    "speed_kmh": ("Snelheid (km/u)", "Fietssnelheid op de link"),
    "length_m": ("Lengte (m)", "Lengte van de link in meter"),
    "oneway": ("Eenrichting", "1 = enkel te fietsen in de tekenrichting"),
    "flow_dwellings": (
        "Potentiële fietsers (woningen)",
        "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde station over deze link loopt",
    ),
    "target": ("Bestemming", "mobipunt of station"),
    "mode": ("Vervoerswijze", "walk (wandelen) of bike (fietsen)"),
    "threshold": ("Drempel", "Drempel in meter (wandelen) of minuten (fietsen)"),
    "rank": ("Volgorde", "Volgorde van de voorgestelde locatie (1 = beste)"),
    "candidate_id": ("Kandidaat-id", "Id van de kandidaatlocatie"),
    "gain_dwellings": (
        "Extra woningen",
        "Woningen die door deze locatie nieuw binnen de drempel vallen",
    ),
    "cumulative_dwellings": (
        "Extra woningen (cumulatief)",
        "Extra woningen met alle locaties tot en met deze",
    ),
    "gain_inhabitants": (
        "Extra inwoners",
        "Inwoners die door deze locatie nieuw binnen de drempel vallen",
    ),
    "share_after": ("Aandeel na (%)", "Aandeel woningen binnen de drempel na deze locatie"),
    "trains_per_day": ("Treinen per dag", "Gemiddeld aantal stoppende treinen per dag"),
    "bike_min_brussels": (
        "Fietstijd Brusselse grens (min)",
        "Fietstijd over het netwerk tot het dichtstbijzijnde toegangspunt op de Brusselse grens, in minuten; leeg = niet bereikbaar, in Brussel of geen Brussel-laag",
    ),
    "brussels_entry_id": (
        "Toegangspunt Brussel",
        "Id van het dichtstbijzijnde toegangspunt op de Brusselse grens (zie de laag toegangspunten_brussel)",
    ),
    "flow_brussels_dwellings": (
        "Potentiële fietsers naar Brussel (woningen)",
        "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde toegangspunt op de Brusselse grens over deze link loopt",
    ),
    "entry_id": (
        "Toegangspunt-id",
        "Id van het toegangspunt: <link-id>@<volgnummer van de kruising>",
    ),
    "base_flow_dwellings": (
        "Fietsers naar station, basis",
        "Potentiële fietsers (woningen) naar het station in de basistoestand; grootste waarde over de delen van de link",
    ),
    "scenario_flow_dwellings": (
        "Fietsers naar station, scenario",
        "Potentiële fietsers (woningen) naar het station in het scenario",
    ),
    "delta_flow_dwellings": (
        "Verschil fietsers naar station",
        "Scenario min basis: potentiële fietsers (woningen) naar het station",
    ),
    "base_flow_brussels_dwellings": (
        "Fietsers naar Brussel, basis",
        "Potentiële fietsers (woningen) naar de Brusselse grens in de basistoestand; grootste waarde over de delen van de link",
    ),
    "scenario_flow_brussels_dwellings": (
        "Fietsers naar Brussel, scenario",
        "Potentiële fietsers (woningen) naar de Brusselse grens in het scenario",
    ),
    "delta_flow_brussels_dwellings": (
        "Verschil fietsers naar Brussel",
        "Scenario min basis: potentiële fietsers (woningen) naar de Brusselse grens",
    ),
    "flow_bike_commuters": (
        "Potentiële fietspendelaars",
        "Pendelaars (Go Dutch) van wie de kortste fietsroute naar het werk over deze link loopt",
    ),
    "base_flow_bike_commuters": (
        "Fietspendelaars, basis",
        "Potentiële fietspendelaars (Go Dutch) in de basistoestand; grootste waarde over de delen van de link",
    ),
    "scenario_flow_bike_commuters": (
        "Fietspendelaars, scenario",
        "Potentiële fietspendelaars (Go Dutch) in het scenario",
    ),
    "delta_flow_bike_commuters": (
        "Verschil fietspendelaars",
        "Scenario min basis: potentiële fietspendelaars (Go Dutch)",
    ),
    "opp_id": ("Werkplaats-id", "Id van de werkplaats (banenlaag)"),
    "jobs": ("Banen", "Aantal banen op deze werkplaats"),
}

#: column -> (title, description), English (``lang="en"``); same keys as :data:`FIELD_DESCRIPTIONS`.
FIELD_DESCRIPTIONS_EN: dict[str, tuple[str, str]] = {
    "housing_id": ("Housing id", "Id of the feature in the housing layer"),
    "name": ("Name", "Name of the feature"),
    "status": ("Status", "existing (bestaand) or planned (gepland)"),
    "dwellings": ("Dwellings", "Number of dwellings in this feature"),
    "inhabitants": ("Inhabitants", "Dwellings x average household size"),
    "nis": ("NIS code", "NIS code of the municipality"),
    "municipality": ("Municipality", "Name of the municipality"),
    "walk_m_mobipunt": (
        "Walk to hub (m)",
        "Walking distance over the network to the nearest mobility hub, in metres; empty = not reachable",
    ),
    "bike_min_mobipunt": (
        "Cycle to hub (min)",
        "Cycling time over the network to the nearest mobility hub, in minutes; empty = not reachable",
    ),
    "mobipunt_id": ("Hub id", "Id of the (nearest) mobility hub"),
    "walk_m_station": (
        "Walk to station (m)",
        "Walking distance over the network to the nearest station, in metres",
    ),
    "bike_min_station": (
        "Cycle to station (min)",
        "Cycling time over the network to the nearest station, in minutes",
    ),
    "station_id": ("Station id", "Id of the (nearest) station"),
    "snap_m": (
        "Distance to network (m)",
        "Distance from the point to the nearest network link, in metres",
    ),
    "reachable": ("Reachable", "1 = attached to the network, 0 = too far from the network"),
    "added": ("Added", "1 = added by the scenario"),
    "hoppin_type": (
        "Hoppin type",
        "interregionaal, regionaal, lokaal or buurt (interregional, regional, local, neighbourhood)",
    ),
    "offer": ("Offer", "Mobility offer (shared bike, shared car, bus, train ...)"),
    "catchment_dwellings": (
        "Dwellings in catchment",
        "Dwellings for which this hub is the nearest (cycling time)",
    ),
    "catchment_inhabitants": (
        "Inhabitants in catchment",
        "Inhabitants of the dwellings in the catchment",
    ),
    "change": ("Change", "Change by the scenario: added, moved, upgraded, removed, gain, loss"),
    "minutes": ("Minutes", "Cycling time that bounds the service area"),
    "link_id": ("Link id", "Id of the original network link"),
    "link_class": (
        "Link class",
        "fietssnelweg, bovenlokaal, lokaal or overig (cycle highway, main, local, other)",
    ),
    "speed_kmh": ("Speed (km/h)", "Cycling speed on the link"),
    "length_m": ("Length (m)", "Length of the link in metres"),
    "oneway": ("One-way", "1 = can only be cycled in the direction of digitising"),
    "flow_dwellings": (
        "Potential cyclists (dwellings)",
        "Dwellings whose shortest cycling route to the nearest station uses this link",
    ),
    "target": ("Destination", "mobipunt (mobility hub) or station"),
    "mode": ("Mode", "walk or bike"),
    "threshold": ("Threshold", "Threshold in metres (walking) or minutes (cycling)"),
    "rank": ("Rank", "Order of the suggested site (1 = best)"),
    "candidate_id": ("Candidate id", "Id of the candidate site"),
    "gain_dwellings": (
        "Extra dwellings",
        "Dwellings newly within the threshold thanks to this site",
    ),
    "cumulative_dwellings": (
        "Extra dwellings (cumulative)",
        "Extra dwellings with all sites up to and including this one",
    ),
    "gain_inhabitants": (
        "Extra inhabitants",
        "Inhabitants newly within the threshold thanks to this site",
    ),
    "share_after": ("Share after (%)", "Share of dwellings within the threshold after this site"),
    "trains_per_day": ("Trains per day", "Average number of trains stopping per day"),
    "bike_min_brussels": (
        "Cycle to Brussels border (min)",
        "Cycling time over the network to the nearest entry point on the Brussels border, in minutes; empty = not reachable, inside Brussels or no Brussels layer",
    ),
    "brussels_entry_id": (
        "Brussels entry point",
        "Id of the nearest entry point on the Brussels border (see the layer toegangspunten_brussel)",
    ),
    "flow_brussels_dwellings": (
        "Potential cyclists to Brussels (dwellings)",
        "Dwellings whose shortest cycling route to the nearest entry point on the Brussels border uses this link",
    ),
    "entry_id": ("Entry point id", "Id of the entry point: <link id>@<number of the crossing>"),
    "base_flow_dwellings": (
        "Cyclists to station, base",
        "Potential cyclists (dwellings) to the station in the base situation; largest value over the parts of the link",
    ),
    "scenario_flow_dwellings": (
        "Cyclists to station, scenario",
        "Potential cyclists (dwellings) to the station in the scenario",
    ),
    "delta_flow_dwellings": (
        "Change in cyclists to station",
        "Scenario minus base: potential cyclists (dwellings) to the station",
    ),
    "base_flow_brussels_dwellings": (
        "Cyclists to Brussels, base",
        "Potential cyclists (dwellings) to the Brussels border in the base situation; largest value over the parts of the link",
    ),
    "scenario_flow_brussels_dwellings": (
        "Cyclists to Brussels, scenario",
        "Potential cyclists (dwellings) to the Brussels border in the scenario",
    ),
    "delta_flow_brussels_dwellings": (
        "Change in cyclists to Brussels",
        "Scenario minus base: potential cyclists (dwellings) to the Brussels border",
    ),
    "flow_bike_commuters": (
        "Potential bike commuters",
        "Commuters (Go Dutch) whose shortest cycling route to work uses this link",
    ),
    "base_flow_bike_commuters": (
        "Bike commuters, base",
        "Potential bike commuters (Go Dutch) in the base situation; largest value over the parts of the link",
    ),
    "scenario_flow_bike_commuters": (
        "Bike commuters, scenario",
        "Potential bike commuters (Go Dutch) in the scenario",
    ),
    "delta_flow_bike_commuters": (
        "Change in bike commuters",
        "Scenario minus base: potential bike commuters (Go Dutch)",
    ),
    "opp_id": ("Workplace id", "Id of the workplace (jobs layer)"),
    "jobs": ("Jobs", "Number of jobs at this workplace"),
}

#: (layer kind, column) -> ((title, description) Dutch, (title, description) English) where a
#: column means something else in that layer.
_LAYER_FIELDS: dict[tuple[str, str], tuple[tuple[str, str], tuple[str, str]]] = {
    ("toegangspunten_brussel", "dwellings"): (
        (
            "Woningen",
            "Woningen waarvoor dit toegangspunt het dichtstbijzijnde op de Brusselse grens is (fietstijd)",
        ),
        (
            "Dwellings",
            "Dwellings for which this is the nearest entry point on the Brussels border (cycling time)",
        ),
    ),
    ("toegangspunten_brussel", "name"): (
        ("Straat", "Naam van de link die de grens kruist"),
        ("Street", "Name of the link that crosses the border"),
    ),
}

#: layer kind -> description (Dutch), written to gpkg_contents.
LAYER_DESCRIPTIONS: dict[str, str] = {
    "woningen": "Woningen met wandelafstand en fietstijd tot het dichtstbijzijnde mobipunt en station",
    "mobipunten": "Mobipunten met hun verzorgingsgebied (woningen waarvoor ze het dichtstbijzijnde zijn)",
    "bedieningsgebieden": "Bedieningsgebied van elk mobipunt: gebied binnen de fietstijd over het netwerk",
    "fietsstromen": "Netwerklinks met het potentieel aantal fietsers (woningen) naar het station en naar de Brusselse grens",
    "afgesloten_links": "Links die het scenario afsluit",
    "toegangspunten_brussel": "Toegangspunten waar het fietsnetwerk de Brusselse grens kruist, met de woningen waarvoor elk het dichtstbijzijnde is",
    "fietsstromen_verschil": "Links waarvan de potentiële fietsstroom door het scenario verandert (naar het station en naar Brussel)",
    "gemeenten": "Indicatoren per gemeente",
    "toegangswijzigingen": "Woningen die toegang winnen of verliezen binnen een drempel",
    "locatievoorstellen": "Voorgestelde locaties voor nieuwe mobipunten",
    "werkplaatsen": "Werkplaatsen met hun pendelaars en potentiële fietspendelaars per scenario (huidig, beleidsdoel, Go Dutch, e-fiets)",
}

#: layer kind -> description (English, ``lang="en"``).
LAYER_DESCRIPTIONS_EN: dict[str, str] = {
    "woningen": "Dwellings with walking distance and cycling time to the nearest mobility hub and station",
    "mobipunten": "Mobility hubs with their catchment (dwellings for which they are the nearest)",
    "bedieningsgebieden": "Service area of each mobility hub: the area within the cycling time over the network",
    "fietsstromen": "Network links with the potential number of cyclists (dwellings) to the station and to the Brussels border",
    "afgesloten_links": "Links the scenario closes",
    "toegangspunten_brussel": "Entry points where the bike network crosses the Brussels border, with the dwellings for which each is the nearest",
    "fietsstromen_verschil": "Links whose potential bike flow the scenario changes (to the station and to Brussels)",
    "gemeenten": "Indicators per municipality",
    "toegangswijzigingen": "Dwellings gaining or losing access within a threshold",
    "locatievoorstellen": "Suggested sites for new mobility hubs",
    "werkplaatsen": "Workplaces with their commuters and potential bike commuters per scenario (current, government target, Go Dutch, e-bike)",
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
    geoms = gpd.GeoDataFrame(
        {"nis": layer.column("nis").astype(str).values},
        geometry=layer.frame.geometry.values,
        crs=layer.frame.crs,
    )
    table = table.assign(nis=table["nis"].astype(str))
    return gpd.GeoDataFrame(
        geoms.merge(table, on="nis", how="inner"), geometry="geometry", crs=layer.frame.crs
    )


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


def _write_layer(path: Path, name: str, frame: gpd.GeoDataFrame, first: bool) -> None:
    import pyogrio

    frame = _prepare(frame)
    pyogrio.write_dataframe(
        frame, path, layer=name, driver="GPKG", append=not first, promote_to_multi=None
    )


def field_description(column: str, lang: str = "nl", *, kind: str | None = None) -> tuple[str, str]:
    """``(title, description)`` of ``column`` in ``lang`` (``"nl"`` or ``"en"``).

    ``kind`` is the layer kind (a key of :data:`LAYER_DESCRIPTIONS`) where a
    column means something particular in that layer. Indicator columns get
    their indicator label; an unknown column its own name.
    """
    en = lang == "en"
    if kind is not None and (kind, column) in _LAYER_FIELDS:
        return _LAYER_FIELDS[(kind, column)][1 if en else 0]
    table = FIELD_DESCRIPTIONS_EN if en else FIELD_DESCRIPTIONS
    if column in table:
        return table[column]
    from slimmeregio.scenarios.results import indicator_label, indicator_unit

    label = indicator_label(column, "en" if en else "nl")
    if label != column:
        unit = indicator_unit(column)
        return label, f"{label} ({('count' if en else 'aantal') if unit == 'count' else unit})"
    return column, column


def _describe(
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


def export_geopackage(
    project: Project | None,
    results: Sequence[Any],
    path: str | Path,
    *,
    siting: Any = None,
    meta: ExportMeta | None = None,
    lang: str = "nl",
    force: bool = False,
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write the result layers of ``results`` to the GeoPackage ``path``.

    Returns the path. Layer names: ``<prefix>_<kind>`` with prefix ``basis``
    or ``s<n>_<scenario slug>``; see :data:`LAYER_DESCRIPTIONS`. Titles and
    descriptions are Dutch, or English with ``lang="en"``. Written
    atomically; replaced only with ``force``.
    """
    task = Task(progress, cancel)
    en = lang == "en"
    base, runs = results_to_export(results, path)
    meta = results_meta(project, base, runs, meta, lang)
    descriptions = LAYER_DESCRIPTIONS_EN if en else LAYER_DESCRIPTIONS
    plan: list[tuple[str, str, str, gpd.GeoDataFrame]] = []
    evaluations = ([("basis", "basis", base, None)] if base is not None else []) + [
        (f"s{i}_{layer_slug(name)}", name, ev, comp)
        for i, (name, ev, comp) in enumerate(runs, start=1)
    ]

    def add(
        prefix: str, kind: str, label: str, frame: gpd.GeoDataFrame, against: Any = None
    ) -> None:
        """A layer; with ``against`` (the base's frame) only the rows the scenario changes or adds."""
        description = f"{descriptions[kind]} ({label})"
        if against is not None and kind in DELTA_KEYS:
            frame = changed_rows(frame, against, DELTA_KEYS[kind])
            description += (
                f"; only what changes against the base, the rest as in basis_{kind}"
                if en
                else f"; alleen wat verandert t.o.v. de basis, de rest zoals in basis_{kind}"
            )
        plan.append((f"{prefix}_{kind}", kind, description, frame))

    for prefix, name, ev, comp in evaluations:
        if prefix == "basis":
            label = "base situation" if en else "basistoestand"
        else:
            label = f"scenario {name}"
        # a scenario next to the base in this file: its large layers hold what changes (gpkg_delta)
        ref = base if comp is not None and base is not None and prefix != "basis" else None
        add(prefix, "woningen", label, ev.dwellings, getattr(ref, "dwellings", None))
        add(prefix, "mobipunten", label, ev.mobipunten)
        if ev.service_areas is not None and not ev.service_areas.empty:
            add(
                prefix,
                "bedieningsgebieden",
                label,
                ev.service_areas,
                getattr(ref, "service_areas", None),
            )
        add(prefix, "fietsstromen", label, ev.links, getattr(ref, "links", None))
        if ev.removed_links is not None and not ev.removed_links.empty:
            add(prefix, "afgesloten_links", label, ev.removed_links)
        entries = getattr(ev, "brussels_entries", None)
        if entries is not None and not entries.empty:
            add(
                prefix,
                "toegangspunten_brussel",
                label,
                entries,
                getattr(ref, "brussels_entries", None),
            )
        outcome = getattr(ev, "opportunities", None)
        if outcome is not None and outcome.workplaces is not None:
            add(prefix, "werkplaatsen", label, outcome.workplaces)
        munis = _municipality_layer(project, ev.municipalities)
        if munis is not None:
            add(prefix, "gemeenten", label, munis)
        if comp is not None and not comp.access_changes.empty:
            add(prefix, "toegangswijzigingen", label, comp.access_changes)
        link_flows = getattr(comp, "link_flows", None)
        if link_flows is not None and not link_flows.empty:
            add(prefix, "fietsstromen_verschil", label, link_flows)
    if siting is not None and len(siting.sites):
        within = (
            f"within {siting.threshold_min:g} min by bike"
            if en
            else f"binnen {siting.threshold_min:g} min fietsen"
        )
        plan.append(
            (
                "locatievoorstellen",
                "locatievoorstellen",
                f"{descriptions['locatievoorstellen']} ({within})",
                siting.sites,
            )
        )
    described: dict[str, tuple[str, str, list[str]]] = {}
    with writing(path, force=force) as tmp:
        for i, (table, kind, description, frame) in enumerate(plan):
            task.report(i / (len(plan) + 1), f"layer {table}")
            _write_layer(tmp, table, frame, first=(i == 0))
            described[table] = (
                kind,
                description,
                [c for c in frame.columns if c != frame.geometry.name],
            )
        _describe(tmp, described, meta, lang)
        write_layer_styles(
            Path(tmp), {table: kind for table, (kind, _, _) in described.items()}, lang
        )
        task.report(1.0, "geopackage written")
    return Path(path)
