"""The interactive web map: one self-contained HTML file (folium / Leaflet).

Layers of the base situation and of each scenario can be switched on and
off to compare them; changes (links added, closed, upgraded; mobipunten
added or moved; dwellings gaining or losing access) have their own layers;
every feature has a popup with its attributes; a legend and a title block
state scenario, date, tool version, sources and the illustrative-data note.

Opening the file needs internet for the Leaflet scripts (loaded from a
CDN) and for the optional OpenStreetMap background; without a background the
map shows on a plain grey ground.

Safety: every attribute value and every name taken from data is HTML-escaped
before it is placed in the page, so a feature called
``<script>alert(1)</script>`` shows as that text and never runs.

Size: the local street mesh is left out (only bovenlokaal routes and cycle
highways, plus every changed link), housing is aggregated to grid cells and
coordinates are rounded to about a metre, which keeps the regional map to a
few megabytes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.exporters._safe import writing
from slimmeregio.exporters.maps import _class_label, _flow_breaks, fmt_number
from slimmeregio.exporters.meta import ExportMeta, build_meta
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

__all__ = ["MAIN_CLASSES", "export_webmap", "webmap"]

#: Link classes drawn on the web map (plus every changed link).
MAIN_CLASSES = ("fietssnelweg", "bovenlokaal")
_WGS84 = "EPSG:4326"
_BLANK_TILE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _esc(value: Any) -> str:
    """Text for the page: numbers in Dutch notation, everything escaped."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(float(value)):
            return ""
        return html.escape(fmt_number(value, "", "nl", digits=1 if abs(value) < 100 else 0))
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return html.escape(fmt_number(int(value), "count", "nl"))
    return html.escape(str(value), quote=True)


def _geojson(frame: gpd.GeoDataFrame, columns: dict[str, str], *, simplify: float = 0.0) -> dict[str, Any]:
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
    records = frame[list(columns)].to_dict("records") if columns else [{} for _ in range(len(frame))]
    for i, (geom, record, st) in enumerate(zip(rounded, records, style, strict=True)):
        if geom is None or geom.is_empty:
            continue
        props = {keys[k]: _esc(v) for k, v in record.items()}
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


def _network_data(links: gpd.GeoDataFrame) -> dict[str, Any]:
    main = links[links["link_class"].astype(str).isin(MAIN_CLASSES)].copy()
    main["_style"] = [
        f"{LINK_CLASS_COLORS.get(c, '#888888')}|{4 if c == 'fietssnelweg' else 2.5}|"
        for c in main["link_class"].astype(str)
    ]
    main["klasse"] = [_class_label(c, "nl") for c in main["link_class"].astype(str)]
    cols = {"link_id": "Link-id", "klasse": "Klasse", "name": "Naam"}
    if "flow_dwellings" in main.columns and main["flow_dwellings"].notna().any():
        main["flow"] = main["flow_dwellings"].round().astype("Int64")
        cols["flow"] = "Potentiële fietsers (woningen)"
    return _geojson(main, {k: v for k, v in cols.items() if k in main.columns}, simplify=5.0)


def _flow_data(links: gpd.GeoDataFrame) -> tuple[dict[str, Any], list[float]]:
    flows = links["flow_dwellings"].to_numpy(dtype=float)
    breaks = _flow_breaks(flows)
    if not breaks:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}, []
    cut = breaks[1] if len(breaks) > 1 else breaks[0]  # the upper half of the flows: keeps the file small
    part = links[links["flow_dwellings"] > cut].copy()
    colors = list(FLOW_COLORS[-(len(breaks) + 1):])
    idx = np.searchsorted(np.asarray(breaks), part["flow_dwellings"].to_numpy(dtype=float), side="left")
    widths = np.linspace(2, 8, len(breaks) + 1)
    part["_style"] = [f"{colors[i]}|{widths[i]:.1f}|" for i in idx]
    part["flow"] = part["flow_dwellings"].round().astype(int)
    part["klasse"] = [_class_label(c, "nl") for c in part["link_class"].astype(str)]
    return _geojson(part, {"link_id": "Link-id", "klasse": "Klasse", "flow": "Potentiële fietsers (woningen)"},
                    simplify=5.0), breaks


def _change_links(evaluation: Any) -> dict[str, Any]:
    links = evaluation.links
    parts = []
    label = {"added": "toegevoegd", "upgraded": "opgewaardeerd", "removed": "afgesloten"}
    if "change" in links.columns:
        changed = links[links["change"].astype(str).isin(["added", "upgraded"])].copy()
        changed["_style"] = [f"{CHANGE_COLORS[c]}|6|" for c in changed["change"]]
        changed["wijziging"] = [label[c] for c in changed["change"]]
        parts.append(changed)
    removed = getattr(evaluation, "removed_links", None)
    if removed is not None and not removed.empty:
        rem = removed.copy()
        rem["_style"] = f"{CHANGE_COLORS['removed']}|5|8 6"
        rem["wijziging"] = "afgesloten"
        parts.append(rem)
    if not parts:
        return {"type": "FeatureCollection", "features": [], "_aliases": []}
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=links.crs)
    frame["klasse"] = [_class_label(str(c), "nl") for c in frame["link_class"]]
    return _geojson(frame, {"wijziging": "Wijziging", "link_id": "Link-id", "klasse": "Klasse", "name": "Naam"})


def _mobipunt_data(frame: gpd.GeoDataFrame, *, only_changes: bool = False) -> dict[str, Any]:
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
    if "change" in frame.columns:
        frame["wijziging"] = frame["change"].astype(str).map({"added": "nieuw", "moved": "verplaatst"}).fillna("")
    cols = {"mobipunt_id": "Id", "name": "Naam", "hoppin_type": "Type", "offer": "Aanbod",
            "catchment_dwellings": "Woningen in verzorgingsgebied", "wijziging": "Wijziging"}
    return _geojson(frame, {k: v for k, v in cols.items() if k in frame.columns})


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


def _access_grid(evaluation: Any, threshold: float, cell: float) -> dict[str, Any]:
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
        "aandeel": [fmt_number(100 * a / b, "%", "nl") for a, b in zip(g["within"], g["w"], strict=True)],
        "gem": [fmt_number(m, "min", "nl") for m in mean],
        "_style": [f"{c}|none|0.75" for c in colors],
    }, geometry=geoms, crs=d.crs)
    return _geojson(out, {"woningen": "Woningen", "aandeel": f"Aandeel binnen {threshold:g} min fietsen",
                          "gem": "Gemiddelde fietstijd tot mobipunt"})


def _change_grid(comparison: Any, threshold: float, cell: float) -> dict[str, Any]:
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
    return _geojson(out, {"winst": f"Woningen nu binnen {threshold:g} min", "verlies": f"Woningen niet meer binnen {threshold:g} min"})


def _legend_html(sections: list[tuple[str, list[tuple[str, str, str]]]]) -> str:
    """A fixed legend box; ``(label, colour, shape)`` with shape line/dot/box."""
    parts = ['<details open class="srp-legend"><summary class="srp-legend-title">Legende</summary>']
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
            else:
                sym = f'<span class="srp-sym" style="background:{c};opacity:.8"></span>'
            parts.append(f'<div class="srp-legend-row">{sym}{html.escape(label)}</div>')
    parts.append("</details>")
    return "".join(parts)


_CSS = """
<style>
.leaflet-container { background: #eef1f4; font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
.srp-box { position: fixed; z-index: 9999; background: rgba(255,255,255,.94); border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.35); padding: 10px 12px; font-size: 13px; color: #222; }
.srp-title { top: 10px; left: 60px; max-width: 430px; }
.srp-title h1 { font-size: 18px; margin: 0 0 4px 0; color: #0d47a1; }
.srp-title .srp-meta { color: #555; font-size: 12px; }
.srp-title .srp-note { margin-top: 6px; padding: 4px 6px; background: #fff8e1; border: 1px solid #f9a825;
  border-radius: 4px; color: #6d4c00; font-size: 12px; }
.srp-legend { position: fixed; z-index: 9999; bottom: 24px; right: 10px; max-height: 60vh; overflow-y: auto;
  background: rgba(255,255,255,.94); border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,.35);
  padding: 8px 12px; font-size: 11px; color: #222; min-width: 200px; max-width: 300px; }
.srp-legend-title { font-weight: bold; font-size: 13px; margin-bottom: 4px; cursor: pointer; }
.srp-note summary { cursor: pointer; }
.srp-note ul { margin: 4px 0 0 0; padding-left: 16px; }
.srp-legend-head { font-weight: bold; color: #0d47a1; margin-top: 6px; }
.srp-legend-row { display: flex; align-items: flex-start; line-height: 16px; }
.srp-sym { display: inline-block; width: 22px; height: 14px; margin-right: 6px; flex: none; }
.srp-dot { width: 12px; height: 12px; border-radius: 50%; margin: 3px 11px 0 5px; border: 1px solid #fff; }
.srp-sources { bottom: 4px; left: 60px; max-width: 60vw; font-size: 11px; color: #555; padding: 4px 8px; }
.foliumpopup table { font-size: 12px; }
</style>
"""


def _header_html(meta: ExportMeta, scenarios: Sequence[str]) -> str:
    names = ", ".join(html.escape(s) for s in scenarios) or html.escape(meta.scenario)
    org = f" · {html.escape(meta.organisation)}" if meta.organisation else ""
    note = ""
    if meta.notes:
        details = "".join(f"<li>{html.escape(n)}</li>" for n in meta.notes)
        note = (f'<details class="srp-note"><summary>Let op: {html.escape(meta.short_note)}</summary>'
                f"<ul>{details}</ul></details>")
    return (
        f'<div class="srp-box srp-title"><h1>{html.escape(meta.title)}</h1>'
        f'<div>Scenario: {names}</div>'
        f'<div class="srp-meta">{html.escape(meta.date_text)}{org} · Slimme Regio Planner {html.escape(meta.version)}</div>'
        f"{note}"
        '<div class="srp-meta">Lagen aan- en uitzetten met de lagenknop rechtsboven; '
        "klik op een object voor de gegevens.</div>"
        "</div>"
    )


def _sources_html(meta: ExportMeta) -> str:
    text = meta.source_line("nl", compact=True)
    params = meta.parameter_line("nl")
    return (f'<div class="srp-box srp-sources">{html.escape(text)}'
            + (f"<br>Parameters: {html.escape(params)}" if params else "") + "</div>")


def _short(name: str, limit: int = 32) -> str:
    """A scenario name short enough for the layer switcher."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _middle(values: Sequence[float], default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


def webmap(
    project: Project,
    results: Sequence[Any] = (),
    *,
    siting: Any = None,
    meta: ExportMeta | None = None,
    threshold: float | None = None,
    cell_m: float = 500.0,
    progress: Any = None,
    cancel: Any = None,
) -> Any:
    """Build the folium ``Map`` for ``project`` and ``results``.

    ``results`` are comparisons and/or evaluations (as for the workbook).
    ``threshold`` is the cycling time (min) used for access shares and
    changes (default: the middle threshold); ``cell_m`` the housing grid.
    """
    try:
        import folium
        from branca.element import Element
    except ImportError as error:  # pragma: no cover - folium is a core dependency
        raise ExportError(path="webkaart", reason="folium is niet geïnstalleerd / folium is not installed") from error
    from slimmeregio.exporters.excel import _runs

    task = Task(progress, cancel)
    base, runs = _runs(list(results))
    first = runs[0][1] if runs else base
    if meta is None:
        meta = build_meta(project, scenario=getattr(first, "scenario", None), parameters=getattr(first, "parameters", None),
                          scenarios=[ev.scenario for _, ev, _ in runs])
    params = getattr(first, "parameters", None)
    t = float(threshold) if threshold is not None else _middle(params.bike_thresholds_min if params else (), 10.0)
    munis_layer = project.layers.first(Role.MUNICIPALITIES)
    bounds_layers = [lay for lay in project.layers if not lay.is_raster and len(lay)]
    if munis_layer is not None:
        bounds_layers = [munis_layer]
    if not bounds_layers:
        raise ExportError(path="webkaart", reason="het project heeft geen lagen / the project has no layers")
    b = np.array([lay.bounds for lay in bounds_layers])
    box = gpd.GeoSeries([shapely.box(b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())],
                        crs="EPSG:31370").to_crs(_WGS84).total_bounds
    fmap = folium.Map(location=[(box[1] + box[3]) / 2, (box[0] + box[2]) / 2], zoom_start=11, tiles=None,
                      control_scale=True, prefer_canvas=True, zoom_snap=0.25, zoom_delta=0.5)
    fmap.fit_bounds([[box[1], box[0]], [box[3], box[2]]])
    folium.TileLayer("OpenStreetMap", name="Achtergrond: OpenStreetMap (online)", overlay=False, control=True,
                     show=True).add_to(fmap)
    folium.TileLayer(_BLANK_TILE, attr="Slimme Regio Planner", name="Geen achtergrond (offline)", overlay=False,
                     control=True, show=False).add_to(fmap)
    legend: list[tuple[str, list[tuple[str, str, str]]]] = []
    task.report(0.05, "municipalities")
    # -- context: municipalities and Brussels
    if munis_layer is not None:
        mframe = munis_layer.frame.copy()
        mframe["naam_"] = munis_layer.column("name").astype(str) if munis_layer.has_field("name") else ""
        mframe["nis_"] = munis_layer.column("nis").astype(str) if munis_layer.has_field("nis") else ""
        mframe["inw_"] = munis_layer.column("population") if munis_layer.has_field("population") else np.nan
        cols = {"naam_": "Gemeente", "nis_": "NIS", "inw_": "Inwoners"}
        for name, ev, _comp in ([("basis", base, None)] if base is not None else []) + runs:
            key = f"share_bike_mobipunt_{t:g}min"
            if ev is not None and key in ev.municipalities.columns:
                values = ev.municipalities.set_index(ev.municipalities["nis"].astype(str))[key]
                col = f"v_{len(cols)}"
                mframe[col] = [fmt_number(values.get(n, np.nan), "%", "nl") for n in mframe["nis_"]]
                cols[col] = f"Woningen ≤ {t:g} min van mobipunt ({name})"
        mframe["_style"] = "#ffffff|#555555|0.05"
        group = folium.FeatureGroup(name="Gemeenten", show=True)
        _add_geojson(group, _geojson(mframe, cols, simplify=10.0), _fill_style)
        group.add_to(fmap)
    for layer in project.layers:
        if layer.role == Role.OTHER and not layer.is_raster and "brussel" in layer.name.lower():
            bframe = layer.frame.copy()
            bframe["_style"] = "#d6d2c8|#8d877a|0.6"
            bframe["naam_"] = bframe["naam"] if "naam" in bframe.columns else layer.name
            group = folium.FeatureGroup(name="Brussels Hoofdstedelijk Gewest", show=True)
            _add_geojson(group, _geojson(bframe, {"naam_": "Naam"}, simplify=10.0), _fill_style)
            group.add_to(fmap)
            break
    task.report(0.2, "network")
    # -- the network (base) and the scenario changes
    base_links = _links_frame(base, project)
    group = folium.FeatureGroup(name="Fietsnetwerk (bovenlokaal en fietssnelwegen)", show=True)
    _add_geojson(group, _network_data(base_links), _line_style)
    group.add_to(fmap)
    legend.append(("Fietsnetwerk", [(_class_label(c, "nl"), LINK_CLASS_COLORS[c], "line") for c in MAIN_CLASSES]))
    flow_source = runs[0][1] if runs else base
    if flow_source is not None and "flow_dwellings" in flow_source.links.columns:
        data, breaks = _flow_data(flow_source.links)
        if breaks:
            name = "basis" if flow_source is base else runs[0][0]
            group = folium.FeatureGroup(name=html.escape(f"Potentiële fietsstromen naar het station ({_short(name)})"), show=False)
            _add_geojson(group, data, _line_style)
            group.add_to(fmap)
            labels = [*(f"{a:g}–{b2:g}" for a, b2 in zip(breaks, breaks[1:], strict=False)), f"> {breaks[-1]:g}"]
            colors = list(FLOW_COLORS[-(len(breaks) + 1):])[1:]
            shown = [(lab, c, "line") for lab, c in zip(labels, colors, strict=True)][1 if len(breaks) > 1 else 0:]
            legend.append(("Fietsstromen (woningen per link)", shown))
    task.report(0.4, "housing")
    # -- housing access per scenario (toggle to compare)
    evaluations = ([("basis", base)] if base is not None else []) + [(name, ev) for name, ev, _ in runs]
    for i, (name, ev) in enumerate(evaluations):
        task.check()
        group = folium.FeatureGroup(name=html.escape(f"Woningen: fietstijd tot mobipunt ({_short(name)})"), show=(i == 0))
        _add_geojson(group, _access_grid(ev, t, cell_m), _fill_style)
        group.add_to(fmap)
    legend.append((f"Woningen (vakken van {cell_m:g} m): gemiddelde fietstijd tot mobipunt",
                   [(lab, c, "box") for lab, c in zip(_access_labels(), ACCESS_COLORS, strict=False)]
                   + [("niet bereikbaar via het netwerk", UNREACHABLE_COLOR, "box")]))
    task.report(0.6, "mobipunten")
    for i, (name, ev) in enumerate(evaluations):
        group = folium.FeatureGroup(name=html.escape(f"Mobipunten ({_short(name)})"), show=(i == 0))
        _add_geojson(group, _mobipunt_data(ev.mobipunten), _point_style, point_radius=6)
        group.add_to(fmap)
    if not evaluations:
        frame = _project_points(project, Role.MOBIPUNTEN, {"id": "mobipunt_id", "name": "name", "hoppin_type": "hoppin_type", "offer": "offer"})
        if frame is not None:
            group = folium.FeatureGroup(name="Mobipunten", show=True)
            _add_geojson(group, _mobipunt_data(frame), _point_style, point_radius=6)
            group.add_to(fmap)
    legend.append(("Mobipunten", [(f"{t_}", c, "dot") for t_, c in HOPPIN_COLORS.items()]))
    stations = _project_points(project, Role.STATIONS, {"name": "Naam", "trains_per_day": "Treinen per dag"})
    if stations is not None:
        stations["_style"] = "#212121|4"
        group = folium.FeatureGroup(name="Treinstations", show=True)
        _add_geojson(group, _geojson(stations, {c: c for c in stations.columns if c not in ("geometry", "_style")}),
                     _point_style, point_radius=4)
        group.add_to(fmap)
        legend[-1][1].append(("treinstation", "#212121", "dot"))
    task.report(0.75, "changes")
    change_items: list[tuple[str, str, str]] = []
    for name, ev, comp in runs:
        task.check()
        group = folium.FeatureGroup(name=html.escape(f"Wijzigingen: {_short(name)}"), show=True)
        _add_geojson(group, _change_links(ev), _line_style)
        _add_geojson(group, _mobipunt_data(ev.mobipunten, only_changes=True), _point_style, point_radius=9)
        group.add_to(fmap)
        if comp is not None:
            group = folium.FeatureGroup(name=html.escape(f"Winst en verlies aan toegang ≤ {t:g} min: {_short(name)}"), show=False)
            _add_geojson(group, _change_grid(comp, t, min(cell_m, 250.0)), _fill_style)
            group.add_to(fmap)
    if runs:
        change_items = [("verbinding toegevoegd", CHANGE_COLORS["added"], "line"),
                        ("verbinding opgewaardeerd", CHANGE_COLORS["upgraded"], "line"),
                        ("verbinding afgesloten", CHANGE_COLORS["removed"], "dash"),
                        ("mobipunt nieuw of verplaatst", CHANGE_COLORS["added"], "dot"),
                        (f"woningen nu binnen {t:g} min (winst)", CHANGE_COLORS["gain"], "box"),
                        (f"woningen niet meer binnen {t:g} min (verlies)", CHANGE_COLORS["loss"], "box")]
        legend.append(("Wijzigingen door het scenario", change_items))
    if siting is not None and len(siting.sites):
        sites = siting.sites.copy()
        sites["_style"] = f"{CHANGE_COLORS['added']}|10"
        group = folium.FeatureGroup(name="Voorgestelde locaties voor mobipunten", show=True)
        _add_geojson(group, _geojson(sites, {"rank": "Volgorde", "name": "Naam", "gain_dwellings": "Extra woningen binnen bereik",
                                             "municipality": "Gemeente"}), _point_style, point_radius=10)
        group.add_to(fmap)
        legend.append(("Locatievoorstel", [("voorgestelde locatie", CHANGE_COLORS["added"], "dot")]))
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    root = fmap.get_root()
    root.header.add_child(Element(_CSS))  # type: ignore[attr-defined]
    root.html.add_child(Element(_header_html(meta, [name for name, _, _ in runs])))  # type: ignore[attr-defined]
    root.html.add_child(Element(_legend_html(legend)))  # type: ignore[attr-defined]
    root.html.add_child(Element(_sources_html(meta)))  # type: ignore[attr-defined]
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
    force: bool = False,
    progress: Any = None,
    cancel: Any = None,
) -> Path:
    """Write the web map to ``path`` (``.html``), atomically.

    See :func:`webmap` for the content. An existing file is only replaced
    with ``force``.
    """
    from slimmeregio.exporters._safe import check_overwrite

    check_overwrite(path, force)
    fmap = webmap(project, results, siting=siting, meta=meta, threshold=threshold, cell_m=cell_m,
                  progress=progress, cancel=cancel)
    page = fmap.get_root().render()
    with writing(path, force=force) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)
