"""Map themes of a run: result frames wrapped as styled display layers.

Nothing is computed here: the engine's result frames are shown with the
shared symbology (the same classes and colours as the printed maps).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.opportunity_themes import (
    OPPORTUNITY_THEME_KEYS,
    opportunity_theme_label,
    opportunity_theme_layers,
)
from slimmeregio.desktop.transit_themes import (
    TRANSIT_THEME_KEYS,
    transit_theme_label,
    transit_theme_layers,
)
from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import (
    ACCESS_CLASSES_MIN,
    ACCESS_COLORS,
    CHANGE_COLORS,
    FLOW_COLORS,
    HOPPIN_COLORS,
    UNREACHABLE_COLOR,
)

__all__ = ["FLOW_COLUMNS", "THEME_KEYS", "theme_label", "theme_layers"]

#: Map themes offered after a run, in menu order.
THEME_KEYS: tuple[str, ...] = (
    "none",
    "access",
    "change",
    "flows",
    "flows_brussels",
    "service_areas",
    *OPPORTUNITY_THEME_KEYS,
    *TRANSIT_THEME_KEYS,
)

#: Flow themes: theme key -> column of ``Evaluation.links``.
FLOW_COLUMNS: dict[str, str] = {
    "flows": "flow_dwellings",
    "flows_brussels": "flow_brussels_dwellings",
}


def theme_label(key: str) -> str:
    if key in TRANSIT_THEME_KEYS:
        return transit_theme_label(key)
    label = opportunity_theme_label(key)
    if label is not None:
        return label
    return {
        "none": tr("Geen thema (alleen de lagen)"),
        "access": tr("Fietstijd tot het dichtste mobipunt"),
        "change": tr("Gewonnen en verloren bereikbaarheid"),
        "flows": tr("Potentiële fietsstromen naar het station"),
        "flows_brussels": tr("Potentiële fietsstromen naar Brussel"),
        "service_areas": tr("Bedieningsgebieden van de mobipunten"),
    }[key]


def theme_layers(
    key: str, evaluation: Any, comparison: Any = None, *, threshold: float | None = None
) -> list[Layer]:
    """Display layers for theme ``key`` of ``evaluation`` (and ``comparison``)."""
    if evaluation is None or key == "none":
        return []
    if key in TRANSIT_THEME_KEYS:
        return transit_theme_layers(key, evaluation)
    opportunity = opportunity_theme_layers(key, evaluation)
    if opportunity is not None:
        return opportunity
    if key == "access":
        frame = evaluation.dwellings
        style = Style(
            kind="graduated",
            column="bike_min_mobipunt",
            breaks=list(ACCESS_CLASSES_MIN) + [float(np.inf)],
            colors=list(ACCESS_COLORS),
            color=UNREACHABLE_COLOR,
            marker_size=3.0,
        )
        return [_layer(tr("Fietstijd tot mobipunt (min)"), frame, style)]
    if key == "change":
        return _change_layers(evaluation, comparison, threshold)
    if key in FLOW_COLUMNS:
        return _flow_layers(key, evaluation)
    if key == "service_areas":
        areas = evaluation.service_areas
        style = Style(
            kind="single",
            color=HOPPIN_COLORS["regionaal"],
            edge_color=HOPPIN_COLORS["interregionaal"],
            opacity=0.28,
            line_width=0.8,
        )
        return [
            _layer(
                tr(
                    "Bedieningsgebieden ({m} min fietsen)",
                    m=f"{evaluation.parameters.service_area_min:g}",
                ),
                areas,
                style,
            )
        ]
    return []


def _layer(name: str, frame: gpd.GeoDataFrame, style: Style) -> Layer:
    return Layer(name=name, data=frame, role=Role.OTHER, style=style)


def _change_layers(evaluation: Any, comparison: Any, threshold: float | None) -> list[Layer]:
    """Gained and lost access within the threshold, with the changed and closed links."""
    if comparison is None:
        return []
    changes = comparison.access_changes
    thr = (
        threshold if threshold is not None else float(evaluation.parameters.bike_thresholds_min[0])
    )
    sel = changes[
        (changes["mode"] == "bike")
        & (changes["target"] == "mobipunt")
        & (changes["threshold"] == thr)
    ]
    style = Style(
        kind="categories",
        column="change",
        marker_size=6.0,
        color="#9e9e9e",
        categories={"gain": CHANGE_COLORS["gain"], "loss": CHANGE_COLORS["loss"]},
    )
    out = [
        _layer(tr("Bereikbaarheid binnen {t} min: gewonnen / verloren", t=f"{thr:g}"), sel, style)
    ]
    links = evaluation.links
    changed = (
        links[links["change"].isin(["added", "upgraded"])]
        if "change" in links.columns
        else links.iloc[:0]
    )
    if len(changed):
        out.insert(
            0,
            _layer(
                tr("Gewijzigde verbindingen"),
                changed,
                Style(
                    kind="categories",
                    column="change",
                    line_width=2.6,
                    color=CHANGE_COLORS["added"],
                    categories={
                        "added": CHANGE_COLORS["added"],
                        "upgraded": CHANGE_COLORS["upgraded"],
                    },
                ),
            ),
        )
    removed = getattr(evaluation, "removed_links", None)
    if removed is not None and len(removed):
        out.insert(
            0,
            _layer(
                tr("Afgesloten verbindingen"),
                removed,
                Style(kind="single", color=CHANGE_COLORS["removed"], line_width=2.6),
            ),
        )
    return out


def _flow_layers(key: str, evaluation: Any) -> list[Layer]:
    """Potential bike flows on the links (and the Brussels border entries used)."""
    column = FLOW_COLUMNS[key]
    links = evaluation.links
    if column not in links.columns:
        return []
    flows = links[links[column] > 0]
    if not len(flows):
        return []
    q = np.quantile(flows[column].to_numpy(dtype=float), [0.5, 0.75, 0.9, 0.97, 1.0])
    breaks: list[float] = []
    for v in q:
        v = float(np.ceil(v))
        if not breaks or v > breaks[-1]:
            breaks.append(v)
    style = Style(
        kind="graduated",
        column=column,
        breaks=breaks,
        colors=list(FLOW_COLORS[-len(breaks) :]),
        color=FLOW_COLORS[0],
        line_width=2.2,
    )
    name = (
        tr("Potentiële fietsstromen (woningen)")
        if key == "flows"
        else tr("Potentiële fietsstromen naar Brussel (woningen)")
    )
    out = [_layer(name, flows, style)]
    entries = getattr(evaluation, "brussels_entries", None)
    if key == "flows_brussels" and entries is not None and len(entries):
        used = entries[entries["dwellings"] > 0] if "dwellings" in entries.columns else entries
        if len(used):
            out.append(
                _layer(
                    tr("Toegangspunten op de Brusselse grens"),
                    used,
                    Style(
                        kind="single",
                        color="#ffffff",
                        edge_color=FLOW_COLORS[-1],
                        marker_size=8.0,
                    ),
                )
            )
    return out
