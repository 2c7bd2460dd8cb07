"""The workbook's public transport sheet: the Hoppin policy check and the stops a scenario's set_frequency changed.

Added by :func:`slimmeregio.exporters.excel.export_excel` only when the
project has a stops layer (an evaluation with ``pt_stops``); the indicators
themselves are rows of the summary and municipality sheets.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from slimmeregio.exporters.excel_cells import finish_sheet, write_cell, write_header
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.i18n import tr

__all__ = ["has_transit", "transit_sheet", "transit_sheet_name"]


def has_transit(base: Any, runs: list[tuple[str, Any, Any]]) -> bool:
    """Whether any evaluation carries public transport results."""
    evaluations = ([base] if base is not None else []) + [ev for _, ev, _ in runs]
    return any(getattr(ev, "pt_stops", None) is not None for ev in evaluations)


def transit_sheet_name(lang: str) -> str:
    return tr(lang, "Openbaar vervoer")


def transit_sheet(ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], lang: str) -> None:
    """Hoppin check per evaluation (every hub with a rule), then the changed stops."""
    yes, no = tr(lang, "ja"), tr(lang, "nee")
    headers = [
        "Scenario",
        tr(lang, "Mobipunt-id"),
        tr(lang, "Naam"),
        "Type",
        tr(lang, "Past bij het OV"),
        tr(lang, "Beste halte"),
        tr(lang, "Vertrekken/uur"),
        tr(lang, "Waarom niet"),
    ]
    write_header(ws, 1, headers)
    evaluations = ([(tr(lang, "Basis"), base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    reason = "reason_nl" if lang == "nl" else "reason_en"
    r = 2
    for name, ev in evaluations:
        checks = getattr(ev, "hub_checks", None)
        if checks is None:
            continue
        for row in checks.to_dict(orient="records"):
            values = [
                name,
                row["mobipunt_id"],
                row["name"],
                hoppin_type(str(row["hoppin_type"]), lang),
                yes if row["ok"] else no,
                row["best_stop"],
                float(row["best_per_hour"]),
                row[reason],
            ]
            for j, v in enumerate(values, start=1):
                write_cell(ws, r, j, v, number_format="0.0" if j == 7 else None)
            r += 1
    finish_sheet(ws, 1, r - 2, len(headers), max_width=90)
    # The stops a scenario changed (set_frequency), below the check.
    r += 2
    write_cell(ws, r, 1, tr(lang, "Haltes met een gewijzigde frequentie"))
    r += 1
    columns = ["per_uur_ochtendspits", "per_uur_dag", "per_uur_avondspits", "per_uur_avond"]
    write_header(
        ws,
        r,
        [
            "Scenario",
            "Stop id",
            tr(lang, "Naam"),
            tr(lang, "Modi"),
            *[tr(lang, "Vertrekken/uur {v0}").format(v0=c[8:]) for c in columns],
        ],
    )
    r += 1
    for name, ev, _ in runs:
        stops = getattr(ev, "pt_stops", None)
        if stops is None:
            continue
        for row in stops.loc[stops["changed"].astype(bool)].to_dict(orient="records"):
            values = [
                name,
                row["stop_id"],
                row["name"],
                row["modes"],
                *[float(row[c]) for c in columns],
            ]
            for j, v in enumerate(values, start=1):
                write_cell(ws, r, j, v, number_format="0.0" if j > 4 else None)
            r += 1
