"""A typical Polars pipeline runs unchanged on Quiver: the same function is given the
`polars` module and the `quiver` module, and the results must agree (values and dtypes)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import polars as pl

import quiver as qv

SAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "sample"


def monthly_report(m: Any) -> Any:
    """Revenue per customer segment and month for shipped orders, with each month's share
    of the segment's total and a rank: scan, filter, derive, join, aggregate, window, sort."""
    orders = m.scan_parquet(SAMPLE / "orders.parquet")
    customers = m.scan_csv(SAMPLE / "customer.csv")
    lines = (
        m.scan_parquet(SAMPLE / "lineitem.parquet")
        .filter((m.col("l_shipdate") >= m.lit(__import__("datetime").date(1995, 1, 1))) & (m.col("l_returnflag") != "R"))
        .with_columns(
            (m.col("l_extendedprice").cast(m.Float64) * (1 - m.col("l_discount").cast(m.Float64))).alias("revenue"),
            m.col("l_shipmode").str.to_lowercase().alias("mode"),
        )
    )
    joined = lines.join(orders, left_on="l_orderkey", right_on="o_orderkey").join(
        customers, left_on="o_custkey", right_on="c_custkey", how="left"
    )
    monthly = (
        joined.with_columns(
            m.col("o_orderdate").dt.year().alias("year"), m.col("o_orderdate").dt.month().alias("month")
        )
        .group_by("c_mktsegment", "year", "month")
        .agg(
            m.col("revenue").sum().alias("revenue"),
            m.len().alias("lines"),
            m.col("l_orderkey").n_unique().alias("orders"),
            m.col("mode").first().alias("any_mode"),
        )
        .drop("any_mode")
        .with_columns(
            (m.col("revenue") / m.col("revenue").sum().over("c_mktsegment")).alias("share"),
            m.col("revenue").rank("dense", descending=True).over("c_mktsegment").alias("rank"),
        )
        .filter(m.col("rank") <= 3)
        .sort(["c_mktsegment", "rank"])
    )
    return monthly.collect()


def test_polars_pipeline_runs_unchanged() -> None:
    got, want = monthly_report(qv), monthly_report(pl)
    assert got.columns == want.columns
    assert got.height == want.height > 0
    for a, b in zip(got.rows(), want.rows()):
        for x, y in zip(a, b):
            assert (math.isclose(x, y, rel_tol=1e-9) if isinstance(x, float) else x == y), (a, b)
    assert got.to_polars().schema == want.schema
