"""The frame and expression API on small, hand-checked examples."""

from __future__ import annotations

import datetime as dt

import pytest

import quiver as qv
from quiver.exceptions import ColumnNotFoundError, QuiverError


@pytest.fixture
def df() -> qv.DataFrame:
    return qv.DataFrame(
        {
            "city": ["a", "b", "a", None],
            "sales": [10, 20, 30, None],
            "x": [1.5, 2.0, None, 4.0],
            "d": [dt.date(2024, 1, 1), dt.date(2024, 3, 15), None, dt.date(2023, 12, 31)],
        }
    )


def test_construction_and_shape(df: qv.DataFrame) -> None:
    assert df.shape == (4, 4)
    assert df.height == 4 and df.width == 4
    assert df.columns == ["city", "sales", "x", "d"]
    assert df.schema == {"city": qv.String, "sales": qv.Int64, "x": qv.Float64, "d": qv.Date}
    rows = qv.DataFrame([{"a": 1, "b": "x"}, {"a": 2, "c": True}])
    assert rows.columns == ["a", "b", "c"]
    assert rows.rows() == [(1, "x", None), (2, None, True)]
    assert qv.DataFrame().shape == (0, 0)


def test_values_round_trip(df: qv.DataFrame) -> None:
    assert df.rows()[0] == ("a", 10, 1.5, dt.date(2024, 1, 1))
    assert df.to_dicts()[3] == {"city": None, "sales": None, "x": 4.0, "d": dt.date(2023, 12, 31)}
    assert df.item(1, "sales") == 20
    assert df.select(qv.col("sales").max()).item() == 30
    ts = qv.DataFrame({"t": [dt.datetime(2024, 5, 6, 7, 8, 9, 123456)]})
    assert ts.item() == dt.datetime(2024, 5, 6, 7, 8, 9, 123456)


def test_getitem_is_a_series(df: qv.DataFrame) -> None:
    s = df["sales"]
    assert isinstance(s, qv.Series)
    assert s.name == "sales" and s.dtype == qv.Int64 and len(s) == 4
    assert s.to_list() == [10, 20, 30, None]
    assert s[2] == 30 and s.sum() == 60
    assert df[["city", "x"]].columns == ["city", "x"]
    assert df[1:3].rows() == df.slice(1, 2).rows()


def test_select_filter_with_columns(df: qv.DataFrame) -> None:
    out = df.filter(qv.col("sales") > 10).select("city", (qv.col("sales") * 2).alias("s2"))
    assert out.sort("city").rows() == [("a", 60), ("b", 40)]
    out = df.with_columns(qv.col("sales") + 1, big=qv.col("sales") >= 20)
    assert out.columns == ["city", "sales", "x", "d", "big"]
    assert out["sales"].to_list() == [11, 21, 31, None]
    assert out["big"].to_list() == [False, True, True, None]
    assert df.filter(city="a").height == 2


def test_group_by_agg(df: qv.DataFrame) -> None:
    out = df.group_by("city").agg(
        qv.col("sales").sum().alias("total"),
        qv.col("x").mean(),
        qv.len(),
        n=qv.col("sales").count(),
    )
    got = {r["city"]: r for r in out.to_dicts()}
    assert got["a"]["total"] == 40 and got["a"]["x"] == 1.5 and got["a"]["len"] == 2 and got["a"]["n"] == 2
    assert got[None]["total"] is None
    ordered = df.group_by("city", maintain_order=True).agg(qv.len())
    assert ordered["city"].to_list() == ["a", "b", None]


def test_sort(df: qv.DataFrame) -> None:
    assert df.sort("sales")["sales"].to_list() == [None, 10, 20, 30]
    assert df.sort("sales", nulls_last=True)["sales"].to_list() == [10, 20, 30, None]
    assert df.sort("sales", descending=True, nulls_last=True)["sales"].to_list() == [30, 20, 10, None]
    out = df.sort(["city", "sales"], descending=[False, True], nulls_last=True)
    assert out["sales"].to_list() == [30, 10, 20, None]


def test_head_tail_slice_unique(df: qv.DataFrame) -> None:
    assert df.head(2)["sales"].to_list() == [10, 20]
    assert df.tail(2)["sales"].to_list() == [30, None]
    assert df.lazy().tail(2).collect()["sales"].to_list() == [30, None]
    assert df.lazy().head(3).collect().height == 3
    assert df.slice(1, 2)["sales"].to_list() == [20, 30]
    assert df.select("city").unique().height == 3
    assert df.unique(subset="city").height == 3


def test_drop_rename_nulls(df: qv.DataFrame) -> None:
    assert df.drop("x", "d").columns == ["city", "sales"]
    assert df.rename({"sales": "s"}).columns == ["city", "s", "x", "d"]
    assert df.drop_nulls().height == 2
    assert df.drop_nulls("sales").height == 3
    filled = df.fill_null(0)
    assert filled["sales"].to_list() == [10, 20, 30, 0]
    assert filled["city"].to_list() == ["a", "b", "a", None]
    assert df.select(qv.col("city").fill_null("?"))["city"].to_list() == ["a", "b", "a", "?"]


def test_joins() -> None:
    left = qv.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"]})
    right = qv.DataFrame({"k": [2, 3, 4], "v": ["B", "C", "D"]})
    inner = left.join(right, on="k").sort("k")
    assert inner.columns == ["k", "v", "v_right"]
    assert inner.rows() == [(2, "b", "B"), (3, "c", "C")]
    assert left.join(right, on="k", how="left").sort("k")["v_right"].to_list() == [None, "B", "C"]
    assert left.join(right, on="k", how="right").height == 3
    assert left.join(right, on="k", how="full").height == 4
    assert left.join(right, on="k", how="semi")["k"].to_list() == [2, 3]
    assert left.join(right, on="k", how="anti")["k"].to_list() == [1]
    assert left.join(right, how="cross").height == 9
    other = right.rename({"k": "key"})
    out = left.join(other, left_on="k", right_on="key", suffix="_r").sort("k")
    assert out.columns == ["k", "v", "v_r"]


def test_expressions(df: qv.DataFrame) -> None:
    out = df.select(
        qv.when(qv.col("sales") > 15).then(qv.lit("big")).otherwise(qv.lit("small")).alias("size"),
        qv.col("sales").is_null().alias("n"),
        qv.col("sales").is_in([10, 30]).alias("in"),
        qv.col("sales").is_between(15, 30).alias("btw"),
        (~(qv.col("sales") > 15) | qv.col("x").is_not_null()).alias("logic"),
        qv.col("sales").cast(qv.Float64).alias("f"),
        (qv.col("sales") // 7).alias("fd"),
        (qv.col("sales") % 7).alias("m"),
    )
    assert out["size"].to_list() == ["small", "big", "big", "small"]
    assert out["n"].to_list() == [False, False, False, True]
    assert out["in"].to_list() == [True, False, True, None]
    assert out["btw"].to_list() == [False, True, True, None]
    assert out["logic"].to_list() == [True, True, False, True]
    assert out["f"].to_list() == [10.0, 20.0, 30.0, None]
    assert out["fd"].to_list() == [1, 2, 4, None]
    assert out["m"].to_list() == [3, 6, 2, None]
    chained = df.select(qv.when(qv.col("sales") < 15).then(1).when(qv.col("sales") < 25).then(2).alias("c"))
    assert chained["c"].to_list() == [1, 2, None, None]


def test_aggregates(df: qv.DataFrame) -> None:
    out = df.select(
        qv.col("sales").sum().alias("sum"),
        qv.col("sales").min().alias("min"),
        qv.col("sales").max().alias("max"),
        qv.col("sales").mean().alias("mean"),
        qv.col("sales").median().alias("median"),
        qv.col("sales").std().alias("std"),
        qv.col("sales").var().alias("var"),
        qv.col("sales").quantile(0.5).alias("q"),
        qv.col("city").n_unique().alias("nu"),
        qv.col("sales").first().alias("first"),
        qv.col("sales").count().alias("count"),
        qv.col("sales").null_count().alias("nulls"),
    ).to_dicts()[0]
    assert out["sum"] == 60 and out["min"] == 10 and out["max"] == 30
    assert out["mean"] == 20.0 and out["median"] == 20.0 and out["q"] == 20.0
    assert out["var"] == 100.0 and out["std"] == 10.0
    assert out["nu"] == 3 and out["first"] == 10 and out["count"] == 3 and out["nulls"] == 1


def test_windows(df: qv.DataFrame) -> None:
    out = df.select(
        qv.col("sales").sum().over("city").alias("o"),
        qv.col("sales").rank().alias("r"),
        qv.col("sales").rank("dense", descending=True).alias("rd"),
        qv.col("sales").shift().alias("sh"),
        qv.col("sales").cum_sum().alias("cs"),
        qv.col("sales").rank("ordinal").over("city").alias("rg"),
    )
    assert out["o"].to_list() == [40, 20, 40, None]
    assert out["r"].to_list() == [1.0, 2.0, 3.0, None]
    assert out["rd"].to_list() == [3, 2, 1, None]
    assert out["sh"].to_list() == [None, 10, 20, 30]
    assert out["cs"].to_list() == [10, 30, 60, 60]
    assert out["rg"].to_list() == [1, 1, 2, None]
    ties = qv.DataFrame({"a": [5, 1, 5, 3]}).select(qv.col("a").rank())
    assert ties["a"].to_list() == [3.5, 1.0, 3.5, 2.0]


def test_string_and_date_namespaces() -> None:
    df = qv.DataFrame(
        {"s": ["Hello World", "  pad  ", None], "d": [dt.date(2024, 3, 17), dt.date(2023, 1, 2), None]}
    )
    out = df.select(
        qv.col("s").str.contains("o W").alias("c"),
        qv.col("s").str.starts_with("He").alias("sw"),
        qv.col("s").str.ends_with("ld").alias("ew"),
        qv.col("s").str.to_lowercase().alias("lo"),
        qv.col("s").str.to_uppercase().alias("up"),
        qv.col("s").str.len_chars().alias("n"),
        qv.col("s").str.replace("o", "0").alias("r1"),
        qv.col("s").str.replace_all("o", "0").alias("ra"),
        qv.col("s").str.slice(0, 5).alias("sl"),
        qv.col("s").str.strip_chars().alias("st"),
        qv.col("s").str.split(" ").alias("sp"),
        qv.col("d").dt.year().alias("y"),
        qv.col("d").dt.month().alias("m"),
        qv.col("d").dt.day().alias("day"),
        qv.col("d").dt.weekday().alias("wd"),
        qv.col("d").dt.strftime("%Y/%m").alias("f"),
        qv.col("d").dt.truncate("1mo").alias("t"),
    ).to_dicts()
    first = out[0]
    assert first["c"] is True and first["sw"] is True and first["ew"] is True
    assert first["lo"] == "hello world" and first["up"] == "HELLO WORLD" and first["n"] == 11
    assert first["r1"] == "Hell0 World" and first["ra"] == "Hell0 W0rld" and first["sl"] == "Hello"
    assert out[1]["st"] == "pad" and first["sp"] == ["Hello", "World"]
    assert (first["y"], first["m"], first["day"], first["wd"]) == (2024, 3, 17, 7)
    assert first["f"] == "2024/03"
    assert first["t"] in (dt.date(2024, 3, 1), dt.datetime(2024, 3, 1))
    assert out[2]["lo"] is None and out[2]["y"] is None


def test_with_row_index_explode_concat() -> None:
    df = qv.DataFrame({"a": [3, 4]})
    assert df.with_row_index().rows() == [(0, 3), (1, 4)]
    assert df.with_row_index("i", offset=1).columns == ["i", "a"]
    lists = qv.DataFrame({"k": [1, 2], "v": [[1, 2], [3]]})
    assert lists.explode("v").rows() == [(1, 1), (1, 2), (2, 3)]
    both = qv.concat([df, df])
    assert both["a"].to_list() == [3, 4, 3, 4]
    assert qv.concat([df.lazy(), df.lazy()]).collect().height == 4
    with pytest.raises(qv.exceptions.SchemaError):
        qv.concat([df, qv.DataFrame({"b": [1]})])


def test_lazy_and_explain(df: qv.DataFrame) -> None:
    lf = df.lazy().filter(qv.col("sales") > 10).select("sales")
    assert isinstance(lf, qv.LazyFrame)
    assert lf.schema == {"sales": qv.Int64}
    plan = lf.explain()
    assert "logical plan" in plan and "physical plan" in plan
    assert lf.collect()["sales"].to_list() == [20, 30]


def test_repr(df: qv.DataFrame) -> None:
    text = repr(df)
    assert text.startswith("shape: (4, 4)")
    assert "│ city ┆ sales ┆ x    ┆ d          │" in text
    assert "│ str  ┆ i64   ┆ f64  ┆ date       │" in text
    big = qv.DataFrame({"n": list(range(100))})
    assert "…" in repr(big) and "99" in repr(big)
    assert "<table" in df._repr_html_()


def test_io_round_trip(tmp_path: object, df: qv.DataFrame) -> None:
    import pathlib

    base = pathlib.Path(str(tmp_path))
    for ext, write, read in [
        ("csv", qv.DataFrame.write_csv, qv.read_csv),
        ("parquet", qv.DataFrame.write_parquet, qv.read_parquet),
        ("ndjson", qv.DataFrame.write_ndjson, qv.read_ndjson),
    ]:
        path = str(base / f"out.{ext}")
        write(df, path)
        back = read(path)
        assert back["sales"].to_list() == [10, 20, 30, None], ext
        assert back["city"].to_list() == ["a", "b", "a", None], ext
    lazy = qv.scan_parquet(str(base / "out.parquet")).filter(qv.col("sales") >= 20).select("sales")
    assert lazy.collect()["sales"].to_list() == [20, 30]


def test_errors_carry_categories(df: qv.DataFrame) -> None:
    with pytest.raises(ColumnNotFoundError, match="`nope` not found"):
        df.select("nope")
    with pytest.raises(QuiverError):
        df.lazy().select(qv.col("nope")).collect()
    with pytest.raises(qv.exceptions.SQLSyntaxError):
        qv.sql("selec 1")
    with pytest.raises(qv.exceptions.TableNotFoundError):
        qv.SQLContext().execute("select * from missing").collect()
    with pytest.raises(qv.exceptions.FunctionNotFoundError):
        qv.sql("select no_such_fn(1)").collect()
    with pytest.raises(qv.exceptions.QuiverIOError) as info:
        qv.read_parquet("/nonexistent/file.parquet")
    assert isinstance(info.value, OSError)
    with pytest.raises(qv.exceptions.ConversionError):
        qv.sql("select cast('abc' as integer)").collect()


def test_small_helpers(df: qv.DataFrame) -> None:
    assert df.select(qv.all()).columns == df.columns
    assert df.select(qv.coalesce("sales", qv.lit(-1)))["sales"].to_list() == [10, 20, 30, -1]
    assert df.cast({"sales": qv.Float64}).schema["sales"] == qv.Float64
    assert df.null_count().rows() == [(1, 1, 1, 1)]
    assert df.top_k(2, by="sales")["sales"].to_list() == [30, 20]
    assert df.bottom_k(1, by="sales")["sales"].to_list() == [10]
