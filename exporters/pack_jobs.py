"""The council pack's jobs: each file a pack writes, how it is written, and its share of the progress."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slimmeregio.exporters._safe import safe_filename
from slimmeregio.exporters.excel import export_excel
from slimmeregio.exporters.geopackage import export_geopackage
from slimmeregio.exporters.maps import MapRequest, export_pages
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.pack_names import PackNames
from slimmeregio.exporters.result_runs import Run
from slimmeregio.exporters.slides import export_slides
from slimmeregio.exporters.webmap import export_webmap
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project

_KIND_NL = {
    "map": "Masterplankaart",
    "atlas": "Atlas: één pagina per gemeente",
    "html": "Interactieve webkaart (openen in een browser)",
    "xlsx": "Excel-werkmap met indicatoren, wijzigingen en bronnen",
    "pptx": "Presentatie voor de gemeenteraad (16:9)",
    "gpkg": "GeoPackage met de resultaatlagen (voor QGIS/ArcGIS)",
    "commute": "Fietsroutes naar het werk (GeoJSON om te publiceren)",
    "park": "Fietsroutes naar een werkplaats: herkomst en routes van de potentiële fietspendelaars",
}
_KIND_EN = {
    "map": "Masterplan map",
    "atlas": "Atlas: one page per municipality",
    "html": "Interactive web map (open in a browser)",
    "xlsx": "Excel workbook with indicators, changes and sources",
    "pptx": "Presentation for the municipal council (16:9)",
    "gpkg": "GeoPackage with the result layers (for QGIS/ArcGIS)",
    "commute": "Bike routes to work (GeoJSON to publish)",
    "park": "Bike routes to a workplace: homes and routes of its potential bike commuters",
}


def kind_text(kind: str, lang: str) -> str:
    """What a file of ``kind`` is, in ``lang``."""
    return (_KIND_EN if lang == "en" else _KIND_NL)[kind]


@dataclass
class PackJob:
    """One file of the pack: its path in the pack, kind and description, and
    ``write`` (into the staging folder); ``weight`` is its share of the progress."""

    path: str
    kind: str
    description: str
    write: Callable[[Path], Any]
    scenario: str = ""
    municipality: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class PackSpec:
    """What a pack is written from: the project, the results and the choices made."""

    project: Project
    results: list[Any]
    base: Any
    runs: list[Run]
    meta: ExportMeta
    lang: str
    siting: Any
    formats: tuple[str, ...]
    names: PackNames

    @property
    def base_label(self) -> str:
        return tr(self.lang, "Basistoestand")

    @property
    def runs_or_base(self) -> list[Run]:
        """The scenario runs; the base alone when there are none."""
        return self.runs or [(self.base_label, self.base, None)]

    @property
    def last(self) -> Any:
        """The last scenario's evaluation, else the base's."""
        return self.runs[-1][1] if self.runs else self.base


def scenario_slug(index: int, name: str) -> str:
    """``s1_Fietsas_Oost``: a file-name part for the ``index``-th scenario."""
    text = re.sub(r"[\s_]+", "_", safe_filename(name, max_length=40)).strip("_.")
    return f"s{index}_{text or 'scenario'}"


def document_jobs(spec: PackSpec) -> list[PackJob]:
    """The regional web map, workbook, deck and GeoPackage, as far as the formats ask."""
    project, results, meta, lang, siting, names = (
        spec.project,
        spec.results,
        spec.meta,
        spec.lang,
        spec.siting,
        spec.names,
    )
    jobs = []
    if "html" in spec.formats:
        jobs.append(
            PackJob(
                names.webmap,
                "html",
                kind_text("html", lang),
                lambda staging: export_webmap(
                    project, results, staging / names.webmap, siting=siting, meta=meta, lang=lang
                ),
                weight=3.0,
            )
        )
    if "xlsx" in spec.formats:
        jobs.append(
            PackJob(
                names.workbook,
                "xlsx",
                kind_text("xlsx", lang),
                lambda staging: export_excel(
                    results, staging / names.workbook, project=project, meta=meta, lang=lang
                ),
            )
        )
    if "pptx" in spec.formats:
        jobs.append(
            PackJob(
                names.deck,
                "pptx",
                kind_text("pptx", lang),
                lambda staging: export_slides(
                    project, results, staging / names.deck, meta=meta, lang=lang, siting=siting
                ),
                weight=2.0 + len(spec.runs),
            )
        )
    if "gpkg" in spec.formats:
        jobs.append(
            PackJob(
                names.geopackage,
                "gpkg",
                kind_text("gpkg", lang),
                lambda staging: export_geopackage(
                    project,
                    results,
                    staging / names.geopackage,
                    siting=siting,
                    meta=meta,
                    lang=lang,
                ),
                weight=3.0,
            )
        )
    return jobs


def commuting_jobs(spec: PackSpec, business_parks: bool) -> list[PackJob]:
    """The last run's business park pages (on request) and its commuter routes (with the web map)."""
    last, lang, names = spec.last, spec.lang, spec.names
    jobs = []
    if business_parks and last is not None:
        from slimmeregio.exporters.business_parks import business_park_figure, park_ids

        work = last.opportunities.workplaces.set_index("opp_id") if park_ids(last) else None
        for opp_id in park_ids(last):
            assert work is not None
            park_file = f"{names.business_parks}/{safe_filename(str(work.loc[opp_id, 'name']) or opp_id)}.pdf"

            def write_park(staging: Path, park_file: str = park_file, opp_id: str = opp_id) -> None:
                fig = business_park_figure(last, opp_id, lang=lang)
                target = staging / park_file
                target.parent.mkdir(parents=True, exist_ok=True)
                fig.savefig(target, format="pdf", facecolor="white")

            jobs.append(PackJob(park_file, "park", kind_text("park", lang), write_park))
    if "html" in spec.formats and last is not None and "flow_bike_commuters" in last.links.columns:
        from slimmeregio.exporters.commuter_routes import export_commuter_routes

        jobs.append(
            PackJob(
                names.commute_routes,
                "commute",
                kind_text("commute", lang),
                lambda staging: export_commuter_routes(
                    spec.project, spec.results, staging / names.commute_routes, lang=lang
                ),
            )
        )
    return jobs


def _page_job(spec: PackSpec, nis: str, name: str, folder: str, atlas_paper: str) -> PackJob:
    """One map page per scenario (the base alone without scenarios), each zoomed to the municipality."""
    names, meta, lang = spec.names, spec.meta, spec.lang
    page_runs = spec.runs_or_base
    requests = [
        MapRequest(
            theme="change" if comp is not None else "access",
            evaluation=ev,
            comparison=comp,
            paper=atlas_paper,
            meta=meta.with_scenario(ev.scenario, ev.parameters),
            municipality=nis,
            lang=lang,
        )
        for _, ev, comp in page_runs
    ]

    def write_page(staging: Path) -> None:
        export_pages(spec.project, staging / f"{folder}/{names.municipality_map}", requests)

    shown = ", ".join(n for n, _, _ in page_runs)
    return PackJob(
        f"{folder}/{names.municipality_map}",
        "atlas",
        tr(lang, "Kaart van {name}, één pagina per scenario ({shown})").format(
            name=name, shown=shown
        ),
        write_page,
        scenario=shown,
        municipality=name,
        weight=1.0 * len(requests),
    )


def municipality_jobs(
    spec: PackSpec, chosen: list[tuple[str, str]], atlas_paper: str
) -> list[PackJob]:
    """Per chosen municipality (NIS code, name) its folder: map pages, workbook rows and deck."""
    names, lang = spec.names, spec.lang
    jobs = []
    for nis, name in chosen:
        folder = f"{names.municipalities}/{safe_filename(name)}"
        if "pdf" in spec.formats:
            jobs.append(_page_job(spec, nis, name, folder, atlas_paper))
        documents = (
            (
                "xlsx",
                names.municipality_workbook,
                tr(lang, "Cijfers van {name}").format(name=name),
                export_excel,
                1.0,
            ),
            (
                "pptx",
                names.municipality_deck,
                tr(lang, "Presentatie voor {name}").format(name=name),
                _deck,
                1.0 + len(spec.runs),
            ),
        )
        for kind, file, description, export, weight in documents:
            if kind in spec.formats:
                path = f"{folder}/{file}"
                write = _municipal_writer(spec, export, path, nis)
                jobs.append(
                    PackJob(path, kind, description, write, municipality=name, weight=weight)
                )
    return jobs


def _deck(
    results: list[Any],
    path: Path,
    *,
    project: Project,
    meta: ExportMeta,
    municipalities: list[str],
    lang: str,
) -> Any:
    """A municipality's own deck, called as :func:`export_excel` is."""
    (nis,) = municipalities
    return export_slides(project, results, path, meta=meta, municipality=nis, lang=lang)


def _municipal_writer(
    spec: PackSpec, export: Callable[..., Any], path: str, nis: str
) -> Callable[[Path], Any]:
    """Write ``export``'s file of municipality ``nis`` at ``path`` in the staging folder."""

    def write(staging: Path) -> Any:
        return export(
            spec.results,
            staging / path,
            project=spec.project,
            meta=spec.meta,
            municipalities=[nis],
            lang=spec.lang,
        )

    return write
