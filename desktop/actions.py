"""The application's actions, declared as data and turned into QActions here.

Each :class:`ActionSpec` names its text (Dutch source, translated by
:func:`~slimmeregio.desktop.i18n.tr`), icon, shortcut, menu, toolbar and the
name of the main-window method that handles it. :func:`build_actions` is the
one place where QActions are made, so menus, toolbars and tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from PyQt6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PyQt6.QtWidgets import QApplication, QStyle, QWidget

from slimmeregio.desktop.i18n import tr

__all__ = ["ACTIONS", "ActionSpec", "build_actions", "icon", "retranslate_actions"]

_ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


@dataclass(frozen=True)
class ActionSpec:
    """One user action.

    ``icon`` is ``"name"`` for ``resources/icons/name.svg`` or ``"std:SP_..."``
    for a QStyle standard icon. ``group`` makes checkable actions exclusive
    (map tools). ``handler`` is the main-window method called on trigger
    (with ``checked`` for checkable actions).
    """

    id: str
    text: str
    handler: str
    menu: str
    icon: str = ""
    shortcut: str = ""
    tip: str = ""
    toolbar: str = ""
    checkable: bool = False
    group: str = ""


def _spec(*args: Any, **kwargs: Any) -> ActionSpec:
    return ActionSpec(*args, **kwargs)


#: Menus in order: id -> Dutch title.
MENUS: dict[str, str] = {
    "file": "&Bestand",
    "view": "Bee&ld",
    "layer": "&Lagen",
    "scenario": "&Scenario",
    "export": "E&xporteren",
    "help": "&Help",
}

ACTIONS: tuple[ActionSpec, ...] = (
    # file
    _spec(
        "new_project",
        "&Nieuw project (regio Halle-Vilvoorde)",
        "new_project",
        "file",
        "std:SP_FileIcon",
        "Ctrl+N",
        toolbar="main",
    ),
    _spec(
        "open_project",
        "&Project openen…",
        "open_project_dialog",
        "file",
        "std:SP_DialogOpenButton",
        "Ctrl+O",
        toolbar="main",
    ),
    _spec(
        "save_project",
        "Project op&slaan",
        "save_project",
        "file",
        "std:SP_DialogSaveButton",
        "Ctrl+S",
        toolbar="main",
    ),
    _spec(
        "save_project_as", "Project opslaan &als…", "save_project_as", "file", "", "Ctrl+Shift+S"
    ),
    _spec("settings", "&Instellingen…", "open_settings", "file", "settings", "Ctrl+,"),
    _spec("quit", "&Afsluiten", "close", "file", "", "Ctrl+Q"),
    # view / map tools
    _spec(
        "tool_pan",
        "&Verschuiven en aanwijzen",
        "tool_navigate",
        "view",
        "pan",
        "Esc",
        "Sleep om te verschuiven, klik om een object te bekijken",
        "map",
        True,
        "tools",
    ),
    _spec(
        "tool_zoom_box",
        "In&zoomen op rechthoek",
        "tool_zoom_box",
        "view",
        "zoom-box",
        "Z",
        "Trek een rechthoek om in te zoomen",
        "map",
        True,
        "tools",
    ),
    _spec("zoom_in", "Inzoomen", "zoom_in", "view", "zoom-in", "Ctrl++", toolbar="map"),
    _spec("zoom_out", "Uitzoomen", "zoom_out", "view", "zoom-out", "Ctrl+-", toolbar="map"),
    _spec(
        "zoom_region",
        "Zoomen naar de &regio",
        "zoom_region",
        "view",
        "zoom-region",
        "Ctrl+0",
        toolbar="map",
    ),
    _spec(
        "zoom_layer", "Zoomen naar de &laag", "zoom_layer", "view", "zoom-layer", "", toolbar="map"
    ),
    _spec(
        "zoom_selection",
        "Zoomen naar de &selectie",
        "zoom_selection",
        "view",
        "zoom-selection",
        "Ctrl+J",
        toolbar="map",
    ),
    _spec(
        "attribute_table",
        "&Attributentabel",
        "show_attribute_table",
        "view",
        "table",
        "F6",
        toolbar="map",
    ),
    # layers
    _spec(
        "add_layer",
        "Laag &toevoegen…",
        "add_layer_dialog",
        "layer",
        "add-layer",
        "Ctrl+L",
        toolbar="main",
    ),
    _spec(
        "import_osm",
        "&OpenStreetMap importeren…",
        "import_osm_dialog",
        "layer",
        "add-layer",
        "",
        "Een fietsnetwerk en POI's uit een OpenStreetMap-bestand (.osm.pbf) halen",
    ),
    _spec(
        "import_gtfs",
        "Openbaar vervoer &importeren (GTFS)…",
        "import_gtfs_dialog",
        "layer",
        "add-layer",
        "",
        "OV-haltes met hun vertrekken per uur uit een GTFS-dienstregeling (.zip) halen",
    ),
    _spec(
        "add_service_layer",
        "&WFS- of OGC API-laag toevoegen…",
        "add_service_layer_dialog",
        "layer",
        "add-layer",
        "",
        "Een laag uit een webdienst halen; het project bewaart een momentopname",
    ),
    _spec(
        "refresh_services",
        "Dienstlagen v&ernieuwen",
        "refresh_service_layers",
        "layer",
        "std:SP_BrowserReload",
        "",
        "De lagen uit webdiensten opnieuw ophalen",
    ),
    _spec("remove_layer", "Laag &verwijderen", "remove_layer", "layer", "remove-layer", ""),
    _spec("layer_style", "&Stijl van de laag…", "edit_style", "layer", "style", ""),
    # scenario editing tools
    _spec(
        "edit_add_link",
        "Fiets&verbinding tekenen",
        "tool_add_link",
        "scenario",
        "add-link",
        "",
        "Klik punten aan (kleeft aan knopen), dubbelklik om af te sluiten",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_close_link",
        "Verbinding &afsluiten",
        "tool_close_link",
        "scenario",
        "close-link",
        "",
        "Klik op een verbinding om ze af te sluiten",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_upgrade_link",
        "Verbinding &opwaarderen",
        "tool_upgrade_link",
        "scenario",
        "upgrade-link",
        "",
        "Klik op een verbinding om ze op te waarderen",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_add_mobipunt",
        "&Mobipunt plaatsen",
        "tool_add_mobipunt",
        "scenario",
        "mobipunt",
        "",
        "Klik op de kaart om een mobipunt te plaatsen",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_move_mobipunt",
        "Mobipunt &verplaatsen",
        "tool_move_mobipunt",
        "scenario",
        "move-mobipunt",
        "",
        "Klik op een mobipunt en daarna op zijn nieuwe plaats",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_remove_mobipunt",
        "Mobipunt &schrappen",
        "tool_remove_mobipunt",
        "scenario",
        "remove-mobipunt",
        "",
        "Klik op een mobipunt om het te schrappen",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_add_housing",
        "&Woonproject plaatsen",
        "tool_add_housing",
        "scenario",
        "housing",
        "",
        "Klik op de kaart om een woonproject met N woningen te plaatsen",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "edit_add_housing_polygon",
        "Woonproject als &vlak tekenen",
        "tool_add_housing_polygon",
        "scenario",
        "housing-area",
        "",
        "Klik de hoekpunten van het woonproject aan; dubbelklik of Enter om af te sluiten",
        "edit",
        True,
        "tools",
    ),
    _spec(
        "undo", "&Ongedaan maken", "undo", "scenario", "std:SP_ArrowBack", "Ctrl+Z", toolbar="edit"
    ),
    _spec(
        "redo",
        "Opnieuw &uitvoeren",
        "redo",
        "scenario",
        "std:SP_ArrowForward",
        "Ctrl+Shift+Z",
        toolbar="edit",
    ),
    _spec(
        "all_parameters",
        "Alle &parameters…",
        "show_parameters",
        "scenario",
        "settings",
        "",
        "Alle parameters van het huidige scenario bekijken en aanpassen",
    ),
    _spec("run", "Scenario &doorrekenen", "run_scenario", "scenario", "run", "F5", toolbar="run"),
    _spec(
        "compare",
        "Scenario's &vergelijken…",
        "show_compare",
        "scenario",
        "compare",
        "F7",
        toolbar="run",
    ),
    _spec(
        "siting",
        "&Beste plaatsen voor mobipunten…",
        "show_siting",
        "scenario",
        "siting",
        "",
        toolbar="run",
    ),
    _spec("sweep", "S&weep: vele varianten doorrekenen…", "show_sweep", "scenario", "run", ""),
    # export
    _spec("export", "&Exporteren…", "show_export", "export", "export", "Ctrl+E", toolbar="run"),
    # help
    _spec(
        "about",
        "&Over Slimme Regio Planner",
        "show_about",
        "help",
        "std:SP_MessageBoxInformation",
        "",
    ),
    _spec(
        "error_log",
        "&Logboek openen",
        "show_error_log",
        "help",
        "",
        "De map met het logboek en het foutenlogboek, om mee te sturen met een vraag",
    ),
)


@cache
def _icon_from_file(name: str) -> QIcon:
    return QIcon(str(_ICONS / f"{name}.svg"))


def icon(name: str) -> QIcon:
    """An icon by spec name (``"std:SP_..."`` or an SVG in resources/icons)."""
    if not name:
        return QIcon()
    if name.startswith("std:"):
        style = QApplication.style()
        pixmap = getattr(QStyle.StandardPixmap, name[4:])
        return style.standardIcon(pixmap) if style else QIcon()
    return _icon_from_file(name)


def build_actions(window: QWidget, specs: tuple[ActionSpec, ...] = ACTIONS) -> dict[str, QAction]:
    """QActions for ``specs``, parented to and handled by ``window``."""
    actions: dict[str, QAction] = {}
    groups: dict[str, QActionGroup] = {}
    for spec in specs:
        action = QAction(icon(spec.icon), tr(spec.text), window)
        action.setObjectName(f"action_{spec.id}")
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
        _set_texts(action, spec)
        action.setCheckable(spec.checkable)
        if spec.group:
            group = groups.setdefault(spec.group, QActionGroup(window))
            group.addAction(action)
        handler = getattr(window, spec.handler)
        if spec.checkable:
            action.triggered.connect(lambda checked, h=handler: h(checked))
        else:
            action.triggered.connect(lambda _checked=False, h=handler: h())
        actions[spec.id] = action
    return actions


def _set_texts(action: QAction, spec: ActionSpec) -> None:
    action.setText(tr(spec.text))
    tip = tr(spec.tip) if spec.tip else tr(spec.text).replace("&", "").rstrip("…")
    if spec.shortcut:
        tip = f"{tip} ({QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)


def retranslate_actions(
    actions: dict[str, QAction], specs: tuple[ActionSpec, ...] = ACTIONS
) -> None:
    """Re-label ``actions`` (from :func:`build_actions`) in the current language."""
    for spec in specs:
        if spec.id in actions:
            _set_texts(actions[spec.id], spec)
