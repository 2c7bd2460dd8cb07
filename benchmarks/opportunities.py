"""Benchmark of opportunity access and bike commuting in base and scenario evaluations.

Run: ``python benchmarks/opportunities.py`` (from the repository root).
Prints the numbers and writes the section between ``<!-- opportunities -->``
and ``<!-- /opportunities -->`` of benchmarks/RESULTS.md.

On the embedded region: CPU seconds (``time.process_time``) of the opportunity part of an evaluation
split into its steps (access searches, route trees, OD distances, gravity
model, uptake, assignment, tables), and per kind of scenario the whole
evaluation and its opportunity part computed from scratch (what every
evaluation cost before the base's searches were reused) and reusing the
base's searches and route trees (:mod:`scenarios.opportunity_reuse`),
checked equal.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from typing import Any

import numpy as np
from _results import write_section  # benchmarks/_results.py


def _cpu(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t)
    return best, out


def _scenarios(base: Any) -> dict[str, Any]:
    from slimmeregio.scenarios.model import (
        AddHousing,
        AddLink,
        AddMobipunt,
        MoveMobipunt,
        RemoveLink,
        Scenario,
        UpgradeLink,
    )

    net = base.inputs.network
    ids = np.unique(net.link_id)
    who = {"author": "benchmark", "reason": "benchmark"}
    x, y = (float(c) for c in net.node_xy[net.u[100]])
    x2, y2 = (float(c) for c in net.node_xy[net.v[5000]])
    mobi = base.inputs.mobipunten
    m_id, m_pt = str(mobi["mobipunt_id"].iloc[3]), mobi.geometry.iloc[3]
    mods = {
        "add a link": (
            AddLink(coords=((x, y), (x + 400.0, y + 300.0)), link_class="bovenlokaal", **who),
        ),
        "close a link": (RemoveLink(link_ids=(int(ids[10]),), **who),),
        "slow a link": (UpgradeLink(link_ids=(int(ids[20]),), speed_kmh=8.0, **who),),
        "move a mobipunt": (
            MoveMobipunt(mobipunt_id=m_id, x=m_pt.x + 300.0, y=m_pt.y + 200.0, **who),
        ),
        "add housing (200 dwellings)": (
            AddHousing(x=x2 + 100.0, y=y2 + 100.0, dwellings=200, **who),
        ),
        "five modifications (engine benchmark)": (
            AddLink(coords=((x, y), (x + 400.0, y + 300.0)), link_class="bovenlokaal", **who),
            RemoveLink(link_ids=(int(ids[10]),), **who),
            UpgradeLink(link_ids=(int(ids[20]), int(ids[21])), link_class="fietssnelweg", **who),
            AddMobipunt(x=x2, y=y2, name="Benchmark", hoppin_type="buurt", **who),
            AddHousing(x=x2 + 100.0, y=y2 + 100.0, dwellings=200, **who),
        ),
    }
    return {name: Scenario(name=name, modifications=m) for name, m in mods.items()}


def _steps(sit: Any, dw: Any) -> dict[str, float]:
    """CPU seconds of each step of the opportunity part, from scratch."""
    from slimmeregio.scenarios import commute_eval as ce
    from slimmeregio.scenarios import opportunity_access as oa
    from slimmeregio.scenarios import opportunity_eval as oe
    from slimmeregio.scenarios.commute_origins import commute_origins
    from slimmeregio.scenarios.commuting import RouteTrees, all_presets

    inputs = sit.opportunities
    out: dict[str, float] = {}
    out["access searches (jobs, schools; bike, walk)"], _ = _cpu(
        lambda: oa.access_columns(sit, inputs.sets)
    )
    jobs = inputs.get("jobs")
    out["route trees (one per workplace)"], trees = _cpu(
        lambda: RouteTrees(sit.network, sit.housing_att, jobs.att)
    )
    out["OD distances from the trees"], km = _cpu(lambda: trees.distances_m() / 1000.0)
    # The embedded region is under the pooling limit: every housing point an origin.
    origins = commute_origins("points", sit.housing_att.xy, dw, sit.housing_att.reachable)
    out["gravity model"], made = _cpu(
        lambda: ce._trip_matrix(origins, jobs, inputs.od, km, sit.parameters)
    )
    trips = np.where(np.isfinite(km), made[0], 0.0)
    out["uptake (4 presets)"], per = _cpu(lambda: all_presets(trips, km))
    head = per[oe.HEADLINE_PRESET]
    out["assignment to links"], _ = _cpu(
        lambda: [trees.assign([(j, head[:, j])]) for j in range(len(jobs.frame))]
    )
    return out


def _trees(work: dict[str, int]) -> int:
    """Route trees in all: reused, repaired and searched again."""
    return sum(work.get(k, 0) for k in ("trees_reused", "trees_repaired", "trees_searched"))


def main() -> int:
    from slimmeregio.layers.region import load_region
    from slimmeregio.scenarios.engine import evaluate, prepare_base, situation
    from slimmeregio.scenarios.opportunity_eval import evaluate_opportunities

    project = load_region()
    base = prepare_base(project)
    base_cpu, base_eval = _cpu(lambda: evaluate(base))
    sit0 = situation(base, None)
    steps = _steps(sit0, base_eval.dwellings)
    opp_base_cpu, _ = _cpu(
        lambda: evaluate_opportunities(sit0, base_eval.dwellings, sit0.opportunities)
    )
    rows = []
    for name, scenario in _scenarios(base).items():
        evaluate(base, scenario)  # warm the network's caches for this scenario's shape
        total, ev = _cpu(lambda s=scenario: evaluate(base, s), repeat=2)
        sit = situation(base, scenario)
        scratch_cpu, scratch = _cpu(
            lambda s=sit, e=ev: evaluate_opportunities(s, e.dwellings, s.opportunities)
        )
        reuse_cpu, reused = _cpu(
            lambda s=sit, e=ev: evaluate_opportunities(
                s, e.dwellings, s.opportunities, previous=base_eval.opportunities
            )
        )
        same = np.array_equal(scratch.link_flow, reused.link_flow) and all(
            np.array_equal(v, reused.dwelling_columns[k], equal_nan=True)
            for k, v in scratch.dwelling_columns.items()
        )
        if not same:
            print(f"{name}: reuse differs from recomputation", file=sys.stderr)
            return 1
        work = reused.work
        what = (
            "whole outcome"
            if work.get("unchanged")
            else f"{work.get('access_reused', 0)}/{work.get('access_reused', 0) + work.get('access_searched', 0)} "
            f"searches, {work.get('trees_reused', 0)}/{_trees(work)} trees"
            f" ({work.get('trees_repaired', 0)} repaired)"
        )
        rows.append((name, total, scratch_cpu, reuse_cpu, what))
    net = base.inputs.network
    lines = [
        "## Opportunity access and bike commuting (issues 15, 16)",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}. CPU seconds "
        "(`time.process_time`); the machine is shared (load average at the end "
        f"{os.getloadavg()[0]:.1f}), which still inflates CPU times through cache contention.",
        "",
        f"Embedded region: {net.n_nodes:,} nodes, {len(base.inputs.housing):,} housing points, "
        + ", ".join(f"{len(s.frame)} {s.kind}" for s in base.opportunities.sets)
        + ".",
        "",
        f"Base evaluation: {base_cpu:.2f} s, of which the opportunity part {opp_base_cpu:.2f} s:",
        "",
        "| step (from scratch) | CPU s |",
        "|---|---:|",
        *[f"| {k} | {v:.3f} |" for k, v in steps.items()],
        "",
        "Scenarios: the whole evaluation (reusing the base's searches), and its opportunity part from scratch "
        "(every evaluation's cost before) and reusing the base's bounded searches and route trees that the "
        "edits cannot reach (equal results, checked):",
        "",
        "| scenario | evaluation CPU s | opportunities from scratch | with reuse | reused |",
        "|---|---:|---:|---:|---|",
        *[f"| {n} | {t:.2f} | {a:.2f} | {b:.2f} | {w} |" for n, t, a, b, w in rows],
        "",
        "The gravity model is doubly constrained, so any change of costs or dwellings moves every trip: it "
        "and the assignment are always recomputed; the uptake share is taken over for every pair whose route "
        "distance is unchanged (scenarios/uptake_memo.py); route trees are bounded at 30 km, which covers "
        "most of the region, so a network edit re-runs most of them. Access searches are re-run only where an "
        "edit can change a cost they computed (scenarios/opportunity_reuse.py, ChangedArcs).",
    ]
    section = "\n".join(lines)
    print(section)
    write_section("opportunities", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
