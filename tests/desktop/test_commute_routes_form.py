"""The parameters form's commuting-route choice (fastest / quiet)."""

from __future__ import annotations

from slimmeregio.desktop.scenariopanel import _ParametersForm
from slimmeregio.scenarios.model import Parameters, Scenario


def test_the_form_shows_and_edits_the_commute_routes(qtbot) -> None:
    form = _ParametersForm()
    qtbot.addWidget(form)
    edits: list[dict] = []
    form.edited.connect(edits.append)
    form.show_scenario(Scenario(name="A", parameters=Parameters(commute_routes="quiet")))
    assert form.commute_routes.currentData() == "quiet"
    assert edits == []  # showing a scenario is not an edit
    form.commute_routes.setCurrentIndex(form.commute_routes.findData("fastest"))
    assert edits == [{"commute_routes": "fastest"}]
    # The chosen value is a valid parameter.
    assert Parameters(**edits[0]).commute_routes == "fastest"
