"""Layer roles and the fields each role needs.

A loaded layer gets a role (municipalities, bike network, ...). Each role
names *canonical fields* (``nis``, ``dwellings`` ...); a layer's field mapping
says which of its columns holds each canonical field. Analysis code only ever
asks for canonical fields (``layer.column("dwellings")``), so a user's own
column names never leak into the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "HOPPIN_TYPES",
    "LINK_CLASSES",
    "ROLE_FIELDS",
    "FieldSpec",
    "Role",
]


class Role(StrEnum):
    MUNICIPALITIES = "municipalities"
    BIKE_NETWORK = "bike_network"
    MOBIPUNTEN = "mobipunten"
    HOUSING = "housing"
    STATIONS = "stations"
    POPULATION_GRID = "population_grid"
    OTHER = "other"

    def label(self, lang: str = "nl") -> str:
        return _ROLE_LABELS[self][0 if lang == "nl" else 1]


_ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.MUNICIPALITIES: ("gemeenten", "municipalities"),
    Role.BIKE_NETWORK: ("fietsnetwerk", "bike network"),
    Role.MOBIPUNTEN: ("mobipunten", "mobility hubs (mobipunten)"),
    Role.HOUSING: ("woningen", "housing"),
    Role.STATIONS: ("stations", "stations"),
    Role.POPULATION_GRID: ("bevolkingsraster", "population grid"),
    Role.OTHER: ("andere", "other"),
}

#: Link classes of a bike network, best first. Values as planners write them.
LINK_CLASSES = ("fietssnelweg", "bovenlokaal", "lokaal", "overig")

#: The four Flemish Hoppinpunt types, largest first.
HOPPIN_TYPES = ("interregionaal", "regionaal", "lokaal", "buurt")


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field of a role.

    ``key`` is the canonical name, ``required`` whether the role cannot work
    without it, ``kind`` the expected type (``str``, ``int``, ``float``,
    ``bool``), ``label_nl``/``label_en`` what the user sees.
    """

    key: str
    required: bool
    kind: str
    label_nl: str
    label_en: str


ROLE_FIELDS: dict[Role, tuple[FieldSpec, ...]] = {
    Role.MUNICIPALITIES: (
        FieldSpec("nis", True, "str", "NIS-code", "NIS code"),
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("population", True, "int", "inwoners", "population"),
    ),
    Role.BIKE_NETWORK: (
        FieldSpec("link_class", True, "str", "klasse", "link class"),
        FieldSpec("speed", False, "float", "snelheid (km/u)", "speed (km/h)"),
        FieldSpec("oneway", False, "bool", "eenrichting", "one-way"),
        FieldSpec("name", False, "str", "naam", "name"),
    ),
    Role.MOBIPUNTEN: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("hoppin_type", True, "str", "Hoppin-type", "Hoppin type"),
        FieldSpec("offer", False, "str", "aanbod", "offer"),
        FieldSpec("municipality", False, "str", "gemeente", "municipality"),
    ),
    Role.HOUSING: (
        FieldSpec("dwellings", True, "int", "woningen", "dwellings"),
        FieldSpec("status", False, "str", "status", "status"),
        FieldSpec("name", False, "str", "naam", "name"),
    ),
    Role.STATIONS: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("trains_per_day", True, "float", "treinen per dag", "trains per day"),
    ),
    Role.POPULATION_GRID: (),
    Role.OTHER: (),
}
