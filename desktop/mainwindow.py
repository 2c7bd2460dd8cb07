"""The main window: wires the map, the panels, the scenario store and the
worker runner together. It adapts the models; it computes nothing itself."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QByteArray, QLocale, QSize, Qt, QTimer
from PyQt6.QtGui import QAction, QCloseEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
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
from slimmeregio.desktop.analysis import BaseCache, RunResult
from slimmeregio.desktop.attributetable import AttributeTableWidget
from slimmeregio.desktop.backgroundpanel import BackgroundPanel
from slimmeregio.desktop.basemap import BasemapController
from slimmeregio.desktop.editdialogs import EditSession
from slimmeregio.desktop.edittools import EditToolsMixin
from slimmeregio.desktop.i18n import language, set_language, tr
from slimmeregio.desktop.identify import IdentifyPanel
from slimmeregio.desktop.layeractions import LAYER_FILE_FILTER, LayerActionsMixin
from slimmeregio.desktop.layerpanel import LayerPanel
from slimmeregio.desktop.legendpanel import LegendPanel
from slimmeregio.desktop.mapcanvas import MapCanvas, MapTool
from slimmeregio.desktop.mapextras import MapExtrasMixin
from slimmeregio.desktop.projectfiles import PROJECT_FILE_FILTER, ProjectFilesMixin
from slimmeregio.desktop.resultspanel import ResultsPanel
from slimmeregio.desktop.runcontrol import RunControlMixin
from slimmeregio.desktop.scenariopanel import ScenarioPanel, ScenarioStore
from slimmeregio.desktop.servicedialog import ServiceActionsMixin
from slimmeregio.desktop.settings import AppSettings, log_dir
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.numbers import fmt_metres
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

        self.canvas = MapCanvas(self.project.layers, self)
        self.canvas.setObjectName("mapCanvas")
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.project.layers, self)
        self.identify_panel = IdentifyPanel(self)
        self.legend_panel = LegendPanel(self)
        self.scenario_panel = ScenarioPanel(self.store, self)
        self.results_panel = ResultsPanel(self)
        self.table = AttributeTableWidget(self)
        self.basemaps = BasemapController(self.canvas, parent=self)
        self.basemaps.changed.connect(self._backgrounds_changed)
        self.background_panel = BackgroundPanel(self.basemaps, self)

        titles = self._dock_titles()
        self.dock_layers = self._dock(
            "layers", titles["layers"], self.layer_panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.dock_identify = self._dock(
            "identify",
            titles["identify"],
            self.identify_panel,
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.dock_legend = self._dock(
            "legend", titles["legend"], self.legend_panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.dock_scenario = self._dock(
            "scenario",
            titles["scenario"],
            self.scenario_panel,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.dock_results = self._dock(
            "results", titles["results"], self.results_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dock_table = self._dock(
            "table", titles["table"], self.table, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.dock_backgrounds = self._dock(
            "backgrounds",
            titles["backgrounds"],
            self.background_panel,
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.splitDockWidget(self.dock_layers, self.dock_backgrounds, Qt.Orientation.Vertical)
        self.splitDockWidget(self.dock_backgrounds, self.dock_identify, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.dock_identify, self.dock_legend)
        self.dock_identify.raise_()
        self.tabifyDockWidget(self.dock_scenario, self.dock_results)
        self.dock_scenario.raise_()
        self.dock_table.hide()
        self.resizeDocks(
            [self.dock_layers, self.dock_scenario], [340, 380], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.dock_layers, self.dock_identify], [480, 340], Qt.Orientation.Vertical
        )

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

    # ------------------------------------------------------------------ build
    @staticmethod
    def _dock_titles() -> dict[str, str]:
        return {
            "layers": tr("Lagen"),
            "identify": tr("Objectgegevens"),
            "legend": tr("Legenda"),
            "scenario": tr("Scenario"),
            "results": tr("Resultaten"),
            "table": tr("Attributentabel"),
            "backgrounds": tr("Achtergrondkaarten"),
        }

    @staticmethod
    def _toolbar_titles() -> dict[str, str]:
        return {
            "main": tr("Project"),
            "map": tr("Kaart"),
            "edit": tr("Scenario bewerken"),
            "run": tr("Doorrekenen"),
        }

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
            menu = bar.addMenu(tr(title))
            assert menu is not None  # addMenu(title) always makes one
            self.menus[key] = menu
        previous_group: dict[str, tuple[Any, Any]] = {}
        for spec in ACTIONS:
            menu = self.menus[spec.menu]
            if spec.menu in previous_group and previous_group[spec.menu] != (
                spec.toolbar,
                spec.group,
            ):
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
        for dock in (
            self.dock_layers,
            self.dock_identify,
            self.dock_legend,
            self.dock_scenario,
            self.dock_results,
            self.dock_table,
        ):
            panels.addAction(dock.toggleViewAction())
        self._extend_menus()

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
                if spec.id in (
                    "zoom_out",
                    "zoom_selection",
                    "edit_remove_link",
                    "edit_upgrade_link",
                    "edit_remove_mobipunt",
                    "edit_add_housing_polygon",
                ):
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
        self.goto_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._label_goto_box()
        completer = self.goto_box.completer()
        if completer is not None:
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.goto_box.activated.connect(
            lambda _i: self.goto_municipality(self.goto_box.currentText())
        )
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

    # ------------------------------------------------------------------- map
    def _show_coords(self, x: float, y: float) -> None:
        self.coord_label.setText(tr("x {x}  y {y} m", x=fmt_metres(x), y=fmt_metres(y)))

    def _show_scale(self) -> None:
        self.scale_label.setText(f"1 : {fmt_metres(round(self.canvas.view.scale_denominator, -1))}")

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
            self.canvas.zoom_to_extent(
                (a[:, 0].min(), a[:, 1].min(), a[:, 2].max(), a[:, 3].max()), margin=0.3
            )

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
            self.statusBar().showMessage(
                tr("Geen gemeente gevonden met de naam '{name}'.", name=name.strip()), 5000
            )
            return False
        self.zoom_to_municipality(str(layer.column("nis").iloc[int(hits[0])]))
        return True

    def _update_goto_box(self) -> None:
        layer = self.project.layers.first(Role.MUNICIPALITIES)
        names = (
            sorted(set(layer.column("name").astype(str)))
            if layer is not None and layer.has_field("name")
            else []
        )
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

    def open_settings(self) -> None:
        from slimmeregio.desktop.settingsdialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        self._last_dialog = dialog
        before = language()
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.session.author = self.settings.author or self.session.author
            self.project.settings.organisation = (
                self.settings.organisation or self.project.settings.organisation
            )
            self._restart_autosave()
            if self.settings.language != before:
                from PyQt6.QtWidgets import QApplication

                from slimmeregio.desktop.app import apply_qt_language

                set_language(self.settings.language)
                app = QApplication.instance()
                if isinstance(app, QApplication):
                    apply_qt_language(app, self.settings.language)
                self.setLocale(QLocale())  # widgets cache their locale: hand them the new default
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
        docks = {
            "layers": self.dock_layers,
            "identify": self.dock_identify,
            "legend": self.dock_legend,
            "scenario": self.dock_scenario,
            "results": self.dock_results,
            "table": self.dock_table,
            "backgrounds": self.dock_backgrounds,
        }
        for key, title in self._dock_titles().items():
            docks[key].setWindowTitle(title)
        self._rebuild_panels()
        self._show_scale()
        self._update_title()
        self._update_banner()
        self.statusBar().clearMessage()

    def _rebuild_panels(self) -> None:
        old: tuple[QWidget, ...] = (
            self.layer_panel,
            self.identify_panel,
            self.legend_panel,
            self.scenario_panel,
            self.results_panel,
            self.table,
        )
        current_layer = self.layer_panel.current_layer()
        table_layer = self.table.layer_box.currentText()
        theme = self._theme
        self.layer_panel.detach()
        self.layer_panel = LayerPanel(self.project.layers, self)
        self.identify_panel = IdentifyPanel(self)
        self.legend_panel = LegendPanel(self)
        self.scenario_panel = ScenarioPanel(self.store, self)
        self.results_panel = ResultsPanel(self)
        self.table = AttributeTableWidget(self)
        old += (self.background_panel,)
        self.background_panel = BackgroundPanel(self.basemaps, self)
        self.dock_backgrounds.setWidget(self.background_panel)
        self.dock_layers.setWidget(self.layer_panel)
        self.dock_identify.setWidget(self.identify_panel)
        self.dock_legend.setWidget(self.legend_panel)
        self.legend_panel.show_layers(self.project.layers)
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
            self.results_panel.show_results(
                run.evaluation, run.comparison, reference=run.reference, name=run.scenario_name
            )
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
            self,
            tr("Over Slimme Regio Planner"),
            tr(
                "<b>Slimme Regio Planner {version}</b><br>Scenario's voor fietsverbindingen, mobipunten en "
                "woningen in Halle-Vilvoorde.<br><br>Coördinaten: Belgische Lambert 72 (EPSG:31370).<br>"
                "Licentie: GPL-3.0-or-later.",
                version=__version__,
            )
            + "<br><br><b>"
            + html.escape(tr("Gegevens en bronnen"))
            + "</b><br>"
            + "<br>".join(lines)
            + notes
            + "<br><br>"
            + tr(
                "Alle bronnen, licenties en bronvermeldingen van de ingebedde regio: {path}",
                path=html.escape(str(NOTICE)),
            ),
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
