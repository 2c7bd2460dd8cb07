"""Benchmark: GTFS import against gtfs-kit's own read of the same feed.

There is no real feed offline, so this script writes a synthetic one of
regional size (default 5,000 stops incl. 150 stations with two platforms
each, 400 routes of all modes, 20,000 trips of 20 stops = 400,000
stop_times, weekday/Saturday/Sunday services with calendar_dates
exceptions, 1% of the trips as frequencies.txt templates, 5% of the trips
running past midnight) over Halle-Vilvoorde and Brussels.

It then times, each in a fresh process so peak memory (max RSS) is per run:

* ``gtfs-kit read_feed``: reading the extracted tables into pandas, the
  lower bound of any import built on the library;
* ``import_gtfs``: the real import (archive checks, extraction, counting,
  stations), clipped to the embedded region + 3 km.

Usage::

    python benchmarks/gtfs.py                      # writes the RESULTS.md section
    python benchmarks/gtfs.py --trips 2000 --no-results
    python benchmarks/gtfs.py --feed de_lijn.zip    # a real feed

Not part of ``make test``; ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
from _results import write_section  # benchmarks/_results.py

ROOT = Path(__file__).resolve().parents[1]
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 4.00, 4.62, 50.68, 51.02
#: route_type per mode and each mode's share of the routes.
_MODES = [(3, 0.55), (700, 0.2), (0, 0.1), (900, 0.05), (2, 0.05), (1, 0.05)]


def _time(seconds: np.ndarray) -> list[str]:
    s = seconds.astype(int)
    return [
        f"{h:02d}:{m:02d}:{x:02d}"
        for h, m, x in zip(s // 3600, s % 3600 // 60, s % 60, strict=True)
    ]


def generate(path: Path, *, stops: int, trips: int, seed: int = 17) -> dict[str, int]:
    """Write a synthetic GTFS zip; return the table sizes."""
    rng = np.random.default_rng(seed)
    stations = 150
    plain = stops - stations * 3  # each station has two platforms
    lines = ["stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station"]
    lon = rng.uniform(LON_MIN, LON_MAX, plain + stations)
    lat = rng.uniform(LAT_MIN, LAT_MAX, plain + stations)
    boardable: list[str] = []
    for i in range(plain):
        lines.append(f"S{i},Halte {i},{lat[i]:.6f},{lon[i]:.6f},0,")
        boardable.append(f"S{i}")
    for j in range(stations):
        k = plain + j
        lines.append(f"ST{j},Station {j},{lat[k]:.6f},{lon[k]:.6f},1,")
        for p in (1, 2):
            lines.append(
                f"ST{j}P{p},Station {j} perron {p},{lat[k] + p * 1e-4:.6f},{lon[k]:.6f},0,ST{j}"
            )
            boardable.append(f"ST{j}P{p}")
    files = {"stops.txt": "\n".join(lines) + "\n"}

    n_routes = 400
    types = rng.choice([t for t, _ in _MODES], size=n_routes, p=[p for _, p in _MODES])
    files["routes.txt"] = "route_id,route_short_name,route_long_name,route_type\n" + "".join(
        f"R{r},{r + 1},Lijn {r + 1},{types[r]}\n" for r in range(n_routes)
    )
    files["calendar.txt"] = (
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20260105,20261231\n"
        "SA,0,0,0,0,0,1,0,20260105,20261231\n"
        "SU,0,0,0,0,0,0,1,20260105,20261231\n"
    )
    files["calendar_dates.txt"] = (
        "service_id,date,exception_type\nWK,20260406,2\nSU,20260406,1\nWK,20260501,2\n"
    )
    files["feed_info.txt"] = (
        "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date,feed_version\n"
        "Synthetisch,https://example.org,nl,20260105,20261231,bench\n"
    )
    per_stop = 20
    patterns = [rng.choice(len(boardable), size=per_stop, replace=False) for _ in range(n_routes)]
    route_of = rng.integers(0, n_routes, trips)
    service = rng.choice(["WK", "SA", "SU"], size=trips, p=[0.7, 0.15, 0.15])
    start = rng.uniform(5 * 3600, 23.5 * 3600, trips)
    late = rng.random(trips) < 0.05
    start[late] = rng.uniform(24 * 3600, 25.5 * 3600, int(late.sum()))
    trip_lines = ["route_id,service_id,trip_id"]
    st_lines = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    freq_lines = ["trip_id,start_time,end_time,headway_secs,exact_times"]
    for t in range(trips):
        r = route_of[t]
        trip_lines.append(f"R{r},{service[t]},T{t}")
        times = _time(start[t] + np.arange(per_stop) * 90.0)
        ids = patterns[r]
        st_lines += [f"T{t},{x},{x},{boardable[ids[s]]},{s + 1}" for s, x in enumerate(times)]
        if t % 100 == 0:
            freq_lines.append(f"T{t},07:00:00,09:00:00,600,{t // 100 % 2}")
    files["trips.txt"] = "\n".join(trip_lines) + "\n"
    files["stop_times.txt"] = "\n".join(st_lines) + "\n"
    files["frequencies.txt"] = "\n".join(freq_lines) + "\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return {
        "stops": len(lines) - 1,
        "routes": n_routes,
        "trips": trips,
        "stop_times": len(st_lines) - 1,
        "frequencies": len(freq_lines) - 1,
    }


def _measure(what: str, path: str) -> dict[str, object]:
    started, cpu = time.perf_counter(), time.process_time()
    extra: dict[str, object] = {}
    if what == "read":
        import gtfs_kit as gk

        from slimmeregio.layers.archive import extracted

        with extracted(path) as folder:
            started, cpu = time.perf_counter(), time.process_time()
            feed = gk.read_feed(folder, dist_units="km")
        extra["stop_times"] = len(feed.stop_times)
    elif what == "import":
        import gtfs_kit  # noqa: F401  (its import time is not the import's)

        from slimmeregio.layers.gtfs import gtfs_clip, import_gtfs

        clip = gtfs_clip("embedded")
        started, cpu = time.perf_counter(), time.process_time()
        result = import_gtfs(path, date="2026-03-10", clip=clip, buffer_m=3000.0)
        extra["rows"] = len(result.layer.frame)
        extra["departures"] = result.report.departures
        extra["trips"] = result.report.trips
        extra["outside"] = result.report.outside_clip
    else:
        raise SystemExit(f"unknown measurement {what}")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "what": what,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "peak_mb": peak_kb / 1024,
        **extra,
    }


def _child(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stops", type=int, default=5_000)
    parser.add_argument("--trips", type=int, default=20_000)
    parser.add_argument("--feed", type=Path, default=None, help="benchmark this real feed")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(*args.measure)))
        return
    if args.generate:
        print(json.dumps(generate(args.generate, stops=args.stops, trips=args.trips)))
        return
    folder = None
    made: dict[str, object] | None = None
    if args.feed is not None:
        path = args.feed
    else:
        folder = Path(tempfile.mkdtemp(prefix="gtfs-bench-"))
        path = folder / "synthetic_gtfs.zip"
        t0 = time.perf_counter()
        made = _child(
            "--generate", str(path), "--stops", str(args.stops), "--trips", str(args.trips)
        )
        print(f"feed: {made}, written in {time.perf_counter() - t0:.1f} s", flush=True)
    size_mb = path.stat().st_size / 1e6
    runs = {what: _child("--measure", what, str(path)) for what in ("read", "import")}
    for run in runs.values():
        print(json.dumps(run), flush=True)
    base = float(runs["read"]["seconds"])  # type: ignore[arg-type]
    labels = {
        "read": "gtfs-kit read_feed (tables into pandas)",
        "import": "import_gtfs (checks, extract, count, stations, clip)",
    }
    rows = [
        f"| {labels[w]} | {float(r['seconds']):.2f} | {float(r['cpu_seconds']):.2f} "  # type: ignore[arg-type]
        f"| {float(r['seconds']) / base:.1f}× "  # type: ignore[arg-type]
        f"| {float(r['peak_mb']):.0f} |"  # type: ignore[arg-type]
        for w, r in runs.items()
    ]
    imp = runs["import"]
    described = (
        f"Synthetic feed: {made['stops']:,} stops (150 stations with 2 platforms), "
        f"{made['routes']} routes of all modes, {made['trips']:,} trips, "
        f"{made['stop_times']:,} stop_times, {made['frequencies']} frequencies.txt rows; "
        f"{size_mb:.1f} MB zip."
        if made is not None
        else f"Real feed {path.name}, {size_mb:.1f} MB zip."
    )
    section = "\n".join(
        [
            "## GTFS import (benchmarks/gtfs.py)",
            "",
            described + f" Machine: {platform.machine()}, Python {platform.python_version()}, "
            f"2 cores shared (load average {os.getloadavg()[0]:.1f} at the end). Each run in a "
            "fresh process, the library already imported (importing gtfs-kit takes about "
            "1.7 s once: it pulls in folium); service date Tuesday 2026-03-10.",
            "",
            "| run | seconds | CPU seconds | × read | peak RSS (MB) |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"Import clipped to the region + 3 km: {imp['rows']:,} stop rows, "
            f"{imp['departures']:,} departures of {imp['trips']:,} trips on the day, "
            f"{imp['outside']:,} rows outside the area.",
        ]
    )
    print(section)
    if not args.no_results:
        write_section("gtfs", section)
    if folder is not None:
        path.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    main()
