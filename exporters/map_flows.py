"""Theme painters of potential bike flows: links by flow with classes shared across a pack, and the entry points on the Brussels border."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from slimmeregio.exporters.map_groups import draws_layer
from slimmeregio.exporters.map_layout import (
    INK,
    MUTED,
    Paper,
)
from slimmeregio.exporters.map_themes import class_labels
from slimmeregio.exporters.style import (
    LegendItem,
    class_index,
    clip_frame,
    draw_lines,
    draw_points,
)
from slimmeregio.layers.symbology import (
    FLOW_COLORS,
)


def shared_flow_breaks(evaluations: Any, column: str = "flow_dwellings") -> list[float]:
    """Class bounds over the flows of every evaluation: the same classes on every map of one pack."""
    parts = [
        ev.links[column].to_numpy(dtype=float)
        for ev in evaluations
        if ev is not None and column in ev.links.columns
    ]
    return flow_breaks(np.concatenate(parts)) if parts else []


def flow_breaks(flows: np.ndarray) -> list[float]:
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


@draws_layer("flows")
def draw_flows(
    ax: Axes,
    evaluation: Any,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    lang: str,
    column: str = "flow_dwellings",
    breaks: Sequence[float] | None = None,
    unit: tuple[str, str] = (" woningen", " dwellings"),
) -> list[LegendItem]:
    links = evaluation.links
    if column not in links.columns:
        return []
    if breaks is None:
        breaks = flow_breaks(links[column].to_numpy(dtype=float))
    breaks = list(breaks)
    frame = clip_frame(links[links[column] > 0], bbox)
    if not breaks:
        return []
    colors = list(FLOW_COLORS[-(len(breaks) + 1) :])
    widths = np.linspace(0.5, 3.6, len(breaks) + 1) * paper.scale
    if not frame.empty:
        flows = frame[column].to_numpy(dtype=float)
        idx = class_index(flows, breaks)
        order = np.argsort(flows)
        draw_lines(
            ax,
            frame.geometry.to_numpy()[order],
            colors=[colors[i] for i in idx[order]],
            widths=widths[idx[order]],
            zorder=4,
        )
    suffix = unit[0] if lang == "nl" else unit[1]
    labels = class_labels(breaks, "")
    return [
        LegendItem(
            lab + (suffix if i == len(labels) - 1 else ""), "line", c, size=float(w / paper.scale)
        )
        for i, (lab, c, w) in enumerate(zip(labels, colors, widths, strict=True))
    ][::-1]


@draws_layer("brussels-entries")
def draw_brussels_entries(
    ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, lang: str
) -> list[LegendItem]:
    """The entry points on the Brussels border: used ones larger, the others small."""
    entries = getattr(evaluation, "brussels_entries", None)
    if entries is None or entries.empty:
        return []
    frame = clip_frame(entries, bbox)
    if frame.empty:
        return []
    used = frame["dwellings"].to_numpy(dtype=float) > 0
    if (~used).any():
        draw_points(
            ax,
            frame.geometry.to_numpy()[~used],
            colors="white",
            sizes=3.2 * paper.scale,
            edgecolor=MUTED,
            linewidth=0.6,
            zorder=7,
        )
    if used.any():
        draw_points(
            ax,
            frame.geometry.to_numpy()[used],
            colors="white",
            sizes=6.0 * paper.scale,
            edgecolor=INK,
            linewidth=1.2,
            zorder=7.5,
        )
    nl = lang == "nl"
    items = [
        LegendItem(
            "Toegangspunt op de grens (gebruikt)" if nl else "Entry point on the border (used)",
            "marker",
            "white",
            size=6,
            edge_color=INK,
        )
    ]
    if (~used).any():
        items.append(
            LegendItem(
                "Toegangspunt zonder stroom" if nl else "Entry point without flow",
                "marker",
                "white",
                size=3.5,
                edge_color=MUTED,
            )
        )
    return items
