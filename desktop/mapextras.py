"""The map's GIS tools in the main window: labels, extents and bookmarks,
the tool actions and compare views; measuring, selection and search come from
:class:`~slimmeregio.desktop.selectiontools.SelectionToolsMixin`, route
explanation, reach and "what if I close this link" from
:class:`~slimmeregio.desktop.explaintools.ExplainToolsMixin`.

Mixed into :class:`~slimmeregio.desktop.mainwindow.MainWindow`;
:meth:`MapExtrasMixin.install_map_extras` adds the actions, the toolbar,
the explanation dock and the search box once the window is built.
"""

from __future__ import annotations

from typing import Any

import shapely
from PyQt6.QtCore import QStringListModel, Qt, QTimer
from PyQt6.QtWidgets import (
    QCompleter,
    QInputDialog,
    QLineEdit,
    QToolBar,
)

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.actions import build_actions, retranslate_actions
from slimmeregio.desktop.explainpanel import ExplainPanel
from slimmeregio.desktop.explaintools import ExplainToolsMixin
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.mapactions import MAP_ACTIONS, TOOLS, tool_message
from slimmeregio.desktop.mapview import View, ViewHistory
from slimmeregio.desktop.selectiontools import SelectionToolsMixin
from slimmeregio.layers.errors import SlimmeRegioError

__all__ = ["MAP_ACTIONS", "MapExtrasMixin"]


class MapExtrasMixin(ExplainToolsMixin, SelectionToolsMixin):
    """GIS tools of the map. Mixed into :class:`MainWindow`."""

    # ------------------------------------------------------------------ setup
    def install_map_extras(self) -> None:
        """Add the tools' actions, toolbar, dock, search box and view history."""
        extra = build_actions(self, MAP_ACTIONS)  # type: ignore[arg-type]
        group = self.actions_by_id["tool_pan"].actionGroup()
        for spec in MAP_ACTIONS:
            if spec.group and group is not None:
                group.addAction(extra[spec.id])
        self.actions_by_id.update(extra)
        self.map_actions = extra
        bar = QToolBar(tr("Kaartgereedschap"), self)
        bar.setObjectName("toolbar_tools")
        self.addToolBarBreak(
            Qt.ToolBarArea.TopToolBarArea
        )  # a second row: the first is full at 1600 px
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbars["tools"] = bar
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(220)
        self.search_box.setMaximumWidth(320)
        self._search_model = QStringListModel(self)
        completer = QCompleter(self._search_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search_box.setCompleter(completer)
        self.search_box.textEdited.connect(self._search_suggest)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        completer.activated.connect(self.search)
        bar.addWidget(self.search_box)
        bar.addSeparator()
        for spec in MAP_ACTIONS:
            if spec.toolbar == "tools":
                bar.addAction(extra[spec.id])
        self.explain_panel = ExplainPanel(self)
        self.dock_explain = self._dock(
            "explain", tr("Uitleg"), self.explain_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.tabifyDockWidget(self.dock_results, self.dock_explain)
        self.dock_scenario.raise_()
        self.view_history = ViewHistory()
        self._history_move = False
        self._history_timer = QTimer(self)
        self._history_timer.setSingleShot(True)
        self._history_timer.setInterval(350)
        self._history_timer.timeout.connect(self._remember_view)
        self.canvas.viewChanged.connect(self._history_timer.start)
        self.canvas.pointTask.connect(self._point_task)
        self.canvas.sketchTask.connect(self._sketch_task)
        self.canvas.boxTask.connect(self._box_task)
        self.canvas.contextRequested.connect(self._map_context_menu)
        self.canvas.themesChanged.connect(lambda: QTimer.singleShot(0, self._legend_themes))
        self.canvas.viewChanged.connect(self._legend_scale)
        self.layer_panel.labelsRequested.connect(self.edit_labels_of)
        self._extend_menus()
        self._label_map_extras()
        self._update_history_actions()

    def _label_map_extras(self) -> None:
        self.search_box.setPlaceholderText(tr("Zoek straat, adres of plaats…"))
        self.search_box.setToolTip(
            tr("Zoek een naam in de geladen lagen (straten uit OpenStreetMap, adressen, plaatsen)")
        )
        self.toolbars["tools"].setWindowTitle(tr("Kaartgereedschap"))
        self.dock_explain.setWindowTitle(tr("Uitleg"))
        self.explain_panel.retranslate()

    def _extend_menus(self) -> None:
        """Put the tools in the menus (again after a language switch)."""
        actions = getattr(self, "map_actions", None)
        if actions is None:
            return
        retranslate_actions(actions, MAP_ACTIONS)
        for spec in MAP_ACTIONS:
            menu = self.menus.get(spec.menu)
            if menu is not None:
                if spec.id in ("view_back", "tool_explain", "tool_select_box", "compare_view"):
                    menu.addSeparator()
                menu.addAction(actions[spec.id])
        self.bookmarks_menu = self.menus["view"].addMenu(tr("Bladwijzers"))
        self.bookmarks_menu.setObjectName("bookmarksMenu")
        self.bookmarks_menu.aboutToShow.connect(self._fill_bookmarks_menu)
        self._fill_bookmarks_menu()
        if hasattr(self, "search_box"):
            self._label_map_extras()

    # ------------------------------------------------------ labels and legend
    def edit_labels(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.edit_labels_of(layer.name)

    def edit_labels_of(self, name: str) -> None:
        from slimmeregio.desktop.labeldialog import LabelDialog

        if name not in self.project.layers:
            return
        layer = self.project.layers[name]
        dialog = LabelDialog(layer, self)  # type: ignore[arg-type]
        self._last_dialog = dialog
        if dialog.exec() == LabelDialog.DialogCode.Accepted:
            layer.style = dialog.chosen_style()
            self.project.layers.changed(name, "style")

    def _legend_themes(self) -> None:
        self.legend_panel.set_themes(self.canvas.theme_layers, self.canvas.theme_caption)

    def _legend_scale(self) -> None:
        # the legend greys layers out of their scale range; a 1 % step is enough
        scale = self.canvas.view.scale_denominator
        old = getattr(self, "_legend_scale_shown", None)
        if old is None or abs(scale - old) > 0.01 * old:
            self._legend_scale_shown = scale
            self.legend_panel.set_scale(scale)

    # --------------------------------------------------- extents and bookmarks
    def _remember_view(self) -> None:
        if self._history_move:
            self._history_move = False
        else:
            self.view_history.push(self.canvas.view)
        self._update_history_actions()

    def _update_history_actions(self) -> None:
        self.actions_by_id["view_back"].setEnabled(self.view_history.can_back())
        self.actions_by_id["view_forward"].setEnabled(self.view_history.can_forward())

    def _go(self, view: View | None) -> None:
        if view is not None:
            self._history_timer.stop()
            self._history_move = True
            self.canvas.set_view(view)
            self._history_timer.start()
        self._update_history_actions()

    def view_back(self) -> None:
        self._go(self.view_history.back())

    def view_forward(self) -> None:
        self._go(self.view_history.forward())

    def add_bookmark(self, name: str | None = None) -> bool:
        """Keep the current extent under ``name`` (asked when None) in the project."""
        if name is None:
            text, ok = QInputDialog.getText(
                self, tr("Bladwijzer toevoegen"), tr("Naam van dit kaartbeeld:")
            )
            if not ok:
                return False
            name = text
        name = name.strip()
        if not name:
            return False
        extent = [
            float(v) for v in self.canvas.view.extent(self.canvas.width(), self.canvas.height())
        ]
        marks = [b for b in self.project.settings.bookmarks if b["name"] != name]
        marks.append({"name": name, "extent": extent})
        self.project.settings.bookmarks = marks
        self._layers_dirty = True
        self._update_title()
        self._fill_bookmarks_menu()
        self.statusBar().showMessage(
            tr("Bladwijzer '{name}' bewaard in het project.", name=name), 5000
        )
        return True

    def goto_bookmark(self, name: str) -> bool:
        for mark in self.project.settings.bookmarks:
            if mark["name"] == name:
                self.canvas.zoom_to_extent(tuple(mark["extent"]), margin=0.0)
                return True
        return False

    def remove_bookmark(self, name: str) -> None:
        self.project.settings.bookmarks = [
            b for b in self.project.settings.bookmarks if b["name"] != name
        ]
        self._layers_dirty = True
        self._update_title()
        self._fill_bookmarks_menu()

    def _fill_bookmarks_menu(self) -> None:
        menu = getattr(self, "bookmarks_menu", None)
        if menu is None:
            return
        menu.clear()
        marks = list(self.project.settings.bookmarks)
        for mark in marks:
            menu.addAction(mark["name"], lambda n=mark["name"]: self.goto_bookmark(n))
        if marks:
            menu.addSeparator()
            remove = menu.addMenu(tr("Verwijderen"))
            for mark in marks:
                remove.addAction(mark["name"], lambda n=mark["name"]: self.remove_bookmark(n))
        menu.addAction(self.actions_by_id["bookmark_add"])

    # ------------------------------------------------------------------ tools
    def _map_tool(self, action_id: str, checked: bool) -> None:
        if not checked:
            return
        tool, purpose = TOOLS[action_id]
        self._pending = ""
        self.canvas.set_tool(tool, purpose=purpose)
        self.canvas.setFocus()
        self.statusBar().showMessage(tool_message(action_id))

    def tool_explain(self, checked: bool = True) -> None:
        self._map_tool("tool_explain", checked)

    def tool_reach(self, checked: bool = True) -> None:
        self._map_tool("tool_reach", checked)

    def tool_measure_line(self, checked: bool = True) -> None:
        self._map_tool("tool_measure_line", checked)

    def tool_measure_area(self, checked: bool = True) -> None:
        self._map_tool("tool_measure_area", checked)

    def tool_select_box(self, checked: bool = True) -> None:
        self._map_tool("tool_select_box", checked)

    def tool_select_polygon(self, checked: bool = True) -> None:
        self._map_tool("tool_select_polygon", checked)

    def _point_task(self, purpose: str, x: float, y: float) -> None:
        if purpose == "explain":
            self.explain_at(x, y)
        elif purpose == "reach":
            self.reach_at(x, y)

    def _sketch_task(self, purpose: str, coords: list[tuple[float, float]]) -> None:
        if purpose == "measure_line":
            self.last_measure = self.measure(coords, area=False)
        elif purpose == "measure_area":
            self.last_measure = self.measure(coords, area=True)
        elif purpose == "select_polygon" and len(coords) >= 3:
            self.select_in(shapely.Polygon(coords))

    def _box_task(self, purpose: str, x0: float, y0: float, x1: float, y1: float) -> None:
        if purpose == "select_box":
            self.select_in(shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))

    # ---------------------------------------------------------- compare views
    def show_compare_view(self) -> Any:
        """Base and the last run's scenario side by side (or swiped), in the current theme."""
        from slimmeregio.desktop.compareview import CompareViewDialog
        from slimmeregio.desktop.themes import theme_layers

        run = self.last_run
        if run is None or run.comparison is None:
            dialogs.show_error(
                self, SlimmeRegioError(detail=tr("Reken eerst een scenario door (F5)."))
            )
            return None
        key = self._theme if self._theme != "none" else "access"
        base_layers = theme_layers(key, run.base_evaluation, None)
        if not base_layers:  # a theme of differences has no base side: compare access times
            key = "access"
            base_layers = theme_layers(key, run.base_evaluation, None)
        scenario_layers = theme_layers(key, run.evaluation, run.comparison)
        dialog = CompareViewDialog(
            self.project.layers,
            base_layers,
            scenario_layers,
            titles=(tr("Basis"), run.scenario_name or tr("Scenario")),
            view=self.canvas.view,
            parent=self,
        )  # type: ignore[arg-type]
        self._last_dialog = dialog
        dialog.show()
        return dialog
