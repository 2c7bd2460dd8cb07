"""Potential bike flows by route: network links joined into the streets and stretches a reader recognises.

The network is cut into short links (a street is dozens of them), so a table
of the busiest links repeats one street twenty times. Here links that touch
end to end are joined into one stretch when they carry the same street or
route name, or, for links without a name, when they carry the same flow
(consecutive links of one unnamed path). A stretch reports its busiest link,
its length and the links it holds, so it can still be found in the GIS.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from slimmeregio.scenarios.results import LINK_FLOW_COLUMNS

__all__ = ["TOP_ROUTES", "flow_change_routes", "flow_routes", "join_stretches"]

#: Stretches listed per run and destination.
TOP_ROUTES = 20

#: The link flow columns a changed route reports: towards the station and the Brussels border.
_FLOW_COLUMNS = [
    c for c in LINK_FLOW_COLUMNS if c.endswith(("_flow_dwellings", "_flow_brussels_dwellings"))
]

_ROUTE_COLUMNS = [
    "route",
    "named",
    "link_ids",
    "links",
    "link_class",
    "change",
    "length_m",
    "flow",
    "base_flow",
    "x",
    "y",
]


def _ends(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last coordinate of each (multi)line, rounded to 10 cm."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    n = len(geoms)
    first = np.full((n, 2), np.nan)
    last = np.full((n, 2), np.nan)
    if len(index):
        starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
        stops = np.r_[starts[1:] - 1, len(index) - 1]
        first[index[starts]] = coords[starts]
        last[index[stops]] = coords[stops]
    return np.round(first, 1), np.round(last, 1)


def join_stretches(geoms: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """A stretch number per line: lines that share an end point and have the same ``key`` form one stretch."""
    n = len(geoms)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first, last = _ends(np.asarray(geoms, dtype=object))
    ends = pd.DataFrame(
        {
            "x": np.r_[first[:, 0], last[:, 0]],
            "y": np.r_[first[:, 1], last[:, 1]],
            "key": list(keys) * 2,
            "pos": np.r_[np.arange(n), np.arange(n)],
        }
    ).dropna()
    ends = ends.sort_values(["x", "y", "key", "pos"], kind="stable")
    same = (
        (ends["x"].to_numpy()[1:] == ends["x"].to_numpy()[:-1])
        & (ends["y"].to_numpy()[1:] == ends["y"].to_numpy()[:-1])
        & (ends["key"].to_numpy()[1:] == ends["key"].to_numpy()[:-1])
    )
    pos = ends["pos"].to_numpy()
    for a, b in zip(pos[:-1][same], pos[1:][same], strict=True):
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(n)], dtype=np.int64)


def _per_link(links: Any, column: str) -> pd.DataFrame:
    """One row per link id: name, class, change, length (all its edges), flow (its busiest edge), geometry."""
    frame = pd.DataFrame(
        {
            "link_id": links["link_id"].to_numpy(),
            "name": links["name"].fillna("").astype(str).str.strip().to_numpy()
            if "name" in links.columns
            else "",
            "link_class": links["link_class"].astype(str).to_numpy()
            if "link_class" in links.columns
            else "",
            "change": links["change"].fillna("").astype(str).to_numpy()
            if "change" in links.columns
            else "",
            "length_m": links["length_m"].to_numpy(dtype=float)
            if "length_m" in links.columns
            else np.nan,
            "flow": links[column].to_numpy(dtype=float),
            "geometry": links.geometry.to_numpy(),
        }
    )
    if frame["link_id"].is_unique:  # the usual case: one edge per link
        return frame
    grouped = frame.groupby("link_id", sort=False)
    out = grouped.agg(
        name=("name", "first"),
        link_class=("link_class", "first"),
        change=("change", "max"),
        length_m=("length_m", "sum"),
        flow=("flow", "max"),
    )
    out["geometry"] = grouped["geometry"].agg(
        lambda g: shapely.union_all(np.asarray(g, dtype=object)) if len(g) > 1 else g.iloc[0]
    )
    return out.reset_index()


def _summary(part: pd.DataFrame, unnamed: str) -> dict[str, Any]:
    """One stretch: its name, links, classes, changes, length and busiest link's place."""
    busiest = part.loc[part["flow"].idxmax()]
    mid = (
        busiest["geometry"].interpolate(0.5, normalized=True)
        if busiest["geometry"] is not None
        else None
    )
    classes = part.groupby("link_class")["length_m"].sum().sort_values(ascending=False)
    name = str(part["name"].iloc[0])
    return {
        "route": name or unnamed,
        "named": bool(name),
        "link_ids": sorted(part["link_id"].tolist(), key=lambda v: (str(type(v)), v)),
        "links": len(part),
        "link_class": ", ".join(str(c) for c in classes.index if c),
        "change": ", ".join(sorted({str(c) for c in part["change"] if c})),
        "length_m": float(part["length_m"].sum()),
        "x": float(mid.x) if mid is not None else np.nan,
        "y": float(mid.y) if mid is not None else np.nan,
    }


def flow_routes(
    links: Any,
    column: str,
    *,
    base_links: Any = None,
    n: int = TOP_ROUTES,
    unnamed: str = "(zonder naam)",
) -> pd.DataFrame:
    """The ``n`` stretches with the largest potential flow in ``column``, busiest first.

    Columns: ``route`` (the name, or ``unnamed``), ``named``, ``link_ids``,
    ``links``, ``link_class`` (by length, most first), ``change``,
    ``length_m``, ``flow`` (its busiest link's flow), ``base_flow`` (the
    busiest flow over the same links in ``base_links``, when given; a link
    the base lacks counts 0) and ``x``, ``y`` (middle of the busiest link,
    in the links' CRS). Links without flow are left out.
    """
    if column not in links.columns or links.empty:
        return pd.DataFrame(columns=_ROUTE_COLUMNS)
    per = _per_link(links, column)
    per = per[per["flow"] > 0].reset_index(drop=True)
    if per.empty:
        return pd.DataFrame(columns=_ROUTE_COLUMNS)
    keys = [
        f"n:{name}" if name else f"f:{round(flow)}"
        for name, flow in zip(per["name"], per["flow"], strict=True)
    ]
    per["stretch"] = join_stretches(per["geometry"].to_numpy(), keys)
    base_flow: pd.Series | None = None
    if base_links is not None and column in base_links.columns:
        base_flow = _per_link(base_links, column).set_index("link_id")["flow"]
    # rank the stretches first (vectorised), then describe only the ones listed
    heads = per.groupby("stretch", sort=False).agg(flow=("flow", "max"), name=("name", "first"))
    heads["route"] = heads["name"].where(heads["name"] != "", unnamed)
    heads = heads.sort_values(["flow", "route"], ascending=[False, True], kind="stable").head(n)
    per = per[per["stretch"].isin(heads.index)]
    rows = []
    for _, part in per.groupby("stretch", sort=False):
        row = _summary(part, unnamed)
        row["flow"] = float(part["flow"].max())
        if base_flow is not None:
            row["base_flow"] = float(base_flow.reindex(part["link_id"]).fillna(0.0).max())
        else:
            row["base_flow"] = np.nan
        rows.append(row)
    table = pd.DataFrame(rows, columns=_ROUTE_COLUMNS)
    table = table.sort_values(["flow", "route"], ascending=[False, True], kind="stable").head(n)
    return table.reset_index(drop=True)


def flow_change_routes(
    link_flows: Any, *, n: int = TOP_ROUTES, unnamed: str = "(zonder naam)"
) -> pd.DataFrame:
    """The ``n`` stretches whose potential flow to the station changes most (largest absolute change first).

    ``link_flows`` is :attr:`Comparison.link_flows` (one row per changed
    link). Links join into a stretch by name, or unnamed with the same
    change. Each stretch reports its most changed link's base, scenario and
    change towards the station and towards Brussels (so base + change =
    scenario on every row), plus ``route``, ``link_ids``, ``links``,
    ``link_class``, ``change`` and ``length_m``.
    """
    if link_flows is None or link_flows.empty:
        return pd.DataFrame()
    frame = link_flows.reset_index(drop=True).copy()
    frame["name"] = (
        frame["name"].fillna("").astype(str).str.strip() if "name" in frame.columns else ""
    )
    frame["change"] = frame["change"].fillna("").astype(str) if "change" in frame.columns else ""
    frame["length_m"] = (
        frame["length_m"].to_numpy(dtype=float)
        if "length_m" in frame.columns
        else shapely.length(frame.geometry.to_numpy())
    )
    frame["flow"] = frame["delta_flow_dwellings"].abs().to_numpy(dtype=float)
    keys = [
        f"n:{name}" if name else f"d:{round(d)}"
        for name, d in zip(frame["name"], frame["delta_flow_dwellings"], strict=True)
    ]
    frame["stretch"] = join_stretches(frame.geometry.to_numpy(), keys)
    rows = []
    for _, part in frame.groupby("stretch", sort=False):
        row = _summary(part, unnamed)
        top = part.loc[part["flow"].idxmax()]
        row.update({c: float(top[c]) for c in _FLOW_COLUMNS if c in part.columns})
        row["size"] = float(top["flow"])
        rows.append(row)
    table = (
        pd.DataFrame(rows)
        .sort_values(["size", "route"], ascending=[False, True], kind="stable")
        .head(n)
    )
    return table.drop(columns="size").reset_index(drop=True)
