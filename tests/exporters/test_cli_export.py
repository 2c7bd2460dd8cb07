"""``slimmeregio export`` on the embedded region: pack written, errors in one line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from slimmeregio.cli import cli
from slimmeregio.scenarios.model import Scenario, example_scenario_toml


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scen") / "voorbeeld.toml"
    path.write_text(example_scenario_toml(), encoding="utf-8")
    return path


def test_export_region_pack(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["export", str(scenario_file), "--out", str(out), "--formats", "xlsx"]
    )
    assert result.exit_code == 0, result.output
    assert "bestanden geschreven" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == ["resultaten.xlsx"]
    wb = openpyxl.load_workbook(out / "resultaten.xlsx")
    rows = list(wb["Gemeenten"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2 * 35  # base and scenario for every municipality
    ledger = list(wb["Wijzigingen"].iter_rows(min_row=2, values_only=True))
    expected = Scenario.from_toml(scenario_file.read_text(encoding="utf-8")).modifications
    assert len(ledger) == len(expected) and all(r[8] for r in ledger)  # every modification says why
    assert [r[7] for r in ledger] == [m.author for m in expected]
    # the region has a Brussels layer: both flows are ranked, for the base and the scenario
    flows = [r for r in wb["Fietsstromen"].iter_rows(min_row=5, values_only=True) if r[0]]
    for target in ("station", "Brusselse grens"):
        part = [r for r in flows if r[1] == target and isinstance(r[7], int | float)]
        assert {r[0] for r in part} >= {"Basis"} and len({r[0] for r in part}) == 2, target
        values = [r[7] for r in part if r[0] == "Basis"]
        assert values[0] > 0 and values == sorted(values, reverse=True)
    # a second run refuses to overwrite: one line, exit 2, file untouched
    before = (out / "resultaten.xlsx").read_bytes()
    again = runner.invoke(
        cli, ["export", str(scenario_file), "--out", str(out), "--formats", "xlsx"]
    )
    assert again.exit_code == 2
    assert "bestaat al" in again.output and "Traceback" not in again.output
    assert len(again.output.strip().splitlines()) == 1
    assert (out / "resultaten.xlsx").read_bytes() == before


def test_bad_input_is_one_line(scenario_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "kapot.toml"
    bad.write_text(
        'name = "x"\n[[modifications]]\nkind = "add_housing"\ndwellings = -5\n', encoding="utf-8"
    )
    runner = CliRunner()
    for args in (
        ["export", str(bad), "--out", str(tmp_path / "a")],
        ["export", str(scenario_file), "--out", str(tmp_path / "b"), "--formats", "pdf,doc"],
        ["export", str(scenario_file), "--out", str(tmp_path / "c"), "--paper", "letter"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.output.startswith("slimmeregio: fout:")
        assert "Traceback" not in result.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_help_says_what_atlas_and_municipality_do() -> None:
    """--municipality used to cut the atlas silently; the help now says it only adds folders."""
    result = CliRunner().invoke(cli, ["export", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "every municipality of the region (never cut by --municipality)" in text
    assert (
        "gemeenten/NAME/ (municipalities/NAME/ with --lang en) with one map page per scenario"
        in text
    )
    assert "The regional files stay whole." in text


def test_planned_projects_are_a_scenario_of_the_pack(scenario_file: Path, tmp_path: Path) -> None:
    """--planned adds 'geplande projecten' first; its change in dwellings is the layer's planned ones."""
    import openpyxl

    from slimmeregio.layers.region import load_region

    housing = load_region().layers["woningen"].frame
    planned = int(housing.loc[housing["status"] == "gepland", "woningen"].sum())  # hand count
    assert planned > 0
    out = tmp_path / "pack"
    result = CliRunner().invoke(
        cli, ["export", str(scenario_file), "--out", str(out), "--formats", "xlsx", "--planned"]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "resultaten.xlsx")
    cells = [
        c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert (
        "geplande projecten" in cells
    )  # a column of its own (the layer's note also names planned projects)
    assert planned in cells  # the planned scenario's dwellings change, stored as a whole number


def test_workbook_keeps_the_exact_change_and_shows_what_every_export_shows(
    scenario_file: Path, tmp_path: Path
) -> None:
    """A change the values' precision hides is still shown (with the decimals it needs) and
    coloured; only equal values read ±0, uncoloured; every change cell holds the true number."""
    import openpyxl

    out = tmp_path / "pack"
    result = CliRunner().invoke(
        cli, ["export", str(scenario_file), "--out", str(out), "--formats", "xlsx"]
    )
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out / "resultaten.xlsx")["Samenvatting"]
    rows = {r[1].value: r for r in ws.iter_rows() if len(r) > 5 and isinstance(r[1].value, str)}
    coloured = {str(rng) for cf in ws.conditional_formatting for rng in cf.sqref.ranges}
    base, scen, change = rows["share_walk_mobipunt_800m"][3:6]
    assert (
        round(base.value, 1) == round(scen.value, 1) and base.value != scen.value
    )  # equal as shown only
    assert change.value == pytest.approx(
        scen.value - base.value, abs=1e-9
    )  # the true number, for formulas
    # by hand: both read the same, so from two decimals on, the fewest that keep it non-zero
    diff, decimals = scen.value - base.value, 2
    while round(diff, decimals) == 0:
        decimals += 1
    assert change.number_format.startswith(f'+#,##0.{"0" * decimals}" pp";-')
    assert change.coordinate in coloured
    equal = [
        r
        for r in rows.values()
        if isinstance(r[3].value, int | float)
        and r[3].value == r[4].value
        and r[5].value is not None
    ]
    assert equal  # some figure the scenario does not move
    for r in equal:
        assert r[5].number_format.startswith('"±0') and r[5].coordinate not in coloured
    base, scen, change = rows["share_bike_mobipunt_5min"][3:6]
    assert round(scen.value, 1) > round(base.value, 1)
    assert change.value == pytest.approx(scen.value - base.value, abs=1e-9)
    assert change.coordinate in coloured
