"""One exporter signature: the registry keeps the user's language for every format."""

from __future__ import annotations

import inspect
import sqlite3
from pathlib import Path

import pytest

from slimmeregio.exporters.registry import EXPORTERS, export
from slimmeregio.layers.errors import ExportError

from .conftest import Results


def test_lang_is_required() -> None:
    assert inspect.signature(export).parameters["lang"].default is inspect.Parameter.empty
    assert set(EXPORTERS) == {"xlsx", "html", "pptx", "gpkg", "pack", "commute"}


def test_geopackage_keeps_english(results: Results, tmp_path: Path) -> None:
    """The GUI and `run` used to write the GeoPackage in Dutch for English users."""
    path = export("gpkg", results.project, [results.comparison], tmp_path / "r.gpkg", lang="en")
    with sqlite3.connect(path) as con:
        contents = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
    assert contents["basis_woningen"].endswith("(base situation)")


def test_every_exporter_takes_the_same_arguments(results: Results, tmp_path: Path) -> None:
    for kind in ("xlsx", "html", "pptx"):
        out = export(
            kind,
            results.project,
            [results.comparison],
            tmp_path / f"x{EXPORTERS[kind].suffix}",
            lang="en",
        )
        assert Path(out).stat().st_size > 0


def test_unknown_kind_and_language(results: Results, tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        export("docx", results.project, [results.comparison], tmp_path / "x.docx", lang="nl")
    with pytest.raises(ExportError):
        export("xlsx", results.project, [results.comparison], tmp_path / "x.xlsx", lang="fr")
