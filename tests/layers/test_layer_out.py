"""Saving a selection of a layer as GeoPackage, GeoJSON or Shapefile."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from slimmeregio.layers.errors import ExportError, OutputExistsError, UnsupportedFormatError
from slimmeregio.layers.layer_out import selected_layer, write_layer_file
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.roles import Role


def _layer() -> Layer:
    frame = gpd.GeoDataFrame(
        {"naam": ["Halle", "Asse", "Ninove-é"], "woningen": [3, 4, 5]},
        geometry=[Point(150000, 170000), Point(151000, 171000), Point(152000, 172000)],
        crs=ANALYSIS_CRS,
    )
    return Layer("woningen", frame, Role.HOUSING, {"dwellings": "woningen"})


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_a_selection_is_saved_and_reads_back(tmp_path: Path, suffix: str) -> None:
    part = selected_layer(_layer(), [2, 0], name="selectie")
    out = write_layer_file(part, tmp_path / f"selectie{suffix}")
    back = gpd.read_file(out).to_crs(ANALYSIS_CRS)
    assert list(back["naam"]) == ["Halle", "Ninove-é"]  # file order, selection sorted
    assert list(back["woningen"]) == [3, 5]
    assert back.geometry.iloc[1].distance(Point(152000, 172000)) < 0.01
    if suffix == ".geojson":
        assert gpd.read_file(out).crs.to_epsg() == 4326
    # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "sel.shp"
    write_layer_file(_layer(), target)
    with pytest.raises(OutputExistsError):
        write_layer_file(_layer(), target)
    write_layer_file(selected_layer(_layer(), [1]), target, force=True)
    assert list(gpd.read_file(target)["naam"]) == ["Asse"]


def test_unknown_format_and_missing_folder_are_refused_cleanly(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError):
        write_layer_file(_layer(), tmp_path / "sel.xlsx")
    with pytest.raises(ExportError):
        write_layer_file(_layer(), tmp_path / "nope" / "sel.shp")
    with pytest.raises(ExportError):
        write_layer_file(_layer(), tmp_path / "nope" / "sel.geojson")
    assert list(tmp_path.iterdir()) == []
