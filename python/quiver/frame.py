"""``DataFrame``, ``LazyFrame``, ``GroupBy`` and ``Series``: Polars' frame API over the
native engine frames. Eager methods run the lazy equivalent and collect it."""

from __future__ import annotations

import html
import os
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from quiver import _quiver
from quiver.datatypes import DataType, parse_dtype
from quiver.exceptions import NotSupportedError, QuiverError, SchemaError
from quiver.expr import Expr, col, element_kind, encode, into_exprs, lit
from quiver.expr import len as _count

__all__ = ["DataFrame", "LazyFrame", "GroupBy", "LazyGroupBy", "Series", "concat", "from_arrow"]

_builtin_len = len


def _infer_kind(values: Sequence[Any]) -> str | None:
    kinds = {element_kind(v) for v in values if v is not None}
    if not kinds:
        return "null"
    if None in kinds:
        return None
    if kinds == {"int", "float"}:
        return "float"
    if _builtin_len(kinds) == 1:
        return kinds.pop()
    return None


def _from_columns(data: Mapping[str, Sequence[Any]]) -> Any:
    columns = []
    for name, values in data.items():
        if hasattr(values, "to_list"):
            values = values.to_list()
        values = list(values)
        kind = _infer_kind(values)
        if kind is None:
            # Nested or unusual values: let pyarrow infer them, if it is installed.
            try:
                import pyarrow as pa
            except ImportError:
                raise TypeError(
                    f"column {name!r} holds values Quiver cannot convert without pyarrow"
                ) from None
            return _quiver.DataFrame.from_arrow(pa.table({k: list(v) for k, v in data.items()}))
        columns.append((name, kind, [encode(kind, v) for v in values]))
    return _quiver.DataFrame.from_columns(columns)


def _names(by: Any, more: Sequence[Any] = ()) -> list[Any]:
    items: list[Any] = []
    for b in [by, *more]:
        if isinstance(b, (list, tuple)):
            items.extend(b)
        elif b is not None:
            items.append(b)
    return items


def _with_polars_types(build: Callable[[list[Any]], Any], exprs: list[Expr]) -> Any:
    """Builds a projection or aggregation with ``build``; integer sums (typed as
    DECIMAL(38, 0) by the engine) are cast to Int64 as Polars types them."""
    natives = [e._final() for e in exprs]
    out = build(natives)
    flagged = [i for i, e in enumerate(exprs) if e._int_sum]
    if not flagged:
        return out
    try:
        schema = dict(out.schema())
    except QuiverError:
        return out  # collect() reports the error
    changed = False
    for i in flagged:
        name = exprs[i].meta_output_name()
        if schema.get(name) == "Decimal(38, 0)":
            natives[i] = exprs[i].cast("Int64").alias(name)._final()
            changed = True
    return build(natives) if changed else out


class LazyFrame:
    """A lazy query: methods build a plan; ``collect()`` runs it."""

    __slots__ = ("_lf",)

    def __init__(self, native: Any) -> None:
        self._lf = native

    def __repr__(self) -> str:
        return "<LazyFrame: call .collect() to run it, .explain() to see the plan>"

    # Schema -------------------------------------------------------------------------------
    @property
    def schema(self) -> dict[str, DataType]:
        return {n: parse_dtype(t) for n, t in self._lf.schema()}

    @property
    def columns(self) -> list[str]:
        return [n for n, _ in self._lf.schema()]

    @property
    def dtypes(self) -> list[DataType]:
        return [parse_dtype(t) for _, t in self._lf.schema()]

    @property
    def width(self) -> int:
        return _builtin_len(self._lf.schema())

    def collect_schema(self) -> dict[str, DataType]:
        return self.schema

    # Running --------------------------------------------------------------------------------
    def collect(self) -> DataFrame:
        """Runs the query (GIL released; Ctrl-C cancels it)."""
        return DataFrame._wrap(self._lf.collect())

    def explain(self) -> str:
        """The optimized logical plan and the physical plan."""
        text: str = self._lf.explain()
        return text

    def lazy(self) -> LazyFrame:
        return self

    # Transformations -----------------------------------------------------------------------
    def select(self, *exprs: Any, **named: Any) -> LazyFrame:
        items = into_exprs(exprs, named)
        sorted_ = [e for e in items if e._sorted]
        if sorted_ and _builtin_len(items) == 1:
            # `select(col("a").sort())`: the sorted list of the whole column, exploded.
            name = items[0].meta_output_name()
            return LazyFrame(self._lf.select([items[0]._final()])).explode(name)
        if sorted_:
            raise NotSupportedError(
                "Expr.sort() in a select with other expressions is not supported yet; "
                "sort the frame with .sort(...) instead"
            )
        return LazyFrame(_with_polars_types(self._lf.select, items))

    def with_columns(self, *exprs: Any, **named: Any) -> LazyFrame:
        items = into_exprs(exprs, named)
        if any(e._sorted for e in items):
            raise NotSupportedError(
                "Expr.sort() in with_columns is not supported yet; sort the frame with .sort(...) instead"
            )
        return LazyFrame(_with_polars_types(self._lf.with_columns, items))

    def with_row_index(self, name: str = "index", offset: int = 0) -> LazyFrame:
        idx = Expr(_quiver.Expr.function("row_number", []).over([], [], [], False, False))
        return self.select((idx - 1 + offset).alias(name), col("*"))

    def filter(self, *predicates: Any, **constraints: Any) -> LazyFrame:
        preds = into_exprs(predicates)
        preds += [col(k) == lit(v) for k, v in constraints.items()]
        if not preds:
            return self
        p = preds[0]
        for q in preds[1:]:
            p = p & q
        return LazyFrame(self._lf.filter(p._e))

    def group_by(self, *by: Any, maintain_order: bool = False) -> LazyGroupBy:
        return LazyGroupBy(self, into_exprs(by), maintain_order)

    def sort(
        self,
        by: Any,
        *more_by: Any,
        descending: bool | Sequence[bool] = False,
        nulls_last: bool = False,
    ) -> LazyFrame:
        keys = into_exprs(_names(by, more_by))
        desc = [descending] * _builtin_len(keys) if isinstance(descending, bool) else list(descending)
        if _builtin_len(desc) != _builtin_len(keys):
            raise ValueError("`descending` needs one value per sort key")
        return LazyFrame(self._lf.sort([k._e for k in keys], desc, nulls_last))

    def slice(self, offset: int, length: int | None = None) -> LazyFrame:
        if offset < 0:
            return self.tail(-offset).head(length if length is not None else -offset)
        return LazyFrame(self._lf.slice(offset, 2**62 if length is None else length))

    def head(self, n: int = 5) -> LazyFrame:
        return self.slice(0, n)

    def limit(self, n: int = 5) -> LazyFrame:
        return self.slice(0, n)

    def tail(self, n: int = 5) -> LazyFrame:
        i = "__quiver_row"
        total = Expr(_quiver.Expr.len().over([], [], [], False, False))
        t = "__quiver_rows"
        indexed = self.with_row_index(i).with_columns(total.alias(t))
        return indexed.filter(col(i) >= col(t) - n).drop(i, t)

    def first(self) -> LazyFrame:
        return self.head(1)

    def last(self) -> LazyFrame:
        return self.tail(1)

    def unique(self, subset: Any = None, *, keep: str = "any", maintain_order: bool = False) -> LazyFrame:
        if subset is None:
            return LazyFrame(self._lf.unique())
        keys = _names(subset)
        names = self.columns
        others = [col(c).first() for c in names if c not in keys]
        if keep not in ("any", "first"):
            raise ValueError("unique(subset=...) supports keep='any' or 'first'")
        return self.group_by(keys).agg(others).select(names)

    def drop(self, *columns: Any, strict: bool = True) -> LazyFrame:
        names = _names(list(columns))
        if not strict:
            present = set(self.columns)
            names = [n for n in names if n in present]
        return LazyFrame(self._lf.drop(names))

    def rename(self, mapping: Mapping[str, str]) -> LazyFrame:
        return LazyFrame(self._lf.rename(list(mapping.items())))

    def drop_nulls(self, subset: Any = None) -> LazyFrame:
        names = self.columns if subset is None else _names(subset)
        if not names:
            return self
        return self.filter(*[col(n).is_not_null() for n in names])

    def fill_null(self, value: Any) -> LazyFrame:
        """Fills NULLs in the columns whose type fits ``value``."""
        if isinstance(value, Expr):
            fill = [col(n).fill_null(value) for n in self.columns]
        else:
            kind = element_kind(value)
            numeric = ("Int", "UInt", "Float", "Decimal")
            fits: Callable[[str], bool] = {
                "int": lambda t: t.startswith(numeric),
                "float": lambda t: t.startswith(numeric),
                "bool": lambda t: t == "Boolean",
                "str": lambda t: t == "String",
                "date": lambda t: t == "Date",
            }.get(kind or "", lambda t: True)
            fill = [col(n).fill_null(value) for n, t in self._lf.schema() if fits(t)]
        return self.with_columns(*fill) if fill else self

    def explode(self, columns: Any, *more: Any) -> LazyFrame:
        out = self
        for c in _names(columns, more):
            out = LazyFrame(out._lf.explode(c))
        return out

    def join(
        self,
        other: LazyFrame | DataFrame,
        on: Any = None,
        how: str = "inner",
        *,
        left_on: Any = None,
        right_on: Any = None,
        suffix: str = "_right",
    ) -> LazyFrame:
        right = other.lazy()
        if how == "cross":
            lk: list[Expr] = []
            rk: list[Expr] = []
        elif on is not None:
            lk = rk = into_exprs(_names(on))
        elif left_on is not None and right_on is not None:
            lk, rk = into_exprs(_names(left_on)), into_exprs(_names(right_on))
        else:
            raise ValueError("join needs `on`, or both `left_on` and `right_on` (or how='cross')")
        return LazyFrame(self._lf.join(right._lf, [e._e for e in lk], [e._e for e in rk], how, suffix))

    def unpivot(
        self,
        on: str | Sequence[str] | None = None,
        *,
        index: str | Sequence[str] | None = None,
        variable_name: str | None = None,
        value_name: str | None = None,
    ) -> LazyFrame:
        """Wide to long: one row per row and ``on`` column (all non-``index`` columns by
        default), with the column's name in ``variable`` and its value in ``value``."""
        from quiver.reshape import unpivot

        return unpivot(self, on, index, variable_name, value_name)

    # Sinks: run the query and write the result atomically (nothing is left at the path
    # if the query or the write fails or is interrupted).
    def sink_parquet(self, path: str | os.PathLike[str]) -> None:
        self._lf.sink("parquet", os.fspath(path))

    def sink_csv(
        self, path: str | os.PathLike[str], *, include_header: bool = True, separator: str = ","
    ) -> None:
        self._lf.sink("csv", os.fspath(path), include_header, separator)

    def sink_ndjson(self, path: str | os.PathLike[str]) -> None:
        self._lf.sink("ndjson", os.fspath(path))

    def sink_ipc(self, path: str | os.PathLike[str]) -> None:
        self._lf.sink("ipc", os.fspath(path))


class LazyGroupBy:
    """A grouped lazy frame: ``.agg(...)`` computes one row per group."""

    def __init__(self, frame: LazyFrame, keys: list[Expr], maintain_order: bool) -> None:
        self._frame = frame
        self._keys = keys
        self._maintain_order = maintain_order

    def agg(self, *aggs: Any, **named: Any) -> LazyFrame:
        exprs = into_exprs(aggs, named)
        keys = [k._e for k in self._keys]
        if not self._maintain_order:
            return LazyFrame(_with_polars_types(lambda aggs: self._frame._lf.group_by_agg(keys, aggs), exprs))
        # Keys in their order of first appearance.
        i = "__quiver_first_row"
        indexed = self._frame.with_row_index(i)
        out = LazyFrame(
            _with_polars_types(lambda aggs: indexed._lf.group_by_agg(keys, aggs), exprs + [col(i).min()])
        )
        return out.sort(i).drop(i)

    def len(self, name: str = "len") -> LazyFrame:
        return self.agg(_count().alias(name))

    def sum(self) -> LazyFrame:
        return self._all("sum")

    def mean(self) -> LazyFrame:
        return self._all("mean")

    def min(self) -> LazyFrame:
        return self._all("min")

    def max(self) -> LazyFrame:
        return self._all("max")

    def _all(self, how: str) -> LazyFrame:
        keys = {k.meta_output_name() for k in self._keys}
        others = [getattr(col(c), how)() for c in self._frame.columns if c not in keys]
        return self.agg(others)


class GroupBy:
    """A grouped frame: ``.agg(...)`` computes one row per group."""

    def __init__(self, inner: LazyGroupBy) -> None:
        self._inner = inner

    def agg(self, *aggs: Any, **named: Any) -> DataFrame:
        return self._inner.agg(*aggs, **named).collect()

    def len(self, name: str = "len") -> DataFrame:
        return self._inner.len(name).collect()

    def sum(self) -> DataFrame:
        return self._inner.sum().collect()

    def mean(self) -> DataFrame:
        return self._inner.mean().collect()

    def min(self) -> DataFrame:
        return self._inner.min().collect()

    def max(self) -> DataFrame:
        return self._inner.max().collect()


class DataFrame:
    """An in-memory table.

    ``DataFrame(data)`` takes a dict of column lists, a list of row dicts, or any object
    that exports Arrow data (``__arrow_c_stream__``: pyarrow tables, Polars frames, ...).
    """

    __slots__ = ("_df",)

    def __init__(self, data: Any = None) -> None:
        if data is None:
            self._df = _quiver.DataFrame.from_columns([])
        elif isinstance(data, DataFrame):
            self._df = data._df
        elif isinstance(data, Mapping):
            self._df = _from_columns(data)
        elif hasattr(data, "__arrow_c_stream__"):
            self._df = _quiver.DataFrame.from_arrow(data)
        elif isinstance(data, Sequence) and all(isinstance(r, Mapping) for r in data):
            names: dict[str, None] = {}
            for r in data:
                names.update(dict.fromkeys(r))
            self._df = _from_columns({n: [r.get(n) for r in data] for n in names})
        else:
            raise TypeError(f"cannot build a DataFrame from a {type(data).__name__}")

    @classmethod
    def _wrap(cls, native: Any) -> DataFrame:
        out = cls.__new__(cls)
        out._df = native
        return out

    # Arrow interchange --------------------------------------------------------------------
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._df.__arrow_c_stream__(requested_schema)

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` (needs pyarrow)."""
        import pyarrow as pa

        return pa.table(self)

    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` (needs Polars)."""
        import polars as pl

        return pl.DataFrame(self)

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` (needs pyarrow and pandas)."""
        return self.to_arrow().to_pandas()

    # Shape and schema ---------------------------------------------------------------------------
    @property
    def height(self) -> int:
        h: int = self._df.height
        return h

    @property
    def width(self) -> int:
        w: int = self._df.width
        return w

    @property
    def shape(self) -> tuple[int, int]:
        return (self.height, self.width)

    def __len__(self) -> int:
        return self.height

    @property
    def columns(self) -> list[str]:
        names: list[str] = self._df.columns
        return names

    @property
    def schema(self) -> dict[str, DataType]:
        return {n: parse_dtype(t) for n, t in self._df.schema()}

    @property
    def dtypes(self) -> list[DataType]:
        return [parse_dtype(t) for _, t in self._df.schema()]

    def is_empty(self) -> bool:
        return self.height == 0

    # Access ---------------------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> Any:
        """``df["a"]`` is a Series; ``df[["a", "b"]]`` a DataFrame; ``df[1:3]`` rows."""
        if isinstance(key, str):
            return Series._from_frame(self.select(key))
        if isinstance(key, slice):
            start, stop, step = key.indices(self.height)
            if step != 1:
                raise ValueError("row slices with a step are not supported")
            return DataFrame._wrap(self._df.slice(start, max(stop - start, 0)))
        if isinstance(key, (list, tuple)) and all(isinstance(k, str) for k in key):
            return self.select(list(key))
        raise TypeError(f"cannot index a DataFrame with {key!r}")

    def get_column(self, name: str) -> Series:
        return Series._from_frame(self.select(name))

    def get_columns(self) -> list[Series]:
        return [self.get_column(n) for n in self.columns]

    def rows(self, *, named: bool = False) -> list[Any]:
        columns = self._df.to_lists()
        if named:
            names = self.columns
            return [dict(zip(names, r)) for r in zip(*columns)]
        return list(zip(*columns))

    def iter_rows(self, *, named: bool = False) -> Iterator[Any]:
        return iter(self.rows(named=named))

    def row(self, index: int, *, named: bool = False) -> Any:
        one = DataFrame._wrap(self._df.slice(index if index >= 0 else self.height + index, 1))
        rows = one.rows(named=named)
        if not rows:
            raise IndexError(f"row {index} is out of bounds for a frame of height {self.height}")
        return rows[0]

    def to_dicts(self) -> list[dict[str, Any]]:
        return self.rows(named=True)

    def to_dict(self, *, as_series: bool = True) -> dict[str, Any]:
        if as_series:
            return {n: self.get_column(n) for n in self.columns}
        return dict(zip(self.columns, self._df.to_lists()))

    def item(self, row: int | None = None, column: int | str | None = None) -> Any:
        """The single value of a 1x1 frame, or the value at ``row``, ``column``."""
        if row is None and column is None:
            if self.shape != (1, 1):
                raise ValueError(f"item() needs a frame of shape (1, 1), not {self.shape}; pass row and column")
            return self._df.value(0, 0)
        if row is None or column is None:
            raise ValueError("pass both row and column, or neither")
        c = self.columns.index(column) if isinstance(column, str) else column
        return self._df.value(row if row >= 0 else self.height + row, c)

    # Lazy ------------------------------------------------------------------------------------------
    def lazy(self) -> LazyFrame:
        return LazyFrame(self._df.lazy())

    def _run(self, lf: LazyFrame) -> DataFrame:
        return lf.collect()

    def select(self, *exprs: Any, **named: Any) -> DataFrame:
        return self.lazy().select(*exprs, **named).collect()

    def with_columns(self, *exprs: Any, **named: Any) -> DataFrame:
        return self.lazy().with_columns(*exprs, **named).collect()

    def with_row_index(self, name: str = "index", offset: int = 0) -> DataFrame:
        return self.lazy().with_row_index(name, offset).collect()

    def filter(self, *predicates: Any, **constraints: Any) -> DataFrame:
        return self.lazy().filter(*predicates, **constraints).collect()

    def group_by(self, *by: Any, maintain_order: bool = False) -> GroupBy:
        return GroupBy(self.lazy().group_by(*by, maintain_order=maintain_order))

    def sort(
        self,
        by: Any,
        *more_by: Any,
        descending: bool | Sequence[bool] = False,
        nulls_last: bool = False,
    ) -> DataFrame:
        return self.lazy().sort(by, *more_by, descending=descending, nulls_last=nulls_last).collect()

    def head(self, n: int = 5) -> DataFrame:
        return DataFrame._wrap(self._df.slice(0, max(n, 0) if n >= 0 else max(self.height + n, 0)))

    def limit(self, n: int = 5) -> DataFrame:
        return self.head(n)

    def tail(self, n: int = 5) -> DataFrame:
        k = min(n, self.height) if n >= 0 else max(self.height + n, 0)
        return DataFrame._wrap(self._df.slice(self.height - k, k))

    def slice(self, offset: int, length: int | None = None) -> DataFrame:
        if offset < 0:
            offset = max(self.height + offset, 0)
        return DataFrame._wrap(self._df.slice(offset, self.height if length is None else length))

    def unique(self, subset: Any = None, *, keep: str = "any", maintain_order: bool = False) -> DataFrame:
        return self.lazy().unique(subset, keep=keep, maintain_order=maintain_order).collect()

    def n_unique(self) -> int:
        return self.unique().height

    def drop(self, *columns: Any, strict: bool = True) -> DataFrame:
        return self.lazy().drop(*columns, strict=strict).collect()

    def rename(self, mapping: Mapping[str, str]) -> DataFrame:
        return self.lazy().rename(mapping).collect()

    def drop_nulls(self, subset: Any = None) -> DataFrame:
        return self.lazy().drop_nulls(subset).collect()

    def fill_null(self, value: Any) -> DataFrame:
        return self.lazy().fill_null(value).collect()

    def explode(self, columns: Any, *more: Any) -> DataFrame:
        return self.lazy().explode(columns, *more).collect()

    def join(
        self,
        other: DataFrame | LazyFrame,
        on: Any = None,
        how: str = "inner",
        *,
        left_on: Any = None,
        right_on: Any = None,
        suffix: str = "_right",
    ) -> DataFrame:
        return (
            self.lazy()
            .join(other, on, how, left_on=left_on, right_on=right_on, suffix=suffix)
            .collect()
        )

    def cast(self, dtypes: Mapping[str, Any]) -> DataFrame:
        """Casts columns by name: ``df.cast({"a": qv.Float64})``."""
        return self.with_columns(*[col(c).cast(t) for c, t in dtypes.items()])

    def null_count(self) -> DataFrame:
        return self.select(*[col(c).null_count() for c in self.columns])

    def top_k(self, k: int, *, by: Any) -> DataFrame:
        """The ``k`` rows with the largest ``by`` values (NULLs last)."""
        return self.lazy().sort(by, descending=True, nulls_last=True).head(k).collect()

    def bottom_k(self, k: int, *, by: Any) -> DataFrame:
        return self.lazy().sort(by, nulls_last=True).head(k).collect()

    def vstack(self, other: DataFrame) -> DataFrame:
        out: DataFrame = concat([self, other])
        return out

    def equals(self, other: DataFrame) -> bool:
        return self.columns == other.columns and self.dtypes == other.dtypes and self.rows() == other.rows()

    # IO ----------------------------------------------------------------------------------------------
    def write_csv(self, file: str, *, include_header: bool = True, separator: str = ",") -> None:
        self._df.write_csv(str(file), include_header, separator)

    def write_parquet(self, file: str) -> None:
        self._df.write_parquet(str(file))

    def write_ndjson(self, file: str) -> None:
        self._df.write_ndjson(str(file))

    def write_ipc(self, file: str) -> None:
        self._df.write_ipc(str(file))

    # Reshaping ---------------------------------------------------------------------------------------
    def unpivot(
        self,
        on: str | Sequence[str] | None = None,
        *,
        index: str | Sequence[str] | None = None,
        variable_name: str | None = None,
        value_name: str | None = None,
    ) -> DataFrame:
        """Wide to long (see ``LazyFrame.unpivot``)."""
        return self.lazy().unpivot(on, index=index, variable_name=variable_name, value_name=value_name).collect()

    def pivot(
        self,
        on: str | Sequence[str],
        *,
        index: str | Sequence[str] | None = None,
        values: str | Sequence[str] | None = None,
        aggregate_function: str | None = None,
        sort_columns: bool = False,
        separator: str = "_",
    ) -> DataFrame:
        """Long to wide: one row per ``index``, one column per distinct ``on`` value.
        ``aggregate_function`` is one of first, last, sum, mean, median, min, max, len;
        without it, several values for one cell are an error."""
        from quiver.reshape import pivot

        return pivot(self, on, index, values, aggregate_function, sort_columns, separator)

    def describe(self, percentiles: Sequence[float] = (0.25, 0.5, 0.75)) -> DataFrame:
        """Summary statistics per column (count, null_count, mean, std, min, percentiles, max)."""
        from quiver.reshape import describe

        return describe(self, percentiles)

    # Display -----------------------------------------------------------------------------------------
    def _display_parts(self, max_rows: int = 10) -> tuple[list[str], list[str], list[list[str]]]:
        names = self.columns
        types = [d.short_name() for d in self.dtypes]
        h = self.height
        if h <= max_rows:
            cols = self._df.to_text()
            rows = [list(r) for r in zip(*cols)] if names else []
        else:
            top = self._df.slice(0, max_rows // 2).to_text()
            bottom = self._df.slice(h - max_rows // 2, max_rows // 2).to_text()
            rows = [list(r) for r in zip(*top)] + [["…"] * _builtin_len(names)] + [list(r) for r in zip(*bottom)]
        return names, types, rows

    def __repr__(self) -> str:
        names, types, rows = self._display_parts()
        out = [f"shape: ({self.height}, {self.width})"]
        if not names:
            return out[0] + "\n┌┐\n└┘"
        widths = [
            max(_builtin_len(n), _builtin_len(t), 3, *(_builtin_len(r[i]) for r in rows))
            for i, (n, t) in enumerate(zip(names, types))
        ]

        def line(cells: Sequence[str]) -> str:
            return "│ " + " ┆ ".join(c.ljust(w) for c, w in zip(cells, widths)) + " │"

        out.append("┌" + "┬".join("─" * (w + 2) for w in widths) + "┐")
        out.append(line(names))
        out.append(line(["---"] * _builtin_len(names)))
        out.append(line(types))
        out.append("╞" + "╪".join("═" * (w + 2) for w in widths) + "╡")
        out.extend(line(r) for r in rows)
        out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
        return "\n".join(out)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        names, types, rows = self._display_parts(20)
        esc = html.escape
        head = "".join(f"<th>{esc(n)}<br><small>{esc(t)}</small></th>" for n, t in zip(names, types))
        body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
        return (
            f"<div><small>shape: ({self.height}, {self.width})</small>"
            f"<table class=\"dataframe\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
        )


class Series:
    """One named column (what ``df["a"]`` returns): a thin wrapper over a one-column frame."""

    __slots__ = ("_frame",)

    def __init__(self, name: str, values: Sequence[Any] | None = None) -> None:
        self._frame = DataFrame({name: list(values or [])})

    @classmethod
    def _from_frame(cls, frame: DataFrame) -> Series:
        out = cls.__new__(cls)
        out._frame = frame
        return out

    @property
    def name(self) -> str:
        return self._frame.columns[0]

    @property
    def dtype(self) -> DataType:
        return self._frame.dtypes[0]

    def __len__(self) -> int:
        return self._frame.height

    def len(self) -> int:
        return self._frame.height

    def to_list(self) -> list[Any]:
        values: list[Any] = self._frame._df.to_lists()[0]
        return values

    def __iter__(self) -> Iterator[Any]:
        return iter(self.to_list())

    def __getitem__(self, index: int) -> Any:
        return self._frame.item(index, 0)

    def item(self, index: int | None = None) -> Any:
        if index is None:
            if self._frame.height != 1:
                raise ValueError(f"item() needs a Series of length 1, not {self._frame.height}")
            index = 0
        return self._frame.item(index, 0)

    def to_frame(self) -> DataFrame:
        return self._frame

    def alias(self, name: str) -> Series:
        return Series._from_frame(self._frame.rename({self.name: name}))

    def to_arrow(self) -> Any:
        return self._frame.to_arrow().column(0)

    def _agg(self, e: Expr) -> Any:
        return self._frame.select(e).item()

    def sum(self) -> Any:
        return self._agg(col(self.name).sum())

    def mean(self) -> Any:
        return self._agg(col(self.name).mean())

    def min(self) -> Any:
        return self._agg(col(self.name).min())

    def max(self) -> Any:
        return self._agg(col(self.name).max())

    def n_unique(self) -> int:
        n: int = self._agg(col(self.name).n_unique())
        return n

    def null_count(self) -> int:
        n: int = self._agg(col(self.name).null_count())
        return n

    def __repr__(self) -> str:
        values = self.to_list()
        shown = ", ".join(repr(v) for v in values[:10]) + (", …" if _builtin_len(values) > 10 else "")
        return f"shape: ({_builtin_len(values)},)\nSeries: {self.name!r} [{self.dtype.short_name()}]\n[{shown}]"


def concat(items: Iterable[Any], *, how: str = "vertical") -> Any:
    """Stacks frames with the same schema (``how="vertical"``)."""
    items = list(items)
    if how != "vertical":
        raise ValueError("concat supports how='vertical'")
    if not items:
        raise ValueError("concat needs at least one frame")
    if all(isinstance(i, LazyFrame) for i in items):
        names = items[0].columns
        for other in items[1:]:
            if other.columns != names:
                raise SchemaError(f"cannot concat frames with different columns: {names} and {other.columns}")
        return LazyFrame(items[0]._lf.union([i._lf for i in items[1:]]))
    frames = [i.collect() if isinstance(i, LazyFrame) else i for i in items]
    return DataFrame._wrap(_quiver.DataFrame.concat([f._df for f in frames]))


def from_arrow(data: Any) -> DataFrame:
    """A DataFrame from any Arrow exporter (``__arrow_c_stream__``)."""
    return DataFrame._wrap(_quiver.DataFrame.from_arrow(data))


