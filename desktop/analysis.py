"""Jobs the desktop runs in the worker pool, as plain functions.

Each takes plain data (the project, scenarios, a prepared base) and the
``progress``/``cancel`` callbacks, and returns plain results. No widget is
ever passed in; the main window shows what comes back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.scenarios.engine import compare, evaluate, feature_ids, prepare_base
from slimmeregio.scenarios.model import Parameters, Scenario

__all__ = [
    "BaseCache", "RunResult", "feature_ids", "parameters_key", "region_table", "run_analysis", "run_compare",
]


def parameters_key(parameters: Parameters) -> str:
    return json.dumps(parameters.model_dump(mode="json"), sort_keys=True)


class BaseCache:
    """Prepared bases per parameters, valid while the project's layers are unchanged."""

    def __init__(self) -> None:
        self._bases: dict[str, Any] = {}
        self.version = 0

    def invalidate(self) -> None:
        self._bases.clear()
        self.version += 1

    def get(self, parameters: Parameters) -> Any:
        return self._bases.get(parameters_key(parameters))

    def put(self, parameters: Parameters, base: Any, version: int) -> None:
        if version == self.version:
            self._bases[parameters_key(parameters)] = base


@dataclass(frozen=True, eq=False)
class RunResult:
    base: Any
    base_evaluation: Any
    evaluation: Any
    comparison: Any
    parameters: Parameters


def run_analysis(
    project: Project,
    scenario: Scenario | None,
    base: Any = None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> RunResult:
    """Prepare (unless ``base`` is given), evaluate the base and ``scenario``,
    and compare them."""
    task = Task(progress, cancel)
    params = scenario.parameters if scenario is not None else Parameters()
    if base is None:
        sub = task.sub(0.0, 0.45)
        base = prepare_base(project, params, progress=sub.report, cancel=cancel)
    changed = scenario is not None and bool(scenario.modifications)
    sub = task.sub(0.45, 0.7 if changed else 1.0)
    base_eval = evaluate(base, None, progress=sub.report, cancel=cancel)
    if not changed:
        task.report(1.0, "done")
        return RunResult(base, base_eval, base_eval, None, params)
    sub = task.sub(0.7, 0.98)
    ev = evaluate(base, scenario, progress=sub.report, cancel=cancel)
    cmp = compare(base_eval, ev)
    task.report(1.0, "done")
    return RunResult(base, base_eval, ev, cmp, params)


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

    Returns (evaluation A, evaluation B, comparison B against A, prepared
    bases by parameters key for reuse)."""
    task = Task(progress, cancel)
    out = []
    for i, sc in enumerate((first, second)):
        params = sc.parameters if sc is not None else (
            first.parameters if first is not None else second.parameters if second is not None else Parameters()
        )
        key = parameters_key(params)
        sub = task.sub(i * 0.5, i * 0.5 + 0.5)
        if key not in bases:
            bases[key] = prepare_base(project, params, progress=sub.sub(0, 0.5).report, cancel=cancel)
        as_base = sc is None or (not sc.modifications and sc.parameters == bases[key].parameters)
        out.append(evaluate(bases[key], None if as_base else sc, progress=sub.sub(0.5, 1).report, cancel=cancel))
    cmp = compare(out[0], out[1])
    task.report(1.0, "done")
    return out[0], out[1], cmp, bases


def region_table(comparison: Any, lang: str = "nl") -> pd.DataFrame:
    """The comparison's region rows with labels in ``lang``."""
    frame = comparison.region
    label = "label_nl" if lang == "nl" else "label_en"
    return frame[[label, "base", "scenario", "delta", "unit", "indicator"]].rename(columns={label: "label"})
