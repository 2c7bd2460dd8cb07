"""Scenario sweeps: the sweep file, variant enumeration, and runs on a real Dask LocalCluster.

The cluster tests use 2 worker processes on 127.0.0.1 and a handful of
variants on the embedded region: the sweep's rows must equal what a serial
``slimmeregio run`` of the same scenario reports, survive a killed worker
and a killed client, and hold every variant exactly once.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from slimmeregio.cli import cli
from slimmeregio.layers.errors import ScenarioError
from slimmeregio.scenarios.model import Scenario
from slimmeregio.scenarios.sweep import (
    SweepClusterError,
    _local_cluster,
    base_key,
    check_workers,
    run_sweep,
)
from slimmeregio.scenarios.sweep_model import (
    Sweep,
    SweepFileError,
    example_sweep_toml,
    load_sweep,
)
from slimmeregio.scenarios.sweep_parquet import read_parquet_results
from slimmeregio.scenarios.sweep_plan import plan_sweep
from slimmeregio.scenarios.sweep_store import STORE_NAME, SweepStore

WHO = 'author = "test"\nreason = "test"\n'

BRIDGE = (
    'candidate = "brug"\ncost_eur = 850000\nkind = "add_link"\n'
    "coords = [[140500.0, 158700.0], [140750.0, 158420.0], [140956.0, 158163.0]]\n"
    'link_class = "bovenlokaal"\n' + WHO
)
UPGRADE = (
    'candidate = "snelweg"\ncost_eur = 400000\nkind = "upgrade_link"\nlink_ids = [1394]\nlink_class = "fietssnelweg"\n'
    + WHO
)
MOBIPUNT = (
    'candidate = "hoppin"\ncost_eur = 120000\nkind = "add_mobipunt"\nx = 141150.0\ny = 158250.0\n'
    'name = "Oost"\nhoppin_type = "buurt"\n' + WHO
)


def sweep_text(
    candidates: list[str], *, set_opts: str = "", ranges: str = "", head: str = ""
) -> str:
    text = 'name = "t"\n' + head
    if candidates:
        text += f'\n[[sets]]\nname = "s"\n{set_opts}\n'
        for c in candidates:
            text += "\n[[sets.candidates]]\n" + c
    return text + "\n" + ranges


def mobipunt(i: int) -> str:
    return (
        f'candidate = "c{i}"\nkind = "add_mobipunt"\nx = {141000.0 + i}\ny = 158000.0\n'
        f'name = "p{i}"\nhoppin_type = "buurt"\n' + WHO
    )


# ---------------------------------------------------------------------------
# (e) enumeration and sampling, counted by hand
# ---------------------------------------------------------------------------


def plan(text: str, scenario: Scenario | None = None, key: str = "k"):
    return plan_sweep(Sweep.from_toml(text), scenario, key)


def test_in_or_out_gives_every_subset() -> None:
    p = plan(sweep_text([mobipunt(i) for i in range(3)]))
    assert p.total == 8 and len(p.variants) == 8 and not p.sampled
    # by hand: sizes ascending, lexicographic within a size
    expected = [
        (),
        ("c0",),
        ("c1",),
        ("c2",),
        ("c0", "c1"),
        ("c0", "c2"),
        ("c1", "c2"),
        ("c0", "c1", "c2"),
    ]
    assert [v.candidates for v in p.variants] == expected
    assert [len(v.scenario.modifications) for v in p.variants] == [0, 1, 1, 1, 2, 2, 2, 3]
    assert len({v.variant_id for v in p.variants}) == 8


def test_choose_k_and_limits_counts() -> None:
    four = [mobipunt(i) for i in range(4)]
    assert plan(sweep_text(four, set_opts="choose = 2")).total == 6  # C(4,2)
    assert plan(sweep_text(four, set_opts="min_in = 1\nmax_in = 2")).total == 4 + 6
    ranges = '[[ranges]]\nparameter = "speeds_kmh.lokaal"\nvalues = [14.0, 16.0, 18.0]\n'
    p = plan(sweep_text(four, set_opts="min_in = 1\nmax_in = 2", ranges=ranges))
    assert p.total == 30
    # the range varies fastest
    assert [v.changes for v in p.variants[:3]] == [
        (("speeds_kmh.lokaal", x),) for x in (14.0, 16.0, 18.0)
    ]
    assert [dict(v.scenario.parameters.speeds_kmh)["lokaal"] for v in p.variants[:3]] == [
        14.0,
        16.0,
        18.0,
    ]
    assert all(dict(v.scenario.parameters.speeds_kmh)["fietssnelweg"] == 25.0 for v in p.variants)


def test_from_to_step_range() -> None:
    ranges = '[[ranges]]\nparameter = "walking_speed_kmh"\nfrom = 4.0\nto = 5.0\nstep = 0.5\n'
    p = plan(sweep_text([], ranges=ranges))
    assert [v.scenario.parameters.walking_speed_kmh for v in p.variants] == [4.0, 4.5, 5.0]
    thresholds = '[[ranges]]\nparameter = "bike_thresholds_min"\nvalues = [[5.0, 10.0], [7.5]]\n'
    p = plan(sweep_text([mobipunt(0)], ranges=thresholds))
    assert p.total == 4
    assert [v.scenario.parameters.bike_thresholds_min for v in p.variants] == [
        (5.0, 10.0),
        (7.5,),
    ] * 2


def test_sampling_is_seeded_and_distinct() -> None:
    five = [mobipunt(i) for i in range(5)]
    ranges = '[[ranges]]\nparameter = "speeds_kmh.lokaal"\nvalues = [14.0, 16.0]\n'
    text = sweep_text(five, ranges=ranges, head="max_variants = 7\nseed = 3\n")
    a, b = plan(text), plan(text)
    assert a.total == 64 and len(a.variants) == 7 and a.sampled
    idx = [v.index for v in a.variants]
    assert idx == sorted(set(idx)) and all(0 <= i < 64 for i in idx)
    assert idx == [v.index for v in b.variants]
    other = plan(text.replace("seed = 3", "seed = 4"))
    assert [v.index for v in other.variants] != idx
    # a sampled variant is the same variant as in the full enumeration
    full = {
        v.index: v.variant_id
        for v in plan(text.replace("max_variants = 7", "max_variants = 100")).variants
    }
    assert all(full[v.index] == v.variant_id for v in a.variants)


def test_variant_ids_follow_definition_and_base() -> None:
    text = sweep_text([mobipunt(0), mobipunt(1)])
    ids = [v.variant_id for v in plan(text).variants]
    assert ids == [v.variant_id for v in plan(text).variants]
    assert set(ids).isdisjoint(v.variant_id for v in plan(text, key="other base").variants)


def test_base_scenario_comes_first() -> None:
    base = Scenario.from_toml(
        'name = "b"\n[parameters]\nhousehold_size = 2.0\n[[modifications]]\nkind = "remove_link"\n'
        "link_ids = [1]\n" + WHO
    )
    p = plan(sweep_text([mobipunt(0)]), base)
    last = p.variants[-1].scenario
    assert [m.kind for m in last.modifications] == ["remove_link", "add_mobipunt"]
    assert last.parameters.household_size == 2.0


def test_example_validates_and_counts() -> None:
    p = plan(example_sweep_toml())
    assert p.total == 2**3 * 2  # three candidates in or out, two speeds
    assert p.candidate_costs == {
        "Fietsbrug Zenne": 850000.0,
        "Fietssnelweg station": 400000.0,
        "Hoppinpunt Oost": 120000.0,
    }


def test_cli_example_prints_the_example() -> None:
    result = CliRunner().invoke(cli, ["sweep", "example"])
    assert result.exit_code == 0
    assert Sweep.from_toml(result.output) == Sweep.from_toml(example_sweep_toml())


# ---------------------------------------------------------------------------
# (d) validation errors, located
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "location"),
    [
        (
            sweep_text([MOBIPUNT, UPGRADE.replace("[1394]", '"x"')]),
            "sets[0].candidates[1].link_ids",
        ),
        (sweep_text([MOBIPUNT.replace("x = 141150.0", "x = -5000.0")]), "sets[0].candidates[0]"),
        (sweep_text([MOBIPUNT], set_opts="choose = 2"), "sets[0]"),
        (sweep_text([MOBIPUNT], set_opts="colour = 2"), "sets[0].colour"),
        (sweep_text([MOBIPUNT, MOBIPUNT]), "sets[0]"),
        (sweep_text([], ranges='[[ranges]]\nparameter = "speed"\nvalues = [1.0]\n'), "ranges[0]"),
        (
            sweep_text(
                [],
                ranges='[[ranges]]\nparameter = "max_snap_m"\nfrom = 1.0\nto = 1000.0\nstep = 1.0\n',
            ),
            "ranges[0]",
        ),
        (
            sweep_text([], ranges='[[ranges]]\nparameter = "max_snap_m"\nfrom = 1.0\nto = 10.0\n'),
            "ranges[0]",
        ),
        ('name = "t"\n', "(top)"),
        (sweep_text([MOBIPUNT], head="max_variants = 0\n"), "max_variants"),
        ('name = "t"\n[[sets]\n', "line 2, column 7"),
    ],
)
def test_sweep_file_errors_are_located(text: str, location: str) -> None:
    with pytest.raises(SweepFileError) as info:
        Sweep.from_toml(text, source="s.toml")
    assert info.value.data["location"] == location
    assert isinstance(info.value, ScenarioError)
    assert "s.toml" in info.value.full_message("nl") and "sweepbestand" in info.value.full_message(
        "nl"
    )
    assert "sweep file" in info.value.full_message("en")


def test_one_error_for_one_mistake() -> None:
    with pytest.raises(SweepFileError) as info:
        Sweep.from_toml(sweep_text([MOBIPUNT.replace("cost_eur = 120000", 'cost_eur = "120000"')]))
    assert info.value.data["location"] == "sets[0].candidates[0].cost_eur"
    assert len(info.value.data["errors"]) == 1  # not also "candidates: too few items"


def test_range_values_checked_against_parameters() -> None:
    ranges = '[[ranges]]\nparameter = "speeds_kmh.lokaal"\nvalues = [14.0, 75.0]\n'
    with pytest.raises(SweepFileError) as info:
        plan_sweep(Sweep.from_toml(sweep_text([], ranges=ranges)), None, "k", source="s.toml")
    assert info.value.data["location"] == "ranges[0].values[1]"
    assert "60" in info.value.full_message("en")


def test_missing_base_scenario_and_project(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(sweep_text([MOBIPUNT], head='base_scenario = "nope.toml"\n'), encoding="utf-8")
    with pytest.raises(SweepFileError) as info:
        load_sweep(path)
    assert info.value.data["location"] == "base_scenario"
    path.write_text(sweep_text([MOBIPUNT], head='project = "nope.srp"\n'), encoding="utf-8")
    with pytest.raises(SweepFileError) as info:
        load_sweep(path)
    assert info.value.data["location"] == "project"


def test_cli_bad_sweep_file_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(sweep_text([UPGRADE.replace("[1394]", '"x"')]), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--lang", "en", "sweep", str(path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "sets[0].candidates[0].link_ids" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_version_check_refuses_other_versions() -> None:
    class FakeClient:
        def wait_for_workers(self, n: int, timeout: float) -> None:
            pass

        def run(self, func, on_error: str):
            return {"tcp://10.0.0.2:4000": "0.0.1", "tcp://10.0.0.3:4000": func()}

    with pytest.raises(SweepClusterError) as info:
        check_workers(FakeClient())
    message = info.value.full_message("en")
    assert "tcp://10.0.0.2:4000" in message and "0.0.1" in message

    class NoPackage(FakeClient):
        def run(self, func, on_error: str):
            assert (
                on_error == "return"
            )  # a worker that cannot unpickle the check reports, not raises
            return {
                "tcp://10.0.0.3:4000": func(),
                "tcp://10.0.0.4:4000": ModuleNotFoundError("slimmeregio"),
            }

    with pytest.raises(SweepClusterError) as info:
        check_workers(NoPackage())
    assert "tcp://10.0.0.4:4000 cannot load slimmeregio" in info.value.full_message("en")
    check_workers(
        type("Same", (FakeClient,), {"run": lambda self, func, on_error: {"w": func()}})()
    )


# ---------------------------------------------------------------------------
# Runs on a real LocalCluster (2 worker processes on loopback)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    from distributed import Client

    cluster = _local_cluster(2)
    client = Client(cluster)
    try:
        client.wait_for_workers(2, timeout=120)
        yield client
    finally:
        client.close()
        cluster.close()


def test_workers_of_a_full_machine_evaluate_on_one_thread_each(dask_client) -> None:
    """With a worker per core, an evaluation's parts run one after the other in
    each worker (side_by_side) instead of competing for the cores."""
    import os

    from slimmeregio.scenarios.side_by_side import threads_allowed

    seen = set(dask_client.run(threads_allowed).values())
    assert seen == ({False} if (os.cpu_count() or 1) <= 2 else {True})


def region_plan(text: str):
    return plan_sweep(Sweep.from_toml(text), None, base_key(None))


def rows(folder: Path) -> dict[str, dict[str, tuple[float, float, float]]]:
    with sqlite3.connect(folder / STORE_NAME) as db:
        ids = [r[0] for r in db.execute("SELECT variant_id FROM variants")]
        out: dict[str, dict[str, tuple[float, float, float]]] = {i: {} for i in ids}
        for vid, key, b, s, d in db.execute("SELECT * FROM indicators"):
            out[vid][key] = (b, s, d)
    assert len(ids) == len(out)  # the primary key: no variant twice
    return out


def same(a: float | None, b: float) -> bool:
    if (
        a is None
    ):  # summary.json writes a non-finite value (no value, or "beyond the search") as null
        return b is None or not math.isfinite(b)
    return a == b


@pytest.mark.slow
def test_variants_equal_serial_run(dask_client, region_project, tmp_path: Path) -> None:
    ranges = '[[ranges]]\nparameter = "speeds_kmh.lokaal"\nvalues = [16.0, 15.0]\n'
    p = region_plan(sweep_text([BRIDGE], ranges=ranges))
    assert len(p.variants) == 4
    outcome = run_sweep(p, region_project, tmp_path / "out", client=dask_client)
    assert (outcome.evaluated, outcome.skipped, outcome.errors) == (4, 0, 0)
    found = rows(tmp_path / "out")
    assert set(found) == {v.variant_id for v in p.variants}
    # a sample: the bridge at another speed for lokaal, through `slimmeregio run` itself
    variant = next(v for v in p.variants if v.candidates == ("brug",) and v.changes[0][1] == 15.0)
    scen = tmp_path / "v.toml"
    variant.scenario.save(scen)
    result = CliRunner().invoke(cli, ["run", str(scen), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    got = found[variant.variant_id]
    assert set(got) == {r["indicator"] for r in summary["region"]}
    for r in summary["region"]:
        b, s, d = got[r["indicator"]]
        assert same(r["base"], b) and same(r["scenario"], s) and same(r["delta"], d), r["indicator"]
    assert got["share_bike_mobipunt_5min"][2] != 0.0  # the bridge changes something
    # another: the bridge at the base speeds, through run's engine call (compare_scenarios)
    from slimmeregio.scenarios.engine import compare_scenarios

    other = next(v for v in p.variants if v.candidates == ("brug",) and v.changes[0][1] == 16.0)
    _, (comparison,) = compare_scenarios(region_project, [other.scenario])
    region = comparison.region
    assert set(found[other.variant_id]) == set(region["indicator"])
    for key, b, s, d in zip(
        region["indicator"], region["base"], region["scenario"], region["delta"], strict=True
    ):
        got_b, got_s, got_d = found[other.variant_id][key]
        assert same(got_b, b) and same(got_s, s) and same(got_d, d), key
    # and the plain variant (no candidate, base speeds): nothing changes
    plain = next(v for v in p.variants if not v.candidates and v.changes[0][1] == 16.0)
    assert all(d == 0.0 for key, (_, _, d) in found[plain.variant_id].items() if d is not None)


@pytest.mark.slow
def test_rerun_skips_finished(dask_client, region_project, tmp_path: Path) -> None:
    p = region_plan(sweep_text([MOBIPUNT, UPGRADE], set_opts="choose = 1"))
    first = run_sweep(p, region_project, tmp_path, workers=0)
    assert (first.evaluated, first.skipped) == (2, 0)
    second = run_sweep(p, region_project, tmp_path, client=dask_client)
    assert (second.evaluated, second.skipped) == (0, 2)
    assert len(rows(tmp_path)) == 2


@pytest.mark.slow
def test_client_killed_then_rerun_completes(dask_client, region_project, tmp_path: Path) -> None:
    text = sweep_text([BRIDGE, UPGRADE, MOBIPUNT])  # 8 variants
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    scheduler = dask_client.scheduler.address
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slimmeregio",
            "sweep",
            str(sweep_file),
            "--out",
            str(out),
            "--scheduler",
            scheduler,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 400
        done = 0
        while done < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if (out / STORE_NAME).exists():
                with SweepStore(out) as store:
                    done = len(store.finished())
        assert done >= 2, "the sweep wrote no rows in time"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    p = region_plan(text)
    with SweepStore(out) as store:
        kept = store.finished()
    assert 2 <= len(kept) <= 8 and kept <= {v.variant_id for v in p.variants}
    outcome = run_sweep(p, region_project, out, client=dask_client)
    assert outcome.skipped == len(kept)
    assert outcome.evaluated == 8 - len(kept)
    assert set(rows(out)) == {v.variant_id for v in p.variants}
    # the Parquet copy, written in parts by the killed client and the rerun, holds each variant once
    variants, indicators = read_parquet_results(out)
    assert sorted(variants["variant_id"]) == sorted(v.variant_id for v in p.variants)
    assert not indicators.duplicated(["variant_id", "indicator"]).any()
    with sqlite3.connect(out / STORE_NAME) as db:
        assert len(indicators) == db.execute("SELECT count(*) FROM indicators").fetchone()[0]


@pytest.mark.slow
def test_worker_killed_mid_sweep(dask_client, region_project, tmp_path: Path) -> None:
    p = region_plan(sweep_text([BRIDGE, UPGRADE, MOBIPUNT]))  # 8 variants
    killed: list[int] = []
    seen: list[str] = []

    def on_row(row) -> None:
        seen.append(row.variant_id)
        if not killed:
            pids = dask_client.run(os.getpid)
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    outcome = run_sweep(p, region_project, tmp_path, client=dask_client, on_row=on_row)
    assert killed and outcome.evaluated == 8 and outcome.errors == 0
    assert sorted(seen) == sorted(v.variant_id for v in p.variants)  # each row once
    assert set(rows(tmp_path)) == set(seen)
    dask_client.wait_for_workers(2, timeout=120)
    assert killed[0] not in dask_client.run(os.getpid).values()


@pytest.mark.slow
def test_ctrl_c_shuts_the_local_cluster_down(tmp_path: Path) -> None:
    sweep_file = tmp_path / "s.toml"
    # 64 variants: far more than run between the first row and the Ctrl+C
    # (with 8 a fast machine could finish them all in that moment).
    candidates = [BRIDGE, UPGRADE, MOBIPUNT, *(mobipunt(i) for i in range(3))]
    sweep_file.write_text(sweep_text(candidates), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slimmeregio",
            "--lang",
            "en",
            "sweep",
            str(sweep_file),
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 400
        done = 0
        while done < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if (out / STORE_NAME).exists():
                with SweepStore(out) as store:
                    done = len(store.finished())
        assert done >= 1, "the sweep wrote no rows in time"
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal does
        try:
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            pytest.fail(f"the sweep did not end within 120 s of Ctrl+C; its stderr:\n{err}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert "Traceback" not in err and "run again to continue" in err
    time.sleep(2)
    left = subprocess.run(
        ["pgrep", "-g", str(proc.pid)], capture_output=True, text=True
    ).stdout.split()
    assert left == []  # the worker processes are gone too


@pytest.mark.slow
def test_cli_serial_sweep_and_rerun(tmp_path: Path) -> None:
    sweep_file = tmp_path / "s.toml"
    sweep_file.write_text(sweep_text([MOBIPUNT, UPGRADE], set_opts="choose = 1"), encoding="utf-8")
    args = [
        "--lang",
        "en",
        "sweep",
        str(sweep_file),
        "--out",
        str(tmp_path / "o"),
        "--workers",
        "0",
    ]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "2 evaluated, 0 already done, 0 with an error" in first.output
    assert "slimmeregio: 50% (1/2)" in first.output and "slimmeregio: 100% (2/2)" in first.output
    assert {p.name for p in (tmp_path / "o").iterdir()} >= {
        "sweep.sqlite",
        "sweep.xlsx",
        "sweep.png",
        "sweep_parquet",
    }
    again = CliRunner().invoke(cli, args)
    assert "0 evaluated, 2 already done" in again.output
    assert "sweep.sqlite, sweep_parquet/, sweep.xlsx, sweep.png" in again.output
    variants, _ = read_parquet_results(tmp_path / "o")
    assert len(variants) == 2 and set(variants["status"]) == {"ok"}
    both = CliRunner().invoke(cli, [*args, "--scheduler", "tcp://127.0.0.1:1"])
    assert both.exit_code == 2 and "exclude each other" in both.output
