"""Illustrative opportunity layers of the embedded region: jobs and schools.

No open job or school register is among ``resources/sources``, so both
layers are generated deterministically from the real anchors the region is
built from (municipal population, locality centres, stations) and labelled
illustrative like the bike network:

* ``banen`` (jobs): per municipality of Halle-Vilvoorde
  :data:`JOBS_PER_INHABITANT` jobs per inhabitant, :data:`CENTRE_SHARE` of
  them in the main centre, the rest in a business zone ("bedrijvenzone")
  beside the municipality's busiest station (else its second locality);
  per Brussels municipality one destination zone at a point inside it with
  :data:`BRUSSELS_JOBS_PER_INHABITANT` jobs per inhabitant (the jobs held by
  the region's commuters), so commuting to Brussels is routed to where
  people work. ``zone`` holds the NIS code, so a
  commuting (OD) table by municipality matches the points.
* ``scholen`` (schools): a primary school per locality with
  :data:`PRIMARY_SHARE` of its inhabitants as pupils, and a secondary school
  in the main centre of every municipality above
  :data:`SECONDARY_MIN_INHABITANTS` with :data:`SECONDARY_SHARE`.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slimmeregio.resources.build_config import SOURCES_COLUMNS

__all__ = [
    "BRUSSELS_JOBS_PER_INHABITANT",
    "CENTRE_SHARE",
    "JOBS_PER_INHABITANT",
    "NOTICE_PARAGRAPH",
    "PRIMARY_SHARE",
    "SECONDARY_MIN_INHABITANTS",
    "SECONDARY_SHARE",
    "opportunity_layers",
    "opportunity_provenance",
]

CRS = "EPSG:31370"
ILLUSTRATIVE = "illustratief"
#: Jobs per inhabitant in Halle-Vilvoorde (illustrative round figure).
JOBS_PER_INHABITANT = 0.35
#: Brussels jobs open to the region's commuters, per Brussels inhabitant
#: (illustrative: puts about a third of the region's commuters in Brussels,
#: the order of the census share; Brussels' own 0.6 jobs per inhabitant would
#: draw three quarters once the gravity model scales jobs to the workers).
BRUSSELS_JOBS_PER_INHABITANT = 0.1
#: Share of a municipality's jobs in its main centre; the rest in its business zone.
CENTRE_SHARE = 0.55
#: Business zone offset from its anchor station (m), so it is not the station itself.
ZONE_OFFSET_M = 400.0
#: Pupils of a locality's primary school per inhabitant.
PRIMARY_SHARE = 0.075
#: Pupils of a secondary school per inhabitant of its municipality.
SECONDARY_SHARE = 0.065
#: Municipalities from this many inhabitants get a secondary school.
SECONDARY_MIN_INHABITANTS = 15_000
MIN_PUPILS = 40
#: Farthest a generated point may lie from the illustrative network (m).
MAX_NETWORK_M = 300.0


def _offset(point: Any, dx: float, dy: float = 0.0) -> Any:
    return shapely.Point(point.x + dx, point.y + dy)


def _jobs(
    gemeenten: gpd.GeoDataFrame,
    brussel: gpd.GeoDataFrame,
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    stations: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    in_region = stations[stations["in_regio"]]
    for muni in gemeenten.itertuples(index=False):
        total = round(JOBS_PER_INHABITANT * float(muni.inwoners))
        locs = deel[deel["nis"] == muni.nis]
        pops = loc_pop[(deel["nis"] == muni.nis).to_numpy()]
        main = locs[locs["naam"] == locs["gemeente"]]
        centre = (main if len(main) else locs.iloc[[int(np.argmax(pops))]]).geometry.iloc[0]
        centre_jobs = round(CENTRE_SHARE * total)
        rows.append(
            {
                "naam": f"{muni.naam} centrum",
                "banen": centre_jobs,
                "soort": "kern",
                "gemeente": muni.naam,
                "zone": muni.nis,
                "geometry": centre,
            }
        )
        own = in_region[in_region["gemeente"] == muni.naam].sort_values(
            ["treinen_per_dag", "station_id"], ascending=[False, True]
        )
        if len(own):
            anchor = _offset(own.geometry.iloc[0], ZONE_OFFSET_M)
        elif len(locs) > 1:
            others = np.flatnonzero((locs["naam"] != locs["gemeente"]).to_numpy())
            anchor = _offset(
                locs.geometry.iloc[int(others[np.argmax(pops[others])])], ZONE_OFFSET_M
            )
        else:
            anchor = _offset(centre, 2 * ZONE_OFFSET_M)
        rows.append(
            {
                "naam": f"Bedrijvenzone {muni.naam}",
                "banen": total - centre_jobs,
                "soort": "bedrijvenzone",
                "gemeente": muni.naam,
                "zone": muni.nis,
                "geometry": anchor,
            }
        )
    for muni in brussel.itertuples(index=False):
        rows.append(
            {
                "naam": f"Werkzone {muni.naam} (Brussel)",
                "banen": round(BRUSSELS_JOBS_PER_INHABITANT * float(muni.inwoners)),
                "soort": "brusselse werkzone",
                "gemeente": muni.naam,
                "zone": muni.nis,
                "geometry": shapely.point_on_surface(muni.geometry),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame.insert(0, "banen_id", [f"JOB-{i:03d}" for i in range(1, len(frame) + 1)])
    frame["banen"] = frame["banen"].astype("int64")
    frame["source"] = ILLUSTRATIVE
    return frame


def _schools(
    gemeenten: gpd.GeoDataFrame, deel: gpd.GeoDataFrame, loc_pop: np.ndarray
) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    for loc, pop in zip(deel.itertuples(index=False), loc_pop, strict=True):
        rows.append(
            {
                "naam": f"Basisschool {loc.naam}",
                "leerlingen": max(MIN_PUPILS, round(PRIMARY_SHARE * pop)),
                "niveau": "basis",
                "gemeente": loc.gemeente,
                "nis": loc.nis,
                "geometry": _offset(loc.geometry, 0.0, -150.0),
            }
        )
    for muni in gemeenten.itertuples(index=False):
        if muni.inwoners < SECONDARY_MIN_INHABITANTS:
            continue
        main = deel[(deel["nis"] == muni.nis) & (deel["naam"] == deel["gemeente"])]
        if not len(main):
            continue
        rows.append(
            {
                "naam": f"Secundaire school {muni.naam}",
                "leerlingen": round(SECONDARY_SHARE * float(muni.inwoners)),
                "niveau": "secundair",
                "gemeente": muni.naam,
                "nis": muni.nis,
                "geometry": _offset(main.geometry.iloc[0], 0.0, 250.0),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame.insert(0, "school_id", [f"SCH-{i:03d}" for i in range(1, len(frame) + 1)])
    frame["leerlingen"] = frame["leerlingen"].astype("int64")
    frame["source"] = ILLUSTRATIVE
    return frame


def _near_network(frame: gpd.GeoDataFrame, network: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Points farther than :data:`MAX_NETWORK_M` from the network moved onto its nearest link
    (a Brussels zone's centre may lie where the illustrative network does not reach)."""
    if network is None or not len(network):
        return frame
    lines = np.asarray(network.geometry.values, dtype=object)
    tree = shapely.STRtree(lines)
    pts = np.asarray(frame.geometry.values, dtype=object)
    idx, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    far = dist > MAX_NETWORK_M
    if not far.any():
        return frame
    moved = pts.copy()
    src = idx[0][far]
    line = lines[idx[1][far]]
    moved[src] = shapely.line_interpolate_point(line, shapely.line_locate_point(line, pts[src]))
    out = frame.copy()
    out["geometry"] = gpd.GeoSeries(moved, crs=frame.crs).values
    return out


def opportunity_layers(
    gemeenten: gpd.GeoDataFrame,
    brussel: gpd.GeoDataFrame,
    deel: gpd.GeoDataFrame,
    loc_pop: np.ndarray,
    stations: gpd.GeoDataFrame,
    network: gpd.GeoDataFrame | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """The ``banen`` and ``scholen`` layers (illustrative, deterministic), every
    point within :data:`MAX_NETWORK_M` of ``network`` when given."""
    return {
        "banen": _near_network(_jobs(gemeenten, brussel, deel, loc_pop, stations), network),
        "scholen": _near_network(_schools(gemeenten, deel, loc_pop), network),
    }


def opportunity_provenance(seed: int) -> pd.DataFrame:
    """Provenance rows of the two layers (columns as in resources/build.py)."""
    gen = f"gegenereerd door slimmeregio.resources.build_opportunities (seed {seed})"
    attribution = "© OpenStreetMap contributors, ODbL 1.0"
    rows = [
        ("banen", "Banen (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", ILLUSTRATIVE,
         f"Illustratieve werkplaatsen: {JOBS_PER_INHABITANT:g} banen per inwoner per gemeente, verdeeld over het "
         "centrum en een bedrijvenzone bij het drukste station; Brusselse gemeenten als werkzones "
         f"({BRUSSELS_JOBS_PER_INHABITANT:g} banen voor pendelaars uit de regio per Brusselse inwoner). "
         "Geen echte tewerkstellingscijfers.",
         f"Illustrative workplaces: {JOBS_PER_INHABITANT:g} jobs per inhabitant per municipality, split between "
         "the centre and a business zone by the busiest station; Brussels municipalities as job zones "
         f"({BRUSSELS_JOBS_PER_INHABITANT:g} jobs held by the region's commuters per Brussels inhabitant). "
         "Not real employment figures.", attribution),
        ("scholen", "Scholen (illustratief)", gen, "ODbL 1.0 (afgeleid)", "bevolking 2020-01-01", ILLUSTRATIVE,
         "Illustratieve scholen: een basisschool per deelgemeente en een secundaire school in de grotere "
         "gemeenten, leerlingen naar rato van de bevolking. Geen echte scholenlijst.",
         "Illustrative schools: a primary school per locality and a secondary school in the larger "
         "municipalities, pupils in proportion to population. Not a real school register.", attribution),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(SOURCES_COLUMNS))


#: The NOTICE paragraph on the two layers.
NOTICE_PARAGRAPH = """\
The layers banen (jobs, including Brussels job zones) and scholen (schools)
are illustrative too: generated by slimmeregio.resources.build_opportunities
from municipal population, locality centres and stations; they are not real
employment figures or a school register.
"""
