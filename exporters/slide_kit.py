"""Slide building blocks: text boxes, titles, footers, key-figure tiles, tables, map pictures, language tags."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from slimmeregio.exporters._safe import xml_text
from slimmeregio.exporters.map_layout import SLIDE_PAPER
from slimmeregio.exporters.maps import masterplan_figure
from slimmeregio.exporters.meta import ExportMeta
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project

#: Smallest body text size (points).
BODY_PT = 18
#: Shape name of the footer text box on every slide (smaller text allowed).
FOOTER_NAME = "Voettekst"

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
BLUE = RGBColor(0x0D, 0x47, 0xA1)
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x4A, 0x4A, 0x4A)
_GOOD = RGBColor(0x0E, 0x7C, 0x5A)
_BAD = RGBColor(0xB3, 0x4A, 0x00)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
NOTE_BG = RGBColor(0xFF, 0xF8, 0xE1)
MARGIN = Inches(0.6)


def slide_text(value: Any) -> str:
    """Text safe for the slide XML (characters XML forbids removed)."""
    return xml_text(value)


def text_box(
    slide: Any,
    left: int,
    top: int,
    width: int,
    height: int,
    text: str,
    *,
    size: int = BODY_PT,
    bold: bool = False,
    color: RGBColor = INK,
    align: Any = PP_ALIGN.LEFT,
    name: str | None = None,
    anchor: Any = MSO_ANCHOR.TOP,
) -> Any:
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, line in enumerate(slide_text(text).split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    return box


def title(slide: Any, text: str) -> None:
    bar = slide.shapes.add_shape(1, 0, 0, SLIDE_W, Inches(1.15))  # rectangle
    bar.fill.solid()
    bar.fill.fore_color.rgb = BLUE
    bar.line.fill.background()
    bar.name = "Titelbalk"
    size = 32 if len(text) <= 50 else 26 if len(text) <= 70 else 22
    text_box(
        slide,
        MARGIN,
        Inches(0.1),
        SLIDE_W - 2 * MARGIN,
        Inches(0.95),
        text,
        size=size,
        bold=True,
        color=WHITE,
        anchor=MSO_ANCHOR.MIDDLE,
    )


def footer(slide: Any, meta: ExportMeta, number: int, lang: str = "nl") -> None:
    plural = tr(lang, "Scenario's")
    parts = [
        f"Scenario: {meta.scenario}"
        if not meta.scenarios
        else f"{plural}: {', '.join(meta.scenarios)}",
        meta.date_text,
        f"Slimme Regio Planner {meta.version}",
    ]
    if meta.notes:
        parts.append(tr(lang, "illustratieve gegevens"))
    parts.append(f"{number}")
    text_box(
        slide,
        MARGIN,
        SLIDE_H - Inches(0.5),
        SLIDE_W - 2 * MARGIN,
        Inches(0.4),
        "  ·  ".join(parts),
        size=12,
        color=MUTED,
        name=FOOTER_NAME,
    )


def blank(prs: Any) -> Any:
    return prs.slides.add_slide(prs.slide_layouts[6])


def tile(
    slide: Any,
    left: int,
    top: int,
    width: int,
    height: int,
    value: str,
    label: str,
    change: str = "",
    good: bool | None = None,
) -> None:
    """A key-figure tile: big value (and its change) on top, label below."""
    box = slide.shapes.add_shape(1, left, top, width, height)
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor(0xF1, 0xF5, 0xFB)
    box.line.color.rgb = RGBColor(0xC5, 0xD3, 0xE8)
    box.name = "Kerncijfer"
    pad = Inches(0.15)
    value_h = Inches(0.62)
    shape = slide.shapes.add_textbox(left + pad, top + Inches(0.08), width - 2 * pad, value_h)
    frame = shape.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = slide_text(value)
    room = len(value) + 0.6 * (
        len(change) + 2
    )  # the change shares the line: shrink the value, never wrap
    run.font.size = Pt(30 if room <= 12 else 26 if room <= 14.5 else 22)
    run.font.bold = True
    run.font.color.rgb = BLUE
    if change:
        extra = para.add_run()
        extra.text = "  " + slide_text(change)
        extra.font.size = Pt(BODY_PT)
        extra.font.bold = True
        extra.font.color.rgb = _GOOD if good else _BAD if good is False else MUTED
    text_box(
        slide,
        left + pad,
        top + Inches(0.08) + value_h,
        width - 2 * pad,
        height - value_h - Inches(0.1),
        label,
        size=BODY_PT,
        color=INK,
    )


def add_table(
    slide: Any,
    left: int,
    top: int,
    width: int,
    rows: list[list[str]],
    widths: Sequence[float],
    *,
    size: int = BODY_PT,
    row_h: float = 0.5,
) -> Any:
    shape = slide.shapes.add_table(
        len(rows), len(rows[0]), left, top, width, Inches(row_h * len(rows))
    )
    table = shape.table
    total = sum(widths)
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(int(width * w / total))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            para = cell.text_frame.paragraphs[0]
            run = para.add_run()
            run.text = slide_text(value)
            run.font.size = Pt(size)
            run.font.bold = i == 0
            run.font.color.rgb = WHITE if i == 0 else INK
            cell.text_frame.word_wrap = True
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            if i == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = BLUE
            else:
                cell.fill.solid()
                cell.fill.fore_color.rgb = (
                    RGBColor(0xFF, 0xFF, 0xFF) if i % 2 else RGBColor(0xF2, 0xF2, 0xF2)
                )
            if j > 0 and _numeric(value):
                para.alignment = PP_ALIGN.RIGHT
    return shape


def body_table(slide: Any, rows: list[list[str]], widths: Sequence[float], row_h: float) -> Any:
    """A table across the slide's body, below the title bar."""
    return add_table(slide, MARGIN, Inches(1.35), SLIDE_W - 2 * MARGIN, rows, widths, row_h=row_h)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[+\-–]?[0-9.,]+( ?(%|pp|min|m))?", str(text).strip()))


def middle(values: Sequence[float], default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


def map_png(
    project: Project,
    theme: str,
    *,
    comparison: Any,
    evaluation: Any,
    meta: ExportMeta,
    municipality: str | None,
    lang: str = "nl",
    dpi: int = 130,
    siting: Any = None,
) -> io.BytesIO:
    fig = masterplan_figure(
        project,
        theme=theme,
        comparison=comparison,
        evaluation=evaluation,
        siting=siting,
        paper=SLIDE_PAPER,
        meta=meta,
        municipality=municipality,
        compact=True,
        lang=lang,
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    buffer.seek(0)
    return buffer


def tag_language(prs: Any, lang: str) -> None:
    """Tag every text run nl-BE (en-GB for English) so spelling and read-aloud use the right language."""
    language = MSO_LANGUAGE_ID.ENGLISH_UK if lang == "en" else MSO_LANGUAGE_ID.BELGIAN_DUTCH

    def frames(shape: Any) -> Any:
        if shape.has_text_frame:
            yield shape.text_frame
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    yield cell.text_frame

    for slide in prs.slides:
        shapes = list(slide.shapes)
        if slide.has_notes_slide:
            shapes += list(slide.notes_slide.shapes)
        for shape in shapes:
            for frame in frames(shape):
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.language_id = language
