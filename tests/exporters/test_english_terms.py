"""English exports say it in English: link classes, Hoppin types, housing status and the embedded notes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import openpyxl
import shapely

from slimmeregio.exporters.excel import export_excel
from slimmeregio.exporters.meta import (
    build_meta,
    english_terms,
    modification_ledger,
    parameter_rows,
)
from slimmeregio.layers.model import Layer, Project
from slimmeregio.layers.region import region_provenance
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.model import Parameters

from .conftest import Results

DUTCH_VALUES = (
    "fietssnelweg",
    "bovenlokaal",
    "lokaal",
    "overig",
    "interregionaal",
    "regionaal",
    "buurt",
    "gepland",
)


def test_parameters_name_classes_and_types_in_english() -> None:
    rows = {key: value for key, _, value in parameter_rows(Parameters(), "en")}
    assert "cycle highway 25" in rows["speeds_kmh"] and "supra-local" in rows["speeds_kmh"]
    assert rows["mobipunt_types"] == "interregional, regional, local, neighbourhood"
    dutch = {key: value for key, _, value in parameter_rows(Parameters(), "nl")}
    assert "fietssnelweg 25" in dutch["speeds_kmh"] and "buurt" in dutch["mobipunt_types"]


def test_keyword_parameters_read_as_words() -> None:
    """A choice or a time window is shown in words, not as the engine's keyword ('auto', 'fastest')."""
    params = Parameters(
        commute_routes="quiet", commute_origins="auto", pt_train_window="ochtendspits"
    )
    nl = {key: value for key, _, value in parameter_rows(params, "nl")}
    en = {key: value for key, _, value in parameter_rows(params, "en")}
    assert nl["commute_routes"] == "rustigste (drukke straten wegen zwaarder)"
    assert en["commute_routes"] == "quietest (busy streets weigh more)"
    assert nl["commute_origins"].startswith("automatisch: per woonpunt tot 50.000 woonpunten")
    assert en["commute_origins"].startswith("automatic: per housing point up to 50,000 points")
    assert nl["pt_train_window"] == "ochtendspits" and en["pt_train_window"] == "morning peak"
    assert "morning peak" in en["pt_windows"]
    for value in (*nl.values(), *en.values()):
        assert value not in ("auto", "fastest", "quiet", "points", "cells")


def test_engine_descriptions_get_english_words_but_names_stay() -> None:
    assert (
        english_terms("new bike link 'Fietsbrug over de lokaal' (bovenlokaal, 705 m)")
        == "new bike link 'Fietsbrug over de lokaal' (supra-local, 705 m)"
    )
    assert (
        english_terms("housing 'Zennevallei': 240 dwellings (gepland)")
        == "housing 'Zennevallei': 240 dwellings (planned)"
    )
    assert english_terms("new mobipunt (buurt)") == "new mobility hub (neighbourhood)"


def test_embedded_notes_are_english_in_an_english_export() -> None:
    provenance = next(p for p in region_provenance().values() if p.illustrative and p.note_en)
    layer = Layer(
        name=provenance.layer,
        data=gpd.GeoDataFrame(geometry=[shapely.Point(150_000, 170_000)], crs="EPSG:31370"),
        role=Role.OTHER,
        fields={},
        note=provenance.note_nl,
    )  # type: ignore[arg-type]
    project = Project()
    project.layers.append(layer)
    assert build_meta(project, lang="en").notes == (provenance.note_en,)
    assert build_meta(project, lang="nl").notes == (provenance.note_nl,)
    own = Layer(name="eigen", data=layer.data, role=Role.OTHER, fields={}, note="Eigen notitie")  # type: ignore[arg-type]
    project.layers.append(own)
    assert (
        build_meta(project, lang="en").notes[-1] == "Eigen notitie"
    )  # the user's own words stay as written


def test_english_workbook_and_ledger_have_no_dutch_class_values(
    results: Results, tmp_path: Path
) -> None:
    path = export_excel(
        [results.comparison], tmp_path / "r.xlsx", project=results.project, lang="en"
    )
    ws = openpyxl.load_workbook(path)["Bike flows"]
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "Scenario")
    heads = [c.value for c in ws[header]]
    col = heads.index("Link class") + 1
    values = {
        str(ws.cell(row=r, column=col).value)
        for r in range(header + 1, ws.max_row + 1)
        if ws.cell(row=r, column=col).value
    }
    assert values and not [v for v in values for word in v.split(", ") if word in DUTCH_VALUES]
    for row in modification_ledger(results.scenario, results.project, "en"):
        assert "mobipunt" not in str(row["Kind"]).lower()


def test_embedded_sources_are_english_in_an_english_export() -> None:
    from slimmeregio.layers.region import load_region

    project = load_region()
    english = " ".join(build_meta(project, lang="en").sources)
    dutch = " ".join(build_meta(project, lang="nl").sources)
    assert "gegenereerd door" in dutch and "(illustratief)" in dutch
    for word in (
        "gegenereerd",
        "illustratief",
        "afgeleid",
        "Gemeenten",
        "Treinstations",
        "Fietsnetwerk",
    ):
        assert word not in english, word
    assert "Bike network (illustrative): generated by" in english


def test_domain_terms_leave_dutch_text_as_written() -> None:
    from slimmeregio.exporters.terms import domain_terms

    text = "nieuwe mobipunten (buurt) en verbinding (bovenlokaal, 705 m) 'De lokaal' (gepland)"
    assert domain_terms(text, "nl") == text
    assert domain_terms(text, "en") == (
        "nieuwe mobility hubs (neighbourhood) en verbinding (supra-local, 705 m) 'De lokaal' (planned)"
    )


def test_tables_from_the_catalogue_read_as_the_old_english_tables() -> None:
    """The (nl, en) tables that became Dutch tables translated by the catalogue (issue 20):
    the English written out as the old tables had it."""
    from slimmeregio.exporters.excel import sheet_names
    from slimmeregio.exporters.map_layout import theme_title
    from slimmeregio.exporters.meta import ledger_columns

    assert ledger_columns("nl") == (
        "Nr",
        "Soort",
        "Wat",
        "Waar",
        "X",
        "Y",
        "Door",
        "Waarom",
        "Wanneer",
    )
    assert ledger_columns("en") == ("No", "Kind", "What", "Where", "X", "Y", "By", "Why", "When")
    assert sheet_names("nl")[2] == "Mobipunten" and sheet_names("en")[2] == "Mobility hubs"
    assert theme_title("change", "nl") == "Wat verandert het scenario?"
    assert theme_title("change", "en") == "What does the scenario change?"
    labels = {key: label for key, label, _ in parameter_rows(Parameters(), "en")}
    assert labels["min_trains_per_day"] == "Minimum trains per day"
