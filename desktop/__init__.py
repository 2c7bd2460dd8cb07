"""The desktop application (PyQt6): the only package that imports Qt; it adapts the models and computes nothing of its own."""
