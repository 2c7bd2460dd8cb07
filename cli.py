"""The command line: a thin layer over the functions the GUI calls.

``slimmeregio`` without a command opens the desktop application on the
embedded region. Every user mistake ends in a one-line message (Dutch by
default, ``--lang en`` for English) and exit status 2; never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from slimmeregio import __version__
from slimmeregio.cli_common import (
    EXIT_USER_ERROR,
    current_lang,
    fail,
    out_folder_option,
    progress_bar,
    user_errors,
)
from slimmeregio.cli_layers import import_gtfs_command, import_osm_command, info_command
from slimmeregio.cli_runs import export_command, run_command, scenario_group
from slimmeregio.cli_sweep import sweep_command
from slimmeregio.layers.errors import OperationCancelled
from slimmeregio.layers.i18n import tr

__all__ = ["main", "cli", "EXIT_USER_ERROR", "fail", "user_errors", "progress_bar"]


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
            click.echo("slimmeregio: " + OperationCancelled().message(current_lang()), err=True)
            sys.exit(130)
        except click.ClickException as error:
            ctx = getattr(error, "ctx", None)
            lang = current_lang(ctx)
            label = tr(lang, "fout")
            text = " ".join(error.format_message().split())
            if ctx is not None and isinstance(error, click.UsageError):
                text += tr(lang, " (zie '{command} --help')", command=ctx.command_path)
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
        from slimmeregio.layers.allocator import tune_allocators
        from slimmeregio.layers.applog import configure_logging

        tune_allocators()
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
@out_folder_option(
    "Keep the files the test writes (PDF, workbook, web map, slides) in this folder.",
    required=False,
)
def selftest(out_dir: str | None = None) -> None:
    """Check this installation headless: region, scenario, PDF/Excel/HTML/PPTX export.

    Exit status 0 only when every check passed.
    """
    from slimmeregio.exporters.selftest import run_selftest
    from slimmeregio.layers.safe_io import output_folder

    lang = current_lang()
    with user_errors():
        if out_dir is not None:
            out_dir = str(output_folder(out_dir))
        report = run_selftest(out_dir=out_dir, on_check=lambda check: click.echo(check.line(lang)))
    click.echo(report.lines(lang)[-1])
    sys.exit(0 if report.ok else 1)


for _command in (
    import_osm_command,
    import_gtfs_command,
    info_command,
    export_command,
    scenario_group,
    run_command,
    sweep_command,
):
    cli.add_command(_command)


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
