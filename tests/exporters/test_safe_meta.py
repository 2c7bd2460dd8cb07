"""Safe writing, file names from data, the provenance block and the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimmeregio import __version__
from slimmeregio.exporters._safe import safe_filename, writing
from slimmeregio.exporters.meta import build_meta, modification_ledger, parameter_rows
from slimmeregio.layers.errors import ExportError, OutputExistsError

from .conftest import HOSTILE_FORMULA, HOSTILE_PATH, Results


def test_writing_moves_complete_file_into_place(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with writing(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("klaar")
        assert not target.exists()
    assert target.read_text() == "klaar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_writing_refuses_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("oud")
    with pytest.raises(OutputExistsError), writing(target) as tmp:
        tmp.write_text("nieuw")
    assert target.read_text() == "oud"
    with writing(target, force=True) as tmp:
        tmp.write_text("nieuw")
    assert target.read_text() == "nieuw"


def test_failure_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "b.xlsx"
    with pytest.raises(ExportError) as info, writing(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert "disk full" in (info.value.detail or "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text", ["../../x", "..\\..\\x", "a/b", "CON", "nul.txt", "x" * 300, "  ", "<>:|?*"]
)
def test_safe_filename_stays_in_folder(tmp_path: Path, text: str) -> None:
    name = safe_filename(text)
    assert name and "/" not in name and "\\" not in name and ".." not in name
    assert len(name) <= 120
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()
    assert name.split(".")[0].upper() not in {"CON", "NUL"}


def test_meta_states_scenario_parameters_version_sources_notes(results: Results) -> None:
    meta = build_meta(results.project, scenario=results.scenario)
    assert meta.scenario == "Fietsas Oost"
    assert meta.version == __version__
    assert meta.parameters["household_size"] == 2.4
    assert meta.notes == (
        "Illustratief fietsnetwerk: geen echte routes.",
        "Illustratieve woningen.",
    )
    assert meta.illustrative_layers == ("fietsnetwerk", "woningen")
    assert "© OpenStreetMap contributors, ODbL 1.0" in meta.source_line()
    rows = dict(meta.rows())
    assert rows["Versie Slimme Regio Planner"] == __version__
    assert rows["Scenario"] == "Fietsas Oost"
    assert "fietsnetwerk" in meta.short_note
    keys = [k for k, _, _ in parameter_rows(meta.parameters)]
    assert keys[:2] == ["speeds_kmh", "walking_speed_kmh"]


def test_ledger_what_where_who_why(results: Results) -> None:
    rows = modification_ledger(results.scenario, results.project)
    assert [r["Nr"] for r in rows] == [1, 2, 3, 4]
    # the new mobipunt at (154000, 152000) lies in the third square (x 152-158 km)
    assert rows[0]["Waar"] == HOSTILE_PATH and (rows[0]["X"], rows[0]["Y"]) == (154000.0, 152000.0)
    assert rows[0]["Waarom"] == HOSTILE_FORMULA and rows[0]["Door"] == "An Peeters"
    # link midpoint (150750, 158750) lies in Beersel (x 146-152 km)
    assert rows[1]["Waar"] == "Beersel" and rows[1]["Soort"] == "Fietsverbinding toevoegen"
    # links 5-7 are horizontal links on y=150000 around x 144-147 km: centre in Halle
    assert rows[2]["Waar"] == "Halle"
    assert rows[3]["Waarom"] == "Werf tot 2027"


def test_error_reasons_are_in_one_language() -> None:
    """Reasons travel as {"nl", "en"}: each message shows only the reader's language."""
    from slimmeregio.exporters.maps import parse_paper
    from slimmeregio.exporters.pack import parse_formats
    from slimmeregio.layers.errors import ExportError

    for call, nl, en in (
        (lambda: parse_paper("b5"), "onbekend papierformaat", "unknown paper size"),
        (lambda: parse_formats("pdf,doc"), "onbekend formaat", "unknown format"),
    ):
        with pytest.raises(ExportError) as info:
            call()
        assert nl in info.value.message("nl") and en not in info.value.message("nl")
        assert en in info.value.message("en") and nl not in info.value.message("en")
        assert " / " not in info.value.message("en")


def test_meta_names_every_scenario_and_the_base_in_its_language(results) -> None:
    """Metadata used to name scenario 1 only; an English pack called the base 'Basistoestand'."""
    from slimmeregio.exporters.meta import build_meta
    from slimmeregio.scenarios.model import Scenario

    other = Scenario(name="Tweede", description="x", modifications=())
    meta = build_meta(
        results.project, scenario=results.scenario, scenarios=[results.scenario, other]
    )
    rows = dict(meta.rows("nl"))
    assert rows["Scenario's"] == "Fietsas Oost, Tweede" and "Scenario" not in rows
    english = build_meta(results.project, scenario=results.scenario, lang="en")
    assert english.with_scenario(None).scenario == "Base situation"


def test_english_ledger_and_labels_say_mobility_hub(results) -> None:
    """English exports used to say 'new mobipunt ... (buurt)' and 'cycling time to mobipunt'."""
    from slimmeregio.exporters.headline import indicator_text
    from slimmeregio.exporters.meta import modification_ledger

    what = [e["What"] for e in modification_ledger(results.scenario, results.project, "en")]
    hub = next(w for w in what if "Mobipunt Zuidoost" in w)  # the name from the data stays as it is
    assert "mobility hub" in hub and "(neighbourhood)" in hub and "mobipunt '" not in hub
    assert "mobipunt" not in indicator_text("median_bike_min_mobipunt", "en")
    assert "mobipunt" in indicator_text("median_bike_min_mobipunt", "nl")
