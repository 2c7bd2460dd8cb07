"""Find a street, address or place by name in the loaded layers.

Searches the text columns that hold names (the role's ``name`` field, and
columns called naam/name/straat/street/adres/address/... ), ignoring case
and accents. Features with the same name in one layer (the pieces of a
street) form one hit whose extent covers them all. Names starting with the
text come before names that only contain it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.model import Layer

__all__ = ["SearchHit", "name_columns", "search_names"]

_NAME_COLUMNS = (
    "naam",
    "name",
    "straat",
    "straatnaam",
    "street",
    "adres",
    "address",
    "addr:street",
    "huisnummer",
    "plaats",
    "place",
    "gemeente",
    "deelgemeente",
    "stop_name",
)


@dataclass(frozen=True)
class SearchHit:
    """One name found: its text, layer, feature positions and their extent."""

    text: str
    layer: str
    positions: tuple[int, ...]
    bounds: tuple[float, float, float, float]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_columns(layer: Layer) -> list[str]:
    """The columns of ``layer`` searched for names (mapped name field first)."""
    if layer.is_raster:
        return []
    cols = [str(c) for c in layer.frame.columns if c != layer.frame.geometry.name]
    out: list[str] = []
    mapped = layer.fields.get("name")
    if mapped in cols:
        out.append(mapped)
    out += [c for c in cols if c.lower() in _NAME_COLUMNS and c not in out]
    return out


def search_names(layers: list[Layer], text: str, *, limit: int = 30) -> list[SearchHit]:
    """Hits for ``text`` (at least two characters) in ``layers``, best first."""
    needle = _fold(text.strip())
    if len(needle) < 2:
        return []
    ranked: list[tuple[int, int, str, SearchHit]] = []
    for layer in layers:
        columns = name_columns(layer)
        if not columns:
            continue
        geoms = layer.frame.geometry.to_numpy()
        for col in columns:
            values = layer.frame[col]
            texts = values.astype("string").fillna("")
            folded = texts.map(_fold)
            contains = folded.str.contains(needle, regex=False).to_numpy(dtype=bool)
            if not contains.any():
                continue
            hits = pd.DataFrame(
                {"text": texts.to_numpy()[contains], "pos": np.flatnonzero(contains)}
            )
            for name, group in hits.groupby("text", sort=False):
                pos = group["pos"].to_numpy(dtype=np.int64)
                box = shapely.total_bounds(geoms[pos])
                if not np.all(np.isfinite(box)):
                    continue
                rank = 0 if _fold(str(name)).startswith(needle) else 1
                x0, y0, x1, y1 = (float(v) for v in box)
                hit = SearchHit(str(name), layer.name, tuple(int(p) for p in pos), (x0, y0, x1, y1))
                ranked.append((rank, len(str(name)), str(name), hit))
    ranked.sort(key=lambda r: (r[0], r[1], r[2]))
    seen: set[tuple[str, str]] = set()
    out: list[SearchHit] = []
    for _, _, _, hit in ranked:
        key = (hit.text, hit.layer)
        if key in seen:
            continue
        seen.add(key)
        out.append(hit)
        if len(out) >= limit:
            break
    return out
