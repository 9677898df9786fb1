"""Type-checked with `mypy --strict` (not run by pytest): the public API's annotations
must let ordinary Polars-style code type-check."""

from __future__ import annotations

import datetime as dt

import quiver as qv
from quiver.exceptions import ColumnNotFoundError, QuiverError


def pipeline() -> list[dict[str, object]]:
    df: qv.DataFrame = qv.DataFrame({"k": ["a", "b"], "v": [1, 2], "d": [dt.date(2024, 1, 1), None]})
    lf: qv.LazyFrame = df.lazy().filter(qv.col("v") > 1).with_columns((qv.col("v") * 2).alias("w"))
    out: qv.DataFrame = (
        lf.group_by("k")
        .agg(qv.col("w").sum().alias("s"), qv.len())
        .sort("k", descending=True, nulls_last=True)
        .collect()
    )
    joined = df.join(out, on="k", how="left", suffix="_r")
    e: qv.Expr = qv.when(qv.col("v").is_null()).then(qv.lit(0)).otherwise(qv.col("v"))
    ranked = df.select(e.alias("e"), qv.col("v").rank("dense").over("k"), qv.col("k").str.to_uppercase())
    dates = df.select(qv.col("d").dt.year(), qv.col("d").dt.truncate("1mo"))
    s: qv.Series = joined["v"]
    values: list[object] = s.to_list()
    shape: tuple[int, int] = ranked.shape
    schema: dict[str, qv.DataType] = dates.schema
    sql_out: qv.LazyFrame = qv.sql("SELECT * FROM df", df=df)
    ctx = qv.SQLContext(t=df)
    tables: list[str] = ctx.tables()
    print(values, shape, schema, sql_out, tables)
    try:
        df.select("missing")
    except ColumnNotFoundError as err:
        print(err)
    except QuiverError:
        raise
    return df.to_dicts()


@qv.retry(attempts=3, backoff=0.01, on=(OSError,))
def load(path: str) -> qv.DataFrame:
    return qv.read_parquet(path)


@qv.timed(name="step")
async def step(n: int) -> int:
    return n + 1


def report() -> qv.DataFrame:
    loaded: qv.DataFrame = load("x.parquet")
    print(loaded.height)
    return qv.timings()


def nightly(path: str) -> int:
    run: qv.JobRun = qv.run_job(path, params={"since": "1995-01-01", "limit": 10}, threads=2)
    rows: object = run.step("revenue").get("rows_out")
    print(rows, run.status, run.report_path)
    try:
        qv.run_job(path)
    except qv.exceptions.JobFailedError as failed:
        print(failed.report)
    return run.duration_ms
