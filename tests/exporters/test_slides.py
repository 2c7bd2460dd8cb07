"""The deck read back with python-pptx: slides, pictures, chart, tables, sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from slimmeregio.exporters.slides import BODY_PT, FOOTER_NAME, export_slides
from slimmeregio.layers.errors import OutputExistsError

from ._helpers import stretches_by_hand
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
    assert len(deck.slides) == 9
    assert titles[0] == "Slimme Regio Testgebied"
    assert titles[1] == "Kerncijfers van de regio"
    assert titles[2] == "Scenario: Fietsas Oost"
    assert titles[3].startswith("Vergelijking")
    assert titles[4] == "Waar fietsen de potentiële pendelaars?"
    assert titles[5].startswith("Fietsas Oost: gemeenten")
    assert titles[6] == "Fietsas Oost: wijzigingen"
    assert titles[7] == "Conclusies"
    assert titles[8] == "Bronnen en methode"


def test_scenario_slide_has_map_and_three_numbers(deck: Presentation, results: Results) -> None:
    slide = deck.slides[2]
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
    tiles = [s for s in slide.shapes if s.name == "Kerncijfer"]
    assert len(tiles) == 3
    from slimmeregio.layers.numbers import fmt_delta, fmt_number

    text = _text(slide)
    # headline: the threshold where the share changes most, picked by hand from the region values
    ev, base = results.evaluation.region, results.base.region
    t = max(
        (5, 10, 15),
        key=lambda m: abs(ev[f"share_bike_mobipunt_{m}min"] - base[f"share_bike_mobipunt_{m}min"]),
    )
    key = f"share_bike_mobipunt_{t}min"
    assert f"≤ {t} min fietsen van een mobipunt (grootste verandering)" in text
    assert fmt_number(ev[key], "%") in text and fmt_delta(ev[key], base[key], "%") in text
    # gains and losses at every threshold, counted by hand, in the speaker notes
    notes = slide.notes_slide.notes_text_frame.text
    for m in (5, 10, 15):
        before = results.base.dwellings["bike_min_mobipunt"] <= m
        after = results.evaluation.dwellings["bike_min_mobipunt"] <= m
        gains = int(results.evaluation.dwellings.loc[after & ~before, "dwellings"].sum())
        losses = int(results.evaluation.dwellings.loc[before & ~after, "dwellings"].sum())
        assert f"≤ {m} min: {fmt_number(gains, 'count')} / {fmt_number(losses, 'count')}" in notes


def test_native_chart_with_base_and_scenario(deck: Presentation, results: Results) -> None:
    charts = [s for s in deck.slides[3].shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert [s.name for s in chart.series] == ["Basis", "Fietsas Oost"]
    assert list(chart.plots[0].categories) == ["≤ 5 min", "≤ 10 min", "≤ 15 min"]
    assert chart.series[1].values[1] == pytest.approx(
        round(results.evaluation.region["share_bike_mobipunt_10min"], 1)
    )


def test_tables_and_ledger_text(deck: Presentation) -> None:
    table = next(s for s in deck.slides[5].shapes if s.has_table).table
    names = [row.cells[0].text for row in list(table.rows)[1:]]
    assert set(names) == {"Halle", "Beersel", HOSTILE_PATH}
    ledger = next(s for s in deck.slides[6].shapes if s.has_table).table
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
    assert len(footers) == len(deck.slides) and all(
        "illustratieve gegevens" in f.text_frame.text for f in footers
    )


def test_municipality_deck_and_no_overwrite(results: Results, tmp_path: Path) -> None:
    out = export_slides(
        results.project, [results.comparison], tmp_path / "beersel.pptx", municipality="Beersel"
    )
    deck = Presentation(str(out))
    assert _text(deck.slides[0]).startswith("Slimme Regio Testgebied – Beersel")
    table = next(s for s in deck.slides[5].shapes if s.has_table).table
    assert [row.cells[0].text for row in list(table.rows)[1:]] == ["Beersel"]
    # the flow slide keeps the streets that touch Beersel (x 146-152 km)
    flows = [s for s in deck.slides[4].shapes if s.has_table]
    assert len(flows) == 2
    ids = [
        int(row.cells[0].text.split()[1])
        for row in list(flows[0].table.rows)[1:]
        if row.cells[0].text.startswith("link")
    ]
    assert ids
    links = results.evaluation.links.set_index("link_id")
    for link_id in ids:
        xs = [x for x, _ in links.loc[link_id].geometry.coords]
        assert max(xs) >= 146_000 and min(xs) <= 152_000
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
    for dutch in (
        "Kerncijfers",
        "van de woningen",
        "Bronnen",
        "Gemeente",
        "Let op",
        "Vergelijking",
    ):
        assert dutch not in everything, dutch
    # English number notation: a thousands comma or a decimal point, never a decimal comma before a unit
    assert not re.search(r"\d,\d %", everything)


def _expected_streets(links, column: str, n: int = 5) -> list[tuple[str, float, list[int]]]:
    """Independent: streets (connected links of one name) and unnamed stretches of equal flow, busiest first."""
    flow = dict(zip(links["link_id"].astype(int), links[column].astype(float), strict=True))
    cls = dict(zip(links["link_id"].astype(int), links["link_class"].astype(str), strict=True))
    name = dict(
        zip(links["link_id"].astype(int), links["name"].astype(str).str.strip(), strict=True)
    )
    groups = stretches_by_hand(
        links,
        lambda row: (
            None
            if getattr(row, column) <= 0
            else (f"n:{row.name}" if str(row.name).strip() else f"f:{round(getattr(row, column))}")
        ),
    )
    out = []
    for ids in groups:
        top = max(flow[i] for i in ids)
        if name[ids[0]]:
            label = name[ids[0]]
        else:
            label = (
                f"link {ids[0]} ({cls[ids[0]]})"
                if len(ids) == 1
                else f"links {ids[0]} +{len(ids) - 1} ({cls[ids[0]]})"
            )
        out.append((label, top, ids))
    out.sort(key=lambda t: (-t[1], t[0] if name[t[2][0]] else "(zonder naam)"))
    return out[:n]


def test_flow_slide_lists_the_busiest_streets(deck: Presentation, results: Results) -> None:
    from slimmeregio.layers.numbers import fmt_number

    slide = deck.slides[4]
    tables = [s.table for s in slide.shapes if s.has_table]
    assert len(tables) == 2
    ev, comp = results.evaluation, results.comparison
    for table, column in zip(tables, ("flow_dwellings", "flow_brussels_dwellings"), strict=True):
        rows = [[c.text for c in row.cells] for row in table.rows]
        expected = _expected_streets(ev.links, column)
        before = dict(
            zip(
                comp.base.links["link_id"].astype(int),
                comp.base.links[column].astype(float),
                strict=True,
            )
        )
        changes = any(f - max(before.get(i, 0.0) for i in ids) for _, f, ids in expected)
        # the change column is there when a listed street changes, and only then
        assert rows[0][:2] == ["Straat", "Woningen"]
        if changes:
            assert rows[0] == ["Straat", "Woningen", "Verschil"]
        if len(rows[0]) == 2:
            assert not changes
        assert [(r[0], r[1]) for r in rows[1:]] == [
            (label, fmt_number(f, "count")) for label, f, _ in expected
        ]
    text = _text(slide)
    assert "Naar het station" in text and "Naar de Brusselse grens" in text
    # the change against the base: the busiest flow over the same links, minus the base's
    for table, column in zip(tables, ("flow_dwellings", "flow_brussels_dwellings"), strict=True):
        if len(table.columns) == 2:
            continue
        before = dict(
            zip(
                comp.base.links["link_id"].astype(int),
                comp.base.links[column].astype(float),
                strict=True,
            )
        )
        for row, (_, f, ids) in zip(
            list(table.rows)[1:], _expected_streets(ev.links, column), strict=True
        ):
            delta = f - max(before.get(i, 0.0) for i in ids)
            assert row.cells[2].text == (
                "" if not delta else fmt_number(delta, "count", signed=True)
            )


def test_no_brussels_layer_is_said_on_the_flow_and_method_slides(
    results: Results, tmp_path: Path
) -> None:
    from .conftest import make_comparison, make_evaluation

    base = make_evaluation(results.project, None, brussels=False)
    scen = make_evaluation(results.project, results.scenario, brussels=False)
    path = export_slides(results.project, [make_comparison(base, scen)], tmp_path / "zonder.pptx")
    deck = Presentation(str(path))
    note = "Geen Brussel-laag in het project: de fietsstromen naar Brussel zijn 0."
    flow = _text(deck.slides[4])
    assert note in flow and len([s for s in deck.slides[4].shapes if s.has_table]) == 1
    method = _text(deck.slides[-1])
    assert "Let op: Illustratieve gegevens" in method and note in method


def test_text_is_tagged_dutch_belgian_and_has_speaker_notes(deck: Presentation) -> None:
    from pptx.enum.lang import MSO_LANGUAGE_ID

    runs = [
        r
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for r in p.runs
        if r.text.strip()
    ]
    assert runs and all(r.font.language_id == MSO_LANGUAGE_ID.BELGIAN_DUTCH for r in runs)
    noted = [
        s for s in deck.slides if s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip()
    ]
    assert len(noted) >= 3  # key figures, each scenario, each ranking


def test_conclusions_and_site_slide_name_their_numbers_and_start(
    results: Results, tmp_path: Path
) -> None:
    from slimmeregio.layers.numbers import fmt_delta, fmt_number

    path = export_slides(
        results.project, [results.comparison], tmp_path / "s.pptx", siting=results.siting
    )
    deck = Presentation(str(path))
    texts = {_text(s).split("\n")[0]: _text(s) for s in deck.slides}
    site = next(
        t
        for title, t in texts.items()
        if title.startswith("Voorgestelde locaties (vertrekt van: Fietsas Oost)")
    )
    assert fmt_number(120, "count") in site  # the first site's gain, from the siting result
    ev, base = results.evaluation.region, results.base.region
    t = max(
        (5, 10, 15),
        key=lambda m: abs(ev[f"share_bike_mobipunt_{m}min"] - base[f"share_bike_mobipunt_{m}min"]),
    )
    key = f"share_bike_mobipunt_{t}min"
    conclusions = texts["Conclusies"]
    assert (
        fmt_number(ev[key], "%") in conclusions
        and fmt_delta(ev[key], base[key], "%") in conclusions
    )
