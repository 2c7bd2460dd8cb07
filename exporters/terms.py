"""The words exports use for the domain, in Dutch and English (the same list as docs/glossary.md)."""

from __future__ import annotations

__all__ = ["HOPPIN_TYPES", "LINK_CLASSES", "STATUSES", "TERMS", "hoppin_type", "link_class", "term"]

#: Hoppinpunt types (data values are Dutch) and their English names.
HOPPIN_TYPES: dict[str, str] = {
    "interregionaal": "interregional",
    "regionaal": "regional",
    "lokaal": "local",
    "buurt": "neighbourhood",
}

#: Link classes of the bike network (data values are Dutch) and their short English names.
LINK_CLASSES: dict[str, str] = {
    "fietssnelweg": "cycle highway",
    "bovenlokaal": "supra-local",
    "lokaal": "local",
    "overig": "other",
}

#: Housing status values (Dutch data values) and their English names.
STATUSES: dict[str, str] = {"bestaand": "existing", "gepland": "planned"}

#: Key -> (Dutch, English). Every export uses these words and no synonyms.
TERMS: dict[str, tuple[str, str]] = {
    "mobipunt": ("mobipunt", "mobility hub"),
    "hoppinpunt": ("Hoppinpunt", "Hoppin point"),
    "link": ("verbinding", "link"),
    "base": ("basistoestand", "base situation"),
    "scenario": ("scenario", "scenario"),
    "dwelling": ("woning", "dwelling"),
    "inhabitants_statbel": ("inwoners (Statbel)", "inhabitants (Statbel)"),
    "inhabitants_estimate": (
        "inwoners (schatting: woningen × gezinsgrootte)",
        "inhabitants (estimate: dwellings × household size)",
    ),
    "gain": ("winst", "gain"),
    "loss": ("verlies", "loss"),
    "pp": ("procentpunt", "percentage point"),
    "site": ("voorgestelde locatie", "suggested site"),
    "flow": ("potentiële fietsstroom", "potential bike flow"),
    "threshold": ("drempel", "threshold"),
}


def term(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (``nl`` or ``en``)."""
    nl, en = TERMS[key]
    return en if lang == "en" else nl


def hoppin_type(value: str, lang: str) -> str:
    """A Hoppinpunt type as shown in ``lang`` (unknown types unchanged)."""
    return HOPPIN_TYPES.get(str(value), str(value)) if lang == "en" else str(value)


def link_class(value: str, lang: str) -> str:
    """A link class as shown in ``lang`` (unknown classes unchanged)."""
    return LINK_CLASSES.get(str(value), str(value)) if lang == "en" else str(value)
