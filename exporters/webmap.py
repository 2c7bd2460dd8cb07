"""The interactive web map: one self-contained HTML file (folium / Leaflet).

Layers of the base situation and of each scenario can be switched on and
off to compare them; changes (links added, closed, upgraded; mobipunten
added or moved; dwellings gaining or losing access) have their own layers;
every feature has a popup with its attributes; a legend and a title block
state scenario, date, tool version, sources and the illustrative-data note.

The page is self-contained: Leaflet (vendored under
``resources/vendor/leaflet``, BSD-2-Clause) is inlined, so the file opens
offline with every layer, the legend, the layer switcher and the popups. Only
the optional OpenStreetMap background needs internet; offline the map shows on
a plain light ground (or pick "Geen achtergrond" in the layer switcher).

Safety: every attribute value and every name taken from data is HTML-escaped
before it is placed in the page, so a feature called
``<script>alert(1)</script>`` shows as that text and never runs.

Size: the local street mesh is left out (only bovenlokaal routes and cycle
highways, plus every changed link), housing is aggregated to grid cells and
coordinates are rounded to about a metre, which keeps the regional map to a
few megabytes.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slimmeregio.exporters._safe import check_overwrite, html_text, writing
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import Task

__all__ = ["MAIN_CLASSES", "export_webmap", "leaflet_assets", "webmap"]

from slimmeregio.exporters.result_runs import results_meta
from slimmeregio.exporters.webmap_context import (
    WebPage,
    brussels_layer,
    municipality_layers,
    new_map,
)
from slimmeregio.exporters.webmap_layers import (
    MAIN_CLASSES,
)
from slimmeregio.exporters.webmap_page import (
    CSS,
    header_html,
    legend_html,
    popup_clear_script,
    selector_html,
    selector_script,
    sources_html,
)
from slimmeregio.exporters.webmap_results import (
    change_layers,
    flow_layers,
    housing_layers,
    hub_layers,
    network_layer,
    site_layer,
    stop_layers,
)


def leaflet_assets() -> tuple[str, str]:
    """The vendored Leaflet ``(javascript, css)`` for inlining in a page.

    The stylesheet's images (layer-switcher icon, default marker) become
    ``data:`` URIs, so the page needs no other file and no network.
    """
    from slimmeregio.resources import RESOURCES_DIR

    folder = RESOURCES_DIR / "vendor" / "leaflet"
    try:
        js = (folder / "leaflet.js").read_text(encoding="utf-8")
        css = (folder / "leaflet.css").read_text(encoding="utf-8")
    except OSError as error:  # a broken installation
        raise ExportError(
            path=str(folder),
            reason={
                "nl": "Leaflet ontbreekt in de installatie",
                "en": "Leaflet is missing from the installation",
            },
            detail=str(error),
        ) from error

    def inline(match: re.Match[str]) -> str:
        image = folder / "images" / match.group(1)
        if not image.is_file():
            return match.group(0)
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)
    # nothing in the code may end the inline <script> element early
    js = js.replace("</script", "<\\/script")
    return js, css


def _middle(values: Sequence[float], default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


def _inline_leaflet(fmap: Any) -> None:
    """Make ``fmap`` need nothing but the inlined Leaflet (no CDN, no jQuery/Bootstrap)."""
    from branca.element import Element

    js, css = leaflet_assets()
    fmap.default_js = []
    fmap.default_css = []
    header = fmap.get_root().header
    header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js_inline")


def _strip_external(element: Any) -> None:
    """Drop the CDN links any folium element asks for (the page carries Leaflet itself)."""
    if hasattr(element, "default_js"):
        element.default_js = []
        element.default_css = []
    for child in list(getattr(element, "_children", {}).values()):
        _strip_external(child)


def webmap(
    project: Project,
    results: Sequence[Any] = (),
    *,
    siting: Any = None,
    meta: ExportMeta | None = None,
    threshold: float | None = None,
    cell_m: float = 500.0,
    lang: str = "nl",
    progress: Any = None,
    cancel: Any = None,
) -> Any:
    """Build the folium ``Map`` for ``project`` and ``results``.

    ``results`` are comparisons and/or evaluations (as for the workbook).
    ``threshold`` is the cycling time (min) used for access shares and
    changes (default: the middle threshold); ``cell_m`` the housing grid;
    ``lang`` ``"nl"`` (default) or ``"en"`` for the page's texts.
    The map carries Leaflet inline and opens offline; the OpenStreetMap
    background is shown when online.
    """
    try:
        import folium
        from branca.element import Element
    except ImportError as error:  # pragma: no cover - folium is a core dependency
        raise ExportError(
            path="webkaart",
            reason={"nl": "folium is niet geïnstalleerd", "en": "folium is not installed"},
        ) from error
    from slimmeregio.exporters.result_runs import split_runs

    task = Task(progress, cancel)
    base, runs = split_runs(list(results))
    meta = results_meta(project, base, runs, meta, lang)
    first = runs[0][1] if runs else base
    params = getattr(first, "parameters", None)
    t = (
        float(threshold)
        if threshold is not None
        else _middle(params.bike_thresholds_min if params else (), 10.0)
    )
    base_name = tr(lang, "basis")
    evaluations = ([(base_name, base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    # the scenario selector shows one run at a time: its housing, hubs and changes
    page = WebPage(
        new_map(project, lang, _inline_leaflet),
        lang,
        shown_run=evaluations[-1][0] if evaluations else "",  # the last scenario first
        selectable={name: [] for name, _ in evaluations},
    )
    fmap = page.fmap
    task.report(0.05, "municipalities")
    thresholds = list(params.bike_thresholds_min) if params is not None else [t]
    base_run = [(base_name, base, None)] if base is not None else []
    municipality_layers(page, project, base_run + runs, thresholds)
    brussels_layer(page, project)
    task.report(0.2, "network")
    network_layer(page, project, base)
    flow_layers(page, evaluations)
    task.report(0.4, "housing")
    housing_layers(page, evaluations, t, cell_m, task)
    task.report(0.6, "mobipunten")
    hub_layers(page, project, evaluations)
    stop_layers(page, evaluations)
    task.report(0.75, "changes")
    change_layers(page, runs, threshold, cell_m, task)
    site_layer(page, siting, runs[-1][0] if runs else base_name)
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    # a metric scale only (Leaflet's default adds miles and feet)
    # (run after the page loaded: folium defines the map later in the same script)
    root_script = (
        f"window.addEventListener('load', function() {{ "
        f"L.control.scale({{imperial: false, metric: true}}).addTo({fmap.get_name()}); }});"
    )
    fmap.get_root().script.add_child(Element(root_script))  # type: ignore[attr-defined]
    _strip_external(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(CSS))  # type: ignore[attr-defined]
    root.html.add_child(Element(header_html(meta, [name for name, _, _ in runs], lang)))  # type: ignore[attr-defined]
    root.html.add_child(Element(legend_html(page.legend, lang)))  # type: ignore[attr-defined]
    root.script.add_child(Element(popup_clear_script(fmap.get_name())))  # type: ignore[attr-defined]
    if len(page.selectable) > 1:
        root.html.add_child(Element(selector_html(page.selectable, page.shown_run, lang)))  # type: ignore[attr-defined]
        root.script.add_child(Element(selector_script(page.selectable, fmap.get_name())))  # type: ignore[attr-defined]
    root.html.add_child(Element(sources_html(meta, lang)))  # type: ignore[attr-defined]
    root.title = html_text(meta.title)  # type: ignore[attr-defined]
    task.report(0.95, "map built")
    return fmap


def export_webmap(
    project: Project,
    results: Sequence[Any],
    path: str | Path,
    *,
    siting: Any = None,
    meta: ExportMeta | None = None,
    threshold: float | None = None,
    cell_m: float = 500.0,
    lang: str = "nl",
    force: bool = False,
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write the web map to ``path`` (``.html``), atomically.

    See :func:`webmap` for the content. An existing file is only replaced
    with ``force``.
    """
    check_overwrite(path, force)
    fmap = webmap(
        project,
        results,
        siting=siting,
        meta=meta,
        threshold=threshold,
        cell_m=cell_m,
        lang=lang,
        progress=progress,
        cancel=cancel,
    )
    page = fmap.get_root().render()
    with writing(path, force=force) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)
