"""The opportunity layers and OD table of a project, attached to a base's or a scenario's network."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.model import ANALYSIS_CRS, Project
from slimmeregio.layers.opportunities import (
    OPPORTUNITY_ROLES,
    od_pairs,
    opportunity_weights,
    zone_code,
)
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.attach import Attachment, attach_points, carry_over
from slimmeregio.scenarios.hilliness import Elevation, elevation_of
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.quiet_routes import infrastructure_of

__all__ = [
    "KINDS",
    "OpportunityInputs",
    "OpportunitySet",
    "carry_opportunities",
    "prepare_opportunities",
]

#: Short key of each opportunity role in indicator keys and columns.
KINDS: dict[Role, str] = {
    Role.JOBS: "jobs",
    Role.SCHOOLS: "schools",
    Role.HEALTH_CARE: "health",
    Role.SHOPS: "shops",
    Role.DESTINATIONS: "destinations",
}


@dataclass(frozen=True, eq=False)
class OpportunitySet:
    """One opportunity layer: canonical points (``opp_id``, ``name``,
    ``weight``, ``nis``) and their attachment."""

    kind: str
    role: Role
    frame: gpd.GeoDataFrame
    att: Attachment


@dataclass(frozen=True, eq=False)
class OpportunityInputs:
    """The project's opportunity layers and OD table (None: none loaded)."""

    sets: tuple[OpportunitySet, ...]
    od: pd.DataFrame | None = None
    #: The elevation model (role ``hoogtemodel``), None without one: routes flat.
    elevation: Elevation | None = None
    #: Link id -> kind of infrastructure for quiet routes (None: no such field).
    infrastructure: dict[int, str] | None = None
    #: Housing points of the base (None: unknown): ``commute_origins = "auto"``
    #: decides by them, so a scenario adding or removing a few points near the
    #: limit is measured as its base is (scenarios/commute_origins.py).
    base_points: int | None = None

    def get(self, kind: str) -> OpportunitySet | None:
        return next((s for s in self.sets if s.kind == kind), None)


def _point_of(geoms: np.ndarray) -> np.ndarray:
    pts = np.asarray(geoms, dtype=object).copy()
    not_point = shapely.get_type_id(pts) != 0
    if not_point.any():
        pts[not_point] = shapely.point_on_surface(pts[not_point])
    return pts


def _locate_nis(pts: np.ndarray, municipalities: gpd.GeoDataFrame | None) -> np.ndarray:
    nis = np.full(len(pts), "", dtype=object)
    if municipalities is not None and len(pts):
        pi, mi = municipalities.sindex.query(pts, predicate="intersects")
        nis[pi] = municipalities["nis"].astype(str).to_numpy(dtype=object)[mi]
    return nis


def prepare_opportunities(
    project: Project,
    network: Network,
    *,
    municipalities: gpd.GeoDataFrame | None,
    max_snap_m: float,
) -> OpportunityInputs | None:
    """Read the first layer of each opportunity role and the OD table; None when there are none."""
    sets = []
    for role in OPPORTUNITY_ROLES:
        layer = project.layers.first(role)
        if layer is None or layer.is_raster or len(layer) == 0:
            continue
        frame = (
            layer.frame.to_crs(ANALYSIS_CRS)
            if str(layer.frame.crs) != ANALYSIS_CRS
            else layer.frame
        )
        pts = _point_of(frame.geometry.values)
        ok = ~shapely.is_empty(pts) & ~pd.isna(pts)
        pts = pts[ok]
        weights = opportunity_weights(layer)[ok]
        names = layer.find_column("name")
        name_values = (
            names.fillna("").astype(str).to_numpy(dtype=object)[ok]
            if names is not None
            else np.full(len(pts), "", dtype=object)
        )
        zone = layer.find_column("zone")
        nis = (
            zone.map(zone_code).to_numpy(dtype=object)[ok]
            if zone is not None
            else _locate_nis(pts, municipalities)
        )
        ids = np.array([f"{KINDS[role]}-{i}" for i in range(len(pts))], dtype=object)
        canon = gpd.GeoDataFrame(
            {"opp_id": ids, "name": name_values, "weight": weights, "nis": nis},
            geometry=gpd.GeoSeries(pts, crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )
        xy = shapely.get_coordinates(pts)
        att = attach_points(network, xy, ids, max_snap_m=max_snap_m)
        sets.append(OpportunitySet(KINDS[role], role, canon, att))
    od_layer = project.layers.first(Role.OD_TABLE)
    od = od_pairs(od_layer) if od_layer is not None and not od_layer.is_raster else None
    if not sets and od is None:
        return None
    return OpportunityInputs(
        tuple(sets),
        od,
        elevation_of(project),
        infrastructure_of(project.layers.first(Role.BIKE_NETWORK)),
    )


def carry_opportunities(
    inputs: OpportunityInputs | None,
    network: Network,
    *,
    edge_map: np.ndarray | None,
    new_edges: np.ndarray,
    max_snap_m: float,
    same_snap: bool = True,
) -> OpportunityInputs | None:
    """The opportunity points re-attached to a scenario's network."""
    if inputs is None:
        return None
    sets = []
    for s in inputs.sets:
        rows = (
            np.arange(len(s.frame), dtype=np.int64)
            if same_snap
            else np.full(len(s.frame), -1, np.int64)
        )
        att = carry_over(
            network,
            s.att,
            rows,
            shapely.get_coordinates(s.frame.geometry.values),
            s.frame["opp_id"].to_numpy(dtype=object),
            edge_map=edge_map,
            new_edges=new_edges,
            max_snap_m=max_snap_m,
        )
        sets.append(replace(s, att=att))
    return replace(inputs, sets=tuple(sets))
