"""Writing a scenario as commented, human-editable TOML, and the commented example scenario."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import tomli_w

if TYPE_CHECKING:
    from slimmeregio.scenarios.model import Scenario

__all__ = ["example_scenario_toml", "render_scenario_toml"]


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _comment(text: str) -> str:
    """A single-line TOML comment body (control characters are not allowed)."""
    return _CONTROL.sub(" ", text).strip()


def _toml_key(key: str) -> str:
    return tomli_w.dumps({key: 0})[: -len(" = 0\n")]


def _toml_value(value: Any) -> str:
    """An inline TOML value; lists stay on one line (coordinates stay readable)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value})[len("v = ") : -1]


def _toml_table(data: Mapping[str, Any]) -> list[str]:
    return [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()]


_PARAMETER_NOTES = {
    "speeds_kmh": "fietssnelheid per klasse (km/u)",
    "walking_speed_kmh": "wandelsnelheid (km/u)",
    "walk_thresholds_m": "wandelafstanden (m), oplopend",
    "bike_thresholds_min": "fietstijden (min), oplopend",
    "max_snap_m": "maximale afstand tot het netwerk (m)",
    "household_size": "personen per woning",
    "min_trains_per_day": "stations tellen mee vanaf zoveel treinen per dag",
    "mobipunt_types": "welke Hoppin-types meetellen",
    "service_area_min": "fietstijd voor de bedieningsgebieden (min)",
    "curve_max_min": "dekkingscurve van 0 tot zoveel minuten",
    "siting_threshold_min": "inplanting: woningen binnen zoveel fietsminuten",
    "detour_ratio": "ontbrekende schakels: omweg netwerk/rechte lijn groter dan",
    "detour_max_straight_m": "ontbrekende schakels: rechte afstand hoogstens (m)",
    "pt_walk_m": "openbaar vervoer: wandelafstand tot een halte (m)",
    "pt_departures_per_hour": "openbaar vervoer: halte telt vanaf zoveel vertrekken per uur, oplopend",
    "pt_windows": "openbaar vervoer: tijdvensters (ochtendspits, dag, avondspits, avond)",
    "pt_trains_per_hour": "station telt vanaf zoveel treinen per uur",
    "pt_train_window": "tijdvenster voor treinen per uur en de wachttijd",
    "bike_train_max_bike_min": "fiets + trein: stations hoogstens zoveel fietsminuten ver",
    "hub_offers": "mobipunten met dit aanbod krijgen een eigen aandeel (bv. deelauto)",
    "hub_type_weights": "gewicht per Hoppin-type (interregionaal, regionaal, lokaal, buurt) in de mobipuntscore",
    "commute_routes": "woon-werkroutes: fastest (kortste) of quiet (rustigste: fietspaden en rustige straten)",
    "commute_origins": "pendel vertrekt per woonpunt (points), per cel van 100 m (cells) of auto (cellen boven 50.000 woonpunten)",
    "opportunity_bike_half_life_min": "bereikbaarheid van bestemmingen: fietstijd (min) waarop een bestemming half meetelt",
    "opportunity_walk_half_life_m": "bereikbaarheid van bestemmingen: wandelafstand (m) waarop een bestemming half meetelt",
    "opportunity_nearest_k": "tijd tot de zoveelste dichtstbijzijnde bestemming",
    "workers_per_dwelling": "pendel (zwaartekrachtmodel): werkende inwoners per woning",
    "commute_beta_per_km": "pendel (zwaartekrachtmodel): afstandsverval exp(-beta x km)",
}


def render_scenario_toml(scenario: Scenario) -> str:
    """The scenario as TOML a person can edit: parameters with notes, a comment above each modification."""
    data = scenario.model_dump(mode="python", exclude_none=True)
    lines = [
        "# Slimme Regio Planner - scenario",
        "# Coördinaten in Belgische Lambert 72 (EPSG:31370, meter).",
        "",
    ]
    for key in ("name", "description", "base"):
        lines.append(f"{key} = {_toml_value(data[key])}")
    params = data["parameters"]
    lines += ["", "# Parameters van de analyse", "[parameters]"]
    for key, value in params.items():
        if key == "speeds_kmh":
            continue
        note = _PARAMETER_NOTES.get(key)
        if note:
            lines.append(f"# {note}")
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    lines += ["", f"# {_PARAMETER_NOTES['speeds_kmh']}", "[parameters.speeds_kmh]"]
    lines += _toml_table(params["speeds_kmh"])
    mods = data["modifications"]
    if mods:
        lines += ["", "# Wijzigingen, in volgorde van toepassing"]
    for i, (mod, model) in enumerate(zip(mods, scenario.modifications, strict=True), 1):
        header = f"{i}. {mod['kind']} door {model.author}: {model.reason}"
        lines += ["", f"# {_comment(header)}", "[[modifications]]"]
        ledger = {k: mod.pop(k) for k in ("author", "reason", "created") if k in mod}
        ordered = {"kind": mod.pop("kind")} | mod | ledger
        lines += _toml_table(ordered)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Example
# ---------------------------------------------------------------------------

_EXAMPLE = """\
# Slimme Regio Planner - voorbeeldscenario
#
# Een scenario = de basistoestand + een geordende lijst wijzigingen.
# Elke wijziging vermeldt wie ze maakte (author) en waarom (reason), zodat
# het scenario leest als een logboek voor het college of de gemeenteraad.
# Coördinaten staan in Belgische Lambert 72 (EPSG:31370, meter).
# De verbindingen (link_id) en mobipunten (mobipunt_id) verwijzen naar de
# ingebouwde regio Halle-Vilvoorde.

name = "Voorbeeld: fietsverbinding en mobipunt bij station Halle"
description = "Nieuwe fietsverbinding naar station Halle, een opgewaardeerde route, een buurtmobipunt en 240 woningen."
base = "basis"                      # "basis" = de lagen zoals geladen

[parameters]
walking_speed_kmh = 4.8             # wandelsnelheid (km/u)
walk_thresholds_m = [400.0, 800.0, 1200.0]   # wandelafstanden (m), oplopend
bike_thresholds_min = [5.0, 10.0, 15.0]      # fietstijden (min), oplopend
max_snap_m = 500.0                  # maximale afstand tot het netwerk (m)
household_size = 2.4                # personen per woning
min_trains_per_day = 0.0            # stations tellen mee vanaf zoveel treinen per dag
mobipunt_types = ["interregionaal", "regionaal", "lokaal", "buurt"]
service_area_min = 10.0             # fietstijd voor de bedieningsgebieden (min)
curve_max_min = 30                  # dekkingscurve van 0 tot zoveel minuten
siting_threshold_min = 5.0          # inplanting: woningen binnen zoveel fietsminuten
detour_ratio = 2.0                  # ontbrekende schakels: omweg netwerk/rechte lijn
detour_max_straight_m = 800.0       # ontbrekende schakels: rechte afstand hoogstens (m)
pt_walk_m = 500.0                   # openbaar vervoer: wandelafstand tot een halte (m)
pt_departures_per_hour = [2.0, 4.0] # halte telt vanaf zoveel vertrekken per uur
pt_windows = ["ochtendspits", "dag", "avond"]   # tijdvensters van de haltelaag
pt_trains_per_hour = 2.0            # station telt vanaf zoveel treinen per uur
pt_train_window = "ochtendspits"    # tijdvenster voor treinen per uur en wachttijd
bike_train_max_bike_min = 30.0      # fiets + trein: stations binnen zoveel fietsminuten
hub_offers = ["deelauto", "deelfiets"]   # aandeel woningen bij een mobipunt met dit aanbod
hub_type_weights = [1.0, 0.75, 0.5, 0.25]   # gewicht interregionaal, regionaal, lokaal, buurt
commute_routes = "fastest"          # woon-werkroutes: fastest (kortste) of quiet (rustigste)
commute_origins = "auto"            # pendel per woonpunt (points), per cel van 100 m (cells) of auto
opportunity_bike_half_life_min = 10.0   # bestemmingen: fietstijd (min) waarop ze half meetellen
opportunity_walk_half_life_m = 800.0    # bestemmingen: wandelafstand (m) waarop ze half meetellen
opportunity_nearest_k = 3               # tijd tot de zoveelste dichtstbijzijnde bestemming
workers_per_dwelling = 1.0              # pendel: werkende inwoners per woning
commute_beta_per_km = 0.1               # pendel: afstandsverval exp(-beta x km)

[parameters.speeds_kmh]             # fietssnelheid per klasse (km/u)
fietssnelweg = 25.0
bovenlokaal = 20.0
lokaal = 16.0
overig = 14.0

# 1. add_link: een nieuwe fietsverbinding, getekend als lijn (minstens 2 punten)
[[modifications]]
kind = "add_link"
coords = [[140500.0, 158700.0], [140750.0, 158420.0], [140956.0, 158163.0]]
link_class = "bovenlokaal"          # fietssnelweg, bovenlokaal, lokaal of overig
name = "Fietsbrug over de Zenne"
oneway = false
bridge = true                       # brug/tunnel: enkel verbonden aan de twee uiteinden
author = "Dienst Mobiliteit Halle"
reason = "Kortere fietsroute van de woonwijk naar station Halle"
created = 2025-03-01T10:00:00

# 2. upgrade_link: bestaande verbindingen opwaarderen (link_id uit het fietsnetwerk)
[[modifications]]
kind = "upgrade_link"
link_ids = [1394]
link_class = "fietssnelweg"         # nieuwe klasse en/of snelheid (speed_kmh)
author = "Provincie Vlaams-Brabant"
reason = "Aansluiting op de fietssnelweg aan station Halle"

# 3. add_mobipunt: een nieuw mobipunt (Hoppinpunt)
[[modifications]]
kind = "add_mobipunt"
x = 141150.0
y = 158250.0
name = "Hoppinpunt Halle-Station Oost"
hoppin_type = "buurt"               # interregionaal, regionaal, lokaal of buurt
offer = ["deelfiets", "fietsenstalling"]
author = "Dienst Mobiliteit Halle"
reason = "Deelfietsen aan de oostkant van het station"

# 4. add_housing: een woonproject (punt x/y of polygoon), met het aantal woningen
[[modifications]]
kind = "add_housing"
polygon = [[140300.0, 158800.0], [140550.0, 158800.0], [140550.0, 159000.0], [140300.0, 159000.0]]
dwellings = 240
name = "Woonproject Zennevallei"
status = "gepland"
author = "Dienst Ruimtelijke Ordening Halle"
reason = "Verkavelingsaanvraag 2025/017"

# Andere soorten wijzigingen (haal het #-teken weg om te gebruiken):
#
# [[modifications]]
# kind = "remove_link"              # verbindingen afsluiten (link_id uit het fietsnetwerk)
# link_ids = [11694]
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "move_mobipunt"            # mobipunt verplaatsen (mobipunt_id uit de mobipuntenlaag)
# mobipunt_id = "MP-010"
# x = 154550.0
# y = 179400.0
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "remove_mobipunt"
# mobipunt_id = "MP-064"
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "remove_housing"           # woningen verwijderen (woning_id, als tekst)
# housing_ids = ["7745"]
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "set_frequency"            # vertrekken per uur van een halte (stop_id) of een lijn (route)
# route = "155"                     # of: stop_id = "..." (uit de laag met OV-haltes)
# window = "ochtendspits"           # ochtendspits, dag, avondspits of avond
# departures_per_hour = 4.0         # elk kwartier
# author = "..."
# reason = "..."
"""


def example_scenario_toml() -> str:
    """A commented example scenario, valid as it stands (``scenario example``)."""
    return _EXAMPLE
