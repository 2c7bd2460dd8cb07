"""Per-stop facts from the day's trips: the scheduled train ride to the Brussels main stations, and departures per hour per route.

Two columns of the GTFS import's stops layer (:mod:`slimmeregio.layers.gtfs`):

``rit_min_brussel``
    the shortest scheduled in-vehicle time (minutes) of a *direct* train
    from this stop or station to one of the Brussels main stations
    (:data:`BRUSSELS_MAIN_NAMES`, :data:`BRUSSELS_MAIN_UIC`), over the trains
    leaving it in the morning-peak window (``ochtendspits``; the first
    window when the import has no such window); ``0`` at the main stations
    themselves; empty when no direct train leaves in that window. Arrival is
    the Brussels stop's ``arrival_time`` (else its departure time). Transfers
    are not searched: a stop served only by a bus feeding a train has no
    value (docs/gtfs.md).
``per_lijn``
    departures per hour of each route at the stop in each window, as JSON
    ``{"<route label>": {"<window>": rate, ...}, ...}``; what a scenario's
    ``set_frequency`` for a route changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.layers.gtfs_model import TimeWindow
from slimmeregio.layers.gtfs_read import parse_times

__all__ = [
    "BRUSSELS_MAIN_NAMES",
    "BRUSSELS_MAIN_UIC",
    "RATES_COLUMN",
    "RIDE_COLUMN",
    "add_trip_columns",
    "arrival_seconds",
    "brussels_main_roots",
    "ride_to_brussels",
    "route_rates",
]

RIDE_COLUMN = "rit_min_brussel"
RATES_COLUMN = "per_lijn"

#: Stop names of the Brussels main stations (Zuid/Midi, Centraal/Central,
#: Noord/Nord), in Dutch, French and English, as the operators write them.
BRUSSELS_MAIN_NAMES = re.compile(
    r"\b(?:brussel|bruxelles|brussels)\s*[-/ ]\s*(?:zuid|midi|south|centraal|central|centrale|noord|nord|north)\b",
    re.IGNORECASE,
)
#: UIC codes of the same stations (NMBS/SNCB stop ids contain them).
BRUSSELS_MAIN_UIC = ("8814001", "8813003", "8812005")


def arrival_seconds(stop_times: pd.DataFrame, board: np.ndarray, path: Path) -> np.ndarray:
    """Seconds of each stop time's arrival: ``arrival_time``, else ``board``."""
    if "arrival_time" not in stop_times.columns:
        return np.asarray(board, dtype=float).copy()
    arrive = parse_times(
        stop_times["arrival_time"].reset_index(drop=True), path, "stop_times.txt (arrival_time)"
    )
    return np.where(np.isnan(arrive), board, arrive)


def brussels_main_roots(stops: pd.DataFrame, root: pd.Series) -> set[str]:
    """The row ids (stations or stops) that are a Brussels main station."""
    ids = stops["stop_id"].astype(str)
    names = stops["stop_name"].astype("string").fillna("") if "stop_name" in stops.columns else ids
    hit = names.str.contains(BRUSSELS_MAIN_NAMES, regex=True).to_numpy(dtype=bool)
    hit |= np.array([any(code in sid for code in BRUSSELS_MAIN_UIC) for sid in ids], dtype=bool)
    return {str(root.get(sid, sid)) for sid in ids[hit]}


def ride_to_brussels(
    timed: pd.DataFrame,
    root: pd.Series,
    targets: set[str],
    window: TimeWindow,
    rail_routes: set[str],
) -> pd.Series:
    """Row id -> shortest scheduled minutes of a direct train to a target.

    ``timed``: stop times on the day's clock (``trip_id``, ``day``, ``stop_id``,
    ``route_id``, ``seq``, ``time``, ``arrive``, ``boardable``); only trips
    of ``rail_routes`` leaving within ``window`` count.
    """
    rail = timed.loc[timed["route_id"].astype(str).isin(rail_routes)]
    rail = rail.assign(root=rail["stop_id"].astype(str).map(root))
    at_target = rail["root"].isin(targets).to_numpy()
    dest = rail.loc[at_target, ["trip_id", "day", "seq", "arrive"]]
    t = rail["time"].to_numpy()
    leaving = (
        ~at_target & rail["boardable"].to_numpy(dtype=bool) & (t >= window.start) & (t < window.end)
    )
    orig = rail.loc[leaving, ["trip_id", "day", "seq", "time", "root"]]
    # The same trip runs on several service days (``day``): pair within one run.
    pairs = orig.merge(dest, on=["trip_id", "day"], suffixes=("", "_to"))
    pairs = pairs.loc[pairs["seq_to"] > pairs["seq"]]
    minutes = (pairs["arrive"] - pairs["time"]) / 60.0
    ride = minutes.groupby(pairs["root"]).min() if len(pairs) else pd.Series(dtype=float)
    ride = ride.loc[ride >= 0]
    for target in targets:
        ride[target] = 0.0
    return ride


def route_rates(deps: pd.DataFrame, labels: pd.Series, windows: Sequence[TimeWindow]) -> pd.Series:
    """Row id -> JSON of departures per hour per route label and window."""
    if deps.empty:
        return pd.Series(dtype=object)
    frame = deps.assign(
        label=deps["route_id"].astype(str).map(labels).fillna(deps["route_id"].astype(str))
    )
    counts: dict[str, dict[str, dict[str, float]]] = {}
    for window in windows:
        inside = frame.loc[(frame["time"] >= window.start) & (frame["time"] < window.end)]
        for (row, label), n in inside.groupby(["root", "label"]).size().items():
            counts.setdefault(str(row), {}).setdefault(str(label), {})[window.key] = round(
                n / window.hours, 3
            )
    out = {}
    for row, per_label in counts.items():
        filled = {
            lab: {w.key: rates.get(w.key, 0.0) for w in windows} for lab, rates in per_label.items()
        }
        out[row] = json.dumps(
            dict(sorted(filled.items())), ensure_ascii=False, separators=(",", ":")
        )
    return pd.Series(out, dtype=object)


def add_trip_columns(
    frame: Any,
    feed: Any,
    deps: pd.DataFrame,
    timed: pd.DataFrame,
    root: pd.Series,
    windows: Sequence[TimeWindow],
    routes: pd.DataFrame,
) -> Any:
    """``frame`` (one row per stop, ``stop_id``) with :data:`RIDE_COLUMN` and :data:`RATES_COLUMN`.

    ``routes``: ``route_id``, ``label`` and ``mode`` of every route.
    """
    window = next((w for w in windows if w.key == "ochtendspits"), windows[0])
    rail = set(routes.loc[routes["mode"] == "trein", "route_id"].astype(str))
    targets = brussels_main_roots(feed.stops, root)
    ride = ride_to_brussels(timed, root, targets, window, rail)
    ids = frame["stop_id"].astype(str)
    frame = frame.copy()
    frame[RIDE_COLUMN] = ids.map(ride).astype(float).round(1).to_numpy()
    labels = pd.Series(routes["label"].to_numpy(), index=routes["route_id"].astype(str).to_numpy())
    rates = route_rates(deps, labels[~labels.index.duplicated()], windows)
    frame[RATES_COLUMN] = ids.map(rates).fillna("{}").astype(str).to_numpy()
    return frame
