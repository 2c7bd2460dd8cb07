"""Layer roles and the fields each role needs.

A loaded layer gets a role (municipalities, bike network, ...). Each role
names *canonical fields* (``nis``, ``dwellings`` ...); a layer's field mapping
says which of its columns holds each canonical field. Analysis code only ever
asks for canonical fields (``layer.column("dwellings")``), so a user's own
column names never leak into the engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slimmeregio.layers import opportunity_roles as _opp

__all__ = [
    "CANONICAL_VALUES",
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
    "ValueTable",
    "canonical_value",
    "guess_fields",
    "guess_role",
    "normalize_name",
    "normalize_value",
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
        FieldSpec("id", False, "str", "id", "id"),
    ),
    Role.MOBIPUNTEN: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("hoppin_type", True, "str", "Hoppin-type", "Hoppin type"),
        FieldSpec("offer", False, "str", "aanbod", "offer"),
        FieldSpec("municipality", False, "str", "gemeente", "municipality"),
        FieldSpec("id", False, "str", "id", "id"),
    ),
    Role.HOUSING: (
        FieldSpec("dwellings", True, "int", "woningen", "dwellings"),
        FieldSpec("status", False, "str", "status", "status"),
        FieldSpec("name", False, "str", "naam", "name"),
        FieldSpec("id", False, "str", "id", "id"),
    ),
    Role.STATIONS: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("trains_per_day", True, "float", "treinen per dag", "trains per day"),
        FieldSpec("id", False, "str", "id", "id"),
    ),
    Role.POPULATION_GRID: (),
    # Public transport stops as the GTFS import writes them (layers/gtfs.py):
    # departures per hour in its four default time windows.
    Role.PT_STOPS: (
        FieldSpec("name", True, "str", "naam", "name"),
        FieldSpec("mode", True, "str", "modi", "modes"),
        FieldSpec("routes", False, "str", "lijnen", "routes"),
        FieldSpec("departures_morning_peak", False, "float", "vertrekken/uur ochtendspits",
                  "departures/hour morning peak"),
        FieldSpec("departures_daytime", False, "float", "vertrekken/uur overdag",
                  "departures/hour daytime"),
        FieldSpec("departures_evening_peak", False, "float", "vertrekken/uur avondspits",
                  "departures/hour evening peak"),
        FieldSpec("departures_evening", False, "float", "vertrekken/uur avond",
                  "departures/hour evening"),
        FieldSpec("id", False, "str", "id", "id"),
    ),
    Role.OTHER: (),
}


# --- Guessing a role and a field mapping from column names -----------------------

#: Column-name synonyms per role and canonical field, most specific first.
#: Names are compared after :func:`normalize_name` (lower case, no accents,
#: every run of other characters turned into ``_``): ``Categorie BVR`` matches
#: ``categorie_bvr``. Dutch, English, French and Flemish open-data names.
FIELD_SYNONYMS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.MUNICIPALITIES: {
        "nis": (
            "nis", "niscode", "nis_code", "nis5", "nis_gemeente", "nis_code_gemeente",
            "refnis", "cd_refnis", "cd_munty_refnis", "code_nis", "ins", "code_ins",
            "gemeentecode", "gemnis", "gem_nis",
        ),
        "name": (
            "name_nl", "naam_nl", "naam", "gemeentenaam", "gemeente_naam", "gemeente",
            "tx_munty_descr_nl", "tx_descr_nl", "name", "municipality", "municipality_name",
            "commune", "nom", "name_fr", "naam_fr", "tx_descr_fr", "tx_munty_descr_fr",
        ),
        "population": (
            "population", "inwoners", "bevolking", "aantal_inwoners", "bevolkingsaantal",
            "ms_population", "totaal_bevolking", "total_population", "tot_pop", "pop",
            "inw", "habitants", "population_totale",
        ),
    },
    Role.BIKE_NETWORK: {
        "link_class": (
            "link_class", "klasse", "fietsklasse", "bff_klasse", "categorie_bff",
            "routeklasse", "fietsroute_klasse", "linkklasse", "hierarchie", "functie",
            "route_type", "routetype", "netwerk", "network", "niveau", "categorie",
            "category", "class", "type",
        ),
        "speed": (
            "speed", "snelheid", "speed_kmh", "snelheid_kmh", "v_kmh", "maxspeed",
            "max_snelheid", "ontwerpsnelheid",
        ),
        "oneway": ("oneway", "one_way", "eenrichting", "enkelrichting", "richting"),
        "name": ("naam", "name", "routenaam", "route_name", "straatnaam", "straat", "label", "ref"),
        "id": (
            "id", "link_id", "osm_id", "ws_oidn", "oidn", "uidn", "objectid", "object_id", "gid",
            "uuid", "fid",
        ),
    },
    Role.MOBIPUNTEN: {
        "name": (
            "naam", "name", "naam_hoppinpunt", "hoppinpunt", "hoppinpunt_naam", "locatie",
            "label", "titel", "omschrijving",
        ),
        "hoppin_type": (
            "categorie_bvr", "hoppin_type", "hoppintype", "type_hoppinpunt",
            "hoppinpunt_type", "categorie_hoppin", "hoppin_categorie", "schaalniveau",
            "hub_type", "categorie", "category", "type", "klasse", "niveau", "class",
        ),
        "offer": (
            "aanbod", "offer", "voorzieningen", "diensten", "services", "modi", "modes",
            "functies", "facilities", "vervoersaanbod",
        ),
        "municipality": ("gemeente", "gemeentenaam", "gemeente_naam", "municipality", "commune"),
        "id": (
            "id", "hoppin_id", "hoppinpunt_id", "osm_id", "objectid", "object_id", "uuid", "gid",
            "fid", "code",
        ),
    },
    Role.HOUSING: {
        "dwellings": (
            "woningen", "dwellings", "aantal_woningen", "wooneenheden", "aantal_wooneenheden",
            "woongelegenheden", "aantal_woongelegenheden", "n_woningen", "nr_woningen",
            "n_dwellings", "housing_units", "logements", "nb_logements", "units",
        ),
        "status": ("status", "toestand", "fase", "planstatus", "stadium", "state"),
        "name": ("naam", "name", "projectnaam", "project", "adres", "address", "label"),
        "id": (
            "id", "objectid", "object_id", "osm_id", "capakey", "perceel", "uuid", "gid", "fid",
            "code",
        ),
    },
    Role.STATIONS: {
        "name": (
            "name", "naam", "station", "stationsnaam", "station_name", "name_nl",
            "naam_station", "standard_name",
        ),
        "trains_per_day": (
            "treinen_per_dag", "trains_per_day", "avg_stop_times", "stop_times",
            "aantal_treinen", "treinen_dag", "treinen", "n_trains", "trains",
            "vertrekken_per_dag", "departures_per_day", "frequentie", "frequency",
        ),
        "id": (
            "id", "uri", "station_id", "stationid", "ptcarid", "uic", "uic_code", "osm_id",
            "objectid", "fid", "code",
        ),
    },
    Role.POPULATION_GRID: {},
    Role.PT_STOPS: {
        "name": ("naam", "name", "stop_name", "haltenaam", "halte", "naam_halte", "nom_arret"),
        "mode": (
            "modi", "modes", "modus", "mode", "hoofdmodus", "vervoerswijze", "vervoermiddel",
            "transport_mode", "route_type",
        ),
        "routes": ("lijnen", "routes", "lijn", "route_short_name", "lignes", "lines"),
        "departures_morning_peak": (
            "per_uur_ochtendspits", "vertrekken_ochtendspits", "departures_morning_peak",
        ),
        "departures_daytime": ("per_uur_dag", "vertrekken_dag_uur", "departures_daytime"),
        "departures_evening_peak": (
            "per_uur_avondspits", "vertrekken_avondspits", "departures_evening_peak",
        ),
        "departures_evening": ("per_uur_avond", "vertrekken_avond", "departures_evening"),
        "id": ("stop_id", "halte_id", "haltenummer", "id", "stop_code", "objectid", "fid"),
    },
    Role.OTHER: {},
}

#: Generic names that match a field only weakly: they complete a mapping but
#: never make a role likely on their own (a ``type`` column is everywhere).
_WEAK_NAMES = frozenset(
    {"type", "categorie", "category", "class", "klasse", "niveau", "code", "id", "fid",
     "gid", "naam", "name", "label", "status", "state", "richting", "units", "ref"}
)

#: Canonical fields that say nothing about the role (every layer has a name).
_NEUTRAL_KEYS = frozenset({"name", "id", "municipality", "status"}) | _opp.OPPORTUNITY_NEUTRAL_KEYS

#: Words in a layer or file name that point at a role (after normalize_name).
ROLE_NAME_WORDS: dict[Role, tuple[str, ...]] = {
    Role.MUNICIPALITIES: (
        "gemeente", "municipal", "commune", "refgem", "vrbg", "gemeentegrens",
    ),
    Role.BIKE_NETWORK: ("fiets", "bike", "cycl", "bff", "velo", "bicycle"),
    Role.MOBIPUNTEN: ("mobipunt", "hoppin", "mobility_hub", "mobilityhub", "mobihub"),
    Role.HOUSING: ("woning", "housing", "dwelling", "wooneenhe", "woonproject", "logement"),
    Role.STATIONS: ("station", "treinstation", "spoorweg", "railway"),
    Role.POPULATION_GRID: ("bevolking", "population", "inwoners", "popgrid", "pop_grid"),
    Role.PT_STOPS: ("ov_halte", "haltes", "bushalte", "tramhalte", "gtfs", "pt_stops",
                    "transit_stops", "arrets"),
    Role.OTHER: (),
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
        "point" if "Point" in t else "line" if "Line" in t else "polygon" if "Polygon" in t else "other"
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
        telling = sum(1 for key, (_c, strong) in matched.items() if strong and key not in _NEUTRAL_KEYS)
        hit = _name_hit(role, name)
        if not (hit or (have_all and telling > 0)):
            continue
        score = 4 * hit + 3 * have_all + telling
        if score > best_score:
            best, best_score = role, score
    return best


# --- Canonical values of categorical fields ------------------------------------------


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
    {"geen", "niet", "no", "not", "non", "zonder", "without", "voormalig", "voormalige",
     "former", "geschrapt", "cancelled", "canceled", "vervallen", "ex"}
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
            "fietssnelwegen", "fiets snelweg", "fietsostrade", "snelfietsroute", "snelfietspad",
            "hoofdroute", "hoofdroutes", "hoofdfietsroute", "f-route", "cycle highway",
            "cycle superhighway", "cycle super highway", "bicycle highway", "bike highway",
            "cycling highway", "fast cycle route", "fast cycling route", "superhighway",
            "autoroute cyclable", "autoroute a velos",
        ),
        "bovenlokaal": (
            "bovenlokale", "boven lokaal", "bovenlokaal functioneel",
            "bovenlokaal functioneel fietsroutenetwerk", "bff", "functioneel", "functionele",
            "functionele fietsroute", "functionele route", "alternatieve functionele fietsroute",
            "alternatieve functionele route", "alternatief functioneel", "regionaal",
            "regionale", "regional", "supralokaal", "supralocal", "supra local",
            "internationaal", "international", "nationaal", "national", "icn", "ncn", "rcn",
            "knooppuntennetwerk", "fietsknooppuntennetwerk", "node network",
        ),
        "lokaal": (
            "lokale", "local", "lcn", "gemeentelijk", "gemeentelijke", "municipal", "communal",
            "lokaal functioneel", "lokale functionele", "lokaal functionele",
        ),
        "overig": (
            "overige", "other", "others", "andere", "anders", "rest", "onbekend", "unknown",
            "autre", "autres",
        ),
    },
    (
        "fietsroute", "fietsroutes", "route", "routes", "fietsroutenetwerk", "fietsnetwerk",
        "netwerk", "network", "fietspad", "fietsverbinding", "verbinding", "link", "links",
        "fiets", "cycle", "cycling", "bicycle", "bike", "klasse", "class", "categorie",
        "category", "type", "niveau", "level",
    ),
)

#: Hoppin types as the Basisbereikbaarheid plans, Hoppin inventories and
#: English or French sources write them.
_HOPPIN_TYPE_TABLE = _table(
    {
        "interregionaal": (
            "interregionale", "interregional", "inter regionaal", "inter regional",
        ),
        "regionaal": ("regionale", "regional"),
        "lokaal": ("lokale", "local", "locale"),
        "buurt": (
            "buurtpunt", "buurthoppinpunt", "buurtmobipunt", "buurthub", "buurtniveau",
            "neighbourhood", "neighborhood", "wijk", "wijkpunt", "quartier",
        ),
    },
    (
        "hoppinpunt", "hoppinpunten", "hoppin", "punt", "mobipunt", "mobipunten",
        "mobiliteitspunt", "mobiliteitshub", "mobility", "hub", "mobihub", "point", "type",
        "niveau", "level", "categorie", "category", "klasse", "class", "de", "het",
    ),
)

#: Housing statuses: ``bestaand`` is lived in now; everything still to be
#: built (planned, permitted, under construction) is ``gepland``.
_HOUSING_STATUS_TABLE = _table(
    {
        "bestaand": (
            "bestaande", "existing", "exists", "existant", "existante", "gerealiseerd",
            "realised", "realized", "opgeleverd", "afgewerkt", "voltooid", "completed",
            "built", "gebouwd", "bewoond", "in gebruik", "actueel", "current",
        ),
        "gepland": (
            "geplande", "planned", "planning", "in planning", "in ontwikkeling", "ontwikkeling",
            "in development", "under development", "vergund", "vergunning",
            "vergunning verleend", "permitted", "permit granted", "aangevraagd",
            "in aanvraag", "in aanbouw", "aanbouw", "in uitvoering", "uitvoering",
            "under construction", "in constructie", "ontwerp", "in ontwerp", "voorzien",
            "toekomstig", "future", "prevu", "en projet", "projete", "en construction",
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
