"""Notes on what an evaluation's figures leave out: unreachable points and dwellings without a route."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["warning_notes"]


_TARGET_TEXT = {
    "mobipunt": ("een mobipunt", "a mobipunt"),
    "station": ("een station", "a station"),
    "brussels": ("de Brusselse grens", "the Brussels border"),
}


def _count(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", ".") if lang == "nl" else text


def warning_notes(
    region: dict[str, float], municipalities: pd.DataFrame, unreachable: pd.DataFrame
) -> dict[str, dict[str, str]]:
    """Notes (code -> Dutch and English text) on what the figures leave out.

    ``unreachable_housing`` / ``unreachable_mobipunten`` /
    ``unreachable_stations``: points beyond ``max_snap_m`` of the network;
    ``no_route_<target>``: dwellings on the network without any cycling route
    to a mobipunt / station / the Brussels border, with the municipalities
    that hold most of them.
    """
    notes: dict[str, dict[str, str]] = {}
    lost = region.get("unreachable_dwellings", 0.0)
    if lost > 0:
        notes["unreachable_housing"] = {
            "nl": f"{_count(lost, 'nl')} woningen liggen verder dan de maximale afstand van het "
            "fietsnetwerk: ze tellen als niet bediend.",
            "en": f"{_count(lost, 'en')} dwellings lie beyond the maximum distance from the bike "
            "network: they count as not served.",
        }
    for layer, nl, en in (
        ("mobipunten", "mobipunten", "mobipunten"),
        ("stations", "stations", "stations"),
    ):
        ids = unreachable.loc[unreachable["layer"] == layer, "id"].astype(str).tolist()
        if ids:
            shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
            notes[f"unreachable_{layer}"] = {
                "nl": f"{len(ids)} {nl} liggen te ver van het fietsnetwerk en tellen niet mee: {shown}.",
                "en": f"{len(ids)} {en} lie too far from the bike network and are not counted: {shown}.",
            }
    for target, (t_nl, t_en) in _TARGET_TEXT.items():
        key = f"no_route_dwellings_{target}"
        n = region.get(key, 0.0)
        if not n or not np.isfinite(n) or n <= 0:
            continue
        where = ""
        where_en = ""
        if key in municipalities.columns:
            per = municipalities[["name", key]].loc[municipalities[key] > 0]
            per = per.sort_values(key, ascending=False).head(5)
            pairs = list(zip(per["name"].astype(str), per[key].astype(float), strict=True))
            where = ", ".join(f"{name} ({_count(v, 'nl')})" for name, v in pairs)
            where_en = ", ".join(f"{name} ({_count(v, 'en')})" for name, v in pairs)
        notes[f"no_route_{target}"] = {
            "nl": f"Geen route: {_count(n, 'nl')} woningen hebben geen fietsroute naar {t_nl}"
            + (f" (vooral {where})" if where else "")
            + ". Ze tellen als niet bediend; de mediaan en het 90e percentiel rekenen ze als "
            "oneindig ver, het gemiddelde laat ze weg.",
            "en": f"No route: {_count(n, 'en')} dwellings have no cycling route to {t_en}"
            + (f" (mostly {where_en})" if where_en else "")
            + ". They count as not served; the median and 90th percentile count them as "
            "infinitely far, the mean leaves them out.",
        }
    return notes
