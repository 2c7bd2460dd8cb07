"""Two independent parts of an evaluation on two cores.

An evaluation has parts that share only read-only inputs: the walking and
the cycling searches of the first pass, a base's service areas beside its
statistics, opportunity access and commuting, and public transport beside
both. Most of their time is spent in compiled
loops (numba, numpy) that release the interpreter lock, so a thread of the
standard library's pool runs one beside the other (measured on the
300,000-address project: the base's whole evaluation 11.1 -> 9.4 s). Each
part runs the same operations in the same order as alone, so the results do
not depend on it (``tests/scenarios/test_side_by_side.py``).

The cost is memory: the two parts' working arrays exist at the same time
(about +0.6 GB at the peak on that project). ``SLIMMEREGIO_THREADS=1`` runs
them one after the other, as does a machine (or a process affinity) with one
core.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["alongside", "side_by_side", "started", "threads_allowed"]

A = TypeVar("A")
B = TypeVar("B")


def threads_allowed() -> bool:
    """Whether parts run side by side: more than one core is available and
    ``SLIMMEREGIO_THREADS`` (a count) does not say 1."""
    setting = os.environ.get("SLIMMEREGIO_THREADS", "").strip()
    if setting:
        try:
            return int(setting) > 1
        except ValueError:
            pass  # not a count: decide by the cores
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1


def side_by_side(here: Callable[[], A], beside: Callable[[], B], name: str) -> tuple[A, B]:
    """``(here(), beside())``, ``beside`` on a thread (named ``name``) while
    ``here`` runs on this one; one after the other when
    :func:`threads_allowed` says no.

    An exception of either is raised here. When ``here`` raises (a cancel,
    say), this returns at once: ``beside`` stops at its own next check, or
    runs to its end with nobody waiting for it.
    """
    if not threads_allowed():
        return here(), beside()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        future = pool.submit(beside)
        first = here()
        return first, future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def alongside(here: Callable[[], A], beside: Callable[[], object] | None, name: str) -> A:
    """``here()``, with ``beside()`` (when given) run beside it as :func:`side_by_side` does."""
    return here() if beside is None else side_by_side(here, beside, name)[0]


def started(work: Callable[[], A], name: str) -> Callable[[], A]:
    """``work`` begun on a thread (named ``name``) while the caller goes on;
    returns the function that waits for its result (and raises its
    exception). When :func:`threads_allowed` says no, ``work`` runs when its
    result is asked for, as if called there. Nobody asking (the caller
    raised first): ``work`` runs to its end or its own next check.
    """
    if not threads_allowed():
        return work
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    future = pool.submit(work)
    pool.shutdown(wait=False)
    return future.result
