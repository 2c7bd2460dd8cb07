from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from slimmeregio.layers.errors import MissingFieldError
from slimmeregio.layers.model import Layer, LayerList, Project, Style
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import HOPPIN_COLORS, LINK_CLASS_COLORS, default_style


def _points(name: str = "p") -> Layer:
    frame = gpd.GeoDataFrame(
        {"woningen": [3, 5]}, geometry=[Point(0, 0), Point(1, 1)], crs="EPSG:31370"
    )
    return Layer(name=name, data=frame, role=Role.HOUSING, fields={"dwellings": "woningen"})


def test_layer_list_events_in_order() -> None:
    events: list[tuple[str, dict]] = []
    layers = LayerList()
    layers.connect(lambda event, info: events.append((event, info)))
    layers.append(_points("a"))
    layers.append(_points("b"))
    layers.move(0, 1)
    layers.changed("a", "style")
    removed = layers.remove("b")
    assert [e for e, _ in events] == ["inserted", "inserted", "moved", "changed", "removed"]
    assert [layer.name for layer in layers] == ["a"]
    assert removed.name == "b"
    assert events[2][1]["source"] == 0 and events[2][1]["dest"] == 1
    assert events[3][1]["what"] == "style"


def test_a_project_with_listeners_pickles_without_them() -> None:
    """A project the app observes goes to Dask workers (sweeps) by pickle:
    its layers travel, the app's listeners (unpicklable lambdas here) stay."""
    import pickle

    events: list[str] = []
    project = Project()
    project.layers.connect(lambda event, info: events.append(event))
    project.layers.append(_points("a"))
    copy = pickle.loads(pickle.dumps(project))  # noqa: S301 - our own bytes, as Dask sends them
    assert [layer.name for layer in copy.layers] == ["a"]
    assert list(copy.layers["a"].frame["woningen"]) == [3, 5]
    copy.layers.append(_points("b"))  # the copy has no listeners: the original's saw one event
    assert events == ["inserted"]


def test_duplicate_names_are_made_unique() -> None:
    layers = LayerList([_points("woningen")])
    layers.append(_points("woningen"))
    layers.append(_points("woningen"))
    assert [layer.name for layer in layers] == ["woningen", "woningen (2)", "woningen (3)"]


def test_column_uses_field_mapping_and_reports_missing_field() -> None:
    layer = _points()
    assert list(layer.column("dwellings")) == [3, 5]
    assert layer.missing_required() == []
    with pytest.raises(MissingFieldError) as info:
        layer.column("status")
    assert "status" in info.value.message("nl")
    assert "woningen" in info.value.hint_text("en")
    bare = layer.replace(fields={})
    assert bare.missing_required() == ["dwellings"]


def test_style_round_trip() -> None:
    style = Style(kind="graduated", column="woningen", breaks=[1, 5], colors=["#fff", "#000"])
    assert Style.from_dict(style.to_dict()) == style
    assert Style.from_dict({**style.to_dict(), "unknown": 1}) == style


def test_default_styles_follow_roles() -> None:
    links = gpd.GeoDataFrame(
        {"klasse": ["lokaal"]}, geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:31370"
    )
    net = Layer(name="n", data=links, role=Role.BIKE_NETWORK, fields={"link_class": "klasse"})
    style = default_style(net)
    assert style.kind == "categories" and style.column == "klasse"
    assert style.categories["fietssnelweg"] == LINK_CLASS_COLORS["fietssnelweg"]
    hubs = Layer(
        name="m", data=links, role=Role.MOBIPUNTEN, fields={"hoppin_type": "type", "name": "n"}
    )
    assert default_style(hubs).categories == HOPPIN_COLORS
    # defaults are fresh objects: editing one never changes another layer's style
    a, b = default_style(_points()), default_style(_points())
    a.color = "#123456"
    assert b.color != "#123456"


def test_project_collects_notes_and_attributions_once() -> None:
    a = _points("a").replace(note="Illustratief", attribution="© OSM")
    b = _points("b").replace(note="Illustratief")
    project = Project(layers=LayerList([a, b]))
    assert project.notes == ["Illustratief"]
    assert project.attributions == ["© OSM"]


def test_error_values_can_be_translated() -> None:
    from slimmeregio.layers.errors import ExportError

    err = ExportError(path="x.pdf", reason={"nl": "schijf vol", "en": "disk full"})
    assert err.message("nl") == "Exporteren naar x.pdf is mislukt: schijf vol"
    assert err.message("en") == "Export to x.pdf failed: disk full"
    assert "disk full" in str(err)
