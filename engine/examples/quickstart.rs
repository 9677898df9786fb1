//! Quickstart: a small pipeline over the checked-in sample data (TPC-H at SF0.001).
//!
//! `cargo run -p quiver-engine --example quickstart`

use std::path::PathBuf;

use quiver_engine::prelude::*;

fn sample(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../datasets/sample")
        .join(file)
        .to_string_lossy()
        .into_owned()
}

fn main() -> Result<()> {
    // TPC-H Q1, the pricing summary report, over a Parquet file.
    let lineitem = LazyFrame::scan_parquet(&sample("lineitem.parquet"));
    let revenue = col("l_extendedprice") * (lit(1) - col("l_discount"));
    let q1 = lineitem
        .clone()
        .filter(col("l_shipdate").lt_eq(date(1998, 9, 2)))
        .group_by([col("l_returnflag"), col("l_linestatus")])
        .agg([
            col("l_quantity").sum().alias("sum_qty"),
            revenue.clone().sum().alias("sum_disc_price"),
            col("l_discount").mean().alias("avg_disc"),
            len().alias("count_order"),
        ])
        .sort(["l_returnflag", "l_linestatus"], SortOptions::default());
    println!(
        "TPC-H Q1 on datasets/sample/lineitem.parquet:\n{}\n",
        q1.collect()?
    );

    // The five customers with the most revenue: CSV joined with Parquet, then top-k.
    let customer = LazyFrame::scan_csv(&sample("customer.csv"), CsvOptions::default());
    let orders = LazyFrame::scan_parquet(&sample("orders.parquet"));
    let top = customer
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
        .group_by([col("c_name")])
        .agg([
            revenue.sum().alias("revenue"),
            col("o_orderkey").count_distinct().alias("orders"),
        ])
        .sort(["revenue"], SortOptions::descending())
        .limit(5);
    println!("Top customers by revenue:\n{}\n", top.collect()?);
    println!("How Quiver runs it:\n{}", top.explain()?);
    Ok(())
}
