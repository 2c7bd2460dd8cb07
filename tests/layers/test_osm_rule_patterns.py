"""OSM rule patterns from a user's TOML: unsafe ones are refused at load, the
accepted ones match in bounded time, values of the wrong type are refused."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from slimmeregio.layers.osm_rules import (
    DEFAULT_RULES,
    MAX_PATTERN_LENGTH,
    PATTERN_FIELDS,
    OsmRules,
    pattern_problem,
)


@pytest.mark.parametrize("field", PATTERN_FIELDS)
def test_default_patterns_are_accepted(field: str) -> None:
    assert pattern_problem(getattr(DEFAULT_RULES, field)) is None


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(a+)+$", "inside a repetition"),
        ("(a*)*b", "inside a repetition"),
        ("(?:a?){1,30}$", "inside a repetition"),
        ("(a|aa)*$", "repeated alternation"),
        ("(xy|x)+z", "repeated alternation"),
        (r"(a)\1", "back-references"),
        (r"(?P<n>a)(?P=n)", "back-references"),
        (r"\d*\d*\d*x", "open repetitions"),
        ("[", "not a valid"),
        ("a" * (MAX_PATTERN_LENGTH + 1), "longer than"),
    ],
)
def test_unsafe_patterns_are_refused(pattern: str, why: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None and why in problem


def test_accepted_patterns_match_fast_on_hostile_values() -> None:
    # the worst accepted shapes: two open repetitions that overlap, on the longest value
    rules = OsmRules(
        fietssnelweg_ref=r"^\d*\d*x$",
        bovenlokaal_cycle_network=r"^.*a.*b$",
        fietssnelweg_network=r"(?i)^BE-VLG:cycle_highway$",
    )
    for pattern in (rules.fietssnelweg_ref, rules.bovenlokaal_cycle_network):
        assert pattern_problem(pattern) is None
    started = time.perf_counter()
    for _ in range(200):
        rules.route_info(
            {
                "type": "route",
                "route": "bicycle",
                "ref": "1" * 10_000,
                "cycle_network": "a" * 10_000,
            }
        )
    assert time.perf_counter() - started < 5
    # the refused classic takes exponential time in plain re on 30 characters:
    # proof the limit matters (bounded here by measuring only 22 characters)
    started = time.perf_counter()
    re.match(r"(a+)+$", "a" * 22 + "!")
    assert time.perf_counter() - started > 0.05


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("route_values = 3\n", "list of texts"),
        ("route_values = [{a = 1}]\n", "list of texts"),
        ('use_sidepath_allowed = "no"\n', "true or false"),
        ("fietssnelweg_ref = 5\n", "must be a text"),
        ('fietssnelweg_ref = "(a+)+$"\n', "repetition"),
        ("nonsense = 1\n", "unknown rule"),
    ],
)
def test_from_toml_refuses_wrong_values(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        OsmRules.from_toml(path)


def test_from_toml_accepts_good_values(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        'route_values = ["bicycle", "mtb"]\nuse_sidepath_allowed = true\n'
        'fietssnelweg_ref = "^F[0-9]{1,3}$"\n',
        encoding="utf-8",
    )
    rules = OsmRules.from_toml(path)
    assert rules.route_values == frozenset({"bicycle", "mtb"}) and rules.use_sidepath_allowed
    assert (
        rules.route_info({"type": "route", "route": "bicycle", "ref": "F12"}).klasse
        == "fietssnelweg"
    )


def test_rules_file_must_be_small_and_regular(tmp_path: Path) -> None:
    import os

    big = tmp_path / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(2_000_000_000)
    started = time.perf_counter()
    with pytest.raises(ValueError, match="larger than"):
        OsmRules.from_toml(big)
    assert time.perf_counter() - started < 2
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.toml")
        with pytest.raises(ValueError, match="not a regular file"):
            OsmRules.from_toml(tmp_path / "pipe.toml")
