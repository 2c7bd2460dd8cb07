"""Notes on what an evaluation's figures leave out: unreachable points and dwellings without a route."""

from __future__ import annotations

import numpy as np
import pandas as pd

from slimmeregio.layers.i18n import LANGUAGES, N_, tr
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


def _or_list(parts: list[str], lang: str) -> str:
    """``a``, ``a of b``, ``a, b of c`` (``or`` in English)."""
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + tr(lang, " of ") + parts[-1]


def _no_route(n: float, targets: list[str], pairs: list[tuple[str, float]], lang: str) -> str:
    where = ", ".join(f"{name} ({_count(v, lang)})" for name, v in pairs)
    return tr(
        lang,
        "Geen route: {n} woningen hebben geen fietsroute naar {target}{where}. Ze tellen als "
        "niet bediend; de mediaan en het 90e percentiel rekenen ze als oneindig ver, het "
        "gemiddelde laat ze weg.",
        n=_count(n, lang),
        target=_or_list([tr(lang, _TARGET_TEXT[t]) for t in targets], lang),
        where=tr(lang, " (vooral {places})", places=where) if where else "",
    )


#: Layer -> Dutch name of its points, one and many (``tr`` gives the English).
_POINTS = {
    "mobipunten": (N_("mobipunt"), N_("mobipunten")),
    "stations": (N_("station"), N_("stations")),
}
#: Points named in full in a note; the rest are counted.
_SHOWN = 5


def _unreachable_points(layer: str, ids: list[str]) -> dict[str, str]:
    one, many = _POINTS[layer]
    if len(ids) == 1:
        return {
            lang: tr(
                lang,
                "{what} {id} ligt te ver van het fietsnetwerk en telt niet mee.",
                what=tr(lang, one).capitalize(),
                id=ids[0],
            )
            for lang in LANGUAGES
        }
    shown = ", ".join(ids[:_SHOWN])
    return {
        lang: tr(
            lang,
            "{n} {what} liggen te ver van het fietsnetwerk en tellen niet mee: {shown}{more}.",
            n=len(ids),
            what=tr(lang, many),
            shown=shown,
            more=tr(lang, " en {k} andere", k=len(ids) - _SHOWN) if len(ids) > _SHOWN else "",
        )
        for lang in LANGUAGES
    }


def warning_notes(
    region: dict[str, float], municipalities: pd.DataFrame, unreachable: pd.DataFrame
) -> dict[str, dict[str, str]]:
    """Notes (code -> Dutch and English text) on what the figures leave out.

    ``unreachable_housing`` / ``unreachable_mobipunten`` /
    ``unreachable_stations``: points beyond ``max_snap_m`` of the network
    (the first five named, with their id, the rest counted); ``no_route_<target>``:
    dwellings on the network without any cycling route to a mobipunt /
    station / the Brussels border, with the municipalities that hold most of
    them. Targets whose dwellings without a route are the same in number and
    place share one note (``no_route_mobipunt_station_brussels``), so the
    same sentence does not stand three times.
    """
    notes: dict[str, dict[str, str]] = {}
    lost = region.get("unreachable_dwellings", 0.0)
    if lost > 0:
        notes["unreachable_housing"] = {
            lang: _unreachable_housing(lost, lang) for lang in LANGUAGES
        }
    for layer in _POINTS:
        rows = unreachable.loc[unreachable["layer"] == layer]
        names = rows["name"] if "name" in rows.columns else pd.Series([""] * len(rows))
        ids = [
            f"{name} ({i})" if name and name != i else i
            for i, name in zip(rows["id"].astype(str), names.fillna("").astype(str), strict=True)
        ]
        if ids:
            notes[f"unreachable_{layer}"] = _unreachable_points(layer, ids)
    groups: dict[tuple[float, tuple[tuple[str, float], ...]], list[str]] = {}
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
        groups.setdefault((float(n), tuple(pairs)), []).append(target)
    for (count, places), targets in groups.items():
        notes["no_route_" + "_".join(targets)] = {
            lang: _no_route(count, targets, list(places), lang) for lang in LANGUAGES
        }
    return notes
