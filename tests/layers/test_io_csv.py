"""CSV point tables: delimiters, decimal comma, encodings, headerless files,
swapped lat/lon, WKT, and the errors for unusable coordinate columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from slimmeregio.layers import Role, load_layers
from slimmeregio.layers.csvio import read_csv_points, sniff_delimiter
from slimmeregio.layers.errors import BadCoordinatesError, MissingCoordinatesError

from .conftest import HALLE_LONLAT, VILVOORDE_LONLAT, to_crs

HALLE_L72 = to_crs(*HALLE_LONLAT, "EPSG:31370")
VILVOORDE_L72 = to_crs(*VILVOORDE_LONLAT, "EPSG:31370")


def _xy(layer) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.column_stack([layer.frame.geometry.x, layer.frame.geometry.y])


def test_comma_csv_with_lon_lat(tmp_path: Path) -> None:
    path = tmp_path / "stations.csv"
    path.write_text(
        "name,longitude,latitude,avg_stop_times\n"
        f"Halle,{HALLE_LONLAT[0]},{HALLE_LONLAT[1]},310.5\n"
        f"Vilvoorde,{VILVOORDE_LONLAT[0]},{VILVOORDE_LONLAT[1]},280\n",
        encoding="utf-8",
    )
    (layer,) = load_layers(path)
    assert layer.original_crs == "EPSG:4326" and layer.crs_guessed
    np.testing.assert_allclose(_xy(layer), [HALLE_L72, VILVOORDE_L72], atol=0.01)
    assert layer.role is Role.STATIONS
    assert layer.fields == {"name": "name", "trains_per_day": "avg_stop_times"}
    assert layer.column("trains_per_day").tolist() == [310.5, 280.0]


def test_semicolon_decimal_comma_lambert_cp1252(tmp_path: Path) -> None:
    """What Excel writes on a Flemish desktop."""
    path = tmp_path / "woningen.csv"
    x1, y1 = (f"{v:.2f}".replace(".", ",") for v in HALLE_L72)
    x2, y2 = (f"{v:.2f}".replace(".", ",") for v in VILVOORDE_L72)
    text = f"Naam;Lambert_X;Lambert_Y;Aantal woningen\nRésidence Zénobe;{x1};{y1};12\nHoeve Bréda;{x2};{y2};3\n"
    path.write_bytes(text.encode("cp1252"))
    frame, info = read_csv_points(path)
    assert (info.delimiter, info.encoding, info.decimal_comma) == (";", "cp1252", True)
    (layer,) = load_layers(path)
    assert layer.original_crs == "EPSG:31370" and layer.crs_guessed
    np.testing.assert_allclose(_xy(layer), [HALLE_L72, VILVOORDE_L72], atol=0.01)
    assert layer.frame["Naam"].tolist() == ["Résidence Zénobe", "Hoeve Bréda"]
    assert layer.role is Role.HOUSING
    assert layer.fields["dwellings"] == "Aantal woningen"
    assert layer.column("dwellings").tolist() == [12, 3]


def test_utf8_bom_and_tab(tmp_path: Path) -> None:
    path = tmp_path / "punten.csv"
    path.write_bytes("\ufeffx\ty\tnaam\n150000\t170000\tÉén\n".encode())
    frame, info = read_csv_points(path)
    assert info.encoding == "utf-8-sig" and info.delimiter == "\t"
    assert list(frame.columns) == ["x", "y", "naam", "geometry"]  # no BOM in the name
    assert frame["naam"].iloc[0] == "Één"


def test_lambert2008_xy_is_guessed(tmp_path: Path) -> None:
    x, y = to_crs(*HALLE_LONLAT, "EPSG:3812")
    path = tmp_path / "l08.csv"
    path.write_text(f"id,x,y\n1,{x:.2f},{y:.2f}\n")
    (layer,) = load_layers(path)
    assert layer.original_crs == "EPSG:3812" and layer.crs_guessed
    np.testing.assert_allclose(_xy(layer)[0], HALLE_L72, atol=0.5)


def test_headerless_csv_finds_lon_lat_by_value(tmp_path: Path) -> None:
    path = tmp_path / "postcodes.csv"
    path.write_text(
        f"1500,Halle,{HALLE_LONLAT[0]},{HALLE_LONLAT[1]}\n1800,Vilvoorde,{VILVOORDE_LONLAT[0]},{VILVOORDE_LONLAT[1]}\n"
    )
    (layer,) = load_layers(path)
    assert list(layer.frame.columns) == ["col1", "col2", "lon", "lat", "geometry"]
    assert layer.frame["col1"].tolist() == [1500, 1800]
    assert layer.report.has("no_header")
    np.testing.assert_allclose(_xy(layer), [HALLE_L72, VILVOORDE_L72], atol=0.01)


def test_swapped_lat_lon_is_detected_and_fixed(tmp_path: Path) -> None:
    path = tmp_path / "omgewisseld.csv"
    # Latitude in the "lon" column and longitude in the "lat" column.
    path.write_text(
        f"naam,lon,lat\nHalle,{HALLE_LONLAT[1]},{HALLE_LONLAT[0]}\nVilvoorde,{VILVOORDE_LONLAT[1]},{VILVOORDE_LONLAT[0]}\n"
    )
    (layer,) = load_layers(path)
    entry = next(e for e in layer.report if e.kind == "lonlat_swapped")
    assert "'lon'" in entry.nl and "omgewisseld" in entry.nl and "swapped" in entry.en
    np.testing.assert_allclose(_xy(layer), [HALLE_L72, VILVOORDE_L72], atol=0.01)
    assert not layer.report.has("outside_belgium")


def test_wkt_column(tmp_path: Path) -> None:
    path = tmp_path / "lijnen.csv"
    path.write_text('naam;wkt\nA;"LINESTRING (150000 170000, 151000 170000)"\n')
    (layer,) = load_layers(path)
    assert layer.geometry_type == "LineString"
    assert layer.frame.geometry.iloc[0].length == pytest.approx(1000.0)


def test_rows_without_coordinates_are_dropped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "gaten.csv"
    path.write_text("naam,x,y\nA,150000,170000\nB,,\nC,151000,171000\n")
    (layer,) = load_layers(path)
    assert len(layer) == 2 and layer.report.count("empty_dropped") == 1


def test_text_in_coordinate_column(tmp_path: Path) -> None:
    path = tmp_path / "tekst.csv"
    path.write_text("naam,x,y\nA,150000,170000\nB,onbekend,171000\n")
    with pytest.raises(BadCoordinatesError) as info:
        load_layers(path)
    error = info.value
    assert error.field == "x" and error.data["row"] == 3 and error.data["value"] == "onbekend"
    assert "rij 3" in error.message("nl") and "row 3" in error.message("en")


def test_csv_without_coordinates(tmp_path: Path) -> None:
    path = tmp_path / "faciliteiten.csv"
    path.write_text("URI,name,bicycle_spots\nx,Halle,120\n")
    with pytest.raises(MissingCoordinatesError) as info:
        load_layers(path)
    assert "bicycle_spots" in info.value.full_message("en")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["a;b", "1,5;2,5"], ";"),
        (["a,b", "1.5,2.5"], ","),
        (["1,5;2,5", "3,5;4,5"], ";"),
        (["a\tb", "1\t2"], "\t"),
        (['"x, y";z', '"1, 2";3'], ";"),
    ],
)
def test_sniff_delimiter(lines: list[str], expected: str) -> None:
    assert sniff_delimiter(lines) == expected


def test_leading_zero_codes_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("nis,x,y\n01000,150000,170000\n23027,151000,171000\n")
    frame, _info = read_csv_points(path)
    assert frame["nis"].tolist() == ["01000", "23027"]


@pytest.mark.parametrize(
    ("header", "geographic"),
    [
        ("Longitude (WGS84);Latitude (WGS84)", True),
        ("POINT_X;POINT_Y", False),
        ("X-coördinaat Lambert 72;Y-coördinaat Lambert 72", False),
        ("GPS_LAT;GPS_LON", True),
    ],
)
def test_coordinate_names_found_in_longer_names(
    tmp_path: Path, header: str, geographic: bool
) -> None:
    path = tmp_path / "namen.csv"
    if geographic:
        values = f"{HALLE_LONLAT[0]};{HALLE_LONLAT[1]}".replace(".", ",")
        if header.startswith("GPS_LAT"):
            values = f"{HALLE_LONLAT[1]};{HALLE_LONLAT[0]}".replace(".", ",")
    else:
        values = f"{HALLE_L72[0]:.2f};{HALLE_L72[1]:.2f}".replace(".", ",")
    path.write_text(f"{header}\n{values}\n")
    frame, info = read_csv_points(path)
    assert info.geographic is geographic
    (layer,) = load_layers(path)
    np.testing.assert_allclose(_xy(layer)[0], HALLE_L72, atol=0.01)
    assert not layer.report.has("lonlat_swapped")


def test_duplicate_header_names_are_linear() -> None:
    import time

    from slimmeregio.layers.csvio import _unique_names

    started = time.perf_counter()
    names = _unique_names(["a"] * 20_000 + ["a_3", "", "b"])
    assert time.perf_counter() - started < 2  # was 77 s (quadratic suffix search)
    expected = ["a"] + [f"a_{i}" for i in range(2, 20_001)]
    assert names[:20_000] == expected
    # an explicit 'a_3' after the generated one gets its own suffix; a blank name is numbered
    assert names[20_000:] == ["a_3_2", "col20002", "b"]


def test_too_many_columns_refused_early(tmp_path: Path) -> None:
    import time

    from slimmeregio.layers.csvio import MAX_COLUMNS
    from slimmeregio.layers.errors import CorruptFileError

    path = tmp_path / "breed.csv"
    width = 200_000
    path.write_text(
        ",".join(["a"] * width) + "\n" + ",".join(["1"] * width) + "\n", encoding="utf-8"
    )
    started = time.perf_counter()
    with pytest.raises(CorruptFileError) as info:
        read_csv_points(path)
    assert time.perf_counter() - started < 10
    assert f"{MAX_COLUMNS}" in info.value.full_message(
        "en"
    ) and f"{width}" in info.value.full_message("en")
