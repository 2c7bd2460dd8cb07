"""Public transport map themes: offered in the theme list, built from the run's frames
(the street of tests/scenarios/test_transit.py), empty without a stops layer."""

from __future__ import annotations

import pytest

from slimmeregio.desktop.themes import THEME_KEYS, theme_label, theme_layers
from slimmeregio.scenarios.engine import evaluate, prepare_base
from tests.scenarios.test_transit import PARAMS, _project


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(prepare_base(_project(), PARAMS))


def test_themes_are_listed_with_labels() -> None:
    for key in ("pt_stops", "train_access", "door_brussels"):
        assert key in THEME_KEYS
        assert theme_label(key)


def test_stop_theme_shows_stops_and_failing_hubs(evaluation) -> None:
    layers = theme_layers("pt_stops", evaluation)
    assert list(layers[0].frame["stop_id"]) == ["A", "B", "S", "T"]
    assert layers[0].style.column == "per_uur_ochtendspits"
    # The Hoppin check fails M2 (no train) and M4 (buurt at a 4/h stop).
    assert sorted(layers[-1].frame["mobipunt_id"]) == ["M2", "M4"]


@pytest.mark.parametrize(
    ("key", "column"), [("train_access", "bike_min_train"), ("door_brussels", "door_min_brussels")]
)
def test_dwelling_themes(evaluation, key: str, column: str) -> None:
    (layer,) = theme_layers(key, evaluation)
    assert layer.style.column == column
    assert len(layer.frame) == 3


def test_no_stops_layer_no_layers() -> None:
    project = _project()
    project.layers.remove("ov_haltes")
    ev = evaluate(prepare_base(project, PARAMS))
    assert all(theme_layers(k, ev) == [] for k in ("pt_stops", "train_access", "door_brussels"))
