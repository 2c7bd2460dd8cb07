"""Opening user files with GDAL safely: the expected format only, nothing else read.

GDAL picks a driver by a file's *content*, not its name, so a ``.tif`` or a
``.geojson`` can be a GDAL VRT (or WMS, WFS ... XML) that reads other local
files or fetches URLs. Every open of a user file (a loaded layer, a project,
the GeoTIFF stored inside a project) therefore goes through this module:

* :func:`check_path` refuses ``/vsi...`` paths and URLs;
* :func:`sniff` reads the first bytes and refuses anything that is not the
  format the file name promises (XML is refused as unsafe: no supported
  format is XML, and every XML-based GDAL format can reach other files);
* :func:`open_raster` opens with the GTiff driver only and checks the declared
  size against :data:`MAX_RASTER_BYTES` before a pixel is read;
* :func:`vector_env` / :func:`raster_env` set GDAL options that keep every
  open off the network (``/vsicurl/`` finds no file, HTTP goes to a closed
  port), refuse VRT Python and raw bands and write no ``.aux.xml`` beside
  the input;
* :func:`check_sqlite` refuses a GeoPackage that another program left
  half-written (a hot ``-journal`` or a ``-wal`` beside it) without touching
  either file, and :func:`sqlite_readonly` opens one read-only and immutable.

>>> sniff_bytes(b'<VRTDataset rasterXSize="1">')
'xml'
>>> sniff_bytes(b"II*\\x00....")
'gtiff'
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from slimmeregio.layers.errors import (
    CorruptFileError,
    HalfWrittenError,
    TooLargeError,
    UnsafeSourceError,
)

__all__ = [
    "GEOJSON_MAX_OBJ_MB",
    "MAX_RASTER_BYTES",
    "MAX_VIEW_ROWS",
    "check_path",
    "check_raster_size",
    "check_sqlite",
    "gpkg_open_options",
    "open_raster",
    "raster_env",
    "read_edges",
    "sniff",
    "sniff_bytes",
    "sqlite_readonly",
    "vector_env",
    "view_rows",
]

#: Largest raster read: width x height x bands x bytes per pixel (512 MiB;
#: e.g. 134 million float32 pixels, an 11,500 x 11,500 grid, one band).
MAX_RASTER_BYTES = 512 * 1024**2
#: Largest number of rows of a GeoPackage *view* (a view is a query: its
#: size is not bounded by the file's size).
MAX_VIEW_ROWS = 100_000
#: SQLite virtual-machine steps allowed to count a view's rows (about a
#: second); a view needing more is refused.
_VIEW_WORK_STEPS = 20_000_000
#: Largest GeoJSON object GDAL parses, in MB of GDAL's own estimate (about
#: 40 times the object's text). GDAL's default, 200, refuses a single line or
#: polygon of about a million vertices; 4000 admits a valid 3-million-vertex
#: one (72 MB of text, about 1.7 GB peak memory). A larger object is refused
#: with :class:`.TooLargeError` naming this limit.
GEOJSON_MAX_OBJ_MB = 4000

#: Contents a file name suffix may have (a GeoPackage named .geojson is read
#: as the GeoPackage it is; no other mix is allowed).
_SUFFIX_CONTENTS: dict[str, tuple[str, ...]] = {
    ".gpkg": ("sqlite",),
    ".geojson": ("json", "sqlite"),
    ".json": ("json", "sqlite"),
    ".topojson": ("json",),
    ".shp": ("shape",),
    ".tif": ("gtiff",),
    ".tiff": ("gtiff",),
    ".geotiff": ("gtiff",),
    ".srp": ("sqlite",),
}
_FORMAT_NAMES = {
    "sqlite": "GeoPackage",
    "json": "GeoJSON",
    "shape": "Shapefile",
    "gtiff": "GeoTIFF",
}

#: GDAL options for every open of a user file.
_COMMON_OPTIONS = {
    # /vsicurl/ (and /vsis3/ ...) treat every URL as absent: no request is made.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".slimmeregio-no-network",
    # Should a request still be made, it goes to a closed local port.
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    # SQL functions such as gdal_get_pixel_value() must not open other files.
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    # No .aux.xml read beside the input, none written.
    "GDAL_PAM_ENABLED": "NO",
}
_RASTER_OPTIONS = {
    **_COMMON_OPTIONS,
    # Do not list the folder looking for .ovr/.msk side files.
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}
_VECTOR_OPTIONS = {**_COMMON_OPTIONS, "OGR_GEOJSON_MAX_OBJ_SIZE": str(GEOJSON_MAX_OBJ_MB)}

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SHAPE_MAGIC = b"\x00\x00\x27\x0a"
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
_SNIFF_BYTES = 512


def _unsafe(path: Path, nl: str, en: str) -> UnsafeSourceError:
    return UnsafeSourceError(path=path, reason={"nl": nl, "en": en})


def check_path(path: str | os.PathLike[str]) -> str:
    """The absolute path GDAL may open for a user file; refuses ``/vsi...``
    paths, URLs and GDAL's ``DRIVER:...`` connection strings."""
    text = os.fspath(path)
    if _URL.match(text) or text.lower().startswith(("/vsi", "\\vsi")):
        raise _unsafe(
            Path(text),
            "een internetadres of GDAL-pad wordt niet geopend",
            "an internet address or GDAL path is not opened",
        )
    absolute = os.path.abspath(text)
    if absolute.replace("\\", "/").lower().startswith("/vsi"):
        raise _unsafe(
            Path(text),
            "een internetadres of GDAL-pad wordt niet geopend",
            "an internet address or GDAL path is not opened",
        )
    return absolute


def sniff_bytes(head: bytes) -> str:
    """What the first bytes of a file are: gtiff, sqlite, shape, json, xml or other."""
    if head.startswith(_TIFF_MAGIC):
        return "gtiff"
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(_SHAPE_MAGIC):
        return "shape"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c")
    if text.startswith(b"<"):
        return "xml"
    if text.startswith((b"{", b"[")) or (not text and head):
        return "json"
    return "other"


def sniff(path: Path, suffix: str | None = None) -> str:
    """The content kind of ``path``, checked against its suffix.

    Raises
    ------
    UnsafeSourceError
        XML (a GDAL VRT, WMS ... description that reads other files or URLs).
    CorruptFileError
        Content that is not what the name says.
    """
    check_path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:
        raise CorruptFileError(path=path, detail=f"{type(error).__name__}: {error}") from error
    kind = sniff_bytes(head)
    if kind == "xml":
        raise _unsafe(
            path,
            "het is een GDAL-beschrijving (XML, bv. VRT) die andere bestanden of internetadressen "
            "kan lezen; er is niets anders gelezen",
            "it is a GDAL description (XML, e.g. VRT) that can read other files or internet "
            "addresses; nothing else was read",
        )
    suffix = (suffix if suffix is not None else path.suffix).lower()
    allowed = _SUFFIX_CONTENTS.get(suffix)
    if allowed is not None and kind not in allowed:
        expected = _FORMAT_NAMES[allowed[0]]
        raise CorruptFileError(path=path, detail=f"the content is not {expected}")
    return kind


@contextlib.contextmanager
def raster_env() -> Iterator[None]:
    """rasterio's GDAL configured for a user file (no network, no side files)."""
    import rasterio

    with rasterio.Env(**_RASTER_OPTIONS):
        yield


@contextlib.contextmanager
def vector_env() -> Iterator[None]:
    """pyogrio's GDAL configured for a user file; the previous options are restored."""
    import pyogrio

    old = {key: pyogrio.get_gdal_config_option(key) for key in _VECTOR_OPTIONS}
    pyogrio.set_gdal_config_options(_VECTOR_OPTIONS)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(old)


def _size_text(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def check_raster_size(src: Any, path: Path, layer: str | None = None) -> None:
    """Refuse a raster whose declared pixels exceed :data:`MAX_RASTER_BYTES`
    (checked from the header, before any pixel is read)."""
    import numpy as np

    itemsize = max(np.dtype(d).itemsize for d in src.dtypes) if src.count else 1
    needed = int(src.width) * int(src.height) * max(int(src.count), 1) * itemsize
    if needed > MAX_RASTER_BYTES:
        bands_nl = "1 band" if src.count == 1 else f"{src.count} banden"
        bands_en = "1 band" if src.count == 1 else f"{src.count} bands"
        raise TooLargeError(
            path=path,
            layer=layer,
            reason={
                "nl": f"het raster meldt {src.width} x {src.height} pixels x {bands_nl} "
                f"= {_size_text(needed)} in het geheugen",
                "en": f"the raster declares {src.width} x {src.height} pixels x {bands_en} "
                f"= {_size_text(needed)} in memory",
            },
            limit=_size_text(MAX_RASTER_BYTES),
        )


@contextlib.contextmanager
def open_raster(
    path: Path, *, layer: str | None = None, source: Path | None = None
) -> Iterator[Any]:
    """Open a user GeoTIFF with the GTiff driver only (rasterio passes it to
    GDAL as the only allowed driver), size checked.

    ``source`` is the file named in messages (the project, for a raster
    stored inside one); default ``path``.
    """
    import rasterio

    shown = source if source is not None else path
    if sniff(path, ".tif") != "gtiff":  # pragma: no cover - sniff raises first
        raise CorruptFileError(path=shown, layer=layer, detail="the content is not GeoTIFF")
    with raster_env(), rasterio.open(check_path(path), driver="GTiff") as src:
        if src.driver != "GTiff":  # pragma: no cover - rasterio honours the list
            raise CorruptFileError(path=shown, layer=layer, detail=f"opened as {src.driver}")
        check_raster_size(src, shown, layer)
        yield src


def read_edges(src: Any) -> None:
    """Read the first and last pixel row of every band: a truncated file
    fails here, at load, rather than later when the pixels are needed."""
    from rasterio.windows import Window

    for row in sorted({0, src.height - 1}):
        src.read(window=Window(0, row, src.width, 1))


# --- SQLite / GeoPackage -----------------------------------------------------


def _hot_journal(journal: Path) -> bool:
    try:
        with open(journal, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    return head == _JOURNAL_MAGIC


def check_sqlite(path: Path, *, is_project: bool = False) -> None:
    """Refuse a SQLite file another program left half-written (or is writing):
    a hot rollback journal or a non-empty write-ahead log beside it.

    Neither file is touched: opening the database normally would roll the
    journal back into it (changing the input) and delete the journal.
    """
    journal = path.with_name(path.name + "-journal")
    wal = path.with_name(path.name + "-wal")
    found = None
    if journal.is_file() and journal.stat().st_size > 0 and _hot_journal(journal):
        found = journal
    elif wal.is_file() and wal.stat().st_size > 0:
        found = wal
    if found is not None:
        raise HalfWrittenError(path=path, sidecar=found.name, project=is_project)


def _uri(path: Path) -> str:
    """The read-only, immutable SQLite URI of ``path``: ``file:///home/a.srp``,
    ``file:///C:/a.srp``, ``file:////server/share/a.srp`` (UNC), with
    ``?``, ``#`` and ``%`` in names escaped."""
    quoted = urllib.parse.quote(os.path.abspath(path).replace("\\", "/"), safe="/:")
    slash = "" if quoted.startswith("/") else "/"
    return f"file://{slash}{quoted}?mode=ro&immutable=1"


def gpkg_open_options(path: Path) -> dict[str, str]:
    """GDAL open options for reading a GeoPackage without touching it.

    ``IMMUTABLE=YES``: no locks, no journal, no ``-wal``/``-shm``. GDAL builds
    an unescaped SQLite URI for it, so a name holding ``?``, ``#`` or ``%``
    is opened plain read-only instead (which, after :func:`check_sqlite`,
    also changes nothing).
    """
    if any(ch in os.path.abspath(path) for ch in "?#%"):
        return {}
    return {"IMMUTABLE": "YES"}


@contextlib.contextmanager
def sqlite_readonly(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only, immutable SQLite connection: it creates, changes and
    deletes nothing (no journal rollback, no ``-wal``/``-shm`` files).

    Call :func:`check_sqlite` first: immutable mode ignores a journal.
    """
    db = sqlite3.connect(_uri(path), uri=True)
    try:
        db.execute("PRAGMA query_only = ON")
        with contextlib.suppress(sqlite3.Error):
            db.execute("PRAGMA trusted_schema = OFF")
        yield db
    finally:
        db.close()


def view_rows(db: sqlite3.Connection, table: str) -> int | None:
    """Rows of ``table`` when it is a view (None for a table), counted up to
    :data:`MAX_VIEW_ROWS` + 1 with a bounded amount of work.

    Returns ``MAX_VIEW_ROWS + 1`` when the view is larger, and -1 when even
    counting it takes more than the work budget.
    """
    row = db.execute(
        "SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", (table,)
    ).fetchone()
    if row is None or row[0] != "view":
        return None
    steps = 0

    def budget() -> int:
        nonlocal steps
        steps += 1
        return 1 if steps * 10_000 > _VIEW_WORK_STEPS else 0

    db.set_progress_handler(budget, 10_000)
    try:
        quoted = '"' + table.replace('"', '""') + '"'
        (count,) = db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {quoted} LIMIT {MAX_VIEW_ROWS + 1})"  # noqa: S608 - an identifier quoted above
        ).fetchone()
    except sqlite3.OperationalError as error:
        if "interrupt" in str(error).lower():
            return -1
        raise
    finally:
        db.set_progress_handler(None, 0)
    return int(count)
