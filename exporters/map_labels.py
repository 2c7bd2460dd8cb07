"""Municipality names on a map: real text (searchable, editable), placed clear of point symbols and each other.

Each name is two artists: a white halo drawn as an outline (layer
``label-halos``) and the name itself as plain text (layer ``labels``), so a
PDF reader finds it and an SVG editor edits it. A simple greedy placement:
the focus municipality and larger municipalities first, each at the first
of a few positions around its representative point that overlaps neither a
placed name nor a symbol (mobipunt, station, site, callout: see
:data:`~slimmeregio.exporters.map_groups.SYMBOL_LAYERS`); when every
position touches a symbol, the one touching fewest; a name that would
overlap another name everywhere is left out.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from slimmeregio.exporters.map_groups import SYMBOL_LAYERS, layer_artists, layer_group
from slimmeregio.exporters.map_layout import INK, MUTED, Paper
from slimmeregio.exporters.style import clip_frame
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Layer

__all__ = ["draw_labels", "symbol_boxes"]

#: Offsets tried around a name's point, in label heights (dy) and half label widths (dx).
_POSITIONS = (
    (0.0, 0.0),
    (0.0, 1.1),
    (0.0, -1.1),
    (1.15, 0.0),
    (-1.15, 0.0),
    (1.1, 1.0),
    (-1.1, 1.0),
    (1.1, -1.0),
    (-1.1, -1.0),
    (0.0, 2.2),
    (0.0, -2.2),
    (2.3, 0.0),
    (-2.3, 0.0),
    (0.0, 3.3),
    (0.0, -3.3),
    (2.3, 2.2),
    (-2.3, 2.2),
    (2.3, -2.2),
    (-2.3, -2.2),
    (3.5, 0.0),
    (-3.5, 0.0),
    (0.0, 4.4),
    (0.0, -4.4),
)


def symbol_boxes(ax: Axes) -> np.ndarray:
    """Display-space boxes ``(x0, y0, x1, y1)`` of the point symbols drawn on ``ax``."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes: list[np.ndarray] = []
    px_per_pt = ax.figure.dpi / 72.0
    for artist in layer_artists(ax, SYMBOL_LAYERS):
        if isinstance(artist, PathCollection):
            offsets = np.asarray(artist.get_offsets(), dtype=float)
            if offsets.size == 0:
                continue
            xy = artist.get_offset_transform().transform(offsets)
            sizes = np.asarray(artist.get_sizes(), dtype=np.float64)
            widths = np.asarray(artist.get_linewidth(), dtype=np.float64).ravel()
            r = (
                np.sqrt(np.resize(sizes, len(xy))) / 2 + np.resize(widths, len(xy)) / 2
            ) * px_per_pt
            boxes.append(np.column_stack([xy[:, 0] - r, xy[:, 1] - r, xy[:, 0] + r, xy[:, 1] + r]))
        elif isinstance(artist, Text) and artist.get_visible() and artist.get_text():
            # a callout's circle is placed when drawn: its text's box plus the circle's padding
            box = artist.get_window_extent(renderer)
            pad = (
                (0.6 * float(artist.get_fontsize()) * px_per_pt)
                if artist.get_bbox_patch() is not None
                else 0.0
            )
            boxes.append(np.array([[box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad]]))
    return np.vstack(boxes) if boxes else np.zeros((0, 4))


def _hits(box: Bbox, boxes: np.ndarray) -> int:
    if not len(boxes):
        return 0
    return int(
        (
            (boxes[:, 0] < box.x1)
            & (boxes[:, 2] > box.x0)
            & (boxes[:, 1] < box.y1)
            & (boxes[:, 3] > box.y0)
        ).sum()
    )


def _halo_text(
    ax: Axes, x: float, y: float, text: str, halo_width: float, **kw: Any
) -> tuple[Text, Text]:
    """A name as plain text over its white halo (an outline only: the name itself stays text)."""
    with layer_group(
        ax, "label-halos"
    ):  # just below the names: all halos first, then all names (two SVG groups)
        halo = ax.text(
            x,
            y,
            text,
            path_effects=[patheffects.Stroke(linewidth=halo_width, foreground="white")],
            **{**kw, "zorder": float(kw.get("zorder", 20)) - 0.05},
        )
    with layer_group(ax, "labels"):
        label = ax.text(x, y, text, **kw)
    return halo, label


def draw_labels(
    ax: Axes,
    munis: gpd.GeoDataFrame,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    focus: str | None,
    brussels: Layer | None,
    lang: str,
) -> None:
    """Municipality names at representative points, halo'd, clear of symbols and of each other."""
    size = 6.2 * paper.scale
    halo_w = 2.2 * paper.scale
    x0, y0, x1, y1 = bbox
    frame = clip_frame(munis, bbox)
    frame = frame.assign(_area=frame.geometry.area, _focus=frame["nis"] == focus)
    frame = frame.sort_values(["_focus", "_area"], ascending=False)
    ax.apply_aspect()  # final axes box, so measured label boxes are right
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    symbols = symbol_boxes(ax)
    frame_box = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    for _, row in frame.iterrows():
        geom = row.geometry.intersection(shapely.box(*bbox))
        if geom.is_empty:
            continue
        pt = geom.representative_point()
        mx, my = 0.06 * (x1 - x0), 0.025 * (y1 - y0)  # a label must not run off the frame
        if not (x0 + mx < pt.x < x1 - mx and y0 + my < pt.y < y1 - my):
            continue
        is_focus = bool(row["_focus"])
        halo, text = _halo_text(
            ax,
            pt.x,
            pt.y,
            str(row["name"]),
            halo_w,
            fontsize=size * (1.5 if is_focus else 1.0),
            fontweight="bold" if is_focus or focus is None else "normal",
            color=INK if is_focus or focus is None else MUTED,
            ha="center",
            va="center",
            zorder=20,
            clip_on=True,
        )
        box = text.get_window_extent(renderer)
        best: tuple[int, Bbox] | None = None
        for dx, dy in _POSITIONS:
            candidate = box.translated(dx * box.width / 2, dy * box.height)
            inside = (
                candidate.x0 >= frame_box.x0
                and candidate.x1 <= frame_box.x1
                and candidate.y0 >= frame_box.y0
                and candidate.y1 <= frame_box.y1
            )
            if not inside or any(candidate.overlaps(other) for other in placed):
                continue
            hits = _hits(candidate, symbols)
            if best is None or hits < best[0]:
                best = (hits, candidate)
            if hits == 0:
                break
        if best is None:
            halo.remove()
            text.remove()
            continue
        chosen = best[1]
        shift = (chosen.x0 - box.x0, chosen.y0 - box.y0)
        cx, cy = ax.transData.inverted().transform(ax.transData.transform((pt.x, pt.y)) + shift)
        halo.set_position((float(cx), float(cy)))
        text.set_position((float(cx), float(cy)))
        placed.append(chosen)
    if brussels is not None and focus is None:
        union = shapely.union_all(brussels.frame.geometry.to_numpy())
        pt = union.representative_point()
        if x0 < pt.x < x1 and y0 < pt.y < y1:
            _halo_text(
                ax,
                pt.x,
                pt.y,
                tr(lang, "BRUSSEL"),
                halo_w,
                fontsize=size * 1.1,
                color="#7a7466",
                ha="center",
                va="center",
                zorder=19,
                style="italic",
                clip_on=True,
            )
