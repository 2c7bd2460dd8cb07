"""Background maps: tiles fetched from a local tile server, warped to
Lambert 72, cached on disk within a size limit; no connection is a state,
not a crash."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from slimmeregio.layers import tiles
from slimmeregio.layers.errors import ServiceUrlError
from slimmeregio.layers.tiles import PRESETS, TileCache, TileSource, render_view
from slimmeregio.layers.web import check_url
from tests.servers import EVEN, ODD, WMS_COLOUR, TileServer, free_port

#: About 6 x 4.5 km around Halle (Lambert 72).
BBOX = (143_000.0, 160_000.0, 149_000.0, 164_500.0)


@pytest.fixture()
def tile_server():
    server = TileServer().start()
    yield server
    server.stop()


def _source(server: TileServer) -> TileSource:
    return TileSource(
        key="test", title="Test", kind="xyz", url=server.xyz_url, attribution="© test"
    )


def test_view_is_the_checkerboard_warped_to_lambert72(tile_server, tmp_path: Path) -> None:
    result = render_view(_source(tile_server), BBOX, 320, 240, cache=TileCache(tmp_path))
    assert result.error is None and result.missing == 0
    assert result.rgba.shape == (240, 320, 4)
    z = result.extra["zoom"]
    # independent oracle: each pixel centre projected with pyproj, the tile
    # it falls in computed from the web-mercator formula
    to_merc = Transformer.from_crs("EPSG:31370", "EPSG:3857", always_xy=True)
    span = 2 * 20037508.342789244 / 2**z
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(300):
        col, row = int(rng.integers(0, 320)), int(rng.integers(0, 240))
        x = BBOX[0] + (col + 0.5) * (BBOX[2] - BBOX[0]) / 320
        y = BBOX[3] - (row + 0.5) * (BBOX[3] - BBOX[1]) / 240
        mx, my = to_merc.transform(x, y)
        fx = (mx + 20037508.342789244) / span
        fy = (20037508.342789244 - my) / span
        # skip pixels within 2 tile pixels of a tile edge (bilinear blend there)
        if min(fx % 1, 1 - fx % 1, fy % 1, 1 - fy % 1) < 2 / 256:
            continue
        expected = EVEN if (math.floor(fx) + math.floor(fy)) % 2 == 0 else ODD
        assert tuple(result.rgba[row, col]) == expected, (col, row)
        checked += 1
    assert checked > 200


def test_zoom_follows_the_view_scale() -> None:
    # 6 km over 320 px is ~19 m per pixel in Lambert 72, ~30 mercator m at
    # 50.7 N; zoom z has 156543 / 2**z mercator m per pixel: z = 12
    assert tiles.xyz_zoom(BBOX, 320) == 12
    assert tiles.xyz_zoom(BBOX, 640) == 13
    assert tiles.xyz_zoom(BBOX, 320, max_zoom=10) == 10


def test_second_view_comes_from_the_cache(tile_server, tmp_path: Path) -> None:
    cache = TileCache(tmp_path)
    first = render_view(_source(tile_server), BBOX, 320, 240, cache=cache)
    fetched = len(tile_server.requests)
    assert fetched == first.tiles > 0
    second = render_view(_source(tile_server), BBOX, 320, 240, cache=cache)
    assert len(tile_server.requests) == fetched  # nothing asked again
    assert second.from_cache == second.tiles
    assert np.array_equal(first.rgba, second.rgba)


def test_cache_keeps_under_its_size_limit(tmp_path: Path) -> None:
    cache = TileCache(tmp_path, max_bytes=10_000)
    for i in range(30):
        cache.put(f"http://example.invalid/{i}.png", bytes([i]) * 1000)
    assert cache.total_bytes <= 10_000
    # the newest tiles stay, the oldest went first
    assert cache.get("http://example.invalid/29.png") == bytes([29]) * 1000
    assert cache.get("http://example.invalid/0.png") is None


def test_offline_gives_a_no_connection_result_quickly(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    source = TileSource(
        key="t",
        title="T",
        kind="xyz",
        url=f"http://127.0.0.1:{closed}/{{z}}/{{x}}/{{y}}.png",
        attribution="",
    )
    result = render_view(source, BBOX, 200, 150, cache=TileCache(tmp_path), timeout=2)
    assert result.offline and result.missing == result.tiles
    assert "geen verbinding" in result.error.full_message("nl").lower()
    assert not result.rgba.any()


def test_wms_is_asked_for_the_view_in_lambert72(tile_server, tmp_path: Path) -> None:
    source = TileSource(
        key="w",
        title="W",
        kind="wms",
        url=tile_server.wms_url,
        layers="GRB_BSK",
        attribution="© test",
    )
    result = render_view(source, BBOX, 300, 200, cache=TileCache(tmp_path))
    assert result.error is None
    assert (result.rgba == np.array(WMS_COLOUR, dtype=np.uint8)).all()
    (request,) = tile_server.requests
    assert (
        "CRS=EPSG%3A31370" in request
        and "BBOX=143000.000%2C160000.000%2C149000.000%2C164500.000" in request
    )
    assert "WIDTH=300" in request and "HEIGHT=200" in request


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/vsicurl/http://x/y",
        "ftp://example.org/a",
        "http://",
        "http://u:p@host/x",
        "https://host/a b",
    ],
)
def test_unsafe_addresses_are_refused(url: str) -> None:
    with pytest.raises(ServiceUrlError) as info:
        check_url(url)
    assert info.value.message("nl") != info.value.message("en")


def test_a_saved_source_is_checked_again() -> None:
    with pytest.raises(ServiceUrlError):
        TileSource.from_dict(
            {"key": "x", "title": "x", "kind": "xyz", "url": "file:///{z}/{x}/{y}"}
        )
    source = PRESETS["osm"]
    assert TileSource.from_dict(source.to_dict()) == source


def test_presets_cover_osm_and_informatie_vlaanderen() -> None:
    assert "openstreetmap" in PRESETS["osm"].attribution.lower()
    assert PRESETS["osm"].url.startswith("https://tile.openstreetmap.org/")
    for key in ("grb", "orthofoto", "grb-wms", "orthofoto-wms"):
        assert PRESETS[key].url.startswith("https://geo.api.vlaanderen.be/")
        assert "Vlaanderen" in PRESETS[key].attribution
