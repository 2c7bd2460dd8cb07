"""A disk cache of the prepared base: the noded network and the point attachments.

Noding a real-scale network and attaching hundreds of thousands of address
points takes seconds; both depend only on their inputs. They are stored in
a cache folder (``$SLIMMEREGIO_CACHE_DIR``, else the user cache folder of
``platformdirs``) under a content hash of those inputs, so opening the same
project again reads arrays instead of noding and attaching again.

Keys
----
* network: the line geometries as noded (coordinates and part structure,
  in EPSG:31370) with the link ids, classes, layer speeds, one-way flags and
  names, the noding tolerance, :data:`CACHE_VERSION` and the package version.
  The cycling speeds are not part of it: they are resolved from the stored
  layer speeds and classes on every load (:func:`effective_speeds`).
* attachment: the network's key, its effective speeds (ties between edges go
  to the fastest), the point coordinates, the snapping distance and the
  attachment constants.

Any change of an input gives another key (a miss); an unreadable,
truncated or inconsistent file is ignored and rebuilt, never used. Set
``SLIMMEREGIO_NO_CACHE=1`` to neither read nor write. Files are written
atomically; the folder keeps the :data:`MAX_FILES` most recently used.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from slimmeregio.layers.errors import EmptyLayerError
from slimmeregio.layers.model import Layer
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task
from slimmeregio.layers.safe_io import atomic_write_bytes
from slimmeregio.scenarios.attach import ATTACH_EXTRA_M, ATTACH_MAX_EDGES, Attachment, attach_points
from slimmeregio.scenarios.network import (
    Network,
    NetworkReport,
    build_network,
    effective_speeds,
    network_arguments,
    network_from_frame,
)

__all__ = [
    "CACHE_VERSION",
    "MAX_FILES",
    "attach_points_cached",
    "attachment_key",
    "build_network_cached",
    "cache_folder",
    "load_attachment",
    "load_network",
    "network_key",
    "store_attachment",
    "store_network",
]

#: Bump when noding or attaching changes what they compute.
CACHE_VERSION = 1
#: Cache files kept (most recently used first).
MAX_FILES = 24


def cache_folder() -> Path | None:
    """The cache folder, or None when caching is switched off."""
    if os.environ.get("SLIMMEREGIO_NO_CACHE", "").strip() not in ("", "0"):
        return None
    env = os.environ.get("SLIMMEREGIO_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("slimmeregio", appauthor=False)) / "prepared"


def _version() -> bytes:
    from slimmeregio import __version__

    return f"slimmeregio {__version__} cache {CACHE_VERSION}".encode()


def _strings(values: np.ndarray) -> bytes:
    """A 64-bit hash per value (pandas' vectorised, fixed-key SipHash), as bytes."""
    text = pd.Series(np.asarray(values, dtype=object)).astype(str).to_numpy(dtype=object)
    return pd.util.hash_array(text, categorize=False).tobytes()


def network_key(
    geoms: np.ndarray,
    link_id: np.ndarray,
    link_class: np.ndarray,
    speed: np.ndarray | None,
    oneway: np.ndarray | None,
    name: np.ndarray | None,
    tolerance_m: float,
) -> str:
    """Content hash of what noding a network reads (see the module docstring)."""
    h = hashlib.blake2b(_version(), digest_size=20)
    geoms = np.asarray(geoms, dtype=object)
    h.update(np.int64(len(geoms)).tobytes())
    h.update(shapely.get_type_id(geoms).astype(np.int8).tobytes())
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    h.update(coords.tobytes())
    h.update(index.astype(np.int64).tobytes())
    # Multi-part lines: where each part ends matters, not only the coordinates.
    multi = np.flatnonzero(shapely.get_num_geometries(geoms) > 1)
    if len(multi):
        parts, owner = shapely.get_parts(geoms[multi], return_index=True)
        h.update(owner.astype(np.int64).tobytes())
        h.update(shapely.get_num_coordinates(parts).astype(np.int64).tobytes())
    h.update(np.asarray(link_id, dtype=np.int64).tobytes())
    h.update(_strings(link_class))
    for tag, arr, dtype in ((b"s", speed, float), (b"o", oneway, bool)):
        h.update(tag)
        if arr is not None:
            h.update(np.asarray(arr, dtype=dtype).tobytes())
    h.update(b"n")
    if name is not None:
        h.update(_strings(name))
    h.update(np.float64(tolerance_m).tobytes())
    return h.hexdigest()


def attachment_key(
    network_key_: str,
    network: Network,
    xy: np.ndarray,
    *,
    max_snap_m: float,
    radius: np.ndarray | None = None,
) -> str:
    """Content hash of what attaching points ``xy`` to ``network`` reads."""
    h = hashlib.blake2b(_version(), digest_size=20)
    h.update(network_key_.encode())
    h.update(np.asarray(network.speed_kmh, dtype=float).tobytes())
    xy = np.ascontiguousarray(np.asarray(xy, dtype=float).reshape(-1, 2))
    h.update(np.int64(len(xy)).tobytes())
    h.update(xy.tobytes())
    h.update(np.asarray([max_snap_m, ATTACH_EXTRA_M, ATTACH_MAX_EDGES], dtype=float).tobytes())
    if radius is not None:
        h.update(b"r" + np.asarray(radius, dtype=float).tobytes())
    return h.hexdigest()


# --- files ------------------------------------------------------------------------


def _path(kind: str, key: str) -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / f"{kind}-{key}.npz"


def _read(kind: str, key: str) -> dict[str, np.ndarray] | None:
    path = _path(kind, key)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        if str(arrays.pop("key")) != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        return arrays
    except Exception:  # noqa: BLE001 - any unreadable cache file is a miss
        return None


def _write(kind: str, key: str, arrays: Mapping[str, np.ndarray]) -> None:
    path = _path(kind, key)
    if path is None:
        return
    buffer = io.BytesIO()
    np.savez(buffer, **{"key": np.asarray(key), **arrays})  # type: ignore[arg-type]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, buffer.getvalue())
        _prune(path.parent)
    except OSError:
        return  # a cache that cannot be written only costs time


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[MAX_FILES:]:
        with contextlib.suppress(OSError):
            old.unlink()


# --- network ----------------------------------------------------------------------


def store_network(key: str, network: Network) -> None:
    """Write the noded ``network`` (speeds excluded) under ``key``."""
    coords, index = shapely.get_coordinates(network.geometry, return_index=True)
    r = network.report
    _write(
        "network",
        key,
        {
            "node_xy": network.node_xy,
            "u": network.u,
            "v": network.v,
            "length": network.length,
            "link_id": network.link_id,
            "link_class": np.asarray(network.link_class.astype(str), dtype=str),
            "name": np.asarray(network.name.astype(str), dtype=str),
            "oneway": network.oneway,
            "layer_speed": network.layer_speed,
            "coords": coords,
            "coord_edge": index.astype(np.int64),
            "report": np.asarray(
                [
                    r.links,
                    r.edges,
                    r.nodes,
                    r.ends_merged,
                    r.split_vertices,
                    r.dropped,
                    r.components,
                ],
                dtype=np.int64,
            ),
            "component_sizes": np.asarray(r.component_sizes, dtype=np.int64),
        },
    )


def load_network(
    key: str, *, speeds_kmh: Mapping[str, float] | None, walking_speed_kmh: float
) -> Network | None:
    """The network stored under ``key`` with speeds resolved, or None (miss)."""
    a = _read("network", key)
    if a is None:
        return None
    try:
        n_edges = len(a["u"])
        n_nodes = len(a["node_xy"])
        lengths = {
            len(a[k])
            for k in ("v", "length", "link_id", "link_class", "name", "oneway", "layer_speed")
        }
        if lengths != {n_edges} or a["node_xy"].shape != (n_nodes, 2):
            return None
        if n_edges and (
            min(a["u"].min(), a["v"].min()) < 0 or max(a["u"].max(), a["v"].max()) >= n_nodes
        ):
            return None
        ce = a["coord_edge"]
        if len(ce) != len(a["coords"]) or (n_edges and (ce[0] != 0 or ce[-1] != n_edges - 1)):
            return None
        if len(ce) and np.any(np.diff(ce) < 0):
            return None
        geometry = shapely.linestrings(a["coords"], indices=ce)
        if len(geometry) != n_edges:
            return None
        links, edges, nodes, merged, split, dropped, components = (int(x) for x in a["report"])
        report = NetworkReport(
            links, edges, nodes, merged, split, dropped, components,
            tuple(int(x) for x in a["component_sizes"]),
        )  # fmt: skip
        link_class = a["link_class"].astype(object)
        layer_speed = a["layer_speed"].astype(float)
        fixed = np.full(n_edges, np.nan)
        return Network(
            node_xy=a["node_xy"].astype(float),
            u=a["u"].astype(np.int64),
            v=a["v"].astype(np.int64),
            length=a["length"].astype(float),
            link_id=a["link_id"].astype(np.int64),
            link_class=link_class,
            name=a["name"].astype(object),
            oneway=a["oneway"].astype(bool),
            layer_speed=layer_speed,
            fixed_speed=fixed,
            speed_kmh=effective_speeds(link_class, layer_speed, fixed, speeds_kmh or {}),
            geometry=geometry,
            change=np.full(n_edges, "", dtype=object),
            report=report,
            walking_speed_kmh=walking_speed_kmh,
        )
    except Exception:  # noqa: BLE001 - an inconsistent file is a miss
        return None


# --- attachments ------------------------------------------------------------------

_ATT_FIELDS = (
    "edge",
    "frac",
    "snap_m",
    "cand_owner",
    "cand_edge",
    "cand_frac",
    "cand_snap",
    "radius",
)


def store_attachment(key: str, att: Attachment) -> None:
    """Write the attachment ``att`` (ids and coordinates excluded) under ``key``."""
    arrays: dict[str, Any] = {}
    for name in _ATT_FIELDS:
        value = getattr(att, name)
        if value is not None:
            arrays[name] = value
    _write("attach", key, arrays)


def load_attachment(
    key: str, network: Network, xy: np.ndarray, ids: np.ndarray
) -> Attachment | None:
    """The attachment of points ``xy`` (with ``ids``) stored under ``key``, or None."""
    a = _read("attach", key)
    if a is None:
        return None
    try:
        k = len(xy)
        if any(len(a[f]) != k for f in ("edge", "frac", "snap_m")) or len(ids) != k:
            return None
        cand = [a.get(f) for f in ("cand_owner", "cand_edge", "cand_frac", "cand_snap")]
        if any(c is None for c in cand) != all(c is None for c in cand):
            return None
        edge = a["edge"].astype(np.int64)
        if k and (edge.min() < -1 or edge.max() >= network.n_edges):
            return None
        owner = cand_edge = None
        if cand[0] is not None and cand[1] is not None:
            owner = cand[0].astype(np.int64)
            cand_edge = cand[1].astype(np.int64)
            m = len(owner)
            if {len(c) for c in cand if c is not None} != {m}:
                return None
            if m and (owner.min() < 0 or owner.max() >= k or np.any(np.diff(owner) < 0)):
                return None
            if m and (cand_edge.min() < 0 or cand_edge.max() >= network.n_edges):
                return None
        radius = a.get("radius")
        if radius is not None and len(radius) != k:
            return None
        return Attachment(
            np.asarray(ids, dtype=object),
            np.asarray(xy, dtype=float).reshape(-1, 2),
            edge,
            a["frac"].astype(float),
            a["snap_m"].astype(float),
            owner,
            cand_edge,
            None if cand[2] is None else cand[2].astype(float),
            None if cand[3] is None else cand[3].astype(float),
            None if radius is None else radius.astype(float),
        )
    except Exception:  # noqa: BLE001 - an inconsistent file is a miss
        return None


# --- the cached steps -------------------------------------------------------------


def build_network_cached(
    layer: Layer,
    *,
    speeds_kmh: Mapping[str, float] | None = None,
    walking_speed_kmh: float = 4.8,
    tolerance_m: float = 1.0,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> tuple[Network, str | None]:
    """:func:`build_network` through the cache: ``(network, key)``.

    ``key`` identifies the network's content for :func:`attach_points_cached`
    (None when caching is off).
    """
    if cache_folder() is None:
        net = build_network(
            layer, speeds_kmh=speeds_kmh, walking_speed_kmh=walking_speed_kmh,
            tolerance_m=tolerance_m, progress=progress, cancel=cancel,
        )  # fmt: skip
        return net, None
    task = Task(progress, cancel)
    frame, arrays = network_arguments(layer)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    key = network_key(
        geoms, arrays["link_id"], arrays["link_class"], arrays["speed"], arrays["oneway"],
        arrays["name"], tolerance_m,
    )  # fmt: skip
    hit = load_network(key, speeds_kmh=speeds_kmh, walking_speed_kmh=walking_speed_kmh)
    if hit is not None:
        task.report(1.0, "network read from the cache")
        return hit, key
    net = network_from_frame(
        frame, **arrays, speeds_kmh=speeds_kmh, walking_speed_kmh=walking_speed_kmh,
        tolerance_m=tolerance_m, progress=progress, cancel=cancel,
    )  # fmt: skip
    if net.n_edges == 0:
        raise EmptyLayerError(layer=layer.name, path=layer.source)
    store_network(key, net)
    return net, key


def attach_points_cached(
    network: Network,
    network_key_: str | None,
    xy: np.ndarray,
    ids: np.ndarray,
    *,
    max_snap_m: float,
) -> Attachment:
    """:func:`attach_points` through the cache (directly when ``network_key_`` is None)."""
    if network_key_ is None or cache_folder() is None:
        return attach_points(network, xy, ids, max_snap_m=max_snap_m)
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    key = attachment_key(network_key_, network, xy, max_snap_m=max_snap_m)
    ids_arr = np.asarray([str(i) for i in ids], dtype=object)
    att = load_attachment(key, network, xy, ids_arr)
    if att is None:
        att = attach_points(network, xy, ids_arr, max_snap_m=max_snap_m)
        store_attachment(key, att)
    return att
