"""Import an OpenStreetMap extract as a bike network and POI layers.

The planner picks a ``.osm.pbf``/``.osm`` file and the area to keep (the
project's municipalities with a border, or the current map view). The import
runs in the worker with progress and cancel; its report is shown, and the
layers then go through the same role/field confirmation as any other file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
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
from slimmeregio.layers.numbers import fmt_number
from slimmeregio.layers.roles import Role

__all__ = ["OSM_FILE_FILTER", "OsmImportDialog", "osm_job", "report_text"]

OSM_FILE_FILTER = "OpenStreetMap (*.osm.pbf *.pbf *.osm *.osm.gz *.osm.bz2);;Alle bestanden (*)"

#: Clip choices.
CLIP_MUNICIPALITIES = "municipalities"
CLIP_VIEW = "view"


def osm_job(
    path: Path,
    *,
    layers: list[Layer] | None = None,
    buffer_m: float = 2000.0,
    bbox: tuple[float, float, float, float] | None = None,
) -> Any:
    """The worker job: import ``path`` clipped to the municipalities of
    ``layers`` (buffered by ``buffer_m``) or to ``bbox`` (Lambert 72)."""
    from slimmeregio.layers.osm import import_osm, region_clip

    def job(progress: Any = None, cancel: Any = None) -> Any:
        if bbox is not None:
            return import_osm(path, bbox=bbox, bbox_crs="EPSG:31370", progress=progress, cancel=cancel)
        clip = region_clip(layers or [], buffer_m=buffer_m)
        # the clip is buffered already: no second buffer in the import
        return import_osm(path, clip=clip, buffer_m=0.0, progress=progress, cancel=cancel)

    return job


def report_text(result: Any, lang: str = "nl") -> str:
    """The import report as text for the dialog."""
    report = result.report
    km = sum(report.km_per_class.values())
    ways = sum(report.ways_per_class.values())
    head = tr("{ways} fietsbare wegen, {km} km, gelezen in {s} s.",
              ways=fmt_number(ways, lang=lang, digits=0), km=fmt_number(km, lang=lang, digits=1),
              s=fmt_number(report.seconds, lang=lang, digits=1))
    lines = [head, ""]
    lines += report.lines(lang)
    if report.outside_clip:
        lines.append(tr("buiten het gebied: {n} wegen", n=report.outside_clip))
    if report.routes:
        lines.append(tr("fietsroutes (relaties) gelezen: {n}", n=report.routes))
    lines += ["", "© OpenStreetMap contributors, ODbL 1.0"]
    return "\n".join(lines)


class OsmImportDialog(QDialog):
    """Choose the file and the area, run the import, show its report; then
    :meth:`add_layers` hands the layers to the main window's confirmation."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("OsmImportDialog")
        self.setWindowTitle(tr("OpenStreetMap importeren"))
        self.setWindowIcon(icon("add-layer"))
        self.resize(620, 560)
        self.window_ = window
        self.job: Any = None
        self.imported: Any = None
        project_layers = list(window.project.layers)
        self.has_municipalities = any(
            (la.role == Role.MUNICIPALITIES or "Polygon" in la.geometry_type) and not la.is_raster and len(la)
            for la in project_layers
        )
        self.existing_networks = [la.name for la in project_layers if la.role == Role.BIKE_NETWORK]

        intro = QLabel(tr(
            "Leest een OpenStreetMap-uittreksel (.osm.pbf of .osm, bv. van Geofabrik) en maakt er een "
            "fietsnetwerk en lagen met stations, bushubs, deelfietsen, deelauto's en fietsenstallingen van."), self)
        intro.setWordWrap(True)
        self.path = QLineEdit(self)
        self.path.setObjectName("osmPath")
        self.path.setPlaceholderText(tr("Kies een .osm.pbf- of .osm-bestand"))
        browse = QPushButton(icon("std:SP_DialogOpenButton"), tr("Bladeren…"), self)
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)

        area = QGroupBox(tr("Gebied"), self)
        self.clip_munis = QRadioButton(tr("Gemeenten van het project, met een rand van"), area)
        self.clip_view = QRadioButton(tr("Huidige kaartbeeld"), area)
        self.clip_group = QButtonGroup(self)
        self.clip_group.addButton(self.clip_munis)
        self.clip_group.addButton(self.clip_view)
        self.buffer = QSpinBox(area)
        self.buffer.setObjectName("osmBuffer")
        self.buffer.setRange(0, 20_000)
        self.buffer.setSingleStep(500)
        self.buffer.setSuffix(" m")
        self.buffer.setValue(2000)
        self.buffer.setToolTip(tr("De rand houdt grensoverschrijdende verbindingen in het netwerk."))
        munis_row = QHBoxLayout()
        munis_row.addWidget(self.clip_munis)
        munis_row.addWidget(self.buffer)
        munis_row.addStretch(1)
        area_layout = QVBoxLayout(area)
        area_layout.addLayout(munis_row)
        area_layout.addWidget(self.clip_view)
        if self.has_municipalities:
            self.clip_munis.setChecked(True)
        else:
            self.clip_munis.setEnabled(False)
            self.buffer.setEnabled(False)
            self.clip_munis.setToolTip(tr("Het project heeft geen gemeenten."))
            self.clip_view.setChecked(True)
        self.clip_munis.toggled.connect(lambda on: self.buffer.setEnabled(on))

        self.use_network = QCheckBox(self)
        self.use_network.setObjectName("osmUseNetwork")
        self.use_network_note = QLabel(self)
        self.use_network_note.setWordWrap(True)
        self.use_network_note.setStyleSheet("color: #52606d; margin-left: 22px;")
        if self.existing_networks:
            self.use_network.setText(tr("Het OSM-fietsnetwerk gebruiken voor de analyses"))
            self.use_network_note.setText(tr(
                "Het huidige fietsnetwerk '{name}' wordt dan verborgen en krijgt de rol 'andere'.",
                name=", ".join(self.existing_networks)))
            illustrative = any(window.project.layers[n].note for n in self.existing_networks)
            self.use_network.setChecked(illustrative)
        else:
            self.use_network.setVisible(False)
            self.use_network_note.setVisible(False)
            self.use_network.setChecked(True)

        self.go = QPushButton(icon("add-layer"), tr("Importeren"), self)
        self.go.setObjectName("osmImportButton")
        self.go.setDefault(True)
        self.go.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.go.clicked.connect(self.start)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("osmReport")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(tr("Het verslag van de import verschijnt hier."))
        self.add_btn = QPushButton(icon("add-layer"), tr("Lagen toevoegen…"), self)
        self.add_btn.setObjectName("osmAddButton")
        self.add_btn.setEnabled(False)
        self.add_btn.clicked.connect(self.add_layers)
        self.cancel_btn = QPushButton(tr("Sluiten"), self)
        self.cancel_btn.clicked.connect(self.cancel_or_close)

        form = QFormLayout()
        form.addRow(tr("Bestand:"), file_row)
        run_row = QHBoxLayout()
        run_row.addWidget(self.go)
        run_row.addWidget(self.progress, 1)
        run_row.addStretch(0)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_btn)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_btn)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(area)
        layout.addWidget(self.use_network)
        layout.addWidget(self.use_network_note)
        layout.addLayout(run_row)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        layout.addLayout(bottom)

    def browse(self) -> None:
        start = self.path.text() or str(self.window_._last_dir())
        path, _ = QFileDialog.getOpenFileName(self, tr("OpenStreetMap-bestand kiezen"), start, tr(OSM_FILE_FILTER))
        if path:
            self.path.setText(path)

    def clip_kind(self) -> str:
        return CLIP_VIEW if self.clip_view.isChecked() else CLIP_MUNICIPALITIES

    def start(self) -> Any:
        """Run the import in the worker; returns the job (None when refused)."""
        if self.job is not None:
            return self.job
        text = self.path.text().strip()
        if not text:
            self.status.setText(tr("Kies eerst een OpenStreetMap-bestand."))
            return None
        w = self.window_
        if self.clip_kind() == CLIP_VIEW:
            canvas = w.canvas
            bbox = tuple(float(v) for v in canvas.view.extent(canvas.width(), canvas.height()))
            job = osm_job(Path(text), bbox=bbox)  # type: ignore[arg-type]
        else:
            job = osm_job(Path(text), layers=list(w.project.layers), buffer_m=float(self.buffer.value()))
        self.imported = None
        self.add_btn.setEnabled(False)
        self.report.clear()
        self.go.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(tr("Bezig met inlezen…"))
        self.cancel_btn.setText(tr("Annuleren"))
        self.job = w.runner.start(tr("OpenStreetMap importeren"), job, on_result=self._done,
                                  on_error=self._failed, on_progress=self._progress,
                                  on_cancelled=lambda: self.status.setText(tr("Import geannuleerd.")))
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
        self.imported = result
        self.report.setPlainText(report_text(result, language()))
        self.status.setText(tr("Import klaar. Controleer het verslag en voeg de lagen toe."))
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

    def add_layers(self) -> list[Layer]:
        """Close and let the planner confirm the layers; returns those added."""
        if self.imported is None:
            return []
        result, use = self.imported, self.use_network.isChecked()
        self.accept()
        return list(self.window_.add_osm_result(result, use_for_analysis=use))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()
