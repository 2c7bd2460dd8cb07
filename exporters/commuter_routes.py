"""'Fietsroutes naar het werk': the commuter bike network as GeoJSON a municipality can publish.

The links of a run whose potential bike commuters (``flow_bike_commuters``,
Go Dutch) reach a threshold, one feature per source link (its largest flow
over its parts), classed 1 (quietest) to 5 (busiest) by the flow's
quantiles, in WGS84 as RFC 7946 asks, with a Dutch or English title and
source line. The same flows are a layer of the web map
(:mod:`slimmeregio.exporters.webmap`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from slimmeregio.exporters._safe import writing
from slimmeregio.exporters.result_runs import results_to_export
from slimmeregio.layers.model import Project

__all__ = ["DEFAULT_MIN_CYCLISTS", "commuter_routes", "export_commuter_routes"]

#: Links with fewer potential bike commuters are left out of the published network.
DEFAULT_MIN_CYCLISTS = 5.0


def commuter_routes(
    evaluation: Any, *, min_cyclists: float = DEFAULT_MIN_CYCLISTS
) -> gpd.GeoDataFrame:
    """Per source link with at least ``min_cyclists``: ``link_id``, ``name``,
    ``link_class``, ``bike_commuters`` (rounded), ``klasse`` (1-5); line geometry (EPSG:31370)."""
    links = evaluation.links
    columns = ["link_id", "name", "link_class", "bike_commuters", "klasse"]
    if "flow_bike_commuters" not in links.columns:
        return gpd.GeoDataFrame(
            {c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=links.crs), crs=links.crs
        )
    frame = links[["link_id", "name", "link_class", "flow_bike_commuters", "geometry"]]
    grouped = frame.groupby("link_id", sort=True)
    flow = grouped["flow_bike_commuters"].max()
    keep = flow[flow >= min_cyclists].index
    part = frame[frame["link_id"].isin(keep)]
    geoms = part.groupby("link_id", sort=True)["geometry"].apply(
        lambda g: shapely.line_merge(shapely.union_all(np.asarray(g.values, dtype=object)))
    )
    first = part.groupby("link_id", sort=True)[["name", "link_class"]].first()
    values = flow.loc[keep].to_numpy(dtype=float)
    edges = np.quantile(values, [0.2, 0.4, 0.6, 0.8]) if len(values) else np.zeros(4)
    out = gpd.GeoDataFrame(
        {
            "link_id": keep.to_numpy(dtype=np.int64),
            "name": first["name"].astype(str).to_numpy(),
            "link_class": first["link_class"].astype(str).to_numpy(),
            "bike_commuters": np.round(values).astype(np.int64),
            "klasse": (np.searchsorted(edges, values, side="left") + 1).astype(np.int64),
        },
        geometry=gpd.GeoSeries(geoms.loc[keep].to_numpy(), crs=links.crs),
        crs=links.crs,
    )
    return out.sort_values(["bike_commuters", "link_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def export_commuter_routes(
    project: Project | None,
    results: Sequence[Any],
    path: str | Path,
    *,
    lang: str,
    force: bool = False,
    min_cyclists: float = DEFAULT_MIN_CYCLISTS,
    **_: Any,
) -> Path:
    """Write the commuter bike network of the last run in ``results`` as GeoJSON.

    Raises :class:`~slimmeregio.layers.errors.ExportError` when there is
    nothing to export, :class:`~slimmeregio.layers.errors.OutputExistsError`
    when ``path`` exists and ``force`` is False; never leaves a partial file.
    """
    base, runs = results_to_export(results, path)
    evaluation = runs[-1][1] if runs else base
    routes = commuter_routes(evaluation, min_cyclists=min_cyclists)
    data = json.loads(routes.to_crs("EPSG:4326").to_json(drop_id=True))
    nl = lang != "en"
    data["name"] = "Fietsroutes naar het werk" if nl else "Bike routes to work"
    data["description"] = (
        f"Links met minstens {min_cyclists:g} potentiële fietspendelaars (Go Dutch, Propensity to Cycle Tool) "
        f"in '{evaluation.name}'; klasse 1 (rustig) tot 5 (drukst). Potentieel, geen telling."
        if nl
        else f"Links with at least {min_cyclists:g} potential bike commuters (Go Dutch, Propensity to Cycle Tool) "
        f"in '{evaluation.name}'; class 1 (quietest) to 5 (busiest). A potential, not a count."
    )
    attributions = list(getattr(project, "attributions", []) or [])
    if attributions:
        data["attribution"] = "; ".join(str(a) for a in attributions)
    with writing(path, force=force) as tmp:
        Path(tmp).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return Path(path)
