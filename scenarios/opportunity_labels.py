"""Dutch and English labels and units of the opportunity and commuting indicator keys.

The keys are described in :mod:`slimmeregio.scenarios.opportunity_eval`;
:func:`slimmeregio.scenarios.results.indicator_label` asks here for the keys
it does not know itself.
"""

from __future__ import annotations

import re

from slimmeregio.layers.i18n import N_, tr
from slimmeregio.layers.numbers import fmt_ordinal

__all__ = [
    "KIND_LABELS",
    "PRESETS",
    "opportunity_label",
    "opportunity_unit",
    "preset_label",
]

#: Opportunity kind -> Dutch plural noun as counted (``tr`` gives the English).
KIND_LABELS: dict[str, str] = {
    "jobs": N_("banen"),
    "schools": N_("leerlingen/scholen"),
    "health": N_("zorgvoorzieningen"),
    "shops": N_("winkels en diensten"),
    "destinations": N_("bestemmingen"),
}
#: Kind -> Dutch singular for "the k-th nearest ...".
_KIND_ONE: dict[str, str] = {
    "jobs": N_("werkplaats"),
    "schools": N_("school"),
    "health": N_("zorgvoorziening"),
    "shops": N_("winkel of dienst"),
    "destinations": N_("bestemming"),
}
#: Uptake preset -> Dutch label (``tr`` gives the English).
PRESETS: dict[str, str] = {
    "current": N_("huidig"),
    "government_target": N_("beleidsdoel"),
    "go_dutch": N_("Go Dutch"),
    "ebike": N_("e-fiets"),
}


def preset_label(preset: str, lang: str = "nl") -> str:
    """The label of uptake preset ``preset`` in ``lang`` (the key itself when unknown)."""
    return tr(lang, PRESETS[preset]) if preset in PRESETS else preset


_KINDS = "|".join(KIND_LABELS)
_CUMULATIVE = re.compile(rf"^opp_(?P<kind>{_KINDS})_(?P<mode>bike|walk)_(?P<thr>[0-9.]+)(?:min|m)$")
_POTENTIAL = re.compile(rf"^opp_(?P<kind>{_KINDS})_potential_(?P<mode>bike|walk)$")
_KTH = re.compile(rf"^opp_(?P<kind>{_KINDS})_k(?P<k>[0-9]+)_(?P<mode>bike_min|walk_m)$")
_COMMUTERS = re.compile(r"^(?P<share>share_)?bike_commuters_(?P<preset>[a-z_]+)$")


def opportunity_label(key: str, lang: str = "nl") -> str | None:
    """The label of an opportunity or commuting key, None for other keys."""
    if key == "commuters":
        return tr(lang, "Pendelaars (woon-werk) toegewezen aan het fietsnetwerk")
    m = _CUMULATIVE.match(key)
    if m:
        what = tr(lang, KIND_LABELS[m["kind"]])
        if m["mode"] == "bike":
            return tr(
                lang, "Gemiddeld aantal {what} binnen {thr} min fietsen", what=what, thr=m["thr"]
            )
        return tr(lang, "Gemiddeld aantal {what} binnen {thr} m wandelen", what=what, thr=m["thr"])
    m = _POTENTIAL.match(key)
    if m:
        what = tr(lang, KIND_LABELS[m["kind"]])
        if m["mode"] == "bike":
            return tr(lang, "Bereikbaarheidspotentieel {what} (fietsen, afstandsverval)", what=what)
        return tr(lang, "Bereikbaarheidspotentieel {what} (wandelen, afstandsverval)", what=what)
    m = _KTH.match(key)
    if m:
        one = tr(lang, _KIND_ONE[m["kind"]])
        nth = fmt_ordinal(int(m["k"]), lang)
        if m["mode"] == "bike_min":
            return tr(lang, "Mediaan fietstijd tot de {nth} dichtste {one} (min)", nth=nth, one=one)
        return tr(lang, "Mediaan wandelafstand tot de {nth} dichtste {one} (m)", nth=nth, one=one)
    m = _COMMUTERS.match(key)
    if m and m["preset"] in PRESETS:
        preset = preset_label(m["preset"], lang)
        if m["share"]:
            return tr(lang, "Aandeel potentiële fietspendelaars ({preset})", preset=preset)
        return tr(lang, "Potentiële fietspendelaars ({preset})", preset=preset)
    return None


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
    if m and m["preset"] in PRESETS:
        return "%" if m["share"] else "count"
    return None
