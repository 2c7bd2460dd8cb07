"""What every command of the command line shares: the user's language, one-line errors with exit status 2, and progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from slimmeregio.layers.errors import OperationCancelled, SlimmeRegioError

#: Exit status for a user mistake (bad file, bad scenario): a one-line message.
EXIT_USER_ERROR = 2

FC = TypeVar("FC", bound=Callable[..., object] | click.Command)


def file_option(flag: str, dest: str, help: str) -> Callable[[FC], FC]:
    """An optional option naming an input file: ``flag`` stored as ``dest``."""
    return click.option(flag, dest, type=click.Path(dir_okay=False), default=None, help=help)


def out_folder_option(help: str, *, required: bool = True) -> Callable[[FC], FC]:
    """The ``--out`` option naming the folder a command writes into."""
    return click.option(
        "--out", "out_dir", required=required, type=click.Path(file_okay=False), help=help
    )


def current_lang(ctx: click.Context | None = None) -> str:
    """The language of messages: the root's ``--lang``, else ``SLIMMEREGIO_LANG``, else Dutch."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().obj:
        return str(ctx.find_root().obj.get("lang", "nl"))
    return os.environ.get("SLIMMEREGIO_LANG", "nl")


def fail(error: SlimmeRegioError) -> None:
    """Print ``error`` as one line in the user's language and exit 2."""
    lang = current_lang()
    label = "fout" if lang == "nl" else "error"
    click.echo(f"slimmeregio: {label}: {error.full_message(lang)}", err=True)
    sys.exit(EXIT_USER_ERROR)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's own errors into a one-line message and exit 2."""
    try:
        yield
    except OperationCancelled:
        click.echo("slimmeregio: " + OperationCancelled().message(current_lang()), err=True)
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


def progress_lines() -> Callable[[float, str], None]:
    """Progress as a line per tenth done, for logs (stderr is not a terminal)."""
    shown = [-1]

    def callback(fraction: float, message: str) -> None:
        tenth = int(fraction * 10)
        if tenth > shown[0]:
            shown[0] = tenth
            click.echo(f"slimmeregio: {fraction:.0%} ({message})", err=True)

    return callback


def echo_written(lines: list[str], written: object, lang: str) -> None:
    """Print an import's report ``lines`` and the file it wrote."""
    for line in lines:
        click.echo(line)
    click.echo(("geschreven: " if lang == "nl" else "written: ") + str(written))
