"""A short plain-text summary of a comparison: key indicators with their change, and every warning.

What ``slimmeregio run`` prints. Numbers come from the one formatter
(:mod:`slimmeregio.layers.numbers`), so they read as in the app and every
export (``nl``: ``1.234,5``; ``en``: ``1,234.5``; a change never reads ``+0,0``
when the values differ); a dwelling without a route makes a median
``geen route`` / ``no route``.
"""

from __future__ import annotations

import math

from slimmeregio.layers.i18n import LANGUAGES, tr
from slimmeregio.layers.numbers import fmt_delta, fmt_number
from slimmeregio.scenarios.engine import parameter_differences
from slimmeregio.scenarios.hoppin import hub_check_lines
from slimmeregio.scenarios.results import Comparison, fmt_threshold

__all__ = ["key_indicators", "summary_lines"]


def key_indicators(comparison: Comparison) -> list[str]:
    """The indicator keys worth a line of their own, in display order."""
    params = comparison.scenario.parameters
    keys = ["dwellings", "planned_dwellings", "unreachable_dwellings"]
    walk = params.walk_thresholds_m[len(params.walk_thresholds_m) // 2]
    keys.append(f"share_walk_mobipunt_{fmt_threshold(walk)}m")
    keys += [f"share_bike_mobipunt_{fmt_threshold(t)}min" for t in params.bike_thresholds_min]
    bike = params.bike_thresholds_min[len(params.bike_thresholds_min) // 2]
    keys.append(f"share_bike_station_{fmt_threshold(bike)}min")
    keys += ["median_bike_min_mobipunt", "median_bike_min_station", "median_bike_min_brussels"]
    keys += [
        "no_route_dwellings_mobipunt",
        "no_route_dwellings_station",
        "no_route_dwellings_brussels",
    ]
    keys.append("share_grid_covered")
    # Opportunity access and bike commuting, when the project has jobs/schools layers.
    keys += [
        f"opp_jobs_bike_{fmt_threshold(bike)}min",
        f"opp_schools_bike_{fmt_threshold(bike)}min",
    ]
    keys += ["commuters", "bike_commuters_go_dutch", "share_bike_commuters_go_dutch"]
    keys += [
        f"share_pt_{w}_{fmt_threshold(params.pt_departures_per_hour[0])}ph"
        for w in params.pt_windows
    ]
    keys += ["median_bike_min_train", "median_door_min_brussels", "hubs_type_mismatch"]
    present = set(comparison.region["indicator"])
    return [k for k in keys if k in present]


def _number(value: float, unit: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if math.isinf(value):
        return tr(lang, "geen route")
    return fmt_number(value, unit, lang)


def summary_lines(comparison: Comparison, lang: str = "nl") -> list[str]:
    """Lines for the command line: base parameters, key indicators
    ``label: base -> scenario (change)``, then every warning (notes of the
    base and the scenario) in ``lang``."""
    rows = comparison.region.set_index("indicator")
    label_col = f"label_{lang}" if lang in LANGUAGES else "label_nl"
    lines: list[str] = []
    base_params = comparison.base.parameters
    differ = parameter_differences(base_params, comparison.scenario.parameters)
    if differ:
        lines.append(
            tr(lang, "Parameters die afwijken van de basis: {names}", names=", ".join(differ))
        )
    for key in key_indicators(comparison):
        r = rows.loc[key]
        unit = str(r["unit"])
        base, scen = float(r["base"]), float(r["scenario"])
        change = (
            fmt_delta(scen, base, unit, lang)
            if math.isfinite(base) and math.isfinite(scen)
            else "-"
        )
        lines.append(
            f"{r[label_col]}: {_number(base, unit, lang)} -> {_number(scen, unit, lang)} ({change})"
        )
    warnings: list[str] = []
    for ev in (comparison.base, comparison.scenario):
        for note in ev.notes.values():
            text = str(note.get(lang) or note.get("nl") or "")
            if text and text not in warnings:
                warnings.append(text)
    lines += [tr(lang, "Let op: {text}", text=text) for text in warnings]
    lines += hub_check_lines(comparison.scenario, lang)
    return lines
