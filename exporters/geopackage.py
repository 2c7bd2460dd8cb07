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

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from slimmeregio.exporters._safe import writing
from slimmeregio.exporters.gpkg_delta import DELTA_KEYS, changed_rows
from slimmeregio.exporters.gpkg_fields import (
    FIELD_DESCRIPTIONS,
    FIELD_DESCRIPTIONS_EN,
    LAYER_DESCRIPTIONS,
    LAYER_DESCRIPTIONS_EN,
    field_description,
)
from slimmeregio.exporters.gpkg_styles import write_layer_styles
from slimmeregio.exporters.gpkg_write import describe_layers, write_layer
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.result_runs import results_meta, results_to_export
from slimmeregio.layers.model import Project
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


class _LayerPlan:
    """The layers to write, in order: table name, kind, description and frame."""

    def __init__(self, lang: str) -> None:
        self.en = lang == "en"
        self.descriptions = LAYER_DESCRIPTIONS_EN if self.en else LAYER_DESCRIPTIONS
        self.layers: list[tuple[str, str, str, gpd.GeoDataFrame]] = []

    def add(
        self, prefix: str, kind: str, label: str, frame: gpd.GeoDataFrame, against: Any = None
    ) -> None:
        """A layer; with ``against`` (the base's frame) only the rows the scenario changes or adds."""
        description = f"{self.descriptions[kind]} ({label})"
        if against is not None and kind in DELTA_KEYS:
            frame = changed_rows(frame, against, DELTA_KEYS[kind])
            description += (
                f"; only what changes against the base, the rest as in basis_{kind}"
                if self.en
                else f"; alleen wat verandert t.o.v. de basis, de rest zoals in basis_{kind}"
            )
        self.layers.append((f"{prefix}_{kind}", kind, description, frame))

    def add_run(
        self, project: Project | None, prefix: str, name: str, ev: Any, comp: Any, ref: Any
    ) -> None:
        """The layers of one evaluation (``ref``: the base, when only changes are kept)."""
        if prefix == "basis":
            label = "base situation" if self.en else "basistoestand"
        else:
            label = f"scenario {name}"
        self.add(prefix, "woningen", label, ev.dwellings, getattr(ref, "dwellings", None))
        self.add(prefix, "mobipunten", label, ev.mobipunten)
        if ev.service_areas is not None and not ev.service_areas.empty:
            self.add(
                prefix,
                "bedieningsgebieden",
                label,
                ev.service_areas,
                getattr(ref, "service_areas", None),
            )
        self.add(prefix, "fietsstromen", label, ev.links, getattr(ref, "links", None))
        if ev.removed_links is not None and not ev.removed_links.empty:
            self.add(prefix, "afgesloten_links", label, ev.removed_links)
        entries = getattr(ev, "brussels_entries", None)
        if entries is not None and not entries.empty:
            self.add(
                prefix,
                "toegangspunten_brussel",
                label,
                entries,
                getattr(ref, "brussels_entries", None),
            )
        self._add_extras(project, prefix, label, ev, comp)

    def _add_extras(
        self, project: Project | None, prefix: str, label: str, ev: Any, comp: Any
    ) -> None:
        """Workplaces, municipalities, and a scenario's access and flow changes."""
        outcome = getattr(ev, "opportunities", None)
        if outcome is not None and outcome.workplaces is not None:
            self.add(prefix, "werkplaatsen", label, outcome.workplaces)
        munis = _municipality_layer(project, ev.municipalities)
        if munis is not None:
            self.add(prefix, "gemeenten", label, munis)
        if comp is not None and not comp.access_changes.empty:
            self.add(prefix, "toegangswijzigingen", label, comp.access_changes)
        link_flows = getattr(comp, "link_flows", None)
        if link_flows is not None and not link_flows.empty:
            self.add(prefix, "fietsstromen_verschil", label, link_flows)

    def add_sites(self, siting: Any) -> None:
        """The siting suggestions, when there are any."""
        if siting is None or not len(siting.sites):
            return
        within = (
            f"within {siting.threshold_min:g} min by bike"
            if self.en
            else f"binnen {siting.threshold_min:g} min fietsen"
        )
        self.layers.append(
            (
                "locatievoorstellen",
                "locatievoorstellen",
                f"{self.descriptions['locatievoorstellen']} ({within})",
                siting.sites,
            )
        )


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
    base, runs = results_to_export(results, path)
    meta = results_meta(project, base, runs, meta, lang)
    plan = _LayerPlan(lang)
    if base is not None:
        plan.add_run(project, "basis", "basis", base, None, None)
    for i, (name, ev, comp) in enumerate(runs, start=1):
        # a scenario next to the base in this file: its large layers hold what changes (gpkg_delta)
        ref = base if comp is not None else None
        plan.add_run(project, f"s{i}_{layer_slug(name)}", name, ev, comp, ref)
    plan.add_sites(siting)
    described: dict[str, tuple[str, str, list[str]]] = {}
    with writing(path, force=force) as tmp:
        for i, (table, kind, description, frame) in enumerate(plan.layers):
            task.report(i / (len(plan.layers) + 1), f"layer {table}")
            write_layer(tmp, table, frame, first=(i == 0))
            described[table] = (
                kind,
                description,
                [c for c in frame.columns if c != frame.geometry.name],
            )
        describe_layers(tmp, described, meta, lang)
        write_layer_styles(
            Path(tmp), {table: kind for table, (kind, _, _) in described.items()}, lang
        )
        task.report(1.0, "geopackage written")
    return Path(path)
