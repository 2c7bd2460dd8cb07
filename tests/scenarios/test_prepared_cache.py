"""The disk cache of the noded network and the attachments (scenarios/prepared_cache.py).

A hit must give exactly what building gives (checked against a build with
the cache switched off), a changed input must miss, and a damaged file must
be rebuilt, never used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from slimmeregio.layers.roles import Role
from slimmeregio.scenarios import prepared_cache
from slimmeregio.scenarios.engine import evaluate, prepare_base
from slimmeregio.scenarios.network import _parse_bools, parse_bool

from .conftest import synthetic_project

NETWORK_FIELDS = ("node_xy", "u", "v", "length", "link_id", "link_class", "name", "oneway",
                  "layer_speed", "speed_kmh", "change")  # fmt: skip
ATT_FIELDS = ("ids", "xy", "edge", "frac", "snap_m", "cand_owner", "cand_edge", "cand_frac",
              "cand_snap", "radius")  # fmt: skip


class Counter:
    """Wraps the builders the cache calls on a miss, counting the calls (with the cache on)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.noded = 0
        self.attached = 0
        build, attach = prepared_cache.network_from_frame, prepared_cache.attach_points

        def counted_build(*a, **k):  # type: ignore[no-untyped-def]
            self.noded += 1
            return build(*a, **k)

        def counted_attach(*a, **k):  # type: ignore[no-untyped-def]
            self.attached += prepared_cache.cache_folder() is not None  # not the reference builds
            return attach(*a, **k)

        monkeypatch.setattr(prepared_cache, "network_from_frame", counted_build)
        monkeypatch.setattr(prepared_cache, "attach_points", counted_attach)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SLIMMEREGIO_CACHE_DIR", str(folder))
    monkeypatch.delenv("SLIMMEREGIO_NO_CACHE", raising=False)
    return folder


def uncached(project, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setenv("SLIMMEREGIO_NO_CACHE", "1")
        return prepare_base(project)


def assert_same_base(a, b) -> None:  # type: ignore[no-untyped-def]
    for name in NETWORK_FIELDS:
        x, y = getattr(a.network, name), getattr(b.network, name)
        assert x.dtype == y.dtype or (x.dtype.kind == y.dtype.kind == "O"), name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert shapely.equals_exact(a.network.geometry, b.network.geometry, tolerance=0).all()
    assert a.network.report == b.network.report
    for att in ("housing_att", "mobipunt_att", "station_att", "centre_att"):
        pa, pb = getattr(a, att), getattr(b, att)
        if pa is None:
            assert pb is None
            continue
        for name in ATT_FIELDS:
            x, y = getattr(pa, name), getattr(pb, name)
            if x is None:
                assert y is None, (att, name)
            else:
                np.testing.assert_array_equal(x, y, err_msg=f"{att}.{name}")


def test_second_open_reads_the_cache_and_equals_a_build(cache_dir, monkeypatch) -> None:
    project = synthetic_project(3)
    reference = uncached(project, monkeypatch)
    count = Counter(monkeypatch)
    first = prepare_base(project)
    assert (count.noded, count.attached) == (1, 4)  # housing, mobipunten, stations, centres
    assert len(list(cache_dir.glob("network-*.npz"))) == 1
    assert len(list(cache_dir.glob("attach-*.npz"))) == 4
    second = prepare_base(project)
    assert (count.noded, count.attached) == (1, 4)  # nothing noded or attached again
    assert_same_base(second, reference)
    assert_same_base(first, reference)
    # The numbers too: every dwelling's costs.
    pd.testing.assert_frame_equal(
        evaluate(second).dwellings.drop(columns="geometry"),
        evaluate(reference).dwellings.drop(columns="geometry"),
    )


def test_an_edited_layer_misses(cache_dir, monkeypatch) -> None:
    project = synthetic_project(4)
    count = Counter(monkeypatch)
    prepare_base(project)
    assert (count.noded, count.attached) == (1, 4)

    # Move one housing point: the network hits, the housing attachment misses.
    housing = project.layers.first(Role.HOUSING)
    geoms = housing.frame.geometry.values.copy()
    geoms[0] = shapely.Point(geoms[0].x + 7.0, geoms[0].y)
    housing.data = housing.frame.set_geometry(geoms)
    base = prepare_base(project)
    assert (count.noded, count.attached) == (1, 5)
    assert_same_base(base, uncached(project, monkeypatch))

    # Move one vertex of one link: everything misses (the attachments hang on the network).
    layer = project.layers.first(Role.BIKE_NETWORK)
    lines = layer.frame.geometry.values.copy()
    c = shapely.get_coordinates(lines[3])
    c[1] += (0.0, 40.0)
    lines[3] = shapely.LineString(c)
    layer.data = layer.frame.set_geometry(lines)
    base = prepare_base(project)
    assert (count.noded, count.attached) == (2, 9)
    assert_same_base(base, uncached(project, monkeypatch))

    # Another class on one link (other speed, other tie-breaks): misses as well.
    col = layer.frame.columns[layer.frame.columns.str.lower().str.contains("klasse")][0]
    frame = layer.frame.copy()
    frame.loc[frame.index[5], col] = "fietssnelweg"
    layer.data = frame
    base = prepare_base(project)
    assert (count.noded, count.attached) == (3, 13)
    assert_same_base(base, uncached(project, monkeypatch))

    # Other parameters that change the attachment (snapping distance): attachments miss.
    from slimmeregio.scenarios.model import Parameters

    base = prepare_base(project, Parameters(max_snap_m=90.0))
    assert count.noded == 3 and count.attached == 17
    # The same content again: all hits.
    prepare_base(project)
    assert (count.noded, count.attached) == (3, 17)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "swapped", "out_of_range"])
def test_a_damaged_cache_file_is_rebuilt(cache_dir, monkeypatch, damage) -> None:
    project = synthetic_project(5)
    reference = uncached(project, monkeypatch)
    prepare_base(project)
    files = sorted(cache_dir.glob("*.npz"))
    net_file = next(p for p in files if p.name.startswith("network-"))
    att_files = [p for p in files if p.name.startswith("attach-")]
    originals = {path: path.read_bytes() for path in [net_file, *att_files]}
    for path, data in originals.items():
        if damage == "garbage":
            path.write_bytes(b"not a cache file" * 10)
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "swapped":  # a valid file of another key
            path.write_bytes(
                originals[att_files[0]] if path != att_files[0] else originals[net_file]
            )
        else:  # valid npz with the right key but indices out of range
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
            for k in ("u", "cand_edge", "edge"):
                if k in arrays:
                    arrays[k] = arrays[k] + 10**6
            np.savez(path, **arrays)
    count = Counter(monkeypatch)
    base = prepare_base(project)
    assert (count.noded, count.attached) == (1, 4)  # all rebuilt
    assert_same_base(base, reference)
    # ... and rewritten: the next open hits again.
    prepare_base(project)
    assert (count.noded, count.attached) == (1, 4)


def test_no_cache_switch_reads_and_writes_nothing(cache_dir, monkeypatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_NO_CACHE", "1")
    prepare_base(synthetic_project(6))
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_old_files_are_pruned(cache_dir, monkeypatch) -> None:
    monkeypatch.setattr(prepared_cache, "MAX_FILES", 5)
    for seed in range(3):  # 5 files per project
        prepare_base(synthetic_project(10 + seed))
    assert len(list(cache_dir.glob("*.npz"))) == 5


def test_parse_bools_equals_parse_bool_per_value() -> None:
    values = pd.Series(
        [
            True,
            False,
            1,
            0,
            1.0,
            0.0,
            "ja",
            "Nee",
            " yes ",
            "FT",
            None,
            np.nan,
            "0",
            "oneway",
            2,
            "x",
        ],
        dtype=object,
    )
    expected = np.asarray([parse_bool(v) for v in values], dtype=bool)
    np.testing.assert_array_equal(_parse_bools(values), expected)
