"""Public transport map themes of a run: stops by frequency, cycling to a station, bike + train to Brussels.

Like :mod:`slimmeregio.desktop.themes`, nothing is computed here: the
engine's frames (``Evaluation.pt_stops``, the dwellings' public transport
columns, ``Evaluation.hub_checks``) are shown with the shared colours.
Themes are offered only when the run has public transport results.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np

from slimmeregio.desktop.i18n import tr
from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import (
    ACCESS_COLORS,
    CHANGE_COLORS,
    FLOW_COLORS,
    UNREACHABLE_COLOR,
)

__all__ = ["TRANSIT_THEME_KEYS", "transit_theme_label", "transit_theme_layers"]

#: Public transport themes, in menu order.
TRANSIT_THEME_KEYS: tuple[str, ...] = ("pt_stops", "train_access", "door_brussels")

#: Departures per hour classes of the stops theme.
_RATE_BREAKS = [1.0, 2.0, 4.0, 8.0, float(np.inf)]
#: Minutes classes of the bike + train theme.
_DOOR_BREAKS = [20.0, 30.0, 40.0, 50.0, float(np.inf)]


def transit_theme_label(key: str) -> str:
    return {
        "pt_stops": tr("OV-haltes naar vertrekken per uur"),
        "train_access": tr("Fietstijd tot een station met genoeg treinen"),
        "door_brussels": tr("Fiets + trein naar Brussel (deur tot deur)"),
    }[key]


def _layer(name: str, frame: gpd.GeoDataFrame, style: Style) -> Layer:
    return Layer(name=name, data=frame, role=Role.OTHER, style=style)


def transit_theme_layers(key: str, evaluation: Any) -> list[Layer]:
    """Display layers for public transport theme ``key`` (none without results)."""
    stops = getattr(evaluation, "pt_stops", None)
    if stops is None:
        return []
    params = evaluation.parameters
    if key == "pt_stops":
        window = params.pt_train_window
        column = f"per_uur_{window}"
        style = Style(
            kind="graduated",
            column=column,
            breaks=list(_RATE_BREAKS),
            colors=list(FLOW_COLORS[-len(_RATE_BREAKS) :]),
            color=FLOW_COLORS[0],
            marker_size=6.0,
        )
        out = [_layer(tr("OV-haltes: vertrekken per uur ({w})", w=window), stops, style)]
        changed = stops[stops["changed"].astype(bool)]
        if len(changed):
            out.append(
                _layer(
                    tr("Haltes met gewijzigde frequentie"),
                    changed,
                    Style(
                        kind="single",
                        color="#ffffff",
                        edge_color=CHANGE_COLORS["upgraded"],
                        marker_size=10.0,
                    ),
                )
            )
        checks = getattr(evaluation, "hub_checks", None)
        if checks is not None and len(checks):
            bad = set(checks.loc[~checks["ok"].astype(bool), "mobipunt_id"].astype(str))
            hubs = evaluation.mobipunten
            failing = hubs[hubs["mobipunt_id"].astype(str).isin(bad)]
            if len(failing):
                out.append(
                    _layer(
                        tr("Mobipunten waarvan het type niet past bij het OV"),
                        failing,
                        Style(kind="single", color=CHANGE_COLORS["loss"], marker_size=9.0),
                    )
                )
        return out
    dwellings = evaluation.dwellings
    if key == "train_access" and "bike_min_train" in dwellings.columns:
        style = Style(
            kind="graduated",
            column="bike_min_train",
            breaks=[5.0, 10.0, 15.0, 20.0, float(np.inf)],
            colors=list(ACCESS_COLORS),
            color=UNREACHABLE_COLOR,
            marker_size=3.0,
        )
        return [_layer(tr("Fietstijd tot station met genoeg treinen (min)"), dwellings, style)]
    if key == "door_brussels" and "door_min_brussels" in dwellings.columns:
        style = Style(
            kind="graduated",
            column="door_min_brussels",
            breaks=list(_DOOR_BREAKS),
            colors=list(ACCESS_COLORS),
            color=UNREACHABLE_COLOR,
            marker_size=3.0,
        )
        return [_layer(tr("Fiets + trein naar Brussel (min)"), dwellings, style)]
    return []
