"""User preferences kept in QSettings (language, author, recent projects ...).

Tests and portable installs set ``SLIMMEREGIO_SETTINGS_DIR``: the settings
then live in an ini file in that folder and the user's real settings are
never touched. Analysis defaults (thresholds, speeds) are stored here only as
the starting values for *new* scenarios; a scenario carries its own
parameters, so a worker thread never reads these preferences.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QSettings

__all__ = ["AppSettings", "open_qsettings", "log_dir"]

_ORG = "SlimmeRegio"
_APP = "Slimme Regio Planner"
_MAX_RECENT = 8


def open_qsettings() -> QSettings:
    """The QSettings store: an ini in ``$SLIMMEREGIO_SETTINGS_DIR`` if set."""
    folder = os.environ.get("SLIMMEREGIO_SETTINGS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "slimmeregio.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, _ORG, _APP)


def log_dir() -> Path:
    """Folder for the application log and the error log (see :mod:`slimmeregio.layers.applog`)."""
    from slimmeregio.layers.applog import log_dir as app_log_dir

    return app_log_dir()


def _text_setting(key: str) -> property:
    """A text preference stored under ``key`` (empty when unset)."""

    def fget(self: AppSettings) -> str:
        return str(self._get(key, ""))

    def fset(self: AppSettings, value: str) -> None:
        self._s.setValue(key, value)

    return property(fget, fset)


class AppSettings:
    """Typed access to the preferences."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._s = store or open_qsettings()

    def _get(self, key: str, default: Any) -> Any:
        value = self._s.value(key, default)
        return default if value is None else value

    def _get_json(self, key: str) -> Any:
        """The JSON value stored under ``key``; None if absent or unreadable."""
        raw = self._get(key, "")
        if not raw:
            return None
        try:
            return json.loads(str(raw))
        except ValueError:
            return None

    # language and identity -------------------------------------------------
    @property
    def language(self) -> str:
        lang = str(self._get("ui/language", "nl"))
        return lang if lang in ("nl", "en") else "nl"

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("ui/language", value)

    organisation = _text_setting("user/organisation")
    author = _text_setting("user/author")

    @property
    def autosave_minutes(self) -> int:
        try:
            return max(0, int(self._get("project/autosave_minutes", 5)))
        except (TypeError, ValueError):
            return 5

    @autosave_minutes.setter
    def autosave_minutes(self, value: int) -> None:
        self._s.setValue("project/autosave_minutes", int(value))

    # analysis defaults for new scenarios -------------------------------------
    @property
    def default_parameters(self) -> dict[str, Any]:
        """Overrides for new scenarios' parameters (plain data, may be empty)."""
        data = self._get_json("analysis/default_parameters")
        return data if isinstance(data, dict) else {}

    @default_parameters.setter
    def default_parameters(self, value: dict[str, Any]) -> None:
        self._s.setValue("analysis/default_parameters", json.dumps(value))

    # recent projects ------------------------------------------------------
    @property
    def recent_projects(self) -> list[str]:
        items = self._get_json("project/recent")
        return [p for p in items if isinstance(p, str)] if isinstance(items, list) else []

    def add_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        items = [p for p in self.recent_projects if p != path]
        items.insert(0, path)
        self._s.setValue("project/recent", json.dumps(items[:_MAX_RECENT]))

    def clear_recent(self) -> None:
        self._s.setValue("project/recent", "[]")

    # window state ---------------------------------------------------------
    def save_window(self, geometry: bytes, state: bytes) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    def window(self) -> tuple[Any, Any]:
        return self._s.value("window/geometry"), self._s.value("window/state")

    def sync(self) -> None:
        self._s.sync()
