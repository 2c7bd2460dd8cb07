"""Siting: the K best places for new mobipunten, shown with their gain."""

from __future__ import annotations

from typing import Any

import numpy as np
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.dialogkit import WindowDialog, close_button, hbox, progress_bar, vbox
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.mapcanvas import OverlayItem
from slimmeregio.desktop.resultspanel import fmt, frame_table
from slimmeregio.layers.progress import Task

__all__ = ["SitingDialog"]


class SitingDialog(WindowDialog):
    """Ask for K, run the siting in the worker, show and accept sites."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            window,
            parent,
            title=tr("Beste plaatsen voor nieuwe mobipunten"),
            icon_name="siting",
            size=(720, 540),
        )
        self.siting: Any = None
        scenario = window.store.current
        self.k = QSpinBox(self)
        self.k.setRange(1, 25)
        self.k.setValue(5)
        self.candidates = QComboBox(self)
        self.candidates.addItem(tr("Knopen van het fietsnetwerk"), None)
        for layer in window.project.layers:
            if (
                not layer.is_raster
                and len(layer)
                and set(layer.frame.geometry.geom_type.unique()) <= {"Point"}
            ):
                self.candidates.addItem(tr("Punten van laag '{name}'", name=layer.name), layer.name)
        self.hoppin = QComboBox(self)
        self.hoppin.addItems(["buurt", "lokaal", "regionaal", "interregionaal"])
        threshold = scenario.parameters.siting_threshold_min if scenario is not None else 5.0
        info = QLabel(
            tr(
                "Kiest plaatsen die zoveel mogelijk woningen die nu niet binnen {t} min fietsen van een mobipunt "
                "liggen, wel binnen bereik brengen — bovenop scenario '{name}'.",
                t=f"{threshold:g}",
                name=scenario.name if scenario else tr("basis"),
            ),
            self,
        )
        info.setWordWrap(True)
        self.go = QPushButton(icon("siting"), tr("Plaatsen zoeken"), self)
        self.go.setObjectName("sitingButton")
        self.go.clicked.connect(self.start)
        self.progress = progress_bar(self)
        self.model, self.table = frame_table(self, "sitingTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(
            lambda idx: self.window_.canvas.zoom_to_extent(self._site_box(idx.row()))
        )
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.accept_btn = QPushButton(
            icon("mobipunt"), tr("Gekozen plaats als mobipunt toevoegen"), self
        )
        self.accept_btn.setObjectName("acceptSiteButton")
        self.accept_btn.setEnabled(False)
        self.accept_btn.clicked.connect(self.accept_selected)
        form = QFormLayout()
        form.addRow(tr("Aantal plaatsen (K):"), self.k)
        form.addRow(tr("Kandidaten:"), self.candidates)
        form.addRow(tr("Type van het nieuwe mobipunt:"), self.hoppin)
        vbox(
            self,
            info,
            form,
            hbox(self.go, (self.progress, 1)),
            self.summary,
            (self.table, 1),
            hbox(self.accept_btn, 1, close_button(self)),
        )

    def start(self) -> Any:
        if self.job is not None:
            return self.job
        from slimmeregio.scenarios.engine import prepare_base, suggest_sites

        w = self.window_
        scenario = w.store.current
        base = w.bases.get(w.project)
        version = w.bases.version
        project = w.project
        k = self.k.value()
        cand_name = self.candidates.currentData()
        candidates = None
        if cand_name:
            cand_layer = project.layers[cand_name]
            frame = cand_layer.frame
            candidates = frame[[frame.geometry.name]].copy()
            candidates["candidate_id"] = [str(i) for i in range(len(frame))]
            if cand_layer.has_field("name"):
                candidates["name"] = cand_layer.column("name").astype(str).to_numpy()

        def job(progress: Any = None, cancel: Any = None) -> Any:
            task = Task(progress, cancel)
            b = base or prepare_base(project, progress=task.sub(0, 0.4).report, cancel=cancel)
            sub = task.sub(0.4 if base is None else 0.0, 1.0)
            return b, suggest_sites(
                b, scenario, k, candidates=candidates, progress=sub.report, cancel=cancel
            )

        def done(result: Any) -> None:
            b, siting = result
            w.bases.put(b, version)
            self.show_result(siting)

        self.go.setEnabled(False)
        self.progress.setVisible(True)
        self.summary.setText(tr("Bezig met zoeken…"))
        self.job = w.runner.start(
            tr("Plaatsen zoeken"),
            job,
            on_result=done,
            on_error=self._failed,
            on_progress=lambda f, _m: self.progress.setValue(int(f * 1000)),
        )
        self.job.finished.connect(self._finished)
        return self.job

    def _finished(self) -> None:
        self.job = None
        self.go.setEnabled(True)
        self.progress.setVisible(False)

    def _failed(self, error: BaseException) -> None:
        from slimmeregio.desktop.errors import show_error

        self.summary.setText("")
        show_error(self, error)

    def show_result(self, siting: Any) -> None:
        self.siting = siting
        sites = siting.sites
        cols = [
            c
            for c in (
                "rank",
                "name",
                "gain_dwellings",
                "cumulative_dwellings",
                "share_after",
                "municipality",
            )
            if c in sites.columns
        ]
        if "name" in cols and not sites["name"].fillna("").astype(str).str.strip().any():
            cols.remove("name")  # candidate nodes have no names: no empty column
        self.model.set_frame(
            sites[cols].copy(),
            headers={
                "rank": "#",
                "name": tr("Naam"),
                "gain_dwellings": tr("Extra woningen binnen bereik"),
                "cumulative_dwellings": tr("Samen"),
                "share_after": tr("Aandeel daarna"),
                "municipality": tr("Gemeente"),
            },
            # ranks and dwellings are counts: "1", never "1,0"
            units={
                "rank": "count",
                "gain_dwellings": "count",
                "cumulative_dwellings": "count",
                "share_after": "%",
            },
        )
        total = int(sites["gain_dwellings"].sum()) if len(sites) else 0
        self.summary.setText(
            tr(
                "{k} plaatsen brengen samen {n} extra woningen binnen {t} min fietsen van een mobipunt.",
                k=len(sites),
                n=fmt(total, "count"),
                t=f"{siting.threshold_min:g}",
            )
        )
        self.accept_btn.setEnabled(len(sites) > 0)
        if len(sites):
            self.table.selectRow(0)
        overlay = list(self.window_._modification_overlay(self.window_.store.current))
        for row in sites.itertuples():
            overlay.append(
                OverlayItem(
                    np.array([[row.geometry.x, row.geometry.y]]),
                    "point",
                    "#00897b",
                    8,
                    label=f"{row.rank}: +{int(row.gain_dwellings)}",
                )
            )
        self.window_.canvas.set_overlay(overlay)

    def _site_box(self, row: int) -> tuple[float, float, float, float]:
        g = self.siting.sites.geometry.iloc[row]
        return (g.x - 1500, g.y - 1500, g.x + 1500, g.y + 1500)

    def accept_selected(self) -> bool:
        if self.siting is None:
            return False
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        site = self.siting.sites.iloc[row]
        name = str(site.get("name") or "") or tr("Voorgesteld mobipunt {n}", n=int(site["rank"]))
        values = self.window_._ask(
            "add_mobipunt",
            defaults={"name": name, "hoppin_type": self.hoppin.currentText()},
            info=tr("+{n} woningen binnen bereik", n=int(site["gain_dwellings"])),
        )
        if values is None:
            return False
        return bool(
            self.window_.append_modification(
                "add_mobipunt", x=float(site.geometry.x), y=float(site.geometry.y), **values
            )
        )

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
        self.window_._scenario_changed()
        super().closeEvent(event)
