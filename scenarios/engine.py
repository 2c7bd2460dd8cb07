"""The engine's high-level API: what the GUI, the CLI and the exporters call.

>>> base = prepare_base(project)                      # doctest: +SKIP
>>> base_eval = evaluate(base)                        # doctest: +SKIP
>>> scen_eval = evaluate(base, scenario)              # doctest: +SKIP
>>> comparison = compare(base_eval, scen_eval)        # doctest: +SKIP
>>> sites = suggest_sites(base, scenario, k=5)        # doctest: +SKIP

:func:`prepare_base` does the slow work once (noding the bike network,
:func:`~base.prepare_base` does the slow work once (:mod:`base`);
:func:`evaluate` then applies a scenario as a patch (:mod:`situation`) and
reuses the base's attachments wherever the network did not change around a
point. The names of :mod:`base` and :mod:`situation` are importable from
here too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.scenarios.base import (
    PLANNED_SCENARIO_NAME,
    Base,
    base_parameters,
    parameter_differences,
    planned_projects_scenario,
    prepare_base,
    prepare_base_from_inputs,
)
from slimmeregio.scenarios.comparison import compare
from slimmeregio.scenarios.indicators import Reuse, complete_situation, evaluate_situation
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.results import (
    Comparison,
    Evaluation,
    MissingLinkSuggestion,
    SitingResult,
)
from slimmeregio.scenarios.side_by_side import side_by_side
from slimmeregio.scenarios.situation import situation
from slimmeregio.scenarios.transit import add_transit, transit_columns_of

__all__ = [
    "PLANNED_SCENARIO_NAME",
    "Base",
    "base_parameters",
    "compare",
    "compare_scenarios",
    "complete",
    "evaluate",
    "first_pass",
    "FirstPass",
    "parameter_differences",
    "planned_projects_scenario",
    "prepare_base",
    "prepare_base_from_inputs",
    "situation",
    "suggest_missing_links",
    "suggest_sites",
]


def _reusable(a: Parameters, b: Parameters) -> bool:
    """Whether base results computed under ``a`` hold under ``b``."""
    return (
        dict(a.speeds_kmh) == dict(b.speeds_kmh)
        and a.walking_speed_kmh == b.walking_speed_kmh
        and a.service_area_min == b.service_area_min
        and a.max_snap_m == b.max_snap_m
    )


def evaluate(
    base: Base,
    scenario: Scenario | None = None,
    *,
    service_areas: bool = True,
    network_detail: bool = True,
    families: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    _first: dict[str, Any] | None = None,
) -> Evaluation:
    """Evaluate ``scenario`` (None: the base situation) on ``base``.

    ``service_areas=False`` skips the service-area polygons and grid
    coverage; ``network_detail=False`` skips the directness table (both for
    quick interactive previews). ``families=False`` leaves out opportunity
    access, commuting and public transport, the slow families on a large
    project: the result lists them in ``pending`` (a first pass the desktop
    shows while it computes them; every figure it has is the full
    evaluation's).

    The base's evaluation is computed once and then returned from a cache
    (scenario runs reuse its service areas and directness where no change
    can reach them): treat every returned Evaluation as read-only.

    Raises
    ------
    ScenarioError
        A modification refers to something that does not exist, or lies far
        outside the region.
    OperationCancelled
        ``cancel()`` returned True.
    """
    task = Task(progress, cancel)
    key = None
    if scenario is None:
        key = ("base", service_areas, network_detail, families)
        cached = base.cached(key)
        if cached is not None:
            task.report(1.0, "done")
            return cached
        kept_first = base.first_pass_of(key) if families else None
        if kept_first is not None:  # the app's way: the first pass shown, now completed
            return complete(kept_first, progress=progress, cancel=cancel)
    reuse = None
    if scenario is not None and _reusable(base.parameters, scenario.parameters):
        base_eval = evaluate(
            base,
            None,
            service_areas=service_areas,
            network_detail=network_detail,
            families=families,
        )
        areas = base_eval.service_areas
        reuse = Reuse(
            service_areas=dict(
                zip(areas["mobipunt_id"].astype(str), areas.geometry.values, strict=True)
            ),
            directness=base_eval.network.directness if network_detail else None,
            opportunities=base_eval.opportunities,
            nearest=dict(base._kept) or None,
            stats=base._stats,
        )
    t0 = time.perf_counter()
    task.report(0.0, "applying scenario")
    sit = situation(base, scenario)
    t_apply = time.perf_counter() - t0
    keep: dict[Any, Any] | None = (
        {} if scenario is None and sit.parameters == base.parameters else None
    )
    keep_stats: list[Any] | None = [] if keep is not None else None
    # A first pass keeps what completing it needs (the base's, on the base).
    core = None
    if not families:
        core = _first if _first is not None else ({} if scenario is None else None)
    searched: list[tuple[Any, Any, float]] = []
    result = evaluate_situation(
        sit,
        service_areas=service_areas,
        network_detail=network_detail,
        reuse=reuse,
        task=task.sub(0.1, 1.0),
        keep=keep,
        keep_stats=keep_stats,
        with_opportunities=families,
        core=core,
        beside=_transit_beside(
            base, sit, searched, families=families, reused=reuse is not None, keep=keep is not None
        ),
    )
    if keep:
        base._kept = keep
    if keep_stats:
        base._stats = keep_stats[0]
    if families:
        result = _add_transit(base, sit, result, *searched[0], reused=reuse is not None)
    else:
        has = {"opportunities": sit.opportunities is not None, "transit": base.pt_stops is not None}
        result = replace(result, pending=tuple(k for k, present in has.items() if present))
        if core is not None:
            core.update(situation=sit, reused=reuse is not None)
            if key is not None and result.pending:
                base.keep_first_pass(
                    key, FirstPass(result, base, None, service_areas, network_detail, core)
                )
    result.timings["apply_attach"] = t_apply
    result.timings["total"] = time.perf_counter() - t0
    _scenario_notes(result, base, scenario)
    if key is not None:
        base.keep(key, result)
    return result


def _transit_beside(
    base: Base,
    sit: Any,
    into: list[tuple[Any, Any, float]],
    *,
    families: bool,
    reused: bool,
    keep: bool,
) -> Callable[[Any], None] | None:
    """With the families: public transport's searches (into ``into``), which
    need only the mobipunten, to run on the second core beside the
    opportunity families, as :func:`complete` runs them."""
    if not families:
        return None
    return lambda mobipunten: into.append(
        _transit_searches(base, sit, mobipunten, reused=reused, keep=keep)
    )


def _transit_searches(
    base: Base, sit: Any, mobipunten: Any, *, reused: bool, keep: bool
) -> tuple[Any, Any, float]:
    """The dwellings' public transport columns of ``sit`` (``mobipunten``: its
    evaluation's mobipunten frame, a first pass has it), with ``keep`` the
    searches a base keeps (else None), and the seconds they took;
    ``(None, None, 0.0)`` without a stops layer."""
    if base.pt_stops is None:
        return None, None, 0.0
    t = time.perf_counter()
    pt_keep: dict[str, Any] | None = {} if keep else None
    columns = transit_columns_of(
        sit.scenario,
        sit.parameters,
        mobipunten,
        sit.network,
        sit.housing_att,
        base.pt_stops,
        reuse=_pt_reuse(base, sit, reused),
        keep=pt_keep,
    )
    return columns, (pt_keep or {}).get("transit"), time.perf_counter() - t


def _pt_reuse(base: Base, sit: Any, reused: bool) -> tuple[Any, Any, Any] | None:
    """What a scenario's public transport takes over from the base's kept
    searches (``reused``: the evaluation reuses the base's), None otherwise."""
    if not reused or base._transit is None:
        return None
    return base._transit, sit.housing_rows, sit.edge_map


def _add_transit(
    base: Base,
    sit: Any,
    result: Evaluation,
    columns: Any,
    kept: Any,
    searched_s: float,
    *,
    reused: bool,
) -> Evaluation:
    """``result`` with the public transport family of :func:`_transit_searches`
    (``searched_s``: the seconds they took); ``reused``: a scenario on a base
    that kept its public transport, whose sorted time columns give the
    scenario's sorts their order to start from."""
    t_pt = time.perf_counter()
    result = add_transit(
        result,
        sit.network,
        sit.housing_att,
        base.pt_stops,
        columns=columns,
        reuse=_pt_reuse(base, sit, reused),
        remember=kept,
    )
    if kept is not None:
        base._transit = kept
    result.timings["transit"] = searched_s + time.perf_counter() - t_pt
    return result


def _scenario_notes(result: Evaluation, base: Base, scenario: Scenario | None) -> None:
    """Notes on a scenario's parameters that differ from the base's (in place)."""
    if scenario is None:
        return
    from slimmeregio.scenarios.reference import SITUATION_PARAMETERS  # (imports this module)

    differ = parameter_differences(base.parameters, scenario.parameters)
    situation_differ = [n for n in differ if n in SITUATION_PARAMETERS]
    measuring_differ = [n for n in differ if n not in SITUATION_PARAMETERS]
    if situation_differ:
        names = ", ".join(situation_differ)
        result.notes["parameters_differ"] = {
            "nl": f"Dit scenario gebruikt andere parameters dan de basis ({names}); "
            "de verschillen tonen ook hun effect.",
            "en": f"This scenario uses other parameters than the base ({names}); "
            "the differences include their effect.",
        }
    if measuring_differ:
        names = ", ".join(measuring_differ)
        result.notes["measured_as_scenario"] = {
            "nl": f"Dit scenario meet anders dan de basis ({names}); de basis is voor de vergelijking "
            "op dezelfde manier gemeten.",
            "en": f"This scenario measures differently from the base ({names}); for the comparison "
            "the base is measured the same way.",
        }


@dataclass(eq=False)
class FirstPass:
    """A first pass (:func:`evaluate` with ``families=False``) and what
    :func:`complete` needs to add the slow families to it."""

    evaluation: Evaluation
    base: Base
    scenario: Scenario | None
    service_areas: bool
    network_detail: bool
    #: What the pass computed on (the applied scenario) and kept for the
    #: families; empty when the pass came from the base's cache.
    state: dict[str, Any] = field(default_factory=dict, repr=False)


def first_pass(
    base: Base,
    scenario: Scenario | None = None,
    *,
    service_areas: bool = True,
    network_detail: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> FirstPass:
    """:func:`evaluate` with ``families=False`` (its ``evaluation``), kept so
    that :func:`complete` adds the families without computing the rest again."""
    state: dict[str, Any] = {}
    ev = evaluate(
        base,
        scenario,
        service_areas=service_areas,
        network_detail=network_detail,
        families=False,
        progress=progress,
        cancel=cancel,
        _first=state,
    )
    return FirstPass(ev, base, scenario, service_areas, network_detail, state)


def complete(
    first: FirstPass,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> Evaluation:
    """The whole evaluation of ``first``'s scenario: the same as :func:`evaluate`
    with the families (frame for frame, ``tests/scenarios/test_first_pass.py``),
    adding opportunity access, commuting and public transport to the first
    pass instead of applying and evaluating the scenario again."""
    base, scenario, state = first.base, first.scenario, first.state
    if not state or not first.evaluation.pending:
        return evaluate(
            base,
            scenario,
            service_areas=first.service_areas,
            network_detail=first.network_detail,
            progress=progress,
            cancel=cancel,
        )
    task = Task(progress, cancel)
    previous = None
    if state["reused"]:
        previous = evaluate(
            base,
            None,
            service_areas=first.service_areas,
            network_detail=first.network_detail,
        ).opportunities
    t0 = time.perf_counter()
    sit = state["situation"]

    # Public transport's searches need only the first pass: they run on the
    # second core while the opportunity families run here (both mostly in
    # compiled loops that release the interpreter lock). A base keeps its
    # searches for the scenarios' repairs.
    def families() -> Evaluation:
        done = complete_situation(
            sit,
            first.evaluation,
            state["brussels_notes"],
            network_detail=first.network_detail,
            previous=previous,
            task=task.sub(0.0, 0.8),
        )
        task.report(0.8, "public transport")
        return done

    result, searched = side_by_side(
        families,
        lambda: _transit_searches(
            base, sit, first.evaluation.mobipunten, reused=state["reused"], keep=scenario is None
        ),
        "transit",
    )
    result = _add_transit(base, sit, result, *searched, reused=state["reused"])
    result = replace(result, pending=())
    _scenario_notes(result, base, scenario)
    result.timings["total"] = first.evaluation.timings.get("total", 0.0) + (
        time.perf_counter() - t0
    )
    if scenario is None:
        base.keep(("base", first.service_areas, first.network_detail, True), result)
    task.report(1.0, "done")
    return result


def suggest_sites(
    base: Base,
    scenario: Scenario | None,
    k: int,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> SitingResult:
    """The ``k`` best new mobipunt sites on top of ``scenario`` (see :mod:`siting`)."""
    from slimmeregio.scenarios.siting import suggest_sites_in

    sit = situation(base, scenario)
    return suggest_sites_in(sit, k, candidates=candidates, progress=progress, cancel=cancel)


def suggest_missing_links(
    base: Base,
    scenario: Scenario | None = None,
    *,
    top: int = 20,
    target: str = "mobipunt",
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> list[MissingLinkSuggestion]:
    """Missing-link suggestions on top of ``scenario`` (see :mod:`missing_links`)."""
    from slimmeregio.scenarios.missing_links import suggest_missing_links_in

    sit = situation(base, scenario)
    return suggest_missing_links_in(sit, top=top, target=target, progress=progress, cancel=cancel)


def compare_scenarios(
    project: Project,
    scenarios: Sequence[Scenario],
    *,
    planned: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[Base, list[Comparison]]:
    """Prepare the base of ``project`` and compare every scenario with it.

    ``planned=True`` compares the built-in scenario "geplande projecten"
    (:func:`planned_projects_scenario`) first, when the housing layer has
    planned housing.

    The one call behind ``slimmeregio run`` and ``slimmeregio export``. The
    base is the project's layers evaluated with the project's base
    parameters (:func:`base_parameters`), whatever the scenarios and their
    order; each scenario's own parameters apply to its evaluation, so a
    scenario that only changes parameters shows their effect as deltas.
    """
    from slimmeregio.scenarios.reference import reference_evaluation  # (imports this module)

    task = Task(progress, cancel)
    base = prepare_base(
        project, base_parameters(project), progress=task.sub(0.0, 0.4).report, cancel=cancel
    )
    evaluate(
        base, progress=task.sub(0.4, 0.6).report, cancel=cancel
    )  # the shared base evaluation, cached
    if planned:
        built_in = planned_projects_scenario(base)
        if built_in is not None:
            scenarios = [built_in, *scenarios]
    comparisons: list[Comparison] = []
    step = 0.4 / max(len(scenarios), 1)
    for i, scenario in enumerate(scenarios):
        sub = task.sub(0.6 + i * step, 0.6 + (i + 1) * step)
        try:
            evaluation = evaluate(base, scenario, progress=sub.report)
        except ScenarioError as error:
            if error.path is None:  # say which scenario, when several are compared
                error.path = f"'{scenario.name}'"
            raise
        comparisons.append(compare(reference_evaluation(base, scenario), evaluation))
    task.report(1.0, "done")
    return base, comparisons
