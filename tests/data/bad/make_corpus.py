"""Generate the hostile-input corpus: files planners (or attackers) might feed us.

Usage::

    python tests/data/bad/make_corpus.py OUTPUT_DIR

Every case is a file (or, for a shapefile, a file plus sidecars) built
deterministically from code, so the corpus needs no binary files in git and
can be regenerated anywhere. The expected outcome of each case is in
``expected.toml`` next to this script; :func:`build_corpus` checks that the
two lists agree. ``tests/layers/test_bad_corpus.py`` generates the corpus
once per test session into a temporary folder.
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from shapely.geometry import LineString, Point, Polygon

__all__ = ["CASES", "build_corpus", "expected_outcomes"]

HERE = Path(__file__).resolve().parent
CRS = "EPSG:31370"
#: Halle station and surroundings, in Lambert 72.
X0, Y0 = 143600.0, 158400.0

Builder = Callable[[Path], None]
CASES: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    """Register a builder writing the case file ``name`` into a folder."""

    def register(builder: Builder) -> Builder:
        if name in CASES:
            raise ValueError(f"duplicate case {name}")
        CASES[name] = builder
        return builder

    return register


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _points(n: int = 5) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"naam": [f"punt {i}" for i in range(n)], "woningen": np.arange(1, n + 1) * 10},
        geometry=[Point(X0 + 100 * i, Y0 + 50 * i) for i in range(n)],
        crs=CRS,
    )


def _lines(n: int = 5) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"klasse": ["lokaal"] * n, "link_id": np.arange(1, n + 1)},
        geometry=[LineString([(X0 + 100 * i, Y0), (X0 + 100 * i + 80, Y0 + 60)]) for i in range(n)],
        crs=CRS,
    )


def _gpkg_bytes(frame: gpd.GeoDataFrame, folder: Path, layer: str = "laag") -> bytes:
    tmp = folder / f".tmp-{layer}.gpkg"
    pyogrio.write_dataframe(frame, tmp, layer=layer, driver="GPKG")
    data = tmp.read_bytes()
    tmp.unlink()
    return data


def _write_shapefile(frame: gpd.GeoDataFrame, target: Path, **options: object) -> None:
    pyogrio.write_dataframe(frame, target, driver="ESRI Shapefile", **options)


def _geojson(features: list[dict[str, object]], crs: str | None = None) -> str:
    doc: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc)


def _feature(geometry: dict[str, object] | None, **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _zip(
    target: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], *, level: int = 6
) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in entries:
            zf.writestr(name, data)


def _shapefile_parts(frame: gpd.GeoDataFrame, folder: Path, stem: str) -> dict[str, bytes]:
    tmp = folder / f".tmp-{stem}"
    tmp.mkdir()
    _write_shapefile(frame, tmp / f"{stem}.shp")
    parts = {p.suffix: p.read_bytes() for p in tmp.iterdir()}
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    return parts


def _tiff(
    target: Path, *, crs: str | None, transform: object | None, dtype: str = "float32"
) -> None:
    import rasterio
    from rasterio.transform import Affine

    data = np.arange(20 * 30, dtype=dtype).reshape(1, 20, 30)
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": 30,
        "height": 20,
        "count": 1,
        "dtype": dtype,
    }
    if crs is not None:
        profile["crs"] = crs
    if transform is not None:
        profile["transform"] = transform
    else:
        profile["transform"] = Affine.identity()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rasterio warns about the identity transform
        with rasterio.open(target, "w", **profile) as dst:
            dst.write(data)


# ---------------------------------------------------------------------------
# GeoPackage
# ---------------------------------------------------------------------------


@case("gpkg_zero_bytes.gpkg")
def _(folder: Path) -> None:
    (folder / "gpkg_zero_bytes.gpkg").write_bytes(b"")


@case("gpkg_truncated.gpkg")
def _(folder: Path) -> None:
    data = _gpkg_bytes(_points(200), folder)
    (folder / "gpkg_truncated.gpkg").write_bytes(data[: len(data) // 3])


@case("gpkg_header_only.gpkg")
def _(folder: Path) -> None:
    data = _gpkg_bytes(_points(), folder)
    (folder / "gpkg_header_only.gpkg").write_bytes(data[:100])


@case("gpkg_text.gpkg")
def _(folder: Path) -> None:
    (folder / "gpkg_text.gpkg").write_text("Dit is geen GeoPackage maar een notitie.\n")


@case("gpkg_plain_sqlite.gpkg")
def _(folder: Path) -> None:
    # A valid SQLite database without any GeoPackage tables.
    with sqlite3.connect(folder / "gpkg_plain_sqlite.gpkg") as db:
        db.execute("CREATE TABLE adressen (id INTEGER, straat TEXT)")
        db.execute("INSERT INTO adressen VALUES (1, 'Stationsplein')")


@case("gpkg_empty_layer.gpkg")
def _(folder: Path) -> None:
    pyogrio.write_dataframe(_points().iloc[:0], folder / "gpkg_empty_layer.gpkg", layer="woningen")


@case("gpkg_all_null_geometry.gpkg")
def _(folder: Path) -> None:
    frame = _points(4)
    frame["geometry"] = None
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=CRS)
    pyogrio.write_dataframe(
        frame, folder / "gpkg_all_null_geometry.gpkg", layer="woningen", geometry_type="Point"
    )


@case("gpkg_mixed_geometry.gpkg")
def _(folder: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"naam": ["punt", "lijn", "vlak"]},
        geometry=[
            Point(X0, Y0),
            LineString([(X0, Y0), (X0 + 100, Y0 + 100)]),
            Polygon([(X0, Y0), (X0 + 50, Y0), (X0 + 50, Y0 + 50)]),
        ],
        crs=CRS,
    )
    pyogrio.write_dataframe(frame, folder / "gpkg_mixed_geometry.gpkg", layer="gemengd")


@case("gpkg_3d_lines.gpkg")
def _(folder: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"klasse": ["lokaal", "bovenlokaal"]},
        geometry=[
            LineString([(X0, Y0, 20.0), (X0 + 100, Y0 + 100, 25.0)]),
            LineString([(X0 + 100, Y0 + 100, 25.0), (X0 + 300, Y0 + 100, 30.0)]),
        ],
        crs=CRS,
    )
    pyogrio.write_dataframe(frame, folder / "gpkg_3d_lines.gpkg", layer="fietsnetwerk")


@case("gpkg_measured_lines.gpkg")
def _(folder: Path) -> None:
    from pyogrio.raw import write

    def line_m(points: list[tuple[float, float, float]]) -> bytes:
        out = struct.pack("<BII", 1, 2002, len(points))  # ISO WKB LineString M
        for x, y, m in points:
            out += struct.pack("<3d", x, y, m)
        return out

    geoms = np.array(
        [
            line_m([(X0, Y0, 0.0), (X0 + 100, Y0 + 100, 141.4)]),
            line_m([(X0, Y0, 0.0), (X0 - 50, Y0, 50.0)]),
        ],
        dtype=object,
    )
    write(
        folder / "gpkg_measured_lines.gpkg",
        geoms,
        [np.array(["lokaal", "lokaal"], dtype=object)],
        ["klasse"],
        geometry_type="Unknown",
        crs=CRS,
        driver="GPKG",
        layer="fietsnetwerk",
    )


@case("gpkg_self_intersecting.gpkg")
def _(folder: Path) -> None:
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    frame = gpd.GeoDataFrame(
        {"woningen": [40, 10]}, geometry=[bowtie, Point(X0, Y0).buffer(30)], crs=CRS
    )
    pyogrio.write_dataframe(frame, folder / "gpkg_self_intersecting.gpkg", layer="woningen")


@case("gpkg_huge_coordinates.gpkg")
def _(folder: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"naam": ["ver", "verder"]},
        geometry=[Point(1e30, -1e30), Point(3.4e38, 1e300)],
        crs=CRS,
    )
    pyogrio.write_dataframe(frame, folder / "gpkg_huge_coordinates.gpkg", layer="punten")


@case("gpkg_no_crs.gpkg")
def _(folder: Path) -> None:
    frame = _points()
    frame = frame.set_crs(None, allow_override=True)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio: "'crs' was not provided"
        pyogrio.write_dataframe(frame, folder / "gpkg_no_crs.gpkg", layer="woningen")


@case("gpkg_wgs84_swapped.gpkg")
def _(folder: Path) -> None:
    # Latitude written as x, longitude as y, declared as WGS 84.
    frame = gpd.GeoDataFrame(
        {"naam": ["Halle", "Vilvoorde", "Zaventem"]},
        geometry=[Point(50.7339, 4.2402), Point(50.9281, 4.4221), Point(50.8837, 4.4713)],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, folder / "gpkg_wgs84_swapped.gpkg", layer="stations")


# ---------------------------------------------------------------------------
# Wrong extensions
# ---------------------------------------------------------------------------


@case("wrong_zip_named.gpkg")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    _zip(folder / "wrong_zip_named.gpkg", [(f"punten{s}", b) for s, b in parts.items()])


@case("wrong_png_named.tif")
def _(folder: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
    (folder / "wrong_png_named.tif").write_bytes(png)


@case("wrong_gpkg_named.geojson")
def _(folder: Path) -> None:
    (folder / "wrong_gpkg_named.geojson").write_bytes(_gpkg_bytes(_points(), folder))


@case("wrong_docx.docx")
def _(folder: Path) -> None:
    _zip(folder / "wrong_docx.docx", [("word/document.xml", b"<w:document/>")])


@case("wrong_xlsx_named.csv")
def _(folder: Path) -> None:
    _zip(
        folder / "wrong_xlsx_named.csv",
        [("xl/workbook.xml", b"<workbook/>"), ("[Content_Types].xml", b"<Types/>")],
    )


@case("wrong_no_extension")
def _(folder: Path) -> None:
    (folder / "wrong_no_extension").write_bytes(_gpkg_bytes(_points(), folder))


# ---------------------------------------------------------------------------
# Shapefiles
# ---------------------------------------------------------------------------


def _shapefile_without(folder: Path, stem: str, missing: str) -> None:
    sub = folder / stem
    sub.mkdir()
    for suffix, data in _shapefile_parts(_points(), folder, stem).items():
        if suffix != missing:
            (sub / f"{stem}{suffix}").write_bytes(data)


@case("shp_missing_dbf/shp_missing_dbf.shp")
def _(folder: Path) -> None:
    _shapefile_without(folder, "shp_missing_dbf", ".dbf")


@case("shp_missing_shx/shp_missing_shx.shp")
def _(folder: Path) -> None:
    _shapefile_without(folder, "shp_missing_shx", ".shx")


@case("shp_missing_prj/shp_missing_prj.shp")
def _(folder: Path) -> None:
    _shapefile_without(folder, "shp_missing_prj", ".prj")


@case("shp_only_dbf/shp_only_dbf.shp")
def _(folder: Path) -> None:
    sub = folder / "shp_only_dbf"
    sub.mkdir()
    parts = _shapefile_parts(_points(), folder, "shp_only_dbf")
    (sub / "shp_only_dbf.dbf").write_bytes(parts[".dbf"])
    (sub / "shp_only_dbf.shp").write_bytes(parts[".shp"][:60])  # header cut short


@case("shp_cp1252_no_cpg/shp_cp1252_no_cpg.shp")
def _(folder: Path) -> None:
    sub = folder / "shp_cp1252_no_cpg"
    sub.mkdir()
    frame = gpd.GeoDataFrame(
        {"naam": ["Café Sint-Genesius-Rode", "Zaventem €-zone"]},
        geometry=[Point(X0, Y0), Point(X0 + 10, Y0)],
        crs=CRS,
    )
    _write_shapefile(frame, sub / "shp_cp1252_no_cpg.shp", encoding="cp1252")
    (sub / "shp_cp1252_no_cpg.cpg").unlink(missing_ok=True)


@case("shp_cp1252_with_cpg.zip")
def _(folder: Path) -> None:
    tmp = folder / ".tmp-cpg"
    tmp.mkdir()
    frame = gpd.GeoDataFrame(
        {"naam": ["Café Sint-Genesius-Rode", "Zaventem €-zone"]},
        geometry=[Point(X0, Y0), Point(X0 + 10, Y0)],
        crs=CRS,
    )
    _write_shapefile(frame, tmp / "cafes.shp", encoding="cp1252")
    entries = [(p.name, p.read_bytes()) for p in sorted(tmp.iterdir())]
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    _zip(folder / "shp_cp1252_with_cpg.zip", entries)


# ---------------------------------------------------------------------------
# Zip archives
# ---------------------------------------------------------------------------


@case("zip_slip.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    entries = [(f"punten{s}", b) for s, b in parts.items()]
    entries.append(("../../evil.txt", b"gotcha"))
    _zip(folder / "zip_slip.zip", entries)


@case("zip_absolute_path.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    entries = [(f"/tmp/slimmeregio-evil/punten{s}", b) for s, b in parts.items()]
    _zip(folder / "zip_absolute_path.zip", entries)


@case("zip_backslash_slip.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    entries = [(f"punten{s}", b) for s, b in parts.items()]
    entries.append(("..\\..\\evil.bat", b"echo gotcha"))
    _zip(folder / "zip_backslash_slip.zip", entries)


@case("zip_symlink.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        (f"punten{s}", b) for s, b in parts.items()
    ]
    link = zipfile.ZipInfo("punten.prj")
    link.create_system = 3
    link.external_attr = 0o120777 << 16  # a symbolic link to /etc/passwd
    entries = [e for e in entries if e[0] != "punten.prj"] + [(link, b"/etc/passwd")]
    _zip(folder / "zip_symlink.zip", entries)


@case("zip_bomb_ratio.zip")
def _(folder: Path) -> None:
    # 64 MB of zeros compresses to ~64 kB: a ratio of ~1000:1.
    parts = _shapefile_parts(_points(), folder, "punten")
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        (f"punten{s}", b) for s, b in parts.items()
    ]
    entries.append(("punten_extra.dbf", bytes(64 * 1024 * 1024)))
    _zip(folder / "zip_bomb_ratio.zip", entries, level=9)


@case("zip_bomb_entries.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for s, b in parts.items():
            zf.writestr(f"punten{s}", b)
        for i in range(10_001):
            zf.writestr(f"x/{i}", b"")
    (folder / "zip_bomb_entries.zip").write_bytes(buffer.getvalue())


@case("zip_size_lie.zip")
def _(folder: Path) -> None:
    # The entry claims to be 10 bytes but inflates to 100 kB.
    parts = _shapefile_parts(_points(), folder, "punten")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for s, b in parts.items():
            zf.writestr(f"punten{s}", b)
        zf.writestr("liar.bin", bytes(100_000))
    data = bytearray(buffer.getvalue())
    local = data.find(b"liar.bin") - 30  # local header: name at offset 30
    central = data.find(b"liar.bin", local + 31) - 46  # central header: name at 46
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, 10)  # uncompressed size
    struct.pack_into("<I", data, central + 24, 10)
    (folder / "zip_size_lie.zip").write_bytes(bytes(data))


@case("zip_no_shapefile.zip")
def _(folder: Path) -> None:
    _zip(
        folder / "zip_no_shapefile.zip",
        [("leesmij.txt", b"geen shapefile hier"), ("data.csv", b"x,y\n1,2\n")],
    )


@case("zip_truncated.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(50), folder, "punten")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for s, b in parts.items():
            zf.writestr(f"punten{s}", b)
    data = buffer.getvalue()
    (folder / "zip_truncated.zip").write_bytes(data[: len(data) // 2])


@case("zip_encrypted.zip")
def _(folder: Path) -> None:
    parts = _shapefile_parts(_points(), folder, "punten")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for s, b in parts.items():
            zf.writestr(f"punten{s}", b)
    data = bytearray(buffer.getvalue())
    # Set the "encrypted" flag bit on every local and central header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            flags = struct.unpack_from("<H", data, start + offset)[0]
            struct.pack_into("<H", data, start + offset, flags | 0x1)
            start += 4
    (folder / "zip_encrypted.zip").write_bytes(bytes(data))


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


@case("csv_zero_bytes.csv")
def _(folder: Path) -> None:
    (folder / "csv_zero_bytes.csv").write_bytes(b"")


@case("csv_header_only.csv")
def _(folder: Path) -> None:
    (folder / "csv_header_only.csv").write_text("naam;x;y\n")


@case("csv_text_in_coordinates.csv")
def _(folder: Path) -> None:
    (folder / "csv_text_in_coordinates.csv").write_text(
        "naam;x;y\nStation Halle;143600;158400\nGemeentehuis;onbekend;158500\n"
    )


@case("csv_no_coordinates.csv")
def _(folder: Path) -> None:
    (folder / "csv_no_coordinates.csv").write_text("naam;gemeente;woningen\nProject A;Halle;40\n")


@case("csv_swapped_latlon.csv")
def _(folder: Path) -> None:
    rows = [
        "naam,lon,lat",
        "Halle,50.7339,4.2402",
        "Vilvoorde,50.9281,4.4221",
        "Zaventem,50.8837,4.4713",
    ]
    (folder / "csv_swapped_latlon.csv").write_text("\n".join(rows) + "\n")


@case("csv_cp1252.csv")
def _(folder: Path) -> None:
    text = "naam;x;y\nCafé Sint-Genesius-Rode;143600;158400\nZaventem €-zone;157700;180300\n"
    (folder / "csv_cp1252.csv").write_bytes(text.encode("cp1252"))


@case("csv_enormous_numbers.csv")
def _(folder: Path) -> None:
    (folder / "csv_enormous_numbers.csv").write_text(
        "naam,x,y\nver,1e308,1e308\nverder,1e999,-1e999\nnormaal,143600,158400\n"
    )


@case("csv_nan_inf.csv")
def _(folder: Path) -> None:
    (folder / "csv_nan_inf.csv").write_text("naam,x,y\na,nan,158400\nb,inf,-inf\n")


@case("csv_binary_garbage.csv")
def _(folder: Path) -> None:
    rng = np.random.default_rng(3)
    (folder / "csv_binary_garbage.csv").write_bytes(
        rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()
    )


@case("csv_nul_bytes.csv")
def _(folder: Path) -> None:
    (folder / "csv_nul_bytes.csv").write_bytes(
        b"naam,x,y\nA\x00B,143600,158400\n\x00\x00\x00,1,2\n"
    )


@case("csv_ragged_rows.csv")
def _(folder: Path) -> None:
    (folder / "csv_ragged_rows.csv").write_text(
        "naam;x;y\nA;143600;158400\nB;143700\nC;143800;158600;extra;velden\n"
    )


@case("csv_formula_injection.csv")
def _(folder: Path) -> None:
    (folder / "csv_formula_injection.csv").write_text(
        'naam;x;y\n"=HYPERLINK(""http://evil"",""klik"")";143600;158400\n+cmd|calc;143700;158500\n'
    )


# ---------------------------------------------------------------------------
# GeoJSON / TopoJSON
# ---------------------------------------------------------------------------


@case("geojson_invalid_json.geojson")
def _(folder: Path) -> None:
    (folder / "geojson_invalid_json.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
    )


@case("geojson_empty_collection.geojson")
def _(folder: Path) -> None:
    (folder / "geojson_empty_collection.geojson").write_text(_geojson([]))


@case("geojson_one_point_line.geojson")
def _(folder: Path) -> None:
    features = [
        _feature({"type": "LineString", "coordinates": [[4.24, 50.73]]}, klasse="lokaal"),
        _feature(
            {"type": "LineString", "coordinates": [[4.24, 50.73], [4.25, 50.74]]}, klasse="lokaal"
        ),
    ]
    (folder / "geojson_one_point_line.geojson").write_text(_geojson(features))


@case("geojson_only_one_point_lines.geojson")
def _(folder: Path) -> None:
    features = [_feature({"type": "LineString", "coordinates": [[4.24, 50.73]]}, klasse="lokaal")]
    (folder / "geojson_only_one_point_lines.geojson").write_text(_geojson(features))


@case("geojson_enormous_numbers.geojson")
def _(folder: Path) -> None:
    features = [
        _feature(
            {"type": "Point", "coordinates": [4.24, 50.73]}, woningen=10**30, oppervlakte=1e308
        ),
        _feature(
            {"type": "Point", "coordinates": [4.25, 50.74]}, woningen=-(10**30), oppervlakte=-1e308
        ),
    ]
    (folder / "geojson_enormous_numbers.geojson").write_text(_geojson(features))


@case("geojson_null_geometries.geojson")
def _(folder: Path) -> None:
    features = [_feature(None, naam="a"), _feature(None, naam="b")]
    (folder / "geojson_null_geometries.geojson").write_text(_geojson(features))


@case("geojson_deep_nesting.geojson")
def _(folder: Path) -> None:
    depth = 100_000
    (folder / "geojson_deep_nesting.geojson").write_text("[" * depth + "]" * depth)


@case("topojson_garbage.topojson")
def _(folder: Path) -> None:
    (folder / "topojson_garbage.topojson").write_text(
        '{"type": "Topology", "objects": {"a": 5}, "arcs": "nee"}'
    )


# ---------------------------------------------------------------------------
# Rasters
# ---------------------------------------------------------------------------


@case("raster_no_crs.tif")
def _(folder: Path) -> None:
    from rasterio.transform import from_origin

    _tiff(folder / "raster_no_crs.tif", crs=None, transform=from_origin(140000, 162000, 100, 100))


@case("raster_no_georeference.tif")
def _(folder: Path) -> None:
    _tiff(folder / "raster_no_georeference.tif", crs=None, transform=None)


@case("raster_truncated.tif")
def _(folder: Path) -> None:
    from rasterio.transform import from_origin

    tmp = folder / ".tmp.tif"
    _tiff(tmp, crs=CRS, transform=from_origin(140000, 162000, 100, 100))
    data = tmp.read_bytes()
    tmp.unlink()
    (folder / "raster_truncated.tif").write_bytes(data[: len(data) // 3])


@case("raster_far_away.tif")
def _(folder: Path) -> None:
    from rasterio.transform import from_origin

    _tiff(folder / "raster_far_away.tif", crs=CRS, transform=from_origin(9e6, 9e6, 100, 100))


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

_GOOD_MOD = """
[[modifications]]
kind = "add_mobipunt"
x = 143700.0
y = 158450.0
name = "Hoppinpunt Halle Oost"
hoppin_type = "buurt"
author = "Dienst Mobiliteit"
reason = "test"
"""


def _scenario(name: str, body: str) -> Builder:
    def build(folder: Path) -> None:
        (folder / name).write_text(body, encoding="utf-8")

    return case(name)(build)


_scenario("scenario_unknown_key.toml", 'name = "A"\nkleur = "rood"\n' + _GOOD_MOD)
_scenario(
    "scenario_unknown_key_in_mod.toml", 'name = "A"\n' + _GOOD_MOD + 'hoppin_typ = "lokaal"\n'
)
_scenario(
    "scenario_wrong_type.toml", 'name = "A"\n' + _GOOD_MOD.replace("x = 143700.0", 'x = "143700"')
)
_scenario(
    "scenario_missing_author.toml",
    'name = "A"\n' + _GOOD_MOD.replace('author = "Dienst Mobiliteit"\n', ""),
)
_scenario("scenario_missing_name.toml", 'description = "geen naam"\n')
_scenario(
    "scenario_negative_dwellings.toml",
    """name = "A"
[[modifications]]
kind = "add_housing"
x = 143700.0
y = 158450.0
dwellings = -200
author = "a"
reason = "r"
""",
)
_scenario(
    "scenario_enormous_dwellings.toml",
    """name = "A"
[[modifications]]
kind = "add_housing"
x = 143700.0
y = 158450.0
dwellings = 1000000000000000000000000000000
author = "a"
reason = "r"
""",
)
_scenario(
    "scenario_huge_coordinate.toml", 'name = "A"\n' + _GOOD_MOD.replace("x = 143700.0", "x = 1e308")
)
_scenario("scenario_nan.toml", 'name = "A"\n' + _GOOD_MOD.replace("x = 143700.0", "x = nan"))
_scenario(
    "scenario_lonlat.toml",
    'name = "A"\n'
    + _GOOD_MOD.replace("x = 143700.0", "x = 4.24").replace("y = 158450.0", "y = 50.73"),
)
_scenario("scenario_syntax_error.toml", 'name = "A"\n[[modifications]\nkind = "add_link"\n')
_scenario(
    "scenario_unsorted_thresholds.toml",
    'name = "A"\n[parameters]\nbike_thresholds_min = [15.0, 5.0, 10.0]\n',
)
_scenario("scenario_deep_nesting.toml", 'name = "A"\nx = ' + "[" * 50_000 + "]" * 50_000 + "\n")
_scenario(
    "scenario_json_garbage.json",
    '{"name": "A", "modifications": [{"kind": "add_link", "coords": "overal"}]',
)
_scenario("scenario_not_a_table.json", "[1, 2, 3]\n")
_scenario(
    "scenario_unknown_link.toml",
    """name = "Onbestaande verbinding"
[[modifications]]
kind = "remove_link"
link_ids = [987654321]
author = "a"
reason = "r"
""",
)
_scenario(
    "scenario_unknown_mobipunt.toml",
    """name = "Onbestaand mobipunt"
[[modifications]]
kind = "remove_mobipunt"
mobipunt_id = "MP-999999"
author = "a"
reason = "r"
""",
)


@case("scenario_cp1252.toml")
def _(folder: Path) -> None:
    (folder / "scenario_cp1252.toml").write_bytes('name = "Café Halle"\n'.encode("cp1252"))


# ---------------------------------------------------------------------------
# Project files
# ---------------------------------------------------------------------------


def _project(folder: Path, name: str) -> Path:
    from slimmeregio.layers.model import Layer, Project
    from slimmeregio.layers.project_file import save_project

    project = Project()
    project.layers.append(Layer("punten", _points()))
    path = folder / name
    save_project(project, path)
    return path


@case("project_zero_bytes.srp")
def _(folder: Path) -> None:
    (folder / "project_zero_bytes.srp").write_bytes(b"")


@case("project_truncated.srp")
def _(folder: Path) -> None:
    path = _project(folder, "project_truncated.srp")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@case("project_newer_version.srp")
def _(folder: Path) -> None:
    path = _project(folder, "project_newer_version.srp")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE slimmeregio_project SET schema_version = schema_version + 1")


@case("project_plain_geopackage.srp")
def _(folder: Path) -> None:
    (folder / "project_plain_geopackage.srp").write_bytes(_gpkg_bytes(_points(), folder))


@case("project_bad_json.srp")
def _(folder: Path) -> None:
    path = _project(folder, "project_bad_json.srp")
    with sqlite3.connect(path) as db:
        db.execute('UPDATE slimmeregio_project SET project = \'{"layers": [{"type": "raster"\'')


@case("project_json_1e400.srp")
def _(folder: Path) -> None:
    path = _project(folder, "project_json_1e400.srp")
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT project FROM slimmeregio_project").fetchone()
        doc = json.loads(text)
        doc["layers"][0]["report"] = [{"kind": "x", "nl": "x", "en": "x", "count": 1}]
        text = json.dumps(doc).replace('"count": 1}', '"count": 1e400}')
        db.execute("UPDATE slimmeregio_project SET project = ?", (text,))


@case("project_codec_mismatch.srp")
def _(folder: Path) -> None:
    """The layout says a text column holds WKB: decoding it fails in GEOS."""
    path = _project(folder, "project_codec_mismatch.srp")
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT project FROM slimmeregio_project").fetchone()
        doc = json.loads(text)
        for column in doc["layers"][0]["layout"]["columns"]:
            if column["name"] == "naam":
                column["codec"] = "wkb"
        db.execute("UPDATE slimmeregio_project SET project = ?", (json.dumps(doc),))


def _raster_project(folder: Path, name: str, blob: bytes | None = None) -> Path:
    """A project with one raster layer; its stored GeoTIFF replaced by ``blob``."""
    from rasterio.transform import from_origin

    from slimmeregio.layers.io import load_layers
    from slimmeregio.layers.model import Project
    from slimmeregio.layers.project_file import save_project

    tif = folder / f".tmp-{name}.tif"
    _tiff(tif, crs=CRS, transform=from_origin(140000, 162000, 100, 100))
    project = Project()
    for layer in load_layers(tif):
        project.layers.append(layer)
    path = folder / name
    save_project(project, path)
    tif.unlink()
    if blob is not None:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE slimmeregio_rasters SET data = ?", (sqlite3.Binary(blob),))
    return path


@case("project_truncated_raster.srp")
def _(folder: Path) -> None:
    path = _raster_project(folder, "project_truncated_raster.srp")
    with sqlite3.connect(path) as db:
        (blob,) = db.execute("SELECT data FROM slimmeregio_rasters").fetchone()
        db.execute(
            "UPDATE slimmeregio_rasters SET data = ?", (sqlite3.Binary(blob[: len(blob) // 2]),)
        )


def _huge_tiff_bytes(folder: Path) -> bytes:
    """A few kB of GeoTIFF declaring 60,000 x 60,000 float64 pixels (27 GiB)."""
    import rasterio
    from rasterio.transform import from_origin

    tmp = folder / ".tmp-huge.tif"
    profile = {
        "driver": "GTiff",
        "width": 60_000,
        "height": 60_000,
        "count": 1,
        "dtype": "float64",
        "crs": CRS,
        "transform": from_origin(140000, 162000, 0.1, 0.1),
        "tiled": True,
        "blockxsize": 1024,
        "blockysize": 1024,
        "compress": "deflate",
        "sparse_ok": True,
    }
    with rasterio.open(tmp, "w", **profile):
        pass
    data = tmp.read_bytes()
    tmp.unlink()
    return data


@case("raster_huge_dimensions.tif")
def _(folder: Path) -> None:
    (folder / "raster_huge_dimensions.tif").write_bytes(_huge_tiff_bytes(folder))


@case("project_huge_raster.srp")
def _(folder: Path) -> None:
    _raster_project(folder, "project_huge_raster.srp", _huge_tiff_bytes(folder))


# --- GDAL VRT: files that make GDAL read other files or URLs -----------------------

_VSICURL = "/vsicurl/http://127.0.0.1:9/bevolking.tif"


def _raster_vrt(source: str) -> bytes:
    return (
        '<VRTDataset rasterXSize="30" rasterYSize="20"><SRS>EPSG:31370</SRS>'
        "<GeoTransform>140000, 100, 0, 162000, 0, -100</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"><SimpleSource>'
        f'<SourceFilename relativeToVRT="0">{source}</SourceFilename>'
        "<SourceBand>1</SourceBand></SimpleSource></VRTRasterBand></VRTDataset>\n"
    ).encode()


def _ogr_vrt(source: str) -> bytes:
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="punten">'
        f"<SrcDataSource>{source}</SrcDataSource><GeometryType>wkbPoint</GeometryType>"
        '<LayerSRS>EPSG:31370</LayerSRS><GeometryField encoding="PointFromColumns" x="x" y="y"/>'
        "</OGRVRTLayer></OGRVRTDataSource>\n"
    ).encode()


def _secret_files(folder: Path) -> tuple[Path, Path]:
    """The local files a VRT case points at (they must never be read)."""
    from rasterio.transform import from_origin

    tif, csv = folder / "vrt_geheim.tif.bin", folder / "vrt_geheim.csv.bin"
    if not tif.exists():
        _tiff(tif, crs=CRS, transform=from_origin(140000, 162000, 100, 100))
        csv.write_text(f"x,y,naam\n{X0},{Y0},geheim\n")
    return tif, csv


def _vrt_case(name: str, content: Callable[[Path], bytes]) -> None:
    @case(name)
    def _(folder: Path) -> None:
        (folder / name).write_bytes(content(folder))


_vrt_case("vrt_raster_local.tif", lambda f: _raster_vrt(str(_secret_files(f)[0])))
_vrt_case("vrt_raster_local.geojson", lambda f: _raster_vrt(str(_secret_files(f)[0])))
_vrt_case("vrt_ogr_csv.geojson", lambda f: _ogr_vrt("CSV:" + str(_secret_files(f)[1])))
_vrt_case("vrt_ogr_csv.tif", lambda f: _ogr_vrt("CSV:" + str(_secret_files(f)[1])))
_vrt_case("vrt_ogr_csv.gpkg", lambda f: _ogr_vrt("CSV:" + str(_secret_files(f)[1])))
_vrt_case("vrt_vsicurl.tif", lambda f: _raster_vrt(_VSICURL))
_vrt_case("vrt_vsicurl.geojson", lambda f: _ogr_vrt(_VSICURL.replace(".tif", ".geojson")))
_vrt_case("vrt_bom_whitespace.tif", lambda f: b"\xef\xbb\xbf \n" + _raster_vrt(_VSICURL))


@case("project_vrt_raster.srp")
def _(folder: Path) -> None:
    _raster_project(folder, "project_vrt_raster.srp", _raster_vrt(str(_secret_files(folder)[0])))


# --- half-written SQLite files, views, repeated tables ------------------------------


def _hot_copy(source: Path, target: Path) -> None:
    """Copy ``source`` as it is on disk in the middle of a write transaction
    (pages already spilled into the file, a hot ``-journal`` beside it), as a
    writer killed at that moment leaves it."""
    import shutil

    db = sqlite3.connect(source, isolation_level=None)
    try:
        db.execute("PRAGMA cache_size = 2")
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TABLE vulling (x BLOB)")
        db.execute("INSERT INTO vulling VALUES (zeroblob(300000))")
        db.execute("UPDATE gpkg_contents SET description = printf('%.200000c', 'x')")
        shutil.copyfile(source, target)
        shutil.copyfile(f"{source}-journal", f"{target}-journal")
        db.execute("ROLLBACK")
    finally:
        db.close()
    source.unlink()


@case("project_hot_journal.srp")
def _(folder: Path) -> None:
    source = _project(folder, ".tmp-hot.srp")
    _hot_copy(source, folder / "project_hot_journal.srp")


@case("gpkg_hot_journal.gpkg")
def _(folder: Path) -> None:
    source = folder / ".tmp-hot.gpkg"
    source.write_bytes(_gpkg_bytes(_points(), folder, "punten"))
    _hot_copy(source, folder / "gpkg_hot_journal.gpkg")


@case("gpkg_wal_left_behind.gpkg")
def _(folder: Path) -> None:
    path = folder / "gpkg_wal_left_behind.gpkg"
    path.write_bytes(_gpkg_bytes(_points(), folder, "punten"))
    (folder / "gpkg_wal_left_behind.gpkg-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))


def _add_view(path: Path, rows: int, name: str = "groot") -> None:
    """A point view of ``rows`` rows (a recursive query over one point)."""
    with sqlite3.connect(path) as db:
        (table,) = db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"
        ).fetchone()
        db.execute(
            f"CREATE VIEW {name} AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
            f"FROM c LIMIT {rows}) SELECT c.i AS fid, p.geom AS geom FROM c JOIN {table} p ON p.fid = 1"
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES (?, 'features', ?, 31370)",
            (name, name),
        )
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', 31370, 0, 0)", (name,)
        )


@case("gpkg_huge_view.gpkg")
def _(folder: Path) -> None:
    path = folder / "gpkg_huge_view.gpkg"
    path.write_bytes(_gpkg_bytes(_points(), folder, "punten"))
    _add_view(path, 20_000_000)


@case("gpkg_small_view.gpkg")
def _(folder: Path) -> None:
    path = folder / "gpkg_small_view.gpkg"
    path.write_bytes(_gpkg_bytes(_points(), folder, "punten"))
    _add_view(path, 7)


@case("project_view_layer.srp")
def _(folder: Path) -> None:
    path = _project(folder, "project_view_layer.srp")
    _add_view(path, 20_000_000)
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT project FROM slimmeregio_project").fetchone()
        doc = json.loads(text)
        doc["layers"][0]["table"] = "groot"
        db.execute("UPDATE slimmeregio_project SET project = ?", (json.dumps(doc),))


@case("project_400_same_table.srp")
def _(folder: Path) -> None:
    path = _project(folder, "project_400_same_table.srp")
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT project FROM slimmeregio_project").fetchone()
        doc = json.loads(text)
        doc["layers"] = [dict(doc["layers"][0], name=f"laag {i}") for i in range(400)]
        db.execute("UPDATE slimmeregio_project SET project = ?", (json.dumps(doc),))


# --- shapefile whose .dbf has another number of records --------------------------


def _dbf_mismatch(folder: Path, stem: str, records: int) -> None:
    shapes = _shapefile_parts(_points(6), folder, stem)
    other = _shapefile_parts(_points(records), folder, stem)
    (folder / stem).mkdir()
    for suffix, data in shapes.items():
        (folder / stem / f"{stem}{suffix}").write_bytes(other[".dbf"] if suffix == ".dbf" else data)


@case("shp_dbf_too_few/shp_dbf_too_few.shp")
def _(folder: Path) -> None:
    _dbf_mismatch(folder, "shp_dbf_too_few", 3)


@case("shp_dbf_too_many/shp_dbf_too_many.shp")
def _(folder: Path) -> None:
    _dbf_mismatch(folder, "shp_dbf_too_many", 50)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def expected_outcomes(path: Path = HERE / "expected.toml") -> dict[str, dict[str, object]]:
    """The ``[cases]`` table of ``expected.toml``: case name -> expectation."""
    import tomllib

    with path.open("rb") as fh:
        return dict(tomllib.load(fh)["cases"])


def build_corpus(folder: Path) -> dict[str, Path]:
    """Write every case into ``folder``; return case name -> path to load."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = expected_outcomes()
    missing = sorted(set(CASES) ^ set(expected))
    if missing:
        raise ValueError(f"cases and expected.toml disagree: {missing}")
    paths = {}
    for name, builder in CASES.items():
        builder(folder)
        path = folder / name
        if not path.exists():
            raise RuntimeError(f"case {name} did not write {path}")
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 2
    paths = build_corpus(Path(args[0]))
    total = sum(p.stat().st_size for p in Path(args[0]).rglob("*") if p.is_file())
    print(f"{len(paths)} cases, {total / 1e6:.1f} MB in {args[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
