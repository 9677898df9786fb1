"""The same pipelines in Polars and Quiver on generated data must agree."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import quiver as qv

keys = st.sampled_from(["a", "b", "c", None])
ints = st.one_of(st.none(), st.integers(min_value=-1000, max_value=1000))
floats = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


@st.composite
def frames(draw: Any) -> dict[str, list[Any]]:
    n = draw(st.integers(min_value=0, max_value=30))
    return {
        "k": draw(st.lists(keys, min_size=n, max_size=n)),
        "i": draw(st.lists(ints, min_size=n, max_size=n)),
        "f": draw(st.lists(floats, min_size=n, max_size=n)),
    }


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


def _key(r: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((v is None, v if v is not None else 0) for v in r)


def _same(q: qv.DataFrame, p: pl.DataFrame, *, ordered: bool = True) -> None:
    assert q.columns == p.columns
    qr, pr = q.rows(), p.rows()
    if not ordered:
        qr, pr = sorted(qr, key=_key), sorted(pr, key=_key)
    assert len(qr) == len(pr), (qr, pr)
    for a, b in zip(qr, pr):
        assert all(_close(x, y) for x, y in zip(a, b)), (a, b)


def _both(data: dict[str, list[Any]]) -> tuple[qv.DataFrame, pl.DataFrame]:
    schema = {"k": pl.String, "i": pl.Int64, "f": pl.Float64}
    p = pl.DataFrame(data, schema=schema)
    return qv.from_polars(p), p


@settings(max_examples=40, deadline=None)
@given(frames())
def test_filter_select(data: dict[str, list[Any]]) -> None:
    q, p = _both(data)
    qo = q.filter((qv.col("i") > 0) | qv.col("f").is_null()).select("k", (qv.col("i") * 2 + 1).alias("j"), "f")
    po = p.filter((pl.col("i") > 0) | pl.col("f").is_null()).select("k", (pl.col("i") * 2 + 1).alias("j"), "f")
    _same(qo, po)


@settings(max_examples=40, deadline=None)
@given(frames())
def test_group_by(data: dict[str, list[Any]]) -> None:
    q, p = _both(data)
    qo = q.group_by("k").agg(
        qv.col("i").sum().alias("s"),
        qv.col("f").max().alias("m"),
        qv.col("i").count().alias("c"),
        qv.len(),
        qv.col("f").mean().alias("avg"),
    )
    po = p.group_by("k").agg(
        pl.col("i").sum().alias("s"),
        pl.col("f").max().alias("m"),
        pl.col("i").count().alias("c"),
        pl.len(),
        pl.col("f").mean().alias("avg"),
    )
    # Polars sums an all-NULL group to 0; SQL (and Quiver) to NULL.
    po = po.with_columns(pl.when(pl.col("c") == 0).then(None).otherwise(pl.col("s")).alias("s"))
    _same(qo, po, ordered=False)
    # The same dtypes: counts are UInt32, integer sums Int64.
    assert qo.to_polars().schema == po.schema


@settings(max_examples=40, deadline=None)
@given(frames(), st.booleans(), st.booleans())
def test_sort(data: dict[str, list[Any]], descending: bool, nulls_last: bool) -> None:
    q, p = _both(data)
    qo = q.sort(["k", "i", "f"], descending=descending, nulls_last=nulls_last)
    po = p.sort(["k", "i", "f"], descending=descending, nulls_last=nulls_last)
    _same(qo, po)


@settings(max_examples=30, deadline=None)
@given(frames(), frames(), st.sampled_from(["inner", "left", "semi", "anti"]))
def test_join(left: dict[str, list[Any]], right: dict[str, list[Any]], how: str) -> None:
    ql, pl_ = _both(left)
    qr, pr = _both(right)
    qo = ql.join(qr, on="k", how=how)
    po = pl_.join(pr, on="k", how=how)  # type: ignore[arg-type]
    _same(qo, po, ordered=False)


@settings(max_examples=30, deadline=None)
@given(frames())
def test_with_columns_when_and_window(data: dict[str, list[Any]]) -> None:
    q, p = _both(data)
    qo = q.with_columns(
        qv.when(qv.col("i") > 10).then(qv.lit("hi")).otherwise(qv.lit("lo")).alias("band"),
        qv.col("f").fill_null(0.0),
        qv.col("i").max().over("k").alias("mx"),
    )
    po = p.with_columns(
        pl.when(pl.col("i") > 10).then(pl.lit("hi")).otherwise(pl.lit("lo")).alias("band"),
        pl.col("f").fill_null(0.0),
        pl.col("i").max().over("k").alias("mx"),
    )
    _same(qo, po)


@settings(max_examples=30, deadline=None)
@given(frames())
def test_unique_and_drop_nulls(data: dict[str, list[Any]]) -> None:
    q, p = _both(data)
    _same(q.select("k").unique(), p.select("k").unique(), ordered=False)
    _same(q.drop_nulls(), p.drop_nulls())
    _same(q.select(qv.col("k").n_unique()), p.select(pl.col("k").n_unique()))


@settings(max_examples=30, deadline=None)
@given(frames(), st.booleans())
def test_window_order_by(data: dict[str, list[Any]], descending: bool) -> None:
    q, p = _both(data)
    q, p = q.with_row_index("r"), p.with_row_index("r")

    def build(m: Any) -> list[Any]:
        order = {"order_by": "r", "descending": descending}
        return [
            m.col("i").fill_null(0).cum_sum().over("k", **order).alias("cs"),
            m.col("i").shift().over("k", **order).alias("sh"),
            m.col("f").fill_null(0.0).sum().over("k", **order).alias("s"),
            m.col("f").first().over("k", **order).alias("fst"),
            m.col("f").last().over("k", **order).alias("lst"),
        ]

    _same(q.select("r", *build(qv)), p.select("r", *build(pl)))
