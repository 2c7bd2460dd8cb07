"""OpenStreetMap tag rules for the bike network and the POI layers.

This module is the one documented, editable place that says which OSM ways a
cyclist may use, in which direction, and which link class they get. The
import (:mod:`slimmeregio.layers.osm`) only applies these rules; to change a
rule, build an :class:`OsmRules` with other values (``dataclasses.replace``)
or load one from a TOML file with :meth:`OsmRules.from_toml` and pass it as
``import_osm(..., rules=...)``. docs/osm-import.md explains every rule.

The rules are pure functions of a way's tags and of the cycle-route relations
the way belongs to, so they are tested without any OSM file.

Decisions (see docs/osm-import.md for the reasoning):

* ``bicycle=use_sidepath`` excludes the road: the cyclist must use the
  separately mapped cycle path next to it (``use_sidepath_allowed``).
* ``bicycle=dismount`` keeps the way (you may walk your bike through, which
  keeps bridges and station tunnels connected).
* A path, track or footway without a bicycle permission is kept when it is
  a member of a cycle-route relation (signposted routes are rideable).
* Unknown access values are treated as allowed; only the listed denials ban.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

try:  # the parser re itself uses; only read, to judge a rule's pattern
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as _sre_parse

__all__ = [
    "DEFAULT_RULES",
    "OsmRules",
    "PoiKind",
    "RouteInfo",
    "WayVerdict",
]

Tags = Mapping[str, str]

#: Largest rules file (a few dozen lines are typical).
MAX_RULES_BYTES = 1_000_000
#: The rule fields that are regular expressions.
PATTERN_FIELDS = ("fietssnelweg_ref", "fietssnelweg_network", "bovenlokaal_cycle_network")
#: Longest pattern a rule may have.
MAX_PATTERN_LENGTH = 200
#: Patterns are matched against at most this many characters of a tag value
#: (OSM allows 255; network and ref values are a few dozen).
MAX_SUBJECT_LENGTH = 255
#: Most repetitions with an upper bound above 10 (``*``, ``+``, ``{1,50}``) in one pattern.
MAX_OPEN_REPEATS = 2
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_BACKREFS = {
    "GROUPREF",
    "GROUPREF_EXISTS",
    "GROUPREF_IGNORE",
    "GROUPREF_LOC_IGNORE",
    "GROUPREF_UNI_IGNORE",
}


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused as a rule (English), or None when it is safe.

    Python's regular expressions backtrack: a pattern such as ``(a+)+$`` or
    ``(a|a)*$`` takes exponential time on a value that almost matches. A rule
    pattern therefore may not nest a repetition inside a repetition, may not
    repeat an alternation, may not use back-references, holds at most
    :data:`MAX_OPEN_REPEATS` long repetitions and at most
    :data:`MAX_PATTERN_LENGTH` characters. What remains matches any value of
    :data:`MAX_SUBJECT_LENGTH` characters in polynomial, small time.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"longer than {MAX_PATTERN_LENGTH} characters"
    try:
        re.compile(pattern)
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid regular expression ({exc})"
    open_repeats = 0
    stack: list[tuple[Any, bool]] = [(parsed, False)]
    while stack:
        items, in_repeat = stack.pop()
        for op, av in items:
            problem, inner, opened = _step(str(op), av, in_repeat)
            if problem is not None:
                return problem
            open_repeats += opened
            stack.extend(inner)
    if open_repeats > MAX_OPEN_REPEATS:
        return f"more than {MAX_OPEN_REPEATS} open repetitions (*, +, {{n,m}} with m > 10)"
    return None


def _step(name: str, av: Any, in_repeat: bool) -> tuple[str | None, list[tuple[Any, bool]], int]:
    """One parsed item of a pattern: (why it is refused or None, the sub-patterns
    to check with whether they sit inside a repetition, 1 if it opens a long repetition)."""
    if name in _BACKREFS:
        return "back-references are not allowed", [], 0
    if name in _REPEATS:
        _low, high, sub = av
        if in_repeat:
            return "a repetition inside a repetition is not allowed (e.g. (a+)+)", [], 0
        many = high == _sre_parse.MAXREPEAT or high > 1
        opened = int(high == _sre_parse.MAXREPEAT or high > 10)
        return None, [(sub, in_repeat or many)], opened
    if name == "BRANCH":
        if in_repeat:
            return (
                "a repeated alternation is not allowed (e.g. (a|b)*); use a character class [ab]*",
                [],
                0,
            )
        return None, [(branch, in_repeat) for branch in av[1]], 0
    if name == "SUBPATTERN":
        return None, [(av[-1], in_repeat)], 0
    if name in {"ASSERT", "ASSERT_NOT"}:
        return None, [(av[1], in_repeat)], 0
    if name == "ATOMIC_GROUP":
        return None, [(av, in_repeat)], 0
    return None, [], 0


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(pattern: str, value: str) -> bool:
    """``re.match`` of a checked rule pattern on at most MAX_SUBJECT_LENGTH characters."""
    return _compiled(pattern).match(value[:MAX_SUBJECT_LENGTH]) is not None


@dataclass(frozen=True)
class RouteInfo:
    """A cycle-route relation as far as the rules care.

    ``klasse`` is the link class the route gives its member ways (``None``
    when it gives none above ``lokaal``), ``ref`` the route's reference
    (``F3``, ``LF5``, ``23`` ...) or its name when it has no ref.
    """

    klasse: str | None
    ref: str | None


@dataclass(frozen=True)
class WayVerdict:
    """What the rules decide for one way.

    ``usable`` False means the way is left out; ``reason`` then is a stable
    key (``motorway``, ``motorroad``, ``bicycle_no``, ``use_sidepath``,
    ``no_access``, ``not_for_bicycles``, ``not_a_way``, ``area``).
    ``oneway`` is True when bicycles may ride only one way; ``reverse`` is
    True when that direction is against the drawing direction (``-1``).
    """

    usable: bool
    reason: str | None = None
    oneway: bool = False
    reverse: bool = False
    klasse: str = "lokaal"


@dataclass(frozen=True)
class PoiKind:
    """One POI layer: its name, and how a tagged object gets its type.

    ``match`` is a list of ``(tags, type)``: an object carrying all the
    ``(key, value)`` pairs of ``tags`` belongs to this layer with that type.
    The first match wins, so put the specific cases first.
    """

    layer: str
    match: tuple[tuple[tuple[tuple[str, str], ...], str], ...]


def _fs(*values: str) -> frozenset[str]:
    return frozenset(values)


def _any(key: str, values: dict[str, str]) -> tuple[tuple[tuple[tuple[str, str], ...], str], ...]:
    return tuple(((((key, value),), type_)) for value, type_ in values.items())


#: Candidate opportunity layers (see docs/osm-import.md): schools, health
#: care, shops and services, and work areas whose surface is a proxy weight.
OPPORTUNITY_POIS: tuple[PoiKind, ...] = (
    PoiKind(
        "scholen_osm",
        _any(
            "amenity",
            {
                "school": "school",
                "kindergarten": "kleuterschool",
                "college": "hogeschool",
                "university": "universiteit",
            },
        ),
    ),
    PoiKind(
        "zorg_osm",
        (
            *_any(
                "amenity",
                {
                    "hospital": "ziekenhuis",
                    "clinic": "kliniek",
                    "doctors": "huisarts",
                    "pharmacy": "apotheek",
                    "dentist": "tandarts",
                },
            ),
            *_any(
                "healthcare", {"hospital": "ziekenhuis", "doctor": "huisarts", "clinic": "kliniek"}
            ),
        ),
    ),
    PoiKind(
        "winkels_diensten_osm",
        (
            *_any(
                "shop",
                {
                    "supermarket": "supermarkt",
                    "convenience": "buurtwinkel",
                    "bakery": "bakker",
                    "butcher": "slager",
                    "greengrocer": "groenteboer",
                    "chemist": "drogist",
                    "department_store": "warenhuis",
                    "mall": "winkelcentrum",
                },
            ),
            *_any(
                "amenity",
                {
                    "post_office": "postkantoor",
                    "marketplace": "markt",
                    "library": "bibliotheek",
                    "townhall": "gemeentehuis",
                },
            ),
        ),
    ),
    PoiKind(
        "bestemmingen_werk_osm",
        (
            *_any(
                "landuse",
                {"industrial": "industrie", "commercial": "kantoren en handel", "retail": "handel"},
            ),
            *_any("office", {"company": "kantoor", "government": "overheid", "yes": "kantoor"}),
        ),
    ),
)

#: The candidate opportunity layers that carry the surface of their area
#: (``oppervlakte_m2``) as a proxy weight.
AREA_WEIGHT_LAYERS = frozenset({"bestemmingen_werk_osm"})


@dataclass(frozen=True)
class OsmRules:
    """Tag -> bike network rules. Every field is a documented default.

    Access
        A way with a ``highway`` value in ``road_highways`` is usable unless
        banned; one in ``cycle_highways`` always (unless ``bicycle=no``);
        one in ``permission_highways`` only with an explicit bicycle
        permission (``bicycle`` in ``allow_values``) or as member of a cycle
        route; one in ``banned_highways`` only with an explicit permission.
        Other highway values (construction, proposed, platform ...) are
        never used. The access hierarchy is ``bicycle`` > ``vehicle`` >
        ``access``: the most specific tag present decides.
    One-way
        ``oneway`` values in ``oneway_yes``/``oneway_reverse`` (and
        ``junction`` in ``oneway_junctions``) make a way one-way, unless
        ``oneway:bicycle`` says otherwise or a ``cycleway*`` tag value starts
        with one of ``contraflow_prefixes`` (``opposite``, ``opposite_lane``
        ...), or ``cycleway:left:oneway``/``cycleway:right:oneway``/
        ``cycleway:both:oneway`` is ``no`` or ``-1`` (a contraflow lane).
    Link class
        ``fietssnelweg`` for ways tagged ``cycle_highway=yes`` or
        ``cycle_network`` matching ``fietssnelweg_network``, and for members
        of route relations whose ``ref`` matches ``fietssnelweg_ref`` or that
        carry those tags; ``bovenlokaal`` for members of route relations
        whose ``network`` is in ``bovenlokaal_networks``, whose
        ``network:type`` is ``node_network`` or whose ``cycle_network``
        matches ``bovenlokaal_cycle_network``; ``lokaal`` otherwise.
    """

    road_highways: frozenset[str] = _fs(
        "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
        "tertiary", "tertiary_link", "unclassified", "residential", "living_street",
        "service", "road", "busway",
    )  # fmt: skip
    cycle_highways: frozenset[str] = _fs("cycleway")
    permission_highways: frozenset[str] = _fs(
        "path", "track", "footway", "bridleway", "pedestrian", "steps", "corridor"
    )
    banned_highways: frozenset[str] = _fs("motorway", "motorway_link")
    allow_values: frozenset[str] = _fs("yes", "designated", "permissive", "dismount", "official")
    deny_values: frozenset[str] = _fs("no", "private", "agricultural", "forestry", "delivery")
    use_sidepath_allowed: bool = False
    route_members_allowed: bool = True
    oneway_yes: frozenset[str] = _fs("yes", "true", "1")
    oneway_reverse: frozenset[str] = _fs("-1", "reverse")
    oneway_junctions: frozenset[str] = _fs("roundabout", "circular")
    contraflow_prefixes: tuple[str, ...] = ("opposite",)
    route_values: frozenset[str] = _fs("bicycle")
    ignored_route_states: frozenset[str] = _fs("proposed", "disused", "abandoned")
    fietssnelweg_ref: str = r"^F\s?\d{1,3}[A-Za-z]?$"
    fietssnelweg_network: str = r"(?i)^BE-VLG:cycle_highway$"
    bovenlokaal_networks: frozenset[str] = _fs("icn", "ncn", "rcn")
    bovenlokaal_cycle_network: str = r"(?i)^BE-VLG:(bff|bovenlokaal.*|functional)$"
    pois: tuple[PoiKind, ...] = field(
        default_factory=lambda: (
            PoiKind(
                "stations_osm",
                (
                    ((("railway", "station"), ("station", "subway")), "metrostation"),
                    ((("railway", "station"),), "treinstation"),
                    ((("railway", "halt"),), "stopplaats"),
                    ((("public_transport", "station"), ("train", "yes")), "treinstation"),
                ),
            ),
            PoiKind(
                "bushubs_osm",
                (
                    ((("amenity", "bus_station"),), "busstation"),
                    ((("public_transport", "station"), ("bus", "yes")), "busstation"),
                ),
            ),
            PoiKind("deelfietsen_osm", (((("amenity", "bicycle_rental"),), "deelfiets"),)),
            PoiKind("deelautos_osm", (((("amenity", "car_sharing"),), "deelauto"),)),
            PoiKind(
                "fietsenstallingen_osm",
                (((("amenity", "bicycle_parking"),), "fietsenstalling"),),
            ),
            *OPPORTUNITY_POIS,
        )
    )

    # -- access --------------------------------------------------------------

    def access(self, tags: Tags, *, in_route: bool = False) -> tuple[bool, str | None]:
        """Whether a cyclist may use a way with ``tags``, and why not.

        Returns ``(True, None)`` or ``(False, reason)``.
        """
        highway = tags.get("highway")
        if highway is None:
            return False, "not_a_way"
        if tags.get("area") == "yes":
            return False, "area"
        bicycle = tags.get("bicycle")
        permitted = bicycle in self.allow_values
        if bicycle == "use_sidepath":
            return (True, None) if self.use_sidepath_allowed else (False, "use_sidepath")
        if bicycle in self.deny_values:
            return False, "bicycle_no"
        if highway in self.banned_highways:
            return (True, None) if permitted else (False, "motorway")
        if tags.get("motorroad") == "yes" and not permitted:
            return False, "motorroad"
        if highway in self.permission_highways:
            if not permitted and not (in_route and self.route_members_allowed):
                return False, "not_for_bicycles"
        elif highway not in self.cycle_highways and highway not in self.road_highways:
            return False, "not_a_way"
        if not permitted:
            # Bicycle is silent: vehicle, then access decides.
            general = tags.get("vehicle") or tags.get("access")
            if general in self.deny_values:
                return False, "no_access"
        return True, None

    def might_be_usable(self, tags: Tags) -> bool:
        """True when the way could be usable once cycle routes are known."""
        ok, reason = self.access(tags, in_route=True)
        return ok or reason == "not_for_bicycles"

    # -- one-way -------------------------------------------------------------

    def oneway(self, tags: Tags) -> tuple[bool, bool]:
        """``(oneway, reverse)`` for bicycles on a way with ``tags``."""
        own = tags.get("oneway:bicycle")
        if own is not None:
            if own in self.oneway_yes:
                return True, False
            if own in self.oneway_reverse:
                return True, True
            return False, False
        value = tags.get("oneway")
        if value in self.oneway_yes:
            result = (True, False)
        elif value in self.oneway_reverse:
            result = (True, True)
        elif value is None and tags.get("junction") in self.oneway_junctions:
            result = (True, False)
        else:
            return False, False
        if self._contraflow(tags):
            return False, False
        return result

    def _contraflow(self, tags: Tags) -> bool:
        for key in ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both"):
            value = tags.get(key, "")
            if value.startswith(self.contraflow_prefixes):
                return True
        for side in ("left", "right", "both"):
            if tags.get(f"cycleway:{side}:oneway") in ("no", "-1"):
                return True
        return False

    # -- link class ----------------------------------------------------------

    def route_info(self, tags: Tags) -> RouteInfo | None:
        """The class and ref a route relation gives, or None if not a cycle route."""
        if tags.get("type") not in ("route", "superroute") and "route" not in tags:
            return None
        if tags.get("route") not in self.route_values:
            return None
        if tags.get("state") in self.ignored_route_states:
            return None
        ref = tags.get("ref") or tags.get("name")
        klasse: str | None = None
        if self._is_fietssnelweg(tags) or (
            tags.get("ref") and _matches(self.fietssnelweg_ref, tags["ref"].strip())
        ):
            klasse = "fietssnelweg"
        elif (
            tags.get("network") in self.bovenlokaal_networks
            or tags.get("network:type") == "node_network"
            or _matches(self.bovenlokaal_cycle_network, tags.get("cycle_network", ""))
        ):
            klasse = "bovenlokaal"
        return RouteInfo(klasse, ref)

    def _is_fietssnelweg(self, tags: Tags) -> bool:
        return tags.get("cycle_highway") == "yes" or bool(
            _matches(self.fietssnelweg_network, tags.get("cycle_network", ""))
        )

    def link_class(self, tags: Tags, routes: Iterable[RouteInfo] = ()) -> str:
        """The link class of a way from its own tags and its cycle routes."""
        if self._is_fietssnelweg(tags):
            return "fietssnelweg"
        best = "lokaal"
        for route in routes:
            if route.klasse == "fietssnelweg":
                return "fietssnelweg"
            if route.klasse == "bovenlokaal":
                best = "bovenlokaal"
        return best

    def classify(self, tags: Tags, routes: Iterable[RouteInfo] = ()) -> WayVerdict:
        """Access, direction and class of one way in one call."""
        routes = list(routes)
        ok, reason = self.access(tags, in_route=bool(routes))
        if not ok:
            return WayVerdict(False, reason)
        oneway, reverse = self.oneway(tags)
        return WayVerdict(True, None, oneway, reverse, self.link_class(tags, routes))

    # -- POIs ----------------------------------------------------------------

    def poi_kinds(self, tags: Tags) -> list[tuple[str, str]]:
        """``(layer, type)`` for every POI layer an object with ``tags`` belongs to."""
        found: list[tuple[str, str]] = []
        for kind in self.pois:
            for required, type_ in kind.match:
                if all(tags.get(k) == v for k, v in required):
                    found.append((kind.layer, type_))
                    break
        return found

    def poi_filter_tags(self) -> list[tuple[str, str]]:
        """The first ``(key, value)`` of every POI rule (for a fast pre-filter)."""
        return sorted({required[0] for kind in self.pois for required, _ in kind.match})

    # -- editing -------------------------------------------------------------

    @classmethod
    def from_toml(cls, path: str | Path) -> OsmRules:
        """Defaults overridden by the top-level keys of a TOML file.

        Lists become sets where the default is a set; unknown keys, values of
        the wrong type (a number where a list belongs, ``"no"`` where
        true/false belongs) and unsafe patterns (:func:`pattern_problem`)
        raise ``ValueError`` naming the key, so nothing passes silently.
        ``pois`` cannot be changed from TOML.
        """
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > MAX_RULES_BYTES:
            raise ValueError(f"larger than {MAX_RULES_BYTES // 1000} kB")
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.loads(fh.read(MAX_RULES_BYTES + 1).decode("utf-8"))
        known = {f.name: f for f in fields(cls) if f.name != "pois"}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ValueError(f"unknown rule {key!r}")
            default = getattr(DEFAULT_RULES, key)
            if isinstance(default, frozenset | tuple):
                if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
                    raise ValueError(f"rule {key!r} must be a list of texts")
                items = [str(v) for v in value]
                changes[key] = frozenset(items) if isinstance(default, frozenset) else tuple(items)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"rule {key!r} must be true or false")
                changes[key] = value
            else:
                if not isinstance(value, str):
                    raise ValueError(f"rule {key!r} must be a text")
                problem = pattern_problem(value) if key in PATTERN_FIELDS else None
                if problem:
                    raise ValueError(f"rule {key!r}: {problem}")
                changes[key] = value
        return replace(DEFAULT_RULES, **changes)


#: The rules the import uses unless told otherwise.
DEFAULT_RULES = OsmRules()
