"""The main window: wires the map, the panels, the scenario store and the
worker runner together. It adapts the models; it computes nothing itself."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QByteArray, QSize, Qt, QTimer
from PyQt6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from slimmeregio import __version__
from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.actions import ACTIONS, MENUS, build_actions, icon, retranslate_actions
from slimmeregio.desktop.analysis import BaseCache, RunResult, feature_ids, run_analysis
from slimmeregio.desktop.attributetable import AttributeTableWidget
from slimmeregio.desktop.editdialogs import EditSession, ModificationDialog
from slimmeregio.desktop.i18n import language, set_language, tr
from slimmeregio.desktop.identify import IdentifyPanel
from slimmeregio.desktop.layerpanel import LayerPanel
from slimmeregio.desktop.mapcanvas import HOUSING_AREA_COLOR, MapCanvas, MapTool, OverlayItem
from slimmeregio.desktop.resultspanel import ResultsPanel, fmt, note_texts
from slimmeregio.desktop.scenariopanel import ScenarioPanel, ScenarioStore
from slimmeregio.desktop.settings import AppSettings, log_dir
from slimmeregio.desktop.themes import theme_layers
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.errors import ScenarioError, SlimmeRegioError
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import CHANGE_COLORS, HOPPIN_COLORS
from slimmeregio.scenarios.model import Scenario

__all__ = ["MainWindow", "LAYER_FILE_FILTER", "PROJECT_FILE_FILTER"]

_log = logging.getLogger(__name__)

LAYER_FILE_FILTER = (
    "Geodata (*.gpkg *.shp *.zip *.geojson *.json *.topojson *.csv *.tif *.tiff);;"
    "GeoPackage (*.gpkg);;Shapefile (*.shp *.zip);;GeoJSON (*.geojson *.json);;"
    "TopoJSON (*.topojson);;CSV (*.csv);;GeoTIFF (*.tif *.tiff)"
)
PROJECT_FILE_FILTER = "Slimme Regio-project (*.srp *.gpkg);;"
_LAYER_SUFFIXES = {".gpkg", ".shp", ".zip", ".geojson", ".json", ".topojson", ".csv", ".tif", ".tiff"}
_PROJECT_SUFFIX = ".srp"
_PROJECT_SUFFIXES = {".srp", ".gpkg"}


class MainWindow(QMainWindow):
    """Slimme Regio Planner's main window."""

    def __init__(self, project: Project | None = None, *, settings: AppSettings | None = None) -> None:
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
        self.session = EditSession(self.settings.author)
        self.last_run: RunResult | None = None
        self._run_job: Job | None = None
        self._layers_dirty = False
        self._move_source: str | None = None
        self._theme = "none"
        self._language_pending = False
        self._extra_jobs: list[Job] = []
        self._recovery_file: Path | None = None
        self._autosave_job: Job | None = None

        self.canvas = MapCanvas(self.project.layers, self)
        self.canvas.setObjectName("mapCanvas")
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.project.layers, self)
        self.identify_panel = IdentifyPanel(self)
        self.scenario_panel = ScenarioPanel(self.store, self)
        self.results_panel = ResultsPanel(self)
        self.table = AttributeTableWidget(self)

        titles = self._dock_titles()
        self.dock_layers = self._dock("layers", titles["layers"], self.layer_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock_identify = self._dock("identify", titles["identify"], self.identify_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock_scenario = self._dock("scenario", titles["scenario"], self.scenario_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock_results = self._dock("results", titles["results"], self.results_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dock_table = self._dock("table", titles["table"], self.table, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.dock_layers, self.dock_identify, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.dock_scenario, self.dock_results)
        self.dock_scenario.raise_()
        self.dock_table.hide()
        self.resizeDocks([self.dock_layers, self.dock_scenario], [270, 380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.dock_layers, self.dock_identify], [560, 260], Qt.Orientation.Vertical)

        self.actions_by_id = build_actions(self)
        self._build_menus()
        self._build_toolbars()
        self._build_statusbar()
        self._connect()
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

    # ------------------------------------------------------------------ build
    @staticmethod
    def _dock_titles() -> dict[str, str]:
        return {"layers": tr("Lagen"), "identify": tr("Objectgegevens"), "scenario": tr("Scenario"),
                "results": tr("Resultaten"), "table": tr("Attributentabel")}

    @staticmethod
    def _toolbar_titles() -> dict[str, str]:
        return {"main": tr("Project"), "map": tr("Kaart"), "edit": tr("Scenario bewerken"), "run": tr("Doorrekenen")}

    def _dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus: dict[str, QMenu] = {}
        for key, title in MENUS.items():
            self.menus[key] = bar.addMenu(tr(title))
        previous_group = {}
        for spec in ACTIONS:
            menu = self.menus[spec.menu]
            if spec.menu in previous_group and previous_group[spec.menu] != (spec.toolbar, spec.group):
                menu.addSeparator()
            previous_group[spec.menu] = (spec.toolbar, spec.group)
            if spec.id == "settings":
                self.recent_menu = self.menus["file"].addMenu(tr("&Recente projecten"))
                self.recent_menu.aboutToShow.connect(self._fill_recent)
                menu.addSeparator()
            menu.addAction(self.actions_by_id[spec.id])
        view = self.menus["view"]
        view.addSeparator()
        panels = view.addMenu(tr("&Panelen"))
        for dock in (self.dock_layers, self.dock_identify, self.dock_scenario, self.dock_results, self.dock_table):
            panels.addAction(dock.toggleViewAction())

    def _build_toolbars(self) -> None:
        self.toolbars: dict[str, QToolBar] = {}
        titles = self._toolbar_titles()
        for key, title in titles.items():
            tb = QToolBar(title, self)
            tb.setObjectName(f"toolbar_{key}")
            tb.setIconSize(QSize(22, 22))
            tb.setMovable(True)
            if key == "run":
                tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
            self.toolbars[key] = tb
        for spec in ACTIONS:
            if spec.toolbar:
                self.toolbars[spec.toolbar].addAction(self.actions_by_id[spec.id])
                if spec.id in ("zoom_out", "zoom_selection", "edit_remove_link", "edit_upgrade_link",
                               "edit_remove_mobipunt", "edit_add_housing_polygon"):
                    self.toolbars[spec.toolbar].addSeparator()
        # compare and siting show their text as tooltip only, so the toolbar fits 1600 px with the goto box
        for key in ("compare", "siting"):
            button = self.toolbars["run"].widgetForAction(self.actions_by_id[key])
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        # "go to municipality": the first thing a planner looks for
        self.goto_box = QComboBox(self)
        self.goto_box.setObjectName("gotoMunicipality")
        self.goto_box.setEditable(True)
        self.goto_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.goto_box.setMinimumContentsLength(14)
        self.goto_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._label_goto_box()
        completer = self.goto_box.completer()
        if completer is not None:
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.goto_box.activated.connect(lambda _i: self.goto_municipality(self.goto_box.currentText()))
        self.toolbars["map"].insertWidget(self.actions_by_id["attribute_table"], self.goto_box)
        self.toolbars["map"].insertSeparator(self.actions_by_id["attribute_table"])

    def _label_goto_box(self) -> None:
        self.goto_box.setToolTip(tr("Zoomen naar een gemeente: typ of kies de naam"))
        line = self.goto_box.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("Ga naar gemeente…"))

    def _build_statusbar(self) -> None:
        sb = self.statusBar()
        self.coord_label = QLabel(self)
        self.coord_label.setObjectName("coordLabel")
        self.coord_label.setMinimumWidth(250)
        self.scale_label = QLabel(self)
        self.scale_label.setObjectName("scaleLabel")
        self.scale_label.setMinimumWidth(110)
        self.crs_label = QLabel("EPSG:31370 · Lambert 72", self)
        self.crs_label.setStyleSheet("color: #607d8b;")
        for w in (self.coord_label, self.scale_label, self.crs_label):
            sb.addPermanentWidget(w)

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
        self.results_panel.themeChanged.connect(self.set_theme)
        self.results_panel.municipalitySelected.connect(self.zoom_to_municipality)

    # ---------------------------------------------------------------- project
    def set_project(self, project: Project) -> None:
        """Show ``project``: layers, scenarios; zoom to the region."""
        old = getattr(self, "_project_listener_on", None)
        if old is not None:
            with contextlib.suppress(ValueError):
                old.disconnect(self._layers_event)
        self.project = project
        project.layers.connect(self._layers_event)
        self._project_listener_on = project.layers
        self.canvas.set_layers(project.layers)
        self.canvas.set_theme_layers([])
        self.layer_panel.set_layers(project.layers)
        self.table.set_layers(list(project.layers))
        self.bases.invalidate()
        self.last_run = None
        errors = self.store.load(project.scenarios)
        for err in errors:
            dialogs.show_error(self, err)
        if not self.store.scenarios:
            self.store.add(Scenario(name=tr("Mijn scenario"), parameters=self.scenario_panel._default_parameters()))
            self.store.dirty = False
        self._layers_dirty = False
        self._update_snap_points()
        self._update_banner()
        self._update_title()
        self._update_goto_box()
        self._scenario_changed()
        QTimer.singleShot(0, self.canvas.zoom_to_full)

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
            tr("ℹ Illustratieve gegevens op de kaart: {names}. Laad echte lagen voor beslissingen.",
               names=", ".join(names))
            if names else ""
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
        ends = np.vstack([shapely.get_coordinates(shapely.get_point(parts, 0)),
                          shapely.get_coordinates(shapely.get_point(parts, -1))])
        self.canvas.set_snap_points(np.unique(ends.round(2), axis=0))

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
        path, _ = QFileDialog.getOpenFileName(self, tr("Project openen"), str(self._last_dir()),
                                              tr(PROJECT_FILE_FILTER) + tr("Alle bestanden (*)"))
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
        path, _ = QFileDialog.getSaveFileName(self, tr("Project opslaan als"), start, tr(PROJECT_FILE_FILTER))
        if not path:
            return False
        if Path(path).suffix.lower() not in _PROJECT_SUFFIXES:
            path += _PROJECT_SUFFIX
        return self.save_project_to(Path(path))

    def save_project_to(self, path: Path) -> bool:
        """Save atomically to ``path``; returns success."""
        from slimmeregio.layers.project_file import save_project

        self.project.scenarios = self.store.to_data()
        try:
            save_project(self.project, path)
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return False
        except OSError as exc:
            dialogs.show_error(self, exc)
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
        box = QMessageBox(QMessageBox.Icon.Question, tr("Niet-opgeslagen wijzigingen"),
                          tr("Het project heeft wijzigingen die niet zijn opgeslagen. Nu opslaan?"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Save).setText(tr("Opslaan"))
        box.button(QMessageBox.StandardButton.Discard).setText(tr("Niet opslaan"))
        box.button(QMessageBox.StandardButton.Cancel).setText(tr("Annuleren"))
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save_project()
        return answer == QMessageBox.StandardButton.Discard

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

        return Project(layers=LayerList(list(self.project.layers)),
                       settings=dc_replace(self.project.settings),
                       scenarios=self.store.to_data(), path=self.project.path)

    def autosave(self) -> Job | None:
        """Write the recovery copy in the worker (at the interval and before a
        run), so the planner never waits for it."""
        if not self.is_dirty or self._autosave_job is not None:
            return None
        from slimmeregio.layers.project_file import write_recovery

        snapshot = self._snapshot()

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

        self._autosave_job = self.runner.start(tr("Herstelkopie"), job, on_result=done, on_error=failed)
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
        box = QMessageBox(QMessageBox.Icon.Question, tr("Werk herstellen"),
                          tr("Er is niet-opgeslagen werk van {stamp} gevonden. Wilt u het herstellen?", stamp=stamp),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
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
        self.statusBar().showMessage(tr("Werk hersteld. Sla het project op om het te bewaren."), 8000)
        return True

    # ------------------------------------------------------------------- map
    def _show_coords(self, x: float, y: float) -> None:
        self.coord_label.setText(tr("x {x}  y {y} m", x=_n(x), y=_n(y)))

    def _show_scale(self) -> None:
        self.scale_label.setText(f"1 : {_n(round(self.canvas.view.scale_denominator, -1))}")

    def tool_navigate(self, checked: bool = True) -> None:
        if checked:
            self.canvas.set_tool(MapTool.NAVIGATE)
            self.statusBar().clearMessage()

    def tool_zoom_box(self, checked: bool = True) -> None:
        if checked:
            self.canvas.set_tool(MapTool.ZOOM_BOX)

    def zoom_in(self) -> None:
        self.canvas.zoom_by(1.5)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(1 / 1.5)

    def zoom_region(self) -> None:
        munis = self.project.layers.first(Role.MUNICIPALITIES)
        if munis is not None and len(munis):
            self.canvas.zoom_to_extent(munis.bounds)
        else:
            self.canvas.zoom_to_full()

    def zoom_layer(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.zoom_to_layer(layer.name)

    def zoom_to_layer(self, name: str) -> None:
        if name in self.project.layers:
            layer = self.project.layers[name]
            if layer.is_raster or len(layer):
                self.canvas.zoom_to_extent(layer.bounds)

    def zoom_selection(self) -> None:
        boxes = []
        for layer in self.project.layers:
            pos = self.canvas.selection(layer.name)
            if len(pos) and not layer.is_raster:
                boxes.append(layer.frame.geometry.iloc[pos].total_bounds)
        if boxes:
            a = np.array(boxes)
            self.canvas.zoom_to_extent((a[:, 0].min(), a[:, 1].min(), a[:, 2].max(), a[:, 3].max()), margin=0.3)

    def zoom_to_municipality(self, nis: str) -> None:
        layer = self.project.layers.first(Role.MUNICIPALITIES)
        if layer is None or not layer.has_field("nis"):
            return
        sel = np.flatnonzero(layer.column("nis").astype(str).to_numpy() == str(nis))
        if len(sel):
            self.canvas.set_selection(layer.name, sel)
            self.canvas.zoom_to_extent(tuple(layer.frame.geometry.iloc[sel].total_bounds))

    def goto_municipality(self, name: str) -> bool:
        """Zoom to and select the municipality called ``name`` (case-insensitive)."""
        layer = self.project.layers.first(Role.MUNICIPALITIES)
        if layer is None or not layer.has_field("name") or not layer.has_field("nis"):
            return False
        names = layer.column("name").astype(str).str.strip().str.casefold().to_numpy()
        hits = np.flatnonzero(names == name.strip().casefold())
        if not len(hits):
            self.statusBar().showMessage(tr("Geen gemeente gevonden met de naam '{name}'.", name=name.strip()), 5000)
            return False
        self.zoom_to_municipality(str(layer.column("nis").iloc[int(hits[0])]))
        return True

    def _update_goto_box(self) -> None:
        layer = self.project.layers.first(Role.MUNICIPALITIES)
        names = sorted(set(layer.column("name").astype(str))) if layer is not None and layer.has_field("name") else []
        current = [self.goto_box.itemText(i) for i in range(self.goto_box.count())]
        if names != current:
            self.goto_box.blockSignals(True)
            self.goto_box.clear()
            self.goto_box.addItems(names)
            self.goto_box.setCurrentIndex(-1)
            self.goto_box.blockSignals(False)
        self.goto_box.setEnabled(bool(names))

    def _identify(self, x: float, y: float, _tol: float) -> None:
        hits = self.canvas.features_at(x, y)
        self.identify_panel.show_features(hits)
        self.dock_identify.raise_()
        if hits:
            layer, pos = hits[0]
            self.canvas.clear_selection()
            self.canvas.set_selection(layer.name, [pos])
            if self.dock_table.isVisible() and layer.name in self.project.layers:
                self.table.select_positions(layer.name, np.array([pos]))
        else:
            self.canvas.clear_selection()

    def _table_selection(self, name: str, positions: np.ndarray) -> None:
        self.canvas.clear_selection()
        self.canvas.set_selection(name, positions)

    # ----------------------------------------------------------------- layers
    def show_attribute_table(self) -> None:
        layer = self.layer_panel.current_layer()
        self.show_table_for(layer.name if layer else "")

    def show_table_for(self, name: str) -> None:
        self.table.set_layers(list(self.project.layers), current=name or None)
        self.dock_table.show()
        self.dock_table.raise_()
        sel = self.canvas.selection(name) if name else np.empty(0)
        if len(sel):
            self.table.select_positions(name, sel)

    def add_layer_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, tr("Lagen toevoegen"), str(self._last_dir()),
                                                tr(LAYER_FILE_FILTER))
        for path in paths:
            self.load_layer_file(path)

    def load_layer_file(self, path: str | Path) -> Job:
        """Read ``path`` in the worker, then confirm role and fields."""
        from slimmeregio.layers.io import load_layers

        path = Path(path)
        self.statusBar().showMessage(tr("Bezig met inlezen: {name}…", name=path.name))

        def job(progress: Any = None, cancel: Any = None) -> list[Layer]:
            return load_layers(path, progress=progress, cancel=cancel)

        return self._start(tr("Inlezen"), job, on_result=self.confirm_layers)

    def confirm_layers(self, layers: list[Layer]) -> list[Layer]:
        """Show the role/field dialog and add the accepted layers."""
        from slimmeregio.desktop.adddialog import AddLayersDialog

        self.statusBar().clearMessage()
        if not layers:
            return []
        dialog = AddLayersDialog(layers, self)
        self._last_dialog = dialog
        if dialog.exec() != AddLayersDialog.DialogCode.Accepted:
            return []
        return self.add_layers(dialog.layers())

    def import_osm_dialog(self) -> Any:
        """Lagen -> OpenStreetMap importeren: the import dialog (non-modal)."""
        from slimmeregio.desktop.osmdialog import OsmImportDialog

        dialog = OsmImportDialog(self)
        self._last_dialog = dialog
        dialog.show()
        return dialog

    def add_osm_result(self, result: Any, *, use_for_analysis: bool = True) -> list[Layer]:
        """Confirm and add an OpenStreetMap import's layers. With
        ``use_for_analysis``, an added OSM bike network becomes the network the
        engine uses: earlier bike networks are hidden and get the role 'other'."""
        added = self.confirm_layers(list(result.layers))
        networks = [la for la in added if la.role == Role.BIKE_NETWORK]
        if not networks or not use_for_analysis:
            return added
        keep = {la.name for la in networks}
        for layer in list(self.project.layers):
            if layer.role == Role.BIKE_NETWORK and layer.name not in keep:
                i = self.project.layers.index(layer.name)
                self.project.layers.remove(layer.name)
                self.project.layers.insert(i, layer.replace(role=Role.OTHER, visible=False))
        self.statusBar().showMessage(
            tr("Het OpenStreetMap-fietsnetwerk '{name}' wordt nu gebruikt in de analyses.", name=networks[0].name), 8000)
        return added

    def add_layers(self, layers: list[Layer]) -> list[Layer]:
        added = []
        for layer in layers:
            self.project.layers.append(layer)
            added.append(self.project.layers[-1])
        if added:
            self.layer_panel.select_layer(added[-1].name)
            self.statusBar().showMessage(tr("{n} laag/lagen toegevoegd.", n=len(added)), 5000)
        return added

    def remove_layer(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.remove_layer_named(layer.name)

    def remove_layer_named(self, name: str) -> None:
        if name not in self.project.layers:
            return
        answer = QMessageBox.question(self, tr("Laag verwijderen"), tr("Laag '{name}' uit het project verwijderen?", name=name))
        if answer == QMessageBox.StandardButton.Yes:
            self.project.layers.remove(name)

    def edit_style(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.edit_style_of(layer.name)

    def edit_style_of(self, name: str) -> None:
        from slimmeregio.desktop.styledialog import StyleDialog

        if name not in self.project.layers:
            return
        layer = self.project.layers[name]
        dialog = StyleDialog(layer, self)
        self._last_dialog = dialog
        if dialog.exec() == StyleDialog.DialogCode.Accepted:
            layer.style = dialog.style()
            self.project.layers.changed(name, "style")

    # drag and drop of files
    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:  # noqa: N802
        if (
            event is not None
            and event.mimeData() is not None
            and event.mimeData().hasUrls()
            and any(Path(u.toLocalFile()).suffix.lower() in _LAYER_SUFFIXES | {_PROJECT_SUFFIX}
                    for u in event.mimeData().urls())
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent | None) -> None:  # noqa: N802
        if event is None or event.mimeData() is None:
            return
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() == _PROJECT_SUFFIX:
                if self._confirm_discard():
                    self.open_project(path)
                break
            if path.suffix.lower() in _LAYER_SUFFIXES or path.is_dir():
                self.load_layer_file(path)
        event.acceptProposedAction()

    # -------------------------------------------------------------- scenarios
    def _scenario_changed(self) -> None:
        cur = self.store.current
        self.actions_by_id["undo"].setEnabled(self.store.can_undo())
        self.actions_by_id["redo"].setEnabled(self.store.can_redo())
        self.canvas.set_overlay(self._modification_overlay(cur))
        self._update_title()

    def _modification_overlay(self, scenario: Scenario | None, highlight: int = -1) -> list[OverlayItem]:
        if scenario is None:
            return []
        items: list[OverlayItem] = []
        net = self.project.layers.first(Role.BIKE_NETWORK)
        mobi = self.project.layers.first(Role.MOBIPUNTEN)
        for i, mod in enumerate(scenario.modifications):
            wide = 2.0 if i == highlight else 0.0
            kind = mod.kind
            if kind == "add_link":
                items.append(OverlayItem(np.array(mod.coords), "line", CHANGE_COLORS["added"], 3.5 + wide))
            elif kind in ("remove_link", "upgrade_link") and net is not None:
                ids = self._link_ids(net)
                pos = np.flatnonzero(np.isin(ids, np.array(mod.link_ids)))
                color = CHANGE_COLORS["removed"] if kind == "remove_link" else CHANGE_COLORS["upgraded"]
                for geom in net.frame.geometry.iloc[pos]:
                    for part in shapely.get_parts(geom):
                        items.append(OverlayItem(shapely.get_coordinates(part), "line", color, 3.5 + wide,
                                                 dashed=kind == "remove_link"))
            elif kind == "add_mobipunt":
                items.append(OverlayItem(np.array([[mod.x, mod.y]]), "point",
                                         HOPPIN_COLORS.get(mod.hoppin_type, "#1976d2"), 7 + wide, label=mod.name))
            elif kind in ("move_mobipunt", "remove_mobipunt") and mobi is not None:
                ids = feature_ids(mobi, "mobipunt_id", "id")
                pos = np.flatnonzero(ids == mod.mobipunt_id)
                if len(pos):
                    old = mobi.frame.geometry.iloc[int(pos[0])].centroid
                    if kind == "move_mobipunt":
                        items.append(OverlayItem(np.array([[old.x, old.y], [mod.x, mod.y]]), "line",
                                                 "#546e7a", 1.5, dashed=True))
                        items.append(OverlayItem(np.array([[mod.x, mod.y]]), "point", "#1976d2", 7 + wide))
                    else:
                        items.append(OverlayItem(np.array([[old.x, old.y]]), "point", "#212121", 6 + wide,
                                                 label=tr("geschrapt")))
            elif kind == "add_housing":
                label = tr("{n} woningen", n=mod.dwellings)
                if mod.x is not None and mod.y is not None:
                    items.append(OverlayItem(np.array([[mod.x, mod.y]]), "point", HOUSING_AREA_COLOR, 7 + wide,
                                             label=label))
                elif mod.polygon is not None:
                    anchor = shapely.Polygon(mod.polygon).representative_point()
                    items.append(OverlayItem(np.array(mod.polygon, dtype=float), "polygon", HOUSING_AREA_COLOR,
                                             2.0 + wide, label=label, anchor=(anchor.x, anchor.y)))
        return items

    def _highlight_modification(self, row: int) -> None:
        self.canvas.set_overlay(self._modification_overlay(self.store.current, highlight=row))

    def _link_ids(self, layer: Layer) -> np.ndarray:
        from slimmeregio.scenarios.network import link_ids_of

        cache = getattr(self, "_link_id_cache", None)
        if cache is None or cache[0] is not layer:
            cache = (layer, link_ids_of(layer))
            self._link_id_cache = cache
        return cache[1]

    def _ensure_scenario(self) -> Scenario:
        cur = self.store.current
        if cur is None:
            cur = self.store.add(Scenario(name=tr("Mijn scenario"), parameters=self.scenario_panel._default_parameters()))
        return cur

    def append_modification(self, kind: str, **values: Any) -> bool:
        """Validate and append a modification to the current scenario."""
        cur = self._ensure_scenario()
        data = cur.to_dict()
        mod = {"kind": kind, "created": datetime.now().astimezone().isoformat(timespec="seconds"), **values}
        mod = {k: v for k, v in mod.items() if v is not None}
        data["modifications"] = [*data.get("modifications", []), mod]
        try:
            new = Scenario.from_dict(data)
        except ScenarioError as exc:
            dialogs.show_error(self, exc)
            return False
        self.store.replace_current(new)
        self.dock_scenario.raise_()
        return True

    def _ask(self, kind: str, *, info: str = "", defaults: dict[str, Any] | None = None) -> dict[str, Any] | None:
        dialog = ModificationDialog(kind, self.session, self, info=info, defaults=defaults)
        self._last_dialog = dialog
        if dialog.exec() != ModificationDialog.DialogCode.Accepted:
            return None
        if self.session.author and self.session.author != self.settings.author:
            self.settings.author = self.session.author
        return dialog.values()

    def _edit_tool(self, pending: str, checked: bool, tool: MapTool, message: str,
                   pick_role: Role | None = None) -> None:
        self._pending = pending
        if not checked:
            return
        pick = None
        if pick_role is not None:
            layer = self.project.layers.first(pick_role)
            if layer is None:
                dialogs.show_error(self, SlimmeRegioError(detail=tr("Het project heeft geen laag met de rol {role}.",
                                                                    role=pick_role.label(language()))))
                self.actions_by_id["tool_pan"].setChecked(True)
                self.tool_navigate(True)
                return
            pick = layer.name
        self._move_source = None
        self.canvas.set_tool(tool, pick_layer=pick)
        self.canvas.setFocus()
        self.statusBar().showMessage(message)

    def tool_add_link(self, checked: bool = True) -> None:
        self._edit_tool("add_link", checked, MapTool.LINE, tr("Klik de punten van de nieuwe verbinding aan; dubbelklik of Enter om af te sluiten, Esc om te annuleren."))

    def tool_close_link(self, checked: bool = True) -> None:
        self._edit_tool("remove_link", checked, MapTool.FEATURE, tr("Klik op de verbinding die u wilt afsluiten."), Role.BIKE_NETWORK)

    def tool_upgrade_link(self, checked: bool = True) -> None:
        self._edit_tool("upgrade_link", checked, MapTool.FEATURE, tr("Klik op de verbinding die u wilt opwaarderen."), Role.BIKE_NETWORK)

    def tool_add_mobipunt(self, checked: bool = True) -> None:
        self._edit_tool("add_mobipunt", checked, MapTool.POINT, tr("Klik op de plaats van het nieuwe mobipunt."))

    def tool_move_mobipunt(self, checked: bool = True) -> None:
        self._edit_tool("move_mobipunt", checked, MapTool.FEATURE, tr("Klik op het mobipunt dat u wilt verplaatsen."), Role.MOBIPUNTEN)

    def tool_remove_mobipunt(self, checked: bool = True) -> None:
        self._edit_tool("remove_mobipunt", checked, MapTool.FEATURE, tr("Klik op het mobipunt dat u wilt schrappen."), Role.MOBIPUNTEN)

    def tool_add_housing(self, checked: bool = True) -> None:
        self._edit_tool("add_housing", checked, MapTool.POINT, tr("Klik op de plaats van het woonproject."))

    def tool_add_housing_polygon(self, checked: bool = True) -> None:
        self._edit_tool("add_housing", checked, MapTool.POLYGON, tr("Klik de hoekpunten van het woonproject aan; dubbelklik of Enter om af te sluiten, Backspace wist het laatste punt, Esc annuleert."))

    def _polygon_finished(self, coords: list[tuple[float, float]]) -> None:
        area = shapely.Polygon(coords).area
        values = self._ask("add_housing", info=tr("Oppervlakte: {ha} ha", ha=_ha(area)))
        if values is None:
            return
        self.append_modification("add_housing", polygon=[list(c) for c in coords], **values)

    def _line_finished(self, coords: list[tuple[float, float]]) -> None:
        values = self._ask("add_link", info=tr("Lengte: {m} m", m=_n(sum(
            float(np.hypot(b[0] - a[0], b[1] - a[1])) for a, b in zip(coords, coords[1:], strict=False)))))
        if values is None:
            return
        self.append_modification("add_link", coords=[list(c) for c in coords], **values)

    def _point_picked(self, x: float, y: float) -> None:
        pending = getattr(self, "_pending", "")
        if pending == "move_mobipunt" and self._move_source is not None:
            values = self._ask("move_mobipunt", info=tr("Mobipunt {id} naar de aangeklikte plaats.", id=self._move_source))
            if values is not None:
                self.append_modification("move_mobipunt", mobipunt_id=self._move_source, x=x, y=y,
                                         author=values["author"], reason=values["reason"])
            self._move_source = None
            self.tool_move_mobipunt(True)
            return
        if pending == "add_mobipunt":
            n = sum(1 for m in (self.store.current.modifications if self.store.current else ()) if m.kind == "add_mobipunt")
            values = self._ask("add_mobipunt", defaults={"name": tr("Nieuw mobipunt {n}", n=n + 1)})
            if values is not None:
                self.append_modification("add_mobipunt", x=x, y=y, **values)
        elif pending == "add_housing":
            values = self._ask("add_housing")
            if values is not None:
                self.append_modification("add_housing", x=x, y=y, **values)

    def _feature_picked(self, layer_name: str, pos: int) -> None:
        pending = getattr(self, "_pending", "")
        layer = self.project.layers[layer_name]
        self.canvas.set_selection(layer_name, [pos])
        if pending in ("remove_link", "upgrade_link"):
            link_id = int(self._link_ids(layer)[pos])
            name = ""
            if layer.has_field("name"):
                name = str(layer.column("name").iloc[pos] or "")
            info = tr("Verbinding {id}{name}", id=link_id, name=f" ({name})" if name and name != "nan" else "")
            values = self._ask(pending, info=info)
            if values is not None:
                if pending == "remove_link":
                    self.append_modification("remove_link", link_ids=[link_id], author=values["author"], reason=values["reason"])
                else:
                    self.append_modification("upgrade_link", link_ids=[link_id], **values)
        elif pending in ("remove_mobipunt", "move_mobipunt"):
            mid = str(feature_ids(layer, "mobipunt_id", "id")[pos])
            if pending == "remove_mobipunt":
                values = self._ask("remove_mobipunt", info=tr("Mobipunt {id}", id=mid))
                if values is not None:
                    self.append_modification("remove_mobipunt", mobipunt_id=mid, author=values["author"], reason=values["reason"])
            else:
                self._move_source = mid
                self.canvas.set_tool(MapTool.POINT)
                self.statusBar().showMessage(tr("Klik nu op de nieuwe plaats van mobipunt {id}.", id=mid))
        self.canvas.set_selection(layer_name, [])

    def undo(self) -> None:
        self.store.undo()

    def redo(self) -> None:
        self.store.redo()

    # -------------------------------------------------------------------- run
    def _start(self, name: str, fn: Any, **callbacks: Any) -> Job:
        callbacks.setdefault("on_error", lambda e: dialogs.show_error(self, e))
        job = self.runner.start(name, fn, **callbacks)
        self._extra_jobs.append(job)
        job.finished.connect(lambda: self._extra_jobs.remove(job) if job in self._extra_jobs else None)
        return job

    def run_scenario(self) -> Job | None:
        """Evaluate the current scenario against the base in the worker."""
        if self._run_job is not None:
            return None
        self.autosave()
        scenario = self.store.current
        params = scenario.parameters if scenario is not None else None
        base = self.bases.get(params) if params is not None else None
        version = self.bases.version
        project = self.project
        self.scenario_panel.set_running(True, tr("Bezig met doorrekenen…"))
        self.actions_by_id["run"].setEnabled(False)

        def job(progress: Any = None, cancel: Any = None) -> RunResult:
            return run_analysis(project, scenario, base, progress=progress, cancel=cancel)

        def done(result: RunResult) -> None:
            self.bases.put(result.parameters, result.base, version)
            self.show_run(result)

        def cancelled() -> None:
            self.scenario_panel.set_running(False, tr("Doorrekenen geannuleerd."))

        def failed(error: BaseException) -> None:
            self.scenario_panel.set_running(False, "")
            dialogs.show_error(self, error)

        self._run_job = self.runner.start(tr("Doorrekenen"), job, on_result=done, on_error=failed,
                                          on_progress=self.scenario_panel.set_progress, on_cancelled=cancelled)
        self._run_job.finished.connect(self._run_finished)
        return self._run_job

    def _run_finished(self) -> None:
        self._run_job = None
        self.actions_by_id["run"].setEnabled(True)
        if self._language_pending:
            self.apply_language()

    def cancel_run(self) -> None:
        if self._run_job is not None:
            self._run_job.cancel()
            self.scenario_panel.status.setText(tr("Bezig met annuleren…"))

    def show_run(self, result: RunResult) -> None:
        self.last_run = result
        ev = result.evaluation
        secs = ev.timings.get("total") if ev.timings else None
        message = tr("Doorgerekend.") if secs is None else tr("Doorgerekend in {s} s.", s=fmt(secs, "min").split()[0])
        self.scenario_panel.set_running(False, message)
        self.results_panel.show_results(ev, result.comparison)
        self.dock_results.raise_()
        if self.results_panel.theme.currentData() == "none":
            index = self.results_panel.theme.findData("change" if result.comparison is not None else "access")
            self.results_panel.theme.setCurrentIndex(index)
        else:
            self.set_theme(self.results_panel.theme.currentData())

    def set_theme(self, key: str) -> None:
        self._theme = key
        run = self.last_run
        if run is None:
            self.canvas.set_theme_layers([])
            return
        try:
            layers = theme_layers(key, run.evaluation, run.comparison)
        except (KeyError, ValueError) as exc:
            dialogs.show_error(self, exc)
            layers = []
        self.canvas.set_theme_layers(layers)
        self._update_banner()
        if key != "none" and not layers:
            notes = note_texts(run.evaluation, language()) if key == "flows_brussels" else []
            self.statusBar().showMessage(
                notes[0] if notes else tr("Dit kaartthema heeft niets te tonen voor deze doorrekening."), 10000)

    # ------------------------------------------------------------- dialogs
    def show_compare(self) -> None:
        from slimmeregio.desktop.comparepanel import CompareDialog

        dialog = CompareDialog(self)
        self._last_dialog = dialog
        dialog.show()

    def show_siting(self) -> None:
        from slimmeregio.desktop.sitingdialog import SitingDialog

        dialog = SitingDialog(self)
        self._last_dialog = dialog
        dialog.show()

    def show_export(self) -> None:
        from slimmeregio.desktop.exportdialog import ExportDialog

        dialog = ExportDialog(self)
        self._last_dialog = dialog
        dialog.show()

    def open_settings(self) -> None:
        from slimmeregio.desktop.settingsdialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        self._last_dialog = dialog
        before = language()
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.session.author = self.settings.author or self.session.author
            self.project.settings.organisation = self.settings.organisation or self.project.settings.organisation
            self._restart_autosave()
            if self.settings.language != before:
                set_language(self.settings.language)
                self.apply_language()

    def apply_language(self) -> None:
        """Re-label the window in the current language (after :func:`set_language`).

        Actions, menus, toolbars, docks and the status bar are re-labelled in
        place; the panels are rebuilt from the state they show (the project's
        layers, the scenario store with its undo history, the last run), so
        nothing but text changes. While a run is in progress the switch waits
        for its end, because the run reports progress to the scenario panel.
        """
        if self._run_job is not None:
            self._language_pending = True
            return
        self._language_pending = False
        retranslate_actions(self.actions_by_id)
        old_menus = list(self.menus.values())
        self.menuBar().clear()
        for menu in old_menus:
            menu.deleteLater()
        self._build_menus()
        for key, title in self._toolbar_titles().items():
            self.toolbars[key].setWindowTitle(title)
        self._label_goto_box()
        docks = {"layers": self.dock_layers, "identify": self.dock_identify, "scenario": self.dock_scenario,
                 "results": self.dock_results, "table": self.dock_table}
        for key, title in self._dock_titles().items():
            docks[key].setWindowTitle(title)
        self._rebuild_panels()
        self._show_scale()
        self._update_title()
        self._update_banner()
        self.statusBar().clearMessage()

    def _rebuild_panels(self) -> None:
        old = (self.layer_panel, self.identify_panel, self.scenario_panel, self.results_panel, self.table)
        current_layer = self.layer_panel.current_layer()
        table_layer = self.table.layer_box.currentText()
        theme = self._theme
        self.layer_panel.detach()
        self.layer_panel = LayerPanel(self.project.layers, self)
        self.identify_panel = IdentifyPanel(self)
        self.scenario_panel = ScenarioPanel(self.store, self)
        self.results_panel = ResultsPanel(self)
        self.table = AttributeTableWidget(self)
        self.dock_layers.setWidget(self.layer_panel)
        self.dock_identify.setWidget(self.identify_panel)
        self.dock_scenario.setWidget(self.scenario_panel)
        self.dock_results.setWidget(self.results_panel)
        self.dock_table.setWidget(self.table)
        for widget in old:
            widget.setParent(None)
            widget.deleteLater()
        self._connect_panels()
        if current_layer is not None:
            self.layer_panel.select_layer(current_layer.name)
        self.table.set_layers(list(self.project.layers), current=table_layer or None)
        run = self.last_run
        if run is not None:
            self.results_panel.show_results(run.evaluation, run.comparison)
            index = self.results_panel.theme.findData(theme)
            if index >= 0 and index != self.results_panel.theme.currentIndex():
                self.results_panel.theme.setCurrentIndex(index)  # re-labels the theme layers too
            else:
                self.set_theme(theme)
        self._scenario_changed()

    def show_about(self) -> None:
        import html

        from slimmeregio.resources import NOTICE

        lines = [html.escape(line) for line in self.project.attributions] or [
            html.escape(tr("Geen bronvermelding nodig voor de geladen lagen."))
        ]
        notes = "".join(f"<br><i>{html.escape(note)}</i>" for note in self.project.notes)
        QMessageBox.about(
            self, tr("Over Slimme Regio Planner"),
            tr("<b>Slimme Regio Planner {version}</b><br>Scenario's voor fietsverbindingen, mobipunten en "
               "woningen in Halle-Vilvoorde.<br><br>Coördinaten: Belgische Lambert 72 (EPSG:31370).<br>"
               "Licentie: GPL-3.0-or-later.", version=__version__)
            + "<br><br><b>" + html.escape(tr("Gegevens en bronnen")) + "</b><br>"
            + "<br>".join(lines) + notes + "<br><br>"
            + tr("Alle bronnen, licenties en bronvermeldingen van de ingebedde regio: {path}",
                 path=html.escape(str(NOTICE))),
        )

    def show_error_log(self) -> None:
        from PyQt6.QtCore import QUrl
        from PyQt6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    # ------------------------------------------------------------------ close
    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        if not self._confirm_discard():
            event.ignore()
            return
        self.runner.cancel_all()
        self.runner.wait(30000)
        self._autosave.stop()
        self.settings.save_window(self.saveGeometry().data(), self.saveState().data())
        self.settings.sync()
        if not self.is_dirty:
            self._clear_recovery()
        event.accept()

    def action(self, key: str) -> QAction:
        return self.actions_by_id[key]


def _ha(area_m2: float) -> str:
    """An area in hectares with two decimals (decimal comma in Dutch)."""
    text = f"{area_m2 / 10000.0:.2f}"
    return text.replace(".", ",") if language() == "nl" else text


def _n(value: float) -> str:
    """Thousands with a space (Lambert metres), no decimals."""
    return f"{value:,.0f}".replace(",", " ")


