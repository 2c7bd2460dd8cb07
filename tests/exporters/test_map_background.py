"""A background map under a printed map only when asked, with its attribution
on the source line; without a connection the map is drawn and says so."""

from __future__ import annotations

import numpy as np
import pytest

from slimmeregio.exporters.maps import masterplan_figure
from slimmeregio.layers.tiles import Background, TileSource
from tests.servers import EVEN, ODD, TileServer, free_port


@pytest.fixture()
def tile_server():
    server = TileServer().start()
    yield server
    server.stop()


def _texts(fig) -> str:
    """Every text of the figure, line wrapping undone."""
    texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]
    return " ".join(" ".join(texts).split())


def _map_axes(fig):
    (ax,) = [ax for ax in fig.axes if ax.get_label() == "map"] or [
        max(fig.axes, key=lambda a: a.bbox.width)
    ]
    return ax


def test_background_is_off_by_default_and_drawn_when_asked(region_project, tile_server) -> None:
    plain = masterplan_figure(region_project, theme="base", paper="a4-landscape")
    assert "© Testtegels" not in _texts(plain)
    source = TileSource(
        key="t", title="Testtegels", kind="xyz", url=tile_server.xyz_url, attribution="© Testtegels"
    )
    fig = masterplan_figure(
        region_project, theme="base", paper="a4-landscape", background=Background(source)
    )
    assert tile_server.requests  # tiles were asked for this map only
    ax = _map_axes(fig)
    images = [im for im in ax.get_images() if im.get_zorder() < 1]
    assert len(images) == 1
    pixels = np.asarray(images[0].get_array())
    colours = {tuple(int(v) for v in p) for p in pixels.reshape(-1, 4)[::997]}
    assert colours & {EVEN, ODD}  # the checkerboard is what is drawn
    x0, x1, y0, y1 = images[0].get_extent()
    assert (x0, x1) == pytest.approx(ax.get_xlim()) and (y0, y1) == pytest.approx(ax.get_ylim())
    assert "© Testtegels" in _texts(fig)


def test_no_connection_draws_the_map_without_background(region_project) -> None:
    source = TileSource(
        key="t",
        title="Weg",
        kind="xyz",
        url=f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png",
        attribution="© Weg",
    )
    fig = masterplan_figure(
        region_project, theme="base", paper="a4-landscape", background=Background(source)
    )
    assert not [im for im in _map_axes(fig).get_images() if im.get_zorder() < 1]
    text = _texts(fig)
    assert "niet beschikbaar (geen verbinding)" in text and "© Weg" not in text


def test_a_service_layer_names_its_service_and_time_in_the_sources() -> None:
    import geopandas as gpd
    from shapely import Point

    from slimmeregio.exporters.meta import build_meta
    from slimmeregio.layers.model import Layer, Project
    from slimmeregio.layers.service_source import ServiceSource

    service = ServiceSource(
        url="https://example.org/ogc",
        kind="oapif",
        layer="haltes",
        retrieved="2026-12-06T09:00:00+00:00",
        server_title="De Lijn open data",
        layer_title="Haltes",
        count=1,
    )
    frame = gpd.GeoDataFrame({"naam": ["x"]}, geometry=[Point(150_000, 170_000)], crs="EPSG:31370")
    project = Project()
    project.layers.append(Layer(name="haltes", data=frame, service=service))
    (line,) = build_meta(project).sources
    assert line == (
        "haltes: Haltes uit De Lijn open data (https://example.org/ogc), "
        "opgehaald 2026-12-06T09:00:00+00:00"
    )
    (line_en,) = build_meta(project, lang="en").sources
    assert "from De Lijn open data" in line_en and "retrieved 2026-12-06T09:00:00+00:00" in line_en
