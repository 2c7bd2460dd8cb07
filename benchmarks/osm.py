"""Benchmark: OpenStreetMap import against osmium's own read of the same file.

There is no real extract offline, so this script writes a synthetic one of
realistic make-up with pyosmium: a street grid over Halle-Vilvoorde and
Brussels (default 500,000 highway ways with a mix of tags, one-ways and
cycle-route relations), plus buildings that the import must skip (most nodes
of a real extract belong to buildings) and POIs.

It then times, each in a fresh process so that peak memory (max RSS) is
measured per run:

* ``osmium C++ read``: ``osmium.apply`` with a C++ filter that drops every
  object: the cost of decoding the file, a lower bound for any import;
* ``osmium Python loop``: a plain ``for obj in osmium.FileProcessor(path)``
  loop, every object handed to Python;
* ``osmium locations``: the same loop with ``with_locations()``, the usual
  way to get way geometries (every node's location stored);
* ``import_osm``: the real import, clipped to the embedded region's
  municipalities buffered by 2 km (or to the grid's south-west quarter
  when the embedded region is not available).

Usage::

    python benchmarks/osm.py                 # 500,000 ways, writes RESULTS.md section
    python benchmarks/osm.py --ways 50000 --no-results
    python benchmarks/osm.py --extract belgium-latest.osm.pbf   # a real extract

The section between ``<!-- osm -->`` and ``<!-- /osm -->`` in
benchmarks/RESULTS.md is replaced; the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _results import write_section  # benchmarks/_results.py

ROOT = Path(__file__).resolve().parents[1]
REGION = ROOT / "resources" / "region.gpkg"
#: Halle-Vilvoorde with Brussels, in WGS84.
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 4.00, 4.62, 50.68, 51.02

_STREET_TAGS: list[tuple[float, dict[str, str]]] = [
    (0.50, {"highway": "residential"}),
    (0.08, {"highway": "residential", "oneway": "yes"}),
    (0.02, {"highway": "residential", "oneway": "yes", "cycleway": "opposite"}),
    (0.02, {"highway": "residential", "oneway": "-1"}),
    (0.08, {"highway": "tertiary", "surface": "asphalt"}),
    (0.04, {"highway": "secondary", "surface": "asphalt"}),
    (0.01, {"highway": "primary", "bicycle": "use_sidepath"}),
    (0.05, {"highway": "cycleway", "surface": "asphalt"}),
    (0.06, {"highway": "footway"}),
    (0.04, {"highway": "footway", "bicycle": "yes"}),
    (0.04, {"highway": "track", "surface": "unpaved"}),
    (0.03, {"highway": "service", "access": "private"}),
    (0.02, {"highway": "unclassified"}),
    (0.01, {"highway": "motorway"}),
]

_POI_TAGS = [
    {"railway": "station", "name": "Station"},
    {"amenity": "bus_station", "name": "Busstation"},
    {"amenity": "bicycle_rental", "name": "Blue-bike"},
    {"amenity": "car_sharing", "name": "Cambio"},
    {"amenity": "bicycle_parking", "capacity": "40"},
]


def generate(path: Path, *, ways: int, seed: int = 8) -> dict[str, int]:
    """Write a synthetic extract with about ``ways`` highway ways."""
    import osmium
    import osmium.osm.mutable as mut

    rng = np.random.default_rng(seed)
    n = max(int(math.sqrt(ways / 2)) + 1, 3)  # n x n intersections, ~2n² streets
    lon = np.linspace(LON_MIN, LON_MAX, n)
    lat = np.linspace(LAT_MIN, LAT_MAX, n)
    streets: list[tuple[int, int]] = []
    for i in range(n):
        for j in range(n - 1):
            streets.append((i * n + j, i * n + j + 1))
            streets.append((j * n + i, (j + 1) * n + i))
    streets = streets[:ways]
    n_buildings = int(0.6 * len(streets))
    n_pois = max(len(streets) // 100, 10)
    weights = np.array([w for w, _ in _STREET_TAGS])
    kinds = rng.choice(len(_STREET_TAGS), size=len(streets), p=weights / weights.sum())
    jitter = rng.normal(0, 0.00004, size=(len(streets), 2))
    first_mid = n * n + 1
    first_building_node = first_mid + len(streets)
    first_poi = first_building_node + 4 * n_buildings
    b_lon = rng.uniform(LON_MIN, LON_MAX, n_buildings)
    b_lat = rng.uniform(LAT_MIN, LAT_MAX, n_buildings)
    with osmium.SimpleWriter(str(path), overwrite=True) as w:
        for k in range(n * n):
            w.add_node(mut.Node(id=k + 1, location=(lon[k % n], lat[k // n])))
        for s, (a, b) in enumerate(streets):
            x = (lon[a % n] + lon[b % n]) / 2 + jitter[s, 0]
            y = (lat[a // n] + lat[b // n]) / 2 + jitter[s, 1]
            w.add_node(mut.Node(id=first_mid + s, location=(x, y)))
        d = 0.00008
        for k in range(n_buildings):
            base = first_building_node + 4 * k
            x, y = b_lon[k], b_lat[k]
            for c, (dx, dy) in enumerate(((0, 0), (d, 0), (d, d), (0, d))):
                w.add_node(mut.Node(id=base + c, location=(x + dx, y + dy)))
        for k in range(n_pois):
            x, y = rng.uniform(LON_MIN, LON_MAX), rng.uniform(LAT_MIN, LAT_MAX)
            w.add_node(mut.Node(id=first_poi + k, location=(x, y), tags=_POI_TAGS[k % 5]))
        for s, (a, b) in enumerate(streets):
            w.add_way(
                mut.Way(
                    id=s + 1, nodes=[a + 1, first_mid + s, b + 1], tags=_STREET_TAGS[kinds[s]][1]
                )
            )
        for k in range(n_buildings):
            base = first_building_node + 4 * k
            refs = [base, base + 1, base + 2, base + 3, base]
            w.add_way(mut.Way(id=len(streets) + 1 + k, nodes=refs, tags={"building": "yes"}))
        # Cycle routes along grid rows: F-routes, node-network and local routes.
        n_routes = max(len(streets) // 2500, 3)
        for r in range(n_routes):
            row = int(rng.integers(0, n))
            start = int(rng.integers(0, max(n - 60, 1)))
            members = [("w", 2 * (row * (n - 1) + j) + 1, "") for j in range(start, start + 50)]
            members = [m for m in members if m[1] <= len(streets)]
            if r % 10 == 0:
                tags = {"type": "route", "route": "bicycle", "ref": f"F{r // 10 + 1}"}
            elif r % 2:
                tags = {"type": "route", "route": "bicycle", "network": "rcn",
                        "network:type": "node_network", "ref": str(r)}  # fmt: skip
            else:
                tags = {"type": "route", "route": "bicycle", "network": "lcn", "ref": f"L{r}"}
            w.add_relation(mut.Relation(id=r + 1, members=members, tags=tags))
    return {
        "highway_ways": len(streets),
        "buildings": n_buildings,
        "nodes": first_poi + n_pois - 1,
        "routes": n_routes,
        "pois": n_pois,
    }


# --- measurements, each run in a child process ---------------------------------


def _measure(what: str, path: str) -> dict[str, object]:
    import osmium

    started = time.perf_counter()
    extra: dict[str, object] = {}
    if what == "cpp":
        drop = osmium.filter.EntityFilter(osmium.osm.NOTHING)
        osmium.apply(path, drop)
    elif what == "python":
        count = 0
        for _obj in osmium.FileProcessor(path):
            count += 1
        extra["objects"] = count
    elif what == "locations":
        count = 0
        for obj in osmium.FileProcessor(path).with_locations("flex_mem"):
            if obj.is_way():
                count += sum(1 for n in obj.nodes if n.location.valid())
        extra["way_node_locations"] = count
    elif what == "import":
        from slimmeregio.layers.osm import import_osm, region_clip

        clip = None
        if REGION.exists():
            from slimmeregio.layers.io import load_layers

            layers = load_layers(REGION, layer="gemeenten")
            clip = region_clip(layers, buffer_m=0)
        if clip is not None:
            result = import_osm(path, clip=clip, buffer_m=2000)
        else:
            mid_lon, mid_lat = (LON_MIN + LON_MAX) / 2, (LAT_MIN + LAT_MAX) / 2
            result = import_osm(path, bbox=(LON_MIN, LAT_MIN, mid_lon, mid_lat))
        extra["rows"] = len(result.network.frame)
        extra["km_per_class"] = result.report.km_per_class
        extra["skipped"] = result.report.skipped
        extra["pois"] = result.report.pois
        extra["clip"] = "region+2km" if clip is not None else "bbox"
    else:
        raise SystemExit(f"unknown measurement {what}")
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"what": what, "seconds": elapsed, "peak_mb": peak_kb / 1024, **extra}


def _run_child(what: str, path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", what, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ways", type=int, default=500_000)
    parser.add_argument(
        "--extract",
        type=Path,
        default=None,
        help="benchmark this real extract (e.g. belgium-latest.osm.pbf) instead of a synthetic one",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the extract here")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(*args.measure)))
        return
    if args.generate:
        print(json.dumps(generate(args.generate, ways=args.ways)))
        return
    made: dict[str, int] | None = None
    if args.extract is not None:
        folder, path = None, args.extract
        print(f"extract: {path} ({path.stat().st_size / 1e6:.1f} MB, real)", flush=True)
    else:
        folder = None if args.keep else Path(tempfile.mkdtemp(prefix="osm-bench-"))
        path = args.keep or folder / "synthetic.osm.pbf"  # type: ignore[operator]
        t0 = time.perf_counter()
        # In a child process: Linux carries a parent's peak RSS over into the
        # peak its children report, so the parent must stay small.
        out = subprocess.run(
            [sys.executable, __file__, "--generate", str(path), "--ways", str(args.ways)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        made = json.loads(out.stdout.strip().splitlines()[-1])
        gen_s = time.perf_counter() - t0
        print(f"extract: {path} ({made}), written in {gen_s:.1f} s", flush=True)
    size_mb = path.stat().st_size / 1e6
    runs = {}
    for what in ("cpp", "python", "locations", "import"):
        runs[what] = _run_child(what, path)
        print(json.dumps(runs[what]), flush=True)
    base = float(runs["cpp"]["seconds"])  # type: ignore[arg-type]
    labels = {
        "cpp": "osmium C++ read (apply, drop all)",
        "python": "osmium Python loop (FileProcessor)",
        "locations": "osmium Python loop + with_locations",
        "import": "import_osm (two passes, clip, layers)",
    }
    rows = [
        f"| {labels[w]} | {float(r['seconds']):.2f} | {float(r['seconds']) / base:.1f}× "  # type: ignore[arg-type]
        f"| {float(r['peak_mb']):.0f} |"  # type: ignore[arg-type]
        for w, r in runs.items()
    ]
    imp = runs["import"]
    section = "\n".join(
        [
            "## OpenStreetMap import (benchmarks/osm.py)",
            "",
            (
                f"Synthetic extract written with pyosmium: {made['highway_ways']:,} highway ways "
                f"(tag mix incl. one-ways, footways, tracks, motorways), {made['buildings']:,} "
                f"buildings, {made['routes']} cycle-route relations, {made['pois']:,} POIs; "
                f"{made['nodes']:,} nodes, {size_mb:.1f} MB PBF."
                if made is not None
                else f"Real extract {path.name}, {size_mb:.1f} MB PBF."
            )
            + f" Machine: {platform.machine()}, Python {platform.python_version()}, "
            "2 cores shared. Each run in a fresh process.",
            "",
            "| run | seconds | × C++ read | peak RSS (MB) |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            f"Import clipped to {imp['clip']}: {imp['rows']:,} network rows, "
            f"km per class {imp['km_per_class']}, POIs {imp['pois']}.",
        ]
    )
    print(section)
    if not args.no_results:
        write_section("osm", section)
    if folder is not None:
        path.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    main()
