"""Writing loaded layers to one GeoPackage, atomically, each with its attribution and provenance.

What the importers (OpenStreetMap, GTFS) write for GIS colleagues: every
layer carries its attribution in its description and, with its source and
any extra provenance, in the GeoPackage metadata that QGIS shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from slimmeregio.layers.errors import ExportError
from slimmeregio.layers.model import Layer
from slimmeregio.layers.safe_io import atomic_path, check_overwrite

__all__ = ["write_layers_gpkg"]


def write_layers_gpkg(
    layers: Sequence[Layer],
    out: str | Path,
    *,
    force: bool = False,
    attribution: str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write ``layers`` to the GeoPackage ``out``; nothing is left behind when writing fails.

    ``attribution`` (default: each layer's own) goes into every layer's
    description and metadata; ``metadata`` adds entries (e.g. a JSON
    ``provenance``).

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``force`` is false.
    ExportError
        The file cannot be written.
    """
    target = check_overwrite(out, force)
    try:
        with atomic_path(target, suffix=".gpkg") as tmp:
            for layer in layers:
                credit = attribution if attribution is not None else (layer.attribution or "")
                layer.frame.to_file(
                    tmp,
                    layer=layer.name,
                    driver="GPKG",
                    engine="pyogrio",
                    layer_options={"DESCRIPTION": f"{layer.name} — {credit}"},
                    layer_metadata={
                        "attribution": credit,
                        "source": str(layer.source),
                        **(metadata or {}),
                    },
                )
    except (OSError, RuntimeError, ValueError) as exc:
        if isinstance(exc, ExportError):
            raise
        raise ExportError(path=target, reason=str(exc), detail=repr(exc)) from exc
    return target
