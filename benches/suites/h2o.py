"""The h2o.ai db-benchmark (continued by DuckDB Labs): group-by questions q1..q10 and
join questions j1..j5, in SQL as the benchmark's DuckDB solution runs them and with
Polars as its Polars solution does. File names follow the data generators
(`quiver datagen h2o-groupby` / `h2o-join`).

With NULLs in the data (`--na`), Polars' sum of a group whose values are all NULL is 0
where SQL's is NULL, so the answer check flags Polars on q3, q5 and q10; the queries are
kept as the benchmark's Polars solution writes them."""


def pretty_sci(n):
    """1e7 -> '1e7', as the R generators and `quiver datagen` name files."""
    n = int(n)
    if n == 0:
        return "0"
    digit, exp = n, 0
    while digit % 10 == 0:
        digit //= 10
        exp += 1
    return f"{digit}e{exp}" if digit < 10 else str(n)


def groupby_files(rows, groups, na, sorted_):
    return {"x": f"G1_{pretty_sci(rows)}_{pretty_sci(groups)}_{na}_{int(sorted_)}.parquet"}


def join_files(rows, na, sorted_):
    tail = f"{na}_{int(sorted_)}.parquet"
    base = f"J1_{pretty_sci(rows)}"
    return {
        "x": f"{base}_NA_{tail}",
        "small": f"{base}_{pretty_sci(rows // 1_000_000)}_{tail}",
        "medium": f"{base}_{pretty_sci(rows // 1_000)}_{tail}",
        "big": f"{base}_{pretty_sci(rows)}_{tail}",
    }


GROUPBY_SQL = {
    "q1": "SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1",
    "q2": "SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2",
    "q3": "SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3",
    "q4": "SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4",
    "q5": "SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6",
    "q6": "SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5",
    "q7": "SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3",
    "q8": "SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) "
    "AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2",
    "q9": "SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4",
    "q10": "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x "
    "GROUP BY id1, id2, id3, id4, id5, id6",
}

GROUPBY_NAMES = {
    "q1": "sum v1 by id1",
    "q2": "sum v1 by id1:id2",
    "q3": "sum v1 mean v3 by id3",
    "q4": "mean v1:v3 by id4",
    "q5": "sum v1:v3 by id6",
    "q6": "median v3 sd v3 by id4 id5",
    "q7": "max v1 - min v2 by id3",
    "q8": "largest two v3 by id6",
    "q9": "regression v1 v2 by id2 id4",
    "q10": "sum v3 count by id1:id6",
}

JOIN_SQL = {
    "j1": "SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)",
    "j2": "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 "
    "FROM x JOIN medium USING (id2)",
    "j3": "SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 "
    "FROM x LEFT JOIN medium USING (id2)",
    "j4": "SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 "
    "FROM x JOIN medium USING (id5)",
    "j5": "SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, "
    "big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)",
}

JOIN_NAMES = {
    "j1": "small inner on int",
    "j2": "medium inner on int",
    "j3": "medium outer on int",
    "j4": "medium inner on factor",
    "j5": "big inner on int",
}


def groupby_polars():
    import polars as pl

    c = pl.col
    return {
        "q1": lambda t: t["x"].group_by("id1").agg(v1=c("v1").sum()),
        "q2": lambda t: t["x"].group_by("id1", "id2").agg(v1=c("v1").sum()),
        "q3": lambda t: t["x"].group_by("id3").agg(v1=c("v1").sum(), v3=c("v3").mean()),
        "q4": lambda t: t["x"].group_by("id4").agg(v1=c("v1").mean(), v2=c("v2").mean(), v3=c("v3").mean()),
        "q5": lambda t: t["x"].group_by("id6").agg(v1=c("v1").sum(), v2=c("v2").sum(), v3=c("v3").sum()),
        "q6": lambda t: t["x"].group_by("id4", "id5").agg(median_v3=c("v3").median(), sd_v3=c("v3").std()),
        "q7": lambda t: t["x"].group_by("id3").agg(range_v1_v2=c("v1").max() - c("v2").min()),
        "q8": lambda t: t["x"]
        .drop_nulls("v3")
        .group_by("id6")
        .agg(largest2_v3=c("v3").top_k(2))
        .explode("largest2_v3"),
        "q9": lambda t: t["x"].group_by("id2", "id4").agg(r2=pl.corr("v1", "v2") ** 2),
        "q10": lambda t: t["x"]
        .group_by("id1", "id2", "id3", "id4", "id5", "id6")
        .agg(v3=c("v3").sum(), count=pl.len()),
    }


def join_polars():
    # Polars keeps the left key and suffixes the right table's other columns with
    # `_right`: the same columns, in the same order, as the SQL.
    return {
        "j1": lambda t: t["x"].join(t["small"], on="id1"),
        "j2": lambda t: t["x"].join(t["medium"], on="id2"),
        "j3": lambda t: t["x"].join(t["medium"], on="id2", how="left"),
        "j4": lambda t: t["x"].join(t["medium"], on="id5"),
        "j5": lambda t: t["x"].join(t["big"], on="id3"),
    }
