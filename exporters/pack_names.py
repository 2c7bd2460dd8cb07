"""File and folder names of a council pack, in the pack's language (an English pack has English names)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PackNames", "pack_names"]


@dataclass(frozen=True)
class PackNames:
    """Where each file of a pack goes (paths relative to the pack folder)."""

    maps: str
    atlas: str
    webmap: str
    workbook: str
    deck: str
    geopackage: str
    municipalities: str
    municipality_map: str
    municipality_workbook: str
    municipality_deck: str
    base: str
    suggestion: str
    business_parks: str
    commute_routes: str
    themes: dict[str, str] = field(default_factory=dict)


_NL = PackNames(
    maps="kaarten",
    atlas="atlas",
    webmap="webkaart.html",
    workbook="resultaten.xlsx",
    deck="presentatie.pptx",
    geopackage="resultaten.gpkg",
    municipalities="gemeenten",
    municipality_map="kaart.pdf",
    municipality_workbook="cijfers.xlsx",
    municipality_deck="presentatie.pptx",
    base="basis",
    suggestion="voorstel",
    business_parks="bedrijventerreinen",
    commute_routes="fietsroutes_naar_het_werk.geojson",
    themes={
        "base": "basiskaart",
        "access": "bereikbaarheid",
        "change": "wijzigingen",
        "flows": "fietsstromen",
        "flows_brussels": "fietsstromen_brussel",
        "siting": "locatievoorstel",
        "bike_commute": "fietsroutes_werk",
        "public_transport": "openbaar_vervoer",
    },
)
_EN = PackNames(
    maps="maps",
    atlas="atlas",
    webmap="webmap.html",
    workbook="results.xlsx",
    deck="presentation.pptx",
    geopackage="results.gpkg",
    municipalities="municipalities",
    municipality_map="map.pdf",
    municipality_workbook="figures.xlsx",
    municipality_deck="presentation.pptx",
    base="base",
    suggestion="suggestion",
    business_parks="business_parks",
    commute_routes="bike_routes_to_work.geojson",
    themes={
        "base": "base_map",
        "access": "access",
        "change": "changes",
        "flows": "bike_flows",
        "flows_brussels": "bike_flows_brussels",
        "siting": "site_suggestions",
        "bike_commute": "bike_routes_to_work",
        "public_transport": "public_transport",
    },
)


def pack_names(lang: str = "nl") -> PackNames:
    """The names for a pack in ``lang`` (``"nl"``, the default, or ``"en"``)."""
    return _EN if lang == "en" else _NL
