//! TPC-H queries 1, 3, 5, 6, 10 and 18 written with the frame API, checked against the
//! official SF0.01 answers.

mod common;

use common::{assert_matches_answer, assert_matches_answer_except, tpch_sf001};
use quiver_engine::expr::builders::date;
use quiver_engine::prelude::*;

fn t(name: &str) -> LazyFrame {
    tpch_sf001()[name].lazy()
}

fn revenue() -> Expr {
    col("l_extendedprice") * (lit(1) - col("l_discount"))
}

#[test]
fn q01_pricing_summary() {
    let df = t("lineitem")
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
        .collect()
        .unwrap();
    assert_matches_answer(1, &df);
}

#[test]
fn q03_shipping_priority() {
    let customer = t("customer").filter(col("c_mktsegment").eq(lit("BUILDING")));
    let orders = t("orders").filter(col("o_orderdate").lt(date(1995, 3, 15)));
    let lineitem = t("lineitem").filter(col("l_shipdate").gt(date(1995, 3, 15)));
    let df = customer
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
        .collect()
        .unwrap();
    assert_matches_answer(3, &df);
}

#[test]
fn q05_local_supplier_volume() {
    let region = t("region").filter(col("r_name").eq(lit("ASIA")));
    let orders = t("orders").filter(
        col("o_orderdate")
            .gt_eq(date(1994, 1, 1))
            .and(col("o_orderdate").lt(date(1995, 1, 1))),
    );
    let df = region
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
        .collect()
        .unwrap();
    assert_matches_answer(5, &df);
}

#[test]
fn q06_forecasting_revenue_change() {
    let df = t("lineitem")
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
        .collect()
        .unwrap();
    assert_matches_answer(6, &df);
}

#[test]
fn q10_returned_item_reporting() {
    let orders = t("orders").filter(
        col("o_orderdate")
            .gt_eq(date(1993, 10, 1))
            .and(col("o_orderdate").lt(date(1994, 1, 1))),
    );
    let lineitem = t("lineitem").filter(col("l_returnflag").eq(lit("R")));
    let df = t("customer")
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
        .collect()
        .unwrap();
    // The answer file's c_address and c_comment text differs from what tpchgen (and
    // tpchgen-cli) generate for the same customers; every other column matches.
    assert_matches_answer_except(10, &df, &["c_address", "c_comment"]);
}

#[test]
fn q18_large_volume_customer() {
    let big_orders = t("lineitem")
        .group_by([col("l_orderkey")])
        .agg([col("l_quantity").sum().alias("qty")])
        .filter(col("qty").gt(lit(300)));
    let df = t("orders")
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
        .collect()
        .unwrap();
    assert_matches_answer(18, &df);
}
