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

from PyQt6.QtWidgets import QLineEdit, QWidget

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.importdialog import ImportDialog
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
        return import_gtfs(
            path, date=date, clip=clip, buffer_m=buffer_m, progress=progress, cancel=cancel
        )

    return job


def gtfs_report_text(result: Any, lang: str = "nl") -> str:
    """The import report as text for the dialog."""
    lines = list(result.report.lines(lang))
    lines.append(
        tr(
            "{n} haltes in de laag, gelezen in {s} s.",
            n=len(result.layer.frame),
            s=f"{result.report.seconds:.1f}".replace(".", "," if lang == "nl" else "."),
        )
    )
    lines += ["", result.layer.attribution or ""]
    return "\n".join(lines).rstrip()


class GtfsImportDialog(ImportDialog):
    """Choose the feed, the day and the area, run the import, show its report;
    then :meth:`add_layer` hands the layer to the main window's confirmation."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            window,
            parent,
            key="gtfs",
            title=tr("Openbaar vervoer importeren (GTFS)"),
            size=(620, 520),
            intro=tr(
                "Leest een dienstregeling in GTFS-formaat (De Lijn, NMBS, MIVB, TEC) en maakt er een laag "
                "OV-haltes van met het aantal vertrekken per uur in de spits, overdag en 's avonds."
            ),
            path_hint=tr("Kies een GTFS-bestand (.zip)"),
            browse_title=tr("GTFS-bestand kiezen"),
            file_filter=tr(GTFS_FILE_FILTER),
            missing_file=tr("Kies eerst een GTFS-bestand."),
            done=tr("Import klaar. Controleer het verslag en voeg de laag toe."),
            add_text=tr("Laag toevoegen…"),
            make_job=self._job,
            report=gtfs_report_text,
        )
        self.has_municipalities = any(
            la.role == Role.MUNICIPALITIES and not la.is_raster and len(la)
            for la in window.project.layers
        )
        self.date = QLineEdit(self)
        self.date.setObjectName("gtfsDate")
        self.date.setPlaceholderText(tr("JJJJ-MM-DD (leeg: de volgende dinsdag)"))
        area, self.clip_none = self.area_box(
            tr("De hele feed"),
            has_municipalities=self.has_municipalities,
            buffer_max=50_000,
            buffer_m=3000,
            buffer_tip=tr(
                "De rand houdt de haltes en stations net over de grens, zoals in Brussel."
            ),
        )
        self.add_btn.clicked.connect(self.add_layer)
        self.assemble([(tr("Dag:"), self.date)], [area])

    def _job(self, path: Path) -> Any:
        """The worker job for ``path``, or None (with a status) for a day that is no date."""
        day = self.date.text().strip() or None
        if day is not None:
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                self.status.setText(tr("'{d}' is geen datum JJJJ-MM-DD.", d=day))
                return None
        layers = list(self.window_.project.layers) if self.clip_munis.isChecked() else None
        return gtfs_job(path, date=day, layers=layers, buffer_m=float(self.buffer.value()))

    def add_layer(self) -> list[Layer]:
        """Close and let the planner confirm the layer; returns what was added."""
        if self.imported is None:
            return []
        result = self.imported
        self.accept()
        return list(self.window_.confirm_layers([result.layer]))
