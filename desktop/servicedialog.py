"""Adding a WFS or OGC API Features layer, and refreshing service layers.

:class:`AddServiceLayerDialog` takes a service address, asks the service
what it offers (in the worker, so the window never waits), lets the planner
choose a layer and an area (the current map view or everything), and hands
back the request. :class:`ServiceActionsMixin` (on the main window) reads
the layer in the worker, passes it through the usual role/field dialog, and
refreshes the project's service layers on request ("Vernieuwen"): opening
a project never fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.servicequery import ask_service, error_text, list_offered
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.model import Layer
from slimmeregio.layers.services import ServiceCapabilities

__all__ = ["AddServiceLayerDialog", "ServiceActionsMixin", "ServiceRequest"]

Extent = tuple[float, float, float, float]


@dataclass(frozen=True)
class ServiceRequest:
    """The layer a planner chose: service address, layer name, area (or None)."""

    url: str
    layer: str
    bbox: Extent | None


class AddServiceLayerDialog(QDialog):
    """Address -> layers on offer -> chosen layer and area."""

    def __init__(
        self, runner: WorkerRunner, view_extent: Extent | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("WFS- of OGC API-laag toevoegen"))
        self.runner = runner
        self.view_extent = view_extent
        self.capabilities: ServiceCapabilities | None = None
        self.job: Job | None = None
        self.url = QLineEdit(self)
        self.url.setObjectName("serviceUrl")
        self.url.setPlaceholderText("https://…/ogc/features  of  https://…/wfs")
        self.connect_btn = QPushButton(tr("Verbinden"), self)
        self.connect_btn.setObjectName("serviceConnect")
        self.layers = QListWidget(self)
        self.layers.setObjectName("serviceLayers")
        self.status = QLabel(self)
        self.status.setObjectName("serviceStatus")
        self.status.setWordWrap(True)
        self.area_view = QRadioButton(tr("Alleen het huidige kaartbeeld"), self)
        self.area_all = QRadioButton(tr("De hele laag"), self)
        (self.area_view if view_extent is not None else self.area_all).setChecked(True)
        self.area_view.setEnabled(view_extent is not None)
        note = QLabel(
            tr(
                "De objecten worden in het project bewaard, met het adres en het tijdstip van ophalen; "
                "een project openen haalt niets opnieuw op."
            ),
            self,
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.url, 1)
        top.addWidget(self.connect_btn)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Adres van de dienst"), self))
        layout.addLayout(top)
        layout.addWidget(self.layers)
        layout.addWidget(self.area_view)
        layout.addWidget(self.area_all)
        layout.addWidget(note)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.connect_btn.clicked.connect(self.ask_service)
        self.url.returnPressed.connect(self.ask_service)
        self._ok_enabled()
        self.resize(560, 420)

    def _ok_enabled(self) -> None:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if button is not None:
            button.setEnabled(self.layers.currentItem() is not None)

    def ask_service(self) -> Job | None:
        """Fetch the service's capabilities in the worker."""
        from slimmeregio.layers.services import service_capabilities

        if self.job is not None:
            return None
        url = self.url.text().strip()
        self.layers.clear()
        self.capabilities = None
        self.status.setText(tr("Verbinden met de dienst…"))
        self.connect_btn.setEnabled(False)

        self.job = ask_service(
            self.runner,
            lambda: service_capabilities(url),
            on_result=self._offered,
            on_error=self._failed,
            on_finished=self._done,
        )
        return self.job

    def _done(self) -> None:
        self.job = None
        self.connect_btn.setEnabled(True)

    def _offered(self, capabilities: ServiceCapabilities) -> None:
        self.capabilities = capabilities
        kind = {"oapif": "OGC API - Features", "wfs": "WFS"}.get(
            capabilities.kind, capabilities.kind
        )
        self.status.setText(
            tr(
                "{title} ({kind}): {n} lagen",
                title=capabilities.title or capabilities.url,
                kind=kind,
                n=len(capabilities.layers),
            )
        )
        list_offered(self.layers, ((info.name, info.title) for info in capabilities.layers))
        if self.layers.count():
            self.layers.setCurrentRow(0)
        self._ok_enabled()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))

    def request(self) -> ServiceRequest | None:
        item = self.layers.currentItem()
        if self.capabilities is None or item is None:
            return None
        bbox = self.view_extent if self.area_view.isChecked() else None
        return ServiceRequest(self.capabilities.url, str(item.data(Qt.ItemDataRole.UserRole)), bbox)

    def accept(self) -> None:
        if self.request() is None:
            return
        super().accept()

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()


class ServiceActionsMixin:
    """Main-window actions for service layers (needs ``_start``, ``canvas``,
    ``project``, ``confirm_layers``, ``statusBar``)."""

    def add_service_layer_dialog(self) -> ServiceRequest | None:
        """Lagen -> WFS- of OGC API-laag toevoegen…"""
        window: Any = self
        size = window.canvas.size()
        extent = window.canvas.view.extent(size.width(), size.height())
        dialog = AddServiceLayerDialog(window.runner, extent, window)
        window._last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        request = dialog.request()
        if request is not None:
            self.add_service_layer(request)
        return request

    def add_service_layer(self, request: ServiceRequest) -> Job:
        """Read the requested layer in the worker, then confirm role and fields."""
        from slimmeregio.layers.services import read_service_layer

        window: Any = self
        window.statusBar().showMessage(tr("Bezig met ophalen: {name}…", name=request.layer))

        def job(progress: Any = None, cancel: Any = None) -> list[Layer]:
            return [
                read_service_layer(
                    request.url, request.layer, bbox=request.bbox, progress=progress, cancel=cancel
                )
            ]

        result: Job = window._start(tr("Ophalen"), job, on_result=window.confirm_layers)
        return result

    def refresh_service_layers(self) -> Job | None:
        """Read every service layer again; all or nothing (a failing service
        leaves every snapshot as it was, and says "geen verbinding")."""
        from slimmeregio.layers.services import refresh_service_layer

        window: Any = self
        stale = [layer for layer in window.project.layers if layer.service is not None]
        if not stale:
            window.statusBar().showMessage(
                tr("Het project heeft geen lagen uit een webdienst."), 5000
            )
            return None
        window.statusBar().showMessage(tr("Dienstlagen vernieuwen…"))

        def job(progress: Any = None, cancel: Any = None) -> list[Layer]:
            return [refresh_service_layer(layer, cancel=cancel) for layer in stale]

        def done(fresh: list[Layer]) -> None:
            for layer in fresh:
                if layer.name in window.project.layers:
                    index = window.project.layers.index(layer.name)
                    window.project.layers.remove(layer.name)
                    window.project.layers.insert(index, layer)
            window.statusBar().showMessage(
                tr("{n} dienstlaag/-lagen vernieuwd.", n=len(fresh)), 5000
            )

        def failed(error: BaseException) -> None:
            window.statusBar().clearMessage()
            dialogs.show_error(window, error)

        result: Job = window._start(tr("Vernieuwen"), job, on_result=done, on_error=failed)
        return result
