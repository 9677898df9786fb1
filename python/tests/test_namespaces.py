"""The `.list`, `.struct` and `.name` namespaces, compared with Polars."""

from __future__ import annotations

from typing import Any

import polars as pl

import quiver as qv
from test_differential import _same

DATA: dict[str, list[Any]] = {
    "l": [[3, 1, 2], [], None, [5, None, 5], [7]],
    "s": [["a", "b"], ["c"], None, [], ["d", "e", "f"]],
}


def test_list_namespace_matches_polars() -> None:
    q, p = qv.DataFrame(DATA), pl.DataFrame(DATA)

    def both(build: Any) -> None:
        _same(q.select(build(qv.col("l"))), p.select(build(pl.col("l"))))

    both(lambda c: c.list.len())
    for i in (0, 1, -1, 5):
        both(lambda c, i=i: c.list.get(i, null_on_oob=True) if isinstance(c, pl.Expr) else c.list.get(i))
    both(lambda c: c.list.last())
    both(lambda c: c.list.contains(5))
    both(lambda c: c.list.max())
    both(lambda c: c.list.sort())
    both(lambda c: c.list.sort(descending=True, nulls_last=True))
    both(lambda c: c.list.reverse())
    for offset, length in [(0, 2), (1, None), (-2, 1), (-2, 5), (1, 0)]:
        both(lambda c, o=offset, n=length: c.list.slice(o, n))
    _same(q.select(qv.col("s").list.join("-")), p.select(pl.col("s").list.join("-")))
    assert q.select(qv.col("l").list.len()).to_polars().schema == p.select(pl.col("l").list.len()).schema


def test_struct_and_name_namespaces() -> None:
    q = qv.DataFrame({"p": [{"x": 1, "y": "a"}, {"x": 2, "y": None}], "v": [1, 2]})
    assert q.select(qv.col("p").struct.field("x")).to_dict(as_series=False) == {"x": [1, 2]}
    assert q.select(qv.col("v").sum().name.suffix("_total")).columns == ["v_total"]
    assert q.select(qv.col("v").name.prefix("my_")).columns == ["my_v"]
    assert q.select(qv.col("v").name.to_uppercase()).columns == ["V"]
    assert q.select((qv.col("v") * 2).alias("tmp").name.map(lambda n: n + "!")).columns == ["tmp!"]
