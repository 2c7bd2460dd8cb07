"""The workbook's summary sheet: the region's indicators for the base and each scenario with its change, and a bar chart of coverage."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from slimmeregio.exporters.excel_cells import (
    NOTE_FONT,
    TITLE_FONT,
    finish_sheet,
    is_higher_better,
    key_label,
    key_unit,
    titled_chart,
    write_cell,
    write_delta,
    write_header,
    write_value,
)
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.result_runs import Run, base_name
from slimmeregio.layers.i18n import tr


def _title_block(ws: Worksheet, title: str, meta: ExportMeta) -> int:
    write_cell(ws, 1, 1, title).font = TITLE_FONT
    write_cell(
        ws, 2, 1, f"{meta.title} · {meta.date_text} · Slimme Regio Planner {meta.version}"
    ).font = Font(color="5F5F5F")
    row = 3
    for note in meta.notes:
        write_cell(ws, row, 1, note).font = NOTE_FONT
        row += 1
    return row + 1


def _headers(base: Any, runs: list[Run], lang: str) -> list[str]:
    headers = ["Indicator", tr(lang, "Sleutel"), tr(lang, "Eenheid")]
    if base is not None:
        headers.append(base_name(lang))
    for name, _, comp in runs:
        headers.append(name)
        if comp is not None:
            headers.append(f"Δ {name}")
    return headers


def _indicator_row(ws: Worksheet, i: int, key: str, base: Any, runs: list[Run], lang: str) -> None:
    """One indicator: its label, key and unit, the base's value, each run's value and change."""
    unit = key_unit(key)
    write_cell(ws, i, 1, key_label(key, lang))
    write_cell(ws, i, 2, key)
    write_cell(ws, i, 3, {"count": tr(lang, "aantal")}.get(unit, unit))
    col = 4
    if base is not None:
        write_value(ws, i, col, base.region.get(key), unit)
        col += 1
    for _, ev, comp in runs:
        write_value(ws, i, col, ev.region.get(key), unit)
        col += 1
        if comp is not None:
            write_delta(
                ws,
                i,
                col,
                ev.region.get(key),
                base.region.get(key) if base is not None else None,
                unit,
                higher_is_better=is_higher_better(key),
            )
            col += 1


def _statbel_row(ws: Worksheet, i: int, headers: list[str], statbel: float, lang: str) -> None:
    """The official population: the one figure called plainly "Inwoners"."""
    write_cell(ws, i, 1, tr(lang, "Inwoners (Statbel)"))
    write_cell(ws, i, 2, "inhabitants_statbel")
    write_cell(ws, i, 3, tr(lang, "aantal"))
    for col in range(4, len(headers) + 1):
        if not str(headers[col - 1]).startswith("Δ "):
            write_value(ws, i, col, statbel, "count")


def _coverage_chart(
    ws: Worksheet, start: int, keys: list[str], base: Any, runs: list[Run], ncols: int, lang: str
) -> None:
    """A native bar chart: shares within the bike thresholds of a mobipunt, per run."""
    chart_keys = [k for k in keys if k.startswith("share_bike_mobipunt_")]
    if not chart_keys:
        return
    first = start + 1 + keys.index(chart_keys[0])
    last = start + 1 + keys.index(chart_keys[-1])
    chart = BarChart()
    chart.type = "col"
    titled_chart(
        chart,
        tr(lang, "Woningen binnen fietstijd van een mobipunt (%)"),
        tr(lang, "% woningen"),
        tr(lang, "Fietstijd"),
        (9, 18),
    )
    value_cols = [4] if base is not None else []
    col = 4 + (1 if base is not None else 0)
    for _, _, comp in runs:
        value_cols.append(col)
        col += 2 if comp is not None else 1
    for c in value_cols:
        chart.add_data(
            Reference(ws, min_col=c, min_row=first, max_row=last), titles_from_data=False
        )
        chart.series[-1].tx = SeriesLabel(v=str(ws.cell(row=start, column=c).value))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    ws.add_chart(chart, f"{get_column_letter(ncols + 2)}{start}")


def summary_sheet(
    ws: Worksheet,
    base: Any,
    runs: list[Run],
    meta: ExportMeta,
    lang: str,
    area: str | None = None,
    statbel: float | None = None,
) -> None:
    """Region indicators: base, each scenario and its change; a bar chart of coverage."""
    title = (
        tr(lang, "Samenvatting: indicatoren voor {area}").format(area=area)
        if area
        else tr(lang, "Samenvatting: indicatoren voor de regio")
    )
    start = _title_block(ws, title, meta)
    source = base if base is not None else runs[0][1]
    keys = list(source.region)
    headers = _headers(base, runs, lang)
    write_header(ws, start, headers)
    for i, key in enumerate(keys, start=start + 1):
        _indicator_row(ws, i, key, base, runs, lang)
    n = len(keys)
    if statbel is not None:
        _statbel_row(ws, start + 1 + n, headers, statbel, lang)
        n += 1
    finish_sheet(ws, start, n, len(headers))
    ws.column_dimensions["B"].hidden = False
    _coverage_chart(ws, start, keys, base, runs, len(headers), lang)
