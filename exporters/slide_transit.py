"""The deck's 'Openbaar vervoer' slides: the region's public transport indicators and the hubs failing the Hoppin check.

Added by :func:`slimmeregio.exporters.slides.export_slides` only when the
runs carry public transport results (the project has a stops layer). The
indicators are those of the printed map's key figures
(:func:`slimmeregio.exporters.map_transit.transit_key_specs`), so deck, map
and workbook show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from slimmeregio.exporters.map_transit import failing_hubs, has_transit, transit_key_specs
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.slide_kit import body_table, footer, slide_text, title
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.numbers import fmt_delta, fmt_number

__all__ = ["HUB_ROWS", "indicator_rows", "transit_slides"]

#: Failing hubs listed on the slide (the workbook's sheet has them all).
HUB_ROWS = 4
#: Scenarios side by side in the indicator table (more get another slide).
_SCENARIOS_PER_SLIDE = 3


def _value(ev: Any, key: str, nis: str | None) -> float:
    return float("nan") if ev is None else float(ev.value(key, nis))


def indicator_rows(
    base: Any,
    runs: list[tuple[str, Any, Any]],
    specs: list[tuple[str, str]],
    nis: str | None,
    lang: str,
) -> list[list[str]]:
    from slimmeregio.scenarios.results import indicator_unit

    header = [tr(lang, "Indicator")]
    if base is not None:
        header.append(tr(lang, "Basis"))
    header += [name for name, _, _ in runs]
    rows = [header]
    for key, label in specs:
        unit = indicator_unit(key)
        values = [_value(ev, key, nis) for _, ev, _ in runs] + (
            [_value(base, key, nis)] if base is not None else []
        )
        if all(math.isnan(v) for v in values):
            continue
        row = [label]
        if base is not None:
            row.append(fmt_number(_value(base, key, nis), unit, lang))
        for _, ev, comp in runs:
            value = _value(ev, key, nis)
            text = fmt_number(value, unit, lang)
            if comp is not None:
                change = fmt_delta(value, _value(comp.base, key, nis), unit, lang)
                text += f" ({change})" if change else ""
            row.append(text)
        rows.append(row)
    return rows


def transit_slides(
    next_slide: Callable[[], Any],
    number: Callable[[], int],
    base: Any,
    runs: list[tuple[str, Any, Any]],
    meta: ExportMeta,
    nis: str | None,
    lang: str,
) -> None:
    """Add the public transport slides (none when no run has public transport results).

    ``next_slide`` adds a blank slide, ``number`` gives its page number;
    ``runs`` are ``(name, evaluation, comparison or None)``.
    """
    evaluations = ([base] if base is not None else []) + [ev for _, ev, _ in runs]
    if not any(has_transit(ev) for ev in evaluations):
        return
    ref = next(ev for ev in evaluations if has_transit(ev))
    params = ref.parameters
    specs = transit_key_specs(ref, lang, municipality=nis)
    chunks = [
        runs[i : i + _SCENARIOS_PER_SLIDE] for i in range(0, len(runs), _SCENARIOS_PER_SLIDE)
    ] or [[]]
    for k, chunk in enumerate(chunks):
        slide = next_slide()
        suffix = f" ({k + 1})" if len(chunks) > 1 else ""
        title(slide, tr(lang, "Openbaar vervoer") + suffix)
        rows = indicator_rows(base, chunk, specs, nis, lang)
        widths = (5.0, *([2.4] * (len(rows[0]) - 1)))
        body_table(slide, rows, widths, 0.75)
        walk, trains = f"{params.pt_walk_m:g}", f"{params.pt_trains_per_hour:g}"
        slide.notes_slide.notes_text_frame.text = tr(
            lang,
            "Aandelen gewogen naar woningen. 'Halte op wandelafstand': binnen {walk} m wandelen over het netwerk een halte met minstens zoveel vertrekken per uur volgens de dienstregeling (GTFS) in het venster. Een station telt vanaf {trains} treinen per uur. Fiets + trein naar Brussel is een benadering: fietstijd tot het station, plus de halve tijd tussen twee treinen, plus de geplande rittijd; geen overstappen, geen vertragingen, geen wandeltijd in het station. Tussen haakjes: scenario min basis; ±0 betekent ongewijzigd; een verandering kleiner dan de getoonde decimalen krijgt er meer.",
        ).format(walk=walk, trains=trains)
        footer(slide, meta, number(), lang)
    # the hubs failing the policy check, of the last scenario (else the base)
    name, ev = (runs[-1][0], runs[-1][1]) if runs else (tr(lang, "Basis"), base)
    bad = failing_hubs(ev)
    if len(bad) == 0:
        return
    slide = next_slide()
    title(
        slide,
        tr(lang, "Hoppin-toets: {v0} mobipunten passen niet").format(v0=len(bad)),
    )
    reason = "reason_nl" if lang == "nl" else "reason_en"
    rows = [
        [
            tr(lang, "Mobipunt"),
            tr(lang, "Naam"),
            "Type",
            tr(lang, "Waarom niet"),
        ]
    ]
    for rec in bad.head(HUB_ROWS).to_dict(orient="records"):
        text = str(rec[reason])
        text = text.split(": ", 1)[1] if ": " in text else text  # the type has its own column
        rows.append(
            [
                str(rec["mobipunt_id"]),
                str(rec["name"]),
                hoppin_type(str(rec["hoppin_type"]), lang),
                text,
            ]
        )
    if len(bad) > HUB_ROWS:
        rows.append(
            [
                "…",
                "",
                "",
                tr(lang, "nog {v0}: zie het Excel-blad 'Openbaar vervoer'").format(
                    v0=len(bad) - HUB_ROWS
                ),
            ]
        )
    body_table(slide, rows, (1.4, 2.6, 1.7, 6.4), 0.7)
    slide.notes_slide.notes_text_frame.text = f"Scenario: {slide_text(name)}. " + tr(
        lang,
        "Hoppin-toets (regels in resources/hoppin_rules.toml): per type een minimaal of maximaal aanbod aan openbaar vervoer binnen een straal, volgens de geplande vertrekken per uur. Een mobipunt dat niet past kan een ander type krijgen, of het aanbod kan veranderen.",
    )
    footer(slide, meta.with_scenario(ev.scenario, ev.parameters), number(), lang)
