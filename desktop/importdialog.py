"""The shared frame of the file-import dialogs (OpenStreetMap, GTFS).

Both dialogs let the planner pick a file and the area to keep, run the
import in the worker with progress and cancel, and show its report before the
result is handed to the main window. :class:`ImportDialog` owns that frame;
a subclass adds its own fields, builds the worker job and says what to do
with the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.dialogkit import WindowDialog, hbox, progress_bar, vbox
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.layers.errors import SlimmeRegioError

__all__ = ["ImportDialog"]


class ImportDialog(WindowDialog):
    """File row, area choice, run row with progress, report and the add/close
    buttons of an import dialog. All texts arrive translated.

    ``make_job(path)`` returns the worker job for the chosen file, or None
    (with :attr:`status` set) to refuse; ``report(result, lang)`` is the text
    of the finished import's report. The result is kept in :attr:`result`.
    """

    def __init__(
        self,
        window: Any,
        parent: QWidget | None,
        *,
        key: str,
        title: str,
        size: tuple[int, int],
        intro: str,
        path_hint: str,
        browse_title: str,
        file_filter: str,
        missing_file: str,
        done: str,
        add_text: str,
        make_job: Callable[[Path], Any],
        report: Callable[[Any, str], str],
    ) -> None:
        super().__init__(window, parent, title=title, icon_name="add-layer", size=size)
        self.imported: Any = None
        self._texts = {
            "browse": browse_title,
            "filter": file_filter,
            "missing": missing_file,
            "done": done,
        }
        self._make_job = make_job
        self._report = report
        self._key = key

        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.path = QLineEdit(self)
        self.path.setObjectName(f"{key}Path")
        self.path.setPlaceholderText(path_hint)
        browse = QPushButton(icon("std:SP_DialogOpenButton"), tr("Bladeren…"), self)
        browse.clicked.connect(self.browse)
        self.file_row = QHBoxLayout()
        self.file_row.addWidget(self.path, 1)
        self.file_row.addWidget(browse)

        self.go = QPushButton(icon("add-layer"), tr("Importeren"), self)
        self.go.setObjectName(f"{key}ImportButton")
        self.go.setDefault(True)
        self.go.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.go.clicked.connect(self.start)
        self.progress = progress_bar(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName(f"{key}Report")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(tr("Het verslag van de import verschijnt hier."))
        self.add_btn = QPushButton(icon("add-layer"), add_text, self)
        self.add_btn.setObjectName(f"{key}AddButton")
        self.add_btn.setEnabled(False)
        self.cancel_btn = QPushButton(tr("Sluiten"), self)
        self.cancel_btn.clicked.connect(self.cancel_or_close)

    def area_box(
        self,
        other: str,
        *,
        has_municipalities: bool,
        buffer_max: int,
        buffer_m: int,
        buffer_tip: str,
    ) -> tuple[QGroupBox, QRadioButton]:
        """The 'Gebied' box: the project's municipalities with a border of
        :attr:`buffer` metres (:attr:`clip_munis`), or the ``other`` choice,
        returned with the box; the municipalities are chosen when there are any."""
        area = QGroupBox(tr("Gebied"), self)
        self.clip_munis = QRadioButton(tr("Gemeenten van het project, met een rand van"), area)
        alternative = QRadioButton(other, area)
        self.clip_group = QButtonGroup(self)
        self.clip_group.addButton(self.clip_munis)
        self.clip_group.addButton(alternative)
        self.buffer = QSpinBox(area)
        self.buffer.setObjectName(f"{self._key}Buffer")
        self.buffer.setRange(0, buffer_max)
        self.buffer.setSingleStep(500)
        self.buffer.setSuffix(" m")
        self.buffer.setValue(buffer_m)
        self.buffer.setToolTip(buffer_tip)
        row = QHBoxLayout()
        row.addWidget(self.clip_munis)
        row.addWidget(self.buffer)
        row.addStretch(1)
        area_layout = QVBoxLayout(area)
        area_layout.addLayout(row)
        area_layout.addWidget(alternative)
        if has_municipalities:
            self.clip_munis.setChecked(True)
        else:
            self.clip_munis.setEnabled(False)
            self.buffer.setEnabled(False)
            alternative.setChecked(True)
        self.clip_munis.toggled.connect(lambda on: self.buffer.setEnabled(on))
        return area, alternative

    def assemble(
        self, form_rows: list[tuple[str, QWidget | QLayout]], middle: list[QWidget]
    ) -> None:
        """Lay the dialog out: intro, the file row and ``form_rows``, the
        ``middle`` widgets, the run row, status, report and buttons."""
        form = QFormLayout()
        form.addRow(tr("Bestand:"), self.file_row)
        for label, field in form_rows:
            form.addRow(label, field)
        vbox(
            self,
            self.intro,
            form,
            *middle,
            hbox(self.go, (self.progress, 1)),
            self.status,
            (self.report, 1),
            hbox(self.add_btn, 1, self.cancel_btn),
        )

    def browse(self) -> None:
        start = self.path.text() or str(self.window_._last_dir())
        path, _ = QFileDialog.getOpenFileName(
            self, self._texts["browse"], start, self._texts["filter"]
        )
        if path:
            self.path.setText(path)

    def start(self) -> Any:
        """Run the import in the worker; returns the job (None when refused)."""
        if self.job is not None:
            return self.job
        text = self.path.text().strip()
        if not text:
            self.status.setText(self._texts["missing"])
            return None
        job = self._make_job(Path(text))
        if job is None:
            return None
        self.imported = None
        self.add_btn.setEnabled(False)
        self.report.clear()
        self.go.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(tr("Bezig met inlezen…"))
        self.cancel_btn.setText(tr("Annuleren"))
        self.job = self.window_.runner.start(
            self.windowTitle(),
            job,
            on_result=self._done,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=lambda: self.status.setText(tr("Import geannuleerd.")),
        )
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
        self.report.setPlainText(self._report(result, language()))
        self.status.setText(self._texts["done"])
        self.add_btn.setEnabled(True)
        self.add_btn.setFocus()

    def _failed(self, error: BaseException) -> None:
        from slimmeregio.desktop.errors import show_error

        self.status.setText(
            error.message(language()) if isinstance(error, SlimmeRegioError) else ""
        )
        show_error(self, error)

    def cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(tr("Bezig met annuleren…"))
        else:
            self.close()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()
