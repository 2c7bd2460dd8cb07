"""Scenario sweeps from the app: build or open a sweep, run it on Dask, follow and open its results.

The dialog holds the sweep as TOML text the user can read and edit: opened
from a file, or built from the current scenario (its modifications as
candidates, optionally a parameter range). The base is always the open
project (with its unsaved edits); a ``project`` in the file is not used.

Running goes through the window's :class:`~slimmeregio.desktop.worker.WorkerRunner`
like every long operation: the job calls
:func:`~slimmeregio.scenarios.sweep.run_sweep` (a local Dask cluster of N
worker processes, a cluster at a scheduler address, or, with 0 workers, this
process) and hands every finished row to the GUI through a queue that the
progress signal drains. The ranking table is refreshed from those rows while
the sweep runs; cancelling stops at the next finished variant (or within a
tenth of a second on a cluster) and keeps every finished row for a rerun. At
the end ``sweep.xlsx`` and ``sweep.png`` are written and can be opened.
"""

from __future__ import annotations

import json
import os
import queue
from pathlib import Path
from typing import Any

import pandas as pd
from PyQt6.QtCore import QTimer, QUrl
from PyQt6.QtGui import QDesktopServices, QFontDatabase
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.dialogkit import WindowDialog
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.resultspanel import frame_table
from slimmeregio.exporters.sweep_report import (
    default_indicator,
    rank_variants,
    sweep_table,
    write_sweep_report,
)
from slimmeregio.layers.model import LayerList, Project
from slimmeregio.layers.safe_io import atomic_write_text
from slimmeregio.scenarios.results import indicator_label, indicator_unit
from slimmeregio.scenarios.sweep import run_sweep
from slimmeregio.scenarios.sweep_build import (
    RANGE_PARAMETERS,
    plan_for_project,
    project_base_key,
    sweep_from_scenario,
)
from slimmeregio.scenarios.sweep_store import SweepRow, SweepStore

__all__ = ["SweepDialog"]

#: Rows shown in the live ranking.
SHOWN_ROWS = 50
#: Milliseconds between refreshes of the ranking while rows arrive.
REFRESH_MS = 250


class SweepDialog(WindowDialog):
    """Build or open a sweep, run it in the worker, follow the ranking, open the results."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            window,
            parent,
            title=tr("Sweep: vele varianten doorrekenen"),
            icon_name="run",
            size=(900, 760),
        )
        self.plan: Any = None
        self.source: Path | None = None
        self.files: list[Path] = []
        self.outcome: Any = None
        self._rows: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._variants: dict[str, dict[str, Any]] = {}
        self._indicators: dict[str, list[tuple[str, float, float, float]]] = {}
        self._refresh_pending = False
        scenario = window.store.current
        self.scenario = scenario

        # -- the sweep file
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("sweepText")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlaceholderText(
            tr("Open een sweepbestand of bouw er een op uit het huidige scenario.")
        )
        open_btn = QPushButton(tr("Openen…"), self)
        open_btn.clicked.connect(self.open_file)
        save_btn = QPushButton(tr("Opslaan als…"), self)
        save_btn.clicked.connect(self.save_file)
        self.max_in = QSpinBox(self)
        self.max_in.setRange(0, 60)
        self.max_in.setSpecialValueText(tr("alle"))
        self.parameter = QComboBox(self)
        self.parameter.setObjectName("sweepParameter")
        self.parameter.addItem(tr("(geen bereik)"), None)
        for name in RANGE_PARAMETERS:
            self.parameter.addItem(name, name)
        self.range_from, self.range_to, self.range_step = (QDoubleSpinBox(self) for _ in range(3))
        for box, value in ((self.range_from, 14.0), (self.range_to, 18.0), (self.range_step, 2.0)):
            box.setRange(0.0, 10_000.0)
            box.setDecimals(2)
            box.setValue(value)
        self.range_step.setMinimum(0.01)
        name = scenario.name if scenario is not None else tr("basis")
        self.build_btn = QPushButton(tr("Opbouwen uit scenario '{name}'", name=name), self)
        self.build_btn.setObjectName("buildSweepButton")
        self.build_btn.clicked.connect(self.build_from_scenario)
        builder = QFormLayout()
        builder.addRow(tr("Hoogstens tegelijk in een variant:"), self.max_in)
        builder.addRow(tr("Parameterbereik:"), self.parameter)
        span = QHBoxLayout()
        for label, box in (
            (tr("van"), self.range_from),
            (tr("tot"), self.range_to),
            (tr("stap"), self.range_step),
        ):
            span.addWidget(QLabel(label, self))
            span.addWidget(box)
        builder.addRow("", span)
        builder.addRow("", self.build_btn)
        file_row = QHBoxLayout()
        file_row.addWidget(open_btn)
        file_row.addWidget(save_btn)
        file_row.addStretch(1)
        base_note = QLabel(
            tr(
                "De basis is het geopende project; een 'project' in het sweepbestand wordt hier niet gebruikt."
            ),
            self,
        )
        base_note.setWordWrap(True)
        file_box = QGroupBox(tr("Sweepbestand"), self)
        file_layout = QVBoxLayout(file_box)
        file_layout.addLayout(builder)
        file_layout.addLayout(file_row)
        file_layout.addWidget(self.editor, 1)
        file_layout.addWidget(base_note)

        # -- where and how it runs
        self.out = QLineEdit(str(self._default_folder()), self)
        self.out.setObjectName("sweepFolder")
        pick = QPushButton(tr("Kiezen…"), self)
        pick.clicked.connect(self.pick_folder)
        self.workers = QSpinBox(self)
        self.workers.setObjectName("sweepWorkers")
        self.workers.setRange(0, max(os.cpu_count() or 1, 2) * 2)
        self.workers.setValue(2)
        self.workers.setSpecialValueText(tr("0 (in dit proces, zonder Dask)"))
        self.scheduler = QLineEdit(self)
        self.scheduler.setObjectName("sweepScheduler")
        self.scheduler.setPlaceholderText(tr("leeg: een lokale cluster op deze computer"))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.out, 1)
        folder_row.addWidget(pick)
        run_form = QFormLayout()
        run_form.addRow(tr("Resultatenmap:"), folder_row)
        run_form.addRow(tr("Werkprocessen:"), self.workers)
        run_form.addRow(tr("Scheduler (tcp://HOST:8786):"), self.scheduler)
        self.go = QPushButton(icon("run"), tr("Sweep starten"), self)
        self.go.setObjectName("startSweepButton")
        self.go.clicked.connect(self.start)
        self.stop = QPushButton(icon("cancel"), tr("Annuleren"), self)
        self.stop.setObjectName("cancelSweepButton")
        self.stop.setEnabled(False)
        self.stop.clicked.connect(self.cancel)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.status = QLabel(self)
        self.status.setObjectName("sweepStatus")
        self.status.setWordWrap(True)
        go_row = QHBoxLayout()
        go_row.addWidget(self.go)
        go_row.addWidget(self.stop)
        go_row.addWidget(self.progress, 1)

        # -- the ranking and the results
        self.indicator = QComboBox(self)
        self.indicator.setObjectName("sweepIndicator")
        self.indicator.currentIndexChanged.connect(lambda _i: self.refresh_ranking())
        self.model, self.table = frame_table(self, "sweepRanking")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.open_xlsx = QPushButton(tr("Excel openen"), self)
        self.open_xlsx.setObjectName("openSweepExcel")
        self.open_xlsx.clicked.connect(lambda: self.open_result("sweep.xlsx"))
        self.open_png = QPushButton(tr("Figuur openen"), self)
        self.open_png.setObjectName("openSweepFigure")
        self.open_png.clicked.connect(lambda: self.open_result("sweep.png"))
        self.open_dir = QPushButton(tr("Map openen"), self)
        self.open_dir.clicked.connect(lambda: self.open_result(""))
        close = QPushButton(tr("Sluiten"), self)
        close.clicked.connect(self.close)
        rank_row = QHBoxLayout()
        rank_row.addWidget(QLabel(tr("Rangschikken op:"), self))
        rank_row.addWidget(self.indicator, 1)
        bottom = QHBoxLayout()
        for button in (self.open_xlsx, self.open_png, self.open_dir):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(file_box, 2)
        layout.addLayout(run_form)
        layout.addLayout(go_row)
        layout.addWidget(self.status)
        layout.addLayout(rank_row)
        layout.addWidget(self.table, 3)
        layout.addLayout(bottom)
        self._update_result_buttons()

    # ------------------------------------------------------------ the file
    def _default_folder(self) -> Path:
        path = getattr(self.window_.project, "path", None)
        folder = Path(path).parent if path else Path.home()
        return folder / "sweep"

    def build_from_scenario(self) -> str:
        """Fill the editor with a sweep over the current scenario's modifications."""
        scenario = self.window_.store.current
        if scenario is None:
            from slimmeregio.scenarios.model import Scenario

            scenario = Scenario(name=tr("basis"))
        parameter = self.parameter.currentData()
        values: list[float] = []
        if parameter:
            start, stop, step = (
                self.range_from.value(),
                self.range_to.value(),
                self.range_step.value(),
            )
            count = min(int((stop - start) / step + 1e-9) + 1, 100) if stop >= start else 1
            values = [round(start + i * step, 6) for i in range(count)]
        text = sweep_from_scenario(
            scenario,
            max_in=self.max_in.value() or None,
            parameter=parameter,
            values=values,
            lang=language(),
        )
        self.editor.setPlainText(text)
        self.source = None
        return text

    def open_file(self, path: str | None = None) -> None:
        """Read a sweep file into the editor (its base scenario is taken from its folder)."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, tr("Sweepbestand openen"), "", tr("Sweepbestanden (*.toml)")
            )
            if not path:
                return
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            from slimmeregio.desktop.errors import show_error
            from slimmeregio.layers.errors import CorruptFileError

            show_error(self, CorruptFileError(path=Path(path), detail=str(exc)))
            return
        self.editor.setPlainText(text)
        self.source = Path(path)

    def save_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, tr("Sweepbestand opslaan"), "sweep.toml", tr("Sweepbestanden (*.toml)")
            )
            if not path:
                return
        atomic_write_text(Path(path), self.editor.toPlainText())
        self.source = Path(path)

    def pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Resultatenmap"), self.out.text())
        if folder:
            self.out.setText(folder)

    # ------------------------------------------------------------ the run
    def start(self) -> Any:
        """Plan and run the sweep in the worker; returns the job (None when nothing to run)."""
        if self.job is not None:
            return self.job
        text = self.editor.toPlainText()
        if not text.strip():
            self.build_from_scenario()
            text = self.editor.toPlainText()
        w = self.window_
        # the layers as they are now: edits during the sweep do not reach it
        project = Project(
            layers=LayerList(list(w.project.layers)),
            settings=w.project.settings,
            path=w.project.path,
        )
        scenario = w.store.current
        parameters = scenario.parameters if scenario is not None else None
        source = self.source
        out = Path(self.out.text()).expanduser()
        workers = self.workers.value()
        scheduler = self.scheduler.text().strip() or None
        rows = self._rows
        lang = language()
        key = self.indicator_key() or self._preferred
        self._preferred = key
        self._chosen_once = False

        def job(progress: Any = None, cancel: Any = None) -> Any:
            plan = plan_for_project(
                text, project_base_key(project), parameters=parameters, source=source
            )
            rows.put(("plan", plan))
            with SweepStore(out) as store:
                rows.put(("earlier", *sweep_table(plan, store)))
            outcome = run_sweep(
                plan,
                project,
                out,
                workers=workers,
                scheduler=scheduler,
                progress=progress,
                on_row=rows.put,
                cancel=cancel,
            )
            with SweepStore(out) as store:
                known = set(store.indicators()["indicator"]) if key else set()
            files, _ranked = write_sweep_report(
                plan, out, indicator=key if key in known else None, lang=lang
            )
            return outcome, files

        self._variants.clear()
        self._indicators.clear()
        self.files = []
        self.outcome = None
        self.indicator.blockSignals(True)
        self.indicator.clear()
        self.indicator.blockSignals(False)
        self.model.set_frame(pd.DataFrame())
        self.go.setEnabled(False)
        self.stop.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText(tr("Sweep voorbereiden (basis en cluster)…"))
        self._update_result_buttons()
        self.job = w.runner.start(
            tr("Sweep"),
            job,
            on_result=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._cancelled,
        )
        self.job.finished.connect(self._finished)
        return self.job

    def indicator_key(self) -> str | None:
        """The indicator chosen for the ranking (None: the default)."""
        data = self.indicator.currentData()
        return str(data) if data else None

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(tr("Bezig met annuleren…"))

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self._drain()
        if self.plan is not None:
            errors = sum(v["status"] != "ok" for v in self._variants.values())
            self.status.setText(
                tr(
                    "{done} van {total} varianten klaar ({errors} met een fout)",
                    done=len(self._variants),
                    total=len(self.plan.variants),
                    errors=errors,
                )
            )
        if not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(REFRESH_MS, self.refresh_ranking)

    def _drain(self) -> None:
        """Take the rows the worker handed over into the dialog's tables."""
        while True:
            try:
                item = self._rows.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, SweepRow):
                self._add_row(
                    item.variant_id,
                    item.index,
                    item.label,
                    list(item.candidates),
                    item.cost_eur,
                    item.status,
                    item.indicators,
                )
            elif item[0] == "plan":
                self.plan = item[1]
            elif item[0] == "earlier":
                _tag, variants, indicators = item
                by_variant: dict[str, list[tuple[str, float, float, float]]] = {}
                for r in indicators.itertuples():
                    by_variant.setdefault(r.variant_id, []).append(
                        (r.indicator, r.base, r.scenario, r.delta)
                    )
                for v in variants.itertuples():
                    self._add_row(
                        v.variant_id,
                        int(v.idx),
                        v.label,
                        json.loads(v.candidates),
                        float(v.cost_eur),
                        v.status,
                        by_variant.get(v.variant_id, []),
                    )

    def _add_row(
        self,
        variant_id: str,
        index: int,
        label: str,
        candidates: list[str],
        cost: float,
        status: str,
        indicators: list[tuple[str, float, float, float]],
    ) -> None:
        if variant_id in self._variants:
            return
        self._variants[variant_id] = {
            "variant_id": variant_id,
            "idx": index,
            "label": label,
            "candidates": json.dumps(candidates, ensure_ascii=False),
            "cost_eur": cost,
            "status": status,
        }
        for key, base, scen, delta in indicators:
            if key not in self._indicators:
                self._indicators[key] = []
                self.indicator.blockSignals(True)
                self.indicator.addItem(indicator_label(key, language()), key)
                self.indicator.blockSignals(False)
            self._indicators[key].append((variant_id, base, scen, delta))
        if self.indicator.count() and not self._chosen_once:
            # the indicator of the previous run, else the default
            wanted = (
                self._preferred
                if self._preferred in self._indicators
                else (default_indicator(pd.DataFrame({"indicator": list(self._indicators)})))
            )
            self.indicator.blockSignals(True)
            self.indicator.setCurrentIndex(max(0, self.indicator.findData(wanted)))
            self.indicator.blockSignals(False)
            self._chosen_once = True

    _chosen_once = False
    _preferred: str | None = None

    def ranking(self) -> pd.DataFrame:
        """The variants so far, ranked by the chosen indicator (best first)."""
        key = self.indicator_key()
        if not self._variants or key is None:
            return pd.DataFrame()
        variants = pd.DataFrame(list(self._variants.values()))
        indicators = pd.DataFrame(
            self._indicators.get(key, []), columns=["variant_id", "base", "scenario", "delta"]
        )
        indicators.insert(1, "indicator", key)
        return rank_variants(variants, indicators, key)

    def refresh_ranking(self) -> None:
        self._refresh_pending = False
        self._drain()
        ranked = self.ranking()
        if ranked.empty:
            self.model.set_frame(pd.DataFrame())
            return
        key = self.indicator_key() or ""
        top = ranked.head(SHOWN_ROWS)
        shown = pd.DataFrame(
            {
                "rank": top["rank"].to_numpy(),
                "idx": [f"#{int(i)}" for i in top["idx"]],  # a name, not a number to group
                "gain": top["gain"].to_numpy(),
                "scenario": top["scenario"].to_numpy(),
                "cost_eur": top["cost_eur"].to_numpy(),
                "label": top["label"].to_numpy(),  # last: it takes the rest of the width
            }
        )
        unit = indicator_unit(key)
        self.model.set_frame(
            shown,
            headers={
                "rank": "#",
                "idx": tr("Variant"),
                "label": tr("Kandidaten en parameters"),
                "gain": tr("Winst"),
                "scenario": tr("Waarde in de variant"),
                "cost_eur": tr("Kost (EUR)"),
            },
            units={"rank": "count", "gain": unit, "scenario": unit, "cost_eur": "count"},
            signed={"gain"},
        )

    def _done(self, result: Any) -> None:
        self.outcome, self.files = result
        self.progress.setValue(1000)
        self.refresh_ranking()
        o = self.outcome
        self.status.setText(
            tr(
                "Klaar: {evaluated} doorgerekend, {skipped} al klaar, {errors} met een fout ({s} s). "
                "Resultaten in {folder}.",
                evaluated=o.evaluated,
                skipped=o.skipped,
                errors=o.errors,
                s=f"{o.seconds:.1f}",
                folder=self.out.text(),
            )
        )

    def _cancelled(self) -> None:
        self.refresh_ranking()
        self.status.setText(
            tr(
                "Geannuleerd: {done} varianten zijn bewaard in {folder}; opnieuw starten gaat verder waar de sweep stopte.",
                done=len(self._variants),
                folder=self.out.text(),
            )
        )

    def _failed(self, error: BaseException) -> None:
        from slimmeregio.desktop.errors import show_error

        self.status.setText("")
        show_error(self, error)

    def _finished(self) -> None:
        self.job = None
        self.go.setEnabled(True)
        self.stop.setEnabled(False)
        self._update_result_buttons()

    # ------------------------------------------------------------ results
    def _update_result_buttons(self) -> None:
        folder = Path(self.out.text()).expanduser()
        running = self.job is not None
        self.open_xlsx.setEnabled(not running and (folder / "sweep.xlsx").is_file())
        self.open_png.setEnabled(not running and (folder / "sweep.png").is_file())
        self.open_dir.setEnabled(folder.is_dir())

    def open_result(self, name: str) -> bool:
        """Open ``name`` in the results folder (the folder itself for "") with the system's viewer."""
        target = Path(self.out.text()).expanduser() / name
        if not target.exists():
            return False
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
        super().closeEvent(event)
