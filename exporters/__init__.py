"""Exporters: turning results into files, one module per format (no Qt).

``maps`` (masterplan map and atlas: PDF, PNG, SVG), ``webmap`` (folium
HTML), ``excel`` (openpyxl workbook), ``slides`` (python-pptx deck),
``geopackage`` (result layers), ``pack`` (all of them plus a manifest),
``meta`` (the provenance block every export carries) and ``style`` (drawing
layers onto matplotlib Axes, shared with the desktop's print preview).
"""
