"""Runs and result dialogs of the main window: the scenario run in the
worker, the results and map themes, and the compare, siting and export dialogs."""

from __future__ import annotations

from typing import Any

from slimmeregio.desktop import errors as dialogs
from slimmeregio.desktop.analysis import RunResult, run_analysis
from slimmeregio.desktop.i18n import language, tr
from slimmeregio.desktop.resultspanel import fmt, note_texts, reference_text
from slimmeregio.desktop.themes import theme_layers
from slimmeregio.desktop.windowparts import WindowParts
from slimmeregio.desktop.worker import Job
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.scenarios.model import Scenario
from slimmeregio.scenarios.runs import RunIdentity, check_role_layers, run_identity


class RunControlMixin(WindowParts):
    """Running the current scenario and showing its results. Mixed into :class:`MainWindow`."""

    last_run: RunResult | None

    # -------------------------------------------------------------------- run
    def _start(self, name: str, fn: Any, **callbacks: Any) -> Job:
        callbacks.setdefault("on_error", lambda e: dialogs.show_error(self, e))
        job = self.runner.start(name, fn, **callbacks)
        self._extra_jobs.append(job)
        job.finished.connect(
            lambda: self._extra_jobs.remove(job) if job in self._extra_jobs else None
        )
        return job

    def run_scenario(self) -> Job | None:
        """Evaluate the current scenario against the base in the worker."""
        if self._run_job is not None:
            return None
        scenario = self.store.current
        try:
            check_role_layers(self.project, self.layer_versions)
        except SlimmeRegioError as exc:
            dialogs.show_error(self, exc)
            return None
        self.autosave(before_run=True)
        identity = self.current_identity()
        base = self.bases.get(self.project)
        version = self.bases.version
        project = self.project
        self.scenario_panel.set_running(True, tr("Bezig met doorrekenen…"))
        self.actions_by_id["run"].setEnabled(False)

        def job(progress: Any = None, cancel: Any = None, partial: Any = None) -> RunResult:
            return run_analysis(
                project,
                scenario,
                base,
                identity=identity,
                progress=progress,
                cancel=cancel,
                on_partial=partial,
            )

        def done(result: RunResult) -> None:
            self.bases.put(result.base, version)
            self.show_run(result)

        def cancelled() -> None:
            self.update_stale()
            self.results_panel.stop_pending(tr("geannuleerd"))
            self.scenario_panel.set_running(False, tr("Doorrekenen geannuleerd."))

        def failed(error: BaseException) -> None:
            self.results_panel.stop_pending(tr("mislukt"))
            self.scenario_panel.set_running(False, "")
            dialogs.show_error(self, error)

        self._run_job = self.runner.start(
            tr("Doorrekenen"),
            job,
            on_result=done,
            on_error=failed,
            on_progress=self.scenario_panel.set_progress,
            on_cancelled=cancelled,
            on_partial=self.show_partial_run,
        )
        self._run_job.finished.connect(self._run_finished)
        return self._run_job

    def _run_finished(self) -> None:
        self._run_job = None
        self.actions_by_id["run"].setEnabled(True)
        if self._autosave_after_run:
            self._autosave_after_run = False
            self.autosave()
        if self._language_pending:
            self.apply_language()

    def cancel_run(self) -> None:
        if self._run_job is not None:
            self._run_job.cancel()
            self.scenario_panel.status.setText(tr("Bezig met annuleren…"))

    def show_partial_run(self, result: RunResult) -> None:
        """A first pass (``evaluation.pending``: the families still computed):
        shown on the panel and the map, never kept for export."""
        self.last_run = result
        ev = result.evaluation
        secs = ev.timings.get("total") if ev.timings else None
        self.scenario_panel.status.setText(
            tr("Kern doorgerekend in {s} s; de rest volgt…", s=fmt(secs or 0.0, "min").split()[0])
        )
        self._present(result)

    def show_run(self, result: RunResult) -> None:
        self.last_run = result
        self.remember_run(result)
        ev = result.evaluation
        secs = ev.timings.get("total") if ev.timings else None
        message = (
            tr("Doorgerekend.")
            if secs is None
            else tr("Doorgerekend in {s} s.", s=fmt(secs, "min").split()[0])
        )
        self.scenario_panel.set_running(False, message)
        self._present(result)

    def _present(self, result: RunResult) -> None:
        """Show ``result`` on the results panel and in the map theme."""
        self.results_panel.show_results(
            result.evaluation,
            result.comparison,
            reference=result.reference,
            name=result.scenario_name,
        )
        self.dock_results.raise_()
        if self.results_panel.theme.currentData() == "none":
            index = self.results_panel.theme.findData(
                "change" if result.comparison is not None else "access"
            )
            self.results_panel.theme.setCurrentIndex(index)
        else:
            self.set_theme(self.results_panel.theme.currentData())
        self.update_stale()

    # ---------------------------------------------------------- run identity
    def remember_run(self, result: RunResult) -> None:
        """Keep a scenario's run for reuse (export) while it is current."""
        if result.scenario_name and not result.extra.get("sources") and result.identity is not None:
            self.runs_by_scenario[result.scenario_name] = result

    def computed_run(self, name: str) -> RunResult | None:
        """The run of scenario ``name`` when its results are current, else None."""
        run = self.runs_by_scenario.get(name)
        if run is None or run.identity != self.current_identity([name]):
            return None
        return run

    def current_identity(self, sources: list[str | None] | None = None) -> RunIdentity | None:
        """What a run would compute from now: the current scenario, or the
        named ``sources`` (``None`` = the base) of a comparison; None when a
        named scenario no longer exists."""
        if sources is None:
            cur = self.store.current
            return run_identity(self.project, self.layer_versions, [cur])
        scenarios: list[Scenario | None] = []
        for name in sources:
            if name is None:
                scenarios.append(None)
                continue
            try:
                scenarios.append(self.store.get(name))
            except KeyError:
                return None
        labels = [name or "" for name in sources]
        return run_identity(self.project, self.layer_versions, scenarios, labels)

    @property
    def results_stale(self) -> bool:
        """True when the shown results were computed from an earlier state."""
        run = self.last_run
        if run is None or run.identity is None:
            return False
        return self.current_identity(run.extra.get("sources")) != run.identity

    def update_stale(self) -> None:
        """Mark the results panel and the map theme stale (or current again)."""
        run = self.last_run
        if run is None:
            self.results_panel.set_stale(False)
            self.canvas.theme_stale = False
            self.canvas.update()
            return
        stale = self.results_stale
        reason = ""
        if stale and run.identity is not None:
            now = self.current_identity(run.extra.get("sources"))
            phrases = (
                run.identity.changes(now, language())
                if now is not None
                else [tr("scenario verwijderd")]
            )
            reason = tr("Gewijzigd sinds de doorrekening: {what}.", what=", ".join(phrases))
        if stale != self.results_panel.stale or reason != self.results_panel.stale_reason.text():
            self.results_panel.set_stale(stale, reason)
            if stale and self._run_job is None:  # "Doorgerekend in 3 s" no longer holds
                self.scenario_panel.status.setText(
                    tr("Resultaten horen bij een eerdere toestand — opnieuw doorrekenen")
                )
        self.canvas.theme_stale = stale
        self.canvas.update()

    def set_theme(self, key: str) -> None:
        self._theme = key
        run = self.last_run
        if run is None:
            self.canvas.set_theme_layers([])
            self.canvas.theme_caption = ""
            return
        try:
            layers = theme_layers(key, run.evaluation, run.comparison)
        except (KeyError, ValueError) as exc:
            dialogs.show_error(self, exc)
            layers = []
        self.canvas.set_theme_layers(layers)
        self.canvas.theme_caption = self._theme_caption(key, run) if layers else ""
        self.canvas.theme_stale = self.results_stale
        self._update_banner()
        if key != "none" and not layers:
            notes = note_texts(run.evaluation, language()) if key == "flows_brussels" else []
            self.statusBar().showMessage(
                notes[0]
                if notes
                else tr("Dit kaartthema heeft niets te tonen voor deze doorrekening."),
                10000,
            )

    def _theme_caption(self, key: str, run: RunResult) -> str:
        """The map theme's caption: what it shows, of which scenario, against what."""
        label = self.results_panel.theme.itemText(max(0, self.results_panel.theme.findData(key)))
        name = run.scenario_name or tr("basis")
        if run.comparison is not None and key == "change":
            return tr(
                "{theme}: {name} {against}",
                theme=label,
                name=name,
                against=reference_text(run.reference),
            )
        return tr("{theme}: {name}", theme=label, name=name)

    # ------------------------------------------------------------- dialogs
    def show_compare(self) -> None:
        from slimmeregio.desktop.comparepanel import CompareDialog

        dialog = CompareDialog(self)
        self._last_dialog = dialog
        dialog.show()

    def show_siting(self) -> None:
        from slimmeregio.desktop.sitingdialog import SitingDialog

        dialog = SitingDialog(self)
        self._last_dialog = dialog
        dialog.show()

    def show_sweep(self) -> None:
        from slimmeregio.desktop.sweepdialog import SweepDialog

        dialog = SweepDialog(self)
        self._last_dialog = dialog
        dialog.show()

    def show_parameters(self) -> None:
        self.scenario_panel.open_all_parameters()

    def show_export(self) -> None:
        from slimmeregio.desktop.exportdialog import ExportDialog

        dialog = ExportDialog(self)
        self._last_dialog = dialog
        dialog.show()
