"""The layer model: layers, their reports and styles, and the project.

No Qt and no networkx here. The desktop's Qt models subscribe to the
observable :class:`LayerList`; the engine reads layers through their
canonical field mapping (:meth:`Layer.column`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from slimmeregio.layers.errors import CorruptFileError, MissingFieldError, SlimmeRegioError
from slimmeregio.layers.gdal_safety import open_raster
from slimmeregio.layers.roles import ROLE_FIELDS, Role
from slimmeregio.layers.service_source import ServiceSource

__all__ = [
    "ANALYSIS_CRS",
    "Layer",
    "LayerList",
    "LayerReport",
    "Project",
    "ProjectSettings",
    "RasterData",
    "ReportEntry",
    "Style",
    "in_scale_range",
]

#: Every layer is held in Belgian Lambert 72 for analysis.
ANALYSIS_CRS = "EPSG:31370"


@dataclass(frozen=True)
class ReportEntry:
    """One thing that was repaired, guessed or is suspicious about a layer.

    ``kind`` is a short stable key (``crs_guessed``, ``invalid_repaired``,
    ``empty_dropped``, ``z_dropped``, ``outside_belgium`` ...), ``count`` the
    number of features concerned, ``nl``/``en`` the message for the user.
    ``level`` is ``info`` or ``warning``.
    """

    kind: str
    nl: str
    en: str
    count: int = 0
    level: str = "warning"

    def message(self, lang: str = "nl") -> str:
        return self.nl if lang == "nl" else self.en


@dataclass
class LayerReport:
    """What was repaired or guessed while loading a layer."""

    entries: list[ReportEntry] = field(default_factory=list)

    def add(self, kind: str, nl: str, en: str, *, count: int = 0, level: str = "warning") -> None:
        self.entries.append(ReportEntry(kind, nl, en, count, level))

    def has(self, kind: str) -> bool:
        return any(e.kind == kind for e in self.entries)

    def count(self, kind: str) -> int:
        return sum(e.count for e in self.entries if e.kind == kind)

    @property
    def warnings(self) -> list[ReportEntry]:
        return [e for e in self.entries if e.level == "warning"]

    def __iter__(self) -> Iterator[ReportEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass
class Style:
    """How a layer is drawn, on screen and on paper.

    ``kind``: ``single`` (one colour), ``categories`` (colour per value of
    ``column``; ``categories`` maps value -> colour) or ``graduated``
    (``breaks`` upper class bounds of ``column``, ``colors`` one per class).
    Colours are hex strings.

    Scale ranges are map scale denominators (1:N); 0 means no limit. The
    layer is drawn when ``min_scale <= N <= max_scale``; its labels (the
    values of ``label_field``, ``label_size`` points, a white halo of
    ``label_halo`` pixels, higher ``label_priority`` placed first) when
    ``label_min_scale <= N <= label_max_scale`` as well.
    """

    kind: str = "single"
    color: str = "#4c72b0"
    edge_color: str | None = None
    line_width: float = 1.0
    marker_size: float = 6.0
    opacity: float = 1.0
    column: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    breaks: list[float] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    min_scale: float = 0.0
    max_scale: float = 0.0
    label_field: str | None = None
    label_size: float = 8.0
    label_halo: float = 2.0
    label_color: str = "#212121"
    label_priority: int = 0
    label_min_scale: float = 0.0
    label_max_scale: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "color": self.color,
            "edge_color": self.edge_color,
            "line_width": self.line_width,
            "marker_size": self.marker_size,
            "opacity": self.opacity,
            "column": self.column,
            "categories": dict(self.categories),
            "breaks": list(self.breaks),
            "colors": list(self.colors),
            "min_scale": self.min_scale,
            "max_scale": self.max_scale,
            "label_field": self.label_field,
            "label_size": self.label_size,
            "label_halo": self.label_halo,
            "label_color": self.label_color,
            "label_priority": self.label_priority,
            "label_min_scale": self.label_min_scale,
            "label_max_scale": self.label_max_scale,
        }

    def shown_at(self, scale: float) -> bool:
        """Whether the layer is drawn at map scale 1:``scale``."""
        return in_scale_range(scale, self.min_scale, self.max_scale)

    def labelled_at(self, scale: float) -> bool:
        """Whether the layer's labels are drawn at map scale 1:``scale``."""
        return (
            bool(self.label_field)
            and self.shown_at(scale)
            and in_scale_range(scale, self.label_min_scale, self.label_max_scale)
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Style:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def in_scale_range(scale: float, low: float, high: float) -> bool:
    """``low <= scale <= high``, a bound of 0 (or less) being no bound."""
    return (low <= 0 or scale >= low) and (high <= 0 or scale <= high)


@dataclass
class RasterData:
    """A georeferenced raster whose pixels are read only when asked.

    Holds the metadata rasterio gives at once (CRS, transform, size, bounds,
    nodata); :meth:`read` reads band ``band`` on demand.
    """

    path: Path
    crs: str | None
    transform: Any
    width: int
    height: int
    count: int
    dtype: str
    nodata: float | None
    bounds: tuple[float, float, float, float]

    @classmethod
    def from_dataset(cls, path: Path, src: Any) -> RasterData:
        """The metadata of the open rasterio dataset ``src`` of file ``path``."""
        bounds = src.bounds
        return cls(
            path=path,
            crs=src.crs.to_string() if src.crs else None,
            transform=src.transform,
            width=src.width,
            height=src.height,
            count=src.count,
            dtype=str(src.dtypes[0]),
            nodata=src.nodata,
            bounds=(bounds.left, bounds.bottom, bounds.right, bounds.top),
        )

    def read(self, band: int = 1) -> Any:
        """Band ``band`` as a masked array; a file that changed or broke since
        it was loaded raises :class:`.CorruptFileError` (or a GDAL-safety
        error), never a rasterio error."""
        try:
            with open_raster(Path(self.path)) as src:
                return src.read(band, masked=True)
        except SlimmeRegioError:
            raise
        except Exception as error:  # rasterio/GDAL: truncated or damaged pixels
            raise CorruptFileError(
                path=self.path, detail=f"{type(error).__name__}: {error}"
            ) from error


@dataclass
class Layer:
    """A layer of the project.

    ``data`` is a GeoDataFrame in :data:`ANALYSIS_CRS` for vector layers or
    :class:`RasterData` for rasters. ``fields`` maps the role's canonical
    fields to the data's columns. ``original_crs`` is the CRS the source
    declared (or the guess, then ``crs_guessed`` is True).
    """

    name: str
    data: gpd.GeoDataFrame | RasterData
    role: Role = Role.OTHER
    fields: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    source_layer: str | None = None
    original_crs: str | None = None
    crs_guessed: bool = False
    report: LayerReport = field(default_factory=LayerReport)
    style: Style = field(default_factory=Style)
    visible: bool = True
    #: Shown on screen and on every export when set (illustrative data).
    note: str | None = None
    #: Attribution line for map source lines (e.g. OSM's ODbL line).
    attribution: str | None = None
    #: Set for a snapshot of a WFS / OGC API Features layer: where and when
    #: it was retrieved (the features themselves are the data).
    service: ServiceSource | None = None

    @property
    def is_raster(self) -> bool:
        return isinstance(self.data, RasterData)

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The vector data; raises TypeError for a raster layer."""
        if not isinstance(self.data, gpd.GeoDataFrame):
            raise TypeError(f"layer {self.name!r} is a raster")
        return self.data

    @property
    def geometry_type(self) -> str:
        if self.is_raster:
            return "Raster"
        types = self.frame.geometry.geom_type.dropna().unique()
        return "/".join(sorted(types)) if len(types) else "None"

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        if isinstance(self.data, RasterData):
            return self.data.bounds
        b = self.frame.total_bounds
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def __len__(self) -> int:
        return 0 if self.is_raster else len(self.frame)

    def has_field(self, key: str) -> bool:
        col = self.fields.get(key)
        return col is not None and not self.is_raster and col in self.frame.columns

    def column(self, key: str) -> pd.Series:
        """The column mapped to canonical field ``key``.

        Raises :class:`MissingFieldError` when the mapping has no such field.
        """
        if not self.has_field(key):
            columns = ", ".join(map(str, self.frame.columns.drop("geometry", errors="ignore")))
            raise MissingFieldError(
                layer=self.name,
                field=key,
                path=self.source,
                role=self.role.label("nl"),
                columns=columns,
            )
        return self.frame[self.fields[key]]

    def find_column(self, key: str, *fallbacks: str) -> pd.Series | None:
        """The column mapped to ``key``, else the first of ``fallbacks`` that
        exists, else None (for code that can do without the field)."""
        if self.has_field(key):
            return self.column(key)
        for name in fallbacks:
            if not self.is_raster and name in self.frame.columns:
                return self.frame[name]
        return None

    def missing_required(self) -> list[str]:
        """Canonical required fields of the role that the mapping lacks."""
        return [f.key for f in ROLE_FIELDS[self.role] if f.required and not self.has_field(f.key)]

    def replace(self, **changes: Any) -> Layer:
        """A shallow copy with ``changes`` applied (data is not copied)."""
        from dataclasses import replace

        return replace(self, **changes)


Listener = Callable[[str, dict[str, Any]], None]


class LayerList:
    """An ordered, observable list of layers (first = drawn at the bottom).

    Listeners are called as ``listener(event, info)`` with event one of
    ``inserted`` (index, layer), ``removed`` (index, layer), ``moved``
    (source, dest, layer) and ``changed`` (index, layer, what).
    """

    def __init__(self, layers: list[Layer] | None = None) -> None:
        self._layers: list[Layer] = list(layers or [])
        self._listeners: list[Listener] = []

    def __getstate__(self) -> dict[str, Any]:
        # listeners are this process's observers (the app's widgets): a copy
        # sent elsewhere (a Dask worker) carries the layers only
        return {"_layers": self._layers, "_listeners": []}

    def connect(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def disconnect(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _emit(self, event: str, **info: Any) -> None:
        for listener in list(self._listeners):
            listener(event, info)

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(list(self._layers))

    def __getitem__(self, key: int | str) -> Layer:
        if isinstance(key, str):
            for layer in self._layers:
                if layer.name == key:
                    return layer
            raise KeyError(key)
        return self._layers[key]

    def __contains__(self, name: object) -> bool:
        return any(layer.name == name for layer in self._layers)

    def index(self, name: str) -> int:
        for i, layer in enumerate(self._layers):
            if layer.name == name:
                return i
        raise KeyError(name)

    def unique_name(self, name: str) -> str:
        """``name``, or ``name (2)``, ``name (3)`` ... if already taken."""
        if name not in self:
            return name
        n = 2
        while f"{name} ({n})" in self:
            n += 1
        return f"{name} ({n})"

    def append(self, layer: Layer) -> None:
        self.insert(len(self._layers), layer)

    def insert(self, index: int, layer: Layer) -> None:
        if layer.name in self:
            layer = layer.replace(name=self.unique_name(layer.name))
        self._layers.insert(index, layer)
        self._emit("inserted", index=index, layer=layer)

    def remove(self, name: str) -> Layer:
        i = self.index(name)
        layer = self._layers.pop(i)
        self._emit("removed", index=i, layer=layer)
        return layer

    def move(self, source: int, dest: int) -> None:
        """Move the layer at ``source`` so that it ends up at index ``dest``."""
        if source == dest:
            return
        layer = self._layers.pop(source)
        self._layers.insert(dest, layer)
        self._emit("moved", source=source, dest=dest, layer=layer)

    def changed(self, name: str, what: str = "data") -> None:
        """Tell listeners that a layer changed in place (style, visibility ...)."""
        i = self.index(name)
        self._emit("changed", index=i, layer=self._layers[i], what=what)

    def by_role(self, role: Role) -> list[Layer]:
        return [layer for layer in self._layers if layer.role == role]

    def first(self, role: Role) -> Layer | None:
        found = self.by_role(role)
        return found[0] if found else None


@dataclass
class ProjectSettings:
    """Project-wide settings saved with the project."""

    title: str = "Slimme Regio Halle-Vilvoorde"
    organisation: str = ""
    language: str = "nl"
    #: The parameters the base situation is evaluated with, as plain data
    #: (the scenario model's ``Parameters``; empty: its defaults). Validated
    #: by the scenario engine, which lives above this package.
    base_parameters: dict[str, Any] = field(default_factory=dict)
    #: Background maps as plain data (:class:`.tiles.Background` ``to_dict``),
    #: bottom first; view-only, never an input to a number.
    backgrounds: list[dict[str, Any]] = field(default_factory=list)
    #: Named map extents: ``{"name": str, "extent": [x0, y0, x1, y1]}`` (Lambert 72).
    bookmarks: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "organisation": self.organisation,
            "language": self.language,
        }
        if self.base_parameters:
            out["base_parameters"] = dict(self.base_parameters)
        if self.backgrounds:
            out["backgrounds"] = [dict(b) for b in self.backgrounds]
        if self.bookmarks:
            out["bookmarks"] = [
                {"name": b["name"], "extent": list(b["extent"])} for b in self.bookmarks
            ]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProjectSettings:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if not isinstance(values.get("base_parameters", {}), dict):
            values.pop("base_parameters")
        backgrounds = values.get("backgrounds", [])
        if not isinstance(backgrounds, list):
            values.pop("backgrounds")
        else:
            values["backgrounds"] = [dict(b) for b in backgrounds if isinstance(b, dict)]
        marks = values.get("bookmarks", [])
        # a damaged bookmark is dropped, not fatal: it only names a view
        values["bookmarks"] = [
            {"name": str(b["name"]), "extent": [float(v) for v in b["extent"]]}
            for b in (marks if isinstance(marks, list) else [])
            if isinstance(b, dict)
            and isinstance(b.get("name"), str)
            and isinstance(b.get("extent"), list)
            and len(b["extent"]) == 4
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in b["extent"])
        ]
        return cls(**values)


@dataclass
class Project:
    """Layers plus settings plus the scenarios' text form.

    ``scenarios`` holds each scenario as its plain-data form (what the
    scenario model's ``to_dict`` gives): ``layers/`` stores and restores them
    without knowing the scenario model, which lives above it.
    """

    layers: LayerList = field(default_factory=LayerList)
    settings: ProjectSettings = field(default_factory=ProjectSettings)
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None

    @property
    def notes(self) -> list[str]:
        """Illustrative-data notes of the layers, without repeats."""
        seen: list[str] = []
        for layer in self.layers:
            if layer.note and layer.note not in seen:
                seen.append(layer.note)
        return seen

    @property
    def attributions(self) -> list[str]:
        seen: list[str] = []
        for layer in self.layers:
            if layer.attribution and layer.attribution not in seen:
                seen.append(layer.attribution)
        return seen
