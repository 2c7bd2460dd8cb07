"""What the main window's mixins may use of the window: its panels, docks, menus and state, declared once for the type checker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PyQt6.QtCore import QStringListModel, Qt, QTimer
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QWidget,
)

from slimmeregio.desktop.analysis import BaseCache, RunResult
from slimmeregio.desktop.attributetable import AttributeTableWidget
from slimmeregio.desktop.backgroundpanel import BackgroundPanel
from slimmeregio.desktop.basemap import BasemapController
from slimmeregio.desktop.editdialogs import EditSession
from slimmeregio.desktop.explainpanel import ExplainPanel
from slimmeregio.desktop.identify import IdentifyPanel
from slimmeregio.desktop.layerpanel import LayerPanel
from slimmeregio.desktop.legendpanel import LegendPanel
from slimmeregio.desktop.mapcanvas import MapCanvas
from slimmeregio.desktop.resultspanel import ResultsPanel
from slimmeregio.desktop.scenariopanel import ScenarioPanel, ScenarioStore
from slimmeregio.desktop.settings import AppSettings
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.model import Layer, Project
from slimmeregio.scenarios.runs import LayerVersions


class WindowParts(QMainWindow):
    """The main window's attributes, as :class:`~slimmeregio.desktop.mainwindow.MainWindow`
    sets them, and the methods one mixin calls on another.

    A mixin derives from this class so that the type checker knows what
    ``self`` holds; it adds nothing at run time (the methods are declared for
    the checker only; :class:`MainWindow` gets them from the mixins).
    """

    settings: AppSettings
    project: Project
    runner: WorkerRunner
    store: ScenarioStore
    bases: BaseCache
    layer_versions: LayerVersions
    session: EditSession
    last_run: RunResult | None
    runs_by_scenario: dict[str, RunResult]
    _removed_layers: list[tuple[int, Layer]]
    _undo_marks: list[str]
    _run_job: Job | None
    _layers_dirty: bool
    _move_source: str | None
    _theme: str
    _language_pending: bool
    _extra_jobs: list[Job]
    _recovery_file: Path | None
    _dropped_recovery: set[Path]
    _autosave_job: Job | None
    _autosave_after_run: bool
    _autosave: QTimer
    _last_dialog: QDialog

    canvas: MapCanvas
    layer_panel: LayerPanel
    identify_panel: IdentifyPanel
    legend_panel: LegendPanel
    scenario_panel: ScenarioPanel
    results_panel: ResultsPanel
    table: AttributeTableWidget
    basemaps: BasemapController
    background_panel: BackgroundPanel

    dock_layers: QDockWidget
    dock_identify: QDockWidget
    dock_legend: QDockWidget
    dock_scenario: QDockWidget
    dock_results: QDockWidget
    dock_table: QDockWidget
    dock_backgrounds: QDockWidget
    actions_by_id: dict[str, QAction]
    menus: dict[str, QMenu]
    recent_menu: QMenu
    toolbars: dict[str, QToolBar]
    goto_box: QComboBox
    coord_label: QLabel
    scale_label: QLabel
    crs_label: QLabel
    _search_model: QStringListModel
    explain_panel: ExplainPanel
    dock_explain: QDockWidget

    if TYPE_CHECKING:
        # Provided by MainWindow and its mixins.
        @property
        def is_dirty(self) -> bool: ...
        def set_project(self, project: Project) -> None: ...
        def _start(self, name: str, fn: Any, **callbacks: Any) -> Job: ...
        def update_stale(self) -> None: ...
        def tool_navigate(self, checked: bool = True) -> None: ...
        def restore_removed_layer(self) -> bool: ...
        def _confirm_discard(self) -> bool: ...
        def open_project(self, path: str | Path) -> bool: ...
        def autosave(self, *, before_run: bool = False) -> Job | None: ...
        def apply_language(self) -> None: ...
        def _link_ids(self, layer: Layer) -> np.ndarray: ...
        def _update_title(self) -> None: ...
        def _update_banner(self) -> None: ...
        def _connect_panels(self) -> None: ...
        def _scenario_changed(self) -> None: ...
        def set_theme(self, key: str) -> None: ...
        def _restart_autosave(self) -> None: ...
        def _fill_recent(self) -> None: ...
        def _last_dir(self) -> Path: ...
        def _extend_menus(self) -> None: ...
        def _toolbar_titles(self) -> dict[str, str]: ...
        def _dock_titles(self) -> dict[str, str]: ...
        def _dock(
            self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea
        ) -> QDockWidget: ...
        def _build_menus(self) -> None: ...
        def _make_panels(self) -> None: ...
        def _panels(self) -> dict[str, QWidget]: ...
        def _docks(self) -> dict[str, QDockWidget]: ...
        def _label_goto_box(self) -> None: ...
        def _show_scale(self) -> None: ...
        def goto_municipality(self, name: str) -> bool: ...
        def zoom_to_municipality(self, nis: str) -> None: ...
        def zoom_to_layer(self, name: str) -> None: ...
