"""Theme painters of what a scenario changes or could change: access gained or lost, links and housing changed, ledger callouts, suggested mobipunt sites."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from slimmeregio.exporters.map_access import dwelling_sizes
from slimmeregio.exporters.map_groups import draws_layer, layer_group
from slimmeregio.exporters.map_layout import (
    INK,
    Paper,
)
from slimmeregio.exporters.style import (
    LegendItem,
    clip_frame,
    draw_lines,
    draw_points,
)
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.symbology import (
    ACCESS_COLORS,
    CHANGE_COLORS,
    SITE_MARKER,
)


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
            sizes = dwelling_sizes(part["dwellings"].to_numpy(dtype=float), paper, zoomed) * 1.6
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
        sizes = dwelling_sizes(frame["dwellings"].to_numpy(dtype=float), paper, zoomed)
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
