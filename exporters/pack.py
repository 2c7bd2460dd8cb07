"""The council pack: every export of a set of scenarios in one folder.

``export_pack`` writes the masterplan maps (per scenario and theme, as PDF,
PNG and/or SVG), optionally the atlas (one page per municipality), the web
map, the workbook, the slide deck and the GeoPackage, plus ``manifest.json``
(machine-readable: every file with its kind, scenario, size and SHA-256, and
the provenance block) and ``LEESMIJ.txt`` (what each file is, in Dutch; with
``lang="en"`` the texts are English and the read-me is ``README.txt``).
Optionally each chosen municipality gets its own subfolder with its atlas
page, its rows of the workbook and its own slides.

Everything is first written into a hidden staging folder next to ``out_dir``,
verified against its manifest and swapped in as one unit
(:mod:`slimmeregio.exporters.pack_swap`), so a failure, a cancel or a kill
leaves the old pack or the new one, never a mix; existing files are refused
(before any work is done) unless ``force``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimmeregio.exporters._safe import check_overwrite, safe_filename
from slimmeregio.exporters.excel import export_excel, results_to_export
from slimmeregio.exporters.geopackage import export_geopackage
from slimmeregio.exporters.map_flows import shared_flow_breaks
from slimmeregio.exporters.map_layout import find_municipality, municipality_frame, project_layers
from slimmeregio.exporters.maps import (
    THEMES,
    MapRequest,
    export_atlas,
    export_pages,
    masterplan_figure,
    parse_paper,
    save_figure,
)
from slimmeregio.exporters.meta import ExportMeta, build_meta, parameter_rows, tr
from slimmeregio.exporters.pack_names import pack_names
from slimmeregio.exporters.pack_swap import replace_pack
from slimmeregio.exporters.slides import export_slides
from slimmeregio.exporters.webmap import export_webmap
from slimmeregio.layers.errors import ExportError, OutputExistsError
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import Task

__all__ = ["FORMATS", "Manifest", "PackFile", "export_pack", "parse_formats", "readme_name"]

#: Every format the pack can write.
FORMATS = ("pdf", "png", "svg", "html", "xlsx", "pptx", "gpkg")
_MAP_FORMATS = ("pdf", "png", "svg")
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


def _kind(kind: str, lang: str) -> str:
    return (_KIND_EN if lang == "en" else _KIND_NL)[kind]


def readme_name(lang: str = "nl") -> str:
    """The read-me file of a pack: ``LEESMIJ.txt`` (Dutch) or ``README.txt`` (English)."""
    return "README.txt" if lang == "en" else "LEESMIJ.txt"


@dataclass(frozen=True)
class PackFile:
    """One file of the pack (``path`` relative to the pack folder)."""

    path: str
    kind: str
    description: str
    scenario: str = ""
    municipality: str = ""
    bytes: int = 0
    sha256: str = ""


@dataclass
class Manifest:
    """What a pack holds; :meth:`to_dict` is ``manifest.json``."""

    folder: Path
    meta: ExportMeta
    files: list[PackFile] = field(default_factory=list)
    #: Language of the descriptions and the read-me (``"nl"`` or ``"en"``).
    lang: str = "nl"

    @property
    def readme_name(self) -> str:
        """``LEESMIJ.txt`` or ``README.txt``, after :attr:`lang`."""
        return readme_name(self.lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": "Slimme Regio Planner",
            "version": self.meta.version,
            "created": self.meta.created.isoformat(timespec="seconds"),
            "meta": self.meta.to_dict(),
            "files": [f.__dict__ for f in self.files],
        }

    def readme(self) -> str:
        """The read-me: the pack explained to its reader, in :attr:`lang`."""
        lang = "en" if self.lang == "en" else "nl"
        t = _README_TEXT[lang]
        m = self.meta

        def heading(text: str) -> list[str]:
            return [text, "-" * len(text)]

        lines = [
            f"{m.title}",
            "=" * len(m.title),
            "",
            f"{t['scenarios']}: {', '.join(m.scenarios) or m.scenario}",
            t["made"].format(date=m.date_text, version=m.version)
            + (f" {t['by']} {m.organisation}" if m.organisation else "")
            + ".",
            "",
        ]
        if m.notes:
            lines += [t["note"], *[f"  - {n}" for n in m.notes], ""]
        lines += heading(t["files"])
        for f in self.files:
            extra = f" (scenario: {f.scenario})" if f.scenario else ""
            extra += f" ({t['municipality']}: {f.municipality})" if f.municipality else ""
            lines.append(f"{f.path}")
            lines.append(f"    {f.description}{extra}")
        lines += [
            "manifest.json",
            t["manifest"],
            "",
            *heading(t["opening"]),
            *t["open_lines"],
            "",
            *heading("Parameters"),
        ]
        lines += [f"- {label}: {value}" for _, label, value in parameter_rows(m.parameters, lang)]
        lines += [
            "",
            *heading(t["sources"]),
            *[f"- {s}" for s in m.sources],
            *[f"- {a}" for a in m.attributions],
            "",
        ]
        return "\n".join(lines)


#: The fixed texts of the read-me, per language (:meth:`Manifest.readme`).
_README_TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "scenarios": "Scenario's",
        "made": "Gemaakt op {date} met Slimme Regio Planner {version}",
        "by": "door",
        "note": "LET OP: deze export bevat illustratieve gegevens.",
        "files": "Bestanden in deze map",
        "municipality": "gemeente",
        "manifest": "    Dezelfde lijst voor computers: soort, scenario, grootte en SHA-256 van elk bestand, en de parameters.",
        "opening": "Openen",
        "open_lines": (
            "- De webkaart (.html) opent in elke browser, ook zonder internet: de kaartbibliotheek",
            "  Leaflet zit in het bestand. Alleen de OpenStreetMap-achtergrond komt van internet;",
            "  zonder internet blijft de achtergrond effen en zijn alle lagen gewoon zichtbaar.",
            "- De GeoPackage (.gpkg) opent in QGIS of ArcGIS; elk veld heeft een beschrijving.",
            "- De kaarten in PDF en SVG zijn vectorkaarten; PNG is 300 dpi.",
        ),
        "sources": "Bronnen",
    },
    "en": {
        "scenarios": "Scenarios",
        "made": "Made on {date} with Slimme Regio Planner {version}",
        "by": "by",
        "note": "NOTE: this export contains illustrative data.",
        "files": "Files in this folder",
        "municipality": "municipality",
        "manifest": "    The same list for computers: kind, scenario, size and SHA-256 of each file, and the parameters.",
        "opening": "Opening",
        "open_lines": (
            "- The web map (.html) opens in any browser, also without internet: the map library",
            "  Leaflet is inside the file. Only the OpenStreetMap background comes from the internet;",
            "  offline the background stays plain and every layer is still shown.",
            "- The GeoPackage (.gpkg) opens in QGIS or ArcGIS; every field has a description.",
            "- The maps in PDF and SVG are vector maps; PNG is 300 dpi.",
        ),
        "sources": "Sources",
    },
}


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"pdf,png,xlsx"`` -> ``("pdf", "png", "xlsx")``; unknown formats raise ExportError."""
    items = [
        t.strip().lower().lstrip(".") for t in (text.split(",") if isinstance(text, str) else text)
    ]
    items = [t for t in items if t]
    unknown = [t for t in items if t not in FORMATS]
    if unknown or not items:
        raise ExportError(
            path=", ".join(unknown) or "(leeg)",
            reason={
                "nl": f"onbekend formaat; kies uit {', '.join(FORMATS)}",
                "en": f"unknown format; choose from {', '.join(FORMATS)}",
            },
        )
    return tuple(dict.fromkeys(items))


@dataclass
class _Job:
    path: str
    kind: str
    description: str
    write: Callable[[Path], Any]
    scenario: str = ""
    municipality: str = ""
    weight: float = 1.0


def _slug(index: int, name: str) -> str:
    """``s1_Fietsas_Oost``: a file-name part for the ``index``-th scenario."""
    text = re.sub(r"[\s_]+", "_", safe_filename(name, max_length=40)).strip("_.")
    return f"s{index}_{text or 'scenario'}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _map_jobs(
    project: Project,
    base: Any,
    runs: list[tuple[str, Any, Any]],
    siting: Any,
    formats: Sequence[str],
    paper: Any,
    meta: ExportMeta,
    lang: str,
    background: Any = None,
) -> list[_Job]:
    """One job per (map, theme): draws once and saves every map format."""
    fmts = [f for f in formats if f in _MAP_FORMATS]
    if not fmts:
        return []
    plan: list[tuple[str, str, dict[str, Any], str]] = []
    ref = base if base is not None else (runs[0][1] if runs else None)
    base_label = tr(lang, "Basistoestand", "Base situation")
    names = pack_names(lang)
    if ref is not None:
        plan.append((names.base, "base", {"evaluation": ref}, base_label))
    if base is not None:
        plan.append((names.base, "access", {"evaluation": base}, base_label))
    for i, (name, ev, comp) in enumerate(runs, start=1):
        slug = _slug(i, name)
        plan.append((slug, "access", {"evaluation": ev}, name))
        if comp is not None:
            plan.append((slug, "change", {"comparison": comp}, name))
        plan.append((slug, "flows", {"evaluation": ev}, name))
        if getattr(ev, "has_brussels", False):
            plan.append((slug, "flows_brussels", {"evaluation": ev}, name))
        if "flow_bike_commuters" in ev.links.columns:
            plan.append((slug, "bike_commute", {"evaluation": ev}, name))
        if getattr(ev, "pt_stops", None) is not None:  # the project has a stops layer
            plan.append(
                (
                    slug,
                    "public_transport",
                    {"comparison": comp} if comp is not None else {"evaluation": ev},
                    name,
                )
            )
    if siting is not None and len(siting.sites):
        ev = runs[-1][1] if runs else base
        start = runs[-1][0] if runs else base_label
        plan.append(
            (
                names.suggestion,
                "siting",
                {
                    "evaluation": ev,
                    "siting": siting,
                    "subtitle": tr(lang, f"Vertrekt van: {start}", f"Starting from: {start}"),
                },
                start,
            )
        )
    # one set of flow classes for every flow map of the pack, so maps of different scenarios compare
    all_evals = ([base] if base is not None else []) + [ev for _, ev, _ in runs]
    breaks = {
        col: shared_flow_breaks(all_evals, col)
        for col in ("flow_dwellings", "flow_brussels_dwellings", "flow_bike_commuters")
    }
    for _, theme, kwargs, _ in plan:
        if theme in ("flows", "flows_brussels", "bike_commute"):
            kwargs["flow_breaks"] = breaks
    jobs = []
    for slug, theme, kwargs, scenario in plan:
        stem = f"{names.maps}/{slug}_{names.themes[theme]}"
        ev = kwargs.get("evaluation") or kwargs["comparison"].scenario
        theme_meta = meta.with_scenario(ev.scenario, ev.parameters)

        def write(
            staging: Path,
            stem: str = stem,
            theme: str = theme,
            kwargs: dict[str, Any] = kwargs,
            theme_meta: ExportMeta = theme_meta,
        ) -> None:
            fig = masterplan_figure(
                project,
                theme=theme,
                paper=paper,
                meta=theme_meta,
                lang=lang,
                background=background,
                **kwargs,
            )
            for fmt in fmts:
                save_figure(fig, staging / f"{stem}.{fmt}", meta=theme_meta, theme=theme)

        for fmt in fmts:
            title = THEMES[theme][1 if lang == "en" else 0]
            jobs.append(
                _Job(
                    f"{stem}.{fmt}",
                    "map",
                    f"{_kind('map', lang)}: {title} ({fmt.upper()})",
                    write if fmt == fmts[0] else (lambda staging: None),
                    scenario=scenario,
                    weight=3.0 if fmt == fmts[0] else 0.0,
                )
            )
    return jobs


def export_pack(
    results: Sequence[Any],
    out_dir: str | Path,
    *,
    project: Project,
    siting: Any = None,
    formats: str | Iterable[str] = FORMATS,
    paper: str = "a3-landscape",
    atlas: bool = False,
    municipalities: Sequence[str] | None = None,
    meta: ExportMeta | None = None,
    force: bool = False,
    lang: str = "nl",
    progress: Any = None,
    cancel: Any = None,
    business_parks: bool = False,
    background: Any = None,
) -> Manifest:
    """Write the council pack for ``results`` into ``out_dir``.

    Parameters
    ----------
    results
        Comparisons (each scenario against the base) and/or evaluations.
    out_dir
        The folder (created when missing).
    project
        The project the results were computed on (layers for the maps).
    siting
        Optional siting result, drawn on its own map and added to the
        GeoPackage and web map.
    formats
        Any of :data:`FORMATS` (``"pdf,png,xlsx"`` or a sequence).
    paper
        Paper for the maps (``a3-landscape`` ...); the atlas uses the same
        size in portrait.
    atlas
        Also write the atlas (one page per municipality) per scenario.
    business_parks
        Also write ``bedrijventerreinen/<workplace>.pdf``: one page per busy
        workplace of the last run with its bike commuters' routes and homes
        (:mod:`slimmeregio.exporters.business_parks`).
    municipalities
        NIS codes or names: each gets a folder ``gemeenten/<name>/`` with a
        map page per scenario zoomed to it (``kaart.pdf``), a workbook cut
        to it (``cijfers.xlsx``) and its own deck. The regional outputs,
        the atlas included (always every municipality), are unchanged.
        File and folder names follow ``lang`` (:mod:`slimmeregio.exporters.pack_names`:
        ``municipalities/<name>/map.pdf``, ``figures.xlsx`` ... in English).
    force
        Replace existing files.
    lang
        ``"nl"`` (default) or ``"en"``: language of the maps, web map,
        workbook, slides, the file descriptions and the read-me
        (``LEESMIJ.txt`` / ``README.txt``, see :func:`readme_name`).
    background
        A :class:`~slimmeregio.layers.tiles.Background` drawn under the
        regional maps, its attribution on their source line (default none:
        the pack stays reproducible offline).

    Returns
    -------
    Manifest
        The files written (also in ``manifest.json`` and the read-me).
    """
    task = Task(progress, cancel)
    fmts = parse_formats(formats)
    paper_spec = parse_paper(paper)
    results = list(results)
    base, runs = results_to_export(results, out_dir)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(path=out, reason={"nl": "dit is geen map", "en": "this is not a folder"})
    first = runs[0][1] if runs else base
    if meta is None:
        meta = build_meta(
            project,
            scenario=first.scenario,
            parameters=first.parameters,
            scenarios=[ev.scenario for _, ev, _ in runs],
            lang=lang,
        )
    jobs = _map_jobs(project, base, runs, siting, fmts, paper_spec, meta, lang, background)
    munis = municipality_frame(project_layers(project))
    chosen: list[tuple[str, str]] = []
    if municipalities:
        for key in municipalities:
            row = find_municipality(munis, key)
            chosen.append((str(row["nis"]), str(row["name"])))
    atlas_paper = f"{paper_spec.name.split('-')[0]}-portrait"
    names = pack_names(lang)  # English packs get English file and folder names
    # the slice of the overall progress the job being written owns (the atlas reports per page)
    current: dict[str, Task] = {"task": task}
    if atlas and "pdf" in fmts:
        for i, (name, ev, comp) in enumerate(
            runs or [(tr(lang, "Basistoestand", "Base situation"), base, None)], start=1
        ):
            slug = _slug(i, name) if runs else names.base
            theme = "change" if comp is not None else "access"

            def write_atlas(
                staging: Path, slug: str = slug, theme: str = theme, ev: Any = ev, comp: Any = comp
            ) -> None:
                export_atlas(
                    project,
                    staging / f"{names.atlas}/atlas_{slug}.pdf",
                    theme=theme,
                    evaluation=ev,
                    comparison=comp,
                    paper=atlas_paper,
                    meta=meta.with_scenario(ev.scenario, ev.parameters),
                    lang=lang,
                    progress=current["task"].report,
                    cancel=cancel,
                )

            count = len(
                munis
            )  # the atlas is always regional: --municipality adds folders, never cuts it
            pages = tr(lang, f"{count} pagina's", f"{count} pages")
            jobs.append(
                _Job(
                    f"{names.atlas}/atlas_{slug}.pdf",
                    "atlas",
                    f"{_kind('atlas', lang)} ({pages})",
                    write_atlas,
                    scenario=name,
                    weight=0.6 * count,
                )
            )
    if "html" in fmts:
        jobs.append(
            _Job(
                names.webmap,
                "html",
                _kind("html", lang),
                lambda staging: export_webmap(
                    project, results, staging / names.webmap, siting=siting, meta=meta, lang=lang
                ),
                weight=3.0,
            )
        )
    if "xlsx" in fmts:
        jobs.append(
            _Job(
                names.workbook,
                "xlsx",
                _kind("xlsx", lang),
                lambda staging: export_excel(
                    results, staging / names.workbook, project=project, meta=meta, lang=lang
                ),
            )
        )
    if "pptx" in fmts:
        jobs.append(
            _Job(
                names.deck,
                "pptx",
                _kind("pptx", lang),
                lambda staging: export_slides(
                    project, results, staging / names.deck, meta=meta, lang=lang, siting=siting
                ),
                weight=2.0 + len(runs),
            )
        )
    if "gpkg" in fmts:
        jobs.append(
            _Job(
                names.geopackage,
                "gpkg",
                _kind("gpkg", lang),
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
    last = runs[-1][1] if runs else base
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

            jobs.append(_Job(park_file, "park", _kind("park", lang), write_park))
    if "html" in fmts and last is not None and "flow_bike_commuters" in last.links.columns:
        from slimmeregio.exporters.commuter_routes import export_commuter_routes

        jobs.append(
            _Job(
                names.commute_routes,
                "commute",
                _kind("commute", lang),
                lambda staging: export_commuter_routes(
                    project, results, staging / names.commute_routes, lang=lang
                ),
            )
        )
    for nis, name in chosen:
        folder = f"{names.municipalities}/{safe_filename(name)}"
        if "pdf" in fmts:
            # one page per scenario (the base alone without scenarios), each zoomed to the municipality
            page_runs = runs or [(tr(lang, "Basistoestand", "Base situation"), base, None)]
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

            def write_page(
                staging: Path, folder: str = folder, requests: list[MapRequest] = requests
            ) -> None:
                export_pages(project, staging / f"{folder}/{names.municipality_map}", requests)

            shown = ", ".join(n for n, _, _ in page_runs)
            jobs.append(
                _Job(
                    f"{folder}/{names.municipality_map}",
                    "atlas",
                    tr(
                        lang,
                        f"Kaart van {name}, één pagina per scenario ({shown})",
                        f"Map of {name}, one page per scenario ({shown})",
                    ),
                    write_page,
                    scenario=shown,
                    municipality=name,
                    weight=1.0 * len(requests),
                )
            )
        if "xlsx" in fmts:

            def write_rows(staging: Path, folder: str = folder, nis: str = nis) -> Any:
                return export_excel(
                    results,
                    staging / f"{folder}/{names.municipality_workbook}",
                    project=project,
                    meta=meta,
                    municipalities=[nis],
                    lang=lang,
                )

            jobs.append(
                _Job(
                    f"{folder}/{names.municipality_workbook}",
                    "xlsx",
                    tr(lang, f"Cijfers van {name}", f"Figures for {name}"),
                    write_rows,
                    municipality=name,
                )
            )
        if "pptx" in fmts:

            def write_deck(staging: Path, folder: str = folder, nis: str = nis) -> Any:
                return export_slides(
                    project,
                    results,
                    staging / f"{folder}/{names.municipality_deck}",
                    meta=meta,
                    municipality=nis,
                    lang=lang,
                )

            jobs.append(
                _Job(
                    f"{folder}/{names.municipality_deck}",
                    "pptx",
                    tr(lang, f"Presentatie voor {name}", f"Presentation for {name}"),
                    write_deck,
                    municipality=name,
                    weight=1.0 + len(runs),
                )
            )
    if not jobs:
        raise ExportError(
            path=out,
            reason={
                "nl": "niets te schrijven met deze formaten",
                "en": "nothing to write for these formats",
            },
        )
    # refuse before doing any work
    readme = readme_name(lang)
    targets = [out / job.path for job in jobs] + [out / "manifest.json", out / readme]
    if not force:
        existing = [t for t in targets if t.exists()]
        if existing:
            raise OutputExistsError(path=existing[0], count=len(existing))
    for t in targets:
        if t.is_dir():
            check_overwrite(t, True)  # raises for a folder in the way
    manifest = Manifest(folder=out, meta=meta, lang=lang)
    # the whole pack is written and verified in a hidden folder, then swapped in as one unit
    with replace_pack(out) as staging:
        total = sum(j.weight for j in jobs) or 1.0
        done = 0.0
        for job in jobs:
            task.report(done / total * 0.95, f"writing {job.path}")
            current["task"] = task.sub(done / total * 0.95, (done + job.weight) / total * 0.95)
            (staging / job.path).parent.mkdir(parents=True, exist_ok=True)
            job.write(staging)
            done += job.weight
        task.check()
        for job in jobs:
            src = staging / job.path
            if not src.exists():
                raise ExportError(
                    path=out / job.path,
                    reason={
                        "nl": "bestand ontbreekt na het schrijven",
                        "en": "file missing after writing",
                    },
                )
            manifest.files.append(
                PackFile(
                    job.path,
                    job.kind,
                    job.description,
                    job.scenario,
                    job.municipality,
                    src.stat().st_size,
                    _sha256(src),
                )
            )
        (staging / "manifest.json").write_text(
            json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (staging / readme).write_text(manifest.readme(), encoding="utf-8")
    task.report(1.0, "pack written")
    return manifest
