"""The workbook read back with openpyxl: sheets, headers, formats, safety."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from slimmeregio import __version__
from slimmeregio.exporters.excel import SHEETS, export_excel
from slimmeregio.layers.errors import OutputExistsError

from ._helpers import stretches_by_hand
from .conftest import HOSTILE_FORMULA, HOSTILE_HTML, HOSTILE_PATH, Results


@pytest.fixture(scope="module")
def workbook(results: Results, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "resultaten.xlsx"
    export_excel([results.comparison], path, project=results.project)
    return openpyxl.load_workbook(path)


def _header_row(ws) -> int:
    return int(ws.freeze_panes[1:]) - 1


def _table(ws) -> list[dict[str, object]]:
    h = _header_row(ws)
    headers = [c.value for c in ws[h]]
    return [
        dict(zip(headers, (c.value for c in row), strict=False))
        for row in ws.iter_rows(min_row=h + 1)
    ]


def test_sheets_and_headers(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == list(SHEETS)
    for ws in workbook:
        h = _header_row(ws)
        assert h >= 1, ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{h}:")
        header = ws.cell(row=h, column=1)
        assert header.font.bold and header.fill.fgColor.rgb.endswith("0D47A1")
        assert ws.column_dimensions["A"].width >= 8
    assert [c.value for c in workbook["Gemeenten"][1]][:4] == [
        "NIS",
        "Gemeente",
        "Scenario",
        "Woningen",
    ]
    assert [c.value for c in workbook["Wijzigingen"][1]] == [
        "Scenario",
        "Nr",
        "Soort",
        "Wat",
        "Waar",
        "X",
        "Y",
        "Door",
        "Waarom",
        "Wanneer",
    ]


def test_no_formula_anywhere_and_hostile_text_is_text(workbook: openpyxl.Workbook) -> None:
    seen: dict[str, object] = {}
    for ws in workbook:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (
                    f"formula in {ws.title}!{cell.coordinate}: {cell.value}"
                )
                if isinstance(cell.value, str):
                    seen[cell.value] = cell
    hyperlink = seen[HOSTILE_FORMULA]
    assert hyperlink.data_type == "s" and hyperlink.quotePrefix
    assert seen["-2+3"].quotePrefix  # author written as text
    assert HOSTILE_PATH in seen
    assert any(HOSTILE_HTML in v for v in seen)


def test_formula_like_values_stay_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from slimmeregio.exporters.excel import write_cell

    wb = Workbook()
    ws = wb.active
    values = [
        '=HYPERLINK("http://x","y")',
        "+1",
        "@SUM(A1)",
        "-2",
        "\tTAB",
        "\rCR",
        "gewoon",
        "a\x01b",
    ]
    for i, v in enumerate(values, start=1):
        write_cell(ws, i, 1, v)
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    got = [back.cell(row=i, column=1) for i in range(1, len(values) + 1)]
    assert all(c.data_type == "s" for c in got)
    assert [c.value for c in got[:5]] == values[:5]
    assert [c.quotePrefix for c in got[:6]] == [True] * 6 and not got[6].quotePrefix
    assert got[7].value == "ab"  # control character removed, not written raw


def test_summary_values_and_deltas(workbook: openpyxl.Workbook, results: Results) -> None:
    rows = {r["Sleutel"]: r for r in _table(workbook["Samenvatting"])}
    key = "share_bike_mobipunt_10min"
    base, scen = results.base.region[key], results.evaluation.region[key]
    assert rows[key]["Basis"] == pytest.approx(base)
    assert rows[key]["Fietsas Oost"] == pytest.approx(scen)
    assert rows[key]["Δ Fietsas Oost"] == pytest.approx(scen - base)
    ws = workbook["Samenvatting"]
    h = _header_row(ws)
    keys = [c.value for c in ws["B"]]
    cell = ws.cell(row=keys.index(key) + 1, column=4)
    assert cell.number_format == '0.0" %"'
    delta = ws.cell(row=keys.index(key) + 1, column=6)
    assert "pp" in delta.number_format
    count = ws.cell(row=keys.index("dwellings") + 1, column=4)
    assert count.number_format == "#,##0"
    assert ws.conditional_formatting, "deltas have conditional formatting"
    assert len(ws._charts) == 1 and h > 1


def test_municipalities_rows_and_deltas(workbook: openpyxl.Workbook, results: Results) -> None:
    rows = _table(workbook["Gemeenten"])
    assert len(rows) == 6  # 3 municipalities x (base + scenario)
    label = "Aandeel woningen binnen 10 min fietsen van een mobipunt"
    scen = {r["NIS"]: r for r in rows if r["Scenario"] == "Fietsas Oost"}
    base = results.base.municipalities.set_index("nis")["share_bike_mobipunt_10min"]
    after = results.evaluation.municipalities.set_index("nis")["share_bike_mobipunt_10min"]
    for nis in ("23001", "23002", "23003"):
        assert scen[nis][label] == pytest.approx(after[nis])
        assert scen[nis][f"Δ {label}"] == pytest.approx(after[nis] - base[nis])
    assert workbook["Gemeenten"].conditional_formatting


def test_mobipunten_ledger_sensitivity_parameters(
    workbook: openpyxl.Workbook, results: Results
) -> None:
    mob = _table(workbook["Mobipunten"])
    assert len(mob) == 4 + 5
    new = [r for r in mob if r["Wijziging"] == "nieuw"]
    assert [r["Naam"] for r in new] == ["Mobipunt Zuidoost"]
    catch = results.evaluation.mobipunten.set_index("mobipunt_id")["catchment_dwellings"]
    assert {
        r["Mobipunt-id"]: r["Woningen in verzorgingsgebied"]
        for r in mob
        if r["Scenario"] != "Basis"
    } == dict(catch)
    ledger = _table(workbook["Wijzigingen"])
    assert [r["Waar"] for r in ledger] == [HOSTILE_PATH, "Beersel", "Halle", "Halle"]
    sens = _table(workbook["Dekkingscurve"])
    assert len(sens) == 31 and sens[10]["Mobipunt: Basis"] == pytest.approx(
        results.base.coverage_curve["share_mobipunt"][10]
    )
    assert len(workbook["Dekkingscurve"]._charts) == 1
    params = {r["Onderdeel"]: r["Waarde"] for r in _table(workbook["Parameters en bronnen"])}
    assert params["Versie Slimme Regio Planner"] == __version__
    assert params["Scenario's"] == "Fietsas Oost"
    assert "Illustratieve woningen." in params["Opmerking"] or any(
        v == "Illustratieve woningen." for v in params.values()
    )
    assert params["Parameter (Fietsas Oost): Gemiddelde gezinsgrootte"] == 2.4


def test_municipality_subset_and_no_overwrite(results: Results, tmp_path: Path) -> None:
    out = export_excel(
        [results.comparison],
        tmp_path / "halle.xlsx",
        project=results.project,
        municipalities=["Halle"],
    )
    rows = _table(openpyxl.load_workbook(out)["Gemeenten"])
    assert {r["Gemeente"] for r in rows} == {"Halle"}
    before = out.read_bytes()
    with pytest.raises(OutputExistsError):
        export_excel([results.comparison], out, project=results.project)
    assert out.read_bytes() == before


def test_english_workbook(results: Results, tmp_path: Path) -> None:
    from slimmeregio.exporters.excel import sheet_names

    path = export_excel(
        [results.comparison], tmp_path / "results.xlsx", project=results.project, lang="en"
    )
    wb = openpyxl.load_workbook(path)
    assert (
        wb.sheetnames
        == [
            "Summary",
            "Municipalities",
            "Mobility hubs",
            "Bike flows",
            "Changes",
            "Coverage curve",
            "Parameters and sources",
        ]
        == list(sheet_names("en"))
    )
    assert [c.value for c in wb["Municipalities"][1]][:3] == ["NIS", "Municipality", "Scenario"]
    assert [c.value for c in wb["Changes"][1]] == [
        "Scenario",
        "No",
        "Kind",
        "What",
        "Where",
        "X",
        "Y",
        "By",
        "Why",
        "When",
    ]
    assert [c.value for c in wb["Mobility hubs"][1]][:3] == ["Scenario", "Hub id", "Name"]
    summary = _table(wb["Summary"])
    assert {"Indicator", "Key", "Unit", "Base", "Fietsas Oost"} <= set(summary[0])
    # the same numbers as the Dutch workbook, only the words differ
    dutch = {
        r["Sleutel"]: r
        for r in _table(
            openpyxl.load_workbook(
                export_excel([results.comparison], tmp_path / "nl.xlsx", project=results.project)
            )["Samenvatting"]
        )
    }
    for row in summary:
        assert row["Base"] == dutch[row["Key"]]["Basis"]
    params = {r["Item"]: r["Value"] for r in _table(wb["Parameters and sources"])}
    assert "Method" in params and params["Slimme Regio Planner version"] == __version__
    texts = {
        c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    }
    assert (
        not {"Basis", "Gemeente", "Woningen in verzorgingsgebied", "Methode", "ja", "nee"} & texts
    )


def _flow_rows(ws) -> list[dict[str, object]]:
    rows = []
    for row in _table(ws):
        if row["Scenario"] is None:  # the first table ends at an empty row
            break
        rows.append(row)
    return rows


def test_bike_flow_sheet_groups_links_into_streets(
    workbook: openpyxl.Workbook, results: Results
) -> None:
    """One row per street (connected links of one name) or unnamed stretch of equal flow, not per link."""
    from slimmeregio.exporters.flow_routes import TOP_ROUTES

    rows = _flow_rows(workbook["Fietsstromen"])
    ev, base = results.evaluation, results.base
    for column, target in (
        ("flow_dwellings", "station"),
        ("flow_brussels_dwellings", "Brusselse grens"),
    ):
        flow = dict(
            zip(ev.links["link_id"].astype(int), ev.links[column].astype(float), strict=True)
        )
        before = dict(
            zip(base.links["link_id"].astype(int), base.links[column].astype(float), strict=True)
        )
        groups = stretches_by_hand(
            ev.links,
            lambda row, column=column: (
                None
                if getattr(row, column) <= 0
                else (
                    f"n:{row.name}" if str(row.name).strip() else f"f:{round(getattr(row, column))}"
                )
            ),
        )
        expected = sorted(((-max(flow[i] for i in g), g) for g in groups), key=lambda t: t[0])[
            :TOP_ROUTES
        ]
        got = [r for r in rows if r["Scenario"] == "Fietsas Oost" and r["Bestemming"] == target]
        assert [r["Potentiële fietsers (woningen)"] for r in got] == pytest.approx(
            [-f for f, _ in expected]
        )
        assert [r["Rang"] for r in got] == list(range(1, len(got) + 1))
        by_ids = {r["Link-ids"]: r for r in got}
        for _, ids in expected:  # the first five ids and how many more
            r = by_ids[
                ", ".join(map(str, ids[:5])) + (f" (+{len(ids) - 5})" if len(ids) > 5 else "")
            ]
            assert r["Links"] == len(ids)
            assert r["Verschil t.o.v. basis"] == pytest.approx(
                max(flow[i] for i in ids) - max(before.get(i, 0.0) for i in ids)
            )
        named = [r for r in got if r["Straat of traject"] == "F-route"]
        assert len(named) <= 1 and (
            not named or named[0]["Links"] > 1
        )  # the F-route is one row, not 18
        base_rows = [r for r in rows if r["Scenario"] == "Basis" and r["Bestemming"] == target]
        assert base_rows and all(r["Verschil t.o.v. basis"] is None for r in base_rows)
    # second table: the most changed link of each stretch, straight from Comparison.link_flows
    comp = results.comparison
    ws = workbook["Fietsstromen"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(
        i for i, v in enumerate(values) if v[0] == "Scenario" and v[1] == "Straat of traject"
    )
    first = values[start + 1]
    top = comp.link_flows.loc[comp.link_flows["delta_flow_dwellings"].abs().idxmax()]
    assert first[6] == pytest.approx(top["delta_flow_dwellings"])
    assert first[4] + first[6] == pytest.approx(first[5])  # base + change = scenario on the row


def test_no_brussels_layer_is_said_on_the_flow_and_parameter_sheets(
    results: Results, tmp_path: Path
) -> None:
    from .conftest import make_comparison, make_evaluation

    base = make_evaluation(results.project, None, brussels=False)
    scen = make_evaluation(results.project, results.scenario, brussels=False)
    path = export_excel(
        [make_comparison(base, scen)], tmp_path / "zonder.xlsx", project=results.project
    )
    wb = openpyxl.load_workbook(path)
    rows = _flow_rows(wb["Fietsstromen"])
    note = "Geen Brussel-laag in het project: de fietsstromen naar Brussel zijn 0."
    bx = [r for r in rows if r["Bestemming"] == "Brusselse grens"]
    assert len(bx) == 2 and all(
        r["Straat of traject"] == note and r["Link-ids"] is None for r in bx
    )
    assert any(r["Bestemming"] == "station" for r in rows)
    params = {r["Onderdeel"]: r["Waarde"] for r in _table(wb["Parameters en bronnen"])}
    assert params["Opmerking bij de resultaten"] == note


def test_municipality_workbook_is_that_municipality_only(results: Results, tmp_path: Path) -> None:
    """A municipality's workbook used to be mostly regional (summary, flows, changes, other hubs)."""
    import shapely

    out = export_excel(
        [results.comparison],
        tmp_path / "halle.xlsx",
        project=results.project,
        municipalities=["Halle"],
    )
    wb = openpyxl.load_workbook(out)
    halle = shapely.box(140_000, 150_000, 146_000, 160_000)  # the test project's Halle, by hand
    # summary: Halle's own values
    rows = {r["Sleutel"]: r for r in _table(wb["Samenvatting"])}
    own = results.evaluation.municipalities.set_index("nis").loc["23001"]
    key = "share_bike_mobipunt_10min"
    assert rows[key]["Fietsas Oost"] == pytest.approx(own[key])
    assert "Halle" in str(wb["Samenvatting"]["A1"].value)
    # mobipunten: only those inside Halle, with a municipality column
    mob = _table(wb["Mobipunten"])
    inside = [
        i
        for i, g in zip(
            results.evaluation.mobipunten["mobipunt_id"],
            results.evaluation.mobipunten.geometry,
            strict=True,
        )
        if halle.covers(g)
    ]
    assert sorted(r["Mobipunt-id"] for r in mob if r["Scenario"] == "Fietsas Oost") == sorted(
        inside
    )
    assert {r["Gemeente"] for r in mob} == {"Halle"}
    # changes: only Halle's
    assert {r["Waar"] for r in _table(wb["Wijzigingen"])} == {"Halle"}
    # flows: only links touching Halle
    ids = set(
        results.evaluation.links.loc[
            [halle.intersects(g) for g in results.evaluation.links.geometry], "link_id"
        ]
    )
    flows = [r for r in _flow_rows(wb["Fietsstromen"]) if isinstance(r.get("Link-ids"), str)]
    assert flows and all(
        int(i) in ids for r in flows for i in r["Link-ids"].split(" (+")[0].split(", ")
    )
    # coverage curve: Halle's dwellings
    d = results.base.dwellings[results.base.dwellings["nis"] == "23001"]
    share10 = 100 * d.loc[d["bike_min_mobipunt"] <= 10, "dwellings"].sum() / d["dwellings"].sum()
    sens = _table(wb["Dekkingscurve"])
    assert sens[10]["Mobipunt: Basis"] == pytest.approx(share10)


def test_whole_numbers_are_integers_and_no_negative_zero(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Samenvatting"]
    keys = [c.value for c in ws["B"]]
    dwell = ws.cell(row=keys.index("dwellings") + 1, column=4).value
    assert isinstance(dwell, int)
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, float):
                assert str(c.value) != "-0.0"
    for r in _table(workbook["Mobipunten"]):
        assert isinstance(r["Woningen in verzorgingsgebied"], int)


def test_printed_for_the_council(workbook: openpyxl.Workbook) -> None:
    """Landscape, one page wide, header rows repeated; parameters stored as numbers."""
    for ws in workbook:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and ws.print_area
    assert "Dekkingscurve" in workbook.sheetnames
    values = [c.value for c in workbook["Parameters en bronnen"]["C"]]
    assert 2.4 in values


def test_inhabitants_are_statbel_and_the_estimate_says_so(
    workbook: openpyxl.Workbook, results: Results, tmp_path: Path
) -> None:
    rows = {r["Sleutel"]: r for r in _table(workbook["Samenvatting"])}
    assert rows["inhabitants_statbel"]["Indicator"] == "Inwoners (Statbel)"
    assert (
        rows["inhabitants_statbel"]["Basis"] == 1000 + 800 + 600
    )  # the municipalities layer, by hand
    assert rows["inhabitants"]["Indicator"].startswith("Inwoners (schatting")
    out = export_excel(
        [results.comparison], tmp_path / "h.xlsx", project=results.project, municipalities=["Halle"]
    )
    rows = {r["Sleutel"]: r for r in _table(openpyxl.load_workbook(out)["Samenvatting"])}
    assert rows["inhabitants_statbel"]["Fietsas Oost"] == 1000
