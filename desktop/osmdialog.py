"""Import an OpenStreetMap extract as a bike network and POI layers.

The planner picks a ``.osm.pbf``/``.osm`` file and the area to keep (the
project's municipalities with a border, or the current map view). The import
runs in the worker with progress and cancel; its report is shown, and the
layers then go through the same role/field confirmation as any other file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PyQt6.QtWidgets import QCheckBox, QLabel, QWidget

from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.importdialog import ImportDialog
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
            return import_osm(
                path, bbox=bbox, bbox_crs="EPSG:31370", progress=progress, cancel=cancel
            )
        clip = region_clip(layers or [], buffer_m=buffer_m)
        # the clip is buffered already: no second buffer in the import
        return import_osm(path, clip=clip, buffer_m=0.0, progress=progress, cancel=cancel)

    return job


def report_text(result: Any, lang: str = "nl") -> str:
    """The import report as text for the dialog."""
    report = result.report
    km = sum(report.km_per_class.values())
    ways = sum(report.ways_per_class.values())
    head = tr(
        "{ways} fietsbare wegen, {km} km, gelezen in {s} s.",
        ways=fmt_number(ways, lang=lang, digits=0),
        km=fmt_number(km, lang=lang, digits=1),
        s=fmt_number(report.seconds, lang=lang, digits=1),
    )
    lines = [head, ""]
    lines += report.lines(lang)
    if report.outside_clip:
        lines.append(tr("buiten het gebied: {n} wegen", n=report.outside_clip))
    if report.routes:
        lines.append(tr("fietsroutes (relaties) gelezen: {n}", n=report.routes))
    lines += ["", "© OpenStreetMap contributors, ODbL 1.0"]
    return "\n".join(lines)


class OsmImportDialog(ImportDialog):
    """Choose the file and the area, run the import, show its report; then
    :meth:`add_layers` hands the layers to the main window's confirmation."""

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            window,
            parent,
            key="osm",
            title=tr("OpenStreetMap importeren"),
            size=(620, 560),
            intro=tr(
                "Leest een OpenStreetMap-uittreksel (.osm.pbf of .osm, bv. van Geofabrik) en maakt er een "
                "fietsnetwerk en lagen met stations, bushubs, deelfietsen, deelauto's en fietsenstallingen van."
            ),
            path_hint=tr("Kies een .osm.pbf- of .osm-bestand"),
            browse_title=tr("OpenStreetMap-bestand kiezen"),
            file_filter=tr(OSM_FILE_FILTER),
            missing_file=tr("Kies eerst een OpenStreetMap-bestand."),
            done=tr("Import klaar. Controleer het verslag en voeg de lagen toe."),
            add_text=tr("Lagen toevoegen…"),
            make_job=self._job,
            report=report_text,
        )
        project_layers = list(window.project.layers)
        self.has_municipalities = any(
            (la.role == Role.MUNICIPALITIES or "Polygon" in la.geometry_type)
            and not la.is_raster
            and len(la)
            for la in project_layers
        )
        self.existing_networks = [la.name for la in project_layers if la.role == Role.BIKE_NETWORK]

        area, self.clip_view = self.area_box(
            tr("Huidige kaartbeeld"),
            has_municipalities=self.has_municipalities,
            buffer_max=20_000,
            buffer_m=2000,
            buffer_tip=tr("De rand houdt grensoverschrijdende verbindingen in het netwerk."),
        )
        if not self.has_municipalities:
            self.clip_munis.setToolTip(tr("Het project heeft geen gemeenten."))

        self.use_network = QCheckBox(self)
        self.use_network.setObjectName("osmUseNetwork")
        self.use_network_note = QLabel(self)
        self.use_network_note.setWordWrap(True)
        self.use_network_note.setStyleSheet("color: #52606d; margin-left: 22px;")
        if self.existing_networks:
            self.use_network.setText(tr("Het OSM-fietsnetwerk gebruiken voor de analyses"))
            self.use_network_note.setText(
                tr(
                    "Het huidige fietsnetwerk '{name}' wordt dan verborgen en krijgt de rol 'andere'.",
                    name=", ".join(self.existing_networks),
                )
            )
            illustrative = any(window.project.layers[n].note for n in self.existing_networks)
            self.use_network.setChecked(illustrative)
        else:
            self.use_network.setVisible(False)
            self.use_network_note.setVisible(False)
            self.use_network.setChecked(True)
        self.add_btn.clicked.connect(self.add_layers)
        self.assemble([], [area, self.use_network, self.use_network_note])

    def clip_kind(self) -> str:
        return CLIP_VIEW if self.clip_view.isChecked() else CLIP_MUNICIPALITIES

    def _job(self, path: Path) -> Any:
        """The worker job for ``path``, clipped as chosen."""
        if self.clip_kind() == CLIP_VIEW:
            canvas = self.window_.canvas
            bbox = tuple(float(v) for v in canvas.view.extent(canvas.width(), canvas.height()))
            return osm_job(path, bbox=bbox)  # type: ignore[arg-type]
        return osm_job(
            path, layers=list(self.window_.project.layers), buffer_m=float(self.buffer.value())
        )

    def add_layers(self) -> list[Layer]:
        """Close and let the planner confirm the layers; returns those added."""
        if self.imported is None:
            return []
        result, use = self.imported, self.use_network.isChecked()
        self.accept()
        return list(self.window_.add_osm_result(result, use_for_analysis=use))
