"""SQL over frames: ``qv.sql("SELECT ... FROM df", df=df)`` and ``qv.SQLContext``. Queries
follow DuckDB's dialect and give LazyFrames."""

from __future__ import annotations

import inspect
import re
from typing import Any, Literal, Mapping, overload

from quiver import _quiver
from quiver.frame import DataFrame, LazyFrame

__all__ = ["SQLContext", "sql"]


def _as_native_frame(frame: Any) -> Any:
    if isinstance(frame, LazyFrame):
        return frame.collect()._df
    if isinstance(frame, DataFrame):
        return frame._df
    return DataFrame(frame)._df


class SQLContext:
    """Tables by name for SQL queries. Each context has its own names."""

    def __init__(self, frames: Mapping[str, Any] | None = None, **named_frames: Any) -> None:
        self._ctx = _quiver.SQLContext()
        for name, frame in {**(frames or {}), **named_frames}.items():
            self.register(name, frame)

    def register(self, name: str, frame: Any) -> SQLContext:
        """Registers a DataFrame, LazyFrame (collected now) or Arrow exporter as ``name``."""
        self._ctx.register(name, _as_native_frame(frame))
        return self

    def register_many(self, frames: Mapping[str, Any] | None = None, **named_frames: Any) -> SQLContext:
        for name, frame in {**(frames or {}), **named_frames}.items():
            self.register(name, frame)
        return self

    def unregister(self, names: str | list[str]) -> SQLContext:
        for n in [names] if isinstance(names, str) else names:
            self._ctx.unregister(n)
        return self

    def tables(self) -> list[str]:
        names: list[str] = self._ctx.tables()
        return names

    @overload
    def execute(self, query: str, *, eager: Literal[False] = ...) -> LazyFrame: ...

    @overload
    def execute(self, query: str, *, eager: Literal[True]) -> DataFrame: ...

    def execute(self, query: str, *, eager: bool = False) -> LazyFrame | DataFrame:
        """The query's result as a LazyFrame (a DataFrame with ``eager=True``)."""
        lf = LazyFrame(self._ctx.execute(query))
        return lf.collect() if eager else lf

    def __enter__(self) -> SQLContext:
        return self

    def __exit__(self, *args: object) -> None:
        for n in self.tables():
            self._ctx.unregister(n)


@overload
def sql(query: str, *, eager: Literal[False] = ..., **frames: Any) -> LazyFrame: ...


@overload
def sql(query: str, *, eager: Literal[True], **frames: Any) -> DataFrame: ...


def sql(query: str, *, eager: bool = False, **frames: Any) -> LazyFrame | DataFrame:
    """Runs SQL over frames passed by name; without any, over the frames in the caller's
    variables whose names the query mentions (as ``polars.sql``)."""
    if not frames:
        caller = inspect.currentframe()
        scope: dict[str, Any] = {}
        if caller is not None and caller.f_back is not None:
            scope = {**caller.f_back.f_globals, **caller.f_back.f_locals}
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query))
        frames = {n: v for n, v in scope.items() if n in words and isinstance(v, (DataFrame, LazyFrame))}
    lf = SQLContext(frames).execute(query)
    return lf.collect() if eager else lf
