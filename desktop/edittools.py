"""Scenario edit tools of the main window: the map tools that add, close,
upgrade, move or remove features, the edit forms and the modification overlay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.analysis import feature_ids
from slimmeregio.desktop.editdialogs import ModificationDialog
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.mapcanvas import HOUSING_AREA_COLOR, MapTool, OverlayItem
from slimmeregio.desktop.windowparts import WindowParts
from slimmeregio.layers.errors import ScenarioError, SlimmeRegioError
from slimmeregio.layers.model import Layer
from slimmeregio.layers.numbers import fmt_metres, fmt_number
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import CHANGE_COLORS, HOPPIN_COLORS
from slimmeregio.scenarios.model import Scenario


class EditToolsMixin(WindowParts):
    """Map edit tools that append modifications to the current scenario. Mixed into :class:`MainWindow`."""

    _move_source: str | None

    # -------------------------------------------------------------- scenarios
    def _scenario_changed(self) -> None:
        cur = self.store.current
        self.actions_by_id["undo"].setEnabled(
            self.store.can_undo() or self._undo_marks[-1:] == ["layer"]
        )
        self.actions_by_id["redo"].setEnabled(self.store.can_redo())
        self.canvas.set_overlay(self._modification_overlay(cur))
        self._update_title()
        self.update_stale()

    def _modification_overlay(
        self, scenario: Scenario | None, highlight: int = -1
    ) -> list[OverlayItem]:
        if scenario is None:
            return []
        items: list[OverlayItem] = []
        net = self.project.layers.first(Role.BIKE_NETWORK)
        mobi = self.project.layers.first(Role.MOBIPUNTEN)
        for i, mod in enumerate(scenario.modifications):
            wide = 2.0 if i == highlight else 0.0
            kind = mod.kind
            if kind == "add_link":
                items.append(
                    OverlayItem(np.array(mod.coords), "line", CHANGE_COLORS["added"], 3.5 + wide)
                )
            elif kind in ("remove_link", "upgrade_link") and net is not None:
                items += self._link_overlay(net, mod, wide)
            elif kind == "add_mobipunt":
                items.append(
                    OverlayItem(
                        np.array([[mod.x, mod.y]]),
                        "point",
                        HOPPIN_COLORS.get(mod.hoppin_type, "#1976d2"),
                        7 + wide,
                        label=mod.name,
                    )
                )
            elif kind in ("move_mobipunt", "remove_mobipunt") and mobi is not None:
                items += _mobipunt_overlay(mobi, mod, wide)
            elif kind == "add_housing":
                items += _housing_overlay(mod, wide)
        return items

    def _link_overlay(self, net: Layer, mod: Any, wide: float) -> list[OverlayItem]:
        """The links a remove_link or upgrade_link modification names, drawn as such."""
        removed = mod.kind == "remove_link"
        pos = np.flatnonzero(np.isin(self._link_ids(net), np.array(mod.link_ids)))
        color = CHANGE_COLORS["removed"] if removed else CHANGE_COLORS["upgraded"]
        return [
            OverlayItem(shapely.get_coordinates(part), "line", color, 3.5 + wide, dashed=removed)
            for geom in net.frame.geometry.iloc[pos]
            for part in shapely.get_parts(geom)
        ]

    def _highlight_modification(self, row: int) -> None:
        self.canvas.set_overlay(self._modification_overlay(self.store.current, highlight=row))

    def edit_modification(self, row: int) -> bool:
        """Edit modification ``row`` of the current scenario in its form (undoable)."""
        cur = self.store.current
        if cur is None or not 0 <= row < len(cur.modifications):
            return False
        mod = cur.modifications[row]
        values = mod.model_dump(mode="json", exclude_none=True)
        answer = self._ask(mod.kind, info=mod.describe(language()), defaults=values, editing=True)
        if answer is None:
            return False
        changes = {k: v for k, v in answer.items() if k in values or v is not None}
        try:
            self.store.edit_modification(row, changes)
        except ScenarioError as exc:
            dialogs.show_error(self, exc)
            return False
        self.scenario_panel.ledger.setCurrentRow(row)
        return True

    def zoom_to_modification(self, row: int) -> None:
        """Zoom the map to modification ``row`` of the current scenario."""
        cur = self.store.current
        if cur is None or not 0 <= row < len(cur.modifications):
            return
        items = self._modification_overlay(
            cur.model_copy(update={"modifications": (cur.modifications[row],)})
        )
        if not items:
            return
        xy = np.vstack([np.asarray(item.coords, dtype=float).reshape(-1, 2) for item in items])
        x0, y0 = xy.min(axis=0)
        x1, y1 = xy.max(axis=0)
        pad = 1200.0  # a point or a short link still shows its surroundings
        self.canvas.zoom_to_extent(
            (float(x0) - pad, float(y0) - pad, float(x1) + pad, float(y1) + pad)
        )
        self._highlight_modification(row)

    def _off_network_warning(self, point: shapely.Point) -> str:
        """A warning when ``point`` is farther from the bike network than the
        scenario's ``max_snap_m`` (its dwellings would count as unreachable)."""
        net = self.project.layers.first(Role.BIKE_NETWORK)
        cur = self.store.current
        if net is None or net.is_raster or not len(net):
            return ""
        limit = cur.parameters.max_snap_m if cur is not None else 500.0
        cache = getattr(self, "_network_tree", None)
        if cache is None or cache[0] is not net:
            geoms = np.asarray(net.frame.geometry.values, dtype=object)
            cache = (net, shapely.STRtree(geoms), geoms)
            self._network_tree = cache
        _net, tree, geoms = cache
        index = tree.nearest(point)
        if index is None:
            return ""
        distance = float(shapely.distance(point, geoms[int(index)]))
        if distance <= limit:
            return ""
        return tr(
            "⚠ Deze plaats ligt {d} m van het fietsnetwerk, verder dan {max} m: de woningen worden niet "
            "aangesloten en tellen als onbereikbaar.",
            d=_n(distance),
            max=_n(limit),
        )

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
            cur = self.store.add(
                Scenario(
                    name=tr("Mijn scenario"), parameters=self.scenario_panel._default_parameters()
                )
            )
        return cur

    def append_modification(self, kind: str, **values: Any) -> bool:
        """Validate and append a modification to the current scenario."""
        cur = self._ensure_scenario()
        data = cur.to_dict()
        mod = {
            "kind": kind,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            **values,
        }
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

    def _ask(
        self,
        kind: str,
        *,
        info: str = "",
        defaults: dict[str, Any] | None = None,
        editing: bool = False,
    ) -> dict[str, Any] | None:
        dialog = ModificationDialog(
            kind, self.session, self, info=info, defaults=defaults, editing=editing
        )
        self._last_dialog = dialog
        if dialog.exec() != ModificationDialog.DialogCode.Accepted:
            return None
        if self.session.author and self.session.author != self.settings.author:
            self.settings.author = self.session.author
        return dialog.values()

    def _edit_tool(
        self,
        pending: str,
        checked: bool,
        tool: MapTool,
        message: str,
        pick_role: Role | None = None,
    ) -> None:
        self._pending = pending
        if not checked:
            return
        pick = None
        if pick_role is not None:
            layer = self.project.layers.first(pick_role)
            if layer is None:
                dialogs.show_error(
                    self,
                    SlimmeRegioError(
                        detail=tr(
                            "Het project heeft geen laag met de rol {role}.",
                            role=pick_role.label(language()),
                        )
                    ),
                )
                self.actions_by_id["tool_pan"].setChecked(True)
                self.tool_navigate(True)
                return
            pick = layer.name
        self._move_source = None
        self._link_batch: list[int] = []
        self.canvas.set_tool(tool, pick_layer=pick)
        self.canvas.setFocus()
        self.statusBar().showMessage(message)

    def tool_add_link(self, checked: bool = True) -> None:
        self._edit_tool(
            "add_link",
            checked,
            MapTool.LINE,
            tr(
                "Klik de punten van de nieuwe verbinding aan; dubbelklik of Enter om af te sluiten, Esc om te annuleren."
            ),
        )

    def tool_close_link(self, checked: bool = True) -> None:
        self._edit_tool(
            "remove_link",
            checked,
            MapTool.FEATURE,
            tr(
                "Klik op de verbinding die u wilt afsluiten; Shift+klik kiest er meerdere (een route)."
            ),
            Role.BIKE_NETWORK,
        )

    def tool_upgrade_link(self, checked: bool = True) -> None:
        self._edit_tool(
            "upgrade_link",
            checked,
            MapTool.FEATURE,
            tr(
                "Klik op de verbinding die u wilt opwaarderen; Shift+klik kiest er meerdere (een route)."
            ),
            Role.BIKE_NETWORK,
        )

    def tool_add_mobipunt(self, checked: bool = True) -> None:
        self._edit_tool(
            "add_mobipunt", checked, MapTool.POINT, tr("Klik op de plaats van het nieuwe mobipunt.")
        )

    def tool_move_mobipunt(self, checked: bool = True) -> None:
        self._edit_tool(
            "move_mobipunt",
            checked,
            MapTool.FEATURE,
            tr("Klik op het mobipunt dat u wilt verplaatsen."),
            Role.MOBIPUNTEN,
        )

    def tool_remove_mobipunt(self, checked: bool = True) -> None:
        self._edit_tool(
            "remove_mobipunt",
            checked,
            MapTool.FEATURE,
            tr("Klik op het mobipunt dat u wilt schrappen."),
            Role.MOBIPUNTEN,
        )

    def tool_add_housing(self, checked: bool = True) -> None:
        self._edit_tool(
            "add_housing", checked, MapTool.POINT, tr("Klik op de plaats van het woonproject.")
        )

    def tool_add_housing_polygon(self, checked: bool = True) -> None:
        self._edit_tool(
            "add_housing",
            checked,
            MapTool.POLYGON,
            tr(
                "Klik de hoekpunten van het woonproject aan; dubbelklik of Enter om af te sluiten, Backspace wist het laatste punt, Esc annuleert."
            ),
        )

    def _polygon_finished(self, coords: list[tuple[float, float]]) -> None:
        polygon = shapely.Polygon(coords)
        info = tr("Oppervlakte: {ha} ha", ha=_ha(polygon.area))
        warning = self._off_network_warning(polygon.representative_point())
        values = self._ask("add_housing", info=f"{info}\n{warning}" if warning else info)
        if values is None:
            return
        self.append_modification("add_housing", polygon=[list(c) for c in coords], **values)

    def _line_finished(self, coords: list[tuple[float, float]]) -> None:
        values = self._ask(
            "add_link",
            info=tr(
                "Lengte: {m} m",
                m=_n(
                    sum(
                        float(np.hypot(b[0] - a[0], b[1] - a[1]))
                        for a, b in zip(coords, coords[1:], strict=False)
                    )
                ),
            ),
        )
        if values is None:
            return
        self.append_modification("add_link", coords=[list(c) for c in coords], **values)

    def _point_picked(self, x: float, y: float) -> None:
        pending = getattr(self, "_pending", "")
        if pending == "move_mobipunt" and self._move_source is not None:
            values = self._ask(
                "move_mobipunt",
                info=tr("Mobipunt {id} naar de aangeklikte plaats.", id=self._move_source),
            )
            if values is not None:
                self.append_modification(
                    "move_mobipunt",
                    mobipunt_id=self._move_source,
                    x=x,
                    y=y,
                    author=values["author"],
                    reason=values["reason"],
                )
            self._move_source = None
            self.tool_move_mobipunt(True)
            return
        if pending == "add_mobipunt":
            n = sum(
                1
                for m in (self.store.current.modifications if self.store.current else ())
                if m.kind == "add_mobipunt"
            )
            values = self._ask("add_mobipunt", defaults={"name": tr("Nieuw mobipunt {n}", n=n + 1)})
            if values is not None:
                self.append_modification("add_mobipunt", x=x, y=y, **values)
        elif pending == "add_housing":
            warning = self._off_network_warning(shapely.Point(x, y))
            values = self._ask("add_housing", info=warning)
            if values is not None and warning:
                self.statusBar().showMessage(warning, 15000)
            if values is not None:
                self.append_modification("add_housing", x=x, y=y, **values)

    def _feature_picked(self, layer_name: str, pos: int) -> None:
        pending = getattr(self, "_pending", "")
        layer = self.project.layers[layer_name]
        self.canvas.set_selection(layer_name, [pos])
        if pending in ("remove_link", "upgrade_link"):
            # Shift+click gathers several links (a route); a plain click closes the set
            batch: list[int] = getattr(self, "_link_batch", [])
            if pos in batch:
                batch.remove(pos)
            else:
                batch.append(pos)
            self._link_batch = batch
            if QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.canvas.set_selection(layer_name, batch)
                self.statusBar().showMessage(
                    tr(
                        "{n} verbinding(en) gekozen. Shift+klik voegt er meer toe; een klik "
                        "zonder Shift sluit de keuze af.",
                        n=len(batch),
                    )
                )
                return
            self._link_batch = []
            if not batch:
                self.canvas.set_selection(layer_name, [])
                return
            self.canvas.set_selection(layer_name, batch)
            ids = [int(i) for i in self._link_ids(layer)[batch]]
            if len(ids) == 1:
                name = (
                    str(layer.column("name").iloc[batch[0]] or "")
                    if layer.has_field("name")
                    else ""
                )
                info = tr(
                    "Verbinding {id}{name}",
                    id=ids[0],
                    name=f" ({name})" if name and name != "nan" else "",
                )
            else:
                length = float(layer.frame.geometry.iloc[batch].length.sum())
                info = tr(
                    "{n} verbindingen ({ids}), samen {m} m",
                    n=len(ids),
                    ids=", ".join(map(str, ids)),
                    m=_n(length),
                )
            values = self._ask(pending, info=info)
            if values is not None:
                if pending == "remove_link":
                    self.append_modification(
                        "remove_link",
                        link_ids=ids,
                        author=values["author"],
                        reason=values["reason"],
                    )
                else:
                    self.append_modification("upgrade_link", link_ids=ids, **values)
        elif pending in ("remove_mobipunt", "move_mobipunt"):
            mid = str(feature_ids(layer, "mobipunt_id", "id")[pos])
            if pending == "remove_mobipunt":
                values = self._ask("remove_mobipunt", info=tr("Mobipunt {id}", id=mid))
                if values is not None:
                    self.append_modification(
                        "remove_mobipunt",
                        mobipunt_id=mid,
                        author=values["author"],
                        reason=values["reason"],
                    )
            else:
                self._move_source = mid
                self.canvas.set_tool(MapTool.POINT)
                self.statusBar().showMessage(
                    tr("Klik nu op de nieuwe plaats van mobipunt {id}.", id=mid)
                )
        self.canvas.set_selection(layer_name, [])

    def undo(self) -> None:
        """Undo the last edit: a layer removal, else the current scenario's last change."""
        if self._undo_marks[-1:] == ["layer"]:
            self.restore_removed_layer()
            return
        if self._undo_marks[-1:] == ["scenario"]:
            self._undo_marks.pop()
        self.store.undo()

    def redo(self) -> None:
        self.store.redo()


def _ha(area_m2: float) -> str:
    """An area in hectares with two decimals, the interface language's way."""
    return fmt_number(area_m2 / 10000.0, lang=language(), digits=2)


def _n(value: float) -> str:
    """Metres without decimals, thousands grouped by a space (see :func:`fmt_metres`)."""
    return fmt_metres(value)


def _mobipunt_overlay(mobi: Layer, mod: Any, wide: float) -> list[OverlayItem]:
    """A moved mobipunt (dashed from where it was) or a removed one (marked)."""
    pos = np.flatnonzero(feature_ids(mobi, "mobipunt_id", "id") == mod.mobipunt_id)
    if not len(pos):
        return []
    old = mobi.frame.geometry.iloc[int(pos[0])].centroid
    if mod.kind == "move_mobipunt":
        return [
            OverlayItem(
                np.array([[old.x, old.y], [mod.x, mod.y]]), "line", "#546e7a", 1.5, dashed=True
            ),
            OverlayItem(np.array([[mod.x, mod.y]]), "point", "#1976d2", 7 + wide),
        ]
    return [
        OverlayItem(np.array([[old.x, old.y]]), "point", "#212121", 6 + wide, label=tr("geschrapt"))
    ]


def _housing_overlay(mod: Any, wide: float) -> list[OverlayItem]:
    """New dwellings at a point or in a polygon, labelled with their number."""
    label = tr("{n} woningen", n=mod.dwellings)
    if mod.x is not None and mod.y is not None:
        return [
            OverlayItem(
                np.array([[mod.x, mod.y]]), "point", HOUSING_AREA_COLOR, 7 + wide, label=label
            )
        ]
    if mod.polygon is not None:
        anchor = shapely.Polygon(mod.polygon).representative_point()
        return [
            OverlayItem(
                np.array(mod.polygon, dtype=float),
                "polygon",
                HOUSING_AREA_COLOR,
                2.0 + wide,
                label=label,
                anchor=(anchor.x, anchor.y),
            )
        ]
    return []
