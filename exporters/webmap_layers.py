"""Web-map layers: result frames as GeoJSON with their styles and popups (housing grid, network, flows, hubs, changes)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.exporters._safe import html_text
from slimmeregio.exporters.map_flows import flow_breaks
from slimmeregio.exporters.map_themes import class_label
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import fmt_number
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

#: Link classes drawn on the web map (plus every changed link).
MAIN_CLASSES = ("fietssnelweg", "bovenlokaal")
WGS84 = "EPSG:4326"
BLANK_TILE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def _esc(value: Any, lang: str = "nl") -> str:
    """Text for the page: numbers in the reader's notation, everything escaped."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(float(value)):
            return ""
        number = float(value)
        return html_text(fmt_number(number, "", lang, digits=1 if abs(number) < 100 else 0))
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return html_text(fmt_number(int(value), "count", lang))
    return html_text(value)


def geojson(
    frame: gpd.GeoDataFrame, columns: dict[str, str], *, simplify: float = 0.0, lang: str = "nl"
) -> dict[str, Any]:
    """GeoJSON (WGS84) with escaped text properties.

    ``columns`` maps source columns to display names. Property keys are
    plain identifiers (``p0``, ``p1`` ...; folium writes them into its
    JavaScript unquoted), the escaped display names travel in ``_aliases``
    (removed again by :func:`add_geojson`). A ``_style`` property carries
    what the style function needs.
    """
    frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]
    geoms = frame.geometry
    if simplify > 0:
        geoms = geoms.simplify(simplify, preserve_topology=True)
    wgs = gpd.GeoSeries(geoms.values, crs=frame.crs).to_crs(WGS84)
    rounded = shapely.set_precision(wgs.values, 1e-5)
    keys = {column: f"p{i}" for i, column in enumerate(columns)}
    features = []
    style = frame["_style"].tolist() if "_style" in frame.columns else [""] * len(frame)
    table = frame[list(columns)].copy()
    for column in table.columns:  # identifiers read as written (no thousands separator)
        if str(column).endswith("_id") and table[column].dtype.kind in "iu":
            table[column] = table[column].astype(str)
    records = table.to_dict("records") if columns else [{} for _ in range(len(frame))]
    for i, (geom, record, st) in enumerate(zip(rounded, records, style, strict=True)):
        if geom is None or geom.is_empty:
            continue
        props = {keys[k]: _esc(v, lang) for k, v in record.items()}
        props["_style"] = st
        # a numeric id lets folium key its style table on feature.id
        features.append(
            {
                "type": "Feature",
                "id": i,
                "geometry": shapely.geometry.mapping(geom),
                "properties": props,
            }
        )
    aliases = [html_text(columns[c]) for c in columns]
    return {"type": "FeatureCollection", "features": features, "_aliases": aliases}


def add_geojson(
    group: Any, data: dict[str, Any], style: Any, *, point_radius: float | None = None
) -> None:
    import folium

    aliases = data.pop("_aliases", [])
    if not data["features"]:
        return
    fields = [f"p{i}" for i in range(len(aliases))]
    kwargs: dict[str, Any] = {}
    if point_radius is not None:
        kwargs["marker"] = folium.CircleMarker(
            radius=point_radius, weight=1, fill=True, fill_opacity=0.9
        )
    folium.GeoJson(
        data,
        style_function=style,
        popup=folium.GeoJsonPopup(fields=fields, aliases=aliases, localize=False, labels=True)
        if fields
        else None,
        **kwargs,
    ).add_to(group)


def line_style(feature: dict[str, Any]) -> dict[str, Any]:
    color, weight, dash = (feature["properties"].get("_style") or "#888888|2|").split("|")
    return {"color": color, "weight": float(weight), "opacity": 0.95, "dashArray": dash or None}


def point_style(feature: dict[str, Any]) -> dict[str, Any]:
    color, radius = (feature["properties"].get("_style") or "#1976d2|6").split("|")
    return {
        "color": "#ffffff",
        "fillColor": color,
        "radius": float(radius),
        "weight": 1,
        "fillOpacity": 0.95,
    }


def fill_style(feature: dict[str, Any]) -> dict[str, Any]:
    fill, line, opacity = (feature["properties"].get("_style") or "#cccccc|#666666|0.6").split("|")
    return {
        "fillColor": fill,
        "color": line,
        "weight": 0.6 if line != "none" else 0,
        "fillOpacity": float(opacity),
    }


def links_frame(evaluation: Any, project: Project) -> gpd.GeoDataFrame:
    if evaluation is not None:
        return evaluation.links
    layer = project.layers.first(Role.BIKE_NETWORK)
    if layer is None:
        return gpd.GeoDataFrame({"link_class": []}, geometry=[], crs="EPSG:31370")
    frame = layer.frame
    out = gpd.GeoDataFrame(geometry=frame.geometry, crs=frame.crs)
    out["link_class"] = (
        layer.column("link_class").astype(str) if layer.has_field("link_class") else "lokaal"
    )
    out["link_id"] = layer.column("id") if layer.has_field("id") else frame.index
    out["name"] = layer.column("name") if layer.has_field("name") else ""
    out["change"] = ""
    out["flow_dwellings"] = np.nan
    return out


def network_data(links: gpd.GeoDataFrame, lang: str) -> dict[str, Any]:
    main = links[links["link_class"].astype(str).isin(MAIN_CLASSES)].copy()
    main["_style"] = [
        f"{LINK_CLASS_COLORS.get(c, '#888888')}|{4 if c == 'fietssnelweg' else 2.5}|"
        for c in main["link_class"].astype(str)
    ]
    main["klasse"] = [class_label(c, lang) for c in main["link_class"].astype(str)]
    cols = {
        "link_id": tr(lang, "Link-id"),
        "klasse": tr(lang, "Klasse"),
        "name": tr(lang, "Naam"),
    }
    if "flow_dwellings" in main.columns and main["flow_dwellings"].notna().any():
        main["flow"] = main["flow_dwellings"].round().astype("Int64")
        cols["flow"] = tr(lang, "Potentiële fietsers (woningen)")
    return geojson(
        main, {k: v for k, v in cols.items() if k in main.columns}, simplify=5.0, lang=lang
    )


def flow_data(
    links: gpd.GeoDataFrame,
    lang: str,
    column: str = "flow_dwellings",
    breaks: Sequence[float] | None = None,
) -> tuple[dict[str, Any], list[float]]:
    if column not in links.columns:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}, []
    breaks = (
        list(breaks) if breaks is not None else flow_breaks(links[column].to_numpy(dtype=float))
    )
    if not breaks:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}, []
    cut = (
        breaks[1] if len(breaks) > 1 else breaks[0]
    )  # the upper half of the flows: keeps the file small
    part = links[links[column] > cut].copy()
    colors = list(FLOW_COLORS[-(len(breaks) + 1) :])
    idx = np.searchsorted(np.asarray(breaks), part[column].to_numpy(dtype=float), side="left")
    widths = np.linspace(2, 8, len(breaks) + 1)
    part["_style"] = [f"{colors[i]}|{widths[i]:.1f}|" for i in idx]
    part["flow"] = part[column].round().astype(int)
    part["klasse"] = [class_label(c, lang) for c in part["link_class"].astype(str)]
    cols = {
        "link_id": tr(lang, "Link-id"),
        "klasse": tr(lang, "Klasse"),
        "flow": tr(lang, "Potentiële fietsers (woningen)"),
    }
    return geojson(part, cols, simplify=5.0, lang=lang), breaks


def change_links(evaluation: Any, lang: str) -> dict[str, Any]:
    links = evaluation.links
    parts = []
    label = (
        {"added": "toegevoegd", "upgraded": "opgewaardeerd", "removed": "afgesloten"}
        if lang != "en"
        else {"added": "added", "upgraded": "upgraded", "removed": "closed"}
    )
    if "change" in links.columns:
        changed = links[links["change"].astype(str).isin(["added", "upgraded"])].copy()
        changed["_style"] = [f"{CHANGE_COLORS[c]}|6|" for c in changed["change"]]
        changed["wijziging"] = [label[c] for c in changed["change"]]
        parts.append(changed)
    removed = getattr(evaluation, "removed_links", None)
    if removed is not None and not removed.empty:
        rem = removed.copy()
        rem["_style"] = f"{CHANGE_COLORS['removed']}|5|8 6"
        rem["wijziging"] = label["removed"]
        parts.append(rem)
    if not parts:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}
    frame = gpd.GeoDataFrame(
        pd.concat(parts, ignore_index=True), geometry="geometry", crs=links.crs
    )
    frame["klasse"] = [class_label(str(c), lang) for c in frame["link_class"]]
    cols = {
        "wijziging": tr(lang, "Wijziging", context="delta"),
        "link_id": tr(lang, "Link-id"),
        "klasse": tr(lang, "Klasse"),
        "name": tr(lang, "Naam"),
    }
    return geojson(frame, cols, lang=lang)


def mobipunt_data(
    frame: gpd.GeoDataFrame, lang: str, *, only_changes: bool = False
) -> dict[str, Any]:
    frame = frame.copy()
    if only_changes:
        if "change" not in frame.columns:
            return {"type": "FeatureCollection", "features": [], "_aliases": []}
        frame = frame[frame["change"].astype(str).isin(["added", "moved"])]
    sizes = {"interregionaal": 10, "regionaal": 8, "lokaal": 7, "buurt": 6}
    types = (
        frame["hoppin_type"].astype(str)
        if "hoppin_type" in frame.columns
        else pd.Series("lokaal", index=frame.index)
    )
    frame["_style"] = [
        f"{CHANGE_COLORS['added'] if only_changes else HOPPIN_COLORS.get(t, '#1976d2')}|{sizes.get(t, 6) + (2 if only_changes else 0)}"
        for t in types
    ]
    if "hoppin_type" in frame.columns:
        frame["hoppin_type"] = [hoppin_type(t, lang) for t in frame["hoppin_type"].astype(str)]
    if "change" in frame.columns:
        names = (
            {"added": "nieuw", "moved": "verplaatst"}
            if lang != "en"
            else {"added": "new", "moved": "moved"}
        )
        frame["wijziging"] = frame["change"].astype(str).map(names).fillna("")
    cols = {
        "mobipunt_id": "Id",
        "name": tr(lang, "Naam"),
        "hoppin_type": "Type",
        "offer": tr(lang, "Aanbod"),
        "catchment_dwellings": tr(lang, "Woningen in verzorgingsgebied"),
        "wijziging": tr(lang, "Wijziging", context="delta"),
    }
    return geojson(frame, {k: v for k, v in cols.items() if k in frame.columns}, lang=lang)


def project_points(
    project: Project, role: Role, columns: dict[str, str]
) -> gpd.GeoDataFrame | None:
    layer = project.layers.first(role)
    if layer is None or layer.is_raster:
        return None
    out = gpd.GeoDataFrame(geometry=layer.frame.geometry, crs=layer.frame.crs)
    for key, name in columns.items():
        if layer.has_field(key):
            out[name] = layer.column(key).values
    return out


def _grid_cells(points: gpd.GeoDataFrame, cell: float) -> tuple[np.ndarray, np.ndarray]:
    xy = shapely.get_coordinates(shapely.centroid(points.geometry.to_numpy()))
    ix = np.floor(xy[:, 0] / cell).astype(np.int64)
    iy = np.floor(xy[:, 1] / cell).astype(np.int64)
    return ix, iy


def access_grid(evaluation: Any, threshold: float, cell: float, lang: str) -> dict[str, Any]:
    """Housing aggregated to ``cell`` m squares: dwellings and access per cell."""
    d = evaluation.dwellings
    if d.empty:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}
    ix, iy = _grid_cells(d, cell)
    minutes = d["bike_min_mobipunt"].to_numpy(dtype=float)
    w = d["dwellings"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "ix": ix,
            "iy": iy,
            "w": w,
            "within": np.where(np.nan_to_num(minutes, nan=1e9) <= threshold, w, 0.0),
            "wmin": np.nan_to_num(minutes, nan=0.0) * w,
            "wreach": np.where(np.isnan(minutes), 0.0, w),
        }
    )
    g = frame.groupby(["ix", "iy"], sort=False).sum().reset_index()
    g = g[g["w"] > 0]
    mean = np.where(g["wreach"] > 0, g["wmin"] / g["wreach"].where(g["wreach"] > 0, 1), np.nan)
    idx = np.searchsorted(np.asarray(ACCESS_CLASSES_MIN), mean, side="left")
    palette = [*ACCESS_COLORS]
    colors = [
        UNREACHABLE_COLOR if math.isnan(m) else palette[min(i, len(palette) - 1)]
        for m, i in zip(mean, idx, strict=True)
    ]
    geoms = shapely.box(g["ix"] * cell, g["iy"] * cell, (g["ix"] + 1) * cell, (g["iy"] + 1) * cell)
    out = gpd.GeoDataFrame(
        {
            "woningen": g["w"].round().astype(int).to_numpy(),
            "aandeel": [
                fmt_number(100 * a / b, "%", lang) for a, b in zip(g["within"], g["w"], strict=True)
            ],
            "gem": [fmt_number(m, "min", lang) for m in mean],
            "_style": [f"{c}|none|0.75" for c in colors],
        },
        geometry=geoms,
        crs=d.crs,
    )
    cols = {
        "woningen": tr(lang, "Woningen"),
        "aandeel": tr(lang, "Aandeel binnen {threshold:g} min fietsen").format(threshold=threshold),
        "gem": tr(lang, "Gemiddelde fietstijd tot mobipunt"),
    }
    return geojson(out, cols, lang=lang)


def change_grid(comparison: Any, threshold: float, cell: float, lang: str) -> dict[str, Any]:
    a = comparison.access_changes
    a = a[(a["threshold"] == threshold) & (a["target"] == "mobipunt") & (a["mode"] == "bike")]
    if a.empty:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}
    ix, iy = _grid_cells(a, cell)
    w = a["dwellings"].to_numpy(dtype=float)
    gain = np.where(a["change"].to_numpy() == "gain", w, 0.0)
    frame = pd.DataFrame({"ix": ix, "iy": iy, "gain": gain, "loss": w - gain})
    g = frame.groupby(["ix", "iy"], sort=False).sum().reset_index()
    net = g["gain"] - g["loss"]
    colors = np.where(net >= 0, CHANGE_COLORS["gain"], CHANGE_COLORS["loss"])
    geoms = shapely.box(g["ix"] * cell, g["iy"] * cell, (g["ix"] + 1) * cell, (g["iy"] + 1) * cell)
    out = gpd.GeoDataFrame(
        {
            "winst": g["gain"].round().astype(int).to_numpy(),
            "verlies": g["loss"].round().astype(int).to_numpy(),
            "_style": [f"{c}|{c}|0.7" for c in colors],
        },
        geometry=geoms,
        crs=a.crs,
    )
    cols = {
        "winst": tr(lang, "Woningen nu binnen {threshold:g} min").format(threshold=threshold),
        "verlies": tr(lang, "Woningen niet meer binnen {threshold:g} min").format(
            threshold=threshold
        ),
    }
    return geojson(out, cols, lang=lang)


def site_names(sites: gpd.GeoDataFrame, lang: str) -> list[str]:
    """A name for each suggested site: its own, else the municipality it lies in (a site is a network node)."""
    own = (
        sites["name"].fillna("").astype(str)
        if "name" in sites.columns
        else pd.Series("", index=sites.index)
    )
    where = (
        sites["municipality"].fillna("").astype(str)
        if "municipality" in sites.columns
        else pd.Series("", index=sites.index)
    )
    out = []
    for rank, name, place in zip(sites["rank"], own, where, strict=True):
        label = tr(lang, "Voorstel {v0}").format(v0=int(rank))
        out.append(name.strip() or (f"{label}: {place.strip()}" if place.strip() else label))
    return out
