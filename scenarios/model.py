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
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from slimmeregio.layers.i18n import tr
from slimmeregio.layers.roles import HOPPIN_TYPES
from slimmeregio.layers.safe_io import atomic_write_text
from slimmeregio.scenarios.model_errors import (
    ScenarioValidationError,
    format_location,
    scenario_error,
    syntax_error,
    toml_error_position,
    translate_validation_error,
    validation_reasons,
)
from slimmeregio.scenarios.model_fields import (
    BELGIUM_BOX,
    DEFAULT_SPEEDS_KMH,
    MAX_MODIFICATIONS,
    BikeThresholds,
    DepartureThresholds,
    HoppinType,
    NonBlank,
    PositiveNumber,
    PtWindow,
    SpeedTable,
    StrictModel,
    Text,
    UnitWeight,
    WalkThresholds,
    bilingual,
)
from slimmeregio.scenarios.model_toml import example_scenario_toml, render_scenario_toml
from slimmeregio.scenarios.modifications import (
    MODIFICATION_TYPES,
    AddHousing,
    AddLink,
    AddMobipunt,
    Modification,
    ModificationBase,
    MoveMobipunt,
    RemoveHousing,
    RemoveLink,
    RemoveMobipunt,
    SetFrequency,
    UpgradeLink,
)

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


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


class Parameters(StrictModel):
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
    bike_train_max_bike_min: Annotated[
        float, Field(strict=True, allow_inf_nan=False, gt=0, le=120)
    ] = 30.0
    #: Hub offers with their own share: dwellings within each cycling threshold of a hub offering it.
    hub_offers: tuple[NonBlank, ...] = ("deelauto", "deelfiets")
    #: Weight of each Hoppin type (interregionaal, regionaal, lokaal, buurt) in the hub score.
    hub_type_weights: tuple[UnitWeight, UnitWeight, UnitWeight, UnitWeight] = (1.0, 0.75, 0.5, 0.25)
    #: Commuting routes: ``fastest`` (shortest by distance) or ``quiet``
    #: (quietness-weighted, scenarios/quiet_routes.py; PCT's fast and quiet).
    commute_routes: Literal["fastest", "quiet"] = "fastest"
    #: Commuting origins: every housing point, the points of each 100 m cell
    #: pooled, or ``auto`` (points up to 50,000, cells above;
    #: scenarios/commute_origins.py).
    commute_origins: Literal["auto", "points", "cells"] = "auto"
    #: Access to opportunities (scenarios/opportunity_eval.py; docs/engine.md 7b): the
    #: potential's half-lives, cycling (min) and walking (m): an opportunity this far counts for half.
    opportunity_bike_half_life_min: Annotated[
        float, Field(strict=True, allow_inf_nan=False, gt=0, le=60)
    ] = 10.0
    opportunity_walk_half_life_m: Annotated[
        float, Field(strict=True, allow_inf_nan=False, gt=0, le=5000)
    ] = 800.0
    #: Rank of the nearest opportunity whose time / distance is reported (``opp_<kind>_k<k>_...``).
    opportunity_nearest_k: Annotated[int, Field(strict=True, ge=1, le=50)] = 3
    #: Gravity model of commuting (scenarios/commuting.py): working residents per dwelling.
    workers_per_dwelling: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=10)] = (
        1.0
    )
    #: Gravity model: distance decay exp(-beta d) per km of route.
    commute_beta_per_km: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=5)] = 0.1

    @field_validator("pt_windows")
    @classmethod
    def _unique_windows(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise bilingual("kies minstens één tijdvenster", "choose at least one time window")
        if len(set(value)) != len(value):
            raise bilingual("elk tijdvenster maar één keer", "each time window only once")
        return value

    @field_validator("mobipunt_types")
    @classmethod
    def _unique_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise bilingual("kies minstens één Hoppin-type", "choose at least one Hoppin type")
        if len(set(value)) != len(value):
            raise bilingual("elk Hoppin-type maar één keer", "each Hoppin type only once")
        return value

    def speed_for(self, link_class: str) -> float:
        """Cycling speed (km/h) for ``link_class``; unknown classes ride as ``overig``."""
        if link_class in self.speeds_kmh:
            return self.speeds_kmh[link_class]
        return self.speeds_kmh.get("overig", min(self.speeds_kmh.values(), default=14.0))


# ---------------------------------------------------------------------------
# Modifications
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------


class Scenario(StrictModel):
    """The base situation plus an ordered list of modifications."""

    name: NonBlank
    description: Text = ""
    #: The scenario it starts from; ``basis`` = the project's layers as loaded.
    base: NonBlank = "basis"
    parameters: Parameters = Field(default_factory=Parameters)
    modifications: Annotated[tuple[Modification, ...], Field(max_length=MAX_MODIFICATIONS)] = ()

    # -- editing (always a new object) ------------------------------------

    def with_modification(self, mod: ModificationBase) -> Scenario:
        """A new scenario with ``mod`` appended."""
        if not isinstance(mod, MODIFICATION_TYPES):
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
            raise translate_validation_error(exc, source=None, prefix="parameters") from None
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
            raise translate_validation_error(exc, source=source) from None
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
            data = json.loads(
                text, parse_constant=_refuse_constant, object_pairs_hook=_KeyedDict.from_pairs
            )
        except json.JSONDecodeError as exc:
            raise syntax_error(exc.msg, exc.lineno, exc.colno, source=source, fmt="JSON") from None
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
        return render_scenario_toml(self)

    @classmethod
    def from_toml(cls, text: str, *, source: str | Path | None = None) -> Scenario:
        """Read TOML text; syntax errors give a ScenarioError with line and column."""
        if not isinstance(text, str):
            raise TypeError("from_toml expects text (str)")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg, line, col = toml_error_position(exc)
            raise syntax_error(msg, line, col, source=source, fmt="TOML") from None
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
        return [
            tr(
                lang,
                "{i}. {what} — door {author}: {reason}",
                i=i,
                what=mod.describe(lang),
                author=mod.author,
                reason=mod.reason,
            )
            for i, mod in enumerate(self.modifications, 1)
        ]


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
            stack.extend(
                (v, f"{where}.{k}" if where else str(k)) for k, v in reversed(list(value.items()))
            )
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(value))))
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")
