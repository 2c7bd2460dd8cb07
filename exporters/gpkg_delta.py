"""A scenario's GeoPackage layers as what changed against the base: the rows that differ or are new.

A scenario that moves one mobipunt changes the access of a few hundred
dwellings and the flow on a few hundred links; a full copy of 24,000
dwellings and 31,000 links per scenario hides that and doubles the file.
The scenario layers of dwellings, links, service areas and Brussels entry
points keep only their changed and new rows, with the base layer's columns
(so the same QGIS style applies); together with the base layer they give
the whole scenario. Rows the scenario removes are in their own layers
(closed links) or in the access changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["DELTA_KEYS", "DeltaKey", "changed_rows"]


@dataclass(frozen=True)
class DeltaKey:
    """How rows of one layer kind are matched with the base: by ``key`` columns (and their order within a key)."""

    key: tuple[str, ...]


#: Layer kinds written as changes, and the columns that identify a row.
DELTA_KEYS: dict[str, DeltaKey] = {
    "woningen": DeltaKey(("housing_id",)),
    "fietsstromen": DeltaKey(("link_id",)),
    "bedieningsgebieden": DeltaKey(("mobipunt_id", "minutes")),
    "toegangspunten_brussel": DeltaKey(("entry_id",)),
}


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality; two missing values are equal, floats to 1e-9."""
    left, right = a.to_numpy(), b.to_numpy()
    both_missing = pd.isna(a).to_numpy() & pd.isna(b).to_numpy()
    try:
        equal = np.isclose(
            left.astype(float), right.astype(float), rtol=0.0, atol=1e-9, equal_nan=True
        )
    except (TypeError, ValueError):
        equal = np.array([x == y for x, y in zip(left, right, strict=True)], dtype=bool)
    return equal | both_missing


def changed_rows(
    scenario: gpd.GeoDataFrame, base: gpd.GeoDataFrame, key: DeltaKey
) -> gpd.GeoDataFrame:
    """The rows of ``scenario`` that are new or differ from ``base`` in any column or the geometry.

    Rows are matched on ``key`` plus their order among rows with the same key
    (a link cut into several edges). Returns ``scenario`` unchanged when the
    key columns are missing from either frame.
    """
    cols = list(key.key)
    if not set(cols) <= set(scenario.columns) or not set(cols) <= set(base.columns):
        return scenario
    left = scenario.reset_index(drop=True)
    right = base.reset_index(drop=True)
    left_key = (
        left[cols].astype(str).assign(_n=left.groupby(cols, sort=False).cumcount().to_numpy())
    )
    right_key = (
        right[cols].astype(str).assign(_n=right.groupby(cols, sort=False).cumcount().to_numpy())
    )
    where = right_key.reset_index().merge(
        left_key.reset_index(), on=[*cols, "_n"], how="right", suffixes=("_base", "")
    )
    where = where.sort_values("index").reset_index(drop=True)
    matched = where["index_base"].notna().to_numpy()
    keep = ~matched
    rows = np.flatnonzero(matched)
    base_rows = where.loc[matched, "index_base"].astype(int).to_numpy()
    geometry = left.geometry.name
    for column in left.columns:
        if column not in right.columns:
            continue
        a, b = (
            left[column].iloc[rows].reset_index(drop=True),
            right[column].iloc[base_rows].reset_index(drop=True),
        )
        if column == geometry:
            same = np.asarray(
                gpd.GeoSeries(a.to_numpy(), crs=left.crs).geom_equals_exact(
                    gpd.GeoSeries(b.to_numpy(), crs=left.crs), tolerance=1e-6
                )
            )
        else:
            same = _same(a, b)
        keep[rows[~same]] = True
    out = left[keep]
    return gpd.GeoDataFrame(out, geometry=geometry, crs=scenario.crs)
