"""Background-map sources: where a map's tiles come from, the preset maps (OpenStreetMap, Informatie Vlaanderen's GRB and orthophotos) and a project's chosen background."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from slimmeregio.layers import web
from slimmeregio.layers.errors import ServiceUrlError

__all__ = ["PRESETS", "Background", "TileSource", "preset"]


@dataclass(frozen=True)
class TileSource:
    """Where a background map comes from.

    ``kind`` is ``xyz`` (``url`` a template with ``{z}``, ``{x}``, ``{y}``,
    web-mercator tiles) or ``wms`` (``url`` the service address, ``layers``
    the WMS layer names, asked in EPSG:31370). ``attribution`` is drawn on
    the canvas and on every export that shows the map.
    """

    key: str
    title: str
    kind: str
    url: str
    attribution: str
    layers: str = ""
    image_format: str = "image/png"
    min_zoom: int = 0
    max_zoom: int = 19

    def __post_init__(self) -> None:
        if self.kind not in ("xyz", "wms"):
            raise ServiceUrlError(
                url=self.url, reason={"nl": "onbekend soort kaart", "en": "unknown map kind"}
            )
        if self.kind == "xyz" and not all(part in self.url for part in ("{z}", "{x}", "{y}")):
            raise ServiceUrlError(
                url=self.url,
                reason={
                    "nl": "een XYZ-adres heeft {z}, {x} en {y}",
                    "en": "an XYZ address has {z}, {x} and {y}",
                },
            )
        if self.kind == "wms" and not self.layers.strip():
            raise ServiceUrlError(
                url=self.url, reason={"nl": "geen WMS-laag gekozen", "en": "no WMS layer chosen"}
            )
        web.check_url(self.url.replace("{", "").replace("}", ""))

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "url": self.url,
            "attribution": self.attribution,
            "layers": self.layers,
            "image_format": self.image_format,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TileSource:
        """The source saved by :meth:`to_dict` (checked again: a project file is untrusted)."""
        text = ("key", "title", "kind", "url", "attribution", "layers", "image_format")
        values: dict[str, Any] = {k: str(data[k]) for k in text if isinstance(data.get(k), str)}
        for k in ("min_zoom", "max_zoom"):
            if isinstance(data.get(k), int) and not isinstance(data.get(k), bool):
                values[k] = max(0, min(int(data[k]), 24))
        missing = [k for k in ("key", "title", "kind", "url") if k not in values]
        if missing:
            raise ServiceUrlError(
                url=str(data.get("url", "")),
                reason={"nl": "onvolledige kaartbeschrijving", "en": "incomplete map description"},
            )
        values.setdefault("attribution", "")
        return cls(**values)


@dataclass
class Background:
    """A background map of a project: its source, whether it is shown, its opacity.

    Saved with the project settings as plain data (:meth:`to_dict`); the
    tiles themselves never are (they are a view, not an input).
    """

    source: TileSource
    visible: bool = True
    opacity: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "visible": bool(self.visible),
            "opacity": float(self.opacity),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Background:
        """The background saved by :meth:`to_dict`; ServiceUrlError when damaged or unsafe."""
        if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
            raise ServiceUrlError(
                url="",
                reason={"nl": "onvolledige kaartbeschrijving", "en": "incomplete map description"},
            )
        opacity = data.get("opacity", 1.0)
        opacity = (
            float(opacity)
            if isinstance(opacity, int | float) and not isinstance(opacity, bool)
            else 1.0
        )
        return cls(
            source=TileSource.from_dict(data["source"]),
            visible=bool(data.get("visible", True)),
            opacity=min(max(opacity, 0.0), 1.0) if math.isfinite(opacity) else 1.0,
        )


def _osm() -> TileSource:
    import xyzservices.providers as xyz

    provider = xyz.OpenStreetMap.Mapnik
    return TileSource(
        key="osm",
        title="OpenStreetMap",
        kind="xyz",
        url=provider.build_url(),
        attribution=str(provider.get("attribution", "(C) OpenStreetMap contributors")),
        max_zoom=int(provider.get("max_zoom", 19)),
    )


_VL_ATTRIBUTION = "© Digitaal Vlaanderen (Informatie Vlaanderen), gebruiksvoorwaarden: modellicentie gratis hergebruik"


def _vl_wmts(key: str, title: str, service: str, layer: str, fmt: str) -> TileSource:
    # Informatie Vlaanderen's WMTS (capabilities:
    # https://geo.api.vlaanderen.be/<service>/wmts?request=GetCapabilities&service=WMTS)
    # serves the web-mercator grid as the tile matrix set "GoogleMapsVL".
    url = (
        f"https://geo.api.vlaanderen.be/{service}/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        f"&LAYER={layer}&STYLE=&FORMAT={fmt}&TILEMATRIXSET=GoogleMapsVL"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
    )
    return TileSource(
        key=key,
        title=title,
        kind="xyz",
        url=url,
        attribution=_VL_ATTRIBUTION,
        image_format=fmt,
        min_zoom=7,
        max_zoom=21,
    )


def _vl_wms(key: str, title: str, service: str, layer: str, fmt: str) -> TileSource:
    return TileSource(
        key=key,
        title=title,
        kind="wms",
        url=f"https://geo.api.vlaanderen.be/{service}/wms",
        layers=layer,
        attribution=_VL_ATTRIBUTION,
        image_format=fmt,
    )


def _presets() -> dict[str, TileSource]:
    sources = [
        _osm(),
        _vl_wmts("grb", "GRB basiskaart (WMTS)", "GRB", "grb_bsk", "image/png"),
        _vl_wmts("grb-grijs", "GRB basiskaart grijs (WMTS)", "GRB", "grb_bsk_grijs", "image/png"),
        _vl_wmts(
            "orthofoto", "Orthofoto Vlaanderen (WMTS)", "OMWRGBMRVL", "omwrgbmrvl", "image/jpeg"
        ),
        _vl_wms("grb-wms", "GRB basiskaart (WMS, Lambert 72)", "GRB", "GRB_BSK", "image/png"),
        _vl_wms(
            "orthofoto-wms",
            "Orthofoto Vlaanderen (WMS, Lambert 72)",
            "OMWRGBMRVL",
            "OMWRGBMRVL",
            "image/jpeg",
        ),
    ]
    return {s.key: s for s in sources}


#: The background maps offered by name (``key`` -> source).
PRESETS: dict[str, TileSource] = _presets()


def preset(key: str) -> TileSource:
    """The preset ``key`` (``osm``, ``grb``, ``grb-grijs``, ``orthofoto``,
    ``grb-wms``, ``orthofoto-wms``); KeyError names the known ones."""
    try:
        return PRESETS[key]
    except KeyError:
        raise KeyError(f"unknown background map {key!r}; known: {', '.join(PRESETS)}") from None
