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
import html
import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.exporters._safe import check_overwrite, writing
from slimmeregio.exporters.headline import headline_threshold, share_key
from slimmeregio.exporters.map_themes import _class_label, _flow_breaks, shared_flow_breaks
from slimmeregio.exporters.meta import ExportMeta, _tr, build_meta
from slimmeregio.exporters.numbers import fmt_delta, fmt_number
from slimmeregio.exporters.terms import hoppin_type
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Project
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

#: Link classes drawn on the web map (plus every changed link).
MAIN_CLASSES = ("fietssnelweg", "bovenlokaal")
_WGS84 = "EPSG:4326"
_BLANK_TILE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@lru_cache(maxsize=1)
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
        raise ExportError(path=str(folder), reason={"nl": "Leaflet ontbreekt in de installatie",
                                                    "en": "Leaflet is missing from the installation"},
                          detail=str(error)) from error

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


def _esc(value: Any, lang: str = "nl") -> str:
    """Text for the page: numbers in the reader's notation, everything escaped."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(float(value)):
            return ""
        number = float(value)
        return html.escape(fmt_number(number, "", lang, digits=1 if abs(number) < 100 else 0))
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return html.escape(fmt_number(int(value), "count", lang))
    return html.escape(str(value), quote=True)


def _geojson(frame: gpd.GeoDataFrame, columns: dict[str, str], *, simplify: float = 0.0,
             lang: str = "nl") -> dict[str, Any]:
    """GeoJSON (WGS84) with escaped text properties.

    ``columns`` maps source columns to display names. Property keys are
    plain identifiers (``p0``, ``p1`` ...; folium writes them into its
    JavaScript unquoted), the escaped display names travel in ``_aliases``
    (removed again by :func:`_add_geojson`). A ``_style`` property carries
    what the style function needs.
    """
    frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]
    geoms = frame.geometry
    if simplify > 0:
        geoms = geoms.simplify(simplify, preserve_topology=True)
    wgs = gpd.GeoSeries(geoms.values, crs=frame.crs).to_crs(_WGS84)
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
        features.append({"type": "Feature", "id": i, "geometry": shapely.geometry.mapping(geom), "properties": props})
    aliases = [html.escape(columns[c]) for c in columns]
    return {"type": "FeatureCollection", "features": features, "_aliases": aliases}


def _add_geojson(group: Any, data: dict[str, Any], style: Any, *, point_radius: float | None = None) -> None:
    import folium

    aliases = data.pop("_aliases", [])
    if not data["features"]:
        return
    fields = [f"p{i}" for i in range(len(aliases))]
    kwargs: dict[str, Any] = {}
    if point_radius is not None:
        kwargs["marker"] = folium.CircleMarker(radius=point_radius, weight=1, fill=True, fill_opacity=0.9)
    folium.GeoJson(
        data,
        style_function=style,
        popup=folium.GeoJsonPopup(fields=fields, aliases=aliases, localize=False, labels=True) if fields else None,
        **kwargs,
    ).add_to(group)


def _line_style(feature: dict[str, Any]) -> dict[str, Any]:
    color, weight, dash = (feature["properties"].get("_style") or "#888888|2|").split("|")
    return {"color": color, "weight": float(weight), "opacity": 0.95, "dashArray": dash or None}


def _point_style(feature: dict[str, Any]) -> dict[str, Any]:
    color, radius = (feature["properties"].get("_style") or "#1976d2|6").split("|")
    return {"color": "#ffffff", "fillColor": color, "radius": float(radius), "weight": 1, "fillOpacity": 0.95}


def _fill_style(feature: dict[str, Any]) -> dict[str, Any]:
    fill, line, opacity = (feature["properties"].get("_style") or "#cccccc|#666666|0.6").split("|")
    return {"fillColor": fill, "color": line, "weight": 0.6 if line != "none" else 0, "fillOpacity": float(opacity)}


def _links_frame(evaluation: Any, project: Project) -> gpd.GeoDataFrame:
    if evaluation is not None:
        return evaluation.links
    layer = project.layers.first(Role.BIKE_NETWORK)
    if layer is None:
        return gpd.GeoDataFrame({"link_class": []}, geometry=[], crs="EPSG:31370")
    frame = layer.frame
    out = gpd.GeoDataFrame(geometry=frame.geometry, crs=frame.crs)
    out["link_class"] = layer.column("link_class").astype(str) if layer.has_field("link_class") else "lokaal"
    out["link_id"] = layer.column("id") if layer.has_field("id") else frame.index
    out["name"] = layer.column("name") if layer.has_field("name") else ""
    out["change"] = ""
    out["flow_dwellings"] = np.nan
    return out


def _network_data(links: gpd.GeoDataFrame, lang: str) -> dict[str, Any]:
    main = links[links["link_class"].astype(str).isin(MAIN_CLASSES)].copy()
    main["_style"] = [
        f"{LINK_CLASS_COLORS.get(c, '#888888')}|{4 if c == 'fietssnelweg' else 2.5}|"
        for c in main["link_class"].astype(str)
    ]
    main["klasse"] = [_class_label(c, lang) for c in main["link_class"].astype(str)]
    cols = {"link_id": _tr(lang, "Link-id", "Link id"), "klasse": _tr(lang, "Klasse", "Class"),
            "name": _tr(lang, "Naam", "Name")}
    if "flow_dwellings" in main.columns and main["flow_dwellings"].notna().any():
        main["flow"] = main["flow_dwellings"].round().astype("Int64")
        cols["flow"] = _tr(lang, "Potentiële fietsers (woningen)", "Potential cyclists (dwellings)")
    return _geojson(main, {k: v for k, v in cols.items() if k in main.columns}, simplify=5.0, lang=lang)


def _flow_data(links: gpd.GeoDataFrame, lang: str, column: str = "flow_dwellings",
               breaks: Sequence[float] | None = None) -> tuple[dict[str, Any], list[float]]:
    if column not in links.columns:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}, []
    breaks = list(breaks) if breaks is not None else _flow_breaks(links[column].to_numpy(dtype=float))
    if not breaks:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}, []
    cut = breaks[1] if len(breaks) > 1 else breaks[0]  # the upper half of the flows: keeps the file small
    part = links[links[column] > cut].copy()
    colors = list(FLOW_COLORS[-(len(breaks) + 1):])
    idx = np.searchsorted(np.asarray(breaks), part[column].to_numpy(dtype=float), side="left")
    widths = np.linspace(2, 8, len(breaks) + 1)
    part["_style"] = [f"{colors[i]}|{widths[i]:.1f}|" for i in idx]
    part["flow"] = part[column].round().astype(int)
    part["klasse"] = [_class_label(c, lang) for c in part["link_class"].astype(str)]
    cols = {"link_id": _tr(lang, "Link-id", "Link id"), "klasse": _tr(lang, "Klasse", "Class"),
            "flow": _tr(lang, "Potentiële fietsers (woningen)", "Potential cyclists (dwellings)")}
    return _geojson(part, cols, simplify=5.0, lang=lang), breaks


def _change_links(evaluation: Any, lang: str) -> dict[str, Any]:
    links = evaluation.links
    parts = []
    label = ({"added": "toegevoegd", "upgraded": "opgewaardeerd", "removed": "afgesloten"} if lang != "en"
             else {"added": "added", "upgraded": "upgraded", "removed": "closed"})
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
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=links.crs)
    frame["klasse"] = [_class_label(str(c), lang) for c in frame["link_class"]]
    cols = {"wijziging": _tr(lang, "Wijziging", "Change"), "link_id": _tr(lang, "Link-id", "Link id"),
            "klasse": _tr(lang, "Klasse", "Class"), "name": _tr(lang, "Naam", "Name")}
    return _geojson(frame, cols, lang=lang)


def _mobipunt_data(frame: gpd.GeoDataFrame, lang: str, *, only_changes: bool = False) -> dict[str, Any]:
    frame = frame.copy()
    if only_changes:
        if "change" not in frame.columns:
            return {"type": "FeatureCollection", "features": [], "_aliases": []}
        frame = frame[frame["change"].astype(str).isin(["added", "moved"])]
    sizes = {"interregionaal": 10, "regionaal": 8, "lokaal": 7, "buurt": 6}
    types = frame["hoppin_type"].astype(str) if "hoppin_type" in frame.columns else pd.Series("lokaal", index=frame.index)
    frame["_style"] = [
        f"{CHANGE_COLORS['added'] if only_changes else HOPPIN_COLORS.get(t, '#1976d2')}|{sizes.get(t, 6) + (2 if only_changes else 0)}"
        for t in types
    ]
    if "hoppin_type" in frame.columns:
        frame["hoppin_type"] = [hoppin_type(t, lang) for t in frame["hoppin_type"].astype(str)]
    if "change" in frame.columns:
        names = {"added": "nieuw", "moved": "verplaatst"} if lang != "en" else {"added": "new", "moved": "moved"}
        frame["wijziging"] = frame["change"].astype(str).map(names).fillna("")
    cols = {"mobipunt_id": "Id", "name": _tr(lang, "Naam", "Name"), "hoppin_type": "Type",
            "offer": _tr(lang, "Aanbod", "Services"),
            "catchment_dwellings": _tr(lang, "Woningen in verzorgingsgebied", "Dwellings in catchment"),
            "wijziging": _tr(lang, "Wijziging", "Change")}
    return _geojson(frame, {k: v for k, v in cols.items() if k in frame.columns}, lang=lang)


def _project_points(project: Project, role: Role, columns: dict[str, str]) -> gpd.GeoDataFrame | None:
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


def _access_grid(evaluation: Any, threshold: float, cell: float, lang: str) -> dict[str, Any]:
    """Housing aggregated to ``cell`` m squares: dwellings and access per cell."""
    d = evaluation.dwellings
    if d.empty:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}
    ix, iy = _grid_cells(d, cell)
    minutes = d["bike_min_mobipunt"].to_numpy(dtype=float)
    w = d["dwellings"].to_numpy(dtype=float)
    frame = pd.DataFrame({"ix": ix, "iy": iy, "w": w, "within": np.where(np.nan_to_num(minutes, nan=1e9) <= threshold, w, 0.0),
                          "wmin": np.nan_to_num(minutes, nan=0.0) * w, "wreach": np.where(np.isnan(minutes), 0.0, w)})
    g = frame.groupby(["ix", "iy"], sort=False).sum().reset_index()
    g = g[g["w"] > 0]
    mean = np.where(g["wreach"] > 0, g["wmin"] / g["wreach"].where(g["wreach"] > 0, 1), np.nan)
    idx = np.searchsorted(np.asarray(ACCESS_CLASSES_MIN), mean, side="left")
    palette = [*ACCESS_COLORS]
    colors = [UNREACHABLE_COLOR if math.isnan(m) else palette[min(i, len(palette) - 1)] for m, i in zip(mean, idx, strict=True)]
    geoms = shapely.box(g["ix"] * cell, g["iy"] * cell, (g["ix"] + 1) * cell, (g["iy"] + 1) * cell)
    out = gpd.GeoDataFrame({
        "woningen": g["w"].round().astype(int).to_numpy(),
        "aandeel": [fmt_number(100 * a / b, "%", lang) for a, b in zip(g["within"], g["w"], strict=True)],
        "gem": [fmt_number(m, "min", lang) for m in mean],
        "_style": [f"{c}|none|0.75" for c in colors],
    }, geometry=geoms, crs=d.crs)
    cols = {"woningen": _tr(lang, "Woningen", "Dwellings"),
            "aandeel": _tr(lang, f"Aandeel binnen {threshold:g} min fietsen", f"Share within {threshold:g} min by bike"),
            "gem": _tr(lang, "Gemiddelde fietstijd tot mobipunt", "Mean cycling time to a mobility hub")}
    return _geojson(out, cols, lang=lang)


def _change_grid(comparison: Any, threshold: float, cell: float, lang: str) -> dict[str, Any]:
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
    out = gpd.GeoDataFrame({
        "winst": g["gain"].round().astype(int).to_numpy(),
        "verlies": g["loss"].round().astype(int).to_numpy(),
        "_style": [f"{c}|{c}|0.7" for c in colors],
    }, geometry=geoms, crs=a.crs)
    cols = {"winst": _tr(lang, f"Woningen nu binnen {threshold:g} min", f"Dwellings now within {threshold:g} min"),
            "verlies": _tr(lang, f"Woningen niet meer binnen {threshold:g} min",
                           f"Dwellings no longer within {threshold:g} min")}
    return _geojson(out, cols, lang=lang)


def _legend_html(sections: list[tuple[str, list[tuple[str, str, str]]]], lang: str) -> str:
    """A fixed legend box; ``(label, colour, shape)`` with shape line/dot/box."""
    parts = [f'<details open class="srp-legend"><summary class="srp-legend-title">{_tr(lang, "Legende", "Legend")}'
             "</summary>"]
    for heading, items in sections:
        if not items:
            continue
        parts.append(f'<div class="srp-legend-head">{html.escape(heading)}</div>')
        for label, color, shape in items:
            c = html.escape(color)
            if shape == "line":
                sym = f'<span class="srp-sym" style="height:4px;margin-top:6px;background:{c}"></span>'
            elif shape == "dash":
                sym = f'<span class="srp-sym" style="height:0;margin-top:7px;border-top:3px dashed {c}"></span>'
            elif shape == "dot":
                sym = f'<span class="srp-sym srp-dot" style="background:{c}"></span>'
            elif shape == "diamond":
                sym = (f'<span class="srp-sym" style="width:10px;height:10px;margin:2px 5px 0 3px;background:#fff;'
                       f'border:2px solid {c};transform:rotate(45deg)"></span>')
            else:
                sym = f'<span class="srp-sym" style="background:{c};opacity:.8"></span>'
            parts.append(f'<div class="srp-legend-row">{sym}{html.escape(label)}</div>')
    parts.append("</details>")
    return "".join(parts)


# The boxes sit above Leaflet's panes (z-index <= 700) and below its controls
# (1000), so an opened layer switcher is never hidden behind the legend.
_CSS = """
<style>
.srp-site { width: 16px; height: 16px; margin: 3px; background: #fff; border: 2px solid #222; transform: rotate(45deg);
  display: flex; align-items: center; justify-content: center; pointer-events: none; }
.srp-site span { transform: rotate(-45deg); font: bold 11px sans-serif; color: #222; }
.leaflet-container { background: #eef1f4; font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
.srp-box { position: fixed; z-index: 950; background: rgba(255,255,255,.94); border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.35); padding: 10px 12px; font-size: 13px; color: #222; }
.srp-title { top: 10px; left: 60px; max-width: 430px; }
.srp-select { top: 180px; left: 60px; padding: 6px 10px; }
.srp-title h1 { font-size: 18px; margin: 0 0 4px 0; color: #0d47a1; }
.srp-title .srp-meta { color: #555; font-size: 12px; }
.srp-title .srp-note { margin-top: 6px; padding: 4px 6px; background: #fff8e1; border: 1px solid #f9a825;
  border-radius: 4px; color: #6d4c00; font-size: 12px; }
.srp-legend { position: fixed; z-index: 950; bottom: 24px; right: 10px; max-height: 60vh; overflow-y: auto;
  background: rgba(255,255,255,.94); border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,.35);
  padding: 8px 12px; font-size: 11px; color: #222; min-width: 200px; max-width: 300px; }
.srp-legend-title { font-weight: bold; font-size: 13px; margin-bottom: 4px; cursor: pointer; }
.srp-note summary { cursor: pointer; }
.srp-note ul { margin: 4px 0 0 0; padding-left: 16px; }
.srp-legend-head { font-weight: bold; color: #0d47a1; margin-top: 6px; }
.srp-legend-row { display: flex; align-items: flex-start; line-height: 16px; }
.srp-sym { display: inline-block; width: 22px; height: 14px; margin-right: 6px; flex: none; }
.srp-dot { width: 12px; height: 12px; border-radius: 50%; margin: 3px 11px 0 5px; border: 1px solid #fff; }
.srp-sources { bottom: 4px; left: 110px; max-width: 60vw; font-size: 11px; color: #555; padding: 4px 8px; }
.foliumpopup table { font-size: 12px; border-collapse: collapse; }
.foliumpopup th { text-align: left; padding: 1px 10px 1px 0; color: #555; font-weight: 600; vertical-align: top; }
.foliumpopup td { padding: 1px 0; vertical-align: top; }
</style>
"""



def _selector_html(selectable: dict[str, list[str]], shown: str, lang: str) -> str:
    """A scenario selector: one run's housing, hubs and changes at a time."""
    options = "".join(f'<option value="{i}"{" selected" if name == shown else ""}>{html.escape(name)}</option>'
                      for i, name in enumerate(selectable))
    label = _tr(lang, "Toon scenario", "Show scenario")
    return (f'<div class="srp-box srp-select"><label for="srp-scenario">{label}</label> '
            f'<select id="srp-scenario">{options}</select></div>')


def _selector_script(selectable: dict[str, list[str]], map_name: str) -> str:
    """JavaScript: switching the selector swaps the layer groups of the runs (names are generated ids)."""
    groups = json.dumps([names for names in selectable.values()])
    # the groups are looked up when the selector changes: folium may define them after this script
    return (f"window.addEventListener('load', function() {{ var runs = {groups};"
            " var sel = document.getElementById('srp-scenario'); if (!sel) return;"
            " sel.addEventListener('change', function() { runs.forEach(function(r, i) { r.forEach(function(n) {"
            f" var g = window[n]; if (!g) return;"
            f" if (String(i) === sel.value) {{ {map_name}.addLayer(g); }} else {{ {map_name}.removeLayer(g); }}"
            " }); }); }); });")


def _header_html(meta: ExportMeta, scenarios: Sequence[str], lang: str) -> str:
    names = ", ".join(html.escape(s) for s in scenarios) or html.escape(meta.scenario)
    org = f" · {html.escape(meta.organisation)}" if meta.organisation else ""
    note = ""
    if meta.notes:
        details = "".join(f"<li>{html.escape(n)}</li>" for n in meta.notes)
        note = (f'<details class="srp-note"><summary>{_tr(lang, "Let op", "Note")}: '
                f"{html.escape(meta.short_note_for(lang))}</summary><ul>{details}</ul></details>")
    for text in meta.result_note_texts(lang):
        note += f'<div class="srp-note">{_tr(lang, "Let op", "Note")}: {html.escape(text)}</div>'
    howto = _tr(lang, "Lagen aan- en uitzetten met de lagenknop rechtsboven; klik op een object voor de gegevens.",
                "Switch layers on and off with the layer button at the top right; click a feature for its data.")
    return (
        f'<div class="srp-box srp-title"><h1>{html.escape(meta.title)}</h1>'
        f"<div>Scenario: {names}</div>"
        f'<div class="srp-meta">{html.escape(meta.date_text)}{org} · Slimme Regio Planner {html.escape(meta.version)}</div>'
        f"{note}"
        f'<div class="srp-meta">{html.escape(howto)}</div>'
        "</div>"
    )


def _sources_html(meta: ExportMeta, lang: str) -> str:
    text = meta.source_line(lang, compact=True)
    params = meta.parameter_line(lang)
    return (f'<div class="srp-box srp-sources">{html.escape(text)}'
            + (f"<br>Parameters: {html.escape(params)}" if params else "") + "</div>")


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
        raise ExportError(path="webkaart", reason={"nl": "folium is niet geïnstalleerd",
                                                   "en": "folium is not installed"}) from error
    from slimmeregio.exporters.excel import _runs

    task = Task(progress, cancel)
    base, runs = _runs(list(results))
    first = runs[0][1] if runs else base
    if meta is None:
        meta = build_meta(project, scenario=getattr(first, "scenario", None), parameters=getattr(first, "parameters", None),
                          scenarios=[ev.scenario for _, ev, _ in runs], lang=lang)
    meta = meta.with_results(base, *(ev for _, ev, _ in runs))
    params = getattr(first, "parameters", None)
    t = float(threshold) if threshold is not None else _middle(params.bike_thresholds_min if params else (), 10.0)
    base_name = _tr(lang, "basis", "base")
    munis_layer = project.layers.first(Role.MUNICIPALITIES)
    bounds_layers = [lay for lay in project.layers if not lay.is_raster and len(lay)]
    if munis_layer is not None:
        bounds_layers = [munis_layer]
    if not bounds_layers:
        raise ExportError(path="webkaart", reason={"nl": "het project heeft geen lagen",
                                                   "en": "the project has no layers"})
    b = np.array([lay.bounds for lay in bounds_layers])
    box = gpd.GeoSeries([shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())],
                        crs="EPSG:31370").to_crs(_WGS84).total_bounds
    fmap = folium.Map(location=[(box[1] + box[3]) / 2, (box[0] + box[2]) / 2], zoom_start=11, tiles=None,
                      control_scale=False, prefer_canvas=True, zoom_snap=0.25, zoom_delta=0.5)
    _inline_leaflet(fmap)
    fmap.fit_bounds([[box[1], box[0]], [box[3], box[2]]])
    folium.TileLayer("OpenStreetMap", name=_tr(lang, "Achtergrond: OpenStreetMap (online)",
                                               "Background: OpenStreetMap (online)"),
                     overlay=False, control=True, show=True).add_to(fmap)
    folium.TileLayer(_BLANK_TILE, attr="Slimme Regio Planner",
                     name=_tr(lang, "Geen achtergrond (offline)", "No background (offline)"), overlay=False,
                     control=True, show=False).add_to(fmap)
    legend: list[tuple[str, list[tuple[str, str, str]]]] = []
    task.report(0.05, "municipalities")
    # -- context: municipalities and Brussels
    if munis_layer is not None:
        mframe = munis_layer.frame.copy()
        mframe["naam_"] = munis_layer.column("name").astype(str) if munis_layer.has_field("name") else ""
        mframe["nis_"] = munis_layer.column("nis").astype(str) if munis_layer.has_field("nis") else ""
        mframe["inw_"] = munis_layer.column("population") if munis_layer.has_field("population") else np.nan
        cols = {"naam_": _tr(lang, "Gemeente", "Municipality"), "nis_": "NIS",
                "inw_": _tr(lang, "Inwoners (Statbel)", "Inhabitants (Statbel)")}
        thresholds = list(params.bike_thresholds_min) if params is not None else [t]
        for name, ev, comp in ([(base_name, base, None)] if base is not None else []) + runs:
            if ev is None:
                continue
            table = ev.municipalities.set_index(ev.municipalities["nis"].astype(str))
            before = (comp.base.municipalities.set_index(comp.base.municipalities["nis"].astype(str))
                      if comp is not None else None)
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
                cols[col] = _tr(lang, f"Woningen ≤ {t_:g} min van mobipunt ({name})",
                                f"Dwellings ≤ {t_:g} min from a hub ({name})")
        mframe["_style"] = "#ffffff|#555555|0.05"
        group = folium.FeatureGroup(name=_tr(lang, "Gemeenten", "Municipalities"), show=True)
        _add_geojson(group, _geojson(mframe, cols, simplify=10.0, lang=lang), _fill_style)
        group.add_to(fmap)
    for layer in project.layers:
        if layer.role == Role.OTHER and not layer.is_raster and "brussel" in layer.name.lower():
            bframe = layer.frame.copy()
            bframe["_style"] = "#d6d2c8|#8d877a|0.6"
            bframe["naam_"] = bframe["naam"] if "naam" in bframe.columns else layer.name
            group = folium.FeatureGroup(name=_tr(lang, "Brussels Hoofdstedelijk Gewest", "Brussels-Capital Region"),
                                        show=True)
            _add_geojson(group, _geojson(bframe, {"naam_": _tr(lang, "Naam", "Name")}, simplify=10.0, lang=lang),
                         _fill_style)
            group.add_to(fmap)
            break
    task.report(0.2, "network")
    # -- the network (base) and the scenario changes
    base_links = _links_frame(base, project)
    group = folium.FeatureGroup(name=_tr(lang, "Fietsnetwerk (bovenlokaal en fietssnelwegen)",
                                         "Bike network (supra-local routes and cycle highways)"), show=True)
    _add_geojson(group, _network_data(base_links, lang), _line_style)
    group.add_to(fmap)
    legend.append((_tr(lang, "Fietsnetwerk", "Bike network"),
                   [(_class_label(c, lang), LINK_CLASS_COLORS[c], "line") for c in MAIN_CLASSES]))
    flow_sources = ([(base_name, base)] if base is not None else []) + [(name, ev) for name, ev, _ in runs]
    flow_layers = (
        ("flow_dwellings", ("Potentiële fietsstromen naar het station", "Potential bike flows to the station"),
         ("Fietsstromen (woningen per link)", "Bike flows (dwellings per link)")),
        ("flow_brussels_dwellings",
         ("Potentiële fietsstromen naar de Brusselse grens", "Potential bike flows to the Brussels border"),
         ("Fietsstromen naar Brussel (woningen per link)", "Bike flows to Brussels (dwellings per link)")),
    )
    for column, (title_nl, title_en), (legend_nl, legend_en) in flow_layers:
        breaks = shared_flow_breaks([ev for _, ev in flow_sources], column)  # the same classes for every run
        for name, flow_source in flow_sources:  # every scenario's flows, one layer each
            if flow_source is None or column not in flow_source.links.columns or not breaks:
                continue
            data, _ = _flow_data(flow_source.links, lang, column, breaks)
            if not data["features"]:
                continue
            group = folium.FeatureGroup(name=html.escape(_tr(lang, f"{title_nl} ({_short(name)})",
                                                             f"{title_en} ({_short(name)})")),
                                        show=False)
            _add_geojson(group, data, _line_style)
            group.add_to(fmap)
        if breaks:
            labels = [*(f"{a:g}–{b2:g}" for a, b2 in zip(breaks, breaks[1:], strict=False)), f"> {breaks[-1]:g}"]
            colors = list(FLOW_COLORS[-(len(breaks) + 1):])[1:]
            shown = [(lab, c, "line") for lab, c in zip(labels, colors, strict=True)][1 if len(breaks) > 1 else 0:]
            legend.append((_tr(lang, legend_nl, legend_en), shown))
    task.report(0.4, "housing")
    # -- housing access per scenario (toggle to compare)
    evaluations = ([(base_name, base)] if base is not None else []) + [(name, ev) for name, ev, _ in runs]
    # the scenario selector shows one run at a time: its housing, hubs and changes
    selectable: dict[str, list[str]] = {name: [] for name, _ in evaluations}
    shown_run = evaluations[-1][0] if evaluations else ""  # the last scenario first (the base when alone)
    for name, ev in evaluations:
        task.check()
        group = folium.FeatureGroup(name=html.escape(_tr(lang, f"Woningen: fietstijd tot mobipunt ({_short(name)})",
                                                         f"Dwellings: cycling time to a hub ({_short(name)})")),
                                    show=(name == shown_run))
        _add_geojson(group, _access_grid(ev, t, cell_m, lang), _fill_style)
        group.add_to(fmap)
        selectable[name].append(group.get_name())
    legend.append((_tr(lang, f"Woningen (vakken van {cell_m:g} m): gemiddelde fietstijd tot mobipunt",
                       f"Dwellings ({cell_m:g} m squares): mean cycling time to a mobility hub"),
                   [(lab, c, "box") for lab, c in zip(_access_labels(), ACCESS_COLORS, strict=False)]
                   + [(_tr(lang, "niet bereikbaar via het netwerk", "not reachable over the network"),
                       UNREACHABLE_COLOR, "box")]))
    task.report(0.6, "mobipunten")
    hubs = _tr(lang, "Mobipunten", "Mobility hubs")
    for name, ev in evaluations:
        group = folium.FeatureGroup(name=html.escape(f"{hubs} ({_short(name)})"), show=(name == shown_run))
        _add_geojson(group, _mobipunt_data(ev.mobipunten, lang), _point_style, point_radius=6)
        group.add_to(fmap)
        selectable[name].append(group.get_name())
    if not evaluations:
        frame = _project_points(project, Role.MOBIPUNTEN, {"id": "mobipunt_id", "name": "name", "hoppin_type": "hoppin_type", "offer": "offer"})
        if frame is not None:
            group = folium.FeatureGroup(name=hubs, show=True)
            _add_geojson(group, _mobipunt_data(frame, lang), _point_style, point_radius=6)
            group.add_to(fmap)
    legend.append((hubs, [(hoppin_type(t_, lang), c, "dot") for t_, c in HOPPIN_COLORS.items()]))
    stations = _project_points(project, Role.STATIONS, {"name": _tr(lang, "Naam", "Name"),
                                                        "trains_per_day": _tr(lang, "Treinen per dag", "Trains per day")})
    if stations is not None:
        stations["_style"] = "#212121|4"
        group = folium.FeatureGroup(name=_tr(lang, "Treinstations", "Railway stations"), show=True)
        _add_geojson(group, _geojson(stations, {c: c for c in stations.columns if c not in ("geometry", "_style")},
                                     lang=lang), _point_style, point_radius=4)
        group.add_to(fmap)
        legend[-1][1].append((_tr(lang, "treinstation", "railway station"), "#212121", "dot"))
    task.report(0.75, "changes")
    change_items: list[tuple[str, str, str]] = []
    for name, ev, comp in runs:
        task.check()
        group = folium.FeatureGroup(name=html.escape(_tr(lang, "Wijzigingen", "Changes") + f": {_short(name)}"),
                                    show=(name == shown_run))
        _add_geojson(group, _change_links(ev, lang), _line_style)
        _add_geojson(group, _mobipunt_data(ev.mobipunten, lang, only_changes=True), _point_style, point_radius=9)
        group.add_to(fmap)
        selectable.setdefault(name, []).append(group.get_name())
        if comp is not None:  # at the threshold where this scenario changes most (unless one was asked for)
            tc = float(threshold) if threshold is not None else headline_threshold(comp)
            group = folium.FeatureGroup(name=html.escape(_tr(
                lang, f"Winst en verlies aan toegang ≤ {tc:g} min (grootste verandering): {_short(name)}",
                f"Access gained and lost ≤ {tc:g} min (largest change): {_short(name)}")), show=False)
            _add_geojson(group, _change_grid(comp, tc, min(cell_m, 250.0), lang), _fill_style)
            group.add_to(fmap)
    if runs:
        change_items = [(_tr(lang, "verbinding toegevoegd", "link added"), CHANGE_COLORS["added"], "line"),
                        (_tr(lang, "verbinding opgewaardeerd", "link upgraded"), CHANGE_COLORS["upgraded"], "line"),
                        (_tr(lang, "verbinding afgesloten", "link closed"), CHANGE_COLORS["removed"], "dash"),
                        (_tr(lang, "mobipunt nieuw of verplaatst", "hub added or moved"), CHANGE_COLORS["added"], "dot"),
                        (_tr(lang, "woningen nu binnen de drempel (winst)", "dwellings now within the threshold (gain)"),
                         CHANGE_COLORS["gain"], "box"),
                        (_tr(lang, "woningen niet meer binnen de drempel (verlies)",
                             "dwellings no longer within the threshold (loss)"), CHANGE_COLORS["loss"], "box")]
        legend.append((_tr(lang, "Wijzigingen door het scenario", "Changes made by the scenario"), change_items))
    if siting is not None and len(siting.sites):
        sites = siting.sites.copy()
        sites["_style"] = f"{CHANGE_COLORS['added']}|10"
        start = runs[-1][0] if runs else base_name
        group = folium.FeatureGroup(name=html.escape(_tr(
            lang, f"Voorgestelde locaties voor mobipunten (vertrekt van: {_short(start)})",
            f"Suggested mobility hub sites (starting from: {_short(start)})")), show=True)
        cols = {"rank": _tr(lang, "Volgorde", "Rank"), "name": _tr(lang, "Naam", "Name"),
                "gain_dwellings": _tr(lang, "Extra woningen binnen bereik", "Extra dwellings within reach"),
                "municipality": _tr(lang, "Gemeente", "Municipality")}
        sites["_style"] = "#222222|4"
        _add_geojson(group, _geojson(sites, cols, lang=lang), _point_style, point_radius=4)
        # a numbered white diamond (never a dot like a mobipunt); the rank is an integer, nothing else is inlined
        wgs = sites.to_crs(_WGS84)
        for rank, geom in zip(wgs["rank"], wgs.geometry, strict=True):
            icon = folium.DivIcon(html=(f'<div class="srp-site"><span>{int(rank)}</span></div>'),
                                  icon_size=(22, 22), icon_anchor=(11, 11))
            folium.Marker([geom.y, geom.x], icon=icon, interactive=False).add_to(group)
        group.add_to(fmap)
        legend.append((_tr(lang, "Locatievoorstel", "Site suggestions"),
                       [(_tr(lang, "voorgestelde locatie (volgorde)", "suggested site (order)"), "#222222",
                         "diamond")]))
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    # a metric scale only (Leaflet's default adds miles and feet)
    # (run after the page loaded: folium defines the map later in the same script)
    root_script = (f"window.addEventListener('load', function() {{ "
                   f"L.control.scale({{imperial: false, metric: true}}).addTo({fmap.get_name()}); }});")
    fmap.get_root().script.add_child(Element(root_script))  # type: ignore[attr-defined]
    _strip_external(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(_CSS))  # type: ignore[attr-defined]
    root.html.add_child(Element(_header_html(meta, [name for name, _, _ in runs], lang)))  # type: ignore[attr-defined]
    root.html.add_child(Element(_legend_html(legend, lang)))  # type: ignore[attr-defined]
    if len(selectable) > 1:
        root.html.add_child(Element(_selector_html(selectable, shown_run, lang)))  # type: ignore[attr-defined]
        root.script.add_child(Element(_selector_script(selectable, fmap.get_name())))  # type: ignore[attr-defined]
    root.html.add_child(Element(_sources_html(meta, lang)))  # type: ignore[attr-defined]
    root.title = html.escape(meta.title)  # type: ignore[attr-defined]
    task.report(0.95, "map built")
    return fmap


def _access_labels() -> list[str]:
    lower = None
    out = []
    for b in ACCESS_CLASSES_MIN:
        out.append(f"≤ {b:g} min" if lower is None else f"{lower:g}–{b:g} min")
        lower = b
    out.append(f"> {lower:g} min")
    return out


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
    fmap = webmap(project, results, siting=siting, meta=meta, threshold=threshold, cell_m=cell_m, lang=lang,
                  progress=progress, cancel=cancel)
    page = fmap.get_root().render()
    with writing(path, force=force) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)
