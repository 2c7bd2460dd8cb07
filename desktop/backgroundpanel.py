"""The background-map list under the layer list, and the dialog that adds one.

:class:`BackgroundPanel` lists the project's background maps (bottom
first), each with a check box and its state ("laden…", "geen verbinding");
:class:`AddBackgroundDialog` offers the presets (OpenStreetMap, GRB
basiskaart, orthofoto) or an XYZ/WMTS template or WMS address the user types.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.basemap import BasemapController
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.servicequery import ask_service, error_text, list_offered
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.tiles import PRESETS, Background, TileSource

__all__ = ["AddBackgroundDialog", "BackgroundPanel"]

_CUSTOM_XYZ = "__xyz__"
_CUSTOM_WMS = "__wms__"


class AddBackgroundDialog(QDialog):
    """Choose a preset background map or type the address of one.

    With a ``runner``, "Lagen ophalen" asks a typed WMS for its layers in
    the worker (the dialog never waits on the network)."""

    def __init__(self, parent: QWidget | None = None, runner: WorkerRunner | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job: Job | None = None
        self.setWindowTitle(tr("Achtergrondkaart toevoegen"))
        self.choice = QComboBox(self)
        self.choice.setObjectName("backgroundChoice")
        for key, source in PRESETS.items():
            self.choice.addItem(source.title, key)
        self.choice.addItem(tr("Eigen XYZ- of WMTS-adres ({z}/{x}/{y})…"), _CUSTOM_XYZ)
        self.choice.addItem(tr("Eigen WMS-adres…"), _CUSTOM_WMS)
        self.url = QLineEdit(self)
        self.url.setObjectName("backgroundUrl")
        self.url.setPlaceholderText("https://…/{z}/{x}/{y}.png")
        self.layers = QLineEdit(self)
        self.layers.setObjectName("backgroundLayers")
        self.fetch_layers = QPushButton(tr("Lagen ophalen"), self)
        self.fetch_layers.setObjectName("fetchWmsLayers")
        self.fetch_layers.clicked.connect(self.ask_wms)
        self.wms_list = QListWidget(self)
        self.wms_list.setObjectName("wmsLayerList")
        self.wms_list.setMaximumHeight(90)
        self.wms_list.currentItemChanged.connect(self._pick_wms_layer)
        self.attribution = QLineEdit(self)
        self.attribution.setObjectName("backgroundAttribution")
        self.title = QLineEdit(self)
        self.error = QLabel(self)
        self.error.setObjectName("backgroundError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c")
        form = QFormLayout()
        form.addRow(tr("Kaart"), self.choice)
        form.addRow(tr("Naam"), self.title)
        form.addRow(tr("Adres"), self.url)
        wms_row = QHBoxLayout()
        wms_row.addWidget(self.layers, 1)
        wms_row.addWidget(self.fetch_layers)
        form.addRow(tr("WMS-lagen"), wms_row)
        form.addRow("", self.wms_list)
        form.addRow(tr("Bronvermelding"), self.attribution)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel(
            tr(
                "Achtergrondkaarten zijn alleen om te kijken: ze tellen nooit mee in een berekening."
            ),
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.choice.currentIndexChanged.connect(self._fill)
        self._fill()
        self.result_background: Background | None = None

    def _fill(self) -> None:
        key = self.choice.currentData()
        custom = key in (_CUSTOM_XYZ, _CUSTOM_WMS)
        for widget in (self.url, self.attribution, self.title):
            widget.setReadOnly(not custom)
        self.layers.setEnabled(key == _CUSTOM_WMS or (not custom and PRESETS[key].kind == "wms"))
        self.layers.setReadOnly(not custom)
        self.fetch_layers.setEnabled(key == _CUSTOM_WMS and self.runner is not None)
        self.wms_list.setVisible(key == _CUSTOM_WMS)
        self.wms_list.clear()
        if custom:
            self.url.clear()
            self.layers.clear()
            self.attribution.clear()
            self.title.setText(tr("Eigen achtergrondkaart"))
            self.url.setPlaceholderText(
                "https://…/{z}/{x}/{y}.png" if key == _CUSTOM_XYZ else "https://…/wms"
            )
            return
        source = PRESETS[key]
        self.url.setText(source.url)
        self.layers.setText(source.layers)
        self.attribution.setText(source.attribution)
        self.title.setText(source.title)

    def ask_wms(self) -> Job | None:
        """List the typed WMS's layers (in Lambert 72), fetched in the worker."""
        from slimmeregio.layers.tiles import wms_layers

        if self.runner is None or self.job is not None:
            return None
        url = self.url.text().strip()
        self.wms_list.clear()
        self.error.setText(tr("Verbinden met de dienst…"))

        self.job = ask_service(
            self.runner,
            lambda: wms_layers(url),
            on_result=self._offered,
            on_error=self._failed,
            on_finished=self._job_done,
        )
        return self.job

    def _job_done(self) -> None:
        self.job = None

    def _offered(self, layers: list[tuple[str, str]]) -> None:
        self.error.setText(
            "" if layers else tr("De dienst biedt geen lagen in Lambert 72 (EPSG:31370).")
        )
        list_offered(self.wms_list, layers)

    def _failed(self, error: BaseException) -> None:
        self.error.setText(error_text(error))

    def _pick_wms_layer(
        self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None
    ) -> None:
        if item is not None:
            self.layers.setText(str(item.data(Qt.ItemDataRole.UserRole)))

    def background(self) -> Background:
        """The chosen background; ServiceUrlError for an unusable address."""
        key = self.choice.currentData()
        if key not in (_CUSTOM_XYZ, _CUSTOM_WMS):
            return Background(PRESETS[key])
        kind = "xyz" if key == _CUSTOM_XYZ else "wms"
        source = TileSource(
            key="eigen",
            title=self.title.text().strip() or tr("Eigen achtergrondkaart"),
            kind=kind,
            url=self.url.text().strip(),
            attribution=self.attribution.text().strip(),
            layers=self.layers.text().strip(),
        )
        return Background(source)

    def accept(self) -> None:
        try:
            self.result_background = self.background()
        except SlimmeRegioError as error:
            self.error.setText(error.full_message(language()))
            return
        super().accept()


class BackgroundPanel(QWidget):
    """The background maps of the project with their state, under the layer list."""

    def __init__(self, controller: BasemapController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.list = QListWidget(self)
        self.list.setObjectName("backgroundList")
        self.list.setMaximumHeight(110)
        self.add_btn = QPushButton(tr("Toevoegen…"), self)
        self.add_btn.setObjectName("addBackground")
        self.remove_btn = QPushButton(tr("Verwijderen"), self)
        self.refresh_btn = QPushButton(tr("Vernieuwen"), self)
        self.refresh_btn.setObjectName("refreshBackground")
        self.refresh_btn.setToolTip(tr("Opnieuw proberen te verbinden en de kaart opnieuw ophalen"))
        buttons = QHBoxLayout()
        for button in (self.add_btn, self.remove_btn, self.refresh_btn):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.add_btn.clicked.connect(self.add_dialog)
        self.remove_btn.clicked.connect(self._remove)
        self.refresh_btn.clicked.connect(controller.refresh)
        self.list.itemChanged.connect(self._toggled)
        controller.changed.connect(self.refresh_list)
        controller.statusChanged.connect(self._status_changed)
        self.refresh_list()

    def _status_changed(self, _key: str) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for background in reversed(self.controller.backgrounds):  # top first, as the layer list
            key = background.source.key
            status = self.controller.status_text(key)
            text = f"{background.source.title} — {status}" if status else background.source.title
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if background.visible else Qt.CheckState.Unchecked
            )
            item.setToolTip(background.source.attribution)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def item_text(self, key: str) -> str:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                return item.text()
        return ""

    def _toggled(self, item: QListWidgetItem) -> None:
        self.controller.set_visible(
            item.data(Qt.ItemDataRole.UserRole), item.checkState() == Qt.CheckState.Checked
        )

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.controller.remove(item.data(Qt.ItemDataRole.UserRole))

    def add_dialog(self) -> Background | None:
        dialog = AddBackgroundDialog(self, runner=self.controller.runner)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_background is not None:
            return self.controller.add(dialog.result_background)
        return None
