"""Moving around the map from the main window: the navigation tools, zooming to the region, a layer, the selection or a municipality, and identifying what was clicked."""

from __future__ import annotations

import numpy as np

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.mapcanvas import MapTool
from slimmeregio.desktop.windowparts import WindowParts
from slimmeregio.layers.numbers import fmt_metres
from slimmeregio.layers.roles import Role


class NavigationMixin(WindowParts):
    """Zooming, going to a municipality and identifying features. Mixed into :class:`MainWindow`."""

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
