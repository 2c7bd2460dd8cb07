"""OGC web services as layers: WFS and OGC API - Features, read on request.

Only an explicit user action reaches a service (adding a layer by its
address, ``slimmeregio info URL``, "Vernieuwen" or ``--refresh``); a
project keeps each service layer as a snapshot of its features with its
provenance (:class:`.ServiceSource`), and opening it never fetches.

* :func:`service_capabilities` asks the service what it offers: the
  capabilities document is fetched through :mod:`.web` (address checked,
  timeout, size limit) and parsed by OWSLib.
* :func:`read_service_layer` reads a layer (within a Lambert 72 bounding
  box, if given) with GDAL's ``OAPIF`` or ``WFS`` driver through pyogrio,
  then gives it the same treatment as a file (:func:`.io.prepare_frame`:
  repairs, CRS, role guessing, Flemish field mappings).
* :func:`refresh_service_layer` / :func:`refresh_project` read the snapshot
  again from its provenance, keeping name, role, fields and style.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from slimmeregio.layers import web
from slimmeregio.layers.errors import (
    LayerNotFoundError,
    ServiceResponseError,
    ServiceUnavailableError,
    SlimmeRegioError,
)
from slimmeregio.layers.model import Layer, LayerReport, Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import Role
from slimmeregio.layers.service_source import SERVICE_KINDS, ServiceSource

__all__ = [
    "MAX_SERVICE_FEATURES",
    "ServiceCapabilities",
    "ServiceLayerInfo",
    "capabilities_lines",
    "is_service_url",
    "parse_bbox",
    "read_service_layer",
    "refresh_project",
    "refresh_service_layer",
    "service_capabilities",
]

#: Most features read from one service layer; more is reported, not read.
MAX_SERVICE_FEATURES = 200_000
#: Seconds GDAL waits for each request to a service.
SERVICE_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServiceLayerInfo:
    """One layer (WFS feature type, OGC API collection) a service offers."""

    name: str
    title: str
    #: Extent in WGS84 lon/lat (west, south, east, north), when the service says.
    wgs84_bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class ServiceCapabilities:
    """What a service offers: its kind, title and layers."""

    url: str
    kind: str
    title: str
    layers: tuple[ServiceLayerInfo, ...]

    def layer(self, name: str) -> ServiceLayerInfo:
        for item in self.layers:
            if item.name == name:
                return item
        raise LayerNotFoundError(path=self.url, layer=name, available=", ".join(i.name for i in self.layers))


def is_service_url(text: str) -> bool:
    """True for text that names a web address (``http://`` or ``https://``)."""
    return str(text).strip().lower().startswith(("http://", "https://"))


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"xmin,ymin,xmax,ymax"`` (Lambert 72 metres) as four numbers;
    ValueError when it is not four finite numbers with min < max."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values) or not (
        values[0] < values[2] and values[1] < values[3]
    ):
        raise ValueError("XMIN,YMIN,XMAX,YMAX (Lambert 72 metres, XMIN < XMAX, YMIN < YMAX)")
    return (values[0], values[1], values[2], values[3])


def capabilities_lines(capabilities: ServiceCapabilities, lang: str = "nl") -> list[str]:
    """What ``slimmeregio info URL`` prints for a service."""
    nl = lang == "nl"
    kind = {"oapif": "OGC API - Features", "wfs": "WFS"}[capabilities.kind]
    count = len(capabilities.layers)
    noun = ("laag" if count == 1 else "lagen") if nl else ("layer" if count == 1 else "layers")
    lines = [f"{capabilities.url}: {kind}, {count} {noun}"]
    if capabilities.title:
        lines.append(f"  {'titel' if nl else 'title'}: {capabilities.title}")
    for item in capabilities.layers:
        line = f"  - {item.name}"
        if item.title and item.title != item.name:
            line += f" ({item.title})"
        if item.wgs84_bbox is not None:
            line += " [" + ", ".join(f"{v:.4f}" for v in item.wgs84_bbox) + "]"
        lines.append(line)
    lines.append(
        "  Lees een laag met --layer NAAM (en eventueel --bbox XMIN,YMIN,XMAX,YMAX in Lambert 72)."
        if nl else "  Read a layer with --layer NAME (and optionally --bbox XMIN,YMIN,XMAX,YMAX in Lambert 72)."
    )
    return lines


def _wfs_hint(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    query = {k.lower(): v.lower() for k, v in urllib.parse.parse_qsl(parts.query)}
    return query.get("service") == "wfs" or parts.path.lower().rstrip("/").endswith("wfs")


def _base(url: str) -> str:
    """``url`` without its query (an OGC API landing page)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _bbox(values: Any) -> tuple[float, float, float, float] | None:
    try:
        box = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        return None
    return (box[0], box[1], box[2], box[3]) if len(box) == 4 else None


def _oapif_capabilities(url: str, landing: dict[str, Any], timeout: float) -> ServiceCapabilities:
    from owslib.ogcapi.features import Features

    # OWSLib reads the landing page fetched through web.get (no request of its own)
    api = Features(_base(url), json_=json.dumps(landing), timeout=int(timeout))
    data_links = [
        str(link["href"]) for link in api.links
        if isinstance(link, dict) and link.get("rel") == "data" and isinstance(link.get("href"), str)
        and "json" in str(link.get("type", "application/json"))
    ]
    collections_url = data_links[0] if data_links else _base(url) + "/collections"
    answer = web.get(collections_url, params={"f": "json"}, headers={"Accept": "application/json"},
                     timeout=timeout)
    try:
        document = json.loads(answer.body)
    except ValueError as error:
        raise ServiceResponseError(
            url=collections_url, reason={"nl": "geen geldige lijst van collecties", "en": "no valid list of collections"},
            detail=str(error),
        ) from None
    collections = document.get("collections", []) if isinstance(document, dict) else []
    title = str(landing.get("title") or "")
    layers = []
    for item in collections:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        extent = item.get("extent", {}) if isinstance(item.get("extent"), dict) else {}
        spatial = extent.get("spatial", {}) if isinstance(extent.get("spatial"), dict) else {}
        boxes = spatial.get("bbox") or []
        box = _bbox(boxes[0]) if isinstance(boxes, list) and boxes and isinstance(boxes[0], list) else None
        layers.append(ServiceLayerInfo(item["id"], str(item.get("title") or item["id"]), box))
    return ServiceCapabilities(url=_base(url), kind="oapif", title=title, layers=tuple(layers))


def _wfs_capabilities(url: str, timeout: float) -> ServiceCapabilities:
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    answer = web.get(base, params={"SERVICE": "WFS", "REQUEST": "GetCapabilities", "VERSION": "2.0.0"},
                     timeout=timeout)
    try:
        from owslib.wfs import WebFeatureService

        service = WebFeatureService(base, version="2.0.0", xml=answer.body, timeout=int(timeout))
        title = str(getattr(service.identification, "title", "") or "")
        layers = tuple(
            ServiceLayerInfo(name, str(meta.title or name), _bbox((meta.boundingBoxWGS84 or ())[:4]))
            for name, meta in service.contents.items()
        )
    except Exception as error:  # noqa: BLE001 - any parse failure of the server's XML is one message
        raise ServiceResponseError(
            url=base, reason={"nl": "geen geldig WFS-capabilitiesdocument", "en": "no valid WFS capabilities document"},
            detail=f"{type(error).__name__}: {error}",
        ) from None
    return ServiceCapabilities(url=base, kind="wfs", title=title, layers=layers)


def service_capabilities(url: str, *, timeout: float = web.DEFAULT_TIMEOUT) -> ServiceCapabilities:
    """The layers a WFS or OGC API Features service at ``url`` offers.

    An address ending in ``wfs`` or with ``SERVICE=WFS`` is asked as a WFS;
    any other first as an OGC API (its landing page as JSON), then as a WFS.

    Raises
    ------
    ServiceUrlError, ServiceUnavailableError, ServiceResponseError
    """
    target = web.check_url(url)
    if _wfs_hint(target):
        return _wfs_capabilities(target, timeout)
    answer = web.get(_base(target), params={"f": "json"}, headers={"Accept": "application/json"}, timeout=timeout)
    landing: Any = None
    if "json" in answer.content_type or answer.body.lstrip()[:1] == b"{":
        with contextlib.suppress(ValueError):
            landing = json.loads(answer.body)
    if isinstance(landing, dict) and isinstance(landing.get("links"), list):
        return _oapif_capabilities(target, landing, timeout)
    return _wfs_capabilities(target, timeout)


@contextlib.contextmanager
def _service_env(timeout: float) -> Iterator[None]:
    """GDAL options for reading a service: bounded waits, no retries storm."""
    import pyogrio

    options = {
        "GDAL_HTTP_TIMEOUT": str(int(max(timeout, 1))),
        "GDAL_HTTP_CONNECTTIMEOUT": str(int(max(min(timeout, 10), 1))),
        "GDAL_HTTP_MAX_RETRY": "1",
        "GDAL_HTTP_USERAGENT": web.user_agent(),
        # GDAL must not write .aux.xml or look for side files
        "GDAL_PAM_ENABLED": "NO",
    }
    old = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)


def _lambert_to(crs: Any, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    import numpy as np
    from pyproj import CRS, Transformer

    transformer = Transformer.from_crs("EPSG:31370", CRS.from_user_input(crs), always_xy=True)
    x0, y0, x1, y1 = bbox
    t = np.linspace(0.0, 1.0, 11)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x0 + (x1 - x0) * t, np.full_like(t, x0)])
    ys = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y0 + (y1 - y0) * t])
    tx, ty = transformer.transform(xs, ys)
    return float(np.min(tx)), float(np.min(ty)), float(np.max(tx)), float(np.max(ty))


def _gdal_failure(url: str, error: Exception) -> SlimmeRegioError:
    text = str(error)
    lowered = text.lower()
    if any(k in lowered for k in ("connect", "timed out", "timeout", "resolve host", "http error code : 5",
                                  "couldn't", "could not")):
        return ServiceUnavailableError(
            url=url, reason={"nl": "de server is niet bereikbaar", "en": "the server cannot be reached"}, detail=text
        )
    return ServiceResponseError(
        url=url, reason={"nl": "de laag kon niet gelezen worden", "en": "the layer could not be read"}, detail=text
    )


def read_service_layer(
    url: str,
    layer: str,
    *,
    kind: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    role: Role | None = None,
    fields: Mapping[str, str] | None = None,
    name: str | None = None,
    timeout: float = SERVICE_TIMEOUT,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Layer:
    """Read ``layer`` of the WFS / OGC API Features service at ``url`` as a
    :class:`.Layer` in EPSG:31370, with its provenance in ``layer.service``.

    ``bbox`` (Lambert 72) limits the features to those whose envelope meets
    it; ``kind`` (``oapif``/``wfs``) skips asking the service what it is.

    Raises
    ------
    ServiceUrlError, ServiceUnavailableError, ServiceResponseError,
    LayerNotFoundError, EmptyLayerError, MissingFieldError, OperationCancelled
    """
    import pyogrio

    from slimmeregio.layers.io import prepare_frame

    task = Task(progress, cancel)
    task.report(0.0, f"Asking {url}")
    target = web.check_url(url)
    capabilities = service_capabilities(target, timeout=min(timeout, web.DEFAULT_TIMEOUT * 2))
    if kind is not None and kind not in SERVICE_KINDS:
        raise ValueError(f"kind must be one of {SERVICE_KINDS}")
    info = capabilities.layer(layer)
    task.check()
    source = ("OAPIF:" if capabilities.kind == "oapif" else "WFS:") + capabilities.url
    task.report(0.2, f"Reading {layer}")
    with _service_env(timeout):
        try:
            layer_crs = pyogrio.read_info(source, layer=layer).get("crs") or "OGC:CRS84"
            native_bbox = _lambert_to(layer_crs, bbox) if bbox is not None else None
            frame = pyogrio.read_dataframe(
                source, layer=layer, bbox=native_bbox, max_features=MAX_SERVICE_FEATURES + 1, use_arrow=False
            )
        except SlimmeRegioError:
            raise
        except Exception as error:  # noqa: BLE001 - pyogrio/GDAL errors of a remote read are one message
            raise _gdal_failure(capabilities.url, error) from None
    task.check()
    report = LayerReport()
    if len(frame) > MAX_SERVICE_FEATURES:
        frame = frame.iloc[:MAX_SERVICE_FEATURES]
        report.add(
            "service_truncated",
            f"De dienst heeft meer dan {MAX_SERVICE_FEATURES} objecten; alleen de eerste zijn gelezen. "
            "Kies een kleiner gebied.",
            f"The service has more than {MAX_SERVICE_FEATURES} features; only the first were read. "
            "Choose a smaller area.",
            count=MAX_SERVICE_FEATURES,
        )
    retrieved = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    report.add(
        "service_snapshot",
        f"Opgehaald uit {capabilities.title or capabilities.url} op {retrieved}; het project bewaart deze momentopname.",
        f"Retrieved from {capabilities.title or capabilities.url} on {retrieved}; the project keeps this snapshot.",
        count=len(frame),
        level="info",
    )
    task.report(0.8, "Preparing")
    prepared = prepare_frame(
        frame,
        name=name or info.title or layer,
        source_layer=layer,
        role=role,
        fields=fields,
        report=report,
        role_hint=f"{info.title} {layer}",
    )
    provenance = ServiceSource(
        url=capabilities.url,
        kind=capabilities.kind,
        layer=layer,
        retrieved=retrieved,
        server_title=capabilities.title,
        layer_title=info.title,
        bbox=bbox,
        count=len(prepared),
    )
    task.report(1.0, "Done")
    return prepared.replace(service=provenance)


def refresh_service_layer(layer: Layer, *, timeout: float = SERVICE_TIMEOUT,
                          cancel: CancelCheck | None = None) -> Layer:
    """``layer`` read again from its service: new features and retrieval
    time, the same name, role, field mapping, style and visibility."""
    if layer.service is None:
        return layer
    source = layer.service
    fresh = read_service_layer(
        source.url, source.layer, kind=source.kind, bbox=source.bbox, role=layer.role,
        fields=layer.fields or None, name=layer.name, timeout=timeout, cancel=cancel,
    )
    return fresh.replace(style=layer.style, visible=layer.visible, note=layer.note, attribution=layer.attribution)


def refresh_project(project: Project, *, timeout: float = SERVICE_TIMEOUT,
                    progress: ProgressCallback | None = None, cancel: CancelCheck | None = None) -> list[str]:
    """Refresh every service layer of ``project`` in place; the names refreshed.

    All layers are read before any is replaced: when one service fails the
    project keeps every snapshot as it was.
    """
    task = Task(progress, cancel)
    stale = [(i, layer) for i, layer in enumerate(project.layers) if layer.service is not None]
    fresh: list[tuple[str, Layer]] = []
    for n, (_, layer) in enumerate(stale):
        task.report(n / max(len(stale), 1), f"Refreshing {layer.name}")
        fresh.append((layer.name, refresh_service_layer(layer, timeout=timeout, cancel=cancel)))
    for name, layer in fresh:
        index = project.layers.index(name)
        project.layers.remove(name)
        project.layers.insert(index, layer)
    task.report(1.0, "Done")
    return [name for name, _ in fresh]
