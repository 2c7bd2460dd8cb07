"""Theme painters of the base layers: the region around the map, housing density, the network by class, mobipunten and stations, with their legend items."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap

from slimmeregio.exporters.map_groups import draws_layer
from slimmeregio.exporters.map_layout import (
    BRUSSELS_FILL,
    INK,
    REGION_FILL,
    Paper,
    ProjectLayers,
)
from slimmeregio.exporters.style import (
    LegendItem,
    clip_frame,
    draw_lines,
    draw_points,
    draw_polygons,
)
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.model import Layer
from slimmeregio.layers.symbology import (
    CHANGE_COLORS,
    DENSITY_BREAKS,
    DENSITY_COLORS,
    HOPPIN_COLORS,
    HOPPIN_SIZES,
    HUB_MARKER,
    LINK_CLASS_COLORS,
    LINK_CLASS_WIDTHS,
)


@draws_layer("boundaries")
def draw_context(
    ax: Axes,
    layers: ProjectLayers,
    munis: gpd.GeoDataFrame,
    bbox: tuple[float, float, float, float],
    focus: str | None,
    lang: str,
) -> list[LegendItem]:
    items: list[LegendItem] = []
    if layers.brussels is not None:
        frame = clip_frame(layers.brussels.frame, bbox)
        if not frame.empty:
            draw_polygons(
                ax,
                frame.geometry.to_numpy(),
                facecolor=BRUSSELS_FILL,
                edgecolor="#b5b0a5",
                linewidth=0.3,
                zorder=0.5,
            )
            union = shapely.union_all(layers.brussels.frame.geometry.to_numpy())
            draw_polygons(
                ax, [union], facecolor="none", edgecolor="#8d877a", linewidth=0.9, zorder=0.6
            )
            items.append(
                LegendItem(
                    "Brussels Hoofdstedelijk Gewest" if lang == "nl" else "Brussels-Capital Region",
                    "patch",
                    BRUSSELS_FILL,
                    edge_color="#8d877a",
                )
            )
    if not munis.empty:
        frame = clip_frame(munis, bbox)
        fills = [
            REGION_FILL if focus is None or nis == focus else "#f1efea" for nis in frame["nis"]
        ]
        draw_polygons(
            ax,
            frame.geometry.to_numpy(),
            facecolor=fills,
            edgecolor="#8c8c8c",
            linewidth=0.5,
            zorder=0.7,
        )
        if focus is not None:
            sel = frame[frame["nis"] == focus]
            draw_polygons(
                ax,
                sel.geometry.to_numpy(),
                facecolor="none",
                edgecolor="#202020",
                linewidth=1.6,
                zorder=6,
            )
        items.append(
            LegendItem(
                "Gemeentegrens" if lang == "nl" else "Municipal boundary",
                "patch",
                REGION_FILL,
                edge_color="#8c8c8c",
            )
        )
    return items


@draws_layer("housing-density")
def density_grid(
    ax: Axes,
    housing: gpd.GeoDataFrame,
    dwellings: np.ndarray,
    bbox: tuple[float, float, float, float],
    cell: float,
    lang: str,
) -> list[LegendItem]:
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
    ax.imshow(
        masked,
        extent=(xe[0], xe[-1], ye[0], ye[-1]),
        origin="lower",
        cmap=cmap,
        norm=BoundaryNorm(bounds, cmap.N),
        interpolation="nearest",
        zorder=1,
        alpha=0.9,
    )
    labels = class_labels(DENSITY_BREAKS, "")
    unit = " woningen/km²" if lang == "nl" else " dwellings/km²"
    return [
        LegendItem(lab + (unit if i == 0 else ""), "patch", c)
        for i, (lab, c) in enumerate(zip(labels, DENSITY_COLORS, strict=True))
    ]


def class_labels(breaks: Sequence[float], unit: str) -> list[str]:
    labels = []
    lower = None
    for b in breaks:
        labels.append(f"≤ {b:g}{unit}" if lower is None else f"{lower:g}–{b:g}{unit}")
        lower = b
    labels.append(f"> {lower:g}{unit}")
    return labels


@draws_layer("network")
def network_background(
    ax: Axes,
    network: Layer | None,
    links: gpd.GeoDataFrame | None,
    bbox: tuple[float, float, float, float],
    *,
    strong: bool = False,
) -> None:
    """The network in neutral greys, as context for a theme."""
    frame = links if links is not None else (network.frame if network is not None else None)
    if frame is None or frame.empty:
        return
    frame = clip_frame(frame, bbox)
    cls = _link_classes(frame, network)
    main = cls.isin(["fietssnelweg", "bovenlokaal"]).to_numpy()
    draw_lines(
        ax, frame.geometry.to_numpy()[~main], colors="#cfcfcf", widths=0.3, zorder=1.5, merge=True
    )
    draw_lines(
        ax,
        frame.geometry.to_numpy()[main],
        colors="#9a9a9a" if strong else "#b3b3b3",
        widths=0.8,
        zorder=1.6,
        merge=True,
    )


def _link_classes(frame: gpd.GeoDataFrame, network: Layer | None) -> pd.Series:
    if "link_class" in frame.columns:
        return frame["link_class"].astype(str)
    if (
        network is not None
        and network.has_field("link_class")
        and network.fields["link_class"] in frame.columns
    ):
        return frame[network.fields["link_class"]].astype(str)
    return pd.Series(["lokaal"] * len(frame), index=frame.index)


@draws_layer("network")
def draw_network_classes(
    ax: Axes,
    frame: gpd.GeoDataFrame,
    network: Layer | None,
    bbox: tuple[float, float, float, float],
    lang: str,
) -> list[LegendItem]:
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
        draw_lines(
            ax,
            frame.geometry.to_numpy()[sel],
            colors=color,
            widths=width,
            zorder=2 + i * 0.1,
            merge=True,
        )
        items.append(LegendItem(class_label(c, lang), "line", color, size=max(width, 0.8)))
    return items[::-1]


def class_label(cls: str, lang: str) -> str:
    nl = {
        "fietssnelweg": "Fietssnelweg",
        "bovenlokaal": "Bovenlokale fietsroute",
        "lokaal": "Lokale fietsverbinding",
        "overig": "Overige verbinding",
    }
    en = {
        "fietssnelweg": "Cycle highway",
        "bovenlokaal": "Supra-local bike route",
        "lokaal": "Local bike link",
        "overig": "Other link",
    }
    return (nl if lang == "nl" else en).get(cls, cls)


def hoppin_frame(project_layer: Layer | None, evaluation: Any) -> gpd.GeoDataFrame | None:
    if evaluation is not None and getattr(evaluation, "mobipunten", None) is not None:
        return evaluation.mobipunten
    if project_layer is None:
        return None
    frame = project_layer.frame
    types = (
        project_layer.column("hoppin_type").astype(str)
        if project_layer.has_field("hoppin_type")
        else "lokaal"
    )
    return gpd.GeoDataFrame({"hoppin_type": types}, geometry=frame.geometry, crs=frame.crs)


@draws_layer("mobipunten")
def draw_mobipunten(
    ax: Axes,
    frame: gpd.GeoDataFrame | None,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    lang: str,
    *,
    highlight_changes: bool = False,
    dark: bool = False,
) -> list[LegendItem]:
    if frame is None or frame.empty:
        return []
    frame = clip_frame(frame, bbox)
    items = []
    types = (
        frame["hoppin_type"].astype(str)
        if "hoppin_type" in frame.columns
        else pd.Series(["lokaal"] * len(frame), index=frame.index)
    )
    k = 0.8 * paper.scale
    for t in list(HOPPIN_COLORS)[::-1]:
        sel = (types == t).to_numpy()
        if not sel.any():
            continue
        color = HOPPIN_COLORS[t]
        draw_points(
            ax,
            frame.geometry.to_numpy()[sel],
            colors=color,
            sizes=HOPPIN_SIZES[t] * k * 1.15,
            edgecolor="#08306b",
            linewidth=0.7,
            zorder=8,
            marker=HUB_MARKER,
        )
        label = f"Mobipunt {t}" if lang == "nl" else f"Mobility hub ({hoppin_type(t, lang)})"
        items.append(
            LegendItem(
                label,
                "marker",
                color,
                size=HOPPIN_SIZES[t] * 0.9,
                edge_color="#08306b",
                marker=HUB_MARKER,
            )
        )
    other = ~types.isin(list(HOPPIN_COLORS)).to_numpy()
    if other.any():
        draw_points(
            ax,
            frame.geometry.to_numpy()[other],
            colors=HOPPIN_COLORS["buurt"],
            sizes=5 * k,
            zorder=8,
            edgecolor="#08306b",
            marker=HUB_MARKER,
        )
    items = items[::-1]
    if highlight_changes and "change" in frame.columns:
        changed = frame["change"].astype(str).isin(["added", "moved"]).to_numpy()
        if changed.any():
            draw_points(
                ax,
                frame.geometry.to_numpy()[changed],
                colors="none",
                sizes=16 * k,
                edgecolor=CHANGE_COLORS["added"],
                linewidth=1.8,
                zorder=9,
            )
            items.append(
                LegendItem(
                    "Mobipunt nieuw of verplaatst" if lang == "nl" else "Hub added or moved",
                    "marker",
                    "white",
                    size=10,
                    edge_color=CHANGE_COLORS["added"],
                )
            )
    return items


@draws_layer("stations")
def draw_stations(
    ax: Axes,
    layer: Layer | None,
    evaluation: Any,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    lang: str,
) -> list[LegendItem]:
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
    draw_points(
        ax,
        frame.geometry.to_numpy(),
        colors=INK,
        sizes=5.5 * paper.scale * 0.8,
        marker="s",
        edgecolor="white",
        linewidth=0.8,
        zorder=7.5,
    )
    return [
        LegendItem(
            "Treinstation" if lang == "nl" else "Railway station",
            "marker",
            INK,
            size=5,
            edge_color="white",
            marker="s",
        )
    ]
