"""The one error family of Slimme Regio Planner.

Every problem a user can cause (a missing file, a corrupt layer, a broken
scenario) raises a subclass of :class:`SlimmeRegioError`. Each subclass also
inherits the matching built-in exception (``ValueError``, ``OSError`` ...), so
generic code can still catch it, and carries data (path, layer, field, hint)
so the GUI and the CLI can show a clear message in the user's language:

>>> err = SourceNotFoundError(path="x.gpkg")
>>> err.message("en")
'File not found: x.gpkg'

Messages are templates in Dutch (``nl``, the default) and English (``en``);
they are formatted with the error's data. Unknown template fields render empty.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "LANGUAGES",
    "BadCoordinatesError",
    "CorruptFileError",
    "ElevationModelError",
    "EmptyLayerError",
    "MissingCoordinatesError",
    "MissingFieldError",
    "MissingRoleLayerError",
    "SaveError",
    "os_reason",
    "NoGeoreferenceError",
    "OdTableError",
    "OperationCancelled",
    "OutputExistsError",
    "ProjectFileError",
    "ProjectVersionError",
    "ScenarioError",
    "SlimmeRegioError",
    "SourceNotFoundError",
    "UnsafeArchiveError",
    "UnsupportedFormatError",
    "ZipWithoutShapefileError",
    "ExportError",
    "HalfWrittenError",
    "InvalidCrsError",
    "NotAFileError",
    "TooLargeError",
    "UnsafeSourceError",
    "LayerNotFoundError",
    "OsmImportError",
    "GtfsImportError",
    "ServiceUrlError",
    "ServiceUnavailableError",
    "ServiceResponseError",
    "ExpressionError",
]

LANGUAGES = ("nl", "en")


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _is_translated(value: Any) -> bool:
    return isinstance(value, dict) and "en" in value and "nl" in value


#: Characters that would break the one-line message (or forge a line) when a
#: path, layer name or library detail holds them.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(value: Any) -> Any:
    """Text with line breaks and other control characters written as escapes
    (``\\n``, ``\\x1b`` ...), so a value can never split or forge a line."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


def _format(template: str, data: dict[str, Any]) -> str:
    safe = {key: _escape(value) for key, value in data.items()}
    return string.Formatter().vformat(template, (), _Lenient(safe)).strip()


class SlimmeRegioError(Exception):
    """Root of all user-facing errors.

    Parameters
    ----------
    path
        The file concerned, if any.
    layer
        The layer name concerned, if any.
    field
        The column or scenario field concerned, if any.
    hint
        Extra explanation (already in the user's words); shown after the
        message. May be a ``{"nl": ..., "en": ...}`` dict.
    detail
        Technical detail (e.g. the underlying library's message); shown in
        logs and after the message in the CLI, never instead of it.
    **data
        Further values referenced by the message templates. A value may be a
        ``{"nl": ..., "en": ...}`` dict (e.g. ``reason``): it is shown in the
        language of the message.
    """

    messages: ClassVar[dict[str, str]] = {
        "nl": "Er ging iets mis: {detail}",
        "en": "Something went wrong: {detail}",
    }
    hints: ClassVar[dict[str, str]] = {}

    def __init__(
        self,
        *,
        path: str | Path | None = None,
        layer: str | None = None,
        field: str | None = None,
        hint: str | dict[str, str] | None = None,
        detail: str | None = None,
        **data: Any,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.layer = layer
        self.field = field
        self.hint = hint
        self.detail = detail
        self.data = data
        super().__init__(self.message("en"))

    def _values(self, lang: str = "en") -> dict[str, Any]:
        # A value given as {"nl": ..., "en": ...} is shown in the user's language.
        values: dict[str, Any] = {
            key: (value.get(lang) or value.get("en", "")) if _is_translated(value) else value
            for key, value in self.data.items()
        }
        values.update(
            path=self.path or "",
            layer=self.layer or "",
            field=self.field or "",
            detail=self.detail or "",
        )
        return values

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang`` (``nl`` or ``en``), without the hint."""
        template = self.messages.get(lang) or self.messages["en"]
        return _format(template, self._values(lang))

    def hint_text(self, lang: str = "nl") -> str:
        """The hint in ``lang``: the explicit one, else the class default."""
        if isinstance(self.hint, dict):
            return str(_escape(self.hint.get(lang) or self.hint.get("en", "")))
        if self.hint:
            return str(_escape(self.hint))
        template = self.hints.get(lang) or self.hints.get("en", "")
        return _format(template, self._values(lang)) if template else ""

    def full_message(self, lang: str = "nl") -> str:
        """Message plus hint, one paragraph, as the CLI and dialogs show it."""
        hint = self.hint_text(lang)
        return f"{self.message(lang)} {hint}".strip() if hint else self.message(lang)

    def __str__(self) -> str:
        return self.message("en")


class SourceNotFoundError(SlimmeRegioError, FileNotFoundError):
    messages = {"nl": "Bestand niet gevonden: {path}", "en": "File not found: {path}"}
    hints = {
        "nl": "Controleer de naam en de map.",
        "en": "Check the file name and folder.",
    }


class UnsupportedFormatError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Dit bestandsformaat wordt niet ondersteund: {path}",
        "en": "This file format is not supported: {path}",
    }
    hints = {
        "nl": "Gebruik GeoPackage, Shapefile (.shp of .zip), GeoJSON, TopoJSON, CSV met coördinaten of GeoTIFF.",
        "en": "Use GeoPackage, Shapefile (.shp or .zip), GeoJSON, TopoJSON, CSV with coordinates or GeoTIFF.",
    }


class CorruptFileError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Het bestand is beschadigd of onleesbaar: {path}",
        "en": "The file is damaged or unreadable: {path}",
    }
    hints = {
        "nl": "Open het in een GIS om te controleren, of exporteer het opnieuw.",
        "en": "Check it in a GIS, or export it again.",
    }


class NotAFileError(SlimmeRegioError, OSError):
    messages = {
        "nl": "Dit is geen gewoon bestand (maar bv. een pijp, apparaat of socket): {path}",
        "en": "This is not a regular file (but e.g. a pipe, device or socket): {path}",
    }
    hints = {
        "nl": "Er is niets uit gelezen. Geef een gewoon bestand op.",
        "en": "Nothing was read from it. Give a regular file.",
    }


class UnsafeSourceError(SlimmeRegioError, ValueError):
    """A file that would make GDAL read other files or internet addresses."""

    messages = {
        "nl": "Het bestand is geweigerd omdat het onveilig is ({reason}): {path}",
        "en": "The file was refused because it is unsafe ({reason}): {path}",
    }
    hints = {
        "nl": "Lever de gegevens zelf aan, als GeoTIFF, GeoPackage, GeoJSON of Shapefile.",
        "en": "Supply the data themselves, as GeoTIFF, GeoPackage, GeoJSON or Shapefile.",
    }


class TooLargeError(SlimmeRegioError, ValueError):
    """A file declaring more data than the documented limit (checked before reading)."""

    messages = {
        "nl": "Het bestand is te groot om te verwerken ({reason}): {path}",
        "en": "The file is too large to process ({reason}): {path}",
    }
    hints = {
        "nl": "De grens is {limit}. Knip of verklein de gegevens eerst (bv. grovere pixels).",
        "en": "The limit is {limit}. Clip or shrink the data first (e.g. coarser pixels).",
    }


class HalfWrittenError(SlimmeRegioError, OSError):
    """A SQLite file (GeoPackage, project) with a hot journal or a write-ahead log."""

    messages = {
        "nl": "{what} is half geschreven door een ander programma (of wordt nog geschreven): {path}",
        "en": "{what} was left half-written by another program (or is still being written): {path}",
    }
    hints = {
        "nl": "Er is niets gewijzigd ({sidecar} staat ernaast). Open en sluit het in het programma "
        "dat het schreef, of wacht tot dat klaar is.",
        "en": "Nothing was changed ({sidecar} lies beside it). Open and close it in the program "
        "that wrote it, or wait until that has finished.",
    }

    def __init__(self, *, project: bool = False, **kwargs: Any) -> None:
        what = (
            {"nl": "Het project", "en": "The project"}
            if project
            else {"nl": "Het bestand", "en": "The file"}
        )
        super().__init__(what=what, **kwargs)


class ZipWithoutShapefileError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Het zip-bestand bevat geen shapefile (.shp): {path}",
        "en": "The zip file contains no shapefile (.shp): {path}",
    }


class UnsafeArchiveError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Het zip-bestand is geweigerd omdat het onveilig is ({reason}): {path}",
        "en": "The zip file was refused because it is unsafe ({reason}): {path}",
    }
    hints = {
        "nl": "Er is niets uitgepakt. Vraag de leverancier om een nieuw bestand.",
        "en": "Nothing was extracted. Ask the supplier for a new file.",
    }


class MissingCoordinatesError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Geen coördinaatkolommen gevonden in {path}",
        "en": "No coordinate columns found in {path}",
    }
    hints = {
        "nl": "Verwacht: kolommen zoals x/y, lambert_x/lambert_y, lon/lat of longitude/latitude. Gevonden: {columns}.",
        "en": "Expected columns such as x/y, lambert_x/lambert_y, lon/lat or longitude/latitude. Found: {columns}.",
    }


class InvalidCrsError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Onbekend coördinatenstelsel: '{crs}'",
        "en": "Unknown coordinate system: '{crs}'",
    }
    hints = {
        "nl": "Geef een EPSG-code, bv. 31370 (Lambert 72), 3812 (Lambert 2008) of 4326 (WGS84).",
        "en": "Give an EPSG code, e.g. 31370 (Lambert 72), 3812 (Lambert 2008) or 4326 (WGS84).",
    }


class LayerNotFoundError(SlimmeRegioError, LookupError):
    messages = {
        "nl": "De laag '{layer}' bestaat niet in {path}",
        "en": "There is no layer '{layer}' in {path}",
    }
    hints = {
        "nl": "Beschikbare lagen: {available}.",
        "en": "Available layers: {available}.",
    }


class BadCoordinatesError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Kolom '{field}' bevat tekst in plaats van getallen (rij {row}: '{value}') in {path}",
        "en": "Column '{field}' holds text instead of numbers (row {row}: '{value}') in {path}",
    }


class NoGeoreferenceError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Het rasterbestand heeft geen georeferentie (geen coördinatenstelsel of ligging): {path}",
        "en": "The raster has no georeferencing (no coordinate system or placement): {path}",
    }
    hints = {
        "nl": "Geef het coördinatenstelsel op, of lever een GeoTIFF met georeferentie.",
        "en": "State the coordinate system, or supply a georeferenced GeoTIFF.",
    }


class EmptyLayerError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "De laag '{layer}' bevat geen bruikbare objecten: {path}",
        "en": "Layer '{layer}' holds no usable features: {path}",
    }


class MissingFieldError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "De laag '{layer}' mist het veld '{field}' dat nodig is voor de rol {role}.",
        "en": "Layer '{layer}' lacks the field '{field}' that the role {role} needs.",
    }
    hints = {
        "nl": "Kies de juiste kolom in de veldtoewijzing. Beschikbare kolommen: {columns}.",
        "en": "Pick the right column in the field mapping. Available columns: {columns}.",
    }


class ScenarioError(SlimmeRegioError, ValueError):
    """A scenario file or model is wrong; ``location`` says where."""

    messages = {
        "nl": "Fout in scenario {path} bij {location}: {reason}",
        "en": "Error in scenario {path} at {location}: {reason}",
    }


class ProjectFileError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "Het projectbestand kan niet gelezen worden: {path} ({reason})",
        "en": "The project file cannot be read: {path} ({reason})",
    }


class ProjectVersionError(ProjectFileError):
    messages = {
        "nl": "Het projectbestand is gemaakt met een nieuwere versie (schema {found}, deze versie kent tot {supported}): {path}",
        "en": "The project file was made by a newer version (schema {found}, this version knows up to {supported}): {path}",
    }
    hints = {
        "nl": "Werk Slimme Regio Planner bij om dit project te openen. Er is niets gewijzigd.",
        "en": "Update Slimme Regio Planner to open this project. Nothing was changed.",
    }


class ExportError(SlimmeRegioError, OSError):
    messages = {
        "nl": "Exporteren naar {path} is mislukt: {reason}",
        "en": "Export to {path} failed: {reason}",
    }
    hints = {
        "nl": "Er is geen half bestand achtergebleven.",
        "en": "No partial file was left behind.",
    }


class OutputExistsError(ExportError, FileExistsError):
    messages = {
        "nl": "Het bestand bestaat al: {path}",
        "en": "The file already exists: {path}",
    }
    hints = {
        "nl": "Kies een andere naam of sta overschrijven toe (--force).",
        "en": "Choose another name or allow overwriting (--force).",
    }


class OsmImportError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "OpenStreetMap-import mislukt voor {path}: {reason}",
        "en": "OpenStreetMap import failed for {path}: {reason}",
    }


class GtfsImportError(SlimmeRegioError, ValueError):
    messages = {
        "nl": "GTFS-import mislukt voor {path}: {reason}",
        "en": "GTFS import failed for {path}: {reason}",
    }


class ServiceUrlError(SlimmeRegioError, ValueError):
    """A web service address that is refused before any request is made."""

    messages = {
        "nl": "Dit webadres wordt niet aanvaard ({reason}): {url}",
        "en": "This web address is not accepted ({reason}): {url}",
    }
    hints = {
        "nl": "Geef een http- of https-adres van een WMS-, WMTS-, XYZ-, WFS- of OGC API Features-dienst.",
        "en": "Give an http or https address of a WMS, WMTS, XYZ, WFS or OGC API Features service.",
    }


class ServiceUnavailableError(SlimmeRegioError, ConnectionError):
    """No answer from a web service (offline, refused, timed out)."""

    messages = {
        "nl": "Geen verbinding met {url}: {reason}",
        "en": "No connection to {url}: {reason}",
    }
    hints = {
        "nl": "Controleer de internetverbinding en probeer later opnieuw; "
        "lagen in het project behouden hun laatst opgehaalde versie.",
        "en": "Check the internet connection and try again later; "
        "layers in the project keep their last retrieved version.",
    }


class ServiceResponseError(SlimmeRegioError, ValueError):
    """A web service answered, but not with what was asked."""

    messages = {
        "nl": "De dienst {url} gaf geen bruikbaar antwoord: {reason}",
        "en": "The service {url} gave no usable answer: {reason}",
    }


class OperationCancelled(SlimmeRegioError):
    """Raised by a cancel check when the user cancelled a long operation."""

    messages = {"nl": "Geannuleerd door de gebruiker.", "en": "Cancelled by the user."}


class MissingRoleLayerError(SlimmeRegioError, LookupError):
    """A run would show zeros because a layer with a needed role is missing."""

    messages = {
        "nl": "Doorrekenen kan niet: er is geen laag met de rol {role} (nodig voor {indicators}).",
        "en": "Cannot compute: there is no layer with the role {role} (needed for {indicators}).",
    }


class SaveError(ExportError):
    """Saving a project failed; the old file (if any) is intact."""

    messages = {
        "nl": "Opslaan naar {path} is mislukt: {reason}.",
        "en": "Saving to {path} failed: {reason}.",
    }
    hints = {
        "nl": "Het vorige bestand is onaangeroerd en uw werk is niet verloren. "
        "Kies Project opslaan als… en sla op in een map waar u mag schrijven, met vrije schijfruimte.",
        "en": "The previous file is untouched and your work is not lost. "
        "Choose Save project as… and save to a folder you can write to, with free disk space.",
    }


class ExpressionError(SlimmeRegioError, ValueError):
    """A selection expression the safe evaluator refuses or cannot read."""

    messages = {
        "nl": "De uitdrukking '{expression}' is ongeldig: {reason}.",
        "en": "The expression '{expression}' is invalid: {reason}.",
    }
    hints = {
        "nl": "Voorbeelden: woningen > 10 en status = 'gepland' · naam in ('Halle', 'Asse') · bevat(naam, 'straat')",
        "en": "Examples: woningen > 10 and status = 'gepland' · naam in ('Halle', 'Asse') · contains(naam, 'straat')",
    }


def os_reason(error: BaseException) -> dict[str, str]:
    """A plain-words reason for a failed file operation (no errno, no temp names)."""
    import errno as _errno

    code = getattr(error, "errno", None)
    if code in (_errno.EROFS, _errno.EACCES, _errno.EPERM):
        return {"nl": "u mag niet schrijven in deze map", "en": "you cannot write to this folder"}
    if code in (_errno.ENOSPC, getattr(_errno, "EDQUOT", -1)):
        return {"nl": "de schijf is vol", "en": "the disk is full"}
    if code in (_errno.ENOENT, _errno.ENOTDIR):
        return {"nl": "de map bestaat niet", "en": "the folder does not exist"}
    if code == _errno.ENAMETOOLONG:
        return {"nl": "de bestandsnaam is te lang", "en": "the file name is too long"}
    return {"nl": "het bestand kon niet worden geschreven", "en": "the file could not be written"}


class OdTableError(SlimmeRegioError, ValueError):
    """An origin-destination (commuting) table has a value that cannot be used."""

    messages = {
        "nl": "Pendeltabel {path}, rij {row}: {reason}",
        "en": "Commuting table {path}, row {row}: {reason}",
    }
    hints = {
        "nl": "Elke rij heeft een herkomst, een bestemming (NIS-code of zone) en een aantal "
        "pendelaars (een getal van 0 of meer).",
        "en": "Every row needs an origin, a destination (NIS code or zone) and a number of "
        "commuters (a number of 0 or more).",
    }


class ElevationModelError(SlimmeRegioError, ValueError):
    """An elevation model (role ``hoogtemodel``) that cannot give the network's gradients."""

    messages = {
        "nl": "Hoogtemodel '{layer}' is niet bruikbaar: {reason}.",
        "en": "Elevation model '{layer}' cannot be used: {reason}.",
    }
    hints = {
        "nl": "Een hoogtemodel is een GeoTIFF met hoogtes in meter boven de zeespiegel, met een "
        "coördinatenstelsel, dat het fietsnetwerk dekt (bv. het Digitaal Hoogtemodel Vlaanderen). "
        "Verwijder de laag of geef ze een andere rol om zonder hellingen te rekenen.",
        "en": "An elevation model is a GeoTIFF of elevations in metres above sea level, with a "
        "coordinate system, covering the bike network (e.g. the Digital Elevation Model of "
        "Flanders). Remove the layer or give it another role to compute without gradients.",
    }
