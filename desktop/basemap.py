"""Background maps on the canvas: fetched in the background, painted under the layers.

:class:`BasemapController` keeps the project's background maps
(:class:`~slimmeregio.layers.tiles.Background`), renders each for the
canvas's view on its own one-thread worker pool (tiles come from the disk
cache or the network with timeouts, so the interface never waits), paints
the last image it has under the layers (placed where it belongs while a
fresher one is on its way) and draws the attribution and the connection
state ("geen verbinding") in the canvas's corner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import numpy as np
from PyQt6.QtCore import QCoreApplication, QObject, QRectF, QSize, Qt, QThreadPool, pyqtSignal
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen

from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.mapcanvas import MapCanvas, View
from slimmeregio.desktop.worker import Job, WorkerRunner
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.tiles import Background, RenderedMap, TileCache, render_view

__all__ = ["BasemapController", "BasemapState"]

Extent = tuple[float, float, float, float]


#: Finished images kept per background (one per view that asked lately).
_KEPT_IMAGES = 4


@dataclass
class BasemapState:
    """What one background map shows now: its last image and its state.

    ``status`` is ``idle``, ``loading``, ``ok``, ``partial`` (some tiles
    missing), ``offline`` (no connection) or ``error``.
    """

    image: QImage | None = None
    extent: Extent | None = None
    size: tuple[int, int] = (0, 0)
    status: str = "idle"
    message: str = ""
    job: Job | None = None
    pending: tuple[Extent, int, int] | None = None
    #: The last few finished images by (extent, size): the window's map and another view of it (an
    #: export preview, a second canvas) each find their own, instead of asking in turn for theirs and
    #: cancelling each other's image for ever.
    images: dict[tuple[Extent, tuple[int, int]], QImage] = field(default_factory=dict)


def _qimage(rgba: np.ndarray) -> QImage:
    h, w = rgba.shape[:2]
    data = np.ascontiguousarray(rgba)
    image = QImage(cast(bytes, data.data), w, h, 4 * w, QImage.Format.Format_RGBA8888)
    return image.copy()  # own the pixels: the array may go


class BasemapController(QObject):
    """The project's background maps, drawn on one :class:`MapCanvas`.

    Signals
    -------
    changed()
        The list of backgrounds or a background's visibility changed (the
        project is dirty).
    statusChanged(key)
        A background's state changed (``loading``, ``offline`` ...).
    """

    changed = pyqtSignal()
    statusChanged = pyqtSignal(str)

    def __init__(
        self,
        canvas: MapCanvas,
        *,
        cache: TileCache | None = None,
        timeout: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.cache = cache if cache is not None else TileCache()
        self.timeout = timeout
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.runner = WorkerRunner(self, pool=self._pool)
        self.backgrounds: list[Background] = []
        self.states: dict[str, BasemapState] = {}
        canvas.underlay = self.paint_under
        canvas.decorate = self.paint_decorations

    # model ------------------------------------------------------------------
    def set_backgrounds(self, backgrounds: list[Background]) -> None:
        """Show ``backgrounds`` (bottom first) instead of the current ones."""
        self.runner.cancel_all()
        self.backgrounds = list(backgrounds)
        self.states = {b.source.key: BasemapState() for b in self.backgrounds}
        self.canvas.invalidate()

    def load_settings(self, data: list[dict[str, Any]]) -> list[SlimmeRegioError]:
        """Backgrounds from a project's settings; the damaged or unsafe ones
        are left out and returned as errors."""
        found: list[Background] = []
        errors: list[SlimmeRegioError] = []
        for item in data:
            try:
                found.append(Background.from_dict(item))
            except SlimmeRegioError as error:
                errors.append(error)
        self.set_backgrounds(found)
        return errors

    def to_settings(self) -> list[dict[str, Any]]:
        return [b.to_dict() for b in self.backgrounds]

    def _unique_key(self, key: str) -> str:
        keys = {b.source.key for b in self.backgrounds}
        if key not in keys:
            return key
        n = 2
        while f"{key}-{n}" in keys:
            n += 1
        return f"{key}-{n}"

    def add(self, background: Background) -> Background:
        """Add ``background`` on top of the other backgrounds (still under every layer)."""
        from dataclasses import replace

        key = self._unique_key(background.source.key)
        if key != background.source.key:
            background = replace(background, source=replace(background.source, key=key))
        self.backgrounds.append(background)
        self.states[key] = BasemapState()
        self.changed.emit()
        self.canvas.invalidate()
        return background

    def remove(self, key: str) -> None:
        self.backgrounds = [b for b in self.backgrounds if b.source.key != key]
        state = self.states.pop(key, None)
        if state is not None and state.job is not None:
            state.job.cancel()
        self.changed.emit()
        self.canvas.invalidate()

    def set_visible(self, key: str, visible: bool) -> None:
        for b in self.backgrounds:
            if b.source.key == key and b.visible != visible:
                b.visible = visible
                self.changed.emit()
                self.canvas.invalidate()

    def refresh(self) -> None:
        """Forget the drawn images and fetch again (after a lost connection)."""
        for key in self.states:
            self.states[key] = BasemapState()
        self.canvas.invalidate()

    def attributions(self) -> list[str]:
        """Attribution lines of the visible backgrounds, without repeats."""
        seen: list[str] = []
        for b in self.backgrounds:
            if b.visible and b.source.attribution and b.source.attribution not in seen:
                seen.append(b.source.attribution)
        return seen

    def status_text(self, key: str) -> str:
        """The state of background ``key`` in the user's words ("" when fine)."""
        state = self.states.get(key)
        if state is None:
            return ""
        return {
            "loading": tr("laden…"),
            "offline": tr("geen verbinding"),
            "partial": tr("niet alle tegels geladen"),
            "error": state.message,
        }.get(state.status, "")

    def busy(self) -> bool:
        return bool(self.runner.jobs)

    def shutdown(self, msecs: int = 10000) -> None:
        """Cancel the fetches and wait for the worker (on close)."""
        self.runner.cancel_all()
        self._pool.waitForDone(msecs)
        # deliver the finished jobs' queued signals while their objects live
        QCoreApplication.sendPostedEvents()

    # fetching -----------------------------------------------------------------
    def _request(self, background: Background, extent: Extent, width: int, height: int) -> None:
        state = self.states.setdefault(background.source.key, BasemapState())
        if state.job is not None:
            state.pending = (extent, width, height)
            return
        state.pending = None
        source, cache, timeout = background.source, self.cache, self.timeout
        key = source.key

        def fetch(progress: Any = None, cancel: Any = None) -> RenderedMap:
            return render_view(
                source, extent, width, height, cache=cache, timeout=timeout, cancel=cancel
            )

        state.status = "loading"
        state.job = self.runner.start(
            f"basemap:{key}",
            fetch,
            on_result=partial(self._done, key),
            on_error=partial(self._failed, key),
        )
        state.job.finished.connect(partial(self._finished, key))
        self.statusChanged.emit(key)

    def _done(self, key: str, result: RenderedMap) -> None:
        state = self.states.get(key)
        if state is None:
            return
        if result.error is not None and result.missing == result.tiles:
            state.status = "offline" if result.offline else "error"
            state.message = (
                result.error.message(language())
                if isinstance(result.error, SlimmeRegioError)
                else str(result.error)
            )
            # keep showing the last good image, if any, for the old extent
        else:
            state.image = _qimage(result.rgba)
            state.extent = result.bbox
            state.size = (result.rgba.shape[1], result.rgba.shape[0])
            state.images[(tuple(float(v) for v in result.bbox), state.size)] = state.image  # type: ignore[index]
            while len(state.images) > _KEPT_IMAGES:
                state.images.pop(next(iter(state.images)))
            state.status = "partial" if result.missing else "ok"
        self.statusChanged.emit(key)
        self.canvas.invalidate()

    def _failed(self, key: str, error: BaseException) -> None:
        state = self.states.get(key)
        if state is None:
            return
        state.status = "error"
        state.message = str(error)
        self.statusChanged.emit(key)
        self.canvas.update()

    def _finished(self, key: str) -> None:
        state = self.states.get(key)
        if state is None:
            return
        state.job = None
        if state.pending is not None and state.status not in ("offline", "error"):
            background = next((b for b in self.backgrounds if b.source.key == key), None)
            extent, width, height = state.pending
            state.pending = None
            if background is not None and background.visible:
                self._request(background, extent, width, height)

    # painting -----------------------------------------------------------------
    def paint_under(self, p: QPainter, view: View, size: QSize) -> None:
        """Draw every visible background for ``view`` (the canvas's underlay)."""
        w, h = max(size.width(), 1), max(size.height(), 1)
        extent = view.extent(w, h)
        transform = view.transform(w, h)
        for background in self.backgrounds:
            if not background.visible:
                continue
            state = self.states.setdefault(background.source.key, BasemapState())
            kept = state.images.get((extent, (w, h)))
            current = kept is not None or (state.extent == extent and state.size == (w, h))
            if not current and state.status not in ("offline", "error"):
                self._request(background, extent, w, h)
            elif not current and state.job is None and state.status in ("offline", "error"):
                pass  # stays offline until Vernieuwen
            image, shown = (kept, extent) if kept is not None else (state.image, state.extent)
            if image is None or shown is None:
                continue
            x0, y0, x1, y1 = shown
            top_left = transform.map(_point(x0, y1))
            bottom_right = transform.map(_point(x1, y0))
            p.setOpacity(background.opacity)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(QRectF(top_left, bottom_right), image)
            p.setOpacity(1.0)

    def paint_decorations(self, p: QPainter) -> None:
        """Attribution lines and the connection state, bottom right of the canvas."""
        lines = list(self.attributions())
        offline = [
            b.source.title
            for b in self.backgrounds
            if b.visible and self.states.get(b.source.key, BasemapState()).status == "offline"
        ]
        if not lines and not offline:
            return
        canvas = self.canvas
        font = QFont(canvas.font())
        font.setPointSizeF(7.5)
        p.setFont(font)
        metrics = p.fontMetrics()
        rows: list[tuple[str, bool]] = [(line, False) for line in lines]
        if offline:
            rows.insert(
                0,
                (tr("Achtergrondkaart: geen verbinding ({names})", names=", ".join(offline)), True),
            )
        y = canvas.height() - 4
        for text, alarm in reversed(rows):
            width = metrics.horizontalAdvance(text) + 10
            rect = QRectF(
                canvas.width() - width - 4, y - metrics.height() - 2, width, metrics.height() + 2
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(255, 235, 235, 235) if alarm else QColor(255, 255, 255, 200))
            p.drawRect(rect)
            p.setPen(QPen(QColor("#b71c1c") if alarm else QColor("#424242")))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            y -= metrics.height() + 3


def _point(x: float, y: float) -> Any:
    from PyQt6.QtCore import QPointF

    return QPointF(x, y)
