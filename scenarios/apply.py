"""Applying a scenario's modifications to the base: a pure function.

:func:`apply_scenario` takes the base :class:`Inputs` (network + point
layers in canonical columns) and a scenario, and returns new
:class:`Applied` inputs. Nothing of the base is changed; applying the same
scenario twice gives identical results.

Network edits
-------------
* ``add_link``: each end is attached to the nearest node within
  :data:`SNAP_M`, else to the nearest link within :data:`SNAP_M` (which is
  split there), else it starts a new node. The link is noded where it
  crosses existing links (both are split at the crossing), unless it is a
  bridge or tunnel (``bridge = true``): then it joins at its ends only. New
  links get ids above every existing id, in modification order.
* ``remove_link``: every edge of the link is removed.
* ``upgrade_link``: new class and/or a fixed speed on every edge of the link.

Ids that do not exist, and geometry outside the region (its extent plus
:data:`REGION_MARGIN_M`), raise :class:`ScenarioError` with a location such
as ``modifications[3].link_ids[1]``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    MoveMobipunt,
    Parameters,
    RemoveHousing,
    RemoveLink,
    RemoveMobipunt,
    Scenario,
    UpgradeLink,
    scenario_error,
)
from slimmeregio.scenarios.network import Network, effective_speeds
from slimmeregio.scenarios.network_edit import (
    REGION_MARGIN_M,
    SNAP_M,
    NetworkEditor,
    TakenIds,
    add_link,
    check_xy,
    link_edges,
    new_id,
)

__all__ = [
    "HOUSING_COLUMNS",
    "MOBIPUNT_COLUMNS",
    "REGION_MARGIN_M",
    "SNAP_M",
    "STATION_COLUMNS",
    "Applied",
    "Inputs",
    "apply_scenario",
    "removed_links_frame",
]

HOUSING_COLUMNS = ["housing_id", "name", "status", "dwellings", "nis", "municipality", "added"]
MOBIPUNT_COLUMNS = ["mobipunt_id", "name", "hoppin_type", "offer", "municipality", "change"]
STATION_COLUMNS = ["station_id", "name", "trains_per_day"]


@dataclass(frozen=True, eq=False)
class Inputs:
    """What an evaluation runs on, in canonical columns (EPSG:31370 points).

    ``housing``: :data:`HOUSING_COLUMNS`; ``mobipunten``:
    :data:`MOBIPUNT_COLUMNS`; ``stations``: :data:`STATION_COLUMNS`;
    ``municipalities``: ``nis, name, population`` polygons (or None);
    ``extent``: region bounds used to refuse far-away geometry.
    """

    network: Network
    housing: gpd.GeoDataFrame
    mobipunten: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame | None
    extent: tuple[float, float, float, float]

    @functools.cached_property
    def housing_ids(self) -> frozenset[str]:
        """The housing ids, as a set built once (for 300,000 addresses that
        takes 40 ms, which every scenario applied would pay again)."""
        return frozenset(self.housing["housing_id"].astype(str).to_numpy(dtype=object).tolist())


@dataclass(frozen=True, eq=False)
class Applied(Inputs):
    """Inputs after a scenario, plus what changed.

    ``removed_links``: GeoDataFrame of closed links (``link_id, link_class,
    speed_kmh, length_m, oneway, name``). ``edge_map``: for every base edge
    its number in the new network, -1 when it was removed or split.
    ``new_edges``: numbers of edges that did not exist in the base.
    ``touched_edges``: numbers of the base's edges whose attributes (class,
    speed, change) a modification set.
    """

    removed_links: gpd.GeoDataFrame = field(default_factory=gpd.GeoDataFrame)
    edge_map: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    new_edges: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    touched_edges: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def removed_links_frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The ``removed_links`` GeoDataFrame from row dicts (empty with its columns if none)."""
    cols = ["link_id", "link_class", "speed_kmh", "length_m", "oneway", "name"]
    if not rows:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in cols}, geometry=gpd.GeoSeries([], crs=ANALYSIS_CRS)
        )
    frame = pd.DataFrame(rows)
    return gpd.GeoDataFrame(frame[cols], geometry=list(frame["geometry"]), crs=ANALYSIS_CRS)


class _MunicipalityOf:
    """``(nis, name)`` of the municipality at a point; the index and columns are
    taken once per scenario, so thousands of added features stay cheap."""

    def __init__(self, municipalities: gpd.GeoDataFrame | None) -> None:
        self.empty = municipalities is None or municipalities.empty
        if municipalities is not None and not self.empty:
            self.index = municipalities.sindex
            self.nis = municipalities["nis"].astype(str).to_numpy()
            self.name = municipalities["name"].astype(str).to_numpy()

    def __call__(self, x: float, y: float) -> tuple[str, str]:
        if self.empty:
            return "", ""
        hit = self.index.query(shapely.Point(x, y), predicate="intersects")
        if len(hit) == 0:
            return "", ""
        i = int(hit[0])
        return str(self.nis[i]), str(self.name[i])


@dataclass
class _State:
    """What applying a scenario builds up, modification by modification."""

    params: Parameters
    ed: NetworkEditor
    next_link: int
    mobi: pd.DataFrame
    housing: pd.DataFrame
    extent: Any
    municipality_of: _MunicipalityOf
    mobi_ids: set[str]
    housing_ids: TakenIds
    removed: list[dict[str, Any]] = field(default_factory=list)
    new_mobi: list[dict[str, Any]] = field(default_factory=list)
    new_housing: list[dict[str, Any]] = field(default_factory=list)


def apply_scenario(inputs: Inputs, scenario: Scenario | None) -> Applied:
    """Apply ``scenario`` to the base ``inputs``; the base is not changed.

    Raises
    ------
    ScenarioError
        Unknown link / mobipunt / housing ids, duplicate new ids, or geometry
        far outside the region, located as ``modifications[i]...``.
    """
    params = scenario.parameters if scenario is not None else Parameters()
    mods = scenario.modifications if scenario is not None else ()
    mobi = inputs.mobipunten.copy()
    housing = inputs.housing.copy()
    network = inputs.network
    st = _State(
        params=params,
        ed=NetworkEditor(network),
        next_link=(int(network.link_id.max()) + 1) if network.n_edges else 1,
        mobi=mobi,
        housing=housing,
        extent=inputs.extent,
        municipality_of=_MunicipalityOf(inputs.municipalities),
        mobi_ids=set(mobi["mobipunt_id"].astype(str).to_numpy(dtype=object).tolist()),
        housing_ids=TakenIds(inputs.housing_ids),
    )
    for i, mod in enumerate(mods):
        if isinstance(mod, AddLink):
            _add_link(st, i, mod)
        elif isinstance(mod, RemoveLink):
            _remove_link(st, i, mod)
        elif isinstance(mod, UpgradeLink):
            _upgrade_link(st, i, mod)
        elif isinstance(mod, AddMobipunt):
            _add_mobipunt(st, i, mod)
        elif isinstance(mod, MoveMobipunt | RemoveMobipunt):
            _move_or_remove_mobipunt(st, i, mod)
        elif isinstance(mod, AddHousing):
            _add_housing(st, i, mod)
        elif isinstance(mod, RemoveHousing):
            _remove_housing(st, i, mod)
    network, edge_map, new_edges = st.ed.finish(st.params.speeds_kmh)
    network = replace(network, walking_speed_kmh=st.params.walking_speed_kmh)
    if st.new_mobi:
        st.mobi = pd.concat(
            [st.mobi, gpd.GeoDataFrame(st.new_mobi, geometry="geometry", crs=ANALYSIS_CRS)],
            ignore_index=True,
        )
    if st.new_housing:
        st.housing = pd.concat(
            [st.housing, gpd.GeoDataFrame(st.new_housing, geometry="geometry", crs=ANALYSIS_CRS)],
            ignore_index=True,
        )
    return Applied(
        network=network,
        housing=gpd.GeoDataFrame(st.housing, geometry="geometry", crs=ANALYSIS_CRS).reset_index(
            drop=True
        ),
        mobipunten=gpd.GeoDataFrame(st.mobi, geometry="geometry", crs=ANALYSIS_CRS).reset_index(
            drop=True
        ),
        stations=inputs.stations,
        municipalities=inputs.municipalities,
        extent=inputs.extent,
        removed_links=removed_links_frame(st.removed),
        edge_map=edge_map,
        new_edges=new_edges,
        touched_edges=st.ed.touched_edges(edge_map),
    )


def _add_link(st: _State, i: int, mod: AddLink) -> None:
    """A new link, noded into the network, with the next free id."""
    for k, (x, y) in enumerate(mod.coords):
        check_xy(st.extent, f"modifications[{i}].coords[{k}]", x, y)
    add_link(st.ed, mod, st.next_link)
    st.next_link += 1


def _remove_link(st: _State, i: int, mod: RemoveLink) -> None:
    """Links closed: their edges removed, each kept as a removed link (unless added by this scenario)."""
    for lid, edges in zip(mod.link_ids, link_edges(st.ed, mod.link_ids, i), strict=True):
        parts = [st.ed.edge(e) for e in edges]
        if not any(p["change"] == "added" for p in parts):
            geom = shapely.line_merge(shapely.union_all([p["geometry"] for p in parts]))
            first = parts[0]
            st.removed.append(
                {
                    "link_id": int(lid),
                    "link_class": str(first["link_class"]),
                    "speed_kmh": float(
                        effective_speeds(
                            np.asarray([first["link_class"]], dtype=object),
                            np.asarray([first["layer_speed"]]),
                            np.asarray([first["fixed_speed"]]),
                            st.params.speeds_kmh,
                        )[0]
                    ),
                    "length_m": float(sum(p["geometry"].length for p in parts)),
                    "oneway": bool(first["oneway"]),
                    "name": str(first["name"]),
                    "geometry": geom,
                }
            )
        for e in edges:
            st.ed.kill(e)


def _upgrade_link(st: _State, i: int, mod: UpgradeLink) -> None:
    """Links given a new class and/or a fixed speed."""
    for edges in link_edges(st.ed, mod.link_ids, i):
        for e in edges:
            if mod.link_class is not None:
                st.ed.set_attr(e, "link_class", mod.link_class)
            if mod.speed_kmh is not None:
                st.ed.set_attr(e, "fixed_speed", float(mod.speed_kmh))
            if st.ed.edge(e)["change"] != "added":
                st.ed.set_attr(e, "change", "upgraded")


def _add_mobipunt(st: _State, i: int, mod: AddMobipunt) -> None:
    """A new mobipunt with its municipality."""
    check_xy(st.extent, f"modifications[{i}].x", mod.x, mod.y)
    mid = new_id(mod.id, i, st.mobi_ids, ("mobipunt", "mobipunt"))
    _, muni = st.municipality_of(mod.x, mod.y)
    st.new_mobi.append(
        {
            "mobipunt_id": mid,
            "name": mod.name,
            "hoppin_type": mod.hoppin_type,
            "offer": ", ".join(mod.offer),
            "municipality": muni,
            "change": "added",
            "geometry": shapely.Point(mod.x, mod.y),
        }
    )


def _move_or_remove_mobipunt(st: _State, i: int, mod: MoveMobipunt | RemoveMobipunt) -> None:
    """A mobipunt (of the base or added before) moved or removed."""
    if isinstance(mod, MoveMobipunt):
        check_xy(st.extent, f"modifications[{i}].x", mod.x, mod.y)
    mid = str(mod.mobipunt_id)
    in_new = [r for r in st.new_mobi if r["mobipunt_id"] == mid]
    sel = st.mobi["mobipunt_id"].astype(str) == mid
    if not sel.any() and not in_new:
        raise scenario_error(
            f"modifications[{i}].mobipunt_id",
            f"mobipunt {mid} bestaat niet (meer)",
            f"mobipunt {mid} does not exist (any more)",
        )
    if isinstance(mod, RemoveMobipunt):
        st.mobi = st.mobi.loc[~sel]
        st.new_mobi = [r for r in st.new_mobi if r["mobipunt_id"] != mid]
        st.mobi_ids.discard(mid)
    else:
        pt = shapely.Point(mod.x, mod.y)
        for r in in_new:
            r["geometry"] = pt
        if sel.any():
            st.mobi = st.mobi.copy()
            st.mobi.loc[sel, "geometry"] = pt
            st.mobi.loc[sel, "change"] = "moved"


def _add_housing(st: _State, i: int, mod: AddHousing) -> None:
    """New dwellings at a point or in a polygon, with their municipality."""
    if mod.polygon is not None:
        for k, (x, y) in enumerate(mod.polygon):
            check_xy(st.extent, f"modifications[{i}].polygon[{k}]", x, y)
        pt = shapely.Polygon(mod.polygon).representative_point()
    else:
        assert mod.x is not None and mod.y is not None
        check_xy(st.extent, f"modifications[{i}].x", mod.x, mod.y)
        pt = shapely.Point(mod.x, mod.y)
    hid = new_id(mod.id, i, st.housing_ids, ("woning", "housing"))
    nis, muni = st.municipality_of(pt.x, pt.y)
    st.new_housing.append(
        {
            "housing_id": hid,
            "name": mod.name,
            "status": mod.status,
            "dwellings": int(mod.dwellings),
            "nis": nis,
            "municipality": muni,
            "added": True,
            "geometry": pt,
        }
    )


def _remove_housing(st: _State, i: int, mod: RemoveHousing) -> None:
    """Housing (of the base or added before) removed."""
    ids = st.housing["housing_id"].astype(str)
    for j, hid in enumerate(mod.housing_ids):
        new_match = any(r["housing_id"] == hid for r in st.new_housing)
        if not (ids == hid).any() and not new_match:
            raise scenario_error(
                f"modifications[{i}].housing_ids[{j}]",
                f"woning {hid} bestaat niet (meer)",
                f"housing {hid} does not exist (any more)",
            )
        st.new_housing = [r for r in st.new_housing if r["housing_id"] != hid]
        st.housing_ids.discard(hid)
    st.housing = st.housing.loc[~ids.isin(list(mod.housing_ids))]
