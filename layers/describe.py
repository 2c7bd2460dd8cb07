"""Describing a loaded layer in plain text lines (what ``slimmeregio info`` prints)."""

from __future__ import annotations

from slimmeregio.layers.crs import crs_label
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.roles import ROLE_FIELDS

__all__ = ["layer_info_lines"]


def layer_info_lines(layer: Layer, lang: str) -> list[str]:
    """Name, geometry and count, coordinate system, bounds in Lambert 72, role,
    field mapping and the load report of ``layer``, one line each, in ``lang``."""
    nl = lang == "nl"
    lines = [(f"Laag '{layer.name}'" if nl else f"Layer '{layer.name}'")]
    if layer.is_raster:
        raster = layer.data
        size = f"{raster.width} x {raster.height} pixels, {raster.count} " + (
            "band(en)" if nl else "band(s)"
        )
        lines.append(f"  {'geometrie' if nl else 'geometry'}: raster, {size}")
    else:
        unit = "objecten" if nl else "features"
        lines.append(
            f"  {'geometrie' if nl else 'geometry'}: {layer.geometry_type}, {len(layer)} {unit}"
        )
    crs = crs_label(layer.original_crs, lang)
    if layer.crs_guessed:
        crs += " (geraden)" if nl else " (guessed)"
    lines.append(f"  {'coördinatenstelsel' if nl else 'coordinate system'}: {crs}")
    x0, y0, x1, y1 = layer.bounds
    if layer.is_raster and layer.original_crs and layer.original_crs != ANALYSIS_CRS:
        from pyproj import Transformer

        t = Transformer.from_crs(layer.original_crs, ANALYSIS_CRS, always_xy=True)
        x0, y0, x1, y1 = t.transform_bounds(x0, y0, x1, y1)
    lines.append(
        f"  {'grenzen' if nl else 'bounds'} (EPSG:31370): {x0:.0f} {y0:.0f} {x1:.0f} {y1:.0f}"
    )
    lines.append(f"  {'rol' if nl else 'role'}: {layer.role.label(lang)}")
    if layer.fields:
        specs = {s.key: (s.label_nl if nl else s.label_en) for s in ROLE_FIELDS[layer.role]}
        mapped = ", ".join(f"{specs.get(k, k)} = {c}" for k, c in layer.fields.items())
        lines.append(f"  {'velden' if nl else 'fields'}: {mapped}")
    if len(layer.report):
        lines.append(f"  {'rapport' if nl else 'report'}:")
        lines += [
            f"    {'!' if e.level == 'warning' else '-'} {e.message(lang)}" for e in layer.report
        ]
    return lines
