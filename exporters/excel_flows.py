"""The workbook's bike flows sheet: the busiest streets and stretches per run and destination, then those whose flow changes most."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from slimmeregio.exporters.excel_cells import (
    FORMATS,
    NOTE_FONT,
    TITLE_FONT,
    delta_formatting,
    finish_sheet,
    write_cell,
    write_header,
)
from slimmeregio.exporters.flow_routes import TOP_ROUTES, flow_change_routes, flow_routes
from slimmeregio.exporters.result_runs import Run, base_name
from slimmeregio.exporters.terms import link_class
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.numbers import excel_number

#: Flow column per destination, with the Dutch and English destination name.
_FLOW_TARGETS = (
    ("flow_dwellings", "station", "station"),
    ("flow_brussels_dwellings", "Brusselse grens", "Brussels border"),
)


_CHANGE_TEXT = {
    "nl": {"added": "nieuw", "upgraded": "opgewaardeerd", "removed": "afgesloten"},
    "en": {"added": "new", "upgraded": "upgraded", "removed": "removed"},
}


def _changes(text: str, lang: str) -> str:
    change_text = _CHANGE_TEXT["en" if lang == "en" else "nl"]
    return ", ".join(change_text.get(c, c) for c in text.split(", ") if c)


def _classes(text: str, lang: str) -> str:
    """Link classes are Dutch data values: English words in an English sheet."""
    return ", ".join(link_class(c, lang) for c in str(text).split(", ") if c)


def flows_sheet(ws: Worksheet, base: Any, runs: list[Run], lang: str) -> None:
    """The busiest streets and stretches per run and destination, then those whose flow changes most.

    Links are joined into streets and unnamed stretches
    (:mod:`slimmeregio.exporters.flow_routes`): one row per street, not one
    per 20 m network link; the link ids stay in a column for the GIS.
    """
    en = lang == "en"
    unnamed = tr(lang, "(zonder naam)")
    write_cell(
        ws,
        1,
        1,
        tr(lang, "Waar fietsen de potentiële pendelaars?"),
    ).font = TITLE_FONT
    write_cell(
        ws,
        2,
        1,
        tr(
            lang,
            "Per doorrekening de {TOP_ROUTES} straten en trajecten met de grootste potentiële fietsstroom: het aantal woningen waarvan de kortste fietsroute naar het dichtstbijzijnde station of het dichtstbijzijnde toegangspunt op de Brusselse grens over de drukste link van de straat loopt (geen tellingen). Aansluitende links met dezelfde straatnaam vormen één straat; links zonder naam met dezelfde stroom één traject.",
        ).format(TOP_ROUTES=TOP_ROUTES),
    ).font = Font(color="5F5F5F")
    headers = [
        "Scenario",
        tr(lang, "Bestemming"),
        tr(lang, "Rang"),
        tr(lang, "Straat of traject"),
        tr(lang, "Linkklasse"),
        tr(lang, "Lengte (m)"),
        tr(lang, "Links"),
        tr(lang, "Potentiële fietsers (woningen)"),
        tr(lang, "Verschil t.o.v. basis"),
        tr(lang, "Wijziging", context="delta"),
        tr(lang, "Link-ids"),
        "X",
        "Y",
    ]
    start = 4
    write_header(ws, start, headers)
    r = start + 1
    evaluations = ([(base_name(lang), base, None)] if base is not None else []) + list(runs)
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
            r = _route_rows(ws, r, name, target, routes, comp, lang)
    last = r - 1
    finish_sheet(ws, start, max(last - start, 1), len(headers))
    letter = get_column_letter(9)
    if last > start:
        delta_formatting(ws, f"{letter}{start + 1}:{letter}{last}")
    _most_changed(ws, r + 1, runs, lang, unnamed)


def _route_rows(
    ws: Worksheet, r: int, name: str, target: str, routes: Any, comp: Any, lang: str
) -> int:
    """One row per street or stretch of a run and destination, from row ``r``; the next free row."""
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
            _classes(row.link_class, lang),
            whole[0],
            row.links,
            whole[1],
            whole[2],
            _changes(row.change, lang),
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
    return r


def _most_changed(ws: Worksheet, r: int, runs: list[Run], lang: str, unnamed: str) -> None:
    """The streets whose flow changes most, per scenario, from row ``r``."""
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
            "Straten en trajecten waarvan de potentiële stroom het meest verandert (hun meest veranderde link)",
        ),
    ).font = Font(bold=True, size=12, color="0D47A1")
    r += 1
    headers2 = [
        "Scenario",
        tr(lang, "Straat of traject"),
        tr(lang, "Linkklasse"),
        tr(lang, "Wijziging", context="delta"),
        tr(lang, "Naar station: basis"),
        tr(lang, "Naar station: scenario"),
        tr(lang, "Naar station: verschil"),
        tr(lang, "Naar Brussel: basis"),
        tr(lang, "Naar Brussel: scenario"),
        tr(lang, "Naar Brussel: verschil"),
        tr(lang, "Links"),
        tr(lang, "Link-ids"),
    ]
    write_header(ws, r, headers2)
    first = r + 1
    r += 1
    for name, table in changed:
        for row in table.itertuples(index=False):
            values = [
                name,
                row.route,
                _classes(row.link_class, lang),
                _changes(row.change, lang),
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
