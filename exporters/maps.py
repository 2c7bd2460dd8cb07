"""Masterplan maps and the municipal atlas (PDF, PNG, SVG).

A masterplan map is a real map layout on A4 or A3, portrait or landscape:
a title block (title, theme, scenario, date, organisation), the map with
municipality names, a scale bar (m/km) and a north arrow, a legend built
from what is drawn, a locator inset (the map frame within the region and
Brussels), key figures, the parameters, and a source line with the
attributions and the illustrative-data note.

Themes
------
``base``
    bike network by link class, mobipunten by Hoppin type, stations, housing
    density (dwellings per km² on a 200 m grid).
``access``
    dwellings coloured by cycling time to the nearest mobipunt
    (:data:`~slimmeregio.layers.symbology.ACCESS_CLASSES_MIN`).
``change``
    dwellings that gain or lose access within a threshold, links added,
    closed and upgraded, mobipunten added or moved (needs a comparison).
``flows``
    links by potential bike flow to the nearest station (width and colour).
``flows_brussels``
    links by potential bike flow to the nearest entry point on the Brussels
    border, with the entry points (needs a Brussels layer in the project;
    without one the map says so).
``siting``
    suggested mobipunt sites, numbered, over the current access.
``public_transport``
    stops by departures per hour in the morning peak, stations sized by
    trains per hour, dwellings by walking access to a frequent stop, hubs
    failing the Hoppin check crossed (needs a stops layer,
    :mod:`slimmeregio.exporters.map_transit`).

Everything is drawn on matplotlib ``Figure`` objects (never pyplot state),
so maps render in worker threads. The atlas is one multi-page PDF with one
page per municipality, zoomed to it, with its own indicators; geometry is
limited to each page's extent before drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from slimmeregio.exporters._safe import check_overwrite, writing, xml_text
from slimmeregio.exporters.figure_text import clean_figure_texts, missing_glyphs_reported_once
from slimmeregio.exporters.headline import changes_access
from slimmeregio.exporters.map_figures import key_figures
from slimmeregio.exporters.map_groups import group_svg_layers
from slimmeregio.exporters.map_layout import (
    PAPERS,
    SLIDE_PAPER,
    THEMES,
    Paper,
    atlas_figure,
    find_municipality,
    municipality_frame,
    parse_paper,
    project_layers,
)
from slimmeregio.exporters.map_masterplan import draw_masterplan
from slimmeregio.exporters.map_request import MapRequest, changed_geometries
from slimmeregio.exporters.meta import ExportMeta, build_meta
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.progress import Task
from slimmeregio.layers.symbology import (
    DENSITY_BREAKS,
    DENSITY_COLORS,
)
from slimmeregio.layers.tiles import Background

__all__ = [
    "DENSITY_BREAKS",
    "DENSITY_COLORS",
    "PAPERS",
    "SLIDE_PAPER",
    "THEMES",
    "MapRequest",
    "Paper",
    "atlas_figures",
    "export_atlas",
    "export_map",
    "export_pages",
    "fmt_number",
    "key_figures",
    "build_meta",
    "masterplan_figure",
    "parse_paper",
    "save_figure",
]


def masterplan_figure(project: Project, request: MapRequest | None = None, **fields: Any) -> Figure:
    """Draw a masterplan map and return its :class:`~matplotlib.figure.Figure`.

    ``request`` (a :class:`MapRequest`) says what to draw; keyword ``fields``
    override its attributes (``masterplan_figure(project, theme="access",
    evaluation=ev)``). The project gives the layers (municipalities,
    Brussels, network, mobipunten, housing, stations, taken by role).
    """
    return draw_masterplan(project, replace(request or MapRequest(), **fields))


def _pdf_metadata(meta: ExportMeta, theme: str) -> dict[str, str]:
    return {
        "Title": f"{meta.title} – {THEMES.get(theme, (theme,))[0]}",
        "Subject": f"Scenario: {meta.scenario}",
        "Creator": f"Slimme Regio Planner {meta.version}",
        "Author": meta.organisation or "Slimme Regio Planner",
        "Keywords": "; ".join(meta.sources)[:500],
    }


def save_figure(
    fig: Figure,
    path: str | Path,
    *,
    force: bool = False,
    dpi: int = 300,
    meta: ExportMeta | None = None,
    theme: str = "base",
) -> Path:
    """Save a map figure as PDF (vector), PNG (``dpi``, default 300) or SVG.

    The format follows the extension. Written atomically; an existing file
    is only replaced with ``force``.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png", "svg"):
        raise ExportError(
            path=target, reason={"nl": "kies .pdf, .png of .svg", "en": "choose .pdf, .png or .svg"}
        )
    metadata: dict[str, str] | None = None
    if meta is not None:
        if fmt == "pdf":
            metadata = _pdf_metadata(meta, theme)
        elif fmt == "png":
            metadata = {
                "Title": meta.title,
                "Software": f"Slimme Regio Planner {meta.version}",
                "Description": meta.source_line(),
                "Source": f"Scenario: {meta.scenario}",
            }
        else:  # SVG is XML: drop the characters it cannot hold
            metadata = {
                "Title": xml_text(meta.title),
                "Creator": f"Slimme Regio Planner {meta.version}",
                "Description": xml_text(meta.source_line()),
            }
    clean_figure_texts(fig)
    # SVG text as <text> elements (editable, searchable), not glyph outlines
    with (
        writing(target, force=force) as tmp,
        missing_glyphs_reported_once(),
        matplotlib.rc_context({"svg.fonttype": "none" if fmt == "svg" else "path"}),
    ):
        fig.savefig(
            tmp,
            format=fmt,
            dpi=dpi if fmt == "png" else 72 if fmt == "svg" else 300,
            metadata=metadata,
            facecolor="white",
        )
        if fmt == "svg":  # one group per map layer
            Path(tmp).write_bytes(group_svg_layers(Path(tmp).read_bytes()))
    return target


def export_map(
    project: Project,
    path: str | Path,
    *,
    theme: str = "base",
    evaluation: Any = None,
    comparison: Any = None,
    siting: Any = None,
    paper: str | Paper = "a3-landscape",
    meta: ExportMeta | None = None,
    municipality: str | None = None,
    force: bool = False,
    dpi: int = 300,
    lang: str = "nl",
    background: Background | None = None,
) -> Path:
    """Draw a masterplan map (see :func:`masterplan_figure`) and save it;
    ``background`` (default none) is drawn under it with its attribution."""
    check_overwrite(path, force)  # fail before spending seconds drawing
    fig = masterplan_figure(
        project,
        theme=theme,
        evaluation=evaluation,
        comparison=comparison,
        siting=siting,
        paper=paper,
        meta=meta,
        municipality=municipality,
        lang=lang,
        background=background,
    )
    if meta is None:
        meta = build_meta(
            project,
            scenario=getattr(comparison.scenario if comparison else evaluation, "scenario", None),
            lang=lang,
        )
    return save_figure(fig, path, force=force, dpi=dpi, meta=meta, theme=theme)


def atlas_figures(
    project: Project,
    *,
    theme: str = "access",
    evaluation: Any = None,
    comparison: Any = None,
    siting: Any = None,
    municipalities: Iterable[str] | None = None,
    paper: str | Paper = "a4-portrait",
    meta: ExportMeta | None = None,
    lang: str = "nl",
) -> Iterable[tuple[str, Figure]]:
    """Yield ``(municipality name, Figure)`` for each atlas page, in name order.

    ``municipalities`` are NIS codes or names (default: all).
    """
    return _atlas_pages(
        project,
        theme=theme,
        evaluation=evaluation,
        comparison=comparison,
        siting=siting,
        municipalities=municipalities,
        paper=paper,
        meta=meta,
        lang=lang,
        reuse=False,
    )


def _atlas_pages(
    project: Project,
    *,
    theme: str,
    evaluation: Any,
    comparison: Any,
    siting: Any,
    municipalities: Iterable[str] | None,
    paper: str | Paper,
    meta: ExportMeta | None,
    lang: str,
    reuse: bool,
) -> Iterator[tuple[str, Figure]]:
    """The atlas pages; with ``reuse`` every page is drawn on the same figure.

    A reused figure is emptied when the next page is drawn: each page must be
    saved before the iterator advances.
    """
    munis = municipality_frame(project_layers(project))
    if municipalities is None:
        keys = list(munis.sort_values("name")["nis"])
    else:
        keys = [str(find_municipality(munis, m)["nis"]) for m in municipalities]
    figures: dict[
        str, Figure
    ] = {}  # one reused figure per theme: a page never inherits another theme's state
    for nis in keys:
        row = munis.loc[munis["nis"] == nis].iloc[0]
        name = str(row["name"])
        page_theme = theme
        if theme == "change" and not _changes_here(comparison, nis, row.geometry):
            page_theme = (
                "access"  # nothing changes here: show the municipality's own access classes instead
            )
        figure = figures.setdefault(page_theme, atlas_figure(parse_paper(paper))) if reuse else None
        yield (
            name,
            draw_masterplan(
                project,
                MapRequest(
                    theme=page_theme,
                    evaluation=evaluation,
                    comparison=comparison,
                    siting=siting,
                    paper=paper,
                    meta=meta,
                    municipality=nis,
                    lang=lang,
                ),
                figure,
            ),
        )


def _changes_here(comparison: Any, nis: str, area: Any) -> bool:
    """Whether the scenario changes access, links or mobipunten in the municipality ``nis`` (polygon ``area``)."""
    if comparison is None:
        return False
    if changes_access(comparison, nis):
        return True
    parts = changed_geometries(comparison)
    return area is not None and any(
        g is not None and g.intersects(area) for part in parts for g in part
    )


def export_atlas(
    project: Project,
    path: str | Path,
    *,
    theme: str = "access",
    evaluation: Any = None,
    comparison: Any = None,
    siting: Any = None,
    municipalities: Iterable[str] | None = None,
    paper: str | Paper = "a4-portrait",
    meta: ExportMeta | None = None,
    force: bool = False,
    lang: str = "nl",
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write the atlas: one PDF page per municipality (all, or ``municipalities``).

    Each page is zoomed to its municipality with its own key figures. The
    PDF is written atomically; cancelling leaves no file.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    task = Task(progress, cancel)
    target = Path(path)
    check_overwrite(target, force)
    if target.suffix.lower() != ".pdf":
        raise ExportError(
            path=target,
            reason={"nl": "een atlas is een PDF-bestand", "en": "an atlas is a PDF file"},
        )
    scenario_eval = comparison.scenario if comparison is not None else evaluation
    if meta is None:
        meta = build_meta(
            project,
            scenario=getattr(scenario_eval, "scenario", None),
            parameters=getattr(scenario_eval, "parameters", None),
            lang=lang,
        )
    munis = municipality_frame(project_layers(project))
    selection = list(municipalities) if municipalities is not None else None
    total = len(selection) if selection is not None else len(munis)
    with writing(target, force=force) as tmp:
        with (
            missing_glyphs_reported_once(),
            PdfPages(tmp, metadata=_pdf_metadata(meta, theme)) as pdf,
        ):
            pages = _atlas_pages(
                project,
                theme=theme,
                evaluation=evaluation,
                comparison=comparison,
                siting=siting,
                municipalities=selection,
                paper=paper,
                meta=meta,
                lang=lang,
                reuse=True,
            )  # one figure, saved page by page
            for i, (name, fig) in enumerate(pages):
                task.report(i / max(total, 1), f"atlas page {name}")
                clean_figure_texts(fig)
                pdf.savefig(fig, dpi=300)  # resolution of rasterised dense layers
        task.report(1.0, "atlas written")
    return target


def export_pages(
    project: Project,
    path: str | Path,
    requests: Sequence[MapRequest],
    *,
    force: bool = False,
    meta: ExportMeta | None = None,
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write one PDF page per map request (e.g. every scenario's page of one municipality).

    Written atomically; cancelling leaves no file.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    task = Task(progress, cancel)
    target = Path(path)
    check_overwrite(target, force)
    if target.suffix.lower() != ".pdf" or not requests:
        raise ExportError(
            path=target,
            reason={
                "nl": "kaartpagina's worden een PDF-bestand met minstens één pagina",
                "en": "map pages become a PDF file with at least one page",
            },
        )
    first = requests[0]
    theme_meta = meta or first.meta or build_meta(project)
    with writing(target, force=force) as tmp:
        with (
            missing_glyphs_reported_once(),
            PdfPages(tmp, metadata=_pdf_metadata(theme_meta, first.theme)) as pdf,
        ):
            for i, req in enumerate(requests):
                task.report(i / len(requests), f"page {i + 1}")
                page = draw_masterplan(project, req)
                clean_figure_texts(page)
                pdf.savefig(page, dpi=300)
        task.report(1.0, "pages written")
    return target
