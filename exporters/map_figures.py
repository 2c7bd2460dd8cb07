"""The key figures beside a map: the rows a theme shows (value and change against the base) and their panel."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from slimmeregio.exporters.headline import changes_access, gains_losses, headline_threshold
from slimmeregio.exporters.map_layout import (
    INK,
    MUTED,
    Paper,
    text_axes,
    wrap_text,
)
from slimmeregio.layers.numbers import MINUS, fmt_delta, fmt_number
from slimmeregio.layers.symbology import (
    CHANGE_COLORS,
)


def _region_value(evaluation: Any, key: str, municipality: str | None) -> float:
    return float("nan") if evaluation is None else float(evaluation.value(key, municipality))


def _middle(values: Sequence[float], default: float) -> float:
    values = list(values)
    return float(values[len(values) // 2]) if values else default


def key_figures(
    evaluation: Any,
    comparison: Any = None,
    siting: Any = None,
    *,
    municipality: str | None = None,
    lang: str = "nl",
    brussels: bool = False,
) -> list[tuple[str, str, str, bool]]:
    """``(label, value, change, higher_is_better)`` rows: the numbers a map shows.

    ``municipality`` (NIS code) gives that municipality's numbers;
    ``brussels`` adds the median cycling time to the Brussels border (when
    the run has it).
    """
    nl = lang == "nl"
    rows: list[tuple[str, str, str, bool]] = []
    if evaluation is None:
        return rows
    params = evaluation.parameters
    # the threshold where the scenario changes most (the middle one without a comparison)
    bike_t = headline_threshold(comparison, municipality, params)
    walk_t = _middle(params.walk_thresholds_m, 800.0)
    base = comparison.base if comparison is not None else None
    tb, tw = f"{bike_t:g}", f"{walk_t:g}"
    specs = [
        (
            f"share_bike_mobipunt_{tb}min",
            f"Woningen ≤ {tb} min fietsen van mobipunt"
            if nl
            else f"Dwellings ≤ {tb} min by bike of a hub",
        ),
        (
            f"share_walk_mobipunt_{tw}m",
            f"Woningen ≤ {tw} m wandelen van mobipunt"
            if nl
            else f"Dwellings ≤ {tw} m walk of a hub",
        ),
        (
            "median_bike_min_mobipunt",
            "Mediane fietstijd tot mobipunt" if nl else "Median cycling time to a hub",
        ),
        (
            f"share_bike_station_{tb}min",
            f"Woningen ≤ {tb} min fietsen van station"
            if nl
            else f"Dwellings ≤ {tb} min by bike of a station",
        ),
    ]
    if (
        municipality is not None
    ):  # a municipality's page rings its weakest-served dwellings: their threshold
        specs.insert(
            1,
            (
                "p90_bike_min_mobipunt",
                "Fietstijd van de zwakst bediende 10 % woningen"
                if nl
                else "Cycling time of the weakest-served 10 % of dwellings",
            ),
        )
    if brussels:  # first: the map is about it
        specs.insert(
            0,
            (
                "median_bike_min_brussels",
                "Mediane fietstijd tot de Brusselse grens"
                if nl
                else "Median cycling time to the Brussels border",
            ),
        )
    from slimmeregio.scenarios.indicator_direction import indicator_direction
    from slimmeregio.scenarios.results import indicator_unit

    for key, label in specs:
        value = _region_value(evaluation, key, municipality)
        if math.isnan(value):
            continue
        unit = indicator_unit(key)
        change = ""
        if base is not None:
            change = fmt_delta(value, _region_value(base, key, municipality), unit, lang)
        rows.append((label, fmt_number(value, unit, lang), change, indicator_direction(key) >= 0))
    if (
        comparison is not None
    ):  # second, after the share it explains: gains and losses at every threshold
        per = {r.threshold: r for r in gains_losses(comparison, municipality)}
        head = per.get(bike_t)
        others = "; ".join(
            f"≤ {t:g} min: {fmt_number(r.gains, 'count', lang)} / {fmt_number(r.losses, 'count', lang)}"
            for t, r in per.items()
            if t != bike_t
        )
        label = (
            f"Woningen met winst / verlies ≤ {tb} min"
            if nl
            else f"Dwellings gaining / losing ≤ {tb} min"
        )
        if changes_access(comparison, municipality):
            label += " (grootste verandering)" if nl else " (largest change)"
        if others:
            label += f"; {others}"
        if head is not None:
            rows.insert(
                min(len(rows), 1 + int(brussels)),
                (
                    label,
                    f"{fmt_number(head.gains, 'count', lang)} / {fmt_number(head.losses, 'count', lang)}",
                    "",
                    True,
                ),
            )
    if siting is not None and len(siting.sites):
        gain = float(siting.sites["gain_dwellings"].sum())
        rows.insert(
            0,
            (
                f"Extra woningen ≤ {siting.threshold_min:g} min met {len(siting.sites)} nieuwe mobipunten"
                if nl
                else f"Extra dwellings ≤ {siting.threshold_min:g} min with {len(siting.sites)} new hubs",
                fmt_number(gain, "count", lang),
                "",
                True,
            ),
        )
    return rows


# --------------------------------------------------------------------------- panel


def draw_figures(
    fig: Figure,
    rect: Sequence[float],
    paper: Paper,
    rows: list[tuple[str, str, str, bool]],
    heading: str,
    lang: str,
) -> None:
    """Key figures: label, value and change (green when better, orange when worse)."""
    if not rows:
        return
    ax = text_axes(fig, rect)
    s = paper.scale
    line = 3.0 * s / (rect[3] * paper.height_mm)  # one text line in axes fraction
    ax.text(0, 1, heading, fontsize=8.5 * s, fontweight="bold", color=INK, va="top")
    y = 1 - line * 2.0
    for label, value, change, higher_is_better in rows[: _max_figures(paper)]:
        text = wrap_text(label, rect[2] * 0.58, paper, 6.6 * s)
        ax.text(0, y, text, fontsize=6.6 * s, color=MUTED, va="top", linespacing=1.1)
        ax.text(0.8, y, value, fontsize=7.8 * s, fontweight="bold", color=INK, va="top", ha="right")
        if change:
            sign = -1 if change.startswith(MINUS) else 1 if change.startswith("+") else 0
            good = sign * (1 if higher_is_better else -1)
            color = (
                CHANGE_COLORS["gain"] if good > 0 else CHANGE_COLORS["loss"] if good < 0 else MUTED
            )
            ax.text(
                1, y, change, fontsize=7 * s, color=color, va="top", ha="right", fontweight="bold"
            )
        y -= line * (text.count("\n") + 1) + line * 0.55


def _max_figures(paper: Paper) -> int:
    """Key figures that fit: four on A4, five on A3."""
    return 5 if paper.scale > 1 else 4


def figures_height(paper: Paper, rows: int) -> float:
    """Height in mm of the key-figure block."""
    return 0.0 if rows == 0 else 3.0 * paper.scale * (2.0 + 2.6 * min(rows, _max_figures(paper)))
