"""The web map's frame and context: the page being built, the folium map fitted to the region with its backgrounds, the municipalities with their access shares and names, and Brussels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.exporters._safe import html_text
from slimmeregio.exporters.headline import share_key
from slimmeregio.exporters.result_runs import Run
from slimmeregio.exporters.webmap_layers import BLANK_TILE, WGS84, add_geojson, fill_style, geojson
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.numbers import fmt_delta, fmt_number
from slimmeregio.layers.roles import Role

#: A legend section: its heading and its items (label, colour, symbol).
LegendSection = tuple[str, list[tuple[str, str, str]]]


@dataclass
class WebPage:
    """The web map being built: the folium map, its legend, and the layers the
    scenario selector switches per run (the run ``shown_run`` on at first)."""

    fmap: Any
    lang: str
    shown_run: str = ""
    legend: list[LegendSection] = field(default_factory=list)
    selectable: dict[str, list[str]] = field(default_factory=dict)

    def group(self, name: str, *, show: bool) -> Any:
        """A new layer group named ``name`` (escaped)."""
        import folium

        return folium.FeatureGroup(name=html_text(name), show=show)

    def add(self, group: Any, run: str | None = None) -> None:
        """Put ``group`` on the map; with ``run``, the selector switches it with that run."""
        group.add_to(self.fmap)
        if run is not None:
            self.selectable.setdefault(run, []).append(group.get_name())


def short_name(name: str, limit: int = 32) -> str:
    """A scenario name short enough for the layer switcher."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _region_box(project: Project, munis_layer: Layer | None) -> Any:
    """The region's bounds in WGS84: the municipalities, else every vector layer."""
    bounds_layers = [lay for lay in project.layers if not lay.is_raster and len(lay)]
    if munis_layer is not None:
        bounds_layers = [munis_layer]
    if not bounds_layers:
        raise ExportError(
            path="webkaart",
            reason={"nl": "het project heeft geen lagen", "en": "the project has no layers"},
        )
    b = np.array([lay.bounds for lay in bounds_layers])
    return (
        gpd.GeoSeries(
            [shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())],
            crs="EPSG:31370",
        )
        .to_crs(WGS84)
        .total_bounds
    )


def new_map(project: Project, lang: str, inline: Any) -> Any:
    """The folium map fitted to the region, Leaflet inlined by ``inline``, with
    the OpenStreetMap background (online) and a plain one (offline)."""
    import folium

    box = _region_box(project, project.layers.first(Role.MUNICIPALITIES))
    fmap = folium.Map(
        location=[(box[1] + box[3]) / 2, (box[0] + box[2]) / 2],
        zoom_start=11,
        tiles=None,
        control_scale=False,
        prefer_canvas=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    inline(fmap)
    fmap.fit_bounds([[box[1], box[0]], [box[3], box[2]]])
    folium.TileLayer(
        "OpenStreetMap",
        name=tr(lang, "Achtergrond: OpenStreetMap (online)"),
        overlay=False,
        control=True,
        show=True,
    ).add_to(fmap)
    folium.TileLayer(
        BLANK_TILE,
        attr="Slimme Regio Planner",
        name=tr(lang, "Geen achtergrond (offline)"),
        overlay=False,
        control=True,
        show=False,
    ).add_to(fmap)
    return fmap


def _share_columns(
    mframe: gpd.GeoDataFrame,
    cols: dict[str, str],
    runs: list[Run],
    thresholds: list[float],
    lang: str,
) -> None:
    """Add each run's access share per threshold (with its change) as popup columns."""
    for name, ev, comp in runs:
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
            cols[col] = tr(lang, "Woningen ≤ {t_:g} min van mobipunt ({name})").format(
                t_=t_, name=name
            )


def municipality_layers(
    page: WebPage, project: Project, runs: list[Run], thresholds: list[float]
) -> None:
    """The municipalities (popups with every run's access shares) and their names."""
    import folium

    lang = page.lang
    munis_layer = project.layers.first(Role.MUNICIPALITIES)
    if munis_layer is None:
        return
    mframe = munis_layer.frame.copy()
    mframe["naam_"] = (
        munis_layer.column("name").astype(str) if munis_layer.has_field("name") else ""
    )
    mframe["nis_"] = munis_layer.column("nis").astype(str) if munis_layer.has_field("nis") else ""
    mframe["inw_"] = (
        munis_layer.column("population") if munis_layer.has_field("population") else np.nan
    )
    cols = {
        "naam_": tr(lang, "Gemeente"),
        "nis_": "NIS",
        "inw_": tr(lang, "Inwoners (Statbel)"),
    }
    _share_columns(mframe, cols, runs, thresholds, lang)
    mframe["_style"] = "#ffffff|#555555|0.05"
    group = folium.FeatureGroup(name=tr(lang, "Gemeenten"), show=True)
    add_geojson(group, geojson(mframe, cols, simplify=10.0, lang=lang), fill_style)
    page.add(group)
    names = folium.FeatureGroup(name=tr(lang, "Gemeentenamen"), show=True)
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
    page.add(names)


def brussels_layer(page: WebPage, project: Project) -> None:
    """The Brussels-Capital Region, from the first layer named after Brussels."""
    import folium

    lang = page.lang
    for layer in project.layers:
        if layer.role == Role.OTHER and not layer.is_raster and "brussel" in layer.name.lower():
            bframe = layer.frame.copy()
            bframe["_style"] = "#d6d2c8|#8d877a|0.6"
            bframe["naam_"] = bframe["naam"] if "naam" in bframe.columns else layer.name
            group = folium.FeatureGroup(
                name=tr(lang, "Brussels Hoofdstedelijk Gewest"),
                show=True,
            )
            add_geojson(
                group,
                geojson(bframe, {"naam_": tr(lang, "Naam")}, simplify=10.0, lang=lang),
                fill_style,
            )
            page.add(group)
            return
