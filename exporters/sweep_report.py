"""The sweep summary: variants ranked by an indicator, cost per candidate, Pareto front.

Written into the sweep's output folder: ``sweep.xlsx`` (sheets Ranking,
Candidates, Pareto, Indicators; numbers as numbers, text never as formulas)
and ``sweep.png`` (gain against cost with the Pareto front, or the best
variants' gains when no candidate has a cost).

The *gain* of a variant is its delta for the chosen indicator, signed so that
more is better (a shorter mean cycling time is a gain). A variant is on the
Pareto front when no other variant has at most its cost and more gain (or
less cost and at least its gain).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from openpyxl import Workbook

from slimmeregio.exporters._safe import writing
from slimmeregio.exporters.excel import write_cell
from slimmeregio.exporters.excel_cells import finish_sheet, write_header
from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.i18n import tr
from slimmeregio.scenarios.indicator_direction import indicator_direction
from slimmeregio.scenarios.results import indicator_label, indicator_unit
from slimmeregio.scenarios.sweep_plan import SweepPlan
from slimmeregio.scenarios.sweep_store import SweepStore

__all__ = [
    "candidate_summary",
    "default_indicator",
    "higher_is_better",
    "pareto_front",
    "rank_variants",
    "sweep_table",
    "write_sweep_report",
]

#: Variants shown in the bar chart when there are no costs.
TOP_BARS = 20


def higher_is_better(key: str) -> bool:
    """Whether a larger value of ``key`` is an improvement (a count without a direction ranks by size)."""
    return indicator_direction(key) >= 0


def sweep_table(plan: SweepPlan, store: SweepStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan's finished variants (one row each) and their indicators (long).

    Labels, candidates and costs come from the plan, not the table: a rerun
    after changing a candidate's ``cost_eur`` (which does not change the
    variant) reports the new cost.
    """
    import json

    ids = [v.variant_id for v in plan.variants]
    stored = store.variants(ids)
    current = pd.DataFrame(
        {
            "variant_id": ids,
            "idx": [v.index for v in plan.variants],
            "label": [v.label for v in plan.variants],
            "candidates": [
                json.dumps(list(v.candidates), ensure_ascii=False) for v in plan.variants
            ],
            "cost_eur": [v.cost_eur for v in plan.variants],
        }
    )
    variants = current.merge(
        stored.drop(columns=["idx", "label", "candidates", "cost_eur"]),
        on="variant_id",
        how="inner",
    )
    return variants, store.indicators(ids)


def default_indicator(indicators: pd.DataFrame) -> str:
    """The indicator ranked by when none is asked: the first bike share to a mobipunt."""
    keys = list(dict.fromkeys(indicators["indicator"]))
    for key in keys:
        if key.startswith("share_bike_mobipunt_"):
            return key
    return keys[0] if keys else "dwellings"


def rank_variants(variants: pd.DataFrame, indicators: pd.DataFrame, key: str) -> pd.DataFrame:
    """Successful variants with ``base``, ``scenario``, ``delta`` and ``gain`` of ``key``,
    best first (ties: lower cost, then enumeration order); column ``rank`` from 1."""
    rows = indicators[indicators["indicator"] == key][["variant_id", "base", "scenario", "delta"]]
    ok = variants[variants["status"] == "ok"]
    table = ok.merge(rows, on="variant_id", how="inner")
    sign = 1.0 if higher_is_better(key) else -1.0
    table["gain"] = sign * table["delta"].astype(float) + 0.0  # no -0.0
    table = table.sort_values(
        ["gain", "cost_eur", "idx"], ascending=[False, True, True], kind="stable"
    )
    table = table.reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def pareto_front(cost: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Mask of the points no other point dominates (cost lower-better, gain higher-better)."""
    cost = np.asarray(cost, dtype=float)
    gain = np.asarray(gain, dtype=float)
    order = np.lexsort((-gain, cost))  # by cost ascending, then gain descending
    mask = np.zeros(len(cost), dtype=bool)
    best = -np.inf
    for i in order:
        if gain[i] > best:
            mask[i] = True
            best = gain[i]
    return mask


def candidate_summary(plan: SweepPlan, ranked: pd.DataFrame) -> pd.DataFrame:
    """Per candidate: cost, mean gain of the variants with and without it, the difference
    and that difference per million euro."""
    import json

    chosen = [set(json.loads(c)) for c in ranked["candidates"]] if len(ranked) else []
    gains = ranked["gain"].to_numpy(dtype=float) if len(ranked) else np.zeros(0)
    rows = []
    for name, cost in plan.candidate_costs.items():
        inside = np.array([name in c for c in chosen], dtype=bool)
        with_c = float(gains[inside].mean()) if inside.any() else np.nan
        without = float(gains[~inside].mean()) if (~inside).any() else np.nan
        diff = with_c - without
        per_m = diff / (cost / 1e6) if cost else np.nan
        rows.append(
            {
                "candidate": name,
                "cost_eur": cost,
                "variants_with": int(inside.sum()),
                "mean_gain_with": with_c,
                "mean_gain_without": without,
                "difference": diff,
                "difference_per_meur": per_m,
            }
        )
    return pd.DataFrame(rows)


def _sheet_rows(ws, header: list[str], rows: list[list[object]], formats: list[str | None]) -> None:
    write_header(ws, 1, header)
    for i, row in enumerate(rows, start=2):
        for j, (value, fmt) in enumerate(zip(row, formats, strict=True), start=1):
            write_cell(ws, i, j, value, number_format=fmt)
    finish_sheet(ws, 1, len(rows), len(header))


def _workbook(
    plan: SweepPlan,
    ranked: pd.DataFrame,
    candidates: pd.DataFrame,
    variants: pd.DataFrame,
    indicators: pd.DataFrame,
    key: str,
    lang: str,
) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = tr(lang, "Rangschikking")
    label = indicator_label(key, lang)
    unit = indicator_unit(key)
    has_cost = bool((ranked["cost_eur"] > 0).any()) if len(ranked) else False
    front = pareto_front(ranked["cost_eur"], ranked["gain"]) if len(ranked) else np.zeros(0, bool)
    header = [
        tr(lang, "Rang"),
        tr(lang, "Variant"),
        "id",
        tr(lang, "Kandidaten en parameters"),
        tr(lang, "Kost (EUR)"),
        f"{label}: {tr(lang, 'basis')}",
        f"{label}: {tr(lang, 'variant')}",
        f"{label}: {tr(lang, 'verschil')}",
        tr(lang, "Winst"),
        tr(lang, "Winst per miljoen EUR"),
        tr(lang, "Pareto-front"),
    ]
    rows = []
    for i, r in enumerate(ranked.itertuples()):
        per_m = r.gain / (r.cost_eur / 1e6) if r.cost_eur > 0 else None
        rows.append(
            [
                r.rank,
                r.idx,
                r.variant_id,
                r.label,
                r.cost_eur,
                r.base,
                r.scenario,
                r.delta,
                r.gain,
                per_m,
                tr(lang, "ja") if front[i] and has_cost else "",
            ]
        )
    fmt = "0.000"
    _sheet_rows(
        ws,
        header,
        rows,
        ["0", "0", None, None, "#,##0", fmt, fmt, "+0.000;-0.000;0", fmt, fmt, None],
    )
    errors = variants[variants["status"] != "ok"]
    if len(errors):
        start = len(rows) + 3
        write_cell(ws, start, 1, tr(lang, "Varianten met een fout"))
        for k, r in enumerate(errors.itertuples(), start=start + 1):
            write_cell(ws, k, 2, r.idx, number_format="0")
            write_cell(ws, k, 3, r.variant_id)
            write_cell(ws, k, 4, r.label)
            write_cell(ws, k, 5, r.message_nl if lang == "nl" else r.message_en)

    ws = wb.create_sheet(tr(lang, "Kandidaten"))
    _sheet_rows(
        ws,
        [
            tr(lang, "Kandidaat"),
            tr(lang, "Kost (EUR)"),
            tr(lang, "Varianten met"),
            tr(lang, "Gem. winst met"),
            tr(lang, "Gem. winst zonder"),
            tr(lang, "Verschil"),
            tr(lang, "Verschil per miljoen EUR"),
        ],
        [
            [
                r.candidate,
                r.cost_eur,
                r.variants_with,
                r.mean_gain_with,
                r.mean_gain_without,
                r.difference,
                r.difference_per_meur,
            ]
            for r in candidates.itertuples()
        ],
        [None, "#,##0", "0", fmt, fmt, fmt, fmt],
    )

    ws = wb.create_sheet("Pareto")
    on_front = ranked[front].sort_values("cost_eur") if len(ranked) else ranked
    _sheet_rows(
        ws,
        [
            tr(lang, "Variant"),
            tr(lang, "Kandidaten en parameters"),
            tr(lang, "Kost (EUR)"),
            tr(lang, "Winst"),
        ],
        [[r.idx, r.label, r.cost_eur, r.gain] for r in on_front.itertuples()],
        ["0", None, "#,##0", fmt],
    )

    ws = wb.create_sheet(tr(lang, "Indicatoren"))
    deltas = (
        indicators.pivot(index="variant_id", columns="indicator", values="delta")
        if len(indicators)
        else pd.DataFrame()
    )
    keys = list(dict.fromkeys(indicators["indicator"])) if len(indicators) else []
    ok = variants[variants["status"] == "ok"]
    _sheet_rows(
        ws,
        [
            tr(lang, "Variant"),
            tr(lang, "Kandidaten en parameters"),
        ]
        + [f"{indicator_label(k, lang)} ({tr(lang, 'verschil')})" for k in keys],
        [
            [r.idx, r.label]
            + [deltas.at[r.variant_id, k] if r.variant_id in deltas.index else None for k in keys]
            for r in ok.itertuples()
        ],
        ["0", None] + ["+0.000;-0.000;0"] * len(keys),
    )
    ws = wb.create_sheet(tr(lang, "Over"))
    info = [
        (tr(lang, "Sweep"), plan.sweep.name),
        (tr(lang, "Gerangschikt op"), f"{label} ({unit})"),
        (tr(lang, "Combinaties"), plan.total),
        (tr(lang, "Varianten doorgerekend"), len(variants)),
        (
            tr(lang, "Steekproef"),
            tr(lang, "ja (seed {v0})").format(v0=plan.sweep.seed)
            if plan.sampled
            else tr(lang, "nee, alle combinaties"),
        ),
    ]
    for i, (name, value) in enumerate(info, start=1):
        write_cell(ws, i, 1, name)
        write_cell(ws, i, 2, value, number_format="#,##0")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    return wb


def _figure(ranked: pd.DataFrame, key: str, lang: str) -> Figure:
    fig = Figure(figsize=(9, 6), dpi=120)
    ax = fig.add_subplot(1, 1, 1)
    label = indicator_label(key, lang)
    gain_label = tr(lang, "Winst: {label}").format(label=label)
    if len(ranked) and (ranked["cost_eur"] > 0).any():
        cost = ranked["cost_eur"].to_numpy(dtype=float) / 1e6
        gain = ranked["gain"].to_numpy(dtype=float)
        front = pareto_front(cost, gain)
        ax.scatter(
            cost[~front],
            gain[~front],
            s=18,
            color="#9e9e9e",
            label=tr(lang, "varianten"),
        )
        order = np.argsort(cost[front], kind="stable")
        ax.plot(
            cost[front][order],
            gain[front][order],
            "-o",
            color="#0d47a1",
            markersize=5,
            label=tr(lang, "Pareto-front"),
        )
        ax.set_xlabel(tr(lang, "Kost (miljoen EUR)"))
        ax.set_ylabel(gain_label)
        ax.legend(loc="lower right")
        ax.set_title(tr(lang, "Winst tegenover kost"))
    else:
        top = ranked.head(TOP_BARS).iloc[::-1]
        ax.barh([str(i) for i in top["idx"]], top["gain"].to_numpy(dtype=float), color="#0d47a1")
        ax.set_xlabel(gain_label)
        ax.set_ylabel(tr(lang, "Variant"))
        ax.set_title(tr(lang, "Beste varianten"))
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def write_sweep_report(
    plan: SweepPlan,
    folder: str | Path,
    *,
    indicator: str | None = None,
    lang: str = "nl",
) -> tuple[list[Path], pd.DataFrame]:
    """Write ``sweep.xlsx`` and ``sweep.png`` in ``folder`` (replacing earlier ones).

    Returns the files written and the ranking.

    Raises
    ------
    ExportError
        ``indicator`` is not one of the sweep's indicators.
    """
    folder = Path(folder)
    with SweepStore(folder) as store:
        variants, indicators = sweep_table(plan, store)
    keys = list(dict.fromkeys(indicators["indicator"]))
    key = indicator or default_indicator(indicators)
    if indicator is not None and indicator not in keys:
        raise ExportError(
            path=folder,
            reason={
                "nl": f"onbekende indicator '{indicator}'; kies uit: {', '.join(keys[:8])} ...",
                "en": f"unknown indicator '{indicator}'; choose from: {', '.join(keys[:8])} ...",
            },
        )
    ranked = rank_variants(variants, indicators, key)
    candidates = candidate_summary(plan, ranked)
    xlsx, png = folder / "sweep.xlsx", folder / "sweep.png"
    wb = _workbook(plan, ranked, candidates, variants, indicators, key, lang)
    with writing(xlsx, force=True) as tmp:
        wb.save(tmp)
    fig = _figure(ranked, key, lang)
    with writing(png, force=True) as tmp:
        fig.savefig(tmp, format="png")
    return [xlsx, png], ranked
