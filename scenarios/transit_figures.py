"""Public transport figures: the region's and each municipality's, from the dwellings' columns.

:func:`transit_indicators` turns the dwellings' public transport columns
(:func:`~scenarios.transit.transit_columns`) into the keys of
:mod:`~scenarios.transit_keys` for one set of dwellings;
:func:`region_and_municipalities` does so for the region and every
municipality, each time column sorted once, and takes a municipality's
figures from the base where none of its dwellings changed
(:mod:`~scenarios.group_reuse`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.scenarios.dwelling_stats import (
    GroupedOrder,
    as_inf,
    hint_from_base,
    sorted_stats,
    stable_order,
    weighted_stats,
)
from slimmeregio.scenarios.group_reuse import take_unchanged
from slimmeregio.scenarios.incremental import full_evaluation_forced
from slimmeregio.scenarios.model import Parameters

__all__ = ["TIME_COLUMNS", "order_hints", "region_and_municipalities", "transit_indicators"]


def transit_indicators(
    columns: pd.DataFrame | Mapping[str, np.ndarray],
    dwellings: np.ndarray,
    reachable: np.ndarray,
    params: Parameters,
    *,
    brussels: bool,
    sorted_rows: Mapping[str, np.ndarray] | None = None,
) -> dict[str, float]:
    """The public transport keys for one set of dwellings (see transit_keys).

    ``columns``: :func:`transit_columns`'s rows of these dwellings (a frame
    or its columns as arrays); ``brussels``: whether any stop has a ride to
    Brussels (else the door-to-door keys are left out); ``sorted_rows``: per
    time column, the rows with dwellings in stable value order if known
    (:class:`~dwelling_stats.GroupedOrder`), which saves the sort.
    """
    dw = np.asarray(dwellings, dtype=float)
    total = dw.sum()
    nan = float("nan")
    out: dict[str, float] = {}

    def column(key: str, dtype: Any) -> np.ndarray:
        return np.asarray(columns[key], dtype=dtype)

    def stats(key: str, values: np.ndarray) -> tuple[float, float, float]:
        rows = sorted_rows.get(key) if sorted_rows is not None else None
        if rows is None:
            return weighted_stats(values, dw)
        return sorted_stats(as_inf(values[rows]), dw[rows])

    for window in params.pt_windows:
        for threshold in params.pt_departures_per_hour:
            key = f"pt_{window}_{threshold:g}ph"
            hit = column(key, bool)
            out[f"share_{key}"] = float(100.0 * dw[hit].sum() / total) if total > 0 else nan
    bike = column("bike_min_train", float)
    out["no_route_dwellings_train"] = float(dw[reachable & ~np.isfinite(bike)].sum())
    for t in params.bike_thresholds_min:
        out[f"share_bike_train_{t:g}min"] = (
            float(100.0 * dw[bike <= t].sum() / total) if total > 0 else nan
        )
    for name, value in zip(("mean", "median", "p90"), stats("bike_min_train", bike), strict=True):
        out[f"{name}_bike_min_train"] = value
    for t in params.bike_thresholds_min:
        score = column(f"hub_score_{t:g}min", float)
        out[f"hub_score_{t:g}min"] = float(100.0 * (dw * score).sum() / total) if total > 0 else nan
        for offer in params.hub_offers:
            hit = column(f"hub_{offer}_{t:g}min", bool)
            out[f"share_bike_hub_{offer}_{t:g}min"] = (
                float(100.0 * dw[hit].sum() / total) if total > 0 else nan
            )
    if brussels:
        door = column("door_min_brussels", float)
        out["no_route_dwellings_door_brussels"] = float(dw[~np.isfinite(door)].sum())
        for name, value in zip(
            ("mean", "median", "p90"), stats("door_min_brussels", door), strict=True
        ):
            out[f"{name}_door_min_brussels"] = value
    return out


#: The time columns whose medians and p90s sort the dwellings.
TIME_COLUMNS = ("bike_min_train", "door_min_brussels")


def order_hints(reuse: Any) -> dict[str, np.ndarray] | None:
    """The base's sorted time columns carried to a scenario's dwellings
    (``reuse``: ``(TransitReuse, base row per dwelling, edge map)``)."""
    if reuse is None or reuse[1] is None or full_evaluation_forced():
        return None
    base, rows, _ = reuse
    out = {}
    for key in TIME_COLUMNS:
        if key in base.columns.columns:
            hint = hint_from_base(base.time_order(key), np.asarray(rows))
            if hint is not None:
                out[key] = hint
    return out


def region_and_municipalities(
    columns: pd.DataFrame,
    nis: pd.Series | np.ndarray,
    wanted: Sequence[str],
    dwellings: np.ndarray,
    reachable: np.ndarray,
    params: Parameters,
    brussels: bool,
    hints: dict[str, np.ndarray] | None = None,
    *,
    previous: dict[str, Any] | None = None,
    base_rows: np.ndarray | None = None,
    remember: dict[str, Any] | None = None,
) -> tuple[dict[str, float], list[dict[str, float]]]:
    """:func:`transit_indicators` of all dwellings and of each municipality
    in ``wanted`` (NIS codes; ``nis``: per dwelling), each time column
    sorted once for all of them (:class:`~dwelling_stats.GroupedOrder`),
    from ``hints`` (the base's order, :func:`~dwelling_stats.hint_from_base`)
    where given.

    ``previous`` (what the base's call put in ``remember``) with
    ``base_rows`` (the base row of each dwelling, -1 new): a municipality
    whose dwellings and every value of theirs are the base's keeps the
    base's figures (:mod:`~scenarios.group_reuse`)."""
    # (Text columns, the stop and station ids, count in no indicator.)
    arrays = {
        name: columns[name].to_numpy()
        for name in columns.columns
        if not isinstance(columns[name].dtype, pd.StringDtype)
    }
    arrays_w = {**arrays, "_dwellings": dwellings, "_reachable": reachable}
    codes, uniques = pd.factorize(nis)
    taken = _taken_rows(previous, arrays_w, codes, uniques, base_rows, params, brussels)
    code_of = {str(u): i for i, u in enumerate(uniques)}
    by_code = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[by_code], np.arange(-1, len(uniques) + 1))
    # Each dwelling's position among its municipality's rows (ascending).
    local = np.empty(len(codes), np.int64)
    local[by_code] = np.arange(len(codes)) - bounds[codes[by_code] + 1]
    orders = {}
    for key in TIME_COLUMNS:
        if key in arrays:
            keys = as_inf(arrays[key].astype(float))
            order = stable_order(keys, (hints or {}).get(key))
            orders[key] = GroupedOrder(keys, dwellings > 0, codes, len(uniques), order=order)
    region = transit_indicators(
        arrays,
        dwellings,
        reachable,
        params,
        brussels=brussels,
        sorted_rows={key: order.rows for key, order in orders.items()},
    )
    rows = []
    for code in wanted:
        if code in taken:
            rows.append(taken[code])
            continue
        c = code_of.get(code, -1)
        idx = by_code[bounds[c + 1] : bounds[c + 2]] if c >= 0 else by_code[:0]
        rows.append(
            transit_indicators(
                {name: values[idx] for name, values in arrays.items()},
                dwellings[idx],
                reachable[idx],
                params,
                brussels=brussels,
                sorted_rows={key: local[order.group(c)] for key, order in orders.items()},
            )
        )
    if remember is not None:
        remember.update(
            arrays=arrays_w,
            codes=np.asarray(codes),
            uniq=[str(u) for u in uniques],
            rows=dict(zip(wanted, rows, strict=True)),
            params=params,
            brussels=brussels,
        )
    return region, rows


def _taken_rows(
    previous: dict[str, Any] | None,
    arrays: dict[str, np.ndarray],
    codes: np.ndarray,
    uniques: Any,
    base_rows: np.ndarray | None,
    params: Parameters,
    brussels: bool,
) -> dict[str, dict[str, float]]:
    """The base's figures of the municipalities none of whose dwellings or
    values changed (nothing without a base to take from)."""
    if (
        not previous
        or previous["params"] != params
        or previous["brussels"] != brussels
        or set(previous["arrays"]) != set(arrays)
        or full_evaluation_forced()
    ):
        return {}
    return take_unchanged(
        previous["rows"], arrays, previous["arrays"], np.asarray(codes), list(uniques),
        previous["codes"], previous["uniq"], base_rows,
    )  # fmt: skip
