"""The application log: a rotating file in the user's log folder with runs, timings and warnings.

A planner with a question sends ``slimmeregio.log`` along: it holds what was
computed (scenario, run identity), how long it took, and every warning the
application or its libraries gave. Messages go through the standard
:mod:`logging` module under the ``slimmeregio`` logger; :func:`configure_logging`
(called by the desktop application and the command line) adds the file.

The folder is ``$SLIMMEREGIO_LOG_DIR`` when set, else ``logs`` in
``$SLIMMEREGIO_SETTINGS_DIR`` (the tests' private settings folder), else the
platform's user log folder (:func:`platformdirs.user_log_dir`):
``%LOCALAPPDATA%\\SlimmeRegio\\Logs`` on Windows,
``~/Library/Logs/slimmeregio`` on macOS, ``~/.local/state/slimmeregio/log``
elsewhere.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["LOG_FILE", "configure_logging", "log_dir", "log_file", "session_id", "timed"]

#: Name of the application log in :func:`log_dir`.
LOG_FILE = "slimmeregio.log"
#: The log rotates at this size and keeps this many old files.
MAX_BYTES = 1_000_000
BACKUPS = 4

_LOG = logging.getLogger("slimmeregio")
#: One identity per process, in every line: lines of one session read together.
_SESSION = uuid.uuid4().hex[:8]
_FORMAT = "%(asctime)s %(levelname)s [%(session)s] %(name)s: %(message)s"


def session_id() -> str:
    """The identity of this process's log lines (eight hex digits)."""
    return _SESSION


def log_dir() -> Path:
    """The folder of the application log (created when missing)."""
    explicit = os.environ.get("SLIMMEREGIO_LOG_DIR")
    settings = os.environ.get("SLIMMEREGIO_SETTINGS_DIR")
    if explicit:
        folder = Path(explicit)
    elif settings:
        folder = Path(settings) / "logs"
    else:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir("slimmeregio", "SlimmeRegio"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_file() -> Path:
    """The application log's path."""
    return log_dir() / LOG_FILE


class _SessionFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.session = _SESSION
        return True


def _our_handlers() -> list[logging.Handler]:
    return [h for h in _LOG.handlers if getattr(h, "slimmeregio_log", False)]


def configure_logging(*, program: str, level: int = logging.INFO) -> Path | None:
    """Write the ``slimmeregio`` logger and Python warnings to the rotating log file.

    Idempotent; a later call for another folder (tests, a changed environment)
    moves the log there rather than writing two. ``program`` (``desktop``, ``cli run`` ...) is
    written in the first line of the session. Returns the log's path, or None
    when the folder cannot be written (the application works on without a log).
    """
    warnings_log = logging.getLogger("py.warnings")
    try:
        path = log_file()
    except OSError:
        return None
    current = _our_handlers()
    if not any(Path(getattr(h, "baseFilename", "")) == path.resolve() for h in current):
        for old in current:
            _LOG.removeHandler(old)
            warnings_log.removeHandler(old)
            old.close()
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
        handler.slimmeregio_log = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(_SessionFilter())
        _LOG.addHandler(handler)
        warnings_log.addHandler(handler)
    logging.captureWarnings(True)
    if _LOG.level == logging.NOTSET or _LOG.level > level:
        _LOG.setLevel(level)
    from slimmeregio import __version__

    _LOG.info(
        "%s started: Slimme Regio Planner %s, Python %s, %s",
        program,
        __version__,
        sys.version.split()[0],
        sys.platform,
    )
    return path


@contextmanager
def timed(what: str, logger: logging.Logger = _LOG) -> Iterator[None]:
    """Log ``what`` with the seconds it took (also when it fails)."""
    start = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "done"
    finally:
        logger.info("%s: %s in %.2f s", what, outcome, time.perf_counter() - start)
