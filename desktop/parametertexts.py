"""Group, label and tooltip (Dutch source text) of every scenario parameter, for the "Alle parameters…" dialog.

The meanings follow the parameter table of docs/engine.md and the Dutch notes
of the scenario TOML (``scenarios/model_toml.py``). A field of
:class:`~slimmeregio.scenarios.model.Parameters` without an entry here still
gets a widget (under :data:`OTHER_GROUP`, labelled with its key); a test
asserts every field has an entry with an English translation.
"""

from __future__ import annotations

from dataclasses import dataclass

from slimmeregio.layers.roles import HOPPIN_TYPES, LINK_CLASSES

__all__ = ["GROUPS", "OTHER_GROUP", "PARAMETER_TEXTS", "ParameterText", "text_for"]


@dataclass(frozen=True)
class ParameterText:
    """How the dialog shows one parameter: its tab, label and tooltip (Dutch
    source text, translated with ``tr``), and ``items``: the names of a fixed-length
    list's items, or the names a table of numbers lists first."""

    group: str
    label: str
    tip: str
    items: tuple[str, ...] = ()


#: The dialog's tabs, in order.
GROUPS: tuple[str, ...] = (
    "Bereikbaarheid",
    "Snelheden",
    "Openbaar vervoer",
    "Hoppin",
    "Jobs en pendel",
    "Suggesties",
)
#: The tab of a parameter without an entry in :data:`PARAMETER_TEXTS`.
OTHER_GROUP = "Overige"

PARAMETER_TEXTS: dict[str, ParameterText] = {
    "walk_thresholds_m": ParameterText(
        "Bereikbaarheid",
        "Wandelafstanden (m):",
        "Wandelafstanden in meter, gescheiden door komma's",
    ),
    "bike_thresholds_min": ParameterText(
        "Bereikbaarheid",
        "Fietstijden (min):",
        "Fietstijden in minuten, gescheiden door komma's",
    ),
    "max_snap_m": ParameterText(
        "Bereikbaarheid",
        "Maximale afstand tot het netwerk (m):",
        "Punten verder dan deze afstand van elke verbinding gelden als onbereikbaar",
    ),
    "household_size": ParameterText(
        "Bereikbaarheid",
        "Personen per woning:",
        "Inwoners per woning, om woningen in inwoners om te rekenen",
    ),
    "min_trains_per_day": ParameterText(
        "Bereikbaarheid",
        "Stations: min. treinen per dag:",
        "Stations met minder treinen per dag tellen niet als bestemming",
    ),
    "service_area_min": ParameterText(
        "Bereikbaarheid",
        "Bedieningsgebied (min):",
        "Fietstijd van de bedieningsgebieden rond mobipunten en stations",
    ),
    "curve_max_min": ParameterText(
        "Bereikbaarheid",
        "Dekkingscurve tot (min):",
        "De dekkingscurve loopt van 0 tot zoveel fietsminuten",
    ),
    "speeds_kmh": ParameterText(
        "Snelheden",
        "Fietssnelheid per klasse (km/u):",
        "Fietssnelheid per klasse van het fietsnetwerk; een onbekende klasse rijdt als 'overig'",
        items=LINK_CLASSES,
    ),
    "walking_speed_kmh": ParameterText(
        "Snelheden",
        "Wandelsnelheid (km/u):",
        "Wandelsnelheid; de wandelindicatoren zijn afstanden (m), zij veranderen er niet door",
    ),
    "pt_walk_m": ParameterText(
        "Openbaar vervoer",
        "Wandelafstand tot een halte (m):",
        "Wandelafstand over het netwerk tot een halte (standaard 500 m: de strengste "
        "afstand van de basismobiliteit)",
    ),
    "pt_departures_per_hour": ParameterText(
        "Openbaar vervoer",
        "Vertrekken per uur:",
        "Een halte telt vanaf zoveel vertrekken per uur: één aandeel per drempel en "
        "tijdvenster; oplopend, gescheiden door komma's",
    ),
    "pt_windows": ParameterText(
        "Openbaar vervoer",
        "Tijdvensters:",
        "De tijdvensters van de haltelaag waarvoor de aandelen berekend worden",
    ),
    "pt_trains_per_hour": ParameterText(
        "Openbaar vervoer",
        "Station: min. treinen per uur:",
        "Een station telt vanaf zoveel treinen per uur in het tijdvenster voor treinen",
    ),
    "pt_train_window": ParameterText(
        "Openbaar vervoer",
        "Tijdvenster voor treinen:",
        "Het tijdvenster voor de treinen per uur en de wachttijd van fiets + trein",
    ),
    "bike_train_max_bike_min": ParameterText(
        "Openbaar vervoer",
        "Fiets + trein: max. fietstijd (min):",
        "Fiets + trein: stations verder dan zoveel fietsminuten worden niet gebruikt",
    ),
    "mobipunt_types": ParameterText(
        "Hoppin",
        "Hoppin-types als bestemming:",
        "Welke Hoppin-types als bestemming meetellen",
    ),
    "hub_offers": ParameterText(
        "Hoppin",
        "Aanbod met een eigen aandeel:",
        "Per aanbod (bv. deelauto, deelfiets) het aandeel woningen binnen elke fietstijd "
        "van een mobipunt met dat aanbod; gescheiden door komma's",
    ),
    "hub_type_weights": ParameterText(
        "Hoppin",
        "Gewicht per Hoppin-type:",
        "Gewicht van elk Hoppin-type in de mobipuntscore, van 0 tot 1 (illustratief: de "
        "rang in de Hoppin-hiërarchie, geen gemeten waarde)",
        items=HOPPIN_TYPES,
    ),
    "opportunity_bike_half_life_min": ParameterText(
        "Jobs en pendel",
        "Halveringstijd fietsen (min):",
        "Bereikbaarheid van jobs, scholen ... : een bestemming op zoveel fietsminuten telt voor "
        "de helft in het potentieel (afname exp(-ln 2 x tijd / halveringstijd))",
    ),
    "opportunity_walk_half_life_m": ParameterText(
        "Jobs en pendel",
        "Halveringsafstand wandelen (m):",
        "Bereikbaarheid van jobs, scholen ... : een bestemming op zoveel meter wandelen telt "
        "voor de helft in het potentieel",
    ),
    "opportunity_nearest_k": ParameterText(
        "Jobs en pendel",
        "Tijd tot de k-de dichtstbijzijnde:",
        "Tijd en afstand tot de zoveelste dichtstbijzijnde bestemming (bv. 3: de derde "
        "dichtstbijzijnde school)",
    ),
    "workers_per_dwelling": ParameterText(
        "Jobs en pendel",
        "Werkenden per woning:",
        "Pendel zonder pendeltabel (zwaartekrachtmodel): werkende inwoners per woning "
        "(standaard 1,0: Statbel, Vlaanderen)",
    ),
    "commute_beta_per_km": ParameterText(
        "Jobs en pendel",
        "Afstandsverval pendel (per km):",
        "Zwaartekrachtmodel: het aantal pendelaars neemt af met exp(-beta x km route); 0,1 "
        "betekent ongeveer de helft binnen 7 km (een aanname; een pendeltabel is beter)",
    ),
    "commute_routes": ParameterText(
        "Jobs en pendel",
        "Woon-werkroutes:",
        "Langs welke routes de pendelaars fietsen: fastest (de kortste) of quiet (de rustigste: "
        "fietspaden en rustige straten wegen lichter, zoals de quiet routes van de PCT)",
    ),
    "siting_threshold_min": ParameterText(
        "Suggesties",
        "Inplanting: fietstijd (min):",
        "De beste plaatsen voor mobipunten: zoveel mogelijk woningen nieuw binnen deze fietstijd",
    ),
    "detour_ratio": ParameterText(
        "Suggesties",
        "Ontbrekende schakels: omwegfactor:",
        "Een ontbrekende schakel wordt voorgesteld waar de afstand over het netwerk meer dan "
        "zoveel keer de rechte afstand is",
    ),
    "detour_max_straight_m": ParameterText(
        "Suggesties",
        "Ontbrekende schakels: max. rechte afstand (m):",
        "Enkel plaatsen die in rechte lijn hoogstens zo ver uit elkaar liggen",
    ),
}


def text_for(name: str) -> ParameterText:
    """The entry for parameter ``name``; a field without one shows under its key."""
    return PARAMETER_TEXTS.get(name, ParameterText(OTHER_GROUP, f"{name}:", ""))
