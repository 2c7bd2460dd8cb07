"""Cycling uptake shares of a scenario's OD pairs, taken over from the base's where the pair's route is the same.

The uptake share of an origin-destination pair is a function of that pair's
route distance (and gradient) alone, evaluated element by element
(:func:`~slimmeregio.scenarios.commuting.uptake`). A base evaluation keeps
its distances and shares per uptake model; a scenario takes a pair's share
over when the pair exists in the base (same dwelling, same workplace) with
the same distance and gradient, and computes only the others. Each share is
the same function of the same numbers, so the result equals a
recomputation bit for bit (checked by the equivalence tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from slimmeregio.scenarios.commuting import UptakeModel, uptake

__all__ = ["UptakeMemo", "same_values", "share_source"]


@dataclass(eq=False)
class UptakeMemo:
    """A base evaluation's pair distances (km, origins x workplaces),
    gradients and, per uptake model, the shares computed from them;
    ``keys``: the pooled origins' cells (:mod:`commute_origins`), None when
    every housing point is an origin."""

    distance_km: np.ndarray
    gradient_pct: np.ndarray | float = 0.0
    shares: dict[UptakeModel, np.ndarray] = field(default_factory=dict)
    keys: pd.MultiIndex | None = None


def same_values(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element by element: equal, or both NaN."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


def share_source(
    distance_km: np.ndarray,
    gradient_pct: np.ndarray | float = 0.0,
    *,
    previous: UptakeMemo | None = None,
    row_map: np.ndarray | None = None,
    record: UptakeMemo | None = None,
) -> Callable[[UptakeModel], np.ndarray]:
    """``model -> uptake(distance_km, gradient_pct, model=model)``, reusing ``previous``.

    ``row_map``: base origin row -> row of ``distance_km`` (-1: gone);
    ``record``: filled with the shares computed (a base evaluation's memo).
    """
    d = np.asarray(distance_km, dtype=float)
    g_scalar = np.ndim(gradient_pct) == 0
    g = float(gradient_pct) if g_scalar else np.asarray(gradient_pct, dtype=float)  # type: ignore[arg-type]
    usable = (
        previous is not None
        and row_map is not None
        and d.ndim == 2
        and previous.distance_km.ndim == 2
        and previous.distance_km.shape[1] == d.shape[1]
        and len(row_map) == previous.distance_km.shape[0]
        and (np.ndim(previous.gradient_pct) == 0) == g_scalar
        and (not g_scalar or float(previous.gradient_pct) == g)  # type: ignore[arg-type]
    )
    base_of = np.full(d.shape[0] if d.ndim else 0, -1, dtype=np.int64)
    if usable:
        assert row_map is not None
        kept = np.flatnonzero(row_map >= 0)
        base_of[row_map[kept]] = kept
    old = np.flatnonzero(base_of >= 0)

    def share_of(model: UptakeModel) -> np.ndarray:
        before = previous.shares.get(model) if usable and previous is not None else None
        if before is None or previous is None:
            share = uptake(d, g, model=model)
        else:
            rows = base_of[old]
            same = np.zeros(d.shape, bool)
            same[old] = same_values(d[old], previous.distance_km[rows])
            if not g_scalar:
                assert isinstance(g, np.ndarray) and isinstance(previous.gradient_pct, np.ndarray)
                same[old] &= same_values(g[old], previous.gradient_pct[rows])
            share = np.empty(d.shape)
            share[old] = before[rows]
            todo = ~same
            share[todo] = uptake(d[todo], g if g_scalar else g[todo], model=model)  # type: ignore[index]
        if record is not None:
            record.shares[model] = share
        return share

    return share_of
