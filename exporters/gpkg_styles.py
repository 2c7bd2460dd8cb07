"""QGIS styles inside the GeoPackage: a ``layer_styles`` table so QGIS opens the layers with the print symbology.

QGIS reads the default style of a GeoPackage layer from the ``layer_styles``
table (QML). The styles use the same classes and colours as the maps
(:mod:`slimmeregio.layers.symbology`): dwellings by cycling time to the
nearest mobipunt, mobipunten by Hoppin type as hexagons, flows by class,
access changes as gain/loss, suggested sites as diamonds.
"""

from __future__ import annotations

import sqlite3
from html import escape
from pathlib import Path

from matplotlib.colors import to_rgba

from slimmeregio.layers import symbology

__all__ = ["layer_style_qml", "write_layer_styles"]


def _rgba(color: str) -> str:
    r, g, b, a = (round(255 * c) for c in to_rgba(color))
    return f"{r},{g},{b},{a}"


def _option(name: str, value: str) -> str:
    return f'<Option name="{escape(name)}" value="{escape(value)}" type="QString"/>'


def _symbol(
    index: int,
    kind: str,
    color: str,
    *,
    size: float = 2.0,
    shape: str = "circle",
    outline: str = "#ffffff",
    width: float = 0.5,
) -> str:
    """One QML symbol: ``kind`` marker, line or fill."""
    if kind == "marker":
        layer = (
            '<layer class="SimpleMarker" enabled="1"><Option type="Map">'
            + _option("color", _rgba(color))
            + _option("name", shape)
            + _option("size", f"{size:g}")
            + _option("outline_color", _rgba(outline))
            + _option("outline_width", "0.2")
            + "</Option></layer>"
        )
    elif kind == "line":
        layer = (
            '<layer class="SimpleLine" enabled="1"><Option type="Map">'
            + _option("line_color", _rgba(color))
            + _option("line_width", f"{width:g}")
            + "</Option></layer>"
        )
    else:
        layer = (
            '<layer class="SimpleFill" enabled="1"><Option type="Map">'
            + _option("color", _rgba(color))
            + _option("outline_color", _rgba(outline))
            + _option("outline_width", f"{width:g}")
            + "</Option></layer>"
        )
    return f'<symbol type="{kind}" name="{index}" alpha="1" clip_to_extent="1">{layer}</symbol>'


def _wrap(renderer: str) -> str:
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="3.28.0" styleCategories="Symbology">{renderer}</qgis>'
    )


def _categorized(attr: str, kind: str, items: list[tuple[str, str, str]], **symbol: object) -> str:
    cats = "".join(
        f'<category value="{escape(v)}" symbol="{i}" label="{escape(label)}" render="true"/>'
        for i, (v, label, _) in enumerate(items)
    )
    syms = "".join(_symbol(i, kind, color, **symbol) for i, (_, _, color) in enumerate(items))  # type: ignore[arg-type]
    return _wrap(
        f'<renderer-v2 type="categorizedSymbol" attr="{escape(attr)}" enableorderby="0">'
        f"<categories>{cats}</categories><symbols>{syms}</symbols></renderer-v2>"
    )


def _graduated(
    attr: str, kind: str, bounds: list[tuple[float, float, str, str]], **symbol: object
) -> str:
    ranges = "".join(
        f'<range lower="{lo:g}" upper="{hi:g}" symbol="{i}" label="{escape(label)}" render="true"/>'
        for i, (lo, hi, label, _) in enumerate(bounds)
    )
    syms = "".join(_symbol(i, kind, color, **symbol) for i, (_, _, _, color) in enumerate(bounds))  # type: ignore[arg-type]
    return _wrap(
        f'<renderer-v2 type="graduatedSymbol" attr="{escape(attr)}" graduatedMethod="GraduatedColor">'
        f"<ranges>{ranges}</ranges><symbols>{syms}</symbols></renderer-v2>"
    )


def _single(kind: str, color: str, **symbol: object) -> str:
    return _wrap(
        '<renderer-v2 type="singleSymbol"><symbols>'
        + _symbol(0, kind, color, **symbol)  # type: ignore[arg-type]
        + "</symbols></renderer-v2>"
    )


def layer_style_qml(kind: str, lang: str = "nl") -> str | None:
    """The QML style of a result layer of kind ``kind`` (``woningen``, ``mobipunten``...), or None."""
    en = lang == "en"
    if kind == "woningen":
        edges = [0.0, *symbology.ACCESS_CLASSES_MIN, 1e6]
        bounds = []
        for i, color in enumerate(symbology.ACCESS_COLORS):
            lo, hi = edges[i], edges[i + 1]
            label = (
                f"≤ {hi:g} min"
                if i == 0
                else f"> {lo:g} min"
                if hi >= 1e6
                else f"{lo:g}–{hi:g} min"
            )
            bounds.append((lo, hi, label, color))
        qml = _graduated(
            "bike_min_mobipunt", "marker", bounds, size=1.6, outline=symbology.UNREACHABLE_COLOR
        )
        return qml
    if kind == "mobipunten":
        names = {
            "interregionaal": "interregional",
            "regionaal": "regional",
            "lokaal": "local",
            "buurt": "neighbourhood",
        }
        items = [(t, names[t] if en else t, c) for t, c in symbology.HOPPIN_COLORS.items()]
        return _categorized(
            "hoppin_type", "marker", items, size=3.2, shape="hexagon", outline="#08306b"
        )
    if kind in ("fietsstromen", "afgesloten_links"):
        if kind == "afgesloten_links":
            return _single("line", symbology.CHANGE_COLORS["removed"], width=0.8)
        items = [(c, c, col) for c, col in symbology.LINK_CLASS_COLORS.items()]
        return _categorized("link_class", "line", items, width=0.5)
    if kind == "fietsstromen_verschil":
        return _single("line", symbology.FLOW_COLORS[3], width=0.8)
    if kind == "toegangswijzigingen":
        items = [
            ("gain", "winst" if not en else "gain", symbology.CHANGE_COLORS["gain"]),
            ("loss", "verlies" if not en else "loss", symbology.CHANGE_COLORS["loss"]),
        ]
        return _categorized("change", "marker", items, size=2.0)
    if kind == "gemeenten":
        return _single("fill", "#f5f3ee", outline="#6b6b6b", width=0.4)
    if kind == "bedieningsgebieden":
        return _single("fill", "#c6dbef", outline="#2171b5", width=0.3)
    if kind == "locatievoorstellen":
        return _single("marker", "#ffffff", size=4.0, shape="diamond", outline="#222222")
    if kind == "toegangspunten_brussel":
        return _single("marker", "#212121", size=2.4, shape="triangle")
    return None


_DDL = (
    "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
    "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
    "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
    "update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"
)


def write_layer_styles(path: Path, kinds: dict[str, str], lang: str = "nl") -> int:
    """Add a default QGIS style for every table in ``kinds`` (table -> layer kind); returns how many."""
    con = sqlite3.connect(path)
    try:
        geometry_columns = dict(
            con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        )
        con.execute(_DDL)
        con.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles')"
        )
        count = 0
        for table, kind in kinds.items():
            qml = layer_style_qml(kind, lang)
            if qml is None or table not in geometry_columns:
                continue
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
                "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                (table, geometry_columns[table], table, qml, "Slimme Regio Planner"),
            )
            count += 1
        con.commit()
    finally:
        con.close()
    return count
