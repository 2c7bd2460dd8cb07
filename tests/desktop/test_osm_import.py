"""Lagen -> OpenStreetMap importeren: clip, progress, cancel, report, adding.

A tiny OSM file is written in the test with pyosmium (as in
tests/layers/test_osm.py), in the synthetic project's area. Which ways are
kept is worked out by hand from the layout below.
"""

from __future__ import annotations

from pathlib import Path

import osmium
import osmium.osm.mutable as mut
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, box

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.osmdialog import OsmImportDialog
from slimmeregio.layers.roles import LINK_CLASSES, Role

from .helpers import press_ok, when_modal

TO_WGS84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)

# Lambert 72 layout. The project's municipalities cover x 139 500..149 500,
# y 164 500..174 500 (see conftest.make_project).
NODES_L72 = {
    1: (141_000, 170_000), 2: (142_000, 170_000), 3: (143_000, 170_000),
    4: (146_000, 170_000), 5: (147_000, 170_000),
    6: (150_500, 167_000), 7: (151_000, 167_000),  # 1-1.5 km east of the region
    8: (170_000, 170_000), 9: (171_000, 170_000),  # 20 km away
    10: (142_500, 170_100),  # a station
}  # fmt: skip
WAYS = [
    (101, [1, 2, 3], {"highway": "residential", "name": "Dorpstraat"}),  # inside
    (102, [3, 4], {"highway": "cycleway"}),  # inside
    (103, [4, 5], {"highway": "motorway"}),  # inside, never for bikes
    (104, [6, 7], {"highway": "residential"}),  # only within a 2 km margin
    (105, [8, 9], {"highway": "residential"}),  # far away
]
STATION = {10: {"railway": "station", "name": "Station Testdorp", "train": "yes"}}


def _write(path: Path) -> Path:
    with osmium.SimpleWriter(str(path)) as writer:
        for nid, (x, y) in sorted(NODES_L72.items()):
            lon, lat = TO_WGS84.transform(x, y)
            writer.add_node(mut.Node(id=nid, location=(lon, lat), tags=STATION.get(nid, {})))
        for wid, refs, tags in WAYS:
            writer.add_way(mut.Way(id=wid, nodes=refs, tags=tags))
    return path


@pytest.fixture
def osm_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "testdorp.osm.pbf")


def _run(qtbot, dialog: OsmImportDialog):
    job = dialog.start()
    assert job is not None
    progress = []
    job.progress.connect(lambda f, _m: progress.append(f))
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    return progress


def _kept(dialog: OsmImportDialog) -> set[int]:
    assert dialog.imported is not None, dialogs.HEADLESS_SINK
    return {int(v) for v in dialog.imported.network.frame["osm_id"]}


def test_menu_entry_opens_the_import_dialog(window):
    action = window.action("import_osm")
    assert action in window.menus["layer"].actions()
    action.trigger()
    dialog = window._last_dialog
    assert isinstance(dialog, OsmImportDialog) and dialog.isVisible()
    # the project has municipalities: clipping to them with 2 km is the default
    assert dialog.clip_munis.isChecked() and dialog.buffer.value() == 2000
    dialog.close()


def test_import_clipped_to_the_municipalities_with_a_margin(qtbot, window, osm_file):
    dialog = OsmImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(osm_file))
    progress = _run(qtbot, dialog)
    assert progress and progress[-1] == pytest.approx(1.0)
    # 101, 102 inside; 104 inside the 2 km margin; 103 is a motorway; 105 far away
    assert _kept(dialog) == {101, 102, 104}
    assert set(dialog.imported.network.frame["klasse"]) <= set(LINK_CLASSES)
    report = dialog.report.toPlainText()
    assert "overgeslagen (autosnelweg): 1" in report
    assert "stations_osm: 1" in report
    assert "buiten het gebied: 1 wegen" in report
    assert dialog.add_btn.isEnabled()

    dialog.buffer.setValue(0)
    _run(qtbot, dialog)
    assert _kept(dialog) == {101, 102}


def test_import_clipped_to_the_map_view(qtbot, window, osm_file):
    window.canvas.zoom_to_extent((150_000, 166_500, 151_500, 167_500), margin=0)
    canvas = window.canvas
    extent = box(*canvas.view.extent(canvas.width(), canvas.height()))
    expected = {
        wid
        for wid, refs, tags in WAYS
        if tags["highway"] != "motorway"
        and extent.intersects(LineString([NODES_L72[n] for n in refs]))
    }
    assert expected == {104}
    dialog = OsmImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(osm_file))
    dialog.clip_view.setChecked(True)
    _run(qtbot, dialog)
    assert _kept(dialog) == expected
    # the line is cut at the view's edge: it lies inside the view
    geom = shapely.union_all(dialog.imported.network.frame.geometry.to_numpy())
    assert extent.buffer(1.0).contains(geom)


def test_cancel_stops_the_import(qtbot, window, osm_file):
    dialog = OsmImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(osm_file))
    job = dialog.start()
    dialog.cancel_or_close()
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert dialog.imported is None
    assert dialog.status.text() == "Import geannuleerd."
    assert not dialog.add_btn.isEnabled()
    assert dialog.go.isEnabled()
    assert not dialogs.HEADLESS_SINK  # cancelling is not an error


def test_bad_file_is_a_message_not_a_traceback(qtbot, window, tmp_path):
    bad = tmp_path / "kapot.osm.pbf"
    bad.write_bytes(b"this is not an osm file at all")
    dialog = OsmImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(bad))
    _run(qtbot, dialog)
    assert dialog.imported is None
    assert len(dialogs.HEADLESS_SINK) == 1
    message, _hint = dialogs.HEADLESS_SINK[0]
    assert "onverwacht" not in message.lower()


def test_added_osm_network_becomes_the_analysis_network(qtbot, window, osm_file):
    old = window.project.layers.first(Role.BIKE_NETWORK)
    assert old is not None and old.note  # the synthetic network is illustrative
    dialog = OsmImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(osm_file))
    assert not dialog.use_network.isHidden()  # offered: the project has a network
    assert dialog.use_network.isChecked()  # illustrative network -> replace by default
    _run(qtbot, dialog)
    seen = when_modal(press_ok)  # the same role/field confirmation as any file
    added = dialog.add_layers()
    assert seen and type(seen[0]).__name__ == "AddLayersDialog"
    names = {la.name for la in added}
    assert names == {"fietsnetwerk_osm", "stations_osm"}
    network = window.project.layers.first(Role.BIKE_NETWORK)
    assert network is not None and network.name == "fietsnetwerk_osm"
    assert network.attribution and "OpenStreetMap" in network.attribution
    assert {int(v) for v in network.frame["osm_id"]} == {101, 102, 104}
    demoted = window.project.layers[old.name]
    assert demoted.role == Role.OTHER and not demoted.visible
    assert window.is_dirty
