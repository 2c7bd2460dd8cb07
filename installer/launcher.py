"""Entry point of the bundled application (PyInstaller builds it into an executable).

The executable behaves like the ``slimmeregio`` command of a Python install,
with three additions for a desktop without Python:

* started without arguments it opens the desktop application (the command
  line's default);
* started with one existing file (a double-click on a ``.srp`` project in
  the file manager) it opens that project;
* ``--selftest`` checks the bundle headless: Qt (the main window drawn on
  the offscreen platform, the SVG icon rendered), then ``slimmeregio
  selftest`` (region, scenario, PDF, Excel, web map and slide deck).
  Exit status 0 only when everything worked.

This file is not part of the ``slimmeregio`` package; it only exists in the
bundle. Its argument handling is a pure function tested in
``tests/test_installer_files.py``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence

__all__ = ["QT_CHECK_NAME", "check_qt", "main", "translate_argv"]

SELFTEST_FLAG = "--selftest"
QT_CHECK_NAME = "qt"

#: Options of the top-level command that take a value (``--lang en``).
_VALUE_OPTIONS = frozenset({"--lang"})


def translate_argv(
    argv: Sequence[str], *, commands: Iterable[str], is_file: Callable[[str], bool]
) -> list[str]:
    """Map the executable's arguments onto the ``slimmeregio`` command line.

    Parameters
    ----------
    argv
        The arguments after the program name.
    commands
        The names of the command line's sub-commands.
    is_file
        Tells whether an argument names an existing file.

    Returns
    -------
    list of str
        Arguments for :func:`slimmeregio.cli.main`.

    Examples
    --------
    >>> cmds = {"open", "selftest", "run"}
    >>> translate_argv(["--selftest"], commands=cmds, is_file=lambda p: False)
    ['selftest']
    >>> translate_argv(["--lang", "en", "plan.srp"], commands=cmds, is_file=lambda p: True)
    ['--lang', 'en', 'open', 'plan.srp']
    """
    args = list(argv)
    if SELFTEST_FLAG in args:
        args[args.index(SELFTEST_FLAG)] = "selftest"
        return args
    index = _first_positional(args)
    # The first positional argument is a command, or a file to open.
    if index is not None and args[index] not in set(commands) and is_file(args[index]):
        return [*args[:index], "open", *args[index:]]
    return args


def _first_positional(args: Sequence[str]) -> int | None:
    """Index of the first argument that is not a top-level option (or its value)."""
    index = 0
    while index < len(args):
        if args[index] in _VALUE_OPTIONS:
            index += 2
        elif args[index].startswith("-"):
            index += 1
        else:
            return index
    return None


def check_qt() -> tuple[bool, str]:
    """Start Qt headless, open the main window and render the application icon.

    Proves that the Qt libraries, the platform plugin and the image plugins
    are in the bundle and that the desktop application builds its window.
    Runs on the ``offscreen`` platform unless ``QT_QPA_PLATFORM`` says
    otherwise. Settings and recovery files go to a temporary folder, so the
    user's own are never touched.

    Returns
    -------
    tuple of (bool, str)
        Whether the check passed, and what was checked or what failed.
    """
    import shutil
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = tempfile.mkdtemp(prefix="slimmeregio-qtcheck-")
    saved = {
        key: os.environ.get(key) for key in ("SLIMMEREGIO_SETTINGS_DIR", "SLIMMEREGIO_RECOVERY_DIR")
    }
    os.environ["SLIMMEREGIO_SETTINGS_DIR"] = str(Path(scratch) / "settings")
    os.environ["SLIMMEREGIO_RECOVERY_DIR"] = str(Path(scratch) / "recovery")
    try:
        from PyQt6.QtGui import QIcon
        from PyQt6.QtWidgets import QApplication

        import slimmeregio.resources
        from slimmeregio.desktop.app import create_application
        from slimmeregio.desktop.mainwindow import MainWindow
        from slimmeregio.layers.model import Project

        app = create_application(["slimmeregio"])
        icon_file = (
            Path(slimmeregio.resources.__file__).resolve().parent / "icons" / "slimmeregio.svg"
        )
        pixmap = QIcon(str(icon_file)).pixmap(64, 64)
        if pixmap.isNull():
            return False, f"icon not rendered ({icon_file}): Qt SVG plugin missing?"
        window = MainWindow(Project())
        window.resize(1280, 800)
        window.show()
        QApplication.processEvents()
        grabbed = window.grab()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
        if grabbed.isNull() or grabbed.width() < 100:
            return False, "the main window could not be drawn"
        return True, (
            f"platform {app.platformName()}, main window drawn "
            f"({grabbed.width()}x{grabbed.height()}), SVG icon rendered"
        )
    except Exception as error:  # noqa: BLE001 - a self-test reports, never crashes
        return False, f"{type(error).__name__}: {error}"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(scratch, ignore_errors=True)


def _language(args: Sequence[str]) -> str:
    """The message language the command line will use (``--lang``, else the environment)."""
    if "--lang" in args[:-1]:
        return args[list(args).index("--lang") + 1]
    return os.environ.get("SLIMMEREGIO_LANG", "nl")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bundled application; returns the exit status."""
    from slimmeregio.cli import cli
    from slimmeregio.cli import main as cli_main

    raw = list(sys.argv[1:] if argv is None else argv)
    args = translate_argv(raw, commands=cli.commands, is_file=os.path.isfile)
    qt_ok = True
    first = _first_positional(args)
    if first is not None and args[first] == "selftest":
        english = _language(args) == "en"
        start = time.perf_counter()
        qt_ok, detail = check_qt()
        label = "OK  " if qt_ok else ("FAIL" if english else "FOUT")
        title = "desktop application (Qt)" if english else "grafische toepassing (Qt)"
        seconds = time.perf_counter() - start
        print(f"{label} {QT_CHECK_NAME:<10} {title}: {detail} ({seconds:.1f} s)", flush=True)
    try:
        result = cli_main(args)
        status = result if isinstance(result, int) else 0
    except SystemExit as exit_:
        code = exit_.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    if not qt_ok and status == 0:
        print(
            "Self-test FAILED: the desktop application (Qt) does not start."
            if _language(args) == "en"
            else "Zelftest MISLUKT: de grafische toepassing (Qt) start niet.",
            flush=True,
        )
        status = 1
    return status


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
