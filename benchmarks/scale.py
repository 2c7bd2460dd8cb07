"""Benchmark: the engine on a network and housing layer of real regional size.

The embedded region is illustrative and small (about 20,000 nodes and
24,000 housing points). A planner who imports the real OpenStreetMap network
of Halle-Vilvoorde and an address-level housing layer gets about ten times
more. This script builds such a project deterministically and times the
planner's loop on it, each measurement in a fresh process so that peak
memory (max RSS) is per run:

1. a synthetic extract of realistic density (``benchmarks/osm.py``'s
   generator, default 300,000 highway ways), imported with the real
   ``slimmeregio import-osm`` command, clipped to the region + 2 km;
2. a housing layer of address points (default 300,000, one dwelling each)
   drawn from the embedded population grid: cells chosen with probability
   proportional to their inhabitants, points uniform inside the cell, seeded;
3. a project: the embedded region with the imported network and the address
   layer in place of the illustrative ones, saved as ``.srp``;
4. the measured steps: open the project (load + build network and attach),
   base evaluation, a scenario of five edits evaluated and compared, siting of
   five mobipunten, peak memory; twice the open, to show what a second open
   costs.

The floor, measured in the same run (in a process of its own, so that the
networkx reference graph does not count in the loop's peak memory): one scipy Dijkstra
from one node over the whole bike network (``scipy.sparse.csgraph``). Each
step is also given as a ratio to it, so the figures can be compared across
machines and loads. The same Dijkstra run with networkx on the same graph is
checked to give the same costs (networkx stays the reference model).

Generated data stays in a temporary folder (or ``--keep DIR``, reused on the
next run), never in git. Usage::

    python benchmarks/scale.py                       # writes the RESULTS.md section
    python benchmarks/scale.py --ways 60000 --addresses 60000 --no-results
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _results import ensure_extract, write_section  # benchmarks/_results.py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REGION = ROOT / "resources" / "region.gpkg"
GRID = ROOT / "resources" / "bevolking_100m.tif"

#: (label, key in the measurements, target, goal) as in the scale issue.
TARGETS: list[tuple[str, str, float | None, float | None]] = [
    ("first open: load layers", "first_load_s", None, None),
    ("first open: build network + attach points (cache empty)", "first_prepare_s", None, None),
    ("first open (total)", "first_open_s", None, None),
    ("open the project again: load layers (median of 3)", "again_load_s", None, None),
    (
        "open the project again: network + attachments from the cache (median of 3)",
        "again_prepare_s",
        None,
        None,
    ),
    ("open the project again (total, median of 3)", "again_open_s", 3.0, 1.5),
    ("base evaluation", "base_eval_s", 2.0, 1.0),
    (
        "base evaluation as the app runs it: first pass, the key figures the app shows first",
        "base_first_s",
        None,
        None,
    ),
    (
        "base evaluation as the app runs it: first pass, then completed (until the whole figures)",
        "base_app_s",
        2.0,
        1.0,
    ),
    ("scenario of 5 edits: evaluate + compare (median of 3)", "scenario_s", 0.3, 0.15),
    (
        "scenario of 5 edits: first pass, the key figures the app shows first (median of 3)",
        "core_pass_s",
        0.3,
        0.15,
    ),
    (
        "scenario of 5 edits as the app runs it: first pass, then the families added to it"
        " (until the whole comparison, median of 3)",
        "app_run_s",
        None,
        None,
    ),
    ("siting, 5 mobipunten", "siting_s", 3.0, 1.5),
]


# --- steps run in child processes ------------------------------------------------


def make_addresses(path: Path, n: int, *, seed: int = 31370) -> dict[str, Any]:
    """Write ``n`` address points drawn from the population grid to ``path``."""
    import geopandas as gpd
    import rasterio

    rng = np.random.default_rng(seed)
    with rasterio.open(GRID) as src:
        band = src.read(1, masked=True).filled(0).astype(float)
        transform, crs = src.transform, src.crs
    band[band < 0] = 0
    weights = band.ravel() / band.sum()
    cells = rng.choice(band.size, size=n, p=weights)
    rows, cols = np.divmod(cells, band.shape[1])
    u = rng.random(n) + cols
    v = rng.random(n) + rows
    x = transform.c + u * transform.a + v * transform.b
    y = transform.f + u * transform.d + v * transform.e
    frame = gpd.GeoDataFrame(
        {
            "adres_id": np.arange(1, n + 1, dtype=np.int64),
            "woningen": np.ones(n, dtype=np.int64),
            "status": np.full(n, "bestaand", dtype=object),
        },
        geometry=gpd.points_from_xy(x, y),
        crs=crs,
    )
    frame.to_file(path, layer="adressen", driver="GPKG", engine="pyogrio")
    return {"addresses": n, "grid_inhabitants": float(band.sum())}


def make_project(network_gpkg: Path, addresses_gpkg: Path, out: Path) -> dict[str, Any]:
    """The embedded region with the imported network and the addresses, saved."""
    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.project_file import save_project
    from slimmeregio.layers.region import load_region
    from slimmeregio.layers.roles import Role

    project = load_region()
    networks = [layer for layer in load_layers(network_gpkg) if layer.role == Role.BIKE_NETWORK]
    if not networks:
        raise SystemExit(f"{network_gpkg}: no bike network layer after import")
    housing = load_layers(addresses_gpkg, role=Role.HOUSING)[0]
    for role, new in ((Role.BIKE_NETWORK, networks[0]), (Role.HOUSING, housing)):
        old = project.layers.first(role)
        index = project.layers.index(old.name)
        project.layers.remove(old.name)
        new.name = project.layers.unique_name(old.name)
        project.layers.insert(index, new)
    save_project(project, out)
    return {"links": len(networks[0]), "housing_points": len(housing)}


def _five_modifications(net: Any) -> Any:
    """Five edits spread over the network, as benchmarks/engine.py does."""
    from slimmeregio.scenarios.model import (
        AddHousing,
        AddLink,
        AddMobipunt,
        RemoveLink,
        Scenario,
        UpgradeLink,
    )

    ids = np.unique(net.link_id)
    who = {"author": "benchmark", "reason": "benchmark"}
    x, y = net.node_xy[net.u[len(net.u) // 7]]
    x2, y2 = net.node_xy[net.v[len(net.v) // 3]]
    return Scenario(
        name="benchmark: vijf wijzigingen",
        modifications=(
            AddLink(coords=((x, y), (x + 400.0, y + 300.0)), link_class="bovenlokaal", **who),
            RemoveLink(link_ids=(int(ids[len(ids) // 5]),), **who),
            UpgradeLink(
                link_ids=(int(ids[len(ids) // 2]), int(ids[len(ids) // 2 + 1])),
                link_class="fietssnelweg",
                **who,
            ),
            AddMobipunt(x=float(x2), y=float(y2), name="Benchmark", hoppin_type="buurt", **who),
            AddHousing(x=float(x2) + 100.0, y=float(y2) + 100.0, dwellings=200, **who),
        ),
    )


def _floor(net: Any) -> dict[str, Any]:
    """One scipy Dijkstra over the whole network, and networkx's on the same graph."""
    import networkx as nx
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    from slimmeregio.scenarios.kernel import base_arcs

    tail, head, w, _ = base_arcs(net, "bike")
    n = net.n_nodes
    # Cheapest parallel arc, as both implementations must see one graph.
    order = np.lexsort((w, head, tail))
    tail, head, w = tail[order], head[order], w[order]
    first = np.ones(len(tail), dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    tail, head, w = tail[first], head[first], w[first]
    graph = csr_matrix((w, (tail, head)), shape=(n, n))
    source = int(tail[0])
    times = []
    for _ in range(3):
        t = time.perf_counter()
        dist = dijkstra(graph, directed=True, indices=source)
        times.append(time.perf_counter() - t)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(zip(tail.tolist(), head.tolist(), w.tolist(), strict=True))
    t = time.perf_counter()
    ref = nx.single_source_dijkstra_path_length(g, source, weight="weight")
    nx_s = time.perf_counter() - t
    ref_arr = np.full(n, np.inf)
    ref_arr[list(ref)] = list(ref.values())
    same = bool(
        np.array_equal(np.isfinite(dist), np.isfinite(ref_arr))
        and np.allclose(dist[np.isfinite(dist)], ref_arr[np.isfinite(ref_arr)], rtol=1e-9)
    )
    return {
        "floor_s": statistics.median(times),
        "networkx_s": nx_s,
        "same_costs": same,
        "reached": int(np.isfinite(dist).sum()),
    }


def measure(project_path: Path, *, full: bool | str) -> dict[str, Any]:
    """Open the project and (``full``) run the planner's loop on it, or
    (``full="floor"``) measure the floor (in a process of its own, so the
    networkx reference graph does not count in the loop's peak memory), or
    (``full="app_base"``) evaluate the base as the app does."""
    from slimmeregio.layers.allocator import tune_allocators
    from slimmeregio.layers.project_file import load_project
    from slimmeregio.scenarios.engine import (
        compare,
        complete,
        evaluate,
        first_pass,
        prepare_base,
        suggest_sites,
    )

    # As the application and the command line start. The runs follow each
    # other as a planner's do while editing: the desktop returns freed
    # memory only after a minute idle (desktop.worker), not between them.
    tune_allocators()
    out: dict[str, Any] = {}
    cpu: dict[str, float] = {}
    out["cpu"] = cpu
    t, c = time.perf_counter(), time.process_time()
    project = load_project(project_path)
    out["load_s"] = time.perf_counter() - t
    cpu["load_s"] = time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    base = prepare_base(project)
    out["prepare_s"] = time.perf_counter() - t
    cpu["prepare_s"] = time.process_time() - c
    out["open_s"] = out["load_s"] + out["prepare_s"]
    cpu["open_s"] = cpu["load_s"] + cpu["prepare_s"]
    net = base.network
    out["nodes"], out["edges"] = int(net.n_nodes), int(net.n_edges)
    if full in ("app_base", True):
        # As the desktop does once the project is open (desktop.app.start_warm_up:
        # a background thread while the planner looks at the map, not waited for).
        from slimmeregio.scenarios.warm_up import warm_up

        out["ready_s"] = warm_up()
    out["housing_points"] = len(base.housing_att.xy)
    if full == "floor":
        out.update(_floor(net))
    elif full == "app_base":
        # The app's way (scenarios.runs): the base's first pass shown at open,
        # then completed (in a process of its own: a second base would add
        # to the loop's peak memory).
        t, c = time.perf_counter(), time.process_time()
        evaluate(base, families=False)
        out["base_first_s"] = time.perf_counter() - t
        cpu["base_first_s"] = time.process_time() - c
        base_ev = evaluate(base)
        out["base_app_s"] = time.perf_counter() - t
        cpu["base_app_s"] = time.process_time() - c
        out["base_app_steps"] = {k: round(v, 3) for k, v in base_ev.timings.items()}
    elif full:
        # The peak reached by the end of each step: where the memory target is missed.
        steps_mb: dict[str, float] = {"open": _peak_mb()}
        out["peak_steps_mb"] = steps_mb
        t, c = time.perf_counter(), time.process_time()
        base_ev = evaluate(base)
        out["base_eval_s"] = time.perf_counter() - t
        cpu["base_eval_s"] = time.process_time() - c
        out["base_eval_steps"] = {k: round(v, 3) for k, v in base_ev.timings.items()}
        steps_mb["base evaluation"] = _peak_mb()
        scenario = _five_modifications(net)
        times, cpus = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            result = compare(base_ev, evaluate(base, scenario))
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        out["scenario_s"] = statistics.median(times)
        cpu["scenario_s"] = statistics.median(cpus)
        steps_mb["scenarios"] = _peak_mb()
        out["scenario_steps"] = {k: round(v, 3) for k, v in result.scenario.timings.items()}
        # What the desktop shows first (scenarios.runs: on_partial): everything
        # but opportunities, commuting and public transport, against the base.
        times, cpus = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            compare(evaluate(base, families=False), evaluate(base, scenario, families=False))
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        out["core_pass_s"] = statistics.median(times)
        cpu["core_pass_s"] = statistics.median(cpus)
        steps_mb["first passes"] = _peak_mb()
        # The desktop's whole run: the first pass shown, then completed
        # (engine.complete adds the families instead of evaluating again).
        times, cpus = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            first = first_pass(base, scenario)
            compare(evaluate(base, families=False), first.evaluation)
            compare(base_ev, complete(first))
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        out["app_run_s"] = statistics.median(times)
        cpu["app_run_s"] = statistics.median(cpus)
        steps_mb["app runs"] = _peak_mb()
        t, c = time.perf_counter(), time.process_time()
        sites = suggest_sites(base, None, 5)
        out["siting_s"] = time.perf_counter() - t
        cpu["siting_s"] = time.process_time() - c
        out["siting_candidates"] = sites.candidates
        steps_mb["siting"] = _peak_mb()
    out["peak_mb"] = _peak_mb()
    return out


def _peak_mb() -> float:
    """This process's peak resident size so far (MB, ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the parent: small, so children's peaks are their own --------------------------


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed_cli(*args: str) -> float:
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "slimmeregio", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"slimmeregio {args[0]} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - t


def _verdict(value: float, target: float | None, goal: float | None) -> str:
    if target is None:
        return ""
    if goal is not None and value <= goal:
        return "goal met"
    return "target met" if value <= target else "**not met**"


def _section(
    made: dict[str, Any],
    cold: dict[str, Any],
    first: dict[str, Any],
    seconds: list[dict[str, Any]],
    import_s: float,
) -> str:
    floor = float(first["floor_s"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cold = dict(cold)
    cold["first_load_s"], cold["first_prepare_s"], cold["first_open_s"] = (
        cold["load_s"],
        cold["prepare_s"],
        cold["open_s"],
    )
    cold["cpu"] = {"first_" + k: v for k, v in cold["cpu"].items()}
    rows = []
    # Open again: the median of three fresh processes (the open the full run
    # itself starts with varied by a second between runs on this machine).
    again = sorted(seconds, key=lambda r: float(r["open_s"]))[len(seconds) // 2]
    again = {f"again_{k}": v for k, v in again.items() if k.endswith("_s")} | {
        "cpu": {f"again_{k}": v for k, v in again["cpu"].items()}
    }
    for label, key, target, goal in TARGETS:
        src = cold if key.startswith("first_") else again if key.startswith("again_") else first
        value = float(src[key])
        cpu = src["cpu"].get(key)
        aim = "" if target is None else f"≤ {target:g} s (goal ≤ {goal:g} s)"
        rows.append(
            f"| {label} | {value:.2f} | {'' if cpu is None else f'{cpu:.2f}'} | {value / floor:,.0f}× "
            f"| {aim} | {_verdict(value, target, goal)} |"
        )
    peak = max(float(first["peak_mb"]), float(cold["peak_mb"]), float(first["app_base_peak_mb"]))
    rows.append(
        f"| peak memory (MB, ru_maxrss) | {peak:,.0f} | | | ≤ 1,536 | "
        f"{'target met' if peak <= 1536 else '**not met**'} |"
    )
    return "\n".join(
        [
            "## Real-scale network (benchmarks/scale.py)",
            "",
            f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared), Python "
            f"{platform.python_version()}; load average at the end {load:.1f}.",
            "",
            f"Synthetic extract of {made['ways']:,} highway ways imported with `slimmeregio "
            f"import-osm --clip-to resources/region.gpkg`"
            + (f" in {import_s:.1f} s" if import_s == import_s else "")
            + ": "
            f"{made['links']:,} links; network {first['nodes']:,} nodes, {first['edges']:,} edges. "
            f"Housing: {first['housing_points']:,} address points (one dwelling each) drawn "
            f"from the embedded population grid. Embedded municipalities, stations and "
            f"mobipunten. Each column from a fresh process.",
            "",
            f"Floor (in a process of its own, after the loop): one scipy Dijkstra from one node over the whole bike network, "
            f"{floor * 1000:.1f} ms (median of 3; it reaches {first['reached']:,} nodes); "
            f"networkx's Dijkstra on the same graph {first['networkx_s']:.2f} s, same costs: "
            f"{'yes' if first['same_costs'] else 'NO'}.",
            "",
            "Seconds are wall-clock; CPU seconds (this process) beside them show how much of a "
            "step was waiting for a core on the shared machine, or, above the wall-clock, that "
            "it used both cores (siting). The first open finds the cache "
            "folder empty: it nodes the network and attaches every point, and writes both to the "
            "cache (scenarios/prepared_cache.py); every later open of the unchanged project reads "
            "them, which is how a planner opens a project.",
            "",
            "| step | seconds | CPU s | × floor | target | |",
            "|---|---:|---:|---:|---|---|",
            *rows,
            "",
            "Opens again (fresh processes, load + network and attachments): "
            + ", ".join(f"{r['load_s']:.2f} + {r['prepare_s']:.2f} s" for r in seconds)
            + f"; the full run's own open: {first['load_s']:.2f} + {first['prepare_s']:.2f} s.",
            "",
            "Before the loop and the app's base, each process makes the engine ready for its "
            "first run as the desktop does in the background once a project is open "
            "(scenarios/warm_up.py: numba's compiler and the lazily imported libraries; "
            f"{first['ready_s']:.2f} s in the loop's process, {first['app_ready_s']:.2f} s in the "
            "app base's, counted in no step).",
            "",
            f"Base evaluation steps (s): {first['base_eval_steps']}",
            "",
            f"Base evaluation as the app runs it, steps (s; the families overlap): "
            f"{first['base_app_steps']}",
            "",
            f"Scenario evaluation steps (s): {first['scenario_steps']}",
            "",
            f"Siting: {first['siting_candidates']:,} candidates.",
            "",
            "Peak memory of the loop by the end of each step (MB; the previous scenario's "
            "result is held while the next is computed, as the app shows it meanwhile): "
            + ", ".join(f"{k} {v:,.0f}" for k, v in first.get("peak_steps_mb", {}).items())
            + f"; the app's base (first pass, then completed, a process of its own) "
            f"{float(first['app_base_peak_mb']):,.0f}.",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ways", type=int, default=300_000)
    parser.add_argument("--addresses", type=int, default=300_000)
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep (and reuse) generated data here"
    )
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        what, *rest = args.step
        if what == "addresses":
            print(json.dumps(make_addresses(Path(rest[0]), int(rest[1]))))
        elif what == "project":
            print(json.dumps(make_project(Path(rest[0]), Path(rest[1]), Path(rest[2]))))
        elif what in ("open", "full", "floor", "app_base"):
            full: bool | str = what if what in ("floor", "app_base") else what == "full"
            print(json.dumps(measure(Path(rest[0]), full=full)))
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="scale-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{args.ways}w-{args.addresses}a"
    extract = folder / f"synthetic-{args.ways}.osm.pbf"
    network = folder / f"network-{args.ways}.gpkg"
    addresses = folder / f"addresses-{args.addresses}.gpkg"
    project = folder / f"scale-{tag}.srp"
    facts = folder / f"facts-{tag}.json"  # what making the data measured, for a rerun on kept data
    made: dict[str, Any] = (
        json.loads(facts.read_text()) if facts.exists() and project.exists() else {}
    )
    made["ways"] = args.ways
    ensure_extract(extract, args.ways)
    if not network.exists():
        made["import_s"] = _timed_cli(
            "import-osm", str(extract), "--out", str(network), "--clip-to", str(REGION)
        )
        print(f"import-osm: {made['import_s']:.1f} s", flush=True)
    if not addresses.exists():
        print(
            json.dumps(_child("--step", "addresses", str(addresses), str(args.addresses))),
            flush=True,
        )
    if not project.exists() or "links" not in made:
        made.update(_child("--step", "project", str(network), str(addresses), str(project)))
    facts.write_text(json.dumps(made))
    print(json.dumps(made), flush=True)
    # A cache folder of the benchmark's own, emptied first: the first open is cold.
    cache = folder / "cache"
    if cache.exists():
        for path in cache.iterdir():
            path.unlink()
    os.environ["SLIMMEREGIO_CACHE_DIR"] = str(cache)
    cold = _child("--step", "open", str(project))
    print(json.dumps(cold), flush=True)
    # The cold open wrote the cache files: let the system write them out now,
    # not while the next process times its reading.
    if hasattr(os, "sync"):
        os.sync()
    first = _child("--step", "full", str(project))
    first.update(
        {k: v for k, v in _child("--step", "floor", str(project)).items() if k not in first}
    )
    app_base = _child("--step", "app_base", str(project))
    first["cpu"].update({k: v for k, v in app_base["cpu"].items() if k.startswith("base_")})
    first.update({k: v for k, v in app_base.items() if k.startswith("base_")})
    first["app_base_peak_mb"] = app_base["peak_mb"]
    first["app_ready_s"] = app_base["ready_s"]
    print(json.dumps(first), flush=True)
    seconds = [_child("--step", "open", str(project)) for _ in range(3)]
    print(json.dumps(seconds), flush=True)
    section = _section(made, cold, first, seconds, float(made.get("import_s", float("nan"))))
    print(section)
    if not args.no_results:
        write_section("scale", section)
    if args.keep is None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
