"""Keys, labels and units of the public transport indicators (see :mod:`slimmeregio.scenarios.transit`).

Kept apart from the computation so :mod:`slimmeregio.scenarios.results`
can label the keys without importing the engine.

``share_pt_<window>_<n>ph``
    % of dwellings within ``pt_walk_m`` metres walking over the network of a
    stop with at least ``<n>`` departures per hour in ``<window>``.
``share_bike_train_<min>min``
    % of dwellings within ``<min>`` cycling minutes of a station with at
    least ``pt_trains_per_hour`` trains per hour in ``pt_train_window``.
``mean_bike_min_train``, ``median_bike_min_train``, ``p90_bike_min_train``
    dwelling-weighted cycling time (min) to the nearest such station.
``no_route_dwellings_train``
    dwellings attached to the network without a cycling route to one.
``mean_door_min_brussels``, ``median_door_min_brussels``, ``p90_door_min_brussels``
    bike + train door-to-door minutes to a Brussels main station: cycle to
    a station, wait half the headway, ride the scheduled time.
``no_route_dwellings_door_brussels``
    dwellings without a station with a ride to Brussels within
    ``bike_train_max_bike_min`` cycling minutes.
``hub_score_<min>min``
    100 x the dwelling-weighted mean of the highest Hoppin-type weight
    (``hub_type_weights``) among the mobipunten within ``<min>`` cycling
    minutes (0 for a dwelling without one).
``share_bike_hub_<offer>_<min>min``
    % of dwellings within ``<min>`` cycling minutes of a mobipunt whose offer
    lists ``<offer>`` (``hub_offers``).
``hubs_type_mismatch`` (region only)
    mobipunten whose Hoppin type the public transport at them does not
    support (rule table ``resources/hoppin_rules.toml``).
"""

from __future__ import annotations

import re

__all__ = ["WINDOW_LABELS", "transit_keys", "transit_label", "transit_unit"]

#: Time windows of a stops layer, Dutch and English.
WINDOW_LABELS: dict[str, tuple[str, str]] = {
    "ochtendspits": ("ochtendspits", "morning peak"),
    "dag": ("overdag", "daytime"),
    "avondspits": ("avondspits", "evening peak"),
    "avond": ("avond", "evening"),
}

_HUB_SCORE_RE = re.compile(r"^hub_score_(?P<t>[0-9.]+)min$")
_HUB_OFFER_RE = re.compile(r"^share_bike_hub_(?P<offer>.+)_(?P<t>[0-9.]+)min$")
_PT_RE = re.compile(r"^share_pt_(?P<window>[a-z]+)_(?P<n>[0-9.]+)ph$")
_TRAIN_SHARE_RE = re.compile(r"^share_bike_train_(?P<t>[0-9.]+)min$")
_STAT_RE = re.compile(r"^(?P<stat>mean|median|p90)_(?P<what>bike_min_train|door_min_brussels)$")
_STAT = {
    "mean": ("Gemiddelde", "Mean"),
    "median": ("Mediaan", "Median"),
    "p90": ("90e percentiel", "90th percentile"),
}
_FIXED = {
    "no_route_dwellings_train": (
        "Woningen zonder fietsroute naar een station met genoeg treinen (geen route)",
        "Dwellings without a cycling route to a station with enough trains (no route)",
        "count",
    ),
    "no_route_dwellings_door_brussels": (
        "Woningen zonder station met trein naar Brussel binnen fietsbereik",
        "Dwellings without a station with a train to Brussels within cycling reach",
        "count",
    ),
    "hubs_type_mismatch": (
        "Mobipunten waarvan het type niet past bij het openbaar vervoer",
        "Mobipunten whose type does not match the public transport",
        "count",
    ),
}


def transit_label(key: str, lang: str = "nl") -> str | None:
    """The label of a public transport key, or None when ``key`` is not one."""
    nl = lang == "nl"
    if key in _FIXED:
        return _FIXED[key][0 if nl else 1]
    m = _PT_RE.match(key)
    if m:
        window = WINDOW_LABELS.get(m["window"], (m["window"], m["window"]))[0 if nl else 1]
        if nl:
            return f"Aandeel woningen bij een halte met ≥ {m['n']} vertrekken/uur ({window})"
        return f"Share of dwellings near a stop with ≥ {m['n']} departures/hour ({window})"
    m = _HUB_SCORE_RE.match(key)
    if m:
        if nl:
            return f"Mobipuntscore binnen {m['t']} min fietsen (gewogen naar Hoppin-type, 0-100)"
        return f"Hub score within {m['t']} min by bike (weighted by Hoppin type, 0-100)"
    m = _HUB_OFFER_RE.match(key)
    if m:
        if nl:
            return f"Aandeel woningen binnen {m['t']} min fietsen van een mobipunt met {m['offer']}"
        return f"Share of dwellings within {m['t']} min by bike of a hub with {m['offer']}"
    m = _TRAIN_SHARE_RE.match(key)
    if m:
        if nl:
            return (
                f"Aandeel woningen binnen {m['t']} min fietsen van een station met genoeg treinen"
            )
        return f"Share of dwellings within {m['t']} min by bike of a station with enough trains"
    m = _STAT_RE.match(key)
    if m:
        stat = _STAT[m["stat"]][0 if nl else 1]
        if m["what"] == "bike_min_train":
            label = (
                f"{stat} fietstijd tot een station met genoeg treinen (min)"
                if nl
                else f"{stat} cycling time to a station with enough trains (min)"
            )
        else:
            label = (
                f"{stat} deur-tot-deur fiets + trein naar Brussel (min)"
                if nl
                else f"{stat} door-to-door bike + train to Brussels (min)"
            )
        if m["stat"] == "mean":
            label += ", woningen met route" if nl else ", dwellings with a route"
        return label
    return None


def transit_unit(key: str) -> str | None:
    """The unit of a public transport key, or None when ``key`` is not one."""
    if key in _FIXED:
        return _FIXED[key][2]
    if _PT_RE.match(key) or _TRAIN_SHARE_RE.match(key) or _HUB_OFFER_RE.match(key):
        return "%"
    if _HUB_SCORE_RE.match(key):
        return ""  # a score 0-100, no unit
    if _STAT_RE.match(key):
        return "min"
    return None


def transit_keys(
    windows: tuple[str, ...],
    departures_per_hour: tuple[float, ...],
    bike_thresholds_min: tuple[float, ...],
    *,
    brussels: bool = True,
    region: bool = True,
    hub_offers: tuple[str, ...] = (),
) -> list[str]:
    """The public transport and hub keys for these parameters, in display order."""
    keys = [f"share_pt_{w}_{n:g}ph" for w in windows for n in departures_per_hour]
    keys.append("no_route_dwellings_train")
    keys += [f"share_bike_train_{t:g}min" for t in bike_thresholds_min]
    keys += [f"{s}_bike_min_train" for s in ("mean", "median", "p90")]
    for t in bike_thresholds_min:
        keys.append(f"hub_score_{t:g}min")
        keys += [f"share_bike_hub_{o}_{t:g}min" for o in hub_offers]
    if brussels:
        keys.append("no_route_dwellings_door_brussels")
        keys += [f"{s}_door_min_brussels" for s in ("mean", "median", "p90")]
    if region:
        keys.append("hubs_type_mismatch")
    return keys
