"""Networks, scenarios, indicators and decision support (no Qt here).

The high-level API lives in :mod:`slimmeregio.scenarios.engine`
(``prepare_base``, ``evaluate``, ``compare``, ``compare_scenarios``, ``suggest_sites``,
``suggest_missing_links``); result objects in
:mod:`slimmeregio.scenarios.results`; the scenario model in
:mod:`slimmeregio.scenarios.model`. The names below are re-exported lazily,
so importing a submodule does not load the whole engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "INDICATOR_LABELS",
    "Base",
    "Comparison",
    "Evaluation",
    "MissingLinkSuggestion",
    "SitingResult",
    "compare",
    "compare_scenarios",
    "evaluate",
    "prepare_base",
    "suggest_missing_links",
    "suggest_sites",
]

_HOME = {
    "INDICATOR_LABELS": "results",
    "Comparison": "results",
    "Evaluation": "results",
    "MissingLinkSuggestion": "results",
    "SitingResult": "results",
    "Base": "engine",
    "compare": "engine",
    "compare_scenarios": "engine",
    "evaluate": "engine",
    "prepare_base": "engine",
    "suggest_missing_links": "engine",
    "suggest_sites": "engine",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'slimmeregio.scenarios' has no attribute {name!r}")
    return getattr(import_module(f"slimmeregio.scenarios.{module}"), name)
