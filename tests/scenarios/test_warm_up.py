"""The warm-up loads, in a fresh process, what a first evaluation would load on first use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys, time
from numba.core.registry import cpu_target
before = {
    "typing": len(cpu_target.typing_context._registries),
    "target": len(cpu_target.target_context._registries),
    "modules": [m for m in %(modules)r if m in sys.modules],
}
%(warm)s
after = {
    "typing": len(cpu_target.typing_context._registries),
    "target": len(cpu_target.target_context._registries),
    "modules": [m for m in %(modules)r if m in sys.modules],
}
print(json.dumps({"before": before, "after": after}))
"""

MODULES = ["rasterio.features", "scipy.ndimage", "scipy.sparse.csgraph"]


def _probe(warm: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE % {"modules": MODULES, "warm": warm}],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "warm",
    [
        "from slimmeregio.scenarios.warm_up import warm_up; warm_up()",
        "from slimmeregio.desktop.app import start_warm_up; start_warm_up().join(120)",
    ],
    ids=["engine", "desktop thread"],
)
def test_a_fresh_process_is_ready_after_the_warm_up(warm):
    if "desktop" in warm:
        pytest.importorskip("PyQt6")
    probe = _probe(warm)
    # a fresh process has loaded neither numba's registries nor the lazily imported modules
    assert probe["before"] == {"typing": 0, "target": 0, "modules": []}
    assert probe["after"]["typing"] > 0 and probe["after"]["target"] > 0
    assert probe["after"]["modules"] == MODULES
