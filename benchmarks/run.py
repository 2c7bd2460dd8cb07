"""Run every benchmark script in this folder, one after another.

Each script prints its figures and writes its own section of
benchmarks/RESULTS.md (between ``<!-- name -->`` markers), so a partial run
keeps the other sections.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "engine.py",
    "opportunities.py",
    "canvas.py",
    "osm.py",
    "exports.py",
    "gtfs.py",
    "scale.py",
    "sweep.py",
    "province.py",
]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
