"""The reference a scenario is compared with: the base situation, measured as the scenario measures.

Parameters are of two kinds. *Situation* parameters say how the world works
(cycling speeds per link class, walking speed): a scenario that changes them
changes the situation, and its deltas show their effect, as any
modification's. Every other parameter says *what is measured* (distance and
time thresholds, which stations and Hoppin types count as destinations, the
snapping distance, the household size, the service-area and siting minutes):
a delta between two different measurements means nothing, so the base is
measured with the scenario's measuring parameters and its own situation
parameters. When the scenario measures as the base does, the reference is the
base evaluation itself.
"""

from __future__ import annotations

from dataclasses import replace

from slimmeregio.layers.progress import CancelCheck, ProgressCallback
from slimmeregio.scenarios.engine import Base, evaluate
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.results import Evaluation

__all__ = ["SITUATION_PARAMETERS", "reference_evaluation", "reference_parameters"]

#: Parameters that describe the situation; all others describe the measurement.
SITUATION_PARAMETERS = ("speeds_kmh", "walking_speed_kmh")


def reference_parameters(base: Parameters, scenario: Parameters | None) -> Parameters:
    """``base``'s situation parameters with ``scenario``'s measuring parameters."""
    if scenario is None:
        return base
    data = scenario.model_dump()
    for name in SITUATION_PARAMETERS:
        data[name] = getattr(base, name)
    return Parameters.model_validate(data)


def reference_evaluation(
    base: Base,
    scenario: Scenario | None = None,
    *,
    service_areas: bool = True,
    network_detail: bool = True,
    families: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Evaluation:
    """The base situation evaluated with the measuring parameters of ``scenario``
    (``families``: see :func:`~slimmeregio.scenarios.engine.evaluate`).

    The plain (cached) base evaluation when ``scenario`` measures as the base
    does; otherwise the base measured its way, cached on ``base`` too. The
    result is a base evaluation (no scenario, the base's name) whose
    ``parameters`` say how it was measured.
    """
    params = reference_parameters(
        base.parameters, scenario.parameters if scenario is not None else None
    )
    kwargs = {
        "service_areas": service_areas,
        "network_detail": network_detail,
        "families": families,
        "progress": progress,
        "cancel": cancel,
    }
    if params == base.parameters:
        return evaluate(base, None, **kwargs)  # type: ignore[arg-type]
    key = ("measured", params.model_dump_json(), service_areas, network_detail, families)
    cached = base.cached(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    measured = evaluate(base, Scenario(name="basis", parameters=params), **kwargs)  # type: ignore[arg-type]
    notes = {k: v for k, v in measured.notes.items() if k != "parameters_differ"}
    result = replace(measured, scenario=None, name="basis", notes=notes)
    base.keep(key, result)
    return result
