"""Sweeps for an open project: a sweep built from a scenario, and the plan on an in-memory base.

The desktop starts sweeps on the project it has open (with its unsaved
edits), not on a file. This module gives it three things:

- :func:`sweep_from_scenario`: sweep TOML text whose candidates are a
  scenario's modifications (each in or out, at most ``max_in`` at once) plus
  an optional parameter range, for the user to read, edit and save;
- :func:`project_base_key`: the identity of an in-memory project's base
  (program version, base parameters, and the content of every layer), so a
  rerun into the same folder skips the variants already done, exactly as
  :func:`~slimmeregio.scenarios.sweep.base_key` does for a file;
- :func:`plan_for_project`: sweep text planned on that base. A ``base_scenario``
  named in the text is read relative to the sweep file's folder; without one
  the variants start from ``parameters`` (the current scenario's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from slimmeregio import __version__
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.scenarios.engine import base_parameters
from slimmeregio.scenarios.model import Parameters, Scenario
from slimmeregio.scenarios.sweep_model import Sweep, sweep_error
from slimmeregio.scenarios.sweep_plan import SweepPlan, plan_sweep

__all__ = [
    "RANGE_PARAMETERS",
    "plan_for_project",
    "project_base_key",
    "sweep_from_scenario",
]

#: Parameters a range built in the app can vary (scalar numbers).
RANGE_PARAMETERS: tuple[str, ...] = (
    "speeds_kmh.fietssnelweg",
    "speeds_kmh.bovenlokaal",
    "speeds_kmh.lokaal",
    "speeds_kmh.overig",
    "walking_speed_kmh",
    "max_snap_m",
    "household_size",
    "service_area_min",
    "siting_threshold_min",
)


def _candidate_label(number: int, text: str) -> str:
    label = f"{number}. {text}".strip()
    return label if len(label) <= 200 else label[:199] + "…"


def sweep_from_scenario(
    scenario: Scenario,
    *,
    name: str | None = None,
    max_in: int | None = None,
    costs: Sequence[float | None] = (),
    parameter: str | None = None,
    values: Sequence[float] = (),
    lang: str = "nl",
    max_variants: int = 1000,
) -> str:
    """Sweep TOML text: ``scenario``'s modifications as one set of candidates
    (``costs`` in the same order, None for none), and ``parameter`` over
    ``values`` when both are given. ``project`` is left at the embedded region;
    in the app the base is always the open project."""
    data: dict[str, Any] = {
        "name": name or f"Sweep {scenario.name}",
        "description": tr(
            lang, "Kandidaten: de wijzigingen van scenario '{name}'", name=scenario.name
        ),
        "project": "regio",
        "max_variants": max_variants,
        "seed": 1,
    }
    if scenario.modifications:
        candidates = []
        for i, mod in enumerate(scenario.modifications):
            entry: dict[str, Any] = {"candidate": _candidate_label(i + 1, mod.describe(lang))}
            cost = costs[i] if i < len(costs) else None
            if cost is not None:
                entry["cost_eur"] = float(cost)
            entry.update(mod.model_dump(mode="json", exclude_none=True))
            candidates.append(entry)
        cset: dict[str, Any] = {"name": scenario.name or "kandidaten", "candidates": candidates}
        if max_in is not None:
            cset["max_in"] = min(max_in, len(candidates))
        data["sets"] = [cset]
    if parameter and values:
        data["ranges"] = [{"parameter": parameter, "values": [float(v) for v in values]}]
    return tomli_w.dumps(data)


def _frame_digest(digest: Any, frame: pd.DataFrame) -> None:
    geometry = getattr(frame, "geometry", None) if hasattr(frame, "geometry") else None
    plain = frame.drop(columns=[geometry.name]) if geometry is not None else frame
    digest.update(",".join(map(str, plain.columns)).encode())
    if len(plain.columns):
        as_text = plain.astype(str)  # object columns of mixed types hash alike everywhere
        digest.update(pd.util.hash_pandas_object(as_text, index=False).to_numpy().tobytes())
    if geometry is not None:
        for wkb in geometry.to_wkb():
            digest.update(wkb if wkb is not None else b"\0")


def project_base_key(project: Project) -> str:
    """Identity of an in-memory project's base: this version, its base
    parameters, and each layer's name, role, field mapping and content."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(base_parameters(project).model_dump_json().encode())
    for layer in project.layers:
        digest.update(f"\n{layer.name}|{layer.role}|{sorted(layer.fields.items())}".encode())
        if layer.is_raster:
            raster = layer.data
            digest.update(repr((raster.width, raster.height, raster.bounds, raster.dtype)).encode())
            with open(raster.path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        else:
            _frame_digest(digest, layer.frame)
    return "p" + digest.hexdigest()[:19]


def plan_for_project(
    text: str,
    key: str,
    *,
    parameters: Parameters | None = None,
    source: str | Path | None = None,
) -> SweepPlan:
    """Plan sweep ``text`` on the base whose identity is ``key``.

    The file's ``project`` is not used (the caller's project is the base).
    Its ``base_scenario`` is read relative to ``source``'s folder; without
    one, the variants start from an empty scenario with ``parameters``.

    Raises
    ------
    SweepFileError
        The text is not a valid sweep, or its base scenario is missing.
    ScenarioError
        The base scenario is not valid.
    """
    sweep = Sweep.from_toml(text, source=source)
    base: Scenario
    if sweep.base_scenario is not None:
        folder = Path(source).parent if source is not None else Path.cwd()
        scen_path = folder / sweep.base_scenario
        if not scen_path.is_file():
            raise sweep_error(
                "base_scenario",
                f"het basisscenario {scen_path} bestaat niet",
                f"the base scenario {scen_path} does not exist",
                source=source,
            )
        base = Scenario.load(scen_path)
    else:
        base = Scenario(name=sweep.name, parameters=parameters or Parameters())
    return plan_sweep(sweep, base, key, source=str(source) if source is not None else None)
