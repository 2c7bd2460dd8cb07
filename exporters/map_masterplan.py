"""Drawing one masterplan map: the map frame with its theme, then the title block, legend, key figures, locator and source line around it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from slimmeregio.exporters.map_background import draw_background
from slimmeregio.exporters.map_figures import draw_figures, figures_height, key_figures
from slimmeregio.exporters.map_labels import draw_labels
from slimmeregio.exporters.map_layout import (
    FRAME,
    POOL,
    WATER,
    Paper,
    add_axes,
    compact_layout,
    find_municipality,
    municipality_frame,
    page_layout,
    parse_paper,
    project_layers,
)
from slimmeregio.exporters.map_panel import (
    draw_legend,
    draw_locator,
    draw_source,
    draw_title,
    north_arrow,
    scale_bar,
)
from slimmeregio.exporters.map_request import MapRequest, checked_evaluation, map_extent
from slimmeregio.exporters.map_sections import Section, ThemeFrame, draw_theme
from slimmeregio.exporters.map_themes import draw_context
from slimmeregio.exporters.map_transit import transit_key_figures
from slimmeregio.exporters.meta import BRUSSELS_NOTES, ExportMeta, build_meta
from slimmeregio.layers.model import Project

#: A key figure row: label, value, change and whether the change is good news.
FigureRow = tuple[str, str, str, bool]


def _request_meta(project: Project, req: MapRequest, evaluation: Any) -> ExportMeta:
    """The request's provenance block (built when absent), with the results' notes."""
    meta = req.meta
    if meta is None:
        meta = build_meta(
            project,
            scenario=getattr(evaluation, "scenario", None),
            parameters=getattr(evaluation, "parameters", None),
            lang=req.lang,
        )
    return meta.with_results(
        getattr(req.comparison, "base", None),
        evaluation,
        skip=() if req.theme == "flows_brussels" else BRUSSELS_NOTES,
    )


def _map_axes(fig: Figure, rect: tuple[float, float, float, float], extent: Any) -> Axes:
    """The map frame: the extent at equal aspect, no ticks, water outside the region."""
    ax = add_axes(fig, rect, "map")
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(WATER)
    for spine in ax.spines.values():
        spine.set_color(FRAME)
        spine.set_linewidth(0.9)
    return ax


def _subtitle(req: MapRequest, meta: ExportMeta, focus_name: str | None) -> str | None:
    nl = req.lang == "nl"
    if req.subtitle is not None:
        return req.subtitle
    if req.theme == "siting":  # site suggestions name the situation they start from
        return f"Vertrekt van: {meta.scenario}" if nl else f"Starting from: {meta.scenario}"
    if focus_name is not None:
        return f"Gemeente {focus_name}" if nl else f"Municipality of {focus_name}"
    return None


def draw_masterplan(project: Project, req: MapRequest, figure: Figure | None = None) -> Figure:
    """Draw the map ``req`` asks for (on ``figure`` when given: the atlas reuses one)."""
    evaluation = checked_evaluation(req)
    paper = parse_paper(req.paper)
    meta = _request_meta(project, req, evaluation)
    layers = project_layers(project)
    munis = municipality_frame(layers)
    focus = None
    focus_name = None
    if req.municipality is not None:
        row = find_municipality(munis, req.municipality)
        focus, focus_name = str(row["nis"]), str(row["name"])
    layout = compact_layout(paper) if req.compact else page_layout(paper)
    if figure is None:
        fig = Figure(figsize=paper.figsize, dpi=100, facecolor="white")
        FigureCanvasAgg(fig)  # a renderer to measure the legend with
    else:
        fig = figure
        getattr(fig, POOL).recycle(fig)
    mx, my, mw, mh = layout.map
    aspect = (mw * paper.width_mm) / (mh * paper.height_mm)
    extent = map_extent(project, req, munis, focus, aspect, meta.title)
    ax = _map_axes(fig, (mx, my, mw, mh), extent)
    if req.background is not None:
        meta = draw_background(
            ax, req.background, extent, (mw * paper.width_mm, mh * paper.height_mm), meta
        )
    lang = req.lang
    context = draw_context(ax, layers, munis, extent, focus, lang)
    frame = ThemeFrame(ax, project, layers, req, evaluation, extent, paper, focus)
    sections = draw_theme(frame)
    sections.append(("Achtergrond" if lang == "nl" else "Background", context))
    draw_labels(ax, munis, extent, paper, focus, layers.brussels, lang)
    scale_bar(ax, paper, lang)
    north_arrow(ax, paper)
    subtitle = _subtitle(req, meta, focus_name)
    if req.compact:
        draw_legend(fig, layout.legend, paper, sections, lang)
        draw_locator(fig, layout.locator, paper, munis, layers.brussels, extent, focus, lang)
        return fig
    title_used = draw_title(fig, layout.title, paper, meta, req.theme, subtitle, lang)
    title_bottom = (
        layout.title[1] + layout.title[3] - title_used - 4.0 * paper.scale / paper.height_mm
    )
    rows = _key_figures(req, evaluation, focus)
    _draw_panel(fig, layout, paper, sections, rows, _heading(lang, focus_name), title_bottom, lang)
    draw_locator(fig, layout.locator, paper, munis, layers.brussels, extent, focus, lang)
    draw_source(fig, layout.source, paper, meta, lang)
    return fig


def _key_figures(req: MapRequest, evaluation: Any, focus: str | None) -> list[FigureRow]:
    if req.theme == "public_transport":
        return transit_key_figures(evaluation, req.comparison, municipality=focus, lang=req.lang)
    return key_figures(
        evaluation,
        req.comparison,
        req.siting,
        municipality=focus,
        lang=req.lang,
        brussels=req.theme == "flows_brussels",
    )


def _heading(lang: str, focus_name: str | None) -> str:
    nl = lang == "nl"
    if focus_name is not None:
        return f"Kerncijfers {focus_name}" if nl else f"Key figures {focus_name}"
    return "Kerncijfers regio" if nl else "Key figures region"


def _draw_panel(
    fig: Figure,
    layout: Any,
    paper: Paper,
    sections: list[Section],
    rows: list[FigureRow],
    heading: str,
    title_bottom: float,
    lang: str,
) -> None:
    """The legend and the key figures: side by side below the title on
    portrait paper, stacked in the side column on landscape paper."""
    if not paper.landscape:
        draw_legend(fig, layout.legend, paper, sections, lang)
        draw_figures(fig, layout.figures, paper, rows, heading, lang)
        return
    lx, ly, lw, lh = layout.legend
    if (
        ly + lh > title_bottom
    ):  # a long (wrapped) title block pushes the legend down, never under it
        lh = max(title_bottom - ly, 0.2)
        layout = replace(layout, legend=(lx, ly, lw, lh))
    fig_h = figures_height(paper, len(rows)) / paper.height_mm
    gap = 5.0 * paper.scale / paper.height_mm
    used = draw_legend(
        fig, layout.legend, paper, sections, lang, max_height=max((lh - fig_h - gap) / lh, 0.3)
    )
    top = ly + lh * (1 - used) - gap
    # the legend keeps its readable size: key figures that no longer fit below it are left out (last first)
    while (
        len(rows) > 2 and figures_height(paper, len(rows)) / paper.height_mm > top - ly
    ):  # headline stays
        rows = rows[:-1]
    fig_h = figures_height(paper, len(rows)) / paper.height_mm
    draw_figures(fig, (lx, top - fig_h, lw, fig_h), paper, rows, heading, lang)
