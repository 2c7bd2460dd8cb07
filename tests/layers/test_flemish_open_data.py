"""Layers as planners get them from Flemish and federal open-data portals.

Each test writes a small file with the column names of a published data set
(see docs/flemish-open-data.md) and loads it through
:func:`slimmeregio.layers.io.load_layers`, checking that the role and the
field mapping are recognised. When a published name is not guessed, add it
here as a test marked ``xfail(strict=True)`` and report it: the strict marker
makes the suite say so once the synonym is in the guess tables.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from slimmeregio.layers.io import load_layers
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import Role

#: A point, a line and a square in Vilvoorde, Lambert 72.
POINT = shapely.Point(157_000, 180_000)
LINE = shapely.LineString([(157_000, 180_000), (157_500, 180_300)])
SQUARE = shapely.box(156_000, 179_000, 159_000, 182_000)


def _write(
    path: Path,
    columns: dict[str, list[object]],
    geometry: shapely.Geometry,
    *,
    layer: str | None = None,
) -> Path:
    n = len(next(iter(columns.values())))
    frame = gpd.GeoDataFrame(columns, geometry=[geometry] * n, crs="EPSG:31370")
    if path.suffix == ".gpkg":
        frame.to_file(path, layer=layer or path.stem, driver="GPKG")
    elif path.suffix == ".geojson":
        frame.to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    else:
        frame.to_file(path)
    return path


def _one(path: Path) -> Layer:
    layers = load_layers(path)
    assert len(layers) == 1
    return layers[0]


# --- Hoppinpunten (mobipunten) ------------------------------------------------

HOPPIN = {
    "Naam": ["Vilvoorde station", "Grimbergen centrum"],
    "Gemeente": ["Vilvoorde", "Grimbergen"],
    "Categorie BVR": ["regionaal", "lokaal"],
    "Status": ["bestaand", "gepland"],
    "Vervoerregio": ["Vlaamse Rand", "Vlaamse Rand"],
}


def test_hoppinpunten_geopackage(tmp_path: Path) -> None:
    layer = _one(_write(tmp_path / "Hoppinpunten.gpkg", HOPPIN, POINT))
    assert layer.role == Role.MOBIPUNTEN
    assert layer.fields["name"] == "Naam"
    assert layer.fields["hoppin_type"] == "Categorie BVR"
    assert layer.fields["municipality"] == "Gemeente"
    assert list(layer.column("hoppin_type")) == ["regionaal", "lokaal"]


@pytest.mark.filterwarnings("ignore:Column names longer than 10")
@pytest.mark.filterwarnings("ignore:Normalized/laundered field name")
def test_hoppinpunten_shapefile_with_cut_names(tmp_path: Path) -> None:
    # dBase cuts "Categorie BVR" to "Categorie".
    layer = _one(_write(tmp_path / "hoppinpunten.shp", HOPPIN, POINT))
    assert layer.role == Role.MOBIPUNTEN
    assert layer.fields["hoppin_type"].startswith("Categorie")
    assert layer.fields["name"] == "Naam"


def test_hoppinpunten_wfs_export_in_capitals_with_a_neutral_name(tmp_path: Path) -> None:
    columns = {key.upper().replace(" ", "_"): values for key, values in HOPPIN.items()}
    layer = _one(_write(tmp_path / "export.geojson", columns, POINT))
    assert layer.role == Role.MOBIPUNTEN
    assert layer.fields == {
        "name": "NAAM",
        "hoppin_type": "CATEGORIE_BVR",
        "municipality": "GEMEENTE",
    }


# --- Municipal boundaries ---------------------------------------------------------

#: Informatie Vlaanderen, Voorlopig referentiebestand gemeentegrenzen (VRBG), layer Refgem.
REFGEM = {
    "UIDN": [1],
    "OIDN": [11],
    "TERRID": [351],
    "NISCODE": ["23088"],
    "NAAM": ["Vilvoorde"],
    "DATPUBLBS": ["2019-01-01"],
    "NUMAC": ["2019010101"],
    "LENGTE": [32000.0],
    "OPPERVL": [21_500_000.0],
}


def test_refgem_maps_nis_and_name_but_has_no_population(tmp_path: Path) -> None:
    layer = _one(_write(tmp_path / "Refgem.shp", REFGEM, SQUARE))
    # VRBG carries no population, a required field: loaded as 'other' with a note.
    assert layer.role == Role.OTHER
    assert layer.report.has("role_incomplete")
    assert any("inwoners" in entry.nl for entry in layer.report)
    explicit = load_layers(
        tmp_path / "Refgem.shp",
        role="municipalities",
        fields={"population": "OPPERVL"},  # any numeric column to complete the mapping
    )[0]
    assert explicit.fields["nis"] == "NISCODE"
    assert explicit.fields["name"] == "NAAM"


def test_refgem_with_population_joined(tmp_path: Path) -> None:
    columns = {**REFGEM, "INWONERS": [44_000]}
    layer = _one(_write(tmp_path / "Refgem.gpkg", columns, SQUARE))
    assert layer.role == Role.MUNICIPALITIES
    assert layer.fields == {"nis": "NISCODE", "name": "NAAM", "population": "INWONERS"}


def test_statbel_population_per_municipality(tmp_path: Path) -> None:
    # Statbel, "Bevolking per gemeente": CD_REFNIS, TX_DESCR_NL, TX_DESCR_FR, MS_POPULATION.
    columns = {
        "CD_REFNIS": ["23088"],
        "TX_DESCR_NL": ["Vilvoorde"],
        "TX_DESCR_FR": ["Vilvorde"],
        "MS_POPULATION": [44_000],
    }
    layer = _one(_write(tmp_path / "gemeenten.gpkg", columns, SQUARE))
    assert layer.role == Role.MUNICIPALITIES
    assert layer.fields == {
        "nis": "CD_REFNIS",
        "name": "TX_DESCR_NL",
        "population": "MS_POPULATION",
    }


# --- Bike-route networks ------------------------------------------------------------


def test_bff_with_functie(tmp_path: Path) -> None:
    # Bovenlokaal functioneel fietsroutenetwerk (provinces / Departement MOW).
    columns = {
        "OIDN": [1, 2],
        "FUNCTIE": ["hoofdroute", "functionele fietsroute"],
        "NAAM": ["F3 Leuven-Brussel", "Vilvoorde-Zaventem"],
    }
    layer = _one(_write(tmp_path / "bff_vlaams_brabant.gpkg", columns, LINE))
    assert layer.role == Role.BIKE_NETWORK
    assert layer.fields == {"link_class": "link_class", "name": "NAAM", "id": "OIDN"}
    assert list(layer.column("link_class")) == ["fietssnelweg", "bovenlokaal"]
    assert list(layer.frame["FUNCTIE"]) == ["hoofdroute", "functionele fietsroute"]


def test_provincial_network_with_categorie(tmp_path: Path) -> None:
    columns = {
        "categorie": ["fietssnelweg", "bovenlokaal", "lokaal"],
        "routenaam": ["F3", "Kanaalroute", "Dorpsstraat"],
    }
    layer = _one(_write(tmp_path / "fietsroutenetwerk.gpkg", columns, LINE))
    assert layer.role == Role.BIKE_NETWORK
    assert layer.fields["link_class"] == "categorie"
    assert layer.fields["name"] == "routenaam"


def test_osm_import_output_loads_back_with_its_mapping(tmp_path: Path) -> None:
    columns = {
        "osm_id": [4_012_345],
        "klasse": ["fietssnelweg"],
        "naam": ["F3"],
        "eenrichting": [False],
        "highway": ["cycleway"],
        "surface": ["asphalt"],
        "route_refs": ["F3"],
        "source": ["© OpenStreetMap contributors, ODbL 1.0"],
    }
    layer = _one(_write(tmp_path / "osm.gpkg", columns, LINE, layer="fietsnetwerk_osm"))
    assert layer.role == Role.BIKE_NETWORK
    assert layer.fields == {
        "link_class": "klasse",
        "oneway": "eenrichting",
        "name": "naam",
        "id": "osm_id",
        "infrastructure": "highway",  # quiet routes read OSM's highway as the kind of way
    }
