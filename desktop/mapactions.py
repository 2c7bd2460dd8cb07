"""The map tools' actions, declared as data: view history, bookmarks, labels, explanation and reach, measuring, selection and compare views."""

from __future__ import annotations

from typing import Any

from slimmeregio.desktop.actions import ActionSpec
from slimmeregio.desktop.i18n import tr
from slimmeregio.desktop.maptools import MapTool

__all__ = ["MAP_ACTIONS", "TOOLS", "tool_message"]


def _spec(*args: Any, **kwargs: Any) -> ActionSpec:
    return ActionSpec(*args, **kwargs)


MAP_ACTIONS: tuple[ActionSpec, ...] = (
    _spec(
        "view_back",
        "&Vorig kaartbeeld",
        "view_back",
        "view",
        "std:SP_ArrowLeft",
        "Alt+Left",
        toolbar="tools",
    ),
    _spec(
        "view_forward",
        "Volge&nd kaartbeeld",
        "view_forward",
        "view",
        "std:SP_ArrowRight",
        "Alt+Right",
        toolbar="tools",
    ),
    _spec("bookmark_add", "&Bladwijzer toevoegen…", "add_bookmark", "view", "", "Ctrl+B"),
    _spec("layer_labels", "Labels en &zichtbaarheid…", "edit_labels", "layer", "style", ""),
    _spec(
        "tool_explain",
        "Route &uitleggen",
        "tool_explain",
        "view",
        "explain-route",
        "",
        "Klik op een woning of een punt: de fietsroute naar het dichtste mobipunt, station en de Brusselse grens",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_reach",
        "&Bereik vanaf een punt",
        "tool_reach",
        "view",
        "reach",
        "",
        "Klik op een punt: het netwerk binnen 5, 10 en 15 minuten fietsen",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_measure_line",
        "Afstand &meten",
        "tool_measure_line",
        "view",
        "measure-line",
        "",
        "Klik punten aan; dubbelklik om af te sluiten",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_measure_area",
        "Oppervlakte m&eten",
        "tool_measure_area",
        "view",
        "measure-area",
        "",
        "Klik de hoekpunten aan; dubbelklik om af te sluiten",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_select_box",
        "Selecteren met &rechthoek",
        "tool_select_box",
        "layer",
        "select-box",
        "",
        "Trek een rechthoek rond de objecten van de gekozen laag",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "tool_select_polygon",
        "Selecteren met &veelhoek",
        "tool_select_polygon",
        "layer",
        "select-polygon",
        "",
        "Klik een veelhoek rond de objecten van de gekozen laag; dubbelklik om af te sluiten",
        "tools",
        True,
        "tools",
    ),
    _spec(
        "select_expression",
        "Selecteren met &uitdrukking…",
        "select_by_expression",
        "layer",
        "select-expression",
        "Ctrl+Shift+F",
        toolbar="tools",
    ),
    _spec(
        "save_selection",
        "Selectie opslaan &als…",
        "save_selection",
        "layer",
        "std:SP_DialogSaveButton",
        "",
    ),
    _spec(
        "compare_view",
        "Basis en scenario &naast elkaar…",
        "show_compare_view",
        "scenario",
        "compare",
        "",
    ),
)

#: Tool action id -> (canvas tool, purpose).
TOOLS: dict[str, tuple[MapTool, str]] = {
    "tool_explain": (MapTool.POINT, "explain"),
    "tool_reach": (MapTool.POINT, "reach"),
    "tool_measure_line": (MapTool.LINE, "measure_line"),
    "tool_measure_area": (MapTool.POLYGON, "measure_area"),
    "tool_select_box": (MapTool.BOX, "select_box"),
    "tool_select_polygon": (MapTool.POLYGON, "select_polygon"),
}


def tool_message(action_id: str) -> str:
    return {
        "tool_explain": tr("Klik op een woning of een punt om de route uit te leggen."),
        "tool_reach": tr(
            "Klik op een punt om te zien tot waar u fietst binnen 5, 10 en 15 minuten."
        ),
        "tool_measure_line": tr("Klik punten aan; dubbelklik of Enter om de afstand te meten."),
        "tool_measure_area": tr(
            "Klik de hoekpunten aan; dubbelklik of Enter om de oppervlakte te meten."
        ),
        "tool_select_box": tr("Trek een rechthoek om objecten van de gekozen laag te selecteren."),
        "tool_select_polygon": tr("Klik een veelhoek; dubbelklik of Enter om te selecteren."),
    }[action_id]
