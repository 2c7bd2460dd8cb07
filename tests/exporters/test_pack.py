"""The council pack: files, manifest, LEESMIJ, overwrite, cancel."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from slimmeregio.exporters.pack import export_pack, parse_formats
from slimmeregio.layers.errors import ExportError, OperationCancelled, OutputExistsError

from ._helpers import pdf_page_count
from .conftest import HOSTILE_PATH, Results


@pytest.fixture(scope="module")
def pack(results: Results, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("pack") / "raad"
    manifest = export_pack(
        [results.comparison],
        out,
        project=results.project,
        siting=results.siting,
        formats="pdf,xlsx,html",
        paper="a4-landscape",
        atlas=True,
        municipalities=[HOSTILE_PATH, "Halle"],
    )
    return out, manifest


def test_files_and_manifest(pack: tuple[Path, object]) -> None:
    out, manifest = pack
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in data["files"]}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {
        "manifest.json",
        "LEESMIJ.txt",
    }
    assert listed == on_disk
    for f in data["files"]:
        body = (out / f["path"]).read_bytes()
        assert f["bytes"] == len(body) and f["sha256"] == hashlib.sha256(body).hexdigest()
    assert {
        "webkaart.html",
        "resultaten.xlsx",
        "kaarten/basis_basiskaart.pdf",
        "kaarten/s1_Fietsas_Oost_wijzigingen.pdf",
        "kaarten/voorstel_locatievoorstel.pdf",
        "atlas/atlas_s1_Fietsas_Oost.pdf",
    } <= listed
    assert data["meta"]["scenarios"] == ["Fietsas Oost"] and data["version"]
    assert data["meta"]["notes"] and data["meta"]["parameters"]["household_size"] == 2.4
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left


def test_municipality_folders_stay_inside(pack: tuple[Path, object]) -> None:
    out, _ = pack
    folders = sorted(p.name for p in (out / "gemeenten").iterdir())
    assert folders == ["Halle", "_._x"]
    for folder in (out / "gemeenten").iterdir():
        assert folder.resolve().parent == (out / "gemeenten").resolve()
        assert pdf_page_count(folder / "kaart.pdf") == 1
        wb = openpyxl.load_workbook(folder / "cijfers.xlsx")
        names = {row[1] for row in wb["Gemeenten"].iter_rows(min_row=2, values_only=True)}
        assert len(names) == 1
    # --municipality adds folders and never cuts the regional atlas: all three municipalities
    assert pdf_page_count(out / "atlas" / "atlas_s1_Fietsas_Oost.pdf") == 3


def test_readme_explains_every_file(pack: tuple[Path, object]) -> None:
    out, manifest = pack
    text = (out / "LEESMIJ.txt").read_text(encoding="utf-8")
    for f in manifest.files:  # type: ignore[attr-defined]
        assert f.path in text
    assert (
        "illustratieve gegevens" in text
        and "Leaflet" in text
        and "Gemiddelde gezinsgrootte: 2.4" in text
    )


def test_no_overwrite_without_force(pack: tuple[Path, object], results: Results) -> None:
    out, _ = pack
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    with pytest.raises(OutputExistsError):
        export_pack([results.comparison], out, project=results.project, formats="xlsx")
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_cancel_leaves_nothing(results: Results, tmp_path: Path) -> None:
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2  # after the first map

    with pytest.raises(OperationCancelled):
        export_pack(
            [results.comparison],
            tmp_path / "p",
            project=results.project,
            formats="pdf,xlsx",
            paper="a4-landscape",
            cancel=cancel,
        )
    assert [p for p in (tmp_path / "p").rglob("*")] == []


def test_formats_are_checked() -> None:
    assert parse_formats("PDF, xlsx,.html") == ("pdf", "xlsx", "html")
    with pytest.raises(ExportError):
        parse_formats("pdf,docx")
    with pytest.raises(ExportError):
        parse_formats("")


def test_hostile_scenario_name_gives_safe_files(results: Results, tmp_path: Path) -> None:
    from dataclasses import replace

    name = "../../<script>alert(1)</script>"
    scenario = results.scenario.model_copy(update={"name": name})
    evaluation = replace(results.evaluation, scenario=scenario, name=name)
    comparison = replace(results.comparison, scenario=evaluation)
    out = tmp_path / "p"
    manifest = export_pack(
        [comparison], out, project=results.project, formats="pdf,xlsx", paper="a4-landscape"
    )
    for f in manifest.files:
        assert (out / f.path).resolve().is_relative_to(out.resolve())
        assert "<" not in f.path and ".." not in f.path
    assert list(tmp_path.iterdir()) == [out]


def test_english_pack(results: Results, tmp_path: Path) -> None:
    out = tmp_path / "council"
    manifest = export_pack(
        [results.comparison], out, project=results.project, formats="xlsx,html", lang="en"
    )
    assert manifest.readme_name == "README.txt"
    assert (out / "README.txt").is_file() and not (out / "LEESMIJ.txt").exists()
    text = (out / "README.txt").read_text(encoding="utf-8")
    assert "Files in this folder" in text and "Excel workbook with indicators" in text
    assert (
        "NOTE: this export contains illustrative data." in text
        and "Average household size: 2.4" in text
    )
    assert "Bestanden" not in text and "Leaflet is inside the file" in text
    assert openpyxl.load_workbook(out / "results.xlsx").sheetnames[0] == "Summary"
    assert "No background (offline)" in (out / "webmap.html").read_text(encoding="utf-8")


def test_english_pack_has_english_file_and_folder_names(results: Results, tmp_path: Path) -> None:
    """An English pack used to be filed as kaarten/, gemeenten/Halle/cijfers.xlsx, webkaart.html ..."""
    out = tmp_path / "council"
    manifest = export_pack(
        [results.comparison],
        out,
        project=results.project,
        formats="pdf,html,xlsx,gpkg",
        paper="a4-landscape",
        municipalities=["Halle"],
        siting=results.siting,
        lang="en",
    )
    paths = sorted(f.path for f in manifest.files)
    assert {
        "webmap.html",
        "results.xlsx",
        "results.gpkg",
        "municipalities/Halle/map.pdf",
        "municipalities/Halle/figures.xlsx",
        "maps/base_base_map.pdf",
        "maps/base_access.pdf",
        "maps/suggestion_site_suggestions.pdf",
    } <= set(paths)
    assert any(p.startswith("maps/s1_") and p.endswith("_changes.pdf") for p in paths)
    dutch = (
        "kaart",
        "gemeenten",
        "resultaten",
        "cijfers",
        "basis",
        "voorstel",
        "wijzigingen",
        "fietsstromen",
        "bereikbaarheid",
        "presentatie",
    )
    assert not [p for p in paths for word in dutch if word in p.lower()]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(
        [*paths, "manifest.json", "README.txt"]
    )


def test_atlas_reports_progress_per_page(results: Results, tmp_path: Path) -> None:
    # the atlas is most of the pack's time: its pages move the bar, not only the job boundaries
    seen: list[tuple[float, str]] = []
    manifest = export_pack(
        [results.comparison],
        tmp_path / "p",
        project=results.project,
        formats="pdf",
        paper="a4-landscape",
        atlas=True,
        municipalities=["Halle", HOSTILE_PATH],
        progress=lambda f, m: seen.append((f, m)),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    boundaries = [f for f, m in seen if m.startswith("writing ")]
    assert len(fractions) > len(boundaries) + 1  # the atlas added reports between job boundaries
    assert len(boundaries) == len(manifest.files)
