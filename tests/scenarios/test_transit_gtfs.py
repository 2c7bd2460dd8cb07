"""From a GTFS feed to the indicators: the test feed (tests/layers/gtfs_feed.py)
imported for Tuesday 2026-03-10 and evaluated on two streets through Halle,
against the hand count of tests/layers/test_gtfs.py.

Streets (metres from Halle station ST): y = 200 from x = -100 to 1200 (through
the bus stops B1 at 300, B2 at 600, B3 at 900) and x = 0 from y = 0 to 200 (to
ST). Housing: H1 at (800, 200) with 10 dwellings, H2 at (250, 200) with 20.
Hand count 07-09: B1 1 departure = 0.5/h, B2 9 = 4.5/h, B3 0; ST 4 = 2/h (it
needs Monday's after-midnight TR5 at 07:30 and leaves out TR6, removed that
day). ST's direct train to Brussel-Zuid: 20 min (TR1, TR2, TR7).
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from slimmeregio.layers.gtfs import import_gtfs
from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.engine import evaluate, prepare_base
from slimmeregio.scenarios.model import Parameters
from tests.layers.gtfs_feed import HALLE_XY, write_feed

HX, HY = HALLE_XY


def _at(dx: float, dy: float) -> tuple[float, float]:
    return (HX + dx, HY + dy)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory):
    feed = write_feed(tmp_path_factory.mktemp("gtfs") / "feed.zip")
    stops = import_gtfs(feed, date="2026-03-10").layer
    net = gpd.GeoDataFrame(
        {"link_id": [1, 2], "klasse": ["lokaal", "lokaal"]},
        geometry=[
            shapely.LineString([_at(-100, 200), _at(0, 200), _at(1200, 200)]),
            shapely.LineString([_at(0, 0), _at(0, 200)]),
        ],
        crs=ANALYSIS_CRS,
    )
    housing = gpd.GeoDataFrame(
        {"woning_id": ["H1", "H2"], "woningen": [10, 20], "status": "bestaand"},
        geometry=[shapely.Point(_at(800, 200)), shapely.Point(_at(250, 200))],
        crs=ANALYSIS_CRS,
    )
    project = Project(
        layers=LayerList(
            [
                Layer(
                    "fietsnetwerk",
                    net,
                    Role.BIKE_NETWORK,
                    {"id": "link_id", "link_class": "klasse"},
                ),
                Layer(
                    "woningen",
                    housing,
                    Role.HOUSING,
                    {"id": "woning_id", "dwellings": "woningen", "status": "status"},
                ),
                stops,
            ]
        )
    )
    params = Parameters(
        pt_walk_m=300.0, pt_departures_per_hour=(2.0, 4.0), pt_windows=("ochtendspits", "dag")
    )
    return evaluate(prepare_base(project, params))


def test_stop_shares_from_the_feed(evaluation) -> None:
    # H1: B2 200 m (4.5/h), B3 100 m (0/h). H2: B1 50 m (0.5/h), B2 350 m (too far).
    assert evaluation.region["share_pt_ochtendspits_2ph"] == pytest.approx(100 * 10 / 30)
    assert evaluation.region["share_pt_ochtendspits_4ph"] == pytest.approx(100 * 10 / 30)
    assert evaluation.region["share_pt_dag_2ph"] == 0.0  # only T1 runs 09-16, far away


def test_station_and_bike_train_from_the_feed(evaluation) -> None:
    per_min = 16.0 * 1000 / 60  # lokaal, 16 km/h
    bike = [(800 + 200) / per_min, (250 + 200) / per_min]  # along y = 200, then up x = 0
    got = evaluation.dwellings.set_index("housing_id")
    assert got.loc["H1", "bike_min_train"] == pytest.approx(bike[0], abs=0.01)
    assert got.loc["H2", "bike_min_train"] == pytest.approx(bike[1], abs=0.01)
    # Wait 60 / 2 / 2 = 15 min, ride 20 min.
    assert got.loc["H1", "door_min_brussels"] == pytest.approx(bike[0] + 15 + 20, abs=0.01)
    assert got.loc["H2", "door_min_brussels"] == pytest.approx(bike[1] + 15 + 20, abs=0.01)
    assert got.loc["H2", "door_station_id"] == "ST"
