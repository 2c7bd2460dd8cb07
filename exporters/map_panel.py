"""Decorations around the map: title block, legend, locator, source line, scale bar and north arrow."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import geopandas as gpd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from slimmeregio.exporters.locator_context import draw_belgium
from slimmeregio.exporters.map_groups import draws_layer
from slimmeregio.exporters.map_layout import (
    BRUSSELS_FILL,
    INK,
    MUTED,
    THEMES,
    WATER,
    Paper,
    add_axes,
    fit_extent,
    text_axes,
    wrap_text,
)
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.style import (
    LegendItem,
    draw_polygons,
    legend_handles,
)
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_number


def draw_title(
    fig: Figure,
    rect: Sequence[float],
    paper: Paper,
    meta: ExportMeta,
    theme: str,
    subtitle: str | None,
    lang: str,
) -> float:
    """Title block: rule, title (shrunk to fit one line where it can), theme, scenario line.

    Lines are stacked from the top in millimetres, so a wrapped title pushes
    the rest down instead of running into it. Returns the height used, as a
    fraction of the figure height (it can exceed ``rect``: what lies below
    must then move down).
    """
    ax = text_axes(fig, rect)
    s = paper.scale
    width_mm = rect[2] * paper.width_mm
    height_mm = rect[3] * paper.height_mm
    ax.plot([0, 1], [1, 1], color="#0d47a1", lw=3 * s, solid_capstyle="butt")
    size = min(15 * s, max(10 * s, width_mm / (max(len(meta.title), 1) * 0.3528 * 0.64)))
    title = textwrap.fill(meta.title, max(int(width_mm / (size * 0.3528 * 0.62)), 12))
    y_mm = 2.5 * s
    ax.text(
        0,
        1 - y_mm / height_mm,
        title,
        fontsize=size,
        fontweight="bold",
        color=INK,
        va="top",
        ha="left",
    )
    y_mm += (title.count("\n") + 1) * size * 0.3528 * 1.25 + 2.0 * s
    theme_title = THEMES[theme][0 if lang == "nl" else 1]
    sub = wrap_text(
        theme_title if subtitle is None else f"{theme_title}\n{subtitle}", rect[2], paper, 10 * s
    )
    ax.text(
        0,
        1 - y_mm / height_mm,
        sub,
        fontsize=10 * s,
        color="#0d47a1",
        va="top",
        ha="left",
        linespacing=1.2,
    )
    y_mm += (sub.count("\n") + 1) * 10 * s * 0.3528 * 1.3 + 2.0 * s
    info = f"Scenario: {meta.scenario}   ·   {meta.date_text}"
    if meta.organisation:
        info += f"   ·   {meta.organisation}"
    info = wrap_text(info, rect[2], paper, 7.5 * s)
    ax.text(0, 1 - y_mm / height_mm, info, fontsize=7.5 * s, color=MUTED, va="top", ha="left")
    y_mm += (info.count("\n") + 1) * 7.5 * s * 0.3528 * 1.25
    return y_mm / paper.height_mm


#: Smallest legend text at print size (points).
LEGEND_MIN_PT = 8.0


def _legend_handles(
    sections: list[tuple[str, list[LegendItem]]], wrap: int = 38
) -> tuple[list[Any], list[int]]:
    handles: list[Any] = []
    headings: list[int] = []
    for heading, items in sections:
        if not items:
            continue
        handles.extend(legend_handles([LegendItem(textwrap.fill(heading, wrap), "patch", "none")]))
        headings.append(len(handles) - 1)
        handles.extend(
            legend_handles([replace(i, label=textwrap.fill(i.label, wrap)) for i in items])
        )
    return handles, headings


def draw_legend(
    fig: Figure,
    rect: Sequence[float],
    paper: Paper,
    sections: list[tuple[str, list[LegendItem]]],
    lang: str,
    *,
    max_height: float = 1.0,
) -> float:
    """Draw the legend at the top of ``rect``; return its height (fraction of ``rect``).

    The font shrinks (and a second column opens) until the legend fits
    within ``max_height`` of the rectangle.
    """
    wrap = 38
    handles, headings = _legend_handles(sections, wrap)
    if not handles:
        return 0.0
    ax = text_axes(fig, rect)
    s = paper.scale
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    size = max(6.6 * s, LEGEND_MIN_PT)
    ncol = 1
    height = 0.0
    spacing = 0.45
    for _attempt in range(16):
        leg = ax.legend(
            handles=handles,
            loc="upper left",
            frameon=False,
            fontsize=size,
            ncol=ncol,
            title="Legende" if lang == "nl" else "Legend",
            title_fontsize=size * 1.3,
            alignment="left",
            handlelength=2.2,
            handleheight=0.9,
            labelspacing=spacing,
            borderaxespad=0.0,
            borderpad=0.0,
            columnspacing=1.2,
        )
        leg.get_title().set_fontweight("bold")
        texts = leg.get_texts()
        for i in headings:
            texts[i].set_fontweight("bold")
            texts[i].set_color("#0d47a1")
        box = leg.get_window_extent(renderer).transformed(ax.transAxes.inverted())
        height = 1.0 - box.y0
        if height <= max_height and box.x1 <= 1.02:
            break
        at_floor = size <= LEGEND_MIN_PT and (
            ncol > 1 or len(handles) <= 10 or rect[2] * paper.width_mm <= 80
        )
        if at_floor and ncol > 1 and box.x1 > 1.02 and wrap > 22:
            leg.remove()  # two columns too wide at the smallest size: wrap the labels narrower
            wrap -= 6
            handles, headings = _legend_handles(sections, wrap)
            continue
        if at_floor and spacing <= 0.2:
            break  # never below the smallest readable size: the legend keeps its room
        leg.remove()
        if at_floor:  # tighter lines before anything smaller than 8 pt
            spacing = max(spacing * 0.7, 0.2)
            continue
        if box.x1 > 1.02 and ncol > 1:
            ncol -= 1
            size = max(size * 0.9, LEGEND_MIN_PT)
        elif ncol == 1 and len(handles) > 10 and rect[2] * paper.width_mm > 80:
            ncol = 2
        else:
            size = max(size * 0.9, LEGEND_MIN_PT)
    return height


def draw_locator(
    fig: Figure,
    rect: Sequence[float],
    paper: Paper,
    munis: gpd.GeoDataFrame,
    brussels: Layer | None,
    extent: tuple[float, float, float, float],
    focus: str | None,
    lang: str,
) -> None:
    if munis.empty:
        return
    s = paper.scale
    x, y, w, h = rect
    head = 0.14
    ax_t = text_axes(fig, (x, y + h * (1 - head), w, h * head))
    ax_t.text(
        0,
        0.5,
        "Ligging" if lang == "nl" else "Location",
        fontsize=8.5 * s,
        fontweight="bold",
        color=INK,
        va="center",
    )
    hh = h * (1 - head - 0.02)
    region = shapely.union_all(munis.geometry.to_numpy())
    # Belgium beside the region: where it lies in the country and in Flanders (left), the map frame (right)
    split = 0.46
    ax_be = add_axes(fig, (x, y, w * split, hh), "locator-belgium")
    if draw_belgium(
        ax_be, region, w * split * paper.width_mm / (hh * paper.height_mm), 5.0 * s, lang
    ):
        x, w = x + w * (split + 0.03), w * (1 - split - 0.03)
    else:
        ax_be.set_visible(False)
    ax = add_axes(fig, (x, y, w, hh), "locator")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#9e9e9e")
        spine.set_linewidth(0.6)
    ax.set_facecolor(WATER)
    geoms = [region]
    bounds = list(munis.total_bounds)
    if brussels is not None:
        bru = brussels.frame.geometry.to_numpy()
        geoms_b = [shapely.union_all(bru)]
        bb = brussels.frame.total_bounds
        bounds = [
            min(bounds[0], bb[0]),
            min(bounds[1], bb[1]),
            max(bounds[2], bb[2]),
            max(bounds[3], bb[3]),
        ]
        draw_polygons(
            ax, geoms_b, facecolor=BRUSSELS_FILL, edgecolor="#8d877a", linewidth=0.5, zorder=2
        )
        c = geoms_b[0].representative_point()
        ax.text(
            c.x,
            c.y,
            "Brussel" if lang == "nl" else "Brussels",
            fontsize=5.5 * s,
            color="#6d675b",
            ha="center",
            va="center",
            style="italic",
            zorder=5,
        )
    draw_polygons(
        ax,
        munis.geometry.to_numpy(),
        facecolor="#ffffff",
        edgecolor="#c4c4c4",
        linewidth=0.25,
        zorder=1,
    )
    draw_polygons(ax, geoms, facecolor="none", edgecolor="#6b6b6b", linewidth=0.7, zorder=3)
    if focus is not None:
        sel = munis[munis["nis"] == focus]
        draw_polygons(
            ax,
            sel.geometry.to_numpy(),
            facecolor="#d32f2f",
            edgecolor="#d32f2f",
            linewidth=0.5,
            zorder=4,
        )
    ex = fit_extent(bounds, w * paper.width_mm / (hh * paper.height_mm), pad=0.06)
    ax.set_xlim(ex[0], ex[2])
    ax.set_ylim(ex[1], ex[3])
    ax.set_aspect("equal", adjustable="box")
    region_bounds = munis.total_bounds
    shows_all = (
        extent[0] <= region_bounds[0]
        and extent[1] <= region_bounds[1]
        and extent[2] >= region_bounds[2]
        and extent[3] >= region_bounds[3]
    )
    if not shows_all:
        ax.add_patch(
            Rectangle(
                (extent[0], extent[1]),
                extent[2] - extent[0],
                extent[3] - extent[1],
                fill=False,
                edgecolor="#d32f2f",
                linewidth=1.2,
                zorder=6,
            )
        )
    ax.text(
        0.03,
        0.04,
        "Halle-Vilvoorde" if focus is None else "",
        transform=ax.transAxes,
        fontsize=5.5 * s,
        color=MUTED,
        va="bottom",
    )


def draw_source(
    fig: Figure, rect: Sequence[float], paper: Paper, meta: ExportMeta, lang: str
) -> None:
    ax = text_axes(fig, rect)
    s = paper.scale
    y = 1.0
    parts = [meta.short_note_for(lang)] if meta.notes else []
    parts += meta.result_note_texts(lang)
    if parts:
        note = ("Let op: " if lang == "nl" else "Note: ") + " ".join(parts)
        text = wrap_text(note, rect[2] * 0.95, paper, 6.4 * s)
        t = ax.text(
            0.02, y - 0.03, text, fontsize=6.4 * s, color="#6d4c00", va="top", ha="left", zorder=3
        )
        lines = text.count("\n") + 1
        box_h = min(lines * 6.4 * s * 1.35 / (rect[3] * paper.height_mm / 0.3528), 0.6) + 0.05
        ax.add_patch(
            FancyBboxPatch(
                (0, y - box_h),
                1,
                box_h,
                boxstyle="round,pad=0,rounding_size=0.02",
                facecolor="#fff8e1",
                edgecolor="#f9a825",
                linewidth=0.8,
                zorder=2,
            )
        )
        y -= box_h + 0.04
        del t
    params = meta.parameter_line(lang)
    body = meta.source_line(lang, compact=True)
    if params:
        body = "Parameters: " + params + "\n" + body
    ax.text(
        0,
        y,
        wrap_text(body, rect[2], paper, 5.6 * s),
        fontsize=5.6 * s,
        color=MUTED,
        va="top",
        ha="left",
        linespacing=1.25,
    )


@draws_layer("north-arrow")
def north_arrow(ax: Axes, paper: Paper) -> None:
    s = paper.scale
    ax.annotate(
        "",
        xy=(0.965, 0.975),
        xytext=(0.965, 0.905),
        xycoords="axes fraction",
        arrowprops={
            "arrowstyle": "-|>,head_length=0.9,head_width=0.45",
            "color": INK,
            "lw": 1.6 * s,
        },
        zorder=30,
    )
    ax.text(
        0.965,
        0.89,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=10 * s,
        fontweight="bold",
        color=INK,
        zorder=30,
        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
    )


def map_scale(ax: Axes, paper: Paper) -> int:
    """The map's numeric scale denominator at print size (1:n), rounded to two significant digits."""
    ax.apply_aspect()
    width_mm = ax.get_position().width * paper.width_mm
    x0, x1 = ax.get_xlim()
    n = abs(x1 - x0) * 1000.0 / max(width_mm, 1e-9)
    digits = max(int(math.floor(math.log10(n))) - 1, 0)
    return int(round(n / 10**digits) * 10**digits)


@draws_layer("scale-bar")
def scale_bar(ax: Axes, paper: Paper, lang: str = "nl") -> None:
    """A graphic scale bar (m/km), the numeric scale at print size and the coordinate system."""
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(
        ScaleBar(
            1.0,
            "m",
            location="lower left",
            length_fraction=0.2,
            box_alpha=0.85,
            box_color="white",
            color=INK,
            font_properties={"size": 7 * paper.scale},
            border_pad=0.8,
            pad=0.5,
            width_fraction=0.006,
        )
    )
    size = paper.name.split("-")[0].upper() if paper.name[:2] in ("a3", "a4") else ""
    scale = f"1:{fmt_number(map_scale(ax, paper), 'count', lang)}"
    text = (
        f"Schaal {scale}{' op ' + size if size else ''} · Lambert 72 (EPSG:31370)"
        if lang == "nl"
        else f"Scale {scale}{' on ' + size if size else ''} · Belgian Lambert 72 (EPSG:31370)"
    )
    ax.text(
        0.995,
        0.008,
        text,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6.5 * paper.scale,
        color=INK,
        zorder=30,
        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
    )


# --------------------------------------------------------------------------- public
