"""Theme painters: what each map theme draws inside the map frame, with its legend items."""

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

from slimmeregio.exporters.map_groups import draws_layer, layer_group
from slimmeregio.exporters.map_layout import (
    BRUSSELS_FILL,
    INK,
    MUTED,
    REGION_FILL,
    Paper,
    ProjectLayers,
)
from slimmeregio.exporters.style import (
    LegendItem,
    class_index,
    clip_frame,
    draw_lines,
    draw_points,
    draw_polygons,
)
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.symbology import (
    ACCESS_CLASSES_MIN,
    ACCESS_COLORS,
    CHANGE_COLORS,
    DENSITY_BREAKS,
    DENSITY_COLORS,
    FLOW_COLORS,
    HOPPIN_COLORS,
    HOPPIN_SIZES,
    HUB_MARKER,
    LINK_CLASS_COLORS,
    LINK_CLASS_WIDTHS,
    SITE_MARKER,
    UNREACHABLE_COLOR,
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


def _dwelling_sizes(dwellings: np.ndarray, paper: Paper, zoomed: bool) -> np.ndarray:
    base = 0.9 if not zoomed else 1.6
    return (
        np.clip(base * np.sqrt(np.maximum(dwellings, 1)) ** 0.5, base * 0.8, base * 3.2)
        * paper.scale
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
    sizes = _dwelling_sizes(frame["dwellings"].to_numpy(dtype=float), paper, zoomed)
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


@draws_layer("access-changes")
def draw_changes(
    ax: Axes,
    comparison: Any,
    threshold: float,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    zoomed: bool,
    lang: str,
) -> list[LegendItem]:
    changes = comparison.access_changes
    sel = changes[
        (changes["threshold"] == threshold)
        & (changes["target"] == "mobipunt")
        & (changes["mode"] == "bike")
    ]
    sel = clip_frame(sel, bbox)
    items = []
    t = fmt_number(threshold, "min", lang, digits=0 if float(threshold).is_integer() else 1)
    for kind in ("loss", "gain"):
        part = sel[sel["change"] == kind]
        color = CHANGE_COLORS[kind]
        if not part.empty:
            sizes = _dwelling_sizes(part["dwellings"].to_numpy(dtype=float), paper, zoomed) * 1.6
            draw_points(
                ax,
                part.geometry.to_numpy(),
                colors=color,
                sizes=sizes,
                edgecolor="white",
                linewidth=0.3,
                zorder=5 if kind == "gain" else 4.8,
            )
        else:
            continue  # the legend lists only what is drawn
        if lang == "nl":
            label = f"Woningen {'nu' if kind == 'gain' else 'niet meer'} binnen {t} fietsen van een mobipunt"
        else:
            label = (
                f"Dwellings {'now' if kind == 'gain' else 'no longer'} within {t} by bike of a hub"
            )
        items.append(LegendItem(label, "marker", color, size=6, edge_color="white"))
    if not items:
        items.append(
            LegendItem(
                f"Geen woningen met winst of verlies binnen {t} in dit kaartbeeld"
                if lang == "nl"
                else f"No dwellings gaining or losing access within {t} in this view",
                "patch",
                "none",
            )
        )
    return items[::-1]


@draws_layer("link-changes")
def draw_link_changes(
    ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, lang: str
) -> list[LegendItem]:
    items = []
    links = evaluation.links
    removed = getattr(evaluation, "removed_links", None)
    k = paper.scale
    if removed is not None and not removed.empty:
        part = clip_frame(removed, bbox)
        coll = draw_lines(
            ax, part.geometry.to_numpy(), colors=CHANGE_COLORS["removed"], widths=2.0 * k, zorder=6
        )
        if coll is not None:  # something closed in view
            coll.set_linestyle((0, (2, 1.5)))
            items.append(
                LegendItem(
                    "Verbinding afgesloten" if lang == "nl" else "Link closed",
                    "line",
                    CHANGE_COLORS["removed"],
                    size=2,
                )
            )
    for kind, nl, en in (
        ("upgraded", "Verbinding opgewaardeerd", "Link upgraded"),
        ("added", "Verbinding toegevoegd", "Link added"),
    ):
        part = (
            links[links["change"].astype(str) == kind]
            if "change" in links.columns
            else links.iloc[:0]
        )
        part = clip_frame(part, bbox)
        if not part.empty:
            draw_lines(ax, part.geometry.to_numpy(), colors="white", widths=4.2 * k, zorder=6.4)
            draw_lines(
                ax, part.geometry.to_numpy(), colors=CHANGE_COLORS[kind], widths=2.6 * k, zorder=6.5
            )
            items.append(
                LegendItem(nl if lang == "nl" else en, "line", CHANGE_COLORS[kind], size=2.6)
            )
    return items[::-1]


@draws_layer("new-housing")
def draw_new_housing(
    ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, lang: str
) -> list[LegendItem]:
    d = evaluation.dwellings
    if "added" not in d.columns:
        return []
    part = clip_frame(d[d["added"].astype(bool)], bbox)
    if part.empty:
        return []
    draw_points(
        ax,
        part.geometry.to_numpy(),
        colors="white",
        sizes=11 * paper.scale,
        marker="s",
        edgecolor=CHANGE_COLORS["added"],
        linewidth=1.6,
        zorder=4.5,
    )
    return [
        LegendItem(
            "Nieuw woonproject" if lang == "nl" else "New housing development",
            "marker",
            "white",
            size=8,
            edge_color=CHANGE_COLORS["added"],
            marker="s",
        )
    ]


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


@draws_layer("sites")
def draw_sites(
    ax: Axes,
    siting: Any,
    evaluation: Any,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    zoomed: bool,
    lang: str,
) -> list[LegendItem]:
    items: list[LegendItem] = []
    threshold = float(siting.threshold_min)
    t = fmt_number(threshold, "min", lang, digits=0 if threshold.is_integer() else 1)
    if evaluation is not None:
        frame = clip_frame(evaluation.dwellings, bbox)
        minutes = frame["bike_min_mobipunt"].to_numpy(dtype=float)
        within = np.nan_to_num(minutes, nan=1e9) <= threshold
        sizes = _dwelling_sizes(frame["dwellings"].to_numpy(dtype=float), paper, zoomed)
        colors = np.where(within, ACCESS_COLORS[1], ACCESS_COLORS[3])
        with layer_group(
            ax, "access"
        ):  # the dwellings under the sites: not symbols labels must avoid
            draw_points(
                ax,
                frame.geometry.to_numpy(),
                colors=colors.tolist(),
                sizes=sizes,
                edgecolor=None,
                linewidth=0,
                alpha=0.85,
                zorder=3,
                rasterized=len(frame) > 2000,
            )
        items += [
            LegendItem(
                f"Woningen binnen {t} van een mobipunt"
                if lang == "nl"
                else f"Dwellings within {t} of a hub",
                "marker",
                ACCESS_COLORS[1],
                size=5,
            ),
            LegendItem(
                f"Woningen verder dan {t}" if lang == "nl" else f"Dwellings beyond {t}",
                "marker",
                ACCESS_COLORS[3],
                size=5,
            ),
        ]
    sites = clip_frame(siting.sites, bbox)
    size = 14 * paper.scale
    draw_points(
        ax,
        sites.geometry.to_numpy(),
        colors="white",
        sizes=size * 1.1,
        edgecolor=INK,
        linewidth=1.6,
        zorder=12,
        marker=SITE_MARKER,
    )
    for row in sites.itertuples():
        ax.text(
            row.geometry.x,
            row.geometry.y,
            str(row.rank),
            fontsize=6.5 * paper.scale,
            fontweight="bold",
            color=INK,
            ha="center",
            va="center",
            zorder=13,
            clip_on=True,
        )
    items.append(
        LegendItem(
            "Voorgestelde locatie (volgorde)" if lang == "nl" else "Suggested site (order)",
            "marker",
            "white",
            size=9,
            edge_color=INK,
            marker=SITE_MARKER,
        )
    )
    return items


# --------------------------------------------------------------------------- key figures


@draws_layer("callouts")
def draw_ledger_callouts(
    ax: Axes,
    scenario: Any,
    project: Any,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    lang: str,
) -> list[LegendItem]:
    """Numbered callouts at each modification, with the numbers of the ledger (workbook and slides)."""
    from slimmeregio.exporters.meta import modification_ledger

    entries = modification_ledger(scenario, project, lang) if scenario is not None else []
    number_key = "No" if lang == "en" else "Nr"
    drawn = 0
    for entry in entries:
        x, y = entry.get("X"), entry.get("Y")
        if x is None or y is None or not (bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]):
            continue
        dx = (bbox[2] - bbox[0]) * 0.012
        ax.annotate(
            str(entry[number_key]),
            xy=(x, y),
            xytext=(x + dx, y + dx),
            fontsize=6.5 * paper.scale,
            fontweight="bold",
            color="white",
            ha="center",
            va="center",
            zorder=25,
            annotation_clip=True,
            bbox={"boxstyle": "circle,pad=0.25", "fc": INK, "ec": "white", "lw": 0.6},
            arrowprops={"arrowstyle": "-", "color": INK, "lw": 0.6},
        )
        drawn += 1
    if not drawn:
        return []
    return [
        LegendItem(
            "Nummer in de lijst van wijzigingen"
            if lang == "nl"
            else "Number in the list of changes",
            "marker",
            INK,
            size=7,
            edge_color="white",
        )
    ]
