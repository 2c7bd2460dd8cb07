"""Dutch and English labels and units of the opportunity and commuting indicator keys.

The keys are described in :mod:`slimmeregio.scenarios.opportunity_eval`;
:func:`slimmeregio.scenarios.results.indicator_label` asks here for the keys
it does not know itself.
"""

from __future__ import annotations

import re

__all__ = ["KIND_LABELS", "PRESET_LABELS", "opportunity_label", "opportunity_unit"]

#: Opportunity kind -> (Dutch, English) plural noun as counted.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "jobs": ("banen", "jobs"),
    "schools": ("leerlingen/scholen", "pupils/schools"),
    "health": ("zorgvoorzieningen", "health-care facilities"),
    "shops": ("winkels en diensten", "shops and services"),
    "destinations": ("bestemmingen", "destinations"),
}
#: Kind -> (Dutch, English) singular for "the k-th nearest ...".
_KIND_ONE: dict[str, tuple[str, str]] = {
    "jobs": ("werkplaats", "workplace"),
    "schools": ("school", "school"),
    "health": ("zorgvoorziening", "health-care facility"),
    "shops": ("winkel of dienst", "shop or service"),
    "destinations": ("bestemming", "destination"),
}
#: Uptake preset -> (Dutch, English) label.
PRESET_LABELS: dict[str, tuple[str, str]] = {
    "current": ("huidig", "current"),
    "government_target": ("beleidsdoel", "government target"),
    "go_dutch": ("Go Dutch", "Go Dutch"),
    "ebike": ("e-fiets", "e-bike"),
}

_KINDS = "|".join(KIND_LABELS)
_CUMULATIVE = re.compile(rf"^opp_(?P<kind>{_KINDS})_(?P<mode>bike|walk)_(?P<thr>[0-9.]+)(?:min|m)$")
_POTENTIAL = re.compile(rf"^opp_(?P<kind>{_KINDS})_potential_(?P<mode>bike|walk)$")
_KTH = re.compile(rf"^opp_(?P<kind>{_KINDS})_k(?P<k>[0-9]+)_(?P<mode>bike_min|walk_m)$")
_COMMUTERS = re.compile(r"^(?P<share>share_)?bike_commuters_(?P<preset>[a-z_]+)$")


def opportunity_label(key: str, lang: str = "nl") -> str | None:
    """The label of an opportunity or commuting key, None for other keys."""
    i = 0 if lang == "nl" else 1
    if key == "commuters":
        return (
            "Pendelaars (woon-werk) toegewezen aan het fietsnetwerk",
            "Commuters (home-work) assigned to the bike network",
        )[i]
    m = _CUMULATIVE.match(key)
    if m:
        what = KIND_LABELS[m["kind"]][i]
        if m["mode"] == "bike":
            return (
                f"Gemiddeld aantal {what} binnen {m['thr']} min fietsen",
                f"Mean {what} within {m['thr']} min by bike",
            )[i]
        return (
            f"Gemiddeld aantal {what} binnen {m['thr']} m wandelen",
            f"Mean {what} within {m['thr']} m walk",
        )[i]
    m = _POTENTIAL.match(key)
    if m:
        what = KIND_LABELS[m["kind"]][i]
        mode = ("fietsen", "cycling") if m["mode"] == "bike" else ("wandelen", "walking")
        return (
            f"Bereikbaarheidspotentieel {what} ({mode[0]}, afstandsverval)",
            f"Accessibility potential of {what} ({mode[1]}, distance decay)",
        )[i]
    m = _KTH.match(key)
    if m:
        one = _KIND_ONE[m["kind"]][i]
        k = m["k"]
        nth = _ordinal(int(k))
        if m["mode"] == "bike_min":
            return (
                f"Mediaan fietstijd tot de {k}e dichtste {one} (min)",
                f"Median cycling time to the {nth} nearest {one} (min)",
            )[i]
        return (
            f"Mediaan wandelafstand tot de {k}e dichtste {one} (m)",
            f"Median walking distance to the {nth} nearest {one} (m)",
        )[i]
    m = _COMMUTERS.match(key)
    if m and m["preset"] in PRESET_LABELS:
        preset = PRESET_LABELS[m["preset"]][i]
        if m["share"]:
            return (
                f"Aandeel potentiële fietspendelaars ({preset})",
                f"Share of potential bike commuters ({preset})",
            )[i]
        return (f"Potentiële fietspendelaars ({preset})", f"Potential bike commuters ({preset})")[i]
    return None


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def opportunity_unit(key: str) -> str | None:
    """Unit of an opportunity or commuting key, None for other keys."""
    if key == "commuters" or _CUMULATIVE.match(key):
        return "count"
    if _POTENTIAL.match(key):
        return "count"
    m = _KTH.match(key)
    if m:
        return "min" if m["mode"] == "bike_min" else "m"
    m = _COMMUTERS.match(key)
    if m and m["preset"] in PRESET_LABELS:
        return "%" if m["share"] else "count"
    return None
