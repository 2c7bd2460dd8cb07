"""The region build: reproducible from resources/sources, atomic, with
progress, cancellation and clear errors."""

from __future__ import annotations

import filecmp
import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio

from slimmeregio.layers.errors import OperationCancelled, SourceNotFoundError
from slimmeregio.resources import NOTICE, POPULATION_TIF, REGION_GPKG, SOURCES_DIR
from slimmeregio.resources.build import SOURCE_FILES, build_region, main

#: SHA-256 of the open-data files as published (SOURCES.md describes them); the
#: shipped copies must stay byte-identical, so every build starts from them.
SOURCE_SHA256 = {
    "SOURCES.md": "473e8d4b92ec585bbe1b753da64cfa6d212434a7cfc39e6e31612b5ae7a2e959",
    "belgium-municipalities.topojson": "7ddc9dc111856b4ef9ad72e73f80ac94b8112fa0a7cd0a77c63c94f732bf9454",
    "belgium-postcode-localities.csv": "9067153d9d10d899ba9d71c6884c46b9f2fe82fe59dc4d5895340a6d81d510da",
    "belgium-rail-station-facilities.csv": "68e24429c9942415f755d08cbd44efe8b366d6b066245f2065bf46020a6729b4",
    "belgium-rail-stations.csv": "e09dafaa32aee6c8302bff81ce30eb5b36e7974cdbdc6094015676b8e4ee7e9d",
}
LAYERS = (
    "gemeenten",
    "brussel",
    "deelgemeenten",
    "stations",
    "fietsnetwerk",
    "woningen",
    "mobipunten",
    "ov_haltes",
)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The region rebuilt from the shipped copies of the sources."""
    out = tmp_path_factory.mktemp("rebuild")
    steps: list[float] = []
    build_region(SOURCES_DIR, out, copy_sources=False, progress=lambda f, m: steps.append(f))
    assert steps == sorted(steps) and steps[-1] == 1.0
    return out


def test_sources_are_shipped() -> None:
    for name in (*SOURCE_FILES, "SOURCES.md"):
        assert (SOURCES_DIR / name).is_file(), name


def test_shipped_sources_are_unchanged_copies() -> None:
    assert set(SOURCE_SHA256) == {*SOURCE_FILES, "SOURCES.md"}
    for name, digest in SOURCE_SHA256.items():
        assert hashlib.sha256((SOURCES_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.slow
def test_rebuild_gives_the_shipped_features(rebuilt: Path) -> None:
    for layer in LAYERS:
        shipped = gpd.read_file(REGION_GPKG, layer=layer)
        again = gpd.read_file(rebuilt / "region.gpkg", layer=layer)
        pd.testing.assert_frame_equal(
            pd.DataFrame(shipped.drop(columns="geometry")),
            pd.DataFrame(again.drop(columns="geometry")),
            obj=layer,
        )
        assert shipped.geometry.geom_equals_exact(again.geometry, tolerance=1e-6).all(), layer
    pd.testing.assert_frame_equal(
        pyogrio.read_dataframe(REGION_GPKG, layer="provenance", read_geometry=False),
        pyogrio.read_dataframe(rebuilt / "region.gpkg", layer="provenance", read_geometry=False),
    )
    with rasterio.open(POPULATION_TIF) as a, rasterio.open(rebuilt / "bevolking_100m.tif") as b:
        assert a.transform == b.transform and a.crs == b.crs
        np.testing.assert_array_equal(a.read(1), b.read(1))
    assert (rebuilt / "NOTICE").read_text(encoding="utf-8") == NOTICE.read_text(encoding="utf-8")


def test_other_household_size_and_seed(tmp_path: Path) -> None:
    """Parameters matter: 3 persons per dwelling gives pop/3 dwellings, another
    seed another (but equally valid) network."""
    build_region(SOURCES_DIR, tmp_path, household_size=3.0, seed=7)
    for name in SOURCE_FILES:  # copied along, so the build can be rerun from there
        assert filecmp.cmp(SOURCES_DIR / name, tmp_path / "sources" / name, shallow=False)
    housing = gpd.read_file(tmp_path / "region.gpkg", layer="woningen")
    gem = gpd.read_file(tmp_path / "region.gpkg", layer="gemeenten").set_index("nis")
    sums = housing[housing["status"] == "bestaand"].groupby("nis")["woningen"].sum()
    ratio = sums / (gem["inwoners"] / 3.0)
    assert ratio.between(0.99, 1.01).all()
    network = gpd.read_file(tmp_path / "region.gpkg", layer="fietsnetwerk")
    shipped = pyogrio.read_info(REGION_GPKG, layer="fietsnetwerk")["features"]
    assert len(network) != shipped
    provenance = pyogrio.read_dataframe(
        tmp_path / "region.gpkg", layer="provenance", read_geometry=False
    ).set_index("layer")
    assert "3 personen" in provenance.loc["woningen", "note_nl"]


def test_cancel_leaves_nothing_behind(tmp_path: Path) -> None:
    steps: list[str] = []

    def cancel() -> bool:
        return len(steps) > 2

    with pytest.raises(OperationCancelled):
        build_region(SOURCES_DIR, tmp_path, progress=lambda f, m: steps.append(m), cancel=cancel)
    # Cancelled before writing: nothing half-written is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_missing_sources_give_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError) as info:
        build_region(tmp_path, tmp_path / "out")
    assert "belgium-municipalities.topojson" in info.value.message("en")
    assert not (tmp_path / "out").exists()


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "File not found" in capsys.readouterr().err
