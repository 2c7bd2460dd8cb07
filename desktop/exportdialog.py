"""Export dialog: one place for every exporter, with a layout preview.

The planner ticks the scenarios to export; those without current results are
computed first, in the same worker job, so an export never carries stale or
missing numbers. An existing file or folder is overwritten only after a
confirmation. Each export runs in the worker with a progress bar; exporters
write atomically, so a cancelled or failed export leaves no half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QImage, QPixmap
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.dialogkit import WindowDialog, progress_bar
from slimmeregio.desktop.exportjobs import (
    EXPORTS,
    ExportKind,
    available_exports,
    preview_image,
    run_export,
)
from slimmeregio.desktop.i18n import language, tr

__all__ = ["EXPORTS", "ExportDialog", "ExportKind", "available_exports", "run_export"]


class ExportDialog(WindowDialog):
    """Choose what to export, the paper and theme, preview it, write it."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            window, parent, title=tr("Exporteren"), icon_name="export", size=(980, 660)
        )
        self.preview_job: Any = None
        self.written: Path | None = None
        self.kinds = available_exports()
        self.kind = QComboBox(self)
        self.kind.setObjectName("exportKind")
        run = window.last_run
        for k in self.kinds:
            self.kind.addItem(tr(k.label), k.key)
        self.paper = QComboBox(self)
        for key, label in (
            ("a3-landscape", tr("A3 liggend")),
            ("a3-portrait", tr("A3 staand")),
            ("a4-landscape", tr("A4 liggend")),
            ("a4-portrait", tr("A4 staand")),
        ):
            self.paper.addItem(label, key)
        self.theme = QComboBox(self)
        self.theme.setObjectName("exportTheme")
        from slimmeregio.exporters.maps import THEMES

        for key, title in THEMES.items():
            if key == "siting":
                continue
            self.theme.addItem(tr(title), key)
        if run is not None:
            self.theme.setCurrentIndex(
                max(0, self.theme.findData("change" if run.comparison is not None else "access"))
            )
        else:
            self.theme.setCurrentIndex(max(0, self.theme.findData("base")))
        self.scenario_list = QListWidget(self)
        self.scenario_list.setObjectName("exportScenarios")
        self.scenario_list.setMaximumHeight(120)
        self.scenario_list.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )  # long names elide
        self.scenario_list.setToolTip(
            tr(
                "Vink de scenario's aan die in de export komen; wat nog niet "
                "doorgerekend is, wordt eerst doorgerekend."
            )
        )
        current = window.store.current.name if window.store.current is not None else ""
        for name in window.store.names:
            computed = window.computed_run(name) is not None
            status = tr("doorgerekend") if computed else tr("wordt eerst doorgerekend")
            item = QListWidgetItem(f"{name} — {status}", self.scenario_list)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if name == current else Qt.CheckState.Unchecked
            )
        self.path = QLineEdit(self)
        self.path.setObjectName("exportPath")
        browse = QToolButton(self)
        browse.setText("…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.preview = QLabel(self)
        self.preview.setObjectName("exportPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(520, 380)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet(
            "QLabel#exportPreview { background: #e9edf0; border: 1px solid #cfd8dc; }"
        )
        self.progress = progress_bar(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.go = QPushButton(icon("export"), tr("Exporteren"), self)
        self.go.setObjectName("exportButton")
        self.go.setDefault(True)
        self.go.clicked.connect(self.start)
        self.cancel_btn = QPushButton(tr("Sluiten"), self)
        self.cancel_btn.clicked.connect(self._cancel_or_close)
        form = QFormLayout()
        form.addRow(tr("Wat:"), self.kind)
        form.addRow(tr("Scenario's:"), self.scenario_list)
        form.addRow(tr("Thema:"), self.theme)
        form.addRow(tr("Papier:"), self.paper)
        form.addRow(tr("Bestand:"), path_row)
        self.background = QCheckBox(
            tr("Achtergrondkaart eronder (vraagt een internetverbinding)"), self
        )
        self.background.setObjectName("exportBackground")
        self.background.setChecked(False)  # off: a pack stays reproducible offline
        form.addRow("", self.background)
        note = QLabel(
            tr(
                "Elke kaart vermeldt de bronnen, de parameters en — waar van toepassing — "
                "dat gegevens illustratief zijn."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #607d8b;")
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(note)
        left.addStretch(1)
        left.addWidget(self.status)
        left.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_btn)
        buttons.addWidget(self.go)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        holder = QWidget(self)
        holder.setLayout(left)
        holder.setMinimumWidth(390)
        holder.setMaximumWidth(420)
        layout.addWidget(holder)
        layout.addWidget(self.preview, 1)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.refresh_preview)
        for combo in (self.kind, self.paper, self.theme):
            combo.currentIndexChanged.connect(lambda _i: self._changed())
            # long entries must not push the form labels ("Thema:") out of the narrow left column
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(18)
        self._changed()

    def chosen_background(self, *, checked_only: bool = True) -> Any:
        """The project's top visible background map when the box is ticked (else None)."""
        if checked_only and not (self.background.isChecked() and self.background.isEnabled()):
            return None
        basemaps = getattr(self.window_, "basemaps", None)
        visible = [b for b in getattr(basemaps, "backgrounds", []) if b.visible]
        return visible[-1] if visible else None

    def current_kind(self) -> ExportKind:
        key = self.kind.currentData()
        return next(k for k in self.kinds if k.key == key)

    def _changed(self) -> None:
        kind = self.current_kind()
        self.paper.setEnabled(kind.has_layout)
        self.theme.setEnabled(kind.has_layout and kind.key != "pack")
        self.background.setEnabled(
            kind.key in ("map", "pack") and self.chosen_background(checked_only=False) is not None
        )
        path = Path(self.path.text()) if self.path.text() else None
        folder = path.parent if path else Path.home()
        stem = {
            "map": "masterplan",
            "atlas": "atlas",
            "excel": "indicatoren",
            "webmap": "webkaart",
            "slides": "raad",
            "gpkg": "resultaten",
        }.get(kind.key, "export")
        if kind.key == "pack":
            if path is None or path.suffix:
                self.path.setText(str(folder / "raadspakket"))
        elif path is None or path.suffix.lower() not in kind.suffixes:
            self.path.setText(str(folder / f"{stem}{kind.suffixes[0]}"))
        if kind.has_layout:
            self._preview_timer.start()
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(tr("Geen voorbeeld voor dit formaat."))

    def _browse(self) -> None:
        kind = self.current_kind()
        if kind.key == "pack":
            folder = QFileDialog.getExistingDirectory(
                self, tr("Map voor het raadspakket"), self.path.text()
            )
            if folder:
                self.path.setText(folder)
            return
        filt = ";;".join(f"{s[1:].upper()} (*{s})" for s in kind.suffixes)
        path, _ = QFileDialog.getSaveFileName(self, tr("Exporteren naar"), self.path.text(), filt)
        if path:
            if Path(path).suffix.lower() not in kind.suffixes:
                path += kind.suffixes[0]
            self.path.setText(path)

    def refresh_preview(self) -> Any:
        if self.preview_job is not None or not self.current_kind().has_layout:
            return self.preview_job
        w = self.window_
        run = w.last_run
        if w.results_stale or (run is not None and run.evaluation.pending):
            run = None  # stale, or a first pass still being completed
        project = w.project
        theme, paper, lang = (
            self.theme.currentData() or "base",
            self.paper.currentData(),
            language(),
        )
        if run is None and theme != "base":
            theme = "base"  # never a preview of stale or missing results
        self.preview.setText(tr("Voorbeeld wordt getekend…"))

        def job(progress: Any = None, cancel: Any = None) -> Any:
            return preview_image(project, run, theme, paper, lang)

        self.preview_job = w.runner.start(
            tr("Voorbeeld"),
            job,
            on_result=self._show_preview,
            on_error=lambda e: self.preview.setText(tr("Geen voorbeeld: {e}", e=str(e))),
        )
        self.preview_job.finished.connect(self._preview_finished)
        return self.preview_job

    def _preview_finished(self) -> None:
        self.preview_job = None

    def _show_preview(self, result: tuple[bytes, int, int]) -> None:
        data, w, h = result
        image = QImage(data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        pix = QPixmap.fromImage(image)
        self.preview.setPixmap(
            pix.scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def start(self) -> Any:
        if self.job is not None:
            return self.job
        kind = self.current_kind()
        text = self.path.text().strip()
        if not text:
            self.status.setText(tr("Kies een bestand."))
            return None
        path = Path(text)
        if kind.key != "pack" and path.suffix.lower() not in kind.suffixes:
            path = path.with_suffix(kind.suffixes[0])
            self.path.setText(str(path))
        w = self.window_
        theme, paper, lang = (
            self.theme.currentData() or "base",
            self.paper.currentData(),
            language(),
        )
        uses_results = kind.needs_results or (kind.has_layout and theme != "base")
        names = self.checked_scenarios()
        if uses_results and not names:
            self.status.setText(tr("Vink minstens één scenario aan."))
            return None
        if not self._may_write(path, kind):
            self.status.setText(
                tr("Niet geëxporteerd: het bestaande bestand blijft zoals het was.")
            )
            return None
        from slimmeregio.scenarios.runs import run_analysis

        project = w.project
        project.scenarios = w.store.to_data()
        plan = []  # (name, scenario, cached run or None, identity, prepared base or None)
        for name in names if uses_results else []:
            scenario = w.store.get(name)
            plan.append(
                (
                    name,
                    scenario,
                    w.computed_run(name),
                    w.current_identity([name]),
                    w.bases.get(project),
                )
            )
        to_compute = [p[0] for p in plan if p[2] is None]
        self.computed: list[Any] = []

        background = self.chosen_background()

        def job(progress: Any = None, cancel: Any = None) -> Path:
            runs = []
            share = 0.6 if to_compute else 0.0
            for i, (_name, scenario, cached, identity, base) in enumerate(plan):
                if cached is None:
                    lo = share * i / len(plan)
                    cached = run_analysis(
                        project,
                        scenario,
                        base,
                        identity=identity,
                        cancel=cancel,
                        progress=(lambda f, m="", lo=lo: progress(lo + f * share / len(plan), m))  # type: ignore[misc]
                        if progress
                        else None,
                    )
                    self.computed.append(cached)
                runs.append(cached)

            def rest(f: float, m: str = "") -> None:
                if progress:
                    progress(share + f * (1 - share), m)

            return run_export(
                kind.key,
                project,
                runs[0] if runs else None,
                path,
                theme=theme,
                paper=paper,
                lang=lang,
                runs=runs,
                progress=rest,
                cancel=cancel,
                background=background,
            )

        self.go.setEnabled(False)
        self.cancel_btn.setText(tr("Annuleren"))
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.status.setText(
            tr("Bezig met doorrekenen van {names} en schrijven…", names=", ".join(to_compute))
            if to_compute
            else tr("Bezig met schrijven…")
        )
        self.job = w.runner.start(
            tr("Exporteren"),
            job,
            on_result=self._done,
            on_error=self._failed,
            on_progress=lambda f, _m: self.progress.setValue(int(f * 1000)),
            on_cancelled=lambda: self.status.setText(
                tr("Geannuleerd; er is geen bestand geschreven.")
            ),
        )
        self.job.finished.connect(self._finished)
        return self.job

    def _finished(self) -> None:
        self.job = None
        self.go.setEnabled(True)
        self.progress.setVisible(False)
        self.cancel_btn.setText(tr("Sluiten"))

    def checked_scenarios(self) -> list[str]:
        """The ticked scenarios, in list order."""
        out = []
        for i in range(self.scenario_list.count()):
            item = self.scenario_list.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _may_write(self, path: Path, kind: ExportKind) -> bool:
        """True when ``path`` is free, or the planner confirms overwriting it."""
        exists = path.is_dir() and any(path.iterdir()) if kind.key == "pack" else path.exists()
        if not exists:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Bestaand bestand overschrijven?"),
            tr("{path} bestaat al. Overschrijven?", path=str(path)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(tr("Overschrijven"))
        box.button(QMessageBox.StandardButton.No).setText(tr("Niet overschrijven"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _done(self, path: Path) -> None:
        for run in getattr(self, "computed", []):
            self.window_.remember_run(run)
        self.written = Path(path)
        self.status.setText(tr("Geschreven: {path}", path=str(path)))
        self.window_.statusBar().showMessage(tr("Geëxporteerd: {path}", path=str(path)), 8000)

    def _failed(self, error: BaseException) -> None:
        from slimmeregio.desktop.errors import show_error

        self.status.setText("")
        show_error(self, error)

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
        else:
            self.close()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        for job in (self.job, self.preview_job):
            if job is not None:
                job.cancel()
        super().closeEvent(event)
