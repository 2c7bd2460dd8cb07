"""The provenance block every export carries.

A council reading a map, a workbook or a slide must be able to tell which
scenario it shows, with which parameters, when it was made, by which version
of the tool, from which data, and whether illustrative data is shown.
:class:`ExportMeta` gathers that once; each exporter renders it in its own
form (map source line, Excel sheet, slide, manifest, GeoPackage metadata).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from slimmeregio import __version__
from slimmeregio.exporters.terms import domain_terms
from slimmeregio.layers.errors import SlimmeRegioError
from slimmeregio.layers.i18n import LANGUAGES, N_, tr
from slimmeregio.layers.model import Project

_log = logging.getLogger(__name__)

__all__ = [
    "BRUSSELS_NOTES",
    "LEDGER_COLUMNS",
    "MODIFICATION_KINDS",
    "ExportMeta",
    "build_meta",
    "ledger_columns",
    "modification_ledger",
    "parameter_rows",
    "scenario_label",
]

#: Codes of ``Evaluation.notes`` that only concern the flows towards Brussels.
BRUSSELS_NOTES = ("no_brussels", "brussels_unreached")

#: Dutch labels of the scenario parameters, for tables and source lines (``tr`` gives the English).
PARAMETER_LABELS: dict[str, str] = {
    "speeds_kmh": N_("Fietssnelheid per linkklasse (km/u)"),
    "walking_speed_kmh": N_("Wandelsnelheid (km/u)"),
    "walk_thresholds_m": N_("Drempels wandelafstand (m)"),
    "bike_thresholds_min": N_("Drempels fietstijd (min)"),
    "max_snap_m": N_("Maximale afstand tot het netwerk (m)"),
    "household_size": N_("Gemiddelde gezinsgrootte"),
    "min_trains_per_day": N_("Minimum treinen per dag (station telt mee)"),
    "mobipunt_types": N_("Mobipunttypes die meetellen"),
    "service_area_min": N_("Bedieningsgebied (fietsminuten)"),
    "curve_max_min": N_("Dekkingscurve tot (min)"),
    "siting_threshold_min": N_("Locatiekeuze: drempel (fietsminuten)"),
    "detour_ratio": N_("Ontbrekende schakels: omwegfactor"),
    "detour_max_straight_m": N_("Ontbrekende schakels: max. rechte afstand (m)"),
    "pt_walk_m": N_("OV: wandelafstand tot een halte (m)"),
    "pt_departures_per_hour": N_("OV: drempels vertrekken per uur"),
    "pt_windows": N_("OV: tijdvensters"),
    "pt_trains_per_hour": N_("Station telt vanaf treinen per uur"),
    "pt_train_window": N_("Tijdvenster voor treinen"),
    "bike_train_max_bike_min": N_("Fiets + trein: max. fietstijd (min)"),
    "hub_offers": N_("Mobipuntaanbod met een eigen aandeel"),
    "hub_type_weights": N_("Gewicht per Hoppin-type (interregionaal, regionaal, lokaal, buurt)"),
    "opportunity_bike_half_life_min": N_("Bestemmingen: halveringstijd fietsen (min)"),
    "opportunity_walk_half_life_m": N_("Bestemmingen: halveringsafstand wandelen (m)"),
    "opportunity_nearest_k": N_("Bestemmingen: tijd tot de k-de dichtstbijzijnde"),
    "workers_per_dwelling": N_("Pendel: werkenden per woning"),
    "commute_beta_per_km": N_("Pendel: afstandsverval (per km)"),
    "commute_routes": N_("Pendel: woon-werkroutes"),
    "commute_origins": N_("Pendel: herkomsten"),
}


#: What each commuting route choice minimises (its name: ``quiet_routes.ROUTE_LABELS``).
_ROUTE_MEANING: dict[str, str] = {
    "fastest": N_("kortste afstand"),
    "quiet": N_("drukke straten wegen zwaarder"),
}
#: Parameters that are a choice of keywords -> Dutch text per keyword (``tr`` gives the English).
_CHOICES: dict[str, dict[str, str]] = {
    "commute_origins": {
        "auto": N_("automatisch: per woonpunt tot {n} woonpunten, daarboven per cel van 100 m"),
        "points": N_("per woonpunt"),
        "cells": N_("per cel van 100 m en gemeente"),
    },
}


def _choice_text(key: str, value: Any, lang: str) -> Any:
    """A keyword parameter (a choice, a time window) in words; other values unchanged."""
    from slimmeregio.layers.numbers import fmt_number
    from slimmeregio.scenarios.commute_origins import AUTO_MAX_POINTS
    from slimmeregio.scenarios.quiet_routes import ROUTE_LABELS
    from slimmeregio.scenarios.transit_keys import window_label

    if key == "commute_routes" and str(value) in ROUTE_LABELS:
        name = tr(lang, ROUTE_LABELS[str(value)]).lower()
        return f"{name} ({tr(lang, _ROUTE_MEANING[str(value)])})"
    if key in _CHOICES and str(value) in _CHOICES[key]:
        return tr(lang, _CHOICES[key][str(value)], n=fmt_number(AUTO_MAX_POINTS, "count", lang))
    if key == "pt_train_window":
        return window_label(str(value), lang)
    if key == "pt_windows" and isinstance(value, list | tuple):
        return [window_label(str(v), lang) for v in value]
    return value


def _format_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_format_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_format_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _parameters_dict(parameters: Any) -> dict[str, Any]:
    if parameters is None:
        return {}
    if isinstance(parameters, Mapping):
        return dict(parameters)
    dump = getattr(parameters, "model_dump", None)
    if callable(dump):
        return dict(dump())
    return {k: v for k, v in vars(parameters).items() if not k.startswith("_")}


def parameter_rows(parameters: Any, lang: str = "nl") -> list[tuple[str, str, str]]:
    """``(key, label, value text)`` for each parameter, in a stable order."""
    data = _parameters_dict(parameters)
    keys = [k for k in PARAMETER_LABELS if k in data] + sorted(
        k for k in data if k not in PARAMETER_LABELS
    )
    rows = []
    for key in keys:
        label = tr(lang, PARAMETER_LABELS[key]) if key in PARAMETER_LABELS else key
        value = data[key]
        # the class and type names are Dutch data values: English words in an English export
        from slimmeregio.exporters.terms import hoppin_type, link_class

        if key == "speeds_kmh" and isinstance(value, Mapping):
            value = {link_class(k, lang): v for k, v in value.items()}
        elif key == "mobipunt_types" and isinstance(value, list | tuple):
            value = [hoppin_type(v, lang) for v in value]
        else:
            value = _choice_text(key, value, lang)
        rows.append((key, label, _format_value(value)))
    return rows


def english_terms(text: str) -> str:
    """English wording for text the engine writes with Dutch domain words (mobipunt, Hoppin types,
    link classes and housing status in parentheses: ``(bovenlokaal, 705 m)``, ``(gepland)``)."""
    from slimmeregio.exporters.terms import domain_terms

    return domain_terms(text, "en")


def scenario_label(scenario: Any, lang: str = "nl") -> str:
    """The scenario's name, or 'Basistoestand' for the base situation."""
    if scenario is None:
        return tr(lang, "Basistoestand")
    name = getattr(scenario, "name", None) or str(scenario)
    return str(name)


@dataclass(frozen=True)
class ExportMeta:
    """What, when, how and from which data an export was made.

    ``sources`` are human-readable source lines (one per data source, with
    licence where known), ``notes`` the illustrative-data notes of the layers
    shown, ``attributions`` required attribution lines (e.g. ODbL).
    """

    title: str
    scenario: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())
    version: str = __version__
    organisation: str = ""
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    attributions: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    #: Names of the illustrative layers shown (for a short map note).
    illustrative_layers: tuple[str, ...] = ()
    #: Remarks on the results themselves (``Evaluation.notes``), as
    #: ``(Dutch, English)`` pairs, e.g. "no Brussels layer: Brussels flows are 0".
    result_notes: tuple[tuple[str, str], ...] = ()
    #: The export's language: names the base situation in :meth:`with_scenario`.
    lang: str = "nl"

    def result_note_texts(self, lang: str = "nl") -> list[str]:
        """:attr:`result_notes` in ``lang`` (``"nl"`` or ``"en"``)."""
        return [en if lang == "en" else nl for nl, en in self.result_notes]

    def with_results(self, *evaluations: Any, skip: Iterable[str] = ()) -> ExportMeta:
        """A copy carrying the notes of ``evaluations`` (Evaluation objects, None skipped).

        Each note appears once, in the order met; a note already present is
        not repeated. ``skip``: note codes to leave out (where they are not
        relevant, e.g. the Brussels notes on an access map).
        """
        from dataclasses import replace

        skipped = set(skip)
        notes = list(self.result_notes)
        for ev in evaluations:
            for code, text in (getattr(ev, "notes", None) or {}).items():
                if code in skipped:
                    continue
                pair = (str(text.get("nl", "")), str(text.get("en", text.get("nl", ""))))
                if pair[0] and pair not in notes:
                    notes.append(pair)
        return replace(self, result_notes=tuple(notes))

    @property
    def short_note(self) -> str:
        """One sentence naming the illustrative layers (for maps)."""
        return self.short_note_for("nl")

    def short_note_for(self, lang: str = "nl") -> str:
        """:attr:`short_note` in ``lang`` (``"nl"`` or ``"en"``)."""
        if not self.notes:
            return ""
        names = ", ".join(self.illustrative_layers)
        what = f" ({names})" if names else ""
        return tr(
            lang,
            "Illustratieve gegevens{what}: gegenereerd uit echte ankerpunten, geen echte toestand. "
            "Gebruik echte gegevens voor beslissingen.",
            what=what,
        )

    @property
    def date_text(self) -> str:
        return self.created.strftime("%d-%m-%Y %H:%M")

    def with_scenario(self, scenario: Any, parameters: Any = None) -> ExportMeta:
        """A copy describing ``scenario`` (and its parameters)."""
        from dataclasses import replace

        params = _parameters_dict(
            parameters if parameters is not None else getattr(scenario, "parameters", None)
        )
        return replace(
            self,
            scenario=scenario_label(scenario, self.lang),
            description=str(getattr(scenario, "description", "") or ""),
            parameters=params or self.parameters,
        )

    def source_line(self, lang: str = "nl", *, compact: bool = False) -> str:
        """One paragraph for a source line or a footer.

        ``compact`` (maps, footers): the attribution lines stand for the
        sources and the illustrative notes are left out (maps show
        :attr:`short_note` on their own).
        """
        made = tr(
            lang,
            "Gemaakt met Slimme Regio Planner {version} op {date}.",
            version=self.version,
            date=self.date_text,
        )
        label = tr(lang, "Bronnen: ")
        if compact:
            listed = self.attributions or self.sources
            parts = [label + " · ".join(listed) + "." if listed else "", made]
        else:
            parts = [
                label + "; ".join(self.sources) + "." if self.sources else "",
                " · ".join(self.attributions),
                " ".join(self.notes),
                made,
            ]
        return " ".join(p.strip() for p in parts if p.strip())

    def parameter_line(self, lang: str = "nl") -> str:
        """Short parameter summary (speeds and thresholds) for a map."""
        keep = ("speeds_kmh", "walk_thresholds_m", "bike_thresholds_min", "household_size")
        rows = [r for r in parameter_rows(self.parameters, lang) if r[0] in keep]
        return "; ".join(f"{label}: {value}" for _, label, value in rows)

    def rows(self, lang: str = "nl") -> list[tuple[str, str]]:
        """``(label, value)`` rows: the metadata block of a workbook or slide."""
        rows = [(tr(lang, "Titel"), self.title)]
        if len(self.scenarios) <= 1:  # several: every scenario, not the first one alone
            rows.append(("Scenario", self.scenario))
        if self.scenarios:
            rows.append((tr(lang, "Scenario's"), ", ".join(self.scenarios)))
        if self.description and len(self.scenarios) <= 1:
            rows.append((tr(lang, "Beschrijving"), self.description))
        if self.organisation:
            rows.append((tr(lang, "Organisatie"), self.organisation))
        rows += [
            (tr(lang, "Datum"), self.date_text),
            (tr(lang, "Versie Slimme Regio Planner"), self.version),
        ]
        rows += [(tr(lang, "Bron"), s) for s in self.sources]
        rows += [(tr(lang, "Naamsvermelding"), a) for a in self.attributions]
        rows += [(tr(lang, "Opmerking"), n) for n in self.notes]
        rows += [(tr(lang, "Opmerking bij de resultaten"), n) for n in self.result_note_texts(lang)]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (for manifests and GeoPackage metadata)."""
        return {
            "title": self.title,
            "scenario": self.scenario,
            "scenarios": list(self.scenarios),
            "description": self.description,
            "parameters": {k: _jsonable(v) for k, v in self.parameters.items()},
            "created": self.created.isoformat(timespec="seconds"),
            "tool": "Slimme Regio Planner",
            "version": self.version,
            "organisation": self.organisation,
            "sources": list(self.sources),
            "attributions": list(self.attributions),
            "notes": list(self.notes),
            "illustrative_layers": list(self.illustrative_layers),
            "result_notes": [{"nl": nl, "en": en} for nl, en in self.result_notes],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _layer_source_line(layer: Any, lang: str = "nl") -> str | None:
    service = getattr(layer, "service", None)
    if service is not None:  # a web service's snapshot: where and when it was retrieved
        return f"{layer.name}: {service.describe(lang)}"
    source = getattr(layer, "source", None)
    if source is None:
        return None
    name = Path(str(source)).name
    kind = " (illustratief)" if getattr(layer, "note", None) else ""
    return f"{layer.name}{kind}: {name}"


#: The Dutch words of the embedded region's provenance table, replaced in this
#: order by their translation (``tr``) in an export in another language.
_PROVENANCE_WORDS = (
    N_("Gemeenten Brussels Hoofdstedelijk Gewest"),
    N_("Gemeenten"),
    N_("Deelgemeenten"),
    N_("Treinstations"),
    N_("Fietsnetwerk"),
    N_("Woningen"),
    N_("Mobipunten"),
    N_("Bevolking per 100 m"),
    N_("(illustratief)"),
    N_("gegenereerd door"),
    N_("(afgeleid)"),
    N_("postcodelijst"),
    N_("coördinaten"),
    N_("stations en faciliteiten"),
)


def _provenance_in(text: str, lang: str) -> str:
    """A provenance line in ``lang``'s words (unchanged in Dutch)."""
    for word in _PROVENANCE_WORDS:
        text = text.replace(word, tr(lang, word))
    return text


def _region_provenance() -> dict[str, Any] | None:
    """The embedded region's provenance table, or None when it cannot be read.

    A damaged resources file must not stop an export, but it must not pass
    unnoticed either: the export loses its source lines and English notes,
    and the log says why. Only read failures are caught.
    """
    from slimmeregio.layers.region import region_provenance

    try:
        return region_provenance()
    except (SlimmeRegioError, OSError, ValueError, KeyError, TypeError) as error:
        _log.warning(
            "export without source lines: the region's provenance cannot be read (%s)", error
        )
        return None


def _region_sources(project: Project, lang: str = "nl") -> dict[str, str]:
    """Source lines by layer name from the embedded region's provenance table (in English with ``lang="en"``).

    Only for layers actually loaded from the embedded region files.
    """
    from slimmeregio.resources import POPULATION_TIF, REGION_GPKG

    embedded = {REGION_GPKG.resolve(), POPULATION_TIF.resolve()}
    names = [
        layer.name
        for layer in project.layers
        if layer.source is not None and Path(layer.source).resolve() in embedded
    ]
    if not names:
        return {}
    provenance = _region_provenance()
    if provenance is None:
        return {}
    lines: dict[str, str] = {}
    for name in names:
        item = provenance.get(name)
        if item is None:
            continue
        text = f"{item.title_nl}: {item.source}"
        if item.licence:
            text += f" ({item.licence})"
        lines[name] = _provenance_in(text, lang)
    return lines


def _notes(project: Project, lang: str) -> tuple[str, ...]:
    """The layers' illustrative-data notes in ``lang``.

    A layer keeps one note (Dutch); for the embedded region's layers the
    provenance table also holds it in English, so an English export reads
    English. Notes of the user's own layers stay as written.
    """
    notes = list(project.notes)
    if lang != "en" or not notes:
        return tuple(notes)
    provenance = _region_provenance()
    if provenance is None:
        return tuple(notes)
    english = {p.note_nl: p.note_en for p in provenance.values() if p.note_nl and p.note_en}
    return tuple(dict.fromkeys(english.get(n, n) for n in notes))


def build_meta(
    project: Project,
    *,
    scenario: Any = None,
    parameters: Any = None,
    title: str | None = None,
    scenarios: Iterable[Any] = (),
    created: datetime | None = None,
    lang: str = "nl",
) -> ExportMeta:
    """The metadata block for exports of ``project`` showing ``scenario``.

    ``lang`` names the base situation (``Basistoestand`` / ``Base situation``).

    Sources come from the embedded region's provenance table when the region
    is loaded, else from each layer's source file; notes and attributions
    from the layers (:attr:`Project.notes`, :attr:`Project.attributions`).
    """
    region = _region_sources(project, lang)
    sources = [
        line
        for layer in project.layers
        if (line := region.get(layer.name) or _layer_source_line(layer, lang))
    ]
    if not sources and len(project.layers):
        mark = tr(lang, " (illustratief)")
        names = [f"{layer.name}{mark}" if layer.note else layer.name for layer in project.layers]
        sources = [tr(lang, "Projectlagen: {names}", names=", ".join(names))]
    params = _parameters_dict(
        parameters if parameters is not None else getattr(scenario, "parameters", None)
    )
    return ExportMeta(
        title=title or project.settings.title,
        scenario=scenario_label(scenario, lang),
        description=str(getattr(scenario, "description", "") or ""),
        parameters=params,
        created=created or datetime.now().astimezone(),
        organisation=project.settings.organisation,
        sources=tuple(dict.fromkeys(sources)),
        notes=_notes(project, lang),
        attributions=tuple(project.attributions),
        scenarios=tuple(scenario_label(s, lang) for s in scenarios),
        illustrative_layers=tuple(layer.name for layer in project.layers if layer.note),
        lang=lang if lang in LANGUAGES else "nl",
    )


#: Dutch names of the modification kinds, for ledgers (``tr`` gives the English).
MODIFICATION_KINDS: dict[str, str] = {
    "add_link": N_("Fietsverbinding toevoegen"),
    "remove_link": N_("Fietsverbinding afsluiten"),
    "upgrade_link": N_("Fietsverbinding opwaarderen"),
    "add_mobipunt": N_("Mobipunt toevoegen"),
    "move_mobipunt": N_("Mobipunt verplaatsen"),
    "remove_mobipunt": N_("Mobipunt schrappen"),
    "add_housing": N_("Woonproject toevoegen"),
    "remove_housing": N_("Woningen schrappen"),
    "set_frequency": N_("Frequentie openbaar vervoer"),
}


def ledger_columns(lang: str = "nl") -> tuple[str, ...]:
    """The ledger's column names in ``lang``: number, kind, what, where, X, Y, by, why, when."""
    return (
        tr(lang, "Nr", context="ledger"),
        tr(lang, "Soort", context="ledger"),
        tr(lang, "Wat", context="ledger"),
        tr(lang, "Waar", context="ledger"),
        tr(lang, "X", context="ledger"),
        tr(lang, "Y", context="ledger"),
        tr(lang, "Door", context="ledger"),
        tr(lang, "Waarom", context="ledger"),
        tr(lang, "Wanneer", context="ledger"),
    )


#: The ledger's column names in Dutch.
LEDGER_COLUMNS = ledger_columns("nl")


def _ids_location(layer: Any, ids: Iterable[Any]) -> tuple[float, float] | None:
    """Centre of the features of ``layer`` whose id is in ``ids``."""
    if layer is None or layer.is_raster or not layer.has_field("id"):
        return None
    wanted = {str(i) for i in ids}
    frame = layer.frame
    sel = frame[layer.column("id").astype(str).isin(wanted)]
    if sel.empty:
        return None
    c = sel.geometry.union_all().centroid
    return (float(c.x), float(c.y))


def _modification_xy(mod: Any, project: Project | None) -> tuple[float, float] | None:
    from slimmeregio.layers.roles import Role

    kind = getattr(mod, "kind", "")
    if kind in ("add_mobipunt", "move_mobipunt") or (
        kind == "add_housing" and getattr(mod, "x", None) is not None
    ):
        return (float(mod.x), float(mod.y))
    if kind == "add_housing" and getattr(mod, "polygon", None):
        xs, ys = zip(*mod.polygon, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    if kind == "add_link":
        coords = list(mod.coords)
        mid = (
            coords[len(coords) // 2]
            if len(coords) % 2
            else (
                (
                    (coords[len(coords) // 2 - 1][0] + coords[len(coords) // 2][0]) / 2,
                    (coords[len(coords) // 2 - 1][1] + coords[len(coords) // 2][1]) / 2,
                )
            )
        )
        return (float(mid[0]), float(mid[1]))
    if project is None:
        return None
    if kind in ("remove_link", "upgrade_link"):
        return _ids_location(project.layers.first(Role.BIKE_NETWORK), mod.link_ids)
    if kind == "remove_mobipunt":
        return _ids_location(project.layers.first(Role.MOBIPUNTEN), [mod.mobipunt_id])
    if kind == "remove_housing":
        return _ids_location(project.layers.first(Role.HOUSING), mod.housing_ids)
    if kind == "set_frequency" and getattr(mod, "stop_id", None) is not None:
        return _ids_location(project.layers.first(Role.PT_STOPS), [mod.stop_id])
    return None


def _where(xy: tuple[float, float] | None, project: Project | None, lang: str = "nl") -> str:
    from slimmeregio.layers.roles import Role

    if xy is None or project is None:
        return ""
    layer = project.layers.first(Role.MUNICIPALITIES)
    if layer is None or layer.is_raster or not layer.has_field("name"):
        return ""
    import shapely

    point = shapely.Point(xy)
    hits = layer.frame.sindex.query(point, predicate="intersects")
    if len(hits) == 0:
        return tr(lang, "buiten de gemeenten")
    return str(layer.column("name").iloc[int(hits[0])])


def modification_ledger(
    scenario: Any, project: Project | None = None, lang: str = "nl"
) -> list[dict[str, Any]]:
    """The scenario's modifications as ledger rows: what, where, who, why, when.

    Each row is a dict keyed by :func:`ledger_columns` in ``lang``:
    number, kind, description, municipality, X, Y (Lambert 72), author,
    reason, created. Values are plain text/numbers straight from the
    scenario: writers must still escape them for their format.
    """
    cols = ledger_columns(lang)
    rows: list[dict[str, Any]] = []
    for i, mod in enumerate(getattr(scenario, "modifications", ()) or (), start=1):
        kind = getattr(mod, "kind", type(mod).__name__)
        xy = _modification_xy(mod, project)
        describe = getattr(mod, "describe", None)
        what = describe(lang) if callable(describe) else kind
        # the engine's English descriptions still say "mobipunt" and name Dutch Hoppin types
        what = domain_terms(str(what), lang)
        created = getattr(mod, "created", None)
        values = (
            i,
            tr(lang, MODIFICATION_KINDS[kind]) if kind in MODIFICATION_KINDS else kind,
            what,
            _where(xy, project, lang),
            round(xy[0], 1) if xy else None,
            round(xy[1], 1) if xy else None,
            str(getattr(mod, "author", "")),
            str(getattr(mod, "reason", "")),
            created.strftime("%Y-%m-%d %H:%M") if created is not None else "",
        )
        rows.append(dict(zip(cols, values, strict=True)))
    return rows
