"""One worker runner for long operations.

A job is a plain function ``fn(progress=..., cancel=...)`` that computes on
plain data. It runs on a :class:`QThreadPool`; its progress, result and error
travel back to the GUI thread over queued signals. Widgets never go into a
job, and a job never touches a widget. Cancelling sets a flag that the core
reads through its ``cancel`` callback and answers by raising
:class:`~slimmeregio.layers.errors.OperationCancelled`.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, QTimer, pyqtSignal

from slimmeregio.layers.allocator import release_free_memory
from slimmeregio.layers.errors import OperationCancelled

__all__ = ["Job", "WorkerRunner"]

_log = logging.getLogger(__name__)


_pinned = threading.local()


def _pin_thread_state() -> None:
    """Keep this pool thread's Python thread state alive between jobs.

    PyQt creates a fresh Python thread state for every job a QThreadPool
    thread runs and deletes it afterwards. Libraries that keep per-thread
    native state (pyproj's PROJ context) then meet a stale context on the
    next job in the same OS thread and crash. One extra, never-released
    ``PyGILState_Ensure`` per OS thread keeps the state for the thread's
    life, as for a Python-created thread; pool threads never expire (see
    :class:`WorkerRunner`), so nothing leaks beyond the two worker threads.
    """
    if not getattr(_pinned, "done", False):
        ctypes.pythonapi.PyGILState_Ensure()
        _pinned.done = True


class _Signals(QObject):
    progress = pyqtSignal(float, str)
    partial = pyqtSignal(object)
    result = pyqtSignal(object)
    error = pyqtSignal(object)
    cancelled = pyqtSignal()
    done = pyqtSignal()


class _Runnable(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        signals: _Signals,
        flag: threading.Event,
        *,
        partial: bool = False,
    ) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals
        self._flag = flag
        self._partial = partial
        self.setAutoDelete(True)

    def run(self) -> None:
        _pin_thread_state()
        signals = self._signals
        extra: dict[str, Any] = {}
        if self._partial:
            extra["partial"] = lambda value: (
                None if self._flag.is_set() else signals.partial.emit(value)
            )
        try:
            value = self._fn(
                progress=lambda f, m="": signals.progress.emit(float(f), str(m)),
                cancel=self._flag.is_set,
                **extra,
            )
        except OperationCancelled:
            signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the GUI thread
            if self._flag.is_set():
                # cancelled, but it failed rather than stopped: the user sees "cancelled", the log the failure
                _log.warning(
                    "job failed after it was cancelled: %s: %s",
                    type(exc).__name__,
                    exc,
                    exc_info=True,
                )
                signals.cancelled.emit()
            else:
                _log.debug("job failed", exc_info=True)
                signals.error.emit(exc)
        else:
            if self._flag.is_set():
                signals.cancelled.emit()
            else:
                signals.result.emit(value)
        finally:
            signals.done.emit()


class Job(QObject):
    """A running job: signals ``progress(fraction, message)``, ``partial(value)``
    (a first result, before the whole one), ``result(value)``,
    ``error(exception)``, ``cancelled()`` and ``finished()`` (always, last)."""

    progress = pyqtSignal(float, str)
    partial = pyqtSignal(object)
    result = pyqtSignal(object)
    error = pyqtSignal(object)
    cancelled = pyqtSignal()
    finished = pyqtSignal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._flag = threading.Event()
        self.running = True

    def cancel(self) -> None:
        """Ask the job to stop at its next cancel check."""
        self._flag.set()

    @property
    def is_cancelled(self) -> bool:
        return self._flag.is_set()


#: After the last job ends, the process returns its freed memory to the
#: system once nothing has started for this long (ms): a planner who has
#: gone to other work gets the memory back for it. Not sooner: the run
#: after a release takes fresh pages from the kernel, measured on the
#: 300,000-address project at +0.13 s for a first pass and +0.6 s for a
#: whole scenario, and a planner editing a scenario runs again within it.
IDLE_RELEASE_MS = 60_000

#: Every runner (the map's tiles have one of their own): memory is released
#: only when no job runs in any of them.
_RUNNERS: weakref.WeakSet[WorkerRunner] = weakref.WeakSet()


class WorkerRunner(QObject):
    """Starts jobs on a thread pool and keeps them alive until they finish.

    When it has been idle for :data:`IDLE_RELEASE_MS` and no other runner's
    job runs either, it returns the memory the jobs freed to the system
    (:func:`~slimmeregio.layers.allocator.release_free_memory`: on the
    300,000-address project about 300 MB after a scenario's run).
    """

    jobStarted = pyqtSignal(object)
    jobFinished = pyqtSignal(object)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._pool.setExpiryTimeout(-1)  # see _pin_thread_state
        self._jobs: list[Job] = []
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_RELEASE_MS)
        self._idle.timeout.connect(self._release_when_idle)
        _RUNNERS.add(self)

    @property
    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def start(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_partial: Callable[[Any], None] | None = None,
    ) -> Job:
        """Run ``fn(progress=, cancel=)`` in the pool; callbacks run in the GUI thread.

        With ``on_partial`` the job is called with ``partial=`` too: a
        function it may call with a first result (not after a cancel)."""
        job = Job(name, self)
        signals = _Signals()  # lives in the GUI thread: emits from the pool are queued
        signals.progress.connect(job.progress)
        signals.partial.connect(job.partial)
        signals.result.connect(job.result)
        signals.error.connect(job.error)
        signals.cancelled.connect(job.cancelled)
        signals.done.connect(lambda: self._finish(job, signals))
        if on_result:
            job.result.connect(on_result)
        if on_error:
            job.error.connect(on_error)
        if on_progress:
            job.progress.connect(on_progress)
        if on_cancelled:
            job.cancelled.connect(on_cancelled)
        if on_partial:
            job.partial.connect(on_partial)
        job._signals = signals  # type: ignore[attr-defined]  # keep alive with the job
        self._idle.stop()
        self._jobs.append(job)
        self.jobStarted.emit(job)
        self._pool.start(_Runnable(fn, signals, job._flag, partial=on_partial is not None))
        return job

    def _finish(self, job: Job, signals: _Signals) -> None:
        job.running = False
        if job in self._jobs:
            self._jobs.remove(job)
        job.finished.emit()
        self.jobFinished.emit(job)
        signals.deleteLater()
        if not self._jobs:
            self._idle.start()

    def _release_when_idle(self) -> None:
        if not any(runner._jobs for runner in _RUNNERS):
            release_free_memory()

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        """Cancel nothing, wait for the pool to drain (used on close and in tests)."""
        return bool(self._pool.waitForDone(msecs))
