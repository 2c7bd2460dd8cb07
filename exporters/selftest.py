"""The self-test: does this installation work end to end, headless?

``slimmeregio selftest`` (and the installed application's ``--selftest``)
runs :func:`run_selftest`: it opens the embedded region, checks the
coordinate system machinery (PROJ and GDAL data found), evaluates a small
scenario and compares it with the base, then writes a masterplan PDF, an
Excel workbook, the web map and the slide deck into a temporary folder and
reads each back. IT staff run it
after installing on a workstation; CI runs it on the frozen bundle, where a
missing data file (PROJ database, GDAL data, templates) shows up here and
not in front of a planner.

Every check is recorded, never raised: the report says what was checked
and, for a failure, what went wrong. Later checks that need an earlier
result are marked as skipped when it failed.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimmeregio.layers.errors import OperationCancelled
from slimmeregio.layers.i18n import N_, tr
from slimmeregio.layers.progress import CancelCheck, ProgressCallback, Task

__all__ = ["CHECKS", "Check", "SelftestReport", "run_selftest"]

#: The checks, in the order they run: (name, Dutch title; ``tr`` gives the English).
CHECKS: tuple[tuple[str, str], ...] = (
    ("resources", N_("ingebouwde regiobestanden")),
    ("crs", N_("coördinatenstelsels (PROJ, GDAL)")),
    ("region", N_("regio openen")),
    ("scenario", N_("scenario doorrekenen en vergelijken")),
    ("pdf", N_("kaart als PDF")),
    ("excel", N_("Excel-werkboek")),
    ("webmap", N_("interactieve webkaart (HTML)")),
    ("slides", N_("presentatie (PowerPoint)")),
)
_TITLES = dict(CHECKS)

#: Belgian Lambert 72's central meridian (4°22'02.952" E, on BD72) as WGS84
#: longitude lies within this many degrees of 4.3675: the datum shift is ~0.001°.
_MERIDIAN_LON = 4.3675
_MERIDIAN_TOLERANCE = 0.005


@dataclass(frozen=True)
class Check:
    """The outcome of one check.

    Attributes
    ----------
    name
        Stable identifier (see :data:`CHECKS`).
    status
        ``"ok"``, ``"failed"`` or ``"skipped"`` (an earlier check it needs failed).
    detail
        What was checked (numbers) or what went wrong (English; technical).
    seconds
        Wall time of the check.
    """

    name: str
    status: str
    detail: str
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def title(self, lang: str = "nl") -> str:
        """The check's title in ``lang``."""
        return tr(lang, _TITLES[self.name]) if self.name in _TITLES else self.name

    def line(self, lang: str = "nl") -> str:
        """One line for the terminal: status, name, detail, time."""
        label = {
            "ok": "OK  ",
            "failed": tr(lang, "FOUT"),
            "skipped": tr(lang, "OVER"),
        }[self.status]
        return f"{label} {self.name:<10} {self.title(lang)}: {self.detail} ({self.seconds:.1f} s)"


@dataclass(frozen=True)
class SelftestReport:
    """All checks of one self-test run.

    Attributes
    ----------
    checks
        One :class:`Check` per entry of :data:`CHECKS`, in order.
    out_dir
        The folder the PDF and workbook were written to when kept, else None.
    files
        The files written (kept only when ``out_dir`` was given).
    """

    checks: tuple[Check, ...]
    out_dir: Path | None = None
    files: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when every check ran and passed."""
        return len(self.checks) == len(CHECKS) and all(c.ok for c in self.checks)

    def lines(self, lang: str = "nl") -> list[str]:
        """The report as terminal lines, ending with the verdict."""
        out = [check.line(lang) for check in self.checks]
        total = sum(check.seconds for check in self.checks)
        failed = sum(not check.ok for check in self.checks)
        if self.ok:
            out.append(
                tr(
                    lang,
                    "Zelftest geslaagd ({n} controles, {seconds:.1f} s).",
                    n=len(self.checks),
                    seconds=total,
                )
            )
        else:
            out.append(
                tr(
                    lang,
                    "Zelftest MISLUKT: {failed} van {n} controles niet geslaagd.",
                    failed=failed,
                    n=len(CHECKS),
                )
            )
        return out


class _Failed(Exception):
    """A check's own verdict: the check ran but the result is wrong."""


def run_selftest(
    *,
    out_dir: str | Path | None = None,
    on_check: Callable[[Check], None] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
) -> SelftestReport:
    """Run every check of :data:`CHECKS` and report.

    Parameters
    ----------
    out_dir
        Keep the written PDF and workbook in this folder (created if needed).
        By default they go to a temporary folder that is removed afterwards.
    on_check
        Called with each :class:`Check` as soon as it finished (to print
        progress line by line).
    progress, cancel
        Progress callback and cancel check (see :mod:`slimmeregio.layers.progress`).

    Returns
    -------
    SelftestReport
        Never raises for a failing check; only :class:`OperationCancelled`
        propagates.
    """
    task = Task(progress, cancel)
    keep = out_dir is not None
    folder = (
        Path(out_dir)
        if out_dir is not None
        else Path(tempfile.mkdtemp(prefix="slimmeregio-selftest-"))
    )
    folder.mkdir(parents=True, exist_ok=True)
    state: dict[str, Any] = {}
    steps: dict[str, Callable[[dict[str, Any], Path], str]] = {
        "resources": _check_resources,
        "crs": _check_crs,
        "region": _check_region,
        "scenario": _check_scenario,
        "pdf": _check_pdf,
        "excel": _check_excel,
        "webmap": _check_webmap,
        "slides": _check_slides,
    }
    needs = {"crs": "resources", "region": "resources", "scenario": "region"}
    needs.update({name: "scenario" for name in ("pdf", "excel", "webmap", "slides")})
    checks: list[Check] = []
    try:
        for index, (name, title) in enumerate(CHECKS):
            task.report(index / len(CHECKS), tr("en", title))  # progress text: English, as before
            required = needs.get(name)
            if required and not any(c.name == required and c.ok for c in checks):
                check = Check(name, "skipped", f"needs the check '{required}'")
            else:
                check = _timed(name, steps[name], state, folder)
            checks.append(check)
            if on_check is not None:
                on_check(check)
        task.report(1.0, "done")
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    files = tuple(p for p in state.get("files", ()) if keep)
    return SelftestReport(tuple(checks), folder if keep else None, files)


def _timed(
    name: str, step: Callable[[dict[str, Any], Path], str], state: dict[str, Any], folder: Path
) -> Check:
    start = time.perf_counter()
    try:
        detail = step(state, folder)
        status = "ok"
    except OperationCancelled:
        raise
    except _Failed as failure:
        detail, status = str(failure), "failed"
    except Exception as error:  # noqa: BLE001 - a self-test reports, never crashes
        where = traceback.extract_tb(error.__traceback__)[-1]
        detail = f"{type(error).__name__}: {error} [{Path(where.filename).name}:{where.lineno}]"
        status = "failed"
    return Check(name, status, detail, time.perf_counter() - start)


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise _Failed(message)


# ---------------------------------------------------------------------------
# The checks. Each returns what it verified, or raises.
# ---------------------------------------------------------------------------


def _check_resources(state: dict[str, Any], folder: Path) -> str:
    from slimmeregio import resources

    sizes = []
    for path in (resources.REGION_GPKG, resources.POPULATION_TIF, resources.NOTICE):
        _expect(path.is_file(), f"missing: {path}")
        _expect(path.stat().st_size > 0, f"empty: {path}")
        sizes.append(path.stat().st_size)
    mb = sum(sizes) / 1e6
    return f"{resources.REGION_GPKG.name}, {resources.POPULATION_TIF.name}, NOTICE ({mb:.1f} MB)"


def _check_crs(state: dict[str, Any], folder: Path) -> str:
    import pyogrio
    import rasterio
    from pyproj import CRS, Transformer

    from slimmeregio import resources

    crs = CRS.from_epsg(31370)  # needs PROJ's database (proj.db)
    _expect("Lambert 72" in crs.name, f"unexpected EPSG:31370 name {crs.name!r}")
    to_wgs84 = Transformer.from_crs(31370, 4326, always_xy=True)
    lon, lat = to_wgs84.transform(150_000.013, 170_000.0)
    _expect(
        abs(lon - _MERIDIAN_LON) < _MERIDIAN_TOLERANCE and 50.7 < lat < 50.95,
        f"Lambert 72 -> WGS84 gave ({lon:.5f}, {lat:.5f}); expected about (4.3675, 50.84)",
    )
    info = pyogrio.read_info(resources.REGION_GPKG, layer="gemeenten")
    _expect(str(info["crs"]).upper() == "EPSG:31370", f"GeoPackage CRS read as {info['crs']!r}")
    with rasterio.open(resources.POPULATION_TIF) as raster:
        epsg = raster.crs.to_epsg() if raster.crs else None
    _expect(epsg == 31370, f"population grid CRS read as EPSG:{epsg}")
    return f"EPSG:31370 -> WGS84 ({lon:.4f}, {lat:.4f}); GeoPackage and GeoTIFF read as EPSG:31370"


def _check_region(state: dict[str, Any], folder: Path) -> str:
    from slimmeregio.layers.region import load_region
    from slimmeregio.layers.roles import Role

    project = load_region()
    municipalities = project.layers.first(Role.MUNICIPALITIES)
    network = project.layers.first(Role.BIKE_NETWORK)
    housing = project.layers.first(Role.HOUSING)
    mobipunten = project.layers.first(Role.MOBIPUNTEN)
    _expect(municipalities is not None and len(municipalities) == 35, "expected 35 municipalities")
    for role, layer in (
        ("bike network", network),
        ("housing", housing),
        ("mobipunten", mobipunten),
    ):
        _expect(layer is not None and len(layer) > 0, f"no {role} layer with features")
    state["project"] = project
    assert network is not None and housing is not None and mobipunten is not None
    return (
        f"{len(project.layers)} layers: 35 gemeenten, {len(network):,} links, "
        f"{len(housing):,} housing points, {len(mobipunten)} mobipunten"
    )


def _check_scenario(state: dict[str, Any], folder: Path) -> str:
    from slimmeregio.scenarios.engine import compare, evaluate, prepare_base
    from slimmeregio.scenarios.model import AddMobipunt, Scenario

    base = prepare_base(state["project"])
    base_eval = evaluate(base)
    dwellings = base_eval.dwellings
    reachable = dwellings[dwellings["reachable"] & dwellings["bike_min_mobipunt"].notna()]
    _expect(len(reachable) > 0, "no dwelling reaches a mobipunt in the base")
    # A new mobipunt at the worst-served reachable housing point must lower
    # that point's cycling time, so the mean cycling time has to drop.
    worst = reachable.loc[reachable["bike_min_mobipunt"].idxmax()]
    scenario = Scenario(
        name="Zelftest",
        description="Controle na installatie: een mobipunt bij de slechtst bediende woningen.",
        modifications=(
            AddMobipunt(
                x=float(worst.geometry.x),
                y=float(worst.geometry.y),
                name="Zelftest mobipunt",
                hoppin_type="buurt",
                author="slimmeregio selftest",
                reason="installatiecontrole",
            ),
        ),
    )
    scen_eval = evaluate(base, scenario)
    comparison = compare(base_eval, scen_eval)
    key = "mean_bike_min_mobipunt"
    before, after = base_eval.region[key], scen_eval.region[key]
    _expect(
        all(math.isfinite(v) for v in (before, after)),
        f"{key} not a number (base {before}, scenario {after})",
    )
    _expect(
        after < before, f"{key} did not drop with the new mobipunt ({before:.3f} -> {after:.3f})"
    )
    _expect(
        len(base_eval.municipalities) >= 35, f"{len(base_eval.municipalities)} municipality rows"
    )
    state.update(base=base, base_eval=base_eval, scen_eval=scen_eval, comparison=comparison)
    return (
        f"{int(base_eval.region['dwellings']):,} dwellings; mean cycling time to a mobipunt "
        f"{before:.2f} -> {after:.2f} min with one added mobipunt"
    )


def _check_pdf(state: dict[str, Any], folder: Path) -> str:
    path = _export_pdf(state, folder / "zelftest-kaart.pdf")
    data = path.read_bytes()
    _expect(data.startswith(b"%PDF-"), "not a PDF (no %PDF- header)")
    _expect(data.rstrip().endswith(b"%%EOF"), "PDF is truncated (no %%EOF)")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    _expect(pages >= 1, "PDF has no pages")
    state.setdefault("files", []).append(path)
    return f"{path.name}: {pages} page(s), {len(data) / 1e6:.1f} MB"


def _check_excel(state: dict[str, Any], folder: Path) -> str:
    from openpyxl import load_workbook

    path = _export_excel(state, folder / "zelftest.xlsx")
    workbook = load_workbook(path, read_only=True)
    try:
        sheets = list(workbook.sheetnames)
        rows = sum(1 for _ in workbook[sheets[0]].iter_rows()) if sheets else 0
    finally:
        workbook.close()
    _expect(len(sheets) >= 2, f"only {len(sheets)} sheet(s)")
    _expect(rows > 1, f"first sheet '{sheets[0]}' is empty")
    state.setdefault("files", []).append(path)
    return f"{path.name}: {len(sheets)} sheets ({', '.join(sheets)})"


def _check_webmap(state: dict[str, Any], folder: Path) -> str:
    from slimmeregio.exporters.webmap import export_webmap

    path = Path(
        export_webmap(
            state["project"], [state["comparison"]], folder / "zelftest-kaart.html", force=True
        )
    )
    text = path.read_text(encoding="utf-8")
    _expect(text.lstrip().lower().startswith("<!doctype html"), "not an HTML document")
    _expect("L.map(" in text, "no Leaflet map in the page (folium templates missing?)")
    _expect("Zelftest mobipunt" in text, "the scenario's new mobipunt is not on the web map")
    state.setdefault("files", []).append(path)
    return f"{path.name}: {len(text) / 1e6:.1f} MB, Leaflet map with the scenario's mobipunt"


def _check_slides(state: dict[str, Any], folder: Path) -> str:
    from pptx import Presentation

    from slimmeregio.exporters.slides import export_slides

    path = Path(
        export_slides(state["project"], [state["comparison"]], folder / "zelftest.pptx", force=True)
    )
    deck = Presentation(str(path))
    slides = len(deck.slides)
    pictures = sum(1 for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13)
    _expect(slides >= 3, f"only {slides} slide(s)")
    state.setdefault("files", []).append(path)
    return f"{path.name}: {slides} slides, {pictures} picture(s)"


def _export_pdf(state: dict[str, Any], path: Path) -> Path:
    from slimmeregio.exporters.maps import export_map

    comparison = state["comparison"]
    return Path(
        export_map(
            state["project"],
            path,
            theme="change",
            evaluation=comparison.scenario,
            comparison=comparison,
            paper="a4-landscape",
            force=True,
        )
    )


def _export_excel(state: dict[str, Any], path: Path) -> Path:
    from slimmeregio.exporters.excel import export_excel

    return Path(export_excel([state["comparison"]], path, project=state["project"], force=True))
