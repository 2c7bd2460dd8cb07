"""Running a sweep: every variant evaluated against the base, serially or on Dask distributed.

>>> plan = plan_sweep(sweep, base_scenario, base_key(None))      # doctest: +SKIP
>>> outcome = run_sweep(plan, project, "uit", workers=2)          # doctest: +SKIP

Each variant is evaluated exactly as ``slimmeregio run`` evaluates a
scenario (:func:`evaluate_variant`): the base prepared with the variant's
parameters, the base evaluation, the scenario's evaluation, and
:func:`~slimmeregio.scenarios.engine.compare` of the two. The base prepared
with the base scenario's parameters is sent to every worker once
(``client.scatter(..., broadcast=True)``); a variant with other parameters
(a speed range, say) prepares its own base on the worker once and keeps it
in a small per-process cache. Tasks return compact rows (region indicators
and deltas, no layers) that the client writes to the results table
(:mod:`slimmeregio.scenarios.sweep_store`) as they finish, and appends
them to its Parquet copy (:mod:`slimmeregio.scenarios.sweep_parquet`) every
few seconds and at the end. Variants already
in the table are skipped, so a rerun after a crash continues where it
stopped; a task whose worker dies is retried by Dask (:data:`RETRIES`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import socket
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from slimmeregio import __version__
from slimmeregio.layers.errors import OperationCancelled, SlimmeRegioError
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback
from slimmeregio.scenarios.engine import Base, compare, evaluate, prepare_base
from slimmeregio.scenarios.reference import reference_evaluation
from slimmeregio.scenarios.sweep_parquet import ParquetMirror
from slimmeregio.scenarios.sweep_plan import SweepPlan, Variant
from slimmeregio.scenarios.sweep_store import SweepRow, SweepStore

__all__ = [
    "RETRIES",
    "SweepClusterError",
    "SweepOutcome",
    "base_key",
    "check_workers",
    "evaluate_variant",
    "run_sweep",
    "worker_version",
]

#: How often Dask retries a variant whose worker died.
RETRIES = 3
#: Seconds between looks for finished variants (and for a cancel) on a cluster.
POLL_S = 0.1
#: Seconds a client or local cluster gets to close; a close that takes longer
#: is given up (the worker processes belong to the cluster's nannies and end
#: with this process), so a Ctrl+C always ends the sweep.
CLOSE_TIMEOUT_S = 20


class SweepClusterError(SlimmeRegioError):
    """The Dask cluster cannot run the sweep (unreachable, no workers, other version)."""

    messages = {
        "nl": "De sweep kan niet op de cluster draaien: {reason}",
        "en": "The sweep cannot run on the cluster: {reason}",
    }


def base_key(project_path: str | Path | None) -> str:
    """Identity of a base: this version plus a hash of the project's (or region's) files."""
    if project_path is None:
        from slimmeregio.resources import POPULATION_TIF, REGION_GPKG

        paths = [Path(REGION_GPKG), Path(POPULATION_TIF)]
    else:
        paths = [Path(project_path)]
    digest = hashlib.sha256(__version__.encode())
    for path in paths:
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:20]


# ---------------------------------------------------------------------------
# One variant (runs on a worker, or in this process)
# ---------------------------------------------------------------------------


def evaluate_variant(base: Base, variant: Variant) -> SweepRow:
    """The variant compared with the base, as ``slimmeregio run`` does it.

    A variant the engine refuses (a link id that does not exist ...) gives a
    row with status ``error`` and the message, not an exception.
    """
    t0 = time.perf_counter()
    row = SweepRow(
        variant_id=variant.variant_id,
        index=variant.index,
        label=variant.label,
        candidates=variant.candidates,
        changes=variant.changes,
        cost_eur=variant.cost_eur,
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )
    try:
        # As `slimmeregio run`: the one base (the project's base parameters);
        # the variant's own parameters apply to its evaluation.
        comparison = compare(
            reference_evaluation(base, variant.scenario), evaluate(base, variant.scenario)
        )
    except SlimmeRegioError as error:
        row.status = "error"
        row.message_nl = error.full_message("nl")
        row.message_en = error.full_message("en")
    else:
        region = comparison.region
        row.indicators = [
            (str(k), float(b), float(s), float(d))
            for k, b, s, d in zip(
                region["indicator"],
                region["base"],
                region["scenario"],
                region["delta"],
                strict=True,
            )
        ]
    row.seconds = time.perf_counter() - t0
    return row


def worker_version() -> str:
    """This package's version (run on each worker to check the cluster)."""
    return __version__


# ---------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------


@dataclass
class SweepOutcome:
    """What a sweep did: variants planned, already done, evaluated now, failed."""

    planned: int
    skipped: int
    evaluated: int
    errors: int
    seconds: float
    store: Path


def check_workers(client: Any, *, timeout_s: float = 30.0) -> None:
    """Raise :class:`SweepClusterError` unless the cluster has workers of this version."""
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except Exception as exc:  # distributed raises TimeoutError (several kinds)
        raise SweepClusterError(
            reason={
                "nl": "geen workers verbonden met de scheduler",
                "en": "no workers connected to the scheduler",
            },
            detail=str(exc),
        ) from None
    found = client.run(worker_version, on_error="return")
    for addr, got in found.items():
        if isinstance(got, str) and got == __version__:
            continue
        if isinstance(got, str):
            reason = {
                "nl": f"worker {addr} heeft slimmeregio {got}, hier is het {__version__}; "
                "installeer dezelfde versie op elke worker",
                "en": f"worker {addr} has slimmeregio {got}, here it is {__version__}; "
                "install the same version on every worker",
            }
        else:
            problem = f"{type(got).__name__}: {got}"
            reason = {
                "nl": f"worker {addr} kan slimmeregio {__version__} niet laden ({problem}); "
                "installeer dezelfde versie op elke worker",
                "en": f"worker {addr} cannot load slimmeregio {__version__} ({problem}); "
                "install the same version on every worker",
            }
        raise SweepClusterError(reason=reason, detail=repr(found))


class IgnoreInterrupt(WorkerPlugin):
    """Worker plugin: a local worker ignores Ctrl+C; the client shuts it down instead.

    Ctrl+C in a terminal reaches every process of the foreground group, so
    without this each local worker would print its own KeyboardInterrupt.
    """

    name = "slimmeregio-ignore-interrupt"

    def setup(self, worker: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _local_cluster(workers: int) -> Any:
    """``workers`` single-threaded worker processes, on loopback only, no dashboard."""
    from distributed import LocalCluster

    with warnings.catch_warnings():
        # without a dashboard the scheduler still serves /health on loopback;
        # when port 8787 is taken it picks another and warns about it
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        # A worker per core: an evaluation's parts run one after the other
        # in each (side_by_side), not on threads competing for the cores.
        cores = os.cpu_count() or 1
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
            env={"SLIMMEREGIO_THREADS": "1"} if workers >= cores else {},
        )


def _connect(scheduler: str) -> Any:
    from distributed import Client

    try:
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise SweepClusterError(
            reason={
                "nl": f"de scheduler {scheduler} is niet bereikbaar",
                "en": f"the scheduler {scheduler} cannot be reached",
            },
            detail=str(exc),
        ) from None


def run_sweep(
    plan: SweepPlan,
    project: Project,
    out_dir: str | Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    client: Any | None = None,
    progress: ProgressCallback | None = None,
    on_row: Callable[[SweepRow], None] | None = None,
    cancel: CancelCheck | None = None,
) -> SweepOutcome:
    """Evaluate the plan's variants not yet in ``out_dir``'s table and write their rows.

    ``workers=0`` evaluates in this process (no Dask); otherwise the tasks go
    to ``client`` when given, to the cluster at ``scheduler`` (checked with
    :func:`check_workers`), or to a new ``LocalCluster`` of ``workers``
    processes on 127.0.0.1 that is shut down afterwards (also on Ctrl+C).
    ``progress(fraction, message)`` follows the finished variants;
    ``on_row`` sees every row once it is written.
    """
    t0 = time.perf_counter()
    with SweepStore(out_dir) as store:
        done = store.finished()
        todo = [v for v in plan.variants if v.variant_id not in done]
        skipped = len(plan.variants) - len(todo)
        total = len(plan.variants)
        count = {"evaluated": 0, "errors": 0}
        mirror = ParquetMirror(store)
        mirror.sync()  # rows a crash kept from the Parquet copy

        def record(row: SweepRow) -> None:
            if store.add(row):
                count["evaluated"] += 1
                count["errors"] += row.status != "ok"
                if on_row is not None:
                    on_row(row)
                mirror.maybe_sync()
            finished = skipped + count["evaluated"]
            if progress is not None:
                progress(finished / max(total, 1), f"{finished}/{total}")
            if cancel is not None and cancel():
                raise OperationCancelled()

        if progress is not None:
            progress(skipped / max(total, 1), f"{skipped}/{total}")
        completed = False
        try:
            if todo:
                # grouped by parameters: the engine reuses speeds and weights between neighbours
                todo.sort(key=lambda v: (v.parameters_key, v.index))
                base = prepare_base(project, cancel=cancel)
                if workers == 0 and client is None and scheduler is None:
                    for variant in todo:
                        record(evaluate_variant(base, variant))
                else:
                    _run_distributed(
                        base,
                        todo,
                        record,
                        workers=workers,
                        scheduler=scheduler,
                        client=client,
                        cancel=cancel,
                    )
            completed = True
        finally:
            if completed:
                mirror.sync()
            else:  # interrupted: bring the copy level, but let the interruption through
                with contextlib.suppress(Exception):
                    mirror.sync()
        return SweepOutcome(
            planned=total,
            skipped=skipped,
            evaluated=count["evaluated"],
            errors=count["errors"],
            seconds=time.perf_counter() - t0,
            store=store.path,
        )


def _result(future: Any, killed: type[BaseException]) -> SweepRow:
    """The future's row; a variant that killed its workers :data:`RETRIES` times is an error."""
    try:
        row: SweepRow = future.result()
    except killed as exc:
        raise SweepClusterError(
            reason={
                "nl": "een variant deed telkens opnieuw een worker stoppen "
                "(te weinig geheugen?); de afgewerkte varianten zijn bewaard",
                "en": "a variant made workers die again and again "
                "(out of memory?); the finished variants are kept",
            },
            detail=str(exc),
        ) from None
    return row


def _run_distributed(
    base: Base,
    todo: list[Variant],
    record: Callable[[SweepRow], None],
    *,
    workers: int,
    scheduler: str | None,
    client: Any | None,
    cancel: CancelCheck | None = None,
) -> None:
    from distributed import Client, KilledWorker, as_completed

    def check_cancel() -> None:
        if cancel is not None and cancel():
            raise OperationCancelled()

    cluster = None
    own_client = client is None
    futures: list[Any] = []
    try:
        if client is None:
            if scheduler is not None:
                client = _connect(scheduler)
            else:
                cluster = _local_cluster(max(workers, 1))
                client = Client(cluster)
                client.register_plugin(IgnoreInterrupt())
            check_cancel()
            check_workers(client)
        check_cancel()
        base_future = client.scatter(base, broadcast=True, hash=False)
        futures = [
            client.submit(
                evaluate_variant,
                base_future,
                variant,
                key=f"sweep-variant-{variant.variant_id}",
                retries=RETRIES,
                pure=False,
            )
            for variant in todo
        ]
        # polled, not blocking: a cancel is seen within POLL_S even while no variant finishes
        pending = as_completed(futures)
        while not pending.is_empty():
            batch = pending.next_batch(block=False)
            if not batch:
                check_cancel()
                time.sleep(POLL_S)
            for future in batch:
                record(_result(future, KilledWorker))
    finally:
        # bounded: after a Ctrl+C the process must end even if a worker hangs
        if client is not None:
            if futures:
                with contextlib.suppress(Exception):
                    client.cancel(futures, force=True)
            if own_client:
                with contextlib.suppress(Exception):
                    client.close(timeout=CLOSE_TIMEOUT_S)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=CLOSE_TIMEOUT_S)
