"""Dwelling-weighted indicator values: coverage shares, mean / median / p90, curves.

Shares are percentages (0..100) of *all* dwellings, unreachable ones
included (they count as not covered).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.role_values import canonical_value
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.group_reuse import take_unchanged
from slimmeregio.scenarios.model import Parameters
from slimmeregio.scenarios.results import fmt_threshold

__all__ = [
    "GroupedOrder",
    "StatsMemo",
    "as_inf",
    "coverage_curve",
    "group_indicators",
    "municipality_table",
    "planned_mask",
    "hint_from_base",
    "region_and_municipalities",
    "sorted_from_hint",
    "sorted_stats",
    "stable_order",
    "weighted_quantile",
    "weighted_stats",
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
    v = _as_inf(v)
    order = np.argsort(v, kind="stable")
    return _sorted_stats(v[order], w[order])


def weighted_stats(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """Weighted mean (over finite values), median and p90 of the rows with
    weight; a missing value counts as infinitely far."""
    return _stats(values, weights)


def sorted_stats(v: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted mean (over finite values), median and p90 of values already
    in stable sorted order, missing ones as ``inf`` (:func:`_stats` without
    its sort)."""
    return _sorted_stats(v, w)


class GroupedOrder:
    """One column's counted rows in stable value order, for all rows and per
    group: one sort for the column instead of one per group.

    Filtering the whole stable order to a group's rows gives exactly the
    stable order of that group's values (ties keep row order in both), so
    statistics read from it equal those of sorting the group alone.
    """

    def __init__(
        self,
        keys: np.ndarray,
        counted: np.ndarray,
        codes: np.ndarray,
        n_groups: int,
        *,
        order: np.ndarray | None = None,
    ) -> None:
        """``keys``: the sort values per row; ``counted``: the rows to keep;
        ``codes``: group per row (0 .. ``n_groups`` - 1; -1 in none);
        ``order``: the stable argsort of ``keys`` when already known."""
        full = np.argsort(keys, kind="stable") if order is None else order
        #: Every row in order (for later hints, :func:`hint_from_base`).
        self.order = full
        #: Every counted row, in order.
        self.rows = full[counted[full]]
        g = codes[self.rows]
        small = g.astype(np.int16) if n_groups < 2**15 else g  # radix-sortable
        by = np.argsort(small, kind="stable")
        self._grouped = self.rows[by]
        self._bounds = np.searchsorted(g[by], np.arange(-1, n_groups + 1))

    def group(self, code: int) -> np.ndarray:
        """The counted rows of group ``code``, in order (none for -1)."""
        if code < 0:
            return self._grouped[:0]
        return self._grouped[self._bounds[code + 1] : self._bounds[code + 2]]


def _sorted_stats(v: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """:func:`_stats` of values already in (value, row) order, missing ones as ``inf``."""
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
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
    arrays: dict[str, np.ndarray],
    params: Parameters,
    idx: np.ndarray | None,
    sorted_rows: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[str, float]:
    """Indicators of the rows ``idx`` (None: all). ``sorted_rows``: per
    statistic column, the counted rows of ``idx`` in (value, row) order (see
    :class:`_GroupOrders`), so the statistics need no sort of their own."""

    def col(name: str) -> np.ndarray:
        values = arrays[name]
        return values if idx is None else values[idx]

    def stats(
        name: str, values: np.ndarray, counted: np.ndarray | None = None
    ) -> tuple[float, float, float]:
        if sorted_rows is None:
            return _stats(values, col("dwellings"), counted)
        v, rows = sorted_rows[name]
        return _sorted_stats(v[rows], arrays["dwellings"][rows])

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
        for name, column, values in (
            ("bike_min", f"bike_min_{target}", bike),
            ("walk_m", f"walk_m_{target}", walk),
        ):
            mean, median, p90 = stats(column, values)
            out[f"mean_{name}_{target}"] = mean
            out[f"median_{name}_{target}"] = median
            out[f"p90_{name}_{target}"] = p90
    if "bike_min_brussels" in arrays:
        bx = col("bike_min_brussels")
        routed = col("routed_brussels")
        out["no_route_dwellings_brussels"] = float(dw[routed & reachable & ~np.isfinite(bx)].sum())
        mean, median, p90 = stats("bike_min_brussels", bx, routed)
        out["mean_bike_min_brussels"] = mean
        out["median_bike_min_brussels"] = median
        out["p90_bike_min_brussels"] = p90
    return out


def coverage_curve(
    frame: pd.DataFrame, max_min: int, *, orders: dict[str, np.ndarray] | None = None
) -> pd.DataFrame:
    """% of dwellings within 0..max_min cycling minutes of a mobipunt / station.

    ``orders``: per column the rows in stable sorted order, as
    :func:`region_and_municipalities` keeps them (saves the sorts)."""
    minutes = np.arange(0, max_min + 1)
    dw = frame["dwellings"].to_numpy(dtype=float)
    total = dw.sum()
    data: dict[str, Any] = {"minutes": minutes}
    for target in ("mobipunt", "station"):
        bike = _as_inf(frame[f"bike_min_{target}"].to_numpy(dtype=float))
        order = (orders or {}).get(f"bike_min_{target}")
        if order is None or len(order) != len(bike):
            order = np.argsort(bike, kind="stable")
        sorted_t = bike[order]
        cum = np.r_[0.0, np.cumsum(dw[order])]
        counts = np.searchsorted(sorted_t, minutes, side="right")
        data[f"share_{target}"] = 100.0 * cum[counts] / total if total > 0 else np.nan
    return pd.DataFrame(data)


class _GroupOrders:
    """Per statistic column, the counted rows in (value, row) order, for the
    region and per group: one sort per column instead of one per group.

    Filtering the region's stable order to a group's rows gives exactly the
    stable order of that group's values (ties keep row order in both), so
    every statistic equals the one :func:`_stats` computes on the group.
    """

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        codes: np.ndarray,
        n_groups: int,
        hints: dict[str, np.ndarray] | None = None,
        needed: np.ndarray | None = None,
    ) -> None:
        """``needed``: per group whether its rows are asked for (default: all)."""
        w = arrays["dwellings"]
        small = codes.astype(np.int16) if n_groups < 2**15 else codes  # radix-sortable
        self._n = n_groups
        self._values: dict[str, np.ndarray] = {}
        #: Per column: every row in (value, row) order (missing as inf).
        self.full: dict[str, np.ndarray] = {}
        self._region: dict[str, np.ndarray] = {}
        self._grouped: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in (*_ARRAY_COLUMNS, "bike_min_brussels"):
            if name not in arrays:
                continue
            counted = w > 0
            if name == "bike_min_brussels":
                counted &= arrays["routed_brussels"]
            v = _as_inf(arrays[name])
            hint = hints.get(name) if hints else None
            order = np.argsort(v, kind="stable") if hint is None else sorted_from_hint(v, hint)
            self.full[name] = order
            order = order[counted[order]]
            self._values[name] = v
            self._region[name] = order
            g = small[order]
            if needed is not None:
                wanted = needed[g]
                order, g = order[wanted], g[wanted]
            by = np.argsort(g, kind="stable")
            bounds = np.searchsorted(g[by], np.arange(n_groups + 1))
            self._grouped[name] = (order[by], bounds)

    def rows(self, group: int | None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per column ``(values with inf for missing, sorted rows)`` of
        ``group`` (None: the region; -1: no rows)."""
        out = {}
        for name, v in self._values.items():
            if group is None:
                out[name] = (v, self._region[name])
            elif group < 0:
                out[name] = (v, np.zeros(0, np.int64))
            else:
                grouped, bounds = self._grouped[name]
                out[name] = (v, grouped[bounds[group] : bounds[group + 1]])
        return out


def sorted_from_hint(values: np.ndarray, hint: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` (NaN-free ``values``), computed
    from ``hint``, a permutation of the rows in roughly that order.

    The stable sort of the hinted sequence costs about one pass when few rows
    are out of place (a scenario's values in the base's order); ties then
    follow the hint, so the runs of equal values whose rows are not ascending
    are put in row order afterwards. The result is the same permutation.
    """
    order = hint[np.argsort(values[hint], kind="stable")]
    if len(order) < 2:
        return order
    v = values[order]
    tie = v[1:] == v[:-1]
    bad = np.flatnonzero(tie & (order[1:] < order[:-1]))
    if len(bad):
        run = np.cumsum(np.r_[True, ~tie])  # run number of each position
        fix = np.isin(run, run[bad])
        rows, runs = order[fix], run[fix]
        order[fix] = rows[np.lexsort((rows, runs))]
    return order


def stable_order(keys: np.ndarray, hint: np.ndarray | None = None) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` (NaN-free ``keys``), from ``hint``
    (:func:`hint_from_base`) when given: the same permutation, cheaper."""
    return np.argsort(keys, kind="stable") if hint is None else sorted_from_hint(keys, hint)


def hint_from_base(base_order: np.ndarray, base_rows: np.ndarray) -> np.ndarray | None:
    """The base's row order carried to a scenario's rows (``base_rows[i]``:
    the base row of scenario row ``i``, -1 new), new rows last; None when
    the rows do not map one to one."""
    n_base, n = len(base_order), len(base_rows)
    carried = base_rows >= 0
    if n_base == 0 or (carried.any() and base_rows.max() >= n_base):
        return None
    inverse = np.full(n_base, -1, dtype=np.int64)
    inverse[base_rows[carried]] = np.flatnonzero(carried)
    hint = inverse[base_order]
    hint = np.concatenate([hint[hint >= 0], np.flatnonzero(~carried)])
    if len(hint) != n or not (np.bincount(hint, minlength=n) == 1).all():
        return None
    return hint


def _as_inf(values: np.ndarray) -> np.ndarray:
    """``values`` with every non-finite value (NaN: no route) as ``inf``."""
    return np.where(np.isfinite(values), values, np.inf)


as_inf = _as_inf


def _codes(dw: pd.DataFrame) -> tuple[np.ndarray, Any]:
    return pd.factorize(dw["nis"].astype(str), use_na_sentinel=False)


def municipality_table(
    dw: pd.DataFrame,
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
    *,
    brussels: bool = False,
) -> pd.DataFrame:
    """Indicators per municipality: the project's municipalities in their order, then
    any other ``nis`` of the dwellings."""
    arrays = _arrays(dw, brussels)
    codes, uniq = _codes(dw)
    orders = _GroupOrders(arrays, codes, len(uniq))
    return _municipality_rows(dw, arrays, municipalities, params, codes, uniq, orders, {})[0]


@dataclass(frozen=True)
class StatsMemo:
    """What :func:`region_and_municipalities` computed for a situation (the
    base), for a later one (a scenario of it): the sorted statistic columns
    (hints for its sorts) and each municipality's row with the columns it
    came from, so that a municipality none of whose dwellings changed keeps
    its row."""

    #: Per statistic column, every row in sorted order.
    orders: dict[str, np.ndarray]
    params: Parameters | None = None
    brussels: bool = False
    #: The project's municipalities, ``(nis, name)`` in order.
    municipalities: tuple[tuple[str, str], ...] = ()
    #: The columns the indicators read (:func:`_arrays`).
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    #: Group (municipality) of each row, and the ``nis`` of each group.
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    uniq: tuple[str, ...] = ()
    #: Per ``nis`` of the project's municipalities, its row of the table.
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)


def region_and_municipalities(
    dw: pd.DataFrame,
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
    *,
    brussels: bool = False,
    hints: dict[str, np.ndarray] | None = None,
    previous: StatsMemo | None = None,
    base_rows: np.ndarray | None = None,
    keep: list[StatsMemo] | None = None,
) -> tuple[dict[str, float], pd.DataFrame]:
    """:func:`group_indicators` of all dwellings and :func:`municipality_table`,
    from one set of columns sorted once.

    ``hints``: per statistic column a permutation of the rows in roughly
    sorted order (the base's order, :func:`hint_from_base`), which makes the
    sorts cheap. ``previous`` with ``base_rows`` (the ``previous`` row of
    each row, -1 for a new one): the base's memo, whose row a municipality
    keeps when its dwellings and their values are the base's. The results
    are the same without either. ``keep``: given a :class:`StatsMemo` of
    this call (for later hints and rows)."""
    arrays = _arrays(dw, brussels)
    codes, uniq = _codes(dw)
    muni_key = _municipality_key(municipalities)
    taken = _clean_rows(previous, arrays, codes, uniq, base_rows, params, brussels, muni_key)
    needed = None
    if taken is not None:
        needed = np.array([str(u) not in taken for u in uniq], dtype=bool)
    orders = _GroupOrders(arrays, codes, len(uniq), hints, needed)
    region = _indicators(arrays, params, None, orders.rows(None))
    table, rows = _municipality_rows(
        dw, arrays, municipalities, params, codes, uniq, orders, taken or {}
    )
    if keep is not None:
        known = {nis for nis, _ in muni_key}
        keep.append(
            StatsMemo(
                orders=orders.full,
                params=params,
                brussels=brussels,
                municipalities=muni_key,
                arrays=arrays,
                codes=codes,
                uniq=tuple(str(u) for u in uniq),
                rows={nis: row for nis, row in rows.items() if nis in known},
            )
        )
    return region, table


def _municipality_key(municipalities: gpd.GeoDataFrame | None) -> tuple[tuple[str, str], ...]:
    if municipalities is None:
        return ()
    return tuple(
        zip(municipalities["nis"].astype(str), municipalities["name"].astype(str), strict=True)
    )


def _clean_rows(
    memo: StatsMemo | None,
    arrays: dict[str, np.ndarray],
    codes: np.ndarray,
    uniq: Any,
    base_rows: np.ndarray | None,
    params: Parameters,
    brussels: bool,
    muni_key: tuple[tuple[str, str], ...],
) -> dict[str, dict[str, Any]] | None:
    """The ``memo``'s rows of the project's municipalities whose rows are the
    memo's, in the same order, with every column's values the same bit for
    bit (NaN as NaN): their indicators are then the same computation on the
    same numbers. None when the memo cannot be used at all."""
    if (
        memo is None
        or not memo.rows
        or memo.params != params
        or memo.brussels != brussels
        or memo.municipalities != muni_key
        or set(memo.arrays) != set(arrays)
    ):
        return None
    return take_unchanged(
        memo.rows, arrays, memo.arrays, codes, list(uniq), memo.codes, memo.uniq, base_rows
    )


def _municipality_rows(
    dw: pd.DataFrame,
    arrays: dict[str, np.ndarray],
    municipalities: gpd.GeoDataFrame | None,
    params: Parameters,
    codes: np.ndarray,
    uniq: Any,
    orders: _GroupOrders,
    taken: dict[str, dict[str, Any]],
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The table, and its rows by ``nis``; ``taken``: rows known already."""
    key = _municipality_key(municipalities)
    names = dict(key)
    order = [nis for nis, _ in key]
    groups = {str(u): i for i, u in enumerate(uniq)}
    muni_values = dw["municipality"]
    empty = np.zeros(0, dtype=np.int64)
    by_code: np.ndarray | None = None
    bounds = empty
    table: list[dict[str, Any]] = []
    for nis in [*order, *sorted(k for k in groups if k not in names)]:
        if nis in taken:
            table.append(taken[nis])
            continue
        code = groups.get(nis, -1)
        if code < 0:
            idx = empty
        elif taken:  # a few municipalities: each one's rows, ascending
            idx = np.flatnonzero(codes == code)
        else:
            if by_code is None:  # one stable sort of the codes
                by_code = np.argsort(codes, kind="stable")
                bounds = np.searchsorted(codes[by_code], np.arange(len(uniq) + 1))
            idx = by_code[bounds[code] : bounds[code + 1]]
        name = names.get(nis)
        if name is None:
            name = str(muni_values.iloc[int(idx[0])]) if len(idx) else ""
        table.append(
            {"nis": nis, "name": name, **_indicators(arrays, params, idx, orders.rows(code))}
        )
    return pd.DataFrame(table), {str(row["nis"]): row for row in table}
