"""The deck's closing slides: the modification ledger, the suggested sites, sources and method."""

from __future__ import annotations

from typing import Any

from pptx.dml.color import RGBColor
from pptx.util import Inches

from slimmeregio.exporters.meta import modification_ledger
from slimmeregio.exporters.slide_deck import Deck
from slimmeregio.exporters.slide_kit import (
    BODY_PT,
    MARGIN,
    SLIDE_W,
    add_table,
    body_table,
    text_box,
    title,
)
from slimmeregio.exporters.terms import link_class
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.numbers import fmt_number


def ledger_slides(deck: Deck) -> None:
    """The modification ledger of each scenario, six changes per slide."""
    project, meta, runs, lang = deck.project, deck.meta, deck.runs, deck.lang
    for name, ev, _ in runs:
        entries = modification_ledger(ev.scenario, project, lang)
        if not entries:
            continue
        for start in range(0, len(entries), 6):
            slide = deck.next_slide()
            part = entries[start : start + 6]
            suffix = f" ({start // 6 + 1})" if len(entries) > 6 else ""
            title(slide, f"{name}: {tr(lang, 'wijzigingen')}{suffix}")
            cols = (
                ["Nr", "Wat", "Waar", "Door", "Waarom"]
                if lang != "en"
                else ["No", "What", "Where", "By", "Why"]
            )
            rows = [cols]
            for e in part:
                rows.append([str(e[cols[0]]), *(e[c] for c in cols[1:])])
            body_table(slide, rows, (0.7, 4.6, 2.0, 2.4, 4.2), 0.8)
            deck.footer(slide, meta.with_scenario(ev.scenario, ev.parameters))


def sites_slide(deck: Deck, siting: Any) -> None:
    """The suggested sites and the situation they start from (the last scenario)."""
    meta, base, runs, lang = deck.meta, deck.base, deck.runs, deck.lang
    base_name = deck.base_name
    if siting is not None and len(siting.sites):
        start_name, start_ev, _ = runs[-1] if runs else (base_name, base, None)
        slide = deck.next_slide()
        title(
            slide,
            tr(lang, "Voorgestelde locaties (vertrekt van: {start_name})").format(
                start_name=start_name
            ),
        )
        deck.map_picture(
            slide, "siting", evaluation=start_ev, comparison=None, meta=meta, siting=siting
        )
        rows = [
            [
                tr(lang, "Nr"),
                tr(lang, "Gemeente"),
                tr(lang, "Extra woningen ≤ {threshold_min:g} min").format(
                    threshold_min=siting.threshold_min
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
        deck.footer(slide, meta.with_scenario(start_ev.scenario, start_ev.parameters))


def sources_slide(deck: Deck) -> None:
    """Sources and method, with the remarks on the results."""
    meta, lang = deck.meta, deck.lang
    params = deck.first.parameters
    slide = deck.next_slide()
    title(slide, tr(lang, "Bronnen en methode"))
    speeds = ", ".join(f"{link_class(k, lang)} {v:g}" for k, v in params.speeds_kmh.items())
    walk = ", ".join(f"{x:g}" for x in params.walk_thresholds_m)
    bike = ", ".join(f"{x:g}" for x in params.bike_thresholds_min)
    method = tr(
        lang,
        "• Bereikbaarheid: kortste route over het fietsnetwerk naar het dichtstbijzijnde mobipunt of station; fietssnelheid per linkklasse ({speeds} km/u).\n• Wandelafstand over het netwerk; drempels {walk} m en {bike} min fietsen.\n• Aandelen gewogen naar woningen; inwoners = woningen × {household_size:g}.\n• Fietsstromen: elke woning langs haar kortste fietsroute naar het dichtstbijzijnde station en naar de Brusselse grens (potentieel, geen tellingen).",
    ).format(speeds=speeds, walk=walk, bike=bike, household_size=params.household_size)
    text_box(slide, MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN, Inches(2.6), method, size=BODY_PT)
    sources = "\n".join(f"• {s}" for s in (meta.attributions or meta.sources)[:3])
    text_box(
        slide,
        MARGIN,
        Inches(4.0),
        SLIDE_W - 2 * MARGIN,
        Inches(1.3),
        tr(lang, "Bronnen (volledige lijst in het Excel-bestand, blad 'Parameters en bronnen'):\n")
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
            tr(lang, "Let op: ") + " ".join(notes),
            size=BODY_PT,
            color=RGBColor(0x6D, 0x4C, 0x00),
        )
    deck.footer(slide)
