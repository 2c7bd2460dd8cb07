"""The ``sweep`` command: every variant of a sweep file evaluated against the base, on Dask."""

from __future__ import annotations

import os
import sys

import click

from slimmeregio.cli_common import (
    current_lang,
    out_folder_option,
    progress_bar,
    progress_lines,
    user_errors,
)


@click.command("sweep")
@click.argument("sweep_file", metavar="SWEEP.toml|example")
@out_folder_option(
    "Folder for sweep.sqlite, sweep.xlsx and sweep.png; a rerun continues in it.", required=False
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

    lang = current_lang()
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
                    progress=bar if sys.stderr.isatty() else progress_lines(),
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
