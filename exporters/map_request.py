"""What one masterplan map shows (:class:`MapRequest`), its checks, and the extent it frames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.exporters.map_layout import THEMES, Paper, fit_extent, unknown_choice
from slimmeregio.exporters.map_transit import has_transit
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Project
from slimmeregio.layers.tiles import Background


@dataclass(frozen=True)
class MapRequest:
    """What one masterplan map shows.

    Attributes
    ----------
    theme
        One of :data:`THEMES`.
    evaluation, comparison, siting
        Results to show. ``comparison`` implies ``evaluation`` (its
        scenario side). ``access`` and ``flows`` need an evaluation,
        ``change`` a comparison, ``siting`` a siting result.
    paper
        ``a4-portrait``, ``a4-landscape``, ``a3-portrait`` or ``a3-landscape``.
    meta
        Provenance block; built from the project and the scenario if absent.
    municipality
        NIS code or name: zoom to that municipality and show its numbers.
    threshold
        Cycling minutes for the ``change`` theme (default: the middle
        threshold of the parameters).
    subtitle
        Second title line (default: the municipality's name when zoomed).
    zoom_to_changes
        ``change`` theme without ``municipality``: zoom to where the scenario
        changes something (at least 6 km across) when that is much smaller
        than the region; the locator shows where.
    compact
        Map, legend and locator only (no title block, key figures or source
        line): for a slide, whose own title and footer carry those.
    lang
        ``nl`` or ``en``.
    """

    theme: str = "base"
    evaluation: Any = None
    comparison: Any = None
    siting: Any = None
    paper: str | Paper = "a3-landscape"
    meta: ExportMeta | None = None
    municipality: str | None = None
    threshold: float | None = None
    subtitle: str | None = None
    zoom_to_changes: bool = True
    compact: bool = False
    lang: str = "nl"
    #: Flow class bounds per flow column shared by every map of a pack (default: from this map's flows).
    flow_breaks: dict[str, list[float]] | None = None
    #: A background map under the layers (default none: a pack stays reproducible offline).
    background: Background | None = None


def _require(obj: Any, theme: str, what_nl: str, what_en: str) -> None:
    if obj is None:
        raise ExportError(
            path=THEMES[theme][0],
            reason={
                "nl": f"dit kaartthema vraagt {what_nl}",
                "en": f"this map theme needs {what_en}",
            },
        )


def checked_evaluation(req: MapRequest) -> Any:
    """The evaluation the map shows (a comparison's scenario side when only
    a comparison is given), after checking the theme has the results it needs."""
    theme, evaluation, comparison = req.theme, req.evaluation, req.comparison
    if theme not in THEMES:
        raise unknown_choice(theme, ("kaartthema", "map theme"), list(THEMES))
    if comparison is not None and evaluation is None:
        evaluation = comparison.scenario
    if theme in ("access", "flows", "flows_brussels", "bike_commute"):
        _require(evaluation, theme, "een doorgerekend scenario", "an evaluated scenario")
    if theme == "change":
        _require(comparison, theme, "een vergelijking met de basis", "a comparison with the base")
    if theme == "siting":
        _require(req.siting, theme, "een locatievoorstel", "a siting result")
    if theme == "public_transport" and not has_transit(evaluation):
        _require(
            None,
            theme,
            "een doorgerekend scenario met een laag OV-haltes",
            "an evaluated scenario with a public transport stops layer",
        )
    return evaluation


def changed_geometries(comparison: Any) -> list[Any]:
    """The geometry series of what a scenario changes on the network: links
    added, upgraded or closed, mobipunten added or moved."""
    ev = comparison.scenario
    parts = []
    if "change" in ev.links.columns:
        parts.append(ev.links.loc[ev.links["change"].astype(str) != "", "geometry"])
    if ev.removed_links is not None and not ev.removed_links.empty:
        parts.append(ev.removed_links.geometry)
    if "change" in ev.mobipunten.columns:
        parts.append(ev.mobipunten.loc[ev.mobipunten["change"].astype(str) != "", "geometry"])
    return parts


def _change_bounds(
    comparison: Any, min_size: float = 6000.0
) -> tuple[float, float, float, float] | None:
    """Bounds of everything the scenario changes (None when nothing changes)."""
    parts = [comparison.access_changes.geometry, *changed_geometries(comparison)]
    geoms = [g for part in parts for g in part if g is not None and not g.is_empty]
    if not geoms:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(geoms, dtype=object))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = max(x1 - x0, min_size), max(y1 - y0, min_size)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _smaller(inner: Any, outer: Any, ratio: float = 0.6) -> bool:
    """Whether ``inner`` is clearly smaller than ``outer`` in both directions."""
    return (inner[2] - inner[0]) < ratio * (outer[2] - outer[0]) and (
        inner[3] - inner[1]
    ) < ratio * (outer[3] - outer[1])


def map_extent(
    project: Project,
    req: MapRequest,
    munis: gpd.GeoDataFrame,
    focus: str | None,
    aspect: float,
    title: str,
) -> tuple[float, float, float, float]:
    """The extent the map frames at ``aspect``: the focus municipality, what
    the scenario changes (``change`` theme), the region, or else every layer."""
    change_bounds = (
        _change_bounds(req.comparison) if req.theme == "change" and req.zoom_to_changes else None
    )
    if focus is not None:
        bounds = munis[munis["nis"] == focus].total_bounds
        return fit_extent(bounds, aspect, pad=0.06)
    if (
        change_bounds is not None
        and not munis.empty
        and _smaller(change_bounds, munis.total_bounds)
    ):
        return fit_extent(change_bounds, aspect, pad=0.08)
    if not munis.empty:
        return fit_extent(munis.total_bounds, aspect, pad=0.03)
    all_bounds = [lay.bounds for lay in project.layers if len(lay)]
    if not all_bounds:
        raise ExportError(
            path=title,
            reason={
                "nl": "het project heeft geen lagen om te tekenen",
                "en": "the project has no layers to draw",
            },
        )
    b = np.array(all_bounds)
    return fit_extent((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), aspect)
