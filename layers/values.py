"""Making a layer's mapped columns usable: fields mapped to its role, numbers, text and flags coerced, categorical values translated to canonical ones."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from slimmeregio.layers.csvio import parse_number
from slimmeregio.layers.errors import (
    MissingFieldError,
)
from slimmeregio.layers.model import Layer, LayerReport
from slimmeregio.layers.repair import geometry_family
from slimmeregio.layers.role_values import CANONICAL_VALUES, ValueTable
from slimmeregio.layers.roles import (
    HOPPIN_TYPES,
    LINK_CLASSES,
    ROLE_FIELDS,
    ROLE_GEOMETRIES,
    Role,
    guess_fields,
    guess_role,
)

__all__ = [
    "canonicalize_layer",
    "canonicalize_values",
    "coerce_columns",
    "map_fields",
]


#: Largest magnitude stored as an exact integer (float64 mantissa).
_EXACT_INT = 2**53

_TRUE = {"1", "true", "yes", "ja", "j", "y", "t", "waar", "oui", "-1", "eenrichting"}
_FALSE = {"0", "false", "no", "nee", "n", "f", "onwaar", "non", "", "tweerichting"}


def _columns(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def _numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numeric values of ``series`` (decimal comma accepted) and a mask of
    the non-empty values that are not numbers."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index)
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index)
    text = series.astype(object).where(series.notna(), None)
    values = [None if v is None else parse_number(str(v)) for v in text]
    numeric = pd.Series(
        [np.nan if v is None else v for v in values], index=series.index, dtype=float
    )
    bad = pd.Series(
        [
            v is not None and str(v).strip() != "" and n is None
            for v, n in zip(text, values, strict=True)
        ],
        index=series.index,
    )
    return numeric, bad


def _as_int(numeric: pd.Series) -> pd.Series:
    """Integers when every value is a whole number that fits exactly; else
    the floats unchanged (fractional estimates, absurdly large values)."""
    filled = numeric.fillna(0.0)
    whole = bool((filled == np.round(filled)).all())
    if whole and bool((filled.abs() < _EXACT_INT).all()):
        return filled.astype(np.int64)
    return filled


def _as_str(series: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if bool((whole == np.round(whole)).all()):
            return series.map(lambda v: "" if pd.isna(v) else str(int(v)))
    return series.map(
        lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
    )


def _as_bool(series: pd.Series) -> tuple[pd.Series, int]:
    words = series.map(
        lambda v: (
            "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower()
        )
    )
    unknown = int((~words.isin(_TRUE | _FALSE)).sum())
    return words.isin(_TRUE), unknown


def coerce_columns(
    frame: gpd.GeoDataFrame, role: Role, fields: Mapping[str, str], report: LayerReport
) -> gpd.GeoDataFrame:
    """Make each mapped column usable as its canonical type; report problems."""
    frame = frame.copy()
    kinds = {spec.key: spec for spec in ROLE_FIELDS[role]}
    for key, column in fields.items():
        spec = kinds.get(key)
        if spec is None:
            continue
        series = frame[column]
        if spec.kind in ("int", "float"):
            numeric, bad = _numbers(series)
            n_bad = int(bad.sum())
            if n_bad:
                example = str(series[bad].iloc[0])[:30]
                filler_nl = "als 0 geteld" if spec.kind == "int" else "als onbekend behandeld"
                filler_en = "counted as 0" if spec.kind == "int" else "treated as unknown"
                report.add(
                    "non_numeric",
                    f"Kolom '{column}' ({spec.label_nl}): {n_bad} waarden zijn geen getal "
                    f"(bv. '{example}'); {filler_nl}.",
                    f"Column '{column}' ({spec.label_en}): {n_bad} values are not numbers "
                    f"(e.g. '{example}'); {filler_en}.",
                    count=n_bad,
                )
            negative = int((numeric < 0).sum())
            if negative and spec.kind == "int":
                report.add(
                    "negative_values",
                    f"Kolom '{column}' ({spec.label_nl}): {negative} negatieve waarden.",
                    f"Column '{column}' ({spec.label_en}): {negative} negative values.",
                    count=negative,
                )
            frame[column] = _as_int(numeric) if spec.kind == "int" else numeric
        elif spec.kind == "bool":
            values, unknown = _as_bool(series)
            if unknown:
                report.add(
                    "non_boolean",
                    f"Kolom '{column}' ({spec.label_nl}): {unknown} waarden zijn geen ja/nee; als nee behandeld.",
                    f"Column '{column}' ({spec.label_en}): {unknown} values are not yes/no; treated as no.",
                    count=unknown,
                )
            frame[column] = values
        else:
            frame[column] = _as_str(series)
    return frame


# --- canonical values -------------------------------------------------------------

#: Most distinct values named in one report entry.
_VALUES_SHOWN = 5

#: Report kind for unrecognised values, per canonical field.
_UNKNOWN_KINDS = {
    "link_class": "unknown_link_class",
    "hoppin_type": "unknown_hoppin_type",
    "status": "unknown_housing_status",
}


def _derived_column(frame: pd.DataFrame, key: str, values: pd.Series) -> str:
    """Name for the column holding the canonical values of ``key``: ``key``
    itself when free, else ``key_norm``, ``key_norm_2`` ...; a column that
    already holds exactly these values (an earlier translation) is reused.
    Names are compared case-insensitively, as GeoPackage and Shapefile do
    (``Status`` and ``status`` cannot live side by side there)."""
    taken = {str(c).lower() for c in frame.columns}
    n = 1
    while True:
        name = key if n == 1 else f"{key}_norm" if n == 2 else f"{key}_norm_{n - 1}"
        if name.lower() not in taken:
            return name
        if name in frame.columns and list(frame[name]) == list(values):
            return name
        n += 1


def _listing(counts: pd.Series, empty: str) -> str:
    """``'a' (3), 'b' (1)``: the most frequent values, at most five."""
    shown = [
        f"'{value}' ({int(n)})" if value != "" else f"{empty} ({int(n)})"
        for value, n in counts.head(_VALUES_SHOWN).items()
    ]
    more = len(counts) - _VALUES_SHOWN
    return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")


def _translated(pairs: pd.DataFrame) -> str:
    counts = pairs.value_counts(sort=True)
    shown = [
        f"'{raw}' → {canon} ({int(n)})" for (raw, canon), n in counts.head(_VALUES_SHOWN).items()
    ]
    more = len(counts) - _VALUES_SHOWN
    return ", ".join(shown) + (f", … (+{more})" if more > 0 else "")


def _report_unknown(
    report: LayerReport, key: str, column: str, label: tuple[str, str], counts: pd.Series
) -> None:
    n = int(counts.sum())
    nl_values, en_values = _listing(counts, "(leeg)"), _listing(counts, "(empty)")
    head_nl, head_en = f"Kolom '{column}' ({label[0]})", f"Column '{column}' ({label[1]})"
    if key == "link_class":
        classes = ", ".join(LINK_CLASSES)
        nl = (
            f"{head_nl}: {n} links hebben een klasse die de toepassing niet kent: {nl_values}. "
            f"De waarden zijn behouden; geef zo'n klasse een eigen snelheid in de parameters, "
            f"anders geldt de snelheid van 'overig' (gekende klassen: {classes})."
        )
        en = (
            f"{head_en}: {n} links have a class the application does not know: {en_values}. "
            f"The values were kept; give such a class its own speed in the parameters, "
            f"otherwise the 'overig' (other) speed applies (known classes: {classes})."
        )
        level = "info"
    elif key == "hoppin_type":
        types = ", ".join(HOPPIN_TYPES)
        nl = (
            f"{head_nl}: {n} mobipunten hebben geen gekend Hoppin-type ({types}): {nl_values}. "
            "De waarden zijn behouden, maar deze mobipunten tellen niet mee als bestemming "
            "tot hun type is aangepast."
        )
        en = (
            f"{head_en}: {n} mobility hubs have no known Hoppin type ({types}): {en_values}. "
            "The values were kept, but these hubs do not count as destinations until their "
            "type is corrected."
        )
        level = "warning"
    else:
        nl = (
            f"{head_nl}: {n} objecten hebben een status die niet als 'bestaand' of 'gepland' "
            f"herkend is: {nl_values}. De waarden zijn behouden."
        )
        en = (
            f"{head_en}: {n} objects have a status not recognised as 'bestaand' (existing) or "
            f"'gepland' (planned): {en_values}. The values were kept."
        )
        level = "info"
    _add_once(report, _UNKNOWN_KINDS.get(key, f"unknown_{key}"), nl, en, count=n, level=level)


def _add_once(report: LayerReport, kind: str, nl: str, en: str, *, count: int, level: str) -> None:
    """Add an entry, replacing an earlier one of the same kind (a layer
    translated again after a new mapping keeps one entry per kind)."""
    report.entries[:] = [e for e in report.entries if e.kind != kind]
    report.add(kind, nl, en, count=count, level=level)


def _canonicalize_field(
    frame: gpd.GeoDataFrame,
    key: str,
    column: str,
    table: ValueTable,
    label: tuple[str, str],
    report: LayerReport,
) -> tuple[gpd.GeoDataFrame, str]:
    """Translate one mapped column. Returns ``frame`` and ``column`` when no
    value changes, else a copy with the derived column (see
    :func:`_derived_column`) and that column's name."""
    text = _as_str(frame[column])
    lookup = {value: table.lookup(value) for value in text.unique()}
    canonical = text.map(lookup)
    unknown = canonical.isna()
    if not table.report_empty:
        unknown &= text != ""
    if bool(unknown.any()):
        _report_unknown(report, key, column, label, text[unknown].value_counts())
    changed = canonical.notna() & (canonical != frame[column].astype(object))
    if not bool(changed.any()):
        return frame, column
    values = canonical.where(canonical.notna(), text).astype(object)
    target = _derived_column(frame, key, values)
    frame = frame.copy()
    frame[target] = values
    pairs = pd.DataFrame({"raw": text[changed], "canonical": canonical[changed]})
    n = int(changed.sum())
    _add_once(
        report,
        "values_normalized",
        f"Kolom '{column}' ({label[0]}): {n} waarden vertaald naar de waarden van de "
        f"toepassing: {_translated(pairs)}. De vertaalde waarden staan in de kolom "
        f"'{target}'; kolom '{column}' is ongewijzigd.",
        f"Column '{column}' ({label[1]}): {n} values translated to the application's "
        f"values: {_translated(pairs)}. The translated values are in column '{target}'; "
        f"column '{column}' is unchanged.",
        count=n,
        level="info",
    )
    return frame, target


def canonicalize_values(
    frame: gpd.GeoDataFrame,
    role: Role | str,
    fields: Mapping[str, str],
    report: LayerReport | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Translate categorical values to the application's canonical values.

    The link class of a bike network, the Hoppin type of a mobipunt and the
    status of a housing object are looked up in
    :data:`slimmeregio.layers.role_values.CANONICAL_VALUES` (case, accents, spaces
    and punctuation do not matter: ``Functionele fietsroute`` and
    ``Hoppinpunt - lokaal`` are recognised). The user's column is never
    changed: when a value is translated, the canonical values go into a new
    column named after the field (``link_class``, ``hoppin_type``,
    ``status``; ``<field>_norm`` when that name is taken) and the mapping
    points at it, so ``layer.column("link_class")`` gives canonical values.
    When every value is already canonical, nothing changes.

    Unrecognised values are kept as they are and reported once per field
    (``unknown_link_class``, ``unknown_housing_status``: info;
    ``unknown_hoppin_type``: warning, such hubs do not count as
    destinations), naming up to five values with their counts. A translation
    is reported as ``values_normalized`` (info).

    Parameters
    ----------
    frame
        The layer's data; not modified.
    role
        The layer's role.
    fields
        Canonical field -> column.
    report
        Where the entries go (default: a new report, discarded).

    Returns
    -------
    (GeoDataFrame, dict)
        The data, with derived columns added when needed, and the mapping.
    """
    role = Role(role)
    report = report if report is not None else LayerReport()
    mapping = dict(fields)
    specs = {spec.key: spec for spec in ROLE_FIELDS[role]}
    out = frame
    for key, column in fields.items():
        table = CANONICAL_VALUES.get((role, key))
        if table is None or column not in frame.columns:
            continue
        spec = specs[key]
        out, mapping[key] = _canonicalize_field(
            out, key, column, table, (spec.label_nl, spec.label_en), report
        )
    return out, mapping


def canonicalize_layer(layer: Layer) -> Layer:
    """:func:`canonicalize_values` for a layer, e.g. after its role or field
    mapping was changed by hand. Returns a new layer (the report is shared and
    gets the new entries); a raster layer is returned unchanged."""
    if layer.is_raster:
        return layer
    frame, mapping = canonicalize_values(layer.frame, layer.role, layer.fields, layer.report)
    if mapping == layer.fields and frame is layer.frame:
        return layer
    return layer.replace(data=frame, fields=mapping)


def _raise_missing(layer: str, path: Path | None, role: Role, key: str, columns: list[str]) -> None:
    raise MissingFieldError(
        layer=layer,
        field=key,
        path=path,
        role=role.label("nl"),
        columns=", ".join(columns) or "-",
    )


def map_fields(
    frame: gpd.GeoDataFrame,
    name: str,
    path: Path | None,
    report: LayerReport,
    *,
    role: Role | None,
    fields: Mapping[str, str] | None,
    role_hint: str | None = None,
) -> tuple[Role, dict[str, str]]:
    """The layer's role (given or guessed) and its field mapping; a required field that cannot be mapped raises."""
    columns = _columns(frame)
    explicit = role is not None
    chosen = role if role is not None else guess_role(frame, role_hint or name)
    given = dict(fields or {})
    for key, column in given.items():
        if column not in columns:
            _raise_missing(name, path, chosen, f"{key} = {column}", columns)
    mapping = {k: v for k, v in guess_fields(chosen, columns).items() if v not in given.values()}
    mapping.update(given)
    missing = [s.key for s in ROLE_FIELDS[chosen] if s.required and s.key not in mapping]
    if missing and explicit:
        _raise_missing(name, path, chosen, missing[0], columns)
    if missing:
        labels_nl = ", ".join(s.label_nl for s in ROLE_FIELDS[chosen] if s.key in missing)
        labels_en = ", ".join(s.label_en for s in ROLE_FIELDS[chosen] if s.key in missing)
        report.add(
            "role_incomplete",
            f"De laag lijkt op {chosen.label('nl')}, maar mist: {labels_nl}; geladen als 'andere'.",
            f"The layer looks like {chosen.label('en')} but lacks: {labels_en}; loaded as 'other'.",
            level="info",
        )
        return Role.OTHER, given
    allowed = ROLE_GEOMETRIES.get(chosen)
    if explicit and allowed is not None and len(frame):
        families = {geometry_family(t) for t in frame.geometry.geom_type.dropna().unique()}
        if not families <= allowed:
            report.add(
                "role_geometry",
                f"De rol {chosen.label('nl')} verwacht {'/'.join(sorted(allowed))}, "
                f"de laag heeft {'/'.join(sorted(families))}.",
                f"The role {chosen.label('en')} expects {'/'.join(sorted(allowed))}, "
                f"the layer has {'/'.join(sorted(families))}.",
            )
    return chosen, mapping
