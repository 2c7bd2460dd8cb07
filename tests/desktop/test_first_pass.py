"""A run on a project with jobs shows the core figures first, says what is
still being computed, and completes them; the first pass is never kept for
export."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from slimmeregio.layers.model import ANALYSIS_CRS, Layer, LayerList, Project
from slimmeregio.layers.roles import Role

from .conftest import STEP, X0, Y0, make_project


@pytest.fixture
def project() -> Project:
    base = make_project()
    jobs = gpd.GeoDataFrame(
        {"naam": ["Bedrijvenpark", "Centrum"], "werknemers": [800, 150]},
        geometry=[Point(X0 + 6 * STEP, Y0 + 4 * STEP), Point(X0 + 2 * STEP, Y0 + 2 * STEP)],
        crs=ANALYSIS_CRS,
    )
    layer = Layer("banen", jobs, Role.JOBS, {"jobs": "werknemers", "name": "naam"})
    return Project(layers=LayerList([*base.layers, layer]))


def test_the_core_shows_first_then_the_whole_run(window, qtbot):
    panel = window.results_panel
    shown = window.show_partial_run
    seen = []

    def spy(result):
        shown(result)
        seen.append(
            (
                result.evaluation.pending,
                panel.pending.isVisible(),
                panel.pending.text(),
                panel.title.text(),
                window.computed_run(window.store.current.name),
                dict(result.evaluation.region),
            )
        )

    window.show_partial_run = spy
    job = window.run_scenario()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    assert len(seen) == 1
    pending, visible, text, title, kept, first_region = seen[0]
    assert pending == ("opportunities",)
    assert visible and text == "Nog in berekening: banen, scholen en pendel…"
    assert " · kern doorgerekend in " in title
    assert kept is None  # a first pass is not a run an export may take
    final = window.last_run
    assert final.evaluation.pending == ()
    assert not panel.pending.isVisible()
    assert " · doorgerekend in " in panel.title.text()
    assert window.computed_run(window.store.current.name) is final
    assert "commuters" in final.evaluation.region and "commuters" not in first_region
    for key, value in first_region.items():
        assert value == final.evaluation.region[key] or value != value, key


def test_a_stopped_run_says_what_was_not_computed(window, qtbot):
    from slimmeregio.scenarios.engine import evaluate, prepare_base

    ev = evaluate(prepare_base(window.project), families=False, service_areas=False)
    panel = window.results_panel
    panel.show_results(ev)
    assert panel.pending.text() == "Nog in berekening: banen, scholen en pendel…"
    panel.stop_pending("geannuleerd")
    assert panel.pending.text() == "Niet berekend (geannuleerd): banen, scholen en pendel."
