"""The public API of slimmeregio.scenarios: every exported name imports as what it says, and docs/api.md runs."""

from __future__ import annotations

import importlib
import pkgutil
import re
import types
from pathlib import Path

import pytest

import slimmeregio.scenarios as api

ROOT = Path(__file__).resolve().parents[2]


def test_every_exported_name_imports_and_is_not_a_module() -> None:
    # the submodules are loaded first: a submodule named like an exported
    # function would then shadow it in "from slimmeregio.scenarios import ..."
    importlib.import_module("slimmeregio.scenarios.engine")
    importlib.import_module("slimmeregio.scenarios.results")
    assert len(api.__all__) == len(set(api.__all__))
    for name in api.__all__:
        namespace: dict[str, object] = {}
        exec(f"from slimmeregio.scenarios import {name}", namespace)  # noqa: S102 - a fixed import statement
        value = namespace[name]
        assert not isinstance(value, types.ModuleType), name


def test_no_submodule_shares_a_name_with_an_exported_name() -> None:
    submodules = {m.name for m in pkgutil.iter_modules(api.__path__)}
    assert not submodules & set(api.__all__)


def test_compare_is_the_engines_function() -> None:
    from slimmeregio.scenarios import compare
    from slimmeregio.scenarios.engine import compare as engine_compare

    assert compare is engine_compare and callable(compare)


def test_exported_names_are_their_home_modules_objects() -> None:
    from slimmeregio.scenarios import AddLink, Evaluation, Parameters, Scenario, prepare_base
    from slimmeregio.scenarios.engine import prepare_base as engine_prepare_base
    from slimmeregio.scenarios.model import AddLink as ModelAddLink
    from slimmeregio.scenarios.model import Parameters as ModelParameters
    from slimmeregio.scenarios.model import Scenario as ModelScenario
    from slimmeregio.scenarios.results import Evaluation as ResultsEvaluation

    assert (AddLink, Parameters, Scenario) == (ModelAddLink, ModelParameters, ModelScenario)
    assert Evaluation is ResultsEvaluation and prepare_base is engine_prepare_base
    assert set(api.__all__) <= set(dir(api))
    with pytest.raises(AttributeError):
        _ = api.not_a_name


def test_the_notebook_workflow_in_docs_api_md_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    namespace: dict[str, object] = {"__name__": "docs_api"}
    exec(compile(blocks[0], "docs/api.md", "exec"), namespace)  # noqa: S102 - our own documentation
    before, after, comparison = namespace["before"], namespace["after"], namespace["comparison"]
    key = namespace["key"]
    # the delta is the scenario's value minus the base's, and a new mobipunt brings dwellings closer
    assert comparison.delta(key) == pytest.approx(after.value(key) - before.value(key))  # type: ignore[attr-defined]
    assert comparison.delta(key) < 0  # type: ignore[attr-defined]
    assert comparison.gains(5.0) > 0 and comparison.losses(5.0) == 0  # type: ignore[attr-defined]
    out = namespace["out"]
    assert isinstance(out, Path) and out.parent == tmp_path
    assert (out / "fietsbrug.xlsx").stat().st_size > 0 and (
        out / "fietsbrug.html"
    ).stat().st_size > 0
