"""The layer panel: a Qt list model over the observable LayerList.

The model only subscribes to :class:`~slimmeregio.layers.model.LayerList`
events (napari's ``QtLayerList`` over ``LayerList``); the list itself stays
free of Qt. The panel shows the top-most layer first, as GIS users expect.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from PyQt6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    pyqtSignal,
)
from PyQt6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.actions import icon
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.maprender import classify, geometry_kind
from slimmeregio.layers.model import Layer, LayerList
from slimmeregio.layers.numbers import fmt_number

__all__ = ["LayerListModel", "LayerPanel", "layer_swatch"]

_MIME = "application/x-slimmeregio-layer"


def layer_swatch(layer: Layer, size: int = 18) -> QIcon:
    """A small picture of how the layer is drawn (its first classes)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        kind = geometry_kind(layer)
        colours = [QColor(layer.style.color)]
        if not layer.is_raster and layer.style.kind != "single":
            _, classes = classify(layer)
            colours = [QColor(c) for _, c in classes[1:4]] or colours
    except (TypeError, ValueError, AttributeError):
        kind, colours = "point", [QColor("#757575")]
    s = float(size)
    if kind == "polygon" or kind == "raster":
        p.setPen(QPen(QColor(layer.style.edge_color or "#6b6b6b"), 1))
        p.setBrush(colours[0])
        p.drawRoundedRect(QRectF(2, 3, s - 4, s - 6), 2, 2)
    elif kind == "line":
        for i, c in enumerate(colours[:3]):
            p.setPen(QPen(c, 2.4, cap=Qt.PenCapStyle.RoundCap))
            y = s * (0.3 + 0.2 * i)
            p.drawLine(QPointF(2, y + 3), QPointF(s - 2, y - 3))
    else:
        for i, c in enumerate(colours[:3]):
            p.setPen(QPen(QColor("white"), 1))
            p.setBrush(c)
            p.drawEllipse(QPointF(5 + i * 4, s / 2 + (i % 2) * 3 - 1.5), 3.8, 3.8)
    p.end()
    return QIcon(pix)


class LayerListModel(QAbstractListModel):
    """Rows = layers, top-most (last drawn) first; checkable for visibility."""

    LayerRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, layers: LayerList, parent: Any = None) -> None:
        super().__init__(parent)
        self._layers = layers
        self._icons: dict[int, QIcon] = {}
        layers.connect(self._on_event)

    @property
    def layers(self) -> LayerList:
        return self._layers

    def detach(self) -> None:
        with contextlib.suppress(ValueError):
            self._layers.disconnect(self._on_event)

    def _row(self, list_index: int) -> int:
        return len(self._layers) - 1 - list_index

    def layer_at(self, row: int) -> Layer:
        return self._layers[len(self._layers) - 1 - row]

    def row_of(self, name: str) -> int:
        return self._row(self._layers.index(name))

    # events from the LayerList (already applied)
    def _on_event(self, event: str, info: dict[str, Any]) -> None:
        if event == "inserted":
            row = len(self._layers) - 1 - info["index"]
            self.beginInsertRows(QModelIndex(), row, row)
            self.endInsertRows()
        elif event == "removed":
            self._icons.pop(id(info["layer"]), None)
            row = len(self._layers) - info["index"]  # size before removal - 1 - index
            self.beginRemoveRows(QModelIndex(), row, row)
            self.endRemoveRows()
        elif event == "moved":
            self.beginResetModel()
            self.endResetModel()
        elif event == "changed":
            self._icons.pop(id(info["layer"]), None)
            idx = self.index(self._row(info["index"]))
            self.dataChanged.emit(idx, idx)

    # model API
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._layers)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._layers):
            return None
        layer = self.layer_at(index.row())
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            return layer.name
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole:
            key = id(layer)
            if key not in self._icons:
                self._icons[key] = layer_swatch(layer)
            return self._icons[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(layer)
        if role == Qt.ItemDataRole.ForegroundRole and not layer.visible:
            return QColor("#9e9e9e")
        if role == self.LayerRole:
            return layer
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        layer = self.layer_at(index.row())
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            layer.visible = bool(checked)
            self._layers.changed(layer.name, "visible")
            return True
        if role == Qt.ItemDataRole.EditRole:
            name = str(value).strip()
            if not name or name == layer.name or name in self._layers:
                return False
            i = self._layers.index(layer.name)
            self._layers.remove(layer.name)
            self._layers.insert(i, layer.replace(name=name))
            return True
        return False

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (
            base
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsEditable
        )

    # drag to reorder
    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [_MIME]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(_MIME, QByteArray(self.layer_at(rows[0]).name.encode("utf-8")))
        return data

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData | None,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex,
    ) -> bool:
        if data is None or not data.hasFormat(_MIME):
            return False
        name = bytes(data.data(_MIME).data()).decode("utf-8")
        if name not in self._layers:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._layers)
        self.move_to_row(name, row)
        return False  # the move is done; the view must not remove the source row

    def move_to_row(self, name: str, row: int) -> None:
        """Move layer ``name`` so it appears before panel row ``row``."""
        n = len(self._layers)
        src = self._layers.index(name)
        src_row = n - 1 - src
        target_row = row - 1 if row > src_row else row
        target_row = min(max(target_row, 0), n - 1)
        dest = n - 1 - target_row
        self._layers.move(src, dest)


def _tooltip(layer: Layer) -> str:
    lang = language()
    lines = [f"<b>{_esc(layer.name)}</b>"]
    lines.append(tr("Rol: {role}", role=layer.role.label(lang)))
    if layer.is_raster:
        lines.append(tr("Raster"))
    else:
        lines.append(
            tr(
                "{n} objecten ({kind})",
                n=fmt_number(len(layer), lang=language(), digits=0),
                kind=layer.geometry_type,
            )
        )
    if layer.source:
        lines.append(tr("Bron: {path}", path=_esc(str(layer.source))))
    if (
        layer.service is not None
    ):  # a web service's snapshot: where and when (Lagen -> Dienstlagen vernieuwen)
        lines.append(tr("Bron: {path}", path=_esc(layer.service.describe(lang))))
    if layer.original_crs:
        crs = layer.original_crs + (" " + tr("(geraden)") if layer.crs_guessed else "")
        lines.append(tr("Coördinatenstelsel bron: {crs}", crs=crs))
    for entry in list(layer.report)[:6]:
        lines.append("⚠ " + _esc(entry.message(lang)))
    if layer.note:
        lines.append(f"<i>{_esc(layer.note)}</i>")
    return "<br>".join(lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LayerPanel(QWidget):
    """The dock content: a toolbar, the layer list and the illustrative note."""

    currentLayerChanged = pyqtSignal(object)
    zoomToLayer = pyqtSignal(str)
    styleRequested = pyqtSignal(str)
    labelsRequested = pyqtSignal(str)
    tableRequested = pyqtSignal(str)
    removeRequested = pyqtSignal(str)
    addRequested = pyqtSignal()

    def __init__(self, layers: LayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LayerPanel")
        self.model = LayerListModel(layers, self)
        self.view = QListView(self)
        self.view.setObjectName("layerListView")
        self.view.setModel(self.model)
        self.view.setIconSize(QSize(18, 18))
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setSpacing(1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(
            lambda idx: self.styleRequested.emit(self.model.layer_at(idx.row()).name)
        )

        bar = QToolBar(self)
        bar.setIconSize(QSize(18, 18))
        bar.addAction(icon("add-layer"), tr("Laag toevoegen…"), self.addRequested.emit)
        self._remove = bar.addAction(
            icon("remove-layer"), tr("Laag verwijderen"), self._remove_current
        )
        bar.addSeparator()
        self._up = bar.addAction(icon("std:SP_ArrowUp"), tr("Laag omhoog"), lambda: self._shift(-1))
        self._down = bar.addAction(
            icon("std:SP_ArrowDown"), tr("Laag omlaag"), lambda: self._shift(1)
        )
        bar.addSeparator()
        bar.addAction(
            icon("zoom-layer"),
            tr("Zoomen naar de laag"),
            lambda: self._emit_current(self.zoomToLayer),
        )
        bar.addAction(
            icon("style"), tr("Stijl van de laag…"), lambda: self._emit_current(self.styleRequested)
        )
        bar.addAction(
            icon("table"), tr("Attributentabel"), lambda: self._emit_current(self.tableRequested)
        )

        self.note = QLabel(self)
        self.note.setObjectName("illustrativeNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(
            "QLabel#illustrativeNote { background: #fff8e1; border: 1px solid #e0a800;"
            " border-radius: 4px; padding: 6px; color: #5d4037; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self._note_layers = layers
        layers.connect(self._note_listener)
        self._update_note()

    def _note_listener(self, *_: Any) -> None:
        self._update_note()

    def detach(self) -> None:
        """Stop listening to the layer list (before the panel is replaced)."""
        self.model.detach()
        with contextlib.suppress(ValueError):
            self._note_layers.disconnect(self._note_listener)

    def set_layers(self, layers: LayerList) -> None:
        self.detach()
        self.model = LayerListModel(layers, self)
        self.view.setModel(self.model)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self._note_layers = layers
        layers.connect(self._note_listener)
        self._update_note()

    def current_layer(self) -> Layer | None:
        idx = self.view.currentIndex()
        if not idx.isValid() or idx.row() >= self.model.rowCount():
            return None
        return self.model.layer_at(idx.row())

    def select_layer(self, name: str) -> None:
        if name in self.model.layers:
            self.view.setCurrentIndex(self.model.index(self.model.row_of(name)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        layer = self.model.layer_at(current.row()) if current.isValid() else None
        self.currentLayerChanged.emit(layer)

    def _emit_current(self, signal: Any) -> None:
        layer = self.current_layer()
        if layer is not None:
            signal.emit(layer.name)

    def _remove_current(self) -> None:
        self._emit_current(self.removeRequested)

    def _shift(self, delta: int) -> None:
        layer = self.current_layer()
        if layer is None:
            return
        row = self.model.row_of(layer.name)
        target = row + delta
        if not 0 <= target < self.model.rowCount():
            return
        self.model.move_to_row(layer.name, target + (1 if delta > 0 else 0))
        self.select_layer(layer.name)

    def _context_menu(self, pos: Any) -> None:
        idx = self.view.indexAt(pos)
        if not idx.isValid():
            return
        name = self.model.layer_at(idx.row()).name
        menu = QMenu(self)
        menu.addAction(
            icon("zoom-layer"), tr("Zoomen naar de laag"), lambda: self.zoomToLayer.emit(name)
        )
        menu.addAction(
            icon("style"), tr("Stijl van de laag…"), lambda: self.styleRequested.emit(name)
        )
        menu.addAction(tr("Labels en zichtbaarheid…"), lambda: self.labelsRequested.emit(name))
        menu.addAction(icon("table"), tr("Attributentabel"), lambda: self.tableRequested.emit(name))
        menu.addSeparator()
        menu.addAction(
            icon("remove-layer"), tr("Laag verwijderen"), lambda: self.removeRequested.emit(name)
        )
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _update_note(self) -> None:
        # Every illustrative layer of the project, shown or not: a hidden one still feeds the numbers.
        names, notes = [], []
        for layer in reversed(list(self.model.layers)):
            if layer.note:
                names.append(layer.name)
                if layer.note not in notes:
                    notes.append(layer.note)
        self.note.setVisible(bool(names))
        if names:
            self.note.setText(
                tr(
                    "ℹ <b>Illustratieve gegevens</b> in: {names}. Niet gebruiken voor "
                    "beslissingen zonder echte gegevens.",
                    names=", ".join(_esc(n) for n in names),
                )
            )
            self.note.setToolTip("<br><br>".join(_esc(n) for n in notes))
