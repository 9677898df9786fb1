//! TPC-H queries written with the frame API (the `quiver-frame` engine of
//! `compare.py`): Q1, Q3, Q5, Q6, Q10 and Q18, the ones the engine's tests check against
//! the official answers (`engine/tests/tpch_frame.rs`). Each takes a function that
//! returns a table's scan by name.

use quiver_engine::prelude::*;

/// Returns the scan of a TPC-H table by name.
pub type Tables<'a> = &'a dyn Fn(&str) -> LazyFrame;

/// A TPC-H query over the tables.
pub type Query = fn(Tables) -> LazyFrame;

/// The queries written with the frame API, by name (`q01` ..).
pub const TPCH: [(&str, Query); 6] = [
    ("q01", q01),
    ("q03", q03),
    ("q05", q05),
    ("q06", q06),
    ("q10", q10),
    ("q18", q18),
];

fn revenue() -> Expr {
    col("l_extendedprice") * (lit(1) - col("l_discount"))
}

/// Q1, pricing summary report.
pub fn q01(t: Tables) -> LazyFrame {
    t("lineitem")
        .filter(col("l_shipdate").lt_eq(date(1998, 9, 2)))
        .group_by([col("l_returnflag"), col("l_linestatus")])
        .agg([
            col("l_quantity").sum().alias("sum_qty"),
            col("l_extendedprice").sum().alias("sum_base_price"),
            revenue().sum().alias("sum_disc_price"),
            (revenue() * (lit(1) + col("l_tax")))
                .sum()
                .alias("sum_charge"),
            col("l_quantity").mean().alias("avg_qty"),
            col("l_extendedprice").mean().alias("avg_price"),
            col("l_discount").mean().alias("avg_disc"),
            len().alias("count_order"),
        ])
        .sort(["l_returnflag", "l_linestatus"], SortOptions::default())
}

/// Q3, shipping priority.
pub fn q03(t: Tables) -> LazyFrame {
    let customer = t("customer").filter(col("c_mktsegment").eq(lit("BUILDING")));
    let orders = t("orders").filter(col("o_orderdate").lt(date(1995, 3, 15)));
    let lineitem = t("lineitem").filter(col("l_shipdate").gt(date(1995, 3, 15)));
    customer
        .join(
            orders,
            [col("c_custkey")],
            [col("o_custkey")],
            JoinHow::Inner,
        )
        .join(
            lineitem,
            [col("o_orderkey")],
            [col("l_orderkey")],
            JoinHow::Inner,
        )
        .group_by([
            col("o_orderkey").alias("l_orderkey"),
            col("o_orderdate"),
            col("o_shippriority"),
        ])
        .agg([revenue().sum().alias("revenue")])
        .sort(
            ["revenue", "o_orderdate"],
            SortOptions::descending_per_key(vec![true, false]),
        )
        .limit(10)
        .select([
            col("l_orderkey"),
            col("revenue"),
            col("o_orderdate"),
            col("o_shippriority"),
        ])
}

/// Q5, local supplier volume.
pub fn q05(t: Tables) -> LazyFrame {
    let region = t("region").filter(col("r_name").eq(lit("ASIA")));
    let orders = t("orders").filter(
        col("o_orderdate")
            .gt_eq(date(1994, 1, 1))
            .and(col("o_orderdate").lt(date(1995, 1, 1))),
    );
    region
        .join(
            t("nation"),
            [col("r_regionkey")],
            [col("n_regionkey")],
            JoinHow::Inner,
        )
        .join(
            t("customer"),
            [col("n_nationkey")],
            [col("c_nationkey")],
            JoinHow::Inner,
        )
        .join(
            orders,
            [col("c_custkey")],
            [col("o_custkey")],
            JoinHow::Inner,
        )
        .join(
            t("lineitem"),
            [col("o_orderkey")],
            [col("l_orderkey")],
            JoinHow::Inner,
        )
        .join(
            t("supplier"),
            [col("l_suppkey"), col("n_nationkey")],
            [col("s_suppkey"), col("s_nationkey")],
            JoinHow::Inner,
        )
        .group_by([col("n_name")])
        .agg([revenue().sum().alias("revenue")])
        .sort(["revenue"], SortOptions::descending())
}

/// Q6, forecasting revenue change.
pub fn q06(t: Tables) -> LazyFrame {
    t("lineitem")
        .filter(
            col("l_shipdate")
                .gt_eq(date(1994, 1, 1))
                .and(col("l_shipdate").lt(date(1995, 1, 1)))
                .and(col("l_discount").is_between(lit(0.05), lit(0.07)))
                .and(col("l_quantity").lt(lit(24))),
        )
        .select([(col("l_extendedprice") * col("l_discount"))
            .sum()
            .alias("revenue")])
}

/// Q10, returned item reporting.
pub fn q10(t: Tables) -> LazyFrame {
    let orders = t("orders").filter(
        col("o_orderdate")
            .gt_eq(date(1993, 10, 1))
            .and(col("o_orderdate").lt(date(1994, 1, 1))),
    );
    let lineitem = t("lineitem").filter(col("l_returnflag").eq(lit("R")));
    t("customer")
        .join(
            orders,
            [col("c_custkey")],
            [col("o_custkey")],
            JoinHow::Inner,
        )
        .join(
            lineitem,
            [col("o_orderkey")],
            [col("l_orderkey")],
            JoinHow::Inner,
        )
        .join(
            t("nation"),
            [col("c_nationkey")],
            [col("n_nationkey")],
            JoinHow::Inner,
        )
        .group_by([
            col("c_custkey"),
            col("c_name"),
            col("c_acctbal"),
            col("c_phone"),
            col("n_name"),
            col("c_address"),
            col("c_comment"),
        ])
        .agg([revenue().sum().alias("revenue")])
        .sort_by(vec![col("revenue").sort_desc()])
        .limit(20)
        .select(cols([
            "c_custkey",
            "c_name",
            "revenue",
            "c_acctbal",
            "n_name",
            "c_address",
            "c_phone",
            "c_comment",
        ]))
}

/// Q18, large volume customer.
pub fn q18(t: Tables) -> LazyFrame {
    let big_orders = t("lineitem")
        .group_by([col("l_orderkey")])
        .agg([col("l_quantity").sum().alias("qty")])
        .filter(col("qty").gt(lit(300)));
    t("orders")
        .join(
            big_orders,
            [col("o_orderkey")],
            [col("l_orderkey")],
            JoinHow::Semi,
        )
        .join(
            t("customer"),
            [col("o_custkey")],
            [col("c_custkey")],
            JoinHow::Inner,
        )
        .join(
            t("lineitem"),
            [col("o_orderkey")],
            [col("l_orderkey")],
            JoinHow::Inner,
        )
        .group_by(cols([
            "c_name",
            "o_custkey",
            "o_orderkey",
            "o_orderdate",
            "o_totalprice",
        ]))
        .agg([col("l_quantity").sum().alias("sum")])
        .sort(
            ["o_totalprice", "o_orderdate"],
            SortOptions::descending_per_key(vec![true, false]),
        )
        .limit(100)
        .select([
            col("c_name"),
            col("o_custkey").alias("c_custkey"),
            col("o_orderkey"),
            col("o_orderdate"),
            col("o_totalprice"),
            col("sum"),
        ])
}
