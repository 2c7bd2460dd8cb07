"""The "Alle parameters…" dialog (issues 16, 17): every parameter reachable, validated in place, applied like the form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QListWidget, QSpinBox

from slimmeregio.desktop import i18n
from slimmeregio.desktop.parametersdialog import ParametersDialog
from slimmeregio.desktop.parametertexts import GROUPS, PARAMETER_TEXTS
from slimmeregio.desktop.scenariopanel import ScenarioStore
from slimmeregio.scenarios.model import Parameters, Scenario

from .test_flows import _run
from .test_stale import _assert_stale

EN = json.loads(
    (Path(__file__).resolve().parents[2] / "resources" / "translations" / "en.json").read_text(
        encoding="utf-8"
    )
)


@pytest.fixture
def store(qapp):
    book = ScenarioStore()
    book.add(Scenario(name="Plan"))
    return book


def _ok(dialog: ParametersDialog) -> None:
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


def test_every_parameter_has_a_widget_and_a_label_in_both_languages(store, qtbot):
    dialog = ParametersDialog(store)
    qtbot.addWidget(dialog)
    fields = set(Parameters.model_fields)
    assert set(dialog.editors) == fields
    for name in fields:
        text = PARAMETER_TEXTS.get(name)
        assert text is not None, f"{name}: no label in desktop/parametertexts.py"
        assert text.group in GROUPS, name
        for dutch in (text.label, text.tip, text.group):
            assert dutch and dutch in EN, f"{name}: '{dutch}' has no English text"
        assert dialog.labels[name].text() == text.label
        assert dialog.editors[name].widget.toolTip().startswith(text.tip)
    # the English interface shows the catalogue's texts
    i18n.set_language("en")
    english = ParametersDialog(store)
    qtbot.addWidget(english)
    assert english.labels["pt_walk_m"].text() == "Walking distance to a stop (m):"
    assert english.tabs.tabText(english.groups().index("Openbaar vervoer")) == "Public transport"
    # choices read in English, the scenario keeps its Dutch data values
    windows = english.editors["pt_windows"]
    assert [windows.widget.item(i).text() for i in range(4)] == [
        "morning peak",
        "daytime",
        "evening peak",
        "evening",
    ]
    assert windows.value() == ("ochtendspits", "dag", "avond")
    names = [w.text() for w in english.editors["hub_type_weights"].widget.findChildren(QLabel)]
    assert names == ["interregional", "regional", "local", "neighbourhood"]


def test_widgets_follow_the_field_types_and_the_model_bounds(store, qtbot):
    dialog = ParametersDialog(store)
    qtbot.addWidget(dialog)
    walk = dialog.editors["pt_walk_m"].widget
    assert isinstance(walk, QDoubleSpinBox)
    assert (walk.minimum(), walk.maximum(), walk.value()) == (0.0, 5000.0, 500.0)
    curve = dialog.editors["curve_max_min"].widget
    assert isinstance(curve, QSpinBox) and (curve.minimum(), curve.maximum()) == (1, 240)
    window = dialog.editors["pt_train_window"].widget
    assert isinstance(window, QComboBox)
    assert [window.itemText(i) for i in range(window.count())] == [
        "ochtendspits",
        "overdag",
        "avondspits",
        "avond",
    ]
    assert [window.itemData(i) for i in range(window.count())] == [
        "ochtendspits",
        "dag",
        "avondspits",
        "avond",
    ]
    windows = dialog.editors["pt_windows"].widget
    assert isinstance(windows, QListWidget)
    checked = [
        windows.item(i).text()
        for i in range(windows.count())
        if windows.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert checked == ["ochtendspits", "overdag", "avond"]
    weights = dialog.editors["hub_type_weights"].widget.findChildren(QDoubleSpinBox)
    assert [(s.minimum(), s.maximum(), s.value()) for s in weights] == [
        (0.0, 1.0, 1.0),
        (0.0, 1.0, 0.75),
        (0.0, 1.0, 0.5),
        (0.0, 1.0, 0.25),
    ]
    names = [w.text() for w in dialog.editors["hub_type_weights"].widget.findChildren(QLabel)]
    assert names == ["interregionaal", "regionaal", "lokaal", "buurt"]
    used = {t.group for t in PARAMETER_TEXTS.values()}
    assert dialog.groups() == [g for g in GROUPS if g in used]


def test_ok_without_changes_changes_nothing_even_digits_a_spin_box_cannot_show(store, qtbot):
    store.replace_current(store.current.with_parameters(household_size=2.345678))
    before = store.current
    dialog = ParametersDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.editors["household_size"].widget.value() == 2.346  # shown rounded
    _ok(dialog)
    assert store.current is before  # not even an undo step
    assert store.current.parameters.household_size == 2.345678


def test_bad_values_show_their_message_by_the_field_and_keep_the_dialog_open(store, qtbot):
    before = store.current
    dialog = ParametersDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editors["pt_departures_per_hour"].widget.setText("4, 2")
    dialog.editors["walk_thresholds_m"].widget.setText("400, achthonderd")
    _ok(dialog)
    assert dialog.isVisible()
    assert store.current is before
    error = dialog.errors["walk_thresholds_m"]
    assert not error.isHidden() and "'achthonderd' is geen getal" in error.text()
    assert dialog.message.isVisible()
    # a value the model refuses: its own bilingual reason, in the interface language
    dialog.editors["walk_thresholds_m"].widget.setText("400, 800")
    i18n.set_language("en")
    _ok(dialog)
    assert dialog.isVisible() and store.current is before
    assert dialog.errors["walk_thresholds_m"].isHidden()
    assert (
        dialog.errors["pt_departures_per_hour"].text()
        == "thresholds must be sorted ascending, without repeats"
    )
    assert dialog.tabs.currentIndex() == dialog.groups().index("Openbaar vervoer")
    # an empty set of choices and a bound the spin box lets through (gt=0)
    dialog.editors["pt_departures_per_hour"].widget.setText("2, 4")
    dialog.editors["pt_windows"].set_value(())
    dialog.editors["service_area_min"].widget.setValue(0.0)
    _ok(dialog)
    shown = {n for n, label in dialog.errors.items() if not label.isHidden()}  # tabs hide some
    assert shown == {"pt_windows", "service_area_min"}
    assert dialog.errors["pt_windows"].text() == "choose at least one time window"
    assert store.current is before


def test_defaults_button_resets_every_field(store, qtbot):
    store.replace_current(
        store.current.with_parameters(
            pt_walk_m=750.0, hub_offers=("laadpaal",), pt_windows=("dag",), curve_max_min=45
        )
    )
    dialog = ParametersDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.editors["hub_offers"].widget.text() == "laadpaal"
    dialog.defaults_btn.click()
    _ok(dialog)
    assert store.current.parameters == Parameters()
    store.undo()  # one undoable step
    assert store.current.parameters.pt_walk_m == 750.0


def test_pt_walk_change_in_the_dialog_reaches_the_scenario_and_marks_results_stale(window, qtbot):
    _run(window, qtbot)
    _assert_stale(window, False)
    qtbot.mouseClick(window.scenario_panel.params.all_btn, Qt.MouseButton.LeftButton)
    dialog = window.scenario_panel.all_parameters_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.editors["pt_walk_m"].widget.setValue(750.0)
    _ok(dialog)
    assert not dialog.isVisible()
    assert window.store.current.parameters.pt_walk_m == 750.0
    assert window.last_run.parameters.pt_walk_m == 500.0
    _assert_stale(window, True)
    # the Scenario menu opens it too, showing the new value
    window.action("all_parameters").trigger()
    again = window.scenario_panel.all_parameters_dialog
    assert again is not dialog and again.editors["pt_walk_m"].widget.value() == 750.0
    again.reject()


def test_a_field_of_any_type_gets_an_editor_that_gives_its_value_back(qtbot):
    """What a field added later gets: each type its widget, and unknown types JSON text."""
    from typing import Annotated, Literal

    from pydantic import BaseModel, Field
    from PyQt6.QtWidgets import QCheckBox, QLineEdit

    from slimmeregio.desktop.parametereditors import EditorError, editor_for

    class Later(BaseModel):
        flag: bool = True
        label: str = "x"
        maybe: int | None = None
        table: dict[str, str] = {"a": "b"}
        pair: tuple[float, float] = (1.5, 2.5)
        mode: Literal["snel", "stil"] = "stil"
        share: Annotated[float, Field(ge=0, le=1)] = 0.125

    expected = {
        "flag": QCheckBox,
        "label": QLineEdit,
        "maybe": QLineEdit,
        "table": QLineEdit,
        "mode": QComboBox,
        "share": QDoubleSpinBox,
    }
    defaults = Later().model_dump()
    for name, field in Later.model_fields.items():
        editor = editor_for(field)
        qtbot.addWidget(editor.widget)
        if name in expected:
            assert isinstance(editor.widget, expected[name]), name
        editor.set_value(defaults[name])
        assert editor.value() == (tuple(defaults[name]) if name == "pair" else defaults[name])
    share = editor_for(Later.model_fields["share"])
    assert (share.widget.minimum(), share.widget.maximum()) == (0.0, 1.0)
    maybe = editor_for(Later.model_fields["maybe"])
    maybe.widget.setText("{kapot")
    with pytest.raises(EditorError) as caught:
        maybe.value()
    assert caught.value.nl.startswith("geen geldige JSON")


def test_route_choice_reads_as_words_and_stores_its_keyword(store, qtbot):
    dialog = ParametersDialog(store)
    qtbot.addWidget(dialog)
    combo = dialog.editors["commute_routes"].widget
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Snelste", "Rustigste"]
    combo.setCurrentIndex(1)
    _ok(dialog)
    assert store.current.parameters.commute_routes == "quiet"
    i18n.set_language("en")
    english = ParametersDialog(store)
    qtbot.addWidget(english)
    combo = english.editors["commute_routes"].widget
    assert [combo.itemText(i) for i in range(combo.count())] == ["Fastest", "Quietest"]
    assert combo.currentText() == "Quietest"
