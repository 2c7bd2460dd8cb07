"""Validated field types and checks the scenario models share: text, numbers, points in Lambert 72, thresholds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "BELGIUM_BOX",
    "DEFAULT_SPEEDS_KMH",
    "MAX_BIKE_THRESHOLD_MIN",
    "MAX_DEPARTURES_PER_HOUR",
    "MAX_DWELLINGS",
    "MAX_MODIFICATIONS",
    "MAX_SPEED_KMH",
    "MAX_THRESHOLDS",
    "MAX_WALK_THRESHOLD_M",
    "FrozenMap",
    "StrictModel",
    "bilingual",
    "check_point",
    "check_points",
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


def bilingual(nl: str, en: str) -> PydanticCustomError:
    """A validation error pydantic carries unchanged, with both languages."""
    return PydanticCustomError("slimmeregio", "{en}", {"nl": nl, "en": en})


# ---------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------


class FrozenMap(dict[str, float]):
    """A read-only dict, so a frozen model cannot be changed through a field."""

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("scenario parameters are read-only; use model_copy(update=...)")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _read_only  # type: ignore[assignment]
    __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def _check_text(value: str) -> str:
    # Lone surrogates cannot be written to a UTF-8 file: refuse them here,
    # not when saving.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise bilingual(
            "de tekst bevat ongeldige tekens", "the text holds invalid characters"
        ) from exc
    return value


def _check_nonblank(value: str) -> str:
    if not value.strip():
        raise bilingual("mag niet leeg zijn", "must not be empty")
    return value


def _check_datetime(value: Any) -> Any:
    # TOML gives datetime objects, JSON gives ISO text; refuse numbers, which
    # pydantic would otherwise read as Unix timestamps.
    if value is None or isinstance(value, datetime | str):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise bilingual(
        "verwacht een datum en tijd (bv. 2025-03-01T10:00:00)",
        "expected a date and time (e.g. 2025-03-01T10:00:00)",
    )


Text = Annotated[str, Field(strict=True), AfterValidator(_check_text)]
NonBlank = Annotated[
    str, Field(strict=True), AfterValidator(_check_text), AfterValidator(_check_nonblank)
]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
PositiveNumber = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0)]
Speed = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, lt=MAX_SPEED_KMH)]
Flag = Annotated[bool, Field(strict=True)]
LinkId = Annotated[int, Field(strict=True)]
Timestamp = Annotated[datetime | None, BeforeValidator(_check_datetime)]
HoppinType = Literal["interregionaal", "regionaal", "lokaal", "buurt"]
Point = tuple[Number, Number]


def _speeds(value: dict[str, float]) -> FrozenMap:
    return FrozenMap(value)


SpeedTable = Annotated[
    dict[NonBlank, Speed],
    AfterValidator(_speeds),
]


def check_point(x: float, y: float) -> None:
    xmin, ymin, xmax, ymax = BELGIUM_BOX
    if abs(x) <= 180 and abs(y) <= 90:
        raise bilingual(
            f"({x:g}, {y:g}) lijkt op lengte-/breedtegraad; coördinaten moeten in "
            "Belgische Lambert 72 (EPSG:31370, meter) staan",
            f"({x:g}, {y:g}) looks like longitude/latitude; coordinates must be "
            "Belgian Lambert 72 (EPSG:31370, metres)",
        )
    if not (xmin <= x <= xmax and ymin <= y <= ymax):
        raise bilingual(
            f"de geometrie ligt ver buiten de regio ({x:.0f}, {y:.0f}); "
            "coördinaten moeten in Belgische Lambert 72 (EPSG:31370, meter) staan",
            f"the geometry lies far outside the region ({x:.0f}, {y:.0f}); "
            "coordinates must be Belgian Lambert 72 (EPSG:31370, metres)",
        )


def check_points(points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    for x, y in points:
        check_point(x, y)
    return points


#: At most this many thresholds per list (each adds indicator rows).
MAX_THRESHOLDS = 50
#: Largest walking threshold (m) and cycling threshold (min).
MAX_WALK_THRESHOLD_M = 100_000.0
MAX_BIKE_THRESHOLD_MIN = 240.0


def _check_thresholds(values: tuple[float, ...], *, limit: float, unit: str) -> tuple[float, ...]:
    if not values:
        raise bilingual("geef minstens één drempel", "give at least one threshold")
    if len(values) > MAX_THRESHOLDS:
        raise bilingual(
            f"te veel drempels ({len(values)}); hoogstens {MAX_THRESHOLDS}",
            f"too many thresholds ({len(values)}); at most {MAX_THRESHOLDS}",
        )
    if any(v <= 0 for v in values):
        raise bilingual("drempels moeten groter dan 0 zijn", "thresholds must be greater than 0")
    if any(v > limit for v in values):
        raise bilingual(
            f"drempels zijn hoogstens {limit:g} {unit}",
            f"thresholds are at most {limit:g} {unit}",
        )
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise bilingual(
            "drempels moeten oplopend gesorteerd zijn, zonder herhaling",
            "thresholds must be sorted ascending, without repeats",
        )
    # Indicator keys write a threshold with 6 significant digits: two
    # thresholds that read the same would share one key and lose a value.
    keys = [f"{v:g}" for v in values]
    for a, b, key in zip(values, values[1:], keys[1:], strict=False):
        if f"{a:g}" == key:
            raise bilingual(
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

#: Largest departures-per-hour value (one a minute).
MAX_DEPARTURES_PER_HOUR = 60.0
DepartureThresholds = Annotated[
    tuple[Number, ...],
    AfterValidator(lambda v: _check_thresholds(v, limit=MAX_DEPARTURES_PER_HOUR, unit="/h")),
]
#: A weight from 0 to 1.
UnitWeight = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1)]
#: Time windows of a public transport stops layer (the GTFS import's default windows).
PtWindow = Literal["ochtendspits", "dag", "avondspits", "avond"]


class StrictModel(BaseModel):
    """Base of the scenario models: frozen, and unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)
