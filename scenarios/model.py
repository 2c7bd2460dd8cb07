"""The scenario model: parameters, modifications and scenarios.

A scenario is the base situation plus an ordered list of modifications (add a
bike link, close one, add a mobipunt, add 200 dwellings ...). Each
modification records who made it and why, so a scenario reads as a ledger a
council can follow. Parameters (speeds, thresholds, which destinations
count) live with the scenario, so a saved scenario reproduces its numbers.

Everything here is an immutable, validated pydantic model, saved as text
(TOML for people, JSON for machines) so the GUI, the CLI and the tests share
one format:

>>> s = Scenario(name="Fietsbrug Vilvoorde")
>>> s = s.with_modification(AddMobipunt(
...     x=157700, y=180300, name="Station Vilvoorde", hoppin_type="regionaal",
...     author="An", reason="Overstap trein-deelfiets"))
>>> Scenario.from_toml(s.to_toml()) == s
True

Invalid input never escapes as a pydantic ``ValidationError``: it becomes a
:class:`~slimmeregio.layers.errors.ScenarioError` whose ``location`` says
where (``modifications[2].dwellings``, or ``line 3, column 5`` for a TOML
syntax error) and whose message gives the reason in Dutch and English.
Whether link ids and mobipunt ids exist, and whether a geometry lies in the
actual region, is checked when the scenario is applied (``scenarios.apply``).
"""

from __future__ import annotations

import json
import math
import re
import reprlib
import stat
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.layers.roles import HOPPIN_TYPES
from slimmeregio.layers.safe_io import atomic_write_text

__all__ = [
    "BELGIUM_BOX",
    "DEFAULT_SPEEDS_KMH",
    "AddHousing",
    "AddLink",
    "AddMobipunt",
    "Modification",
    "MoveMobipunt",
    "Parameters",
    "RemoveHousing",
    "RemoveLink",
    "RemoveMobipunt",
    "Scenario",
    "ScenarioValidationError",
    "SetFrequency",
    "UpgradeLink",
    "example_scenario_toml",
    "format_location",
    "scenario_error",
    "toml_error_position",
    "validation_reasons",
]

#: Generous Belgian Lambert-72 box (xmin, ymin, xmax, ymax): coordinates
#: outside it are surely a mistake (lat/lon typed as metres, swapped x/y ...).
BELGIUM_BOX = (0.0, 0.0, 320_000.0, 260_000.0)

#: Default cycling speed per link class (km/h).
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    "fietssnelweg": 25.0,
    "bovenlokaal": 20.0,
    "lokaal": 16.0,
    "overig": 14.0,
}

#: Largest housing development a single modification may hold.
MAX_DWELLINGS = 100_000
#: Most modifications in one scenario: a plan people write and read has far
#: fewer; applying them is linear, this bounds the time (about 2 s).
MAX_MODIFICATIONS = 20_000
#: Cycling speeds are km/h in the open interval (0, MAX_SPEED_KMH).
MAX_SPEED_KMH = 60.0


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class ScenarioValidationError(ScenarioError):
    """A :class:`ScenarioError` with the reason in both languages.

    Data: ``location`` (``modifications[2].dwellings`` or ``line 3, column
    5``), ``reason`` (English), ``reason_nl``, ``reason_en``, and ``errors``:
    every problem found as ``(location, reason_nl, reason_en)`` tuples (the
    message shows the first, and how many more there are).
    """

    messages = {
        "nl": "Fout in scenario{source} bij {location_nl}: {reason_nl}{more_nl}",
        "en": "Error in scenario{source} at {location_en}: {reason_en}{more_en}",
    }

    def _values(self, lang: str = "en") -> dict[str, Any]:
        values = super()._values(lang)
        # the file (or scenario name) may be added after the error was raised
        values["source"] = f" {self.path}" if self.path else ""
        return values


def scenario_error(
    location: str,
    reason_nl: str,
    reason_en: str,
    *,
    source: str | Path | None = None,
    location_nl: str | None = None,
    location_en: str | None = None,
    errors: Sequence[tuple[str, str, str]] = (),
    detail: str | None = None,
    **data: Any,
) -> ScenarioValidationError:
    """Build the scenario error for ``location`` with a Dutch and English reason.

    ``scenarios.apply`` uses this too, so messages about unknown link ids read
    the same as validation messages.
    """
    errors = tuple(errors) or ((location, reason_nl, reason_en),)
    more = len(errors) - 1
    return ScenarioValidationError(
        path=str(source) if source is not None else None,
        field=location,
        detail=detail,
        source=f" {source}" if source else "",
        location=location,
        location_nl=location_nl or _readable_location(location, "nl"),
        location_en=location_en or _readable_location(location, "en"),
        reason=reason_en,
        reason_nl=reason_nl,
        reason_en=reason_en,
        more_nl=f" (en nog {more} andere fout{'en' if more > 1 else ''})" if more else "",
        more_en=f" (and {more} more error{'s' if more > 1 else ''})" if more else "",
        errors=errors,
        **data,
    )


_MOD_INDEX = re.compile(r"^modifications\[(\d+)\]")


def _readable_location(location: str, lang: str) -> str:
    """``modifications[2].x`` plus the 1-based number people see in the file."""
    match = _MOD_INDEX.match(location)
    if not match:
        return location
    number = int(match.group(1)) + 1
    return f"{location} ({'wijziging' if lang == 'nl' else 'modification'} {number})"


def _bilingual(nl: str, en: str) -> PydanticCustomError:
    """A validation error pydantic carries unchanged, with both languages."""
    return PydanticCustomError("slimmeregio", "{en}", {"nl": nl, "en": en})


# ---------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------


class _FrozenMap(dict[str, float]):
    """A read-only dict, so a frozen model cannot be changed through a field."""

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("scenario parameters are read-only; use model_copy(update=...)")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _read_only  # type: ignore[assignment]
    __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_FrozenMap, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def _check_text(value: str) -> str:
    # Lone surrogates cannot be written to a UTF-8 file: refuse them here,
    # not when saving.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _bilingual(
            "de tekst bevat ongeldige tekens", "the text holds invalid characters"
        ) from exc
    return value


def _check_nonblank(value: str) -> str:
    if not value.strip():
        raise _bilingual("mag niet leeg zijn", "must not be empty")
    return value


def _check_datetime(value: Any) -> Any:
    # TOML gives datetime objects, JSON gives ISO text; refuse numbers, which
    # pydantic would otherwise read as Unix timestamps.
    if value is None or isinstance(value, datetime | str):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise _bilingual(
        "verwacht een datum en tijd (bv. 2025-03-01T10:00:00)",
        "expected a date and time (e.g. 2025-03-01T10:00:00)",
    )


Text = Annotated[str, Field(strict=True), AfterValidator(_check_text)]
NonBlank = Annotated[str, Field(strict=True), AfterValidator(_check_text), AfterValidator(_check_nonblank)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
PositiveNumber = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0)]
Speed = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, lt=MAX_SPEED_KMH)]
Flag = Annotated[bool, Field(strict=True)]
LinkId = Annotated[int, Field(strict=True)]
Timestamp = Annotated[datetime | None, BeforeValidator(_check_datetime)]
HoppinType = Literal["interregionaal", "regionaal", "lokaal", "buurt"]
Point = tuple[Number, Number]


def _speeds(value: dict[str, float]) -> _FrozenMap:
    return _FrozenMap(value)


SpeedTable = Annotated[
    dict[NonBlank, Speed],
    AfterValidator(_speeds),
]


def _check_point(x: float, y: float) -> None:
    xmin, ymin, xmax, ymax = BELGIUM_BOX
    if abs(x) <= 180 and abs(y) <= 90:
        raise _bilingual(
            f"({x:g}, {y:g}) lijkt op lengte-/breedtegraad; coördinaten moeten in "
            "Belgische Lambert 72 (EPSG:31370, meter) staan",
            f"({x:g}, {y:g}) looks like longitude/latitude; coordinates must be "
            "Belgian Lambert 72 (EPSG:31370, metres)",
        )
    if not (xmin <= x <= xmax and ymin <= y <= ymax):
        raise _bilingual(
            f"de geometrie ligt ver buiten de regio ({x:.0f}, {y:.0f}); "
            "coördinaten moeten in Belgische Lambert 72 (EPSG:31370, meter) staan",
            f"the geometry lies far outside the region ({x:.0f}, {y:.0f}); "
            "coordinates must be Belgian Lambert 72 (EPSG:31370, metres)",
        )


def _check_points(points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    for x, y in points:
        _check_point(x, y)
    return points


#: At most this many thresholds per list (each adds indicator rows).
MAX_THRESHOLDS = 50
#: Largest walking threshold (m) and cycling threshold (min).
MAX_WALK_THRESHOLD_M = 100_000.0
MAX_BIKE_THRESHOLD_MIN = 240.0


def _check_thresholds(values: tuple[float, ...], *, limit: float, unit: str) -> tuple[float, ...]:
    if not values:
        raise _bilingual("geef minstens één drempel", "give at least one threshold")
    if len(values) > MAX_THRESHOLDS:
        raise _bilingual(
            f"te veel drempels ({len(values)}); hoogstens {MAX_THRESHOLDS}",
            f"too many thresholds ({len(values)}); at most {MAX_THRESHOLDS}",
        )
    if any(v <= 0 for v in values):
        raise _bilingual("drempels moeten groter dan 0 zijn", "thresholds must be greater than 0")
    if any(v > limit for v in values):
        raise _bilingual(
            f"drempels zijn hoogstens {limit:g} {unit}",
            f"thresholds are at most {limit:g} {unit}",
        )
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise _bilingual(
            "drempels moeten oplopend gesorteerd zijn, zonder herhaling",
            "thresholds must be sorted ascending, without repeats",
        )
    # Indicator keys write a threshold with 6 significant digits: two
    # thresholds that read the same would share one key and lose a value.
    keys = [f"{v:g}" for v in values]
    for a, b, key in zip(values, values[1:], keys[1:], strict=False):
        if f"{a:g}" == key:
            raise _bilingual(
                f"drempels {a!r} en {b!r} liggen te dicht bij elkaar: beide heten '{key}'",
                f"thresholds {a!r} and {b!r} are too close: both read '{key}'",
            )
    return values


WalkThresholds = Annotated[
    tuple[Number, ...],
    AfterValidator(lambda v: _check_thresholds(v, limit=MAX_WALK_THRESHOLD_M, unit="m")),
]
BikeThresholds = Annotated[
    tuple[Number, ...],
    AfterValidator(lambda v: _check_thresholds(v, limit=MAX_BIKE_THRESHOLD_MIN, unit="min")),
]


#: Largest departures-per-hour threshold (one every minute).
MAX_DEPARTURES_PER_HOUR = 60.0

DepartureThresholds = Annotated[
    tuple[Number, ...],
    AfterValidator(lambda v: _check_thresholds(v, limit=MAX_DEPARTURES_PER_HOUR, unit="/h")),
]
#: Time windows of a stops layer (the GTFS import's default windows).
PtWindow = Literal["ochtendspits", "dag", "avondspits", "avond"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


class Parameters(_Model):
    """Analysis parameters saved with a scenario.

    Unknown link classes in ``speeds_kmh`` are allowed: users may define
    their own classes in their network data.
    """

    speeds_kmh: SpeedTable = Field(
        default_factory=lambda: dict(DEFAULT_SPEEDS_KMH), validate_default=True
    )
    walking_speed_kmh: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=20)] = 4.8
    walk_thresholds_m: WalkThresholds = (400.0, 800.0, 1200.0)
    bike_thresholds_min: BikeThresholds = (5.0, 10.0, 15.0)
    max_snap_m: PositiveNumber = 500.0
    household_size: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=10)] = 2.4
    #: Stations counted as destinations need at least this many trains a day.
    min_trains_per_day: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)] = 0.0
    #: Which Hoppin types count as destinations.
    mobipunt_types: tuple[HoppinType, ...] = HOPPIN_TYPES  # type: ignore[assignment]
    #: Cycling minutes for service-area polygons.
    service_area_min: PositiveNumber = 10.0
    #: The coverage curve runs over 0..curve_max_min cycling minutes.
    curve_max_min: Annotated[int, Field(strict=True, ge=1, le=240)] = 30
    #: Siting maximises dwellings newly within this cycling time.
    siting_threshold_min: PositiveNumber = 5.0
    #: Missing-link suggestions: network/straight ratio above this.
    detour_ratio: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=1)] = 2.0
    detour_max_straight_m: PositiveNumber = 800.0
    #: Public transport (scenarios/transit.py; docs/engine.md has the sources
    #: of the defaults): walking distance (m) over the network to a stop.
    pt_walk_m: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=5000)] = 500.0
    #: Departures per hour a stop needs to count (one share per threshold and window).
    pt_departures_per_hour: DepartureThresholds = (2.0, 4.0)
    #: Time windows of the stops layer the shares are computed for.
    pt_windows: tuple[PtWindow, ...] = ("ochtendspits", "dag", "avond")
    #: A station counts from this many trains per hour in ``pt_train_window``.
    pt_trains_per_hour: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=60)] = 2.0
    #: The window for train frequency and the headway of bike + train.
    pt_train_window: PtWindow = "ochtendspits"
    #: Bike + train: stations farther than this by bike (min) are not used.
    bike_train_max_bike_min: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=120)] = 30.0

    @field_validator("pt_windows")
    @classmethod
    def _unique_windows(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise _bilingual("kies minstens één tijdvenster", "choose at least one time window")
        if len(set(value)) != len(value):
            raise _bilingual("elk tijdvenster maar één keer", "each time window only once")
        return value

    @field_validator("mobipunt_types")
    @classmethod
    def _unique_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise _bilingual("kies minstens één Hoppin-type", "choose at least one Hoppin type")
        if len(set(value)) != len(value):
            raise _bilingual("elk Hoppin-type maar één keer", "each Hoppin type only once")
        return value

    def speed_for(self, link_class: str) -> float:
        """Cycling speed (km/h) for ``link_class``; unknown classes ride as ``overig``."""
        if link_class in self.speeds_kmh:
            return self.speeds_kmh[link_class]
        return self.speeds_kmh.get("overig", min(self.speeds_kmh.values(), default=14.0))


# ---------------------------------------------------------------------------
# Modifications
# ---------------------------------------------------------------------------


class _Modification(_Model):
    """Fields every modification carries: who, why and when."""

    author: NonBlank
    reason: NonBlank
    created: Timestamp = None

    def describe(self, lang: str = "nl") -> str:
        """One line for a ledger: what this modification does (each kind overrides it)."""
        return type(self).__name__


class AddLink(_Modification):
    """A new bike link drawn as a polyline (EPSG:31370)."""

    kind: Literal["add_link"] = "add_link"
    coords: Annotated[tuple[Point, ...], AfterValidator(_check_points)]
    link_class: NonBlank = "lokaal"
    speed_kmh: Speed | None = None
    name: Text = ""
    oneway: Flag = False
    #: A bridge or tunnel: joins the network at its two ends only, not where
    #: it crosses other links (as crossings without a shared vertex in the base).
    bridge: Flag = False

    @field_validator("coords")
    @classmethod
    def _line(cls, value: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        if len(value) < 2:
            raise _bilingual(
                "een verbinding heeft minstens twee punten",
                "a link needs at least two points",
            )
        if len(set(value)) < 2:
            raise _bilingual(
                "een verbinding heeft een lengte nodig: alle punten vallen samen",
                "a link needs a length: all its points coincide",
            )
        return value

    @property
    def length_m(self) -> float:
        """Length of the polyline in metres."""
        return sum(math.dist(a, b) for a, b in zip(self.coords, self.coords[1:], strict=False))

    def describe(self, lang: str = "nl") -> str:
        name = f" '{self.name}'" if self.name else ""
        if lang == "nl":
            return f"nieuwe fietsverbinding{name} ({self.link_class}, {self.length_m:.0f} m)"
        return f"new bike link{name} ({self.link_class}, {self.length_m:.0f} m)"


class RemoveLink(_Modification):
    """Close bike links (by ``link_id`` of the bike network)."""

    kind: Literal["remove_link"] = "remove_link"
    link_ids: Annotated[tuple[LinkId, ...], Field(min_length=1)]

    def describe(self, lang: str = "nl") -> str:
        ids = ", ".join(map(str, self.link_ids))
        return f"verbinding(en) {ids} afgesloten" if lang == "nl" else f"link(s) {ids} closed"


class UpgradeLink(_Modification):
    """Upgrade bike links: a new class and/or a new speed."""

    kind: Literal["upgrade_link"] = "upgrade_link"
    link_ids: Annotated[tuple[LinkId, ...], Field(min_length=1)]
    link_class: NonBlank | None = None
    speed_kmh: Speed | None = None

    @model_validator(mode="after")
    def _something(self) -> UpgradeLink:
        if self.link_class is None and self.speed_kmh is None:
            raise _bilingual(
                "geef een nieuwe klasse (link_class) en/of snelheid (speed_kmh)",
                "give a new class (link_class) and/or speed (speed_kmh)",
            )
        return self

    def describe(self, lang: str = "nl") -> str:
        ids = ", ".join(map(str, self.link_ids))
        what = " ".join(
            part
            for part in (
                self.link_class or "",
                f"{self.speed_kmh:g} km/u" if self.speed_kmh is not None else "",
            )
            if part
        )
        if lang == "nl":
            return f"verbinding(en) {ids} opgewaardeerd naar {what}"
        return f"link(s) {ids} upgraded to {what.replace('km/u', 'km/h')}"


class AddMobipunt(_Modification):
    """A new mobipunt (Hoppinpunt) at a point."""

    kind: Literal["add_mobipunt"] = "add_mobipunt"
    x: Number
    y: Number
    name: NonBlank
    hoppin_type: HoppinType
    offer: tuple[NonBlank, ...] = ()
    id: NonBlank | None = None

    @model_validator(mode="after")
    def _inside(self) -> AddMobipunt:
        _check_point(self.x, self.y)
        return self

    def describe(self, lang: str = "nl") -> str:
        if lang == "nl":
            return f"nieuw mobipunt '{self.name}' ({self.hoppin_type})"
        return f"new mobipunt '{self.name}' ({self.hoppin_type})"


class MoveMobipunt(_Modification):
    """Move an existing mobipunt to a new place."""

    kind: Literal["move_mobipunt"] = "move_mobipunt"
    mobipunt_id: NonBlank
    x: Number
    y: Number

    @model_validator(mode="after")
    def _inside(self) -> MoveMobipunt:
        _check_point(self.x, self.y)
        return self

    def describe(self, lang: str = "nl") -> str:
        if lang == "nl":
            return f"mobipunt {self.mobipunt_id} verplaatst"
        return f"mobipunt {self.mobipunt_id} moved"


class RemoveMobipunt(_Modification):
    """Remove an existing mobipunt."""

    kind: Literal["remove_mobipunt"] = "remove_mobipunt"
    mobipunt_id: NonBlank

    def describe(self, lang: str = "nl") -> str:
        if lang == "nl":
            return f"mobipunt {self.mobipunt_id} verwijderd"
        return f"mobipunt {self.mobipunt_id} removed"


class AddHousing(_Modification):
    """A housing development: N dwellings at a point or in a polygon."""

    kind: Literal["add_housing"] = "add_housing"
    x: Number | None = None
    y: Number | None = None
    polygon: Annotated[tuple[Point, ...], AfterValidator(_check_points)] | None = None
    dwellings: Annotated[int, Field(strict=True, ge=0, le=MAX_DWELLINGS)]
    name: Text = ""
    status: NonBlank = "gepland"
    id: NonBlank | None = None

    @model_validator(mode="after")
    def _one_geometry(self) -> AddHousing:
        has_point = self.x is not None or self.y is not None
        if has_point and self.polygon is not None:
            raise _bilingual(
                "geef óf een punt (x, y) óf een polygoon, niet beide",
                "give either a point (x, y) or a polygon, not both",
            )
        if has_point:
            if self.x is None or self.y is None:
                raise _bilingual("een punt heeft zowel x als y nodig", "a point needs both x and y")
            _check_point(self.x, self.y)
        elif self.polygon is None:
            raise _bilingual(
                "geef een punt (x, y) of een polygoon",
                "give a point (x, y) or a polygon",
            )
        else:
            _check_polygon(self.polygon)
        return self

    def describe(self, lang: str = "nl") -> str:
        name = f" '{self.name}'" if self.name else ""
        if lang == "nl":
            return f"woonproject{name}: {self.dwellings} woningen ({self.status})"
        return f"housing development{name}: {self.dwellings} dwellings ({self.status})"


def _check_polygon(points: tuple[tuple[float, float], ...]) -> None:
    from shapely.geometry import Polygon

    ring = list(points)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(set(ring)) < 3:
        raise _bilingual(
            "een polygoon heeft minstens drie verschillende punten",
            "a polygon needs at least three distinct points",
        )
    polygon = Polygon(ring)
    if not polygon.is_valid or polygon.area <= 0:
        raise _bilingual(
            "de polygoon snijdt zichzelf of heeft geen oppervlakte",
            "the polygon crosses itself or has no area",
        )


class RemoveHousing(_Modification):
    """Remove housing features (by their id, as text)."""

    kind: Literal["remove_housing"] = "remove_housing"
    housing_ids: Annotated[tuple[NonBlank, ...], Field(min_length=1)]

    def describe(self, lang: str = "nl") -> str:
        ids = ", ".join(self.housing_ids)
        return f"woningen {ids} verwijderd" if lang == "nl" else f"housing {ids} removed"


class SetFrequency(_Modification):
    """Set the departures per hour of a public transport stop, or of a route at
    every stop it serves, in one time window ("this bus every 15 minutes")."""

    kind: Literal["set_frequency"] = "set_frequency"
    #: The stop (``stop_id`` of the stops layer), or
    stop_id: NonBlank | None = None
    #: the route (its label in the layer's ``lijnen``), at every stop it serves.
    route: NonBlank | None = None
    window: PtWindow
    departures_per_hour: Annotated[
        float, Field(strict=True, allow_inf_nan=False, ge=0, le=MAX_DEPARTURES_PER_HOUR)
    ]

    @model_validator(mode="after")
    def _one_target(self) -> SetFrequency:
        if (self.stop_id is None) == (self.route is None):
            raise _bilingual(
                "geef ofwel stop_id ofwel route (precies één van beide)",
                "give either stop_id or route (exactly one of them)",
            )
        return self

    def describe(self, lang: str = "nl") -> str:
        rate = f"{self.departures_per_hour:g}"
        if lang == "nl":
            what = f"halte {self.stop_id}" if self.stop_id is not None else f"lijn {self.route}"
            return f"{what}: {rate} vertrekken per uur ({self.window})"
        what = f"stop {self.stop_id}" if self.stop_id is not None else f"route {self.route}"
        return f"{what}: {rate} departures per hour ({self.window})"


Modification = Annotated[
    AddLink
    | RemoveLink
    | UpgradeLink
    | AddMobipunt
    | MoveMobipunt
    | RemoveMobipunt
    | AddHousing
    | RemoveHousing
    | SetFrequency,
    Field(discriminator="kind"),
]

_MODIFICATION_TYPES: tuple[type[_Modification], ...] = (
    AddLink,
    RemoveLink,
    UpgradeLink,
    AddMobipunt,
    MoveMobipunt,
    RemoveMobipunt,
    AddHousing,
    RemoveHousing,
    SetFrequency,
)
_KINDS = tuple(t.model_fields["kind"].default for t in _MODIFICATION_TYPES)


# ---------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------


class Scenario(_Model):
    """The base situation plus an ordered list of modifications."""

    name: NonBlank
    description: Text = ""
    #: The scenario it starts from; ``basis`` = the project's layers as loaded.
    base: NonBlank = "basis"
    parameters: Parameters = Field(default_factory=Parameters)
    modifications: Annotated[tuple[Modification, ...], Field(max_length=MAX_MODIFICATIONS)] = ()

    # -- editing (always a new object) ------------------------------------

    def with_modification(self, mod: _Modification) -> Scenario:
        """A new scenario with ``mod`` appended."""
        if not isinstance(mod, _MODIFICATION_TYPES):
            raise TypeError(f"not a modification: {type(mod).__name__}")
        return self.model_copy(update={"modifications": (*self.modifications, mod)})

    def without_last(self) -> Scenario:
        """A new scenario without the last modification (undo)."""
        return self.model_copy(update={"modifications": self.modifications[:-1]})

    def with_parameters(self, **changes: Any) -> Scenario:
        """A new scenario with parameters changed; raises ScenarioError when invalid."""
        data = self.parameters.model_dump()
        data.update(changes)
        try:
            params = Parameters.model_validate(data)
        except ValidationError as exc:
            raise _translate(exc, source=None, prefix="parameters") from None
        return self.model_copy(update={"parameters": params})

    # -- plain data -----------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-able plain data (lists, dicts, str, numbers; datetimes as ISO text)."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_dict(cls, data: Any, *, source: str | Path | None = None) -> Scenario:
        """Validate plain data (from TOML, JSON or a project file).

        Raises
        ------
        ScenarioError
            With the location and reason of the (first) problem.
        """
        if not isinstance(data, Mapping):
            raise scenario_error(
                "(top)",
                "een scenario moet een tabel met sleutels zijn",
                "a scenario must be a table of keys",
                location_nl="(begin)",
                source=source,
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise _translate(exc, source=source) from None
        except (RecursionError, OverflowError, MemoryError) as exc:
            raise scenario_error(
                "(top)",
                "het scenario is te diep genest of te groot",
                "the scenario is nested too deeply or too large",
                location_nl="(begin)",
                source=source,
                detail=type(exc).__name__,
            ) from None

    # -- JSON -------------------------------------------------------------------

    def to_json(self) -> str:
        """JSON text (UTF-8, indented)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str | Path | None = None) -> Scenario:
        """Read JSON text; syntax errors give a ScenarioError with line and column."""
        try:
            data = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_KeyedDict.from_pairs)
        except json.JSONDecodeError as exc:
            raise _syntax_error(exc.msg, exc.lineno, exc.colno, source=source, fmt="JSON") from None
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise scenario_error(
                "(top)",
                f"geen geldige JSON: {exc}",
                f"not valid JSON: {exc}",
                location_nl="(begin)",
                source=source,
            ) from None
        duplicate = _first_duplicate(data)
        if duplicate is not None:
            where, key = duplicate
            raise scenario_error(
                where,
                f"de sleutel '{key}' staat er twee keer; welke waarde bedoeld is, is niet duidelijk",
                f"the key '{key}' appears twice; which value is meant is unclear",
                location_nl=where.replace("(top)", "(begin)"),
                source=source,
            )
        return cls.from_dict(data, source=source)

    # -- TOML -------------------------------------------------------------------

    def to_toml(self) -> str:
        """Human-editable TOML with a comment above each modification."""
        return _render_toml(self)

    @classmethod
    def from_toml(cls, text: str, *, source: str | Path | None = None) -> Scenario:
        """Read TOML text; syntax errors give a ScenarioError with line and column."""
        if not isinstance(text, str):
            raise TypeError("from_toml expects text (str)")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg, line, col = toml_error_position(exc)
            raise _syntax_error(msg, line, col, source=source, fmt="TOML") from None
        except (RecursionError, ValueError) as exc:
            raise scenario_error(
                "(top)",
                f"geen geldige TOML: {exc}",
                f"not valid TOML: {exc}",
                location_nl="(begin)",
                source=source,
            ) from None
        return cls.from_dict(data, source=source)

    # -- files --------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Save atomically as ``.toml`` or ``.json`` (by extension)."""
        target = Path(path)
        fmt = _format_of(target)
        atomic_write_text(target, self.to_toml() if fmt == "toml" else self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Load a ``.toml`` or ``.json`` scenario file.

        Raises
        ------
        SourceNotFoundError
            The file does not exist.
        UnsupportedFormatError
            Not ``.toml`` / ``.json``.
        ScenarioError
            The content is not a valid scenario.
        """
        from slimmeregio.layers.errors import CorruptFileError, SourceNotFoundError

        target = Path(path)
        fmt = _format_of(target)
        try:
            info = target.stat()
        except FileNotFoundError:
            raise SourceNotFoundError(path=target) from None
        except OSError as exc:
            raise CorruptFileError(path=target, detail=str(exc)) from None
        if not stat.S_ISREG(info.st_mode):
            # a folder, a FIFO or a device: never read (it could block or never end)
            raise scenario_error(
                "(top)",
                "dit is geen gewoon bestand (map, pijp of apparaat)",
                "this is not a regular file (folder, pipe or device)",
                location_nl="(begin)",
                source=target,
            )

        def too_large(size: int) -> ScenarioValidationError:
            return scenario_error(
                "(top)",
                f"het bestand is te groot voor een scenario ({size // 1_000_000} MB, "
                f"hoogstens {_MAX_FILE_BYTES // 1_000_000} MB)",
                f"the file is too large for a scenario ({size // 1_000_000} MB, "
                f"at most {_MAX_FILE_BYTES // 1_000_000} MB)",
                location_nl="(begin)",
                source=target,
            )

        # the size is checked before reading, and the read is capped in case the file grows
        if info.st_size > _MAX_FILE_BYTES:
            raise too_large(info.st_size)
        try:
            with open(target, "rb") as fh:
                raw = fh.read(_MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CorruptFileError(path=target, detail=str(exc)) from None
        if len(raw) > _MAX_FILE_BYTES:
            raise too_large(len(raw))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise scenario_error(
                f"byte {exc.start}",
                "het bestand is geen UTF-8-tekst",
                "the file is not UTF-8 text",
                source=target,
            ) from None
        if fmt == "toml":
            return cls.from_toml(text, source=target)
        return cls.from_json(text, source=target)

    # -- reading ----------------------------------------------------------------

    def ledger(self, lang: str = "nl") -> list[str]:
        """One line per modification: number, what, who and why."""
        lines = []
        for i, mod in enumerate(self.modifications, 1):
            who = "door" if lang == "nl" else "by"
            lines.append(f"{i}. {mod.describe(lang)} — {who} {mod.author}: {mod.reason}")
        return lines


#: A scenario is text a person writes; anything larger is not one.
_MAX_FILE_BYTES = 50_000_000


def _format_of(path: Path) -> str:
    from slimmeregio.layers.errors import UnsupportedFormatError

    suffix = path.suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix == ".json":
        return "json"
    raise UnsupportedFormatError(
        path=path,
        hint={
            "nl": "Een scenario is een .toml- of .json-bestand.",
            "en": "A scenario is a .toml or .json file.",
        },
    )


class _KeyedDict(dict[str, Any]):
    """A JSON object that remembers the first key it held twice."""

    duplicate: str | None = None

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _KeyedDict:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    obj.duplicate = key
                    break
                seen.add(key)
        return obj


def _first_duplicate(data: Any) -> tuple[str, str] | None:
    """``("modifications[2].author", "author")`` for the first key given twice
    in a JSON document (walked without recursion), else None."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, _KeyedDict):
            if value.duplicate is not None:
                key = value.duplicate
                return (f"{where}.{key}" if where else key), key
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(value))))
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


# ---------------------------------------------------------------------------
# Error translation
# ---------------------------------------------------------------------------

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_NL_TOML = {
    "Invalid value": "ongeldige waarde",
    "Expected '=' after a key in a key/value pair": "'=' verwacht na een sleutel",
    "Cannot overwrite a value": "sleutel staat er twee keer",
    "Unclosed array": "lijst niet afgesloten",
    "Unterminated string": "tekst niet afgesloten",
    "Invalid statement": "ongeldige regel",
}


def toml_error_position(exc: tomllib.TOMLDecodeError) -> tuple[str, int | None, int | None]:
    """A TOML syntax error's message without its position, and the line and column (1-based)."""
    text = str(exc)
    match = _POSITION.search(text)
    msg = _POSITION.sub("", text).strip()
    if match:
        return msg, int(match.group(1)), int(match.group(2))
    if "end of document" in text:
        return msg, None, None
    return msg, None, None


def _syntax_error(
    msg: str, line: int | None, col: int | None, *, source: str | Path | None, fmt: str
) -> ScenarioValidationError:
    if line is not None:
        location = f"line {line}, column {col}"
        location_nl = f"regel {line}, kolom {col}"
    else:
        location, location_nl = "end of file", "einde van het bestand"
    nl_msg = next((nl for en, nl in _NL_TOML.items() if msg.startswith(en)), msg)
    return scenario_error(
        location,
        f"geen geldige {fmt}: {nl_msg}",
        f"not valid {fmt}: {msg}",
        location_nl=location_nl,
        source=source,
        line=line,
        column=col,
    )


def format_location(loc: Sequence[int | str], prefix: str | None = None) -> str:
    """A pydantic error location as a planner reads it: ``modifications[2].dwellings (wijziging 3)``."""
    parts: list[str] = [prefix] if prefix else []
    items = list(loc)
    # The tagged union adds the tag after the list index: drop it.
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, int):
            out.append(f"[{item}]")
            if i + 1 < len(items) and items[i + 1] in _KINDS:
                i += 1
        else:
            text = str(item)
            if text.startswith("function-") or text in {"tagged-union[...]"}:
                i += 1
                continue
            out.append(("." if out or parts else "") + text)
        i += 1
    return "".join(parts) + "".join(out) if (parts or out) else "(top)"


#: Short, depth-limited reprs of offending values (a 3000-deep table must not recurse).
_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = 60
_SHORT_REPR.maxother = 60
_SHORT_REPR.maxlong = 40


def _describe_input(value: Any) -> str:
    try:
        text = _SHORT_REPR.repr(value)
    except (RecursionError, ValueError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def validation_reasons(error: Mapping[str, Any]) -> tuple[str, str]:
    """Dutch and English reason for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = _describe_input(error.get("input"))
    if kind == "slimmeregio":
        return str(ctx.get("nl", error["msg"])), str(ctx.get("en", error["msg"]))
    if kind == "missing":
        return "verplicht veld ontbreekt", "required field is missing"
    if kind == "extra_forbidden":
        return (
            "onbekende sleutel (tikfout?); deze sleutel hoort hier niet",
            "unknown key (typo?); this key does not belong here",
        )
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        kinds = ", ".join(_KINDS)
        got = _describe_input(ctx.get("tag", error.get("input")))
        if kind == "union_tag_not_found":
            return (f"'kind' ontbreekt; kies uit: {kinds}", f"'kind' is missing; choose from: {kinds}")
        return (
            f"onbekende soort wijziging {got}; kies uit: {kinds}",
            f"unknown kind of modification {got}; choose from: {kinds}",
        )
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return f"ongeldige keuze {got}; kies uit: {expected}", f"invalid choice {got}; choose from: {expected}"
    if kind in {"string_type", "string_sub_type"}:
        return f"verwacht tekst, kreeg {got}", f"expected text, got {got}"
    if kind in {"float_type", "float_parsing"}:
        return f"verwacht een getal, kreeg {got}", f"expected a number, got {got}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"verwacht een geheel getal, kreeg {got}", f"expected a whole number, got {got}"
    if kind == "bool_type":
        return f"verwacht true of false, kreeg {got}", f"expected true or false, got {got}"
    if kind in {"tuple_type", "list_type"}:
        return f"verwacht een lijst [..], kreeg {got}", f"expected a list [..], got {got}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"verwacht een tabel, kreeg {got}", f"expected a table, got {got}"
    if kind == "finite_number":
        return "getal moet eindig zijn (geen inf of nan)", "number must be finite (no inf or nan)"
    if kind == "greater_than":
        return f"moet groter zijn dan {_num(ctx.get('gt'))} (kreeg {got})", f"must be greater than {_num(ctx.get('gt'))} (got {got})"
    if kind == "greater_than_equal":
        return (
            f"moet minstens {_num(ctx.get('ge'))} zijn (kreeg {got})",
            f"must be at least {_num(ctx.get('ge'))} (got {got})",
        )
    if kind == "less_than":
        return f"moet kleiner zijn dan {_num(ctx.get('lt'))} (kreeg {got})", f"must be less than {_num(ctx.get('lt'))} (got {got})"
    if kind == "less_than_equal":
        return (
            f"mag hoogstens {_num(ctx.get('le'))} zijn (kreeg {got})",
            f"must be at most {_num(ctx.get('le'))} (got {got})",
        )
    if kind == "too_short":
        return (
            f"te weinig elementen (minstens {ctx.get('min_length')})",
            f"too few items (at least {ctx.get('min_length')})",
        )
    if kind == "too_long":
        return (
            f"te veel elementen (hoogstens {ctx.get('max_length')})",
            f"too many items (at most {ctx.get('max_length')})",
        )
    if kind.startswith("datetime") or kind.startswith("date"):
        return (
            f"ongeldige datum/tijd {got} (bv. 2025-03-01T10:00:00)",
            f"invalid date/time {got} (e.g. 2025-03-01T10:00:00)",
        )
    if kind == "frozen_instance":
        return "een scenario kan niet gewijzigd worden", "a scenario cannot be changed in place"
    msg = str(error.get("msg", kind))
    return f"ongeldige waarde {got} ({msg})", f"invalid value {got} ({msg})"


def _translate(
    exc: ValidationError, *, source: str | Path | None, prefix: str | None = None
) -> ScenarioValidationError:
    found: list[tuple[str, str, str]] = []
    for error in exc.errors(include_url=False):
        location = format_location(error["loc"], prefix)
        nl, en = validation_reasons(error)
        found.append((location, nl, en))
    location, nl, en = found[0]
    return scenario_error(location, nl, en, source=source, errors=found, detail=None)


# ---------------------------------------------------------------------------
# TOML writing
# ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _comment(text: str) -> str:
    """A single-line TOML comment body (control characters are not allowed)."""
    return _CONTROL.sub(" ", text).strip()


def _toml_key(key: str) -> str:
    return tomli_w.dumps({key: 0})[: -len(" = 0\n")]


def _toml_value(value: Any) -> str:
    """An inline TOML value; lists stay on one line (coordinates stay readable)."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value})[len("v = ") : -1]


def _toml_table(data: Mapping[str, Any]) -> list[str]:
    return [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in data.items()]


_PARAMETER_NOTES = {
    "speeds_kmh": "fietssnelheid per klasse (km/u)",
    "walking_speed_kmh": "wandelsnelheid (km/u)",
    "walk_thresholds_m": "wandelafstanden (m), oplopend",
    "bike_thresholds_min": "fietstijden (min), oplopend",
    "max_snap_m": "maximale afstand tot het netwerk (m)",
    "household_size": "personen per woning",
    "min_trains_per_day": "stations tellen mee vanaf zoveel treinen per dag",
    "mobipunt_types": "welke Hoppin-types meetellen",
    "service_area_min": "fietstijd voor de bedieningsgebieden (min)",
    "curve_max_min": "dekkingscurve van 0 tot zoveel minuten",
    "siting_threshold_min": "inplanting: woningen binnen zoveel fietsminuten",
    "detour_ratio": "ontbrekende schakels: omweg netwerk/rechte lijn groter dan",
    "detour_max_straight_m": "ontbrekende schakels: rechte afstand hoogstens (m)",
    "pt_walk_m": "openbaar vervoer: wandelafstand tot een halte (m)",
    "pt_departures_per_hour": "openbaar vervoer: halte telt vanaf zoveel vertrekken per uur, oplopend",
    "pt_windows": "openbaar vervoer: tijdvensters (ochtendspits, dag, avondspits, avond)",
    "pt_trains_per_hour": "station telt vanaf zoveel treinen per uur",
    "pt_train_window": "tijdvenster voor treinen per uur en de wachttijd",
    "bike_train_max_bike_min": "fiets + trein: stations hoogstens zoveel fietsminuten ver",
}


def _render_toml(scenario: Scenario) -> str:
    data = scenario.model_dump(mode="python", exclude_none=True)
    lines = [
        "# Slimme Regio Planner - scenario",
        "# Coördinaten in Belgische Lambert 72 (EPSG:31370, meter).",
        "",
    ]
    for key in ("name", "description", "base"):
        lines.append(f"{key} = {_toml_value(data[key])}")
    params = data["parameters"]
    lines += ["", "# Parameters van de analyse", "[parameters]"]
    for key, value in params.items():
        if key == "speeds_kmh":
            continue
        note = _PARAMETER_NOTES.get(key)
        if note:
            lines.append(f"# {note}")
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    lines += ["", f"# {_PARAMETER_NOTES['speeds_kmh']}", "[parameters.speeds_kmh]"]
    lines += _toml_table(params["speeds_kmh"])
    mods = data["modifications"]
    if mods:
        lines += ["", "# Wijzigingen, in volgorde van toepassing"]
    for i, (mod, model) in enumerate(zip(mods, scenario.modifications, strict=True), 1):
        header = f"{i}. {mod['kind']} door {model.author}: {model.reason}"
        lines += ["", f"# {_comment(header)}", "[[modifications]]"]
        ledger = {k: mod.pop(k) for k in ("author", "reason", "created") if k in mod}
        ordered = {"kind": mod.pop("kind")} | mod | ledger
        lines += _toml_table(ordered)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Example
# ---------------------------------------------------------------------------

_EXAMPLE = '''\
# Slimme Regio Planner - voorbeeldscenario
#
# Een scenario = de basistoestand + een geordende lijst wijzigingen.
# Elke wijziging vermeldt wie ze maakte (author) en waarom (reason), zodat
# het scenario leest als een logboek voor het college of de gemeenteraad.
# Coördinaten staan in Belgische Lambert 72 (EPSG:31370, meter).
# De verbindingen (link_id) en mobipunten (mobipunt_id) verwijzen naar de
# ingebouwde regio Halle-Vilvoorde.

name = "Voorbeeld: fietsverbinding en mobipunt bij station Halle"
description = "Nieuwe fietsverbinding naar station Halle, een opgewaardeerde route, een buurtmobipunt en 240 woningen."
base = "basis"                      # "basis" = de lagen zoals geladen

[parameters]
walking_speed_kmh = 4.8             # wandelsnelheid (km/u)
walk_thresholds_m = [400.0, 800.0, 1200.0]   # wandelafstanden (m), oplopend
bike_thresholds_min = [5.0, 10.0, 15.0]      # fietstijden (min), oplopend
max_snap_m = 500.0                  # maximale afstand tot het netwerk (m)
household_size = 2.4                # personen per woning
min_trains_per_day = 0.0            # stations tellen mee vanaf zoveel treinen per dag
mobipunt_types = ["interregionaal", "regionaal", "lokaal", "buurt"]
service_area_min = 10.0             # fietstijd voor de bedieningsgebieden (min)
curve_max_min = 30                  # dekkingscurve van 0 tot zoveel minuten
siting_threshold_min = 5.0          # inplanting: woningen binnen zoveel fietsminuten
detour_ratio = 2.0                  # ontbrekende schakels: omweg netwerk/rechte lijn
detour_max_straight_m = 800.0       # ontbrekende schakels: rechte afstand hoogstens (m)
pt_walk_m = 500.0                   # openbaar vervoer: wandelafstand tot een halte (m)
pt_departures_per_hour = [2.0, 4.0] # halte telt vanaf zoveel vertrekken per uur
pt_windows = ["ochtendspits", "dag", "avond"]   # tijdvensters van de haltelaag
pt_trains_per_hour = 2.0            # station telt vanaf zoveel treinen per uur
pt_train_window = "ochtendspits"    # tijdvenster voor treinen per uur en wachttijd
bike_train_max_bike_min = 30.0      # fiets + trein: stations binnen zoveel fietsminuten

[parameters.speeds_kmh]             # fietssnelheid per klasse (km/u)
fietssnelweg = 25.0
bovenlokaal = 20.0
lokaal = 16.0
overig = 14.0

# 1. add_link: een nieuwe fietsverbinding, getekend als lijn (minstens 2 punten)
[[modifications]]
kind = "add_link"
coords = [[140500.0, 158700.0], [140750.0, 158420.0], [140956.0, 158163.0]]
link_class = "bovenlokaal"          # fietssnelweg, bovenlokaal, lokaal of overig
name = "Fietsbrug over de Zenne"
oneway = false
bridge = true                       # brug/tunnel: enkel verbonden aan de twee uiteinden
author = "Dienst Mobiliteit Halle"
reason = "Kortere fietsroute van de woonwijk naar station Halle"
created = 2025-03-01T10:00:00

# 2. upgrade_link: bestaande verbindingen opwaarderen (link_id uit het fietsnetwerk)
[[modifications]]
kind = "upgrade_link"
link_ids = [1394]
link_class = "fietssnelweg"         # nieuwe klasse en/of snelheid (speed_kmh)
author = "Provincie Vlaams-Brabant"
reason = "Aansluiting op de fietssnelweg aan station Halle"

# 3. add_mobipunt: een nieuw mobipunt (Hoppinpunt)
[[modifications]]
kind = "add_mobipunt"
x = 141150.0
y = 158250.0
name = "Hoppinpunt Halle-Station Oost"
hoppin_type = "buurt"               # interregionaal, regionaal, lokaal of buurt
offer = ["deelfiets", "fietsenstalling"]
author = "Dienst Mobiliteit Halle"
reason = "Deelfietsen aan de oostkant van het station"

# 4. add_housing: een woonproject (punt x/y of polygoon), met het aantal woningen
[[modifications]]
kind = "add_housing"
polygon = [[140300.0, 158800.0], [140550.0, 158800.0], [140550.0, 159000.0], [140300.0, 159000.0]]
dwellings = 240
name = "Woonproject Zennevallei"
status = "gepland"
author = "Dienst Ruimtelijke Ordening Halle"
reason = "Verkavelingsaanvraag 2025/017"

# Andere soorten wijzigingen (haal het #-teken weg om te gebruiken):
#
# [[modifications]]
# kind = "remove_link"              # verbindingen afsluiten (link_id uit het fietsnetwerk)
# link_ids = [11694]
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "move_mobipunt"            # mobipunt verplaatsen (mobipunt_id uit de mobipuntenlaag)
# mobipunt_id = "MP-010"
# x = 154550.0
# y = 179400.0
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "remove_mobipunt"
# mobipunt_id = "MP-064"
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "remove_housing"           # woningen verwijderen (woning_id, als tekst)
# housing_ids = ["7745"]
# author = "..."
# reason = "..."
#
# [[modifications]]
# kind = "set_frequency"            # vertrekken per uur van een halte (stop_id) of een lijn (route)
# route = "155"                     # of: stop_id = "..." (uit de laag met OV-haltes)
# window = "ochtendspits"           # ochtendspits, dag, avondspits of avond
# departures_per_hour = 4.0         # elk kwartier
# author = "..."
# reason = "..."
'''


def example_scenario_toml() -> str:
    """A commented example scenario, valid as it stands (``scenario example``)."""
    return _EXAMPLE
