"""The sweep file: which scenario variants a sweep evaluates, and how they are enumerated.

A sweep file (TOML) names the base (the embedded region or a project file),
an optional base scenario, and the dimensions to vary:

``[[sets]]``
    a set of candidate modifications. Each candidate is one modification
    (the same keys as in a scenario) plus an optional ``candidate`` label and
    ``cost_eur``. By default every candidate is in or out (2^n choices);
    ``min_in`` / ``max_in`` limit how many are in, ``choose = k`` means
    exactly k of the n.
``[[ranges]]``
    a parameter range: ``parameter`` names a :class:`Parameters` field
    (``walking_speed_kmh``, ``bike_thresholds_min`` ...) or a cycling speed
    per class (``speeds_kmh.lokaal``); ``values = [...]`` lists the values,
    or ``from``/``to``/``step`` spans them (at most :data:`MAX_RANGE_VALUES`).

The variants are the product of the dimensions (sets in file order, then
ranges; the last dimension varies fastest). When the product exceeds
``max_variants`` (default :data:`DEFAULT_MAX_VARIANTS`, at most
:data:`MAX_VARIANTS`), a uniform sample of ``max_variants`` distinct
combinations is drawn without replacement with Python's
``random.Random(seed)``, and evaluated in enumeration order: the same file
gives the same variants.

Each variant is a :class:`Scenario`: the base scenario's modifications, then
the chosen candidates (set by set, in file order), with the base scenario's
parameters changed by the range values. Its id is a hash of that scenario's
parameters and modifications and of the base's identity, so a rerun finds
the variants already done.

Errors are :class:`SweepFileError` (a :class:`ScenarioError`) with the
location in the file (``sets[0].candidates[2].coords``) and a Dutch and
English reason.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.model_errors import (
    ScenarioValidationError,
    file_error,
    format_location,
    toml_error_position,
    validation_reasons,
)
from slimmeregio.scenarios.modifications import Modification

__all__ = [
    "DEFAULT_MAX_VARIANTS",
    "MAX_RANGE_VALUES",
    "MAX_VARIANTS",
    "REGION",
    "Candidate",
    "CandidateSet",
    "ParameterRange",
    "Sweep",
    "SweepFileError",
    "example_sweep_toml",
    "load_sweep",
]

#: ``project = "regio"`` (or ``"region"``): the embedded region Halle-Vilvoorde.
REGION = ("regio", "region")
#: Variants evaluated when the file sets no ``max_variants``.
DEFAULT_MAX_VARIANTS = 1000
#: The largest ``max_variants`` a sweep file may ask for.
MAX_VARIANTS = 100_000
#: The most values one parameter range may span.
MAX_RANGE_VALUES = 100
#: The most candidates one set may hold.
MAX_CANDIDATES = 60


class SweepFileError(ScenarioValidationError):
    """A sweep file is wrong: ``location`` says where, in Dutch and English."""

    messages = {
        "nl": "Fout in sweepbestand{source} bij {location_nl}: {reason_nl}{more_nl}",
        "en": "Error in sweep file{source} at {location_en}: {reason_en}{more_en}",
    }


def sweep_error(
    location: str,
    reason_nl: str,
    reason_en: str,
    *,
    source: str | Path | None = None,
    location_nl: str | None = None,
    errors: Sequence[tuple[str, str, str]] = (),
    **data: Any,
) -> SweepFileError:
    """The :class:`SweepFileError` for ``location`` with both reasons."""
    return file_error(
        SweepFileError,
        location,
        reason_nl,
        reason_en,
        source=source,
        location_nl=location_nl or location,
        location_en=location,
        errors=errors,
        **data,
    )


def _bilingual(nl: str, en: str) -> Any:
    from pydantic_core import PydanticCustomError

    return PydanticCustomError("slimmeregio", "{en}", {"nl": nl, "en": en})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Cost = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]
Label = Annotated[str, Field(strict=True, min_length=1, max_length=200)]


class Candidate(_Model):
    """One candidate modification of a set, with a label and an optional cost."""

    candidate: Label
    cost_eur: Cost | None = None
    modification: Modification

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data: Any) -> Any:
        # In the file a candidate is a modification table with two extra keys.
        if isinstance(data, Mapping) and "modification" not in data:
            rest = {k: v for k, v in data.items() if k not in ("candidate", "cost_eur")}
            out: dict[str, Any] = {"modification": rest}
            for key in ("candidate", "cost_eur"):
                if key in data:
                    out[key] = data[key]
            out.setdefault("candidate", "")
            return out
        return data


class CandidateSet(_Model):
    """Candidates that are each in or out, limited by ``min_in``/``max_in`` or ``choose``."""

    name: Label
    candidates: Annotated[tuple[Candidate, ...], Field(min_length=1, max_length=MAX_CANDIDATES)]
    min_in: Annotated[int, Field(strict=True, ge=0)] = 0
    max_in: Annotated[int, Field(strict=True, ge=0)] | None = None
    choose: Annotated[int, Field(strict=True, ge=0)] | None = None

    @model_validator(mode="after")
    def _limits(self) -> CandidateSet:
        n = len(self.candidates)
        if self.choose is not None and (self.min_in != 0 or self.max_in is not None):
            raise _bilingual(
                "gebruik choose óf min_in/max_in, niet beide",
                "use choose or min_in/max_in, not both",
            )
        low, high = self.bounds
        if high > n or low > high:
            raise _bilingual(
                f"onmogelijke grenzen: {low}..{high} van {n} kandidaten",
                f"impossible limits: {low}..{high} of {n} candidates",
            )
        labels = [c.candidate for c in self.candidates]
        if len(set(labels)) != len(labels):
            raise _bilingual(
                "elke kandidaat (candidate) heeft een eigen naam nodig",
                "every candidate needs its own name (candidate)",
            )
        return self

    @property
    def bounds(self) -> tuple[int, int]:
        """Least and most candidates in."""
        if self.choose is not None:
            return self.choose, self.choose
        return self.min_in, len(self.candidates) if self.max_in is None else self.max_in

    def count(self) -> int:
        """Number of choices: sum of C(n, j) over the allowed sizes j."""
        low, high = self.bounds
        n = len(self.candidates)
        return sum(math.comb(n, j) for j in range(low, high + 1))

    def choice(self, rank: int) -> tuple[int, ...]:
        """The ``rank``-th choice: sizes ascending, then lexicographic (indices)."""
        low, high = self.bounds
        n = len(self.candidates)
        for size in range(low, high + 1):
            block = math.comb(n, size)
            if rank < block:
                return _unrank_combination(n, size, rank)
            rank -= block
        raise IndexError(rank)


def _unrank_combination(n: int, k: int, rank: int) -> tuple[int, ...]:
    """The ``rank``-th k-subset of range(n) in lexicographic order."""
    out: list[int] = []
    x = 0
    for i in range(k):
        while True:
            block = math.comb(n - x - 1, k - i - 1)
            if rank < block:
                break
            rank -= block
            x += 1
        out.append(x)
        x += 1
    return tuple(out)


_PARAMETER_FIELDS = tuple(name for name in Parameters.model_fields if name != "speeds_kmh")


class ParameterRange(_Model):
    """Values one parameter takes: ``values = [...]`` or ``from``/``to``/``step``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    parameter: Label
    values: Annotated[tuple[Any, ...], Field(min_length=1, max_length=MAX_RANGE_VALUES)] | None = (
        None
    )
    start: Annotated[float, Field(strict=True, allow_inf_nan=False)] | None = Field(
        default=None, alias="from"
    )
    stop: Annotated[float, Field(strict=True, allow_inf_nan=False)] | None = Field(
        default=None, alias="to"
    )
    step: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0)] | None = None

    @model_validator(mode="after")
    def _shape(self) -> ParameterRange:
        name = self.parameter
        if name not in _PARAMETER_FIELDS and not (
            name.startswith("speeds_kmh.") and len(name) > len("speeds_kmh.")
        ):
            raise _bilingual(
                f"onbekende parameter '{name}'; kies uit speeds_kmh.<klasse>, "
                + ", ".join(_PARAMETER_FIELDS),
                f"unknown parameter '{name}'; choose from speeds_kmh.<class>, "
                + ", ".join(_PARAMETER_FIELDS),
            )
        spanned = (self.start, self.stop, self.step)
        if self.values is not None:
            if any(v is not None for v in spanned):
                raise _bilingual(
                    "gebruik values óf from/to/step, niet beide",
                    "use values or from/to/step, not both",
                )
        elif any(v is None for v in spanned):
            raise _bilingual(
                "geef values = [...] of from, to en step",
                "give values = [...] or from, to and step",
            )
        else:
            assert self.start is not None and self.stop is not None and self.step is not None
            if self.stop < self.start:
                raise _bilingual("to moet minstens from zijn", "to must be at least from")
            count = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
            if count > MAX_RANGE_VALUES:
                raise _bilingual(
                    f"{count} waarden; hoogstens {MAX_RANGE_VALUES} per bereik",
                    f"{count} values; at most {MAX_RANGE_VALUES} per range",
                )
        return self

    def spanned(self) -> tuple[Any, ...]:
        """The values, in order."""
        if self.values is not None:
            return self.values
        assert self.start is not None and self.stop is not None and self.step is not None
        count = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
        return tuple(round(self.start + i * self.step, 10) for i in range(count))


class Sweep(_Model):
    """A parsed sweep file (relative paths not yet resolved)."""

    name: Label
    description: str = ""
    project: Label = "regio"
    base_scenario: Label | None = None
    seed: Annotated[int, Field(strict=True)] = 0
    max_variants: Annotated[int, Field(strict=True, ge=1, le=MAX_VARIANTS)] = DEFAULT_MAX_VARIANTS
    sets: tuple[CandidateSet, ...] = ()
    ranges: tuple[ParameterRange, ...] = ()

    @model_validator(mode="after")
    def _something(self) -> Sweep:
        if not self.sets and not self.ranges:
            raise _bilingual(
                "geen dimensies: geef minstens één [[sets]] of [[ranges]]",
                "no dimensions: give at least one [[sets]] or [[ranges]]",
            )
        names = [r.parameter for r in self.ranges]
        if len(set(names)) != len(names):
            raise _bilingual(
                "elke parameter maar één keer in [[ranges]]",
                "each parameter only once in [[ranges]]",
            )
        return self

    @property
    def uses_region(self) -> bool:
        return self.project.strip().lower() in REGION

    @classmethod
    def from_toml(cls, text: str, *, source: str | Path | None = None) -> Sweep:
        """Parse and validate sweep TOML text."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg, line, col = toml_error_position(exc)
            where = f"line {line}, column {col}" if line is not None else "end of file"
            where_nl = f"regel {line}, kolom {col}" if line is not None else "einde van het bestand"
            raise sweep_error(
                where,
                f"geen geldige TOML: {msg}",
                f"not valid TOML: {msg}",
                location_nl=where_nl,
                source=source,
            ) from None
        try:
            return cls.model_validate(_fill_labels(data))
        except ValidationError as exc:
            raise _translate(exc, source) from None


def _translate(exc: ValidationError, source: str | Path | None) -> SweepFileError:
    found: list[tuple[str, str, str]] = []
    for error in exc.errors(include_url=False):
        loc = [part for part in error["loc"] if part != "modification"]
        # the from/to aliases appear under their field names
        loc = [{"start": "from", "stop": "to"}.get(p, p) if isinstance(p, str) else p for p in loc]
        nl, en = validation_reasons(error)
        found.append((format_location(loc), nl, en))
    # a list whose item failed is also reported as too short: keep the item's error
    kept = [
        f for f in found if not any(o is not f and o[0].startswith(f[0] + "[") for o in found)
    ] or found
    location, nl, en = kept[0]
    return sweep_error(location, nl, en, source=source, errors=kept)


def _fill_labels(data: Any) -> Any:
    """Candidates without a ``candidate`` label get ``<set> <n>``."""
    if not isinstance(data, dict):
        return data
    for cset in data.get("sets", []) if isinstance(data.get("sets"), list) else []:
        if not isinstance(cset, dict) or not isinstance(cset.get("candidates"), list):
            continue
        for n, cand in enumerate(cset["candidates"], 1):
            if isinstance(cand, dict) and "candidate" not in cand:
                cand["candidate"] = f"{cset.get('name', 'set')} {n}"
    return data


def load_sweep(path: str | Path) -> tuple[Sweep, Scenario | None, Path | None]:
    """Read a sweep file; returns the sweep, its base scenario and its project path.

    Relative paths in the file (``project``, ``base_scenario``) are taken
    from the sweep file's folder. The project path is None for the embedded
    region.

    Raises
    ------
    SourceNotFoundError
        The sweep file, its base scenario or its project does not exist.
    ScenarioError
        The sweep file or the base scenario is not valid.
    """
    from slimmeregio.layers.errors import CorruptFileError, SourceNotFoundError

    target = Path(path)
    if not target.is_file():
        raise SourceNotFoundError(path=target)
    try:
        text = target.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptFileError(path=target, detail=str(exc)) from None
    text_sweep = Sweep.from_toml(text, source=target)
    folder = target.parent
    base: Scenario | None = None
    if text_sweep.base_scenario is not None:
        scen_path = folder / text_sweep.base_scenario
        if not scen_path.is_file():
            raise sweep_error(
                "base_scenario",
                f"het basisscenario {scen_path} bestaat niet",
                f"the base scenario {scen_path} does not exist",
                source=target,
            )
        base = Scenario.load(scen_path)
    project = None if text_sweep.uses_region else folder / text_sweep.project
    if project is not None and not project.is_file():
        raise sweep_error(
            "project",
            f'het project {project} bestaat niet (of gebruik project = "regio")',
            f'the project {project} does not exist (or use project = "region")',
            source=target,
        )
    return text_sweep, base, project


# ---------------------------------------------------------------------------
# Example
# ---------------------------------------------------------------------------

_EXAMPLE = """\
# Slimme Regio Planner - voorbeeld van een sweep (scenariovarianten)
#
# Een sweep rekent vele varianten van een scenario door: welke van een reeks
# kandidaat-wijzigingen, onder welke snelheden of drempels. Elke combinatie
# van de dimensies hieronder is één variant; elke variant wordt vergeleken
# met de basis, precies zoals `slimmeregio run` dat doet.
#
#   slimmeregio sweep example > sweep.toml
#   slimmeregio sweep sweep.toml --out sweep-resultaten --workers 2

name = "Voorbeeld: fietsverbindingen rond Halle"
description = "Welke van drie verbeteringen, bij welke snelheid op lokale wegen?"

# De basis: "regio" = de ingebouwde regio Halle-Vilvoorde, of het pad naar
# een project (.srp of .gpkg), relatief ten opzichte van dit bestand.
project = "regio"

# Optioneel: een scenario waar elke variant van vertrekt (zijn wijzigingen
# komen eerst, zijn parameters gelden tenzij een bereik ze wijzigt).
# base_scenario = "basis.toml"

# Meer combinaties dan max_variants? Dan wordt een willekeurige steekproef
# van max_variants combinaties getrokken, herhaalbaar dankzij seed.
max_variants = 1000
seed = 1

# Een set kandidaat-wijzigingen: elke kandidaat zit erin of niet (2^n
# combinaties). Beperk met min_in / max_in, of kies precies k met choose = k.
[[sets]]
name = "Verbeteringen Halle"
max_in = 3

[[sets.candidates]]
candidate = "Fietsbrug Zenne"       # korte naam van de kandidaat
cost_eur = 850000                   # kost (optioneel): voor kost-baten en het Pareto-front
kind = "add_link"
coords = [[140500.0, 158700.0], [140750.0, 158420.0], [140956.0, 158163.0]]
link_class = "bovenlokaal"
name = "Fietsbrug over de Zenne"
author = "Dienst Mobiliteit Halle"
reason = "Kortere fietsroute naar station Halle"

[[sets.candidates]]
candidate = "Fietssnelweg station"
cost_eur = 400000
kind = "upgrade_link"
link_ids = [1394]
link_class = "fietssnelweg"
author = "Provincie Vlaams-Brabant"
reason = "Aansluiting op de fietssnelweg"

[[sets.candidates]]
candidate = "Hoppinpunt Oost"
cost_eur = 120000
kind = "add_mobipunt"
x = 141150.0
y = 158250.0
name = "Hoppinpunt Halle-Station Oost"
hoppin_type = "buurt"
author = "Dienst Mobiliteit Halle"
reason = "Deelfietsen aan de oostkant van het station"

# Een parameterbereik: een veld van [parameters] (bv. walking_speed_kmh,
# bike_thresholds_min) of een fietssnelheid per klasse (speeds_kmh.<klasse>).
# Geef values = [...] of from / to / step (hoogstens 100 waarden).
[[ranges]]
parameter = "speeds_kmh.lokaal"
values = [14.0, 16.0]

# [[ranges]]
# parameter = "walking_speed_kmh"
# from = 4.0
# to = 5.0
# step = 0.5
"""


def example_sweep_toml() -> str:
    """A commented example sweep on the embedded region (``sweep example``)."""
    return _EXAMPLE
