"""OGC API Features layers from a real pygeoapi server on loopback: read
with GDAL, roles and Flemish field names guessed as for files, kept in the
project as a snapshot with provenance, refreshed only on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Transformer

from slimmeregio.layers.errors import LayerNotFoundError, ServiceUnavailableError, ServiceUrlError
from slimmeregio.layers.model import Project
from slimmeregio.layers.project_file import load_project, save_project
from slimmeregio.layers.roles import Role
from slimmeregio.layers.services import (
    read_service_layer,
    refresh_project,
    service_capabilities,
)
from tests.servers import free_port, start_pygeoapi

#: Four stations (WGS84 lon/lat) with Flemish column names.
STATIONS = [
    ("Halle", 4.2400, 50.7334, 212),
    ("Vilvoorde", 4.4294, 50.9263, 240),
    ("Lot", 4.2736, 50.7660, 64),
    ("Zaventem", 4.4695, 50.8855, 150),
]


def write_stations(path: Path, rows: list[tuple[str, float, float, int]]) -> None:
    features = [
        {
            "type": "Feature",
            "id": i + 1,
            "properties": {"id": i + 1, "stationsnaam": name, "aantal_treinen": trains},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for i, (name, lon, lat, trains) in enumerate(rows)
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )


def _start(folder: Path):
    data = folder / "treinstations.geojson"
    write_stations(data, STATIONS)
    running = start_pygeoapi(
        folder, data, collection="treinstations", collection_title="Treinstations NMBS"
    )
    running.data = data  # type: ignore[attr-defined]
    return running


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory):
    """One server for the tests that only read."""
    running = _start(tmp_path_factory.mktemp("pygeoapi"))
    yield running
    running.stop()


@pytest.fixture()
def server(tmp_path: Path):
    """A server of its own, for a test that changes its data or stops it."""
    running = _start(tmp_path)
    yield running
    running.stop()


def test_capabilities_list_the_collection(shared_server) -> None:
    caps = service_capabilities(shared_server.url)
    assert caps.kind == "oapif"
    assert caps.title == "Testdienst Halle-Vilvoorde"
    assert [(i.name, i.title) for i in caps.layers] == [("treinstations", "Treinstations NMBS")]


def test_layer_is_read_with_role_and_flemish_fields(shared_server) -> None:
    layer = read_service_layer(shared_server.url, "treinstations")
    assert layer.role == Role.STATIONS
    assert (
        layer.fields["name"] == "stationsnaam"
        and layer.fields["trains_per_day"] == "aantal_treinen"
    )
    assert layer.name == "Treinstations NMBS"
    to_lambert = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
    got = {row.stationsnaam: (row.geometry.x, row.geometry.y) for row in layer.frame.itertuples()}
    assert set(got) == {s[0] for s in STATIONS}
    for name, lon, lat, _ in STATIONS:
        x, y = to_lambert.transform(lon, lat)
        assert got[name] == pytest.approx((x, y), abs=0.01)
    assert sorted(layer.column("trains_per_day").tolist()) == sorted(s[3] for s in STATIONS)
    service = layer.service
    assert service is not None and service.url == shared_server.url and service.kind == "oapif"
    assert service.layer == "treinstations" and service.server_title == "Testdienst Halle-Vilvoorde"
    assert service.count == 4 and service.retrieved.endswith("+00:00")
    assert layer.report.has("service_snapshot")


def test_bounding_box_limits_the_features(shared_server) -> None:
    # a Lambert 72 box around Halle and Lot only (hand-picked: both lie
    # south-west of Brussels, Vilvoorde and Zaventem north-east)
    bbox = (140_000.0, 155_000.0, 152_000.0, 165_000.0)
    to_lambert = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
    inside = {
        n
        for n, lon, lat, _ in STATIONS
        if bbox[0] <= to_lambert.transform(lon, lat)[0] <= bbox[2]
        and bbox[1] <= to_lambert.transform(lon, lat)[1] <= bbox[3]
    }
    assert inside == {"Halle", "Lot"}
    layer = read_service_layer(shared_server.url, "treinstations", bbox=bbox)
    assert set(layer.frame["stationsnaam"]) == inside
    assert layer.service is not None and layer.service.bbox == bbox


def test_unknown_layer_names_the_available_ones(shared_server) -> None:
    with pytest.raises(LayerNotFoundError) as info:
        read_service_layer(shared_server.url, "bushaltes")
    assert "treinstations" in info.value.full_message("nl")


def test_snapshot_opens_without_the_server_and_refreshes_on_request(server, tmp_path: Path) -> None:
    project = Project()
    project.layers.append(read_service_layer(server.url, "treinstations"))
    path = tmp_path / "diensten.srp"
    save_project(project, path)
    write_stations(server.data, STATIONS[:2])  # the service changes ...
    server.stop()  # ... and goes away
    loaded = load_project(path)  # no request: the snapshot is the data
    (layer,) = list(loaded.layers)
    assert len(layer) == 4 and layer.role == Role.STATIONS
    assert layer.service == project.layers[0].service
    with pytest.raises(ServiceUnavailableError) as info:
        refresh_project(loaded, timeout=3)
    assert "geen verbinding" in info.value.full_message("nl").lower()
    assert len(loaded.layers[0]) == 4  # the snapshot is kept when refreshing fails


def test_refresh_reads_the_service_again(server) -> None:
    project = Project()
    project.layers.append(read_service_layer(server.url, "treinstations"))
    first = project.layers[0]
    write_stations(server.data, STATIONS[:3])
    assert refresh_project(project) == ["Treinstations NMBS"]
    fresh = project.layers[0]
    assert len(fresh) == 3 and fresh.fields == first.fields and fresh.style == first.style
    assert fresh.service is not None and fresh.service.count == 3


def test_no_server_is_no_connection() -> None:
    with pytest.raises(ServiceUnavailableError):
        service_capabilities(f"http://127.0.0.1:{free_port()}/", timeout=3)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "/vsicurl/http://127.0.0.1/x", "ftp://127.0.0.1/"]
)
def test_only_web_addresses_are_asked(url: str) -> None:
    with pytest.raises(ServiceUrlError):
        service_capabilities(url)


# ---------------------------------------------------------------------------
# Paging, hostile links and a WFS, on small loopback servers
# ---------------------------------------------------------------------------


def test_collection_is_read_page_by_page(shared_server, monkeypatch) -> None:
    from slimmeregio.layers import services

    monkeypatch.setattr(services, "_PAGE", 3)  # 4 stations: two pages through pygeoapi's next link
    layer = read_service_layer(shared_server.url, "treinstations")
    assert sorted(layer.column("name")) == sorted(s[0] for s in STATIONS)


_WFS_CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"
    xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink">
 <ows:ServiceIdentification><ows:Title>Haltes test-WFS</ows:Title>
  <ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion>
 </ows:ServiceIdentification>
 <ows:OperationsMetadata>
  <ows:Operation name="GetCapabilities"><ows:DCP><ows:HTTP><ows:Get xlink:href="http://127.0.0.1/wfs"/>
  </ows:HTTP></ows:DCP></ows:Operation>
  <ows:Operation name="GetFeature"><ows:DCP><ows:HTTP><ows:Get xlink:href="http://127.0.0.1/wfs"/>
  </ows:HTTP></ows:DCP></ows:Operation>
 </ows:OperationsMetadata>
 <wfs:FeatureTypeList>
  <wfs:FeatureType><wfs:Name>haltes</wfs:Name><wfs:Title>Haltes De Lijn</wfs:Title>
   <wfs:DefaultCRS>urn:ogc:def:crs:EPSG::31370</wfs:DefaultCRS>
   <ows:WGS84BoundingBox><ows:LowerCorner>3.9 50.6</ows:LowerCorner><ows:UpperCorner>4.7 51.1</ows:UpperCorner>
   </ows:WGS84BoundingBox>
  </wfs:FeatureType>
 </wfs:FeatureTypeList>
</wfs:WFS_Capabilities>
"""

#: Two bus stops in Lambert 72, as a WFS asked for EPSG:31370 answers.
_HALTES = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
    "features": [
        {
            "type": "Feature",
            "id": "haltes.1",
            "properties": {"haltenaam": "Halle Station", "stopid": 101, "vervoerswijze": "bus"},
            "geometry": {"type": "Point", "coordinates": [144_850.0, 159_300.0]},
        },
        {
            "type": "Feature",
            "id": "haltes.2",
            "properties": {"haltenaam": "Vilvoorde Station", "stopid": 202, "vervoerswijze": "bus"},
            "geometry": {"type": "Point", "coordinates": [157_900.0, 181_500.0]},
        },
    ],
}


class _FakeServer:
    """A WFS or a hostile OGC API on loopback (``http.server`` in a thread)."""

    def __init__(self, next_link: str = "") -> None:
        import threading
        import urllib.parse
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.queries: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                parts = urllib.parse.urlsplit(self.path)
                query = {k.upper(): v for k, v in urllib.parse.parse_qsl(parts.query)}
                outer.queries.append(query)
                base = f"http://127.0.0.1:{outer.port}"
                if parts.path == "/wfs" and query.get("REQUEST") == "GetCapabilities":
                    self._send(_WFS_CAPABILITIES.encode(), "text/xml")
                elif parts.path == "/wfs" and query.get("REQUEST") == "GetFeature":
                    self._send(json.dumps(_HALTES).encode(), "application/json")
                elif parts.path.rstrip("/") == "/api":
                    self._send(
                        json.dumps(
                            {
                                "title": "Vijandig",
                                "links": [
                                    {
                                        "rel": "data",
                                        "href": base + "/api/collections",
                                        "type": "application/json",
                                    }
                                ],
                            }
                        ).encode()
                    )
                elif parts.path == "/api/collections":
                    self._send(json.dumps({"collections": [{"id": "x", "title": "X"}]}).encode())
                elif parts.path == "/api/collections/x/items":
                    page = {
                        "type": "FeatureCollection",
                        "features": [
                            {
                                "type": "Feature",
                                "properties": {"naam": "ok"},
                                "geometry": {"type": "Point", "coordinates": [4.3, 50.8]},
                            }
                        ],
                        "links": [
                            {"rel": "next", "href": next_link, "type": "application/geo+json"}
                        ],
                    }
                    self._send(json.dumps(page).encode(), "application/geo+json")
                else:
                    self.send_error(404)

            def _send(self, body: bytes, kind: str = "application/json") -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def test_wfs_layer_is_asked_as_geojson_in_lambert72() -> None:
    server = _FakeServer()
    try:
        url = f"http://127.0.0.1:{server.port}/wfs"
        caps = service_capabilities(url)
        assert caps.kind == "wfs" and caps.title == "Haltes test-WFS"
        assert [(i.name, i.title) for i in caps.layers] == [("haltes", "Haltes De Lijn")]
        bbox = (140_000.0, 150_000.0, 165_000.0, 185_000.0)
        layer = read_service_layer(url, "haltes", bbox=bbox)
        asked = server.queries[-1]
        assert asked["REQUEST"] == "GetFeature" and asked["SRSNAME"] == "EPSG:31370"
        assert (
            asked["BBOX"]
            == "140000.000,150000.000,165000.000,185000.000,urn:ogc:def:crs:EPSG::31370"
        )
        assert layer.role == Role.PT_STOPS
        assert layer.fields["name"] == "haltenaam" and layer.fields["mode"] == "vervoerswijze"
        got = sorted((g.x, g.y) for g in layer.frame.geometry)
        assert got == [(144_850.0, 159_300.0), (157_900.0, 181_500.0)]
        assert (
            layer.service is not None and layer.service.kind == "wfs" and layer.service.count == 2
        )
    finally:
        server.stop()


@pytest.mark.parametrize("next_link", ["file:///etc/passwd", "http://192.0.2.1/elders/items"])
def test_a_next_link_off_the_server_is_refused(next_link: str) -> None:
    from slimmeregio.layers.errors import ServiceResponseError

    server = _FakeServer(next_link=next_link)
    try:
        with pytest.raises((ServiceUrlError, ServiceResponseError)):
            read_service_layer(f"http://127.0.0.1:{server.port}/api", "x")
        assert all(
            q.get("F", "json") == "json" for q in server.queries
        )  # nothing else was asked here
    finally:
        server.stop()
