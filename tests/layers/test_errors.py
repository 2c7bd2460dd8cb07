"""Every way a file can be unusable ends in the project's own error, with
path, layer or field and a message in Dutch and English."""

from __future__ import annotations

import os
import tempfile
import uuid
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely import Point

from slimmeregio.layers import archive, load_layers
from slimmeregio.layers.errors import (
    CorruptFileError,
    EmptyLayerError,
    InvalidCrsError,
    MissingFieldError,
    NoGeoreferenceError,
    SlimmeRegioError,
    SourceNotFoundError,
    UnsafeArchiveError,
    UnsupportedFormatError,
    ZipWithoutShapefileError,
)


def _both_languages(error: SlimmeRegioError) -> None:
    nl, en = error.full_message("nl"), error.full_message("en")
    assert nl and en and nl != en
    assert "{" not in nl and "{" not in en


def test_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError) as info:
        load_layers(tmp_path / "weg.gpkg")
    assert info.value.path == str(tmp_path / "weg.gpkg")
    assert isinstance(info.value, FileNotFoundError)
    _both_languages(info.value)


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "nota.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormatError):
        load_layers(path)


def test_folder_without_shapefiles(tmp_path: Path) -> None:
    (tmp_path / "leesmij.txt.bak").write_text("x")
    with pytest.raises(UnsupportedFormatError) as info:
        load_layers(tmp_path)
    assert "shapefile" in info.value.full_message("en")


@pytest.mark.parametrize(
    "suffix", [".gpkg", ".geojson", ".topojson", ".shp", ".csv", ".tif", ".zip"]
)
def test_zero_byte_file_is_corrupt(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"leeg{suffix}"
    path.write_bytes(b"")
    with pytest.raises(CorruptFileError) as info:
        load_layers(path)
    _both_languages(info.value)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".topojson", ".shp", ".tif", ".zip"])
def test_garbage_is_corrupt(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"rommel{suffix}"
    path.write_bytes(np.random.default_rng(1).bytes(3000))
    with pytest.raises(CorruptFileError):
        load_layers(path)


def test_truncated_geopackage(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"a": range(500)}, geometry=[Point(150_000 + i, 170_000) for i in range(500)], crs=31370
    )
    path = tmp_path / "afgebroken.gpkg"
    frame.to_file(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptFileError) as info:
        load_layers(path)
    assert info.value.detail  # the library's message is kept for the log


def test_any_library_exception_becomes_a_project_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio

    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(150_000, 170_000)], crs=31370)
    path = tmp_path / "ok.gpkg"
    frame.to_file(path)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("GDAL had a bad day")

    monkeypatch.setattr(pyogrio, "read_dataframe", boom)
    with pytest.raises(CorruptFileError) as info:
        load_layers(path)
    assert "bad day" in (info.value.detail or "")


def test_zip_without_shapefile(tmp_path: Path) -> None:
    path = tmp_path / "geen.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("leesmij.txt", "geen shapefile hier")
    with pytest.raises(ZipWithoutShapefileError):
        load_layers(path)


@pytest.mark.parametrize("evil", ["../{name}", "sub/../../{name}", "/tmp/{name}"])
def test_zip_slip_is_refused_and_nothing_written(
    tmp_path: Path, evil: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    name = f"evil-{uuid.uuid4().hex}.txt"
    path = tmp_path / "slip.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.shp", b"x" * 10)  # first, so a naive extractor writes it
        zf.writestr(evil.format(name=name), "owned")
    dest = tmp_path / "out"
    with pytest.raises(UnsafeArchiveError) as info:
        archive.safe_extract(path, dest)
    assert "zip-slip" in info.value.message("en")
    assert list(dest.iterdir()) == []
    with pytest.raises(UnsafeArchiveError):
        load_layers(path)
    for folder in (tmp_path, temp, Path("/tmp")):
        assert not (folder / name).exists()
    assert list(temp.iterdir()) == []  # the extraction folder is gone too


def test_zip_with_windows_separators_is_read(tmp_path: Path) -> None:
    path = tmp_path / "windows.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data\\a.txt", "ok")
    written = archive.safe_extract(path, tmp_path / "out")
    assert written == [(tmp_path / "out" / "data" / "a.txt").resolve()]
    assert written[0].read_text() == "ok"


def test_zip_link_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.zip"
    info = zipfile.ZipInfo("link.shp")
    info.external_attr = 0o120777 << 16
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchiveError):
        archive.safe_extract(path, tmp_path / "out")


def test_zip_bomb_by_ratio_is_refused_before_extracting(tmp_path: Path) -> None:
    path = tmp_path / "bom.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.dbf", b"\0" * (8 * 1024**2))  # compresses ~1000:1
    assert path.stat().st_size < 100_000
    dest = tmp_path / "out"
    with pytest.raises(UnsafeArchiveError) as info:
        archive.safe_extract(path, dest)
    assert "zip bomb" in info.value.message("en")
    assert list(dest.iterdir()) == []


def test_zip_bomb_by_total_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1000)
    path = tmp_path / "groot.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.shp", os.urandom(600))
        zf.writestr("a.dbf", os.urandom(600))
    with pytest.raises(UnsafeArchiveError):
        load_layers(path)


def test_damaged_zip_entry_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "kapot.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.shx", b"first file is fine")
        zf.writestr("a.dbf", b"y" * 5000)
    data = bytearray(path.read_bytes())
    at = data.index(b"y" * 100)
    data[at : at + 10] = b"z" * 10  # the CRC no longer matches
    path.write_bytes(bytes(data))
    dest = tmp_path / "out"
    with pytest.raises(CorruptFileError):
        archive.safe_extract(path, dest)
    assert list(dest.iterdir()) == []


def test_raster_without_georeference(tmp_path: Path) -> None:
    import rasterio

    path = tmp_path / "scan.tif"
    with rasterio.open(path, "w", driver="GTiff", width=3, height=3, count=1, dtype="uint8") as dst:
        dst.write(np.zeros((3, 3), dtype="uint8"), 1)
    with pytest.raises(NoGeoreferenceError) as info:
        load_layers(path)
    _both_languages(info.value)


def test_empty_layer(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"a": []}, geometry=[], crs=31370)
    path = tmp_path / "leeg.gpkg"
    frame.to_file(path, layer="niets")
    with pytest.raises(EmptyLayerError) as info:
        load_layers(path)
    assert info.value.layer == "niets"
    csv = tmp_path / "kop.csv"
    csv.write_text("naam,x,y\n")
    with pytest.raises(EmptyLayerError):
        load_layers(csv)


def test_empty_layer_among_others_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "sjabloon.gpkg"
    gpd.GeoDataFrame({"a": []}, geometry=[], crs=31370).to_file(path, layer="nog_in_te_vullen")
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(150_000, 170_000)], crs=31370).to_file(
        path, layer="punten"
    )
    assert [layer.name for layer in load_layers(path)] == ["punten"]


def test_missing_required_field_for_explicit_role(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"NAAM": ["Halle"]}, geometry=[Point(150_000, 170_000).buffer(100)], crs=31370
    )
    path = tmp_path / "vlakken.gpkg"
    frame.to_file(path)
    with pytest.raises(MissingFieldError) as info:
        load_layers(path, role="municipalities")
    error = info.value
    assert error.field == "nis" and "NAAM" in error.full_message("nl")
    assert "gemeenten" in error.message("nl")
    with pytest.raises(MissingFieldError) as info:
        load_layers(path, role="municipalities", fields={"population": "bestaat_niet"})
    assert "bestaat_niet" in info.value.message("en")


def test_guessed_role_with_missing_field_falls_back_to_other(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"NAAM": ["Halle"]}, geometry=[Point(150_000, 170_000)], crs=31370)
    path = tmp_path / "hoppinpunten.gpkg"
    frame.to_file(path)
    (layer,) = load_layers(path)
    assert layer.role.value == "other" and layer.report.has("role_incomplete")


def test_invalid_crs(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(150_000, 170_000)], crs=31370)
    path = tmp_path / "p.gpkg"
    frame.to_file(path)
    with pytest.raises(InvalidCrsError) as info:
        load_layers(path, crs="EPSG:999999")
    _both_languages(info.value)
