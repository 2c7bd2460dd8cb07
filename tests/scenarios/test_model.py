"""Tests for the scenario model: validation, located errors, round trips."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from slimmeregio.layers.errors import (
    ScenarioError,
    SlimmeRegioError,
    SourceNotFoundError,
    UnsupportedFormatError,
)
from slimmeregio.scenarios.model import (
    AddHousing,
    AddLink,
    AddMobipunt,
    MoveMobipunt,
    Parameters,
    RemoveHousing,
    RemoveLink,
    RemoveMobipunt,
    Scenario,
    UpgradeLink,
    example_scenario_toml,
    scenario_error,
)

WHO = {"author": "An Peeters", "reason": "Test"}


def _mod(**fields: Any) -> dict[str, Any]:
    return {**WHO, **fields}


def _load_error(data: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    return info.value


def _housing(**fields: Any) -> dict[str, Any]:
    base = {"kind": "add_housing", "x": 143600.0, "y": 158400.0, "dwellings": 10}
    return _mod(**(base | fields))


# ---------------------------------------------------------------------------
# Defaults and the example
# ---------------------------------------------------------------------------


def test_parameter_defaults_match_contract() -> None:
    p = Parameters()
    assert dict(p.speeds_kmh) == {
        "fietssnelweg": 25.0,
        "bovenlokaal": 20.0,
        "lokaal": 16.0,
        "overig": 14.0,
    }
    assert p.walking_speed_kmh == 4.8
    assert p.walk_thresholds_m == (400.0, 800.0, 1200.0)
    assert p.bike_thresholds_min == (5.0, 10.0, 15.0)
    assert p.mobipunt_types == ("interregionaal", "regionaal", "lokaal", "buurt")
    assert (p.max_snap_m, p.household_size, p.min_trains_per_day) == (500.0, 2.4, 0.0)
    assert (p.service_area_min, p.curve_max_min, p.siting_threshold_min) == (10.0, 30, 5.0)
    assert (p.detour_ratio, p.detour_max_straight_m) == (2.0, 800.0)


def test_speed_for_unknown_class_rides_as_overig() -> None:
    p = Parameters(speeds_kmh={"lokaal": 16.0, "overig": 12.0, "jaagpad": 18.0})
    assert p.speed_for("jaagpad") == 18.0
    assert p.speed_for("onbekend") == 12.0


def test_example_is_valid_and_complete() -> None:
    text = example_scenario_toml()
    scenario = Scenario.from_toml(text)
    kinds = [m.kind for m in scenario.modifications]
    assert kinds == ["add_link", "upgrade_link", "add_mobipunt", "add_housing"]
    # The commented-out blocks show every other kind, and are valid when uncommented.
    for kind in (
        "remove_link",
        "move_mobipunt",
        "remove_mobipunt",
        "remove_housing",
        "set_frequency",
    ):
        assert f'kind = "{kind}"' in text
    head, tail = text.split("# Andere soorten", 1)
    body = "\n".join(line[2:] for line in tail.splitlines()[1:] if line.startswith("# "))
    uncommented = head + body.replace('"..."', '"x"')
    full = Scenario.from_toml(uncommented)
    assert len(full.modifications) == 9


def test_example_mentions_every_parameter() -> None:
    data = tomllib.loads(example_scenario_toml())
    assert set(data["parameters"]) == set(Parameters.model_fields)


# ---------------------------------------------------------------------------
# Editing and immutability
# ---------------------------------------------------------------------------


def test_with_modification_returns_new_object() -> None:
    s0 = Scenario(name="A")
    mod = RemoveLink(link_ids=(1, 2), **WHO)
    s1 = s0.with_modification(mod)
    assert s0.modifications == ()
    assert s1.modifications == (mod,)
    assert s1.without_last() == s0
    assert s0.without_last() == s0


def test_with_modification_refuses_non_modification() -> None:
    with pytest.raises(TypeError):
        Scenario(name="A").with_modification("remove everything")  # type: ignore[arg-type]


def test_models_are_frozen() -> None:
    s = Scenario(name="A").with_modification(RemoveLink(link_ids=(1,), **WHO))
    with pytest.raises(ValidationError):
        s.name = "B"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        s.modifications[0].link_ids = (2,)  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.parameters.speeds_kmh["lokaal"] = 99.0
    with pytest.raises(AttributeError):
        s.modifications.append(None)  # type: ignore[attr-defined]
    assert s.parameters.speeds_kmh["lokaal"] == 16.0


def test_copy_and_hash_survive_frozen_mapping() -> None:
    s = Scenario(name="A", parameters=Parameters(speeds_kmh={"lokaal": 15.0}))
    # deepcopy goes through __reduce__, as pickling for a process pool would.
    assert copy.deepcopy(s) == s
    assert s.model_copy(deep=True) == s
    assert hash(s) == hash(Scenario.from_dict(s.to_dict()))


def test_with_parameters_validates() -> None:
    s = Scenario(name="A").with_parameters(walking_speed_kmh=5.0)
    assert s.parameters.walking_speed_kmh == 5.0
    with pytest.raises(ScenarioError) as info:
        s.with_parameters(bike_thresholds_min=(10.0, 5.0))
    assert info.value.data["location"] == "parameters.bike_thresholds_min"


def test_ledger_lines() -> None:
    s = Scenario.from_toml(example_scenario_toml())
    ledger = s.ledger("nl")
    assert ledger[0].startswith("1. nieuwe fietsverbinding 'Fietsbrug over de Zenne'")
    assert "door Dienst Mobiliteit Halle" in ledger[0]
    assert s.ledger("en")[3].startswith("4. housing development")


def test_add_link_length() -> None:
    link = AddLink(coords=((100000.0, 100000.0), (100300.0, 100400.0), (100300.0, 100500.0)), **WHO)
    assert link.length_m == pytest.approx(500.0 + 100.0)


# ---------------------------------------------------------------------------
# Located validation errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "location", "fragment_nl"),
    [
        ({"name": "A", "colour": "red"}, "colour", "onbekende sleutel"),
        (
            {"name": "A", "parameters": {"walk_speed": 5}},
            "parameters.walk_speed",
            "onbekende sleutel",
        ),
        ({"name": 12}, "name", "verwacht tekst"),
        ({"name": ""}, "name", "mag niet leeg"),
        ({"name": "   "}, "name", "mag niet leeg"),
        ({}, "name", "verplicht veld ontbreekt"),
        (
            {"name": "A", "parameters": {"household_size": "2,4"}},
            "parameters.household_size",
            "verwacht een getal",
        ),
        (
            {"name": "A", "parameters": {"household_size": 0}},
            "parameters.household_size",
            "groter zijn dan 0",
        ),
        (
            {"name": "A", "parameters": {"household_size": 11}},
            "parameters.household_size",
            "hoogstens 10",
        ),
        (
            {"name": "A", "parameters": {"walking_speed_kmh": True}},
            "parameters.walking_speed_kmh",
            "verwacht een getal",
        ),
        (
            {"name": "A", "parameters": {"bike_thresholds_min": [10, 5]}},
            "parameters.bike_thresholds_min",
            "oplopend",
        ),
        (
            {"name": "A", "parameters": {"walk_thresholds_m": [400, 400]}},
            "parameters.walk_thresholds_m",
            "zonder herhaling",
        ),
        (
            {"name": "A", "parameters": {"walk_thresholds_m": [-1, 400]}},
            "parameters.walk_thresholds_m",
            "groter dan 0",
        ),
        (
            {"name": "A", "parameters": {"walk_thresholds_m": []}},
            "parameters.walk_thresholds_m",
            "minstens één",
        ),
        # Issue 12 item 7: keys that would collide, and sane upper bounds.
        (
            {"name": "A", "parameters": {"bike_thresholds_min": [5, 5.0000001]}},
            "parameters.bike_thresholds_min",
            "beide heten '5'",
        ),
        (
            {"name": "A", "parameters": {"walk_thresholds_m": [400, 400.00001]}},
            "parameters.walk_thresholds_m",
            "te dicht bij elkaar",
        ),
        (
            {"name": "A", "parameters": {"bike_thresholds_min": [5, 241]}},
            "parameters.bike_thresholds_min",
            "hoogstens 240 min",
        ),
        (
            {"name": "A", "parameters": {"walk_thresholds_m": [400, 100001]}},
            "parameters.walk_thresholds_m",
            "hoogstens 100000 m",
        ),
        (
            {"name": "A", "parameters": {"bike_thresholds_min": list(range(1, 52))}},
            "parameters.bike_thresholds_min",
            "te veel drempels (51)",
        ),
        (
            {"name": "A", "parameters": {"speeds_kmh": {"lokaal": 0}}},
            "parameters.speeds_kmh.lokaal",
            "groter zijn dan 0",
        ),
        (
            {"name": "A", "parameters": {"speeds_kmh": {"lokaal": 60}}},
            "parameters.speeds_kmh.lokaal",
            "kleiner zijn dan 60",
        ),
        (
            {"name": "A", "parameters": {"curve_max_min": 30.5}},
            "parameters.curve_max_min",
            "geheel getal",
        ),
        (
            {"name": "A", "parameters": {"mobipunt_types": ["buurt", "wijk"]}},
            "parameters.mobipunt_types[1]",
            "ongeldige keuze",
        ),
        (
            {"name": "A", "parameters": {"mobipunt_types": ["buurt", "buurt"]}},
            "parameters.mobipunt_types",
            "maar één keer",
        ),
        (
            {"name": "A", "parameters": {"detour_ratio": float("nan")}},
            "parameters.detour_ratio",
            "eindig",
        ),
        ({"name": "A", "modifications": {"kind": "add_link"}}, "modifications", "lijst"),
        (
            {"name": "A", "modifications": [{"kind": "teleport"}]},
            "modifications[0]",
            "onbekende soort wijziging 'teleport'",
        ),
        ({"name": "A", "modifications": [{"x": 1}]}, "modifications[0]", "'kind' ontbreekt"),
        (
            {"name": "A", "modifications": [_housing(dwellings=-5)]},
            "modifications[0].dwellings",
            "minstens 0",
        ),
        (
            {"name": "A", "modifications": [_housing(dwellings=100_001)]},
            "modifications[0].dwellings",
            "hoogstens 100000",
        ),
        (
            {"name": "A", "modifications": [_housing(dwellings=1e308)]},
            "modifications[0].dwellings",
            "geheel getal",
        ),
        (
            {"name": "A", "modifications": [_housing(dwellings="200")]},
            "modifications[0].dwellings",
            "geheel getal",
        ),
        (
            {
                "name": "A",
                "modifications": [{k: v for k, v in _housing().items() if k != "author"}],
            },
            "modifications[0].author",
            "verplicht",
        ),
        (
            {"name": "A", "modifications": [_housing(author="")]},
            "modifications[0].author",
            "mag niet leeg",
        ),
        (
            {"name": "A", "modifications": [_housing(reason=" ")]},
            "modifications[0].reason",
            "mag niet leeg",
        ),
        (
            {"name": "A", "modifications": [_housing(x=4.35, y=50.85)]},
            "modifications[0]",
            "lengte-/breedtegraad",
        ),
        (
            {"name": "A", "modifications": [_housing(x=143600.0, y=900000.0)]},
            "modifications[0]",
            "ver buiten de regio",
        ),
        (
            {"name": "A", "modifications": [_housing(x=-5000.0, y=150000.0)]},
            "modifications[0]",
            "ver buiten de regio",
        ),
        ({"name": "A", "modifications": [_housing(x=None)]}, "modifications[0]", "zowel x als y"),
        (
            {"name": "A", "modifications": [_housing(x=None, y=None)]},
            "modifications[0]",
            "een punt (x, y) of een polygoon",
        ),
        (
            {
                "name": "A",
                "modifications": [_housing(polygon=[[1e5, 1e5], [1e5 + 10, 1e5], [1e5, 1e5 + 10]])],
            },
            "modifications[0]",
            "niet beide",
        ),
        (
            {
                "name": "A",
                "modifications": [
                    _housing(
                        x=None,
                        y=None,
                        polygon=[
                            [1e5, 1e5],
                            [1e5 + 10, 1e5 + 10],
                            [1e5 + 10, 1e5],
                            [1e5, 1e5 + 10],
                        ],
                    )
                ],
            },
            "modifications[0]",
            "snijdt zichzelf",
        ),
        (
            {
                "name": "A",
                "modifications": [_housing(x=None, y=None, polygon=[[1e5, 1e5], [1e5 + 1, 1e5]])],
            },
            "modifications[0]",
            "drie verschillende punten",
        ),
        (
            {"name": "A", "modifications": [_mod(kind="add_link", coords=[[1e5, 1e5]])]},
            "modifications[0].coords",
            "minstens twee punten",
        ),
        (
            {
                "name": "A",
                "modifications": [_mod(kind="add_link", coords=[[1e5, 1e5], [1e5, 1e5]])],
            },
            "modifications[0].coords",
            "samen",
        ),
        (
            {
                "name": "A",
                "modifications": [_mod(kind="add_link", coords=[[1e5, 1e5], [1e5, "x"]])],
            },
            "modifications[0].coords[1][1]",
            "verwacht een getal",
        ),
        (
            {
                "name": "A",
                "modifications": [_mod(kind="add_link", coords=[[1e5, 1e5, 3.0], [1e5, 2e5]])],
            },
            "modifications[0].coords[0]",
            "te veel",
        ),
        (
            {
                "name": "A",
                "modifications": [
                    _mod(kind="add_link", coords=[[1e5, 1e5], [1e5, 2e5]], speed_kmh=80)
                ],
            },
            "modifications[0].speed_kmh",
            "kleiner zijn dan 60",
        ),
        (
            {
                "name": "A",
                "modifications": [
                    _mod(kind="add_link", coords=[[1e5, 1e5], [1e5, 2e5]], oneway="ja")
                ],
            },
            "modifications[0].oneway",
            "true of false",
        ),
        (
            {"name": "A", "modifications": [_mod(kind="remove_link", link_ids=[])]},
            "modifications[0].link_ids",
            "te weinig",
        ),
        (
            {"name": "A", "modifications": [_mod(kind="remove_link", link_ids=["12"])]},
            "modifications[0].link_ids[0]",
            "geheel getal",
        ),
        (
            {"name": "A", "modifications": [_mod(kind="upgrade_link", link_ids=[1])]},
            "modifications[0]",
            "klasse",
        ),
        (
            {
                "name": "A",
                "modifications": [
                    _mod(kind="add_mobipunt", x=1e5, y=1e5, name="P", hoppin_type="mega")
                ],
            },
            "modifications[0].hoppin_type",
            "ongeldige keuze",
        ),
        (
            {
                "name": "A",
                "modifications": [_mod(kind="move_mobipunt", mobipunt_id="", x=1e5, y=1e5)],
            },
            "modifications[0].mobipunt_id",
            "leeg",
        ),
        (
            {"name": "A", "modifications": [_mod(kind="remove_housing", housing_ids=[17])]},
            "modifications[0].housing_ids[0]",
            "verwacht tekst",
        ),
        (
            {
                "name": "A",
                "modifications": [
                    _mod(kind="remove_mobipunt", mobipunt_id="MP-001", created=1700000000)
                ],
            },
            "modifications[0].created",
            "datum",
        ),
        (
            {
                "name": "A",
                "modifications": [
                    _mod(kind="remove_mobipunt", mobipunt_id="MP-001", created="gisteren")
                ],
            },
            "modifications[0].created",
            "datum",
        ),
        ({"name": "A", "modifications": [None]}, "modifications[0]", "tabel"),
        ({"name": "A\ud800"}, "name", "ongeldige tekens"),
    ],
)
def test_validation_error_is_located(data: dict[str, Any], location: str, fragment_nl: str) -> None:
    error = _load_error(data)
    assert error.data["location"] == location
    assert fragment_nl in error.message("nl")
    assert error.message("en") != error.message("nl")
    assert location in error.message("en")
    assert isinstance(error, ValueError)


def test_error_counts_further_problems() -> None:
    error = _load_error({"name": "", "base": "", "colour": 1})
    assert len(error.data["errors"]) == 3
    assert "nog 2 andere fouten" in error.message("nl")
    assert "2 more errors" in error.message("en")


def test_error_names_modification_number_for_people() -> None:
    error = _load_error({"name": "A", "modifications": [_housing(), _housing(dwellings=-1)]})
    assert "modifications[1].dwellings (wijziging 2)" in error.message("nl")
    assert "(modification 2)" in error.message("en")


def test_top_level_must_be_table() -> None:
    assert _load_error([1, 2]).data["location"] == "(top)"
    assert _load_error("name").data["location"] == "(top)"


def test_scenario_error_helper_for_apply_time() -> None:
    err = scenario_error(
        "modifications[3].link_ids[0]",
        "verbinding 999 bestaat niet",
        "link 999 does not exist",
        source="plan.toml",
    )
    assert isinstance(err, ScenarioError)
    assert err.message("nl") == (
        "Fout in scenario plan.toml bij modifications[3].link_ids[0] (wijziging 4): "
        "verbinding 999 bestaat niet"
    )
    assert err.message("en").endswith("(modification 4): link 999 does not exist")


# ---------------------------------------------------------------------------
# TOML / JSON syntax and files
# ---------------------------------------------------------------------------


def test_toml_syntax_error_has_line_and_column() -> None:
    text = 'name = "A"\ndescription = "x"\nbase = = "basis"\n'
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(text, source="plan.toml")
    err = info.value
    assert err.data["line"] == 3
    assert err.data["column"] == 8
    assert "regel 3, kolom 8" in err.message("nl")
    assert "line 3, column 8" in err.message("en")
    assert "plan.toml" in err.message("nl")


def test_toml_duplicate_key_is_syntax_error() -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml('name = "A"\nname = "B"\n')
    assert info.value.data["line"] == 2


def test_json_syntax_error_has_line() -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_json('{\n  "name": "A",\n  oops\n}')
    assert info.value.data["line"] == 3


def test_json_refuses_nan_constant() -> None:
    with pytest.raises(ScenarioError):
        Scenario.from_json('{"name": "A", "parameters": {"detour_ratio": NaN}}')


def test_toml_unknown_key_located() -> None:
    text = 'name = "A"\n[[modifications]]\nkind = "remove_link"\nlink_ids = [1]\nauthor = "a"\nreason = "r"\nlink_idz = [2]\n'
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(text)
    assert info.value.data["location"] == "modifications[0].link_idz"


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_save_and_load_files(tmp_path: Any, suffix: str) -> None:
    scenario = Scenario.from_toml(example_scenario_toml())
    path = tmp_path / f"plan{suffix}"
    scenario.save(path)
    assert Scenario.load(path) == scenario
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]


def test_load_errors(tmp_path: Any) -> None:
    with pytest.raises(SourceNotFoundError):
        Scenario.load(tmp_path / "missing.toml")
    with pytest.raises(UnsupportedFormatError):
        Scenario.load(tmp_path / "plan.yaml")
    bad = tmp_path / "cp1252.toml"
    bad.write_bytes('name = "Zaventem café"\n'.encode("cp1252"))
    with pytest.raises(ScenarioError) as info:
        Scenario.load(bad)
    assert "UTF-8" in info.value.message("nl")
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b'\xef\xbb\xbfname = "A"\n')
    assert Scenario.load(bom).name == "A"


# ---------------------------------------------------------------------------
# Property-based: round trips and robustness
# ---------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=30)
_word = _text.filter(lambda s: s.strip() != "")
_x = st.floats(1000.0, 320_000.0, allow_nan=False)
_y = st.floats(1000.0, 260_000.0, allow_nan=False)
_point = st.tuples(_x, _y)
_speed = st.floats(0.5, 59.5)
_ids = st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=5).map(tuple)
_created = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
    ),
)
_hoppin = st.sampled_from(["interregionaal", "regionaal", "lokaal", "buurt"])


@st.composite
def _rectangle(draw: st.DrawFn) -> tuple[tuple[float, float], ...]:
    x = draw(st.floats(1000.0, 310_000.0))
    y = draw(st.floats(1000.0, 250_000.0))
    w, h = draw(st.floats(1.0, 5000.0)), draw(st.floats(1.0, 5000.0))
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


def _who() -> dict[str, Any]:
    return {"author": _word, "reason": _word, "created": _created}


_modification = st.one_of(
    st.builds(
        AddLink,
        coords=st.lists(_point, min_size=2, max_size=5, unique=True).map(tuple),
        link_class=_word,
        speed_kmh=st.none() | _speed,
        name=_text,
        oneway=st.booleans(),
        **_who(),
    ),
    st.builds(RemoveLink, link_ids=_ids, **_who()),
    st.builds(UpgradeLink, link_ids=_ids, link_class=_word, speed_kmh=st.none() | _speed, **_who()),
    st.builds(
        AddMobipunt,
        x=_x,
        y=_y,
        name=_word,
        hoppin_type=_hoppin,
        offer=st.lists(_word, max_size=3).map(tuple),
        id=st.none() | _word,
        **_who(),
    ),
    st.builds(MoveMobipunt, mobipunt_id=_word, x=_x, y=_y, **_who()),
    st.builds(RemoveMobipunt, mobipunt_id=_word, **_who()),
    st.builds(
        AddHousing,
        x=_x,
        y=_y,
        dwellings=st.integers(0, 100_000),
        name=_text,
        status=_word,
        id=st.none() | _word,
        **_who(),
    ),
    st.builds(AddHousing, polygon=_rectangle(), dwellings=st.integers(0, 100_000), **_who()),
    st.builds(
        RemoveHousing, housing_ids=st.lists(_word, min_size=1, max_size=3).map(tuple), **_who()
    ),
)


@st.composite
def _thresholds(draw: st.DrawFn) -> tuple[float, ...]:
    # Within both bounds (<= 240 min, <= 100 km) and distinct as keys.
    values = draw(
        st.lists(
            st.floats(0.001, 240.0).map(lambda v: round(v, 3)), min_size=1, max_size=5, unique=True
        )
    )
    return tuple(sorted(values))


_parameters = st.builds(
    Parameters,
    speeds_kmh=st.dictionaries(_word, _speed, min_size=1, max_size=5),
    walking_speed_kmh=st.floats(0.1, 20.0),
    walk_thresholds_m=_thresholds(),
    bike_thresholds_min=_thresholds(),
    max_snap_m=st.floats(0.1, 1e5),
    household_size=st.floats(0.1, 10.0),
    min_trains_per_day=st.floats(0.0, 1000.0),
    mobipunt_types=st.lists(_hoppin, min_size=1, max_size=4, unique=True).map(tuple),
    curve_max_min=st.integers(1, 240),
    detour_ratio=st.floats(1.01, 100.0),
)

_scenario = st.builds(
    Scenario,
    name=_word,
    description=_text,
    base=_word,
    parameters=_parameters,
    modifications=st.lists(_modification, max_size=6).map(tuple),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenario)
def test_toml_round_trip(scenario: Scenario) -> None:
    text = scenario.to_toml()
    assert Scenario.from_toml(text) == scenario
    assert tomllib.loads(text)["name"] == scenario.name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenario)
def test_json_and_dict_round_trip(scenario: Scenario) -> None:
    assert Scenario.from_json(scenario.to_json()) == scenario
    data = scenario.to_dict()
    json.dumps(data, allow_nan=False)  # plain JSON-able data
    assert Scenario.from_dict(data) == scenario


_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "kind",
                    "x",
                    "y",
                    "dwellings",
                    "modifications",
                    "parameters",
                    "coords",
                    "polygon",
                    "author",
                    "reason",
                    "link_ids",
                    "speeds_kmh",
                    "walk_thresholds_m",
                    "created",
                    "hoppin_type",
                    "foo",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(_json_like)
def test_arbitrary_data_loads_or_raises_scenario_error(data: Any) -> None:
    try:
        result = Scenario.from_dict(data)
    except ScenarioError as error:
        assert error.data["location"]
        assert error.message("nl") and error.message("en")
    else:
        assert isinstance(result, Scenario)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_loads_or_raises_scenario_error(text: str) -> None:
    for loader, parse in ((Scenario.from_toml, tomllib.loads), (Scenario.from_json, json.loads)):
        try:
            result = loader(text)
        except ScenarioError as error:
            # located, in both languages, on one line
            assert error.data["location"]
            for lang in ("nl", "en"):
                assert error.message(lang) and "\n" not in error.message(lang)
        else:
            # only text the format's own parser reads can be a scenario, and it survives a round trip
            assert isinstance(result, Scenario) and isinstance(parse(text), dict)
            assert Scenario.from_json(result.to_json()) == result


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_file_loads_or_raises(tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_bytes(raw)
    try:
        result = Scenario.load(path)
    except SlimmeRegioError as error:
        assert error.message("nl") and error.message("en")
        assert str(path) in error.message("en")  # the message names the file
    else:
        # only UTF-8 TOML can load, and it is the same scenario as read from its text
        assert result == Scenario.from_toml(raw.decode("utf-8-sig"))
