"""Where a service layer's snapshot came from: its provenance.

A layer read from a WFS or OGC API Features service is kept in the project
as a snapshot (its features); :class:`ServiceSource` records the service
address, the layer, the bounding box asked for, the server's title and when
the features were retrieved, so the layer can be refreshed on request and a
reader of the project knows what the numbers rest on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from slimmeregio.layers.i18n import tr

__all__ = ["SERVICE_KINDS", "ServiceSource"]

#: ``oapif``: OGC API - Features; ``wfs``: OGC Web Feature Service.
SERVICE_KINDS = ("oapif", "wfs")


@dataclass(frozen=True)
class ServiceSource:
    """Provenance of a service layer's snapshot.

    ``bbox`` is the area asked for in EPSG:31370 (None: the whole layer);
    ``retrieved`` an ISO 8601 UTC time; ``count`` the features retrieved.
    """

    url: str
    kind: str
    layer: str
    retrieved: str
    server_title: str = ""
    layer_title: str = ""
    bbox: tuple[float, float, float, float] | None = None
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "layer": self.layer,
            "retrieved": self.retrieved,
            "server_title": self.server_title,
            "layer_title": self.layer_title,
            "bbox": list(self.bbox) if self.bbox is not None else None,
            "count": int(self.count),
        }

    @classmethod
    def from_dict(cls, data: Any) -> ServiceSource | None:
        """The provenance saved by :meth:`to_dict`; None when it is damaged
        (a damaged provenance never stops a project from opening: the
        snapshot is still the data, it just cannot be refreshed)."""
        if not isinstance(data, dict):
            return None
        text = ("url", "kind", "layer", "retrieved", "server_title", "layer_title")
        if not all(isinstance(data.get(k, ""), str) for k in text):
            return None
        if data.get("kind") not in SERVICE_KINDS or not data.get("url") or not data.get("layer"):
            return None
        bbox = data.get("bbox")
        box: tuple[float, float, float, float] | None = None
        if (
            isinstance(bbox, list)
            and len(bbox) == 4
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in bbox
            )
        ):
            box = (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3]))
        count = data.get("count", 0)
        return cls(
            url=str(data["url"]),
            kind=str(data["kind"]),
            layer=str(data["layer"]),
            retrieved=str(data.get("retrieved", "")),
            server_title=str(data.get("server_title", "")),
            layer_title=str(data.get("layer_title", "")),
            bbox=box,
            count=int(count) if isinstance(count, int) and not isinstance(count, bool) else 0,
        )

    def describe(self, lang: str = "nl") -> str:
        """One line for the layer list, info output and export source lines."""
        return tr(
            lang,
            "{layer} uit {server} ({url}), opgehaald {retrieved}",
            layer=self.layer_title or self.layer,
            server=self.server_title or self.url,
            url=self.url,
            retrieved=self.retrieved,
        )
