"""The web map's public transport stops layer: stops coloured by morning-peak departures, with a popup per stop.

Popup: name, modes, departures per hour in every window the stops carry,
and the Hoppin check of the mobipunten whose best stop it is (fits / does
not fit, with the reason). Colours and classes are the printed map's
(:data:`~slimmeregio.layers.symbology.PT_RATE_BREAKS`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from slimmeregio.exporters.map_themes import class_labels
from slimmeregio.exporters.map_transit import pt_window
from slimmeregio.exporters.style import class_index
from slimmeregio.exporters.webmap_layers import geojson
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.symbology import PT_RATE_BREAKS, PT_RATE_COLORS
from slimmeregio.scenarios.transit_keys import WINDOW_LABELS

__all__ = ["stops_data", "stops_legend"]


def _hub_text(evaluation: Any, lang: str) -> dict[str, str]:
    """Per stop id: the Hoppin check of the hubs whose best stop it is."""
    checks = getattr(evaluation, "hub_checks", None)
    if checks is None or len(checks) == 0:
        return {}
    reason = "reason_nl" if lang == "nl" else "reason_en"
    out: dict[str, list[str]] = {}
    for rec in checks.to_dict(orient="records"):
        stop = str(rec["best_stop"])
        if not stop:
            continue
        verdict = tr(lang, "past") if rec["ok"] else tr(lang, "past niet") + f" ({rec[reason]})"
        out.setdefault(stop, []).append(f"{rec['mobipunt_id']} {rec['name']}: {verdict}")
    return {k: "; ".join(v) for k, v in out.items()}


def stops_data(evaluation: Any, lang: str) -> dict[str, Any]:
    """GeoJSON of the evaluation's stops (after its set_frequency changes) with their popup fields."""
    stops = evaluation.pt_stops.copy()
    window = pt_window(evaluation.parameters)
    rates = stops[f"per_uur_{window}"].to_numpy(dtype=float)
    idx = class_index(np.nan_to_num(rates, nan=0.0), PT_RATE_BREAKS)
    station = stops["station"].to_numpy(dtype=bool)
    stops["_style"] = [
        f"{PT_RATE_COLORS[i]}|{7 if s else 4}" for i, s in zip(idx, station, strict=True)
    ]
    hub = _hub_text(evaluation, lang)
    stops["hoppin_"] = [hub.get(str(s), "") for s in stops["stop_id"]]
    cols = {"name": tr(lang, "Naam"), "modes": tr(lang, "Modi")}
    for w, (window_nl, window_en) in WINDOW_LABELS.items():
        column = f"per_uur_{w}"
        if column in stops.columns and (stops[column].to_numpy(dtype=float) > 0).any():
            window = window_en if lang == "en" else window_nl
            cols[column] = tr(lang, "Vertrekken/uur ({window})", window=window)
    if "changed" in stops.columns:
        stops["changed_"] = [tr(lang, "ja") if c else "" for c in stops["changed"].astype(bool)]
        cols["changed_"] = tr(lang, "Frequentie gewijzigd door het scenario")
    cols["hoppin_"] = tr(lang, "Hoppin-toets")
    order = np.argsort(rates, kind="stable")  # busiest drawn last, on top
    return geojson(stops.iloc[order], cols, lang=lang)


def stops_legend(evaluation: Any, lang: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The legend section of the stops layer."""
    window = pt_window(evaluation.parameters)
    w = WINDOW_LABELS.get(window, (window, window))[0 if lang == "nl" else 1]
    labels = class_labels(PT_RATE_BREAKS, "")
    return (
        tr(lang, "OV-haltes: vertrekken per uur ({w}); grote stip = station").format(w=w),
        [(lab, c, "dot") for lab, c in zip(labels, PT_RATE_COLORS, strict=True)],
    )
