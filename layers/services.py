"""OGC web services as layers: WFS and OGC API - Features, read on request.

Only an explicit user action reaches a service (adding a layer by its
address, ``slimmeregio info URL``, "Vernieuwen" or ``--refresh``); a
project keeps each service layer as a snapshot of its features with its
provenance (:class:`.ServiceSource`), and opening it never fetches.

* :func:`service_capabilities` asks the service what it offers: the
  capabilities document is fetched through :mod:`.web` (address checked,
  timeout, size limit) and parsed by OWSLib.
* :func:`read_service_layer` reads a layer (within a Lambert 72 bounding
  box, if given) as GeoJSON: an OGC API collection's items page by page
  (``next`` links only on the same server), a WFS 2.0 ``GetFeature`` in
  EPSG:31370. Every request goes through :mod:`.web`; GDAL (pyogrio) only
  parses the answers from memory with the options for user files. GDAL's own
  ``OAPIF``/``WFS`` drivers are not used: they follow whatever links a
  server sends with curl, ``file://`` included. The layer then gets the same
  treatment as a file (:func:`.io.prepare_frame`: repairs, CRS, role
  guessing, Flemish field mappings).
* :func:`refresh_service_layer` / :func:`refresh_project` read the snapshot
  again from its provenance, keeping name, role, fields and style.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import math
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from slimmeregio.layers import web
from slimmeregio.layers.errors import (
    LayerNotFoundError,
    ServiceResponseError,
)
from slimmeregio.layers.i18n import tr
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
#: Seconds to wait for each request to a service.
SERVICE_TIMEOUT = 30.0
#: Features asked per page of an OGC API collection.
_PAGE = 1000


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
        raise LayerNotFoundError(
            path=self.url, layer=name, available=", ".join(i.name for i in self.layers)
        )


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
    if (
        len(values) != 4
        or not all(math.isfinite(v) for v in values)
        or not (values[0] < values[2] and values[1] < values[3])
    ):
        raise ValueError("XMIN,YMIN,XMAX,YMAX (Lambert 72 metres, XMIN < XMAX, YMIN < YMAX)")
    return (values[0], values[1], values[2], values[3])


def capabilities_lines(capabilities: ServiceCapabilities, lang: str = "nl") -> list[str]:
    """What ``slimmeregio info URL`` prints for a service."""
    kind = {"oapif": "OGC API - Features", "wfs": "WFS"}[capabilities.kind]
    count = len(capabilities.layers)
    values: dict[str, Any] = {"url": capabilities.url, "kind": kind, "n": count}
    lines = [
        tr(lang, "{url}: {kind}, {n} laag", **values)
        if count == 1
        else tr(lang, "{url}: {kind}, {n} lagen", **values)
    ]
    if capabilities.title:
        lines.append(tr(lang, "  titel: {title}", title=capabilities.title))
    for item in capabilities.layers:
        line = f"  - {item.name}"
        if item.title and item.title != item.name:
            line += f" ({item.title})"
        if item.wgs84_bbox is not None:
            line += " [" + ", ".join(f"{v:.4f}" for v in item.wgs84_bbox) + "]"
        lines.append(line)
    lines.append(
        tr(
            lang,
            "  Lees een laag met --layer NAAM (en eventueel --bbox XMIN,YMIN,XMAX,YMAX in Lambert 72).",
        )
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
        str(link["href"])
        for link in api.links
        if isinstance(link, dict)
        and link.get("rel") == "data"
        and isinstance(link.get("href"), str)
        and "json" in str(link.get("type", "application/json"))
    ]
    collections_url = data_links[0] if data_links else _base(url) + "/collections"
    answer = web.get(
        collections_url,
        params={"f": "json"},
        headers={"Accept": "application/json"},
        timeout=timeout,
    )
    try:
        document = json.loads(answer.body)
    except ValueError as error:
        raise ServiceResponseError(
            url=collections_url,
            reason={
                "nl": "geen geldige lijst van collecties",
                "en": "no valid list of collections",
            },
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
        box = (
            _bbox(boxes[0])
            if isinstance(boxes, list) and boxes and isinstance(boxes[0], list)
            else None
        )
        layers.append(ServiceLayerInfo(item["id"], str(item.get("title") or item["id"]), box))
    return ServiceCapabilities(url=_base(url), kind="oapif", title=title, layers=tuple(layers))


def _wfs_capabilities(url: str, timeout: float) -> ServiceCapabilities:
    def read(base: str, document: bytes) -> ServiceCapabilities:
        from owslib.wfs import WebFeatureService

        service = WebFeatureService(base, version="2.0.0", xml=document, timeout=int(timeout))
        title = str(getattr(service.identification, "title", "") or "")
        layers = tuple(
            ServiceLayerInfo(
                name, str(meta.title or name), _bbox((meta.boundingBoxWGS84 or ())[:4])
            )
            for name, meta in service.contents.items()
        )
        return ServiceCapabilities(url=base, kind="wfs", title=title, layers=layers)

    return web.ogc_capabilities(url, "WFS", "2.0.0", read, timeout=timeout)


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
    answer = web.get(
        _base(target), params={"f": "json"}, headers={"Accept": "application/json"}, timeout=timeout
    )
    landing: Any = None
    if "json" in answer.content_type or answer.body.lstrip()[:1] == b"{":
        with contextlib.suppress(ValueError):
            landing = json.loads(answer.body)
    if isinstance(landing, dict) and isinstance(landing.get("links"), list):
        return _oapif_capabilities(target, landing, timeout)
    return _wfs_capabilities(target, timeout)


def _lambert_to_lonlat(
    bbox: tuple[float, float, float, float],
) -> tuple[float, float, float, float]:
    """A Lambert 72 box as the WGS84 lon/lat box that holds it (edges densified)."""
    import numpy as np
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:31370", "OGC:CRS84", always_xy=True)
    x0, y0, x1, y1 = bbox
    t = np.linspace(0.0, 1.0, 11)
    xs = np.concatenate(
        [x0 + (x1 - x0) * t, np.full_like(t, x1), x0 + (x1 - x0) * t, np.full_like(t, x0)]
    )
    ys = np.concatenate(
        [np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y0 + (y1 - y0) * t]
    )
    tx, ty = transformer.transform(xs, ys)
    return float(np.min(tx)), float(np.min(ty)), float(np.max(tx)), float(np.max(ty))


def _parse_geojson(body: bytes, url: str) -> tuple[Any, Any]:
    """A page of GeoJSON features as ``(GeoDataFrame or None when it has no
    features, the parsed document)``. GDAL parses the bytes from memory with
    the options for user files: it never reaches the network."""
    import pyogrio

    from slimmeregio.layers.gdal_safety import vector_env

    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ServiceResponseError(
            url=url,
            reason={
                "nl": "geen GeoJSON-objectenverzameling",
                "en": "not a GeoJSON feature collection",
            },
            detail=body[:200].decode("utf-8", errors="replace"),
        )
    if not document.get("features"):
        return None, document
    try:
        with vector_env():
            return pyogrio.read_dataframe(io.BytesIO(body), use_arrow=False), document
    except Exception as error:  # noqa: BLE001 - GDAL's parse errors of a remote answer are one message
        raise ServiceResponseError(
            url=url,
            reason={"nl": "onleesbare GeoJSON", "en": "unreadable GeoJSON"},
            detail=f"{type(error).__name__}: {error}",
        ) from None


def _same_service(link: str, service: str) -> bool:
    a, b = urllib.parse.urlsplit(link), urllib.parse.urlsplit(service)
    return (a.scheme.lower(), a.netloc.lower()) == (b.scheme.lower(), b.netloc.lower())


def _next_link(document: Any, service: str) -> str | None:
    """The ``next`` page of an OGC API items answer, only on the same server."""
    links = document.get("links") if isinstance(document, dict) else None
    for link in links if isinstance(links, list) else []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "next"
            and isinstance(link.get("href"), str)
        ):
            href = web.check_url(link["href"])
            if not _same_service(href, service):
                raise ServiceResponseError(
                    url=href,
                    reason={
                        "nl": "de volgende pagina ligt op een andere server",
                        "en": "the next page is on another server",
                    },
                )
            return href
    return None


def _read_oapif(
    capabilities: ServiceCapabilities,
    layer: str,
    bbox: tuple[float, float, float, float] | None,
    timeout: float,
    task: Task,
) -> list[Any]:
    """The pages of an OGC API collection's items (GeoJSON, CRS84), followed
    through their ``next`` links by :mod:`.web`, at most
    :data:`MAX_SERVICE_FEATURES` + 1 features."""
    url: str | None = f"{capabilities.url}/collections/{urllib.parse.quote(layer, safe='')}/items"
    params: dict[str, Any] | None = {"f": "json", "limit": str(_PAGE)}
    if bbox is not None and params is not None:
        params["bbox"] = ",".join(f"{v:.7f}" for v in _lambert_to_lonlat(bbox))
    frames: list[Any] = []
    count = 0
    while url is not None and count <= MAX_SERVICE_FEATURES:
        task.check()
        answer = web.get(
            url,
            params=params,
            headers={"Accept": "application/geo+json, application/json"},
            timeout=timeout,
        )
        frame, document = _parse_geojson(answer.body, url)
        if frame is None or not len(frame):
            break
        frames.append(frame)
        count += len(frame)
        url, params = _next_link(document, capabilities.url), None
    return frames


def _read_wfs(
    capabilities: ServiceCapabilities,
    layer: str,
    bbox: tuple[float, float, float, float] | None,
    timeout: float,
    task: Task,
) -> list[Any]:
    """A WFS 2.0 GetFeature answer asked as GeoJSON in EPSG:31370."""
    params = {
        "SERVICE": "WFS",
        "VERSION": "2.0.0",
        "REQUEST": "GetFeature",
        "TYPENAMES": layer,
        "OUTPUTFORMAT": "application/json",
        "SRSNAME": "EPSG:31370",
        "COUNT": str(MAX_SERVICE_FEATURES + 1),
    }
    if bbox is not None:
        params["BBOX"] = ",".join(f"{v:.3f}" for v in bbox) + ",urn:ogc:def:crs:EPSG::31370"
    task.check()
    answer = web.get(capabilities.url, params=params, timeout=timeout)
    frame, _ = _parse_geojson(answer.body, capabilities.url)
    if frame is not None and frame.crs is None:
        frame = frame.set_crs("EPSG:31370")
    elif frame is not None and frame.crs is not None and frame.crs.to_epsg() == 4326:
        frame = frame.set_crs(
            "EPSG:31370", allow_override=True
        )  # GeoJSON declares no other CRS by default
    return [frame] if frame is not None else []


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
    it; ``kind`` (``oapif``/``wfs``), when given, is the kind the service
    must be (a refresh expects the kind it read before).

    Raises
    ------
    ServiceUrlError, ServiceUnavailableError, ServiceResponseError,
    LayerNotFoundError, EmptyLayerError, MissingFieldError, OperationCancelled
    """
    from slimmeregio.layers.io import prepare_frame

    task = Task(progress, cancel)
    task.report(0.0, f"Asking {url}")
    target = web.check_url(url)
    capabilities = service_capabilities(target, timeout=min(timeout, web.DEFAULT_TIMEOUT * 2))
    if kind is not None and kind not in SERVICE_KINDS:
        raise ValueError(f"kind must be one of {SERVICE_KINDS}")
    if kind is not None and capabilities.kind != kind:
        raise ServiceResponseError(
            url=capabilities.url,
            reason={
                "nl": f"de dienst is geen {kind.upper()} meer",
                "en": f"the service is no longer {kind.upper()}",
            },
        )
    info = capabilities.layer(layer)
    task.check()
    task.report(0.2, f"Reading {layer}")
    reader = _read_oapif if capabilities.kind == "oapif" else _read_wfs
    frames = reader(capabilities, layer, bbox, timeout, task)
    if frames:
        import pandas as pd

        frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    else:
        frame = gpd.GeoDataFrame(geometry=[], crs="OGC:CRS84")
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


def refresh_service_layer(
    layer: Layer, *, timeout: float = SERVICE_TIMEOUT, cancel: CancelCheck | None = None
) -> Layer:
    """``layer`` read again from its service: new features and retrieval
    time, the same name, role, field mapping, style and visibility."""
    if layer.service is None:
        return layer
    source = layer.service
    fresh = read_service_layer(
        source.url,
        source.layer,
        kind=source.kind,
        bbox=source.bbox,
        role=layer.role,
        fields=layer.fields or None,
        name=layer.name,
        timeout=timeout,
        cancel=cancel,
    )
    return fresh.replace(
        style=layer.style, visible=layer.visible, note=layer.note, attribution=layer.attribution
    )


def refresh_project(
    project: Project,
    *,
    timeout: float = SERVICE_TIMEOUT,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> list[str]:
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
