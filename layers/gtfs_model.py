"""The vocabulary of a GTFS import: modes, time windows of the day, and the import's report and result.

Shared by the reader of the feed (:mod:`slimmeregio.layers.gtfs`) and by
whoever uses its stops layer: the windows' keys name the layer's
``per_uur_<key>`` columns and the engine's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slimmeregio.layers.i18n import N_, tr
from slimmeregio.layers.model import Layer

__all__ = [
    "DEFAULT_WINDOWS",
    "MODES",
    "SECONDS_PER_DAY",
    "SKIPPED",
    "WINDOW_FIELDS",
    "GtfsImport",
    "GtfsImportReport",
    "TimeWindow",
    "mode_of_route_type",
    "skip_label",
]

SECONDS_PER_DAY = 86_400

#: Modes of public transport (keys as written in the layer), with their Dutch
#: labels (``tr`` gives the English).
MODES: dict[str, str] = {
    "trein": N_("trein"),
    "metro": N_("metro"),
    "tram": N_("tram"),
    "bus": N_("bus"),
    "boot": N_("boot"),
    "kabelbaan": N_("kabelbaan"),
    "taxi": N_("belbus/taxi"),
    "ander": N_("ander"),
}

_BASIC_TYPES = {
    0: "tram",
    1: "metro",
    2: "trein",
    3: "bus",
    4: "boot",
    5: "tram",
    6: "kabelbaan",
    7: "kabelbaan",
    11: "bus",
    12: "metro",
}
#: Extended route types (hundreds) -> mode: 1xx rail, 2xx coach, 4xx urban
#: rail, 5xx metro, 6xx underground, 7xx bus, 8xx trolleybus, 9xx tram,
#: 10xx water, 12xx ferry, 13xx aerial lift, 14xx funicular, 15xx taxi,
#: 11xx air, 16xx self drive and 17xx miscellaneous: other.
_EXTENDED_TYPES = {
    1: "trein",
    2: "bus",
    4: "metro",
    5: "metro",
    6: "metro",
    7: "bus",
    8: "bus",
    9: "tram",
    10: "boot",
    12: "boot",
    13: "kabelbaan",
    14: "kabelbaan",
    15: "taxi",
}


def mode_of_route_type(route_type: Any) -> str:
    """The mode (a key of :data:`MODES`) of a GTFS ``route_type``.

    >>> [mode_of_route_type(t) for t in (0, 2, 3, 109, 401, 700, 900, 1700)]
    ['tram', 'trein', 'bus', 'trein', 'metro', 'bus', 'tram', 'ander']
    """
    try:
        value = int(route_type)
    except (TypeError, ValueError):
        return "ander"
    if value in _BASIC_TYPES:
        return _BASIC_TYPES[value]
    if 100 <= value < 1800:
        return _EXTENDED_TYPES.get(value // 100, "ander")
    return "ander"


@dataclass(frozen=True)
class TimeWindow:
    """A time window of the day, ``start`` to ``end`` in seconds after 00:00.

    ``key`` names the column (``per_uur_<key>``); a window cannot pass
    midnight (split it in two).
    """

    key: str
    start: int
    end: int
    #: Dutch label (``tr`` gives the English); empty: the key.
    title: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", self.key):
            raise ValueError(f"window name '{self.key}': use a-z, 0-9 and _")
        if not 0 <= self.start < self.end <= SECONDS_PER_DAY:
            raise ValueError(f"window '{self.key}' must run forward within 00:00-24:00")

    @property
    def hours(self) -> float:
        return (self.end - self.start) / 3600.0

    @property
    def column(self) -> str:
        return f"per_uur_{self.key}"

    def label(self, lang: str = "nl") -> str:
        return tr(lang, self.title) if self.title else self.key

    def text(self) -> str:
        """``HH:MM-HH:MM``."""
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"

    @classmethod
    def parse(cls, text: str) -> TimeWindow:
        """A window from ``name=HH:MM-HH:MM`` (e.g. ``nacht=00:00-05:00``).

        Raises ValueError when the text does not have that form.
        """
        match = re.fullmatch(
            r"\s*([a-z][a-z0-9_]*)\s*=\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text
        )
        if not match:
            raise ValueError(f"'{text}' is not name=HH:MM-HH:MM")
        key, h0, m0, h1, m1 = match.groups()
        if int(m0) > 59 or int(m1) > 59:
            raise ValueError(f"'{text}': minutes above 59")
        return cls(key, int(h0) * 3600 + int(m0) * 60, int(h1) * 3600 + int(m1) * 60)


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


#: The default windows. The engine's indicators refer to these keys.
DEFAULT_WINDOWS: tuple[TimeWindow, ...] = (
    TimeWindow("ochtendspits", 7 * 3600, 9 * 3600, N_("ochtendspits")),
    TimeWindow("dag", 9 * 3600, 16 * 3600, N_("overdag")),
    TimeWindow("avondspits", 16 * 3600, 19 * 3600, N_("avondspits")),
    TimeWindow("avond", 19 * 3600, 23 * 3600, N_("avond")),
)
WINDOW_FIELDS = {
    "ochtendspits": "departures_morning_peak",
    "dag": "departures_daytime",
    "avondspits": "departures_evening_peak",
    "avond": "departures_evening",
}


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass
class GtfsImportReport:
    """What the import counted and left out.

    ``skipped`` counts problems by key (``stop_times_unknown_trip``,
    ``stop_times_unknown_stop``, ``trips_unknown_route``,
    ``stop_times_untimed``, ``stops_without_coordinates``,
    ``stops_unserved``); ``outside_clip`` the rows outside the clip area.
    """

    service_date: str = ""
    stops: int = 0
    stations: int = 0
    trips: int = 0
    departures: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    outside_clip: int = 0
    seconds: float = 0.0

    def lines(self, lang: str = "nl") -> list[str]:
        """The report as short lines for the CLI."""
        out = [
            tr(
                lang,
                "dienstdag {date}: {trips} ritten, {departures} vertrekken",
                date=self.service_date,
                trips=self.trips,
                departures=self.departures,
            ),
            tr(
                lang,
                "{stops} haltes, waarvan {stations} stations met perrons",
                stops=self.stops,
                stations=self.stations,
            ),
        ]
        if self.outside_clip:
            out.append(tr(lang, "buiten het gebied: {n}", n=self.outside_clip))
        for key, n in sorted(self.skipped.items()):
            out.append(tr(lang, "overgeslagen ({label}): {n}", label=skip_label(key, lang), n=n))
        return out


#: What a skipped count names, in Dutch (``tr`` gives the English).
SKIPPED: dict[str, str] = {
    "stop_times_unknown_trip": N_("doortochten met onbekende rit"),
    "stop_times_unknown_stop": N_("doortochten aan onbekende halte"),
    "trips_unknown_route": N_("ritten met onbekende lijn"),
    "stop_times_untimed": N_("doortochten zonder uur"),
    "stops_without_coordinates": N_("haltes zonder coördinaten"),
    "stops_unserved": N_("haltes zonder ritten"),
}


def skip_label(key: str, lang: str = "nl") -> str:
    """What skipped count ``key`` names, in ``lang`` (the key itself when unknown)."""
    return tr(lang, SKIPPED[key]) if key in SKIPPED else key


@dataclass
class GtfsImport:
    """The stops layer an import produced, its report and provenance."""

    layer: Layer
    report: GtfsImportReport
    provenance: dict[str, Any]
