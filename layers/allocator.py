"""The process's memory allocators: freed memory goes back to the system.

An evaluation on a real-scale project (300,000 addresses) allocates and
frees a few gigabytes of short-lived arrays. Two allocators keep freed
memory for later use instead of returning it, so the process grows far
beyond what it holds:

- **glibc's malloc** (Linux) gives each thread that allocates an arena of
  its own, up to eight per core. Memory freed in the middle of an arena stays
  with the process until ``malloc_trim`` is called. Measured on that project
  (``benchmarks/scale.py``): 2,160 MB resident after the base's evaluation,
  of which 480 MB was free; after a scenario, 3,050 MB with 1,000 MB free.
- **Arrow's default pool** (mimalloc), which reads every layer (pyogrio),
  kept about 100 MB after a project was opened.

:func:`tune_allocators` (called once by the desktop application and the
command line, before any work) limits glibc to one arena and reads layers
through Arrow's system pool, so that every freed byte sits in one place;
:func:`release_free_memory` returns it; the desktop calls it once its
jobs have been idle for a minute (``desktop.worker``). Not after every run:
the run after a release takes fresh pages from the kernel, which on that
project cost 0.13 s more for a first pass and 0.6 s more for a whole
scenario (alternating single-threaded runs), and a planner editing a
scenario runs again within the minute.

Measured on that project, one arena is not slower (the compiled loops
hardly allocate) and lowers the peak of ``benchmarks/scale.py`` from
3,280-3,330 MB to 2,820-3,020 MB (three pairs of runs). In the desktop
application, after the base and one scenario: 2,384 MB resident (peak
2,445 MB) against 2,812 MB (peak 2,887 MB) without tuning, and 2,077 MB
once the minute idle has passed; one ``malloc_trim`` takes about 20 ms.

Both functions do nothing where the C library is not glibc (Windows, macOS,
musl): those allocators return large blocks by themselves.

A fixed ``M_MMAP_THRESHOLD`` would return memory at once too, but every
array would then be fresh pages from the kernel: a scenario took 7.4 s
instead of 3.3 s.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from functools import cache

__all__ = ["release_free_memory", "tune_allocators"]

_log = logging.getLogger(__name__)

#: ``mallopt`` parameter for the most arenas (glibc's malloc.h).
M_ARENA_MAX = -8


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    if not hasattr(libc, "malloc_trim") or not hasattr(libc, "mallopt"):
        return None  # musl and others
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    return libc


def tune_allocators() -> None:
    """One glibc arena for every thread, and Arrow's system pool (see the
    module's text). Call it once, early: arenas already made stay."""
    libc = _glibc()
    if libc is not None and libc.mallopt(M_ARENA_MAX, 1) != 1:
        _log.warning("mallopt(M_ARENA_MAX) was refused; memory use may be higher")
    import pyarrow

    if pyarrow.default_memory_pool().backend_name != "system":
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def release_free_memory() -> bool:
    """Return freed memory to the system (glibc's ``malloc_trim``, and
    Arrow's pool); whether glibc gave any back."""
    import pyarrow

    pool = pyarrow.default_memory_pool()
    if pool.backend_name != "system":  # the system pool's release is malloc_trim itself
        pool.release_unused()
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))
