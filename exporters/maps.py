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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from slimmeregio.exporters._safe import check_overwrite, writing, xml_text
from slimmeregio.exporters.figure_text import clean_figure_texts, missing_glyphs_reported_once
from slimmeregio.exporters.headline import changes_access, headline_threshold
from slimmeregio.exporters.map_background import draw_background
from slimmeregio.exporters.map_commuting import draw_workplaces
from slimmeregio.exporters.map_groups import group_svg_layers
from slimmeregio.exporters.map_labels import draw_labels
from slimmeregio.exporters.map_layout import (
    FRAME,
    PAPERS,
    POOL,
    SLIDE_PAPER,
    THEMES,
    WATER,
    Paper,
    add_axes,
    atlas_figure,
    compact_layout,
    find_municipality,
    fit_extent,
    municipality_frame,
    page_layout,
    parse_paper,
    project_layers,
)
from slimmeregio.exporters.map_panel import (
    draw_figures,
    draw_legend,
    draw_locator,
    draw_source,
    draw_title,
    figures_height,
    key_figures,
    north_arrow,
    scale_bar,
)
from slimmeregio.exporters.map_themes import (
    density_grid,
    draw_access,
    draw_brussels_entries,
    draw_changes,
    draw_context,
    draw_flows,
    draw_ledger_callouts,
    draw_link_changes,
    draw_mobipunten,
    draw_network_classes,
    draw_new_housing,
    draw_sites,
    draw_stations,
    draw_weakest,
    hoppin_frame,
    network_background,
)
from slimmeregio.exporters.map_transit import (
    draw_failing_hubs,
    draw_pt_access,
    draw_pt_stops,
    has_transit,
    transit_key_figures,
)
from slimmeregio.exporters.meta import BRUSSELS_NOTES, ExportMeta, build_meta
from slimmeregio.exporters.style import (
    LegendItem,
    clip_frame,
)
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
    "masterplan_figure",
    "parse_paper",
    "save_figure",
]


def _change_bounds(
    comparison: Any, min_size: float = 6000.0
) -> tuple[float, float, float, float] | None:
    """Bounds of everything the scenario changes (None when nothing changes)."""
    ev = comparison.scenario
    parts = [comparison.access_changes.geometry]
    if "change" in ev.links.columns:
        parts.append(ev.links.loc[ev.links["change"].astype(str) != "", "geometry"])
    if ev.removed_links is not None and not ev.removed_links.empty:
        parts.append(ev.removed_links.geometry)
    if "change" in ev.mobipunten.columns:
        parts.append(ev.mobipunten.loc[ev.mobipunten["change"].astype(str) != "", "geometry"])
    geoms = [g for part in parts for g in part if g is not None and not g.is_empty]
    if not geoms:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = max(x1 - x0, min_size), max(y1 - y0, min_size)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _smaller(inner: Sequence[float], outer: Sequence[float], ratio: float = 0.6) -> bool:
    """Whether ``inner`` is clearly smaller than ``outer`` in both directions."""
    return (inner[2] - inner[0]) < ratio * (outer[2] - outer[0]) and (
        inner[3] - inner[1]
    ) < ratio * (outer[3] - outer[1])


def _require(obj: Any, theme: str, what_nl: str, what_en: str) -> None:
    if obj is None:
        raise ExportError(
            path=THEMES[theme][0],
            reason={
                "nl": f"dit kaartthema vraagt {what_nl}",
                "en": f"this map theme needs {what_en}",
            },
        )


@dataclass(frozen=True)
class MapRequest:
    """What one masterplan map shows.

    Attributes
    ----------
    theme
        One of :data:`THEMES`.
    evaluation, comparison, siting
        Results to show. ``comparison`` implies ``evaluation`` (its
        scenario side). ``access`` and ``flows`` need an evaluation,
        ``change`` a comparison, ``siting`` a siting result.
    paper
        ``a4-portrait``, ``a4-landscape``, ``a3-portrait`` or ``a3-landscape``.
    meta
        Provenance block; built from the project and the scenario if absent.
    municipality
        NIS code or name: zoom to that municipality and show its numbers.
    threshold
        Cycling minutes for the ``change`` theme (default: the middle
        threshold of the parameters).
    subtitle
        Second title line (default: the municipality's name when zoomed).
    zoom_to_changes
        ``change`` theme without ``municipality``: zoom to where the scenario
        changes something (at least 6 km across) when that is much smaller
        than the region; the locator shows where.
    compact
        Map, legend and locator only (no title block, key figures or source
        line): for a slide, whose own title and footer carry those.
    lang
        ``nl`` or ``en``.
    """

    theme: str = "base"
    evaluation: Any = None
    comparison: Any = None
    siting: Any = None
    paper: str | Paper = "a3-landscape"
    meta: ExportMeta | None = None
    municipality: str | None = None
    threshold: float | None = None
    subtitle: str | None = None
    zoom_to_changes: bool = True
    compact: bool = False
    lang: str = "nl"
    #: Flow class bounds per flow column shared by every map of a pack (default: from this map's flows).
    flow_breaks: dict[str, list[float]] | None = None
    #: A background map under the layers (default none: a pack stays reproducible offline).
    background: Background | None = None


def _masterplan(project: Project, req: MapRequest, figure: Figure | None = None) -> Figure:
    """Draw the map ``req`` asks for (on ``figure`` when given: the atlas reuses one)."""
    theme, evaluation, comparison, siting = req.theme, req.evaluation, req.comparison, req.siting
    meta, municipality, threshold, subtitle, lang = (
        req.meta,
        req.municipality,
        req.threshold,
        req.subtitle,
        req.lang,
    )
    zoom_to_changes, compact = req.zoom_to_changes, req.compact
    if theme not in THEMES:
        raise ExportError(
            path=str(theme),
            reason={
                "nl": f"onbekend kaartthema; kies uit {', '.join(THEMES)}",
                "en": f"unknown map theme; choose from {', '.join(THEMES)}",
            },
        )
    paper = parse_paper(req.paper)
    if comparison is not None and evaluation is None:
        evaluation = comparison.scenario
    if theme in ("access", "flows", "flows_brussels", "bike_commute"):
        _require(evaluation, theme, "een doorgerekend scenario", "an evaluated scenario")
    if theme == "change":
        _require(comparison, theme, "een vergelijking met de basis", "a comparison with the base")
    if theme == "siting":
        _require(siting, theme, "een locatievoorstel", "a siting result")
    if theme == "public_transport" and not has_transit(evaluation):
        _require(
            None,
            theme,
            "een doorgerekend scenario met een laag OV-haltes",
            "an evaluated scenario with a public transport stops layer",
        )
    scenario = getattr(evaluation, "scenario", None)
    if meta is None:
        meta = build_meta(
            project,
            scenario=scenario,
            parameters=getattr(evaluation, "parameters", None),
            lang=lang,
        )
    meta = meta.with_results(
        getattr(comparison, "base", None),
        evaluation,
        skip=() if theme == "flows_brussels" else BRUSSELS_NOTES,
    )
    layers = project_layers(project)
    munis = municipality_frame(layers)
    focus = None
    focus_name = None
    if municipality is not None:
        row = find_municipality(munis, municipality)
        focus, focus_name = str(row["nis"]), str(row["name"])
    layout = compact_layout(paper) if compact else page_layout(paper)
    if figure is None:
        fig = Figure(figsize=paper.figsize, dpi=100, facecolor="white")
        FigureCanvasAgg(fig)  # a renderer to measure the legend with
    else:
        fig = figure
        getattr(fig, POOL).recycle(fig)
    mx, my, mw, mh = layout.map
    ax = add_axes(fig, (mx, my, mw, mh), "map")
    aspect = (mw * paper.width_mm) / (mh * paper.height_mm)
    change_bounds = _change_bounds(comparison) if theme == "change" and zoom_to_changes else None
    if focus is not None:
        bounds = munis[munis["nis"] == focus].total_bounds
        extent = fit_extent(bounds, aspect, pad=0.06)
    elif (
        change_bounds is not None
        and not munis.empty
        and _smaller(change_bounds, munis.total_bounds)
    ):
        extent = fit_extent(change_bounds, aspect, pad=0.08)
    elif not munis.empty:
        extent = fit_extent(munis.total_bounds, aspect, pad=0.03)
    else:
        all_bounds = [lay.bounds for lay in project.layers if len(lay)]
        if not all_bounds:
            raise ExportError(
                path=meta.title,
                reason={
                    "nl": "het project heeft geen lagen om te tekenen",
                    "en": "the project has no layers to draw",
                },
            )
        b = np.array(all_bounds)
        extent = fit_extent((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), aspect)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(WATER)
    for spine in ax.spines.values():
        spine.set_color(FRAME)
        spine.set_linewidth(0.9)
    if req.background is not None:
        meta = draw_background(
            ax, req.background, extent, (mw * paper.width_mm, mh * paper.height_mm), meta
        )
    zoomed = focus is not None
    nl = lang == "nl"
    sections: list[tuple[str, list[LegendItem]]] = []
    context = draw_context(ax, layers, munis, extent, focus, lang)
    network_links = getattr(evaluation, "links", None)
    if theme == "base":
        items: list[LegendItem] = []
        if layers.housing is not None:
            frame = clip_frame(layers.housing.frame, extent, margin=400)
            counts = (
                layers.housing.column("dwellings").loc[frame.index].to_numpy(dtype=float)
                if layers.housing.has_field("dwellings")
                else np.ones(len(frame))
            )
            items = density_grid(ax, frame, counts, extent, 100.0 if zoomed else 200.0, lang)
        net_frame = (
            network_links
            if network_links is not None
            else (layers.network.frame if layers.network else None)
        )
        net_items = (
            draw_network_classes(ax, net_frame, layers.network, extent, lang)
            if net_frame is not None
            else []
        )
        sections.append(("Fietsnetwerk" if nl else "Bike network", net_items))
        hubs = draw_mobipunten(ax, hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang)
        hubs += draw_stations(ax, layers.stations, evaluation, extent, paper, lang)
        sections.append(("Mobipunten en stations" if nl else "Hubs and stations", hubs))
        sections.append(("Woningdichtheid" if nl else "Housing density", items))
    elif theme == "access":
        network_background(ax, layers.network, network_links, extent)
        items = draw_access(ax, evaluation, extent, paper, zoomed, lang)
        if (
            focus is not None
        ):  # a municipality's page: where it is served worst, changed by the scenario or not
            items += draw_weakest(ax, evaluation, focus, extent, paper, lang)
        access_links = draw_link_changes(
            ax, evaluation, extent, paper, lang
        )  # what the scenario built, visible
        sections.append(
            (
                "Fietstijd tot dichtstbijzijnde mobipunt"
                if nl
                else "Cycling time to the nearest hub",
                items,
            )
        )
        hubs = draw_mobipunten(
            ax,
            hoppin_frame(layers.mobipunten, evaluation),
            extent,
            paper,
            lang,
            highlight_changes=True,
        )
        hubs += draw_stations(ax, layers.stations, evaluation, extent, paper, lang)
        sections.append(("Mobipunten en stations" if nl else "Hubs and stations", hubs))
        sections.append(
            (
                "Fietsnetwerk" if nl else "Bike network",
                [
                    LegendItem(
                        "Bovenlokaal en fietssnelweg" if nl else "Main network",
                        "line",
                        "#b3b3b3",
                        0.8,
                    ),
                    LegendItem("Lokaal" if nl else "Local", "line", "#cfcfcf", 0.5),
                    *access_links,
                ],
            )
        )
    elif theme == "change":
        t = float(threshold) if threshold is not None else headline_threshold(comparison, focus)
        network_background(ax, layers.network, network_links, extent)
        items = draw_changes(ax, comparison, t, extent, paper, zoomed, lang)
        links = draw_link_changes(ax, evaluation, extent, paper, lang)
        links += draw_new_housing(ax, evaluation, extent, paper, lang)
        links += draw_ledger_callouts(ax, evaluation.scenario, project, extent, paper, lang)
        hubs = draw_mobipunten(
            ax,
            hoppin_frame(layers.mobipunten, evaluation),
            extent,
            paper,
            lang,
            highlight_changes=True,
        )
        sections.append(("Toegang tot mobipunten" if nl else "Access to hubs", items))
        sections.append(("Netwerkwijzigingen" if nl else "Network changes", links))
        sections.append(("Mobipunten" if nl else "Hubs", hubs))
    elif theme == "flows":
        network_background(ax, layers.network, network_links, extent)
        items = draw_flows(
            ax,
            evaluation,
            extent,
            paper,
            lang,
            breaks=(req.flow_breaks or {}).get("flow_dwellings"),
        )
        sections.append(
            (
                "Potentiële fietsers naar het station (woningen per link)"
                if nl
                else "Potential cyclists to the station (dwellings per link)",
                items,
            )
        )
        sections.append(
            ("Stations", draw_stations(ax, layers.stations, evaluation, extent, paper, lang))
        )
    elif theme == "flows_brussels":
        network_background(ax, layers.network, network_links, extent)
        items = draw_flows(
            ax,
            evaluation,
            extent,
            paper,
            lang,
            column="flow_brussels_dwellings",
            breaks=(req.flow_breaks or {}).get("flow_brussels_dwellings"),
        )
        sections.append(
            (
                "Potentiële fietsers naar de Brusselse grens (woningen per link)"
                if nl
                else "Potential cyclists to the Brussels border (dwellings per link)",
                items,
            )
        )
        sections.append(
            (
                "Brusselse grens" if nl else "Brussels border",
                draw_brussels_entries(ax, evaluation, extent, paper, lang),
            )
        )
    elif theme == "bike_commute":
        network_background(ax, layers.network, network_links, extent)
        items = draw_flows(
            ax,
            evaluation,
            extent,
            paper,
            lang,
            column="flow_bike_commuters",
            breaks=(req.flow_breaks or {}).get("flow_bike_commuters"),
            unit=(" fietspendelaars", " bike commuters"),
        )
        sections.append(
            (
                "Potentiële fietspendelaars per link (Go Dutch)"
                if nl
                else "Potential bike commuters per link (Go Dutch)",
                items,
            )
        )
        sections.append(
            (
                "Werkplaatsen" if nl else "Workplaces",
                draw_workplaces(ax, evaluation, extent, paper, lang),
            )
        )
    elif theme == "public_transport":
        network_background(ax, layers.network, network_links, extent)
        items = draw_pt_access(ax, evaluation, extent, paper, zoomed, lang)
        sections.append(
            (
                "Woningen: frequente halte op wandelafstand"
                if nl
                else "Dwellings: frequent stop within walking distance",
                items,
            )
        )
        sections.append(
            (
                "Haltes en stations" if nl else "Stops and stations",
                draw_pt_stops(ax, evaluation, extent, paper, lang),
            )
        )
        hubs = draw_mobipunten(ax, hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang)
        hubs += draw_failing_hubs(ax, evaluation, extent, paper, lang)
        sections.append(("Mobipunten" if nl else "Hubs", hubs))
    else:  # siting
        network_background(ax, layers.network, network_links, extent)
        items = draw_sites(ax, siting, evaluation, extent, paper, zoomed, lang)
        hubs = draw_mobipunten(ax, hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang)
        sections.append(("Locatievoorstel" if nl else "Siting suggestion", items))
        sections.append(("Bestaande mobipunten" if nl else "Existing hubs", hubs))
    sections.append(("Achtergrond" if nl else "Background", context))
    draw_labels(ax, munis, extent, paper, focus, layers.brussels, lang)
    scale_bar(ax, paper, lang)
    north_arrow(ax, paper)
    if (
        subtitle is None and theme == "siting"
    ):  # site suggestions name the situation they start from
        subtitle = f"Vertrekt van: {meta.scenario}" if nl else f"Starting from: {meta.scenario}"
    if subtitle is None and focus_name is not None:
        subtitle = f"Gemeente {focus_name}" if nl else f"Municipality of {focus_name}"
    if compact:
        draw_legend(fig, layout.legend, paper, sections, lang)
        draw_locator(fig, layout.locator, paper, munis, layers.brussels, extent, focus, lang)
        return fig
    title_used = draw_title(fig, layout.title, paper, meta, theme, subtitle, lang)
    title_bottom = (
        layout.title[1] + layout.title[3] - title_used - 4.0 * paper.scale / paper.height_mm
    )
    if theme == "public_transport":
        rows = transit_key_figures(evaluation, comparison, municipality=focus, lang=lang)
    else:
        rows = key_figures(
            evaluation,
            comparison,
            siting,
            municipality=focus,
            lang=lang,
            brussels=theme == "flows_brussels",
        )
    if focus_name is not None:
        heading = f"Kerncijfers {focus_name}" if nl else f"Key figures {focus_name}"
    else:
        heading = "Kerncijfers regio" if nl else "Key figures region"
    if paper.landscape:
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
    else:
        draw_legend(fig, layout.legend, paper, sections, lang)
        draw_figures(fig, layout.figures, paper, rows, heading, lang)
    draw_locator(fig, layout.locator, paper, munis, layers.brussels, extent, focus, lang)
    draw_source(fig, layout.source, paper, meta, lang)
    return fig


def masterplan_figure(project: Project, request: MapRequest | None = None, **fields: Any) -> Figure:
    """Draw a masterplan map and return its :class:`~matplotlib.figure.Figure`.

    ``request`` (a :class:`MapRequest`) says what to draw; keyword ``fields``
    override its attributes (``masterplan_figure(project, theme="access",
    evaluation=ev)``). The project gives the layers (municipalities,
    Brussels, network, mobipunten, housing, stations, taken by role).
    """
    return _masterplan(project, replace(request or MapRequest(), **fields))


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
            _masterplan(
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
    ev = comparison.scenario
    parts = []
    if "change" in ev.links.columns:
        parts.append(ev.links.loc[ev.links["change"].astype(str) != "", "geometry"])
    if ev.removed_links is not None and not ev.removed_links.empty:
        parts.append(ev.removed_links.geometry)
    if "change" in ev.mobipunten.columns:
        parts.append(ev.mobipunten.loc[ev.mobipunten["change"].astype(str) != "", "geometry"])
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
                page = _masterplan(project, req)
                clean_figure_texts(page)
                pdf.savefig(page, dpi=300)
        task.report(1.0, "pages written")
    return target
