"""Benchmark of a 200-variant scenario sweep on the embedded region: serial vs LocalCluster(2).

Run: ``python benchmarks/sweep.py`` (from the repository root). Prints the
numbers and writes the section between ``<!-- sweep -->`` and
``<!-- /sweep -->`` of benchmarks/RESULTS.md.

The sweep: seven candidates (a new bridge, a link upgrade, five new
mobipunten) each in or out, times two cycling speeds on local roads: 256
combinations, of which the seeded sample of 200 is evaluated. Once in this
process (``--workers 0``: no Dask) and once on a ``LocalCluster`` with two
single-threaded worker processes, each into a fresh folder; the two tables
must hold the same numbers.
"""

from __future__ import annotations

import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _results import write_section  # benchmarks/_results.py

WHO = 'author = "benchmark"\nreason = "benchmark"\n'
MOBIPUNTEN = [
    (141500.0, 158600.0),
    (157400.0, 180000.0),
    (150000.0, 170000.0),
    (145000.0, 165000.0),
    (155000.0, 175000.0),
]


def sweep_text() -> str:
    text = 'name = "benchmark"\nmax_variants = 200\nseed = 1\n\n[[sets]]\nname = "kandidaten"\n'
    text += (
        '\n[[sets.candidates]]\ncandidate = "brug"\ncost_eur = 850000\nkind = "add_link"\n'
        "coords = [[140500.0, 158700.0], [140750.0, 158420.0], [140956.0, 158163.0]]\n"
        'link_class = "bovenlokaal"\n' + WHO
    )
    text += (
        '\n[[sets.candidates]]\ncandidate = "snelweg"\ncost_eur = 400000\nkind = "upgrade_link"\n'
        'link_ids = [1394]\nlink_class = "fietssnelweg"\n' + WHO
    )
    for i, (x, y) in enumerate(MOBIPUNTEN):
        text += (
            f'\n[[sets.candidates]]\ncandidate = "mobipunt {i}"\ncost_eur = {100000 + 10000 * i}\n'
            f'kind = "add_mobipunt"\nx = {x}\ny = {y}\nname = "Benchmark {i}"\nhoppin_type = "buurt"\n'
            + WHO
        )
    text += '\n[[ranges]]\nparameter = "speeds_kmh.lokaal"\nvalues = [16.0, 18.0]\n'
    return text


def _table(folder: Path) -> dict[tuple[str, str], tuple[float, float, float]]:
    with sqlite3.connect(folder / "sweep.sqlite") as db:
        return {(v, k): (b, s, d) for v, k, b, s, d in db.execute("SELECT * FROM indicators")}


def _task_seconds(folder: Path) -> float:
    """Mean seconds one variant took inside its task (without Dask's overhead)."""
    with sqlite3.connect(folder / "sweep.sqlite") as db:
        return float(db.execute("SELECT avg(seconds) FROM variants").fetchone()[0])


def _autogroup() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def main() -> None:
    from slimmeregio.layers.region import load_region
    from slimmeregio.scenarios.sweep import base_key, run_sweep
    from slimmeregio.scenarios.sweep_model import Sweep
    from slimmeregio.scenarios.sweep_plan import plan_sweep

    load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    plan = plan_sweep(Sweep.from_toml(sweep_text()), None, base_key(None))
    project = load_region()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, workers in (("serial (no Dask)", 0), ("LocalCluster, 2 workers", 2)):
            folder = Path(tmp) / str(workers)
            t = time.perf_counter()
            outcome = run_sweep(plan, project, folder, workers=workers)
            wall = time.perf_counter() - t
            assert outcome.evaluated == len(plan.variants) and outcome.errors == 0, outcome
            results[label] = (wall, _table(folder), _task_seconds(folder))
            print(f"{label}: {wall:.1f} s, {len(plan.variants) / wall:.2f} variants/s", flush=True)
        (serial_wall, serial_rows, serial_task), (cluster_wall, cluster_rows, cluster_task) = (
            results.values()
        )
    same = serial_rows == cluster_rows
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "## Scenario sweep (benchmarks/sweep.py)",
        "",
        f"{len(plan.variants)} variants (seeded sample of {plan.total} combinations: seven candidates "
        "in or out x two local-road speeds) on the embedded region, each compared with its base "
        "as `slimmeregio run` does; written one row per variant to sweep.sqlite.",
        "",
        "| run | wall time | variants/s | mean s per variant inside its task |",
        "| --- | ---: | ---: | ---: |",
        f"| serial (one process, no Dask) | {serial_wall:.1f} s | {len(plan.variants) / serial_wall:.2f} "
        f"| {serial_task:.2f} |",
        f"| LocalCluster, 2 worker processes x 1 thread | {cluster_wall:.1f} s | "
        f"{len(plan.variants) / cluster_wall:.2f} | {cluster_task:.2f} |",
        "",
        f"Speed-up {serial_wall / cluster_wall:.2f}x; both tables identical: {'yes' if same else 'NO'}. "
        f"Client peak RSS {peak_mb:.0f} MB. Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"1-min load average at the start {load0:.1f} and at the end {load:.1f} (shared machine), "
        f"Python {sys.version.split()[0]}.",
    ]
    n = len(plan.variants)
    lines += [
        "",
        f"Outside the tasks (cluster start, base preparation and scatter, scheduling, writing rows): "
        f"serial {serial_wall - n * serial_task:.0f} s, LocalCluster "
        f"{cluster_wall - n * cluster_task / 2:.0f} s.",
    ]
    if _autogroup():
        lines += [
            "",
            "Note: this machine schedules with Linux autogroup (all processes of one session "
            "share one CPU share) and its cores are shared with other sessions, so the two "
            "workers together get no more CPU than the serial run: compare the time per variant "
            "inside a task. On a machine with free cores the cluster's throughput is about "
            "workers / (time per variant) instead.",
        ]
    text = "\n".join(lines)
    print(text)
    write_section("sweep", text)


if __name__ == "__main__":
    main()
