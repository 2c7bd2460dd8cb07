"""A small GTFS feed written by the tests, with every case the import must handle.

Service range 2026-03-02 (Mon) .. 2026-03-29 (Sun). The counting date in
the tests is Tuesday 2026-03-10, on which service ``WK2`` is removed and
``EXTRA`` added (calendar_dates.txt).

Stops: station ``ST`` (Halle) with platforms ``P1`` and ``P2`` and an
entrance ``E``; ``X`` (Brussel-Zuid); ``Y`` (Gent-Sint-Pieters, far outside
the region); bus stops ``B1``, ``B2``, ``B3`` and tram stops ``T1``,
``T2`` in Halle; ``U`` is served by no trip.

Routes: ``IC`` train (route_type 2), ``155`` bus (extended 700), ``81``
tram (extended 900).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pyproj import Transformer

TO_WGS84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
TO_LAMBERT = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)

#: Halle station, Lambert 72 (from its WGS84 position).
HALLE_XY = TO_LAMBERT.transform(4.2400, 50.7334)


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """The WGS84 position ``dx``, ``dy`` metres from Halle station."""
    lon, lat = TO_WGS84.transform(HALLE_XY[0] + dx, HALLE_XY[1] + dy)
    return lon, lat


def _stop(
    stop_id: str, name: str, pos: tuple[float, float], kind: str = "", parent: str = ""
) -> str:
    lon, lat = pos
    return f"{stop_id},{name},{lat:.7f},{lon:.7f},{kind},{parent}"


STOPS = "\n".join(
    [
        "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station",
        _stop("ST", "Halle", lonlat(0, 0), "1"),
        _stop("P1", "Halle perron 1", lonlat(15, 0), "0", "ST"),
        _stop("P2", "Halle perron 2", lonlat(-15, 0), "", "ST"),
        _stop("E", "Halle ingang", lonlat(0, 40), "2", "ST"),
        _stop("X", "Brussel-Zuid", (4.3357, 50.8357)),
        _stop("Y", "Gent-Sint-Pieters", (3.7106, 51.0359)),
        _stop("B1", "Markt", lonlat(300, 200)),
        _stop("B2", "Kerk", lonlat(600, 200)),
        _stop("B3", "Depot", lonlat(900, 200)),
        _stop("T1", "Basiliek", lonlat(-300, -200)),
        _stop("T2", "Zuid", lonlat(-600, -200)),
        _stop("U", "Ongebruikt", lonlat(100, 100)),
    ]
)

ROUTES = """route_id,route_short_name,route_long_name,route_type
IC,IC12,Gent - Brussel - Halle,2
BUS155,155,Halle - Depot,700
TRAM81,81,Basiliek - Zuid,900
"""

CALENDAR = """service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
WK,1,1,1,1,1,0,0,20260302,20260329
WK2,1,1,1,1,1,0,0,20260302,20260329
WE,0,0,0,0,0,1,1,20260302,20260329
"""

CALENDAR_DATES = """service_id,date,exception_type
WK2,20260310,2
EXTRA,20260310,1
"""

TRIPS = """route_id,service_id,trip_id
IC,WK,TR1
IC,WK,TR2
IC,WK,TR3
IC,WK,TR4
IC,WK,TR5
IC,WK2,TR6
IC,EXTRA,TR7
IC,WE,TR8
BUS155,WK,BU1
BUS155,WK,BU2
BUS155,WK,BUN
BUS155,WK,BUP
BUS155,WK,BF
TRAM81,WK,TF
"""

# trip_id, arrival, departure, stop, sequence, pickup_type
_STOP_TIMES = [
    ("TR1", "07:10:00", "07:10:00", "P1", 1, ""),
    ("TR1", "07:30:00", "07:30:00", "X", 2, ""),
    ("TR2", "08:10:00", "08:10:00", "P1", 1, ""),
    ("TR2", "08:30:00", "08:30:00", "X", 2, ""),
    ("TR3", "16:00:00", "16:00:00", "X", 1, ""),
    ("TR3", "16:20:00", "16:20:00", "P2", 2, ""),
    ("TR3", "16:50:00", "16:50:00", "Y", 3, ""),
    ("TR4", "24:10:00", "24:10:00", "P1", 1, ""),
    ("TR4", "24:30:00", "24:30:00", "X", 2, ""),
    ("TR5", "31:30:00", "31:30:00", "P2", 1, ""),
    ("TR5", "31:50:00", "31:50:00", "Y", 2, ""),
    ("TR6", "07:40:00", "07:40:00", "P1", 1, ""),
    ("TR6", "08:00:00", "08:00:00", "X", 2, ""),
    ("TR7", "08:40:00", "08:40:00", "P1", 1, ""),
    ("TR7", "09:00:00", "09:00:00", "X", 2, ""),
    ("TR8", "10:00:00", "10:00:00", "P1", 1, ""),
    ("TR8", "10:20:00", "10:20:00", "X", 2, ""),
    ("BU1", "07:05:00", "07:05:00", "B1", 1, ""),
    ("BU1", "07:15:00", "07:15:00", "B2", 2, ""),
    ("BU2", "17:00:00", "17:00:00", "B1", 1, ""),
    ("BU2", "17:10:00", "17:10:00", "B2", 2, ""),
    ("BUN", "25:30:00", "25:30:00", "B1", 1, ""),
    ("BUN", "25:45:00", "25:45:00", "B2", 2, ""),
    ("BUP", "08:00:00", "08:00:00", "B1", 1, "1"),
    ("BUP", "08:10:00", "08:10:00", "B2", 2, "0"),
    ("BUP", "08:20:00", "08:20:00", "B3", 3, ""),
    ("BF", "06:00:00", "06:00:00", "B2", 1, ""),
    ("BF", "06:10:00", "06:10:00", "B3", 2, ""),
    ("TF", "10:00:00", "10:00:00", "T1", 1, ""),
    ("TF", "10:05:00", "10:05:00", "T2", 2, ""),
]


def stop_times(rows: list[tuple[str, str, str, str, int, str]] = _STOP_TIMES) -> str:
    lines = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


FREQUENCIES = """trip_id,start_time,end_time,headway_secs,exact_times
BF,07:00:00,09:00:00,900,1
TF,09:00:00,16:00:00,1200,0
TF,16:00:00,19:00:00,600,0
"""

FEED_INFO = """feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version
Testvervoer,https://example.org,nl,20260302,20260329,2026.03
"""


def feed_files() -> dict[str, str]:
    """The feed's tables by file name."""
    return {
        "stops.txt": STOPS + "\n",
        "routes.txt": ROUTES,
        "trips.txt": TRIPS,
        "stop_times.txt": stop_times(),
        "calendar.txt": CALENDAR,
        "calendar_dates.txt": CALENDAR_DATES,
        "frequencies.txt": FREQUENCIES,
        "feed_info.txt": FEED_INFO,
    }


def write_feed(path: Path, files: dict[str, str] | None = None, *, folder: str = "") -> Path:
    """Write ``files`` (default :func:`feed_files`) as a GTFS zip."""
    files = feed_files() if files is None else files
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"{folder}{name}", text)
    return path
