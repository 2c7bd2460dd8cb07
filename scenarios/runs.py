"""Runs and their identity: what a result was computed from.

A :class:`RunIdentity` names the scenarios of a run (their modifications and
parameters, the base's parameters) and the project's layers with their content
versions (:class:`LayerVersions`). A shown result keeps the identity it was
computed from; when the current identity differs, the result is stale. The CLI
and the desktop share :func:`run_analysis`, :func:`run_compare` and
:class:`BaseCache` from here, so both compute the same way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slimmeregio.layers.applog import timed
from slimmeregio.layers.errors import MissingRoleLayerError
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.engine import (
    FirstPass,
    base_parameters,
    compare,
    complete,
    evaluate,
    first_pass,
    prepare_base,
)
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.reference import reference_evaluation

_log = logging.getLogger(__name__)

__all__ = [
    "BaseCache",
    "LayerVersions",
    "RunIdentity",
    "RunResult",
    "check_role_layers",
    "parameters_key",
    "run_analysis",
    "run_compare",
    "run_identity",
    "scenario_key",
]

#: Layer changes that do not change any number (drawing only).
_DISPLAY_ONLY = frozenset({"style", "visible", "visibility"})

#: Roles whose absence turns shown indicators into zeros, with the indicators (nl, en).
_NEEDED_ROLES: dict[Role, tuple[str, str]] = {
    Role.MOBIPUNTEN: ("bereikbaarheid van mobipunten", "access to mobility hubs"),
    Role.STATIONS: ("bereikbaarheid van stations", "access to stations"),
}


def parameters_key(parameters: Parameters) -> str:
    """A stable text key of ``parameters`` (equal parameters, equal key)."""
    return json.dumps(parameters.model_dump(mode="json"), sort_keys=True)


def scenario_key(scenario: Scenario | None, parameters: Parameters | None = None) -> str:
    """A stable text key of what a scenario computes from: its modifications
    and parameters (``None`` = the base with ``parameters``). The name, the
    description and the ledger's author/reason/time do not change a number."""
    if scenario is None:
        return json.dumps({"base": parameters_key(parameters or Parameters())}, sort_keys=True)
    mods = []
    for mod in scenario.modifications:
        data = mod.model_dump(mode="json", exclude_none=True)
        for key in ("author", "reason", "created"):
            data.pop(key, None)
        mods.append(data)
    return json.dumps(
        {"parameters": parameters_key(scenario.parameters), "modifications": mods}, sort_keys=True
    )


class LayerVersions:
    """Content versions of a project's layers, bumped by its layer list's events.

    Use :meth:`listener` as a :class:`~slimmeregio.layers.model.LayerList`
    listener. Inserting, removing or changing a layer's data, role or fields
    gives it a new version; style and visibility changes do not. The last
    removed layer of each role is remembered, so a refusal can name it.
    """

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._counter = 0
        self.removed: dict[Role, str] = {}

    def listener(self, event: str, info: dict[str, Any]) -> None:
        if event == "moved" or (event == "changed" and info.get("what") in _DISPLAY_ONLY):
            return
        layer = info.get("layer")
        if layer is None:
            return
        self._counter += 1
        self._versions[layer.name] = self._counter
        if event == "removed":
            self.removed[layer.role] = layer.name
        elif event == "inserted":
            self.removed.pop(layer.role, None)

    def snapshot(self, project: Project) -> tuple[tuple[str, str, int], ...]:
        """(name, role, version) of every layer, in drawing order."""
        return tuple(
            (la.name, str(la.role), self._versions.get(la.name, 0)) for la in project.layers
        )


@dataclass(frozen=True)
class RunIdentity:
    """What a run computed from: the scenarios (label, key), the layers and
    the base parameters of the project (the one base every run compares with)."""

    scenarios: tuple[tuple[str, str], ...]
    layers: tuple[tuple[str, str, int], ...]
    base: str = ""

    def changes(self, current: RunIdentity, lang: str = "nl") -> list[str]:
        """Short phrases saying what differs from ``current`` (empty: nothing)."""
        out = []
        if self.base != current.base:
            out.append(tr(lang, "basisparameters gewijzigd"))
        if [s[0] for s in self.scenarios] != [s[0] for s in current.scenarios]:
            out.append(tr(lang, "ander scenario"))
        elif [s[1] for s in self.scenarios] != [s[1] for s in current.scenarios]:
            out.append(tr(lang, "scenario gewijzigd"))
        if self.layers != current.layers:
            out.append(tr(lang, "lagen gewijzigd"))
        return out


def run_identity(
    project: Project,
    versions: LayerVersions,
    scenarios: Sequence[Scenario | None],
    labels: Sequence[str] | None = None,
) -> RunIdentity:
    """The identity of a run over ``scenarios`` (``None`` = the base situation:
    the project's layers with the project's base parameters)."""
    params = _base_parameters(project)
    names = (
        list(labels) if labels is not None else [s.name if s is not None else "" for s in scenarios]
    )
    keys = tuple((names[i], scenario_key(s, params)) for i, s in enumerate(scenarios))
    return RunIdentity(keys, versions.snapshot(project), parameters_key(params))


def _base_parameters(project: Project) -> Parameters:
    """The project's base parameters; the defaults while the stored ones are
    invalid (the run itself then refuses them with a located message)."""
    from slimmeregio.layers.errors import SlimmeRegioError

    try:
        return base_parameters(project)
    except SlimmeRegioError:
        return Parameters()


def check_role_layers(project: Project, versions: LayerVersions | None = None) -> None:
    """Refuse a run whose shown indicators would silently be zero.

    Raises
    ------
    MissingRoleLayerError
        Naming the role, the indicators that need it and, when known, the
        removed layer and how to restore it.
    """
    for role, (nl, en) in _NEEDED_ROLES.items():
        layer = project.layers.first(role)
        if layer is not None and not layer.is_raster:
            continue
        removed = versions.removed.get(role) if versions is not None else None
        if removed:
            hint = {
                "nl": f"De laag '{removed}' is verwijderd: zet ze terug met Bewerken → Ongedaan maken (Ctrl+Z), "
                f"of voeg een laag met de rol {role.label('nl')} toe.",
                "en": f"The layer '{removed}' was removed: restore it with Undo (Ctrl+Z), "
                f"or add a layer with the role {role.label('en')}.",
            }
        else:
            hint = {
                "nl": f"Voeg een laag met de rol {role.label('nl')} toe (Lagen → Laag toevoegen).",
                "en": f"Add a layer with the role {role.label('en')} (Layers → Add layer).",
            }
        raise MissingRoleLayerError(
            layer=removed or role.label("nl"),
            role={"nl": role.label("nl"), "en": role.label("en")},
            indicators={"nl": nl, "en": en},
            hint=hint,
        )


class BaseCache:
    """The prepared base of a project (its layers with its base parameters),
    valid while the layers are unchanged; a change of the base parameters
    misses the cache by itself (the key is those parameters)."""

    def __init__(self) -> None:
        self._bases: dict[str, Any] = {}
        self.version = 0

    def invalidate(self) -> None:
        self._bases.clear()
        self.version += 1

    def get(self, project: Project) -> Any:
        """The prepared base for ``project``'s current base parameters, or None."""
        return self._bases.get(parameters_key(_base_parameters(project)))

    def put(self, base: Any, version: int) -> None:
        """Keep ``base`` unless the layers changed since ``version`` was read."""
        if version == self.version:
            self._bases[parameters_key(base.parameters)] = base


@dataclass(frozen=True, eq=False)
class RunResult:
    """A run's base, evaluations and comparison, with what it was computed
    from (``identity``) and the name of the reference of its deltas
    (``reference``: ``""`` = the base, else a scenario's name)."""

    base: Any
    base_evaluation: Any
    evaluation: Any
    comparison: Any
    parameters: Parameters
    identity: RunIdentity | None = None
    reference: str = ""
    scenario_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def run_analysis(
    project: Project,
    scenario: Scenario | None,
    base: Any = None,
    *,
    identity: RunIdentity | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    on_partial: Callable[[RunResult], None] | None = None,
) -> RunResult:
    """Prepare the base (unless ``base`` is given), evaluate it and ``scenario``,
    and compare them.

    The base is the project's layers with the project's base parameters, as
    for ``slimmeregio run``: a scenario that only changes parameters shows
    their effect as deltas.

    ``on_partial``: called first with a run of everything but the slow
    families (opportunities, commuting, public transport; their names in
    ``evaluation.pending``) when the project has any, so that a planner sees
    the core figures while the rest is computed; the returned run is whole.
    """
    with timed(f"run {_run_text(scenario, identity)}", _log):
        return _run_analysis(
            project,
            scenario,
            base,
            identity=identity,
            progress=progress,
            cancel=cancel,
            on_partial=on_partial,
        )


def _run_text(scenario: Scenario | None, identity: RunIdentity | None) -> str:
    """A run as one log phrase: scenario name, modification count and identity keys."""
    what = (
        f"{scenario.name!r}, {len(scenario.modifications)} modifications"
        if scenario is not None
        else "base"
    )
    keys = ",".join(key[:12] for _label, key in identity.scenarios) if identity is not None else "-"
    return f"{what} (identity {keys})"


def _run_analysis(
    project: Project,
    scenario: Scenario | None,
    base: Any,
    *,
    identity: RunIdentity | None,
    progress: ProgressCallback | None,
    cancel: CancelCheck | None,
    on_partial: Callable[[RunResult], None] | None = None,
) -> RunResult:
    task = Task(progress, cancel)
    name = scenario.name if scenario is not None else ""
    if base is None:
        sub = task.sub(0.0, 0.45)
        base = prepare_base(project, base_parameters(project), progress=sub.report, cancel=cancel)
    params = scenario.parameters if scenario is not None else base.parameters
    changed = scenario is not None and (bool(scenario.modifications) or params != base.parameters)
    start = 0.45
    passed: list[FirstPass] = []
    if on_partial is not None and (base.opportunities is not None or base.pt_stops is not None):
        first = _evaluate_pair(
            base, scenario, changed, task.sub(0.45, 0.55), cancel, False, passed=passed
        )
        if first[1].pending:
            on_partial(RunResult(base, *first, params, identity, "", name))
            start = 0.55
    whole = _evaluate_pair(
        base, scenario, changed, task.sub(start, 0.98), cancel, True, passed=passed
    )
    task.report(1.0, "done")
    return RunResult(base, *whole, params, identity, "", name)


def _evaluate_pair(
    base: Any,
    scenario: Scenario | None,
    changed: bool,
    task: Task,
    cancel: CancelCheck | None,
    families: bool,
    *,
    passed: list[FirstPass],
) -> tuple[Any, Any, Any]:
    """Base evaluation, evaluation and comparison (``families``: see
    :func:`evaluate`); the base twice and no comparison when nothing changed.
    ``passed``: a first pass (``families`` False) leaves its
    :class:`~engine.FirstPass` there, and the whole pass completes it."""
    half = task.sub(0.0, 0.5 if changed else 1.0)
    base_eval = reference_evaluation(
        base, scenario, families=families, progress=half.report, cancel=cancel
    )
    if not changed:
        return base_eval, base_eval, None
    rest = task.sub(0.5, 1.0).report
    if not families:
        passed.append(first_pass(base, scenario, progress=rest, cancel=cancel))
        ev = passed[-1].evaluation
    elif passed:
        ev = complete(passed.pop(), progress=rest, cancel=cancel)
    else:
        ev = evaluate(base, scenario, progress=rest, cancel=cancel)
    return base_eval, ev, compare(base_eval, ev)


def run_compare(
    project: Project,
    first: Scenario | None,
    second: Scenario | None,
    bases: dict[str, Any],
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """Evaluate two scenarios (None = the base situation) and compare them.

    Both are evaluated on the one base (the project's layers with its base
    parameters). Returns (evaluation A, evaluation B, comparison B against A,
    the prepared base by parameters key for reuse)."""
    task = Task(progress, cancel)
    params = base_parameters(project)
    key = parameters_key(params)
    if key not in bases:
        bases[key] = prepare_base(project, params, progress=task.sub(0, 0.3).report, cancel=cancel)
    base = bases[key]
    out = []
    for i, (sc, other) in enumerate(((first, second), (second, first))):
        sub = task.sub(0.3 + i * 0.35, 0.65 + i * 0.35)
        if sc is None:  # the base, measured as the scenario it is compared with
            out.append(reference_evaluation(base, other, progress=sub.report, cancel=cancel))
        else:
            as_base = not sc.modifications and sc.parameters == base.parameters
            out.append(evaluate(base, None if as_base else sc, progress=sub.report, cancel=cancel))
    cmp = compare(out[0], out[1])
    task.report(1.0, "done")
    return out[0], out[1], cmp, bases
