"""Where commuting trips start: each housing point, or the housing points of each 100 m cell pooled at one address.

The gravity model, the uptake shares and the route assignment run per
origin x workplace pair. With an address-level housing layer (about 300,000
points in the region) that is tens of millions of pairs, seconds of work and
gigabytes per evaluation, for detail the model does not have: the
workplaces are a few hundred points and the uptake curve moves by
hundredths of a percent over the tens of metres inside a cell.

``Parameters.commute_origins`` chooses:

``points``
    every housing point is an origin (exact per point);
``cells``
    the housing points of each 100 m cell of the population grid (Lambert 72
    metres, the grid of ``resources/bevolking_100m.tif`` and Statbel's
    statistical grid), per municipality, are one origin: its dwellings are
    the cell's, and its routes start at the cell's address nearest to the
    dwelling-weighted centre of the cell (a real address, attached to the
    network like every other). A cell split by a municipal border gives one
    origin per municipality, so every municipal total stays the sum of its
    own dwellings' trips;
``auto`` (default)
    ``points`` up to :data:`AUTO_MAX_POINTS` housing points, ``cells`` above.

A dwelling's commuters are its origin's in proportion to its dwellings
(:meth:`Origins.spread`), which is what the gravity model gives every
dwelling of an origin; the potential bike commuters likewise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.layers.i18n import N_
from slimmeregio.layers.numbers import fmt_number

__all__ = [
    "AUTO_MAX_POINTS",
    "CELL_M",
    "ORIGIN_LABELS",
    "Origins",
    "commute_origins",
    "origins_note",
    "uses_cells",
]

#: Above this many housing points ``auto`` pools them per cell.
AUTO_MAX_POINTS = 50_000
#: Cell size (m) of the pooled origins: the population grid's.
CELL_M = 100.0
#: The choices of ``Parameters.commute_origins`` and how the interface names them.
ORIGIN_LABELS: dict[str, str] = {
    "auto": N_("Automatisch"),
    "points": N_("Elk woonpunt"),
    "cells": N_("Cellen van 100 m"),
}


@dataclass(frozen=True, eq=False)
class Origins:
    """The commuting origins of one situation.

    ``rows``: per origin, the housing row its routes start from (ascending);
    ``member``: per housing row, its origin (None: every row is its own);
    ``dwellings`` and ``nis``: per origin; ``keys``: per origin, its cell and
    municipality (matches a scenario's origins to the base's), None per point.
    """

    rows: np.ndarray
    member: np.ndarray | None
    dwellings: np.ndarray
    nis: np.ndarray
    keys: pd.MultiIndex | None

    @property
    def pooled(self) -> bool:
        return self.member is not None

    def __len__(self) -> int:
        return int(len(self.rows))

    def spread(self, per_origin: np.ndarray, dwellings: np.ndarray) -> np.ndarray:
        """Per housing row: its origin's value in proportion to its ``dwellings``."""
        values = np.asarray(per_origin, dtype=float)
        if self.member is None:
            return values
        total = self.dwellings[self.member]
        share = np.divide(
            np.asarray(dwellings, dtype=float),
            total,
            out=np.zeros(len(self.member)),
            where=total > 0,
        )
        return values[self.member] * share

    def row_map_from(self, previous_keys: pd.MultiIndex | None) -> np.ndarray | None:
        """Base origin -> this situation's origin with the same cell and
        municipality (-1: none), for taking the base's uptake shares over;
        None when either side is not pooled."""
        if self.keys is None or previous_keys is None:
            return None
        return np.asarray(self.keys.get_indexer(previous_keys), dtype=np.int64)


def uses_cells(mode: str, n_points: int) -> bool:
    """Whether ``mode`` (``Parameters.commute_origins``) pools ``n_points`` housing points."""
    return mode == "cells" or (mode == "auto" and n_points > AUTO_MAX_POINTS)


def commute_origins(
    mode: str,
    xy: np.ndarray,
    dw: pd.DataFrame,
    reachable: np.ndarray,
    *,
    decide_by: int | None = None,
) -> Origins:
    """The origins of housing points at ``xy`` (rows of ``dw``: ``dwellings``,
    ``nis``; ``reachable``: attached to the network). ``decide_by``: the
    number of points ``auto`` decides by (the base's, so that a scenario is
    measured as its base is); default: these points."""
    dwellings = dw["dwellings"].to_numpy(dtype=float)
    n = len(dw)
    if not uses_cells(mode, n if decide_by is None else decide_by) or n == 0:
        return Origins(np.arange(n), None, dwellings, dw["nis"].astype(str).to_numpy(), None)
    x = np.asarray(xy[:, 0], dtype=float)
    y = np.asarray(xy[:, 1], dtype=float)
    # Groups by (cell x, cell y, nis, on the network), from one integer key
    # per point (grouping 300,000 rows by four columns, one of them text,
    # took a tenth of a second). Their numbering does not matter: the
    # origins are listed by their addresses' rows.
    finite = np.isfinite(x) & np.isfinite(y)
    cx = np.floor(np.where(finite, x, 0.0) / CELL_M).astype(np.int64)
    cy = np.floor(np.where(finite, y, 0.0) / CELL_M).astype(np.int64)
    if not finite.all():  # points without coordinates: a cell of their own, first
        cx[~finite] = cx[finite].min(initial=0) - 1
        cy[~finite] = cy[finite].min(initial=0) - 1
    nis_code, nis_values = pd.factorize(dw["nis"].astype(str))
    # Points off the network pool apart: their origin has no route.
    on = np.asarray(reachable, bool).astype(np.int64)
    x0, y0 = int(cx.min()), int(cy.min())
    ny, nn = int(cy.max()) - y0 + 1, max(len(nis_values), 1)
    key = (((cx - x0) * ny + (cy - y0)) * nn + nis_code) * 2 + on
    member, group_keys = pd.factorize(key)
    member = np.asarray(member, dtype=np.int64)
    group_keys = np.asarray(group_keys, dtype=np.int64)
    k = len(group_keys)
    total = np.bincount(member, weights=dwellings, minlength=k)
    # The dwelling-weighted centre of each origin (the plain centre where it
    # holds no dwellings), and the member nearest to it (the first row of equals).
    weight = np.where(total[member] > 0, dwellings, 1.0)
    w_sum = np.bincount(member, weights=weight, minlength=k)
    ccx = np.bincount(member, weights=weight * x, minlength=k) / w_sum
    ccy = np.bincount(member, weights=weight * y, minlength=k) / w_sum
    d2 = (x - ccx[member]) ** 2 + (y - ccy[member]) ** 2
    rep = _nearest_member(member, d2, k)
    # Origins in the order of their addresses, so that per point and pooled
    # runs list them alike.
    by_row = np.argsort(rep, kind="stable")
    renumber = np.empty(k, dtype=np.int64)
    renumber[by_row] = np.arange(k)
    on_key, rest = group_keys % 2, group_keys // 2
    nis_of, cell = rest % nn, rest // nn
    nis_text = np.asarray(nis_values, dtype=object)
    keys = pd.MultiIndex.from_arrays(
        [
            (cell // ny + x0)[by_row],
            (cell % ny + y0)[by_row],
            nis_text[nis_of][by_row],
            on_key.astype(bool)[by_row],
        ],
        names=["cx", "cy", "nis", "on"],
    )
    return Origins(
        rep[by_row],
        renumber[member],
        total[by_row],
        nis_text[nis_code[rep[by_row]]],
        keys,
    )


def _nearest_member(member: np.ndarray, d2: np.ndarray, k: int) -> np.ndarray:
    """Per group, its row of the smallest ``d2`` (NaN last), the first row
    among equals: the first row of each group in ``np.lexsort((rows, d2,
    member))`` order, without sorting 300,000 rows."""
    best = np.full(k, np.nan)
    np.fmin.at(best, member, d2)  # NaN only where every member's is
    n = len(member)
    rep = np.full(k, n, dtype=np.int64)
    hit = np.flatnonzero((d2 == best[member]) | np.isnan(best[member]))
    np.minimum.at(rep, member[hit], hit)
    return rep


def origins_note(origins: Origins, n_points: int) -> dict[str, Any]:
    """The note saying the origins were pooled (empty when they were not)."""
    if not origins.pooled:
        return {}
    return {
        "commute_origins_pooled": {
            "nl": f"Pendel: {fmt_number(n_points, 'count')} woonpunten samengenomen tot "
            f"{fmt_number(len(origins), 'count')} herkomsten, één per cel van 100 m en gemeente; de "
            "routes vertrekken aan het adres het dichtst bij het midden van de woningen van de cel.",
            "en": f"Commuting: {fmt_number(n_points, 'count', 'en')} housing points pooled into "
            f"{fmt_number(len(origins), 'count', 'en')} origins, one "
            "per 100 m cell and municipality; routes start at the address nearest the centre of the "
            "cell's dwellings.",
        }
    }
