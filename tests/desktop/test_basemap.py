"""Background maps in the workbench: tiles from a local tile server drawn
under the layers, fetched without blocking; a stopped server shows
"geen verbinding" and the interface keeps answering."""

from __future__ import annotations

import math
import socket
import time

import pytest
from pyproj import Transformer
from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QColor

from slimmeregio.desktop.backgroundpanel import AddBackgroundDialog
from slimmeregio.desktop.mapcanvas import View
from slimmeregio.layers.tiles import Background, TileCache, TileSource
from tests.servers import EVEN, ODD, TileServer, free_port

_ORIGIN = 20037508.342789244


@pytest.fixture()
def tile_server():
    server = TileServer().start()
    yield server
    server.stop()


@pytest.fixture()
def basemaps(window, tmp_path):
    controller = window.basemaps
    controller.cache = TileCache(tmp_path / "tiles")
    controller.timeout = 2.0
    yield controller
    controller.shutdown()


def _expected_colour(x: float, y: float, zoom: int) -> tuple[int, int, int, int]:
    mx, my = Transformer.from_crs("EPSG:31370", "EPSG:3857", always_xy=True).transform(x, y)
    span = 2 * _ORIGIN / 2**zoom
    tx, ty = math.floor((mx + _ORIGIN) / span), math.floor((_ORIGIN - my) / span)
    return EVEN if (tx + ty) % 2 == 0 else ODD


def test_background_is_drawn_under_the_layers(qtbot, window, basemaps, tile_server) -> None:
    source = TileSource(
        key="lokaal",
        title="Lokale tegels",
        kind="xyz",
        url=tile_server.xyz_url,
        attribution="© Testtegels",
    )
    basemaps.add(Background(source))
    assert window.is_dirty  # a background is part of the project
    assert window.project.settings.backgrounds[0]["source"]["url"] == tile_server.xyz_url
    # a view beside the synthetic region, where no layer draws
    view = View(200_000.0, 150_000.0, 20.0)
    size = QSize(400, 300)
    started = time.perf_counter()
    window.canvas.render_image(size, view)  # asks for tiles, does not wait for them
    assert time.perf_counter() - started < 1.0
    # the canvas asks for its own view too: wait for the image of this one
    wanted = view.extent(400, 300)

    def ready() -> bool:
        window.canvas.render_image(size, view)
        state = basemaps.states["lokaal"]
        # this view's image is finished (the window's own map asks for its own view meanwhile)
        return (wanted, (400, 300)) in state.images and state.status != "loading"

    qtbot.waitUntil(ready, timeout=60_000)
    image = window.canvas.render_image(size, view)
    zoom = round(math.log2(2 * _ORIGIN / (256 * 20.0 * 1.58)))  # ~20 m per pixel at 50.8 N
    matched = 0
    for px, py in ((37, 41), (200, 150), (311, 260), (90, 222)):
        x, y = view.to_map(px + 0.5, py + 0.5, 400, 300)
        colour = image.pixelColor(px, py)
        got = (colour.red(), colour.green(), colour.blue(), colour.alpha())
        if got in (_expected_colour(x, y, zoom), _expected_colour(x, y, zoom + 1)):
            matched += 1
    assert matched >= 3  # a pixel may sit on a tile edge
    assert "© Testtegels" in basemaps.attributions()
    assert window.background_panel.item_text("lokaal") == "Lokale tegels"


def test_stopped_server_shows_no_connection_without_blocking(
    qtbot, window, basemaps, tile_server
) -> None:
    source = TileSource(
        key="lokaal", title="Lokale tegels", kind="xyz", url=tile_server.xyz_url, attribution=""
    )
    basemaps.add(Background(source))
    window.canvas.invalidate()
    qtbot.waitUntil(lambda: basemaps.states["lokaal"].status == "ok", timeout=60_000)
    tile_server.stop()
    basemaps.cache.clear()
    window.canvas.set_view(View(210_000.0, 140_000.0, 30.0))  # new tiles needed
    qtbot.mouseClick(window.background_panel.refresh_btn, Qt.MouseButton.LeftButton)
    # the interface keeps answering while the fetch fails in the background
    started = time.perf_counter()
    window.canvas.repaint()
    window.canvas.zoom_by(1.5)
    window.canvas.repaint()
    assert time.perf_counter() - started < 2.0
    qtbot.waitUntil(lambda: basemaps.states["lokaal"].status == "offline", timeout=15_000)
    assert "geen verbinding" in window.background_panel.item_text("lokaal")
    shot = window.canvas.grab().toImage()
    # the red "geen verbinding" box is painted in the bottom-right corner
    corner = [
        shot.pixelColor(x, shot.height() - 8) for x in range(shot.width() - 120, shot.width() - 6)
    ]
    assert any(c.red() > 240 and c.green() < 240 and c.blue() < 240 for c in corner) or any(
        c == QColor("#b71c1c") for c in corner
    )


def test_offline_from_the_start(qtbot, window, basemaps) -> None:
    closed = free_port()
    source = TileSource(
        key="weg",
        title="Weg",
        kind="xyz",
        url=f"http://127.0.0.1:{closed}/{{z}}/{{x}}/{{y}}.png",
        attribution="",
    )
    basemaps.add(Background(source))
    window.canvas.repaint()
    qtbot.waitUntil(lambda: basemaps.states["weg"].status == "offline", timeout=15_000)
    assert basemaps.status_text("weg") == "geen verbinding"


def test_a_server_that_never_answers_does_not_freeze_the_map(qtbot, window, basemaps) -> None:
    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    try:
        port = silent.getsockname()[1]
        basemaps.timeout = 4.0
        source = TileSource(
            key="stil",
            title="Stil",
            kind="xyz",
            url=f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",
            attribution="",
        )
        started = time.perf_counter()
        basemaps.add(Background(source))
        for factor in (1.5, 1.5, 1 / 1.5):
            window.canvas.zoom_by(factor)
            window.canvas.repaint()
        assert time.perf_counter() - started < 3.0  # well under the 4 s each fetch may wait
        assert basemaps.states["stil"].status == "loading"
        assert "laden" in window.background_panel.item_text("stil")
        qtbot.waitUntil(lambda: basemaps.states["stil"].status == "offline", timeout=30_000)
    finally:
        basemaps.shutdown()
        silent.close()


def test_background_travels_with_the_project(
    qtbot, window, basemaps, tile_server, tmp_path
) -> None:
    from slimmeregio.layers.project_file import load_project, save_project

    source = TileSource(
        key="lokaal", title="Lokale tegels", kind="xyz", url=tile_server.xyz_url, attribution="© T"
    )
    basemaps.add(Background(source, opacity=0.5))
    basemaps.set_visible("lokaal", False)
    path = tmp_path / "p.srp"
    save_project(window.project, path)
    loaded = load_project(path)
    (restored,) = [Background.from_dict(b) for b in loaded.settings.backgrounds]
    assert restored.source == source and restored.opacity == 0.5 and restored.visible is False


def test_dialog_refuses_a_file_address(qtbot) -> None:
    dialog = AddBackgroundDialog()
    qtbot.addWidget(dialog)
    dialog.choice.setCurrentIndex(dialog.choice.findData("__xyz__"))
    dialog.url.setText("file:///etc/{z}/{x}/{y}")
    dialog.accept()
    assert dialog.result() == 0 and dialog.result_background is None
    assert "http" in dialog.error.text()
    dialog.choice.setCurrentIndex(dialog.choice.findData("osm"))
    dialog.accept()
    assert dialog.result_background is not None and dialog.result_background.source.key == "osm"


def test_export_dialog_offers_the_background_off_by_default(
    qtbot, window, basemaps, tile_server, tmp_path
) -> None:
    from pypdf import PdfReader

    from slimmeregio.desktop.exportdialog import ExportDialog, run_export

    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("map"))
    assert not dialog.background.isEnabled()  # the project has no background map yet
    source = TileSource(
        key="lokaal",
        title="Lokale tegels",
        kind="xyz",
        url=tile_server.xyz_url,
        attribution="Testtegels-bronvermelding",
    )
    basemaps.add(Background(source))
    dialog._changed()
    assert dialog.background.isEnabled() and not dialog.background.isChecked()
    assert dialog.chosen_background() is None
    dialog.background.setChecked(True)
    chosen = dialog.chosen_background()
    assert chosen is not None and chosen.source == source
    dialog.kind.setCurrentIndex(dialog.kind.findData("excel"))
    assert not dialog.background.isEnabled() and dialog.chosen_background() is None
    before = len(tile_server.requests)
    out = run_export(
        "map", window.project, None, tmp_path / "kaart.pdf", paper="a4-landscape", background=chosen
    )
    assert len(tile_server.requests) > before
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(out)).pages).split())
    assert "Testtegels-bronvermelding" in text


def test_dialog_lists_a_wms_layers_in_lambert72(qtbot, basemaps, tile_server) -> None:
    dialog = AddBackgroundDialog(runner=basemaps.runner)
    qtbot.addWidget(dialog)
    dialog.choice.setCurrentIndex(dialog.choice.findData("__wms__"))
    assert dialog.fetch_layers.isEnabled()
    qtbot.keyClicks(dialog.url, tile_server.wms_url)
    qtbot.mouseClick(dialog.fetch_layers, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.wms_list.count() == 2, timeout=10_000)
    # the test WMS offers GRB_BSK and ORTHO in EPSG:31370 and MERC only in web mercator
    names = [dialog.wms_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)]
    assert names == ["GRB_BSK", "ORTHO"]
    dialog.wms_list.setCurrentRow(1)
    assert dialog.layers.text() == "ORTHO"
    dialog.attribution.setText("© Test")
    dialog.accept()
    chosen = dialog.result_background
    assert chosen is not None and chosen.source.kind == "wms" and chosen.source.layers == "ORTHO"
    assert chosen.source.url == tile_server.wms_url
