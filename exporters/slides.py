"""The council slide deck (python-pptx), 16:9, readable at the back of the room.

Slides: title; the region's key figures; per scenario its map and three key
numbers; a comparison chart (a native, editable PowerPoint chart); where the
potential commuters would cycle (the busiest links towards the stations and
towards the Brussels border); the municipalities that gain most and least;
the modification ledger; sources and method (with the remarks on the
results). Body text is at least 18 pt, dark on white; the footer of each
slide states scenario, date, tool version and the illustrative note.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from slimmeregio.exporters._safe import check_overwrite, writing
from slimmeregio.exporters.flow_routes import flow_routes
from slimmeregio.exporters.headline import (
    ESTIMATE_LABEL,
    changes_access,
    gains_losses,
    headline_threshold,
    network_km_in_region,
    share_key,
    statbel_inhabitants,
)
from slimmeregio.exporters.map_layout import find_municipality
from slimmeregio.exporters.meta import ExportMeta, build_meta, modification_ledger, tr
from slimmeregio.exporters.result_runs import results_to_export
from slimmeregio.exporters.slide_kit import (
    BLUE,
    BODY_PT,
    FOOTER_NAME,
    INK,
    MARGIN,
    MUTED,
    NOTE_BG,
    SLIDE_H,
    SLIDE_W,
    WHITE,
    add_table,
    blank,
    footer,
    map_png,
    middle,
    slide_text,
    tag_language,
    text_box,
    tile,
    title,
)
from slimmeregio.exporters.slide_transit import transit_slides
from slimmeregio.exporters.terms import link_class
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import delta, fmt_delta, fmt_number
from slimmeregio.layers.progress import Task

__all__ = ["BODY_PT", "FLOW_ROWS", "FOOTER_NAME", "export_slides", "flow_streets"]

#: Streets per destination on the bike-flow slide.
FLOW_ROWS = 5


def _municipality_geometry(project: Project, nis: str | None) -> Any:
    """The polygon of municipality ``nis`` in the project (None when absent)."""
    if nis is None:
        return None
    from slimmeregio.layers.roles import Role

    layer = project.layers.first(Role.MUNICIPALITIES)
    if layer is None or layer.is_raster or not layer.has_field("nis"):
        return None
    frame = (
        layer.frame.to_crs(31370)
        if layer.frame.crs is not None and layer.frame.crs.to_epsg() != 31370
        else layer.frame
    )
    sel = layer.column("nis").astype(str).to_numpy() == nis
    return frame.geometry[sel].union_all() if sel.any() else None


def flow_streets(
    links: Any,
    column: str,
    *,
    n: int = FLOW_ROWS,
    lang: str = "nl",
    area: Any = None,
    base_links: Any = None,
) -> list[tuple[str, float, float | None]]:
    """``(street, potential cyclists, change)`` of the ``n`` busiest streets for flow ``column``.

    The streets and unnamed stretches of the workbook's flow sheet
    (:func:`~slimmeregio.exporters.flow_routes.flow_routes`), with their
    busiest link's flow; an unnamed stretch is named by its first link and
    how many more; ``area`` (a polygon) keeps the links that touch it;
    with ``base_links`` the change is the flow minus the base's over the
    same links.
    """
    if area is not None and column in links.columns:
        links = links[links.intersects(area)]
    routes = flow_routes(links, column, base_links=base_links, n=n)
    out = []
    for row in routes.itertuples(index=False):
        label = str(row.route)
        if not row.named:  # found by its links: "link 298 (lokaal)", "links 298 +3 (lokaal)"
            first_class = str(row.link_class).split(", ")[0]
            label = (
                f"link {row.link_ids[0]} ({first_class})"
                if row.links == 1
                else f"links {row.link_ids[0]} +{row.links - 1} ({first_class})"
            )
        out.append(
            (
                label,
                float(row.flow),
                None if base_links is None else float(row.flow - row.base_flow),
            )
        )
    return out


def _flows_slide(
    slide: Any, project: Project, name: str, ev: Any, comp: Any, nis: str | None, lang: str
) -> None:
    """Two tables side by side: busiest streets towards the station and towards Brussels."""
    area = _municipality_geometry(project, nis)
    half = (SLIDE_W - 2 * MARGIN - Inches(0.4)) // 2
    intro = tr(
        lang,
        f"{name}: woningen waarvan de kortste fietsroute over de straat loopt (potentieel, geen tellingen)",
        f"{name}: dwellings whose shortest cycling route uses the street (potential, not counts)",
    )
    text_box(
        slide,
        MARGIN,
        Inches(1.25),
        SLIDE_W - 2 * MARGIN,
        Inches(0.8),
        intro,
        size=BODY_PT,
        color=MUTED,
    )
    flows = getattr(comp, "link_flows", None) if comp is not None else None
    for i, (column, head) in enumerate(
        (
            ("flow_dwellings", tr(lang, "Naar het station", "To the station")),
            (
                "flow_brussels_dwellings",
                tr(lang, "Naar de Brusselse grens", "To the Brussels border"),
            ),
        )
    ):
        left = MARGIN + i * (half + Inches(0.4))
        text_box(slide, left, Inches(2.0), half, Inches(0.5), head, size=22, bold=True, color=BLUE)
        if column == "flow_brussels_dwellings" and not getattr(ev, "has_brussels", True):
            note = ev.notes.get("no_brussels", {})
            text_box(
                slide,
                left,
                Inches(2.5),
                half,
                Inches(2.0),
                note.get(lang, note.get("nl", "")),
                size=BODY_PT,
                color=RGBColor(0x6D, 0x4C, 0x00),
            )
            continue
        changed = flows is not None and f"delta_{column}" in flows.columns
        streets = flow_streets(
            ev.links, column, lang=lang, area=area, base_links=comp.base.links if changed else None
        )
        deltas = changed and any(
            delta for _, _, delta in streets
        )  # no change on these streets: no empty column
        if not streets:
            text_box(
                slide,
                left,
                Inches(2.5),
                half,
                Inches(1.0),
                tr(lang, "Geen potentiële stroom.", "No potential flow."),
                size=BODY_PT,
                color=MUTED,
            )
            continue
        rows = [[tr(lang, "Straat", "Street"), tr(lang, "Woningen", "Dwellings")]]
        if deltas:
            rows[0].append(tr(lang, "Verschil", "Change"))
        for label, flow, flow_delta in streets:
            row = [label, fmt_number(flow, "count", lang)]
            if deltas:
                row.append(
                    "" if not flow_delta else fmt_number(flow_delta, "count", lang, signed=True)
                )
            rows.append(row)
        widths = (2.75, 1.75, 1.5) if deltas else (4.2, 1.8)
        add_table(slide, left, Inches(2.5), half, rows, widths, row_h=0.55)


def _inhabitants_tile(project: Project, ref: Any, nis: str | None, lang: str) -> tuple[str, str]:
    """Statbel's inhabitants (municipalities layer); the dwelling-based estimate, labelled, without them."""
    statbel = statbel_inhabitants(project, nis)
    if statbel is not None:
        return fmt_number(statbel, "count", lang), tr(
            lang, "inwoners (Statbel)", "inhabitants (Statbel)"
        )
    return fmt_number(_value(ref, "inhabitants", nis), "count", lang), ESTIMATE_LABEL[
        lang if lang == "en" else "nl"
    ]


def _value(ev: Any, key: str, nis: str | None) -> float:
    return float("nan") if ev is None else float(ev.value(key, nis))


def _nis_of(results_base: Any, runs: list[tuple[str, Any, Any]], key: str) -> tuple[str, str]:
    source = results_base if results_base is not None else runs[0][1]
    row = find_municipality(source.municipalities, key)
    return str(row["nis"]), str(row["name"])


def export_slides(
    project: Project,
    results: Sequence[Any],
    path: str | Path,
    *,
    meta: ExportMeta | None = None,
    municipality: str | None = None,
    lang: str = "nl",
    force: bool = False,
    progress: Any = None,
    cancel: Any = None,
    siting: Any = None,
) -> Path:
    """Write the council deck for ``results`` (comparisons and/or evaluations).

    ``siting`` adds a slide with the suggested sites and the situation they
    start from (the last scenario).

    ``municipality`` (NIS code or name) makes a municipality's own deck: its
    maps zoomed to it, its own numbers, its row in the table. ``lang``
    ``"nl"`` (default) or ``"en"`` for the texts, numbers and maps. Written
    atomically; an existing file is only replaced with ``force``.
    """
    task = Task(progress, cancel)
    check_overwrite(path, force)
    base, runs = results_to_export(results, path)
    first = runs[0][1] if runs else base
    if meta is None:
        meta = build_meta(
            project,
            scenario=first.scenario,
            parameters=first.parameters,
            scenarios=[ev.scenario for _, ev, _ in runs],
            lang=lang,
        )
    meta = meta.with_results(base, *(ev for _, ev, _ in runs))
    nis, muni_name = (None, None) if municipality is None else _nis_of(base, runs, municipality)
    params = first.parameters
    t = middle(params.bike_thresholds_min, 10.0)
    w = middle(params.walk_thresholds_m, 800.0)
    key_t, key_w = f"share_bike_mobipunt_{t:g}min", f"share_walk_mobipunt_{w:g}m"
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    number = 0

    def next_slide() -> Any:
        nonlocal number
        number += 1
        return blank(prs)

    # 1. title
    slide = next_slide()
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_W, Inches(4.2))
    band.fill.solid()
    band.fill.fore_color.rgb = BLUE
    band.line.fill.background()
    where = f" – {muni_name}" if muni_name else ""
    text_box(
        slide,
        MARGIN,
        Inches(1.0),
        SLIDE_W - 2 * MARGIN,
        Inches(1.4),
        meta.title + where,
        size=44,
        bold=True,
        color=WHITE,
    )
    subtitle = (
        tr(lang, "Scenario's: ", "Scenarios: ") + ", ".join(name for name, _, _ in runs)
        if runs
        else tr(lang, "Basistoestand", "Base situation")
    )
    text_box(
        slide,
        MARGIN,
        Inches(2.5),
        SLIDE_W - 2 * MARGIN,
        Inches(1.4),
        subtitle,
        size=28,
        color=WHITE,
    )
    info = meta.date_text + (f" · {meta.organisation}" if meta.organisation else "")
    text_box(
        slide, MARGIN, Inches(4.5), SLIDE_W - 2 * MARGIN, Inches(0.6), info, size=24, color=INK
    )
    if meta.notes:
        note = slide.shapes.add_shape(1, MARGIN, Inches(5.3), SLIDE_W - 2 * MARGIN, Inches(1.3))
        note.fill.solid()
        note.fill.fore_color.rgb = NOTE_BG
        note.line.color.rgb = RGBColor(0xF9, 0xA8, 0x25)
        text_box(
            slide,
            MARGIN + Inches(0.2),
            Inches(5.4),
            SLIDE_W - 2 * MARGIN - Inches(0.4),
            Inches(1.1),
            tr(lang, "Let op: ", "Note: ") + meta.short_note_for(lang),
            size=BODY_PT,
            color=RGBColor(0x6D, 0x4C, 0x00),
        )
    footer(slide, meta, number, lang)
    task.report(0.1, "title")
    # 2. key figures of the region (or municipality), base situation
    ref = base if base is not None else first
    slide = next_slide()
    if muni_name:
        title(slide, tr(lang, f"Kerncijfers {muni_name}", f"Key figures {muni_name}"))
    else:
        title(slide, tr(lang, "Kerncijfers van de regio", "Key figures of the region"))
    tiles = [
        (
            fmt_number(_value(ref, "dwellings", nis), "count", lang),
            tr(lang, "woningen", "dwellings"),
        ),
        _inhabitants_tile(project, ref, nis, lang),
        (
            fmt_number(_value(ref, key_t, nis), "%", lang),
            tr(
                lang,
                f"van de woningen binnen {t:g} min fietsen van een mobipunt",
                f"of dwellings within {t:g} min by bike of a mobility hub",
            ),
        ),
        (
            fmt_number(_value(ref, key_w, nis), "%", lang),
            tr(
                lang,
                f"van de woningen binnen {w:g} m wandelen van een mobipunt",
                f"of dwellings within {w:g} m walking of a mobility hub",
            ),
        ),
        (
            fmt_number(_value(ref, "median_bike_min_mobipunt", nis), "min", lang),
            tr(lang, "mediane fietstijd tot een mobipunt", "median cycling time to a mobility hub"),
        ),
        (
            fmt_number(_value(ref, f"share_bike_station_{t:g}min", nis), "%", lang),
            tr(
                lang,
                f"van de woningen binnen {t:g} min fietsen van een station",
                f"of dwellings within {t:g} min by bike of a station",
            ),
        ),
    ]
    if nis is None:
        tiles[4] = (
            fmt_number(len(ref.mobipunten), "count", lang),
            tr(lang, "mobipunten in de basistoestand", "mobility hubs in the base situation"),
        )
        tiles[5] = (
            fmt_number(network_km_in_region(ref, project), "km", lang, digits=0),
            tr(lang, "fietsnetwerk binnen de regio", "bike network inside the region"),
        )
    tw, th = Inches(3.85), Inches(2.6)
    for i, (value, label) in enumerate(tiles):
        col, row = i % 3, i // 3
        tile(
            slide,
            MARGIN + col * (tw + Inches(0.25)),
            Inches(1.45) + row * (th + Inches(0.2)),
            tw,
            th,
            value,
            label,
        )
    footer(slide, meta, number, lang)
    slide.notes_slide.notes_text_frame.text = tr(
        lang,
        "Basistoestand, zonder scenario. Inwoners: officieel cijfer van Statbel (gemeentelaag). Aandelen zijn "
        "gewogen naar woningen: het deel van de woningen dat binnen de fietstijd of wandelafstand over het "
        "netwerk een mobipunt of station bereikt.",
        "Base situation, without a scenario. Inhabitants: the official Statbel figure (municipalities layer). "
        "Shares are weighted by dwellings: the part of the dwellings that reaches a mobility hub or station "
        "within the cycling time or walking distance over the network.",
    )
    # 3. one slide per scenario: map + three numbers
    for i, (name, ev, comp) in enumerate(runs):
        task.report(0.15 + 0.5 * i / max(len(runs), 1), f"scenario slide {name}")
        slide = next_slide()
        title(slide, f"Scenario: {name}")
        theme = "change" if comp is not None else "access"
        scen_meta = meta.with_scenario(ev.scenario, ev.parameters)
        png = map_png(
            project,
            theme,
            comparison=comp,
            evaluation=ev,
            meta=scen_meta,
            municipality=nis,
            lang=lang,
        )
        slide.shapes.add_picture(png, MARGIN, Inches(1.35), height=Inches(5.55))
        x = Inches(8.95)
        ts = headline_threshold(comp, nis, ev.parameters)  # where this scenario changes most
        key_ts = share_key(ts)
        share_label = tr(
            lang,
            f"woningen ≤ {ts:g} min fietsen van een mobipunt",
            f"dwellings ≤ {ts:g} min by bike of a hub",
        )
        if changes_access(comp, nis):
            share_label += tr(lang, " (grootste verandering)", " (largest change)")
        numbers = [
            (key_ts, share_label, "%", True),
            (
                "median_bike_min_mobipunt",
                tr(lang, "mediane fietstijd tot mobipunt", "median cycling time to a hub"),
                "min",
                False,
            ),
        ]
        for j, (key, label, unit, higher_better) in enumerate(numbers):
            number_value = _value(ev, key, nis)
            change, good = "", None
            if comp is not None:
                before = _value(comp.base, key, nis)
                change = fmt_delta(number_value, before, unit, lang)
                d = delta(number_value, before, unit)
                good = None if d is None or d.direction == 0 else (d.direction > 0) == higher_better
            tile(
                slide,
                x,
                Inches(1.35) + j * Inches(1.87),
                Inches(3.8),
                Inches(1.75),
                fmt_number(number_value, unit, lang),
                label,
                change,
                good,
            )
        if comp is not None:
            per = gains_losses(comp, nis)
            head = next(r for r in per if r.threshold == ts)
            lines = "; ".join(
                f"≤ {r.threshold:g} min: {fmt_number(r.gains, 'count', lang)} / "
                f"{fmt_number(r.losses, 'count', lang)}"
                for r in per
            )
            tile(
                slide,
                x,
                Inches(1.35) + 2 * Inches(1.87),
                Inches(3.8),
                Inches(1.75),
                f"{fmt_number(head.gains, 'count', lang)} / {fmt_number(head.losses, 'count', lang)}",
                tr(
                    lang,
                    f"woningen met winst / verlies ≤ {ts:g} min",
                    f"dwellings gaining / losing ≤ {ts:g} min",
                ),
            )
            slide.notes_slide.notes_text_frame.text = tr(
                lang,
                f"Winst / verlies van woningen per fietsdrempel: {lines}.",
                f"Dwellings gaining / losing per cycling threshold: {lines}.",
            )
        footer(slide, scen_meta, number, lang)
    task.report(0.7, "comparison chart")
    # 4. comparison chart (native)
    base_name = tr(lang, "Basis", "Base")
    evaluations = ([(base_name, base)] if base is not None else []) + [(n, ev) for n, ev, _ in runs]
    slide = next_slide()
    title(
        slide,
        tr(
            lang,
            "Vergelijking: woningen binnen fietstijd van een mobipunt",
            "Comparison: dwellings within cycling time of a mobility hub",
        ),
    )
    data = CategoryChartData()
    data.categories = [f"≤ {x:g} min" for x in params.bike_thresholds_min]
    for name, ev in evaluations:
        values = [
            _value(ev, f"share_bike_mobipunt_{x:g}min", nis) for x in params.bike_thresholds_min
        ]
        data.add_series(slide_text(name), [None if math.isnan(v) else round(v, 1) for v in values])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        MARGIN,
        Inches(1.35),
        SLIDE_W - 2 * MARGIN,
        Inches(5.5),
        data,
    )
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(BODY_PT)
    chart.category_axis.tick_labels.font.size = Pt(BODY_PT)
    chart.value_axis.tick_labels.font.size = Pt(BODY_PT)
    chart.value_axis.maximum_scale = 100
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = tr(lang, "% woningen", "% dwellings")
    chart.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(BODY_PT)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(16)
    plot.data_labels.number_format = "0.0"
    plot.data_labels.number_format_is_linked = False
    footer(slide, meta, number, lang)
    # 4a. public transport: indicators per scenario and the hubs failing the Hoppin check (with a stops layer)
    transit_slides(next_slide, lambda: number, base, runs, meta, nis, lang)
    # 4b. where the potential commuters cycle (the last scenario, else the base)
    for flow_name, flow_ev, flow_comp in runs or [(base_name, base, None)]:  # every scenario
        if "flow_dwellings" not in flow_ev.links.columns:
            continue
        slide = next_slide()
        title(
            slide,
            tr(
                lang,
                "Waar fietsen de potentiële pendelaars?",
                "Where would the potential commuters cycle?",
            ),
        )
        _flows_slide(slide, project, flow_name, flow_ev, flow_comp, nis, lang)
        footer(slide, meta.with_scenario(flow_ev.scenario, flow_ev.parameters), number, lang)
    # 5. municipalities: top and bottom
    task.report(0.8, "municipality table")
    for name, ev, comp in runs or [(base_name, base, None)]:
        slide = next_slide()
        table = ev.municipalities.copy()
        table = table[table["nis"].astype(str) != ""]
        if nis is not None:
            table = table[table["nis"].astype(str) == nis]
        tr_ = headline_threshold(
            comp, nis, ev.parameters
        )  # the measure: where this scenario changes most
        key_r = share_key(tr_)
        if comp is not None:
            before = comp.base.municipalities.set_index(
                comp.base.municipalities["nis"].astype(str)
            )[key_r]
            table["before"] = [before.get(str(n), float("nan")) for n in table["nis"]]
            table["delta"] = [
                (d.value if (d := delta(a, b, "%")) is not None else float("nan"))
                for a, b in zip(table[key_r], table["before"], strict=True)
            ]
            order = table.sort_values(["delta", key_r], ascending=[False, False])
            heading = name + tr(
                lang,
                ": gemeenten met de grootste en kleinste winst",
                ": municipalities with the largest and smallest gain",
            )
        else:
            table["delta"] = float("nan")
            table["before"] = float("nan")
            order = table.sort_values(key_r, ascending=False)
            heading = name + tr(
                lang,
                ": gemeenten met de beste en zwakste bereikbaarheid",
                ": municipalities with the best and weakest access",
            )
        title(slide, heading)
        rows = [
            [
                tr(lang, "Gemeente", "Municipality"),
                tr(lang, f"Woningen ≤ {tr_:g} min", f"Dwellings ≤ {tr_:g} min"),
                tr(lang, "Verschil", "Change"),
                tr(lang, "Mediane fietstijd", "Median cycling time"),
            ]
        ]
        picked = order if len(order) <= 9 else None
        if picked is None:
            top, bottom = order.head(4), order.tail(4)
            body = [*top.itertuples(index=False), None, *bottom.itertuples(index=False)]
        else:
            body = list(picked.itertuples(index=False))
        cols = list(order.columns)
        for item in body:
            if item is None:
                rows.append(["…", "", "", ""])
                continue
            rec = dict(zip(cols, item, strict=True))
            rows.append(
                [
                    str(rec["name"]),
                    fmt_number(rec[key_r], "%", lang),
                    fmt_delta(rec[key_r], rec["before"], "%", lang),
                    fmt_number(rec.get("median_bike_min_mobipunt", float("nan")), "min", lang),
                ]
            )
        add_table(
            slide,
            MARGIN,
            Inches(1.35),
            SLIDE_W - 2 * MARGIN,
            rows,
            (4.5, 2.6, 2.0, 2.6),
            row_h=0.46,
        )
        slide.notes_slide.notes_text_frame.text = tr(
            lang,
            f"Gemeenten gerangschikt op de verandering van het aandeel woningen binnen {tr_:g} min fietsen van een "
            "mobipunt: de drempel waar dit scenario het meest verandert. ±0 betekent gelijk op de getoonde "
            "nauwkeurigheid.",
            f"Municipalities ranked by the change of the share of dwellings within {tr_:g} min by bike of a "
            "mobility hub: the threshold where this scenario changes most. ±0 means equal at the precision shown.",
        )
        footer(slide, meta.with_scenario(ev.scenario, ev.parameters), number, lang)
    # 6. ledger
    task.report(0.9, "ledger")
    for name, ev, _ in runs:
        entries = modification_ledger(ev.scenario, project, lang)
        if not entries:
            continue
        for start in range(0, len(entries), 6):
            slide = next_slide()
            part = entries[start : start + 6]
            suffix = f" ({start // 6 + 1})" if len(entries) > 6 else ""
            title(slide, f"{name}: {tr(lang, 'wijzigingen', 'changes')}{suffix}")
            cols = (
                ["Nr", "Wat", "Waar", "Door", "Waarom"]
                if lang != "en"
                else ["No", "What", "Where", "By", "Why"]
            )
            rows = [cols]
            for e in part:
                rows.append([str(e[cols[0]]), *(e[c] for c in cols[1:])])
            add_table(
                slide,
                MARGIN,
                Inches(1.35),
                SLIDE_W - 2 * MARGIN,
                rows,
                (0.7, 4.6, 2.0, 2.4, 4.2),
                row_h=0.8,
            )
            footer(slide, meta.with_scenario(ev.scenario, ev.parameters), number, lang)
    # 6b. suggested sites, naming the situation they start from
    if siting is not None and len(siting.sites):
        start_name, start_ev, _ = runs[-1] if runs else (base_name, base, None)
        slide = next_slide()
        title(
            slide,
            tr(
                lang,
                f"Voorgestelde locaties (vertrekt van: {start_name})",
                f"Suggested sites (starting from: {start_name})",
            ),
        )
        png = map_png(
            project,
            "siting",
            comparison=None,
            evaluation=start_ev,
            meta=meta,
            municipality=nis,
            lang=lang,
            siting=siting,
        )
        slide.shapes.add_picture(png, MARGIN, Inches(1.35), height=Inches(5.55))
        rows = [
            [
                tr(lang, "Nr", "No"),
                tr(lang, "Gemeente", "Municipality"),
                tr(
                    lang,
                    f"Extra woningen ≤ {siting.threshold_min:g} min",
                    f"Extra dwellings ≤ {siting.threshold_min:g} min",
                ),
            ]
        ]
        for rec in siting.sites.head(8).itertuples():
            rows.append(
                [
                    str(rec.rank),
                    str(getattr(rec, "municipality", "") or ""),
                    fmt_number(rec.gain_dwellings, "count", lang),
                ]
            )
        add_table(slide, Inches(8.95), Inches(1.35), Inches(3.8), rows, (0.7, 1.7, 1.4), row_h=0.5)
        footer(slide, meta.with_scenario(start_ev.scenario, start_ev.parameters), number, lang)
    # 6c. conclusions: one line per scenario with the numbers that matter
    if runs and any(comp is not None for _, _, comp in runs):
        slide = next_slide()
        title(slide, tr(lang, "Conclusies", "Conclusions"))
        conclusions: list[str] = []
        for name, ev, comp in runs:
            if comp is None:
                continue
            tc = headline_threshold(comp, nis, ev.parameters)
            key = share_key(tc)
            after, before = _value(ev, key, nis), _value(comp.base, key, nis)
            head = next(r for r in gains_losses(comp, nis) if r.threshold == tc)
            line = tr(
                lang,
                f"• {name}: {fmt_number(after, '%', lang)} van de woningen binnen {tc:g} min fietsen van een "
                f"mobipunt ({fmt_delta(after, before, '%', lang)}); {fmt_number(head.gains, 'count', lang)} "
                f"woningen winnen toegang, {fmt_number(head.losses, 'count', lang)} verliezen ze.",
                f"• {name}: {fmt_number(after, '%', lang)} of dwellings within {tc:g} min by bike of a "
                f"mobility hub ({fmt_delta(after, before, '%', lang)}); {fmt_number(head.gains, 'count', lang)} "
                f"dwellings gain access, {fmt_number(head.losses, 'count', lang)} lose it.",
            )
            if nis is None and not ev.municipalities.empty and key in ev.municipalities.columns:
                table = ev.municipalities[ev.municipalities["nis"].astype(str) != ""]
                prev = comp.base.municipalities.set_index(
                    comp.base.municipalities["nis"].astype(str)
                )[key]
                gains = {
                    str(r["name"]): (
                        d.value if (d := delta(r[key], prev.get(str(r["nis"])), "%")) else 0.0
                    )
                    for _, r in table.iterrows()
                }
                best = max(gains, key=lambda k: gains[k]) if gains else None
                if best is not None and gains[best] > 0:
                    row = table[table["name"].astype(str) == best].iloc[0]
                    line += tr(
                        lang,
                        f" Grootste winst: {best} ({fmt_delta(row[key], prev.get(str(row['nis'])), '%', lang)}).",
                        f" Largest gain: {best} ({fmt_delta(row[key], prev.get(str(row['nis'])), '%', lang)}).",
                    )
            conclusions.append(line)
        text_box(
            slide,
            MARGIN,
            Inches(1.35),
            SLIDE_W - 2 * MARGIN,
            Inches(5.4),
            "\n".join(conclusions),
            size=BODY_PT,
        )
        slide.notes_slide.notes_text_frame.text = tr(
            lang,
            "Per scenario de drempel waar het aandeel woningen met een mobipunt binnen fietsbereik het meest "
            "verandert; winst en verlies bij elke drempel staan in de notities van de scenariodia's.",
            "Per scenario the threshold where the share of dwellings with a mobility hub within cycling reach changes "
            "most; gains and losses at every threshold are in the notes of the scenario slides.",
        )
        footer(slide, meta, number, lang)
    # 7. sources and method
    slide = next_slide()
    title(slide, tr(lang, "Bronnen en methode", "Sources and method"))
    speeds = ", ".join(f"{link_class(k, lang)} {v:g}" for k, v in params.speeds_kmh.items())
    walk = ", ".join(f"{x:g}" for x in params.walk_thresholds_m)
    bike = ", ".join(f"{x:g}" for x in params.bike_thresholds_min)
    method = tr(
        lang,
        f"• Bereikbaarheid: kortste route over het fietsnetwerk naar het dichtstbijzijnde mobipunt of station; "
        f"fietssnelheid per linkklasse ({speeds} km/u).\n"
        f"• Wandelafstand over het netwerk; drempels {walk} m en {bike} min fietsen.\n"
        f"• Aandelen gewogen naar woningen; inwoners = woningen × {params.household_size:g}.\n"
        "• Fietsstromen: elke woning langs haar kortste fietsroute naar het dichtstbijzijnde station en naar de "
        "Brusselse grens (potentieel, geen tellingen).",
        f"• Access: shortest route over the bike network to the nearest mobility hub or station; "
        f"cycling speed per link class ({speeds} km/h).\n"
        f"• Walking distance over the network; thresholds {walk} m and {bike} min by bike.\n"
        f"• Shares weighted by dwellings; inhabitants = dwellings × {params.household_size:g}.\n"
        "• Bike flows: every dwelling along its shortest cycling route to the nearest station and to the Brussels "
        "border (potential, not counts).",
    )
    text_box(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN, Inches(2.6), method, size=BODY_PT)
    sources = "\n".join(f"• {s}" for s in (meta.attributions or meta.sources)[:3])
    text_box(
        slide,
        MARGIN,
        Inches(4.0),
        SLIDE_W - 2 * MARGIN,
        Inches(1.3),
        tr(
            lang,
            "Bronnen (volledige lijst in het Excel-bestand, blad 'Parameters en bronnen'):\n",
            "Sources (full list in the Excel workbook, sheet 'Parameters and sources'):\n",
        )
        + sources,
        size=BODY_PT,
    )
    notes = ([meta.short_note_for(lang)] if meta.notes else []) + meta.result_note_texts(lang)
    if notes:
        text_box(
            slide,
            MARGIN,
            Inches(5.45),
            SLIDE_W - 2 * MARGIN,
            Inches(1.5),
            tr(lang, "Let op: ", "Note: ") + " ".join(notes),
            size=BODY_PT,
            color=RGBColor(0x6D, 0x4C, 0x00),
        )
    footer(slide, meta, number, lang)
    tag_language(prs, lang)
    props = prs.core_properties
    props.title = slide_text(meta.title)[:255]
    props.subject = slide_text(", ".join(meta.scenarios) or meta.scenario)[:255]
    props.author = slide_text(meta.organisation or "Slimme Regio Planner")[:255]
    props.comments = slide_text(meta.source_line(lang, compact=True))[:255]
    with writing(path, force=force) as tmp:
        prs.save(str(tmp))
    task.report(1.0, "deck written")
    return Path(path)
