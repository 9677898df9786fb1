"""Side-by-side timing of TPC-H Q1 and Q6: Quiver (frame API) vs DuckDB vs Polars.

Runs each engine on the same Parquet file with the same thread count, one engine after
another, several repetitions each, and prints min / median seconds and the ratio of
Quiver's median to the faster of the other two.

    python benches/compare_tpch_frame.py --sf 1 --threads 2 --reps 5
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

Q1 = """
SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,
       sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
       sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
       avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc,
       count(*) AS count_order
FROM read_parquet('{path}')
WHERE l_shipdate <= DATE '1998-09-02'
GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus
"""

Q6 = """
SELECT sum(l_extendedprice * l_discount) AS revenue FROM read_parquet('{path}')
WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
  AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24
"""


def timed(fn, reps):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def duckdb_times(path, threads, reps):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    out = {}
    for name, sql in (("q1", Q1), ("q6", Q6)):
        q = sql.format(path=path)
        out[name] = timed(lambda: con.execute(q).fetchall(), reps)
    return out


def polars_times(path, threads, reps):
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    import datetime as dt

    import polars as pl

    assert pl.thread_pool_size() == threads, "POLARS_MAX_THREADS must be set before polars is imported"

    def q1():
        rev = pl.col("l_extendedprice") * (1 - pl.col("l_discount"))
        return (
            pl.scan_parquet(path)
            .filter(pl.col("l_shipdate") <= dt.date(1998, 9, 2))
            .group_by("l_returnflag", "l_linestatus")
            .agg(
                pl.col("l_quantity").sum().alias("sum_qty"),
                pl.col("l_extendedprice").sum().alias("sum_base_price"),
                rev.sum().alias("sum_disc_price"),
                (rev * (1 + pl.col("l_tax"))).sum().alias("sum_charge"),
                pl.col("l_quantity").mean().alias("avg_qty"),
                pl.col("l_extendedprice").mean().alias("avg_price"),
                pl.col("l_discount").mean().alias("avg_disc"),
                pl.len().alias("count_order"),
            )
            .sort("l_returnflag", "l_linestatus")
            .collect()
        )

    def q6():
        return (
            pl.scan_parquet(path)
            .filter(
                (pl.col("l_shipdate") >= dt.date(1994, 1, 1))
                & (pl.col("l_shipdate") < dt.date(1995, 1, 1))
                & pl.col("l_discount").is_between(0.05, 0.07)
                & (pl.col("l_quantity") < 24)
            )
            .select((pl.col("l_extendedprice") * pl.col("l_discount")).sum().alias("revenue"))
            .collect()
        )

    return {"q1": timed(q1, reps), "q6": timed(q6, reps)}


def quiver_times(sf, threads, reps, data):
    cmd = ["cargo", "run", "-q", "--release", "-p", "quiver-benches", "--bin", "tpch_frame", "--",
           "--sf", str(sf), "--threads", str(threads), "--reps", str(reps), "--data", str(data)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=HERE.parent).stdout
    res = {}
    for line in out.splitlines():
        r = json.loads(line)
        res[r["query"]] = (r["min"], r["median"])
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sf", default="1")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    data = HERE / "data" / f"tpch-sf{args.sf}"
    path = data / "lineitem.parquet"
    # Quiver first: it generates the file when it is missing.
    quiver = quiver_times(args.sf, args.threads, args.reps, data)
    duck = duckdb_times(str(path), args.threads, args.reps)
    pol = polars_times(str(path), args.threads, args.reps)
    import duckdb
    import polars

    print(f"TPC-H SF{args.sf}, {args.threads} threads, {os.cpu_count()} cores, "
          f"DuckDB {duckdb.__version__}, Polars {polars.__version__}, {args.reps} runs each")
    print("| query | Quiver min / median (s) | DuckDB min / median (s) | Polars min / median (s) | Quiver / fastest other (median) |")
    print("|---|---|---|---|---|")
    for q in ("q1", "q6"):
        best = min(duck[q][1], pol[q][1])
        print(f"| {q} | {quiver[q][0]:.3f} / {quiver[q][1]:.3f} | {duck[q][0]:.3f} / {duck[q][1]:.3f} | "
              f"{pol[q][0]:.3f} / {pol[q][1]:.3f} | {quiver[q][1] / best:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
