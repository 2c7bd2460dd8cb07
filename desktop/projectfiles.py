"""Project files for the main window: new, open, save, recent projects, the
unsaved-changes prompt and the recovery copy (autosave and restore)."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import (
    QFileDialog,
    QMessageBox,
)

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.windowparts import WindowParts
from slimmeregio.desktop.worker import Job
from slimmeregio.layers.errors import SaveError, SlimmeRegioError, os_reason
from slimmeregio.layers.model import Project

_log = logging.getLogger(__name__)

PROJECT_FILE_FILTER = "Slimme Regio-project (*.srp *.gpkg);;"
PROJECT_SUFFIX = ".srp"
_PROJECT_SUFFIXES = {".srp", ".gpkg"}


class ProjectFilesMixin(WindowParts):
    """Opening and saving projects, and the recovery copy. Mixed into :class:`MainWindow`."""

    _recovery_file: Path | None

    def new_project(self) -> None:
        if not self._confirm_discard():
            return
        self.open_region()

    def open_region(self) -> None:
        """Open the embedded Halle-Vilvoorde region."""
        from slimmeregio.layers.region import load_region

        try:
            project = load_region()
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return
        self.set_project(project)
        self.statusBar().showMessage(tr("Regio Halle-Vilvoorde geopend."), 5000)

    def open_project_dialog(self) -> None:
        if not self._confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            tr("Project openen"),
            str(self._last_dir()),
            tr(PROJECT_FILE_FILTER) + tr("Alle bestanden (*)"),
        )
        if path:
            self.open_project(path)

    def open_project(self, path: str | Path) -> bool:
        """Open a saved project; errors are shown, never raised."""
        from slimmeregio.layers.project_file import load_project

        try:
            project = load_project(Path(path))
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return False
        project.path = Path(path)
        self.set_project(project)
        self.settings.add_recent(path)
        self.statusBar().showMessage(tr("Project geopend: {path}", path=str(path)), 5000)
        return True

    def save_project(self) -> bool:
        if self.project.path is None:
            return self.save_project_as()
        return self.save_project_to(self.project.path)

    def save_project_as(self) -> bool:
        start = str(self.project.path or (self._last_dir() / "project.srp"))
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Project opslaan als"), start, tr(PROJECT_FILE_FILTER)
        )
        if not path:
            return False
        if Path(path).suffix.lower() not in _PROJECT_SUFFIXES:
            path += PROJECT_SUFFIX
        return self.save_project_to(Path(path))

    def save_project_to(self, path: Path) -> bool:
        """Save atomically to ``path``; returns success."""
        from slimmeregio.layers.project_file import save_project

        self.project.scenarios = self.store.to_data()
        try:
            save_project(self.project, path)
        except OSError as exc:  # SaveError is one too
            error = (
                exc
                if isinstance(exc, SlimmeRegioError)
                else SaveError(
                    path=path, reason=os_reason(exc), detail=f"{type(exc).__name__}: {exc}"
                )
            )
            dialogs.show_error(self, error, title=tr("Opslaan mislukt"))
            return False
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc, title=tr("Opslaan mislukt"))
            return False
        self.project.path = path
        self.store.dirty = False
        self._layers_dirty = False
        self.settings.add_recent(path)
        self._clear_recovery()
        self._update_title()
        self.statusBar().showMessage(tr("Project opgeslagen: {path}", path=str(path)), 5000)
        return True

    def _last_dir(self) -> Path:
        recent = self.settings.recent_projects
        return Path(recent[0]).parent if recent else Path.home()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_projects
        for path in recent:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self._open_recent(p))
        if not recent:
            act = self.recent_menu.addAction(tr("(geen)"))
            act.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(tr("Lijst wissen"), self.settings.clear_recent)

    def _open_recent(self, path: str) -> None:
        if self._confirm_discard():
            self.open_project(path)

    def _confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""
        if not self.is_dirty:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Niet-opgeslagen wijzigingen"),
            tr("Het project heeft wijzigingen die niet zijn opgeslagen. Nu opslaan?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Save).setText(tr("Opslaan"))
        box.button(QMessageBox.StandardButton.Discard).setText(tr("Niet opslaan"))
        box.button(QMessageBox.StandardButton.Cancel).setText(tr("Annuleren"))
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save_project()
        if answer == QMessageBox.StandardButton.Discard:
            self.drop_recovery()
            return True
        return False

    def drop_recovery(self) -> None:
        """The planner discarded the unsaved work: remove its recovery copy,
        also one an autosave in progress is still writing, so the next start
        does not offer to restore it."""
        from slimmeregio.layers.project_file import recovery_path

        paths = {recovery_path(self.project.path)}
        if self._recovery_file is not None:
            paths.add(self._recovery_file)
        self._recovery_file = None
        self._dropped_recovery |= paths
        for path in paths:
            self._discard(path)
        job = self._autosave_job
        if job is not None:
            job.cancel()
            job.finished.connect(lambda: [self._discard(p) for p in paths])

    # recovery
    @property
    def autosave_timer(self) -> QTimer:
        """The timer that writes the recovery copy every
        ``settings.autosave_minutes`` (stopped when that is 0)."""
        return self._autosave

    def _restart_autosave(self) -> None:
        minutes = self.settings.autosave_minutes
        if minutes > 0:
            self._autosave.start(minutes * 60_000)
        else:
            self._autosave.stop()

    def write_recovery(self) -> Path | None:
        """Write the recovery copy when there is unsaved work."""
        if not self.is_dirty:
            return None
        from slimmeregio.layers.project_file import write_recovery

        self.project.scenarios = self.store.to_data()
        try:
            path = write_recovery(self.project)
        except (SlimmeRegioError, OSError) as exc:
            _log.warning("recovery copy failed: %s", exc)
            self.statusBar().showMessage(tr("Herstelkopie kon niet worden geschreven."), 5000)
            return None
        if self._recovery_file is not None and self._recovery_file != path:
            self._discard(self._recovery_file)
        self._recovery_file = path
        return path

    def _snapshot(self) -> Project:
        """A shallow copy of the project for a background save: the layer
        list and scenarios are copied, the frames shared (the GUI replaces
        layers and styles, it never edits a frame in place)."""
        from dataclasses import replace as dc_replace

        from slimmeregio.layers.model import LayerList

        return Project(
            layers=LayerList(list(self.project.layers)),
            settings=dc_replace(self.project.settings),
            scenarios=self.store.to_data(),
            path=self.project.path,
        )

    def autosave(self, *, before_run: bool = False) -> Job | None:
        """Write the recovery copy in the worker (at the interval and before a
        run), so the planner never waits for it.

        Only a copy that rewrites the project document (the layers were
        written before) is written beside a run (``before_run``, or a run
        going on): encoding every layer of an address-level project takes
        seconds of the interpreter a run needs too (its first pass took 7 s
        instead of 1.2 s). A whole copy is written when the run ends."""
        if not self.is_dirty or self._autosave_job is not None:
            return None
        from slimmeregio.layers.project_file import recovery_is_quick, write_recovery

        snapshot = self._snapshot()
        running = before_run or self._run_job is not None
        if running and not recovery_is_quick(snapshot):
            self._autosave_after_run = True
            return None

        def job(progress: Any = None, cancel: Any = None) -> Path:
            return write_recovery(snapshot, progress=progress, cancel=cancel)

        def done(path: Path) -> None:
            if not self.is_dirty:  # saved meanwhile: the copy is stale
                self._discard(path)
                return
            if self._recovery_file is not None and self._recovery_file != path:
                self._discard(self._recovery_file)
            self._recovery_file = path

        def failed(error: BaseException) -> None:
            _log.warning("recovery copy failed: %s", error)
            self.statusBar().showMessage(tr("Herstelkopie kon niet worden geschreven."), 5000)

        self._autosave_job = self.runner.start(
            tr("Herstelkopie"), job, on_result=done, on_error=failed
        )
        self._autosave_job.finished.connect(lambda: setattr(self, "_autosave_job", None))
        return self._autosave_job

    def _clear_recovery(self) -> None:
        if self._recovery_file is not None:
            self._discard(self._recovery_file)
            self._recovery_file = None

    @staticmethod
    def _discard(path: Path) -> None:
        from slimmeregio.layers.project_file import discard_recovery

        with contextlib.suppress(OSError):
            discard_recovery(path)

    def offer_recovery(self) -> bool:
        """On start: offer to restore the newest recovery copy; True when restored."""
        from slimmeregio.layers.project_file import find_recovery, load_recovery

        try:
            found = find_recovery()
        except OSError:
            return False
        if not found:
            return False
        path = found[0]
        stamp = datetime.fromtimestamp(path.stat().st_mtime).strftime("%d-%m-%Y %H:%M")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Werk herstellen"),
            tr(
                "Er is niet-opgeslagen werk van {stamp} gevonden. Wilt u het herstellen?",
                stamp=stamp,
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(tr("Herstellen"))
        box.button(QMessageBox.StandardButton.No).setText(tr("Verwijderen"))
        self._last_dialog = box
        if box.exec() != QMessageBox.StandardButton.Yes:
            self._discard(path)
            return False
        try:
            project = load_recovery(path)
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return False
        self.set_project(project)
        self._recovery_file = path
        self._layers_dirty = True
        self.store.dirty = True
        self._update_title()
        self.statusBar().showMessage(
            tr("Werk hersteld. Sla het project op om het te bewaren."), 8000
        )
        return True
