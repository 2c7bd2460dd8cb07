"""Networks, scenarios, indicators and decision support (no Qt here): the public API.

Everything a notebook or script needs is importable from this package (see
docs/api.md)::

    from slimmeregio.scenarios import AddLink, Scenario, compare, evaluate, prepare_base

* building scenarios: :class:`Scenario`, :class:`Parameters` and the
  modifications (:class:`AddLink`, :class:`RemoveLink`, :class:`UpgradeLink`,
  :class:`AddMobipunt`, :class:`MoveMobipunt`, :class:`RemoveMobipunt`,
  :class:`AddHousing`, :class:`RemoveHousing`), from
  :mod:`slimmeregio.scenarios.model`;
* computing: :func:`prepare_base`, :func:`evaluate`, :func:`compare`,
  :func:`compare_scenarios`, :func:`suggest_sites`,
  :func:`suggest_missing_links`, from :mod:`slimmeregio.scenarios.engine`;
* results: :class:`Evaluation`, :class:`Comparison`, :class:`SitingResult`,
  :class:`MissingLinkSuggestion`, :class:`NetworkSummary` and the indicator
  labels, from :mod:`slimmeregio.scenarios.results`.

The names are loaded lazily, so importing a submodule does not load the
whole engine. (Comparing two evaluations lives in
:mod:`slimmeregio.scenarios.comparison`: no submodule shares a name with a
function exported here.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slimmeregio.scenarios.engine import (
        Base,
        compare,
        compare_scenarios,
        evaluate,
        prepare_base,
        suggest_missing_links,
        suggest_sites,
    )
    from slimmeregio.scenarios.model import (
        AddHousing,
        AddLink,
        AddMobipunt,
        Modification,
        MoveMobipunt,
        Parameters,
        RemoveHousing,
        RemoveLink,
        RemoveMobipunt,
        Scenario,
        ScenarioValidationError,
        UpgradeLink,
        example_scenario_toml,
    )
    from slimmeregio.scenarios.results import (
        INDICATOR_LABELS,
        Comparison,
        Evaluation,
        MissingLinkSuggestion,
        NetworkSummary,
        SitingResult,
        indicator_label,
        indicator_unit,
    )

__all__ = [
    "INDICATOR_LABELS",
    "AddHousing",
    "AddLink",
    "AddMobipunt",
    "Base",
    "Comparison",
    "Evaluation",
    "MissingLinkSuggestion",
    "Modification",
    "MoveMobipunt",
    "NetworkSummary",
    "Parameters",
    "RemoveHousing",
    "RemoveLink",
    "RemoveMobipunt",
    "Scenario",
    "ScenarioValidationError",
    "SitingResult",
    "UpgradeLink",
    "compare",
    "compare_scenarios",
    "evaluate",
    "example_scenario_toml",
    "indicator_label",
    "indicator_unit",
    "prepare_base",
    "suggest_missing_links",
    "suggest_sites",
]

_HOME = {
    "AddHousing": "model",
    "AddLink": "model",
    "AddMobipunt": "model",
    "Modification": "model",
    "MoveMobipunt": "model",
    "Parameters": "model",
    "RemoveHousing": "model",
    "RemoveLink": "model",
    "RemoveMobipunt": "model",
    "Scenario": "model",
    "ScenarioValidationError": "model",
    "UpgradeLink": "model",
    "example_scenario_toml": "model",
    "INDICATOR_LABELS": "results",
    "Comparison": "results",
    "Evaluation": "results",
    "MissingLinkSuggestion": "results",
    "NetworkSummary": "results",
    "SitingResult": "results",
    "indicator_label": "results",
    "indicator_unit": "results",
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


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
