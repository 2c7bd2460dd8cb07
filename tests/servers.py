"""Local web services for the tests: a tile/WMS server and a pygeoapi server.

Both listen on 127.0.0.1 on a free port and are started and stopped by the
tests' fixtures; no test reaches outside the machine.

* :class:`TileServer` (``http.server`` in a thread) serves 256-pixel PNG
  tiles ``/{z}/{x}/{y}.png`` painted as a checkerboard (tile ``x + y`` even:
  :data:`EVEN`, odd: :data:`ODD`) and ``/wms`` GetMap images of one colour,
  and records every request path.
* :func:`start_pygeoapi` runs a real pygeoapi (Flask, in a subprocess)
  serving one GeoJSON file as an OGC API Features collection.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

EVEN = (200, 40, 40, 255)
ODD = (40, 40, 200, 255)
WMS_COLOUR = (30, 160, 60, 255)
#: Two layers in Lambert 72 and one only in web mercator.
WMS_CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
 <Service><Name>WMS</Name><Title>Test-WMS</Title></Service>
 <Capability>
  <Request><GetMap><Format>image/png</Format><DCPType><HTTP><Get>
   <OnlineResource xlink:href="http://127.0.0.1/wms"/></Get></HTTP></DCPType></GetMap></Request>
  <Layer><Title>Alles</Title>
   <Layer queryable="0"><Name>GRB_BSK</Name><Title>GRB basiskaart</Title><CRS>EPSG:31370</CRS><CRS>EPSG:3857</CRS></Layer>
   <Layer queryable="0"><Name>ORTHO</Name><Title>Orthofoto</Title><CRS>EPSG:31370</CRS></Layer>
   <Layer queryable="0"><Name>MERC</Name><Title>Alleen mercator</Title><CRS>EPSG:3857</CRS></Layer>
  </Layer>
 </Capability>
</WMS_Capabilities>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _png(colour: tuple[int, int, int, int], size: tuple[int, int] = (256, 256)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


class TileServer:
    """A checkerboard XYZ tile server and a one-colour WMS on loopback."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.port = free_port()
        self._tiles = {0: _png(EVEN), 1: _png(ODD)}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(self.path)
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == "/wms" and "GetCapabilities" in parts.query:
                    self._send(WMS_CAPABILITIES.encode(), "text/xml")
                    return
                if parts.path == "/wms":
                    query = dict(urllib.parse.parse_qsl(parts.query))
                    size = (int(query.get("WIDTH", "256")), int(query.get("HEIGHT", "256")))
                    self._send(_png(WMS_COLOUR, size))
                    return
                try:
                    z, x, y = (
                        int(p) for p in parts.path.strip("/").removesuffix(".png").split("/")
                    )
                except ValueError:
                    self.send_error(404)
                    return
                del z
                self._send(server._tiles[(x + y) % 2])

            def _send(self, body: bytes, kind: str = "image/png") -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def xyz_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"

    @property
    def wms_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/wms"

    def start(self) -> TileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


_PYGEOAPI_CONFIG = """\
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 500, max_items: 10000}}
  map: {{url: "http://127.0.0.1:9/{{z}}/{{x}}/{{y}}.png", attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification:
    title: {title}
    description: Test service on loopback
    keywords: [test]
    keywords_type: theme
    terms_of_service: https://example.org
    url: https://example.org
  license: {{name: CC-BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}}
  provider: {{name: test, url: https://example.org}}
  contact: {{name: test, position: test, address: x, city: x, stateorprovince: x, postalcode: x,
    country: x, phone: x, fax: x, email: x@example.org, url: https://example.org, hours: x,
    instructions: x, role: pointOfContact}}
resources:
  {collection}:
    type: collection
    title: {collection_title}
    description: {collection_title}
    keywords: [test]
    extents:
      spatial: {{bbox: [2.5, 50.6, 6.4, 51.5], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}
    providers:
      - type: feature
        name: GeoJSON
        data: {data}
        id_field: id
"""

_PYGEOAPI_MAIN = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from pygeoapi.openapi import generate_openapi_document
    document = generate_openapi_document(Path(os.environ["PYGEOAPI_CONFIG"]), "yaml")
    Path(os.environ["PYGEOAPI_OPENAPI"]).write_text(document)
    from pygeoapi.flask_app import APP
    APP.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False, use_reloader=False)
    """
)


@dataclass
class PygeoapiServer:
    """A running pygeoapi subprocess."""

    process: subprocess.Popen[bytes]
    port: int
    collection: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start_pygeoapi(
    folder: Path,
    geojson: Path,
    *,
    collection: str = "stations",
    title: str = "Testdienst Halle-Vilvoorde",
    collection_title: str = "Stations",
) -> PygeoapiServer:
    """Start pygeoapi serving ``geojson`` as ``collection``; wait until it answers."""
    port = free_port()
    config = folder / "pygeoapi.yml"
    config.write_text(
        _PYGEOAPI_CONFIG.format(
            port=port,
            title=title,
            collection=collection,
            collection_title=collection_title,
            data=geojson,
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYGEOAPI_CONFIG": str(config),
        "PYGEOAPI_OPENAPI": str(folder / "openapi.yml"),
    }
    log = (folder / "pygeoapi.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", _PYGEOAPI_MAIN, str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = PygeoapiServer(process, port, collection)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((folder / "pygeoapi.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen(f"{server.url}/collections?f=json", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("pygeoapi did not start within 30 s")
