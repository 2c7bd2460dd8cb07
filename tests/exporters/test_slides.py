"""The deck read back with python-pptx: slides, pictures, chart, tables, sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from slimmeregio.exporters.slides import BODY_PT, FOOTER_NAME, export_slides
from slimmeregio.layers.errors import OutputExistsError

from .conftest import HOSTILE_FORMULA, HOSTILE_PATH, Results


@pytest.fixture(scope="module")
def deck(results: Results, tmp_path_factory: pytest.TempPathFactory) -> Presentation:
    path = tmp_path_factory.mktemp("pptx") / "presentatie.pptx"
    export_slides(results.project, [results.comparison], path)
    return Presentation(str(path))


def _text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


def test_sixteen_by_nine_and_slide_order(deck: Presentation) -> None:
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)
    titles = [_text(s).split("\n")[0] for s in deck.slides]
    assert len(deck.slides) == 7
    assert titles[0] == "Slimme Regio Testgebied"
    assert titles[1] == "Kerncijfers van de regio"
    assert titles[2] == "Scenario: Fietsas Oost"
    assert titles[3].startswith("Vergelijking")
    assert titles[4].startswith("Fietsas Oost: gemeenten")
    assert titles[5] == "Fietsas Oost: wijzigingen"
    assert titles[6] == "Bronnen en methode"


def test_scenario_slide_has_map_and_three_numbers(deck: Presentation, results: Results) -> None:
    slide = deck.slides[2]
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
    tiles = [s for s in slide.shapes if s.name == "Kerncijfer"]
    assert len(tiles) == 3
    from slimmeregio.exporters.maps import fmt_number

    text = _text(slide)
    assert fmt_number(results.evaluation.region["share_bike_mobipunt_10min"], "%") in text


def test_native_chart_with_base_and_scenario(deck: Presentation, results: Results) -> None:
    charts = [s for s in deck.slides[3].shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert [s.name for s in chart.series] == ["Basis", "Fietsas Oost"]
    assert list(chart.plots[0].categories) == ["≤ 5 min", "≤ 10 min", "≤ 15 min"]
    assert chart.series[1].values[1] == pytest.approx(round(results.evaluation.region["share_bike_mobipunt_10min"], 1))


def test_tables_and_ledger_text(deck: Presentation) -> None:
    table = next(s for s in deck.slides[4].shapes if s.has_table).table
    names = [row.cells[0].text for row in list(table.rows)[1:]]
    assert set(names) == {"Halle", "Beersel", HOSTILE_PATH}
    ledger = next(s for s in deck.slides[5].shapes if s.has_table).table
    assert [c.text for c in ledger.rows[0].cells] == ["Nr", "Wat", "Waar", "Door", "Waarom"]
    assert ledger.rows[1].cells[4].text == HOSTILE_FORMULA  # verbatim text, nothing evaluated
    assert len(ledger.rows) == 5


def test_body_text_is_readable(deck: Presentation) -> None:
    sizes = []
    for slide in deck.slides:
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame and shape.name != FOOTER_NAME:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        if run.text.strip():
                            sizes.append(run.font.size)
    assert sizes and all(size is not None and size >= Pt(BODY_PT) for size in sizes)
    footers = [s for slide in deck.slides for s in slide.shapes if s.name == FOOTER_NAME]
    assert len(footers) == 7 and all("illustratieve gegevens" in f.text_frame.text for f in footers)


def test_municipality_deck_and_no_overwrite(results: Results, tmp_path: Path) -> None:
    out = export_slides(results.project, [results.comparison], tmp_path / "beersel.pptx", municipality="Beersel")
    deck = Presentation(str(out))
    assert _text(deck.slides[0]).startswith("Slimme Regio Testgebied – Beersel")
    table = next(s for s in deck.slides[4].shapes if s.has_table).table
    assert [row.cells[0].text for row in list(table.rows)[1:]] == ["Beersel"]
    with pytest.raises(OutputExistsError):
        export_slides(results.project, [results.comparison], out)


def test_english_deck(results: Results, tmp_path: Path) -> None:
    path = export_slides(results.project, [results.comparison], tmp_path / "deck.pptx", lang="en")
    deck = Presentation(str(path))
    titles = [_text(s).split("\n")[0] for s in deck.slides]
    assert titles[1] == "Key figures of the region"
    assert titles[2] == "Scenario: Fietsas Oost"
    assert "Comparison: dwellings within cycling time of a mobility hub" in titles
    assert titles[-1] == "Sources and method"
    everything = "\n".join(_text(s) for s in deck.slides)
    assert "Note: Illustrative data" in everything and "Municipality" in everything
    for dutch in ("Kerncijfers", "van de woningen", "Bronnen", "Gemeente", "Let op", "Vergelijking"):
        assert dutch not in everything, dutch
    # English number notation: a thousands comma or a decimal point, never a decimal comma before a unit
    assert not re.search(r"\d,\d %", everything)
