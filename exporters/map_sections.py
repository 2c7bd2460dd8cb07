"""What each masterplan theme draws inside the map frame, returned as the legend's named sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from slimmeregio.exporters.headline import headline_threshold
from slimmeregio.exporters.map_access import draw_access, draw_weakest
from slimmeregio.exporters.map_changes import (
    draw_changes,
    draw_ledger_callouts,
    draw_link_changes,
    draw_new_housing,
    draw_sites,
)
from slimmeregio.exporters.map_commuting import draw_workplaces
from slimmeregio.exporters.map_flows import draw_brussels_entries, draw_flows
from slimmeregio.exporters.map_layout import Paper, ProjectLayers
from slimmeregio.exporters.map_request import MapRequest
from slimmeregio.exporters.map_themes import (
    density_grid,
    draw_mobipunten,
    draw_network_classes,
    draw_stations,
    hoppin_frame,
    network_background,
)
from slimmeregio.exporters.map_transit import draw_failing_hubs, draw_pt_access, draw_pt_stops
from slimmeregio.exporters.style import LegendItem, clip_frame
from slimmeregio.layers.model import Project

#: A legend section: its heading and its items.
Section = tuple[str, list[LegendItem]]


@dataclass(frozen=True)
class ThemeFrame:
    """Everything a theme draws with: the map axes, its extent and the results."""

    ax: Axes
    project: Project
    layers: ProjectLayers
    req: MapRequest
    evaluation: Any
    extent: tuple[float, float, float, float]
    paper: Paper
    focus: str | None

    @property
    def lang(self) -> str:
        return self.req.lang

    @property
    def nl(self) -> bool:
        return self.req.lang == "nl"

    @property
    def zoomed(self) -> bool:
        return self.focus is not None

    def text(self, nl: str, en: str) -> str:
        return nl if self.nl else en

    def hubs(self, *, highlight_changes: bool = False) -> list[LegendItem]:
        """The mobipunten by Hoppin type (changed ones highlighted on request)."""
        frame = hoppin_frame(self.layers.mobipunten, self.evaluation)
        if highlight_changes:
            return draw_mobipunten(
                self.ax, frame, self.extent, self.paper, self.lang, highlight_changes=True
            )
        return draw_mobipunten(self.ax, frame, self.extent, self.paper, self.lang)

    def stations(self) -> list[LegendItem]:
        return draw_stations(
            self.ax, self.layers.stations, self.evaluation, self.extent, self.paper, self.lang
        )

    def network_background(self) -> None:
        network_background(
            self.ax, self.layers.network, getattr(self.evaluation, "links", None), self.extent
        )


def _base(f: ThemeFrame) -> list[Section]:
    ax, layers, extent, lang = f.ax, f.layers, f.extent, f.lang
    items: list[LegendItem] = []
    if layers.housing is not None:
        frame = clip_frame(layers.housing.frame, extent, margin=400)
        counts = (
            layers.housing.column("dwellings").loc[frame.index].to_numpy(dtype=float)
            if layers.housing.has_field("dwellings")
            else np.ones(len(frame))
        )
        items = density_grid(ax, frame, counts, extent, 100.0 if f.zoomed else 200.0, lang)
    network_links = getattr(f.evaluation, "links", None)
    net_frame = (
        network_links
        if network_links is not None
        else (layers.network.frame if layers.network else None)
    )
    net_items = (
        draw_network_classes(ax, net_frame, layers.network, extent, lang)
        if net_frame is not None
        else []
    )
    hubs = f.hubs()
    hubs += f.stations()
    return [
        (f.text("Fietsnetwerk", "Bike network"), net_items),
        (f.text("Mobipunten en stations", "Hubs and stations"), hubs),
        (f.text("Woningdichtheid", "Housing density"), items),
    ]


def _access(f: ThemeFrame) -> list[Section]:
    ax, ev, extent, paper, lang = f.ax, f.evaluation, f.extent, f.paper, f.lang
    f.network_background()
    items = draw_access(ax, ev, extent, paper, f.zoomed, lang)
    if f.focus is not None:  # a municipality's page: where it is served worst, changed or not
        items += draw_weakest(ax, ev, f.focus, extent, paper, lang)
    access_links = draw_link_changes(ax, ev, extent, paper, lang)  # what the scenario built
    hubs = f.hubs(highlight_changes=True)
    hubs += f.stations()
    network = [
        LegendItem(f.text("Bovenlokaal en fietssnelweg", "Main network"), "line", "#b3b3b3", 0.8),
        LegendItem(f.text("Lokaal", "Local"), "line", "#cfcfcf", 0.5),
        *access_links,
    ]
    return [
        (
            f.text("Fietstijd tot dichtstbijzijnde mobipunt", "Cycling time to the nearest hub"),
            items,
        ),
        (f.text("Mobipunten en stations", "Hubs and stations"), hubs),
        (f.text("Fietsnetwerk", "Bike network"), network),
    ]


def _change(f: ThemeFrame) -> list[Section]:
    ax, ev, extent, paper, lang = f.ax, f.evaluation, f.extent, f.paper, f.lang
    comparison, threshold = f.req.comparison, f.req.threshold
    t = float(threshold) if threshold is not None else headline_threshold(comparison, f.focus)
    f.network_background()
    items = draw_changes(ax, comparison, t, extent, paper, f.zoomed, lang)
    links = draw_link_changes(ax, ev, extent, paper, lang)
    links += draw_new_housing(ax, ev, extent, paper, lang)
    links += draw_ledger_callouts(ax, ev.scenario, f.project, extent, paper, lang)
    hubs = f.hubs(highlight_changes=True)
    return [
        (f.text("Toegang tot mobipunten", "Access to hubs"), items),
        (f.text("Netwerkwijzigingen", "Network changes"), links),
        (f.text("Mobipunten", "Hubs"), hubs),
    ]


def _flow_section(
    f: ThemeFrame, column: str, heading: tuple[str, str], **unit: tuple[str, str]
) -> Section:
    """The network greyed, the links by potential flow in ``column`` on top."""
    f.network_background()
    items = draw_flows(
        f.ax,
        f.evaluation,
        f.extent,
        f.paper,
        f.lang,
        column=column,
        breaks=(f.req.flow_breaks or {}).get(column),
        **unit,
    )
    return (f.text(*heading), items)


def _flows(f: ThemeFrame) -> list[Section]:
    heading = (
        "Potentiële fietsers naar het station (woningen per link)",
        "Potential cyclists to the station (dwellings per link)",
    )
    flows = _flow_section(f, "flow_dwellings", heading)
    return [flows, ("Stations", f.stations())]


def _flows_brussels(f: ThemeFrame) -> list[Section]:
    heading = (
        "Potentiële fietsers naar de Brusselse grens (woningen per link)",
        "Potential cyclists to the Brussels border (dwellings per link)",
    )
    flows = _flow_section(f, "flow_brussels_dwellings", heading)
    entries = draw_brussels_entries(f.ax, f.evaluation, f.extent, f.paper, f.lang)
    return [flows, (f.text("Brusselse grens", "Brussels border"), entries)]


def _bike_commute(f: ThemeFrame) -> list[Section]:
    heading = (
        "Potentiële fietspendelaars per link (Go Dutch)",
        "Potential bike commuters per link (Go Dutch)",
    )
    flows = _flow_section(
        f, "flow_bike_commuters", heading, unit=(" fietspendelaars", " bike commuters")
    )
    workplaces = draw_workplaces(f.ax, f.evaluation, f.extent, f.paper, f.lang)
    return [flows, (f.text("Werkplaatsen", "Workplaces"), workplaces)]


def _public_transport(f: ThemeFrame) -> list[Section]:
    ax, ev, extent, paper, lang = f.ax, f.evaluation, f.extent, f.paper, f.lang
    f.network_background()
    items = draw_pt_access(ax, ev, extent, paper, f.zoomed, lang)
    stops = draw_pt_stops(ax, ev, extent, paper, lang)
    hubs = f.hubs()
    hubs += draw_failing_hubs(ax, ev, extent, paper, lang)
    return [
        (
            f.text(
                "Woningen: frequente halte op wandelafstand",
                "Dwellings: frequent stop within walking distance",
            ),
            items,
        ),
        (f.text("Haltes en stations", "Stops and stations"), stops),
        (f.text("Mobipunten", "Hubs"), hubs),
    ]


def _siting(f: ThemeFrame) -> list[Section]:
    f.network_background()
    items = draw_sites(f.ax, f.req.siting, f.evaluation, f.extent, f.paper, f.zoomed, f.lang)
    hubs = f.hubs()
    return [
        (f.text("Locatievoorstel", "Siting suggestion"), items),
        (f.text("Bestaande mobipunten", "Existing hubs"), hubs),
    ]


_THEMES: dict[str, Callable[[ThemeFrame], list[Section]]] = {
    "base": _base,
    "access": _access,
    "change": _change,
    "flows": _flows,
    "flows_brussels": _flows_brussels,
    "bike_commute": _bike_commute,
    "public_transport": _public_transport,
    "siting": _siting,
}


def draw_theme(frame: ThemeFrame) -> list[Section]:
    """Draw the request's theme in the map frame; its legend sections, in legend order."""
    return _THEMES[frame.req.theme](frame)
