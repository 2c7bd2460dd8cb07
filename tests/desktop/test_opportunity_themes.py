"""The GUI themes "Bereikbaarheid van jobs / scholen" and "Fietsroutes naar het werk"."""

from __future__ import annotations

import numpy as np

from slimmeregio.desktop.themes import THEME_KEYS, theme_label, theme_layers
from slimmeregio.scenarios.engine import evaluate, prepare_base
from tests.scenarios.test_opportunity_scenarios import _project


def test_opportunity_themes_show_the_run_columns() -> None:
    ev = evaluate(prepare_base(_project()), service_areas=False)
    assert {"jobs_access", "schools_access", "bike_commute"} <= set(THEME_KEYS)
    assert theme_label("jobs_access") == "Bereikbaarheid van jobs (fiets)"
    (jobs,) = theme_layers("jobs_access", ev)
    assert jobs.style.column == "opp_jobs_bike_10min"
    # The classes cover every dwelling with jobs within reach.
    values = ev.dwellings["opp_jobs_bike_10min"].to_numpy()
    assert jobs.style.breaks[-1] >= values.max()
    commute = theme_layers("bike_commute", ev)
    assert [layer.style.column for layer in commute][:1] == ["flow_bike_commuters"]
    assert np.all(commute[0].frame["flow_bike_commuters"] >= 1.0)
    # Without an elevation model the legend says the uptake was computed flat.
    assert "geen hoogtemodel" in commute[0].name
    assert len(commute[1].frame) == 2  # the two workplaces
    # The project has no schools layer: an empty theme, not an error.
    assert theme_layers("schools_access", ev) == []
