"""Safe attribute expressions: select features with a filter typed by a user.

``pandas.DataFrame.query`` and ``eval`` run arbitrary Python on user input;
this evaluator parses the text with :mod:`ast` and accepts only a small
whitelist: column names, numbers, text, ``and``/``or``/``not`` (also Dutch
``en``/``of``/``niet``), comparisons (``=`` or ``==``, ``!=``, ``<`` ...,
``in``/``not in`` a list), ``+ - * /`` and a few functions (``bevat`` /
``contains``, ``begint`` / ``startswith``, ``leeg`` / ``isnull``, ``lower``,
``upper``, ``abs``). Anything else (attributes, calls of other names,
subscripts, lambdas, comprehensions) is refused with an
:class:`~slimmeregio.layers.errors.ExpressionError`. Evaluation is vectorised
over the whole table.
"""

from __future__ import annotations

import ast
import io
import tokenize
from typing import Any

import numpy as np
import pandas as pd

from slimmeregio.layers.errors import ExpressionError

__all__ = ["evaluate_expression", "parse_expression"]

#: Dutch words written as Python operators.
_WORDS = {
    "en": "and",
    "of": "or",
    "niet": "not",
    "EN": "and",
    "OF": "or",
    "NIET": "not",
    "AND": "and",
    "OR": "or",
    "NOT": "not",
    "IN": "in",
}
_MAX_LENGTH = 2000


def _reason(nl: str, en: str) -> dict[str, str]:
    return {"nl": nl, "en": en}


def _rewrite(text: str, columns: set[str]) -> str:
    """Dutch/upper-case operators to Python, ``=`` to ``==``, `quoted column` names to identifiers."""
    out: list[tuple[int, str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        raise ExpressionError(
            expression=text, reason=_reason("onvolledige uitdrukking", "incomplete expression")
        ) from exc
    for tok in tokens:
        kind, value = tok.type, tok.string
        if kind == tokenize.NAME and value in _WORDS and value not in columns:
            value = _WORDS[value]
        elif kind == tokenize.OP and value == "=":
            value = "=="
        elif kind == tokenize.ERRORTOKEN and value == "`":
            raise ExpressionError(
                expression=text,
                reason=_reason(
                    "gebruik kolomnamen zonder aanhalingstekens, of veld('naam met spaties')",
                    "write column names without quotes, or veld('name with spaces')",
                ),
            )
        out.append((kind, value))
    return tokenize.untokenize(out)


_FUNCTIONS = {
    "bevat": "contains",
    "contains": "contains",
    "begint": "startswith",
    "startswith": "startswith",
    "leeg": "isnull",
    "isnull": "isnull",
    "lower": "lower",
    "upper": "upper",
    "abs": "abs",
    "veld": "field",
    "field": "field",
}
_COMPARE = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge"}
_ARITH = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}


def parse_expression(text: str, columns: list[str] | set[str]) -> ast.Expression:
    """Parse ``text`` and check it against the whitelist (and the ``columns``)."""
    if not text.strip():
        raise ExpressionError(
            expression=text, reason=_reason("de uitdrukking is leeg", "the expression is empty")
        )
    if len(text) > _MAX_LENGTH:
        raise ExpressionError(
            expression=text[:40] + "…",
            reason=_reason("de uitdrukking is te lang", "the expression is too long"),
        )
    cols = {str(c) for c in columns}
    source = _rewrite(text.strip(), cols)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            expression=text,
            reason=_reason(
                f"onverwacht teken op positie {exc.offset or 0}",
                f"unexpected text at position {exc.offset or 0}",
            ),
        ) from exc
    for node in ast.walk(tree):
        _check(node, text, cols)
    return tree


def _check(node: ast.AST, text: str, columns: set[str]) -> None:
    allowed = (
        ast.Expression,
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.UAdd,
        ast.Compare,
        ast.BinOp,
        ast.Constant,
        ast.Name,
        ast.Load,
        ast.Tuple,
        ast.List,
        ast.Call,
        ast.In,
        ast.NotIn,
        *_COMPARE,
        *_ARITH,
    )
    if not isinstance(node, allowed):
        raise ExpressionError(
            expression=text,
            reason=_reason(
                f"'{type(node).__name__}' is niet toegelaten",
                f"'{type(node).__name__}' is not allowed",
            ),
        )
    if isinstance(node, ast.Constant) and not isinstance(
        node.value, str | int | float | bool | type(None)
    ):
        raise ExpressionError(expression=text, reason=_reason("onbekende waarde", "unknown value"))
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in _FUNCTIONS or node.keywords:
            raise ExpressionError(
                expression=text,
                reason=_reason(
                    f"de functie '{name or '?'}' bestaat niet",
                    f"the function '{name or '?'}' does not exist",
                ),
            )
        if _FUNCTIONS[name] == "field" and not (
            len(node.args) == 1
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            raise ExpressionError(
                expression=text,
                reason=_reason(
                    "veld() neemt één kolomnaam tussen aanhalingstekens",
                    "field() takes one quoted column name",
                ),
            )
        node.func.is_function = True  # type: ignore[attr-defined]  # (ast.walk visits the call first)
    if (
        isinstance(node, ast.Name)
        and not getattr(node, "is_function", False)
        and node.id not in columns
        and node.id not in ("True", "False", "None", "waar", "onwaar")
    ):
        raise ExpressionError(
            expression=text,
            field=node.id,
            reason=_reason(
                f"de kolom '{node.id}' bestaat niet", f"the column '{node.id}' does not exist"
            ),
        )
    if (
        isinstance(node, ast.Compare)
        and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
        and not all(isinstance(c, ast.Tuple | ast.List) for c in node.comparators)
    ):
        raise ExpressionError(
            expression=text,
            reason=_reason(
                "na 'in' volgt een lijst, bv. ('a', 'b')", "'in' takes a list, e.g. ('a', 'b')"
            ),
        )


def evaluate_expression(text: str, frame: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` where ``text`` holds (missing values: False)."""
    columns = [str(c) for c in frame.columns]
    tree = parse_expression(text, columns)
    try:
        value = _eval(tree.body, frame, text)
    except ExpressionError:
        raise
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise ExpressionError(
            expression=text,
            reason=_reason(
                "de waarden passen niet bij elkaar (tekst met getal vergeleken?)",
                "the values do not match (text compared with a number?)",
            ),
            detail=str(exc),
        ) from exc
    if isinstance(value, pd.Series):
        return value.fillna(False).astype(bool).to_numpy()
    if isinstance(value, bool | np.bool_):
        return np.full(len(frame), bool(value))
    raise ExpressionError(
        expression=text,
        reason=_reason(
            "de uitdrukking geeft geen ja/nee (vergelijk met een waarde)",
            "the expression does not give yes/no (compare with a value)",
        ),
    )


def _eval(node: ast.AST, frame: pd.DataFrame, text: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return _name_value(node.id, frame)
    if isinstance(node, ast.Tuple | ast.List):
        return [_eval(e, frame, text) for e in node.elts]
    if isinstance(node, ast.BoolOp):
        values = [_as_bool(_eval(v, frame, text), frame) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = (out & v) if isinstance(node.op, ast.And) else (out | v)
        return out
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, frame, text)
        if isinstance(node.op, ast.Not):
            return ~_as_bool(v, frame)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, frame, text), _eval(node.right, frame, text)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _ARITH[type(node.op)](_numeric(a), _numeric(b))
    if isinstance(node, ast.Compare):
        return _compare_chain(node, frame, text)
    if isinstance(node, ast.Call):
        return _call(node, frame, text)
    raise ExpressionError(expression=text, reason=_reason("niet toegelaten", "not allowed"))


def _name_value(name: str, frame: pd.DataFrame) -> Any:
    """A bare name: a truth value or None (Dutch or English), else a column."""
    if name in ("True", "waar"):
        return True
    if name in ("False", "onwaar"):
        return False
    if name == "None":
        return None
    return frame[name] if name in frame.columns else frame[_column(frame, name)]


def _compare_chain(node: ast.Compare, frame: pd.DataFrame, text: str) -> Any:
    """``a < b <= c``: each comparison, and-ed."""
    left = _eval(node.left, frame, text)
    result: Any = None
    for op, comp in zip(node.ops, node.comparators, strict=True):
        right = _eval(comp, frame, text)
        part = _compare(op, left, right, frame)
        result = part if result is None else (result & part)
        left = right
    return result


def _call(node: ast.Call, frame: pd.DataFrame, text: str) -> Any:
    """One of the allowed functions (the parser checked the name)."""
    assert isinstance(node.func, ast.Name)
    fn = _FUNCTIONS[node.func.id]
    if fn == "field":
        name = node.args[0].value  # type: ignore[attr-defined]
        if name not in frame.columns:
            raise ExpressionError(
                expression=text,
                field=str(name),
                reason=_reason(
                    f"de kolom '{name}' bestaat niet", f"the column '{name}' does not exist"
                ),
            )
        return frame[name]
    args = [_eval(a, frame, text) for a in node.args]
    if fn in ("contains", "startswith") and len(args) == 2:
        series = _series(args[0], frame).astype("string")
        needle = str(args[1])
        if fn == "contains":
            return series.str.contains(needle, case=False, regex=False).fillna(False)
        return series.str.lower().str.startswith(needle.lower()).fillna(False)
    if fn == "isnull" and len(args) == 1:
        series = _series(args[0], frame)
        return series.isna() | (series.astype("string").str.strip() == "").fillna(False)
    if fn in ("lower", "upper") and len(args) == 1:
        series = _series(args[0], frame).astype("string")
        return series.str.lower() if fn == "lower" else series.str.upper()
    if fn == "abs" and len(args) == 1:
        return np.abs(_numeric(args[0]))
    raise ExpressionError(
        expression=text,
        reason=_reason(
            f"verkeerd aantal argumenten voor {node.func.id}()",
            f"wrong number of arguments for {node.func.id}()",
        ),
    )


def _column(frame: pd.DataFrame, name: str) -> Any:
    for c in frame.columns:
        if str(c) == name:
            return c
    raise KeyError(name)


def _series(value: Any, frame: pd.DataFrame) -> pd.Series:
    return (
        value
        if isinstance(value, pd.Series)
        else pd.Series([value] * len(frame), index=frame.index)
    )


def _numeric(value: Any) -> Any:
    if isinstance(value, pd.Series) and not pd.api.types.is_numeric_dtype(value):
        return pd.to_numeric(value, errors="coerce")
    return value


def _as_bool(value: Any, frame: pd.DataFrame) -> Any:
    if isinstance(value, pd.Series):
        return value.fillna(False).astype(bool)
    return pd.Series(bool(value), index=frame.index)


def _compare(op: ast.cmpop, left: Any, right: Any, frame: pd.DataFrame) -> pd.Series:
    if isinstance(op, ast.In | ast.NotIn):
        values = right if isinstance(right, list) else [right]
        series = _series(left, frame)
        hit = series.isin(values) | series.astype("string").isin([str(v) for v in values]).fillna(
            False
        )
        return ~hit if isinstance(op, ast.NotIn) else hit
    a, b = _series(left, frame), right
    number = isinstance(b, int | float) and not isinstance(b, bool)
    if number and not pd.api.types.is_numeric_dtype(a):
        a = pd.to_numeric(a, errors="coerce")
    if isinstance(b, str) and pd.api.types.is_numeric_dtype(a):
        a = a.astype("string")
    if (
        isinstance(b, pd.Series)
        and not pd.api.types.is_numeric_dtype(b)
        and pd.api.types.is_numeric_dtype(a)
    ):
        b = pd.to_numeric(b, errors="coerce")
    result = getattr(a, _COMPARE[type(op)])(b)
    return (
        result.fillna(False).astype(bool)
        if isinstance(result, pd.Series)
        else _as_bool(result, frame)
    )
