"""Rasters in a project file: GeoTIFF bytes stored as they are, restored into a per-user cache on load."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from slimmeregio.layers.errors import (
    SlimmeRegioError,
    SourceNotFoundError,
)
from slimmeregio.layers.gdal_safety import (
    open_raster,
    read_edges,
)
from slimmeregio.layers.model import (
    RasterData,
)
from slimmeregio.layers.project_codec import (
    project_error,
)
from slimmeregio.layers.safe_io import (
    atomic_write_bytes,
    safe_filename,
)

__all__ = [
    "raster_bytes",
    "restore_raster",
]


def raster_bytes(raster: RasterData, layer: str) -> bytes:
    """The raster as one compressed GeoTIFF in memory (all bands, exact values)."""
    from rasterio.io import MemoryFile

    if not Path(raster.path).is_file():
        raise SourceNotFoundError(
            path=raster.path,
            layer=layer,
            hint={
                "nl": f"Het rasterbestand van laag '{layer}' is verdwenen; het project is niet bewaard.",
                "en": f"The raster file of layer '{layer}' is gone; the project was not saved.",
            },
        )
    with open_raster(Path(raster.path), layer=layer) as src:
        profile = {
            "driver": "GTiff",
            "width": src.width,
            "height": src.height,
            "count": src.count,
            "dtype": src.dtypes[0],
            "crs": src.crs,
            "transform": src.transform,
            "nodata": src.nodata,
            "compress": "deflate",
            "tiled": src.width >= 256 and src.height >= 256,
        }
        with MemoryFile() as memory:
            with memory.open(**profile) as dst:
                dst.write(src.read())
                for band in range(1, src.count + 1):
                    description = src.descriptions[band - 1]
                    if description:
                        dst.set_band_description(band, description)
            return bytes(memory.read())


def _raster_cache_dir() -> Path:
    """A private (per user) folder for rasters taken out of project files."""
    import getpass

    try:
        user = safe_filename(getpass.getuser(), max_length=40, default="user")
    except (KeyError, OSError, ImportError):
        user = "user"
    folder = Path(tempfile.gettempdir()) / f"slimmeregio-rasters-{user}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def restore_raster(blob: bytes, path: Path, layer: str) -> RasterData:
    """Write the stored GeoTIFF to a content-addressed cache file; read its
    metadata and its first and last pixel rows (a truncated raster fails here).

    Only a GeoTIFF within the size limit is accepted (see :mod:`.gdal_safety`):
    a stored VRT could read other files or URLs.
    """
    if not blob.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        reason_nl = f"het raster van laag '{layer}' is geen GeoTIFF"
        reason_en = f"the raster of layer '{layer}' is not a GeoTIFF"
        if blob.lstrip()[:1] == b"<":
            reason_nl += " maar XML (bv. een GDAL VRT die andere bestanden leest); geweigerd"
            reason_en += " but XML (e.g. a GDAL VRT reading other files); refused"
        raise project_error(path, reason_nl, reason_en)
    digest = hashlib.sha256(blob).hexdigest()
    target = _raster_cache_dir() / f"{digest[:32]}.tif"
    # Content-addressed: an existing file is reused only if its bytes match.
    if not target.is_file() or _file_digest(target) != digest:
        atomic_write_bytes(target, blob)
    try:
        with open_raster(target, layer=layer, source=path) as src:
            read_edges(src)
            return RasterData.from_dataset(target, src)
    except SlimmeRegioError:
        raise
    except Exception as exc:  # rasterio/GDAL: a damaged GeoTIFF
        raise project_error(
            path,
            f"het raster van laag '{layer}' is beschadigd",
            f"the raster of layer '{layer}' is damaged",
            str(exc),
        ) from None
