"""One way to call every exporter: ``export(kind, project, results, path, lang=...)`` and the registry behind it.

Every exporter is reached with the same argument order (project, results,
path) and the same keyword-only options; ``lang`` has no default here, so
a caller cannot silently fall back to Dutch (the GUI and ``run`` used to
write Dutch GeoPackages for English users that way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.i18n import LANGUAGES, N_, tr
from slimmeregio.layers.model import Project

__all__ = ["EXPORTERS", "Exporter", "export"]


@dataclass(frozen=True)
class Exporter:
    """One output format: its key, file suffix, titles and the function that writes it."""

    kind: str
    suffix: str
    #: The title in Dutch (``tr`` gives the English).
    dutch_title: str
    write: Callable[..., Any]

    def title(self, lang: str) -> str:
        return tr(lang, self.dutch_title)


def _excel(project: Project, results: Sequence[Any], path: Path, **kw: Any) -> Any:
    from slimmeregio.exporters.excel import export_excel

    return export_excel(results, path, project=project, **kw)


def _webmap(project: Project, results: Sequence[Any], path: Path, **kw: Any) -> Any:
    from slimmeregio.exporters.webmap import export_webmap

    return export_webmap(project, results, path, **kw)


def _slides(project: Project, results: Sequence[Any], path: Path, **kw: Any) -> Any:
    from slimmeregio.exporters.slides import export_slides

    return export_slides(project, results, path, **kw)


def _geopackage(project: Project, results: Sequence[Any], path: Path, **kw: Any) -> Any:
    from slimmeregio.exporters.geopackage import export_geopackage

    return export_geopackage(project, results, path, **kw)


def _commute(project: Project, results: Sequence[Any], path: Path, **kw: Any) -> Any:
    from slimmeregio.exporters.commuter_routes import export_commuter_routes

    return export_commuter_routes(project, results, path, **kw)


def _pack(project: Project, results: Sequence[Any], path: Path, **kw: Any) -> Any:
    from slimmeregio.exporters.pack import export_pack

    return export_pack(results, path, project=project, **kw)


#: Every exporter by kind.
EXPORTERS: dict[str, Exporter] = {
    e.kind: e
    for e in (
        Exporter("xlsx", ".xlsx", N_("Excel-werkmap"), _excel),
        Exporter("html", ".html", N_("Webkaart"), _webmap),
        Exporter("pptx", ".pptx", N_("Presentatie"), _slides),
        Exporter("gpkg", ".gpkg", N_("GeoPackage"), _geopackage),
        Exporter("pack", "", N_("Raadspakket"), _pack),
        Exporter("commute", ".geojson", N_("Fietsroutes naar het werk (GeoJSON)"), _commute),
    )
}


def export(
    kind: str,
    project: Project,
    results: Sequence[Any],
    path: str | Path,
    *,
    lang: str,
    force: bool = False,
    progress: Any = None,
    cancel: Any = None,
    **options: Any,
) -> Any:
    """Write ``results`` of ``project`` as ``kind`` (see :data:`EXPORTERS`) to ``path`` in ``lang``.

    ``options`` are the exporter's own (``siting``, ``meta``,
    ``municipality``...). Returns what the exporter returns (the path, or
    the pack's manifest).
    """
    exporter = EXPORTERS.get(kind)
    if exporter is None:
        raise ExportError(
            path=str(path),
            reason={
                "nl": f"onbekend exportformaat; kies uit {', '.join(EXPORTERS)}",
                "en": f"unknown export format; choose from {', '.join(EXPORTERS)}",
            },
        )
    if lang not in LANGUAGES:
        raise ExportError(
            path=str(path),
            reason={"nl": "taal moet nl of en zijn", "en": "language must be nl or en"},
        )
    return exporter.write(
        project,
        results,
        Path(path),
        lang=lang,
        force=force,
        progress=progress,
        cancel=cancel,
        **options,
    )
