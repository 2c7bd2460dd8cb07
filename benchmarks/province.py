"""Benchmark: a province-size network (about 1.5 million nodes) on one machine.

Issue 19 asks where one workstation stops being enough. This script builds
a network ten times the size of benchmarks/scale.py's, with the project's own
generator and importer (``benchmarks/osm.py``'s synthetic extract, default
3,600,000 highway ways, imported with the real ``slimmeregio import-osm``,
clipped to the region + 2 km), address points drawn from the population grid
(``scale.make_addresses``), and the embedded region's other layers, saved as
``.srp``. Then, each in a fresh process so that peak memory (max RSS) is per
step:

1. import: ``slimmeregio import-osm`` (wall time, peak RSS of the importer);
2. open: load the project, build the network and attach the points;
3. the planner's loop: base evaluation, one scenario of five edits
   evaluated and compared;

and it derives what a sweep of N variants costs on this machine, which is
where a cluster starts to pay (docs/sweep.md).

Generated data stays in a temporary folder (or ``--keep DIR``, reused on
the next run), never in git. Usage::

    python benchmarks/province.py                    # writes the RESULTS.md section
    python benchmarks/province.py --ways 400000 --addresses 200000 --no-results
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
from pathlib import Path
from typing import Any

from _results import ensure_extract, write_section  # benchmarks/_results.py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REGION = ROOT / "resources" / "region.gpkg"


def measure(project_path: Path) -> dict[str, Any]:
    """Open the project, evaluate the base and one scenario of five edits."""
    sys.path.insert(0, str(HERE))
    from scale import _five_modifications  # benchmarks/scale.py

    from slimmeregio.layers.project_file import load_project
    from slimmeregio.scenarios.engine import compare, evaluate, prepare_base

    def rss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def cpu_s() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    out: dict[str, Any] = {}
    t, c = time.perf_counter(), cpu_s()
    project = load_project(project_path)
    out["load_s"], out["load_cpu_s"] = time.perf_counter() - t, cpu_s() - c
    out["load_peak_mb"] = rss_mb()
    t, c = time.perf_counter(), cpu_s()
    base = prepare_base(project)
    out["prepare_s"], out["prepare_cpu_s"] = time.perf_counter() - t, cpu_s() - c
    out["prepare_peak_mb"] = rss_mb()
    net = base.network
    out["nodes"], out["edges"] = int(net.n_nodes), int(net.n_edges)
    out["housing_points"] = len(base.housing_att.xy)
    t, c = time.perf_counter(), cpu_s()
    base_ev = evaluate(base)
    out["base_eval_s"], out["base_eval_cpu_s"] = time.perf_counter() - t, cpu_s() - c
    out["base_eval_steps"] = {k: round(v, 2) for k, v in base_ev.timings.items()}
    out["base_eval_peak_mb"] = rss_mb()
    scenario = _five_modifications(net)
    t, c = time.perf_counter(), cpu_s()
    result = compare(base_ev, evaluate(base, scenario))
    out["scenario_s"], out["scenario_cpu_s"] = time.perf_counter() - t, cpu_s() - c
    out["scenario_steps"] = {k: round(v, 2) for k, v in result.scenario.timings.items()}
    out["peak_mb"] = rss_mb()
    # what a sweep scatters to every worker: the prepared base, pickled as Dask sends it
    import pickle

    t = time.perf_counter()
    out["base_pickle_mb"] = len(pickle.dumps(base, protocol=5)) / 1024**2
    out["base_pickle_s"] = time.perf_counter() - t
    return out


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _cpu(m: dict[str, Any], key: str) -> str:
    value = m.get(key)
    return "–" if value is None else f"{value:.1f}"


def _section(made: dict[str, Any], m: dict[str, Any], total_gb: float, note: str = "") -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cores = os.cpu_count() or 1
    worker_gb = float(m["peak_mb"]) / 1024  # a worker holds the prepared base and evaluates
    pickled_gb = float(m.get("base_pickle_mb", 0.0)) / 1024
    client_gb = worker_gb + pickled_gb  # the client prepares, pickles and scatters the base
    by_memory = max(int((total_gb * 0.9 - client_gb) // worker_gb), 0)
    at_once = min(cores, by_memory)
    variant_cpu = float(m.get("scenario_cpu_s") or m["scenario_s"])
    rows = [
        f"| import-osm ({made['ways']:,} ways, clip region + 2 km) | {made['import_s']:.0f} | – | "
        f"{made['import_peak_mb']:,.0f} |",
        f"| open: load layers | {m['load_s']:.1f} | {_cpu(m, 'load_cpu_s')} | {m['load_peak_mb']:,.0f} |",
        f"| open: build network + attach points | {m['prepare_s']:.1f} | {_cpu(m, 'prepare_cpu_s')} | "
        f"{m['prepare_peak_mb']:,.0f} |",
        f"| base evaluation | {m['base_eval_s']:.1f} | {_cpu(m, 'base_eval_cpu_s')} | {m['base_eval_peak_mb']:,.0f} |",
        f"| scenario of 5 edits: evaluate + compare | {m['scenario_s']:.1f} | {_cpu(m, 'scenario_cpu_s')} | "
        f"{m['peak_mb']:,.0f} |",
    ]
    if "base_pickle_mb" in m:
        rows.append(
            f"| prepared base pickled for the workers ({m['base_pickle_mb']:,.0f} MB) | "
            f"{m['base_pickle_s']:.1f} | – | |"
        )
    hours = 1000 * variant_cpu / 3600
    fits_nodes = int(m["nodes"] * total_gb * 0.9 / max(worker_gb, 1e-9))
    return "\n".join(
        [
            "## Province-size network (benchmarks/province.py)",
            "",
            f"Machine: {platform.platform()}, {cores} cores (shared with other sessions), "
            f"{total_gb:.0f} GB RAM, Python {platform.python_version()}; load average at the end {load:.1f}.",
            *(["", note, ""] if note else [""]),
            f"Synthetic extract (benchmarks/osm.py's generator) of {made['ways']:,} highway ways, "
            f"imported with `slimmeregio import-osm --clip-to resources/region.gpkg`: "
            f"{made['links']:,} links; network **{m['nodes']:,} nodes**, {m['edges']:,} edges. "
            f"Housing: {m['housing_points']:,} address points drawn from the embedded population grid. "
            f"Each step in a fresh process; peak RSS is the process's maximum so far.",
            "",
            "| step | seconds | CPU seconds | peak RSS (MB) |",
            "|---|---:|---:|---:|",
            *rows,
            "",
            f"Base evaluation steps (s): {m['base_eval_steps']}",
            "",
            f"Scenario evaluation steps (s): {m['scenario_steps']}",
            "",
            "Where one machine stops being enough. Memory: one process holding this base needs "
            f"{worker_gb:.1f} GB, so one {total_gb:.0f} GB machine holds a single process up to about "
            f"{fits_nodes:,} nodes (linear in the network and the address points); a sweep's client also "
            f"pickles the base ({pickled_gb:.1f} GB) to scatter it, so besides the client this machine "
            f"has room for {by_memory} worker process(es), and it has {cores} cores: {at_once} at once. "
            f"Time: a variant costs about {variant_cpu:.0f} CPU seconds, so a 1,000-variant sweep is "
            f"about {hours:.0f} CPU hours, {hours / max(at_once, 1):.0f} h on this machine. Beyond a "
            "few hundred variants at this size, or a network several times larger, a Dask cluster "
            "(`--scheduler`, docs/sweep.md) of machines with that much RAM per worker process is needed.",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ways", type=int, default=3_600_000)
    parser.add_argument("--addresses", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep (and reuse) generated data here"
    )
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(measure(Path(args.step[1]))))
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="province-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{args.ways}w-{args.addresses}a"
    extract = folder / f"synthetic-{args.ways}.osm.pbf"
    network = folder / f"network-{args.ways}.gpkg"
    addresses = folder / f"addresses-{args.addresses}.gpkg"
    project = folder / f"province-{tag}.srp"
    facts = folder / f"facts-{tag}.json"
    made: dict[str, Any] = (
        json.loads(facts.read_text()) if facts.exists() and project.exists() else {}
    )
    made["ways"] = args.ways
    ensure_extract(extract, args.ways)
    if not network.exists():
        before = _peak_child_mb()
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "slimmeregio", "import-osm", str(extract), "--out", str(network),
             "--clip-to", str(REGION)],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"import-osm failed:\n{done.stderr[-3000:]}")
        made["import_s"] = time.perf_counter() - t
        made["import_peak_mb"] = max(_peak_child_mb(), before)
        print(
            f"import-osm: {made['import_s']:.0f} s, peak {made['import_peak_mb']:.0f} MB",
            flush=True,
        )
    scale = [sys.executable, str(HERE / "scale.py"), "--step"]
    if not addresses.exists():
        subprocess.run(
            [*scale, "addresses", str(addresses), str(args.addresses)], check=True, cwd=ROOT
        )
    if not project.exists() or "links" not in made:
        done = subprocess.run(
            [*scale, "project", str(network), str(addresses), str(project)],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        made.update(json.loads(done.stdout.strip().splitlines()[-1]))
    facts.write_text(json.dumps(made))
    print(json.dumps(made), flush=True)
    m = _child("--step", "measure", str(project))
    print(json.dumps(m), flush=True)
    total_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    section = _section(made, m, total_gb)
    print(section)
    if not args.no_results:
        write_section("province", section)
    if args.keep is None:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
