"""Reading origin-destination (commuting) tables and opportunity layers' weights.

An OD table is a CSV without coordinates: one row per origin zone,
destination zone and number of commuters, optionally per mode. Flemish
municipalities hold the census commuting tables in that shape (origin and
destination as NIS codes). It loads as a layer of role
:attr:`Role.OD_TABLE` whose geometry is empty; :func:`od_pairs` gives its
rows in canonical form.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.csvio import parse_number, sniff_delimiter
from slimmeregio.layers.errors import (
    CorruptFileError,
    EmptyLayerError,
    MissingFieldError,
    OdTableError,
)
from slimmeregio.layers.model import ANALYSIS_CRS, Layer
from slimmeregio.layers.opportunity_roles import OD_ROLE_VALUE, OPPORTUNITY_NAME_WORDS, WEIGHT_FIELD
from slimmeregio.layers.roles import ROLE_FIELDS, Role, guess_fields, normalize_name

__all__ = [
    "OD_COLUMNS",
    "OPPORTUNITY_ROLES",
    "looks_like_od_table",
    "od_pairs",
    "opportunity_weights",
    "read_od_table",
    "zone_code",
]

#: The opportunity roles, in display order.
OPPORTUNITY_ROLES = (Role.JOBS, Role.SCHOOLS, Role.HEALTH_CARE, Role.SHOPS, Role.DESTINATIONS)

#: Columns of :func:`od_pairs`.
OD_COLUMNS = ("origin", "destination", "commuters", "mode")

#: Largest OD table read (rows): the census table of all Belgian municipality
#: pairs has about 150,000.
MAX_OD_ROWS = 2_000_000


_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def looks_like_od_table(path: str | Path) -> bool:
    """Whether a CSV's name says it is a commuting table (``pendelstromen.csv``)."""
    text = normalize_name(Path(path).stem)
    return any(word in text for word in OPPORTUNITY_NAME_WORDS[OD_ROLE_VALUE])


def zone_code(value: object) -> str:
    """A zone or NIS code as text: ``23027.0`` -> ``"23027"``, blanks stripped."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:4096]:
        raise CorruptFileError(path=path, detail="binary data in a CSV file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_od_table(
    path: str | Path, *, fields: dict[str, str] | None = None, name: str | None = None
) -> Layer:
    """Read a commuting table (CSV) as a layer of role :attr:`Role.OD_TABLE`.

    Parameters
    ----------
    path
        The CSV (``,``/``;``/tab separated, UTF-8 or cp1252, decimal point or
        comma) with a header row.
    fields
        Canonical field -> column, overriding the guessed mapping
        (``origin``, ``destination``, ``commuters``, ``mode``).
    name
        The layer's name (default: the file name without suffix).

    Raises
    ------
    MissingFieldError
        No column for the origin, the destination or the commuters.
    OdTableError
        A row's commuters is not a number of 0 or more, or a zone is empty.
    EmptyLayerError
        The table has no rows.
    """
    path = Path(path)
    layer_name = name or path.stem
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CorruptFileError(path=path, detail=str(error)) from error
    text = _decode(raw, path)
    lines = text.splitlines()
    if not [line for line in lines if line.strip()]:
        raise EmptyLayerError(path=path, layer=layer_name)
    delimiter = sniff_delimiter(lines)
    rows = [
        row
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        if any(c.strip() for c in row)
    ]
    header = [c.strip() for c in rows[0]]
    body = rows[1:]
    if not body:
        raise EmptyLayerError(path=path, layer=layer_name)
    if len(body) > MAX_OD_ROWS:
        raise OdTableError(
            path=path,
            row=MAX_OD_ROWS + 2,
            reason={"nl": f"meer dan {MAX_OD_ROWS} rijen", "en": f"more than {MAX_OD_ROWS} rows"},
        )
    width = len(header)
    data = {col: [r[i].strip() if i < len(r) else "" for r in body] for i, col in enumerate(header)}
    mapping = guess_fields(Role.OD_TABLE, header)
    mapping.update(fields or {})
    for spec in ROLE_FIELDS[Role.OD_TABLE]:
        column = mapping.get(spec.key)
        if spec.required and (column is None or column not in data):
            raise MissingFieldError(
                path=path,
                layer=layer_name,
                field=spec.key,
                role=Role.OD_TABLE.label("nl"),
                columns=", ".join(header),
            )
    frame = pd.DataFrame({col: data[col] for col in header[:width]})
    commuters_col = mapping["commuters"]
    values = np.empty(len(body))
    # Decimal-comma files (";") write thousands with dots: "1.250" commuters is 1250.
    thousands_dots = delimiter == ";"
    for i, cell in enumerate(data[commuters_col]):
        if thousands_dots and _THOUSANDS_DOTS.match(cell):
            cell = cell.replace(".", "")
        number = parse_number(cell) if cell else 0.0
        if number is None or not np.isfinite(number) or number < 0:
            raise OdTableError(
                path=path,
                row=i + 2,
                field=commuters_col,
                reason={
                    "nl": f"'{cell}' is geen aantal pendelaars",
                    "en": f"'{cell}' is not a number of commuters",
                },
            )
        values[i] = number
    frame[commuters_col] = values
    for key in ("origin", "destination"):
        column = mapping[key]
        frame[column] = [zone_code(v) for v in data[column]]
        empty = np.flatnonzero(frame[column].to_numpy(dtype=object) == "")
        if len(empty):
            what = {"origin": ("herkomst", "origin"), "destination": ("bestemming", "destination")}[
                key
            ]
            raise OdTableError(
                path=path,
                row=int(empty[0]) + 2,
                field=column,
                reason={"nl": f"de {what[0]} is leeg", "en": f"the {what[1]} is empty"},
            )
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame), crs=ANALYSIS_CRS))
    return Layer(
        name=layer_name,
        data=gdf,
        role=Role.OD_TABLE,
        fields={k: v for k, v in mapping.items() if v in frame.columns},
        source=path,
    )


def od_pairs(layer: Layer) -> pd.DataFrame:
    """The OD layer's rows in canonical form, pairs summed over duplicates.

    Columns ``origin``, ``destination`` (zone codes as text), ``commuters``
    (float) and ``mode`` (text, ``""`` when the table has no mode column).
    Rows with zero commuters are left out.
    """
    origin = layer.column("origin").map(zone_code)
    dest = layer.column("destination").map(zone_code)
    commuters = pd.to_numeric(layer.column("commuters"), errors="coerce").fillna(0.0)
    mode_col = layer.find_column("mode")
    mode = mode_col.fillna("").astype(str).str.strip().str.lower() if mode_col is not None else ""
    frame = pd.DataFrame(
        {"origin": origin, "destination": dest, "commuters": commuters, "mode": mode}
    )
    frame = frame.loc[frame["commuters"] > 0]
    return frame.groupby(["origin", "destination", "mode"], as_index=False, sort=False)[
        "commuters"
    ].sum()[list(OD_COLUMNS)]


def opportunity_weights(layer: Layer) -> np.ndarray:
    """Per feature of an opportunity layer: its weight (jobs, pupils ...).

    The role's weight field (:data:`WEIGHT_FIELD`) where mapped; one per
    feature otherwise (a school without pupil numbers counts as one school).
    Missing and negative values count as zero.
    """
    key = WEIGHT_FIELD[layer.role.value]
    column = layer.find_column(key)
    if column is None:
        return np.ones(len(layer))
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, 0.0)
