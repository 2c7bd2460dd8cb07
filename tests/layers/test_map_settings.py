"""Map settings kept in the project: label settings and scale ranges per
layer (in its style) and the project's bookmarks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from slimmeregio.layers.errors import ProjectFileError
from slimmeregio.layers.model import (
    ANALYSIS_CRS,
    Layer,
    LayerList,
    Project,
    ProjectSettings,
    Style,
    in_scale_range,
)
from slimmeregio.layers.project_file import load_project, save_project
from slimmeregio.layers.roles import Role


def _project() -> Project:
    frame = gpd.GeoDataFrame(
        {"naam": ["a", "b"]},
        geometry=[Point(150000, 170000), Point(150100, 170100)],
        crs=ANALYSIS_CRS,
    )
    style = Style(
        label_field="naam",
        label_size=11.0,
        label_halo=3.0,
        label_priority=4,
        label_min_scale=1000.0,
        label_max_scale=25000.0,
        min_scale=0.0,
        max_scale=100000.0,
    )
    layer = Layer("plaatsen", frame, Role.OTHER, {}, style=style)
    settings = ProjectSettings(
        bookmarks=[{"name": "Halle centrum", "extent": [148000.0, 166000.0, 150000.0, 168000.0]}]
    )
    return Project(layers=LayerList([layer]), settings=settings)


def test_label_settings_and_bookmarks_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "plan.srp"
    save_project(_project(), path)
    loaded = load_project(path)
    style = loaded.layers["plaatsen"].style
    assert (style.label_field, style.label_size, style.label_halo, style.label_priority) == (
        "naam",
        11.0,
        3.0,
        4,
    )
    assert (style.label_min_scale, style.label_max_scale, style.max_scale) == (
        1000.0,
        25000.0,
        100000.0,
    )
    assert loaded.settings.bookmarks == [
        {"name": "Halle centrum", "extent": [148000.0, 166000.0, 150000.0, 168000.0]}
    ]


def test_scale_ranges_are_inclusive_and_zero_is_no_bound() -> None:
    style = Style(label_field="naam", min_scale=1000, max_scale=50000, label_max_scale=10000)
    assert [style.shown_at(s) for s in (999, 1000, 50000, 50001)] == [False, True, True, False]
    assert [style.labelled_at(s) for s in (1000, 10000, 10001)] == [True, True, False]
    assert not Style().labelled_at(5000)  # no label field: no labels
    assert in_scale_range(1e9, 0, 0) and in_scale_range(1, 0, 0)


def test_a_damaged_bookmark_is_dropped_not_fatal() -> None:
    settings = ProjectSettings.from_dict(
        {
            "bookmarks": [
                {"name": "goed", "extent": [0, 0, 1, 1]},
                {"name": "kapot", "extent": [0, 0, "x", 1]},
                {"extent": [0, 0, 1, 1]},
                "geen dict",
            ]
        }
    )
    assert [b["name"] for b in settings.bookmarks] == ["goed"]
    assert ProjectSettings.from_dict({"bookmarks": "geen lijst"}).bookmarks == []


def test_a_label_setting_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    save_project(_project(), path)
    with sqlite3.connect(path) as con:
        table = [
            r[0]
            for r in con.execute("select name from sqlite_master where type='table'")
            if r[0] == "slimmeregio_project"
        ]
        assert table
        cols = [r[1] for r in con.execute("pragma table_info(slimmeregio_project)")]
        col = next(c for c in cols if c in ("project", "document", "json", "content"))
        doc = json.loads(con.execute(f"select {col} from slimmeregio_project").fetchone()[0])
        doc["layers"][0]["style"]["label_size"] = "groot"
        con.execute(f"update slimmeregio_project set {col} = ?", (json.dumps(doc),))
    with pytest.raises(ProjectFileError):
        load_project(path)
