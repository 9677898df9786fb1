//! TPC-H queries written with the frame API over Parquet files.

use quiver_engine::prelude::*;

fn revenue() -> Expr {
    col("l_extendedprice") * (lit(1) - col("l_discount"))
}

/// TPC-H Q1 (pricing summary report) over `lineitem`.
pub fn q1(lineitem: LazyFrame) -> LazyFrame {
    lineitem
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

/// TPC-H Q6 (forecasting revenue change) over `lineitem`.
pub fn q6(lineitem: LazyFrame) -> LazyFrame {
    lineitem
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
