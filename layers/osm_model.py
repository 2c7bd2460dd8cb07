"""The OpenStreetMap import's vocabulary: attribution, layer names, skip labels, and the result and report types."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slimmeregio.layers.errors import OsmImportError
from slimmeregio.layers.i18n import N_, tr
from slimmeregio.layers.model import Layer

__all__ = [
    "NETWORK_LAYER",
    "OSM_ATTRIBUTION",
    "SKIP_LABELS",
    "WGS84",
    "OsmImport",
    "OsmImportReport",
    "osm_error",
    "skip_label",
]


#: Attribution every OSM-derived layer carries onto maps and exports.
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"

#: Name of the bike-network layer the import produces.
NETWORK_LAYER = "fietsnetwerk_osm"

WGS84 = "EPSG:4326"

#: Why a way was left out, in Dutch (``tr`` gives the English).
SKIP_LABELS: dict[str, str] = {
    "motorway": N_("autosnelweg"),
    "motorroad": N_("autoweg (motorroad=yes)"),
    "bicycle_no": N_("fietsverbod"),
    "use_sidepath": N_("verplicht fietspad ernaast"),
    "no_access": N_("geen toegang"),
    "not_for_bicycles": N_("voetpad/pad zonder fietstoelating"),
    "not_a_way": N_("geen berijdbare weg (werf, gepland, perron ...)"),
    "area": N_("plein als vlak"),
    "missing_nodes": N_("knopen ontbreken in het bestand"),
}


def skip_label(reason: str, lang: str = "nl") -> str:
    """What skip reason ``reason`` names, in ``lang`` (the key itself when unknown)."""
    return tr(lang, SKIP_LABELS[reason]) if reason in SKIP_LABELS else reason


def osm_error(path: str | Path, nl: str, en: str, detail: str | None = None) -> OsmImportError:
    """An :class:`OsmImportError` for ``path`` with the reason in Dutch and English."""
    return OsmImportError(path=path, reason={"nl": nl, "en": en}, detail=detail)


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass
class OsmImportReport:
    """What the import kept, skipped and measured.

    ``ways_per_class`` and ``km_per_class`` count the OSM ways and the
    kilometres of the bike network per link class, inside the clip.
    ``skipped`` counts the highway ways inside the clip that were left out,
    by reason key (see :meth:`OsmRules.access`); ``outside_clip`` the usable
    ways outside it. ``missing_nodes`` counts ways whose nodes were partly
    absent from the extract. ``pois`` counts features per POI layer,
    ``routes`` the cycle-route relations read. ``bytes_read`` is the file
    size times the two passes; ``seconds`` the wall time.
    """

    ways_per_class: dict[str, int] = field(default_factory=dict)
    km_per_class: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    outside_clip: int = 0
    missing_nodes: int = 0
    pois: dict[str, int] = field(default_factory=dict)
    routes: int = 0
    bytes_read: int = 0
    seconds: float = 0.0

    def lines(self, lang: str = "nl") -> list[str]:
        """The report as short lines for the CLI and the import dialog."""
        out = []
        for klasse, n in self.ways_per_class.items():
            km = self.km_per_class.get(klasse, 0.0)
            out.append(tr(lang, "{klasse}: {n} wegen, {km:.1f} km", klasse=klasse, n=n, km=km))
        for reason, n in sorted(self.skipped.items()):
            label = skip_label(reason, lang)
            out.append(tr(lang, "overgeslagen ({label}): {n}", label=label, n=n))
        for layer, n in self.pois.items():
            out.append(f"{layer}: {n}")
        return out


@dataclass
class OsmImport:
    """The layers an import produced, and its report."""

    network: Layer
    pois: list[Layer]
    report: OsmImportReport

    @property
    def layers(self) -> list[Layer]:
        """Network first, then the POI layers."""
        return [self.network, *self.pois]
