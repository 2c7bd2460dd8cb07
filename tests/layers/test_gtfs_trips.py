"""GTFS import: the scheduled train ride to the Brussels main stations and the
departures per hour per route, against hand counts on the test feed
(tests/layers/gtfs_feed.py; Tuesday 2026-03-10, morning peak 07:00-09:00)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from slimmeregio.layers.gtfs import import_gtfs
from slimmeregio.layers.gtfs_trips import brussels_main_roots
from tests.layers.gtfs_feed import _STOP_TIMES, feed_files, stop_times, write_feed


def _rows(path: Path) -> dict[str, dict]:
    result = import_gtfs(path, date="2026-03-10")
    return {r["stop_id"]: r for r in result.layer.frame.to_dict("records")}


def test_ride_to_brussels_is_the_fastest_direct_train_of_the_morning_peak(tmp_path: Path) -> None:
    # Test feed on Tuesday: TR1 P1 07:10 -> X 07:30 (20 min), TR2 08:10 -> 08:30 (20),
    # TR7 08:40 -> 09:00 (20); TR6 (08:00 arrival, removed that day) does not run.
    # Changed here: TR2 arrives 08:22 (12 min); TR9 09:05 -> 09:10 (5 min) leaves after
    # the window; TRM of Monday 31:00 -> 31:09 leaves Tuesday 07:00 (9 min, counted);
    # Tuesday's own TRM runs on Wednesday.
    rows = [
        r if r[:2] != ("TR2", "08:30:00") else ("TR2", "08:22:00", "08:22:00", "X", 2, "")
        for r in _STOP_TIMES
    ]
    rows += [
        ("TR9", "09:05:00", "09:05:00", "P1", 1, ""),
        ("TR9", "09:10:00", "09:10:00", "X", 2, ""),
        ("TRM", "31:00:00", "31:00:00", "P1", 1, ""),
        ("TRM", "31:09:00", "31:09:00", "X", 2, ""),
    ]
    files = feed_files()
    files["stop_times.txt"] = stop_times(rows)
    files["trips.txt"] += "IC,WK,TR9\nIC,WK,TRM\n"
    got = _rows(write_feed(tmp_path / "f.zip", files))
    assert got["ST"]["rit_min_brussel"] == pytest.approx(9.0)
    assert got["X"]["rit_min_brussel"] == 0.0  # the main station itself
    for stop in ("Y", "B1", "B2", "T1"):  # no direct train to Brussels in the window
        assert math.isnan(got[stop]["rit_min_brussel"]), stop


def test_ride_uses_the_arrival_time_at_brussels(tmp_path: Path) -> None:
    # TR1 arrives at X 07:25 and leaves 07:31: the ride is 15 min, not 21.
    rows = [
        r if r[:2] != ("TR1", "07:30:00") else ("TR1", "07:25:00", "07:31:00", "X", 2, "")
        for r in _STOP_TIMES
    ]
    files = feed_files()
    files["stop_times.txt"] = stop_times(rows)
    assert _rows(write_feed(tmp_path / "f.zip", files))["ST"]["rit_min_brussel"] == pytest.approx(
        15.0
    )


def test_departures_per_route_and_window(tmp_path: Path) -> None:
    got = _rows(write_feed(tmp_path / "f.zip"))
    # ST: IC12 07-09 TR1, TR2, TR7, Monday's TR5 = 4 / 2 h; 16-19 TR3 = 1 / 3 h.
    assert json.loads(got["ST"]["per_lijn"]) == {
        "IC12": {"ochtendspits": 2.0, "dag": 0.0, "avondspits": 0.333, "avond": 0.0}
    }
    # B1: 155 BU1 07:05 (1 / 2 h), BU2 17:00 (1 / 3 h); BUP has pickup_type 1.
    assert json.loads(got["B1"]["per_lijn"]) == {
        "155": {"ochtendspits": 0.5, "dag": 0.0, "avondspits": 0.333, "avond": 0.0}
    }
    # Per stop, the routes' rates add up to the stop's rate in every window.
    for stop, row in got.items():
        rates = json.loads(row["per_lijn"])
        for window in ("ochtendspits", "dag", "avondspits", "avond"):
            total = sum(r[window] for r in rates.values())
            assert total == pytest.approx(row[f"per_uur_{window}"], abs=0.01), (stop, window)


@pytest.mark.parametrize(
    ("stop_id", "name", "main"),
    [
        ("8814001", "Brussel-Zuid", True),
        ("S1", "Bruxelles-Central", True),
        ("S2", "Brussels North", True),
        ("8813003_7", "Centraal", True),  # an NMBS platform id with the UIC code
        ("S3", "Brussel-Luxemburg", False),
        ("S4", "Brussels Airport - Zaventem", False),
        ("S5", "Halle", False),
    ],
)
def test_brussels_main_stations(stop_id: str, name: str, main: bool) -> None:
    stops = pd.DataFrame({"stop_id": [stop_id], "stop_name": [name]})
    root = pd.Series([stop_id], index=[stop_id])
    assert (brussels_main_roots(stops, root) == {stop_id}) is main
