"""Default symbology: the one source of colours for screen and paper.

The desktop map and the printed maps both draw from these palettes and from
``default_style(layer)``, so what a planner sees on screen is what the
council sees on paper.
"""

from __future__ import annotations

from slimmeregio.layers.model import Layer, Style
from slimmeregio.layers.roles import Role

__all__ = [
    "ACCESS_CLASSES_MIN",
    "ACCESS_COLORS",
    "CHANGE_COLORS",
    "DENSITY_BREAKS",
    "DENSITY_COLORS",
    "FLOW_COLORS",
    "HOPPIN_COLORS",
    "HOPPIN_SIZES",
    "LINK_CLASS_COLORS",
    "PT_ACCESS_COLORS",
    "PT_RATE_BREAKS",
    "PT_RATE_COLORS",
    "LINK_CLASS_WIDTHS",
    "UNREACHABLE_COLOR",
    "HUB_MARKER",
    "SITE_MARKER",
    "STATION_MARKER",
    "default_style",
]

#: Bike network by link class: strong colour for the main structure, light
#: grey for the local mesh so the bovenlokaal network reads at regional scale.
LINK_CLASS_COLORS: dict[str, str] = {
    "fietssnelweg": "#c2185b",
    "bovenlokaal": "#ef6c00",
    "lokaal": "#9e9e9e",
    "overig": "#bdbdbd",
}
LINK_CLASS_WIDTHS: dict[str, float] = {
    "fietssnelweg": 2.4,
    "bovenlokaal": 1.4,
    "lokaal": 0.35,
    "overig": 0.35,
}

#: Hoppinpunt types, largest first: one blue hue from dark to light (distinct
#: under deuteranopia/protanopia, and never the colour of an access class;
#: hubs are also drawn as hexagons, see :data:`HUB_MARKER`).
HOPPIN_COLORS: dict[str, str] = {
    "interregionaal": "#08306b",
    "regionaal": "#2171b5",
    "lokaal": "#6baed6",
    "buurt": "#c6dbef",
}
#: Marker shapes: mobipunten (hexagon), suggested sites (diamond), stations (square).
HUB_MARKER = "h"
SITE_MARKER = "D"
STATION_MARKER = "s"
HOPPIN_SIZES: dict[str, float] = {
    "interregionaal": 11.0,
    "regionaal": 9.0,
    "lokaal": 7.0,
    "buurt": 5.5,
}

#: Access classes (cycling minutes to the nearest mobipunt): upper bounds and
#: colours from good (light yellow-green) to poor (dark purple), sampled from
#: matplotlib's perceptually uniform, colour-vision-deficiency-safe viridis;
#: beyond the last bound is the last colour.
ACCESS_CLASSES_MIN: tuple[float, ...] = (5.0, 10.0, 15.0, 20.0)
ACCESS_COLORS: tuple[str, ...] = ("#d2e21b", "#44bf70", "#23898e", "#3b528b", "#46085c")
UNREACHABLE_COLOR = "#6d4c41"

#: Scenario change: gained / lost access, added / closed / upgraded links.
CHANGE_COLORS: dict[str, str] = {
    "gain": "#1b9e77",
    "loss": "#d95f02",
    "added": "#7b1fa2",
    "removed": "#212121",
    "upgraded": "#0288d1",
}

#: Potential bike flows, light to dark (sampled from matplotlib's magma).
FLOW_COLORS: tuple[str, ...] = ("#fed89a", "#fc8961", "#ca3e72", "#782281", "#1a1042")

#: Public transport stops by departures per hour (upper bounds, inclusive) and
#: their colours, few to many: the flow ramp (magma), as on the desktop map.
PT_RATE_BREAKS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
PT_RATE_COLORS: tuple[str, ...] = FLOW_COLORS
#: Dwellings with / without a frequent stop within walking distance (a
#: cyan-blue and a light grey: apart from every stop class, also for colour-blind readers).
PT_ACCESS_COLORS: tuple[str, str] = ("#2c9cb0", "#cfcfcf")

#: Housing density classes (dwellings per km², upper bounds) and their
#: colours, light to dark; beyond the last bound is the last colour
#: (``len(DENSITY_COLORS) == len(DENSITY_BREAKS) + 1``).
DENSITY_BREAKS: tuple[float, ...] = (250.0, 500.0, 1000.0, 2000.0)
DENSITY_COLORS: tuple[str, ...] = ("#f3db42", "#b4a76f", "#7d7c78", "#4a536c", "#002b62")  # cividis

_ROLE_DEFAULTS: dict[Role, Style] = {
    Role.MUNICIPALITIES: Style(
        kind="single", color="#f5f3ee", edge_color="#6b6b6b", line_width=0.8, opacity=1.0
    ),
    Role.HOUSING: Style(kind="single", color="#8d6e63", marker_size=2.0, opacity=0.7),
    Role.STATIONS: Style(kind="single", color="#212121", edge_color="#ffffff", marker_size=7.0),
    Role.POPULATION_GRID: Style(kind="single", color="#fdae6b", opacity=0.6),
    Role.ELEVATION: Style(kind="single", color="#8c6d46", opacity=0.5),
    # Public transport stops and destinations: each its own colour with a white
    # ring, so stops, workplaces and schools can be told apart from housing and hubs.
    Role.PT_STOPS: Style(kind="single", color="#00838f", edge_color="#ffffff", marker_size=5.0),
    Role.JOBS: Style(kind="single", color="#6a1b9a", edge_color="#ffffff", marker_size=6.0),
    Role.SCHOOLS: Style(kind="single", color="#2e7d32", edge_color="#ffffff", marker_size=6.0),
    Role.HEALTH_CARE: Style(kind="single", color="#c62828", edge_color="#ffffff", marker_size=6.0),
    Role.SHOPS: Style(kind="single", color="#ef6c00", edge_color="#ffffff", marker_size=5.0),
    Role.DESTINATIONS: Style(kind="single", color="#5d4037", edge_color="#ffffff", marker_size=5.0),
    Role.OTHER: Style(kind="single", color="#757575", edge_color="#9e9e9e", marker_size=4.0),
}


def default_style(layer: Layer) -> Style:
    """The style a layer gets when it is first shown.

    Bike networks are categorised by link class and mobipunten by Hoppin
    type (when those fields are mapped); other roles get one colour.
    """
    if layer.role == Role.BIKE_NETWORK and "link_class" in layer.fields:
        return Style(
            kind="categories",
            column=layer.fields["link_class"],
            categories=dict(LINK_CLASS_COLORS),
            color=LINK_CLASS_COLORS["overig"],
            line_width=0.6,
        )
    if layer.role == Role.BIKE_NETWORK:
        return Style(kind="single", color=LINK_CLASS_COLORS["lokaal"], line_width=0.6)
    if layer.role == Role.MOBIPUNTEN and "hoppin_type" in layer.fields:
        return Style(
            kind="categories",
            column=layer.fields["hoppin_type"],
            categories=dict(HOPPIN_COLORS),
            color=HOPPIN_COLORS["buurt"],
            edge_color="#ffffff",
            marker_size=8.0,
        )
    if layer.role == Role.MOBIPUNTEN:
        return Style(kind="single", color=HOPPIN_COLORS["regionaal"], marker_size=8.0)
    base = _ROLE_DEFAULTS.get(layer.role, _ROLE_DEFAULTS[Role.OTHER])
    return Style.from_dict(base.to_dict())
