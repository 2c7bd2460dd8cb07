"""The printed 'Openbaar vervoer' map theme: stops by departures per hour, walking access, stations, failing hubs.

Drawn by :mod:`slimmeregio.exporters.maps` for theme ``public_transport``
from an evaluation with public transport results (``Evaluation.pt_stops``,
the dwellings' ``pt_<window>_<n>ph`` columns, ``Evaluation.hub_checks``):

* dwellings coloured by whether a stop with at least the highest
  ``pt_departures_per_hour`` threshold (the *frequent* stop) lies within
  ``pt_walk_m`` walking in the morning peak;
* bus/tram stops as circles classed by departures per hour in the morning
  peak (:data:`~slimmeregio.layers.symbology.PT_RATE_BREAKS`, the magma ramp
  the desktop uses too), stations as squares in the same classes, sized by
  trains per hour;
* mobipunten whose Hoppin type the public transport does not support
  (the policy check) crossed out with a red-orange X;
* key figures (:func:`transit_key_figures`): the walking shares, the share
  within cycling reach of a station with enough trains, the median bike +
  train time to Brussels and the number of failing hubs, base → scenario.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from slimmeregio.exporters.map_access import draw_dwellings
from slimmeregio.exporters.map_groups import draws_layer
from slimmeregio.exporters.map_layout import INK, Paper
from slimmeregio.exporters.map_themes import class_labels
from slimmeregio.exporters.style import LegendItem, class_index, clip_frame, draw_points
from slimmeregio.layers.numbers import fmt_delta, fmt_number
from slimmeregio.layers.symbology import (
    CHANGE_COLORS,
    PT_ACCESS_COLORS,
    PT_RATE_BREAKS,
    PT_RATE_COLORS,
    STATION_MARKER,
)
from slimmeregio.scenarios.transit_keys import WINDOW_LABELS

__all__ = [
    "FAILING_HUB_MARKER",
    "draw_failing_hubs",
    "draw_pt_access",
    "draw_pt_stops",
    "failing_hubs",
    "has_transit",
    "pt_window",
    "transit_key_figures",
    "transit_key_specs",
]

#: Trains per hour from which a station's square has its largest size.
_TRAINS_FULL = 24.0
#: Marker of a mobipunt failing the Hoppin check (over its hexagon).
FAILING_HUB_MARKER = "X"


def has_transit(evaluation: Any) -> bool:
    """Whether ``evaluation`` carries public transport results (the project has a stops layer)."""
    return getattr(evaluation, "pt_stops", None) is not None


def pt_window(params: Any) -> str:
    """The window the map shows: the morning peak when computed, else the first computed window."""
    windows = tuple(getattr(params, "pt_windows", ()) or ("ochtendspits",))
    return "ochtendspits" if "ochtendspits" in windows else str(windows[0])


def frequent_threshold(params: Any) -> float:
    """Departures per hour of a *frequent* stop: the highest ``pt_departures_per_hour``."""
    return float(max(getattr(params, "pt_departures_per_hour", (4.0,)) or (4.0,)))


def _window_label(window: str, lang: str) -> str:
    return WINDOW_LABELS.get(window, (window, window))[0 if lang == "nl" else 1]


@draws_layer("pt-access")
def draw_pt_access(
    ax: Axes,
    evaluation: Any,
    bbox: tuple[float, float, float, float],
    paper: Paper,
    zoomed: bool,
    lang: str,
) -> list[LegendItem]:
    """Dwellings: a frequent stop within walking distance in the window, or not."""
    params = evaluation.parameters
    window, n = pt_window(params), frequent_threshold(params)
    column = f"pt_{window}_{n:g}ph"
    nl = lang == "nl"
    walk = f"{params.pt_walk_m:g}"
    w = _window_label(window, lang)
    items = [
        LegendItem(
            f"≤ {walk} m wandelen van een halte met ≥ {n:g} vertrekken/uur ({w})"
            if nl
            else f"≤ {walk} m walk of a stop with ≥ {n:g} departures/hour ({w})",
            "marker",
            PT_ACCESS_COLORS[0],
            size=5,
        ),
        LegendItem(
            "geen zo'n halte op wandelafstand" if nl else "no such stop within walking distance",
            "marker",
            PT_ACCESS_COLORS[1],
            size=5,
        ),
    ]
    frame = clip_frame(evaluation.dwellings, bbox)
    if frame.empty or column not in frame.columns:
        return items
    hit = frame[column].to_numpy(dtype=bool)
    colors = np.where(hit, PT_ACCESS_COLORS[0], PT_ACCESS_COLORS[1])
    order = np.argsort(hit, kind="stable")  # served dwellings on top
    draw_dwellings(ax, frame, colors, order, paper, zoomed)
    return items


def _rate_colors(rates: np.ndarray) -> np.ndarray:
    idx = class_index(np.nan_to_num(rates, nan=0.0), PT_RATE_BREAKS)
    return np.array(PT_RATE_COLORS, dtype=object)[idx]


@draws_layer("pt-stops")
def draw_pt_stops(
    ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, lang: str
) -> list[LegendItem]:
    """Stops (circles) and stations (squares sized by trains per hour), coloured by departures per hour."""
    stops = evaluation.pt_stops
    window = pt_window(evaluation.parameters)
    column = f"per_uur_{window}"
    nl = lang == "nl"
    w = _window_label(window, lang)
    unit = " vertrekken/uur" if nl else " departures/hour"
    items = [
        LegendItem(label, "marker", color, size=6, edge_color=INK)
        for label, color in zip(class_labels(PT_RATE_BREAKS, unit), PT_RATE_COLORS, strict=True)
    ]
    frame = clip_frame(stops, bbox)
    if frame.empty:
        return items
    rates = frame[column].to_numpy(dtype=float) if column in frame.columns else np.zeros(len(frame))
    colors = _rate_colors(rates)
    station = frame["station"].to_numpy(dtype=bool)
    geoms = frame.geometry.to_numpy()
    k = paper.scale
    bus = ~station
    if bus.any():
        order = np.argsort(rates[bus], kind="stable")  # busiest on top
        draw_points(
            ax,
            geoms[bus][order],
            colors=colors[bus][order].tolist(),
            sizes=4.2 * k,
            edgecolor=INK,
            linewidth=0.5,
            zorder=6,
        )
    if station.any():
        r = np.clip(rates[station], 0.0, None)
        sizes = (4.0 + 6.0 * np.sqrt(np.minimum(r, _TRAINS_FULL) / _TRAINS_FULL)) * k
        order = np.argsort(-r, kind="stable")  # large squares below small ones
        draw_points(
            ax,
            geoms[station][order],
            colors=colors[station][order].tolist(),
            sizes=sizes[order],
            marker=STATION_MARKER,
            edgecolor=INK,
            linewidth=0.9,
            zorder=7,
        )
        items.append(
            LegendItem(
                f"Station (grootte: treinen/uur, {w})"
                if nl
                else f"Railway station (size: trains/hour, {w})",
                "marker",
                "white",
                size=8,
                edge_color=INK,
                marker=STATION_MARKER,
            )
        )
    return items


def failing_hubs(evaluation: Any) -> Any:
    """The rows of ``hub_checks`` that fail the Hoppin check (an empty frame without a check)."""
    import pandas as pd

    checks = getattr(evaluation, "hub_checks", None)
    if checks is None or len(checks) == 0:
        return pd.DataFrame(
            columns=["mobipunt_id", "name", "hoppin_type", "ok", "reason_nl", "reason_en"]
        )
    return checks.loc[~checks["ok"].astype(bool)]


@draws_layer("hub-check")
def draw_failing_hubs(
    ax: Axes, evaluation: Any, bbox: tuple[float, float, float, float], paper: Paper, lang: str
) -> list[LegendItem]:
    """A cross over every mobipunt whose Hoppin type the public transport at it does not support."""
    bad = set(failing_hubs(evaluation)["mobipunt_id"].astype(str))
    hubs = getattr(evaluation, "mobipunten", None)
    if not bad or hubs is None or hubs.empty:
        return []
    frame = clip_frame(hubs[hubs["mobipunt_id"].astype(str).isin(bad)], bbox)
    if frame.empty:
        return []
    draw_points(
        ax,
        frame.geometry.to_numpy(),
        colors=CHANGE_COLORS["loss"],
        sizes=9.0 * paper.scale,
        marker=FAILING_HUB_MARKER,
        edgecolor="white",
        linewidth=0.8,
        zorder=9,
    )
    label = (
        "Mobipunt: type past niet bij het openbaar vervoer (Hoppin-toets)"
        if lang == "nl"
        else "Hub whose type does not match the public transport (Hoppin check)"
    )
    return [
        LegendItem(
            label,
            "marker",
            CHANGE_COLORS["loss"],
            size=8,
            edge_color="white",
            marker=FAILING_HUB_MARKER,
        )
    ]


def _middle(values: Any, default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


def transit_key_specs(
    evaluation: Any, lang: str, *, municipality: str | None = None
) -> list[tuple[str, str]]:
    """``(indicator key, short label)`` of the public transport key figures, in display order."""
    nl = lang == "nl"
    params = evaluation.parameters
    window = pt_window(params)
    w = _window_label(window, lang)
    walk = f"{params.pt_walk_m:g}"
    walking = [
        (
            f"share_pt_{window}_{n:g}ph",
            f"Woningen ≤ {walk} m van halte met ≥ {n:g} vertrekken/uur ({w})"
            if nl
            else f"Dwellings ≤ {walk} m of a stop with ≥ {n:g} departures/hour ({w})",
        )
        for n in sorted(params.pt_departures_per_hour, reverse=True)
    ]
    specs = walking[
        :1
    ]  # the frequent stop first: the map shows it; the panel drops rows from the end
    if municipality is None:
        specs.append(
            (
                "hubs_type_mismatch",
                "Mobipunten waarvan het type niet past bij het OV"
                if nl
                else "Hubs whose type does not match the public transport",
            )
        )
    t = _middle(params.bike_thresholds_min, 10.0)
    trains = f"{params.pt_trains_per_hour:g}"
    specs.append(
        (
            f"share_bike_train_{t:g}min",
            f"Woningen ≤ {t:g} min fietsen van station met ≥ {trains} treinen/uur"
            if nl
            else f"Dwellings ≤ {t:g} min by bike of a station with ≥ {trains} trains/hour",
        )
    )
    specs.append(
        (
            "median_door_min_brussels",
            "Mediaan fiets + trein naar Brussel (deur tot deur)"
            if nl
            else "Median bike + train to Brussels (door to door)",
        )
    )
    return specs + (
        walking[1:] if municipality is None else []
    )  # a municipality's panel is smaller


def transit_key_figures(
    evaluation: Any, comparison: Any = None, *, municipality: str | None = None, lang: str = "nl"
) -> list[tuple[str, str, str, bool]]:
    """``(label, value, change, higher_is_better)`` rows of the map's key figures panel.

    The change is scenario minus base (:func:`~slimmeregio.layers.numbers.fmt_delta`:
    never ``±0`` when the two values differ); indicators the run lacks are left out.
    """
    from slimmeregio.scenarios.indicator_direction import indicator_direction
    from slimmeregio.scenarios.results import indicator_unit

    if evaluation is None or not has_transit(evaluation):
        return []
    base = comparison.base if comparison is not None else None
    rows: list[tuple[str, str, str, bool]] = []
    for key, label in transit_key_specs(evaluation, lang, municipality=municipality):
        value = float(evaluation.value(key, municipality))
        if math.isnan(value):
            continue
        unit = indicator_unit(key)
        change = (
            fmt_delta(value, base.value(key, municipality), unit, lang) if base is not None else ""
        )
        direction = indicator_direction(key)
        rows.append((label, fmt_number(value, unit, lang), change, direction >= 0))
    return rows
