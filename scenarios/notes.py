"""Notes on what an evaluation's figures leave out: unreachable points and dwellings without a route."""

from __future__ import annotations

import numpy as np
import pandas as pd

from slimmeregio.layers.i18n import LANGUAGES, N_, tr, tr_each
from slimmeregio.layers.numbers import fmt_number

__all__ = ["warning_notes"]


#: Target -> Dutch phrase (``tr`` gives the English).
_TARGET_TEXT = {
    "mobipunt": N_("een mobipunt"),
    "station": N_("een station"),
    "brussels": N_("de Brusselse grens"),
}


def _count(value: float, lang: str) -> str:
    return fmt_number(value, "count", lang)


def _unreachable_housing(lost: float, lang: str) -> str:
    return tr(
        lang,
        "{n} woningen liggen verder dan de maximale afstand van het fietsnetwerk: "
        "ze tellen als niet bediend.",
        n=_count(lost, lang),
    )


def _no_route(n: float, target: str, pairs: list[tuple[str, float]], lang: str) -> str:
    where = ", ".join(f"{name} ({_count(v, lang)})" for name, v in pairs)
    return tr(
        lang,
        "Geen route: {n} woningen hebben geen fietsroute naar {target}{where}. Ze tellen als "
        "niet bediend; de mediaan en het 90e percentiel rekenen ze als oneindig ver, het "
        "gemiddelde laat ze weg.",
        n=_count(n, lang),
        target=tr(lang, _TARGET_TEXT[target]),
        where=tr(lang, " (vooral {places})", places=where) if where else "",
    )


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
            lang: _unreachable_housing(lost, lang) for lang in LANGUAGES
        }
    for layer in ("mobipunten", "stations"):
        ids = unreachable.loc[unreachable["layer"] == layer, "id"].astype(str).tolist()
        if ids:
            shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
            notes[f"unreachable_{layer}"] = tr_each(
                "{n} {layer} liggen te ver van het fietsnetwerk en tellen niet mee: {shown}.",
                n=len(ids),
                layer=layer,
                shown=shown,
            )
    for target in _TARGET_TEXT:
        key = f"no_route_dwellings_{target}"
        n = region.get(key, 0.0)
        if not n or not np.isfinite(n) or n <= 0:
            continue
        pairs: list[tuple[str, float]] = []
        if key in municipalities.columns:
            per = municipalities[["name", key]].loc[municipalities[key] > 0]
            per = per.sort_values(key, ascending=False).head(5)
            pairs = list(zip(per["name"].astype(str), per[key].astype(float), strict=True))
        notes[f"no_route_{target}"] = {
            lang: _no_route(n, target, pairs, lang) for lang in LANGUAGES
        }
    return notes
