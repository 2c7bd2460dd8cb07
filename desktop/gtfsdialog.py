"""Import a public transport timetable (GTFS zip) as a layer of stops with departures per hour.

The planner picks the feed, optionally the day counted, and the area to keep
(the project's municipalities with a border, or the whole feed). The import
(:func:`slimmeregio.layers.gtfs.import_gtfs`) runs in the worker with
progress and cancel; its report is shown, and the layer then goes through the
same role/field confirmation as any other file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import Role

__all__ = ["GTFS_FILE_FILTER", "GtfsImportDialog", "gtfs_job", "gtfs_report_text"]

GTFS_FILE_FILTER = "GTFS (*.zip);;Alle bestanden (*)"


def gtfs_job(
    path: Path,
    *,
    date: str | None = None,
    layers: list[Layer] | None = None,
    buffer_m: float = 3000.0,
) -> Any:
    """The worker job: import ``path`` for ``date`` (None: the next Tuesday),
    clipped to the municipalities of ``layers`` buffered by ``buffer_m``
    (``layers`` None: the whole feed)."""
    from slimmeregio.layers.gtfs import import_gtfs
    from slimmeregio.layers.osm import region_clip

    def job(progress: Any = None, cancel: Any = None) -> Any:
        clip = region_clip(layers, buffer_m=0.0) if layers is not None else None
        return import_gtfs(path, date=date, clip=clip, buffer_m=buffer_m, progress=progress, cancel=cancel)

    return job


def gtfs_report_text(result: Any, lang: str = "nl") -> str:
    """The import report as text for the dialog."""
    lines = list(result.report.lines(lang))
    lines.append(tr("{n} haltes in de laag, gelezen in {s} s.", n=len(result.layer.frame),
                    s=f"{result.report.seconds:.1f}".replace(".", "," if lang == "nl" else ".")))
    lines += ["", result.layer.attribution or ""]
    return "\n".join(lines).rstrip()


class GtfsImportDialog(QDialog):
    """Choose the feed, the day and the area, run the import, show its report;
    then :meth:`add_layer` hands the layer to the main window's confirmation."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("GtfsImportDialog")
        self.setWindowTitle(tr("Openbaar vervoer importeren (GTFS)"))
        self.setWindowIcon(icon("add-layer"))
        self.resize(620, 520)
        self.window_ = window
        self.job: Any = None
        self.result: Any = None
        self.has_municipalities = any(
            la.role == Role.MUNICIPALITIES and not la.is_raster and len(la) for la in window.project.layers
        )
        intro = QLabel(tr(
            "Leest een dienstregeling in GTFS-formaat (De Lijn, NMBS, MIVB, TEC) en maakt er een laag "
            "OV-haltes van met het aantal vertrekken per uur in de spits, overdag en 's avonds."), self)
        intro.setWordWrap(True)
        self.path = QLineEdit(self)
        self.path.setObjectName("gtfsPath")
        self.path.setPlaceholderText(tr("Kies een GTFS-bestand (.zip)"))
        browse = QPushButton(icon("std:SP_DialogOpenButton"), tr("Bladeren…"), self)
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        self.date = QLineEdit(self)
        self.date.setObjectName("gtfsDate")
        self.date.setPlaceholderText(tr("JJJJ-MM-DD (leeg: de volgende dinsdag)"))

        area = QGroupBox(tr("Gebied"), self)
        self.clip_munis = QRadioButton(tr("Gemeenten van het project, met een rand van"), area)
        self.clip_none = QRadioButton(tr("De hele feed"), area)
        self.clip_group = QButtonGroup(self)
        self.clip_group.addButton(self.clip_munis)
        self.clip_group.addButton(self.clip_none)
        self.buffer = QSpinBox(area)
        self.buffer.setObjectName("gtfsBuffer")
        self.buffer.setRange(0, 50_000)
        self.buffer.setSingleStep(500)
        self.buffer.setSuffix(" m")
        self.buffer.setValue(3000)
        self.buffer.setToolTip(tr("De rand houdt de haltes en stations net over de grens, zoals in Brussel."))
        row = QHBoxLayout()
        row.addWidget(self.clip_munis)
        row.addWidget(self.buffer)
        row.addStretch(1)
        area_layout = QVBoxLayout(area)
        area_layout.addLayout(row)
        area_layout.addWidget(self.clip_none)
        if self.has_municipalities:
            self.clip_munis.setChecked(True)
        else:
            self.clip_munis.setEnabled(False)
            self.buffer.setEnabled(False)
            self.clip_none.setChecked(True)
        self.clip_munis.toggled.connect(lambda on: self.buffer.setEnabled(on))

        self.go = QPushButton(icon("add-layer"), tr("Importeren"), self)
        self.go.setObjectName("gtfsImportButton")
        self.go.setDefault(True)
        self.go.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.go.clicked.connect(self.start)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("gtfsReport")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(tr("Het verslag van de import verschijnt hier."))
        self.add_btn = QPushButton(icon("add-layer"), tr("Laag toevoegen…"), self)
        self.add_btn.setObjectName("gtfsAddButton")
        self.add_btn.setEnabled(False)
        self.add_btn.clicked.connect(self.add_layer)
        self.cancel_btn = QPushButton(tr("Sluiten"), self)
        self.cancel_btn.clicked.connect(self.cancel_or_close)

        form = QFormLayout()
        form.addRow(tr("Bestand:"), file_row)
        form.addRow(tr("Dag:"), self.date)
        run_row = QHBoxLayout()
        run_row.addWidget(self.go)
        run_row.addWidget(self.progress, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_btn)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_btn)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(area)
        layout.addLayout(run_row)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addLayout(bottom)

    def browse(self) -> None:
        start = self.path.text() or str(self.window_._last_dir())
        path, _ = QFileDialog.getOpenFileName(self, tr("GTFS-bestand kiezen"), start, tr(GTFS_FILE_FILTER))
        if path:
            self.path.setText(path)

    def start(self) -> Any:
        """Run the import in the worker; returns the job (None when refused)."""
        if self.job is not None:
            return self.job
        text = self.path.text().strip()
        if not text:
            self.status.setText(tr("Kies eerst een GTFS-bestand."))
            return None
        day = self.date.text().strip() or None
        if day is not None:
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                self.status.setText(tr("'{d}' is geen datum JJJJ-MM-DD.", d=day))
                return None
        layers = list(self.window_.project.layers) if self.clip_munis.isChecked() else None
        job = gtfs_job(Path(text), date=day, layers=layers, buffer_m=float(self.buffer.value()))
        self.result = None
        self.add_btn.setEnabled(False)
        self.report.clear()
        self.go.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(tr("Bezig met inlezen…"))
        self.cancel_btn.setText(tr("Annuleren"))
        self.job = self.window_.runner.start(
            tr("Openbaar vervoer importeren (GTFS)"), job, on_result=self._done, on_error=self._failed,
            on_progress=self._progress, on_cancelled=lambda: self.status.setText(tr("Import geannuleerd.")))
        self.job.finished.connect(self._finished)
        return self.job

    def _progress(self, fraction: float, _message: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.status.setText(tr("Bezig met inlezen… {p}%", p=int(fraction * 100)))

    def _finished(self) -> None:
        self.job = None
        self.go.setEnabled(True)
        self.progress.setVisible(False)
        self.cancel_btn.setText(tr("Sluiten"))

    def _done(self, result: Any) -> None:
        self.result = result
        self.report.setPlainText(gtfs_report_text(result, language()))
        self.status.setText(tr("Import klaar. Controleer het verslag en voeg de laag toe."))
        self.add_btn.setEnabled(True)
        self.add_btn.setFocus()

    def _failed(self, error: BaseException) -> None:
        from slimmeregio.desktop.errors import show_error

        self.status.setText(error.message(language()) if isinstance(error, SlimmeRegioError) else "")
        show_error(self, error)

    def cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(tr("Bezig met annuleren…"))
        else:
            self.close()

    def add_layer(self) -> list[Layer]:
        """Close and let the planner confirm the layer; returns what was added."""
        if self.result is None:
            return []
        result = self.result
        self.accept()
        return list(self.window_.confirm_layers([result.layer]))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()
