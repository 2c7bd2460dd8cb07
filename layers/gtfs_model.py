"""The vocabulary of a GTFS import: modes, time windows of the day, and the import's report and result.

Shared by the reader of the feed (:mod:`slimmeregio.layers.gtfs`) and by
whoever uses its stops layer: the windows' keys name the layer's
``per_uur_<key>`` columns and the engine's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slimmeregio.layers.model import Layer

__all__ = [
    "DEFAULT_WINDOWS",
    "MODES",
    "SECONDS_PER_DAY",
    "SKIP_LABELS",
    "WINDOW_FIELDS",
    "GtfsImport",
    "GtfsImportReport",
    "TimeWindow",
    "mode_of_route_type",
]

SECONDS_PER_DAY = 86_400

#: Modes of public transport (keys as written in the layer), with their Dutch
#: and English labels.
MODES: dict[str, tuple[str, str]] = {
    "trein": ("trein", "train"),
    "metro": ("metro", "metro"),
    "tram": ("tram", "tram"),
    "bus": ("bus", "bus"),
    "boot": ("boot", "ferry"),
    "kabelbaan": ("kabelbaan", "cable car"),
    "taxi": ("belbus/taxi", "demand-responsive/taxi"),
    "ander": ("ander", "other"),
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
    label_nl: str = ""
    label_en: str = ""

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
        return (self.label_nl if lang == "nl" else self.label_en) or self.key

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
    TimeWindow("ochtendspits", 7 * 3600, 9 * 3600, "ochtendspits", "morning peak"),
    TimeWindow("dag", 9 * 3600, 16 * 3600, "overdag", "daytime"),
    TimeWindow("avondspits", 16 * 3600, 19 * 3600, "avondspits", "evening peak"),
    TimeWindow("avond", 19 * 3600, 23 * 3600, "avond", "evening"),
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
        nl = lang == "nl"
        out = [
            (
                f"dienstdag {self.service_date}: {self.trips} ritten, {self.departures} vertrekken"
                if nl
                else f"service date {self.service_date}: {self.trips} trips, {self.departures} departures"
            ),
            (
                f"{self.stops} haltes, waarvan {self.stations} stations met perrons"
                if nl
                else f"{self.stops} stops, of which {self.stations} stations with platforms"
            ),
        ]
        if self.outside_clip:
            out.append(f"{'buiten het gebied' if nl else 'outside the area'}: {self.outside_clip}")
        for key, n in sorted(self.skipped.items()):
            label = SKIP_LABELS[key][0 if nl else 1]
            out.append(f"{'overgeslagen' if nl else 'skipped'} ({label}): {n}")
        return out


#: What a skipped count names, in Dutch and English (report entries and lines).
SKIP_LABELS: dict[str, tuple[str, str]] = {
    "stop_times_unknown_trip": ("doortochten met onbekende rit", "stop times of unknown trips"),
    "stop_times_unknown_stop": ("doortochten aan onbekende halte", "stop times at unknown stops"),
    "trips_unknown_route": ("ritten met onbekende lijn", "trips of unknown routes"),
    "stop_times_untimed": ("doortochten zonder uur", "stop times without a time"),
    "stops_without_coordinates": ("haltes zonder coördinaten", "stops without coordinates"),
    "stops_unserved": ("haltes zonder ritten", "stops no trip serves"),
}


@dataclass
class GtfsImport:
    """The stops layer an import produced, its report and provenance."""

    layer: Layer
    report: GtfsImportReport
    provenance: dict[str, Any]
