"""What ``slimmeregio run`` writes: results.gpkg and summary.json for one scenario, swapped in together."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from slimmeregio.exporters.registry import export
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import ProgressCallback
from slimmeregio.layers.safe_io import atomic_write_text, replace_folder
from slimmeregio.scenarios.model import Scenario
from slimmeregio.scenarios.results import Comparison

__all__ = ["RUN_FILES", "run_summary", "write_run_files"]

#: The files a run writes into its folder (other files there are kept).
RUN_FILES = ("results.gpkg", "summary.json")


def _json_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_summary(
    scenario: Scenario, scenario_file: str | Path, comparison: Comparison
) -> dict[str, Any]:
    """summary.json as plain data: tool and version, parameters, the region's
    indicators (non-finite numbers as null), unreachable features per layer,
    timings, notes and the ten busiest links towards stations and Brussels."""
    from slimmeregio import __version__ as version

    scen_eval = comparison.scenario
    region = [
        {k: _json_number(v) for k, v in row.items()}
        for row in comparison.region.to_dict(orient="records")
    ]
    return {
        "tool": "slimmeregio",
        "version": version,
        "scenario": scenario.name,
        "scenario_file": str(scenario_file),
        "parameters": scenario.parameters.model_dump(mode="json"),
        "base_parameters": comparison.base.parameters.model_dump(mode="json"),
        "modifications": len(scenario.modifications),
        "region": region,
        "unreachable": {
            str(k): int(v) for k, v in scen_eval.unreachable.groupby("layer").size().items()
        },
        "timings_s": {k: round(v, 4) for k, v in scen_eval.timings.items()},
        "notes": scen_eval.notes,
        "hub_checks": (
            [
                {k: _json_number(v) for k, v in row.items()}
                for row in scen_eval.hub_checks.to_dict(orient="records")
            ]
            if scen_eval.hub_checks is not None
            else []
        ),
        "top_links": {
            target: [
                {"link_id": int(r.link_id), "name": str(r.name), unit: float(getattr(r, col))}
                for r in scen_eval.top_links(10, by=col).itertuples()
            ]
            for target, col, unit in (
                ("station", "flow_dwellings", "dwellings"),
                ("brussels", "flow_brussels_dwellings", "dwellings"),
                ("bike_commuters", "flow_bike_commuters", "cyclists"),
            )
            if col in scen_eval.links.columns
        },
    }


def write_run_files(
    out: Path,
    project: Project,
    comparison: Comparison,
    summary: dict[str, Any],
    *,
    lang: str,
    progress: ProgressCallback | None = None,
) -> None:
    """Write results.gpkg and summary.json into ``out``: both go into a hidden
    folder and are swapped in together (never one old, one new)."""
    with replace_folder(out, keep=lambda rel: rel not in RUN_FILES) as staging:
        export(
            "gpkg",
            project,
            [comparison],
            staging / "results.gpkg",
            lang=lang,
            force=True,
            progress=progress,
        )
        atomic_write_text(
            staging / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        )
