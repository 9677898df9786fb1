"""Expressions: ``qv.col``, ``qv.lit``, ``qv.when`` and the ``Expr`` methods, mapped onto
the engine's expression builders and function registry names."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, Iterable

from quiver import _quiver
from quiver.namespaces import ExprListNameSpace, ExprNameNameSpace, ExprStructNameSpace
from quiver.datatypes import DataType

__all__ = ["Expr", "col", "lit", "when", "len", "all", "coalesce", "element_kind"]

_EPOCH_ORDINAL = 719_163
_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_MICRO = _dt.timedelta(microseconds=1)

_builtin_len = len


def element_kind(value: Any) -> str | None:
    """The column kind of one Python value, or None when the value needs pyarrow."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, _dt.datetime):
        return "datetime" if value.tzinfo is None else "datetime_utc"
    if isinstance(value, _dt.date):
        return "date"
    return None


def encode(kind: str, value: Any) -> Any:
    """A Python value as the native module reads it for `kind`."""
    if value is None:
        return None
    if kind == "date":
        return value.toordinal() - _EPOCH_ORDINAL
    if kind == "datetime":
        return (value - _EPOCH) // _MICRO
    if kind == "datetime_utc":
        return (value - _EPOCH_UTC) // _MICRO
    if kind == "float":
        return float(value)
    return value


def _dtype_name(dtype: DataType | str | type) -> str:
    if isinstance(dtype, DataType):
        return dtype.name
    if isinstance(dtype, str):
        return dtype
    python_types: dict[type, str] = {
        int: "Int64",
        float: "Float64",
        str: "String",
        bool: "Boolean",
        _dt.date: "Date",
        _dt.datetime: "Datetime",
    }
    if dtype in python_types:
        return python_types[dtype]
    raise TypeError(f"not a data type: {dtype!r}")


def lit(value: Any, dtype: DataType | str | type | None = None) -> Expr:
    """A literal value (None is NULL)."""
    if isinstance(value, Expr):
        return value
    kind = element_kind(value)
    if kind is None:
        raise TypeError(f"cannot use a {type(value).__name__} as a literal")
    name = None if dtype is None else _dtype_name(dtype)
    return Expr(_quiver.Expr.lit(kind, encode(kind, value), name))


def col(name: str, *more: str) -> Expr:
    """A column by name (``"*"`` is every column). Several names are not supported in one
    call: pass them to ``select`` instead."""
    if more:
        raise TypeError("qv.col takes one name; pass several names to select() instead")
    return Expr(_quiver.Expr.col(name))


def all() -> Expr:  # noqa: A001 - Polars' name
    """Every column (``col("*")``)."""
    return col("*")


def coalesce(*exprs: Any) -> Expr:
    """The first non-NULL value of the arguments (strings name columns)."""
    args = into_exprs(exprs)
    return Expr(_quiver.Expr.function("coalesce", [e._e for e in args]), name=args[0].meta_output_name())


def len() -> Expr:  # noqa: A001 - Polars' name
    """The number of rows (``count(*)``), named ``len``, typed UInt32 as in Polars."""
    return Expr(_quiver.Expr.len()).cast("UInt32").alias("len")


def into_expr(value: Any, *, str_as_col: bool = True) -> Expr:
    """An argument as an expression: strings name columns unless ``str_as_col`` is off."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, str) and str_as_col:
        return col(value)
    return lit(value)


def into_exprs(args: Iterable[Any], named: dict[str, Any] | None = None) -> list[Expr]:
    """Positional arguments (expressions, names or lists of them) and ``name=expr`` pairs."""
    out: list[Expr] = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out.extend(into_expr(x) for x in a)
        else:
            out.append(into_expr(a))
    for name, e in (named or {}).items():
        out.append(into_expr(e, str_as_col=False).alias(name))
    return out


def _native(exprs: Iterable[Expr]) -> list[Any]:
    return [e._e for e in exprs]


#: A window's order: sort expressions, descending flags, nulls last.
WindowOrder = tuple[list[Any], list[bool], bool]
_ROW_ORDER: WindowOrder = ([], [], False)


class Expr:
    """An expression over the columns of a frame."""

    __slots__ = ("_e", "_window", "_name", "_int_sum", "_sorted")

    def __init__(
        self,
        native: Any,
        window: Callable[[list[Any], WindowOrder], Any] | None = None,
        name: str | None = None,
    ) -> None:
        self._e = native
        # Polars names a computed column after its leftmost input (`a + 1` is `a`).
        self._name = name
        # A sum, which the engine types as DECIMAL(38, 0) over integers (DuckDB's HUGEINT):
        # frames cast such columns back to Int64, as Polars types them.
        self._int_sum = False
        # `Expr.sort()`: a sorted list per group; a frame's `select` explodes it into a
        # column, as Polars does.
        self._sorted = False
        # A builder for expressions that are windows themselves (rank, shift, cum_sum):
        # `.over(partition)` rebuilds them with the partition.
        self._window = window

    def __repr__(self) -> str:
        return f"<Expr {self._e!r}>"

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of an Expr is ambiguous: use & | ~ instead of and / or / not"
        )

    __hash__ = object.__hash__

    # Operators ---------------------------------------------------------------------------
    def _bin(self, op: str, other: Any) -> Expr:
        return Expr(self._e.binary(op, into_expr(other, str_as_col=False)._e), name=self.meta_output_name())

    def _rbin(self, op: str, other: Any) -> Expr:
        return Expr(into_expr(other, str_as_col=False)._e.binary(op, self._e), name=self.meta_output_name())

    def _final(self) -> Any:
        """The native expression, named as Polars would name the column."""
        if self._name is not None and self._name != self._e.output_name():
            return self._e.alias(self._name)
        return self._e

    def __add__(self, o: Any) -> Expr:
        if isinstance(o, str):
            return self._bin("||", o)
        return self._bin("+", o)

    def __radd__(self, o: Any) -> Expr:
        if isinstance(o, str):
            return self._rbin("||", o)
        return self._rbin("+", o)

    def __sub__(self, o: Any) -> Expr:
        return self._bin("-", o)

    def __rsub__(self, o: Any) -> Expr:
        return self._rbin("-", o)

    def __mul__(self, o: Any) -> Expr:
        return self._bin("*", o)

    def __rmul__(self, o: Any) -> Expr:
        return self._rbin("*", o)

    def __truediv__(self, o: Any) -> Expr:
        return self._bin("/", o)

    def __rtruediv__(self, o: Any) -> Expr:
        return self._rbin("/", o)

    def __floordiv__(self, o: Any) -> Expr:
        return self._bin("//", o)

    def __rfloordiv__(self, o: Any) -> Expr:
        return self._rbin("//", o)

    def __mod__(self, o: Any) -> Expr:
        return self._bin("%", o)

    def __rmod__(self, o: Any) -> Expr:
        return self._rbin("%", o)

    def __pow__(self, o: Any) -> Expr:
        return Expr(_quiver.Expr.function("pow", [self._e, into_expr(o, str_as_col=False)._e]))

    def __neg__(self) -> Expr:
        return Expr(self._e.neg(), name=self.meta_output_name())

    def __pos__(self) -> Expr:
        return self

    def __eq__(self, o: Any) -> Expr:  # type: ignore[override]
        return self._bin("=", o)

    def __ne__(self, o: Any) -> Expr:  # type: ignore[override]
        return self._bin("!=", o)

    def __lt__(self, o: Any) -> Expr:
        return self._bin("<", o)

    def __le__(self, o: Any) -> Expr:
        return self._bin("<=", o)

    def __gt__(self, o: Any) -> Expr:
        return self._bin(">", o)

    def __ge__(self, o: Any) -> Expr:
        return self._bin(">=", o)

    def __and__(self, o: Any) -> Expr:
        return self._bin("and", o)

    def __rand__(self, o: Any) -> Expr:
        return self._rbin("and", o)

    def __or__(self, o: Any) -> Expr:
        return self._bin("or", o)

    def __ror__(self, o: Any) -> Expr:
        return self._rbin("or", o)

    def __invert__(self) -> Expr:
        return Expr(self._e.not_(), name=self.meta_output_name())

    def eq(self, o: Any) -> Expr:
        return self._bin("=", o)

    def ne(self, o: Any) -> Expr:
        return self._bin("!=", o)

    def lt(self, o: Any) -> Expr:
        return self._bin("<", o)

    def le(self, o: Any) -> Expr:
        return self._bin("<=", o)

    def gt(self, o: Any) -> Expr:
        return self._bin(">", o)

    def ge(self, o: Any) -> Expr:
        return self._bin(">=", o)

    def eq_missing(self, o: Any) -> Expr:
        """Equality where NULL equals NULL."""
        return self._bin("eq_missing", o)

    def ne_missing(self, o: Any) -> Expr:
        return self._bin("ne_missing", o)

    def not_(self) -> Expr:
        return ~self

    # Naming and types ----------------------------------------------------------------------
    def alias(self, name: str) -> Expr:
        if self._window is not None:
            build = self._window
            out = Expr(self._e.alias(name), lambda parts, order: build(parts, order).alias(name))
        else:
            out = Expr(self._e.alias(name))
        out._int_sum = self._int_sum
        out._sorted = self._sorted
        return out

    def cast(self, dtype: DataType | str | type, *, strict: bool = True) -> Expr:
        return Expr(self._e.cast(_dtype_name(dtype), strict), name=self.meta_output_name())

    # NULLs -----------------------------------------------------------------------------------
    def is_null(self) -> Expr:
        return Expr(self._e.is_null(), name=self.meta_output_name())

    def is_not_null(self) -> Expr:
        return Expr(self._e.is_not_null(), name=self.meta_output_name())

    def fill_null(self, value: Any) -> Expr:
        fill = into_expr(value, str_as_col=False)
        return Expr(_quiver.Expr.function("coalesce", [self._e, fill._e])).alias(self.meta_output_name())

    def is_nan(self) -> Expr:
        return self._fn("isnan")

    # Predicates ------------------------------------------------------------------------------
    def is_in(self, values: Iterable[Any]) -> Expr:
        native = self._e.is_in([into_expr(v, str_as_col=False)._e for v in values])
        return Expr(native, name=self.meta_output_name())

    def is_between(self, lower_bound: Any, upper_bound: Any, closed: str = "both") -> Expr:
        lo = into_expr(lower_bound, str_as_col=False)
        hi = into_expr(upper_bound, str_as_col=False)
        if closed == "both":
            return Expr(self._e.is_between(lo._e, hi._e), name=self.meta_output_name())
        left = self > lo if closed in ("right", "none") else self >= lo
        right = self < hi if closed in ("left", "none") else self <= hi
        return left & right

    # Scalar functions ------------------------------------------------------------------------
    def _fn(self, name: str, *args: Any) -> Expr:
        native = [self._e] + [into_expr(a, str_as_col=False)._e for a in args]
        return Expr(_quiver.Expr.function(name, native), name=self.meta_output_name())

    def abs(self) -> Expr:
        return self._fn("abs")

    def sqrt(self) -> Expr:
        return self._fn("sqrt")

    def round(self, decimals: int = 0) -> Expr:
        return self._fn("round", decimals)

    def floor(self) -> Expr:
        return self._fn("floor")

    def ceil(self) -> Expr:
        return self._fn("ceil")

    # Aggregates --------------------------------------------------------------------------------
    def _agg(self, name: str, *args: Any, distinct: bool = False) -> Expr:
        native = [self._e] + [lit(a)._e for a in args]
        return Expr(_quiver.Expr.aggregate(name, native, distinct)).alias(self.meta_output_name())

    def sum(self) -> Expr:
        out = self._agg("sum")
        out._int_sum = True
        return out

    def mean(self) -> Expr:
        return self._agg("avg")

    def min(self) -> Expr:
        return self._agg("min")

    def max(self) -> Expr:
        return self._agg("max")

    # Counts are UInt32, as Polars types them (the engine counts in Int64, as DuckDB).
    def count(self) -> Expr:
        """Non-NULL values."""
        return self._agg("count").cast("UInt32").alias(self.meta_output_name())

    def len(self) -> Expr:
        """All values, NULL included."""
        return Expr(_quiver.Expr.len()).cast("UInt32").alias(self.meta_output_name())

    def null_count(self) -> Expr:
        missing = Expr(_quiver.Expr.len()) - Expr(_quiver.Expr.aggregate("count", [self._e], False))
        return missing.cast("UInt32").alias(self.meta_output_name())

    def n_unique(self) -> Expr:
        """Distinct values, NULL counting as one value (as Polars)."""
        distinct = Expr(_quiver.Expr.aggregate("count", [self._e], True))
        has_null = (self.null_count() > 0).cast("Int64")
        return (distinct + has_null).cast("UInt32").alias(self.meta_output_name())

    def first(self) -> Expr:
        return self._agg("first")

    def last(self) -> Expr:
        return self._agg("last")

    def median(self) -> Expr:
        return self._agg("median")

    def quantile(self, quantile: float, interpolation: str = "linear") -> Expr:
        if interpolation == "linear":
            return self._agg("quantile_cont", float(quantile))
        if interpolation == "nearest":
            return self._nearest_quantile(float(quantile))
        if interpolation == "lower":
            return self._agg("quantile_disc", float(quantile))
        raise ValueError(
            f"interpolation {interpolation!r} is not supported; use 'linear', 'nearest' or 'lower'"
        )

    def _nearest_quantile(self, q: float) -> Expr:
        """Polars' ``nearest``: the sorted non-NULL value at ``round(q * (n - 1))`` (halves
        away from zero), which DuckDB's ``quantile_disc`` does not match."""
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"quantile must be between 0 and 1, found {q}")
        ordered = Expr(
            _quiver.Expr.function("list_sort", [self.implode()._e, lit("ASC")._e, lit("NULLS LAST")._e])
        )
        n = Expr(_quiver.Expr.aggregate("count", [self._e], False))
        position = Expr(_quiver.Expr.function("round", [((n - 1) * q)._e])).cast("Int64") + 1
        value = Expr(_quiver.Expr.function("list_extract", [ordered._e, position._e]))
        return when(n > 0).then(value).alias(self.meta_output_name())

    def std(self, ddof: int = 1) -> Expr:
        return self._agg("stddev_samp" if ddof == 1 else "stddev_pop")

    def var(self, ddof: int = 1) -> Expr:
        return self._agg("var_samp" if ddof == 1 else "var_pop")

    def implode(self) -> Expr:
        return self._agg("list")

    def sort(self, *, descending: bool = False, nulls_last: bool = False) -> Expr:
        """The values in order. In ``group_by(...).agg(...)`` each group's values become a
        sorted list (as in Polars); to order a whole frame use ``DataFrame.sort``."""
        order = lit("DESC" if descending else "ASC")._e
        nulls = lit("NULLS LAST" if nulls_last else "NULLS FIRST")._e
        out = Expr(_quiver.Expr.function("list_sort", [self.implode()._e, order, nulls])).alias(
            self.meta_output_name()
        )
        out._sorted = True
        return out

    # Windows -----------------------------------------------------------------------------------
    def over(
        self,
        partition_by: Any = None,
        *more_by: Any,
        order_by: Any = None,
        descending: bool = False,
        nulls_last: bool = False,
    ) -> Expr:
        """The expression evaluated per group of ``partition_by``, keeping every row."""
        parts = [] if partition_by is None else into_exprs([partition_by, *more_by])
        orders = [] if order_by is None else into_exprs([order_by])
        order = (_native(orders), [descending] * _builtin_len(orders), nulls_last)
        if self._window is not None:
            # shift / cum_sum run in `order_by` order (row order without one).
            return Expr(self._window(_native(parts), order))
        out = Expr(self._e.over(_native(parts), *order))
        out._int_sum = self._int_sum
        return out

    def rank(self, method: str = "average", *, descending: bool = False) -> Expr:
        """Ranks of the values (NULL stays NULL); methods average, min, max, dense, ordinal."""
        names = {"min": "rank", "max": "rank", "average": "rank", "dense": "dense_rank", "ordinal": "row_number"}
        if method not in names:
            raise ValueError(f"rank method {method!r} is not supported; use one of {sorted(names)}")
        me = self

        def build(parts: list[Any], _order: WindowOrder = _ROW_ORDER) -> Any:
            base = _quiver.Expr.function(names[method], [])
            ranked = Expr(base.over(parts, [me._e], [descending], True))
            if method in ("average", "max"):
                ties = Expr(_quiver.Expr.len().over(parts + [me._e], [], []))
                ranked = ranked + (ties - 1) / 2 if method == "average" else ranked + ties - 1
            out = when(me.is_not_null()).then(ranked).otherwise(None)
            # Polars' types: Float64 for average ranks, UInt32 otherwise.
            out = out.cast("Float64" if method == "average" else "UInt32")
            return out.alias(me.meta_output_name())._e

        return Expr(build([]), build)

    def shift(self, n: int = 1, *, fill_value: Any = None) -> Expr:
        """Values moved down by ``n`` rows (up for negative ``n``)."""
        me = self

        def build(parts: list[Any], order: WindowOrder = _ROW_ORDER) -> Any:
            name, k = ("lag", n) if n >= 0 else ("lead", -n)
            args = [me._e, lit(k)._e]
            if fill_value is not None:
                args.append(into_expr(fill_value, str_as_col=False)._e)
            f = _quiver.Expr.function(name, args)
            return f.over(parts, *order, False).alias(me.meta_output_name())

        return Expr(build([]), build)

    def cum_sum(self, *, reverse: bool = False) -> Expr:
        """Running sum in row order."""
        if reverse:
            raise NotImplementedError("cum_sum(reverse=True) is not supported yet")
        me = self

        def build(parts: list[Any], order: WindowOrder = _ROW_ORDER) -> Any:
            s = _quiver.Expr.aggregate("sum", [me._e], False)
            return s.over(parts, *order, True).alias(me.meta_output_name())

        out = Expr(build([]), build)
        out._int_sum = True
        return out

    def meta_output_name(self) -> str:
        """The name of the column this expression produces."""
        if self._name is not None:
            return self._name
        name: str = self._e.output_name()
        return name


    # Namespaces and names ----------------------------------------------------------------------
    @property
    def str(self) -> ExprStringNameSpace:
        return ExprStringNameSpace(self)

    @property
    def dt(self) -> ExprDateTimeNameSpace:
        return ExprDateTimeNameSpace(self)

    @property
    def list(self) -> ExprListNameSpace:
        return ExprListNameSpace(self)

    @property
    def struct(self) -> ExprStructNameSpace:
        return ExprStructNameSpace(self)

    @property
    def name(self) -> ExprNameNameSpace:
        return ExprNameNameSpace(self)

class ExprStringNameSpace:
    """String functions: ``col("s").str.to_uppercase()``."""

    __slots__ = ("_x",)

    def __init__(self, expr: Expr) -> None:
        self._x = expr

    def _f(self, name: str, *args: Any) -> Expr:
        return self._x._fn(name, *args).alias(self._x.meta_output_name())

    def contains(self, pattern: str, *, literal: bool = False) -> Expr:
        if literal:
            return self._f("contains", pattern)
        return self._f("regexp_matches", pattern)

    def starts_with(self, prefix: str) -> Expr:
        return self._f("starts_with", prefix)

    def ends_with(self, suffix: str) -> Expr:
        return self._f("ends_with", suffix)

    def to_lowercase(self) -> Expr:
        return self._f("lower")

    def to_uppercase(self) -> Expr:
        return self._f("upper")

    def len_chars(self) -> Expr:
        return self._f("length")

    def len_bytes(self) -> Expr:
        return self._f("strlen")

    def replace(self, pattern: str, value: str, *, literal: bool = False, n: int = 1) -> Expr:
        """Replaces the first match (``n=1``) or all (``n=-1``) of a regex or literal."""
        if n not in (1, -1):
            raise ValueError("replace supports n=1 (first match) or n=-1 (all)")
        p = re.escape(pattern) if literal else pattern
        v = value if literal else re.sub(r"\$(\d)", r"\\\1", value)
        return self._f("regexp_replace", p, v, "g") if n == -1 else self._f("regexp_replace", p, v)

    def replace_all(self, pattern: str, value: str, *, literal: bool = False) -> Expr:
        if literal:
            return self._f("replace", pattern, value)
        return self.replace(pattern, value, n=-1)

    def slice(self, offset: int, length: int | None = None) -> Expr:
        start = offset + 1 if offset >= 0 else offset
        if length is None:
            return self._f("substring", start)
        return self._f("substring", start, length)

    def strip_chars(self, characters: str | None = None) -> Expr:
        return self._f("trim") if characters is None else self._f("trim", characters)

    def strip_chars_start(self, characters: str | None = None) -> Expr:
        return self._f("ltrim") if characters is None else self._f("ltrim", characters)

    def strip_chars_end(self, characters: str | None = None) -> Expr:
        return self._f("rtrim") if characters is None else self._f("rtrim", characters)

    def split(self, by: str) -> Expr:
        return self._f("string_split", by)


_TRUNC_UNITS = {
    "1y": "year",
    "1q": "quarter",
    "1mo": "month",
    "1w": "week",
    "1d": "day",
    "1h": "hour",
    "1m": "minute",
    "1s": "second",
}


class ExprDateTimeNameSpace:
    """Date and time functions: ``col("d").dt.year()``."""

    __slots__ = ("_x",)

    def __init__(self, expr: Expr) -> None:
        self._x = expr

    def _f(self, name: str, *args: Any) -> Expr:
        return self._x._fn(name, *args).alias(self._x.meta_output_name())

    def _part(self, name: str, dtype: str) -> Expr:
        """A date part in Polars' type (the engine gives BIGINT, as DuckDB)."""
        return self._x._fn(name).cast(dtype).alias(self._x.meta_output_name())

    def year(self) -> Expr:
        return self._part("year", "Int32")

    def quarter(self) -> Expr:
        return self._part("quarter", "Int8")

    def month(self) -> Expr:
        return self._part("month", "Int8")

    def day(self) -> Expr:
        return self._part("day", "Int8")

    def hour(self) -> Expr:
        return self._part("hour", "Int8")

    def minute(self) -> Expr:
        return self._part("minute", "Int8")

    def second(self) -> Expr:
        return self._part("second", "Int8")

    def weekday(self) -> Expr:
        """ISO weekday: Monday is 1, Sunday 7 (as Polars)."""
        return self._part("isodow", "Int8")

    def ordinal_day(self) -> Expr:
        return self._part("dayofyear", "Int16")

    def truncate(self, every: str) -> Expr:
        """Truncates to a unit: ``1y``, ``1q``, ``1mo``, ``1w``, ``1d``, ``1h``, ``1m``, ``1s``."""
        if every not in _TRUNC_UNITS:
            raise ValueError(f"truncate supports {sorted(_TRUNC_UNITS)}, not {every!r}")
        out = Expr(_quiver.Expr.function("date_trunc", [lit(_TRUNC_UNITS[every])._e, self._x._e]))
        return out.alias(self._x.meta_output_name())

    def strftime(self, format: str) -> Expr:  # noqa: A002 - Polars' name
        return self._f("strftime", format)

    def to_string(self, format: str) -> Expr:  # noqa: A002
        return self.strftime(format)


class When:
    """``qv.when(cond)`` waiting for ``.then(value)``."""

    def __init__(self, done: list[tuple[Expr, Expr]], condition: Expr) -> None:
        self._done = done
        self._cond = condition

    def then(self, value: Any) -> Then:
        return Then(self._done + [(self._cond, into_expr(value, str_as_col=False))])


class Then(Expr):
    """A ``when/then`` chain: an expression (NULL where no condition holds) that can go on
    with ``.when`` or end with ``.otherwise``."""

    def __init__(self, pairs: list[tuple[Expr, Expr]]) -> None:
        super().__init__(_quiver.Expr.case([c._e for c, _ in pairs], [v._e for _, v in pairs], None))
        self._pairs = pairs

    __slots__ = ("_pairs",)

    def when(self, condition: Any) -> When:
        return When(self._pairs, into_expr(condition))

    def otherwise(self, value: Any) -> Expr:
        other = into_expr(value, str_as_col=False)
        return Expr(_quiver.Expr.case([c._e for c, _ in self._pairs], [v._e for _, v in self._pairs], other._e))


def when(condition: Any) -> When:
    """Starts ``when(cond).then(v).otherwise(w)``."""
    return When([], into_expr(condition))

