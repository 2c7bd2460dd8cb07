"""Embedded data of the default Halle-Vilvoorde region.

Only paths live here; nothing is read at import. The files are produced by
``python -m slimmeregio.resources.build resources/sources`` (``make region``)
from the open-data sources copied into :data:`SOURCES_DIR`.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["NOTICE", "POPULATION_TIF", "REGION_GPKG", "RESOURCES_DIR", "SOURCES_DIR"]

#: The folder holding the embedded region files.
RESOURCES_DIR = Path(__file__).resolve().parent
#: All vector layers of the region (EPSG:31370) plus the ``provenance`` table.
REGION_GPKG = RESOURCES_DIR / "region.gpkg"
#: Inhabitants per 100 m cell (float32, EPSG:31370).
POPULATION_TIF = RESOURCES_DIR / "bevolking_100m.tif"
#: Sources, licences and attribution of the embedded data.
NOTICE = RESOURCES_DIR / "NOTICE"
#: Unchanged copies of the open-data files the build reads.
SOURCES_DIR = RESOURCES_DIR / "sources"
