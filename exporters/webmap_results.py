"""The web map's result layers: network, flows, housing access, mobipunten, stations, stops, changes and suggested sites, each with its legend entry."""

from __future__ import annotations

from typing import Any

from slimmeregio.exporters._safe import html_text
from slimmeregio.exporters.headline import headline_threshold
from slimmeregio.exporters.map_flows import shared_flow_breaks
from slimmeregio.exporters.map_themes import class_label, class_labels
from slimmeregio.exporters.result_runs import Run
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.exporters.webmap_context import WebPage, short_name
from slimmeregio.exporters.webmap_layers import (
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
from slimmeregio.exporters.webmap_transit import stops_data, stops_legend
from slimmeregio.layers import symbology
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.roles import Role

#: The flow layers: flow column, layer title and legend heading (Dutch, English).
#: Each flow layer: its column, title and legend title (Dutch; English in the catalogue).
_FLOW_LAYERS = (
    (
        "flow_dwellings",
        "Potentiële fietsstromen naar het station",
        "Fietsstromen (woningen per link)",
    ),
    (
        "flow_brussels_dwellings",
        "Potentiële fietsstromen naar de Brusselse grens",
        "Fietsstromen naar Brussel (woningen per link)",
    ),
    (
        "flow_bike_commuters",
        "Fietsroutes naar het werk (potentiële fietspendelaars)",
        "Fietspendelaars per link (Go Dutch)",
    ),
)


def network_layer(page: WebPage, project: Project, base: Any) -> None:
    """The base's main network (supra-local routes and cycle highways)."""
    import folium

    lang = page.lang
    group = folium.FeatureGroup(
        name=tr(lang, "Fietsnetwerk (bovenlokaal en fietssnelwegen)"),
        show=True,
    )
    add_geojson(group, network_data(links_frame(base, project), lang), line_style)
    page.add(group)
    page.legend.append(
        (
            tr(lang, "Fietsnetwerk"),
            [(class_label(c, lang), symbology.LINK_CLASS_COLORS[c], "line") for c in MAIN_CLASSES],
        )
    )


def flow_layers(page: WebPage, evaluations: list[tuple[str, Any]]) -> None:
    """Every run's potential flows, one layer per run and flow, in classes shared by all runs."""
    lang = page.lang
    for column, title, legend in _FLOW_LAYERS:
        breaks = shared_flow_breaks([ev for _, ev in evaluations], column)
        for name, flow_source in evaluations:
            if flow_source is None or column not in flow_source.links.columns or not breaks:
                continue
            data, _ = flow_data(flow_source.links, lang, column, breaks)
            if not data["features"]:
                continue
            short = short_name(name)
            group = page.group(f"{tr(lang, title)} ({short})", show=False)
            add_geojson(group, data, line_style)
            page.add(group)
        if breaks:
            labels = [
                *(f"{a:g}–{b2:g}" for a, b2 in zip(breaks, breaks[1:], strict=False)),
                f"> {breaks[-1]:g}",
            ]
            colors = list(symbology.FLOW_COLORS[-(len(breaks) + 1) :])[1:]
            shown = [(lab, c, "line") for lab, c in zip(labels, colors, strict=True)][
                1 if len(breaks) > 1 else 0 :
            ]
            page.legend.append((tr(lang, legend), shown))


def housing_layers(
    page: WebPage, evaluations: list[tuple[str, Any]], t: float, cell_m: float, task: Any
) -> None:
    """Each run's dwellings in grid cells by mean cycling time to a mobipunt."""
    lang = page.lang
    for name, ev in evaluations:
        task.check()
        group = page.group(
            tr(lang, "Woningen: fietstijd tot mobipunt ({v0})").format(v0=short_name(name)),
            show=(name == page.shown_run),
        )
        add_geojson(group, access_grid(ev, t, cell_m, lang), fill_style)
        page.add(group, name)
    classes = class_labels(symbology.ACCESS_CLASSES_MIN, " min")
    page.legend.append(
        (
            tr(
                lang, "Woningen (vakken van {cell_m:g} m): gemiddelde fietstijd tot mobipunt"
            ).format(cell_m=cell_m),
            [(lab, c, "box") for lab, c in zip(classes, symbology.ACCESS_COLORS, strict=True)]
            + [
                (
                    tr(lang, "niet bereikbaar via het netwerk"),
                    symbology.UNREACHABLE_COLOR,
                    "box",
                )
            ],
        )
    )


def hub_layers(page: WebPage, project: Project, evaluations: list[tuple[str, Any]]) -> None:
    """Each run's mobipunten (the project's without results), and the railway stations."""
    import folium

    lang = page.lang
    hubs = tr(lang, "Mobipunten")
    for name, ev in evaluations:
        group = page.group(f"{hubs} ({short_name(name)})", show=(name == page.shown_run))
        add_geojson(group, mobipunt_data(ev.mobipunten, lang), point_style, point_radius=6)
        page.add(group, name)
    if not evaluations:
        frame = project_points(
            project,
            Role.MOBIPUNTEN,
            {"id": "mobipunt_id", "name": "name", "hoppin_type": "hoppin_type", "offer": "offer"},
        )
        if frame is not None:
            group = folium.FeatureGroup(name=hubs, show=True)
            add_geojson(group, mobipunt_data(frame, lang), point_style, point_radius=6)
            page.add(group)
    items = [(hoppin_type(t_, lang), c, "dot") for t_, c in symbology.HOPPIN_COLORS.items()]
    page.legend.append((hubs, items))
    stations = project_points(
        project,
        Role.STATIONS,
        {
            "name": tr(lang, "Naam"),
            "trains_per_day": tr(lang, "Treinen per dag"),
        },
    )
    if stations is not None:
        stations["_style"] = "#212121|4"
        group = folium.FeatureGroup(name=tr(lang, "Treinstations"), show=True)
        columns = {c: c for c in stations.columns if c not in ("geometry", "_style")}
        add_geojson(group, geojson(stations, columns, lang=lang), point_style, point_radius=4)
        page.add(group)
        items.append((tr(lang, "treinstation"), "#212121", "dot"))


def stop_layers(page: WebPage, evaluations: list[tuple[str, Any]]) -> None:
    """Each run's public transport stops, when the project has a stops layer."""
    lang = page.lang
    pt_runs = [(name, ev) for name, ev in evaluations if getattr(ev, "pt_stops", None) is not None]
    for name, ev in pt_runs:
        short = short_name(name)
        group = page.group(
            tr(lang, "OV-haltes ({short})").format(short=short),
            show=(name == page.shown_run),
        )
        add_geojson(group, stops_data(ev, lang), point_style, point_radius=4)
        page.add(group, name)
    if pt_runs:
        page.legend.append(stops_legend(pt_runs[-1][1], lang))


def _change_items(lang: str) -> list[tuple[str, str, str]]:
    colors = symbology.CHANGE_COLORS
    return [
        (tr(lang, "verbinding toegevoegd"), colors["added"], "line"),
        (tr(lang, "verbinding opgewaardeerd"), colors["upgraded"], "line"),
        (tr(lang, "verbinding afgesloten"), colors["removed"], "dash"),
        (tr(lang, "mobipunt nieuw of verplaatst"), colors["added"], "dot"),
        (
            tr(lang, "woningen nu binnen de drempel (winst)"),
            colors["gain"],
            "box",
        ),
        (
            tr(lang, "woningen niet meer binnen de drempel (verlies)"),
            colors["loss"],
            "box",
        ),
    ]


def change_layers(
    page: WebPage, runs: list[Run], threshold: float | None, cell_m: float, task: Any
) -> None:
    """Each scenario's changed links and mobipunten, and where access is gained or lost."""
    lang = page.lang
    for name, ev, comp in runs:
        task.check()
        group = page.group(
            tr(lang, "Wijzigingen") + f": {short_name(name)}",
            show=(name == page.shown_run),
        )
        add_geojson(group, change_links(ev, lang), line_style)
        add_geojson(
            group,
            mobipunt_data(ev.mobipunten, lang, only_changes=True),
            point_style,
            point_radius=9,
        )
        page.add(group, name)
        if comp is not None:
            # at the threshold where this scenario changes most (unless one was asked for)
            tc = float(threshold) if threshold is not None else headline_threshold(comp)
            group = page.group(
                tr(
                    lang, "Winst en verlies aan toegang ≤ {tc:g} min (grootste verandering): {v1}"
                ).format(tc=tc, v1=short_name(name)),
                show=False,
            )
            add_geojson(group, change_grid(comp, tc, min(cell_m, 250.0), lang), fill_style)
            page.add(group)
    if runs:
        page.legend.append(
            (
                tr(lang, "Wijzigingen door het scenario"),
                _change_items(lang),
            )
        )


def site_layer(page: WebPage, siting: Any, start: str) -> None:
    """The suggested sites: numbered white diamonds with their names, and the situation they start from."""
    import folium

    lang = page.lang
    if siting is None or not len(siting.sites):
        return
    sites = siting.sites.copy()
    group = page.group(
        tr(lang, "Voorgestelde locaties voor mobipunten (vertrekt van: {v0})").format(
            v0=short_name(start)
        ),
        show=True,
    )
    cols = {
        "rank": tr(lang, "Volgorde"),
        "name": tr(lang, "Naam"),
        "gain_dwellings": tr(lang, "Extra woningen binnen bereik"),
        "municipality": tr(lang, "Gemeente"),
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
    page.add(group)
    page.legend.append(
        (
            tr(lang, "Locatievoorstel"),
            [
                (
                    tr(lang, "voorgestelde locatie (volgorde)"),
                    "#222222",
                    "diamond",
                )
            ],
        )
    )
