"""Drawing the workplaces of a run on the 'Fietsroutes naar het werk' map."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from slimmeregio.exporters.map_layout import INK, Paper
from slimmeregio.exporters.style import LegendItem, clip_frame, draw_points
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.symbology import FLOW_COLORS

__all__ = ["draw_workplaces"]


def draw_workplaces(
    ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, lang: str
) -> list[LegendItem]:
    """Workplaces as circles, larger where more potential bike commuters (Go Dutch) arrive."""
    workplaces = getattr(getattr(evaluation, "opportunities", None), "workplaces", None)
    if workplaces is None or workplaces.empty:
        return []
    frame = clip_frame(workplaces, bbox)
    if frame.empty:
        return []
    cyclists = frame["bike_commuters_go_dutch"].to_numpy(dtype=float)
    top = max(float(cyclists.max()), 1.0)
    sizes = (3.0 + 9.0 * np.sqrt(np.clip(cyclists, 0.0, None) / top)) * paper.scale
    order = np.argsort(-cyclists)
    draw_points(
        ax,
        frame.geometry.to_numpy()[order],
        colors=FLOW_COLORS[1],
        sizes=sizes[order],
        edgecolor=INK,
        linewidth=0.8,
        zorder=7.5,
    )
    return [
        LegendItem(
            tr(lang, "Werkplaats (grootte: fietspendelaars)"),
            "marker",
            FLOW_COLORS[1],
            size=8,
            edge_color=INK,
        )
    ]
