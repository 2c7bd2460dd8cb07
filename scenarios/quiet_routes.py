"""Quiet commuting routes (PCT's "quiet" next to "fast"): a quietness-weighted route cost.

With ``Parameters.commute_routes = "quiet"`` the commuters ride the routes
that minimise ``sum(factor x metres)`` instead of the metres alone; the
factor of a link comes from its kind of infrastructure
(:data:`QUIET_FACTORS`):

========================  ======  ==============================================
kind                      factor  recognised from
========================  ======  ==============================================
``vrijliggend``           1.0     separate cycle path: OSM ``cycleway``,
                                  ``path``; ``fietspad``, ``jaagpad`` ...;
                                  link class ``fietssnelweg``; a link a
                                  scenario adds
``rustig``                1.2     bike street or quiet road: ``fietsstraat``,
                                  ``woonerf``, OSM ``residential``,
                                  ``living_street``, ``service``, ``track`` ...
``verkeer``               2.0     road with motor traffic: OSM ``primary``,
                                  ``secondary``, ``tertiary``, ``trunk`` ...
unknown                   1.2     as a quiet road
========================  ======  ==============================================

The kind is read from the bike network's optional ``infrastructure`` field
(the OSM import's ``highway`` column is recognised); a link without one is
``vrijliggend`` when its class is ``fietssnelweg`` and unknown otherwise.
The uptake still uses each route's real length (:mod:`.route_sums`).
The factors are a documented assumption (docs/engine.md, section 7b).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from slimmeregio.layers.i18n import N_
from slimmeregio.layers.model import Layer
from slimmeregio.layers.roles import normalize_name
from slimmeregio.scenarios.network import Network, link_ids_of
from slimmeregio.scenarios.route_sums import route_sums

if TYPE_CHECKING:
    from slimmeregio.scenarios.commuting import RouteTrees

__all__ = [
    "QUIET_FACTORS",
    "ROUTE_LABELS",
    "infrastructure_of",
    "quiet_factors",
    "quiet_kind",
    "quiet_network",
    "route_costs_for",
    "route_lengths_m",
    "search_limit_m",
]

#: The route choices of ``Parameters.commute_routes`` and how the interface names them.
ROUTE_LABELS: dict[str, str] = {"fastest": N_("Snelste"), "quiet": N_("Rustigste")}
#: Cost per metre of each kind of infrastructure, relative to a separate cycle path.
QUIET_FACTORS: dict[str, float] = {"vrijliggend": 1.0, "rustig": 1.2, "verkeer": 2.0, "": 1.2}

_SEPARATE = frozenset(
    {
        "cycleway",
        "path",
        "fietspad",
        "vrijliggend",
        "vrijliggend_fietspad",
        "fietssnelweg",
        "jaagpad",
        "towpath",
        "separate",
        "cycle_path",
        "piste_cyclable",
        "voie_verte",
    }
)
_QUIET = frozenset(
    {
        "fietsstraat",
        "bicycle_road",
        "cyclestreet",
        "woonerf",
        "erf",
        "living_street",
        "residential",
        "service",
        "track",
        "pedestrian",
        "footway",
        "rustig",
        "rustige_weg",
        "quiet",
        "quiet_road",
        "woonstraat",
        "landbouwweg",
        "unclassified",
    }
)
_TRAFFIC = frozenset(
    {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "trunk",
        "trunk_link",
        "verkeer",
        "weg_met_verkeer",
        "gewestweg",
        "hoofdweg",
        "drukke_weg",
        "road",
        "busy_road",
    }
)


def quiet_kind(value: object) -> str:
    """``vrijliggend``, ``rustig``, ``verkeer`` or ``""`` (unknown) for an infrastructure value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = normalize_name(str(value))
    for kind, words in (("vrijliggend", _SEPARATE), ("rustig", _QUIET), ("verkeer", _TRAFFIC)):
        if text in words:
            return kind
    return ""


def infrastructure_of(layer: Layer | None) -> dict[int, str] | None:
    """Link id -> kind of infrastructure of a bike-network layer (None without the field)."""
    if layer is None or layer.is_raster:
        return None
    column = layer.find_column("infrastructure")
    if column is None:
        return None
    # A network holds a handful of distinct values: each is classified once.
    codes, uniques = pd.factorize(pd.Series(column), use_na_sentinel=True)
    kinds = np.array([quiet_kind(u) for u in uniques] + [""], dtype=object)[codes]
    ids = link_ids_of(layer)
    return {int(i): str(k) for i, k in zip(ids, kinds, strict=True) if k}


def quiet_factors(network: Network, infrastructure: Mapping[int, str] | None) -> np.ndarray:
    """Per edge: the cost factor of :data:`QUIET_FACTORS` (see the module docstring)."""
    kinds = pd.Series(network.link_id).map(dict(infrastructure or {})).fillna("")
    kind = kinds.to_numpy(dtype=object)
    separate = (network.link_class.astype(str) == "fietssnelweg") | (
        network.change.astype(str) == "added"
    )
    kind = np.where(separate, "vrijliggend", kind)
    return pd.Series(kind).map(QUIET_FACTORS).to_numpy(dtype=float)


def quiet_network(network: Network, infrastructure: Mapping[int, str] | None) -> Network:
    """The network whose ``bike`` costs are quietness-weighted metres (one-way
    streets honoured): the cost the quiet routes minimise. Kept in the
    network's cache for the same ``infrastructure`` object."""
    key = ("quiet_network", id(infrastructure))
    cached = network.cache.get(key)
    if cached is not None and cached[0] is infrastructure:
        return cached[1]  # type: ignore[no-any-return]
    factors = quiet_factors(network, infrastructure)
    out = replace(network, speed_kmh=3.6 / factors)
    network.cache[key] = (infrastructure, out)
    return out


def route_costs_for(
    parameters: object, infrastructure: Mapping[int, str] | None
) -> Callable[[Network], Network] | None:
    """The network of costs the commuting routes minimise under
    ``parameters.commute_routes`` (None: the default, distance)."""
    if getattr(parameters, "commute_routes", "fastest") != "quiet":
        return None
    return partial(quiet_network, infrastructure=infrastructure)


def search_limit_m(route_costs: Callable[[Network], Network] | None) -> float:
    """How far (in route cost) the commuting trees search: 30 km of route,
    weighted by the largest factor for quiet routes."""
    from slimmeregio.scenarios.commuting import MAX_UPTAKE_KM

    scale = max(QUIET_FACTORS.values()) if route_costs is not None else 1.0
    return MAX_UPTAKE_KM * 1000.0 * scale


def route_lengths_m(trees: RouteTrees) -> np.ndarray:
    """``(sources, destinations)`` real route lengths (m, connectors included)
    of trees searched on any cost; ``inf`` without a route or beyond 30 km."""
    from slimmeregio.scenarios.commuting import MAX_UPTAKE_KM

    length = route_sums(trees, np.asarray(trees.network.length, dtype=float), connector=1.0)
    ok = np.isfinite(length) & (length <= MAX_UPTAKE_KM * 1000.0)
    return np.where(ok, length, np.inf)
