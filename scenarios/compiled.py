"""Compiled loops (numba) for the walks along search trees that numpy cannot vectorise.

Summing each node's load into its parent, children first, is a sequential
scan: every step depends on the ones before it. In Python it costs about
30 ms per tree of 125,000 nodes, which on an address-level project (89
workplace trees per evaluation) is seconds. numba compiles the same loop,
operation for operation and in the same order, so the sums are bit for bit
those of the Python loop (``tests/scenarios/test_compiled.py`` checks it).

Compiled code is cached next to this module (``__pycache__``) where it can
be; a frozen application (the installer's bundle) has no source file to key
a cache on and compiles once per start instead (well under a second).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["accumulate_up", "children_first"]

_CACHE = not getattr(sys, "frozen", False)


def _accumulate(
    order: np.ndarray, pred: np.ndarray, load: np.ndarray
) -> None:  # pragma: no cover - compiled
    for k in range(order.shape[0]):
        x = order[k]
        value = load[x]
        if value != 0.0:
            load[pred[x]] += value


def _children_first(
    pred: np.ndarray, member: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    n = pred.shape[0]
    start = np.zeros(n + 1, np.int64)
    for x in range(n):
        if member[x]:
            start[pred[x] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    child = np.empty(start[n], np.int64)
    fill = start[:n].copy()
    for x in range(n):
        if member[x]:
            p = pred[x]
            child[fill[p]] = x
            fill[p] += 1
    # Breadth first from the tree's roots (the nodes that are not members),
    # each node's children in ascending order; reversed: children first.
    order = np.empty(start[n], np.int64)
    tail = 0
    for r in range(n):
        if not member[r]:
            for k in range(start[r], start[r + 1]):
                order[tail] = child[k]
                tail += 1
    head = 0
    while head < tail:
        x = order[head]
        head += 1
        for k in range(start[x], start[x + 1]):
            order[tail] = child[k]
            tail += 1
    return order[:tail][::-1].copy()


@functools.cache
def _compiled() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The two loops compiled, on first use: importing numba (LLVM) costs
    about 30 MB, which a command that never walks a tree (``info``, a
    refused file) should not pay."""
    from numba import njit

    jit = njit(cache=_CACHE, nogil=True)
    return jit(_accumulate), jit(_children_first)


def children_first(pred: np.ndarray, member: np.ndarray) -> np.ndarray:
    """The ``member`` nodes of a search tree (``pred[x]``: the next node
    towards the root) in an order that lists every node before its parent.

    Unlike sorting by decreasing cost it needs no sort and stays right where
    an arc has zero cost (a parent as far from the root as its child)."""
    return _compiled()[1](
        np.ascontiguousarray(pred, dtype=np.int64), np.ascontiguousarray(member, dtype=np.bool_)
    )


def accumulate_up(order: np.ndarray, pred: np.ndarray, load: np.ndarray) -> np.ndarray:
    """``load`` with, in the sequence ``order`` (children before parents), each
    node's value added to its parent ``pred[node]``: afterwards every node
    holds the total of its subtree. Works in place on a float64 copy; returns it."""
    out = np.array(load, dtype=np.float64)
    _compiled()[0](
        np.ascontiguousarray(order, dtype=np.int64),
        np.ascontiguousarray(pred, dtype=np.int64),
        out,
    )
    return out
