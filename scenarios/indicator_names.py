"""The indicator keys: their naming scheme, labels and units in Dutch and English.

Indicator keys
--------------
Region and municipality indicators share one naming scheme. ``<m>`` and
``<min>`` are the thresholds of the run's :class:`Parameters`, written
without a trailing ``.0`` (``400``, ``1200``, ``7.5``):

``dwellings``, ``inhabitants``
    housing units and inhabitants (dwellings x household size) analysed.
``existing_dwellings``, ``planned_dwellings``
    the dwellings by status: lived in today, or planned (``gepland`` and its
    synonyms). The base holds existing dwellings only; planned ones enter
    through a scenario (the built-in "geplande projecten").
``unreachable_dwellings``
    dwellings whose housing point lies beyond ``max_snap_m`` of the network.
``share_walk_mobipunt_<m>m`` / ``share_walk_station_<m>m``
    % of dwellings (0..100) within ``<m>`` metres walking over the network
    of the nearest mobipunt / station.
``share_bike_mobipunt_<min>min`` / ``share_bike_station_<min>min``
    % of dwellings within ``<min>`` minutes cycling.
``no_route_dwellings_mobipunt`` / ``..._station`` / ``..._brussels``
    dwellings attached to the network ("reachable") that have no cycling
    route at all to any mobipunt / station / Brussels border entry ("geen
    route"). They count as not covered in every share.
``mean_bike_min_mobipunt``, ``median_bike_min_mobipunt``, ``p90_bike_min_mobipunt``
    dwelling-weighted mean / median / 90th percentile cycling time (min) to
    the nearest mobipunt; also ``..._station``. The median and p90 count
    every dwelling without a route (unreachable or cut off) as infinitely
    far (``inf`` when the percentile falls among them); the mean is over the
    dwellings with a route, and ``no_route_dwellings_...`` plus
    ``unreachable_dwellings`` say how many it leaves out.
``mean_walk_m_mobipunt``, ``median_walk_m_mobipunt``, ``p90_walk_m_mobipunt``
    the same for walking distance (m); also ``..._station``.
``mean_bike_min_brussels``, ``median_bike_min_brussels``, ``p90_bike_min_brussels``
    dwelling-weighted cycling time (min) to the nearest entry point on the
    Brussels border (see :mod:`slimmeregio.scenarios.brussels`); only
    present when the project has a Brussels layer.
``grid_inhabitants_covered`` (region only)
    inhabitants of the population grid inside the union of the mobipunt
    service areas; ``share_grid_covered`` the % of the grid total.

Use :func:`indicator_label` / :func:`indicator_unit` (or
:data:`INDICATOR_LABELS` for the default parameters) for display.
"""

from __future__ import annotations

import re

from slimmeregio.layers.i18n import N_, tr
from slimmeregio.scenarios.opportunity_labels import opportunity_label, opportunity_unit
from slimmeregio.scenarios.transit_keys import transit_label, transit_unit

__all__ = [
    "INDICATOR_LABELS",
    "fmt_threshold",
    "indicator_keys",
    "indicator_label",
    "indicator_labels",
    "indicator_unit",
]


def fmt_threshold(value: float) -> str:
    """A threshold as it appears in indicator keys: ``400.0`` -> ``"400"``."""
    return f"{value:g}"


_FIXED: dict[str, tuple[str, str]] = {
    "dwellings": (N_("Woningen"), "count"),
    "inhabitants": (N_("Inwoners"), "count"),
    "unreachable_dwellings": (N_("Woningen niet bereikbaar via het netwerk"), "count"),
    "existing_dwellings": (N_("Bestaande woningen"), "count"),
    "planned_dwellings": (N_("Geplande woningen"), "count"),
    "no_route_dwellings_mobipunt": (
        N_("Woningen zonder fietsroute naar een mobipunt (geen route)"),
        "count",
    ),
    "no_route_dwellings_station": (
        N_("Woningen zonder fietsroute naar een station (geen route)"),
        "count",
    ),
    "no_route_dwellings_brussels": (
        N_("Woningen zonder fietsroute naar de Brusselse grens (geen route)"),
        "count",
    ),
    "grid_inhabitants_covered": (N_("Inwoners (raster) binnen de bedieningsgebieden"), "count"),
    "share_grid_covered": (N_("Aandeel inwoners (raster) binnen de bedieningsgebieden"), "%"),
}

#: Statistic -> Dutch name (``tr`` gives the English).
_STAT = {"mean": N_("Gemiddelde"), "median": N_("Mediaan"), "p90": N_("90e percentiel")}

_SHARE_RE = re.compile(
    r"^share_(?P<inh>inh_)?(?P<mode>walk|bike)_(?P<target>mobipunt|station)_(?P<thr>[0-9.]+)(?P<unit>m|min)$"
)
_STAT_RE = re.compile(
    r"^(?P<stat>mean|median|p90)_(?P<mode>walk_m|bike_min)_(?P<target>mobipunt|station|brussels)$"
)


def indicator_label(key: str, lang: str = "nl") -> str:
    """The human label of indicator ``key`` in ``lang`` (``nl`` or ``en``).

    Unknown keys are returned unchanged.
    """
    if key in _FIXED:
        return tr(lang, _FIXED[key][0])
    m = _SHARE_RE.match(key)
    if m:
        who = tr(lang, "inwoners") if m["inh"] else tr(lang, "woningen")
        values = {"who": who, "thr": m["thr"], "target": m["target"]}
        if m["mode"] == "walk":
            return tr(lang, "Aandeel {who} binnen {thr} m wandelen van een {target}", **values)
        return tr(lang, "Aandeel {who} binnen {thr} min fietsen van een {target}", **values)
    m = _STAT_RE.match(key)
    if m:
        label = _stat_label(m["stat"], m["mode"], m["target"], lang)
        if m["stat"] == "mean":  # the mean leaves out the dwellings without a route
            label += tr(lang, ", woningen met route")
        return label
    return opportunity_label(key, lang) or transit_label(key, lang) or key


def _stat_label(stat_key: str, mode: str, target: str, lang: str) -> str:
    stat = tr(lang, _STAT[stat_key])
    if target == "brussels":
        return tr(lang, "{stat} fietstijd tot de Brusselse grens (min)", stat=stat)
    if mode == "walk_m":
        return tr(lang, "{stat} wandelafstand tot {target} (m)", stat=stat, target=target)
    return tr(lang, "{stat} fietstijd tot {target} (min)", stat=stat, target=target)


def indicator_unit(key: str) -> str:
    """Unit of indicator ``key``: ``"%"``, ``"min"``, ``"m"`` or ``"count"``."""
    if key in _FIXED:
        return _FIXED[key][1]
    if _SHARE_RE.match(key):
        return "%"
    m = _STAT_RE.match(key)
    if m:
        return "m" if m["mode"] == "walk_m" else "min"
    return opportunity_unit(key) or transit_unit(key) or ""


def indicator_keys(
    walk_thresholds_m: tuple[float, ...] = (400.0, 800.0, 1200.0),
    bike_thresholds_min: tuple[float, ...] = (5.0, 10.0, 15.0),
    *,
    region: bool = True,
    brussels: bool = True,
) -> list[str]:
    """All indicator keys for the given thresholds, in display order.

    ``region=False`` leaves out the region-only grid keys; ``brussels=False``
    the Brussels-border keys (absent from runs without a Brussels layer).
    """
    keys = [
        "dwellings",
        "inhabitants",
        "existing_dwellings",
        "planned_dwellings",
        "unreachable_dwellings",
    ]
    for target in ("mobipunt", "station"):
        keys.append(f"no_route_dwellings_{target}")
        for m in walk_thresholds_m:
            keys.append(f"share_walk_{target}_{fmt_threshold(m)}m")
        for t in bike_thresholds_min:
            keys.append(f"share_bike_{target}_{fmt_threshold(t)}min")
        for stat in ("mean", "median", "p90"):
            keys.append(f"{stat}_bike_min_{target}")
        for stat in ("mean", "median", "p90"):
            keys.append(f"{stat}_walk_m_{target}")
    if brussels:
        keys.append("no_route_dwellings_brussels")
        keys += [f"{stat}_bike_min_brussels" for stat in ("mean", "median", "p90")]
    if region:
        keys += ["grid_inhabitants_covered", "share_grid_covered"]
    return keys


def indicator_labels(keys: list[str] | None = None) -> dict[str, dict[str, str]]:
    """``{key: {"nl": ..., "en": ..., "unit": ...}}`` for ``keys``.

    Without ``keys``: the keys of the default parameters.
    """
    return {
        k: {
            "nl": indicator_label(k, "nl"),
            "en": indicator_label(k, "en"),
            "unit": indicator_unit(k),
        }
        for k in (keys if keys is not None else indicator_keys())
    }


#: Labels and units of the indicator keys of the default parameters:
#: ``{key: {"nl": label, "en": label, "unit": "%"|"min"|"m"|"count"}}``.
#: For other thresholds call :func:`indicator_labels` / :func:`indicator_label`.
INDICATOR_LABELS: dict[str, dict[str, str]] = indicator_labels()
