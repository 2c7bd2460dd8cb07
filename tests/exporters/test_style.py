"""Drawing layers onto Axes: collections, classes, holes, clipping."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure

from slimmeregio.exporters.style import (
    class_index,
    clip_frame,
    draw_layer,
    draw_lines,
    draw_polygons,
    polygon_paths,
)

from .conftest import Results


def test_many_lines_are_one_collection() -> None:
    rng = np.random.default_rng(1)
    starts = rng.uniform(0, 1000, (40_000, 2))
    lines = shapely.linestrings(np.stack([starts, starts + 5], axis=1))
    multi = shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]])
    fig = Figure()
    ax = fig.add_subplot()
    coll = draw_lines(
        ax, np.append(lines, multi), colors=["#000000"] * 40_000 + ["#ff0000"], widths=1.0
    )
    assert isinstance(coll, LineCollection)
    assert len(ax.collections) == 1
    assert len(coll.get_segments()) == 40_002  # the multilinestring gives two parts
    colors = coll.get_colors()
    assert tuple(colors[-1][:3]) == (1.0, 0.0, 0.0) and tuple(colors[-2][:3]) == (1.0, 0.0, 0.0)


def test_class_index_upper_bounds_inclusive() -> None:
    idx = class_index([0.0, 5.0, 5.01, 10.0, 25.0, np.nan], [5.0, 10.0, 15.0, 20.0])
    assert idx.tolist() == [0, 0, 1, 1, 4, -1]


def test_polygons_are_filled_around_their_holes() -> None:
    holed = shapely.box(0, 0, 10, 10).difference(shapely.box(3, 3, 7, 7))
    for geom in (
        holed,
        shapely.polygons(holed.exterior.coords[::-1], [holed.interiors[0].coords[::-1]]),
    ):
        assert len(polygon_paths([geom])) == 1
        fig = Figure(figsize=(2, 2), dpi=50)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 10)
        ax.set_axis_off()
        draw_polygons(ax, [geom], facecolor="#000000", edgecolor="none", linewidth=0)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        pixels = np.asarray(canvas.buffer_rgba())
        assert tuple(pixels[50, 50][:3]) == (255, 255, 255)  # the hole stays empty
        assert tuple(pixels[10, 10][:3]) == (0, 0, 0)  # the ring is filled


def test_clip_frame_equals_brute_force(results: Results) -> None:
    frame = results.project.layers["fietsnetwerk"].frame
    bbox = (145_200.0, 152_300.0, 148_900.0, 156_100.0)
    clipped = clip_frame(frame, bbox)
    expected = frame[frame.intersects(shapely.box(*bbox))]
    assert sorted(clipped.index) == sorted(expected.index)
    assert 0 < len(clipped) < len(frame)


def test_draw_layer_legend_from_categories(results: Results) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    items = draw_layer(ax, results.project.layers["fietsnetwerk"])
    labels = [i.label for i in items]
    assert set(labels) == {"fietssnelweg", "bovenlokaal", "lokaal"}
    assert all(i.kind == "line" for i in items)
    polys = draw_layer(ax, results.project.layers["gemeenten"])
    assert polys and polys[0].kind == "patch"
    assert any(isinstance(c, PatchCollection) for c in ax.collections)
    empty = gpd.GeoDataFrame(geometry=[], crs="EPSG:31370")
    assert clip_frame(empty, (0, 0, 1, 1)).empty


def _render(
    lines: np.ndarray, *, merge: bool, polygon: shapely.Geometry
) -> tuple[np.ndarray, LineCollection]:
    fig = Figure(figsize=(3, 3), dpi=80)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_axis_off()
    coll = draw_lines(ax, np.append(lines, polygon), colors="#3366cc", widths=1.5, merge=merge)
    assert coll is not None
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy(), coll


def test_merged_lines_draw_the_same_strokes_as_separate_lines() -> None:
    rng = np.random.default_rng(7)
    starts = rng.uniform(5, 95, (300, 2))
    lines = shapely.linestrings(
        np.stack(
            [starts, starts + rng.uniform(-8, 8, (300, 2)), starts + rng.uniform(-8, 8, (300, 2))],
            axis=1,
        )
    )
    polygon = shapely.box(40, 40, 60, 60)  # drawn by its ring
    separate, coll_separate = _render(lines, merge=False, polygon=polygon)
    merged, coll_merged = _render(lines, merge=True, polygon=polygon)
    assert len(coll_separate.get_paths()) == 301
    (path,) = coll_merged.get_paths()
    # one MOVETO per line, the vertices exactly those of the separate lines, not simplified
    assert int((path.codes == path.MOVETO).sum()) == 301
    assert np.array_equal(
        path.vertices, np.concatenate([p.vertices for p in coll_separate.get_paths()])
    )
    assert not path.should_simplify
    drawn = separate[..., 0] < 255
    assert drawn.sum() > 5000
    # the same pixels are inked; only the anti-aliased fringe where lines cross may differ
    # (one path is covered once instead of composited line over line)
    assert np.array_equal(drawn, merged[..., 0] < 255)
    # lines that do not touch give the very same picture
    apart = shapely.linestrings([[(10 + i * 8, 10), (10 + i * 8, 90)] for i in range(10)])
    far = shapely.box(0, 0, 1, 1)
    assert np.array_equal(
        _render(apart, merge=False, polygon=far)[0], _render(apart, merge=True, polygon=far)[0]
    )


def test_merge_is_ignored_for_several_colours() -> None:
    lines = shapely.linestrings([[(0, 0), (1, 1)], [(2, 2), (3, 3)]])
    ax = Figure().add_subplot()
    coll = draw_lines(ax, lines, colors=["#000000", "#ff0000"], widths=1.0, merge=True)
    assert coll is not None and len(coll.get_paths()) == 2
