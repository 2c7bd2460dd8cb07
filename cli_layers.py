"""Commands that read data files: ``import-osm``, ``import-gtfs`` and ``info``."""

from __future__ import annotations

import os
from typing import Any

import click

from slimmeregio.cli_common import (
    current_lang,
    echo_written,
    file_option,
    progress_bar,
    user_errors,
)
from slimmeregio.layers.roles import Role

#: The ``--out`` option of the imports: the GeoPackage they write.
gpkg_out_option = click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="GeoPackage to write."
)


@click.command("import-osm")
@click.argument("extract", type=click.Path(dir_okay=False))
@gpkg_out_option
@file_option(
    "--clip-to",
    "clip_to",
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
@file_option(
    "--rules", "rules_file", help="TOML file overriding the OSM tag rules (see docs/osm-import.md)."
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

    lang = current_lang()
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
    echo_written(result.report.lines(lang), written, lang)


@click.command("import-gtfs")
@click.argument("feed", type=click.Path(dir_okay=False))
@gpkg_out_option
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
    lang = current_lang()
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
    echo_written(result.report.lines(lang), written, lang)


@click.command("info")
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

    lang = current_lang()
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


def _role_or_none(role: str | None) -> Any:
    return Role(role) if role else None
