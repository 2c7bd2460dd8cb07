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

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.exporters._safe import check_overwrite, html_text, writing
from slimmeregio.exporters.headline import headline_threshold, share_key
from slimmeregio.exporters.map_flows import shared_flow_breaks
from slimmeregio.exporters.map_themes import class_label, class_labels
from slimmeregio.exporters.meta import ExportMeta, build_meta, tr
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import fmt_delta, fmt_number
from slimmeregio.layers.progress import Task
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import (
    ACCESS_CLASSES_MIN,
    ACCESS_COLORS,
    CHANGE_COLORS,
    FLOW_COLORS,
    HOPPIN_COLORS,
    LINK_CLASS_COLORS,
    UNREACHABLE_COLOR,
)

__all__ = ["MAIN_CLASSES", "export_webmap", "leaflet_assets", "webmap"]

from slimmeregio.exporters.webmap_layers import (
    BLANK_TILE,
    MAIN_CLASSES,
    WGS84,
    access_grid,
    add_geojson,
    change_grid,
    change_links,
    fill_style,
    flow_data,
    geojson,
    line_style,
    links_frame,
    mobipunt_data,
    network_data,
    point_style,
    project_points,
    site_names,
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
from slimmeregio.exporters.webmap_transit import stops_data, stops_legend


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


def _short(name: str, limit: int = 32) -> str:
    """A scenario name short enough for the layer switcher."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


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
    first = runs[0][1] if runs else base
    if meta is None:
        meta = build_meta(
            project,
            scenario=getattr(first, "scenario", None),
            parameters=getattr(first, "parameters", None),
            scenarios=[ev.scenario for _, ev, _ in runs],
            lang=lang,
        )
    meta = meta.with_results(base, *(ev for _, ev, _ in runs))
    params = getattr(first, "parameters", None)
    t = (
        float(threshold)
        if threshold is not None
        else _middle(params.bike_thresholds_min if params else (), 10.0)
    )
    base_name = tr(lang, "basis", "base")
    munis_layer = project.layers.first(Role.MUNICIPALITIES)
    bounds_layers = [lay for lay in project.layers if not lay.is_raster and len(lay)]
    if munis_layer is not None:
        bounds_layers = [munis_layer]
    if not bounds_layers:
        raise ExportError(
            path="webkaart",
            reason={"nl": "het project heeft geen lagen", "en": "the project has no layers"},
        )
    b = np.array([lay.bounds for lay in bounds_layers])
    box = (
        gpd.GeoSeries(
            [shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())],
            crs="EPSG:31370",
        )
        .to_crs(WGS84)
        .total_bounds
    )
    fmap = folium.Map(
        location=[(box[1] + box[3]) / 2, (box[0] + box[2]) / 2],
        zoom_start=11,
        tiles=None,
        control_scale=False,
        prefer_canvas=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    _inline_leaflet(fmap)
    fmap.fit_bounds([[box[1], box[0]], [box[3], box[2]]])
    folium.TileLayer(
        "OpenStreetMap",
        name=tr(lang, "Achtergrond: OpenStreetMap (online)", "Background: OpenStreetMap (online)"),
        overlay=False,
        control=True,
        show=True,
    ).add_to(fmap)
    folium.TileLayer(
        BLANK_TILE,
        attr="Slimme Regio Planner",
        name=tr(lang, "Geen achtergrond (offline)", "No background (offline)"),
        overlay=False,
        control=True,
        show=False,
    ).add_to(fmap)
    legend: list[tuple[str, list[tuple[str, str, str]]]] = []
    task.report(0.05, "municipalities")
    # -- context: municipalities and Brussels
    if munis_layer is not None:
        mframe = munis_layer.frame.copy()
        mframe["naam_"] = (
            munis_layer.column("name").astype(str) if munis_layer.has_field("name") else ""
        )
        mframe["nis_"] = (
            munis_layer.column("nis").astype(str) if munis_layer.has_field("nis") else ""
        )
        mframe["inw_"] = (
            munis_layer.column("population") if munis_layer.has_field("population") else np.nan
        )
        cols = {
            "naam_": tr(lang, "Gemeente", "Municipality"),
            "nis_": "NIS",
            "inw_": tr(lang, "Inwoners (Statbel)", "Inhabitants (Statbel)"),
        }
        thresholds = list(params.bike_thresholds_min) if params is not None else [t]
        for name, ev, comp in ([(base_name, base, None)] if base is not None else []) + runs:
            if ev is None:
                continue
            table = ev.municipalities.set_index(ev.municipalities["nis"].astype(str))
            before = (
                comp.base.municipalities.set_index(comp.base.municipalities["nis"].astype(str))
                if comp is not None
                else None
            )
            for t_ in thresholds:  # every threshold: gains show where they happen
                key = share_key(t_)
                if key not in table.columns:
                    continue
                col = f"v_{len(cols)}"
                texts = []
                for n in mframe["nis_"]:
                    value = table[key].get(n, np.nan)
                    text = fmt_number(value, "%", lang)
                    if before is not None and key in before.columns:
                        text += f" ({fmt_delta(value, before[key].get(n, np.nan), '%', lang)})"
                    texts.append(text)
                mframe[col] = texts
                cols[col] = tr(
                    lang,
                    f"Woningen ≤ {t_:g} min van mobipunt ({name})",
                    f"Dwellings ≤ {t_:g} min from a hub ({name})",
                )
        mframe["_style"] = "#ffffff|#555555|0.05"
        group = folium.FeatureGroup(name=tr(lang, "Gemeenten", "Municipalities"), show=True)
        add_geojson(group, geojson(mframe, cols, simplify=10.0, lang=lang), fill_style)
        group.add_to(fmap)
        names = folium.FeatureGroup(name=tr(lang, "Gemeentenamen", "Municipality names"), show=True)
        spots = gpd.GeoSeries(mframe.geometry.representative_point(), crs=mframe.crs).to_crs(WGS84)
        for label, spot in zip(
            mframe["naam_"], spots, strict=True
        ):  # text over the map, never clickable
            if label and spot is not None and not spot.is_empty:
                folium.Marker(
                    [spot.y, spot.x],
                    interactive=False,
                    icon=folium.DivIcon(
                        html=f'<div class="srp-muni">{html_text(label)}</div>',
                        icon_size=(0, 0),
                        icon_anchor=(0, 0),
                        class_name="srp-muni-icon",
                    ),
                ).add_to(names)
        names.add_to(fmap)
    for layer in project.layers:
        if layer.role == Role.OTHER and not layer.is_raster and "brussel" in layer.name.lower():
            bframe = layer.frame.copy()
            bframe["_style"] = "#d6d2c8|#8d877a|0.6"
            bframe["naam_"] = bframe["naam"] if "naam" in bframe.columns else layer.name
            group = folium.FeatureGroup(
                name=tr(lang, "Brussels Hoofdstedelijk Gewest", "Brussels-Capital Region"),
                show=True,
            )
            add_geojson(
                group,
                geojson(bframe, {"naam_": tr(lang, "Naam", "Name")}, simplify=10.0, lang=lang),
                fill_style,
            )
            group.add_to(fmap)
            break
    task.report(0.2, "network")
    # -- the network (base) and the scenario changes
    base_links = links_frame(base, project)
    group = folium.FeatureGroup(
        name=tr(
            lang,
            "Fietsnetwerk (bovenlokaal en fietssnelwegen)",
            "Bike network (supra-local routes and cycle highways)",
        ),
        show=True,
    )
    add_geojson(group, network_data(base_links, lang), line_style)
    group.add_to(fmap)
    legend.append(
        (
            tr(lang, "Fietsnetwerk", "Bike network"),
            [(class_label(c, lang), LINK_CLASS_COLORS[c], "line") for c in MAIN_CLASSES],
        )
    )
    flow_sources = ([(base_name, base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    flow_layers = (
        (
            "flow_dwellings",
            ("Potentiële fietsstromen naar het station", "Potential bike flows to the station"),
            ("Fietsstromen (woningen per link)", "Bike flows (dwellings per link)"),
        ),
        (
            "flow_brussels_dwellings",
            (
                "Potentiële fietsstromen naar de Brusselse grens",
                "Potential bike flows to the Brussels border",
            ),
            (
                "Fietsstromen naar Brussel (woningen per link)",
                "Bike flows to Brussels (dwellings per link)",
            ),
        ),
        (
            "flow_bike_commuters",
            (
                "Fietsroutes naar het werk (potentiële fietspendelaars)",
                "Bike routes to work (potential bike commuters)",
            ),
            ("Fietspendelaars per link (Go Dutch)", "Bike commuters per link (Go Dutch)"),
        ),
    )
    for column, (title_nl, title_en), (legend_nl, legend_en) in flow_layers:
        breaks = shared_flow_breaks(
            [ev for _, ev in flow_sources], column
        )  # the same classes for every run
        for name, flow_source in flow_sources:  # every scenario's flows, one layer each
            if flow_source is None or column not in flow_source.links.columns or not breaks:
                continue
            data, _ = flow_data(flow_source.links, lang, column, breaks)
            if not data["features"]:
                continue
            group = folium.FeatureGroup(
                name=html_text(
                    tr(lang, f"{title_nl} ({_short(name)})", f"{title_en} ({_short(name)})")
                ),
                show=False,
            )
            add_geojson(group, data, line_style)
            group.add_to(fmap)
        if breaks:
            labels = [
                *(f"{a:g}–{b2:g}" for a, b2 in zip(breaks, breaks[1:], strict=False)),
                f"> {breaks[-1]:g}",
            ]
            colors = list(FLOW_COLORS[-(len(breaks) + 1) :])[1:]
            shown = [(lab, c, "line") for lab, c in zip(labels, colors, strict=True)][
                1 if len(breaks) > 1 else 0 :
            ]
            legend.append((tr(lang, legend_nl, legend_en), shown))
    task.report(0.4, "housing")
    # -- housing access per scenario (toggle to compare)
    evaluations = ([(base_name, base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]
    # the scenario selector shows one run at a time: its housing, hubs and changes
    selectable: dict[str, list[str]] = {name: [] for name, _ in evaluations}
    shown_run = (
        evaluations[-1][0] if evaluations else ""
    )  # the last scenario first (the base when alone)
    for name, ev in evaluations:
        task.check()
        group = folium.FeatureGroup(
            name=html_text(
                tr(
                    lang,
                    f"Woningen: fietstijd tot mobipunt ({_short(name)})",
                    f"Dwellings: cycling time to a hub ({_short(name)})",
                )
            ),
            show=(name == shown_run),
        )
        add_geojson(group, access_grid(ev, t, cell_m, lang), fill_style)
        group.add_to(fmap)
        selectable[name].append(group.get_name())
    legend.append(
        (
            tr(
                lang,
                f"Woningen (vakken van {cell_m:g} m): gemiddelde fietstijd tot mobipunt",
                f"Dwellings ({cell_m:g} m squares): mean cycling time to a mobility hub",
            ),
            [
                (lab, c, "box")
                for lab, c in zip(
                    class_labels(ACCESS_CLASSES_MIN, " min"), ACCESS_COLORS, strict=True
                )
            ]
            + [
                (
                    tr(lang, "niet bereikbaar via het netwerk", "not reachable over the network"),
                    UNREACHABLE_COLOR,
                    "box",
                )
            ],
        )
    )
    task.report(0.6, "mobipunten")
    hubs = tr(lang, "Mobipunten", "Mobility hubs")
    for name, ev in evaluations:
        group = folium.FeatureGroup(
            name=html_text(f"{hubs} ({_short(name)})"), show=(name == shown_run)
        )
        add_geojson(group, mobipunt_data(ev.mobipunten, lang), point_style, point_radius=6)
        group.add_to(fmap)
        selectable[name].append(group.get_name())
    if not evaluations:
        frame = project_points(
            project,
            Role.MOBIPUNTEN,
            {"id": "mobipunt_id", "name": "name", "hoppin_type": "hoppin_type", "offer": "offer"},
        )
        if frame is not None:
            group = folium.FeatureGroup(name=hubs, show=True)
            add_geojson(group, mobipunt_data(frame, lang), point_style, point_radius=6)
            group.add_to(fmap)
    legend.append((hubs, [(hoppin_type(t_, lang), c, "dot") for t_, c in HOPPIN_COLORS.items()]))
    stations = project_points(
        project,
        Role.STATIONS,
        {
            "name": tr(lang, "Naam", "Name"),
            "trains_per_day": tr(lang, "Treinen per dag", "Trains per day"),
        },
    )
    if stations is not None:
        stations["_style"] = "#212121|4"
        group = folium.FeatureGroup(name=tr(lang, "Treinstations", "Railway stations"), show=True)
        add_geojson(
            group,
            geojson(
                stations,
                {c: c for c in stations.columns if c not in ("geometry", "_style")},
                lang=lang,
            ),
            point_style,
            point_radius=4,
        )
        group.add_to(fmap)
        legend[-1][1].append((tr(lang, "treinstation", "railway station"), "#212121", "dot"))
    pt_runs = [(name, ev) for name, ev in evaluations if getattr(ev, "pt_stops", None) is not None]
    for name, ev in pt_runs:  # public transport stops, when the project has a stops layer
        group = folium.FeatureGroup(
            name=html_text(
                tr(lang, f"OV-haltes ({_short(name)})", f"Public transport stops ({_short(name)})")
            ),
            show=(name == shown_run),
        )
        add_geojson(group, stops_data(ev, lang), point_style, point_radius=4)
        group.add_to(fmap)
        selectable[name].append(group.get_name())
    if pt_runs:
        legend.append(stops_legend(pt_runs[-1][1], lang))
    task.report(0.75, "changes")
    change_items: list[tuple[str, str, str]] = []
    for name, ev, comp in runs:
        task.check()
        group = folium.FeatureGroup(
            name=html_text(tr(lang, "Wijzigingen", "Changes") + f": {_short(name)}"),
            show=(name == shown_run),
        )
        add_geojson(group, change_links(ev, lang), line_style)
        add_geojson(
            group,
            mobipunt_data(ev.mobipunten, lang, only_changes=True),
            point_style,
            point_radius=9,
        )
        group.add_to(fmap)
        selectable.setdefault(name, []).append(group.get_name())
        if (
            comp is not None
        ):  # at the threshold where this scenario changes most (unless one was asked for)
            tc = float(threshold) if threshold is not None else headline_threshold(comp)
            group = folium.FeatureGroup(
                name=html_text(
                    tr(
                        lang,
                        f"Winst en verlies aan toegang ≤ {tc:g} min (grootste verandering): {_short(name)}",
                        f"Access gained and lost ≤ {tc:g} min (largest change): {_short(name)}",
                    )
                ),
                show=False,
            )
            add_geojson(group, change_grid(comp, tc, min(cell_m, 250.0), lang), fill_style)
            group.add_to(fmap)
    if runs:
        change_items = [
            (tr(lang, "verbinding toegevoegd", "link added"), CHANGE_COLORS["added"], "line"),
            (
                tr(lang, "verbinding opgewaardeerd", "link upgraded"),
                CHANGE_COLORS["upgraded"],
                "line",
            ),
            (tr(lang, "verbinding afgesloten", "link closed"), CHANGE_COLORS["removed"], "dash"),
            (
                tr(lang, "mobipunt nieuw of verplaatst", "hub added or moved"),
                CHANGE_COLORS["added"],
                "dot",
            ),
            (
                tr(
                    lang,
                    "woningen nu binnen de drempel (winst)",
                    "dwellings now within the threshold (gain)",
                ),
                CHANGE_COLORS["gain"],
                "box",
            ),
            (
                tr(
                    lang,
                    "woningen niet meer binnen de drempel (verlies)",
                    "dwellings no longer within the threshold (loss)",
                ),
                CHANGE_COLORS["loss"],
                "box",
            ),
        ]
        legend.append(
            (
                tr(lang, "Wijzigingen door het scenario", "Changes made by the scenario"),
                change_items,
            )
        )
    if siting is not None and len(siting.sites):
        sites = siting.sites.copy()
        sites["_style"] = f"{CHANGE_COLORS['added']}|10"
        start = runs[-1][0] if runs else base_name
        group = folium.FeatureGroup(
            name=html_text(
                tr(
                    lang,
                    f"Voorgestelde locaties voor mobipunten (vertrekt van: {_short(start)})",
                    f"Suggested mobility hub sites (starting from: {_short(start)})",
                )
            ),
            show=True,
        )
        cols = {
            "rank": tr(lang, "Volgorde", "Rank"),
            "name": tr(lang, "Naam", "Name"),
            "gain_dwellings": tr(
                lang, "Extra woningen binnen bereik", "Extra dwellings within reach"
            ),
            "municipality": tr(lang, "Gemeente", "Municipality"),
        }
        sites["name"] = site_names(sites, lang)
        sites["_style"] = "#222222|4"
        add_geojson(group, geojson(sites, cols, lang=lang), point_style, point_radius=4)
        # a numbered white diamond (never a dot like a mobipunt) with the site's name beside it (escaped)
        wgs = sites.to_crs(WGS84)
        for rank, label, geom in zip(wgs["rank"], wgs["name"], wgs.geometry, strict=True):
            icon = folium.DivIcon(
                html=(
                    f'<div class="srp-site"><span>{int(rank)}</span></div>'
                    f'<div class="srp-site-name">{html_text(label)}</div>'
                ),
                icon_size=(22, 22),
                icon_anchor=(11, 11),
            )
            folium.Marker([geom.y, geom.x], icon=icon, interactive=False).add_to(group)
        group.add_to(fmap)
        legend.append(
            (
                tr(lang, "Locatievoorstel", "Site suggestions"),
                [
                    (
                        tr(lang, "voorgestelde locatie (volgorde)", "suggested site (order)"),
                        "#222222",
                        "diamond",
                    )
                ],
            )
        )
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
    root.html.add_child(Element(legend_html(legend, lang)))  # type: ignore[attr-defined]
    root.script.add_child(Element(popup_clear_script(fmap.get_name())))  # type: ignore[attr-defined]
    if len(selectable) > 1:
        root.html.add_child(Element(selector_html(selectable, shown_run, lang)))  # type: ignore[attr-defined]
        root.script.add_child(Element(selector_script(selectable, fmap.get_name())))  # type: ignore[attr-defined]
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
