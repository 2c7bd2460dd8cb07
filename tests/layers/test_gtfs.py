"""GTFS import: departures per hour against a hand count, service-day
exceptions, after-midnight times, frequencies, stations, clipping, the
GeoPackage with its provenance, the CLI, and every bad feed.

The feed is written by the test (tests/layers/gtfs_feed.py, whose docstring
describes it); every expected number below is counted by hand from its
tables, trip by trip, in the comments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from slimmeregio.cli import cli
from slimmeregio.layers import archive
from slimmeregio.layers.errors import (
    GtfsImportError,
    OperationCancelled,
    UnsafeArchiveError,
)
from slimmeregio.layers.gtfs import (
    LAYER_NAME,
    TimeWindow,
    import_gtfs,
    mode_of_route_type,
    write_gtfs_gpkg,
)
from slimmeregio.layers.io import load_layers
from slimmeregio.layers.roles import Role, guess_role
from tests.layers.gtfs_feed import (
    HALLE_XY,
    TO_LAMBERT,
    feed_files,
    lonlat,
    stop_times,
    write_feed,
)

REPO = Path(__file__).resolve().parents[2]
WORKTREE = REPO.parent

# Hand count for Tuesday 2026-03-10 (WK active, WK2 removed, EXTRA added, WE off;
# Monday 2026-03-09 is the previous service day). Windows: 07-09 (2 h),
# 09-16 (7 h), 16-19 (3 h), 19-23 (4 h). Per stop: (day, 07-09, 09-16, 16-19, 19-23) as counts.
#   ST = P1 + P2:  P1 TR1 07:10, TR2 08:10, TR7 08:40 (EXTRA), Monday's TR4 24:10 -> 00:10;
#                  TR6 (WK2, removed) and TR8 (weekend) not; Tuesday's TR4 runs Wednesday.
#                  P2 TR3 16:20, Monday's TR5 31:30 -> 07:30 (morning peak!).
#                  day 6; 07-09: TR1, TR2, TR7, TR5(Mon) = 4; 16-19: TR3 = 1.
#   X:  TR3 16:00 (TR1/2/4/6/7/8 end at X: no departure)        day 1; 16-19: 1.
#   Y:  only arrivals                                           day 0.
#   B1: BU1 07:05, BU2 17:00, Monday's BUN 25:30 -> 01:30; BUP has pickup_type 1.
#                                                               day 3; 07-09: 1; 16-19: 1.
#   B2: BUP 08:10; BF every 900 s 07:00..08:45 = 8 (template 06:00 not a trip).
#                                                               day 9; 07-09: 9.
#   B3: only arrivals                                           day 0.
#   T1: TF every 1200 s 09:00..15:40 = 21, every 600 s 16:00..18:50 = 18.
#                                                               day 39; 09-16: 21; 16-19: 18.
#   T2: only arrivals                                           day 0.
HAND_TUESDAY = {
    "ST": (6, 4, 0, 1, 0),
    "X": (1, 0, 0, 1, 0),
    "Y": (0, 0, 0, 0, 0),
    "B1": (3, 1, 0, 1, 0),
    "B2": (9, 9, 0, 0, 0),
    "B3": (0, 0, 0, 0, 0),
    "T1": (39, 0, 21, 18, 0),
    "T2": (0, 0, 0, 0, 0),
}
HOURS = (2, 7, 3, 4)
COLUMNS = ("per_uur_ochtendspits", "per_uur_dag", "per_uur_avondspits", "per_uur_avond")

# Saturday 2026-03-14 (WE; Friday's WK trips after 24:00 run on Saturday):
#   ST: Friday's TR4 00:10, Friday's TR5 07:30, TR8 10:00   day 3; 07-09: 1; 09-16: 1.
#   B1: Friday's BUN 01:30                                   day 1.
HAND_SATURDAY = {
    "ST": (3, 1, 1, 0, 0),
    "X": (0, 0, 0, 0, 0),
    "B1": (1, 0, 0, 0, 0),
    "B2": (0, 0, 0, 0, 0),
    "T1": (0, 0, 0, 0, 0),
}


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_feed(tmp_path / "feed.zip")


def rows(result) -> dict[str, dict]:
    return {r["stop_id"]: r for r in result.layer.frame.to_dict("records")}


def check_hand(result, hand: dict[str, tuple[int, ...]]) -> None:
    got = rows(result)
    for stop, (day, *windows) in hand.items():
        assert got[stop]["vertrekken_dag"] == day, stop
        for column, count, hours in zip(COLUMNS, windows, HOURS, strict=True):
            assert got[stop][column] == pytest.approx(count / hours, abs=1e-3), (stop, column)


def test_departures_per_hour_match_the_hand_count(feed: Path) -> None:
    result = import_gtfs(feed, date="2026-03-10")
    check_hand(result, HAND_TUESDAY)
    assert set(rows(result)) == set(HAND_TUESDAY)
    assert result.report.service_date == "2026-03-10"
    assert result.report.departures == sum(v[0] for v in HAND_TUESDAY.values())


def test_weekend_and_after_midnight_trips_of_friday(feed: Path) -> None:
    check_hand(import_gtfs(feed, date=dt.date(2026, 3, 14)), HAND_SATURDAY)


def test_removed_service_counts_on_other_days(feed: Path) -> None:
    # Tuesday 2026-03-03: WK2 runs (TR6 07:40), EXTRA does not (TR7); Monday's
    # TR4 and TR5 as on the 10th. ST: TR1, TR2, TR6, TR5(Mon) in 07-09.
    got = rows(import_gtfs(feed, date="2026-03-03"))
    assert got["ST"]["per_uur_ochtendspits"] == pytest.approx(4 / 2)
    assert got["ST"]["vertrekken_dag"] == 6
    # Monday 2026-03-02 is the first day: no Sunday trips run past midnight.
    got = rows(import_gtfs(feed, date="2026-03-02"))
    # TR1, TR2, TR6, TR3; Monday's TR4 and TR5 run past midnight into Tuesday.
    assert got["ST"]["vertrekken_dag"] == 4
    assert got["B1"]["vertrekken_dag"] == 2  # BU1, BU2 (Sunday has no BUN)


def test_custom_windows_see_the_after_midnight_departures(feed: Path) -> None:
    windows = [TimeWindow.parse("nacht=00:00-02:00"), TimeWindow.parse("laat=23:00-24:00")]
    got = rows(import_gtfs(feed, date="2026-03-10", windows=windows))
    # 00:10 Monday's TR4 at P1, 01:30 Monday's BUN at B1; nothing 23-24.
    assert got["ST"]["per_uur_nacht"] == pytest.approx(0.5)
    assert got["B1"]["per_uur_nacht"] == pytest.approx(0.5)
    assert got["B2"]["per_uur_nacht"] == 0
    assert all(r["per_uur_laat"] == 0 for r in got.values())
    assert "per_uur_ochtendspits" not in import_gtfs(feed, windows=windows).layer.frame


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 3, 4), dt.date(2026, 3, 10)),  # next Tuesday
        (dt.date(2026, 3, 10), dt.date(2026, 3, 10)),  # today is a Tuesday
        (dt.date(2025, 6, 1), dt.date(2026, 3, 3)),  # feed not started: its first Tuesday
        (dt.date(2027, 1, 1), dt.date(2026, 3, 3)),  # feed ended: its first Tuesday
        (dt.date(2026, 3, 28), dt.date(2026, 3, 3)),  # no Tuesday left in the range
    ],
)
def test_default_date_is_the_next_tuesday(feed: Path, today: dt.date, expected: dt.date) -> None:
    assert import_gtfs(feed, today=today).report.service_date == expected.isoformat()


def test_platforms_count_at_their_station(feed: Path) -> None:
    result = import_gtfs(feed, date="2026-03-10")
    got = rows(result)
    # P1, P2 (platforms), E (entrance) and U (unserved) are no rows.
    assert not {"P1", "P2", "E", "U"} & set(got)
    assert got["ST"]["naam"] == "Halle"
    assert got["ST"]["perrons"] == 2
    assert got["B1"]["perrons"] == 1
    # The station row sits at the station's own position, not a platform's.
    point = result.layer.frame.set_index("stop_id").geometry["ST"]
    assert point.distance(shapely.Point(HALLE_XY)) < 0.5
    assert result.report.skipped == {"stops_unserved": 1}


def test_a_station_without_position_sits_between_its_platforms(tmp_path: Path) -> None:
    files = feed_files()
    lines = files["stops.txt"].splitlines()
    lines[1] = "ST,Halle,,,1,"  # the station row loses its coordinates
    files["stops.txt"] = "\n".join(lines) + "\n"
    result = import_gtfs(write_feed(tmp_path / "f.zip", files), date="2026-03-10")
    # P1 lies 15 m east, P2 15 m west of Halle station: their mean is the station.
    point = result.layer.frame.set_index("stop_id").geometry["ST"]
    assert point.distance(shapely.Point(HALLE_XY)) < 0.5
    assert "stops_without_coordinates" not in result.report.skipped


def test_modes_and_routes(feed: Path) -> None:
    got = rows(import_gtfs(feed, date="2026-03-10"))
    assert (got["ST"]["modi"], got["ST"]["lijnen"]) == ("trein", "IC12")
    assert (got["B2"]["modi"], got["B2"]["lijnen"]) == ("bus", "155")  # type 700
    assert (got["T1"]["modi"], got["T1"]["lijnen"]) == ("tram", "81")  # type 900
    assert got["T1"]["hoofdmodus"] == "tram"


def test_a_stop_with_several_modes(tmp_path: Path) -> None:
    files = feed_files()
    # The 155 bus also stops at platform P1 (08:05): the station serves train and bus.
    rows_ = [
        ("BUX", "08:05:00", "08:05:00", "P1", 1, ""),
        ("BUX", "08:15:00", "08:15:00", "B3", 2, ""),
    ]
    files["trips.txt"] += "BUS155,WK,BUX\n"
    files["stop_times.txt"] += stop_times(rows_).split("\n", 1)[1]
    got = rows(import_gtfs(write_feed(tmp_path / "f.zip", files), date="2026-03-10"))
    assert got["ST"]["modi"] == "trein, bus"
    assert got["ST"]["hoofdmodus"] == "trein"
    assert got["ST"]["lijnen"] == "155, IC12"
    assert got["ST"]["per_uur_ochtendspits"] == pytest.approx(5 / 2)


@pytest.mark.parametrize(
    ("route_type", "mode"),
    [
        (0, "tram"),
        (1, "metro"),
        (2, "trein"),
        (3, "bus"),
        (4, "boot"),
        (6, "kabelbaan"),
        (7, "kabelbaan"),
        (11, "bus"),
        (100, "trein"),
        (102, "trein"),
        (109, "trein"),
        (200, "bus"),
        (400, "metro"),
        (401, "metro"),
        (700, "bus"),
        (715, "bus"),
        (800, "bus"),
        (900, "tram"),
        (1000, "boot"),
        (1100, "ander"),
        (1200, "boot"),
        (1300, "kabelbaan"),
        (1400, "kabelbaan"),
        (1500, "taxi"),
        (1700, "ander"),
        (99, "ander"),
        (1800, "ander"),
        ("x", "ander"),
    ],
)
def test_route_types(route_type: object, mode: str) -> None:
    assert mode_of_route_type(route_type) == mode


def test_clip_keeps_the_buffer(feed: Path) -> None:
    x, y = HALLE_XY
    box = shapely.box(x - 500, y - 500, x + 500, y + 500)
    # Stops 300 m or less from Halle (ST, B1, T1) lie inside; B2 and T2 are 100 m
    # beyond the box, B3 400 m, X and Y kilometres away.
    for buffer_m, kept in [
        (0, {"ST", "B1", "T1"}),
        (200, {"ST", "B1", "T1", "B2", "T2"}),
        (500, {"ST", "B1", "T1", "B2", "T2", "B3"}),
    ]:
        result = import_gtfs(feed, date="2026-03-10", clip=box, buffer_m=buffer_m)
        assert set(rows(result)) == kept, buffer_m
        assert result.report.outside_clip == 8 - len(kept)
    with pytest.raises(GtfsImportError, match="no stop"):
        import_gtfs(feed, clip=shapely.box(0, 0, 10, 10), buffer_m=0)


def test_geopackage_with_provenance_and_role(feed: Path, tmp_path: Path) -> None:
    out = write_gtfs_gpkg(import_gtfs(feed, date="2026-03-10"), tmp_path / "pt.gpkg")
    meta = pyogrio.read_info(out, layer=LAYER_NAME)["layer_metadata"]
    prov = json.loads(meta["provenance"])
    assert prov["sha256"] == hashlib.sha256(feed.read_bytes()).hexdigest()
    assert prov["feed_file"] == "feed.zip"
    assert prov["publisher"] == "Testvervoer"
    assert prov["feed_version"] == "2026.03"
    assert prov["feed_validity"] == ["20260302", "20260329"]
    assert prov["service_date"] == "2026-03-10"
    assert prov["windows"]["ochtendspits"] == "07:00-09:00"
    (layer,) = load_layers(out)
    assert layer.role is Role.PT_STOPS
    assert layer.fields["mode"] == "modi"
    assert layer.fields["departures_morning_peak"] == "per_uur_ochtendspits"
    assert layer.frame.crs.to_epsg() == 31370
    x, y = TO_LAMBERT.transform(4.2400, 50.7334)
    assert layer.frame.set_index("stop_id").geometry["ST"].distance(shapely.Point(x, y)) < 0.5


def test_role_is_guessed_from_columns_too() -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        {"naam": ["a"], "modi": ["bus"], "per_uur_ochtendspits": [4.0]},
        geometry=[shapely.Point(150000, 170000)],
    )
    assert guess_role(frame, "export") is Role.PT_STOPS
    assert guess_role(frame.drop(columns="modi"), "bushaltes_2026") is Role.PT_STOPS
    assert Role.PT_STOPS.label("nl") == "OV-haltes"
    assert Role.PT_STOPS.label("en") == "public transport stops"


def test_feed_in_a_folder_of_the_zip(tmp_path: Path) -> None:
    path = write_feed(tmp_path / "nested.zip", folder="gtfs/")
    check_hand(import_gtfs(path, date="2026-03-10"), HAND_TUESDAY)


def test_broken_references_are_skipped_and_reported(tmp_path: Path) -> None:
    files = feed_files()
    extra = [
        ("GHOST", "07:00:00", "07:00:00", "B1", 1, ""),  # unknown trip
        ("GHOST", "07:10:00", "07:10:00", "B2", 2, ""),  # unknown trip
        ("BU1", "07:20:00", "07:20:00", "NOSUCH", 3, ""),  # unknown stop
        ("LOST", "07:00:00", "07:00:00", "B1", 1, ""),  # trip of an unknown route
        ("LOST", "07:10:00", "07:10:00", "B2", 2, ""),
    ]
    files["stop_times.txt"] += stop_times(extra).split("\n", 1)[1]
    files["trips.txt"] += "NOROUTE,WK,LOST\n"
    result = import_gtfs(write_feed(tmp_path / "broken.zip", files), date="2026-03-10")
    assert result.report.skipped["stop_times_unknown_trip"] == 2
    assert result.report.skipped["stop_times_unknown_stop"] == 1
    assert result.report.skipped["trips_unknown_route"] == 1
    kinds = {e.kind: e.count for e in result.layer.report.warnings}
    assert kinds["gtfs_stop_times_unknown_trip"] == 2
    # The skipped rows change nothing: B1 keeps its hand count.
    check_hand(result, HAND_TUESDAY)


def test_untimed_stops_are_not_counted(tmp_path: Path) -> None:
    files = feed_files()
    files["stop_times.txt"] = files["stop_times.txt"].replace(
        "BU1,07:05:00,07:05:00,B1", "BU1,,,B1"
    )
    result = import_gtfs(write_feed(tmp_path / "f.zip", files), date="2026-03-10")
    assert rows(result)["B1"]["vertrekken_dag"] == 2
    assert result.report.skipped["stop_times_untimed"] == 1


def test_cancel(feed: Path) -> None:
    with pytest.raises(OperationCancelled):
        import_gtfs(feed, cancel=lambda: True)


def test_zip_bomb_limits_apply(feed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(UnsafeArchiveError):
        import_gtfs(feed)


def test_only_the_needed_tables_are_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = feed_files() | {"shapes.txt": "shape_id\n", "notes/readme.txt": "x"}
    path = write_feed(tmp_path / "f.zip", files)
    seen: list[str] = []
    original = archive._copy_limited

    def spy(arch, info, target, p):  # noqa: ANN001, ANN202
        seen.append(info.filename)
        return original(arch, info, target, p)

    monkeypatch.setattr(archive, "_copy_limited", spy)
    import_gtfs(path, date="2026-03-10")
    assert sorted(seen) == sorted(feed_files())


def test_time_window_parsing() -> None:
    w = TimeWindow.parse("nacht=00:00-05:30")
    assert (w.key, w.start, w.end, w.column) == ("nacht", 0, 5 * 3600 + 1800, "per_uur_nacht")
    for bad in (
        "nacht=05:00-04:00",
        "Nacht=00:00-01:00",
        "x=00:00-25:00",
        "x 00:00-01:00",
        "x=00:61-01:00",
    ):
        with pytest.raises(ValueError):
            TimeWindow.parse(bad)


# --- Bad feeds through the CLI: one line, exit 2, no file ------------------------------


def _without(name: str) -> dict[str, str]:
    files = feed_files()
    del files[name]
    return files


def _bad_time() -> dict[str, str]:
    files = feed_files()
    files["stop_times.txt"] = files["stop_times.txt"].replace("17:00:00,17:00:00", "17u00,17u00")
    return files


def _replaced(name: str, old: str, new: str) -> dict[str, str]:
    files = feed_files()
    assert old in files[name]
    files[name] = files[name].replace(old, new)
    return files


def _bad_frequency() -> dict[str, str]:
    files = feed_files()
    files["frequencies.txt"] = files["frequencies.txt"].replace("07:00:00", "7am")
    return files


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        (_without("stops.txt"), [], "required GTFS files are missing: stops.txt"),
        (_without("stop_times.txt"), [], "missing: stop_times.txt"),
        (_without("trips.txt"), [], "missing: trips.txt"),
        (_without("routes.txt"), [], "missing: routes.txt"),
        (
            {k: v for k, v in feed_files().items() if not k.startswith("calendar")},
            [],
            "missing: calendar.txt/calendar_dates.txt",
        ),
        (
            None,
            ["--date", "2026-04-15"],
            "2026-04-15 is outside the feed's service range (2026-03-02 to 2026-03-29)",
        ),
        (None, ["--date", "15/04/2026"], "'15/04/2026' is not a date YYYY-MM-DD"),
        (_bad_time(), [], "1 unreadable time(s) in stop_times.txt (departure_time), e.g. '17u00'"),
        (_bad_frequency(), [], "unreadable time(s) in frequencies.txt (start_time), e.g. '7am'"),
        (None, ["--window", "spits=09:00-07:00"], "invalid --window"),
        (
            _replaced("calendar.txt", "20260302,20260329\nWK2", "2026-03-02,20260329\nWK2"),
            [],
            "unreadable date in the calendar: '2026-03-02'",
        ),
        (
            _replaced("trips.txt", "IC,WK,TR2", "IC,WK,TR1"),
            [],
            "trips.txt has 1 duplicate trip_id, e.g. 'TR1'",
        ),
        (
            feed_files() | {"stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"},
            [],
            "stops.txt is empty",
        ),
        (
            _replaced(
                "routes.txt",
                "route_short_name,route_long_name,route_type",
                "route_short_name,route_long_name,kind",
            ),
            [],
            "routes.txt lacks the column(s) route_type",
        ),
        (None, ["--clip-to", "nowhere.gpkg"], "File not found"),
    ],
)
def test_bad_feeds_fail_in_one_line(
    tmp_path: Path, files: dict[str, str] | None, args: list[str], message: str
) -> None:
    feed = write_feed(tmp_path / "feed.zip", files)
    out = tmp_path / "pt.gpkg"
    result = CliRunner().invoke(
        cli, ["--lang", "en", "import-gtfs", str(feed), "--out", str(out), *args]
    )
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("slimmeregio: error:"), result.stderr
    assert message in lines[0]
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pt.gpkg")]


def test_bad_feed_messages_in_dutch(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.zip", _without("stops.txt"))
    result = CliRunner().invoke(
        cli, ["--lang", "nl", "import-gtfs", str(feed), "--out", str(tmp_path / "o.gpkg")]
    )
    assert result.exit_code == 2
    assert "verplichte GTFS-bestanden ontbreken: stops.txt" in result.stderr
    # --lang after the command works too.
    result = CliRunner().invoke(
        cli, ["import-gtfs", str(feed), "--out", str(tmp_path / "o.gpkg"), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "required GTFS files are missing: stops.txt" in result.stderr


@pytest.mark.parametrize("kind", ["not_zip", "zip_slip"])
def test_unsafe_or_unreadable_zip(tmp_path: Path, kind: str) -> None:
    feed = tmp_path / "feed.zip"
    if kind == "not_zip":
        feed.write_text("stop_id\n")
    else:
        with zipfile.ZipFile(feed, "w") as z:
            for name, text in feed_files().items():
                z.writestr(name, text)
            z.writestr("../../evil.txt", "x")
    out = tmp_path / "pt.gpkg"
    result = CliRunner().invoke(cli, ["--lang", "en", "import-gtfs", str(feed), "--out", str(out)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert ("zip-slip" if kind == "zip_slip" else "not a readable zip") in result.stderr
    assert not out.exists()
    assert not (tmp_path.parent / "evil.txt").exists()


def test_cli_end_to_end(feed: Path, tmp_path: Path) -> None:
    out = tmp_path / "pt.gpkg"
    env = dict(os.environ, PYTHONPATH=str(WORKTREE), QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "slimmeregio",
            "--lang",
            "en",
            "import-gtfs",
            str(feed),
            "--out",
            str(out),
            "--date",
            "2026-03-10",
            "--clip-to",
            "embedded",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "service date 2026-03-10" in run.stdout
    (layer,) = load_layers(out)
    assert layer.role is Role.PT_STOPS
    # Halle lies in the region; Gent-Sint-Pieters (Y) does not, nor within 3 km.
    ids = set(layer.frame["stop_id"])
    assert {"ST", "B1", "B2", "B3", "T1", "T2"} <= ids
    assert "Y" not in ids
    info = subprocess.run(
        [sys.executable, "-m", "slimmeregio", "--lang", "en", "info", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert info.returncode == 0, info.stderr
    assert "role: public transport stops" in info.stdout
    assert "departures/hour morning peak = per_uur_ochtendspits" in info.stdout
    again = subprocess.run(
        [sys.executable, "-m", "slimmeregio", "import-gtfs", str(feed), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert again.returncode == 2 and "bestaat al" in again.stderr


def test_progress_reaches_the_end(feed: Path) -> None:
    seen: list[float] = []
    import_gtfs(feed, date="2026-03-10", progress=lambda f, _m: seen.append(f))
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_cli_clip_to_a_polygon_file(feed: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    x, y = HALLE_XY
    polygons = tmp_path / "gemeenten.gpkg"
    gpd.GeoDataFrame(
        {"nis": ["23027"], "naam": ["Halle"], "inwoners": [40000]},
        geometry=[shapely.box(x - 500, y - 500, x + 500, y + 500)],
        crs="EPSG:31370",
    ).to_file(polygons, layer="gemeenten")
    out = tmp_path / "pt.gpkg"
    result = CliRunner().invoke(
        cli,
        [
            "import-gtfs",
            str(feed),
            "--out",
            str(out),
            "--date",
            "2026-03-10",
            "--clip-to",
            str(polygons),
            "--buffer",
            "200",
        ],
    )
    assert result.exit_code == 0, result.output
    # As in test_clip_keeps_the_buffer: 200 m takes in B2 and T2, not B3.
    assert set(load_layers(out)[0].frame["stop_id"]) == {"ST", "B1", "T1", "B2", "T2"}


# --- A random feed against a plain-Python count -----------------------------------------


def _plain_count(
    calendar: list[tuple[str, set[int], dt.date, dt.date]],
    exceptions: dict[tuple[str, dt.date], int],
    trips: dict[str, str],
    times: dict[str, list[tuple[str, int]]],
    day: dt.date,
    window: tuple[int, int],
) -> dict[str, int]:
    """Departures per stop on ``day`` within ``window``, by plain loops over the tables."""

    def runs(service: str, on: dt.date) -> bool:
        if exceptions.get((service, on)) == 2:
            return False
        if exceptions.get((service, on)) == 1:
            return True
        return any(
            sid == service and on.weekday() in days and start <= on <= end
            for sid, days, start, end in calendar
        )

    counts: dict[str, int] = {}
    for trip, service in trips.items():
        visits = times[trip]
        for back in range(3):
            if not runs(service, day - dt.timedelta(days=back)):
                continue
            for stop, seconds in visits[:-1]:  # the last stop has no departure
                clock = seconds - back * 86400
                if window[0] <= clock < window[1]:
                    counts[stop] = counts.get(stop, 0) + 1
    return counts


def test_random_feed_matches_a_plain_count(tmp_path: Path) -> None:
    import random

    rng = random.Random(4)
    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 29)
    stops = [f"S{i}" for i in range(12)]
    calendar = [
        (f"C{i}", set(rng.sample(range(7), rng.randint(1, 6))), start, end) for i in range(4)
    ]
    exceptions = {
        (f"C{rng.randrange(4)}", start + dt.timedelta(days=rng.randrange(28))): rng.choice([1, 2])
        for _ in range(12)
    }
    trips = {f"T{i}": f"C{rng.randrange(4)}" for i in range(60)}
    times: dict[str, list[tuple[str, int]]] = {}
    for trip in trips:
        t = rng.randrange(4 * 3600, 28 * 3600)
        visits = []
        for stop in rng.sample(stops, rng.randint(2, 5)):
            visits.append((stop, t))
            t += rng.randrange(60, 900)
        times[trip] = visits

    def hms(s: int) -> str:
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"

    positions = {s: lonlat(100.0 * i, 0.0) for i, s in enumerate(stops)}
    files = {
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\n"
        + "".join(f"{s},{s},{lat:.6f},{lon:.6f}\n" for s, (lon, lat) in positions.items()),
        "routes.txt": "route_id,route_short_name,route_type\nR,1,3\n",
        "trips.txt": "route_id,service_id,trip_id\n"
        + "".join(f"R,{svc},{trip}\n" for trip, svc in trips.items()),
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        + "".join(
            f"{trip},{hms(s)},{hms(s)},{stop},{n + 1}\n"
            for trip, visits in times.items()
            for n, (stop, s) in enumerate(visits)
        ),
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        "start_date,end_date\n"
        + "".join(
            f"{sid},"
            + ",".join("1" if d in days else "0" for d in range(7))
            + f",{a:%Y%m%d},{b:%Y%m%d}\n"
            for sid, days, a, b in calendar
        ),
        "calendar_dates.txt": "service_id,date,exception_type\n"
        + "".join(f"{sid},{d:%Y%m%d},{kind}\n" for (sid, d), kind in exceptions.items()),
    }
    path = write_feed(tmp_path / "random.zip", files)
    windows = [TimeWindow.parse("vroeg=00:00-06:00"), TimeWindow.parse("rest=06:00-24:00")]
    for offset in range(0, 28, 3):
        day = start + dt.timedelta(days=offset)
        got = rows(import_gtfs(path, date=day, windows=windows))
        for window in windows:
            expected = _plain_count(
                calendar, exceptions, trips, times, day, (window.start, window.end)
            )
            for stop in got:
                assert got[stop][window.column] * window.hours == pytest.approx(
                    expected.get(stop, 0), abs=1e-2
                ), (day, window.key, stop)


def test_calendar_dates_only(tmp_path: Path) -> None:
    # The NMBS/SNCB feed has no calendar.txt: every service day is listed in
    # calendar_dates.txt. The same services, listed day by day, give the same counts.
    weekdays = {"WK": range(5), "WK2": range(5), "WE": range(5, 7)}
    lines = ["service_id,date,exception_type"]
    day = dt.date(2026, 3, 2)
    while day <= dt.date(2026, 3, 29):
        for service, days in weekdays.items():
            if day.weekday() in days and not (service == "WK2" and day == dt.date(2026, 3, 10)):
                lines.append(f"{service},{day:%Y%m%d},1")
        day += dt.timedelta(days=1)
    lines.append("EXTRA,20260310,1")
    files = feed_files()
    del files["calendar.txt"]
    files["calendar_dates.txt"] = "\n".join(lines) + "\n"
    path = write_feed(tmp_path / "dates_only.zip", files)
    check_hand(import_gtfs(path, date="2026-03-10"), HAND_TUESDAY)
    check_hand(import_gtfs(path, date="2026-03-14"), HAND_SATURDAY)


def test_time_parsing_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from slimmeregio.layers import gtfs_read

    monkeypatch.setattr(gtfs_read, "_TIME_BLOCK", 3)  # several blocks, one partial
    texts = [
        "07:10:00",
        "7:05:30",
        "25:30:00",
        " 08:00:00 ",
        "100:00:01",
        "",
        None,
        "23:59:59",
        "0:00:00",
        "31:30:00",
    ]
    expected = [
        7 * 3600 + 600,
        7 * 3600 + 330,
        25 * 3600 + 1800,
        8 * 3600,
        100 * 3600 + 1,
        None,
        None,
        86399,
        0,
        31 * 3600 + 1800,
    ]
    got = gtfs_read.parse_times(pd.Series(texts, dtype="string"), Path("f"), "x")
    for value, want in zip(got, expected, strict=True):
        assert (value != value) if want is None else value == want
    with pytest.raises(GtfsImportError, match="3 unreadable time"):
        gtfs_read.parse_times(pd.Series(["07:60:00", "08:00:00", "7:5:00", "x"]), Path("f"), "x")


def test_stop_times_read_in_small_blocks(feed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from slimmeregio.layers import gtfs_read

    monkeypatch.setattr(gtfs_read, "_SCAN_ROWS", 7)  # trips cut across blocks
    check_hand(import_gtfs(feed, date="2026-03-10"), HAND_TUESDAY)
    files = _bad_time()
    with pytest.raises(GtfsImportError, match="1 unreadable"):
        import_gtfs(write_feed(feed.with_name("bad.zip"), files))
