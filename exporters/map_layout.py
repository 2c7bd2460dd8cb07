"""Paper sizes, page layout, the axes pool and the project layers a map draws."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.roles import Role

#: Map themes and their titles (Dutch, English).
THEMES: dict[str, tuple[str, str]] = {
    "base": (
        "Basiskaart: fietsnetwerk, mobipunten en woningen",
        "Base map: bike network, mobility hubs and housing",
    ),
    "access": ("Bereikbaarheid van mobipunten per fiets", "Access to mobility hubs by bike"),
    "change": ("Wat verandert het scenario?", "What does the scenario change?"),
    "flows": ("Potentiële fietsstromen naar het station", "Potential bike flows to the station"),
    "flows_brussels": (
        "Potentiële fietsstromen naar de Brusselse grens",
        "Potential bike flows to the Brussels border",
    ),
    "siting": (
        "Voorgestelde locaties voor nieuwe mobipunten",
        "Suggested sites for new mobility hubs",
    ),
    "bike_commute": (
        "Fietsroutes naar het werk: potentiële fietspendelaars",
        "Bike routes to work: potential bike commuters",
    ),
    "public_transport": (
        "Openbaar vervoer: haltes en bereikbaarheid",
        "Public transport: stops and access",
    ),
}
PAPERS = ("a4-portrait", "a4-landscape", "a3-portrait", "a3-landscape")
_PAPER_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}


INK = "#222222"
MUTED = "#5f5f5f"
WATER = "#eef1f4"  # outside the region
REGION_FILL = "#fbfaf7"
BRUSSELS_FILL = "#e3e0d8"
FRAME = "#404040"
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


def unknown_choice(value: object, what: tuple[str, str], choices: Sequence[str]) -> ExportError:
    """The error for ``value`` that is not one of ``choices`` (``what``: Dutch and English noun)."""
    listed = ", ".join(choices)
    return ExportError(
        path=str(value),
        reason={
            "nl": f"onbekend {what[0]}; kies uit {listed}",
            "en": f"unknown {what[1]}; choose from {listed}",
        },
    )


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
        raise unknown_choice(text, ("papierformaat", "paper size"), PAPERS)
    portrait = any(w in ("portrait", "staand", "p") for w in words[1:])
    short, long_ = _PAPER_MM[size]
    if portrait:
        return Paper(f"{size}-portrait", short, long_)
    return Paper(f"{size}-landscape", long_, short)


# --------------------------------------------------------------------------- layers


@dataclass
class ProjectLayers:
    municipalities: Layer | None
    brussels: Layer | None
    network: Layer | None
    mobipunten: Layer | None
    housing: Layer | None
    stations: Layer | None


def project_layers(project: Project) -> ProjectLayers:
    brussels = None
    for layer in project.layers:
        if layer.role == Role.OTHER and not layer.is_raster and "brussel" in layer.name.lower():
            brussels = layer
            break
    return ProjectLayers(
        municipalities=project.layers.first(Role.MUNICIPALITIES),
        brussels=brussels,
        network=project.layers.first(Role.BIKE_NETWORK),
        mobipunten=project.layers.first(Role.MOBIPUNTEN),
        housing=project.layers.first(Role.HOUSING),
        stations=project.layers.first(Role.STATIONS),
    )


def municipality_frame(layers: ProjectLayers) -> gpd.GeoDataFrame:
    """``nis, name, geometry`` of the municipalities (empty when absent)."""
    layer = layers.municipalities
    if layer is None or layer.is_raster:
        return gpd.GeoDataFrame({"nis": [], "name": []}, geometry=[], crs="EPSG:31370")
    frame = layer.frame
    nis = (
        layer.column("nis").astype(str)
        if layer.has_field("nis")
        else pd.Series(frame.index.astype(str), index=frame.index)
    )
    name = layer.column("name").astype(str) if layer.has_field("name") else nis
    return gpd.GeoDataFrame(
        {"nis": nis.values, "name": name.values}, geometry=frame.geometry.values, crs=frame.crs
    )


def find_municipality(munis: gpd.GeoDataFrame, key: str) -> pd.Series:
    key_norm = str(key).strip().lower()
    for _, row in munis.iterrows():
        if str(row["nis"]).lower() == key_norm or str(row["name"]).lower() == key_norm:
            return row
    names = ", ".join(sorted(munis["name"].astype(str)))
    raise ExportError(
        path=str(key),
        reason={
            "nl": f"onbekende gemeente (bekend: {names})",
            "en": f"unknown municipality (known: {names})",
        },
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


def page_layout(paper: Paper) -> _Layout:
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


def compact_layout(paper: Paper) -> _Layout:
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


def fit_extent(
    bounds: Sequence[float], aspect: float, pad: float = 0.04
) -> tuple[float, float, float, float]:
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
    (see :func:`add_axes`); axes a page does not use stay hidden.
    """

    def __init__(self) -> None:
        self.keys: dict[Axes, tuple[str, tuple[float, ...]]] = {}
        self.free: dict[tuple[str, tuple[float, ...]], list[Axes]] = {}

    def recycle(self, fig: Figure) -> None:
        self.free = {}
        for ax in fig.axes:
            if ax.legend_ is not None:
                ax.legend_.remove()
            for group in (
                ax.collections,
                ax.images,
                ax.lines,
                ax.patches,
                ax.texts,
                ax.artists,
                ax.tables,
            ):
                for artist in list(group):  # the scale bar is one of ax.artists
                    artist.remove()
            ax.set_visible(False)
            self.free.setdefault(self.keys[ax], []).append(ax)


POOL = "_slimmeregio_axes_pool"


def atlas_figure(paper: Paper) -> Figure:
    """An empty page figure whose axes are reused page after page."""
    fig = Figure(figsize=paper.figsize, dpi=100, facecolor="white")
    FigureCanvasAgg(fig)  # a renderer to measure the legend with
    setattr(fig, POOL, _AxesPool())
    return fig


def add_axes(fig: Figure, rect: Sequence[float], role: str) -> Axes:
    """``fig.add_axes(rect)``; on an atlas figure the emptied axes of the same role and place."""
    x0, y0, w, h = rect
    pool: _AxesPool | None = getattr(fig, POOL, None)
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


def text_axes(fig: Figure, rect: Sequence[float]) -> Axes:
    ax = add_axes(fig, rect, "text")
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return ax


def wrap_text(text: str, width_frac: float, paper: Paper, size: float) -> str:
    width_mm = width_frac * paper.width_mm
    chars = max(int(width_mm / (size * 0.3528 * 0.56)), 20)
    return "\n".join(textwrap.fill(p, chars) for p in text.split("\n"))


# --------------------------------------------------------------------------- drawing
