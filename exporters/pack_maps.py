"""The council pack's maps: every masterplan map per scenario and theme, and the atlas per scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slimmeregio.exporters.map_flows import shared_flow_breaks
from slimmeregio.exporters.maps import THEMES, export_atlas, masterplan_figure, save_figure
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.pack_jobs import PackJob, PackSpec, kind_text, scenario_slug
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.progress import Task

#: The formats a masterplan map is written in.
MAP_FORMATS = ("pdf", "png", "svg")

#: A planned map: file-name part, theme, the map's results and options, scenario shown.
MapPlan = tuple[str, str, dict[str, Any], str]


def _scenario_maps(slug: str, name: str, ev: Any, comp: Any) -> list[MapPlan]:
    """A scenario's maps: access, change, flows, and the themes its results allow."""
    plan: list[MapPlan] = [(slug, "access", {"evaluation": ev}, name)]
    if comp is not None:
        plan.append((slug, "change", {"comparison": comp}, name))
    plan.append((slug, "flows", {"evaluation": ev}, name))
    if getattr(ev, "has_brussels", False):
        plan.append((slug, "flows_brussels", {"evaluation": ev}, name))
    if "flow_bike_commuters" in ev.links.columns:
        plan.append((slug, "bike_commute", {"evaluation": ev}, name))
    if getattr(ev, "pt_stops", None) is not None:  # the project has a stops layer
        results = {"comparison": comp} if comp is not None else {"evaluation": ev}
        plan.append((slug, "public_transport", results, name))
    return plan


def _map_plan(spec: PackSpec) -> list[MapPlan]:
    """Every map of the pack: the base's, each scenario's, the siting suggestion's."""
    base, runs, siting, lang = spec.base, spec.runs, spec.siting, spec.lang
    plan: list[MapPlan] = []
    ref = base if base is not None else (runs[0][1] if runs else None)
    base_label = spec.base_label
    names = spec.names
    if ref is not None:
        plan.append((names.base, "base", {"evaluation": ref}, base_label))
    if base is not None:
        plan.append((names.base, "access", {"evaluation": base}, base_label))
    for i, (name, ev, comp) in enumerate(runs, start=1):
        plan += _scenario_maps(scenario_slug(i, name), name, ev, comp)
    if siting is not None and len(siting.sites):
        start = runs[-1][0] if runs else base_label
        options = {
            "evaluation": spec.last,
            "siting": siting,
            "subtitle": tr(lang, "Vertrekt van: {start}").format(start=start),
        }
        plan.append((names.suggestion, "siting", options, start))
    # one set of flow classes for every flow map of the pack, so maps of different scenarios compare
    all_evals = ([base] if base is not None else []) + [ev for _, ev, _ in runs]
    breaks = {
        col: shared_flow_breaks(all_evals, col)
        for col in ("flow_dwellings", "flow_brussels_dwellings", "flow_bike_commuters")
    }
    for _, theme, kwargs, _ in plan:
        if theme in ("flows", "flows_brussels", "bike_commute"):
            kwargs["flow_breaks"] = breaks
    return plan


def map_jobs(spec: PackSpec, paper: Any, background: Any = None) -> list[PackJob]:
    """One job per (map, theme): draws once and saves every map format."""
    fmts = [f for f in spec.formats if f in MAP_FORMATS]
    if not fmts:
        return []
    project, lang = spec.project, spec.lang
    jobs = []
    for slug, theme, kwargs, scenario in _map_plan(spec):
        stem = f"{spec.names.maps}/{slug}_{spec.names.themes[theme]}"
        ev = kwargs.get("evaluation") or kwargs["comparison"].scenario
        theme_meta = spec.meta.with_scenario(ev.scenario, ev.parameters)

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
                PackJob(
                    f"{stem}.{fmt}",
                    "map",
                    f"{kind_text('map', lang)}: {title} ({fmt.upper()})",
                    write if fmt == fmts[0] else (lambda staging: None),
                    scenario=scenario,
                    weight=3.0 if fmt == fmts[0] else 0.0,
                )
            )
    return jobs


def atlas_jobs(
    spec: PackSpec, count: int, atlas_paper: str, current: dict[str, Task], cancel: Any
) -> list[PackJob]:
    """The atlas of each scenario (the base alone without scenarios): ``count`` pages,
    progress reported into the slice ``current["task"]`` the pack gives the job."""
    names, lang, meta = spec.names, spec.lang, spec.meta
    jobs = []
    for i, (name, ev, comp) in enumerate(spec.runs_or_base, start=1):
        slug = scenario_slug(i, name) if spec.runs else names.base
        theme = "change" if comp is not None else "access"

        def write_atlas(
            staging: Path, slug: str = slug, theme: str = theme, ev: Any = ev, comp: Any = comp
        ) -> None:
            export_atlas(
                spec.project,
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

        pages = tr(lang, "{count} pagina's").format(count=count)
        jobs.append(
            PackJob(
                f"{names.atlas}/atlas_{slug}.pdf",
                "atlas",
                f"{kind_text('atlas', lang)} ({pages})",
                write_atlas,
                scenario=name,
                weight=0.6 * count,
            )
        )
    return jobs
