"""The embedded Halle-Vilvoorde region: real layers, illustrative layers and
the project that :func:`load_region` builds, checked against independent
computations (shapely, networkx, rasterio) on the shipped files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from rasterio.features import geometry_mask

from slimmeregio.layers.errors import CorruptFileError, SourceNotFoundError
from slimmeregio.layers.model import RasterData
from slimmeregio.layers.region import (
    POPULATION_LAYER,
    REGION_LAYERS,
    load_region,
    region_notes,
    region_provenance,
)
from slimmeregio.layers.roles import HOPPIN_TYPES, LINK_CLASSES, Role
from slimmeregio.resources import NOTICE, POPULATION_TIF, REGION_GPKG

HOUSEHOLD = 2.4
TOTAL_POPULATION = 643_766


@pytest.fixture(scope="module")
def frames() -> dict[str, gpd.GeoDataFrame]:
    """Every vector layer read straight from the file, independent of load_region."""
    return {
        name: gpd.read_file(REGION_GPKG, layer=name)
        for name in REGION_LAYERS
        if name != POPULATION_LAYER
    }


@pytest.fixture(scope="module")
def region(frames: dict[str, gpd.GeoDataFrame]) -> shapely.Geometry:
    return shapely.union_all(frames["gemeenten"].geometry.to_numpy())


# --------------------------------------------------------------------------
# Real layers
# --------------------------------------------------------------------------


def test_municipalities_and_population(frames: dict[str, gpd.GeoDataFrame]) -> None:
    gem = frames["gemeenten"]
    assert len(gem) == 35
    assert gem.crs.to_epsg() == 31370
    assert gem["nis"].str.fullmatch(r"23\d{3}").all()
    assert gem["nis"].is_unique
    assert int(gem["inwoners"].sum()) == TOTAL_POPULATION
    assert gem["inwoners"].dtype.kind == "i"
    assert {"Halle", "Vilvoorde", "Sint-Genesius-Rode", "Bever"} <= set(gem["naam"])
    # Lambert 72 coordinates of Halle-Vilvoorde, not degrees.
    xmin, ymin, xmax, ymax = gem.total_bounds
    assert 100_000 < xmin < xmax < 200_000 and 140_000 < ymin < ymax < 210_000
    brussel = frames["brussel"]
    assert len(brussel) == 19
    assert brussel["nis"].str.fullmatch(r"21\d{3}").all()
    assert int(brussel["inwoners"].sum()) > 1_000_000


def test_deelgemeenten_dutch_names_and_assignment(
    frames: dict[str, gpd.GeoDataFrame],
) -> None:
    deel = frames["deelgemeenten"]
    gem = frames["gemeenten"]
    assert len(deel) == 104
    region = shapely.union_all(gem.geometry.to_numpy())
    assert deel.within(region).all()
    assert set(deel["nis"]) == set(gem["nis"])  # every municipality has a centre
    names = set(deel["naam"])
    assert not names & {"Biévène", "Rhode-Saint-Genèse", "Kapelle-Op-Den-Bos"}
    assert {"Bever", "Sint-Genesius-Rode", "Kapelle-op-den-Bos"} <= names
    assert not names & {"Muizen", "Driekapellen"}  # mis-geocoded, not in the region
    lookup = dict(zip(gem["nis"], gem["naam"], strict=True))
    assert (deel["gemeente"] == deel["nis"].map(lookup)).all()
    expected = {
        "Ruisbroek": "Sint-Pieters-Leeuw",
        "Drogenbos": "Drogenbos",
        "Meise": "Meise",
        "Nieuwenrode": "Kapelle-op-den-Bos",
        "Bekkerzeel": "Asse",
        "Hamme": "Merchtem",
        "Berg": "Kampenhout",
        "Bever": "Bever",
    }
    actual = dict(zip(deel["naam"], deel["gemeente"], strict=True))
    for locality, municipality in expected.items():
        assert actual[locality] == municipality
    # Every point lies in (or within the boundary error of) its municipality.
    polygons = gem.set_index("nis").geometry
    distance = [polygons[n].distance(g) for n, g in zip(deel["nis"], deel.geometry, strict=True)]
    assert max(distance) < 1500
    # The two corrected geocodes now lie inside their municipality.
    for locality in ("Hamme", "Berg"):
        row = deel[deel["naam"] == locality].iloc[0]
        assert polygons[row["nis"]].contains(row.geometry)


def test_stations(frames: dict[str, gpd.GeoDataFrame], region: shapely.Geometry) -> None:
    st = frames["stations"]
    for column in ("station_id", "naam", "gewest", "gemeente"):
        assert st[column].map(type).eq(str).all(), column
    assert st["treinen_per_dag"].dtype.kind == "f"
    assert st["fietsenstalling"].dtype.kind == "i"
    for column in ("blue_bike", "bus", "tram", "metro", "in_regio"):
        assert st[column].dtype == bool, column
    assert st["station_id"].str.fullmatch(r"\d{9}").all() and st["station_id"].is_unique
    assert set(st["gewest"]) == {"Vlaanderen", "Brussel", "Wallonië"}
    by_name = st.set_index("naam")
    assert by_name.loc["Halle", "in_regio"] and by_name.loc["Halle", "treinen_per_dag"] > 300
    assert by_name.loc["Buizingen", "gemeente"] == "Halle"  # boundary error corrected
    assert by_name.loc["Brussel-Zuid", "gewest"] == "Brussel"
    assert not by_name.loc["Brussel-Zuid", "in_regio"]
    assert by_name.loc["Edingen", "gewest"] == "Wallonië" and not by_name.loc["Edingen", "in_regio"]
    inside = st[st["in_regio"]]
    assert 35 <= len(inside) <= 45
    assert (inside.distance(region) < 500).all()
    outside = st[~st["in_regio"] & (st["gewest"] != "Brussel")]
    assert (outside.distance(region) <= 5000).all()
    # Every station of the Brussels-Capital Region is there: as many as the
    # points inside the Brussels polygons, plus the ones on their edge.
    brussels = shapely.union_all(frames["brussel"].geometry.to_numpy())
    in_polygons = int(shapely.contains(brussels, st.geometry.to_numpy()).sum())
    assert (st["gewest"] == "Brussel").sum() >= in_polygons >= 30


# --------------------------------------------------------------------------
# Illustrative bike network
# --------------------------------------------------------------------------


def test_network_fields(frames: dict[str, gpd.GeoDataFrame]) -> None:
    net = frames["fietsnetwerk"]
    assert 20_000 <= len(net) <= 80_000
    assert net["link_id"].is_unique and net["link_id"].dtype.kind == "i"
    assert set(net["klasse"]) == set(LINK_CLASSES[:3])
    speeds = net.groupby("klasse")["snelheid"].unique()
    assert [list(speeds[k]) for k in ("fietssnelweg", "bovenlokaal", "lokaal")] == [
        [25.0],
        [20.0],
        [16.0],
    ]
    assert net["eenrichting"].dtype == bool
    assert 0 < net["eenrichting"].sum() < 0.02 * len(net)
    assert (net["source"].str.contains("illustratief")).all()
    snel = net[net["klasse"] == "fietssnelweg"]
    assert snel["naam"].str.contains("Halle").any() and snel["naam"].str.contains("Vilvoorde").any()
    assert (net.geometry.geom_type == "LineString").all()
    assert (net.length > 0.01).all()


def test_network_is_noded(frames: dict[str, gpd.GeoDataFrame]) -> None:
    """Two links meet only at endpoints they share: no crossings, no T-junctions."""
    geoms = frames["fietsnetwerk"].geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    meet = shapely.intersection(geoms[left], geoms[right])
    assert (shapely.get_type_id(meet) != 1).all()  # no overlapping stretches
    assert np.isin(shapely.get_type_id(meet), (0, 4, 7)).all()
    coords, pair = shapely.get_coordinates(meet, return_index=True)
    starts = shapely.get_coordinates(shapely.get_point(geoms, 0))
    ends = shapely.get_coordinates(shapely.get_point(geoms, -1))

    def is_endpoint(line: np.ndarray) -> np.ndarray:
        return (np.hypot(*(coords - starts[line]).T) < 1e-6) | (
            np.hypot(*(coords - ends[line]).T) < 1e-6
        )

    ok = is_endpoint(left[pair]) & is_endpoint(right[pair])
    assert ok.all(), f"{(~ok).sum()} crossings not at shared endpoints"


def test_network_is_connected(frames: dict[str, gpd.GeoDataFrame]) -> None:
    net = frames["fietsnetwerk"]
    graph = nx.Graph()
    for geom in net.geometry:
        a, b = geom.coords[0], geom.coords[-1]
        graph.add_edge((round(a[0], 3), round(a[1], 3)), (round(b[0], 3), round(b[1], 3)))
    assert nx.number_connected_components(graph) == 1  # no islands


def test_one_way_links_trap_nobody(frames: dict[str, gpd.GeoDataFrame]) -> None:
    """With one-way links followed in their drawn direction, every node can
    still reach every other (no one-way street into a cul-de-sac)."""
    net = frames["fietsnetwerk"]
    graph = nx.DiGraph()
    for geom, oneway in zip(net.geometry, net["eenrichting"], strict=True):
        a = (round(geom.coords[0][0], 3), round(geom.coords[0][1], 3))
        b = (round(geom.coords[-1][0], 3), round(geom.coords[-1][1], 3))
        graph.add_edge(a, b)
        if not oneway:
            graph.add_edge(b, a)
    assert nx.is_strongly_connected(graph)


def test_network_reaches_stations_and_brussels(
    frames: dict[str, gpd.GeoDataFrame], region: shapely.Geometry
) -> None:
    net = frames["fietsnetwerk"]
    nodes = shapely.points(
        np.vstack(
            [
                shapely.get_coordinates(shapely.get_point(net.geometry.to_numpy(), 0)),
                shapely.get_coordinates(shapely.get_point(net.geometry.to_numpy(), -1)),
            ]
        )
    )
    tree = shapely.STRtree(nodes)
    st = frames["stations"]
    _, dist = tree.query_nearest(st.geometry.to_numpy(), return_distance=True, all_matches=False)
    assert (dist < 1.0).all()  # every station, in the region or beyond, is a network node
    brussels = shapely.union_all(frames["brussel"].geometry.to_numpy())
    assert net.intersects(brussels).sum() > 50


# --------------------------------------------------------------------------
# Illustrative housing, grid and mobipunten
# --------------------------------------------------------------------------


def test_housing_sums_per_municipality(frames: dict[str, gpd.GeoDataFrame]) -> None:
    won = frames["woningen"]
    gem = frames["gemeenten"]
    assert 15_000 <= len(won) <= 40_000
    assert won["woning_id"].is_unique
    assert set(won["status"]) == {"bestaand", "gepland"}
    assert (won["woningen"] >= 1).all() and won["woningen"].dtype.kind == "i"
    assert (won["source"] == "illustratief").all()
    existing = won[won["status"] == "bestaand"]
    # By the point's own location, not by its nis column.
    joined = gpd.sjoin(existing, gem[["nis", "geometry"]].rename(columns={"nis": "poly_nis"}))
    assert len(joined) == len(existing)
    assert (joined["poly_nis"] == joined["nis"]).all()
    sums = joined.groupby("poly_nis")["woningen"].sum()
    expected = gem.set_index("nis")["inwoners"] / HOUSEHOLD
    ratio = sums.reindex(expected.index) / expected
    assert ratio.between(0.99, 1.01).all(), ratio[~ratio.between(0.99, 1.01)]


def test_planned_developments(frames: dict[str, gpd.GeoDataFrame]) -> None:
    won = frames["woningen"]
    planned = won[won["status"] == "gepland"]
    assert 20 <= len(planned) <= 80
    assert planned["woningen"].between(20, 300).all()
    assert planned["naam"].str.startswith("Project ").all()


def test_every_dwelling_near_the_network(frames: dict[str, gpd.GeoDataFrame]) -> None:
    net = shapely.STRtree(frames["fietsnetwerk"].geometry.to_numpy())
    _, dist = net.query_nearest(
        frames["woningen"].geometry.to_numpy(), return_distance=True, all_matches=False
    )
    assert dist.max() <= 300.0


def test_population_grid_matches_municipalities(frames: dict[str, gpd.GeoDataFrame]) -> None:
    with rasterio.open(POPULATION_TIF) as src:
        assert src.crs.to_epsg() == 31370
        assert src.dtypes[0] == "float32"
        assert src.res == (100.0, 100.0)
        assert src.compression is not None and src.compression.value.lower() == "deflate"
        data = src.read(1)
        transform, shape = src.transform, (src.height, src.width)
    assert (data >= 0).all()
    for row in frames["gemeenten"].itertuples(index=False):
        inside = ~geometry_mask([row.geometry], out_shape=shape, transform=transform)
        total = float(data[inside].sum(dtype=np.float64))
        assert abs(total / row.inwoners - 1) < 0.01, (row.naam, total, row.inwoners)
    assert abs(float(data.sum(dtype=np.float64)) / TOTAL_POPULATION - 1) < 0.01


def test_mobipunten(frames: dict[str, gpd.GeoDataFrame], region: shapely.Geometry) -> None:
    mp = frames["mobipunten"]
    st = frames["stations"]
    assert 50 <= len(mp) <= 90
    assert mp["mobipunt_id"].str.fullmatch(r"MP-\d{3}").all() and mp["mobipunt_id"].is_unique
    assert set(mp["type"]) == set(HOPPIN_TYPES)
    assert (mp.distance(region) < 1.0).all()  # in the region, not in Brussels
    assert (mp["source"] == "illustratief").all()
    offers = {o.strip() for text in mp["aanbod"] for o in text.split(",")}
    assert offers <= {"trein", "bus", "deelfiets", "deelauto", "fietsenstalling", "taxi"}
    busy = st[st["in_regio"] & (st["treinen_per_dag"] >= 200)]
    inter = mp[mp["type"] == "interregionaal"]
    assert len(inter) == len(busy)
    _, dist = shapely.STRtree(busy.geometry.to_numpy()).query_nearest(
        inter.geometry.to_numpy(), return_distance=True, all_matches=False
    )
    assert dist.max() < 1.0
    # Every station in the region has a hub; buurt hubs never sit at a station.
    _, to_hub = shapely.STRtree(mp.geometry.to_numpy()).query_nearest(
        st[st["in_regio"]].geometry.to_numpy(), return_distance=True, all_matches=False
    )
    assert to_hub.max() < 1.0
    buurt = mp[mp["type"] == "buurt"]
    _, to_station = shapely.STRtree(st.geometry.to_numpy()).query_nearest(
        buurt.geometry.to_numpy(), return_distance=True, all_matches=False
    )
    assert to_station.min() > 500
    gem = frames["gemeenten"].set_index("nis")
    assert (mp["gemeente"] == mp["nis"].map(gem["naam"])).all()


def test_provenance_table_complete() -> None:
    table = pyogrio.read_dataframe(REGION_GPKG, layer="provenance", read_geometry=False)
    columns = ["layer", "title_nl", "source", "licence", "date", "kind", "note_nl", "note_en"]
    assert list(table.columns[: len(columns)]) == columns and "attribution" in table.columns
    assert set(table["layer"]) == set(REGION_LAYERS)
    for column in columns:
        assert table[column].fillna("").str.len().gt(0).all(), column
    kinds = dict(zip(table["layer"], table["kind"], strict=True))
    assert {k for k, v in kinds.items() if v == "illustratief"} == {
        "fietsnetwerk",
        "woningen",
        "mobipunten",
        "banen",
        "scholen",
        "ov_haltes",
        POPULATION_LAYER,
    }
    assert set(kinds.values()) == {"echt", "illustratief"}
    osm = table.set_index("layer").loc["deelgemeenten", "attribution"]
    assert osm == "© OpenStreetMap contributors, ODbL 1.0"
    notice = NOTICE.read_text(encoding="utf-8")
    assert "CC0" in notice and "© OpenStreetMap contributors, ODbL 1.0" in notice
    assert "iRail" in notice and "Statbel" in notice


def test_file_size_budget() -> None:
    total = REGION_GPKG.stat().st_size + POPULATION_TIF.stat().st_size
    assert total < 15 * 1024 * 1024


# --------------------------------------------------------------------------
# load_region
# --------------------------------------------------------------------------


def test_load_region_layers_roles_and_fields(region_project) -> None:
    layers = list(region_project.layers)
    assert [layer.name for layer in layers] == list(REGION_LAYERS)
    roles = {layer.name: layer.role for layer in layers}
    assert roles["gemeenten"] == Role.MUNICIPALITIES
    assert roles["fietsnetwerk"] == Role.BIKE_NETWORK
    assert roles["woningen"] == Role.HOUSING
    assert roles["stations"] == Role.STATIONS
    assert roles["mobipunten"] == Role.MOBIPUNTEN
    assert roles[POPULATION_LAYER] == Role.POPULATION_GRID
    for layer in layers:
        assert layer.missing_required() == [], layer.name
        if not layer.is_raster:
            assert layer.frame.crs.to_epsg() == 31370
            for column in layer.fields.values():
                assert column in layer.frame.columns, (layer.name, column)
    net = region_project.layers["fietsnetwerk"]
    assert net.fields["link_class"] == "klasse" and net.fields["id"] == "link_id"
    assert int(region_project.layers["gemeenten"].column("population").sum()) == TOTAL_POPULATION
    assert region_project.layers["mobipunten"].fields["hoppin_type"] == "type"


def test_load_region_raster_notes_and_attribution(region_project) -> None:
    grid = region_project.layers[POPULATION_LAYER]
    assert isinstance(grid.data, RasterData)
    assert grid.data.crs == "EPSG:31370" and not grid.visible
    assert abs(float(grid.data.read().sum()) / TOTAL_POPULATION - 1) < 0.01
    illustrative = {
        "fietsnetwerk",
        "woningen",
        "mobipunten",
        "banen",
        "scholen",
        "ov_haltes",
        POPULATION_LAYER,
    }
    for layer in region_project.layers:
        assert (layer.note is not None) == (layer.name in illustrative), layer.name
        assert layer.visible == (
            layer.name not in {POPULATION_LAYER, "banen", "scholen", "ov_haltes"}
        )
    assert "llustratie" in region_project.layers["fietsnetwerk"].note
    osm = "© OpenStreetMap contributors, ODbL 1.0"
    assert region_project.layers["deelgemeenten"].attribution == osm
    assert osm in region_project.attributions
    assert len(region_project.notes) == 7
    english = region_notes("en")
    assert set(english) == illustrative
    assert all("llustrative" in text for text in english.values())
    assert region_provenance()["gemeenten"].kind == "echt"


def test_load_region_styles(region_project) -> None:
    net = region_project.layers["fietsnetwerk"]
    assert net.style.kind == "categories" and net.style.column == "klasse"
    mp = region_project.layers["mobipunten"]
    assert mp.style.kind == "categories" and set(mp.style.categories) == set(HOPPIN_TYPES)


def test_load_region_returns_independent_copies() -> None:
    first = load_region()
    first.layers["woningen"].frame.loc[:, "woningen"] = 0
    first.layers.remove("gemeenten")
    second = load_region()
    assert int(second.layers["woningen"].frame["woningen"].sum()) > 200_000
    assert "gemeenten" in second.layers


def test_load_region_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError) as info:
        load_region(gpkg=tmp_path / "weg.gpkg")
    assert "make region" in info.value.full_message("nl")
    copy = tmp_path / "region.gpkg"
    shutil.copyfile(REGION_GPKG, copy)
    with pytest.raises(SourceNotFoundError):
        load_region(gpkg=copy, raster=tmp_path / "weg.tif")


@pytest.mark.filterwarnings("ignore:GPKG")
def test_load_region_corrupt_file(tmp_path: Path) -> None:
    bad = tmp_path / "region.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(CorruptFileError):
        load_region(gpkg=bad)


def test_region_from_other_copy(tmp_path: Path) -> None:
    """A copy elsewhere loads the same features (the cache keys on the path)."""
    copy = tmp_path / "region.gpkg"
    shutil.copyfile(REGION_GPKG, copy)
    other = load_region(gpkg=copy)
    assert other.layers["fietsnetwerk"].source == copy
    pd.testing.assert_frame_equal(
        pd.DataFrame(other.layers["stations"].frame.drop(columns="geometry")),
        pd.DataFrame(load_region().layers["stations"].frame.drop(columns="geometry")),
    )
    assert re.search(r"23\d{3}", other.layers["gemeenten"].frame["nis"].iloc[0])
