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
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = RESULTS.with_name(RESULTS.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, RESULTS)
