"""The Excel workbook of a set of scenarios (openpyxl), sheets in Dutch.

With ``lang="en"`` the sheets and texts are in English (:data:`SHEETS_EN`:
Summary, Municipalities, Mobility hubs, Bike flows, Changes, Sensitivity,
Parameters and sources); the Dutch names are listed here.

Sheets
------
Samenvatting
    region indicators: base, each scenario and its change; a bar chart.
Gemeenten
    per municipality and scenario: dwellings, coverage shares, times, and
    the change against the base (conditional formatting on the changes).
Mobipunten
    per scenario and mobipunt: type, offer, catchment (dwellings,
    inhabitants), whether it is new or moved.
Fietsstromen
    per run the links carrying the largest potential bike flow towards the
    nearest station and towards the Brussels border (one row per link, its
    largest flow over its parts), with the change against the base; per
    scenario the links whose flow changes most.
Wijzigingen
    the modification ledger: what, where, who, why, when.
Dekkingscurve
    coverage (% of dwellings) by cycling-time threshold 0..N minutes; a line
    chart.
Parameters en bronnen
    the parameters of each scenario, the data sources and licences, the tool
    version and date, and the illustrative-data note.

Safety: no value from data is ever written as a formula. Text that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as a
text cell with Excel's quote prefix, so ``=HYPERLINK(...)`` in a scenario's
reason shows as text and never runs. The workbook contains no formulas at
all; charts refer to cell ranges.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from slimmeregio.exporters._safe import writing, xml_text
from slimmeregio.exporters.excel_cells import (
    FORMULA_PREFIXES,
    write_cell,
)
from slimmeregio.exporters.excel_commuting import add_commuting_sheet
from slimmeregio.exporters.excel_flows import flows_sheet
from slimmeregio.exporters.excel_summary import summary_sheet
from slimmeregio.exporters.excel_tables import (
    ledger_sheet,
    mobipunten_sheet,
    municipalities_sheet,
    parameters_sheet,
    sensitivity_sheet,
)
from slimmeregio.exporters.excel_transit import has_transit, transit_sheet, transit_sheet_name
from slimmeregio.exporters.headline import (
    restrict_to_municipalities,
    statbel_inhabitants,
)
from slimmeregio.exporters.meta import (
    ExportMeta,
)
from slimmeregio.exporters.result_runs import base_name, results_meta, results_to_export, split_runs
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import Task

__all__ = [
    "FORMULA_PREFIXES",
    "SHEETS",
    "SHEETS_EN",
    "export_excel",
    "results_to_export",
    "sheet_names",
    "split_runs",
    "write_cell",
]

SHEETS = (
    "Samenvatting",
    "Gemeenten",
    "Mobipunten",
    "Fietsstromen",
    "Wijzigingen",
    "Dekkingscurve",
    "Parameters en bronnen",
)
#: The sheet names of an English workbook (``lang="en"``), in the same order.
SHEETS_EN = (
    "Summary",
    "Municipalities",
    "Mobility hubs",
    "Bike flows",
    "Changes",
    "Coverage curve",
    "Parameters and sources",
)


def sheet_names(lang: str = "nl") -> tuple[str, ...]:
    """The workbook's sheet names in ``lang`` (``"nl"`` or ``"en"``)."""
    return SHEETS_EN if lang == "en" else SHEETS


def export_excel(
    results: Sequence[Any],
    path: str | Path,
    *,
    project: Project | None = None,
    meta: ExportMeta | None = None,
    force: bool = False,
    lang: str = "nl",
    municipalities: Sequence[str] | None = None,
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write the workbook for ``results`` (comparisons and/or evaluations).

    Parameters
    ----------
    results
        :class:`~slimmeregio.scenarios.results.Comparison` objects (each
        scenario against the base) and/or
        :class:`~slimmeregio.scenarios.results.Evaluation` objects (the base
        is recognised by ``is_base``).
    path
        The ``.xlsx`` file; written atomically, replaced only with ``force``.
    project
        Used for the ledger's locations and for the provenance block.
    municipalities
        NIS codes or names: keep only these municipalities' rows (a
        municipality's own workbook).
    lang
        ``"nl"`` (default: Dutch sheet names and texts, :data:`SHEETS`) or
        ``"en"`` (:data:`SHEETS_EN`).
    """
    task = Task(progress, cancel)
    base, runs = results_to_export(results, path)
    area: str | None = None
    only: set[str] | None = None
    if municipalities is not None:
        base, runs, names_kept = restrict_to_municipalities(base, runs, municipalities, project)
        only = set(names_kept)
        area = ", ".join(names_kept) or None
    meta = results_meta(project, base, runs, meta, lang)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    names = sheet_names(lang)
    ws.title = names[0]
    task.report(0.05, "summary")
    nis_kept = None
    if municipalities is not None:
        kept = (base if base is not None else runs[0][1]).municipalities["nis"].astype(str)
        nis_kept = list(kept) if len(kept) == 1 else None
    statbel = (
        statbel_inhabitants(project, nis_kept[0] if nis_kept else None)
        if (municipalities is None or nis_kept)
        else None
    )
    summary_sheet(ws, base, runs, meta, lang, area, statbel)
    task.report(0.25, "municipalities")
    municipalities_sheet(wb.create_sheet(names[1]), base, runs, lang)
    task.report(0.45, "mobipunten")
    mobipunten_sheet(wb.create_sheet(names[2]), base, runs, lang, project)
    task.report(0.55, "bike flows")
    flows_sheet(wb.create_sheet(names[3]), base, runs, lang)
    task.report(0.65, "ledger")
    ledger_sheet(wb.create_sheet(names[4]), runs, project, lang, only)
    task.report(0.7, "sensitivity")
    sensitivity_sheet(wb.create_sheet(names[5]), base, runs, lang)
    parameters_sheet(wb.create_sheet(names[6]), base, runs, meta, lang)
    add_commuting_sheet(wb, base, runs, lang, base_name(lang))
    if has_transit(base, runs):
        transit_sheet(wb.create_sheet(transit_sheet_name(lang)), base, runs, lang)
    wb.properties.title = xml_text(f"{meta.title} – {', '.join(meta.scenarios) or meta.scenario}")
    wb.properties.creator = f"Slimme Regio Planner {meta.version}"
    wb.properties.description = meta.source_line(lang)[:1000]
    task.report(0.85, "writing")
    with writing(path, force=force) as tmp:
        wb.save(tmp)
    task.report(1.0, "workbook written")
    return Path(path)
