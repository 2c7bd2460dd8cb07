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

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pptx import Presentation

from slimmeregio.exporters._safe import check_overwrite, writing
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.result_runs import results_meta, results_to_export
from slimmeregio.exporters.slide_closing import ledger_slides, sites_slide, sources_slide
from slimmeregio.exporters.slide_deck import Deck
from slimmeregio.exporters.slide_flows import FLOW_ROWS, flow_slides, flow_streets
from slimmeregio.exporters.slide_intro import key_figures_slide, title_slide
from slimmeregio.exporters.slide_kit import (
    BODY_PT,
    FOOTER_NAME,
    SLIDE_H,
    SLIDE_W,
    slide_text,
    tag_language,
)
from slimmeregio.exporters.slide_results import (
    comparison_slide,
    conclusions_slide,
    municipality_slides,
    scenario_slides,
)
from slimmeregio.exporters.slide_transit import transit_slides
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import Task

__all__ = ["BODY_PT", "FLOW_ROWS", "FOOTER_NAME", "export_slides", "flow_streets"]


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
    meta = results_meta(project, base, runs, meta, lang)
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    deck = Deck.start(prs, project, meta, base, runs, municipality, lang)
    title_slide(deck)
    task.report(0.1, "title")
    key_figures_slide(deck)
    scenario_slides(deck, task)
    task.report(0.7, "comparison chart")
    comparison_slide(deck)
    # public transport: indicators per scenario and the hubs failing the Hoppin check (with a stops layer)
    transit_slides(deck.next_slide, lambda: deck.number, base, runs, meta, deck.nis, lang)
    flow_slides(deck)
    task.report(0.8, "municipality table")
    municipality_slides(deck)
    task.report(0.9, "ledger")
    ledger_slides(deck)
    sites_slide(deck, siting)
    conclusions_slide(deck)
    sources_slide(deck)
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
