"""Per dwelling: the network cost to the nearest destination of a kind (mobipunt, station, Brussels border entry), repaired from the base's where it kept them.

:mod:`indicators` builds an evaluation from these columns; the searches
themselves are :func:`~kernel.nearest_destination` and, for a scenario,
:func:`~incremental.nearest_with_reuse`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.i18n import tr_each
from slimmeregio.layers.model import ANALYSIS_CRS
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.brussels import NO_BRUSSELS_NOTE, inside
from slimmeregio.scenarios.incremental import KeptNearest, keep_nearest, nearest_with_reuse
from slimmeregio.scenarios.kernel import flows_to_nearest, nearest_destination
from slimmeregio.scenarios.network import Network
from slimmeregio.scenarios.results import empty_brussels_entries

if TYPE_CHECKING:
    from slimmeregio.scenarios.indicators import Reuse, Situation

__all__ = ["BrusselsRoutes", "brussels_routes", "dwelling_costs", "ids_of", "nearest"]


def nearest(
    sit: Situation,
    src: Attachment,
    dst: Attachment,
    mode: str,
    key: tuple[str, str],
    reuse: Reuse | None,
    keep: dict[tuple[str, str], KeptNearest] | None,
    kept_sources: Attachment | None = None,
) -> Any:
    """Nearest destinations, repaired from the base's where it kept them; kept
    in ``keep`` (the base evaluation) for later repairs."""
    kept = reuse.nearest.get(key) if reuse is not None and reuse.nearest else None
    if kept is not None:
        res = nearest_with_reuse(
            sit.network, src, dst, mode=mode, kept=kept, source_rows=sit.housing_rows, edge_map=sit.edge_map,
            remember=kept_sources is None,  # the Brussels sources are searched from once
        )  # fmt: skip
    else:
        res = nearest_destination(sit.network, src, dst, mode=mode)
    if keep is not None:
        made = keep_nearest(sit.network, kept_sources or src, dst, res, mode)
        if made is not None:
            keep[key] = made
    return res


def dwelling_costs(
    sit: Situation,
    src: Attachment,
    dst: Attachment,
    mode: str,
    key: tuple[str, str],
    reuse: Reuse | None,
    keep: dict[tuple[str, str], KeptNearest] | None,
) -> tuple[np.ndarray, np.ndarray, Any]:
    """Per source: the cost to its nearest destination (NaN: none), that
    destination's row (-1: none), and the search result (:func:`nearest`)."""
    res = nearest(sit, src, dst, mode, key, reuse, keep)
    return np.where(np.isfinite(res.cost), res.cost, np.nan), res.dest, res


@dataclass(eq=False)
class BrusselsRoutes:
    """Routes of the housing to the nearest entry point on the Brussels border."""

    network: Network
    sources: Attachment | None
    border: Attachment | None
    result: Any
    minutes: np.ndarray
    entry_id: np.ndarray
    notes: dict[str, dict[str, str]]
    #: Per dwelling: inside the Brussels area (not routed).
    inside: np.ndarray | None = None

    @property
    def active(self) -> bool:
        """Brussels-border indicators apply (there is a Brussels area)."""
        return "no_brussels" not in self.notes

    def flow(self, weights: np.ndarray) -> np.ndarray:
        if self.result is None or self.sources is None:
            return np.zeros(self.network.n_edges)
        return flows_to_nearest(self.network, self.sources, self.result, weights)

    def entries(self, dw: pd.DataFrame) -> gpd.GeoDataFrame:
        border = self.border
        if border is None or len(border) == 0:
            return empty_brussels_entries()
        ids = border.ids.astype(str)
        per = (
            dw.groupby("brussels_entry_id")["dwellings"].sum()
            if len(dw)
            else pd.Series(dtype=float)
        )
        net = self.network
        return gpd.GeoDataFrame(
            {
                "entry_id": ids,
                "link_id": net.link_id[border.edge].astype(np.int64),
                "name": net.name[border.edge].astype(str),
                "link_class": net.link_class[border.edge].astype(str),
                "dwellings": pd.Series(ids).map(per).fillna(0).astype(np.int64).to_numpy(),
            },
            geometry=gpd.GeoSeries(shapely.points(border.xy), crs=ANALYSIS_CRS),
            crs=ANALYSIS_CRS,
        )


def brussels_routes(
    sit: Situation,
    net: Network,
    h_att: Attachment,
    reuse: Reuse | None = None,
    keep: dict[tuple[str, str], KeptNearest] | None = None,
) -> BrusselsRoutes:
    """Cycling routes from every dwelling outside Brussels to the nearest border entry."""
    n = len(h_att)
    nan = np.full(n, np.nan)
    none = np.full(n, None, dtype=object)
    if sit.brussels is None:
        return BrusselsRoutes(
            net, None, None, None, nan, none, {"no_brussels": dict(NO_BRUSSELS_NOTE)}
        )
    border = sit.border_att
    if border is None or len(border) == 0:
        note = tr_each(
            "Het fietsnetwerk raakt de Brusselse grens nergens: geen stromen naar Brussel."
        )
        return BrusselsRoutes(net, None, border, None, nan, none, {"brussels_unreached": note})
    in_bx = inside(sit.brussels, h_att.xy)
    sources = h_att.without(in_bx)
    res = nearest(
        sit, sources, border, "bike", ("brussels", "bike"), reuse, keep, kept_sources=h_att
    )
    minutes = np.where(np.isfinite(res.cost), res.cost / 60.0, np.nan)
    return BrusselsRoutes(
        net, sources, border, res, minutes, ids_of(res.dest, border.ids), {}, inside=in_bx
    )


def ids_of(index: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``ids[index]`` with None where ``index`` is -1."""
    out = np.full(len(index), None, dtype=object)
    hit = index >= 0
    out[hit] = ids[index[hit]]
    return out
