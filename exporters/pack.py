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

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from slimmeregio.exporters._safe import check_overwrite
from slimmeregio.exporters.map_layout import find_municipality, municipality_frame, project_layers
from slimmeregio.exporters.maps import parse_paper
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.pack_jobs import (
    PackJob,
    PackSpec,
    commuting_jobs,
    document_jobs,
    municipality_jobs,
)
from slimmeregio.exporters.pack_manifest import Manifest, PackFile, readme_name
from slimmeregio.exporters.pack_maps import atlas_jobs, map_jobs
from slimmeregio.exporters.pack_names import pack_names
from slimmeregio.exporters.pack_swap import file_sha256, replace_pack
from slimmeregio.exporters.result_runs import results_meta, results_to_export
from slimmeregio.layers.errors import ExportError, OutputExistsError
from slimmeregio.layers.model import Project
from slimmeregio.layers.progress import Task

__all__ = ["FORMATS", "Manifest", "PackFile", "export_pack", "parse_formats", "readme_name"]

#: Every format the pack can write.
FORMATS = ("pdf", "png", "svg", "html", "xlsx", "pptx", "gpkg")


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
    meta = results_meta(project, base, runs, meta, lang)
    names = pack_names(lang)  # English packs get English file and folder names
    spec = PackSpec(project, results, base, runs, meta, lang, siting, fmts, names)
    jobs = map_jobs(spec, paper_spec, background)
    munis = municipality_frame(project_layers(project))
    chosen = [
        (str(row["nis"]), str(row["name"]))
        for row in (find_municipality(munis, key) for key in municipalities or ())
    ]
    atlas_paper = f"{paper_spec.name.split('-')[0]}-portrait"
    # the slice of the overall progress the job being written owns (the atlas reports per page)
    current: dict[str, Task] = {"task": task}
    if atlas and "pdf" in fmts:
        # the atlas is always regional: --municipality adds folders, never cuts it
        jobs += atlas_jobs(spec, len(munis), atlas_paper, current, cancel)
    jobs += document_jobs(spec)
    jobs += commuting_jobs(spec, business_parks)
    jobs += municipality_jobs(spec, chosen, atlas_paper)
    if not jobs:
        raise ExportError(
            path=out,
            reason={
                "nl": "niets te schrijven met deze formaten",
                "en": "nothing to write for these formats",
            },
        )
    _refuse_existing(out, jobs, readme_name(lang), force)
    manifest = _write_pack(out, jobs, Manifest(folder=out, meta=meta, lang=lang), task, current)
    task.report(1.0, "pack written")
    return manifest


def _refuse_existing(out: Path, jobs: list[PackJob], readme: str, force: bool) -> None:
    """Refuse before doing any work: files in the way without ``force``, folders always."""
    targets = [out / job.path for job in jobs] + [out / "manifest.json", out / readme]
    if not force:
        existing = [t for t in targets if t.exists()]
        if existing:
            raise OutputExistsError(path=existing[0], count=len(existing))
    for t in targets:
        if t.is_dir():
            check_overwrite(t, True)  # raises for a folder in the way


def _write_pack(
    out: Path, jobs: list[PackJob], manifest: Manifest, task: Task, current: dict[str, Task]
) -> Manifest:
    """Write every job into a hidden folder, list and verify it, then swap it in as one unit."""
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
                    file_sha256(src),
                )
            )
        (staging / "manifest.json").write_text(
            json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (staging / manifest.readme_name).write_text(manifest.readme(), encoding="utf-8")
    return manifest
