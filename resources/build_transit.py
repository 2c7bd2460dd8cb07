"""The embedded region's public transport layer ``ov_haltes``: real stations with derived frequencies, illustrative bus stops.

Built by :func:`slimmeregio.resources.build.build_region` next to the other
layers. What is real and what is not:

* **Stations** (mode ``trein``): the region's stations layer (iRail open
  data: position, name, ``treinen_per_dag`` = the average number of
  stopping trains a day). Departures per hour per window are *derived*:
  ``treinen_per_dag`` / :data:`SERVICE_HOURS`, times the window's factor
  of :data:`WINDOW_PROFILE` (more in the peaks, fewer in the evening). The
  ride to Brussels (``rit_min_brussel``) is *illustrative*: the straight
  distance to the nearest Brussels main station x :data:`RAIL_DETOUR` at
  :data:`RAIL_SPEED_KMH`, plus :data:`RAIL_STOP_MIN`; 0 at the main
  stations. A real GTFS feed (``slimmeregio import-gtfs``) replaces both.
* **Bus stops** (mode ``bus``): one *illustrative* stop at each locality
  centre (deelgemeente, real position), with a frequency by the locality's
  population (:data:`BUS_CLASSES`) and one illustrative route per
  municipality (``lijn <NIS>``). Not the De Lijn network.

Every row says which in ``source``.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = [
    "BUS_CLASSES",
    "RAIL_DETOUR",
    "RAIL_SPEED_KMH",
    "RAIL_STOP_MIN",
    "SERVICE_HOURS",
    "TRANSIT_ILLUSTRATIVE",
    "WINDOW_PROFILE",
    "transit_layer",
]

#: Hours of the day with train service (about 05:00-24:00).
SERVICE_HOURS = 19.0
#: Share of the mean hourly frequency per window (illustrative day profile).
WINDOW_PROFILE: dict[str, float] = {
    "ochtendspits": 1.4,
    "dag": 0.9,
    "avondspits": 1.4,
    "avond": 0.6,
}
#: Illustrative ride to Brussels: detour factor over the straight line, speed, stops.
RAIL_DETOUR = 1.25
RAIL_SPEED_KMH = 60.0
RAIL_STOP_MIN = 2.0
#: Illustrative bus frequency by locality population: (at least inhabitants,
#: departures per hour per window).
BUS_CLASSES: tuple[tuple[float, dict[str, float]], ...] = (
    (10_000, {"ochtendspits": 4.0, "dag": 2.0, "avondspits": 4.0, "avond": 1.0}),
    (3_000, {"ochtendspits": 2.0, "dag": 1.0, "avondspits": 2.0, "avond": 0.5}),
    (0, {"ochtendspits": 1.0, "dag": 0.5, "avondspits": 1.0, "avond": 0.0}),
)
#: The ``source`` of the illustrative rows.
TRANSIT_ILLUSTRATIVE = "illustratief"
_STATION_SOURCE = "station: iRail (echt); frequentie afgeleid, rit illustratief"
_BRUSSELS_MAIN = ("Brussel-Zuid", "Brussel-Centraal", "Brussel-Noord")


def _station_rows(stations: gpd.GeoDataFrame) -> pd.DataFrame:
    per_day = pd.to_numeric(stations["treinen_per_dag"], errors="coerce").fillna(0).to_numpy(float)
    mean = per_day / SERVICE_HOURS
    names = stations["naam"].astype(str).to_numpy()
    main = np.isin(names, _BRUSSELS_MAIN)
    xy = np.column_stack([stations.geometry.x.to_numpy(), stations.geometry.y.to_numpy()])
    if main.any():
        d = np.min(
            np.hypot(xy[:, None, 0] - xy[main][None, :, 0], xy[:, None, 1] - xy[main][None, :, 1]),
            axis=1,
        )
        ride = d * RAIL_DETOUR / (RAIL_SPEED_KMH * 1000 / 60) + RAIL_STOP_MIN
        ride = np.where(main, 0.0, np.round(ride, 1))
    else:
        ride = np.full(len(stations), np.nan)
    ride = np.where(per_day > 0, ride, np.nan)
    data: dict[str, object] = {
        "stop_id": "st-" + stations["station_id"].astype(str).to_numpy(dtype=object),
        "naam": names,
        "modi": "trein",
        "hoofdmodus": "trein",
        "lijnen": "",
    }
    for window, factor in WINDOW_PROFILE.items():
        data[f"per_uur_{window}"] = np.round(mean * factor, 2)
    data["rit_min_brussel"] = ride
    data["per_lijn"] = "{}"
    data["source"] = _STATION_SOURCE
    return pd.DataFrame(data)


def _bus_rows(deel: gpd.GeoDataFrame, population: np.ndarray) -> pd.DataFrame:
    rows = []
    for (_, loc), pop in zip(deel.iterrows(), population, strict=True):
        rates = next(r for floor, r in BUS_CLASSES if pop >= floor)
        route = f"lijn {loc['nis']}"
        rows.append(
            {
                "stop_id": f"bus-{loc['postcode']}-{loc['naam']}",
                "naam": f"{loc['naam']} centrum",
                "modi": "bus",
                "hoofdmodus": "bus",
                "lijnen": route,
                **{f"per_uur_{w}": rates[w] for w in WINDOW_PROFILE},
                "rit_min_brussel": np.nan,
                "per_lijn": json.dumps(
                    {route: {w: rates[w] for w in WINDOW_PROFILE}},
                    ensure_ascii=False,
                    separators=(",", ":"),
                ),
                "source": TRANSIT_ILLUSTRATIVE,
            }
        )
    return pd.DataFrame(rows)


def transit_layer(
    stations: gpd.GeoDataFrame, deel: gpd.GeoDataFrame, population: np.ndarray
) -> gpd.GeoDataFrame:
    """The ``ov_haltes`` layer: a row per station, then one per locality centre.

    ``stations``: the region's stations layer (``station_id``, ``naam``,
    ``treinen_per_dag``); ``deel``: the locality centres (``postcode``,
    ``naam``, ``nis``); ``population``: inhabitants per locality.
    Columns as the GTFS import writes them (docs/gtfs.md) plus ``source``.
    """
    st = _station_rows(stations)
    bus = _bus_rows(deel, np.asarray(population, dtype=float))
    frame = pd.concat([st, bus], ignore_index=True)
    geometry = list(stations.geometry.to_numpy()) + list(deel.geometry.to_numpy())
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=stations.crs)
