"""Explaining numbers from the map: the routes from a clicked point, the
reach from a point and "what if I close this link" as a temporary scenario.

Mixed into :class:`~slimmeregio.desktop.mainwindow.MainWindow` through
:class:`~slimmeregio.desktop.mapextras.MapExtrasMixin`; the computing is
:mod:`slimmeregio.scenarios.explain` and the scenario engine, run in the worker.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from PyQt6.QtCore import QPoint
from PyQt6.QtWidgets import QMenu, QMessageBox

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.explainpanel import reach_overlay, route_overlay
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.windowparts import WindowParts
from slimmeregio.desktop.worker import Job
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.roles import Role

__all__ = ["ExplainToolsMixin", "what_if_overlay"]


class ExplainToolsMixin(WindowParts):
    """Route explanation, reach and what-if of the main window."""

    # ------------------------------------------------ explain, reach, what if
    def _situation_job(self, name: str, compute: Any, on_done: Any) -> Job:
        """Run ``compute(situation)`` on the current scenario's situation in the worker."""
        from slimmeregio.scenarios.engine import prepare_base, situation

        base = self.bases.get(self.project)
        version = self.bases.version
        project = self.project
        scenario = self.store.current
        scenario = scenario if scenario is not None and scenario.modifications else None

        def job(progress: Any = None, cancel: Any = None) -> Any:
            b = base or prepare_base(project, progress=progress, cancel=cancel)
            return b, compute(situation(b, scenario))

        def done(result: Any) -> None:
            b, value = result
            self.bases.put(b, version)
            on_done(value)

        self.statusBar().showMessage(tr("Bezig: {name}…", name=name))
        return self._start(name, job, on_result=done)

    def explain_at(self, x: float, y: float) -> Job:
        """Explain the numbers at (x, y): routes to the nearest mobipunt, station and Brussels border."""
        from slimmeregio.scenarios.explain import explain_point

        def done(routes: list[Any]) -> None:
            self.explain_panel.show_routes(routes, (x, y))
            self.canvas.set_extra_overlay(route_overlay(routes, (x, y)))
            self.dock_explain.show()
            self.dock_explain.raise_()
            self.statusBar().showMessage(tr("{n} routes uitgelegd.", n=len(routes)), 5000)

        return self._situation_job(
            tr("Route uitleggen"), lambda sit: explain_point(sit, x, y), done
        )

    def reach_at(self, x: float, y: float) -> Job:
        """Draw the network reached from (x, y) within the cycling thresholds."""
        from slimmeregio.scenarios.explain import reach_of_point

        minutes: list[tuple[float, ...]] = []

        def compute(sit: Any) -> Any:
            bands = tuple(float(m) for m in sit.parameters.bike_thresholds_min)
            minutes.append(bands)
            return sit.network, reach_of_point(sit, x, y, limit_s=max(bands) * 60)

        def done(value: Any) -> None:
            network, reach = value
            self.last_reach = reach
            self.canvas.set_extra_overlay(reach_overlay(network, reach, minutes[0], (x, y)))
            n = int(np.isfinite(reach.node_seconds).sum())
            self.statusBar().showMessage(
                tr("{n} knopen bereikt binnen {t} min.", n=n, t=f"{max(minutes[0]):g}"), 8000
            )

        return self._situation_job(tr("Bereik berekenen"), compute, done)

    def _map_context_menu(self, x: float, y: float, where: QPoint) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("mapContextMenu")
        net = self.project.layers.first(Role.BIKE_NETWORK)
        pos = self.canvas.nearest_feature(net, x, y) if net is not None else None
        if net is not None and pos is not None:
            link_id = int(self._link_ids(net)[pos])
            menu.addAction(
                tr("Wat als verbinding {id} afgesloten wordt?", id=link_id),
                lambda: self.what_if_closed(link_id),
            )
            self.canvas.clear_selection()
            self.canvas.set_selection(net.name, [pos])
        menu.addAction(tr("Route uitleggen vanaf hier"), lambda: self.explain_at(x, y))
        menu.addAction(tr("Bereik vanaf hier"), lambda: self.reach_at(x, y))
        menu.addAction(tr("Overlay wissen"), lambda: self.canvas.set_extra_overlay([]))
        self._last_menu = menu
        menu.popup(where)
        return menu

    def what_if_closed(self, link_id: int) -> Job | None:
        """Evaluate the current scenario with link ``link_id`` closed as a
        temporary scenario (not stored) and show its comparison with the base."""
        from slimmeregio.scenarios.model import Scenario
        from slimmeregio.scenarios.runs import run_analysis

        cur = self.store.current
        data = cur.to_dict() if cur is not None else Scenario(name=tr("Wat als")).to_dict()
        data["name"] = tr("Wat als verbinding {id} dicht is", id=link_id)
        data["modifications"] = [
            *data.get("modifications", []),
            {
                "kind": "remove_link",
                "link_ids": [int(link_id)],
                "author": self.settings.author or "planner",
                "reason": tr("tijdelijk: wat als"),
                "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            },
        ]
        try:
            scenario = Scenario.from_dict(data)
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return None
        base = self.bases.get(self.project)
        version = self.bases.version
        project = self.project

        def job(progress: Any = None, cancel: Any = None) -> Any:
            return run_analysis(project, scenario, base, progress=progress, cancel=cancel)

        def done(result: Any) -> None:
            self.bases.put(result.base, version)
            self.last_what_if = result
            self._show_what_if(link_id, result)

        self.statusBar().showMessage(
            tr("Bezig: wat als verbinding {id} afgesloten wordt…", id=link_id)
        )
        return self._start(tr("Wat als"), job, on_result=done)

    def _show_what_if(self, link_id: int, result: Any) -> None:
        from slimmeregio.desktop.analysis import region_table

        lang = language()
        table = region_table(result.comparison, lang)
        rows = []
        for _, row in table.iterrows():
            unit = str(row["unit"])
            delta = row["delta"]
            if isinstance(delta, float) and (math.isnan(delta) or abs(delta) < 1e-12):
                continue
            rows.append(
                f"• {row['label']}: {fmt_number(row['base'], unit, lang)} → "
                f"{fmt_number(row['scenario'], unit, lang)} ({fmt_number(delta, unit, lang, signed=True)})"
            )
        text = "\n".join(rows[:14]) if rows else tr("Geen enkele indicator verandert.")
        self.canvas.set_extra_overlay(
            what_if_overlay(self.project, link_id, result, self._link_ids)
        )
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("Wat als verbinding {id} afgesloten wordt?", id=link_id),
            tr("Tijdelijk scenario (niet bewaard), vergeleken met de basis:") + "\n\n" + text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("whatIfBox")
        self._last_dialog = box
        box.open()


def what_if_overlay(project: Any, link_id: int, result: Any, link_ids: Any) -> list[Any]:
    """The closed link (dashed) and the dwellings that lose or gain cycling
    access to a mobipunt within the first threshold."""
    from slimmeregio.desktop.mapdecorations import OverlayItem
    from slimmeregio.layers.symbology import CHANGE_COLORS

    items: list[Any] = []
    net = project.layers.first(Role.BIKE_NETWORK)
    if net is not None:
        for geom in net.frame.geometry.to_numpy()[np.flatnonzero(link_ids(net) == link_id)]:
            for part in shapely.get_parts(geom):
                items.append(
                    OverlayItem(
                        shapely.get_coordinates(part),
                        "line",
                        CHANGE_COLORS["removed"],
                        4.0,
                        dashed=True,
                    )
                )
    changes = result.comparison.access_changes
    if len(changes):
        thr = float(result.evaluation.parameters.bike_thresholds_min[0])
        sel = changes[
            (changes["mode"] == "bike")
            & (changes["target"] == "mobipunt")
            & (changes["threshold"] == thr)
        ]
        for change, geom in zip(sel["change"], sel.geometry, strict=True):
            items.append(
                OverlayItem(
                    np.array([[geom.x, geom.y]]),
                    "point",
                    CHANGE_COLORS.get(str(change), "#9e9e9e"),
                    4.0,
                )
            )
    return items
