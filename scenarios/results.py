"""Result objects of the scenario engine, the contract for exporters and desktop.

Everything here is plain data (frozen dataclasses holding pandas /
geopandas frames, all geometries in EPSG:31370). Column and key names are
stable: exporters and the desktop code against them.

The indicator keys, their labels and units are described in
:mod:`slimmeregio.scenarios.indicator_names`; the names are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.scenarios.indicator_names import (
    INDICATOR_LABELS,
    fmt_threshold,
    indicator_keys,
    indicator_label,
    indicator_labels,
    indicator_unit,
)

if TYPE_CHECKING:
    from slimmeregio.scenarios.model import Parameters, Scenario

__all__ = [
    "INDICATOR_LABELS",
    "LINK_FLOW_COLUMNS",
    "Comparison",
    "Evaluation",
    "MissingLinkSuggestion",
    "NetworkSummary",
    "SitingResult",
    "fmt_threshold",
    "read_only_columns",
    "indicator_keys",
    "indicator_label",
    "indicator_labels",
    "indicator_unit",
]


def empty_brussels_entries() -> gpd.GeoDataFrame:
    """An empty ``Evaluation.brussels_entries`` frame with its columns."""
    return gpd.GeoDataFrame(
        {
            "entry_id": pd.Series(dtype=str),
            "link_id": pd.Series(dtype="int64"),
            "name": pd.Series(dtype=str),
            "link_class": pd.Series(dtype=str),
            "dwellings": pd.Series(dtype="int64"),
        },
        geometry=gpd.GeoSeries([], crs="EPSG:31370"),
        crs="EPSG:31370",
    )


#: Columns of :attr:`Comparison.link_flows` (geometry last).
LINK_FLOW_COLUMNS = [
    "link_id",
    "name",
    "link_class",
    "change",
    "base_flow_dwellings",
    "scenario_flow_dwellings",
    "delta_flow_dwellings",
    "base_flow_brussels_dwellings",
    "scenario_flow_brussels_dwellings",
    "delta_flow_brussels_dwellings",
    "base_flow_bike_commuters",
    "scenario_flow_bike_commuters",
    "delta_flow_bike_commuters",
]


def _empty_link_flows() -> gpd.GeoDataFrame:
    data = {c: pd.Series(dtype=float) for c in LINK_FLOW_COLUMNS}
    data["link_id"] = pd.Series(dtype="int64")
    for c in ("name", "link_class", "change"):
        data[c] = pd.Series(dtype=str)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs="EPSG:31370"), crs="EPSG:31370")


@dataclass(frozen=True, eq=False)
class NetworkSummary:
    """Bike-network quality of one evaluated network.

    Attributes
    ----------
    km_per_class
        DataFrame ``link_class, links, km`` (one row per class, sorted by the
        standard class order, then by name).
    total_km
        Total network length (km).
    components
        Number of connected components (ignoring one-way restrictions).
    islands
        DataFrame ``component, nodes, links, km`` of every component, largest
        first (component 0 is the main network; the rest are islands).
    directness
        DataFrame ``from_name, to_name, straight_m, network_m, ratio`` for
        neighbouring locality centres (Delaunay neighbours of the
        ``deelgemeenten`` layer), walking-network distance over straight
        distance; ``network_m``/``ratio`` are NaN where no path exists.
        Empty when the project has no locality-centre layer.
    """

    km_per_class: pd.DataFrame
    total_km: float
    components: int
    islands: pd.DataFrame
    directness: pd.DataFrame

    @property
    def median_directness(self) -> float:
        """Median directness ratio over the neighbour pairs (NaN if none)."""
        if self.directness.empty:
            return float("nan")
        return float(self.directness["ratio"].median())


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything one run of a scenario (or the base) produced.

    Attributes
    ----------
    scenario
        The evaluated :class:`Scenario`, or None for the base situation.
    parameters
        The parameters used.
    name
        Display name: the scenario's name, or ``"basis"``.
    dwellings
        GeoDataFrame, one row per housing feature (point geometry; polygons
        are represented by their representative point): ``housing_id`` (str),
        ``name``, ``status``, ``dwellings`` (int), ``inhabitants`` (float,
        dwellings x household size), ``nis``, ``municipality``,
        ``walk_m_mobipunt`` (network walking distance in m to the nearest
        mobipunt, incl. the walk to and from the network; NaN when
        unreachable), ``bike_min_mobipunt`` (cycling minutes, one-way
        streets honoured), ``mobipunt_id`` (the nearest by cycling time, str
        or None), ``walk_m_station``, ``bike_min_station``, ``station_id``
        (same for stations with enough trains), ``bike_min_brussels``
        (cycling minutes to the nearest entry point on the Brussels border;
        NaN without a Brussels layer, for housing inside Brussels and when
        unreachable), ``brussels_entry_id`` (that entry point, see
        ``brussels_entries``; None when not routed), ``snap_m`` (distance to
        the network), ``reachable`` (bool: attached to the network),
        ``added`` (bool: added by the scenario).
    municipalities
        DataFrame, one row per municipality: ``nis``, ``name`` and every
        municipality indicator key (see the module docstring). Housing
        outside every municipality is grouped under ``nis`` ``""``.
    region
        ``{indicator key: value}`` for the whole region.
    coverage_curve
        DataFrame ``minutes`` (0..curve_max_min) with ``share_mobipunt`` and
        ``share_station``: % of dwellings within that cycling time.
    mobipunten
        GeoDataFrame of the mobipunten counted as destinations:
        ``mobipunt_id``, ``name``, ``hoppin_type``, ``offer``,
        ``catchment_dwellings`` (dwellings for which it is the nearest by
        cycling), ``catchment_inhabitants``, ``snap_m``, ``reachable``,
        ``change`` in {"", "added", "moved"}; point geometry.
    stations
        GeoDataFrame of the stations used: ``station_id``, ``name``,
        ``trains_per_day``, ``catchment_dwellings``, ``snap_m``,
        ``reachable``.
    service_areas
        GeoDataFrame ``mobipunt_id``, ``name``, ``minutes`` (the
        service-area time), polygon geometry: the area within that cycling
        time over the network.
    links
        GeoDataFrame, one row per network edge (links split at junctions):
        ``link_id`` (the source link's id), ``link_class``, ``speed_kmh``,
        ``length_m``, ``oneway``, ``name``, ``flow_dwellings`` (dwellings
        whose shortest cycling route to their nearest station uses it),
        ``flow_brussels_dwellings`` (dwellings whose shortest cycling route
        to their nearest entry point on the Brussels border uses it; all
        zero without a Brussels layer, see ``notes``), ``change`` in {"",
        "added", "upgraded"}; line geometry. A route counts on every edge
        it touches, including the partly travelled edges at its two ends.
    removed_links
        GeoDataFrame of the links the scenario closed (same columns as
        ``links`` without the flow); empty for the base.
    network
        :class:`NetworkSummary`.
    population_covered
        Inhabitants of the population grid within the union of the service
        areas (None when the project has no population grid).
    unreachable
        DataFrame ``layer`` (housing / mobipunten / stations / localities),
        ``id``, ``snap_m`` (distance to the nearest link, NaN when none within
        reach): points beyond ``max_snap_m`` that were not analysed.
    timings
        ``{step: seconds}`` of this run.
    brussels_entries
        GeoDataFrame of the entry points where the network crosses the
        Brussels border: ``entry_id`` (``"<link_id>@<k>"``), ``link_id``,
        ``name`` (street), ``link_class``, ``dwellings`` (dwellings for which
        it is the nearest entry point by cycling); point geometry. Empty
        without a Brussels layer.
    notes
        ``{code: {"nl": text, "en": text}}``: remarks a reader of the
        results must see, e.g. ``"no_brussels"`` when the project has no
        Brussels layer (the Brussels flows are then zero) or
        ``"brussels_unreached"`` when the network does not meet its border.
    pt_stops
        The public transport stops (see :mod:`slimmeregio.scenarios.transit`)
        after the scenario's ``set_frequency``: ``stop_id``, ``name``,
        ``modes``, ``station``, ``per_uur_<window>``, ``ride_min_brussels``,
        ``route_rates``, ``changed``; None without a stops layer. The
        dwellings then also carry ``pt_<window>_<n>ph``, ``bike_min_train``,
        ``train_station_id``, ``door_min_brussels`` and ``door_station_id``.
    hub_checks
        The Hoppin policy check (:mod:`slimmeregio.scenarios.hoppin`), one
        row per mobipunt with a rule: ``mobipunt_id``, ``name``,
        ``hoppin_type``, ``ok``, ``best_stop``, ``best_per_hour``,
        ``reason_nl``, ``reason_en``; None without a stops layer.
    """

    scenario: Scenario | None
    parameters: Parameters
    name: str
    dwellings: gpd.GeoDataFrame
    municipalities: pd.DataFrame
    region: dict[str, float]
    coverage_curve: pd.DataFrame
    mobipunten: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    service_areas: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    removed_links: gpd.GeoDataFrame
    network: NetworkSummary
    population_covered: float | None
    unreachable: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    brussels_entries: gpd.GeoDataFrame = field(default_factory=empty_brussels_entries)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Opportunity access and bike commuting (an ``OpportunityOutcome`` of
    #: :mod:`scenarios.opportunity_eval`: workplaces, OD pairs), or None.
    opportunities: Any | None = None
    pt_stops: gpd.GeoDataFrame | None = None
    hub_checks: pd.DataFrame | None = None
    #: Indicator families the project has data for that this evaluation left
    #: out (``"opportunities"``: jobs, schools and commuting; ``"transit"``:
    #: public transport): a first pass shown while they are computed
    #: (:func:`~slimmeregio.scenarios.engine.evaluate`, ``families=False``).
    pending: tuple[str, ...] = ()

    @property
    def is_base(self) -> bool:
        return self.scenario is None

    @property
    def has_brussels(self) -> bool:
        """Whether Brussels-border flows were computed (a Brussels layer exists)."""
        return "no_brussels" not in self.notes

    def top_links(self, n: int = 20, *, by: str = "flow_dwellings") -> gpd.GeoDataFrame:
        """The ``n`` edges carrying the largest potential bike flow.

        ``by``: ``"flow_dwellings"`` (towards the nearest station) or
        ``"flow_brussels_dwellings"`` (towards the Brussels border). Edges
        without flow are left out.
        """
        if by not in self.links.columns:
            return self.links.iloc[0:0]
        links = self.links.loc[self.links[by] > 0]
        return links.nlargest(n, by)

    def top_links_brussels(self, n: int = 20) -> gpd.GeoDataFrame:
        """The ``n`` edges carrying the largest potential bike flow towards Brussels."""
        return self.top_links(n, by="flow_brussels_dwellings")

    def indicator_keys(self) -> list[str]:
        """The region indicator keys of this run, in display order."""
        return list(self.region)

    def value(self, key: str, nis: str | None = None) -> float:
        """Indicator ``key`` for the region, or for municipality ``nis``; NaN if absent."""
        if nis is None:
            return float(self.region.get(key, float("nan")))
        table = self.municipalities
        row = table[table["nis"].astype(str) == str(nis)]
        if row.empty or key not in row.columns:
            return float("nan")
        return float(row[key].iloc[0])


@dataclass(frozen=True, eq=False)
class Comparison:
    """A scenario's evaluation against the base's.

    Attributes
    ----------
    base, scenario
        The two :class:`Evaluation` objects.
    region
        DataFrame ``indicator, label_nl, label_en, unit, base, scenario,
        delta`` (scenario - base), one row per region indicator.
    municipalities
        DataFrame ``nis, name, indicator, base, scenario, delta`` (long
        form: one row per municipality and indicator).
    access_changes
        GeoDataFrame of the housing features whose access changes at a
        threshold: ``housing_id``, ``name``, ``nis``, ``municipality``,
        ``target`` (mobipunt/station), ``mode`` (walk/bike), ``threshold``
        (m or min), ``change`` in {"gain", "loss"}, ``dwellings``, point
        geometry. Added housing counts as a gain where it is within reach;
        removed housing as a loss where it was.
    curve
        DataFrame ``minutes, base_mobipunt, scenario_mobipunt,
        base_station, scenario_station`` (% of dwellings within the time).
    link_flows
        GeoDataFrame of the links whose potential bike flow changes, one row
        per source link (a link's flow is the largest flow on any of its
        edges): ``link_id``, ``name``, ``link_class``, ``change`` in {"",
        "added", "upgraded", "removed"}, ``base_flow_dwellings``,
        ``scenario_flow_dwellings``, ``delta_flow_dwellings`` (towards the
        nearest station) and ``base_flow_brussels_dwellings``,
        ``scenario_flow_brussels_dwellings``,
        ``delta_flow_brussels_dwellings`` (towards the Brussels border);
        line geometry (the scenario's, the base's for removed links). Sorted
        by the largest absolute change.
    """

    base: Evaluation
    scenario: Evaluation
    region: pd.DataFrame
    municipalities: pd.DataFrame
    access_changes: gpd.GeoDataFrame
    curve: pd.DataFrame
    link_flows: gpd.GeoDataFrame = field(default_factory=lambda: _empty_link_flows())

    def delta(self, key: str) -> float:
        """Region delta of indicator ``key``."""
        row = self.region.loc[self.region["indicator"] == key, "delta"]
        return float(row.iloc[0]) if len(row) else float("nan")

    def gains(self, threshold: float, *, target: str = "mobipunt", mode: str = "bike") -> int:
        """Dwellings gaining access within ``threshold`` (min or m)."""
        return self._count("gain", threshold, target, mode)

    def losses(self, threshold: float, *, target: str = "mobipunt", mode: str = "bike") -> int:
        """Dwellings losing access within ``threshold`` (min or m)."""
        return self._count("loss", threshold, target, mode)

    def _count(self, change: str, threshold: float, target: str, mode: str) -> int:
        a = self.access_changes
        sel = (
            (a["change"] == change)
            & (a["threshold"] == threshold)
            & (a["target"] == target)
            & (a["mode"] == mode)
        )
        return int(a.loc[sel, "dwellings"].sum())


@dataclass(frozen=True, eq=False)
class SitingResult:
    """K suggested new mobipunt sites, best first (greedy, lazy evaluation).

    Attributes
    ----------
    sites
        GeoDataFrame, one row per chosen site in the order chosen: ``rank``
        (1..K), ``candidate_id`` (str), ``name``, ``gain_dwellings`` (dwellings
        newly within ``threshold_min`` cycling of a mobipunt thanks to this
        site, given the sites before it), ``cumulative_dwellings``,
        ``gain_inhabitants``, ``share_after`` (% of all dwellings within the
        threshold after adding the sites up to this one), ``nis``,
        ``municipality``; point geometry.
    threshold_min
        The cycling-time threshold used.
    covered_before
        Dwellings within the threshold before any suggested site.
    total_dwellings
        Dwellings analysed.
    candidates
        Number of candidate sites considered.
    evaluations
        Gain evaluations performed (CELF saves most of candidates x K).
    """

    sites: gpd.GeoDataFrame
    threshold_min: float
    covered_before: int
    total_dwellings: int
    candidates: int
    evaluations: int

    def as_modifications(
        self, *, author: str, reason: str, hoppin_type: str = "buurt"
    ) -> list[Any]:
        """The sites as ``AddMobipunt`` modifications (to accept into a scenario)."""
        from slimmeregio.scenarios.model import AddMobipunt

        mods = []
        for row in self.sites.itertuples():
            mods.append(
                AddMobipunt(
                    x=float(row.geometry.x),
                    y=float(row.geometry.y),
                    name=str(row.name) if row.name else f"Voorgesteld mobipunt {row.rank}",
                    hoppin_type=hoppin_type,  # type: ignore[arg-type]  # validated by the model
                    author=author,
                    reason=reason,
                )
            )
        return mods


@dataclass(frozen=True)
class MissingLinkSuggestion:
    """A suggested new link between two nearby nodes with a large detour.

    Attributes
    ----------
    rank
        1 = most dwellings helped.
    from_xy, to_xy
        End points (EPSG:31370) of the suggested straight link.
    from_node, to_node
        Network node numbers.
    straight_m
        Straight-line distance between the ends.
    network_m
        Current shortest walking-network distance; inf when it is longer than
        ``detour_ratio x detour_max_straight_m`` (the search stops there) or
        there is no path at all.
    ratio
        ``network_m / straight_m``.
    dwellings_improved
        Dwellings whose cycling time to the nearest mobipunt (or, when
        ``target`` is station, station) would drop if the link were built.
    minutes_saved
        Total dwelling-minutes saved (sum over improved dwellings).
    municipality
        Municipality of the link's midpoint ("" if unknown).
    """

    rank: int
    from_xy: tuple[float, float]
    to_xy: tuple[float, float]
    from_node: int
    to_node: int
    straight_m: float
    network_m: float
    ratio: float
    dwellings_improved: int
    minutes_saved: float
    municipality: str = ""

    def as_modification(self, *, author: str, reason: str, link_class: str = "lokaal") -> Any:
        """This suggestion as an ``AddLink`` modification."""
        from slimmeregio.scenarios.model import AddLink

        return AddLink(
            coords=(self.from_xy, self.to_xy),
            link_class=link_class,
            author=author,
            reason=reason,
        )


def read_only_columns(columns: dict[str, Any]) -> dict[str, Any]:
    """``columns`` with their numpy arrays made read-only, for a result frame
    built over them without a copy of each (``copy=False``): the frame and
    whoever else holds the arrays (a search's kept costs, the attachment,
    the opportunity outcome) cannot change each other, and a reader cannot
    change a cached base result."""
    for values in columns.values():
        if isinstance(values, np.ndarray):
            values.flags.writeable = False
    return columns
