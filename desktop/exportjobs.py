"""The exports the export dialog offers, and the worker-safe jobs behind it: writing one export and rendering the layout preview."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "EXPORTS",
    "ExportKind",
    "available_exports",
    "preview_image",
    "results_of",
    "run_export",
]


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str  # Dutch source text
    suffixes: tuple[str, ...]
    module: str
    needs_results: bool = False
    has_layout: bool = False


EXPORTS: tuple[ExportKind, ...] = (
    ExportKind(
        "map",
        "Masterplankaart (PDF, PNG of SVG)",
        (".pdf", ".png", ".svg"),
        "slimmeregio.exporters.maps",
        has_layout=True,
    ),
    ExportKind(
        "atlas",
        "Atlas: één kaart per gemeente (PDF)",
        (".pdf",),
        "slimmeregio.exporters.maps",
        has_layout=True,
    ),
    ExportKind(
        "excel",
        "Excel-overzicht van de indicatoren",
        (".xlsx",),
        "slimmeregio.exporters.excel",
        needs_results=True,
    ),
    ExportKind(
        "webmap",
        "Interactieve webkaart (HTML)",
        (".html",),
        "slimmeregio.exporters.webmap",
        needs_results=True,
    ),
    ExportKind(
        "slides",
        "Presentatie voor de raad (PowerPoint)",
        (".pptx",),
        "slimmeregio.exporters.slides",
        needs_results=True,
    ),
    ExportKind(
        "gpkg",
        "Resultaatlagen voor GIS (GeoPackage)",
        (".gpkg",),
        "slimmeregio.exporters.geopackage",
        needs_results=True,
    ),
    ExportKind(
        "pack",
        "Raadspakket: kaarten, atlas, Excel, webkaart en presentatie in één map",
        ("",),
        "slimmeregio.exporters.pack",
        needs_results=True,
        has_layout=True,
    ),
)


def available_exports() -> list[ExportKind]:
    """The exports whose exporter module is installed."""
    return [k for k in EXPORTS if importlib.util.find_spec(k.module) is not None]


def results_of(runs: list[Any]) -> list[Any]:
    return [
        run.comparison if run.comparison is not None else run.evaluation
        for run in runs
        if run is not None
    ]


def run_export(
    kind: str,
    project: Any,
    run: Any,
    path: Path,
    *,
    theme: str = "base",
    paper: str = "a3-landscape",
    lang: str = "nl",
    runs: list[Any] | None = None,
    progress: Any = None,
    cancel: Any = None,
    background: Any = None,
) -> Path:
    """Write export ``kind`` to ``path`` (plain data in, file out; worker-safe).

    ``run`` feeds the map themes; ``runs`` (default: ``[run]``) are the
    scenarios of the tables, slides and result layers; ``background`` (a
    background map, default none) goes under the map and the pack's maps."""
    all_runs = list(runs) if runs is not None else [run]

    def _results(_run: Any) -> list[Any]:
        return results_of(all_runs)

    layout: dict[str, Any] = {
        "theme": theme,
        "evaluation": run.evaluation if run is not None else None,
        "comparison": run.comparison if run is not None else None,
        "paper": paper,
        "force": True,
        "lang": lang,
    }
    if kind == "map":
        from slimmeregio.exporters.maps import export_map

        if progress:
            progress(0.1, "drawing")
        out = export_map(project, path, background=background, **layout)
        if progress:
            progress(1.0, "done")
        return Path(out)
    if kind == "atlas":
        from slimmeregio.exporters.maps import export_atlas

        return Path(export_atlas(project, path, progress=progress, cancel=cancel, **layout))
    # The results-based formats go through the one exporter signature, so the
    # interface language always reaches the file (lang is required there).
    registry_kind = {
        "excel": "xlsx",
        "webmap": "html",
        "slides": "pptx",
        "gpkg": "gpkg",
        "pack": "pack",
    }.get(kind)
    if registry_kind is not None:
        from slimmeregio.exporters.registry import export

        options: dict[str, Any] = (
            {"paper": paper, "atlas": True, "background": background} if kind == "pack" else {}
        )
        out = export(
            registry_kind,
            project,
            _results(run),
            path,
            lang=lang,
            force=True,
            progress=progress,
            cancel=cancel,
            **options,
        )
        return Path(out.folder) if kind == "pack" else Path(out)
    raise ValueError(f"unknown export kind: {kind}")


def preview_image(
    project: Any,
    run: Any,
    theme: str,
    paper: str,
    lang: str,
    progress: Any = None,
    cancel: Any = None,
) -> tuple[bytes, int, int]:
    """Render the masterplan layout small (worker-safe: Figure + Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from slimmeregio.exporters.maps import masterplan_figure

    fig = masterplan_figure(
        project,
        theme=theme,
        evaluation=run.evaluation if run else None,
        comparison=run.comparison if run else None,
        paper=paper,
        lang=lang,
    )
    fig.set_dpi(45)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    w, h = canvas.get_width_height()
    return bytes(canvas.buffer_rgba()), w, h
