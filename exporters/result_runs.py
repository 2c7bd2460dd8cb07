"""Results to export as runs: the base and each scenario with its comparison, and the provenance block they share."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slimmeregio.exporters.meta import ExportMeta, build_meta
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project

#: A scenario run: its name, its evaluation and its comparison with the base (or None).
Run = tuple[str, Any, Any]


def base_name(lang: str) -> str:
    """What the base situation is called in a table: ``Basis`` or ``Base``."""
    return tr(lang, "Basis")


def split_runs(results: Sequence[Any]) -> tuple[Any, list[Run]]:
    """(base evaluation, [(name, scenario evaluation, comparison or None)])."""
    base = None
    runs: list[Run] = []
    for item in results:
        if hasattr(item, "access_changes"):  # a Comparison
            base = base or item.base
            runs.append((str(item.scenario.name), item.scenario, item))
        elif getattr(item, "is_base", False):
            base = base or item
        else:
            runs.append((str(item.name), item, None))
    return base, runs


def results_to_export(results: Sequence[Any], path: str | Path) -> tuple[Any, list[Run]]:
    """:func:`split_runs` of ``results``; an ExportError for ``path`` when there is nothing to export."""
    base, runs = split_runs(results)
    if base is None and not runs:
        raise ExportError(
            path=path,
            reason={"nl": "geen resultaten om te exporteren", "en": "no results to export"},
        )
    return base, runs


def named_evaluations(base: Any, runs: Sequence[Run], lang: str) -> list[tuple[str, Any]]:
    """(name, evaluation) of the base (when there is one) and of every run, in order."""
    return ([(base_name(lang), base)] if base is not None else []) + [
        (name, ev) for name, ev, _ in runs
    ]


def results_meta(
    project: Project | None, base: Any, runs: Sequence[Run], meta: ExportMeta | None, lang: str
) -> ExportMeta:
    """The provenance block of an export of ``base`` and ``runs``: ``meta``, or one
    built from the project and the first run, with every result's notes."""
    if meta is None:
        first = runs[0][1] if runs else base
        meta = build_meta(
            project or Project(),
            scenario=getattr(first, "scenario", None),
            parameters=getattr(first, "parameters", None),
            scenarios=[ev.scenario for _, ev, _ in runs],
            lang=lang,
        )
    return meta.with_results(base, *(ev for _, ev, _ in runs))
