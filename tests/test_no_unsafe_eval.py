"""No package module runs user data as code: no pickle, eval, exec & co.

Project files, scenarios and layers come from other people. Unpickling,
``eval`` or ``exec`` on them would let a file run code on a planner's
machine, so the package's sources are scanned with :mod:`ast` for:

* calls to ``eval``, ``exec``, ``compile``, ``__import__`` and
  ``importlib.import_module`` with a non-literal argument;
* imports of ``pickle``, ``cPickle``, ``_pickle``, ``dill``, ``cloudpickle``,
  ``marshal``, ``shelve``, ``joblib``;
* ``pandas.read_pickle`` / ``DataFrame.to_pickle``, ``numpy.load(...,
  allow_pickle=True)``, ``yaml.load`` / ``yaml.unsafe_load``;
* ``subprocess`` calls with ``shell=True`` and ``os.system``/``os.popen``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("layers", "scenarios", "exporters", "desktop", "resources")
TOP_LEVEL = ("cli.py", "cli_*.py", "__init__.py", "__main__.py")

_BANNED_MODULES = {
    "pickle",
    "cPickle",
    "_pickle",
    "dill",
    "cloudpickle",
    "marshal",
    "shelve",
    "joblib",
}
_BANNED_CALLS = {"eval", "exec", "compile", "__import__"}
_PICKLE_ATTRS = {"read_pickle", "to_pickle", "unsafe_load"}
_SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen"}


#: (file, construct) pairs reviewed as safe, with the reason. Keyed by
#: construct, not line, so a new use elsewhere in the file is still caught
#: only if it is the same construct: review this list when it grows.
ALLOWED: dict[tuple[str, str], str] = {
    ("desktop/exportdialog.py", "importlib.import_module(<computed name>)"): (
        "the module name comes from the static EXPORTS table, never from user data"
    ),
}


def _sources() -> list[Path]:
    files = [path for pattern in TOP_LEVEL for path in sorted(ROOT.glob(pattern))]
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def find_unsafe(source: str, filename: str = "<source>") -> list[str]:
    """Every unsafe construct in ``source`` as ``file:line: what``."""
    found: list[str] = []
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in _BANNED_MODULES:
                    found.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.module and node.module.split(".")[0] in _BANNED_MODULES:
                found.append(f"{where}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _BANNED_CALLS:
                found.append(f"{where}: {func.id}()")
            elif isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else ""
                if func.attr in _PICKLE_ATTRS:
                    found.append(f"{where}: {owner + '.' if owner else ''}{func.attr}()")
                elif func.attr in {"system", "popen"} and owner == "os":
                    found.append(f"{where}: os.{func.attr}()")
                elif func.attr == "load" and owner in {"yaml"} and _keyword(node, "Loader") is None:
                    found.append(f"{where}: yaml.load() without a safe Loader")
                elif (
                    func.attr == "load"
                    and owner in {"np", "numpy"}
                    and _is_true(_keyword(node, "allow_pickle"))
                ):
                    found.append(f"{where}: numpy.load(allow_pickle=True)")
                elif (
                    func.attr in _SUBPROCESS
                    and owner == "subprocess"
                    and _is_true(_keyword(node, "shell"))
                ):
                    found.append(f"{where}: subprocess.{func.attr}(shell=True)")
                elif func.attr == "import_module" and owner == "importlib":
                    if node.args and not isinstance(node.args[0], ast.Constant):
                        found.append(f"{where}: importlib.import_module(<computed name>)")
                elif func.attr in _BANNED_CALLS and owner == "builtins":
                    found.append(f"{where}: builtins.{func.attr}()")
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        "eval(text)",
        "exec(code)",
        "import pickle",
        "from pickle import loads",
        "import marshal as m",
        "pd.read_pickle(path)",
        "frame.to_pickle(path)",
        "np.load(path, allow_pickle=True)",
        "yaml.load(text)",
        "subprocess.run(cmd, shell=True)",
        "os.system(cmd)",
        "builtins.eval(x)",
        "importlib.import_module(name)",
        "compile(src, 'f', 'exec')",
    ],
)
def test_scanner_catches(snippet: str) -> None:
    assert find_unsafe(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "json.loads(text)",
        "tomllib.loads(text)",
        "np.load(path)",
        "yaml.load(text, Loader=yaml.SafeLoader)",
        "subprocess.run(['gdalinfo', path], check=True)",
        "re.compile('x')",
        "importlib.import_module('slimmeregio.desktop.app')",
        "model.evaluate(base)",
    ],
)
def test_scanner_allows(snippet: str) -> None:
    assert find_unsafe(snippet) == []


def test_package_sources_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert "layers/project_file.py" in names
    assert "scenarios/model.py" in names
    assert len(names) >= 10


def test_no_unsafe_code_in_package() -> None:
    problems: list[str] = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        for problem in find_unsafe(path.read_text(encoding="utf-8"), relative):
            construct = problem.split(": ", 1)[1]
            if (relative, construct) not in ALLOWED:
                problems.append(problem)
    assert problems == [], "unsafe constructs:\n" + "\n".join(problems)


def test_ruff_enforces_bandit_and_the_complexity_cap() -> None:
    """The S rules and C901 in pyproject.toml apply to package code (a probe file, read from stdin)."""
    import subprocess
    import sys

    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(14))
    probe = (
        "import pickle\nimport subprocess\n\n\n"
        "def load(data: bytes) -> object:\n    return pickle.loads(data)\n\n\n"
        "def run(cmd: str) -> None:\n    subprocess.call(cmd, shell=True)\n\n\n"
        f"def pick(x: int) -> int:\n{branches}\n    return -1\n"
    )
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [
            str(ruff),
            "check",
            "--output-format",
            "concise",
            "--stdin-filename",
            "layers/_probe.py",
            "-",
        ],
        input=probe,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    for code in ("S301", "S602", "C901"):
        assert code in result.stdout, result.stdout
