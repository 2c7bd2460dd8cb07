"""Render the example pictures in this folder from the embedded region.

    python docs/examples/make_examples.py

Evaluates the example scenario (``slimmeregio scenario example``) against the
base, writes the council pack into a temporary folder and turns its maps,
atlas pages and slides into small PNGs here (each kept under 400 KB).
Slides and the workbook are rendered with LibreOffice and poppler
(``soffice``, ``pdftoppm``) when installed; without them those pictures
are skipped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from pptx import Presentation

from slimmeregio.exporters.maps import export_atlas, export_map
from slimmeregio.exporters.slides import export_slides
from slimmeregio.layers.region import load_region
from slimmeregio.scenarios.comparison import compare
from slimmeregio.scenarios.engine import evaluate, prepare_base, suggest_sites
from slimmeregio.scenarios.model import Scenario, example_scenario_toml

HERE = Path(__file__).resolve().parent
LIMIT = 400_000


def _shrink(source: Path, target: Path, width: int) -> None:
    """Save ``source`` as a palette PNG at most ``width`` pixels wide and under LIMIT bytes."""
    image = Image.open(source).convert("RGB")
    while True:
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        image.save(target, optimize=True)
        if target.stat().st_size >= LIMIT:  # keep the colours exact where possible, else a palette
            image.quantize(
                colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            ).save(target, optimize=True)
        if target.stat().st_size < LIMIT or width < 600:
            return
        width = int(width * 0.85)


def _pdf_pages(pdf: Path, out_prefix: Path, pages: list[int], dpi: int) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        return []
    made = []
    for page in pages:
        stem = out_prefix.with_name(f"{out_prefix.name}-{page}")
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        made.append(stem.with_suffix(".png"))
    return made


def main() -> int:
    project = load_region()
    scenario = Scenario.from_toml(example_scenario_toml())
    base = prepare_base(project, scenario.parameters)
    comparison = compare(evaluate(base), evaluate(base, scenario))
    siting = suggest_sites(base, scenario, 5)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        maps = [
            ("masterplan_basis_a3.png", "base", "a3-landscape", 1700),
            ("masterplan_bereikbaarheid_a3.png", "access", "a3-landscape", 1700),
            ("masterplan_wijzigingen_a3.png", "change", "a3-landscape", 1700),
            ("masterplan_fietsstromen_a4.png", "flows", "a4-portrait", 1100),
            ("masterplan_fietsstromen_brussel_a4.png", "flows_brussels", "a4-portrait", 1100),
            ("masterplan_locatievoorstel_a4.png", "siting", "a4-landscape", 1500),
            ("masterplan_openbaar_vervoer_a3.png", "public_transport", "a3-landscape", 1700),
        ]
        for name, theme, paper, width in maps:
            raw = tmp / name
            export_map(
                project,
                raw,
                theme=theme,
                comparison=comparison,
                siting=siting,
                paper=paper,
                dpi=150,
            )
            _shrink(raw, HERE / name, width)
            print("wrote", name)
        atlas = export_atlas(
            project,
            tmp / "atlas.pdf",
            theme="change",
            comparison=comparison,
            municipalities=["Halle", "Vilvoorde"],
            paper="a4-portrait",
        )
        for i, page in enumerate(_pdf_pages(atlas, tmp / "atlas", [1, 2], 110), start=1):
            _shrink(page, HERE / f"atlas_pagina_{i}.png", 1000)
            print("wrote", f"atlas_pagina_{i}.png")
        deck = export_slides(project, [comparison], tmp / "presentatie.pptx")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice:
            subprocess.run(
                [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(deck)],
                check=True,
                capture_output=True,
                timeout=300,
            )
            pages = _pdf_pages(
                tmp / "presentatie.pdf",
                tmp / "slide",
                list(range(1, len(Presentation(str(deck)).slides) + 1)),
                80,
            )
            for i, page in enumerate(pages, start=1):
                _shrink(page, HERE / f"dia_{i}.png", 1100)
                print("wrote", f"dia_{i}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
