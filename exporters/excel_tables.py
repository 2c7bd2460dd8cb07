"""The workbook's tables: municipalities, mobipunten, the modification ledger, the coverage curve, and parameters and sources."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from slimmeregio.exporters.excel_cells import (
    FORMATS,
    as_number,
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
from slimmeregio.exporters.headline import (
    municipality_of,
)
from slimmeregio.exporters.meta import (
    LEDGER_COLUMNS_EN,
    LEDGER_COLUMNS_NL,
    ExportMeta,
    modification_ledger,
    parameter_rows,
)
from slimmeregio.exporters.result_runs import base_name, named_evaluations
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import excel_number

_MUNI_KEYS = ("dwellings", "inhabitants")


def _municipality_keys(evaluation: Any) -> list[str]:
    params = evaluation.parameters
    keys = list(_MUNI_KEYS)
    keys += [f"share_walk_mobipunt_{m:g}m" for m in params.walk_thresholds_m]
    keys += [f"share_bike_mobipunt_{t:g}min" for t in params.bike_thresholds_min]
    keys += ["median_bike_min_mobipunt", "p90_bike_min_mobipunt"]
    keys += [f"share_bike_station_{t:g}min" for t in params.bike_thresholds_min]
    keys += ["median_bike_min_station"]
    keys += [
        f"share_pt_{w}_{n:g}ph" for w in params.pt_windows for n in params.pt_departures_per_hour
    ]
    keys += ["median_bike_min_train", "median_door_min_brussels"]
    return [k for k in keys if k in evaluation.municipalities.columns]


def municipalities_sheet(
    ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], lang: str
) -> None:
    source = base if base is not None else runs[0][1]
    keys = _municipality_keys(source)
    delta_keys = [k for k in keys if k not in _MUNI_KEYS or base is not None]
    headers = ["NIS", tr(lang, "Gemeente"), "Scenario"] + [key_label(k, lang) for k in keys]
    if base is not None:
        headers += [f"Δ {key_label(k, lang)}" for k in delta_keys]
    write_header(ws, 1, headers)
    table_rows: list[tuple[str, Any]] = []
    if base is not None:
        table_rows.append((base_name(lang), base))
    table_rows += [(name, ev) for name, ev, _ in runs]
    base_table = (
        base.municipalities.set_index(base.municipalities["nis"].astype(str))
        if base is not None
        else None
    )
    r = 2
    for name, ev in table_rows:
        table = ev.municipalities.sort_values("name")
        for _, row in table.iterrows():
            write_cell(ws, r, 1, str(row["nis"]))
            write_cell(ws, r, 2, row["name"])
            write_cell(ws, r, 3, name)
            for j, key in enumerate(keys, start=4):
                write_value(ws, r, j, row.get(key), key_unit(key))
            if base_table is not None:
                nis = str(row["nis"])
                for j, key in enumerate(delta_keys, start=4 + len(keys)):
                    before = base_table[key].get(nis) if key in base_table.columns else None
                    write_delta(
                        ws,
                        r,
                        j,
                        row.get(key),
                        before,
                        key_unit(key),
                        higher_is_better=is_higher_better(key),
                    )
            r += 1
    n = r - 2
    finish_sheet(ws, 1, n, len(headers))


def mobipunten_sheet(
    ws: Worksheet,
    base: Any,
    runs: list[tuple[str, Any, Any]],
    lang: str,
    project: Project | None = None,
) -> None:
    if lang == "en":
        headers = [
            "Scenario",
            "Hub id",
            "Name",
            "Type",
            "Services",
            "Dwellings in catchment",
            "Inhabitants in catchment (estimate)",
            "Change",
            "Reachable over the network",
            "X",
            "Y",
        ]
        change_nl = {"added": "new", "moved": "moved", "": ""}
    else:
        headers = [
            "Scenario",
            "Mobipunt-id",
            "Naam",
            "Type",
            "Aanbod",
            "Woningen in verzorgingsgebied",
            "Inwoners in verzorgingsgebied (schatting)",
            "Wijziging",
            "Bereikbaar via netwerk",
            "X",
            "Y",
        ]
        change_nl = {"added": "nieuw", "moved": "verplaatst", "": ""}
    headers.insert(3, tr(lang, "Gemeente"))
    yes, no = tr(lang, "ja"), tr(lang, "nee")
    write_header(ws, 1, headers)
    evaluations = named_evaluations(base, runs, lang)
    r = 2
    for name, ev in evaluations:
        frame = ev.mobipunten
        where = municipality_of(project, list(frame.geometry))
        for (_, row), (_, muni) in zip(frame.iterrows(), where, strict=True):
            geom = row.geometry
            values = [
                name,
                row.get("mobipunt_id"),
                row.get("name"),
                muni,
                hoppin_type(str(row.get("hoppin_type", "")), lang),
                row.get("offer"),
                excel_number(row.get("catchment_dwellings"), "count"),
                excel_number(row.get("catchment_inhabitants"), "count"),
                change_nl.get(str(row.get("change", "") or ""), str(row.get("change", ""))),
                yes if bool(row.get("reachable", True)) else no,
                geom.x if geom is not None else None,
                geom.y if geom is not None else None,
            ]
            formats = [
                None,
                None,
                None,
                None,
                None,
                None,
                FORMATS["count"],
                FORMATS["count"],
                None,
                None,
                FORMATS["xy"],
                FORMATS["xy"],
            ]
            for j, (v, f) in enumerate(zip(values, formats, strict=True), start=1):
                write_cell(ws, r, j, v, number_format=f)
            r += 1
    finish_sheet(ws, 1, r - 2, len(headers))


def ledger_sheet(
    ws: Worksheet,
    runs: list[tuple[str, Any, Any]],
    project: Project | None,
    lang: str,
    only: set[str] | None = None,
) -> None:
    """The scenarios' modifications (only those in the municipalities named ``only``, when given)."""
    columns = LEDGER_COLUMNS_EN if lang == "en" else LEDGER_COLUMNS_NL
    headers = ["Scenario", *columns]
    write_header(ws, 1, headers)
    r = 2
    for name, ev, _ in runs:
        for entry in modification_ledger(ev.scenario, project, lang):
            if only is not None and str(entry[columns[3]]) not in only:
                continue
            write_cell(ws, r, 1, name)
            for j, key in enumerate(columns, start=2):
                write_cell(
                    ws, r, j, entry[key], number_format=FORMATS["xy"] if key in ("X", "Y") else None
                )
                if key in ("Wat", "Waarom", "What", "Why"):
                    ws.cell(row=r, column=j).alignment = Alignment(wrap_text=True, vertical="top")
            r += 1
    if r == 2:
        write_cell(
            ws,
            2,
            1,
            tr(lang, "Geen wijzigingen: alleen de basistoestand werd geëxporteerd."),
        )
    finish_sheet(ws, 1, max(r - 2, 1), len(headers))


def sensitivity_sheet(
    ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], lang: str
) -> None:
    evaluations = named_evaluations(base, runs, lang)
    headers = [tr(lang, "Fietstijd (min)")]
    headers += [f"{tr(lang, 'Mobipunt')}: {name}" for name, _ in evaluations]
    headers += [f"Station: {name}" for name, _ in evaluations]
    write_header(ws, 1, headers)
    curve0 = evaluations[0][1].coverage_curve
    minutes = list(curve0["minutes"])
    for i, m in enumerate(minutes, start=2):
        write_cell(ws, i, 1, m, number_format="0")
        for j, (_, ev) in enumerate(evaluations, start=2):
            write_cell(
                ws,
                i,
                j,
                ev.coverage_curve["share_mobipunt"].iloc[i - 2],
                number_format=FORMATS["%"],
            )
            write_cell(
                ws,
                i,
                j + len(evaluations),
                ev.coverage_curve["share_station"].iloc[i - 2],
                number_format=FORMATS["%"],
            )
    n = len(minutes)
    finish_sheet(ws, 1, n, len(headers))
    chart = LineChart()
    titled_chart(
        chart,
        tr(lang, "Dekking naar fietstijd: aandeel woningen binnen x minuten van een mobipunt"),
        tr(lang, "% woningen"),
        tr(lang, "Fietstijd (min)"),
        (10, 20),
    )
    data = Reference(ws, min_col=2, max_col=1 + len(evaluations), min_row=1, max_row=n + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}2")


def parameters_sheet(
    ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], meta: ExportMeta, lang: str
) -> None:
    write_header(
        ws,
        1,
        [tr(lang, "Onderdeel"), tr(lang, "Sleutel"), tr(lang, "Waarde")],
    )
    r = 2
    for label, value in meta.rows(lang):
        write_cell(ws, r, 1, label)
        write_cell(ws, r, 3, value)
        r += 1
    evaluations = named_evaluations(base, runs, lang)
    for name, ev in evaluations:
        for key, label, value in parameter_rows(ev.parameters, lang):
            write_cell(ws, r, 1, f"Parameter ({name}): {label}")
            write_cell(ws, r, 2, key)
            write_cell(ws, r, 3, as_number(value))
            r += 1
        scen = ev.scenario
        if scen is not None and str(getattr(scen, "description", "") or ""):
            write_cell(ws, r, 1, f"{tr(lang, 'Beschrijving')} ({name})")
            write_cell(ws, r, 3, scen.description)
            r += 1
    write_cell(ws, r, 1, tr(lang, "Methode"))
    write_cell(
        ws,
        r,
        3,
        tr(
            lang,
            "Bereikbaarheid over het fietsnetwerk (kortste route naar het dichtstbijzijnde mobipunt of station), wandelafstand over het netwerk; aandelen gewogen naar het aantal woningen; inwoners = woningen × gemiddelde gezinsgrootte.",
        ),
    )
    r += 1
    finish_sheet(ws, 1, r - 2, 3, max_width=110)
    for row in ws.iter_rows(min_row=2, max_row=r, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
