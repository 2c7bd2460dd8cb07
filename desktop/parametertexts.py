"""Group, label and tooltip (Dutch source text) of every scenario parameter, for the "Alle parameters…" dialog.

The meanings follow the parameter table of docs/engine.md and the Dutch notes
of the scenario TOML (``scenarios/model_toml.py``). A field of
:class:`~slimmeregio.scenarios.model.Parameters` without an entry here still
gets a widget (under :data:`OTHER_GROUP`, labelled with its key); a test
asserts every field has an entry; the texts are marked with ``N_``, so the catalogue
test checks each has its English.
"""

from __future__ import annotations

from dataclasses import dataclass

from slimmeregio.layers.i18n import N_
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
    N_("Bereikbaarheid"),
    N_("Snelheden"),
    N_("Openbaar vervoer"),
    N_("Hoppin"),
    N_("Jobs en pendel"),
    N_("Suggesties"),
)
#: The tab of a parameter without an entry in :data:`PARAMETER_TEXTS`.
OTHER_GROUP = N_("Overige")

PARAMETER_TEXTS: dict[str, ParameterText] = {
    "walk_thresholds_m": ParameterText(
        N_("Bereikbaarheid"),
        N_("Wandelafstanden (m):"),
        N_("Wandelafstanden in meter, gescheiden door komma's"),
    ),
    "bike_thresholds_min": ParameterText(
        N_("Bereikbaarheid"),
        N_("Fietstijden (min):"),
        N_("Fietstijden in minuten, gescheiden door komma's"),
    ),
    "max_snap_m": ParameterText(
        N_("Bereikbaarheid"),
        N_("Maximale afstand tot het netwerk (m):"),
        N_("Punten verder dan deze afstand van elke verbinding gelden als onbereikbaar"),
    ),
    "household_size": ParameterText(
        N_("Bereikbaarheid"),
        N_("Personen per woning:"),
        N_("Inwoners per woning, om woningen in inwoners om te rekenen"),
    ),
    "min_trains_per_day": ParameterText(
        N_("Bereikbaarheid"),
        N_("Stations: min. treinen per dag:"),
        N_("Stations met minder treinen per dag tellen niet als bestemming"),
    ),
    "service_area_min": ParameterText(
        N_("Bereikbaarheid"),
        N_("Bedieningsgebied (min):"),
        N_("Fietstijd van de bedieningsgebieden rond mobipunten en stations"),
    ),
    "curve_max_min": ParameterText(
        N_("Bereikbaarheid"),
        N_("Dekkingscurve tot (min):"),
        N_("De dekkingscurve loopt van 0 tot zoveel fietsminuten"),
    ),
    "speeds_kmh": ParameterText(
        N_("Snelheden"),
        N_("Fietssnelheid per klasse (km/u):"),
        N_(
            "Fietssnelheid per klasse van het fietsnetwerk; een onbekende klasse rijdt als 'overig'"
        ),
        items=LINK_CLASSES,
    ),
    "walking_speed_kmh": ParameterText(
        N_("Snelheden"),
        N_("Wandelsnelheid (km/u):"),
        N_("Wandelsnelheid; de wandelindicatoren zijn afstanden (m), zij veranderen er niet door"),
    ),
    "pt_walk_m": ParameterText(
        N_("Openbaar vervoer"),
        N_("Wandelafstand tot een halte (m):"),
        N_(
            "Wandelafstand over het netwerk tot een halte (standaard 500 m: de strengste "
            "afstand van de basismobiliteit)"
        ),
    ),
    "pt_departures_per_hour": ParameterText(
        N_("Openbaar vervoer"),
        N_("Vertrekken per uur:"),
        N_(
            "Een halte telt vanaf zoveel vertrekken per uur: één aandeel per drempel en "
            "tijdvenster; oplopend, gescheiden door komma's"
        ),
    ),
    "pt_windows": ParameterText(
        N_("Openbaar vervoer"),
        N_("Tijdvensters:"),
        N_("De tijdvensters van de haltelaag waarvoor de aandelen berekend worden"),
    ),
    "pt_trains_per_hour": ParameterText(
        N_("Openbaar vervoer"),
        N_("Station: min. treinen per uur:"),
        N_("Een station telt vanaf zoveel treinen per uur in het tijdvenster voor treinen"),
    ),
    "pt_train_window": ParameterText(
        N_("Openbaar vervoer"),
        N_("Tijdvenster voor treinen:"),
        N_("Het tijdvenster voor de treinen per uur en de wachttijd van fiets + trein"),
    ),
    "bike_train_max_bike_min": ParameterText(
        N_("Openbaar vervoer"),
        N_("Fiets + trein: max. fietstijd (min):"),
        N_("Fiets + trein: stations verder dan zoveel fietsminuten worden niet gebruikt"),
    ),
    "mobipunt_types": ParameterText(
        N_("Hoppin"),
        N_("Hoppin-types als bestemming:"),
        N_("Welke Hoppin-types als bestemming meetellen"),
    ),
    "hub_offers": ParameterText(
        N_("Hoppin"),
        N_("Aanbod met een eigen aandeel:"),
        N_(
            "Per aanbod (bv. deelauto, deelfiets) het aandeel woningen binnen elke fietstijd "
            "van een mobipunt met dat aanbod; gescheiden door komma's"
        ),
    ),
    "hub_type_weights": ParameterText(
        N_("Hoppin"),
        N_("Gewicht per Hoppin-type:"),
        N_(
            "Gewicht van elk Hoppin-type in de mobipuntscore, van 0 tot 1 (illustratief: de "
            "rang in de Hoppin-hiërarchie, geen gemeten waarde)"
        ),
        items=HOPPIN_TYPES,
    ),
    "opportunity_bike_half_life_min": ParameterText(
        N_("Jobs en pendel"),
        N_("Halveringstijd fietsen (min):"),
        N_(
            "Bereikbaarheid van jobs, scholen ... : een bestemming op zoveel fietsminuten telt voor "
            "de helft in het potentieel (afname exp(-ln 2 x tijd / halveringstijd))"
        ),
    ),
    "opportunity_walk_half_life_m": ParameterText(
        N_("Jobs en pendel"),
        N_("Halveringsafstand wandelen (m):"),
        N_(
            "Bereikbaarheid van jobs, scholen ... : een bestemming op zoveel meter wandelen telt "
            "voor de helft in het potentieel"
        ),
    ),
    "opportunity_nearest_k": ParameterText(
        N_("Jobs en pendel"),
        N_("Tijd tot de k-de dichtstbijzijnde:"),
        N_(
            "Tijd en afstand tot de zoveelste dichtstbijzijnde bestemming (bv. 3: de derde "
            "dichtstbijzijnde school)"
        ),
    ),
    "workers_per_dwelling": ParameterText(
        N_("Jobs en pendel"),
        N_("Werkenden per woning:"),
        N_(
            "Pendel zonder pendeltabel (zwaartekrachtmodel): werkende inwoners per woning "
            "(standaard 1,0: Statbel, Vlaanderen)"
        ),
    ),
    "commute_beta_per_km": ParameterText(
        N_("Jobs en pendel"),
        N_("Afstandsverval pendel (per km):"),
        N_(
            "Zwaartekrachtmodel: het aantal pendelaars neemt af met exp(-beta x km route); 0,1 "
            "betekent ongeveer de helft binnen 7 km (een aanname; een pendeltabel is beter)"
        ),
    ),
    "commute_routes": ParameterText(
        N_("Jobs en pendel"),
        N_("Woon-werkroutes:"),
        N_(
            "Langs welke routes de pendelaars fietsen: fastest (de kortste) of quiet (de rustigste: "
            "fietspaden en rustige straten wegen lichter, zoals de quiet routes van de PCT)"
        ),
    ),
    "commute_origins": ParameterText(
        N_("Jobs en pendel"),
        N_("Pendel vertrekt bij:"),
        N_(
            "Elk woonpunt apart, of de woonpunten van elke cel van 100 m (het bevolkingsraster) "
            "samen, vanaf het adres het dichtst bij het midden van hun woningen. Automatisch: "
            "elk woonpunt tot 50.000 woonpunten, cellen daarboven (adreslagen; veel sneller)"
        ),
    ),
    "siting_threshold_min": ParameterText(
        N_("Suggesties"),
        N_("Inplanting: fietstijd (min):"),
        N_(
            "De beste plaatsen voor mobipunten: zoveel mogelijk woningen nieuw binnen deze fietstijd"
        ),
    ),
    "detour_ratio": ParameterText(
        N_("Suggesties"),
        N_("Ontbrekende schakels: omwegfactor:"),
        N_(
            "Een ontbrekende schakel wordt voorgesteld waar de afstand over het netwerk meer dan "
            "zoveel keer de rechte afstand is"
        ),
    ),
    "detour_max_straight_m": ParameterText(
        N_("Suggesties"),
        N_("Ontbrekende schakels: max. rechte afstand (m):"),
        N_("Enkel plaatsen die in rechte lijn hoogstens zo ver uit elkaar liggen"),
    ),
}


def text_for(name: str) -> ParameterText:
    """The entry for parameter ``name``; a field without one shows under its key."""
    return PARAMETER_TEXTS.get(name, ParameterText(OTHER_GROUP, f"{name}:", ""))
