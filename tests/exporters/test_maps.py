"""Masterplan maps and the atlas: layout contents, formats, pages, safety."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from slimmeregio import __version__
from slimmeregio.exporters import maps
from slimmeregio.exporters.maps import (
    export_atlas,
    export_map,
    fmt_number,
    masterplan_figure,
    parse_paper,
)
from slimmeregio.layers.errors import ExportError, OutputExistsError
from slimmeregio.layers.numbers import fmt_delta

from ._helpers import pdf_page_count, png_dpi, png_size
from .conftest import HOSTILE_PATH, Results


def _texts(fig) -> str:
    """All text of the figure, with wrapped lines joined again."""
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return " | ".join(" ".join(t.split()) for t in texts if isinstance(t, str) and t.strip())


def test_parse_paper() -> None:
    assert parse_paper("a3-landscape").figsize == pytest.approx((420 / 25.4, 297 / 25.4))
    assert parse_paper("A4 staand").name == "a4-portrait"
    assert parse_paper("a4").landscape
    with pytest.raises(ExportError):
        parse_paper("letter")


def test_fmt_number_dutch() -> None:
    assert fmt_number(12345.0, "count") == "12.345"
    assert fmt_number(78.44, "%") == "78,4 %"
    assert fmt_number(2.0, "pp", signed=True) == "+2,0 pp"
    assert fmt_number(float("nan"), "%") == "–"
    assert fmt_number(1234.5, "count", "en") == "1,234"


# public_transport needs a stops layer, which these results lack: tests/exporters/test_map_transit.py checks its layout
@pytest.mark.parametrize("theme", [t for t in maps.THEMES if t != "public_transport"])
def test_every_theme_has_a_full_layout(results: Results, theme: str) -> None:
    fig = masterplan_figure(
        results.project,
        theme=theme,
        comparison=results.comparison,
        siting=results.siting,
        paper="a4-landscape",
    )
    text = _texts(fig)
    assert "Slimme Regio Testgebied" in text  # title
    assert maps.THEMES[theme] in text
    assert "Scenario: Fietsas Oost" in text
    assert "Toekomstforum" in text  # organisation
    assert f"Slimme Regio Planner {__version__}" in text  # source line with version and date
    assert "© OpenStreetMap contributors, ODbL 1.0" in text
    assert "Illustratieve gegevens (fietsnetwerk, woningen)" in text
    assert "Legende" in text and "Ligging" in text
    for name in ("Halle", "Beersel", HOSTILE_PATH):  # municipality labels
        assert name in text
    assert "N" in text.split(" | ")
    assert any(type(a).__name__ == "ScaleBar" for a in fig.axes[0].artists)


def test_access_legend_and_key_figures(results: Results) -> None:
    fig = masterplan_figure(
        results.project, theme="access", comparison=results.comparison, paper="a3-portrait"
    )
    text = _texts(fig)
    for label in ("≤ 5 min", "5–10 min", "> 20 min", "niet bereikbaar via het netwerk"):
        assert label in text
    # the headline threshold is where the share changes most (hand-picked from the region values)
    t = max(
        (5, 10, 15),
        key=lambda m: abs(
            results.evaluation.region[f"share_bike_mobipunt_{m}min"]
            - results.base.region[f"share_bike_mobipunt_{m}min"]
        ),
    )
    base = results.base.region[f"share_bike_mobipunt_{t}min"]
    scen = results.evaluation.region[f"share_bike_mobipunt_{t}min"]
    assert f"Woningen ≤ {t} min fietsen van mobipunt" in text
    assert fmt_number(scen, "%") in text
    assert fmt_delta(scen, base, "%") in text
    # gains and losses at the headline threshold, counted by hand from the comparison's dwellings
    before = results.base.dwellings["bike_min_mobipunt"] <= t
    after = results.evaluation.dwellings["bike_min_mobipunt"] <= t
    gains = int(results.evaluation.dwellings.loc[after & ~before, "dwellings"].sum())
    assert gains > 0
    assert f"{fmt_number(gains, 'count')} / 0" in text


def test_key_figures_delta_never_reads_zero_when_values_differ(results: Results) -> None:
    """Old maps rounded any |delta| < 0,05 to '+0,0' even when the values beside it differed."""
    from dataclasses import replace

    base = results.base
    key = "median_bike_min_mobipunt"
    scen = replace(
        results.evaluation, region={**results.evaluation.region, key: base.region[key] - 0.04}
    )
    comp = replace(results.comparison, scenario=scen)
    rows = maps.key_figures(scen, comp)
    row = next(r for r in rows if r[0].startswith("Mediane fietstijd"))
    assert row[2] == fmt_delta(base.region[key] - 0.04, base.region[key], "min")
    if fmt_number(base.region[key] - 0.04, "min") != fmt_number(base.region[key], "min"):
        assert row[2].startswith("\u2212") and row[2] != "\u22120,0 min"


def test_change_theme_needs_a_comparison(results: Results) -> None:
    with pytest.raises(ExportError):
        masterplan_figure(results.project, theme="change", evaluation=results.evaluation)
    with pytest.raises(ExportError):
        masterplan_figure(results.project, theme="nonsense")


def test_formats_pdf_png_svg(results: Results, tmp_path: Path) -> None:
    fig = masterplan_figure(
        results.project, theme="flows", evaluation=results.evaluation, paper="a4-portrait"
    )
    meta = maps.build_meta(results.project, scenario=results.scenario)
    pdf = maps.save_figure(fig, tmp_path / "k.pdf", meta=meta)
    png = maps.save_figure(fig, tmp_path / "k.png", meta=meta, dpi=100)
    svg = maps.save_figure(fig, tmp_path / "k.svg", meta=meta)
    assert pdf_page_count(pdf) == 1
    assert b"Slimme Regio Planner" in pdf.read_bytes()  # PDF metadata: creator
    w, h = png_size(png)  # A4 portrait at 100 dpi
    assert abs(w - 210 / 25.4 * 100) <= 1 and abs(h - 297 / 25.4 * 100) <= 1
    assert round(png_dpi(png)) == 100
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")
    with pytest.raises(ExportError):
        maps.save_figure(fig, tmp_path / "k.docx")


def test_png_is_300_dpi_by_default(results: Results, tmp_path: Path) -> None:
    out = export_map(results.project, tmp_path / "basis.png", theme="base", paper="a4-landscape")
    assert round(png_dpi(out)) == 300
    w, h = png_size(out)
    assert abs(w - 297 / 25.4 * 300) <= 1 and abs(h - 210 / 25.4 * 300) <= 1


def test_no_overwrite_and_failure_leaves_nothing(
    results: Results, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "kaart.pdf"
    target.write_bytes(b"oud")
    with pytest.raises(OutputExistsError):
        export_map(results.project, target, theme="base", paper="a4-landscape")
    assert target.read_bytes() == b"oud"

    from matplotlib.figure import Figure

    def broken(self, fname, **kw):
        Path(fname).write_bytes(b"%PDF-half")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(ExportError):
        export_map(results.project, tmp_path / "nieuw.pdf", theme="base", paper="a4-landscape")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kaart.pdf"]


def test_atlas_one_page_per_municipality(results: Results, tmp_path: Path) -> None:
    out = export_atlas(
        results.project,
        tmp_path / "atlas.pdf",
        theme="change",
        comparison=results.comparison,
        paper="a4-portrait",
    )
    assert pdf_page_count(out) == 3
    subset = export_atlas(
        results.project,
        tmp_path / "halle.pdf",
        theme="access",
        evaluation=results.base,
        municipalities=["halle"],
        paper="a4-portrait",
    )
    assert pdf_page_count(subset) == 1
    with pytest.raises(ExportError):
        export_atlas(
            results.project,
            tmp_path / "x.pdf",
            evaluation=results.base,
            municipalities=["Atlantis"],
        )
    assert not (tmp_path / "x.pdf").exists()


def test_atlas_page_shows_its_municipality(results: Results) -> None:
    fig = masterplan_figure(
        results.project,
        theme="access",
        evaluation=results.base,
        municipality="23002",
        paper="a4-portrait",
    )
    text = _texts(fig)
    assert "Kerncijfers Beersel" in text and "Gemeente Beersel" in text
    value = results.base.municipalities.set_index("nis").loc["23002", "share_bike_mobipunt_10min"]
    assert fmt_number(value, "%") in text
    x0, x1 = fig.axes[0].get_xlim()
    y0, y1 = fig.axes[0].get_ylim()
    assert x0 < 146_000 and x1 > 152_000 and y0 < 150_000 and y1 > 160_000  # Beersel is in view
    assert (y1 - y0) < 10_000 * 1.2  # ... and fills the frame's height (zoomed to it)


def test_atlas_cancel_leaves_no_file(results: Results, tmp_path: Path) -> None:
    from slimmeregio.layers.errors import OperationCancelled

    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(OperationCancelled):
        export_atlas(results.project, tmp_path / "a.pdf", evaluation=results.base, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_change_legend_lists_only_what_is_drawn(results: Results) -> None:
    halle = _texts(
        masterplan_figure(
            results.project,
            theme="change",
            comparison=results.comparison,
            municipality="Halle",
            paper="a4-portrait",
        )
    )
    # link 200 (closed) lies in Halle, the added link (x 150-151.5 km) lies outside its view
    assert "Verbinding afgesloten" in halle and "Verbinding toegevoegd" not in halle
    region = _texts(
        masterplan_figure(
            results.project,
            theme="change",
            comparison=results.comparison,
            paper="a4-landscape",
            zoom_to_changes=False,
        )
    )
    assert "Verbinding toegevoegd" in region and "Verbinding opgewaardeerd" in region
    assert "Nieuw woonproject" not in region  # the scenario adds no housing


def test_density_palette_is_shared_with_the_desktop() -> None:
    from slimmeregio.exporters import maps
    from slimmeregio.layers import symbology

    assert (
        maps.DENSITY_COLORS is symbology.DENSITY_COLORS
        and maps.DENSITY_BREAKS is symbology.DENSITY_BREAKS
    )
    assert len(symbology.DENSITY_COLORS) == len(symbology.DENSITY_BREAKS) + 1
    assert list(symbology.DENSITY_BREAKS) == sorted(set(symbology.DENSITY_BREAKS))


def test_brussels_flows_theme(results: Results) -> None:
    ev = results.evaluation
    fig = masterplan_figure(
        results.project, theme="flows_brussels", evaluation=ev, paper="a4-landscape"
    )
    text = _texts(fig)
    assert "Potentiële fietsers naar de Brusselse grens (woningen per link)" in text
    assert "Toegangspunt op de grens (gebruikt)" in text
    # the legend's top class reaches the largest flow: its bound is below the maximum
    flows = ev.links["flow_brussels_dwellings"]
    assert flows.max() > 0 and "woningen" in text
    assert fmt_number(ev.region["median_bike_min_brussels"], "min") in text
    # the flows drawn are the links carrying a Brussels flow (lines beyond the background)
    from matplotlib.collections import LineCollection

    drawn = sum(
        len(c.get_segments())
        for c in fig.axes[0].collections
        if isinstance(c, LineCollection) and c.get_zorder() == 4
    )
    assert drawn == int((flows > 0).sum())
    # the Brussels notes are not shown on other themes, and there are none here
    assert "Brussel-laag" not in text


def test_brussels_flows_without_a_brussels_layer_says_so(results: Results) -> None:
    from .conftest import make_evaluation

    ev = make_evaluation(results.project, results.scenario, brussels=False)
    fig = masterplan_figure(
        results.project, theme="flows_brussels", evaluation=ev, paper="a4-portrait"
    )
    text = _texts(fig)
    assert "Geen Brussel-laag in het project: de fietsstromen naar Brussel zijn 0." in text
    assert "Toegangspunt op de grens" not in text
    access = _texts(
        masterplan_figure(results.project, theme="access", evaluation=ev, paper="a4-portrait")
    )
    assert "Brussel-laag" not in access  # only where it matters
    en = _texts(
        masterplan_figure(
            results.project, theme="flows_brussels", evaluation=ev, paper="a4-portrait", lang="en"
        )
    )
    assert "No Brussels layer in the project: the bike flows to Brussels are 0." in en


@pytest.mark.parametrize("paper", ["a4-portrait", "a4-landscape"])
def test_atlas_pages_on_one_reused_figure_match_fresh_figures(results: Results, paper: str) -> None:
    """The atlas draws every page on one figure: nothing of a page may leak into the next."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from slimmeregio.exporters.meta import build_meta

    meta = build_meta(
        results.project, scenario=results.comparison.scenario.scenario
    )  # one timestamp for both

    def pixels(fig) -> np.ndarray:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    kwargs = dict(
        theme="change",
        evaluation=None,
        comparison=results.comparison,
        siting=None,
        municipalities=None,
        paper=paper,
        meta=meta,
        lang="nl",
    )
    fresh = [
        (name, pixels(fig), len(fig.axes))
        for name, fig in maps._atlas_pages(results.project, reuse=False, **kwargs)
    ]
    reused_figures = set()
    count = 0
    for (name, fig), (fresh_name, fresh_pixels, fresh_axes) in zip(
        maps._atlas_pages(results.project, reuse=True, **kwargs), fresh, strict=True
    ):
        reused_figures.add(id(fig))
        assert name == fresh_name
        assert sum(ax.get_visible() for ax in fig.axes) == fresh_axes
        assert np.array_equal(pixels(fig), fresh_pixels), name
        count += 1
    assert count == 3 and len(reused_figures) == 1


def test_numeric_scale_and_crs_on_every_map(results: Results) -> None:
    import re

    for paper in ("a3-landscape", "a4-portrait"):
        fig = masterplan_figure(
            results.project, theme="access", evaluation=results.evaluation, paper=paper
        )
        text = _texts(fig)
        assert "EPSG:31370" in text
        match = re.search(r"Schaal 1:([\d.]+)", text)
        assert match
        shown = int(match.group(1).replace(".", ""))
        # by hand: ground metres across the map frame / its printed width
        ax = fig.axes[0]
        fig.canvas.draw()
        width_mm = ax.get_window_extent().width / fig.dpi * 25.4
        x0, x1 = ax.get_xlim()
        assert shown == pytest.approx((x1 - x0) * 1000 / width_mm, rel=0.06)


@pytest.mark.parametrize("paper", ["a4-portrait", "a4-landscape", "a3-landscape"])
def test_legend_text_is_at_least_8_pt_at_print_size(results: Results, paper: str) -> None:
    fig = masterplan_figure(
        results.project, theme="change", comparison=results.comparison, paper=paper
    )
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends
    sizes = [t.get_fontsize() for leg in legends for t in leg.get_texts()]
    assert min(sizes) >= 8.0


def test_siting_map_names_its_start_situation(results: Results) -> None:
    fig = masterplan_figure(
        results.project,
        theme="siting",
        evaluation=results.evaluation,
        siting=results.siting,
        paper="a4-portrait",
    )
    assert f"Vertrekt van: {results.evaluation.scenario.name}" in _texts(fig)


def test_change_map_numbers_match_the_ledger(results: Results) -> None:
    """Callouts on the change map carry the ledger's numbers (workbook 'Wijzigingen', slides)."""
    from slimmeregio.exporters.meta import modification_ledger

    fig = masterplan_figure(
        results.project,
        theme="change",
        comparison=results.comparison,
        paper="a3-landscape",
        zoom_to_changes=False,
    )
    ax = fig.axes[0]
    callouts = {t.get_text(): t.xy for t in ax.texts if hasattr(t, "xy") and t.get_text().isdigit()}
    ledger = modification_ledger(results.scenario, results.project, "nl")
    expected = {str(e["Nr"]): (e["X"], e["Y"]) for e in ledger if e["X"] is not None}
    assert expected and set(callouts) == set(expected)
    for nr, (x, y) in expected.items():
        assert callouts[nr] == pytest.approx((x, y))


def test_access_map_shows_what_the_scenario_built(results: Results) -> None:
    fig = masterplan_figure(
        results.project, theme="access", comparison=results.comparison, paper="a3-landscape"
    )
    text = _texts(fig)
    assert "Verbinding toegevoegd" in text and "Verbinding opgewaardeerd" in text
