"""The GeoPackage's vocabulary: each column's and each layer's title and description, in Dutch and English."""

from __future__ import annotations

from slimmeregio.layers.i18n import N_, tr

__all__ = [
    "FIELD_DESCRIPTIONS",
    "LAYER_DESCRIPTIONS",
    "field_description",
]

#: column -> (title, description), Dutch (``tr`` gives the English); written to gpkg_data_columns.
FIELD_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "housing_id": (N_("Woning-id"), N_("Id van het woningobject in de woningenlaag")),
    "name": (N_("Naam"), N_("Naam van het object")),
    "status": (N_("Status"), N_("bestaand of gepland")),
    "dwellings": (N_("Woningen"), N_("Aantal woningen in dit object")),
    "inhabitants": (N_("Inwoners"), N_("Woningen x gemiddelde gezinsgrootte")),
    "nis": (N_("NIS-code"), N_("NIS-code van de gemeente")),
    "municipality": (N_("Gemeente"), N_("Naam van de gemeente")),
    "walk_m_mobipunt": (
        N_("Wandelafstand mobipunt (m)"),
        N_(
            "Wandelafstand over het netwerk tot het dichtstbijzijnde mobipunt, in meter; leeg = niet bereikbaar"
        ),
    ),
    "bike_min_mobipunt": (
        N_("Fietstijd mobipunt (min)"),
        N_(
            "Fietstijd over het netwerk tot het dichtstbijzijnde mobipunt, in minuten; leeg = niet bereikbaar"
        ),
    ),
    "mobipunt_id": (N_("Mobipunt-id"), N_("Id van het (dichtstbijzijnde) mobipunt")),
    "walk_m_station": (
        N_("Wandelafstand station (m)"),
        N_("Wandelafstand over het netwerk tot het dichtstbijzijnde station, in meter"),
    ),
    "bike_min_station": (
        N_("Fietstijd station (min)"),
        N_("Fietstijd over het netwerk tot het dichtstbijzijnde station, in minuten"),
    ),
    "station_id": (N_("Station-id"), N_("Id van het (dichtstbijzijnde) station")),
    "snap_m": (
        N_("Afstand tot netwerk (m)"),
        N_("Afstand van het punt tot de dichtstbijzijnde netwerklink, in meter"),
    ),
    "reachable": (
        N_("Bereikbaar"),
        N_("1 = aangesloten op het netwerk, 0 = te ver van het netwerk"),
    ),
    "added": (N_("Toegevoegd"), N_("1 = toegevoegd door het scenario")),
    "hoppin_type": (N_("Hoppin-type"), N_("interregionaal, regionaal, lokaal of buurt")),
    "offer": (N_("Aanbod"), N_("Mobiliteitsaanbod (deelfiets, deelauto, bus, trein ...)")),
    "catchment_dwellings": (
        N_("Woningen in verzorgingsgebied"),
        N_("Woningen waarvoor dit mobipunt het dichtstbijzijnde is (fietstijd)"),
    ),
    "catchment_inhabitants": (
        N_("Inwoners in verzorgingsgebied"),
        N_("Inwoners van de woningen in het verzorgingsgebied"),
    ),
    "change": (
        N_("Wijziging"),
        N_(
            "Wijziging door het scenario: added (toegevoegd), moved (verplaatst), upgraded (opgewaardeerd), gain (winst), loss (verlies)"
        ),
    ),
    "minutes": (N_("Minuten"), N_("Fietstijd die het bedieningsgebied begrenst")),
    "link_id": (N_("Link-id"), N_("Id van de oorspronkelijke netwerklink")),
    "link_class": (N_("Linkklasse"), N_("fietssnelweg, bovenlokaal, lokaal of overig")),
    "speed_kmh": (N_("Snelheid (km/u)"), N_("Fietssnelheid op de link")),
    "length_m": (N_("Lengte (m)"), N_("Lengte van de link in meter")),
    "oneway": (N_("Eenrichting"), N_("1 = enkel te fietsen in de tekenrichting")),
    "flow_dwellings": (
        N_("Potentiële fietsers (woningen)"),
        N_(
            "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde station over deze link loopt"
        ),
    ),
    "target": (N_("Bestemming"), N_("mobipunt of station")),
    "mode": (N_("Vervoerswijze"), N_("walk (wandelen) of bike (fietsen)")),
    "threshold": (N_("Drempel"), N_("Drempel in meter (wandelen) of minuten (fietsen)")),
    "rank": (N_("Volgorde"), N_("Volgorde van de voorgestelde locatie (1 = beste)")),
    "candidate_id": (N_("Kandidaat-id"), N_("Id van de kandidaatlocatie")),
    "gain_dwellings": (
        N_("Extra woningen"),
        N_("Woningen die door deze locatie nieuw binnen de drempel vallen"),
    ),
    "cumulative_dwellings": (
        N_("Extra woningen (cumulatief)"),
        N_("Extra woningen met alle locaties tot en met deze"),
    ),
    "gain_inhabitants": (
        N_("Extra inwoners"),
        N_("Inwoners die door deze locatie nieuw binnen de drempel vallen"),
    ),
    "share_after": (N_("Aandeel na (%)"), N_("Aandeel woningen binnen de drempel na deze locatie")),
    "trains_per_day": (N_("Treinen per dag"), N_("Gemiddeld aantal stoppende treinen per dag")),
    "bike_min_brussels": (
        N_("Fietstijd Brusselse grens (min)"),
        N_(
            "Fietstijd over het netwerk tot het dichtstbijzijnde toegangspunt op de Brusselse grens, in minuten; leeg = niet bereikbaar, in Brussel of geen Brussel-laag"
        ),
    ),
    "brussels_entry_id": (
        N_("Toegangspunt Brussel"),
        N_(
            "Id van het dichtstbijzijnde toegangspunt op de Brusselse grens (zie de laag toegangspunten_brussel)"
        ),
    ),
    "flow_brussels_dwellings": (
        N_("Potentiële fietsers naar Brussel (woningen)"),
        N_(
            "Woningen waarvan de kortste fietsroute naar het dichtstbijzijnde toegangspunt op de Brusselse grens over deze link loopt"
        ),
    ),
    "entry_id": (
        N_("Toegangspunt-id"),
        N_("Id van het toegangspunt: <link-id>@<volgnummer van de kruising>"),
    ),
    "base_flow_dwellings": (
        N_("Fietsers naar station, basis"),
        N_(
            "Potentiële fietsers (woningen) naar het station in de basistoestand; grootste waarde over de delen van de link"
        ),
    ),
    "scenario_flow_dwellings": (
        N_("Fietsers naar station, scenario"),
        N_("Potentiële fietsers (woningen) naar het station in het scenario"),
    ),
    "delta_flow_dwellings": (
        N_("Verschil fietsers naar station"),
        N_("Scenario min basis: potentiële fietsers (woningen) naar het station"),
    ),
    "base_flow_brussels_dwellings": (
        N_("Fietsers naar Brussel, basis"),
        N_(
            "Potentiële fietsers (woningen) naar de Brusselse grens in de basistoestand; grootste waarde over de delen van de link"
        ),
    ),
    "scenario_flow_brussels_dwellings": (
        N_("Fietsers naar Brussel, scenario"),
        N_("Potentiële fietsers (woningen) naar de Brusselse grens in het scenario"),
    ),
    "delta_flow_brussels_dwellings": (
        N_("Verschil fietsers naar Brussel"),
        N_("Scenario min basis: potentiële fietsers (woningen) naar de Brusselse grens"),
    ),
    "flow_bike_commuters": (
        N_("Potentiële fietspendelaars"),
        N_(
            "Pendelaars (Go Dutch) van wie de kortste fietsroute naar het werk over deze link loopt"
        ),
    ),
    "base_flow_bike_commuters": (
        N_("Fietspendelaars, basis"),
        N_(
            "Potentiële fietspendelaars (Go Dutch) in de basistoestand; grootste waarde over de delen van de link"
        ),
    ),
    "scenario_flow_bike_commuters": (
        N_("Fietspendelaars, scenario"),
        N_("Potentiële fietspendelaars (Go Dutch) in het scenario"),
    ),
    "delta_flow_bike_commuters": (
        N_("Verschil fietspendelaars"),
        N_("Scenario min basis: potentiële fietspendelaars (Go Dutch)"),
    ),
    "gradient_pct": (
        N_("Helling (%)"),
        N_(
            "Gemiddelde absolute helling van de link: som van |stijging| langs de link / lengte, uit het hoogtemodel"
        ),
    ),
    "opp_id": (N_("Werkplaats-id"), N_("Id van de werkplaats (banenlaag)")),
    "jobs": (N_("Banen"), N_("Aantal banen op deze werkplaats")),
}


#: (layer kind, column) -> (title, description), Dutch (``tr`` gives the English), where a
#: column means something else in that layer.
_LAYER_FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("toegangspunten_brussel", "dwellings"): (
        N_("Woningen"),
        N_(
            "Woningen waarvoor dit toegangspunt het dichtstbijzijnde op de Brusselse grens is (fietstijd)"
        ),
    ),
    ("toegangspunten_brussel", "name"): (N_("Straat"), N_("Naam van de link die de grens kruist")),
}

#: layer kind -> description, Dutch (``tr`` gives the English), written to gpkg_contents.
LAYER_DESCRIPTIONS: dict[str, str] = {
    "woningen": N_(
        "Woningen met wandelafstand en fietstijd tot het dichtstbijzijnde mobipunt en station"
    ),
    "mobipunten": N_(
        "Mobipunten met hun verzorgingsgebied (woningen waarvoor ze het dichtstbijzijnde zijn)"
    ),
    "bedieningsgebieden": N_(
        "Bedieningsgebied van elk mobipunt: gebied binnen de fietstijd over het netwerk"
    ),
    "fietsstromen": N_(
        "Netwerklinks met het potentieel aantal fietsers (woningen) naar het station en naar de Brusselse grens"
    ),
    "afgesloten_links": N_("Links die het scenario afsluit"),
    "toegangspunten_brussel": N_(
        "Toegangspunten waar het fietsnetwerk de Brusselse grens kruist, met de woningen waarvoor elk het dichtstbijzijnde is"
    ),
    "fietsstromen_verschil": N_(
        "Links waarvan de potentiële fietsstroom door het scenario verandert (naar het station en naar Brussel)"
    ),
    "gemeenten": N_("Indicatoren per gemeente"),
    "toegangswijzigingen": N_("Woningen die toegang winnen of verliezen binnen een drempel"),
    "locatievoorstellen": N_("Voorgestelde locaties voor nieuwe mobipunten"),
    "werkplaatsen": N_(
        "Werkplaatsen met hun pendelaars en potentiële fietspendelaars per scenario (huidig, beleidsdoel, Go Dutch, e-fiets)"
    ),
}


def field_description(column: str, lang: str = "nl", *, kind: str | None = None) -> tuple[str, str]:
    """``(title, description)`` of ``column`` in ``lang`` (``"nl"`` or ``"en"``).

    ``kind`` is the layer kind (a key of :data:`LAYER_DESCRIPTIONS`) where a
    column means something particular in that layer. Indicator columns get
    their indicator label; an unknown column its own name.
    """
    if kind is not None and (kind, column) in _LAYER_FIELDS:
        title, description = _LAYER_FIELDS[(kind, column)]
        return tr(lang, title), tr(lang, description)
    if column in FIELD_DESCRIPTIONS:
        title, description = FIELD_DESCRIPTIONS[column]
        return _field_title(column, title, lang), tr(lang, description)
    from slimmeregio.scenarios.results import indicator_label, indicator_unit

    label = indicator_label(column, lang)
    if label != column:
        unit = indicator_unit(column)
        shown = tr(lang, "aantal", context="unit") if unit == "count" else unit
        return label, f"{label} ({shown})"
    return column, column


def _field_title(column: str, title: str, lang: str) -> str:
    """A field's title in ``lang``; two Dutch titles mean something else here than elsewhere."""
    if column == "offer":
        return tr(lang, "Aanbod", context="field")
    if column == "change":
        return tr(lang, "Wijziging", context="delta")
    return tr(lang, title)
