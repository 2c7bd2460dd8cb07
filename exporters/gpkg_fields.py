"""The GeoPackage's vocabulary: each column's and each layer's title and description, in Dutch and English."""

from __future__ import annotations

__all__ = [
    "FIELD_DESCRIPTIONS",
    "FIELD_DESCRIPTIONS_EN",
    "LAYER_DESCRIPTIONS",
    "LAYER_DESCRIPTIONS_EN",
    "field_description",
]

#: column -> (title, description), Dutch; written to gpkg_data_columns.
FIELD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "housing_id": ("Woning-id", "Id van het woningobject in de woningenlaag"),
    "name": ("Naam", "Naam van het object"),
    "status": ("Status", "bestaand of gepland"),
    "dwellings": ("Woningen", "Aantal woningen in dit object"),
    "inhabitants": ("Inwoners", "Woningen x gemiddelde gezinsgrootte"),
    "nis": ("NIS-code", "NIS-code van de gemeente"),
    "municipality": ("Gemeente", "Naam van de gemeente"),
    "walk_m_mobipunt": (
        "Wandelafstand mobipunt (m)",
        "Wandelafstand over het netwerk tot het dichtstbijzijnde mobipunt, in meter; leeg = niet bereikbaar",
    ),
    "bike_min_mobipunt": (
        "Fietstijd mobipunt (min)",
        "Fietstijd over het netwerk tot het dichtstbijzijnde mobipunt, in minuten; leeg = niet bereikbaar",
    ),
    "mobipunt_id": ("Mobipunt-id", "Id van het (dichtstbijzijnde) mobipunt"),
    "walk_m_station": (
        "Wandelafstand station (m)",
        "Wandelafstand over het netwerk tot het dichtstbijzijnde station, in meter",
    ),
    "bike_min_station": (
        "Fietstijd station (min)",
        "Fietstijd over het netwerk tot het dichtstbijzijnde station, in minuten",
    ),
    "station_id": ("Station-id", "Id van het (dichtstbijzijnde) station"),
    "snap_m": (
        "Afstand tot netwerk (m)",
        "Afstand van het punt tot de dichtstbijzijnde netwerklink, in meter",
    ),
    "reachable": ("Bereikbaar", "1 = aangesloten op het netwerk, 0 = te ver van het netwerk"),
    "added": ("Toegevoegd", "1 = toegevoegd door het scenario"),
    "hoppin_type": ("Hoppin-type", "interregionaal, regionaal, lokaal of buurt"),
    "offer": ("Aanbod", "Mobiliteitsaanbod (deelfiets, deelauto, bus, trein ...)"),
    "catchment_dwellings": (
        "Woningen in verzorgingsgebied",
        "Woningen waarvoor dit mobipunt het dichtstbijzijnde is (fietstijd)",
    ),
    "catchment_inhabitants": (
        "Inwoners in verzorgingsgebied",
        "Inwoners van de woningen in het verzorgingsgebied",
    ),
    "change": (
        "Wijziging",
        "Wijziging door het scenario: added (toegevoegd), moved (verplaatst), upgraded (opgewaardeerd), gain (winst), loss (verlies)",
    ),
    "minutes": ("Minuten", "Fietstijd die het bedieningsgebied begrenst"),
    "link_id": ("Link-id", "Id van de oorspronkelijke netwerklink"),
    "link_class": ("Linkklasse", "fietssnelweg, bovenlokaal, lokaal of overig"),
    "speed_kmh": ("Snelheid (km/u)", "Fietssnelheid op de link"),
    "length_m": ("Lengte (m)", "Lengte van de link in meter"),
    "oneway": ("Eenrichting", "1 = enkel te fietsen in de tekenrichting"),
    "flow_dwellings": (
        "Potentiële fietsers (woningen)",
        "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde station over deze link loopt",
    ),
    "target": ("Bestemming", "mobipunt of station"),
    "mode": ("Vervoerswijze", "walk (wandelen) of bike (fietsen)"),
    "threshold": ("Drempel", "Drempel in meter (wandelen) of minuten (fietsen)"),
    "rank": ("Volgorde", "Volgorde van de voorgestelde locatie (1 = beste)"),
    "candidate_id": ("Kandidaat-id", "Id van de kandidaatlocatie"),
    "gain_dwellings": (
        "Extra woningen",
        "Woningen die door deze locatie nieuw binnen de drempel vallen",
    ),
    "cumulative_dwellings": (
        "Extra woningen (cumulatief)",
        "Extra woningen met alle locaties tot en met deze",
    ),
    "gain_inhabitants": (
        "Extra inwoners",
        "Inwoners die door deze locatie nieuw binnen de drempel vallen",
    ),
    "share_after": ("Aandeel na (%)", "Aandeel woningen binnen de drempel na deze locatie"),
    "trains_per_day": ("Treinen per dag", "Gemiddeld aantal stoppende treinen per dag"),
    "bike_min_brussels": (
        "Fietstijd Brusselse grens (min)",
        "Fietstijd over het netwerk tot het dichtstbijzijnde toegangspunt op de Brusselse grens, in minuten; leeg = niet bereikbaar, in Brussel of geen Brussel-laag",
    ),
    "brussels_entry_id": (
        "Toegangspunt Brussel",
        "Id van het dichtstbijzijnde toegangspunt op de Brusselse grens (zie de laag toegangspunten_brussel)",
    ),
    "flow_brussels_dwellings": (
        "Potentiële fietsers naar Brussel (woningen)",
        "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde toegangspunt op de Brusselse grens over deze link loopt",
    ),
    "entry_id": (
        "Toegangspunt-id",
        "Id van het toegangspunt: <link-id>@<volgnummer van de kruising>",
    ),
    "base_flow_dwellings": (
        "Fietsers naar station, basis",
        "Potentiële fietsers (woningen) naar het station in de basistoestand; grootste waarde over de delen van de link",
    ),
    "scenario_flow_dwellings": (
        "Fietsers naar station, scenario",
        "Potentiële fietsers (woningen) naar het station in het scenario",
    ),
    "delta_flow_dwellings": (
        "Verschil fietsers naar station",
        "Scenario min basis: potentiële fietsers (woningen) naar het station",
    ),
    "base_flow_brussels_dwellings": (
        "Fietsers naar Brussel, basis",
        "Potentiële fietsers (woningen) naar de Brusselse grens in de basistoestand; grootste waarde over de delen van de link",
    ),
    "scenario_flow_brussels_dwellings": (
        "Fietsers naar Brussel, scenario",
        "Potentiële fietsers (woningen) naar de Brusselse grens in het scenario",
    ),
    "delta_flow_brussels_dwellings": (
        "Verschil fietsers naar Brussel",
        "Scenario min basis: potentiële fietsers (woningen) naar de Brusselse grens",
    ),
    "flow_bike_commuters": (
        "Potentiële fietspendelaars",
        "Pendelaars (Go Dutch) van wie de kortste fietsroute naar het werk over deze link loopt",
    ),
    "base_flow_bike_commuters": (
        "Fietspendelaars, basis",
        "Potentiële fietspendelaars (Go Dutch) in de basistoestand; grootste waarde over de delen van de link",
    ),
    "scenario_flow_bike_commuters": (
        "Fietspendelaars, scenario",
        "Potentiële fietspendelaars (Go Dutch) in het scenario",
    ),
    "delta_flow_bike_commuters": (
        "Verschil fietspendelaars",
        "Scenario min basis: potentiële fietspendelaars (Go Dutch)",
    ),
    "opp_id": ("Werkplaats-id", "Id van de werkplaats (banenlaag)"),
    "jobs": ("Banen", "Aantal banen op deze werkplaats"),
}

#: column -> (title, description), English (``lang="en"``); same keys as :data:`FIELD_DESCRIPTIONS`.
FIELD_DESCRIPTIONS_EN: dict[str, tuple[str, str]] = {
    "housing_id": ("Housing id", "Id of the feature in the housing layer"),
    "name": ("Name", "Name of the feature"),
    "status": ("Status", "existing (bestaand) or planned (gepland)"),
    "dwellings": ("Dwellings", "Number of dwellings in this feature"),
    "inhabitants": ("Inhabitants", "Dwellings x average household size"),
    "nis": ("NIS code", "NIS code of the municipality"),
    "municipality": ("Municipality", "Name of the municipality"),
    "walk_m_mobipunt": (
        "Walk to hub (m)",
        "Walking distance over the network to the nearest mobility hub, in metres; empty = not reachable",
    ),
    "bike_min_mobipunt": (
        "Cycle to hub (min)",
        "Cycling time over the network to the nearest mobility hub, in minutes; empty = not reachable",
    ),
    "mobipunt_id": ("Hub id", "Id of the (nearest) mobility hub"),
    "walk_m_station": (
        "Walk to station (m)",
        "Walking distance over the network to the nearest station, in metres",
    ),
    "bike_min_station": (
        "Cycle to station (min)",
        "Cycling time over the network to the nearest station, in minutes",
    ),
    "station_id": ("Station id", "Id of the (nearest) station"),
    "snap_m": (
        "Distance to network (m)",
        "Distance from the point to the nearest network link, in metres",
    ),
    "reachable": ("Reachable", "1 = attached to the network, 0 = too far from the network"),
    "added": ("Added", "1 = added by the scenario"),
    "hoppin_type": (
        "Hoppin type",
        "interregionaal, regionaal, lokaal or buurt (interregional, regional, local, neighbourhood)",
    ),
    "offer": ("Offer", "Mobility offer (shared bike, shared car, bus, train ...)"),
    "catchment_dwellings": (
        "Dwellings in catchment",
        "Dwellings for which this hub is the nearest (cycling time)",
    ),
    "catchment_inhabitants": (
        "Inhabitants in catchment",
        "Inhabitants of the dwellings in the catchment",
    ),
    "change": ("Change", "Change by the scenario: added, moved, upgraded, removed, gain, loss"),
    "minutes": ("Minutes", "Cycling time that bounds the service area"),
    "link_id": ("Link id", "Id of the original network link"),
    "link_class": (
        "Link class",
        "fietssnelweg, bovenlokaal, lokaal or overig (cycle highway, main, local, other)",
    ),
    "speed_kmh": ("Speed (km/h)", "Cycling speed on the link"),
    "length_m": ("Length (m)", "Length of the link in metres"),
    "oneway": ("One-way", "1 = can only be cycled in the direction of digitising"),
    "flow_dwellings": (
        "Potential cyclists (dwellings)",
        "Dwellings whose shortest cycling route to the nearest station uses this link",
    ),
    "target": ("Destination", "mobipunt (mobility hub) or station"),
    "mode": ("Mode", "walk or bike"),
    "threshold": ("Threshold", "Threshold in metres (walking) or minutes (cycling)"),
    "rank": ("Rank", "Order of the suggested site (1 = best)"),
    "candidate_id": ("Candidate id", "Id of the candidate site"),
    "gain_dwellings": (
        "Extra dwellings",
        "Dwellings newly within the threshold thanks to this site",
    ),
    "cumulative_dwellings": (
        "Extra dwellings (cumulative)",
        "Extra dwellings with all sites up to and including this one",
    ),
    "gain_inhabitants": (
        "Extra inhabitants",
        "Inhabitants newly within the threshold thanks to this site",
    ),
    "share_after": ("Share after (%)", "Share of dwellings within the threshold after this site"),
    "trains_per_day": ("Trains per day", "Average number of trains stopping per day"),
    "bike_min_brussels": (
        "Cycle to Brussels border (min)",
        "Cycling time over the network to the nearest entry point on the Brussels border, in minutes; empty = not reachable, inside Brussels or no Brussels layer",
    ),
    "brussels_entry_id": (
        "Brussels entry point",
        "Id of the nearest entry point on the Brussels border (see the layer toegangspunten_brussel)",
    ),
    "flow_brussels_dwellings": (
        "Potential cyclists to Brussels (dwellings)",
        "Dwellings whose shortest cycling route to the nearest entry point on the Brussels border uses this link",
    ),
    "entry_id": ("Entry point id", "Id of the entry point: <link id>@<number of the crossing>"),
    "base_flow_dwellings": (
        "Cyclists to station, base",
        "Potential cyclists (dwellings) to the station in the base situation; largest value over the parts of the link",
    ),
    "scenario_flow_dwellings": (
        "Cyclists to station, scenario",
        "Potential cyclists (dwellings) to the station in the scenario",
    ),
    "delta_flow_dwellings": (
        "Change in cyclists to station",
        "Scenario minus base: potential cyclists (dwellings) to the station",
    ),
    "base_flow_brussels_dwellings": (
        "Cyclists to Brussels, base",
        "Potential cyclists (dwellings) to the Brussels border in the base situation; largest value over the parts of the link",
    ),
    "scenario_flow_brussels_dwellings": (
        "Cyclists to Brussels, scenario",
        "Potential cyclists (dwellings) to the Brussels border in the scenario",
    ),
    "delta_flow_brussels_dwellings": (
        "Change in cyclists to Brussels",
        "Scenario minus base: potential cyclists (dwellings) to the Brussels border",
    ),
    "flow_bike_commuters": (
        "Potential bike commuters",
        "Commuters (Go Dutch) whose shortest cycling route to work uses this link",
    ),
    "base_flow_bike_commuters": (
        "Bike commuters, base",
        "Potential bike commuters (Go Dutch) in the base situation; largest value over the parts of the link",
    ),
    "scenario_flow_bike_commuters": (
        "Bike commuters, scenario",
        "Potential bike commuters (Go Dutch) in the scenario",
    ),
    "delta_flow_bike_commuters": (
        "Change in bike commuters",
        "Scenario minus base: potential bike commuters (Go Dutch)",
    ),
    "opp_id": ("Workplace id", "Id of the workplace (jobs layer)"),
    "jobs": ("Jobs", "Number of jobs at this workplace"),
}

#: (layer kind, column) -> ((title, description) Dutch, (title, description) English) where a
#: column means something else in that layer.
_LAYER_FIELDS: dict[tuple[str, str], tuple[tuple[str, str], tuple[str, str]]] = {
    ("toegangspunten_brussel", "dwellings"): (
        (
            "Woningen",
            "Woningen waarvoor dit toegangspunt het dichtstbijzijnde op de Brusselse grens is (fietstijd)",
        ),
        (
            "Dwellings",
            "Dwellings for which this is the nearest entry point on the Brussels border (cycling time)",
        ),
    ),
    ("toegangspunten_brussel", "name"): (
        ("Straat", "Naam van de link die de grens kruist"),
        ("Street", "Name of the link that crosses the border"),
    ),
}

#: layer kind -> description (Dutch), written to gpkg_contents.
LAYER_DESCRIPTIONS: dict[str, str] = {
    "woningen": "Woningen met wandelafstand en fietstijd tot het dichtstbijzijnde mobipunt en station",
    "mobipunten": "Mobipunten met hun verzorgingsgebied (woningen waarvoor ze het dichtstbijzijnde zijn)",
    "bedieningsgebieden": "Bedieningsgebied van elk mobipunt: gebied binnen de fietstijd over het netwerk",
    "fietsstromen": "Netwerklinks met het potentieel aantal fietsers (woningen) naar het station en naar de Brusselse grens",
    "afgesloten_links": "Links die het scenario afsluit",
    "toegangspunten_brussel": "Toegangspunten waar het fietsnetwerk de Brusselse grens kruist, met de woningen waarvoor elk het dichtstbijzijnde is",
    "fietsstromen_verschil": "Links waarvan de potentiële fietsstroom door het scenario verandert (naar het station en naar Brussel)",
    "gemeenten": "Indicatoren per gemeente",
    "toegangswijzigingen": "Woningen die toegang winnen of verliezen binnen een drempel",
    "locatievoorstellen": "Voorgestelde locaties voor nieuwe mobipunten",
    "werkplaatsen": "Werkplaatsen met hun pendelaars en potentiële fietspendelaars per scenario (huidig, beleidsdoel, Go Dutch, e-fiets)",
}

#: layer kind -> description (English, ``lang="en"``).
LAYER_DESCRIPTIONS_EN: dict[str, str] = {
    "woningen": "Dwellings with walking distance and cycling time to the nearest mobility hub and station",
    "mobipunten": "Mobility hubs with their catchment (dwellings for which they are the nearest)",
    "bedieningsgebieden": "Service area of each mobility hub: the area within the cycling time over the network",
    "fietsstromen": "Network links with the potential number of cyclists (dwellings) to the station and to the Brussels border",
    "afgesloten_links": "Links the scenario closes",
    "toegangspunten_brussel": "Entry points where the bike network crosses the Brussels border, with the dwellings for which each is the nearest",
    "fietsstromen_verschil": "Links whose potential bike flow the scenario changes (to the station and to Brussels)",
    "gemeenten": "Indicators per municipality",
    "toegangswijzigingen": "Dwellings gaining or losing access within a threshold",
    "locatievoorstellen": "Suggested sites for new mobility hubs",
    "werkplaatsen": "Workplaces with their commuters and potential bike commuters per scenario (current, government target, Go Dutch, e-bike)",
}


def field_description(column: str, lang: str = "nl", *, kind: str | None = None) -> tuple[str, str]:
    """``(title, description)`` of ``column`` in ``lang`` (``"nl"`` or ``"en"``).

    ``kind`` is the layer kind (a key of :data:`LAYER_DESCRIPTIONS`) where a
    column means something particular in that layer. Indicator columns get
    their indicator label; an unknown column its own name.
    """
    en = lang == "en"
    if kind is not None and (kind, column) in _LAYER_FIELDS:
        return _LAYER_FIELDS[(kind, column)][1 if en else 0]
    table = FIELD_DESCRIPTIONS_EN if en else FIELD_DESCRIPTIONS
    if column in table:
        return table[column]
    from slimmeregio.scenarios.results import indicator_label, indicator_unit

    label = indicator_label(column, "en" if en else "nl")
    if label != column:
        unit = indicator_unit(column)
        return label, f"{label} ({('count' if en else 'aantal') if unit == 'count' else unit})"
    return column, column
