"""The sweep's results table: one row per finished variant, written as it finishes.

The table lives in ``sweep.sqlite`` in the output folder (SQLite, so each
row is one committed transaction: a crash of the client loses nothing that
was written, and never leaves half a row). Tables:

``variants``
    one row per variant: ``variant_id`` (primary key), ``idx``, ``label``,
    ``candidates`` and ``changes`` (JSON), ``cost_eur``, ``status``
    (``ok`` or ``error``), ``message_nl`` / ``message_en`` (errors),
    ``seconds``, ``worker``, ``finished`` (UTC ISO time).
``indicators``
    region indicators per variant: ``variant_id``, ``indicator``, ``base``,
    ``scenario``, ``delta`` (the same numbers ``slimmeregio run`` reports).

A row whose variant is already present is ignored, so every variant is in
the table exactly once however often its task ran.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from slimmeregio.layers.errors import CorruptFileError

__all__ = ["STORE_NAME", "SweepRow", "SweepStore"]

#: File name of the results table in the output folder.
STORE_NAME = "sweep.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS variants (
    variant_id TEXT PRIMARY KEY,
    idx INTEGER NOT NULL,
    label TEXT NOT NULL,
    candidates TEXT NOT NULL,
    changes TEXT NOT NULL,
    cost_eur REAL NOT NULL,
    status TEXT NOT NULL,
    message_nl TEXT,
    message_en TEXT,
    seconds REAL,
    worker TEXT,
    finished TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS indicators (
    variant_id TEXT NOT NULL REFERENCES variants(variant_id),
    indicator TEXT NOT NULL,
    base REAL,
    scenario REAL,
    delta REAL,
    PRIMARY KEY (variant_id, indicator)
);
"""


@dataclass
class SweepRow:
    """What one task returns: the variant's region indicators, no layers."""

    variant_id: str
    index: int
    label: str
    candidates: tuple[str, ...]
    changes: tuple[tuple[str, Any], ...]
    cost_eur: float
    status: str = "ok"
    message_nl: str | None = None
    message_en: str | None = None
    seconds: float = 0.0
    worker: str = ""
    indicators: list[tuple[str, float, float, float]] = field(default_factory=list)


def _real(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


class SweepStore:
    """The results table of one output folder (created when missing)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / STORE_NAME
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=30.0)
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CorruptFileError(path=self.path, detail=str(exc)) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def finished(self) -> set[str]:
        """Ids of the variants already in the table."""
        return {r[0] for r in self._db.execute("SELECT variant_id FROM variants")}

    def add(self, row: SweepRow) -> bool:
        """Write ``row`` in one transaction; False when the variant was already there."""
        with self._db:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO variants VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    row.variant_id,
                    row.index,
                    row.label,
                    json.dumps(list(row.candidates), ensure_ascii=False),
                    json.dumps([list(c) for c in row.changes], ensure_ascii=False),
                    row.cost_eur,
                    row.status,
                    row.message_nl,
                    row.message_en,
                    row.seconds,
                    row.worker,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            if cur.rowcount == 0:
                return False
            self._db.executemany(
                "INSERT INTO indicators VALUES (?,?,?,?,?)",
                [
                    (row.variant_id, k, _real(b), _real(s), _real(d))
                    for k, b, s, d in row.indicators
                ],
            )
        return True

    def variants(self, ids: Iterable[str] | None = None) -> pd.DataFrame:
        """The ``variants`` table (only ``ids`` when given), ordered by ``idx``."""
        frame = pd.read_sql_query("SELECT * FROM variants ORDER BY idx", self._db)
        if ids is not None:
            frame = frame[frame["variant_id"].isin(set(ids))]
        return frame.reset_index(drop=True)

    def indicators(self, ids: Sequence[str] | None = None) -> pd.DataFrame:
        """The ``indicators`` table (only ``ids`` when given)."""
        frame = pd.read_sql_query("SELECT * FROM indicators", self._db)
        if ids is not None:
            frame = frame[frame["variant_id"].isin(set(ids))]
        return frame.reset_index(drop=True)
