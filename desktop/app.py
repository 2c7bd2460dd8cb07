"""Application entry point: ``slimmeregio`` / ``python -m slimmeregio``.

Creates the QApplication, applies the language and the look, opens the
window on the given project (or the embedded Halle-Vilvoorde region) and
offers to restore unsaved work found from an earlier session. Once the
window has opened its project, a background thread makes the engine ready
for the first run (:func:`start_warm_up`).
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PyQt6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QApplication

from slimmeregio import __version__

__all__ = [
    "apply_qt_language",
    "create_application",
    "install_qt_translations",
    "main",
    "start_warm_up",
]

_STYLE = """
QMainWindow::separator { width: 4px; height: 4px; background: #e3e7eb; }
QDockWidget { font-weight: 600; }
QDockWidget::title { padding: 6px 8px; background: #eef1f4; border-bottom: 1px solid #d7dde3; }
QToolBar { spacing: 3px; padding: 3px; border: none; }
QToolBar::separator { width: 1px; background: #d7dde3; margin: 4px 6px; }
QStatusBar { background: #f5f7f9; border-top: 1px solid #d7dde3; }
QStatusBar QLabel { padding: 0 8px; color: #37474f; }
QGroupBox { font-weight: 600; margin-top: 14px; }
QGroupBox::title { subcontrol-origin: margin; left: 6px; padding: 0 4px; }
QListView, QTreeWidget, QTableView { background: #ffffff; }
QTabBar::tab { padding: 5px 12px; }
"""


_QT_TRANSLATORS: list[QTranslator] = []


def install_qt_translations(app: QApplication, lang: str) -> bool:
    """Translate Qt's own texts (OK/Cancel/Yes/No, file dialogs) into ``lang``.

    Loads ``qtbase_<lang>.qm`` shipped with the PyQt6 wheel; English needs
    none. Returns whether a catalogue is installed afterwards.
    """
    while _QT_TRANSLATORS:
        app.removeTranslator(_QT_TRANSLATORS.pop())
    if lang == "en":
        return False
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{lang}", folder):
        return False
    app.installTranslator(translator)
    _QT_TRANSLATORS.append(translator)
    return True


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists), styled, language set."""
    from slimmeregio.desktop.i18n import set_language
    from slimmeregio.desktop.settings import AppSettings

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv or sys.argv[:1]))
    assert isinstance(app, QApplication)
    app.setApplicationName("Slimme Regio Planner")
    app.setOrganizationName("SlimmeRegio")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("slimmeregio")  # matches installer/linux/slimmeregio.desktop
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    app.setFont(font)
    app.setStyleSheet(_STYLE)
    lang = AppSettings().language
    set_language(lang)
    apply_qt_language(app, lang)
    return app


def apply_qt_language(app: QApplication, lang: str) -> None:
    """Qt's own texts (OK/Cancel) and number formats follow ``lang``: 25,0 in
    Dutch, 25.0 in English (for widgets made from now on)."""
    install_qt_translations(app, lang)
    QLocale.setDefault(
        QLocale(QLocale.Language.Dutch, QLocale.Country.Belgium)
        if lang == "nl"
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    )


def start_warm_up() -> threading.Thread:
    """Make the engine ready for the first run in a background thread.

    :func:`~slimmeregio.scenarios.warm_up.warm_up` loads numba's compiler
    and the libraries the evaluation imports on first use (about 0.5 s the
    planner's first figures no longer wait for). A plain daemon thread, not
    a worker job: nothing waits for it, shows it or cancels it, and a run
    started meanwhile simply meets the same loading already under way.
    """

    def run() -> None:
        from slimmeregio.scenarios.warm_up import warm_up

        logging.getLogger(__name__).info("engine ready for the first run in %.2f s", warm_up())

    thread = threading.Thread(target=run, name="slimmeregio-warm-up", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    """Open the main window on ``argv[0]`` (a project) or the embedded region."""
    from slimmeregio.desktop.errors import install_excepthook, show_error
    from slimmeregio.desktop.mainwindow import MainWindow
    from slimmeregio.layers.allocator import tune_allocators
    from slimmeregio.layers.applog import configure_logging
    from slimmeregio.layers.errors import SlimmeRegioError
    from slimmeregio.layers.model import Project

    args = list(sys.argv[1:] if argv is None else argv)
    tune_allocators()  # before Qt starts its threads
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)  # the console shows warnings; the log file also the runs
    configure_logging(program="desktop")
    app = create_application()
    install_excepthook()
    window = MainWindow(Project())
    window.show()

    def load() -> None:
        if window.offer_recovery():
            return
        if args:
            if not window.open_project(Path(args[0])):
                window.open_region()
            return
        try:
            window.open_region()
        except SlimmeRegioError as exc:  # pragma: no cover - open_region shows its own errors
            show_error(window, exc)

    QTimer.singleShot(0, load)
    QTimer.singleShot(0, start_warm_up)  # after the project is open: not competing with its reading
    return int(app.exec())
