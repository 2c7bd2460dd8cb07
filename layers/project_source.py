"""The project a headless run works on: a project file, a file of layers, or the embedded region."""

from __future__ import annotations

from slimmeregio.layers.errors import ProjectFileError, ProjectVersionError
from slimmeregio.layers.model import Project

__all__ = ["load_project_source"]


def load_project_source(path: str | None) -> Project:
    """The project in ``path``: a project file (``.srp``, or a ``.gpkg`` with a
    project table), any other layer file as a project of its layers, or the
    embedded region when ``path`` is None."""
    if path is None:
        from slimmeregio.layers.region import load_region

        return load_region()
    if path.lower().endswith((".srp", ".gpkg")):
        from slimmeregio.layers.project_file import load_project

        try:
            return load_project(path)
        except ProjectVersionError:
            raise
        except ProjectFileError:
            if not path.lower().endswith(".gpkg"):
                raise  # a .gpkg without project table is read as plain layers below
    from slimmeregio.layers.io import load_layers

    project = Project()
    for layer in load_layers(path):
        project.layers.append(layer)
    return project
