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

Everything is drawn on matplotlib ``Figure`` objects (never pyplot state),
so maps render in worker threads. The atlas is one multi-page PDF with one
page per municipality, zoomed to it, with its own indicators; geometry is
limited to each page's extent before drawing.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import textwrap
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from slimmeregio.exporters._safe import check_overwrite, writing, xml_text
from slimmeregio.exporters.meta import BRUSSELS_NOTES, ExportMeta, build_meta
from slimmeregio.exporters.style import (
    LegendItem,
    class_index,
    clip_frame,
    draw_lines,
    draw_points,
    draw_polygons,
    legend_handles,
)
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.progress import Task
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import (
    ACCESS_CLASSES_MIN,
    ACCESS_COLORS,
    CHANGE_COLORS,
    DENSITY_BREAKS,
    DENSITY_COLORS,
    FLOW_COLORS,
    HOPPIN_COLORS,
    HOPPIN_SIZES,
    LINK_CLASS_COLORS,
    LINK_CLASS_WIDTHS,
    UNREACHABLE_COLOR,
)

__all__ = [
    "DENSITY_BREAKS",
    "DENSITY_COLORS",
    "PAPERS",
    "SLIDE_PAPER",
    "THEMES",
    "Paper",
    "atlas_figures",
    "export_atlas",
    "export_map",
    "fmt_number",
    "masterplan_figure",
    "parse_paper",
    "save_figure",
]

#: Map themes and their titles (Dutch, English).
THEMES: dict[str, tuple[str, str]] = {
    "base": ("Basiskaart: fietsnetwerk, mobipunten en woningen", "Base map: bike network, mobility hubs and housing"),
    "access": ("Bereikbaarheid van mobipunten per fiets", "Access to mobility hubs by bike"),
    "change": ("Wat verandert het scenario?", "What does the scenario change?"),
    "flows": ("Potentiële fietsstromen naar het station", "Potential bike flows to the station"),
    "flows_brussels": ("Potentiële fietsstromen naar de Brusselse grens",
                       "Potential bike flows to the Brussels border"),
    "siting": ("Voorgestelde locaties voor nieuwe mobipunten", "Suggested sites for new mobility hubs"),
}
PAPERS = ("a4-portrait", "a4-landscape", "a3-portrait", "a3-landscape")
_PAPER_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}


_INK = "#222222"
_MUTED = "#5f5f5f"
_WATER = "#eef1f4"  # outside the region
_REGION_FILL = "#fbfaf7"
_BRUSSELS_FILL = "#e3e0d8"
_FRAME = "#404040"
_MM = 1 / 25.4


@dataclass(frozen=True)
class Paper:
    """A paper size: ``name`` like ``a3-landscape``, size in millimetres."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def landscape(self) -> bool:
        return self.width_mm > self.height_mm

    @property
    def scale(self) -> float:
        """Type scale: 1 for A4, about 1.3 for A3."""
        return 1.0 if min(self.width_mm, self.height_mm) < 250 else 1.3

    @property
    def figsize(self) -> tuple[float, float]:
        return (self.width_mm * _MM, self.height_mm * _MM)


def parse_paper(text: str | Paper) -> Paper:
    """``a4``, ``a3-landscape``, ``A4 staand`` ... -> :class:`Paper`.

    Orientation words: portrait/staand, landscape/liggend (default landscape).
    Raises :class:`ExportError` for an unknown size.
    """
    if isinstance(text, Paper):
        return text
    words = str(text).lower().replace("_", "-").replace(" ", "-").split("-")
    size = words[0] if words else ""
    if size not in _PAPER_MM:
        raise ExportError(
            path=str(text),
            reason={"nl": f"onbekend papierformaat; kies uit {', '.join(PAPERS)}",
                    "en": f"unknown paper size; choose from {', '.join(PAPERS)}"},
        )
    portrait = any(w in ("portrait", "staand", "p") for w in words[1:])
    short, long_ = _PAPER_MM[size]
    if portrait:
        return Paper(f"{size}-portrait", short, long_)
    return Paper(f"{size}-landscape", long_, short)


def fmt_number(value: Any, unit: str = "", lang: str = "nl", *, signed: bool = False, digits: int | None = None) -> str:
    """A number as planners read it: ``12.345``, ``78,4 %``, ``6,2 min``.

    Dutch uses a decimal comma and a dot for thousands; ``signed`` adds ``+``.
    ``unit`` ``%`` / ``pp`` / ``min`` / ``m`` / ``count`` / ``km``.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "–"
    if digits is None:
        digits = 0 if unit in ("count", "m", "") and abs(v) >= 10 or unit == "count" else 1
    text = f"{v:{'+' if signed else ''},.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    suffix = {"%": " %", "pp": " pp", "min": " min", "m": " m", "km": " km"}.get(unit, "")
    return text + suffix


# --------------------------------------------------------------------------- layers


@dataclass
class _Layers:
    municipalities: Layer | None
    brussels: Layer | None
    network: Layer | None
    mobipunten: Layer | None
    housing: Layer | None
    stations: Layer | None


def _project_layers(project: Project) -> _Layers:
    brussels = None
    for layer in project.layers:
        if layer.role == Role.OTHER and not layer.is_raster and "brussel" in layer.name.lower():
            brussels = layer
            break
    return _Layers(
        municipalities=project.layers.first(Role.MUNICIPALITIES),
        brussels=brussels,
        network=project.layers.first(Role.BIKE_NETWORK),
        mobipunten=project.layers.first(Role.MOBIPUNTEN),
        housing=project.layers.first(Role.HOUSING),
        stations=project.layers.first(Role.STATIONS),
    )


def _municipality_frame(layers: _Layers) -> gpd.GeoDataFrame:
    """``nis, name, geometry`` of the municipalities (empty when absent)."""
    layer = layers.municipalities
    if layer is None or layer.is_raster:
        return gpd.GeoDataFrame({"nis": [], "name": []}, geometry=[], crs="EPSG:31370")
    frame = layer.frame
    nis = layer.column("nis").astype(str) if layer.has_field("nis") else pd.Series(frame.index.astype(str), index=frame.index)
    name = layer.column("name").astype(str) if layer.has_field("name") else nis
    return gpd.GeoDataFrame({"nis": nis.values, "name": name.values}, geometry=frame.geometry.values, crs=frame.crs)


def _find_municipality(munis: gpd.GeoDataFrame, key: str) -> pd.Series:
    key_norm = str(key).strip().lower()
    for _, row in munis.iterrows():
        if str(row["nis"]).lower() == key_norm or str(row["name"]).lower() == key_norm:
            return row
    names = ", ".join(sorted(munis["name"].astype(str)))
    raise ExportError(
        path=str(key),
        reason={"nl": f"onbekende gemeente (bekend: {names})", "en": f"unknown municipality (known: {names})"},
    )


# --------------------------------------------------------------------------- layout


@dataclass
class _Layout:
    map: tuple[float, float, float, float]
    title: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    figures: tuple[float, float, float, float]
    locator: tuple[float, float, float, float]
    source: tuple[float, float, float, float]


def _layout(paper: Paper) -> _Layout:
    """Rectangles (figure fractions) of the layout's parts."""
    w, h = paper.width_mm, paper.height_mm
    m = 10.0 * paper.scale

    def r(x: float, y: float, rw: float, rh: float) -> tuple[float, float, float, float]:
        return (x / w, y / h, rw / w, rh / h)

    if paper.landscape:
        panel_w = 0.26 * w
        gap = 6.0 * paper.scale
        map_w = w - 2 * m - panel_w - gap
        px = m + map_w + gap
        inner_h = h - 2 * m
        title_h = 0.17 * inner_h
        source_h = 0.16 * inner_h
        locator_h = min(0.22 * inner_h, panel_w * 0.75)
        figures_h = 0.13 * inner_h
        legend_h = inner_h - title_h - source_h - locator_h - figures_h
        y = m
        source = r(px, y, panel_w, source_h)
        y += source_h
        locator = r(px, y, panel_w, locator_h)
        y += locator_h
        # legend and key figures share the middle; the legend is measured first
        legend = r(px, y, panel_w, legend_h + figures_h)
        figures = legend
        y += legend_h + figures_h
        title = r(px, y, panel_w, title_h)
        return _Layout(r(m, m, map_w, inner_h), title, legend, figures, locator, source)
    inner_w = w - 2 * m
    title_h = 24.0 * paper.scale
    bottom_h = 0.29 * h
    source_h = 0.2 * bottom_h
    gap = 4.0 * paper.scale
    map_y = m + bottom_h + gap
    map_h = h - m - title_h - gap - map_y
    title = r(m, h - m - title_h, inner_w, title_h)
    band_y = m + source_h + gap / 2
    band_h = bottom_h - source_h - gap / 2
    legend_w = 0.52 * inner_w
    right_x = m + legend_w + gap
    right_w = inner_w - legend_w - gap
    figures_h = 0.45 * band_h
    legend = r(m, band_y, legend_w, band_h)
    figures = r(right_x, band_y + band_h - figures_h, right_w, figures_h)
    locator = r(right_x, band_y, right_w, band_h - figures_h - gap / 2)
    source = r(m, m, inner_w, source_h)
    return _Layout(r(m, map_y, inner_w, map_h), title, legend, figures, locator, source)


def _compact_layout(paper: Paper) -> _Layout:
    """Map with a narrow legend/locator column: for pictures inside slides."""
    w, h = paper.width_mm, paper.height_mm
    m = 3.0
    panel_w = 0.3 * w
    map_w = w - 2 * m - panel_w - 3.0
    px = m + map_w + 3.0
    inner_h = h - 2 * m
    locator_h = min(0.36 * inner_h, panel_w * 0.8)
    none = (0.0, 0.0, 0.0, 0.0)
    legend = (px / w, (m + locator_h + 3.0) / h, panel_w / w, (inner_h - locator_h - 3.0) / h)
    locator = (px / w, m / h, panel_w / w, locator_h / h)
    return _Layout((m / w, m / h, map_w / w, inner_h / h), none, legend, none, locator, none)


#: A picture for the left two thirds of a 16:9 slide.
SLIDE_PAPER = Paper("slide", 208.0, 141.0)


def _fit_extent(bounds: Sequence[float], aspect: float, pad: float = 0.04) -> tuple[float, float, float, float]:
    """``bounds`` padded and widened to the frame's width/height ``aspect``."""
    x0, y0, x1, y1 = bounds
    w = max(x1 - x0, 1.0)
    h = max(y1 - y0, 1.0)
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


class _AxesPool:
    """The axes of an atlas figure that is drawn again for every page.

    Creating a matplotlib ``Axes`` costs more than drawing a page's text, so
    an atlas keeps one figure: before each page every axes is emptied and
    hidden, and the page takes back the axes of the same role and place
    (see :func:`_add_axes`); axes a page does not use stay hidden.
    """

    def __init__(self) -> None:
        self.keys: dict[Axes, tuple[str, tuple[float, ...]]] = {}
        self.free: dict[tuple[str, tuple[float, ...]], list[Axes]] = {}

    def recycle(self, fig: Figure) -> None:
        self.free = {}
        for ax in fig.axes:
            if ax.legend_ is not None:
                ax.legend_.remove()
            for group in (ax.collections, ax.images, ax.lines, ax.patches, ax.texts, ax.artists, ax.tables):
                for artist in list(group):  # the scale bar is one of ax.artists
                    artist.remove()
            ax.set_visible(False)
            self.free.setdefault(self.keys[ax], []).append(ax)


_POOL = "_slimmeregio_axes_pool"


def _atlas_figure(paper: Paper) -> Figure:
    """An empty page figure whose axes are reused page after page."""
    fig = Figure(figsize=paper.figsize, dpi=100, facecolor="white")
    FigureCanvasAgg(fig)  # a renderer to measure the legend with
    setattr(fig, _POOL, _AxesPool())
    return fig


def _add_axes(fig: Figure, rect: Sequence[float], role: str) -> Axes:
    """``fig.add_axes(rect)``; on an atlas figure the emptied axes of the same role and place."""
    x0, y0, w, h = rect
    pool: _AxesPool | None = getattr(fig, _POOL, None)
    if pool is None:
        return fig.add_axes((x0, y0, w, h))
    key = (role, tuple(round(float(v), 9) for v in rect))
    free = pool.free.get(key)
    if free:
        ax = free.pop(0)
        ax.set_position((x0, y0, w, h))  # undo the previous page's aspect adjustment
        ax.set_visible(True)
        return ax
    ax = fig.add_axes((x0, y0, w, h))
    pool.keys[ax] = key
    return ax


def _text_axes(fig: Figure, rect: Sequence[float]) -> Axes:
    ax = _add_axes(fig, rect, "text")
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return ax


def _wrap(text: str, width_frac: float, paper: Paper, size: float) -> str:
    width_mm = width_frac * paper.width_mm
    chars = max(int(width_mm / (size * 0.3528 * 0.56)), 20)
    return "\n".join(textwrap.fill(p, chars) for p in text.split("\n"))


# --------------------------------------------------------------------------- drawing


def _draw_context(ax: Axes, layers: _Layers, munis: gpd.GeoDataFrame, bbox: tuple[float, float, float, float],
                  focus: str | None, lang: str) -> list[LegendItem]:
    items: list[LegendItem] = []
    if layers.brussels is not None:
        frame = clip_frame(layers.brussels.frame, bbox)
        if not frame.empty:
            draw_polygons(ax, frame.geometry.to_numpy(), facecolor=_BRUSSELS_FILL, edgecolor="#b5b0a5",
                          linewidth=0.3, zorder=0.5)
            union = shapely.union_all(layers.brussels.frame.geometry.to_numpy())
            draw_polygons(ax, [union], facecolor="none", edgecolor="#8d877a", linewidth=0.9, zorder=0.6)
            items.append(LegendItem("Brussels Hoofdstedelijk Gewest" if lang == "nl" else "Brussels-Capital Region",
                                    "patch", _BRUSSELS_FILL, edge_color="#8d877a"))
    if not munis.empty:
        frame = clip_frame(munis, bbox)
        fills = [_REGION_FILL if focus is None or nis == focus else "#f1efea" for nis in frame["nis"]]
        draw_polygons(ax, frame.geometry.to_numpy(), facecolor=fills, edgecolor="#8c8c8c", linewidth=0.5, zorder=0.7)
        if focus is not None:
            sel = frame[frame["nis"] == focus]
            draw_polygons(ax, sel.geometry.to_numpy(), facecolor="none", edgecolor="#202020", linewidth=1.6, zorder=6)
        items.append(LegendItem("Gemeentegrens" if lang == "nl" else "Municipal boundary", "patch", _REGION_FILL,
                                edge_color="#8c8c8c"))
    return items


def _draw_labels(ax: Axes, munis: gpd.GeoDataFrame, bbox: tuple[float, float, float, float], paper: Paper,
                 focus: str | None, brussels: Layer | None, lang: str) -> None:
    """Municipality names at representative points, halo'd, without overlaps.

    The focus municipality and larger municipalities are placed first; a
    name that would overlap one already placed is moved just above or below
    its point, or left out when neither fits.
    """
    size = 6.2 * paper.scale
    halo = [patheffects.withStroke(linewidth=2.2 * paper.scale, foreground="white")]
    x0, y0, x1, y1 = bbox
    frame = clip_frame(munis, bbox)
    frame = frame.assign(_area=frame.geometry.area, _focus=frame["nis"] == focus)
    frame = frame.sort_values(["_focus", "_area"], ascending=False)
    ax.apply_aspect()  # final axes box, so measured label boxes are right
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    placed: list[Any] = []
    for _, row in frame.iterrows():
        geom = row.geometry.intersection(shapely.box(*bbox))
        if geom.is_empty:
            continue
        pt = geom.representative_point()
        mx, my = 0.06 * (x1 - x0), 0.025 * (y1 - y0)  # a label must not run off the frame
        if not (x0 + mx < pt.x < x1 - mx and y0 + my < pt.y < y1 - my):
            continue
        is_focus = bool(row["_focus"])
        text = ax.text(pt.x, pt.y, str(row["name"]), fontsize=size * (1.5 if is_focus else 1.0),
                       fontweight="bold" if is_focus or focus is None else "normal",
                       color=_INK if is_focus or focus is None else _MUTED, ha="center", va="center", zorder=20,
                       path_effects=halo, clip_on=True)
        box = text.get_window_extent(renderer)
        if any(box.overlaps(other) for other in placed):
            for dy in (1.1, -1.1):
                shifted = box.translated(0, dy * box.height)
                if not any(shifted.overlaps(other) for other in placed):
                    nx, ny = ax.transData.inverted().transform(
                        ax.transData.transform((pt.x, pt.y)) + (0, dy * box.height))
                    text.set_position((float(nx), float(ny)))
                    box = shifted
                    break
            else:
                text.remove()
                continue
        placed.append(box)
    if brussels is not None and focus is None:
        union = shapely.union_all(brussels.frame.geometry.to_numpy())
        pt = union.representative_point()
        if x0 < pt.x < x1 and y0 < pt.y < y1:
            ax.text(pt.x, pt.y, "BRUSSEL" if lang == "nl" else "BRUSSELS", fontsize=size * 1.1, color="#7a7466",
                    ha="center", va="center", zorder=19, path_effects=halo, style="italic", clip_on=True)


def _density_grid(ax: Axes, housing: gpd.GeoDataFrame, dwellings: np.ndarray, bbox: tuple[float, float, float, float],
                  cell: float, lang: str) -> list[LegendItem]:
    x0, y0, x1, y1 = bbox
    xy = shapely.get_coordinates(shapely.centroid(housing.geometry.to_numpy()))
    if len(xy) == 0:
        return []
    xe = np.arange(math.floor(x0 / cell) * cell, x1 + cell, cell)
    ye = np.arange(math.floor(y0 / cell) * cell, y1 + cell, cell)
    grid, _, _ = np.histogram2d(xy[:, 0], xy[:, 1], bins=[xe, ye], weights=dwellings)
    density = grid.T / (cell * cell / 1e6)
    masked = np.ma.masked_less_equal(density, 0)
    bounds = [0.0, *DENSITY_BREAKS, max(float(density.max()), DENSITY_BREAKS[-1]) + 1]
    cmap = ListedColormap(list(DENSITY_COLORS))
    ax.imshow(masked, extent=(xe[0], xe[-1], ye[0], ye[-1]), origin="lower", cmap=cmap,
              norm=BoundaryNorm(bounds, cmap.N), interpolation="nearest", zorder=1, alpha=0.9)
    labels = _class_labels(DENSITY_BREAKS, "")
    unit = " woningen/km²" if lang == "nl" else " dwellings/km²"
    return [LegendItem(lab + (unit if i == 0 else ""), "patch", c) for i, (lab, c) in enumerate(zip(labels, DENSITY_COLORS, strict=True))]


def _class_labels(breaks: Sequence[float], unit: str) -> list[str]:
    labels = []
    lower = None
    for b in breaks:
        labels.append(f"≤ {b:g}{unit}" if lower is None else f"{lower:g}–{b:g}{unit}")
        lower = b
    labels.append(f"> {lower:g}{unit}")
    return labels


def _network_background(ax: Axes, network: Layer | None, links: gpd.GeoDataFrame | None,
                        bbox: tuple[float, float, float, float], *, strong: bool = False) -> None:
    """The network in neutral greys, as context for a theme."""
    frame = links if links is not None else (network.frame if network is not None else None)
    if frame is None or frame.empty:
        return
    frame = clip_frame(frame, bbox)
    cls = _link_classes(frame, network)
    main = cls.isin(["fietssnelweg", "bovenlokaal"]).to_numpy()
    draw_lines(ax, frame.geometry.to_numpy()[~main], colors="#cfcfcf", widths=0.3, zorder=1.5, merge=True)
    draw_lines(ax, frame.geometry.to_numpy()[main], colors="#9a9a9a" if strong else "#b3b3b3", widths=0.8, zorder=1.6,
               merge=True)


def _link_classes(frame: gpd.GeoDataFrame, network: Layer | None) -> pd.Series:
    if "link_class" in frame.columns:
        return frame["link_class"].astype(str)
    if network is not None and network.has_field("link_class") and network.fields["link_class"] in frame.columns:
        return frame[network.fields["link_class"]].astype(str)
    return pd.Series(["lokaal"] * len(frame), index=frame.index)


def _draw_network_classes(ax: Axes, frame: gpd.GeoDataFrame, network: Layer | None,
                          bbox: tuple[float, float, float, float], lang: str) -> list[LegendItem]:
    frame = clip_frame(frame, bbox)
    if frame.empty:
        return []
    cls = _link_classes(frame, network)
    items = []
    order = ["overig", "lokaal", "bovenlokaal", "fietssnelweg"]
    others = sorted(set(cls) - set(order))
    for i, c in enumerate([*others, *order]):
        sel = (cls == c).to_numpy()
        if not sel.any():
            continue
        color = LINK_CLASS_COLORS.get(c, LINK_CLASS_COLORS["overig"])
        width = LINK_CLASS_WIDTHS.get(c, 0.35)
        draw_lines(ax, frame.geometry.to_numpy()[sel], colors=color, widths=width, zorder=2 + i * 0.1, merge=True)
        items.append(LegendItem(_class_label(c, lang), "line", color, size=max(width, 0.8)))
    return items[::-1]


def _class_label(cls: str, lang: str) -> str:
    nl = {"fietssnelweg": "Fietssnelweg", "bovenlokaal": "Bovenlokale fietsroute", "lokaal": "Lokale fietsverbinding",
          "overig": "Overige verbinding"}
    en = {"fietssnelweg": "Cycle highway", "bovenlokaal": "Supra-local bike route", "lokaal": "Local bike link",
          "overig": "Other link"}
    return (nl if lang == "nl" else en).get(cls, cls)


def _hoppin_frame(project_layer: Layer | None, evaluation: Any) -> gpd.GeoDataFrame | None:
    if evaluation is not None and getattr(evaluation, "mobipunten", None) is not None:
        return evaluation.mobipunten
    if project_layer is None:
        return None
    frame = project_layer.frame
    types = project_layer.column("hoppin_type").astype(str) if project_layer.has_field("hoppin_type") else "lokaal"
    return gpd.GeoDataFrame({"hoppin_type": types}, geometry=frame.geometry, crs=frame.crs)


def _draw_mobipunten(ax: Axes, frame: gpd.GeoDataFrame | None, bbox: tuple[float, float, float, float],
                     paper: Paper, lang: str, *, highlight_changes: bool = False, dark: bool = False) -> list[LegendItem]:
    if frame is None or frame.empty:
        return []
    frame = clip_frame(frame, bbox)
    items = []
    types = frame["hoppin_type"].astype(str) if "hoppin_type" in frame.columns else pd.Series(["lokaal"] * len(frame), index=frame.index)
    k = 0.8 * paper.scale
    for t in list(HOPPIN_COLORS)[::-1]:
        sel = (types == t).to_numpy()
        if not sel.any():
            continue
        color = HOPPIN_COLORS[t]
        draw_points(ax, frame.geometry.to_numpy()[sel], colors=color, sizes=HOPPIN_SIZES[t] * k,
                    edgecolor="white", linewidth=0.7, zorder=8)
        label = f"Mobipunt {t}" if lang == "nl" else f"Mobility hub ({t})"
        items.append(LegendItem(label, "marker", color, size=HOPPIN_SIZES[t] * 0.8, edge_color="white"))
    other = ~types.isin(list(HOPPIN_COLORS)).to_numpy()
    if other.any():
        draw_points(ax, frame.geometry.to_numpy()[other], colors=HOPPIN_COLORS["buurt"], sizes=5 * k, zorder=8)
    items = items[::-1]
    if highlight_changes and "change" in frame.columns:
        changed = frame["change"].astype(str).isin(["added", "moved"]).to_numpy()
        if changed.any():
            draw_points(ax, frame.geometry.to_numpy()[changed], colors="none", sizes=16 * k,
                        edgecolor=CHANGE_COLORS["added"], linewidth=1.8, zorder=9)
            items.append(LegendItem("Mobipunt nieuw of verplaatst" if lang == "nl" else "Hub added or moved",
                                    "marker", "white", size=10, edge_color=CHANGE_COLORS["added"]))
    return items


def _draw_stations(ax: Axes, layer: Layer | None, evaluation: Any, bbox: tuple[float, float, float, float],
                   paper: Paper, lang: str) -> list[LegendItem]:
    frame = None
    if evaluation is not None and getattr(evaluation, "stations", None) is not None:
        frame = evaluation.stations
    elif layer is not None and not layer.is_raster:
        frame = layer.frame
    if frame is None or frame.empty:
        return []
    frame = clip_frame(frame, bbox)
    if frame.empty:
        return []
    draw_points(ax, frame.geometry.to_numpy(), colors=_INK, sizes=5.5 * paper.scale * 0.8, marker="s",
                edgecolor="white", linewidth=0.8, zorder=7.5)
    return [LegendItem("Treinstation" if lang == "nl" else "Railway station", "marker", _INK, size=5,
                       edge_color="white", marker="s")]


def _dwelling_sizes(dwellings: np.ndarray, paper: Paper, zoomed: bool) -> np.ndarray:
    base = 0.9 if not zoomed else 1.6
    return np.clip(base * np.sqrt(np.maximum(dwellings, 1)) ** 0.5, base * 0.8, base * 3.2) * paper.scale


def _access_items(lang: str) -> list[LegendItem]:
    labels = _class_labels(ACCESS_CLASSES_MIN, " min")
    items = [LegendItem(lab, "marker", c, size=5) for lab, c in zip(labels, ACCESS_COLORS, strict=True)]
    items.append(LegendItem("niet bereikbaar via het netwerk" if lang == "nl" else "not reachable over the network",
                            "marker", UNREACHABLE_COLOR, size=5))
    return items


def _draw_access(ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, zoomed: bool,
                 lang: str) -> list[LegendItem]:
    frame = clip_frame(evaluation.dwellings, bbox)
    if frame.empty:
        return _access_items(lang)
    minutes = frame["bike_min_mobipunt"].to_numpy(dtype=float)
    idx = class_index(minutes, ACCESS_CLASSES_MIN)
    palette = np.array([*ACCESS_COLORS, UNREACHABLE_COLOR], dtype=object)
    colors = palette[np.where(idx < 0, len(ACCESS_COLORS), idx)]
    order = np.argsort(-np.nan_to_num(minutes, nan=1e9))  # good access on top
    sizes = _dwelling_sizes(frame["dwellings"].to_numpy(dtype=float), paper, zoomed)
    draw_points(ax, frame.geometry.to_numpy()[order], colors=colors[order].tolist(), sizes=sizes[order],
                edgecolor=None, linewidth=0, alpha=0.9, zorder=3, rasterized=len(frame) > 2000)
    return _access_items(lang)


def _draw_changes(ax: Axes, comparison: Any, threshold: float, bbox: tuple[float, float, float, float],
                  paper: Paper, zoomed: bool, lang: str) -> list[LegendItem]:
    changes = comparison.access_changes
    sel = changes[(changes["threshold"] == threshold) & (changes["target"] == "mobipunt") & (changes["mode"] == "bike")]
    sel = clip_frame(sel, bbox)
    items = []
    t = fmt_number(threshold, "min", lang, digits=0 if float(threshold).is_integer() else 1)
    for kind in ("loss", "gain"):
        part = sel[sel["change"] == kind]
        color = CHANGE_COLORS[kind]
        if not part.empty:
            sizes = _dwelling_sizes(part["dwellings"].to_numpy(dtype=float), paper, zoomed) * 1.6
            draw_points(ax, part.geometry.to_numpy(), colors=color, sizes=sizes, edgecolor="white", linewidth=0.3,
                        zorder=5 if kind == "gain" else 4.8)
        else:
            continue  # the legend lists only what is drawn
        if lang == "nl":
            label = f"Woningen {'nu' if kind == 'gain' else 'niet meer'} binnen {t} fietsen van een mobipunt"
        else:
            label = f"Dwellings {'now' if kind == 'gain' else 'no longer'} within {t} by bike of a hub"
        items.append(LegendItem(label, "marker", color, size=6, edge_color="white"))
    if not items:
        items.append(LegendItem(f"Geen woningen met winst of verlies binnen {t} in dit kaartbeeld" if lang == "nl"
                                else f"No dwellings gaining or losing access within {t} in this view",
                                "patch", "none"))
    return items[::-1]


def _draw_link_changes(ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper,
                       lang: str) -> list[LegendItem]:
    items = []
    links = evaluation.links
    removed = getattr(evaluation, "removed_links", None)
    k = paper.scale
    if removed is not None and not removed.empty:
        part = clip_frame(removed, bbox)
        coll = draw_lines(ax, part.geometry.to_numpy(), colors=CHANGE_COLORS["removed"], widths=2.0 * k, zorder=6)
        if coll is not None:  # something closed in view
            coll.set_linestyle((0, (2, 1.5)))
            items.append(LegendItem("Verbinding afgesloten" if lang == "nl" else "Link closed", "line",
                                    CHANGE_COLORS["removed"], size=2))
    for kind, nl, en in (("upgraded", "Verbinding opgewaardeerd", "Link upgraded"),
                         ("added", "Verbinding toegevoegd", "Link added")):
        part = links[links["change"].astype(str) == kind] if "change" in links.columns else links.iloc[:0]
        part = clip_frame(part, bbox)
        if not part.empty:
            draw_lines(ax, part.geometry.to_numpy(), colors="white", widths=4.2 * k, zorder=6.4)
            draw_lines(ax, part.geometry.to_numpy(), colors=CHANGE_COLORS[kind], widths=2.6 * k, zorder=6.5)
            items.append(LegendItem(nl if lang == "nl" else en, "line", CHANGE_COLORS[kind], size=2.6))
    return items[::-1]


def _draw_new_housing(ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper,
                      lang: str) -> list[LegendItem]:
    d = evaluation.dwellings
    if "added" not in d.columns:
        return []
    part = clip_frame(d[d["added"].astype(bool)], bbox)
    if part.empty:
        return []
    draw_points(ax, part.geometry.to_numpy(), colors="white", sizes=11 * paper.scale, marker="s",
                edgecolor=CHANGE_COLORS["added"], linewidth=1.6, zorder=4.5)
    return [LegendItem("Nieuw woonproject" if lang == "nl" else "New housing development", "marker", "white",
                       size=8, edge_color=CHANGE_COLORS["added"], marker="s")]


def _flow_breaks(flows: np.ndarray) -> list[float]:
    """Up to four rounded class bounds over the positive flows (quantiles)."""
    positive = flows[flows > 0]
    if positive.size == 0:
        return []
    raw = np.quantile(positive, [0.5, 0.75, 0.9, 0.97])
    out: list[float] = []
    for v in raw:
        mag = 10 ** max(math.floor(math.log10(max(v, 1))) - 1, 0)
        nice = max(round(v / mag) * mag, 1)
        if not out or nice > out[-1]:
            out.append(float(nice))
    return out


def _draw_flows(ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper,
                lang: str, column: str = "flow_dwellings") -> list[LegendItem]:
    links = evaluation.links
    if column not in links.columns:
        return []
    flows_all = links[column].to_numpy(dtype=float)
    breaks = _flow_breaks(flows_all)
    frame = clip_frame(links[links[column] > 0], bbox)
    if not breaks:
        return []
    colors = list(FLOW_COLORS[-(len(breaks) + 1):])
    widths = np.linspace(0.5, 3.6, len(breaks) + 1) * paper.scale
    if not frame.empty:
        flows = frame[column].to_numpy(dtype=float)
        idx = class_index(flows, breaks)
        order = np.argsort(flows)
        draw_lines(ax, frame.geometry.to_numpy()[order], colors=[colors[i] for i in idx[order]],
                   widths=widths[idx[order]], zorder=4)
    unit = " woningen" if lang == "nl" else " dwellings"
    labels = _class_labels(breaks, "")
    return [LegendItem(lab + (unit if i == len(labels) - 1 else ""), "line", c, size=float(w / paper.scale))
            for i, (lab, c, w) in enumerate(zip(labels, colors, widths, strict=True))][::-1]


def _draw_brussels_entries(ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper,
                           lang: str) -> list[LegendItem]:
    """The entry points on the Brussels border: used ones larger, the others small."""
    entries = getattr(evaluation, "brussels_entries", None)
    if entries is None or entries.empty:
        return []
    frame = clip_frame(entries, bbox)
    if frame.empty:
        return []
    used = frame["dwellings"].to_numpy(dtype=float) > 0
    if (~used).any():
        draw_points(ax, frame.geometry.to_numpy()[~used], colors="white", sizes=3.2 * paper.scale,
                    edgecolor=_MUTED, linewidth=0.6, zorder=7)
    if used.any():
        draw_points(ax, frame.geometry.to_numpy()[used], colors="white", sizes=6.0 * paper.scale,
                    edgecolor=_INK, linewidth=1.2, zorder=7.5)
    nl = lang == "nl"
    items = [LegendItem("Toegangspunt op de grens (gebruikt)" if nl else "Entry point on the border (used)",
                        "marker", "white", size=6, edge_color=_INK)]
    if (~used).any():
        items.append(LegendItem("Toegangspunt zonder stroom" if nl else "Entry point without flow",
                                "marker", "white", size=3.5, edge_color=_MUTED))
    return items


def _draw_sites(ax: Axes, siting: Any, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper,
                zoomed: bool, lang: str) -> list[LegendItem]:
    items: list[LegendItem] = []
    threshold = float(siting.threshold_min)
    t = fmt_number(threshold, "min", lang, digits=0 if threshold.is_integer() else 1)
    if evaluation is not None:
        frame = clip_frame(evaluation.dwellings, bbox)
        minutes = frame["bike_min_mobipunt"].to_numpy(dtype=float)
        within = np.nan_to_num(minutes, nan=1e9) <= threshold
        sizes = _dwelling_sizes(frame["dwellings"].to_numpy(dtype=float), paper, zoomed)
        colors = np.where(within, "#a6cfa0", "#e08a63")
        draw_points(ax, frame.geometry.to_numpy(), colors=colors.tolist(), sizes=sizes, edgecolor=None, linewidth=0,
                    alpha=0.85, zorder=3, rasterized=len(frame) > 2000)
        items += [
            LegendItem(f"Woningen binnen {t} van een mobipunt" if lang == "nl" else f"Dwellings within {t} of a hub",
                       "marker", "#a6cfa0", size=5),
            LegendItem(f"Woningen verder dan {t}" if lang == "nl" else f"Dwellings beyond {t}",
                       "marker", "#e08a63", size=5),
        ]
    sites = clip_frame(siting.sites, bbox)
    size = 14 * paper.scale
    draw_points(ax, sites.geometry.to_numpy(), colors="white", sizes=size, edgecolor=CHANGE_COLORS["added"],
                linewidth=2.0, zorder=12)
    for row in sites.itertuples():
        ax.text(row.geometry.x, row.geometry.y, str(row.rank), fontsize=6.5 * paper.scale, fontweight="bold",
                color=CHANGE_COLORS["added"], ha="center", va="center", zorder=13, clip_on=True)
    items.append(LegendItem("Voorgestelde locatie (volgorde)" if lang == "nl" else "Suggested site (order)",
                            "marker", "white", size=9, edge_color=CHANGE_COLORS["added"]))
    return items


# --------------------------------------------------------------------------- key figures


def _region_value(evaluation: Any, key: str, municipality: str | None) -> float:
    return float("nan") if evaluation is None else float(evaluation.value(key, municipality))


def _middle(values: Sequence[float], default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


def key_figures(evaluation: Any, comparison: Any = None, siting: Any = None, *, municipality: str | None = None,
                lang: str = "nl", brussels: bool = False) -> list[tuple[str, str, str, bool]]:
    """``(label, value, change, higher_is_better)`` rows: the numbers a map shows.

    ``municipality`` (NIS code) gives that municipality's numbers;
    ``brussels`` adds the median cycling time to the Brussels border (when
    the run has it).
    """
    nl = lang == "nl"
    rows: list[tuple[str, str, str, bool]] = []
    if evaluation is None:
        return rows
    params = evaluation.parameters
    bike_t = _middle(params.bike_thresholds_min, 10.0)
    walk_t = _middle(params.walk_thresholds_m, 800.0)
    base = comparison.base if comparison is not None else None
    tb, tw = f"{bike_t:g}", f"{walk_t:g}"
    specs = [
        (f"share_bike_mobipunt_{tb}min", f"Woningen ≤ {tb} min fietsen van mobipunt" if nl else f"Dwellings ≤ {tb} min by bike of a hub"),
        (f"share_walk_mobipunt_{tw}m", f"Woningen ≤ {tw} m wandelen van mobipunt" if nl else f"Dwellings ≤ {tw} m walk of a hub"),
        ("median_bike_min_mobipunt", "Mediane fietstijd tot mobipunt" if nl else "Median cycling time to a hub"),
        (f"share_bike_station_{tb}min", f"Woningen ≤ {tb} min fietsen van station" if nl else f"Dwellings ≤ {tb} min by bike of a station"),
    ]
    if brussels:  # first: the map is about it
        specs.insert(0, ("median_bike_min_brussels",
                      "Mediane fietstijd tot de Brusselse grens" if nl else "Median cycling time to the Brussels border"))
    from slimmeregio.scenarios.results import indicator_unit

    for key, label in specs:
        value = _region_value(evaluation, key, municipality)
        if math.isnan(value):
            continue
        unit = indicator_unit(key)
        change = ""
        if base is not None:
            before = _region_value(base, key, municipality)
            if not math.isnan(before):
                delta = value - before
                if abs(delta) < 0.05:  # would print as +0,0 or -0,0
                    delta = 0.0
                change = fmt_number(delta, "pp" if unit == "%" else unit, lang, signed=True)
        rows.append((label, fmt_number(value, unit, lang), change, unit == "%"))
    if comparison is not None:
        gains = _count_changes(comparison, "gain", bike_t, municipality)
        losses = _count_changes(comparison, "loss", bike_t, municipality)
        rows.append((f"Woningen met winst / verlies (≤ {tb} min)" if nl else f"Dwellings gaining / losing (≤ {tb} min)",
                     f"{fmt_number(gains, 'count', lang)} / {fmt_number(losses, 'count', lang)}", "", True))
    if siting is not None and len(siting.sites):
        gain = float(siting.sites["gain_dwellings"].sum())
        rows.insert(0, (f"Extra woningen ≤ {siting.threshold_min:g} min met {len(siting.sites)} nieuwe mobipunten" if nl
                     else f"Extra dwellings ≤ {siting.threshold_min:g} min with {len(siting.sites)} new hubs",
                     fmt_number(gain, "count", lang), "", True))
    return rows


def _count_changes(comparison: Any, kind: str, threshold: float, municipality: str | None) -> int:
    a = comparison.access_changes
    sel = (a["change"] == kind) & (a["threshold"] == threshold) & (a["target"] == "mobipunt") & (a["mode"] == "bike")
    if municipality is not None:
        sel &= a["nis"].astype(str) == municipality
    return int(a.loc[sel, "dwellings"].sum())


# --------------------------------------------------------------------------- panel


def _draw_title(fig: Figure, rect: Sequence[float], paper: Paper, meta: ExportMeta, theme: str,
                subtitle: str | None, lang: str) -> None:
    """Title block: rule, title (shrunk to fit one line where it can), theme, scenario line.

    Lines are stacked from the top in millimetres, so a wrapped title pushes
    the rest down instead of running into it.
    """
    ax = _text_axes(fig, rect)
    s = paper.scale
    width_mm = rect[2] * paper.width_mm
    height_mm = rect[3] * paper.height_mm
    ax.plot([0, 1], [1, 1], color="#0d47a1", lw=3 * s, solid_capstyle="butt")
    size = min(15 * s, max(10 * s, width_mm / (max(len(meta.title), 1) * 0.3528 * 0.64)))
    title = textwrap.fill(meta.title, max(int(width_mm / (size * 0.3528 * 0.62)), 12))
    y_mm = 2.5 * s
    ax.text(0, 1 - y_mm / height_mm, title, fontsize=size, fontweight="bold", color=_INK, va="top", ha="left")
    y_mm += (title.count("\n") + 1) * size * 0.3528 * 1.25 + 2.0 * s
    theme_title = THEMES[theme][0 if lang == "nl" else 1]
    sub = _wrap(theme_title if subtitle is None else f"{theme_title}\n{subtitle}", rect[2], paper, 10 * s)
    ax.text(0, 1 - y_mm / height_mm, sub, fontsize=10 * s, color="#0d47a1", va="top", ha="left", linespacing=1.2)
    y_mm += (sub.count("\n") + 1) * 10 * s * 0.3528 * 1.3 + 2.0 * s
    info = f"Scenario: {meta.scenario}   ·   {meta.date_text}"
    if meta.organisation:
        info += f"   ·   {meta.organisation}"
    ax.text(0, 1 - y_mm / height_mm, _wrap(info, rect[2], paper, 7.5 * s), fontsize=7.5 * s, color=_MUTED,
            va="top", ha="left")


def _legend_handles(sections: list[tuple[str, list[LegendItem]]]) -> tuple[list[Any], list[int]]:
    handles: list[Any] = []
    headings: list[int] = []
    for heading, items in sections:
        if not items:
            continue
        handles.extend(legend_handles([LegendItem(heading, "patch", "none")]))
        headings.append(len(handles) - 1)
        handles.extend(legend_handles([replace(i, label=textwrap.fill(i.label, 38)) for i in items]))
    return handles, headings


def _draw_legend(fig: Figure, rect: Sequence[float], paper: Paper, sections: list[tuple[str, list[LegendItem]]],
                 lang: str, *, max_height: float = 1.0) -> float:
    """Draw the legend at the top of ``rect``; return its height (fraction of ``rect``).

    The font shrinks (and a second column opens) until the legend fits
    within ``max_height`` of the rectangle.
    """
    handles, headings = _legend_handles(sections)
    if not handles:
        return 0.0
    ax = _text_axes(fig, rect)
    s = paper.scale
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    size = 6.6 * s
    ncol = 1
    height = 0.0
    for _attempt in range(8):
        leg = ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=size, ncol=ncol,
                        title="Legende" if lang == "nl" else "Legend", title_fontsize=size * 1.3,
                        alignment="left", handlelength=2.2, handleheight=0.9, labelspacing=0.45,
                        borderaxespad=0.0, borderpad=0.0, columnspacing=1.2)
        leg.get_title().set_fontweight("bold")
        texts = leg.get_texts()
        for i in headings:
            texts[i].set_fontweight("bold")
            texts[i].set_color("#0d47a1")
        box = leg.get_window_extent(renderer).transformed(ax.transAxes.inverted())
        height = 1.0 - box.y0
        if height <= max_height and box.x1 <= 1.02:
            break
        leg.remove()
        if box.x1 > 1.02 and ncol > 1:
            ncol -= 1
            size *= 0.9
        elif ncol == 1 and len(handles) > 10 and rect[2] * paper.width_mm > 80:
            ncol = 2
        else:
            size *= 0.9
    return height


def _draw_figures(fig: Figure, rect: Sequence[float], paper: Paper, rows: list[tuple[str, str, str, bool]],
                  heading: str, lang: str) -> None:
    """Key figures: label, value and change (green when better, orange when worse)."""
    if not rows:
        return
    ax = _text_axes(fig, rect)
    s = paper.scale
    line = 3.0 * s / (rect[3] * paper.height_mm)  # one text line in axes fraction
    ax.text(0, 1, heading, fontsize=8.5 * s, fontweight="bold", color=_INK, va="top")
    y = 1 - line * 2.0
    for label, value, change, higher_is_better in rows[: _max_figures(paper)]:
        text = _wrap(label, rect[2] * 0.58, paper, 6.6 * s)
        ax.text(0, y, text, fontsize=6.6 * s, color=_MUTED, va="top", linespacing=1.1)
        ax.text(0.8, y, value, fontsize=7.8 * s, fontweight="bold", color=_INK, va="top", ha="right")
        if change:
            sign = -1 if change.startswith("-") else (1 if change.strip("+-0,. %pmin") else 0)
            good = sign * (1 if higher_is_better else -1)
            color = CHANGE_COLORS["gain"] if good > 0 else CHANGE_COLORS["loss"] if good < 0 else _MUTED
            ax.text(1, y, change, fontsize=7 * s, color=color, va="top", ha="right", fontweight="bold")
        y -= line * (text.count("\n") + 1) + line * 0.55


def _max_figures(paper: Paper) -> int:
    """Key figures that fit: four on A4, five on A3."""
    return 5 if paper.scale > 1 else 4


def _figures_height(paper: Paper, rows: int) -> float:
    """Height in mm of the key-figure block."""
    return 0.0 if rows == 0 else 3.0 * paper.scale * (2.0 + 2.6 * min(rows, _max_figures(paper)))


def _draw_locator(fig: Figure, rect: Sequence[float], paper: Paper, munis: gpd.GeoDataFrame, brussels: Layer | None,
                  extent: tuple[float, float, float, float], focus: str | None, lang: str) -> None:
    if munis.empty:
        return
    s = paper.scale
    x, y, w, h = rect
    head = 0.14
    ax_t = _text_axes(fig, (x, y + h * (1 - head), w, h * head))
    ax_t.text(0, 0.5, "Ligging" if lang == "nl" else "Location", fontsize=8.5 * s, fontweight="bold", color=_INK,
              va="center")
    ax = _add_axes(fig, (x, y, w, h * (1 - head - 0.02)), "locator")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#9e9e9e")
        spine.set_linewidth(0.6)
    ax.set_facecolor(_WATER)
    geoms = [shapely.union_all(munis.geometry.to_numpy())]
    bounds = list(munis.total_bounds)
    if brussels is not None:
        bru = brussels.frame.geometry.to_numpy()
        geoms_b = [shapely.union_all(bru)]
        bb = brussels.frame.total_bounds
        bounds = [min(bounds[0], bb[0]), min(bounds[1], bb[1]), max(bounds[2], bb[2]), max(bounds[3], bb[3])]
        draw_polygons(ax, geoms_b, facecolor=_BRUSSELS_FILL, edgecolor="#8d877a", linewidth=0.5, zorder=2)
        c = geoms_b[0].representative_point()
        ax.text(c.x, c.y, "Brussel" if lang == "nl" else "Brussels", fontsize=5.5 * s, color="#6d675b", ha="center",
                va="center", style="italic", zorder=5)
    draw_polygons(ax, munis.geometry.to_numpy(), facecolor="#ffffff", edgecolor="#c4c4c4", linewidth=0.25, zorder=1)
    draw_polygons(ax, geoms, facecolor="none", edgecolor="#6b6b6b", linewidth=0.7, zorder=3)
    if focus is not None:
        sel = munis[munis["nis"] == focus]
        draw_polygons(ax, sel.geometry.to_numpy(), facecolor="#d32f2f", edgecolor="#d32f2f", linewidth=0.5, zorder=4)
    ex = _fit_extent(bounds, w * paper.width_mm / (h * (1 - head - 0.02) * paper.height_mm), pad=0.06)
    ax.set_xlim(ex[0], ex[2])
    ax.set_ylim(ex[1], ex[3])
    ax.set_aspect("equal", adjustable="box")
    region_bounds = munis.total_bounds
    shows_all = (extent[0] <= region_bounds[0] and extent[1] <= region_bounds[1]
                 and extent[2] >= region_bounds[2] and extent[3] >= region_bounds[3])
    if not shows_all:
        ax.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0], extent[3] - extent[1], fill=False,
                               edgecolor="#d32f2f", linewidth=1.2, zorder=6))
    ax.text(0.03, 0.04, "Halle-Vilvoorde" if focus is None else "", transform=ax.transAxes, fontsize=5.5 * s,
            color=_MUTED, va="bottom")


def _draw_source(fig: Figure, rect: Sequence[float], paper: Paper, meta: ExportMeta, lang: str) -> None:
    ax = _text_axes(fig, rect)
    s = paper.scale
    y = 1.0
    parts = [meta.short_note_for(lang)] if meta.notes else []
    parts += meta.result_note_texts(lang)
    if parts:
        note = ("Let op: " if lang == "nl" else "Note: ") + " ".join(parts)
        text = _wrap(note, rect[2] * 0.95, paper, 6.4 * s)
        t = ax.text(0.02, y - 0.03, text, fontsize=6.4 * s, color="#6d4c00", va="top", ha="left", zorder=3)
        lines = text.count("\n") + 1
        box_h = min(lines * 6.4 * s * 1.35 / (rect[3] * paper.height_mm / 0.3528), 0.6) + 0.05
        ax.add_patch(FancyBboxPatch((0, y - box_h), 1, box_h, boxstyle="round,pad=0,rounding_size=0.02",
                                    facecolor="#fff8e1", edgecolor="#f9a825", linewidth=0.8, zorder=2))
        y -= box_h + 0.04
        del t
    params = meta.parameter_line(lang)
    body = meta.source_line(lang, compact=True)
    if params:
        body = "Parameters: " + params + "\n" + body
    ax.text(0, y, _wrap(body, rect[2], paper, 5.6 * s), fontsize=5.6 * s, color=_MUTED, va="top", ha="left",
            linespacing=1.25)


def _north_arrow(ax: Axes, paper: Paper) -> None:
    s = paper.scale
    ax.annotate("", xy=(0.965, 0.975), xytext=(0.965, 0.905), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>,head_length=0.9,head_width=0.45", "color": _INK, "lw": 1.6 * s},
                zorder=30)
    ax.text(0.965, 0.89, "N", transform=ax.transAxes, ha="center", va="top", fontsize=10 * s, fontweight="bold",
            color=_INK, zorder=30,
            path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])


def _scale_bar(ax: Axes, paper: Paper) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    ax.add_artist(ScaleBar(1.0, "m", location="lower left", length_fraction=0.2, box_alpha=0.85,
                           box_color="white", color=_INK, font_properties={"size": 7 * paper.scale},
                           border_pad=0.8, pad=0.5, width_fraction=0.006))


# --------------------------------------------------------------------------- public


def _change_bounds(comparison: Any, min_size: float = 6000.0) -> tuple[float, float, float, float] | None:
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
    return (inner[2] - inner[0]) < ratio * (outer[2] - outer[0]) and (inner[3] - inner[1]) < ratio * (outer[3] - outer[1])


def _require(obj: Any, theme: str, what_nl: str, what_en: str) -> None:
    if obj is None:
        raise ExportError(
            path=THEMES[theme][0],
            reason={"nl": f"dit kaartthema vraagt {what_nl}", "en": f"this map theme needs {what_en}"},
        )


def _masterplan(
    project: Project,
    *,
    theme: str = "base",
    evaluation: Any = None,
    comparison: Any = None,
    siting: Any = None,
    paper: str | Paper = "a3-landscape",
    meta: ExportMeta | None = None,
    municipality: str | None = None,
    threshold: float | None = None,
    subtitle: str | None = None,
    zoom_to_changes: bool = True,
    compact: bool = False,
    lang: str = "nl",
    figure: Figure | None = None,
) -> Figure:
    """Draw a masterplan map and return its :class:`~matplotlib.figure.Figure`.

    Parameters
    ----------
    project
        The layers (municipalities, Brussels, network, mobipunten, housing,
        stations are taken by role).
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
    zoom_to_changes
        ``change`` theme without ``municipality``: zoom to where the scenario
        changes something (at least 6 km across) when that is much smaller
        than the region; the locator shows where.
    compact
        Map, legend and locator only (no title block, key figures or source
        line): for a slide, whose own title and footer carry those.
    """
    if theme not in THEMES:
        raise ExportError(path=str(theme), reason={"nl": f"onbekend kaartthema; kies uit {', '.join(THEMES)}",
                                                       "en": f"unknown map theme; choose from {', '.join(THEMES)}"})
    paper = parse_paper(paper)
    if comparison is not None and evaluation is None:
        evaluation = comparison.scenario
    if theme in ("access", "flows", "flows_brussels"):
        _require(evaluation, theme, "een doorgerekend scenario", "an evaluated scenario")
    if theme == "change":
        _require(comparison, theme, "een vergelijking met de basis", "a comparison with the base")
    if theme == "siting":
        _require(siting, theme, "een locatievoorstel", "a siting result")
    scenario = getattr(evaluation, "scenario", None)
    if meta is None:
        meta = build_meta(project, scenario=scenario, parameters=getattr(evaluation, "parameters", None))
    meta = meta.with_results(getattr(comparison, "base", None), evaluation,
                             skip=() if theme == "flows_brussels" else BRUSSELS_NOTES)
    layers = _project_layers(project)
    munis = _municipality_frame(layers)
    focus = None
    focus_name = None
    if municipality is not None:
        row = _find_municipality(munis, municipality)
        focus, focus_name = str(row["nis"]), str(row["name"])
    layout = _compact_layout(paper) if compact else _layout(paper)
    if figure is None:
        fig = Figure(figsize=paper.figsize, dpi=100, facecolor="white")
        FigureCanvasAgg(fig)  # a renderer to measure the legend with
    else:
        fig = figure
        getattr(fig, _POOL).recycle(fig)
    mx, my, mw, mh = layout.map
    ax = _add_axes(fig, (mx, my, mw, mh), "map")
    aspect = (mw * paper.width_mm) / (mh * paper.height_mm)
    change_bounds = _change_bounds(comparison) if theme == "change" and zoom_to_changes else None
    if focus is not None:
        bounds = munis[munis["nis"] == focus].total_bounds
        extent = _fit_extent(bounds, aspect, pad=0.06)
    elif change_bounds is not None and not munis.empty and _smaller(change_bounds, munis.total_bounds):
        extent = _fit_extent(change_bounds, aspect, pad=0.08)
    elif not munis.empty:
        extent = _fit_extent(munis.total_bounds, aspect, pad=0.03)
    else:
        all_bounds = [lay.bounds for lay in project.layers if len(lay)]
        if not all_bounds:
            raise ExportError(path=meta.title, reason={"nl": "het project heeft geen lagen om te tekenen",
                                                        "en": "the project has no layers to draw"})
        b = np.array(all_bounds)
        extent = _fit_extent((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), aspect)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(_WATER)
    for spine in ax.spines.values():
        spine.set_color(_FRAME)
        spine.set_linewidth(0.9)
    zoomed = focus is not None
    nl = lang == "nl"
    sections: list[tuple[str, list[LegendItem]]] = []
    context = _draw_context(ax, layers, munis, extent, focus, lang)
    network_links = getattr(evaluation, "links", None)
    if theme == "base":
        items: list[LegendItem] = []
        if layers.housing is not None:
            frame = clip_frame(layers.housing.frame, extent, margin=400)
            counts = (layers.housing.column("dwellings").loc[frame.index].to_numpy(dtype=float)
                      if layers.housing.has_field("dwellings") else np.ones(len(frame)))
            items = _density_grid(ax, frame, counts, extent, 100.0 if zoomed else 200.0, lang)
        net_frame = network_links if network_links is not None else (layers.network.frame if layers.network else None)
        net_items = _draw_network_classes(ax, net_frame, layers.network, extent, lang) if net_frame is not None else []
        sections.append(("Fietsnetwerk" if nl else "Bike network", net_items))
        hubs = _draw_mobipunten(ax, _hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang)
        hubs += _draw_stations(ax, layers.stations, evaluation, extent, paper, lang)
        sections.append(("Mobipunten en stations" if nl else "Hubs and stations", hubs))
        sections.append(("Woningdichtheid" if nl else "Housing density", items))
    elif theme == "access":
        _network_background(ax, layers.network, network_links, extent)
        items = _draw_access(ax, evaluation, extent, paper, zoomed, lang)
        sections.append(("Fietstijd tot dichtstbijzijnde mobipunt" if nl else "Cycling time to the nearest hub", items))
        hubs = _draw_mobipunten(ax, _hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang,
                                highlight_changes=True)
        hubs += _draw_stations(ax, layers.stations, evaluation, extent, paper, lang)
        sections.append(("Mobipunten en stations" if nl else "Hubs and stations", hubs))
        sections.append(("Fietsnetwerk" if nl else "Bike network",
                         [LegendItem("Bovenlokaal en fietssnelweg" if nl else "Main network", "line", "#b3b3b3", 0.8),
                          LegendItem("Lokaal" if nl else "Local", "line", "#cfcfcf", 0.5)]))
    elif theme == "change":
        t = float(threshold) if threshold is not None else _middle(evaluation.parameters.bike_thresholds_min, 10.0)
        _network_background(ax, layers.network, network_links, extent)
        items = _draw_changes(ax, comparison, t, extent, paper, zoomed, lang)
        links = _draw_link_changes(ax, evaluation, extent, paper, lang)
        links += _draw_new_housing(ax, evaluation, extent, paper, lang)
        hubs = _draw_mobipunten(ax, _hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang,
                                highlight_changes=True)
        sections.append(("Toegang tot mobipunten" if nl else "Access to hubs", items))
        sections.append(("Netwerkwijzigingen" if nl else "Network changes", links))
        sections.append(("Mobipunten" if nl else "Hubs", hubs))
    elif theme == "flows":
        _network_background(ax, layers.network, network_links, extent)
        items = _draw_flows(ax, evaluation, extent, paper, lang)
        sections.append(("Potentiële fietsers naar het station (woningen per link)" if nl
                         else "Potential cyclists to the station (dwellings per link)", items))
        sections.append(("Stations", _draw_stations(ax, layers.stations, evaluation, extent, paper, lang)))
    elif theme == "flows_brussels":
        _network_background(ax, layers.network, network_links, extent)
        items = _draw_flows(ax, evaluation, extent, paper, lang, column="flow_brussels_dwellings")
        sections.append(("Potentiële fietsers naar de Brusselse grens (woningen per link)" if nl
                         else "Potential cyclists to the Brussels border (dwellings per link)", items))
        sections.append(("Brusselse grens" if nl else "Brussels border",
                         _draw_brussels_entries(ax, evaluation, extent, paper, lang)))
    else:  # siting
        _network_background(ax, layers.network, network_links, extent)
        items = _draw_sites(ax, siting, evaluation, extent, paper, zoomed, lang)
        hubs = _draw_mobipunten(ax, _hoppin_frame(layers.mobipunten, evaluation), extent, paper, lang)
        sections.append(("Locatievoorstel" if nl else "Siting suggestion", items))
        sections.append(("Bestaande mobipunten" if nl else "Existing hubs", hubs))
    sections.append(("Achtergrond" if nl else "Background", context))
    _draw_labels(ax, munis, extent, paper, focus, layers.brussels, lang)
    _scale_bar(ax, paper)
    _north_arrow(ax, paper)
    if subtitle is None and focus_name is not None:
        subtitle = (f"Gemeente {focus_name}" if nl else f"Municipality of {focus_name}")
    if compact:
        _draw_legend(fig, layout.legend, paper, sections, lang)
        _draw_locator(fig, layout.locator, paper, munis, layers.brussels, extent, focus, lang)
        return fig
    _draw_title(fig, layout.title, paper, meta, theme, subtitle, lang)
    rows = key_figures(evaluation, comparison, siting, municipality=focus, lang=lang,
                       brussels=theme == "flows_brussels")
    if focus_name is not None:
        heading = f"Kerncijfers {focus_name}" if nl else f"Key figures {focus_name}"
    else:
        heading = "Kerncijfers regio" if nl else "Key figures region"
    if paper.landscape:
        lx, ly, lw, lh = layout.legend
        fig_h = _figures_height(paper, len(rows)) / paper.height_mm
        gap = 5.0 * paper.scale / paper.height_mm
        used = _draw_legend(fig, layout.legend, paper, sections, lang, max_height=max((lh - fig_h - gap) / lh, 0.3))
        top = ly + lh * (1 - used) - gap
        _draw_figures(fig, (lx, top - fig_h, lw, fig_h), paper, rows, heading, lang)
    else:
        _draw_legend(fig, layout.legend, paper, sections, lang)
        _draw_figures(fig, layout.figures, paper, rows, heading, lang)
    _draw_locator(fig, layout.locator, paper, munis, layers.brussels, extent, focus, lang)
    _draw_source(fig, layout.source, paper, meta, lang)
    return fig


def masterplan_figure(
    project: Project,
    *,
    theme: str = "base",
    evaluation: Any = None,
    comparison: Any = None,
    siting: Any = None,
    paper: str | Paper = "a3-landscape",
    meta: ExportMeta | None = None,
    municipality: str | None = None,
    threshold: float | None = None,
    subtitle: str | None = None,
    zoom_to_changes: bool = True,
    compact: bool = False,
    lang: str = "nl",
) -> Figure:
    # the documentation is that of _masterplan (below); ``figure`` stays private to the atlas
    return _masterplan(project, theme=theme, evaluation=evaluation, comparison=comparison, siting=siting,
                       paper=paper, meta=meta, municipality=municipality, threshold=threshold, subtitle=subtitle,
                       zoom_to_changes=zoom_to_changes, compact=compact, lang=lang)


masterplan_figure.__doc__ = _masterplan.__doc__


def _pdf_metadata(meta: ExportMeta, theme: str) -> dict[str, str]:
    return {
        "Title": f"{meta.title} – {THEMES.get(theme, (theme,))[0]}",
        "Subject": f"Scenario: {meta.scenario}",
        "Creator": f"Slimme Regio Planner {meta.version}",
        "Author": meta.organisation or "Slimme Regio Planner",
        "Keywords": "; ".join(meta.sources)[:500],
    }


_log = logging.getLogger(__name__)
#: Characters already reported as missing from the map font (once per process).
_GLYPHS_REPORTED: set[str] = set()
_GLYPH_WARNING = re.compile(r"Glyph (\d+) .*missing from font")


@contextlib.contextmanager
def _missing_glyphs() -> Iterator[None]:
    """Collect matplotlib's per-glyph, per-draw "Glyph missing" warnings and
    report the characters once (one log line); other warnings pass on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing: set[str] = set()
    for w in caught:
        found = _GLYPH_WARNING.search(str(w.message))
        if found:
            missing.add(chr(int(found.group(1))))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    new = sorted(missing - _GLYPHS_REPORTED)
    if new:
        _GLYPHS_REPORTED.update(new)
        _log.warning("the map font has no glyph for %s; left blank on the maps",
                     ", ".join(f"U+{ord(c):04X}" for c in new))


def _clean_texts(fig: Figure) -> None:
    """Drop characters XML forbids from every text of ``fig`` (SVG keeps the
    text in comments; no font has a glyph for them anyway)."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        value = text.get_text()
        clean = xml_text(value)
        if clean != value:
            text.set_text(clean)


def save_figure(fig: Figure, path: str | Path, *, force: bool = False, dpi: int = 300,
                meta: ExportMeta | None = None, theme: str = "base") -> Path:
    """Save a map figure as PDF (vector), PNG (``dpi``, default 300) or SVG.

    The format follows the extension. Written atomically; an existing file
    is only replaced with ``force``.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png", "svg"):
        raise ExportError(path=target, reason={"nl": "kies .pdf, .png of .svg", "en": "choose .pdf, .png or .svg"})
    metadata: dict[str, str] | None = None
    if meta is not None:
        if fmt == "pdf":
            metadata = _pdf_metadata(meta, theme)
        elif fmt == "png":
            metadata = {"Title": meta.title, "Software": f"Slimme Regio Planner {meta.version}",
                        "Description": meta.source_line(), "Source": f"Scenario: {meta.scenario}"}
        else:  # SVG is XML: drop the characters it cannot hold
            metadata = {"Title": xml_text(meta.title), "Creator": f"Slimme Regio Planner {meta.version}",
                        "Description": xml_text(meta.source_line())}
    _clean_texts(fig)
    with writing(target, force=force) as tmp, _missing_glyphs():
        fig.savefig(tmp, format=fmt, dpi=dpi if fmt == "png" else 72 if fmt == "svg" else 300,
                    metadata=metadata, facecolor="white")
    return target


def export_map(project: Project, path: str | Path, *, theme: str = "base", evaluation: Any = None,
               comparison: Any = None, siting: Any = None, paper: str | Paper = "a3-landscape",
               meta: ExportMeta | None = None, municipality: str | None = None, force: bool = False,
               dpi: int = 300, lang: str = "nl") -> Path:
    """Draw a masterplan map (see :func:`masterplan_figure`) and save it."""
    check_overwrite(path, force)  # fail before spending seconds drawing
    fig = masterplan_figure(project, theme=theme, evaluation=evaluation, comparison=comparison, siting=siting,
                            paper=paper, meta=meta, municipality=municipality, lang=lang)
    if meta is None:
        meta = build_meta(project, scenario=getattr(comparison.scenario if comparison else evaluation, "scenario", None))
    return save_figure(fig, path, force=force, dpi=dpi, meta=meta, theme=theme)


def atlas_figures(project: Project, *, theme: str = "access", evaluation: Any = None, comparison: Any = None,
                  siting: Any = None, municipalities: Iterable[str] | None = None,
                  paper: str | Paper = "a4-portrait", meta: ExportMeta | None = None,
                  lang: str = "nl") -> Iterable[tuple[str, Figure]]:
    """Yield ``(municipality name, Figure)`` for each atlas page, in name order.

    ``municipalities`` are NIS codes or names (default: all).
    """
    return _atlas_pages(project, theme=theme, evaluation=evaluation, comparison=comparison, siting=siting,
                        municipalities=municipalities, paper=paper, meta=meta, lang=lang, reuse=False)


def _atlas_pages(project: Project, *, theme: str, evaluation: Any, comparison: Any, siting: Any,
                 municipalities: Iterable[str] | None, paper: str | Paper, meta: ExportMeta | None, lang: str,
                 reuse: bool) -> Iterator[tuple[str, Figure]]:
    """The atlas pages; with ``reuse`` every page is drawn on the same figure.

    A reused figure is emptied when the next page is drawn: each page must be
    saved before the iterator advances.
    """
    munis = _municipality_frame(_project_layers(project))
    if municipalities is None:
        keys = list(munis.sort_values("name")["nis"])
    else:
        keys = [str(_find_municipality(munis, m)["nis"]) for m in municipalities]
    figure = _atlas_figure(parse_paper(paper)) if reuse else None
    for nis in keys:
        name = str(munis.loc[munis["nis"] == nis, "name"].iloc[0])
        yield name, _masterplan(project, theme=theme, evaluation=evaluation, comparison=comparison, siting=siting,
                                paper=paper, meta=meta, municipality=nis, lang=lang, figure=figure)


def export_atlas(project: Project, path: str | Path, *, theme: str = "access", evaluation: Any = None,
                 comparison: Any = None, siting: Any = None, municipalities: Iterable[str] | None = None,
                 paper: str | Paper = "a4-portrait", meta: ExportMeta | None = None, force: bool = False,
                 lang: str = "nl", progress: Any = None, cancel: Any = None) -> Path:
    """Write the atlas: one PDF page per municipality (all, or ``municipalities``).

    Each page is zoomed to its municipality with its own key figures. The
    PDF is written atomically; cancelling leaves no file.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    task = Task(progress, cancel)
    target = Path(path)
    check_overwrite(target, force)
    if target.suffix.lower() != ".pdf":
        raise ExportError(path=target, reason={"nl": "een atlas is een PDF-bestand", "en": "an atlas is a PDF file"})
    scenario_eval = comparison.scenario if comparison is not None else evaluation
    if meta is None:
        meta = build_meta(project, scenario=getattr(scenario_eval, "scenario", None),
                          parameters=getattr(scenario_eval, "parameters", None))
    munis = _municipality_frame(_project_layers(project))
    selection = list(municipalities) if municipalities is not None else None
    total = len(selection) if selection is not None else len(munis)
    with writing(target, force=force) as tmp:
        with _missing_glyphs(), PdfPages(tmp, metadata=_pdf_metadata(meta, theme)) as pdf:
            pages = _atlas_pages(project, theme=theme, evaluation=evaluation, comparison=comparison,
                                 siting=siting, municipalities=selection, paper=paper, meta=meta, lang=lang,
                                 reuse=True)  # one figure, saved page by page
            for i, (name, fig) in enumerate(pages):
                task.report(i / max(total, 1), f"atlas page {name}")
                _clean_texts(fig)
                pdf.savefig(fig, dpi=300)  # resolution of rasterised dense layers
        task.report(1.0, "atlas written")
    return target
