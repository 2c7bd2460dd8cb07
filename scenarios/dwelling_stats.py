"""Dwelling-weighted indicator values: coverage shares, mean / median / p90, curves.

Shares are percentages (0..100) of *all* dwellings, unreachable ones
included (they count as not covered).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.role_values import canonical_value
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.model import Parameters
from slimmeregio.scenarios.results import fmt_threshold

__all__ = [
    "coverage_curve",
    "group_indicators",
    "municipality_table",
    "planned_mask",
    "region_and_municipalities",
    "weighted_quantile",
]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` weighted by ``weights`` (NaN-free input).

    The smallest value at which the cumulative weight reaches ``q`` of the
    total; NaN when there is no weight.
    """
    ok = np.isfinite(values) & (weights > 0)
    v, w = values[ok], weights[ok]
    if len(v) == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    idx = int(np.searchsorted(cum, q * cum[-1] - 1e-9 * cum[-1]))
    return float(v[min(idx, len(v) - 1)])


def _stats(
    values: np.ndarray, weights: np.ndarray, counted: np.ndarray | None = None
) -> tuple[float, float, float]:
    """Weighted mean, median and 90th percentile (one sort).

    ``counted`` marks the dwellings the statistic is about (default: all
    with a weight). Those without a value (NaN: no route, or not attached)
    are *infinite* for the median and p90 (so cutting dwellings off can never
    improve them) and left out of the mean (whose line states how many,
    ``no_route_dwellings_...``). A percentile that falls among them is
    ``inf``.
    """
    counted = weights > 0 if counted is None else counted & (weights > 0)
    if not counted.any():
        return float("nan"), float("nan"), float("nan")
    v, w = values[counted], weights[counted]
    v = np.where(np.isfinite(v), v, np.inf)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    total = cum[-1]
    fin = np.isfinite(v)
    mean = float((v[fin] * w[fin]).sum() / w[fin].sum()) if fin.any() else float("nan")
    last = len(v) - 1
    median = float(v[min(int(np.searchsorted(cum, 0.5 * total - 1e-9 * total)), last)])
    p90 = float(v[min(int(np.searchsorted(cum, 0.9 * total - 1e-9 * total)), last)])
    return mean, median, p90


_ARRAY_COLUMNS = (
    "walk_m_mobipunt",
    "bike_min_mobipunt",
    "walk_m_station",
    "bike_min_station",
)


def _arrays(frame: pd.DataFrame, brussels: bool) -> dict[str, np.ndarray]:
    out = {c: frame[c].to_numpy(dtype=float) for c in ("dwellings", "inhabitants", *_ARRAY_COLUMNS)}
    out["reachable"] = frame["reachable"].to_numpy(dtype=bool)
    out["planned"] = (
        planned_mask(frame["status"]) if "status" in frame.columns else np.zeros(len(frame), bool)
    )
    if brussels:
        out["bike_min_brussels"] = frame["bike_min_brussels"].to_numpy(dtype=float)
        inside_bx = (
            frame["in_brussels"].to_numpy(dtype=bool)
            if "in_brussels" in frame.columns
            else np.zeros(len(frame), bool)
        )
        out["routed_brussels"] = ~inside_bx
    return out


def planned_mask(status: pd.Series) -> np.ndarray:
    """Which housing rows are planned (status ``gepland`` or a synonym such as
    ``vergund`` or ``in aanbouw``), not lived in today."""
    codes, uniques = pd.factorize(status.fillna("").astype(str))
    planned = np.array(
        [canonical_value(Role.HOUSING, "status", str(v)) == "gepland" for v in uniques], dtype=bool
    )
    return planned[codes] if len(codes) else np.zeros(0, bool)


def group_indicators(
    frame: pd.DataFrame, params: Parameters, *, brussels: bool | None = None
) -> dict[str, float]:
    """Indicator values for a set of dwellings (rows of the dwellings frame).

    ``brussels``: include the Brussels-border keys; by default when the frame
    has a ``bike_min_brussels`` column with any value.
    """
    if brussels is None:
        brussels = "bike_min_brussels" in frame.columns and bool(
            frame["bike_min_brussels"].notna().any()
        )
    return _indicators(_arrays(frame, brussels), params, None)


def _indicators(
    arrays: dict[str, np.ndarray], params: Parameters, idx: np.ndarray | None
) -> dict[str, float]:
    def col(name: str) -> np.ndarray:
        values = arrays[name]
        return values if idx is None else values[idx]

    dw = col("dwellings")
    inh = col("inhabitants")
    reachable = col("reachable")
    total = dw.sum()
    total_inh = inh.sum()
    nan = float("nan")
    out: dict[str, float] = {
        "dwellings": float(total),
        "inhabitants": float(total_inh),
        "unreachable_dwellings": float(dw[~reachable].sum()),
        "existing_dwellings": float(dw[~col("planned")].sum()),
        "planned_dwellings": float(dw[col("planned")].sum()),
    }
    for target in ("mobipunt", "station"):
        walk = col(f"walk_m_{target}")
        bike = col(f"bike_min_{target}")
        # Attached to the network, but no cycling route to any destination.
        out[f"no_route_dwellings_{target}"] = float(dw[reachable & ~np.isfinite(bike)].sum())
        for m in params.walk_thresholds_m:
            key = f"share_walk_{target}_{fmt_threshold(m)}m"
            out[key] = float(100.0 * dw[walk <= m].sum() / total) if total > 0 else nan
        for t in params.bike_thresholds_min:
            key = f"share_bike_{target}_{fmt_threshold(t)}min"
            out[key] = float(100.0 * dw[bike <= t].sum() / total) if total > 0 else nan
        for name, values in (("bike_min", bike), ("walk_m", walk)):
            mean, median, p90 = _stats(values, dw)
            out[f"mean_{name}_{target}"] = mean
            out[f"median_{name}_{target}"] = median
            out[f"p90_{name}_{target}"] = p90
    if "bike_min_brussels" in arrays:
        bx = col("bike_min_brussels")
        routed = col("routed_brussels")
        out["no_route_dwellings_brussels"] = float(dw[routed & reachable & ~np.isfinite(bx)].sum())
        mean, median, p90 = _stats(bx, dw, routed)
        out["mean_bike_min_brussels"] = mean
        out["median_bike_min_brussels"] = median
        out["p90_bike_min_brussels"] = p90
    return out


def coverage_curve(frame: pd.DataFrame, max_min: int) -> pd.DataFrame:
    """% of dwellings within 0..max_min cycling minutes of a mobipunt / station."""
    minutes = np.arange(0, max_min + 1)
    dw = frame["dwellings"].to_numpy(dtype=float)
    total = dw.sum()
    data: dict[str, Any] = {"minutes": minutes}
    for target in ("mobipunt", "station"):
        bike = frame[f"bike_min_{target}"].to_numpy(dtype=float)
        order = np.argsort(np.where(np.isfinite(bike), bike, np.inf), kind="stable")
        sorted_t = np.where(np.isfinite(bike), bike, np.inf)[order]
        cum = np.r_[0.0, np.cumsum(dw[order])]
        counts = np.searchsorted(sorted_t, minutes, side="right")
        data[f"share_{target}"] = 100.0 * cum[counts] / total if total > 0 else np.nan
    return pd.DataFrame(data)


def municipality_table(
    dw: pd.DataFrame,
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
    *,
    brussels: bool = False,
) -> pd.DataFrame:
    """Indicators per municipality: the project's municipalities in their order, then
    any other ``nis`` of the dwellings."""
    return _municipality_rows(dw, _arrays(dw, brussels), municipalities, params)


def region_and_municipalities(
    dw: pd.DataFrame,
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
    *,
    brussels: bool = False,
) -> tuple[dict[str, float], pd.DataFrame]:
    """:func:`group_indicators` of all dwellings and :func:`municipality_table`,
    from one set of columns."""
    arrays = _arrays(dw, brussels)
    return _indicators(arrays, params, None), _municipality_rows(dw, arrays, municipalities, params)


def _municipality_rows(
    dw: pd.DataFrame,
    arrays: dict[str, np.ndarray],
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
) -> pd.DataFrame:
    names: dict[str, str] = {}
    order: list[str] = []
    if municipalities is not None:
        for nis, name in zip(
            municipalities["nis"].astype(str), municipalities["name"].astype(str), strict=True
        ):
            names[nis] = name
            order.append(nis)
    # One stable sort of the codes: each municipality's rows, ascending.
    codes, uniq = pd.factorize(dw["nis"].astype(str), use_na_sentinel=False)
    by_code = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[by_code], np.arange(len(uniq) + 1))
    groups = {str(u): by_code[bounds[i] : bounds[i + 1]] for i, u in enumerate(uniq)}
    muni_values = dw["municipality"]
    empty = np.zeros(0, dtype=np.int64)
    rows = []
    for nis in [*order, *sorted(k for k in groups if k not in names)]:
        idx = groups.get(nis, empty)
        name = names.get(nis)
        if name is None:
            name = str(muni_values.iloc[int(idx[0])]) if len(idx) else ""
        rows.append({"nis": nis, "name": name, **_indicators(arrays, params, idx)})
    return pd.DataFrame(rows)
