"""The figures every export of a pack shares: the headline threshold, gains and losses, inhabitants, network length.

Maps, slides, workbook and web map take these numbers from here so they
agree: the cycling threshold a headline uses is the one where the scenario
changes most (not a fixed middle threshold where nearly everyone already
has access), gains and losses are counted at every threshold, the number
of inhabitants is Statbel's (the municipalities layer), and the network
length counts only links inside the region.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.i18n import N_, tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import delta
from slimmeregio.layers.roles import Role

__all__ = [
    "ESTIMATE_LABEL",
    "changes_access",
    "GainsLosses",
    "gains_losses",
    "headline_threshold",
    "indicator_text",
    "municipality_areas",
    "municipality_of",
    "network_km_in_region",
    "restrict_to_municipalities",
    "share_key",
    "statbel_inhabitants",
]

#: The label of the dwelling-based inhabitants estimate (never plain "Inwoners").
ESTIMATE_LABEL = N_("Inwoners (schatting: woningen × gezinsgrootte)")


def share_key(threshold: float) -> str:
    """The indicator key of the share of dwellings within ``threshold`` cycling minutes of a mobipunt."""
    return f"share_bike_mobipunt_{threshold:g}min"


def _middle(values: Sequence[float], default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


@dataclass(frozen=True)
class GainsLosses:
    """Dwellings gaining and losing access to a mobipunt by bike within ``threshold`` minutes."""

    threshold: float
    gains: int
    losses: int
    share_before: float
    share_after: float


def _count(comparison: Any, kind: str, threshold: float, municipality: str | None) -> int:
    a = comparison.access_changes
    sel = (
        (a["change"] == kind)
        & (a["threshold"] == threshold)
        & (a["target"] == "mobipunt")
        & (a["mode"] == "bike")
    )
    if municipality is not None:
        sel &= a["nis"].astype(str) == str(municipality)
    return int(a.loc[sel, "dwellings"].sum())


def gains_losses(comparison: Any, municipality: str | None = None) -> list[GainsLosses]:
    """Gains and losses at every cycling threshold of the parameters, in threshold order."""
    out = []
    for t in comparison.scenario.parameters.bike_thresholds_min:
        key = share_key(t)
        out.append(
            GainsLosses(
                float(t),
                _count(comparison, "gain", t, municipality),
                _count(comparison, "loss", t, municipality),
                float(comparison.base.value(key, municipality)),
                float(comparison.scenario.value(key, municipality)),
            )
        )
    return out


def headline_threshold(
    comparison: Any, municipality: str | None = None, parameters: Any = None
) -> float:
    """The cycling threshold where the scenario changes most (for the region or ``municipality``).

    Largest change of the share within the threshold as shown (pp), then
    most dwellings gaining or losing; the middle threshold when nothing
    changes or there is no comparison (``parameters`` then give the
    thresholds).
    """
    if comparison is None:
        thresholds = getattr(parameters, "bike_thresholds_min", ()) or ()
        return _middle(thresholds, 10.0)
    rows = gains_losses(comparison, municipality)
    best, best_score = None, (0.0, 0)
    for r in rows:
        d = delta(r.share_after, r.share_before, "%")
        size = abs(d.value) if d is not None else 0.0
        score = (size, r.gains + r.losses)
        if score > best_score:
            best, best_score = r.threshold, score
    if best is None:
        return _middle([r.threshold for r in rows], 10.0)
    return best


def statbel_inhabitants(project: Project | None, municipality: str | None = None) -> float | None:
    """Inhabitants per Statbel (the municipalities layer's population field) of the region or one municipality.

    None when the project has no municipalities layer with a population field.
    """
    if project is None:
        return None
    layer = project.layers.first(Role.MUNICIPALITIES)
    if layer is None or layer.is_raster:
        return None
    column = layer.find_column("population", "inwoners")
    if column is None:
        return None
    values = column.astype(float)
    if municipality is not None:
        nis = layer.find_column("nis")
        if nis is None:
            return None
        values = values[nis.astype(str).to_numpy() == str(municipality)]
    total = float(np.nansum(values.to_numpy()))
    return total if not math.isnan(total) else None


def network_km_in_region(evaluation: Any, project: Project | None) -> float:
    """Length (km) of the evaluated network inside the region's municipalities (all links without them)."""
    links = evaluation.links
    layer = project.layers.first(Role.MUNICIPALITIES) if project is not None else None
    if layer is None or layer.is_raster or links.empty:
        return float(links.geometry.length.sum() / 1000.0)
    region = shapely.union_all(np.asarray(layer.frame.geometry.to_numpy(), dtype=object))
    inside = shapely.intersection(np.asarray(links.geometry.to_numpy(), dtype=object), region)
    return float(shapely.length(inside).sum() / 1000.0)


def indicator_text(key: str, lang: str) -> str:
    """The label of indicator ``key`` as exports show it: the dwelling-based inhabitants estimate says so."""
    if key == "inhabitants":
        return tr(lang, ESTIMATE_LABEL)
    from slimmeregio.exporters.terms import domain_terms
    from slimmeregio.scenarios.results import indicator_label

    return domain_terms(indicator_label(key, lang), lang)


def municipality_areas(project: Project | None) -> list[tuple[str, str, Any]]:
    """``(nis, name, polygon)`` of the project's municipalities (empty without a municipalities layer)."""
    layer = project.layers.first(Role.MUNICIPALITIES) if project is not None else None
    if layer is None or layer.is_raster:
        return []
    frame = layer.frame
    nis = layer.find_column("nis")
    name = layer.find_column("name")
    nis_v = nis.astype(str).to_numpy() if nis is not None else frame.index.astype(str).to_numpy()
    name_v = name.astype(str).to_numpy() if name is not None else nis_v
    return list(zip(nis_v, name_v, frame.geometry.to_numpy(), strict=True))


def municipality_of(project: Project | None, geoms: Sequence[Any]) -> list[tuple[str, str]]:
    """``(nis, name)`` of the municipality containing each geometry's representative point (``("", "")`` outside)."""
    areas = municipality_areas(project)
    out: list[tuple[str, str]] = []
    for g in geoms:
        hit = ("", "")
        if g is not None and not g.is_empty:
            p = g if g.geom_type == "Point" else g.representative_point()
            for nis, name, poly in areas:
                if poly is not None and poly.covers(p):
                    hit = (nis, name)
                    break
        out.append(hit)
    return out


def changes_access(comparison: Any, municipality: str | None = None) -> bool:
    """Whether the scenario changes access to a mobipunt by bike at any threshold (region or ``municipality``)."""
    if comparison is None:
        return False
    for r in gains_losses(comparison, municipality):
        d = delta(r.share_after, r.share_before, "%")
        if r.gains or r.losses or (d is not None and d.direction != 0):
            return True
    return False


def restrict_to_municipalities(
    base: Any, runs: list[tuple[str, Any, Any]], keys: Sequence[str], project: Project | None = None
) -> tuple[Any, list[tuple[str, Any, Any]], list[str]]:
    """Views of the evaluations restricted to the municipalities ``keys``, and the names kept.

    Everything the workbook shows is cut to them: the summary holds their
    own indicators (one municipality) instead of the region's, the
    mobipunten and the links are those inside them, the coverage curve is
    theirs.
    """
    from dataclasses import replace

    wanted = {str(k).strip().lower() for k in keys}
    source = base if base is not None else runs[0][1]
    table0 = source.municipalities
    sel0 = table0["nis"].astype(str).str.lower().isin(wanted) | table0["name"].astype(
        str
    ).str.lower().isin(wanted)
    nis = set(table0.loc[sel0, "nis"].astype(str))
    names = sorted(str(n) for n in table0.loc[sel0, "name"])
    polygons = [poly for n, _, poly in municipality_areas(project) if n in nis and poly is not None]
    area = shapely.union_all(np.asarray(polygons, dtype=object)) if polygons else None

    def keep(ev: Any) -> Any:
        if ev is None:
            return None
        table = ev.municipalities
        sel = table["nis"].astype(str).isin(nis)
        mob = ev.mobipunten
        links = ev.links
        if area is not None:
            mob = mob[shapely.covers(area, np.asarray(mob.geometry.to_numpy(), dtype=object))]
            links = links[
                shapely.intersects(area, np.asarray(links.geometry.to_numpy(), dtype=object))
            ]
        elif "nis" in mob.columns:
            mob = mob[mob["nis"].astype(str).isin(nis)]
        else:
            dwell_nis = ev.dwellings.loc[ev.dwellings["nis"].astype(str).isin(nis), "mobipunt_id"]
            mob = mob[mob["mobipunt_id"].isin(set(dwell_nis))]
        region = ev.region
        if sel.sum() == 1:  # the municipality's own indicators instead of the region's
            row = table[sel].iloc[0]
            region = {k: float(row[k]) for k in ev.region if k in row.index}
        dwell = ev.dwellings[ev.dwellings["nis"].astype(str).isin(nis)]
        curve = ev.coverage_curve
        if len(dwell):
            w = dwell["dwellings"].to_numpy(dtype=float)
            total = w.sum() or 1.0
            bike_m = dwell["bike_min_mobipunt"].to_numpy(dtype=float)
            bike_s = dwell["bike_min_station"].to_numpy(dtype=float)
            minutes = curve["minutes"].to_numpy()
            curve = pd.DataFrame(
                {
                    "minutes": minutes,
                    "share_mobipunt": [100 * w[bike_m <= m].sum() / total for m in minutes],
                    "share_station": [100 * w[bike_s <= m].sum() / total for m in minutes],
                }
            )
        return replace(
            ev,
            municipalities=table[sel],
            mobipunten=mob,
            links=links,
            region=region,
            coverage_curve=curve,
        )

    return keep(base), [(name, keep(ev), comp) for name, ev, comp in runs], names
