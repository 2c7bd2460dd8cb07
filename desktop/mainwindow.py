"""The main window: wires the map, the panels, the scenario store and the
worker runner together. It adapts the models; it computes nothing itself."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QByteArray, QTimer
from PyQt6.QtGui import QAction, QCloseEvent
from PyQt6.QtWidgets import QMainWindow

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.actions import build_actions, icon
from slimmeregio.desktop.analysis import BaseCache, RunResult
from slimmeregio.desktop.basemap import BasemapController
from slimmeregio.desktop.editdialogs import EditSession
from slimmeregio.desktop.edittools import EditToolsMixin
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.languageswitch import LanguageMixin
from slimmeregio.desktop.layeractions import LAYER_FILE_FILTER, LayerActionsMixin
from slimmeregio.desktop.mapcanvas import MapCanvas
from slimmeregio.desktop.mapextras import MapExtrasMixin
from slimmeregio.desktop.navigation import NavigationMixin
from slimmeregio.desktop.projectfiles import PROJECT_FILE_FILTER, ProjectFilesMixin
from slimmeregio.desktop.runcontrol import RunControlMixin
from slimmeregio.desktop.scenariopanel import ScenarioStore
from slimmeregio.desktop.servicedialog import ServiceActionsMixin
from slimmeregio.desktop.settings import AppSettings
from slimmeregio.desktop.windowchrome import WindowChromeMixin
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.model import Scenario
from slimmeregio.scenarios.runs import LayerVersions

__all__ = ["MainWindow", "LAYER_FILE_FILTER", "PROJECT_FILE_FILTER"]


class MainWindow(
    ProjectFilesMixin,
    LayerActionsMixin,
    ServiceActionsMixin,
    EditToolsMixin,
    RunControlMixin,
    MapExtrasMixin,
    WindowChromeMixin,
    NavigationMixin,
    LanguageMixin,
    QMainWindow,
):
    """Slimme Regio Planner's main window."""

    def __init__(
        self, project: Project | None = None, *, settings: AppSettings | None = None
    ) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.setObjectName("MainWindow")
        self.setWindowIcon(icon("slimmeregio"))
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.project = project or Project()
        self.runner = WorkerRunner(self)
        self.store = ScenarioStore(self)
        self.bases = BaseCache()
        self.layer_versions = LayerVersions()
        self._removed_layers: list[tuple[int, Layer]] = []
        self._undo_marks: list[str] = []  # "layer" / "scenario", newest last: what Ctrl+Z undoes
        self.session = EditSession(self.settings.author)
        self.last_run: RunResult | None = None
        self.runs_by_scenario: dict[str, RunResult] = {}
        self._run_job: Job | None = None
        self._layers_dirty = False
        self._move_source: str | None = None
        self._theme = "none"
        self._language_pending = False
        self._extra_jobs: list[Job] = []
        self._recovery_file: Path | None = None
        self._dropped_recovery: set[Path] = (
            set()
        )  # discarded work: removed again after the last autosave
        self._autosave_job: Job | None = None
        #: A whole recovery copy waits for the run going on (ProjectFiles.autosave).
        self._autosave_after_run = False

        self.canvas = MapCanvas(self.project.layers, self)
        self.canvas.setObjectName("mapCanvas")
        self.setCentralWidget(self.canvas)
        self.basemaps = BasemapController(self.canvas, parent=self)
        self.basemaps.changed.connect(self._backgrounds_changed)
        self._make_panels()
        self._build_docks()

        self.actions_by_id = build_actions(self)
        self._build_menus()
        self._build_toolbars()
        self._build_statusbar()
        self._connect()
        self.install_map_extras()
        self.actions_by_id["tool_pan"].setChecked(True)

        self._autosave = QTimer(self)
        self._autosave.timeout.connect(self.autosave)
        self._restart_autosave()
        self.set_project(self.project)
        self.resize(1600, 1000)
        geometry, state = self.settings.window()
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state))

    def _connect(self) -> None:
        c = self.canvas
        c.mouseMoved.connect(self._show_coords)
        c.viewChanged.connect(self._show_scale)
        c.clicked.connect(self._identify)
        c.pointPicked.connect(self._point_picked)
        c.featurePicked.connect(self._feature_picked)
        c.lineFinished.connect(self._line_finished)
        c.polygonFinished.connect(self._polygon_finished)
        self.store.changed.connect(self._scenario_changed)
        self.store.edited.connect(lambda: self._undo_marks.append("scenario"))
        self._connect_panels()

    def _connect_panels(self) -> None:
        lp = self.layer_panel
        lp.zoomToLayer.connect(self.zoom_to_layer)
        lp.styleRequested.connect(self.edit_style_of)
        lp.tableRequested.connect(self.show_table_for)
        lp.removeRequested.connect(self.remove_layer_named)
        lp.addRequested.connect(self.add_layer_dialog)
        self.table.selectionChanged.connect(self._table_selection)
        self.scenario_panel.runRequested.connect(self.run_scenario)
        self.scenario_panel.cancelRequested.connect(self.cancel_run)
        self.scenario_panel.errorRaised.connect(lambda e: dialogs.show_error(self, e))
        self.scenario_panel.modificationSelected.connect(self._highlight_modification)
        self.scenario_panel.editModificationRequested.connect(self.edit_modification)
        self.scenario_panel.zoomToModificationRequested.connect(self.zoom_to_modification)
        self.results_panel.themeChanged.connect(self.set_theme)
        self.results_panel.municipalitySelected.connect(self.zoom_to_municipality)
        self.results_panel.rerunRequested.connect(self.run_scenario)

    # ---------------------------------------------------------------- project
    def set_project(self, project: Project) -> None:
        """Show ``project``: layers, scenarios; zoom to the region."""
        old = getattr(self, "_project_listener_on", None)
        if old is not None:
            with contextlib.suppress(ValueError):
                old.disconnect(self._layers_event)
            with contextlib.suppress(ValueError):
                old.disconnect(self.layer_versions.listener)
        self.project = project
        self.layer_versions = LayerVersions()
        self._removed_layers.clear()
        self._undo_marks.clear()
        project.layers.connect(self.layer_versions.listener)
        project.layers.connect(self._layers_event)
        self._project_listener_on = project.layers
        self.canvas.set_layers(project.layers)
        self.canvas.set_theme_layers([])
        self.canvas.theme_caption = ""
        self.layer_panel.set_layers(project.layers)
        self.legend_panel.show_layers(project.layers)
        self.table.set_layers(list(project.layers))
        for err in self.basemaps.load_settings(project.settings.backgrounds):
            dialogs.show_error(self, err)
        self.bases.invalidate()
        self.last_run = None
        self.runs_by_scenario = {}
        errors = self.store.load(project.scenarios)
        for err in errors:
            dialogs.show_error(self, err)
        if not self.store.scenarios:
            self.store.add(
                Scenario(
                    name=tr("Mijn scenario"), parameters=self.scenario_panel._default_parameters()
                )
            )
            self.store.dirty = False
        self._layers_dirty = False
        self._update_snap_points()
        self._update_banner()
        self._update_title()
        self._update_goto_box()
        self._scenario_changed()
        QTimer.singleShot(0, self.canvas.zoom_to_full)

    def _backgrounds_changed(self) -> None:
        self.project.settings.backgrounds = self.basemaps.to_settings()
        self._layers_dirty = True
        self._update_title()

    def _layers_event(self, event: str, info: dict[str, Any]) -> None:
        self._layers_dirty = True
        if event != "changed" or info.get("what") == "data":
            self.bases.invalidate()
            self._update_snap_points()
        if event in ("inserted", "removed") or (event == "changed" and info.get("what") == "data"):
            self.table.set_layers(list(self.project.layers), current=self.table.layer_name or None)
            self._update_goto_box()
        self._update_banner()
        self._update_title()
        self.update_stale()
        self.legend_panel.show_layers(self.project.layers)

    @property
    def is_dirty(self) -> bool:
        return self._layers_dirty or self.store.dirty

    def _update_title(self) -> None:
        name = self.project.path.stem if self.project.path else self.project.settings.title
        self.setWindowTitle(f"{name}[*] — Slimme Regio Planner")
        self.setWindowModified(self.is_dirty)

    def _update_banner(self) -> None:
        names = [layer.name for layer in self.canvas.visible_layers() if layer.note]
        self.canvas.banner_text = (
            tr(
                "ℹ Illustratieve gegevens op de kaart: {names}. Laad echte lagen voor beslissingen.",
                names=", ".join(names),
            )
            if names
            else ""
        )
        self.canvas.update()

    def _update_snap_points(self) -> None:
        layer = self.project.layers.first(Role.BIKE_NETWORK)
        if layer is None or layer.is_raster or not len(layer):
            self.canvas.set_snap_points(None)
            return
        geoms = layer.frame.geometry.to_numpy()
        parts = shapely.get_parts(geoms)
        parts = parts[shapely.get_type_id(parts) == 1]
        ends = np.vstack(
            [
                shapely.get_coordinates(shapely.get_point(parts, 0)),
                shapely.get_coordinates(shapely.get_point(parts, -1)),
            ]
        )
        self.canvas.set_snap_points(np.unique(ends.round(2), axis=0))

    # ------------------------------------------------------------------ close
    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        if not self._confirm_discard():
            event.ignore()
            return
        self.runner.cancel_all()
        self.runner.wait(30000)
        self.basemaps.shutdown()
        self._autosave.stop()
        for path in self._dropped_recovery:
            self._discard(path)
        self.settings.save_window(self.saveGeometry().data(), self.saveState().data())
        self.settings.sync()
        if not self.is_dirty:
            self._clear_recovery()
        event.accept()

    def action(self, key: str) -> QAction:
        return self.actions_by_id[key]
