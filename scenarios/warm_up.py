"""Making a fresh process ready for its first evaluation, ahead of it.

A process's first evaluation pays, once, for what the engine loads on first
use: numba (its import and the initialisation of its compiler: the typing
and target contexts that every compiled loop, even one read from the disk
cache, needs before its first call) and the libraries the service areas and
searches import lazily (rasterio's features, scipy's ndimage and csgraph).
On the 300,000-address project that is about 0.5 s of the base's first
figures. :func:`warm_up` does that work and nothing else, so a program with
idle time before its first run (the desktop, while the planner opens a
project) can do it in the background; it changes no result.

The numba part runs under numba's global compiler lock, as numba's own
first call does, so a compilation in another thread cannot interleave with
it.
"""

from __future__ import annotations

import logging
import time

__all__ = ["warm_up"]

log = logging.getLogger(__name__)


def warm_up() -> float:
    """Load what a first evaluation would load on first use; returns the seconds it took.

    Never raises for a library that cannot be loaded: the evaluation then
    meets (and reports) the problem itself.
    """
    start = time.perf_counter()
    try:
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target

        with global_compiler_lock:
            cpu_target.typing_context.refresh()
            cpu_target.target_context.refresh()
    except Exception:  # noqa: BLE001 - an optional head start, never a failure
        log.warning("compiled code could not be made ready ahead", exc_info=True)
    try:
        # The modules the evaluation imports on first use (loaded, not used here).
        import rasterio.features  # noqa: F401
        import scipy.ndimage  # noqa: F401
        import scipy.sparse.csgraph  # noqa: F401
        import scipy.spatial  # noqa: F401
    except Exception:  # noqa: BLE001 - as above
        log.warning("the evaluation's libraries could not be loaded ahead", exc_info=True)
    return time.perf_counter() - start
