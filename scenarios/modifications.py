"""The modifications a scenario is made of (add or close a link, move a mobipunt, add dwellings ...), each recording who and why."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from slimmeregio.layers.i18n import tr
from slimmeregio.scenarios.model_fields import (
    MAX_DEPARTURES_PER_HOUR,
    MAX_DWELLINGS,
    Flag,
    HoppinType,
    LinkId,
    NonBlank,
    Number,
    Point,
    PtWindow,
    Speed,
    StrictModel,
    Text,
    Timestamp,
    bilingual,
    check_point,
    check_points,
)

__all__ = [
    "MODIFICATION_KINDS",
    "MODIFICATION_TYPES",
    "AddHousing",
    "AddLink",
    "AddMobipunt",
    "Modification",
    "ModificationBase",
    "MoveMobipunt",
    "RemoveHousing",
    "RemoveLink",
    "RemoveMobipunt",
    "SetFrequency",
    "UpgradeLink",
]


class ModificationBase(StrictModel):
    """Fields every modification carries: who, why and when."""

    author: NonBlank
    reason: NonBlank
    created: Timestamp = None

    def describe(self, lang: str = "nl") -> str:
        """One line for a ledger: what this modification does (each kind overrides it)."""
        return type(self).__name__


class AddLink(ModificationBase):
    """A new bike link drawn as a polyline (EPSG:31370)."""

    kind: Literal["add_link"] = "add_link"
    coords: Annotated[tuple[Point, ...], AfterValidator(check_points)]
    link_class: NonBlank = "lokaal"
    speed_kmh: Speed | None = None
    name: Text = ""
    oneway: Flag = False
    #: A bridge or tunnel: joins the network at its two ends only, not where
    #: it crosses other links (as crossings without a shared vertex in the base).
    bridge: Flag = False

    @field_validator("coords")
    @classmethod
    def _line(cls, value: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        if len(value) < 2:
            raise bilingual(
                "een verbinding heeft minstens twee punten",
                "a link needs at least two points",
            )
        if len(set(value)) < 2:
            raise bilingual(
                "een verbinding heeft een lengte nodig: alle punten vallen samen",
                "a link needs a length: all its points coincide",
            )
        return value

    @property
    def length_m(self) -> float:
        """Length of the polyline in metres."""
        return sum(math.dist(a, b) for a, b in zip(self.coords, self.coords[1:], strict=False))

    def describe(self, lang: str = "nl") -> str:
        return tr(
            lang,
            "nieuwe fietsverbinding{name} ({link_class}, {length:.0f} m)",
            name=f" '{self.name}'" if self.name else "",
            link_class=self.link_class,
            length=self.length_m,
        )


class RemoveLink(ModificationBase):
    """Close bike links (by ``link_id`` of the bike network)."""

    kind: Literal["remove_link"] = "remove_link"
    link_ids: Annotated[tuple[LinkId, ...], Field(min_length=1)]

    def describe(self, lang: str = "nl") -> str:
        ids = ", ".join(map(str, self.link_ids))
        return tr(lang, "verbinding(en) {ids} afgesloten", ids=ids)


class UpgradeLink(ModificationBase):
    """Upgrade bike links: a new class and/or a new speed."""

    kind: Literal["upgrade_link"] = "upgrade_link"
    link_ids: Annotated[tuple[LinkId, ...], Field(min_length=1)]
    link_class: NonBlank | None = None
    speed_kmh: Speed | None = None

    @model_validator(mode="after")
    def _something(self) -> UpgradeLink:
        if self.link_class is None and self.speed_kmh is None:
            raise bilingual(
                "geef een nieuwe klasse (link_class) en/of snelheid (speed_kmh)",
                "give a new class (link_class) and/or speed (speed_kmh)",
            )
        return self

    def describe(self, lang: str = "nl") -> str:
        ids = ", ".join(map(str, self.link_ids))
        what = " ".join(
            part
            for part in (
                self.link_class or "",
                tr(lang, "{speed:g} km/u", speed=self.speed_kmh)
                if self.speed_kmh is not None
                else "",
            )
            if part
        )
        return tr(lang, "verbinding(en) {ids} opgewaardeerd naar {what}", ids=ids, what=what)


class AddMobipunt(ModificationBase):
    """A new mobipunt (Hoppinpunt) at a point."""

    kind: Literal["add_mobipunt"] = "add_mobipunt"
    x: Number
    y: Number
    name: NonBlank
    hoppin_type: HoppinType
    offer: tuple[NonBlank, ...] = ()
    id: NonBlank | None = None

    @model_validator(mode="after")
    def _inside(self) -> AddMobipunt:
        check_point(self.x, self.y)
        return self

    def describe(self, lang: str = "nl") -> str:
        return tr(lang, "nieuw mobipunt '{name}' ({type})", name=self.name, type=self.hoppin_type)


class MoveMobipunt(ModificationBase):
    """Move an existing mobipunt to a new place."""

    kind: Literal["move_mobipunt"] = "move_mobipunt"
    mobipunt_id: NonBlank
    x: Number
    y: Number

    @model_validator(mode="after")
    def _inside(self) -> MoveMobipunt:
        check_point(self.x, self.y)
        return self

    def describe(self, lang: str = "nl") -> str:
        return tr(lang, "mobipunt {id} verplaatst", id=self.mobipunt_id)


class RemoveMobipunt(ModificationBase):
    """Remove an existing mobipunt."""

    kind: Literal["remove_mobipunt"] = "remove_mobipunt"
    mobipunt_id: NonBlank

    def describe(self, lang: str = "nl") -> str:
        return tr(lang, "mobipunt {id} verwijderd", id=self.mobipunt_id)


class AddHousing(ModificationBase):
    """A housing development: N dwellings at a point or in a polygon."""

    kind: Literal["add_housing"] = "add_housing"
    x: Number | None = None
    y: Number | None = None
    polygon: Annotated[tuple[Point, ...], AfterValidator(check_points)] | None = None
    dwellings: Annotated[int, Field(strict=True, ge=0, le=MAX_DWELLINGS)]
    name: Text = ""
    status: NonBlank = "gepland"
    id: NonBlank | None = None

    @model_validator(mode="after")
    def _one_geometry(self) -> AddHousing:
        has_point = self.x is not None or self.y is not None
        if has_point and self.polygon is not None:
            raise bilingual(
                "geef óf een punt (x, y) óf een polygoon, niet beide",
                "give either a point (x, y) or a polygon, not both",
            )
        if has_point:
            if self.x is None or self.y is None:
                raise bilingual("een punt heeft zowel x als y nodig", "a point needs both x and y")
            check_point(self.x, self.y)
        elif self.polygon is None:
            raise bilingual(
                "geef een punt (x, y) of een polygoon",
                "give a point (x, y) or a polygon",
            )
        else:
            _check_polygon(self.polygon)
        return self

    def describe(self, lang: str = "nl") -> str:
        return tr(
            lang,
            "woonproject{name}: {dwellings} woningen ({status})",
            name=f" '{self.name}'" if self.name else "",
            dwellings=self.dwellings,
            status=self.status,
        )


def _check_polygon(points: tuple[tuple[float, float], ...]) -> None:
    from shapely.geometry import Polygon

    ring = list(points)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(set(ring)) < 3:
        raise bilingual(
            "een polygoon heeft minstens drie verschillende punten",
            "a polygon needs at least three distinct points",
        )
    polygon = Polygon(ring)
    if not polygon.is_valid or polygon.area <= 0:
        raise bilingual(
            "de polygoon snijdt zichzelf of heeft geen oppervlakte",
            "the polygon crosses itself or has no area",
        )


class RemoveHousing(ModificationBase):
    """Remove housing features (by their id, as text)."""

    kind: Literal["remove_housing"] = "remove_housing"
    housing_ids: Annotated[tuple[NonBlank, ...], Field(min_length=1)]

    def describe(self, lang: str = "nl") -> str:
        ids = ", ".join(self.housing_ids)
        return tr(lang, "woningen {ids} verwijderd", ids=ids)


class SetFrequency(ModificationBase):
    """Set the departures per hour of a public transport stop, or of a route at
    every stop it serves, in one time window ("this bus every 15 minutes")."""

    kind: Literal["set_frequency"] = "set_frequency"
    #: The stop (``stop_id`` of the stops layer), or
    stop_id: NonBlank | None = None
    #: the route (its label in the layer's ``lijnen``), at every stop it serves.
    route: NonBlank | None = None
    window: PtWindow
    departures_per_hour: Annotated[
        float, Field(strict=True, allow_inf_nan=False, ge=0, le=MAX_DEPARTURES_PER_HOUR)
    ]

    @model_validator(mode="after")
    def _one_target(self) -> SetFrequency:
        if (self.stop_id is None) == (self.route is None):
            raise bilingual(
                "geef ofwel stop_id ofwel route (precies één van beide)",
                "give either stop_id or route (exactly one of them)",
            )
        return self

    def describe(self, lang: str = "nl") -> str:
        what = (
            tr(lang, "halte {stop}", stop=self.stop_id)
            if self.stop_id is not None
            else tr(lang, "lijn {route}", route=self.route)
        )
        return tr(
            lang,
            "{what}: {rate:g} vertrekken per uur ({window})",
            what=what,
            rate=self.departures_per_hour,
            window=self.window,
        )


Modification = Annotated[
    AddLink
    | RemoveLink
    | UpgradeLink
    | AddMobipunt
    | MoveMobipunt
    | RemoveMobipunt
    | AddHousing
    | RemoveHousing
    | SetFrequency,
    Field(discriminator="kind"),
]

MODIFICATION_TYPES: tuple[type[ModificationBase], ...] = (
    AddLink,
    RemoveLink,
    UpgradeLink,
    AddMobipunt,
    MoveMobipunt,
    RemoveMobipunt,
    AddHousing,
    RemoveHousing,
    SetFrequency,
)
MODIFICATION_KINDS = tuple(t.model_fields["kind"].default for t in MODIFICATION_TYPES)
