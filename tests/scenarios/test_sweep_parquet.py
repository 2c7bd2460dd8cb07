"""The Parquet copy of a sweep's results: incremental parts, crash-safe, every variant once.

Rows are made by hand (no engine): the datasets must hold exactly the rows
written to the SQLite table, read back with plain pyarrow/pandas.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from slimmeregio.scenarios.sweep_parquet import PARQUET_DIR, ParquetMirror, read_parquet_results
from slimmeregio.scenarios.sweep_store import SweepRow, SweepStore


def row(i: int, *, status: str = "ok") -> SweepRow:
    return SweepRow(
        variant_id=f"v{i:03d}",
        index=i,
        label=f"variant {i}",
        candidates=tuple(f"c{j}" for j in range(i % 3)),
        changes=(("speeds_kmh.lokaal", 14.0 + i),),
        cost_eur=1000.0 * i,
        status=status,
        message_nl="fout" if status != "ok" else None,
        message_en="error" if status != "ok" else None,
        seconds=0.5,
        worker="host:1",
        indicators=[]
        if status != "ok"
        else [
            ("dwellings", 10.0, 10.0 + i, float(i)),
            ("mean_bike_min", 5.0, 5.0 - i / 10, -i / 10),
        ],
    )


def test_parts_are_appended_and_hold_every_row_once(tmp_path: Path) -> None:
    with SweepStore(tmp_path) as store:
        mirror = ParquetMirror(store)
        for i in range(3):
            store.add(row(i))
        assert mirror.sync() == 3
        store.add(row(3))
        store.add(row(4, status="error"))
        assert mirror.sync() == 2
        assert mirror.sync() == 0  # nothing new: no empty part
    parts = sorted(p.name for p in (tmp_path / PARQUET_DIR / "variants").iterdir())
    assert parts == ["part-00000.parquet", "part-00001.parquet"]
    # read with plain pandas over the folder, as an analyst would
    variants = pd.read_parquet(tmp_path / PARQUET_DIR / "variants").sort_values("idx")
    assert list(variants["variant_id"]) == [f"v{i:03d}" for i in range(5)]
    assert [list(c) for c in variants["candidates"]] == [[], ["c0"], ["c0", "c1"], [], ["c0"]]
    assert list(variants["status"]) == ["ok"] * 4 + ["error"]
    assert variants["message_en"].iloc[4] == "error" and pd.isna(variants["message_en"].iloc[0])
    indicators = pd.read_parquet(tmp_path / PARQUET_DIR / "indicators")
    assert len(indicators) == 4 * 2  # the error row has none
    got = indicators.set_index(["variant_id", "indicator"])["delta"]
    for i in range(4):
        assert got[(f"v{i:03d}", "dwellings")] == float(i)
        assert math.isclose(got[(f"v{i:03d}", "mean_bike_min")], -i / 10)


def test_a_crash_between_the_two_parts_is_repaired_without_duplicates(tmp_path: Path) -> None:
    with SweepStore(tmp_path) as store:
        store.add(row(0))
        ParquetMirror(store).sync()
        store.add(row(1))
        # the crash: part 1 of the indicators written, the variants part not,
        # and a temporary file left behind
        folder = tmp_path / PARQUET_DIR
        pq.write_table(
            pq.read_table(folder / "indicators" / "part-00000.parquet"),
            folder / "indicators" / "part-00001.parquet",
        )
        (folder / "variants" / ".part-00001.parquet.x.tmp.parquet").write_bytes(b"half a file")
        variants, indicators = read_parquet_results(tmp_path)
        assert (
            list(variants["variant_id"]) == ["v000"] and len(indicators) == 2
        )  # the orphan is not read
        # a new run starts with a sync: the orphan goes, the missing row comes
        assert ParquetMirror(store).sync() == 1
    variants = pd.read_parquet(folder / "variants")
    indicators = pd.read_parquet(folder / "indicators")
    assert sorted(variants["variant_id"]) == ["v000", "v001"]
    assert len(indicators) == 4 and not indicators.duplicated(["variant_id", "indicator"]).any()


def test_maybe_sync_waits_between_syncs(tmp_path: Path) -> None:
    with SweepStore(tmp_path) as store:
        mirror = ParquetMirror(store, every_s=3600)
        mirror.sync()
        store.add(row(0))
        assert mirror.maybe_sync() == 0
        assert ParquetMirror(store, every_s=0).maybe_sync() == 1


@pytest.mark.parametrize("n", [0, 2])
def test_read_of_an_empty_or_missing_copy(tmp_path: Path, n: int) -> None:
    with SweepStore(tmp_path) as store:
        for i in range(n):
            store.add(row(i))
        if n:
            ParquetMirror(store).sync()
    variants, indicators = read_parquet_results(tmp_path)
    assert len(variants) == n and len(indicators) == 2 * n
    assert list(indicators.columns) == ["variant_id", "indicator", "base", "scenario", "delta"]
