"""GetCapabilities of a WMS and a WFS go through one request path: the address
without its query, the three OGC parameters, and one message for a document
that is no capabilities document."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from slimmeregio.layers.errors import ServiceResponseError
from slimmeregio.layers.services import service_capabilities
from slimmeregio.layers.tiles import wms_layers


@pytest.fixture
def garbage_server() -> Iterator[tuple[int, list[tuple[str, dict[str, str]]]]]:
    """A loopback server answering every request with XML that is no capabilities document."""
    asked: list[tuple[str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = urllib.parse.urlsplit(self.path)
            asked.append((parts.path, dict(urllib.parse.parse_qsl(parts.query))))
            body = b"<?xml version='1.0'?><niets/>"
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1]), asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize(
    ("service", "version", "ask"),
    [("WMS", "1.3.0", wms_layers), ("WFS", "2.0.0", service_capabilities)],
)
def test_a_document_that_is_no_capabilities_is_one_message(
    garbage_server, service, version, ask
) -> None:
    port, asked = garbage_server
    path = "/" + service.lower()
    with pytest.raises(ServiceResponseError) as caught:
        ask(f"  http://127.0.0.1:{port}{path}?map=x&token=y  ", timeout=5.0)
    assert asked == [(path, {"SERVICE": service, "REQUEST": "GetCapabilities", "VERSION": version})]
    assert caught.value.message("nl").endswith(f"geen geldig {service}-capabilitiesdocument")
    assert caught.value.message("en").endswith(f"no valid {service} capabilities document")
    assert f"http://127.0.0.1:{port}{path}" in caught.value.message("en")
