"""Settings of the region build: source files, attributions, the documented corrections of the real sources and the parameters of the illustrative layers."""

from __future__ import annotations

CRS = "EPSG:31370"
DEFAULT_SEED = 20231
DEFAULT_HOUSEHOLD_SIZE = 2.4
ARRONDISSEMENT = "23000"
BRUSSELS = "21000"
CELL = 100.0
#: Timestamp written into the GeoPackage metadata (reproducible builds).
GPKG_TIMESTAMP = "2024-01-01T00:00:00.000Z"

MUNICIPALITIES_FILE = "belgium-municipalities.topojson"
STATIONS_FILE = "belgium-rail-stations.csv"
FACILITIES_FILE = "belgium-rail-station-facilities.csv"
LOCALITIES_FILE = "belgium-postcode-localities.csv"
#: The files the build reads (plus ``SOURCES.md``, copied along when present).
SOURCE_FILES = (MUNICIPALITIES_FILE, STATIONS_FILE, FACILITIES_FILE, LOCALITIES_FILE)

ILLUSTRATIVE = "illustratief"
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
CC0_ATTRIBUTION = "Statbel / Belgium-Map project (CC0 1.0)"
IRAIL_ATTRIBUTION = "iRail stations (CC0 1.0)"
#: Columns of the region's sources table: one row per layer.
SOURCES_COLUMNS = (
    "layer",
    "title_nl",
    "source",
    "licence",
    "date",
    "kind",
    "note_nl",
    "note_en",
    "attribution",
)

# --------------------------------------------------------------------------
# Corrections of the real sources (documented in docs/region.md)
# --------------------------------------------------------------------------

#: bpost postcode -> NIS code of the Halle-Vilvoorde municipality it serves.
#: The simplified boundaries put a few locality points in the neighbouring
#: municipality; the postcode decides.
POSTCODE_NIS: dict[str, str] = {
    **dict.fromkeys(("1500", "1501", "1502"), "23027"),  # Halle
    **dict.fromkeys(("1540", "1541"), "23032"),  # Herne
    "1547": "23009",  # Bever
    "1560": "23033",  # Hoeilaart
    "1570": "23023",  # Galmaarden
    **dict.fromkeys(("1600", "1601", "1602"), "23077"),  # Sint-Pieters-Leeuw
    "1620": "23098",  # Drogenbos
    "1630": "23100",  # Linkebeek
    "1640": "23101",  # Sint-Genesius-Rode
    **dict.fromkeys(("1650", "1651", "1652", "1653", "1654"), "23003"),  # Beersel
    **dict.fromkeys(("1670", "1671", "1673", "1674"), "23064"),  # Pepingen
    **dict.fromkeys(("1700", "1701", "1702", "1703"), "23016"),  # Dilbeek
    **dict.fromkeys(("1730", "1731"), "23002"),  # Asse
    **dict.fromkeys(("1740", "1741", "1742"), "23086"),  # Ternat
    "1745": "23060",  # Opwijk
    "1750": "23104",  # Lennik
    "1755": "23024",  # Gooik
    **dict.fromkeys(("1760", "1761"), "23097"),  # Roosdaal
    "1770": "23044",  # Liedekerke
    "1780": "23102",  # Wemmel
    "1785": "23052",  # Merchtem
    "1790": "23105",  # Affligem
    "1800": "23088",  # Vilvoorde
    "1820": "23081",  # Steenokkerzeel
    **dict.fromkeys(("1830", "1831"), "23047"),  # Machelen
    "1840": "23045",  # Londerzeel
    **dict.fromkeys(("1850", "1851", "1852", "1853"), "23025"),  # Grimbergen
    **dict.fromkeys(("1860", "1861"), "23050"),  # Meise
    "1880": "23039",  # Kapelle-op-den-Bos
    "1910": "23038",  # Kampenhout
    **dict.fromkeys(("1930", "1932", "1933"), "23094"),  # Zaventem
    "1950": "23099",  # Kraainem
    "1970": "23103",  # Wezembeek-Oppem
    **dict.fromkeys(("1980", "1981", "1982"), "23096"),  # Zemst
    "3090": "23062",  # Overijse
}

#: Locality names in French only (or misspelt) in the postcode list -> Dutch.
LOCALITY_NAMES_NL: dict[str, str] = {
    "Biévène": "Bever",
    "Rhode-Saint-Genèse": "Sint-Genesius-Rode",
    "Kapelle-Op-Den-Bos": "Kapelle-op-den-Bos",
}

#: Brussels postcode localities that are not a municipality of their own.
OTHER_LOCALITY_NAMES_NL: dict[str, str] = {
    "Bruxelles": "Brussel",
    "Laeken": "Laken",
    "Saint-Josse-Ten-Noode": "Sint-Joost-ten-Node",
}

#: Localities whose geocoded point lies far outside their municipality (the
#: geocoder matched a namesake elsewhere in Belgium): approximate position of
#: the village centre (lon, lat), taken from the topographic map.
LOCALITY_FIXES: dict[tuple[str, str], tuple[float, float]] = {
    ("1785", "Hamme"): (4.2135, 50.9475),  # Hamme (Merchtem), not Hamme (Oost-Vlaanderen)
    ("1910", "Berg"): (4.5445, 50.9285),  # Berg (Kampenhout), not Berg (Limburg)
}
#: A locality further than this from its municipality polygon is a geocoding
#: error (the simplified boundaries account for a few hundred metres).
LOCALITY_TOLERANCE_M = 1500.0

#: Stations the simplified boundaries put in the wrong municipality: Dutch name
#: of the municipality the station really lies in.
STATION_MUNICIPALITY: dict[str, str] = {
    "Buizingen": "Halle",
    "Ruisbroek": "Sint-Pieters-Leeuw",
    "Huizingen": "Beersel",
    "Liedekerke": "Liedekerke",
    "Diegem": "Machelen",
    "Enghien": "Edingen",
    "La Hulpe": "Terhulpen",
    "Muizen": "Mechelen",
    "Sint-Agatha-Berchem/Berchem-Sainte-Agathe": "Sint-Agatha-Berchem",
}
#: Stations outside the region considered: within this distance of the border
#: (all stations of the Brussels-Capital Region are always included).
STATION_BUFFER_M = 5000.0

REGION_NAMES = {
    "Vlaams Gewest": "Vlaanderen",
    "Brussels Hoofdstedelijk Gewest": "Brussel",
    "Waals Gewest": "Wallonië",
}

# --------------------------------------------------------------------------
# Illustrative generation parameters
# --------------------------------------------------------------------------

#: Design speed (km/h) per link class.
SPEEDS = {"fietssnelweg": 25, "bovenlokaal": 20, "lokaal": 16}

#: Fietssnelweg corridors along the main rail axes towards Brussels, as
#: station waypoints (station names as in the stations layer).
CORRIDORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Fietssnelweg Halle-Brussel", ("Halle", "Lot", "Ruisbroek", "Vorst-Zuid", "Brussel-Zuid")),
    (
        "Fietssnelweg Mechelen-Vilvoorde-Brussel",
        ("Weerde", "Eppegem", "Vilvoorde", "Buda", "Schaarbeek", "Brussel-Noord"),
    ),
    (
        "Fietssnelweg Leuven-Zaventem-Brussel",
        ("Nossegem", "Zaventem", "Diegem", "Haren-Zuid", "Schaarbeek"),
    ),
    (
        "Fietssnelweg Ternat-Dilbeek-Brussel",
        ("Ternat", "Sint-Martens-Bodegem", "Dilbeek", "Sint-Agatha-Berchem", "Brussel-West"),
    ),
    ("Fietssnelweg Asse-Brussel", ("Mollem", "Asse", "Zellik", "Jette")),
)

#: Share of a municipality's inhabitants living around its main centre versus
#: each other deelgemeente (weights).
MAIN_CENTRE_WEIGHT = 2.5
#: Inhabitants per km2 in a locality's built-up core (sets the mesh radius).
CORE_DENSITY = 3000.0
#: Mean dwellings per housing point (a point is a small block).
MEAN_BLOCK = 12.0
STREET_NAMES = (
    "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Schoolstraat",
    "Nieuwstraat", "Kapelstraat", "Brusselsesteenweg", "Nijverheidsstraat", "Veldstraat",
    "Beekstraat", "Bergstraat", "Hoogstraat", "Kasteelstraat", "Lindenlaan",
    "Processieweg", "Kouterstraat", "Meersstraat", "Bosstraat", "Pastorijstraat",
    "Heidestraat", "Hof ter Beke", "Gemeenteplein", "Populierenlaan", "Weverijstraat",
    "Broekstraat", "Zavelstraat", "Smisstraat", "Klaprozenlaan", "Ringlaan",
    "Koning Albertstraat", "Jozef Van Elewijckstraat", "Vlasstraat", "Ijzerweg",
    "Neerstraat", "Opperstraat", "Spoorweglaan", "Tiendenschuurstraat", "Vijverstraat",
    "Wolfsputstraat",
)  # fmt: skip
#: Inhabitants of a deelgemeente without a station (within 900 m) from which
#: it gets a lokaal, resp. buurt mobipunt.
LOKAAL_MIN_INHABITANTS = 5000.0
BUURT_MIN_INHABITANTS = 3800.0
#: Share of the housing candidates placed as ribbon development along the
#: bovenlokaal routes between the centres.
RIBBON_SHARE = 0.08
PROJECT_WORDS = ("Hof", "Site", "Woonerf", "Residentie", "Tuinwijk", "Kouter")
