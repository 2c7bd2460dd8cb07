"""The public transport figures agree in the map PDF, the deck and the workbook of one council pack.

The street of tests/scenarios/test_transit.py, scenario 'minder' (stop A set to 1/h in the
morning peak). Hand numbers (60 dwellings): near a stop with >= 4 departures/hour base 10
(16,7 %), scenario 0 (0,0 %); with >= 2 base 40 (66,7 %), scenario 30 (50,0 %); hubs whose
type does not match: 2 in both. Each file is read back with its own reader (pypdf,
python-pptx, openpyxl).
"""

from __future__ import annotations

import openpyxl
import pytest
from pptx import Presentation

from slimmeregio.exporters.pack import export_pack
from tests.exporters.test_map_transit import street  # noqa: F401  (fixture)

pypdf = pytest.importorskip("pypdf")
MINUS = "\u2212"

#: key: (base, scenario) by hand, as shown in Dutch
HAND = {
    "share_pt_ochtendspits_4ph": ("16,7 %", "0,0 %", f"{MINUS}16,7 pp", 100 * 10 / 60, 0.0),
    "share_pt_ochtendspits_2ph": (
        "66,7 %",
        "50,0 %",
        f"{MINUS}16,7 pp",
        100 * 40 / 60,
        100 * 30 / 60,
    ),
}


def test_pdf_deck_and_workbook_agree_on_the_pt_figures(street, tmp_path) -> None:  # noqa: F811
    project, comp = street
    out = tmp_path / "pack"
    export_pack([comp], out, project=project, formats="pdf,pptx,xlsx", paper="a3-landscape")
    reader = pypdf.PdfReader(str(out / "kaarten" / "s1_minder_openbaar_vervoer.pdf"))
    pdf = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    deck = Presentation(str(out / "presentatie.pptx"))
    pt_rows = None
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                rows = [[c.text for c in row.cells] for row in shape.table.rows]
                if rows[0][:2] == ["Indicator", "Basis"]:
                    pt_rows = rows
    assert pt_rows is not None
    wb = openpyxl.load_workbook(out / "resultaten.xlsx")
    xlsx = {r[1]: r for r in wb.worksheets[0].iter_rows(values_only=True) if r[1]}
    for key, (base_text, scen_text, change, base_value, scen_value) in HAND.items():
        # PDF key figures panel: the scenario's value and its change
        assert scen_text in pdf and change in pdf, key
        # deck: base, and scenario with its change, on one row
        deck_row = [r for r in pt_rows if r[1] == base_text]
        assert deck_row and deck_row[0][2] == f"{scen_text} ({change})", (key, pt_rows)
        # workbook: the numbers behind them
        assert xlsx[key][3] == pytest.approx(base_value, abs=0.05)
        assert xlsx[key][4] == pytest.approx(scen_value, abs=0.05)
    mismatch = [r for r in pt_rows if r[0].startswith("Mobipunten waarvan")]
    assert mismatch and mismatch[0][1:] == ["2", "2 (±0)"]
    assert xlsx["hubs_type_mismatch"][3] == 2 and xlsx["hubs_type_mismatch"][4] == 2
    assert "Mobipunten waarvan het type niet past bij het OV" in pdf
