"""Switching the main window's language: the settings dialog, and every menu, toolbar, dock and panel re-labelled without losing what it shows."""

from __future__ import annotations

from PyQt6.QtCore import QLocale

from slimmeregio.desktop.actions import retranslate_actions
from slimmeregio.desktop.i18n import language, set_language
from slimmeregio.desktop.windowparts import WindowParts


class LanguageMixin(WindowParts):
    """The settings dialog and the language switch. Mixed into :class:`MainWindow`."""

    def open_settings(self) -> None:
        from slimmeregio.desktop.settingsdialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        self._last_dialog = dialog
        before = language()
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.session.author = self.settings.author or self.session.author
            self.project.settings.organisation = (
                self.settings.organisation or self.project.settings.organisation
            )
            self._restart_autosave()
            if self.settings.language != before:
                from PyQt6.QtWidgets import QApplication

                from slimmeregio.desktop.app import apply_qt_language

                set_language(self.settings.language)
                app = QApplication.instance()
                if isinstance(app, QApplication):
                    apply_qt_language(app, self.settings.language)
                self.setLocale(QLocale())  # widgets cache their locale: hand them the new default
                self.apply_language()

    def apply_language(self) -> None:
        """Re-label the window in the current language (after :func:`set_language`).

        Actions, menus, toolbars, docks and the status bar are re-labelled in
        place; the panels are rebuilt from the state they show (the project's
        layers, the scenario store with its undo history, the last run), so
        nothing but text changes. While a run is in progress the switch waits
        for its end, because the run reports progress to the scenario panel.
        """
        if self._run_job is not None:
            self._language_pending = True
            return
        self._language_pending = False
        retranslate_actions(self.actions_by_id)
        old_menus = list(self.menus.values())
        self.menuBar().clear()
        for menu in old_menus:
            menu.deleteLater()
        self._build_menus()
        for key, title in self._toolbar_titles().items():
            self.toolbars[key].setWindowTitle(title)
        self._label_goto_box()
        docks = self._docks()
        for key, title in self._dock_titles().items():
            docks[key].setWindowTitle(title)
        self._rebuild_panels()
        self._show_scale()
        self._update_title()
        self._update_banner()
        self.statusBar().clearMessage()

    def _rebuild_panels(self) -> None:
        old = tuple(self._panels().values())
        current_layer = self.layer_panel.current_layer()
        table_layer = self.table.layer_box.currentText()
        theme = self._theme
        self.layer_panel.detach()
        self._make_panels()
        docks = self._docks()
        for key, panel in self._panels().items():
            docks[key].setWidget(panel)
        self.legend_panel.show_layers(self.project.layers)
        for widget in old:
            widget.setParent(None)
            widget.deleteLater()
        self._connect_panels()
        if current_layer is not None:
            self.layer_panel.select_layer(current_layer.name)
        self.table.set_layers(list(self.project.layers), current=table_layer or None)
        run = self.last_run
        if run is not None:
            self.results_panel.show_results(
                run.evaluation, run.comparison, reference=run.reference, name=run.scenario_name
            )
            index = self.results_panel.theme.findData(theme)
            if index >= 0 and index != self.results_panel.theme.currentIndex():
                self.results_panel.theme.setCurrentIndex(index)  # re-labels the theme layers too
            else:
                self.set_theme(theme)
        self._scenario_changed()
