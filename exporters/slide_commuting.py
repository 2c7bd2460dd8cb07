"""The deck's 'Banen en fietspendelaars' slide: jobs within cycling time and potential bike commuters per scenario.

Added by :func:`slimmeregio.exporters.slides.export_slides` only when the
runs carry commuting results (the project has a jobs layer). The numbers are
the region (or municipality) indicators the workbook's summary and
``slimmeregio run`` show, formatted by the one formatter.
"""

from __future__ import annotations

from typing import Any

from slimmeregio.exporters.slide_kit import body_table, title
from slimmeregio.exporters.slide_transit import indicator_rows
from slimmeregio.layers.i18n import tr

__all__ = ["commuting_keys", "commuting_slide"]

#: Scenarios side by side in the table (more get another slide).
_SCENARIOS_PER_SLIDE = 3


def commuting_keys(ev: Any) -> list[str]:
    """The jobs-access and commuting keys of ``ev`` shown on the slide, in order."""
    minutes = ev.parameters.bike_thresholds_min
    mid = f"{minutes[len(minutes) // 2]:g}"
    keys = [
        f"opp_jobs_bike_{mid}min",
        f"opp_schools_bike_{mid}min",
        "commuters",
        "bike_commuters_go_dutch",
        "share_bike_commuters_go_dutch",
    ]
    return [k for k in keys if k in ev.region]


def commuting_slide(deck: Any) -> None:
    """Add the slide(s); none when no run has commuting or jobs-access results."""
    lang = deck.lang
    evaluations = ([deck.base] if deck.base is not None else []) + [ev for _, ev, _ in deck.runs]
    keys = next((k for k in map(commuting_keys, evaluations) if k), None)
    if keys is None:
        return
    from slimmeregio.scenarios.results import indicator_label

    specs = [(key, indicator_label(key, lang)) for key in keys]
    runs = deck.runs
    chunks = [
        runs[i : i + _SCENARIOS_PER_SLIDE] for i in range(0, len(runs), _SCENARIOS_PER_SLIDE)
    ] or [[]]
    for k, chunk in enumerate(chunks):
        slide = deck.next_slide()
        suffix = f" ({k + 1})" if len(chunks) > 1 else ""
        title(slide, tr(lang, "Banen en fietspendelaars") + suffix)
        rows = indicator_rows(deck.base, chunk, specs, deck.nis, lang)
        body_table(slide, rows, (5.0, *([2.4] * (len(rows[0]) - 1))), 0.75)
        slide.notes_slide.notes_text_frame.text = tr(
            lang,
            "Banen binnen fietstijd: gemiddeld over de woningen. Pendelaars: de werkenden van de woningen, verdeeld over de banen (zwaartekrachtmodel of pendeltabel). Potentiële fietspendelaars: het aandeel dat zou fietsen volgens de Propensity to Cycle Tool (Lovelace et al. 2017, 'Go Dutch'), naar routelengte en helling; zonder hoogtemodel is elke route vlak gerekend. Een potentieel, geen telling. Tussen haakjes: scenario min basis.",
        )
        deck.footer(slide)
