"""The command line: a thin layer over the functions the GUI calls.

``slimmeregio`` without a command opens the desktop application on the
embedded region. Every user mistake ends in a one-line message (Dutch by
default, ``--lang en`` for English) and exit status 2; never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from slimmeregio import __version__
from slimmeregio.layers.applog import timed
from slimmeregio.layers.errors import OperationCancelled, SlimmeRegioError
from slimmeregio.layers.roles import Role

__all__ = ["main", "cli"]

#: Exit status for a user mistake (bad file, bad scenario): a one-line message.
EXIT_USER_ERROR = 2


def _lang(ctx: click.Context | None = None) -> str:
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().obj:
        return str(ctx.find_root().obj.get("lang", "nl"))
    return os.environ.get("SLIMMEREGIO_LANG", "nl")


def fail(error: SlimmeRegioError) -> None:
    """Print ``error`` as one line in the user's language and exit 2."""
    lang = _lang()
    label = "fout" if lang == "nl" else "error"
    click.echo(f"slimmeregio: {label}: {error.full_message(lang)}", err=True)
    sys.exit(EXIT_USER_ERROR)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's own errors into a one-line message and exit 2."""
    try:
        yield
    except OperationCancelled:
        click.echo("slimmeregio: " + OperationCancelled().message(_lang()), err=True)
        sys.exit(130)
    except SlimmeRegioError as error:
        fail(error)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[float, str], None]]:
    """A terminal progress bar driven by the core's progress callback."""
    if not sys.stderr.isatty():
        yield lambda fraction, message: None
        return
    with click.progressbar(length=1000, label=label, file=sys.stderr) as bar:
        done = [0]

        def callback(fraction: float, message: str) -> None:
            target = int(fraction * 1000)
            if target > done[0]:
                bar.update(target - done[0])
                done[0] = target

        yield callback


class _OneLineErrors(click.Group):
    """The root group: click's own usage errors (unknown option, missing
    argument, bad value) in the project's one-line format, exit status 2."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo("slimmeregio: " + OperationCancelled().message(_lang()), err=True)
            sys.exit(130)
        except click.ClickException as error:
            ctx = getattr(error, "ctx", None)
            lang = _lang(ctx)
            label = "fout" if lang == "nl" else "error"
            text = " ".join(error.format_message().split())
            if ctx is not None and isinstance(error, click.UsageError):
                see = "zie" if lang == "nl" else "see"
                text += f" ({see} '{ctx.command_path} --help')"
            click.echo(f"slimmeregio: {label}: {text}", err=True)
            sys.exit(EXIT_USER_ERROR if isinstance(error, click.UsageError) else error.exit_code)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(
    cls=_OneLineErrors,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="slimmeregio")
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=lambda: os.environ.get("SLIMMEREGIO_LANG", "nl"),
    help="Language of messages (nl or en).",
)
@click.pass_context
def cli(ctx: click.Context, lang: str) -> None:
    """Slimme Regio Planner: what-if scenarios for bike links, mobipunten and
    housing in Halle-Vilvoorde.

    Without a command, opens the desktop application on the embedded region.
    """
    ctx.obj = {"lang": lang}
    if ctx.invoked_subcommand not in (None, "open"):  # the desktop application starts its own log
        from slimmeregio.layers.applog import configure_logging

        configure_logging(program=f"cli {ctx.invoked_subcommand}")
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_app)


@cli.command("open")
@click.argument("project", required=False, type=click.Path(dir_okay=False))
def open_app(project: str | None = None) -> None:
    """Open the desktop application (on PROJECT, or the embedded region)."""
    from slimmeregio.desktop.app import main as app_main

    args: list[str] = [project] if project else []
    sys.exit(app_main(args))


@cli.command("selftest")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the files the test writes (PDF, workbook, web map, slides) in this folder.",
)
def selftest(out_dir: str | None = None) -> None:
    """Check this installation headless: region, scenario, PDF/Excel/HTML/PPTX export.

    Exit status 0 only when every check passed.
    """
    from slimmeregio.exporters.selftest import run_selftest
    from slimmeregio.layers.safe_io import output_folder

    lang = _lang()
    with user_errors():
        if out_dir is not None:
            out_dir = str(output_folder(out_dir))
        report = run_selftest(out_dir=out_dir, on_check=lambda check: click.echo(check.line(lang)))
    click.echo(report.lines(lang)[-1])
    sys.exit(0 if report.ok else 1)


@cli.command("import-osm")
@click.argument("extract", type=click.Path(dir_okay=False))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="GeoPackage to write."
)
@click.option(
    "--clip-to",
    "clip_to",
    type=click.Path(dir_okay=False),
    default=None,
    help="Clip to the municipalities (polygons) of this GeoPackage or vector file.",
)
@click.option("--bbox", default=None, help="Clip to minlon,minlat,maxlon,maxlat (WGS84).")
@click.option(
    "--buffer",
    "buffer_m",
    type=float,
    default=2000.0,
    show_default=True,
    help="Buffer around --clip-to in metres, so border crossings survive.",
)
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file overriding the OSM tag rules (see docs/osm-import.md).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def import_osm_command(
    extract: str,
    out: str,
    clip_to: str | None,
    bbox: str | None,
    buffer_m: float,
    rules_file: str | None,
    force: bool,
) -> None:
    """Import an OpenStreetMap extract (.osm.pbf/.osm) as bike network and POI layers."""
    from slimmeregio.layers.osm import clip_from_file, import_osm, write_osm_gpkg
    from slimmeregio.layers.osm_options import parse_bbox, read_rules
    from slimmeregio.layers.safe_io import check_overwrite

    lang = _lang()
    with user_errors():
        check_overwrite(out, force)
        box = parse_bbox(extract, bbox, clip_to=clip_to)
        rules = read_rules(rules_file)
        clip = clip_from_file(clip_to) if clip_to else None
        with progress_bar("OpenStreetMap") as bar:
            result = import_osm(
                extract, clip=clip, bbox=box, buffer_m=buffer_m, rules=rules, progress=bar
            )
        written = write_osm_gpkg(result, out, force=force)
    for line in result.report.lines(lang):
        click.echo(line)
    click.echo(("geschreven: " if lang == "nl" else "written: ") + str(written))


@cli.command("import-gtfs")
@click.argument("feed", type=click.Path(dir_okay=False))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="GeoPackage to write."
)
@click.option(
    "--date",
    "date",
    default=None,
    metavar="YYYY-MM-DD",
    help="Day to count (default: the next Tuesday in the feed's range).",
)
@click.option(
    "--clip-to",
    "clip_to",
    default=None,
    metavar="FILE|embedded",
    help="Keep the stops in these municipalities (polygon file, or 'embedded' for the region).",
)
@click.option(
    "--buffer",
    "buffer_m",
    type=float,
    default=3000.0,
    show_default=True,
    help="Buffer around --clip-to in metres, so stops across the border stay.",
)
@click.option(
    "--window",
    "window_texts",
    multiple=True,
    metavar="NAME=HH:MM-HH:MM",
    help="A time window (repeatable); replaces the default four (see docs/gtfs.md).",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option(
    "--lang",
    "command_lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of messages (same as slimmeregio --lang).",
)
def import_gtfs_command(
    feed: str,
    out: str,
    date: str | None,
    clip_to: str | None,
    buffer_m: float,
    window_texts: tuple[str, ...],
    force: bool,
    command_lang: str | None,
) -> None:
    """Import a GTFS feed (.zip) as public transport stops with departures per hour."""
    from slimmeregio.layers.errors import GtfsImportError
    from slimmeregio.layers.gtfs import (
        DEFAULT_WINDOWS,
        TimeWindow,
        gtfs_clip,
        import_gtfs,
        write_gtfs_gpkg,
    )
    from slimmeregio.layers.progress import Task
    from slimmeregio.layers.safe_io import check_overwrite

    if command_lang is not None:
        click.get_current_context().find_root().obj["lang"] = command_lang
    lang = _lang()
    with user_errors():
        check_overwrite(out, force)
        windows = []
        for text in window_texts:
            try:
                windows.append(TimeWindow.parse(text))
            except ValueError as exc:
                raise GtfsImportError(
                    path=feed,
                    reason={
                        "nl": f"ongeldig --window '{text}': verwacht naam=UU:MM-UU:MM, "
                        "vooruit binnen 00:00-24:00, naam in a-z, 0-9 en _",
                        "en": f"invalid --window '{text}': expected name=HH:MM-HH:MM, "
                        "forward within 00:00-24:00, name in a-z, 0-9 and _",
                    },
                    detail=str(exc),
                ) from exc
        with progress_bar("GTFS") as bar:
            task = Task(bar)
            clip = gtfs_clip(clip_to, progress=task.sub(0.0, 0.1).report) if clip_to else None
            result = import_gtfs(
                feed,
                date=date,
                windows=windows or DEFAULT_WINDOWS,
                clip=clip,
                buffer_m=buffer_m,
                progress=task.sub(0.1, 0.95).report,
            )
            written = write_gtfs_gpkg(result, out, force=force)
    for line in result.report.lines(lang):
        click.echo(line)
    click.echo(("geschreven: " if lang == "nl" else "written: ") + str(written))


@cli.command("info")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--bbox",
    default=None,
    metavar="XMIN,YMIN,XMAX,YMAX",
    help="For a service URL with --layer: only this area (Lambert 72 metres).",
)
@click.option("--layer", default=None, help="Only this layer of the file.")
@click.option("--crs", default=None, help="Coordinate system of the data, e.g. 31370 or 4326.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=None,
    help="Role of the layer (default: guessed).",
)
@click.option(
    "--field",
    "field_pairs",
    multiple=True,
    metavar="KEY=COLUMN",
    help="Map a role's field to a column, e.g. --field dwellings=aantal.",
)
def info_command(
    paths: tuple[str, ...],
    bbox: str | None,
    layer: str | None,
    crs: str | None,
    role: str | None,
    field_pairs: tuple[str, ...],
) -> None:
    """Show the layers of PATHS: geometry, count, coordinate system, bounds,
    role, field mapping and what was repaired or guessed.

    A PATH may be the http(s) address of a WFS or OGC API Features service:
    without --layer its layers are listed, with --layer that layer is read."""
    from slimmeregio.layers.describe import layer_info_lines
    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.services import (
        capabilities_lines,
        is_service_url,
        parse_bbox,
        read_service_layer,
        service_capabilities,
    )

    lang = _lang()
    fields: dict[str, str] = {}
    for pair in field_pairs:
        key, sep, column = pair.partition("=")
        if not sep or not key.strip() or not column.strip():
            raise click.BadParameter("KEY=COLUMN", param_hint="--field")
        fields[key.strip()] = column.strip()
    with user_errors():
        try:
            area = parse_bbox(bbox) if bbox else None
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--bbox") from None
        for path in paths:
            if is_service_url(path):
                if layer is None:
                    lines = capabilities_lines(service_capabilities(path), lang)
                else:
                    with progress_bar(layer) as bar:
                        found = read_service_layer(
                            path,
                            layer,
                            bbox=area,
                            role=_role_or_none(role),
                            fields=fields or None,
                            progress=bar,
                        )
                    lines = layer_info_lines(found, lang)
                    if found.service is not None:
                        lines.insert(
                            1,
                            "  "
                            + ("bron" if lang == "nl" else "source")
                            + ": "
                            + found.service.describe(lang),
                        )
                click.echo("\n".join(lines))
                click.echo("")
                continue
            with progress_bar(os.path.basename(path)) as bar:
                layers = load_layers(
                    path, layer=layer, crs=crs, role=role, fields=fields or None, progress=bar
                )
            count = len(layers)
            noun = (
                ("laag" if count == 1 else "lagen")
                if lang == "nl"
                else ("layer" if count == 1 else "layers")
            )
            click.echo(f"{path}: {count} {noun}")
            for item in layers:
                click.echo("\n".join(layer_info_lines(item, lang)))
            click.echo("")


def _background(key: str | None) -> Any:
    """The preset background map ``key`` for print maps (None: none)."""
    if key is None:
        return None
    from slimmeregio.layers.tiles import PRESETS, Background

    if key not in PRESETS:
        raise click.BadParameter(", ".join(PRESETS), param_hint="--background")
    return Background(PRESETS[key])


def _role_or_none(role: str | None) -> Any:
    from slimmeregio.layers.roles import Role

    return Role(role) if role else None


def _refreshed(project: Any, refresh: bool) -> Any:
    """``project`` with its service layers read again when ``refresh`` (else
    their saved snapshots, untouched)."""
    if refresh:
        from slimmeregio.layers.services import refresh_project

        for name in refresh_project(project):
            click.echo(("vernieuwd: " if _lang() == "nl" else "refreshed: ") + name, err=True)
    return project


@cli.command("export")
@click.argument("scenario_files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the council pack (created when missing).",
)
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
@click.option(
    "--project",
    "project_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Project file (.srp/.gpkg) or layer file; default: the embedded region.",
)
@click.option(
    "--business-parks",
    "business_parks",
    is_flag=True,
    help="Also write bedrijventerreinen/<workplace>.pdf: one page per busy workplace with the homes "
    "and routes of its potential bike commuters (needs a jobs layer).",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Read the project's service layers (WFS / OGC API) again first; default: their saved snapshot.",
)
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

    lang = _lang()
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


@cli.group("scenario")
def scenario_group() -> None:
    """Scenario files: write a commented example to start from."""


@scenario_group.command("example")
def scenario_example_command() -> None:
    """Print a commented example scenario on the embedded region (TOML).

    Usage: slimmeregio scenario example > s.toml
    """
    from slimmeregio.scenarios.model import example_scenario_toml

    click.echo(example_scenario_toml(), nl=False)


@cli.command("run")
@click.argument("scenario_file", type=click.Path(dir_okay=False))
@click.option(
    "--project",
    "project_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Project file (.srp/.gpkg) or layer file; default: the embedded region.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for results.gpkg and summary.json (created when missing).",
)
@click.option("--force", is_flag=True, help="Replace results.gpkg and summary.json if they exist.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Read the project's service layers (WFS / OGC API) again first; default: their saved snapshot.",
)
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

    lang = _lang()
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


def _progress_lines() -> Callable[[float, str], None]:
    """Progress as a line per tenth done, for logs (stderr is not a terminal)."""
    shown = [-1]

    def callback(fraction: float, message: str) -> None:
        tenth = int(fraction * 10)
        if tenth > shown[0]:
            shown[0] = tenth
            click.echo(f"slimmeregio: {fraction:.0%} ({message})", err=True)

    return callback


@cli.command("sweep")
@click.argument("sweep_file", metavar="SWEEP.toml|example")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for sweep.sqlite, sweep.xlsx and sweep.png; a rerun continues in it.",
)
@click.option(
    "--workers",
    type=click.IntRange(0, 256),
    default=2,
    show_default=True,
    help="Worker processes of a local Dask cluster on 127.0.0.1 (0: no Dask, serial).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run on this existing Dask cluster instead of a local one.",
)
@click.option(
    "--rank-by",
    "rank_by",
    default=None,
    metavar="INDICATOR",
    help="Indicator to rank the variants by (default: the first bike share to a mobipunt).",
)
def sweep_command(
    sweep_file: str, out_dir: str | None, workers: int, scheduler: str | None, rank_by: str | None
) -> None:
    """Evaluate every variant of SWEEP.toml against the base (on Dask distributed);
    `slimmeregio sweep example` prints a commented example sweep file."""
    if sweep_file == "example" and not os.path.exists(sweep_file):
        from slimmeregio.scenarios.sweep_model import example_sweep_toml

        click.echo(example_sweep_toml(), nl=False)
        return
    from slimmeregio.exporters.sweep_report import write_sweep_report
    from slimmeregio.layers.project_source import load_project_source
    from slimmeregio.scenarios.sweep import base_key, run_sweep
    from slimmeregio.scenarios.sweep_model import load_sweep
    from slimmeregio.scenarios.sweep_plan import plan_sweep

    lang = _lang()
    nl = lang == "nl"
    if out_dir is None:
        raise click.UsageError("--out DIR is required" if not nl else "--out MAP is verplicht")
    ctx = click.get_current_context()
    if scheduler and ctx.get_parameter_source("workers") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--workers and --scheduler exclude each other")
    with user_errors():
        sweep, base_scenario, project_path = load_sweep(sweep_file)
        plan = plan_sweep(sweep, base_scenario, base_key(project_path), source=sweep_file)
        sampled = (
            f" ({'steekproef uit' if nl else 'sampled from'} {plan.total})" if plan.sampled else ""
        )
        click.echo(
            f"{len(plan.variants)} varianten{sampled}"
            if nl
            else f"{len(plan.variants)} variants{sampled}"
        )
        project = load_project_source(str(project_path) if project_path else None)
        try:
            with progress_bar("Sweep") as bar:
                outcome = run_sweep(
                    plan,
                    project,
                    out_dir,
                    workers=workers,
                    scheduler=scheduler,
                    progress=bar if sys.stderr.isatty() else _progress_lines(),
                )
        except KeyboardInterrupt:
            click.echo(
                "slimmeregio: onderbroken; de afgewerkte varianten staan in "
                f"{out_dir}, start opnieuw om verder te gaan"
                if nl
                else f"slimmeregio: interrupted; finished variants are kept in {out_dir}, "
                "run again to continue",
                err=True,
            )
            sys.exit(130)
        files, ranked = write_sweep_report(plan, out_dir, indicator=rank_by, lang=lang)
    if nl:
        click.echo(
            f"{outcome.evaluated} doorgerekend, {outcome.skipped} al klaar, "
            f"{outcome.errors} met een fout ({outcome.seconds:.1f} s)"
        )
    else:
        click.echo(
            f"{outcome.evaluated} evaluated, {outcome.skipped} already done, "
            f"{outcome.errors} with an error ({outcome.seconds:.1f} s)"
        )
    for r in ranked.head(5).itertuples():
        click.echo(f"  {r.rank}. #{r.idx} {r.label}: {r.gain:+.3f}")
    from slimmeregio.scenarios.sweep_parquet import PARQUET_DIR

    names = ", ".join([outcome.store.name, f"{PARQUET_DIR}/", *(p.name for p in files)])
    click.echo(f"{'Geschreven in' if nl else 'Written to'} {out_dir}: {names}")


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    return cli.main(args=_open_project_path(args), prog_name="slimmeregio")


def _open_project_path(args: list[str]) -> list[str]:
    """``slimmeregio plan.srp`` (as a file manager's "open with" runs it)
    means ``slimmeregio open plan.srp``."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] == "--lang" else 1
    if (
        i < len(args)
        and args[i] not in cli.commands
        and Path(args[i]).suffix.lower() in (".srp", ".gpkg")
    ):
        return [*args[:i], "open", *args[i:]]
    return args
