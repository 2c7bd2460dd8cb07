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

from slimmeregio.layers.i18n import N_, tr

__all__ = [
    "WINDOWS",
    "transit_keys",
    "transit_label",
    "transit_unit",
    "window_label",
]

#: Time windows of a stops layer -> Dutch label (``tr`` gives the English).
WINDOWS: dict[str, str] = {
    "ochtendspits": N_("ochtendspits"),
    "dag": N_("overdag"),
    "avondspits": N_("avondspits"),
    "avond": N_("avond"),
}


def window_label(window: str, lang: str = "nl") -> str:
    """The label of time window ``window`` in ``lang`` (the key itself when unknown)."""
    return tr(lang, WINDOWS[window]) if window in WINDOWS else window


_HUB_SCORE_RE = re.compile(r"^hub_score_(?P<t>[0-9.]+)min$")
_HUB_OFFER_RE = re.compile(r"^share_bike_hub_(?P<offer>.+)_(?P<t>[0-9.]+)min$")
_PT_RE = re.compile(r"^share_pt_(?P<window>[a-z]+)_(?P<n>[0-9.]+)ph$")
_TRAIN_SHARE_RE = re.compile(r"^share_bike_train_(?P<t>[0-9.]+)min$")
_STAT_RE = re.compile(r"^(?P<stat>mean|median|p90)_(?P<what>bike_min_train|door_min_brussels)$")
_STAT = {"mean": N_("Gemiddelde"), "median": N_("Mediaan"), "p90": N_("90e percentiel")}
_FIXED = {
    "no_route_dwellings_train": (
        N_("Woningen zonder fietsroute naar een station met genoeg treinen (geen route)"),
        "count",
    ),
    "no_route_dwellings_door_brussels": (
        N_("Woningen zonder station met trein naar Brussel binnen fietsbereik"),
        "count",
    ),
    "hubs_type_mismatch": (
        N_("Mobipunten waarvan het type niet past bij het openbaar vervoer"),
        "count",
    ),
}


def transit_label(key: str, lang: str = "nl") -> str | None:
    """The label of a public transport key, or None when ``key`` is not one."""
    if key in _FIXED:
        return tr(lang, _FIXED[key][0])
    m = _PT_RE.match(key)
    if m:
        return tr(
            lang,
            "Aandeel woningen bij een halte met ≥ {n} vertrekken/uur ({window})",
            n=m["n"],
            window=window_label(m["window"], lang),
        )
    m = _HUB_SCORE_RE.match(key)
    if m:
        return tr(
            lang,
            "Mobipuntscore binnen {t} min fietsen (gewogen naar Hoppin-type, 0-100)",
            t=m["t"],
        )
    m = _HUB_OFFER_RE.match(key)
    if m:
        return tr(
            lang,
            "Aandeel woningen binnen {t} min fietsen van een mobipunt met {offer}",
            t=m["t"],
            offer=m["offer"],
        )
    m = _TRAIN_SHARE_RE.match(key)
    if m:
        return tr(
            lang,
            "Aandeel woningen binnen {t} min fietsen van een station met genoeg treinen",
            t=m["t"],
        )
    m = _STAT_RE.match(key)
    if m:
        stat = tr(lang, _STAT[m["stat"]])
        if m["what"] == "bike_min_train":
            label = tr(lang, "{stat} fietstijd tot een station met genoeg treinen (min)", stat=stat)
        else:
            label = tr(lang, "{stat} deur-tot-deur fiets + trein naar Brussel (min)", stat=stat)
        if m["stat"] == "mean":
            label += tr(lang, ", woningen met route")
        return label
    return None


def transit_unit(key: str) -> str | None:
    """The unit of a public transport key, or None when ``key`` is not one."""
    if key in _FIXED:
        return _FIXED[key][1]
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
