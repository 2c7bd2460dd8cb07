"""User flows of the map's GIS tools (issue 18): labels and scale ranges,
previous/next extent and bookmarks, explaining a number, reach, "what if I
close this link", compare views, selection, measuring, saving and search.
Expected values come from the synthetic grid by hand or plain networkx."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QStyle

from slimmeregio.desktop.mapview import View

from .conftest import STEP, X0, Y0
from .helpers import press_ok, when_modal


def _click_map(qtbot, canvas, x: float, y: float) -> None:
    p = canvas.map_to_pixel(x, y)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(p.x()), round(p.y())))


def _wait_jobs(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.runner.jobs, timeout=60_000)


def test_label_settings_place_labels_clear_of_symbols_and_each_other(window, qtbot):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))

    qt_styles = []

    def fill(dialog):
        qt_styles.append(isinstance(dialog.style(), QStyle))  # Qt's, not the chosen label style
        dialog.field_box.setCurrentIndex(dialog.field_box.findData("naam"))
        dialog.size_box.setValue(10.0)
        dialog.priority_box.setValue(5)
        press_ok(dialog)

    when_modal(fill)
    window.edit_labels_of("mobipunten")
    assert qt_styles == [True]
    style = window.project.layers["mobipunten"].style
    assert (style.label_field, style.label_size, style.label_priority) == ("naam", 10.0, 5)
    canvas.render_image()
    assert {"Mobipunt Noord", "Mobipunt Zuid"} <= set(canvas.drawn_labels)
    rects = canvas.drawn_label_rects
    for i, a in enumerate(rects):
        assert not any(a.intersects(b) for b in rects[i + 1 :]), canvas.drawn_labels[i]
    # no label covers a mobipunt or station symbol (hand: their pixel positions)
    for name in ("mobipunten", "stations"):
        for pt in window.project.layers[name].frame.geometry:
            px = canvas.map_to_pixel(pt.x, pt.y)
            assert not any(r.contains(px) for r in rects)


def test_scale_range_hides_a_layer_and_greys_it_in_the_legend(window, qtbot):
    canvas = window.canvas
    layer = window.project.layers["woningen"]
    import dataclasses

    layer.style = dataclasses.replace(
        layer.style, max_scale=10_000.0
    )  # only when zoomed in to 1:10,000
    window.project.layers.changed("woningen", "style")
    canvas.set_view(View(X0 + 4 * STEP, Y0 + 4 * STEP, 50.0))  # ~1:189,000
    assert layer not in canvas.visible_layers()
    canvas.set_view(View(X0 + 4 * STEP, Y0 + 4 * STEP, 1.0))  # ~1:3,800
    assert layer in canvas.visible_layers()
    canvas.set_view(View(X0 + 4 * STEP, Y0 + 4 * STEP, 50.0))
    item = window.legend_panel.tree.findItems("woningen", Qt.MatchFlag.MatchExactly)[0]
    assert item.foreground(0).color().name() == "#9e9e9e"


def test_previous_next_extent_and_bookmarks(window, qtbot, tmp_path):
    canvas = window.canvas
    a = View(X0 + 1000, Y0 + 1000, 5.0)
    b = View(X0 + 6000, Y0 + 7000, 12.0)
    for v in (a, b):
        canvas.set_view(v)
        qtbot.wait(450)
    window.action("view_back").trigger()
    assert canvas.view == a
    qtbot.wait(450)  # a step back is not a new entry
    window.action("view_forward").trigger()
    assert canvas.view == b
    assert window.add_bookmark("Kruispunt")
    mark = window.project.settings.bookmarks[-1]
    canvas.set_view(View(X0, Y0, 40.0))
    assert window.goto_bookmark("Kruispunt")
    x0, y0, x1, y1 = canvas.view.extent(canvas.width(), canvas.height())
    mx0, my0, mx1, my1 = mark["extent"]
    assert x0 <= mx0 + 1 and y0 <= my0 + 1 and x1 >= mx1 - 1 and y1 >= my1 - 1
    names = [a.text() for a in window.bookmarks_menu.actions()]
    assert "Kruispunt" in names
    # kept in the project file
    from slimmeregio.layers.project_file import load_project, save_project

    save_project(window.project, tmp_path / "p.srp")
    assert load_project(tmp_path / "p.srp").settings.bookmarks[-1]["name"] == "Kruispunt"


def _grid_graph(window) -> nx.Graph:
    from slimmeregio.scenarios.engine import base_parameters

    speeds = dict(base_parameters(window.project).speeds_kmh)
    g = nx.Graph()
    net = window.project.layers["fietsnetwerk"].frame
    for line, klass in zip(net.geometry, net["klasse"], strict=True):
        a, b = (tuple(map(float, c)) for c in line.coords)
        g.add_edge(a, b, weight=line.length / (speeds[klass] / 3.6), metres=line.length)
    return g


def test_explain_a_dwelling_draws_routes_with_time_per_link_class(window, qtbot):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    window.action("tool_explain").trigger()
    origin = (X0 + 2 * STEP, Y0 + 5 * STEP)  # a grid node 1 km south of Mobipunt Noord
    _click_map(qtbot, canvas, *origin)
    _wait_jobs(qtbot, window)
    routes = {r.kind: r for r in window.explain_panel.routes}
    assert set(routes) == {"mobipunt", "station"}
    g = _grid_graph(window)
    # the click lands within a pixel of the node: compare with networkx from the node
    res = canvas.view.res
    for kind, target in (
        ("mobipunt", (X0 + 2 * STEP, Y0 + 6 * STEP)),
        ("station", (X0 + 4 * STEP, Y0 + 4 * STEP)),
    ):
        seconds = nx.dijkstra_path_length(g, origin, target, weight="weight")
        assert routes[kind].seconds == pytest.approx(
            seconds, abs=3 * res
        )  # a pixel off the node at most
        assert routes[kind].metres == pytest.approx(
            sum(
                g.edges[e]["metres"]
                for e in nx.utils.pairwise(nx.dijkstra_path(g, origin, target, weight="weight"))
            ),
            abs=3 * res,
        )
    assert routes["mobipunt"].target_id == "M1"
    # the panel lists each route with its link classes, the map draws them
    rows = window.explain_panel.rows()
    assert rows[0][0].startswith("Dichtste mobipunt") and any("fietssnelweg" in r[0] for r in rows)
    assert any(item.kind == "line" and len(item.coords) >= 2 for item in canvas.extra_overlay)


def test_one_click_reach_matches_networkx(window, qtbot):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    origin = (X0 + 4 * STEP, Y0 + 4 * STEP)
    window.reach_at(*origin)
    _wait_jobs(qtbot, window)
    reach = window.last_reach
    g = _grid_graph(window)
    limit = reach.limit_s
    expected = nx.single_source_dijkstra_path_length(g, origin, cutoff=limit, weight="weight")
    assert int(np.isfinite(reach.node_seconds).sum()) == len(expected)
    assert len(canvas.extra_overlay) > 1


def test_what_if_closing_a_link_from_its_context_menu(window, qtbot):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    x, y = X0 + 2 * STEP, Y0 + 5.5 * STEP  # the fietssnelweg link south of Mobipunt Noord
    menu = window._map_context_menu(x, y, QPoint(0, 0))
    action = next(a for a in menu.actions() if a.text().startswith("Wat als verbinding"))
    menu.close()
    before = window.store.current.to_dict() if window.store.current else None
    action.trigger()
    _wait_jobs(qtbot, window)
    result = window.last_what_if
    assert result.comparison is not None
    assert window._last_dialog.objectName() == "whatIfBox"
    assert "afgesloten" in window._last_dialog.windowTitle()
    # on the map: the closed link dashed, and a point per dwelling that loses (or gains) access
    changes = result.comparison.access_changes
    thr = float(result.evaluation.parameters.bike_thresholds_min[0])
    moved = changes[
        (changes["mode"] == "bike")
        & (changes["target"] == "mobipunt")
        & (changes["threshold"] == thr)
    ]
    overlay = canvas.extra_overlay
    assert sum(item.kind == "point" for item in overlay) == len(moved)
    assert any(item.kind == "line" and item.dashed for item in overlay)
    # a temporary scenario: the stored one is untouched
    after = window.store.current.to_dict() if window.store.current else None
    assert before == after


def test_compare_view_links_side_by_side_maps_and_swipes(window, qtbot):
    window.append_modification(
        "add_link",
        coords=[[X0 + 0.5 * STEP, Y0 + 0.5 * STEP], [X0 + 1.5 * STEP, Y0 + 0.5 * STEP]],
        author="An",
        reason="test",
        link_class="lokaal",
    )
    job = window.run_scenario()
    assert job is not None
    _wait_jobs(qtbot, window)
    # the legend panel shows the result theme above the layers, with its classes
    combo = window.results_panel.theme
    combo.setCurrentIndex(combo.findData("access"))
    qtbot.waitUntil(lambda: "≤ 5" in window.legend_panel.theme_entries(), timeout=5000)
    assert "> 20" in window.legend_panel.theme_entries()
    assert window.legend_panel.tree.topLevelItem(0).text(0) == window.canvas.theme_caption
    dialog = window.show_compare_view()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.left.set_view(View(X0 + 3000, Y0 + 3000, 7.0))
    assert dialog.right.view == dialog.left.view == dialog.swipe.view
    dialog.mode.setCurrentIndex(1)
    image = dialog.swipe.grab()
    assert not image.isNull()
    assert dialog.left.theme_layers and dialog.right.theme_layers
    dialog.close()


def test_select_by_rectangle_expression_and_save(window, qtbot, tmp_path):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    window.layer_panel.select_layer("woningen")
    window.action("tool_select_box").trigger()
    a = canvas.map_to_pixel(X0 + 1 * STEP, Y0 + 5 * STEP)
    b = canvas.map_to_pixel(X0 + 4 * STEP, Y0 + 2 * STEP)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseMove(canvas, b.toPoint())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=b.toPoint())
    frame = window.project.layers["woningen"].frame
    (ax, ay), (bx, by) = (
        canvas.pixel_to_map(a.toPoint().x(), a.toPoint().y()),
        canvas.pixel_to_map(b.toPoint().x(), b.toPoint().y()),
    )
    xs, ys = frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()
    hand = np.flatnonzero(
        (xs >= min(ax, bx)) & (xs <= max(ax, bx)) & (ys >= min(ay, by)) & (ys <= max(ay, by))
    )
    assert list(canvas.selection("woningen")) == list(hand) and len(hand) > 0
    # by expression (the safe evaluator), then saved as GeoJSON
    picked = window.select_by_expression("woningen > 20 en woningen <= 25")
    hand = np.flatnonzero((frame["woningen"] > 20) & (frame["woningen"] <= 25))
    assert list(picked) == list(hand)
    out = window.save_selection(tmp_path / "keuze.geojson")
    assert len(gpd.read_file(out)) == len(hand)
    # a hostile expression is refused with a message, no selection change
    assert window.select_by_expression("__import__('os').system('x')") is None
    assert list(canvas.selection("woningen")) == list(hand)


def test_select_by_polygon_and_measure(window, qtbot):
    canvas = window.canvas
    canvas.zoom_to_extent((X0, Y0, X0 + 9 * STEP, Y0 + 9 * STEP))
    window.layer_panel.select_layer("mobipunten")
    window.action("tool_select_polygon").trigger()
    ring = [
        (X0 + 1 * STEP, Y0 + 5 * STEP),
        (X0 + 3 * STEP, Y0 + 5 * STEP),
        (X0 + 2 * STEP, Y0 + 7 * STEP),
    ]
    with qtbot.waitSignal(canvas.sketchTask):
        for pt in ring:
            _click_map(qtbot, canvas, *pt)
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert list(canvas.selection("mobipunten")) == [0]  # Mobipunt Noord only
    window.action("tool_measure_line").trigger()
    pts = [(X0, Y0), (X0 + 3 * STEP, Y0), (X0 + 3 * STEP, Y0 + 4 * STEP)]
    for pt in pts:
        _click_map(qtbot, canvas, *pt)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    # the clicks snap to the grid nodes: 3 km east, then 4 km north
    assert window.last_measure["length_m"] == pytest.approx(7000.0, rel=1e-12)
    assert "km" in window.statusBar().currentMessage()
    # no scenario edit was made by the measuring or selecting sketches
    assert not (window.store.current and window.store.current.modifications)


def test_search_a_street_name_zooms_and_selects(window, qtbot):
    hits = window.search("link 17")
    assert hits and hits[0].text == "link 17"
    frame = window.project.layers["fietsnetwerk"].frame
    pos = int(np.flatnonzero(frame["naam"] == "link 17")[0])
    assert list(window.canvas.selection("fietsnetwerk")) == [pos]
    geom = frame.geometry.iloc[pos]
    x0, y0, x1, y1 = window.canvas.view.extent(window.canvas.width(), window.canvas.height())
    assert (
        x0 <= geom.bounds[0]
        and x1 >= geom.bounds[2]
        and y0 <= geom.bounds[1]
        and y1 >= geom.bounds[3]
    )
    assert window.search("Nergensstraat") == []
    assert "niet gevonden" in window.statusBar().currentMessage()


def test_map_tools_follow_a_language_switch(window, qtbot):
    from slimmeregio.desktop import i18n

    i18n.set_language("en")
    try:
        window.apply_language()
        assert window.action("tool_explain").text() == "E&xplain route"
        assert window.search_box.placeholderText() == "Find street, address or place…"
        assert window.dock_explain.windowTitle() == "Explanation"
        assert window.explain_panel.tree.headerItem().text(1) == "Time"
        # the tools are in the rebuilt menus, the bookmarks menu too
        view_menu = [a.text() for a in window.menus["view"].actions()]
        assert "E&xplain route" in view_menu and "Bookmarks" in view_menu
    finally:
        i18n.set_language("nl")
        window.apply_language()
