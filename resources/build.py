"""Build the embedded Halle-Vilvoorde region from open-data sources.

Usage::

    python -m slimmeregio.resources.build SOURCE_DIR [--out DIR]

``SOURCE_DIR`` holds the four open-data files described in ``SOURCES.md``
(municipalities TopoJSON, rail stations, station facilities, postcode
localities). The build writes ``region.gpkg`` (all vector layers in
EPSG:31370 plus a non-spatial ``provenance`` table), ``bevolking_100m.tif``
(inhabitants per 100 m cell) and ``NOTICE`` into ``--out`` (default: this
package folder) and copies the source files, unchanged, into
``<out>/sources`` so that the build can be rerun from there.

Real layers (municipalities, Brussels, deelgemeenten, stations) are taken
from the sources with documented corrections. Illustrative layers (bike
network, housing, mobipunten, population grid) are generated from the real
anchors with fixed random seeds: the same inputs give the same features.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.resources.build_config import (
    ARRONDISSEMENT,
    BRUSSELS,
    CC0_ATTRIBUTION,
    CRS,
    DEFAULT_HOUSEHOLD_SIZE,
    DEFAULT_SEED,
    GPKG_TIMESTAMP,
    IRAIL_ATTRIBUTION,
    OSM_ATTRIBUTION,
    SOURCE_FILES,
    SOURCES_COLUMNS,
)
from slimmeregio.resources.build_illustrative import (
    Grid,
    make_grid,
    make_housing,
    make_mobipunten,
    make_municipality_grid,
    make_population_grid,
)
from slimmeregio.resources.build_network import locality_population, make_network
from slimmeregio.resources.build_opportunities import (
    NOTICE_PARAGRAPH,
    opportunity_layers,
    opportunity_provenance,
)
from slimmeregio.resources.build_real import (
    dutch_names,
    make_deelgemeenten,
    make_stations,
    municipal_layer,
    read_localities,
    read_municipalities,
    read_stations,
    require_sources,
)
from slimmeregio.resources.build_transit import transit_layer

__all__ = [
    "DEFAULT_HOUSEHOLD_SIZE",
    "DEFAULT_SEED",
    "SOURCE_FILES",
    "BuildResult",
    "build_region",
    "main",
]


@dataclass(frozen=True)
class BuildResult:
    """Where the build wrote its files, and a few totals for the log."""

    gpkg: Path
    raster: Path
    notice: Path
    counts: dict[str, int]


# --------------------------------------------------------------------------
# Provenance, NOTICE, writing
# --------------------------------------------------------------------------


def _provenance(household: float, seed: int) -> pd.DataFrame:
    gen = f"gegenereerd door slimmeregio.resources.build (seed {seed})"
    rows = [
        ("gemeenten", "Gemeenten Halle-Vilvoorde", "Statbel REFNIS / Belgium-Map (belgium-municipalities.topojson)", "CC0 1.0", "2020-01-01", "echt",
         "Grenzen vereenvoudigd (fouten van enkele honderden meter langs grenzen); inwoners op 1 januari 2020.",
         "Boundaries simplified (errors of a few hundred metres along borders); population on 1 January 2020.", CC0_ATTRIBUTION),
        ("brussel", "Gemeenten Brussels Hoofdstedelijk Gewest", "Statbel REFNIS / Belgium-Map (belgium-municipalities.topojson)", "CC0 1.0", "2020-01-01", "echt",
         "Alleen ter oriëntatie en als bestemming; Brussel wordt niet geanalyseerd.",
         "For orientation and as a destination only; Brussels is not analysed.", CC0_ATTRIBUTION),
        ("deelgemeenten", "Deelgemeenten (postcodes)", "bpost postcodelijst, coördinaten OpenStreetMap (belgium-postcode-localities.csv)", "ODbL 1.0", "2020", "echt",
         "Geocodeerde kern van de deelgemeente, geen grens. Gemeente bepaald via de postcode; Franse namen vertaald; twee foutief gegeocodeerde punten (Hamme, Berg) benaderd.",
         "Geocoded centre of the locality, not a boundary. Municipality taken from the postcode; French names translated; two mis-geocoded points (Hamme, Berg) approximated.", OSM_ATTRIBUTION),
        ("stations", "Treinstations", "iRail stations en faciliteiten (belgium-rail-stations.csv, belgium-rail-station-facilities.csv)", "CC0 1.0", "2020", "echt",
         "Stations in de regio, tot 5 km buiten de grens en alle Brusselse stations. treinen_per_dag is het gemiddelde aantal stoppende treinen; fietsenstalling is 1 als er een stalling is.",
         "Stations in the region, up to 5 km beyond its border and all Brussels stations. treinen_per_dag is the average number of stopping trains; fietsenstalling is 1 if there is bicycle parking.", IRAIL_ATTRIBUTION),
        ("fietsnetwerk", "Fietsnetwerk (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         "Illustratief fietsnetwerk, gegenereerd uit echte kernen en stations; geen echt routenetwerk. Laad een echt netwerk (OpenStreetMap, Vlaamse open data) voor beslissingen.",
         "Illustrative bike network generated from real centres and stations; not a real route network. Load a real network (OpenStreetMap, Flemish open data) for decisions.", OSM_ATTRIBUTION),
        ("woningen", "Woningen (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         f"Illustratieve woningspreiding: per gemeente inwoners / {household:g} personen per woning, verdeeld langs de lokale straten; geplande projecten zijn fictief en tellen niet mee in de bevolking.",
         f"Illustrative housing distribution: per municipality inhabitants / {household:g} persons per dwelling, spread along local streets; planned projects are fictitious and not counted in the population.", OSM_ATTRIBUTION),
        ("mobipunten", "Mobipunten (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         "Illustratieve set Hoppinpunten aan stations en kernen; geen officiële inventaris.",
         "Illustrative set of Hoppinpunten at stations and centres; not an official inventory.", OSM_ATTRIBUTION),
        ("ov_haltes", "OV-haltes (illustratief)", gen, "CC0 1.0 / ODbL 1.0 (afgeleid)", "2020", "illustratief",
         "Echte stations (iRail) met een afgeleide frequentie (treinen per dag / 19 uur, meer in de spits) en een illustratieve rit naar Brussel; illustratieve bushaltes aan de kernen met een frequentie naar het inwonertal. Geen dienstregeling: importeer een GTFS-feed (De Lijn, NMBS) voor beslissingen.",
         "Real stations (iRail) with a derived frequency (trains a day / 19 hours, more in the peaks) and an illustrative ride to Brussels; illustrative bus stops at the centres with a frequency by population. No timetable: import a GTFS feed (De Lijn, NMBS) for decisions.", f"{IRAIL_ATTRIBUTION}; {OSM_ATTRIBUTION}"),
        ("bevolking_100m", "Bevolking per 100 m (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", "illustratief",
         f"Illustratief bevolkingsraster: bestaande woningen x {household:g} personen, per cel van 100 m.",
         f"Illustrative population grid: existing dwellings x {household:g} persons, per 100 m cell.", OSM_ATTRIBUTION),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(SOURCES_COLUMNS))


NOTICE_TEXT = """\
Slimme Regio Planner - embedded Halle-Vilvoorde region
=======================================================

region.gpkg and bevolking_100m.tif are built by slimmeregio.resources.build
from the open-data files in sources/ (see sources/SOURCES.md).

Real data
---------
* Municipal boundaries, names, NIS codes and population (1 January 2020):
  Statbel (REFNIS, population statistics) and the Belgium-Map project.
  Licence: CC0 1.0 (public domain dedication).
* Rail stations, average number of stopping trains and station facilities:
  iRail stations project (https://github.com/iRail/stations).
  Licence: CC0 1.0 (public domain dedication).
* Postcode localities (deelgemeenten): bpost postcode list; coordinates
  geocoded from OpenStreetMap.
  Attribution: © OpenStreetMap contributors, ODbL 1.0
  (https://www.openstreetmap.org/copyright). The deelgemeenten layer is a
  derived database made available under the ODbL 1.0.

Illustrative data (NOT real)
----------------------------
The layers fietsnetwerk, woningen, mobipunten, ov_haltes and the raster
bevolking_100m are generated deterministically from the real anchors above.
In ov_haltes the stations are the real iRail stations, but their departures
per hour are derived from the average trains a day and their ride to Brussels
is estimated from the distance; its bus stops and their frequencies are
invented at the real locality centres.
They illustrate the method and must not be read as the real bike network,
housing stock or Hoppinpunt inventory. Each feature carries a `source`
attribute saying so; the provenance table in region.gpkg lists every layer.
Because they are placed around the OpenStreetMap-geocoded locality centres,
they are derived from the deelgemeenten layer and carry the same attribution:
© OpenStreetMap contributors, ODbL 1.0.

Third-party software
--------------------
* Leaflet 1.9.4 (https://leafletjs.com), in vendor/leaflet/: the JavaScript
  map library inlined into exported web maps so they open offline.
  Copyright (c) 2010-2023, Volodymyr Agafonkin; (c) 2010-2011, CloudMade.
  Licence: BSD 2-Clause (full text in vendor/leaflet/LICENSE).
  Unchanged copies of dist/leaflet.js, dist/leaflet.css and dist/images/
  from the npm package leaflet@1.9.4.
"""


def _notice() -> str:
    """NOTICE_TEXT with the opportunity layers' paragraph after the illustrative section."""
    head, sep, tail = NOTICE_TEXT.partition("Third-party software")
    return f"{head}{NOTICE_PARAGRAPH}\n{sep}{tail}"


def _write_gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame], provenance: pd.DataFrame) -> None:
    import pyogrio

    # A fixed timestamp in gpkg_contents makes the file byte-reproducible.
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
        pyogrio.write_dataframe(provenance, path, layer="provenance", driver="GPKG", append=True)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
    # Compact the pages the layer-by-layer writing left half-empty.
    connection = sqlite3.connect(path)
    try:
        connection.execute("VACUUM")
    finally:
        connection.close()


def _write_tif(path: Path, data: np.ndarray, grid: Grid) -> None:
    import rasterio

    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "crs": CRS,
        "transform": grid.transform,
        "compress": "deflate",
        "predictor": 3,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "zlevel": 9,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(1, units="inwoners per cel van 100 m", note="illustratief")


def _copy_sources(source_dir: Path, out_dir: Path) -> None:
    target = out_dir / "sources"
    if target.resolve() == source_dir.resolve():
        return
    target.mkdir(parents=True, exist_ok=True)
    for name in (*SOURCE_FILES, "SOURCES.md"):
        if (source_dir / name).is_file():
            shutil.copyfile(source_dir / name, target / name)


def build_region(
    source_dir: str | Path,
    out_dir: str | Path | None = None,
    *,
    household_size: float = DEFAULT_HOUSEHOLD_SIZE,
    seed: int = DEFAULT_SEED,
    copy_sources: bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> BuildResult:
    """Build the embedded region files from the open-data sources.

    Parameters
    ----------
    source_dir
        Folder with the files of :data:`SOURCE_FILES`.
    out_dir
        Where ``region.gpkg``, ``bevolking_100m.tif`` and ``NOTICE`` go
        (default: the resources package folder). Existing files are replaced
        atomically, only after the whole build succeeded.
    household_size
        Persons per dwelling, to turn population into dwellings.
    seed
        Seed of the illustrative generators; the same seed and sources give
        the same features.
    copy_sources
        Copy the source files, unchanged, into ``<out_dir>/sources``.
    progress, cancel
        See :class:`slimmeregio.layers.progress.Task`.
    """
    task = Task(progress, cancel)
    source = Path(source_dir)
    out = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent
    require_sources(source)
    if household_size <= 0:
        raise ValueError("household_size must be positive")
    rng = np.random.default_rng(seed)

    task.report(0.0, "reading sources")
    municipalities = read_municipalities(source)
    gemeenten = municipal_layer(municipalities, ARRONDISSEMENT)
    brussel = municipal_layer(municipalities, BRUSSELS)
    region = shapely.union_all(gemeenten.geometry.to_numpy())
    brussels = shapely.union_all(brussel.geometry.to_numpy())
    localities = read_localities(source)
    deel = make_deelgemeenten(localities, gemeenten)
    stations = make_stations(read_stations(source), municipalities, region)
    localities["naam"] = dutch_names(localities["naam"], municipalities)
    loc_pop = locality_population(deel, gemeenten)

    network, _ = make_network(
        deel, loc_pop, stations, localities, region, brussels, rng, task.sub(0.05, 0.7)
    )
    task.report(0.75, "housing")
    grid = make_grid(gemeenten.total_bounds)
    cells = make_municipality_grid(gemeenten, grid)
    woningen = make_housing(network, deel, loc_pop, gemeenten, cells, grid, household_size, rng)
    raster = make_population_grid(woningen, grid, household_size)
    mobipunten = make_mobipunten(stations, deel, loc_pop)
    ov_haltes = transit_layer(stations, deel, loc_pop)
    task.report(0.9, "writing")

    layers = {
        "gemeenten": gemeenten,
        "brussel": brussel,
        "deelgemeenten": deel,
        "stations": stations,
        "fietsnetwerk": network.drop(columns="_loc"),
        "woningen": woningen,
        "mobipunten": mobipunten,
        **opportunity_layers(gemeenten, brussel, deel, loc_pop, stations, network),
        "ov_haltes": ov_haltes,
    }
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        tmp_dir = Path(tmp)
        provenance = pd.concat(
            [_provenance(household_size, seed), opportunity_provenance(seed)], ignore_index=True
        )
        _write_gpkg(tmp_dir / "region.gpkg", layers, provenance)
        _write_tif(tmp_dir / "bevolking_100m.tif", raster, grid)
        (tmp_dir / "NOTICE").write_text(_notice(), encoding="utf-8")
        task.check()
        for name in ("region.gpkg", "bevolking_100m.tif", "NOTICE"):
            os.replace(tmp_dir / name, out / name)
    if copy_sources:
        _copy_sources(source, out)
    task.report(1.0, "done")
    counts = {name: len(frame) for name, frame in layers.items()}
    return BuildResult(out / "region.gpkg", out / "bevolking_100m.tif", out / "NOTICE", counts)


def render_preview(
    gpkg: str | Path,
    png: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    title: str = "Halle-Vilvoorde: ingebedde regio",
    size: tuple[float, float] = (12.0, 10.0),
    dpi: int = 110,
) -> Path:
    """Draw every vector layer of ``gpkg`` to ``png`` (matplotlib Figure, no pyplot).

    ``bbox`` (xmin, ymin, xmax, ymax in EPSG:31370) zooms in on a part.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    colours = {"fietssnelweg": "#c2185b", "bovenlokaal": "#ef6c00", "lokaal": "#9e9e9e"}
    widths = {"fietssnelweg": 2.2, "bovenlokaal": 1.1, "lokaal": 0.3}
    hubs = {
        "interregionaal": "#0d47a1",
        "regionaal": "#1976d2",
        "lokaal": "#26a69a",
        "buurt": "#9ccc65",
    }
    read = {name: gpd.read_file(gpkg, layer=name) for name in (
        "gemeenten", "brussel", "fietsnetwerk", "woningen", "stations", "mobipunten", "deelgemeenten")}  # fmt: skip
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    read["brussel"].plot(ax=ax, color="#e8e4f0", edgecolor="#9575cd", linewidth=0.5)
    read["gemeenten"].plot(ax=ax, color="#f5f3ee", edgecolor="#6b6b6b", linewidth=0.7)
    net = read["fietsnetwerk"]
    for klasse in ("lokaal", "bovenlokaal", "fietssnelweg"):
        part = net[net["klasse"] == klasse]
        part.plot(ax=ax, color=colours[klasse], linewidth=widths[klasse], zorder=2)
    woning = read["woningen"]
    existing = woning[woning["status"] == "bestaand"]
    existing.plot(
        ax=ax, color="#8d6e63", markersize=existing["woningen"] * 0.15, alpha=0.5, zorder=3
    )
    woning[woning["status"] == "gepland"].plot(
        ax=ax, color="#7b1fa2", marker="s", markersize=18, zorder=4
    )
    read["stations"].plot(ax=ax, color="#212121", marker="s", markersize=14, zorder=5)
    mobi = read["mobipunten"]
    for kind, colour in hubs.items():
        part = mobi[mobi["type"] == kind]
        if len(part):
            part.plot(ax=ax, color=colour, edgecolor="white", markersize=60, zorder=6)
    if bbox is not None:
        ax.set_xlim(bbox[0], bbox[2])
        ax.set_ylim(bbox[1], bbox[3])
        deel = read["deelgemeenten"].cx[bbox[0] : bbox[2], bbox[1] : bbox[3]]
        for row in deel.itertuples(index=False):
            ax.annotate(row.naam, (row.geometry.x, row.geometry.y), fontsize=8, zorder=7,
                        xytext=(4, 4), textcoords="offset points")  # fmt: skip
        st = read["stations"].cx[bbox[0] : bbox[2], bbox[1] : bbox[3]]
        for row in st.itertuples(index=False):
            ax.annotate(row.naam, (row.geometry.x, row.geometry.y), fontsize=7, color="#212121",
                        xytext=(4, -9), textcoords="offset points", zorder=7)  # fmt: skip
    else:
        gem = read["gemeenten"]
        for row in gem.itertuples(index=False):
            pt = row.geometry.representative_point()
            ax.annotate(row.naam, (pt.x, pt.y), fontsize=7, color="#37474f", ha="center", zorder=7)
    handles = [Line2D([], [], color=c, lw=widths[k] + 0.5, label=k) for k, c in colours.items()]
    handles += [
        Line2D([], [], color=c, marker="o", lw=0, label=f"mobipunt {k}") for k, c in hubs.items()
    ]
    handles += [Line2D([], [], color="#212121", marker="s", lw=0, label="station"),
                Line2D([], [], color="#8d6e63", marker="o", lw=0, label="woningen (bestaand)"),
                Line2D([], [], color="#7b1fa2", marker="s", lw=0, label="woningen (gepland)")]  # fmt: skip
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.9)
    ax.set_title(f"{title}\nfietsnetwerk, woningen en mobipunten zijn illustratief", fontsize=10)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(png)
    return Path(png)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m slimmeregio.resources.build SOURCE_DIR [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m slimmeregio.resources.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("source_dir", help="folder with the open-data source files")
    parser.add_argument("--out", default=None, help="output folder (default: the package)")
    parser.add_argument("--household-size", type=float, default=DEFAULT_HOUSEHOLD_SIZE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if not args.household_size > 0:
        parser.error("--household-size must be a positive number of persons per dwelling")
    from slimmeregio.layers.errors import SlimmeRegioError

    try:
        result = build_region(
            args.source_dir, args.out, household_size=args.household_size, seed=args.seed
        )
    except SlimmeRegioError as error:
        print(f"build: {error.full_message('en')}", file=sys.stderr)
        return 2
    for name, count in result.counts.items():
        print(f"{name}: {count}")
    print(f"written: {result.gpkg}, {result.raster}, {result.notice}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
