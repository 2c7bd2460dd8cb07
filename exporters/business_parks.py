"""One page per business park: where its potential bike commuters live and which routes they ride.

For the workplaces whose routes the evaluation kept
(``Evaluation.opportunities.park_routes``: the busiest by potential bike
commuters, Go Dutch): a map of the links their commuters ride (line width by
commuters) and the dwellings they come from (dot colour by commuters), and a
panel with the workplace's jobs, commuters and potential bike commuters per
uptake preset. For employers and business-park managers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from slimmeregio.exporters._safe import writing
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.safe_io import safe_filename
from slimmeregio.layers.symbology import FLOW_COLORS
from slimmeregio.scenarios.commuting import PRESETS
from slimmeregio.scenarios.opportunity_labels import preset_label

__all__ = ["business_park_figure", "export_business_parks", "park_ids"]

#: Edges with fewer potential bike commuters to the park are not drawn.
MIN_DRAWN = 0.5


def park_ids(evaluation: Any) -> list[str]:
    """The workplaces with a page, busiest first."""
    outcome = getattr(evaluation, "opportunities", None)
    if outcome is None or outcome.workplaces is None:
        return []
    work = outcome.workplaces.set_index("opp_id")
    ids = [i for i in outcome.park_routes if i in work.index]
    return sorted(ids, key=lambda i: -float(work.loc[i, "bike_commuters_go_dutch"]))


def business_park_figure(
    evaluation: Any, opp_id: str, *, lang: str = "nl", note: str = ""
) -> Figure:
    """The A4 page of workplace ``opp_id`` of ``evaluation``."""
    outcome = evaluation.opportunities
    work = outcome.workplaces.set_index("opp_id").loc[opp_id]
    flow, per_dwelling = outcome.park_routes[opp_id]
    links = evaluation.links
    fig = Figure(figsize=(8.27, 11.69), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    title = tr(lang, "Fietsroutes naar {name}", name=work["name"])
    fig.text(0.06, 0.965, title, fontsize=16, weight="bold", va="top")
    fig.text(
        0.06,
        0.935,
        tr(lang, "Situatie: {name}", name=evaluation.name),
        fontsize=10,
        color="#444444",
        va="top",
    )
    ax = fig.add_axes((0.06, 0.30, 0.88, 0.61))
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    used = flow >= MIN_DRAWN
    dwellings = evaluation.dwellings
    origin = per_dwelling >= 0.05
    park = work.geometry
    xs = [park.x]
    ys = [park.y]
    if used.any():
        b = links.loc[used].total_bounds
        xs += [b[0], b[2]]
        ys += [b[1], b[3]]
    if origin.any():
        b = dwellings.loc[origin].total_bounds
        xs += [b[0], b[2]]
        ys += [b[1], b[3]]
    pad = max(max(xs) - min(xs), max(ys) - min(ys), 2000.0) * 0.06
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    geoms = links.geometry.values
    for g in geoms[links.geometry.intersects(_box(x0, y0, x1, y1)).to_numpy()]:
        for part in getattr(g, "geoms", [g]):
            cx, cy = part.xy
            ax.plot(cx, cy, color="#d9d9d9", linewidth=0.4, zorder=1)
    if used.any():
        top = float(flow[used].max())
        for g, value in zip(geoms[used], flow[used], strict=True):
            for part in getattr(g, "geoms", [g]):
                cx, cy = part.xy
                ax.plot(
                    cx,
                    cy,
                    color=FLOW_COLORS[3],
                    linewidth=0.6 + 4.4 * float(np.sqrt(value / top)),
                    solid_capstyle="round",
                    zorder=3,
                )
    if origin.any():
        pts = dwellings.loc[origin]
        ax.scatter(
            pts.geometry.x,
            pts.geometry.y,
            c=per_dwelling[origin],
            cmap="YlOrRd",
            s=6,
            zorder=2,
            linewidths=0,
        )
    ax.scatter(
        [park.x],
        [park.y],
        marker="*",
        s=260,
        color=FLOW_COLORS[1],
        edgecolor="#1a1042",
        linewidth=1.0,
        zorder=5,
    )
    rows = [
        (tr(lang, "Banen"), float(work["jobs"])),
        (tr(lang, "Pendelaars"), float(work["commuters"])),
    ]
    for preset in PRESETS:
        label = preset_label(preset, lang)
        rows.append(
            (
                tr(lang, "Potentiële fietspendelaars ({label})", label=label),
                float(work[f"bike_commuters_{preset}"]),
            )
        )
    y = 0.26
    for label, value in rows:
        fig.text(0.08, y, label, fontsize=10, va="top")
        fig.text(
            0.70,
            y,
            fmt_number(value, "count", lang),
            fontsize=10,
            va="top",
            ha="right",
        )
        y -= 0.022
    legend = tr(
        lang,
        "Lijndikte: potentiële fietspendelaars per link (Go Dutch). Stippen: woningen waar ze wonen. "
        "Ster: de werkplaats.",
    )
    fig.text(0.08, y - 0.01, legend, fontsize=8, color="#444444", va="top", wrap=True)
    source = tr(
        lang,
        "Potentieel volgens de Propensity to Cycle Tool (Lovelace et al. 2017), geen telling. "
        "Slimme Regio Planner.",
    )
    fig.text(0.06, 0.025, f"{source} {note}".strip(), fontsize=7, color="#666666", wrap=True)
    return fig


def _box(x0: float, y0: float, x1: float, y1: float) -> Any:
    import shapely

    return shapely.box(x0, y0, x1, y1)


def export_business_parks(
    evaluation: Any, folder: str | Path, *, lang: str = "nl", force: bool = False, note: str = ""
) -> list[Path]:
    """Write ``<folder>/<workplace name>.pdf`` for every workplace with a page; returns the files."""
    out: list[Path] = []
    work = evaluation.opportunities.workplaces.set_index("opp_id") if park_ids(evaluation) else None
    for opp_id in park_ids(evaluation):
        assert work is not None
        name = safe_filename(str(work.loc[opp_id, "name"]) or opp_id)
        path = Path(folder) / f"{name}.pdf"
        fig = business_park_figure(evaluation, opp_id, lang=lang, note=note)
        with writing(path, force=force) as tmp:
            fig.savefig(tmp, format="pdf", facecolor="white")
        out.append(path)
    return out
