"""Progress reporting and cancellation for long operations.

Core functions take two optional keyword arguments:

``progress(fraction, message)``
    called with a fraction in [0, 1] and a short English message (a step
    name for the log; the desktop shows a run's steps through its own
    table of Dutch texts, ``desktop/runsteps.py``);
``cancel()``
    returns True when the user asked to stop.

:class:`Task` bundles both so a function can report sub-steps and check for
cancellation in one call; cancelling raises :class:`OperationCancelled`.
The same callbacks drive the GUI progress bar and the CLI progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slimmeregio.layers.errors import OperationCancelled

__all__ = ["CancelCheck", "ProgressCallback", "Task"]

ProgressCallback = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


@dataclass
class Task:
    """Progress and cancellation for one operation, or a slice of one.

    ``Task(progress, cancel).sub(0.2, 0.6)`` gives a task whose fractions
    0..1 map onto 0.2..0.6 of the parent, so nested steps report sensibly.
    """

    progress: ProgressCallback | None = None
    cancel: CancelCheck | None = None
    start: float = 0.0
    end: float = 1.0

    def report(self, fraction: float, message: str = "") -> None:
        """Report ``fraction`` (0..1 of this task) and check for cancellation."""
        self.check()
        if self.progress is not None:
            f = min(max(fraction, 0.0), 1.0)
            self.progress(self.start + (self.end - self.start) * f, message)

    def check(self) -> None:
        """Raise :class:`OperationCancelled` if the user cancelled."""
        if self.cancel is not None and self.cancel():
            raise OperationCancelled()

    def sub(self, start: float, end: float) -> Task:
        """A child task covering ``start..end`` of this one."""
        span = self.end - self.start
        return Task(
            self.progress,
            self.cancel,
            self.start + span * start,
            self.start + span * end,
        )
