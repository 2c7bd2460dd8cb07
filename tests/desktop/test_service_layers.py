"""Adding an OGC API Features layer in the workbench like a planner (pygeoapi
on loopback), refreshing it on request, and a stopped server that leaves the
snapshot in place with a "geen verbinding" message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtCore import Qt

from slimmeregio.desktop import errors
from slimmeregio.desktop.servicedialog import AddServiceLayerDialog
from slimmeregio.layers.roles import Role
from tests.desktop.helpers import press_ok, when_modal
from tests.layers.test_services import STATIONS, write_stations
from tests.servers import start_pygeoapi


@pytest.fixture()
def server(tmp_path: Path):
    data = tmp_path / "treinstations.geojson"
    write_stations(data, STATIONS)
    running = start_pygeoapi(
        tmp_path, data, collection="treinstations", collection_title="Treinstations NMBS"
    )
    running.data = data  # type: ignore[attr-defined]
    yield running
    running.stop()


def test_add_refresh_and_lose_a_service_layer(qtbot, window, server) -> None:
    dialog = AddServiceLayerDialog(window.runner, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.url, server.url)
    qtbot.mouseClick(dialog.connect_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.layers.count() == 1, timeout=15_000)
    assert "Testdienst Halle-Vilvoorde" in dialog.status.text()
    assert dialog.area_all.isChecked() and not dialog.area_view.isEnabled()  # no view given
    request = dialog.request()
    assert request is not None and request.layer == "treinstations" and request.bbox is None
    dialog.accept()

    before = len(window.project.layers)
    when_modal(press_ok)  # the usual role / field dialog
    window.add_service_layer(request)
    qtbot.waitUntil(lambda: len(window.project.layers) == before + 1, timeout=15_000)
    layer = window.project.layers[-1]
    assert layer.role == Role.STATIONS and len(layer) == len(STATIONS)
    assert layer.service is not None and layer.service.url == server.url

    write_stations(server.data, STATIONS[:2])
    job = window.refresh_service_layers()
    assert job is not None
    qtbot.waitUntil(lambda: len(window.project.layers[layer.name]) == 2, timeout=15_000)
    assert window.project.layers[layer.name].service.count == 2

    server.stop()
    job = window.refresh_service_layers()
    qtbot.waitUntil(lambda: not job.running, timeout=30_000)
    assert len(window.project.layers[layer.name]) == 2  # the snapshot stays
    shown = [str(item) for item in errors.HEADLESS_SINK]
    assert any("Geen verbinding" in text or "geen verbinding" in text.lower() for text in shown), (
        shown
    )


def test_layer_list_tooltip_names_the_service(qapp) -> None:
    import geopandas as gpd
    from shapely import Point

    from slimmeregio.desktop.layerpanel import _tooltip
    from slimmeregio.layers.model import Layer
    from slimmeregio.layers.service_source import ServiceSource

    service = ServiceSource(
        url="https://example.org/ogc",
        kind="oapif",
        layer="haltes",
        retrieved="2026-12-06T09:00:00+00:00",
        server_title="Testdienst",
        layer_title="Haltes",
    )
    frame = gpd.GeoDataFrame({"naam": ["x"]}, geometry=[Point(150_000, 170_000)], crs="EPSG:31370")
    text = _tooltip(Layer(name="haltes", data=frame, service=service))
    assert (
        "Haltes uit Testdienst (https://example.org/ogc), opgehaald 2026-12-06T09:00:00+00:00"
        in text
    )
