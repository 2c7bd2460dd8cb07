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
from typing import Any

import click

from slimmeregio import __version__
from slimmeregio.layers.errors import OperationCancelled, SlimmeRegioError

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


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_app)


@cli.command("open")
@click.argument("project", required=False, type=click.Path(dir_okay=False))
def open_app(project: str | None = None) -> None:
    """Open the desktop application (on PROJECT, or the embedded region)."""
    from slimmeregio.desktop.app import main as app_main

    args: list[str] = [project] if project else []
    sys.exit(app_main(args))


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="slimmeregio")
