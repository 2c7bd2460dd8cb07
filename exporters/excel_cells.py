"""Workbook cells: values as numbers or safe text, deltas as every export shows them, headers, widths, print setup."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from slimmeregio.exporters._safe import xml_text
from slimmeregio.exporters.headline import (
    indicator_text,
)
from slimmeregio.layers.numbers import (
    delta,
    delta_unit,
    excel_delta_format,
    excel_number,
)

#: Text starting with one of these would be read as a formula (or DDE) by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

_HEADER_FILL = PatternFill("solid", fgColor="0D47A1")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="0D47A1")
NOTE_FONT = Font(italic=True, color="7A5500")
_THIN = Side(style="thin", color="D0D0D0")
_GOOD_FILL = PatternFill("solid", fgColor="D8F0E4")
_BAD_FILL = PatternFill("solid", fgColor="FBE1CF")

FORMATS = {
    "%": '0.0" %"',
    "pp": '+0.0" pp";-0.0" pp";0.0" pp"',
    "min": '0.0" min"',
    "dmin": '+0.0" min";-0.0" min";0.0" min"',
    "m": '#,##0" m"',
    "dm": '+#,##0" m";-#,##0" m";0" m"',
    "count": "#,##0",
    "dcount": "+#,##0;-#,##0;0",
    "km": '#,##0.0" km"',
    "xy": "0.0",
}


def _clean(value: Any) -> Any:
    """A value openpyxl can store: plain Python types, NaN as empty."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, float):
        return value + 0.0  # never -0.0
    if isinstance(value, bool | int | datetime | date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return xml_text(value)


def write_cell(
    ws: Worksheet, row: int, column: int, value: Any, *, number_format: str | None = None
) -> Cell:
    """Write ``value`` as data, never as a formula.

    Text that a spreadsheet would treat as a formula is stored as a text
    cell with the quote prefix set (Excel shows it as typed).
    """
    value = _clean(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl marks '=...' as a formula: undo that
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif number_format and isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def as_number(value: Any) -> Any:
    """A parameter value as a number when it is one (``"2.4"`` -> 2.4, ``"16"`` -> 16), else unchanged."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        if math.isfinite(number):
            return int(number) if number.is_integer() and "." not in value else number
    return value


def write_header(ws: Worksheet, row: int, labels: Sequence[str], *, start: int = 1) -> None:
    for j, label in enumerate(labels, start=start):
        cell = write_cell(ws, row, j, label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cell.border = Border(bottom=_THIN)
    ws.row_dimensions[row].height = 32


def finish_sheet(
    ws: Worksheet,
    header_row: int,
    n_rows: int,
    n_cols: int,
    *,
    min_width: int = 8,
    max_width: int = 60,
) -> None:
    """Freeze the header, add an autofilter and fit the column widths."""
    if n_cols == 0:
        return
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    last = get_column_letter(n_cols)
    ws.auto_filter.ref = f"A{header_row}:{last}{max(header_row + n_rows, header_row + 1)}"
    for j in range(1, n_cols + 1):
        letter = get_column_letter(j)
        longest = 0
        for (cell,) in ws.iter_rows(
            min_row=header_row, max_row=header_row + min(n_rows, 500), min_col=j, max_col=j
        ):
            v = cell.value
            if v is None:
                continue
            if isinstance(v, float):
                text = f"{v:,.1f}  xx"
            elif isinstance(v, int):
                text = f"{v:,}  x"
            else:
                text = str(v)
            line = max((len(part) for part in text.split("\n")), default=0)
            if cell.row == header_row:
                line = min(line, 22)  # headers wrap
            longest = max(longest, line)
        ws.column_dimensions[letter].width = max(min_width, min(max_width, longest + 2))
    for cell in ws[header_row]:  # headers wrap instead of being clipped
        if cell.value is not None:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # printed for the council: landscape, one page wide, header rows repeated, the table as print area
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}" if header_row == 1 else f"1:{header_row}"
    ws.print_area = f"A1:{last}{max(header_row + n_rows, header_row + 1)}"


def delta_formatting(ws: Worksheet, ref: str, *, higher_is_better: bool = True) -> None:
    """Green for a change for the better, orange for the worse."""
    good, bad = ("greaterThan", "lessThan") if higher_is_better else ("lessThan", "greaterThan")
    ws.conditional_formatting.add(ref, CellIsRule(operator=good, formula=["0"], fill=_GOOD_FILL))
    ws.conditional_formatting.add(ref, CellIsRule(operator=bad, formula=["0"], fill=_BAD_FILL))


def key_unit(key: str) -> str:
    from slimmeregio.scenarios.results import indicator_unit

    return indicator_unit(key)


def key_label(key: str, lang: str) -> str:
    return indicator_text(key, lang)


def write_value(ws: Worksheet, row: int, column: int, value: Any, unit: str) -> Cell:
    """A value as a number (whole counts as integers) with its unit's format."""
    return write_cell(
        ws,
        row,
        column,
        excel_number(value, unit),
        number_format=FORMATS.get(unit, FORMATS["count"] if unit == "count" else "0.0"),
    )


def write_delta(
    ws: Worksheet,
    row: int,
    column: int,
    after: Any,
    before: Any,
    unit: str,
    *,
    higher_is_better: bool | None = None,
) -> Cell:
    """The change from ``before`` to ``after``: the exact difference as the cell's value (a formula on
    it gets the true number), shown as the formatter shows it (``±0`` only when the two values are
    equal) and, with ``higher_is_better``, coloured by the sign of the change
    (conditional formatting: green for the better, orange for the worse), except when it shows ``±0``."""
    d = delta(after, before, unit)
    if d is None:
        return write_cell(ws, row, column, None)
    du = delta_unit(unit)
    value: float | int = float(after) - float(before)
    if du in ("count", "m") and d.digits == 0 and float(value).is_integer():
        value = int(value)
    cell = write_cell(ws, row, column, value, number_format=excel_delta_format(d, unit))
    if higher_is_better is not None and d.direction != 0:  # a ±0 cell stays uncoloured
        delta_formatting(ws, cell.coordinate, higher_is_better=higher_is_better)
    return cell


def is_higher_better(key: str) -> bool | None:
    """Whether a rise of ``key`` is for the better; ``None`` for a count without a direction (uncoloured)."""
    from slimmeregio.scenarios.indicator_direction import indicator_direction

    direction = indicator_direction(key)
    return None if direction == 0 else direction > 0


def titled_chart(
    chart: Any, title: str, y_title: str, x_title: str, size: tuple[float, float]
) -> None:
    """Give a native chart its title, axis titles and (height, width) in centimetres."""
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = x_title
    chart.height, chart.width = size
