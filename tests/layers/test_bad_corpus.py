"""Every hostile input either loads (with its warnings) or raises a project error.

The corpus is built by ``tests/data/bad/make_corpus.py`` into a session
folder; ``tests/data/bad/expected.toml`` gives the outcome of each case.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimmeregio.layers import errors
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.model import Layer, RasterData

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "bad"


def _make_corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS_DIR / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)
    spec.loader.exec_module(module)
    return module


_MC = _make_corpus_module()
EXPECTED: dict[str, dict[str, Any]] = _MC.expected_outcomes()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad") / "corpus"
    return dict(_MC.build_corpus(root))


def _error_class(name: str) -> type[SlimmeRegioError]:
    if name == "ScenarioError":
        return errors.ScenarioError
    cls = getattr(errors, name)
    assert issubclass(cls, SlimmeRegioError), name
    return cls


def _load(name: str, path: Path) -> list[Layer] | Any:
    if name.startswith("scenario_"):
        from slimmeregio.scenarios.model import Scenario

        return Scenario.load(path)
    if name.startswith("project_"):
        from slimmeregio.layers.project_file import load_project

        return load_project(path)
    from slimmeregio.layers.io import load_layers

    layers = load_layers(path)
    for layer in layers:
        if isinstance(layer.data, RasterData):
            layer.data.read()  # a raster is only loaded when its pixels are readable
    return layers


def _check_error(error: SlimmeRegioError, expected: str) -> None:
    cls = _error_class(expected)
    assert isinstance(error, cls), f"expected {expected}, got {type(error).__name__}: {error}"
    # A more specific error of the family is a different outcome.
    family = {getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)}
    assert type(error) is cls or type(error) not in family, type(error).__name__
    for lang in ("nl", "en"):
        assert error.full_message(lang).strip()
    assert "Traceback" not in error.full_message("en")


def _check_layers(layers: list[Layer], spec: dict[str, Any]) -> None:
    assert layers, "loading returned no layers"
    for layer in layers:
        assert layer.report is not None
        if isinstance(layer.data, RasterData):
            continue
        frame = layer.frame
        assert frame.crs is not None and frame.crs.to_epsg() == 31370
        geoms = np.asarray(frame.geometry.array, dtype=object)
        assert not shapely.is_missing(geoms).any()
        assert not shapely.is_empty(geoms).any()
        assert not shapely.has_z(geoms).any()
        assert shapely.is_valid(geoms).all()
    expects = spec["expect"] if isinstance(spec["expect"], list) else [spec["expect"]]
    kinds = {entry.kind for layer in layers for entry in layer.report}
    for expect in expects:
        if expect.startswith("warning:"):
            kind = expect.split(":", 1)[1]
            assert kind in kinds, f"no report entry {kind!r}; got {sorted(kinds)}"
    if "features" in spec:
        assert sum(len(layer) for layer in layers) == spec["features"]
    for column, values in spec.get("values", {}).items():
        got = [v for layer in layers for v in layer.frame[column].tolist()]
        assert len(got) == len(values), (column, got)
        for g, v in zip(got, values, strict=True):
            if isinstance(v, float):
                assert isinstance(g, int | float) and math.isclose(float(g), v, rel_tol=1e-9), (
                    g,
                    v,
                )
            else:
                assert g == v, (column, got)


def _cases(kind: str) -> list[Any]:
    params = []
    for name, spec in EXPECTED.items():
        apply = spec["expect"] == "apply:ScenarioError"
        if (kind == "apply") != apply:
            continue
        marks = []
        if "gap" in spec:
            marks.append(pytest.mark.xfail(strict=True, reason=f"loader gap: {spec['gap']}"))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def test_corpus_is_large_and_consistent() -> None:
    assert len(EXPECTED) >= 40
    assert set(EXPECTED) == set(_MC.CASES)


@pytest.mark.parametrize("name", _cases("load"))
def test_case(name: str, corpus: dict[str, Path]) -> None:
    spec = EXPECTED[name]
    path = corpus[name]
    expects = spec["expect"] if isinstance(spec["expect"], list) else [spec["expect"]]
    failing = [e for e in expects if not (e == "ok" or e.startswith("warning:"))]
    if failing:
        (expected,) = failing
        with pytest.raises(SlimmeRegioError) as info:
            _load(name, path)
        _check_error(info.value, expected)
        if "location" in spec:
            assert info.value.data["location"] == spec["location"]
        return
    result = _load(name, path)
    if name.startswith(("scenario_", "project_")):
        return
    _check_layers(result, spec)


def test_refused_archives_leave_nothing_behind(corpus: dict[str, Path]) -> None:
    folder = corpus["zip_slip.zip"].parent
    assert not (folder.parent / "evil.txt").exists()
    assert not (folder.parent.parent / "evil.txt").exists()
    assert not (folder.parent / "evil.bat").exists()
    assert not Path("/tmp/slimmeregio-evil").exists()


# ---------------------------------------------------------------------------
# Apply-time cases: need the scenario engine and the embedded region
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def region_inputs(region_project: Any) -> Any:
    engine = pytest.importorskip(
        "slimmeregio.scenarios.engine", reason="scenarios/engine.py not available yet"
    )
    return engine.prepare_base(region_project).inputs


@pytest.mark.parametrize("name", _cases("apply"))
def test_apply_case(name: str, corpus: dict[str, Path], region_inputs: Any) -> None:
    from slimmeregio.scenarios.apply import apply_scenario
    from slimmeregio.scenarios.model import Scenario

    spec = EXPECTED[name]
    scenario = Scenario.load(corpus[name])  # valid as a file
    with pytest.raises(errors.ScenarioError) as info:
        apply_scenario(region_inputs, scenario)
    assert info.value.data["location"] == spec["location"]
    assert info.value.message("nl") != info.value.message("en")


def test_example_scenario_applies_to_region(region_inputs: Any) -> None:
    from slimmeregio.scenarios.apply import apply_scenario
    from slimmeregio.scenarios.model import Scenario, example_scenario_toml

    scenario = Scenario.from_toml(example_scenario_toml())
    applied = apply_scenario(region_inputs, scenario)
    assert len(applied.mobipunten) == len(region_inputs.mobipunten) + 1
    assert applied.network.n_edges > region_inputs.network.n_edges


# ---------------------------------------------------------------------------
# Fuzzing the CSV reader
# ---------------------------------------------------------------------------


def _load_csv_bytes(folder: Path, data: bytes) -> None:
    from slimmeregio.layers.io import load_layers

    path = folder / "fuzz.csv"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(SlimmeRegioError):
            layers = load_layers(path)
            for layer in layers:
                assert layer.frame.crs.to_epsg() == 31370


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_csv_any_bytes_load_or_project_error(tmp_path: Path, data: bytes) -> None:
    _load_csv_bytes(tmp_path, data)


_cell = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-1e6, 1e6).map(lambda v: f"{v:.3f}".replace(".", ",")),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        ["", "nan", "NULL", "-", "1e999", "143600", "50.85", "4.35", "'", '"', "\\", "é", "€"]
    ),
    st.text(max_size=12),
)
_header = st.sampled_from(
    [
        ["x", "y"],
        ["lon", "lat"],
        ["lat", "lon"],
        ["X", "Y", "naam"],
        ["longitude", "latitude", "woningen"],
        ["lambert_x", "lambert_y"],
        ["naam", "gemeente"],
        ["x", "x"],
        ["", ""],
    ]
)


@st.composite
def _csv_text(draw: st.DrawFn) -> bytes:
    header = draw(_header)
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(
        st.lists(st.lists(_cell, min_size=len(header) - 1, max_size=len(header) + 1), max_size=8)
    )
    lines = [sep.join(header)] + [sep.join(row) for row in rows]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return "\n".join(lines).encode(encoding, errors="replace")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=_csv_text())
def test_csv_like_text_loads_or_project_error(tmp_path: Path, data: bytes) -> None:
    _load_csv_bytes(tmp_path, data)
