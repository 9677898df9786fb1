"""Quiver: a columnar query engine with a Polars-style API and DuckDB-dialect SQL.

    import quiver as qv
    df = qv.DataFrame({"city": ["a", "b", "a"], "sales": [10, 20, 30]})
    df.group_by("city").agg(qv.col("sales").sum())
"""

from __future__ import annotations

from typing import Any

from quiver import exceptions
from quiver._quiver import __version__
from quiver.datatypes import (
    Boolean,
    DataType,
    Date,
    Datetime,
    Float32,
    Float64,
    Int8,
    Int16,
    Int32,
    Int64,
    Null,
    String,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Utf8,
)
from quiver.decorators import reset_timings, retry, timed, timings
from quiver.exceptions import QuiverError
from quiver.expr import Expr, all, coalesce, col, len, lit, when
from quiver.frame import DataFrame, GroupBy, LazyFrame, LazyGroupBy, Series, concat, from_arrow
from quiver.job import JobRun, run_job
from quiver.io import (
    read_csv,
    read_ipc,
    read_ndjson,
    read_parquet,
    scan_csv,
    scan_ipc,
    scan_ndjson,
    scan_parquet,
)
from quiver.sql import SQLContext, sql


def from_polars(df: Any) -> DataFrame:
    """A Quiver DataFrame from a Polars DataFrame (or LazyFrame, collected)."""
    if hasattr(df, "collect") and not hasattr(df, "__arrow_c_stream__"):
        df = df.collect()
    return from_arrow(df)


def from_pandas(df: Any) -> DataFrame:
    """A Quiver DataFrame from a pandas DataFrame (needs pyarrow)."""
    import pyarrow as pa

    return from_arrow(pa.Table.from_pandas(df, preserve_index=False))


def from_dicts(rows: list[dict[str, Any]]) -> DataFrame:
    return DataFrame(rows)


__all__ = [
    "__version__",
    "exceptions",
    "QuiverError",
    "DataType",
    "Boolean",
    "Date",
    "Datetime",
    "Float32",
    "Float64",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "Null",
    "String",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Utf8",
    "DataFrame",
    "LazyFrame",
    "GroupBy",
    "LazyGroupBy",
    "Series",
    "Expr",
    "col",
    "all",
    "coalesce",
    "lit",
    "len",
    "when",
    "concat",
    "from_arrow",
    "from_polars",
    "from_pandas",
    "from_dicts",
    "read_csv",
    "read_ipc",
    "read_ndjson",
    "read_parquet",
    "scan_csv",
    "scan_ipc",
    "scan_ndjson",
    "scan_parquet",
    "SQLContext",
    "sql",
    "retry",
    "timed",
    "timings",
    "reset_timings",
    "run_job",
    "JobRun",
]
