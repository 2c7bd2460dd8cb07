"""The background-map tile cache: tiles on disk in the user's cache folder, written atomically, the least recently used removed beyond a size limit."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from pathlib import Path

__all__ = ["DEFAULT_CACHE_BYTES", "TileCache", "cache_dir"]

#: Default size limit of the tile cache.
DEFAULT_CACHE_BYTES = 200 * 1024**2


def cache_dir() -> Path:
    """``$SLIMMEREGIO_CACHE_DIR/tiles`` when set (tests), else platformdirs'
    user cache folder for the application, ``.../tiles``."""
    env = os.environ.get("SLIMMEREGIO_CACHE_DIR")
    if env:
        return Path(env) / "tiles"
    import platformdirs

    return Path(platformdirs.user_cache_dir("slimmeregio", appauthor=False)) / "tiles"


class TileCache:
    """Tiles on disk, keyed by their URL, at most ``max_bytes`` in total.

    Writes are atomic (a temporary file renamed into place), so a reader
    in another thread or process never sees half a tile. When a write takes
    the total over the limit the least recently used tiles are removed until
    the total is 90 % of the limit.
    """

    def __init__(
        self, directory: Path | None = None, *, max_bytes: int = DEFAULT_CACHE_BYTES
    ) -> None:
        self.directory = Path(directory) if directory is not None else cache_dir()
        self.max_bytes = int(max_bytes)
        self._lock = threading.Lock()
        self._total: int | None = None

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.directory / digest[:2] / f"{digest}.tile"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            old = path.stat().st_size if path.exists() else 0
            os.replace(tmp, path)
        except OSError:
            return  # a cache that cannot be written is no cache, not an error
        with self._lock:
            if self._total is None:
                self._total = self._scan()
            else:
                self._total += len(data) - old
            if self._total > self.max_bytes:
                self._evict()

    def _files(self) -> list[tuple[float, int, Path]]:
        found = []
        for path in self.directory.glob("*/*.tile"):
            with contextlib.suppress(OSError):
                st = path.stat()
                found.append((st.st_mtime, st.st_size, path))
        return found

    def _scan(self) -> int:
        return sum(size for _, size, _ in self._files())

    def _evict(self) -> None:
        files = sorted(self._files())
        total = sum(size for _, size, _ in files)
        target = int(self.max_bytes * 0.9)
        for _, size, path in files:
            if total <= target:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
        self._total = total

    @property
    def total_bytes(self) -> int:
        """Bytes the cached tiles take now."""
        with self._lock:
            self._total = self._scan()
            return self._total

    def clear(self) -> None:
        with self._lock:
            for _, _, path in self._files():
                with contextlib.suppress(OSError):
                    path.unlink()
            self._total = 0
