"""unpivot, pivot, describe, quantiles, Expr.sort, lazy concat, sinks: compared with Polars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings

import quiver as qv
from test_differential import _both, _same, frames


@pytest.fixture
def wide() -> tuple[qv.DataFrame, pl.DataFrame]:
    data: dict[str, list[Any]] = {
        "id": [1, 2, 1, 3],
        "k": ["x", "y", "y", None],
        "a": [1, 2, 3, 4],
        "b": [1.5, None, 2.5, 0.5],
        "s": ["p", "q", None, "r"],
    }
    return qv.DataFrame(data), pl.DataFrame(data)


def test_unpivot_matches_polars(wide: tuple[qv.DataFrame, pl.DataFrame]) -> None:
    q, p = wide
    _same(q.unpivot(["a", "b"], index="id"), p.unpivot(["a", "b"], index="id"))
    _same(q.unpivot(index=["id", "k"]), p.unpivot(index=["id", "k"]))
    _same(
        q.unpivot("a", index="id", variable_name="var", value_name="val"),
        p.unpivot("a", index="id", variable_name="var", value_name="val"),
    )
    assert q.unpivot(["a", "b"], index="id").schema == {"id": qv.Int64, "variable": qv.String, "value": qv.Float64}
    lazy = q.lazy().unpivot(["a"], index="id").filter(qv.col("value") > 1).collect()
    assert lazy.rows() == [(2, "a", 2), (1, "a", 3), (3, "a", 4)]


@pytest.mark.parametrize("how", [None, "first", "last", "sum", "mean", "min", "max", "len"])
def test_pivot_matches_polars(how: str | None) -> None:
    data: dict[str, list[Any]] = {
        "id": [1, 2, 1, 3, 2, 1],
        "k": ["x", "y", "y", "x", "z", "x"] if how else ["x", "y", "y", "x", "z", "z"],
        "a": [1, 2, 3, 4, 5, None],
        "b": [1.5, None, 2.5, 0.5, 1.0, 2.0],
    }
    q, p = qv.DataFrame(data), pl.DataFrame(data)
    qo = q.pivot("k", index="id", values="a", aggregate_function=how)
    po = p.pivot("k", index="id", values="a", aggregate_function=how)  # type: ignore[arg-type]
    _same(qo, po)
    qo = q.pivot("k", index="id", values=["a", "b"], aggregate_function=how, sort_columns=True)
    po = p.pivot("k", index="id", values=["a", "b"], aggregate_function=how, sort_columns=True)  # type: ignore[arg-type]
    _same(qo, po)


def test_pivot_without_aggregate_refuses_duplicates() -> None:
    df = qv.DataFrame({"id": [1, 1], "k": ["x", "x"], "v": [1, 2]})
    with pytest.raises(qv.exceptions.ComputeError, match="aggregate_function"):
        df.pivot("k", index="id", values="v")


def test_describe_matches_polars(wide: tuple[qv.DataFrame, pl.DataFrame]) -> None:
    q, p = wide
    qd, pd_ = q.describe(), p.describe()
    assert qd.columns == pd_.columns
    assert qd["statistic"].to_list() == pd_["statistic"].to_list()
    for name in ["id", "a", "b"]:
        _same(qd.select(name), pd_.select(name))
    for name in ["k", "s"]:
        got, want = qd[name].to_list(), pd_[name].to_list()
        # count, null_count, min and max as text (Polars also fills no other rows).
        assert [got[i] for i in (0, 1, 4, 8)] == [want[i] for i in (0, 1, 4, 8)]


@settings(max_examples=30, deadline=None)
@given(frames())
def test_quantiles_and_sorted_lists(data: dict[str, list[Any]]) -> None:
    q, p = _both(data)
    for how in ["nearest", "linear"]:
        qo = q.select(*[qv.col("f").quantile(x, how).alias(f"q{x}") for x in (0.0, 0.25, 0.5, 0.9, 1.0)])
        po = p.select(*[pl.col("f").quantile(x, how).alias(f"q{x}") for x in (0.0, 0.25, 0.5, 0.9, 1.0)])  # type: ignore[arg-type]
        _same(qo, po)
    _same(q.select(qv.col("i").sort()), p.select(pl.col("i").sort()))
    _same(
        q.select(qv.col("i").sort(descending=True, nulls_last=True)),
        p.select(pl.col("i").sort(descending=True, nulls_last=True)),
    )
    qg = q.group_by("k", maintain_order=True).agg(qv.col("i").sort().alias("l"))
    pg = p.group_by("k", maintain_order=True).agg(pl.col("i").sort().alias("l"))
    assert qg.rows() == pg.rows()


def test_lazy_concat_and_sinks(tmp_path: Path) -> None:
    a = qv.DataFrame({"x": [1, 2], "y": ["a", "b"]}).lazy()
    b = qv.DataFrame({"x": [3], "y": ["c"]}).lazy()
    both = qv.concat([a, b])
    assert isinstance(both, qv.LazyFrame)
    assert both.collect().rows() == [(1, "a"), (2, "b"), (3, "c")]
    with pytest.raises(qv.exceptions.SchemaError):
        qv.concat([a, b.rename({"y": "z"})])
    both.filter(qv.col("x") > 1).sink_parquet(tmp_path / "out.parquet")
    assert qv.read_parquet(tmp_path / "out.parquet").rows() == [(2, "b"), (3, "c")]
    both.sink_csv(tmp_path / "out.csv", separator=";")
    assert (tmp_path / "out.csv").read_text() == "x;y\n1;a\n2;b\n3;c\n"
    both.sink_ndjson(tmp_path / "out.ndjson")
    assert qv.read_ndjson(tmp_path / "out.ndjson").height == 3
    both.sink_ipc(tmp_path / "out.arrow")
    qv.read_ipc(tmp_path / "out.arrow").write_ipc(str(tmp_path / "again.arrow"))
    assert qv.read_ipc(tmp_path / "again.arrow").rows() == both.collect().rows()
    # A failing query leaves nothing behind.
    with pytest.raises(qv.exceptions.QuiverError):
        both.select(qv.col("y").cast(qv.Int64)).sink_parquet(tmp_path / "bad.parquet")
    assert not (tmp_path / "bad.parquet").exists()
