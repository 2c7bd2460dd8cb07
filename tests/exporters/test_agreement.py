"""A two-scenario pack with a municipality folder, read back file by file: every output agrees.

Scenario 1 changes the east of the test region, scenario 2 adds a mobipunt
in Halle. The pack is written with ``municipalities=["Halle"]`` and every
file is read back (PDF text with pypdf, PPTX with python-pptx, XLSX with
openpyxl, the web map's HTML, the GeoPackage with geopandas). The expected
numbers are the evaluations' own values formatted once here; the headline
threshold is picked by hand (largest change of the share), independently of
the exporters.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from pptx import Presentation

from slimmeregio.exporters.pack import export_pack
from slimmeregio.layers.numbers import MINUS, fmt_delta, fmt_number
from slimmeregio.scenarios.model import AddMobipunt, Scenario

from .conftest import Results, make_comparison, make_evaluation

pypdf = pytest.importorskip("pypdf")

THRESHOLDS = (5, 10, 15)
HALLE = "23001"


def _pdf_pages(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def _html(path: Path) -> str:
    """The web map with JSON unicode escapes turned back into characters."""
    return re.sub(
        r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), path.read_text(encoding="utf-8")
    )


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return " ".join(" ".join(parts).split())


def _headline(comp, nis: str | None) -> int:
    """The threshold where the share changes most (hand-picked); the middle one when nothing changes."""

    def change(t: int) -> float:
        key = f"share_bike_mobipunt_{t}min"
        return abs(round(comp.scenario.value(key, nis), 1) - round(comp.base.value(key, nis), 1))

    best = max(THRESHOLDS, key=change)
    return best if change(best) > 0 else 10


@pytest.fixture(scope="module")
def two(results: Results) -> list:
    halle = Scenario(
        name="Mobipunt Halle",
        description="Een mobipunt in Halle",
        modifications=(
            AddMobipunt(
                x=142_500.0,
                y=157_500.0,
                name="Mobipunt Halle-Noord",
                hoppin_type="buurt",
                author="Dienst Mobiliteit",
                reason="Test",
            ),
        ),
    )
    scen2 = make_evaluation(results.project, halle)
    # heavier flows in scenario 2: per-map quantile classes would differ, shared classes must not
    links = scen2.links.assign(flow_dwellings=scen2.links["flow_dwellings"] * 3)
    scen2 = replace(scen2, links=links)
    return [results.comparison, make_comparison(results.base, scen2)]


@pytest.fixture(scope="module")
def pack(results: Results, two: list, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("agree") / "pakket"
    export_pack(
        two,
        out,
        project=results.project,
        formats="pdf,html,xlsx,pptx,gpkg",
        paper="a4-landscape",
        atlas=True,
        municipalities=["Halle"],
    )
    return out


def test_municipality_folder_holds_every_scenario(pack: Path, two: list) -> None:
    folder = pack / "gemeenten" / "Halle"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cijfers.xlsx",
        "kaart.pdf",
        "presentatie.pptx",
    ]
    pages = _pdf_pages(folder / "kaart.pdf")
    assert len(pages) == 2
    for page, comp in zip(pages, two, strict=True):
        assert f"Scenario: {comp.scenario.name}" in page
        assert "Gemeente Halle" in page
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["path"] == "gemeenten/Halle/kaart.pdf")
    assert "Fietsas Oost" in entry["scenario"] and "Mobipunt Halle" in entry["scenario"]
    # the atlas is never cut: all three municipalities, per scenario
    for i, name in ((1, "Fietsas_Oost"), (2, "Mobipunt_Halle")):
        assert len(_pdf_pages(pack / "atlas" / f"atlas_s{i}_{name}.pdf")) == 3


def test_same_figures_everywhere_for_halle(pack: Path, two: list) -> None:
    folder = pack / "gemeenten" / "Halle"
    pages = _pdf_pages(folder / "kaart.pdf")
    deck = Presentation(str(folder / "presentatie.pptx"))
    scenario_slides = {
        s: _slide_text(deck.slides[i])
        for i, s in enumerate(["Fietsas Oost", "Mobipunt Halle"], start=2)
    }
    wb = openpyxl.load_workbook(folder / "cijfers.xlsx")
    ws = wb["Gemeenten"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, (c.value for c in r), strict=False)) for r in ws.iter_rows(min_row=2)]
    assert {r["Gemeente"] for r in rows} == {"Halle"}
    assert {r["Scenario"] for r in rows} == {"Basis", "Fietsas Oost", "Mobipunt Halle"}
    html = _html(pack / "webkaart.html")
    for page, comp in zip(pages, two, strict=True):
        name = comp.scenario.name
        t = _headline(comp, HALLE)
        key = f"share_bike_mobipunt_{t}min"
        after, before = comp.scenario.value(key, HALLE), comp.base.value(key, HALLE)
        value, change = fmt_number(after, "%"), fmt_delta(after, before, "%")
        # map page, deck, workbook and web map show the same value and change
        assert f"≤ {t} min" in page and value in page and change in page, (name, value, change)
        assert value in scenario_slides[name] and change in scenario_slides[name]
        row = next(r for r in rows if r["Scenario"] == name)
        label = f"Aandeel woningen binnen {t} min fietsen van een mobipunt"
        assert fmt_number(row[label], "%") == value
        assert fmt_number(row[f"Δ {label}"], "pp", signed=True, digits=2) == fmt_number(
            after - before, "pp", signed=True, digits=2
        )
        assert f"{value} ({change})" in html
    # the Halle scenario changes Halle: its change is shown, not "+0,0"
    halle_comp = two[1]
    t = _headline(halle_comp, HALLE)
    key = f"share_bike_mobipunt_{t}min"
    assert halle_comp.scenario.value(key, HALLE) > halle_comp.base.value(key, HALLE)


def test_regional_outputs_agree_and_cover_every_scenario(pack: Path, two: list) -> None:
    deck = Presentation(str(pack / "presentatie.pptx"))
    titles = [_slide_text(s) for s in deck.slides]
    wb = openpyxl.load_workbook(pack / "resultaten.xlsx")
    ws = wb["Samenvatting"]
    h = int(ws.freeze_panes[1:]) - 1
    headers = [c.value for c in ws[h]]
    summary = {
        r[1].value: dict(zip(headers, (c.value for c in r), strict=False))
        for r in ws.iter_rows(min_row=h + 1)
    }
    gpkg = pack / "resultaten.gpkg"
    with sqlite3.connect(gpkg) as con:
        tables = {r[0] for r in con.execute("select table_name from gpkg_contents")}
    for i, comp in enumerate(two, start=1):
        name = comp.scenario.name
        t = _headline(comp, None)
        key = f"share_bike_mobipunt_{t}min"
        after, before = comp.scenario.value(key), comp.base.value(key)
        value, change = fmt_number(after, "%"), fmt_delta(after, before, "%")
        slide = next(s for s in titles if s.startswith(f"Scenario: {name}"))
        assert value in slide and change in slide
        change_map = _pdf_pages(next((pack / "kaarten").glob(f"s{i}_*_wijzigingen.pdf")))[0]
        assert value in change_map and change in change_map
        assert summary[key][name] == pytest.approx(after)
        # flows: every scenario has its own flow slide
        assert any(s.startswith("Waar fietsen") and f"{name}:" in s for s in titles)
        # the GeoPackage's municipality layer holds the same per-municipality values
        layer = next(tb for tb in tables if tb.startswith(f"s{i}_") and tb.endswith("_gemeenten"))
        munis = gpd.read_file(gpkg, layer=layer)
        halle = munis[munis["nis"].astype(str) == HALLE].iloc[0]
        assert fmt_number(halle[key], "%") == fmt_number(comp.scenario.value(key, HALLE), "%")


def test_no_signed_zero_delta_anywhere(pack: Path) -> None:
    """No '+0,0 pp' / '−0,0 min' beside values that differ: a signed zero is never printed."""
    texts = []
    for pdf in pack.rglob("*.pdf"):
        texts += _pdf_pages(pdf)
    for pptx in pack.rglob("*.pptx"):
        texts += [_slide_text(s) for s in Presentation(str(pptx)).slides]
    texts.append(_html(pack / "webkaart.html"))
    pattern = re.compile(rf"[+\-{MINUS}]0(,0+)?\s?(pp|min|%|m)\b")
    for text in texts:
        assert not pattern.search(text), pattern.search(text).group(0)


def test_flow_maps_share_their_classes(pack: Path) -> None:
    """Fixed class breaks across the maps of one pack: both scenarios' flow maps have the same legend."""
    legends = []
    for path in sorted((pack / "kaarten").glob("s*_fietsstromen.pdf")):
        text = _pdf_pages(path)[0]
        legends.append(sorted(set(re.findall(r"\d[\d.]*–\d[\d.]*", text))))
    assert len(legends) == 2 and legends[0] and legends[0] == legends[1]


def test_atlas_pages_show_access_where_nothing_changes(pack: Path) -> None:
    """Scenario 2 only changes Halle: Beersel's page shows its own access classes, not an empty change map."""
    pages = _pdf_pages(pack / "atlas" / "atlas_s2_Mobipunt_Halle.pdf")
    by_name = {name: p for p in pages for name in ("Halle", "Beersel") if f"Gemeente {name}" in p}
    assert "Wat verandert het scenario?" in by_name["Halle"]
    assert "Bereikbaarheid van mobipunten per fiets" in by_name["Beersel"]
    assert "≤ 5 min" in by_name["Beersel"]  # the access classes in the legend
