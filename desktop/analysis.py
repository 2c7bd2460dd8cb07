"""Jobs the desktop runs in the worker pool, as plain functions (the shared
ones live in :mod:`slimmeregio.scenarios.runs`).

Each takes plain data (the project, scenarios, a prepared base) and the
``progress``/``cancel`` callbacks, and returns plain results. No widget is
ever passed in; the main window shows what comes back.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from slimmeregio.scenarios.inputs import feature_ids
from slimmeregio.scenarios.runs import (
    BaseCache,
    RunResult,
    parameters_key,
    run_analysis,
    run_compare,
)

__all__ = [
    "BaseCache",
    "RunResult",
    "feature_ids",
    "parameters_key",
    "region_table",
    "run_analysis",
    "run_compare",
]


def region_table(comparison: Any, lang: str = "nl") -> pd.DataFrame:
    """The comparison's region rows with labels in ``lang``."""
    frame = comparison.region
    label = "label_nl" if lang == "nl" else "label_en"
    return frame[[label, "base", "scenario", "delta", "unit", "indicator"]].rename(
        columns={label: "label"}
    )
