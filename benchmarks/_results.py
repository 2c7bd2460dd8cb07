"""The one writer of benchmarks/RESULTS.md, shared by every benchmark script.

Each script owns a section between ``<!-- name -->`` and ``<!-- /name -->``;
writing replaces only that section (atomically), so a partial run keeps the
other sections.
"""

from __future__ import annotations

import os
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, section: str) -> None:
    """Replace (or append) the ``name`` section of RESULTS.md with ``section``."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{section.strip()}\n{end}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = RESULTS.with_name(RESULTS.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, RESULTS)


def ensure_extract(extract: Path, ways: int) -> None:
    """Write the synthetic OpenStreetMap extract of ``ways`` highway ways with benchmarks/osm.py,
    unless ``extract`` already exists (kept data is reused)."""
    import subprocess
    import sys
    import time

    if extract.exists():
        return
    here = Path(__file__).resolve().parent
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(here / "osm.py"), "--generate", str(extract), "--ways", str(ways)],
        check=True,
        capture_output=True,
        cwd=here.parent,
    )
    print(f"extract written in {time.perf_counter() - t:.1f} s", flush=True)
