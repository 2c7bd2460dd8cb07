"""The printed 'Openbaar vervoer' map theme against the hand numbers of the street in
tests/scenarios/test_transit.py (its docstring has the layout).

Hand numbers (60 dwellings; walk 500 m; morning peak):
* >= 4 departures/hour within 500 m: base H1 (A, 4/h, 300 m) = 10 -> 16,7 %;
  scenario (A set to 1/h) none -> 0,0 %.
* >= 2 departures/hour: base H1 + H3 (T, 3/h, 400 m) = 40 -> 66,7 %; scenario H3 -> 50,0 %.
* Hoppin check: base fails M2 and M4, scenario M1 and M2 (2 and 2).
* Stop classes (upper bounds 1, 2, 4, 8) in the scenario: A 1/h and B 1/h class 0,
  S 2/h class 1, T 3/h class 2.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.colors import to_hex

from slimmeregio.exporters.map_groups import layer_artists
from slimmeregio.exporters.map_transit import transit_key_figures
from slimmeregio.exporters.maps import export_map, masterplan_figure
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.symbology import PT_ACCESS_COLORS, PT_RATE_COLORS
from slimmeregio.scenarios.comparison import compare
from slimmeregio.scenarios.engine import evaluate, prepare_base
from slimmeregio.scenarios.model import Scenario, SetFrequency
from tests.scenarios.test_transit import PARAMS, X0, _project

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def street():
    project = _project()
    base = prepare_base(project, PARAMS)
    mod = SetFrequency(
        stop_id="A", window="ochtendspits", departures_per_hour=1.0, author="t", reason="r"
    )
    comp = compare(
        evaluate(base),
        evaluate(base, Scenario(name="minder", parameters=PARAMS, modifications=(mod,))),
    )
    return project, comp


def _map_axes(fig):
    return max(fig.axes, key=lambda ax: ax.get_position().width * ax.get_position().height)


def _pdf_text(path) -> str:
    reader = pypdf.PdfReader(str(path))
    return " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_key_figures_show_base_to_scenario(street, tmp_path, lang: str) -> None:
    project, comp = street
    path = export_map(
        project,
        tmp_path / "ov.pdf",
        theme="public_transport",
        comparison=comp,
        lang=lang,
        paper="a3-landscape",
    )
    text = _pdf_text(path)
    nl = lang == "nl"
    assert (
        "Openbaar vervoer: haltes en bereikbaarheid" if nl else "Public transport: stops and access"
    ) in text
    minus = "\u2212"
    if nl:
        assert "0,0 %" in text and f"{minus}16,7 pp" in text  # >= 4/h: 16,7 % -> 0,0 %
        assert "50,0 %" in text and f"{minus}16,7 pp" in text  # >= 2/h: 66,7 % -> 50,0 %
        assert "Hoppin-toets" in text
    else:
        assert "0.0 %" in text and f"{minus}16.7 pp" in text
        assert "50.0 %" in text
        assert "Hoppin check" in text
    rows = transit_key_figures(comp.scenario, comp, lang=lang)
    mismatch = [r for r in rows if r[0].startswith("Mobipunten waarvan" if nl else "Hubs whose")]
    assert (
        mismatch
        and mismatch[0][1] == "2"
        and mismatch[0][2].startswith("±0")
        and not mismatch[0][3]
    )


def test_failing_hubs_stops_and_stations_are_drawn_as_counted_by_hand(street) -> None:
    project, comp = street
    fig = masterplan_figure(
        project, theme="public_transport", comparison=comp, paper="a4-landscape"
    )
    ax = _map_axes(fig)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    text = " | ".join(" ".join(t.split()) for t in texts if isinstance(t, str))
    for part in (
        "Legende",
        "Ligging",
        "Kerncijfers regio",
        "Haltes en stations",
        "West",
        "Oost",
        "> 8 vertrekken/uur",
    ):
        assert part in text, part
    assert any(type(a).__name__ == "ScaleBar" for a in ax.artists)
    crosses = layer_artists(ax, ("hub-check",))
    xs = sorted(float(x) - X0 for a in crosses for x, _ in a.get_offsets())
    assert xs == pytest.approx([420.0, 2000.0])  # M1 and M2 fail in the scenario
    stops = layer_artists(ax, ("pt-stops",))
    colours = {}
    for artist in stops:
        faces = [to_hex(c) for c in artist.get_facecolors()]
        for (x, _), c in zip(
            artist.get_offsets(),
            faces if len(faces) > 1 else faces * len(artist.get_offsets()),
            strict=True,
        ):
            colours[round(float(x) - X0)] = c
    expected = {400: 0, 2300: 0, 1500: 1, 3000: 2}
    assert colours == {x: to_hex(PT_RATE_COLORS[k]) for x, k in expected.items()}
    # stations are squares, larger with more trains: T (3/h) above S (2/h)
    squares = [a for a in stops if len(a.get_sizes()) == 2]
    assert len(squares) == 1
    size_by_x = {
        round(float(x) - X0): s
        for (x, _), s in zip(squares[0].get_offsets(), squares[0].get_sizes(), strict=True)
    }
    assert size_by_x[3000] > size_by_x[1500]


def test_dwellings_coloured_by_walking_access_to_a_frequent_stop(street) -> None:
    project, comp = street
    for ev, served in ((comp.base, {100}), (comp.scenario, set())):
        fig = masterplan_figure(
            project, theme="public_transport", evaluation=ev, paper="a4-landscape"
        )
        artists = layer_artists(_map_axes(fig), ("pt-access",))
        seen = {}
        for a in artists:
            for (x, _), c in zip(a.get_offsets(), a.get_facecolors(), strict=True):
                seen[round(float(x) - X0)] = to_hex(c[:3])
        assert seen == {
            x: to_hex(PT_ACCESS_COLORS[0 if x in served else 1]) for x in (100, 950, 2600)
        }


def test_without_stops_the_theme_says_what_it_needs(results) -> None:
    with pytest.raises(ExportError) as err:
        masterplan_figure(results.project, theme="public_transport", evaluation=results.evaluation)
    assert "stops layer" in str(err.value)


def test_a_small_difference_is_never_shown_as_zero() -> None:
    params = PARAMS

    def ev(value: float) -> SimpleNamespace:
        region = {"share_pt_ochtendspits_4ph": value}
        return SimpleNamespace(
            parameters=params, pt_stops=object(), value=lambda k, nis=None: region.get(k, np.nan)
        )

    scen, base = ev(50.06), ev(50.0)  # shown as 50,1 % against 50,0 %
    rows = transit_key_figures(scen, SimpleNamespace(base=base), lang="nl")
    assert len(rows) == 1
    label, value, change, better = rows[0]
    assert (
        value == "50,1 %"
        and change not in ("+0,0 pp", "±0 pp")
        and change.startswith("+0,")
        and better
    )


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("nl", "kaarten/s1_minder_openbaar_vervoer.pdf"),
        ("en", "maps/s1_minder_public_transport.pdf"),
    ],
)
def test_the_pack_has_the_page_when_the_project_has_stops(
    street, tmp_path, lang: str, name: str
) -> None:
    from slimmeregio.exporters.pack import export_pack

    project, comp = street
    manifest = export_pack(
        [comp], tmp_path / "p", project=project, formats="pdf", lang=lang, paper="a4-landscape"
    )
    files = {str(f.path) if hasattr(f, "path") else str(f) for f in manifest.files}
    assert name in files, sorted(files)
    assert (tmp_path / "p" / name).is_file()


def test_the_pack_has_no_page_without_stops(results, tmp_path) -> None:
    from slimmeregio.exporters.pack import export_pack

    export_pack(
        [results.comparison],
        tmp_path / "p",
        project=results.project,
        formats="pdf",
        paper="a4-landscape",
    )
    assert not list((tmp_path / "p").rglob("*openbaar_vervoer*"))


def test_the_atlas_draws_the_theme_per_municipality(street, tmp_path) -> None:
    """West holds H1 and H2 (base: 10 of 30 dwellings near a stop with >= 4/h = 33,3 %), Oost H3 (0,0 %)."""
    from slimmeregio.exporters.maps import export_atlas

    project, comp = street
    path = export_atlas(
        project,
        tmp_path / "atlas.pdf",
        theme="public_transport",
        evaluation=comp.base,
        paper="a4-portrait",
    )
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(path)).pages]
    assert len(pages) == 2
    oost, west = pages  # name order
    assert "Kerncijfers Oost" in oost and "Kerncijfers West" in west
    assert "33,3 %" in west and "0,0 %" in oost
    assert "Mobipunten waarvan" not in west  # a region-only figure
