"""The sweep's results as Parquet: the SQLite table's rows, appended in parts as they finish.

``sweep.sqlite`` (:mod:`slimmeregio.scenarios.sweep_store`) is where a
finished variant is committed first: one transaction per row, and the table
a rerun reads to skip what is done. Next to it, ``sweep_parquet/`` holds the
same rows for analysis tools (pandas, Polars, DuckDB, Spark, R's arrow) as
two Parquet datasets::

    sweep_parquet/variants/part-00000.parquet, part-00001.parquet, ...
    sweep_parquet/indicators/part-00000.parquet, ...

read whole with ``pandas.read_parquet("DIR/sweep_parquet/variants")``. Each
:meth:`ParquetMirror.sync` writes the rows of the SQLite table that no part
holds yet as one new part per dataset, never rewriting an earlier part, so the
writes are incremental. A part is written to a hidden temporary file and
renamed into place (readers skip names starting with ``.``); the indicators
part is written before the variants part of the same number, and an
indicators part without its variants part (a crash between the two) is
removed at the next sync and written again. So after any crash the datasets
hold every variant at most once, and the next sync (every run starts with
one) brings them level with the SQLite table.

Columns: ``variants`` as the SQLite table, with ``candidates`` a list of
strings; ``indicators``: ``variant_id``, ``indicator``, ``base``,
``scenario``, ``delta``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from slimmeregio.layers.safe_io import atomic_path
from slimmeregio.scenarios.sweep_store import SweepStore

__all__ = ["PARQUET_DIR", "ParquetMirror", "read_parquet_results"]

#: Folder of the Parquet datasets in the output folder.
PARQUET_DIR = "sweep_parquet"
#: A run syncs at most this often while rows arrive (and always at its end).
SYNC_EVERY_S = 5.0

VARIANTS_SCHEMA = pa.schema(
    [
        ("variant_id", pa.string()),
        ("idx", pa.int64()),
        ("label", pa.string()),
        ("candidates", pa.list_(pa.string())),
        ("changes", pa.string()),
        ("cost_eur", pa.float64()),
        ("status", pa.string()),
        ("message_nl", pa.string()),
        ("message_en", pa.string()),
        ("seconds", pa.float64()),
        ("worker", pa.string()),
        ("finished", pa.string()),
    ]
)
INDICATORS_SCHEMA = pa.schema(
    [
        ("variant_id", pa.string()),
        ("indicator", pa.string()),
        ("base", pa.float64()),
        ("scenario", pa.float64()),
        ("delta", pa.float64()),
    ]
)


def _part_number(path: Path) -> int:
    return int(path.stem.split("-", 1)[1])


class ParquetMirror:
    """Appends the rows of ``store`` that are not yet in ``sweep_parquet/`` as new parts."""

    def __init__(self, store: SweepStore, *, every_s: float = SYNC_EVERY_S) -> None:
        self.store = store
        self.folder = store.folder / PARQUET_DIR
        self.variants_dir = self.folder / "variants"
        self.indicators_dir = self.folder / "indicators"
        self.every_s = every_s
        self._present: set[str] | None = None
        self._last = 0.0

    def _parts(self, folder: Path) -> list[Path]:
        return sorted(folder.glob("part-*.parquet"), key=_part_number)

    def _load_present(self) -> set[str]:
        """Ids already in the variants dataset; removes orphaned indicator parts."""
        self.variants_dir.mkdir(parents=True, exist_ok=True)
        self.indicators_dir.mkdir(parents=True, exist_ok=True)
        parts = self._parts(self.variants_dir)
        numbers = {_part_number(p) for p in parts}
        for orphan in self._parts(self.indicators_dir):
            if _part_number(orphan) not in numbers:
                orphan.unlink()
        present: set[str] = set()
        for part in parts:
            present.update(pq.read_table(part, columns=["variant_id"]).column(0).to_pylist())
        return present

    def sync(self) -> int:
        """Write the variants of the store that no part holds as one new part; the count written."""
        if self._present is None:
            self._present = self._load_present()
        self._last = time.monotonic()
        variants = self.store.variants()
        new = variants[~variants["variant_id"].isin(self._present)]
        if new.empty:
            return 0
        ids = list(new["variant_id"])
        indicators = self.store.indicators(ids)
        parts = self._parts(self.variants_dir)
        number = _part_number(parts[-1]) + 1 if parts else 0
        name = f"part-{number:05d}.parquet"
        table = new.assign(candidates=[json.loads(c) for c in new["candidates"]])
        ind_table = pa.Table.from_pandas(
            indicators[INDICATORS_SCHEMA.names], schema=INDICATORS_SCHEMA, preserve_index=False
        )
        var_table = pa.Table.from_pandas(
            table[VARIANTS_SCHEMA.names], schema=VARIANTS_SCHEMA, preserve_index=False
        )
        # indicators first: a variants part is the mark that its part is complete
        with atomic_path(self.indicators_dir / name) as tmp:
            pq.write_table(ind_table, tmp)
        with atomic_path(self.variants_dir / name) as tmp:
            pq.write_table(var_table, tmp)
        self._present.update(ids)
        return len(ids)

    def maybe_sync(self) -> int:
        """:meth:`sync` when the last one is at least ``every_s`` seconds ago."""
        if time.monotonic() - self._last >= self.every_s:
            return self.sync()
        return 0


def read_parquet_results(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``variants`` and ``indicators`` datasets of an output folder (empty when none)."""
    base = Path(folder) / PARQUET_DIR
    out = []
    for name, schema in (("variants", VARIANTS_SCHEMA), ("indicators", INDICATORS_SCHEMA)):
        parts = sorted((base / name).glob("part-*.parquet"), key=_part_number)
        if name == "indicators":
            keep = {_part_number(p) for p in sorted((base / "variants").glob("part-*.parquet"))}
            parts = [p for p in parts if _part_number(p) in keep]
        tables = [pq.read_table(p, schema=schema) for p in parts]
        out.append(
            pa.concat_tables(tables).to_pandas() if tables else schema.empty_table().to_pandas()
        )
    return out[0], out[1]
