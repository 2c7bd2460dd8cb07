"""A scenario applied to a prepared base: the patched network and layers with every point attached."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.scenarios.apply import Applied, apply_scenario, removed_links_frame
from slimmeregio.scenarios.attach import Attachment, carry_over
from slimmeregio.scenarios.base import Base
from slimmeregio.scenarios.brussels import border_points
from slimmeregio.scenarios.edge_index import derive_index
from slimmeregio.scenarios.incremental import full_evaluation_forced
from slimmeregio.scenarios.indicators import Situation
from slimmeregio.scenarios.inputs import point_xy
from slimmeregio.scenarios.model import Scenario
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.opportunity_eval import carry_opportunities

__all__ = ["situation"]


def situation(base: Base, scenario: Scenario | None = None) -> Situation:
    """The scenario applied to the base, with every point attached."""
    params = scenario.parameters if scenario is not None else base.parameters
    same_snap = params.max_snap_m == base.parameters.max_snap_m
    speeds_same = dict(params.speeds_kmh) == dict(base.parameters.speeds_kmh) and (
        params.walking_speed_kmh == base.parameters.walking_speed_kmh
    )
    inputs = base.inputs
    if scenario is None or not scenario.modifications:
        network = inputs.network
        if not speeds_same:
            network = network.with_speeds(
                params.speeds_kmh, walking_speed_kmh=params.walking_speed_kmh
            )
        applied = Applied(
            network=network,
            housing=inputs.housing,
            mobipunten=inputs.mobipunten,
            stations=inputs.stations,
            municipalities=inputs.municipalities,
            extent=inputs.extent,
            removed_links=removed_links_frame([]),
            edge_map=np.arange(inputs.network.n_edges, dtype=np.int64),
            new_edges=np.zeros(0, np.int64),
        )
    else:
        applied = apply_scenario(inputs, scenario)
    network = applied.network
    unchanged = (
        applied.edge_map is not None
        and len(applied.new_edges) == 0
        and bool(np.all(applied.edge_map == np.arange(len(applied.edge_map))))
    )
    edge_map = None if unchanged else applied.edge_map
    # An edited network's spatial queries, border points, text columns and
    # changed edges from the base network's (the same answers).
    forced = full_evaluation_forced()
    edited_from = None
    if applied.edge_map is not None and network is not inputs.network and not forced:
        edited_from = (inputs.network, applied.edge_map, applied.new_edges)
        derive_index(network, *edited_from)
        network.edited_from(
            inputs.network,
            applied.edge_map,
            np.concatenate([applied.touched_edges, applied.new_edges]),
        )

    def carry(
        att: Attachment,
        frame: gpd.GeoDataFrame,
        id_col: str,
        fresh: Any = None,
        *,
        rows_unchanged: bool = False,
    ) -> Attachment:
        """``rows_unchanged``: a row the base has (``_row``) is the base's
        row as it was (housing: only added or removed)."""
        rows = (
            frame["_row"].fillna(-1).to_numpy(dtype=np.int64)
            if "_row" in frame
            else np.arange(len(frame))
        )
        if not same_snap:
            rows = np.full(len(frame), -1, dtype=np.int64)
        n = len(att)
        if rows_unchanged and len(rows) >= n and np.array_equal(rows[:n], np.arange(n)):
            # The base's points first: their coordinates and ids are the
            # attachment's (converting 300,000 of each takes 30 ms).
            rest = frame.iloc[n:]
            xy = np.vstack([att.xy, point_xy(rest)])
            ids = np.concatenate([att.ids, rest[id_col].astype(str).to_numpy(dtype=object)])
        else:
            xy = point_xy(frame)
            ids = frame[id_col].astype(str).to_numpy(dtype=object)
        return carry_over(
            network,
            att,
            rows,
            xy,
            ids,
            edge_map=edge_map,
            new_edges=applied.new_edges,
            max_snap_m=params.max_snap_m,
            fresh=fresh,
        )

    h_att = carry(base.housing_att, applied.housing, "housing_id", rows_unchanged=not forced)
    origin = edited_from[0] if edited_from is not None else None
    moved = (applied.mobipunten["change"] == "moved").to_numpy()
    m_att = carry(base.mobipunt_att, applied.mobipunten, "mobipunt_id", fresh=moved)
    stations = applied.stations
    s_frame = stations.assign(_row=np.arange(len(stations), dtype=np.int64))
    s_att = carry(base.station_att, s_frame, "station_id")
    c_att = None
    if base.centres is not None and base.centre_att is not None:
        c_frame = base.centres.assign(_row=np.arange(len(base.centres), dtype=np.int64))
        c_att = carry(base.centre_att, c_frame, "name")
    return Situation(
        scenario=scenario,
        parameters=params,
        network=network,
        housing=applied.housing,
        housing_att=h_att,
        mobipunten=applied.mobipunten,
        mobipunt_att=m_att,
        stations=stations,
        station_att=s_att,
        municipalities=applied.municipalities,
        centres=base.centres,
        centre_att=c_att,
        grid=base.grid,
        removed_links=applied.removed_links,
        changed_bike=(
            None if not speeds_same else _changed(network, applied, ("added", "upgraded"), origin)
        ),
        changed_walk=_changed(network, applied, ("added",), origin),
        brussels=base.brussels,
        border_att=(
            border_points(network, base.brussels, edited_from=edited_from)
            if base.brussels is not None
            else None
        ),
        edge_map=edge_map,
        housing_rows=(
            applied.housing["_row"].fillna(-1).to_numpy(dtype=np.int64)
            if "_row" in applied.housing.columns
            else None
        ),
        opportunities=carry_opportunities(
            base.opportunities,
            network,
            edge_map=edge_map,
            new_edges=applied.new_edges,
            max_snap_m=params.max_snap_m,
            same_snap=same_snap,
        ),
    )


def _changed(
    network: Network, applied: Applied, kinds: tuple[str, ...], base: Network | None = None
) -> np.ndarray:
    """Geometries of edges whose costs differ from the base (plus removed links).

    ``base``: the network ``applied`` was edited from; a base edge no
    modification touched keeps its ``change`` there (looked up once per base
    network), only the touched and new edges are read."""
    if base is None or len(applied.edge_map) != base.n_edges:
        sel = _change_in(network, kinds)
    else:
        alive = applied.edge_map >= 0
        sel = np.zeros(network.n_edges, bool)
        sel[applied.edge_map[alive]] = _change_in(base, kinds)[alive]
        redo = np.concatenate([applied.touched_edges, applied.new_edges]).astype(np.int64)
        values = np.asarray([str(v) for v in network.change[redo]], dtype=object)
        sel[redo] = np.isin(values, kinds) if len(redo) else False
    removed = np.asarray(applied.removed_links.geometry.values, dtype=object)
    return np.concatenate([network.geometry[sel], removed]).astype(object)


def _change_in(network: Network, kinds: tuple[str, ...]) -> np.ndarray:
    """Which edges' ``change`` is one of ``kinds`` (kept on the network)."""
    key = ("change_in", kinds)
    hit = network.cache.get(key)
    if hit is None:
        # Per distinct value (converting 200,000 objects to strings takes a tenth of a second).
        codes, values = pd.factorize(
            np.asarray(network.change, dtype=object), use_na_sentinel=False
        )
        hit = np.isin(np.asarray([str(v) for v in values], dtype=object), kinds)[codes]
        network.cache[key] = hit
    return hit
