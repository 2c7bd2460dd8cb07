"""Theme painters of access: dwellings by cycling time to the nearest mobipunt, and a municipality's weakest-served dwellings."""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes

from slimmeregio.exporters.map_groups import draws_layer
from slimmeregio.exporters.map_layout import (
    INK,
    Paper,
)
from slimmeregio.exporters.map_themes import class_labels
from slimmeregio.exporters.style import (
    LegendItem,
    class_index,
    clip_frame,
    draw_points,
)
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.symbology import (
    ACCESS_CLASSES_MIN,
    ACCESS_COLORS,
    UNREACHABLE_COLOR,
)


def dwelling_sizes(dwellings: np.ndarray, paper: Paper, zoomed: bool) -> np.ndarray:
    base = 0.9 if not zoomed else 1.6
    return (
        np.clip(base * np.sqrt(np.maximum(dwellings, 1)) ** 0.5, base * 0.8, base * 3.2)
        * paper.scale
    )


def draw_dwellings(
    ax: Axes,
    frame: gpd.GeoDataFrame,
    colors: np.ndarray,
    order: np.ndarray,
    paper: Paper,
    zoomed: bool,
) -> None:
    """Dwelling points in ``colors``, sized by their dwellings, drawn in ``order`` (last on top)."""
    sizes = dwelling_sizes(frame["dwellings"].to_numpy(dtype=float), paper, zoomed)
    draw_points(
        ax,
        frame.geometry.to_numpy()[order],
        colors=colors[order].tolist(),
        sizes=sizes[order],
        edgecolor=None,
        linewidth=0,
        alpha=0.9,
        zorder=3,
        rasterized=len(frame) > 2000,
    )


def _access_items(lang: str) -> list[LegendItem]:
    labels = class_labels(ACCESS_CLASSES_MIN, " min")
    items = [
        LegendItem(lab, "marker", c, size=5) for lab, c in zip(labels, ACCESS_COLORS, strict=True)
    ]
    items.append(
        LegendItem(
            "niet bereikbaar via het netwerk" if lang == "nl" else "not reachable over the network",
            "marker",
            UNREACHABLE_COLOR,
            size=5,
        )
    )
    return items


@draws_layer("access")
def draw_access(
    ax: Axes,
    evaluation: Any,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    zoomed: bool,
    lang: str,
) -> list[LegendItem]:
    frame = clip_frame(evaluation.dwellings, bbox)
    if frame.empty:
        return _access_items(lang)
    minutes = frame["bike_min_mobipunt"].to_numpy(dtype=float)
    idx = class_index(minutes, ACCESS_CLASSES_MIN)
    palette = np.array([*ACCESS_COLORS, UNREACHABLE_COLOR], dtype=object)
    colors = palette[np.where(idx < 0, len(ACCESS_COLORS), idx)]
    order = np.argsort(-np.nan_to_num(minutes, nan=1e9))  # good access on top
    draw_dwellings(ax, frame, colors, order, paper, zoomed)
    return _access_items(lang)


@draws_layer("weakest-served")
def draw_weakest(
    ax: Axes,
    evaluation: Any,
    nis: str,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    lang: str,
) -> list[LegendItem]:
    """Ring the municipality's weakest-served dwellings: those at or beyond its 90th percentile cycling time.

    The percentile is the municipality's ``p90_bike_min_mobipunt`` indicator
    (dwellings without a route count as infinitely far), so the rings and
    the key figure agree; every page has them, whether or not the scenario
    changes the municipality.
    """
    table = evaluation.municipalities
    row = table[table["nis"].astype(str) == str(nis)]
    if row.empty or "p90_bike_min_mobipunt" not in row.columns:
        return []
    p90 = float(row["p90_bike_min_mobipunt"].iloc[0])
    frame = evaluation.dwellings
    frame = clip_frame(frame[frame["nis"].astype(str) == str(nis)], bbox)
    minutes = np.nan_to_num(frame["bike_min_mobipunt"].to_numpy(dtype=float), nan=np.inf)
    weak = minutes >= p90 - 1e-9 if math.isfinite(p90) else ~np.isfinite(minutes)
    if not weak.any():
        return []
    draw_points(
        ax,
        frame.geometry.to_numpy()[weak],
        colors="none",
        sizes=4.2 * paper.scale,
        edgecolor=INK,
        linewidth=0.6,
        zorder=4,
    )
    nl = lang == "nl"
    if math.isfinite(p90):
        limit = fmt_number(p90, "min", lang)
        label = (
            f"Zwakst bediende 10 % woningen (≥ {limit} fietsen)"
            if nl
            else f"Weakest-served 10 % of dwellings (≥ {limit} by bike)"
        )
    else:
        label = (
            "Zwakst bediende woningen (geen route)" if nl else "Weakest-served dwellings (no route)"
        )
    return [LegendItem(label, "marker", "none", size=5, edge_color=INK)]
