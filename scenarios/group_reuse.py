"""Which municipalities' figures a scenario can take over from its base.

A municipality's indicator is a computation on its dwellings' values, in
row order. When a scenario's rows are the base's in the same order (plus
new ones, minus removed ones) and a municipality's rows and their values are
the base's bit for bit (NaN as NaN), the computation would repeat the base's
exactly, so its figure is the base's. :func:`unchanged_groups` finds those
municipalities per column; the dwelling statistics
(:mod:`scenarios.dwelling_stats`) and the opportunity indicators
(:mod:`scenarios.opportunity_eval`) take their figures over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

R = TypeVar("R")

__all__ = ["Unchanged", "take_unchanged", "unchanged_groups"]


@dataclass(frozen=True)
class Unchanged:
    """Per column, the groups (``nis``) whose rows and values are the base's;
    ``everywhere``: the columns whose every row is (no row added or removed)."""

    groups: dict[str, set[str]]
    everywhere: set[str]


def unchanged_groups(
    now: Mapping[str, np.ndarray],
    then: Mapping[str, np.ndarray],
    codes: np.ndarray,
    uniq: Sequence[object],
    then_codes: np.ndarray,
    then_uniq: Sequence[object],
    base_rows: np.ndarray | None,
    *,
    weights: Sequence[str] = (),
) -> Unchanged | None:
    """The groups of every column of ``now`` that are unchanged from ``then``.

    ``codes``/``uniq``: each row's group and the groups' labels (``then_``:
    the base's); ``base_rows``: the base row of each row (-1 new). A change
    in one of the ``weights`` columns changes the group for every column.
    None when the rows are not the base's in order (nothing is taken over)
    or a column is missing from ``then``.
    """
    if base_rows is None or len(base_rows) != len(codes) or not set(now) <= set(then):
        return None
    carried = base_rows >= 0
    kept = base_rows[carried]
    n_base = len(then_codes)
    if len(kept) and (kept.max() >= n_base or (len(kept) > 1 and (np.diff(kept) <= 0).any())):
        return None
    label_of = [str(u) for u in uniq]
    base_code = {str(u): i for i, u in enumerate(then_uniq)}
    to_base = np.asarray([base_code.get(u, -1) for u in label_of], dtype=np.int64)
    old_codes = then_codes[kept]
    now_codes = codes[carried]
    # Rows whose group changed, and groups with rows added or removed: every column.
    moved = to_base[now_codes] != old_codes
    removed = np.ones(n_base, bool)
    removed[kept] = False
    base_dirty = np.zeros(len(then_uniq), bool)
    base_dirty[then_codes[removed]] = True
    dirty = np.zeros(len(uniq), bool)
    dirty[codes[~carried]] = True
    added_or_removed = bool((~carried).any() or removed.any())

    # The usual case: the base's rows first, all kept (views, not copies).
    prefix = len(kept) == n_base and bool(carried[:n_base].all())

    def changed_rows(name: str) -> np.ndarray:
        if prefix:
            a, b = np.asarray(now[name])[:n_base], np.asarray(then[name])
        else:
            a, b = np.asarray(now[name])[carried], np.asarray(then[name])[kept]
        if a.dtype == b.dtype and a.dtype.kind == "f" and a.dtype.itemsize == 8:
            # Bit for bit, in one pass (NaN equals NaN; any other difference,
            # -0.0 against 0.0 too, counts as a change, which only costs a
            # recomputation).
            return np.asarray(a.view(np.int64) != b.view(np.int64))
        same = a == b
        if a.dtype.kind == "f":
            same |= np.isnan(a) & np.isnan(b)
        return np.asarray(~same, dtype=bool)

    common = moved.copy()
    for name in weights:
        common |= changed_rows(name)
    groups: dict[str, set[str]] = {}
    everywhere: set[str] = set()
    for name in now:
        changed = common | changed_rows(name)
        d = dirty.copy()
        d[now_codes[changed]] = True
        bd = base_dirty.copy()
        bd[old_codes[changed]] = True
        bad = {u for u, x in zip(label_of, d, strict=True) if x}
        bad |= {str(u) for u, x in zip(then_uniq, bd, strict=True) if x}
        # (A base group missing now lost its rows: removed or moved, so dirty.)
        groups[name] = {u for u in label_of if u not in bad}
        if not added_or_removed and not changed.any():
            everywhere.add(name)
    return Unchanged(groups, everywhere)


def take_unchanged(
    rows: Mapping[str, R],
    now: Mapping[str, np.ndarray],
    then: Mapping[str, np.ndarray],
    codes: np.ndarray,
    uniq: Sequence[object],
    then_codes: np.ndarray,
    then_uniq: Sequence[object],
    base_rows: np.ndarray | None,
) -> dict[str, R]:
    """Of the base's ``rows`` (per group label), those of the groups whose
    every column is unchanged (:func:`unchanged_groups`), and of those without
    rows then and now; nothing when the rows are not the base's in order."""
    same = unchanged_groups(now, then, codes, uniq, then_codes, then_uniq, base_rows)
    if same is None:
        return {}
    clean = set.intersection(*same.groups.values()) if same.groups else set()
    present = {str(u) for u in uniq} | {str(u) for u in then_uniq}
    return {key: row for key, row in rows.items() if key in clean or key not in present}
