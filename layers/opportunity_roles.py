"""The roles of opportunity layers and the commuting (OD) table, as plain data.

Opportunities are what people travel to: jobs, schools, health care, shops
and services, or any point layer a planner marks as destinations
("bestemmingen") with a weight column. The origin-destination table holds
commuters between zones (the census commuting tables municipalities keep).

This module only holds the vocabulary (fields, Flemish and English column
names, layer-name words); :mod:`slimmeregio.layers.roles` merges it into the
role model, keyed by the role values below. It imports nothing of the
package, so the role model can import it at load time.
"""

from __future__ import annotations

__all__ = [
    "OPPORTUNITY_FIELDS",
    "OPPORTUNITY_GEOMETRIES",
    "OPPORTUNITY_LABELS",
    "OPPORTUNITY_NAME_WORDS",
    "OPPORTUNITY_NEUTRAL_KEYS",
    "OPPORTUNITY_ROLE_VALUES",
    "OPPORTUNITY_SYNONYMS",
    "OD_ROLE_VALUE",
    "WEIGHT_FIELD",
]

#: Role values of the opportunity layers (see ``Role`` in the role model).
OPPORTUNITY_ROLE_VALUES = ("banen", "scholen", "zorg", "winkels_diensten", "bestemmingen")
#: Role value of the origin-destination (commuting) table.
OD_ROLE_VALUE = "pendelstromen"

#: Per opportunity role: the canonical field holding each feature's weight
#: (jobs, pupils ...). A feature without a weight counts as one.
WEIGHT_FIELD: dict[str, str] = {
    "banen": "jobs",
    "scholen": "pupils",
    "zorg": "weight",
    "winkels_diensten": "weight",
    "bestemmingen": "weight",
}

#: Role value -> (Dutch label, English label).
OPPORTUNITY_LABELS: dict[str, tuple[str, str]] = {
    "banen": ("banen (werkplaatsen)", "jobs (workplaces)"),
    "scholen": ("scholen", "schools"),
    "zorg": ("zorg", "health care"),
    "winkels_diensten": ("winkels en diensten", "shops and services"),
    "bestemmingen": ("bestemmingen", "destinations"),
    OD_ROLE_VALUE: ("pendelstromen (HB-tabel)", "commuting flows (OD table)"),
}

_NAME = ("name", False, "str", "naam", "name")
_ID = ("id", False, "str", "id", "id")

#: Role value -> fields as ``(key, required, kind, label_nl, label_en)``.
OPPORTUNITY_FIELDS: dict[str, tuple[tuple[str, bool, str, str, str], ...]] = {
    "banen": (
        ("jobs", True, "float", "aantal banen", "number of jobs"),
        _NAME,
        ("sector", False, "str", "sector", "sector"),
        ("zone", False, "str", "zone (NIS-code)", "zone (NIS code)"),
        _ID,
    ),
    "scholen": (
        ("pupils", False, "float", "leerlingen of plaatsen", "pupils or places"),
        _NAME,
        ("level", False, "str", "onderwijsniveau", "school level"),
        _ID,
    ),
    "zorg": (
        ("weight", False, "float", "gewicht (capaciteit)", "weight (capacity)"),
        _NAME,
        ("kind", False, "str", "soort", "kind"),
        _ID,
    ),
    "winkels_diensten": (
        ("weight", False, "float", "gewicht (oppervlakte, zaken)", "weight (floor area, outlets)"),
        _NAME,
        ("kind", False, "str", "soort", "kind"),
        _ID,
    ),
    "bestemmingen": (
        ("weight", True, "float", "gewicht", "weight"),
        _NAME,
        ("kind", False, "str", "soort", "kind"),
        _ID,
    ),
    OD_ROLE_VALUE: (
        ("origin", True, "str", "herkomst (NIS-code of zone)", "origin (NIS code or zone)"),
        (
            "destination",
            True,
            "str",
            "bestemming (NIS-code of zone)",
            "destination (NIS code or zone)",
        ),
        ("commuters", True, "float", "pendelaars", "commuters"),
        ("mode", False, "str", "vervoerswijze", "mode"),
    ),
}

_IDS = ("id", "objectid", "object_id", "osm_id", "uuid", "gid", "fid", "code")
_NAMES = ("naam", "name", "benaming", "omschrijving", "label")

#: Role value -> canonical field -> column names (normalized form), most
#: specific first: Flemish open data (onderwijs.vlaanderen.be, RSZ/Statbel,
#: VKBO), English and French names.
OPPORTUNITY_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "banen": {
        "jobs": (
            "banen",
            "jobs",
            "aantal_banen",
            "tewerkstelling",
            "werkgelegenheid",
            "werknemers",
            "aantal_werknemers",
            "arbeidsplaatsen",
            "aantal_arbeidsplaatsen",
            "werkplaatsen",
            "jobs_count",
            "employees",
            "employment",
            "n_jobs",
            "emplois",
            "nb_emplois",
            "travailleurs",
            "rsz_werknemers",
        ),
        "name": (*_NAMES, "bedrijf", "bedrijfsnaam", "bedrijventerrein", "werkgever", "employer"),
        "sector": ("sector", "nace", "nace_sector", "activiteit", "activity", "branche"),
        "zone": ("zone", "nis", "niscode", "nis_code", "refnis", "zone_nis", "werkgemeente"),
        "id": (*_IDS, "ondernemingsnummer", "kbo", "vestigingsnummer"),
    },
    "scholen": {
        "pupils": (
            "leerlingen",
            "aantal_leerlingen",
            "pupils",
            "students",
            "plaatsen",
            "capaciteit",
            "capacity",
            "places",
            "inschrijvingen",
            "eleves",
            "nb_eleves",
        ),
        "name": (*_NAMES, "schoolnaam", "naam_school", "school", "instelling"),
        "level": (
            "onderwijsniveau",
            "niveau",
            "level",
            "soort_onderwijs",
            "type_onderwijs",
            "onderwijstype",
        ),
        "id": (*_IDS, "instellingsnummer", "schoolnummer"),
    },
    "zorg": {
        "weight": (
            "capaciteit",
            "capacity",
            "bedden",
            "aantal_bedden",
            "beds",
            "weight",
            "gewicht",
        ),
        "name": (*_NAMES, "voorziening", "instelling"),
        "kind": ("soort", "type_zorg", "zorgtype", "healthcare", "amenity", "kind", "type"),
        "id": _IDS,
    },
    "winkels_diensten": {
        "weight": (
            "oppervlakte",
            "winkeloppervlakte",
            "vloeroppervlakte",
            "floor_area",
            "verkoopvloer",
            "handelszaken",
            "weight",
            "gewicht",
        ),
        "name": (*_NAMES, "winkel", "zaak"),
        "kind": ("soort", "shop", "winkeltype", "categorie", "kind", "type"),
        "id": _IDS,
    },
    "bestemmingen": {
        "weight": (
            "gewicht",
            "weight",
            "bezoekers",
            "visitors",
            "capaciteit",
            "capacity",
            "oppervlakte_m2",
        ),
        "name": _NAMES,
        "kind": ("soort", "categorie", "kind", "type"),
        "id": _IDS,
    },
    OD_ROLE_VALUE: {
        "origin": (
            "herkomst",
            "origin",
            "van",
            "from",
            "woonplaats",
            "nis_woonplaats",
            "woongemeente",
            "nis_woongemeente",
            "cd_refnis_residence",
            "refnis_woon",
            "herkomst_nis",
            "origin_nis",
            "o",
            "residence",
            "zone_herkomst",
            "origine",
        ),
        "destination": (
            "bestemming",
            "destination",
            "naar",
            "to",
            "werkplaats",
            "nis_werkplaats",
            "werkgemeente",
            "nis_werkgemeente",
            "cd_refnis_work",
            "refnis_werk",
            "bestemming_nis",
            "destination_nis",
            "d",
            "workplace",
            "zone_bestemming",
        ),
        "commuters": (
            "pendelaars",
            "commuters",
            "aantal_pendelaars",
            "aantal",
            "personen",
            "persons",
            "werkenden",
            "ms_count",
            "ms_pers",
            "flows",
            "flow",
            "trips",
            "verplaatsingen",
            "navetteurs",
            "nombre",
        ),
        "mode": ("vervoerswijze", "modus", "mode", "vervoermiddel", "transport_mode"),
    },
}

#: Canonical fields that never make a role likely on their own: every layer
#: may have a kind or a capacity, so the roles without a telling required
#: field (schools, health care, shops, destinations) are only guessed from
#: the layer's name.
OPPORTUNITY_NEUTRAL_KEYS = frozenset({"weight", "pupils", "kind", "level", "sector", "zone"})

#: Words in a layer or file name that point at each role (normalized form).
OPPORTUNITY_NAME_WORDS: dict[str, tuple[str, ...]] = {
    "banen": (
        "banen",
        "jobs",
        "werkplaats",
        "werkgelegenheid",
        "tewerkstelling",
        "bedrijventerrein",
        "bedrijvenzone",
        "employment",
        "workplace",
    ),
    "scholen": ("school", "scholen", "onderwijs", "education"),
    "zorg": ("zorg", "ziekenhuis", "huisarts", "hospital", "healthcare", "health"),
    "winkels_diensten": ("winkel", "shops", "diensten", "services", "handel"),
    "bestemmingen": ("bestemming", "destination"),
    OD_ROLE_VALUE: (
        "pendel",
        "woon_werk",
        "woonwerk",
        "commut",
        "od_tabel",
        "od_table",
        "herkomst_bestemming",
    ),
}

#: Geometry families each opportunity role accepts (polygons count at their
#: representative point). The OD table has no geometry.
OPPORTUNITY_GEOMETRIES: dict[str, frozenset[str]] = {
    "banen": frozenset({"point", "polygon"}),
    "scholen": frozenset({"point", "polygon"}),
    "zorg": frozenset({"point", "polygon"}),
    "winkels_diensten": frozenset({"point", "polygon"}),
    "bestemmingen": frozenset({"point", "polygon"}),
}
