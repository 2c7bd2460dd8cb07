"""Slimme Regio Planner: GIS decision support for the smart region Halle-Vilvoorde."""

__version__ = "0.1.0"

__all__ = ["__version__"]
