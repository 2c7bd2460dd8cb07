"""Describing a loaded layer in plain text lines (what ``slimmeregio info`` prints)."""

from __future__ import annotations

import numpy as np

from slimmeregio.layers.crs import crs_label
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.roles import ROLE_FIELDS

__all__ = ["layer_info_lines"]


def _geometry_line(layer: Layer, lang: str) -> str:
    """Geometry and count; a table without coordinates (an origin-destination
    table) says so."""
    if layer.is_raster:
        raster = layer.data
        return tr(lang, "  geometrie: raster, {w} x {h} pixels, {n} band(en)").format(
            w=raster.width, h=raster.height, n=raster.count
        )
    if _is_table(layer):
        return tr(lang, "  geometrie: geen (een tabel), {n} rijen").format(n=len(layer))
    return tr(lang, "  geometrie: {kind}, {n} objecten").format(
        kind=layer.geometry_type, n=len(layer)
    )


def _is_table(layer: Layer) -> bool:
    return not layer.is_raster and layer.geometry_type == "None" and not layer.original_crs


def _place_lines(layer: Layer, lang: str) -> list[str]:
    """Coordinate system, and bounds in Lambert 72 when there are any."""
    crs = crs_label(layer.original_crs, lang)
    if layer.crs_guessed:
        crs += tr(lang, " (geraden)")
    lines = [tr(lang, "  coördinatenstelsel: {crs}").format(crs=crs)]
    x0, y0, x1, y1 = layer.bounds
    if layer.is_raster and layer.original_crs and layer.original_crs != ANALYSIS_CRS:
        from pyproj import Transformer

        t = Transformer.from_crs(layer.original_crs, ANALYSIS_CRS, always_xy=True)
        x0, y0, x1, y1 = t.transform_bounds(x0, y0, x1, y1)
    if np.all(np.isfinite([x0, y0, x1, y1])):
        lines.append(
            tr(lang, "  grenzen (EPSG:31370): {x0:.0f} {y0:.0f} {x1:.0f} {y1:.0f}").format(
                x0=x0, y0=y0, x1=x1, y1=y1
            )
        )
    return lines


def layer_info_lines(layer: Layer, lang: str) -> list[str]:
    """Name, geometry and count, coordinate system, bounds in Lambert 72, role,
    field mapping and the load report of ``layer``, one line each, in ``lang``."""
    lines = [tr(lang, "Laag '{name}'").format(name=layer.name), _geometry_line(layer, lang)]
    if not _is_table(layer):
        lines += _place_lines(layer, lang)
    lines.append(tr(lang, "  rol: {role}").format(role=layer.role.label(lang)))
    if layer.fields:
        nl = lang == "nl"
        specs = {s.key: (s.label_nl if nl else s.label_en) for s in ROLE_FIELDS[layer.role]}
        mapped = ", ".join(f"{specs.get(k, k)} = {c}" for k, c in layer.fields.items())
        lines.append(tr(lang, "  velden: {fields}").format(fields=mapped))
    if len(layer.report):
        lines.append(tr(lang, "  rapport:"))
        lines += [
            f"    {'!' if e.level == 'warning' else '-'} {e.message(lang)}" for e in layer.report
        ]
    return lines
