"""The Hoppin policy check: does each mobipunt's type match the public transport at it?

The rule table is a TOML file (``resources/hoppin_rules.toml``, documented
there and in docs/engine.md) that a user may override with their own copy
(:func:`rules_path`). Per Hoppin type a :class:`HubRule` says which stops
within ``radius_m`` (straight line) the hub needs: a mode, a minimum number
of departures per hour in a window, or (for ``buurt``) fewer than a number.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from slimmeregio.layers.i18n import LANGUAGES, N_, tr
from slimmeregio.layers.roles import HOPPIN_TYPES
from slimmeregio.scenarios.model import scenario_error
from slimmeregio.scenarios.transit_keys import WINDOWS, window_label

__all__ = [
    "HUB_CHECK_COLUMNS",
    "RULE_WORDS",
    "HubRule",
    "check_hubs",
    "hub_check_lines",
    "hub_rules",
    "rules_path",
]

#: The packaged rule table.
DEFAULT_RULES = Path(__file__).resolve().parents[1] / "resources" / "hoppin_rules.toml"
#: Columns of the check's table (``Evaluation.hub_checks``).
HUB_CHECK_COLUMNS = [
    "mobipunt_id",
    "name",
    "hoppin_type",
    "ok",
    "best_stop",
    "best_per_hour",
    "reason_nl",
    "reason_en",
]
_KEYS = {"radius_m", "window", "modes", "min_departures_per_hour", "fewer_departures_per_hour"}


@dataclass(frozen=True)
class HubRule:
    """What a Hoppin type needs within ``radius_m`` of the hub."""

    hoppin_type: str
    radius_m: float = 100.0
    window: str = "ochtendspits"
    modes: tuple[str, ...] = ()
    min_departures_per_hour: float | None = None
    fewer_departures_per_hour: float | None = None


def rules_path() -> Path:
    """The rule table in use: ``$SLIMMEREGIO_HOPPIN_RULES``, else the user's
    ``hoppin_rules.toml`` in their settings folder when it exists, else the packaged one."""
    env = os.environ.get("SLIMMEREGIO_HOPPIN_RULES")
    if env:
        return Path(env)
    if os.name == "nt":
        base = os.environ.get("APPDATA")
        folder = (Path(base) if base else Path.home() / "AppData" / "Roaming") / "SlimmeRegio"
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Application Support" / "slimmeregio"
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME")
        folder = (Path(xdg) if xdg else Path.home() / ".config") / "slimmeregio"
    user = folder / "hoppin_rules.toml"
    return user if user.is_file() else DEFAULT_RULES


def _number(value: object, where: str, path: Path) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not np.isfinite(value)
        or value < 0
    ):
        raise scenario_error(where, "moet een getal ≥ 0 zijn", "must be a number ≥ 0", source=path)
    return float(value)


def hub_rules(path: str | Path | None = None) -> list[HubRule]:
    """The rules of ``path`` (default :func:`rules_path`), one per Hoppin type listed.

    Raises
    ------
    ScenarioValidationError
        The file cannot be read, is no TOML, or a value is wrong (located at
        the type and key).
    """
    path = Path(path) if path is not None else rules_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise scenario_error(
            "",
            "het bestand kan niet gelezen worden",
            "the file cannot be read",
            source=path,
            detail=str(exc),
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise scenario_error(
            "", f"geen geldige TOML ({exc})", f"not valid TOML ({exc})", source=path
        ) from exc
    rules = []
    for hoppin_type, table in data.items():
        if hoppin_type not in HOPPIN_TYPES or not isinstance(table, dict):
            raise scenario_error(
                hoppin_type,
                f"onbekend Hoppin-type; kies uit {', '.join(HOPPIN_TYPES)}",
                f"unknown Hoppin type; choose from {', '.join(HOPPIN_TYPES)}",
                source=path,
            )
        unknown = set(table) - _KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise scenario_error(
                f"{hoppin_type}.{key}",
                f"onbekende sleutel; kies uit {', '.join(sorted(_KEYS))}",
                f"unknown key; choose from {', '.join(sorted(_KEYS))}",
                source=path,
            )
        window = table.get("window", "ochtendspits")
        if window not in WINDOWS:
            raise scenario_error(
                f"{hoppin_type}.window",
                f"kies uit {', '.join(WINDOWS)}",
                f"choose from {', '.join(WINDOWS)}",
                source=path,
            )
        modes = table.get("modes", [])
        if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
            raise scenario_error(
                f"{hoppin_type}.modes",
                "moet een lijst van modi zijn",
                "must be a list of modes",
                source=path,
            )
        rules.append(
            HubRule(
                hoppin_type=hoppin_type,
                radius_m=_number(table.get("radius_m", 100.0), f"{hoppin_type}.radius_m", path),
                window=window,
                modes=tuple(m.strip().lower() for m in modes),
                min_departures_per_hour=(
                    _number(
                        table["min_departures_per_hour"],
                        f"{hoppin_type}.min_departures_per_hour",
                        path,
                    )
                    if "min_departures_per_hour" in table
                    else None
                ),
                fewer_departures_per_hour=(
                    _number(
                        table["fewer_departures_per_hour"],
                        f"{hoppin_type}.fewer_departures_per_hour",
                        path,
                    )
                    if "fewer_departures_per_hour" in table
                    else None
                ),
            )
        )
    return rules


#: The rule table's Dutch mode and Hoppin type names, for the catalogue (the
#: reasons are shown in both languages; other words stay as written).
RULE_WORDS = (
    N_("trein"),
    N_("bus"),
    N_("tram"),
    N_("metro"),
    N_("interregionaal"),
    N_("regionaal"),
    N_("lokaal"),
    N_("buurt"),
)


def _fmt(value: float, lang: str = "en") -> str:
    """A rate or radius with at most one decimal, no grouping (``2,5`` / ``2.5``)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nl" else text


def _too_few(rule: HubRule, hoppin_type: str, best_rate: float, lang: str) -> str:
    """Why a hub lacks the public transport its type needs, in ``lang``."""
    if rule.modes:
        wanted = tr(lang, " of ", context="or").join(tr(lang, m) for m in rule.modes)
    else:
        wanted = tr(lang, "openbaar vervoer")
    return tr(
        lang,
        "{type}: geen halte ({wanted}) met ≥ {need} vertrekken/uur ({window}) binnen {r} m; "
        "hoogste: {best}",
        type=tr(lang, hoppin_type),
        wanted=wanted,
        need=_fmt(rule.min_departures_per_hour or 0.0, lang),
        window=window_label(rule.window, lang),
        r=_fmt(rule.radius_m, lang),
        best=_fmt(best_rate, lang),
    )


def _too_many(rule: HubRule, hoppin_type: str, stop: str, best_rate: float, lang: str) -> str:
    """Why a hub's public transport asks for a higher type, in ``lang``."""
    return tr(
        lang,
        "{type}: halte {stop} binnen {r} m heeft {best} vertrekken/uur ({window}), {top} of meer: "
        "een hoger type past",
        type=tr(lang, hoppin_type),
        stop=stop,
        r=_fmt(rule.radius_m, lang),
        best=_fmt(best_rate, lang),
        window=window_label(rule.window, lang),
        top=_fmt(rule.fewer_departures_per_hour or 0.0, lang),
    )


def check_hubs(
    mobipunten: gpd.GeoDataFrame, stops: gpd.GeoDataFrame, rules: list[HubRule]
) -> pd.DataFrame:
    """One row per mobipunt of a type with a rule: whether the stops around it
    match (``ok``), the busiest qualifying stop within the radius and its
    departures per hour, and why not (Dutch and English).

    ``mobipunten``: ``mobipunt_id``, ``name``, ``hoppin_type``, points;
    ``stops``: :func:`slimmeregio.scenarios.transit.pt_stop_frame`'s columns.
    """
    by_type = {r.hoppin_type: r for r in rules}
    rows: list[dict[str, object]] = []
    if len(mobipunten) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in HUB_CHECK_COLUMNS})
    sxy = (
        np.column_stack([stops.geometry.x.to_numpy(), stops.geometry.y.to_numpy()])
        if len(stops)
        else np.zeros((0, 2))
    )
    tree = cKDTree(sxy) if len(sxy) else None
    modes = [{m.strip() for m in str(v).lower().split(",") if m.strip()} for v in stops["modes"]]
    ids = stops["stop_id"].astype(str).to_numpy()
    for row in mobipunten.itertuples(index=False):
        rule = by_type.get(str(row.hoppin_type))
        if rule is None:
            continue
        point = row.geometry
        near = tree.query_ball_point([point.x, point.y], rule.radius_m) if tree is not None else []
        rate = stops[f"per_uur_{rule.window}"].to_numpy(dtype=float)
        fitting = [k for k in near if not rule.modes or modes[k] & set(rule.modes)]
        best = max(fitting, key=lambda k: rate[k], default=None)
        best_rate = float(rate[best]) if best is not None else 0.0
        hoppin_type = str(row.hoppin_type)
        ok, nl, en = True, "", ""
        if rule.min_departures_per_hour is not None and best_rate < rule.min_departures_per_hour:
            ok = False
            nl = _too_few(rule, hoppin_type, best_rate, "nl")
            en = _too_few(rule, hoppin_type, best_rate, "en")
        elif rule.fewer_departures_per_hour is not None:
            over = [k for k in near if rate[k] >= rule.fewer_departures_per_hour]
            if over:
                ok = False
                best = max(over, key=lambda k: rate[k])
                best_rate = float(rate[best])
                nl = _too_many(rule, hoppin_type, ids[best], best_rate, "nl")
                en = _too_many(rule, hoppin_type, ids[best], best_rate, "en")
        rows.append(
            {
                "mobipunt_id": str(row.mobipunt_id),
                "name": str(row.name),
                "hoppin_type": hoppin_type,
                "ok": ok,
                "best_stop": ids[best] if best is not None else "",
                "best_per_hour": best_rate,
                "reason_nl": nl,
                "reason_en": en,
            }
        )
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in HUB_CHECK_COLUMNS})
    return pd.DataFrame(rows, columns=HUB_CHECK_COLUMNS)


def hub_check_lines(evaluation: Any, lang: str = "nl") -> list[str]:
    """One line per mobipunt that fails the check (for ``slimmeregio run``)."""
    checks = getattr(evaluation, "hub_checks", None)
    if checks is None or len(checks) == 0:
        return []
    bad = checks.loc[~checks["ok"].astype(bool)]
    column = f"reason_{lang}" if lang in LANGUAGES else "reason_nl"
    return [
        tr(
            lang,
            "Hoppin-toets: {id} {name}: {reason}",
            id=row.mobipunt_id,
            name=row.name,
            reason=getattr(row, column),
        )
        for row in bad.itertuples(index=False)
    ]
