"""Belgium's regions and provinces for the map locator, built from the municipalities TopoJSON.

Maps show where the project region lies in Belgium and Flanders. The
outlines come from the same open-data file as the embedded region
(``sources/belgium-municipalities.topojson``, CC0 1.0), dissolved to the
three regions and the eleven provinces, reprojected to Belgian Lambert 72
(EPSG:31370) and simplified to 300 m: small enough to ship
(:data:`BELGIUM_CONTEXT`) and read for every map. Rebuild with::

    python -m slimmeregio.resources.context
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["BELGIUM_CONTEXT", "build_context"]

#: Regions (``kind == "region"``: Flanders, Wallonia, Brussels) and provinces (``kind == "province"``), each with
#: its region's NIS code (``region``) and, for regions, ``name_nl`` / ``name_en``; EPSG:31370.
BELGIUM_CONTEXT = Path(__file__).resolve().parent / "belgium_context.geojson"

_REGIONS = {
    "02000": ("Vlaanderen", "Flanders"),
    "03000": ("Wallonië", "Wallonia"),
    "04000": ("Brussel", "Brussels"),
}


def build_context(
    topojson: Path, target: Path = BELGIUM_CONTEXT, *, tolerance_m: float = 300.0
) -> Path:
    """Write the regions and provinces of ``topojson`` (the Belgian municipalities) to ``target``."""
    import geopandas as gpd
    import pandas as pd

    provinces = gpd.read_file(topojson, layer="provinces").set_crs("EPSG:4326").to_crs("EPSG:31370")
    provinces["geometry"] = provinces.geometry.buffer(0)
    regions = provinces.dissolve(by="reg_nis", as_index=False)
    regions = regions[regions["reg_nis"].isin(list(_REGIONS))]
    out = pd.concat(
        [
            gpd.GeoDataFrame(
                {
                    "kind": "region",
                    "region": regions["reg_nis"],
                    "name_nl": [_REGIONS[c][0] for c in regions["reg_nis"]],
                    "name_en": [_REGIONS[c][1] for c in regions["reg_nis"]],
                },
                geometry=regions.geometry.to_numpy(),
                crs="EPSG:31370",
            ),
            gpd.GeoDataFrame(
                {"kind": "province", "region": provinces["reg_nis"], "name_nl": "", "name_en": ""},
                geometry=provinces.geometry.to_numpy(),
                crs="EPSG:31370",
            ),
        ],
        ignore_index=True,
    )
    out["geometry"] = out.geometry.simplify(tolerance_m, preserve_topology=True).set_precision(10.0)
    target.unlink(missing_ok=True)
    out.to_file(target, driver="GeoJSON", COORDINATE_PRECISION=0)
    return target


if __name__ == "__main__":  # pragma: no cover - a build step
    from slimmeregio.resources import SOURCES_DIR

    print(build_context(SOURCES_DIR / "belgium-municipalities.topojson"))
    sys.exit(0)
