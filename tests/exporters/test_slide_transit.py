"""The deck's public transport slides against the hand numbers of the street in
tests/scenarios/test_transit.py (see tests/exporters/test_map_transit.py for them):
base 66,7 % / 16,7 % of dwellings near a stop with >= 2 / >= 4 departures per hour,
scenario 50,0 % / 0,0 %; the scenario fails M1 and M2."""

from __future__ import annotations

import pytest
from pptx import Presentation

from slimmeregio.exporters.slides import export_slides
from tests.exporters.test_map_transit import street  # noqa: F401  (fixture)

MINUS = "\u2212"


def _slides(path) -> list[tuple[str, str]]:
    out = []
    for slide in Presentation(str(path)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        out.append((" ".join(" ".join(parts).split()), notes))
    return out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_deck_has_the_pt_indicators_and_failing_hubs(street, tmp_path, lang: str) -> None:  # noqa: F811
    project, comp = street
    slides = _slides(export_slides(project, [comp], tmp_path / "d.pptx", lang=lang))
    nl = lang == "nl"
    pt = [
        (t, n) for t, n in slides if t.startswith("Openbaar vervoer" if nl else "Public transport")
    ]
    assert len(pt) == 1
    text, notes = pt[0]
    if nl:
        assert "66,7 %" in text and f"50,0 % ({MINUS}16,7 pp)" in text
        assert "16,7 %" in text and f"0,0 % ({MINUS}16,7 pp)" in text
        assert "geen overstappen" in notes
    else:
        assert "66.7 %" in text and f"50.0 % ({MINUS}16.7 pp)" in text
        assert "no transfers" in notes
    hubs = [
        (t, n) for t, n in slides if t.startswith("Hoppin-toets: 2" if nl else "Hoppin check: 2")
    ]
    assert len(hubs) == 1 and "M1" in hubs[0][0] and "M2" in hubs[0][0]
    assert (
        "M4" not in hubs[0][0] and "minder" in hubs[0][1]
    )  # M4 fails in the base only; notes name the scenario


def test_deck_without_stops_has_no_pt_slide(results, tmp_path) -> None:
    slides = _slides(export_slides(results.project, [results.comparison], tmp_path / "d.pptx"))
    assert not any(t.startswith("Openbaar vervoer") for t, _ in slides)
