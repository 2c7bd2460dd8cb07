"""The council pack's manifest: the files it holds with their sizes and checksums, ``manifest.json`` and the read-me."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimmeregio.exporters.meta import ExportMeta, parameter_rows
from slimmeregio.layers.i18n import tr

__all__ = ["Manifest", "PackFile", "readme_name"]


def readme_name(lang: str = "nl") -> str:
    """The read-me file of a pack: ``LEESMIJ.txt`` (Dutch) or ``README.txt`` (English)."""
    return "README.txt" if lang == "en" else "LEESMIJ.txt"


@dataclass(frozen=True)
class PackFile:
    """One file of the pack (``path`` relative to the pack folder)."""

    path: str
    kind: str
    description: str
    scenario: str = ""
    municipality: str = ""
    bytes: int = 0
    sha256: str = ""


@dataclass
class Manifest:
    """What a pack holds; :meth:`to_dict` is ``manifest.json``."""

    folder: Path
    meta: ExportMeta
    files: list[PackFile] = field(default_factory=list)
    #: Language of the descriptions and the read-me (``"nl"`` or ``"en"``).
    lang: str = "nl"

    @property
    def readme_name(self) -> str:
        """``LEESMIJ.txt`` or ``README.txt``, after :attr:`lang`."""
        return readme_name(self.lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": "Slimme Regio Planner",
            "version": self.meta.version,
            "created": self.meta.created.isoformat(timespec="seconds"),
            "meta": self.meta.to_dict(),
            "files": [f.__dict__ for f in self.files],
        }

    def readme(self) -> str:
        """The read-me: the pack explained to its reader, in :attr:`lang`."""
        lang = self.lang
        m = self.meta

        def heading(text: str) -> list[str]:
            return [text, "-" * len(text)]

        lines = [
            f"{m.title}",
            "=" * len(m.title),
            "",
            tr(lang, "Scenario's") + f": {', '.join(m.scenarios) or m.scenario}",
            tr(
                lang,
                "Gemaakt op {date} met Slimme Regio Planner {version} door {organisation}.",
                date=m.date_text,
                version=m.version,
                organisation=m.organisation,
            )
            if m.organisation
            else tr(
                lang,
                "Gemaakt op {date} met Slimme Regio Planner {version}.",
                date=m.date_text,
                version=m.version,
            ),
            "",
        ]
        if m.notes:
            lines += [
                tr(lang, "LET OP: deze export bevat illustratieve gegevens."),
                *[f"  - {n}" for n in m.notes],
                "",
            ]
        lines += heading(tr(lang, "Bestanden in deze map"))
        for f in self.files:
            extra = f" (scenario: {f.scenario})" if f.scenario else ""
            if f.municipality:
                extra += tr(lang, " (gemeente: {name})", name=f.municipality)
            lines.append(f"{f.path}")
            lines.append(f"    {f.description}{extra}")
        lines += [
            "manifest.json",
            "    "
            + tr(
                lang,
                "Dezelfde lijst voor computers: soort, scenario, grootte en SHA-256 van elk "
                "bestand, en de parameters.",
            ),
            "",
            *heading(tr(lang, "Openen")),
            *tr(
                lang,
                "- De webkaart (.html) opent in elke browser, ook zonder internet: de kaartbibliotheek\n"
                "  Leaflet zit in het bestand. Alleen de OpenStreetMap-achtergrond komt van internet;\n"
                "  zonder internet blijft de achtergrond effen en zijn alle lagen gewoon zichtbaar.\n"
                "- De GeoPackage (.gpkg) opent in QGIS of ArcGIS; elk veld heeft een beschrijving.\n"
                "- De kaarten in PDF en SVG zijn vectorkaarten; PNG is 300 dpi.",
            ).split("\n"),
            "",
            *heading("Parameters"),
        ]
        lines += [f"- {label}: {value}" for _, label, value in parameter_rows(m.parameters, lang)]
        lines += [
            "",
            *heading(tr(lang, "Bronnen")),
            *[f"- {s}" for s in m.sources],
            *[f"- {a}" for a in m.attributions],
            "",
        ]
        return "\n".join(lines)
