"""Candidate rows of an attachment: the shortcuts equal the plain sorts.

``Attachment.subset`` skips its sort when the kept rows are already by point,
and ``_from_candidates`` merges the new points' rows into the carried ones
(already in order) instead of sorting them all. Random candidate rows, in
order and shuffled, with ties and duplicates, are checked against the plain
formulations written here and against a sort of every row.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.attach import Attachment, _from_candidates


def _attachment(rng: np.random.Generator, k: int, m: int, shuffled: bool) -> Attachment:
    owner = np.sort(rng.integers(0, max(k, 1), m)) if k else np.zeros(0, np.int64)
    if shuffled:
        owner = rng.permutation(owner)
    return Attachment(
        np.array([f"p{i}" for i in range(k)], dtype=object),
        rng.random((k, 2)),
        rng.integers(-1, 5, k),
        rng.random(k),
        rng.random(k),
        owner.astype(np.int64),
        rng.integers(0, 9, len(owner)),
        rng.random(len(owner)),
        rng.random(len(owner)),
        rng.random(k),
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(0, 200),
    m=st.integers(0, 600),
    shuffled=st.booleans(),
    pick_kind=st.sampled_from(["mask", "index", "few"]),
)
def test_subset_equals_the_plain_formulation(
    seed: int, k: int, m: int, shuffled: bool, pick_kind: str
) -> None:
    rng = np.random.default_rng(seed)
    att = _attachment(rng, k, m, shuffled)
    mask = rng.random(k) < 0.5
    pick = {
        "mask": mask,
        "index": rng.permutation(k)[: k // 2],
        # A few points of many, ascending (a repair's dirty sources).
        "few": np.flatnonzero(rng.random(k) < 0.05),
    }[pick_kind]
    got = att.subset(pick)
    idx = np.arange(k)[pick]
    new_pos = np.full(k, -1)
    new_pos[idx] = np.arange(len(idx))
    assert att.cand_owner is not None
    keep = new_pos[att.cand_owner] >= 0
    owner = new_pos[att.cand_owner[keep]]
    order = np.argsort(owner, kind="stable")
    assert np.array_equal(got.cand_owner, owner[order])
    for name in ("cand_edge", "cand_frac", "cand_snap"):
        assert np.array_equal(getattr(got, name), getattr(att, name)[keep][order]), name
    assert list(got.ids) == list(att.ids[idx]) and np.array_equal(got.edge, att.edge[idx])


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(1, 20),
    m=st.integers(0, 80),
    blocks_shuffled=st.booleans(),
)
def test_carried_rows_merged_in_equal_a_sort_of_every_row(
    seed: int, k: int, m: int, blocks_shuffled: bool
) -> None:
    rng = np.random.default_rng(seed)
    n_edges = 12
    network = SimpleNamespace(
        link_id=rng.integers(0, 5, n_edges),
        speed_kmh=rng.choice([12.0, 16.0, 20.0], n_edges),
        n_edges=n_edges,
    )
    # Candidate rows with ties in distance and speed, and duplicate (point,
    # edge) rows (the same point on the same edge: the same distance and place).
    owner = rng.integers(0, k, m).astype(np.int64)
    edge = rng.integers(0, n_edges, m).astype(np.int64)
    snap = (rng.integers(0, 4, (k, n_edges)) * 10.0)[owner, edge]
    frac = rng.random((k, n_edges))[owner, edge]
    radius, far, ids = rng.random(k), rng.random(k), np.array([f"p{i}" for i in range(k)], object)
    whole = _from_candidates(network, ids, rng.random((k, 2)), owner, edge, frac, snap, radius, far)  # type: ignore[arg-type]
    assert whole.cand_owner is not None and whole.cand_edge is not None
    # Carried points: each one's rows as the sort left them (the points in
    # order, or in a shuffled order of points); the others' rows shuffled.
    carried = rng.random(k) < 0.6
    done = np.flatnonzero(carried[whole.cand_owner])
    if blocks_shuffled:
        rank = rng.permutation(k)
        done = done[np.argsort(rank[whole.cand_owner[done]], kind="stable")]
    rest = np.flatnonzero(~carried[owner])
    rest = rest[rng.permutation(len(rest))]
    o = np.concatenate([whole.cand_owner[done], owner[rest]])
    e = np.concatenate([whole.cand_edge[done], edge[rest]])
    f = np.concatenate([whole.cand_frac[done], frac[rest]])
    s = np.concatenate([whole.cand_snap[done], snap[rest]])
    got = _from_candidates(
        network,  # type: ignore[arg-type]
        ids,
        whole.xy,
        o,
        e,
        f,
        s,
        radius,
        far,
        keep_order=carried,
    )
    for name in ("cand_owner", "cand_edge", "cand_frac", "cand_snap", "edge", "frac", "snap_m"):
        assert np.array_equal(getattr(got, name), getattr(whole, name)), name
