"""From a sweep to its variants: enumeration (or seeded sampling) of the dimensions, each variant a scenario with a stable id.

See :mod:`slimmeregio.scenarios.sweep_model` for the sweep file itself; the
rules of enumeration and sampling are described there.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from slimmeregio.scenarios.model import Parameters, Scenario, validation_reasons
from slimmeregio.scenarios.sweep_model import Candidate, Sweep, sweep_error

__all__ = [
    "SweepPlan",
    "Variant",
    "count_variants",
    "iter_variants",
    "plan_sweep",
    "variant_indices",
]


@dataclass(frozen=True)
class Variant:
    """One combination of the sweep's dimensions, as a scenario."""

    variant_id: str
    index: int
    scenario: Scenario
    candidates: tuple[str, ...]
    changes: tuple[tuple[str, Any], ...]
    cost_eur: float

    @property
    def label(self) -> str:
        text = " + ".join(self.candidates) or "-"
        if self.changes:
            text += "; " + ", ".join(f"{k}={_show(v)}" for k, v in self.changes)
        return text

    @property
    def parameters_key(self) -> str:
        return self.scenario.parameters.model_dump_json()


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ",".join(_show(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class SweepPlan:
    """The sweep, its base scenario and the variants to evaluate."""

    sweep: Sweep
    base_scenario: Scenario
    base_key: str
    total: int
    variants: tuple[Variant, ...]
    source: str | None = None

    @property
    def sampled(self) -> bool:
        return self.total > len(self.variants)

    @property
    def base_parameters(self) -> Parameters:
        return self.base_scenario.parameters

    @property
    def candidate_costs(self) -> dict[str, float | None]:
        return {c.candidate: c.cost_eur for s in self.sweep.sets for c in s.candidates}


def _dimension_sizes(sweep: Sweep) -> list[int]:
    return [s.count() for s in sweep.sets] + [len(r.spanned()) for r in sweep.ranges]


def count_variants(sweep: Sweep) -> int:
    """The product of the dimensions' sizes (before any sampling)."""
    return math.prod(_dimension_sizes(sweep))


def variant_indices(sweep: Sweep) -> list[int]:
    """The combination numbers evaluated: all, or the seeded sample (sorted)."""
    total = count_variants(sweep)
    k = sweep.max_variants
    if total <= k:
        return list(range(total))
    rng = random.Random(sweep.seed)
    if total <= sys.maxsize:
        picked = rng.sample(range(total), k)
    else:
        seen: set[int] = set()
        while len(seen) < k:
            seen.add(rng.randrange(total))
        picked = list(seen)
    return sorted(picked)


def _digits(index: int, sizes: Sequence[int]) -> list[int]:
    """Mixed-radix digits of ``index`` (the last dimension varies fastest)."""
    out = []
    for size in reversed(sizes):
        index, digit = divmod(index, size)
        out.append(digit)
    return out[::-1]


def _parameters_with(
    base: Parameters, changes: Sequence[tuple[str, Any]], *, where: str, source: str | None
) -> Parameters:
    data = base.model_dump()
    data["speeds_kmh"] = dict(data["speeds_kmh"])
    for key, value in changes:
        if key.startswith("speeds_kmh."):
            data["speeds_kmh"][key.split(".", 1)[1]] = value
        else:
            data[key] = value
    try:
        return Parameters.model_validate(data)
    except ValidationError as exc:
        nl, en = validation_reasons(exc.errors(include_url=False)[0])
        raise sweep_error(where, nl, en, source=source) from None


def _variant_id(base_key: str, scenario: Scenario) -> str:
    definition = {
        "base": base_key,
        "parameters": scenario.parameters.model_dump(mode="json"),
        "modifications": [
            m.model_dump(mode="json", exclude_none=True) for m in scenario.modifications
        ],
    }
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def iter_variants(
    sweep: Sweep, base_scenario: Scenario, base_key: str, *, source: str | None = None
) -> Iterator[Variant]:
    """Every variant of ``sweep`` (or its sample), in enumeration order."""
    sizes = _dimension_sizes(sweep)
    n_sets = len(sweep.sets)
    spans = [r.spanned() for r in sweep.ranges]
    # Check every range value once against the base parameters: located errors.
    for i, (rng, values) in enumerate(zip(sweep.ranges, spans, strict=True)):
        for j, value in enumerate(values):
            _parameters_with(
                base_scenario.parameters,
                [(rng.parameter, value)],
                where=f"ranges[{i}].values[{j}]",
                source=source,
            )
    for index in variant_indices(sweep):
        digits = _digits(index, sizes)
        chosen: list[Candidate] = []
        for cset, digit in zip(sweep.sets, digits[:n_sets], strict=True):
            chosen += [cset.candidates[i] for i in cset.choice(digit)]
        changes = tuple(
            (r.parameter, values[d])
            for r, values, d in zip(sweep.ranges, spans, digits[n_sets:], strict=True)
        )
        params = _parameters_with(
            base_scenario.parameters, changes, where=f"variant {index}", source=source
        )
        scenario = base_scenario.model_copy(
            update={
                "name": f"{sweep.name} #{index}",
                "parameters": params,
                "modifications": (
                    *base_scenario.modifications,
                    *(c.modification for c in chosen),
                ),
            }
        )
        yield Variant(
            variant_id=_variant_id(base_key, scenario),
            index=index,
            scenario=scenario,
            candidates=tuple(c.candidate for c in chosen),
            changes=changes,
            cost_eur=float(sum(c.cost_eur or 0.0 for c in chosen)),
        )


def plan_sweep(
    sweep: Sweep,
    base_scenario: Scenario | None,
    base_key: str,
    *,
    source: str | None = None,
) -> SweepPlan:
    """The variants of ``sweep`` on ``base_scenario`` (None: an empty base scenario)."""
    base = base_scenario or Scenario(name=sweep.name)
    variants = tuple(iter_variants(sweep, base, base_key, source=source))
    return SweepPlan(
        sweep=sweep,
        base_scenario=base,
        base_key=base_key,
        total=count_variants(sweep),
        variants=variants,
        source=source,
    )
