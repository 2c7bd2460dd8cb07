"""The one number formatter: values, deltas that never contradict their values, spreadsheet numbers."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.layers.numbers import (
    MINUS,
    delta,
    excel_format,
    excel_number,
    fmt_delta,
    fmt_metres,
    fmt_number,
)


def test_metres_group_thousands_with_a_space_in_both_languages() -> None:
    # coordinates and lengths on the map: "150.000" would read as 150 in English
    assert fmt_metres(150_000.4) == "150 000"
    assert fmt_metres(3000) == "3 000" and fmt_metres(999) == "999"
    assert fmt_metres(-2500.6) == f"{MINUS}2 501"
    assert fmt_metres(float("nan")) == "–"


def test_values_dutch_and_english() -> None:
    assert fmt_number(12345.0, "count") == "12.345"
    assert fmt_number(12345.0, "count", "en") == "12,345"
    assert fmt_number(78.44, "%") == "78,4 %"
    assert fmt_number(78.44, "%", "en") == "78.4 %"
    assert (
        fmt_number(-1234.5, "m") == f"{MINUS}1.234 m"
        or fmt_number(-1234.5, "m") == f"{MINUS}1.235 m"
    )
    assert fmt_number(float("nan"), "%") == "–"


def test_no_negative_zero() -> None:
    # -0.04 shown at one decimal is zero: no sign at all
    assert fmt_number(-0.04, "pp", signed=True) == "0,0 pp"
    assert fmt_number(-0.04, "pp") == "0,0 pp"


def test_delta_examples_from_the_issue() -> None:
    # 3,1 -> 3,0 min used to read "+0,0 min"
    assert fmt_delta(3.04, 3.06, "min") == f"{MINUS}0,02 min"
    # 98,1 -> 98,2 % used to read "+0,0 pp"
    assert fmt_delta(98.16, 98.14, "%") == "+0,02 pp"
    assert fmt_delta(90.0, 81.7, "%") == "+8,3 pp"
    assert fmt_delta(81.7, 90.0, "%", "en") == f"{MINUS}8.3 pp"
    # equal at display precision: ±0
    assert fmt_delta(98.12, 98.14, "%") == "±0 pp"
    assert fmt_delta(5, 5, "count") == "±0"
    assert fmt_delta(float("nan"), 1.0, "%") == ""


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0, 1000, allow_nan=False),
    st.floats(0, 1000, allow_nan=False),
    st.sampled_from(["%", "min", "count", "m", "km"]),
)
def test_delta_agrees_with_the_values_shown(a: float, b: float, unit: str) -> None:
    """±0 exactly when the two values read the same; otherwise a non-zero delta with the right sign."""
    shown_equal = fmt_number(a, unit) == fmt_number(b, unit)
    text = fmt_delta(a, b, unit)
    if shown_equal:
        assert text.startswith("±0")
    else:
        assert not text.startswith("±")
        digits = text.split(" ")[0].lstrip("+" + MINUS).replace(".", "").replace(",", "")
        assert digits.strip("0") != ""  # never +0,0
        assert text.startswith("+") == (a > b)
        assert text.startswith(MINUS) == (a < b)


def test_delta_object() -> None:
    d = delta(3.04, 3.06, "min")
    assert d is not None and d.direction == -1 and math.isclose(d.value, -0.02) and d.digits == 2
    d = delta(98.12, 98.14, "%")
    assert d is not None and d.value == 0.0 and d.direction == 0
    assert delta(None, 1.0) is None


def test_excel_numbers_are_numbers() -> None:
    assert excel_number(-0.0, "pp") == 0.0 and math.copysign(1, excel_number(-0.0, "pp")) == 1
    value = excel_number(12345.0, "count")
    assert value == 12345 and isinstance(value, int)
    assert excel_number(float("nan"), "%") is None
    assert excel_number("tekst") == "tekst"
    assert excel_format("pp", 2, signed=True) == '+#,##0.00" pp";-#,##0.00" pp";"±0 pp"'
    assert excel_format("count") == "#,##0"


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.sampled_from(["%", "min", "m", "count", ""]),
)
def test_a_lone_difference_never_reads_zero_unless_it_is(value, unit):
    from slimmeregio.layers.numbers import MINUS, fmt_difference

    text = fmt_difference(value, unit, "en")
    shown = (
        float(text.split()[0].replace(MINUS, "-").replace(",", "").replace("±", ""))
        if "±" not in text
        else 0.0
    )
    if abs(value) >= 1e-4:
        assert "±" not in text and shown != 0 and (shown > 0) == (value > 0)
    if "±" in text:
        assert abs(value) < 1e-4


def test_ordinals_follow_each_language() -> None:
    from slimmeregio.layers.numbers import fmt_ordinal

    assert [fmt_ordinal(k, "nl") for k in (1, 2, 3, 11, 21)] == ["1e", "2e", "3e", "11e", "21e"]
    english = [fmt_ordinal(k, "en") for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)]
    assert english == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"
    ]  # fmt: skip
