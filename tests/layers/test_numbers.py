"""The one number formatter: values, deltas that never contradict their values, spreadsheet numbers."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.layers.numbers import (
    MINUS,
    delta,
    excel_delta_format,
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
    # equal: ±0
    assert fmt_delta(98.14, 98.14, "%") == "±0 pp"
    assert fmt_delta(5, 5, "count") == "±0"
    assert fmt_delta(float("nan"), 1.0, "%") == ""


def test_a_change_hidden_by_the_values_precision_still_shows() -> None:
    # 23,1 % -> 23,1 % read "±0 pp" though the share moved by -0,0006 pp
    assert fmt_delta(23.1234, 23.1240, "%") == f"{MINUS}0,001 pp"
    assert fmt_delta(98.12, 98.14, "%") == f"{MINUS}0,02 pp"
    # both read 43,7 %: one decimal more than the values, "+0,08" rather than "+0,1"
    assert fmt_delta(43.74, 43.66, "%") == "+0,08 pp"
    assert fmt_delta(270_815.4, 270_815.0, "count", "en") == "+0.4"
    # beyond four extra decimals: "<" the smallest step, with the change's sign
    assert fmt_delta(23.1, 23.1 + 1e-9, "%") == f"{MINUS}<0,00001 pp"
    assert fmt_delta(5.000001, 5, "count", "en") == "+<0.0001"
    # floating-point rounding is no change
    assert fmt_delta(0.1 + 0.2, 0.3, "%") == "±0 pp"


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0, 1000, allow_nan=False),
    st.floats(0, 1000, allow_nan=False),
    st.sampled_from(["%", "min", "count", "m", "km"]),
)
def test_delta_agrees_with_the_values(a: float, b: float, unit: str) -> None:
    """±0 exactly when the two values are equal (up to rounding); otherwise a non-zero delta with the right sign."""
    text = fmt_delta(a, b, unit)
    if abs(a - b) <= 1e-12 * max(1.0, a, b):
        assert text.startswith("±0")
        return
    assert not text.startswith("±")
    assert text.startswith("+") == (a > b)
    assert text.startswith(MINUS) == (a < b)
    number = text.split(" ")[0].lstrip("+" + MINUS)
    if number.startswith("<"):  # too small to show: below the step it names
        step = float(number[1:].replace(".", "").replace(",", "."))
        assert abs(a - b) < step
    else:
        shown = float(number.replace(".", "").replace(",", "."))
        assert shown != 0  # never +0,0
        assert (
            abs(shown - abs(a - b))
            <= 0.5 * 10 ** -(len(number.split(",")[1]) if "," in number else 0) + 1e-12
        )


def test_delta_object() -> None:
    d = delta(3.04, 3.06, "min")
    assert d is not None and d.direction == -1 and math.isclose(d.value, -0.02) and d.digits == 2
    d = delta(98.12, 98.12, "%")
    assert d is not None and d.value == 0.0 and d.direction == 0 and not d.below
    d = delta(23.1, 23.1 + 1e-9, "%")
    assert d is not None and d.below and d.direction == -1 and d.digits == 5
    assert delta(None, 1.0) is None


def test_excel_delta_formats_show_what_every_export_shows() -> None:
    """The cell keeps the exact change; its format shows the formatter's text."""
    assert (
        excel_delta_format(delta(98.12, 98.14, "%"), "%") == '+#,##0.00" pp";-#,##0.00" pp";"±0 pp"'
    )
    # equal up to rounding: "±0" whatever residue the cell holds
    assert excel_delta_format(delta(0.1 + 0.2, 0.3, "%"), "%") == '"±0 pp"'
    # too small: the value's own zeros (the reader's decimal separator), then a literal 1
    assert (
        excel_delta_format(delta(23.1, 23.1 + 1e-9, "%"), "%")
        == '+"<"0.0000"1 pp";-"<"0.0000"1 pp";"±0 pp"'
    )
    assert (
        excel_delta_format(delta(5.000001, 5, "count"), "count") == '+"<"0.000"1";-"<"0.000"1";"±0"'
    )


def test_excel_numbers_are_numbers() -> None:
    assert excel_number(-0.0, "pp") == 0.0 and math.copysign(1, excel_number(-0.0, "pp")) == 1
    value = excel_number(12345.0, "count")
    assert value == 12345 and isinstance(value, int)
    assert excel_number(float("nan"), "%") is None
    # a mean count keeps its fraction: the format shows it whole, formulas get the true number
    assert excel_number(457.3, "count") == 457.3
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
    if value == 0:
        assert text.startswith("±0")
        return
    number = text.split()[0]
    assert number[0] == ("+" if value > 0 else MINUS)
    if number[1] == "<":  # too small to show: below the step it names
        assert abs(value) < float(number[2:].replace(",", ""))
    else:
        shown = float(number[1:].replace(",", ""))
        assert shown != 0


def test_ordinals_follow_each_language() -> None:
    from slimmeregio.layers.numbers import fmt_ordinal

    assert [fmt_ordinal(k, "nl") for k in (1, 2, 3, 11, 21)] == ["1e", "2e", "3e", "11e", "21e"]
    english = [fmt_ordinal(k, "en") for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)]
    assert english == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"
    ]  # fmt: skip
