"""The council pack's manifest: the files it holds with their sizes and checksums, ``manifest.json`` and the read-me."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slimmeregio.exporters.meta import ExportMeta, parameter_rows

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
        lang = "en" if self.lang == "en" else "nl"
        t = _README_TEXT[lang]
        m = self.meta

        def heading(text: str) -> list[str]:
            return [text, "-" * len(text)]

        lines = [
            f"{m.title}",
            "=" * len(m.title),
            "",
            f"{t['scenarios']}: {', '.join(m.scenarios) or m.scenario}",
            t["made"].format(date=m.date_text, version=m.version)
            + (f" {t['by']} {m.organisation}" if m.organisation else "")
            + ".",
            "",
        ]
        if m.notes:
            lines += [t["note"], *[f"  - {n}" for n in m.notes], ""]
        lines += heading(t["files"])
        for f in self.files:
            extra = f" (scenario: {f.scenario})" if f.scenario else ""
            extra += f" ({t['municipality']}: {f.municipality})" if f.municipality else ""
            lines.append(f"{f.path}")
            lines.append(f"    {f.description}{extra}")
        lines += [
            "manifest.json",
            t["manifest"],
            "",
            *heading(t["opening"]),
            *t["open_lines"],
            "",
            *heading("Parameters"),
        ]
        lines += [f"- {label}: {value}" for _, label, value in parameter_rows(m.parameters, lang)]
        lines += [
            "",
            *heading(t["sources"]),
            *[f"- {s}" for s in m.sources],
            *[f"- {a}" for a in m.attributions],
            "",
        ]
        return "\n".join(lines)


#: The fixed texts of the read-me, per language (:meth:`Manifest.readme`).
_README_TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "scenarios": "Scenario's",
        "made": "Gemaakt op {date} met Slimme Regio Planner {version}",
        "by": "door",
        "note": "LET OP: deze export bevat illustratieve gegevens.",
        "files": "Bestanden in deze map",
        "municipality": "gemeente",
        "manifest": "    Dezelfde lijst voor computers: soort, scenario, grootte en SHA-256 van elk bestand, en de parameters.",
        "opening": "Openen",
        "open_lines": (
            "- De webkaart (.html) opent in elke browser, ook zonder internet: de kaartbibliotheek",
            "  Leaflet zit in het bestand. Alleen de OpenStreetMap-achtergrond komt van internet;",
            "  zonder internet blijft de achtergrond effen en zijn alle lagen gewoon zichtbaar.",
            "- De GeoPackage (.gpkg) opent in QGIS of ArcGIS; elk veld heeft een beschrijving.",
            "- De kaarten in PDF en SVG zijn vectorkaarten; PNG is 300 dpi.",
        ),
        "sources": "Bronnen",
    },
    "en": {
        "scenarios": "Scenarios",
        "made": "Made on {date} with Slimme Regio Planner {version}",
        "by": "by",
        "note": "NOTE: this export contains illustrative data.",
        "files": "Files in this folder",
        "municipality": "municipality",
        "manifest": "    The same list for computers: kind, scenario, size and SHA-256 of each file, and the parameters.",
        "opening": "Opening",
        "open_lines": (
            "- The web map (.html) opens in any browser, also without internet: the map library",
            "  Leaflet is inside the file. Only the OpenStreetMap background comes from the internet;",
            "  offline the background stays plain and every layer is still shown.",
            "- The GeoPackage (.gpkg) opens in QGIS or ArcGIS; every field has a description.",
            "- The maps in PDF and SVG are vector maps; PNG is 300 dpi.",
        ),
        "sources": "Sources",
    },
}
