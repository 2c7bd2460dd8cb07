"""An optional background map under a printed map, with its attribution.

Off by default: a pack without it is reproducible offline. When asked for,
the background is rendered for the map's extent (:func:`.tiles.render_view`,
from the tile cache or the network, with a timeout) and drawn under every
layer; its attribution joins the map's source line. Without a connection the
map is drawn without it and the source line says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.layers.tiles import Background, TileCache, render_view

__all__ = ["draw_background"]

#: Pixels per inch the background is fetched at (tiles are 256 px; more is
#: slower to fetch and no sharper).
_BACKGROUND_DPI = 150
_MAX_SIDE = 4096


def draw_background(
    ax: Any,
    background: Background,
    extent: Sequence[float],
    size_mm: tuple[float, float],
    meta: ExportMeta,
    *,
    cache: TileCache | None = None,
    timeout: float = 8.0,
) -> ExportMeta:
    """Draw ``background`` on ``ax`` for ``extent`` (Lambert 72) at the map's
    printed size ``size_mm``; ``meta`` with the attribution (or, in both
    languages, the note that the background was not available) added."""
    x0, y0, x1, y1 = (float(v) for v in extent)
    width = int(min(max(size_mm[0] / 25.4 * _BACKGROUND_DPI, 64), _MAX_SIDE))
    height = int(min(max(size_mm[1] / 25.4 * _BACKGROUND_DPI, 64), _MAX_SIDE))
    result = render_view(
        background.source,
        (x0, y0, x1, y1),
        width,
        height,
        cache=cache if cache is not None else TileCache(),
        timeout=timeout,
    )
    if result.error is not None and result.missing == result.tiles:
        title = background.source.title
        note = (
            f"Achtergrondkaart {title} niet beschikbaar (geen verbinding).",
            f"Background map {title} not available (no connection).",
        )
        return replace(meta, result_notes=(*meta.result_notes, note))
    ax.imshow(
        result.rgba,
        extent=(x0, x1, y0, y1),
        origin="upper",
        interpolation="bilinear",
        alpha=background.opacity,
        zorder=0.1,
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    attribution = background.source.attribution
    if attribution and attribution not in meta.attributions:
        return replace(meta, attributions=(*meta.attributions, attribution))
    return meta
