"""Canonical values of categorical fields (link class, Hoppin type, housing status) and the synonyms a user's data may hold."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from slimmeregio.layers.roles import Role

__all__ = [
    "CANONICAL_VALUES",
    "ValueTable",
    "canonical_value",
    "normalize_value",
]


def normalize_value(value: Any) -> str:
    """A categorical value in comparable form: lower case, no accents, words
    separated by single spaces.

    >>> normalize_value("  Hoppinpunt - Lokaal ")
    'hoppinpunt lokaal'
    >>> normalize_value("Interrégional")
    'interregional'
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


#: Words that turn a value into its opposite ("niet vergund"): such a value is
#: only recognised by an exact entry, never word by word.
_NEGATIONS = frozenset(
    {
        "geen",
        "niet",
        "no",
        "not",
        "non",
        "zonder",
        "without",
        "voormalig",
        "voormalige",
        "former",
        "geschrapt",
        "cancelled",
        "canceled",
        "vervallen",
        "ex",
    }
)


@dataclass(frozen=True)
class ValueTable:
    """How the values of one categorical field map onto its canonical values.

    ``canonical`` lists the canonical values; ``synonyms`` maps a value in
    :func:`normalize_value` form to one of them; ``filler`` are words that
    say nothing about the class (``hoppinpunt``, ``fietsroute`` ...).
    """

    canonical: tuple[str, ...]
    synonyms: dict[str, str]
    filler: frozenset[str]
    #: Whether an empty value is reported as unknown (a link without class is;
    #: a housing object without status is not).
    report_empty: bool = True

    def lookup(self, value: Any) -> str | None:
        """The canonical value for ``value``, or None when not recognised.

        Tried in turn: the whole value, the value without filler words, and
        word by word (every recognised word must agree; never when the value
        holds a negation such as ``niet``).
        """
        text = normalize_value(value)
        if not text:
            return None
        hit = self.synonyms.get(text)
        if hit is not None:
            return hit
        words = text.split()
        kept = [w for w in words if w not in self.filler]
        if kept and len(kept) < len(words):
            hit = self.synonyms.get(" ".join(kept))
            if hit is not None:
                return hit
        if _NEGATIONS.intersection(words):
            return None
        found = {self.synonyms[w] for w in kept if w in self.synonyms}
        return found.pop() if len(found) == 1 else None


def _table(
    groups: dict[str, tuple[str, ...]], filler: Iterable[str], *, report_empty: bool = True
) -> ValueTable:
    synonyms: dict[str, str] = {}
    for canonical, values in groups.items():
        for value in (canonical, *values):
            key = normalize_value(value)
            if synonyms.setdefault(key, canonical) != canonical:
                raise ValueError(f"value {value!r} maps to two classes")
    return ValueTable(
        canonical=tuple(groups),
        synonyms=synonyms,
        filler=frozenset(normalize_value(w) for w in filler),
        report_empty=report_empty,
    )


#: Bike network link classes as Flemish portals (BFF, provinces), municipal
#: plans, English sources and OpenStreetMap's route networks write them.
#: ``hoofdroute`` is the BFF's top category (largely the fietssnelwegen);
#: OSM's icn/ncn/rcn networks and the node network are ``bovenlokaal`` and
#: lcn is ``lokaal``, as in the OpenStreetMap import.
_LINK_CLASS_TABLE = _table(
    {
        "fietssnelweg": (
            "fietssnelwegen",
            "fiets snelweg",
            "fietsostrade",
            "snelfietsroute",
            "snelfietspad",
            "hoofdroute",
            "hoofdroutes",
            "hoofdfietsroute",
            "f-route",
            "cycle highway",
            "cycle superhighway",
            "cycle super highway",
            "bicycle highway",
            "bike highway",
            "cycling highway",
            "fast cycle route",
            "fast cycling route",
            "superhighway",
            "autoroute cyclable",
            "autoroute a velos",
        ),
        "bovenlokaal": (
            "bovenlokale",
            "boven lokaal",
            "bovenlokaal functioneel",
            "bovenlokaal functioneel fietsroutenetwerk",
            "bff",
            "functioneel",
            "functionele",
            "functionele fietsroute",
            "functionele route",
            "alternatieve functionele fietsroute",
            "alternatieve functionele route",
            "alternatief functioneel",
            "regionaal",
            "regionale",
            "regional",
            "supralokaal",
            "supralocal",
            "supra local",
            "internationaal",
            "international",
            "nationaal",
            "national",
            "icn",
            "ncn",
            "rcn",
            "knooppuntennetwerk",
            "fietsknooppuntennetwerk",
            "node network",
        ),
        "lokaal": (
            "lokale",
            "local",
            "lcn",
            "gemeentelijk",
            "gemeentelijke",
            "municipal",
            "communal",
            "lokaal functioneel",
            "lokale functionele",
            "lokaal functionele",
        ),
        "overig": (
            "overige",
            "other",
            "others",
            "andere",
            "anders",
            "rest",
            "onbekend",
            "unknown",
            "autre",
            "autres",
        ),
    },
    (
        "fietsroute",
        "fietsroutes",
        "route",
        "routes",
        "fietsroutenetwerk",
        "fietsnetwerk",
        "netwerk",
        "network",
        "fietspad",
        "fietsverbinding",
        "verbinding",
        "link",
        "links",
        "fiets",
        "cycle",
        "cycling",
        "bicycle",
        "bike",
        "klasse",
        "class",
        "categorie",
        "category",
        "type",
        "niveau",
        "level",
    ),
)

#: Hoppin types as the Basisbereikbaarheid plans, Hoppin inventories and
#: English or French sources write them.
_HOPPIN_TYPE_TABLE = _table(
    {
        "interregionaal": (
            "interregionale",
            "interregional",
            "inter regionaal",
            "inter regional",
        ),
        "regionaal": ("regionale", "regional"),
        "lokaal": ("lokale", "local", "locale"),
        "buurt": (
            "buurtpunt",
            "buurthoppinpunt",
            "buurtmobipunt",
            "buurthub",
            "buurtniveau",
            "neighbourhood",
            "neighborhood",
            "wijk",
            "wijkpunt",
            "quartier",
        ),
    },
    (
        "hoppinpunt",
        "hoppinpunten",
        "hoppin",
        "punt",
        "mobipunt",
        "mobipunten",
        "mobiliteitspunt",
        "mobiliteitshub",
        "mobility",
        "hub",
        "mobihub",
        "point",
        "type",
        "niveau",
        "level",
        "categorie",
        "category",
        "klasse",
        "class",
        "de",
        "het",
    ),
)

#: Housing statuses: ``bestaand`` is lived in now; everything still to be
#: built (planned, permitted, under construction) is ``gepland``.
_HOUSING_STATUS_TABLE = _table(
    {
        "bestaand": (
            "bestaande",
            "existing",
            "exists",
            "existant",
            "existante",
            "gerealiseerd",
            "realised",
            "realized",
            "opgeleverd",
            "afgewerkt",
            "voltooid",
            "completed",
            "built",
            "gebouwd",
            "bewoond",
            "in gebruik",
            "actueel",
            "current",
        ),
        "gepland": (
            "geplande",
            "planned",
            "planning",
            "in planning",
            "in ontwikkeling",
            "ontwikkeling",
            "in development",
            "under development",
            "vergund",
            "vergunning",
            "vergunning verleend",
            "permitted",
            "permit granted",
            "aangevraagd",
            "in aanvraag",
            "in aanbouw",
            "aanbouw",
            "in uitvoering",
            "uitvoering",
            "under construction",
            "in constructie",
            "ontwerp",
            "in ontwerp",
            "voorzien",
            "toekomstig",
            "future",
            "prevu",
            "en projet",
            "projete",
            "en construction",
        ),
    },
    ("status", "fase", "toestand", "state", "stadium"),
    report_empty=False,
)

#: (role, canonical field) -> its value table. Values of these fields are
#: translated on load (see :func:`slimmeregio.layers.io.canonicalize_values`).
CANONICAL_VALUES: dict[tuple[Role, str], ValueTable] = {
    (Role.BIKE_NETWORK, "link_class"): _LINK_CLASS_TABLE,
    (Role.MOBIPUNTEN, "hoppin_type"): _HOPPIN_TYPE_TABLE,
    (Role.HOUSING, "status"): _HOUSING_STATUS_TABLE,
}


def canonical_value(role: Role | str, key: str, value: Any) -> str | None:
    """The canonical value of field ``key`` of ``role`` for ``value``.

    None when the value is not recognised or the field has no fixed values.

    >>> canonical_value(Role.BIKE_NETWORK, "link_class", "Functionele fietsroute")
    'bovenlokaal'
    >>> canonical_value("mobipunten", "hoppin_type", "Hoppinpunt - lokaal")
    'lokaal'
    >>> canonical_value(Role.HOUSING, "status", "in ontwikkeling")
    'gepland'
    """
    table = CANONICAL_VALUES.get((Role(role), key))
    return None if table is None else table.lookup(value)
