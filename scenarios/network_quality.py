"""The network's quality: km per class, components and islands, directness between centres."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.roles import LINK_CLASSES
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.kernel import point_distances
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.results import NetworkSummary

__all__ = ["delaunay_pairs", "network_summary"]


def delaunay_pairs(xy: np.ndarray, *, gabriel: bool = True) -> np.ndarray:
    """Neighbour pairs ``(i, j)``, ``i < j``: Gabriel edges of a Delaunay triangulation.

    ``gabriel=False`` keeps every Delaunay edge.
    """
    xy = np.asarray(xy, dtype=float)
    if len(xy) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if len(xy) < 3:
        return np.asarray([[0, 1]], dtype=np.int64)
    from scipy.spatial import Delaunay, QhullError

    try:
        tri = Delaunay(xy)
    except QhullError:
        order = np.argsort(xy[:, 0] + xy[:, 1])
        return np.sort(np.stack([order[:-1], order[1:]], axis=1), axis=1)
    s = tri.simplices
    pairs = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0).astype(np.int64)
    if not gabriel:
        return pairs
    # Gabriel graph: drop a pair when another centre lies inside the circle
    # on the pair as diameter (removes long hull edges of the triangulation).
    from scipy.spatial import cKDTree

    mid = (xy[pairs[:, 0]] + xy[pairs[:, 1]]) / 2
    radius = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T) / 2
    tree = cKDTree(xy)
    inside = tree.query_ball_point(mid, radius * (1 - 1e-9))
    keep = np.asarray([len(ix) == 0 for ix in inside])
    return pairs[keep]


def _per_class(network: Network) -> pd.DataFrame:
    """Links (distinct source links) and km per link class, in
    :data:`LINK_CLASSES` order (others after, by name). The classes are
    grouped by integer code: grouping 200,000 strings takes a tenth of a second."""
    values = np.asarray(network.link_class, dtype=object)
    codes, found = pd.factorize(values, use_na_sentinel=False)
    classes = np.asarray([str(c) for c in found], dtype=object)
    if len(set(classes.tolist())) < len(classes):  # e.g. None and "None"
        codes, found = pd.factorize(values.astype(str))
        classes = np.asarray(found, dtype=object)
    n = len(classes)
    link_id = np.asarray(network.link_id, dtype=np.int64)
    span = int(link_id.max(initial=0)) - int(link_id.min(initial=0)) + 1
    key = codes.astype(np.int64) * span + (link_id - link_id.min(initial=0))
    if n * span <= 50_000_000:  # a flag per (class, link): faster than hashing
        seen = np.zeros(n * span, bool)
        seen[key] = True
        links = seen.reshape(n, span).sum(axis=1).astype(np.int64)
    else:
        links = np.bincount(np.unique(key) // span, minlength=n).astype(np.int64)
    km = (
        pd.DataFrame({"code": codes, "km": network.length / 1000.0})
        .groupby("code")["km"]
        .sum()
        .reindex(np.arange(n), fill_value=0.0)
        .to_numpy(dtype=float)
    )
    rank = {c: i for i, c in enumerate(LINK_CLASSES)}
    names = [str(c) for c in classes]
    order = sorted(range(n), key=lambda i: (rank.get(names[i], len(rank)), names[i]))
    return pd.DataFrame(
        {
            "link_class": pd.array(classes[order], dtype="str"),
            "links": links[order],
            "km": km[order],
        }
    )


def network_summary(
    network: Network,
    *,
    centres: gpd.GeoDataFrame | None = None,
    centre_att: Attachment | None = None,
    previous: pd.DataFrame | None = None,
    changed: np.ndarray | None = None,
) -> NetworkSummary:
    """Km per class, components and islands, directness between centres.

    With ``previous`` (the base's directness table for the same centres)
    and ``changed`` (geometries where walking costs changed), only pairs
    whose shortest path could pass a change are searched again: a path of
    length ``d`` between two centres lies inside the ellipse with the
    centres as foci and ``d`` as major axis.
    """
    per_class = _per_class(network)

    _, labels = network.components()
    comp_of_edge = labels[network.u]
    used = np.zeros(network.n_nodes, bool)
    used[network.u] = True
    used[network.v] = True
    node_counts = np.bincount(labels[used], minlength=int(labels.max(initial=-1)) + 1)
    comp_ids = np.flatnonzero(node_counts)
    islands = pd.DataFrame({"_label": comp_ids, "nodes": node_counts[comp_ids]})
    edge_stats = (
        pd.DataFrame({"_label": comp_of_edge, "km": network.length / 1000.0})
        .groupby("_label")
        .agg(links=("km", "size"), km=("km", "sum"))
        .reset_index()
    )
    islands = islands.merge(edge_stats, on="_label", how="left")
    islands = islands.sort_values(["km", "nodes"], ascending=False).reset_index(drop=True)
    islands.insert(0, "component", np.arange(len(islands)))
    islands = islands.drop(columns="_label")

    directness = pd.DataFrame(
        {
            "from_name": pd.Series(dtype=str),
            "to_name": pd.Series(dtype=str),
            "straight_m": pd.Series(dtype=float),
            "network_m": pd.Series(dtype=float),
            "ratio": pd.Series(dtype=float),
        }
    )
    if centres is not None and centre_att is not None and len(centres) >= 2:
        pairs = delaunay_pairs(centre_att.xy)
        straight = np.hypot(*(centre_att.xy[pairs[:, 0]] - centre_att.xy[pairs[:, 1]]).T)
        if previous is not None and changed is not None and len(previous) == len(pairs):
            net_m = previous["network_m"].to_numpy(dtype=float).copy()
            redo = _pairs_near(centre_att.xy, pairs, net_m, changed)
            if redo.any():
                net_m[redo] = point_distances(
                    network, centre_att, pairs[redo], mode="walk", limit_factor=4.0
                )
        else:
            net_m = point_distances(network, centre_att, pairs, mode="walk", limit_factor=4.0)
        names = centres["name"].astype(str).to_numpy()
        net_m = np.where(np.isfinite(net_m), net_m, np.nan)
        directness = pd.DataFrame(
            {
                "from_name": names[pairs[:, 0]],
                "to_name": names[pairs[:, 1]],
                "straight_m": straight,
                "network_m": net_m,
                "ratio": np.where(straight > 0, net_m / np.maximum(straight, 1e-9), np.nan),
            }
        )
    return NetworkSummary(
        km_per_class=per_class,
        total_km=float(network.length.sum() / 1000.0),
        components=int(len(islands)),
        islands=islands,
        directness=directness,
    )


def _pairs_near(
    xy: np.ndarray, pairs: np.ndarray, dist: np.ndarray, changed: np.ndarray
) -> np.ndarray:
    """Pairs whose ellipse (foci the pair, major axis ``dist``) meets ``changed``."""
    redo = ~np.isfinite(dist)
    if len(changed) == 0:
        return redo
    pts = shapely.get_coordinates(shapely.segmentize(changed, 25.0))
    a = xy[pairs[:, 0]]
    b = xy[pairs[:, 1]]
    for start in range(0, len(pts), 2048):
        p = pts[start : start + 2048]
        da = np.hypot(p[None, :, 0] - a[:, None, 0], p[None, :, 1] - a[:, None, 1])
        db = np.hypot(p[None, :, 0] - b[:, None, 0], p[None, :, 1] - b[:, None, 1])
        redo |= ((da + db) <= (np.nan_to_num(dist, nan=np.inf) + 25.0)[:, None]).any(axis=1)
    return redo
