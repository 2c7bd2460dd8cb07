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
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from slimmeregio.exporters._safe import writing, xml_text
from slimmeregio.exporters.excel_cells import (
    FORMATS,
    FORMULA_PREFIXES,
    NOTE_FONT,
    TITLE_FONT,
    as_number,
    delta_formatting,
    finish_sheet,
    is_higher_better,
    key_label,
    key_unit,
    write_cell,
    write_delta,
    write_header,
    write_value,
)
from slimmeregio.exporters.excel_commuting import add_commuting_sheet
from slimmeregio.exporters.excel_transit import has_transit, transit_sheet, transit_sheet_name
from slimmeregio.exporters.flow_routes import TOP_ROUTES, flow_change_routes, flow_routes
from slimmeregio.exporters.headline import (
    municipality_of,
    restrict_to_municipalities,
    statbel_inhabitants,
)
from slimmeregio.exporters.meta import (
    LEDGER_COLUMNS_EN,
    LEDGER_COLUMNS_NL,
    ExportMeta,
    build_meta,
    modification_ledger,
    parameter_rows,
    tr,
)
from slimmeregio.exporters.terms import hoppin_type, link_class
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import excel_number
from slimmeregio.layers.progress import Task

__all__ = ["FORMULA_PREFIXES", "SHEETS", "SHEETS_EN", "export_excel", "sheet_names", "write_cell"]

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


def _base_name(lang: str) -> str:
    return tr(lang, "Basis", "Base")


def split_runs(results: Sequence[Any]) -> tuple[Any, list[tuple[str, Any, Any]]]:
    """(base evaluation, [(name, scenario evaluation, comparison or None)])."""
    base = None
    runs: list[tuple[str, Any, Any]] = []
    for item in results:
        if hasattr(item, "access_changes"):  # a Comparison
            base = base or item.base
            runs.append((str(item.scenario.name), item.scenario, item))
        elif getattr(item, "is_base", False):
            base = base or item
        else:
            runs.append((str(item.name), item, None))
    return base, runs


def results_to_export(
    results: Sequence[Any], path: str | Path
) -> tuple[Any, list[tuple[str, Any, Any]]]:
    """:func:`split_runs` of ``results``; an ExportError for ``path`` when there is nothing to export."""
    base, runs = split_runs(results)
    if base is None and not runs:
        raise ExportError(
            path=path,
            reason={"nl": "geen resultaten om te exporteren", "en": "no results to export"},
        )
    return base, runs


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


def _summary_sheet(
    ws: Worksheet,
    base: Any,
    runs: list[tuple[str, Any, Any]],
    meta: ExportMeta,
    lang: str,
    area: str | None = None,
    statbel: float | None = None,
) -> None:
    title = (
        tr(lang, f"Samenvatting: indicatoren voor {area}", f"Summary: indicators for {area}")
        if area
        else tr(
            lang, "Samenvatting: indicatoren voor de regio", "Summary: indicators for the region"
        )
    )
    start = _title_block(ws, title, meta)
    source = base if base is not None else runs[0][1]
    keys = list(source.region)
    headers = ["Indicator", tr(lang, "Sleutel", "Key"), tr(lang, "Eenheid", "Unit")]
    if base is not None:
        headers.append(_base_name(lang))
    for name, _, comp in runs:
        headers.append(name)
        if comp is not None:
            headers.append(f"Δ {name}")
    write_header(ws, start, headers)
    for i, key in enumerate(keys, start=start + 1):
        unit = key_unit(key)
        write_cell(ws, i, 1, key_label(key, lang))
        write_cell(ws, i, 2, key)
        write_cell(ws, i, 3, {"count": tr(lang, "aantal", "count")}.get(unit, unit))
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
    n = len(keys)
    if statbel is not None:  # the official population: the one figure called plainly "Inwoners"
        i = start + 1 + n
        write_cell(ws, i, 1, tr(lang, "Inwoners (Statbel)", "Inhabitants (Statbel)"))
        write_cell(ws, i, 2, "inhabitants_statbel")
        write_cell(ws, i, 3, tr(lang, "aantal", "count"))
        for col in range(4, len(headers) + 1):
            if not str(headers[col - 1]).startswith("Δ "):
                write_value(ws, i, col, statbel, "count")
        n += 1
    finish_sheet(ws, start, n, len(headers))
    ws.column_dimensions["B"].hidden = False
    # native bar chart: shares within the bike thresholds of a mobipunt
    chart_keys = [k for k in keys if k.startswith("share_bike_mobipunt_")]
    if chart_keys:
        first = start + 1 + keys.index(chart_keys[0])
        last = start + 1 + keys.index(chart_keys[-1])
        chart = BarChart()
        chart.type = "col"
        chart.title = tr(
            lang,
            "Woningen binnen fietstijd van een mobipunt (%)",
            "Dwellings within cycling time of a mobility hub (%)",
        )
        chart.y_axis.title = tr(lang, "% woningen", "% dwellings")
        chart.x_axis.title = tr(lang, "Fietstijd", "Cycling time")
        chart.height, chart.width = 9, 18
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
        ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}{start}")


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


def _municipalities_sheet(
    ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], lang: str
) -> None:
    source = base if base is not None else runs[0][1]
    keys = _municipality_keys(source)
    delta_keys = [k for k in keys if k not in _MUNI_KEYS or base is not None]
    headers = ["NIS", tr(lang, "Gemeente", "Municipality"), "Scenario"] + [
        key_label(k, lang) for k in keys
    ]
    if base is not None:
        headers += [f"Δ {key_label(k, lang)}" for k in delta_keys]
    write_header(ws, 1, headers)
    table_rows: list[tuple[str, Any]] = []
    if base is not None:
        table_rows.append((_base_name(lang), base))
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


def _mobipunten_sheet(
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
    headers.insert(3, tr(lang, "Gemeente", "Municipality"))
    yes, no = tr(lang, "ja", "yes"), tr(lang, "nee", "no")
    write_header(ws, 1, headers)
    evaluations = ([(_base_name(lang), base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
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


#: Flow column per destination, with the Dutch and English destination name.
_FLOW_TARGETS = (
    ("flow_dwellings", "station", "station"),
    ("flow_brussels_dwellings", "Brusselse grens", "Brussels border"),
)


def _flows_sheet(ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], lang: str) -> None:
    """The busiest streets and stretches per run and destination, then those whose flow changes most.

    Links are joined into streets and unnamed stretches
    (:mod:`slimmeregio.exporters.flow_routes`): one row per street, not one
    per 20 m network link; the link ids stay in a column for the GIS.
    """
    en = lang == "en"
    unnamed = tr(lang, "(zonder naam)", "(unnamed)")
    write_cell(
        ws,
        1,
        1,
        tr(
            lang,
            "Waar fietsen de potentiële pendelaars?",
            "Where would the potential commuters cycle?",
        ),
    ).font = TITLE_FONT
    write_cell(
        ws,
        2,
        1,
        tr(
            lang,
            f"Per doorrekening de {TOP_ROUTES} straten en trajecten met de grootste potentiële fietsstroom: het aantal "
            "woningen waarvan de kortste fietsroute naar het dichtstbijzijnde station of het dichtstbijzijnde toegangspunt "
            "op de Brusselse grens over de drukste link van de straat loopt (geen tellingen). Aansluitende links met "
            "dezelfde straatnaam vormen één straat; links zonder naam met dezelfde stroom één traject.",
            f"Per run the {TOP_ROUTES} streets and stretches with the largest potential bike flow: the number of dwellings "
            "whose shortest cycling route to the nearest station or the nearest entry point on the Brussels border uses "
            "the street's busiest link (not counts). Connected links with the same street name form one street; "
            "unnamed links with the same flow one stretch.",
        ),
    ).font = Font(color="5F5F5F")
    headers = [
        "Scenario",
        tr(lang, "Bestemming", "Destination"),
        tr(lang, "Rang", "Rank"),
        tr(lang, "Straat of traject", "Street or stretch"),
        tr(lang, "Linkklasse", "Link class"),
        tr(lang, "Lengte (m)", "Length (m)"),
        tr(lang, "Links", "Links"),
        tr(lang, "Potentiële fietsers (woningen)", "Potential cyclists (dwellings)"),
        tr(lang, "Verschil t.o.v. basis", "Change against base"),
        tr(lang, "Wijziging", "Change"),
        tr(lang, "Link-ids", "Link ids"),
        "X",
        "Y",
    ]
    change_text = (
        {"added": "new", "upgraded": "upgraded", "removed": "removed"}
        if en
        else {"added": "nieuw", "upgraded": "opgewaardeerd", "removed": "afgesloten"}
    )

    def changes(text: str) -> str:
        return ", ".join(change_text.get(c, c) for c in text.split(", ") if c)

    def classes(
        text: str,
    ) -> str:  # link classes are Dutch data values: English words in an English sheet
        return ", ".join(link_class(c, lang) for c in str(text).split(", ") if c)

    start = 4
    write_header(ws, start, headers)
    r = start + 1
    evaluations = ([(_base_name(lang), base, None)] if base is not None else []) + list(runs)
    for name, ev, comp in evaluations:
        for column, target_nl, target_en in _FLOW_TARGETS:
            target = target_en if en else target_nl
            if column == "flow_brussels_dwellings" and not getattr(ev, "has_brussels", True):
                note = ev.notes.get("no_brussels", {})
                write_cell(ws, r, 1, name)
                write_cell(ws, r, 2, target)
                write_cell(ws, r, 4, note.get(lang, note.get("nl", ""))).font = NOTE_FONT
                r += 1
                continue
            routes = flow_routes(
                ev.links,
                column,
                base_links=comp.base.links if comp is not None else None,
                unnamed=unnamed,
            )
            for rank, row in enumerate(routes.itertuples(index=False), start=1):
                delta_value = None if comp is None else row.flow - row.base_flow
                whole = [
                    excel_number(v, "count") if v is not None and float(v).is_integer() else v
                    for v in (round(row.length_m), row.flow, delta_value)
                ]  # whole numbers stay whole
                values = [
                    name,
                    target,
                    rank,
                    row.route,
                    classes(row.link_class),
                    whole[0],
                    row.links,
                    whole[1],
                    whole[2],
                    changes(row.change),
                    _id_list(row.link_ids),
                    round(row.x),
                    round(row.y),
                ]
                formats = [
                    None,
                    None,
                    "0",
                    None,
                    None,
                    FORMATS["m"],
                    "0",
                    FORMATS["count"],
                    FORMATS["dcount"],
                    None,
                    None,
                    "0",
                    "0",
                ]
                for j, (v, f) in enumerate(zip(values, formats, strict=True), start=1):
                    write_cell(ws, r, j, v, number_format=f)
                r += 1
    last = r - 1
    finish_sheet(ws, start, max(last - start, 1), len(headers))
    letter = get_column_letter(9)
    if last > start:
        delta_formatting(ws, f"{letter}{start + 1}:{letter}{last}")
    # the streets whose flow changes most, per scenario
    r += 1
    changed = [
        (name, flow_change_routes(comp.link_flows, unnamed=unnamed))
        for name, _, comp in runs
        if comp is not None
        and getattr(comp, "link_flows", None) is not None
        and not comp.link_flows.empty
    ]
    if not changed:
        return
    write_cell(
        ws,
        r,
        1,
        tr(
            lang,
            "Straten en trajecten waarvan de potentiële stroom het meest verandert (hun meest "
            "veranderde link)",
            "Streets and stretches whose potential flow changes most (their most changed link)",
        ),
    ).font = Font(bold=True, size=12, color="0D47A1")
    r += 1
    headers2 = [
        "Scenario",
        tr(lang, "Straat of traject", "Street or stretch"),
        tr(lang, "Linkklasse", "Link class"),
        tr(lang, "Wijziging", "Change"),
        tr(lang, "Naar station: basis", "To station: base"),
        tr(lang, "Naar station: scenario", "To station: scenario"),
        tr(lang, "Naar station: verschil", "To station: change"),
        tr(lang, "Naar Brussel: basis", "To Brussels: base"),
        tr(lang, "Naar Brussel: scenario", "To Brussels: scenario"),
        tr(lang, "Naar Brussel: verschil", "To Brussels: change"),
        tr(lang, "Links", "Links"),
        tr(lang, "Link-ids", "Link ids"),
    ]
    write_header(ws, r, headers2)
    first = r + 1
    r += 1
    for name, table in changed:
        for row in table.itertuples(index=False):
            values = [
                name,
                row.route,
                classes(row.link_class),
                changes(row.change),
                row.base_flow_dwellings,
                row.scenario_flow_dwellings,
                row.delta_flow_dwellings,
                row.base_flow_brussels_dwellings,
                row.scenario_flow_brussels_dwellings,
                row.delta_flow_brussels_dwellings,
                row.links,
                _id_list(row.link_ids),
            ]
            for j, v in enumerate(values, start=1):
                fmt = (
                    None
                    if j <= 4 or j == 12
                    else "0"
                    if j == 11
                    else FORMATS["dcount"]
                    if j in (7, 10)
                    else FORMATS["count"]
                )
                write_cell(
                    ws,
                    r,
                    j,
                    excel_number(v, "count") if 5 <= j <= 10 and float(v).is_integer() else v,
                    number_format=fmt,
                )
            r += 1
    for col in (7, 10):
        letter = get_column_letter(col)
        delta_formatting(ws, f"{letter}{first}:{letter}{r - 1}")


def _id_list(ids: Sequence[Any], limit: int = 5) -> str:
    """Link ids as text (``"12, 13, 14"``), the first ``limit`` and how many more (a column that prints)."""
    shown = ", ".join(str(i) for i in ids[:limit])
    return shown + (f" (+{len(ids) - limit})" if len(ids) > limit else "")


def _ledger_sheet(
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
            tr(
                lang,
                "Geen wijzigingen: alleen de basistoestand werd geëxporteerd.",
                "No changes: only the base situation was exported.",
            ),
        )
    finish_sheet(ws, 1, max(r - 2, 1), len(headers))


def _sensitivity_sheet(
    ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], lang: str
) -> None:
    evaluations = ([(_base_name(lang), base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    headers = [tr(lang, "Fietstijd (min)", "Cycling time (min)")]
    headers += [f"{tr(lang, 'Mobipunt', 'Hub')}: {name}" for name, _ in evaluations]
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
    chart.title = tr(
        lang,
        "Dekking naar fietstijd: aandeel woningen binnen x minuten van een mobipunt",
        "Coverage by cycling time: share of dwellings within x minutes of a mobility hub",
    )
    chart.y_axis.title = tr(lang, "% woningen", "% dwellings")
    chart.x_axis.title = tr(lang, "Fietstijd (min)", "Cycling time (min)")
    chart.height, chart.width = 10, 20
    data = Reference(ws, min_col=2, max_col=1 + len(evaluations), min_row=1, max_row=n + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}2")


def _parameters_sheet(
    ws: Worksheet, base: Any, runs: list[tuple[str, Any, Any]], meta: ExportMeta, lang: str
) -> None:
    write_header(
        ws,
        1,
        [tr(lang, "Onderdeel", "Item"), tr(lang, "Sleutel", "Key"), tr(lang, "Waarde", "Value")],
    )
    r = 2
    for label, value in meta.rows(lang):
        write_cell(ws, r, 1, label)
        write_cell(ws, r, 3, value)
        r += 1
    evaluations = ([(_base_name(lang), base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    for name, ev in evaluations:
        for key, label, value in parameter_rows(ev.parameters, lang):
            write_cell(ws, r, 1, f"Parameter ({name}): {label}")
            write_cell(ws, r, 2, key)
            write_cell(ws, r, 3, as_number(value))
            r += 1
        scen = ev.scenario
        if scen is not None and str(getattr(scen, "description", "") or ""):
            write_cell(ws, r, 1, f"{tr(lang, 'Beschrijving', 'Description')} ({name})")
            write_cell(ws, r, 3, scen.description)
            r += 1
    write_cell(ws, r, 1, tr(lang, "Methode", "Method"))
    write_cell(
        ws,
        r,
        3,
        tr(
            lang,
            "Bereikbaarheid over het fietsnetwerk (kortste route naar het dichtstbijzijnde mobipunt "
            "of station), wandelafstand over het netwerk; aandelen gewogen naar het aantal woningen; "
            "inwoners = woningen × gemiddelde gezinsgrootte.",
            "Access over the bike network (shortest route to the nearest mobility hub or station), "
            "walking distance over the network; shares weighted by the number of dwellings; "
            "inhabitants = dwellings × average household size.",
        ),
    )
    r += 1
    finish_sheet(ws, 1, r - 2, 3, max_width=110)
    for row in ws.iter_rows(min_row=2, max_row=r, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


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
    if meta is None:
        first = runs[0][1] if runs else base
        meta = build_meta(
            project or Project(),
            scenario=first.scenario,
            parameters=first.parameters,
            scenarios=[ev.scenario for _, ev, _ in runs],
            lang=lang,
        )
    meta = meta.with_results(base, *(ev for _, ev, _ in runs))
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
    _summary_sheet(ws, base, runs, meta, lang, area, statbel)
    task.report(0.25, "municipalities")
    _municipalities_sheet(wb.create_sheet(names[1]), base, runs, lang)
    task.report(0.45, "mobipunten")
    _mobipunten_sheet(wb.create_sheet(names[2]), base, runs, lang, project)
    task.report(0.55, "bike flows")
    _flows_sheet(wb.create_sheet(names[3]), base, runs, lang)
    task.report(0.65, "ledger")
    _ledger_sheet(wb.create_sheet(names[4]), runs, project, lang, only)
    task.report(0.7, "sensitivity")
    _sensitivity_sheet(wb.create_sheet(names[5]), base, runs, lang)
    _parameters_sheet(wb.create_sheet(names[6]), base, runs, meta, lang)
    add_commuting_sheet(wb, base, runs, lang, _base_name(lang))
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
