"""Drawing layers onto a matplotlib Axes, the same way on screen and paper.

Used by the masterplan maps, the atlas, the slide pictures and the
desktop's print preview. Works on matplotlib ``Axes`` of a ``Figure``
(never pyplot state), so it runs in worker threads and tests.

Large layers are drawn as one collection each (``LineCollection`` for 40k
links, one ``scatter`` for points, one ``PatchCollection`` for polygons), and
can be limited to a bounding box first (:func:`clip_frame`) so an atlas page
only draws what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.polygon import orient

from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.symbology import LINK_CLASS_WIDTHS, default_style

__all__ = [
    "LegendItem",
    "class_index",
    "clip_frame",
    "draw_layer",
    "draw_lines",
    "draw_points",
    "draw_polygons",
    "legend_handles",
    "polygon_paths",
]

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: ``kind`` is ``line``, ``patch`` or ``marker``."""

    label: str
    kind: str
    color: str
    size: float = 1.0
    edge_color: str | None = None
    alpha: float = 1.0
    marker: str = "o"


def legend_handles(items: Sequence[LegendItem]) -> list[Line2D | Patch]:
    """Matplotlib artists for ``Axes.legend(handles=...)``, one per item."""
    handles: list[Line2D | Patch] = []
    for item in items:
        if item.kind == "line":
            handles.append(
                Line2D(
                    [],
                    [],
                    color=item.color,
                    lw=max(item.size, 0.8),
                    label=item.label,
                    alpha=item.alpha,
                )
            )
        elif item.kind == "marker":
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker=item.marker,
                    markersize=item.size,
                    markerfacecolor=item.color,
                    markeredgecolor=item.edge_color or item.color,
                    markeredgewidth=0.6,
                    label=item.label,
                    alpha=item.alpha,
                )
            )
        else:
            handles.append(
                Patch(
                    facecolor=item.color,
                    edgecolor=item.edge_color or "none",
                    label=item.label,
                    alpha=item.alpha,
                )
            )
    return handles


def clip_frame(
    frame: gpd.GeoDataFrame, bbox: BBox | None, *, margin: float = 0.0
) -> gpd.GeoDataFrame:
    """The rows of ``frame`` whose geometry meets ``bbox`` (spatial index).

    Geometries are kept whole (not cut), so lines run on to the frame edge
    and are clipped by the axes; only features outside the box are dropped.
    """
    if bbox is None or frame.empty:
        return frame
    box = shapely.box(bbox[0] - margin, bbox[1] - margin, bbox[2] + margin, bbox[3] + margin)
    hits = frame.sindex.query(box, predicate="intersects")
    return frame.iloc[np.sort(hits)]


def class_index(values: Sequence[float] | np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Class of each value for upper class bounds ``breaks`` (inclusive).

    Values above the last bound fall in class ``len(breaks)``; NaN gives -1.
    """
    arr = np.asarray(values, dtype=float)
    idx = np.searchsorted(np.asarray(breaks, dtype=float), arr, side="left")
    idx[np.isnan(arr)] = -1
    return idx


def polygon_paths(geoms: Sequence[shapely.Geometry] | np.ndarray) -> list[MplPath]:
    """One compound matplotlib path per (multi)polygon, holes included."""
    paths: list[MplPath] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        verts: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for part in shapely.get_parts(geom):
            if part.geom_type != "Polygon":
                continue
            # exterior counter-clockwise, holes clockwise: holes stay empty under
            # the non-zero winding rule used for filling
            part = orient(part, sign=1.0)
            for ring in (part.exterior, *part.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 3:
                    continue
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0] = MplPath.MOVETO
                c[-1] = MplPath.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
        if verts:
            paths.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
    return paths


def _line_arrays(
    geoms: Sequence[shapely.Geometry] | np.ndarray,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Vertex arrays of every line part and the feature index of each part."""
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return [], np.empty(0, dtype=int)
    parts, part_feature = shapely.get_parts(arr, return_index=True)
    if len(parts) == 0:
        return [], np.empty(0, dtype=int)
    # LineStrings as they are, anything else by its boundary (a polygon by its rings)
    lines = parts.copy()
    other = shapely.get_type_id(parts) != 1
    if other.any():
        lines[other] = shapely.boundary(parts[other])
    coords, vertex_part = shapely.get_coordinates(lines, return_index=True)
    if len(coords) == 0:
        return [], np.empty(0, dtype=int)
    splits = np.flatnonzero(np.diff(vertex_part)) + 1
    segments = np.split(coords, splits)
    present = np.unique(vertex_part)
    return segments, part_feature[present]


def draw_lines(
    ax: Axes,
    geoms: Sequence[shapely.Geometry] | np.ndarray,
    *,
    colors: str | Sequence[str] = "#555555",
    widths: float | Sequence[float] = 1.0,
    alpha: float = 1.0,
    zorder: float = 2,
    capstyle: str = "round",
    merge: bool = False,
) -> LineCollection | None:
    """Draw lines (any number) as one ``LineCollection``.

    ``colors`` and ``widths`` are one value or one per feature. With
    ``merge`` (only for one opaque colour and one width, solid lines) the
    lines become one compound path: the same strokes, but written and
    rendered as one path instead of one per line, which makes dense
    background networks many times faster to save as PDF.
    """
    segments, feature = _line_arrays(geoms)
    if not segments:
        return None
    col = colors if isinstance(colors, str) else np.asarray(colors, dtype=object)[feature].tolist()
    wid = widths if np.isscalar(widths) else np.asarray(widths, dtype=float)[feature]
    collection = LineCollection(
        segments,
        colors=col,
        linewidths=wid,
        alpha=alpha,
        zorder=zorder,
        capstyle=capstyle,
        joinstyle="round",
    )
    if (
        merge
        and isinstance(colors, str)
        and np.isscalar(widths)
        and alpha >= 1.0
        and len(segments) > 1
    ):
        # LineCollection.set_paths only takes vertex arrays (it would split the
        # path up again), so the compound path is set directly
        collection._paths = [_compound_path(segments)]  # type: ignore[attr-defined]
        collection.stale = True
    ax.add_collection(collection, autolim=False)
    return collection


def _compound_path(segments: Sequence[np.ndarray]) -> MplPath:
    """One path of many polylines (a MOVETO starts each), never simplified.

    Simplification is switched off so the vertices written are exactly those
    of the separate lines (matplotlib only simplifies long paths).
    """
    verts = np.concatenate(segments)
    codes = np.full(len(verts), MplPath.LINETO, dtype=np.uint8)
    starts = np.cumsum([0] + [len(seg) for seg in segments[:-1]])
    codes[starts] = MplPath.MOVETO
    path = MplPath(verts, codes)
    path.should_simplify = False
    return path


def draw_polygons(
    ax: Axes,
    geoms: Sequence[shapely.Geometry] | np.ndarray,
    *,
    facecolor: str | Sequence[str] = "#f5f3ee",
    edgecolor: str = "#6b6b6b",
    linewidth: float = 0.8,
    alpha: float = 1.0,
    zorder: float = 1,
    hatch: str | None = None,
) -> PatchCollection | None:
    """Draw (multi)polygons, holes included, as one ``PatchCollection``."""
    paths = polygon_paths(geoms)
    if not paths:
        return None
    patches = [PathPatch(p) for p in paths]
    fc = facecolor if isinstance(facecolor, str) else list(facecolor)
    collection = PatchCollection(
        patches,
        facecolors=fc,
        edgecolors=edgecolor,
        linewidths=linewidth,
        alpha=alpha,
        zorder=zorder,
        hatch=hatch,
        match_original=False,
    )
    ax.add_collection(collection, autolim=False)
    return collection


def draw_points(
    ax: Axes,
    geoms: Sequence[shapely.Geometry] | np.ndarray,
    *,
    colors: str | Sequence[str] = "#333333",
    sizes: float | Sequence[float] | np.ndarray = 6.0,
    edgecolor: str | None = "#ffffff",
    linewidth: float = 0.5,
    alpha: float = 1.0,
    marker: str = "o",
    zorder: float = 4,
    rasterized: bool = False,
) -> object | None:
    """Draw points as one ``scatter``; ``sizes`` are marker diameters in points.

    ``rasterized`` embeds the points as an image in PDF/SVG output (at the
    save resolution) while everything else stays vector: for dense layers
    such as tens of thousands of dwellings.
    """
    arr = np.asarray(geoms, dtype=object)
    if arr.size == 0:
        return None
    points = shapely.centroid(arr)  # multipoints and stray polygons drawn at their centre
    xy = shapely.get_coordinates(points)
    if len(xy) != len(arr):  # empty geometries give no coordinates: keep the two in step
        keep = ~shapely.is_empty(points)
        xy = shapely.get_coordinates(points[keep])
        colors = (
            colors if isinstance(colors, str) else np.asarray(colors, dtype=object)[keep].tolist()
        )
        if not np.isscalar(sizes):
            sizes = np.asarray(sizes, dtype=float)[keep].tolist()
    s = np.asarray(sizes, dtype=float) ** 2
    return ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=s,
        c=colors,
        edgecolors=edgecolor or "none",
        linewidths=linewidth,
        alpha=alpha,
        marker=marker,
        zorder=zorder,
        rasterized=rasterized,
    )


def _feature_colors(
    frame: gpd.GeoDataFrame, style: Style
) -> tuple[list[str], list[LegendItem], str]:
    """Colour per feature and the legend entries of a style."""
    n = len(frame)
    if style.kind == "categories" and style.column and style.column in frame.columns:
        values = frame[style.column].astype("string").fillna("")
        colors = [style.categories.get(v, style.color) for v in values]
        present = set(values)
        pairs = [(k, c) for k, c in style.categories.items() if k in present]
        if any(v not in style.categories for v in present):
            pairs.append(("overige" if pairs else "", style.color))
        return colors, [LegendItem(str(k), "", c) for k, c in pairs], "categories"
    if (
        style.kind == "graduated"
        and style.column
        and style.column in frame.columns
        and style.colors
    ):
        idx = class_index(frame[style.column].to_numpy(dtype=float, na_value=np.nan), style.breaks)
        palette = list(style.colors)
        colors = [palette[min(i, len(palette) - 1)] if i >= 0 else "#cccccc" for i in idx]
        labels = _break_labels(style.breaks, len(palette))
        present = set(int(i) for i in idx if i >= 0)
        items = [LegendItem(labels[i], "", palette[i]) for i in range(len(palette)) if i in present]
        return colors, items, "graduated"
    return [style.color] * n, [LegendItem("", "", style.color)], "single"


def _break_labels(breaks: Sequence[float], n_colors: int) -> list[str]:
    labels: list[str] = []
    lower: float | None = None
    for b in breaks[:n_colors]:
        labels.append(f"≤ {b:g}" if lower is None else f"{lower:g} – {b:g}")
        lower = b
    while len(labels) < n_colors:
        labels.append(f"> {lower:g}" if lower is not None else "")
    return labels


def _entry_items(
    entries: Sequence[LegendItem], title: str, symbol: str, style: Style, size: float = 1.0
) -> list[LegendItem]:
    """One legend item per style entry (its label, else the layer's title), in the style's edge and opacity."""
    return [
        LegendItem(
            e.label or title,
            symbol,
            e.color,
            edge_color=style.edge_color,
            alpha=style.opacity,
            size=size,
        )
        for e in entries
    ]


def draw_layer(
    ax: Axes,
    layer: Layer,
    *,
    style: Style | None = None,
    bbox: BBox | None = None,
    label: str | None = None,
    zorder: float | None = None,
    widths: Mapping[str, float] | None = None,
) -> list[LegendItem]:
    """Draw a vector layer with its style and return its legend entries.

    ``style`` defaults to the layer's own (or the role default when it has
    none). ``bbox`` limits drawing to features meeting the box. ``widths``
    gives per-category line widths (bike networks default to
    :data:`LINK_CLASS_WIDTHS`). Rasters are not drawn here.
    """
    if layer.is_raster:
        return []
    style = style or layer.style or default_style(layer)
    frame = clip_frame(layer.frame, bbox)
    frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]
    title = label or layer.name
    if frame.empty:
        return []
    colors, entries, kind = _feature_colors(frame, style)
    geom_type = frame.geometry.geom_type.iloc[0]
    geoms = frame.geometry.to_numpy()
    items: list[LegendItem] = []
    if "Polygon" in geom_type:
        z = 1 if zorder is None else zorder
        draw_polygons(
            ax,
            geoms,
            facecolor=colors,
            edgecolor=style.edge_color or "#6b6b6b",
            linewidth=style.line_width,
            alpha=style.opacity,
            zorder=z,
        )
        items += _entry_items(entries, title, "patch", style)
    elif "Line" in geom_type:
        z = 2 if zorder is None else zorder
        per_class = widths
        if (
            per_class is None
            and kind == "categories"
            and set(style.categories) & set(LINK_CLASS_WIDTHS)
        ):
            per_class = LINK_CLASS_WIDTHS
        if per_class is not None and style.column in frame.columns:
            values = frame[style.column].astype("string").fillna("")
            line_widths: float | list[float] = [per_class.get(v, style.line_width) for v in values]
        else:
            line_widths = style.line_width
        draw_lines(ax, geoms, colors=colors, widths=line_widths, alpha=style.opacity, zorder=z)
        for e in entries:
            w = per_class.get(e.label, style.line_width) if per_class else style.line_width
            items.append(
                LegendItem(e.label or title, "line", e.color, size=max(w, 0.8), alpha=style.opacity)
            )
    else:
        z = 4 if zorder is None else zorder
        draw_points(
            ax,
            geoms,
            colors=colors,
            sizes=style.marker_size,
            edgecolor=style.edge_color,
            alpha=style.opacity,
            zorder=z,
        )
        items += _entry_items(entries, title, "marker", style, size=style.marker_size)
    return items
