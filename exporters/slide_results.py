"""The deck's result slides: each scenario's map and numbers, the comparison chart, the municipalities that gain most and least, the conclusions."""

from __future__ import annotations

import math

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from slimmeregio.exporters.headline import (
    changes_access,
    gains_losses,
    headline_threshold,
    share_key,
)
from slimmeregio.exporters.result_runs import named_evaluations
from slimmeregio.exporters.slide_deck import Deck
from slimmeregio.exporters.slide_kit import (
    BODY_PT,
    MARGIN,
    SLIDE_W,
    body_table,
    slide_text,
    text_box,
    tile,
    title,
)
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.numbers import delta, fmt_delta, fmt_number
from slimmeregio.layers.progress import Task


def scenario_slides(deck: Deck, task: Task) -> None:
    """One slide per scenario: its map and three key numbers."""
    meta, runs, nis, lang = deck.meta, deck.runs, deck.nis, deck.lang
    for i, (name, ev, comp) in enumerate(runs):
        task.report(0.15 + 0.5 * i / max(len(runs), 1), f"scenario slide {name}")
        slide = deck.next_slide()
        title(slide, f"Scenario: {name}")
        theme = "change" if comp is not None else "access"
        scen_meta = meta.with_scenario(ev.scenario, ev.parameters)
        deck.map_picture(slide, theme, evaluation=ev, comparison=comp, meta=scen_meta)
        x = Inches(8.95)
        ts = headline_threshold(comp, nis, ev.parameters)  # where this scenario changes most
        key_ts = share_key(ts)
        share_label = tr(lang, "woningen ≤ {ts:g} min fietsen van een mobipunt").format(ts=ts)
        if changes_access(comp, nis):
            share_label += tr(lang, " (grootste verandering)")
        numbers = [
            (key_ts, share_label, "%", True),
            (
                "median_bike_min_mobipunt",
                tr(lang, "mediane fietstijd tot mobipunt"),
                "min",
                False,
            ),
        ]
        for j, (key, label, unit, higher_better) in enumerate(numbers):
            number_value = deck.value(ev, key)
            change, good = "", None
            if comp is not None:
                before = deck.value(comp.base, key)
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
                tr(lang, "woningen met winst / verlies ≤ {ts:g} min").format(ts=ts),
            )
            slide.notes_slide.notes_text_frame.text = tr(
                lang, "Winst / verlies van woningen per fietsdrempel: {lines}."
            ).format(lines=lines)
        deck.footer(slide, scen_meta)


def comparison_slide(deck: Deck) -> None:
    """The comparison chart (a native, editable chart): dwellings within cycling time of a hub per run."""
    base, runs, lang = deck.base, deck.runs, deck.lang
    params = deck.first.parameters
    evaluations = named_evaluations(base, runs, lang)
    slide = deck.next_slide()
    title(
        slide,
        tr(lang, "Vergelijking: woningen binnen fietstijd van een mobipunt"),
    )
    data = CategoryChartData()
    data.categories = [f"≤ {x:g} min" for x in params.bike_thresholds_min]
    for name, ev in evaluations:
        values = [
            deck.value(ev, f"share_bike_mobipunt_{x:g}min") for x in params.bike_thresholds_min
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
    chart.value_axis.axis_title.text_frame.text = tr(lang, "% woningen")
    chart.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(BODY_PT)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.font.size = Pt(16)
    plot.data_labels.number_format = "0.0"
    plot.data_labels.number_format_is_linked = False
    deck.footer(slide)


def municipality_slides(deck: Deck) -> None:
    """Per run the municipalities that gain most and least (or are served best and worst)."""
    meta, base, runs, nis, lang = deck.meta, deck.base, deck.runs, deck.nis, deck.lang
    base_name = deck.base_name
    for name, ev, comp in runs or [(base_name, base, None)]:
        slide = deck.next_slide()
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
            heading = name + tr(lang, ": gemeenten met de grootste en kleinste winst")
        else:
            table["delta"] = float("nan")
            table["before"] = float("nan")
            order = table.sort_values(key_r, ascending=False)
            heading = name + tr(lang, ": gemeenten met de beste en zwakste bereikbaarheid")
        title(slide, heading)
        rows = [
            [
                tr(lang, "Gemeente"),
                tr(lang, "Woningen ≤ {tr_:g} min").format(tr_=tr_),
                tr(lang, "Verschil", context="delta"),
                tr(lang, "Mediane fietstijd"),
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
        body_table(slide, rows, (4.5, 2.6, 2.0, 2.6), 0.46)
        slide.notes_slide.notes_text_frame.text = tr(
            lang,
            "Gemeenten gerangschikt op de verandering van het aandeel woningen binnen {tr_:g} min fietsen van een mobipunt: de drempel waar dit scenario het meest verandert. ±0 betekent ongewijzigd; een verandering kleiner dan de getoonde decimalen krijgt er meer.",
        ).format(tr_=tr_)
        deck.footer(slide, meta.with_scenario(ev.scenario, ev.parameters))


def conclusions_slide(deck: Deck) -> None:
    """Conclusions: one line per scenario with the numbers that matter."""
    runs, nis, lang = deck.runs, deck.nis, deck.lang
    if runs and any(comp is not None for _, _, comp in runs):
        slide = deck.next_slide()
        title(slide, tr(lang, "Conclusies"))
        conclusions: list[str] = []
        for name, ev, comp in runs:
            if comp is None:
                continue
            tc = headline_threshold(comp, nis, ev.parameters)
            key = share_key(tc)
            after, before = deck.value(ev, key), deck.value(comp.base, key)
            head = next(r for r in gains_losses(comp, nis) if r.threshold == tc)
            line = tr(
                lang,
                "• {name}: {v1} van de woningen binnen {tc:g} min fietsen van een mobipunt ({v3}); {v4} woningen winnen toegang, {v5} verliezen ze.",
            ).format(
                name=name,
                v1=fmt_number(after, "%", lang),
                tc=tc,
                v3=fmt_delta(after, before, "%", lang),
                v4=fmt_number(head.gains, "count", lang),
                v5=fmt_number(head.losses, "count", lang),
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
                    line += tr(lang, " Grootste winst: {best} ({v1}).").format(
                        best=best, v1=fmt_delta(row[key], prev.get(str(row["nis"])), "%", lang)
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
            "Per scenario de drempel waar het aandeel woningen met een mobipunt binnen fietsbereik het meest verandert; winst en verlies bij elke drempel staan in de notities van de scenariodia's.",
        )
        deck.footer(slide)
