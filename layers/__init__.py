"""Geodata: reading, validating and reprojecting layers; the layer model.

The small public API::

    from slimmeregio.layers import load_layers, Layer, LayerList, Project, Role, errors
"""

from slimmeregio.layers import errors
from slimmeregio.layers.io import load_layers
from slimmeregio.layers.model import Layer, LayerList, Project
from slimmeregio.layers.roles import Role

__all__ = ["Layer", "LayerList", "Project", "Role", "errors", "load_layers"]
