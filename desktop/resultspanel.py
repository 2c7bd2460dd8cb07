"""Results of a run: key-figure cards, the municipality table, charts and
the map theme selector."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PyQt6.QtCore import QModelIndex, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QFrame,
    QGraphicsOpacityEffect,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from slimmeregio.desktop.frametable import FrameModel, fmt, frame_table
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.themes import THEME_KEYS, theme_label
from slimmeregio.layers.i18n import N_
from slimmeregio.layers.numbers import delta as numbers_delta
from slimmeregio.layers.numbers import fmt_delta, fmt_difference
from slimmeregio.scenarios.results import indicator_label, indicator_unit

__all__ = [
    "FrameModel",
    "KeyFigureCard",
    "ResultsPanel",
    "fmt",
    "frame_table",
    "higher_is_better",
    "key_indicators",
    "note_texts",
    "reference_text",
]


#: How the results panel names the families of ``Evaluation.pending``.
PENDING_LABELS: dict[str, str] = {
    "opportunities": N_("banen, scholen en pendel"),
    "transit": N_("openbaar vervoer"),
}


def key_indicators(parameters: Any) -> list[str]:
    """The region indicators shown as cards, from the run's thresholds."""
    bike = parameters.bike_thresholds_min
    walk = parameters.walk_thresholds_m
    b = f"{bike[min(1, len(bike) - 1)]:g}"
    w = f"{walk[min(1, len(walk) - 1)]:g}"
    return [
        f"share_bike_mobipunt_{b}min",
        f"share_walk_mobipunt_{w}m",
        "median_bike_min_mobipunt",
        f"share_bike_station_{b}min",
        "dwellings",
        "unreachable_dwellings",
    ]


class KeyFigureCard(QFrame):
    """One key figure: label, value and the change against the base."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KeyFigureCard")
        self.setStyleSheet(
            "QFrame#KeyFigureCard { background: #ffffff; border: 1px solid #dfe3e8; border-radius: 6px; }"
            "QLabel#cardValue { font-size: 20px; font-weight: 600; color: #1f2d3d; }"
            "QLabel#cardLabel { color: #52606d; }"
        )
        self.label = QLabel(self)
        self.label.setObjectName("cardLabel")
        self.label.setWordWrap(True)
        self.value = QLabel(self)
        self.value.setObjectName("cardValue")
        self.delta = QLabel(self)
        self.delta.setObjectName("cardDelta")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.value)
        layout.addWidget(self.delta)
        self.key = ""

    def show_value(
        self,
        key: str,
        value: float,
        delta: float | None,
        *,
        better_when_higher: bool = True,
        reference: str = "",
    ) -> None:
        """Show ``value`` and its change against ``reference`` (a scenario's
        name; empty = the base)."""
        self.key = key
        unit = indicator_unit(key)
        self.label.setText(indicator_label(key, language()))
        self.value.setText(fmt(value, unit))
        if delta is None or not math.isfinite(delta):
            self.delta.setText((reference or tr("basis")) if delta is None else "–")
            self.delta.setStyleSheet("color: #7b8794;")
            return
        against = reference_text(reference)
        shown = numbers_delta(value, value - delta, unit)
        if shown is None or shown.direction == 0:  # equal (up to floating-point rounding)
            self.delta.setText(tr("= geen verandering") + f" {against}")
            self.delta.setStyleSheet("color: #7b8794;")
            return
        # the same text as every export: value and reference decide the decimals
        change = fmt_delta(value, value - delta, unit, language())
        self.delta.setToolTip(tr("Exact verschil: {d}", d=fmt_difference(delta, unit, language())))
        good = (delta > 0) == better_when_higher
        arrow = "▲" if delta > 0 else "▼"
        self.delta.setText(f"{arrow} {change} {against}")
        self.delta.setStyleSheet(
            "color: #1b7a4a; font-weight: 600;" if good else "color: #b23c17; font-weight: 600;"
        )


class NotesArea(QScrollArea):
    """The remarks of a run: as tall as their text, up to :attr:`MAX_HEIGHT`
    pixels, then scrolling. A plain label in the panel's layout was squeezed
    on a big project and its last remark cut off without a sign."""

    MAX_HEIGHT = 180

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setStyleSheet("QScrollArea { background: transparent; }")
        self.viewport().setAutoFillBackground(False)

    def refit(self) -> None:
        """Take the height the text needs at the current width (at most :attr:`MAX_HEIGHT`)."""
        label = self.widget()
        if label is None:
            return
        width = self.viewport().width() or self.width()
        need = label.heightForWidth(width) if width > 0 else label.sizeHint().height()
        height = min(max(need, 0) + 2 * self.frameWidth(), self.MAX_HEIGHT)
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.refit()


def reference_text(reference: str = "") -> str:
    """'t.o.v. basis' or 't.o.v. <scenario>': the named reference of a delta."""
    return tr("t.o.v. basis") if not reference else tr("t.o.v. {name}", name=reference)


def note_texts(evaluation: Any, lang: str = "nl") -> list[str]:
    """The remarks of ``evaluation`` (``Evaluation.notes``: code -> text per
    language, or plain text) in ``lang``, in their order."""
    out = []
    for note in (getattr(evaluation, "notes", None) or {}).values():
        if isinstance(note, dict):
            text = note.get(lang) or note.get("nl") or next(iter(note.values()), "")
        else:
            text = str(note)
        if text:
            out.append(str(text))
    return out


def higher_is_better(key: str) -> bool:
    """Whether a rise of ``key`` is for the better (the exports' rule; counts without a direction: rise)."""
    from slimmeregio.scenarios.indicator_direction import indicator_direction

    return indicator_direction(key) >= 0


class ResultsPanel(QWidget):
    """Cards, municipality table, charts and the map-theme choice."""

    themeChanged = pyqtSignal(str)
    municipalitySelected = pyqtSignal(str)
    rerunRequested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ResultsPanel")
        self.evaluation: Any = None
        self.comparison: Any = None
        self.reference = ""
        self.stale = False
        self.stale_banner = QFrame(self)
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setStyleSheet(
            "QFrame#staleBanner { background: #fdecea; border: 1px solid #e57373; border-radius: 4px; }"
            "QLabel { color: #8e1b10; font-weight: 600; }"
        )
        self.stale_label = QLabel(
            tr("Resultaten horen bij een eerdere toestand — opnieuw doorrekenen"), self.stale_banner
        )
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setWordWrap(True)
        self.stale_reason = QLabel(self.stale_banner)
        self.stale_reason.setWordWrap(True)
        self.stale_reason.setStyleSheet("font-weight: 400;")
        self.rerun_btn = QPushButton(tr("Opnieuw doorrekenen"), self.stale_banner)
        self.rerun_btn.setObjectName("rerunButton")
        self.rerun_btn.clicked.connect(self.rerunRequested.emit)
        banner_layout = QVBoxLayout(self.stale_banner)
        banner_layout.setContentsMargins(8, 6, 8, 6)
        banner_layout.addWidget(self.stale_label)
        banner_layout.addWidget(self.stale_reason)
        banner_layout.addWidget(self.rerun_btn, 0, Qt.AlignmentFlag.AlignLeft)
        self.stale_banner.setVisible(False)
        self.title = QLabel(tr("Nog geen resultaten. Reken een scenario door (F5)."), self)
        self.title.setObjectName("resultsTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600; font-size: 13px; padding: 2px;")
        self.notes = QLabel(self)
        self.notes.setObjectName("resultsNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setStyleSheet(
            "QLabel#resultsNotes { background: #fff8e1; border: 1px solid #ffe082; border-radius: 4px;"
            " padding: 6px; color: #5d4037; }"
        )
        self.notes_area = NotesArea(self.notes, self)
        self.notes_area.setVisible(False)
        self.pending = QLabel(self)
        self.pending.setObjectName("resultsPending")
        self.pending.setWordWrap(True)
        self.pending.setStyleSheet(
            "QLabel#resultsPending { background: #e8f1fb; border: 1px solid #b6d0ee;"
            " border-radius: 4px; padding: 6px; color: #1f3b5b; }"
        )
        self.pending.setVisible(False)
        self.cards_box = QWidget(self)
        self.cards_box.setObjectName("cardsBox")
        self.cards: list[KeyFigureCard] = [KeyFigureCard(self.cards_box) for _ in range(6)]
        grid = QGridLayout(self.cards_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for i, card in enumerate(self.cards):
            grid.addWidget(card, i // 2, i % 2)
            card.setVisible(False)
        self.theme = QComboBox(self)
        self.theme.setObjectName("themeCombo")
        for key in THEME_KEYS:
            self.theme.addItem(theme_label(key), key)
        self.theme.currentIndexChanged.connect(
            lambda _i: self.themeChanged.emit(self.theme.currentData())
        )
        theme_row = QHBoxLayout()
        theme_row.addWidget(QLabel(tr("Kaartthema:")))
        theme_row.addWidget(self.theme, 1)

        self.tabs = QTabWidget(self)
        self.table_model, self.table = frame_table(self, "municipalityTable")
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.clicked.connect(self._row_clicked)
        self.indicator = QComboBox(self)
        self.indicator.currentIndexChanged.connect(lambda _i: self._refresh_table_and_bars())
        table_page = QWidget(self)
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Indicator:")))
        row.addWidget(self.indicator, 1)
        tl.addLayout(row)
        tl.addWidget(self.table, 1)
        self.curve_fig = Figure(figsize=(4, 3), dpi=100, layout="constrained")
        self.curve_canvas = FigureCanvasQTAgg(self.curve_fig)
        self.bars_fig = Figure(figsize=(4, 5), dpi=100, layout="constrained")
        self.bars_canvas = FigureCanvasQTAgg(self.bars_fig)
        self.tabs.addTab(table_page, tr("Per gemeente"))
        self.tabs.addTab(self.curve_canvas, tr("Dekkingscurve"))
        self.tabs.addTab(self.bars_canvas, tr("Grafiek"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.title)
        layout.addWidget(self.notes_area)
        layout.addWidget(self.pending)
        layout.addWidget(self.cards_box)
        layout.addLayout(theme_row)
        layout.addWidget(self.tabs, 1)

    # showing results
    def show_results(
        self, evaluation: Any, comparison: Any = None, *, reference: str = "", name: str = ""
    ) -> None:
        """Show a run; deltas are against ``reference`` (a scenario's name,
        empty = the base), and every delta on screen names it."""
        self.evaluation = evaluation
        self.comparison = comparison
        self.reference = reference
        name = name or (evaluation.name if evaluation.scenario is not None else tr("basis"))
        secs = evaluation.timings.get("total") if evaluation.timings else None
        if secs is None:
            took = ""
        elif getattr(evaluation, "pending", ()):
            took = tr(" · kern doorgerekend in {s} s", s=fmt(secs, "min").split()[0])
        else:
            took = tr(" · doorgerekend in {s} s", s=fmt(secs, "min").split()[0])
        against = f" ({reference_text(reference)})" if comparison is not None else ""
        self.title.setText(tr("Resultaten: {name}", name=name) + against + took)
        notes = note_texts(evaluation, language())
        self.notes.setText("\n".join(f"ℹ {text}" for text in notes))
        self.notes_area.setVisible(bool(notes))
        self.notes_area.refit()
        self._show_pending("")
        keys = [k for k in key_indicators(evaluation.parameters) if k in evaluation.region]
        for card, key in zip(self.cards, keys, strict=False):
            delta = comparison.delta(key) if comparison is not None else None
            card.show_value(
                key,
                evaluation.region[key],
                delta,
                better_when_higher=higher_is_better(key),
                reference=reference,
            )
            card.setVisible(True)
        for card in self.cards[len(keys) :]:
            card.setVisible(False)
        self.indicator.blockSignals(True)
        current = self.indicator.currentData()
        self.indicator.clear()
        for key in evaluation.municipalities.columns:
            if key in ("nis", "name") or indicator_unit(key) == "":
                continue
            self.indicator.addItem(indicator_label(key, language()), key)
        idx = (
            self.indicator.findData(current)
            if current
            else self.indicator.findData(keys[0] if keys else None)
        )
        self.indicator.setCurrentIndex(max(idx, 0))
        self.indicator.blockSignals(False)
        self._refresh_table_and_bars()
        self._draw_curve()
        if self.theme.currentData() != "none":
            self.themeChanged.emit(self.theme.currentData())
        self.set_stale(False)

    def _show_pending(self, stopped: str) -> None:
        """The families the shown evaluation still lacks: being computed, or
        (``stopped``: why) not computed."""
        pending = tuple(getattr(self.evaluation, "pending", ()) or ())
        names = ", ".join(tr(PENDING_LABELS.get(k, k)) for k in pending)
        if not pending:
            text = ""
        elif stopped:
            text = tr("Niet berekend ({why}): {what}.", why=stopped, what=names)
        else:
            text = tr("Nog in berekening: {what}…", what=names)
        self.pending.setText(text)
        self.pending.setVisible(bool(text))

    def stop_pending(self, why: str) -> None:
        """The run that was to complete the shown evaluation stopped (``why``)."""
        self._show_pending(why)

    def set_stale(self, stale: bool, reason: str = "") -> None:
        """Mark the shown results as computed from an earlier state: a banner
        and dimmed cards."""
        stale = stale and self.evaluation is not None
        self.stale = stale
        self.stale_banner.setVisible(stale)
        self.stale_reason.setText(reason)
        self.stale_reason.setVisible(bool(reason))
        # only the cards get an opacity effect: on the table and charts it leaves paint artefacts
        if stale:
            effect = QGraphicsOpacityEffect(self.cards_box)
            effect.setOpacity(0.4)
            self.cards_box.setGraphicsEffect(effect)
        else:
            self.cards_box.setGraphicsEffect(None)  # type: ignore[arg-type]

    def card_value(self, key: str) -> str:
        for card in self.cards:
            if card.key == key and card.isVisible():
                return card.value.text()
        return ""

    def _municipality_frame(self) -> pd.DataFrame:
        key = self.indicator.currentData()
        ev = self.evaluation
        if ev is None or key is None:
            return pd.DataFrame()
        munis = ev.municipalities
        out = pd.DataFrame({"name": munis["name"], "nis": munis["nis"]})
        out = out.assign(**{"scenario": pd.to_numeric(munis[key], errors="coerce")})
        if self.comparison is not None:
            long = self.comparison.municipalities
            sel = long[long["indicator"] == key][["nis", "base", "delta"]]
            out = out.merge(sel, on="nis", how="left")
            out = out[["name", "nis", "base", "scenario", "delta"]]
        return out[out["nis"].astype(str) != ""]

    def _refresh_table_and_bars(self) -> None:
        frame = self._municipality_frame()
        key = self.indicator.currentData() or ""
        unit = indicator_unit(key)
        base_header = (
            tr("Basis") if not self.reference else tr("Referentie: {name}", name=self.reference)
        )
        headers = {
            "name": tr("Gemeente"),
            "nis": tr("NIS"),
            "base": base_header,
            "scenario": tr("Scenario") if self.comparison is not None else tr("Waarde"),
            "delta": tr("Verschil") + f"\n({reference_text(self.reference)})",
        }
        self.table_model.lower_is_better = not higher_is_better(key)
        self.table_model.set_frame(
            frame,
            headers=headers,
            units={c: unit for c in ("base", "scenario", "delta")},
            signed={"delta"},
        )
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        # municipality names in full; the change column takes what is left
        for c in range(len(frame.columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(frame.columns) - 1, QHeaderView.ResizeMode.Stretch)
        if "nis" in frame.columns:
            self.table.setColumnHidden(list(frame.columns).index("nis"), True)
        self._draw_bars(frame, key)

    def _draw_curve(self) -> None:
        fig = self.curve_fig
        fig.clear()
        ax = fig.add_subplot()
        ev = self.evaluation
        if ev is None:
            self.curve_canvas.draw_idle()
            return
        if self.comparison is not None:
            c = self.comparison.curve
            ax.plot(
                c["minutes"],
                c["base_mobipunt"],
                color="#9e9e9e",
                lw=2,
                label=self.reference or tr("basis"),
            )
            ax.plot(c["minutes"], c["scenario_mobipunt"], color="#1976d2", lw=2.2, label=ev.name)
            ax.fill_between(
                c["minutes"],
                c["base_mobipunt"],
                c["scenario_mobipunt"],
                color="#1976d2",
                alpha=0.15,
            )
        else:
            c = ev.coverage_curve
            ax.plot(
                c["minutes"], c["share_mobipunt"], color="#1976d2", lw=2.2, label=tr("mobipunt")
            )
            ax.plot(
                c["minutes"],
                c["share_station"],
                color="#212121",
                lw=1.6,
                ls="--",
                label=tr("station"),
            )
        for t in ev.parameters.bike_thresholds_min:
            ax.axvline(t, color="#cfd8dc", lw=0.8, zorder=0)
        ax.set_xlabel(tr("fietstijd (min)"))
        ax.set_ylabel(tr("% woningen binnen die tijd"))
        ax.set_ylim(0, 100)
        ax.set_xlim(0, ev.parameters.curve_max_min)
        ax.grid(alpha=0.25)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        ax.set_title(tr("Dekking door mobipunten"), fontsize=10, loc="left")
        self.curve_canvas.draw_idle()

    def _draw_bars(self, frame: pd.DataFrame, key: str) -> None:
        fig = self.bars_fig
        fig.clear()
        ax = fig.add_subplot()
        if frame.empty:
            self.bars_canvas.draw_idle()
            return
        col = "delta" if self.comparison is not None else "scenario"
        data = frame.sort_values(col, ascending=True, na_position="first")
        values = data[col].fillna(0).to_numpy(dtype=float)
        colors = (
            ["#1b9e77" if v > 0 else "#d95f02" for v in values] if col == "delta" else "#1976d2"
        )
        ax.barh(data["name"].astype(str), values, color=colors, height=0.7)
        ax.tick_params(axis="y", labelsize=6.5)
        ax.tick_params(axis="x", labelsize=8)
        unit = indicator_unit(key)
        label = indicator_label(key, language())
        title = (tr("Verschil: ") if col == "delta" else "") + label
        if col == "delta":
            title += f" ({reference_text(self.reference)})"
        ax.set_title(title, fontsize=9, loc="left", wrap=True)
        ax.set_xlabel(("pp" if unit == "%" and col == "delta" else unit) if unit != "count" else "")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", alpha=0.25)
        self.bars_canvas.draw_idle()

    def _row_clicked(self, index: QModelIndex) -> None:
        frame = self.table_model.frame
        if 0 <= index.row() < len(frame):
            self.municipalitySelected.emit(str(frame.iloc[index.row()]["nis"]))
