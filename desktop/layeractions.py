"""Layer actions of the main window: the attribute table, adding layers from
files or OpenStreetMap, removing and styling layers, drag and drop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PyQt6.QtGui import QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import (
    QFileDialog,
    QMessageBox,
)

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.projectfiles import PROJECT_SUFFIX
from slimmeregio.desktop.worker import Job
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import Role

LAYER_FILE_FILTER = (
    "Geodata (*.gpkg *.shp *.zip *.geojson *.json *.topojson *.csv *.tif *.tiff);;"
    "GeoPackage (*.gpkg);;Shapefile (*.shp *.zip);;GeoJSON (*.geojson *.json);;"
    "TopoJSON (*.topojson);;CSV (*.csv);;GeoTIFF (*.tif *.tiff)"
)
_LAYER_SUFFIXES = {
    ".gpkg",
    ".shp",
    ".zip",
    ".geojson",
    ".json",
    ".topojson",
    ".csv",
    ".tif",
    ".tiff",
}


class LayerActionsMixin:
    """Adding, removing and styling the project's layers. Mixed into :class:`MainWindow`."""

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
        paths, _ = QFileDialog.getOpenFileNames(
            self, tr("Lagen toevoegen"), str(self._last_dir()), tr(LAYER_FILE_FILTER)
        )
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

    def import_gtfs_dialog(self) -> Any:
        """Lagen -> Openbaar vervoer importeren: the GTFS import dialog (non-modal)."""
        from slimmeregio.desktop.gtfsdialog import GtfsImportDialog

        dialog = GtfsImportDialog(self)
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
            tr(
                "Het OpenStreetMap-fietsnetwerk '{name}' wordt nu gebruikt in de analyses.",
                name=networks[0].name,
            ),
            8000,
        )
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
        answer = QMessageBox.question(
            self,
            tr("Laag verwijderen"),
            tr("Laag '{name}' uit het project verwijderen?", name=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            index = self.project.layers.index(name)
            layer = self.project.layers.remove(name)
            self._removed_layers.append((index, layer))
            self._undo_marks.append("layer")
            self._scenario_changed()
            self.statusBar().showMessage(
                tr("Laag '{name}' verwijderd. Ongedaan maken (Ctrl+Z) zet ze terug.", name=name),
                10000,
            )

    def restore_removed_layer(self) -> bool:
        """Put the last removed layer back where it was (undo of a removal)."""
        if not self._removed_layers:
            return False
        index, layer = self._removed_layers.pop()
        if self._undo_marks and self._undo_marks[-1] == "layer":
            self._undo_marks.pop()
        self.project.layers.insert(min(index, len(self.project.layers)), layer)
        self._scenario_changed()
        self.statusBar().showMessage(tr("Laag '{name}' teruggezet.", name=layer.name), 5000)
        return True

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
            layer.style = dialog.chosen_style()
            self.project.layers.changed(name, "style")

    # drag and drop of files
    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:  # noqa: N802
        if (
            event is not None
            and event.mimeData() is not None
            and event.mimeData().hasUrls()
            and any(
                Path(u.toLocalFile()).suffix.lower() in _LAYER_SUFFIXES | {PROJECT_SUFFIX}
                for u in event.mimeData().urls()
            )
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent | None) -> None:  # noqa: N802
        if event is None or event.mimeData() is None:
            return
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() == PROJECT_SUFFIX:
                if self._confirm_discard():
                    self.open_project(path)
                break
            if path.suffix.lower() in _LAYER_SUFFIXES or path.is_dir():
                self.load_layer_file(path)
        event.acceptProposedAction()
