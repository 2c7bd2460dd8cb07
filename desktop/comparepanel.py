"""Compare two scenarios (or a scenario and the base): table and difference map."""

from __future__ import annotations

import contextlib
from typing import Any

from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.analysis import RunResult, parameters_key, region_table, run_compare
from slimmeregio.desktop.dialogkit import WindowDialog, close_button, hbox, progress_bar, vbox
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.resultspanel import fmt, frame_table, higher_is_better

__all__ = ["CompareDialog"]

_BASE = "\0basis"


class CompareDialog(WindowDialog):
    """Pick A and B, compute in the worker, show the table; show the
    difference on the map."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            window,
            parent,
            title=tr("Scenario's vergelijken"),
            icon_name="compare",
            size=(980, 680),
        )
        self.outcome: tuple[Any, Any, Any] | None = None
        self.sources: list[str | None] = []
        self.identity: Any = None
        self._then_show = False
        self.first = QComboBox(self)
        self.second = QComboBox(self)
        for combo in (self.first, self.second):
            combo.addItem(tr("Basis (zoals geladen)"), _BASE)
            for name in window.store.names:
                combo.addItem(name, name)
        cur = window.store.current
        if cur is not None:
            self.second.setCurrentIndex(self.second.findData(cur.name))
        self.go = QPushButton(icon("compare"), tr("Vergelijken"), self)
        self.go.setObjectName("compareButton")
        self.go.clicked.connect(self.start)
        self.cancel_btn = QPushButton(icon("cancel"), tr("Annuleren"), self)
        self.cancel_btn.clicked.connect(self._cancel)
        self.cancel_btn.setVisible(False)
        self.progress = progress_bar(self)
        self.model, self.table = frame_table(self, "compareTable")
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.map_btn = QPushButton(icon("zoom-region"), tr("Verschilkaart tonen"), self)
        self.map_btn.setObjectName("differenceMapButton")
        self.map_btn.setEnabled(False)
        self.map_btn.clicked.connect(self.show_on_map)
        form = QFormLayout()
        form.addRow(tr("Vergelijk (A):"), self.first)
        form.addRow(tr("met (B):"), self.second)
        self.stale_label = QLabel(
            tr("Resultaten horen bij een eerdere toestand — opnieuw doorrekenen"), self
        )
        self.stale_label.setObjectName("compareStaleLabel")
        self.stale_label.setStyleSheet("color: #8e1b10; font-weight: 600;")
        self.stale_label.setVisible(False)
        vbox(
            self,
            form,
            hbox(self.go, self.cancel_btn, (self.progress, 1)),
            self.stale_label,
            self.summary,
            (self.table, 1),
            hbox(self.map_btn, 1, close_button(self)),
        )
        window.store.changed.connect(self.check_stale)
        window.project.layers.connect(self._layers_changed)

    def _layers_changed(self, _event: str, _info: dict[str, Any]) -> None:
        self.check_stale()

    def check_stale(self) -> bool:
        """Mark the table when A, B or the layers changed since it was computed."""
        stale = (
            self.outcome is not None
            and self.window_.current_identity(self.sources) != self.identity
        )
        self.stale_label.setVisible(stale)
        self.table.setEnabled(not stale)
        return stale

    def _scenario(self, data: str) -> Any:
        return None if data == _BASE else self.window_.store.get(data)

    def start(self) -> Any:
        if self.job is not None:
            return self.job
        first = self._scenario(self.first.currentData())
        second = self._scenario(self.second.currentData())
        self.sources = [
            None if d == _BASE else d for d in (self.first.currentData(), self.second.currentData())
        ]
        self.identity = self.window_.current_identity(self.sources)
        project = self.window_.project
        bases = {}
        cached = self.window_.bases.get(project)
        if cached is not None:
            bases[parameters_key(cached.parameters)] = cached
        version = self.window_.bases.version

        def job(progress: Any = None, cancel: Any = None) -> Any:
            return run_compare(
                project, first, second, dict(bases), progress=progress, cancel=cancel
            )

        self.go.setEnabled(False)
        self.cancel_btn.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.summary.setText(tr("Bezig met doorrekenen…"))
        self.job = self.window_.runner.start(
            tr("Vergelijken"),
            job,
            on_result=lambda r: self._done(r, version),
            on_error=self._failed,
            on_progress=lambda f, _m: self.progress.setValue(int(f * 1000)),
            on_cancelled=lambda: self.summary.setText(tr("Geannuleerd.")),
        )
        self.job.finished.connect(self._finished)
        return self.job

    def _finished(self) -> None:
        self.job = None
        self.go.setEnabled(True)
        self.cancel_btn.setVisible(False)
        self.progress.setVisible(False)

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _failed(self, error: BaseException) -> None:
        from slimmeregio.desktop.errors import show_error

        self.summary.setText("")
        show_error(self, error)

    def _done(self, result: Any, version: int) -> None:
        ev_a, ev_b, cmp, bases = result
        for base in bases.values():
            self.window_.bases.put(base, version)
        self.outcome = (ev_a, ev_b, cmp)
        frame = region_table(cmp, language())
        units = [str(u) for u in frame["unit"]]
        self.model.row_units = units
        self.model.lower_better_rows = {
            i for i, key in enumerate(frame["indicator"]) if not higher_is_better(str(key))
        }
        self.model.set_frame(
            frame[["label", "base", "scenario", "delta"]].copy(),
            headers={
                "label": tr("Indicator"),
                "base": f"A: {self.first.currentText()}",
                "scenario": f"B: {self.second.currentText()}",
                "delta": tr("Verschil (B − A)"),
            },
            units={"base": "", "scenario": "", "delta": ""},
            signed={"delta"},
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        thr = ev_b.parameters.bike_thresholds_min[0]
        self.summary.setText(
            tr(
                "B tegenover A: {gain} woningen winnen en {loss} woningen verliezen een mobipunt binnen {t} min fietsen.",
                gain=fmt(cmp.gains(thr), "count"),
                loss=fmt(cmp.losses(thr), "count"),
                t=f"{thr:g}",
            )
        )
        self.map_btn.setEnabled(True)
        self.check_stale()
        if self._then_show:
            self._then_show = False
            self.show_on_map()

    def show_on_map(self) -> None:
        """Show B against A in the results panel and on the map, with A named
        as the reference; a comparison of an earlier state is computed again first."""
        if self.outcome is None:
            return
        if self.window_.current_identity(self.sources) != self.identity:
            self.summary.setText(
                tr("De vergelijking hoort bij een eerdere toestand; ze wordt opnieuw doorgerekend.")
            )
            self._then_show = True
            self.start()
            return
        ev_a, ev_b, cmp = self.outcome
        reference, name = self.sources
        self.window_.show_run(
            RunResult(
                None,
                ev_a,
                ev_b,
                cmp,
                ev_b.parameters,
                self.identity,
                reference=reference or "",
                scenario_name=name or tr("basis"),
                extra={"sources": list(self.sources)},
            )
        )
        combo = self.window_.results_panel.theme
        combo.setCurrentIndex(combo.findData("change"))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
        with contextlib.suppress(TypeError, RuntimeError):
            self.window_.store.changed.disconnect(self.check_stale)
        with contextlib.suppress(ValueError):
            self.window_.project.layers.disconnect(self._layers_changed)
        super().closeEvent(event)
