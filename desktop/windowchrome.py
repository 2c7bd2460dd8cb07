"""The main window's furniture: docks, menus, toolbars with the go-to-municipality box, the status bar, and the Help menu's about box and log folder."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
    QLabel,
    QMessageBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from slimmeregio import __version__
from slimmeregio.desktop.actions import ACTIONS, MENUS
from slimmeregio.desktop.attributetable import AttributeTableWidget
from slimmeregio.desktop.backgroundpanel import BackgroundPanel
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.identify import IdentifyPanel
from slimmeregio.desktop.layerpanel import LayerPanel
from slimmeregio.desktop.legendpanel import LegendPanel
from slimmeregio.desktop.resultspanel import ResultsPanel
from slimmeregio.desktop.scenariopanel import ScenarioPanel
from slimmeregio.desktop.settings import log_dir
from slimmeregio.desktop.windowparts import WindowParts


class WindowChromeMixin(WindowParts):
    """Builds the window's docks, menus, toolbars and status bar. Mixed into :class:`MainWindow`."""

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

    def _make_panels(self) -> None:
        """Create the docked panels over the window's state (at the start, and
        again after a language switch)."""
        self.layer_panel = LayerPanel(self.project.layers, self)
        self.identify_panel = IdentifyPanel(self)
        self.legend_panel = LegendPanel(self)
        self.scenario_panel = ScenarioPanel(self.store, self)
        self.results_panel = ResultsPanel(self)
        self.table = AttributeTableWidget(self)
        self.background_panel = BackgroundPanel(self.basemaps, self)

    def _panels(self) -> dict[str, QWidget]:
        """Each dock's panel, by dock key."""
        return {
            "layers": self.layer_panel,
            "identify": self.identify_panel,
            "legend": self.legend_panel,
            "scenario": self.scenario_panel,
            "results": self.results_panel,
            "table": self.table,
            "backgrounds": self.background_panel,
        }

    def _docks(self) -> dict[str, QDockWidget]:
        """The docks, by key (as :meth:`_panels`)."""
        return {
            "layers": self.dock_layers,
            "identify": self.dock_identify,
            "legend": self.dock_legend,
            "scenario": self.dock_scenario,
            "results": self.dock_results,
            "table": self.dock_table,
            "backgrounds": self.dock_backgrounds,
        }

    def _build_docks(self) -> None:
        """Dock the panels: layers, backgrounds and identify/legend on the left,
        scenario/results on the right, the attribute table (hidden) below."""
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        areas = {
            "layers": left,
            "identify": left,
            "legend": left,
            "scenario": right,
            "results": right,
            "table": Qt.DockWidgetArea.BottomDockWidgetArea,
            "backgrounds": left,
        }
        titles = self._dock_titles()
        docks = {
            key: self._dock(key, titles[key], widget, areas[key])
            for key, widget in self._panels().items()
        }
        self.dock_layers = docks["layers"]
        self.dock_identify = docks["identify"]
        self.dock_legend = docks["legend"]
        self.dock_scenario = docks["scenario"]
        self.dock_results = docks["results"]
        self.dock_table = docks["table"]
        self.dock_backgrounds = docks["backgrounds"]
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
        self.menus = {}
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
                recent = self.menus["file"].addMenu(tr("&Recente projecten"))
                assert recent is not None  # addMenu(title) always makes one
                self.recent_menu = recent
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
        self.toolbars = {}
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
