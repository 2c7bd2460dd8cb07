"""The map's GIS tools in the main window: labels, extents and bookmarks,
compare views, selection, measuring, saving a selection and searching names;
route explanation, reach and "what if I close this link" come from
:class:`~slimmeregio.desktop.explaintools.ExplainToolsMixin`.

Mixed into :class:`~slimmeregio.desktop.mainwindow.MainWindow`;
:meth:`MapExtrasMixin.install_map_extras` adds the actions, the toolbar,
the explanation dock and the search box once the window is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QStringListModel, Qt, QTimer
from PyQt6.QtWidgets import (
    QCompleter,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QToolBar,
)

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.actions import ActionSpec, build_actions, retranslate_actions
from slimmeregio.desktop.explainpanel import ExplainPanel
from slimmeregio.desktop.explaintools import ExplainToolsMixin
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.maptools import MapTool
from slimmeregio.desktop.mapview import View, ViewHistory
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_number

__all__ = ["MAP_ACTIONS", "MapExtrasMixin"]


def _spec(*args: Any, **kwargs: Any) -> ActionSpec:
    return ActionSpec(*args, **kwargs)


MAP_ACTIONS: tuple[ActionSpec, ...] = (
    _spec(
        "view_back",
        "&Vorig kaartbeeld",
        "view_back",
        "view",
        "std:SP_ArrowLeft",
        "Alt+Left",
        toolbar="tools",
    ),
    _spec(
        "view_forward",
        "Volge&nd kaartbeeld",
        "view_forward",
        "view",
        "std:SP_ArrowRight",
        "Alt+Right",
        toolbar="tools",
    ),
    _spec("bookmark_add", "&Bladwijzer toevoegen…", "add_bookmark", "view", "", "Ctrl+B"),
    _spec("layer_labels", "Labels en &zichtbaarheid…", "edit_labels", "layer", "style", ""),
    _spec(
        "tool_explain",
        "Route &uitleggen",
        "tool_explain",
        "view",
        "explain-route",
        "",
        "Klik op een woning of een punt: de fietsroute naar het dichtste mobipunt, station en de Brusselse grens",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_reach",
        "&Bereik vanaf een punt",
        "tool_reach",
        "view",
        "reach",
        "",
        "Klik op een punt: het netwerk binnen 5, 10 en 15 minuten fietsen",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_measure_line",
        "Afstand &meten",
        "tool_measure_line",
        "view",
        "measure-line",
        "",
        "Klik punten aan; dubbelklik om af te sluiten",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_measure_area",
        "Oppervlakte m&eten",
        "tool_measure_area",
        "view",
        "measure-area",
        "",
        "Klik de hoekpunten aan; dubbelklik om af te sluiten",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_select_box",
        "Selecteren met &rechthoek",
        "tool_select_box",
        "layer",
        "select-box",
        "",
        "Trek een rechthoek rond de objecten van de gekozen laag",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_select_polygon",
        "Selecteren met &veelhoek",
        "tool_select_polygon",
        "layer",
        "select-polygon",
        "",
        "Klik een veelhoek rond de objecten van de gekozen laag; dubbelklik om af te sluiten",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "select_expression",
        "Selecteren met &uitdrukking…",
        "select_by_expression",
        "layer",
        "select-expression",
        "Ctrl+Shift+F",
        toolbar="tools",
    ),
    _spec(
        "save_selection",
        "Selectie opslaan &als…",
        "save_selection",
        "layer",
        "std:SP_DialogSaveButton",
        "",
    ),
    _spec(
        "compare_view",
        "Basis en scenario &naast elkaar…",
        "show_compare_view",
        "scenario",
        "compare",
        "",
    ),
)

#: Tool action id -> (canvas tool, purpose).
_TOOLS: dict[str, tuple[MapTool, str]] = {
    "tool_explain": (MapTool.POINT, "explain"),
    "tool_reach": (MapTool.POINT, "reach"),
    "tool_measure_line": (MapTool.LINE, "measure_line"),
    "tool_measure_area": (MapTool.POLYGON, "measure_area"),
    "tool_select_box": (MapTool.BOX, "select_box"),
    "tool_select_polygon": (MapTool.POLYGON, "select_polygon"),
}


def _tool_message(action_id: str) -> str:
    return {
        "tool_explain": tr("Klik op een woning of een punt om de route uit te leggen."),
        "tool_reach": tr(
            "Klik op een punt om te zien tot waar u fietst binnen 5, 10 en 15 minuten."
        ),
        "tool_measure_line": tr("Klik punten aan; dubbelklik of Enter om de afstand te meten."),
        "tool_measure_area": tr(
            "Klik de hoekpunten aan; dubbelklik of Enter om de oppervlakte te meten."
        ),
        "tool_select_box": tr("Trek een rechthoek om objecten van de gekozen laag te selecteren."),
        "tool_select_polygon": tr("Klik een veelhoek; dubbelklik of Enter om te selecteren."),
    }[action_id]


class MapExtrasMixin(ExplainToolsMixin):
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
            layer.style = dialog.style()
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
        tool, purpose = _TOOLS[action_id]
        self._pending = ""
        self.canvas.set_tool(tool, purpose=purpose)
        self.canvas.setFocus()
        self.statusBar().showMessage(_tool_message(action_id))

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

    # -------------------------------------------------------------- measuring
    def measure(self, coords: list[tuple[float, float]], *, area: bool) -> dict[str, float]:
        """Length (and area) of the sketch in Lambert 72 metres; shown in the status bar."""
        lang = language()
        pts = list(coords)
        if area:
            ring = shapely.Polygon(pts)
            result = {"area_m2": float(ring.area), "perimeter_m": float(ring.length)}
            text = tr(
                "Oppervlakte: {ha} ha ({m2} m²), omtrek {km}",
                ha=fmt_number(ring.area / 10000, "", lang, digits=2),
                m2=fmt_number(ring.area, "", lang, digits=0),
                km=fmt_number(ring.length / 1000, "km", lang, digits=2),
            )
        else:
            line = shapely.LineString(pts)
            result = {"length_m": float(line.length)}
            text = tr(
                "Afstand: {km} ({m} m, in rechte lijnen)",
                km=fmt_number(line.length / 1000, "km", lang, digits=2),
                m=fmt_number(line.length, "", lang, digits=0),
            )
        self.statusBar().showMessage(text)
        return result

    # -------------------------------------------------------------- selection
    def _selection_layer(self) -> Layer | None:
        layer = self.layer_panel.current_layer()
        if layer is None or layer.is_raster:
            dialogs.show_error(
                self, SlimmeRegioError(detail=tr("Kies eerst een vectorlaag in de lagenlijst."))
            )
            return None
        return layer

    def select_in(self, area: Any, layer: Layer | None = None) -> np.ndarray:
        """Select the features of ``layer`` (default: the current one) that intersect ``area``."""
        layer = layer or self._selection_layer()
        if layer is None:
            return np.empty(0, dtype=np.int64)
        hits = np.sort(layer.frame.sindex.query(area, predicate="intersects")).astype(np.int64)
        self._show_selection(layer, hits)
        return hits

    def _show_selection(self, layer: Layer, positions: np.ndarray) -> None:
        self.canvas.clear_selection()
        self.canvas.set_selection(layer.name, positions)
        if self.dock_table.isVisible():
            self.table.select_positions(layer.name, positions)
        self.statusBar().showMessage(
            tr("{n} objecten van '{layer}' geselecteerd.", n=len(positions), layer=layer.name)
        )

    def select_by_expression(
        self, text: str | None = None, layer: Layer | None = None
    ) -> np.ndarray | None:
        """Select the features of the current layer where ``text`` (asked when None) holds."""
        from slimmeregio.layers.expressions import evaluate_expression

        layer = layer or self._selection_layer()
        if layer is None:
            return None
        if text is None:
            columns = ", ".join(
                str(c) for c in layer.frame.columns if c != layer.frame.geometry.name
            )
            text, ok = QInputDialog.getText(
                self,
                tr("Selecteren met uitdrukking"),
                tr(
                    "Uitdrukking voor '{layer}' (kolommen: {columns}):",
                    layer=layer.name,
                    columns=columns,
                ),
            )
            if not ok:
                return None
        try:
            mask = evaluate_expression(text, layer.frame.drop(columns=layer.frame.geometry.name))
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return None
        positions = np.flatnonzero(mask).astype(np.int64)
        self._show_selection(layer, positions)
        return positions

    def save_selection(self, path: str | Path | None = None) -> Path | None:
        """Save the selected features (or, without a selection, the whole
        current layer: a result layer) as GeoPackage, GeoJSON or Shapefile."""
        from slimmeregio.layers.layer_out import LAYER_FORMATS, selected_layer, write_layer_file

        layer = self._selection_layer()
        if layer is None:
            return None
        positions = self.canvas.selection(layer.name)
        part = selected_layer(layer, positions) if len(positions) else layer
        if path is None:
            filters = ";;".join(f"{name} (*{suffix})" for suffix, name in LAYER_FORMATS.items())
            chosen, selected = QFileDialog.getSaveFileName(
                self,
                tr("Selectie opslaan als"),
                str(self._last_dir() / f"{layer.name}.gpkg"),
                filters,
            )
            if not chosen:
                return None
            path = Path(chosen)
            if path.suffix.lower() not in LAYER_FORMATS:
                suffix = next((s for s, n in LAYER_FORMATS.items() if n in selected), ".gpkg")
                path = path.with_suffix(suffix)
        try:
            out = write_layer_file(part, path, force=True)
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return None
        self.statusBar().showMessage(
            tr("{n} objecten opgeslagen in {path}.", n=len(part), path=str(out)), 8000
        )
        return out

    # ----------------------------------------------------------------- search
    def _search_layers(self) -> list[Layer]:
        return [layer for layer in self.project.layers if not layer.is_raster]

    def _search_suggest(self, text: str) -> None:
        from slimmeregio.layers.search import search_names

        if len(text.strip()) < 3:
            return
        names = []
        for hit in search_names(self._search_layers(), text, limit=15):
            if hit.text not in names:
                names.append(hit.text)
        self._search_model.setStringList(names)

    def search(self, text: str) -> list[Any]:
        """Find ``text`` in the loaded layers; zoom to and select the best hit."""
        from slimmeregio.layers.search import search_names

        hits = search_names(self._search_layers(), text)
        if not hits:
            self.statusBar().showMessage(
                tr("'{text}' niet gevonden in de geladen lagen.", text=text), 6000
            )
            return []
        hit = hits[0]
        x0, y0, x1, y1 = hit.bounds
        pad = 150.0  # a single address still shows its street
        self.canvas.zoom_to_extent((x0 - pad, y0 - pad, x1 + pad, y1 + pad), margin=0.0)
        self.canvas.clear_selection()
        self.canvas.set_selection(hit.layer, list(hit.positions))
        more = tr(" (en {n} andere treffers)", n=len(hits) - 1) if len(hits) > 1 else ""
        self.statusBar().showMessage(
            tr("Gevonden: {text} in '{layer}'", text=hit.text, layer=hit.layer) + more, 8000
        )
        return hits

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
