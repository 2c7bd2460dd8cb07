"""A council deck being built: the presentation, what it shows, and its slide count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pptx.util import Inches

from slimmeregio.exporters.map_layout import find_municipality
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.exporters.result_runs import Run, base_name
from slimmeregio.exporters.slide_kit import MARGIN, blank, footer, map_png
from slimmeregio.layers.model import Project


@dataclass
class Deck:
    """The deck's presentation and context; ``number`` is the current slide's number."""

    prs: Any
    project: Project
    meta: ExportMeta
    base: Any
    runs: list[Run]
    nis: str | None
    muni_name: str | None
    lang: str
    number: int = 0

    @classmethod
    def start(
        cls,
        prs: Any,
        project: Project,
        meta: ExportMeta,
        base: Any,
        runs: list[Run],
        municipality: str | None,
        lang: str,
    ) -> Deck:
        """A deck of the region, or of ``municipality`` (NIS code or name)."""
        nis = name = None
        if municipality is not None:
            source = base if base is not None else runs[0][1]
            row = find_municipality(source.municipalities, municipality)
            nis, name = str(row["nis"]), str(row["name"])
        return cls(prs, project, meta, base, runs, nis, name, lang)

    @property
    def first(self) -> Any:
        """The first scenario's evaluation, else the base's."""
        return self.runs[0][1] if self.runs else self.base

    @property
    def base_name(self) -> str:
        return base_name(self.lang)

    def next_slide(self) -> Any:
        """A new blank slide; it becomes the current one."""
        self.number += 1
        return blank(self.prs)

    def footer(self, slide: Any, meta: ExportMeta | None = None) -> None:
        """The current slide's footer (for ``meta``, default the deck's)."""
        footer(slide, meta or self.meta, self.number, self.lang)

    def value(self, ev: Any, key: str) -> float:
        """Indicator ``key`` of ``ev`` for the deck's area (NaN without ``ev``)."""
        return float("nan") if ev is None else float(ev.value(key, self.nis))

    def map_picture(
        self,
        slide: Any,
        theme: str,
        *,
        evaluation: Any,
        comparison: Any,
        meta: ExportMeta,
        siting: Any = None,
    ) -> None:
        """A map of ``theme`` for the deck's area and language on the slide's left two thirds."""
        png = map_png(
            self.project,
            theme,
            comparison=comparison,
            evaluation=evaluation,
            meta=meta,
            municipality=self.nis,
            lang=self.lang,
            siting=siting,
        )
        slide.shapes.add_picture(png, MARGIN, Inches(1.35), height=Inches(5.55))
