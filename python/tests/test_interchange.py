"""Arrow PyCapsule interchange with pyarrow, Polars and DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pyarrow as pa

import quiver as qv

qdf = qv.DataFrame(
    {
        "i": [1, None, 3],
        "f": [0.5, 1.5, None],
        "s": ["a", None, "c"],
        "b": [True, False, None],
        "d": [dt.date(2020, 1, 1), None, dt.date(2021, 6, 30)],
    }
)


def test_pyarrow_reads_quiver() -> None:
    t = pa.table(qdf)
    assert t.column_names == ["i", "f", "s", "b", "d"]
    assert t.column("i").to_pylist() == [1, None, 3]
    assert t.column("d").to_pylist() == [dt.date(2020, 1, 1), None, dt.date(2021, 6, 30)]
    assert qdf.to_arrow().equals(t)


def test_polars_reads_quiver() -> None:
    p = pl.DataFrame(qdf)
    assert p.columns == qdf.columns
    assert p.rows() == qdf.rows()
    assert qdf.to_polars().equals(p)


def test_duckdb_reads_quiver() -> None:
    rows = duckdb.sql("select i, s from qdf order by i nulls last").fetchall()
    assert rows == [(1, "a"), (3, "c"), (None, None)]


def test_quiver_reads_everything() -> None:
    t = pa.table({"x": [1, 2], "y": [["a"], ["b", "c"]]})
    assert qv.from_arrow(t).rows() == [(1, ["a"]), (2, ["b", "c"])]
    assert qv.DataFrame(t).shape == (2, 2)
    p = pl.DataFrame({"x": [1, 2], "t": [dt.datetime(2024, 1, 1, 12), None]})
    back = qv.from_polars(p)
    assert back.rows() == [(1, dt.datetime(2024, 1, 1, 12)), (2, None)]
    assert qv.from_polars(p.lazy()).height == 2
    rel = duckdb.sql("select 42 as answer, 'q' as name")
    assert qv.from_arrow(rel.arrow()).rows() == [(42, "q")]


def test_round_trip_is_lossless() -> None:
    t = pa.table(
        {
            "u8": pa.array([1, 2], pa.uint8()),
            "dec": pa.array([1, 2], pa.decimal128(10, 2)),
            "ts": pa.array([0, 10**6], pa.timestamp("us", tz="UTC")),
            "lst": pa.array([[1], None], pa.list_(pa.int32())),
        }
    )
    assert pa.table(qv.from_arrow(t)).equals(t)


def test_pandas_round_trip() -> None:
    import pandas as pd

    pdf = pd.DataFrame({"x": [1, 2, 3], "s": ["a", None, "c"], "f": [0.5, None, 2.0]})
    q = qv.from_pandas(pdf)
    assert q.schema == {"x": qv.Int64, "s": qv.String, "f": qv.Float64}
    assert q.rows() == [(1, "a", 0.5), (2, None, None), (3, "c", 2.0)]
    back = q.filter(qv.col("x") > 1).to_pandas()
    assert list(back.columns) == ["x", "s", "f"]
    assert back["x"].tolist() == [2, 3]
