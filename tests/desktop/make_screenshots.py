"""Screenshots of the main states for docs/screenshots (run by hand, offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/desktop/make_screenshots.py

Opens the embedded region at 1600x1000, edits a scenario, runs it, compares,
opens the export dialog, makes the results stale and opens the ledger editor,
saving ``QWidget.grab()`` of each state. The map tools (legend with labels,
route explanation, compare view) follow; ``--only gis`` makes just those.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = Path(tempfile.mkdtemp(prefix="srp-shots-"))
os.environ.setdefault("SLIMMEREGIO_SETTINGS_DIR", str(_tmp / "settings"))
os.environ.setdefault("SLIMMEREGIO_RECOVERY_DIR", str(_tmp / "recovery"))

from slimmeregio.tests.desktop.screenshot_kit import region_window, wait  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: ``--only gis``: make only the map tools' screenshots (the states before them are still set up).
ONLY_GIS = "--only" in sys.argv


def _save(widget, name: str) -> None:
    if not ONLY_GIS:
        widget.grab().save(str(OUT / name))


def main() -> int:
    from slimmeregio.layers.roles import Role

    app, win = region_window()
    win.zoom_region()
    wait(app, lambda: False, 0.5)
    OUT.mkdir(parents=True, exist_ok=True)
    _save(win, "01-region.png")

    # scenario edits around Vilvoorde
    munis = win.project.layers.first(Role.MUNICIPALITIES)
    names = munis.column("name").astype(str)
    geom = munis.frame.geometry[names.str.contains("Vilvoorde").to_numpy()].iloc[0]
    x0, y0, x1, y1 = geom.bounds
    win.canvas.zoom_to_extent((x0, y0, x1, y1))
    cx, cy = geom.representative_point().x, geom.representative_point().y
    store = win.store
    from slimmeregio.scenarios.model import Scenario

    store.replace_current(
        Scenario(
            name="Fietsas Vilvoorde-Zemst", description="Snelle fietsas en twee nieuwe mobipunten"
        )
    )
    snaps = win.canvas._snap_points
    d = (snaps[:, 0] - cx) ** 2 + (snaps[:, 1] - cy) ** 2
    a = snaps[d.argmin()]
    far = snaps[
        (abs(((snaps[:, 0] - a[0]) ** 2 + (snaps[:, 1] - a[1]) ** 2) ** 0.5 - 2200)).argmin()
    ]
    win.append_modification(
        "add_link",
        coords=[[float(a[0]), float(a[1])], [float(far[0]), float(far[1])]],
        link_class="fietssnelweg",
        name="Fietsbrug over het kanaal",
        author="An Peeters",
        reason="Ontbrekende schakel in de F1-as",
    )
    win.append_modification(
        "add_mobipunt",
        x=float(cx + 900),
        y=float(cy - 700),
        name="Mobipunt Kanaal",
        hoppin_type="lokaal",
        offer=["deelfiets", "fietsenstalling"],
        author="An Peeters",
        reason="Nieuwe woonwijk zonder deelmobiliteit",
    )
    hx, hy = float(cx - 1200), float(cy + 800)
    win.append_modification(
        "add_housing",
        dwellings=350,
        name="Woonproject Asiat",
        polygon=[
            [hx - 260, hy - 180],
            [hx + 240, hy - 220],
            [hx + 300, hy + 150],
            [hx + 40, hy + 260],
            [hx - 280, hy + 120],
        ],
        author="An Peeters",
        reason="Gepland project 2027",
    )
    win.dock_scenario.raise_()
    wait(app, lambda: False, 0.5)
    _save(win, "02-scenario-edited.png")

    job = win.run_scenario()
    wait(app, lambda: not job.running, 180)
    win.canvas.zoom_to_extent((x0 - 3000, y0 - 3000, x1 + 3000, y1 + 3000))
    wait(app, lambda: False, 0.5)
    _save(win, "03-results.png")
    combo = win.results_panel.theme
    combo.setCurrentIndex(combo.findData("access"))
    win.zoom_region()
    wait(app, lambda: False, 0.5)
    _save(win, "04-access-theme.png")

    combo.setCurrentIndex(combo.findData("flows_brussels"))
    win.zoom_region()
    wait(app, lambda: False, 0.5)
    _save(win, "04b-brussels-flows.png")
    combo.setCurrentIndex(combo.findData("access"))
    gis_states(app, win, (x0, y0, x1, y1))
    if ONLY_GIS:
        win.store.dirty = False
        win._layers_dirty = False
        win.close()
        return 0

    from slimmeregio.desktop.comparepanel import CompareDialog

    dialog = CompareDialog(win)
    dialog.show()
    job = dialog.start()
    wait(app, lambda: not job.running, 180)
    dialog.show_on_map()
    win.canvas.zoom_to_extent((x0 - 2000, y0 - 2000, x1 + 2000, y1 + 2000))
    wait(app, lambda: False, 0.5)
    _save(win, "05-compare-map.png")
    dialog.grab().save(str(OUT / "06-compare-dialog.png"))
    dialog.close()

    from slimmeregio.desktop.exportdialog import ExportDialog

    export = ExportDialog(win)
    export.show()
    wait(
        app,
        lambda: (
            export.preview_job is None
            and export.preview.pixmap() is not None
            and not export.preview.pixmap().isNull()
        ),
        120,
    )
    export.grab().save(str(OUT / "07-export-dialog.png"))
    export.close()

    # a parameter changes after the run: the results say they are stale
    win.store.replace_current(
        win.store.current.with_parameters(bike_thresholds_min=(5.0, 12.0, 15.0))
    )
    win.dock_results.raise_()
    wait(app, lambda: False, 0.5)
    _save(win, "09-stale-banner.png")

    # the ledger: one modification chosen, its form open for editing
    from slimmeregio.desktop.editdialogs import ModificationDialog

    win.dock_scenario.raise_()
    win.scenario_panel.ledger.setCurrentRow(1)
    win.zoom_to_modification(1)
    wait(app, lambda: False, 0.5)
    _save(win, "10-ledger.png")
    mod = win.store.current.modifications[1]
    form = ModificationDialog(
        mod.kind,
        win.session,
        win,
        info=mod.describe("nl"),
        defaults=mod.model_dump(mode="json", exclude_none=True),
        editing=True,
    )
    form.show()
    wait(app, lambda: False, 0.3)
    form.grab().save(str(OUT / "10b-ledger-editor.png"))
    form.close()

    # OpenStreetMap import of a small extract written here (a few streets in Vilvoorde)
    from slimmeregio.desktop.osmdialog import OsmImportDialog

    osm = OsmImportDialog(win)
    osm.path.setText(str(_small_osm(_tmp / "vilvoorde.osm.pbf", cx, cy)))
    osm.show()
    job = osm.start()
    wait(app, lambda: not job.running, 120)
    osm.grab().save(str(OUT / "08-osm-import.png"))
    osm.close()
    win.store.dirty = False
    win._layers_dirty = False
    win.close()
    print("screenshots in", OUT)
    return 0


def gis_states(app, win, bounds) -> None:
    """The legend with labels, a route explanation and the compare view."""
    import dataclasses

    from slimmeregio.layers.roles import Role

    x0, y0, x1, y1 = bounds
    mobi = win.project.layers.first(Role.MOBIPUNTEN)
    if mobi is not None and mobi.has_field("name"):
        mobi.style = dataclasses.replace(
            mobi.style,
            label_field=mobi.fields["name"],
            label_size=8.0,
            label_priority=5,
            label_max_scale=60_000.0,
        )
        win.project.layers.changed(mobi.name, "style")
    win.canvas.zoom_to_extent((x0 - 1500, y0 - 1500, x1 + 1500, y1 + 1500))
    win.dock_legend.raise_()
    wait(app, lambda: False, 0.8)
    win.grab().save(str(OUT / "11-legend-labels.png"))

    housing = win.project.layers.first(Role.HOUSING)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    pts = housing.frame.geometry
    d = (pts.x - (cx - 1500)) ** 2 + (pts.y - (cy + 1200)) ** 2
    home = pts.iloc[int(d.to_numpy().argmin())]
    job = win.explain_at(home.x, home.y)
    wait(app, lambda: not job.running, 120)
    routes = win.explain_panel.routes
    import numpy as np

    xy = np.vstack(
        [r.coords() for r in routes if r.kind != "brussels"] or [np.array([[home.x, home.y]])]
    )
    win.canvas.zoom_to_extent(
        (xy[:, 0].min() - 800, xy[:, 1].min() - 800, xy[:, 0].max() + 800, xy[:, 1].max() + 800)
    )
    wait(app, lambda: False, 0.8)
    win.grab().save(str(OUT / "12-route-explanation.png"))
    win.canvas.set_extra_overlay([])

    dialog = win.show_compare_view()
    if dialog is not None:
        dialog.resize(1600, 900)
        dialog.left.zoom_to_extent((x0 - 1500, y0 - 1500, x1 + 1500, y1 + 1500))
        wait(app, lambda: False, 1.0)
        dialog.grab().save(str(OUT / "13-compare-view.png"))
        dialog.mode.setCurrentIndex(1)
        wait(app, lambda: False, 1.0)
        dialog.grab().save(str(OUT / "13b-compare-swipe.png"))
        dialog.close()


def _small_osm(path: Path, cx: float, cy: float) -> Path:
    """A small street grid around (cx, cy) in Lambert 72, written with pyosmium."""
    import osmium
    import osmium.osm.mutable as mut
    from pyproj import Transformer

    to_wgs = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    kinds = [
        "residential",
        "cycleway",
        "tertiary",
        "residential",
        "motorway",
        "footway",
        "primary",
        "track",
    ]
    with osmium.SimpleWriter(str(path)) as writer:
        nid = 0
        ids = {}
        for i in range(8):
            for j in range(8):
                nid += 1
                ids[i, j] = nid
                lon, lat = to_wgs.transform(cx + (i - 4) * 400.0, cy + (j - 4) * 400.0)
                tags = {"railway": "station", "name": "Vilvoorde"} if (i, j) == (4, 4) else {}
                if (i, j) in ((2, 5), (6, 2)):
                    tags = {"amenity": "bicycle_rental", "name": "Blue-bike"}
                writer.add_node(mut.Node(id=nid, location=(lon, lat), tags=tags))
        wid = 0
        for i in range(8):
            wid += 1
            writer.add_way(
                mut.Way(id=wid, nodes=[ids[i, j] for j in range(8)], tags={"highway": kinds[i]})
            )
            wid += 1
            writer.add_way(
                mut.Way(
                    id=wid, nodes=[ids[j, i] for j in range(8)], tags={"highway": kinds[-1 - i]}
                )
            )
    return path


if __name__ == "__main__":
    sys.exit(main())
