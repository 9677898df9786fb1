"""SQL over frames, compared with DuckDB on the same data."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import quiver as qv

orders = qv.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6],
        "cust": ["x", "y", "x", "z", None, "y"],
        "amount": [10.5, 20.0, 7.25, None, 3.0, 11.0],
        "qty": [1, 2, 3, 4, 5, 6],
    }
)
customers = qv.DataFrame({"cust": ["x", "y", "w"], "region": ["north", "south", "east"]})

QUERIES = [
    "SELECT cust, sum(qty) AS q, count(*) AS n FROM orders GROUP BY cust ORDER BY cust NULLS LAST",
    "SELECT * FROM orders WHERE amount > 8 ORDER BY id",
    "SELECT o.id, c.region FROM orders o JOIN customers c USING (cust) ORDER BY o.id",
    "SELECT o.id, c.region FROM orders o LEFT JOIN customers c ON o.cust = c.cust ORDER BY o.id",
    "SELECT id, qty, sum(qty) OVER (PARTITION BY cust ORDER BY id) AS run FROM orders ORDER BY id",
    "SELECT cust, avg(amount) AS a, max(amount) AS m FROM orders GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL",
    "SELECT CASE WHEN qty % 2 = 0 THEN 'even' ELSE 'odd' END AS p, count(*) AS c FROM orders GROUP BY 1 ORDER BY 1",
    "WITH t AS (SELECT cust, qty * 2 AS q2 FROM orders) SELECT cust, q2 FROM t WHERE q2 > 4 ORDER BY q2",
    "SELECT DISTINCT cust FROM orders ORDER BY cust NULLS FIRST",
    "SELECT upper(cust) AS u, length(cust) AS l FROM orders ORDER BY id LIMIT 3",
]


def _normalize(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [tuple(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in r) for r in rows]


@pytest.mark.parametrize("query", QUERIES)
def test_matches_duckdb(query: str) -> None:
    got = qv.sql(query, orders=orders, customers=customers).collect().rows()
    con = duckdb.connect()
    con.register("orders", pa.table(orders))
    con.register("customers", pa.table(customers))
    want = con.execute(query).fetchall()
    assert _normalize(got) == _normalize(want)


def test_sql_result_is_lazy() -> None:
    out = qv.sql("SELECT id FROM orders", orders=orders)
    assert isinstance(out, qv.LazyFrame)
    assert out.filter(qv.col("id") > 4).collect()["id"].to_list() == [5, 6]
    assert isinstance(qv.sql("SELECT 1 AS one", eager=True), qv.DataFrame)


def test_sql_finds_frames_in_scope() -> None:
    local_frame = qv.DataFrame({"a": [1, 2, 3]})
    assert qv.sql("SELECT sum(a) AS s FROM local_frame").collect().item() == 6


def test_sql_context() -> None:
    ctx = qv.SQLContext(orders=orders)
    ctx.register("customers", customers.lazy())
    assert ctx.tables() == ["customers", "orders"]
    out = ctx.execute("SELECT count(*) AS n FROM orders JOIN customers USING (cust)", eager=True)
    assert out.item() == 4
    ctx.unregister("orders")
    assert ctx.tables() == ["customers"]
    with pytest.raises(qv.exceptions.TableNotFoundError):
        ctx.execute("SELECT * FROM orders").collect()
    # Statements before the final query run first.
    ctx.execute("CREATE VIEW v AS SELECT region FROM customers")
    assert ctx.execute("SELECT count(*) FROM v", eager=True).item() == 3


def test_contexts_do_not_share_names() -> None:
    qv.SQLContext(private_table=orders)
    with pytest.raises(qv.exceptions.TableNotFoundError):
        qv.SQLContext().execute("SELECT * FROM private_table").collect()
