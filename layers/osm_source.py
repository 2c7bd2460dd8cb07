"""Reading an OpenStreetMap extract: file checks, the PBF framing read in slices, and the source osmium reads with progress and cancel."""

from __future__ import annotations

import bz2
import gzip
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slimmeregio.layers.errors import SourceNotFoundError
from slimmeregio.layers.osm_model import (
    osm_error,
)
from slimmeregio.layers.progress import Task

__all__ = [
    "Source",
    "file_kind",
    "pbf_blocks",
]


#: Compressed bytes handed to osmium per slice of a PBF file.
_SLICE_BYTES = 8 * 1024 * 1024
#: Python-visible objects between two cancel checks.
_CHECK_EVERY = 20_000
#: PBF limits from the format specification.
_MAX_HEADER = 64 * 1024
_MAX_BLOB = 32 * 1024 * 1024


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _blob_header(data: bytes) -> tuple[str, int]:
    """``(type, datasize)`` of a PBF BlobHeader message."""
    pos = 0
    kind, size = "", -1
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
            if number == 3:
                size = value
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            if number == 1:
                kind = data[pos : pos + length].decode("ascii", "replace")
            pos += length
        else:
            raise ValueError("unexpected wire type")
    if not kind or size < 0 or size > _MAX_BLOB:
        raise ValueError("bad blob header")
    return kind, size


def pbf_blocks(path: Path) -> Iterator[tuple[str, bytes]]:
    """The file's blocks (length + header + blob) with their type, in order.

    Only the framing is read here (two fields of the BlobHeader); osmium
    decodes the blocks.
    """
    with open(path, "rb") as fh:
        while True:
            head = fh.read(4)
            if not head:
                return
            n = int.from_bytes(head, "big")
            if len(head) < 4 or n > _MAX_HEADER:
                raise ValueError("bad block length")
            header = fh.read(n)
            kind, size = _blob_header(header)
            blob = fh.read(size)
            if len(header) < n or len(blob) < size:
                raise ValueError("truncated file")
            yield kind, head + header + blob


def file_kind(path: Path) -> str:
    """``pbf`` or ``xml`` (by content), else raise OsmImportError."""
    if not path.exists():
        raise SourceNotFoundError(path=path)
    if path.is_dir():
        raise osm_error(path, "dit is een map", "this is a folder")
    with open(path, "rb") as fh:
        start = fh.read(64 * 1024)
    if start[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                start = gz.read(4096)
        except OSError as exc:
            raise osm_error(path, "beschadigd gz-bestand", "damaged gz file", str(exc)) from exc
    elif start[:3] == b"BZh":
        try:
            with bz2.open(path, "rb") as bz:
                start = bz.read(4096)
        except OSError as exc:
            raise osm_error(path, "beschadigd bz2-bestand", "damaged bz2 file", str(exc)) from exc
    else:
        if len(start) >= 4:
            n = int.from_bytes(start[:4], "big")
            if 0 < n <= _MAX_HEADER and len(start) >= 4 + n:
                try:
                    kind, _ = _blob_header(start[4 : 4 + n])
                except ValueError:
                    kind = ""
                if kind == "OSMHeader":
                    return "pbf"
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if (text.startswith(b"<?xml") and b"<osm" in text[:4096]) or text.startswith(b"<osm"):
        return "xml"
    raise osm_error(
        path,
        "geen OpenStreetMap-bestand (verwacht .osm.pbf of .osm)",
        "not an OpenStreetMap file (expected .osm.pbf or .osm)",
    )


def _xml_format(path: Path) -> str:
    with open(path, "rb") as fh:
        magic = fh.read(3)
    if magic[:2] == b"\x1f\x8b":
        return "osm.gz"
    if magic == b"BZh":
        return "osm.bz2"
    return "osm"


@dataclass
class Source:
    """An extract, read as a series of osmium readers with byte progress."""

    path: Path
    kind: str
    pool: Any = None

    def header_box(self) -> tuple[float, float, float, float] | None:
        import osmium

        try:
            with osmium.io.Reader(self._file(), osmium.osm.NOTHING) as reader:
                box = reader.header().box()
        except RuntimeError:
            return None
        if not box.valid():
            return None
        return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)

    def _file(self) -> Any:
        import osmium

        if self.kind == "pbf":
            return osmium.io.File(str(self.path), "pbf")
        return osmium.io.File(str(self.path), _xml_format(self.path))

    def read(self, entities: Any, handlers: Sequence[Any], task: Task) -> Iterator[Any]:
        """Objects passing ``handlers``; reports byte progress on ``task``.

        ``handlers`` must stay referenced by the caller while iterating
        (osmium's iterator does not keep them alive).
        """
        import osmium

        if self.pool is None:
            self.pool = osmium.io.ThreadPool()
        try:
            if self.kind != "pbf":
                task.report(0.0)
                with osmium.io.Reader(self._file(), entities, thread_pool=self.pool) as rd:
                    for n, obj in enumerate(osmium.OsmFileIterator(rd, *handlers)):
                        if n % _CHECK_EVERY == 0:
                            task.check()
                        yield obj
                task.report(1.0)
                return
            total = max(self.path.stat().st_size, 1)
            done = 0
            task.report(0.0, "reading")
            for chunk, size in self._slices():
                buffer = osmium.io.FileBuffer(chunk, "pbf")
                with osmium.io.Reader(buffer, entities, thread_pool=self.pool) as rd:
                    for n, obj in enumerate(osmium.OsmFileIterator(rd, *handlers)):
                        if n % _CHECK_EVERY == 0:
                            task.check()
                        yield obj
                del buffer, chunk
                done += size
                task.report(done / total, "reading")
        except RuntimeError as exc:
            raise osm_error(
                self.path,
                "het bestand is beschadigd of geen geldig OpenStreetMap-bestand",
                "the file is damaged or not a valid OpenStreetMap file",
                str(exc),
            ) from exc

    def _slices(self) -> Iterator[tuple[bytes, int]]:
        header: bytes | None = None
        parts: list[bytes] = []
        size = 0
        try:
            for kind, block in pbf_blocks(self.path):
                if kind == "OSMHeader":
                    header = block
                    size += len(block)
                    continue
                if header is None:
                    raise ValueError("no OSMHeader block")
                parts.append(block)
                size += len(block)
                if size >= _SLICE_BYTES:
                    yield header + b"".join(parts), size
                    parts, size = [], 0
        except ValueError as exc:
            raise osm_error(
                self.path,
                "het PBF-bestand is beschadigd of afgekapt",
                "the PBF file is damaged or truncated",
                str(exc),
            ) from exc
        if parts and header is not None:
            yield header + b"".join(parts), size
