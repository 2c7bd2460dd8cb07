"""Export times: the municipal atlas and one A3 masterplan map (PDF).

    python benchmarks/exports.py

On the embedded region with an evaluation of the base situation:

* ``atlas``: :func:`~slimmeregio.exporters.maps.export_atlas`, access theme,
  all municipalities (one A4 page each), as the council pack writes it;
* ``A3 map``: :func:`~slimmeregio.exporters.maps.export_map`, base theme,
  A3 landscape PDF of the whole region.

Each is timed as the exporters draw now and as before, with the same layers,
styles and pages. Now: each uniformly styled background network class is one
compound path, and the atlas draws every page on one figure whose axes are
emptied and reused. Before: ``draw_lines`` one path per link (the plain
matplotlib ``LineCollection``) and a new figure for every atlas page. Prints the table and replaces the ``<!-- exports -->`` section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _results import write_section  # benchmarks/_results.py

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
MAP_REPEAT = 3


@contextmanager
def _previous_drawing() -> Iterator[None]:
    """The previous drawing: every link its own path, a new figure per atlas page.

    ``draw_lines`` lives in exporters/style.py and is imported by name into the
    theme modules, so every exporters module holding it gets the stand-in."""
    from slimmeregio.exporters import maps, style

    original_lines = style.draw_lines
    original_pages = maps._atlas_pages

    def separate(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop("merge", None)
        return original_lines(*args, **kwargs)

    def fresh_pages(*args: Any, **kwargs: Any) -> Any:
        kwargs["reuse"] = False
        return original_pages(*args, **kwargs)

    holders = [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("slimmeregio.exporters")
        and getattr(module, "draw_lines", None) is original_lines
    ]
    for module in holders:
        module.draw_lines = separate  # type: ignore[attr-defined]
    maps._atlas_pages = fresh_pages
    try:
        yield
    finally:
        for module in holders:
            module.draw_lines = original_lines  # type: ignore[attr-defined]
        maps._atlas_pages = original_pages


def _timed(fn: Callable[[], Path], repeat: int) -> tuple[float, int]:
    times = []
    size = 0
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        size = out.stat().st_size
    return statistics.median(times), size


def main() -> int:
    from slimmeregio.exporters.maps import export_atlas, export_map
    from slimmeregio.layers.region import load_region
    from slimmeregio.layers.roles import Role
    from slimmeregio.scenarios.engine import evaluate, prepare_base

    project = load_region()
    evaluation = evaluate(prepare_base(project))
    munis = project.layers.first(Role.MUNICIPALITIES)
    pages = len(munis) if munis is not None else 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def atlas() -> Path:
            return export_atlas(
                project, folder / "atlas.pdf", theme="access", evaluation=evaluation, force=True
            )

        def a3_map() -> Path:
            return export_map(
                project,
                folder / "kaart.pdf",
                theme="base",
                evaluation=evaluation,
                paper="a3-landscape",
                force=True,
            )

        rows = []
        for label, fn, repeat in (
            (f"atlas, {pages} pages A4 (access)", atlas, 1),
            ("A3 landscape map (base)", a3_map, MAP_REPEAT),
        ):
            with _previous_drawing():
                before, before_size = _timed(fn, repeat)
            after, after_size = _timed(fn, repeat)
            rows.append((label, before, after, before_size, after_size))
            print(
                f"{label}: before {before:.1f} s, now {after:.1f} s ({before / after:.2f}x)",
                flush=True,
            )

    lines = [
        "## Exports (benchmarks/exports.py)",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}. "
        f"Embedded region with an evaluation of the base situation; PDF output. Atlas: one run each; "
        f'A3 map: median of {MAP_REPEAT}. "Before" draws every bike link as its own path (plain '
        'matplotlib `LineCollection`) and builds a new figure for every atlas page; "now" draws each '
        "uniformly styled background network class as one compound path (same strokes, same vertices) and "
        "draws all atlas pages on one figure whose axes are emptied and reused.",
        "",
        "| export | before | now | before / now | PDF size before | PDF size now |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, before, after, before_size, after_size in rows:
        lines.append(
            f"| {label} | {before:.1f} s | {after:.1f} s | {before / after:.2f}× | "
            f"{before_size / 1e6:.1f} MB | {after_size / 1e6:.1f} MB |"
        )
    section = "\n".join(lines)
    print(section)
    write_section("exports", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
