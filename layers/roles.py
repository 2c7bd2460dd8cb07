"""Layer roles and the fields each role needs.

A loaded layer gets a role (municipalities, bike network, ...). Each role
names *canonical fields* (``nis``, ``dwellings`` ...); a layer's field mapping
says which of its columns holds each canonical field. Analysis code only ever
asks for canonical fields (``layer.column("dwellings")``), so a user's own
column names never leak into the engine.
Canonical values of categorical fields live in :mod:`.role_values`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slimmeregio.layers import opportunity_roles as _opp
from slimmeregio.layers import role_synonyms as _synonyms

__all__ = [
    "FIELD_SYNONYMS",
    "HOPPIN_TYPES",
    "BRUSSELS_LAYER_NAMES",
    "HOUSING_STATUSES",
    "LINK_CLASSES",
    "ROLE_FIELDS",
    "ROLE_GEOMETRIES",
    "ROLE_NAME_WORDS",
    "FieldSpec",
    "Role",
    "guess_fields",
    "guess_role",
    "normalize_name",
]


class Role(StrEnum):
    MUNICIPALITIES = "municipalities"
    BIKE_NETWORK = "bike_network"
    MOBIPUNTEN = "mobipunten"
    HOUSING = "housing"
    STATIONS = "stations"
    POPULATION_GRID = "population_grid"
    PT_STOPS = "ov_haltes"
    # Opportunities and commuting (vocabulary in layers/opportunity_roles.py).
    JOBS = "banen"
    SCHOOLS = "scholen"
    HEALTH_CARE = "zorg"
    SHOPS = "winkels_diensten"
    DESTINATIONS = "bestemmingen"
    OD_TABLE = "pendelstromen"
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
    Role.PT_STOPS: ("OV-haltes", "public transport stops"),
    Role.OTHER: ("andere", "other"),
    **{Role(k): v for k, v in _opp.OPPORTUNITY_LABELS.items()},
}

#: Names of the polygon layer of the Brussels area (case-insensitive): not
#: analysed, but the main destination of commuting, so the engine routes to
#: its border and an OpenStreetMap import keeps its streets.
BRUSSELS_LAYER_NAMES = ("brussel", "brussels", "bruxelles", "brussel-hoofdstad", "brussels-capital")

#: Link classes of a bike network, best first. Values as planners write them.
LINK_CLASSES = ("fietssnelweg", "bovenlokaal", "lokaal", "overig")

#: The four Flemish Hoppinpunt types, largest first.
HOPPIN_TYPES = ("interregionaal", "regionaal", "lokaal", "buurt")

#: Statuses of a housing object: lived in now, or still to come.
HOUSING_STATUSES = ("bestaand", "gepland")


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


#: Fields several roles share.
_NAME = FieldSpec("name", False, "str", "naam", "name")
_ID = FieldSpec("id", False, "str", "id", "id")


def _per_hour(key: str, window_nl: str, window_en: str) -> FieldSpec:
    """Departures per hour of a public transport stop in one time window."""
    return FieldSpec(
        f"departures_{key}",
        False,
        "float",
        f"vertrekken/uur {window_nl}",
        f"departures/hour {window_en}",
    )


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
        _NAME,
        _ID,
    ),
    Role.MOBIPUNTEN: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("hoppin_type", True, "str", "Hoppin-type", "Hoppin type"),
        FieldSpec("offer", False, "str", "aanbod", "offer"),
        FieldSpec("municipality", False, "str", "gemeente", "municipality"),
        _ID,
    ),
    Role.HOUSING: (
        FieldSpec("dwellings", True, "int", "woningen", "dwellings"),
        FieldSpec("status", False, "str", "status", "status"),
        _NAME,
        _ID,
    ),
    Role.STATIONS: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("trains_per_day", True, "float", "treinen per dag", "trains per day"),
        _ID,
    ),
    Role.POPULATION_GRID: (),
    # Public transport stops as the GTFS import writes them (layers/gtfs.py):
    # departures per hour in its four default time windows.
    Role.PT_STOPS: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("mode", True, "str", "modi", "modes"),
        FieldSpec("routes", False, "str", "lijnen", "routes"),
        _per_hour("morning_peak", "ochtendspits", "morning peak"),
        _per_hour("daytime", "overdag", "daytime"),
        _per_hour("evening_peak", "avondspits", "evening peak"),
        _per_hour("evening", "avond", "evening"),
        FieldSpec(
            "ride_min_brussels", False, "float", "rit naar Brussel (min)", "ride to Brussels (min)"
        ),
        FieldSpec("route_rates", False, "str", "vertrekken per lijn", "departures per route"),
        _ID,
    ),
    Role.OTHER: (),
}


# --- Guessing a role and a field mapping from column names -----------------------

#: Column-name synonyms per role and canonical field, most specific first
#: (the table is in :mod:`.role_synonyms`).
FIELD_SYNONYMS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role(value): synonyms for value, synonyms in _synonyms.FIELD_SYNONYMS.items()
}

#: Generic names that match a field only weakly: they complete a mapping but
#: never make a role likely on their own (a ``type`` column is everywhere).
_WEAK_NAMES = frozenset(
    {
        "type",
        "categorie",
        "category",
        "class",
        "klasse",
        "niveau",
        "code",
        "id",
        "fid",
        "gid",
        "naam",
        "name",
        "label",
        "status",
        "state",
        "richting",
        "units",
        "ref",
    }
)

#: Canonical fields that say nothing about the role (every layer has a name).
_NEUTRAL_KEYS = frozenset({"name", "id", "municipality", "status"}) | _opp.OPPORTUNITY_NEUTRAL_KEYS

#: Words in a layer or file name that point at a role (after normalize_name).
ROLE_NAME_WORDS: dict[Role, tuple[str, ...]] = {
    Role(value): words for value, words in _synonyms.ROLE_NAME_WORDS.items()
}

#: Geometry families each vector role accepts.
ROLE_GEOMETRIES: dict[Role, frozenset[str]] = {
    Role.MUNICIPALITIES: frozenset({"polygon"}),
    Role.BIKE_NETWORK: frozenset({"line"}),
    Role.MOBIPUNTEN: frozenset({"point"}),
    Role.HOUSING: frozenset({"point", "polygon"}),
    Role.STATIONS: frozenset({"point"}),
    Role.PT_STOPS: frozenset({"point"}),
}


# The opportunity and commuting roles' vocabulary (kept in its own module).
for _value, _specs in _opp.OPPORTUNITY_FIELDS.items():
    ROLE_FIELDS[Role(_value)] = tuple(FieldSpec(*spec) for spec in _specs)
    FIELD_SYNONYMS[Role(_value)] = _opp.OPPORTUNITY_SYNONYMS[_value]
    ROLE_NAME_WORDS[Role(_value)] = _opp.OPPORTUNITY_NAME_WORDS[_value]
for _value, _families in _opp.OPPORTUNITY_GEOMETRIES.items():
    ROLE_GEOMETRIES[Role(_value)] = _families


def normalize_name(name: str) -> str:
    """A column or layer name in comparable form.

    >>> normalize_name("Categorie BVR")
    'categorie_bvr'
    >>> normalize_name("Bevölkerung (2020)")
    'bevolkerung_2020'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


#: Longest column name a shapefile (dBase) can hold.
_DBF_NAME_LENGTH = 10


def _contains(column: str, synonym: str) -> bool:
    return f"_{synonym}_" in f"_{column}_"


def _exact(column: str, synonym: str) -> bool:
    return column == synonym


def _part(column: str, synonym: str) -> bool:
    # A synonym as part of a longer name ("aantal_woningen_2024").
    return len(synonym) >= 4 and synonym not in _WEAK_NAMES and _contains(column, synonym)


def _cut(column: str, synonym: str) -> bool:
    # A name cut to 10 characters by the shapefile format ("treinen_pe" for treinen_per_dag).
    return (
        len(column) == _DBF_NAME_LENGTH
        and len(synonym) > _DBF_NAME_LENGTH
        and synonym.startswith(column)
    )


def _match_fields(role: Role, columns: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Canonical field -> (column, strong) for ``role``; exact names first,
    then a synonym inside a longer name, then names cut by the shapefile format."""
    cols = [str(c) for c in columns if str(c) != "geometry"]
    normalized = {c: normalize_name(c) for c in cols}
    synonyms = FIELD_SYNONYMS.get(role, {})
    found: dict[str, tuple[str, bool]] = {}
    used: set[str] = set()
    for test in (_exact, _part, _cut):
        for key, names in synonyms.items():
            if key in found:
                continue
            for syn in names:
                hit = next((c for c in cols if c not in used and test(normalized[c], syn)), None)
                if hit is not None:
                    found[key] = (hit, test is not _exact or syn not in _WEAK_NAMES)
                    used.add(hit)
                    break
    return found


def guess_fields(role: Role | str, columns: Iterable[Any]) -> dict[str, str]:
    """Guess which column holds each canonical field of ``role``.

    Parameters
    ----------
    role
        The role whose fields (see :data:`ROLE_FIELDS`) are looked for.
    columns
        The layer's column names (a ``geometry`` column is ignored).

    Returns
    -------
    dict
        Canonical field key -> column name, for the fields found. Each column
        is used for one field at most.

    >>> guess_fields(Role.MOBIPUNTEN, ["Naam", "Categorie BVR", "Gemeente"])
    {'name': 'Naam', 'hoppin_type': 'Categorie BVR', 'municipality': 'Gemeente'}
    """
    return {key: col for key, (col, _strong) in _match_fields(Role(role), columns).items()}


def _geometry_family(frame: Any) -> str | None:
    """``point``, ``line``, ``polygon``, ``mixed`` or None (no geometry)."""
    geometry = getattr(frame, "geometry", None) if hasattr(frame, "geometry") else None
    if geometry is None:
        return None
    try:
        types = {str(t) for t in geometry.geom_type.dropna().unique()}
    except AttributeError:
        return None
    families = {
        "point"
        if "Point" in t
        else "line"
        if "Line" in t
        else "polygon"
        if "Polygon" in t
        else "other"
        for t in types
    }
    if not families:
        return None
    return families.pop() if len(families) == 1 else "mixed"


def _name_hit(role: Role, name: str) -> bool:
    text = normalize_name(name)
    return any(word in text for word in ROLE_NAME_WORDS[role])


def guess_role(frame: Any, name: str = "") -> Role:
    """Guess the role of a vector layer from its name, columns and geometry.

    A role is chosen when the layer's name points at it (``fietsroutes``,
    ``Hoppinpunten`` ...) or when all its required fields are found with at
    least one telling column name (``avg_stop_times``, ``Categorie BVR`` ...);
    the geometry must suit the role. Otherwise :attr:`Role.OTHER`.

    Parameters
    ----------
    frame
        The layer's (Geo)DataFrame; only its columns and geometry types are read.
    name
        The layer or file name.

    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> gdf = gpd.GeoDataFrame({"name": ["Halle"], "avg_stop_times": [180.0]},
    ...                        geometry=[Point(4.24, 50.73)])
    >>> guess_role(gdf, "stations")
    <Role.STATIONS: 'stations'>
    """
    columns = [c for c in getattr(frame, "columns", [])]
    family = _geometry_family(frame)
    best, best_score = Role.OTHER, 0
    for role, allowed in ROLE_GEOMETRIES.items():
        if family is not None and family != "mixed" and family not in allowed:
            continue
        if family == "mixed" and role is not Role.HOUSING:
            continue
        matched = _match_fields(role, columns)
        required = [f.key for f in ROLE_FIELDS[role] if f.required]
        have_all = all(key in matched for key in required)
        telling = sum(
            1 for key, (_c, strong) in matched.items() if strong and key not in _NEUTRAL_KEYS
        )
        hit = _name_hit(role, name)
        if not (hit or (have_all and telling > 0)):
            continue
        score = 4 * hit + 3 * have_all + telling
        if score > best_score:
            best, best_score = role, score
    return best
