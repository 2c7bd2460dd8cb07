"""Commands that evaluate scenarios: ``run``, ``export`` (the council pack) and ``scenario example``."""

from __future__ import annotations

from typing import Any

import click

from slimmeregio.cli_common import (
    current_lang,
    file_option,
    out_folder_option,
    progress_bar,
    user_errors,
)
from slimmeregio.layers.applog import timed

#: ``--project``: the project a run or export works on.
project_option = file_option(
    "--project",
    "project_path",
    help="Project file (.srp/.gpkg) or layer file; default: the embedded region.",
)

#: ``--refresh``: read the project's service layers again before the run.
refresh_option = click.option(
    "--refresh",
    is_flag=True,
    help="Read the project's service layers (WFS / OGC API) again first; default: their saved snapshot.",
)


def _background(key: str | None) -> Any:
    """The preset background map ``key`` for print maps (None: none)."""
    if key is None:
        return None
    from slimmeregio.layers.tiles import PRESETS, Background

    if key not in PRESETS:
        raise click.BadParameter(", ".join(PRESETS), param_hint="--background")
    return Background(PRESETS[key])


def _refreshed(project: Any, refresh: bool) -> Any:
    """``project`` with its service layers read again when ``refresh`` (else
    their saved snapshots, untouched)."""
    if refresh:
        from slimmeregio.layers.services import refresh_project

        for name in refresh_project(project):
            click.echo(
                ("vernieuwd: " if current_lang() == "nl" else "refreshed: ") + name, err=True
            )
    return project


@click.command("export")
@click.argument("scenario_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@out_folder_option("Folder for the council pack (created when missing).")
@click.option(
    "--formats",
    default="pdf,png,svg,html,xlsx,pptx,gpkg",
    show_default=True,
    help="Comma-separated: pdf, png, svg, html, xlsx, pptx, gpkg.",
)
@click.option(
    "--paper",
    default="a3-landscape",
    show_default=True,
    help="a4-portrait, a4-landscape, a3-portrait or a3-landscape.",
)
@click.option(
    "--atlas",
    is_flag=True,
    help="Also write atlas/atlas_<scenario>.pdf per scenario: one page for every municipality "
    "of the region (never cut by --municipality).",
)
@click.option(
    "--municipality",
    "municipalities",
    multiple=True,
    metavar="NAME",
    help="Add a folder gemeenten/NAME/ (municipalities/NAME/ with --lang en) with one map page per scenario, a workbook with only that "
    "municipality and its own deck (name or NIS code; repeatable). The regional files stay whole.",
)
@click.option(
    "--sites",
    "sites",
    type=click.IntRange(0, 50),
    default=0,
    show_default=True,
    help="Also suggest this many new mobipunt sites (map, web map, GeoPackage).",
)
@click.option("--force", is_flag=True, help="Replace existing files.")
@click.option(
    "--planned",
    is_flag=True,
    help="Also compare the built-in scenario 'geplande projecten' (the housing layer's planned "
    "projects on today's situation), first in the pack.",
)
@project_option
@click.option(
    "--business-parks",
    "business_parks",
    is_flag=True,
    help="Also write bedrijventerreinen/<workplace>.pdf: one page per busy workplace with the homes "
    "and routes of its potential bike commuters (needs a jobs layer).",
)
@refresh_option
@click.option(
    "--background",
    "background_key",
    default=None,
    metavar="MAP",
    help="Draw a background map under the regional maps: osm, grb, grb-grijs, orthofoto, grb-wms or "
    "orthofoto-wms (needs a connection; default: none, so the pack is reproducible offline).",
)
def export_command(
    scenario_files: tuple[str, ...],
    out_dir: str,
    formats: str,
    paper: str,
    atlas: bool,
    municipalities: tuple[str, ...],
    sites: int,
    force: bool,
    planned: bool,
    project_path: str | None,
    business_parks: bool,
    refresh: bool,
    background_key: str | None,
) -> None:
    """Evaluate SCENARIO_FILES against the base and write the council pack
    (maps, atlas, web map, Excel, slides, GeoPackage, manifest) into --out."""
    from slimmeregio.exporters.maps import parse_paper
    from slimmeregio.exporters.pack import export_pack, parse_formats
    from slimmeregio.layers.progress import Task
    from slimmeregio.layers.project_source import load_project_source
    from slimmeregio.layers.safe_io import output_folder
    from slimmeregio.scenarios.engine import compare_scenarios, suggest_sites
    from slimmeregio.scenarios.model import Scenario

    lang = current_lang()
    with user_errors():
        chosen_formats = parse_formats(formats)
        background = _background(background_key)
        parse_paper(paper)
        scenarios = [Scenario.load(path) for path in scenario_files]
        out = output_folder(out_dir)  # before the computation: a folder we cannot write fails now
        project = _refreshed(load_project_source(project_path), refresh)
        with progress_bar("Export") as bar:
            task = Task(bar)
            with timed(f"export: compare {', '.join(repr(s.name) for s in scenarios)}"):
                base, comparisons = compare_scenarios(
                    project, scenarios, planned=planned, progress=task.sub(0.0, 0.5).report
                )
            if planned and len(comparisons) == len(scenarios):
                click.echo(
                    "Let op: de woningenlaag heeft geen geplande projecten."
                    if lang == "nl"
                    else "Warning: the housing layer has no planned projects.",
                    err=True,
                )
            siting = suggest_sites(base, scenarios[-1], sites) if sites else None
            manifest = export_pack(
                comparisons,
                out,
                project=project,
                siting=siting,
                formats=chosen_formats,
                paper=paper,
                atlas=atlas,
                municipalities=list(municipalities) or None,
                force=force,
                lang=lang,
                progress=task.sub(0.55, 1.0).report,
                background=background,
                business_parks=business_parks,
            )
    count = len(manifest.files)
    if lang == "nl":
        click.echo(
            f"{count} bestanden geschreven in {out_dir} (zie {manifest.readme_name} en manifest.json)."
        )
    else:
        click.echo(
            f"{count} files written to {out_dir} (see {manifest.readme_name} and manifest.json)."
        )


@click.group("scenario")
def scenario_group() -> None:
    """Scenario files: write a commented example to start from."""


@scenario_group.command("example")
def scenario_example_command() -> None:
    """Print a commented example scenario on the embedded region (TOML).

    Usage: slimmeregio scenario example > s.toml
    """
    from slimmeregio.scenarios.model import example_scenario_toml

    click.echo(example_scenario_toml(), nl=False)


@click.command("run")
@click.argument("scenario_file", type=click.Path(dir_okay=False))
@project_option
@out_folder_option("Folder for results.gpkg and summary.json (created when missing).")
@click.option("--force", is_flag=True, help="Replace results.gpkg and summary.json if they exist.")
@refresh_option
def run_command(
    scenario_file: str, project_path: str | None, out_dir: str, force: bool, refresh: bool
) -> None:
    """Evaluate SCENARIO_FILE against the base; write results.gpkg and summary.json."""
    from slimmeregio.exporters.run_files import RUN_FILES, run_summary, write_run_files
    from slimmeregio.layers.progress import Task
    from slimmeregio.layers.project_source import load_project_source
    from slimmeregio.layers.safe_io import check_overwrite, output_folder
    from slimmeregio.scenarios.engine import compare_scenarios
    from slimmeregio.scenarios.model import Scenario

    lang = current_lang()
    with user_errors():
        scenario = Scenario.load(scenario_file)
        out = output_folder(out_dir)
        for name in RUN_FILES:
            check_overwrite(out / name, force)
        project = _refreshed(load_project_source(project_path), refresh)
        with progress_bar("Run") as bar:
            task = Task(bar)
            with timed(
                f"run: compare {scenario.name!r} ({len(scenario.modifications)} modifications)"
            ):
                _, (comparison,) = compare_scenarios(
                    project, [scenario], progress=task.sub(0.0, 0.8).report
                )
            summary = run_summary(scenario, scenario_file, comparison)
            write_run_files(
                out, project, comparison, summary, lang=lang, progress=task.sub(0.8, 0.98).report
            )
            task.report(1.0, "done")
    from slimmeregio.scenarios.summary import summary_lines

    for line in summary_lines(comparison, lang):
        click.echo(line)
    done = "Resultaten geschreven in" if lang == "nl" else "Results written to"
    click.echo(f"{done} {out} (results.gpkg, summary.json)")
