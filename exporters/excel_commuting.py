"""The workbook's commuting sheet: workplaces with their commuters and potential bike commuters.

Added by :func:`slimmeregio.exporters.excel.export_excel` only when a run
computed commuting (a jobs layer or a commuting table, see docs/engine.md
section 7b): one row per run and workplace.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from slimmeregio.exporters.excel_cells import finish_sheet, write_cell, write_header
from slimmeregio.layers.i18n import N_, tr
from slimmeregio.scenarios.commuting import PRESETS
from slimmeregio.scenarios.opportunity_labels import preset_label

__all__ = ["SHEET", "add_commuting_sheet"]

#: The sheet's name in Dutch (``tr`` gives the English).
SHEET = N_("Woon-werkverkeer")


def add_commuting_sheet(
    wb: Workbook, base: Any, runs: list[tuple[str, Any, Any]], lang: str, base_name: str
) -> bool:
    """Append the sheet when any run has workplaces; returns whether it did."""
    evaluations = ([(base_name, base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    evaluations = [
        (name, ev)
        for name, ev in evaluations
        if getattr(getattr(ev, "opportunities", None), "workplaces", None) is not None
    ]
    if not evaluations:
        return False
    ws = wb.create_sheet(tr(lang, SHEET))
    presets = list(PRESETS)
    headers = [
        tr(lang, "Situatie"),
        tr(lang, "Werkplaats"),
        tr(lang, "NIS-zone"),
        tr(lang, "Banen"),
        tr(lang, "Pendelaars"),
    ]
    headers += [
        tr(lang, "Fietspendelaars: {preset}", preset=preset_label(p, lang)) for p in presets
    ]
    write_header(ws, 1, headers)
    row = 2
    for name, ev in evaluations:
        frame = ev.opportunities.workplaces.sort_values("commuters", ascending=False, kind="stable")
        for rec in frame.itertuples(index=False):
            values = [name, str(rec.name), str(rec.nis), float(rec.jobs), float(rec.commuters)]
            values += [float(getattr(rec, f"bike_commuters_{p}")) for p in presets]
            for col, value in enumerate(values, start=1):
                write_cell(ws, row, col, value, number_format="#,##0" if col > 3 else None)
            row += 1
    finish_sheet(ws, 1, row - 2, len(headers))
    return True
