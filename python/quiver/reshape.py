"""Reshaping and summarising frames as Polars does: ``unpivot`` (wide to long), ``pivot``
(long to wide) and ``describe`` (summary statistics). Each is planned from ordinary
queries (selects, a union, one grouped aggregation), so the engine runs it in parallel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from quiver import _quiver
from quiver.datatypes import DataType
from quiver.exceptions import ComputeError, NotSupportedError
from quiver.expr import Expr, col, lit, when

if TYPE_CHECKING:
    from quiver.frame import DataFrame, LazyFrame

__all__ = ["unpivot", "pivot", "describe"]

_NUMERIC = ("Int", "UInt", "Float", "Decimal")


def _is_numeric(dtype: DataType) -> bool:
    return str(dtype).startswith(_NUMERIC)


def _aggregate(name: str, args: list[Expr]) -> Expr:
    return Expr(_quiver.Expr.aggregate(name, [a._e for a in args], False))


def _as_list(names: str | Sequence[str] | None) -> list[str] | None:
    if names is None:
        return None
    return [names] if isinstance(names, str) else list(names)


def unpivot(
    frame: LazyFrame,
    on: str | Sequence[str] | None,
    index: str | Sequence[str] | None,
    variable_name: str | None,
    value_name: str | None,
) -> LazyFrame:
    """One row per (row, value column): the ``index`` columns, the value column's name in
    ``variable_name`` and its value in ``value_name``; rows of the first value column
    first. Values take a common type: numbers widen; mixed with text, all become text."""
    from quiver.frame import concat

    schema = frame.schema
    index_cols = _as_list(index) or []
    on_cols = _as_list(on)
    if on_cols is None:
        on_cols = [c for c in schema if c not in index_cols]
    missing = [c for c in [*index_cols, *on_cols] if c not in schema]
    if missing:
        # Let the engine report the unknown column with its suggestions.
        frame.select(*missing).collect_schema()
    variable = variable_name or "variable"
    value = value_name or "value"
    if not on_cols:
        return frame.select(
            *index_cols, lit(None).cast("String").alias(variable), lit(None).alias(value)
        ).head(0)
    as_text = not all(_is_numeric(schema[c]) for c in on_cols) and any(
        str(schema[c]) == "String" for c in on_cols
    )
    parts = []
    for c in on_cols:
        v = col(c).cast("String") if as_text else col(c)
        parts.append(frame.select(*index_cols, lit(c).alias(variable), v.alias(value)))
    out: LazyFrame = concat(parts)
    return out


_AGGREGATES = ("first", "last", "sum", "mean", "median", "min", "max", "len", "count")


def pivot(
    df: DataFrame,
    on: str | Sequence[str],
    index: str | Sequence[str] | None,
    values: str | Sequence[str] | None,
    aggregate_function: str | None,
    sort_columns: bool,
    separator: str,
) -> DataFrame:
    """One row per distinct ``index`` (in order of first appearance), one column per
    distinct value of ``on`` (and per ``values`` column when there are several, named
    ``{value}{separator}{on value}``)."""
    on_cols = _as_list(on) or []
    if len(on_cols) != 1:
        raise NotSupportedError("pivot supports one `on` column")
    pivot_col = on_cols[0]
    columns = df.columns
    index_cols = _as_list(index)
    value_cols = _as_list(values)
    if index_cols is None and value_cols is None:
        raise ValueError("pivot needs `index` or `values`")
    if index_cols is None:
        index_cols = [c for c in columns if c != pivot_col and c not in (value_cols or [])]
    if value_cols is None:
        value_cols = [c for c in columns if c != pivot_col and c not in index_cols]
    how = aggregate_function
    if how is not None and how not in _AGGREGATES:
        raise ValueError(f"aggregate_function {how!r} is not supported; use one of {list(_AGGREGATES)} or None")

    keys = df.lazy().group_by(pivot_col, maintain_order=True).agg().collect()[pivot_col].to_list()
    if sort_columns:
        keys = sorted(keys, key=lambda k: (k is None, k))
    row = "__quiver_row"
    data = df.lazy().with_row_index(row)
    if how is None:
        # Polars refuses to pick among duplicates without an aggregate.
        most = data.group_by(*index_cols, pivot_col).agg(col(row).count().alias("n")).select(col("n").max())
        n = most.collect().item()
        if n is not None and n > 1:
            raise ComputeError(
                "found multiple elements in the same group; pass an aggregate_function such as 'first' or 'sum'"
            )
    agg_name: str = how or "first"

    def cell(value_col: str, key: Any) -> Expr:
        hit = col(pivot_col).is_null() if key is None else col(pivot_col) == lit(key)
        chosen = when(hit).then(col(value_col))
        at = when(hit).then(col(row))
        if agg_name == "first":
            return _aggregate("arg_min_null", [col(value_col), at])
        if agg_name == "last":
            return _aggregate("arg_max_null", [col(value_col), at])
        if agg_name in ("len", "count"):
            return _aggregate("count", [at]).cast("UInt32")
        if agg_name == "sum":
            return chosen.sum().fill_null(0)
        return getattr(chosen, agg_name)()  # type: ignore[no-any-return]

    def name(value_col: str, key: Any) -> str:
        text = "null" if key is None else str(key)
        return text if len(value_cols or []) == 1 else f"{value_col}{separator}{text}"

    cells = [cell(v, k).alias(name(v, k)) for v in value_cols for k in keys]
    out: DataFrame = data.group_by(*index_cols, maintain_order=True).agg(*cells).collect()
    return out


def describe(df: DataFrame, percentiles: Sequence[float] = (0.25, 0.5, 0.75)) -> DataFrame:
    """Summary statistics per column, as Polars' ``describe``: a ``statistic`` column and
    one column per input column: Float64 for numeric columns, text for the others (which
    get count, null_count, min and max only). Percentiles use nearest-rank interpolation."""
    from quiver.frame import DataFrame

    labels = ["count", "null_count", "mean", "std", "min"]
    labels += [f"{p * 100:g}%" for p in percentiles] + ["max"]
    schema = df.schema
    aggs: list[Expr] = []
    for i, (name, dtype) in enumerate(schema.items()):
        c = col(name)
        numeric = _is_numeric(dtype) or str(dtype) == "Boolean"
        x = c.cast("Float64") if numeric else c
        stats: list[Expr | None] = [c.count(), c.null_count()]
        if numeric:
            stats += [x.mean(), x.std(), x.min()]
            stats += [x.quantile(p, "nearest") for p in percentiles]
            stats += [x.max()]
        else:
            orderable = str(dtype) in ("String", "Date") or str(dtype).startswith(("Datetime", "Time"))
            stats += [None, None, c.min() if orderable else None]
            stats += [None for _ in percentiles]
            stats += [c.max() if orderable else None]
        for j, s in enumerate(stats):
            if s is not None:
                aggs.append(s.alias(f"__{i}_{j}"))
    row = df.lazy().select(*aggs).collect().to_dicts()[0] if aggs else {}
    out: dict[str, list[Any]] = {"statistic": labels}
    for i, (name, dtype) in enumerate(schema.items()):
        numeric = _is_numeric(dtype) or str(dtype) == "Boolean"
        cells = [row.get(f"__{i}_{j}") for j in range(len(labels))]
        if numeric:
            out[name] = [None if v is None else float(v) for v in cells]
        else:
            out[name] = [None if v is None else str(v) for v in cells]
    typed = [col("statistic")] + [
        col(n).cast("Float64" if _is_numeric(t) or str(t) == "Boolean" else "String") for n, t in schema.items()
    ]
    return DataFrame(out).select(*typed)
