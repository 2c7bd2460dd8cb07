"""The deck's opening slides: the title slide and the key figures of the region or municipality."""

from __future__ import annotations

from typing import Any

from pptx.dml.color import RGBColor
from pptx.util import Inches

from slimmeregio.exporters.headline import (
    ESTIMATE_LABEL,
    network_km_in_region,
    statbel_inhabitants,
)
from slimmeregio.exporters.slide_deck import Deck
from slimmeregio.exporters.slide_kit import (
    BLUE,
    BODY_PT,
    INK,
    MARGIN,
    NOTE_BG,
    SLIDE_W,
    WHITE,
    middle,
    text_box,
    tile,
    title,
)
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import fmt_number


def title_slide(deck: Deck) -> None:
    """The title slide: title, scenarios, date and organisation, the illustrative-data note."""
    meta, runs, lang = deck.meta, deck.runs, deck.lang
    muni_name = deck.muni_name
    slide = deck.next_slide()
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
        tr(lang, "Scenario's: ") + ", ".join(name for name, _, _ in runs)
        if runs
        else tr(lang, "Basistoestand")
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
            tr(lang, "Let op: ") + meta.short_note_for(lang),
            size=BODY_PT,
            color=RGBColor(0x6D, 0x4C, 0x00),
        )
    deck.footer(slide)


def _inhabitants_tile(project: Project, ref: Any, nis: str | None, lang: str) -> tuple[str, str]:
    """Statbel's inhabitants (municipalities layer); the dwelling-based estimate, labelled, without them."""
    statbel = statbel_inhabitants(project, nis)
    if statbel is not None:
        return fmt_number(statbel, "count", lang), tr(lang, "inwoners (Statbel)")
    return fmt_number(
        float("nan") if ref is None else float(ref.value("inhabitants", nis)), "count", lang
    ), ESTIMATE_LABEL[lang if lang == "en" else "nl"]


def key_figures_slide(deck: Deck) -> None:
    """The key figures of the region (or municipality) in the base situation."""
    project, base, nis, lang = deck.project, deck.base, deck.nis, deck.lang
    muni_name, first = deck.muni_name, deck.first
    params = first.parameters
    t = middle(params.bike_thresholds_min, 10.0)
    w = middle(params.walk_thresholds_m, 800.0)
    key_t, key_w = f"share_bike_mobipunt_{t:g}min", f"share_walk_mobipunt_{w:g}m"
    ref = base if base is not None else first
    slide = deck.next_slide()
    if muni_name:
        title(slide, tr(lang, "Kerncijfers {muni_name}").format(muni_name=muni_name))
    else:
        title(slide, tr(lang, "Kerncijfers van de regio"))
    tiles = [
        (
            fmt_number(deck.value(ref, "dwellings"), "count", lang),
            tr(lang, "woningen"),
        ),
        _inhabitants_tile(project, ref, nis, lang),
        (
            fmt_number(deck.value(ref, key_t), "%", lang),
            tr(lang, "van de woningen binnen {t:g} min fietsen van een mobipunt").format(t=t),
        ),
        (
            fmt_number(deck.value(ref, key_w), "%", lang),
            tr(lang, "van de woningen binnen {w:g} m wandelen van een mobipunt").format(w=w),
        ),
        (
            fmt_number(deck.value(ref, "median_bike_min_mobipunt"), "min", lang),
            tr(lang, "mediane fietstijd tot een mobipunt"),
        ),
        (
            fmt_number(deck.value(ref, f"share_bike_station_{t:g}min"), "%", lang),
            tr(lang, "van de woningen binnen {t:g} min fietsen van een station").format(t=t),
        ),
    ]
    if nis is None:
        tiles[4] = (
            fmt_number(len(ref.mobipunten), "count", lang),
            tr(lang, "mobipunten in de basistoestand"),
        )
        tiles[5] = (
            fmt_number(network_km_in_region(ref, project), "km", lang, digits=0),
            tr(lang, "fietsnetwerk binnen de regio"),
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
    deck.footer(slide)
    slide.notes_slide.notes_text_frame.text = tr(
        lang,
        "Basistoestand, zonder scenario. Inwoners: officieel cijfer van Statbel (gemeentelaag). Aandelen zijn gewogen naar woningen: het deel van de woningen dat binnen de fietstijd of wandelafstand over het netwerk een mobipunt of station bereikt.",
    )
