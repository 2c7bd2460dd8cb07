"""Comparing a scenario's evaluation with the base's."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.results import (
    LINK_FLOW_COLUMNS,
    Comparison,
    Evaluation,
    indicator_label,
    indicator_unit,
)

__all__ = ["access_changes", "compare", "link_flow_changes"]

_FLOWS = ("flow_dwellings", "flow_brussels_dwellings", "flow_bike_commuters")

_CHANGE_COLUMNS = [
    "housing_id",
    "name",
    "nis",
    "municipality",
    "target",
    "mode",
    "threshold",
    "change",
    "dwellings",
]


_T = TypeVar("_T")
#: Per frame (by identity, while it lives): results derived from it. An
#: evaluation's frames are read-only, and the base's are compared with every
#: scenario, so what is derived from them is computed once.
_DERIVED: dict[tuple[int, str], tuple[weakref.ref[Any], Any]] = {}


def _derived(frame: pd.DataFrame, what: str, make: Callable[[pd.DataFrame], _T]) -> _T:
    """``make(frame)``, remembered for ``frame`` (by identity) while it lives."""
    key = (id(frame), what)
    hit = _DERIVED.get(key)
    if hit is not None and hit[0]() is frame:
        return hit[1]  # type: ignore[no-any-return]
    value = make(frame)

    def forget(_ref: weakref.ref[Any]) -> None:
        _DERIVED.pop(key, None)

    _DERIVED[key] = (weakref.ref(frame, forget), value)
    return value


def _ids(frame: pd.DataFrame) -> np.ndarray:
    return frame["housing_id"].astype(str).to_numpy(dtype=object)


def _id_set(frame: pd.DataFrame) -> set[Any]:
    return set(_derived(frame, "ids", _ids).tolist())


def _pick(
    bd: pd.DataFrame, sd: pd.DataFrame, at_b: np.ndarray, at_s: np.ndarray, col: str, fill: object
) -> np.ndarray:
    """Column ``col`` at base rows ``at_b`` or, where given, scenario rows
    ``at_s`` (-1: none). Only the rows taken are converted (whole string
    columns take seconds)."""
    out = np.full(len(at_b), fill, dtype=object)
    from_b, from_s = at_b >= 0, at_s >= 0
    if from_b.any():
        out[from_b] = bd[col].iloc[at_b[from_b]].to_numpy(dtype=object)
    if from_s.any():
        out[from_s] = sd[col].iloc[at_s[from_s]].to_numpy(dtype=object)
    return out


def _keys(base: dict[str, float], scen: dict[str, float]) -> list[str]:
    keys = list(base)
    keys += [k for k in scen if k not in base]
    return keys


def access_changes(base: Evaluation, scenario: Evaluation) -> gpd.GeoDataFrame:
    """Housing features that gain or lose access at each threshold.

    Thresholds are the scenario's parameters'. With a Brussels layer, rows
    with target ``brussels`` (mode ``bike``, threshold ``inf``) are the
    dwellings that gain or lose a cycling route to the Brussels border. A feature only in the
    scenario (added housing) gains where it is within reach; one only in the
    base (removed housing) loses where it was.
    """
    bd, sd = base.dwellings, scenario.dwellings
    b_ids = _derived(bd, "ids", _ids)
    nb, ns = len(b_ids), len(sd)
    # Membership through a Python set: pandas' isin on string columns converts
    # every value to an Arrow scalar (seconds on 300k dwellings).
    b_set = _derived(bd, "id_set", _id_set)
    # The usual case: the scenario keeps the base's housing in order and adds
    # some (the same id column up to the base's length: compared as columns,
    # without converting 300,000 strings).
    kept = ns >= nb and (
        sd["housing_id"]
        .iloc[:nb]
        .reset_index(drop=True)
        .equals(bd["housing_id"].reset_index(drop=True))
    )
    added = _ids(sd.iloc[nb:]) if kept else np.zeros(0, dtype=object)
    if kept and not any(x in b_set for x in added.tolist()):
        ids = np.concatenate([b_ids, added])
        ib = np.r_[np.arange(nb), np.full(ns - nb, -1)].astype(np.int64)
        is_ = np.arange(ns, dtype=np.int64)
    else:
        s_ids = _ids(sd)
        only_s = np.fromiter((x not in b_set for x in s_ids.tolist()), dtype=bool, count=ns)
        ids = np.concatenate([b_ids, s_ids[only_s]])
        ib = pd.Index(b_ids).get_indexer(ids)
        is_ = pd.Index(s_ids).get_indexer(ids)
    in_s = is_ >= 0

    def values(frame: pd.DataFrame, idx: np.ndarray, col: str) -> np.ndarray:
        v = frame[col].to_numpy(dtype=float)
        out = np.full(len(idx), np.inf)
        out[idx >= 0] = np.nan_to_num(v[idx[idx >= 0]], nan=np.inf)
        return out

    dw_s = np.zeros(len(ids))
    dw_s[in_s] = sd["dwellings"].to_numpy(dtype=float)[is_[in_s]]
    dw_b = np.zeros(len(ids))
    dw_b[ib >= 0] = bd["dwellings"].to_numpy(dtype=float)[ib[ib >= 0]]
    dw = np.where(in_s, dw_s, dw_b)
    params = scenario.parameters
    plan: list[tuple[str, str, str, tuple[float, ...]]] = []
    for target in ("mobipunt", "station"):
        plan.append((target, "walk", f"walk_m_{target}", tuple(params.walk_thresholds_m)))
        plan.append((target, "bike", f"bike_min_{target}", tuple(params.bike_thresholds_min)))
    if base.has_brussels and scenario.has_brussels:
        # Threshold inf: a route to the Brussels border at all (gained or lost).
        plan.append(("brussels", "bike", "bike_min_brussels", (float("inf"),)))
    found: list[tuple[str, str, float, str, np.ndarray, np.ndarray]] = []
    for target, mode, col, thresholds in plan:
        vb = values(bd, ib, col)
        vs = values(sd, is_, col)
        for thr in thresholds:
            inb = vb <= thr if np.isfinite(thr) else np.isfinite(vb)
            ins = vs <= thr if np.isfinite(thr) else np.isfinite(vs)
            for change, sel, weights in (("gain", ~inb & ins, dw), ("loss", inb & ~ins, dw_b)):
                rows = np.flatnonzero(sel)
                if len(rows):
                    found.append((target, mode, float(thr), change, rows, weights[rows]))
    # The features' own columns, read only for the rows that change.
    used = np.unique(np.concatenate([f[4] for f in found])) if found else np.zeros(0, np.int64)

    def pick(col: str, fill: object) -> np.ndarray:
        return _pick(bd, sd, ib[used], is_[used], col, fill)

    geom = pick("geometry", None)
    name, nis, muni = pick("name", ""), pick("nis", ""), pick("municipality", "")
    id_values = ids[used]
    frames = []
    for target, mode, thr, change, rows, weights in found:
        at = np.searchsorted(used, rows)
        frames.append(
            pd.DataFrame(
                {
                    "housing_id": id_values[at].astype(str),
                    "name": name[at].astype(str),
                    "nis": nis[at].astype(str),
                    "municipality": muni[at].astype(str),
                    "target": target,
                    "mode": mode,
                    "threshold": thr,
                    "change": change,
                    "dwellings": weights.astype(np.int64),
                    "geometry": geom[at],
                }
            )
        )
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in _CHANGE_COLUMNS})
        empty["threshold"] = empty["threshold"].astype(float)
        empty["dwellings"] = empty["dwellings"].astype(np.int64)
        return gpd.GeoDataFrame(
            empty, geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS), crs=ANALYSIS_CRS
        )
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=ANALYSIS_CRS)


_CHANGE_ORDER = np.asarray(["", "added", "upgraded"], dtype=object)


@dataclass(frozen=True, eq=False)
class _PerLink:
    """One entry per source link (``ids``, sorted): its first edge's row in
    the links frame, ``upgraded`` > ``added`` > ``""`` for the change, and
    per flow column the largest flow on any of its edges (None: not computed)."""

    ids: np.ndarray
    rows: np.ndarray
    change: np.ndarray
    flows: dict[str, np.ndarray | None]


def _per_link(links: gpd.GeoDataFrame) -> _PerLink:
    """The links frame (one row per edge) per source link; names are read
    later, only for the links that change (whole string columns are slow)."""
    lid = links["link_id"].to_numpy(dtype=np.int64)
    order = np.argsort(lid, kind="stable")
    ordered = lid[order]
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(lid) else order
    ids = ordered[first]
    # Ranked per distinct value (converting 211,000 strings takes 10 ms).
    codes, values = pd.factorize(links["change"], use_na_sentinel=False)
    ranks = {value: i for i, value in enumerate(_CHANGE_ORDER.tolist())}
    per_value = np.asarray([ranks.get(str(v), 0) for v in values], dtype=np.int64)
    rank = per_value[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    flows: dict[str, np.ndarray | None] = {}
    for col in _FLOWS:
        values = links[col].to_numpy(dtype=float) if col in links.columns else None
        flows[col] = (
            None
            if values is None
            else np.maximum.reduceat(values[order], first)
            if len(lid)
            else np.zeros(0)
        )
    return _PerLink(
        ids,
        order[first],
        _CHANGE_ORDER[np.maximum.reduceat(rank[order], first)] if len(lid) else np.zeros(0, object),
        flows,
    )


def _sorted_union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.union1d`` of two sorted unique arrays, by one sort (numpy's unique
    hashes first, several times slower on 200,000 link ids)."""
    both = np.concatenate([a, b])
    both.sort(kind="stable")
    return both[np.r_[True, both[1:] != both[:-1]]] if len(both) else both


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each of ``wanted`` in the sorted ``ids`` (-1: absent)."""
    pos = np.searchsorted(ids, wanted)
    inside = pos < len(ids)
    found = np.zeros(len(wanted), bool)
    found[inside] = ids[pos[inside]] == wanted[inside]
    return np.where(found, pos, -1)


def _zero_nan(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def _text(links: gpd.GeoDataFrame, col: str, rows: np.ndarray) -> np.ndarray:
    return links[col].iloc[rows].astype(str).to_numpy(dtype=object)


def _link_geometry(links: gpd.GeoDataFrame, ids: np.ndarray) -> np.ndarray:
    """Per link id in ``ids``: its edges merged into one line (None if absent)."""
    out = np.full(len(ids), None, dtype=object)
    lid = links["link_id"].to_numpy(dtype=np.int64)
    sel = np.flatnonzero(np.isin(lid, ids))
    if len(sel) == 0:
        return out
    order = sel[np.argsort(lid[sel], kind="stable")]
    codes = np.searchsorted(ids, lid[order])
    geoms = np.asarray(links.geometry.values, dtype=object)[order]
    present, compact = np.unique(codes, return_inverse=True)
    # Almost every link is one edge; line_merge gives a plain open line
    # without repeated vertices back as it is, so only the others are merged.
    count = np.bincount(compact, minlength=len(present))
    alone = (count == 1)[compact] & _plain_lines(geoms)
    out[present[compact[alone]]] = geoms[alone]
    rest = ~alone
    if rest.any():
        sub, sub_compact = np.unique(compact[rest], return_inverse=True)
        multi = shapely.multilinestrings(geoms[rest], indices=sub_compact)
        out[present[sub]] = shapely.line_merge(np.asarray(multi, dtype=object))
    return out


def _plain_lines(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: a 2D open LineString with no vertex repeated in a row."""
    ok = (shapely.get_type_id(geoms) == 1) & ~shapely.has_z(geoms)
    ok[ok] &= ~shapely.is_closed(geoms[ok])
    xy, index = shapely.get_coordinates(geoms[ok], return_index=True)
    repeat = (index[1:] == index[:-1]) & (xy[1:] == xy[:-1]).all(axis=1)
    bad = np.zeros(int(ok.sum()), bool)
    bad[index[1:][repeat]] = True
    ok[np.flatnonzero(ok)[bad]] = False
    return ok


def link_flow_changes(base: Evaluation, scenario: Evaluation) -> gpd.GeoDataFrame:
    """Links whose potential bike flow (to a station or to Brussels) changes.

    See :attr:`Comparison.link_flows`. A link's flow is the largest flow on
    any of its edges; links only in the base are ``"removed"``. Only the
    links that change are read in full (names, geometry).
    """
    b = _derived(base.links, "per_link", _per_link)
    s = _per_link(scenario.links)
    ids = _sorted_union(b.ids, s.ids)
    at_b, at_s = _positions(b.ids, ids), _positions(s.ids, ids)
    in_b, in_s = at_b >= 0, at_s >= 0
    # A flow one side has not computed (a first pass, Evaluation.pending) is
    # unknown there, not zero: NaN, and no change.
    known = [c for c in _FLOWS if (b.flows[c] is None) == (s.flows[c] is None)]
    values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for col in known:
        vb, vs = np.zeros(len(ids)), np.zeros(len(ids))
        fb, fs = b.flows[col], s.flows[col]
        if fb is not None:
            vb[in_b] = _zero_nan(fb[at_b[in_b]])
        if fs is not None:
            vs[in_s] = _zero_nan(fs[at_s[in_s]])
        values[col] = (vb, vs)
    deltas = np.abs(
        np.column_stack([vs - vb for vb, vs in values.values()] or [np.zeros(len(ids))])
    )
    changed_any = (deltas > 1e-9).any(axis=1) if known else np.zeros(len(ids), bool)
    key = deltas[changed_any].max(axis=1)
    sel = np.flatnonzero(changed_any)[np.lexsort((ids[changed_any], -key))]
    link_ids = ids[sel]
    from_s = in_s[sel]
    data: dict[str, object] = {"link_id": link_ids}
    for col in ("name", "link_class"):
        text = np.full(len(sel), None, dtype=object)
        text[from_s] = _text(scenario.links, col, s.rows[at_s[sel[from_s]]])
        text[~from_s] = _text(base.links, col, b.rows[at_b[sel[~from_s]]])
        data[col] = pd.array(text, dtype="str")
    change = np.full(len(sel), "removed", dtype=object)
    change[from_s] = s.change[at_s[sel[from_s]]]
    data["change"] = pd.array(change, dtype="str")
    for col in _FLOWS:
        if col in values:
            vb, vs = values[col]
            data[f"base_{col}"], data[f"scenario_{col}"] = vb[sel], vs[sel]
            data[f"delta_{col}"] = vs[sel] - vb[sel]
        else:
            data[f"base_{col}"] = data[f"scenario_{col}"] = data[f"delta_{col}"] = np.full(
                len(sel), np.nan
            )
    frame = pd.DataFrame(data)[LINK_FLOW_COLUMNS]
    changed = np.sort(link_ids)
    geom_s = _link_geometry(scenario.links, changed)
    # The base's geometry only for links the scenario no longer has.
    gone = pd.isna(geom_s)
    geom_b = np.full(len(changed), None, dtype=object)
    if gone.any():
        geom_b[gone] = _link_geometry(base.links, changed[gone])
    pos = np.searchsorted(changed, link_ids)
    geoms = (
        np.where(pd.isna(geom_s[pos]), geom_b[pos], geom_s[pos])
        if len(pos)
        else np.zeros(0, object)
    )
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geoms, crs=ANALYSIS_CRS), crs=ANALYSIS_CRS
    )


def _long(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """One row per (municipality, indicator) in ``keys`` order."""
    cols = [k for k in keys if k in frame.columns]
    n = len(frame)
    return pd.DataFrame(
        {
            "nis": np.repeat(frame["nis"].astype(str).to_numpy(), len(cols)),
            "name": np.repeat(frame["name"].astype(str).to_numpy(), len(cols)),
            "indicator": np.tile(np.asarray(cols, dtype=object), n),
            value: frame[cols].to_numpy(dtype=float).reshape(-1) if cols else np.zeros(0),
        }
    )


def compare(base_eval: Evaluation, scen_eval: Evaluation) -> Comparison:
    """A :class:`Comparison` of ``scen_eval`` against ``base_eval``."""
    keys = _keys(base_eval.region, scen_eval.region)
    if base_eval.pending or scen_eval.pending:
        # A first pass against a whole evaluation: only what both computed.
        keys = [k for k in keys if k in base_eval.region and k in scen_eval.region]
    region = pd.DataFrame(
        {
            "indicator": keys,
            "label_nl": [indicator_label(k, "nl") for k in keys],
            "label_en": [indicator_label(k, "en") for k in keys],
            "unit": [indicator_unit(k) for k in keys],
            "base": [base_eval.value(k) for k in keys],
            "scenario": [scen_eval.value(k) for k in keys],
        }
    )
    region["delta"] = region["scenario"] - region["base"]

    mb = base_eval.municipalities
    ms = scen_eval.municipalities
    long_b = _long(mb, keys, "base")
    long_s = _long(ms, keys, "scenario")
    if long_b[["nis", "indicator"]].equals(long_s[["nis", "indicator"]]):
        munis = long_b.assign(scenario=long_s["scenario"].to_numpy())
    else:
        munis = long_b.merge(long_s.drop(columns="name"), on=["nis", "indicator"], how="outer")
        names = dict(zip(long_s["nis"], long_s["name"], strict=True))
        names.update(dict(zip(long_b["nis"], long_b["name"], strict=True)))
        munis["name"] = munis["nis"].map(names)
    munis["delta"] = munis["scenario"] - munis["base"]
    munis = munis[["nis", "name", "indicator", "base", "scenario", "delta"]].reset_index(drop=True)

    cb = base_eval.coverage_curve.rename(
        columns={"share_mobipunt": "base_mobipunt", "share_station": "base_station"}
    )
    cs = scen_eval.coverage_curve.rename(
        columns={"share_mobipunt": "scenario_mobipunt", "share_station": "scenario_station"}
    )
    curve = cb.merge(cs, on="minutes", how="outer")[
        ["minutes", "base_mobipunt", "scenario_mobipunt", "base_station", "scenario_station"]
    ]
    return Comparison(
        base=base_eval,
        scenario=scen_eval,
        region=region,
        municipalities=munis,
        access_changes=access_changes(base_eval, scen_eval),
        curve=curve,
        link_flows=link_flow_changes(base_eval, scen_eval),
    )
