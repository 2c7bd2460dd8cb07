"""The deck's bike flow slides: the busiest streets towards the stations and the Brussels border, per scenario."""

from __future__ import annotations

from typing import Any

from pptx.dml.color import RGBColor
from pptx.util import Inches

from slimmeregio.exporters.flow_routes import flow_routes
from slimmeregio.exporters.slide_deck import Deck
from slimmeregio.exporters.slide_kit import (
    BLUE,
    BODY_PT,
    MARGIN,
    MUTED,
    SLIDE_W,
    add_table,
    text_box,
    title,
)
from slimmeregio.layers.i18n import tr
from slimmeregio.layers.model import Project
from slimmeregio.layers.numbers import fmt_number

#: Streets per destination on the bike-flow slide.
FLOW_ROWS = 5


def _municipality_geometry(project: Project, nis: str | None) -> Any:
    """The polygon of municipality ``nis`` in the project (None when absent)."""
    if nis is None:
        return None
    from slimmeregio.layers.roles import Role

    layer = project.layers.first(Role.MUNICIPALITIES)
    if layer is None or layer.is_raster or not layer.has_field("nis"):
        return None
    frame = (
        layer.frame.to_crs(31370)
        if layer.frame.crs is not None and layer.frame.crs.to_epsg() != 31370
        else layer.frame
    )
    sel = layer.column("nis").astype(str).to_numpy() == nis
    return frame.geometry[sel].union_all() if sel.any() else None


def flow_streets(
    links: Any,
    column: str,
    *,
    n: int = FLOW_ROWS,
    lang: str = "nl",
    area: Any = None,
    base_links: Any = None,
) -> list[tuple[str, float, float | None]]:
    """``(street, potential cyclists, change)`` of the ``n`` busiest streets for flow ``column``.

    The streets and unnamed stretches of the workbook's flow sheet
    (:func:`~slimmeregio.exporters.flow_routes.flow_routes`), with their
    busiest link's flow; an unnamed stretch is named by its first link and
    how many more; ``area`` (a polygon) keeps the links that touch it;
    with ``base_links`` the change is the flow minus the base's over the
    same links.
    """
    if area is not None and column in links.columns:
        links = links[links.intersects(area)]
    routes = flow_routes(links, column, base_links=base_links, n=n)
    out = []
    for row in routes.itertuples(index=False):
        label = str(row.route)
        if not row.named:  # found by its links: "link 298 (lokaal)", "links 298 +3 (lokaal)"
            first_class = str(row.link_class).split(", ")[0]
            label = (
                f"link {row.link_ids[0]} ({first_class})"
                if row.links == 1
                else f"links {row.link_ids[0]} +{row.links - 1} ({first_class})"
            )
        out.append(
            (
                label,
                float(row.flow),
                None if base_links is None else float(row.flow - row.base_flow),
            )
        )
    return out


def _flows_slide(
    slide: Any, project: Project, name: str, ev: Any, comp: Any, nis: str | None, lang: str
) -> None:
    """Two tables side by side: busiest streets towards the station and towards Brussels."""
    area = _municipality_geometry(project, nis)
    half = (SLIDE_W - 2 * MARGIN - Inches(0.4)) // 2
    intro = tr(
        lang,
        "{name}: woningen waarvan de kortste fietsroute over de straat loopt (potentieel, geen tellingen)",
    ).format(name=name)
    text_box(
        slide,
        MARGIN,
        Inches(1.25),
        SLIDE_W - 2 * MARGIN,
        Inches(0.8),
        intro,
        size=BODY_PT,
        color=MUTED,
    )
    flows = getattr(comp, "link_flows", None) if comp is not None else None
    for i, (column, head) in enumerate(
        (
            ("flow_dwellings", tr(lang, "Naar het station")),
            (
                "flow_brussels_dwellings",
                tr(lang, "Naar de Brusselse grens"),
            ),
        )
    ):
        left = MARGIN + i * (half + Inches(0.4))
        text_box(slide, left, Inches(2.0), half, Inches(0.5), head, size=22, bold=True, color=BLUE)
        if column == "flow_brussels_dwellings" and not getattr(ev, "has_brussels", True):
            note = ev.notes.get("no_brussels", {})
            text_box(
                slide,
                left,
                Inches(2.5),
                half,
                Inches(2.0),
                note.get(lang, note.get("nl", "")),
                size=BODY_PT,
                color=RGBColor(0x6D, 0x4C, 0x00),
            )
            continue
        changed = flows is not None and f"delta_{column}" in flows.columns
        streets = flow_streets(
            ev.links, column, lang=lang, area=area, base_links=comp.base.links if changed else None
        )
        deltas = changed and any(
            delta for _, _, delta in streets
        )  # no change on these streets: no empty column
        if not streets:
            text_box(
                slide,
                left,
                Inches(2.5),
                half,
                Inches(1.0),
                tr(lang, "Geen potentiële stroom."),
                size=BODY_PT,
                color=MUTED,
            )
            continue
        rows = [[tr(lang, "Straat"), tr(lang, "Woningen")]]
        if deltas:
            rows[0].append(tr(lang, "Verschil", context="delta"))
        for label, flow, flow_delta in streets:
            row = [label, fmt_number(flow, "count", lang)]
            if deltas:
                row.append(
                    "" if not flow_delta else fmt_number(flow_delta, "count", lang, signed=True)
                )
            rows.append(row)
        widths = (2.75, 1.75, 1.5) if deltas else (4.2, 1.8)
        add_table(slide, left, Inches(2.5), half, rows, widths, row_h=0.55)


def flow_slides(deck: Deck) -> None:
    """Where the potential commuters cycle: one slide per scenario (else the base)."""
    project, meta, base, runs, nis, lang = (
        deck.project,
        deck.meta,
        deck.base,
        deck.runs,
        deck.nis,
        deck.lang,
    )
    base_name = deck.base_name
    for flow_name, flow_ev, flow_comp in runs or [(base_name, base, None)]:  # every scenario
        if "flow_dwellings" not in flow_ev.links.columns:
            continue
        slide = deck.next_slide()
        title(
            slide,
            tr(lang, "Waar fietsen de potentiële pendelaars?"),
        )
        _flows_slide(slide, project, flow_name, flow_ev, flow_comp, nis, lang)
        deck.footer(slide, meta.with_scenario(flow_ev.scenario, flow_ev.parameters))
