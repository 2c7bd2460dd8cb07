"""Map layers as named groups: every artist a painter draws gets the painter's layer id as its ``gid``.

Matplotlib writes an artist's ``gid`` as the ``id`` of the ``<g>`` element
holding it in an SVG, so a map opened in Inkscape or Illustrator lists
``mobipunten``, ``stations``, ``labels``... instead of ``PathCollection_17``.
Ids stay unique within a map (``mobipunten``, ``mobipunten-2``, ...). The
label placer finds the point symbols to keep clear of by the same ids.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from matplotlib.artist import Artist
from matplotlib.axes import Axes

__all__ = [
    "SYMBOL_LAYERS",
    "draws_layer",
    "group_svg_layers",
    "layer_artists",
    "layer_group",
    "layer_of",
]

#: Layers of point symbols that labels keep clear of.
SYMBOL_LAYERS = ("mobipunten", "stations", "sites", "brussels-entries", "callouts", "new-housing")

_COUNTS = "_slimmeregio_gid_counts"
#: Every layer id a painter has used: the groups :func:`group_svg_layers` nests.
_LAYER_NAMES: set[str] = set(SYMBOL_LAYERS)
_SVG_NAMESPACES = {
    "": "http://www.w3.org/2000/svg",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cc": "http://creativecommons.org/ns#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}

P = ParamSpec("P")
R = TypeVar("R")


def _tag(ax: Axes, artists: list[Artist], name: str) -> None:
    counts: dict[str, int] = getattr(ax, _COUNTS, None) or {}
    for artist in artists:
        # an annotation's circle and arrow are drawn as artists of their own: the same layer
        parts = [
            artist,
            getattr(artist, "get_bbox_patch", lambda: None)(),
            getattr(artist, "arrow_patch", None),
        ]
        for part in parts:
            if part is None or part.get_gid() is not None:
                continue
            counts[name] = counts.get(name, 0) + 1
            part.set_gid(name if counts[name] == 1 else f"{name}-{counts[name]}")
    setattr(ax, _COUNTS, counts)


@contextmanager
def layer_group(ax: Axes, name: str) -> Iterator[None]:
    """Give every artist added to ``ax`` inside the block the layer id ``name``."""
    _LAYER_NAMES.add(name)
    before = {id(a) for a in ax.get_children()}
    try:
        yield
    finally:
        _tag(ax, [a for a in ax.get_children() if id(a) not in before], name)


def draws_layer(
    name: str,
) -> Callable[[Callable[Concatenate[Axes, P], R]], Callable[Concatenate[Axes, P], R]]:
    """Decorate a painter ``f(ax, ...)`` so that what it draws is the layer ``name``."""

    _LAYER_NAMES.add(name)

    def decorate(paint: Callable[Concatenate[Axes, P], R]) -> Callable[Concatenate[Axes, P], R]:
        @functools.wraps(paint)
        def wrapper(ax: Axes, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with layer_group(ax, name):
                return paint(ax, *args, **kwargs)

        return wrapper

    return decorate


def layer_of(artist: Artist) -> str | None:
    """The layer id of ``artist`` (its gid without the ``-n`` suffix)."""
    gid = artist.get_gid()
    return None if gid is None else _layer_id(str(gid))


def layer_artists(ax: Axes, names: tuple[str, ...]) -> list[Any]:
    """The artists of ``ax`` in the layers ``names``."""
    return [a for a in ax.get_children() if layer_of(a) in names]


def group_svg_layers(svg: bytes) -> bytes:
    """Nest the neighbouring ``<g>`` elements of one layer in one ``<g id="layer">``.

    Matplotlib writes one group per artist; a layer drawn as several
    artists (mobipunten by Hoppin type, one text per name) becomes one group
    an editor can hide, select or restyle at once. Drawing order is kept:
    only runs of neighbouring groups are nested. Groups of layers this
    module did not name are left as they are.
    """
    import re
    import xml.etree.ElementTree as ET

    for prefix, uri in _SVG_NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(svg)  # noqa: S314 - the SVG matplotlib just wrote, not outside data
    g = "{http://www.w3.org/2000/svg}g"
    used = {el.get("id") for el in root.iter() if el.get("id")}
    wrapped: set[str] = set()
    for parent in list(root.iter(g)):
        runs: list[tuple[str, list[ET.Element]]] = []
        previous: str | None = None
        for child in list(parent):
            layer = _layer_id(child.get("id")) if child.tag == g else None
            if layer not in _LAYER_NAMES:
                layer = None
            if layer is not None and layer == previous:
                runs[-1][1].append(child)
            elif layer is not None:
                runs.append((layer, [child]))
            previous = layer
        for layer, members in runs:
            for member in members:
                if member.get("id") == layer:  # the first artist's id goes to the group
                    member.set("id", f"{layer}-1")
            wrapper_id, k = layer, 1
            while wrapper_id in wrapped or (wrapper_id != layer and wrapper_id in used):
                k += 1
                wrapper_id = f"{layer}-group{k}"
            wrapped.add(wrapper_id)
            used.add(wrapper_id)
            wrapper = ET.Element(g, {"id": wrapper_id})
            at = list(parent).index(members[0])
            for member in members:
                parent.remove(member)
                wrapper.append(member)
            parent.insert(at, wrapper)
    body = ET.tostring(root, encoding="unicode")
    head = re.match(rb"<\?xml[^>]*>\s*(?:<!DOCTYPE[^>]*>\s*)?", svg)
    return (head.group(0) if head else b'<?xml version="1.0" encoding="utf-8"?>\n') + body.encode(
        "utf-8"
    )


def _layer_id(gid: str | None) -> str | None:
    if not gid:
        return None
    head, _, tail = gid.rpartition("-")
    return head if head and tail.isdigit() else gid
