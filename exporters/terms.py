"""The words exports use for the domain, in Dutch with their English in the catalogue (the same list as docs/glossary.md)."""

from __future__ import annotations

import re

from slimmeregio.layers.i18n import N_, tr

__all__ = [
    "HOPPIN_TYPES",
    "LINK_CLASSES",
    "STATUSES",
    "TERMS",
    "domain_terms",
    "hoppin_type",
    "link_class",
    "term",
]

#: Hoppinpunt types (data values are Dutch; ``tr`` gives the English names).
HOPPIN_TYPES: dict[str, str] = {
    "interregionaal": N_("interregionaal"),
    "regionaal": N_("regionaal"),
    "lokaal": N_("lokaal"),
    "buurt": N_("buurt"),
}

#: Link classes of the bike network (data values are Dutch; ``tr`` gives the short English names).
LINK_CLASSES: dict[str, str] = {
    "fietssnelweg": N_("fietssnelweg"),
    "bovenlokaal": N_("bovenlokaal"),
    "lokaal": N_("lokaal"),
    "overig": N_("overig"),
}

#: Housing status values (Dutch data values; ``tr`` gives the English names).
STATUSES: dict[str, str] = {"bestaand": N_("bestaand"), "gepland": N_("gepland")}

#: Key -> Dutch word (``tr`` gives the English). Every export uses these words and no synonyms.
TERMS: dict[str, str] = {
    "mobipunt": N_("mobipunt"),
    "hoppinpunt": N_("Hoppinpunt"),
    "link": N_("verbinding"),
    "base": N_("basistoestand"),
    "scenario": N_("scenario"),
    "dwelling": N_("woning"),
    "inhabitants_statbel": N_("inwoners (Statbel)"),
    "inhabitants_estimate": N_("inwoners (schatting: woningen × gezinsgrootte)"),
    "gain": N_("winst"),
    "loss": N_("verlies"),
    "pp": N_("procentpunt"),
    "site": N_("voorgestelde locatie"),
    "flow": N_("potentiële fietsstroom"),
    "threshold": N_("drempel"),
}


def term(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (``nl`` or ``en``)."""
    return tr(lang, TERMS[key])


def hoppin_type(value: str, lang: str) -> str:
    """A Hoppinpunt type as shown in ``lang`` (unknown types unchanged)."""
    text = str(value)
    return tr(lang, HOPPIN_TYPES[text]) if text in HOPPIN_TYPES else text


def link_class(value: str, lang: str) -> str:
    """A link class as shown in ``lang`` (unknown classes unchanged)."""
    text = str(value)
    return tr(lang, LINK_CLASSES[text]) if text in LINK_CLASSES else text


def domain_terms(text: str, lang: str) -> str:
    """``text`` the engine wrote with Dutch domain words (mobipunt, Hoppin types, link classes
    and housing status in parentheses: ``(bovenlokaal, 705 m)``, ``(gepland)``) in ``lang``'s words.

    Quoted parts are names from the data and stay as they are; in Dutch the text is unchanged.
    """
    words = {**HOPPIN_TYPES, **LINK_CLASSES, **STATUSES}
    many, one = tr(lang, "mobipunten", context="term"), tr(lang, "mobipunt", context="term")
    parts = text.split("'")
    for i in range(0, len(parts), 2):
        part = parts[i].replace("mobipunten", many).replace("mobipunt", one)
        for value, word in words.items():
            shown = tr(lang, word).replace("\\", r"\\")
            part = re.sub(rf"\(({value})([,)])", rf"({shown}\2", part)
        parts[i] = part
    return "'".join(parts)
