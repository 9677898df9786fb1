"""The ``.list``, ``.struct`` and ``.name`` expression namespaces, as in Polars: list
functions map onto the engine's ``list_*`` functions (Polars' 0-based indexes become the
engine's 1-based ones), ``.name`` renames an expression's output from its current name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from quiver.expr import Expr

__all__ = ["ExprListNameSpace", "ExprStructNameSpace", "ExprNameNameSpace"]


class ExprListNameSpace:
    """List functions: ``col("tags").list.len()``."""

    __slots__ = ("_x",)

    def __init__(self, expr: Expr) -> None:
        self._x = expr

    def _f(self, name: str, *args: Any) -> Expr:
        return self._x._fn(name, *args).alias(self._x.meta_output_name())

    def len(self) -> Expr:
        """Elements per list (NULLs included), UInt32 as in Polars."""
        return self._f("len").cast("UInt32").alias(self._x.meta_output_name())

    def get(self, index: int) -> Expr:
        """The element at ``index`` (0-based; negative counts from the end), NULL when out of range."""
        return self._f("list_extract", index + 1 if index >= 0 else index)

    def first(self) -> Expr:
        return self.get(0)

    def last(self) -> Expr:
        return self.get(-1)

    def contains(self, item: Any) -> Expr:
        return self._f("list_contains", item)

    def sum(self) -> Expr:
        return self._f("list_sum")

    def min(self) -> Expr:
        return self._f("list_min")

    def max(self) -> Expr:
        return self._f("list_max")

    def mean(self) -> Expr:
        return self._f("list_avg")

    def sort(self, *, descending: bool = False, nulls_last: bool = False) -> Expr:
        return self._f("list_sort", "DESC" if descending else "ASC", "NULLS LAST" if nulls_last else "NULLS FIRST")

    def unique(self) -> Expr:
        return self._f("list_distinct")

    def reverse(self) -> Expr:
        return self._f("list_reverse")

    def join(self, separator: str) -> Expr:
        """The (string) elements joined with ``separator``."""
        from quiver.expr import lit, when

        joined = self._x._fn("list_aggregate", "string_agg", separator)
        # An empty list joins to "" (the engine's string_agg of nothing is NULL).
        return when(self._x.is_not_null()).then(joined.fill_null(lit(""))).alias(self._x.meta_output_name())

    def slice(self, offset: int, length: int | None = None) -> Expr:
        """``length`` elements from ``offset`` (0-based; negative counts from the end)."""
        # The engine's list_slice is 1-based with inclusive ends; negative ends count
        # from the back (-1 is the last element).
        start = offset + 1 if offset >= 0 else offset
        if length is None:
            end = 2**62
        elif offset >= 0:
            end = offset + length
        else:
            end = offset + length - 1 if offset + length - 1 < 0 else 2**62
        return self._f("list_slice", start, end)


class ExprStructNameSpace:
    """Struct functions: ``col("point").struct.field("x")``."""

    __slots__ = ("_x",)

    def __init__(self, expr: Expr) -> None:
        self._x = expr

    def field(self, name: str) -> Expr:
        """The field ``name``, named after it."""
        return self._x._fn("struct_extract", name).alias(name)


class ExprNameNameSpace:
    """Output names: ``col("a").sum().name.suffix("_total")``."""

    __slots__ = ("_x",)

    def __init__(self, expr: Expr) -> None:
        self._x = expr

    def _rename(self, how: Callable[[str], str]) -> Expr:
        return self._x.alias(how(self._x.meta_output_name()))

    def suffix(self, suffix: str) -> Expr:
        return self._rename(lambda n: n + suffix)

    def prefix(self, prefix: str) -> Expr:
        return self._rename(lambda n: prefix + n)

    def to_lowercase(self) -> Expr:
        return self._rename(str.lower)

    def to_uppercase(self) -> Expr:
        return self._rename(str.upper)

    def map(self, function: Callable[[str], str]) -> Expr:
        return self._rename(function)
