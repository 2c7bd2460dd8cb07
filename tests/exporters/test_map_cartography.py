"""Cartography of the print maps: names as text, labels clear of symbols, SVG layer groups,
the Belgium locator and the weakest-served dwellings of a municipality's page."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from slimmeregio.exporters import maps
from slimmeregio.exporters.map_groups import layer_group
from slimmeregio.exporters.map_labels import draw_labels
from slimmeregio.exporters.maps import masterplan_figure, parse_paper

from .conftest import HOSTILE_PATH, Results

pypdf = pytest.importorskip("pypdf")

SVG = "{http://www.w3.org/2000/svg}"


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def test_municipality_names_are_searchable_text_in_the_pdf(
    results: Results, tmp_path: Path
) -> None:
    fig = masterplan_figure(
        results.project, theme="access", evaluation=results.evaluation, paper="a4-landscape"
    )
    pdf = maps.save_figure(fig, tmp_path / "k.pdf")
    text = _pdf_text(pdf)
    for name in ("Halle", "Beersel", HOSTILE_PATH):
        assert name in text, name


def test_svg_groups_each_layer_and_keeps_names_as_text(results: Results, tmp_path: Path) -> None:
    fig = masterplan_figure(
        results.project, theme="access", evaluation=results.evaluation, paper="a4-portrait"
    )
    svg = maps.save_figure(fig, tmp_path / "k.svg")
    root = ElementTree.parse(svg).getroot()
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    groups = {el.get("id"): el for el in root.iter(f"{SVG}g")}
    for layer in (
        "boundaries",
        "network",
        "access",
        "mobipunten",
        "stations",
        "labels",
        "label-halos",
        "scale-bar",
        "north-arrow",
    ):
        assert layer in groups, layer
    # the mobipunten of every Hoppin type in one group, and nothing else in it
    hubs = [g for g in groups["mobipunten"] if g.tag == f"{SVG}g"]
    assert len(hubs) >= 2 and all(str(g.get("id")).startswith("mobipunten-") for g in hubs)
    names = ["".join(t.itertext()).strip() for t in groups["labels"].iter(f"{SVG}text")]
    assert {"Halle", "Beersel", HOSTILE_PATH} <= set(names)


def test_labels_keep_clear_of_symbols() -> None:
    """A hub at each municipality's label point: every name moves off it (the old placement centred on it)."""
    import geopandas as gpd

    paper = parse_paper("a4-portrait")
    munis = gpd.GeoDataFrame(
        {"nis": ["1", "2", "3"], "name": ["Aname", "Bname", "Cname"]},
        geometry=[
            shapely.box(0, 0, 6000, 10000),
            shapely.box(6000, 0, 12000, 10000),
            shapely.box(12000, 0, 18000, 10000),
        ],
        crs="EPSG:31370",
    )
    fig = Figure(figsize=paper.figsize, dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(-500, 18500)
    ax.set_ylim(-500, 10500)
    ax.set_aspect("equal", adjustable="box")
    points = np.array(
        [[g.representative_point().x, g.representative_point().y] for g in munis.geometry]
    )
    diameter_pt = 9.0
    with layer_group(ax, "mobipunten"):
        ax.scatter(points[:, 0], points[:, 1], s=diameter_pt**2, marker="h")
    draw_labels(ax, munis, (-500, -500, 18500, 10500), paper, None, None, "nl")
    labels = [t for t in ax.texts if str(t.get_gid()).startswith("labels")]
    assert sorted(t.get_text() for t in labels) == ["Aname", "Bname", "Cname"]
    renderer = fig.canvas.get_renderer()
    radius = diameter_pt / 2 * fig.dpi / 72
    for text in labels:
        box = text.get_window_extent(renderer)
        for x, y in ax.transData.transform(points):  # the hub's square around its centre, by hand
            clear = (
                box.x1 <= x - radius
                or box.x0 >= x + radius
                or box.y1 <= y - radius
                or box.y0 >= y + radius
            )
            assert clear, f"{text.get_text()} covers the hub at {x:.0f},{y:.0f}"
    halos = [t for t in ax.texts if str(t.get_gid()).startswith("label-halos")]
    assert [h.get_position() for h in halos] == [
        t.get_position() for t in labels
    ]  # halo follows its name


def test_locator_shows_belgium_and_its_regions(results: Results, tmp_path: Path) -> None:
    fig = masterplan_figure(results.project, theme="base", paper="a4-landscape", lang="en")
    pdf = maps.save_figure(fig, tmp_path / "k.pdf")
    text = _pdf_text(pdf)
    assert "Flanders" in text and "Wallonia" in text


def test_belgium_panel_left_out_for_a_region_elsewhere() -> None:
    from slimmeregio.exporters.locator_context import draw_belgium

    fig = Figure()
    ax = fig.add_axes((0, 0, 1, 1))
    assert not draw_belgium(ax, shapely.box(900_000, 900_000, 910_000, 910_000), 1.0, 5.0, "nl")
    assert not ax.collections
    assert draw_belgium(ax, shapely.box(140_000, 150_000, 158_000, 160_000), 1.0, 5.0, "nl")
    # the region is drawn in red inside Belgium's regions (Flanders, Wallonia, Brussels)
    assert len(ax.collections) >= 3


def test_municipality_page_rings_its_weakest_served_dwellings(results: Results) -> None:
    """Every atlas page, changed by the scenario or not, rings the dwellings at or beyond its p90 cycling time."""
    ev = results.evaluation
    nis = "23002"
    fig = masterplan_figure(
        results.project, theme="access", evaluation=ev, municipality=nis, paper="a4-portrait"
    )
    ax = fig.axes[0]
    rings = [c for c in ax.collections if str(c.get_gid()).startswith("weakest-served")]
    assert len(rings) == 1
    drawn = {tuple(np.round(xy, 3)) for xy in rings[0].get_offsets()}
    # by hand: this municipality's dwellings whose cycling time reaches its 90th percentile
    p90 = float(ev.municipalities.set_index("nis").loc[nis, "p90_bike_min_mobipunt"])
    d = ev.dwellings[ev.dwellings["nis"] == nis]
    minutes = d["bike_min_mobipunt"].fillna(np.inf).to_numpy(dtype=float)
    expected = {
        (round(g.x, 3), round(g.y, 3))
        for g, m in zip(d.geometry, minutes, strict=True)
        if m >= p90 - 1e-9
    }
    assert drawn == expected and expected
    texts = " ".join(
        " ".join(t.get_text().split())
        for t in fig.findobj(lambda a: hasattr(a, "get_text"))
        if isinstance(t.get_text(), str)
    )
    assert "Zwakst bediende 10 % woningen" in texts
    assert maps.fmt_number(p90, "min") in texts  # the key figure gives the same threshold


def test_a_long_title_block_pushes_the_legend_down(results: Results) -> None:
    """A site map starting from a long scenario name wrapped its title block into the legend (A4 landscape)."""
    from dataclasses import replace

    scenario = results.scenario.model_copy(
        update={"name": "Een bijzonder lange scenarionaam die over meerdere regels loopt " * 2}
    )
    ev = replace(results.evaluation, scenario=scenario)
    fig = masterplan_figure(
        results.project, theme="siting", evaluation=ev, siting=results.siting, paper="a4-landscape"
    )
    renderer = fig.canvas.get_renderer()
    legends = [leg for ax in fig.axes if (leg := ax.get_legend()) is not None]
    assert legends
    legend_top = max(leg.get_window_extent(renderer).y1 for leg in legends)
    info = [
        t
        for t in fig.findobj(lambda a: hasattr(a, "get_text"))
        if isinstance(t.get_text(), str) and t.get_text().startswith("Scenario: ")
    ]
    assert info
    title_bottom = min(t.get_window_extent(renderer).y0 for t in info)
    assert legend_top <= title_bottom


def test_labels_keep_clear_of_numbered_callouts() -> None:
    """A callout's circle is placed only when drawn; the label used to be measured against nothing and sat under it."""
    import geopandas as gpd

    paper = parse_paper("a4-portrait")
    munis = gpd.GeoDataFrame(
        {"nis": ["1"], "name": ["Halle"]},
        geometry=[shapely.box(0, 0, 6000, 10000)],
        crs="EPSG:31370",
    )
    fig = Figure(figsize=paper.figsize, dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(-500, 6500)
    ax.set_ylim(-500, 10500)
    ax.set_aspect("equal", adjustable="box")
    spot = munis.geometry.iloc[0].representative_point()
    with layer_group(ax, "callouts"):
        note = ax.annotate(
            "1",
            xy=(spot.x, spot.y),
            xytext=(spot.x, spot.y),
            fontsize=6.5,
            ha="center",
            va="center",
            bbox={"boxstyle": "circle,pad=0.25", "fc": "k"},
        )
    draw_labels(ax, munis, (-500, -500, 6500, 10500), paper, None, None, "nl")
    fig.canvas.draw()  # now the circle has its place
    renderer = fig.canvas.get_renderer()
    circle = note.get_bbox_patch().get_window_extent(renderer)
    label = next(t for t in ax.texts if str(t.get_gid()).startswith("labels")).get_window_extent(
        renderer
    )
    assert not label.overlaps(circle)
