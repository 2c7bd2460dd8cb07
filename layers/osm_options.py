"""The OpenStreetMap import's options as a user types them: clip or bounding box, and a rules file."""

from __future__ import annotations

from slimmeregio.layers.errors import OsmImportError
from slimmeregio.layers.osm_rules import OsmRules

__all__ = ["parse_bbox", "read_rules"]


def parse_bbox(
    extract: str, text: str | None, *, clip_to: str | None = None
) -> tuple[float, ...] | None:
    """``minlon,minlat,maxlon,maxlat`` as four numbers (None without ``text``).

    Raises :class:`OsmImportError` for anything else, or when a clip file is
    given as well (one way to clip, not two).
    """
    if clip_to and text:
        raise OsmImportError(
            path=extract,
            reason={
                "nl": "gebruik --clip-to óf --bbox, niet beide",
                "en": "use --clip-to or --bbox, not both",
            },
        )
    if not text:
        return None
    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4:
        raise OsmImportError(
            path=extract,
            reason={
                "nl": f"--bbox moet minlon,minlat,maxlon,maxlat zijn, niet '{text}'",
                "en": f"--bbox must be minlon,minlat,maxlon,maxlat, not '{text}'",
            },
        )
    return box


def read_rules(rules_file: str | None) -> OsmRules | None:
    """The tag rules of a TOML file (None without a file); a file that cannot be read raises :class:`OsmImportError`."""
    if not rules_file:
        return None
    try:
        return OsmRules.from_toml(rules_file)
    except (OSError, ValueError, TypeError) as exc:
        raise OsmImportError(
            path=rules_file,
            reason={
                "nl": f"de regels kunnen niet gelezen worden ({exc})",
                "en": f"the rules cannot be read ({exc})",
            },
            detail=str(exc),
        ) from exc
