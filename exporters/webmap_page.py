"""Web-map page furniture: legend, title and source boxes, scenario selector, stylesheet."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slimmeregio.exporters._safe import html_text
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.layers.i18n import tr


def legend_html(sections: list[tuple[str, list[tuple[str, str, str]]]], lang: str) -> str:
    """A fixed legend box; ``(label, colour, shape)`` with shape line/dot/box."""
    parts = [
        f'<details open class="srp-legend"><summary class="srp-legend-title">{tr(lang, "Legende")}'
        "</summary>"
    ]
    for heading, items in sections:
        if not items:
            continue
        parts.append(f'<div class="srp-legend-head">{html_text(heading)}</div>')
        for label, color, shape in items:
            c = html_text(color)
            if shape == "line":
                sym = f'<span class="srp-sym" style="height:4px;margin-top:6px;background:{c}"></span>'
            elif shape == "dash":
                sym = f'<span class="srp-sym" style="height:0;margin-top:7px;border-top:3px dashed {c}"></span>'
            elif shape == "dot":
                sym = f'<span class="srp-sym srp-dot" style="background:{c}"></span>'
            elif shape == "diamond":
                sym = (
                    f'<span class="srp-sym" style="width:10px;height:10px;margin:2px 5px 0 3px;background:#fff;'
                    f'border:2px solid {c};transform:rotate(45deg)"></span>'
                )
            else:
                sym = f'<span class="srp-sym" style="background:{c};opacity:.8"></span>'
            parts.append(f'<div class="srp-legend-row">{sym}{html_text(label)}</div>')
    parts.append("</details>")
    return "".join(parts)


# The boxes sit above Leaflet's panes (z-index <= 700) and below its controls
# (1000), so an opened layer switcher is never hidden behind the legend.
CSS = """
<style>
.srp-site { width: 16px; height: 16px; margin: 3px; background: #fff; border: 2px solid #222; transform: rotate(45deg);
  display: flex; align-items: center; justify-content: center; pointer-events: none; }
.srp-site span { transform: rotate(-45deg); font: bold 11px sans-serif; color: #222; }
.srp-site-name { position: absolute; left: 26px; top: 3px; white-space: nowrap; font: italic bold 11px sans-serif;
  color: #222; pointer-events: none; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.srp-muni { white-space: nowrap; transform: translate(-50%, -50%); display: inline-block; font: 600 12px sans-serif;
  color: #333; pointer-events: none; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
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


def selector_html(selectable: dict[str, list[str]], shown: str, lang: str) -> str:
    """A scenario selector: one run's housing, hubs and changes at a time."""
    options = "".join(
        f'<option value="{i}"{" selected" if name == shown else ""}>{html_text(name)}</option>'
        for i, name in enumerate(selectable)
    )
    label = tr(lang, "Toon scenario")
    return (
        f'<div class="srp-box srp-select"><label for="srp-scenario">{label}</label> '
        f'<select id="srp-scenario">{options}</select></div>'
    )


def selector_script(selectable: dict[str, list[str]], map_name: str) -> str:
    """JavaScript: switching the selector swaps the layer groups of the runs (names are generated ids)."""
    groups = json.dumps([names for names in selectable.values()])
    # the groups are looked up when the selector changes: folium may define them after this script
    return (
        f"window.addEventListener('load', function() {{ var runs = {groups};"
        " var sel = document.getElementById('srp-scenario'); if (!sel) return;"
        " sel.addEventListener('change', function() { runs.forEach(function(r, i) { r.forEach(function(n) {"
        f" var g = window[n]; if (!g) return;"
        f" if (String(i) === sel.value) {{ {map_name}.addLayer(g); }} else {{ {map_name}.removeLayer(g); }}"
        " }); }); }); });"
    )


def popup_clear_script(map_name: str) -> str:
    """JavaScript: an opened popup is panned clear of the title, selector, legend and source boxes.

    The boxes float above the map (a popup lives inside it and cannot be
    raised above them), so after Leaflet's own auto-pan the map is moved by
    the smallest shift that takes the popup off every box it overlaps,
    staying inside the window; a popup too large for any free spot folds
    the legend away instead.
    """
    return (
        "window.addEventListener('load', function() {"
        f" var map = {map_name};"
        " function rects() { return Array.prototype.map.call("
        "document.querySelectorAll('.srp-box, .srp-legend'), function(el) { return el.getBoundingClientRect(); })"
        ".filter(function(r) { return r.width > 0 && r.height > 0; }); }"
        " function hit(a, b) { return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top; }"
        " function clear(popup) {"
        "  var el = popup.getElement(); if (!el) return;"
        "  var p = el.getBoundingClientRect(), boxes = rects(), W = window.innerWidth, H = window.innerHeight;"
        "  var dx = 0, dy = 0;"
        "  for (var round = 0; round < 4; round++) {"
        "   var q = {left: p.left + dx, right: p.right + dx, top: p.top + dy, bottom: p.bottom + dy};"
        "   var box = boxes.filter(function(r) { return hit(q, r); })[0]; if (!box) break;"
        "   var moves = [[box.right + 8 - q.left, 0], [box.left - 8 - q.right, 0],"
        "                [0, box.bottom + 8 - q.top], [0, box.top - 8 - q.bottom]].filter(function(m) {"
        "     return q.left + m[0] >= 0 && q.right + m[0] <= W && q.top + m[1] >= 0 && q.bottom + m[1] <= H; });"
        "   if (!moves.length) { var leg = document.querySelector('details.srp-legend');"
        "     if (leg && leg.open) { leg.open = false; boxes = rects(); continue; } break; }"
        "   moves.sort(function(a, b) { return Math.abs(a[0]) + Math.abs(a[1]) - Math.abs(b[0]) - Math.abs(b[1]); });"
        "   dx += moves[0][0]; dy += moves[0][1];"
        "  }"
        "  if (dx || dy) map.panBy([-dx, -dy], {animate: false});"
        " }"
        # after Leaflet's own auto-pan (animated: wait for its end, or 300 ms when it does not move)
        " map.on('popupopen', function(e) { map.once('moveend', function() { clear(e.popup); });"
        " setTimeout(function() { clear(e.popup); }, 300); });"
        "});"
    )


def header_html(meta: ExportMeta, scenarios: Sequence[str], lang: str) -> str:
    names = ", ".join(html_text(s) for s in scenarios) or html_text(meta.scenario)
    org = f" · {html_text(meta.organisation)}" if meta.organisation else ""
    note = ""
    if meta.notes:
        details = "".join(f"<li>{html_text(n)}</li>" for n in meta.notes)
        note = (
            f'<details class="srp-note"><summary>{tr(lang, "Let op")}: '
            f"{html_text(meta.short_note_for(lang))}</summary><ul>{details}</ul></details>"
        )
    for text in meta.result_note_texts(lang):
        note += f'<div class="srp-note">{tr(lang, "Let op")}: {html_text(text)}</div>'
    howto = tr(
        lang,
        "Lagen aan- en uitzetten met de lagenknop rechtsboven; klik op een object voor de gegevens.",
    )
    return (
        f'<div class="srp-box srp-title"><h1>{html_text(meta.title)}</h1>'
        f"<div>Scenario: {names}</div>"
        f'<div class="srp-meta">{html_text(meta.date_text)}{org} · Slimme Regio Planner {html_text(meta.version)}</div>'
        f"{note}"
        f'<div class="srp-meta">{html_text(howto)}</div>'
        "</div>"
    )


def sources_html(meta: ExportMeta, lang: str) -> str:
    text = meta.source_line(lang, compact=True)
    params = meta.parameter_line(lang)
    return (
        f'<div class="srp-box srp-sources">{html_text(text)}'
        + (f"<br>Parameters: {html_text(params)}" if params else "")
        + "</div>"
    )
