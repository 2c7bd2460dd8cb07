"""Explain a number: the route from any point to its nearest mobipunt, station
and Brussels border point, and the network reached from a point in a time.

The routes are the engine's own: one :func:`~slimmeregio.scenarios.kernel.nearest_destination`
search per destination kind (cycling, as the indicators measure it), then the
predecessor tree walked from where the point enters the network to the
destination. Each route is split into its stretches of link class (the
connectors from the point to the network and from the network to the
destination count as ``aansluiting``), with metres and seconds per stretch;
the seconds add up to the cost the engine reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import shapely
from shapely import ops

from slimmeregio.scenarios.attach import Attachment, attach_points, part_cost
from slimmeregio.scenarios.brussels import inside
from slimmeregio.scenarios.indicators import Situation
from slimmeregio.scenarios.kernel import NearestResult, nearest_destination, reach_from
from slimmeregio.scenarios.network import Network

__all__ = [
    "CONNECTOR",
    "Reach",
    "Route",
    "Stretch",
    "explain_point",
    "reach_of_point",
    "route_to_nearest",
]

#: Link class of the straight connectors between a point and the network.
CONNECTOR = "aansluiting"


@dataclass(frozen=True)
class Stretch:
    """A part of a route: along an edge (``edge`` >= 0) or a connector (-1)."""

    edge: int
    link_class: str
    metres: float
    seconds: float
    geometry: shapely.LineString


@dataclass(frozen=True)
class Route:
    """The cycling route from a point to its nearest destination of a kind."""

    kind: str  # "mobipunt", "station" or "brussels"
    target_id: str
    target_xy: tuple[float, float]
    seconds: float
    stretches: list[Stretch] = field(default_factory=list)
    target_name: str = ""

    @property
    def metres(self) -> float:
        return float(sum(s.metres for s in self.stretches))

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0

    def by_class(self) -> dict[str, tuple[float, float]]:
        """``{link class: (metres, seconds)}`` in the order the route meets them."""
        out: dict[str, tuple[float, float]] = {}
        for s in self.stretches:
            m, t = out.get(s.link_class, (0.0, 0.0))
            out[s.link_class] = (m + s.metres, t + s.seconds)
        return out

    def coords(self) -> np.ndarray:
        """The route as one polyline (n, 2) from the point to the destination."""
        parts = [
            shapely.get_coordinates(s.geometry) for s in self.stretches if not s.geometry.is_empty
        ]
        if not parts:
            return np.zeros((0, 2))
        xy = np.vstack(parts)
        keep = np.r_[True, np.any(np.abs(np.diff(xy, axis=0)) > 1e-9, axis=1)]
        return xy[keep]


def _substring(geom: shapely.LineString, f0: float, f1: float) -> shapely.LineString:
    """The part of ``geom`` from fraction ``f0`` to ``f1`` (reversed when ``f1 < f0``)."""
    if f0 == f1:
        pt = shapely.line_interpolate_point(geom, f0, normalized=True)
        return shapely.LineString([pt, pt])
    return ops.substring(geom, f0, f1, normalized=True)


def _frac_on(att: Attachment, point: int, edge: int) -> float:
    """Where point ``point`` of ``att`` lies along ``edge`` (one of its candidate edges)."""
    owner, flat = att.expand()
    rows = np.flatnonzero((owner == point) & (flat.edge == edge))
    return float(flat.frac[rows[0]]) if len(rows) else float(att.frac[point])


def _snap_on(att: Attachment, point: int, edge: int) -> float:
    owner, flat = att.expand()
    rows = np.flatnonzero((owner == point) & (flat.edge == edge))
    return float(flat.snap_m[rows[0]]) if len(rows) else float(att.snap_m[point])


def _along(network: Network, edge: int, f0: float, f1: float, mode: str) -> Stretch:
    fwd, bwd = network.weights(mode)
    frac = abs(f1 - f0)
    cost = fwd[edge] if f1 >= f0 else bwd[edge]
    seconds = float(part_cost(np.array([frac]), np.array([cost]))[0])
    return Stretch(
        edge,
        str(network.link_class[edge]),
        frac * float(network.length[edge]),
        seconds,
        _substring(network.geometry[edge], f0, f1),
    )


def _connector(
    network: Network,
    xy: tuple[float, float],
    edge: int,
    frac: float,
    snap: float,
    mode: str,
    *,
    outward: bool,
) -> Stretch:
    on = shapely.line_interpolate_point(network.geometry[edge], frac, normalized=True)
    point = shapely.Point(xy)
    line = shapely.LineString([point, on] if outward else [on, point])
    seconds = (
        float(snap) if mode == "walk" else float(snap) / (float(network.speed_kmh[edge]) / 3.6)
    )
    return Stretch(-1, CONNECTOR, float(snap), seconds, line)


def route_to_nearest(
    network: Network,
    source: Attachment,
    dests: Attachment,
    *,
    kind: str,
    mode: str = "bike",
    result: NearestResult | None = None,
) -> Route | None:
    """The route from the first point of ``source`` to its nearest point of
    ``dests`` (None when none is reachable), read from the search's
    predecessor tree; ``result`` reuses a search already made."""
    res = result if result is not None else nearest_destination(network, source, dests, mode=mode)
    if not len(res.cost) or not np.isfinite(res.cost[0]) or res.dest[0] < 0:
        return None
    d = int(res.dest[0])
    e0 = int(res.src_edge[0]) if res.src_edge is not None else int(source.edge[0])
    g = _frac_on(source, 0, e0)
    sxy = (float(source.xy[0, 0]), float(source.xy[0, 1]))
    dxy = (float(dests.xy[d, 0]), float(dests.xy[d, 1]))
    stretches = [_connector(network, sxy, e0, g, _snap_on(source, 0, e0), mode, outward=True)]
    entry = int(res.entry[0])
    n = res.n_nodes
    if entry < 0:
        # the destination lies on the point's own edge
        f = _frac_on(dests, d, e0)
        stretches.append(_along(network, e0, g, f, mode))
        last_edge, last_frac = e0, f
    else:
        stretches.append(_along(network, e0, g, 0.0 if entry == network.u[e0] else 1.0, mode))
        assert res.graph is not None
        node = entry
        last_edge, last_frac = e0, 0.0
        for _ in range(n + 1):
            nxt = int(res.pred[node])
            if nxt < 0:
                break
            edge = int(res.graph.edge_of(np.array([nxt]), np.array([node]))[0])
            start = 0.0 if node == network.u[edge] else 1.0
            if nxt >= n:  # the destination's virtual node: part of its edge
                f = _frac_on(dests, d, edge)
                stretches.append(_along(network, edge, start, f, mode))
                last_edge, last_frac = edge, f
                break
            end = 1.0 - start
            stretches.append(_along(network, edge, start, end, mode))
            node = nxt
    conn = _connector(
        network, dxy, last_edge, last_frac, _snap_on(dests, d, last_edge), mode, outward=False
    )
    stretches.append(conn)
    return Route(kind, str(dests.ids[d]), dxy, float(res.cost[0]), stretches)


def explain_point(sit: Situation, x: float, y: float) -> list[Route]:
    """The cycling routes from (x, y) to the nearest mobipunt, station and
    Brussels border point of situation ``sit`` (kinds without a reachable
    destination are left out), with the indicators' own filters (mobipunt
    types, minimum trains per day)."""
    params = sit.parameters
    net = sit.network
    source = attach_points(net, np.array([[x, y]]), max_snap_m=params.max_snap_m)
    if not source.reachable[0]:
        return []
    routes: list[Route] = []
    mobi_ok = sit.mobipunten["hoppin_type"].isin(list(params.mobipunt_types)).to_numpy()
    st_ok = (
        pd.to_numeric(sit.stations["trains_per_day"], errors="coerce").fillna(0).to_numpy()
        >= params.min_trains_per_day
    )
    targets = [
        ("mobipunt", sit.mobipunt_att.subset(mobi_ok), _names(sit.mobipunten, mobi_ok)),
        ("station", sit.station_att.subset(st_ok), _names(sit.stations, st_ok)),
    ]
    if (
        sit.border_att is not None
        and len(sit.border_att)
        and not inside(sit.brussels, np.array([[x, y]]))[0]
    ):
        targets.append(("brussels", sit.border_att, None))
    for kind, dests, names in targets:
        route = route_to_nearest(net, source, dests, kind=kind, mode="bike")
        if route is not None:
            if names is not None:
                j = int(np.flatnonzero(dests.ids == route.target_id)[0])
                route = replace(route, target_name=names[j])
            routes.append(route)
    return routes


def _names(frame: pd.DataFrame, mask: np.ndarray) -> np.ndarray | None:
    if "name" not in frame.columns:
        return None
    names = frame.loc[mask, "name"].fillna("").astype(str).to_numpy(dtype=object)
    return np.where(names == "nan", "", names)


@dataclass(frozen=True)
class Reach:
    """The network reached from a point within ``limit_s`` seconds of cycling:
    per edge the seconds at its cheaper end (``inf`` beyond reach)."""

    limit_s: float
    edge_seconds: np.ndarray
    node_seconds: np.ndarray

    def edges_within(self, seconds: float) -> np.ndarray:
        return np.flatnonzero(self.edge_seconds <= seconds)


def reach_of_point(sit: Situation, x: float, y: float, *, limit_s: float) -> Reach:
    """Cycling times between (x, y) and every network node up to ``limit_s``
    (the engine's service-area search, towards the point, as for a mobipunt)."""
    net = sit.network
    point = attach_points(net, np.array([[x, y]]), max_snap_m=sit.parameters.max_snap_m)
    rows = reach_from(net, point, mode="bike", limit=limit_s)
    node = rows[0] if rows and rows[0] is not None else np.full(net.n_nodes, np.inf)
    edge = np.minimum(node[net.u], node[net.v]) if net.n_edges else np.zeros(0)
    return Reach(float(limit_s), edge, node)
