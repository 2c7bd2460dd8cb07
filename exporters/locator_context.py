"""Where the region lies in Belgium: the national panel of a map's locator (regions, provinces, the region in red)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import shapely
from matplotlib.axes import Axes
from shapely.ops import polylabel

from slimmeregio.exporters.map_layout import BRUSSELS_FILL, MUTED, WATER, fit_extent
from slimmeregio.exporters.style import draw_polygons

__all__ = ["belgium_context", "draw_belgium"]

_FLANDERS = "#dcdcd6"
_WALLONIA = "#f6f6f3"
_REGION_RED = "#d32f2f"


@lru_cache(maxsize=1)
def belgium_context() -> Any:
    """The shipped regions and provinces of Belgium (EPSG:31370), read once per process; ``None`` if absent."""
    import geopandas as gpd

    from slimmeregio.resources.context import BELGIUM_CONTEXT

    if not BELGIUM_CONTEXT.exists():
        return None
    frame = gpd.read_file(BELGIUM_CONTEXT)
    return frame.set_crs("EPSG:31370", allow_override=True)


def draw_belgium(ax: Axes, region: shapely.Geometry, aspect: float, size: float, lang: str) -> bool:
    """Draw Belgium with its regions and provinces on ``ax`` and ``region`` (the project area) in red.

    ``aspect`` is the axes' width / height, ``size`` the label font size.
    Returns ``False`` (and draws nothing) when the context is missing or the
    region does not lie in Belgium, so a project elsewhere keeps a plain locator.
    """
    context = belgium_context()
    if context is None or region is None or region.is_empty:
        return False
    regions = context[context["kind"] == "region"]
    country = shapely.union_all(regions.geometry.to_numpy())
    if not country.buffer(2000).contains(region.centroid):
        return False
    colours = {"02000": _FLANDERS, "03000": _WALLONIA, "04000": BRUSSELS_FILL}
    draw_polygons(
        ax,
        regions.geometry.to_numpy(),
        facecolor=[colours.get(c, _WALLONIA) for c in regions["region"]],
        edgecolor="#8a8a8a",
        linewidth=0.35,
        zorder=1,
    )
    provinces = context[context["kind"] == "province"]
    draw_polygons(
        ax,
        provinces.geometry.to_numpy(),
        facecolor="none",
        edgecolor="#ffffff",
        linewidth=0.3,
        zorder=2,
    )
    draw_polygons(ax, [country], facecolor="none", edgecolor="#6b6b6b", linewidth=0.6, zorder=3)
    draw_polygons(
        ax, [region], facecolor=_REGION_RED, edgecolor=_REGION_RED, linewidth=0.4, zorder=4
    )
    nl = lang == "nl"
    for _, row in regions[regions["region"].isin(["02000", "03000"])].iterrows():
        parts = list(getattr(row.geometry, "geoms", [row.geometry]))
        spot = polylabel(max(parts, key=lambda g: g.area), tolerance=1000.0)
        ax.text(
            spot.x,
            spot.y,
            str(row["name_nl" if nl else "name_en"]),
            fontsize=size,
            color=MUTED,
            style="italic",
            ha="center",
            va="center",
            zorder=5,
        )
    ax.set_facecolor(WATER)
    ex = fit_extent(country.bounds, aspect, pad=0.03)
    ax.set_xlim(ex[0], ex[2])
    ax.set_ylim(ex[1], ex[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#9e9e9e")
        spine.set_linewidth(0.6)
    return True
