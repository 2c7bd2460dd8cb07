"""Measuring, selecting and searching on the map from the main window: lengths and areas of a sketch, selection by area or expression, saving a selection, and finding names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PyQt6.QtWidgets import QFileDialog, QInputDialog

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.windowparts import WindowParts
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_number


class SelectionToolsMixin(WindowParts):
    """Measuring, selection and search. Mixed into :class:`MainWindow` through :class:`MapExtrasMixin`."""

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
