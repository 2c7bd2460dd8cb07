"""Small readers used by the exporter tests (independent of the exporters)."""

from __future__ import annotations

import contextlib
import re
import zlib
from pathlib import Path


def pdf_page_count(path: Path) -> int:
    """Pages of a PDF, counted from its objects (``/Type /Page``, not ``/Pages``).

    matplotlib writes uncompressed object dictionaries, so a regex over the
    raw bytes is exact; compressed object streams are inflated first.
    """
    data = path.read_bytes()
    assert data.startswith(b"%PDF"), "not a PDF"
    assert data.rstrip().endswith(b"%%EOF"), "PDF is truncated"
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(match.group(1)))
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def png_dpi(path: Path) -> float:
    data = path.read_bytes()
    i = data.find(b"pHYs")
    assert i > 0, "no pHYs chunk"
    ppm = int.from_bytes(data[i + 4 : i + 8], "big")
    return ppm * 0.0254


def stretches_by_hand(links, key_of) -> list[list[int]]:
    """Links joined end to end with the same key, as plain networkx components (independent of the exporter)."""
    import networkx as nx
    import shapely

    g = nx.Graph()
    ends: dict[tuple[tuple[float, float], str], list[int]] = {}
    for link_id, geom, row in zip(
        links["link_id"], links.geometry, links.itertuples(index=False), strict=True
    ):
        key = key_of(row)
        if key is None:
            continue
        g.add_node(int(link_id))
        coords = shapely.get_coordinates(geom)
        for end in (coords[0], coords[-1]):
            ends.setdefault(((round(end[0], 1), round(end[1], 1)), key), []).append(int(link_id))
    for ids in ends.values():
        g.add_edges_from(zip(ids, ids[1:], strict=False))
    return [sorted(c) for c in nx.connected_components(g)]


def json_unescaped(text: str) -> str:
    """``text`` with JSON unicode escapes (\\u0026 ...) turned back into characters."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
